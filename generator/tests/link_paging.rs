//! Paging by `Link` header (GitHub's REST API style): the fixture is generated, compared with its
//! snapshot (checked by `snapshots.rs`), compiled against the real runtime (and linted by
//! clippy), and its output functions are driven with answers and `Link` headers; every result
//! is validated against the tool's output schema by a real JSON Schema validator. Operations that
//! do not page by `Link` header get no `next_page`; `returns` on a root array uses `[]`.

mod link_paging {
    include!("snapshots/link_paging.rs");
}

use alter_mcp_gen::{At, generate};
use alter_mcp_runtime::serde_json::{self, Value, json};
use alter_mcp_runtime::{PageLinks, ToolDef};

fn tool(name: &str) -> &'static ToolDef {
    link_paging::TOOLS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

fn schema(name: &str) -> Value {
    serde_json::from_str(
        tool(name)
            .output
            .map(|o| o.schema)
            .expect("an output schema"),
    )
    .unwrap()
}

/// The tool's output for `answer` with the `Link` header `link` (to a request for `url`),
/// checked against its output schema.
fn read(name: &str, answer: Value, url: &str, link: Option<&str>) -> Value {
    let def = tool(name);
    let headers: Vec<(String, String)> = link
        .map(|l| vec![("Link".to_owned(), l.to_owned())])
        .unwrap_or_default();
    let output = def.output.expect("the tool has an output type").read;
    let result = output(answer, &PageLinks::read(&headers, url)).expect("the answer fits");
    let validator = jsonschema::draft202012::new(&schema(name)).expect("a valid JSON Schema");
    let problems: Vec<String> = validator
        .iter_errors(&result)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{name}: {problems:?} for {result}");
    result
}

#[test]
fn every_tool_is_registered() {
    assert_eq!(link_paging::TOOL_NAMES.len(), link_paging::TOOLS.len());
}

#[test]
fn paged_tools_say_how_and_declare_next_page_with_their_query_inputs() {
    let paged = |name: &str| {
        let description = tool(name).description;
        description.contains("Paged: when the result has `next_page`, call again with the same arguments plus those in `next_page`")
    };
    // A documented `Link` header (array and object answers); a `page` input on an array answer.
    for name in [
        "list_issues",
        "list_check_runs",
        "list_stargazers",
        "list_org_repos",
    ] {
        assert!(paged(name), "{name}: {}", tool(name).description);
    }
    // A token in the answer wins; no header and no page input: not paged.
    assert!(!paged("list_events") && tool("list_events").description.contains("`next_cursor`"));
    assert!(!paged("list_tags") && !tool("list_tags").description.contains("Paged"));
    assert_eq!(schema("list_tags")["properties"].get("next_page"), None);
    assert_eq!(schema("list_events")["properties"].get("next_page"), None);

    // Query inputs under the model's names and JSON types; no path parameters.
    let next = &schema("list_issues")["properties"]["next_page"];
    assert_eq!(next["type"], "object");
    let properties = next["properties"].as_object().expect("properties");
    let names: Vec<&str> = properties.keys().map(String::as_str).collect();
    assert_eq!(names, ["labels", "mine", "page", "page_size", "state"]);
    assert_eq!(properties["page"]["type"], "integer");
    assert_eq!(properties["page_size"]["type"], "integer");
    assert_eq!(properties["mine"]["type"], "boolean");
    assert_eq!(properties["state"]["type"], "string");
    // An array input cannot come back from a link; a fixed value is not an input.
    let stargazers = &schema("list_stargazers")["properties"]["next_page"]["properties"];
    assert_eq!(stargazers.get("ids"), None);
    let org = &schema("list_org_repos")["properties"]["next_page"]["properties"];
    let names: Vec<&str> = org
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["since"]);
}

