//! Retrieve mode's local parts: the provider URL and its query, the audit row.

use super::*;
use crate::alter::error::ErrorKind;
use crate::request::Method;
use serde_json::json;

#[test]
fn provider_url_rules_and_query_encoding() {
    let mut request = ProviderRequest::new(Method::Get, "https://h.example/x?old=1");
    request
        .query("q", "a b&c")
        .query("types", vec!["x", "y"])
        .query("flag", true)
        .query("n", 10);
    let url = provider_url(&request).unwrap();
    assert_eq!(
        url.as_str(),
        "https://h.example/x?q=a+b%26c&types=x&types=y&flag=true&n=10"
    );
    for ok in [
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
        "http://[::1]/x",
    ] {
        assert!(
            provider_url(&ProviderRequest::new(Method::Get, ok)).is_ok(),
            "{ok}"
        );
    }
    for bad in ["http://example.com/x", "ftp://127.0.0.1/x", "not a url"] {
        let error = provider_url(&ProviderRequest::new(Method::Get, bad)).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::InvalidRequest, "{bad}");
    }
}

#[test]
fn json_query_values_go_in_the_url_as_json_text() {
    let mut request = ProviderRequest::new(Method::Get, "https://h.example/x");
    request
        .query_json("filter", json!({"a": 1}))
        .query_json("s", "abc");
    let url = provider_url(&request).unwrap();
    assert_eq!(
        url.as_str(),
        "https://h.example/x?filter=%7B%22a%22%3A1%7D&s=%22abc%22"
    );
}

#[test]
fn audit_bodies_are_whole_or_named() {
    assert_eq!(audit_body(b"{}"), "{}");
    assert_eq!(audit_body(&[0xff, 0xfe]), "<binary response: 2 bytes>");
    assert_eq!(
        audit_body(&vec![b'a'; 10_001]),
        "<response too large: 10001 bytes>"
    );
}

#[test]
fn audit_row_drops_credentials() {
    let token = parse_token(
        br#"{"access_token":"SECRET-TOKEN-123","grant_id":"0b9f2d4e-8a7c-4f1e-9d3b-2c5a6e7f8091","injection_header":"X-Key","injection_format":"{token}"}"#,
    )
    .unwrap();
    let mut request = ProviderRequest::new(Method::Post, "https://h.example/x");
    request
        .header("X-Key", "caller")
        .header("X-Trace", "7")
        .body_field("a", 1);
    let response = ProviderResponse::new(
        200,
        vec![
            ("set-cookie".into(), "s=1".into()),
            ("content-type".into(), "application/json".into()),
        ],
        b"{}".to_vec(),
        false,
    );
    let body = request.encode_body("").unwrap();
    let row = audit_row(
        &request,
        body.as_ref(),
        &token,
        &AuditContext::for_tool("t"),
        &Ok(response),
        5,
    );
    let text = serde_json::to_string(&row).unwrap();
    assert!(!text.contains("SECRET") && !text.contains("s=1") && !text.contains("caller"));
    assert!(text.starts_with(
        r#"{"grant_id":"0b9f2d4e-8a7c-4f1e-9d3b-2c5a6e7f8091","provider_id":"","token_generation":null,"method":"POST","url":"https://h.example/x","request_headers":"#
    ), "{text}");
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value["request_headers"],
        json!({"X-Trace": "7", "content-type": "application/json"})
    );
    assert_eq!(value["context"], json!({"tool": "t"}));
}
