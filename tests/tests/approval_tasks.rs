//! Approvals as MCP tasks (`io.modelcontextprotocol/tasks`, SEP-2663), end to end: two copies
//! of `alter-mcp --http` behind nginx (round-robin), rmcp's client on protocol 2026-07-28
//! declaring the extension. A call Alter holds for a human answers at once with a task; the
//! task is polled through the balancer, so copies that never saw the call answer it; once the
//! loopback backend approves, `tasks/get` carries the tool's result, valid against the tool's
//! `outputSchema` and equal to what a waiting `tools/call` returns. Another user's poll, a
//! changed id and a client without the extension are covered too.
//!
//! In CI (`CI=true`) a missing nginx fails the tests; elsewhere they are skipped with a notice.

#[allow(dead_code)]
mod support;

#[allow(dead_code)]
mod http_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use alter_mcp_e2e::{ApprovalPlan, Backend, Endpoint, Fault, FaultRule};
use http_support::nginx::{Nginx, require_nginx};
use http_support::{HttpServer, TIMEOUT};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelTaskParams, ClientCapabilities,
    ClientConfig, CreateTaskResult, ErrorCode, GetTaskParams, GetTaskResult, Implementation,
    ProtocolVersion, TaskPayload, TaskStatus,
};
use rmcp::service::{RunningService, ServiceError};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient, ServiceExt};
use serde_json::{Value, json};

const ALICE: (&str, &str) = ("eyJhbGciOiJSUzI1NiJ9.alice.sig", "alice@example.com");
const BOB: (&str, &str) = ("eyJhbGciOiJSUzI1NiJ9.bob.sig", "bob@example.com");
const APPROVAL_URL: &str = "https://app.alterauth.com/approvals/";

type Client = RunningService<RoleClient, ClientConfig>;

/// A backend knowing two users, two server copies and nginx in front of them.
struct Fleet {
    backend: Backend,
    copies: [HttpServer; 2],
    balancer: Nginx,
}

impl Fleet {
    async fn start(test: &str) -> Option<Fleet> {
        let nginx = require_nginx(test)?;
        let backend = Backend::builder()
            .user(ALICE.0, ALICE.1)
            .user(BOB.0, BOB.1)
            .start()
            .await
            .expect("start the backend");
        let copies = [
            HttpServer::start(&backend, &[]).await,
            HttpServer::start(&backend, &[]).await,
        ];
        let balancer = Nginx::start(&nginx, &[copies[0].addr(), copies[1].addr()]).await;
        Some(Fleet {
            backend,
            copies,
            balancer,
        })
    }

    /// The copies' logs, each counted for `needle`.
    fn logged(&self, needle: &str) -> [usize; 2] {
        [0, 1].map(|i| self.copies[i].stderr().matches(needle).count())
    }

    /// [`Fleet::logged`] once the copies logged `needle` at least `total` times together
    /// (log lines reach the test a moment after the answers do), or after 10 s.
    async fn logged_at_least(&self, needle: &str, total: usize) -> [usize; 2] {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let counts = self.logged(needle);
            if counts.iter().sum::<usize>() >= total || Instant::now() > deadline {
                return counts;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn status_polls(&self) -> usize {
        self.backend.calls(Endpoint::ApprovalStatus).len()
    }
}

/// rmcp's client on protocol 2026-07-28 (`server/discover`, per-request metadata), through
/// `url` as the user with `token`, declaring the tasks extension when `tasks`.
async fn connect_modern(url: &str, token: &str, tasks: bool) -> Client {
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(token);
    let transport = StreamableHttpClientTransport::from_config(config);
    let capabilities = if tasks {
        ClientCapabilities::builder().enable_tasks().build()
    } else {
        ClientCapabilities::default()
    };
    let info = ClientConfig::new(
        capabilities,
        Implementation::new("approval-tasks-e2e", "0.1"),
    );
    let lifecycle = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    };
    tokio::time::timeout(TIMEOUT, info.serve_with_lifecycle(transport, lifecycle))
        .await
        .expect("discover in time")
        .expect("discover")
}

/// The same, on protocol 2025-11-25 (`initialize`), declaring the extension at initialize.
async fn connect_legacy_declaring_tasks(url: &str, token: &str) -> Client {
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(token);
    let transport = StreamableHttpClientTransport::from_config(config);
    let info = ClientConfig::new(
        ClientCapabilities::builder().enable_tasks().build(),
        Implementation::new("approval-tasks-e2e-legacy", "0.1"),
    );
    tokio::time::timeout(TIMEOUT, info.serve(transport))
        .await
        .expect("initialize in time")
        .expect("initialize")
}

fn slack_args(text: &str) -> Value {
    json!({"channel": "C0123456789", "text": text})
}

async fn call_once(client: &Client, tool: &str, args: Value) -> CallToolResponse {
    let params = CallToolRequestParams::new(tool.to_owned())
        .with_arguments(args.as_object().expect("object").clone());
    tokio::time::timeout(TIMEOUT, client.call_tool_once(params))
        .await
        .expect("tools/call answers in time")
        .expect("tools/call is not a protocol error")
}

/// Asserts the call answered with a task, and returns it.
async fn create_task(client: &Client, text: &str) -> CreateTaskResult {
    let started = Instant::now();
    let response = call_once(client, "send_slack", slack_args(text)).await;
    let CallToolResponse::Task(task) = response else {
        panic!("expected a task, got {response:?}");
    };
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "a held call answers at once, not after ALTER_MCP_APPROVAL_WAIT ({:?})",
        started.elapsed()
    );
    task
}

