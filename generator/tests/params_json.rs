//! Parameters whose values travel as JSON text (`content: {application/json: ...}`) and form
//! bodies whose fields are free-form. The fixture's snapshot is compiled against the real
//! runtime and driven through `ToolDef::build`; The snapshot is checked by `snapshots.rs`.

mod params_json {
    include!("snapshots/params_json.rs");
}

use alter_mcp_gen::generate;
use alter_mcp_runtime::serde_json::{self, Value, json};
use alter_mcp_runtime::{ArgumentError, BodyEncoding, ProviderRequest};

const FIXTURE: &str = "tests/fixtures/params_json/allowlist.toml";

fn call(name: &str, arguments: Value) -> Result<ProviderRequest, ArgumentError> {
    let tool = params_json::TOOLS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name}"));
    let Value::Object(map) = arguments else {
        panic!("arguments are an object")
    };
    (tool.build)(map)
}

fn schema(name: &str) -> Value {
    let tool = params_json::TOOLS
        .iter()
        .find(|t| t.name == name)
        .expect("tool");
    serde_json::from_str(tool.input_schema).expect("JSON schema")
}

#[test]
fn the_fixture_registers_every_tool() {
    let generated = generate(FIXTURE).unwrap_or_else(|d| panic!("{d}"));
    assert!(params_json::SCOPES.is_empty());
    assert_eq!(
        params_json::TOOL_SCOPES.len(),
        params_json::TOOL_NAMES.len()
    );
    assert_eq!(
        params_json::TOOL_NAMES,
        [
            "find_items",
            "list_charges",
            "create_charge",
            "create_charge_json",
            "create_note",
            "replace_note"
        ]
    );
    for call in [
        "request.path_json(\"key\", self.key);",
        "request.query_json(\"filter\", self.filter);",
        "request.query_json(\"label\", self.label.as_deref().unwrap_or(\"all\"));",
        "request.header_json(\"X-Context\", self.x_context);",
        "request.query(\"plain\", self.plain);",
    ] {
        assert!(generated.code.contains(call), "missing `{call}`");
    }
}

#[test]
fn json_parameters_take_their_content_schema() {
    let schema = schema("find_items");
    let properties = &schema["properties"];
    assert_eq!(properties["key"]["required"], json!(["id"]));
    assert_eq!(properties["filter"]["properties"]["tags"]["type"], "array");
    assert_eq!(properties["label"]["type"], "string");
    assert_eq!(
        properties["X-Context"]["additionalProperties"],
        json!({"type": "string"})
    );
    assert_eq!(schema["required"], json!(["key"]));
}

