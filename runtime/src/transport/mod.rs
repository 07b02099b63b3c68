//! How a server reaches its clients, and how a binary starts one: stdio (`stdio.rs`),
//! stateless streamable HTTP (`http.rs`) with what a request passes first (`http_gate.rs`:
//! body limit, the bearer token as the call's user) and its settings (`http_options.rs`); and
//! `run`, the whole `main` of a tool server: command line (`cli.rs`), logs that never block
//! (`logging.rs`), worker threads (`threads.rs`), then one transport.
//!
//! The top layer: may use every layer below; only the crate root uses it.

pub(crate) mod cli;
pub(crate) mod http;
pub(crate) mod http_gate;
pub(crate) mod http_options;
pub(crate) mod logging;
pub(crate) mod run;
pub(crate) mod stdio;
pub(crate) mod threads;
