//! IR → the tool's input JSON Schema (draft 2020-12), as compact JSON text for `tools/list`.
//!
//! Portable forms only: an object at the root with `additionalProperties: false`, optional
//! fields simply not required (no `["string","null"]`; only a value the document declares
//! nullable accepts `null`, as an `anyOf` branch), nested objects inlined, `$defs` only for recursive
//! types, unions as `oneOf`/`anyOf` (a tagged one's branches requiring their tag value). Key
//! order is fixed here, so the text never depends on serde_json's map features.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ir::{Input, InputValue, Kind, Schema, Tool, TypeDef, TypeId, TypeKind, TypeSpace};

#[path = "schema_json.rs"]
mod json;

use json::Json;

/// The input schema of `tool`: the fields the model fills, under the names it sees.
pub fn input_schema(tool: &Tool, types: &TypeSpace) -> String {
    let mut writer = Writer {
        types,
        defs: BTreeMap::new(),
        output: false,
    };
    let mut properties = Json::object();
    let mut required = Vec::new();
    for input in &tool.inputs {
        let InputValue::Model {
            name,
            required: is_required,
            default,
        } = &input.value
        else {
            continue;
        };
        properties.set(name, writer.field(input, default.as_ref()));
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
    root.set("additionalProperties", Json::Leaf(Value::Bool(false)));
    finish(root, writer)
}

/// The output schema of `tool`, when it has a structured output: its output struct, written
/// so that whatever the generated type reads and writes back validates. Nothing is required
/// (so `{}` always fits), validation keywords the type does not check (`format`, `pattern`,
/// `minimum`, `enum`...) are left out, untyped values are `{}`, unions are `anyOf`, and
/// objects that keep undocumented fields say `additionalProperties: true`.
pub fn output_schema(tool: &Tool, types: &TypeSpace) -> Option<String> {
    let output = tool.output.as_ref()?;
    let def = types.get(output.type_id)?;
    let mut writer = Writer {
        types,
        defs: BTreeMap::new(),
        output: true,
    };
    let root = writer.body(def);
    Some(finish(root, writer))
}

/// Adds the `$defs` of recursive types and writes the text.
fn finish(mut root: Json, writer: Writer<'_>) -> String {
    if !writer.defs.is_empty() {
        let defs = writer
            .defs
            .into_iter()
            .map(|(name, def)| (name, def.unwrap_or_else(Json::object)))
            .collect();
        root.set("$defs", Json::Object(defs));
    }
    let mut out = String::new();
    root.write(&mut out);
    escape_invisible(&out)
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

struct Writer<'a> {
    types: &'a TypeSpace,
    /// Recursive types, by Rust name; `None` while being written.
    defs: BTreeMap<String, Option<Json>>,
    /// Writing an output schema (see [`output_schema`]).
    output: bool,
}

impl Writer<'_> {
    fn field(&mut self, input: &Input, default: Option<&Value>) -> Json {
        let mut node = self.node(&input.schema);
        if let Some(default) = default {
            node.set("default", Json::from_value(default));
        }
        node
    }

    fn node(&mut self, schema: &Schema) -> Json {
        let node = self.value_node(schema);
        if schema.nullable {
            allow_null(node)
        } else {
            node
        }
    }

    fn value_node(&mut self, schema: &Schema) -> Json {
        let mut node = match &schema.kind {
            Kind::Named(id) => return self.named(*id, schema),
            Kind::Json(raw) => {
                // An output's untyped value is read as any JSON: say only that.
                let raw = if self.output { &Value::Null } else { raw };
                let mut node = Json::from_value(raw);
                if !matches!(node, Json::Object(_)) {
                    node = Json::object();
                }
                if let Some(description) = &schema.description {
                    node.set("description", Json::str(description));
                }
                return node;
            }
            Kind::String => typed("string"),
            Kind::Integer(_) => typed("integer"),
            Kind::Number => typed("number"),
            Kind::Boolean => typed("boolean"),
            Kind::Array(_) => typed("array"),
            Kind::Map(_) => typed("object"),
            Kind::Bytes => base64(),
            Kind::File { content_type } => return Self::file(schema, content_type.as_deref()),
        };
        if let (Some(format), false) = (&schema.format, self.output) {
            node.set("format", Json::str(format));
        }
        if let Some(description) = &schema.description {
            node.set("description", Json::str(description));
        }
        if !self.output {
            for (key, value) in &schema.keywords {
                node.set(key, Json::from_value(value));
            }
            if let Some(default) = &schema.default {
                node.set("default", Json::from_value(default));
            }
        }
        match &schema.kind {
            Kind::Array(items) => node.set("items", self.node(items)),
            Kind::Map(values) => {
                // A map of anything is `true`: strict validators (the MCP Inspector's `--strict`)
                // flag `{}` as a schema with no validation keyword.
                let values = match self.node(values) {
                    Json::Object(fields) if fields.is_empty() => Json::Leaf(Value::Bool(true)),
                    values => values,
                };
                node.set("additionalProperties", values);
            }
            _ => {}
        }
        node
    }

    fn named(&mut self, id: TypeId, schema: &Schema) -> Json {
        let Some(def) = self.types.get(id) else {
            return Json::object();
        };
        let description = schema.description.as_ref().or(def.description.as_ref());
        let mut node = if self.types.is_recursive(id) {
            self.define(def);
            let mut node = Json::object();
            node.set("$ref", Json::str(&format!("#/$defs/{}", def.name)));
            node
        } else {
            self.body(def)
        };
        if let Some(description) = description {
            node.set_second("description", Json::str(description));
        }
        if let (Some(default), false) = (&schema.default, self.output) {
            node.set("default", Json::from_value(default));
        }
        node
    }

    /// Writes a recursive type into `$defs` once.
    fn define(&mut self, def: &TypeDef) {
        if self.defs.contains_key(&def.name) {
            return;
        }
        self.defs.insert(def.name.clone(), None);
        let body = self.body(def);
        self.defs.insert(def.name.clone(), Some(body));
    }

    fn body(&mut self, def: &TypeDef) -> Json {
        match &def.kind {
            TypeKind::Enum { values } => {
                let mut node = typed("string");
                let values = values.iter().map(|v| Json::str(v)).collect();
                node.set("enum", Json::Array(values));
                node
            }
            TypeKind::IntEnum { values } => {
                let mut node = typed("integer");
                let values = values.iter().map(|v| Json::Leaf(Value::from(*v))).collect();
                node.set("enum", Json::Array(values));
                node
            }
            TypeKind::Union {
                tag,
                any_of,
                variants,
            } => {
                let branches = variants
                    .iter()
                    .map(|variant| match (tag, &variant.tag_value) {
                        (Some(tag), Some(value)) => self.tagged(tag, value, &variant.schema),
                        _ => self.node(&variant.schema),
                    })
                    .collect();
                let mut node = Json::object();
                // An output reads untagged branches leniently, so more than one may fit.
                let keyword = if *any_of || self.output {
                    "anyOf"
                } else {
                    "oneOf"
                };
                node.set(keyword, Json::Array(branches));
                node
            }
            TypeKind::Struct {
                properties,
                additional,
            } => {
                let mut node = typed("object");
                let mut props = Json::object();
                let mut required = Vec::new();
                for property in properties {
                    props.set(&property.name, self.node(&property.schema));
                    if property.required || property.required_nullable {
                        required.push(Json::str(&property.name));
                    }
                }
                node.set("properties", props);
                if !required.is_empty() {
                    node.set("required", Json::Array(required));
                }
                let extra = match additional.as_ref().map(|schema| self.node(schema)) {
                    // As for maps: `true` rather than `{}`, which strict validators flag.
                    Some(Json::Object(fields)) if fields.is_empty() && self.output => {
                        Json::Leaf(Value::Bool(true))
                    }
                    Some(schema) => schema,
                    None => Json::Leaf(Value::Bool(false)),
                };
                node.set("additionalProperties", extra);
                node
            }
        }
    }
}

