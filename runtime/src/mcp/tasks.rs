//! Approvals as MCP tasks (the `io.modelcontextprotocol/tasks` extension, SEP-2663): when the
//! request declares the extension (protocol 2026-07-28 or later), a call Alter holds for a
//! human answers at once with a task; `tasks/get` asks Alter how the approval stands and, once
//! it ran, answers the tool's result exactly as `tools/call` would have.
//!
//! Invariants:
//! - Stateless: the task id (`task_id.rs`) carries what `tasks/get` needs, authenticated with a
//!   key derived from the agent key and bound to the caller, so any copy of the server answers
//!   it and nothing is remembered between requests. An id that is foreign, changed or expired
//!   is a JSON-RPC error before anything is sent to Alter.
//! - Honest status: the task reports what Alter reports (`working` while the approval is open
//!   or running; `completed` with the tool's result, or with the same tool error a waiting call
//!   would give for a denial, an expiry or a failure). `tasks/cancel` is acknowledged but
//!   changes nothing: nothing waits for a task on the server, and Alter's protocol has no way
//!   to withdraw an approval request, so the status keeps following Alter (the status message
//!   says so).
//! - Requests of older protocol versions never get a task and cannot use `tasks/*`: the
//!   extension's result discriminator and per-request capabilities exist from 2026-07-28 on.

use std::time::{SystemTime, UNIX_EPOCH};

use rmcp::model::{
    CallToolResult, CreateTaskResult, DetailedTask, ErrorCode, GetTaskResult, ProtocolVersion,
    Task, TaskPayload, TaskStatus,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer};

use super::approval::{Approvals, Start};
use super::call::CallScope;
use super::notify::LogLevel;
use super::task_id::{Refused, TaskId};
use crate::alter::agent::Agent;
use crate::alter::context::AuditContext;
use crate::alter::error::Error;
use crate::alter::key::TaskKey;
use crate::alter::poll::{Poll, Status, is_transient};
use crate::alter::response::ProviderResponse;
use crate::alter::user_token::UserToken;
use crate::alter::wire::PendingApproval;
use crate::request::{Method, ProviderRequest};
use crate::tool::ToolDef;
use crate::tool::paging::PageLinks;

/// The polling interval suggested to clients (the Alter SDK polls every 2 s too).
pub(crate) const POLL_INTERVAL_MS: u64 = 2_000;
/// How long after its approval's own expiry a task can still be read: time for a client to
/// collect the result of a call approved at the last moment.
const RESULT_GRACE_S: u64 = 3_600;

/// What a call's approval step answered with.
pub(crate) enum Reply {
    Response(ProviderResponse),
    Task(CreateTaskResult),
}

/// Whether this `tools/call` may be answered with a task: protocol 2026-07-28 or later, and
/// the extension declared in the request's capabilities.
pub(crate) fn offered(context: &RequestContext<RoleServer>) -> bool {
    modern(context)
        && context
            .client_capabilities()
            .is_some_and(|c| c.supports_tasks())
}

fn modern(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_some_and(|v| v >= ProtocolVersion::V_2026_07_28)
}

/// The call through Alter: with `offer_task`, a held call becomes a task at once (unless its
/// id could not carry the links, then it waits as any call does); otherwise it waits within
/// the bound (`approval.rs`).
#[allow(clippy::too_many_arguments)] // the call's parts, as `Approvals::call` takes them
pub(crate) async fn run(
    approvals: &Approvals,
    agent: &Agent,
    def: &ToolDef,
    request: &ProviderRequest,
    context: &AuditContext,
    scope: &CallScope,
    log_level: &LogLevel,
    offer_task: bool,
) -> Result<Reply, Error> {
    if !offer_task {
        return approvals
            .call(agent, def, request, context, scope, log_level)
            .await
            .map(Reply::Response);
    }
    let pending = match approvals.start(agent, def, request, context, scope).await {
        Start::Done(outcome) => return outcome.map(Reply::Response),
        Start::Held(pending) => pending,
    };
    let key = &agent.inner.task_key;
    match create(def, &pending, request, key, scope.user_token.as_ref()) {
        Some(task) => {
            tracing::info!(tool = def.name, approval = %pending.approval_id, "held for approval; answered with a task");
            Ok(Reply::Task(task))
        }
        None => {
            tracing::warn!(
                tool = def.name,
                "the approval link or the request URL is too long for a task id; waiting as without tasks"
            );
            approvals
                .wait(agent, def, request, scope, log_level, pending)
                .await
                .map(Reply::Response)
        }
    }
}

