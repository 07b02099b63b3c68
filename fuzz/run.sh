#!/usr/bin/env bash
# Runs fuzz targets one after another (docs/fuzzing.md). Usage, from anywhere:
#   fuzz/run.sh [SECONDS] [TARGET...]     (default: 600 seconds each, all four targets)
# New corpus entries go to fuzz/corpus/<target>/, crashes to fuzz/artifacts/<target>/, logs to
# $FUZZ_LOGS (default /tmp). Extra read-only seed directories: FUZZ_SEEDS_<target>=dir.
# The build goes to $FUZZ_TARGET_DIR (default fuzz/target), outside what git tracks.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(documents allowlist tool_arguments answers)
target_dir=${FUZZ_TARGET_DIR:-target}
logs=${FUZZ_LOGS:-/tmp}
cargo +nightly fuzz build --target-dir "$target_dir"
for target in "${targets[@]}"; do
  seeds_var="FUZZ_SEEDS_${target}"
  seeds=${!seeds_var:-}
  case $target in
    documents) max_len=65536 ;;
    *) max_len=8192 ;;
  esac
  echo "== $target: ${seconds}s, log $logs/fuzz-$target.log"
  # fork=1 with ignore_*: a crash is saved and fuzzing goes on for the whole time.
  cargo +nightly fuzz run --target-dir "$target_dir" "$target" "corpus/$target" $seeds -- \
    -dict="dicts/$target.dict" -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=10 -rss_limit_mb=2048 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
    -ignore_ooms=1 -print_final_stats=1 >"$logs/fuzz-$target.log" 2>&1 || true
  tail -n 3 "$logs/fuzz-$target.log"
done
