//! What the model reads about each tool beyond its input types: annotations (with allowlist
//! overrides and their contradictions), cleaned and capped descriptions, description
//! templates, the schema lint, least-privilege scopes and the Markdown catalog.

mod support;

use std::path::{Path, PathBuf};

use alter_mcp_gen::{Annotations, Generated, ToolSummary, generate};

const FIXTURE: &str = "tests/fixtures/surface/allowlist.toml";

fn fixture() -> Generated {
    generate(FIXTURE).unwrap_or_else(|d| panic!("{d}"))
}

fn tool<'g>(generated: &'g Generated, name: &str) -> &'g ToolSummary {
    generated
        .tools
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

/// Writes an allowlist over the fixture's document and generates it: the error text, or the
/// module.
fn with_allowlist(test: &str, body: &str) -> Result<Generated, String> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("surface-{test}"));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let spec = Path::new("tests/fixtures/surface/openapi.yaml")
        .canonicalize()
        .expect("fixture");
    let text = format!(
        "provider = \"example\"\nspec = {:?}\n{body}",
        spec.display().to_string()
    );
    let path: PathBuf = dir.join("allowlist.toml");
    std::fs::write(&path, text).expect("write");
    generate(&path).map_err(|d| d.to_string())
}

#[test]
fn annotations_follow_the_method_and_the_allowlist() {
    let generated = fixture();
    let a = |name: &str| tool(&generated, name).annotations;
    let hints = |read_only, destructive, idempotent, open_world| Annotations {
        read_only,
        destructive,
        idempotent,
        open_world,
    };
    assert_eq!(a("list_files"), hints(true, false, true, true), "GET");
    assert_eq!(
        a("search_files"),
        hints(true, false, true, true),
        "POST with read_only = true"
    );
    assert_eq!(
        a("delete_file"),
        hints(false, true, true, false),
        "DELETE with open_world = false"
    );
    assert_eq!(
        a("replace_file"),
        hints(false, false, false, true),
        "PUT with idempotent = false"
    );
    assert_eq!(tool(&generated, "list_files").title, "List files");
    assert_eq!(
        tool(&generated, "search_files").title,
        "Search example files"
    );
    assert_eq!(tool(&generated, "delete_file").title, "Delete a file");
    assert!(generated.code.contains("title: \"Search example files\""));
    assert!(generated.code.contains("open_world: false"));
}

#[test]
fn contradicting_annotations_are_errors_naming_the_key() {
    let cases = [
        (
            "[[tool]]\noperation = \"files.list\"\ndestructive = true\n",
            "(key `tool[0].destructive`)",
            "a GET tool is read-only, so it cannot be destructive",
        ),
        (
            "[[tool]]\noperation = \"files.search\"\nread_only = true\ndestructive = true\n",
            "(key `tool[0].read_only`)",
            "contradict",
        ),
        (
            "[[tool]]\noperation = \"files.delete\"\nread_only = true\n",
            "(key `tool[0].read_only`)",
            "destructive by default",
        ),
        (
            "[[tool]]\noperation = \"files.list\"\nidempotent = false\n",
            "(key `tool[0].idempotent`)",
            "contradicts a read-only tool",
        ),
    ];
    for (i, (body, key, message)) in cases.into_iter().enumerate() {
        let error = with_allowlist(&format!("contradiction-{i}"), body)
            .expect_err("a contradiction is an error");
        assert!(error.contains(key), "{key} in {error}");
        assert!(error.contains(message), "{message} in {error}");
    }
    // Saying both on purpose is fine: a GET that changes something.
    with_allowlist(
        "get-that-deletes",
        "[[tool]]\noperation = \"files.list\"\nread_only = false\ndestructive = true\n",
    )
    .expect("read_only = false lifts the GET default");
}

#[test]
fn document_descriptions_are_cleaned_and_capped() {
    let generated = fixture();
    let list = tool(&generated, "list_files");
    // HTML tags, the Markdown link, "Learn more about ..." gone; capped at 120 characters.
    // At a sentence end, since that keeps more than half.
    assert_eq!(
        list.description,
        "List files\n\nLists the files in a folder. See the files guide for more.…"
    );
    assert!(list.description.chars().count() <= 120);
    assert!(!list.description.contains("Learn more"));
    let schema: serde_json::Value = serde_json::from_str(&list.input_schema).expect("JSON");
    // "Optional." and the in-page link sentence dropped, the entity decoded.
    assert_eq!(
        schema["properties"]["folder"]["description"],
        "The folder's id."
    );
    // A per-tool cap.
    assert_eq!(tool(&generated, "replace_file").description, "Replace…");
}

