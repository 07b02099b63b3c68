//! What one `tools/call` carries besides the tool's name and arguments: whose call it is, what
//! to add to its audit row, where to send progress, and when to give up. [`Server::call`]
//! takes one; `call_tool` builds it from rmcp's request context.
//!
//! [`Server::call`]: crate::Server::call

use rmcp::RoleServer;
use rmcp::model::ProgressToken;
use rmcp::service::Peer;
use tokio_util::sync::CancellationToken;

use crate::alter::context::AuditContext;
use crate::alter::user_token::UserToken;

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
