//! Harness for the HTTP end-to-end tests: starts the real `alter-mcp` binary with
//! `--http 127.0.0.1:0`, learns the port from its log, and connects rmcp's streamable HTTP
//! client to it with a chosen bearer token. Raw requests (no MCP client) go through
//! `alter_mcp_e2e::client::send`.

use std::net::SocketAddr;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alter_mcp_e2e::Backend;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{Peer, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

use crate::support::{ToolOutcome, alter_mcp_binary};

/// Not every test that uses this harness puts a balancer in front.
#[allow(dead_code)]
pub mod nginx;

/// How long start-up or one MCP request may take before the test fails instead of hanging.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A running `alter-mcp --http` child process.
pub struct HttpServer {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
    log_reader: Option<tokio::task::JoinHandle<()>>,
}

impl HttpServer {
    /// Starts `alter-mcp --http 127.0.0.1:0 ARGS...` against `backend`.
    pub async fn start(backend: &Backend, args: &[&str]) -> HttpServer {
        let base_url = backend.base_url();
        let env = [
            ("ALTER_MCP_AGENT_KEY", backend.key()),
            ("ALTER_BASE_URL", base_url.as_str()),
        ];
        HttpServer::start_with(&env, args).await
    }

    /// Starts the server with exactly `env` for its `ALTER_*` variables.
    pub async fn start_with(env: &[(&str, &str)], args: &[&str]) -> HttpServer {
        let mut command = Command::new(alter_mcp_binary());
        // Every variable the server reads, so a developer's own settings cannot leak into a test.
        for name in alter_mcp_runtime::env::ALL {
            command.env_remove(name);
        }
        command.env("ALTER_MCP_LOG", "info");
        command.envs(env.iter().copied());
        command
            .args(["--http", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("spawn alter-mcp --http");
        let pipe = child.stderr.take().expect("stderr is piped");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (found, addr) = oneshot::channel();
        let log_reader = tokio::spawn(read_log(pipe, Arc::clone(&stderr), found));
        let addr = match tokio::time::timeout(TIMEOUT, addr).await {
            Ok(Ok(addr)) => addr,
            _ => panic!(
                "alter-mcp did not report its HTTP address; stderr:\n{}",
                lock(&stderr)
            ),
        };
        HttpServer {
            child,
            addr,
            stderr,
            log_reader: Some(log_reader),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/mcp`
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// What the server logged on stderr so far.
    pub fn stderr(&self) -> String {
        lock(&self.stderr).clone()
    }

    /// Sends SIGTERM (the way orchestrators stop a server).
    pub fn sigterm(&self) {
        let pid = self.child.id().expect("the server is running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {pid} failed");
    }

    /// Waits for the process to exit and for its last log lines.
    pub async fn wait(&mut self) -> ExitStatus {
        let status = tokio::time::timeout(TIMEOUT, self.child.wait())
            .await
            .expect("the server did not exit in time")
            .expect("wait for the server");
        if let Some(reader) = self.log_reader.take() {
            let _ = tokio::time::timeout(TIMEOUT, reader).await;
        }
        status
    }
}

/// Copies the server's stderr into `sink` and sends the address it listens on.
async fn read_log(
    pipe: tokio::process::ChildStderr,
    sink: Arc<Mutex<String>>,
    found: oneshot::Sender<SocketAddr>,
) {
    let mut found = Some(found);
    let mut lines = BufReader::new(pipe).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if line.contains("serving MCP over HTTP")
            && let Some(addr) = line
                .split_whitespace()
                .find_map(|word| word.strip_prefix("addr="))
                .and_then(|a| a.parse().ok())
            && let Some(found) = found.take()
        {
            let _ = found.send(addr);
        }
        let mut text = lock(&sink);
        text.push_str(&line);
        text.push('\n');
    }
}

fn lock(text: &Mutex<String>) -> std::sync::MutexGuard<'_, String> {
    text.lock().unwrap_or_else(|e| e.into_inner())
}

/// An MCP client on `url` sending `Authorization: Bearer <token>` when `token` is given.
pub async fn connect(url: &str, token: Option<&str>) -> RunningService<RoleClient, ()> {
    try_connect(url, token)
        .await
        .unwrap_or_else(|e| panic!("MCP initialize over HTTP failed: {e}"))
}

/// Like [`connect`], returning the error instead of failing.
pub async fn try_connect(
    url: &str,
    token: Option<&str>,
) -> Result<RunningService<RoleClient, ()>, String> {
    let mut config =
        StreamableHttpClientTransportConfig::with_uri(url).max_concurrent_requests(256);
    if let Some(token) = token {
        config = config.auth_header(token);
    }
    let transport = StreamableHttpClientTransport::from_config(config);
    match tokio::time::timeout(TIMEOUT, ().serve(transport)).await {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("timed out".into()),
    }
}

/// Calls `name` with `arguments` (a JSON object); protocol errors fail the test.
pub async fn call(client: &Peer<RoleClient>, name: &str, arguments: Value) -> ToolOutcome {
    let Value::Object(arguments) = arguments else {
        panic!("tool arguments must be a JSON object");
    };
    let params = CallToolRequestParams::new(name.to_owned()).with_arguments(arguments);
    let result = tokio::time::timeout(TIMEOUT, client.call_tool(params))
        .await
        .unwrap_or_else(|_| panic!("tools/call {name} timed out"))
        .unwrap_or_else(|e| panic!("tools/call {name} failed: {e}"));
    ToolOutcome::from(result)
}
