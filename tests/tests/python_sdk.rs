//! The official Python SDK (alter-sdk 0.29.0) against the loopback backend: its real signatures
//! must verify, and our fault answers must map to its documented exceptions. Skips with a
//! notice when python3 or alter_sdk is missing, unless `CI` is set (CI installs them).

mod python_support;

use alter_mcp_e2e::{Backend, Endpoint};
use python_support::{EXIT_PACKAGE_MISSING, run_script, skip_or_fail};

const CHECK: &str = "python_sdk check";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_agrees_with_the_backend() {
    let backend = Backend::start().await;
    let output = match run_script("sdk_check.py", &[], &backend).await {
        Ok(output) => output,
        Err(error) => {
            return skip_or_fail(CHECK, &format!("python3 could not be started: {error}"));
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(EXIT_PACKAGE_MISSING) {
        return skip_or_fail(CHECK, stdout.trim());
    }
    assert!(
        output.status.success(),
        "sdk_check.py failed:\n{stdout}\n{stderr}"
    );

    let requests = backend.requests();
    // Everything the backend answered successfully passed verification.
    assert!(
        requests
            .iter()
            .filter(|r| r.status < 400)
            .all(|r| r.verified)
    );
    // The one wrong-key call was refused, and it was the only refusal.
    let rejected = backend.rejected();
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
    assert_eq!(rejected[0].error.as_deref(), Some("invalid_key"));

    let proxies = backend.proxy_calls();
    let ok_proxies = proxies
        .iter()
        .filter(|r| r.status == 200 && !r.faulted)
        .count();
    assert!(ok_proxies >= 4, "{proxies:#?}");
    let tool_call = proxies
        .iter()
        .find(|r| r.context_value("tool").as_deref() == Some("list_calendar_events"))
        .expect("the MCP wrapper's call names its tool");
    assert!(tool_call.header("x-alter-signature-v2").is_some());
    assert_eq!(
        tool_call.header("x-alter-signature"),
        tool_call.header("x-alter-signature-v2")
    );
    let slack = proxies
        .iter()
        .find(|r| r.str_field("provider_id") == Some("slack"))
        .expect("a Slack call");
    assert_eq!(
        slack.str_field("url"),
        Some("https://slack.com/api/chat.postMessage")
    );
    assert_eq!(
        slack.field("body").and_then(|b| b.get("text")),
        Some(&serde_json::json!("hello"))
    );
    // Approval polls carry a signed query (`?wait=N`): canonical query signing agrees too.
    let polls = backend.calls(Endpoint::ApprovalStatus);
    assert!(
        polls.iter().any(|r| r.query.starts_with("wait=")),
        "{polls:#?}"
    );
    assert!(!backend.calls(Endpoint::ApprovalResult).is_empty());
}
