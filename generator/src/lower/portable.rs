//! Untyped schemas kept for the tool's JSON Schema: converted to portable JSON Schema, with
//! local references inlined and OpenAPI-only keywords dropped.
//!
//! Inlining is bounded: real documents (Microsoft Graph, Stripe) have thousands of components
//! that reference each other, and inlining such a graph without a limit grows exponentially.
//! Past the limit a reference becomes `{}` (any value), which is still a valid schema.

use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value, json};

use super::Lowerer;

/// How deep references are inlined, and how many in one schema, before they become `{}`.
const MAX_DEPTH: usize = 16;
const MAX_INLINED: usize = 200;

/// The references being inlined (to stop cycles) and how many were inlined so far.
#[derive(Default)]
struct Inlining {
    stack: Vec<String>,
    inlined: usize,
}

impl Lowerer<'_> {
    /// The schema as portable JSON Schema for an untyped value: local references inlined
    /// (a recursive one becomes `{}`), OpenAPI-only keywords dropped.
    pub(super) fn portable(&self, schema: &Schema) -> Value {
        let value = serde_json::to_value(schema).unwrap_or_else(|_| json!({}));
        self.portable_value(value, &mut Inlining::default())
    }

    /// The schema as the document wrote it, without its OpenAPI-only keywords and with its
    /// references left as they are: enough to tell whether it says anything.
    pub(super) fn shallow(schema: &Schema) -> Value {
        match serde_json::to_value(schema) {
            Ok(Value::Object(mut map)) => {
                map.retain(|key, _| !is_openapi_only(key));
                Value::Object(map)
            }
            _ => json!({}),
        }
    }

    fn portable_value(&self, value: Value, inlining: &mut Inlining) -> Value {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    return self.inline_ref(reference, inlining);
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
                                .map(|(k, v)| (k, self.portable_value(v, inlining)))
                                .collect(),
                        ),
                        (_, value) => self.portable_value(value, inlining),
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
                    .map(|v| self.portable_value(v, inlining))
                    .collect(),
            ),
            other => other,
        }
    }

    fn inline_ref(&self, reference: &str, inlining: &mut Inlining) -> Value {
        let Ok((target, pointer)) = self.find::<Schema>(reference) else {
            return json!({});
        };
        if inlining.stack.contains(&pointer)
            || inlining.stack.len() >= MAX_DEPTH
            || inlining.inlined >= MAX_INLINED
        {
            return json!({});
        }
        let value = match target {
            ReferenceOr::Item(schema) => serde_json::to_value(schema).unwrap_or_else(|_| json!({})),
            ReferenceOr::Reference { reference } => json!({ "$ref": reference }),
        };
        inlining.inlined += 1;
        inlining.stack.push(pointer);
        let value = self.portable_value(value, inlining);
        inlining.stack.pop();
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
