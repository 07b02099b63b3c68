//! The diff report as text for people: breaking changes marked, unchanged tools on one line.

use std::fmt::Write;

use super::Report;

/// New operations listed before the rest are only counted (a first diff against a provider's
/// whole document can list hundreds).
const SHOWN_OPERATIONS: usize = 20;

pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} → {}\n",
        report.allowlist.display(),
        report.old_spec.display(),
        report.new_spec.display()
    );
    let mut unchanged = Vec::new();
    for tool in &report.tools {
        if tool.changes.is_empty() {
            unchanged.push(tool.name.as_str());
            continue;
        }
        let _ = writeln!(out, "{} ({})", tool.name, tool.operation);
        for change in &tool.changes {
            let mark = if change.breaking {
                "BREAKING"
            } else {
                "ok      "
            };
            let _ = writeln!(out, "  {mark}  {}", change.message);
        }
        out.push('\n');
    }
    if !unchanged.is_empty() {
        let _ = writeln!(out, "unchanged: {}\n", unchanged.join(", "));
    }
    if !report.new_operations.is_empty() {
        let _ = writeln!(
            out,
            "new operations in the document (not in the allowlist):"
        );
        for operation in report.new_operations.iter().take(SHOWN_OPERATIONS) {
            let _ = writeln!(out, "  {operation}");
        }
        let more = report.new_operations.len().saturating_sub(SHOWN_OPERATIONS);
        if more > 0 {
            let _ = writeln!(out, "  ... and {more} more (--json lists them all)");
        }
        out.push('\n');
    }
    let changes = report.tools.iter().flat_map(|tool| &tool.changes);
    let breaking = changes.clone().filter(|c| c.breaking).count();
    let other = changes.count() - breaking;
    let verdict = if breaking > 0 {
        "breaking: review each BREAKING line, update the allowlist and callers, then accept the lock"
    } else {
        "no breaking change"
    };
    let _ = writeln!(
        out,
        "{breaking} breaking, {other} other change(s): {verdict}"
    );
    out
}
