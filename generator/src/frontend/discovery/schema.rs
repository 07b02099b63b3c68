//! Discovery schemas → OpenAPI 3.0 schemas: bare `$ref` names become component references,
//! `type: any` becomes `{}`, numbers and booleans written as strings become JSON values, a
//! property's boolean `required` moves to its parent's `required` list, and `enumDescriptions`
//! are folded into the description. `id`, `annotations` (read by `method.rs`), `location` and
//! `repeated` have no counterpart in an OpenAPI schema and are dropped.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diagnostic::child;

/// Resolves Discovery's bare `$ref` names (a schema's key, or its `id` where that differs).
pub(super) struct Refs<'d> {
    schemas: Option<&'d Map<String, Value>>,
    /// `id` → key, for ids that are not keys.
    ids: BTreeMap<&'d str, &'d str>,
}

impl<'d> Refs<'d> {
    pub fn new(schemas: Option<&'d Value>) -> Self {
        let schemas = schemas.and_then(Value::as_object);
        let mut ids = BTreeMap::new();
        for (key, schema) in schemas.into_iter().flatten() {
            if let Some(id) = schema.get("id").and_then(Value::as_str)
                && !schemas.is_some_and(|s| s.contains_key(id))
            {
                ids.entry(id).or_insert(key.as_str());
            }
        }
        Refs { schemas, ids }
    }

    fn key<'a>(&'a self, name: &'a str) -> &'a str {
        self.ids.get(name).copied().unwrap_or(name)
    }

    /// The OpenAPI reference for `name`; one to a missing schema is left for the lowerer to
    /// report, and only if an operation that uses it is selected.
    pub fn target(&self, name: &str) -> String {
        child("#/components/schemas", self.key(name))
    }

    /// The Discovery schema named `name`.
    pub fn schema(&self, name: &str) -> Option<&'d Map<String, Value>> {
        self.schemas?.get(self.key(name))?.as_object()
    }
}

const TYPES: [&str; 6] = ["string", "integer", "number", "boolean", "object", "array"];

/// One Discovery schema (or parameter: its schema keywords are the same) as OpenAPI 3.0.
pub(super) fn convert(refs: &Refs<'_>, source: &Value) -> Value {
    let Some(s) = source.as_object() else {
        return Value::Object(Map::new());
    };
    let mut out = Map::new();
    if let Some(name) = s.get("$ref").and_then(Value::as_str) {
        // A description beside `$ref` is kept, as APIs.guru does: it documents the field.
        out.insert("$ref".into(), refs.target(name).into());
        if let Some(description) = describe(s) {
            out.insert("description".into(), description.into());
        }
        return out.into();
    }
    // `any` and unknown types become a schema without `type`.
    let typ = s
        .get("type")
        .and_then(Value::as_str)
        .filter(|t| TYPES.contains(t));
    if let Some(typ) = typ {
        out.insert("type".into(), typ.into());
    }
    keywords(s, typ, &mut out);
    if matches!(typ, None | Some("array"))
        && let Some(items) = s.get("items")
    {
        out.insert("items".into(), convert(refs, items));
    }
    if matches!(typ, None | Some("object")) {
        object(refs, s, &mut out);
    }
    if let Some(description) = describe(s) {
        out.insert("description".into(), description.into());
    }
    out.into()
}

