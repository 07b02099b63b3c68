//! Lowering tests: small documents in, IR values out.

use std::path::PathBuf;

use serde_json::json;

use super::body::is_json;
use super::params::placeholders;
use super::servers::check_server_url;
use super::*;
use crate::diagnostic::At;
use crate::frontend;
use crate::ir::{
    Body, Kind, OmitReason, Omitted, Param, ParamIn, Property, Schema, TypeDef, TypeId, TypeKind,
};

const HEAD: &str =
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://api.test/v1'}]\n";

pub(super) fn lowered(body: &str, tools: &[(&str, &str)]) -> Result<Lowered, Diagnostics> {
    lowered_with(HEAD, body, tools)
}

fn lowered_with(head: &str, body: &str, tools: &[(&str, &str)]) -> Result<Lowered, Diagnostics> {
    let source = Source {
        path: PathBuf::from("t.yaml"),
        text: format!("{head}{body}"),
    };
    let document = Document::parse(&source, frontend::to_openapi30(&source)?)?;
    let all = document.operations();
    let selected: Vec<Selected> = tools
        .iter()
        .filter_map(|(tool, id)| {
            let operation = all.iter().find(|o| o.operation_id.as_deref() == Some(id))?;
            Some(Selected {
                tool_name: (*tool).to_owned(),
                operation: operation.clone(),
            })
        })
        .collect();
    assert_eq!(selected.len(), tools.len(), "every test operation exists");
    lower(&document, &selected, None)
}

fn described(kind: Kind, description: &str) -> Schema {
    let mut schema = Schema::of(kind);
    schema.description = Some(description.to_owned());
    schema
}

fn pointers(diagnostics: &Diagnostics) -> Vec<At> {
    diagnostics.iter().map(|d| d.location.at.clone()).collect()
}

#[test]
fn parameters_merge_resolve_and_drop_credentials() {
    let doc = r#"
components:
  securitySchemes:
    key: {type: apiKey, in: query, name: token}
  parameters:
    Id: {$ref: '#/components/parameters/RealId'}
    RealId: {name: id, in: path, required: true, description: The id., schema: {type: string}}
paths:
  /items/{id}:
    parameters:
      - $ref: '#/components/parameters/Id'
      - {name: limit, in: query, description: Path level., schema: {type: integer}}
    get:
      operationId: items.get
      parameters:
        - {name: limit, in: query, description: Operation level., schema: {type: integer, format: int32}}
        - {name: token, in: query, required: true, schema: {type: string}}
        - {name: X-Req, in: header, schema: {type: string}}
        - {name: Authorization, in: header, schema: {type: string}}
      responses: {'200': {description: ok}}
"#;
    let lowered = lowered(doc, &[("get_item", "items.get")]).expect("lowers");
    let op = &lowered.operations[0];
    assert_eq!(op.url, "https://api.test/v1/items/{id}");
    assert_eq!(op.input_type, "GetItemInput");
    let omitted: Vec<(&str, OmitReason)> = op
        .omitted
        .iter()
        .map(|o| (o.name.as_str(), o.reason))
        .collect();
    assert_eq!(
        omitted,
        [
            ("token", OmitReason::Credential),
            ("Authorization", OmitReason::Credential)
        ]
    );
    assert_eq!(
        op.params,
        [
            Param {
                name: "id".to_owned(),
                location: ParamIn::Path,
                required: true,
                schema: described(Kind::String, "The id."),
                pointer: "/components/parameters/RealId".to_owned(),
                style: ir::Style::Form,
                reserved: false,
                json: false,
            },
            Param {
                name: "limit".to_owned(),
                location: ParamIn::Query,
                required: false,
                schema: Schema {
                    format: Some("int32".to_owned()),
                    ..described(Kind::Integer(ir::IntWidth::I32), "Operation level.")
                },
                pointer: "/paths/~1items~1{id}/get/parameters/0".to_owned(),
                style: ir::Style::Form,
                reserved: false,
                json: false,
            },
            Param {
                name: "X-Req".to_owned(),
                location: ParamIn::Header,
                required: false,
                schema: Schema::of(Kind::String),
                pointer: "/paths/~1items~1{id}/get/parameters/2".to_owned(),
                style: ir::Style::Form,
                reserved: false,
                json: false,
            },
        ]
    );
}

