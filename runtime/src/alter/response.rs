//! The provider's answer as a tool call sees it, the same in proxy and retrieve mode, and the
//! provider-status rules of protocol §3 step 4 that turn a failed answer into an [`Error`].

use super::error::{Error, ErrorKind, truncate};

/// Longest provider body excerpt kept in a [`ErrorKind::Provider`] error, in characters.
const EXCERPT_CHARS: usize = 500;

/// What the provider answered (status below 400, or the error path was not taken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    truncated: bool,
}

impl ProviderResponse {
    pub(crate) fn new(
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        truncated: bool,
    ) -> Self {
        ProviderResponse {
            status,
            headers,
            body,
            truncated,
        }
    }

    /// The provider's HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The provider's response headers, as relayed.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The raw body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text, when it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// True when Alter cut the body short (proxy mode relays at most its size limit).
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

/// Facts about the grant that change how a provider 401/403 reads.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GrantFacts<'a> {
    /// The token answer said the grant's scopes drifted (`scope_mismatch: true`).
    pub scope_mismatch: bool,
    /// Proxy mode: Alter's explanation of a 401/403 (`credential_hint`).
    pub credential_hint: Option<&'a str>,
}

/// Applies §3 step 4: below 400 passes; 403 `insufficient_scope` (or a drifted grant) asks for
/// re-consent; 401 blames the credential; anything else ≥400 is a provider error.
pub(crate) fn check_status(
    provider: &str,
    response: ProviderResponse,
    facts: GrantFacts<'_>,
) -> Result<ProviderResponse, Error> {
    let status = response.status;
    if status < 400 {
        return Ok(response);
    }
    let challenge = response.header("www-authenticate").unwrap_or("");
    let insufficient_scope = challenge.contains("insufficient_scope");
    let excerpt = excerpt(&response.body);
    let error = if status == 403 && (insufficient_scope || facts.scope_mismatch) {
        let scopes = challenge_scope(challenge)
            .map(|s| format!("missing scopes: {s}"))
            .unwrap_or_else(|| "the grant's scopes do not cover this call".to_owned());
        Error::new(ErrorKind::ScopeReauthRequired, scopes)
    } else if status == 401 && !insufficient_scope {
        let why = facts.credential_hint.map_or(excerpt, str::to_owned);
        Error::new(ErrorKind::ProviderUnauthorized { status }, why)
    } else {
        let kind = ErrorKind::Provider {
            status,
            body_excerpt: excerpt.clone(),
        };
        Error::new(
            kind,
            format!("the provider answered HTTP {status}: {excerpt}"),
        )
    };
    Err(error.with_status(status).with_provider(provider))
}

/// The `scope="..."` parameter of a `WWW-Authenticate: Bearer` challenge.
fn challenge_scope(challenge: &str) -> Option<&str> {
    let start = challenge.find("scope=\"")? + "scope=\"".len();
    let rest = &challenge[start..];
    rest.find('"').map(|end| &rest[..end])
}

/// A short, single-line, UTF-8 rendering of a provider body for an error message.
fn excerpt(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty body)".to_owned();
    }
    let text = String::from_utf8_lossy(body);
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&line, EXCERPT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> ProviderResponse {
        let headers = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ProviderResponse::new(status, headers, body.as_bytes().to_vec(), false)
    }

    #[test]
    fn below_400_passes() {
        let ok = check_status("google", answer(204, &[], ""), GrantFacts::default()).unwrap();
        assert_eq!(ok.status(), 204);
        assert_eq!(ok.text(), Some(""));
    }

    #[test]
    fn provider_errors_carry_status_and_excerpt() {
        let body = "{\"error\": {\n  \"code\": 404,\n  \"message\": \"Not Found\"}}";
        let error =
            check_status("google", answer(404, &[], body), GrantFacts::default()).unwrap_err();
        assert_eq!(
            error.kind(),
            &ErrorKind::Provider {
                status: 404,
                body_excerpt: r#"{"error": { "code": 404, "message": "Not Found"}}"#.into()
            }
        );
        assert_eq!(
            error.tool_message(),
            r#"Google returned HTTP 404: {"error": { "code": 404, "message": "Not Found"}}"#
        );
        let long = "x".repeat(5000);
        let error =
            check_status("slack", answer(500, &[], &long), GrantFacts::default()).unwrap_err();
        assert!(error.tool_message().chars().count() < 600);
    }

    #[test]
    fn unauthorized_and_scope_rules() {
        let facts = GrantFacts::default();
        let error = check_status("google", answer(401, &[], "bad token"), facts).unwrap_err();
        assert_eq!(
            error.kind(),
            &ErrorKind::ProviderUnauthorized { status: 401 }
        );
        let challenge = [(
            "WWW-Authenticate",
            r#"Bearer error="insufficient_scope", scope="calendar.events""#,
        )];
        let error = check_status("google", answer(403, &challenge, ""), facts).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::ScopeReauthRequired);
        assert!(error.message().contains("calendar.events"));
        let drifted = GrantFacts {
            scope_mismatch: true,
            credential_hint: None,
        };
        let error = check_status("google", answer(403, &[], "no"), drifted).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::ScopeReauthRequired);
        let plain = check_status("google", answer(403, &[], "no"), facts).unwrap_err();
        assert!(matches!(
            plain.kind(),
            ErrorKind::Provider { status: 403, .. }
        ));
        let hinted = GrantFacts {
            scope_mismatch: false,
            credential_hint: Some("sent as a bot token to a user API"),
        };
        let error = check_status("slack", answer(401, &[], "x"), hinted).unwrap_err();
        assert_eq!(error.message(), "sent as a bot token to a user API");
    }
}
