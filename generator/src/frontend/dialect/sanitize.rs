//! Keyword values openapiv3 cannot read (a negative `minLength`, a `type` that is a number, an
//! `enum` that is not a list) are invalid anyway: they are dropped, or read as meant when the
//! meaning is plain (`"5"` for 5, `"true"` for true).

use serde_json::{Map, Value};

/// Drops keyword values of a JSON type openapiv3 cannot read (they are invalid anyway).
pub(super) fn sanitize(map: &mut Map<String, Value>) {
    for keyword in [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ] {
        let fixed = map.get(keyword).and_then(|v| {
            v.as_u64()
                .or_else(|| {
                    v.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                        .map(|f| f as u64)
                })
                .or_else(|| v.as_str().and_then(|s| s.trim().parse::<u64>().ok()))
        });
        retype(map, keyword, fixed.map(Value::from));
    }
    for keyword in ["minimum", "maximum", "multipleOf"] {
        let fixed = map.get(keyword).and_then(|v| match v {
            Value::Number(_) => Some(v.clone()),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
            _ => None,
        });
        retype(map, keyword, fixed);
    }
    let flags = [
        "exclusiveMinimum",
        "exclusiveMaximum",
        "uniqueItems",
        "nullable",
        "readOnly",
        "writeOnly",
        "deprecated",
    ];
    for keyword in flags {
        let fixed = map.get(keyword).and_then(|v| match v {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.parse::<bool>().ok(),
            _ => None,
        });
        retype(map, keyword, fixed.map(Value::Bool));
    }
    for keyword in ["type", "pattern", "format", "title", "description"] {
        let fixed = map.get(keyword).filter(|v| v.is_string()).cloned();
        retype(map, keyword, fixed);
    }
    structure(map);
}

/// Container keywords of the wrong shape, and `required` lists with non-strings.
fn structure(map: &mut Map<String, Value>) {
    if let Some(Value::Array(names)) = map.get_mut("required") {
        names.retain(Value::is_string);
    }
    type Shape = fn(&Value) -> bool;
    let shapes: [(&str, Shape); 11] = [
        ("required", Value::is_array),
        ("enum", Value::is_array),
        ("allOf", Value::is_array),
        ("oneOf", Value::is_array),
        ("anyOf", Value::is_array),
        ("properties", Value::is_object),
        ("items", Value::is_object),
        ("not", Value::is_object),
        ("additionalProperties", |v| v.is_object() || v.is_boolean()),
        ("discriminator", |v| {
            v.get("propertyName").is_some_and(Value::is_string)
                && v.get("mapping").is_none_or(|m| {
                    m.as_object()
                        .is_some_and(|m| m.values().all(Value::is_string))
                })
        }),
        ("externalDocs", |v| {
            v.get("url").is_some_and(Value::is_string)
        }),
    ];
    for (keyword, ok) in shapes {
        if map.get(keyword).is_some_and(|v| !ok(v)) {
            map.remove(keyword);
        }
    }
    if map.get("$ref").is_some_and(|r| !r.is_string()) {
        map.remove("$ref");
    }
}

fn retype(map: &mut Map<String, Value>, keyword: &str, fixed: Option<Value>) {
    if !map.contains_key(keyword) {
        return;
    }
    match fixed {
        Some(value) => {
            map.insert(keyword.into(), value);
        }
        None => {
            map.remove(keyword);
        }
    }
}