/// The task for a held call; `None` when its id cannot carry the links.
fn create(
    def: &ToolDef,
    pending: &PendingApproval,
    request: &ProviderRequest,
    key: &TaskKey,
    user: Option<&UserToken>,
) -> Option<CreateTaskResult> {
    let now = unix_now();
    let lifetime = u64::try_from(pending.expires_in).unwrap_or(0);
    let id = TaskId {
        tool: def.name.to_owned(),
        approval_id: pending.approval_id.clone(),
        approval_url: pending.approval_url.clone(),
        request_url: read_url(def, request),
        created_at: now,
        expires_at: now.saturating_add(lifetime).saturating_add(RESULT_GRACE_S),
    };
    let text = id.encode(key, user)?;
    let mut message = format!(
        "`{}` needs a human approval in Alter: approve it at {} (expires in {} s).",
        def.name, pending.approval_url, pending.expires_in
    );
    message.push_str(&crate::alter::error_text::other_approvers(pending));
    message.push_str(&format!(" {CANCEL_NOTE}"));
    let task = task(&text, &id, TaskStatus::Working, None).with_status_message(message);
    Some(CreateTaskResult::new(task))
}

const CANCEL_NOTE: &str = "Cancelling this task does not withdraw the approval request: deny \
                           it in Alter to stop the action.";

/// The provider URL of a read with a typed output (its `Link` headers are resolved against
/// it, as `tools/call` does); empty otherwise.
fn read_url(def: &ToolDef, request: &ProviderRequest) -> String {
    if def.output.is_none() || request.method() != Method::Get {
        return String::new();
    }
    crate::alter::retrieve::provider_url(request).map_or_else(|_| String::new(), |u| u.to_string())
}

/// The task's fields besides its payload.
fn task(text: &str, id: &TaskId, status: TaskStatus, updated: Option<&str>) -> Task {
    let created = rfc3339(id.created_at);
    let updated = updated.map_or_else(|| created.clone(), str::to_owned);
    Task::new(text, status, created, updated)
        .with_ttl_ms(
            id.expires_at
                .saturating_sub(id.created_at)
                .saturating_mul(1000),
        )
        .with_poll_interval_ms(POLL_INTERVAL_MS)
}

/// Reads and authenticates a task id for the request's caller; no I/O.
pub(crate) fn open<'a>(
    agent: Result<&'a Agent, &Error>,
    text: &str,
    context: &RequestContext<RoleServer>,
) -> Result<(&'a Agent, TaskId), ErrorData> {
    if !modern(context) {
        return Err(ErrorData::new(
            ErrorCode::METHOD_NOT_FOUND,
            "tasks/* are served to requests of protocol 2026-07-28 or later that declare the \
             io.modelcontextprotocol/tasks extension",
            None,
        ));
    }
    let agent = agent.map_err(|_| {
        ErrorData::invalid_params(
            "Failed to retrieve task: this server has no Alter agent key, so it issued no tasks",
            None,
        )
    })?;
    let user = super::call::user_token(context);
    let id =
        TaskId::decode(&agent.inner.task_key, text, user.as_ref(), unix_now()).map_err(refused)?;
    Ok((agent, id))
}

