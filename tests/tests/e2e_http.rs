//! End to end over HTTP: the real `alter-mcp --http` binary, driven by rmcp's streamable HTTP
//! client, calling the loopback Alter backend. Checks the transport (tools/list, tools/call,
//! health, 401 without a bearer token, 413 over the body limit, graceful SIGTERM), that each
//! call is attributed to the user whose bearer token it carried, and that 200 concurrent calls
//! are all answered.

#[allow(dead_code)]
mod support;

mod http_support;

use std::collections::BTreeSet;
use std::time::Duration;

use alter_mcp_e2e::client::send;
use alter_mcp_e2e::{Backend, Recorded};
use http_support::{HttpServer, call, connect, try_connect};
use serde_json::{Value, json};

const ANA: (&str, &str) = (
    "eyJhbGciOiJSUzI1NiJ9.ana-identity.sig",
    "ana.ruiz@example.com",
);
const BEN: (&str, &str) = (
    "eyJhbGciOiJSUzI1NiJ9.ben-identity.sig",
    "ben.okafor@example.com",
);
/// The calendar owner the agent's own grant (no user token) reaches.
const AGENT_OWNER: &str = "alex.morgan@example.com";

async fn backend_with_users() -> Backend {
    Backend::builder()
        .user(ANA.0, ANA.1)
        .user(BEN.0, BEN.1)
        .user_without_grants("eyJ.no-grants.sig")
        .start()
        .await
        .expect("start the backend")
}

/// Neither the agent key nor any user token may reach the server's logs.
fn assert_no_secrets(server: &HttpServer, backend: &Backend) {
    let stderr = server.stderr();
    for secret in [backend.key(), ANA.0, BEN.0] {
        assert!(
            !stderr.contains(secret),
            "a credential appeared in stderr:\n{stderr}"
        );
    }
}

