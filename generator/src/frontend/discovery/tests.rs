//! Unit tests of the Discovery conversion: the converted JSON, its origins, and its validity as
//! OpenAPI 3.0 (`openapiv3`), including on documents with wrong JSON types anywhere.

use std::path::Path;

use serde_json::{Value, json};

use super::convert;
use super::method::template;
use crate::frontend::Converted;

fn converted(doc: Value) -> Converted {
    let converted = convert(doc, Path::new("api.json")).expect("converts");
    serde_json::from_value::<openapiv3::OpenAPI>(converted.document.clone())
        .expect("the converted document is OpenAPI 3.0");
    converted
}

/// A small API: one nested resource with list/insert/delete, system parameters, scopes.
fn api() -> Value {
    json!({
        "kind": "discovery#restDescription",
        "rootUrl": "https://www.googleapis.com/",
        "servicePath": "demo/v1/",
        "title": "Demo API",
        "version": "v1",
        "auth": {"oauth2": {"scopes": {
            "https://www.googleapis.com/auth/demo": {"description": "All of it"},
            "https://www.googleapis.com/auth/demo.readonly": {"description": "Read it"},
        }}},
        "parameters": {
            "alt": {"type": "string", "location": "query", "default": "json", "enum": ["json"]},
            "key": {"type": "string", "location": "query"},
            "prettyPrint": {"type": "boolean", "location": "query", "default": "true"},
        },
        "schemas": {
            "Note": {"id": "Note", "type": "object", "properties": {
                "title": {"type": "string", "annotations": {"required": ["demo.notes.insert"]}},
                "body": {"type": "string"},
                "size": {"type": "string", "format": "int64", "readOnly": true},
            }},
            "Notes": {"id": "Notes", "type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "Note"}},
            }},
        },
        "resources": {"users": {"resources": {"notes": {"methods": {
            "list": {
                "id": "demo.notes.list", "path": "users/{userId}/notes", "httpMethod": "GET",
                "description": "Lists notes.",
                "parameterOrder": ["userId"],
                "parameters": {
                    "userId": {"type": "string", "location": "path", "required": true},
                    "maxResults": {"type": "integer", "format": "int32", "location": "query",
                                   "minimum": "1", "maximum": "500", "default": "100"},
                    "labels": {"type": "string", "location": "query", "repeated": true},
                    "order": {"type": "string", "location": "query", "enum": ["new", "old"],
                              "enumDescriptions": ["Newest first.", "Oldest first."],
                              "description": "Sort order."},
                },
                "response": {"$ref": "Notes"},
                "scopes": ["https://www.googleapis.com/auth/demo",
                           "https://www.googleapis.com/auth/demo.readonly"],
            },
            "insert": {
                "id": "demo.notes.insert", "path": "users/{userId}/notes", "httpMethod": "POST",
                "parameters": {"userId": {"type": "string", "location": "path", "required": true}},
                "request": {"$ref": "Note"}, "response": {"$ref": "Note"},
            },
            "delete": {
                "id": "demo.notes.delete", "path": "users/{userId}/notes/{noteId}",
                "httpMethod": "DELETE",
                "parameterOrder": ["userId", "noteId"],
                "parameters": {
                    "noteId": {"type": "string", "location": "path", "required": true},
                    "userId": {"type": "string", "location": "path", "required": true},
                },
            },
        }}}}},
    })
}

const LIST: &str = "/paths/~1users~1{userId}~1notes/get";

