//! Google Discovery → OpenAPI 3.0, shaped like APIs.guru's conversion of Google's documents:
//! `resources`/`methods` become `paths`, `schemas` become `components/schemas`, and the API-wide
//! ("system") `parameters` become `components/parameters`, referenced from every path item.
//!
//! This file walks the document and places each method; `method.rs` converts one method and
//! `schema.rs` converts schemas and Discovery's string-typed numbers.

mod method;
mod schema;
#[cfg(test)]
mod tests;

use std::path::Path;

use serde_json::{Map, Value, json};

use super::{Converted, Origins};
use crate::diagnostic::{Diagnostic, Diagnostics, Location, child};
use schema::Refs;

/// The security scheme name, as APIs.guru names Google's authorizationCode scheme.
const OAUTH2: &str = "Oauth2";

/// Rewrites a Google Discovery document as OpenAPI 3.0.
pub fn convert(document: Value, file: &Path) -> Result<Converted, Diagnostics> {
    let Value::Object(doc) = document else {
        return Err(Diagnostic::new(
            Location::pointer(file, ""),
            "a Discovery document must be a JSON object",
        )
        .help("give the `discovery#restDescription` object itself, as served by the Discovery API")
        .into());
    };
    if let Some(kind) = doc.get("kind").and_then(Value::as_str)
        && kind != "discovery#restDescription"
    {
        return Err(Diagnostic::new(
            Location::pointer(file, "/kind"),
            format!("a `{kind}` is not an API description"),
        )
        .help("give one API's `discovery#restDescription` document (a directory list names them in `items[].discoveryRestUrl`)")
        .into());
    }
    check_shapes(&doc, file)?;
    let mut converter = Converter::new(&doc);
    let document = converter.document();
    Ok(Converted {
        document,
        origins: converter.origins,
    })
}

/// The top-level members the conversion walks must have the right JSON types; anything else
/// would silently lose every method or schema below it.
fn check_shapes(doc: &Map<String, Value>, file: &Path) -> Result<(), Diagnostics> {
    let mut out = Diagnostics::new();
    for key in ["resources", "methods", "schemas", "parameters", "auth"] {
        if doc.get(key).is_some_and(|v| !v.is_object() && !v.is_null()) {
            out.push(
                Diagnostic::new(
                    Location::pointer(file, format!("/{key}")),
                    format!("Discovery `{key}` must be an object"),
                )
                .help(format!(
                    "write `{key}` as a map of names to objects, or remove it"
                )),
            );
        }
    }
    for key in ["rootUrl", "servicePath", "baseUrl", "title", "version"] {
        if doc.get(key).is_some_and(|v| !v.is_string() && !v.is_null()) {
            out.push(
                Diagnostic::new(
                    Location::pointer(file, format!("/{key}")),
                    format!("Discovery `{key}` must be a string"),
                )
                .help(format!("write `{key}` as a string, or remove it")),
            );
        }
    }
    out.finish(())
}

/// Conversion state: the paths built so far and where each part came from.
struct Converter<'d> {
    doc: &'d Map<String, Value>,
    refs: Refs<'d>,
    /// `rootUrl`, for method paths written root-relative (`/upload/...`).
    root: Option<String>,
    /// Whether `auth.oauth2` declared scopes, so methods may name the scheme.
    oauth2: bool,
    /// The `$ref`s to the system parameters, put on every path item.
    system: Vec<(Value, String)>,
    paths: Map<String, Value>,
    origins: Origins,
}

impl<'d> Converter<'d> {
    fn new(doc: &'d Map<String, Value>) -> Self {
        let text = |key: &str| doc.get(key).and_then(Value::as_str).map(str::to_owned);
        Converter {
            doc,
            refs: Refs::new(doc.get("schemas")),
            root: text("rootUrl").or_else(|| text("baseUrl")),
            oauth2: false,
            system: Vec::new(),
            paths: Map::new(),
            origins: Origins::default(),
        }
    }

