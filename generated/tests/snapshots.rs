//! The generated modules, and their Markdown catalogs (`*.md`: what each tool does, its inputs,
//! annotations and OAuth scopes), are checked in under `generated/snapshots/` so reviewers read
//! every change to the tools. This test fails when `build.rs` generates different bytes; run it with
//! `UPDATE_SNAPSHOTS=1` to accept the new output, then review the diff.

use std::path::Path;

fn check(name: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, generated).expect("write snapshot");
        eprintln!("updated {}", path.display());
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk == generated {
        return;
    }
    let diff = similar::TextDiff::from_lines(on_disk.as_str(), generated);
    let diff = diff.unified_diff().context_radius(2).to_string();
    let shown: Vec<&str> = diff.lines().take(200).collect();
    panic!(
        "{} differs from what build.rs generates from specs/.\n\
         Review the change, then run `UPDATE_SNAPSHOTS=1 cargo test -p alter-mcp-tools --test snapshots` \
         to accept it. The first lines of the diff:\n{}",
        path.display(),
        shown.join("\n")
    );
}

#[test]
fn google_calendar_snapshot_matches_generated_code() {
    check(
        "google_calendar.rs",
        include_str!(concat!(env!("OUT_DIR"), "/google_calendar.rs")),
    );
}

#[test]
fn slack_snapshot_matches_generated_code() {
    check(
        "slack.rs",
        include_str!(concat!(env!("OUT_DIR"), "/slack.rs")),
    );
}

#[test]
fn google_calendar_catalog_matches_generated_catalog() {
    check(
        "google_calendar.md",
        include_str!(concat!(env!("OUT_DIR"), "/google_calendar.md")),
    );
}

#[test]
fn slack_catalog_matches_generated_catalog() {
    check(
        "slack.md",
        include_str!(concat!(env!("OUT_DIR"), "/slack.md")),
    );
}
