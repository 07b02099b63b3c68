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

/// libFuzzer's panic hook aborts on every panic, even one the code under test catches. The
/// generator catches exactly one (`lower::Document::parse`): openapiv3's `ReferenceOr` has an
/// `expect` a document can reach, and that panic becomes a diagnostic. Fuzz targets that load
/// documents call this once, so that panic is left to the generator and any other still aborts.
pub fn leave_caught_panics_to_the_generator() {
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let caught = info
            .location()
            .is_some_and(|l| l.file().contains("openapiv3") && l.file().ends_with("reference.rs"));
        if !caught {
            abort(info);
        }
    }));
}

/// A target's body.
pub type Run = fn(&[u8]);

/// The targets, by the names `cargo fuzz` uses (and the directories of their corpora).
pub const TARGETS: &[(&str, Run)] = &[
    ("documents", documents::run),
    ("allowlist", allowlist::run),
    ("tool_arguments", tool_arguments::run),
    ("answers", answers::run),
];
