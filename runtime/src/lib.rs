//! The runtime that generated Alter MCP tools call: the Alter agent client (signing, proxy and
//! retrieve modes, typed errors) and the MCP server that serves a set of [`ToolDef`]s.
//!
//! Generated code reaches every dependency through the re-exports below, so a crate using
//! generated tools depends on this crate alone and its versions can never clash with ours.

pub mod request;
pub mod tool;

pub use request::{Method, ProviderRequest};
pub use tool::{Annotations, ArgumentError, Arguments, ResponseRule, ToolDef, ToolInput, build};

// Re-exports for generated code.
pub use serde;
pub use serde_json;
