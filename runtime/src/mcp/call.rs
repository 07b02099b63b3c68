//! One `tools/call`: what it carries besides the tool's name and arguments ([`CallScope`]:
//! whose call it is, what to add to its audit row, where to send progress, when to give up),
//! read from rmcp's request context; and its path through the server: arguments checked
//! against the advertised schema and built, a dry run's answer, or the agent behind the
//! concurrency gate, through approvals, to a tool result.

use std::time::Instant;

use rmcp::model::{CallToolRequestParams, CallToolResponse, CallToolResult, ProgressToken};
use rmcp::service::{Peer, RequestContext};
use rmcp::{ErrorData, RoleServer};
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use super::results::{page_links, provider_result, tool_error};
use super::server::Server;
use super::tasks::Reply;
use crate::alter::context::AuditContext;
use crate::alter::trace;
use crate::alter::user_token::UserToken;
use crate::tool::Arguments;

/// The per-call scope. `CallScope::default()` is a call with no user, no extra audit fields,
/// no client to notify and no cancellation (tests, benchmarks, embedding).
#[derive(Debug, Clone, Default)]
pub struct CallScope {
    /// The calling end user's identity token (over HTTP, the bearer token of the MCP request),
    /// sent to Alter as `user_token` (protocol §9) to pick that user's grant.
    pub user_token: Option<UserToken>,
    /// Audit-context fields added to this call's audit row beside `tool` (protocol §5): run id,
    /// conversation id, custom tags.
    pub trace: AuditContext,
    /// Cancelled when the client cancels the request or goes away; the call stops waiting.
    pub cancel: CancellationToken,
    /// The client, for progress notifications and log messages while the call waits.
    pub client: Option<Client>,
}

/// The client of one call: its peer and the progress token it asked for, if any.
#[derive(Debug, Clone)]
pub struct Client {
    /// The MCP client connection, to send notifications on.
    pub peer: Peer<RoleServer>,
    /// The `progressToken` of the request's `_meta`; without it no progress is sent.
    pub progress_token: Option<ProgressToken>,
}

/// The scope of a `tools/call` from rmcp's request context: the trace fields of its `_meta`
/// (the request's own over the context's), cancellation, the client, and the caller's token.
pub(super) fn scope_of(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> CallScope {
    let mut meta = context.meta.0.0.clone();
    if let Some(own) = &request.meta {
        meta.extend(own.0.0.clone());
    }
    CallScope {
        trace: trace::from_meta(&meta),
        cancel: context.ct.clone(),
        client: Some(Client {
            progress_token: context.meta.get_progress_token(),
            peer: context.peer.clone(),
        }),
        user_token: user_token(context),
    }
}

/// The caller's token of one MCP request, as the HTTP transport left it
/// (`transport/http_gate.rs`) in the HTTP request parts that rmcp hands to the handler. `None`
/// over stdio and for anonymous HTTP requests.
pub(super) fn user_token(context: &RequestContext<RoleServer>) -> Option<UserToken> {
    context
        .extensions
        .get::<hyper::http::request::Parts>()?
        .extensions
        .get::<UserToken>()
        .cloned()
}

impl Server {
    /// Runs one `tools/call`. `Err` only for an unknown tool (a protocol fault).
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<Arguments>,
        scope: CallScope,
    ) -> Result<CallToolResult, ErrorData> {
        match self.respond(name, arguments, scope, false).await? {
            CallToolResponse::Complete(result) => Ok(result),
            // `respond` answers with a task only when offered one.
            other => Err(ErrorData::internal_error(
                format!("unexpected answer to a call without tasks: {other:?}"),
                None,
            )),
        }
    }

    /// [`Server::call`], answering with a task when `offer_task` and Alter holds the call for
    /// a human (`tasks.rs`).
    pub(super) async fn respond(
        &self,
        name: &str,
        arguments: Option<Arguments>,
        scope: CallScope,
        offer_task: bool,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(&index) = self.by_name.get(name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{name}`"),
                None,
            ));
        };
        let started = Instant::now();
        let entry = &self.tools[index];
        let def = entry.def;
        let checked = entry.input_check();
        let request = match checked.and_then(|c| c.build(def.build, arguments.unwrap_or_default()))
        {
            Ok(request) => request,
            Err(error) => {
                let elapsed_ms = started.elapsed().as_millis();
                tracing::info!(tool = def.name, %error, elapsed_ms, "tool arguments rejected");
                return Ok(tool_error(error.to_string()).into());
            }
        };
        let context = trace::for_call(def, &scope.trace);
        if let Some(mode) = self.dry_run {
            let elapsed_ms = started.elapsed().as_millis();
            tracing::info!(tool = def.name, elapsed_ms, "tool call done (dry run)");
            return Ok(super::dry_run::result(
                def,
                &request,
                &context,
                mode,
                scope.user_token.is_some(),
            )
            .into());
        }
        let agent = match &self.agent {
            Ok(agent) => agent,
            Err(error) => {
                let error = error.clone().with_provider(def.provider);
                let elapsed_ms = started.elapsed().as_millis();
                tracing::info!(tool = def.name, kind = ?error.kind(), elapsed_ms, "tool call failed");
                return Ok(tool_error(error.tool_message()).into());
            }
        };
        let call = super::tasks::run(
            &self.approvals,
            agent,
            def,
            &request,
            &context,
            &scope,
            &self.log_level,
            offer_task,
        );
        // The span names the tool on the agent's own logs (retries, timeouts, approvals).
        let span = tracing::info_span!("tool_call", tool = def.name);
        let result = self.gate.run(&scope.cancel, call).instrument(span).await;
        let elapsed_ms = started.elapsed().as_millis();
        match result {
            Ok(Reply::Response(response)) => {
                tracing::info!(
                    tool = def.name,
                    status = response.status(),
                    elapsed_ms,
                    "tool call done"
                );
                let links = page_links(def, &request, &response);
                Ok(provider_result(def, &response, &links).into())
            }
            Ok(Reply::Task(task)) => Ok(CallToolResponse::Task(task)),
            Err(error) => {
                tracing::info!(tool = def.name, kind = ?error.kind(), %error, elapsed_ms, "tool call failed");
                Ok(tool_error(error.tool_message()).into())
            }
        }
    }
}
