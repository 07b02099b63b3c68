//! What a generated tool is: static data plus one function from arguments to a
//! [`ProviderRequest`]. Everything else a call needs (Alter, errors, results) lives once in the
//! runtime, so each generated tool stays small.

use super::input::{ArgumentError, Arguments};
use super::output::OutputDef;
use crate::alter::trace::CallOrigin;
use crate::request::ProviderRequest;

/// One generated MCP tool. Generated modules expose `pub static TOOLS: &[ToolDef]`.
#[derive(Debug, Clone, Copy)]
pub struct ToolDef {
    /// The name MCP clients see; matches `^[a-zA-Z0-9_-]{1,64}$`.
    pub name: &'static str,
    /// A short human title.
    pub title: &'static str,
    /// What the tool does, for the model.
    pub description: &'static str,
    /// The tool's input JSON Schema (an object schema), as JSON text (parsed, so any
    /// layout works; generated code writes it pretty-printed, clients get it compact).
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
    /// Generated code sets this to [`build::<TheInputType>`](super::build).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alter::context::AuditContext;
    use crate::alter::trace::for_call;
    use crate::request::Method;

    fn build(_: Arguments) -> Result<ProviderRequest, ArgumentError> {
        Ok(ProviderRequest::new(Method::Get, "https://h/x"))
    }

    #[test]
    fn a_call_is_audited_under_the_tools_origin() {
        let def = ToolDef {
            name: "list_events",
            title: "",
            description: "",
            input_schema: "{}",
            provider: "google",
            operation_id: "calendar.events.list",
            annotations: Annotations::default(),
            response: ResponseRule::HttpStatus,
            build,
            output: None,
            spec_hash: "3f2a9c41d07e",
        };
        let context = for_call(&def, &AuditContext::new());
        let pairs: Vec<(&str, &str)> = context.iter().collect();
        assert_eq!(
            pairs,
            [
                ("tool", "list_events"),
                ("provider", "google"),
                ("operation", "calendar.events.list"),
                ("spec", "3f2a9c41d07e"),
            ]
        );
    }
}