#[test]
fn description_templates_see_the_operation() {
    let generated = fixture();
    assert_eq!(
        tool(&generated, "search_files").description,
        "Search files via POST /files: Searches…"
    );
    let list = tool(&generated, "list_files");
    let schema: serde_json::Value = serde_json::from_str(&list.input_schema).expect("JSON");
    assert_eq!(
        schema["properties"]["page_size"]["description"],
        "Page size. At most 100 (list_files)."
    );
}

#[test]
fn template_errors_name_the_allowlist_key() {
    let error = with_allowlist(
        "template-undefined",
        "[[tool]]\noperation = \"files.list\"\ndescription = \"{{ sumary }}\"\n",
    )
    .expect_err("undefined variable");
    assert!(
        error.contains("allowlist.toml (key `tool[0].description`)"),
        "{error}"
    );
    assert!(error.contains("undefined"), "{error}");
    let error = with_allowlist(
        "template-syntax",
        "[[tool]]\noperation = \"files.list\"\nparams.folder = { description = \"{% if %}\" }\n",
    )
    .expect_err("syntax error");
    assert!(
        error.contains("(key `tool[0].params.folder.description`)"),
        "{error}"
    );
}

#[test]
fn scopes_are_the_narrowest_alternative_or_the_allowlist_s() {
    let generated = fixture();
    assert_eq!(
        tool(&generated, "list_files").scopes,
        ["files.metadata.readonly"],
        "read-only, then deepest"
    );
    assert_eq!(
        tool(&generated, "search_files").scopes,
        ["files"],
        "the document's global security"
    );
    assert_eq!(tool(&generated, "delete_file").scopes, ["files.delete"]);
    // `files` covers `files.metadata.readonly` and `files.delete`.
    assert_eq!(generated.scopes, ["files"]);
    assert!(
        generated
            .code
            .contains("pub const SCOPES: &[&str] = &[\"files\"];"),
        "{}",
        &generated.code[..800]
    );
    assert!(
        generated
            .code
            .contains("(\"delete_file\", &[\"files.delete\"])")
    );

    let own = with_allowlist(
        "module-scopes",
        "scopes = [\"files.readonly\"]\n[[tool]]\noperation = \"files.list\"\n",
    )
    .expect("generates");
    assert_eq!(own.scopes, ["files.readonly"]);
    let error = with_allowlist(
        "bad-scopes",
        "[[tool]]\noperation = \"files.list\"\nscopes = [\"a\", \"a\"]\n",
    )
    .expect_err("a repeated scope");
    assert!(error.contains("(key `tool[0].scopes`)"), "{error}");
}

#[test]
fn the_schema_budget_is_a_build_error_with_what_to_do() {
    let error = with_allowlist(
        "budget",
        "schema_max_bytes = 64\n[[tool]]\noperation = \"files.list\"\n",
    )
    .expect_err("over budget");
    assert!(error.contains("(key `tool[0]`)"), "{error}");
    assert!(error.contains("over the budget of 64"), "{error}");
    assert!(error.contains("schema_max_bytes"), "{error}");
    with_allowlist(
        "budget-per-tool",
        "schema_max_bytes = 64\n[[tool]]\noperation = \"files.list\"\nschema_max_bytes = 4096\n",
    )
    .expect("the tool's own budget wins");
}

#[test]
fn the_catalog_lists_tools_annotations_approvals_and_scopes() {
    let catalog = fixture().catalog;
    for expected in [
        "# `example` tools",
        "- `files`",
        "claude mcp add alter -e ALTER_MCP_AGENT_KEY=",
        "| [`delete_file`](#delete_file) | Delete a file | no | yes | yes | may be held |",
        "### `search_files`",
        "- `page_size` (integer): Page size. At most 100 (list_files).",
        "Destructive: goes through Alter's approval path.",
        "Scopes: `files.metadata.readonly`.",
    ] {
        assert!(catalog.contains(expected), "{expected:?} not in\n{catalog}");
    }
}

