//! Parameters: path-item and operation parameters merged, `$ref`s resolved, credentials
//! left to Alter, and the path template checked against them.

use openapiv3::{Parameter, ParameterData, ParameterSchemaOrContent, PathItem};

use super::body::is_json;
use super::credentials::Carrier;
use super::{Lowerer, text};
use crate::diagnostic::{Diagnostic, child};
use crate::ir::{OmitReason, Omitted, Param, ParamIn, Style};
use crate::naming;

impl<'d> Lowerer<'d> {
    /// Path-item parameters merged with the operation's (the operation's win), `$ref`s
    /// resolved; credentials and transport parameters are returned apart, with their reasons.
    pub(super) fn params(
        &mut self,
        item: &'d PathItem,
        op: &'d openapiv3::Operation,
        item_pointer: &str,
        pointer: &str,
        prefix: &str,
    ) -> (Vec<Param>, Vec<Omitted>) {
        let merged = self.merged(item, op, item_pointer, pointer);
        let mut params = Vec::new();
        let mut omitted = Vec::new();
        for (param, at) in merged {
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } => ParamIn::Path,
                Parameter::Query { .. } => ParamIn::Query,
                Parameter::Header { .. } => ParamIn::Header,
                Parameter::Cookie { .. } => {
                    self.error(
                        &at,
                        format!("cookie parameter `{}` is not supported", data.name),
                        "remove it from the operation, or send it as a header or query parameter",
                    );
                    continue;
                }
            };
            if let Some(reason) = self.omit_reason(op, Carrier::Param(location), &data.name) {
                omitted.push(Omitted {
                    name: data.name.clone(),
                    reason,
                });
                continue;
            }
            let lowered = self
                .param(data, location, at, prefix)
                .and_then(|lowered| self.serialization(param, lowered));
            match lowered {
                Some(param) => params.push(param),
                // Already reported; its placeholder is not missing on top of that.
                None if location == ParamIn::Path => self.unusable.push(data.name.clone()),
                None => {}
            }
        }
        (params, omitted)
    }

    /// Both lists resolved, in order; an operation parameter replaces the path item's
    /// parameter with the same name and location, in place.
    fn merged(
        &mut self,
        item: &'d PathItem,
        op: &'d openapiv3::Operation,
        item_pointer: &str,
        pointer: &str,
    ) -> Vec<(&'d Parameter, String)> {
        let mut merged: Vec<(&'d Parameter, String)> = Vec::new();
        let sources = [(&item.parameters, item_pointer), (&op.parameters, pointer)];
        for (list, base) in sources {
            for (i, param) in list.iter().enumerate() {
                let at = format!("{base}/parameters/{i}");
                let Some((param, at)) = self.resolve_parameter(param, &at) else {
                    continue;
                };
                let key = |p: &Parameter| (location_name(p), p.parameter_data_ref().name.clone());
                match merged.iter_mut().find(|(m, _)| key(m) == key(param)) {
                    Some(slot) => *slot = (param, at),
                    None => merged.push((param, at)),
                }
            }
        }
        merged
    }

    fn param(
        &mut self,
        data: &'d ParameterData,
        location: ParamIn,
        at: String,
        prefix: &str,
    ) -> Option<Param> {
        let (schema, schema_at, json) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => (schema, format!("{at}/schema"), false),
            ParameterSchemaOrContent::Content(content) => {
                // `content: {text/plain or */*: {schema}}` sends the value as it is, like
                // `schema`; a JSON media type sends the value's JSON text.
                let one = match content.iter().next() {
                    Some((media_type, media)) if content.len() == 1 => {
                        let at = format!("{}/schema", child(&format!("{at}/content"), media_type));
                        media
                            .schema
                            .as_ref()
                            .map(|schema| (schema, at, is_json(media_type)))
                    }
                    _ => None,
                };
                let Some(one) = one else {
                    self.error(
                        &format!("{at}/content"),
                        format!(
                            "parameter `{}` needs exactly one media type with a `schema` in `content`",
                            data.name
                        ),
                        "give `content` one entry such as `application/json: {schema: ...}`, or describe the parameter with `schema` instead",
                    );
                    return None;
                };
                one
            }
        };
        let hint = naming::nested_type_name(prefix, &data.name);
        let mut schema = self.schema(schema.into(), &schema_at, &hint);
        schema.description = text(data.description.as_deref()).or(schema.description);
        Some(Param {
            name: data.name.clone(),
            location,
            required: location == ParamIn::Path || data.required,
            schema,
            pointer: at,
            style: Style::Form,
            reserved: false,
            json,
        })
    }

    /// Every `{placeholder}` needs a path parameter and every path parameter a placeholder.
    /// A document that misses one is handled, with a warning: an undeclared placeholder
    /// becomes a required string parameter (the URL cannot be built without it); a declared
    /// parameter the path has no place for is left out as [`OmitReason::Unused`].
    pub(super) fn check_path_template(
        &mut self,
        path: &str,
        (params, omitted): (&mut Vec<Param>, &mut Vec<Omitted>),
        pointer: &str,
    ) {
        let placeholders = placeholders(path);
        let unusable = std::mem::take(&mut self.unusable);
        for name in &placeholders {
            let known = unusable.contains(name)
                || params
                    .iter()
                    .any(|p| p.location == ParamIn::Path && &p.name == name);
            if !known {
                self.warn(
                    Diagnostic::new(
                        self.at(pointer),
                        format!("the path has `{{{name}}}` but the operation declares no path parameter `{name}`: the tool takes it as a required string"),
                    )
                    .help(format!("declare `{{name: {name}, in: path, required: true, schema: {{type: string}}}}` in the document to type or describe it")),
                );
                params.push(undeclared(name, pointer));
            }
        }
        let (used, unused): (Vec<Param>, Vec<Param>) = std::mem::take(params)
            .into_iter()
            .partition(|p| p.location != ParamIn::Path || placeholders.contains(&p.name));
        *params = used;
        for param in unused {
            self.warn(
                Diagnostic::new(
                    self.at(&param.pointer),
                    format!(
                        "path parameter `{}` does not appear in the path `{path}`: the tool leaves it out, as there is nowhere to send it",
                        param.name
                    ),
                )
                .help("rename the parameter in the document to match the path template, or remove it"),
            );
            omitted.push(Omitted {
                name: param.name,
                reason: OmitReason::Unused,
            });
        }
    }
}

/// A path parameter the document does not declare: a required string.
fn undeclared(name: &str, pointer: &str) -> Param {
    let mut schema = crate::ir::Schema::of(crate::ir::Kind::String);
    schema.description = Some(format!("The `{{{name}}}` of the path."));
    Param {
        name: name.to_owned(),
        location: ParamIn::Path,
        required: true,
        schema,
        pointer: pointer.to_owned(),
        style: crate::ir::Style::default(),
        reserved: false,
        json: false,
    }
}

/// Which `in` a parameter has, for merging (`path`, `query`, `header`, `cookie`).
fn location_name(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// The `{name}` placeholders of a path template.
pub(super) fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}
