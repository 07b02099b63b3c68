//! The official MCP Inspector CLI (npm `@modelcontextprotocol/inspector`, pinned in
//! `tests/node/package.json`) drives the real `alter-mcp` binary over stdio against the loopback
//! backend: `tools/list` (also with `--strict`), then `tools/call` of list_events and send_slack.
//! Skips with a notice when node or the package is missing, unless `CI` is set (CI installs it).

// Only the binary locator and the allowlist reader are used here; the rmcp session helpers
// serve e2e_stdio.rs.
#[allow(dead_code)]
mod support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use alter_mcp_e2e::{Backend, Endpoint};
use serde_json::{Value, json};
use support::allowlisted_tools;

const CHECK: &str = "inspector_cli";
const PACKAGE: &str = "@modelcontextprotocol/inspector";
/// The package's bin that `npx @modelcontextprotocol/inspector` runs.
const BIN: &str = "inspector";
const INSTALL: &str = "npm ci --prefix tests/node";
/// One Inspector run takes well under a second; this only stops a wedged node process.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_mcp_inspector_cli_drives_alter_mcp() {
    let entry = match find_inspector().await {
        Ok(entry) => entry,
        Err(why) => return skip_or_fail(&why),
    };
    let backend = Backend::start().await;
    let binary = tokio::task::spawn_blocking(support::alter_mcp_binary)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let inspector = Inspector {
        entry,
        binary,
        backend: &backend,
    };

    check_tools_list(&inspector).await;
    check_strict_tools_list(&inspector).await;
    check_list_events_call(&inspector).await;
    check_send_slack_call(&inspector).await;
    check_recorded_calls(&backend);
}

/// Without node or the installed package the check prints why and passes, except under `CI`,
/// whose `.ci/run` installs `tests/node` and so must never skip silently.
fn skip_or_fail(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{why} (CI is set, so this is a failure: run `{INSTALL}` first)");
    }
    eprintln!("SKIPPED {CHECK}: {why}");
    eprintln!("  to run it: `{INSTALL}` from the repository root (needs Node.js and npm)");
}

/// The Inspector's CLI entry script, after checking that node starts and that the installed
/// package is the version `tests/node/package.json` pins. `Err` says what is missing.
async fn find_inspector() -> Result<PathBuf, String> {
    let node_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("node");
    let ours = read_json(&node_dir.join("package.json"))
        .unwrap_or_else(|why| panic!("tests/node/package.json must be readable: {why}"));
    let pinned = ours["devDependencies"][PACKAGE]
        .as_str()
        .unwrap_or_else(|| panic!("tests/node/package.json must pin {PACKAGE}"))
        .to_owned();

    let package_dir = node_dir.join("node_modules").join(PACKAGE);
    let installed = read_json(&package_dir.join("package.json"))
        .map_err(|why| format!("{PACKAGE} is not installed in tests/node ({why})"))?;
    if installed["version"].as_str() != Some(pinned.as_str()) {
        return Err(format!(
            "tests/node has {PACKAGE} {} installed, but package.json pins {pinned}",
            installed["version"]
        ));
    }
    // Read the entry from the package's own `bin` table rather than hard-coding its layout.
    let bin = installed["bin"][BIN].as_str().unwrap_or_else(|| {
        panic!(
            "{PACKAGE} {pinned} has no `{BIN}` bin: {}",
            installed["bin"]
        )
    });
    let entry = package_dir.join(bin);
    assert!(
        entry.is_file(),
        "{PACKAGE}'s bin {} is missing",
        entry.display()
    );

    let mut version = tokio::process::Command::new(node());
    version
        .arg("--version")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    match tokio::time::timeout(RUN_TIMEOUT, version.output()).await {
        Ok(Ok(output)) if output.status.success() => Ok(entry),
        Ok(Ok(output)) => Err(format!("`node --version` failed ({})", output.status)),
        Ok(Err(error)) => Err(format!("node could not be started: {error}")),
        Err(_) => panic!("`node --version` did not finish in {RUN_TIMEOUT:?}"),
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `$NODE` picks the interpreter (default `node` from `PATH`).
fn node() -> OsString {
    std::env::var_os("NODE").unwrap_or_else(|| "node".into())
}

/// How to start the Inspector CLI against `alter-mcp` and the loopback backend.
struct Inspector<'a> {
    entry: PathBuf,
    binary: PathBuf,
    backend: &'a Backend,
}

/// One finished Inspector run, its output already checked to be free of the agent key.
struct Run {
    args: Vec<String>,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Requires exit status 0 and returns the one JSON object that `--format json` prints on
    /// stdout: `{"result": ...}`, plus `schemaFindings` under `--strict` when there are any.
    fn envelope(&self) -> Value {
        let args = &self.args;
        assert!(
            self.status.success(),
            "Inspector {args:?} failed ({}):\n{}\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
        let envelope: Value = serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "Inspector {args:?} did not print one JSON object ({e}):\n{}",
                self.stdout
            )
        });
        assert!(envelope.get("result").is_some(), "no `result`: {envelope}");
        envelope
    }
}

