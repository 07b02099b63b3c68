//! The JSON text of tool schemas (`schema/`): a JSON value whose object keys keep the
//! order they were written in, so the output never depends on serde_json's map features.

use std::collections::BTreeMap;

use serde_json::Value;

/// A JSON value whose object keys keep the order they were written in.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Json {
    Leaf(Value),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub(super) fn object() -> Self {
        Json::Object(Vec::new())
    }

    pub(super) fn str(text: &str) -> Self {
        Json::Leaf(Value::String(text.to_owned()))
    }

    /// Adds or replaces `key`.
    pub(super) fn set(&mut self, key: &str, value: Json) {
        if let Json::Object(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key.to_owned(), value)),
            }
        }
    }

    /// Inserts `key` right after the first entry (`type` or `$ref`), where a reader looks.
    pub(super) fn set_second(&mut self, key: &str, value: Json) {
        if let Json::Object(entries) = self {
            entries.retain(|(k, _)| k != key);
            let at = entries.len().min(1);
            entries.insert(at, (key.to_owned(), value));
        }
    }

    /// Any serde_json value, object keys sorted.
    pub(super) fn from_value(value: &Value) -> Json {
        match value {
            Value::Array(items) => Json::Array(items.iter().map(Json::from_value).collect()),
            Value::Object(map) => {
                let sorted: BTreeMap<&String, &Value> = map.iter().collect();
                Json::Object(
                    sorted
                        .into_iter()
                        .map(|(k, v)| (k.clone(), Json::from_value(v)))
                        .collect(),
                )
            }
            leaf => Json::Leaf(leaf.clone()),
        }
    }

    pub(super) fn write(&self, out: &mut String) {
        match self {
            Json::Leaf(value) => out.push_str(&value.to_string()),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}
