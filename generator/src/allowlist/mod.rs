//! The allowlist: which operations become tools and how (names, fixed and default values,
//! renames), read from TOML. This module parses it (`params.rs`: each `params.X` table on its
//! own) and selects operations from the document; `crate::apply` later applies the settings to
//! the lowered operations and checks them against what each really has.

mod params;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::{At, Diagnostic, Diagnostics, Location};
use crate::input::Source;
use crate::ir::{Method, OperationRef};
use crate::naming;

/// A parsed allowlist file, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Allowlist {
    pub path: PathBuf,
    /// The document, resolved against the allowlist's directory.
    pub spec_path: PathBuf,
    pub file: AllowlistFile,
    /// Made by `--all` (`every.rs`) rather than written by a user: the size budget only
    /// reduces output schemas, and nothing is reported per tool.
    pub every_operation: bool,
}

/// The TOML shape. Unknown keys are errors, so a typo never silently does nothing.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistFile {
    /// The Alter provider id.
    pub provider: String,
    /// The OpenAPI document, relative to the allowlist file.
    pub spec: String,
    /// Replaces the document's `servers[0].url`.
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub response: Option<ResponseTable>,
    /// How form bodies are sent, for every tool (see [`BodyEncodingSetting`]).
    #[serde(default)]
    pub body_encoding: Option<BodyEncodingSetting>,
    #[serde(default, rename = "tool")]
    pub tools: Vec<ToolEntry>,
    // Caps, schema budget and scopes for every tool (each `[[tool]]` may override them).
    // Inline rather than a flattened struct: serde's `flatten` defeats `deny_unknown_fields`.
    /// Longest tool description taken from the document, in characters.
    #[serde(default)]
    pub description_max: Option<usize>,
    /// Longest parameter description taken from the document, in characters.
    #[serde(default)]
    pub param_description_max: Option<usize>,
    /// Largest input (or output) schema, in bytes of JSON.
    #[serde(default)]
    pub schema_max_bytes: Option<usize>,
    /// The OAuth scopes the tools need, replacing what the document says.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseTable {
    pub ok_field: String,
    pub error_field: String,
}

/// One `[[tool]]` table.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolEntry {
    /// An operationId, or `METHOD /path`.
    pub operation: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub destructive: Option<bool>,
    /// Overrides the top-level `body_encoding` for this tool.
    #[serde(default)]
    pub body_encoding: Option<BodyEncodingSetting>,
    #[serde(default)]
    pub params: BTreeMap<String, ParamSettings>,
    /// The response fields the tool returns (`items[].{id,summary},nextPageToken`; the
    /// grammar is in `returns.rs`); all of them when absent.
    #[serde(default)]
    pub returns: Option<String>,
    /// MCP annotation overrides (`destructive` is above); see `apply::annotations`.
    #[serde(default)]
    pub read_only: Option<bool>,
    #[serde(default)]
    pub idempotent: Option<bool>,
    #[serde(default)]
    pub open_world: Option<bool>,
    // The same keys as at the top level, for this tool.
    /// Longest tool description taken from the document, in characters.
    #[serde(default)]
    pub description_max: Option<usize>,
    /// Longest parameter description taken from the document, in characters.
    #[serde(default)]
    pub param_description_max: Option<usize>,
    /// Largest input (or output) schema, in bytes of JSON.
    #[serde(default)]
    pub schema_max_bytes: Option<usize>,
    /// The OAuth scopes the tools need, replacing what the document says.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}

impl ToolEntry {
    /// A tool with a name and no other settings.
    pub fn named(operation: String, name: String) -> Self {
        ToolEntry {
            operation,
            name: Some(name),
            ..ToolEntry::default()
        }
    }
}

/// `body_encoding = "json"`: send a form or multipart body's fields as a JSON object instead
/// (Alter's proxy forwards JSON bodies only; Slack's Web API accepts either). `"document"`
/// (the default) sends what the document says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyEncodingSetting {
    Json,
    Document,
}

/// `params.<X> = { ... }`: X is a parameter name or a top-level body property name.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSettings {
    /// Always sent; hidden from the model.
    #[serde(default)]
    pub fixed: Option<Value>,
    /// Sent when the model leaves the field out.
    #[serde(default)]
    pub default: Option<Value>,
    /// The name the model sees (the wire name does not change).
    #[serde(default)]
    pub name: Option<String>,
    /// Retypes a scalar.
    #[serde(default, rename = "type")]
    pub ty: Option<ScalarType>,
    #[serde(default)]
    pub description: Option<String>,
    /// Overrides whether the model must give the field (for what a shared schema cannot say,
    /// such as `start` required on insert but not on patch).
    #[serde(default)]
    pub required: Option<bool>,
    /// `true`: an optional input the tool leaves out (the model never sees it, the request
    /// never carries it), to keep the schema small.
    #[serde(default)]
    pub omit: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScalarType {
    String,
    Integer,
    Number,
    Boolean,
}

/// An allowlisted tool matched to its operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub tool_name: String,
    pub operation: OperationRef,
}

