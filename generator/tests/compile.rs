//! The fixture's snapshot compiled against the real runtime (like typify's trybuild pass), then
//! driven through `ToolDef::build` to check the requests it makes.

mod demo {
    include!("snapshots/demo.rs");
}

use alter_mcp_runtime::serde_json::{Value, json};
use alter_mcp_runtime::{Method, ProviderRequest, ToolDef};

fn tool(name: &str) -> &'static ToolDef {
    demo::TOOLS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

fn call(name: &str, arguments: Value) -> Result<ProviderRequest, alter_mcp_runtime::ArgumentError> {
    let Value::Object(map) = arguments else {
        panic!("arguments are an object")
    };
    (tool(name).build)(map)
}

#[test]
fn registrations_follow_the_allowlist() {
    assert_eq!(demo::PROVIDER, "demo");
    let names: Vec<&str> = demo::TOOLS.iter().map(|t| t.name).collect();
    assert_eq!(names, demo::TOOL_NAMES);
    assert!(
        demo::SCOPES.is_empty(),
        "the demo document declares no OAuth scopes"
    );
    let scoped: Vec<&str> = demo::TOOL_SCOPES.iter().map(|(name, _)| *name).collect();
    assert_eq!(scoped, names);
    let list = tool("list_notes");
    assert!(list.annotations.read_only && list.annotations.idempotent);
    assert!(!list.annotations.destructive && list.annotations.open_world);
    assert!(tool("notes_delete").annotations.destructive);
    assert_eq!(
        list.response,
        alter_mcp_runtime::ResponseRule::OkField {
            ok_field: "ok",
            error_field: "error"
        }
    );
    for t in demo::TOOLS {
        let schema: Value = alter_mcp_runtime::serde_json::from_str(t.input_schema).expect("JSON");
        assert_eq!(schema["type"], "object", "{}", t.name);
        assert_eq!(schema["additionalProperties"], false, "{}", t.name);
    }
}

#[test]
fn fixed_defaults_and_renames_reach_the_wire() {
    let request = call(
        "list_notes",
        json!({"query": "milk", "since": "2024-01-01"}),
    )
    .expect("valid");
    assert_eq!(request.method(), Method::Get);
    assert_eq!(
        request.url(),
        "https://eu.notes.example.com/v1/notebooks/default/notes"
    );
    assert_eq!(
        request.query_params(),
        &[
            ("limit".to_owned(), json!(20)),
            ("sort".to_owned(), json!("updated")),
            ("q".to_owned(), json!("milk")),
            ("since".to_owned(), json!("2024-01-01")),
        ]
    );
    let request = call(
        "list_notes",
        json!({"max_results": 5, "sort": "created", "X-Trace": "t1"}),
    )
    .expect("valid");
    assert_eq!(request.query_params()[0], ("limit".to_owned(), json!(5)));
    assert_eq!(
        request.headers(),
        &[("X-Trace".to_owned(), "t1".to_owned())]
    );
    let error = call("list_notes", json!({"notebookId": "other"})).unwrap_err();
    assert!(
        error.message.contains("notebookId"),
        "fixed values are not inputs: {error}"
    );
}

#[test]
fn body_fields_are_flattened_with_wire_names() {
    let arguments = json!({
        "title": "Groceries",
        "type": "check-list",
        "self": "https://x/1",
        "2fa": true,
        "meta": {"a": 1},
        "attachment": {"href": "https://x/f"},
        "outline": {"heading": "h", "parent": {"heading": "p"}, "children": [{"heading": "c"}]},
        "location": {"lat": 1.5, "lng": 2.0}
    });
    let request = call("create_note", arguments).expect("valid");
    assert_eq!(
        request.url(),
        "https://eu.notes.example.com/v1/notebooks/default/notes"
    );
    assert_eq!(
        request.json_body(),
        Some(&json!({
            "title": "Groceries",
            "type": "check-list",
            "self": "https://x/1",
            "2fa": true,
            "meta": {"a": 1},
            "attachment": {"href": "https://x/f"},
            "outline": {"heading": "h", "parent": {"heading": "p"}, "children": [{"heading": "c"}]},
            "location": {"lat": 1.5, "lng": 2.0}
        }))
    );
    // The allowlist makes `type` required and `title` optional, against the document.
    let request = call("create_note", json!({"type": "plain"})).expect("title is optional");
    assert_eq!(request.json_body(), Some(&json!({"type": "plain"})));
    let error = call("create_note", json!({"title": "t"})).unwrap_err();
    assert!(error.message.contains("missing field `type`"), "{error}");
    let schema: Value =
        alter_mcp_runtime::serde_json::from_str(tool("create_note").input_schema).expect("JSON");
    assert_eq!(schema["required"], json!(["type"]));
    let error = call(
        "create_note",
        json!({"type": "plain", "location": {"lat": 1}}),
    )
    .unwrap_err();
    assert_eq!(error.field.as_deref(), Some("location"));
    let error = call("create_note", json!({"title": "t", "type": "Check-List"})).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("type"));
}

#[test]
fn path_parameters_and_whole_bodies() {
    let request =
        call("notes_delete", json!({"notebookId": "a/b", "noteId": "n1"})).expect("valid");
    assert_eq!(request.method(), Method::Delete);
    assert_eq!(
        request.url(),
        "https://eu.notes.example.com/v1/notebooks/a%2Fb/notes/n1"
    );
    let request = call(
        "reorder_notes",
        json!({"notebookId": "a", "body": ["n2", "n1"]}),
    )
    .expect("valid");
    assert_eq!(request.json_body(), Some(&json!(["n2", "n1"])));
    let request = call("reorder_notes", json!({"notebookId": "a"})).expect("valid");
    assert_eq!(request.json_body(), None);
}
