//! Harness for the end-to-end tests: builds the real `alter-mcp` binary once, starts it as a
//! child process with a chosen environment, and talks MCP to it with rmcp's client over stdio.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use tokio::io::AsyncReadExt;

/// How long one MCP request may take before the test fails instead of hanging.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
static GENERATOR: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// The `alter-mcp` binary, built once per test process with `-p alter-mcp-tools` (so the test
/// exercises exactly the shipped binary, not one built with this package's features).
pub fn alter_mcp_binary() -> PathBuf {
    let built = BINARY.get_or_init(|| workspace_binary("alter-mcp-tools", "alter-mcp"));
    match built {
        Ok(path) => path.clone(),
        Err(why) => panic!("cannot build the alter-mcp binary: {why}"),
    }
}

/// The `alter-mcp-gen` CLI, built once per test process the same way.
pub fn generator_binary() -> PathBuf {
    let built = GENERATOR.get_or_init(|| workspace_binary("alter-mcp-gen", "alter-mcp-gen"));
    match built {
        Ok(path) => path.clone(),
        Err(why) => panic!("cannot build the alter-mcp-gen binary: {why}"),
    }
}

/// Builds `bin` of workspace package `package` in this test's profile and target directory.
fn workspace_binary(package: &str, bin: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    // target/<profile>/deps/<this test>: the profile directory is the parent of `deps`.
    let profile_dir = exe
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "deps"))
        .and_then(Path::parent)
        .ok_or_else(|| {
            format!(
                "{} is not under a target/<profile>/deps directory",
                exe.display()
            )
        })?;
    let mut args = vec!["build", "-q", "-p", package, "--bin", bin];
    if profile_dir
        .file_name()
        .is_some_and(|name| name == "release")
    {
        args.push("--release");
    }
    let mut cargo = std::process::Command::new(env!("CARGO"));
    // The variables cargo sets for this test process describe this package; build
    // scripts (aws-lc-sys's) watch some of them, so passing them on would make this build and
    // a plain `cargo build` rebuild each other's dependencies every time.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let per_package = name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_MANIFEST_")
            || matches!(
                name.as_ref(),
                "CARGO_CRATE_NAME" | "CARGO_PRIMARY_PACKAGE" | "CARGO_TARGET_TMPDIR"
            );
        if per_package {
            cargo.env_remove(name.as_ref());
        }
    }
    let status = cargo
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !status.success() {
        return Err(format!("`cargo {}` failed ({status})", args.join(" ")));
    }
    let binary = profile_dir.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "{} was not produced by the build",
            binary.display()
        ))
    }
}

/// A running `alter-mcp` child process with an MCP client session to it.
pub struct McpSession {
    client: RunningService<RoleClient, ()>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<tokio::task::JoinHandle<()>>,
}

