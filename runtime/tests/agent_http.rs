//! The agent against a loopback backend: proxy round trip, approvals, error answers, retrieve
//! mode with a loopback provider and the audit post, transport failures.

mod support;

use std::time::Duration;

use alter_mcp_runtime::{
    Agent, AgentKey, AuditContext, BodyEncoding, Error, ErrorKind, Method, Mode, ProviderRequest,
};
use serde_json::json;
use support::{GRANT, KEY, Peer, Reply, Seen, agent, assert_signed};

fn list_events() -> ProviderRequest {
    let mut request = ProviderRequest::new(
        Method::Get,
        "https://www.googleapis.com/calendar/v3/calendars/{calendarId}/events",
    );
    request
        .path("calendarId", "primary")
        .query("q", "standup")
        .query("maxResults", 10);
    request
}

async fn proxy_call(
    reply: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
) -> Result<String, Error> {
    let backend = Peer::start(reply).await;
    let context = AuditContext::for_tool("list_events");
    let result = agent(&backend.url, Mode::Proxy)
        .request("google", &list_events(), &context)
        .await;
    result.map(|r| r.text().unwrap().to_owned())
}

fn no_secret(error: &Error) {
    let shown = format!("{error} {error:?} {}", error.tool_message());
    assert!(!shown.contains(KEY), "{shown}");
}

