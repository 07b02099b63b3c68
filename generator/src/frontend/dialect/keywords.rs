//! The per-node rewrites of `dialect`: each takes one schema object whose subschemas are
//! already normalized.

use serde_json::{Map, Value, json};

/// Keywords holding one subschema (also walked by `lint.rs`).
pub(crate) const SINGLE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
    "contentSchema",
];

/// Of [`SINGLE`], those where a boolean is meaningful to OpenAPI 3.0 readers as it is.
pub(super) const BOOL_OK: &[&str] = &[
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];

/// Keywords that only describe (never constrain): safe to merge next to anything.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "example",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "xml",
];

/// Tuple `items: [A, B]` and `prefixItems` → `items: {anyOf: [A, B]}` (one kind: that kind).
pub(super) fn tuple_items(map: &mut Map<String, Value>) {
    let mut kinds = Vec::new();
    if let Some(Value::Array(prefix)) = map.remove("prefixItems") {
        kinds.extend(prefix);
    }
    match map.remove("items") {
        Some(Value::Array(items)) => kinds.extend(items),
        Some(items) if kinds.is_empty() => {
            map.insert("items".into(), items);
            return;
        }
        // 2020-12: `items` next to `prefixItems` describes the items after the prefix.
        Some(Value::Bool(false)) | None => {}
        Some(items) => kinds.push(items),
    }
    if let Some(extra) = map.remove("additionalItems")
        && !kinds.is_empty()
        && !matches!(extra, Value::Bool(_))
    {
        kinds.push(extra);
    }
    match kinds.len() {
        0 => {}
        1 => {
            map.insert("items".into(), kinds.remove(0));
        }
        _ => {
            map.insert("items".into(), json!({ "anyOf": kinds }));
        }
    }
}

/// Every node-local rewrite, in an order where each sees the previous one's result.
pub(super) fn rewrite(map: &mut Map<String, Value>) {
    swagger_isms(map);
    type_keyword(map);
    if let Some(value) = map.remove("const") {
        map.entry("enum").or_insert_with(|| json!([value]));
    }
    if let Some(examples) = map.remove("examples")
        && let Value::Array(examples) = examples
        && let Some(first) = examples.into_iter().next()
    {
        map.entry("example").or_insert(first);
    }
    exclusive_bound(map, "exclusiveMinimum", "minimum", |bound, n| bound > n);
    exclusive_bound(map, "exclusiveMaximum", "maximum", |bound, n| bound < n);
    content_keywords(map);
    super::sanitize::sanitize(map);
}

/// `x-nullable`, a string `discriminator`, `type: file`.
fn swagger_isms(map: &mut Map<String, Value>) {
    if let Some(flag) = map.remove("x-nullable")
        && flag == Value::Bool(true)
    {
        map.insert("nullable".into(), Value::Bool(true));
    }
    if let Some(Value::String(name)) = map.get("discriminator") {
        let name = name.clone();
        map.insert("discriminator".into(), json!({ "propertyName": name }));
    }
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), json!("string"));
        map.insert("format".into(), json!("binary"));
    }
}

/// `type` lists and `type: "null"`.
fn type_keyword(map: &mut Map<String, Value>) {
    let types: Vec<String> = match map.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(list)) => {
            let mut types: Vec<String> = Vec::new();
            for t in list.iter().filter_map(Value::as_str) {
                if !types.iter().any(|seen| seen == t) {
                    types.push(t.to_owned());
                }
            }
            types
        }
        Some(_) => Vec::new(),
        None => return,
    };
    map.remove("type");
    let nullable = types.iter().any(|t| t == "null");
    let others: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    match others.as_slice() {
        [] if nullable => {
            map.entry("enum").or_insert_with(|| json!([null]));
        }
        [] => {}
        [only] => {
            map.insert("type".into(), json!(only));
        }
        several => {
            let branches: Vec<Value> = several.iter().map(|t| branch(map, t)).collect();
            for keyword in several.iter().flat_map(|t| keywords_of(t)) {
                map.remove(*keyword);
            }
            map.remove("enum");
            if map.contains_key("anyOf") {
                let all = map.entry("allOf").or_insert_with(|| json!([]));
                if let Value::Array(all) = all {
                    all.push(json!({ "anyOf": branches }));
                }
            } else {
                map.insert("anyOf".into(), Value::Array(branches));
            }
        }
    }
}

/// The type-specific keywords of a JSON type.
fn keywords_of(t: &str) -> &'static [&'static str] {
    match t {
        "string" => &["minLength", "maxLength", "pattern", "format"],
        "number" | "integer" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "format",
        ],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
            "patternProperties",
        ],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        _ => &[],
    }
}

