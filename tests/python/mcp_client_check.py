#!/usr/bin/env python3
"""Drives the real `alter-mcp` binary with the official Python MCP client (PyPI `mcp`) over stdio.

Usage: mcp_client_check.py <path to alter-mcp>, with ALTER_BASE_URL (the loopback Alter backend)
and ALTER_MCP_AGENT_KEY in this script's environment. The Python SDK starts the server with only a
minimal environment (HOME, PATH, ...), so both are handed on explicitly through
`StdioServerParameters(env=...)`; the key never goes on a command line.

Prints one line per check; exits 1 on any failure, 3 when `mcp` cannot be imported (the Rust
test tests/tests/python_mcp_client.rs turns 3 into a skip, or a failure when CI is set).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import urllib.request
from importlib import metadata
from typing import Any, TextIO

try:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client
except ImportError as error:  # the Rust test turns exit code 3 into a skip (or a CI failure)
    print(f"SKIP: the mcp package is not importable ({error}); pip install -r tests/python/requirements.txt")
    sys.exit(3)

# One request may take this long before the check fails instead of hanging.
REQUEST_TIMEOUT = 60.0
# The whole session, start-up included.
SESSION_TIMEOUT = 180.0
FAILURES: list[str] = []


def check(name: str, ok: bool, detail: Any = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else f': {detail}'}", flush=True)
    if not ok:
        FAILURES.append(name)


def text_of(result: Any) -> str:
    """All text content blocks of a CallToolResult, joined by newlines."""
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


def control(base_url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Calls the loopback backend's unsigned test API (here: to script one fault)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base_url}/__test/{path}", data=data, method=method)
    request.add_header("content-type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


async def check_tools(session: ClientSession) -> None:
    listed = await session.list_tools()
    tools = {tool.name: tool for tool in listed.tools}
    check("tools/list: list_events and send_slack are listed",
          {"list_events", "send_slack"} <= tools.keys(), sorted(tools))
    not_objects = [name for name, tool in tools.items() if tool.input_schema.get("type") != "object"]
    check("tools/list: every inputSchema has type object", not not_objects, not_objects)
    properties = tools["list_events"].input_schema.get("properties", {}) if "list_events" in tools else {}
    check("tools/list: list_events takes query and max_results",
          {"query", "max_results"} <= properties.keys(), sorted(properties))
    check("tools/list: list_events hides the fixed calendarId", "calendarId" not in properties,
          sorted(properties))
    with_output = sorted(name for name, tool in tools.items() if tool.output_schema is not None)
    print(f"     {len(tools)} tools; with an outputSchema: {with_output or 'none'}", flush=True)
    check("tools/list: list_events and send_slack declare an object outputSchema",
          all((tools[n].output_schema or {}).get("type") == "object" for n in ("list_events", "send_slack")),
          with_output)


async def call(session: ClientSession, name: str, arguments: dict[str, Any]) -> Any:
    return await session.call_tool(name, arguments, read_timeout_seconds=REQUEST_TIMEOUT)


async def check_calls(session: ClientSession, key: str) -> None:
    result = await call(session, "list_events", {"query": "standup"})
    text = text_of(result)
    check("list_events {query: standup} succeeds with the backend's event",
          not result.is_error and "Daily standup" in text, (result.is_error, text[:300]))
    check("the agent key is not in the tool result", key not in text)
    # The client itself already validated structuredContent against the outputSchema (it
    # raises on a mismatch); check it once more, explicitly, with the jsonschema package.
    schema = next(t.output_schema for t in (await session.list_tools()).tools if t.name == "list_events")
    try:
        import jsonschema
        jsonschema.validate(result.structured_content, schema)
        problem = ""
    except Exception as error:  # noqa: BLE001 - reported as the check's detail
        problem = repr(error)
    check("list_events structuredContent validates against its outputSchema (jsonschema)",
          result.structured_content is not None and not problem, problem or result.structured_content)
    check("list_events text content is the structured JSON",
          result.structured_content is not None and json.loads(text) == result.structured_content, text[:300])

    result = await call(session, "send_slack", {"channel": "C0123456789", "text": "hi from python"})
    text = text_of(result)
    check("send_slack succeeds", not result.is_error and "hi from python" in text,
          (result.is_error, text[:300]))

    result = await call(session, "list_events", {"max_results": "ten"})
    text = text_of(result)
    print(f"     wrong-type error text: {text}", flush=True)
    check("list_events {max_results: \"ten\"} is a tool error naming max_results",
          bool(result.is_error) and "max_results" in text, (result.is_error, text))


async def check_unknown_tool(session: ClientSession) -> None:
    try:
        result = await call(session, "no_such_tool", {})
    except Exception as error:  # noqa: BLE001 - any raise is the documented client behaviour
        print(f"     unknown tool raised {type(error).__name__}: {error}", flush=True)
        check("unknown tool: the client raises, naming the tool", "no_such_tool" in str(error), repr(error))
    else:
        text = text_of(result)
        print(f"     unknown tool returned is_error={result.is_error}: {text}", flush=True)
        check("unknown tool: an error result naming the tool",
              bool(result.is_error) and "no_such_tool" in text, (result.is_error, text))

    result = await call(session, "list_events", {"query": "standup"})
    check("after the unknown tool, the session still works (list_events again)",
          not result.is_error and "Daily standup" in text_of(result), (result.is_error, text_of(result)[:300]))


async def check_backend_fault(session: ClientSession, base_url: str) -> None:
    control(base_url, "POST", "faults", {"preset": "agent_revoked", "times": 1})
    try:
        result = await call(session, "list_events", {"query": "standup"})
    finally:
        # Unused when the call never reached Alter; it must not hit a later run (fake-alter).
        control(base_url, "DELETE", "faults")
    text = text_of(result)
    print(f"     revoked-agent error text: {text}", flush=True)
    check("a revoked agent is a tool error saying so", bool(result.is_error) and "revoked" in text.lower(),
          (result.is_error, text))


async def run(binary: str, base_url: str, key: str, errlog: TextIO) -> None:
    params = StdioServerParameters(
        command=binary,
        # Only what the server needs; the SDK adds HOME, PATH and the like, nothing else.
        env={"ALTER_BASE_URL": base_url, "ALTER_MCP_AGENT_KEY": key, "ALTER_MCP_LOG": "info"},
    )
    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT) as session:
            init = await session.initialize()
            print(f"     server {init.server_info.name} {init.server_info.version}, "
                  f"protocol {init.protocol_version}", flush=True)
            check("initialize: the server offers tools", init.capabilities.tools is not None, init.capabilities)
            await check_tools(session)
            await check_calls(session, key)
            await check_unknown_tool(session)
            await check_backend_fault(session, base_url)


async def main() -> int:
    if len(sys.argv) != 2:
        print("usage: mcp_client_check.py <path to alter-mcp>  (env: ALTER_BASE_URL, ALTER_MCP_AGENT_KEY)")
        return 2
    binary = sys.argv[1]
    missing = [name for name in ("ALTER_BASE_URL", "ALTER_MCP_AGENT_KEY") if not os.environ.get(name)]
    if missing:
        print(f"set {' and '.join(missing)} (e.g. from the output of fake-alter)")
        return 2
    base_url = os.environ["ALTER_BASE_URL"].rstrip("/")
    key = os.environ["ALTER_MCP_AGENT_KEY"]
    print(f"mcp {metadata.version('mcp')} driving {binary} against {base_url}", flush=True)
    # The server's stderr goes to a file (the SDK needs a real file descriptor for it), so the
    # key check can read it and a failure can show it.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog:
        try:
            await asyncio.wait_for(run(binary, base_url, key, errlog), SESSION_TIMEOUT)
        except Exception as error:  # noqa: BLE001 - report it as a failed check, with the server log
            check("the session ran to the end", False, f"{type(error).__name__}: {error!r}")
        errlog.seek(0)
        server_log = errlog.read()
    check("the agent key is not in the server's stderr", key not in server_log)
    if FAILURES:
        print("server stderr:\n" + server_log.replace(key, "<agent key>"), flush=True)
    print(f"{'FAILED: ' + ', '.join(FAILURES) if FAILURES else 'all checks passed'}", flush=True)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
