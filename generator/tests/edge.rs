//! Edge cases of the emitted Rust, compiled against the real runtime (and linted by
//! `cargo clippy --all-targets -- -D warnings`): integers beyond `i32` and constant-like floats
//! in fixed and default values, deeply nested maps, Markdown list items with wide markers.
//! Each once broke generated code found on public API documents. `UPDATE_SNAPSHOTS=1` rewrites
//! the snapshot.

mod edge {
    include!("snapshots/edge.rs");
}

use alter_mcp_runtime::serde_json::{Value, json};

const FIXTURE: &str = "tests/fixtures/edge/allowlist.toml";
const SNAPSHOT: &str = "tests/snapshots/edge.rs";

#[test]
fn snapshot_is_what_the_generator_writes() {
    let generated = alter_mcp_gen::generate(FIXTURE).unwrap_or_else(|d| panic!("{d}"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &generated.code).expect("snapshot written");
    }
    let snapshot = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        snapshot == generated.code,
        "{SNAPSHOT} is out of date; rerun with UPDATE_SNAPSHOTS=1 and review the diff"
    );
}

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
