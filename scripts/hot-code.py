#!/usr/bin/env python3
"""Writes generated/hot-code.txt: the functions `alter-mcp` runs when it serves, grouped by what
runs them, which the release build places together at the start of its code (generated/build.rs).

    cargo build --release -p alter-mcp-tools -p alter-mcp-e2e --bin alter-mcp --bin fake-alter
    python3 scripts/hot-code.py            # needs valgrind; about two minutes

Why: the kernel maps a program's code into memory in 64 KiB blocks around every page that runs,
so a server whose few hundred KB of working code is spread over 7 MB holds most of the 7 MB.
Placed together, the same code costs a few blocks. See docs/benchmarks.md, "Memory under load".

How: one `alter-mcp` over stdio under callgrind, against the loopback backend (`fake-alter`),
driven in phases; `callgrind_control --dump` closes each phase, so each dump holds the functions
that phase ran. Phases, in the order the code is placed: start-up to the `initialize` answer and
`tools/list`; `list_events` with 16 calls in flight (the benchmark's load); each other tool once,
in `tools/list` order; refused arguments; shutdown. Then one `alter-mcp --http` session, whose
new functions follow. A function is listed once, in the first phase that ran it.

Names are the v0-mangled symbols (.cargo/config.toml), with the crate hashes and the
back-references that depend on their length replaced by `*`, so that a list made with one
compiler or dependency build still names the same functions in another.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "generated", "hot-code.txt")

WHEN = lambda t: {"dateTime": t, "timeZone": "Europe/Berlin"}  # noqa: E731
# A model's arguments for every shipped tool (the same as generated/benches/input_check.rs).
ARGUMENTS = {
    "list_events": {"query": "standup"},
    "get_event": {"eventId": "a1b2c3d4e5f6g7h8", "timeZone": "Europe/Berlin"},
    "create_event": {
        "summary": "Planning", "description": "Quarterly planning", "location": "Room 4",
        "start": WHEN("2026-12-07T10:00:00+01:00"), "end": WHEN("2026-12-07T11:00:00+01:00"),
        "attendees": [{"email": "ana@example.com"}, {"email": "bo@example.com", "optional": True}],
        "reminders": {"useDefault": False, "overrides": [{"method": "popup", "minutes": 10}]},
        "sendUpdates": "all",
    },
    "update_event": {
        "eventId": "a1b2c3d4e5f6g7h8", "summary": "Planning (moved)",
        "start": WHEN("2026-12-08T10:00:00+01:00"), "end": WHEN("2026-12-08T11:00:00+01:00"),
        "sendUpdates": "externalOnly",
    },
    "delete_event": {"eventId": "a1b2c3d4e5f6g7h8", "sendUpdates": "all"},
    "quick_add_event": {"text": "Lunch with Ana tomorrow at noon", "sendUpdates": "none"},
    "list_calendars": {"maxResults": 50, "minAccessRole": "writer"},
    "query_free_busy": {
        "timeMin": "2026-12-07T00:00:00Z", "timeMax": "2026-12-08T00:00:00Z", "timeZone": "UTC",
        "items": [{"id": "primary"}, {"id": "ana@example.com"}],
    },
    "send_slack": {"channel": "C0123456789", "text": "Deploy finished", "unfurl_links": False},
    "update_slack_message": {
        "channel": "C0123456789", "ts": "1503435956.000247", "text": "Deploy finished (v2)",
    },
    "delete_slack_message": {"channel": "C0123456789", "ts": "1503435956.000247"},
    "list_slack_channels": {
        "exclude_archived": True, "types": "public_channel,private_channel", "limit": 200,
    },
    "slack_channel_history": {"channel": "C0123456789", "limit": 50, "oldest": "1503435956.000247"},
    "get_slack_user": {"user": "U0123456789", "include_locale": True},
    "add_slack_reaction": {
        "channel": "C0123456789", "name": "thumbsup", "timestamp": "1503435956.000247",
    },
}
LOAD_CALLS = 400
IN_FLIGHT = 16


class Stdio:
    """A line-delimited JSON-RPC session with a child process."""

    def __init__(self, command, env):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.next_id = 0

    def send(self, message):
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method, params=None):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method,
                   **({"params": params} if params is not None else {})})
        return self.next_id

    def answer(self):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit("hot-code: the server closed its output")
            message = json.loads(line)
            if "id" in message:
                return message

    def call(self, method, params=None):
        self.request(method, params)
        return self.answer()


def call_tool(name, arguments):
    return "tools/call", {"name": name, "arguments": arguments}


def drive_stdio(session, dump):
    """Runs the phases; `dump(label)` closes each one."""
    session.call("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                "clientInfo": {"name": "hot-code", "version": "0"}})
    session.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    tools = [tool["name"] for tool in session.call("tools/list")["result"]["tools"]]
    unknown = sorted(set(tools) - set(ARGUMENTS))
    if unknown:
        sys.exit(f"hot-code: no arguments for {', '.join(unknown)}: add them to ARGUMENTS")
    dump("start-up, initialize, tools/list")

    sent = answered = 0
    while sent < min(IN_FLIGHT, LOAD_CALLS):
        session.request(*call_tool("list_events", ARGUMENTS["list_events"]))
        sent += 1
    while answered < LOAD_CALLS:
        answer = session.answer()
        answered += 1
        if answer.get("result", {}).get("isError") or "error" in answer:
            sys.exit(f"hot-code: list_events failed: {answer}")
        if sent < LOAD_CALLS:
            session.request(*call_tool("list_events", ARGUMENTS["list_events"]))
            sent += 1
    dump(f"list_events, {IN_FLIGHT} in flight")

    for tool in tools:
        if tool == "list_events":
            continue
        answer = session.call(*call_tool(tool, ARGUMENTS[tool]))
        if answer.get("result", {}).get("isError") or "error" in answer:
            sys.exit(f"hot-code: {tool} failed: {answer}")
        dump(tool)

    session.call(*call_tool("list_events", {"max_results": -5}))
    session.call(*call_tool("create_event", {"summary": 3}))
    session.call(*call_tool("no_such_tool", {}))
    dump("refused arguments, unknown tool")


def drive_http(url):
    headers = {"Content-Type": "application/json",
               "Accept": "application/json, text/event-stream",
               "MCP-Protocol-Version": "2025-11-25"}

    def post(message):
        request = urllib.request.Request(url, json.dumps(message).encode(), headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()

    post({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                     "clientInfo": {"name": "hot-code", "version": "0"}}})
    post({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    for n in range(20):
        post({"jsonrpc": "2.0", "id": 3 + n, "method": "tools/call",
              "params": {"name": "list_events", "arguments": ARGUMENTS["list_events"]}})


def functions_by_dump(prefix, functions):
    """The functions of `functions` (the binary's) that ran in each dump, dumps in order.

    By name, not by callgrind's `ob=` (object) lines: callgrind files functions without line
    information under an unknown object (`ob=???`)."""
    def number(path):
        tail = path.rsplit(".", 1)[-1]
        return int(tail) if tail.isdigit() else 1 << 30  # the final dump, at exit, comes last

    dumps = []
    for path in sorted(glob.glob(prefix + "*"), key=number):
        names = []
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("fn="):
                    name = re.sub(r"'\d+$", "", line[3:].strip())  # callgrind's recursion depth
                    if name in functions:
                        names.append(name)
        dumps.append(names)
    return dumps


def assembly_objects(release):
    """Function name -> object file (name glob) for the functions that assembly files define in
    a plain `.text` section (aws-lc's SHA-256, AES, ...): the linker cannot move them one by
    one, only their whole object's `.text`. Read from the static libraries build scripts made."""
    objects = {}
    for archive in glob.glob(os.path.join(release, "build", "*", "out", "*.a")):
        listing = subprocess.run(["objdump", "-t", archive], capture_output=True, text=True)
        member = None
        for line in listing.stdout.splitlines():
            header = re.match(r"^(\S+\.o):\s+file format", line)
            if header:
                # cc names objects `<hash of the source path>-<file>.o`; the hash moves.
                member = "*" + re.sub(r"^[0-9a-f]{16}(?=-)", "", header.group(1))
            elif member and re.search(r"\sF \.text\t", line):
                objects[line.split()[-1]] = member
    return objects


def pattern(symbol):
    """A symbol with what varies between builds replaced by `*` (see the module's doc)."""
    symbol = re.sub(r"(\.llvm)?\.\d+$", "", symbol)  # LLVM's local-copy suffixes
    if symbol.startswith("_R"):
        # A crate's disambiguator (a 64-bit hash in base 62), then its name's length.
        symbol = re.sub(r"Cs[0-9A-Za-z]{1,11}_(?=\d)", "Cs*_", symbol)
        # A back-reference: an offset into the symbol, which moves with the hashes' lengths.
        symbol = re.sub(r"B[0-9A-Za-z]{0,3}_", "B*_", symbol)
    symbol = re.sub(r"aws_lc_\d+_\d+_\d+_", "aws_lc_*_", symbol)
    return re.sub(r"\*+", "*", symbol)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default=os.environ.get("CARGO_TARGET_DIR",
                                                           os.path.join(ROOT, "target")))
    args = parser.parse_args()
    release = os.path.join(args.target, "release")
    binary = os.path.realpath(os.path.join(release, "alter-mcp"))
    for tool in ("valgrind", "callgrind_control"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            sys.exit(f"hot-code: `{tool}` not found (apt-get install valgrind)")
    symbols = subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout
    if " _RN" not in symbols or "alter_mcp_runtime" not in symbols:
        sys.exit("hot-code: the release alter-mcp has no v0 names: build it as the docstring says")
    functions = {line.split()[2] for line in symbols.splitlines()
                 if len(line.split()) == 3 and line.split()[1] in "tTwW"}

    backend = subprocess.Popen([os.path.join(release, "fake-alter")], stdout=subprocess.PIPE)
    env = dict(os.environ, ALTER_MCP_LOG="warn")
    for _ in range(2):
        key, _, value = backend.stdout.readline().decode().strip().partition("=")
        env[key] = value
    groups = []
    try:
        with tempfile.TemporaryDirectory() as work:
            for mode in ("stdio", "http"):
                prefix = os.path.join(work, f"{mode}.out")
                command = ["valgrind", "--tool=callgrind", "--demangle=no", "--compress-strings=no",
                           "--compress-pos=no", f"--callgrind-out-file={prefix}", binary]
                labels = []
                if mode == "stdio":
                    session = Stdio(command, env)

                    def dump(label):
                        labels.append(label)
                        subprocess.run(["callgrind_control", "--dump", str(session.proc.pid)],
                                       check=True, capture_output=True)
                        while len(glob.glob(prefix + ".*")) < len(labels):
                            time.sleep(0.1)

                    drive_stdio(session, dump)
                    session.proc.stdin.close()
                    session.proc.wait()
                    labels.append("shutdown")
                else:
                    port = 39000 + os.getpid() % 1000
                    server = subprocess.Popen(command + ["--http", f"127.0.0.1:{port}",
                                                         "--allow-anonymous"],
                                              stderr=subprocess.DEVNULL, env=env)
                    for _ in range(600):
                        try:
                            drive_http(f"http://127.0.0.1:{port}/mcp")
                            break
                        except OSError:
                            time.sleep(0.1)
                    else:
                        sys.exit("hot-code: the HTTP server did not answer")
                    server.terminate()
                    server.wait()
                    labels.append("HTTP transport")
                dumps = functions_by_dump(prefix, functions)
                if len(dumps) != len(labels):
                    sys.exit(f"hot-code: {len(dumps)} callgrind dumps for {len(labels)} phases")
                groups.extend(zip(labels, dumps))
    finally:
        backend.terminate()

    # A start-up that ran only a few dozen of the binary's functions means callgrind saw
    # something else (another process, a binary without symbols): write nothing.
    if len(groups[0][1]) < 500:
        sys.exit(f"hot-code: the start-up phase ran only {len(groups[0][1])} of the binary's "
                 "functions; is it the release build with symbols?")
    assembly = assembly_objects(release)
    seen, lines, total = set(), [], 0
    for label, names in groups:
        new = []
        for name in names:
            p = f"object {assembly[name]}" if name in assembly else pattern(name)
            if p not in seen:
                seen.add(p)
                new.append(p)
        lines.append(f"\n# {label}: {len(new)}")
        lines.extend(new)
        total += len(new)
    header = [
        "# The functions alter-mcp runs, in the order its release build places them first.",
        "# Written by scripts/hot-code.py (read it for how and why); regenerate it when the",
        "# memory report of `cargo bench -p alter-mcp-e2e --bench server -- --list` grows.",
        "# One pattern per line: a v0 symbol, `*` where builds differ; or `object NAME`, an",
        "# assembly object whose `.text` holds functions that ran.",
    ]
    with open(OUT, "w") as f:
        f.write("\n".join(header + lines) + "\n")
    print(f"hot-code: {total} functions in {len(groups)} groups written to {OUT}")


if __name__ == "__main__":
    main()
