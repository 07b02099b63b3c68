//! Zero warnings, proven from outside: a user's crate (`tests/user-crate`, outside this
//! workspace, depending only on the runtime and the generator by path) gets plain allowlists
//! from `alter-mcp-gen init` for the providers' own documents (Google's Calendar Discovery
//! document, Slack's OpenAPI document), is built with freshly resolved dependencies and rustc
//! warnings denied, and its server answers a dry run of every tool through the official Python
//! MCP client in both protocol generations.
//!
//! The crate is copied to `$CARGO_TARGET_TMPDIR/user-crate/crate` without a lock file, so every
//! run resolves the newest compatible versions as a new user's crate would; its target directory
//! (`…/user-crate/target`) is kept between runs, so only what changed is rebuilt. Skips with a
//! notice when the upstream documents, python3 or `mcp` are missing, unless `CI` is set.

#[allow(dead_code, reason = "only the binary builders are used here")]
mod support;

#[allow(dead_code, reason = "the backend-free runner is used here")]
mod python_support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use python_support::{EXIT_PACKAGE_MISSING, run_script_with, skip_or_fail};
use serde_json::{Value, json};

const TEMPLATE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/user-crate");

/// A provider of the user's crate: its directory under `specs/`, the Alter provider id, its
/// upstream document, and the operations a user would pick (exact operation ids).
struct Provider {
    dir: &'static str,
    id: &'static str,
    document: &'static str,
    operations: &'static [&'static str],
}

const PROVIDERS: [Provider; 2] = [
    Provider {
        dir: "google-calendar",
        id: "google",
        document: "google-calendar/discovery.json",
        operations: &[
            "calendar.events.list",
            "calendar.events.insert",
            "calendar.events.get",
            "calendar.events.delete",
            "calendar.calendarList.list",
            "calendar.freebusy.query",
        ],
    },
    Provider {
        dir: "slack",
        id: "slack",
        document: "slack/openapi.json",
        operations: &[
            "chat_postMessage",
            "conversations_list",
            "conversations_history",
            "users_info",
            "reactions_add",
        ],
    },
];

/// The user's crate, set up and built once for all tests of this file.
struct UserCrate {
    dir: PathBuf,
    /// Settings `init` had to write beyond naming operations (empty when the allowlists are
    /// plain).
    settings: Vec<String>,
    /// The build's outcome: the server binary, or what went wrong.
    binary: Result<PathBuf, String>,
}

static USER_CRATE: OnceLock<Option<Result<UserCrate, String>>> = OnceLock::new();

/// The built crate, or `None` (after a notice) when the upstream documents are absent. Set up
/// once: a failure is kept and reported by every test, not retried by each.
fn user_crate() -> Option<&'static UserCrate> {
    let set_up = USER_CRATE.get_or_init(|| {
        std::panic::catch_unwind(set_up)
            .map_err(|panic| {
                let text = panic.downcast_ref::<String>().cloned();
                let text = text.or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()));
                text.unwrap_or_else(|| "the set-up panicked".to_owned())
            })
            .transpose()
    });
    match set_up {
        None => None,
        Some(Ok(user_crate)) => Some(user_crate),
        Some(Err(why)) => panic!("setting up the user's crate failed: {why}"),
    }
}

fn set_up() -> Option<UserCrate> {
    let documents: Vec<PathBuf> = PROVIDERS
        .iter()
        .map(|p| upstream(p.document))
        .collect::<Option<_>>()?;
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("user-crate");
    let dir = root.join("crate");
    copy_template(&dir);
    let generator = support::generator_binary();
    let mut settings = Vec::new();
    let mut expectations = json!({"tools": [], "form_tools": []});
    for (provider, document) in PROVIDERS.iter().zip(&documents) {
        let allowlist = dir.join("specs").join(provider.dir).join("allowlist.toml");
        init(&generator, provider, document, &allowlist);
        settings.extend(non_plain_settings(provider, &allowlist));
        lock(&generator, &allowlist);
        expect_tools(&generator, provider, document, &mut expectations);
    }
    let expectations_file = dir.join("expectations.json");
    std::fs::write(&expectations_file, expectations.to_string()).expect("write expectations");
    let binary = build(&dir, &root.join("target"));
    Some(UserCrate {
        dir,
        settings,
        binary,
    })
}

/// The providers' document, beside the repository or under `$ALTER_SHARED_DIR`.
fn upstream(file: &str) -> Option<PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let candidates = [
        Some(workspace.join("../shared")),
        Some(workspace.join("../../shared")),
        std::env::var_os("ALTER_SHARED_DIR").map(PathBuf::from),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .map(|dir| dir.join("specs/upstream").join(file))
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "specs/upstream/{file} is missing (CI is set, so this is a failure); set ALTER_SHARED_DIR"
        );
        eprintln!("SKIPPED user_crate: specs/upstream/{file} not found (set ALTER_SHARED_DIR)");
    }
    found
}

