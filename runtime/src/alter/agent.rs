//! The Alter agent client: configuration (§1) and signed `/sdk/*` calls (§2); what is checked
//! before anything is sent lives in `preflight.rs`, proxy mode (§4) in `proxy.rs`, retrieve
//! mode (§3) in `retrieve.rs`.
//!
//! Invariants:
//! - The agent keeps the key only as the derived signing key and a sensitive `x-api-key`
//!   header value; `Debug` shows neither.
//! - No redirects. Retries only where `retry.rs` says they are safe, each one signed afresh;
//!   every attempt bounded by the timeouts of [`Limits`] and its answer read up to a size cap.
//! - Every call carries `X-Alter-Context`, bound into the V2 signature.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::cap;
use super::context::AuditContext;
use super::error::{Error, ErrorKind};
use super::key::{AgentKey, TaskKey};
use super::limits::Limits;
use super::response::ProviderResponse;
use super::retry::{self, Outcome, is_transient_status};
use super::signing::{Identity, SignInput, SigningKey, new_nonce, sign};
use super::user_token::UserToken;
use crate::env::KEY_ENV;
use crate::request::ProviderRequest;

use crate::env::{BASE_URL_ENV, MODE_ENV};
/// The production Alter backend.
pub const DEFAULT_BASE_URL: &str = "https://backend.alterauth.com";
/// The default timeout of one HTTP attempt (connect, send, and read the answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const USER_AGENT: &str = concat!("alter-mcp-rust/", env!("CARGO_PKG_VERSION"));

/// How a provider call travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// `POST /sdk/proxy`: Alter injects the credential, calls the provider, enforces policy
    /// and human approvals, and writes the audit row. The default.
    #[default]
    Proxy,
    /// `POST /sdk/token`, then this process calls the provider and posts the audit row.
    Retrieve,
}

impl std::str::FromStr for Mode {
    type Err = Error;

    fn from_str(text: &str) -> Result<Mode, Error> {
        match text.trim().to_ascii_lowercase().as_str() {
            "proxy" => Ok(Mode::Proxy),
            "retrieve" => Ok(Mode::Retrieve),
            _ => Err(Error::config(format!(
                "{MODE_ENV} must be `proxy` or `retrieve`, not {:?}",
                super::error::truncate(text, 40)
            ))),
        }
    }
}

/// An Alter agent: holds the agent key and calls providers through Alter.
///
/// Cheap to clone (shared inside). Configured from the environment by [`Agent::from_env`]:
/// - `ALTER_MCP_AGENT_KEY` (required): the agent's key;
/// - `ALTER_BASE_URL` (default `https://backend.alterauth.com`): https, or http only for
///   `localhost`, `127.0.0.1` and `::1`; no credentials, query or fragment;
/// - `ALTER_MCP_MODE` (default `proxy`): `proxy` or `retrieve`.
#[derive(Clone)]
pub struct Agent {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) signing: SigningKey,
    /// Authenticates the ids of approvals held as MCP tasks (`mcp/task_id.rs`).
    pub(crate) task_key: TaskKey,
    pub(crate) api_key: HeaderValue,
    pub(crate) base_url: String,
    pub(crate) mode: Mode,
    pub(crate) limits: Limits,
    pub(crate) http: reqwest::Client,
    pub(crate) rng: SystemRandom,
}

/// A backend answer, read up to [`Limits::max_envelope_bytes`].
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The answer was longer than the cap and `body` holds only its start.
    pub truncated: bool,
}

