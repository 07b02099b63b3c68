//! `alter-mcp-gen`: an API description (OpenAPI 3.0 or 3.1, Swagger 2.0, Google Discovery) plus
//! an allowlist → one formatted Rust module of typed Alter MCP tools (input structs, their
//! requests, and a `TOOLS` table for the runtime).
//!
//! Three front ends share [`generate`]: [`build`] for build scripts, the `alter-mcp-gen` CLI,
//! and tests; [`generate_every_operation`] serves `--all`. Before there is an allowlist,
//! [`operations`] lists a document's operations with what each needs (`alter-mcp-gen
//! operations`) and [`starter_allowlist`] writes one (`alter-mcp-gen init`), both by running
//! the same pipeline on each operation. The pipeline, one phase per line, each reporting all
//! of its problems at once:
//!
//! load (`input`, `allowlist`) → convert other formats to OpenAPI 3.0 (`frontend`) → select
//! (`allowlist`) → lower (`lower`, the only module that sees `openapiv3`) → apply the
//! allowlist (`apply`) → write the schemas within the size budget (`tool_schema`, `budget`) →
//! check them (`lint`) → emit (`emit`) → format.
//!
//! # From a build script
//!
//! The usual front end: a crate keeps `specs/<provider>/` (the provider's document and an
//! `allowlist.toml`), depends on `alter-mcp-gen` as a build-dependency (with
//! `default-features = false`, so without the CLI's dependencies) and on `alter-mcp-runtime`,
//! and its `build.rs` is:
//!
//! ```no_run
//! fn main() {
//!     // One module per specs/<provider>/allowlist.toml, written to $OUT_DIR/<provider>.rs
//!     // with its Markdown catalog beside it; cargo:rerun-if-changed for every file read. On
//!     // a problem it prints every diagnostic (file, JSON pointer, what to do) and exits 1.
//!     for output in alter_mcp_gen::build::generate_all("specs") {
//!         // Seen with `cargo build -vv`: which provider went where, and whether it changed.
//!         eprintln!("{} -> {} (changed: {})", output.name, output.path.display(), output.changed);
//!     }
//! }
//! ```
//!
//! The crate then includes each module, `mod slack { include!(concat!(env!("OUT_DIR"),
//! "/slack.rs")); }`, and serves `slack::TOOLS` with `alter_mcp_runtime::run`. For one
//! allowlist with its own output name, or to handle the diagnostics yourself, see
//! [`build::Builder`]; without Cargo, call [`generate`] and write [`Generated::code`].

#![warn(missing_docs)]
// The build-script example above is a whole `build.rs`, so it shows its `fn main`.
#![allow(clippy::needless_doctest_main)]

mod allowlist;
mod apply;
mod budget;
pub mod build;
mod catalog;
mod describe;
pub mod diagnostic;
pub mod diff;
mod emit;
mod every;
mod format;
mod frontend;
mod init;
mod input;
mod ir;
pub mod lint;
pub mod lock;
mod lower;
mod naming;
mod operations;
mod scopes;
pub mod shape;
mod tool_schema;
pub(crate) mod warnings;

use std::path::{Path, PathBuf};

use allowlist::Allowlist;
pub use diagnostic::{At, Diagnostic, Diagnostics, Location};
use format::HeaderInput;
pub use init::{Starter, StarterAllowlist, starter_allowlist};
use input::Source;
pub use ir::Annotations;
use lower::{BaseUrl, Document};
pub use operations::{Note, OperationInfo, operations, operations_matching};

