//! Running the Python checks in `tests/python/` (official PyPI packages driving our code): the
//! interpreter, the environment they get, a time bound, and the skip rule they share.

use std::ffi::OsStr;
use std::process::{Output, Stdio};
use std::time::Duration;

use alter_mcp_e2e::Backend;

/// The scripts exit with this code when their PyPI package cannot be imported.
pub const EXIT_PACKAGE_MISSING: i32 = 3;

/// The scripts bound their own sessions; this only stops a wedged interpreter.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

/// Without python3 or the package, a check prints why and passes, except under `CI`, which
/// installs `tests/python/requirements.txt` and so must never skip silently.
pub fn skip_or_fail(check: &str, why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!(
            "{why} (CI is set, so this is a failure: pip install -r tests/python/requirements.txt)"
        );
    }
    eprintln!("SKIPPED {check}: {why}");
    if !why.contains("pip install") {
        eprintln!("  to run it: pip install -r tests/python/requirements.txt");
    }
}

/// Runs `tests/python/<script>` with `args`, the backend's URL and the agent key in its
/// environment (never in argv). `$PYTHON` picks the interpreter (default `python3`).
pub async fn run_script(
    script: &str,
    args: &[&OsStr],
    backend: &Backend,
) -> std::io::Result<Output> {
    let env = [
        ("ALTER_BASE_URL", backend.base_url()),
        ("ALTER_MCP_AGENT_KEY", backend.key().to_owned()),
    ];
    run_script_with(script, args, &env).await
}

/// Runs `tests/python/<script>` with `args` and `env` added to this process's environment.
pub async fn run_script_with(
    script: &str,
    args: &[&OsStr],
    env: &[(&str, String)],
) -> std::io::Result<Output> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let path = format!("{}/python/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut command = tokio::process::Command::new(python);
    command
        .arg(path)
        .args(args)
        .envs(env.iter().map(|(name, value)| (name, value)))
        .stdin(Stdio::null())
        .kill_on_drop(true);
    match tokio::time::timeout(SCRIPT_TIMEOUT, command.output()).await {
        Ok(output) => output,
        Err(_) => panic!("{script} did not finish in {SCRIPT_TIMEOUT:?}"),
    }
}
