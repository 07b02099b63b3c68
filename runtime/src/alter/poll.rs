//! The two approval endpoints (protocol §7): the status long-poll
//! `GET /sdk/approvals/{id}?wait=N` and `GET /sdk/approvals/{id}/result`, signed, with an empty
//! body and no audit context; and the status answer's meaning.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};

use super::agent::{Agent, transport_error};
use super::error::{Error, ErrorKind};
use super::mapping::{Endpoint, backend_error};
use super::response::{GrantFacts, ProviderResponse, check_status};
use super::signing::{Identity, SignInput, new_nonce, sign};
use super::wire::parse_approval_result;

/// The server holds a status poll at most this many seconds (a larger `wait` gets 422).
pub(crate) const MAX_WAIT: u64 = 25;
/// The pause before asking again when the server answered at once with no news.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// One approval's endpoints.
#[derive(Debug)]
pub(crate) struct Poll<'a> {
    agent: &'a Agent,
    provider: &'a str,
    id: String,
}

/// A status answer, reduced to what the wait loop needs. `Default` is "no answer".
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Status {
    pub status: String,
    pub has_result: bool,
    pub decision_reason: Option<String>,
    pub execution_error: Option<String>,
    /// When a human decided and when Alter ran the request (RFC 3339, as Alter wrote them).
    pub decided_at: Option<String>,
    pub executed_at: Option<String>,
}

impl<'a> Poll<'a> {
    pub(crate) fn new(agent: &'a Agent, provider: &'a str, approval_id: &str) -> Poll<'a> {
        // The id came from a validated 202 (a UUID); encoded anyway, so it stays one segment.
        let id =
            percent_encoding::utf8_percent_encode(approval_id, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%2D", "-");
        Poll {
            agent,
            provider,
            id,
        }
    }

    /// `GET /sdk/approvals/{id}[?wait=N]`. A non-200 answer is a plain backend error naming
    /// the status and code (§7: not mapped through §6.1).
    pub(crate) async fn status(&self, wait: u64) -> Result<Status, Error> {
        let wait = wait.min(MAX_WAIT);
        let target = match wait {
            0 => format!("/sdk/approvals/{}", self.id),
            n => format!("/sdk/approvals/{}?wait={n}", self.id),
        };
        let timeout = Duration::from_secs(wait + 15);
        let (status, _, body) = self.get(&target, timeout).await?;
        status_answer(status, &body)
    }

    /// `GET /sdk/approvals/{id}/result`: the provider's answer, checked like a proxy answer.
    pub(crate) async fn result(&self) -> Result<ProviderResponse, Error> {
        let target = format!("/sdk/approvals/{}/result", self.id);
        let (status, headers, body) = self.get(&target, self.agent.timeout()).await?;
        result_answer(self.provider, status, &headers, &body)
    }

    /// A signed GET with an empty body and no identity headers.
    async fn get(
        &self,
        target: &str,
        timeout: Duration,
    ) -> Result<(u16, HeaderMap, Vec<u8>), Error> {
        let inner = &self.agent.inner;
        let nonce = new_nonce(&inner.rng)?;
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let signed = sign(
            &inner.signing,
            &SignInput {
                method: "GET",
                target,
                body: b"",
                timestamp,
                nonce: &nonce,
                identity: Identity::default(),
            },
        );
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", inner.api_key.clone());
        for (name, value) in [
            ("x-alter-timestamp", &signed.timestamp),
            ("x-alter-nonce", &signed.nonce),
            ("x-alter-content-sha256", &signed.content_sha256),
            ("x-alter-signature", &signed.signature),
        ] {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        let url = format!("{}{target}", inner.base_url);
        let endpoint = || format!("the Alter backend at {}", inner.base_url);
        let response = inner
            .http
            .get(url)
            .headers(headers)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| transport_error(e, &endpoint()))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(e, &endpoint()))?;
        Ok((status, headers, body.to_vec()))
    }
}

/// A status answer: 200 with a status object, or a plain backend error naming the status and
/// code (§7: not mapped through §6.1).
pub(crate) fn status_answer(status: u16, body: &[u8]) -> Result<Status, Error> {
    if status != 200 {
        let code = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| error_code(&v));
        let message = format!(
            "GET /sdk/approvals/{{id}} returned {status}{}",
            code.as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        );
        return Err(Error::new(ErrorKind::Backend, message)
            .with_status(status)
            .with_code(code));
    }
    parse_status(body)
}