#[test]
fn component_types_are_named_once_and_recursion_terminates() {
    let doc = r#"
components:
  schemas:
    Node:
      type: object
      description: A node.
      required: [name]
      properties:
        name: {type: string}
        kind: {type: string, enum: [leaf, branch]}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        id: {type: string, readOnly: true}
    Alias: {$ref: '#/components/schemas/Node'}
paths:
  /nodes:
    post:
      operationId: nodes.create
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Alias'}
      responses: {'200': {description: ok}}
    put:
      operationId: nodes.replace
      requestBody:
        content:
          application/json:
            schema: {type: array, items: {$ref: '#/components/schemas/Node'}}
      responses: {'200': {description: ok}}
"#;
    let lowered = lowered(
        doc,
        &[("create", "nodes.create"), ("replace", "nodes.replace")],
    )
    .expect("lowers");
    let node = TypeDef {
        name: "Node".to_owned(),
        pointer: "/components/schemas/Node".to_owned(),
        description: Some("A node.".to_owned()),
        kind: TypeKind::Struct {
            properties: vec![
                Property {
                    name: "name".to_owned(),
                    required: true,
                    required_nullable: false,
                    schema: Schema::of(Kind::String),
                },
                Property {
                    name: "kind".to_owned(),
                    required: false,
                    required_nullable: false,
                    schema: Schema::of(Kind::Named(TypeId(1))),
                },
                Property {
                    name: "children".to_owned(),
                    required: false,
                    required_nullable: false,
                    schema: Schema::of(Kind::Array(Box::new(Schema::of(Kind::Named(TypeId(0)))))),
                },
            ],
            additional: None,
        },
    };
    let kind = TypeDef {
        name: "NodeKind".to_owned(),
        pointer: "/components/schemas/Node/properties/kind".to_owned(),
        description: None,
        kind: TypeKind::Enum {
            values: vec!["leaf".to_owned(), "branch".to_owned()],
        },
    };
    assert_eq!(lowered.types.types, [node.clone(), kind]);
    let TypeKind::Struct { properties, .. } = node.kind else {
        unreachable!("a struct")
    };
    assert_eq!(
        lowered.operations[0].body,
        Some(Body::Fields {
            properties,
            pointer: "/paths/~1nodes/post/requestBody/content/application~1json/schema".to_owned(),
            encoding: ir::BodyEncoding::Json,
            styles: Vec::new(),
        })
    );
    assert_eq!(
        lowered.operations[1].body,
        Some(Body::Whole {
            schema: Schema::of(Kind::Array(Box::new(Schema::of(Kind::Named(TypeId(0)))))),
            required: false,
            pointer: "/paths/~1nodes/put/requestBody/content/application~1json/schema".to_owned(),
            encoding: ir::BodyEncoding::Json,
            content_type: None,
        })
    );
}

