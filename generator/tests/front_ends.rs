//! The build-script API and the CLI, on scratch copies of the fixture.

use std::path::{Path, PathBuf};
use std::process::Command;

use alter_mcp_gen::build::{Builder, try_generate_all};

const SNAPSHOT: &str = "tests/snapshots/demo.rs";

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen-front-ends")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Copies the fixture provider into `specs/<name>/`.
fn provider(specs: &Path, name: &str) -> PathBuf {
    let dir = specs.join(name);
    std::fs::create_dir_all(&dir).expect("provider dir");
    for file in ["allowlist.toml", "openapi.yaml"] {
        std::fs::copy(Path::new("tests/fixtures/demo").join(file), dir.join(file)).expect("copy");
    }
    dir.join("allowlist.toml")
}

#[test]
fn generate_all_writes_one_module_per_provider_and_only_when_changed() {
    let root = scratch("all");
    let (specs, out) = (root.join("specs"), root.join("out"));
    provider(&specs, "demo-one");
    provider(&specs, "two");
    std::fs::create_dir_all(specs.join("not-a-provider")).expect("dir");
    std::fs::create_dir_all(&out).expect("out dir");

    let outputs = try_generate_all(&specs, &out).expect("generates");
    let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["demo-one", "two"]);
    assert_eq!(outputs[0].path, out.join("demo_one.rs"));
    assert!(outputs.iter().all(|o| o.changed));
    assert_eq!(
        outputs[0].files_read,
        [
            specs.join("demo-one/allowlist.toml"),
            specs.join("demo-one/openapi.yaml")
        ]
    );
    let body = |path: &Path| {
        let text = std::fs::read_to_string(path).expect("written");
        text.split_once("\n\n").map(|(_, b)| b.to_owned())
    };
    assert_eq!(body(&out.join("two.rs")), body(Path::new(SNAPSHOT)));

    let again = try_generate_all(&specs, &out).expect("generates");
    assert!(
        again.iter().all(|o| !o.changed),
        "same bytes are not rewritten"
    );
}

#[test]
fn generate_all_reports_every_provider_problem() {
    let root = scratch("broken");
    let specs = root.join("specs");
    for name in ["a", "b"] {
        let allowlist = provider(&specs, name);
        let text = std::fs::read_to_string(&allowlist).expect("read");
        std::fs::write(&allowlist, text.replace("notes.list", "notes.lst")).expect("write");
    }
    let error = try_generate_all(&specs, &root).expect_err("both are broken");
    assert_eq!(error.len(), 2, "{error}");
    let files: Vec<PathBuf> = error.iter().map(|d| d.location.file.clone()).collect();
    assert_eq!(
        files,
        [
            specs.join("a/allowlist.toml"),
            specs.join("b/allowlist.toml")
        ]
    );

    let empty = scratch("empty");
    let error = try_generate_all(&empty, &empty).expect_err("nothing to generate");
    assert!(
        error.to_string().contains("no `*/allowlist.toml`"),
        "{error}"
    );
}

