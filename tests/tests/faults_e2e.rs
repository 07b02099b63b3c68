//! Faults and safety, end to end: the real `alter-mcp` binary, driven over stdio by rmcp's
//! client, against the loopback Alter backend made to misbehave (500, slow, reset, malformed,
//! 429/503 with `Retry-After`, huge answers). Each fault must become a tool error the model
//! can act on (or a safe retry), and the next call must work.

// The session helpers are shared with e2e_stdio.rs; some serve only that file.
#[allow(dead_code)]
mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use alter_mcp_e2e::{Backend, Endpoint, Fault, FaultRule};
use rmcp::model::{CallToolRequest, CallToolRequestParams, ClientRequest};
use rmcp::service::PeerRequestOptions;
use serde_json::{Value, json};
use support::McpSession;

async fn session_with(backend: &Backend, extra: &[(&str, &str)]) -> McpSession {
    let base_url = backend.base_url();
    let mut env = vec![
        ("ALTER_MCP_AGENT_KEY", backend.key()),
        ("ALTER_BASE_URL", base_url.as_str()),
    ];
    env.extend_from_slice(extra);
    McpSession::start(&env).await
}

/// Closes the session and checks the agent key never reached the server's logs.
async fn close(session: McpSession, backend: &Backend) -> String {
    let stderr = session.close().await;
    assert!(
        !stderr.contains(backend.key()),
        "the agent key appeared in the server's stderr"
    );
    stderr
}

async fn list_events_works(session: &McpSession, what: &str) {
    let next = session.call("list_events", json!({})).await;
    assert!(
        !next.is_error,
        "{what}: the next call must work: {}",
        next.text
    );
}

#[tokio::test]
async fn alter_misbehaving_becomes_tool_errors_and_the_server_keeps_serving() {
    let backend = Backend::start().await;
    // A short attempt timeout makes the slow backend a timeout within the test.
    let session = session_with(
        &backend,
        &[("ALTER_MCP_TIMEOUT_SECS", "1"), ("ALTER_MCP_LOG", "debug")],
    )
    .await;
    let cases: Vec<(&str, Fault, Vec<&str>)> = vec![
        (
            "500",
            Fault::internal_error(),
            vec!["HTTP 500", "try again"],
        ),
        (
            "timeout",
            Fault::Delay(Duration::from_secs(4)),
            vec!["timed out", "may have been carried out", "ALTER_BASE_URL"],
        ),
        (
            "reset",
            Fault::Reset,
            vec![
                "connection failed",
                "may have been carried out",
                "Alter backend",
            ],
        ),
        (
            "malformed 200",
            Fault::malformed_json(),
            vec!["could not use", "try again"],
        ),
        (
            "malformed 502",
            Fault::malformed(502, "<html><body>Bad Gateway</body></html>"),
            vec!["502"],
        ),
        (
            "malformed 400",
            Fault::malformed(400, "{\"error\": "),
            vec!["400"],
        ),
    ];
    for (what, fault, keywords) in cases {
        backend.clear_requests();
        backend.fail_next(fault);
        let started = Instant::now();
        let outcome = session.call("list_events", json!({})).await;
        assert!(
            outcome.is_error,
            "{what}: expected a tool error: {}",
            outcome.text
        );
        outcome.assert_error_mentions(&keywords);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{what}: answered within the timeout"
        );
        assert_eq!(
            backend.proxy_calls().len(),
            1,
            "{what}: none of these is retried"
        );
        list_events_works(&session, what).await;
    }
    let stderr = close(session, &backend).await;
    assert!(stderr.contains("tool call failed"), "failures are logged");
}

#[tokio::test]
async fn a_timed_out_call_drops_its_connection() {
    let backend = Backend::start().await;
    let session = session_with(&backend, &[("ALTER_MCP_TIMEOUT_SECS", "0.5")]).await;
    backend.fail_next(Fault::Delay(Duration::from_secs(5)));
    let outcome = session.call("list_events", json!({})).await;
    outcome.assert_error_mentions(&["timed out"]);
    wait_until("the backend sees the request abandoned", || {
        backend.abandoned() == 1
    })
    .await;
    close(session, &backend).await;
}

