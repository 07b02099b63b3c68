//! Typed outputs end to end: the real `alter-mcp` binary, driven over stdio by rmcp's client
//! against the loopback backend. `tools/list` declares output schemas; calls return
//! `structuredContent` that a real JSON Schema validator (the `jsonschema` crate) accepts
//! against the listed `outputSchema`, plus the same JSON as text; projections return only
//! their fields; an answer that does not fit is a tool error naming the path.

// The session helpers; the allowlist and call-shape helpers serve e2e_stdio.rs.
#[allow(dead_code)]
mod support;

use std::collections::BTreeMap;

use alter_mcp_e2e::{Backend, Fault, SLACK_UNKNOWN_CHANNEL};
use serde_json::{Value, json};
use support::{McpSession, ToolOutcome};

async fn session_for(backend: &Backend) -> McpSession {
    let base_url = backend.base_url();
    McpSession::start(&[
        ("ALTER_MCP_AGENT_KEY", backend.key()),
        ("ALTER_BASE_URL", &base_url),
    ])
    .await
}

/// The listed description of `name`.
async fn description(session: &McpSession, name: &str) -> String {
    let tools = session.list_tools().await;
    let tool = tools.iter().find(|t| t.name == name).expect("listed");
    tool.description.as_deref().unwrap_or_default().to_owned()
}

/// Every listed output schema, by tool name.
async fn output_schemas(session: &McpSession) -> BTreeMap<String, Value> {
    session
        .list_tools()
        .await
        .into_iter()
        .filter_map(|tool| {
            let schema = tool.output_schema?;
            Some((tool.name.to_string(), Value::Object((*schema).clone())))
        })
        .collect()
}

/// A successful call whose structured content validates against `schema`; returns it.
#[track_caller]
fn validated(outcome: &ToolOutcome, schema: &Value) -> Value {
    let text = outcome.ok_text();
    let structured = outcome
        .structured
        .clone()
        .unwrap_or_else(|| panic!("no structuredContent: {text}"));
    let validator = jsonschema::draft202012::new(schema).expect("a valid JSON Schema");
    let problems: Vec<String> = validator
        .iter_errors(&structured)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{problems:?}\n{structured:#}");
    // Clients that read only text get the same JSON.
    let from_text: Value = serde_json::from_str(text).expect("the text is the JSON");
    assert_eq!(from_text, structured);
    structured
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn tools_list_declares_object_output_schemas_where_the_response_has_one() {
    let backend = Backend::start().await;
    let session = session_for(&backend).await;
    let schemas = output_schemas(&session).await;
    for name in [
        "list_events",
        "get_event",
        "create_event",
        "send_slack",
        "get_slack_user",
    ] {
        let schema = schemas
            .get(name)
            .unwrap_or_else(|| panic!("{name} has none"));
        assert_eq!(schema["type"], "object", "{name}");
        jsonschema::draft202012::new(schema).expect("a valid JSON Schema");
    }
    // Google's delete answers no JSON body: text only.
    assert!(
        !schemas.contains_key("delete_event"),
        "{:?}",
        schemas.keys()
    );
    let list = &schemas["list_events"]["properties"];
    assert_eq!(keys(list), ["items", "nextPageToken", "timeZone"]);
    assert!(list["items"]["items"]["properties"].get("etag").is_none());
    // Paged tools say how to get the next page.
    let events = description(&session, "list_events").await;
    assert!(
        events.contains("`nextPageToken`") && events.contains("`pageToken`"),
        "{events}"
    );
    let history = description(&session, "slack_channel_history").await;
    assert!(
        history.contains("`response_metadata.next_cursor`") && history.contains("`cursor`"),
        "{history}"
    );
    let _ = session.close().await;
}

#[tokio::test]
async fn calls_return_structured_content_that_validates_and_follows_the_projection() {
    let backend = Backend::start().await;
    let session = session_for(&backend).await;
    let schemas = output_schemas(&session).await;

    let events = session
        .call("list_events", json!({"query": "standup"}))
        .await;
    let listed = validated(&events, &schemas["list_events"]);
    // The backend answers kind, etag, accessRole, ... too: the projection keeps only these.
    assert_eq!(keys(&listed), ["items", "timeZone"]);
    let event = &listed["items"][0];
    assert_eq!(event["summary"], "Daily standup");
    let allowed = [
        "attendees",
        "description",
        "end",
        "htmlLink",
        "id",
        "location",
        "organizer",
        "recurringEventId",
        "start",
        "status",
        "summary",
    ];
    for key in keys(event) {
        assert!(allowed.contains(&key), "`{key}` is not projected: {event}");
    }
    assert!(
        event.get("id").is_some() && event.get("start").is_some(),
        "{event}"
    );

    // Unprojected: everything the provider answered, undocumented fields included.
    let id = event["id"].as_str().expect("an id").to_owned();
    let got = session.call("get_event", json!({"eventId": id})).await;
    let full = validated(&got, &schemas["get_event"]);
    assert_eq!(full["id"], json!(id));
    assert!(
        full.get("iCalUID").is_some() && full.get("etag").is_some(),
        "{full}"
    );

    let history = session
        .call("slack_channel_history", json!({"channel": "C0123456789"}))
        .await;
    let messages = validated(&history, &schemas["slack_channel_history"]);
    // `ok`, `pin_count`, ... dropped; the page cursor kept (the tool pages).
    assert_eq!(
        keys(&messages),
        ["has_more", "messages", "response_metadata"]
    );
    assert_eq!(keys(&messages["messages"][0]), ["text", "ts", "user"]);
    assert_eq!(messages["response_metadata"], json!({"next_cursor": ""}));

    let user = session
        .call("get_slack_user", json!({"user": "U01PRIYA01"}))
        .await;
    let user = validated(&user, &schemas["get_slack_user"]);
    assert_eq!(user["user"]["profile"]["display_name"], "priya");
    assert!(user["user"].get("tz_offset").is_none(), "{user}");
    let _ = session.close().await;
}

#[tokio::test]
async fn misfits_and_slack_failures_are_tool_errors_without_structured_content() {
    let backend = Backend::start().await;
    let session = session_for(&backend).await;
    // A provider answer the output type cannot read: the error names where, keeps the text.
    backend.fail_next(Fault::provider_answer(
        200,
        json!({"kind": "calendar#events", "items": [{"id": "e1", "summary": ["not", "text"]}]}),
    ));
    let misfit = session.call("list_events", json!({})).await;
    misfit.assert_error_mentions(&["items[0].summary", "output schema", "calendar#events"]);
    assert!(misfit.structured.is_none(), "{:?}", misfit.structured);

    // Slack's {"ok": false} is still an error, checked before the output type.
    let failed = session
        .call(
            "slack_channel_history",
            json!({"channel": SLACK_UNKNOWN_CHANNEL}),
        )
        .await;
    failed.assert_error_mentions(&["channel_not_found"]);
    assert!(failed.structured.is_none());

    // The server keeps serving typed calls afterwards.
    let schemas = output_schemas(&session).await;
    let again = session.call("list_events", json!({})).await;
    validated(&again, &schemas["list_events"]);
    let _ = session.close().await;
}
