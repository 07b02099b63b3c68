//! MCP serving.

pub(crate) mod approval;
pub(crate) mod call;
pub(crate) mod dry_run;
pub(crate) mod gate;
pub(crate) mod notify;
pub(crate) mod server;
pub(crate) mod task_id;
pub(crate) mod tasks;
