//! End to end: the real `alter-mcp` binary, driven over stdio by rmcp's client, calling the
//! loopback Alter backend. Checks what reaches Alter (one signed `/sdk/proxy` call per tool
//! call, naming the tool) and what the model sees (results, and tool errors that say what to do).

// `McpSession::client` serves faults_e2e.rs only.
#[allow(dead_code)]
mod support;

use std::collections::BTreeSet;

use alter_mcp_e2e::{ApprovalPlan, Backend, Endpoint, Fault, SLACK_UNKNOWN_CHANNEL};
use serde_json::{Value, json};
use support::{McpSession, allowlisted_tools};

async fn session_for(backend: &Backend) -> McpSession {
    let base_url = backend.base_url();
    McpSession::start(&[
        ("ALTER_MCP_AGENT_KEY", backend.key()),
        ("ALTER_BASE_URL", &base_url),
    ])
    .await
}

/// Closes the session and checks the agent key never reached the server's logs.
async fn close(session: McpSession, backend: &Backend) {
    let stderr = session.close().await;
    assert!(
        !stderr.contains(backend.key()),
        "the agent key appeared in the server's stderr"
    );
}

#[tokio::test]
async fn tools_list_shows_every_allowlisted_tool_with_object_schemas() {
    let backend = Backend::start().await;
    let session = session_for(&backend).await;
    let tools = session.list_tools().await;
    let listed: BTreeSet<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    let allowlisted = allowlisted_tools();
    assert_eq!(
        listed.len(),
        allowlisted.len(),
        "one tool per [[tool]]: {listed:?}"
    );
    for (name, file) in allowlisted
        .iter()
        .filter_map(|(n, f)| Some((n.as_ref()?, f)))
    {
        assert!(
            listed.contains(name.as_str()),
            "`{name}` from {} is not listed: {listed:?}",
            file.display()
        );
    }
    for tool in &tools {
        assert_eq!(
            tool.input_schema.get("type"),
            Some(&json!("object")),
            "{}",
            tool.name
        );
    }
    let list_events = tools
        .iter()
        .find(|t| t.name == "list_events")
        .expect("list_events");
    let properties = list_events.input_schema["properties"]
        .as_object()
        .expect("properties");
    assert!(
        properties.contains_key("query") && properties.contains_key("max_results"),
        "{properties:?}"
    );
    assert!(
        !properties.contains_key("calendarId"),
        "the fixed calendarId must be hidden"
    );
    assert!(backend.requests().is_empty(), "listing tools calls nothing");
    close(session, &backend).await;
}

#[tokio::test]
async fn list_events_makes_one_signed_proxy_call_naming_the_tool() {
    let backend = Backend::start().await;
    let session = session_for(&backend).await;
    let outcome = session
        .call("list_events", json!({"query": "standup"}))
        .await;
    let text = outcome.ok_text();
    // The allowlist's `returns` projection keeps the events and drops the collection's `kind`.
    assert!(
        text.contains("Daily standup") && !text.contains("calendar#events"),
        "{text}"
    );
    assert!(outcome.structured.is_some(), "a typed output: {text}");

    let requests = backend.requests();
    assert_eq!(requests.len(), 1, "exactly one backend call: {requests:#?}");
    let call = &requests[0];
    assert_eq!(
        (call.method.as_str(), call.endpoint),
        ("POST", Endpoint::Proxy)
    );
    assert!(call.verified, "signature must verify: {call:?}");
    assert_eq!(call.status, 200);
    support::assert_list_events_call(call);
    assert_eq!(call.context_value("tool").as_deref(), Some("list_events"));
    close(session, &backend).await;
}

