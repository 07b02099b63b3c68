//! Bodies that are not JSON or form fields: multipart files (named fields, an array of files
//! Jira-style, a free-form map of files), binary bodies (`application/octet-stream`, `*/*`),
//! text bodies (`message/rfc822`, `text/plain` or Markdown), a `*/*` body with an object schema
//! (sent as JSON), a urlencoded body described as a string; and a plain-http server. The
//! fixture's snapshot is compiled against the real runtime (and linted by clippy) and driven
//! through `ToolDef::build`: base64 from the model becomes the exact bytes sent, and bad
//! base64 is an argument error naming the field. The snapshot is checked by `snapshots.rs`.

mod uploads {
    include!("snapshots/uploads.rs");
}

use alter_mcp_gen::{At, generate};
use alter_mcp_runtime::serde_json::{self, Value, json};
use alter_mcp_runtime::{ArgumentError, BodyEncoding, ProviderRequest};

const FIXTURE: &str = "tests/fixtures/uploads/allowlist.toml";

/// Every byte value, so nothing can be lost to a text conversion.
fn all_bytes() -> Vec<u8> {
    (0..=255).collect()
}

fn b64(bytes: &[u8]) -> String {
    use alter_mcp_runtime::Base64;
    serde_json::to_value(Base64::new(bytes.to_vec()))
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .expect("base64 text")
}

fn call(name: &str, arguments: Value) -> Result<ProviderRequest, ArgumentError> {
    let tool = uploads::TOOLS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name}"));
    let Value::Object(map) = arguments else {
        panic!("arguments are an object")
    };
    (tool.build)(map)
}

fn schema(name: &str) -> Value {
    let tool = uploads::TOOLS
        .iter()
        .find(|t| t.name == name)
        .expect("tool");
    serde_json::from_str(tool.input_schema).expect("JSON schema")
}

#[test]
fn the_fixture_registers_every_tool() {
    let generated = generate(FIXTURE).unwrap_or_else(|d| panic!("{d}"));
    // Every operation is generated: no body makes one fail.
    assert_eq!(generated.tool_names, uploads::TOOL_NAMES);
}

#[test]
fn a_binary_body_is_sent_as_the_decoded_bytes() {
    let bytes = all_bytes();
    let request = call("put_blob", json!({"name": "b1", "body": b64(&bytes)})).expect("valid");
    let body = request.encode_body("B").expect("encodes").expect("a body");
    assert_eq!(body.content_type, "application/octet-stream");
    assert_eq!(body.bytes, bytes);
    assert_eq!(request.json_body(), None);
    assert_eq!(
        request.non_json_body(),
        Some(("application/octet-stream".to_owned(), true))
    );
    let input = &schema("put_blob")["properties"]["body"];
    assert_eq!(input["contentEncoding"], "base64");
    assert_eq!(input["contentMediaType"], "application/octet-stream");
}

#[test]
fn bad_base64_is_an_argument_error_naming_the_field() {
    let error = call("put_blob", json!({"name": "b1", "body": "not base64!"})).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("body"), "{error}");
    assert!(error.message.contains("not valid base64"), "{error}");
    let error = call("upload_file", json!({"file": {"content": "%%%"}})).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("file.content"), "{error}");
    let error = call(
        "upload_files",
        json!({"file": [{"content": "aGk="}, {"content": "a"}]}),
    )
    .unwrap_err();
    assert_eq!(error.field.as_deref(), Some("file[1].content"), "{error}");
}

#[test]
fn multipart_files_carry_their_bytes_name_and_type() {
    let bytes = all_bytes();
    let arguments = json!({
        "title": "T",
        "file": {"content": b64(&bytes), "filename": "chart.png"},
        "thumbnail": {"content": b64(b"jpg"), "filename": "t.jpg", "content_type": "image/jpeg"},
    });
    let request = call("upload_file", arguments).expect("valid");
    assert_eq!(request.body_encoding(), BodyEncoding::Multipart);
    let body = request
        .encode_body("BOUNDARY")
        .expect("encodes")
        .expect("a body");
    assert_eq!(body.content_type, "multipart/form-data; boundary=BOUNDARY");
    let mut expected = b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nT\r\n\
        --BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chart.png\"\r\n\
        Content-Type: image/png\r\n\r\n"
        .to_vec();
    expected.extend_from_slice(&bytes);
    expected.extend_from_slice(
        b"\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"thumbnail\"; \
          filename=\"t.jpg\"\r\nContent-Type: image/jpeg\r\n\r\njpg\r\n--BOUNDARY--\r\n",
    );
    assert_eq!(body.bytes, expected);
    // The file field is an object with the bytes as base64, its name and type optional.
    let file = &schema("upload_file")["properties"]["file"];
    assert_eq!(file["required"], json!(["content"]));
    assert_eq!(file["properties"]["content"]["contentEncoding"], "base64");
    assert!(
        file["properties"]["content_type"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("image/png")),
        "{file}"
    );
    let error = call(
        "upload_file",
        json!({"file": {"content": "aGk=", "content_type": "image/*"}}),
    )
    .unwrap_err();
    assert_eq!(error.field.as_deref(), Some("file.content_type"), "{error}");
}