/// The template, with its dependencies pointed at this repository by absolute path; never a
/// lock file, so the build resolves afresh.
fn copy_template(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).expect("crate dir");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace");
    let manifest = std::fs::read_to_string(Path::new(TEMPLATE).join("Cargo.toml")).expect("read");
    let mut pointed = manifest.clone();
    for package in ["runtime", "generator"] {
        let relative = format!("path = \"../../{package}\"");
        assert!(
            manifest.contains(&relative),
            "the template names {relative}"
        );
        let absolute = repo.join(package);
        let absolute = absolute.to_str().expect("a UTF-8 repository path");
        pointed = pointed.replace(&relative, &format!("path = {absolute:?}"));
    }
    std::fs::write(dir.join("Cargo.toml"), pointed).expect("write manifest");
    for file in ["build.rs", "src/main.rs"] {
        std::fs::copy(Path::new(TEMPLATE).join(file), dir.join(file)).expect("copy template");
    }
}

/// Runs the generator CLI; it must succeed.
fn generator(generator: &Path, args: &[OsString]) -> String {
    let output = Command::new(generator)
        .args(args)
        .output()
        .expect("alter-mcp-gen runs");
    assert!(
        output.status.success(),
        "alter-mcp-gen {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// `--match ID` for each of the provider's operations.
fn matching(provider: &Provider) -> Vec<OsString> {
    provider
        .operations
        .iter()
        .flat_map(|operation| ["--match", operation])
        .map(OsString::from)
        .collect()
}

fn init(gen_binary: &Path, provider: &Provider, document: &Path, allowlist: &Path) {
    let mut args: Vec<OsString> = vec![
        "init".into(),
        "--spec".into(),
        document.into(),
        "--provider".into(),
        provider.id.into(),
        "--out".into(),
        allowlist.into(),
    ];
    args.extend(matching(provider));
    generator(gen_binary, &args);
}

/// Every key `init` wrote beyond `provider`, `spec` and each tool's `operation`; also checks
/// that the tools are exactly the operations asked for.
fn non_plain_settings(provider: &Provider, allowlist: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(allowlist).expect("init wrote the allowlist");
    let table: toml::Table = text.parse().expect("the allowlist is TOML");
    let mut settings = Vec::new();
    for key in table.keys() {
        if !matches!(key.as_str(), "provider" | "spec" | "tool") {
            settings.push(format!("{}: top-level `{key}`", provider.dir));
        }
    }
    let tools = table["tool"].as_array().expect("[[tool]] tables");
    let mut operations: Vec<&str> = tools
        .iter()
        .map(|tool| tool["operation"].as_str().expect("operation"))
        .collect();
    operations.sort_unstable();
    let mut wanted = provider.operations.to_vec();
    wanted.sort_unstable();
    assert_eq!(operations, wanted, "{}:\n{text}", provider.dir);
    for tool in tools {
        let tool = tool.as_table().expect("a table");
        for (key, value) in tool.iter().filter(|(key, _)| *key != "operation") {
            settings.push(format!(
                "{}: `{key} = {}` for {}",
                provider.dir,
                serde_json::to_string(value).unwrap_or_default(),
                tool["operation"].as_str().unwrap_or_default()
            ));
        }
    }
    settings
}

/// Accepts the new tools into `allowlist.lock`, as a user commits it, so the build writes
/// nothing outside `OUT_DIR` and has nothing to warn about.
fn lock(gen_binary: &Path, allowlist: &Path) {
    let args = ["lock".into(), "--allowlist".into(), allowlist.into()];
    generator(gen_binary, &args);
}

/// The tool names the server must list, and which of them send a form body, from
/// `operations --json` (what the user reads before choosing).
fn expect_tools(gen_binary: &Path, provider: &Provider, document: &Path, expected: &mut Value) {
    let mut args: Vec<OsString> = vec![
        "operations".into(),
        "--spec".into(),
        document.into(),
        "--json".into(),
    ];
    args.extend(matching(provider));
    let listed: Value = serde_json::from_str(&generator(gen_binary, &args)).expect("JSON");
    for op in listed.as_array().expect("an array") {
        let name = op["tool_name"].clone();
        expected["tools"].as_array_mut().unwrap().push(name.clone());
        let notes = op["notes"].as_array().expect("notes");
        if notes.iter().any(|note| note["kind"] == "body_encoding") {
            expected["form_tools"].as_array_mut().unwrap().push(name);
        }
    }
}

/// `cargo build` in the copied crate with its own target directory and `-D warnings`; the
/// binary, or the build's output.
fn build(dir: &Path, target: &Path) -> Result<PathBuf, String> {
    let mut cargo = Command::new(env!("CARGO"));
    // Only this build's settings: none of the variables cargo set for this test process
    // (they describe this package) and none of the developer's flags or target directory.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let ours = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_BIN_",
            "CARGO_CRATE_",
        ]
        .iter()
        .any(|prefix| name.starts_with(prefix))
            || matches!(
                name.as_ref(),
                "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "CARGO_BUILD_TARGET_DIR"
                    | "CARGO_ENCODED_RUSTFLAGS"
                    | "CARGO_BUILD_RUSTFLAGS"
            );
        if ours {
            cargo.env_remove(name.as_ref());
        }
    }
    let output = cargo
        .args(["build", "--bin", "alter-mcp-user-crate"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    // Cargo's progress lines say nothing about what failed.
    let progress = [
        "Compiling",
        "Downloaded",
        "Downloading",
        "Adding",
        "Updating",
        "Locking",
        "Fresh",
    ];
    let log: String = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| !progress.iter().any(|p| line.trim_start().starts_with(p)))
        .map(|line| format!("{line}\n"))
        .collect();
    if !output.status.success() {
        return Err(format!(
            "`cargo build` of the user's crate failed ({}):\n{log}",
            output.status
        ));
    }
    // Warnings cargo itself prints (dependencies' build scripts, manifest problems) are not
    // rustc's, so `-D warnings` does not catch them: none may appear either. The one kind
    // allowed is the generator's own advice from the user's build script (a schema over the
    // size budget, a body only retrieve mode can send: issue "plain allowlists just work"),
    // and each of those must say what to write (`help:`).
    let advice = "warning: alter-mcp-user-crate@";
    let warnings: Vec<&str> = log
        .lines()
        .filter(|line| line.trim_start().starts_with("warning"))
        .filter(|line| !(line.starts_with(advice) && line.contains("; help: ")))
        .collect();
    if !warnings.is_empty() {
        return Err(format!(
            "the user's crate built with warnings:\n{}\n\nfull output:\n{log}",
            warnings.join("\n")
        ));
    }
    let binary = target.join("debug").join(format!(
        "alter-mcp-user-crate{}",
        std::env::consts::EXE_SUFFIX
    ));
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!("{} was not built:\n{log}", binary.display()))
    }
}