#[test]
fn scalars_maps_and_untyped_values() {
    let doc = r#"
paths:
  /x:
    post:
      operationId: x
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                big: {type: string, format: int64}
                n: {type: integer}
                ratio: {type: number, minimum: 0, exclusiveMinimum: true}
                labels: {type: object, additionalProperties: {type: string}}
                anything: {}
                either: {oneOf: [{type: string}, {type: string, format: date}]}
                inline: {type: object, properties: {a: {type: boolean}}}
      responses: {'200': {description: ok}}
"#;
    let lowered = lowered(doc, &[("do_x", "x")]).expect("lowers");
    let Some(Body::Fields { properties, .. }) = &lowered.operations[0].body else {
        unreachable!("an object body")
    };
    let schemas: Vec<&Schema> = properties.iter().map(|p| &p.schema).collect();
    assert_eq!(
        schemas[0],
        &Schema {
            format: Some("int64".to_owned()),
            ..Schema::of(Kind::String)
        }
    );
    assert_eq!(schemas[1], &Schema::of(Kind::Integer(ir::IntWidth::I64)));
    assert_eq!(
        schemas[2],
        &Schema {
            keywords: vec![("exclusiveMinimum".to_owned(), json!(0.0))],
            ..Schema::of(Kind::Number)
        }
    );
    assert_eq!(
        schemas[3],
        &Schema::of(Kind::Map(Box::new(Schema::of(Kind::String))))
    );
    assert_eq!(schemas[4], &Schema::of(Kind::Json(json!({}))));
    assert_eq!(
        schemas[5],
        &Schema::of(Kind::Json(
            json!({"oneOf": [{"type": "string"}, {"type": "string", "format": "date"}]})
        ))
    );
    assert_eq!(schemas[6], &Schema::of(Kind::Named(TypeId(0))));
    assert_eq!(lowered.types.types[0].name, "DoXInline");
}

#[test]
fn unsupported_inputs_are_reported_together_with_pointers() {
    let doc = r#"
paths:
  /a/{id}:
    post:
      operationId: a
      parameters:
        - {name: session, in: cookie, schema: {type: string}}
        - {name: ext, in: query, schema: {$ref: 'other.yaml#/components/schemas/X'}}
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: string}
      responses: {'200': {description: ok}}
"#;
    let error = lowered(doc, &[("a", "a")]).unwrap_err();
    assert_eq!(
        pointers(&error),
        [
            At::Pointer("/paths/~1a~1{id}/post/parameters/0".to_owned()),
            At::Pointer("/paths/~1a~1{id}/post/parameters/1/schema".to_owned()),
        ]
    );
    let messages: Vec<&str> = error.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages[0].contains("cookie parameter `session`"),
        "{messages:?}"
    );
    assert!(messages[1].contains("external `$ref`"), "{messages:?}");
    assert!(error.iter().all(|d| d.help.is_some()));
}

#[test]
fn path_parameters_the_template_misses_or_lacks_are_handled_with_warnings() {
    let doc = r#"
paths:
  /a/{id}:
    get:
      operationId: a
      parameters:
        - {name: stale, in: path, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
"#;
    let lowered = lowered(doc, &[("a", "a")]).expect("handled");
    let op = &lowered.operations[0];
    let params: Vec<(&str, ParamIn, bool)> = op
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.required))
        .collect();
    assert_eq!(params, [("id", ParamIn::Path, true)]);
    assert_eq!(op.params[0].schema.kind, Kind::String);
    assert_eq!(
        op.omitted,
        [Omitted {
            name: "stale".to_owned(),
            reason: OmitReason::Unused
        }]
    );
    let warned: Vec<(&str, &At)> = lowered
        .warnings
        .iter()
        .map(|w| (w.message.as_str(), &w.location.at))
        .collect();
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(warned[0].0.contains("declares no path parameter `id`"));
    assert_eq!(warned[0].1, &At::Pointer("/paths/~1a~1{id}/get".to_owned()));
    assert!(warned[1].0.contains("`stale` does not appear in the path"));
    assert_eq!(
        warned[1].1,
        &At::Pointer("/paths/~1a~1{id}/get/parameters/0".to_owned())
    );
}

