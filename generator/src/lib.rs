//! `alter-mcp-gen`: an OpenAPI 3.0 document plus an allowlist → one formatted Rust module of
//! typed Alter MCP tools (input structs, their requests, and a `TOOLS` table for the runtime).
//!
//! Three front ends share [`generate`]: [`build`] for build scripts, the `alter-mcp-gen` CLI,
//! and tests. The pipeline, one phase per line, each reporting all of its problems at once:
//!
//! load (`input`, `allowlist`) → select (`allowlist`) → lower (`lower`, the only module that
//! sees `openapiv3`) → apply the allowlist (`allowlist`) → emit (`emit`, `schema`) → format.

mod allowlist;
pub mod build;
pub mod diagnostic;
mod emit;
mod format;
mod frontend;
mod input;
mod ir;
mod lower;
mod naming;
mod schema;

use std::path::{Path, PathBuf};

use allowlist::Allowlist;
pub use diagnostic::{At, Diagnostic, Diagnostics, Location};
use format::HeaderInput;
use input::Source;
use lower::{BaseUrl, Document};

/// One generated module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The formatted Rust module, `// @generated` header first.
    pub code: String,
    /// The Alter provider id.
    pub provider: String,
    /// The tool names, in allowlist order.
    pub tool_names: Vec<String>,
    /// Every file read (the allowlist, then the document), for `rerun-if-changed`.
    pub files_read: Vec<PathBuf>,
}

/// Generates the module for one allowlist (which names its OpenAPI document).
pub fn generate(allowlist_path: impl AsRef<Path>) -> Result<Generated, Diagnostics> {
    let allowlist_source = input::read(allowlist_path.as_ref())?;
    let allowlist = Allowlist::parse(&allowlist_source)?;
    let spec_source = input::read(&allowlist.spec_path)?;
    let document = Document::parse(&spec_source)?;
    let api = (|| {
        let selected = allowlist::select(&allowlist, &document.operations(), document.path())?;
        let lowered = lower::lower(&document, &selected, base_url(&allowlist).as_ref())?;
        allowlist::apply(&allowlist, lowered)
    })()
    .map_err(|diagnostics| document.remap(diagnostics))?;
    let tokens = emit::module(&api);
    let header = format::header(&header_inputs(&allowlist, &allowlist_source, &spec_source));
    let code = format::format(tokens, &header, &Location::file(&allowlist.path))?;
    Ok(Generated {
        code,
        provider: api.provider,
        tool_names: api.tools.into_iter().map(|tool| tool.name).collect(),
        files_read: vec![allowlist_source.path, spec_source.path],
    })
}

fn base_url(allowlist: &Allowlist) -> Option<BaseUrl> {
    allowlist.file.base_url.as_ref().map(|url| BaseUrl {
        url: url.clone(),
        location: Location::key(&allowlist.path, "base_url"),
    })
}

/// Inputs by stable names (`slack/allowlist.toml`, never an absolute path), so the same inputs
/// give the same bytes on every machine.
fn header_inputs(allowlist: &Allowlist, list: &Source, spec: &Source) -> Vec<HeaderInput> {
    let dir = allowlist
        .path
        .parent()
        .and_then(Path::file_name)
        .map(|d| format!("{}/", d.to_string_lossy()))
        .unwrap_or_default();
    let file = allowlist
        .path
        .file_name()
        .map_or_else(|| "allowlist.toml".into(), |f| f.to_string_lossy());
    vec![
        HeaderInput {
            name: format!("{dir}{file}"),
            hash: list.short_hash(),
        },
        HeaderInput {
            name: format!("{dir}{}", allowlist.file.spec),
            hash: spec.short_hash(),
        },
    ]
}
