//! The loopback backend over real HTTP: it answers correctly signed calls, refuses wrongly
//! signed, replayed, stale and tampered ones, checks body shapes, and plays scripted faults.

use std::time::Duration;

use alter_mcp_e2e::client::{SigningClient, send};
use alter_mcp_e2e::{ApprovalPlan, Backend, Endpoint, Fault, FaultRule, TEST_AGENT_ID};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

const EVENTS: &str = "https://www.googleapis.com/calendar/v3/calendars/primary/events";

fn client(backend: &Backend) -> SigningClient {
    SigningClient::new(backend.addr(), backend.key())
}

fn events_list() -> Value {
    json!({"method": "GET", "url": EVENTS, "provider_id": "google", "query_params": {"q": "standup", "maxResults": 10}})
}

fn decode_body(result: &Value) -> Value {
    let bytes = STANDARD
        .decode(result["body_b64"].as_str().expect("body_b64"))
        .expect("base64");
    serde_json::from_slice(&bytes).expect("provider JSON")
}

#[tokio::test]
async fn proxy_answers_with_the_provider_body_and_records_the_call() {
    let backend = Backend::start().await;
    let context = json!({"tool": "list_events"});
    let response = client(&backend)
        .post("/sdk/proxy", &events_list(), Some(&context))
        .await
        .unwrap();
    assert_eq!(response.status, 200, "{:?}", response.json());
    let result = response.json();
    assert_eq!(result["status_code"], 200);
    assert_eq!(result["body_truncated"], false);
    assert_eq!(result["credential_hint"], Value::Null);
    let events = decode_body(&result);
    assert_eq!(events["kind"], "calendar#events");
    assert_eq!(events["items"][0]["summary"], "Daily standup");

    let calls = backend.proxy_calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert!(call.verified);
    assert_eq!(call.agent_id.as_deref(), Some(TEST_AGENT_ID));
    assert_eq!(call.context_value("tool").as_deref(), Some("list_events"));
    assert_eq!(call.query_param("q").as_deref(), Some("standup"));
    assert_eq!(call.query_param("maxResults").as_deref(), Some("10"));
    assert!(call.header("x-alter-signature-v2").is_some());
    assert!(
        !format!("{call:?}").contains(backend.key()),
        "Debug must not show the key"
    );
}