#[test]
fn servers_must_be_absolute_https_or_loopback_http() {
    let url = |text: &str| check_server_url(text).map(|c| (c.url, c.upgraded_from));
    assert_eq!(
        url("https://api.test/v1/"),
        Ok(("https://api.test/v1".to_owned(), None))
    );
    assert_eq!(
        url("HTTP://api.test/v1"),
        Ok((
            "https://api.test/v1".to_owned(),
            Some("HTTP://api.test/v1".to_owned())
        ))
    );
    for local in [
        "http://localhost:8080/v1",
        "http://127.0.0.1",
        "http://[::1]:9/x",
    ] {
        assert_eq!(url(local), Ok((local.to_owned(), None)), "{local}");
    }
    assert!(url("http://localhost.evil.test").is_ok_and(|(_, up)| up.is_some()));
    assert!(check_server_url("http://user@127.0.0.1").is_err());
    assert!(check_server_url("/v1").is_err());
    assert!(check_server_url("https://").is_err());
    assert!(check_server_url("https://{region}.api.test").is_err());
    assert!(is_json("application/json; charset=utf-8"));
    assert!(is_json("application/merge-patch+json"));
    assert!(!is_json("text/plain"));
    assert_eq!(placeholders("/a/{b}/c/{d}"), ["b", "d"]);
}

#[test]
fn reference_cycles_end() {
    let doc = r#"
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/A'}
    List: {type: array, items: {$ref: '#/components/schemas/List'}}
paths:
  /x:
    post:
      operationId: x
      parameters:
        - {name: list, in: query, schema: {$ref: '#/components/schemas/List'}}
        - {name: a, in: query, schema: {$ref: '#/components/schemas/A'}}
      responses: {'200': {description: ok}}
"#;
    let error = lowered(doc, &[("x", "x")]).unwrap_err();
    let d = error.iter().next().expect("one problem");
    assert_eq!(error.len(), 1, "{error}");
    assert!(d.message.contains("cycle"), "{d}");

    let ok = doc.replace(
        "        - {name: a, in: query, schema: {$ref: '#/components/schemas/A'}}\n",
        "",
    );
    let lowered = lowered(&ok, &[("x", "x")]).expect("a self-containing array is untyped inside");
    assert_eq!(
        lowered.operations[0].params[0].schema,
        Schema::of(Kind::Array(Box::new(Schema::of(Kind::Json(json!({}))))))
    );
}

#[test]
fn success_responses_are_followed_and_kept() {
    let doc = r#"
components:
  responses:
    Found: {$ref: '#/components/responses/Real'}
    Real:
      description: ok
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Page'}
  schemas:
    Page:
      type: object
      properties:
        items: {type: array, items: {$ref: '#/components/schemas/Item'}}
        next: {$ref: '#/components/schemas/Page'}
    Item:
      type: object
      properties:
        id: {type: string, readOnly: true}
paths:
  /items:
    get:
      operationId: list
      responses:
        '404': {$ref: '#/components/responses/Missing'}
        '200': {$ref: '#/components/responses/Found'}
    delete:
      operationId: clear
      responses:
        default: {description: error, content: {application/json: {schema: {type: object}}}}
        '204': {description: gone}
"#;
    let lowered = lowered(doc, &[("list", "list"), ("clear", "clear")])
        .expect("a non-success response is not checked");
    let list = lowered.operations[0].response.clone().expect("a 200");
    assert_eq!(
        (list.status.as_str(), list.pointer.as_str()),
        ("200", "/components/responses/Real")
    );
    // The output reading: a type of its own, read-only members kept, nothing required.
    let Some(ir::Kind::Named(page_id)) = list.output.map(|o| o.kind) else {
        panic!("the page is an output type");
    };
    let page_def = lowered.types.get(page_id).expect("registered");
    assert_eq!(page_def.name, "PageOutput");
    let item = lowered
        .types
        .types
        .iter()
        .find(|t| t.name == "ItemOutput")
        .expect("the item's output type");
    let ir::TypeKind::Struct {
        properties,
        additional,
    } = &item.kind
    else {
        panic!("a struct");
    };
    assert_eq!(properties.len(), 1, "readOnly `id` is kept in outputs");
    assert!(!properties[0].required);
    assert!(additional.is_some(), "undocumented fields are kept");
    assert_eq!(
        lowered.operations[1].response,
        Some(ir::Response {
            status: "204".to_owned(),
            pointer: "/paths/~1items/delete/responses/204".to_owned(),
            output: None,
            link_header: false,
        })
    );
}