#[tokio::test]
async fn send_slack_posts_the_message_and_slack_failures_are_tool_errors() {
    let backend = Backend::start().await;
    let session = session_for(&backend).await;
    let outcome = session
        .call(
            "send_slack",
            json!({"channel": "C0123456789", "text": "hello"}),
        )
        .await;
    assert!(
        outcome.ok_text().contains("1712345678.123456"),
        "{}",
        outcome.text
    );
    let calls = backend.proxy_calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    support::assert_send_slack_call(call, "hello");
    assert_eq!(call.context_value("tool").as_deref(), Some("send_slack"));

    // Slack reports failures as HTTP 200 {"ok": false}: the allowlist's [response] rule.
    let failed = session
        .call(
            "send_slack",
            json!({"channel": SLACK_UNKNOWN_CHANNEL, "text": "x"}),
        )
        .await;
    failed.assert_error_mentions(&["channel_not_found"]);
    close(session, &backend).await;
}

fn google_not_found() -> Value {
    json!({"error": {"code": 404, "message": "Not Found", "errors": [{"domain": "global", "reason": "notFound", "message": "Not Found"}]}})
}

#[tokio::test]
async fn backend_errors_become_guiding_tool_errors_and_the_server_keeps_answering() {
    let backend = Backend::start().await;
    let agent = backend.agent_id().to_owned();
    let session = session_for(&backend).await;
    let cases: Vec<(&str, Fault, Vec<&str>)> = vec![
        (
            "409 no_delegated_grant",
            Fault::no_delegated_grant(409, "google", &agent),
            vec!["delegated grant", "connect", &agent],
        ),
        (
            "404 no_delegated_grant in detail",
            Fault::no_delegated_grant(404, "google", &agent).in_detail(),
            vec!["delegated grant", "connect", &agent],
        ),
        (
            "agent revoked",
            Fault::agent_revoked(),
            vec!["revoked", "new agent", "ALTER_MCP_AGENT_KEY"],
        ),
        (
            "agent inactive",
            Fault::agent_inactive().in_detail(),
            vec!["inactive"],
        ),
        (
            "policy denied",
            Fault::policy_denied("Calendar reads are blocked on weekends."),
            vec!["policy", "denied", "weekends"],
        ),
        (
            "rate limited",
            Fault::rate_limited(7),
            vec!["retry after 7"],
        ),
        (
            "provider 404",
            Fault::provider_answer(404, google_not_found()),
            vec!["HTTP 404"],
        ),
        ("502 from Alter", Fault::bad_gateway(503), vec!["502"]),
        ("500 from Alter", Fault::internal_error(), vec!["500"]),
        (
            "malformed JSON",
            Fault::malformed_json(),
            vec!["could not use"],
        ),
        (
            "denied approval",
            Fault::pending_approval(ApprovalPlan::denied("Not during the freeze.")),
            vec!["denied", "freeze"],
        ),
    ];
    for (what, fault, keywords) in cases {
        backend.fail_next(fault);
        let outcome = session
            .call("list_events", json!({"query": "standup"}))
            .await;
        assert!(
            outcome.is_error,
            "{what}: expected a tool error, got {}",
            outcome.text
        );
        outcome.assert_error_mentions(&keywords);
        let next = session.call("list_events", json!({})).await;
        assert!(
            !next.is_error,
            "{what}: the next call must work again: {}",
            next.text
        );
    }
    let calls = backend.proxy_calls();
    assert_eq!(calls.len(), 22, "one backend call per tool call");
    assert_eq!(calls.iter().filter(|r| r.faulted).count(), 11);
    assert!(
        calls
            .iter()
            .all(|r| r.context_value("tool").as_deref() == Some("list_events"))
    );

    // Network failure: Alter is gone, then back.
    backend.stop().await;
    let outcome = session.call("list_events", json!({})).await;
    outcome.assert_error_mentions(&["connect", "ALTER_BASE_URL"]);
    backend
        .resume()
        .await
        .expect("listen again on the same port");
    let next = session.call("list_events", json!({})).await;
    assert!(!next.is_error, "after the backend is back: {}", next.text);
    close(session, &backend).await;
}

