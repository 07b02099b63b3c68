//! Form bodies (`application/x-www-form-urlencoded`, `multipart/form-data`) whose schema is
//! not an object with named properties: an `allOf` of objects, a free-form object, an empty
//! form, or something a form cannot be (reported at the schema).

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::json;

use super::Lowerer;
use super::body::{FILE_HELP, is_file};
use super::view::View;
use crate::ir::{self, Kind, TypeKind};

/// What a form body's schema amounts to.
pub(super) enum FormShape {
    /// Named fields (an `allOf` of objects, merged).
    Fields(Vec<ir::Property>),
    /// A free-form object (`additionalProperties` only, or no schema at all): one input whose
    /// entries are the fields, each of this map's value type.
    Map(ir::Schema),
    /// An object that allows no fields (`properties: {}, additionalProperties: false`).
    Empty,
}

impl<'d> Lowerer<'d> {
    /// The shape of a form body that [`Lowerer::object_body`] did not read as named fields;
    /// `None` (reported at `at`) when a form cannot carry it.
    pub(super) fn form_shape(
        &mut self,
        schema: Option<&'d ReferenceOr<Schema>>,
        at: &str,
        media_type: &str,
        prefix: &str,
    ) -> Option<FormShape> {
        // No schema: the form's fields are not described, so any may be sent.
        let Some(schema) = schema else {
            return Some(map_of(ir::Schema::of(Kind::Json(json!({}))), None));
        };
        let (target, target_at) = self.resolve_schema(schema.into(), at)?;
        let view = View::of(target);
        let file = matches!(view.format.as_deref(), Some("binary" | "byte" | "file"));
        if file && matches!(view.typ, None | Some("string" | "object")) {
            self.error(
                at,
                format!("the whole `{media_type}` body is a file; file uploads are not supported"),
                FILE_HELP,
            );
            return None;
        }
        if view.composite {
            self.error(
                at,
                format!("a `{media_type}` body that is one of several shapes (`oneOf`/`anyOf`) is not supported"),
                "describe the form's fields as one object (`{type: object, properties: {...}}`) \
                 holding every branch's fields, or drop the operation from the allowlist",
            );
            return None;
        }
        if !view.all_of.is_empty() {
            return self.merged_form(schema, at, media_type, prefix);
        }
        let object = matches!(view.typ, None | Some("object"));
        if !object || !view.properties.is_empty() || !view.enumeration.is_empty() {
            self.not_a_form(at, media_type, view.typ);
            return None;
        }
        self.free_form(schema, &view, (at, &target_at), media_type, prefix)
    }

    /// An object without named properties: no fields (`additionalProperties: false`), or
    /// fields of any name, valued as `additionalProperties` says.
    fn free_form(
        &mut self,
        schema: &'d ReferenceOr<Schema>,
        view: &View<'d>,
        (at, target_at): (&str, &str),
        media_type: &str,
        prefix: &str,
    ) -> Option<FormShape> {
        match view.additional {
            Some(AdditionalProperties::Any(false)) => Some(FormShape::Empty),
            // `{}`, `{type: object}`: any fields (JSON Schema's default).
            None | Some(AdditionalProperties::Any(true)) => {
                let description = super::text(view.data.description.as_deref());
                Some(map_of(ir::Schema::of(Kind::Json(json!({}))), description))
            }
            Some(AdditionalProperties::Schema(_)) => {
                let lowered = self.schema(schema.into(), at, &format!("{prefix}Body"));
                match lowered.kind {
                    Kind::Map(value) if is_file(&value) => {
                        self.error(
                            &format!("{target_at}/additionalProperties"),
                            format!("the fields of this `{media_type}` body are files; file uploads are not supported"),
                            FILE_HELP,
                        );
                        None
                    }
                    Kind::Map(value) => Some(map_of(*value, lowered.description)),
                    _ => {
                        self.not_a_form(at, media_type, view.typ);
                        None
                    }
                }
            }
        }
    }

    /// An `allOf` form body: the merged object's properties, checked for files like any
    /// other form's fields by the caller.
    fn merged_form(
        &mut self,
        schema: &'d ReferenceOr<Schema>,
        at: &str,
        media_type: &str,
        prefix: &str,
    ) -> Option<FormShape> {
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
            Some(properties) => Some(FormShape::Fields(properties)),
            None => {
                self.error(
                    at,
                    format!("the `allOf` of this `{media_type}` body does not merge into one object with properties"),
                    "describe the form's fields as `{type: object, properties: {...}}`",
                );
                None
            }
        }
    }

    fn not_a_form(&mut self, at: &str, media_type: &str, typ: Option<&str>) {
        let what = typ.map_or("not an object".to_owned(), |t| format!("a `{t}`"));
        self.error(
            at,
            format!("a `{media_type}` body must be an object of fields, but its schema is {what}"),
            "describe the form's fields as `{type: object, properties: {...}}` (or \
             `additionalProperties` for free-form fields), or drop the operation from the \
             allowlist",
        );
    }
}

/// One free-form input whose entries are the form's fields.
fn map_of(value: ir::Schema, description: Option<String>) -> FormShape {
    let mut map = ir::Schema::of(Kind::Map(Box::new(value)));
    map.description = description.or_else(|| Some("The form's fields, by name.".to_owned()));
    FormShape::Map(map)
}
