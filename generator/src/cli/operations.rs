//! `alter-mcp-gen operations`: the operations of a document as a table for a terminal (or JSON),
//! with what a plain `[[tool]]` for each would need; the first step with a large document.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use alter_mcp_gen::{Note, OperationInfo};
use serde_json::{Value, json};

pub const SYNOPSIS: &str = "  alter-mcp-gen operations --spec FILE [--match TEXT]... [--json]";

pub const ABOUT: &str =
    "operations: lists the document's operations: the id (or METHOD /path) an allowlist names,
      the request, tags, and notes on what a plain [[tool]] for it needs (base_url,
      body_encoding, schema_max_bytes) or why it cannot be a tool (unsupported), then the
      summary. --match keeps operations whose id, path, summary or tags contain TEXT (any
      case; repeat it for more). --json prints every field as JSON.";

struct Args {
    spec: PathBuf,
    matches: Vec<String>,
    json: bool,
}

fn args(parser: &mut lexopt::Parser) -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let (mut spec, mut matches, mut json) = (None, Vec::new(), false);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("spec") => spec = Some(PathBuf::from(parser.value()?)),
            Long("match") => matches.push(parser.value()?.string()?),
            Long("json") => json = true,
            _ => return Err(arg.unexpected()),
        }
    }
    let spec = spec.ok_or("missing --spec FILE")?;
    Ok(Args {
        spec,
        matches,
        json,
    })
}

/// Runs `operations` with the arguments after the command name.
pub fn run(parser: &mut lexopt::Parser) -> ExitCode {
    let args = match args(parser) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("alter-mcp-gen operations: {error}\n\nUsage:\n{SYNOPSIS}\n\n{ABOUT}");
            return ExitCode::from(2);
        }
    };
    let shown = match alter_mcp_gen::operations_matching(&args.spec, &args.matches) {
        Ok(operations) => operations,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    let text = if args.json {
        let all: Vec<Value> = shown.iter().map(to_json).collect();
        serde_json::to_string_pretty(&all).unwrap_or_default() + "\n"
    } else {
        let mut text = table(&shown, width());
        text.push_str(&legend(&shown, &args));
        text
    };
    // `print!` panics when the reader has gone (`| head`).
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    ExitCode::SUCCESS
}

fn to_json(op: &OperationInfo) -> Value {
    let notes: Vec<Value> = op
        .notes
        .iter()
        .map(|note| {
            let mut value = json!({
                "kind": note.label(),
                "detail": note.detail(),
                "meaning": note.meaning(),
            });
            match note {
                Note::SchemaBudget { bytes, budget } => {
                    value["bytes"] = json!(bytes);
                    value["budget"] = json!(budget);
                }
                Note::Unsupported(problems) => {
                    let problems: Vec<Value> = problems
                        .iter()
                        .map(|d| {
                            json!({
                                "message": d.message,
                                "location": d.location.to_string(),
                                "help": d.help,
                            })
                        })
                        .collect();
                    value["problems"] = json!(problems);
                }
                Note::BaseUrl(_) | Note::BodyEncoding { .. } => {}
            }
            value
        })
        .collect();
    json!({
        "operation": op.operation,
        "operation_id": op.operation_id,
        "method": op.method,
        "path": op.path,
        "pointer": op.pointer,
        "summary": op.summary,
        "tags": op.tags,
        "deprecated": op.deprecated,
        "tool_name": op.tool_name,
        "notes": notes,
    })
}

/// The terminal's width, or `$COLUMNS`; `None` when the output is not a terminal (nothing is
/// cut for a file or a pipe).
fn width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

const HEADINGS: [&str; 5] = ["OPERATION", "REQUEST", "TAGS", "NOTES", "SUMMARY"];
/// The summary keeps at least this many characters, however narrow the terminal.
const SUMMARY_MIN: usize = 24;

/// One row per operation; every column but the summary as wide as its widest cell, the
/// summary cut to what is left of `width`.
fn table(operations: &[OperationInfo], width: Option<usize>) -> String {
    let rows: Vec<[String; 5]> = operations.iter().map(row).collect();
    let mut widths = HEADINGS.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let fixed: usize = widths[..4].iter().map(|w| w + 2).sum();
    let summary_room = width.map(|w| w.saturating_sub(fixed).max(SUMMARY_MIN));
    let mut out = String::new();
    let headings = HEADINGS.map(str::to_owned);
    for cells in std::iter::once(&headings).chain(&rows) {
        for (cell, w) in cells[..4].iter().zip(widths) {
            let _ = write!(out, "{cell:<w$}  ");
        }
        out.push_str(&cut(&cells[4], summary_room));
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out
}

fn row(op: &OperationInfo) -> [String; 5] {
    let mut notes: Vec<&str> = op.notes.iter().map(Note::label).collect();
    if op.deprecated {
        notes.insert(0, "deprecated");
    }
    [
        op.operation.clone(),
        format!("{} {}", op.method, op.path),
        op.tags.join(","),
        notes.join(","),
        op.summary.clone().unwrap_or_default(),
    ]
}

fn cut(text: &str, room: Option<usize>) -> String {
    match room {
        Some(room) if text.chars().count() > room => {
            let kept: String = text.chars().take(room.saturating_sub(1)).collect();
            format!("{}…", kept.trim_end())
        }
        _ => text.to_owned(),
    }
}

/// Counts, what each kind of note means, what is particular to each operation where that
/// matters (sizes, why not), and the next step.
fn legend(shown: &[OperationInfo], args: &Args) -> String {
    let mut out = String::new();
    let what = if args.matches.is_empty() {
        ""
    } else {
        " matching"
    };
    let plural = if shown.len() == 1 { "" } else { "s" };
    let _ = write!(out, "\n{}{what} operation{plural}", shown.len());
    let deprecated = shown.iter().filter(|op| op.deprecated).count();
    if deprecated > 0 {
        let _ = write!(out, ", {deprecated} deprecated (find their replacements)");
    }
    out.push_str(".\n");
    let mut kinds: Vec<&Note> = Vec::new();
    for note in shown.iter().flat_map(|op| &op.notes) {
        if !kinds.iter().any(|seen| seen.label() == note.label()) {
            kinds.push(note);
        }
    }
    for kind in kinds {
        let with: Vec<&OperationInfo> = shown
            .iter()
            .filter(|op| op.notes.iter().any(|n| n.label() == kind.label()))
            .collect();
        let _ = writeln!(
            out,
            "{} ({}): {}.",
            kind.label(),
            with.len(),
            kind.meaning()
        );
        if matches!(kind, Note::SchemaBudget { .. } | Note::Unsupported(_)) {
            for op in with {
                let detail = op.notes.iter().find(|n| n.label() == kind.label());
                let detail = detail.and_then(Note::detail).unwrap_or_default();
                let _ = writeln!(out, "  {}: {detail}", op.operation);
            }
        }
    }
    let spec = shell_word(&args.spec.to_string_lossy());
    let matching: String = args
        .matches
        .iter()
        .map(|m| format!(" --match {}", shell_word(m)))
        .collect();
    let _ = writeln!(
        out,
        "Start an allowlist with these: alter-mcp-gen init --spec {spec} --provider ID{matching} --out allowlist.toml"
    );
    out
}

/// `text` quoted for a POSIX shell when it needs it.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:{}".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