fn user_tokens(calls: &[Recorded]) -> Vec<Option<String>> {
    calls
        .iter()
        .map(|c| c.user_token().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn tools_list_and_call_over_http_carry_the_callers_token_to_alter() {
    let backend = backend_with_users().await;
    let server = HttpServer::start(&backend, &[]).await;

    let health = send(server.addr(), "GET", "/healthz", &[], b"")
        .await
        .unwrap();
    assert_eq!(health.status, 200);
    assert_eq!(health.json(), json!({"status": "ok"}));

    let client = connect(&server.url(), Some(ANA.0)).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert_eq!(tools.len(), support::allowlisted_tools().len());
    assert!(backend.requests().is_empty(), "listing tools calls nothing");

    let outcome = call(&client, "list_events", json!({"query": "standup"})).await;
    let text = outcome.ok_text();
    assert!(text.contains("Daily standup"), "{text}");
    assert!(
        text.contains(ANA.1) && !text.contains(AGENT_OWNER),
        "Ana's calendar: {text}"
    );

    let calls = backend.proxy_calls();
    assert_eq!(calls.len(), 1, "{calls:#?}");
    support::assert_list_events_call(&calls[0]);
    assert_eq!(calls[0].user_token(), Some(ANA.0));
    assert_eq!(
        calls[0].context_value("tool").as_deref(),
        Some("list_events")
    );
    // §4 key order: `user_token` right after `provider_id`, before the query.
    let body = String::from_utf8_lossy(&calls[0].body).into_owned();
    let at = |key: &str| body.find(&format!("\"{key}\"")).expect(key);
    assert!(
        at("provider_id") < at("user_token") && at("user_token") < at("query_params"),
        "{body}"
    );
    client.cancel().await.ok();
    assert_no_secrets(&server, &backend);
}

#[tokio::test]
async fn without_a_bearer_token_requests_get_401_and_reach_nothing() {
    let backend = backend_with_users().await;
    let server = HttpServer::start(&backend, &[]).await;
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}});
    let headers = [
        ("content-type".to_owned(), "application/json".to_owned()),
        (
            "accept".to_owned(),
            "application/json, text/event-stream".to_owned(),
        ),
    ];
    let body = initialize.to_string();
    let refused = send(server.addr(), "POST", "/mcp", &headers, body.as_bytes())
        .await
        .unwrap();
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("www-authenticate"), Some("Bearer"));

    let mut bad = headers.to_vec();
    bad.push(("authorization".into(), "Basic YWxpY2U6cHc=".into()));
    let refused = send(server.addr(), "POST", "/mcp", &bad, body.as_bytes())
        .await
        .unwrap();
    assert_eq!(refused.status, 401);
    assert!(
        refused
            .header("www-authenticate")
            .unwrap()
            .contains("invalid_token")
    );

    assert!(
        try_connect(&server.url(), None).await.is_err(),
        "rmcp's client is refused too"
    );
    let mut good = headers.to_vec();
    good.push(("authorization".into(), format!("Bearer {}", ANA.0)));
    let accepted = send(server.addr(), "POST", "/mcp", &good, body.as_bytes())
        .await
        .unwrap();
    assert_eq!(
        accepted.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&accepted.body)
    );
    assert!(backend.requests().is_empty());
    assert_no_secrets(&server, &backend);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_the_server_keeps_serving() {
    let backend = backend_with_users().await;
    let server = HttpServer::start(&backend, &["--max-body", "4096"]).await;
    let headers = [
        ("content-type".to_owned(), "application/json".to_owned()),
        (
            "accept".to_owned(),
            "application/json, text/event-stream".to_owned(),
        ),
        ("authorization".to_owned(), format!("Bearer {}", ANA.0)),
    ];
    let text = "x".repeat(8192);
    let big = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "send_slack", "arguments": {"channel": "C0123456789", "text": text}}});
    let refused = send(
        server.addr(),
        "POST",
        "/mcp",
        &headers,
        big.to_string().as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(refused.status, 413);

    // Through rmcp's client too: the call fails as a request, nothing reaches Alter, and the
    // next call is served.
    let client = connect(&server.url(), Some(ANA.0)).await;
    let mut arguments = serde_json::Map::new();
    arguments.insert("channel".into(), json!("C0123456789"));
    arguments.insert("text".into(), json!(text));
    let params = rmcp::model::CallToolRequestParams::new("send_slack").with_arguments(arguments);
    assert!(
        client.call_tool(params).await.is_err(),
        "an oversized call must fail"
    );
    assert!(backend.requests().is_empty());
    let small = call(
        &client,
        "send_slack",
        json!({"channel": "C0123456789", "text": "hi"}),
    )
    .await;
    assert!(
        small.ok_text().contains("1712345678.123456"),
        "{}",
        small.text
    );
    assert_eq!(backend.proxy_calls().len(), 1);
    client.cancel().await.ok();
}

#[tokio::test]
async fn two_users_at_once_each_call_is_attributed_to_its_own_user() {
    let backend = backend_with_users().await;
    let server = HttpServer::start(&backend, &[]).await;
    let ana = connect(&server.url(), Some(ANA.0)).await;
    let ben = connect(&server.url(), Some(BEN.0)).await;
    let rounds = 5;
    let (ana_peer, ben_peer) = (ana.peer().clone(), ben.peer().clone());
    let calls = (0..rounds).flat_map(|_| {
        [
            (ana_peer.clone(), ANA.1, BEN.1),
            (ben_peer.clone(), BEN.1, ANA.1),
        ]
    });
    let outcomes = run_all(calls.map(|(client, own, other)| async move {
        let outcome = call(&client, "list_events", json!({"query": "standup"})).await;
        let text = outcome.ok_text().to_owned();
        assert!(
            text.contains(own) && !text.contains(other),
            "{own} got: {text}"
        );
    }))
    .await;
    assert_eq!(outcomes, 2 * rounds);

    let tokens = user_tokens(&backend.proxy_calls());
    let count = |token: &str| {
        tokens
            .iter()
            .filter(|t| t.as_deref() == Some(token))
            .count()
    };
    assert_eq!(
        (count(ANA.0), count(BEN.0), tokens.len()),
        (rounds, rounds, 2 * rounds)
    );
    ana.cancel().await.ok();
    ben.cancel().await.ok();
    assert_no_secrets(&server, &backend);
}

