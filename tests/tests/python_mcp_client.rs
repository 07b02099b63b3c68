//! The official Python MCP client (PyPI `mcp`, pinned in python/requirements.txt) drives the real
//! `alter-mcp` binary over stdio against the loopback backend, via `python/mcp_client_check.py`.
//! Skips with a notice when python3 or `mcp` is missing, unless `CI` is set (CI installs them).

// Only the binary locator is used here; the rmcp session helpers serve e2e_stdio.rs.
#[allow(dead_code)]
mod support;

mod python_support;

use alter_mcp_e2e::{Backend, Endpoint};
use python_support::{EXIT_PACKAGE_MISSING, run_script, skip_or_fail};

const CHECK: &str = "python_mcp_client check";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_mcp_client_drives_alter_mcp() {
    let backend = Backend::start().await;
    let binary = tokio::task::spawn_blocking(support::alter_mcp_binary)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let output = match run_script("mcp_client_check.py", &[binary.as_os_str()], &backend).await {
        Ok(output) => output,
        Err(error) => {
            return skip_or_fail(CHECK, &format!("python3 could not be started: {error}"));
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The per-check lines, shown with `--nocapture`.
    eprintln!("{stdout}");
    if output.status.code() == Some(EXIT_PACKAGE_MISSING) {
        return skip_or_fail(CHECK, stdout.trim());
    }
    assert!(
        output.status.success(),
        "mcp_client_check.py failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(
        !stdout.contains(backend.key()) && !stderr.contains(backend.key()),
        "the agent key appeared in the script's output"
    );
    check_recorded_calls(&backend);
}

/// What reached Alter: one signed `/sdk/proxy` call per successful tool call, naming the tool;
/// nothing for the wrong-type arguments or the unknown tool; the scripted revoked-agent fault.
fn check_recorded_calls(backend: &Backend) {
    let requests = backend.requests();
    assert!(backend.rejected().is_empty(), "{requests:#?}");
    assert!(
        requests.iter().all(|r| r.endpoint == Endpoint::Proxy),
        "only /sdk/proxy calls: {requests:#?}"
    );
    let proxies = backend.proxy_calls();
    let tools: Vec<Option<String>> = proxies.iter().map(|r| r.context_value("tool")).collect();
    let expected = ["list_events", "send_slack", "list_events", "list_events"];
    assert_eq!(
        tools,
        expected.map(|t| Some(t.to_owned())),
        "X-Alter-Context tool names, in call order: {proxies:#?}"
    );
    let (answered, faulted) = proxies.split_at(3);
    for call in answered {
        assert!(call.status == 200 && !call.faulted, "{call:?}");
    }
    assert!(faulted[0].faulted, "the scripted fault: {:?}", faulted[0]);

    support::assert_list_events_call(&answered[0]);
    support::assert_send_slack_call(&answered[1], "hi from python");
    support::assert_list_events_call(&answered[2]);
}