impl Agent {
    /// Reads the agent from `ALTER_MCP_AGENT_KEY`, `ALTER_BASE_URL` and `ALTER_MCP_MODE`.
    /// An unset or blank key is [`ErrorKind::MissingKey`]; surrounding whitespace is ignored.
    pub fn from_env() -> Result<Agent, Error> {
        Agent::from_lookup(|name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(Error::config(format!("{name} is not valid UTF-8")))
            }
        })
    }

    /// [`Agent::from_env`] over any variable source, so it can be tested without touching the
    /// process environment.
    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Result<Option<String>, Error>,
    ) -> Result<Agent, Error> {
        let key = lookup(KEY_ENV)?.unwrap_or_default();
        if key.trim().is_empty() {
            return Err(Error::new(
                ErrorKind::MissingKey,
                format!("{KEY_ENV} is not set"),
            ));
        }
        let key = AgentKey::new(key.trim())
            .map_err(|e| Error::config(format!("{KEY_ENV}: {}", e.message())))?;
        let mut builder = Agent::builder(key);
        if let Some(url) = lookup(BASE_URL_ENV)? {
            builder = builder.base_url(url);
        }
        if let Some(mode) = lookup(MODE_ENV)?.filter(|m| !m.trim().is_empty()) {
            builder = builder.mode(mode.parse()?);
        }
        builder.limits(Limits::from_lookup(&lookup)?).build()
    }

    /// A builder with the defaults: production base URL, 30 s timeout, proxy mode.
    pub fn builder(key: AgentKey) -> AgentBuilder {
        AgentBuilder {
            key,
            base_url: DEFAULT_BASE_URL.to_owned(),
            limits: Limits::default(),
            mode: Mode::default(),
        }
    }

    /// The backend URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// How provider calls travel.
    pub fn mode(&self) -> Mode {
        self.inner.mode
    }

    /// The timeout of one HTTP attempt.
    pub fn timeout(&self) -> Duration {
        self.inner.limits.timeout
    }

    /// Timeouts, retries, concurrency and response size.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Calls the provider through Alter with the grant of `provider` (an Alter provider id)
    /// and returns its answer. A provider status of 400 or more is an error
    /// ([`ErrorKind::Provider`] and friends); so is a call waiting for human approval
    /// ([`ErrorKind::ApprovalPending`]). `context` goes to the audit row (`X-Alter-Context`).
    pub async fn request(
        &self,
        provider: &str,
        request: &ProviderRequest,
        context: &AuditContext,
    ) -> Result<ProviderResponse, Error> {
        self.request_as(provider, request, context, None).await
    }

    /// [`Agent::request`] on behalf of an end user: `user` goes to Alter as `user_token`
    /// (protocol §9) and picks which user's delegated grant is used.
    pub async fn request_as(
        &self,
        provider: &str,
        request: &ProviderRequest,
        context: &AuditContext,
        user: Option<&UserToken>,
    ) -> Result<ProviderResponse, Error> {
        self.request_in(self.inner.mode, provider, request, context, user)
            .await
    }

    /// [`Agent::request_as`] in `mode` instead of the configured one. An empty `context` means
    /// the ambient one, from the enclosing [`crate::Trace::scope`].
    pub async fn request_in(
        &self,
        mode: Mode,
        provider: &str,
        request: &ProviderRequest,
        context: &AuditContext,
        user: Option<&UserToken>,
    ) -> Result<ProviderResponse, Error> {
        let ambient;
        let context = if context.is_empty() {
            ambient = super::trace::current();
            &ambient
        } else {
            context
        };
        self.dispatch(mode, provider, request, context, user)
            .await
            .map_err(|e| e.with_provider(provider))
    }

    async fn dispatch(
        &self,
        mode: Mode,
        provider: &str,
        request: &ProviderRequest,
        context: &AuditContext,
        user: Option<&UserToken>,
    ) -> Result<ProviderResponse, Error> {
        super::preflight::preflight(mode, request)?;
        let context_header = context.to_header()?;
        tracing::debug!(provider, method = %request.method(), url = request.url(), ?mode, "calling provider");
        match mode {
            Mode::Proxy => {
                let header = context_header.as_deref();
                super::proxy::call(self, provider, request, header, user).await
            }
            Mode::Retrieve => {
                let header = context_header.as_deref();
                super::retrieve::call(self, provider, request, context, header, user).await
            }
        }
    }

    /// `POST <base><path>` with a JSON body, signed; returns the answer whatever its status.
    pub(crate) async fn post(
        &self,
        path: &str,
        body: Vec<u8>,
        context: Option<&str>,
    ) -> Result<Answer, Error> {
        self.post_attempt(path, body, context).await.result
    }

    /// One signed `POST`, as a retry attempt: 429, 503 and a connection that never opened
    /// are transient. Each call signs afresh (new nonce and timestamp).
    pub(crate) async fn post_attempt(
        &self,
        path: &str,
        body: Vec<u8>,
        context: Option<&str>,
    ) -> Outcome<Answer> {
        let inner = &self.inner;
        let headers = match self.signed_headers(path, &body, context) {
            Ok(headers) => headers,
            Err(error) => return Outcome::done(Err(error)),
        };
        let url = format!("{}{path}", inner.base_url);
        let endpoint = || format!("the Alter backend at {}", inner.base_url);
        let sent = inner.http.post(url).headers(headers).body(body).send();
        let response = match sent.await {
            Ok(response) => response,
            Err(error) if error.is_connect() => {
                return Outcome::transient(Err(transport_error(error, &endpoint())), None);
            }
            Err(error) => return Outcome::done(Err(transport_error(error, &endpoint()))),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let (body, truncated) =
            match cap::read_capped(response, inner.limits.max_envelope_bytes()).await {
                Ok(read) => read,
                Err(error) => return Outcome::done(Err(transport_error(error, &endpoint()))),
            };
        let answer = Answer {
            status,
            body,
            truncated,
            headers,
        };
        if is_transient_status(status) {
            let after = retry::retry_after(&answer.headers, SystemTime::now());
            return Outcome::transient(Ok(answer), after);
        }
        Outcome::done(Ok(answer))
    }

    /// The `x-api-key`, signature and context headers of one `POST path` with `body`.
    fn signed_headers(
        &self,
        path: &str,
        body: &[u8],
        context: Option<&str>,
    ) -> Result<HeaderMap, Error> {
        let inner = &self.inner;
        let nonce = new_nonce(&inner.rng)?;
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let identity = Identity {
            context,
            ..Identity::default()
        };
        let signed = sign(
            &inner.signing,
            &SignInput {
                method: "POST",
                target: path,
                body,
                timestamp,
                nonce: &nonce,
                identity,
            },
        );
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", inner.api_key.clone());
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let mut put = |name: &'static str, value: &str| {
            // Every value here is ASCII hex, digits, or the ASCII-only context.
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        };
        put("x-alter-timestamp", &signed.timestamp);
        put("x-alter-nonce", &signed.nonce);
        put("x-alter-content-sha256", &signed.content_sha256);
        put("x-alter-signature", &signed.signature);
        if signed.v2 {
            put("x-alter-signature-v2", &signed.signature);
        }
        if let Some(context) = context {
            put("x-alter-context", context);
        }
        Ok(headers)
    }
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("base_url", &self.inner.base_url)
            .field("mode", &self.inner.mode)
            .field("limits", &self.inner.limits)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Builds an [`Agent`]; see [`Agent::builder`].
