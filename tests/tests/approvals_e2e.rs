//! End to end, through the real `alter-mcp` binary and rmcp's client over stdio: human
//! approvals (notified at once, waited for within a bound, resumed, cancelled), destructive
//! tools through the proxy in retrieve mode, the audit context each call carries, and dry
//! runs that send nothing.

#[allow(dead_code)]
mod support;

use support::text;

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alter_mcp_e2e::{ApprovalPlan, Backend, Endpoint, Fault, FaultRule, Recorded};
use rmcp::handler::client::ClientHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientConfig, ProgressNotificationParam,
    RequestMetaObject,
};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};

/// What the client received besides responses, in arrival order.
#[derive(Debug, Clone, Default)]
struct Notes(Arc<Mutex<Vec<String>>>);

impl Notes {
    fn push(&self, note: String) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(note);
    }

    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[derive(Debug, Clone, Default)]
struct Recorder {
    notes: Notes,
}

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.notes
            .push(format!("progress: {}", params.message.unwrap_or_default()));
    }

    #[allow(deprecated)] // MCP logging is deprecated by SEP-2577; the server still sends it.
    async fn on_logging_message(
        &self,
        params: rmcp::model::LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.notes.push(format!("log: {}", params.data));
    }

    fn get_info(&self) -> ClientConfig {
        ClientConfig::default()
    }
}

struct Session {
    client: RunningService<RoleClient, Recorder>,
    notes: Notes,
}

async fn start(backend: &Backend, extra: &[(&str, &str)]) -> Session {
    let mut command = tokio::process::Command::new(support::alter_mcp_binary());
    for name in alter_mcp_runtime::env::ALL {
        command.env_remove(name);
    }
    command
        .env("ALTER_MCP_AGENT_KEY", backend.key())
        .env("ALTER_BASE_URL", backend.base_url())
        .env("ALTER_MCP_LOG", "warn");
    for (name, value) in extra {
        command.env(name, value);
    }
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn alter-mcp");
    let recorder = Recorder::default();
    let notes = recorder.notes.clone();
    let client = tokio::time::timeout(Duration::from_secs(30), recorder.serve(transport))
        .await
        .expect("initialize in time")
        .expect("initialize");
    Session { client, notes }
}

impl Session {
    async fn call_with_meta(&self, tool: &str, args: Value, meta: Value) -> CallToolResult {
        let mut params = CallToolRequestParams::new(tool.to_owned())
            .with_arguments(args.as_object().expect("object").clone());
        if let Value::Object(meta) = meta {
            let mut object = RequestMetaObject::new();
            object.0.0.extend(meta);
            params.meta = Some(object);
        }
        tokio::time::timeout(Duration::from_secs(90), self.client.call_tool(params))
            .await
            .expect("the call answers in time")
            .expect("tools/call is not a protocol error")
    }

    async fn call(&self, tool: &str, args: Value) -> CallToolResult {
        self.call_with_meta(tool, args, Value::Null).await
    }
}

fn slack_args() -> Value {
    json!({"channel": "C0123456789", "text": "ship it"})
}

/// The polls the backend received: verified, no audit context (§7), `wait` within 1..=25.
fn polls(backend: &Backend) -> Vec<Recorded> {
    let polls = backend.calls(Endpoint::ApprovalStatus);
    for poll in &polls {
        assert!(poll.verified, "{poll:?}");
        assert_eq!(poll.header("x-alter-context"), None, "{poll:?}");
        let wait: u64 = poll
            .query
            .strip_prefix("wait=")
            .and_then(|w| w.parse().ok())
            .unwrap_or(0);
        assert!(wait <= 25, "{poll:?}");
    }
    polls
}

#[tokio::test]
async fn an_approved_call_returns_the_provider_result_after_notifying_the_url() {
    let backend = Backend::start().await;
    let session = start(&backend, &[]).await;
    backend.fail_next(Fault::pending_approval(ApprovalPlan::executed()));
    let result = session.call("send_slack", slack_args()).await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    assert!(
        text(&result).contains("1712345678.123456"),
        "{}",
        text(&result)
    );
    let notes = session.notes.all();
    let url = "https://app.alterauth.com/approvals/";
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("progress: ") && n.contains(url)),
        "a progress notification carries the approval link: {notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("log: ") && n.contains(url)),
        "a log message carries the approval link: {notes:?}"
    );
    assert_eq!(backend.proxy_calls().len(), 1);
    assert!(
        polls(&backend).len() >= 3,
        "pending, pending, executing, executed"
    );
    let results = backend.calls(Endpoint::ApprovalResult);
    assert_eq!(results.len(), 1, "the result is fetched once");
    assert_eq!(results[0].header("x-alter-context"), None);
}

