//! Raw bodies: one value that is the whole body. Text media types (`text/plain`,
//! `message/rfc822`, XML, ...) take a string, sent as its UTF-8 bytes; any other type
//! (`application/octet-stream`, `image/png`, `*/*`) takes bytes as base64
//! (`contentEncoding: base64`), sent decoded. Where the document lists several types of the
//! class, or a range (`*/*`, `image/*`), the model may name the one it sends.

use openapiv3::RequestBody;
use serde_json::Value;

use super::Lowerer;
use super::body::Offered;
use super::media::{self, Class};
use super::view::View;
use crate::diagnostic::child;
use crate::ir::{Body, BodyEncoding, ContentTypeChoice, Kind, Schema};

impl<'d> Lowerer<'d> {
    /// The body as one `body` input of the first offered media type of `class`.
    pub(super) fn raw_body(
        &mut self,
        body: &'d RequestBody,
        class: Class,
        offered: &[Offered<'d>],
        content: &str,
    ) -> Body {
        let listed: Vec<String> = offered
            .iter()
            .filter(|o| o.class == class)
            .map(|o| o.media_type.trim().to_owned())
            .collect();
        let first = offered.iter().find(|o| o.class == class);
        let media_type = first.map_or("application/octet-stream", |o| o.media_type);
        let at = format!("{}/schema", child(content, media_type));
        let sent = media::concrete(media_type, class);
        let choose = listed.len() > 1 || listed.iter().any(|t| media::is_wildcard(t));
        let documented = first
            .and_then(|o| o.media.schema.as_ref())
            .and_then(|schema| self.resolve_schema(schema.into(), &at))
            .and_then(|(schema, _)| View::of(schema).data.description.clone())
            .or_else(|| body.description.clone());
        let documented = super::text(documented.as_deref());
        let mut schema = match class {
            Class::Text => Schema::of(Kind::String),
            _ => Schema::of(Kind::Bytes),
        };
        schema.description = Some(describe(class, &sent, documented));
        if class != Class::Text && !choose {
            schema
                .keywords
                .push(("contentMediaType".to_owned(), Value::String(sent.clone())));
        }
        Body::Whole {
            schema,
            required: body.required,
            pointer: at,
            encoding: BodyEncoding::Raw(sent),
            content_type: choose.then_some(ContentTypeChoice { listed }),
        }
    }
}

/// What the `body` input holds, before the document's own words.
fn describe(class: Class, media_type: &str, documented: Option<String>) -> String {
    let what = match class {
        Class::Text => format!("The request body, as `{media_type}` text."),
        _ => "The request body's bytes, base64-encoded.".to_owned(),
    };
    match documented {
        Some(text) => format!("{what} {text}"),
        None => what,
    }
}
