//! The audit context (`X-Alter-Context`, protocol §5): string pairs Alter writes into the audit
//! row of each call, e.g. `{"tool":"list_events"}`.
//!
//! Invariant: the header is produced only by [`AuditContext::to_header`], which enforces the
//! backend's bounds (the backend silently drops an oversized context, so we fail loudly) and
//! escapes non-ASCII as `\uXXXX`, so the header value is pure printable ASCII.

use std::fmt::Write as _;

use super::error::Error;

/// At most this many keys.
pub const MAX_KEYS: usize = 20;
/// Each key at most this many characters.
pub const MAX_KEY_CHARS: usize = 64;
/// Each value at most this many characters.
pub const MAX_VALUE_CHARS: usize = 512;
/// The serialized JSON at most this many characters.
pub const MAX_JSON_CHARS: usize = 4096;

/// An ordered string map for `X-Alter-Context`. Keys keep their first insertion position;
/// inserting an existing key replaces its value.
///
/// The SDK reserves `agent`, `parent_agent`, `run_id`, `thread_id`, `tool`, `tool_call_id`
/// and `framework` for itself and its framework bridges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditContext {
    entries: Vec<(String, String)>,
}

impl AuditContext {
    /// An empty context (no header is sent).
    pub fn new() -> Self {
        AuditContext::default()
    }

    /// The context of one tool call: `{"tool": <name>}`.
    pub fn for_tool(name: &str) -> Self {
        let mut context = AuditContext::new();
        context.insert("tool", name);
        context
    }

    /// Sets `key` to `value`, replacing an earlier value in place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let (key, value) = (key.into(), value.into());
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
        self
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The pairs in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no key is set (no header is sent).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `X-Alter-Context` header value: compact JSON, ASCII only; `None` when empty.
    /// Fails with [`crate::ErrorKind::InvalidRequest`] when a bound is exceeded.
    pub fn to_header(&self) -> Result<Option<String>, Error> {
        if self.entries.is_empty() {
            return Ok(None);
        }
        if self.entries.len() > MAX_KEYS {
            return Err(too_big(format!(
                "it has {} keys; the limit is {MAX_KEYS}",
                self.entries.len()
            )));
        }
        let mut json = String::from("{");
        for (i, (key, value)) in self.entries.iter().enumerate() {
            let key_chars = key.chars().count();
            if key_chars > MAX_KEY_CHARS {
                return Err(too_big(format!(
                    "key {:?} has {key_chars} characters; the limit is {MAX_KEY_CHARS}",
                    super::error::truncate(key, 32)
                )));
            }
            let value_chars = value.chars().count();
            if value_chars > MAX_VALUE_CHARS {
                return Err(too_big(format!(
                    "the value of {key:?} has {value_chars} characters; the limit is {MAX_VALUE_CHARS}"
                )));
            }
            if i > 0 {
                json.push(',');
            }
            push_json_string(&mut json, key);
            json.push(':');
            push_json_string(&mut json, value);
        }
        json.push('}');
        if json.len() > MAX_JSON_CHARS {
            return Err(too_big(format!(
                "it serializes to {} characters; the limit is {MAX_JSON_CHARS}",
                json.len()
            )));
        }
        Ok(Some(json))
    }

    /// The context as a JSON object, for the audit row body.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let map = self
            .entries
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        serde_json::Value::Object(map)
    }
}

fn too_big(why: String) -> Error {
    Error::invalid_request(format!(
        "the audit context (X-Alter-Context) is too large: {why}"
    ))
}

/// Writes `text` as a JSON string the way Python's `json.dumps(ensure_ascii=True)` does:
/// short escapes for `"` `\` and `\b \f \n \r \t`, `\u00XX` for other control characters and
/// DEL, UTF-16 `\uXXXX` (surrogate pairs beyond the BMP) for everything non-ASCII.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    // Writing to a String cannot fail.
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alter::error::ErrorKind;

    #[test]
    fn tool_context_serializes_compactly() {
        let mut context = AuditContext::for_tool("post_message");
        assert_eq!(
            context.to_header().unwrap().as_deref(),
            Some(r#"{"tool":"post_message"}"#)
        );
        context
            .insert("run_id", "run-42")
            .insert("tool", "list_events");
        assert_eq!(
            context.to_header().unwrap().as_deref(),
            Some(r#"{"tool":"list_events","run_id":"run-42"}"#)
        );
        assert_eq!(context.get("run_id"), Some("run-42"));
        assert_eq!(context.len(), 2);
    }

    #[test]
    fn empty_context_sends_no_header() {
        assert_eq!(AuditContext::new().to_header().unwrap(), None);
    }

    #[test]
    fn escapes_like_python_ensure_ascii() {
        let mut context = AuditContext::new();
        context.insert("t\u{e9}am", "q\"a\\\n\t\u{1}\u{7f}\u{1f600}");
        let header = context.to_header().unwrap().unwrap();
        assert_eq!(
            header,
            r#"{"t\u00e9am":"q\"a\\\n\t\u0001\u007f\ud83d\ude00"}"#
        );
        assert!(header.bytes().all(|b| (0x20..0x7f).contains(&b)));
        let parsed: serde_json::Value = serde_json::from_str(&header).unwrap();
        assert_eq!(parsed, context.to_json());
    }

    #[test]
    fn limits_are_enforced() {
        let mut many = AuditContext::new();
        for i in 0..=MAX_KEYS {
            many.insert(format!("k{i}"), "v");
        }
        let mut long_key = AuditContext::new();
        long_key.insert("k".repeat(MAX_KEY_CHARS + 1), "v");
        let mut long_value = AuditContext::new();
        long_value.insert("k", "é".repeat(MAX_VALUE_CHARS + 1));
        let mut long_total = AuditContext::new();
        for i in 0..10 {
            long_total.insert(format!("k{i}"), "v".repeat(MAX_VALUE_CHARS));
        }
        for (context, why) in [
            (many, "21 keys"),
            (long_key, "65 characters"),
            (long_value, "513 characters"),
            (long_total, "serializes to"),
        ] {
            let error = context.to_header().unwrap_err();
            assert_eq!(error.kind(), &ErrorKind::InvalidRequest);
            assert!(error.message().contains(why), "{error}");
        }
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let mut context = AuditContext::new();
        context.insert("k".repeat(MAX_KEY_CHARS), "é".repeat(MAX_VALUE_CHARS));
        assert!(context.to_header().is_ok());
    }
}
