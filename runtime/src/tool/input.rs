//! A tool's input: the arguments a client sends, read into the generated input type
//! ([`ToolInput`]) and turned into the [`ProviderRequest`]; when they do not fit, an
//! [`ArgumentError`] naming the field, and nothing is sent.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::request::ProviderRequest;

/// The JSON object of arguments an MCP client sends in `tools/call`.
pub type Arguments = Map<String, Value>;

/// A tool's typed input: deserialized from the client's arguments, then turned into the request.
pub trait ToolInput: DeserializeOwned {
    /// The provider request these arguments ask for.
    fn into_request(self) -> ProviderRequest;
}

/// Deserializes `arguments` into `T` and builds its request. The error names the offending
/// field by the name the model sees (`max_results: invalid type: string "x", expected i32`).
pub fn build<T: ToolInput>(arguments: Arguments) -> Result<ProviderRequest, ArgumentError> {
    let input: T = serde_path_to_error::deserialize(Value::Object(arguments)).map_err(|error| {
        let path = error.path().to_string();
        // The root is `.`; an empty path is a key `""` at the root (fuzz/regressions): the
        // message names it, there is no field to name.
        ArgumentError {
            field: (path != "." && !path.is_empty()).then_some(path),
            message: in_json_terms(&error.into_inner().to_string()),
        }
    })?;
    let request = input.into_request();
    request.validate().map_err(|message| ArgumentError {
        field: None,
        message,
    })?;
    Ok(request)
}

/// serde names Rust types (`expected i64`, `expected struct EventDateTime`); the model knows
/// the JSON Schema, so say what JSON was expected instead.
fn in_json_terms(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    let json = match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" | "isize"
        | "usize" => "an integer",
        "f32" | "f64" => "a number",
        "a sequence" => "an array",
        "a map" => "an object",
        "a boolean" | "a string" => expected,
        other if other.starts_with("struct ") => "an object",
        _ => return message.to_owned(),
    };
    format!("{head}, expected {json}")
}

/// Arguments that do not fit the tool's input schema. Nothing is sent when this happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentError {
    /// The path of the offending field (`attendees[0].email`), when serde knows it.
    pub field: Option<String>,
    /// What is wrong, as serde says it (`missing field \`channel\``).
    pub message: String,
}

impl std::fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "invalid argument `{field}`: {}", self.message),
            None => write!(f, "invalid arguments: {}", self.message),
        }
    }
}

impl std::error::Error for ArgumentError {}

#[cfg(test)]
mod tests {
    use super::in_json_terms;

    #[test]
    fn serde_messages_name_json_types() {
        let cases = [
            (
                r#"invalid type: string "ten", expected i64"#,
                r#"invalid type: string "ten", expected an integer"#,
            ),
            (
                "invalid type: integer `1`, expected f64",
                "invalid type: integer `1`, expected a number",
            ),
            (
                "invalid type: string \"x\", expected struct EventDateTime",
                "invalid type: string \"x\", expected an object",
            ),
            (
                "invalid type: map, expected a sequence",
                "invalid type: map, expected an array",
            ),
            (
                "invalid type: integer `3`, expected a string",
                "invalid type: integer `3`, expected a string",
            ),
            (
                "unknown variant `x`, expected `startTime` or `updated`",
                "unknown variant `x`, expected `startTime` or `updated`",
            ),
            ("missing field `channel`", "missing field `channel`"),
        ];
        for (serde, ours) in cases {
            assert_eq!(in_json_terms(serde), ours);
        }
    }
}
