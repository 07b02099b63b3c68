//! One schema's JSON: each named type inline, under `$defs` or as an open object, as the
//! tool's [`Placement`] says, with the descriptions [`Descriptions`] keeps.

use std::collections::BTreeMap;

use serde_json::Value;

use super::json::Json;
use super::plan::{MAX_INLINE_DEPTH, Placement};
use crate::ir::{Kind, Schema, TypeDef, TypeId, TypeKind, TypeSpace};

/// Which descriptions a schema carries (output schemas over the budget lose them first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Descriptions {
    All,
    /// Only those of the root's properties (the top-level fields).
    TopLevel,
    None,
}

pub(super) struct Writer<'a> {
    types: &'a TypeSpace,
    placement: &'a Placement,
    /// Writing an output schema (see `output_schema`).
    output: bool,
    descriptions: Descriptions,
    /// Named types written under `$defs`, by Rust name; `None` while being written.
    defs: BTreeMap<String, Option<Json>>,
    /// The property level being written (the root's properties: 1), counted from the root
    /// or from the `$defs` entry being written.
    level: usize,
    /// Writing a `$defs` entry.
    in_def: bool,
    /// Every named type as a bare `$ref`, nothing defined: one type's own size (`plan.rs`).
    stub: bool,
    /// A lower bound of the bytes written so far (names, descriptions, `type`s)...
    spent: usize,
    /// ...past which writing stops: the text would be over the budget anyway.
    limit: usize,
}

impl<'a> Writer<'a> {
    pub(super) fn new(types: &'a TypeSpace, placement: &'a Placement, output: bool) -> Self {
        Writer {
            types,
            placement,
            output,
            descriptions: Descriptions::All,
            defs: BTreeMap::new(),
            level: 0,
            in_def: false,
            stub: false,
            spent: 0,
            limit: usize::MAX,
        }
    }

    /// Stops writing once the text is surely longer than `bytes` (see [`Writer::overflowed`]).
    pub(super) fn limit(mut self, bytes: usize) -> Self {
        self.limit = bytes;
        self
    }

    /// The text would be longer than the limit: what was written is incomplete.
    pub(super) fn overflowed(&self) -> bool {
        self.spent > self.limit
    }

    pub(super) fn descriptions(mut self, descriptions: Descriptions) -> Self {
        self.descriptions = descriptions;
        self
    }

    pub(super) fn stub(mut self) -> Self {
        self.stub = true;
        self
    }

    /// The root's properties are written next (input schemas build their root by hand).
    pub(super) fn at_root_properties(&mut self) {
        self.level = 1;
    }

    /// Adds the `$defs` and writes the text.
    pub(super) fn finish(self, mut root: Json) -> String {
        if !self.defs.is_empty() {
            let defs = self
                .defs
                .into_iter()
                .map(|(name, def)| (name, def.unwrap_or_else(Json::object)))
                .collect();
            root.set("$defs", Json::Object(defs));
        }
        let mut out = String::new();
        root.write(&mut out);
        super::escape_invisible(&out)
    }

    fn describes(&self) -> bool {
        match self.descriptions {
            Descriptions::All => true,
            Descriptions::TopLevel => !self.in_def && self.level <= 1,
            Descriptions::None => false,
        }
    }

    fn describe(&mut self, node: &mut Json, description: Option<&String>) {
        if let (Some(description), true) = (description, self.describes()) {
            self.spent += description.len();
            node.set("description", Json::str(description));
        }
    }

    pub(super) fn node(&mut self, schema: &Schema) -> Json {
        let node = self.value_node(schema);
        if schema.nullable {
            allow_null(node)
        } else {
            node
        }
    }

    fn value_node(&mut self, schema: &Schema) -> Json {
        // Every node is at least `{}`.
        self.spent += 2;
        let mut node = match &schema.kind {
            Kind::Named(id) => return self.named(*id, schema),
            Kind::Json(raw) => {
                // An output's untyped value is read as any JSON: say only that.
                let raw = if self.output { &Value::Null } else { raw };
                let mut node = Json::from_value(raw);
                if !matches!(node, Json::Object(_)) {
                    node = Json::object();
                }
                self.describe(&mut node, schema.description.as_ref());
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
        self.describe(&mut node, schema.description.as_ref());
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
        if self.overflowed() {
            return Json::object();
        }
        let description = schema.description.as_ref().or(def.description.as_ref());
        let mut node = if self.placement.open.contains(&id) {
            // Past the depth cut: any object (what the type writes is one).
            typed("object")
        } else if self.stub || self.placement.defs.contains(&id) || self.too_deep(def) {
            if !self.stub {
                self.define(def);
            }
            let mut node = Json::object();
            node.set("$ref", Json::str(&format!("#/$defs/{}", def.name)));
            node
        } else {
            self.body(def)
        };
        if let (Some(description), true) = (description, self.describes()) {
            self.spent += description.len();
            node.set_second("description", Json::str(description));
        }
        if let (Some(default), false) = (&schema.default, self.output) {
            node.set("default", Json::from_value(default));
        }
        node
    }

    /// An object inlined here would put its properties past [`MAX_INLINE_DEPTH`].
    fn too_deep(&self, def: &TypeDef) -> bool {
        self.level >= MAX_INLINE_DEPTH && matches!(def.kind, TypeKind::Struct { .. })
    }

    /// Writes a type into `$defs` once.
    fn define(&mut self, def: &TypeDef) {
        if self.defs.contains_key(&def.name) {
            return;
        }
        self.defs.insert(def.name.clone(), None);
        let outer = (self.level, self.in_def);
        (self.level, self.in_def) = (0, true);
        let body = self.body(def);
        (self.level, self.in_def) = outer;
        self.defs.insert(def.name.clone(), Some(body));
    }

    pub(super) fn body(&mut self, def: &TypeDef) -> Json {
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
                self.level += 1;
                let node = self.object(properties, additional.as_deref());
                self.level -= 1;
                node
            }
        }
    }

    fn object(&mut self, properties: &[crate::ir::Property], additional: Option<&Schema>) -> Json {
        let mut node = typed("object");
        let mut props = Json::object();
        let mut required = Vec::new();
        for property in properties {
            if self.overflowed() {
                break;
            }
            // `"name":` and a comma.
            self.spent += property.name.len() + 4;
            props.set(&property.name, self.node(&property.schema));
            if property.required || property.required_nullable {
                required.push(Json::str(&property.name));
            }
        }
        node.set("properties", props);
        if !required.is_empty() {
            node.set("required", Json::Array(required));
        }
        let extra = match additional.map(|schema| self.node(schema)) {
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
        if let (Some(description), true) = (&def.description, self.describes()) {
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
        Json::Array(vec![Json::Object(entries), typed("null")]),
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

pub(super) fn typed(name: &str) -> Json {
    let mut node = Json::object();
    node.set("type", Json::str(name));
    node
}
