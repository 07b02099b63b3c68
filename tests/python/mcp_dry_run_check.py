#!/usr/bin/env python3
"""Dry runs through the official Python MCP client (PyPI `mcp`), in both protocol generations.

Usage: mcp_dry_run_check.py <path to alter-mcp>, with ALTER_BASE_URL in the environment (the
loopback Alter backend, which must receive nothing). The server runs with ALTER_MCP_DRY_RUN=1
and no agent key, as a user previewing new tools would.

The client raises when a tool whose `tools/list` entry declares an `outputSchema` answers
without `structuredContent` that validates ("has an output schema but did not return
structured content"). A dry run's result describes the request, not the provider's answer, so
in dry-run mode the server declares no output schema; this script proves the contract holds,
once with the 2025 initialize handshake (`mode="legacy"`) and once stateless
(`mode="2026-07-28"`), calling tools that declare an output schema in a normal run.

Prints one line per check; exits 1 on any failure, 3 when `mcp` cannot be imported (the Rust
test tests/tests/python_mcp_dry_run.rs turns 3 into a skip, or a failure when CI is set).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from importlib import metadata
from typing import Any, TextIO

try:
    from mcp import StdioServerParameters
    from mcp.client import Client
    from mcp.client.stdio import stdio_client
except ImportError as error:  # the Rust test turns exit code 3 into a skip (or a CI failure)
    print(f"SKIP: the mcp package is not importable ({error}); pip install -r tests/python/requirements.txt")
    sys.exit(3)

REQUEST_TIMEOUT = 60.0
SESSION_TIMEOUT = 180.0
MODES = ("legacy", "2026-07-28")
FAILURES: list[str] = []


def check(name: str, ok: bool, detail: Any = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else f': {detail}'}", flush=True)
    if not ok:
        FAILURES.append(name)


def text_of(result: Any) -> str:
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


async def call_and_show(client: Client, mode: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Calls a tool in dry-run mode; the client raising is the bug this guards against."""
    try:
        result = await client.call_tool(name, arguments, read_timeout_seconds=REQUEST_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - the raise is the failure being checked
        check(f"[{mode}] {name}: the client accepts the dry-run result", False, f"{type(error).__name__}: {error}")
        return {}
    text = text_of(result)
    check(f"[{mode}] {name}: the client accepts the dry-run result (no error)", not result.is_error,
          text[:300])
    try:
        shown = json.loads(text)
    except ValueError:
        check(f"[{mode}] {name}: the result is the request as JSON text", False, text[:300])
        return {}
    check(f"[{mode}] {name}: the result says it is a dry run", shown.get("dry_run") is True, text[:300])
    check(f"[{mode}] {name}: no structuredContent claims to be the provider's answer",
          result.structured_content is None, result.structured_content)
    return shown


async def run_mode(binary: str, base_url: str, mode: str, errlog: TextIO) -> None:
    params = StdioServerParameters(
        command=binary,
        # No agent key: a dry run needs none.
        env={"ALTER_BASE_URL": base_url, "ALTER_MCP_DRY_RUN": "1", "ALTER_MCP_LOG": "info"},
    )
    # A transport rather than the parameters, so the server's stderr goes to `errlog`.
    transport = stdio_client(params, errlog=errlog)
    async with Client(transport, mode=mode, read_timeout_seconds=REQUEST_TIMEOUT) as client:
        print(f"     [{mode}] protocol {client.protocol_version}", flush=True)
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        check(f"[{mode}] tools/list: list_events and send_slack are listed",
              {"list_events", "send_slack"} <= tools.keys(), sorted(tools))
        declared = sorted(name for name, tool in tools.items() if tool.output_schema is not None)
        check(f"[{mode}] tools/list: no tool declares an outputSchema in dry-run mode", not declared, declared)

        shown = await call_and_show(client, mode, "list_events", {"query": "standup"})
        url = shown.get("provider_request", {}).get("url", "")
        check(f"[{mode}] list_events: shows the provider URL with the query",
              url.startswith("https://www.googleapis.com/calendar/v3/calendars/primary/events?") and "q=standup" in url,
              url)
        shown = await call_and_show(client, mode, "send_slack", {"channel": "C0123456789", "text": "preview"})
        body = shown.get("alter_request", {}).get("body", {})
        check(f"[{mode}] send_slack: shows the /sdk/proxy body it would send",
              body.get("provider_id") == "slack" and body.get("body", {}).get("text") == "preview", body)

        result = await client.call_tool("list_events", {"max_results": "ten"}, read_timeout_seconds=REQUEST_TIMEOUT)
        check(f"[{mode}] bad arguments are still a tool error naming the field",
              bool(result.is_error) and "max_results" in text_of(result), text_of(result))


async def main() -> int:
    if len(sys.argv) != 2 or not os.environ.get("ALTER_BASE_URL"):
        print("usage: mcp_dry_run_check.py <path to alter-mcp>  (env: ALTER_BASE_URL)")
        return 2
    binary = sys.argv[1]
    base_url = os.environ["ALTER_BASE_URL"].rstrip("/")
    print(f"mcp {metadata.version('mcp')} driving {binary} with ALTER_MCP_DRY_RUN=1", flush=True)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog:
        for mode in MODES:
            try:
                await asyncio.wait_for(run_mode(binary, base_url, mode, errlog), SESSION_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - report it as a failed check, with the server log
                check(f"[{mode}] the session ran to the end", False, f"{type(error).__name__}: {error!r}")
        errlog.seek(0)
        server_log = errlog.read()
    if FAILURES:
        print("server stderr:\n" + server_log, flush=True)
    print(f"{'FAILED: ' + ', '.join(FAILURES) if FAILURES else 'all checks passed'}", flush=True)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