async fn get_task(client: &Client, id: &str) -> Result<GetTaskResult, ServiceError> {
    tokio::time::timeout(TIMEOUT, client.get_task(GetTaskParams::new(id)))
        .await
        .expect("tasks/get answers in time")
}

/// The JSON-RPC error a refused `tasks/*` request got.
fn rpc_error(result: Result<impl std::fmt::Debug, ServiceError>) -> rmcp::ErrorData {
    match result {
        Err(ServiceError::McpError(error)) => error,
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}

/// Polls until the task leaves `working`; at most 30 polls.
async fn poll_until_done(client: &Client, id: &str) -> GetTaskResult {
    for _ in 0..30 {
        let task = get_task(client, id).await.expect("tasks/get");
        if task.task.status() != TaskStatus::Working {
            return task;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the task never left `working`");
}

fn completed_result(task: &GetTaskResult) -> CallToolResult {
    let TaskPayload::Completed { result } = &task.task.payload else {
        panic!("expected a completed task, got {task:?}");
    };
    serde_json::from_value(Value::Object(result.clone())).expect("a CallToolResult")
}

/// The `outputSchema` `tools/list` declares for `tool`.
async fn output_schema(client: &Client, tool: &str) -> Value {
    let tools = client.list_all_tools().await.expect("tools/list");
    let tool = tools
        .iter()
        .find(|t| t.name == tool)
        .expect("the tool is listed");
    Value::Object((*tool.output_schema.clone().expect("an output schema")).clone())
}

#[tokio::test]
async fn a_held_call_is_a_task_any_copy_answers_and_only_its_user_reads() {
    let Some(fleet) =
        Fleet::start("a_held_call_is_a_task_any_copy_answers_and_only_its_user_reads").await
    else {
        return;
    };
    let url = fleet.balancer.url();
    let alice = connect_modern(&url, ALICE.0, true).await;
    let bob = connect_modern(&url, BOB.0, true).await;

    fleet
        .backend
        .fail_next(Fault::pending_approval(ApprovalPlan::never_decided()));
    let created = create_task(&alice, "ship it").await;
    let id = created.task.task_id.clone();
    assert_eq!(created.task.status, TaskStatus::Working);
    let message = created.task.status_message.clone().unwrap_or_default();
    assert!(message.contains(APPROVAL_URL), "{message}");
    assert!(
        created.task.ttl_ms.is_some_and(|ttl| ttl >= 600_000),
        "the task lives at least as long as the approval: {:?}",
        created.task.ttl_ms
    );
    assert!(created.task.poll_interval_ms.is_some());
    let creator = fleet.logged_at_least("answered with a task", 1).await;
    assert_eq!(creator.iter().sum::<usize>(), 1, "{creator:?}");

    // Polled through the balancer, the task is answered by both copies.
    for _ in 0..4 {
        let task = get_task(&alice, &id).await.expect("tasks/get");
        assert_eq!(task.task.status(), TaskStatus::Working, "{task:?}");
        let message = task.task.task.status_message.clone().unwrap_or_default();
        assert!(message.contains(APPROVAL_URL), "{message}");
        assert!(message.contains("does not withdraw"), "{message}");
    }
    let pollers = fleet.logged_at_least("tasks/get", 4).await;
    let other = usize::from(creator[0] == 1);
    assert!(
        pollers[other] > 0,
        "the copy that did not create the task answered for it: {pollers:?}"
    );

    // Another user, or a changed id: refused, and Alter is not asked.
    let asked = fleet.status_polls();
    let refused = rpc_error(get_task(&bob, &id).await);
    assert_eq!(refused.code, ErrorCode::INVALID_PARAMS);
    assert!(
        refused.message.contains("not issued to this caller"),
        "{}",
        refused.message
    );
    let mut changed = id.clone().into_bytes();
    let last = changed.len() - 5;
    changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
    let changed = String::from_utf8(changed).unwrap();
    let refused = rpc_error(get_task(&alice, &changed).await);
    assert_eq!(
        refused.code,
        ErrorCode::INVALID_PARAMS,
        "{}",
        refused.message
    );
    let cancel = CancelTaskParams::new(id.clone());
    let refused = rpc_error(bob.cancel_task(cancel).await);
    assert_eq!(refused.code, ErrorCode::INVALID_PARAMS);
    assert_eq!(fleet.status_polls(), asked, "refused ids reach no backend");

    // The human approves; the next polls see it run, then the tool's result.
    fleet.backend.settle_approvals(&ApprovalPlan {
        statuses: vec!["executing", "executed"],
        decision_reason: None,
        execution_error: None,
    });
    let done = poll_until_done(&alice, &id).await;
    assert_eq!(done.task.status(), TaskStatus::Completed);
    let result = completed_result(&done);
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result
        .structured_content
        .clone()
        .expect("structuredContent, as the tool declares an output schema");
    let schema = output_schema(&alice, "send_slack").await;
    let validator = jsonschema::draft202012::new(&schema).expect("a valid JSON Schema");
    let problems: Vec<String> = validator
        .iter_errors(&structured)
        .map(|e| e.to_string())
        .collect();
    assert!(problems.is_empty(), "{problems:?}\n{structured}");
    assert_eq!(
        fleet.backend.proxy_calls().len(),
        1,
        "one approval was asked for"
    );
    assert_eq!(
        fleet.backend.calls(Endpoint::ApprovalResult).len(),
        1,
        "the result was fetched once, by the poll that completed the task"
    );

    // The same answer a client without tasks gets after waiting.
    let waiting = connect_modern(&url, ALICE.0, false).await;
    fleet
        .backend
        .fail_next(Fault::pending_approval(ApprovalPlan::executed()));
    let CallToolResponse::Complete(waited) =
        call_once(&waiting, "send_slack", slack_args("ship it")).await
    else {
        panic!("a client without the extension gets no task");
    };
    assert_eq!(waited.is_error, Some(false), "{waited:?}");
    assert_eq!(waited.structured_content, result.structured_content);
    assert_eq!(waited.content, result.content);
    for client in [alice, bob, waiting] {
        client.cancel().await.ok();
    }
}

#[tokio::test]
async fn cancelling_acknowledges_and_the_task_keeps_telling_what_alter_does() {
    let Some(fleet) =
        Fleet::start("cancelling_acknowledges_and_the_task_keeps_telling_what_alter_does").await
    else {
        return;
    };
    let alice = connect_modern(&fleet.balancer.url(), ALICE.0, true).await;
    fleet
        .backend
        .fail_next(Fault::pending_approval(ApprovalPlan::never_decided()));
    let id = create_task(&alice, "maybe").await.task.task_id;
    let cancel = CancelTaskParams::new(id.clone());
    tokio::time::timeout(TIMEOUT, alice.cancel_task(cancel))
        .await
        .expect("tasks/cancel in time")
        .expect("tasks/cancel is acknowledged");
    let after = get_task(&alice, &id).await.expect("tasks/get");
    assert_eq!(
        after.task.status(),
        TaskStatus::Working,
        "the approval is still open in Alter"
    );
    // Alter unreachable for one poll: still working, and the message says why.
    fleet
        .backend
        .add_fault(FaultRule::times(Fault::bad_gateway(503), 1).endpoint(Endpoint::ApprovalStatus));
    let blind = get_task(&alice, &id).await.expect("tasks/get");
    assert_eq!(blind.task.status(), TaskStatus::Working);
    let message = blind.task.task.status_message.clone().unwrap_or_default();
    assert!(message.contains("Could not ask Alter"), "{message}");
    // The human denies it: the task completes with the denial a waiting call reports.
    fleet
        .backend
        .settle_approvals(&ApprovalPlan::denied("Not during the freeze."));
    let done = poll_until_done(&alice, &id).await;
    let result = completed_result(&done);
    assert_eq!(result.is_error, Some(true), "{result:?}");
    let text = support::ToolOutcome::from(result).text;
    assert!(
        text.contains("denied") && text.contains("Not during the freeze."),
        "{text}"
    );
    assert!(fleet.backend.calls(Endpoint::ApprovalResult).is_empty());
    alice.cancel().await.ok();
}

#[tokio::test]
async fn clients_without_the_extension_wait_as_before() {
    let Some(fleet) = Fleet::start("clients_without_the_extension_wait_as_before").await else {
        return;
    };
    let url = fleet.balancer.url();
    // 2026-07-28 without the extension, and 2025-11-25 declaring it at initialize: the
    // extension's task results exist from 2026-07-28 on and are opted into per request.
    let modern = connect_modern(&url, ALICE.0, false).await;
    let legacy = connect_legacy_declaring_tasks(&url, ALICE.0).await;
    for client in [&modern, &legacy] {
        fleet
            .backend
            .fail_next(Fault::pending_approval(ApprovalPlan::executed()));
        let CallToolResponse::Complete(result) =
            call_once(client, "send_slack", slack_args("wait for it")).await
        else {
            panic!("no task without the extension on a 2026-07-28 request");
        };
        assert_eq!(result.is_error, Some(false), "{result:?}");
    }
    assert_eq!(fleet.logged("answered with a task"), [0, 0]);
    // Nor can they read tasks. Over stateless HTTP a 2025-11-25 request carries no
    // capabilities of its own, so rmcp refuses both before the server reads the id.
    for client in [&modern, &legacy] {
        let refused = rpc_error(get_task(client, "anything").await);
        assert_eq!(refused.code, ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY);
    }
    for client in [modern, legacy] {
        client.cancel().await.ok();
    }
}

/// `alter-mcp` over stdio (one client, no bearer token) for a client declaring the extension,
/// on protocol 2026-07-28 (`modern`) or 2025-11-25.
async fn stdio_client(backend: &Backend, modern: bool) -> Client {
    let mut command = tokio::process::Command::new(support::alter_mcp_binary());
    for name in alter_mcp_runtime::env::ALL {
        command.env_remove(name);
    }
    command
        .env("ALTER_MCP_AGENT_KEY", backend.key())
        .env("ALTER_BASE_URL", backend.base_url())
        .env("ALTER_MCP_LOG", "warn");
    let (transport, _) = TokioChildProcess::builder(command)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn alter-mcp");
    let info = ClientConfig::new(
        ClientCapabilities::builder().enable_tasks().build(),
        Implementation::new("approval-tasks-e2e-stdio", "0.1"),
    );
    let started = if modern {
        let lifecycle = ClientLifecycleMode::Discover {
            preferred_versions: vec![ProtocolVersion::V_2026_07_28],
        };
        tokio::time::timeout(TIMEOUT, info.serve_with_lifecycle(transport, lifecycle)).await
    } else {
        tokio::time::timeout(TIMEOUT, info.serve(transport)).await
    };
    started.expect("start in time").expect("start")
}

#[tokio::test]
async fn over_stdio_tasks_follow_the_protocol_version() {
    let backend = Backend::start().await;
    // 2026-07-28: a task, readable by the same (anonymous) stdio client.
    let modern = stdio_client(&backend, true).await;
    backend.fail_next(Fault::pending_approval(ApprovalPlan::executed()));
    let id = create_task(&modern, "over stdio").await.task.task_id;
    let done = poll_until_done(&modern, &id).await;
    assert_eq!(completed_result(&done).is_error, Some(false), "{done:?}");
    // 2025-11-25, declaring the extension at initialize: the call waits as before, and the
    // server refuses tasks/* for that protocol version.
    let legacy = stdio_client(&backend, false).await;
    backend.fail_next(Fault::pending_approval(ApprovalPlan::executed()));
    let CallToolResponse::Complete(result) =
        call_once(&legacy, "send_slack", slack_args("over stdio")).await
    else {
        panic!("no task for a 2025-11-25 request");
    };
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let refused = rpc_error(get_task(&legacy, &id).await);
    assert_eq!(
        refused.code,
        ErrorCode::METHOD_NOT_FOUND,
        "{}",
        refused.message
    );
    assert!(
        refused.message.contains("2026-07-28"),
        "{}",
        refused.message
    );
    for client in [modern, legacy] {
        client.cancel().await.ok();
    }
}
