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
