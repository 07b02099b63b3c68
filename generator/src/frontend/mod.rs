//! Front ends: every document format we read becomes one OpenAPI 3.0 document, plus a map back
//! to where each part came from, so a problem found later still points into the user's file.
//!
//! OpenAPI 3.0 is read as it is (typed, straight from the text). OpenAPI 3.1, Swagger 2.0 and
//! Google Discovery documents are rewritten as JSON into their OpenAPI 3.0 equivalent
//! (`openapi31.rs`, `swagger2/`, `discovery/`), then checked part by part (`guard.rs`);
//! whatever they cannot express is a diagnostic pointing at the original node, never a
//! silently dropped part.

pub(crate) mod dialect;
mod discovery;
mod guard;
mod normalize;
mod openapi31;
mod origins;
mod swagger2;

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::input::{self, Source};
pub use origins::Origins;

/// The document formats, detected from the document's own version fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    OpenApi30,
    OpenApi31,
    Swagger2,
    Discovery,
}

impl SourceFormat {
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::OpenApi30 => "OpenAPI 3.0",
            SourceFormat::OpenApi31 => "OpenAPI 3.1",
            SourceFormat::Swagger2 => "Swagger 2.0",
            SourceFormat::Discovery => "Google Discovery",
        }
    }
}

/// A document rewritten as OpenAPI 3.0.
#[derive(Debug)]
pub struct Converted {
    /// The OpenAPI 3.0 document, as JSON.
    pub document: Value,
    /// Converted JSON pointer → the original document's.
    pub origins: Origins,
}

/// The version fields, read first so each format goes to its own front end.
#[derive(Debug, Deserialize)]
struct VersionProbe {
    #[serde(default)]
    openapi: Option<Value>,
    #[serde(default)]
    swagger: Option<Value>,
    #[serde(default)]
    kind: Option<Value>,
    #[serde(default, rename = "discoveryVersion")]
    discovery_version: Option<Value>,
}

/// Which format `source` is, from its `openapi`, `swagger` or `kind`/`discoveryVersion` field.
pub fn detect(source: &Source) -> Result<SourceFormat, Diagnostic> {
    let probe: VersionProbe = input::parse(source)?;
    let at = |pointer: &str| Location::pointer(&source.path, pointer);
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    if let Some(version) = &probe.openapi {
        let version = text(version);
        return if version.starts_with("3.0") {
            Ok(SourceFormat::OpenApi30)
        } else if version.starts_with("3.1") {
            Ok(SourceFormat::OpenApi31)
        } else {
            Err(
                Diagnostic::new(at("/openapi"), format!("OpenAPI {version} is not supported"))
                    .help("alter-mcp-gen reads OpenAPI 3.0.x and 3.1.x, Swagger 2.0 and Google Discovery documents"),
            )
        };
    }
    if let Some(version) = &probe.swagger {
        let version = text(version);
        return if version == "2.0" {
            Ok(SourceFormat::Swagger2)
        } else {
            Err(Diagnostic::new(
                at("/swagger"),
                format!("Swagger {version} is not supported"),
            )
            .help("alter-mcp-gen reads Swagger 2.0; convert older documents to OpenAPI 3.0"))
        };
    }
    let discovery_kind = probe
        .kind
        .as_ref()
        .and_then(Value::as_str)
        .is_some_and(|k| k == "discovery#restDescription");
    if discovery_kind || probe.discovery_version.is_some() {
        return Ok(SourceFormat::Discovery);
    }
    Err(Diagnostic::new(
        Location::file(&source.path),
        "not an API description: no `openapi`, `swagger` or Discovery `kind` field",
    )
    .help("give an OpenAPI 3.0/3.1 (`openapi: \"3.0.3\"`), Swagger 2.0 (`swagger: \"2.0\"`) or Google Discovery document"))
}

/// A document as the lowerer reads it: OpenAPI 3.0, either the user's own text or another
/// format converted.
#[derive(Debug)]
pub struct OpenApi30 {
    /// The format the user's file is in.
    pub format: SourceFormat,
    /// `None` for an OpenAPI 3.0 document (its text is parsed as it is).
    pub converted: Option<Converted>,
}

/// The format front end: detects the document's format and rewrites any other than
/// OpenAPI 3.0 as OpenAPI 3.0.
pub fn to_openapi30(source: &Source) -> Result<OpenApi30, Diagnostics> {
    let format = detect(source)?;
    let converted = match format {
        SourceFormat::OpenApi30 => None,
        _ => Some(convert(source, format)?),
    };
    Ok(OpenApi30 { format, converted })
}

/// Rewrites a document of a format other than OpenAPI 3.0 as OpenAPI 3.0.
pub fn convert(source: &Source, format: SourceFormat) -> Result<Converted, Diagnostics> {
    let document: Value = input::parse_value(source)?;
    let file = source.path.as_path();
    match format {
        SourceFormat::OpenApi30 => Ok(Converted {
            document,
            origins: Origins::default(),
        }),
        SourceFormat::OpenApi31 => openapi31::convert(document, file),
        SourceFormat::Swagger2 => swagger2::convert(document, file),
        SourceFormat::Discovery => discovery::convert(document, file),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn source(text: &str) -> Source {
        Source {
            path: PathBuf::from("api.yaml"),
            text: text.to_owned(),
        }
    }

    #[test]
    fn formats_are_detected_from_their_version_fields() {
        let cases = [
            ("openapi: 3.0.3", SourceFormat::OpenApi30),
            ("openapi: '3.1.0'", SourceFormat::OpenApi31),
            ("swagger: '2.0'", SourceFormat::Swagger2),
            ("kind: discovery#restDescription", SourceFormat::Discovery),
            ("discoveryVersion: v1", SourceFormat::Discovery),
        ];
        for (text, format) in cases {
            assert_eq!(detect(&source(text)).expect(text), format, "{text}");
        }
    }

    #[test]
    fn other_versions_are_refused_with_what_is_read() {
        let error = detect(&source("openapi: 4.0.0")).unwrap_err();
        assert!(error.message.contains("4.0.0"), "{error}");
        let error = detect(&source("swagger: '1.2'")).unwrap_err();
        assert!(error.message.contains("1.2"), "{error}");
        let error = detect(&source("info: {}")).unwrap_err();
        assert!(error.message.contains("not an API description"), "{error}");
    }
}
