//! The contract with generated code: what a generated module names. A tool is data plus one
//! function ([`ToolDef`]): its typed input turns arguments into a provider request
//! ([`ToolInput`], [`build`]), checked first against the input schema it advertises
//! (`input_check.rs`); its typed output reads the provider's answer into structured content
//! ([`output`](output::output)), with the next page's arguments when it pages by `Link`
//! header (`paging.rs`, `link.rs`).
//!
//! May use `env`, `request` and `alter` (its error type, the audit origin of a call); knows
//! nothing of MCP serving, which runs these tools.

mod def;
mod input;
pub(crate) mod input_check;
pub(crate) mod link;
pub mod output;
pub(crate) mod paging;

pub use def::{Annotations, ResponseRule, ToolDef};
pub use input::{ArgumentError, Arguments, ToolInput, build};
