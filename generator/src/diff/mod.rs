//! `alter-mcp-gen diff`: an allowlist's tools generated from two versions of the provider's
//! document, compared tool by tool (`compare.rs`), so an upgrade shows what breaks before
//! the spec is replaced.

mod compare;
mod render;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::allowlist::{Allowlist, ToolEntry};
use crate::diagnostic::{At, Diagnostics};
use crate::frontend;
use crate::input;
use crate::ir::OperationRef;
use crate::lower::Document;
use crate::shape::ToolShape;

pub use compare::{Change, compare};

/// The comparison of two document versions for one allowlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The allowlist both documents were generated with.
    pub allowlist: PathBuf,
    /// The document before.
    pub old_spec: PathBuf,
    /// The document after.
    pub new_spec: PathBuf,
    /// One per allowlisted tool, in allowlist order (unchanged tools have no changes).
    pub tools: Vec<ToolReport>,
    /// Operations the new document has and the old one had not (not in the allowlist, so
    /// not tools: candidates to add).
    pub new_operations: Vec<String>,
}

/// What changed for one allowlisted tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolReport {
    /// The tool's name, as the model sees it.
    pub name: String,
    /// The allowlist's `operation`.
    pub operation: String,
    /// What changed, in the order a caller meets it; empty when nothing did.
    pub changes: Vec<Change>,
}

impl Report {
    /// Any change that can break a caller.
    pub fn is_breaking(&self) -> bool {
        self.tools
            .iter()
            .flat_map(|tool| &tool.changes)
            .any(|change| change.breaking)
    }

    /// The report for people, one block per changed tool.
    pub fn render(&self) -> String {
        render::text(self)
    }
}

/// One document version's tools: per allowlist entry, its shape and whether the document
/// deprecates it, or why it could not be generated.
struct Side {
    tools: Vec<Attempt>,
    operations: Vec<OperationRef>,
}

/// Generates the allowlist's tools from `old_spec` and from `new_spec` (instead of the
/// allowlist's `spec`) and compares them. `Err` when the allowlist or a document cannot be
/// read at all; a tool that cannot be generated is a finding, not an error.
pub fn diff_specs(
    allowlist: &Path,
    old_spec: &Path,
    new_spec: &Path,
) -> Result<Report, Diagnostics> {
    let source = input::read(allowlist)?;
    let allowlist_file = Allowlist::parse(&source)?;
    let (old, new) = match (
        side(&allowlist_file, old_spec),
        side(&allowlist_file, new_spec),
    ) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            let mut problems = Diagnostics::new();
            problems.extend(old.err().unwrap_or_default());
            problems.extend(new.err().unwrap_or_default());
            return Err(problems);
        }
    };
    let tools = allowlist_file
        .file
        .tools
        .iter()
        .zip(old.tools.iter().zip(&new.tools))
        .map(|(entry, (before, after))| tool_report(entry, before, after, &new.operations))
        .collect();
    let known: Vec<String> = old
        .operations
        .iter()
        .map(OperationRef::display_id)
        .collect();
    let new_operations = new
        .operations
        .iter()
        .filter(|op| !known.contains(&op.display_id()))
        .filter(|op| {
            !allowlist_file
                .file
                .tools
                .iter()
                .any(|e| names(&e.operation, op))
        })
        .map(|op| match &op.operation_id {
            Some(id) => format!("{id} ({} {})", op.method.as_str(), op.path),
            None => op.display_id(),
        })
        .collect();
    Ok(Report {
        allowlist: allowlist.to_owned(),
        old_spec: old_spec.to_owned(),
        new_spec: new_spec.to_owned(),
        tools,
        new_operations,
    })
}