impl Allowlist {
    /// Parses an allowlist; every problem names the TOML key it is about.
    pub fn parse(source: &Source) -> Result<Allowlist, Diagnostics> {
        let path = source.path.clone();
        let deserializer = toml::Deserializer::parse(&source.text)
            .map_err(|error| toml_error(source, error, None))?;
        let file: AllowlistFile = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let key = e.path().to_string();
            toml_error(source, e.into_inner(), Some(key))
        })?;
        let mut diagnostics = Diagnostics::new();
        let mut require = |value: &str, key: &str, what: &str| {
            if value.trim().is_empty() {
                diagnostics.push(
                    Diagnostic::new(Location::key(&path, key), format!("`{key}` is empty"))
                        .help(what.to_owned()),
                );
            }
        };
        require(
            &file.provider,
            "provider",
            "set the Alter provider id, e.g. `google`",
        );
        require(
            &file.spec,
            "spec",
            "set the OpenAPI document path, e.g. `openapi.yaml`",
        );
        if let Some(response) = &file.response {
            require(
                &response.ok_field,
                "response.ok_field",
                "name the success flag field",
            );
            require(
                &response.error_field,
                "response.error_field",
                "name the error field",
            );
        }
        if file.tools.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Location::file(&path),
                    "the allowlist has no `[[tool]]` tables",
                )
                .help("add `[[tool]]` with `operation = \"<operationId>\"` for each tool"),
            );
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        let spec_path = dir.join(&file.spec);
        diagnostics.finish(Allowlist {
            path,
            spec_path,
            file,
            every_operation: false,
        })
    }

    pub(crate) fn key(&self, key: impl Into<String>) -> Location {
        Location::key(&self.path, key)
    }
}

fn toml_error(source: &Source, error: toml::de::Error, key: Option<String>) -> Diagnostics {
    let at = match (key, error.span()) {
        (Some(key), _) if key != "." => At::Key(key),
        (_, Some(span)) => {
            let (line, column) = line_column(&source.text, span.start);
            At::Line(line, column)
        }
        _ => At::File,
    };
    let location = Location {
        file: source.path.clone(),
        at,
    };
    Diagnostic::new(
        location,
        format!("invalid allowlist: {}", error.message().trim()),
    )
    .help(
        "allowed keys: provider, spec, base_url, body_encoding, description_max, \
             param_description_max, schema_max_bytes, scopes, [response] ok_field/error_field, \
             [[tool]] operation/name/title/description/destructive/read_only/idempotent/\
             open_world/body_encoding/returns/description_max/param_description_max/schema_max_bytes/\
             scopes/params.<X> = { fixed, default, name, type, description, required, omit } \
             (top-level keys go before the first [[tool]])",
    )
    .into()
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, column)
}

/// Matches every `[[tool]]` to an operation of the document and checks the tool-level settings:
/// unknown operations (with near misses), invalid or duplicate tool names, `fixed` with
/// `default`.
pub fn select(
    allowlist: &Allowlist,
    operations: &[OperationRef],
    spec_file: &Path,
) -> Result<Vec<Selected>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut selected = Vec::new();
    let mut first_use: BTreeMap<String, usize> = BTreeMap::new();
    let index = Index::new(operations);
    for (i, entry) in allowlist.file.tools.iter().enumerate() {
        params::check(allowlist, i, entry, &mut diagnostics);
        let Some(operation) = index.find(&entry.operation) else {
            diagnostics.push(unknown_operation(
                allowlist, i, entry, operations, spec_file,
            ));
            continue;
        };
        // A derived name that collides is an error, never `_2`: tool names key audit rows and
        // approval policies, so they must not shift when the document gains an operation.
        let tool_name = match &entry.name {
            Some(name) => name.clone(),
            None => naming::default_tool_name(&operation.display_id()),
        };
        if !naming::is_valid_tool_name(&tool_name) {
            diagnostics.push(
                Diagnostic::new(
                    allowlist.key(format!("tool[{i}].name")),
                    format!("tool name `{tool_name}` does not match ^[a-zA-Z0-9_-]{{1,64}}$"),
                )
                .help("use 1 to 64 ASCII letters, digits, `_` or `-`, e.g. `list_events`"),
            );
        }
        if let Some(first) = first_use.insert(tool_name.clone(), i) {
            let derived = if entry.name.is_none() {
                format!(" (derived from `{}`)", entry.operation)
            } else {
                String::new()
            };
            let key = if entry.name.is_some() {
                "name"
            } else {
                "operation"
            };
            diagnostics.push(
                Diagnostic::new(
                    allowlist.key(format!("tool[{i}].{key}")),
                    format!(
                        "two tools are named `{tool_name}` (tool[{first}] and tool[{i}]{derived})"
                    ),
                )
                .help("give one of them a different `name = \"...\"`"),
            );
        }
        selected.push(Selected {
            tool_name,
            operation: operation.clone(),
        });
    }
    diagnostics.finish(selected)
}

