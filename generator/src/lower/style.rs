//! How query parameters and form fields holding arrays or objects are written: OpenAPI
//! `style` and `explode` → the runtime's `Style`, with combinations it cannot send reported.

use openapiv3::{Parameter, PathStyle, QueryStyle};

use super::Lowerer;
use crate::ir::{Param, Style};

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
            Parameter::Query { style, .. } => lowered.style = query_style(style, data.explode),
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
}

/// The style of a query value or form field. `explode` is `None` when the document leaves it
/// out.
pub(super) fn query_style(style: &QueryStyle, explode: Option<bool>) -> Style {
    let joined = |style| {
        if explode == Some(true) {
            Style::Form
        } else {
            style
        }
    };
    match style {
        QueryStyle::Form if explode == Some(false) => Style::FormJoined,
        QueryStyle::Form => Style::Form,
        // OpenAPI 3.1.1: exploded, these are the same as `form` (repeated keys).
        QueryStyle::SpaceDelimited => joined(Style::SpaceDelimited),
        QueryStyle::PipeDelimited => joined(Style::PipeDelimited),
        // OpenAPI defines `deepObject` for objects only; the APIs that use it on arrays and
        // scalars too (Stripe's `expand`, `created`) follow the bracket convention the runtime
        // writes for any shape: `a[k]=x`, `a[0]=y`, `a[k][0]=z`, a scalar as `a=1`.
        QueryStyle::DeepObject => Style::DeepObject,
    }
}
