//! Tests of the `/sdk/*` JSON shapes: body field order and the answer validation rules.

use super::*;
use crate::alter::error::ErrorKind;
use serde_json::json;

const GRANT: &str = "0b9f2d4e-8a7c-4f1e-9d3b-2c5a6e7f8091";

fn token_json(extra: Value) -> Vec<u8> {
    let mut base =
        json!({"access_token": "ya29.secret", "grant_id": GRANT, "provider_id": "google"});
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::to_vec(&base).unwrap()
}

#[test]
fn token_request_body_matches_the_sdk_bytes() {
    let body = TokenRequest {
        provider_id: "google",
        reason: None,
        request: TokenTarget {
            method: "GET",
            url: "https://www.googleapis.com/calendar/v3/calendars/primary/events",
        },
        user_token: None,
    };
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"provider_id":"google","reason":null,"request":{"method":"GET","url":"https://www.googleapis.com/calendar/v3/calendars/primary/events"}}"#
    );
}

#[test]
fn user_token_goes_in_the_body_in_sdk_order_and_never_in_debug() {
    let target = TokenTarget {
        method: "GET",
        url: "https://www.googleapis.com/calendar/v3/users/me/calendarList",
    };
    let token = TokenRequest {
        provider_id: "google",
        reason: None,
        request: target,
        user_token: Some("eyJ.user.jwt"),
    };
    assert_eq!(
        serde_json::to_string(&token).unwrap(),
        r#"{"provider_id":"google","reason":null,"request":{"method":"GET","url":"https://www.googleapis.com/calendar/v3/users/me/calendarList"},"user_token":"eyJ.user.jwt"}"#
    );
    let payload = json!({"text": "hi"});
    let mut query = Map::new();
    query.insert("limit".into(), json!(3));
    let proxy = ProxyRequest {
        method: "POST",
        url: "https://slack.com/api/chat.postMessage",
        provider_id: "slack",
        user_token: Some("eyJ.user.jwt"),
        body: Some(&payload),
        headers: BTreeMap::new(),
        query_params: query,
    };
    assert_eq!(
        serde_json::to_string(&proxy).unwrap(),
        r#"{"method":"POST","url":"https://slack.com/api/chat.postMessage","provider_id":"slack","user_token":"eyJ.user.jwt","body":{"text":"hi"},"query_params":{"limit":3}}"#
    );
    for debug in [format!("{token:?}"), format!("{proxy:?}")] {
        assert!(
            !debug.contains("eyJ.user.jwt") && debug.contains("<redacted>"),
            "{debug}"
        );
    }
}

#[test]
fn proxy_body_omits_empty_fields_and_keeps_order() {
    let payload = json!({"channel": "C1", "text": "hi"});
    let body = ProxyRequest {
        method: "POST",
        url: "https://slack.com/api/chat.postMessage",
        provider_id: "slack",
        user_token: None,
        body: Some(&payload),
        headers: BTreeMap::new(),
        query_params: Map::new(),
    };
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"method":"POST","url":"https://slack.com/api/chat.postMessage","provider_id":"slack","body":{"channel":"C1","text":"hi"}}"#
    );
    let mut query = Map::new();
    query.insert("maxResults".into(), json!(3));
    query.insert("eventTypes".into(), json!(["default", "focusTime"]));
    let body = ProxyRequest {
        method: "GET",
        url: "https://h/x",
        provider_id: "google",
        user_token: None,
        body: None,
        headers: BTreeMap::from([("X-Trace", "1")]),
        query_params: query,
    };
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"method":"GET","url":"https://h/x","provider_id":"google","headers":{"X-Trace":"1"},"query_params":{"eventTypes":["default","focusTime"],"maxResults":3}}"#
    );
}

#[test]
fn token_defaults_to_bearer_authorization() {
    let token = parse_token(&token_json(json!({}))).unwrap();
    assert_eq!(token.injection_header, "Authorization");
    assert_eq!(token.header_value(), "Bearer ya29.secret");
    assert_eq!(token.grant_id, GRANT);
    assert!(!token.scope_mismatch);
    assert!(!format!("{token:?}").contains("ya29"));
}

#[test]
fn token_custom_injection_replaces_first_placeholder_only() {
    let token = parse_token(&token_json(json!({
        "injection_header": "X-Api-Token", "injection_format": "Token {token} {token}",
        "token_generation": null, "expires_in": 3600, "expires_at": "2026-01-01T00:00:00.5+01:00",
        "scopes": ["a", "b"], "scope_mismatch": true
    })))
    .unwrap();
    assert_eq!(token.injection_header, "X-Api-Token");
    assert_eq!(token.header_value(), "Token ya29.secret {token}");
    assert!(token.scope_mismatch);
}

