//! Faults in retrieve mode (this process calls the provider) and the refusals that happen
//! before anything is sent, against a loopback peer playing Alter and the provider.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use alter_mcp_runtime::{
    Agent, AgentKey, AuditContext, ErrorKind, Limits, Method, Mode, ProviderRequest, RetryPolicy,
};
use serde_json::json;
use support::{GRANT, KEY, Peer, Reply, Seen};

fn agent(url: &str, mode: Mode, limits: Limits) -> Agent {
    Agent::builder(AgentKey::new(KEY).unwrap())
        .base_url(url)
        .mode(mode)
        .limits(limits)
        .build()
        .unwrap()
}

fn quick_retries() -> Limits {
    Limits {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        ..Limits::default()
    }
}

/// Alter's `/sdk/*` answers, and the provider's from `provider` (called with the 1-based
/// number of the provider call).
async fn retrieve_peer(provider: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Peer {
    let calls = Arc::new(AtomicUsize::new(0));
    Peer::start(move |seen: &Seen| match seen.target.as_str() {
        "/sdk/token" => Reply::json(
            200,
            json!({"access_token": "ya29.SECRET", "grant_id": GRANT,
            "provider_id": "google", "token_type": "Bearer", "expires_in": 3600}),
        ),
        "/sdk/oauth/audit/api-call" => Reply::raw(201, ""),
        _ => provider(calls.fetch_add(1, Ordering::SeqCst) + 1),
    })
    .await
}

fn seen_at(peer: &Peer, prefix: &str) -> Vec<Seen> {
    peer.seen()
        .into_iter()
        .filter(|s| s.target.starts_with(prefix))
        .collect()
}

async fn wait_for_audits(peer: &Peer, count: usize) -> Vec<Seen> {
    for _ in 0..100 {
        let audits = seen_at(peer, "/sdk/oauth/audit");
        if audits.len() >= count {
            return audits;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen_at(peer, "/sdk/oauth/audit")
}

fn busy_then_ok(n: usize) -> Reply {
    if n == 1 {
        Reply {
            headers: vec![("retry-after", "0".to_owned())],
            ..Reply::json(503, json!({"error": "backendError"}))
        }
    } else {
        Reply::json(200, json!({"items": []}))
    }
}

#[tokio::test]
async fn a_get_answered_503_is_retried_with_a_fresh_token_and_each_call_audited() {
    let peer = retrieve_peer(busy_then_ok).await;
    let request = ProviderRequest::new(Method::Get, &format!("{}/provider/events", peer.url));
    let response = agent(&peer.url, Mode::Retrieve, quick_retries())
        .request("google", &request, &AuditContext::for_tool("list_events"))
        .await
        .expect("the retry succeeds");
    assert_eq!(response.status(), 200);
    let tokens = seen_at(&peer, "/sdk/token");
    assert_eq!(tokens.len(), 2, "a token per attempt");
    assert_ne!(
        tokens[0].header("x-alter-nonce"),
        tokens[1].header("x-alter-nonce"),
        "each attempt is signed afresh"
    );
    tokens.iter().for_each(support::assert_signed);
    assert_eq!(seen_at(&peer, "/provider/").len(), 2);
    let audits = wait_for_audits(&peer, 2).await;
    let statuses: Vec<_> = audits
        .iter()
        .map(|a| a.json()["response_status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [json!(503), json!(200)],
        "both provider calls audited"
    );
}

#[tokio::test]
async fn a_post_answered_503_is_not_retried() {
    let peer = retrieve_peer(busy_then_ok).await;
    let mut request = ProviderRequest::new(Method::Post, &format!("{}/provider/events", peer.url));
    request.body_field("summary", "x");
    let error = agent(&peer.url, Mode::Retrieve, quick_retries())
        .request("google", &request, &AuditContext::new())
        .await
        .unwrap_err();
    assert!(matches!(
        error.kind(),
        ErrorKind::Provider { status: 503, .. }
    ));
    assert_eq!(seen_at(&peer, "/provider/").len(), 1, "sent once");
    assert_eq!(seen_at(&peer, "/sdk/token").len(), 1);
}

#[tokio::test]
async fn an_oversized_provider_body_is_cut_while_reading() {
    let big = "é".repeat(200_000); // 400 kB of two-byte characters
    let body = big.clone();
    let peer = retrieve_peer(move |_| Reply::raw(200, &body)).await;
    let limits = Limits {
        max_response_bytes: 1001,
        ..quick_retries()
    };
    let request = ProviderRequest::new(Method::Get, &format!("{}/provider/big", peer.url));
    let response = agent(&peer.url, Mode::Retrieve, limits)
        .request("google", &request, &AuditContext::new())
        .await
        .unwrap();
    assert!(response.is_truncated());
    // 1001 bytes would split a character: the cut ends at the last whole one.
    assert_eq!(response.body().len(), 1000);
    assert_eq!(response.text(), Some(&big[..1000]));
}

#[tokio::test]
async fn an_oversized_proxy_envelope_without_a_salvageable_body_is_a_clear_error() {
    let junk = "x".repeat(200_000);
    let peer = Peer::start(move |_| Reply::raw(200, &junk)).await;
    let limits = Limits {
        max_response_bytes: 1000,
        ..quick_retries()
    };
    let request = ProviderRequest::new(Method::Get, "https://www.googleapis.com/x");
    let error = agent(&peer.url, Mode::Proxy, limits)
        .request("google", &request, &AuditContext::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::MalformedResponse);
    let text = error.tool_message();
    assert!(
        text.contains("ALTER_MCP_MAX_RESPONSE_BYTES") && text.contains("narrow the request"),
        "{text}"
    );
}

#[tokio::test]
async fn header_values_with_crlf_are_refused_before_anything_is_sent() {
    let peer = retrieve_peer(|_| Reply::raw(200, "{}")).await;
    for mode in [Mode::Proxy, Mode::Retrieve] {
        let base = match mode {
            Mode::Proxy => "https://www.googleapis.com".to_owned(),
            Mode::Retrieve => peer.url.clone(),
        };
        let mut request = ProviderRequest::new(Method::Get, &format!("{base}/provider/x"));
        request.header("X-Request-Tag", "ok\r\nX-Injected: evil");
        let error = agent(&peer.url, mode, quick_retries())
            .request("google", &request, &AuditContext::new())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::InvalidRequest, "{mode:?}");
        assert!(error.message().contains("`X-Request-Tag`"), "{error}");
    }
    assert!(peer.seen().is_empty(), "nothing sent: {:?}", peer.seen());
}

#[tokio::test]
async fn a_slow_provider_times_out_and_the_attempt_is_audited() {
    let peer = retrieve_peer(|_| Reply {
        delay: Duration::from_secs(3),
        ..Reply::raw(200, "{}")
    })
    .await;
    let limits = Limits {
        timeout: Duration::from_millis(300),
        ..quick_retries()
    };
    let request = ProviderRequest::new(Method::Get, &format!("{}/provider/slow", peer.url));
    let started = std::time::Instant::now();
    let error = agent(&peer.url, Mode::Retrieve, limits)
        .request("google", &request, &AuditContext::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a timeout is not retried"
    );
    assert_eq!(seen_at(&peer, "/provider/").len(), 1);
    let audits = wait_for_audits(&peer, 1).await;
    assert!(audits[0].body_text().contains("timeout"));
}

/// Answers every connection with headers and the start of a body, then goes silent.
async fn stalling_peer() -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 8192];
                let _ = stream.read(&mut buffer).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"status_code\":";
                let _ = stream.write_all(head.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn a_stalled_answer_hits_the_read_timeout_long_before_the_attempt_timeout() {
    let url = stalling_peer().await;
    let limits = Limits {
        timeout: Duration::from_secs(20),
        read_timeout: Duration::from_millis(300),
        ..quick_retries()
    };
    let request = ProviderRequest::new(Method::Get, "https://www.googleapis.com/x");
    let started = std::time::Instant::now();
    let error = agent(&url, Mode::Proxy, limits)
        .request("google", &request, &AuditContext::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Timeout, "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(error.tool_message().contains("may have been carried out"));
}

#[test]
fn every_environment_variable_is_documented_in_the_readme() {
    // The variables the README documents are the ones the runtime reads.
    let readme = include_str!("../../README.md");
    for name in alter_mcp_runtime::env::ALL {
        assert!(
            readme.contains(&format!("`{name}`")) || readme.contains(&format!("`{name}=")),
            "{name} is documented in README.md"
        );
    }
}
