//! The MCP server: a set of generated [`ToolDef`]s checked and indexed once at start-up, the
//! agent its calls go through (or why there is none), and how it is configured (approval wait,
//! dry run, version). Listing is `listing.rs`, a call `call.rs`, rmcp's requests `handler.rs`.
//!
//! Invariants:
//! - Only protocol faults (an unknown tool name; a task id that is foreign, changed or
//!   expired) are `ErrorData`; every failure the model or the user can act on (bad arguments,
//!   no key, Alter or provider errors) is a tool result with `isError: true`, and the server
//!   keeps running.
//! - Schemas are checked and input schemas compiled at start-up; a bad schema or a duplicate
//!   name stops start-up with an error, never a panic. Neither is held: `tools/list` parses
//!   the checked texts again, and a tool's validator is compiled again on its first call.
//! - Nothing is written to stdout except by rmcp's transport; logs go to stderr.
//! - At most `ALTER_MCP_MAX_CONCURRENT_CALLS` calls run at once, and a cancelled MCP request
//!   abandons its HTTP call (`gate.rs`).

use std::collections::{BTreeMap, BTreeSet};

use std::sync::{Arc, OnceLock};

use rmcp::model::Tool;
use serde_json::Value;

use super::approval::Approvals;
use super::gate::Gate;
use super::listing::rmcp_tool;
use super::notify::LogLevel;
use crate::alter::agent::{Agent, Mode};
use crate::alter::error::{Error, ErrorKind};
use crate::alter::error_text::display_name;
use crate::alter::limits::Limits;
use crate::env::KEY_ENV;
use crate::tool::input_check::InputCheck;
use crate::tool::{ArgumentError, ToolDef};

/// An MCP server over a fixed set of tools. Build with [`Server::new`], then serve with
/// [`serve_stdio`](crate::serve_stdio), [`serve_http`](crate::serve_http) or any rmcp
/// transport (`ServiceExt::serve`).
///
/// Its fields are shared within `mcp/`: `call.rs` runs calls with them, `handler.rs` answers
/// rmcp's requests.
#[derive(Debug)]
pub struct Server {
    pub(super) name: String,
    pub(super) version: String,
    pub(super) instructions: String,
    /// Tool-set order, then each set's own order: the allowlist order.
    pub(super) tools: Vec<Entry>,
    pub(super) by_name: BTreeMap<&'static str, usize>,
    /// The agent, or why there is none (reported by every tool call).
    pub(super) agent: Result<Agent, Error>,
    /// Bounds the calls in flight; sized by the agent's limits.
    pub(super) gate: Gate,
    /// How long calls wait for human approvals, and the approvals they stopped waiting for.
    pub(super) approvals: Approvals,
    /// The MCP log level the client asked for.
    pub(super) log_level: LogLevel,
    /// Dry run: calls answer with the request they would send, in this mode, and send nothing.
    pub(super) dry_run: Option<Mode>,
}

#[derive(Debug)]
pub(super) struct Entry {
    pub(super) def: &'static ToolDef,
    /// The input schema the tool advertises, compiled on the tool's first call: every call's
    /// arguments meet it. Start-up compiled it once already, to refuse a bad schema, and let
    /// it go: a session calls a few of the tools, and each validator holds tens of KB.
    check: OnceLock<Result<InputCheck, String>>,
}

impl Entry {
    /// The compiled input schema (compiled now, on the tool's first call).
    pub(super) fn input_check(&self) -> Result<&InputCheck, ArgumentError> {
        let compiled = self.check.get_or_init(|| {
            let schema = serde_json::from_str(self.def.input_schema).map_err(|e| e.to_string())?;
            InputCheck::compile(self.def.name, &schema).map_err(|e| e.to_string())
        });
        compiled.as_ref().map_err(|why| ArgumentError {
            field: None,
            message: format!("the tool's input schema cannot be used: {why}"),
        })
    }
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
            // The parsed schemas are not kept: `tools/list` (asked about once per session)
            // parses them again, which saves holding them all (0.8 MB for the shipped tools).
            let tool = rmcp_tool(def)?;
            let schema = Arc::unwrap_or_clone(tool.input_schema);
            InputCheck::compile(def.name, &Value::Object(schema))?;
            tools.push(Entry {
                def,
                check: OnceLock::new(),
            });
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
        self
    }

    /// What `tools/list` shows of `entry`: its description parsed from the texts checked at
    /// start-up, without an output schema in a dry run.
    pub(super) fn listed(&self, entry: &Entry) -> Result<Tool, Error> {
        let mut tool = rmcp_tool(entry.def)?;
        if self.dry_run.is_some() {
            tool.output_schema = None;
        }
        Ok(tool)
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
            Some(&index) => self.tools[index].input_check()?.check(arguments),
            None => Err(ArgumentError {
                field: None,
                message: format!("unknown tool `{tool}`"),
            }),
        }
    }

    /// How many tools it serves.
    pub(crate) fn tool_count(&self) -> usize {
        self.tools.len()
    }
}

fn missing_key() -> Error {
    Error::new(ErrorKind::MissingKey, format!("{KEY_ENV} is not set"))
}

#[cfg(test)]
mod tests;