#[test]
fn dangling_response_references_are_warnings_with_pointers() {
    let doc = r#"
components:
  schemas:
    Page:
      type: object
      properties:
        self: {$ref: '#/components/schemas/Page'}
        items: {type: array, items: {$ref: '#/components/schemas/Gone'}}
        either: {oneOf: [{type: string}, {$ref: 'x.json#/Y'}]}
paths:
  /a:
    get:
      operationId: a
      responses:
        '500': {$ref: '#/components/responses/AlsoMissing'}
        '201': {$ref: '#/components/responses/Missing'}
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}
  /b:
    get:
      operationId: b
      responses:
        default: {$ref: 'other.yaml#/responses/X'}
"#;
    // Outputs are lenient: what a reference meant is read as any value, and a response that
    // cannot be found is left out; each is a warning with its pointer.
    let lowered = lowered(doc, &[("a", "a"), ("b", "b")]).expect("lowers");
    let warnings = &lowered.warnings;
    let at: Vec<&At> = warnings.iter().map(|d| &d.location.at).collect();
    for pointer in [
        "/paths/~1a/get/responses/201",
        "/components/schemas/Page/properties/items/items",
        "/components/schemas/Page/properties/either/oneOf/1",
        "/paths/~1b/get/responses/default",
    ] {
        assert!(
            at.contains(&&At::Pointer(pointer.to_owned())),
            "{pointer}: {at:?}"
        );
    }
    let messages: Vec<&str> = warnings.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("points to nothing")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("external `$ref`")),
        "{messages:?}"
    );
    assert!(warnings.iter().all(|d| d.help.is_some()));
    assert!(lowered.operations[0].response.is_some());
    assert!(lowered.operations[1].response.is_none());
}

#[test]
fn references_inside_untyped_schemas_are_checked_once() {
    let doc = r#"
components:
  schemas:
    Shared:
      type: object
      properties:
        gone: {$ref: '#/components/schemas/Gone'}
paths:
  /a:
    post:
      operationId: a
      parameters:
        - name: either
          in: query
          schema: {oneOf: [{type: string}, {$ref: '#/components/schemas/Nope'}]}
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Shared'}}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Shared'}}}
"#;
    let error = lowered(doc, &[("a", "a")]).unwrap_err();
    assert_eq!(
        pointers(&error),
        [
            At::Pointer("/paths/~1a/post/parameters/0/schema/oneOf/1".to_owned()),
            At::Pointer("/components/schemas/Shared/properties/gone".to_owned()),
        ],
        "{error}"
    );
}

fn omitted_of(lowered: &Lowered, i: usize) -> Vec<(String, OmitReason)> {
    lowered.operations[i]
        .omitted
        .iter()
        .map(|o| (o.name.clone(), o.reason))
        .collect()
}

fn param_names(lowered: &Lowered, i: usize) -> Vec<&str> {
    lowered.operations[i]
        .params
        .iter()
        .map(|p| p.name.as_str())
        .collect()
}