/// One generated module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The formatted Rust module, `// @generated` header first.
    pub code: String,
    /// The Alter provider id.
    pub provider: String,
    /// The tool names, in allowlist order.
    pub tool_names: Vec<String>,
    /// What each tool takes and leaves out, in allowlist order.
    pub tools: Vec<ToolSummary>,
    /// Every file read (the allowlist, then the document), for `rerun-if-changed`.
    pub files_read: Vec<PathBuf>,
    /// Operations left out by [`EveryOperation::skip_unsupported`], with why.
    pub skipped: Vec<Skipped>,
    /// The OAuth scopes the module's tools need (also `SCOPES` in the module).
    pub scopes: Vec<String>,
    /// The Markdown catalog of the tools (see `catalog.rs`).
    pub catalog: String,
    /// Worth knowing but not failing for: an allowlisted operation the document deprecates, a
    /// body Alter's proxy cannot forward (the tool needs retrieve mode), an http server made
    /// https, invisible characters removed from the document's text.
    pub warnings: Vec<Diagnostic>,
}

/// One tool's operation and inputs: what a reviewer (or a test) checks against the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolSummary {
    /// The tool's name, as the model sees it.
    pub name: String,
    /// The operationId, or `METHOD /path`.
    pub operation: String,
    /// Values the request carries, model-given or fixed: `(wire name, where)`, where is
    /// `path`, `query`, `header`, `body field` or `body`.
    pub inputs: Vec<(String, &'static str)>,
    /// Values the operation has that the tool leaves out: `(wire name, why)`, why is
    /// `credential` (Alter injects it), `transport` (the runtime controls it) or `unused` (a
    /// path parameter the path has no place for).
    pub omitted: Vec<(String, &'static str)>,
    /// The emitted output JSON Schema; `None` when the tool returns text only.
    pub output_schema: Option<String>,
    /// The tool's title (`annotations.title` in `tools/list`).
    pub title: String,
    /// The description the model reads, cleaned and capped.
    pub description: String,
    /// The OAuth scopes this tool needs.
    pub scopes: Vec<String>,
    /// `METHOD url-template`: where the tool sends its request.
    pub request: String,
    /// The fields the model fills: `(the name it sees, where)`, where as in `inputs`.
    pub fields: Vec<(String, &'static str)>,
    /// The input JSON Schema, as `tools/list` gives it.
    pub input_schema: String,
    /// The MCP annotations (the title is [`ToolSummary::title`]).
    pub annotations: Annotations,
    /// The document marks the operation `deprecated`.
    pub deprecated: bool,
}

/// An operation `--all --skip-unsupported` left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The operationId, or `METHOD /path`.
    pub operation: String,
    /// Why it could not be a tool.
    pub problems: Diagnostics,
}

/// Generates the module for one allowlist (which names its API description).
pub fn generate(allowlist_path: impl AsRef<Path>) -> Result<Generated, Diagnostics> {
    let allowlist_source = input::read(allowlist_path.as_ref())?;
    let allowlist = Allowlist::parse(&allowlist_source)?;
    generate_parsed(allowlist_source, &allowlist)
}

/// [`generate`] for an allowlist already read (`init` checks its text before writing it).
fn generate_parsed(
    allowlist_source: Source,
    allowlist: &Allowlist,
) -> Result<Generated, Diagnostics> {
    let spec_source = input::read(&allowlist.spec_path)?;
    let openapi = frontend::to_openapi30(&spec_source)?;
    let document = Document::parse(&spec_source, openapi)?;
    let header = header_inputs(
        &allowlist.path,
        &allowlist.file.spec,
        &allowlist_source,
        &spec_source,
    );
    let spec_hash = spec_source.spec_hash();
    let mut generated = run(
        &document,
        &document.operations(),
        allowlist,
        &header,
        &spec_hash,
    )?;
    generated.files_read = vec![allowlist_source.path, spec_source.path];
    Ok(generated)
}

/// How to generate every operation of a document (`alter-mcp-gen generate --all`).
#[derive(Debug, Clone, Default)]
pub struct EveryOperation {
    /// The Alter provider id.
    pub provider: String,
    /// Replaces the document's server URL.
    pub base_url: Option<String>,
    /// Leave out operations that cannot be generated (listed in [`Generated::skipped`])
    /// instead of failing.
    pub skip_unsupported: bool,
}

/// Generates a module with a tool for every operation of the document at `spec`.
pub fn generate_every_operation(
    spec: impl AsRef<Path>,
    options: &EveryOperation,
) -> Result<Generated, Diagnostics> {
    let spec_source = input::read(spec.as_ref())?;
    let openapi = frontend::to_openapi30(&spec_source)?;
    let document = Document::parse(&spec_source, openapi)?;
    let operations = document.operations();
    let allowlist = every::allowlist(
        &spec_source.path,
        &options.provider,
        options.base_url.as_deref(),
        &operations,
    )
    .map_err(|d| document.remap(d))?;
    let spec_name = allowlist.file.spec.clone();
    let header = vec![HeaderInput {
        name: spec_name,
        hash: spec_source.short_hash(),
    }];
    let spec_hash = spec_source.spec_hash();
    let attempt = run(&document, &operations, &allowlist, &header, &spec_hash);
    let mut generated = match attempt {
        Err(diagnostics) if options.skip_unsupported => skipping_unsupported(
            &document,
            &operations,
            allowlist,
            (&header, &spec_hash),
            diagnostics,
        )?,
        other => other?,
    };
    generated.files_read = vec![spec_source.path];
    Ok(generated)
}

/// Generates again without the operations that fail on their own.
fn skipping_unsupported(
    document: &Document,
    operations: &[ir::OperationRef],
    mut allowlist: Allowlist,
    (header, spec_hash): (&[HeaderInput], &str),
    first_attempt: Diagnostics,
) -> Result<Generated, Diagnostics> {
    let mut skipped = Vec::new();
    let mut kept = Vec::new();
    for entry in std::mem::take(&mut allowlist.file.tools) {
        let mut alone = allowlist.clone();
        alone.file.tools = vec![entry.clone()];
        // Lowering finds what an operation cannot express; emitting and formatting each one
        // alone would only cost time (a document can have 10,000 operations).
        match api(document, operations, &alone) {
            Ok(_) => kept.push(entry),
            Err(problems) => skipped.push(Skipped {
                operation: entry.operation.clone(),
                problems,
            }),
        }
    }
    if kept.is_empty() {
        return Err(first_attempt);
    }
    allowlist.file.tools = kept;
    let mut generated = run(document, operations, &allowlist, header, spec_hash)?;
    generated.skipped = skipped;
    Ok(generated)
}

/// select → lower → apply → schemas (within the budget) → lint, with diagnostics pointing
/// into the original file; the warnings of the budget too.
fn api(
    document: &Document,
    operations: &[ir::OperationRef],
    allowlist: &Allowlist,
) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    (|| {
        let selected = allowlist::select(allowlist, operations, document.path())?;
        let lowered = lower::lower(document, &selected, base_url(allowlist).as_ref())?;
        let mut api = apply::apply(allowlist, lowered)?;
        let budgets = budget::budgets(allowlist);
        let outputs: Vec<usize> = budgets.iter().map(|b| b.bytes).collect();
        tool_schema::write(&mut api, &outputs, !allowlist.every_operation);
        let mut problems = lint::check_api(&api, allowlist);
        let warnings = budget::check(&api, allowlist, &budgets, &mut problems);
        problems.finish((api, warnings))
    })()
    .map_err(|diagnostics| document.remap(diagnostics))
}

