//! OpenAPI 3.1 → OpenAPI 3.0: the document keeps its shape; what 3.0 lacks is rewritten
//! (JSON Schema 2020-12 in `dialect`, path items from `components/pathItems` inlined,
//! optional `paths` and `responses` filled in) or dropped when no tool can use it (`webhooks`,
//! `jsonSchemaDialect`, `info.summary`/`license.identifier` folded into 3.0 fields).

use std::path::Path;

use serde_json::{Map, Value, json};

use super::{Converted, Origins, guard, normalize};
use crate::diagnostic::{Diagnostic, Diagnostics, Location, child};

/// How many `$ref` hops a path item may take through `components/pathItems`.
const MAX_HOPS: usize = 8;

/// Rewrites a OpenAPI 3.1 document as OpenAPI 3.0.
pub fn convert(mut document: Value, file: &Path) -> Result<Converted, Diagnostics> {
    let Value::Object(root) = &mut document else {
        return Err(shape(file, "", "the document is not an object").into());
    };
    let mut problems = Diagnostics::new();
    for key in ["paths", "components"] {
        if root.get(key).is_some_and(|v| !v.is_object()) {
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
    root.insert("openapi".into(), json!("3.0.3"));
    for key in ["webhooks", "jsonSchemaDialect"] {
        root.remove(key);
    }
    let info = info(root.get("info"));
    root.insert("info".into(), info);
    let mut origins = Origins::default();
    let path_items = match root.get_mut("components") {
        Some(Value::Object(components)) => components.remove("pathItems"),
        _ => None,
    };
    let paths = root.entry("paths").or_insert_with(|| json!({}));
    if let Value::Object(paths) = paths {
        inline_path_items(paths, path_items.as_ref(), &mut origins);
        fill_responses(paths);
    }
    normalize::normalize_all(&mut document, &mut origins);
    guard::guard(&mut document, &origins);
    Ok(Converted { document, origins })
}

fn shape(file: &Path, pointer: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        Location::pointer(file, pointer),
        format!("invalid OpenAPI 3.1 document: {what}"),
    )
    .help("fix the document so it is valid OpenAPI 3.1")
}

/// 3.1's `info.summary` and `license.identifier` in 3.0 terms.
fn info(info: Option<&Value>) -> Value {
    let mut info = info.and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(summary) = info.remove("summary")
        && summary.is_string()
    {
        info.entry("description").or_insert(summary);
    }
    if let Some(Value::Object(license)) = info.get_mut("license")
        && let Some(identifier) = license.remove("identifier")
    {
        license.entry("name").or_insert(identifier);
    }
    guard::info(Some(&Value::Object(info)))
}

/// Path items that `$ref` `#/components/pathItems/X` get X's content (their own fields win).
fn inline_path_items(paths: &mut Map<String, Value>, items: Option<&Value>, origins: &mut Origins) {
    let Some(Value::Object(items)) = items else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let mut hops = 0;
        let mut source = None;
        while let Some(name) = item
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/pathItems/"))
            .map(|n| n.replace("~1", "/").replace("~0", "~"))
        {
            let Some(Value::Object(target)) = items.get(&name) else {
                break;
            };
            hops += 1;
            if hops > MAX_HOPS {
                break;
            }
            let Value::Object(own) = item else { break };
            own.remove("$ref");
            for (key, value) in target {
                own.entry(key.clone()).or_insert_with(|| value.clone());
            }
            source = Some(child("/components/pathItems", &name));
        }
        if let Some(source) = source {
            origins.record(child("/paths", path), source);
        }
    }
}

/// 3.1 makes `responses` optional; 3.0 (and the lowerer) expect it.
fn fill_responses(paths: &mut Map<String, Value>) {
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for method in guard::METHODS {
            if let Some(Value::Object(operation)) = item.get_mut(method) {
                operation.entry("responses").or_insert_with(|| json!({}));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(document: Value) -> Converted {
        convert(document, Path::new("api.yaml")).expect("converts")
    }

    #[test]
    fn document_fields_become_3_0() {
        let out = converted(json!({
            "openapi": "3.1.0", "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "info": {"title": "t", "version": "1", "summary": "s", "license": {"identifier": "MIT"}},
            "webhooks": {"ping": {}}
        }))
        .document;
        assert_eq!(
            out,
            json!({"openapi": "3.0.3", "paths": {},
                   "info": {"title": "t", "version": "1", "description": "s", "license": {"name": "MIT"}}})
        );
    }

    #[test]
    fn path_item_refs_are_inlined_with_their_origin() {
        let out = converted(json!({
            "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"$ref": "#/components/pathItems/A", "summary": "own"}},
            "components": {"pathItems": {
                "A": {"$ref": "#/components/pathItems/B"},
                "B": {"summary": "b", "get": {"operationId": "a"}}
            }}
        }));
        let item = &out.document["paths"]["/a"];
        assert_eq!(item["summary"], "own");
        assert_eq!(item["get"], json!({"operationId": "a", "responses": {}}));
        assert!(out.document["components"].get("pathItems").is_none());
        assert_eq!(
            out.origins.original("/paths/~1a/get"),
            "/components/pathItems/B/get"
        );
    }

    #[test]
    fn wrong_top_level_shapes_are_errors_with_pointers() {
        let error = convert(
            json!({"openapi": "3.1.0", "paths": []}),
            Path::new("api.yaml"),
        )
        .unwrap_err();
        let d = error.iter().next().expect("one");
        assert_eq!(
            d.location.at,
            crate::diagnostic::At::Pointer("/paths".into())
        );
        assert!(convert(json!([1]), Path::new("api.yaml")).is_err());
    }
}
