//! The last step of a conversion: every operation and component of the converted document is
//! checked against the OpenAPI 3.0 model the lowerer reads. A part that does not fit is taken
//! out and the operations it concerns are marked `x-alter-unsupported`, so only a selected
//! operation can fail, with a message naming the original node. (openapiv3 is used here only
//! as a checker; the lowerer still reads the whole document itself.)

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::Origins;
use crate::diagnostic::child;
use crate::input;

/// The OpenAPI 3.0 methods of a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The marker the lowerer reports when an operation is selected.
pub const UNSUPPORTED: &str = "x-alter-unsupported";

/// Adds a reason to an operation's `x-alter-unsupported` (reasons are joined with `; `).
pub fn mark(operation: &mut Map<String, Value>, reason: &str) {
    let joined = match operation.get(UNSUPPORTED).and_then(Value::as_str) {
        Some(existing) if existing.contains(reason) => return,
        Some(existing) => format!("{existing}; {reason}"),
        None => reason.to_owned(),
    };
    operation.insert(UNSUPPORTED.into(), Value::String(joined));
}

/// Checks `value` as a `T`; `Err` is the message, naming the original pointer of the problem.
fn check<T: DeserializeOwned>(
    value: &Value,
    pointer: &str,
    origins: &Origins,
) -> Result<(), String> {
    let result = std::panic::catch_unwind(|| serde_path_to_error::deserialize::<_, T>(value));
    match result {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => {
            let at = origins.original(&format!("{pointer}{}", input::pointer_of(error.path())));
            Err(format!("{} at `{at}`", error.into_inner()))
        }
        Err(_) => Err(format!(
            "the OpenAPI parser failed at `{}`",
            origins.original(pointer)
        )),
    }
}

/// `info`, with the strings OpenAPI requires present.
pub fn info(info: Option<&Value>) -> Value {
    let mut out = info.and_then(Value::as_object).cloned().unwrap_or_default();
    for key in ["title", "version"] {
        let text = match out.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        out.insert(key.into(), Value::String(text));
    }
    let value = Value::Object(out.clone());
    if serde_json::from_value::<openapiv3::Info>(value.clone()).is_ok() {
        return value;
    }
    // Keep what identifies the API; contact or licence details of the wrong shape go.
    out.retain(|k, v| {
        matches!(k.as_str(), "title" | "version") || (k == "description" && v.is_string())
    });
    Value::Object(out)
}

/// A check of one node as an OpenAPI type.
type Checker = fn(&Value, &str, &Origins) -> Result<(), String>;

/// Takes out what openapiv3 cannot read, marking the operations concerned.
pub fn guard(document: &mut Value, origins: &Origins) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    top_level(root);
    let broken = components(root, origins);
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        paths.retain(|key, item| !key.starts_with('/') || item.is_object());
        for (path, item) in paths.iter_mut() {
            if let Value::Object(item) = item
                && path.starts_with('/')
            {
                path_item(item, &child("/paths", path), origins, &broken);
            }
        }
    }
}

/// Tags and external docs never reach a tool; invalid servers are left out (the lowerer then
/// reports a missing server only if the allowlist sets no `base_url`).
fn top_level(root: &mut Map<String, Value>) {
    fn valid<T: DeserializeOwned>(value: &Value) -> bool {
        std::panic::catch_unwind(|| serde_json::from_value::<T>(value.clone()).is_ok())
            .unwrap_or(false)
    }
    for (key, check) in [
        ("tags", valid::<openapiv3::Tag> as fn(&Value) -> bool),
        ("servers", valid::<openapiv3::Server>),
    ] {
        match root.get_mut(key) {
            Some(Value::Array(list)) => list.retain(check),
            Some(_) => {
                root.remove(key);
            }
            None => {}
        }
    }
    if root
        .get("externalDocs")
        .is_some_and(|docs| !valid::<openapiv3::ExternalDocumentation>(docs))
    {
        root.remove("externalDocs");
    }
}

/// Removes invalid component entries; returns their references and why each was removed.
fn components(root: &mut Map<String, Value>, origins: &Origins) -> Vec<(String, String)> {
    let mut broken = Vec::new();
    let Some(Value::Object(components)) = root.get_mut("components") else {
        return broken;
    };
    let sections: [(&str, Checker); 7] = [
        (
            "schemas",
            check::<openapiv3::ReferenceOr<openapiv3::Schema>>,
        ),
        (
            "responses",
            check::<openapiv3::ReferenceOr<openapiv3::Response>>,
        ),
        (
            "parameters",
            check::<openapiv3::ReferenceOr<openapiv3::Parameter>>,
        ),
        (
            "requestBodies",
            check::<openapiv3::ReferenceOr<openapiv3::RequestBody>>,
        ),
        (
            "headers",
            check::<openapiv3::ReferenceOr<openapiv3::Header>>,
        ),
        (
            "securitySchemes",
            check::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>,
        ),
        (
            "examples",
            check::<openapiv3::ReferenceOr<openapiv3::Example>>,
        ),
    ];
    for (section, checker) in sections {
        let Some(Value::Object(entries)) = components.get_mut(section) else {
            components.remove(section);
            continue;
        };
        let base = child("/components", section);
        entries.retain(|name, value| {
            let at = child(&base, name);
            match checker(value, &at, origins) {
                Ok(()) => true,
                Err(why) => {
                    broken.push((format!("#{at}"), why));
                    false
                }
            }
        });
    }
    // Sections the lowerer never reads must still not break the document.
    for section in ["links", "callbacks"] {
        components.remove(section);
    }
    broken
}

