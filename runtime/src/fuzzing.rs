//! Entry points for the fuzz targets in `fuzz/` and their corpus replay (feature `fuzzing`,
//! off by default: the shipped server does not contain this module).
//!
//! Each function runs the code a real call runs, from where untrusted bytes enter: a model's
//! arguments ([`ToolCheck::call`]) and Alter's answers ([`answer`]). Nothing here does I/O.

use std::sync::OnceLock;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use rmcp::model::CallToolResult;
use serde_json::Value;

use crate::alter::agent::{Agent, Answer, Mode};
use crate::alter::context::AuditContext;
use crate::alter::error::Error;
use crate::alter::key::AgentKey;
use crate::alter::limits::Limits;
use crate::alter::mapping::{Endpoint, backend_error};
use crate::alter::preflight::preflight;
use crate::alter::proxy::proxy_body;
use crate::alter::response::ProviderResponse;
use crate::alter::wire::parse_token;
use crate::request::{EncodedBody, ProviderRequest};
use crate::tool::input_check::InputCheck;
use crate::tool::{ArgumentError, Arguments, ToolDef};

/// The response limit of the fuzzing agent: small, so cutting and salvaging are reached.
pub const MAX_RESPONSE_BYTES: usize = 256;

/// One tool with its input schema compiled, as `Server::new` does.
#[derive(Debug)]
pub struct ToolCheck {
    pub def: &'static ToolDef,
    check: InputCheck,
}

/// What a tool call would send, or why nothing is sent.
// One value per fuzz input, matched at once and dropped: boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Sent {
    /// The arguments were refused (by the schema or the typed input): nothing is sent.
    Refused(ArgumentError),
    /// The request was built.
    Built {
        request: ProviderRequest,
        /// `Ok(())` when the arguments meet the advertised input schema on their own.
        schema: Result<(), ArgumentError>,
        /// Proxy mode: the `/sdk/proxy` body, or the error that stops the call before sending.
        proxy: Result<Vec<u8>, Error>,
        /// Retrieve mode: the provider URL and body bytes, or the error before sending.
        retrieve: Result<(String, Option<EncodedBody>), Error>,
        /// The dry run's description in each mode (what `ALTER_MCP_DRY_RUN` answers).
        dry_runs: [CallToolResult; 2],
    },
}

impl ToolCheck {
    /// Compiles every tool's input schema; `Err` as `Server::new` would fail.
    pub fn all(tool_sets: &[&'static [ToolDef]]) -> Result<Vec<ToolCheck>, Error> {
        let mut tools = Vec::new();
        for def in tool_sets.iter().flat_map(|set| set.iter()) {
            let schema: Value = serde_json::from_str(def.input_schema)
                .map_err(|e| Error::config(format!("{}: {e}", def.name)))?;
            let check = InputCheck::compile(def.name, &schema)?;
            tools.push(ToolCheck { def, check });
        }
        Ok(tools)
    }

    /// A `tools/call` up to the bytes it would send: the schema check and `build` exactly as
    /// `Server::call`, then each mode's checks and encoding as the agent does them.
    pub fn call(&self, arguments: Arguments) -> Sent {
        let schema = self.check.check(&Value::Object(arguments.clone()));
        let request = match self.check.build(self.def.build, arguments) {
            Ok(request) => request,
            Err(error) => return Sent::Refused(error),
        };
        let proxy = preflight(Mode::Proxy, &request)
            .and_then(|()| proxy_body(self.def.provider, &request, None));
        let retrieve = preflight(Mode::Retrieve, &request).and_then(|()| {
            let url = crate::alter::retrieve::provider_url(&request)?;
            let body = request
                .encode_body("alter-mcp-fuzz")
                .map_err(Error::invalid_request)?;
            Ok((url.to_string(), body))
        });
        let context = crate::alter::trace::for_call(self.def, &AuditContext::new());
        let dry_run = |mode| crate::mcp::dry_run::result(self.def, &request, &context, mode, false);
        let dry_runs = [dry_run(Mode::Proxy), dry_run(Mode::Retrieve)];
        Sent::Built {
            schema,
            proxy,
            retrieve,
            dry_runs,
            request,
        }
    }
}

/// Which backend answer [`answer`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `POST /sdk/proxy` (§4): 202 pending, 2xx envelope, or an error.
    Proxy,
    /// The same, read past the size cap (the envelope was cut).
    ProxyCut,
    /// `POST /sdk/token` (§3): the token answer, or an error.
    Token,
    /// `GET /sdk/approvals/{id}` (§7): the status.
    Status,
    /// `GET /sdk/approvals/{id}/result` (§7).
    Result,
}

/// What an answer came to.
#[derive(Debug)]
pub enum Read {
    Response(ProviderResponse),
    /// A token answer that was read (the token itself is not shown).
    Token,
    /// An approval status, and its outcome when terminal.
    Status {
        executed_with_result: bool,
        outcome: Option<Result<ProviderResponse, Error>>,
    },
}

/// Reads one backend answer as the runtime does. Header pairs that are not valid HTTP header
/// names or values are dropped (they cannot arrive). Never panics (the fuzz targets hold this).
pub fn answer(
    kind: Kind,
    status: u16,
    headers: &[(&[u8], &[u8])],
    body: &[u8],
) -> Result<Read, Error> {
    let headers = header_map(headers);
    match kind {
        Kind::Proxy | Kind::ProxyCut => {
            let answer = Answer {
                status,
                headers,
                body: body.to_vec(),
                truncated: kind == Kind::ProxyCut,
            };
            crate::alter::proxy::answer(agent(), "google", answer, None)
                .result
                .map(Read::Response)
        }
        Kind::Token => match status {
            200..=299 => parse_token(body).map(|_| Read::Token),
            _ => Err(backend_error(Endpoint::Token, status, &headers, body)),
        },
        Kind::Status => {
            let status = crate::alter::poll::status_answer(status, body)?;
            Ok(Read::Status {
                executed_with_result: status.executed_with_result(),
                outcome: status.outcome(APPROVAL_ID),
            })
        }
        Kind::Result => {
            crate::alter::poll::result_answer("slack", status, &headers, body).map(Read::Response)
        }
    }
}

/// A provider answer below 400 as `def`'s tool result (`structuredContent` through its output
/// type, or text), with `Link` paging read against `request`'s URL, as `Server::call` does.
pub fn tool_result(
    def: &ToolDef,
    request: &ProviderRequest,
    response: &ProviderResponse,
) -> CallToolResult {
    let links = crate::mcp::results::page_links(def, request, response);
    crate::mcp::results::provider_result(def, response, &links)
}

fn header_map(pairs: &[(&[u8], &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
        {
            map.append(name, value);
        }
    }
    map
}

fn agent() -> &'static Agent {
    static AGENT: OnceLock<Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        let limits = Limits {
            max_response_bytes: MAX_RESPONSE_BYTES,
            ..Limits::default()
        };
        let key = AgentKey::new(format!("alter_key_{}", "f".repeat(40))).expect("a valid key");
        Agent::builder(key)
            .limits(limits)
            .build()
            .expect("the default base URL is valid")
    })
}

/// The approval id an answer is read for (the text of a denial names it).
const APPROVAL_ID: &str = "0b7c8f52-3c1e-4f7e-9a52-6f1d1c2a9e10";
