//! Lowering: the OpenAPI document plus the selected operations → [`ir::Lowered`], with every
//! local `$ref` resolved. Invariant: this is the only module that reads `openapiv3` types into
//! our model (`frontend/guard.rs` only tests that converted parts parse).
//!
//! This file handles operations (servers, parameters, request bodies); `types.rs` turns
//! schemas into IR types, `refs.rs` follows `$ref`s and `response.rs` checks success responses.

mod body;
mod compose;
mod credentials;
mod files;
mod form;
mod media;
mod params;
mod portable;
mod raw;
mod refs;
mod response;
mod servers;
mod style;
mod types;
mod view;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, PathItem, ReferenceOr};

use crate::allowlist::Selected;
use crate::diagnostic::{Diagnostic, Diagnostics, Location, child};
use crate::frontend::{OpenApi30, Origins, SourceFormat};
use crate::input::{self, Source};
use crate::ir::{self, Lowered, Method, OperationRef};
use crate::naming::{self, Scope};
use refs::Targets;
use servers::ServerUrl;

/// A parsed document, as OpenAPI 3.0 (other formats are converted first, see `frontend`).
#[derive(Debug)]
pub struct Document {
    openapi: OpenAPI,
    /// What references outside `#/components/<section>/<name>` point to.
    targets: Targets,
    path: PathBuf,
    format: SourceFormat,
    /// Pointers of the converted document → the original's (empty for OpenAPI 3.0).
    origins: Origins,
}

impl Document {
    /// Reads the document `source` holds, as the format front end gave it
    /// ([`frontend::to_openapi30`]).
    pub fn parse(source: &Source, openapi: OpenApi30) -> Result<Document, Diagnostics> {
        let format = openapi.format;
        if let Some(converted) = openapi.converted {
            return Self::from_value(converted.document, source, format, converted.origins);
        }
        // openapiv3's `ReferenceOr` has an `expect` on a parse path we cannot rule out; a
        // panic there must still become a diagnostic, never a crashed build script.
        let parsed = std::panic::catch_unwind(|| {
            let openapi = input::parse::<OpenAPI>(source)?;
            // Bundled documents point into `#/paths/...`; only they pay for a second parse.
            let targets = if Targets::needed(&source.text) {
                input::parse_value(source)
                    .map(|value| Targets::collect(&value))
                    .unwrap_or_default()
            } else {
                Targets::default()
            };
            Ok::<_, Diagnostic>((openapi, targets))
        });
        let (openapi, targets) = match parsed {
            Ok(result) => result?,
            Err(_) => return Err(parser_failed(source).into()),
        };
        Ok(Document {
            openapi,
            targets,
            path: source.path.clone(),
            format,
            origins: Origins::default(),
        })
    }

    /// Reads a converted document.
    fn from_value(
        value: serde_json::Value,
        source: &Source,
        format: SourceFormat,
        origins: Origins,
    ) -> Result<Document, Diagnostics> {
        let parsed = std::panic::catch_unwind(|| {
            let targets = Targets::collect(&value);
            let openapi = serde_path_to_error::deserialize::<_, OpenAPI>(&value);
            (openapi, targets)
        });
        let (openapi, targets) = parsed.map_err(|_| Diagnostics::from(parser_failed(source)))?;
        let openapi = match openapi {
            Ok(openapi) => openapi,
            Err(error) => {
                let pointer = origins.original(&input::pointer_of(error.path()));
                let diagnostic = Diagnostic::new(
                    Location::pointer(&source.path, pointer),
                    format!("invalid {} document: {}", format.name(), error.into_inner()),
                )
                .help(format!("fix the document so it is valid {}", format.name()));
                return Err(diagnostic.into());
            }
        };
        Ok(Document {
            openapi,
            targets,
            path: source.path.clone(),
            format,
            origins,
        })
    }

    /// The format the document was written in.
    #[allow(dead_code, reason = "reported by `--all` summaries")]
    pub fn format(&self) -> SourceFormat {
        self.format
    }

    /// Rewrites pointers into the converted document as pointers into the original file.
    pub fn remap(&self, diagnostics: Diagnostics) -> Diagnostics {
        self.origins.remap(diagnostics, &self.path)
    }

