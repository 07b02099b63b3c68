//! Request bodies: `application/json` (preferred), `application/x-www-form-urlencoded` and
//! text-only `multipart/form-data`. An object body becomes fields; a JSON body of any other
//! shape becomes one `body` field (form bodies of other shapes: `form.rs`). File uploads and
//! other media types are errors.

use openapiv3::{MediaType, ReferenceOr, RequestBody};

use super::Lowerer;
use super::form::FormShape;
use super::schema::View;
use crate::diagnostic::child;
use crate::ir::{self, Body, BodyEncoding, Kind, Style, TypeKind};

/// What to tell the author of a selected operation that uploads a file.
pub(super) const FILE_HELP: &str = "MCP tool arguments are JSON text, so generated tools cannot carry files: \
    drop the operation from the allowlist, give it a text field instead of the file in the \
    document, or upload files another way";

impl<'d> Lowerer<'d> {
    /// The operation's body: JSON first, then a form, then multipart. Other media types are
    /// reported (file uploads with their own explanation).
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
        let pick = |wanted: BodyEncoding| {
            body.content
                .iter()
                .find(|(k, _)| encoding_of(k) == Some(wanted))
        };
        let content = format!("{pointer}/content");
        if let Some((media_type, media)) = pick(BodyEncoding::Json) {
            let at = format!("{}/schema", child(&content, media_type));
            return Some(self.json_body(media, body, (at, &pointer), prefix));
        }
        let form = pick(BodyEncoding::Form).map(|m| (m, BodyEncoding::Form));
        let Some(((media_type, media), encoding)) =
            form.or_else(|| pick(BodyEncoding::Multipart).map(|m| (m, BodyEncoding::Multipart)))
        else {
            self.unsupported_body(body, &content);
            return None;
        };
        let at = format!("{}/schema", child(&content, media_type));
        let properties = match &media.schema {
            Some(schema) => self.object_body(schema, &at, prefix),
            None => None,
        };
        let mut properties = match properties {
            Some(properties) => properties,
            None => match self.form_shape(media.schema.as_ref(), &at, media_type, prefix)? {
                FormShape::Fields(properties) => properties,
                FormShape::Map(schema) => {
                    return Some(Body::Whole {
                        schema,
                        required: body.required,
                        pointer: at,
                        encoding,
                    });
                }
                // No fields at all: nothing to send.
                FormShape::Empty => return None,
            },
        };
        let styles = self.form_styles(media, &properties, encoding, &child(&content, media_type));
        self.required_properties(body, &mut properties, &pointer);
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
        }
    }

    /// No JSON or form media type: a file upload, or a media type we cannot send.
    fn unsupported_body(&mut self, body: &RequestBody, content: &str) {
        if let Some(media_type) = body.content.keys().find(|k| is_file_media(k)) {
            self.error(
                &child(content, media_type),
                format!("file uploads (`{media_type}` bodies) are not supported"),
                FILE_HELP,
            );
            return;
        }
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
            content,
            format!("request body type {} is not supported", types.join(", ")),
            "bodies can be application/json, application/x-www-form-urlencoded or \
             multipart/form-data; add one of these if the API accepts it",
        );
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

    /// Per-field styles of a form body (`encoding.<name>`), and file fields of a multipart one
    /// reported.
    fn form_styles(
        &mut self,
        media: &MediaType,
        properties: &[ir::Property],
        encoding: BodyEncoding,
        media_at: &str,
    ) -> Vec<(String, Style)> {
        if encoding == BodyEncoding::Multipart {
            for property in properties {
                let declared = media
                    .encoding
                    .get(&property.name)
                    .and_then(|e| e.content_type.as_deref());
                if is_file(&property.schema) || declared.is_some_and(|t| !is_text_part(t)) {
                    let at = format!("{media_at}/schema/properties/{}", escape(&property.name));
                    self.error(
                        &at,
                        format!(
                            "multipart field `{}` is a file; file uploads are not supported",
                            property.name
                        ),
                        FILE_HELP,
                    );
                }
            }
            return Vec::new();
        }
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

/// A JSON pointer segment (`~` and `/` escaped).
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The media type's essence, lower-case, without parameters.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Which encoding a media type asks for, if we can send it.
fn encoding_of(media_type: &str) -> Option<BodyEncoding> {
    match essence(media_type).as_str() {
        "application/x-www-form-urlencoded" => Some(BodyEncoding::Form),
        "multipart/form-data" => Some(BodyEncoding::Multipart),
        _ if is_json(media_type) => Some(BodyEncoding::Json),
        _ => None,
    }
}

/// Media types that carry a file's bytes.
fn is_file_media(media_type: &str) -> bool {
    let essence = essence(media_type);
    ["image/", "audio/", "video/", "font/"]
        .iter()
        .any(|p| essence.starts_with(p))
        || matches!(
            essence.as_str(),
            "application/octet-stream" | "application/pdf" | "application/zip" | "*/*"
        )
}

/// A multipart part type that is text we can send (`text/*`, JSON).
fn is_text_part(media_type: &str) -> bool {
    essence(media_type).starts_with("text/") || is_json(media_type)
}

/// A `format: binary` or `byte` string, or an array of them.
pub(super) fn is_file(schema: &ir::Schema) -> bool {
    match &schema.kind {
        Kind::String => matches!(schema.format.as_deref(), Some("binary" | "byte")),
        Kind::Array(inner) => is_file(inner),
        _ => false,
    }
}

/// `application/json`, with parameters (`; charset=utf-8`) or a `+json` suffix.
pub(super) fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}
