//! Form bodies (`application/x-www-form-urlencoded`, `multipart/form-data`) whose schema is
//! not an object with named properties: an `allOf` of objects, a free-form object, an empty
//! form, files (a multipart body that is one file or an array of files), or something else,
//! which is sent as the document says it as best it can be (never an error).

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::json;

use super::Lowerer;
use super::files;
use super::view::View;
use crate::ir::{self, BodyEncoding, Kind, TypeKind};

/// What a form body's schema amounts to.
pub(super) enum FormShape {
    /// Named fields (an `allOf` of objects, merged; the file field of a multipart body that
    /// is files).
    Fields(Vec<ir::Property>),
    /// A free-form object (`additionalProperties` only, no schema at all, or a shape no form
    /// can have): one input whose entries are the fields, each of this map's value type.
    Map(ir::Schema),
    /// A urlencoded body described as a string (or another scalar): the model writes the
    /// encoded text, sent as it is.
    Text,
    /// An object that allows no fields (`properties: {}, additionalProperties: false`).
    Empty,
}

impl<'d> Lowerer<'d> {
    /// The shape of a form body that [`Lowerer::object_body`] did not read as named fields.
    pub(super) fn form_shape(
        &mut self,
        schema: Option<&'d ReferenceOr<Schema>>,
        at: &str,
        (encoding, required): (&BodyEncoding, bool),
        prefix: &str,
    ) -> Option<FormShape> {
        // No schema: the form's fields are not described, so any may be sent.
        let Some(schema) = schema else {
            return Some(map_of(ir::Schema::of(Kind::Json(json!({}))), None));
        };
        let (target, _) = self.resolve_schema(schema.into(), at)?;
        let view = View::of(target);
        let multipart = *encoding == BodyEncoding::Multipart;
        let object = matches!(view.typ, None | Some("object"));
        let file = matches!(view.format.as_deref(), Some("binary" | "file"));
        let whole_file = file && matches!(view.typ, None | Some("string" | "object"));
        if multipart && (matches!(view.typ, Some("array")) || whole_file) {
            // Files without a field name (Jira describes its attachments as an array of
            // files): parts named `file`, the name such endpoints read.
            let lowered = self.schema(schema.into(), at, &format!("{prefix}Body"));
            return Some(FormShape::Fields(vec![files::unnamed(lowered, required)]));
        }
        if view.composite {
            // One of several shapes: any fields, as the model names them.
            let description = super::text(view.data.description.as_deref());
            return Some(map_of(ir::Schema::of(Kind::Json(json!({}))), description));
        }
        if !view.all_of.is_empty() {
            return Some(self.merged_form(schema, at, prefix));
        }
        if !object || !view.properties.is_empty() || !view.enumeration.is_empty() {
            return Some(match multipart {
                true => {
                    let lowered = self.schema(schema.into(), at, &format!("{prefix}Body"));
                    FormShape::Fields(vec![files::unnamed(lowered, required)])
                }
                false => FormShape::Text,
            });
        }
        Some(self.free_form(schema, &view, at, prefix))
    }

    /// An object without named properties: no fields (`additionalProperties: false`), or
    /// fields of any name, valued as `additionalProperties` says.
    fn free_form(
        &mut self,
        schema: &'d ReferenceOr<Schema>,
        view: &View<'d>,
        at: &str,
        prefix: &str,
    ) -> FormShape {
        let description = super::text(view.data.description.as_deref());
        match view.additional {
            Some(AdditionalProperties::Any(false)) => FormShape::Empty,
            // `{}`, `{type: object}`: any fields (JSON Schema's default).
            None | Some(AdditionalProperties::Any(true)) => {
                map_of(ir::Schema::of(Kind::Json(json!({}))), description)
            }
            Some(AdditionalProperties::Schema(_)) => {
                let lowered = self.schema(schema.into(), at, &format!("{prefix}Body"));
                match lowered.kind {
                    Kind::Map(value) => map_of(*value, lowered.description),
                    _ => map_of(ir::Schema::of(Kind::Json(json!({}))), description),
                }
            }
        }
    }

    /// An `allOf` form body: the merged object's properties, else any fields.
    fn merged_form(
        &mut self,
        schema: &'d ReferenceOr<Schema>,
        at: &str,
        prefix: &str,
    ) -> FormShape {
        let lowered = self.schema(schema.into(), at, &format!("{prefix}Body"));
        let properties = match lowered.kind {
            Kind::Named(id) => match self.types.get(id.0).map(|t| &t.kind) {
                Some(TypeKind::Struct { properties, .. }) if !properties.is_empty() => {
                    Some(properties.clone())
                }
                _ => None,
            },
            _ => None,
        };
        match properties {
            Some(properties) => FormShape::Fields(properties),
            None => map_of(ir::Schema::of(Kind::Json(json!({}))), lowered.description),
        }
    }
}

/// One free-form input whose entries are the form's fields.
fn map_of(value: ir::Schema, description: Option<String>) -> FormShape {
    let mut map = ir::Schema::of(Kind::Map(Box::new(value)));
    map.description = description.or_else(|| Some("The form's fields, by name.".to_owned()));
    FormShape::Map(map)
}