    /// A pointer into the converted document as a pointer into the original file.
    pub fn original_pointer(&self, pointer: &str) -> String {
        self.origins.original(pointer)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every operation, in document order (paths, then methods in OpenAPI's order).
    pub fn operations(&self) -> Vec<OperationRef> {
        self.each_operation()
            .map(|(reference, _)| reference)
            .collect()
    }

    /// Every operation with its summary, description, tags and deprecation, in document order.
    pub fn facts(&self) -> Vec<ir::OperationFacts> {
        self.each_operation()
            .map(|(operation, op)| ir::OperationFacts {
                operation,
                summary: text(op.summary.as_deref()),
                description: text(op.description.as_deref()),
                tags: op.tags.clone(),
                deprecated: op.deprecated,
            })
            .collect()
    }

    /// Path items that are `$ref`s are skipped: OpenAPI 3.0 only allows external ones there.
    fn each_operation(&self) -> impl Iterator<Item = (OperationRef, &openapiv3::Operation)> {
        let items = self
            .openapi
            .paths
            .paths
            .iter()
            .filter_map(|(path, item)| match item {
                ReferenceOr::Item(item) => Some((path, item)),
                ReferenceOr::Reference { .. } => None,
            });
        items.flat_map(|(path, item)| {
            Method::ALL.into_iter().filter_map(move |method| {
                let operation = operation_of(item, method)?;
                let reference = OperationRef {
                    operation_id: operation.operation_id.clone(),
                    method,
                    path: path.clone(),
                    pointer: child(&child("/paths", path), method.key()),
                };
                Some((reference, operation))
            })
        })
    }

    /// Why the document's own server cannot be the tools' base URL (none, or not an absolute
    /// https URL), so an allowlist needs `base_url`; `None` when it can.
    pub fn base_url_problem(&self) -> Option<Diagnostic> {
        Lowerer::new(self).document_base(None).err()
    }
}

fn operation_of(item: &PathItem, method: Method) -> Option<&openapiv3::Operation> {
    match method {
        Method::Get => item.get.as_ref(),
        Method::Put => item.put.as_ref(),
        Method::Post => item.post.as_ref(),
        Method::Delete => item.delete.as_ref(),
        Method::Options => item.options.as_ref(),
        Method::Head => item.head.as_ref(),
        Method::Patch => item.patch.as_ref(),
        Method::Trace => item.trace.as_ref(),
    }
}

fn parser_failed(source: &Source) -> Diagnostic {
    Diagnostic::new(
        Location::file(&source.path),
        "the OpenAPI parser failed on this document",
    )
    .help("check the document with an OpenAPI validator")
}

/// A server URL that replaces the document's `servers`, and where it was set.
#[derive(Debug, Clone)]
pub struct BaseUrl {
    pub url: String,
    pub location: Location,
}

/// Lowers the selected operations, in order, collecting every problem.
pub fn lower(
    document: &Document,
    selected: &[Selected],
    base_url: Option<&BaseUrl>,
) -> Result<Lowered, Diagnostics> {
    let mut lowerer = Lowerer::new(document);
    // Input types are named first, so a component schema never takes a tool's name.
    let input_types: Vec<String> = selected
        .iter()
        .map(|s| lowerer.names.unique(&naming::input_type_name(&s.tool_name)))
        .collect();
    let base = lowerer.document_base(base_url);
    let mut operations = Vec::new();
    for (selected, input_type) in selected.iter().zip(input_types) {
        if let Some(operation) = lowerer.operation(selected, input_type, &base) {
            operations.push(operation);
        }
    }
    if operations.len() != selected.len() && lowerer.out.is_empty() {
        // Every skipped operation reports why; this guards the allowlist-order invariant.
        let at = document.path.clone();
        lowerer.out.push(
            Diagnostic::new(Location::file(&at), "internal error: an operation was lost")
                .help("this is a bug in alter-mcp-gen; please report it with the inputs"),
        );
    }
    lowerer.finish_types();
    let types = ir::TypeSpace {
        types: lowerer.types,
    };
    let warnings = lowerer.warnings;
    lowerer.out.finish(Lowered {
        operations,
        types,
        warnings,
    })
}

/// Lowering state: the type arena and the diagnostics of this phase.
struct Lowerer<'d> {
    doc: &'d OpenAPI,
    targets: &'d Targets,
    file: &'d Path,
    out: Diagnostics,
    /// What was handled but should be said (see [`ir::Lowered::warnings`]).
    warnings: Vec<Diagnostic>,
    types: Vec<ir::TypeDef>,
    /// Component schema name → its named type, registered before its properties are lowered,
    /// so recursive references end here instead of looping.
    components: BTreeMap<String, ir::TypeId>,
    /// The same for output types (see `response.rs`), which read schemas differently.
    output_components: BTreeMap<String, ir::TypeId>,
    /// Lowering a success response: types are output types.
    output: bool,
    /// Component aliases (non-object schemas) being lowered: a repeat is a cycle.
    aliases: Vec<String>,
    /// Path parameters of the current operation that were reported as unusable.
    unusable: Vec<String>,
    names: Scope,
    /// A Google API: its key and system parameters are not inputs (`credentials.rs`).
    google: bool,
    /// Named types completed after lowering (`types.rs`).
    pending: types::Pending,
    /// References [`Lowerer::check_schema`] has followed: what they reach is checked once per
    /// module, not once per operation (every answer of a large document reaches most of it).
    checked: std::collections::BTreeSet<&'d str>,
}

impl<'d> Lowerer<'d> {
    fn new(document: &'d Document) -> Self {
        let mut names = Scope::new();
        // Generated code uses these prelude names unqualified.
        for reserved in ["String", "Vec", "Option", "Box", "Result", "Some", "None"] {
            names.reserve(reserved);
        }
        Lowerer {
            doc: &document.openapi,
            targets: &document.targets,
            file: &document.path,
            out: Diagnostics::new(),
            warnings: Vec::new(),
            types: Vec::new(),
            components: BTreeMap::new(),
            output_components: BTreeMap::new(),
            output: false,
            aliases: Vec::new(),
            unusable: Vec::new(),
            names,
            google: document.format == SourceFormat::Discovery
                || document
                    .openapi
                    .servers
                    .iter()
                    .any(|server| credentials::is_google_server(&server.url)),
            pending: types::Pending::default(),
            checked: std::collections::BTreeSet::new(),
        }
    }