#[test]
fn next_page_comes_from_the_link_header_and_validates() {
    let issues = json!([
        {"number": 7, "title": "Crash", "state": "open", "user": {"login": "ana", "id": 1}},
        {"number": 8, "title": "Typo", "user": {"login": "ben"}}
    ]);
    let url = "https://api.example.com/repos/octo/hello/issues?state=open&per_page=2&page=2";
    let link = r#"<https://api.example.com/repositories/1/issues?state=open&per_page=2&page=3>; rel="next", <https://api.example.com/repositories/1/issues?state=open&per_page=2&page=9>; rel="last""#;
    let result = read("list_issues", issues.clone(), url, Some(link));
    assert_eq!(
        result,
        json!({
            "items": [
                {"number": 7, "title": "Crash", "user": {"login": "ana"}},
                {"number": 8, "title": "Typo", "user": {"login": "ben"}}
            ],
            "next_page": {"state": "open", "page_size": 2, "page": 3}
        })
    );
    // The last page: no next link, no `next_page`.
    let last = r#"<https://api.example.com/repositories/1/issues?page=1>; rel="first""#;
    let result = read("list_issues", issues.clone(), url, Some(last));
    assert_eq!(result.get("next_page"), None);
    assert_eq!(
        read("list_issues", issues, url, None).get("next_page"),
        None
    );

    // An object answer keeps its fields beside `next_page`; a relative link.
    let runs = json!({"total_count": 3, "check_runs": [{"id": 1, "name": "ci", "status": "done"}]});
    let url = "https://api.example.com/repos/octo/hello/check-runs?check_name=ci";
    let result = read(
        "list_check_runs",
        runs,
        url,
        Some(r#"<?check_name=ci&page=2>; rel="next""#),
    );
    assert_eq!(result["total_count"], 3);
    assert_eq!(result["check_runs"][0]["status"], "done");
    assert_eq!(result["next_page"], json!({"check_name": "ci", "page": 2}));

    // A fixed query value the link repeats is fine; `since` is an integer cursor.
    let url = "https://api.example.com/orgs/octo/repos?type=all";
    let link = r#"<https://api.example.com/organizations/9/repos?type=all&since=1044>; rel="next""#;
    let result = read("list_org_repos", json!([{"id": 1044}]), url, Some(link));
    assert_eq!(result["next_page"], json!({"since": 1044}));
}

/// Generates the fixture's document with one `[[tool]]`; returns the problems.
fn problems(tool: &str) -> Vec<alter_mcp_gen::Diagnostic> {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen")
        .join("link-paging-returns");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let spec = std::fs::read_to_string("tests/fixtures/link_paging/openapi.yaml").unwrap();
    std::fs::write(dir.join("openapi.yaml"), spec).unwrap();
    let allowlist = format!("provider = \"github\"\nspec = \"openapi.yaml\"\n\n[[tool]]\n{tool}\n");
    std::fs::write(dir.join("allowlist.toml"), allowlist).unwrap();
    let error = generate(dir.join("allowlist.toml")).expect_err("the case is invalid");
    error.iter().cloned().collect()
}

#[test]
fn root_array_returns_errors_say_what_to_write() {
    let cases = [
        (
            "operation = \"issues/list-for-repo\"\nreturns = \"number,title\"",
            "`returns` names fields, but the response is an array",
            "`[].{number,title}`",
        ),
        (
            "operation = \"checks/list-for-repo\"\nreturns = \"[].{id}\"",
            "`returns` starts with `[]`, but the response is not an array",
            "without the leading `[]`",
        ),
        (
            "operation = \"issues/list-for-repo\"\nreturns = \"[].{number,titel}\"",
            "`returns` names `[].titel`, but `[]` has no field `titel`",
            "did you mean `[].title`",
        ),
        (
            "operation = \"repos/list-tags\"\nreturns = \"[].{name}\"",
            "`returns` selects fields inside `[]`, which is not an object",
            "leave `returns` out",
        ),
        (
            "operation = \"issues/list-for-repo\"\nreturns = \"[].number,title\"",
            "with a leading `[]`, list the fields in `{}`",
            "`[].{x,y}`",
        ),
    ];
    for (entry, message, help) in cases {
        let found = problems(entry);
        assert_eq!(found.len(), 1, "{entry}: {found:?}");
        let d = &found[0];
        assert_eq!(
            d.location.at,
            At::Key("tool[0].returns".to_owned()),
            "{entry}"
        );
        assert!(d.message.contains(message), "{entry}: {}", d.message);
        assert!(
            d.help.as_deref().unwrap_or("").contains(help),
            "{entry}: {:?}",
            d.help
        );
    }
}