async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn nonces(calls: &[alter_mcp_e2e::Recorded]) -> BTreeSet<String> {
    calls
        .iter()
        .filter_map(|c| c.header("x-alter-nonce").map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn transient_answers_to_a_get_are_retried_with_fresh_signatures() {
    let backend = Backend::start().await;
    let session = session_with(&backend, &[]).await;
    let google_busy = json!({"error": {"code": 429, "message": "Rate Limit Exceeded"}});
    let cases: Vec<(&str, Fault)> = vec![
        ("Alter 429", Fault::rate_limited(1)),
        ("Alter 503", Fault::unavailable(1)),
        (
            "provider 429 in the ApprovalResult",
            Fault::provider_answer(429, google_busy).with_header("Retry-After", "1"),
        ),
        (
            "provider 503 without Retry-After (backoff)",
            Fault::provider_answer(503, json!({"error": "backendError"})),
        ),
    ];
    for (what, fault) in cases {
        backend.clear_requests();
        let honours_retry_after = !what.contains("backoff");
        backend.fail_next(fault);
        let started = Instant::now();
        let outcome = session
            .call("list_events", json!({"query": "standup"}))
            .await;
        assert!(
            outcome.ok_text().contains("Daily standup"),
            "{what}: {}",
            outcome.text
        );
        if honours_retry_after {
            assert!(
                started.elapsed() >= Duration::from_secs(1),
                "{what}: Retry-After: 1 was honoured"
            );
        }
        let calls = backend.proxy_calls();
        assert_eq!(calls.len(), 2, "{what}: one retry: {calls:#?}");
        assert!(calls[0].faulted && !calls[1].faulted, "{what}");
        assert_eq!(calls[1].status, 200, "{what}");
        assert!(calls.iter().all(|c| c.verified), "{what}: both signed");
        assert_eq!(nonces(&calls).len(), 2, "{what}: a fresh nonce per attempt");
        assert!(backend.rejected().is_empty(), "{what}: no replay rejected");
    }
    close(session, &backend).await;
}

#[tokio::test]
async fn attempts_are_bounded_and_a_long_retry_after_ends_the_call_at_once() {
    let backend = Backend::start().await;
    let session = session_with(&backend, &[("ALTER_MCP_RETRY_ATTEMPTS", "3")]).await;
    backend.add_fault(FaultRule::times(
        Fault::provider_answer(503, json!({"error": "backendError"})),
        5,
    ));
    let outcome = session.call("list_events", json!({})).await;
    outcome.assert_error_mentions(&["HTTP 503"]);
    assert_eq!(backend.proxy_calls().len(), 3, "three attempts, no more");
    backend.clear_faults();

    backend.clear_requests();
    backend.fail_next(Fault::rate_limited(60));
    let started = Instant::now();
    let outcome = session.call("list_events", json!({})).await;
    outcome.assert_error_mentions(&["retry after 60"]);
    assert!(started.elapsed() < Duration::from_secs(2), "no hidden wait");
    assert_eq!(backend.proxy_calls().len(), 1);

    backend.clear_requests();
    backend.fail_next(
        Fault::provider_answer(429, json!({"error": "slow down"}))
            .with_header("Retry-After", "120"),
    );
    let outcome = session.call("list_events", json!({})).await;
    outcome.assert_error_mentions(&["HTTP 429", "Retry after 120 s"]);
    assert_eq!(backend.proxy_calls().len(), 1);
    list_events_works(&session, "after a long Retry-After").await;
    close(session, &backend).await;
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_a_get_only() {
    let backend = Backend::start().await;
    let session = session_with(&backend, &[("ALTER_MCP_RETRY_ATTEMPTS", "3")]).await;
    list_events_works(&session, "before the backend stops").await;
    backend.stop().await;
    let retries = |session: &McpSession| session.stderr().matches("retrying").count();
    let outcome = session.call("list_events", json!({})).await;
    outcome.assert_error_mentions(&["could not connect", "ALTER_BASE_URL"]);
    assert!(
        !outcome.text.contains("may have been carried out"),
        "nothing was sent: {}",
        outcome.text
    );
    assert_eq!(retries(&session), 2, "three attempts for a GET");
    assert!(
        session
            .stderr()
            .lines()
            .filter(|l| l.contains("retrying"))
            .all(|l| l.contains("tool_call") && l.contains("list_events")),
        "retry logs name the tool"
    );
    let outcome = session
        .call("send_slack", json!({"channel": "C0123456789", "text": "x"}))
        .await;
    outcome.assert_error_mentions(&["could not connect"]);
    assert_eq!(retries(&session), 2, "a POST is not retried");
    backend.resume().await.expect("listen again");
    list_events_works(&session, "after the backend is back").await;
    close(session, &backend).await;
}

#[tokio::test]
async fn a_post_is_never_retried() {
    let backend = Backend::start().await;
    let session = session_with(&backend, &[]).await;
    let args = json!({"channel": "C0123456789", "text": "hello"});
    for fault in [
        Fault::rate_limited(1),
        Fault::unavailable(1),
        Fault::provider_answer(429, json!({"ok": false, "error": "ratelimited"}))
            .with_header("Retry-After", "1"),
    ] {
        backend.clear_requests();
        backend.fail_next(fault);
        let outcome = session.call("send_slack", args.clone()).await;
        assert!(outcome.is_error, "{}", outcome.text);
        assert_eq!(
            backend.proxy_calls().len(),
            1,
            "sent once: {}",
            outcome.text
        );
        let again = session.call("send_slack", args.clone()).await;
        assert!(again.ok_text().contains("1712345678.123456"));
    }
    close(session, &backend).await;
}

#[tokio::test]
async fn a_cancelled_call_drops_its_request_and_the_next_call_is_prompt() {
    let backend = Backend::start().await;
    let session = session_with(&backend, &[]).await;
    backend.fail_next(Fault::Delay(Duration::from_secs(30)));
    let params = CallToolRequestParams::new("list_events")
        .with_arguments(json!({}).as_object().cloned().unwrap_or_default());
    let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
    let handle = session
        .client()
        .send_cancellable_request(request, PeerRequestOptions::no_options())
        .await
        .expect("send tools/call");
    wait_until("the slow call reaches the backend", || {
        backend.in_flight() == 1
    })
    .await;
    handle
        .cancel(Some("the user changed their mind".into()))
        .await
        .expect("send notifications/cancelled");
    wait_until("the backend sees the connection dropped", || {
        backend.abandoned() == 1 && backend.in_flight() == 0
    })
    .await;
    let started = Instant::now();
    list_events_works(&session, "after a cancellation").await;
    assert!(started.elapsed() < Duration::from_secs(2), "prompt");
    let stderr = close(session, &backend).await;
    assert!(stderr.contains("Cancelled"), "the cancellation is logged");
}

#[tokio::test]
async fn at_most_the_configured_number_of_calls_are_in_flight() {
    let backend = Backend::start().await;
    let session = session_with(&backend, &[("ALTER_MCP_MAX_CONCURRENT_CALLS", "2")]).await;
    backend.add_fault(FaultRule::times(
        Fault::Delay(Duration::from_millis(400)),
        6,
    ));
    let call = || session.call("list_events", json!({}));
    let results = tokio::join!(call(), call(), call(), call(), call(), call());
    for outcome in [
        results.0, results.1, results.2, results.3, results.4, results.5,
    ] {
        assert!(!outcome.is_error, "{}", outcome.text);
    }
    assert_eq!(backend.proxy_calls().len(), 6, "every call answered");
    assert_eq!(backend.max_in_flight(), 2, "never more than two at once");
    close(session, &backend).await;

    // With no room to wait, the extra call is told the server is busy.
    let backend = Backend::start().await;
    let session = session_with(
        &backend,
        &[
            ("ALTER_MCP_MAX_CONCURRENT_CALLS", "1"),
            ("ALTER_MCP_QUEUE_TIMEOUT_SECS", "0.2"),
        ],
    )
    .await;
    backend.add_fault(FaultRule::times(Fault::Delay(Duration::from_secs(1)), 2));
    let (a, b) = tokio::join!(call_on(&session), call_on(&session));
    let busy: Vec<_> = [a, b].into_iter().filter(|o| o.is_error).collect();
    assert_eq!(busy.len(), 1, "one ran, one was turned away");
    busy[0].assert_error_mentions(&["busy", "ALTER_MCP_MAX_CONCURRENT_CALLS"]);
    assert_eq!(backend.proxy_calls().len(), 1, "the busy call sent nothing");
    close(session, &backend).await;
}

async fn call_on(session: &McpSession) -> support::ToolOutcome {
    session.call("list_events", json!({})).await
}

fn big_events(n: usize) -> Value {
    let items: Vec<Value> = (0..n)
        .map(|i| json!({"id": format!("evt{i}"), "summary": format!("Meeting number {i} é"), "status": "confirmed"}))
        .collect();
    json!({"kind": "calendar#events", "items": items})
}

#[tokio::test]
async fn an_oversized_response_is_cut_with_a_note() {
    let backend = Backend::start().await;
    let session = session_with(&backend, &[("ALTER_MCP_MAX_RESPONSE_BYTES", "1000")]).await;
    // 25 kB fits the envelope cap and is cut after decoding; 400 kB exceeds the envelope cap
    // and is salvaged from the part that was read.
    for (what, events) in [("decoded cut", 300), ("envelope cut", 5000)] {
        let body = big_events(events);
        backend.fail_next(Fault::provider_answer(200, body.clone()));
        let outcome = session.call("list_events", json!({})).await;
        // list_events declares an output schema, and a cut answer cannot fit it: a tool
        // error that says so and carries the part that arrived.
        assert!(outcome.is_error, "{what}: {}", outcome.text);
        let (advice, text) = outcome
            .text
            .split_once("The part that arrived:\n")
            .unwrap_or_else(|| panic!("{what}: {}", outcome.text));
        assert!(
            advice.contains("larger than the response limit"),
            "{advice}"
        );
        let (kept, note) = text
            .split_once("\n[…truncated at ")
            .unwrap_or_else(|| panic!("{what}: no truncation note: {text}"));
        assert!(kept.len() <= 1000, "{what}: {} bytes kept", kept.len());
        assert!(
            kept.len() >= 990,
            "{what}: cut near the limit: {}",
            kept.len()
        );
        assert!(
            body.to_string().starts_with(kept),
            "{what}: the kept text is the start of the body"
        );
        assert!(
            note.contains("narrow the request (fewer fields, smaller page)"),
            "{what}: {note}"
        );
        // The usual `list_events` answer is itself over this test's 1000-byte limit; a small
        // answer shows the server keeps serving.
        let next = session
            .call(
                "send_slack",
                json!({"channel": "C0123456789", "text": "still here"}),
            )
            .await;
        assert!(
            !next.is_error,
            "{what}: the next call must work: {}",
            next.text
        );
    }
    close(session, &backend).await;
}

#[tokio::test]
async fn path_values_arrive_encoded_and_dot_segments_are_refused() {
    let backend = Backend::start().await;
    let session = session_with(&backend, &[]).await;
    let cal = "https://www.googleapis.com/calendar/v3/calendars/primary/events";
    for (value, encoded) in [
        ("../../users/me?x=1#y", "..%2F..%2Fusers%2Fme%3Fx%3D1%23y"),
        ("a b/%2e%2e", "a%20b%2F%252e%252e"),
        ("...", "..."),
    ] {
        backend.clear_requests();
        let outcome = session.call("get_event", json!({"eventId": value})).await;
        assert!(!outcome.is_error, "{value}: {}", outcome.text);
        let calls = backend.proxy_calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(
            calls[0].str_field("url"),
            Some(format!("{cal}/{encoded}").as_str()),
            "{value}"
        );
    }
    backend.clear_requests();
    for value in ["..", "."] {
        let outcome = session.call("get_event", json!({"eventId": value})).await;
        outcome.assert_error_mentions(&["eventId", "path"]);
    }
    assert!(backend.requests().is_empty(), "nothing sent for `..`");
    close(session, &backend).await;
}

#[tokio::test]
async fn the_key_stays_out_of_logs_even_at_trace_level_and_out_of_argv() {
    let backend = Backend::start().await;
    let session = session_with(
        &backend,
        &[
            ("ALTER_MCP_LOG", "trace"),
            ("ALTER_MCP_TIMEOUT_SECS", "0.5"),
        ],
    )
    .await;
    for fault in [
        Fault::internal_error(),
        Fault::Reset,
        Fault::Delay(Duration::from_secs(2)),
        Fault::agent_revoked(),
    ] {
        backend.fail_next(fault);
        let outcome = session.call("list_events", json!({})).await;
        assert!(outcome.is_error);
        assert!(!outcome.text.contains(backend.key()));
    }
    let stderr = close(session, &backend).await;
    assert!(
        stderr.contains("TRACE") || stderr.contains("DEBUG"),
        "verbose logs were on"
    );
    assert!(
        !stderr.contains(&backend.key()[10..30]),
        "no part of the key either"
    );

    // The key cannot be given as an argument, and a refused argument is not echoed.
    let binary = support::alter_mcp_binary();
    let output = std::process::Command::new(&binary)
        .arg(format!("--key={}", backend.key()))
        .output()
        .expect("run alter-mcp");
    assert_eq!(output.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!all.contains(backend.key()), "{all}");
    let help = std::process::Command::new(&binary)
        .arg("--help")
        .output()
        .expect("run alter-mcp --help");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("ALTER_MCP_AGENT_KEY") && !help.contains("--key"));
}

#[tokio::test]
async fn the_backend_recorded_every_request_it_answered() {
    // The loopback backend's own accounting, which the tests above rely on.
    let backend = Backend::start().await;
    let session = session_with(&backend, &[]).await;
    list_events_works(&session, "plain").await;
    assert_eq!(backend.calls(Endpoint::Proxy).len(), 1);
    assert_eq!((backend.in_flight(), backend.abandoned()), (0, 0));
    assert_eq!(backend.max_in_flight(), 1);
    close(session, &backend).await;
}