    /// Records a warning once (see [`Lowerer::error`]).
    fn warn(&mut self, warning: Diagnostic) {
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    fn at(&self, pointer: &str) -> Location {
        Location::pointer(self.file, pointer)
    }

    /// Reports a problem once: a component reached from several places (a request body and
    /// a response) is checked more than once.
    fn error(&mut self, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        let diagnostic = Diagnostic::new(self.at(pointer), message).help(help);
        if !self.out.iter().any(|d| d == &diagnostic) {
            self.out.push(diagnostic);
        }
    }

    fn operation(
        &mut self,
        selected: &Selected,
        input_type: String,
        base: &Result<ServerUrl, Diagnostic>,
    ) -> Option<ir::Operation> {
        let reference = &selected.operation;
        let ReferenceOr::Item(item) = self.doc.paths.paths.get(&reference.path)? else {
            return None;
        };
        let op = operation_of(item, reference.method)?;
        let pointer = reference.pointer.clone();
        let item_pointer = child("/paths", &reference.path);
        let server = self.server(op, item, &pointer, &item_pointer, base)?;
        let prefix = naming::type_prefix(&selected.tool_name);
        if let Some(why) = op.extensions.get("x-alter-unsupported") {
            let why = why.as_str().map_or_else(|| why.to_string(), str::to_owned);
            self.error(
                &pointer,
                format!("this operation cannot be expressed: {why}"),
                "leave it out of the allowlist, or describe it in a form alter-mcp-gen supports",
            );
            return None;
        }
        self.check_injectable(op, &pointer);
        // A front end files an operation that shares its path and method with another (Google
        // Discovery has many `GET v1/{+name}`) under a key of its own, with the real template
        // in `x-alter-path`.
        let template = op
            .extensions
            .get("x-alter-path")
            .and_then(|path| path.as_str())
            .unwrap_or(&reference.path)
            .to_owned();
        let (mut params, mut omitted) = self.params(item, op, &item_pointer, &pointer, &prefix);
        self.check_path_template(&template, (&mut params, &mut omitted), &pointer);
        let mut body = op
            .request_body
            .as_ref()
            .and_then(|body| self.body(body, &format!("{pointer}/requestBody"), &prefix));
        self.omit_form_fields(op, body.as_mut(), &mut omitted);
        let response = self.response(&op.responses, &pointer, &prefix);
        Some(ir::Operation {
            tool_name: selected.tool_name.clone(),
            input_type,
            operation: reference.clone(),
            url: format!("{server}{template}"),
            summary: text(op.summary.as_deref()),
            description: text(op.description.as_deref()),
            params,
            body,
            response,
            omitted,
            security: self.oauth_scopes(op),
            deprecated: op.deprecated,
        })
    }
}

/// Trimmed text, `None` if empty.
fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod wild_tests;
