//! Every schema of a converted document, normalized to OpenAPI 3.0 (`dialect`): component
//! schemas and every `schema` under paths and components. Hoisted `$defs` land in
//! `components/schemas`, with their origins recorded and the references to them rewritten.

use serde_json::{Map, Value};

use super::Origins;
use super::dialect::{Normalizer, rewrite_refs};
use crate::diagnostic::child;

/// Normalizes the schemas of `document` (already OpenAPI 3.0-shaped apart from its schemas).
pub fn normalize_all(document: &mut Value, origins: &mut Origins) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    let names: Vec<String> = root
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut normalizer = Normalizer::new(names);
    if let Some(Value::Object(components)) = root.get_mut("components") {
        if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
            for (name, schema) in schemas.iter_mut() {
                let at = child("/components/schemas", name);
                normalizer.schema(schema, &at, name);
            }
        }
        walk(components, "/components", &mut normalizer, 0);
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        walk(paths, "/paths", &mut normalizer, 0);
    }
    let hoisted = normalizer.drain_hoisted();
    if !hoisted.is_empty() {
        let schemas = schemas_of(root);
        for entry in hoisted {
            let at = child("/components/schemas", &entry.name);
            let from = origins.original(&entry.from);
            origins.record(at, from);
            schemas.insert(entry.name, entry.schema);
        }
    }
    rewrite_refs(document, &normalizer.renames);
}

/// `components/schemas`, created if missing (or replaced if it is not an object).
fn schemas_of(root: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if !components.is_object() {
        *components = Value::Object(Map::new());
    }
    let Value::Object(components) = components else {
        unreachable!("made an object above")
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    if !schemas.is_object() {
        *schemas = Value::Object(Map::new());
    }
    match schemas {
        Value::Object(schemas) => schemas,
        _ => unreachable!("made an object above"),
    }
}

/// Normalizes every `schema` value below `map`, except under `components/schemas` (done) and
/// inside examples and extensions.
fn walk(map: &mut Map<String, Value>, pointer: &str, normalizer: &mut Normalizer, depth: usize) {
    if depth > 64 {
        return;
    }
    for (key, value) in map.iter_mut() {
        let at = child(pointer, key);
        if key == "schema" {
            normalizer.schema(value, &at, "Inline");
            continue;
        }
        let skip = matches!(key.as_str(), "example" | "examples")
            || key.starts_with("x-")
            || (pointer == "/components" && key == "schemas");
        if skip {
            continue;
        }
        match value {
            Value::Object(inner) => walk(inner, &at, normalizer, depth + 1),
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    if let Value::Object(inner) = item {
                        walk(inner, &format!("{at}/{i}"), normalizer, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_schema_is_normalized_and_defs_hoisted_with_origins() {
        let mut document = json!({
            "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": ["integer", "null"]}}],
                "responses": {"200": {"description": "", "content": {"application/json": {"schema": {
                    "$defs": {"Row": {"const": 1}}, "items": {"$ref": "#/$defs/Row"}, "type": "array"}}}}}}}},
            "components": {"schemas": {"S": {"type": "null"}}, "examples": {"e": {"value": {"schema": {"type": ["x"]}}}}}
        });
        let mut origins = Origins::default();
        normalize_all(&mut document, &mut origins);
        let get = &document["paths"]["/a"]["get"];
        assert_eq!(
            get["parameters"][0]["schema"],
            json!({"type": "integer", "nullable": true})
        );
        let schema = &get["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["items"]["$ref"], "#/components/schemas/Inline_Row");
        assert_eq!(
            document["components"]["schemas"]["Inline_Row"],
            json!({"enum": [1]})
        );
        assert_eq!(
            document["components"]["schemas"]["S"],
            json!({"nullable": true, "enum": [null]})
        );
        assert_eq!(
            document["components"]["examples"]["e"]["value"]["schema"]["type"],
            json!(["x"]),
            "example values are data"
        );
        assert_eq!(
            origins.original("/components/schemas/Inline_Row/enum"),
            "/paths/~1a/get/responses/200/content/application~1json/schema/$defs/Row/enum"
        );
    }
}