fn refused(why: Refused) -> ErrorData {
    let message = match why {
        Refused::Malformed => {
            "Failed to retrieve task: this is not a task id this server issued".to_owned()
        }
        Refused::NotIssuedToCaller => "Failed to retrieve task: this task was not issued to this \
             caller by this deployment (the id was changed, it belongs to another user, or the \
             caller's identity token is not the one the call was made with)"
            .to_owned(),
        Refused::Expired { expired_at } => format!(
            "Failed to retrieve task: task has expired (at {}); look up its approval in Alter \
             before calling the tool again",
            rfc3339(expired_at)
        ),
    };
    ErrorData::invalid_params(message, None)
}

/// `tasks/get`: how the approval stands in Alter, as a task.
pub(crate) async fn get(agent: &Agent, def: &ToolDef, text: &str, id: &TaskId) -> GetTaskResult {
    let poll = Poll::new(agent, def.provider, &id.approval_id);
    let (status, payload, message, updated) = match check(&poll, def, id).await {
        State::Working { message, updated } => (
            TaskStatus::Working,
            TaskPayload::Working,
            Some(message),
            updated,
        ),
        State::Done { result, updated } => {
            let result = match serde_json::to_value(&result) {
                Ok(serde_json::Value::Object(object)) => object,
                _ => serde_json::Map::new(),
            };
            (
                TaskStatus::Completed,
                TaskPayload::Completed { result },
                None,
                updated,
            )
        }
    };
    tracing::info!(tool = def.name, approval = %id.approval_id, ?status, "tasks/get");
    let mut task = task(text, id, status, updated.as_deref());
    task.status_message = message;
    GetTaskResult::new(DetailedTask::new(task, payload))
}

/// Where a task stands.
enum State {
    Working {
        message: String,
        updated: Option<String>,
    },
    Done {
        result: CallToolResult,
        updated: Option<String>,
    },
}

/// One status poll (no long poll: `tasks/get` answers at once) and, once executed, the result.
async fn check(poll: &Poll<'_>, def: &ToolDef, id: &TaskId) -> State {
    let updated = match step(poll.status(0).await, def.name, id) {
        Step::Now(state) => return state,
        Step::FetchResult { updated } => updated,
    };
    match poll.result().await {
        Ok(response) => State::Done {
            result: super::results::provider_result(def, &response, &links(id, &response)),
            updated,
        },
        Err(error) if is_transient(&error) => unreachable_alter(&error, id),
        Err(error) => failed(&error, updated),
    }
}

/// What a status answer means for the task.
enum Step {
    Now(State),
    /// Executed with a result: fetch it.
    FetchResult {
        updated: Option<String>,
    },
}

fn step(status: Result<Status, Error>, tool: &str, id: &TaskId) -> Step {
    let status = match status {
        Ok(status) => status,
        Err(error) if is_transient(&error) => return Step::Now(unreachable_alter(&error, id)),
        Err(error) => return Step::Now(failed(&error, None)),
    };
    let updated = status
        .executed_at
        .clone()
        .or_else(|| status.decided_at.clone());
    if let Some(Err(error)) = status.outcome(&id.approval_id) {
        return Step::Now(failed(&error, updated));
    }
    if status.executed_with_result() {
        return Step::FetchResult { updated };
    }
    Step::Now(State::Working {
        message: working_message(tool, &status, id),
        updated,
    })
}

fn working_message(tool: &str, status: &Status, id: &TaskId) -> String {
    match status.status.as_str() {
        "pending" => format!(
            "Waiting for a human to approve `{tool}` in Alter at {}. {CANCEL_NOTE}",
            id.approval_url
        ),
        "approved" | "executing" | "executed" => {
            "Approved; Alter is running the request. Poll again for the result.".to_owned()
        }
        other => format!("Alter reports the approval as `{other}`; poll again."),
    }
}

/// A tool error with the text a waiting call would have given.
fn failed(error: &Error, updated: Option<String>) -> State {
    State::Done {
        result: super::results::tool_error(error.tool_message()),
        updated,
    }
}

