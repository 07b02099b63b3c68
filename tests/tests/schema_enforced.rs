//! What a tool's input schema advertises, the server enforces: through the real binary and
//! rmcp's client, arguments outside a declared bound, pattern or format are refused with a
//! tool error naming the field and the rule, and nothing reaches Alter.

#[allow(dead_code)]
mod support;

use alter_mcp_e2e::Backend;
use serde_json::json;
use support::McpSession;

#[tokio::test]
async fn out_of_bounds_arguments_are_refused_and_nothing_is_sent() {
    let backend = Backend::start().await;
    let base_url = backend.base_url();
    let session = McpSession::start(&[
        ("ALTER_MCP_AGENT_KEY", backend.key()),
        ("ALTER_BASE_URL", &base_url),
    ])
    .await;
    let tools = session.list_tools().await;
    let list_events = tools
        .iter()
        .find(|t| t.name == "list_events")
        .expect("list_events");
    // The rule being tested is the one the tool advertises.
    assert_eq!(
        list_events.input_schema["properties"]["max_results"]["minimum"],
        json!(1),
        "list_events declares max_results >= 1"
    );
    let outcome = session
        .call("list_events", json!({"max_results": -5}))
        .await;
    outcome.assert_error_mentions(&["max_results", "minimum"]);
    assert!(
        backend.requests().is_empty(),
        "nothing may be sent for refused arguments: {:?}",
        backend.requests().len()
    );
    // Within bounds, the same call goes through.
    let outcome = session.call("list_events", json!({"max_results": 1})).await;
    outcome.ok_text();
    assert_eq!(backend.requests().len(), 1);
    let stderr = session.close().await;
    assert!(!stderr.contains(backend.key()), "the key reached the log");
}