#[test]
fn servers_paths_and_operations() {
    let doc = converted(api()).document;
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(doc["info"]["title"], "Demo API");
    assert_eq!(
        doc["servers"],
        json!([{"url": "https://www.googleapis.com/demo/v1"}])
    );
    let list = doc.pointer(LIST).expect("list");
    assert_eq!(list["operationId"], "demo.notes.list");
    assert_eq!(list["description"], "Lists notes.");
    assert!(
        list.get("summary").is_none(),
        "like APIs.guru: description only"
    );
    let insert = &doc["paths"]["/users/{userId}/notes"]["post"];
    assert_eq!(insert["operationId"], "demo.notes.insert");
    let delete = &doc["paths"]["/users/{userId}/notes/{noteId}"]["delete"];
    let names: Vec<&Value> = delete["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| &p["name"])
        .collect();
    assert_eq!(
        names,
        [&json!("userId"), &json!("noteId")],
        "parameterOrder"
    );
    assert_eq!(
        delete["responses"],
        json!({"200": {"description": "Successful response"}})
    );
    assert!(delete.get("requestBody").is_none());
}

#[test]
fn parameters_have_typed_numbers_arrays_and_enum_descriptions() {
    let doc = converted(api()).document;
    let params = doc.pointer(&format!("{LIST}/parameters")).expect("params");
    let by_name = |name: &str| {
        params
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no {name}"))
    };
    assert_eq!(params[0]["name"], "userId", "parameterOrder first");
    assert_eq!(
        by_name("userId"),
        json!({"name": "userId", "in": "path", "required": true, "schema": {"type": "string"}})
    );
    assert_eq!(
        by_name("maxResults")["schema"],
        json!({"type": "integer", "format": "int32", "minimum": 1, "maximum": 500, "default": 100})
    );
    assert_eq!(
        by_name("labels"),
        json!({"name": "labels", "in": "query", "style": "form", "explode": true,
               "schema": {"type": "array", "items": {"type": "string"}}})
    );
    let order = by_name("order");
    assert_eq!(
        order["description"],
        "Sort order.\n\n- `new`: Newest first.\n- `old`: Oldest first."
    );
    assert_eq!(
        order["schema"],
        json!({"type": "string", "enum": ["new", "old"]})
    );
}

#[test]
fn system_parameters_are_components_referenced_from_every_path_item() {
    let doc = converted(api()).document;
    let components = &doc["components"]["parameters"];
    assert_eq!(
        components["prettyPrint"],
        json!({"name": "prettyPrint", "in": "query", "schema": {"type": "boolean", "default": true}})
    );
    let refs = json!([
        {"$ref": "#/components/parameters/alt"},
        {"$ref": "#/components/parameters/key"},
        {"$ref": "#/components/parameters/prettyPrint"},
    ]);
    let paths = doc["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), 2);
    for item in paths.values() {
        assert_eq!(item["parameters"], refs);
    }
}

#[test]
fn bodies_responses_and_per_method_required_properties() {
    let doc = converted(api()).document;
    let insert = &doc["paths"]["/users/{userId}/notes"]["post"];
    assert_eq!(
        insert["requestBody"],
        json!({"required": true,
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}},
               "x-alter-required-properties": ["title"]})
    );
    assert_eq!(
        insert["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Note"})
    );
}

#[test]
fn schemas_become_components() {
    let doc = converted(api()).document;
    assert_eq!(
        doc["components"]["schemas"]["Note"],
        json!({"type": "object", "properties": {
            "body": {"type": "string"},
            "size": {"type": "string", "format": "int64", "readOnly": true},
            "title": {"type": "string"},
        }})
    );
    assert_eq!(
        doc["components"]["schemas"]["Notes"]["properties"]["items"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/Note"}})
    );
}

#[test]
fn schema_keywords() {
    let doc = converted(json!({
        "discoveryVersion": "v1",
        "rootUrl": "https://x.googleapis.com/",
        "schemas": {
            "Thing": {"type": "object", "id": "Thing", "description": "A thing.", "properties": {
                "anything": {"type": "any", "description": "Whatever."},
                "count": {"type": "integer", "format": "uint32", "default": "7", "minimum": "0"},
                "ratio": {"type": "number", "format": "double", "maximum": "1.5"},
                "on": {"type": "boolean", "default": "false"},
                "big": {"type": "string", "format": "int64", "minimum": "0"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "mode": {"type": "string", "enum": ["A", "B"], "enumDescriptions": ["a", ""],
                         "enumDeprecated": [false, true]},
                "owner": {"$ref": "Person", "description": "Who owns it."},
                "nested": {"type": "object", "properties": {
                    "id": {"type": "string", "required": true},
                    "where": {"type": "string", "location": "query", "repeated": true},
                }},
            }},
            "PersonKey": {"id": "Person", "type": "object", "required": ["a", "zz"],
                          "properties": {"a": {"type": "string", "required": true}}},
        },
    }))
    .document;
    let thing = &doc["components"]["schemas"]["Thing"];
    assert_eq!(thing["description"], "A thing.");
    assert!(thing.get("id").is_none());
    let p = &thing["properties"];
    assert_eq!(p["anything"], json!({"description": "Whatever."}));
    assert_eq!(
        p["count"],
        json!({"type": "integer", "format": "uint32", "default": 7, "minimum": 0})
    );
    assert_eq!(
        p["ratio"],
        json!({"type": "number", "format": "double", "maximum": 1.5})
    );
    assert_eq!(p["on"], json!({"type": "boolean", "default": false}));
    assert_eq!(p["big"], json!({"type": "string", "format": "int64"}));
    assert_eq!(
        p["labels"],
        json!({"type": "object", "additionalProperties": {"type": "string"}})
    );
    assert_eq!(p["mode"]["description"], "- `A`: a\n- `B` (deprecated)");
    assert_eq!(
        p["owner"],
        json!({"$ref": "#/components/schemas/PersonKey", "description": "Who owns it."}),
        "a `$ref` to an `id` that is not a key points at the key"
    );
    assert_eq!(
        doc["components"]["schemas"]["PersonKey"]["required"],
        json!(["a"]),
        "listed once; names that are not properties are left out"
    );
    assert_eq!(
        p["nested"],
        json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"}, "where": {"type": "string"},
        }})
    );
}

