//! How query parameters and form fields holding arrays or objects are written: OpenAPI
//! `style` and `explode` → the runtime's `Style`, with combinations it cannot send reported.

use openapiv3::{Parameter, PathStyle, QueryStyle};

use super::Lowerer;
use crate::ir::{self, Kind, Param, Style, TypeKind};

impl Lowerer<'_> {
    /// The parameter's `style`/`explode` (query) or reserved expansion (path) applied to its
    /// lowered form; `None` (reported) when it cannot be sent as the document says.
    pub(super) fn serialization(&mut self, param: &Parameter, mut lowered: Param) -> Option<Param> {
        let data = param.parameter_data_ref();
        if lowered.json {
            // JSON text is one value: no style applies, and `content` excludes `style`.
            return Some(lowered);
        }
        match param {
            Parameter::Query { style, .. } => {
                let at = format!("{}/style", lowered.pointer);
                lowered.style =
                    self.style(style, data.explode, &lowered.schema, &data.name, &at)?;
            }
            Parameter::Path { style, .. } => {
                if *style != PathStyle::Simple {
                    let at = format!("{}/style", lowered.pointer);
                    self.error(
                        &at,
                        format!(
                            "path parameter `{}` has `style: {}`, which is not supported",
                            data.name,
                            if *style == PathStyle::Label {
                                "label"
                            } else {
                                "matrix"
                            }
                        ),
                        "use `style: simple` (the default)",
                    );
                    return None;
                }
                lowered.reserved = data
                    .extensions
                    .get("x-alter-reserved")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
            }
            Parameter::Header { .. } | Parameter::Cookie { .. } => {}
        }
        Some(lowered)
    }

    /// The style of a query value or form field; `None` (reported at `at`) when the
    /// combination cannot be sent. `explode` is `None` when the document leaves it out.
    pub(super) fn style(
        &mut self,
        style: &QueryStyle,
        explode: Option<bool>,
        schema: &ir::Schema,
        name: &str,
        at: &str,
    ) -> Option<Style> {
        let joined = |style| {
            if explode == Some(true) {
                Style::Form
            } else {
                style
            }
        };
        match style {
            QueryStyle::Form if explode == Some(false) => Some(Style::FormJoined),
            QueryStyle::Form => Some(Style::Form),
            // OpenAPI 3.1.1: exploded, these are the same as `form` (repeated keys).
            QueryStyle::SpaceDelimited => Some(joined(Style::SpaceDelimited)),
            QueryStyle::PipeDelimited => Some(joined(Style::PipeDelimited)),
            QueryStyle::DeepObject if self.is_object(schema) => Some(Style::DeepObject),
            QueryStyle::DeepObject => {
                self.error(
                    at,
                    format!("`{name}` has `style: deepObject`, which is defined for objects only, but its schema is not an object"),
                    "use `style: form` for arrays and scalars, or give the parameter an object schema",
                );
                None
            }
        }
    }

    /// A struct, a map, or an untyped schema that says `type: object`.
    fn is_object(&self, schema: &ir::Schema) -> bool {
        match &schema.kind {
            Kind::Map(_) => true,
            Kind::Named(id) => matches!(
                self.types.get(id.0).map(|t| &t.kind),
                Some(TypeKind::Struct { .. })
            ),
            Kind::Json(value) => {
                value.get("type").and_then(|t| t.as_str()) == Some("object")
                    || value.get("properties").is_some()
                    || value.get("additionalProperties").is_some()
            }
            _ => false,
        }
    }
}