#[tokio::test]
async fn proxy_round_trip_is_signed_and_shaped() {
    let backend = Peer::start(|_| {
        Reply::json(
            200,
            json!({"status_code": 200, "headers": {"content-type": "application/json"},
            "body_b64": "eyJpdGVtcyI6W119", "body_truncated": false, "duration_ms": 3}),
        )
    })
    .await;
    let context = AuditContext::for_tool("list_events");
    let response = agent(&backend.url, Mode::Proxy)
        .request("google", &list_events(), &context)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), Some(r#"{"items":[]}"#));
    let seen = backend.seen();
    assert_eq!(seen.len(), 1);
    let call = &seen[0];
    assert_eq!(
        (call.method.as_str(), call.target.as_str()),
        ("POST", "/sdk/proxy")
    );
    assert_eq!(
        call.body_text(),
        r#"{"method":"GET","url":"https://www.googleapis.com/calendar/v3/calendars/primary/events","provider_id":"google","query_params":{"maxResults":10,"q":"standup"}}"#
    );
    assert_eq!(
        call.header("x-alter-context"),
        Some(r#"{"tool":"list_events"}"#)
    );
    assert_eq!(call.header("content-type"), Some("application/json"));
    assert!(
        call.header("user-agent")
            .unwrap()
            .starts_with("alter-mcp-rust/")
    );
    assert_signed(call);
}

#[tokio::test]
async fn proxy_relays_provider_errors() {
    // base64 of {"error":{"code":404,"message":"Not Found"}}
    let error = proxy_call(|_| {
        Reply::json(
            200,
            json!({"status_code": 404, "headers": {},
            "body_b64": "eyJlcnJvciI6eyJjb2RlIjo0MDQsIm1lc3NhZ2UiOiJOb3QgRm91bmQifX0="}),
        )
    })
    .await
    .unwrap_err();
    assert!(matches!(
        error.kind(),
        ErrorKind::Provider { status: 404, .. }
    ));
    assert_eq!(
        error.tool_message(),
        r#"Google returned HTTP 404: {"error":{"code":404,"message":"Not Found"}}"#
    );
}

#[tokio::test]
async fn proxy_202_is_a_pending_approval() {
    let error = proxy_call(|_| {
        Reply::json(
            202,
            json!({
                "approval_id": "11111111-2222-4333-8444-555555555555",
                "approval_group_id": "66666666-2222-4333-8444-555555555555",
                "status": "pending", "expires_at": "2026-01-01T00:10:00Z", "expires_in": 600,
                "approval_url": "https://app.alterauth.com/approve/1",
                "gates": [{"approval_id": "11111111-2222-4333-8444-555555555555",
                    "expires_at": "2026-01-01T00:10:00Z", "expires_in": 600,
                    "approval_url": "https://app.alterauth.com/approve/1"}]
            }),
        )
    })
    .await
    .unwrap_err();
    let ErrorKind::ApprovalPending(pending) = error.kind() else {
        panic!("expected a pending approval, got {error:?}");
    };
    assert_eq!(pending.approval_id, "11111111-2222-4333-8444-555555555555");
    assert!(
        error
            .tool_message()
            .contains("https://app.alterauth.com/approve/1")
    );
}

type KindCheck = fn(&ErrorKind) -> bool;

#[tokio::test]
async fn backend_error_answers_are_typed() {
    let cases: Vec<(Reply, KindCheck)> = vec![
        (Reply::raw(200, "{not json"), |k| {
            *k == ErrorKind::MalformedResponse
        }),
        (Reply::json(200, json!({"status_code": 200})), |k| {
            *k == ErrorKind::MalformedResponse
        }),
        (Reply::raw(500, "Internal Server Error"), |k| {
            *k == ErrorKind::Backend
        }),
        (
            Reply::json(
                404,
                json!({"detail": {"error": "no_delegated_grant",
                "message": "no delegation", "provider_id": "google", "agent_id": "ag-7"}}),
            ),
            |k| matches!(k, ErrorKind::NoDelegatedGrant { agent_id: Some(a), .. } if a == "ag-7"),
        ),
        (
            Reply::json(401, json!({"error": "agent_revoked", "message": "revoked"})),
            |k| *k == ErrorKind::AgentRevoked,
        ),
        (
            Reply::json(403, json!({"error": "approval_denied", "message": "no"})),
            |k| *k == ErrorKind::ApprovalDenied,
        ),
        (
            Reply {
                headers: vec![("retry-after", "7".into())],
                ..Reply::json(429, json!({"error": "rate_limit_exceeded"}))
            },
            |k| {
                *k == ErrorKind::RateLimited {
                    retry_after: Some(7),
                    quota: false,
                }
            },
        ),
    ];
    for (reply, expected) in cases {
        let status = reply.status;
        let reply = std::sync::Mutex::new(Some(reply));
        let error = proxy_call(move |_| reply.lock().unwrap().take().unwrap())
            .await
            .unwrap_err();
        assert!(expected(error.kind()), "HTTP {status}: {error:?}");
        assert_eq!(error.status(), Some(status));
        no_secret(&error);
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let backend = Peer::start(|seen| {
        if seen.target == "/elsewhere" {
            return Reply::json(200, json!({"status_code": 200, "body_b64": ""}));
        }
        Reply {
            headers: vec![("location", "/elsewhere".into())],
            ..Reply::raw(307, "")
        }
    })
    .await;
    let error = agent(&backend.url, Mode::Proxy)
        .request("google", &list_events(), &AuditContext::new())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(307));
    assert_eq!(backend.seen().len(), 1);
}

#[tokio::test]
async fn unreachable_backend_is_a_network_error_naming_the_url() {
    // Bind then drop a listener so the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let error = agent(&url, Mode::Proxy)
        .request("google", &list_events(), &AuditContext::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Network);
    assert!(
        error.tool_message().contains(&url),
        "{}",
        error.tool_message()
    );
    no_secret(&error);
}

#[tokio::test]
async fn slow_backend_times_out() {
    let backend = Peer::start(|_| Reply {
        delay: Duration::from_secs(3),
        ..Reply::raw(200, "{}")
    })
    .await;
    let agent = Agent::builder(AgentKey::new(KEY).unwrap())
        .base_url(&backend.url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = agent
        .request("google", &list_events(), &AuditContext::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Timeout);
    assert!(error.tool_message().contains("timed out"));
}

/// One loopback peer plays both Alter (`/sdk/*`) and the provider (`/provider/*`).
async fn retrieve_peer(provider_status: u16) -> Peer {
    Peer::start(move |seen| match seen.target.as_str() {
        "/sdk/token" => Reply::json(
            200,
            json!({"access_token": "ya29.SECRET", "grant_id": GRANT,
            "provider_id": "google", "token_type": "Bearer", "expires_in": 3600}),
        ),
        "/sdk/oauth/audit/api-call" => Reply::raw(201, ""),
        _ => Reply {
            headers: vec![
                ("set-cookie", "session=1".into()),
                ("x-provider", "yes".into()),
            ],
            ..Reply::json(provider_status, json!({"created": true}))
        },
    })
    .await
}

#[tokio::test]
async fn retrieve_mode_calls_the_provider_and_posts_the_audit_row() {
    let peer = retrieve_peer(200).await;
    let mut request = ProviderRequest::new(
        Method::Post,
        &format!("{}/provider/{{cal}}/events", peer.url),
    );
    request
        .path("cal", "primary")
        .query("sendUpdates", "all")
        .query("ids", vec!["a", "b"])
        .query("dry", false)
        .header("X-Request-Tag", "t1")
        .body_field("summary", "Standup é");
    let mut context = AuditContext::for_tool("create_event");
    context.insert("run_id", "r1");
    let response = agent(&peer.url, Mode::Retrieve)
        .request("google", &request, &context)
        .await
        .unwrap();
    assert_eq!(response.text(), Some(r#"{"created":true}"#));

    let token = &peer.seen()[0];
    assert_eq!(token.target, "/sdk/token");
    let provider_url = format!("{}/provider/primary/events", peer.url);
    assert_eq!(
        token.body_text(),
        format!(
            r#"{{"provider_id":"google","reason":null,"request":{{"method":"POST","url":"{provider_url}"}}}}"#
        )
    );
    assert_signed(token);

    let call = &peer.seen()[1];
    assert_eq!(
        call.target,
        "/provider/primary/events?sendUpdates=all&ids=a&ids=b&dry=false"
    );
    assert_eq!(call.header("authorization"), Some("Bearer ya29.SECRET"));
    assert_eq!(call.header("content-type"), Some("application/json"));
    assert_eq!(call.header("x-request-tag"), Some("t1"));
    assert_eq!(call.json(), json!({"summary": "Standup é"}));
    assert!(call.header("x-api-key").is_none());
    assert!(call.headers.iter().all(|(k, _)| !k.starts_with("x-alter")));

    let audit = peer.wait_for("/sdk/oauth/audit/api-call").await;
    assert_signed(&audit);
    assert_eq!(
        audit.header("x-alter-context"),
        Some(r#"{"tool":"create_event","run_id":"r1"}"#)
    );
    let row = audit.json();
    assert_eq!(row["grant_id"], GRANT);
    assert_eq!(row["method"], "POST");
    assert_eq!(row["url"], provider_url);
    assert_eq!(row["response_status"], 200);
    assert_eq!(row["response_body"], r#"{"created":true}"#);
    assert_eq!(row["request_body"], json!({"summary": "Standup é"}));
    assert_eq!(
        row["context"],
        json!({"tool": "create_event", "run_id": "r1"})
    );
    assert_eq!(row["response_headers"]["x-provider"], "yes");
    assert!(row["response_headers"].get("set-cookie").is_none());
    assert!(!audit.body_text().contains("SECRET"));
    assert!(audit.body_text().starts_with(r#"{"grant_id":"#));
}

#[tokio::test]
async fn retrieve_mode_maps_provider_failures_and_still_audits() {
    let peer = retrieve_peer(401).await;
    let request = ProviderRequest::new(Method::Get, &format!("{}/provider/x", peer.url));
    let error = agent(&peer.url, Mode::Retrieve)
        .request("google", &request, &AuditContext::for_tool("t"))
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        &ErrorKind::ProviderUnauthorized { status: 401 }
    );
    assert!(error.tool_message().contains("reconnect Google"));
    let audit = peer.wait_for("/sdk/oauth/audit/api-call").await;
    assert_eq!(audit.json()["response_status"], 401);
}

#[tokio::test]
async fn retrieve_mode_refuses_plain_http_providers_before_fetching_a_token() {
    let peer = retrieve_peer(200).await;
    let request = ProviderRequest::new(Method::Get, "http://example.com/x");
    let error = agent(&peer.url, Mode::Retrieve)
        .request("google", &request, &AuditContext::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidRequest);
    assert!(peer.seen().is_empty());
}

#[tokio::test]
async fn retrieve_mode_maps_token_errors() {
    let peer = Peer::start(|_| {
        Reply::json(
            400,
            json!({"detail": {"error": "hitl_grant_requires_proxy", "message": "use proxy"}}),
        )
    })
    .await;
    let request = ProviderRequest::new(Method::Get, "https://www.googleapis.com/x");
    let error = agent(&peer.url, Mode::Retrieve)
        .request("google", &request, &AuditContext::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::RequiresProxy);
    assert_eq!(peer.seen().len(), 1);
}

/// A request with JSON-text parameters (`content: application/json`) and a free-form form
/// body (a whole object whose entries are the fields).
fn json_params_request(base: &str) -> ProviderRequest {
    let mut request = ProviderRequest::new(Method::Post, &format!("{base}/provider/{{key}}"));
    request
        .path_json("key", json!({"id": 1}))
        .query_json("filter", json!({"a": [1, 2]}))
        .query_json("label", "x y")
        .header_json("X-Meta", json!({"k": "v"}))
        .encoding(BodyEncoding::Form)
        .body(json!({"amount": "5", "currency": "eur"}));
    request
}

#[tokio::test]
async fn retrieve_mode_sends_json_parameters_as_text_and_free_form_fields() {
    let peer = retrieve_peer(200).await;
    agent(&peer.url, Mode::Retrieve)
        .request(
            "stripe",
            &json_params_request(&peer.url),
            &AuditContext::for_tool("t"),
        )
        .await
        .unwrap();
    let call = &peer.seen()[1];
    assert_eq!(
        call.target,
        "/provider/%7B%22id%22%3A1%7D?filter=%7B%22a%22%3A%5B1%2C2%5D%7D&label=%22x+y%22"
    );
    assert_eq!(call.header("x-meta"), Some(r#"{"k":"v"}"#));
    assert_eq!(call.body_text(), "amount=5&currency=eur");
}

#[tokio::test]
async fn proxy_mode_passes_json_parameters_as_strings_and_refuses_free_form_forms() {
    let backend = Peer::start(|_| Reply::json(500, json!({}))).await;
    let error = agent(&backend.url, Mode::Proxy)
        .request(
            "stripe",
            &json_params_request("https://api.stripe.test"),
            &AuditContext::for_tool("t"),
        )
        .await
        .unwrap_err();
    assert!(error.tool_message().contains("JSON bodies only"), "{error}");
    assert!(backend.seen().is_empty());
    let backend = Peer::start(|_| {
        Reply::json(
            200,
            json!({"status_code": 200, "headers": {}, "body_b64": "", "body_truncated": false}),
        )
    })
    .await;
    let mut request = json_params_request("https://api.stripe.test");
    request.encoding(BodyEncoding::Json);
    agent(&backend.url, Mode::Proxy)
        .request("stripe", &request, &AuditContext::for_tool("t"))
        .await
        .unwrap();
    let sent = backend.seen()[0].json();
    assert_eq!(
        sent["query_params"],
        json!({"filter": "{\"a\":[1,2]}", "label": "\"x y\""})
    );
    assert_eq!(
        sent["url"],
        "https://api.stripe.test/provider/%7B%22id%22%3A1%7D"
    );
    assert_eq!(sent["headers"]["X-Meta"], r#"{"k":"v"}"#);
    assert_eq!(sent["body"], json!({"amount": "5", "currency": "eur"}));
}
