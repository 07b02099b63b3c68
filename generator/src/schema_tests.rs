//! Tests of the JSON Schema writer (`schema.rs`).

#[test]
fn invisible_characters_become_json_escapes() {
    let json = "{\"d\":\"a\u{200b}b\u{ad}c\u{1F600}é\"}";
    let escaped = super::escape_invisible(json);
    assert_eq!(escaped, "{\"d\":\"a\\u200bb\\u00adc\u{1F600}é\"}");
    let back: serde_json::Value = serde_json::from_str(&escaped).expect("still JSON");
    assert_eq!(back["d"], "a\u{200b}b\u{ad}c\u{1F600}é");
}

use super::*;
use crate::ir::{Annotations, IntWidth, Method, Property, Target};

fn tool(inputs: Vec<Input>) -> Tool {
    Tool {
        name: "t".to_owned(),
        title: "T".to_owned(),
        description: "d".to_owned(),
        operation_id: "t".to_owned(),
        method: Method::Get,
        url: "https://x".to_owned(),
        input_type: "TInput".to_owned(),
        inputs,
        annotations: Annotations::default(),
        response: None,
    }
}

fn model(wire: &str, name: &str, schema: Schema, required: bool, default: Option<Value>) -> Input {
    Input {
        wire_name: wire.to_owned(),
        target: Target::Query,
        schema,
        value: InputValue::Model {
            name: name.to_owned(),
            required,
            default,
        },
    }
}

#[test]
fn matches_the_contract_example() {
    let types = TypeSpace {
        types: vec![TypeDef {
            name: "ListEventsOrderBy".to_owned(),
            pointer: String::new(),
            description: None,
            kind: TypeKind::Enum {
                values: vec!["startTime".to_owned(), "updated".to_owned()],
            },
        }],
    };
    let mut int32 = Schema::of(Kind::Integer(IntWidth::I32));
    int32.format = Some("int32".to_owned());
    let fixed = Input {
        wire_name: "calendarId".to_owned(),
        target: Target::Path,
        schema: Schema::of(Kind::String),
        value: InputValue::Fixed(Value::from("primary")),
    };
    let t = tool(vec![
        fixed,
        model("q", "query", Schema::of(Kind::String), false, None),
        model(
            "maxResults",
            "max_results",
            int32,
            false,
            Some(Value::from(10)),
        ),
        model(
            "orderBy",
            "orderBy",
            Schema::of(Kind::Named(TypeId(0))),
            false,
            None,
        ),
    ]);
    assert_eq!(
        input_schema(&t, &types),
        r#"{"type":"object","properties":{"query":{"type":"string"},"max_results":{"type":"integer","format":"int32","default":10},"orderBy":{"type":"string","enum":["startTime","updated"]}},"additionalProperties":false}"#
    );
}

#[test]
fn recursive_types_use_defs_and_required_keeps_field_order() {
    let node = TypeDef {
        name: "Node".to_owned(),
        pointer: String::new(),
        description: Some("A tree".to_owned()),
        kind: TypeKind::Struct {
            properties: vec![Property {
                name: "children".to_owned(),
                required: false,
                required_nullable: false,
                schema: Schema::of(Kind::Array(Box::new(Schema::of(Kind::Named(TypeId(0)))))),
            }],
            additional: None,
        },
    };
    let types = TypeSpace { types: vec![node] };
    let t = tool(vec![
        model("z", "z", Schema::of(Kind::Named(TypeId(0))), true, None),
        model("a", "a", Schema::of(Kind::Boolean), true, None),
    ]);
    assert_eq!(
        input_schema(&t, &types),
        r##"{"type":"object","properties":{"z":{"$ref":"#/$defs/Node","description":"A tree"},"a":{"type":"boolean"}},"required":["z","a"],"additionalProperties":false,"$defs":{"Node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/Node","description":"A tree"}}},"additionalProperties":false}}}"##
    );
}

#[test]
fn untyped_values_keep_their_schema_sorted() {
    let raw = serde_json::json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "description": "old"});
    let mut schema = Schema::of(Kind::Json(raw));
    schema.description = Some("new".to_owned());
    let t = tool(vec![model("v", "v", schema, false, None)]);
    assert_eq!(
        input_schema(&t, &TypeSpace::default()),
        r#"{"type":"object","properties":{"v":{"description":"new","oneOf":[{"type":"string"},{"type":"integer"}]}},"additionalProperties":false}"#
    );
}

#[test]
fn nullable_values_accept_null_in_every_form() {
    let nullable = |kind: Kind| Schema {
        nullable: true,
        ..Schema::of(kind)
    };
    let types = TypeSpace {
        types: vec![TypeDef {
            name: "Mode".to_owned(),
            pointer: String::new(),
            description: None,
            kind: TypeKind::Enum {
                values: vec!["a".to_owned()],
            },
        }],
    };
    let raw = serde_json::json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
    let t = tool(vec![
        model("s", "s", nullable(Kind::String), false, None),
        model("e", "e", nullable(Kind::Named(TypeId(0))), false, None),
        model("j", "j", nullable(Kind::Json(raw)), false, None),
        model(
            "any",
            "any",
            nullable(Kind::Json(serde_json::json!({}))),
            false,
            None,
        ),
    ]);
    assert_eq!(
        input_schema(&t, &types),
        r#"{"type":"object","properties":{"s":{"type":["string","null"]},"e":{"type":["string","null"],"enum":["a",null]},"j":{"anyOf":[{"oneOf":[{"type":"string"},{"type":"integer"}]},{"type":"null"}]},"any":{}},"additionalProperties":false}"#
    );
}
