//! Logging never holds up serving: the real `alter-mcp` binary, its stderr a pipe that nobody
//! reads (some MCP hosts and process managers do exactly this), answers 1,000 tool calls over
//! stdio and over HTTP. With a blocking log writer the pipe fills after some 64 KiB and the
//! server stops answering, new HTTP connections included. Afterwards the pipe is drained: lines
//! dropped meanwhile are reported, and the agent key is in none of them.

#[allow(dead_code)]
mod http_support;
#[allow(dead_code)]
mod support;

use std::process::Stdio;
use std::time::Duration;

use alter_mcp_e2e::Backend;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use serde_json::{Map, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

const CALLS: usize = 1_000;
/// The whole test ends by itself: a stalled server fails it instead of hanging it.
const WHOLE_RUN: Duration = Duration::from_secs(300);

fn arguments() -> Map<String, serde_json::Value> {
    match json!({"query": "standup"}) {
        serde_json::Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn server_command(backend: &Backend, log: Option<&str>) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(support::alter_mcp_binary());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ALTER_") {
            command.env_remove(name);
        }
    }
    command
        .env("ALTER_MCP_AGENT_KEY", backend.key())
        .env("ALTER_BASE_URL", backend.base_url());
    if let Some(filter) = log {
        command.env("ALTER_MCP_LOG", filter);
    }
    command
}

/// Reads what is left in the pipe once the test lets it drain, until the server exits.
async fn drain(mut pipe: impl tokio::io::AsyncRead + Unpin) -> String {
    let mut text = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), pipe.read_to_end(&mut text)).await;
    String::from_utf8_lossy(&text).into_owned()
}

/// Reads the pipe into `into` as it comes, until the server exits (at most five minutes).
async fn drain_into(
    mut pipe: impl tokio::io::AsyncRead + Unpin,
    into: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) {
    let mut chunk = vec![0; 64 * 1024];
    let read_all = async {
        while let Ok(n @ 1..) = pipe.read(&mut chunk).await {
            into.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(300), read_all).await;
}

fn assert_clean(stderr: &str, backend: &Backend) {
    assert!(
        !stderr.contains(backend.key()),
        "the agent key appeared in the server's stderr"
    );
}

#[tokio::test]
async fn stdio_serves_1000_calls_while_nobody_reads_stderr() {
    let backend = Backend::start().await;
    // The default filter: one line per call, which alone fills a 64 KiB pipe within 1,000 calls.
    let command = server_command(&backend, None);
    let (transport, stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn alter-mcp");
    let stderr = stderr.expect("stderr is piped"); // held, never read until the end
    let run = async {
        let client = ().serve(transport).await.expect("MCP initialize");
        for i in 0..CALLS {
            let params = CallToolRequestParams::new("list_events").with_arguments(arguments());
            let result = client
                .call_tool(params)
                .await
                .unwrap_or_else(|e| panic!("call {i} failed: {e}"));
            assert_ne!(result.is_error, Some(true), "call {i}: {result:?}");
        }
        client
    };
    let client = tokio::time::timeout(WHOLE_RUN, run)
        .await
        .expect("the server stopped answering while its stderr was not read");
    assert_eq!(backend.requests().len(), CALLS, "every call reached Alter");
    let drained = tokio::spawn(drain(stderr));
    let _ = client.cancel().await;
    let stderr = drained.await.expect("drain task");
    assert_clean(&stderr, &backend);
    assert!(stderr.contains("tool call done"), "{stderr}");
    assert!(
        !stderr.contains("Service initialized as server"),
        "rmcp's per-request INFO lines are off by default"
    );
}

#[tokio::test]
async fn http_serves_1000_calls_while_nobody_reads_stderr() {
    let backend = Backend::start().await;
    // Everything at TRACE: far more lines than the queue holds, so lines must be dropped.
    let mut command = server_command(&backend, Some("trace"));
    command
        .args(["--http", "127.0.0.1:0", "--allow-anonymous"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("spawn alter-mcp --http");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
    // Read only up to the line that gives the port; after that nobody reads.
    let mut seen = String::new();
    let addr = tokio::time::timeout(http_support::TIMEOUT, async {
        let mut line = String::new();
        loop {
            line.clear();
            if stderr.read_line(&mut line).await.unwrap_or(0) == 0 {
                return None;
            }
            seen.push_str(&line);
            if line.contains("serving MCP over HTTP") {
                return line
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("addr="))
                    .map(str::to_owned);
            }
        }
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_else(|| panic!("no HTTP address in the log:\n{seen}"));
    let url = format!("http://{addr}/mcp");
    let run = async {
        // A new connection every 100 calls: new connections must be accepted too.
        let mut answered = 0;
        for _ in 0..CALLS / 100 {
            let client = http_support::connect(&url, None).await;
            for _ in 0..100 {
                let outcome =
                    http_support::call(&client, "list_events", json!({"query": "standup"})).await;
                assert!(!outcome.is_error, "{}", outcome.text);
                answered += 1;
            }
            let _ = client.cancel().await;
        }
        answered
    };
    let answered = tokio::time::timeout(WHOLE_RUN, run)
        .await
        .expect("the server stopped answering while its stderr was not read");
    assert_eq!(answered, CALLS);
    assert_eq!(backend.requests().len(), CALLS, "every call reached Alter");
    // Now stderr is read. The backlog flows out; the next line that fits in the queue again is
    // preceded by "N log lines dropped". Calls keep making lines until that report is seen (at
    // most a minute), so a busy machine slowing the backlog cannot race the shutdown.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let drained = tokio::spawn(drain_into(stderr, std::sync::Arc::clone(&seen)));
    let reported = || String::from_utf8_lossy(&seen.lock().unwrap()).contains("log lines dropped");
    for _ in 0..240 {
        if reported() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        let client = http_support::connect(&url, None).await;
        let outcome = http_support::call(&client, "list_events", json!({"query": "x"})).await;
        assert!(!outcome.is_error, "{}", outcome.text);
        let _ = client.cancel().await;
    }
    let pid = child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(status.is_ok_and(|s| s.success()), "kill -TERM {pid}");
    let exit = tokio::time::timeout(http_support::TIMEOUT, child.wait())
        .await
        .expect("the server exits after SIGTERM")
        .expect("wait");
    assert!(exit.success(), "{exit}");
    drained.await.expect("drain task");
    let stderr = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
    assert_clean(&stderr, &backend);
    assert!(
        stderr.contains("log lines dropped"),
        "dropped lines are reported once stderr drains:\n{}",
        &stderr[stderr
            .char_indices()
            .rev()
            .nth(2000)
            .map_or(0, |(at, _)| at)..]
    );
}