/// One `anyOf` branch of a type list: the type, its own keywords and enum values.
fn branch(map: &Map<String, Value>, t: &str) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!(t));
    for keyword in keywords_of(t) {
        if *keyword == "format" && !format_fits(map.get("format"), t) {
            continue;
        }
        if let Some(value) = map.get(*keyword) {
            out.insert((*keyword).into(), value.clone());
        }
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let fits: Vec<Value> = values.iter().filter(|v| of_type(v, t)).cloned().collect();
        if !fits.is_empty() {
            out.insert("enum".into(), Value::Array(fits));
        }
    }
    Value::Object(out)
}

fn format_fits(format: Option<&Value>, t: &str) -> bool {
    let numeric = matches!(
        format.and_then(Value::as_str),
        Some("int32" | "int64" | "float" | "double")
    );
    numeric == matches!(t, "number" | "integer")
}

fn of_type(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => false,
    }
}

/// 2019+ numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true`.
fn exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    stricter: fn(f64, f64) -> bool,
) {
    let Some(n) = map.get(exclusive).and_then(Value::as_f64) else {
        return;
    };
    let bound = map.get(inclusive).and_then(Value::as_f64);
    if bound.is_some_and(|bound| stricter(bound, n)) {
        // The inclusive bound already excludes `n`.
        map.remove(exclusive);
        return;
    }
    if let Some(value) = map.remove(exclusive) {
        map.insert(inclusive.into(), value);
        map.insert(exclusive.into(), Value::Bool(true));
    }
}

/// `contentEncoding: base64` → `format: byte`; another `contentMediaType` → `format: binary`.
fn content_keywords(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    map.remove("contentSchema");
    if map.contains_key("format") || map.get("type").is_some_and(|t| t != "string") {
        return;
    }
    let format = match (encoding.as_ref().and_then(Value::as_str), &media) {
        (Some("base64" | "base64url"), _) => "byte",
        (Some(_), _) | (None, Some(_)) => "binary",
        (None, None) => return,
    };
    map.insert("type".into(), json!("string"));
    map.insert("format".into(), json!(format));
}

/// Adds names to `required`, keeping it a list without repeats.
pub(super) fn add_required(map: &mut Map<String, Value>, names: Vec<String>) {
    let list = map.entry("required").or_insert_with(|| json!([]));
    if !list.is_array() {
        *list = json!([]);
    }
    if let Value::Array(list) = list {
        for name in names {
            if !list.iter().any(|v| v.as_str() == Some(&name)) {
                list.push(Value::String(name));
            }
        }
    }
}

/// A branch that only admits `null` (as [`type_keyword`] writes `type: "null"`).
fn is_null_branch(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    map.get("enum") == Some(&json!([null]))
        && !map.contains_key("type")
        && !map.contains_key("$ref")
        && map
            .keys()
            .all(|k| k == "enum" || ANNOTATIONS.contains(&k.as_str()))
}

/// `anyOf/oneOf: [X, {type: null}]` → X with `nullable: true`.
pub(super) fn null_branches(map: &mut Map<String, Value>) {
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get_mut(keyword) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|b| !is_null_branch(b));
        if branches.len() == before {
            continue;
        }
        map.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(branches)) = map.get_mut(keyword) else {
            continue;
        };
        match branches.len() {
            0 => {
                map.remove(keyword);
                map.entry("enum").or_insert_with(|| json!([null]));
            }
            1 => {
                let only = branches.remove(0);
                map.remove(keyword);
                merge_single(map, only);
            }
            _ => {}
        }
    }
}

/// Puts the one remaining branch in place of the `anyOf`: merged when nothing conflicts,
/// else (and always for a `$ref`) as `allOf: [X]`.
fn merge_single(map: &mut Map<String, Value>, only: Value) {
    let conflict = match &only {
        Value::Object(branch) => {
            branch.contains_key("$ref")
                || branch
                    .keys()
                    .any(|k| map.contains_key(k) && !ANNOTATIONS.contains(&k.as_str()))
                || map
                    .keys()
                    .any(|k| !ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"))
        }
        _ => true,
    };
    if conflict {
        let all = map.entry("allOf").or_insert_with(|| json!([]));
        if let Value::Array(all) = all {
            all.push(only);
        } else {
            *all = json!([only]);
        }
        return;
    }
    if let Value::Object(branch) = only {
        for (key, value) in branch {
            if key == "nullable" {
                continue;
            }
            map.entry(key).or_insert(value);
        }
    }
}