impl Writer<'_> {
    /// A multipart file: its bytes as base64, with the part's file name and media type.
    fn file(schema: &Schema, content_type: Option<&str>) -> Json {
        let mut node = typed("object");
        if let Some(description) = &schema.description {
            node.set("description", Json::str(description));
        }
        // Files are inputs only: no response lowers to one.
        let mut content = base64();
        content.set(
            "description",
            Json::str("The file's bytes, base64-encoded."),
        );
        let mut properties = Json::object();
        properties.set("content", content);
        properties.set(
            "filename",
            described("string", "The file's name (default: the field's name)."),
        );
        let media_type = content_type.unwrap_or("application/octet-stream");
        properties.set(
            "content_type",
            described(
                "string",
                &format!("The file's media type (default: `{media_type}`)."),
            ),
        );
        node.set("properties", properties);
        node.set("required", Json::Array(vec![Json::str("content")]));
        node.set("additionalProperties", Json::Leaf(Value::Bool(false)));
        node
    }

    /// A tagged union's branch: its payload struct written in place, with the tag property
    /// (required, exactly `value`) first, as the wire object has it.
    fn tagged(&mut self, tag: &str, value: &str, payload: &Schema) -> Json {
        let def = match &payload.kind {
            Kind::Named(id) => self.types.get(*id),
            _ => None,
        };
        let Some(def) = def else {
            return self.node(payload);
        };
        let Json::Object(entries) = self.body(def) else {
            return Json::object();
        };
        let mut tag_node = typed("string");
        tag_node.set("enum", Json::Array(vec![Json::str(value)]));
        let mut properties = vec![(tag.to_owned(), tag_node)];
        let mut required = vec![Json::str(tag)];
        let mut rest = Vec::new();
        for (key, value) in entries {
            match (key.as_str(), value) {
                ("type", _) => {}
                ("properties", Json::Object(more)) => properties.extend(more),
                ("required", Json::Array(more)) => required.extend(more),
                (_, value) => rest.push((key, value)),
            }
        }
        let mut node = typed("object");
        if let Some(description) = &def.description {
            node.set("description", Json::str(description));
        }
        node.set("properties", Json::Object(properties));
        node.set("required", Json::Array(required));
        for (key, value) in rest {
            node.set(&key, value);
        }
        node
    }
}

