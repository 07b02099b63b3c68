//! Warnings for hidden characters (see `describe/hidden.rs`) in the document's text, found
//! before cleaning removes them: which tool, which text, which characters. They are removed
//! whatever happens; the warning exists because such characters can hide instructions from
//! whoever reviews the tools, so the document deserves a look.

use std::path::Path;

use crate::describe::hidden::{self, found};
use crate::diagnostic::{Diagnostic, Location, child};
use crate::ir::{Body, Kind, Operation, Schema, Tool, TypeKind, TypeSpace};

/// Hidden characters in one piece of text.
pub(super) struct Finding {
    /// What the text is: `the description`, `the description of parameter `q``.
    what: String,
    pointer: String,
    chars: Vec<char>,
}

/// The findings of an operation's own text: summary, description, parameters and body fields.
pub(super) fn in_operation(operation: &Operation) -> Vec<Finding> {
    let pointer = &operation.operation.pointer;
    let mut out = Vec::new();
    for (what, text) in [
        ("summary", &operation.summary),
        ("description", &operation.description),
    ] {
        push(&mut out, format!("the {what}"), pointer, text_chars(text));
    }
    for param in &operation.params {
        let what = format!("the description of parameter `{}`", param.name);
        push(&mut out, what, &param.pointer, in_schema(&param.schema));
    }
    match &operation.body {
        Some(Body::Fields {
            properties,
            pointer,
            ..
        }) => {
            for property in properties {
                let what = format!("the description of body field `{}`", property.name);
                let at = child(&format!("{pointer}/properties"), &property.name);
                push(&mut out, what, &at, in_schema(&property.schema));
            }
        }
        Some(Body::Whole {
            schema, pointer, ..
        }) => push(
            &mut out,
            "the description of the request body".to_owned(),
            pointer,
            in_schema(schema),
        ),
        None => {}
    }
    out
}

/// The findings of the shared types' text, by type.
pub(super) fn in_types(types: &TypeSpace) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    for (index, def) in types.types.iter().enumerate() {
        let mut findings = Vec::new();
        let what = format!("the description of type `{}`", def.name);
        push(
            &mut findings,
            what,
            &def.pointer,
            text_chars(&def.description),
        );
        let members: Vec<(&str, &Schema, String)> = match &def.kind {
            TypeKind::Struct { properties, .. } => properties
                .iter()
                .map(|p| {
                    let at = child(&format!("{}/properties", def.pointer), &p.name);
                    (p.name.as_str(), &p.schema, at)
                })
                .collect(),
            // A branch has no pointer of its own here: the union's.
            TypeKind::Union { variants, .. } => variants
                .iter()
                .map(|v| (v.label.as_str(), &v.schema, def.pointer.clone()))
                .collect(),
            TypeKind::Enum { .. } | TypeKind::IntEnum { .. } => Vec::new(),
        };
        for (name, schema, at) in members {
            let what = format!("the description of `{}.{name}`", def.name);
            push(&mut findings, what, &at, in_schema(schema));
        }
        out.extend(findings.into_iter().map(|f| (index, f)));
    }
    out
}

/// Warnings for an operation's findings, naming its tool.
pub(super) fn operation_warnings(
    tool: &str,
    findings: Vec<Finding>,
    spec: &Path,
) -> Vec<Diagnostic> {
    findings
        .into_iter()
        .map(|f| warning(&format!("tool `{tool}`"), f, spec))
        .collect()
}

/// Warnings for the types' findings, naming the tools that show each type; a finding an
/// operation's warning already states (an inline type's description is its body field's) is
/// not repeated.
pub(super) fn type_warnings(
    findings: Vec<(usize, Finding)>,
    (tools, types): (&[Tool], &TypeSpace),
    reported: &[Diagnostic],
    spec: &Path,
) -> Vec<Diagnostic> {
    findings
        .into_iter()
        .filter(|(_, finding)| {
            let at = Location::pointer(spec, finding.pointer.clone());
            let chars = hidden::names(&finding.chars);
            !reported
                .iter()
                .any(|d| d.location == at && d.message.ends_with(&chars))
        })
        .map(|(index, finding)| {
            let users: Vec<String> = tools
                .iter()
                .filter(|tool| shows(tool, index, types))
                .map(|tool| format!("`{}`", tool.name))
                .collect();
            let whose = match users.len() {
                0 => "a type no tool shows".to_owned(),
                1..=3 => format!("tool {}", users.join(", ")),
                n => format!("tools {} and {} more", users[..3].join(", "), n - 3),
            };
            warning(&whose, finding, spec)
        })
        .collect()
}

fn warning(whose: &str, finding: Finding, spec: &Path) -> Diagnostic {
    Diagnostic::new(
        Location::pointer(spec, finding.pointer),
        format!(
            "{whose}: {} holds invisible or direction-changing characters, removed from what the \
             model and the generated code get: {}",
            finding.what,
            hidden::names(&finding.chars)
        ),
    )
    .help("such characters can hide instructions from whoever reviews the tools: check the document's text, and remove them there")
}

/// Whether `tool`'s inputs or output reach type `index`.
fn shows(tool: &Tool, index: usize, types: &TypeSpace) -> bool {
    let mut roots: Vec<Schema> = tool.inputs.iter().map(|i| i.schema.clone()).collect();
    if let Some(output) = &tool.output {
        roots.push(Schema::of(Kind::Named(output.type_id)));
    }
    types
        .reachable(roots.iter())
        .contains(&crate::ir::TypeId(index))
}

fn push(out: &mut Vec<Finding>, what: String, pointer: &str, chars: Vec<char>) {
    if !chars.is_empty() {
        out.push(Finding {
            what,
            pointer: pointer.to_owned(),
            chars,
        });
    }
}

fn text_chars(text: &Option<String>) -> Vec<char> {
    text.as_deref().map(found).unwrap_or_default()
}

/// Hidden characters in a schema's own description, its items' or values', and the text of
/// a schema kept as JSON.
fn in_schema(schema: &Schema) -> Vec<char> {
    let mut chars = text_chars(&schema.description);
    let more = match &schema.kind {
        Kind::Array(inner) | Kind::Map(inner) => in_schema(inner),
        Kind::Json(raw) => hidden::strip_json_text(&mut raw.clone()),
        _ => Vec::new(),
    };
    for c in more {
        if !chars.contains(&c) {
            chars.push(c);
        }
    }
    chars
}
