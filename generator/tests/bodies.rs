//! Request bodies and parameter serialization beyond JSON: form and multipart bodies, the
//! allowlist's `body_encoding`, query styles, reserved path values, header arrays and
//! per-operation required body properties. The fixture's snapshot is compiled against the real
//! runtime (and linted by clippy) and driven through `ToolDef::build`; the error cases run
//! the generator on scratch documents. The snapshot is checked by `snapshots.rs`.

mod bodies {
    include!("snapshots/bodies.rs");
}

use std::path::{Path, PathBuf};

use alter_mcp_gen::{At, Diagnostics, generate};
use alter_mcp_runtime::serde_json::{self, Value, json};
use alter_mcp_runtime::{ArgumentError, BodyEncoding, ProviderRequest};

const FIXTURE: &str = "tests/fixtures/bodies/allowlist.toml";

fn call(name: &str, arguments: Value) -> Result<ProviderRequest, ArgumentError> {
    let tool = bodies::TOOLS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name}"));
    let Value::Object(map) = arguments else {
        panic!("arguments are an object")
    };
    (tool.build)(map)
}

fn schema(name: &str) -> Value {
    let tool = bodies::TOOLS.iter().find(|t| t.name == name).expect("tool");
    serde_json::from_str(tool.input_schema).expect("JSON schema")
}

fn body_text(request: &ProviderRequest) -> String {
    let body = request
        .encode_body("BOUNDARY")
        .expect("encodes")
        .expect("a body");
    String::from_utf8(body.bytes).expect("text")
}

#[test]
fn the_fixture_registers_every_tool() {
    let generated = generate(FIXTURE).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        generated.tool_names,
        [
            "post_form",
            "post_json",
            "create_note",
            "replace_note",
            "search",
            "insert_event"
        ]
    );
}

#[test]
fn form_bodies_are_encoded_per_field_style() {
    let arguments = json!({
        "channel": "C1", "text": "hi & bye", "limit": 5, "body_limit": 7,
        "ids": [1, 2], "tags": ["a", "b"], "blocks": [{"type": "divider"}],
        "filter": {"kind": "x"},
    });
    let request = call("post_form", arguments.clone()).expect("valid");
    assert_eq!(request.body_encoding(), BodyEncoding::Form);
    // The query parameter and the body field called `limit` both reach the request.
    assert_eq!(request.query_params(), &[("limit".to_owned(), json!(5))]);
    assert_eq!(request.json_body().expect("fields")["limit"], json!(7));
    assert_eq!(
        body_text(&request),
        "blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D&channel=C1&filter%5Bkind%5D=x\
         &ids=1&ids=2&limit=7&tags=a%2Cb&text=hi+%26+bye"
    );
    let required = &schema("post_form")["required"];
    assert_eq!(required, &json!(["channel"]));
    let error = call("post_form", json!({"text": "no channel"})).unwrap_err();
    assert!(error.message.contains("channel"), "{error}");
}

#[test]
fn body_encoding_json_sends_the_same_fields_as_json() {
    let arguments = json!({"channel": "C1", "tags": ["a", "b"], "filter": {"kind": "x"}});
    let request = call("post_json", arguments).expect("valid");
    assert_eq!(request.body_encoding(), BodyEncoding::Json);
    assert_eq!(
        body_text(&request),
        r#"{"channel":"C1","filter":{"kind":"x"},"tags":["a","b"]}"#
    );
}

#[test]
fn multipart_bodies_carry_text_parts() {
    let arguments = json!({"title": "T", "tags": ["a"], "meta": {"pinned": true}});
    let request = call("create_note", arguments).expect("valid");
    assert_eq!(request.body_encoding(), BodyEncoding::Multipart);
    assert_eq!(
        body_text(&request),
        "--BOUNDARY\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"pinned\":true}\r\n\
         --BOUNDARY\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n\
         --BOUNDARY\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nT\r\n\
         --BOUNDARY--\r\n"
    );
}

#[test]
fn json_is_preferred_and_same_named_fields_are_renamed() {
    let request = call("replace_note", json!({"id": "n/1", "body_id": "inner"})).expect("valid");
    assert_eq!(request.body_encoding(), BodyEncoding::Json);
    assert_eq!(request.url(), "https://api.bodies.test/v1/notes/n%2F1");
    assert_eq!(request.json_body(), Some(&json!({"id": "inner"})));
}

