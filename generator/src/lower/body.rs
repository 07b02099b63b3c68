//! Request bodies: `application/json` only; an object body becomes fields, anything else
//! one `body` field.

use openapiv3::{ReferenceOr, RequestBody};

use super::Lowerer;
use super::schema::View;
use crate::diagnostic::child;
use crate::ir::{self, Body, Kind, TypeKind};

impl<'d> Lowerer<'d> {
    /// An `application/json` body: an object's properties become fields; anything else is one
    /// `body` field. Other media types are reported as not supported yet.
    pub(super) fn body(
        &mut self,
        body: &'d ReferenceOr<RequestBody>,
        pointer: &str,
        prefix: &str,
    ) -> Option<Body> {
        let (body, pointer) = self.resolve_request_body(body, pointer)?;
        if body.content.is_empty() {
            return None;
        }
        let Some((media_type, media)) = body.content.iter().find(|(k, _)| is_json(k)) else {
            // Some documents list dozens of media types; name a few.
            let mut types: Vec<String> = body
                .content
                .keys()
                .take(4)
                .map(|k| format!("`{k}`"))
                .collect();
            if body.content.len() > 4 {
                types.push(format!("{} more", body.content.len() - 4));
            }
            self.error(
                &format!("{pointer}/content"),
                format!("request body type {} is not supported yet", types.join(", ")),
                "only `application/json` bodies are supported; add an application/json media type if the API accepts JSON",
            );
            return None;
        };
        let at = format!(
            "{}/schema",
            child(&format!("{pointer}/content"), media_type)
        );
        let Some(schema) = &media.schema else {
            let schema = ir::Schema::of(Kind::Json(serde_json::json!({})));
            return Some(Body::Whole {
                schema,
                required: body.required,
                pointer: at,
            });
        };
        if let Some(properties) = self.object_body(schema, &at, prefix) {
            return Some(Body::Fields {
                properties,
                pointer: at,
            });
        }
        let schema = self.schema(schema.into(), &at, &format!("{prefix}Body"));
        Some(Body::Whole {
            schema,
            required: body.required,
            pointer: at,
        })
    }

    /// The properties of an object body, or `None` if the body is not an object with properties.
    fn object_body(
        &mut self,
        schema: &'d ReferenceOr<openapiv3::Schema>,
        at: &str,
        prefix: &str,
    ) -> Option<Vec<ir::Property>> {
        match schema {
            ReferenceOr::Item(inline) => {
                let view = View::of(inline);
                view.has_properties()
                    .then(|| self.properties(&view, at, prefix))
            }
            ReferenceOr::Reference { .. } => {
                let (target, _) = self.resolve_schema(schema.into(), at)?;
                if !View::of(target).has_properties() {
                    return None;
                }
                let lowered = self.schema(schema.into(), at, prefix);
                let Kind::Named(id) = lowered.kind else {
                    return None;
                };
                match self.types.get(id.0).map(|t| &t.kind) {
                    Some(TypeKind::Struct { properties, .. }) => Some(properties.clone()),
                    _ => None,
                }
            }
        }
    }
}

/// `application/json`, with parameters (`; charset=utf-8`) or a `+json` suffix.
pub(super) fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}
