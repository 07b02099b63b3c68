//! The runtime that generated Alter MCP tools call: the Alter agent client (signing, proxy and
//! retrieve modes, typed errors) and the MCP server that serves a set of [`ToolDef`]s.
//!
//! Generated code reaches every dependency through the re-exports below, so a crate using
//! generated tools depends on this crate alone and its versions can never clash with ours.
//!
//! A tool server's `main` is one call:
//! ```no_run
//! static TOOLS: &[alter_mcp_runtime::ToolDef] = &[];
//! fn main() -> std::process::ExitCode {
//!     alter_mcp_runtime::run("alter-mcp", &[TOOLS])
//! }
//! ```
//!
//! Environment: `ALTER_MCP_AGENT_KEY` (the agent key), `ALTER_BASE_URL` (default
//! `https://backend.alterauth.com`), `ALTER_MCP_MODE` (`proxy` default, or `retrieve`),
//! `ALTER_MCP_LOG` (log filter, default `info,rmcp=warn`; logs go to stderr through a
//! bounded queue, never blocking). `--http ADDR` serves
//! streamable HTTP instead of stdio (see `--help`); timeouts, retries,
//! concurrency and response size from the `ALTER_MCP_*` variables of [`Limits`].
//! `ALTER_MCP_APPROVAL_WAIT`
//! (seconds a call waits for a human approval, default 50), `ALTER_MCP_DRY_RUN` (`1`: calls
//! answer with the request they would send, and send nothing).

mod agent;
mod approval;
mod call;
mod cap;
mod cli;
mod context;
mod dry_run;
mod encoding;
mod error;
mod error_text;
/// Entry points for `fuzz/` (feature `fuzzing`, never on in a shipped binary).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod gate;
mod http;
mod http_gate;
mod http_options;
mod input_check;
mod key;
mod limits;
mod link;
mod logging;
mod mapping;
mod notify;
pub mod output;
mod paging;
mod poll;
mod proxy;
pub mod request;
mod response;
mod retrieve;
mod retry;
mod server;
mod signing;
mod stdio;
mod task_id;
mod tasks;
mod threads;
pub mod tool;
pub mod trace;
mod upload;
mod wire;

pub use agent::{
    Agent, AgentBuilder, BASE_URL_ENV, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, MODE_ENV, Mode,
};
pub use approval::{APPROVAL_WAIT_ENV, DEFAULT_APPROVAL_WAIT};
pub use call::{CallScope, Client, UserToken};
pub use context::AuditContext;
pub use dry_run::DRY_RUN_ENV;
pub use error::{Error, ErrorKind};
pub use http::{serve_http, shutdown_signal};
pub use http_options::HttpOptions;
pub use key::{AgentKey, KEY_ENV};
pub use limits::{
    CONNECT_TIMEOUT_ENV, Limits, MAX_CONCURRENT_ENV, MAX_RESPONSE_ENV, QUEUE_TIMEOUT_ENV,
    READ_TIMEOUT_ENV, RETRY_ATTEMPTS_ENV, RETRY_BUDGET_ENV, TIMEOUT_ENV,
};
pub use logging::{DEFAULT_LOG_FILTER, LOG_ENV};
pub use output::{OutputDef, OutputError, OutputFn, ToolOutput, output};
pub use paging::{LinkPaging, PageKind, PageLinks, PageParam};
pub use request::{BodyEncoding, EncodedBody, Method, ProviderRequest, Style};
pub use response::ProviderResponse;
pub use retry::RetryPolicy;
pub use server::{Server, run, run_stdio, serve_stdio};
pub use tool::{Annotations, ArgumentError, Arguments, ResponseRule, ToolDef, ToolInput, build};
pub use trace::Trace;
pub use upload::{Base64, FilePart, FileParts};
pub use wire::{ApprovalGate, PendingApproval};

// Re-exports for generated code and binaries.
pub use rmcp;
pub use serde;
pub use serde_json;
