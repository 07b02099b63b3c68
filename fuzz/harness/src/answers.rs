//! Target `answers`: what Alter answers, read as the runtime reads it. The input is written
//! like an HTTP answer, so seeds are readable and mutations keep their shape:
//!
//! ```text
//! proxy [tool]      ← proxy | proxy-cut | token | status | result; a tool name optionally
//! 200               ← the status
//! content-type: application/json
//!                   ← an empty line, then the body
//! {"status_code": 200, "headers": {}, "body": {"items": []}}
//! ```
//!
//! Covered: the proxy envelope (202 pending, 2xx `ApprovalResult`, a cut envelope salvaged),
//! the §6 error mapping, the token answer, the approval status and result. With a tool name, a
//! provider answer goes on through that tool's result (`ok` field, output type, `Link` paging).
//!
//! Invariants: every answer is a response or a typed `Error` whose texts can be written; a
//! result's `structuredContent` validates against the tool's advertised output schema.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use alter_mcp_runtime::fuzzing::{Kind, MAX_RESPONSE_BYTES, Read, answer, tool_result};
use alter_mcp_runtime::{Method, ProviderRequest, ToolDef};
use serde_json::Value;

pub fn run(data: &[u8]) {
    let Some((kind, tool, status, headers, body)) = parse(data) else {
        return;
    };
    match answer(kind, status, &headers, body) {
        Ok(Read::Response(response)) => {
            if matches!(kind, Kind::Proxy | Kind::ProxyCut) {
                let cap = MAX_RESPONSE_BYTES;
                assert!(
                    response.body().len() <= cap,
                    "the body is cut to {cap} bytes"
                );
            }
            if let Some(def) = tool {
                through_tool(def, &response);
            }
        }
        Ok(Read::Token) => {}
        Ok(Read::Status { outcome, .. }) => {
            if let Some(Err(error)) = outcome {
                written(&error);
            }
        }
        Err(error) => written(&error),
    }
}

/// The input's parts: kind and tool, status, header pairs, body. `None` when the first two
/// lines are not a known kind and a status.
#[allow(clippy::type_complexity)]
fn parse(
    data: &[u8],
) -> Option<(
    Kind,
    Option<&'static ToolDef>,
    u16,
    Vec<(&[u8], &[u8])>,
    &[u8],
)> {
    let (first, rest) = line(data)?;
    let first = std::str::from_utf8(first).ok()?;
    let mut words = first.split(' ');
    let kind = match words.next()? {
        "proxy" => Kind::Proxy,
        "proxy-cut" => Kind::ProxyCut,
        "token" => Kind::Token,
        "status" => Kind::Status,
        "result" => Kind::Result,
        _ => return None,
    };
    let tool = words.next().and_then(|name| tools().get(name).copied());
    let (status, mut rest) = line(rest)?;
    let status: u16 = std::str::from_utf8(status).ok()?.trim().parse().ok()?;
    let mut headers = Vec::new();
    while let Some((header, after)) = line(rest) {
        rest = after;
        if header.is_empty() {
            break;
        }
        let colon = header
            .iter()
            .position(|&b| b == b':')
            .unwrap_or(header.len());
        let value = header.get(colon + 1..).unwrap_or_default();
        headers.push((&header[..colon], value.trim_ascii()));
    }
    Some((kind, tool, status, headers, rest))
}

/// The first line (without `\n`) and the rest.
fn line(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = data.iter().position(|&b| b == b'\n')?;
    Some((&data[..end], &data[end + 1..]))
}

fn written(error: &alter_mcp_runtime::Error) {
    assert!(!error.to_string().is_empty());
    assert!(!error.tool_message().is_empty());
}

fn through_tool(def: &'static ToolDef, response: &alter_mcp_runtime::ProviderResponse) {
    let base = match def.provider {
        "google" => "https://www.googleapis.com/calendar/v3/calendars/primary/events",
        _ => "https://slack.com/api/conversations.history",
    };
    let request = ProviderRequest::new(Method::Get, base);
    let result = tool_result(def, &request, response);
    let Some(structured) = &result.structured_content else {
        return;
    };
    assert_ne!(
        result.is_error,
        Some(true),
        "{}: an error has no structured content",
        def.name
    );
    let validator = output_validators()
        .get(def.name)
        .unwrap_or_else(|| panic!("{}: structured content without an output schema", def.name));
    if let Err(error) = validator.validate(structured) {
        panic!(
            "{}: structuredContent breaks the output schema: {error}",
            def.name
        );
    }
}

fn tools() -> &'static BTreeMap<&'static str, &'static ToolDef> {
    static TOOLS: OnceLock<BTreeMap<&str, &ToolDef>> = OnceLock::new();
    TOOLS.get_or_init(|| {
        alter_mcp_tools::TOOL_SETS
            .iter()
            .flat_map(|set| set.iter())
            .map(|def| (def.name, def))
            .collect()
    })
}

fn output_validators() -> &'static BTreeMap<&'static str, jsonschema::Validator> {
    static VALIDATORS: OnceLock<BTreeMap<&str, jsonschema::Validator>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        tools()
            .values()
            .filter_map(|def| Some((def.name, def.output?.schema)))
            .map(|(name, schema)| {
                let schema: Value = serde_json::from_str(schema).expect("output schemas are JSON");
                let validator = jsonschema::validator_for(&schema).expect("output schemas compile");
                (name, validator)
            })
            .collect()
    })
}
