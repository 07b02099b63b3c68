//! Dry runs keep the contract `tools/list` declares, proved with the official Python MCP client
//! (which raises when a tool that declares an `outputSchema` answers without structured content)
//! in both protocol generations: `python/mcp_dry_run_check.py` drives the real `alter-mcp`
//! binary with `ALTER_MCP_DRY_RUN=1`. Skips with a notice when python3 or `mcp` is missing,
//! unless `CI` is set.

// Only the binary locator is used here; the rmcp session helpers serve e2e_stdio.rs.
#[allow(dead_code)]
mod support;

mod python_support;

use alter_mcp_e2e::Backend;
use python_support::{EXIT_PACKAGE_MISSING, run_script, skip_or_fail};

const CHECK: &str = "python_mcp_dry_run check";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_client_accepts_dry_runs_in_both_protocol_generations() {
    let backend = Backend::start().await;
    let binary = tokio::task::spawn_blocking(support::alter_mcp_binary)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let output = match run_script("mcp_dry_run_check.py", &[binary.as_os_str()], &backend).await {
        Ok(output) => output,
        Err(error) => {
            return skip_or_fail(CHECK, &format!("python3 could not be started: {error}"));
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stdout}");
    if output.status.code() == Some(EXIT_PACKAGE_MISSING) {
        return skip_or_fail(CHECK, stdout.trim());
    }
    assert!(
        output.status.success(),
        "mcp_dry_run_check.py failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // Both generations ran their calls (a script that skipped a mode would not print these).
    for mode in ["legacy", "2026-07-28"] {
        let line = format!("ok   [{mode}] list_events: the client accepts the dry-run result");
        assert!(stdout.contains(&line), "missing `{line}` in:\n{stdout}");
    }
    assert!(
        backend.requests().is_empty(),
        "a dry run sends nothing to Alter: {:#?}",
        backend.requests()
    );
}
