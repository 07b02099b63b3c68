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

use aws_lc_rs::digest::{SHA256, digest};
use serde_json::json;
use tokio::time::Instant;

use super::call::CallScope;
use super::notify::{LogLevel, Notifier};
use crate::alter::agent::{Agent, Mode};
use crate::alter::context::AuditContext;
use crate::alter::error::{Error, ErrorKind};
use crate::alter::poll::{Poll, Status};
use crate::alter::response::ProviderResponse;
use crate::alter::user_token::UserToken;
use crate::alter::wire::PendingApproval;
use crate::request::ProviderRequest;
use crate::tool::ToolDef;

use crate::env::APPROVAL_WAIT_ENV;
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
                    crate::alter::error::truncate(&text, 40)
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
        match self.start(agent, def, request, context, scope).await {
            Start::Done(outcome) => outcome,
            Start::Held(pending) => {
                self.wait(agent, def, request, scope, log_level, pending)
                    .await
            }
        }
    }

    /// The call's first step: sends it, or picks up the approval the same call left
    /// outstanding when it stopped waiting. Never waits for a human.
    pub(crate) async fn start(
        &self,
        agent: &Agent,
        def: &ToolDef,
        request: &ProviderRequest,
        context: &AuditContext,
        scope: &CallScope,
    ) -> Start {
        if let Some(pending) = self.take(&fingerprint(def, request, scope)) {
            tracing::info!(tool = def.name, approval = %pending.approval_id, "resuming the wait for an earlier approval");
            return Start::Held(pending);
        }
        match send(agent, def, request, context, scope.user_token.as_ref()).await {
            Err(SendOutcome::Pending(pending)) => Start::Held(pending),
            Err(SendOutcome::Done(outcome)) => Start::Done(outcome),
            Ok(response) => Start::Done(Ok(response)),
        }
    }

    /// Waits within the bound for the decision on `pending`, telling the client where to
    /// approve; on running out (or cancellation) keeps it for the same call made again.
    pub(crate) async fn wait(
        &self,
        agent: &Agent,
        def: &ToolDef,
        request: &ProviderRequest,
        scope: &CallScope,
        log_level: &LogLevel,
        pending: PendingApproval,
    ) -> Result<ProviderResponse, Error> {
        let mut notifier = Notifier::new(scope.client.as_ref(), log_level);
        announce(&mut notifier, def, &pending).await;
        let poll = Poll::new(agent, def.provider, &pending.approval_id);
        match self
            .await_decision(&poll, &pending, scope, &mut notifier)
            .await
        {
            Ok(outcome) => outcome,
            Err(unsettled) => {
                self.keep(fingerprint(def, request, scope), &pending);
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
        let mut waiter = Waiter::new(self.wait, scope, notifier, pending);
        let mut last = "pending".to_owned();
        loop {
            let left = waiter.left();
            if left.is_zero() {
                return Err(Unsettled::StillPending);
            }
            let asked = Instant::now();
            let wait_param = left.as_secs().min(crate::alter::poll::MAX_WAIT);
            let status = match waiter.guard(poll.status(wait_param)).await? {
                Ok(status) => status,
                Err(error) if crate::alter::poll::is_transient(&error) => {
                    tracing::info!(%error, "approval poll failed; retrying");
                    Status::default()
                }
                Err(error) => return Ok(Err(error)),
            };
            if let Some(outcome) = status.outcome(&pending.approval_id) {
                return Ok(outcome);
            }
            if status.executed_with_result() {
                match waiter.guard(poll.result()).await? {
                    Err(error) if crate::alter::poll::is_transient(&error) => {
                        tracing::info!(%error, "approval result fetch failed; retrying");
                    }
                    outcome => return Ok(outcome),
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
                waiter
                    .guard(tokio::time::sleep(crate::alter::poll::POLL_INTERVAL))
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

/// How a call's first step ended.
pub(crate) enum Start {
    /// Without a human: the provider's answer or an error.
    Done(Result<ProviderResponse, Error>),
    /// Alter holds the call for a human decision.
    Held(PendingApproval),
}

/// How a first attempt ended when it did not simply succeed.
enum SendOutcome {
    Pending(PendingApproval),
    Done(Result<ProviderResponse, Error>),
}

/// The call itself, through the proxy for destructive tools.
async fn send(
    agent: &Agent,
    def: &ToolDef,
    request: &ProviderRequest,
    context: &AuditContext,
    user: Option<&UserToken>,
) -> Result<ProviderResponse, SendOutcome> {
    let mode = mode_for(def, agent.mode());
    let mut result = agent
        .request_in(mode, def.provider, request, context, user)
        .await;
    // A grant held for approvals refuses the token path before any provider call
    // (`hitl_grant_requires_proxy`): the proxy is the way that works.
    if let Err(error) = &result
        && mode == Mode::Retrieve
        && *error.kind() == ErrorKind::RequiresProxy
    {
        tracing::info!(
            tool = def.name,
            "the grant requires the proxy; calling through it"
        );
        result = agent
            .request_in(Mode::Proxy, def.provider, request, context, user)
            .await;
    }
    result.map_err(|error| match error.kind() {
        ErrorKind::ApprovalPending(pending) => SendOutcome::Pending(pending.clone()),
        _ => SendOutcome::Done(Err(error)),
    })
}

/// The bounds of one wait: its deadline, the call's cancellation, and the progress heartbeat.
struct Waiter<'s, 'n, 'a> {
    deadline: Instant,
    started: Instant,
    heartbeat: tokio::time::Interval,
    scope: &'s CallScope,
    notifier: &'n mut Notifier<'a>,
    pending: &'s PendingApproval,
}

impl<'s, 'n, 'a> Waiter<'s, 'n, 'a> {
    fn new(
        wait: Duration,
        scope: &'s CallScope,
        notifier: &'n mut Notifier<'a>,
        pending: &'s PendingApproval,
    ) -> Self {
        let started = Instant::now();
        let mut heartbeat = tokio::time::interval_at(started + HEARTBEAT, HEARTBEAT);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Waiter {
            deadline: started + wait,
            started,
            heartbeat,
            scope,
            notifier,
            pending,
        }
    }

    fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Runs `step` to its end, sending a progress heartbeat meanwhile; gives up at the
    /// deadline or on cancellation.
    async fn guard<T>(&mut self, step: impl Future<Output = T>) -> Result<T, Unsettled> {
        tokio::pin!(step);
        loop {
            tokio::select! {
                () = self.scope.cancel.cancelled() => return Err(Unsettled::Cancelled),
                () = tokio::time::sleep_until(self.deadline) => return Err(Unsettled::StillPending),
                _ = self.heartbeat.tick() => {
                    let message = format!(
                        "Still waiting for approval at {} ({} s so far)",
                        self.pending.approval_url,
                        self.started.elapsed().as_secs()
                    );
                    self.notifier.progress(&message).await;
                }
                value = &mut step => return Ok(value),
            }
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
mod tests;
