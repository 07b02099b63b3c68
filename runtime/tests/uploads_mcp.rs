//! Tools whose bodies are bytes, end to end in process: rmcp's client calls the MCP server,
//! whose agent talks to a loopback peer playing both Alter and the provider. In retrieve mode
//! the base64 a model sends arrives at the provider as the exact bytes (a raw body and a
//! multipart file part); bad base64 is a tool error naming the field; in proxy mode, which
//! forwards JSON bodies only, the call is a tool error saying to use retrieve mode, and nothing
//! is sent either way.

mod support;

use std::sync::OnceLock;

use alter_mcp_runtime::rmcp::model::{CallToolRequestParams, CallToolResult};
use alter_mcp_runtime::rmcp::{RoleClient, ServiceExt as _, service::RunningService};
use alter_mcp_runtime::{Mode, Server};
use base64::Engine as _;
use serde_json::{Value, json};
use support::{GRANT, Peer, Reply, agent};

/// The peer's URL: the tools' URL templates are `&'static`, like generated ones.
static BASE: OnceLock<String> = OnceLock::new();

mod uploads {
    //! Two tools in the shape the generator emits for a binary body and a multipart file.
    use super::BASE;

    #[derive(Debug, Clone, PartialEq, ::alter_mcp_runtime::serde::Deserialize)]
    #[serde(crate = "::alter_mcp_runtime::serde", deny_unknown_fields)]
    pub struct PutBlobInput {
        #[serde(rename = "name")]
        pub name: String,
        #[serde(rename = "body")]
        pub body: ::alter_mcp_runtime::Base64,
    }

    impl ::alter_mcp_runtime::ToolInput for PutBlobInput {
        fn into_request(self) -> ::alter_mcp_runtime::ProviderRequest {
            let base = BASE.get().map_or("", String::as_str);
            let mut request = ::alter_mcp_runtime::ProviderRequest::new(
                ::alter_mcp_runtime::Method::Put,
                &format!("{base}/provider/blobs/{{name}}"),
            );
            request.path("name", self.name);
            request.body_bytes(self.body, "image/png");
            request
        }
    }

    #[derive(Debug, Clone, PartialEq, ::alter_mcp_runtime::serde::Deserialize)]
    #[serde(crate = "::alter_mcp_runtime::serde", deny_unknown_fields)]
    pub struct UploadFileInput {
        #[serde(rename = "title", default)]
        pub title: Option<String>,
        #[serde(rename = "file")]
        pub file: ::alter_mcp_runtime::FilePart,
    }

    impl ::alter_mcp_runtime::ToolInput for UploadFileInput {
        fn into_request(self) -> ::alter_mcp_runtime::ProviderRequest {
            let base = BASE.get().map_or("", String::as_str);
            let mut request = ::alter_mcp_runtime::ProviderRequest::new(
                ::alter_mcp_runtime::Method::Post,
                &format!("{base}/provider/files"),
            );
            request.encoding(::alter_mcp_runtime::BodyEncoding::Multipart);
            request.body_field("title", self.title);
            request.body_file("file", self.file, "application/pdf");
            request
        }
    }

    const fn tool(
        name: &'static str,
        input_schema: &'static str,
        build: fn(
            ::alter_mcp_runtime::Arguments,
        ) -> Result<
            ::alter_mcp_runtime::ProviderRequest,
            ::alter_mcp_runtime::ArgumentError,
        >,
    ) -> ::alter_mcp_runtime::ToolDef {
        ::alter_mcp_runtime::ToolDef {
            name,
            title: name,
            description: "An upload.",
            input_schema,
            provider: "files",
            operation_id: name,
            annotations: ::alter_mcp_runtime::Annotations {
                read_only: false,
                destructive: false,
                idempotent: false,
                open_world: true,
            },
            response: ::alter_mcp_runtime::ResponseRule::HttpStatus,
            build,
            output: None,
            spec_hash: "",
        }
    }

    pub static TOOLS: &[::alter_mcp_runtime::ToolDef] = &[
        tool(
            "put_blob",
            r#"{"type":"object","properties":{"name":{"type":"string"},"body":{"type":"string","contentEncoding":"base64"}},"required":["name","body"],"additionalProperties":false}"#,
            ::alter_mcp_runtime::build::<PutBlobInput>,
        ),
        tool(
            "upload_file",
            r#"{"type":"object","properties":{"title":{"type":"string"},"file":{"type":"object","properties":{"content":{"type":"string","contentEncoding":"base64"},"filename":{"type":"string"},"content_type":{"type":"string"}},"required":["content"],"additionalProperties":false}},"required":["file"],"additionalProperties":false}"#,
            ::alter_mcp_runtime::build::<UploadFileInput>,
        ),
    ];
}