#[tokio::test]
async fn denied_expired_and_failed_approvals_say_so() {
    let backend = Backend::start().await;
    let session = start(&backend, &[]).await;
    let cases = [
        (
            ApprovalPlan::denied("Not during the freeze."),
            vec!["denied", "Not during the freeze."],
        ),
        (ApprovalPlan::expired(), vec!["expired", "call again"]),
        (
            ApprovalPlan::failed("Slack answered 500."),
            vec!["failed", "Slack answered 500."],
        ),
    ];
    for (plan, words) in cases {
        backend.fail_next(Fault::pending_approval(plan));
        let result = session.call("send_slack", slack_args()).await;
        let text = text(&result);
        assert_eq!(result.is_error, Some(true), "{text}");
        for word in words {
            let found = text.to_lowercase().contains(&word.to_lowercase());
            assert!(found, "{word:?} missing: {text}");
        }
    }
    assert!(
        backend.calls(Endpoint::ApprovalResult).is_empty(),
        "no result to fetch"
    );
}

#[tokio::test]
async fn a_poll_answering_503_is_retried() {
    let backend = Backend::start().await;
    let session = start(&backend, &[]).await;
    backend
        .add_fault(FaultRule::times(Fault::bad_gateway(503), 1).endpoint(Endpoint::ApprovalStatus));
    backend.fail_next(Fault::pending_approval(ApprovalPlan::executed()));
    let result = session.call("send_slack", slack_args()).await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    assert!(polls(&backend).iter().any(|p| p.faulted && p.status == 502));
}

#[tokio::test]
async fn still_pending_after_the_bound_then_the_same_call_resumes_the_same_approval() {
    let backend = Backend::start().await;
    let session = start(&backend, &[("ALTER_MCP_APPROVAL_WAIT", "2")]).await;
    backend.fail_next(Fault::pending_approval(ApprovalPlan::never_decided()));
    let started = Instant::now();
    let first = session.call("send_slack", slack_args()).await;
    let elapsed = started.elapsed();
    let first_text = text(&first);
    assert_eq!(first.is_error, Some(true), "{first_text}");
    assert!(
        first_text.contains("https://app.alterauth.com/approvals/")
            && first_text.contains("call this tool again with the same arguments"),
        "{first_text}"
    );
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(8),
        "waited {elapsed:?}"
    );
    // The human approves; the model calls again as told.
    backend.settle_approvals(&ApprovalPlan {
        statuses: vec!["executing", "executed"],
        decision_reason: None,
        execution_error: None,
    });
    let second = session.call("send_slack", slack_args()).await;
    assert_eq!(second.is_error, Some(false), "{}", text(&second));
    assert!(text(&second).contains("1712345678.123456"));
    assert_eq!(
        backend.proxy_calls().len(),
        1,
        "no second approval was requested"
    );
    // Done: the same call again is a new call.
    let third = session.call("send_slack", slack_args()).await;
    assert_eq!(third.is_error, Some(false), "{}", text(&third));
    assert_eq!(backend.proxy_calls().len(), 2);
}

#[tokio::test]
async fn a_cancelled_call_stops_polling_and_the_server_keeps_serving() {
    let backend = Backend::start().await;
    let session = start(&backend, &[("ALTER_MCP_APPROVAL_WAIT", "40")]).await;
    backend.fail_next(Fault::pending_approval(ApprovalPlan::never_decided()));
    let params = CallToolRequestParams::new("send_slack")
        .with_arguments(slack_args().as_object().unwrap().clone());
    // Dropping the call's future sends notifications/cancelled.
    let dropped = tokio::time::timeout(
        Duration::from_millis(2500),
        session.client.call_tool(params),
    )
    .await;
    assert!(dropped.is_err(), "the call was still waiting");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after_cancel = polls(&backend).len();
    assert!(after_cancel >= 1, "it was polling");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        polls(&backend).len(),
        after_cancel,
        "no polls after cancellation"
    );
    let next = session.call("list_events", json!({})).await;
    assert_eq!(next.is_error, Some(false), "{}", text(&next));
}

