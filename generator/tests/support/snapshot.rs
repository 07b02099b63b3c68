//! The one snapshot check: compare, print a line diff on mismatch, rewrite on request.

use std::path::Path;

/// Fails with a line diff unless `path` holds `actual`; with `UPDATE_SNAPSHOTS` set, writes
/// `actual` there instead (review the diff, then commit it).
pub fn assert_snapshot(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("snapshot directory");
        }
        std::fs::write(path, actual).expect("snapshot written");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return;
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
    let shown = diff
        .unified_diff()
        .context_radius(2)
        .header(&path.display().to_string(), "generated")
        .to_string();
    panic!(
        "{} is out of date; rerun with UPDATE_SNAPSHOTS=1 and review the diff:\n{}",
        path.display(),
        cut(&shown, 200)
    );
}

/// The first `lines` lines of `text`, saying how many more there were.
fn cut(text: &str, lines: usize) -> String {
    let total = text.lines().count();
    let mut out: Vec<&str> = text.lines().take(lines).collect();
    let more = total.saturating_sub(lines);
    let note = format!("[... {more} more lines]");
    if more > 0 {
        out.push(&note);
    }
    out.join("\n")
}
