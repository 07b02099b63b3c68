//! The runtime that generated Alter MCP tools call: the Alter agent client (signing, proxy and
//! retrieve modes, typed errors) and the MCP server that serves a set of [`ToolDef`]s.
//!
//! Generated code reaches every dependency through the re-exports below, so a crate using
//! generated tools depends on this crate alone and its versions can never clash with ours.
//! Every environment variable the runtime reads is named, with its default, in [`env`](mod@env).
//!
//! # Serving generated tools
//!
//! A tool server's `main` is one call to [`run`]: logs to stderr, the [`Agent`] from the
//! environment ([`env::KEY_ENV`], [`env::BASE_URL_ENV`], [`env::MODE_ENV`]), stdio by default
//! or streamable HTTP with `--http ADDR`. `TOOLS` is the table a generated module defines
//! (`alter-mcp-gen` writes it from an OpenAPI document and an allowlist).
//!
//! ```no_run
//! mod calendar {
//!     // In a real crate: include!(concat!(env!("OUT_DIR"), "/google_calendar.rs"));
//!     pub static TOOLS: &[alter_mcp_runtime::ToolDef] = &[];
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     alter_mcp_runtime::run("my-tools", &[calendar::TOOLS])
//! }
//! ```
//!
//! # A `Server` with an `Agent` built in code
//!
//! Where configuration comes from somewhere other than the environment, build the [`Agent`]
//! yourself and hand it to a [`Server`]; serve it with [`serve_stdio`] or [`serve_http`].
//!
//! ```no_run
//! use alter_mcp_runtime::{Agent, AgentKey, Mode, Server, serve_stdio};
//!
//! static TOOLS: &[alter_mcp_runtime::ToolDef] = &[];
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let key: AgentKey = std::env::var("MY_ALTER_KEY")?.parse()?;
//!     let agent = Agent::builder(key)
//!         .base_url("https://backend.alterauth.com")
//!         .mode(Mode::Proxy)
//!         .build()?;
//!     let server = Server::new("my-tools", &[TOOLS])?.with_agent(agent);
//!     serve_stdio(server).await?;
//!     Ok(())
//! }
//! ```
//!
//! # The `Agent` alone, as an Alter client
//!
//! [`Agent::request`] sends one signed provider call through Alter's proxy and returns the
//! provider's answer; the audit row names what [`AuditContext`] says. Building an agent checks
//! the key's syntax and the URL and sends nothing, so this example runs as a test; the call
//! itself needs a backend and is shown, not made.
//!
//! ```
//! use alter_mcp_runtime::{Agent, AgentKey, AuditContext, Method, ProviderRequest};
//!
//! # fn main() -> Result<(), alter_mcp_runtime::Error> {
//! let key = AgentKey::new(format!("alter_key_{}", "x".repeat(40)))?;
//! let agent = Agent::builder(key).base_url("http://127.0.0.1:8080").build()?;
//! assert_eq!(agent.base_url(), "http://127.0.0.1:8080");
//! // The key never shows, not even in Debug.
//! assert!(!format!("{agent:?}").contains("xxxx"));
//!
//! let mut request = ProviderRequest::new(
//!     Method::Get,
//!     "https://www.googleapis.com/calendar/v3/calendars/{calendarId}/events",
//! );
//! request.path("calendarId", "primary").query("maxResults", 10);
//! let context = AuditContext::for_tool("list_events");
//! async fn send(
//!     agent: &Agent,
//!     request: &ProviderRequest,
//!     context: &AuditContext,
//! ) -> Result<(), alter_mcp_runtime::Error> {
//!     let answer = agent.request("google-calendar", request, context).await?;
//!     println!("{} {}", answer.status(), answer.text().unwrap_or("<binary>"));
//!     Ok(())
//! }
//! let _call = send(&agent, &request, &context); // a future: nothing is sent until awaited
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

// The layers, bottom to top; each folder uses only the ones above it here, and its `mod.rs`
// says what it owns (`layers.rs` holds the order).
pub mod env;

pub mod request;

mod alter;

pub mod tool;

mod mcp;

mod transport;

/// Entry points for `fuzz/` (feature `fuzzing`, never on in a shipped binary).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

#[cfg(test)]
mod layers;

pub use alter::agent::{Agent, AgentBuilder, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, Mode};
pub use alter::context::AuditContext;
pub use alter::error::{Error, ErrorKind};
pub use alter::key::AgentKey;
pub use alter::limits::Limits;
pub use alter::response::ProviderResponse;
pub use alter::retry::RetryPolicy;
pub use alter::trace::{self, Trace};
pub use alter::user_token::UserToken;
pub use alter::wire::{ApprovalGate, PendingApproval};
pub use mcp::approval::DEFAULT_APPROVAL_WAIT;
pub use mcp::call::{CallScope, Client};
pub use mcp::server::Server;
pub use request::upload::{Base64, FilePart, FileParts};
pub use request::{BodyEncoding, EncodedBody, Method, ProviderRequest, Style};
pub use tool::output::{self, OutputDef, OutputError, OutputFn, ToolOutput, output};
pub use tool::paging::{LinkPaging, PageKind, PageLinks, PageParam};
pub use tool::{Annotations, ArgumentError, Arguments, ResponseRule, ToolDef, ToolInput, build};
pub use transport::http::{serve_http, shutdown_signal};
pub use transport::http_options::HttpOptions;
pub use transport::logging::DEFAULT_LOG_FILTER;
pub use transport::run::run;
pub use transport::stdio::serve_stdio;

// Re-exports for generated code and binaries.
pub use rmcp;
pub use serde;
pub use serde_json;