#[test]
fn the_cli_writes_and_checks_the_catalog() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("surface-cli.md");
    let _ = std::fs::remove_file(&out);
    let run = |check: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_alter-mcp-gen"));
        command.args(["generate", "--allowlist", FIXTURE, "--catalog"]);
        command.arg(&out);
        if check {
            command.arg("--check");
        }
        command.stdout(std::process::Stdio::null());
        command.status().expect("runs")
    };
    assert!(!run(true).success(), "--check fails before the file exists");
    assert!(run(false).success());
    assert_eq!(
        std::fs::read_to_string(&out).expect("written"),
        fixture().catalog
    );
    assert!(run(true).success(), "--check passes once written");
}

/// Every tool of our two providers and of the four upstream documents passes the client
/// rules, input and output schemas alike (an output's field names are the provider's and are
/// not checked; output schemas are reduced to the budget, even with `--all`).
#[test]
fn every_generated_tool_passes_the_lint() {
    let mut checked = 0;
    for provider in ["google-calendar", "slack"] {
        let generated = generate(format!("../specs/{provider}/allowlist.toml"))
            .unwrap_or_else(|d| panic!("{d}"));
        for tool in &generated.tools {
            let problems = alter_mcp_gen::lint::check_schema(
                &tool.input_schema,
                alter_mcp_gen::lint::SCHEMA_MAX_BYTES,
            );
            assert!(problems.is_empty(), "{}: {problems:#?}", tool.name);
            if let Some(output) = &tool.output_schema {
                let problems = alter_mcp_gen::lint::check_output_schema(output);
                assert!(problems.is_empty(), "{}: {problems:#?}", tool.name);
                assert!(output.len() <= alter_mcp_gen::lint::SCHEMA_MAX_BYTES);
            }
            assert!(alter_mcp_gen::lint::check_tool_name(&tool.name).is_none());
            checked += 1;
        }
    }
    assert_eq!(checked, 15);
    let documents = [
        ("google-calendar/openapi.json", "google"),
        ("google-calendar/discovery.json", "google"),
        ("slack/openapi.json", "slack"),
        ("slack/swagger2.json", "slack"),
    ];
    for (file, provider) in documents {
        let Some(spec) = support::upstream(file) else {
            continue;
        };
        let options = alter_mcp_gen::EveryOperation {
            provider: provider.to_owned(),
            skip_unsupported: true,
            ..Default::default()
        };
        let generated = alter_mcp_gen::generate_every_operation(&spec, &options)
            .unwrap_or_else(|d| panic!("{file}: {d}"));
        let mut over_budget = Vec::new();
        for tool in &generated.tools {
            let problems = alter_mcp_gen::lint::check_schema(&tool.input_schema, usize::MAX);
            assert!(problems.is_empty(), "{file} {}: {problems:#?}", tool.name);
            if let Some(output) = &tool.output_schema {
                let problems = alter_mcp_gen::lint::check_output_schema(output);
                assert!(problems.is_empty(), "{file} {}: {problems:#?}", tool.name);
                // `--all` reports no input over the budget, but reduces outputs to it.
                let budget = alter_mcp_gen::lint::SCHEMA_MAX_BYTES;
                assert!(output.len() <= budget, "{file} {}", tool.name);
            }
            assert!(alter_mcp_gen::lint::check_tool_name(&tool.name).is_none());
            if tool.input_schema.len() > alter_mcp_gen::lint::SCHEMA_MAX_BYTES {
                over_budget.push(tool.name.as_str());
            }
        }
        // The lint already ran inside the generator; this proves nothing was skipped for it.
        assert!(
            generated
                .skipped
                .iter()
                .all(|s| !s.problems.to_string().contains("client rule")),
            "{file}: an operation was skipped for a client rule"
        );
        eprintln!(
            "{file}: {} tools pass the client rules; inputs over the default budget (an \
             allowlist would warn, or fail where it sets schema_max_bytes): {over_budget:?}",
            generated.tools.len()
        );
        assert!(
            generated.tools.len() > 30,
            "{file}: {}",
            generated.tools.len()
        );
    }
}

#[test]
fn the_build_script_writes_the_catalog_beside_the_module() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("surface-build");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("scratch dir");
    let output = alter_mcp_gen::build::Builder::new(FIXTURE)
        .try_generate(&out)
        .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(output.path, out.join("surface.rs"));
    assert_eq!(output.catalog, out.join("surface.md"));
    assert_eq!(
        std::fs::read_to_string(&output.catalog).expect("catalog written"),
        fixture().catalog
    );
    let again = alter_mcp_gen::build::Builder::new(FIXTURE)
        .try_generate(&out)
        .expect("generates");
    assert!(!again.changed, "same bytes are not rewritten");
}
