//! Two copies of `alter-mcp --http` behind nginx (a real load balancer, round-robin, HTTP/1.1,
//! buffering off; `http_support/nginx.rs`) serve one MCP client's calls: the server is
//! stateless, so whichever copy answers a request can answer it.
//!
//! In CI (`CI=true`) a missing nginx fails the test; elsewhere it is skipped with a notice.

#[allow(dead_code)]
mod support;

#[allow(dead_code)]
mod http_support;

use alter_mcp_e2e::Backend;
use http_support::nginx::{Nginx, require_nginx};
use http_support::{HttpServer, call, connect};
use serde_json::json;

const USER: (&str, &str) = ("eyJhbGciOiJSUzI1NiJ9.lb-user.sig", "lee.berg@example.com");

fn tool_calls_done(server: &HttpServer) -> usize {
    server.stderr().matches("tool call done").count()
}

/// Both copies' counts once they add up to `total` (log lines reach the test a moment after
/// the answers do), or after 10 s.
async fn calls_done(first: &HttpServer, second: &HttpServer, total: usize) -> (usize, usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let counts = (tool_calls_done(first), tool_calls_done(second));
        if counts.0 + counts.1 >= total || std::time::Instant::now() > deadline {
            return counts;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_copies_behind_nginx_serve_one_clients_calls() {
    let Some(nginx) = require_nginx("two_copies_behind_nginx_serve_one_clients_calls") else {
        return;
    };
    let backend = Backend::builder()
        .user(USER.0, USER.1)
        .start()
        .await
        .expect("start the backend");
    let first = HttpServer::start(&backend, &[]).await;
    let second = HttpServer::start(&backend, &[]).await;
    let balancer = Nginx::start(&nginx, &[first.addr(), second.addr()]).await;

    let url = format!("http://127.0.0.1:{}/mcp", balancer.port);
    let client = connect(&url, Some(USER.0)).await;
    let tools = client
        .list_all_tools()
        .await
        .expect("tools/list through nginx");
    assert!(!tools.is_empty());
    const CALLS: usize = 10;
    for i in 0..CALLS {
        let text = format!("via nginx {i}");
        let outcome = call(
            &client,
            "send_slack",
            json!({"channel": "C0123456789", "text": text}),
        )
        .await;
        assert!(
            outcome.ok_text().contains(&text),
            "call {i}: {}",
            outcome.text
        );
    }
    client.cancel().await.ok();

    let (a, b) = calls_done(&first, &second, CALLS).await;
    assert_eq!(a + b, CALLS, "every call answered by exactly one copy");
    assert!(
        a > 0 && b > 0,
        "round-robin: both copies answered ({a} and {b})"
    );
    let calls = backend.proxy_calls();
    assert_eq!(calls.len(), CALLS);
    assert!(
        calls.iter().all(|c| c.user_token() == Some(USER.0)),
        "the user's token crossed nginx"
    );
    let access = std::fs::read_to_string(balancer.prefix.join("access.log")).unwrap_or_default();
    assert!(
        access.lines().count() > CALLS,
        "nginx served the requests:\n{access}"
    );
}
