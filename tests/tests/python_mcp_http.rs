//! The official Python MCP client (PyPI `mcp`) drives the real `alter-mcp --http` over
//! streamable HTTP with a user's bearer token, via `python/mcp_http_client_check.py`: a second,
//! independent client for the stateless HTTP mode. Skips with a notice when python3 or `mcp` is
//! missing, unless `CI` is set (CI installs them).

#[allow(dead_code)]
mod support;

#[allow(dead_code)]
mod http_support;

#[allow(dead_code)]
mod python_support;

use std::process::Stdio;
use std::time::Duration;

use alter_mcp_e2e::Backend;
use http_support::HttpServer;
use python_support::{EXIT_PACKAGE_MISSING, skip_or_fail};

const CHECK: &str = "python_mcp_http check";
const USER: (&str, &str) = ("eyJhbGciOiJSUzI1NiJ9.py-user.sig", "py.user@example.com");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_mcp_client_drives_alter_mcp_over_http() {
    let backend = Backend::builder()
        .user(USER.0, USER.1)
        .start()
        .await
        .expect("start the backend");
    let server = HttpServer::start(&backend, &[]).await;
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = format!(
        "{}/python/mcp_http_client_check.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let run = tokio::process::Command::new(python)
        .arg(script)
        .arg(server.url())
        .env("MCP_BEARER_TOKEN", USER.0)
        .env("EXPECT_EMAIL", USER.1)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(Duration::from_secs(300), run).await {
        Ok(Ok(output)) => output,
        Ok(Err(error)) => {
            return skip_or_fail(CHECK, &format!("python3 could not be started: {error}"));
        }
        Err(_) => panic!("mcp_http_client_check.py did not finish in time"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.code() == Some(EXIT_PACKAGE_MISSING) {
        return skip_or_fail(CHECK, stdout.trim());
    }
    assert!(
        output.status.success(),
        "mcp_http_client_check.py failed ({}):\n{stdout}\n{}\nserver stderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        server.stderr()
    );
    let calls = backend.proxy_calls();
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!(calls[0].user_token(), Some(USER.0));
    assert!(
        !server.stderr().contains(USER.0),
        "the token appeared in the server's logs"
    );
}
