#!/usr/bin/env python3
"""Dry-runs every tool of a user's server (tests/user-crate, built by tests/tests/user_crate.rs)
with the official Python MCP client (PyPI `mcp`), in one protocol generation.

Usage: user_crate_check.py <server binary> <legacy|2026-07-28> <expectations.json>

expectations.json: {"tools": [every tool name the server must list],
                    "form_tools": [tools whose operation sends a form body]}

For each Alter mode (proxy, the default, and retrieve) the server is started with
ALTER_MCP_DRY_RUN=1 and nothing else: no agent key and no Alter URL, since a dry run sends
nothing. Every tool is called with arguments built from its input schema (every required field
given a valid value, checked against the schema with `jsonschema` first). A call must succeed,
and the client itself validates structuredContent against the tool's outputSchema (it raises on
a mismatch), except that in proxy mode a form-body tool must be refused, naming
`body_encoding`, since Alter's proxy forwards JSON bodies only.

Prints one line per check; exits 1 on any failure, 3 when `mcp` cannot be imported.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from typing import Any

try:
    import jsonschema
    from mcp import Client, StdioServerParameters
except ImportError as error:  # the Rust test turns exit code 3 into a skip (or a CI failure)
    print(f"SKIP: the mcp package is not importable ({error}); pip install -r tests/python/requirements.txt")
    sys.exit(3)

REQUEST_TIMEOUT = 60.0
SESSION_TIMEOUT = 240.0
FAILURES: list[str] = []


def check(name: str, ok: bool, detail: Any = "") -> bool:
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else f': {detail}'}", flush=True)
    if not ok:
        FAILURES.append(name)
    return ok


class NoValue(Exception):
    """A schema this script cannot make a value for (said, never guessed)."""


def resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise NoValue(f"non-local $ref {ref}")
        node: Any = root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


STRING_FORMATS = {
    "date-time": "2026-01-02T03:04:05Z",
    "date": "2026-01-02",
    "time": "03:04:05",
    "email": "someone@example.com",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "int64": "1",
    "uint64": "1",
    "int32": "1",
    "byte": "AA==",
}


def value_for(schema: dict[str, Any], root: dict[str, Any], where: str) -> Any:
    """A valid value for `schema`: only what is required, the smallest that fits."""
    schema = resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for union in ("anyOf", "oneOf"):
        if union in schema:
            branches = [b for b in schema[union] if resolve(b, root).get("type") != "null"]
            return value_for(branches[0] if branches else schema[union][0], root, where)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = value_for(part, root, where)
            if not isinstance(value, dict):
                return value
            merged.update(value)
        return merged
    kind = schema.get("type")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties", {})
        return {
            name: value_for(properties.get(name, {}), root, f"{where}.{name}")
            for name in schema.get("required", [])
        }
    if kind == "array":
        count = max(schema.get("minItems", 1), 1)
        return [value_for(schema.get("items", {}), root, f"{where}[]") for _ in range(count)]
    if kind == "string":
        value = STRING_FORMATS.get(schema.get("format", ""), "x")
        value = value.ljust(schema.get("minLength", 0), "x")
        if "maxLength" in schema:
            value = value[: schema["maxLength"]]
        if "pattern" in schema and not re.search(schema["pattern"], value):
            raise NoValue(f"{where}: no value made for pattern {schema['pattern']!r}")
        return value
    if kind in ("integer", "number"):
        if "minimum" in schema:
            low = schema["minimum"]
        elif "exclusiveMinimum" in schema:
            low = schema["exclusiveMinimum"] + 1
        else:
            low = 1
        high = schema.get("maximum")
        value = low if high is None else min(low, high)
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    if kind is None:
        return "x"  # any value
    raise NoValue(f"{where}: type {kind!r}")


def arguments_for(tool: Any) -> dict[str, Any]:
    schema = tool.input_schema
    arguments = value_for(schema, schema, tool.name)
    jsonschema.Draft202012Validator(schema).validate(arguments)
    return arguments


def text_of(result: Any) -> str:
    return "\n".join(block.text for block in result.content if getattr(block, "type", None) == "text")


async def all_tools(client: Any) -> list[Any]:
    tools, cursor = [], None
    while True:
        page = await client.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            return tools


async def dry_run_every_tool(binary: str, protocol: str, alter_mode: str, expected: dict[str, Any]) -> None:
    env = {"ALTER_MCP_DRY_RUN": "1", "ALTER_MCP_MODE": alter_mode, "ALTER_MCP_LOG": "warn"}
    server = StdioServerParameters(command=binary, args=[], env=env)
    label = f"[{protocol}, {alter_mode}]"
    async with Client(server, mode=protocol, read_timeout_seconds=REQUEST_TIMEOUT) as client:
        tools = await all_tools(client)
        names = sorted(tool.name for tool in tools)
        check(f"{label} tools/list lists every generated tool", names == sorted(expected["tools"]),
              {"listed": names, "expected": sorted(expected["tools"])})
        for tool in tools:
            try:
                arguments = arguments_for(tool)
            except (NoValue, jsonschema.ValidationError) as error:
                check(f"{label} {tool.name}: arguments from its input schema", False, error)
                continue
            try:
                result = await client.call_tool(tool.name, arguments)
            except Exception as error:  # the client raises on an outputSchema violation
                check(f"{label} {tool.name}: dry run answered", False, f"{type(error).__name__}: {error}")
                continue
            text = text_of(result)
            refused = alter_mode == "proxy" and tool.name in expected["form_tools"]
            if refused:
                check(f"{label} {tool.name}: a form body is refused before sending, naming body_encoding",
                      result.is_error and "body_encoding" in text, text)
                continue
            answered = check(f"{label} {tool.name}: dry run answered", not result.is_error, text)
            if answered:
                shown = text + json.dumps(result.structured_content or {})
                check(f"{label} {tool.name}: the answer is the request it would send",
                      "dry_run" in shown and tool.name in shown, shown[:500])
            if answered and tool.output_schema is not None:
                check(f"{label} {tool.name}: structuredContent, as its outputSchema promises",
                      result.structured_content is not None, text[:300])


async def main() -> int:
    binary, protocol, expectations = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(expectations, encoding="utf-8") as file:
        expected = json.load(file)
    for alter_mode in ("proxy", "retrieve"):
        try:
            await asyncio.wait_for(dry_run_every_tool(binary, protocol, alter_mode, expected), SESSION_TIMEOUT)
        except Exception as error:
            check(f"[{protocol}, {alter_mode}] session", False, f"{type(error).__name__}: {error}")
    print(f"{len(FAILURES)} failed", flush=True)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
