use std::path::Path;

use serde_json::{Value, json};

use super::*;

fn converted(document: Value) -> Converted {
    convert(document, Path::new("api.json")).expect("converts")
}

fn pet_store() -> Value {
    json!({
        "swagger": "2.0", "info": {"title": "t", "version": 1.5},
        "host": "api.test", "basePath": "/v1/", "schemes": ["http", "https"],
        "consumes": ["application/json"], "produces": ["application/json"],
        "definitions": {"Pet": {"type": "object", "properties": {"tag": {"$ref": "#/definitions/Tag"}, "tag2": {"$ref": "Tag"}}},
                        "Tag": {"type": ["string", "null"]}},
        "parameters": {
            "limit": {"name": "limit", "in": "query", "type": "integer"},
            "pet": {"name": "pet", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}}
        },
        "responses": {"Err": {"description": "e", "schema": {"type": "string"}}},
        "securityDefinitions": {"x": {"type": "basic"}},
        "paths": {
            "/pets": {
                "parameters": [{"$ref": "#/parameters/limit"}],
                "post": {
                    "parameters": [{"name": "X-Id", "in": "header", "type": "string"}, {"$ref": "#/parameters/pet"}],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"},
                                          "headers": {"X-Rate": {"type": "integer"}}},
                                  "default": {"$ref": "#/responses/Err"}}
                },
                "put": {
                    "consumes": ["application/x-www-form-urlencoded"],
                    "parameters": [{"name": "name", "in": "formData", "type": "string", "required": true},
                                   {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"},
                                    "collectionFormat": "multi"}],
                    "responses": {"204": {"description": "done"}}
                }
            }
        }
    })
}

#[test]
fn document_parts_move_to_components_with_refs_rewritten() {
    let out = converted(pet_store()).document;
    assert_eq!(out["openapi"], "3.0.3");
    assert_eq!(out["info"]["version"], "1.5");
    assert_eq!(out["servers"], json!([{"url": "https://api.test/v1"}]));
    let components = &out["components"];
    assert_eq!(
        components["schemas"]["Pet"]["properties"]["tag"]["$ref"],
        "#/components/schemas/Tag"
    );
    assert_eq!(
        components["schemas"]["Tag"],
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(
        components["parameters"],
        json!({"limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}})
    );
    assert_eq!(
        out["paths"]["/pets"]["parameters"],
        json!([{"$ref": "#/components/parameters/limit"}])
    );
    let post = &out["paths"]["/pets"]["post"];
    assert_eq!(
        post["responses"]["default"]["$ref"],
        "#/components/responses/Err"
    );
    assert_eq!(
        post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Pet"
    );
    assert_eq!(
        post["responses"]["200"]["headers"]["X-Rate"]["schema"],
        json!({"type": "integer"})
    );
}

#[test]
fn body_and_form_parameters_become_request_bodies() {
    let out = converted(pet_store()).document;
    let post = &out["paths"]["/pets"]["post"];
    assert_eq!(
        post["requestBody"],
        json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}})
    );
    assert_eq!(
        post["parameters"],
        json!([{"name": "X-Id", "in": "header", "schema": {"type": "string"}}])
    );
    let put = &out["paths"]["/pets"]["put"];
    assert_eq!(
        put["requestBody"],
        json!({"required": true, "content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}},
            "encoding": {"tags": {"style": "form", "explode": true}}}}})
    );
}

#[test]
fn moved_nodes_point_back_at_the_swagger_nodes() {
    let origins = converted(pet_store()).origins;
    let cases = [
        (
            "/components/schemas/Pet/properties/tag",
            "/definitions/Pet/properties/tag",
        ),
        ("/components/parameters/limit/schema", "/parameters/limit"),
        ("/paths/~1pets/post/requestBody", "/parameters/pet"),
        (
            "/paths/~1pets/post/requestBody/content/application~1json/schema/x",
            "/parameters/pet/schema/x",
        ),
        (
            "/paths/~1pets/post/parameters/0/schema",
            "/paths/~1pets/post/parameters/0",
        ),
        (
            "/paths/~1pets/put/requestBody/content/application~1x-www-form-urlencoded",
            "/paths/~1pets/put/parameters/0",
        ),
        (
            "/paths/~1pets/put/requestBody/content/application~1x-www-form-urlencoded/schema/properties/tags/items",
            "/paths/~1pets/put/parameters/1/items",
        ),
        (
            "/paths/~1pets/post/responses/200/content/application~1json/schema",
            "/paths/~1pets/post/responses/200/schema",
        ),
        (
            "/components/responses/Err/content/application~1json/schema",
            "/responses/Err/schema",
        ),
        ("/components/securitySchemes/x", "/securityDefinitions/x"),
    ];
    for (converted, original) in cases {
        assert_eq!(origins.original(converted), original, "{converted}");
    }
}

