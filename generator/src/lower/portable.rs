//! Untyped schemas kept for the tool's JSON Schema: converted to portable JSON Schema, with
//! local references inlined and OpenAPI-only keywords dropped.

use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value, json};

use super::Lowerer;
use super::refs::component_name;

impl Lowerer<'_> {
    /// The schema as portable JSON Schema for an untyped value: local references inlined
    /// (a recursive one becomes `{}`), OpenAPI-only keywords dropped.
    pub(super) fn portable(&self, schema: &Schema) -> Value {
        let value = serde_json::to_value(schema).unwrap_or_else(|_| json!({}));
        self.portable_value(value, &mut Vec::new())
    }

    /// [`Lowerer::portable`] for a schema or a reference to one.
    pub(super) fn portable_item(&self, item: &ReferenceOr<Schema>) -> Value {
        match item {
            ReferenceOr::Item(schema) => self.portable(schema),
            ReferenceOr::Reference { reference } => self.inline_ref(reference, &mut Vec::new()),
        }
    }

    fn portable_value(&self, value: Value, stack: &mut Vec<String>) -> Value {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    return self.inline_ref(reference, stack);
                }
                let mut out = Map::new();
                for (key, value) in map {
                    if is_openapi_only(&key) {
                        continue;
                    }
                    let value = match (key.as_str(), value) {
                        // Property names, not keywords: keep every key.
                        ("properties", Value::Object(props)) => Value::Object(
                            props
                                .into_iter()
                                .map(|(k, v)| (k, self.portable_value(v, stack)))
                                .collect(),
                        ),
                        (_, value) => self.portable_value(value, stack),
                    };
                    out.insert(key, value);
                }
                exclusive_bound(&mut out, "exclusiveMinimum", "minimum");
                exclusive_bound(&mut out, "exclusiveMaximum", "maximum");
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|v| self.portable_value(v, stack))
                    .collect(),
            ),
            other => other,
        }
    }

    fn inline_ref(&self, reference: &str, stack: &mut Vec<String>) -> Value {
        let Ok(name) = component_name(reference, "schemas") else {
            return json!({});
        };
        let target = self
            .doc
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(&name));
        let value = match target {
            _ if stack.contains(&name) || stack.len() > 16 => return json!({}),
            Some(ReferenceOr::Item(schema)) => {
                serde_json::to_value(schema).unwrap_or_else(|_| json!({}))
            }
            Some(ReferenceOr::Reference { reference }) => json!({ "$ref": reference }),
            None => return json!({}),
        };
        stack.push(name);
        let value = self.portable_value(value, stack);
        stack.pop();
        value
    }
}

fn is_openapi_only(key: &str) -> bool {
    key.starts_with("x-")
        || matches!(
            key,
            "nullable"
                | "readOnly"
                | "writeOnly"
                | "example"
                | "externalDocs"
                | "discriminator"
                | "xml"
                | "deprecated"
        )
}

/// `exclusiveMinimum: true, minimum: 5` (OpenAPI 3.0) → `exclusiveMinimum: 5` (2020-12).
fn exclusive_bound(map: &mut Map<String, Value>, exclusive: &str, plain: &str) {
    match map.get(exclusive) {
        Some(Value::Bool(true)) => {
            if let Some(bound) = map.remove(plain) {
                map.insert(exclusive.to_owned(), bound);
            } else {
                map.remove(exclusive);
            }
        }
        Some(Value::Bool(false)) => {
            map.remove(exclusive);
        }
        _ => {}
    }
}
