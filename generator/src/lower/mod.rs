//! Lowering: the OpenAPI document plus the selected operations → [`ir::Lowered`], with every
//! local `$ref` resolved. Invariant: this is the only module that sees `openapiv3` types.
//!
//! This file handles operations (servers, parameters, request bodies); `schema.rs` turns
//! schemas into IR types and `refs.rs` follows `$ref`s.

mod refs;
mod schema;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openapiv3::{
    APIKeyLocation, OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr,
    RequestBody, SecurityScheme, Server,
};

use crate::allowlist::Selected;
use crate::diagnostic::{Diagnostic, Diagnostics, Location, child};
use crate::input::{self, Source};
use crate::ir::{self, Body, Kind, Lowered, Method, OperationRef, Param, ParamIn, TypeKind};
use crate::naming::{self, Scope};

/// A parsed OpenAPI 3.0 document.
#[derive(Debug)]
pub struct Document {
    openapi: OpenAPI,
    path: PathBuf,
}

impl Document {
    /// Parses a JSON or YAML OpenAPI 3.0 document.
    pub fn parse(source: &Source) -> Result<Document, Diagnostics> {
        input::check_openapi_version(source)?;
        // openapiv3's `ReferenceOr` has an `expect` on a parse path we cannot rule out; a
        // panic there must still become a diagnostic, never a crashed build script.
        let parsed = std::panic::catch_unwind(|| input::parse::<OpenAPI>(source));
        let openapi = match parsed {
            Ok(result) => result?,
            Err(_) => {
                return Err(Diagnostic::new(
                    Location::file(&source.path),
                    "the OpenAPI parser failed on this document",
                )
                .help("check the document with an OpenAPI 3.0 validator")
                .into());
            }
        };
        Ok(Document {
            openapi,
            path: source.path.clone(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every operation, in document order (paths, then methods in OpenAPI's order).
    /// Path items that are `$ref`s are skipped: OpenAPI 3.0 only allows external ones there.
    pub fn operations(&self) -> Vec<OperationRef> {
        let mut out = Vec::new();
        for (path, item) in &self.openapi.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for method in Method::ALL {
                if let Some(operation) = operation_of(item, method) {
                    out.push(OperationRef {
                        operation_id: operation.operation_id.clone(),
                        method,
                        path: path.clone(),
                        pointer: child(&child("/paths", path), method.key()),
                    });
                }
            }
        }
        out
    }
}

fn operation_of(item: &PathItem, method: Method) -> Option<&openapiv3::Operation> {
    match method {
        Method::Get => item.get.as_ref(),
        Method::Put => item.put.as_ref(),
        Method::Post => item.post.as_ref(),
        Method::Delete => item.delete.as_ref(),
        Method::Options => item.options.as_ref(),
        Method::Head => item.head.as_ref(),
        Method::Patch => item.patch.as_ref(),
        Method::Trace => item.trace.as_ref(),
    }
}

/// A server URL that replaces the document's `servers`, and where it was set.
#[derive(Debug, Clone)]
pub struct BaseUrl {
    pub url: String,
    pub location: Location,
}

/// Lowers the selected operations, in order, collecting every problem.
pub fn lower(
    document: &Document,
    selected: &[Selected],
    base_url: Option<&BaseUrl>,
) -> Result<Lowered, Diagnostics> {
    let mut lowerer = Lowerer::new(document);
    // Input types are named first, so a component schema never takes a tool's name.
    let input_types: Vec<String> = selected
        .iter()
        .map(|s| lowerer.names.unique(&naming::input_type_name(&s.tool_name)))
        .collect();
    let base = lowerer.document_base(base_url);
    let mut operations = Vec::new();
    for (selected, input_type) in selected.iter().zip(input_types) {
        if let Some(operation) = lowerer.operation(selected, input_type, &base) {
            operations.push(operation);
        }
    }
    let types = ir::TypeSpace {
        types: lowerer.types,
    };
    lowerer.out.finish(Lowered { operations, types })
}

/// Lowering state: the type arena and the diagnostics of this phase.
struct Lowerer<'d> {
    doc: &'d OpenAPI,
    file: &'d Path,
    out: Diagnostics,
    types: Vec<ir::TypeDef>,
    /// Component schema name → its named type, registered before its properties are lowered,
    /// so recursive references end here instead of looping.
    components: BTreeMap<String, ir::TypeId>,
    /// Component aliases (non-object schemas) being lowered: a repeat is a cycle.
    aliases: Vec<String>,
    names: Scope,
}

impl<'d> Lowerer<'d> {
    fn new(document: &'d Document) -> Self {
        let mut names = Scope::new();
        // Generated code uses these prelude names unqualified.
        for reserved in ["String", "Vec", "Option", "Box", "Result", "Some", "None"] {
            names.reserve(reserved);
        }
        Lowerer {
            doc: &document.openapi,
            file: &document.path,
            out: Diagnostics::new(),
            types: Vec::new(),
            components: BTreeMap::new(),
            aliases: Vec::new(),
            names,
        }
    }

    fn at(&self, pointer: &str) -> Location {
        Location::pointer(self.file, pointer)
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        let diagnostic = Diagnostic::new(self.at(pointer), message).help(help);
        self.out.push(diagnostic);
    }

    /// The allowlist's `base_url`, else the document's first server; `Err` holds the problem,
    /// reported only if an operation without its own servers needs it.
    fn document_base(&self, base_url: Option<&BaseUrl>) -> Result<String, Diagnostic> {
        if let Some(base) = base_url {
            return check_server_url(&base.url).map_err(|why| {
                Diagnostic::new(base.location.clone(), format!("`base_url` {why}"))
                    .help("use an absolute https URL, e.g. `https://api.example.com/v1`")
            });
        }
        match self.doc.servers.first() {
            Some(server) => check_server_url(&server_url(server)).map_err(|why| {
                Diagnostic::new(self.at("/servers/0/url"), format!("the server URL {why}"))
                    .help("use an absolute https URL, or set `base_url = \"https://...\"` in the allowlist")
            }),
            None => Err(Diagnostic::new(self.at("/servers"), "the document names no server")
                .help("add `servers: [{url: \"https://...\"}]`, or set `base_url` in the allowlist")),
        }
    }

    fn operation(
        &mut self,
        selected: &Selected,
        input_type: String,
        base: &Result<String, Diagnostic>,
    ) -> Option<ir::Operation> {
        let reference = &selected.operation;
        let ReferenceOr::Item(item) = self.doc.paths.paths.get(&reference.path)? else {
            return None;
        };
        let op = operation_of(item, reference.method)?;
        let pointer = reference.pointer.clone();
        let item_pointer = child("/paths", &reference.path);
        let server = self.server(op, item, &pointer, &item_pointer, base)?;
        let prefix = naming::type_prefix(&selected.tool_name);
        let (params, credentials) = self.params(item, op, &item_pointer, &pointer, &prefix);
        self.check_path_template(&reference.path, &params, &pointer);
        let body = op
            .request_body
            .as_ref()
            .and_then(|body| self.body(body, &format!("{pointer}/requestBody"), &prefix));
        Some(ir::Operation {
            tool_name: selected.tool_name.clone(),
            input_type,
            operation: reference.clone(),
            url: format!("{server}{}", reference.path),
            summary: text(op.summary.as_deref()),
            description: text(op.description.as_deref()),
            params,
            body,
            credentials,
        })
    }

    /// The operation's servers, else the path item's, else the document base.
    fn server(
        &mut self,
        op: &openapiv3::Operation,
        item: &PathItem,
        pointer: &str,
        item_pointer: &str,
        base: &Result<String, Diagnostic>,
    ) -> Option<String> {
        let own = [(&op.servers, pointer), (&item.servers, item_pointer)];
        if let Some((servers, at)) = own.into_iter().find(|(s, _)| !s.is_empty()) {
            let url = servers.first().map(server_url).unwrap_or_default();
            return match check_server_url(&url) {
                Ok(url) => Some(url),
                Err(why) => {
                    let at = format!("{at}/servers/0/url");
                    self.error(
                        &at,
                        format!("the server URL {why}"),
                        "use an absolute https URL",
                    );
                    None
                }
            };
        }
        match base {
            Ok(url) => Some(url.clone()),
            Err(diagnostic) => {
                if !self.out.iter().any(|d| d == diagnostic) {
                    self.out.push(diagnostic.clone());
                }
                None
            }
        }
    }

    /// Path-item parameters merged with the operation's (the operation's win), `$ref`s
    /// resolved; credentials (apiKey security schemes) are returned apart.
    fn params(
        &mut self,
        item: &'d PathItem,
        op: &'d openapiv3::Operation,
        item_pointer: &str,
        pointer: &str,
        prefix: &str,
    ) -> (Vec<Param>, Vec<String>) {
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
        let credentials = self.credential_names();
        let mut params = Vec::new();
        let mut dropped = Vec::new();
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
            if location == ParamIn::Header && is_reserved_header(&data.name) {
                // OpenAPI 3.0: such header parameter definitions SHALL be ignored.
                continue;
            }
            if credentials
                .iter()
                .any(|(l, n)| *l == location && same_name(location, n, &data.name))
            {
                dropped.push(data.name.clone());
                continue;
            }
            let ParameterSchemaOrContent::Schema(schema) = &data.format else {
                self.error(
                    &at,
                    format!(
                        "parameter `{}` uses `content`, which is not supported yet",
                        data.name
                    ),
                    "describe the parameter with `schema` instead",
                );
                continue;
            };
            let hint = naming::nested_type_name(prefix, &data.name);
            let mut schema = self.schema(schema.into(), &format!("{at}/schema"), &hint);
            schema.description = text(data.description.as_deref()).or(schema.description);
            params.push(Param {
                name: data.name.clone(),
                location,
                required: location == ParamIn::Path || data.required,
                schema,
                pointer: at,
            });
        }
        (params, dropped)
    }

    /// `(location, name)` of every apiKey security scheme sent in a query or header.
    fn credential_names(&self) -> Vec<(ParamIn, String)> {
        let Some(components) = &self.doc.components else {
            return Vec::new();
        };
        components
            .security_schemes
            .values()
            .filter_map(|scheme| match scheme {
                ReferenceOr::Item(SecurityScheme::APIKey { location, name, .. }) => {
                    match location {
                        APIKeyLocation::Query => Some((ParamIn::Query, name.clone())),
                        APIKeyLocation::Header => Some((ParamIn::Header, name.clone())),
                        APIKeyLocation::Cookie => None,
                    }
                }
                _ => None,
            })
            .collect()
    }

    /// Every `{placeholder}` needs a path parameter and every path parameter a placeholder;
    /// otherwise the request could never be completed.
    fn check_path_template(&mut self, path: &str, params: &[Param], pointer: &str) {
        let placeholders = placeholders(path);
        for name in &placeholders {
            let known = params
                .iter()
                .any(|p| p.location == ParamIn::Path && &p.name == name);
            if !known {
                self.error(
                    pointer,
                    format!("the path has `{{{name}}}` but the operation has no path parameter `{name}`"),
                    format!("add `{{name: {name}, in: path, required: true, schema: {{type: string}}}}` to its parameters"),
                );
            }
        }
        for param in params.iter().filter(|p| p.location == ParamIn::Path) {
            if !placeholders.contains(&param.name) {
                let at = param.pointer.clone();
                self.error(
                    &at,
                    format!(
                        "path parameter `{}` does not appear in the path `{path}`",
                        param.name
                    ),
                    "rename the parameter to match the path template, or remove it",
                );
            }
        }
    }

    /// An `application/json` body: an object's properties become fields; anything else is one
    /// `body` field. Other media types are reported as not supported yet.
    fn body(
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
            let types: Vec<String> = body.content.keys().map(|k| format!("`{k}`")).collect();
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
                let view = schema::View::of(inline);
                view.has_properties()
                    .then(|| self.properties(&view, at, prefix))
            }
            ReferenceOr::Reference { .. } => {
                let (target, _) = self.resolve_schema(schema.into(), at)?;
                if !schema::View::of(target).has_properties() {
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

/// Which `in` a parameter has, for merging (`path`, `query`, `header`, `cookie`).
fn location_name(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// Header names are case-insensitive; others are not.
fn same_name(location: ParamIn, a: &str, b: &str) -> bool {
    if location == ParamIn::Header {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

fn is_reserved_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

/// `application/json`, with parameters (`; charset=utf-8`) or a `+json` suffix.
fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The `{name}` placeholders of a path template.
fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// A server's URL with its variables replaced by their defaults.
fn server_url(server: &Server) -> String {
    let mut url = server.url.clone();
    if let Some(variables) = &server.variables {
        for (name, variable) in variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    url
}

/// An absolute https URL without a trailing `/`; `Err` says what is wrong.
fn check_server_url(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    let Some(rest) = url
        .get(..8)
        .filter(|scheme| scheme.eq_ignore_ascii_case("https://"))
        .and_then(|_| url.get(8..))
    else {
        return Err(format!("`{url}` is not an absolute https URL"));
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || url.contains(['{', '}', '?', '#', ' ']) {
        return Err(format!("`{url}` is not a usable server URL"));
    }
    Ok(url.to_owned())
}

/// Trimmed text, `None` if empty.
fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
