//! The body settings of a tool: which encoding it is sent in (the document's, or JSON where
//! the allowlist's `body_encoding = "json"` applies), the check that a tool's own setting can
//! apply, and the `content_type` input of a raw body offered in several media types.

use super::{BodyEncodingSetting, Candidate, ToolApplier};
use crate::allowlist::{Allowlist, ToolEntry};
use crate::diagnostic::{Diagnostic, Location};
use crate::ir::{
    Body, BodyEncoding, ContentTypeChoice, Input, InputValue, Kind, Operation, Target,
};

impl ToolApplier<'_> {
    /// A tool's own `body_encoding = "json"` on an operation without a form body would
    /// silently do nothing; on a multipart body with files it cannot be honoured.
    pub(super) fn check_body_encoding(&mut self) {
        let form = matches!(
            &self.operation.body,
            Some(Body::Fields { encoding, .. } | Body::Whole { encoding, .. })
                if matches!(encoding, BodyEncoding::Form | BodyEncoding::Multipart)
        );
        let own = self.entry.body_encoding == Some(BodyEncodingSetting::Json);
        if let (true, Some(file)) = (own, self.operation.body.as_ref().and_then(file_field)) {
            let diagnostic = Diagnostic::new(
                self.key(".body_encoding"),
                format!(
                    "`body_encoding = \"json\"` cannot send `{}`: its multipart field `{file}` is a file, which JSON cannot carry",
                    self.operation.operation.display_id()
                ),
            )
            .related(Location::pointer(
                self.spec,
                &self.operation.operation.pointer,
            ))
            .help("remove `body_encoding` (the tool then needs ALTER_MCP_MODE=retrieve), or use an operation of the API that takes JSON");
            self.out.push(diagnostic);
            return;
        }
        if own && !form {
            let diagnostic = Diagnostic::new(
                self.key(".body_encoding"),
                format!(
                    "`body_encoding = \"json\"` has no effect: `{}` has no form or multipart body",
                    self.operation.operation.display_id()
                ),
            )
            .related(Location::pointer(
                self.spec,
                &self.operation.operation.pointer,
            ))
            .help("remove `body_encoding`");
            self.out.push(diagnostic);
        }
    }
}

/// The document's body encoding, unless the allowlist says `body_encoding = "json"` (the
/// tool's setting first, then the top-level one) for a form or multipart body without files.
pub(super) fn body_encoding(
    allowlist: &Allowlist,
    entry: &ToolEntry,
    operation: &Operation,
) -> BodyEncoding {
    let setting = entry.body_encoding.or(allowlist.file.body_encoding);
    let Some(Body::Fields { encoding, .. } | Body::Whole { encoding, .. }) = &operation.body else {
        return BodyEncoding::Json;
    };
    let form = matches!(encoding, BodyEncoding::Form | BodyEncoding::Multipart);
    let files = operation.body.as_ref().and_then(file_field).is_some();
    if form && !files && setting == Some(BodyEncodingSetting::Json) {
        return BodyEncoding::Json;
    }
    encoding.clone()
}

/// The first file field of a multipart body (a free-form body of files: `body`).
fn file_field(body: &Body) -> Option<&str> {
    match body {
        Body::Fields { properties, .. } => properties
            .iter()
            .find(|p| p.schema.kind.is_file())
            .map(|p| p.name.as_str()),
        Body::Whole { schema, .. } => match &schema.kind {
            Kind::Map(values) if values.kind.is_file() => Some("body"),
            _ => None,
        },
    }
}

/// The `content_type` input of a raw body whose document lists several media types or a
/// range: sent as the `Content-Type`, `sent` when the model leaves it out.
pub(super) fn content_type_candidate(
    choice: &ContentTypeChoice,
    sent: &str,
    pointer: &str,
) -> Candidate {
    let listed: Vec<String> = choice.listed.iter().map(|t| format!("`{t}`")).collect();
    let mut schema = crate::ir::Schema::of(Kind::String);
    schema.description = Some(format!(
        "The media type of `body` (its `Content-Type`); the API takes {}. Default: `{sent}`.",
        listed.join(", ")
    ));
    Candidate {
        input: Input {
            wire_name: "Content-Type".to_owned(),
            target: Target::ContentType,
            schema,
            value: InputValue::Model {
                name: "content_type".to_owned(),
                required: false,
                default: None,
            },
            json: false,
        },
        pointer: pointer
            .strip_suffix("/schema")
            .unwrap_or(pointer)
            .to_owned(),
        named: false,
    }
}