#[tokio::test]
async fn alter_refusing_a_user_is_a_tool_error_and_anonymous_calls_need_opting_in() {
    let backend = backend_with_users().await;
    let server = HttpServer::start(&backend, &["--allow-anonymous"]).await;
    let stranger = connect(&server.url(), Some("eyJ.unknown-user.sig")).await;
    let refused = call(&stranger, "list_events", json!({})).await;
    assert!(refused.is_error, "{}", refused.text);
    let no_grants = connect(&server.url(), Some("eyJ.no-grants.sig")).await;
    let missing = call(&no_grants, "list_events", json!({})).await;
    assert!(missing.is_error, "{}", missing.text);
    refused.assert_error_mentions(&["identity token", "sign in again"]);
    missing.assert_error_mentions(&["no delegated grant", "google"]);

    let anonymous = connect(&server.url(), None).await;
    let own = call(&anonymous, "list_events", json!({"query": "standup"})).await;
    assert!(own.ok_text().contains(AGENT_OWNER), "{}", own.text);
    let calls = backend.proxy_calls();
    let errors: Vec<_> = calls.iter().map(|c| (c.status, c.error.clone())).collect();
    assert_eq!(
        errors,
        [
            (401, Some("jwt_validation_error".to_owned())),
            (409, Some("no_delegated_grant".to_owned())),
            (200, None)
        ]
    );
    assert_eq!(
        calls[2].field("user_token"),
        None,
        "no token, no key: {calls:?}"
    );
    for client in [stranger, no_grants, anonymous] {
        client.cancel().await.ok();
    }
}

#[tokio::test]
async fn two_hundred_concurrent_calls_are_all_answered_once() {
    const CALLS: usize = 200;
    let backend = backend_with_users().await;
    let server = HttpServer::start(&backend, &[]).await;
    let session = connect(&server.url(), Some(ANA.0)).await;
    let client = session.peer().clone();
    let answered = run_all((0..CALLS).map(|i| {
        let client = client.clone();
        async move {
            let text = format!("message {i}");
            let outcome = call(
                &client,
                "send_slack",
                json!({"channel": "C0123456789", "text": text}),
            )
            .await;
            let body: Value = serde_json::from_str(outcome.ok_text()).expect("Slack JSON");
            assert_eq!(
                body["message"]["text"],
                json!(text),
                "call {i} got another call's answer"
            );
        }
    }))
    .await;
    assert_eq!(answered, CALLS);

    let calls = backend.proxy_calls();
    assert_eq!(
        calls.len(),
        CALLS,
        "one backend request per call, none lost or repeated"
    );
    let texts: BTreeSet<String> = calls
        .iter()
        .filter_map(|c| c.field("body")?.get("text")?.as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        texts.len(),
        CALLS,
        "every call's own text reached Alter once"
    );
    assert!(
        user_tokens(&calls)
            .iter()
            .all(|t| t.as_deref() == Some(ANA.0))
    );
    session.cancel().await.ok();
}