#[test]
fn query_styles_reserved_paths_and_header_arrays() {
    let arguments = json!({
        "name": "projects/p1/things", "ids": [1, 2], "words": ["a", "b"],
        "colors": ["red", "blue"], "filter": {"kind": "k", "owner": "o"},
        "plain": ["x", "y"], "X-Tags": ["t1", "t2"],
    });
    let request = call("search", arguments).expect("valid");
    assert_eq!(
        request.url(),
        "https://api.bodies.test/v1/projects/p1/things:search"
    );
    assert_eq!(
        request.query_params(),
        &[
            ("ids".to_owned(), json!("1,2")),
            ("words".to_owned(), json!("a b")),
            ("colors".to_owned(), json!("red|blue")),
            ("filter[kind]".to_owned(), json!("k")),
            ("filter[owner]".to_owned(), json!("o")),
            ("plain".to_owned(), json!(["x", "y"])),
        ]
    );
    assert_eq!(
        request.headers(),
        &[("X-Tags".to_owned(), "t1,t2".to_owned())]
    );
    let error = call("search", json!({"name": "a/../b"})).unwrap_err();
    assert!(error.message.contains("`..`"), "{error}");
}

#[test]
fn per_operation_required_properties_are_required() {
    assert_eq!(
        schema("insert_event")["required"],
        json!(["calendarId", "start", "end"])
    );
    let error = call("insert_event", json!({"calendarId": "c", "start": "s"})).unwrap_err();
    assert!(error.message.contains("`end`"), "{error}");
}

// ---- what is refused, and where ----

const OP: &str = "/paths/~1x/post";

fn spec(body: &str, params: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\nservers: [{{url: 'https://api.test'}}]\n\
         paths:\n  /x:\n    post:\n      operationId: x\n      parameters: [{params}]\n      \
         responses: {{'200': {{description: ok}}}}\n      requestBody:\n{body}\n"
    )
}

fn problems(name: &str, spec: &str) -> Diagnostics {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen-bodies")
        .join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(dir.join("openapi.yaml"), spec).expect("write spec");
    let allowlist: PathBuf = dir.join("allowlist.toml");
    std::fs::write(
        &allowlist,
        "provider = \"p\"\nspec = \"openapi.yaml\"\n[[tool]]\noperation = \"x\"\n",
    )
    .expect("write allowlist");
    generate(&allowlist).expect_err("the case is refused")
}

/// The pointer and message of the only problem, which must have help.
fn single(error: &Diagnostics) -> (String, String, String) {
    assert_eq!(error.len(), 1, "{error}");
    let d = error.iter().next().expect("one");
    let At::Pointer(pointer) = &d.location.at else {
        panic!("not a pointer: {d}")
    };
    (
        pointer.clone(),
        d.message.clone(),
        d.help.clone().unwrap_or_default(),
    )
}

#[test]
fn unknown_required_properties_are_refused() {
    let json = "        content:\n          application/json:\n            schema: {type: object, properties: {a: {type: string}}}";

    let unknown = json.replace(
        "        content:",
        "        x-alter-required-properties: [a, b]\n        content:",
    );
    let (pointer, message, _) = single(&problems("required-unknown", &spec(&unknown, "")));
    assert_eq!(
        pointer,
        format!("{OP}/requestBody/x-alter-required-properties/1")
    );
    assert!(message.contains("\"b\""), "{message}");
}

#[test]
fn registration_lists_every_tool_in_allowlist_order() {
    let names: Vec<&str> = bodies::TOOLS.iter().map(|tool| tool.name).collect();
    assert_eq!(names, bodies::TOOL_NAMES);
    assert!(!names.is_empty());
    // The fixture declares no OAuth security: no scopes, one (empty) entry per tool.
    assert!(bodies::SCOPES.is_empty());
    let scoped: Vec<&str> = bodies::TOOL_SCOPES.iter().map(|(name, _)| *name).collect();
    assert_eq!(scoped, names);
}