/// Operations by operationId and by route, built once per allowlist (`--all` selects thousands).
struct Index<'o> {
    by_id: BTreeMap<&'o str, &'o OperationRef>,
    by_route: BTreeMap<(Method, &'o str), &'o OperationRef>,
}

impl<'o> Index<'o> {
    fn new(operations: &'o [OperationRef]) -> Self {
        let mut index = Index {
            by_id: BTreeMap::new(),
            by_route: BTreeMap::new(),
        };
        // The first operation with an id wins, as a linear search would find it.
        for op in operations.iter().rev() {
            if let Some(id) = &op.operation_id {
                index.by_id.insert(id, op);
            }
            index.by_route.insert((op.method, op.path.as_str()), op);
        }
        index
    }

    /// An operationId, or `METHOD /path` (method in any case).
    fn find(&self, wanted: &str) -> Option<&'o OperationRef> {
        let wanted = wanted.trim();
        if let Some(op) = self.by_id.get(wanted) {
            return Some(op);
        }
        let (method, path) = wanted.split_once(' ')?;
        let method = Method::parse(method)?;
        self.by_route.get(&(method, path.trim())).copied()
    }
}

fn unknown_operation(
    allowlist: &Allowlist,
    i: usize,
    entry: &ToolEntry,
    operations: &[OperationRef],
    spec_file: &Path,
) -> Diagnostic {
    let looks_like_route = entry.operation.contains(' ');
    let mut scored: Vec<(f64, String)> = operations
        .iter()
        .map(|op| match &op.operation_id {
            // Suggest routes only to someone who wrote one, or when there is no id.
            Some(id) if !looks_like_route => id.clone(),
            _ => format!("{} {}", op.method.as_str(), op.path),
        })
        .map(|name| (strsim::jaro_winkler(&entry.operation, &name), name))
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let near: Vec<String> = scored
        .into_iter()
        .take(3)
        .map(|(_, n)| format!("`{n}`"))
        .collect();
    let help = if near.is_empty() {
        "use an operationId of the document, or `METHOD /path`".to_owned()
    } else {
        format!("did you mean {}?", near.join(" or "))
    };
    Diagnostic::new(
        allowlist.key(format!("tool[{i}].operation")),
        format!("unknown operation `{}`", entry.operation),
    )
    .related(Location::pointer(spec_file, "/paths"))
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            path: PathBuf::from("specs/x/allowlist.toml"),
            text: text.to_owned(),
        }
    }

    fn op(id: &str, method: Method, path: &str) -> OperationRef {
        OperationRef {
            operation_id: Some(id.to_owned()),
            method,
            path: path.to_owned(),
            pointer: String::new(),
        }
    }

    #[test]
    fn parses_the_documented_format() {
        let allowlist = Allowlist::parse(&source(
            r#"provider = "google"
spec = "openapi.yaml"
[response]
ok_field = "ok"
error_field = "error"
[[tool]]
operation = "calendar.events.list"
params.calendarId = { fixed = "primary" }
params.maxResults = { name = "max_results", default = 10 }
params.ts = { type = "string" }
"#,
        ))
        .expect("valid");
        assert_eq!(allowlist.spec_path, PathBuf::from("specs/x/openapi.yaml"));
        let tool = &allowlist.file.tools[0];
        assert_eq!(
            tool.params["calendarId"].fixed,
            Some(Value::from("primary"))
        );
        assert_eq!(tool.params["maxResults"].default, Some(Value::from(10)));
        assert_eq!(tool.params["ts"].ty, Some(ScalarType::String));
    }

    #[test]
    fn unknown_keys_name_the_key_path() {
        let error = Allowlist::parse(&source(
            "provider = \"p\"\nspec = \"s\"\n[[tool]]\noperation = \"x\"\nparams.a = { fixd = 1 }\n",
        ))
        .unwrap_err();
        let d = error.iter().next().expect("one diagnostic");
        assert_eq!(d.location.at, At::Key("tool[0].params.a.fixd".to_owned()));
        assert!(d.message.contains("unknown field `fixd`"), "{}", d.message);
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let error = Allowlist::parse(&source("provider = \"p\"\nspec = \n")).unwrap_err();
        let d = error.iter().next().expect("one diagnostic");
        assert!(matches!(d.location.at, At::Line(2, _)), "{:?}", d.location);
    }

    #[test]
    fn finds_operations_by_id_or_route() {
        let ops = [
            op(
                "calendar.events.list",
                Method::Get,
                "/calendars/{calendarId}/events",
            ),
            op(
                "calendar.events.insert",
                Method::Post,
                "/calendars/{calendarId}/events",
            ),
        ];
        assert_eq!(Index::new(&ops).find("calendar.events.list"), Some(&ops[0]));
        assert_eq!(
            Index::new(&ops).find("post /calendars/{calendarId}/events"),
            Some(&ops[1])
        );
        assert_eq!(Index::new(&ops).find("calendar.events.lst"), None);
    }

    #[test]
    fn line_columns_are_one_based() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("ab", 99), (1, 3));
    }
}