/// select → lower → apply → emit → format.
fn run(
    document: &Document,
    operations: &[ir::OperationRef],
    allowlist: &Allowlist,
    header: &[HeaderInput],
    spec_hash: &str,
) -> Result<Generated, Diagnostics> {
    let (api, budget) = api(document, operations, allowlist)?;
    let mut warnings: Diagnostics = api.warnings.iter().cloned().collect();
    warnings.extend(warnings::bodies(&api, document.path()));
    warnings.extend(deprecations(&api, document.path()));
    let mut warnings = document.remap(warnings);
    warnings.extend(budget);
    let tokens = emit::module(&api, spec_hash);
    let code = format::format(
        tokens,
        &format::header(header),
        &Location::file(&allowlist.path),
    )?;
    let catalog = catalog::render(&api, &allowlist.path)?;
    Ok(Generated {
        code,
        provider: api.provider.clone(),
        tool_names: api.tools.iter().map(|tool| tool.name.clone()).collect(),
        tools: api.tools.iter().map(summary).collect(),
        files_read: Vec::new(),
        skipped: Vec::new(),
        scopes: api.scopes.clone(),
        catalog,
        warnings: warnings.into_iter().collect(),
    })
}

/// A warning per tool whose operation the document marks deprecated.
fn deprecations(api: &ir::Api, spec: &Path) -> Diagnostics {
    let mut warnings = Diagnostics::new();
    for tool in api.tools.iter().filter(|tool| tool.deprecated) {
        warnings.push(
            Diagnostic::new(
                Location::pointer(spec, &tool.pointer),
                format!(
                    "tool `{}` calls `{}` ({} {}), which the document marks deprecated",
                    tool.name,
                    tool.operation_id,
                    tool.method.as_str(),
                    tool.url
                ),
            )
            .help("find its replacement in the provider's documentation and change the allowlist before the provider removes it"),
        );
    }
    warnings
}

