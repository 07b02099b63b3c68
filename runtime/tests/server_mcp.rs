//! The MCP server in process, driven by rmcp's own client over `tokio::io::duplex`, with a
//! loopback Alter backend behind it.

mod support;

use alter_mcp_runtime::rmcp::model::{CallToolRequestParams, CallToolResult};
use alter_mcp_runtime::rmcp::{RoleClient, ServiceExt as _, service::RunningService};
use alter_mcp_runtime::{Agent, AgentKey, Server, ToolDef};
use serde_json::{Value, json};
use support::{KEY, Peer, Reply};

mod slack {
    //! One tool in the shape the generator emits.
    #[derive(Debug, ::alter_mcp_runtime::serde::Deserialize)]
    #[serde(crate = "::alter_mcp_runtime::serde", deny_unknown_fields)]
    pub struct PostMessageInput {
        pub channel: String,
        pub text: String,
    }

    impl ::alter_mcp_runtime::ToolInput for PostMessageInput {
        fn into_request(self) -> ::alter_mcp_runtime::ProviderRequest {
            let mut request = ::alter_mcp_runtime::ProviderRequest::new(
                ::alter_mcp_runtime::Method::Post,
                "https://slack.com/api/chat.postMessage",
            );
            request.body_field("channel", self.channel);
            request.body_field("text", self.text);
            request
        }
    }

    pub static TOOLS: &[::alter_mcp_runtime::ToolDef] = &[::alter_mcp_runtime::ToolDef {
        name: "post_message",
        title: "Post a message",
        description: "Sends a message to a channel.",
        input_schema: r#"{"type":"object","properties":{"channel":{"type":"string"},"text":{"type":"string"}},"required":["channel","text"],"additionalProperties":false}"#,
        provider: "slack",
        operation_id: "chat.postMessage",
        annotations: ::alter_mcp_runtime::Annotations {
            read_only: false,
            destructive: false,
            idempotent: false,
            open_world: true,
        },
        response: ::alter_mcp_runtime::ResponseRule::OkField {
            ok_field: "ok",
            error_field: "error",
        },
        build: ::alter_mcp_runtime::build::<PostMessageInput>,
        output: None,
        spec_hash: "",
    }];
}

async fn connect(server: Server) -> RunningService<RoleClient, ()> {
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    ().serve(client_io).await.expect("client connects")
}

fn args(value: Value) -> alter_mcp_runtime::Arguments {
    value.as_object().cloned().unwrap()
}

fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect()
}

fn tools() -> [&'static [ToolDef]; 1] {
    [slack::TOOLS]
}

#[tokio::test]
async fn lists_tools_and_rejects_bad_arguments_without_a_key() {
    let client = connect(Server::new("alter-mcp-test", &tools()).unwrap()).await;
    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|s| s.name.as_str()),
        Some("alter-mcp-test")
    );

    let listed = client.list_all_tools().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "post_message");
    assert_eq!(
        listed[0].input_schema["required"],
        json!(["channel", "text"])
    );
    assert_eq!(
        listed[0].annotations.as_ref().unwrap().open_world_hint,
        Some(true)
    );

    let bad = CallToolRequestParams::new("post_message")
        .with_arguments(args(json!({"channel": 5, "text": "hi"})));
    let result = client.call_tool(bad).await.unwrap();
    assert_eq!(result.is_error, Some(true));
    assert!(
        text(&result).starts_with("invalid argument `channel`"),
        "{}",
        text(&result)
    );

    let good = CallToolRequestParams::new("post_message")
        .with_arguments(args(json!({"channel": "C1", "text": "hi"})));
    let result = client.call_tool(good).await.unwrap();
    assert_eq!(result.is_error, Some(true));
    assert!(text(&result).contains("ALTER_MCP_AGENT_KEY"));

    let unknown = client.call_tool(CallToolRequestParams::new("nope")).await;
    assert!(unknown.is_err(), "an unknown tool is a protocol error");
    // The session survives every error above.
    assert_eq!(client.list_all_tools().await.unwrap().len(), 1);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn calls_go_through_alter_and_ok_false_is_a_tool_error() {
    let backend = Peer::start(|seen| {
        let body: Value = seen.json();
        let reply = if body["body"]["channel"] == "C1" {
            r#"{"ok":true,"channel":"C1","ts":"1.2"}"#
        } else {
            r#"{"ok":false,"error":"channel_not_found"}"#
        };
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(reply);
        Reply::json(
            200,
            json!({"status_code": 200, "headers": {}, "body_b64": b64}),
        )
    })
    .await;
    let agent = Agent::builder(AgentKey::new(KEY).unwrap())
        .base_url(&backend.url)
        .build()
        .unwrap();
    let client = connect(Server::new("t", &tools()).unwrap().with_agent(agent)).await;

    let ok = CallToolRequestParams::new("post_message")
        .with_arguments(args(json!({"channel": "C1", "text": "hi"})));
    let result = client.call_tool(ok).await.unwrap();
    assert_eq!(result.is_error, Some(false));
    assert_eq!(text(&result), r#"{"ok":true,"channel":"C1","ts":"1.2"}"#);
    let sent = &backend.seen()[0];
    assert_eq!(
        sent.header("x-alter-context"),
        Some(r#"{"tool":"post_message","provider":"slack","operation":"chat.postMessage"}"#),
        "a hand-written tool without a spec hash sends no `spec`"
    );
    support::assert_signed(sent);

    let missing = CallToolRequestParams::new("post_message")
        .with_arguments(args(json!({"channel": "C9", "text": "hi"})));
    let result = client.call_tool(missing).await.unwrap();
    assert_eq!(result.is_error, Some(true));
    assert!(
        text(&result).starts_with("Slack error: channel_not_found\n"),
        "{}",
        text(&result)
    );
    client.cancel().await.unwrap();
}