#[test]
fn reserved_expansion_and_root_relative_paths() {
    let doc = converted(json!({
        "kind": "discovery#restDescription",
        "rootUrl": "https://x.googleapis.com/",
        "servicePath": "",
        "resources": {"things": {"methods": {
            "get": {"id": "x.things.get", "path": "v1/{+name}", "httpMethod": "GET",
                    "flatPath": "v1/things/{thingsId}",
                    "parameters": {"name": {"type": "string", "location": "path",
                                            "required": true, "pattern": "^things/[^/]+$"}}},
            "upload": {"id": "x.things.upload", "path": "/upload/v1/{+parent}:add",
                       "httpMethod": "POST",
                       "parameters": {"parent": {"type": "string", "location": "path"}}},
        }}},
    }))
    .document;
    assert_eq!(doc["servers"], json!([{"url": "https://x.googleapis.com"}]));
    let get = &doc["paths"]["/v1/{name}"]["get"];
    assert_eq!(
        get["parameters"][0],
        json!({"name": "name", "in": "path", "required": true, "x-alter-reserved": true,
               "schema": {"type": "string", "pattern": "^things/[^/]+$"}})
    );
    let upload = &doc["paths"]["/upload/v1/{parent}:add"]["post"];
    assert_eq!(
        upload["servers"],
        json!([{"url": "https://x.googleapis.com"}])
    );
    assert_eq!(
        upload["parameters"][0]["required"], true,
        "path parameters are required"
    );
}

