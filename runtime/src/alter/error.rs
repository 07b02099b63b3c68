//! The one error type of the runtime: what went wrong in a tool call, whose move it is next
//! ([`Error::tool_message`]), and nothing secret.
//!
//! Invariant: no constructor here ever receives the agent key, so neither `Display`, `Debug`
//! nor [`Error::tool_message`] can show it. Backend and provider texts are carried as given
//! (they are the other side's words), bounded in length.

use std::fmt;

use super::wire::PendingApproval;

/// What kind of failure an [`Error`] is. Variants carry the facts a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No agent key is configured (`ALTER_MCP_AGENT_KEY` unset or empty).
    MissingKey,
    /// The configuration is invalid: key syntax, base URL, mode, or the tool set.
    Config,
    /// The request was refused locally before anything was sent (unfilled path parameter,
    /// reserved header, provider URL not https, audit context over its limits).
    InvalidRequest,
    /// The agent holds no delegation for the provider (404/409 `no_delegated_grant`).
    NoDelegatedGrant {
        /// The provider, as the backend named it.
        provider_id: Option<String>,
        /// The agent's id, for the Connect session that creates the delegation.
        agent_id: Option<String>,
    },
    /// No grant matched (any other 404).
    GrantNotFound {
        /// The provider, as the backend named it.
        provider_id: Option<String>,
    },
    /// The grant exists but can no longer be used: expired, revoked or deleted (403/410).
    GrantUnavailable,
    /// The grant lacks scopes the call needs; the user must reconnect the provider.
    ScopeReauthRequired,
    /// 401 `agent_revoked`.
    AgentRevoked,
    /// 401 `agent_inactive`: the agent is paused.
    AgentInactive,
    /// 401 `invalid_key`, `key_revoked`, `key_expired`, `key_rotated_grace_expired`,
    /// `key_not_active`; [`Error::code`] says which.
    KeyRejected,
    /// A 403 policy denial; `policy` is the backend's error code.
    PolicyDenied {
        /// The backend's error code, e.g. `time_window_denied`.
        policy: String,
    },
    /// 400/502 `*_requires_proxy`: this grant may only be used through `/sdk/proxy`.
    RequiresProxy,
    /// 429: `rate_limit_exceeded`, `quota_exceeded` (`quota: true`) or a non-JSON 429.
    RateLimited {
        /// Seconds to wait, from `Retry-After` or the body (clamped to 1 h, quotas 31 days).
        retry_after: Option<u64>,
        /// True for `quota_exceeded`.
        quota: bool,
    },
    /// The proxy call is waiting for a human approval (202). Alter runs it once approved.
    ApprovalPending(PendingApproval),
    /// `approval_denied`.
    ApprovalDenied,
    /// `approval_expired`.
    ApprovalExpired,
    /// `approval_execution_failed`.
    ApprovalFailed,
    /// The provider answered 401 to the credential Alter supplied.
    ProviderUnauthorized {
        /// The provider's HTTP status (401).
        status: u16,
    },
    /// The provider answered with an HTTP status of 400 or more.
    Provider {
        /// The provider's HTTP status.
        status: u16,
        /// The start of the provider's body, on one line (at most 500 characters).
        body_excerpt: String,
    },
    /// Any other error answer from the Alter backend; see [`Error::status`] and [`Error::code`].
    Backend,
    /// The backend answered something that does not follow the protocol.
    MalformedResponse,
    /// The request could not be sent or its answer not read.
    Network,
    /// The request did not finish within the agent's timeout.
    Timeout,
    /// The server already runs its maximum of tool calls and none finished in time.
    Busy,
    /// The client cancelled the call; its HTTP request was abandoned.
    Cancelled,
    /// 401 `jwt_validation_error`: Alter rejected the end user's identity token (the call's
    /// `user_token`, e.g. an HTTP request's bearer token); the user must sign in again.
    UserReauthRequired,
}

