use serde_json::json;

use super::*;

fn pairs(context: &AuditContext) -> Vec<(String, String)> {
    context
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn ctx(entries: &[(&str, &str)]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn nested_scopes_keep_outer_fields_and_name_parents() {
    let outer = Trace::new()
        .agent("planner")
        .run_id("run-42")
        .thread_id("thread-7")
        .tool("outer_tool")
        .tag("team", "qa")
        .unwrap();
    let inner = Trace::new()
        .agent("worker")
        .tool("inner_tool")
        .tag("step", "2")
        .unwrap();
    let (outside, middle, innermost, after) = outer
        .scope(async {
            let middle = current();
            let innermost = inner.scope(async { current() }).await;
            (AuditContext::new(), middle, innermost, current())
        })
        .await;
    assert!(outside.is_empty());
    assert_eq!(
        pairs(&middle),
        ctx(&[
            ("tool", "outer_tool"),
            ("agent", "planner"),
            ("run_id", "run-42"),
            ("thread_id", "thread-7"),
            ("team", "qa"),
        ])
    );
    assert_eq!(
        pairs(&innermost),
        ctx(&[
            ("tool", "inner_tool"),
            ("parent_tool", "outer_tool"),
            ("agent", "worker"),
            ("parent_agent", "planner"),
            ("run_id", "run-42"),
            ("thread_id", "thread-7"),
            ("team", "qa"),
            ("step", "2"),
        ])
    );
    assert_eq!(
        after, middle,
        "leaving the inner scope restores the outer one"
    );
    assert!(current().is_empty(), "no scope outside");
}

#[test]
fn same_agent_keeps_the_outer_parent_and_parent_can_be_set_or_cleared() {
    let mut outer = AuditContext::new();
    outer
        .insert("agent", "worker")
        .insert("parent_agent", "planner")
        .insert("tool", "t")
        .insert("tool_call_id", "call-1");
    let same = Trace::new().agent("worker").nest(&outer);
    assert_eq!(same.get("parent_agent"), Some("planner"));
    assert_eq!(same.get("tool_call_id"), Some("call-1"), "same tool call");
    let set = Trace::new().agent("x").parent(Some("boss")).nest(&outer);
    assert_eq!(set.get("parent_agent"), Some("boss"));
    let cleared = Trace::new().agent("x").parent(None).nest(&outer);
    assert_eq!(cleared.get("parent_agent"), None);
    let same_tool = Trace::new().tool("t").nest(&outer);
    assert_eq!(same_tool.get("parent_tool"), None, "re-entering a tool");
    assert_eq!(same_tool.get("tool_call_id"), None, "a new tool call");
}

#[test]
fn tags_refuse_reserved_keys_and_oversized_values() {
    for key in RESERVED_KEYS {
        let error = Trace::new().tag(key, "x").unwrap_err();
        assert!(error.message().contains("reserved"), "{error}");
    }
    assert!(Trace::new().tag("k".repeat(65), "v").is_err());
    assert!(Trace::new().tag("k", "v".repeat(513)).is_err());
    let mut many = Trace::new();
    for i in 0..20 {
        many = many.tag(format!("k{i}"), "v").unwrap();
    }
    assert!(many.tag("k20", "v").is_err());
}

fn origin(spec: &'static str) -> CallOrigin<'static> {
    CallOrigin {
        tool: "list_events",
        provider: "google",
        operation: "calendar.events.list",
        spec,
    }
}

#[tokio::test]
async fn a_call_context_names_the_tool_origin_and_the_request_ids() {
    let meta = json!({
        "alter/run_id": "run-1",
        "alter/conversation_id": "conv-9",
        "alter/tool_call_id": 17,
        "alter/tags": {"team": "qa", "tool": "spoof", "provider": "spoof", "nested": {"x": 1}},
        "progressToken": 3,
    });
    let request = from_meta(meta.as_object().unwrap());
    let context = for_call(origin("3f2a9c41d07e"), &request);
    assert_eq!(
        pairs(&context),
        ctx(&[
            ("tool", "list_events"),
            ("provider", "google"),
            ("operation", "calendar.events.list"),
            ("spec", "3f2a9c41d07e"),
            ("tool_call_id", "17"),
            ("run_id", "run-1"),
            ("thread_id", "conv-9"),
            ("team", "qa"),
        ])
    );
    // Inside an embedding application's scope, its tool becomes the parent.
    let outer = Trace::new().tool("agent_step").run_id("outer-run");
    let nested = outer
        .scope(async { for_call(origin(""), &AuditContext::new()) })
        .await;
    assert_eq!(nested.get("parent_tool"), Some("agent_step"));
    assert_eq!(nested.get("run_id"), Some("outer-run"));
    assert_eq!(nested.get("spec"), None, "no spec hash, no `spec`");
}

#[test]
fn oversized_request_fields_are_cut_or_dropped_never_fatal() {
    let mut tags = Map::new();
    for i in 0..30 {
        tags.insert(format!("tag{i:02}"), Value::String("v".repeat(400)));
    }
    let meta = json!({"alter/run_id": "r".repeat(2000), "alter/tags": tags});
    let request = from_meta(meta.as_object().unwrap());
    assert_eq!(request.get("run_id").map(str::len), Some(512));
    let context = for_call(origin("abc"), &request);
    let header = context
        .to_header()
        .expect("within bounds")
        .expect("a header");
    assert!(header.len() <= MAX_JSON_CHARS && context.len() <= MAX_KEYS);
    assert_eq!(context.get("tool"), Some("list_events"));
    assert_eq!(
        context.get("tag00"),
        Some("v".repeat(400).as_str()),
        "first tags kept"
    );
    assert_eq!(context.get("tag29"), None, "last tags dropped");
}
