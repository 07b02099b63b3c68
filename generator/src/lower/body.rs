//! Request bodies. One of the operation's media types is picked (`media.rs`): JSON first
//! (also a wildcard `*/*` whose schema describes structured data), then a form, multipart,
//! text, and any other type as bytes. An object body becomes fields (multipart file fields:
//! `files.rs`); a JSON body of another shape is one `body` field; form bodies of other shapes:
//! `form.rs`; text and binary bodies: `raw.rs`. No media type makes an operation fail.

use openapiv3::{MediaType, ReferenceOr, RequestBody};

use super::Lowerer;
use super::form::FormShape;
use super::media::{self, Class};
use super::types::View;
use crate::diagnostic::child;
use crate::ir::{self, Body, BodyEncoding, Kind, Style, TypeKind};

pub(super) use super::media::is_json;

/// One media type of a body, classed.
pub(super) struct Offered<'d> {
    pub(super) class: Class,
    pub(super) media_type: &'d str,
    pub(super) media: &'d MediaType,
}

impl<'d> Lowerer<'d> {
    /// The operation's body, sent as the most preferred class of media type it offers.
    pub(super) fn body(
        &mut self,
        body: &'d ReferenceOr<RequestBody>,
        pointer: &str,
        prefix: &str,
    ) -> Option<Body> {
        let (body, pointer) = self.resolve_request_body(body, pointer)?;
        let content = format!("{pointer}/content");
        let offered: Vec<Offered<'d>> = body
            .content
            .iter()
            .map(|(media_type, media)| Offered {
                class: self.class_of(media_type, media, &child(&content, media_type)),
                media_type,
                media,
            })
            .collect();
        let class = Class::PREFERRED
            .into_iter()
            .find(|class| offered.iter().any(|o| o.class == *class))?;
        let chosen = offered.iter().find(|o| o.class == class)?;
        let media_at = child(&content, chosen.media_type);
        match class {
            Class::Json => {
                let at = format!("{media_at}/schema");
                Some(self.json_body(chosen.media, body, (at, &pointer), prefix))
            }
            Class::Form | Class::Multipart => {
                let encoding = class.encoding(chosen.media_type);
                self.form_body(body, chosen, (&media_at, &pointer), encoding, prefix)
            }
            Class::Text | Class::Binary => Some(self.raw_body(body, class, &offered, &content)),
        }
    }

    /// A media type's class; a wildcard counts as JSON when its schema is structured.
    fn class_of(&mut self, media_type: &str, media: &'d MediaType, at: &str) -> Class {
        let structured = media::is_wildcard(media_type)
            && media.schema.as_ref().is_some_and(|schema| {
                self.resolve_schema(schema.into(), &format!("{at}/schema"))
                    .is_some_and(|(target, _)| {
                        let view = View::of(target);
                        matches!(view.typ, Some("object" | "array"))
                            || view.has_properties()
                            || view.composite
                            || !view.all_of.is_empty()
                    })
            });
        media::class_of(media_type, structured)
    }

    /// A form or multipart body: its fields, or one input for a body of another shape.
    fn form_body(
        &mut self,
        body: &'d RequestBody,
        chosen: &Offered<'d>,
        (media_at, pointer): (&str, &str),
        encoding: BodyEncoding,
        prefix: &str,
    ) -> Option<Body> {
        let at = format!("{media_at}/schema");
        let media = chosen.media;
        let properties = match &media.schema {
            Some(schema) => self.object_body(schema, &at, prefix),
            None => None,
        };
        let mut properties = match properties {
            Some(properties) => properties,
            None => match self.form_shape(
                media.schema.as_ref(),
                &at,
                (&encoding, body.required),
                prefix,
            )? {
                FormShape::Fields(properties) => properties,
                FormShape::Map(mut schema) => {
                    if encoding == BodyEncoding::Multipart {
                        super::files::map_values(&mut schema);
                    }
                    return Some(Body::Whole {
                        schema,
                        required: body.required,
                        pointer: at,
                        encoding,
                        content_type: None,
                    });
                }
                FormShape::Text => {
                    let offered = [Offered {
                        class: Class::Text,
                        ..*chosen
                    }];
                    let content = pointer_parent(media_at);
                    return Some(self.raw_body(body, Class::Text, &offered, &content));
                }
                // No fields at all: nothing to send.
                FormShape::Empty => return None,
            },
        };
        let styles = match encoding {
            BodyEncoding::Multipart => {
                super::files::file_fields(media, &mut properties);
                Vec::new()
            }
            _ => self.form_styles(media, &properties),
        };
        self.required_properties(body, &mut properties, pointer);
        Some(Body::Fields {
            properties,
            pointer: at,
            encoding,
            styles,
        })
    }