/// The scalar keywords, with Discovery's string-written numbers and booleans converted.
fn keywords(s: &Map<String, Value>, typ: Option<&str>, out: &mut Map<String, Value>) {
    for key in ["format", "pattern"] {
        if let Some(value @ Value::String(_)) = s.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    for key in ["readOnly", "deprecated"] {
        if s.get(key) == Some(&Value::Bool(true)) {
            out.insert(key.into(), true.into());
        }
    }
    if let Some(values) = s.get("enum").and_then(|e| enum_values(typ, e)) {
        out.insert("enum".into(), values);
    }
    if let Some(default) = s.get("default").filter(|d| !d.is_null()) {
        out.insert("default".into(), scalar(typ, default));
    }
    // On other types (64-bit integers are strings) the bounds are not JSON Schema keywords.
    if matches!(typ, Some("integer" | "number")) {
        for key in ["minimum", "maximum"] {
            if let Some(bound) = s.get(key).and_then(|v| number(typ, v)) {
                out.insert(key.into(), bound);
            }
        }
    }
}

/// `properties` (with the boolean `required` of each collected) and `additionalProperties`.
fn object(refs: &Refs<'_>, s: &Map<String, Value>, out: &mut Map<String, Value>) {
    if let Some(properties) = s.get("properties").and_then(Value::as_object) {
        let mut converted = Map::new();
        // JSON Schema's list, which some non-Google Discovery documents use, is kept too.
        let mut required: Vec<Value> = s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|name| name.as_str().is_some_and(|n| properties.contains_key(n)))
            .cloned()
            .collect();
        for (name, property) in properties {
            if property.get("required") == Some(&Value::Bool(true))
                && !required.iter().any(|r| r == name.as_str())
            {
                required.push(Value::from(name.as_str()));
            }
            converted.insert(name.clone(), convert(refs, property));
        }
        out.insert("properties".into(), converted.into());
        if !required.is_empty() {
            out.insert("required".into(), required.into());
        }
    }
    match s.get("additionalProperties") {
        Some(schema @ Value::Object(_)) => {
            out.insert("additionalProperties".into(), convert(refs, schema));
        }
        Some(Value::Bool(allowed)) => {
            out.insert("additionalProperties".into(), (*allowed).into());
        }
        _ => {}
    }
}

/// `enum` as values of the schema's type; `None` if they cannot all be.
fn enum_values(typ: Option<&str>, values: &Value) -> Option<Value> {
    let values = values.as_array()?;
    let converted: Option<Vec<Value>> = values
        .iter()
        .map(|v| match typ {
            Some("integer" | "number") => number(typ, v),
            Some("boolean") => boolean(v),
            Some("string") => v.is_string().then(|| v.clone()),
            None => Some(v.clone()),
            Some(_) => None,
        })
        .collect();
    converted.filter(|v| !v.is_empty()).map(Value::from)
}

/// A `default` as a value of the schema's type where it is written as a string.
pub(super) fn scalar(typ: Option<&str>, value: &Value) -> Value {
    let converted = match typ {
        Some("integer" | "number") => number(typ, value),
        Some("boolean") => boolean(value),
        _ => None,
    };
    converted.unwrap_or_else(|| value.clone())
}

/// An integer (that fits `i64`, as OpenAPI tools read it) or a finite number.
pub(super) fn number(typ: Option<&str>, value: &Value) -> Option<Value> {
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    if typ == Some("integer") {
        return text.parse::<i64>().ok().map(Value::from);
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(Value::from(n));
    }
    let n = text.parse::<f64>().ok().filter(|n| n.is_finite())?;
    serde_json::Number::from_f64(n).map(Value::Number)
}

fn boolean(value: &Value) -> Option<Value> {
    match value {
        Value::Bool(b) => Some(Value::Bool(*b)),
        Value::String(text) if text == "true" => Some(Value::Bool(true)),
        Value::String(text) if text == "false" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// The description, with one line per described enum value appended.
pub(super) fn describe(s: &Map<String, Value>) -> Option<String> {
    let description = s
        .get("description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let values = s.get("enum").and_then(Value::as_array);
    let texts = s.get("enumDescriptions").and_then(Value::as_array);
    let deprecated = s.get("enumDeprecated").and_then(Value::as_array);
    let mut lines = Vec::new();
    if let (Some(values), Some(texts)) = (values, texts) {
        for (i, value) in values.iter().enumerate() {
            let text = texts.get(i).and_then(Value::as_str).map_or("", str::trim);
            let value = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            let old = deprecated.and_then(|d| d.get(i)) == Some(&Value::Bool(true));
            let marker = if old { " (deprecated)" } else { "" };
            // Flattened so each value stays one list item.
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                lines.push(format!("- `{value}`{marker}"));
            } else {
                lines.push(format!("- `{value}`{marker}: {text}"));
            }
        }
    }
    let list = (!lines.is_empty()).then(|| lines.join("\n"));
    match (description, list) {
        (Some(d), Some(list)) => Some(format!("{d}\n\n{list}")),
        (Some(d), None) => Some(d.to_owned()),
        (None, list) => list,
    }
}
