//! Every fixture's generated module against its committed snapshot: each `allowlist.toml`
//! under `tests/fixtures/<case>/` is a case, its snapshot `tests/snapshots/<case>.rs`. A new
//! fixture directory is a new case; `UPDATE_SNAPSHOTS=1 cargo test -p alter-mcp-gen --test
//! snapshots` writes the snapshots (review the diff). This file includes none of them, so it
//! builds and updates them even when a change to the generator leaves the old ones unable to
//! compile; the test files that compile and drive them (`compile.rs`, `outputs.rs`, ...) then
//! build against the new ones.

mod support;

use std::path::{Path, PathBuf};

use support::snapshot::assert_snapshot;

const FIXTURES: &str = "tests/fixtures";
const SNAPSHOTS: &str = "tests/snapshots";

#[test]
fn every_fixture_generates_its_snapshot() {
    let cases = cases(Path::new(FIXTURES));
    assert!(cases.len() >= 20, "fixtures found: {cases:?}");
    for case in &cases {
        let allowlist = Path::new(FIXTURES).join(case).join("allowlist.toml");
        let generated = alter_mcp_gen::generate(&allowlist)
            .unwrap_or_else(|d| panic!("{}: {d}", allowlist.display()));
        let snapshot = Path::new(SNAPSHOTS).join(case).with_extension("rs");
        assert_snapshot(&snapshot, &generated.code);
    }
}

/// The directories under `dir` holding an `allowlist.toml`, relative to `dir`, sorted.
fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let here = dir.join(&relative);
        if here.join("allowlist.toml").is_file() {
            found.push(relative.clone());
        }
        let entries = std::fs::read_dir(&here).expect("a fixture directory");
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                stack.push(relative.join(entry.file_name()));
            }
        }
    }
    found.sort();
    found
}