/// Alter could not be asked this time; the approval itself is unaffected.
fn unreachable_alter(error: &Error, id: &TaskId) -> State {
    tracing::info!(%error, approval = %id.approval_id, "approval status unavailable; the task stays working");
    State::Working {
        message: format!(
            "Could not ask Alter about the approval just now ({}); it is still open there. Poll \
             again.",
            error.message()
        ),
        updated: None,
    }
}

/// The answer's `Link` headers against the read's URL, as `tools/call` reads them.
fn links(id: &TaskId, response: &ProviderResponse) -> PageLinks {
    if id.request_url.is_empty() || response.header("link").is_none() {
        return PageLinks::default();
    }
    PageLinks::read(response.headers(), &id.request_url)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// RFC 3339 in UTC, whole seconds.
fn rfc3339(unix: u64) -> String {
    let seconds = i64::try_from(unix).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(
        || "9999-12-31T23:59:59Z".to_owned(),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> TaskId {
        TaskId {
            tool: "send_slack".into(),
            approval_id: "a1".into(),
            approval_url: "https://alter.example/approvals/a1".into(),
            request_url: String::new(),
            created_at: 1_767_225_600,
            expires_at: 1_767_229_800,
        }
    }

    fn status(name: &str, has_result: bool) -> Status {
        Status {
            status: name.to_owned(),
            has_result,
            decision_reason: Some("Not during the freeze.".into()),
            execution_error: Some("Slack answered 500.".into()),
            decided_at: Some("2026-01-01T00:05:00Z".into()),
            executed_at: None,
        }
    }

    /// The status message of a working step, or the text of a finished one.
    fn described(step: Step) -> (&'static str, String) {
        let text = |result: CallToolResult| {
            assert_eq!(result.is_error, Some(true));
            result.content[0].as_text().unwrap().text.clone()
        };
        match step {
            Step::Now(State::Working { message, .. }) => ("working", message),
            Step::Now(State::Done { result, .. }) => ("done", text(result)),
            Step::FetchResult { updated } => ("fetch", updated.unwrap_or_default()),
        }
    }

    #[test]
    fn each_approval_status_is_a_task_status_that_says_what_to_do() {
        let cases = [
            (
                status("pending", false),
                "working",
                "https://alter.example/approvals/a1",
            ),
            (status("pending", false), "working", "does not withdraw"),
            (status("approved", false), "working", "running"),
            (status("executing", false), "working", "running"),
            (status("executed", false), "working", "running"),
            (status("executed", true), "fetch", "2026-01-01T00:05:00Z"),
            (status("denied", false), "done", "Not during the freeze."),
            (status("expired", false), "done", "expired"),
            (status("failed", false), "done", "Slack answered 500."),
            (status("on_hold", false), "working", "`on_hold`"),
        ];
        for (status, kind, words) in cases {
            let name = status.status.clone();
            let (got, text) = described(step(Ok(status), "send_slack", &id()));
            assert_eq!(got, kind, "{name}: {text}");
            assert!(text.contains(words), "{name}: {text}");
        }
    }

    #[test]
    fn alter_unreachable_stays_working_and_other_poll_errors_finish_the_task() {
        let network = Error::new(crate::alter::error::ErrorKind::Network, "connection reset");
        let (kind, text) = described(step(Err(network), "send_slack", &id()));
        assert_eq!(kind, "working");
        assert!(text.contains("Could not ask Alter"), "{text}");
        let gone = Error::new(
            crate::alter::error::ErrorKind::Backend,
            "GET /sdk/approvals/{id} returned 404",
        )
        .with_status(404);
        let (kind, _) = described(step(Err(gone), "send_slack", &id()));
        assert_eq!(kind, "done");
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(u64::MAX), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn refusals_are_invalid_params_that_say_why() {
        for (why, words) in [
            (Refused::Malformed, "not a task id"),
            (Refused::NotIssuedToCaller, "another user"),
            (Refused::Expired { expired_at: 0 }, "expired"),
        ] {
            let error = refused(why);
            assert_eq!(error.code, ErrorCode::INVALID_PARAMS);
            assert!(error.message.contains(words), "{}", error.message);
        }
    }
}