#[test]
fn token_rule_violations_are_malformed_and_do_not_leak_the_token() {
    let cases = [
        (json!({"access_token": ""}), "access_token"),
        (json!({"access_token": "a\r\nb"}), "access_token"),
        (
            json!({"grant_id": "0B9F2D4E-8A7C-4F1E-9D3B-2C5A6E7F8091"}),
            "grant_id",
        ),
        (json!({"grant_id": "not-a-uuid"}), "grant_id"),
        (
            json!({"grant_id": "0b9f2d4e8a7c4f1e9d3b2c5a6e7f8091"}),
            "grant_id",
        ),
        (json!({"grant_id": 7}), "grant_id"),
        (
            json!({"injection_header": "Content-Type"}),
            "injection_header",
        ),
        (
            json!({"injection_header": "Bad Header"}),
            "injection_header",
        ),
        (json!({"injection_header": null}), "injection_header"),
        (json!({"injection_format": "Bearer"}), "injection_format"),
        (
            json!({"injection_format": "Bearer {token}\n"}),
            "injection_format",
        ),
        (json!({"expires_in": -1}), "expires_in"),
        (json!({"expires_at": "tomorrow"}), "expires_at"),
        (json!({"scopes": ["", "x"]}), "scopes"),
        (json!({"token_generation": "nope"}), "token_generation"),
        (json!({"scope_mismatch": "yes"}), "scope_mismatch"),
    ];
    for (extra, field) in cases {
        let error = parse_token(&token_json(extra.clone())).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::MalformedResponse, "{extra}");
        assert!(error.message().contains(field), "{extra}: {error}");
        assert!(!format!("{error:?}").contains("ya29"));
    }
    let missing = parse_token(br#"{"grant_id":"0b9f2d4e-8a7c-4f1e-9d3b-2c5a6e7f8091"}"#);
    assert!(
        missing
            .unwrap_err()
            .message()
            .contains("without `access_token`")
    );
    assert!(parse_token(b"[]").is_err());
    assert!(parse_token(b"<html>").is_err());
}

#[test]
fn approval_result_decodes_base64_body() {
    let result = parse_approval_result(
        br#"{"status_code":200,"headers":{"content-type":"application/json"},"body_b64":"eyJvayI6dHJ1ZX0=","body_truncated":false,"duration_ms":12,"credential_hint":"  "}"#,
    )
    .unwrap();
    assert_eq!(result.status_code, 200);
    assert_eq!(result.body, br#"{"ok":true}"#);
    assert_eq!(
        result.headers,
        [("content-type".to_owned(), "application/json".to_owned())]
    );
    assert_eq!(result.credential_hint, None);
    let empty = parse_approval_result(br#"{"status_code":204,"body_b64":""}"#).unwrap();
    assert!(empty.body.is_empty() && !empty.body_truncated);
}

#[test]
fn approval_result_rules() {
    for bad in [
        r#"{"body_b64":""}"#,
        r#"{"status_code":"200","body_b64":""}"#,
        r#"{"status_code":99,"body_b64":""}"#,
        r#"{"status_code":200}"#,
        r#"{"status_code":200,"body_b64":"not base64!"}"#,
        r#"{"status_code":200,"body_b64":"eyJ"}"#,
        r#"{"status_code":200,"body_b64":"","headers":{"a":1}}"#,
        r#"{"status_code":200,"body_b64":"","body_truncated":"no"}"#,
    ] {
        let error = parse_approval_result(bad.as_bytes()).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::MalformedResponse, "{bad}");
    }
}

fn pending_json() -> Value {
    json!({
        "approval_id": "11111111-2222-4333-8444-555555555555",
        "approval_group_id": "66666666-2222-4333-8444-555555555555",
        "status": "pending",
        "expires_at": "2026-01-01T00:10:00Z",
        "expires_in": 600,
        "approval_url": "https://app.alterauth.com/approvals/1111",
        "gates": [{
            "approval_id": "11111111-2222-4333-8444-555555555555",
            "expires_at": "2026-01-01T00:10:00Z",
            "expires_in": 600,
            "approval_url": "https://app.alterauth.com/approvals/1111"
        }]
    })
}

#[test]
fn pending_approval_decodes() {
    let pending = parse_pending(&serde_json::to_vec(&pending_json()).unwrap()).unwrap();
    assert_eq!(pending.approval_id, "11111111-2222-4333-8444-555555555555");
    assert_eq!(
        pending.approval_url,
        "https://app.alterauth.com/approvals/1111"
    );
    assert_eq!(pending.expires_in, 600);
    assert_eq!(pending.gates.len(), 1);
}

#[test]
fn pending_approval_rules() {
    let breakers: [(&str, Value); 6] = [
        ("status", json!("approved")),
        ("approval_id", json!("x")),
        ("approval_url", json!("")),
        ("gates", json!([])),
        ("expires_in", json!("ten minutes")),
        ("expires_at", json!(5)),
    ];
    for (field, value) in breakers {
        let mut body = pending_json();
        body[field] = value;
        let error = parse_pending(&serde_json::to_vec(&body).unwrap()).unwrap_err();
        assert!(error.message().contains(field), "{field}: {error}");
    }
}

#[test]
fn rfc3339_shapes() {
    for good in [
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00.123456+05:30",
        "2026-01-01t00:00:00-00:00",
    ] {
        assert!(is_rfc3339(good), "{good}");
    }
    for bad in [
        "2026-01-01",
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00+0530",
    ] {
        assert!(!is_rfc3339(bad), "{bad}");
    }
}
