//! The MCP server: serves sets of generated [`ToolDef`]s over rmcp, each call going through the
//! [`Agent`]; plus the one-call helpers a binary's `main` uses.
//!
//! Invariants:
//! - Only protocol faults (an unknown tool name; a task id that is foreign, changed or
//!   expired) are `ErrorData`; every failure the model or the user can act on (bad arguments,
//!   no key, Alter or provider errors) is a tool result with `isError: true`, and the server
//!   keeps running.
//! - Schemas are parsed once, at start-up; a bad schema or a duplicate name stops start-up
//!   with an error, never a panic.
//! - Nothing is written to stdout except by rmcp's transport; logs go to stderr.
//! - At most `ALTER_MCP_MAX_CONCURRENT_CALLS` calls run at once, and a cancelled MCP request
//!   abandons its HTTP call (`gate.rs`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelTaskParams, ContentBlock,
    GetTaskParams, GetTaskResult, Implementation, JsonObject, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
    UpdateTaskParams,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt as _};
use serde_json::{Map, Value};
use tracing::Instrument as _;

use super::approval::Approvals;
use super::call::{CallScope, Client};
use super::gate::Gate;
use super::notify::LogLevel;
use super::task_id::TaskId;
use super::tasks::Reply;
use crate::alter::agent::{Agent, Mode};
use crate::alter::error::{Error, ErrorKind};
use crate::alter::error_text::display_name;
use crate::alter::limits::Limits;
use crate::alter::response::ProviderResponse;
use crate::env::KEY_ENV;
use crate::env::MAX_RESPONSE_ENV;
use crate::request::{ProviderRequest, scalar_to_string};
use crate::tool::input_check::InputCheck;
use crate::tool::output::OutputFn;
use crate::tool::paging::PageLinks;
use crate::tool::{ArgumentError, Arguments, ResponseRule, ToolDef};

/// An MCP server over a fixed set of tools. Build with [`Server::new`], then serve with
/// [`serve_stdio`] or any rmcp transport (`ServiceExt::serve`).
#[derive(Debug)]
pub struct Server {
    name: String,
    version: String,
    instructions: String,
    /// Tool-set order, then each set's own order: the allowlist order.
    tools: Vec<Entry>,
    by_name: BTreeMap<&'static str, usize>,
    /// The agent, or why there is none (reported by every tool call).
    agent: Result<Agent, Error>,
    /// Bounds the calls in flight; sized by the agent's limits.
    gate: Gate,
    /// How long calls wait for human approvals, and the approvals they stopped waiting for.
    approvals: Approvals,
    /// The MCP log level the client asked for.
    log_level: LogLevel,
    /// Dry run: calls answer with the request they would send, in this mode, and send nothing.
    dry_run: Option<Mode>,
}

#[derive(Debug)]
struct Entry {
    def: &'static ToolDef,
    tool: Tool,
    /// The input schema `tool` advertises, compiled: every call's arguments meet it.
    check: InputCheck,
}

