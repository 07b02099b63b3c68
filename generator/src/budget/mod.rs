//! The size budget of a tool's schemas (`schema_max_bytes`, default [`SCHEMA_MAX_BYTES`]):
//! every byte is sent to the model on each `tools/list`. A plain allowlist must build on any
//! public document, so the budget is advice unless the allowlist sets it:
//!
//! * an input schema over the budget fails the build where the allowlist sets
//!   `schema_max_bytes` itself (top level or per tool); otherwise it is a warning naming the
//!   largest inputs and the keys that leave them out;
//! * an output schema is never a reason to fail: over the budget it is reduced
//!   (`tool_schema/reduce.rs`) and the warning gives a ready-to-paste `returns` built from the
//!   response's fields (`suggest.rs`);
//! * `--all` reports no input over the budget (nothing is served from it unreviewed) and
//!   reduces output schemas all the same, with one warning counting them.

mod suggest;

use crate::allowlist::Allowlist;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::{Api, Reduced, Reduction, Tool};
use crate::lint::SCHEMA_MAX_BYTES;
use crate::tool_schema::Sizes;

/// One tool's budget, in bytes of JSON per schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub bytes: usize,
    /// Written in the allowlist (the tool's `schema_max_bytes`, else the top-level one): an
    /// input schema over it is an error.
    pub explicit: bool,
}

/// Each tool's budget, in allowlist order.
pub fn budgets(allowlist: &Allowlist) -> Vec<Budget> {
    allowlist
        .file
        .tools
        .iter()
        .map(
            |entry| match entry.schema_max_bytes.or(allowlist.file.schema_max_bytes) {
                Some(bytes) => Budget {
                    bytes,
                    explicit: true,
                },
                None => Budget {
                    bytes: SCHEMA_MAX_BYTES,
                    explicit: false,
                },
            },
        )
        .collect()
}

/// Reports every tool's schemas against its budget: errors into `errors`, and the warnings.
pub fn check(
    api: &Api,
    allowlist: &Allowlist,
    budgets: &[Budget],
    errors: &mut Diagnostics,
) -> Diagnostics {
    let mut warnings = Diagnostics::new();
    if allowlist.every_operation {
        if let Some(warning) = reduced_count(api, allowlist) {
            warnings.push(warning);
        }
        return warnings;
    }
    let sizes = Sizes::new(&api.types);
    for (index, (tool, budget)) in api.tools.iter().zip(budgets).enumerate() {
        let at = Location::key(&allowlist.path, format!("tool[{index}]"));
        let input = tool.schemas.input.len();
        if input > budget.bytes {
            let diagnostic = Diagnostic::new(
                at.clone(),
                format!(
                    "the input schema of `{}` ({input} bytes) is over the budget of {} bytes \
                     (the model reads every byte on each tools/list)",
                    tool.name, budget.bytes
                ),
            )
            .help(suggest::inputs(tool, &sizes, input - budget.bytes, index));
            match budget.explicit {
                true => errors.push(diagnostic),
                false => warnings.push(diagnostic),
            }
        }
        if let (Some(reduced), Some(output)) = (tool.schemas.reduced, &tool.output) {
            let root = api.types.get(output.type_id);
            let returns = root.and_then(|root| suggest::returns(root, &api.types, &sizes, budget));
            warnings.push(reduced_output(tool, reduced, budget, index, returns, at));
        }
    }
    warnings
}

/// The warning for an output schema reduced to fit.
fn reduced_output(
    tool: &Tool,
    reduced: Reduced,
    budget: &Budget,
    index: usize,
    returns: Option<String>,
    at: Location,
) -> Diagnostic {
    let bytes = tool.schemas.output.as_ref().map_or(0, String::len);
    let full = reduced
        .full
        .map(|full| format!("{full} bytes"))
        .unwrap_or_else(|| format!("over {} bytes", budget.bytes.saturating_mul(16)));
    let message = format!(
        "the output schema of `{}` ({full}) is over the budget of {} bytes: it is written in \
         {bytes} bytes, {}; answers are still returned whole",
        tool.name,
        budget.bytes,
        what_was_left_out(reduced.rule)
    );
    let help = match returns {
        Some(returns) => format!(
            "to return less instead, add to `tool[{index}]`: {returns} \
             (or raise its `schema_max_bytes`)"
        ),
        None => format!(
            "to return less instead, select fields with `returns` in `tool[{index}]` \
             (see README, \"Typed outputs and lean responses\"), or raise its `schema_max_bytes`"
        ),
    };
    Diagnostic::new(at, message).help(help)
}

/// What a reduction leaves out, in words.
pub fn what_was_left_out(rule: Reduction) -> String {
    match rule {
        Reduction::NestedDescriptions => {
            "without the descriptions below its top-level fields".to_owned()
        }
        Reduction::Depth(level) => format!(
            "without the descriptions below its top-level fields and with objects from level \
             {level} down as open objects (the top-level fields are level 1)"
        ),
        Reduction::Bare => {
            "without descriptions and with every object below its top-level fields open".to_owned()
        }
        Reduction::Open => "as an open object (its top-level fields alone are too many)".to_owned(),
    }
}

/// `--all`: one warning for all output schemas reduced to the default budget.
fn reduced_count(api: &Api, allowlist: &Allowlist) -> Option<Diagnostic> {
    let reduced: Vec<&str> = api
        .tools
        .iter()
        .filter(|tool| tool.schemas.reduced.is_some())
        .map(|tool| tool.name.as_str())
        .collect();
    let first = reduced.first()?;
    Some(
        Diagnostic::new(
            Location::file(&allowlist.spec_path),
            format!(
                "{} output schemas (`{first}` first) were over the {SCHEMA_MAX_BYTES}-byte budget and were \
                 reduced: descriptions below the top-level fields, then deeper objects, left out; \
                 answers are still returned whole",
                reduced.len()
            ),
        )
        .help("an allowlist names the operations to serve and selects their fields with `returns`"),
    )
}