impl Inspector<'_> {
    /// Runs `node <entry> --cli <alter-mcp> -e ... <args>`, the bin script directly (no npx,
    /// so nothing is looked up or fetched from the registry at test time).
    async fn run(&self, args: &[&str]) -> Run {
        let key = self.backend.key();
        let mut command = tokio::process::Command::new(node());
        // The agent key reaches the Inspector in ITS argv: `-e KEY=VALUE` is the only way the
        // Inspector hands a variable to a stdio server (of its own environment it passes only
        // basics such as PATH and HOME). That puts the key in the process list while the test
        // runs; acceptable only because this is the loopback backend's throwaway test key.
        command
            .arg(&self.entry)
            .arg("--cli")
            .arg(&self.binary)
            .arg("-e")
            .arg(format!("ALTER_BASE_URL={}", self.backend.base_url()))
            .arg("-e")
            .arg(format!("ALTER_MCP_AGENT_KEY={key}"))
            .args(["--format", "json"])
            .args(args)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        // Every variable the server reads, so a developer's own settings cannot leak into a test.
        for name in alter_mcp_runtime::env::ALL {
            command.env_remove(name);
        }
        let output = match tokio::time::timeout(RUN_TIMEOUT, command.output()).await {
            Ok(output) => output.unwrap_or_else(|e| panic!("starting node: {e}")),
            Err(_) => panic!("the Inspector did not finish {args:?} in {RUN_TIMEOUT:?}"),
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        // The server's stderr (its logs) is forwarded on the Inspector's stderr.
        assert!(
            !stdout.contains(key) && !stderr.contains(key),
            "the agent key appeared in the output of the Inspector run {args:?}"
        );
        Run {
            args: args.iter().map(|&a| a.to_owned()).collect(),
            status: output.status,
            stdout: stdout.into_owned(),
            stderr: stderr.into_owned(),
        }
    }

    /// Runs `args` and returns the `result` it printed (exit status 0 required).
    async fn result(&self, args: &[&str]) -> Value {
        self.run(args).await.envelope()["result"].take()
    }

    /// `tools/call` of `tool` with exactly `arguments` (`--tool-args-json`: no coercion).
    async fn call(&self, tool: &str, arguments: &Value) -> Value {
        let arguments = arguments.to_string();
        let args = ["--method", "tools/call", "--tool-name", tool];
        let args = [&args[..], &["--tool-args-json", &arguments]].concat();
        let result = self.result(&args).await;
        assert_eq!(
            result.get("isError"),
            Some(&json!(false)),
            "{tool}: {result}"
        );
        result
    }
}

async fn check_tools_list(inspector: &Inspector<'_>) {
    let result = inspector.result(&["--method", "tools/list"]).await;
    let tools = result["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("tools/list without a tools array: {result}"));
    let listed: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    let allowlisted = allowlisted_tools();
    assert_eq!(
        (tools.len(), listed.len()),
        (allowlisted.len(), allowlisted.len()),
        "one named tool per [[tool]] in specs/*/allowlist.toml: {listed:?}"
    );
    for (name, file) in allowlisted
        .iter()
        .filter_map(|(n, f)| Some((n.as_deref()?, f)))
    {
        assert!(
            listed.contains(&name),
            "`{name}` from {} is not listed: {listed:?}",
            file.display()
        );
    }
    for tool in tools {
        assert_eq!(tool["inputSchema"]["type"], json!("object"), "{tool}");
    }
}

/// `--strict` reports every tool-schema portability finding on stderr (and in the JSON
/// envelope as `schemaFindings`) and exits 6 on errors; our schemas must draw none at all.
async fn check_strict_tools_list(inspector: &Inspector<'_>) {
    let run = inspector.run(&["--method", "tools/list", "--strict"]).await;
    let envelope = run.envelope();
    assert!(envelope["result"]["tools"].is_array(), "{envelope}");
    assert_eq!(envelope.get("schemaFindings"), None, "{envelope:#}");
    for marker in [
        "Schema portability",
        "Warning: tool",
        "Error: tool",
        "Suggestion:",
    ] {
        assert!(
            !run.stderr.contains(marker),
            "--strict printed schema findings:\n{}",
            run.stderr
        );
    }
}

async fn check_list_events_call(inspector: &Inspector<'_>) {
    let result = inspector
        .call("list_events", &json!({"query": "standup"}))
        .await;
    let text = content_text(&result);
    assert!(text.contains("Daily standup"), "{text}");
}

async fn check_send_slack_call(inspector: &Inspector<'_>) {
    let arguments = json!({"channel": "C0123456789", "text": "from inspector"});
    let result = inspector.call("send_slack", &arguments).await;
    let text = content_text(&result);
    let answer: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("send_slack's text is Slack's JSON answer ({e}): {text}"));
    assert_eq!(
        (&answer["ok"], &answer["message"]["text"]),
        (&json!(true), &json!("from inspector")),
        "{answer}"
    );
}

/// All text content blocks of a `tools/call` result, joined by newlines.
fn content_text(result: &Value) -> String {
    let blocks = result["content"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let texts: Vec<&str> = blocks.iter().filter_map(|b| b["text"].as_str()).collect();
    assert!(!texts.is_empty(), "no text content: {result}");
    texts.join("\n")
}

/// What reached Alter: exactly one verified `/sdk/proxy` call per tool call, naming the tool
/// in `X-Alter-Context`, and nothing for the two `tools/list` runs.
fn check_recorded_calls(backend: &Backend) {
    let requests = backend.requests();
    assert!(backend.rejected().is_empty(), "{requests:#?}");
    assert!(
        requests.iter().all(|r| r.endpoint == Endpoint::Proxy),
        "only /sdk/proxy calls: {requests:#?}"
    );
    let proxies = backend.proxy_calls();
    let tools: Vec<Option<String>> = proxies.iter().map(|r| r.context_value("tool")).collect();
    assert_eq!(
        tools,
        ["list_events", "send_slack"].map(|t| Some(t.to_owned())),
        "X-Alter-Context tool names, in call order: {proxies:#?}"
    );
    for call in &proxies {
        assert!(
            call.verified && call.status == 200 && !call.faulted,
            "{call:?}"
        );
    }
    support::assert_list_events_call(&proxies[0]);
    support::assert_send_slack_call(&proxies[1], "from inspector");
}