#[test]
fn deep_object_arrays_and_scalars_are_sent_in_brackets() {
    // Stripe writes `style: deepObject` on arrays (`expand`) and on `anyOf` object-or-integer
    // values (`created`); the runtime's bracket encoding covers every shape.
    let json = "        content:\n          application/json:\n            schema: {type: object, properties: {a: {type: string}}}";
    let deep = "{name: expand, in: query, style: deepObject, explode: true, schema: {type: array, items: {type: string}}}";
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen-bodies")
        .join("deep-array");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(dir.join("openapi.yaml"), spec(json, deep)).expect("write spec");
    std::fs::write(
        dir.join("allowlist.toml"),
        "provider = \"p\"\nspec = \"openapi.yaml\"\n[[tool]]\noperation = \"x\"\n",
    )
    .expect("write allowlist");
    let generated = generate(dir.join("allowlist.toml")).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        generated
            .code
            .contains("::alter_mcp_runtime::Style::DeepObject"),
        "{}",
        generated.code
    );
    let mut request = ProviderRequest::new(alter_mcp_runtime::Method::Get, "https://api.test/x");
    request.query_style(
        "expand",
        ["customer", "invoice"],
        alter_mcp_runtime::Style::DeepObject,
    );
    let sent: Vec<(&str, String)> = request
        .query_params()
        .iter()
        .map(|(k, v)| (k.as_str(), v.to_string()))
        .collect();
    assert_eq!(
        sent,
        [
            ("expand[0]", "\"customer\"".to_owned()),
            ("expand[1]", "\"invoice\"".to_owned())
        ]
    );
}

#[test]
fn a_tool_body_encoding_without_a_form_body_is_refused() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("alter-mcp-gen-bodies/encoding-key");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let fixture = Path::new("tests/fixtures/bodies/openapi.yaml");
    std::fs::copy(fixture, dir.join("openapi.yaml")).expect("copy spec");
    let allowlist = dir.join("allowlist.toml");
    std::fs::write(
        &allowlist,
        "provider = \"p\"\nspec = \"openapi.yaml\"\nbody_encoding = \"json\"\n\
         [[tool]]\noperation = \"chat.postMessage\"\n\
         [[tool]]\noperation = \"things.search\"\nbody_encoding = \"document\"\n\
         [[tool]]\noperation = \"notes.replace\"\nbody_encoding = \"json\"\n",
    )
    .expect("write allowlist");
    let error = generate(&allowlist).expect_err("tool[2] is refused");
    assert_eq!(error.len(), 1, "{error}");
    let d = error.iter().next().expect("one");
    assert_eq!(d.location.at, At::Key("tool[2].body_encoding".to_owned()));
    assert!(d.message.contains("no form or multipart body"), "{d}");
}

#[test]
fn body_encoding_json_never_turns_files_into_json() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("alter-mcp-gen-bodies/encoding-files");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let fixture = Path::new("tests/fixtures/bodies/openapi.yaml");
    std::fs::copy(fixture, dir.join("openapi.yaml")).expect("copy spec");
    let allowlist = dir.join("allowlist.toml");
    // The top-level setting applies to form bodies only: the upload stays multipart.
    std::fs::write(
        &allowlist,
        "provider = \"p\"\nspec = \"openapi.yaml\"\nbody_encoding = \"json\"\n\
         [[tool]]\noperation = \"chat.postMessage\"\n[[tool]]\noperation = \"files.upload\"\n",
    )
    .expect("write allowlist");
    let generated = generate(&allowlist).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        generated
            .code
            .contains("request.body_file(\"file\", self.file, \"application/octet-stream\");"),
        "{}",
        generated.code
    );
    let warned: Vec<&str> = generated
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0]
            .starts_with("tool `files_upload` sends a body of type `multipart/form-data` (files)")
    );
    // A tool's own setting on an upload cannot be honoured: an error naming the file field.
    std::fs::write(
        &allowlist,
        "provider = \"p\"\nspec = \"openapi.yaml\"\n\
         [[tool]]\noperation = \"files.upload\"\nbody_encoding = \"json\"\n",
    )
    .expect("write allowlist");
    let error = generate(&allowlist).expect_err("refused");
    let d = error.iter().next().expect("one");
    assert_eq!(d.location.at, At::Key("tool[0].body_encoding".to_owned()));
    assert!(d.message.contains("field `file` is a file"), "{d}");
}
