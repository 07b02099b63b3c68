//! `alter-mcp-gen operations`: every operation of a document, with what someone choosing tools
//! needs to know about each: its summary, tags, deprecation, and what a plain `[[tool]]`
//! naming it would need set (or why it cannot be a tool).
//!
//! Nothing here re-derives the generator's rules: each operation goes through the pipeline
//! (`select → lower → apply → lint`) alone, as a `[[tool]]` with only `operation` would. When
//! that fails, it is tried again with the settings a user could write (a placeholder
//! `base_url`, the schema budget lifted); what those change is what the operation needs.

use std::collections::BTreeMap;
use std::path::Path;

use crate::allowlist::{Allowlist, AllowlistFile, ToolEntry};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::frontend;
use crate::ir::{self, BodyEncoding, OperationFacts, OperationRef};
use crate::lower::Document;
use crate::{describe, input, lint, naming};

/// Stands for the URL the user will give when the document names no usable server; it never
/// reaches generated code (`init` asks for `--base-url`).
const PLACEHOLDER_BASE_URL: &str = "https://base-url.invalid";

/// One operation of a document, as `alter-mcp-gen operations` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInfo {
    /// What an allowlist's `operation` names: the operationId, or `METHOD /path` when the
    /// document gives none (or gives the same id to several operations).
    pub operation: String,
    /// The document's operationId, when it has one.
    pub operation_id: Option<String>,
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// The path template as the document writes it (`/calendars/{calendarId}/events`).
    pub path: String,
    /// The operation's JSON pointer in the document as written (Discovery and Swagger 2.0
    /// pointers name the original file's nodes).
    pub pointer: String,
    /// The summary's first line, else the description's, cleaned as tool titles are.
    pub summary: Option<String>,
    /// The operation's tags, in document order.
    pub tags: Vec<String>,
    /// The document marks the operation `deprecated`.
    pub deprecated: bool,
    /// The name a `[[tool]]` without `name` gets.
    pub tool_name: String,
    /// What a plain `[[tool]]` for it needs, in the order of [`Note`]'s variants.
    pub notes: Vec<Note>,
}

impl OperationInfo {
    /// Whether `text` occurs (ignoring case) in the operation, its id, path, summary or tags.
    pub fn matches(&self, text: &str) -> bool {
        let wanted = text.to_lowercase();
        let fields = [&self.operation, &self.path]
            .into_iter()
            .chain(&self.operation_id)
            .chain(&self.summary)
            .chain(&self.tags);
        fields
            .into_iter()
            .any(|field| field.to_lowercase().contains(&wanted))
    }

    /// Whether a `[[tool]]` for it can be generated (with the settings its notes name).
    pub fn is_supported(&self) -> bool {
        !self
            .notes
            .iter()
            .any(|note| matches!(note, Note::Unsupported(_)))
    }
}

/// Something a `[[tool]]` naming only the operation would trip over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The document names no absolute https server for it: the allowlist needs `base_url`.
    BaseUrl(Diagnostic),
    /// Its body is a form (`media_type`): Alter's proxy, the default mode, forwards JSON
    /// bodies only, so calls fail before sending unless the allowlist says
    /// `body_encoding = "json"` (when the API accepts JSON) or the server runs in retrieve mode.
    BodyEncoding {
        /// The body's media type (`application/x-www-form-urlencoded`, ...).
        media_type: &'static str,
    },
    /// Its largest schema (input or output) is `bytes` of JSON, over the default budget.
    SchemaBudget {
        /// The largest schema's size, in bytes.
        bytes: usize,
        /// The default budget it exceeds.
        budget: usize,
    },
    /// It cannot be a tool: why, with locations in the document.
    Unsupported(Diagnostics),
}

