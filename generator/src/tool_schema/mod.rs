//! IR → each tool's input JSON Schema (draft 2020-12) and output schema, as compact JSON text
//! for `tools/list`, written once per tool after the allowlist is applied ([`write`]).
//!
//! Portable forms only: an object at the root with `additionalProperties: false`, optional
//! fields simply not required (no `["string","null"]`; only a value the document declares
//! nullable accepts `null`, as an `anyOf` branch), unions as `oneOf`/`anyOf` (a tagged one's
//! branches requiring their tag value). Named types are inlined where they are used, except
//! recursive types, types used more than once that are not small, and objects past a bounded
//! depth, which are written once under `$defs` (`plan.rs`), so a schema grows with the types it
//! reaches, not with their nesting. An output schema over its size budget is reduced
//! (`reduce.rs`). Key order is fixed here, so the text never depends on serde_json's map
//! features.

use crate::ir::{Api, Input, InputValue, Schema, Schemas, Tool, TypeSpace};

mod json;
mod plan;
mod pretty;
mod reduce;
mod writer;

use json::Json;
use plan::Context;
use writer::Writer;

pub use pretty::pretty;

/// Writes every tool's schemas into [`Tool::schemas`]; an output schema over the tool's
/// `output_budgets` entry (allowlist order) is reduced to fit, and with `measure` the size of
/// the whole schema is measured too, for the warning.
pub fn write(api: &mut Api, output_budgets: &[usize], measure: bool) {
    let context = Context::new(&api.types);
    let schemas: Vec<Schemas> = api
        .tools
        .iter()
        .zip(output_budgets)
        .map(|(tool, budget)| {
            let output = tool
                .output
                .as_ref()
                .and_then(|output| api.types.get(output.type_id))
                .map(|root| reduce::within(&context, root, *budget, measure));
            let (output, reduced) = match output {
                Some((text, reduced)) => (Some(text), reduced),
                None => (None, None),
            };
            Schemas {
                input: input_with(&context, tool),
                output,
                reduced,
            }
        })
        .collect();
    for (tool, schemas) in api.tools.iter_mut().zip(schemas) {
        tool.schemas = schemas;
    }
}

/// The size of single schemas written alone with the `$defs` they need: what one input or
/// one output field costs (the budget's advice, `budget.rs`).
pub struct Sizes<'a>(Context<'a>);

impl<'a> Sizes<'a> {
    pub fn new(types: &'a TypeSpace) -> Self {
        Sizes(Context::new(types))
    }

    /// The size of `schema` written alone, or `None` when it is surely over `limit`.
    pub fn of(&self, schema: &Schema, output: bool, limit: usize) -> Option<usize> {
        let placement = self.0.placement(&[schema], Default::default(), output);
        let mut writer = Writer::new(self.0.types, &placement, output).limit(limit);
        writer.at_root_properties();
        let node = writer.node(schema);
        if writer.overflowed() {
            return None;
        }
        Some(writer.finish(node).len()).filter(|size| *size <= limit)
    }
}

fn input_with(context: &Context<'_>, tool: &Tool) -> String {
    let roots: Vec<&Schema> = tool
        .inputs
        .iter()
        .filter(|input| matches!(input.value, InputValue::Model { .. }))
        .map(|input| &input.schema)
        .collect();
    let placement = context.placement(&roots, Default::default(), false);
    let mut writer = Writer::new(context.types, &placement, false);
    writer.at_root_properties();
    let mut properties = Json::object();
    let mut required = Vec::new();
    for input in &tool.inputs {
        let InputValue::Model {
            name,
            required: is_required,
            ..
        } = &input.value
        else {
            continue;
        };
        properties.set(name, field(&mut writer, input));
        if *is_required {
            required.push(Json::str(name));
        }
    }
    let mut root = Json::object();
    root.set("type", Json::str("object"));
    root.set("properties", properties);
    if !required.is_empty() {
        root.set("required", Json::Array(required));
    }
    root.set(
        "additionalProperties",
        Json::Leaf(serde_json::Value::Bool(false)),
    );
    writer.finish(root)
}

/// One input's node, with the default the allowlist gives it.
fn field(writer: &mut Writer<'_>, input: &Input) -> Json {
    let mut node = writer.node(&input.schema);
    if let InputValue::Model {
        default: Some(default),
        ..
    } = &input.value
    {
        node.set("default", Json::from_value(default));
    }
    node
}