/// A schema that also accepts `null`: `anyOf` with `{"type": "null"}`, never a `type` array
/// (`["string","null"]` is legal but less portable: clients that map tool schemas onto a
/// single-`type` dialect, such as Gemini's function declarations, reject or flatten it; the
/// MCP Inspector's `--strict` flags it). `{}` already accepts `null`.
fn allow_null(node: Json) -> Json {
    let Json::Object(entries) = node else {
        return node;
    };
    if entries.is_empty() {
        return Json::Object(entries);
    }
    let mut wrapper = Json::object();
    wrapper.set(
        "anyOf",
        Json::Array(vec![Json::Object(entries), typed_null()]),
    );
    wrapper
}

/// A string of base64-encoded bytes (JSON Schema 2020-12 `contentEncoding`).
fn base64() -> Json {
    let mut node = typed("string");
    node.set("contentEncoding", Json::str("base64"));
    node
}

fn described(name: &str, description: &str) -> Json {
    let mut node = typed(name);
    node.set("description", Json::str(description));
    node
}

fn typed_null() -> Json {
    typed("null")
}

fn typed(name: &str) -> Json {
    let mut node = Json::object();
    node.set("type", Json::str(name));
    node
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
            body_encoding: crate::ir::BodyEncoding::Json,
            annotations: Annotations::default(),
            omitted: Vec::new(),
            response: None,
            output: None,
            scopes: Vec::new(),
            pointer: "/paths/~1t/get".to_owned(),
            deprecated: false,
            security: Vec::new(),
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
}
