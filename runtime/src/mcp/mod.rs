//! MCP serving: a [`Server`](server::Server) is an rmcp `ServerHandler` over generated tools.
//! It lists them, and runs each `tools/call`: arguments checked against the advertised schema
//! and built, then a dry run's answer or the agent's call, bounded in number and cancellable
//! (`gate.rs`), waiting on human approvals with progress and log notifications (`approval.rs`,
//! `notify.rs`) or answering with an MCP task (`tasks.rs`, `task_id.rs`), and the provider's
//! answer as a tool result (`results.rs`).
//!
//! Uses `request`, `alter` and `tool`; knows nothing of how messages travel (`transport`).

pub(crate) mod approval;
pub(crate) mod call;
pub(crate) mod dry_run;
pub(crate) mod gate;
mod handler;
mod listing;
pub(crate) mod notify;
pub(crate) mod results;
pub(crate) mod server;
pub(crate) mod task_id;
pub(crate) mod tasks;