    fn document(&mut self) -> Value {
        let mut components = Map::new();
        if let Some(schemes) = self.security_schemes() {
            components.insert("securitySchemes".into(), schemes);
        }
        let parameters = self.system_parameters();
        if !parameters.is_empty() {
            components.insert("parameters".into(), parameters.into());
        }
        let schemas = self.schemas();
        if !schemas.is_empty() {
            components.insert("schemas".into(), schemas.into());
        }
        self.methods(self.doc, "", "");
        let mut out = json!({"openapi": "3.0.3", "info": self.info()});
        if let Some(servers) = self.servers() {
            out["servers"] = servers;
        }
        out["paths"] = std::mem::take(&mut self.paths).into();
        out["components"] = components.into();
        out
    }

    fn info(&mut self) -> Value {
        let text = |key: &str| self.doc.get(key).and_then(Value::as_str);
        let title = text("title").or(text("name")).unwrap_or("Google API");
        let mut info = json!({"title": title, "version": text("version").unwrap_or("v1")});
        if let Some(description) = text("description") {
            info["description"] = description.into();
        }
        self.origins.record("/info/title", "/title");
        self.origins.record("/info/version", "/version");
        info
    }

    /// `rootUrl` + `servicePath`, else the deprecated `baseUrl`; none is the lowerer's to report.
    fn servers(&mut self) -> Option<Value> {
        let text = |key: &str| self.doc.get(key).and_then(Value::as_str);
        let (url, from) = match (text("rootUrl"), text("baseUrl")) {
            (Some(root), _) => (
                join_url(root, text("servicePath").unwrap_or("")),
                "/rootUrl",
            ),
            (None, Some(base)) => (base.trim_end_matches('/').to_owned(), "/baseUrl"),
            (None, None) => {
                self.origins.record("/servers", "/rootUrl");
                return None;
            }
        };
        self.origins.record("/servers/0/url", from);
        Some(json!([{"url": url}]))
    }

    /// `auth.oauth2.scopes` as one authorizationCode scheme.
    fn security_schemes(&mut self) -> Option<Value> {
        let scopes = self
            .doc
            .get("auth")?
            .get("oauth2")?
            .get("scopes")?
            .as_object()?;
        let scopes: Map<String, Value> = scopes
            .iter()
            .map(|(scope, about)| {
                let text = about.get("description").and_then(Value::as_str);
                (scope.clone(), text.unwrap_or("").into())
            })
            .collect();
        self.oauth2 = true;
        self.origins.record(
            format!("/components/securitySchemes/{OAUTH2}"),
            "/auth/oauth2",
        );
        Some(json!({OAUTH2: {
            "type": "oauth2",
            "description": "Oauth 2.0 authorizationCode authentication",
            "flows": {"authorizationCode": {
                "authorizationUrl": "https://accounts.google.com/o/oauth2/auth",
                "tokenUrl": "https://oauth2.googleapis.com/token",
                "scopes": scopes,
            }},
        }}))
    }

    /// The API-wide parameters (`alt`, `key`, `fields`, ...) as `components/parameters`.
    fn system_parameters(&mut self) -> Map<String, Value> {
        let mut out = Map::new();
        let Some(parameters) = self.doc.get("parameters").and_then(Value::as_object) else {
            return out;
        };
        for name in sorted_keys(parameters) {
            let original = child("/parameters", name);
            // One that cannot be expressed is left out: the credential rule drops these anyway.
            let Ok(parameter) = method::parameter(&self.refs, name, &parameters[name], false)
            else {
                continue;
            };
            let at = child("/components/parameters", name);
            self.origins.record(&at, &original);
            self.origins.record(format!("{at}/schema"), &original);
            let reference = child("#/components/parameters", name);
            self.system.push((json!({"$ref": reference}), original));
            out.insert(name.clone(), parameter);
        }
        out
    }

    fn schemas(&mut self) -> Map<String, Value> {
        let mut out = Map::new();
        let Some(schemas) = self.doc.get("schemas").and_then(Value::as_object) else {
            return out;
        };
        for name in sorted_keys(schemas) {
            let at = child("/components/schemas", name);
            self.origins.record(at, child("/schemas", name));
            out.insert(name.clone(), schema::convert(&self.refs, &schemas[name]));
        }
        out
    }