#[test]
fn an_array_of_files_and_a_map_of_files_become_named_parts() {
    let arguments =
        json!({"file": [{"content": b64(b"one")}, {"content": b64(b"two"), "filename": "2.txt"}]});
    let request = call("upload_files", arguments).expect("valid");
    let names: Vec<(&str, Option<&str>, &[u8])> = request
        .file_parts()
        .iter()
        .map(|(name, part)| {
            (
                name.as_str(),
                part.filename.as_deref(),
                part.content.bytes(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("file", Some("file"), b"one".as_slice()),
            ("file", Some("2.txt"), b"two".as_slice())
        ]
    );
    let request = call(
        "set_photos",
        json!({"body": {"front": {"content": b64(b"F")}}}),
    )
    .expect("valid");
    let (name, part) = &request.file_parts()[0];
    assert_eq!(
        (name.as_str(), part.content_type.as_deref()),
        ("front", Some("application/octet-stream"))
    );
}

#[test]
fn a_range_lets_the_model_name_the_type() {
    let request = call(
        "upload_asset",
        json!({"body": b64(b"%PDF"), "content_type": "application/pdf"}),
    )
    .expect("valid");
    assert_eq!(
        request.raw_body(),
        Some(("application/pdf", b"%PDF".as_slice()))
    );
    let default = call("upload_asset", json!({"body": b64(b"x")})).expect("valid");
    assert_eq!(
        default.raw_body().map(|(t, _)| t),
        Some("application/octet-stream")
    );
    let error = call(
        "upload_asset",
        json!({"body": b64(b"x"), "content_type": "text/plain\r\nX-Injected: 1"}),
    )
    .unwrap_err();
    assert!(error.to_string().contains("content_type"), "{error}");
}

#[test]
fn text_bodies_are_sent_as_their_utf8_text() {
    let mail = "From: a@example.com\r\nSubject: héllo\r\n\r\nBody\r\n";
    let request = call("send_message", json!({"body": mail})).expect("valid");
    let body = request.encode_body("B").expect("encodes").expect("a body");
    assert_eq!(
        (body.content_type.as_str(), body.bytes.as_slice()),
        ("message/rfc822", mail.as_bytes())
    );
    let markdown = call(
        "render_markdown",
        json!({"body": "# Hi", "content_type": "text/x-markdown"}),
    )
    .expect("valid");
    assert_eq!(
        markdown.raw_body(),
        Some(("text/x-markdown", b"# Hi".as_slice()))
    );
    let raw = call("raw_query", json!({"body": "a=1&b=x+y"})).expect("valid");
    assert_eq!(
        raw.raw_body(),
        Some(("application/x-www-form-urlencoded", b"a=1&b=x+y".as_slice()))
    );
}

#[test]
fn a_wildcard_with_an_object_schema_is_json() {
    let request = call("create_item", json!({"name": "n"})).expect("valid");
    assert_eq!(request.non_json_body(), None);
    assert_eq!(request.json_body(), Some(&json!({"name": "n"})));
}

#[test]
fn warnings_say_which_tools_need_retrieve_mode_and_that_http_became_https() {
    let generated = generate(FIXTURE).unwrap_or_else(|d| panic!("{d}"));
    let messages: Vec<&str> = generated
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        messages[0].contains("`http://api.uploads.test/v1` is plain http")
            && messages[0].contains("`https://api.uploads.test/v1`"),
        "{messages:#?}"
    );
    assert_eq!(
        generated.warnings[0].location.at,
        At::Pointer("/servers/0/url".to_owned())
    );
    let proxied: Vec<&str> = uploads::TOOLS
        .iter()
        .filter(|t| t.name != "create_item")
        .map(|t| t.name)
        .collect();
    for name in &proxied {
        let warning = generated
            .warnings
            .iter()
            .find(|w| {
                w.message
                    .starts_with(&format!("tool `{name}` sends a body"))
            })
            .unwrap_or_else(|| panic!("no warning for {name}: {messages:#?}"));
        assert!(warning.message.contains("proxy"), "{}", warning.message);
        let help = warning.help.as_deref().unwrap_or_default();
        assert!(help.contains("ALTER_MCP_MODE=retrieve"), "{help}");
    }
    assert_eq!(generated.warnings.len(), 1 + proxied.len(), "{messages:#?}");
    // The catalog tells the person granting access the same, and what a file input is.
    let catalog = &generated.catalog;
    let retrieve = catalog.matches("needs `ALTER_MCP_MODE=retrieve`").count();
    assert_eq!(retrieve, proxied.len(), "{catalog}");
    assert!(
        catalog.contains("- `file` (file: base64 `content`, `filename`, `content_type`, required)"),
        "{catalog}"
    );
    assert!(
        catalog.contains("- `body` (base64 bytes, required)"),
        "{catalog}"
    );
    assert!(
        uploads::TOOLS
            .iter()
            .all(|t| !t.input_schema.contains("http://"))
    );
}

#[test]
fn registration_lists_every_tool_without_scopes() {
    assert_eq!(uploads::PROVIDER, "uploads");
    assert!(uploads::SCOPES.is_empty());
    let scoped: Vec<&str> = uploads::TOOL_SCOPES.iter().map(|(name, _)| *name).collect();
    assert_eq!(scoped, uploads::TOOL_NAMES);
}

#[test]
fn the_cli_prints_each_warning_with_what_to_do() {
    let out = std::env::temp_dir().join(format!("alter-mcp-gen-uploads-{}.rs", std::process::id()));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_alter-mcp-gen"))
        .args(["generate", "--allowlist", FIXTURE, "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&out);
    assert!(run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(
            "warning: tool `put_blob` sends a body of type `application/octet-stream` (bytes)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("  help: run the server with ALTER_MCP_MODE=retrieve"),
        "{stderr}"
    );
}
