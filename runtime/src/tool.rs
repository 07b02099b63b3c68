//! What a generated tool is: static data plus one function from arguments to a
//! [`ProviderRequest`]. Everything else a call needs (Alter, errors, results) lives once in the
//! runtime, so each generated tool stays small.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::alter::trace::CallOrigin;
use crate::output::OutputDef;
use crate::request::ProviderRequest;

/// The JSON object of arguments an MCP client sends in `tools/call`.
pub type Arguments = Map<String, Value>;

/// One generated MCP tool. Generated modules expose `pub static TOOLS: &[ToolDef]`.
#[derive(Debug, Clone, Copy)]
pub struct ToolDef {
    /// The name MCP clients see; matches `^[a-zA-Z0-9_-]{1,64}$`.
    pub name: &'static str,
    /// A short human title.
    pub title: &'static str,
    /// What the tool does, for the model.
    pub description: &'static str,
    /// The tool's input JSON Schema (an object schema), as JSON text (parsed once at
    /// start-up, so any layout works; generated code writes it pretty-printed).
    pub input_schema: &'static str,
    /// The Alter provider id (`google`, `slack`), which picks the grant.
    pub provider: &'static str,
    /// The operation in the provider's document this tool calls.
    pub operation_id: &'static str,
    /// The MCP annotations `tools/list` advertises: from the HTTP method, unless the allowlist
    /// sets them.
    pub annotations: Annotations,
    /// How the provider reports failure, beyond the HTTP status.
    pub response: ResponseRule,
    /// Validates the arguments against the tool's typed input and builds the request.
    /// Generated code sets this to [`build::<TheInputType>`](build).
    pub build: fn(Arguments) -> Result<ProviderRequest, ArgumentError>,
    /// The tool's structured output: its schema and the reader that makes every answer fit
    /// it. `None` when the operation documents no JSON success body (a `204`), and the answer
    /// is text only.
    pub output: Option<OutputDef>,
    /// The first 12 hex digits of the SHA-256 of the API document the tool was generated
    /// from; sent as `spec` in each call's audit context, so an audit row names the exact
    /// document version. Empty for hand-written tools (then `spec` is not sent).
    pub spec_hash: &'static str,
}

impl<'a> From<&'a ToolDef> for CallOrigin<'a> {
    fn from(def: &'a ToolDef) -> CallOrigin<'a> {
        CallOrigin {
            tool: def.name,
            provider: def.provider,
            operation: def.operation_id,
            spec: def.spec_hash,
        }
    }
}

/// MCP tool annotations (hints for clients; never a security boundary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Annotations {
    /// `readOnlyHint`: the tool changes nothing (by default `GET`, `HEAD`, `OPTIONS`).
    pub read_only: bool,
    /// `destructiveHint`: the tool may delete or overwrite (by default `DELETE`); such calls go
    /// through Alter's proxy even in retrieve mode, so its approvals apply.
    pub destructive: bool,
    /// `idempotentHint`: repeating the call has no further effect.
    pub idempotent: bool,
    /// `openWorldHint`: the tool reaches an outside system (the default for provider tools).
    pub open_world: bool,
}

/// How to tell a failed provider call from a successful one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseRule {
    /// An HTTP status of 400 or more is a failure.
    #[default]
    HttpStatus,
    /// Also a failure: a 2xx JSON object whose `ok_field` is `false` (Slack answers
    /// `200 {"ok": false, "error": "channel_not_found"}`); `error_field` names the reason.
    OkField {
        /// The boolean member that says whether the call succeeded (`ok`).
        ok_field: &'static str,
        /// The member that holds the reason when it did not (`error`).
        error_field: &'static str,
    },
}

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