#[tokio::test]
async fn refuses_replayed_stale_tampered_and_unknown_key_requests() {
    let backend = Backend::start().await;
    let c = client(&backend);
    let body = events_list().to_string().into_bytes();

    // Replay: the very same bytes and headers twice.
    let headers = c.headers(SigningClient::parts("POST", "/sdk/proxy"), &body);
    let first = send(backend.addr(), "POST", "/sdk/proxy", &headers, &body)
        .await
        .unwrap();
    assert_eq!(first.status, 200);
    let replay = send(backend.addr(), "POST", "/sdk/proxy", &headers, &body)
        .await
        .unwrap();
    assert_eq!(
        (replay.status, replay.json()["detail"]["error"].as_str()),
        (401, Some("nonce_reused"))
    );

    // Tampered body: headers signed for one body, another body sent.
    let headers = c.headers(SigningClient::parts("POST", "/sdk/proxy"), &body);
    let other = events_list()
        .to_string()
        .replace("standup", "payroll")
        .into_bytes();
    let tampered = send(backend.addr(), "POST", "/sdk/proxy", &headers, &other)
        .await
        .unwrap();
    assert_eq!(tampered.json()["detail"]["error"], "content_hash_mismatch");

    // Stale: signed correctly but 10 minutes ago.
    let mut parts = SigningClient::parts("POST", "/sdk/proxy");
    parts.timestamp = (alter_mcp_e2e::util::now_unix() - 600).to_string();
    let stale = c.send_parts(parts, &body).await.unwrap();
    assert_eq!(
        (stale.status, stale.json()["detail"]["error"].as_str()),
        (401, Some("invalid_timestamp"))
    );

    // Wrong key: a well-formed key the backend does not know.
    let stranger = SigningClient::new(
        backend.addr(),
        "alter_key_0000000000000000000000000000000000000000",
    );
    let unknown = stranger
        .post("/sdk/proxy", &events_list(), None)
        .await
        .unwrap();
    assert_eq!(
        (unknown.status, unknown.json()["detail"]["error"].as_str()),
        (401, Some("invalid_key"))
    );

    // Identity header added after signing: a downgrade.
    let mut headers = c.headers(SigningClient::parts("POST", "/sdk/proxy"), &body);
    headers.push(("x-alter-context".into(), r#"{"tool":"x"}"#.into()));
    let downgrade = send(backend.addr(), "POST", "/sdk/proxy", &headers, &body)
        .await
        .unwrap();
    assert_eq!(downgrade.json()["detail"]["error"], "invalid_signature");

    assert_eq!(backend.proxy_calls().len(), 1);
    assert_eq!(backend.rejected().len(), 5);
    assert!(backend.rejected().iter().all(|r| r.status == 401));
}

#[tokio::test]
async fn checks_content_type_and_body_shapes() {
    let backend = Backend::start().await;
    let c = client(&backend);
    let body = events_list().to_string().into_bytes();
    let mut headers = c.headers(SigningClient::parts("POST", "/sdk/proxy"), &body);
    headers.retain(|(name, _)| name != "content-type");
    let no_type = send(backend.addr(), "POST", "/sdk/proxy", &headers, &body)
        .await
        .unwrap();
    assert_eq!(no_type.status, 415);

    let cases = [
        (
            "/sdk/proxy",
            json!({"method": "GET", "provider_id": "google"}),
            "url",
        ),
        ("/sdk/proxy", json!({"method": "GET", "url": EVENTS}), ""),
        (
            "/sdk/proxy",
            json!({"method": "get", "url": EVENTS, "provider_id": "google"}),
            "method",
        ),
        (
            "/sdk/proxy",
            json!({"method": "GET", "url": EVENTS, "provider_id": "google", "grant_id": backend.grant_id("google")}),
            "",
        ),
        (
            "/sdk/proxy",
            json!({"method": "GET", "url": EVENTS, "provider_id": "google", "extra": 1}),
            "extra",
        ),
        (
            "/sdk/proxy",
            json!({"method": "GET", "url": EVENTS, "provider_id": "google", "headers": {"Authorization": "x"}}),
            "headers",
        ),
        (
            "/sdk/token",
            json!({"provider_id": "google", "request": {"method": "GET", "url": EVENTS}}),
            "reason",
        ),
        (
            "/sdk/token",
            json!({"provider_id": "google", "reason": null}),
            "request",
        ),
    ];
    for (path, body, field) in cases {
        let response = c.post(path, &body, None).await.unwrap();
        assert_eq!(response.status, 422, "{path} {body}");
        let loc = response.json()["detail"][0]["loc"].clone();
        assert_eq!(loc[1].as_str().unwrap_or(""), field, "{path} {body}: {loc}");
    }

    let blocked =
        json!({"method": "GET", "url": "https://evil.example.com/x", "provider_id": "google"});
    let response = c.post("/sdk/proxy", &blocked, None).await.unwrap();
    assert_eq!(
        (response.status, response.json()["detail"]["error"].as_str()),
        (422, Some("blocked_destination"))
    );
    assert!(response.header("x-request-id").is_some());

    let no_grant =
        json!({"method": "GET", "url": "https://api.github.com/user", "provider_id": "github"});
    let response = c.post("/sdk/proxy", &no_grant, None).await.unwrap();
    assert_eq!(
        (response.status, response.json()["error"].as_str()),
        (404, Some("no_delegated_grant"))
    );
}

#[tokio::test]
async fn token_audit_and_connect_answers_follow_the_protocol() {
    let backend = Backend::start().await;
    let c = client(&backend);
    let body = json!({"provider_id": "google", "reason": null, "request": {"method": "GET", "url": EVENTS}});
    let token = c
        .post("/sdk/token", &body, Some(&json!({"tool": "list_events"})))
        .await
        .unwrap();
    assert_eq!(token.status, 200);
    let token = token.json();
    assert!(
        token["access_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(
        token["grant_id"].as_str(),
        Some(backend.grant_id("google").as_str())
    );
    assert_eq!(
        (token["token_type"].as_str(), token["provider_id"].as_str()),
        (Some("Bearer"), Some("google"))
    );
    assert_eq!(token["injection_format"], "Bearer {token}");
    assert!(token["expires_at"].as_str().unwrap().ends_with('Z'));

    let by_grant = json!({"grant_id": backend.grant_id("slack"), "reason": "why", "request": {"method": "POST", "url": "https://slack.com/api/chat.postMessage"}});
    assert_eq!(
        c.post("/sdk/token", &by_grant, None).await.unwrap().json()["provider_id"],
        "slack"
    );

    let audit = json!({
        "grant_id": backend.grant_id("google"), "provider_id": "google", "token_generation": null,
        "method": "GET", "url": EVENTS, "request_headers": {}, "request_body": null,
        "response_status": 200, "response_headers": {}, "response_body": "{}", "latency_ms": 12,
        "reason": null, "context": {"tool": "list_events"},
    });
    assert_eq!(
        c.post("/sdk/oauth/audit/api-call", &audit, None)
            .await
            .unwrap()
            .status,
        201
    );
    let mut bad = audit.clone();
    bad["response_status"] = json!("200");
    assert_eq!(
        c.post("/sdk/oauth/audit/api-call", &bad, None)
            .await
            .unwrap()
            .status,
        422
    );

    let session = json!({"allowed_providers": ["google"], "return_url": null, "allowed_origin": null, "metadata": null});
    let session = c
        .post("/sdk/oauth/connect/session", &session, None)
        .await
        .unwrap()
        .json();
    assert!(
        session["connect_url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert!(
        session["session_token"].as_str().is_some() && session["expires_in"].as_u64().is_some()
    );
    assert_eq!(backend.token_calls().len(), 2);
    let audit_statuses: Vec<u16> = backend.audit_calls().iter().map(|r| r.status).collect();
    assert_eq!(audit_statuses, [201, 422]);
}

#[tokio::test]
async fn faults_apply_in_order_and_by_provider() {
    let backend = Backend::start().await;
    let c = client(&backend);
    backend.fail_next(Fault::agent_revoked().in_detail());
    backend.add_fault(FaultRule::always(Fault::rate_limited(7)).provider("slack"));
    backend.add_fault(
        FaultRule::once(Fault::provider_answer(404, json!({"error": {"code": 404}})))
            .endpoint(Endpoint::Proxy),
    );

    let first = c.post("/sdk/proxy", &events_list(), None).await.unwrap();
    assert_eq!(
        (first.status, first.json()["detail"]["error"].as_str()),
        (401, Some("agent_revoked"))
    );
    let second = c.post("/sdk/proxy", &events_list(), None).await.unwrap();
    assert_eq!(
        (second.status, second.json()["status_code"].as_u64()),
        (200, Some(404))
    );
    let third = c.post("/sdk/proxy", &events_list(), None).await.unwrap();
    assert_eq!(decode_body(&third.json())["kind"], "calendar#events");

    let slack = json!({"method": "POST", "url": "https://slack.com/api/chat.postMessage", "provider_id": "slack", "body": {"channel": "C1", "text": "hi"}});
    for _ in 0..2 {
        let limited = c.post("/sdk/proxy", &slack, None).await.unwrap();
        assert_eq!(
            (limited.status, limited.header("retry-after")),
            (429, Some("7"))
        );
        assert_eq!(limited.json()["error"], "rate_limit_exceeded");
    }
    backend.clear_faults();
    assert_eq!(
        c.post("/sdk/proxy", &slack, None).await.unwrap().status,
        200
    );

    backend.fail_next(Fault::malformed_json());
    let malformed = c.post("/sdk/proxy", &events_list(), None).await.unwrap();
    assert!(serde_json::from_slice::<Value>(&malformed.body).is_err());
    backend.fail_next(Fault::internal_error());
    assert_eq!(
        c.post("/sdk/proxy", &events_list(), None)
            .await
            .unwrap()
            .status,
        500
    );
    let faulted = backend.proxy_calls().iter().filter(|r| r.faulted).count();
    assert_eq!(faulted, 6);
}

#[tokio::test]
async fn pending_approval_walks_to_a_result() {
    let backend = Backend::start().await;
    let c = client(&backend);
    backend.fail_next(Fault::pending_approval(ApprovalPlan::executed()));
    let pending = c.post("/sdk/proxy", &events_list(), None).await.unwrap();
    assert_eq!(pending.status, 202);
    let pending = pending.json();
    let id = pending["approval_id"].as_str().unwrap();
    assert_eq!(pending["gates"][0]["approval_id"], id);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let status = c
            .get(&format!("/sdk/approvals/{id}?wait=25"))
            .await
            .unwrap();
        assert_eq!(status.status, 200);
        statuses.push(status.json()["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(statuses, ["pending", "pending", "executing", "executed"]);
    let result = c
        .get(&format!("/sdk/approvals/{id}/result"))
        .await
        .unwrap()
        .json();
    assert_eq!(result["approval_id"], id);
    assert_eq!(decode_body(&result)["kind"], "calendar#events");
    assert_eq!(
        c.get(&format!("/sdk/approvals/{id}?wait=26"))
            .await
            .unwrap()
            .status,
        422
    );
}

#[tokio::test]
async fn stop_refuses_connections_and_resume_serves_again() {
    let backend = Backend::start().await;
    let c = client(&backend);
    assert_eq!(
        c.post("/sdk/proxy", &events_list(), None)
            .await
            .unwrap()
            .status,
        200
    );
    backend.stop().await;
    assert!(c.post("/sdk/proxy", &events_list(), None).await.is_err());
    backend.resume().await.unwrap();
    assert_eq!(
        c.post("/sdk/proxy", &events_list(), None)
            .await
            .unwrap()
            .status,
        200
    );
}

#[tokio::test]
async fn control_api_adds_faults_and_lists_requests() {
    let backend = Backend::start().await;
    let spec = json!({"status": 409, "body": {"error": "no_delegated_grant", "provider_id": "google"}, "provider": "google"});
    let body = spec.to_string().into_bytes();
    let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    let added = send(backend.addr(), "POST", "/__test/faults", &headers, &body)
        .await
        .unwrap();
    assert_eq!(added.status, 201);
    let c = client(&backend);
    assert_eq!(
        c.post("/sdk/proxy", &events_list(), None)
            .await
            .unwrap()
            .status,
        409
    );
    let records = backend.wait_for_requests(1, Duration::from_secs(1)).await;
    assert_eq!(records.len(), 1, "control calls are not recorded");
    let listed = send(backend.addr(), "GET", "/__test/requests", &[], b"")
        .await
        .unwrap()
        .json();
    assert_eq!(listed[0]["error"], "no_delegated_grant");
    assert_eq!(listed[0]["verified"], true);
    assert!(!listed.to_string().contains(backend.key()));
}
