//! Edge cases of the emitted Rust, compiled against the real runtime (and linted by
//! `cargo clippy --all-targets -- -D warnings`): integers beyond `i32` and constant-like floats
//! in fixed and default values, deeply nested maps, Markdown list items with wide markers,
//! hidden characters in the document's text (a right-to-left override in a doc comment is a
//! compile error; tag characters can spell an instruction nobody sees).
//! Each once broke generated code found on public API documents. The snapshot is checked by
//! `snapshots.rs`.

mod edge {
    include!("snapshots/edge.rs");
}

use alter_mcp_runtime::serde_json::{Value, json};

const FIXTURE: &str = "tests/fixtures/edge/allowlist.toml";
const SNAPSHOT: &str = "tests/snapshots/edge.rs";

#[test]
fn registration_names_the_fixture() {
    assert_eq!(edge::PROVIDER, "edge");
    assert_eq!(edge::TOOL_NAMES, ["things_create"]);
    assert!(edge::SCOPES.is_empty());
    assert_eq!(edge::TOOL_SCOPES, [("things_create", &[] as &[&str])]);
}

#[test]
#[allow(
    clippy::approx_constant,
    reason = "the fixture's values are wire data that happen to look like pi and e"
)]
fn values_beyond_i32_and_constant_like_floats_reach_the_wire_exactly() {
    let request = (edge::TOOLS[0].build)(Default::default()).expect("no arguments needed");
    let query: Vec<(&str, &Value)> = request
        .query_params()
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    assert!(query.contains(&("big", &json!(3_000_000_000_i64))));
    assert!(query.contains(&("neg", &json!(-3_000_000_000_i64))));
    assert!(query.contains(&("ratio", &json!(3.14159))));
    let body = request.json_body().expect("a body");
    assert_eq!(body["count"], json!(i64::MIN));
    assert_eq!(body["limit"], json!(i64::MAX));
    assert_eq!(
        body["meta"],
        json!({"a": 3_000_000_000_i64, "b": [1.5, -2, 2.718281828]})
    );
}

#[test]
fn components_named_like_prelude_types_get_their_own_names() {
    let arguments = json!({"choices": [{"value": "a"}], "result": "failed", "note": "x\u{200b}y"});
    let Value::Object(arguments) = arguments else {
        unreachable!()
    };
    let request = (edge::TOOLS[0].build)(arguments).expect("valid arguments");
    let body = request.json_body().expect("a body");
    assert_eq!(body["choices"], json!([{"value": "a"}]));
    assert_eq!(body["result"], json!("failed"));
    let _: edge::Option2 = edge::Option2 { value: None };
    assert!(matches!(edge::Result2::Failed, edge::Result2::Failed));
}

#[test]
fn deeply_nested_maps_deserialize() {
    let arguments = json!({"nested": {"g": [[{"k": [{"x": 1}]}]]}});
    let Value::Object(arguments) = arguments else {
        unreachable!()
    };
    let request = (edge::TOOLS[0].build)(arguments).expect("valid nested value");
    assert_eq!(
        request.json_body().expect("a body")["nested"],
        json!({"g": [[{"k": [{"x": 1}]}]]})
    );
}

/// Direction controls, zero-width and tag characters, byte order marks: what must not reach
/// the model or a comment.
fn hidden(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}')
}

#[test]
fn hidden_characters_reach_neither_the_code_nor_the_model() {
    // The snapshot compiles (this file includes it), so no doc comment holds a direction
    // control; and nothing hidden is left anywhere in the code or in what the model reads.
    let code = std::fs::read_to_string(SNAPSHOT).expect("snapshot");
    assert!(
        !code.chars().any(hidden),
        "a hidden character in {SNAPSHOT}"
    );
    let tool = &edge::TOOLS[0];
    for text in [tool.title, tool.description] {
        assert!(!text.chars().any(hidden), "{text:?}");
    }
    assert_eq!(tool.title, "Create a thing gnp.exe safely");
    let schema: Value = alter_mcp_runtime::serde_json::from_str(tool.input_schema).expect("JSON");
    assert!(!schema.to_string().chars().any(hidden), "{schema}");
    assert_eq!(
        schema["properties"]["q"]["description"],
        "Search text here."
    );
    assert_eq!(
        schema["properties"]["extra"]["oneOf"][0]["description"],
        "Text reversed."
    );
}

#[test]
fn each_removal_is_a_warning_naming_the_tool_the_text_and_the_characters() {
    let generated = alter_mcp_gen::generate(FIXTURE).unwrap_or_else(|d| panic!("{d}"));
    let warnings: Vec<String> = generated
        .warnings
        .iter()
        .map(|w| format!("{} @ {}", w.message, w.location))
        .collect();
    let expect = [
        (
            "the summary",
            "U+202E (right-to-left override)",
            "#/paths/~1things/post",
        ),
        ("the summary", "U+E0049 (tag)", "#/paths/~1things/post"),
        (
            "parameter `q`",
            "U+2066 (left-to-right isolate)",
            "/parameters/7",
        ),
        (
            "body field `note`",
            "U+200B (zero width space)",
            "/properties/note",
        ),
        (
            "body field `extra`",
            "U+200D (zero width joiner)",
            "/properties/extra",
        ),
        (
            "type `Result2`",
            "U+FEFF (zero width no-break space)",
            "#/components/schemas/Result",
        ),
        (
            "`ThingsCreateExtra.String`",
            "U+202E (right-to-left override)",
            "/properties/extra",
        ),
    ];
    for (what, character, at) in expect {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("tool `things_create`: ")
                    && w.contains(what)
                    && w.contains(character)
                    && w.contains(at)),
            "no warning for {what} / {character}: {warnings:#?}"
        );
    }
    assert_eq!(warnings.len(), 6, "{warnings:#?}");
    assert!(generated.warnings.iter().all(|w| {
        w.help
            .as_deref()
            .is_some_and(|h| h.contains("hide instructions"))
    }));
}