/// The allowlist's tools generated from `spec`: all at once, else each alone so one missing
/// operation does not hide what happened to the others.
fn side(allowlist: &Allowlist, spec: &Path) -> Result<Side, Diagnostics> {
    let source = input::read(spec)?;
    let document = Document::parse(&source, frontend::to_openapi30(&source)?)?;
    let operations = document.operations();
    let mut allowlist = allowlist.clone();
    allowlist.spec_path = spec.to_owned();
    let shapes = |generated: crate::Generated| {
        generated
            .tools
            .iter()
            .map(|tool| Ok((ToolShape::of(tool), tool.deprecated)))
            .collect::<Vec<_>>()
    };
    let tools = match crate::run(&document, &operations, &allowlist, &[], "") {
        Ok(generated) => shapes(generated),
        Err(_) => allowlist
            .file
            .tools
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let mut alone = allowlist.clone();
                alone.file.tools = vec![entry.clone()];
                let generated = crate::run(&document, &operations, &alone, &[], "")
                    .map_err(|problems| renumber(problems, index))?;
                shapes(generated).remove(0)
            })
            .collect(),
    };
    Ok(Side { tools, operations })
}

/// Diagnostics about a tool generated alone name it `tool[0]`; in the file it is `tool[index]`.
fn renumber(problems: Diagnostics, index: usize) -> Diagnostics {
    problems
        .into_iter()
        .map(|mut diagnostic| {
            if let At::Key(key) = &mut diagnostic.location.at
                && let Some(rest) = key.strip_prefix("tool[0]")
            {
                *key = format!("tool[{index}]{rest}");
            }
            diagnostic
        })
        .collect()
}

/// One side's attempt at one tool: its shape and whether it is deprecated, or why not.
type Attempt = Result<(ToolShape, bool), Diagnostics>;

fn tool_report(
    entry: &ToolEntry,
    before: &Attempt,
    after: &Attempt,
    new_operations: &[OperationRef],
) -> ToolReport {
    let shown = |side: &Attempt| side.as_ref().ok().map(|(shape, _)| shape.name.clone());
    let name = shown(after)
        .or_else(|| shown(before))
        .or_else(|| entry.name.clone())
        .unwrap_or_else(|| entry.operation.clone());
    let changes = match (before, after) {
        (Ok((old, was_deprecated)), Ok((new, deprecated))) => {
            let mut changes = compare(old, new);
            if *deprecated && !was_deprecated {
                changes.push(Change {
                    breaking: false,
                    kind: "deprecated",
                    message: format!(
                        "the new document marks `{}` deprecated: plan a replacement",
                        new.operation
                    ),
                });
            }
            changes
        }
        (_, Err(problems)) => vec![gone_or_broken(entry, problems, new_operations)],
        (Err(problems), Ok(_)) => vec![Change {
            breaking: false,
            kind: "fixed",
            message: format!(
                "could not be generated from the old document, can from the new one (old: {})",
                first_message(problems)
            ),
        }],
    };
    ToolReport {
        name,
        operation: entry.operation.clone(),
        changes,
    }
}

/// The tool's operation left the document, or is there but no longer generates.
fn gone_or_broken(
    entry: &ToolEntry,
    problems: &Diagnostics,
    operations: &[OperationRef],
) -> Change {
    if operations.iter().any(|op| names(&entry.operation, op)) {
        Change {
            breaking: true,
            kind: "unsupported",
            message: format!(
                "operation `{}` can no longer be generated: {}",
                entry.operation,
                first_message(problems)
            ),
        }
    } else {
        Change {
            breaking: true,
            kind: "removed",
            message: format!(
                "tool removed: operation `{}` is gone from the new document",
                entry.operation
            ),
        }
    }
}

/// Whether an allowlist `operation` (an operationId or `METHOD /path`) names `op`.
fn names(operation: &str, op: &OperationRef) -> bool {
    if op.operation_id.as_deref() == Some(operation) {
        return true;
    }
    operation.split_once(' ').is_some_and(|(method, path)| {
        method.eq_ignore_ascii_case(op.method.as_str()) && path == op.path
    })
}

fn first_message(problems: &Diagnostics) -> String {
    problems
        .iter()
        .next()
        .map(|d| format!("{} — at {}", d.message, d.location))
        .unwrap_or_default()
}