/// A result answer: the provider's answer, checked like a proxy answer.
pub(crate) fn result_answer(
    provider: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<ProviderResponse, Error> {
    if status != 200 {
        return Err(backend_error(Endpoint::Proxy, status, headers, body));
    }
    let result = parse_approval_result(body).map_err(|e| e.with_status(status))?;
    let facts = GrantFacts {
        scope_mismatch: false,
        credential_hint: result.credential_hint.as_deref(),
    };
    let response = ProviderResponse::new(
        result.status_code,
        result.headers.clone(),
        result.body.clone(),
        result.body_truncated,
    );
    check_status(provider, response, facts)
}

/// §7 step 3: what the wait loop retries.
pub(crate) fn is_transient(error: &Error) -> bool {
    matches!(error.kind(), ErrorKind::Network | ErrorKind::Timeout)
        || (matches!(error.kind(), ErrorKind::Backend) && matches!(error.status(), Some(502..=504)))
}

impl Status {
    /// The call's outcome when the status is terminal, except `executed` with a result,
    /// which needs the result fetched.
    pub(crate) fn outcome(&self, id: &str) -> Option<Result<ProviderResponse, Error>> {
        let (kind, message) = match self.status.as_str() {
            "denied" => (
                ErrorKind::ApprovalDenied,
                self.decision_reason
                    .clone()
                    .unwrap_or_else(|| format!("approval {id} was denied")),
            ),
            "expired" => (
                ErrorKind::ApprovalExpired,
                format!("approval {id} expired before anyone decided"),
            ),
            "failed" => (
                ErrorKind::ApprovalFailed,
                self.execution_error
                    .clone()
                    .or_else(|| self.decision_reason.clone())
                    .unwrap_or_else(|| format!("approval {id} failed")),
            ),
            _ => return None,
        };
        Some(Err(Error::new(kind, message)))
    }

    /// `executed` and the result can be fetched.
    pub(crate) fn executed_with_result(&self) -> bool {
        self.status == "executed" && self.has_result
    }
}

/// Decodes a status answer; `has_result` is required (§7).
fn parse_status(body: &[u8]) -> Result<Status, Error> {
    let malformed =
        |why: &str| Error::malformed(format!("Alter returned a malformed approval status: {why}"));
    let map: Map<String, Value> = match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => map,
        _ => return Err(malformed("not a JSON object")),
    };
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let status = text("status").ok_or_else(|| malformed("no `status`"))?;
    let has_result = map
        .get("has_result")
        .and_then(Value::as_bool)
        .ok_or_else(|| malformed("no boolean `has_result`"))?;
    Ok(Status {
        status,
        has_result,
        decision_reason: text("decision_reason"),
        execution_error: text("execution_error"),
        decided_at: text("decided_at"),
        executed_at: text("executed_at"),
    })
}

fn error_code(body: &Value) -> Option<String> {
    let inner = match body.get("detail") {
        Some(detail @ Value::Object(_)) => detail,
        _ => body,
    };
    inner.get("error")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_and_terminal_ones_decide() {
        let status = parse_status(
            br#"{"status":"denied","has_result":false,"decision_reason":"Not during the freeze."}"#,
        )
        .unwrap();
        let pending = "a1";
        let error = status.outcome(pending).unwrap().unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::ApprovalDenied);
        assert_eq!(error.message(), "Not during the freeze.");
        let failed = parse_status(
            br#"{"status":"failed","has_result":false,"execution_error":"provider 500"}"#,
        )
        .unwrap();
        assert_eq!(
            failed.outcome(pending).unwrap().unwrap_err().message(),
            "provider 500"
        );
        for open in ["pending", "approved", "executing", "executed"] {
            let body = format!(r#"{{"status":"{open}","has_result":true}}"#);
            assert!(
                parse_status(body.as_bytes())
                    .unwrap()
                    .outcome(pending)
                    .is_none()
            );
        }
        assert!(
            parse_status(br#"{"status":"pending"}"#).is_err(),
            "has_result is required"
        );
        assert!(parse_status(b"[]").is_err());
    }

    #[test]
    fn only_gateway_and_network_failures_are_retried() {
        let backend = |status| Error::new(ErrorKind::Backend, "x").with_status(status);
        assert!(is_transient(&backend(503)));
        assert!(is_transient(&Error::new(ErrorKind::Network, "reset")));
        assert!(!is_transient(&backend(500)));
        assert!(!is_transient(&backend(422)));
        assert!(!is_transient(&Error::new(ErrorKind::ApprovalDenied, "no")));
    }
}