#[tokio::test]
async fn invalid_arguments_name_the_field_and_send_nothing() {
    let backend = Backend::start().await;
    let session = session_for(&backend).await;
    let wrong_type = session
        .call("list_events", json!({"max_results": "ten"}))
        .await;
    wrong_type.assert_error_mentions(&["max_results"]);
    let missing = session.call("send_slack", json!({"text": "hello"})).await;
    missing.assert_error_mentions(&["channel"]);
    let unknown = session.call("list_events", json!({"querry": "typo"})).await;
    unknown.assert_error_mentions(&["querry"]);
    assert!(
        backend.requests().is_empty(),
        "nothing may be sent: {:#?}",
        backend.requests()
    );
    close(session, &backend).await;
}

#[tokio::test]
async fn without_a_key_tools_are_listed_and_calls_say_how_to_set_it() {
    let backend = Backend::start().await;
    let base_url = backend.base_url();
    let session = McpSession::start(&[("ALTER_BASE_URL", &base_url)]).await;
    let tools = session.list_tools().await;
    assert!(
        tools.iter().any(|t| t.name == "list_events"),
        "tools are listed without a key"
    );
    let outcome = session
        .call("list_events", json!({"query": "standup"}))
        .await;
    outcome.assert_error_mentions(&["ALTER_MCP_AGENT_KEY"]);
    assert!(backend.requests().is_empty(), "no key, no call");
    session.close().await;
}

/// One tool call and the proxied request it must produce.
struct Expect {
    tool: &'static str,
    args: Value,
    method: &'static str,
    url: String,
    query: &'static [(&'static str, &'static str)],
    /// The exact JSON body; `None`: no body.
    body: Option<Value>,
    /// Text the tool result must contain.
    result: &'static str,
}