impl McpSession {
    /// Starts `alter-mcp` with exactly `env` for the server's `ALTER_*` variables.
    pub async fn start(env: &[(&str, &str)]) -> McpSession {
        let mut command = tokio::process::Command::new(alter_mcp_binary());
        // Every variable the server reads, so a developer's own settings cannot leak into a test.
        for name in alter_mcp_runtime::env::ALL {
            command.env_remove(name);
        }
        command.env("ALTER_MCP_LOG", "info");
        for (name, value) in env {
            command.env(name, value);
        }
        let (transport, stderr_pipe) = TokioChildProcess::builder(command)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn alter-mcp");
        let stderr = Arc::new(Mutex::new(String::new()));
        let stderr_reader = stderr_pipe.map(|mut pipe| {
            let sink = Arc::clone(&stderr);
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                while let Ok(n @ 1..) = pipe.read(&mut buffer).await {
                    let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
                    sink.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push_str(&text);
                }
            })
        });
        let client = tokio::time::timeout(CALL_TIMEOUT, ().serve(transport))
            .await
            .expect("MCP initialize timed out")
            .expect("MCP initialize succeeded");
        McpSession {
            client,
            stderr,
            stderr_reader,
        }
    }

    /// The MCP client, for requests the helpers here do not cover (cancellation).
    pub fn client(&self) -> &RunningService<RoleClient, ()> {
        &self.client
    }

    /// What the server logged on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub async fn list_tools(&self) -> Vec<Tool> {
        tokio::time::timeout(CALL_TIMEOUT, self.client.list_all_tools())
            .await
            .expect("tools/list timed out")
            .unwrap_or_else(|e| panic!("tools/list failed: {e}\nserver stderr:\n{}", self.stderr()))
    }

    /// Calls `name` with `arguments` (a JSON object); protocol errors fail the test.
    pub async fn call(&self, name: &str, arguments: Value) -> ToolOutcome {
        let Value::Object(arguments) = arguments else {
            panic!("tool arguments must be a JSON object");
        };
        let params = CallToolRequestParams::new(name.to_owned()).with_arguments(arguments);
        let result = tokio::time::timeout(CALL_TIMEOUT, self.client.call_tool(params))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "tools/call {name} timed out\nserver stderr:\n{}",
                    self.stderr()
                )
            })
            .unwrap_or_else(|e| {
                panic!(
                    "tools/call {name} failed: {e}\nserver stderr:\n{}",
                    self.stderr()
                )
            });
        ToolOutcome::from(result)
    }

    /// Closes the session (the server exits when stdin closes) and returns everything the
    /// server wrote on stderr.
    pub async fn close(self) -> String {
        let _ = tokio::time::timeout(CALL_TIMEOUT, self.client.cancel()).await;
        if let Some(reader) = self.stderr_reader {
            // The pipe ends when the child exits; do not wait for a stuck child forever.
            let _ = tokio::time::timeout(Duration::from_secs(5), reader).await;
        }
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// A `tools/call` result reduced to what the tests check.
#[derive(Debug, Clone)]
pub struct ToolOutcome {
    pub is_error: bool,
    /// All text content blocks, joined by newlines.
    pub text: String,
    /// `structuredContent`, when the tool declares an output schema.
    pub structured: Option<Value>,
}

/// All text content blocks of a `tools/call` result, joined by newlines.
pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|block| block.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<CallToolResult> for ToolOutcome {
    fn from(result: CallToolResult) -> ToolOutcome {
        let text = text(&result);
        ToolOutcome {
            is_error: result.is_error == Some(true),
            text,
            structured: result.structured_content,
        }
    }
}

impl ToolOutcome {
    /// Asserts a successful result and returns its text.
    #[track_caller]
    pub fn ok_text(&self) -> &str {
        assert!(
            !self.is_error,
            "expected success, got a tool error: {}",
            self.text
        );
        &self.text
    }

    /// Asserts a tool error whose text contains every keyword (case-insensitive).
    #[track_caller]
    pub fn assert_error_mentions(&self, keywords: &[&str]) {
        eprintln!("tool error text: {}", self.text);
        assert!(
            self.is_error,
            "expected a tool error, got success: {}",
            self.text
        );
        let lower = self.text.to_lowercase();
        for keyword in keywords {
            assert!(
                lower.contains(&keyword.to_lowercase()),
                "tool error should mention {keyword:?}: {}",
                self.text
            );
        }
    }
}

/// The tools in `specs/*/allowlist.toml`: the explicit `name` of each `[[tool]]` table (`None`
/// when it relies on the default name), with the file it came from.
pub fn allowlisted_tools() -> Vec<(Option<String>, PathBuf)> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&specs)
        .unwrap_or_else(|e| panic!("read {}: {e}", specs.display()))
        .filter_map(|entry| Some(entry.ok()?.path().join("allowlist.toml")))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let mut names = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read allowlist");
        let doc: toml::Table = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", file.display()));
        let tools = doc
            .get("tool")
            .and_then(toml::Value::as_array)
            .cloned()
            .unwrap_or_default();
        for tool in tools {
            let name = tool
                .get("name")
                .and_then(toml::Value::as_str)
                .map(str::to_owned);
            names.push((name, file.clone()));
        }
    }
    names
}

/// The URL `list_events` calls: the allowlist pins `calendarId` to `primary`.
pub const LIST_EVENTS_URL: &str = "https://www.googleapis.com/calendar/v3/calendars/primary/events";

/// Asserts the `/sdk/proxy` call a `list_events {"query": "standup"}` from any client makes.
pub fn assert_list_events_call(call: &alter_mcp_e2e::Recorded) {
    assert_eq!(
        (call.str_field("provider_id"), call.str_field("method")),
        (Some("google"), Some("GET")),
        "{call:?}"
    );
    assert_eq!(call.str_field("url"), Some(LIST_EVENTS_URL));
    assert_eq!(call.query_param("q").as_deref(), Some("standup"));
    // The allowlist's default, sent although the client omitted it.
    assert_eq!(call.query_param("maxResults").as_deref(), Some("10"));
}

/// Asserts the `/sdk/proxy` call a `send_slack` with channel `C0123456789` and `text` makes.
pub fn assert_send_slack_call(call: &alter_mcp_e2e::Recorded, text: &str) {
    assert_eq!(
        (call.str_field("provider_id"), call.str_field("method")),
        (Some("slack"), Some("POST")),
        "{call:?}"
    );
    assert_eq!(
        call.str_field("url"),
        Some("https://slack.com/api/chat.postMessage")
    );
    assert_eq!(
        call.field("body"),
        Some(&serde_json::json!({"channel": "C0123456789", "text": text}))
    );
}
