//! CI replays the fuzz corpora: every file in `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` through the target's body (the same function `cargo fuzz`
//! runs), which panics on a crash or a broken invariant. A regression file is an input a
//! fuzz run once crashed on (docs/fuzzing.md says what each was and what fixed it).

use std::path::{Path, PathBuf};
use std::sync::Once;

fn replay(target: &str) {
    // The one panic the generator catches (openapiv3's, see the harness) would print here.
    static QUIET: Once = Once::new();
    QUIET.call_once(alter_mcp_fuzz_harness::leave_caught_panics_to_the_generator);
    let run = alter_mcp_fuzz_harness::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, run)| *run)
        .expect("a known target");
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = files(&fuzz.join("corpus").join(target));
    assert!(!corpus.is_empty(), "fuzz/corpus/{target} has no inputs");
    let regressions = files(&fuzz.join("regressions").join(target));
    for file in corpus.iter().chain(&regressions) {
        let data = std::fs::read(file).expect("readable");
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target} panicked on {}", file.display());
    }
    println!(
        "{target}: {} corpus and {} regression inputs replayed",
        corpus.len(),
        regressions.len()
    );
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn documents() {
    replay("documents");
}

#[test]
fn allowlist() {
    replay("allowlist");
}

#[test]
fn tool_arguments() {
    replay("tool_arguments");
}

#[test]
fn answers() {
    replay("answers");
}
