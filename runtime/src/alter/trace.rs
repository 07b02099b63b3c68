//! Trace scopes (protocol §5): the equivalent of the SDK's `agent.trace(run_id=..., ...)`. A
//! [`Trace`] adds fields (run id, thread id, agent, custom tags) to the audit context
//! (`X-Alter-Context`) of every request made inside it, and scopes nest as the SDK's do.
//!
//! Also here: the audit context of one tool call ([`for_call`]), made of the ambient scope,
//! the fields the MCP request carries in its `_meta` ([`from_meta`]) and where the tool came
//! from ([`CallOrigin`]: `tool`, `provider`, `operation`, `spec`).
//!
//! Invariant: a tool call never fails because of its audit context. Values the server takes
//! from a request are cut to the protocol's bounds, and custom tags that do not fit are
//! dropped (with a warning in the log). Code that builds a [`Trace`] gets an error from
//! [`Trace::tag`] instead, before anything is sent, as the SDK raises.

use std::future::Future;

use serde_json::{Map, Value};

use super::context::{AuditContext, MAX_JSON_CHARS, MAX_KEY_CHARS, MAX_KEYS, MAX_VALUE_CHARS};
use super::error::Error;

/// Keys the SDK and its framework bridges own; [`Trace::tag`] refuses them.
pub const RESERVED_KEYS: [&str; 7] = [
    "agent",
    "parent_agent",
    "run_id",
    "thread_id",
    "tool",
    "tool_call_id",
    "framework",
];

/// Keys the server sets for every tool call; tags cannot replace them.
const ORIGIN_KEYS: [&str; 4] = ["provider", "operation", "spec", "parent_tool"];

/// `_meta` keys of a `tools/call` request the server reads (see the README).
/// The run id: one agent run, sent as `run_id` in the audit context.
pub const META_RUN_ID: &str = "alter/run_id";
/// The conversation or thread the call belongs to, sent as `thread_id`.
pub const META_THREAD_ID: &str = "alter/thread_id";
/// Accepted as the thread id when [`META_THREAD_ID`] is absent.
pub const META_CONVERSATION_ID: &str = "alter/conversation_id";
/// The model's id for this tool call, sent as `tool_call_id`.
pub const META_TOOL_CALL_ID: &str = "alter/tool_call_id";
/// An object of custom tags (`{"team": "qa"}`); string, number and boolean values.
pub const META_TAGS: &str = "alter/tags";

tokio::task_local! {
    static CURRENT: AuditContext;
}

/// The audit context of the innermost [`Trace::scope`] around the caller, or an empty one.
pub fn current() -> AuditContext {
    CURRENT.try_with(Clone::clone).unwrap_or_default()
}

/// What a scope does to `parent_agent`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Parent {
    /// A different outer agent becomes the parent; the same agent keeps the outer parent.
    #[default]
    Derive,
    Set(String),
    Clear,
}

/// One trace scope's fields. Build it, then run code inside it with [`Trace::scope`]:
///
/// ```
/// # async fn demo() -> Result<(), alter_mcp_runtime::Error> {
/// use alter_mcp_runtime::Trace;
/// let trace = Trace::new().run_id("run-42").thread_id("thread-7").tag("team", "qa")?;
/// trace.scope(async {
///     // every Alter request made here carries run_id, thread_id and team
/// }).await;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    run_id: Option<String>,
    thread_id: Option<String>,
    agent: Option<String>,
    parent: Parent,
    tool: Option<String>,
    tool_call_id: Option<String>,
    tags: Vec<(String, String)>,
}

impl Trace {
    /// A scope that adds nothing of its own (it inherits the outer scope's fields).
    pub fn new() -> Trace {
        Trace::default()
    }

    /// The run id; inherited from the outer scope when not set.
    pub fn run_id(mut self, id: impl Into<String>) -> Trace {
        self.run_id = Some(id.into());
        self
    }

    /// The thread (conversation) id; inherited from the outer scope when not set.
    pub fn thread_id(mut self, id: impl Into<String>) -> Trace {
        self.thread_id = Some(id.into());
        self
    }

    /// The agent acting in this scope. A different outer agent becomes `parent_agent`.
    pub fn agent(mut self, agent: impl Into<String>) -> Trace {
        self.agent = Some(agent.into());
        self
    }

