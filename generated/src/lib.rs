//! Typed MCP tools for Google Calendar and Slack, generated at build time from `specs/` by
//! `alter-mcp-gen` (see `build.rs`). The same code is checked in under `snapshots/` for review;
//! `tests/snapshots.rs` fails when the two differ.

use alter_mcp_runtime::ToolDef;

/// Google Calendar tools (`specs/google-calendar`).
pub mod google_calendar {
    include!(concat!(env!("OUT_DIR"), "/google_calendar.rs"));
}

/// Slack tools (`specs/slack`).
pub mod slack {
    include!(concat!(env!("OUT_DIR"), "/slack.rs"));
}

/// Every tool this crate serves, one slice per provider.
pub const TOOL_SETS: &[&[ToolDef]] = &[google_calendar::TOOLS, slack::TOOLS];

/// The Rust snippets of the workspace README and of the runtime's and the generator's READMEs,
/// compiled as doc tests (`cargo test -p alter-mcp-tools --doc`). They live here because this
/// crate has everything they name: generated modules in `OUT_DIR`, the runtime, and the
/// generator (a dev-dependency). Only under `cfg(doctest)`, so nothing else reads the files.
#[cfg(doctest)]
pub mod readme_doctests {
    #[doc = include_str!("../../README.md")]
    pub struct Workspace;

    #[doc = include_str!("../../runtime/README.md")]
    pub struct Runtime;

    #[doc = include_str!("../../generator/README.md")]
    pub struct Generator;
}
