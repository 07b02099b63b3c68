//! MCP serving: a [`Server`](server::Server) is an rmcp `ServerHandler` over generated tools.
//! It lists them (`listing.rs`) and runs each `tools/call` (`call.rs`): arguments checked and
//! built, then a dry run's answer (`dry_run.rs`) or the agent's call, bounded in number and
//! cancellable (`gate.rs`), waiting on a human approval with progress and log notifications
//! (`approval.rs`, `notify.rs`) or answering with an MCP task (`tasks.rs`, `task_id.rs`),
//! and the answer as a tool result (`results.rs`); `handler.rs` answers rmcp's requests.
//!
//! May use `env`, `request`, `alter` and `tool`; knows nothing of how messages travel.

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
#[cfg(test)]
mod test_support;
