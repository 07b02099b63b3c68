//! Swagger 2.0 non-body parameters (`query`, `header`, `path`): their inline type keywords
//! become a `schema`, `collectionFormat` becomes `style`/`explode`.

use serde_json::{Map, Value, json};

/// The keywords a Swagger parameter, header or `items` object shares with a schema.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// The schema written inline on a parameter, header or `items` object.
pub fn schema_of(object: &Map<String, Value>) -> Value {
    // Some documents put a `schema` on non-body parameters; it is what they mean.
    if !object.contains_key("type")
        && let Some(schema) = object.get("schema")
    {
        return schema.clone();
    }
    let mut out = Map::new();
    for key in SCHEMA_KEYS {
        if let Some(value) = object.get(*key) {
            out.insert((*key).into(), value.clone());
        }
    }
    if let Some(items) = object.get("items") {
        let items = match items {
            Value::Object(items) => schema_of(items),
            other => other.clone(),
        };
        out.insert("items".into(), items);
    }
    Value::Object(out)
}

/// A `query`, `header` or `path` parameter as OpenAPI 3.0; `Err` says why it cannot be.
pub fn simple(parameter: &Value) -> Result<Value, String> {
    if let Some(reference) = parameter.get("$ref") {
        return Ok(json!({ "$ref": reference }));
    }
    let Value::Object(parameter) = parameter else {
        return Err("a parameter is not an object".into());
    };
    let name = parameter.get("name").and_then(Value::as_str);
    let location = parameter.get("in").and_then(Value::as_str);
    let (Some(name), Some(location)) = (name, location) else {
        return Err("a parameter has no `name` or `in`".into());
    };
    if !matches!(location, "query" | "header" | "path") {
        return Err(format!(
            "parameter `{name}` is in `{location}`, which Swagger 2.0 does not define"
        ));
    }
    if parameter.get("type").and_then(Value::as_str) == Some("file") {
        return Err(format!("parameter `{name}` is a file outside a form"));
    }
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("in".into(), json!(location));
    if let Some(text @ Value::String(_)) = parameter.get("description") {
        out.insert("description".into(), text.clone());
    }
    let required = parameter
        .get("required")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if required || location == "path" {
        out.insert("required".into(), Value::Bool(true));
    }
    if location == "query"
        && let Some(flag @ Value::Bool(_)) = parameter.get("allowEmptyValue")
    {
        out.insert("allowEmptyValue".into(), flag.clone());
    }
    let schema = schema_of(parameter);
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        let format = parameter.get("collectionFormat").and_then(Value::as_str);
        let (style, explode) =
            collection(format, location).map_err(|why| format!("parameter `{name}`: {why}"))?;
        if let Some(style) = style {
            out.insert("style".into(), json!(style));
        }
        out.insert("explode".into(), Value::Bool(explode));
    }
    out.insert("schema".into(), schema);
    for (key, value) in parameter {
        if key.starts_with("x-") && key != "x-nullable" {
            out.insert(key.clone(), value.clone());
        }
    }
    Ok(Value::Object(out))
}

/// `collectionFormat` → (`style`, `explode`) for a parameter in `location` (`formData` for a
/// form field); `Err` for the formats OpenAPI 3.0 cannot express there.
pub fn collection(
    format: Option<&str>,
    location: &str,
) -> Result<(Option<&'static str>, bool), String> {
    let query_like = matches!(location, "query" | "formData");
    match (format.unwrap_or("csv"), query_like) {
        ("csv", true) => Ok((Some("form"), false)),
        ("csv", false) => Ok((None, false)),
        ("multi", true) => Ok((Some("form"), true)),
        ("ssv", true) => Ok((Some("spaceDelimited"), false)),
        ("pipes", true) => Ok((Some("pipeDelimited"), false)),
        ("tsv", _) => {
            Err("`collectionFormat: tsv` (tab-separated) cannot be expressed in OpenAPI 3.0".into())
        }
        (other, _) => Err(format!(
            "`collectionFormat: {other}` cannot be expressed for a parameter in `{location}` in OpenAPI 3.0"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_formats_map_to_styles() {
        let cases = [
            (
                json!({"name": "a", "in": "query", "type": "array", "items": {"type": "string"}}),
                Some("form"),
                false,
            ),
            (
                json!({"name": "a", "in": "query", "type": "array", "collectionFormat": "multi"}),
                Some("form"),
                true,
            ),
            (
                json!({"name": "a", "in": "query", "type": "array", "collectionFormat": "ssv"}),
                Some("spaceDelimited"),
                false,
            ),
            (
                json!({"name": "a", "in": "query", "type": "array", "collectionFormat": "pipes"}),
                Some("pipeDelimited"),
                false,
            ),
            (
                json!({"name": "a", "in": "header", "type": "array"}),
                None,
                false,
            ),
        ];
        for (parameter, style, explode) in cases {
            let converted = simple(&parameter).expect("converts");
            assert_eq!(
                converted.get("style").and_then(Value::as_str),
                style,
                "{parameter}"
            );
            assert_eq!(converted["explode"], json!(explode), "{parameter}");
        }
        for parameter in [
            json!({"name": "a", "in": "query", "type": "array", "collectionFormat": "tsv"}),
            json!({"name": "a", "in": "path", "type": "array", "collectionFormat": "multi"}),
            json!({"name": "a", "in": "query", "type": "file"}),
            json!({"name": "a", "in": "cookie", "type": "string"}),
            json!({"in": "query"}),
            json!(7),
        ] {
            assert!(simple(&parameter).is_err(), "{parameter}");
        }
    }

    #[test]
    fn inline_type_keywords_become_the_schema() {
        let converted = simple(&json!({
            "name": "ids", "in": "path", "description": "d", "type": "array", "maxItems": 3,
            "items": {"type": "integer", "format": "int64", "minimum": 1}, "x-nullable": true, "x-k": 1
        }))
        .expect("converts");
        assert_eq!(
            converted,
            json!({"name": "ids", "in": "path", "description": "d", "required": true, "explode": false, "x-k": 1,
                   "schema": {"type": "array", "maxItems": 3, "x-nullable": true,
                              "items": {"type": "integer", "format": "int64", "minimum": 1}}})
        );
    }
}
