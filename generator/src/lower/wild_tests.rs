//! Lowering tests for shapes found in real published documents (our own small snippets):
//! bundlers' references into `#/paths/...`, and schema graphs too large to inline.

use serde_json::Value;

use super::tests::lowered;
use crate::diagnostic::At;
use crate::ir::{self, Body, Kind, ParamIn};

#[test]
fn bundled_references_into_paths_resolve() {
    let doc = r#"
paths:
  /b/{id}:
    get:
      operationId: b.get
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses: {default: {description: err, content: {application/json: {schema: {type: object}}}}}
    post:
      operationId: b.post
      parameters: [{$ref: '#/paths/~1b~1%7Bid%7D/get/parameters/0'}]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: {type: string}
                kind: {type: string, enum: [x, y]}
      responses: {'200': {description: ok}}
  /a/{id}:
    put:
      operationId: a.put
      parameters: [{$ref: '#/paths/~1b~1{id}/get/parameters/0'}]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/paths/~1b~1%7Bid%7D/post/requestBody/content/application~1json/schema'}
      responses:
        default: {$ref: '#/paths/~1b~1{id}/get/responses/default'}
"#;
    let lowered = lowered(doc, &[("put_a", "a.put"), ("post_b", "b.post")]).expect("lowers");
    let op = &lowered.operations[0];
    assert_eq!(op.params.len(), 1);
    assert_eq!(
        (op.params[0].name.as_str(), op.params[0].location),
        ("id", ParamIn::Path)
    );
    assert_eq!(op.params[0].pointer, "/paths/~1b~1{id}/get/parameters/0");
    let Some(Body::Fields { properties, .. }) = &op.body else {
        panic!("an object body: {:?}", op.body);
    };
    let names: Vec<&str> = properties.iter().map(|p| p.name.as_str()).collect();
    // Targets are re-read through `serde_json::Value`, which sorts keys.
    assert_eq!(names, ["kind", "name"]);
    assert!(op.response.is_some());
    assert!(matches!(properties[0].schema.kind, Kind::Named(_)));
    assert_eq!(lowered.operations[1].params, op.params);
}

#[test]
fn dangling_pointer_references_are_reported_where_they_are() {
    let doc = r#"
paths:
  /a:
    get:
      operationId: a.get
      parameters: [{$ref: '#/paths/~1nope/get/parameters/0'}]
      responses: {'200': {description: ok}}
"#;
    let error = lowered(doc, &[("get_a", "a.get")]).unwrap_err();
    let d = error.iter().next().expect("one problem");
    assert_eq!(
        d.location.at,
        At::Pointer("/paths/~1a/get/parameters/0".to_owned())
    );
    assert!(d.message.contains("points to nothing"), "{d}");
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("JSON pointer")),
        "{d}"
    );
}

#[test]
fn inlining_a_dense_schema_graph_is_bounded() {
    // Every level refers to the next twice: fully inlined, 2^40 copies.
    let mut doc = String::from("components:\n  schemas:\n");
    for i in 0..40 {
        doc.push_str(&format!(
            "    L{i}: {{type: object, properties: {{a: {{$ref: '#/components/schemas/L{n}'}}, b: {{$ref: '#/components/schemas/L{n}'}}}}}}\n",
            n = i + 1
        ));
    }
    doc.push_str("    L40: {type: string}\n");
    doc.push_str(
        "paths:\n  /a:\n    post:\n      operationId: a.post\n      requestBody:\n        content:\n          application/json:\n            schema: {oneOf: [{$ref: '#/components/schemas/L0'}, {type: object}]}\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/L0'}}}}}\n",
    );
    let lowered = lowered(&doc, &[("post_a", "a.post")]).expect("lowers");
    let op = &lowered.operations[0];
    let Some(Body::Whole { schema, .. }) = &op.body else {
        panic!("an untyped body: {:?}", op.body);
    };
    let Kind::Json(value) = &schema.kind else {
        panic!("untyped: {schema:?}");
    };
    let size = |v: &Value| v.to_string().len();
    assert!(size(value) < 1_000_000, "{} bytes", size(value));
}

#[test]
fn long_media_type_lists_become_one_text_body_with_a_choice() {
    let doc = r#"
paths:
  /a:
    post:
      operationId: a.post
      requestBody:
        required: true
        content: {application/rtf: {}, text/xml: {}, text/plain: {}, text/csv: {}, message/http: {}, message/global: {}}
      responses: {'200': {description: ok}}
"#;
    let lowered = lowered(doc, &[("post_a", "a.post")]).expect("a text body");
    let Some(Body::Whole {
        schema,
        required,
        pointer,
        encoding,
        content_type,
    }) = &lowered.operations[0].body
    else {
        panic!("one body: {:?}", lowered.operations[0].body);
    };
    assert_eq!(schema.kind, Kind::String);
    assert!(*required);
    assert_eq!(
        pointer,
        "/paths/~1a/post/requestBody/content/text~1xml/schema"
    );
    assert_eq!(encoding, &ir::BodyEncoding::Raw("text/xml".to_owned()));
    // Text types only: `application/rtf` is bytes, and text is preferred.
    let listed = &content_type.as_ref().expect("a choice").listed;
    assert_eq!(
        listed,
        &[
            "text/xml",
            "text/plain",
            "text/csv",
            "message/http",
            "message/global"
        ]
    );
}

#[test]
fn parameters_with_content_are_read_like_schema() {
    let doc = r#"
paths:
  /r/{id}:
    get:
      operationId: r.get
      parameters:
        - {name: id, in: path, required: true, content: {'*/*': {schema: {type: string, format: uuid}}}}
      responses: {'200': {description: ok}}
    delete:
      operationId: r.delete
      parameters:
        - {name: id, in: path, required: true, content: {application/json: {schema: {type: object}}}}
      responses: {'200': {description: ok}}
    put:
      operationId: r.put
      parameters:
        - name: id
          in: path
          required: true
          content: {application/json: {schema: {type: string}}, text/plain: {schema: {type: string}}}
      responses: {'200': {description: ok}}
"#;
    let ok = lowered(doc, &[("get_r", "r.get"), ("delete_r", "r.delete")]).expect("lowers");
    let param = &ok.operations[0].params[0];
    assert_eq!(
        (param.name.as_str(), &param.schema.kind, param.json),
        ("id", &Kind::String, false)
    );
    assert_eq!(param.schema.format.as_deref(), Some("uuid"));
    // `application/json`: the value travels as JSON text.
    let param = &ok.operations[1].params[0];
    assert!(param.json && param.name == "id", "{param:?}");
    // Two media types leave the wire form open: reported once, its placeholder is not
    // "missing" as well.
    let error = lowered(doc, &[("put_r", "r.put")]).unwrap_err();
    assert_eq!(error.len(), 1, "{error}");
    let d = error.iter().next().expect("one problem");
    assert_eq!(
        d.location.at,
        At::Pointer("/paths/~1r~1{id}/put/parameters/0/content".to_owned())
    );
    assert!(d.message.contains("exactly one media type"), "{d}");
}
