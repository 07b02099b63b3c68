//! What a tool looks like from outside, reduced to what can break a caller: its operation and
//! request, each parameter's name, place, type and whether it is required, hashes of its input
//! and output schemas, and its annotations. The lock file stores it; `diff` and the lock check
//! compare two of them (`compare.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::ToolSummary;

/// One tool, as the lock records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolShape {
    /// The tool's name, as the model sees it.
    pub name: String,
    /// The operationId, or `METHOD /path`.
    pub operation: String,
    /// `METHOD url-template`.
    pub request: String,
    /// Short SHA-256 of the input JSON Schema text.
    pub input_schema: String,
    /// Short SHA-256 of the output JSON Schema text, when the tool has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<String>,
    /// MCP annotations by their MCP names.
    #[serde(default)]
    pub annotations: BTreeMap<String, Value>,
    /// The fields the model fills, in schema order.
    #[serde(default)]
    pub params: Vec<ParamShape>,
    /// The output schema without descriptions, for `diff`; `Null` when there is none or it
    /// came from the lock (which keeps the hash only).
    #[serde(skip)]
    pub output: Value,
}

/// One field the model fills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamShape {
    /// The name the model sees.
    pub name: String,
    /// `path`, `query`, `header`, `body field` or `body`.
    #[serde(rename = "in")]
    pub location: String,
    /// A short type label: `string`, `integer`, `array<string>`, `string(date-time)`, ...
    #[serde(rename = "type")]
    pub ty: String,
    /// The model must give it.
    pub required: bool,
    /// The field's JSON Schema without descriptions; kept in memory for `diff`, never in
    /// the lock (its hash covers it).
    #[serde(skip)]
    pub schema: Value,
}

impl ToolShape {
    /// The shape of a generated tool.
    pub fn of(tool: &ToolSummary) -> ToolShape {
        // The schema is ours and always valid JSON; an unparsable one would still hash.
        let schema: Value = serde_json::from_str(&tool.input_schema).unwrap_or(Value::Null);
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let params = tool
            .fields
            .iter()
            .map(|(name, location)| {
                let field = &inlined(&schema["properties"][name.as_str()], &schema);
                ParamShape {
                    name: name.clone(),
                    location: (*location).to_owned(),
                    ty: type_label(field),
                    required: required.contains(&name.as_str()),
                    schema: without_descriptions(field),
                }
            })
            .collect();
        ToolShape {
            name: tool.name.clone(),
            operation: tool.operation.clone(),
            request: tool.request.clone(),
            input_schema: short_hash(&tool.input_schema),
            output_schema: tool.output_schema.as_deref().map(short_hash),
            annotations: mcp_annotations(&tool.title, tool.annotations),
            params,
            output: tool
                .output_schema
                .as_deref()
                .and_then(|text| serde_json::from_str::<Value>(text).ok())
                .map_or(Value::Null, |schema| {
                    without_descriptions(&inlined(&schema, &schema))
                }),
        }
    }

    /// What the lock keeps: the shape without the parameters' schemas.
    pub fn locked(mut self) -> ToolShape {
        for param in &mut self.params {
            param.schema = Value::Null;
        }
        self.output = Value::Null;
        self
    }

    /// The field the model sees as `name`.
    pub fn param(&self, name: &str) -> Option<&ParamShape> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// A type label without its formats (`array<string(date-time)>` → `array<string>`): a format
/// is a hint about the value, not a different type.
pub fn base_type(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut depth = 0usize;
    for c in label.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// SHA-256 of `text`, hex, first 16 digits.
pub fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A label that changes when a value of the old type would no longer be accepted.
pub fn type_label(schema: &Value) -> String {
    if schema.get("$ref").is_some() {
        return "recursive object".to_owned();
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
            let labels: Vec<String> = branches.iter().map(type_label).collect();
            return format!("{keyword}<{}>", labels.join(" | "));
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => return "any".to_owned(),
    };
    let labels: Vec<String> = types.iter().map(|t| one_type(t, schema)).collect();
    labels.join(" | ")
}

fn one_type(ty: &str, schema: &Value) -> String {
    match ty {
        "array" => format!("array<{}>", type_label(&schema["items"])),
        "object" => match schema.get("additionalProperties") {
            Some(inner @ Value::Object(_)) if schema.get("properties").is_none() => {
                format!("map<{}>", type_label(inner))
            }
            _ => "object".to_owned(),
        },
        other => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{other}({format})"),
            None => other.to_owned(),
        },
    }
}

/// The schema with every `description` and `title` removed: wording is not a change a caller
/// can break on. Property names are kept, even `description` or `title`.
pub fn without_descriptions(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !matches!(key.as_str(), "description" | "title"))
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        ("properties" | "$defs", Value::Object(named)) => Value::Object(
                            named
                                .iter()
                                .map(|(name, schema)| (name.clone(), without_descriptions(schema)))
                                .collect(),
                        ),
                        _ => without_descriptions(value),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_descriptions).collect()),
        other => other.clone(),
    }
}