impl Note {
    /// A short label for a table column.
    pub fn label(&self) -> &'static str {
        match self {
            Note::BaseUrl(_) => "base_url",
            Note::BodyEncoding { .. } => "body_encoding",
            Note::SchemaBudget { .. } => "schema_max_bytes",
            Note::Unsupported(_) => "unsupported",
        }
    }

    /// What this kind of note means and what to write, the same for every operation.
    pub fn meaning(&self) -> &'static str {
        match self {
            Note::BaseUrl(_) => {
                "the document names no absolute https server: set `base_url = \"https://...\"` \
                 in the allowlist (`init --base-url`)"
            }
            Note::BodyEncoding { .. } => {
                "Alter's proxy (the default mode) forwards JSON bodies only: set `body_encoding = \"json\"` if the API accepts JSON, or run the \
                 server with ALTER_MCP_MODE=retrieve"
            }
            Note::SchemaBudget { .. } => {
                "a schema is over the size budget of what the model reads on every tools/list: \
                 it builds, an output is reduced to fit, and the build warns with what to paste \
                 (`returns`, `params.X.omit`)"
            }
            Note::Unsupported(_) => "it cannot be a tool as the document describes it",
        }
    }

    /// What is particular to this operation, when anything is.
    pub fn detail(&self) -> Option<String> {
        match self {
            Note::BaseUrl(problem) => Some(problem.message.clone()),
            Note::BodyEncoding { media_type } => Some(format!("the body is `{media_type}`")),
            Note::SchemaBudget { bytes, budget } => Some(format!(
                "{bytes} bytes of JSON, over the budget of {budget}"
            )),
            Note::Unsupported(problems) => {
                let why: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
                Some(why.join("; "))
            }
        }
    }

    /// [`Note::detail`], then [`Note::meaning`].
    pub fn explain(&self) -> String {
        match self.detail() {
            Some(detail) => format!("{detail}: {}", self.meaning()),
            None => self.meaning().to_owned(),
        }
    }
}

/// Every operation of the document at `spec`, in document order.
pub fn operations(spec: impl AsRef<Path>) -> Result<Vec<OperationInfo>, Diagnostics> {
    operations_matching(spec, &[])
}

/// The operations whose id, path, summary or tags contain one of `texts` (ignoring case);
/// all of them when `texts` is empty. Only these are tried through the pipeline, which is
/// what takes time on a large document.
pub fn operations_matching(
    spec: impl AsRef<Path>,
    texts: &[String],
) -> Result<Vec<OperationInfo>, Diagnostics> {
    survey(spec.as_ref(), texts).map(|survey| survey.infos)
}

/// The operations of a document, listed and as the pipeline refers to them.
pub(crate) struct Survey {
    pub infos: Vec<OperationInfo>,
    /// The same operations, in the same order.
    pub references: Vec<OperationRef>,
}

pub(crate) fn survey(spec: &Path, texts: &[String]) -> Result<Survey, Diagnostics> {
    let source = input::read(spec)?;
    let document = Document::parse(&source, frontend::to_openapi30(&source)?)?;
    let every: Vec<OperationRef> = document.operations();
    let keys = allowlist_keys(&every);
    let base_problem = document
        .base_url_problem()
        .map(|problem| document.remap(problem.into()));
    let probe = Probe {
        document: &document,
        operations: &every,
        base_problem: base_problem.as_ref().and_then(|d| d.iter().next()),
    };
    let mut chosen: Vec<(OperationInfo, OperationRef)> = document
        .facts()
        .into_iter()
        .zip(keys)
        .map(|(facts, key)| {
            let reference = facts.operation.clone();
            (probe.listed(facts, key), reference)
        })
        .filter(|(info, _)| texts.is_empty() || texts.iter().any(|text| info.matches(text)))
        .collect();
    probe.note_all(&mut chosen);
    let (infos, references) = chosen.into_iter().unzip();
    Ok(Survey { infos, references })
}

/// The operationId where it names one operation, else `METHOD /path` (the allowlist resolves an
/// id to its first operation, so a shared id would name the wrong one).
fn allowlist_keys(operations: &[OperationRef]) -> Vec<String> {
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for id in operations
        .iter()
        .filter_map(|op| op.operation_id.as_deref())
    {
        *uses.entry(id).or_default() += 1;
    }
    operations
        .iter()
        .map(|op| match op.operation_id.as_deref() {
            Some(id) if uses[id] == 1 => id.to_owned(),
            _ => format!("{} {}", op.method.as_str(), op.path),
        })
        .collect()
}

/// One document, probed an operation at a time.
struct Probe<'a> {
    document: &'a Document,
    operations: &'a [OperationRef],
    /// Why the document's server cannot be used, when it cannot.
    base_problem: Option<&'a Diagnostic>,
}

