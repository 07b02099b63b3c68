//! What the model reads before it calls a tool, as the real `alter-mcp` binary answers
//! `tools/list` to rmcp's client: each tool's title and MCP annotations (derived from the
//! method, overridden by the allowlist), and descriptions cleaned and within their caps.

#[allow(dead_code, reason = "this file uses a part of the shared helpers")]
mod support;

use serde_json::Value;
use support::McpSession;

/// `(tool, title, readOnly, destructive, idempotent, openWorld)`, written from the allowlists
/// and the methods: GET reads; DELETE and `destructive = true` destroy; PUT/DELETE and reads
/// are idempotent; `query_free_busy` is a POST the allowlist marks `read_only`.
const EXPECTED: &[(&str, &str, bool, bool, bool, bool)] = &[
    ("list_events", "List events", true, false, true, true),
    ("get_event", "Get an event", true, false, true, true),
    ("create_event", "Create an event", false, false, false, true),
    ("update_event", "Update an event", false, false, false, true),
    ("delete_event", "Delete an event", false, true, true, true),
    (
        "quick_add_event",
        "Create an event from text",
        false,
        false,
        false,
        true,
    ),
    ("list_calendars", "List calendars", true, false, true, true),
    (
        "query_free_busy",
        "Query free/busy",
        true,
        false,
        true,
        true,
    ),
    ("send_slack", "Send a message", false, false, false, true),
    (
        "update_slack_message",
        "Update a message",
        false,
        false,
        false,
        true,
    ),
    (
        "delete_slack_message",
        "Delete a message",
        false,
        true,
        false,
        true,
    ),
    (
        "list_slack_channels",
        "List channels",
        true,
        false,
        true,
        true,
    ),
    (
        "slack_channel_history",
        "Read channel history",
        true,
        false,
        true,
        true,
    ),
    ("get_slack_user", "Get a user", true, false, true, true),
    (
        "add_slack_reaction",
        "Add a reaction",
        false,
        false,
        false,
        true,
    ),
];

#[tokio::test]
async fn tools_list_carries_titles_and_annotations() {
    let session = McpSession::start(&[]).await;
    let tools = session.list_tools().await;
    assert_eq!(tools.len(), EXPECTED.len(), "one entry per tool");
    for &(name, title, read_only, destructive, idempotent, open_world) in EXPECTED {
        let tool = tools
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("`{name}` is not listed"));
        assert_eq!(tool.title.as_deref(), Some(title), "{name}: title");
        let a = tool
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no annotations"));
        assert_eq!(a.title.as_deref(), Some(title), "{name}: annotations.title");
        assert_eq!(a.read_only_hint, Some(read_only), "{name}: readOnlyHint");
        assert_eq!(
            a.destructive_hint,
            Some(destructive),
            "{name}: destructiveHint"
        );
        assert_eq!(
            a.idempotent_hint,
            Some(idempotent),
            "{name}: idempotentHint"
        );
        assert_eq!(a.open_world_hint, Some(open_world), "{name}: openWorldHint");
    }
    session.close().await;
}

#[tokio::test]
async fn descriptions_are_clean_and_within_their_caps() {
    let session = McpSession::start(&[]).await;
    let tools = session.list_tools().await;
    for tool in &tools {
        let description = tool.description.as_deref().unwrap_or("");
        assert!(!description.is_empty(), "{}: no description", tool.name);
        assert!(description.chars().count() <= 600, "{}", tool.name);
        let mut texts = vec![description.to_owned()];
        collect_descriptions(&Value::Object((*tool.input_schema).clone()), &mut texts);
        for text in &texts[1..] {
            assert!(
                text.chars().count() <= 300,
                "{}: a parameter description over 300 characters: {text}",
                tool.name
            );
        }
        for text in &texts {
            for junk in [
                "Optional.",
                "](",
                "<b>",
                "<p>",
                "&amp;",
                "&#39;",
                "Learn more about",
            ] {
                assert!(
                    !text.contains(junk),
                    "{}: {junk:?} left in {text:?}",
                    tool.name
                );
            }
        }
    }
    session.close().await;
}

fn collect_descriptions(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("description", Value::String(text)) => out.push(text.clone()),
                    _ => collect_descriptions(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_descriptions(v, out)),
        _ => {}
    }
}