#[test]
fn json_parameters_are_sent_as_json_text() {
    let arguments = json!({
        "key": {"id": 7}, "filter": {"owner": "me", "tags": ["a b"]},
        "X-Context": {"trace": "t1"}, "plain": "as is",
    });
    let request = call("find_items", arguments).expect("valid");
    assert_eq!(
        request.url(),
        "https://api.content.test/v1/items/%7B%22id%22%3A7%7D"
    );
    assert_eq!(
        request.query_params(),
        &[
            (
                "filter".to_owned(),
                json!(r#"{"owner":"me","tags":["a b"]}"#)
            ),
            // The allowlist's default, a JSON string: quoted.
            ("label".to_owned(), json!(r#""all""#)),
            ("plain".to_owned(), json!("as is")),
        ]
    );
    assert_eq!(
        request.headers(),
        &[("X-Context".to_owned(), r#"{"trace":"t1"}"#.to_owned())]
    );
    // The content schema is enforced before anything is sent.
    let error = call("find_items", json!({"key": {"id": "seven"}})).unwrap_err();
    assert!(error.to_string().contains("`key.id`"), "{error}");
}

// ---- form bodies that are not an object with named properties ----

#[test]
fn an_empty_form_sends_no_body() {
    let request = call("list_charges", json!({"limit": 3})).expect("valid");
    assert_eq!(request.json_body(), None);
    assert_eq!(request.query_params(), &[("limit".to_owned(), json!(3))]);
    assert_eq!(
        schema("list_charges")["properties"],
        json!({"limit": {"type": "integer"}})
    );
}

#[test]
fn free_form_fields_are_one_map_whose_entries_are_the_fields() {
    let input = schema("create_charge");
    assert_eq!(input["required"], json!(["body"]));
    assert_eq!(
        input["properties"]["body"]["additionalProperties"],
        json!({"type": "string"})
    );
    let request = call(
        "create_charge",
        json!({"body": {"amount": "5", "currency": "eur"}}),
    )
    .expect("valid");
    assert_eq!(request.body_encoding(), BodyEncoding::Form);
    let body = request.encode_body("B").expect("encodes").expect("a body");
    assert_eq!(body.bytes, b"amount=5&currency=eur");
    // The map's value type is enforced before anything is sent.
    let error = call("create_charge", json!({"body": {"amount": 5}})).unwrap_err();
    assert!(error.to_string().contains("`body.amount`"), "{error}");
    // `body_encoding = "json"` sends the same map as a JSON object.
    let request = call("create_charge_json", json!({"body": {"a": "1"}})).expect("valid");
    assert_eq!(request.body_encoding(), BodyEncoding::Json);
    assert_eq!(request.json_body(), Some(&json!({"a": "1"})));
}

#[test]
fn an_untyped_multipart_form_takes_any_fields() {
    let input = schema("create_note");
    assert_eq!(input["properties"]["body"]["type"], "object");
    assert_eq!(input.get("required"), None);
    let request = call("create_note", json!({"body": {"title": "T", "n": 2}})).expect("valid");
    assert_eq!(request.body_encoding(), BodyEncoding::Multipart);
    let body = request.encode_body("B").expect("encodes").expect("a body");
    assert_eq!(
        String::from_utf8(body.bytes).expect("text"),
        "--B\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n2\r\n\
         --B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nT\r\n--B--\r\n"
    );
}

#[test]
fn an_all_of_form_is_merged_into_fields_with_their_styles() {
    let input = schema("replace_note");
    assert_eq!(input["required"], json!(["title", "text"]));
    let arguments = json!({"title": "T", "text": "x", "tags": ["a", "b"]});
    let request = call("replace_note", arguments).expect("valid");
    let body = request.encode_body("B").expect("encodes").expect("a body");
    assert_eq!(body.bytes, b"tags=a%7Cb&text=x&title=T");
}

// ---- forms of other shapes still make a tool ----

/// The input schema of the only tool of a document whose multipart body has `schema`.
fn multipart_input(name: &str, schema: &str) -> Value {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen-params-json")
        .join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let spec = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\nservers: [{{url: 'https://api.test'}}]\n\
         paths:\n  /x:\n    post:\n      operationId: x\n      responses: {{'200': {{description: ok}}}}\n      \
         requestBody:\n        content:\n          multipart/form-data:\n            schema: {schema}\n\
         components:\n  schemas:\n    Files: {{type: object, additionalProperties: {{type: string, format: binary}}}}\n"
    );
    std::fs::write(dir.join("openapi.yaml"), spec).expect("write spec");
    let allowlist = dir.join("allowlist.toml");
    std::fs::write(
        &allowlist,
        "provider = \"p\"\nspec = \"openapi.yaml\"\n[[tool]]\noperation = \"x\"\n",
    )
    .expect("write allowlist");
    let generated = generate(&allowlist).unwrap_or_else(|d| panic!("{name}: {d}"));
    let summary = generated.tools.first().expect("one tool");
    serde_json::from_str(&summary.input_schema).expect("JSON schema")
}

#[test]
fn forms_that_are_not_fields_still_make_a_tool() {
    let file = |node: &Value| node["properties"]["content"]["contentEncoding"] == "base64";
    // An array (Jira's attachments): files in parts named `file`.
    let array = multipart_input("array", "{type: array, items: {type: string}}");
    assert!(file(&array["properties"]["file"]["items"]), "{array}");
    // The whole body one file.
    let whole = multipart_input("file", "{type: object, format: file}");
    assert!(file(&whole["properties"]["file"]), "{whole}");
    // A map of files: parts named by the keys.
    let files = multipart_input("files", "{$ref: '#/components/schemas/Files'}");
    assert!(
        file(&files["properties"]["body"]["additionalProperties"]),
        "{files}"
    );
    // One of several shapes: any fields, by name.
    let one_of = multipart_input(
        "one-of",
        "{oneOf: [{type: object, properties: {a: {type: string}}}, {type: object, properties: {b: {type: string}}}]}",
    );
    assert_eq!(one_of["properties"]["body"]["type"], "object", "{one_of}");
}