/// Characters Rust would not print as themselves (zero-width spaces, soft hyphens, controls)
/// become JSON `\uXXXX` escapes: the JSON means the same, and the raw string literal the
/// schema is emitted in stays free of invisible characters (clippy denies them).
fn escape_invisible(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() || c.escape_debug().count() == 1 {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn invisible_characters_become_json_escapes() {
        let json = "{\"d\":\"a\u{200b}b\u{ad}c\u{1F600}é\"}";
        let escaped = super::escape_invisible(json);
        assert_eq!(escaped, "{\"d\":\"a\\u200bb\\u00adc\u{1F600}é\"}");
        let back: serde_json::Value = serde_json::from_str(&escaped).expect("still JSON");
        assert_eq!(back["d"], "a\u{200b}b\u{ad}c\u{1F600}é");
    }

    use super::*;
    use crate::ir::{
        Annotations, IntWidth, Kind, Method, Property, Target, TypeDef, TypeId, TypeKind,
    };
    use serde_json::Value;

    fn input_schema(tool: &Tool, types: &TypeSpace) -> String {
        input_with(&Context::new(types), tool)
    }

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
            body_encoding: crate::ir::BodyEncoding::Json,
            annotations: Annotations::default(),
            omitted: Vec::new(),
            response: None,
            output: None,
            scopes: Vec::new(),
            pointer: "/paths/~1t/get".to_owned(),
            deprecated: false,
            security: Vec::new(),
            schemas: Default::default(),
        }
    }

    fn model(
        wire: &str,
        name: &str,
        schema: Schema,
        required: bool,
        default: Option<Value>,
    ) -> Input {
        Input {
            wire_name: wire.to_owned(),
            target: Target::Query(crate::ir::Style::Form),
            schema,
            value: InputValue::Model {
                name: name.to_owned(),
                required,
                default,
            },
            json: false,
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
            target: Target::Path { reserved: false },
            schema: Schema::of(Kind::String),
            value: InputValue::Fixed(Value::from("primary")),
            json: false,
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
            r#"{"type":"object","properties":{"s":{"anyOf":[{"type":"string"},{"type":"null"}]},"e":{"anyOf":[{"type":"string","enum":["a"]},{"type":"null"}]},"j":{"anyOf":[{"oneOf":[{"type":"string"},{"type":"integer"}]},{"type":"null"}]},"any":{}},"additionalProperties":false}"#
        );
    }

    /// A chain of objects, each used once: inlined down to [`plan::MAX_INLINE_DEPTH`] property
    /// levels, the rest under `$defs`, each written once.
    #[test]
    fn objects_past_the_inlining_depth_go_to_defs() {
        let levels = 10;
        let types = TypeSpace {
            types: (0..levels)
                .map(|i| TypeDef {
                    name: format!("T{i}"),
                    pointer: String::new(),
                    description: None,
                    kind: TypeKind::Struct {
                        properties: if i + 1 < levels {
                            vec![Property {
                                name: "next".to_owned(),
                                required: false,
                                required_nullable: false,
                                schema: Schema::of(Kind::Named(TypeId(i + 1))),
                            }]
                        } else {
                            Vec::new()
                        },
                        additional: None,
                    },
                })
                .collect(),
        };
        let t = tool(vec![model(
            "root",
            "root",
            Schema::of(Kind::Named(TypeId(0))),
            true,
            None,
        )]);
        let json: Value = serde_json::from_str(&input_schema(&t, &types)).expect("JSON");
        let mut node = &json["properties"]["root"];
        let mut inlined = 1;
        while node["properties"]["next"]["properties"].is_object() {
            node = &node["properties"]["next"];
            inlined += 1;
        }
        assert_eq!(inlined, plan::MAX_INLINE_DEPTH - 1, "{json}");
        let reference = node["properties"]["next"]["$ref"].as_str().expect("a $ref");
        let defs = json["$defs"].as_object().expect("$defs");
        assert_eq!(reference, format!("#/$defs/T{inlined}"));
        assert!(defs.contains_key(&format!("T{inlined}")));
        assert!(!defs.contains_key("T0"));
    }
}