    /// Overrides `parent_agent`: `Some(name)` sets it, `None` or `""` clears it.
    pub fn parent(mut self, parent: Option<&str>) -> Trace {
        self.parent = match parent {
            Some(name) if !name.is_empty() => Parent::Set(name.to_owned()),
            _ => Parent::Clear,
        };
        self
    }

    /// The tool running in this scope. A different outer tool becomes `parent_tool`.
    pub fn tool(mut self, tool: impl Into<String>) -> Trace {
        self.tool = Some(tool.into());
        self
    }

    /// The id the model's framework gave this tool call.
    pub fn tool_call_id(mut self, id: impl Into<String>) -> Trace {
        self.tool_call_id = Some(id.into());
        self
    }

    /// Adds a custom tag. Fails on a reserved key ([`RESERVED_KEYS`]) or a key or value over
    /// the protocol's bounds (64 and 512 bytes, 20 tags, 4096 bytes in all), as the SDK does.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Result<Trace, Error> {
        let (key, value) = (key.into(), value.into());
        let shown = format!("{:?}", super::error::truncate(&key, 64));
        let bad = |why: String| Err(Error::invalid_request(format!("trace tag {shown}: {why}")));
        if RESERVED_KEYS.contains(&key.as_str()) {
            return bad("the key is reserved; use the Trace method of that name".into());
        }
        if key.is_empty() || key.len() > MAX_KEY_CHARS {
            return bad(format!("a key has 1 to {MAX_KEY_CHARS} bytes"));
        }
        if value.len() > MAX_VALUE_CHARS {
            return bad(format!(
                "the value has {} bytes; the limit is {MAX_VALUE_CHARS}",
                value.len()
            ));
        }
        self.tags.retain(|(k, _)| *k != key);
        self.tags.push((key, value));
        let total: usize = self.tags.iter().map(|(k, v)| k.len() + v.len()).sum();
        if self.tags.len() > MAX_KEYS || total > MAX_JSON_CHARS {
            return bad(format!(
                "a scope holds at most {MAX_KEYS} tags and {MAX_JSON_CHARS} bytes of them"
            ));
        }
        Ok(self)
    }

    /// The context of this scope inside `outer` (protocol §5 nesting rules).
    pub fn nest(&self, outer: &AuditContext) -> AuditContext {
        let mut context = AuditContext::new();
        let mut put = |key: &str, value: Option<&str>| {
            if let Some(value) = value {
                context.insert(key, value);
            }
        };
        let tool = self.tool.as_deref().or(outer.get("tool"));
        put("tool", tool);
        let parent_tool = match (&self.tool, outer.get("tool")) {
            (Some(inner), Some(outer_tool)) if inner != outer_tool => Some(outer_tool),
            _ => outer.get("parent_tool"),
        };
        put("parent_tool", parent_tool);
        // A new tool's call id is not the outer tool's.
        let tool_call_id = match (&self.tool_call_id, &self.tool) {
            (Some(id), _) => Some(id.as_str()),
            (None, Some(_)) => None,
            (None, None) => outer.get("tool_call_id"),
        };
        put("tool_call_id", tool_call_id);
        let agent = self.agent.as_deref().or(outer.get("agent"));
        put("agent", agent);
        let parent_agent = match (&self.parent, &self.agent, outer.get("agent")) {
            (Parent::Set(name), _, _) => Some(name.as_str()),
            (Parent::Clear, _, _) => None,
            (Parent::Derive, Some(inner), Some(outer_agent)) if inner != outer_agent => {
                Some(outer_agent)
            }
            (Parent::Derive, _, _) => outer.get("parent_agent"),
        };
        put("parent_agent", parent_agent);
        put("run_id", self.run_id.as_deref().or(outer.get("run_id")));
        put(
            "thread_id",
            self.thread_id.as_deref().or(outer.get("thread_id")),
        );
        put("framework", outer.get("framework"));
        for (key, value) in outer.iter() {
            if !RESERVED_KEYS.contains(&key) && key != "parent_tool" {
                context.insert(key, value);
            }
        }
        for (key, value) in &self.tags {
            context.insert(key.as_str(), value.as_str());
        }
        context
    }

    /// Runs `future` with this scope (nested in the current one) as the ambient context:
    /// every Alter request made inside it carries these fields.
    pub async fn scope<F: Future>(&self, future: F) -> F::Output {
        CURRENT.scope(self.nest(&current()), future).await
    }
}

