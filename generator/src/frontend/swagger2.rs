//! Swagger 2.0 → OpenAPI 3.0: servers from `schemes`/`host`/`basePath`, `definitions`,
//! `parameters`, `responses` and `securityDefinitions` → `components`, body and `formData`
//! parameters → `requestBody`. Every moved node is recorded in `Origins`, so diagnostics about
//! the converted document point at the Swagger node the user wrote.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::{Converted, Origins, guard, normalize};
use crate::diagnostic::{Diagnostic, Diagnostics, Location, child};

mod operation;
mod params;
mod responses;
mod security;
#[cfg(test)]
mod tests;

/// Reading state: the original document and what the operations share.
struct Swagger<'a> {
    doc: &'a Map<String, Value>,
    consumes: Vec<String>,
    produces: Vec<String>,
    origins: Origins,
    /// Global `parameters` that could not be converted: reference → why.
    bad_parameters: Vec<(String, String)>,
    /// Original pointers of moved schemas → their new place, for `$ref`s that point into them.
    renames: Vec<(String, String)>,
}

/// Rewrites a Swagger 2.0 document as OpenAPI 3.0.
pub fn convert(document: Value, file: &Path) -> Result<Converted, Diagnostics> {
    let Value::Object(doc) = &document else {
        return Err(shape(file, "", "the document is not an object").into());
    };
    let mut problems = Diagnostics::new();
    for key in [
        "paths",
        "definitions",
        "parameters",
        "responses",
        "securityDefinitions",
    ] {
        if doc.get(key).is_some_and(|v| !v.is_object()) {
            problems.push(shape(
                file,
                &format!("/{key}"),
                &format!("`{key}` is not an object"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut swagger = Swagger {
        doc,
        consumes: strings(doc.get("consumes")),
        produces: strings(doc.get("produces")),
        origins: Origins::default(),
        bad_parameters: Vec::new(),
        renames: Vec::new(),
    };
    let mut out = swagger.document();
    if let Some(Value::Object(definitions)) = doc.get("definitions") {
        bare_refs(&mut out, definitions, 0);
    }
    let mut renames = std::mem::take(&mut swagger.renames);
    renames.extend(
        [
            ("/definitions", "/components/schemas"),
            ("/parameters", "/components/parameters"),
            ("/responses", "/components/responses"),
        ]
        .map(|(old, new)| (old.to_owned(), new.to_owned())),
    );
    super::dialect::rewrite_refs(&mut out, &renames);
    let mut origins = swagger.origins;
    normalize::normalize_all(&mut out, &mut origins);
    guard::guard(&mut out, &origins);
    Ok(Converted {
        document: out,
        origins,
    })
}

fn shape(file: &Path, pointer: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        Location::pointer(file, pointer),
        format!("invalid Swagger 2.0 document: {what}"),
    )
    .help("fix the document so it is valid Swagger 2.0")
}

/// The strings of a list (anything else is ignored).
fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

impl Swagger<'_> {
    fn document(&mut self) -> Value {
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        out.insert("info".into(), guard::info(self.doc.get("info")));
        // The lowerer's server problems point at `/servers`; the user wrote `host`.
        self.origins.record("/servers", "/host");
        self.origins.record("/servers/0/url", "/host");
        if let Some(servers) = self.servers() {
            out.insert("servers".into(), servers);
        }
        for key in ["tags", "security", "externalDocs"] {
            if let Some(value) = self.doc.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        extensions(self.doc, &mut out);
        out.insert("components".into(), self.components());
        out.insert("paths".into(), self.paths());
        Value::Object(out)
    }

    /// `https://host/basePath` (https if listed or if no scheme is given); none without a host.
    fn servers(&self) -> Option<Value> {
        let host = self.doc.get("host").and_then(Value::as_str)?.trim();
        if host.is_empty() {
            return None;
        }
        let schemes = strings(self.doc.get("schemes"));
        let scheme =
            if schemes.is_empty() || schemes.iter().any(|s| s.eq_ignore_ascii_case("https")) {
                "https"
            } else {
                schemes[0].as_str()
            };
        let base = self
            .doc
            .get("basePath")
            .and_then(Value::as_str)
            .unwrap_or("");
        let base = base.trim().trim_end_matches('/');
        let slash = if base.is_empty() || base.starts_with('/') {
            ""
        } else {
            "/"
        };
        Some(json!([{ "url": format!("{scheme}://{host}{slash}{base}") }]))
    }

    fn components(&mut self) -> Value {
        let mut components = Map::new();
        if let Some(Value::Object(definitions)) = self.doc.get("definitions") {
            components.insert("schemas".into(), Value::Object(definitions.clone()));
            self.origins.record("/components/schemas", "/definitions");
        }
        if let Some(Value::Object(parameters)) = self.doc.get("parameters") {
            components.insert(
                "parameters".into(),
                Value::Object(self.global_parameters(parameters)),
            );
            let bodies = self.global_bodies(parameters);
            if !bodies.is_empty() {
                components.insert("requestBodies".into(), Value::Object(bodies));
            }
        }
        if let Some(Value::Object(responses)) = self.doc.get("responses") {
            let mut out = Map::new();
            for (name, response) in responses {
                let from = child("/responses", name);
                let at = child("/components/responses", name);
                self.origins.record(at.clone(), from.clone());
                out.insert(
                    name.clone(),
                    self.response(response, &at, &from, &self.produces.clone()),
                );
            }
            components.insert("responses".into(), Value::Object(out));
        }
        if let Some(Value::Object(schemes)) = self.doc.get("securityDefinitions") {
            components.insert("securitySchemes".into(), security::schemes(schemes));
            self.origins
                .record("/components/securitySchemes", "/securityDefinitions");
        }
        Value::Object(components)
    }

    /// Global parameters other than body and form ones (those are inlined where used).
    fn global_parameters(&mut self, parameters: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        for (name, parameter) in parameters {
            let location = parameter.get("in").and_then(Value::as_str);
            if matches!(location, Some("body" | "formData")) {
                continue;
            }
            let from = child("/parameters", name);
            let at = child("/components/parameters", name);
            match params::simple(parameter) {
                Ok(converted) => {
                    self.origins.record(at.clone(), from.clone());
                    self.origins.record(format!("{at}/schema"), from);
                    out.insert(name.clone(), converted);
                }
                Err(why) => self.bad_parameters.push((format!("#{from}"), why)),
            }
        }
        out
    }

    /// Global body parameters are inlined where used; their schemas also get a place of their
    /// own, so `$ref`s into them (`#/parameters/X/schema`) still resolve.
    fn global_bodies(&mut self, parameters: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        for (name, parameter) in parameters {
            if parameter.get("in") != Some(&json!("body")) {
                continue;
            }
            let Some(schema) = parameter.get("schema") else {
                continue;
            };
            let from = format!("{}/schema", child("/parameters", name));
            let body = child("/components/requestBodies", name);
            let at = format!("{body}/content/application~1json/schema");
            self.origins.record(at.clone(), from.clone());
            self.renames.push((from, at));
            out.insert(
                name.clone(),
                json!({"content": {"application/json": {"schema": schema}}}),
            );
        }
        out
    }

    fn paths(&mut self) -> Value {
        let mut out = Map::new();
        let Some(Value::Object(paths)) = self.doc.get("paths") else {
            return Value::Object(out);
        };
        for (path, item) in paths {
            if !path.starts_with('/') {
                if path.starts_with("x-") {
                    out.insert(path.clone(), item.clone());
                }
                continue;
            }
            let Value::Object(item) = item else { continue };
            out.insert(path.clone(), self.path_item(item, &child("/paths", path)));
        }
        Value::Object(out)
    }
}

/// `$ref: Pet` (Swagger 1.2 style, still read by Swagger tools) → `#/definitions/Pet`.
fn bare_refs(node: &mut Value, definitions: &Map<String, Value>, depth: usize) {
    if depth > 400 {
        return;
    }
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && !reference.contains(['#', '/'])
                && definitions.contains_key(reference.as_str())
            {
                *reference = format!("#{}", child("/definitions", reference));
            }
            for (key, value) in map.iter_mut() {
                if !matches!(key.as_str(), "example" | "examples") && !key.starts_with("x-") {
                    bare_refs(value, definitions, depth + 1);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| bare_refs(item, definitions, depth + 1)),
        _ => {}
    }
}

/// Copies `x-` extensions.
fn extensions(from: &Map<String, Value>, to: &mut Map<String, Value>) {
    for (key, value) in from {
        if key.starts_with("x-") {
            to.insert(key.clone(), value.clone());
        }
    }
}