/// A failed tool call. Small, opaque and free of secrets (like `reqwest::Error`).
#[derive(Clone)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug, Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    code: Option<String>,
    hint: Option<String>,
    /// The Alter provider id of the call, for messages ("Google returned ...").
    provider: Option<String>,
    /// Where a network failure happened: the backend base URL or the provider's origin.
    endpoint: Option<String>,
    /// A transient failure's `Retry-After`, when the call gave up without waiting for it.
    retry_after: Option<std::time::Duration>,
    /// A transport failure after the request may have reached the other side (a timeout, a
    /// connection lost mid-answer): it may have run.
    maybe_sent: bool,
}

/// Longest backend or provider text kept in an error, in characters.
pub(crate) const MAX_TEXT: usize = 1000;

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: truncate(&message.into(), MAX_TEXT),
                status: None,
                code: None,
                hint: None,
                provider: None,
                endpoint: None,
                retry_after: None,
                maybe_sent: false,
            }),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidRequest, message)
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::MalformedResponse, message)
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_code(mut self, code: Option<String>) -> Self {
        self.inner.code = code;
        self
    }

    pub(crate) fn with_hint(mut self, hint: Option<String>) -> Self {
        self.inner.hint = hint.map(|h| truncate(&h, MAX_TEXT));
        self
    }

    /// Names the provider the call was for, unless a more specific one is already set.
    pub(crate) fn with_provider(mut self, provider: &str) -> Self {
        if self.inner.provider.is_none() {
            self.inner.provider = Some(provider.to_owned());
        }
        self
    }

    pub(crate) fn with_endpoint(mut self, endpoint: &str) -> Self {
        self.inner.endpoint = Some(endpoint.to_owned());
        self
    }

    pub(crate) fn with_maybe_sent(mut self, maybe_sent: bool) -> Self {
        self.inner.maybe_sent = maybe_sent;
        self
    }

    /// True when a transport failure happened after the request may have been received, so
    /// it may have run (a timeout, or a connection lost before the answer).
    pub fn maybe_sent(&self) -> bool {
        self.inner.maybe_sent
    }

    pub(crate) fn with_retry_after(mut self, after: std::time::Duration) -> Self {
        self.inner.retry_after = Some(after);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The HTTP status of the answer that caused the error (backend or provider), if any.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The backend's `error` code (`no_delegated_grant`, `agent_revoked`, ...), if any.
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The short explanation: the backend's `message`, or ours.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Text for the model and the user: what happened and what to do next.
    pub fn tool_message(&self) -> String {
        super::error_text::tool_message(self)
    }

    pub(crate) fn hint(&self) -> Option<&str> {
        self.inner.hint.as_deref()
    }

    pub(crate) fn provider(&self) -> Option<&str> {
        self.inner.provider.as_deref()
    }

    pub(crate) fn endpoint(&self) -> Option<&str> {
        self.inner.endpoint.as_deref()
    }

    /// When the other side said to retry (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.inner.retry_after
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)?;
        match (self.inner.status, &self.inner.code) {
            (Some(status), Some(code)) => write!(f, " (HTTP {status}, {code})"),
            (Some(status), None) => write!(f, " (HTTP {status})"),
            (None, Some(code)) => write!(f, " ({code})"),
            (None, None) => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every field is non-secret by construction (see the module invariant).
        self.inner.fmt(f)
    }
}

impl std::error::Error for Error {}

/// Cuts `text` to at most `max` characters, marking the cut with `…`.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_adds_status_and_code() {
        let error = Error::new(ErrorKind::Backend, "boom")
            .with_status(500)
            .with_code(Some("internal".into()));
        assert_eq!(error.to_string(), "boom (HTTP 500, internal)");
        assert_eq!(error.kind(), &ErrorKind::Backend);
        assert_eq!(error.code(), Some("internal"));
    }

    #[test]
    fn long_texts_are_cut() {
        let error = Error::new(ErrorKind::Backend, "x".repeat(5000));
        assert_eq!(error.message().chars().count(), MAX_TEXT + 1);
        assert_eq!(truncate("héllo", 2), "hé…");
        assert_eq!(truncate("hé", 2), "hé");
    }
}