#[tokio::test]
async fn sigterm_stops_accepting_and_lets_the_call_in_flight_finish() {
    let backend = backend_with_users().await;
    let mut server = HttpServer::start(&backend, &["--shutdown-grace", "30"]).await;
    let client = connect(&server.url(), Some(ANA.0)).await;
    backend.delay_answers(Duration::from_millis(1500));
    let in_flight = tokio::spawn({
        let client = client.peer().clone();
        async move { call(&client, "list_events", json!({"query": "standup"})).await }
    });
    let seen = backend.wait_for_requests(1, Duration::from_secs(30)).await;
    assert_eq!(seen.len(), 1, "the call reached the backend");
    server.sigterm();
    let outcome = in_flight.await.expect("the call task");
    assert!(
        outcome.ok_text().contains("Daily standup"),
        "{}",
        outcome.text
    );
    let status = server.wait().await;
    assert!(status.success(), "clean exit after SIGTERM: {status}");
    let stderr = server.stderr();
    assert!(
        stderr.contains("SIGTERM received") && stderr.contains("all requests finished"),
        "{stderr}"
    );
    assert!(
        send(server.addr(), "GET", "/healthz", &[], b"")
            .await
            .is_err(),
        "a stopped server accepts no connection"
    );
}

/// Spawns every future (so they run at once) and waits for all; a panic in any fails the test.
/// Returns how many completed.
async fn run_all<F>(futures: impl Iterator<Item = F>) -> usize
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for future in futures {
        set.spawn(future);
    }
    let mut done = 0;
    while let Some(joined) = set.join_next().await {
        joined.expect("a call task panicked");
        done += 1;
    }
    done
}

/// The status of a raw `initialize` POST to `/mcp` with `Host: host` and the `extra` headers.
async fn initialize_status(server: &HttpServer, host: &str, extra: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"}}})
    .to_string();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nhost: {host}\r\n{extra}content-type: application/json\r\n\
         accept: application/json, text/event-stream\r\nauthorization: Bearer {}\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n",
        ANA.0,
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer}"))
}

#[tokio::test]
async fn on_loopback_foreign_hosts_and_origins_are_refused() {
    let backend = backend_with_users().await;
    let server = HttpServer::start(&backend, &[]).await;
    let port = server.addr().port();
    let local = format!("127.0.0.1:{port}");
    assert_eq!(initialize_status(&server, &local, "").await, 200);
    let localhost = format!("localhost:{port}");
    let own_origin = "origin: http://localhost:6274\r\n";
    assert_eq!(
        initialize_status(&server, &localhost, own_origin).await,
        200
    );
    // DNS rebinding: a page on evil.example resolved to 127.0.0.1.
    let rebound = format!("evil.example:{port}");
    assert_eq!(initialize_status(&server, &rebound, "").await, 403);
    let foreign_origin = "origin: https://evil.example\r\n";
    assert_eq!(
        initialize_status(&server, &local, foreign_origin).await,
        403
    );
}

#[tokio::test]
async fn even_trace_logs_never_show_a_user_token_or_the_key() {
    let backend = backend_with_users().await;
    let base_url = backend.base_url();
    let env = [
        ("ALTER_MCP_AGENT_KEY", backend.key()),
        ("ALTER_BASE_URL", base_url.as_str()),
        ("ALTER_MCP_LOG", "trace"),
    ];
    let server = HttpServer::start_with(&env, &[]).await;
    let client = connect(&server.url(), Some(ANA.0)).await;
    let outcome = call(&client, "list_events", json!({"query": "standup"})).await;
    outcome.ok_text();
    let refused = connect(&server.url(), Some("eyJ.unknown-user.sig")).await;
    assert!(call(&refused, "list_events", json!({})).await.is_error);
    client.cancel().await.ok();
    refused.cancel().await.ok();
    let stderr = server.stderr();
    assert!(stderr.contains("TRACE"), "trace logging is on");
    for secret in [backend.key(), ANA.0, "eyJ.unknown-user.sig"] {
        assert!(
            !stderr.contains(secret),
            "a credential appeared in trace logs"
        );
    }
}

#[tokio::test]
async fn sigterm_on_an_idle_server_exits_cleanly_at_once() {
    let backend = backend_with_users().await;
    let mut server = HttpServer::start(&backend, &[]).await;
    server.sigterm();
    let status = server.wait().await;
    assert!(status.success(), "clean exit after SIGTERM: {status}");
    assert!(server.stderr().contains("all requests finished"));
}