fn summary(tool: &ir::Tool) -> ToolSummary {
    let target = |target: ir::Target| match target {
        ir::Target::Path { .. } => "path",
        ir::Target::Query(_) => "query",
        ir::Target::Header | ir::Target::ContentType => "header",
        ir::Target::BodyField(_) => "body field",
        ir::Target::Body => "body",
    };
    ToolSummary {
        name: tool.name.clone(),
        operation: tool.operation_id.clone(),
        inputs: tool
            .inputs
            .iter()
            .map(|input| (input.wire_name.clone(), target(input.target)))
            .collect(),
        omitted: tool
            .omitted
            .iter()
            .map(|o| (o.name.clone(), o.reason.as_str()))
            .collect(),
        output_schema: tool.schemas.output.clone(),
        title: tool.title.clone(),
        description: tool.description.clone(),
        scopes: tool.scopes.clone(),
        request: format!("{} {}", tool.method.as_str(), tool.url),
        fields: tool
            .inputs
            .iter()
            .filter_map(|input| match &input.value {
                ir::InputValue::Model { name, .. } => Some((name.clone(), target(input.target))),
                ir::InputValue::Fixed(_) => None,
            })
            .collect(),
        input_schema: tool.schemas.input.clone(),
        annotations: tool.annotations,
        deprecated: tool.deprecated,
    }
}

fn base_url(allowlist: &Allowlist) -> Option<BaseUrl> {
    allowlist.file.base_url.as_ref().map(|url| BaseUrl {
        url: url.clone(),
        location: Location::key(&allowlist.path, "base_url"),
    })
}

/// Inputs by stable names (`slack/allowlist.toml`, never an absolute path), so the same inputs
/// give the same bytes on every machine.
fn header_inputs(
    allowlist_path: &Path,
    spec_name: &str,
    list: &Source,
    spec: &Source,
) -> Vec<HeaderInput> {
    let dir = allowlist_path
        .parent()
        .and_then(Path::file_name)
        .map(|d| format!("{}/", d.to_string_lossy()))
        .unwrap_or_default();
    let file = allowlist_path
        .file_name()
        .map_or_else(|| "allowlist.toml".into(), |f| f.to_string_lossy());
    vec![
        HeaderInput {
            name: format!("{dir}{file}"),
            hash: list.short_hash(),
        },
        HeaderInput {
            name: format!("{dir}{spec_name}"),
            hash: spec.short_hash(),
        },
    ]
}
