//! Backend error answers → [`Error`]: the pure function of (endpoint, status, headers, body)
//! that protocol §6.2 then §6.1 describe. No I/O, so the table in `mapping/tests.rs` covers it.
//!
//! Invariant: every non-2xx `/sdk/*` answer goes through [`backend_error`]; nothing else
//! interprets backend error bodies.

use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

use super::error::{Error, ErrorKind};

/// Which backend call answered; approval codes (§6.2) are checked only on the proxy path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Token,
    Proxy,
}

/// The `Retry-After` clamp for rate limits (1 hour) and quotas (31 days), as the SDK does.
const MAX_RATE_LIMIT_WAIT: u64 = 3600;
const MAX_QUOTA_WAIT: u64 = 2_678_400;

/// Maps a non-2xx backend answer to an [`Error`].
pub(crate) fn backend_error(
    endpoint: Endpoint,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Error {
    let Some(body) = ErrorBody::parse(body) else {
        return non_json(status, headers);
    };
    let code = body.string("error");
    if endpoint == Endpoint::Proxy {
        let approval = match code.as_deref() {
            Some("approval_denied") => Some((ErrorKind::ApprovalDenied, "The approval was denied")),
            Some("approval_expired") => Some((ErrorKind::ApprovalExpired, "The approval expired")),
            Some("approval_execution_failed") => Some((
                ErrorKind::ApprovalFailed,
                "The approved request failed when Alter ran it",
            )),
            _ => None,
        };
        if let Some((kind, default)) = approval {
            return body.error(kind, default, status, code);
        }
    }
    let (kind, default) = classify(status, code.as_deref(), &body, headers);
    body.error(kind, default, status, code)
}

/// The §6.1 table: (status, code) → kind and the default message.
fn classify(
    status: u16,
    code: Option<&str>,
    body: &ErrorBody,
    headers: &HeaderMap,
) -> (ErrorKind, &'static str) {
    use ErrorKind as K;
    match (status, code) {
        (404 | 409, Some("no_delegated_grant")) => (
            K::NoDelegatedGrant {
                provider_id: body.string("provider_id"),
                agent_id: body.string("agent_id"),
            },
            "The agent has no delegated grant for this provider",
        ),
        (403 | 400 | 502, _) => grant_refusal(status, code),
        (410, _) => (K::GrantUnavailable, "The grant was deleted"),
        (404, Some("caller_agent_unresolved" | "agent_not_found" | "secret_not_found")) => {
            (K::Backend, "Alter could not find the agent or secret")
        }
        (404, _) => (
            K::GrantNotFound {
                provider_id: body.string("provider_id"),
            },
            "No grant was found for this request",
        ),
        (401, _) => unauthorized(code),
        (429, Some("rate_limit_exceeded")) => (
            K::RateLimited {
                retry_after: retry_after(headers, body.field("retry_after"), MAX_RATE_LIMIT_WAIT),
                quota: false,
            },
            "Rate limit exceeded",
        ),
        (429, Some("quota_exceeded")) => (
            K::RateLimited {
                retry_after: retry_after(headers, body.field("retry_after"), MAX_QUOTA_WAIT),
                quota: true,
            },
            "Quota exceeded",
        ),
        _ => (K::Backend, "Alter returned an error"),
    }
}

/// 403, 400 and 502: the grant or a policy refused the call. Any other 403 code is a policy.
fn grant_refusal(status: u16, code: Option<&str>) -> (ErrorKind, &'static str) {
    use ErrorKind as K;
    match code {
        Some("insufficient_scope" | "scope_mismatch") if status == 403 => (
            K::ScopeReauthRequired,
            "The grant lacks scopes this call needs",
        ),
        Some("grant_expired" | "grant_revoked" | "credential_revoked") => {
            (K::GrantUnavailable, "The grant is no longer usable")
        }
        Some(c) if c.ends_with("_requires_proxy") || c.ends_with("_require_proxy") => (
            K::RequiresProxy,
            "This grant can only be used through the Alter proxy",
        ),
        _ if status == 403 => (
            K::PolicyDenied {
                policy: code.unwrap_or("forbidden").to_owned(),
            },
            "Alter policy denied this request",
        ),
        _ => (K::Backend, "Alter returned an error"),
    }
}

/// 401: the agent, its key, or the end user's identity token was refused.
fn unauthorized(code: Option<&str>) -> (ErrorKind, &'static str) {
    match code {
        Some("agent_revoked") => (ErrorKind::AgentRevoked, "The agent has been revoked"),
        Some("agent_inactive") => (ErrorKind::AgentInactive, "The agent is inactive"),
        Some("jwt_validation_error") => (
            ErrorKind::UserReauthRequired,
            "The end user's identity token was rejected",
        ),
        Some(
            "invalid_key"
            | "key_revoked"
            | "key_expired"
            | "key_rotated_grace_expired"
            | "key_not_active",
        ) => (ErrorKind::KeyRejected, "Alter rejected the agent key"),
        _ => (ErrorKind::Backend, "Unauthorized — check your API key"),
    }
}

/// A non-JSON error body: only a 429 means something beyond its status.
fn non_json(status: u16, headers: &HeaderMap) -> Error {
    let message = format!("Backend returned a non-JSON error (HTTP {status})");
    let kind = if status == 429 {
        ErrorKind::RateLimited {
            retry_after: retry_after(headers, None, MAX_RATE_LIMIT_WAIT),
            quota: false,
        }
    } else {
        ErrorKind::Backend
    };
    Error::new(kind, message).with_status(status)
}

/// The error object: `detail` when it is an object, otherwise the top level (§6.1).
struct ErrorBody {
    map: Map<String, Value>,
    /// FastAPI's `{"detail": "text"}` shape, used as the message when there is no other.
    detail_text: Option<String>,
}

impl ErrorBody {
    fn parse(body: &[u8]) -> Option<ErrorBody> {
        let Ok(Value::Object(mut top)) = serde_json::from_slice::<Value>(body) else {
            return None;
        };
        Some(match top.remove("detail") {
            Some(Value::Object(detail)) => ErrorBody {
                map: detail,
                detail_text: None,
            },
            Some(Value::String(text)) => ErrorBody {
                map: top,
                detail_text: Some(text),
            },
            Some(other) => {
                top.insert("detail".to_owned(), other);
                ErrorBody {
                    map: top,
                    detail_text: None,
                }
            }
            None => ErrorBody {
                map: top,
                detail_text: None,
            },
        })
    }

    /// A field of the error object, or of its nested `details` object (top level wins).
    fn field(&self, name: &str) -> Option<&Value> {
        self.map.get(name).or_else(|| {
            self.map
                .get("details")
                .and_then(Value::as_object)
                .and_then(|d| d.get(name))
        })
    }

    fn string(&self, name: &str) -> Option<String> {
        self.field(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    fn error(&self, kind: ErrorKind, default: &str, status: u16, code: Option<String>) -> Error {
        let message = self
            .string("message")
            .or_else(|| self.detail_text.clone())
            .unwrap_or_else(|| default.to_owned());
        Error::new(kind, message)
            .with_status(status)
            .with_code(code)
            .with_hint(self.string("hint"))
    }
}

/// Seconds to wait: the `Retry-After` header as ASCII digits first, else the body's
/// non-negative integer `retry_after`; both clamped to `max`.
fn retry_after(headers: &HeaderMap, body: Option<&Value>, max: u64) -> Option<u64> {
    let header = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    if let Some(digits) = header {
        let significant = digits.trim_start_matches('0');
        // More significant digits than the ceiling means "over the ceiling" without parsing.
        if significant.len() > max.to_string().len() {
            return Some(max);
        }
        return Some(significant.parse::<u64>().unwrap_or(0).min(max));
    }
    let seconds = match body? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        }),
        _ => None,
    }?;
    Some(seconds.min(max))
}

#[cfg(test)]
mod tests;
