//! The bodies of the fuzz targets in `fuzz/fuzz_targets/` (see `docs/fuzzing.md`): one `run`
//! per target, called by libFuzzer there and by `tests/replay.rs` on every committed corpus
//! and regression file, so CI checks the same code on the same inputs.
//!
//! Each `run` takes arbitrary bytes, enters the code the way real use does, and panics only
//! when an invariant fails (a panic inside the code under test is a finding too).

pub mod allowlist;
pub mod answers;
pub mod documents;
mod scratch;
pub mod tool_arguments;

/// The targets, by the names `cargo fuzz` uses (and the directories of their corpora).
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("documents", documents::run),
    ("allowlist", allowlist::run),
    ("tool_arguments", tool_arguments::run),
    ("answers", answers::run),
];
