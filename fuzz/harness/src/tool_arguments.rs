//! Target `tool_arguments`: a `tools/call` of a generated Google Calendar or Slack tool
//! (`alter-mcp-tools`' `TOOL_SETS`, as the `alter-mcp` server serves them) with arbitrary JSON
//! arguments, up to the bytes each mode would send. The first byte picks the tool, the rest
//! is the arguments' JSON text.
//!
//! Invariants: arguments the advertised schema refuses build nothing (nothing is sent); a
//! built request passes `validate`, stays on the provider's API (no argument adds a path
//! segment, a query or a fragment); what proxy mode would send is JSON naming that URL; the
//! dry run fails exactly when the real call would fail before sending.

use std::sync::OnceLock;

use alter_mcp_runtime::fuzzing::{Sent, ToolCheck};
use alter_mcp_runtime::rmcp::model::CallToolResult;
use alter_mcp_runtime::{Arguments, ProviderRequest};
use serde_json::Value;

pub fn run(data: &[u8]) {
    let Some((&which, json)) = data.split_first() else {
        return;
    };
    // MCP arguments are a JSON object; anything else never reaches a tool.
    let Ok(Value::Object(arguments)) = serde_json::from_slice::<Value>(json) else {
        return;
    };
    let tools = tools();
    let tool = &tools[usize::from(which) % tools.len()];
    check(tool, arguments);
}

fn tools() -> &'static [ToolCheck] {
    static TOOLS: OnceLock<Vec<ToolCheck>> = OnceLock::new();
    TOOLS.get_or_init(|| {
        ToolCheck::all(alter_mcp_tools::TOOL_SETS).expect("the generated tools' schemas compile")
    })
}

fn check(tool: &ToolCheck, arguments: Arguments) {
    let name = tool.def.name;
    match tool.call(arguments) {
        Sent::Refused(error) => {
            assert!(!error.message.is_empty(), "{name}: a refusal says why");
            assert!(error.field.as_ref().is_none_or(|f| !f.is_empty()));
        }
        Sent::Built {
            request,
            schema,
            proxy,
            retrieve,
            dry_runs,
        } => {
            assert!(
                schema.is_ok(),
                "{name}: built although the schema refused: {schema:?}"
            );
            assert_eq!(
                request.validate(),
                Ok(()),
                "{name}: built an invalid request"
            );
            stays_on_api(tool, &request);
            if let Ok(body) = &proxy {
                let sent: Value = serde_json::from_slice(body).expect("the proxy body is JSON");
                assert_eq!(sent["url"].as_str(), Some(request.url()), "{name}");
                assert_eq!(sent["method"].as_str(), Some(request.method().as_str()));
            }
            if let Ok((url, _)) = &retrieve {
                assert!(
                    url.starts_with(request.url()),
                    "{name}: {url} is not {}",
                    request.url()
                );
            }
            let failed = |result: &CallToolResult| result.is_error == Some(true);
            assert_eq!(
                failed(&dry_runs[0]),
                proxy.is_err(),
                "{name}: dry run (proxy) {proxy:?}"
            );
        }
    }
}

/// The request goes where the tool's template points, and arguments only fill path segments.
fn stays_on_api(tool: &ToolCheck, request: &ProviderRequest) {
    let base = match tool.def.provider {
        "google" => "https://www.googleapis.com/calendar/v3/",
        "slack" => "https://slack.com/api/",
        other => panic!("a provider this target does not know: {other}"),
    };
    let url = request.url();
    let Some(path) = url.strip_prefix(base) else {
        panic!("{}: {url} left {base}", tool.def.name);
    };
    assert!(!path.contains(['?', '#']), "{}: {url}", tool.def.name);
    assert!(
        path.split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".."),
        "{}: {url} has an empty or dot segment",
        tool.def.name
    );
}
