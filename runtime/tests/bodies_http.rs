//! Form and multipart bodies against a loopback backend: retrieve mode sends them encoded
//! with the right `Content-Type` (and audits the text); proxy mode, which forwards JSON bodies
//! only, refuses them before anything is sent.

mod support;

use alter_mcp_runtime::{
    AuditContext, BodyEncoding, ErrorKind, Method, Mode, ProviderRequest, Style,
};
use serde_json::json;
use support::{Peer, Reply, Seen, agent};

/// One loopback peer plays both Alter (`/sdk/*`) and the provider (`/provider/*`).
async fn retrieve_peer() -> Peer {
    Peer::start(move |seen| match seen.target.as_str() {
        "/sdk/token" => Reply::json(
            200,
            json!({"access_token": "xoxb-SECRET", "grant_id": "0b9f2d4e-8a7c-4f1e-9d3b-2c5a6e7f8091",
            "provider_id": "slack", "token_type": "Bearer"}),
        ),
        "/sdk/oauth/audit/api-call" => Reply::raw(201, ""),
        _ => Reply::json(200, json!({"ok": true})),
    })
    .await
}

/// A Slack-style form call: `chat.postMessage` with an array field.
fn form_request(base: &str, encoding: BodyEncoding) -> ProviderRequest {
    let mut request =
        ProviderRequest::new(Method::Post, &format!("{base}/provider/chat.postMessage"));
    request
        .encoding(encoding)
        .query_style("ids", ["a", "b"], Style::PipeDelimited)
        .body_field("channel", "C1")
        .body_field("text", "hi & bye é")
        .body_field("tags", ["x", "y"])
        .body_field("blocks", json!([{"type": "divider"}]));
    request
}

#[tokio::test]
async fn retrieve_mode_sends_form_bodies_encoded() {
    let peer = retrieve_peer().await;
    agent(&peer.url, Mode::Retrieve)
        .request(
            "slack",
            &form_request(&peer.url, BodyEncoding::Form),
            &AuditContext::for_tool("send"),
        )
        .await
        .unwrap();
    let call = &peer.seen()[1];
    assert_eq!(call.target, "/provider/chat.postMessage?ids=a%7Cb");
    assert_eq!(
        call.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let sent = "blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D&channel=C1&tags=x&tags=y&text=hi+%26+bye+%C3%A9";
    assert_eq!(call.body_text(), sent);
    let audit = peer.wait_for("/sdk/oauth/audit/api-call").await;
    let row = audit.json();
    assert_eq!(row["request_body"], sent);
    assert_eq!(
        row["request_headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
}

#[tokio::test]
async fn retrieve_mode_sends_multipart_bodies_with_a_fresh_boundary() {
    let peer = retrieve_peer().await;
    let request = form_request(&peer.url, BodyEncoding::Multipart);
    let agent = agent(&peer.url, Mode::Retrieve);
    for _ in 0..2 {
        agent
            .request("slack", &request, &AuditContext::for_tool("send"))
            .await
            .unwrap();
    }
    let calls: Vec<Seen> = peer
        .seen()
        .into_iter()
        .filter(|s| s.target.starts_with("/provider/"))
        .collect();
    let boundaries: Vec<String> = calls
        .iter()
        .map(|call| {
            let content_type = call.header("content-type").expect("a content type");
            let boundary = content_type
                .strip_prefix("multipart/form-data; boundary=")
                .expect("multipart");
            let expected = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"blocks\"\r\nContent-Type: application/json\r\n\r\n[{{\"type\":\"divider\"}}]\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"channel\"\r\n\r\nC1\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nx\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\ny\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhi & bye é\r\n\
                 --{boundary}--\r\n"
            );
            assert_eq!(call.body_text(), expected);
            boundary.to_owned()
        })
        .collect();
    assert_eq!(boundaries.len(), 2);
    assert_ne!(boundaries[0], boundaries[1]);
}

#[tokio::test]
async fn proxy_mode_refuses_form_bodies_before_sending_anything() {
    let backend = Peer::start(|_| Reply::json(500, json!({}))).await;
    for encoding in [BodyEncoding::Form, BodyEncoding::Multipart] {
        let error = agent(&backend.url, Mode::Proxy)
            .request(
                "slack",
                &form_request("https://slack.com", encoding),
                &AuditContext::for_tool("send"),
            )
            .await
            .unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::InvalidRequest);
        let message = error.tool_message();
        assert!(message.contains(encoding.media_type()), "{message}");
        assert!(message.contains("JSON bodies only"), "{message}");
        assert!(message.contains("ALTER_MCP_MODE=retrieve"), "{message}");
    }
    assert!(backend.seen().is_empty());
    // The same fields as JSON (`body_encoding = "json"` in the allowlist) go through.
    let backend = Peer::start(|_| {
        Reply::json(
            200,
            json!({"status_code": 200, "headers": {}, "body_b64": "", "body_truncated": false}),
        )
    })
    .await;
    agent(&backend.url, Mode::Proxy)
        .request(
            "slack",
            &form_request("https://slack.com", BodyEncoding::Json),
            &AuditContext::for_tool("send"),
        )
        .await
        .unwrap();
    let sent = backend.seen()[0].json();
    assert_eq!(sent["body"]["tags"], json!(["x", "y"]));
    assert_eq!(sent["query_params"], json!({"ids": "a|b"}));
}
