#!/bin/sh
# Proves that the two published crates work from their `.crate` files alone: packages
# `alter-mcp-runtime` and `alter-mcp-gen` (cargo verifies that each builds from its package),
# unpacks both, and builds a user's crate outside the workspace (a copy of `tests/user-crate`
# with this repository's `specs/`) against the unpacked packages, then runs its `--help`.
# Not a test: it builds everything once more (a few minutes); run it before a release.
#
#   scripts/package-check.sh            # uses $CARGO_TARGET_DIR, else target/
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
cd "$root"
cargo package -p alter-mcp-runtime -p alter-mcp-gen --allow-dirty

work="$target/tmp/package-check"
rm -rf "$work"
mkdir -p "$work/crates"
for crate in alter-mcp-runtime alter-mcp-gen; do
    tar -xzf "$target/package/$crate-$version.crate" -C "$work/crates"
done
cp -R tests/user-crate "$work/user"
cp -R specs "$work/user/specs"
sed -e "s#\.\./\.\./runtime#../crates/alter-mcp-runtime-$version#" \
    -e "s#\.\./\.\./generator#../crates/alter-mcp-gen-$version#" \
    tests/user-crate/Cargo.toml > "$work/user/Cargo.toml"
if grep -q '\.\./\.\./' "$work/user/Cargo.toml"; then
    echo "package-check: the user crate still points into the repository" >&2
    exit 1
fi
# The workspace's versions of every dependency, so the build reuses what is compiled already.
cp Cargo.lock "$work/user/Cargo.lock"
cd "$work/user"
RUSTFLAGS="-D warnings" cargo build
"$target/debug/alter-mcp-user-crate" --help > "$work/help.txt"
grep -q "user-mcp" "$work/help.txt"
echo "package-check: a crate outside the workspace builds and runs against the packaged crates ($version)"
