//! What the model reads about a tool besides its inputs' types: title, description (document
//! text cleaned and capped, or an allowlist template), annotations and OAuth scopes.

use super::{Candidate, ToolApplier};
use crate::allowlist::{Allowlist, ToolEntry};
use crate::describe::{self, Context, Limits, ParamContext};
use crate::diagnostic::Diagnostic;
use crate::ir::{Annotations, Input, InputValue, Method, Operation, Target};
use crate::{naming, scopes};

/// What a template error says to do.
const TEMPLATE_HELP: &str = "fix the minijinja template; it sees provider, tool, operation_id, \
    method, path, summary, description, raw_summary, raw_description, parameters (each with \
    name, in, required, description) and, in `params.X.description`, param; filters: \
    cap(n), clean";

/// The tool's caps: its own, else the allowlist's, else the defaults.
pub(super) fn limits(allowlist: &Allowlist, entry: &ToolEntry) -> Limits {
    let file = &allowlist.file;
    Limits {
        description: entry
            .description_max
            .or(file.description_max)
            .unwrap_or(describe::DESCRIPTION_MAX),
        param: entry
            .param_description_max
            .or(file.param_description_max)
            .unwrap_or(describe::PARAM_DESCRIPTION_MAX),
    }
}

/// The template context without parameters (`inputs` adds them).
pub(super) fn context(allowlist: &Allowlist, operation: &Operation) -> Context {
    // "Raw" as in not cleaned of HTML and boilerplate; hidden characters never reach a template.
    let raw_summary = describe::hidden::strip(operation.summary.as_deref().unwrap_or_default());
    let raw_description =
        describe::hidden::strip(operation.description.as_deref().unwrap_or_default());
    Context {
        provider: allowlist.file.provider.clone(),
        tool: operation.tool_name.clone(),
        operation_id: operation.operation.display_id(),
        method: operation.operation.method.as_str().to_owned(),
        path: operation.operation.path.clone(),
        summary: describe::clean(&raw_summary),
        description: describe::clean(&raw_description),
        raw_summary,
        raw_description,
        parameters: Vec::new(),
        param: None,
    }
}

fn param_context(input: &Input) -> ParamContext {
    let location = match input.target {
        Target::Path { .. } => "path",
        Target::Query(_) => "query",
        Target::Header | Target::ContentType => "header",
        Target::BodyField(_) => "body field",
        Target::Body => "body",
    };
    ParamContext {
        name: input.wire_name.clone(),
        location: location.to_owned(),
        required: matches!(input.value, InputValue::Model { required: true, .. }),
        description: input.schema.description.clone().unwrap_or_default(),
    }
}

impl ToolApplier<'_> {
    /// Cleans and caps the document's parameter descriptions, and records the parameters for
    /// templates.
    pub(super) fn describe_candidates(&mut self, candidates: &mut [Candidate]) {
        for candidate in candidates.iter_mut() {
            describe::schema(&mut candidate.input.schema, self.limits.param);
        }
        self.context.parameters = candidates.iter().map(|c| param_context(&c.input)).collect();
    }

    /// A `params.X.description` rendered; `None` when it renders empty or fails (reported).
    pub(super) fn param_description(
        &mut self,
        template: &str,
        input: &Input,
        key: &str,
    ) -> Option<String> {
        let mut context = self.context.clone();
        context.param = Some(param_context(input));
        self.render(template, &context, &format!("{key}.description"))
    }

    fn render(&mut self, template: &str, context: &Context, key: &str) -> Option<String> {
        match describe::render(template, context) {
            Ok(text) => Some(text).filter(|t| !t.is_empty()),
            Err(error) => {
                self.out.push(
                    Diagnostic::new(
                        self.key(key),
                        format!("the template does not render: {error}"),
                    )
                    .help(TEMPLATE_HELP),
                );
                None
            }
        }
    }

    /// The allowlist's title (a template), else the summary's first line, else one derived
    /// from the tool name.
    pub(super) fn title(&mut self) -> String {
        let context = self.context.clone();
        let own = match &self.entry.title {
            Some(template) => self.render(template, &context, ".title"),
            None => None,
        };
        own.or_else(|| describe::title_from_summary(&context.raw_summary))
            .unwrap_or_else(|| naming::title_from_name(&self.operation.tool_name))
    }

    /// The allowlist's description (a template), else the document's summary and description
    /// cleaned and capped, else the title.
    pub(super) fn description(&mut self) -> String {
        let context = self.context.clone();
        if let Some(template) = &self.entry.description
            && let Some(text) = self.render(template, &context, ".description")
        {
            return text;
        }
        let text = describe::from_document(
            &context.raw_summary,
            &context.raw_description,
            self.limits.description,
        );
        if text.is_empty() { self.title() } else { text }
    }

    /// MCP annotations from the method, overridden by the allowlist; contradictions are
    /// errors. Idempotent: safe methods, PUT and DELETE (RFC 9110 §9.2.2).
    pub(super) fn annotations(&mut self) -> Annotations {
        let method = self.operation.operation.method;
        let entry = self.entry;
        let safe_method = matches!(method, Method::Get | Method::Head | Method::Options);
        let read_only = entry.read_only.unwrap_or(safe_method);
        let destructive = entry.destructive.unwrap_or(method == Method::Delete);
        let idempotent_method =
            safe_method || matches!(method, Method::Trace | Method::Put | Method::Delete);
        let idempotent = entry.idempotent.unwrap_or(read_only || idempotent_method);
        if read_only && destructive {
            self.read_only_destructive(method);
        }
        if read_only && !idempotent {
            self.out.push(
                Diagnostic::new(
                    self.key(".idempotent"),
                    "`idempotent = false` contradicts a read-only tool: changing nothing, \
                     it can be repeated safely",
                )
                .help("remove `idempotent = false`, or set `read_only = false`"),
            );
        }
        Annotations {
            read_only,
            destructive: destructive && !read_only,
            idempotent,
            open_world: entry.open_world.unwrap_or(true),
        }
    }

    fn read_only_destructive(&mut self, method: Method) {
        let entry = self.entry;
        let (key, message, help) = match (entry.read_only, entry.destructive) {
            (Some(_), Some(_)) => (
                ".read_only",
                "`read_only = true` and `destructive = true` contradict: a read-only tool \
                 changes nothing"
                    .to_owned(),
                "remove one of them",
            ),
            (None, _) => (
                ".destructive",
                format!(
                    "a {} tool is read-only, so it cannot be destructive",
                    method.as_str()
                ),
                "remove `destructive = true`, or add `read_only = false` if this operation \
                 changes something",
            ),
            (Some(_), None) => (
                ".read_only",
                format!(
                    "`read_only = true` on a {} operation, which is destructive by default",
                    method.as_str()
                ),
                "remove `read_only = true`, or add `destructive = false` if it deletes nothing",
            ),
        };
        self.out
            .push(Diagnostic::new(self.key(key), message).help(help));
    }

    /// The tool's own `scopes`, else the narrowest the document's security asks for.
    pub(super) fn scopes(&mut self) -> Vec<String> {
        if let Some(own) = &self.entry.scopes {
            if let Some(diagnostic) = scopes::check_list(own, self.key(".scopes")) {
                self.out.push(diagnostic);
            }
            return own.iter().map(|s| s.trim().to_owned()).collect();
        }
        scopes::narrowest(
            &self.operation.security,
            &self.operation.operation.display_id(),
        )
    }
}