/// The trace fields an MCP `tools/call` request carries in its `_meta` (see the `META_*`
/// keys), as a context of `run_id`, `thread_id`, `tool_call_id` and custom tags. Values that
/// are not text are skipped; over-long ones are cut (see the module invariant).
pub fn from_meta(meta: &Map<String, Value>) -> AuditContext {
    let mut context = AuditContext::new();
    let text = |key: &str| meta.get(key).and_then(scalar).filter(|v| !v.is_empty());
    let thread = text(META_THREAD_ID).or_else(|| text(META_CONVERSATION_ID));
    for (key, value) in [
        ("run_id", text(META_RUN_ID)),
        ("thread_id", thread),
        ("tool_call_id", text(META_TOOL_CALL_ID)),
    ] {
        if let Some(value) = value {
            context.insert(key, cut(&value));
        }
    }
    if let Some(Value::Object(tags)) = meta.get(META_TAGS) {
        for (key, value) in tags {
            let usable = !RESERVED_KEYS.contains(&key.as_str())
                && !ORIGIN_KEYS.contains(&key.as_str())
                && !key.is_empty()
                && key.chars().count() <= MAX_KEY_CHARS;
            match scalar(value) {
                Some(value) if usable => {
                    context.insert(key.as_str(), cut(&value));
                }
                _ => {
                    tracing::warn!(key = %super::error::truncate(key, 64), "audit tag from _meta skipped: reserved, too long or not text")
                }
            }
        }
    }
    context
}

/// Where one tool call comes from, as its audit row names it first. A `&ToolDef` converts
/// into one (`From`), so [`for_call`] takes a generated tool's definition as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallOrigin<'a> {
    /// The tool's name (`tool`).
    pub tool: &'a str,
    /// The Alter provider id (`provider`).
    pub provider: &'a str,
    /// The operation in the provider's document (`operation`).
    pub operation: &'a str,
    /// The hash of the document the tool came from (`spec`); empty: not sent.
    pub spec: &'a str,
}

/// The audit context of one call from `origin`: `tool`, `provider`, `operation` and `spec`
/// first, then the ambient scope's and the request's fields (`request`, from [`from_meta`]),
/// within the protocol's bounds.
pub fn for_call<'a>(origin: impl Into<CallOrigin<'a>>, request: &AuditContext) -> AuditContext {
    let origin = origin.into();
    let mut trace = Trace::new().tool(origin.tool);
    trace.run_id = request.get("run_id").map(str::to_owned);
    trace.thread_id = request.get("thread_id").map(str::to_owned);
    trace.tool_call_id = request.get("tool_call_id").map(str::to_owned);
    trace.tags = request
        .iter()
        .filter(|(k, _)| !RESERVED_KEYS.contains(k) && !ORIGIN_KEYS.contains(k))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let nested = trace.nest(&current());
    let mut context = AuditContext::new();
    context
        .insert("tool", origin.tool)
        .insert("provider", origin.provider)
        .insert("operation", origin.operation);
    if !origin.spec.is_empty() {
        context.insert("spec", origin.spec);
    }
    for (key, value) in nested.iter() {
        if !matches!(key, "provider" | "operation" | "spec") {
            context.insert(key, value);
        }
    }
    fit(context)
}

/// Drops custom tags, last first, until the context is within the protocol's bounds.
fn fit(mut context: AuditContext) -> AuditContext {
    while context.to_header().is_err() {
        let last_tag = context
            .iter()
            .map(|(k, _)| k)
            .filter(|k| !RESERVED_KEYS.contains(k) && !ORIGIN_KEYS.contains(k))
            .last()
            .map(str::to_owned);
        let Some(key) = last_tag else { break };
        tracing::warn!(
            key,
            "audit tag dropped: the audit context is over its size limit"
        );
        context = context.iter().filter(|(k, _)| *k != key).fold(
            AuditContext::new(),
            |mut kept, (k, v)| {
                kept.insert(k, v);
                kept
            },
        );
    }
    context
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn cut(value: &str) -> String {
    value.chars().take(MAX_VALUE_CHARS).collect()
}

#[cfg(test)]
mod tests;