    /// An `application/json` body: an object's properties become fields; anything else is
    /// one `body` field.
    fn json_body(
        &mut self,
        media: &'d MediaType,
        body: &'d RequestBody,
        (at, pointer): (String, &str),
        prefix: &str,
    ) -> Body {
        let Some(schema) = &media.schema else {
            let schema = ir::Schema::of(Kind::Json(serde_json::json!({})));
            return Body::Whole {
                schema,
                required: body.required,
                pointer: at,
                encoding: BodyEncoding::Json,
                content_type: None,
            };
        };
        if let Some(mut properties) = self.object_body(schema, &at, prefix) {
            self.required_properties(body, &mut properties, pointer);
            return Body::Fields {
                properties,
                pointer: at,
                encoding: BodyEncoding::Json,
                styles: Vec::new(),
            };
        }
        let schema = self.schema(schema.into(), &at, &format!("{prefix}Body"));
        Body::Whole {
            schema,
            required: body.required,
            pointer: at,
            encoding: BodyEncoding::Json,
            content_type: None,
        }
    }

    /// `x-alter-required-properties` on the request body: properties this operation requires
    /// although the shared schema does not (Discovery's per-method `required`).
    fn required_properties(
        &mut self,
        body: &RequestBody,
        properties: &mut [ir::Property],
        pointer: &str,
    ) {
        let Some(listed) = body.extensions.get("x-alter-required-properties") else {
            return;
        };
        let at = format!("{pointer}/x-alter-required-properties");
        let Some(names) = listed.as_array() else {
            self.error(
                &at,
                "`x-alter-required-properties` is not a list",
                "give a list of property names",
            );
            return;
        };
        for (i, name) in names.iter().enumerate() {
            let found = properties
                .iter_mut()
                .find(|p| Some(p.name.as_str()) == name.as_str());
            match found {
                Some(property) => property.required = true,
                None => self.error(
                    &format!("{at}/{i}"),
                    format!(
                        "`x-alter-required-properties` names {name}, which the body does not have"
                    ),
                    "list only property names of the request body's schema",
                ),
            }
        }
    }

    /// Per-field styles of a form body (`encoding.<name>`).
    fn form_styles(
        &mut self,
        media: &MediaType,
        properties: &[ir::Property],
    ) -> Vec<(String, Style)> {
        let mut styles = Vec::new();
        for (name, spec) in &media.encoding {
            if !properties.iter().any(|p| &p.name == name) {
                continue;
            }
            // openapiv3 reads a missing `explode` as false; only an entry that sets nothing
            // else is taken to mean `explode: false` without a `style`.
            let bare =
                spec.content_type.is_none() && spec.headers.is_empty() && !spec.allow_reserved;
            let style = match &spec.style {
                Some(style) => style,
                None if bare && !spec.explode => &openapiv3::QueryStyle::Form,
                None => continue,
            };
            let style = super::style::query_style(style, Some(spec.explode));
            if style != Style::Form {
                styles.push((name.clone(), style));
            }
        }
        styles
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

/// The pointer one level up (`.../content/text~1plain` → `.../content`).
fn pointer_parent(pointer: &str) -> String {
    pointer
        .rsplit_once('/')
        .map_or_else(String::new, |(parent, _)| parent.to_owned())
}