#[test]
fn files_make_multipart_and_inexpressible_parameters_mark_the_operation() {
    let out = converted(json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {"/up": {
            "post": {"operationId": "up", "parameters": [{"name": "f", "in": "formData", "type": "file"}],
                     "responses": {"200": {"description": "ok"}}},
            "get": {"parameters": [{"name": "ids", "in": "query", "type": "array", "collectionFormat": "tsv"},
                                   {"name": "b", "in": "body", "schema": {}}, {"name": "c", "in": "body", "schema": {}}],
                    "responses": {}}
        }}
    }))
    .document;
    assert!(out.get("servers").is_none(), "no host, no servers");
    let post = &out["paths"]["/up"]["post"];
    assert_eq!(
        post["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["f"],
        json!({"type": "string", "format": "binary"})
    );
    let get = &out["paths"]["/up"]["get"];
    assert!(get.get("operationId").is_none());
    let why = get[guard::UNSUPPORTED].as_str().expect("marked");
    assert!(
        why.contains("tsv") && why.contains("more than one body parameter"),
        "{why}"
    );
}

#[test]
fn odd_shapes_never_panic() {
    let odd = [
        json!({"swagger": "2.0", "paths": {"/a": {"get": {"parameters": [1, "x", {"$ref": 3}, {"in": "body"}],
            "responses": {"200": [], "abc": 1, "default": {"schema": 5, "headers": 2}}}}}}),
        json!({"swagger": "2.0", "info": [], "host": 5, "consumes": {}, "securityDefinitions": {"a": {"type": "oauth2"}},
               "paths": {"/a": [], "/b": {"parameters": {}, "get": "x"}}}),
        json!({"swagger": "2.0", "definitions": {"A": [], "B": {"properties": {"c": 1}}}}),
    ];
    for document in odd {
        let out = converted(document.clone()).document;
        let parsed = serde_json::from_value::<openapiv3::OpenAPI>(out.clone());
        assert!(parsed.is_ok(), "{document} → {out}: {parsed:?}");
    }
    for document in [json!([]), json!({"swagger": "2.0", "paths": []})] {
        assert!(convert(document, Path::new("a.json")).is_err());
    }
}

#[test]
fn refs_into_moved_nodes_follow_them() {
    let out = converted(json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "parameters": {"B": {"name": "b", "in": "body", "schema": {"type": "object"}}},
        "responses": {"R": {"description": "r", "schema": {"type": "string"}}},
        "paths": {
            "/a": {"post": {"parameters": [{"name": "x", "in": "body", "schema": {"type": "integer"}}],
                            "responses": {"200": {"description": "ok", "schema": {"type": "boolean"}}}}},
            "/b": {"post": {"parameters": [{"$ref": "#/paths/~1a/post/parameters/0"}],
                            "responses": {
                                "200": {"description": "", "schema": {"$ref": "#/responses/R/schema"}},
                                "201": {"description": "", "schema": {"$ref": "#/parameters/B/schema"}},
                                "202": {"description": "", "schema": {"$ref": "#/paths/~1a/post/responses/200/schema"}},
                                "203": {"description": "", "schema": {"$ref": "#/paths/~1a/post/parameters/0/schema"}}}}}
        }
    }))
    .document;
    let b = &out["paths"]["/b"]["post"];
    // A bundled reference to another operation's body parameter is that body.
    assert_eq!(
        b["requestBody"]["content"]["application/json"]["schema"],
        json!({"type": "integer"})
    );
    let target = |code: &str| {
        let reference = b["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .expect("a reference")
            .trim_start_matches('#')
            .to_owned();
        out.pointer(&reference).cloned()
    };
    assert_eq!(target("200"), Some(json!({"type": "string"})));
    assert_eq!(target("201"), Some(json!({"type": "object"})));
    assert_eq!(target("202"), Some(json!({"type": "boolean"})));
    assert_eq!(target("203"), Some(json!({"type": "integer"})));
}

#[test]
fn an_operation_body_replaces_the_path_body() {
    let out = converted(json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {
            "parameters": [{"name": "shared", "in": "body", "schema": {"type": "string"}}],
            "get": {"parameters": [{"name": "own", "in": "body", "schema": {"type": "integer"}}], "responses": {}},
            "put": {"parameters": [{"$ref": "#/definitions/A"}], "responses": {}}
        }},
        "definitions": {"A": {"type": "object"}}
    }))
    .document;
    let get = &out["paths"]["/a"]["get"];
    assert!(get.get(guard::UNSUPPORTED).is_none(), "{get}");
    assert_eq!(
        get["requestBody"]["content"]["application/json"]["schema"],
        json!({"type": "integer"})
    );
    let put = &out["paths"]["/a"]["put"];
    assert_eq!(
        put["requestBody"]["content"]["application/json"]["schema"],
        json!({"type": "string"})
    );
    // A parameter `$ref` to something that is not a parameter names where it points.
    let why = put[guard::UNSUPPORTED].as_str().expect("marked");
    assert!(why.contains("(at `/definitions/A`)"), "{why}");
}
