//! `alter-mcp-gen operations` and `init`, through the real binary: the four document formats
//! (fixtures in `fixtures/operations`), and the providers' own documents beside the repository.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/operations";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn cli(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_alter-mcp-gen"))
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .expect("runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen-operations")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// `operations --json`, parsed; the run must succeed.
fn listed(spec: &str, matches: &[&str]) -> Vec<Value> {
    let mut args = vec!["operations", "--spec", spec, "--json"];
    for text in matches {
        args.extend(["--match", text]);
    }
    let run = cli(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str::<Value>(&run.stdout)
        .expect("--json prints JSON")
        .as_array()
        .expect("an array")
        .clone()
}

fn find<'a>(operations: &'a [Value], key: &str) -> &'a Value {
    operations
        .iter()
        .find(|op| op["operation"] == key)
        .unwrap_or_else(|| panic!("{key} is not listed: {operations:#?}"))
}

fn note_kinds(operation: &Value) -> Vec<&str> {
    operation["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|note| note["kind"].as_str().expect("a kind"))
        .collect()
}

#[test]
fn operations_lists_each_format_with_what_a_plain_tool_needs() {
    let ops = listed(&fixture("openapi30.yaml"), &[]);
    let keys: Vec<&str> = ops
        .iter()
        .map(|op| op["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "listWidgets",
            "createWidget",
            "getWidget",
            "refreshSession",
            "GET /gadgets"
        ],
        "document order; an operation without an id is named by its route"
    );
    let list = find(&ops, "listWidgets");
    assert_eq!(list["summary"], "List the widgets");
    assert_eq!(list["tags"], serde_json::json!(["widgets"]));
    assert_eq!(list["tool_name"], "list_widgets");
    assert!(note_kinds(list).is_empty(), "{list:#}");
    assert_eq!(note_kinds(find(&ops, "createWidget")), ["body_encoding"]);
    let get = find(&ops, "getWidget");
    assert_eq!(get["deprecated"], true);
    assert_eq!(
        get["summary"], "Returns one widget. Kept for old clients",
        "the description's first line stands in for a missing summary"
    );
    let cookie = find(&ops, "refreshSession");
    assert_eq!(note_kinds(cookie), ["unsupported"]);
    let problem = &cookie["notes"][0]["problems"][0];
    assert!(
        problem["message"].as_str().unwrap().contains("cookie"),
        "{problem:#}"
    );
    assert!(
        problem["location"]
            .as_str()
            .unwrap()
            .contains("#/paths/~1session~1refresh/post"),
        "{problem:#}"
    );

    let ops = listed(&fixture("openapi31.yaml"), &[]);
    for op in &ops {
        assert_eq!(note_kinds(op), ["base_url"], "no server: {op:#}");
    }
    // Two operations share `fetch`: each is named by its route, which the allowlist resolves.
    find(&ops, "GET /gadgets");
    find(&ops, "GET /gizmos");
    assert_eq!(find(&ops, "removeGadget")["operation_id"], "removeGadget");

    let ops = listed(&fixture("swagger2.yaml"), &[]);
    assert_eq!(note_kinds(find(&ops, "chat_post")), ["body_encoding"]);
    let list = find(&ops, "chat_list");
    assert_eq!(list["deprecated"], true);
    assert_eq!(list["pointer"], "/paths/~1chat.list/get");

    let ops = listed(&fixture("discovery.json"), &[]);
    let insert = find(&ops, "planner.events.insert");
    assert_eq!(insert["deprecated"], true);
    assert_eq!(insert["method"], "POST");
    assert_eq!(
        insert["pointer"], "/resources/events/methods/insert",
        "pointers name the Discovery document's own nodes"
    );
    let reminders = find(&ops, "planner.events.reminders.list");
    assert_eq!(
        reminders["tags"],
        serde_json::json!(["events.reminders"]),
        "a Discovery method is tagged with its resource"
    );
    assert_eq!(reminders["summary"], "Lists reminders");
}

#[test]
fn operations_match_ignores_case_over_id_path_summary_and_tags() {
    let spec = fixture("openapi30.yaml");
    let keys = |matches: &[&str]| -> Vec<String> {
        listed(&spec, matches)
            .iter()
            .map(|op| op["operation"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(keys(&["CREATEWIDGET"]), ["createWidget"], "id");
    assert_eq!(keys(&["/Session/"]), ["refreshSession"], "path");
    assert_eq!(keys(&["old CLIENTS"]), ["getWidget"], "summary");
    assert_eq!(keys(&["Admin"]), ["refreshSession"], "tag");
    assert_eq!(
        keys(&["admin", "gadgets"]),
        ["refreshSession", "GET /gadgets"],
        "any of several"
    );
    assert!(keys(&["nothing like it"]).is_empty());
}

#[test]
fn operations_table_reads_in_a_terminal() {
    let run = cli(&["operations", "--spec", &fixture("openapi30.yaml")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("OPERATION"), "{}", run.stdout);
    for heading in ["REQUEST", "TAGS", "NOTES", "SUMMARY"] {
        assert!(lines[0].contains(heading), "{}", lines[0]);
    }
    // Columns line up: each row's request starts where the heading's does.
    let column = lines[0].find("REQUEST").unwrap();
    let row = lines
        .iter()
        .find(|l| l.starts_with("createWidget"))
        .unwrap();
    assert_eq!(row.find("POST /widgets"), Some(column), "{}", run.stdout);
    assert!(row.contains("body_encoding") && row.ends_with("Create a widget"));
    let deprecated = lines.iter().find(|l| l.starts_with("getWidget")).unwrap();
    assert!(deprecated.contains("deprecated"), "{deprecated}");
    // What each note means, and why an operation cannot be a tool.
    assert!(
        run.stdout
            .contains("set `body_encoding = \"json\"` if the API accepts JSON"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "refreshSession: the operation authenticates only with an API key in a cookie"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("alter-mcp-gen init --spec"),
        "{}",
        run.stdout
    );

    // A narrow terminal cuts the summary, never the operation.
    let narrow = Command::new(env!("CARGO_BIN_EXE_alter-mcp-gen"))
        .args(["operations", "--spec", &fixture("openapi30.yaml")])
        .env("COLUMNS", "60")
        .output()
        .expect("runs");
    let narrow = String::from_utf8_lossy(&narrow.stdout);
    let row = narrow
        .lines()
        .find(|l| l.starts_with("GET /gadgets"))
        .unwrap();
    assert!(row.ends_with('…'), "{narrow}");
}

#[test]
fn operations_reports_bad_input_without_panicking() {
    let run = cli(&["operations", "--spec", "no/such/file.yaml"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no/such/file.yaml"), "{}", run.stderr);
    let run = cli(&["operations"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing --spec FILE"), "{}", run.stderr);
    let run = cli(&["operations", "--spec", &fixture("swagger2.yaml"), "--bogus"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = cli(&["init", "--spec", &fixture("swagger2.yaml")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing --provider"), "{}", run.stderr);
}

/// `init --out` in a directory below the scratch root, then `generate` on what it wrote.
fn init_and_generate(spec: &Path, out: &Path, extra: &[&str]) -> (String, Run) {
    let spec_arg = spec.to_str().expect("utf-8");
    let out_arg = out.to_str().expect("utf-8");
    let mut args = vec![
        "init",
        "--spec",
        spec_arg,
        "--provider",
        "acme",
        "--out",
        out_arg,
    ];
    args.extend(extra);
    let run = cli(&args);
    assert_eq!(run.code, 0, "init {extra:?}: {}", run.stderr);
    let text = std::fs::read_to_string(out).expect("init wrote the allowlist");
    let generated = cli(&["generate", "--allowlist", out_arg]);
    assert_eq!(
        generated.code, 0,
        "init's allowlist must generate as written:\n{text}\n{}",
        generated.stderr
    );
    assert!(generated.stdout.starts_with("// @generated"));
    (text, run)
}

/// The allowlist's `spec`, resolved from its directory, is the document `init` was given.
fn assert_spec_names(allowlist: &Path, spec: &Path) -> toml::Table {
    let table: toml::Table = std::fs::read_to_string(allowlist)
        .expect("read")
        .parse()
        .expect("TOML");
    let named = table["spec"].as_str().expect("spec");
    assert!(Path::new(named).is_relative(), "{named}");
    let resolved = allowlist.parent().unwrap().join(named);
    assert_eq!(
        std::fs::canonicalize(&resolved).expect("spec resolves"),
        std::fs::canonicalize(spec).expect("spec"),
        "{named}"
    );
    table
}

fn tool_operations(table: &toml::Table) -> Vec<String> {
    table["tool"]
        .as_array()
        .expect("[[tool]]")
        .iter()
        .map(|tool| tool["operation"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn init_writes_an_allowlist_that_builds_and_names_the_spec_from_where_it_lives() {
    let root = scratch("init");
    let spec = std::fs::canonicalize(fixture("openapi30.yaml")).expect("fixture");
    let out = root.join("specs/acme/allowlist.toml");
    let (text, run) = init_and_generate(&spec, &out, &[]);
    let table = assert_spec_names(&out, &spec);
    assert_eq!(table["provider"].as_str(), Some("acme"));
    assert_eq!(
        tool_operations(&table),
        ["listWidgets", "createWidget", "getWidget", "GET /gadgets"],
        "the cookie-only operation cannot be a tool"
    );
    assert!(
        text.contains("# [[tool]]\n# operation = \"refreshSession\""),
        "left out as a comment saying why:\n{text}"
    );
    assert!(
        text.contains("# Left out: the operation authenticates only with an API key in a cookie")
    );
    assert!(text.contains("# body_encoding = \"json\""), "{text}");
    assert!(text.contains("deprecated"), "{text}");
    assert!(run.stderr.contains("4 tools"), "{}", run.stderr);
    assert!(
        run.stderr.contains("left out refreshSession"),
        "{}",
        run.stderr
    );

    // An existing file is kept unless --force.
    std::fs::write(&out, "# mine\n").expect("write");
    let again = cli(&[
        "init",
        "--spec",
        spec.to_str().unwrap(),
        "--provider",
        "acme",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "# mine\n");
    let (_, _) = init_and_generate(&spec, &out, &["--force", "--match", "widget"]);
    let table = assert_spec_names(&out, &spec);
    assert_eq!(
        tool_operations(&table),
        ["listWidgets", "createWidget", "getWidget"]
    );
}

#[test]
fn init_in_each_format_builds() {
    let root = scratch("formats");
    for (name, extra) in [
        (
            "openapi31.yaml",
            &["--base-url", "https://gadgets.test"][..],
        ),
        ("swagger2.yaml", &[][..]),
        ("discovery.json", &[][..]),
    ] {
        let spec = std::fs::canonicalize(fixture(name)).expect("fixture");
        let out = root.join(name).join("allowlist.toml");
        let (text, _) = init_and_generate(&spec, &out, extra);
        assert_spec_names(&out, &spec);
        assert!(text.contains("[[tool]]"), "{text}");
    }
    // Two operations that share an operationId are named apart (by their routes).
    let text = std::fs::read_to_string(root.join("openapi31.yaml/allowlist.toml")).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let names: BTreeSet<&str> = table["tool"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.get("name").and_then(|n| n.as_str()))
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["get_gadgets", "get_gizmos"]),
        "{text}"
    );
    assert_eq!(table["base_url"].as_str(), Some("https://gadgets.test"));
}

#[test]
fn init_says_what_is_missing() {
    let root = scratch("missing");
    let out = root.join("allowlist.toml");
    let out_arg = out.to_str().unwrap();
    let run = cli(&[
        "init",
        "--spec",
        &fixture("openapi31.yaml"),
        "--provider",
        "acme",
        "--out",
        out_arg,
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("--base-url"), "{}", run.stderr);
    assert!(
        run.stderr.contains("openapi31.yaml#/servers"),
        "{}",
        run.stderr
    );
    let run = cli(&[
        "init",
        "--spec",
        &fixture("openapi30.yaml"),
        "--provider",
        "acme",
        "--match",
        "nothing like it",
        "--out",
        out_arg,
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("no operation matches `nothing like it`"),
        "{}",
        run.stderr
    );
    let run = cli(&[
        "init",
        "--spec",
        &fixture("openapi30.yaml"),
        "--provider",
        "acme",
        "--match",
        "session",
        "--out",
        out_arg,
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cookie"), "{}", run.stderr);
    assert!(!out.exists(), "nothing is written when nothing can be");
}

/// An operation whose input schema alone is over the default budget: `operations` says so,
/// and `init` writes a plain entry that builds (the budget is advice unless the allowlist sets
/// it), with a comment saying why the build warns.
#[test]
fn init_leaves_an_operation_over_the_budget_plain() {
    let root = scratch("budget");
    let fields: String = (0..1200)
        .map(|i| format!("                field_{i:04}: {{type: string}}\n"))
        .collect();
    let spec = root.join("bulk.yaml");
    std::fs::write(
        &spec,
        format!(
            "openapi: 3.0.3\ninfo: {{title: Bulk, version: '1'}}\nservers: [{{url: 'https://bulk.test'}}]\n\
             paths:\n  /bulk:\n    post:\n      operationId: bulkUpdate\n      requestBody:\n        content:\n          \
             application/json:\n            schema:\n              type: object\n              properties:\n{fields}      \
             responses: {{'204': {{description: done}}}}\n"
        ),
    )
    .expect("write");
    let ops = listed(spec.to_str().unwrap(), &[]);
    let note = &find(&ops, "bulkUpdate")["notes"][0];
    assert_eq!(note["kind"], "schema_max_bytes", "{note:#}");
    let bytes = note["bytes"].as_u64().expect("bytes");
    assert!(bytes > note["budget"].as_u64().unwrap(), "{note:#}");
    let (text, _) = init_and_generate(&spec, &root.join("allowlist.toml"), &[]);
    let table: toml::Table = text.parse().unwrap();
    let tool = table["tool"][0].as_table().expect("a [[tool]]");
    assert!(!tool.contains_key("schema_max_bytes"), "{text}");
    assert!(text.contains("over the default budget"), "{text}");
}

/// Operations in a raw document, counted without the generator: `(METHOD, path)` for OpenAPI
/// and Swagger, method ids for Discovery.
fn raw_operations(document: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if document["kind"] == "discovery#restDescription" {
        fn walk(node: &Value, out: &mut BTreeSet<String>) {
            for method in node["methods"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values())
            {
                out.insert(method["id"].as_str().expect("an id").to_owned());
            }
            for resource in node["resources"]
                .as_object()
                .into_iter()
                .flat_map(|r| r.values())
            {
                walk(resource, out);
            }
        }
        walk(document, &mut out);
        return out;
    }
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in methods.iter().filter(|m| item.get(**m).is_some()) {
            out.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    out
}

#[test]
fn operations_and_init_on_the_providers_own_documents() {
    let root = scratch("upstream");
    let cases: [(&str, &[&str]); 4] = [
        (
            "google-calendar/discovery.json",
            &[
                "events.list",
                "events.insert",
                "events.get",
                "events.delete",
                "calendarList.list",
                "freebusy.query",
            ],
        ),
        (
            "google-calendar/openapi.json",
            &["events.list", "freebusy.query"],
        ),
        (
            "slack/openapi.json",
            &[
                "chat_postMessage",
                "conversations_list",
                "conversations_history",
                "users_info",
                "reactions_add",
            ],
        ),
        ("slack/swagger2.json", &["chat_postMessage", "users_info"]),
    ];
    for (file, wanted) in cases {
        let Some(spec) = support::upstream(file) else {
            continue;
        };
        let raw: Value = serde_json::from_slice(&std::fs::read(&spec).unwrap()).unwrap();
        let ops = listed(spec.to_str().unwrap(), &[]);
        let discovery = raw["kind"] == "discovery#restDescription";
        let listed_keys: BTreeSet<String> = ops
            .iter()
            .map(|op| {
                if discovery {
                    op["operation_id"].as_str().unwrap().to_owned()
                } else {
                    format!(
                        "{} {}",
                        op["method"].as_str().unwrap(),
                        op["path"].as_str().unwrap()
                    )
                }
            })
            .collect();
        assert_eq!(
            listed_keys,
            raw_operations(&raw),
            "{file}: every operation, once"
        );
        assert_eq!(ops.len(), listed_keys.len(), "{file}");
        for op in &ops {
            let pointer = op["pointer"].as_str().unwrap();
            assert!(
                raw.pointer(pointer).is_some(),
                "{file}: {pointer} is in the document"
            );
        }
        // In an OpenAPI document, a form-only request body is what `body_encoding` points at.
        let openapi = raw.get("openapi").is_some();
        for op in ops
            .iter()
            .filter(|op| openapi && note_kinds(op).contains(&"body_encoding"))
        {
            let mut body = &raw.pointer(op["pointer"].as_str().unwrap()).unwrap()["requestBody"];
            if let Some(target) = body["$ref"].as_str() {
                body = raw
                    .pointer(target.trim_start_matches('#'))
                    .expect("$ref resolves");
            }
            let body = &body["content"];
            assert!(
                body.get("application/json").is_none()
                    && body.get("application/x-www-form-urlencoded").is_some(),
                "{file}: {op:#}"
            );
        }

        // A starter allowlist for the operations a user would pick, and it builds.
        let matches: Vec<&str> = wanted.iter().flat_map(|w| ["--match", *w]).collect();
        let out = root.join(file.replace('/', "-")).join("allowlist.toml");
        let (text, _) = init_and_generate(&spec, &out, &matches);
        let table = assert_spec_names(&out, &spec);
        let tools = tool_operations(&table);
        for w in wanted {
            assert!(
                tools.iter().any(|t| t.contains(w)),
                "{file}: `{w}` is a tool:\n{text}"
            );
        }
    }
}