impl Server {
    /// Checks and indexes the tools. Fails on an unparsable or non-object input schema, a
    /// name outside `^[a-zA-Z0-9_-]{1,64}$`, the same name twice, or an invalid
    /// `ALTER_MCP_APPROVAL_WAIT`. Until an agent is set, tool calls answer how to set
    /// `ALTER_MCP_AGENT_KEY`.
    pub fn new(name: impl Into<String>, tool_sets: &[&'static [ToolDef]]) -> Result<Server, Error> {
        let mut tools = Vec::new();
        let mut by_name = BTreeMap::new();
        for def in tool_sets.iter().flat_map(|set| set.iter()) {
            if by_name.insert(def.name, tools.len()).is_some() {
                return Err(Error::config(format!(
                    "two tools are named `{}`; tool names must be unique across tool sets",
                    def.name
                )));
            }
            let tool = rmcp_tool(def)?;
            let check =
                InputCheck::compile(def.name, &Value::Object((*tool.input_schema).clone()))?;
            tools.push(Entry { def, tool, check });
        }
        let providers: BTreeSet<String> =
            tools.iter().map(|e| display_name(e.def.provider)).collect();
        let providers = match providers.len() {
            0 => "providers".to_owned(),
            _ => providers.into_iter().collect::<Vec<_>>().join(", "),
        };
        Ok(Server {
            name: name.into(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            instructions: format!(
                "Tools for {providers}, called through Alter: the user's connected accounts are \
                 used on their behalf, Alter policies and human approvals apply, and every call \
                 is audited. When a tool returns an error, follow its text: it says what to \
                 change or what to ask the user to do."
            ),
            tools,
            by_name,
            agent: Err(missing_key()),
            gate: Gate::new(&Limits::default()),
            approvals: Approvals::from_env()?,
            log_level: LogLevel::default(),
            dry_run: None,
        })
    }

    /// How long a call waits for a human approval before it answers "still pending"
    /// (default: `ALTER_MCP_APPROVAL_WAIT`, or 50 s).
    pub fn with_approval_wait(mut self, wait: std::time::Duration) -> Server {
        self.approvals = Approvals::new(wait);
        self
    }

    /// Dry run: every call answers with the exact request it would send in `mode` (see
    /// `ALTER_MCP_DRY_RUN`), and nothing is sent. Works without an agent key.
    ///
    /// `tools/list` then declares no `outputSchema`: a dry run's result describes the request,
    /// not the provider's answer, so it cannot honour the answer's schema, and a client that
    /// checks (the Python SDK raises on a declared schema without `structuredContent`) must not
    /// be told it will.
    pub fn with_dry_run(mut self, mode: Mode) -> Server {
        self.dry_run = Some(mode);
        for entry in &mut self.tools {
            entry.tool.output_schema = None;
        }
        self
    }

    /// Sets the agent that tool calls use.
    pub fn with_agent(mut self, agent: Agent) -> Server {
        self.gate = Gate::new(agent.limits());
        self.agent = Ok(agent);
        self
    }

    /// Records why no agent could be made (e.g. the error of [`Agent::from_env`]); every
    /// tool call then answers with this error's [`Error::tool_message`].
    pub fn with_agent_error(mut self, error: Error) -> Server {
        self.agent = Err(error);
        self
    }

    /// The version reported to clients (default: this crate's version).
    pub fn with_version(mut self, version: impl Into<String>) -> Server {
        self.version = version.into();
        self
    }

    /// The tool names, in listing order.
    pub fn tool_names(&self) -> Vec<&'static str> {
        self.tools.iter().map(|e| e.def.name).collect()
    }

    /// Checks `arguments` against every constraint `tool`'s advertised input schema declares
    /// (what [`Server::call`] does first); nothing is built or sent. `Err` names the path and
    /// the rule, or says the tool is unknown.
    pub fn check_arguments(&self, tool: &str, arguments: &Value) -> Result<(), ArgumentError> {
        match self.by_name.get(tool) {
            Some(&index) => self.tools[index].check.check(arguments),
            None => Err(ArgumentError {
                field: None,
                message: format!("unknown tool `{tool}`"),
            }),
        }
    }

    /// Runs one `tools/call`. `Err` only for an unknown tool (a protocol fault).
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<Arguments>,
        scope: CallScope,
    ) -> Result<CallToolResult, ErrorData> {
        match self.respond(name, arguments, scope, false).await? {
            CallToolResponse::Complete(result) => Ok(result),
            // `respond` answers with a task only when offered one.
            other => Err(ErrorData::internal_error(
                format!("unexpected answer to a call without tasks: {other:?}"),
                None,
            )),
        }
    }

