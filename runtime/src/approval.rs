//! Human approvals (protocol §7) as a tool call lives them: when Alter holds a proxied call
//! for a human decision (202), tell the client at once (progress and log notifications with
//! the approval link), wait for the decision within a bound, and end with the provider's
//! result, a denial, an expiry, a failed execution, or "still pending: approve, then call
//! again".
//!
//! Invariants:
//! - Waiting is bounded by [`APPROVAL_WAIT_ENV`] and stops when the call is cancelled.
//! - A call that stopped waiting leaves its approval on record: the same call (same tool,
//!   same request, same user) made again resumes waiting on that approval instead of asking
//!   Alter for a second one, so an approved action runs once.
//! - Polls are signed, carry no audit context (§7), and are retried only on 502/503/504 and
//!   network failures.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use ring::digest::{SHA256, digest};
use serde_json::json;
use tokio::time::Instant;

use crate::agent::{Agent, Mode};
use crate::call::CallScope;
use crate::context::AuditContext;
use crate::error::{Error, ErrorKind};
use crate::notify::{LogLevel, Notifier};
use crate::poll::{Poll, Status};
use crate::request::ProviderRequest;
use crate::response::ProviderResponse;
use crate::tool::ToolDef;
use crate::wire::PendingApproval;

/// Env var: how many seconds a tool call waits for a human decision before it answers "still
/// pending" (0: answer at once). Default [`DEFAULT_APPROVAL_WAIT`].
pub const APPROVAL_WAIT_ENV: &str = "ALTER_MCP_APPROVAL_WAIT";
/// Below the 60 s request timeout common in MCP clients.
pub const DEFAULT_APPROVAL_WAIT: Duration = Duration::from_secs(50);
/// How often a waiting call sends a progress notification.
const HEARTBEAT: Duration = Duration::from_secs(10);

/// Approval settings and the approvals calls stopped waiting for.
#[derive(Debug)]
pub(crate) struct Approvals {
    wait: Duration,
    outstanding: Mutex<BTreeMap<String, Outstanding>>,
}

#[derive(Debug, Clone)]
struct Outstanding {
    pending: PendingApproval,
    /// When Alter drops the approval anyway (`expires_in` after it was created).
    until: Instant,
}

/// How a wait ended without a decision.
enum Unsettled {
    StillPending,
    Cancelled,
}

impl Approvals {
    pub(crate) fn new(wait: Duration) -> Approvals {
        Approvals {
            wait,
            outstanding: Mutex::new(BTreeMap::new()),
        }
    }

    /// Reads [`APPROVAL_WAIT_ENV`] (whole seconds).
    pub(crate) fn from_env() -> Result<Approvals, Error> {
        let wait = match std::env::var(APPROVAL_WAIT_ENV) {
            Err(_) => DEFAULT_APPROVAL_WAIT,
            Ok(text) if text.trim().is_empty() => DEFAULT_APPROVAL_WAIT,
            Ok(text) => Duration::from_secs(text.trim().parse().map_err(|_| {
                Error::config(format!(
                    "{APPROVAL_WAIT_ENV} must be a whole number of seconds, not {:?}",
                    crate::error::truncate(&text, 40)
                ))
            })?),
        };
        Ok(Approvals::new(wait))
    }

    /// Runs one tool call through `agent`, waiting for a human decision when Alter asks for
    /// one. Destructive tools always go through the proxy, where approvals apply.
    pub(crate) async fn call(
        &self,
        agent: &Agent,
        def: &ToolDef,
        request: &ProviderRequest,
        context: &AuditContext,
        scope: &CallScope,
        log_level: &LogLevel,
    ) -> Result<ProviderResponse, Error> {
        let key = fingerprint(def, request, scope);
        let pending = match self.take(&key) {
            Some(pending) => {
                tracing::info!(tool = def.name, approval = %pending.approval_id, "resuming the wait for an earlier approval");
                pending
            }
            None => {
                let mode = mode_for(def, agent.mode());
                match agent.request_in(mode, def.provider, request, context).await {
                    Err(error) => match error.kind() {
                        ErrorKind::ApprovalPending(pending) => pending.clone(),
                        _ => return Err(error),
                    },
                    done => return done,
                }
            }
        };
        let mut notifier = Notifier::new(scope.client.as_ref(), log_level);
        announce(&mut notifier, def, &pending).await;
        let poll = Poll::new(agent, def.provider, &pending.approval_id);
        match self
            .await_decision(&poll, &pending, scope, &mut notifier)
            .await
        {
            Ok(outcome) => outcome,
            Err(unsettled) => {
                self.keep(key, &pending);
                let waited = self.wait.as_secs();
                let message = match unsettled {
                    Unsettled::StillPending => format!("still waiting after {waited} s"),
                    Unsettled::Cancelled => "the call was cancelled while waiting".to_owned(),
                };
                Err(Error::new(ErrorKind::ApprovalPending(pending), message)
                    .with_provider(def.provider))
            }
        }
    }

