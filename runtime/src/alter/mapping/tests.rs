//! The error mapping table: each row is one backend answer and the error it must become.

use super::*;
use reqwest::header::{HeaderValue, RETRY_AFTER};

fn none() -> HeaderMap {
    HeaderMap::new()
}

fn retry(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
    headers
}

fn ndg(provider: Option<&str>, agent: Option<&str>) -> ErrorKind {
    ErrorKind::NoDelegatedGrant {
        provider_id: provider.map(str::to_owned),
        agent_id: agent.map(str::to_owned),
    }
}

fn limited(retry_after: Option<u64>, quota: bool) -> ErrorKind {
    ErrorKind::RateLimited { retry_after, quota }
}

fn policy(code: &str) -> ErrorKind {
    ErrorKind::PolicyDenied {
        policy: code.to_owned(),
    }
}

struct Row {
    endpoint: Endpoint,
    status: u16,
    headers: HeaderMap,
    body: &'static str,
    kind: ErrorKind,
    message: &'static str,
}

fn row(status: u16, body: &'static str, kind: ErrorKind, message: &'static str) -> Row {
    Row {
        endpoint: Endpoint::Proxy,
        status,
        headers: none(),
        body,
        kind,
        message,
    }
}

fn table() -> Vec<Row> {
    use ErrorKind as K;
    vec![
        // Both envelopes, and the nested `details` object.
        row(
            404,
            r#"{"detail":{"error":"no_delegated_grant","message":"none","provider_id":"google","agent_id":"ag-1"}}"#,
            ndg(Some("google"), Some("ag-1")),
            "none",
        ),
        row(
            409,
            r#"{"error":"no_delegated_grant","details":{"provider_id":"slack"}}"#,
            ndg(Some("slack"), None),
            "no delegated grant",
        ),
        row(
            404,
            r#"{"detail":{"error":"grant_not_found","provider_id":"google"}}"#,
            K::GrantNotFound {
                provider_id: Some("google".into()),
            },
            "No grant",
        ),
        row(
            404,
            r#"{"detail":"Not Found"}"#,
            K::GrantNotFound { provider_id: None },
            "Not Found",
        ),
        row(
            404,
            r#"{"error":"agent_not_found","message":"who?"}"#,
            K::Backend,
            "who?",
        ),
        row(
            410,
            r#"{"error":"grant_deleted"}"#,
            K::GrantUnavailable,
            "deleted",
        ),
        row(
            401,
            r#"{"error":"agent_revoked","message":"revoked","hint":"make a new one"}"#,
            K::AgentRevoked,
            "revoked",
        ),
        row(
            401,
            r#"{"detail":{"error":"agent_inactive"}}"#,
            K::AgentInactive,
            "inactive",
        ),
        row(
            401,
            r#"{"error":"invalid_key"}"#,
            K::KeyRejected,
            "rejected",
        ),
        row(
            401,
            r#"{"detail":{"error":"jwt_validation_error","message":"token expired"}}"#,
            K::UserReauthRequired,
            "token expired",
        ),
        row(
            401,
            r#"{"error":"key_expired","message":""}"#,
            K::KeyRejected,
            "rejected",
        ),
        row(
            401,
            r#"{"error":"invalid_signature","message":"bad sig"}"#,
            K::Backend,
            "bad sig",
        ),
        row(401, r#"{}"#, K::Backend, "check your API key"),
        row(
            403,
            r#"{"error":"time_window_denied","message":"outside hours"}"#,
            policy("time_window_denied"),
            "outside hours",
        ),
        row(
            403,
            r#"{"detail":{"message":"no"}}"#,
            policy("forbidden"),
            "no",
        ),
        row(
            403,
            r#"{"error":"grant_revoked"}"#,
            K::GrantUnavailable,
            "no longer usable",
        ),
        row(
            403,
            r#"{"error":"scope_mismatch"}"#,
            K::ScopeReauthRequired,
            "scopes",
        ),
        row(
            403,
            r#"{"error":"restricted_grant_requires_proxy"}"#,
            K::RequiresProxy,
            "proxy",
        ),
        row(
            400,
            r#"{"error":"hitl_grant_requires_proxy"}"#,
            K::RequiresProxy,
            "proxy",
        ),
        row(
            502,
            r#"{"error":"user_limits_require_proxy"}"#,
            K::RequiresProxy,
            "proxy",
        ),
        row(
            400,
            r#"{"error":"delegated_grant_requires_proxy"}"#,
            K::RequiresProxy,
            "proxy",
        ),
        row(
            400,
            r#"{"error":"bad_request","message":"nope"}"#,
            K::Backend,
            "nope",
        ),
        row(
            429,
            r#"{"error":"rate_limit_exceeded","retry_after":30}"#,
            limited(Some(30), false),
            "Rate limit",
        ),
        row(
            429,
            r#"{"error":"rate_limit_exceeded","retry_after":30.0}"#,
            limited(Some(30), false),
            "Rate limit",
        ),
        row(
            429,
            r#"{"error":"rate_limit_exceeded","retry_after":-5}"#,
            limited(None, false),
            "Rate limit",
        ),
        row(
            429,
            r#"{"error":"rate_limit_exceeded","retry_after":99999}"#,
            limited(Some(3600), false),
            "Rate limit",
        ),
        row(
            429,
            r#"{"error":"quota_exceeded","details":{"retry_after":99999}}"#,
            limited(Some(99999), true),
            "Quota",
        ),
        row(
            429,
            r#"{"error":"something_else"}"#,
            K::Backend,
            "Alter returned an error",
        ),
        row(
            429,
            "slow down",
            limited(None, false),
            "non-JSON error (HTTP 429)",
        ),
        row(
            500,
            "<html>oops</html>",
            K::Backend,
            "non-JSON error (HTTP 500)",
        ),
        row(
            503,
            r#"{"error":"maintenance","message":"back soon"}"#,
            K::Backend,
            "back soon",
        ),
        row(422, r#"[1,2]"#, K::Backend, "non-JSON error (HTTP 422)"),
        // §6.2 comes first on the proxy path, for any status.
        row(
            403,
            r#"{"error":"approval_denied","message":"nope"}"#,
            K::ApprovalDenied,
            "nope",
        ),
        row(
            410,
            r#"{"detail":{"error":"approval_expired"}}"#,
            K::ApprovalExpired,
            "expired",
        ),
        row(
            502,
            r#"{"error":"approval_execution_failed"}"#,
            K::ApprovalFailed,
            "failed",
        ),
        Row {
            endpoint: Endpoint::Token,
            ..row(
                403,
                r#"{"error":"approval_denied"}"#,
                policy("approval_denied"),
                "policy",
            )
        },
        Row {
            headers: retry("120"),
            ..row(
                429,
                r#"{"error":"rate_limit_exceeded","retry_after":5}"#,
                limited(Some(120), false),
                "Rate",
            )
        },
        Row {
            headers: retry(" 0060 "),
            ..row(
                429,
                r#"{"error":"rate_limit_exceeded"}"#,
                limited(Some(60), false),
                "Rate",
            )
        },
        Row {
            headers: retry("000000000000000000000000000007"),
            ..row(
                429,
                "{\"error\":\"rate_limit_exceeded\"}",
                limited(Some(7), false),
                "Rate",
            )
        },
        Row {
            headers: retry("99999999999999999999999"),
            ..row(
                429,
                r#"{"error":"rate_limit_exceeded"}"#,
                limited(Some(3600), false),
                "Rate",
            )
        },
        Row {
            headers: retry("Wed, 21 Oct 2015 07:28:00 GMT"),
            ..row(
                429,
                r#"{"error":"rate_limit_exceeded","retry_after":9}"#,
                limited(Some(9), false),
                "Rate",
            )
        },
        Row {
            headers: retry("+30"),
            ..row(429, "busy", limited(None, false), "HTTP 429")
        },
        Row {
            headers: retry("45"),
            ..row(429, "busy", limited(Some(45), false), "HTTP 429")
        },
    ]
}

#[test]
fn mapping_table() {
    for (i, row) in table().into_iter().enumerate() {
        let error = backend_error(row.endpoint, row.status, &row.headers, row.body.as_bytes());
        assert_eq!(error.kind(), &row.kind, "row {i}: {}", row.body);
        assert_eq!(error.status(), Some(row.status), "row {i}");
        assert!(
            error
                .message()
                .to_lowercase()
                .contains(&row.message.to_lowercase()),
            "row {i}: message {:?} lacks {:?}",
            error.message(),
            row.message
        );
    }
}

#[test]
fn code_and_hint_are_kept() {
    let error = backend_error(
        Endpoint::Proxy,
        401,
        &none(),
        br#"{"detail":{"error":"agent_revoked","message":"gone","hint":"provision a new agent"}}"#,
    );
    assert_eq!(error.code(), Some("agent_revoked"));
    assert_eq!(error.hint(), Some("provision a new agent"));
    assert_eq!(error.to_string(), "gone (HTTP 401, agent_revoked)");
}