    /// [`Server::call`], answering with a task when `offer_task` and Alter holds the call for
    /// a human (`tasks.rs`).
    async fn respond(
        &self,
        name: &str,
        arguments: Option<Arguments>,
        scope: CallScope,
        offer_task: bool,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(&index) = self.by_name.get(name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{name}`"),
                None,
            ));
        };
        let started = Instant::now();
        let entry = &self.tools[index];
        let def = entry.def;
        let request = match entry.check.build(def.build, arguments.unwrap_or_default()) {
            Ok(request) => request,
            Err(error) => {
                let elapsed_ms = started.elapsed().as_millis();
                tracing::info!(tool = def.name, %error, elapsed_ms, "tool arguments rejected");
                return Ok(tool_error(error.to_string()).into());
            }
        };
        let context = crate::alter::trace::for_call(def, &scope.trace);
        if let Some(mode) = self.dry_run {
            let elapsed_ms = started.elapsed().as_millis();
            tracing::info!(tool = def.name, elapsed_ms, "tool call done (dry run)");
            return Ok(super::dry_run::result(
                def,
                &request,
                &context,
                mode,
                scope.user_token.is_some(),
            )
            .into());
        }
        let agent = match &self.agent {
            Ok(agent) => agent,
            Err(error) => {
                let error = error.clone().with_provider(def.provider);
                let elapsed_ms = started.elapsed().as_millis();
                tracing::info!(tool = def.name, kind = ?error.kind(), elapsed_ms, "tool call failed");
                return Ok(tool_error(error.tool_message()).into());
            }
        };
        let call = super::tasks::run(
            &self.approvals,
            agent,
            def,
            &request,
            &context,
            &scope,
            &self.log_level,
            offer_task,
        );
        // The span names the tool on the agent's own logs (retries, timeouts, approvals).
        let span = tracing::info_span!("tool_call", tool = def.name);
        let result = self.gate.run(&scope.cancel, call).instrument(span).await;
        let elapsed_ms = started.elapsed().as_millis();
        match result {
            Ok(Reply::Response(response)) => {
                tracing::info!(
                    tool = def.name,
                    status = response.status(),
                    elapsed_ms,
                    "tool call done"
                );
                let links = page_links(def, &request, &response);
                Ok(provider_result(def, &response, &links).into())
            }
            Ok(Reply::Task(task)) => Ok(CallToolResponse::Task(task)),
            Err(error) => {
                tracing::info!(tool = def.name, kind = ?error.kind(), %error, elapsed_ms, "tool call failed");
                Ok(tool_error(error.tool_message()).into())
            }
        }
    }

    /// A task id of this deployment and caller, naming one of this server's tools.
    fn open_task(
        &self,
        text: &str,
        context: &RequestContext<RoleServer>,
    ) -> Result<(&Agent, &'static ToolDef, TaskId), ErrorData> {
        let (agent, id) = super::tasks::open(self.agent.as_ref(), text, context)?;
        let Some(&index) = self.by_name.get(id.tool.as_str()) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "Failed to retrieve task: it belongs to tool `{}`, which this server does not serve",
                    id.tool
                ),
                None,
            ));
        };
        Ok((agent, self.tools[index].def, id))
    }
}

impl ServerHandler for Server {
    #[allow(deprecated)] // enable_logging: see `set_level`.
    fn get_info(&self) -> ServerConfig {
        // Logging: approval links also go out as log messages (see `notify.rs`).
        // Tasks: a call held for a human approval can answer at once (`tasks.rs`).
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_logging()
                .enable_tasks()
                .build(),
        )
        .with_server_info(Implementation::new(&self.name, &self.version))
        .with_instructions(self.instructions.clone())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(
            self.tools.iter().map(|e| e.tool.clone()).collect(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let mut meta = context.meta.0.0.clone();
        if let Some(own) = &request.meta {
            meta.extend(own.0.0.clone());
        }
        let scope = CallScope {
            trace: crate::alter::trace::from_meta(&meta),
            cancel: context.ct.clone(),
            client: Some(Client {
                progress_token: context.meta.get_progress_token(),
                peer: context.peer.clone(),
            }),
            user_token: crate::http_gate::user_token(&context),
        };
        let offer_task = super::tasks::offered(&context);
        self.respond(&request.name, request.arguments, scope, offer_task)
            .await
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, ErrorData> {
        let (agent, def, id) = self.open_task(&request.task_id, &context)?;
        let work = async { Ok(super::tasks::get(agent, def, &request.task_id, &id).await) };
        self.gate
            .run(&context.ct, work)
            .await
            .map_err(|error| ErrorData::internal_error(error.tool_message(), None))
    }

    /// Acknowledged once the id checks out; nothing on the server waits for a task, and
    /// Alter's approval stays open (see `tasks.rs`).
    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let (_, def, id) = self.open_task(&request.task_id, &context)?;
        tracing::info!(tool = def.name, approval = %id.approval_id, "tasks/cancel: the client stops following this approval; it stays open in Alter");
        Ok(())
    }

    /// No task of this server asks for input, so there is never a response to take.
    async fn update_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.open_task(&request.task_id, &context).map(|_| ())
    }

    // MCP logging is deprecated by SEP-2577; clients of the 2025-11-25 protocol still use it.
    #[allow(deprecated)]
    async fn set_level(
        &self,
        request: rmcp::model::SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.log_level.set(request.level);
        Ok(())
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let index = *self.by_name.get(name)?;
        Some(self.tools[index].tool.clone())
    }
}

fn missing_key() -> Error {
    Error::new(ErrorKind::MissingKey, format!("{KEY_ENV} is not set"))
}

/// The rmcp description of one tool, its schema parsed once.
fn rmcp_tool(def: &'static ToolDef) -> Result<Tool, Error> {
    let valid_name = (1..=64).contains(&def.name.len())
        && def
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid_name {
        return Err(Error::config(format!(
            "tool name {:?} must match ^[a-zA-Z0-9_-]{{1,64}}$",
            def.name
        )));
    }
    let schema = object_schema(def.name, "input_schema", def.input_schema)?;
    let output_schema = match def.output {
        Some(output) => Some(object_schema(def.name, "output schema", output.schema)?),
        None => None,
    };
    let a = def.annotations;
    let title = (!def.title.is_empty()).then(|| def.title.to_owned());
    let annotations = ToolAnnotations::from_raw(
        title.clone(),
        Some(a.read_only),
        Some(a.destructive),
        Some(a.idempotent),
        Some(a.open_world),
    );
    let description = (!def.description.is_empty()).then_some(Cow::Borrowed(def.description));
    let mut tool =
        Tool::new_with_raw(def.name, description, Arc::new(schema)).with_annotations(annotations);
    if let Some(title) = title {
        tool = tool.with_title(title);
    }
    if let Some(schema) = output_schema {
        tool = tool.with_raw_output_schema(Arc::new(schema));
    }
    Ok(tool)
}

/// A schema text that must be a JSON object with `"type": "object"` (MCP requires it of input
/// schemas, and clients of the 2025 protocol drop other output schemas).
fn object_schema(tool: &str, field: &str, text: &str) -> Result<JsonObject, Error> {
    let schema: Value = serde_json::from_str(text)
        .map_err(|e| Error::config(format!("tool `{tool}`: {field} is not JSON: {e}")))?;
    let Value::Object(schema) = schema else {
        return Err(Error::config(format!(
            "tool `{tool}`: {field} is not a JSON object"
        )));
    };
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        return Err(Error::config(format!(
            "tool `{tool}`: {field} must have \"type\": \"object\""
        )));
    }
    Ok(schema)
}

pub(crate) fn tool_error(text: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// The answer's `Link` headers, read against the URL the request went to (a relative next
/// link is relative to it), for tools with an output type; empty otherwise.
pub(crate) fn page_links(
    def: &ToolDef,
    request: &ProviderRequest,
    response: &ProviderResponse,
) -> PageLinks {
    if def.output.is_none() || response.header("link").is_none() {
        return PageLinks::default();
    }
    match crate::alter::retrieve::provider_url(request) {
        Ok(url) => PageLinks::new(response.headers(), &url),
        Err(_) => PageLinks::default(),
    }
}

/// A provider answer below 400 as a tool result; [`ResponseRule::OkField`] can still make it
/// an error (Slack's `200 {"ok": false, "error": "channel_not_found"}`).
pub(crate) fn provider_result(
    def: &ToolDef,
    response: &ProviderResponse,
    links: &PageLinks,
) -> CallToolResult {
    let text = body_text(def, response);
    if let ResponseRule::OkField {
        ok_field,
        error_field,
    } = def.response
        && let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(response.body())
        && body.get(ok_field) == Some(&Value::Bool(false))
    {
        let reason = body
            .get(error_field)
            .map(scalar_to_string)
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "unknown_error".to_owned());
        tracing::info!(tool = def.name, reason, "provider reported failure");
        let provider = display_name(def.provider);
        return tool_error(format!("{provider} error: {reason}\n{text}"));
    }
    match def.output {
        Some(output) => structured_result(def, output.read, response, links, text),
        None => CallToolResult::success(vec![ContentBlock::text(text)]),
    }
}

/// A successful answer of a tool with an output type: `structuredContent` plus the same JSON
/// as text (for clients that read only text). An empty body is `{}` (no output schema
/// requires a field at its root); an answer that is not JSON, or does not fit the type, is a
/// tool error that still carries the provider's text (`text`), never a result whose
/// structured content would break the schema.
pub(crate) fn structured_result(
    def: &ToolDef,
    output: OutputFn,
    response: &ProviderResponse,
    links: &PageLinks,
    text: String,
) -> CallToolResult {
    let provider = display_name(def.provider);
    if response.body().iter().all(u8::is_ascii_whitespace) {
        let mut result = CallToolResult::structured(Value::Object(Map::new()));
        result.content = vec![ContentBlock::text(text)];
        return result;
    }
    let answer = match serde_json::from_slice::<Value>(response.body()) {
        Ok(answer) => answer,
        Err(_) if response.is_truncated() => {
            // A cut answer cannot be structured output, and the MCP spec forbids a success
            // without it when the tool declares a schema: an error the model can act on,
            // with the part that arrived.
            tracing::info!(tool = def.name, "provider answer cut at the size limit");
            return tool_error(format!(
                "{provider}'s answer was larger than the response limit and was cut, so it \
                 cannot be returned as structured output. Narrow the request (fewer fields, a \
                 smaller page, a filter) and call again. The part that arrived:\n{text}"
            ));
        }
        Err(error) => {
            tracing::info!(tool = def.name, %error, "provider answer is not JSON");
            return tool_error(format!(
                "{provider} answered HTTP {} with a body that is not JSON ({error}); the tool \
                 promises structured output, so here is the answer as text:\n{text}",
                response.status()
            ));
        }
    };
    match output(answer, links) {
        Ok(structured) => {
            let mut result = CallToolResult::structured(structured);
            if response.is_truncated() {
                result.content.push(ContentBlock::text(
                    "[Alter truncated this response; narrow the request to see all of it.]",
                ));
            }
            result
        }
        Err(error) => {
            tracing::info!(tool = def.name, %error, "provider answer does not fit the output type");
            tool_error(format!(
                "{provider}'s answer does not fit the tool's output schema {error}. The \
                 provider's document may be out of date; the answer as text:\n{text}"
            ))
        }
    }
}

/// The provider body as the model should read it: the JSON text as returned.
fn body_text(def: &ToolDef, response: &ProviderResponse) -> String {
    let provider = display_name(def.provider);
    let mut text = match response.text() {
        Some("") => format!(
            "{provider} answered HTTP {} with an empty body.",
            response.status()
        ),
        Some(text) => text.to_owned(),
        None => format!(
            "{provider} answered HTTP {} with {} bytes of non-text data ({}).",
            response.status(),
            response.body().len(),
            response.header("content-type").unwrap_or("unknown type")
        ),
    };
    if response.is_truncated() {
        // The model reads this note: say where the cut is and how to get a smaller answer.
        text.push_str(&format!(
            "\n[…truncated at {} bytes (the response limit, {MAX_RESPONSE_ENV}); narrow the \
             request (fewer fields, smaller page). The text above is incomplete and may not \
             parse as JSON.]",
            response.body().len()
        ));
    }
    text
}

/// Serves `server` over stdin/stdout until the client closes the connection.
pub async fn serve_stdio(server: Server) -> std::io::Result<()> {
    let running = server
        .serve(crate::stdio::streams())
        .await
        .map_err(|e| std::io::Error::other(format!("MCP initialization failed: {e}")))?;
    let reason = running.waiting().await.map_err(std::io::Error::other)?;
    tracing::info!(?reason, "MCP session ended");
    Ok(())
}

/// The whole `main` of a tool server binary: logs to stderr without ever blocking on it
/// (filter from `ALTER_MCP_LOG`, default `info,rmcp=warn`; see `logging.rs`), reads the agent from the environment (see [`Agent::from_env`]; without a
/// key the server still starts and lists its tools, and each call explains how to set
/// `ALTER_MCP_AGENT_KEY`), then serves stdio until the client closes it, or with `--http ADDR`
/// (or `ALTER_MCP_HTTP`) serves streamable HTTP until SIGTERM/SIGINT. `--help` and
/// `--version` print and exit; any other argument is refused (exit 2).
pub fn run(name: &str, tool_sets: &[&'static [ToolDef]]) -> ExitCode {
    let http = match crate::cli::parse(name, tool_sets, std::env::args().skip(1)) {
        crate::cli::Invocation::Exit(code) => return ExitCode::from(code),
        crate::cli::Invocation::Serve => None,
        crate::cli::Invocation::ServeHttp(options) => Some(options),
    };
    let logs = crate::logging::init();
    let code = serve(name, tool_sets, http);
    if let Some(logs) = logs {
        logs.finish();
    }
    code
}

fn serve(
    name: &str,
    tool_sets: &[&'static [ToolDef]],
    http: Option<crate::http_options::HttpOptions>,
) -> ExitCode {
    let server = match Server::new(name, tool_sets) {
        Ok(server) => server,
        Err(error) => {
            tracing::error!(%error, "the tool set is invalid; not starting");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match crate::threads::runtime(http.is_some()) {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "could not start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let server = with_agent_from_env(server);
        let server = match super::dry_run::from_env() {
            Ok(None) => server,
            Ok(Some(mode)) => {
                tracing::info!(
                    ?mode,
                    "dry run: tool calls answer with the request they would send, and send nothing"
                );
                server.with_dry_run(mode)
            }
            Err(error) => return Err(std::io::Error::other(error.to_string())),
        };
        tracing::info!(
            name,
            tools = server.tools.len(),
            http = http.is_some(),
            "serving MCP"
        );
        match http {
            None => serve_stdio(server).await,
            Some(options) => {
                crate::http::serve_http(server, options, crate::http::shutdown_signal()).await
            }
        }
    });
    // A blocking stdin read cannot be cancelled; do not wait for it forever.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "MCP server stopped");
            ExitCode::FAILURE
        }
    }
}

fn with_agent_from_env(server: Server) -> Server {
    match Agent::from_env() {
        Ok(agent) => {
            tracing::info!(base_url = agent.base_url(), mode = ?agent.mode(), "Alter agent ready");
            server.with_agent(agent)
        }
        Err(error) => {
            tracing::warn!(%error, "no usable Alter agent; tools are listed, calls will explain the fix");
            server.with_agent_error(error)
        }
    }
}

#[cfg(test)]
mod tests;