    /// Polls until a decision, the bound, or cancellation. `Ok` holds the call's outcome.
    async fn await_decision(
        &self,
        poll: &Poll<'_>,
        pending: &PendingApproval,
        scope: &CallScope,
        notifier: &mut Notifier<'_>,
    ) -> Result<Result<ProviderResponse, Error>, Unsettled> {
        let started = Instant::now();
        let deadline = started + self.wait;
        let mut heartbeat = tokio::time::interval_at(started + HEARTBEAT, HEARTBEAT);
        let mut last = "pending".to_owned();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Unsettled::StillPending);
            }
            let asked = Instant::now();
            let wait_param = left.as_secs().min(crate::poll::MAX_WAIT);
            let step = async {
                match poll.status(wait_param).await {
                    Ok(status) => Step::Status(status),
                    Err(error) if crate::poll::is_transient(&error) => Step::Transient(error),
                    Err(error) => Step::Done(Err(error)),
                }
            };
            let step = guarded(
                step,
                deadline,
                scope,
                &mut heartbeat,
                notifier,
                pending,
                started,
            )
            .await?;
            let status = match step {
                Step::Done(outcome) => return Ok(outcome),
                Step::Transient(error) => {
                    tracing::info!(%error, "approval poll failed; retrying");
                    Status::default()
                }
                Step::Status(status) => status,
            };
            if let Some(outcome) = status.outcome(pending) {
                return Ok(outcome);
            }
            if status.executed_with_result() {
                let fetch = async {
                    match poll.result().await {
                        Err(error) if crate::poll::is_transient(&error) => Step::Transient(error),
                        outcome => Step::Done(outcome),
                    }
                };
                let step = guarded(
                    fetch,
                    deadline,
                    scope,
                    &mut heartbeat,
                    notifier,
                    pending,
                    started,
                )
                .await?;
                if let Step::Done(outcome) = step {
                    return Ok(outcome);
                }
            }
            // A changed status is news: ask again at once. An unchanged one that came back
            // before the server held it (`wait`) means the server does not long-poll: pause.
            let changed = !status.status.is_empty() && status.status != last;
            if !status.status.is_empty() {
                last.clone_from(&status.status);
            }
            let held = asked.elapsed() >= Duration::from_secs(wait_param.max(1));
            if !changed && !held {
                let pause = tokio::time::sleep(crate::poll::POLL_INTERVAL);
                guarded(
                    async {
                        pause.await;
                        Step::Transient(Error::new(ErrorKind::Timeout, "pause"))
                    },
                    deadline,
                    scope,
                    &mut heartbeat,
                    notifier,
                    pending,
                    started,
                )
                .await?;
            }
        }
    }

    fn take(&self, key: &str) -> Option<PendingApproval> {
        let mut outstanding = self.outstanding.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        outstanding.retain(|_, o| o.until > now);
        outstanding.remove(key).map(|o| o.pending)
    }

    fn keep(&self, key: String, pending: &PendingApproval) {
        let lifetime = Duration::from_secs(u64::try_from(pending.expires_in).unwrap_or(0));
        let entry = Outstanding {
            pending: pending.clone(),
            until: Instant::now() + lifetime,
        };
        self.outstanding
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, entry);
    }
}

enum Step {
    Status(Status),
    Transient(Error),
    Done(Result<ProviderResponse, Error>),
}

/// Runs `step` until it ends, sending a progress heartbeat meanwhile; gives up at the
/// deadline or on cancellation.
async fn guarded(
    step: impl Future<Output = Step>,
    deadline: Instant,
    scope: &CallScope,
    heartbeat: &mut tokio::time::Interval,
    notifier: &mut Notifier<'_>,
    pending: &PendingApproval,
    started: Instant,
) -> Result<Step, Unsettled> {
    tokio::pin!(step);
    loop {
        tokio::select! {
            () = scope.cancel.cancelled() => return Err(Unsettled::Cancelled),
            () = tokio::time::sleep_until(deadline) => return Err(Unsettled::StillPending),
            _ = heartbeat.tick() => {
                let message = format!(
                    "Still waiting for approval at {} ({} s so far)",
                    pending.approval_url,
                    started.elapsed().as_secs()
                );
                notifier.progress(&message).await;
            }
            step = &mut step => return Ok(step),
        }
    }
}

/// The first notice: the human must act, here is where.
async fn announce(notifier: &mut Notifier<'_>, def: &ToolDef, pending: &PendingApproval) {
    let message = format!(
        "`{}` needs a human approval in Alter: approve it at {} (expires in {} s).",
        def.name, pending.approval_url, pending.expires_in
    );
    notifier.progress(&message).await;
    let urls: Vec<&str> = pending
        .gates
        .iter()
        .map(|g| g.approval_url.as_str())
        .collect();
    notifier
        .log(
            &message,
            json!({
                "tool": def.name,
                "approval_id": pending.approval_id,
                "approval_url": pending.approval_url,
                "gate_urls": urls,
                "expires_at": pending.expires_at,
            }),
        )
        .await;
}

/// Destructive tools go through the proxy even in retrieve mode: only there do Alter's
/// approvals apply.
pub(crate) fn mode_for(def: &ToolDef, configured: Mode) -> Mode {
    if def.annotations.destructive {
        Mode::Proxy
    } else {
        configured
    }
}

/// Identifies "the same call": tool, exact request and user.
fn fingerprint(def: &ToolDef, request: &ProviderRequest, scope: &CallScope) -> String {
    let user = scope.user_token.as_ref().map_or("", |t| t.expose());
    let text = format!("{}\n{request:?}\n{user}", def.name);
    let hash = digest(&SHA256, text.as_bytes());
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[path = "approval_tests.rs"]
mod tests;
