#!/usr/bin/env python3
"""Proves the loopback Alter backend faithful by driving it with the official Python SDK.

The official SDK (alter-sdk 0.29.0) signs every request; the backend only answers requests whose
signatures verify. So each successful call below shows our verifier accepts the SDK's real
signatures, and each error case shows our fault answers map to the SDK's documented exceptions.

Environment: ALTER_BASE_URL (http://127.0.0.1:PORT) and ALTER_MCP_AGENT_KEY (a key the backend
knows), e.g. from `fake-alter`. Scripted faults go through the backend's unsigned /__test/ API.
Prints one line per check; exits 1 on any mismatch, 3 when alter_sdk cannot be imported.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
import types
import urllib.request
from pathlib import Path
from typing import Any, Callable

try:
    import alter_sdk
    from alter_sdk import (
        Agent,
        AgentInactiveError,
        AgentRevokedError,
        BackendError,
        InvalidKeyError,
        NoDelegatedGrantError,
        PolicyViolationError,
        RateLimitError,
    )
    from alter_sdk.exceptions import ApprovalDeniedError
except ImportError as error:  # the Rust test turns exit code 3 into a skip (or a CI failure)
    print(f"SKIP: alter_sdk is not importable ({error}); pip install -r tests/python/requirements.txt")
    sys.exit(3)

EVENTS = "https://www.googleapis.com/calendar/v3/calendars/primary/events"
POST_MESSAGE = "https://slack.com/api/chat.postMessage"
BASE_URL = os.environ["ALTER_BASE_URL"].rstrip("/")
KEY = os.environ["ALTER_MCP_AGENT_KEY"]
FAILURES: list[str] = []


def check(name: str, ok: bool, detail: Any = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else f': {detail}'}", flush=True)
    if not ok:
        FAILURES.append(name)


def control(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Calls the backend's unsigned test API (faults and recordings)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{BASE_URL}/__test/{path}", data=data, method=method)
    request.add_header("content-type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def load_alter_mcp() -> tuple[Any, Any]:
    """AlterMCP and AlterContext, the real decorator code.

    `alter_sdk.mcp/__init__.py` imports fastmcp only to re-export its AccessToken and the OAuth
    provider; the decorator itself (`alter_mcp.py`, `context.py`) needs neither. When fastmcp is
    not installed (the `mcp` extra is large), load the package without its `__init__`.
    """
    try:
        from alter_sdk.mcp import AlterContext, AlterMCP

        return AlterMCP, AlterContext
    except ImportError:
        package = types.ModuleType("alter_sdk.mcp")
        package.__path__ = [str(Path(alter_sdk.__file__).parent / "mcp")]
        sys.modules["alter_sdk.mcp"] = package
        alter_mcp = importlib.import_module("alter_sdk.mcp.alter_mcp")
        context = importlib.import_module("alter_sdk.mcp.context")
        return alter_mcp.AlterMCP, context.AlterContext


def last_proxy_record() -> dict[str, Any]:
    records = [r for r in control("GET", "requests") if r["endpoint"] == "Proxy"]
    return records[-1] if records else {}


async def check_proxy_calls(agent: Agent) -> None:
    result = await agent.proxy_request(
        "GET", EVENTS, provider="google", query_params={"q": "standup", "maxResults": 3}
    )
    events = result.body_json()
    summaries = [item["summary"] for item in events.get("items", [])]
    check("proxy: Google events list decodes", result.status_code == 200
          and events.get("kind") == "calendar#events"
          and any("standup" in s.lower() for s in summaries), (result.status_code, summaries))

    result = await agent.proxy_request(
        "POST", POST_MESSAGE, provider="slack", json={"channel": "C0123456789", "text": "hello"}
    )
    body = result.body_json()
    check("proxy: Slack chat.postMessage decodes", result.status_code == 200 and body.get("ok") is True
          and body.get("message", {}).get("text") == "hello", body)

    result = await agent.proxy_request(
        "DELETE", f"{EVENTS}/{{event_id}}", provider="google", path_params={"event_id": "a/b c"}
    )
    check("proxy: empty 204 body decodes", result.status_code == 204 and result.body_bytes() == b"",
          result.status_code)


async def check_mcp_wrapper(agent: Agent) -> None:
    alter_mcp_class, alter_context_class = load_alter_mcp()
    alter = alter_mcp_class(agent)

    async def list_calendar_events(ctx, query: str) -> dict[str, Any]:
        result = await ctx.proxy_request("GET", EVENTS, query_params={"q": query})
        return result.body_json()

    # The decorator finds the context parameter by its annotation.
    list_calendar_events.__annotations__["ctx"] = alter_context_class
    tool = alter.tool(provider="google")(list_calendar_events)
    events = await tool(query="planning")
    record = last_proxy_record()
    check("mcp wrapper: the call returns the provider body",
          any("planning" in e["summary"].lower() for e in events.get("items", [])), events)
    check("mcp wrapper: X-Alter-Context names the tool, signed with V2",
          (record.get("context") or {}).get("tool") == "list_calendar_events"
          and record.get("signature_v2") is True and record.get("verified") is True, record)


async def expect_raise(agent: Agent, name: str, preset: dict[str, Any], expected: type,
                       extra: Callable[[Exception], bool] = lambda e: True) -> None:
    control("POST", "faults", preset)
    try:
        result = await agent.proxy_request("GET", EVENTS, provider="google")
        check(name, False, f"no exception; got {result!r}")
    except expected as error:
        check(name, extra(error), repr(error))
    except Exception as error:  # noqa: BLE001 - report the wrong class
        check(name, False, f"{type(error).__name__}: {error}")


async def check_errors(agent: Agent) -> None:
    cases: list[tuple[str, dict[str, Any], type, Callable[[Exception], bool]]] = [
        ("no_delegated_grant 409 -> NoDelegatedGrantError", {"preset": "no_delegated_grant"},
         NoDelegatedGrantError, lambda e: e.details.get("provider_id") == "google"),
        ("no_delegated_grant 404 in detail -> NoDelegatedGrantError",
         {"preset": "no_delegated_grant", "status": 404, "detail": True}, NoDelegatedGrantError,
         lambda e: True),
        ("agent_revoked -> AgentRevokedError", {"preset": "agent_revoked"}, AgentRevokedError,
         lambda e: True),
        ("agent_inactive in detail -> AgentInactiveError", {"preset": "agent_inactive", "detail": True},
         AgentInactiveError, lambda e: True),
        ("policy denial -> PolicyViolationError", {"preset": "policy_denied"}, PolicyViolationError,
         lambda e: True),
        ("rate_limit_exceeded -> RateLimitError(retry_after=7)", {"preset": "rate_limited"},
         RateLimitError, lambda e: e.retry_after == 7),
        ("502 -> BackendError", {"preset": "bad_gateway"}, BackendError,
         lambda e: e.status_code == 502),
        ("500 text -> BackendError", {"preset": "internal_error"}, BackendError,
         lambda e: e.status_code == 500),
        ("malformed 200 -> BackendError", {"preset": "malformed_json"}, BackendError, lambda e: True),
    ]
    for name, preset, expected, extra in cases:
        await expect_raise(agent, name, preset, expected, extra)

    control("POST", "faults", {"preset": "provider_not_found"})
    result = await agent.proxy_request("GET", f"{EVENTS}/missing", provider="google")
    check("provider 404 inside 200 -> result, no raise", result.status_code == 404
          and result.body_json()["error"]["code"] == 404, result)


async def check_approvals(agent: Agent) -> None:
    control("POST", "faults", {"preset": "pending_approval"})
    pending = await agent.proxy_request("GET", EVENTS, provider="google")
    check("202 -> PendingApproval", getattr(pending, "status", None) == "pending", pending)
    result = await agent.await_approval(str(pending.approval_id), timeout=30, poll_interval=0.01)
    check("await_approval -> executed result", result.status_code == 200
          and result.body_json().get("kind") == "calendar#events", result)

    control("POST", "faults", {"preset": "approval_denied"})
    pending = await agent.proxy_request("GET", EVENTS, provider="google")
    try:
        await agent.await_approval(str(pending.approval_id), timeout=30, poll_interval=0.01)
        check("denied approval -> ApprovalDeniedError", False, "no exception")
    except ApprovalDeniedError as error:
        check("denied approval -> ApprovalDeniedError", "freeze" in str(error), repr(error))


async def check_wrong_key() -> None:
    stranger = Agent(api_key="alter_key_" + "x" * 40, timeout=10)
    try:
        await stranger.proxy_request("GET", EVENTS, provider="google")
        check("wrong key -> InvalidKeyError", False, "no exception")
    except InvalidKeyError:
        check("wrong key -> InvalidKeyError", True)
    except Exception as error:  # noqa: BLE001
        check("wrong key -> InvalidKeyError", False, f"{type(error).__name__}: {error}")
    finally:
        await stranger.close()
    rejected = [r for r in control("GET", "requests") if not r["verified"]]
    check("wrong key: the backend recorded exactly one rejection",
          len(rejected) == 1 and rejected[0]["error"] == "invalid_key", rejected)


async def main() -> int:
    print(f"alter-sdk {getattr(alter_sdk, '__version__', '?')} against {BASE_URL}")
    control("DELETE", "faults")
    agent = Agent(api_key=KEY, timeout=10)
    try:
        await check_proxy_calls(agent)
        await check_mcp_wrapper(agent)
        await check_errors(agent)
        await check_approvals(agent)
    finally:
        await agent.close()
    await check_wrong_key()
    unverified_ok = [r for r in control("GET", "requests") if r["status"] < 400 and not r["verified"]]
    check("every answered request verified", not unverified_ok, unverified_ok)
    print(f"{'FAILED: ' + ', '.join(FAILURES) if FAILURES else 'all checks passed'}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