#[test]
fn builder_writes_the_named_file() {
    let root = scratch("builder");
    let allowlist = provider(&root.join("specs"), "google-calendar");
    let output = Builder::new(&allowlist)
        .out_file("custom.rs")
        .try_generate(&root)
        .expect("generates");
    assert_eq!(output.path, root.join("custom.rs"));
    assert_eq!(output.name, "google-calendar");
    let default = Builder::new(&allowlist)
        .try_generate(&root)
        .expect("generates");
    assert_eq!(default.path, root.join("google_calendar.rs"));
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_alter-mcp-gen"))
        .args(args)
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn cli_generates_and_checks() {
    let root = scratch("cli");
    let allowlist = provider(&root, "demo");
    let allowlist = allowlist.to_str().expect("utf-8");
    let out = root.join("demo.rs");
    let out = out.to_str().expect("utf-8");

    let (code, _, stderr) = cli(&["generate", "--allowlist", allowlist, "--out", out]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = cli(&[
        "generate",
        "--allowlist",
        allowlist,
        "--out",
        out,
        "--check",
    ]);
    assert_eq!(code, 0, "{stderr}");

    std::fs::write(out, "// stale\n").expect("write");
    let (code, _, stderr) = cli(&[
        "generate",
        "--allowlist",
        allowlist,
        "--out",
        out,
        "--check",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("is out of date"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out).expect("read"),
        "// stale\n",
        "--check never writes"
    );

    let (code, stdout, _) = cli(&["generate", "--allowlist", allowlist]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("// @generated"));
}

#[test]
fn cli_reports_problems_and_usage() {
    let root = scratch("cli-errors");
    let allowlist = provider(&root, "demo");
    let text = std::fs::read_to_string(&allowlist).expect("read");
    std::fs::write(&allowlist, text.replace("max_results", "query")).expect("write");
    let allowlist = allowlist.to_str().expect("utf-8");
    let (code, stdout, stderr) = cli(&["generate", "--allowlist", allowlist]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("error: the model would see two inputs"),
        "{stderr}"
    );
    assert!(stderr.contains("help: give `params."), "{stderr}");

    let (code, stdout, _) = cli(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("alter-mcp-gen generate --allowlist FILE"));
    let (code, _, stderr) = cli(&["generate"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing --allowlist"), "{stderr}");
    let (code, _, _) = cli(&["generate", "--allowlist", allowlist, "--check"]);
    assert_eq!(code, 2, "--check needs --out");
}

/// A document with an operation without an id, two ids that collide after case conversion
/// (both then take their route's name), a 70-character id, and one operation that cannot be
/// expressed.
const EVERY: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://api.test'}]
paths:
  /pets/{petId}:
    get:
      parameters: [{name: petId, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
  /a:
    get: {operationId: pets.list, responses: {'200': {description: ok}}}
  /b:
    get: {operationId: pets_list, responses: {'200': {description: ok}}}
  /c:
    post:
      operationId: admin.conversations.restrictAccess.removeGroupFromAllowlistedWorkspaces
      responses: {'200': {description: ok}}
  /d:
    get:
      operationId: withCookie
      parameters: [{name: session, in: cookie, schema: {type: string}}]
      responses: {'200': {description: ok}}
"#;

#[test]
fn cli_all_generates_every_operation_or_says_what_it_skipped() {
    let root = scratch("cli-all");
    let spec = root.join("api.yaml");
    std::fs::write(&spec, EVERY).expect("write");
    let spec = spec.to_str().expect("utf-8");

    // Without --skip-unsupported one bad operation fails the whole run, naming it.
    let (code, stdout, stderr) = cli(&["generate", "--spec", spec, "--provider", "p", "--all"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("cookie parameter `session`"), "{stderr}");
    assert!(stderr.contains("#/paths/~1d/get/parameters/0"), "{stderr}");

    let (code, stdout, stderr) = cli(&[
        "generate",
        "--spec",
        spec,
        "--provider",
        "p",
        "--all",
        "--skip-unsupported",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("skipped GET /d:"), "{stderr}");
    assert!(
        stderr.contains("4 tools generated, 1 operations skipped"),
        "{stderr}"
    );
    for name in [
        "\"get_pets_pet_id\"",
        "\"get_a\"",
        "\"get_b\"",
        "\"admin_convers_restric_access_remove_group_from_allowlis_workspac\"",
    ] {
        assert!(stdout.contains(name), "{name} in\n{stdout}");
    }
    assert!(!stdout.contains("with_cookie"));

    let (code, _, stderr) = cli(&["generate", "--spec", spec, "--all"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--all needs --provider ID"), "{stderr}");
    let (code, _, stderr) = cli(&["generate", "--spec", spec, "--provider", "p"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing --allowlist"), "{stderr}");
}

#[test]
fn every_operation_through_the_library_summarizes_each_tool() {
    let root = scratch("lib-all");
    let spec = root.join("api.yaml");
    std::fs::write(&spec, EVERY.split("  /d:").next().expect("head")).expect("write");
    let options = alter_mcp_gen::EveryOperation {
        provider: "p".to_owned(),
        ..Default::default()
    };
    let generated = alter_mcp_gen::generate_every_operation(&spec, &options).expect("generates");
    assert_eq!(generated.tools.len(), 4);
    assert_eq!(generated.tools[0].operation, "GET /pets/{petId}");
    assert_eq!(generated.tools[0].inputs, [("petId".to_owned(), "path")]);
    assert_eq!(generated.files_read, [spec]);
    assert!(generated.skipped.is_empty());
}

#[test]
fn every_operation_names_stay_distinct_without_depending_on_order() {
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://api.test'}]
paths:
  /jobs:
    get: {responses: {'200': {description: ok}}}
  /jobs/:
    get: {responses: {'200': {description: ok}}}
  /other:
    get: {responses: {'200': {description: ok}}}
"#;
    let root = scratch("lib-all-collide");
    let options = alter_mcp_gen::EveryOperation {
        provider: "p".to_owned(),
        ..Default::default()
    };
    let names = |text: &str| {
        std::fs::write(root.join("api.yaml"), text).expect("write");
        let generated = alter_mcp_gen::generate_every_operation(root.join("api.yaml"), &options)
            .expect("generates");
        let mut pairs: Vec<(String, String)> = generated
            .tools
            .iter()
            .map(|t| (t.operation.clone(), t.name.clone()))
            .collect();
        pairs.sort();
        pairs
    };
    let forward = names(spec);
    assert_eq!(forward.len(), 3);
    assert!(forward[0].1.starts_with("get_jobs_") && forward[1].1.starts_with("get_jobs_"));
    assert_ne!(forward[0].1, forward[1].1);
    assert_eq!(forward[2].1, "get_other");
    // The same operations in another order get the same names.
    let reordered = spec.replace(
        "  /jobs:\n    get: {responses: {'200': {description: ok}}}\n",
        "",
    ) + "  /jobs:\n    get: {responses: {'200': {description: ok}}}\n";
    assert_eq!(names(&reordered), forward);
}