    /// The `methods` of `container` (the document or a resource), then its `resources`,
    /// recursively; keys in sorted order so placement never depends on map order. A method
    /// is tagged with its resource (`events`, `projects.locations`), as APIs.guru's
    /// conversions are, so `alter-mcp-gen operations` can show and match it.
    fn methods(&mut self, container: &'d Map<String, Value>, pointer: &str, resource: &str) {
        if let Some(methods) = container.get("methods").and_then(Value::as_object) {
            for name in sorted_keys(methods) {
                let at = child(&format!("{pointer}/methods"), name);
                let context = method::Context {
                    refs: &self.refs,
                    root: self.root.as_deref(),
                    oauth2: self.oauth2,
                };
                let mut op = context.operation(&methods[name], &at);
                if !resource.is_empty() {
                    op.operation.insert("tags".into(), json!([resource]));
                }
                self.place(op, &at);
            }
        }
        if let Some(resources) = container.get("resources").and_then(Value::as_object) {
            for name in sorted_keys(resources) {
                if let Some(sub) = resources[name].as_object() {
                    let tag = match resource {
                        "" => name.clone(),
                        outer => format!("{outer}.{name}"),
                    };
                    self.methods(sub, &child(&format!("{pointer}/resources"), name), &tag);
                }
            }
        }
    }

    /// Puts an operation at its path and method. One that cannot have its own slot (a second
    /// method on the same path and method, no path, an HTTP method OpenAPI lacks) goes to a
    /// path of its own and is marked unsupported, so selecting it is an error, never a loss.
    fn place(&mut self, op: method::Op, pointer: &str) {
        let method::Op {
            path,
            method,
            mut operation,
            problems,
            origins,
        } = op;
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .map_or_else(|| pointer.to_owned(), str::to_owned);
        let slot = method.unwrap_or("get");
        let key = match (path, method) {
            (Some(path), Some(_)) => match self.holder(&path, slot) {
                None => path,
                Some(_) => {
                    // The real template; the lowerer builds the URL from it.
                    operation.insert("x-alter-path".into(), path.clone().into());
                    self.free_key(&format!("{path}#{id}"), slot)
                }
            },
            (path, _) => self.free_key(&format!("{}#{id}", path.unwrap_or_default()), slot),
        };
        if !problems.is_empty() {
            operation.insert("x-alter-unsupported".into(), problems.join("; ").into());
        }
        let item_at = child("/paths", &key);
        let at = child(&item_at, slot);
        self.origins.record(&at, pointer);
        for (suffix, original) in origins {
            self.origins.record(format!("{at}{suffix}"), original);
        }
        if !self.paths.contains_key(&key) {
            let refs: Vec<Value> = self.system.iter().map(|(r, _)| r.clone()).collect();
            for (i, (_, original)) in self.system.iter().enumerate() {
                self.origins
                    .record(format!("{item_at}/parameters/{i}"), original.clone());
            }
            self.paths.insert(key.clone(), json!({"parameters": refs}));
        }
        if let Some(item) = self.paths.get_mut(&key).and_then(Value::as_object_mut) {
            item.insert(slot.to_owned(), operation.into());
        }
    }

    /// The operationId of the operation already at `path` + `method`, if any.
    fn holder(&self, path: &str, method: &str) -> Option<String> {
        let existing = self.paths.get(path)?.get(method)?;
        let id = existing.get("operationId").and_then(Value::as_str);
        Some(id.unwrap_or("another method").to_owned())
    }

    fn free_key(&self, base: &str, method: &str) -> String {
        let mut key = base.to_owned();
        let mut n = 2;
        while self.holder(&key, method).is_some() {
            key = format!("{base}#{n}");
            n += 1;
        }
        key
    }
}

/// `rootUrl` + `servicePath` with exactly one `/` between them and none at the end.
fn join_url(root: &str, service_path: &str) -> String {
    let root = root.trim_end_matches('/');
    let service_path = service_path.trim_matches('/');
    if service_path.is_empty() {
        root.to_owned()
    } else {
        format!("{root}/{service_path}")
    }
}

fn sorted_keys(map: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    keys
}