#[test]
fn uri_templates() {
    assert_eq!(
        template("v1/{+name}:cancel").expect("ok"),
        ("v1/{name}:cancel".to_owned(), vec!["name".to_owned()])
    );
    assert_eq!(
        template("a/{b}/c").expect("ok"),
        ("a/{b}/c".to_owned(), Vec::new())
    );
    for bad in [
        "a/{b", "a/b}", "{/x}", "{?q}", "{a,b}", "{x*}", "{x:3}", "{}",
    ] {
        assert!(template(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_second_method_on_a_path_is_kept_apart_with_its_template() {
    let get = |id: &str| {
        json!({"id": id, "path": "v1/{+name}", "httpMethod": "GET",
               "parameters": {"name": {"type": "string", "location": "path", "required": true}}})
    };
    let doc = converted(json!({
        "kind": "discovery#restDescription",
        "rootUrl": "https://x.googleapis.com/",
        "resources": {
            "a": {"methods": {"get": get("x.a.get")}},
            "b": {"methods": {"get": get("x.b.get")}},
        },
    }))
    .document;
    assert_eq!(doc["paths"]["/v1/{name}"]["get"]["operationId"], "x.a.get");
    let second = &doc["paths"]["/v1/{name}#x.b.get"]["get"];
    assert_eq!(second["operationId"], "x.b.get");
    assert_eq!(second["x-alter-path"], "/v1/{name}");
    assert!(second.get("x-alter-unsupported").is_none(), "{second}");
}

#[test]
fn security_lists_each_scope_as_an_alternative() {
    let doc = converted(api()).document;
    let scheme = &doc["components"]["securitySchemes"]["Oauth2"];
    assert_eq!(scheme["type"], "oauth2");
    let flow = &scheme["flows"]["authorizationCode"];
    assert_eq!(
        flow["authorizationUrl"],
        "https://accounts.google.com/o/oauth2/auth"
    );
    assert_eq!(flow["tokenUrl"], "https://oauth2.googleapis.com/token");
    assert_eq!(
        flow["scopes"]["https://www.googleapis.com/auth/demo"],
        "All of it"
    );
    assert_eq!(
        doc.pointer(&format!("{LIST}/security")).expect("security"),
        &json!([
            {"Oauth2": ["https://www.googleapis.com/auth/demo"]},
            {"Oauth2": ["https://www.googleapis.com/auth/demo.readonly"]},
        ])
    );
}

#[test]
fn origins_point_into_the_discovery_document() {
    let origins = converted(api()).origins;
    let method = "/resources/users/resources/notes/methods";
    assert_eq!(origins.original(LIST), format!("{method}/list"));
    assert_eq!(
        origins.original(&format!("{LIST}/parameters/0")),
        format!("{method}/list/parameters/userId")
    );
    assert_eq!(
        origins.original(&format!("{LIST}/parameters/1/schema/minimum")),
        format!("{method}/list/parameters/labels/minimum"),
        "parameters follow parameterOrder, then names"
    );
    let body = "/paths/~1users~1{userId}~1notes/post/requestBody";
    assert_eq!(origins.original(body), format!("{method}/insert/request"));
    assert_eq!(
        origins.original(&format!("{body}/content/application~1json/schema")),
        format!("{method}/insert/request")
    );
    assert_eq!(
        origins.original("/components/schemas/Note/properties/title"),
        "/schemas/Note/properties/title"
    );
    assert_eq!(
        origins.original("/components/parameters/key/schema"),
        "/parameters/key"
    );
    assert_eq!(
        origins.original("/paths/~1users~1{userId}~1notes/parameters/1"),
        "/parameters/key"
    );
    assert_eq!(origins.original("/servers/0/url"), "/rootUrl");
}

#[test]
fn whole_document_problems_are_errors_with_pointers() {
    let error = convert(json!([1, 2]), Path::new("api.json")).expect_err("not an object");
    assert!(
        error.to_string().contains("must be a JSON object"),
        "{error}"
    );
    let error = convert(
        json!({"kind": "discovery#directoryList", "discoveryVersion": "v1", "items": []}),
        Path::new("api.json"),
    )
    .expect_err("a directory list");
    assert!(
        error.to_string().contains("not an API description"),
        "{error}"
    );
    let error = convert(
        json!({"kind": "discovery#restDescription", "resources": [], "rootUrl": 3}),
        Path::new("api.json"),
    )
    .expect_err("wrong shapes");
    let pointers: Vec<String> = error
        .iter()
        .map(|d| format!("{:?}", d.location.at))
        .collect();
    assert_eq!(error.len(), 2, "{error}");
    assert!(pointers[0].contains("/resources"), "{pointers:?}");
    assert!(pointers[1].contains("/rootUrl"), "{pointers:?}");
}

#[test]
fn per_method_problems_mark_the_operation() {
    let doc = converted(json!({
        "kind": "discovery#restDescription",
        "rootUrl": "https://x.googleapis.com/",
        "methods": {
            "cookie": {"id": "x.cookie", "path": "c", "httpMethod": "GET",
                       "parameters": {"c": {"type": "string", "location": "cookie"}}},
            "template": {"id": "x.template", "path": "t{?q}", "httpMethod": "GET"},
            "verb": {"id": "x.verb", "path": "v", "httpMethod": "PROPFIND"},
            "nopath": {"id": "x.nopath", "httpMethod": "GET"},
            "notobject": 7,
        },
    }))
    .document;
    let paths = doc["paths"].as_object().expect("paths");
    let marked: Vec<(&str, &str)> = paths
        .values()
        .flat_map(|item| item.as_object().into_iter().flatten())
        .filter_map(|(_, op)| {
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or("-");
            Some((id, op.get("x-alter-unsupported")?.as_str()?))
        })
        .collect();
    assert_eq!(marked.len(), 5, "{marked:?}");
    let why = |id: &str| marked.iter().find(|(i, _)| *i == id).map(|(_, w)| *w);
    assert!(why("x.cookie").is_some_and(|w| w.contains("`cookie`")));
    assert!(why("x.template").is_some_and(|w| w.contains("{?q}")));
    assert!(why("x.verb").is_some_and(|w| w.contains("PROPFIND")));
    assert!(why("x.nopath").is_some_and(|w| w.contains("no `path`")));
    assert!(why("-").is_some_and(|w| w.contains("not a JSON object")));
}

/// Every member replaced by each wrong JSON type in turn: conversion never panics, and what it
/// returns is always valid OpenAPI 3.0.
#[test]
fn wrong_types_anywhere_never_panic() {
    let wrong = [
        json!(null),
        json!(7),
        json!("x"),
        json!([]),
        json!({}),
        json!(true),
    ];
    let original = api();
    let mut pointers = Vec::new();
    collect_pointers(&original, String::new(), &mut pointers);
    for pointer in &pointers {
        for value in &wrong {
            let mut doc = original.clone();
            if let Some(slot) = doc.pointer_mut(pointer) {
                *slot = value.clone();
            }
            if let Ok(converted) = convert(doc, Path::new("api.json")) {
                let parsed = serde_json::from_value::<openapiv3::OpenAPI>(converted.document);
                assert!(parsed.is_ok(), "{pointer} = {value}: {parsed:?}");
            }
        }
    }
    assert!(pointers.len() > 50);
}

fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (crate::diagnostic::child(&at, k), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{at}/{i}"), v))
            .collect(),
        _ => Vec::new(),
    };
    for (pointer, child) in children {
        collect_pointers(child, pointer.clone(), out);
        out.push(pointer);
    }
}
