//! Media types of request bodies: which way each one is sent, and which one of an operation's
//! list is picked (JSON first, then a form, multipart, text, and anything else as bytes).

use crate::ir::BodyEncoding;

/// How a body of some media type is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Class {
    /// `application/json`, `application/*+json`; also a wildcard (`*/*`) whose schema
    /// describes structured data.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// One string, sent as its UTF-8 text (`text/*`, `message/*`, XML, YAML, ...).
    Text,
    /// One value of bytes, given as base64 (`application/octet-stream`, `image/png`, `*/*`).
    Binary,
}

impl Class {
    /// The classes in order of preference.
    pub(super) const PREFERRED: [Class; 5] = [
        Class::Json,
        Class::Form,
        Class::Multipart,
        Class::Text,
        Class::Binary,
    ];

    /// The encoding of a body of this class sent as `media_type`.
    pub(super) fn encoding(self, media_type: &str) -> BodyEncoding {
        match self {
            Class::Json => BodyEncoding::Json,
            Class::Form => BodyEncoding::Form,
            Class::Multipart => BodyEncoding::Multipart,
            Class::Text | Class::Binary => BodyEncoding::Raw(media_type.to_owned()),
        }
    }
}

/// The class of `media_type`; `structured`: its schema describes an object or array (so a
/// wildcard type is sent as JSON rather than as bytes).
pub(super) fn class_of(media_type: &str, structured: bool) -> Class {
    let essence = essence(media_type);
    match essence.as_str() {
        "application/x-www-form-urlencoded" => Class::Form,
        "multipart/form-data" => Class::Multipart,
        _ if is_json(media_type) => Class::Json,
        _ if is_wildcard(media_type) && structured => Class::Json,
        _ if is_text(&essence) => Class::Text,
        _ => Class::Binary,
    }
}

/// The media type's essence, lower-case, without parameters.
pub(super) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `application/json`, with parameters (`; charset=utf-8`) or a `+json` suffix.
pub(super) fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// `*/*`, `image/*`, `*`: a range, not one type.
pub(super) fn is_wildcard(media_type: &str) -> bool {
    essence(media_type).contains('*')
}

/// Types whose content is text a model can write: `text/*` (with `text/*` itself), `message/*`
/// (`message/rfc822`), XML, YAML, and a few textual `application/` types.
fn is_text(essence: &str) -> bool {
    const TEXT: [&str; 9] = [
        "application/xml",
        "application/yaml",
        "application/x-yaml",
        "application/javascript",
        "application/ecmascript",
        "application/sql",
        "application/graphql",
        "application/x-ndjson",
        "application/csv",
    ];
    let suffix = essence.rsplit_once('+').map(|(_, s)| s);
    essence.starts_with("text/")
        || essence.starts_with("message/")
        || TEXT.contains(&essence)
        || matches!(suffix, Some("xml" | "yaml"))
}

/// A multipart part type that is text (`text/*`, JSON) rather than a file.
pub(super) fn is_text_part(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence.starts_with("text/") || is_json(media_type)
}

/// The `Content-Type` a raw body of `media_type` is sent with when the model names none: the
/// type itself, or for a range a type every server accepts for it.
pub(super) fn concrete(media_type: &str, class: Class) -> String {
    if !is_wildcard(media_type) {
        return media_type.trim().to_owned();
    }
    match class {
        Class::Text => "text/plain".to_owned(),
        _ => "application/octet-stream".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_classed() {
        let cases = [
            ("application/json; charset=utf-8", false, Class::Json),
            ("application/vnd.github+json", false, Class::Json),
            ("*/*", true, Class::Json),
            ("*/*", false, Class::Binary),
            ("application/x-www-form-urlencoded", false, Class::Form),
            ("Multipart/Form-Data", false, Class::Multipart),
            ("text/plain", false, Class::Text),
            ("text/x-markdown", false, Class::Text),
            ("message/rfc822", false, Class::Text),
            ("application/xml", true, Class::Text),
            ("application/atom+xml", false, Class::Text),
            ("application/octet-stream", false, Class::Binary),
            ("image/png", false, Class::Binary),
            ("multipart/related", false, Class::Binary),
            ("application/pdf", false, Class::Binary),
        ];
        for (media_type, structured, class) in cases {
            assert_eq!(class_of(media_type, structured), class, "{media_type}");
        }
        assert_eq!(
            concrete("image/*", Class::Binary),
            "application/octet-stream"
        );
        assert_eq!(concrete("text/*", Class::Text), "text/plain");
        assert_eq!(
            concrete("text/csv; charset=utf-8", Class::Text),
            "text/csv; charset=utf-8"
        );
    }
}
