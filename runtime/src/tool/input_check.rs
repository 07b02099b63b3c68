//! What a tool's input schema advertises, enforced before anything is sent: every call's
//! arguments are validated against the very schema `tools/list` shows (`ToolDef::input_schema`),
//! compiled per tool (the server checks every schema compiles at start-up, then compiles a
//! tool's again on its first call and keeps it).
//!
//! Why a validator and not only serde: the typed input reads types and required fields, but
//! `minimum`, `maxLength`, `pattern`, `uniqueItems`, `format` and the rest are invisible to it;
//! a model that sends `{"max_results": -5}` to a tool advertising `minimum: 1` must be told,
//! not have the provider see it.
//!
//! Invariants:
//! - No remote `$ref` is ever fetched (the `jsonschema` crate's resolving features are off), so
//!   compiling a schema does no I/O.
//! - Formats a validator can check (`date`, `date-time`, `email`, `uri`, …) are asserted, not
//!   just annotations, whatever draft the schema names.
//! - The error names the argument by the path the model sees (`start.dateTime`,
//!   `attendees[0].email`) and the rule (`minimum`), and is cut to a bounded length.

use std::fmt::Write as _;

use jsonschema::paths::{Location, LocationSegment};
use serde_json::Value;

use super::input::{ArgumentError, Arguments};
use crate::alter::error::Error;
use crate::request::ProviderRequest;

/// The most violations one tool error lists (the first ones found, in schema order).
const MAX_REPORTED: usize = 3;
/// The most characters of one violation's text (it quotes the offending value).
const MAX_MESSAGE_CHARS: usize = 300;

/// One tool's compiled input schema.
pub(crate) struct InputCheck {
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for InputCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InputCheck")
    }
}

impl InputCheck {
    /// Compiles `schema` (a tool's input schema) with format assertions on.
    pub(crate) fn compile(tool: &str, schema: &Value) -> Result<InputCheck, Error> {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(schema)
            .map_err(|e| {
                Error::config(format!(
                    "tool `{tool}`: input_schema is not a valid JSON Schema: {e}"
                ))
            })?;
        Ok(InputCheck { validator })
    }

    /// The tool's `build` on arguments that also meet the schema. When both refuse, serde's
    /// error wins: it is the more specific (`unknown field \`x\`, expected one of …`); the
    /// schema adds what serde cannot see (bounds, lengths, patterns, formats).
    pub(crate) fn build(
        &self,
        build: fn(Arguments) -> Result<ProviderRequest, ArgumentError>,
        arguments: Arguments,
    ) -> Result<ProviderRequest, ArgumentError> {
        let mut value = Value::Object(arguments);
        let verdict = self.check(&value);
        let arguments = match &mut value {
            Value::Object(map) => std::mem::take(map),
            _ => Arguments::new(),
        };
        let request = build(arguments)?;
        verdict.map(|()| request)
    }

    /// `Ok` when `arguments` meets every constraint of the schema; otherwise the first
    /// violations, each with its path and rule.
    pub(crate) fn check(&self, arguments: &Value) -> Result<(), ArgumentError> {
        if self.validator.is_valid(arguments) {
            return Ok(());
        }
        let mut field = None;
        let mut messages = Vec::new();
        for error in self.validator.iter_errors(arguments).take(MAX_REPORTED) {
            let path = dotted_path(error.instance_path());
            let rule = error.kind().keyword();
            let text = cut(&error.to_string(), MAX_MESSAGE_CHARS);
            let message = match (&path, messages.is_empty()) {
                (Some(_), true) | (None, _) => format!("{text} (schema rule `{rule}`)"),
                (Some(p), false) => format!("`{p}`: {text} (schema rule `{rule}`)"),
            };
            if messages.is_empty() {
                field = path;
            }
            messages.push(message);
        }
        Err(ArgumentError {
            field,
            message: messages.join("; "),
        })
    }
}

/// `/start/dateTime` → `start.dateTime`, `/attendees/0/email` → `attendees[0].email`; `None`
/// for the root.
pub(crate) fn dotted_path(location: &Location) -> Option<String> {
    let mut out = String::new();
    for segment in location {
        match segment {
            LocationSegment::Property(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&name);
            }
            LocationSegment::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

#[cfg(test)]
mod tests;