fn built(user_crate: &UserCrate) -> &Path {
    match &user_crate.binary {
        Ok(binary) => binary,
        Err(why) => panic!("{why}"),
    }
}

#[test]
fn init_writes_plain_allowlists_for_the_providers_documents() {
    let Some(user_crate) = user_crate() else {
        return;
    };
    assert!(
        user_crate.settings.is_empty(),
        "a plain allowlist (only naming operations) does not build for these operations; \
         `init` had to add:\n{}",
        user_crate.settings.join("\n")
    );
}

#[test]
fn user_crate_builds_with_warnings_denied_against_fresh_dependencies() {
    let Some(user_crate) = user_crate() else {
        return;
    };
    built(user_crate);
    assert!(
        user_crate.dir.join("Cargo.lock").is_file(),
        "cargo resolved the dependencies itself (no lock file was copied)"
    );
    for provider in &PROVIDERS {
        let lock = user_crate
            .dir
            .join("specs")
            .join(provider.dir)
            .join("allowlist.lock");
        assert!(
            lock.is_file(),
            "{} was accepted with `alter-mcp-gen lock`",
            lock.display()
        );
    }
}

/// The Python client, in one protocol generation, against the built server.
async fn dry_run_every_tool(protocol: &str) {
    let Some(user_crate) = user_crate() else {
        return;
    };
    let binary = built(user_crate);
    let check = format!("user_crate dry runs ({protocol})");
    let expectations = user_crate.dir.join("expectations.json");
    let args = [
        binary.as_os_str(),
        protocol.as_ref(),
        expectations.as_os_str(),
    ];
    let output = match run_script_with("user_crate_check.py", &args, &[]).await {
        Ok(output) => output,
        Err(error) => {
            return skip_or_fail(&check, &format!("python3 could not be started: {error}"));
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stdout}");
    if output.status.code() == Some(EXIT_PACKAGE_MISSING) {
        return skip_or_fail(&check, stdout.trim());
    }
    assert!(
        output.status.success(),
        "user_crate_check.py {protocol} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_crate_answers_a_dry_run_of_every_tool_legacy_protocol() {
    tokio::task::spawn_blocking(user_crate)
        .await
        .expect("set up");
    dry_run_every_tool("legacy").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_crate_answers_a_dry_run_of_every_tool_2026_protocol() {
    tokio::task::spawn_blocking(user_crate)
        .await
        .expect("set up");
    dry_run_every_tool("2026-07-28").await;
}