fn every_tool_case_table() -> Vec<Expect> {
    let cal = "https://www.googleapis.com/calendar/v3";
    let slack = "https://slack.com/api";
    let times = json!({"start": {"dateTime": "2026-01-13T12:00:00Z"}, "end": {"dateTime": "2026-01-13T13:00:00Z"}});
    vec![
        Expect {
            tool: "get_event",
            args: json!({"eventId": "a/../b"}),
            method: "GET",
            url: format!("{cal}/calendars/primary/events/a%2F..%2Fb"),
            query: &[],
            body: None,
            result: "Daily standup",
        },
        Expect {
            tool: "create_event",
            args: json!({"summary": "Lunch", "start": times["start"], "end": times["end"]}),
            method: "POST",
            url: format!("{cal}/calendars/primary/events"),
            query: &[],
            body: Some(json!({"summary": "Lunch", "start": times["start"], "end": times["end"]})),
            result: "Lunch",
        },
        Expect {
            tool: "update_event",
            args: json!({"calendarId": "team@example.com", "eventId": "evt1", "summary": "Moved"}),
            method: "PATCH",
            url: format!("{cal}/calendars/team%40example.com/events/evt1"),
            query: &[],
            body: Some(json!({"summary": "Moved"})),
            result: "Moved",
        },
        Expect {
            tool: "delete_event",
            args: json!({"eventId": "evt1"}),
            method: "DELETE",
            url: format!("{cal}/calendars/primary/events/evt1"),
            query: &[],
            body: None,
            result: "204",
        },
        Expect {
            tool: "quick_add_event",
            args: json!({"text": "Lunch with Sam tomorrow noon"}),
            method: "POST",
            url: format!("{cal}/calendars/primary/events/quickAdd"),
            query: &[("text", "Lunch with Sam tomorrow noon")],
            body: None,
            result: "Lunch with Sam",
        },
        Expect {
            tool: "list_calendars",
            args: json!({}),
            method: "GET",
            url: format!("{cal}/users/me/calendarList"),
            query: &[],
            body: None,
            result: "calendar#calendarList",
        },
        Expect {
            tool: "query_free_busy",
            args: json!({"timeMin": "2026-01-12T00:00:00Z", "timeMax": "2026-01-13T00:00:00Z", "items": [{"id": "primary"}]}),
            method: "POST",
            url: format!("{cal}/freeBusy"),
            query: &[],
            body: Some(
                json!({"timeMin": "2026-01-12T00:00:00Z", "timeMax": "2026-01-13T00:00:00Z", "items": [{"id": "primary"}]}),
            ),
            result: "calendar#freeBusy",
        },
        Expect {
            tool: "update_slack_message",
            args: json!({"channel": "C0123456789", "ts": "1712345678.123456", "text": "edited"}),
            method: "POST",
            url: format!("{slack}/chat.update"),
            query: &[],
            body: Some(
                json!({"channel": "C0123456789", "ts": "1712345678.123456", "text": "edited"}),
            ),
            result: "edited",
        },
        Expect {
            tool: "delete_slack_message",
            args: json!({"channel": "C0123456789", "ts": "1712345678.123456"}),
            method: "POST",
            url: format!("{slack}/chat.delete"),
            query: &[],
            body: Some(json!({"channel": "C0123456789", "ts": "1712345678.123456"})),
            result: "\"ok\":true",
        },
        Expect {
            tool: "list_slack_channels",
            args: json!({"limit": 2}),
            method: "GET",
            url: format!("{slack}/conversations.list"),
            query: &[("limit", "2")],
            body: None,
            result: "eng-standup",
        },
        Expect {
            tool: "slack_channel_history",
            args: json!({"channel": "C0123456789"}),
            method: "GET",
            url: format!("{slack}/conversations.history"),
            query: &[("channel", "C0123456789")],
            body: None,
            result: "Deploy is green",
        },
        Expect {
            tool: "get_slack_user",
            args: json!({"user": "U01PRIYA01"}),
            method: "GET",
            url: format!("{slack}/users.info"),
            query: &[("user", "U01PRIYA01")],
            body: None,
            result: "Priya Shah",
        },
        Expect {
            tool: "add_slack_reaction",
            args: json!({"channel": "C0123456789", "name": "thumbsup", "timestamp": "1712345678.123456"}),
            method: "POST",
            url: format!("{slack}/reactions.add"),
            query: &[],
            body: Some(
                json!({"channel": "C0123456789", "name": "thumbsup", "timestamp": "1712345678.123456"}),
            ),
            result: "\"ok\":true",
        },
    ]
}

#[tokio::test]
async fn every_tool_sends_its_operation_through_the_proxy() {
    let backend = Backend::start().await;
    let session = session_for(&backend).await;
    for expect in every_tool_case_table() {
        backend.clear_requests();
        let outcome = session.call(expect.tool, expect.args.clone()).await;
        let text = outcome.ok_text();
        assert!(
            text.contains(expect.result),
            "{}: result should contain {:?}: {text}",
            expect.tool,
            expect.result
        );
        let requests = backend.requests();
        assert_eq!(
            requests.len(),
            1,
            "{}: one backend call: {requests:#?}",
            expect.tool
        );
        let call = &requests[0];
        assert!(
            call.verified && call.endpoint == Endpoint::Proxy,
            "{}: {call:?}",
            expect.tool
        );
        assert_eq!(
            (call.str_field("method"), call.str_field("url")),
            (Some(expect.method), Some(expect.url.as_str())),
            "{}",
            expect.tool
        );
        assert_eq!(call.context_value("tool").as_deref(), Some(expect.tool));
        for (name, value) in expect.query {
            assert_eq!(
                call.query_param(name).as_deref(),
                Some(*value),
                "{}: query {name}: {call:?}",
                expect.tool
            );
        }
        assert_eq!(
            call.field("body"),
            expect.body.as_ref(),
            "{}: body",
            expect.tool
        );
    }
    close(session, &backend).await;
}
