use serde_json::{Value, json};

use super::InputCheck;

fn check(schema: Value, arguments: Value) -> Result<(), String> {
    let check = InputCheck::compile("t", &schema).expect("schema compiles");
    check.check(&arguments).map_err(|e| e.to_string())
}

fn calendar_like() -> Value {
    json!({
        "type": "object",
        "properties": {
            "max_results": {"type": "integer", "minimum": 1, "maximum": 2500},
            "start": {
                "type": "object",
                "properties": {
                    "dateTime": {"type": "string", "format": "date-time"},
                    "date": {"type": "string", "format": "date"}
                }
            },
            "attendees": {
                "type": "array",
                "maxItems": 2,
                "uniqueItems": true,
                "items": {
                    "type": "object",
                    "properties": {"email": {"type": "string", "format": "email"}}
                }
            },
            "color": {"type": "string", "enum": ["red", "blue"]},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3},
            "ratio": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.5},
            "link": {"type": "string", "format": "uri"}
        },
        "additionalProperties": false
    })
}

#[test]
fn valid_arguments_pass() {
    let arguments = json!({
        "max_results": 10,
        "start": {"dateTime": "2026-12-06T10:00:00Z", "date": "2026-12-06"},
        "attendees": [{"email": "a@example.com"}],
        "color": "red",
        "code": "ABC",
        "ratio": 1.5,
        "link": "https://example.com/x"
    });
    assert_eq!(check(calendar_like(), arguments), Ok(()));
}

#[test]
fn each_rule_names_path_and_rule() {
    let cases = [
        (json!({"max_results": -5}), "`max_results`", "`minimum`"),
        (json!({"max_results": 9999}), "`max_results`", "`maximum`"),
        (
            json!({"start": {"dateTime": "tomorrow"}}),
            "`start.dateTime`",
            "`format`",
        ),
        (
            json!({"start": {"date": "2026-13-40"}}),
            "`start.date`",
            "`format`",
        ),
        (
            json!({"attendees": [{"email": "a@example.com"}, {"email": "not an email"}]}),
            "`attendees[1].email`",
            "`format`",
        ),
        (
            json!({"attendees": [{"email": "a@b.c"}, {"email": "a@b.c"}]}),
            "`attendees`",
            "`uniqueItems`",
        ),
        (
            json!({"attendees": [{}, {"email": "x@y.z"}, {"email": "y@y.z"}]}),
            "`attendees`",
            "`maxItems`",
        ),
        (json!({"color": "green"}), "`color`", "`enum`"),
        (json!({"code": "abc"}), "`code`", "`pattern`"),
        (json!({"code": "AB"}), "`code`", "`minLength`"),
        (json!({"ratio": 0}), "`ratio`", "`exclusiveMinimum`"),
        (json!({"ratio": 0.7}), "`ratio`", "`multipleOf`"),
        (json!({"link": "not a uri"}), "`link`", "`format`"),
    ];
    for (arguments, path, rule) in cases {
        let error = check(calendar_like(), arguments.clone()).expect_err(&arguments.to_string());
        assert!(
            error.starts_with(&format!("invalid argument {path}: ")),
            "{arguments}: {error}"
        );
        assert!(error.contains(rule), "{arguments}: {error}");
    }
}

#[test]
fn several_violations_each_named() {
    let error = check(calendar_like(), json!({"max_results": 0, "color": "green"})).unwrap_err();
    assert!(error.contains("`minimum`"), "{error}");
    assert!(error.contains("`color`: "), "{error}");
    assert!(error.contains("`enum`"), "{error}");
}

#[test]
fn root_violations_have_no_path() {
    let schema = json!({"type": "object", "required": ["channel"], "properties": {}});
    let error = check(schema, json!({})).unwrap_err();
    assert!(error.starts_with("invalid arguments: "), "{error}");
    assert!(error.contains("`required`"), "{error}");
}

#[test]
fn const_and_local_refs() {
    let schema = json!({
        "type": "object",
        "$defs": {"Item": {"type": "object", "properties": {"kind": {"const": "event"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Item"}}}}},
        "properties": {"item": {"$ref": "#/$defs/Item"}}
    });
    let error = check(
        schema,
        json!({"item": {"children": [{"children": [{"kind": "task"}]}]}}),
    )
    .unwrap_err();
    assert!(
        error.starts_with("invalid argument `item.children[0].children[0].kind`: "),
        "{error}"
    );
    assert!(error.contains("`const`"), "{error}");
}

#[test]
fn long_values_are_cut() {
    let schema = json!({"type": "object", "properties": {"s": {"type": "string", "maxLength": 3}}});
    let error = check(schema, json!({"s": "x".repeat(10_000)})).unwrap_err();
    assert!(error.len() < 1_000, "{}", error.len());
    assert!(error.contains("`maxLength`"), "{error}");
}

#[test]
fn remote_refs_are_not_fetched() {
    // Without the resolving features, compiling such a schema fails instead of doing I/O.
    let schema = json!({"type": "object", "properties": {
        "x": {"$ref": "https://example.invalid/schema.json"}}});
    assert!(InputCheck::compile("t", &schema).is_err());
}