/// How many `$ref`s [`inlined`] writes in place at most: shared types in a large document
/// form a graph that written out as a tree would be exponentially large.
const MAX_INLINED: usize = 2048;

/// `schema` with references to the non-recursive `$defs` of `root` written in place (shared
/// and deep types, `tool_schema/plan.rs`), so labels and comparisons see a type, not its name, as
/// they did when only recursive types were under `$defs`. References stay past
/// [`MAX_INLINED`] (the schema hash still tells a change there).
fn inlined(schema: &Value, root: &Value) -> Value {
    let Some(defs) = root.get("$defs").and_then(Value::as_object) else {
        return schema.clone();
    };
    let recursive: std::collections::BTreeSet<&str> = defs
        .keys()
        .filter(|name| reaches(defs, name, name))
        .map(String::as_str)
        .collect();
    let mut budget = MAX_INLINED;
    expand(schema, defs, &recursive, &mut budget)
}

fn expand(
    schema: &Value,
    defs: &serde_json::Map<String, Value>,
    recursive: &std::collections::BTreeSet<&str>,
    budget: &mut usize,
) -> Value {
    match schema {
        Value::Object(map) => {
            let target = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .filter(|name| !recursive.contains(name) && *budget > 0)
                .and_then(|name| defs.get(name));
            let mut out = serde_json::Map::new();
            if let Some(Value::Object(body)) = target {
                *budget -= 1;
                for (key, value) in body {
                    out.insert(key.clone(), expand(value, defs, recursive, budget));
                }
            }
            for (key, value) in map {
                if key == "$ref" && target.is_some() {
                    continue;
                }
                out.insert(key.clone(), expand(value, defs, recursive, budget));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| expand(item, defs, recursive, budget))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether the `$defs` entry `from` refers, in any number of steps, to `to`.
fn reaches(defs: &serde_json::Map<String, Value>, from: &str, to: &str) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(name) = stack.pop() {
        let mut refs = Vec::new();
        references(defs.get(&name).unwrap_or(&Value::Null), &mut refs);
        for next in refs {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.push(next);
            }
        }
    }
    false
}

/// The `$defs` names a schema refers to.
fn references(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|value| references(value, out));
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, out)),
        _ => {}
    }
}

/// The annotations as `tools/list` names them.
fn mcp_annotations(title: &str, a: crate::Annotations) -> BTreeMap<String, Value> {
    [
        ("title", title.into()),
        ("readOnlyHint", a.read_only.into()),
        ("destructiveHint", a.destructive.into()),
        ("idempotentHint", a.idempotent.into()),
        ("openWorldHint", a.open_world.into()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn labels_name_what_a_value_must_be() {
        let cases = [
            (json!({"type": "string"}), "string"),
            (
                json!({"type": "string", "format": "date-time"}),
                "string(date-time)",
            ),
            (json!({"type": ["integer", "null"]}), "integer | null"),
            (
                json!({"type": "array", "items": {"type": "string"}}),
                "array<string>",
            ),
            (
                json!({"type": "object", "additionalProperties": {"type": "integer"}}),
                "map<integer>",
            ),
            (json!({"type": "object", "properties": {}}), "object"),
            (
                json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
                "oneOf<string | integer>",
            ),
            (json!({"$ref": "#/$defs/Node"}), "recursive object"),
            (json!({}), "any"),
        ];
        for (schema, label) in cases {
            assert_eq!(type_label(&schema), label, "{schema}");
        }
    }

    #[test]
    fn shared_types_are_read_in_place_and_recursive_ones_stay_references() {
        let root = json!({"type": "object", "properties": {
            "start": {"$ref": "#/$defs/When", "description": "Start."},
            "tree": {"$ref": "#/$defs/Node"},
        }, "$defs": {
            "When": {"type": "object", "properties": {"at": {"type": "string"}}},
            "Node": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}},
        }});
        let start = inlined(&root["properties"]["start"], &root);
        assert_eq!(
            start,
            json!({"type": "object", "properties": {"at": {"type": "string"}}, "description": "Start."})
        );
        assert_eq!(type_label(&start), "object");
        let tree = inlined(&root["properties"]["tree"], &root);
        assert_eq!(type_label(&tree), "recursive object");
        let whole = inlined(&root, &root);
        assert_eq!(
            whole["properties"]["start"]["properties"]["at"]["type"],
            "string"
        );
    }

    #[test]
    fn base_types_drop_formats() {
        assert_eq!(base_type("array<string(date-time)>"), "array<string>");
        assert_eq!(base_type("integer(int32) | null"), "integer | null");
        assert_eq!(base_type("recursive object"), "recursive object");
    }

    #[test]
    fn descriptions_do_not_count() {
        let a = json!({"type": "object", "description": "x", "properties": {
            "a": {"type": "string", "description": "y"},
            "title": {"type": "string", "title": "z"}
        }});
        let b = json!({"type": "object", "properties": {
            "a": {"type": "string"},
            "title": {"type": "string"}
        }});
        assert_eq!(without_descriptions(&a), b);
    }
}