#[tokio::test]
async fn destructive_tools_go_through_the_proxy_in_retrieve_mode() {
    let backend = Backend::start().await;
    let session = start(&backend, &[("ALTER_MCP_MODE", "retrieve")]).await;
    // The provider itself is not reachable from the test, so only the token call is checked.
    session.call("list_calendars", json!({})).await;
    // The unreachable provider is a connection failure, which a read retries (each attempt
    // with its own token); none of it goes through the proxy.
    assert!(
        !backend.token_calls().is_empty() && backend.proxy_calls().is_empty(),
        "a read tool uses retrieve mode"
    );
    let tokens_before = backend.token_calls().len();
    backend.fail_next(Fault::pending_approval(ApprovalPlan::executed()));
    let delete = session
        .call("delete_event", json!({"eventId": "evt1"}))
        .await;
    assert_eq!(delete.is_error, Some(false), "{}", text(&delete));
    let proxied = backend.proxy_calls();
    assert_eq!(
        proxied.len(),
        1,
        "the destructive tool went through /sdk/proxy"
    );
    assert_eq!(proxied[0].str_field("method"), Some("DELETE"));
    assert_eq!(
        backend.token_calls().len(),
        tokens_before,
        "and fetched no token"
    );
    // A grant that refuses the token path (held for approvals) is called through the proxy.
    backend.add_fault(
        FaultRule::once(Fault::json(
            400,
            json!({"error": "hitl_grant_requires_proxy", "message": "Use the proxy."}),
        ))
        .endpoint(Endpoint::Token),
    );
    let held = session.call("list_events", json!({})).await;
    assert_eq!(held.is_error, Some(false), "{}", text(&held));
    assert_eq!(
        backend.token_calls().len(),
        tokens_before + 1,
        "one refused token call"
    );
    assert_eq!(backend.proxy_calls().len(), 2);
}

fn spec_hash(path: &str) -> String {
    let bytes = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("read the spec");
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &bytes);
    digest.as_ref()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn the_audit_context_names_the_tool_its_origin_and_the_run() {
    let backend = Backend::start().await;
    let session = start(&backend, &[]).await;
    let meta = json!({
        "alter/run_id": "run-42",
        "alter/conversation_id": "thread-7",
        "alter/tool_call_id": "call_1",
        "alter/tags": {"team": "qa", "tool": "not-allowed"},
    });
    let result = session
        .call_with_meta("list_events", json!({"query": "standup"}), meta)
        .await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    let call = &backend.proxy_calls()[0];
    let context = call.context().expect("X-Alter-Context");
    let expected = json!({
        "tool": "list_events",
        "provider": "google",
        "operation": "calendar.events.list",
        "spec": spec_hash("../specs/google-calendar/openapi.yaml"),
        "tool_call_id": "call_1",
        "run_id": "run-42",
        "thread_id": "thread-7",
        "team": "qa",
    });
    assert_eq!(Value::Object(context), expected);
    assert!(
        call.header("x-alter-signature-v2").is_some(),
        "bound into V2"
    );
}

#[tokio::test]
async fn a_dry_run_shows_the_exact_request_and_sends_nothing() {
    let backend = Backend::start().await;
    let mut command_env = vec![("ALTER_MCP_DRY_RUN", "1")];
    command_env.push(("ALTER_MCP_AGENT_KEY", ""));
    let session = start(&backend, &command_env).await;
    let result = session.call("send_slack", slack_args()).await;
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    let shown: Value = serde_json::from_str(&text(&result)).expect("JSON text");
    assert_eq!(shown["dry_run"], true);
    assert_eq!(shown["mode"], "proxy");
    let provider = &shown["provider_request"];
    assert_eq!(provider["method"], "POST");
    assert_eq!(provider["url"], "https://slack.com/api/chat.postMessage");
    assert_eq!(provider["body"], slack_args());
    let alter = &shown["alter_request"];
    assert_eq!(alter["path"], "/sdk/proxy");
    assert_eq!(
        alter["body"],
        json!({"method": "POST", "url": "https://slack.com/api/chat.postMessage", "provider_id": "slack", "body": slack_args()})
    );
    assert_eq!(shown["audit_context"]["tool"], "send_slack");
    let query = session
        .call("list_events", json!({"query": "standup"}))
        .await;
    let shown: Value = serde_json::from_str(&text(&query)).expect("JSON text");
    assert_eq!(
        shown["provider_request"]["url"],
        "https://www.googleapis.com/calendar/v3/calendars/primary/events?maxResults=10&q=standup"
    );
    let everything = shown.to_string();
    assert!(!everything.contains(backend.key()) && !everything.contains("x-api-key"));
    assert!(backend.requests().is_empty(), "a dry run sends nothing");
}