async fn connect(mode: Mode, url: &str) -> RunningService<RoleClient, ()> {
    let server = Server::new("uploads", &[uploads::TOOLS])
        .unwrap()
        .with_agent(agent(url, mode));
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    ().serve(client_io).await.expect("client connects")
}

async fn call(
    client: &RunningService<RoleClient, ()>,
    tool: &str,
    arguments: Value,
) -> CallToolResult {
    let arguments = arguments.as_object().cloned().expect("an object");
    let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
    client.call_tool(params).await.expect("a tool result")
}

fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn base64_arrives_as_the_exact_bytes_in_retrieve_mode_and_never_leaves_in_proxy_mode() {
    let peer = Peer::start(|seen| match seen.target.as_str() {
        "/sdk/token" => Reply::json(
            200,
            json!({"access_token": "SECRET", "grant_id": GRANT, "provider_id": "files", "token_type": "Bearer"}),
        ),
        "/sdk/oauth/audit/api-call" => Reply::raw(201, ""),
        _ => Reply::json(200, json!({"ok": true})),
    })
    .await;
    BASE.set(peer.url.clone()).expect("set once");
    let bytes: Vec<u8> = (0..=255).rev().collect();

    // Retrieve mode: a raw binary body.
    let client = connect(Mode::Retrieve, &peer.url).await;
    let result = call(
        &client,
        "put_blob",
        json!({"name": "b1", "body": b64(&bytes)}),
    )
    .await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    let sent = peer.wait_for("/provider/blobs/b1").await;
    assert_eq!(sent.method, "PUT");
    assert_eq!(sent.header("content-type"), Some("image/png"));
    assert_eq!(sent.header("authorization"), Some("Bearer SECRET"));
    assert_eq!(sent.body, bytes);
    let audit = peer.wait_for("/sdk/oauth/audit/api-call").await.json();
    assert_eq!(audit["request_body"], "<binary body: 256 bytes>");
    assert_eq!(audit["request_headers"]["content-type"], "image/png");

    // Retrieve mode: a multipart file part, after the text field, with its name and type.
    let file = json!({"content": b64(&bytes), "filename": "scan.pdf"});
    let result = call(
        &client,
        "upload_file",
        json!({"title": "Scan", "file": file}),
    )
    .await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    let sent = peer.wait_for("/provider/files").await;
    let content_type = sent.header("content-type").expect("a content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart");
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nScan\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&bytes);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(sent.body, expected);

    // Text that is not base64: a tool error naming the field, and nothing sent (once the
    // second call's background audit row is in).
    let audits = || {
        peer.seen()
            .iter()
            .filter(|s| s.target == "/sdk/oauth/audit/api-call")
            .count()
    };
    for _ in 0..100 {
        if audits() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(audits(), 2);
    let before = peer.seen().len();
    let result = call(&client, "put_blob", json!({"name": "b2", "body": "héllo!"})).await;
    assert_eq!(result.is_error, Some(true));
    assert!(
        text(&result).starts_with("invalid argument `body`: not valid base64"),
        "{}",
        text(&result)
    );
    let result = call(&client, "upload_file", json!({"file": {"content": "@@"}})).await;
    assert!(
        text(&result).starts_with("invalid argument `file.content`"),
        "{}",
        text(&result)
    );
    assert_eq!(peer.seen().len(), before, "nothing was sent");
    client.cancel().await.unwrap();

    // Proxy mode (the default): the same calls are refused before anything is sent.
    let client = connect(Mode::Proxy, &peer.url).await;
    for (tool, arguments, media_type) in [
        (
            "put_blob",
            json!({"name": "b3", "body": b64(&bytes)}),
            "image/png",
        ),
        (
            "upload_file",
            json!({"file": {"content": b64(b"x")}}),
            "multipart/form-data",
        ),
    ] {
        let result = call(&client, tool, arguments).await;
        assert_eq!(result.is_error, Some(true), "{tool}");
        let message = text(&result);
        assert!(
            message.contains(&format!("`{media_type}` body")),
            "{message}"
        );
        assert!(message.contains("JSON bodies only"), "{message}");
        assert!(message.contains("ALTER_MCP_MODE=retrieve"), "{message}");
    }
    assert_eq!(peer.seen().len(), before, "nothing was sent");
    client.cancel().await.unwrap();
}
