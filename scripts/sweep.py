#!/usr/bin/env python3
"""Runs `alter-mcp-gen generate --all` over every API document under the given paths and
summarises what happened (see docs/sweep.md).

    python3 scripts/sweep.py --bin target/release/alter-mcp-gen DIR_OR_FILE... [--json OUT]

Per document: one strict run (`--all`, as a user would; any operation that cannot be
generated fails the document), and for a failed document a second run with
`--skip-unsupported`, to count the operations left out and why. Problems and warnings are
grouped by their message with names and numbers blanked. Each run is bounded by --timeout.
Nothing is fetched; the documents are whatever the paths hold.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

EXTENSIONS = (".json", ".yaml", ".yml")


def documents(paths):
    for path in paths:
        if os.path.isfile(path):
            yield path
            continue
        for root, _, files in os.walk(path):
            for name in sorted(files):
                if name.endswith(EXTENSIONS):
                    yield os.path.join(root, name)


def shape(message):
    """A message with its specifics blanked, so alike problems group together."""
    message = re.sub(r"`[^`]*`", "`…`", message)
    message = re.sub(r'"[^"]*"', '"…"', message)
    return re.sub(r"\d+", "N", message).strip()


def run(binary, spec, out, timeout, skip):
    command = [binary, "generate", "--spec", spec, "--provider", "sweep", "--all", "--out", out]
    if skip:
        command.append("--skip-unsupported")
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", time.monotonic() - started
    return done.returncode, done.stderr, time.monotonic() - started


def parse(stderr):
    """(tools generated, operations skipped, problem lines, warning lines)."""
    tools = skipped = 0
    match = re.search(r"(\d+) tools generated, (\d+) operations skipped", stderr)
    if match:
        tools, skipped = int(match.group(1)), int(match.group(2))
    errors = [line[len("error: "):] for line in stderr.splitlines() if line.startswith("error: ")]
    warnings = [line[len("warning: "):] for line in stderr.splitlines() if line.startswith("warning: ")]
    return tools, skipped, errors, warnings


def skipped_reasons(stderr):
    """The first problem of each skipped operation (`skipped OP:` then its diagnostics)."""
    reasons = []
    lines = stderr.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("skipped "):
            following = next((l for l in lines[index + 1:] if l.startswith("error: ")), "")
            reasons.append(following[len("error: "):])
    return reasons


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the alter-mcp-gen binary")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per run")
    parser.add_argument("--keep", help="directory to keep each generated module in")
    parser.add_argument("--json", help="write the per-document results here")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()

    results = []
    problems = collections.Counter()
    skips = collections.Counter()
    warnings = collections.Counter()
    scratch = tempfile.mkdtemp(prefix="sweep-")
    for index, spec in enumerate(documents(args.paths)):
        name = f"m{index}.rs"
        out = os.path.join(args.keep or scratch, name)
        status, stderr, seconds = run(args.bin, spec, out, args.timeout, skip=False)
        tools, _, errors, warned = parse(stderr)
        result = {
            "document": spec,
            "ok": status == 0,
            "timeout": status is None,
            "tools": tools,
            "seconds": round(seconds, 2),
            "warnings": len(warned),
            "module": out if status == 0 else None,
        }
        for line in warned:
            warnings[shape(line)] += 1
        if status not in (0, None):
            for line in set(errors):
                problems[shape(line)] += 1
            status2, stderr2, _ = run(args.bin, spec, out, args.timeout, skip=True)
            tools2, skipped2, errors2, _ = parse(stderr2)
            result["skip_run"] = {"ok": status2 == 0, "tools": tools2, "skipped": skipped2}
            for reason in skipped_reasons(stderr2):
                skips[shape(reason)] += 1
            if status2 not in (0, None):
                result["fatal"] = sorted({shape(e) for e in errors2})[:3]
        if not args.keep and os.path.exists(out):
            # Modules of large documents run to hundreds of megabytes (Stripe's, unbudgeted).
            os.remove(out)
            result["module"] = None
        results.append(result)
        flag = "ok " if result["ok"] else ("TO " if result["timeout"] else "ERR")
        print(f"{flag} {tools:5d} tools {seconds:6.1f}s {spec}", file=sys.stderr)

    total = len(results)
    ok = sum(r["ok"] for r in results)
    print(f"documents: {total}, generated whole: {ok}, failed: {total - ok}")
    print(f"operations generated (whole documents): {sum(r['tools'] for r in results)}")
    skip_runs = [r["skip_run"] for r in results if "skip_run" in r]
    print(
        "failed documents with --skip-unsupported: "
        f"{sum(s['tools'] for s in skip_runs)} generated, {sum(s['skipped'] for s in skip_runs)} skipped"
    )
    print(f"timeouts: {sum(r['timeout'] for r in results)}")
    shutil.rmtree(scratch, ignore_errors=True)
    for title, counter in [("failures (documents)", problems), ("skipped operations, by reason", skips),
                           ("warnings", warnings)]:
        print(f"\n{title}:")
        for message, count in counter.most_common():
            print(f"  {count:6d}  {message[:200]}")
    fatal = [r for r in results if r.get("fatal")]
    if fatal:
        print("\nnot generated even with --skip-unsupported:")
        for r in fatal:
            print(f"  {r['document']}: {'; '.join(r['fatal'])[:300]}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main()
