//! The runtime's behaviour over streamable HTTP, through the real `alter-mcp --http` binary and
//! rmcp's HTTP client: a held call notifies the approval link on the request's own event stream
//! and then answers; Alter misbehaving (500, reset, malformed JSON, too slow) is a tool error
//! and the next call works; the request's `_meta` ids reach the audit context beside the
//! caller's user token. The stdio side of the same points is in `approvals_e2e.rs` and
//! `faults_e2e.rs`.

#[allow(dead_code)]
mod support;

use support::text;

#[allow(dead_code)]
mod http_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use alter_mcp_e2e::{ApprovalPlan, Backend, Fault};
use http_support::{HttpServer, TIMEOUT};
use rmcp::handler::client::ClientHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientConfig, ProgressNotificationParam,
    RequestMetaObject,
};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};

const ANA: (&str, &str) = (
    "eyJhbGciOiJSUzI1NiJ9.ana-identity.sig",
    "ana.ruiz@example.com",
);

/// Notifications the client received, in arrival order.
#[derive(Debug, Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn push(&self, note: String) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(note);
    }

    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.push(format!("progress: {}", params.message.unwrap_or_default()));
    }

    #[allow(deprecated)] // MCP logging is deprecated by SEP-2577; the server still sends it.
    async fn on_logging_message(
        &self,
        params: rmcp::model::LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.push(format!("log: {}", params.data));
    }

    fn get_info(&self) -> ClientConfig {
        ClientConfig::default()
    }
}

async fn backend() -> Backend {
    Backend::builder()
        .user(ANA.0, ANA.1)
        .start()
        .await
        .expect("start the backend")
}

async fn connect(server: &HttpServer, recorder: &Recorder) -> RunningService<RoleClient, Recorder> {
    let config = StreamableHttpClientTransportConfig::with_uri(server.url()).auth_header(ANA.0);
    let transport = StreamableHttpClientTransport::from_config(config);
    tokio::time::timeout(TIMEOUT, recorder.clone().serve(transport))
        .await
        .expect("initialize in time")
        .expect("initialize over HTTP")
}

async fn call(
    client: &RunningService<RoleClient, Recorder>,
    tool: &str,
    args: Value,
    meta: Value,
) -> CallToolResult {
    let mut params = CallToolRequestParams::new(tool.to_owned())
        .with_arguments(args.as_object().expect("object").clone());
    if let Value::Object(meta) = meta {
        let mut object = RequestMetaObject::new();
        object.0.0.extend(meta);
        params.meta = Some(object);
    }
    tokio::time::timeout(TIMEOUT, client.call_tool(params))
        .await
        .expect("the call answers in time")
        .expect("tools/call is not a protocol error")
}

fn slack_args() -> Value {
    json!({"channel": "C0123456789", "text": "ship it"})
}

#[tokio::test]
async fn a_held_call_notifies_the_approval_link_over_http_then_answers() {
    let backend = backend().await;
    let server = HttpServer::start(&backend, &[]).await;
    let recorder = Recorder::default();
    let client = connect(&server, &recorder).await;

    backend.fail_next(Fault::pending_approval(ApprovalPlan::executed()));
    let result = call(&client, "send_slack", slack_args(), Value::Null).await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    assert!(
        text(&result).contains("1712345678.123456"),
        "{}",
        text(&result)
    );

    let notes = recorder.all();
    let link = "https://app.alterauth.com/approvals/";
    assert!(
        notes.iter().any(|n| n.contains(link)),
        "the approval link reached the HTTP client before the answer: {notes:?}"
    );
    let proxied = backend.proxy_calls();
    assert_eq!(proxied.len(), 1, "one held call, no duplicate");
    assert_eq!(proxied[0].user_token(), Some(ANA.0), "held for Ana's grant");
    client.cancel().await.ok();
}

#[tokio::test]
async fn alter_misbehaving_is_a_tool_error_over_http_and_the_next_call_works() {
    let backend = backend().await;
    let base_url = backend.base_url();
    let env = [
        ("ALTER_MCP_AGENT_KEY", backend.key()),
        ("ALTER_BASE_URL", base_url.as_str()),
        ("ALTER_MCP_TIMEOUT_SECS", "1"),
        ("ALTER_MCP_RETRY_ATTEMPTS", "1"),
    ];
    let server = HttpServer::start_with(&env, &[]).await;
    let recorder = Recorder::default();
    let client = connect(&server, &recorder).await;

    let faults = [
        ("500", Fault::internal_error()),
        ("reset", Fault::Reset),
        ("malformed JSON", Fault::malformed_json()),
        ("too slow", Fault::Delay(Duration::from_secs(3))),
    ];
    for (what, fault) in faults {
        backend.fail_next(fault);
        // POST: never retried, so each fault is seen once.
        let failed = call(&client, "send_slack", slack_args(), Value::Null).await;
        assert_eq!(failed.is_error, Some(true), "{what}: {}", text(&failed));
        assert!(
            !text(&failed).is_empty(),
            "{what}: the error says something"
        );
        let next = call(&client, "list_events", json!({}), Value::Null).await;
        assert_eq!(
            next.is_error,
            Some(false),
            "{what}: the next call works: {}",
            text(&next)
        );
        assert!(text(&next).contains(ANA.1), "{what}: Ana's calendar");
    }
    assert!(
        !server.stderr().contains(backend.key()) && !server.stderr().contains(ANA.0),
        "no credential in the logs"
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn the_requests_meta_ids_reach_the_audit_context_over_http() {
    let backend = backend().await;
    let server = HttpServer::start(&backend, &[]).await;
    let recorder = Recorder::default();
    let client = connect(&server, &recorder).await;

    let meta = json!({"alter/run_id": "run-77", "alter/conversation_id": "conv-5"});
    let result = call(&client, "list_events", json!({}), meta).await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));

    let calls = backend.proxy_calls();
    assert_eq!(calls.len(), 1);
    let context = |key: &str| calls[0].context_value(key);
    assert_eq!(context("tool").as_deref(), Some("list_events"));
    assert_eq!(context("provider").as_deref(), Some("google"));
    assert_eq!(
        context("operation").as_deref(),
        Some("calendar.events.list")
    );
    assert_eq!(context("run_id").as_deref(), Some("run-77"));
    assert_eq!(context("thread_id").as_deref(), Some("conv-5"));
    assert_eq!(context("spec").map(|s| s.len()), Some(12), "the spec hash");
    assert_eq!(calls[0].user_token(), Some(ANA.0));
    client.cancel().await.ok();
}
