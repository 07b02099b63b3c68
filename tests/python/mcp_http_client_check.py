#!/usr/bin/env python3
"""Drives `alter-mcp --http` with the official Python MCP client (PyPI `mcp`) over streamable HTTP.

Usage: mcp_http_client_check.py <MCP URL>, with MCP_BEARER_TOKEN (the end user's identity token,
never on a command line) and EXPECT_EMAIL (whose calendar that user's grant reaches) in the
environment. Checks tools/list, a call answered from that user's calendar, and that a client
without a token is refused.

Prints one line per check; exits 1 on any failure, 3 when `mcp` cannot be imported (the Rust
test tests/tests/python_mcp_http.rs turns 3 into a skip, or a failure when CI is set).
"""

from __future__ import annotations

import asyncio
import os
import sys
from importlib import metadata
from typing import Any

try:
    import httpx2
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client
except ImportError as error:  # the Rust test turns exit code 3 into a skip (or a CI failure)
    print(f"SKIP: the mcp package is not importable ({error}); pip install -r tests/python/requirements.txt")
    sys.exit(3)

REQUEST_TIMEOUT = 60.0
SESSION_TIMEOUT = 180.0
FAILURES: list[str] = []


def check(name: str, ok: bool, detail: Any = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else f': {detail}'}", flush=True)
    if not ok:
        FAILURES.append(name)


def text_of(result: Any) -> str:
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


async def as_user(url: str, token: str, email: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(headers=headers, timeout=REQUEST_TIMEOUT) as http:
        async with streamable_http_client(url, http_client=http, terminate_on_close=False) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                check("initialize over HTTP", init.capabilities.tools is not None, init.capabilities)
                tools = (await session.list_tools()).tools
                check("tools/list over HTTP", any(t.name == "list_events" for t in tools), [t.name for t in tools])
                result = await session.call_tool("list_events", {"query": "standup"})
                text = text_of(result)
                check("list_events answers from the user's calendar",
                      not result.is_error and "Daily standup" in text and email in text, text[:300])


async def anonymous(url: str) -> None:
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        response = await http.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                                   headers={"accept": "application/json, text/event-stream"})
        check("no token: 401 with a Bearer challenge",
              response.status_code == 401 and response.headers.get("www-authenticate", "").startswith("Bearer"),
              (response.status_code, dict(response.headers)))


async def main() -> int:
    if len(sys.argv) != 2 or not os.environ.get("MCP_BEARER_TOKEN") or not os.environ.get("EXPECT_EMAIL"):
        print("usage: mcp_http_client_check.py <MCP URL>  (env: MCP_BEARER_TOKEN, EXPECT_EMAIL)")
        return 2
    url = sys.argv[1]
    print(f"mcp {metadata.version('mcp')} over streamable HTTP to {url}", flush=True)
    try:
        await asyncio.wait_for(as_user(url, os.environ["MCP_BEARER_TOKEN"], os.environ["EXPECT_EMAIL"]),
                               SESSION_TIMEOUT)
        await asyncio.wait_for(anonymous(url), SESSION_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - report it as a failed check
        check("the session ran to the end", False, f"{type(error).__name__}: {error!r}")
    print(f"{'FAILED: ' + ', '.join(FAILURES) if FAILURES else 'all checks passed'}", flush=True)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