impl Probe<'_> {
    /// What the document says of an operation (its notes come from [`Probe::note_all`]).
    fn listed(&self, facts: OperationFacts, key: String) -> OperationInfo {
        let OperationFacts {
            operation,
            summary,
            description,
            tags,
            deprecated,
        } = facts;
        let summary = [summary, description]
            .into_iter()
            .flatten()
            .find_map(|text| describe::title_from_summary(&text));
        OperationInfo {
            tool_name: naming::default_tool_name(&operation.display_id()),
            pointer: self.document.original_pointer(&operation.pointer),
            method: operation.method.as_str(),
            operation_id: operation.operation_id,
            path: operation.path,
            operation: key,
            summary,
            tags,
            deprecated,
            notes: Vec::new(),
        }
    }

    /// Tries each operation alone, on every core: a large document's operations take seconds
    /// each to lower when their schemas are large.
    fn note_all(&self, chosen: &mut [(OperationInfo, OperationRef)]) {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let chunk = chosen.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            for part in chosen.chunks_mut(chunk) {
                scope.spawn(move || {
                    for (info, _) in part {
                        info.notes = self.notes(&info.operation);
                    }
                });
            }
        });
    }

    /// The operation alone, as a plain `[[tool]]`: what fails is [`Note::Unsupported`]; a
    /// schema over the budget builds (with the generator's warning) and is noted.
    fn notes(&self, key: &str) -> Vec<Note> {
        let api = match self.try_alone(key) {
            Ok((api, _warnings)) => api,
            Err(problems) => return vec![Note::Unsupported(problems)],
        };
        let budget = largest_schema(&api).filter(|bytes| *bytes > lint::SCHEMA_MAX_BYTES);
        let Some(tool) = api.tools.first() else {
            return Vec::new();
        };
        let mut notes = Vec::new();
        if let Some(problem) = self.base_problem
            && tool.url.starts_with(PLACEHOLDER_BASE_URL)
        {
            notes.push(Note::BaseUrl(problem.clone()));
        }
        if let Some(media_type) = form_body(tool) {
            notes.push(Note::BodyEncoding { media_type });
        }
        if let Some(bytes) = budget {
            notes.push(Note::SchemaBudget {
                bytes,
                budget: lint::SCHEMA_MAX_BYTES,
            });
        }
        notes
    }

    /// The operation as the only `[[tool]]` of an allowlist that names nothing else (a
    /// placeholder `base_url` when the document's server is unusable).
    fn try_alone(&self, key: &str) -> Result<(ir::Api, Diagnostics), Diagnostics> {
        let spec = self.document.path();
        let file = AllowlistFile {
            provider: "provider".to_owned(),
            spec: spec
                .file_name()
                .map_or_else(String::new, |f| f.to_string_lossy().into_owned()),
            base_url: self.base_problem.map(|_| PLACEHOLDER_BASE_URL.to_owned()),
            tools: vec![ToolEntry {
                operation: key.to_owned(),
                ..ToolEntry::default()
            }],
            ..AllowlistFile::default()
        };
        let allowlist = Allowlist {
            path: spec.to_owned(),
            spec_path: spec.to_owned(),
            file,
            every_operation: false,
        };
        crate::api(self.document, self.operations, &allowlist)
    }
}

/// The media type of a body the proxy cannot carry (a form, sent as the document says).
fn form_body(tool: &ir::Tool) -> Option<&'static str> {
    let has_body = tool
        .inputs
        .iter()
        .any(|input| matches!(input.target, ir::Target::Body | ir::Target::BodyField(_)));
    match &tool.body_encoding {
        BodyEncoding::Json => None,
        _ if !has_body => None,
        BodyEncoding::Form => Some("application/x-www-form-urlencoded"),
        BodyEncoding::Multipart => Some("multipart/form-data"),
        // A whole body of text or bytes: no setting makes it JSON; the build warns that the
        // tool needs retrieve mode.
        BodyEncoding::Raw(_) => None,
    }
}

/// The larger of the tool's input schema and its output schema before any reduction, in bytes
/// of JSON, when either is over the default budget.
fn largest_schema(api: &ir::Api) -> Option<usize> {
    let tool = api.tools.first()?;
    let input = tool.schemas.input.len();
    let output = match tool.schemas.reduced {
        Some(reduced) => reduced.full.unwrap_or(lint::SCHEMA_MAX_BYTES + 1),
        None => tool.schemas.output.as_ref().map_or(0, String::len),
    };
    Some(input.max(output))
}
