//! Build warnings about how tools will travel: a body Alter's proxy cannot forward (it carries
//! JSON bodies only, protocol §4), so the tool works only in retrieve mode. Printed by
//! `build.rs` as `cargo:warning` and by the CLI on standard error, like deprecations.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::{Api, BodyEncoding, InputValue, Kind, Target, Tool};

/// A warning per tool whose body the proxy cannot forward.
pub fn bodies(api: &Api, spec: &Path) -> Diagnostics {
    let mut warnings = Diagnostics::new();
    for tool in &api.tools {
        if let Some(warning) = body(tool, spec) {
            warnings.push(warning);
        }
    }
    warnings
}

/// The media type of a tool's body when Alter's proxy cannot forward it, and what it holds
/// (`fields`, `files`, `text` or `bytes`); `None` for a JSON body or none.
pub fn retrieve_only(tool: &Tool) -> Option<(&str, &'static str)> {
    let body_inputs: Vec<_> = tool
        .inputs
        .iter()
        .filter(|i| matches!(i.target, Target::Body | Target::BodyField(_)))
        .collect();
    if body_inputs.is_empty() || tool.body_encoding.proxy_can_carry() {
        return None;
    }
    let files = body_inputs.iter().any(|input| {
        matches!(input.value, InputValue::Model { .. })
            && match &input.schema.kind {
                Kind::Map(values) => values.kind.is_file(),
                kind => kind.is_file(),
            }
    });
    let (media_type, what) = match &tool.body_encoding {
        BodyEncoding::Raw(media_type) => {
            let bytes = body_inputs.iter().any(|i| i.schema.kind == Kind::Bytes);
            let what = if bytes { "bytes" } else { "text" };
            (media_type.as_str(), what)
        }
        other if files => (media_type_of(other), "files"),
        other => (media_type_of(other), "fields"),
    };
    Some((media_type, what))
}

fn body(tool: &Tool, spec: &Path) -> Option<Diagnostic> {
    let (media_type, what) = retrieve_only(tool)?;
    let location = Location::pointer(spec, format!("{}/requestBody", tool.pointer));
    let message = format!(
        "tool `{}` sends a body of type `{media_type}` ({what}), which Alter's proxy cannot \
         forward (it carries JSON bodies only): in proxy mode, the default, the tool answers \
         with an error and sends nothing",
        tool.name
    );
    let warning = if tool.annotations.destructive {
        Diagnostic::new(
            location,
            format!("{message}; the tool is destructive, so it always goes through the proxy"),
        )
        .help("if the call is not destructive, set `destructive = false` for the tool in the allowlist so that retrieve mode can send it; else leave the tool out")
    } else if what == "fields" {
        Diagnostic::new(location, message).help(
            "set `body_encoding = \"json\"` in the allowlist if the API also accepts JSON (Slack's \
             Web API does), or run the server with ALTER_MCP_MODE=retrieve",
        )
    } else {
        Diagnostic::new(location, message).help(
            "run the server with ALTER_MCP_MODE=retrieve, where the runtime calls the provider itself",
        )
    };
    Some(warning)
}

fn media_type_of(encoding: &BodyEncoding) -> &str {
    match encoding {
        BodyEncoding::Json => "application/json",
        BodyEncoding::Form => "application/x-www-form-urlencoded",
        BodyEncoding::Multipart => "multipart/form-data",
        BodyEncoding::Raw(media_type) => media_type,
    }
}
