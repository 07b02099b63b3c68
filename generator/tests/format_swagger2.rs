//! Swagger 2.0 documents generate through the public API: fixtures under
//! `tests/fixtures/formats/swagger2` (YAML and JSON), and Slack's own Swagger 2.0 document
//! from the shared upstream specs with the eight operations its README lists.

mod support;

use support::{input_schema, non_null, nullable, only_null, upstream};

use std::path::PathBuf;

use alter_mcp_gen::{At, Diagnostics, Generated};
use serde_json::json;

const DIR: &str = "tests/fixtures/formats/swagger2";

fn generate(name: &str) -> Result<alter_mcp_gen::Generated, Diagnostics> {
    alter_mcp_gen::generate(format!("{DIR}/{name}.toml"))
}

fn pointers(error: &Diagnostics) -> Vec<String> {
    error
        .iter()
        .map(|d| match &d.location.at {
            At::Pointer(p) => p.clone(),
            other => panic!("not a pointer: {other:?} in {error}"),
        })
        .collect()
}

#[test]
fn petstore_servers_components_parameters_and_body() {
    let generated = generate("petstore").unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(generated.tool_names, ["update_pet", "get_pets"]);
    // https preferred over http; the basePath's trailing slash dropped.
    assert!(
        generated
            .code
            .contains("\"https://petstore.test/v2/pets/{petId}\"")
    );
    assert!(generated.code.contains("\"https://petstore.test/v2/pets\""));
    let schema = input_schema(&generated, "update_pet");
    let properties = &schema["properties"];
    // Path-level `$ref` to a global parameter, query arrays, and the `$ref`'d body parameter's
    // definition flattened next to them.
    assert_eq!(
        properties["petId"],
        json!({"type": "integer", "format": "int64"})
    );
    assert_eq!(
        properties["ids"],
        json!({"type": "array", "items": {"type": "integer"}})
    );
    assert_eq!(
        properties["fields"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(
        properties["name"],
        json!({"type": "string", "description": "The name."})
    );
    assert_eq!(
        properties["tags"]["items"]["properties"]["label"],
        json!({"type": "string"})
    );
    assert_eq!(schema["required"], json!(["petId", "name"]));
    // x-nullable → an optional value.
    assert!(generated.code.contains("pub nickname: Option<String>"));
    let list = input_schema(&generated, "get_pets");
    assert_eq!(
        list["properties"]["status"],
        json!({"type": "string", "enum": ["available", "sold"], "default": "available"})
    );
}

#[test]
fn json_schema_isms_inside_swagger() {
    let generated = generate("nullable").unwrap_or_else(|d| panic!("{d}"));
    let schema = input_schema(&generated, "messages_send");
    let properties = &schema["properties"];
    let channel = json!({"type": "string", "pattern": "^[CGD][A-Z0-9]{8,}$"});
    assert_eq!(properties["channel"], channel);
    assert!(nullable(&properties["bot_id"], "string"), "{schema}");
    assert!(only_null(&properties["thread"]), "{schema}");
    // Tuple `items: [X, {type: null}]` → items: X (nullable).
    let files = &properties["files"];
    assert_eq!(files["type"], "array");
    let item = non_null(&files["items"]);
    assert_eq!(item["pattern"], channel["pattern"]);
    assert_eq!(item["type"], "string", "{files}");
    assert_eq!(
        files["items"]["anyOf"][1],
        json!({"type": "null"}),
        "{files}"
    );
    assert_eq!(
        properties["count"],
        json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
    );
    assert!(
        generated
            .code
            .contains("\"https://chat.test/api/messages.send\"")
    );
}

/// Generates `name`; an error must be the lowerer's "not supported yet" for `media` at `pointer`
/// (form bodies are being added to the lowerer; either outcome is checked).
fn generated_or_unsupported(name: &str, media: &str, pointer: &str) -> Option<Generated> {
    match generate(name) {
        Ok(generated) => Some(generated),
        Err(error) => {
            assert_eq!(pointers(&error), [pointer], "{error}");
            let message = &error.iter().next().expect("one").message;
            assert!(
                message.contains(&format!("`{media}` is not supported")),
                "{error}"
            );
            None
        }
    }
}

#[test]
fn form_parameters_become_a_urlencoded_body() {
    let media = "application/x-www-form-urlencoded";
    let pointer = "/paths/~1chat.post/post/parameters/1";
    if let Some(generated) = generated_or_unsupported("forms", media, pointer) {
        let schema = input_schema(&generated, "chat_post");
        assert_eq!(schema["properties"]["text"]["description"], "The text.");
        assert!(schema["properties"].get("tags").is_some(), "{schema}");
        let required = schema["required"].as_array().cloned().unwrap_or_default();
        assert!(required.contains(&json!("channel")), "{schema}");
    }
}

#[test]
fn file_parameters_make_a_multipart_body_with_a_file_field() {
    // A Swagger `type: file` form parameter is a file part: base64 from the model, sent as
    // bytes; the warning about proxy mode points into the user's Swagger file (the converted
    // body maps back to its first form parameter).
    let generated = generate("upload").unwrap_or_else(|d| panic!("{d}"));
    let schema = input_schema(&generated, "files_upload");
    let file = &schema["properties"]["file"];
    assert_eq!(file["properties"]["content"]["contentEncoding"], "base64");
    assert_eq!(schema["required"], json!(["file"]));
    assert!(
        generated
            .code
            .contains("request.body_file(\"file\", self.file, \"application/octet-stream\");"),
        "{}",
        generated.code
    );
    let warning = generated.warnings.first().expect("a proxy-mode warning");
    assert!(
        warning.message.contains("multipart/form-data"),
        "{warning:?}"
    );
    assert_eq!(
        warning.location.at,
        At::Pointer("/paths/~1files.upload/post/parameters/0".to_owned())
    );
}

#[test]
fn inexpressible_operations_do_not_stop_the_selected_one() {
    let generated = generate("broken").unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(generated.tool_names, ["ok"]);
    assert_eq!(
        input_schema(&generated, "ok")["properties"],
        json!({"q": {"type": "string"}})
    );
}

#[test]
fn no_host_means_no_server_pointing_at_host() {
    let error = generate("no_host").expect_err("no server");
    assert_eq!(pointers(&error), ["/host"]);
    assert!(error.to_string().contains("base_url"), "{error}");
}

const SLACK_OPERATIONS: [&str; 8] = [
    "chat_postMessage",
    "chat_update",
    "chat_delete",
    "conversations_list",
    "conversations_history",
    "users_info",
    "users_list",
    "reactions_add",
];

#[test]
fn slack_swagger_document_with_the_readme_operations() {
    let Some(spec) = upstream("slack/swagger2.json") else {
        return;
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("format-swagger2-slack");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let mut allowlist = format!(
        "provider = \"slack\"\nspec = \"{}\"\n[response]\nok_field = \"ok\"\nerror_field = \"error\"\n",
        spec.display().to_string().replace('\\', "/")
    );
    for operation in SLACK_OPERATIONS {
        allowlist.push_str(&format!("[[tool]]\noperation = \"{operation}\"\n"));
    }
    std::fs::write(dir.join("allowlist.toml"), allowlist).expect("write");
    match alter_mcp_gen::generate(dir.join("allowlist.toml")) {
        Ok(generated) => {
            assert_eq!(generated.tool_names.len(), 8);
            assert!(
                generated
                    .code
                    .contains("\"https://slack.com/api/chat.postMessage\"")
            );
            let history = input_schema(&generated, &generated.tool_names[4]);
            assert!(history["properties"].get("channel").is_some(), "{history}");
            let post = input_schema(&generated, &generated.tool_names[0]);
            assert!(post["properties"].get("text").is_some(), "{post}");
        }
        // Until the lowerer reads form bodies: exactly the four form operations fail, each at
        // its first form parameter in the Swagger file.
        Err(error) => {
            let pointers = pointers(&error);
            let methods: Vec<&str> = pointers
                .iter()
                .map(|p| {
                    let rest = p.strip_prefix("/paths/~1").expect("a path pointer");
                    let (method, tail) = rest.split_once("/post/parameters/").expect("{p}");
                    assert!(tail.parse::<usize>().is_ok(), "{p}");
                    method
                })
                .collect();
            assert_eq!(
                methods,
                [
                    "chat.postMessage",
                    "chat.update",
                    "chat.delete",
                    "reactions.add"
                ],
                "{error}"
            );
            assert!(
                error.iter().all(|d| d.message.contains(
                    "request body type `application/x-www-form-urlencoded` is not supported"
                )),
                "{error}"
            );
            assert!(error.iter().all(|d| d.location.file == spec), "{error}");
        }
    }
}
