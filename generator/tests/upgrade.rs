//! Safe regeneration: `alter-mcp-gen diff` on two versions of a document written to differ in
//! each way it reports (tests/fixtures/diff), and the lock file through the build-script API
//! and the CLI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use alter_mcp_gen::build::{LockMode, LockStatus, try_generate_all, try_generate_all_with};
use serde_json::Value;

const DIFF: &str = "tests/fixtures/diff";

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alter-mcp-gen"))
        .args(args)
        .output()
        .expect("runs alter-mcp-gen")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn diff(new: &str, extra: &[&str]) -> Output {
    let allowlist = format!("{DIFF}/allowlist.toml");
    let (old, new) = (format!("{DIFF}/old.yaml"), format!("{DIFF}/{new}"));
    let mut args = vec!["diff", "--allowlist", &allowlist];
    args.extend(extra);
    args.extend([old.as_str(), new.as_str()]);
    cli(&args)
}

#[test]
fn diff_reports_each_kind_of_change_and_exits_1_on_a_breaking_one() {
    let output = diff("new.yaml", &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    let block = |tool: &str| -> String {
        let start = text
            .find(&format!("\n{tool} ("))
            .unwrap_or_else(|| panic!("no block for {tool}:\n{text}"));
        let rest = &text[start + 1..];
        rest[..rest.find("\n\n").unwrap_or(rest.len())].to_owned()
    };
    let expect = [
        (
            "list_widgets",
            "BREAKING  parameter `limit` type changed: integer → string",
        ),
        (
            "list_widgets",
            "BREAKING  parameter `color` no longer accepts \"blue\"",
        ),
        (
            "list_widgets",
            "ok        parameter `color` now also accepts \"yellow\"",
        ),
        (
            "list_widgets",
            "ok        new optional parameter `cursor` (query, string)",
        ),
        (
            "create_widget",
            "BREAKING  new required parameter `owner` (body field, string)",
        ),
        (
            "create_widget",
            "BREAKING  parameter `size` (body field, integer) removed",
        ),
        (
            "get_widget",
            "BREAKING  parameter renamed `verbose` → `detailed` (query, boolean)",
        ),
        (
            "delete_widget",
            "BREAKING  tool removed: operation `deleteWidget` is gone from the new document",
        ),
        (
            "archive_widget",
            "ok        the new document marks `archiveWidget` deprecated",
        ),
        ("list_gadgets", "ok        input schema changed"),
        ("list_gadgets", "wording only"),
    ];
    for (tool, line) in expect {
        let block = block(tool);
        assert!(block.contains(line), "{tool}: no `{line}` in\n{block}");
    }
    assert!(
        text.contains("new operations in the document (not in the allowlist):\n  getWidgetHistory (GET /widgets/{widgetId}/history)"),
        "{text}"
    );
    assert!(text.contains("6 breaking, 4 other change(s)"), "{text}");
}

#[test]
fn diff_json_lists_each_finding_by_kind() {
    let output = diff("new.yaml", &["--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON report");
    let kinds = |tool: &str| -> Vec<(String, bool)> {
        let tools = report["tools"].as_array().expect("tools");
        let entry = tools
            .iter()
            .find(|t| t["name"] == tool)
            .unwrap_or_else(|| panic!("no {tool}"));
        entry["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| {
                let kind = c["kind"].as_str().expect("kind").to_owned();
                (kind, c["breaking"].as_bool().expect("breaking"))
            })
            .collect()
    };
    let own = |list: &[(&str, bool)]| -> Vec<(String, bool)> {
        list.iter().map(|(k, b)| ((*k).to_owned(), *b)).collect()
    };
    assert_eq!(
        kinds("list_widgets"),
        own(&[
            ("type", true),
            ("enum-removed", true),
            ("enum-added", false),
            ("added", false)
        ])
    );
    assert_eq!(
        kinds("create_widget"),
        own(&[("required", true), ("param-removed", true)])
    );
    assert_eq!(kinds("get_widget"), own(&[("renamed", true)]));
    assert_eq!(kinds("delete_widget"), own(&[("removed", true)]));
    assert_eq!(kinds("archive_widget"), own(&[("deprecated", false)]));
    assert_eq!(kinds("list_gadgets"), own(&[("input-schema", false)]));
}

#[test]
fn diff_of_additions_only_exits_0() {
    let output = diff("additive.yaml", &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(
        text.contains("ok        new optional parameter `cursor` (query, string)"),
        "{text}"
    );
    assert!(text.contains("  listGizmos (GET /gizmos)"), "{text}");
    assert!(
        text.contains("0 breaking, 1 other change(s): no breaking change"),
        "{text}"
    );
    assert!(
        text.contains(
            "unchanged: create_widget, get_widget, delete_widget, archive_widget, list_gadgets"
        ),
        "{text}"
    );

    let same = diff("old.yaml", &[]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).contains("0 breaking, 0 other change(s)"));
}

#[test]
fn diff_of_a_document_that_does_not_load_exits_2() {
    let root = scratch("diff-broken");
    let broken = root.join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\npaths: [not, a, map\n").expect("write");
    let broken = broken.to_string_lossy().into_owned();
    for new in [broken.as_str(), "tests/fixtures/diff/missing.yaml"] {
        let allowlist = format!("{DIFF}/allowlist.toml");
        let output = cli(&[
            "diff",
            "--allowlist",
            &allowlist,
            "tests/fixtures/diff/old.yaml",
            new,
        ]);
        assert_eq!(output.status.code(), Some(2), "{new}: {}", stderr(&output));
        assert!(stderr(&output).contains(new), "{}", stderr(&output));
        assert!(stdout(&output).is_empty());
    }
    let usage = cli(&["diff", "--allowlist", "x.toml", "only-one.yaml"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(stderr(&usage).contains("OLD_SPEC NEW_SPEC"));
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen-upgrade")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// `specs/widgets/` with the diff fixture's allowlist on `old.yaml`, minus `deleteWidget`
/// (so the same allowlist also works on `new.yaml`).
fn widgets(root: &Path) -> (PathBuf, PathBuf) {
    let dir = root.join("specs/widgets");
    std::fs::create_dir_all(&dir).expect("provider dir");
    for file in ["old.yaml", "new.yaml"] {
        std::fs::copy(Path::new(DIFF).join(file), dir.join(file)).expect("copy");
    }
    let allowlist = std::fs::read_to_string(Path::new(DIFF).join("allowlist.toml")).expect("read");
    let allowlist = allowlist.replace(
        "[[tool]]\noperation = \"deleteWidget\"\nname = \"delete_widget\"\n\n",
        "",
    );
    assert!(!allowlist.contains("deleteWidget"));
    std::fs::write(dir.join("allowlist.toml"), allowlist).expect("write");
    (root.join("specs"), dir)
}

#[test]
fn the_lock_is_written_when_missing_then_checked() {
    let root = scratch("lock");
    let (specs, dir) = widgets(&root);
    let out = root.join("out");
    let lock = dir.join("allowlist.lock");

    let first = try_generate_all(&specs, &out).expect("generates");
    assert_eq!(first[0].lock, LockStatus::Created);
    assert_eq!(first[0].lock_file, lock);
    let text = std::fs::read_to_string(&lock).expect("the lock is written");
    for tool in [
        "archive_widget",
        "create_widget",
        "get_widget",
        "list_gadgets",
        "list_widgets",
    ] {
        assert!(
            text.contains(&format!("name = \"{tool}\"")),
            "{tool}:\n{text}"
        );
    }
    assert!(
        text.contains(
            "{ name = \"limit\", in = \"query\", type = \"integer\", required = false },"
        ),
        "{text}"
    );
    assert!(text.contains("request = \"POST https://api.widgets.example.com/v1/widgets\""));

    let again = try_generate_all(&specs, &out).expect("still matches");
    assert_eq!(again[0].lock, LockStatus::Matched);
    assert_eq!(std::fs::read_to_string(&lock).expect("read"), text);
}

#[test]
fn a_changed_tool_fails_the_build_until_accepted() {
    let root = scratch("lock-changed");
    let (specs, dir) = widgets(&root);
    let out = root.join("out");
    let lock = dir.join("allowlist.lock");
    try_generate_all(&specs, &out).expect("writes the lock");
    let locked = std::fs::read_to_string(&lock).expect("read");

    // The provider changes its document.
    let allowlist = dir.join("allowlist.toml");
    let text = std::fs::read_to_string(&allowlist).expect("read");
    std::fs::write(&allowlist, text.replace("old.yaml", "new.yaml")).expect("write");

    let error = try_generate_all(&specs, &out).expect_err("the tools changed");
    let message = error.to_string();
    for expected in [
        "the regenerated tools no longer match the lock file",
        "list_widgets (listWidgets):",
        "BREAKING parameter `limit` type changed: integer → string",
        "new optional parameter `cursor` (query, string)",
        "create_widget (createWidget):",
        "BREAKING new required parameter `owner` (body field, string)",
        "BREAKING parameter `size` (body field, integer) removed",
        "get_widget (getWidget):",
        "BREAKING parameter renamed `verbose` → `detailed` (query, boolean)",
        "alter-mcp-gen lock --allowlist",
        "ALTER_MCP_UPDATE_LOCK=1 cargo build",
    ] {
        assert!(message.contains(expected), "no `{expected}` in:\n{message}");
    }
    assert!(
        !message.contains("archive_widget"),
        "unchanged tools are not listed:\n{message}"
    );
    assert_eq!(
        error.iter().next().map(|d| d.location.file.clone()),
        Some(lock.clone())
    );
    assert_eq!(
        std::fs::read_to_string(&lock).expect("read"),
        locked,
        "a check never writes"
    );

    let accepted = try_generate_all_with(&specs, &out, LockMode::Update).expect("accepted");
    assert_eq!(accepted[0].lock, LockStatus::Updated);
    let relocked = std::fs::read_to_string(&lock).expect("read");
    assert!(
        relocked
            .contains("{ name = \"limit\", in = \"query\", type = \"string\", required = false },")
    );
    let checked = try_generate_all(&specs, &out).expect("matches after accepting");
    assert_eq!(checked[0].lock, LockStatus::Matched);
}

#[test]
fn the_cli_checks_and_accepts_the_lock() {
    let root = scratch("lock-cli");
    let (_, dir) = widgets(&root);
    let allowlist = dir.join("allowlist.toml");
    let allowlist_arg = allowlist.to_string_lossy().into_owned();
    let check = || cli(&["lock", "--allowlist", &allowlist_arg, "--check"]);

    let missing = check();
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("does not exist"),
        "{}",
        stderr(&missing)
    );
    let written = cli(&["lock", "--allowlist", &allowlist_arg]);
    assert!(written.status.success(), "{}", stderr(&written));
    assert!(check().status.success());

    let text = std::fs::read_to_string(&allowlist).expect("read");
    std::fs::write(&allowlist, text.replace("old.yaml", "new.yaml")).expect("write");
    let mismatch = check();
    assert_eq!(mismatch.status.code(), Some(1));
    assert!(
        stderr(&mismatch).contains("BREAKING parameter renamed `verbose` → `detailed`"),
        "{}",
        stderr(&mismatch)
    );
    let accept = cli(&["lock", "--allowlist", &allowlist_arg]);
    assert!(accept.status.success(), "{}", stderr(&accept));
    assert!(
        stderr(&accept).contains("accepting:"),
        "{}",
        stderr(&accept)
    );
    assert!(stderr(&accept).contains("updated"), "{}", stderr(&accept));
    // The new document deprecates archiveWidget: the CLI says so on standard error.
    assert!(
        stderr(&accept).contains("warning: tool `archive_widget` calls `archiveWidget`"),
        "{}",
        stderr(&accept)
    );
    assert!(check().status.success());
}

#[test]
fn a_deprecated_operation_is_a_warning_with_its_pointer() {
    let root = scratch("deprecated");
    let (specs, dir) = widgets(&root);
    let allowlist = dir.join("allowlist.toml");
    let text = std::fs::read_to_string(&allowlist).expect("read");
    std::fs::write(&allowlist, text.replace("old.yaml", "new.yaml")).expect("write");

    let outputs = try_generate_all(&specs, &root.join("out")).expect("generates");
    let warnings = &outputs[0].warnings;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .message
            .starts_with("tool `archive_widget` calls `archiveWidget` (PUT https://api.widgets.example.com/v1/widgets/{widgetId}/archive)"),
        "{}",
        warnings[0].message
    );
    assert_eq!(
        warnings[0].location.to_string(),
        format!(
            "{}#/paths/~1widgets~1{{widgetId}}~1archive/put",
            dir.join("new.yaml").display()
        )
    );

    let generate = cli(&["generate", "--allowlist", &allowlist.to_string_lossy()]);
    assert!(generate.status.success());
    assert!(stderr(&generate).contains("which the document marks deprecated"));
}

/// Swagger 2.0 and Google Discovery documents carry `deprecated` through their conversion,
/// and the warning points into the original document.
#[test]
fn deprecation_is_read_from_every_format() {
    let root = scratch("deprecated-formats");
    let swagger = "swagger: '2.0'\ninfo: {title: Old, version: '1'}\nhost: old.test\nschemes: [https]\n\
        paths:\n  /ping:\n    get:\n      operationId: ping\n      deprecated: true\n      \
        responses: {'200': {description: ok}}\n";
    let discovery = r#"{"kind": "discovery#restDescription", "discoveryVersion": "v1", "name": "old",
        "version": "v1", "rootUrl": "https://old.googleapis.com/", "servicePath": "old/v1/",
        "resources": {"pings": {"methods": {"get": {"id": "old.pings.get", "path": "ping",
        "httpMethod": "GET", "deprecated": true}}}}}"#;
    let cases = [
        (
            "swagger",
            "spec.yaml",
            swagger,
            "ping",
            "#/paths/~1ping/get",
        ),
        (
            "discovery",
            "spec.json",
            discovery,
            "old.pings.get",
            "#/resources/pings/methods/get",
        ),
    ];
    for (name, file, spec, operation, pointer) in cases {
        let dir = root.join("specs").join(name);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(file), spec).expect("write");
        let allowlist = format!(
            "provider = \"old\"\nspec = \"{file}\"\n\n[[tool]]\noperation = \"{operation}\"\nname = \"ping\"\n"
        );
        std::fs::write(dir.join("allowlist.toml"), allowlist).expect("write");
        let generated = alter_mcp_gen::generate(dir.join("allowlist.toml")).expect("generates");
        assert_eq!(generated.warnings.len(), 1, "{name}");
        assert_eq!(
            generated.warnings[0].location.to_string(),
            format!("{}{pointer}", dir.join(file).display()),
            "{name}"
        );
        assert!(generated.tools[0].deprecated, "{name}");
    }
}

/// The committed lock files match what the committed specs generate (the build checks this
/// too; this test says which file to update, without building the server).
#[test]
fn the_committed_locks_are_current() {
    for provider in ["google-calendar", "slack"] {
        let dir = Path::new("../specs").join(provider);
        let generated = alter_mcp_gen::generate(dir.join("allowlist.toml")).expect("generates");
        let committed = std::fs::read_to_string(dir.join("allowlist.lock"))
            .unwrap_or_else(|e| panic!("specs/{provider}/allowlist.lock: {e}"));
        assert!(
            committed == alter_mcp_gen::lock::render(&generated),
            "specs/{provider}/allowlist.lock is stale: run `cargo run -p alter-mcp-gen -- lock --allowlist specs/{provider}/allowlist.toml` and review the diff"
        );
    }
}

/// An allowlist setting for a parameter the new document renamed: the operation is still
/// there but the tool no longer generates, which `diff` reports (breaking) with the reason.
#[test]
fn diff_reports_a_tool_the_new_document_cannot_generate() {
    let root = scratch("diff-unsupported");
    let text = std::fs::read_to_string(Path::new(DIFF).join("allowlist.toml")).expect("read");
    let text = text.replace(
        "operation = \"getWidget\"\nname = \"get_widget\"\n",
        "operation = \"getWidget\"\nname = \"get_widget\"\nparams.verbose = { default = true }\n",
    );
    let allowlist = root.join("allowlist.toml");
    std::fs::write(&allowlist, text).expect("write");
    let output = cli(&[
        "diff",
        "--allowlist",
        &allowlist.to_string_lossy(),
        "tests/fixtures/diff/old.yaml",
        "tests/fixtures/diff/new.yaml",
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    assert!(
        text.contains(
            "get_widget (getWidget)\n  BREAKING  operation `getWidget` can no longer be generated:"
        ),
        "{text}"
    );
    assert!(
        text.contains("(key `tool[2].params.verbose`)"),
        "the reason names the setting:\n{text}"
    );
    // The other tools are still compared one by one.
    assert!(
        text.contains("BREAKING  parameter `limit` type changed"),
        "{text}"
    );
}

#[test]
fn the_builder_checks_the_lock_too() {
    let root = scratch("lock-builder");
    let (_, dir) = widgets(&root);
    let allowlist = dir.join("allowlist.toml");
    let builder = alter_mcp_gen::build::Builder::new(&allowlist);
    let first = builder.try_generate(&root).expect("writes the lock");
    assert_eq!(first.lock, LockStatus::Created);

    let text = std::fs::read_to_string(&allowlist).expect("read");
    std::fs::write(&allowlist, text.replace("old.yaml", "new.yaml")).expect("write");
    let error = builder.try_generate(&root).expect_err("the tools changed");
    assert!(
        error
            .to_string()
            .contains("BREAKING parameter `limit` type changed"),
        "{error}"
    );
    let accepted = builder
        .clone()
        .lock(LockMode::Update)
        .try_generate(&root)
        .expect("accepted");
    assert_eq!(accepted.lock, LockStatus::Updated);
    assert_eq!(
        builder.try_generate(&root).expect("matches").lock,
        LockStatus::Matched
    );
}
