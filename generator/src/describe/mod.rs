//! Titles and descriptions the model reads, between lowering and emission: the document's text
//! cleaned and capped ([`clean`]), or the allowlist's own text rendered as a template
//! ([`template`]). Allowlist text is never capped: its author chose it.

mod clean;
pub mod hidden;
mod template;

pub use clean::{cap, clean};
pub use template::{Context, ParamContext, render};

use crate::ir::{Schema, TypeSpace};

/// Default longest tool description taken from a document, in characters.
pub const DESCRIPTION_MAX: usize = 600;
/// Default longest parameter (and nested field) description taken from a document.
pub const PARAM_DESCRIPTION_MAX: usize = 300;
/// Longest title derived from a summary: a title is a label, not a paragraph.
pub const TITLE_MAX: usize = 80;

/// The caps one tool uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub description: usize,
    pub param: usize,
}

/// The title a summary gives: its first line, cleaned and capped; `None` if empty.
pub fn title_from_summary(summary: &str) -> Option<String> {
    let cleaned = clean(summary);
    let first = cleaned.lines().next().unwrap_or("").trim();
    (!first.is_empty()).then(|| cap(first.trim_end_matches('.'), TITLE_MAX))
}

/// The tool description a document gives: summary and description cleaned, the summary left
/// out when the description starts with it, capped at `max`.
pub fn from_document(summary: &str, description: &str, max: usize) -> String {
    let (summary, detail) = (clean(summary), clean(description));
    let text = if detail.starts_with(&summary) {
        detail
    } else if detail.is_empty() {
        summary
    } else {
        format!("{summary}\n\n{detail}")
    };
    cap(&text, max)
}

/// A parameter or field description from the document, cleaned and capped.
pub fn field(description: Option<&str>, max: usize) -> Option<String> {
    description
        .map(|text| cap(&clean(text), max))
        .filter(|text| !text.is_empty())
}

/// Cleans and caps the descriptions of a schema in place (not of the named types it mentions);
/// its items' and values' descriptions, and the text of a schema kept as JSON, lose their
/// hidden characters.
pub fn schema(schema: &mut Schema, max: usize) {
    schema.description = field(schema.description.as_deref(), max);
    nested(schema);
}

fn nested(schema: &mut Schema) {
    use crate::ir::Kind;
    match &mut schema.kind {
        Kind::Array(inner) | Kind::Map(inner) => {
            inner.description = inner.description.as_deref().map(hidden::strip);
            nested(inner);
        }
        Kind::Json(raw) => {
            hidden::strip_json_text(raw);
        }
        _ => {}
    }
}

/// Cleans and caps every description in the shared types (their fields appear in the input
/// schemas' `$defs`).
pub fn types(types: &mut TypeSpace, max: usize) {
    use crate::ir::TypeKind;
    for def in &mut types.types {
        def.description = field(def.description.as_deref(), max);
        match &mut def.kind {
            TypeKind::Struct {
                properties,
                additional,
            } => {
                for property in properties {
                    schema(&mut property.schema, max);
                }
                if let Some(additional) = additional {
                    schema(additional, max);
                }
            }
            TypeKind::Union { variants, .. } => {
                for variant in variants {
                    schema(&mut variant.schema, max);
                }
            }
            TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_descriptions_join_clean_and_cap() {
        assert_eq!(
            from_document("List events", "Returns events. See [x](#x) below.", 600),
            "List events\n\nReturns events."
        );
        assert_eq!(
            from_document("Deletes a message.", "Deletes a message.", 600),
            "Deletes a message."
        );
        assert_eq!(from_document("", "One. Two three four.", 12), "One. Two…");
        assert_eq!(
            title_from_summary("Create an <em>event</em>.\nMore"),
            Some("Create an event".into())
        );
        assert_eq!(field(Some("Optional."), 10), None);
    }
}
