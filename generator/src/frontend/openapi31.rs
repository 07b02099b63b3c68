//! OpenAPI 3.1 → OpenAPI 3.0.

use std::path::Path;

use serde_json::Value;

use super::Converted;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};

/// Rewrites a OpenAPI 3.1 document as OpenAPI 3.0.
pub fn convert(document: Value, file: &Path) -> Result<Converted, Diagnostics> {
    let _ = document;
    Err(Diagnostic::new(
        Location::file(file),
        "OpenAPI 3.1 documents are not supported yet",
    )
    .help("convert the document to OpenAPI 3.0")
    .into())
}