#[derive(Debug)]
pub struct AgentBuilder {
    key: AgentKey,
    base_url: String,
    limits: Limits,
    mode: Mode,
}

impl AgentBuilder {
    /// The backend URL (checked by [`AgentBuilder::build`]).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The timeout of one HTTP attempt (default 30 s); the read timeout follows when it is
    /// longer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = timeout;
        self.limits.read_timeout = self.limits.read_timeout.min(timeout);
        self
    }

    /// Timeouts, retries, concurrency and response size (default [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Proxy (default) or retrieve mode.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Checks the base URL and builds the HTTP client.
    pub fn build(self) -> Result<Agent, Error> {
        let base_url = validate_base_url(&self.base_url)?;
        let mut api_key = HeaderValue::from_str(self.key.expose())
            .map_err(|_| Error::config("the agent key is not a valid header value"))?;
        api_key.set_sensitive(true);
        Ok(Agent {
            inner: Arc::new(Inner {
                signing: SigningKey::derive(&self.key),
                task_key: TaskKey::derive(&self.key),
                api_key,
                base_url,
                mode: self.mode,
                http: http_client(&self.limits)?,
                limits: self.limits,
                rng: SystemRandom::new(),
            }),
        })
    }
}

/// One HTTP client for backend and provider calls: rustls on aws-lc-rs (post-quantum key
/// exchange preferred), no redirects; connect, read and whole-attempt timeouts. No process-wide
/// crypto provider is installed: reqwest uses the application's, if it set one, else aws-lc-rs.
fn http_client(limits: &Limits) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(limits.connect_timeout)
        .read_timeout(limits.read_timeout)
        .timeout(limits.timeout)
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| Error::config(format!("could not build the HTTP client: {e}")))
}

/// §1: http(s) only, http only to loopback, no userinfo, query or fragment; trailing `/`s cut.
pub(crate) fn validate_base_url(raw: &str) -> Result<String, Error> {
    let bad = |why: &str| Error::config(format!("{BASE_URL_ENV} {why} (got {raw:?})"));
    let trimmed = raw.trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(bad("must be a non-empty URL"));
    }
    if trimmed.contains(['?', '#']) {
        return Err(bad("must not include a query or fragment"));
    }
    let url = reqwest::Url::parse(trimmed).map_err(|e| bad(&format!("is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad("must be an http or https URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!(
            "{BASE_URL_ENV} must not include credentials"
        )));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(bad(
            "must use https:// (http:// is allowed only for localhost, 127.0.0.1 and ::1)",
        ));
    }
    Ok(trimmed.to_owned())
}

/// The three loopback host names the SDK accepts for plain http.
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    // The URL parser normalizes hosts: domains lower-case, `127.1` → `127.0.0.1`,
    // IPv6 compressed and bracketed.
    matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
}

/// A reqwest failure as [`ErrorKind::Timeout`] or [`ErrorKind::Network`], naming `endpoint`.
pub(crate) fn transport_error(error: reqwest::Error, endpoint: &str) -> Error {
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Network
    };
    // The chain of causes says what failed ("tcp connect error: Connection refused").
    let mut parts = Vec::new();
    let connect = error.is_connect();
    let error = error.without_url();
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p: &String| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    Error::new(kind, parts.join(": "))
        .with_endpoint(endpoint)
        .with_maybe_sent(!connect)
}

#[cfg(test)]
mod tests;
