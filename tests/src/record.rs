//! What the backend saw: one [`Recorded`] per request, in arrival order, for tests to assert on.

use serde_json::{Map, Value};

/// Which backend endpoint a request addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /sdk/proxy`
    Proxy,
    /// `POST /sdk/token`
    Token,
    /// `POST /sdk/oauth/audit/api-call`
    Audit,
    /// `POST /sdk/oauth/connect/session`
    ConnectSession,
    /// `GET /sdk/approvals/{id}`
    ApprovalStatus,
    /// `GET /sdk/approvals/{id}/result`
    ApprovalResult,
    /// Anything else (answered 404 or 405).
    Other,
}

impl Endpoint {
    /// Classifies a request by method and path (without the query).
    pub fn classify(method: &str, path: &str) -> Endpoint {
        let approval = path.strip_prefix("/sdk/approvals/");
        match (method, path) {
            ("POST", "/sdk/proxy") => Endpoint::Proxy,
            ("POST", "/sdk/token") => Endpoint::Token,
            ("POST", "/sdk/oauth/audit/api-call") => Endpoint::Audit,
            ("POST", "/sdk/oauth/connect/session") => Endpoint::ConnectSession,
            ("GET", _) => match approval.map(|rest| rest.split('/').collect::<Vec<_>>()) {
                Some(parts) if parts.len() == 1 && !parts[0].is_empty() => Endpoint::ApprovalStatus,
                Some(parts) if parts.len() == 2 && parts[1] == "result" => Endpoint::ApprovalResult,
                _ => Endpoint::Other,
            },
            _ => Endpoint::Other,
        }
    }
}

/// One request as received, and how the backend answered it.
#[derive(Clone)]
pub struct Recorded {
    pub method: String,
    /// The path without the query.
    pub path: String,
    /// The raw query string (without `?`), empty when absent.
    pub query: String,
    pub endpoint: Endpoint,
    /// Header names in lower case, values as text, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body bytes exactly as received.
    pub body: Vec<u8>,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<Value>,
    /// True when key, timestamp, nonce, body hash and signature all checked out.
    pub verified: bool,
    /// The agent id of the key that signed it, when verified.
    pub agent_id: Option<String>,
    /// The HTTP status the backend answered.
    pub status: u16,
    /// The `error` code of the answer, when it was an error.
    pub error: Option<String>,
    /// True when the answer came from a scripted fault.
    pub faulted: bool,
}

impl std::fmt::Debug for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The agent key stays out of test output even though it is only a test key: code that
        // copies this pattern should not learn to print credentials.
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if name == "x-api-key" {
                    "<redacted>"
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("Recorded")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("endpoint", &self.endpoint)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("verified", &self.verified)
            .field("status", &self.status)
            .field("error", &self.error)
            .field("faulted", &self.faulted)
            .finish_non_exhaustive()
    }
}

impl Recorded {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, value)| value.as_str())
    }

    /// The parsed `X-Alter-Context` header, when sent and valid.
    pub fn context(&self) -> Option<Map<String, Value>> {
        match serde_json::from_str(self.header("x-alter-context")?) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        }
    }

    /// A value from the audit context (`context_value("tool")`).
    pub fn context_value(&self, key: &str) -> Option<String> {
        self.context()?.get(key)?.as_str().map(str::to_owned)
    }

    /// A top-level field of the JSON body.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.json.as_ref()?.get(name)
    }

    /// A top-level string field of the JSON body.
    pub fn str_field(&self, name: &str) -> Option<&str> {
        self.field(name)?.as_str()
    }

    /// The end user's identity token the request carried in its body (`user_token`, §9).
    pub fn user_token(&self) -> Option<&str> {
        self.str_field("user_token")
    }

    /// A `/sdk/proxy` query parameter as text (strings unquoted, numbers as written).
    pub fn query_param(&self, name: &str) -> Option<String> {
        match self.field("query_params")?.get(name)? {
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        }
    }
}