#[test]
fn bearer_tokens_in_the_request_are_credentials_only_under_token_auth() {
    let doc = r#"
components:
  securitySchemes:
    oauth: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://a.test', scopes: {}}}}
paths:
  /secured:
    get:
      operationId: secured
      security: [{oauth: []}]
      parameters:
        - {name: token, in: header, schema: {type: string}}
        - {name: access_token, in: query, schema: {type: string}}
        - {name: channel, in: query, schema: {type: string}}
      responses: {'200': {description: ok}}
  /open/{token}:
    get:
      operationId: open
      parameters:
        - {name: token, in: path, required: true, schema: {type: string}}
        - {name: access_token, in: query, schema: {type: string}}
      responses: {'200': {description: ok}}
"#;
    let lowered = lowered(doc, &[("a", "secured"), ("b", "open")]).expect("lowers");
    assert_eq!(param_names(&lowered, 0), ["channel"]);
    assert_eq!(
        omitted_of(&lowered, 0),
        [
            ("token".to_owned(), OmitReason::Credential),
            ("access_token".to_owned(), OmitReason::Credential)
        ]
    );
    // Without token authentication these are ordinary values.
    assert_eq!(param_names(&lowered, 1), ["token", "access_token"]);
    assert!(omitted_of(&lowered, 1).is_empty());
}

#[test]
fn google_keys_and_system_parameters_are_not_inputs() {
    let doc = r#"
paths:
  /things:
    get:
      operationId: things.list
      parameters:
        - {name: key, in: query, schema: {type: string}}
        - {name: alt, in: query, schema: {type: string}}
        - {name: fields, in: query, schema: {type: string}}
        - {name: pageToken, in: query, schema: {type: string}}
      responses: {'200': {description: ok}}
"#;
    let head = HEAD.replace(
        "https://api.test/v1",
        "https://www.googleapis.com/things/v1",
    );
    let lowered_google = lowered_with(&head, doc, &[("a", "things.list")]).expect("lowers");
    assert_eq!(param_names(&lowered_google, 0), ["pageToken"]);
    assert_eq!(
        omitted_of(&lowered_google, 0),
        [
            ("key".to_owned(), OmitReason::Credential),
            ("alt".to_owned(), OmitReason::Transport),
            ("fields".to_owned(), OmitReason::Transport)
        ]
    );
    // Elsewhere `key` and `fields` are ordinary parameters.
    let other = lowered(doc, &[("a", "things.list")]).expect("lowers");
    assert_eq!(
        param_names(&other, 0),
        ["key", "alt", "fields", "pageToken"]
    );
}

#[test]
fn cookie_only_authentication_and_unsupported_operations_are_errors_when_selected() {
    let doc = r#"
components:
  securitySchemes:
    session: {type: apiKey, in: cookie, name: sid}
    header: {type: apiKey, in: header, name: X-Key}
paths:
  /cookie:
    get:
      operationId: cookie
      security: [{session: []}]
      responses: {'200': {description: ok}}
  /either:
    get:
      operationId: either
      security: [{session: []}, {header: []}]
      responses: {'200': {description: ok}}
  /odd:
    get:
      operationId: odd
      x-alter-unsupported: collectionFormat tsv has no OpenAPI 3 equivalent
      responses: {'200': {description: ok}}
"#;
    assert!(
        lowered(doc, &[("b", "either")]).is_ok(),
        "a header key works"
    );
    let error = lowered(doc, &[("a", "cookie"), ("c", "odd")]).expect_err("both fail");
    assert_eq!(
        pointers(&error),
        [
            At::Pointer("/paths/~1cookie/get".to_owned()),
            At::Pointer("/paths/~1odd/get".to_owned())
        ],
        "{error}"
    );
    assert!(error.to_string().contains("cookie"), "{error}");
    assert!(error.to_string().contains("tsv"), "{error}");
}

#[test]
fn an_operation_filed_apart_is_sent_to_its_real_template() {
    let doc = r#"
paths:
  /v1/{name}:
    get:
      operationId: a.get
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
  /v1/{name}#b.get:
    get:
      operationId: b.get
      x-alter-path: /v1/{name}
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
"#;
    let lowered = lowered(doc, &[("a", "a.get"), ("b", "b.get")]).expect("lowers");
    assert_eq!(lowered.operations[0].url, "https://api.test/v1/v1/{name}");
    assert_eq!(lowered.operations[1].url, "https://api.test/v1/v1/{name}");
}