fn path_item(
    item: &mut Map<String, Value>,
    pointer: &str,
    origins: &Origins,
    broken: &[(String, String)],
) {
    let mut reasons = Vec::new();
    if let Some(Value::Array(parameters)) = item.get_mut("parameters") {
        let base = format!("{pointer}/parameters");
        let mut index = 0;
        parameters.retain(|parameter| {
            let at = format!("{base}/{index}");
            index += 1;
            let result =
                check::<openapiv3::ReferenceOr<openapiv3::Parameter>>(parameter, &at, origins);
            result
                .map_err(|why| reasons.push(format!("a path parameter is not valid: {why}")))
                .is_ok()
        });
    }
    let checks: [(&str, Checker); 4] = [
        (
            "parameters",
            check::<Vec<openapiv3::ReferenceOr<openapiv3::Parameter>>>,
        ),
        ("servers", check::<Vec<openapiv3::Server>>),
        ("summary", check::<String>),
        ("description", check::<String>),
    ];
    for (key, checker) in checks {
        if let Some(value) = item.get(key)
            && let Err(why) = checker(value, &child(pointer, key), origins)
        {
            reasons.push(format!("the path item's `{key}` is not valid: {why}"));
            item.remove(key);
        }
    }
    for method in METHODS {
        if let Some(operation) = item.get_mut(method) {
            operation_checked(
                operation,
                &child(pointer, method),
                origins,
                broken,
                &reasons,
            );
        }
    }
}

fn operation_checked(
    operation: &mut Value,
    pointer: &str,
    origins: &Origins,
    broken: &[(String, String)],
    reasons: &[String],
) {
    drop_unused(operation);
    if let Err(why) = check::<openapiv3::Operation>(operation, pointer, origins) {
        *operation = stub(
            operation,
            &format!("the operation is not valid OpenAPI: {why}"),
        );
    }
    let Value::Object(map) = operation else {
        return;
    };
    for reason in reasons {
        mark(map, &format!("{reason}; fix the document"));
    }
    if broken.is_empty() {
        return;
    }
    let text = serde_json::to_string(&*map).unwrap_or_default();
    for (reference, why) in broken {
        if text.contains(&format!("\"{reference}\"")) || text.contains(&format!("\"{reference}/")) {
            let original = origins.original(reference.trim_start_matches('#'));
            mark(
                map,
                &format!(
                    "it refers to `{original}`, which is not valid ({why}); fix that definition"
                ),
            );
        }
    }
}

/// Callbacks and response links never become part of a tool; odd ones must not make the
/// operation unreadable.
fn drop_unused(operation: &mut Value) {
    let Value::Object(operation) = operation else {
        return;
    };
    operation.remove("callbacks");
    if let Some(Value::Object(responses)) = operation.get_mut("responses") {
        for response in responses.values_mut() {
            if let Value::Object(response) = response {
                response.remove("links");
            }
        }
    }
}

/// An operation that could not be read: what identifies it, plus why.
fn stub(operation: &Value, why: &str) -> Value {
    let mut out = Map::new();
    for key in ["operationId", "summary", "description"] {
        if let Some(text @ Value::String(_)) = operation.get(key) {
            out.insert(key.into(), text.clone());
        }
    }
    out.insert("responses".into(), json!({}));
    mark(&mut out, &format!("{why}; fix the operation"));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_parts_become_marks_on_the_operations_concerned() {
        let mut document = json!({
            "paths": {
                "/a": {
                    "parameters": [{"name": "p", "in": "body"}],
                    "get": {"operationId": "a", "responses": {}},
                },
                "/b": {"post": {"operationId": "b", "parameters": [{"name": 3}], "responses": {}}},
                "/e": {"put": {"callbacks": {"c": 1}, "responses": {"200": {"description": "", "links": {"l": 2}}}}},
                "/c": {"get": {"responses": {"200": {"$ref": "#/components/responses/Bad"}}}},
                "/d": "nonsense"
            },
            "components": {"responses": {"Bad": {"content": 1}}, "links": 3}
        });
        document["tags"] = json!([{"name": "ok"}, true, {"name": {}}]);
        document["servers"] = json!([{"url": 1}, {"url": "https://a.test"}]);
        document["externalDocs"] = json!({"url": []});
        let mut origins = Origins::default();
        origins.record("/components/responses", "/responses");
        guard(&mut document, &origins);
        assert_eq!(document["tags"], json!([{"name": "ok"}]));
        assert_eq!(document["servers"], json!([{"url": "https://a.test"}]));
        assert!(document.get("externalDocs").is_none());
        let paths = &document["paths"];
        assert!(paths.get("/d").is_none());
        assert!(
            paths["/e"]["put"].get(UNSUPPORTED).is_none(),
            "callbacks and links are not read"
        );
        let a = paths["/a"]["get"][UNSUPPORTED].as_str().expect("marked");
        assert!(
            a.contains("path parameter is not valid") && a.contains("/paths/~1a/parameters/0"),
            "{a}"
        );
        let b = &paths["/b"]["post"];
        assert_eq!(b["operationId"], "b");
        assert!(
            b[UNSUPPORTED]
                .as_str()
                .expect("marked")
                .contains("/paths/~1b/post/parameters/0"),
            "{b}"
        );
        let c = paths["/c"]["get"][UNSUPPORTED].as_str().expect("marked");
        assert!(c.contains("refers to `/responses/Bad`"), "{c}");
        assert!(document["components"]["responses"].get("Bad").is_none());
        let parsed: Result<openapiv3::Paths, _> = serde_json::from_value(paths.clone());
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
