//! Every operation of a document, without an allowlist (`alter-mcp-gen generate --all`): for
//! trying a new API and for testing the generator on whole documents.
//!
//! Tool names are derived from operation ids (else `METHOD /path`); when two operations derive
//! the same name, both take their `METHOD /path` name instead, and if those still collide
//! (`/jobs` and `/jobs/`, or two long names shortened alike), each gets a short hash of its
//! route. Names never depend on the order of the document, and no operation is dropped. (With
//! an allowlist a collision is an error instead: there the user can name the tool.)

use std::collections::BTreeMap;
use std::path::Path;

use crate::allowlist::{Allowlist, AllowlistFile, ToolEntry};
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::OperationRef;
use crate::naming;

/// One `[[tool]]` per operation, named explicitly.
pub fn allowlist(
    spec: &Path,
    provider: &str,
    base_url: Option<&str>,
    operations: &[OperationRef],
) -> Result<Allowlist, Diagnostics> {
    let names = names(spec, operations)?;
    let tools = operations
        .iter()
        .zip(names)
        .map(|(operation, name)| ToolEntry::named(route(operation), name))
        .collect();
    let file = AllowlistFile {
        provider: provider.to_owned(),
        spec: spec
            .file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned()),
        base_url: base_url.map(str::to_owned),
        response: None,
        tools,
        ..AllowlistFile::default()
    };
    // The size budget is a policy for a curated tool set served to a model; every operation
    // is generated for review and conformance, so an input schema over it is not reported;
    // output schemas are still reduced to it (see `budget.rs`).
    Ok(Allowlist {
        path: spec.to_owned(),
        spec_path: spec.to_owned(),
        file,
        every_operation: true,
    })
}

/// `METHOD /path`: unique in a document, unlike operation ids in some documents.
fn route(operation: &OperationRef) -> String {
    format!("{} {}", operation.method.as_str(), operation.path)
}

pub(crate) fn names(spec: &Path, operations: &[OperationRef]) -> Result<Vec<String>, Diagnostics> {
    let derive = |op: &OperationRef| naming::default_tool_name(&op.display_id());
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for operation in operations {
        *count.entry(derive(operation)).or_default() += 1;
    }
    let names: Vec<String> = operations
        .iter()
        .map(|op| {
            let name = derive(op);
            if count[&name] > 1 {
                naming::default_tool_name(&route(op))
            } else {
                name
            }
        })
        .collect();
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for name in &names {
        *count.entry(name).or_default() += 1;
    }
    let names: Vec<String> = names
        .iter()
        .zip(operations)
        .map(|(name, op)| {
            if count[name.as_str()] > 1 {
                naming::with_hash(name, &route(op))
            } else {
                name.clone()
            }
        })
        .collect();
    let mut first: BTreeMap<&str, &OperationRef> = BTreeMap::new();
    let mut diagnostics = Diagnostics::new();
    for (name, operation) in names.iter().zip(operations) {
        if let Some(other) = first.insert(name, operation) {
            diagnostics.push(
                Diagnostic::new(
                    Location::pointer(spec, &operation.pointer),
                    format!(
                        "`{}` and `{}` would both be tool `{name}`",
                        other.display_id(),
                        operation.display_id()
                    ),
                )
                .related(Location::pointer(spec, &other.pointer))
                .help("write an allowlist that names one of them (`name = \"...\"`)"),
            );
        }
    }
    diagnostics.finish(names)
}
