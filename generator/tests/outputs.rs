//! Typed outputs: the fixture (every response shape, projections, pagination) is generated,
//! compared with its snapshot (checked by `snapshots.rs`), compiled against the real
//! runtime (and linted by clippy), and its output functions are driven with provider answers
//! whose results are validated against the output schemas by a real JSON Schema validator.
//! The `returns` errors each name the allowlist key, the document's response and what to do.

mod outputs {
    include!("snapshots/outputs.rs");
}

use alter_mcp_gen::{At, generate};
use alter_mcp_runtime::ToolDef;
use alter_mcp_runtime::serde_json::{self, Value, json};

const FIXTURE: &str = "tests/fixtures/outputs/allowlist.toml";

fn tool(name: &str) -> &'static ToolDef {
    outputs::TOOLS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

/// Runs the tool's output function and checks the result against its output schema.
fn read(name: &str, answer: Value) -> Result<Value, alter_mcp_runtime::OutputError> {
    let def = tool(name);
    let output = def.output.expect("the tool has an output type").read;
    let result = output(answer, &alter_mcp_runtime::PageLinks::default())?;
    let schema: Value =
        serde_json::from_str(def.output.map(|o| o.schema).expect("and a schema")).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("a valid JSON Schema");
    let problems: Vec<String> = validator
        .iter_errors(&result)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{name}: {problems:?} for {result}");
    Ok(result)
}

#[test]
fn the_summary_carries_each_emitted_output_schema() {
    let generated = generate(FIXTURE).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(outputs::TOOL_NAMES.len(), outputs::TOOLS.len());
    // The public summary carries each emitted output schema, compact (the lock file hashes
    // it); the module holds the same JSON, pretty-printed.
    let parse = |text: &str| serde_json::from_str::<Value>(text).expect("JSON");
    for (summary, def) in generated.tools.iter().zip(outputs::TOOLS) {
        assert_eq!(
            summary.output_schema.as_deref().map(parse),
            def.output.map(|o| parse(o.schema)),
            "{}",
            def.name
        );
    }
}

#[test]
fn every_output_schema_is_a_portable_object_that_an_empty_answer_fits() {
    let mut with_output = 0;
    for def in outputs::TOOLS {
        let Some(text) = def.output.map(|o| o.schema) else {
            continue;
        };
        with_output += 1;
        let schema: Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(schema["type"], "object", "{}", def.name);
        assert!(
            schema.get("required").is_none(),
            "{}: nothing required",
            def.name
        );
        for keyword in [
            "\"format\"",
            "\"enum\"",
            "\"maxLength\"",
            "\"oneOf\"",
            "\"default\"",
        ] {
            assert!(!text.contains(keyword), "{}: {keyword} in {text}", def.name);
        }
        // Only recursive types use `$defs`, like input schemas; every `$ref` points there.
        for (at, _) in text.match_indices("\"$ref\":\"") {
            assert!(
                text[at..].starts_with("\"$ref\":\"#/$defs/"),
                "{}",
                def.name
            );
        }
        let validator = jsonschema::draft202012::new(&schema).expect("valid");
        assert!(validator.is_valid(&json!({})), "{}", def.name);
    }
    assert_eq!(
        with_output, 6,
        "all but the 204 and the untyped `{{}}` body"
    );
    assert!(
        tool("delete_pet").output.is_none(),
        "a 204 answers text only"
    );
    assert!(
        tool("anything").output.is_none(),
        "an untyped body declares nothing"
    );
}

#[test]
fn unprojected_outputs_keep_everything_and_read_leniently() {
    let answer = json!({
        "id": 7, "name": "Rex", "kind": "hamster", "born": null, "extra": {"a": 1}, "weight": 4,
        "owner": {"name": "Ana", "friend": {"name": "Bo", "shoe": 42}},
        "toys": [{"type": "kite", "span": 3}]
    });
    // An integer in a `number` field stays an integer (compared exactly: 4 is not 4.0).
    // An enum value the document does not list, a missing required field, undocumented
    // fields at every level, and an unknown union branch all come through.
    assert_eq!(read("get_pet", answer.clone()).unwrap(), answer);
    let minimal = read("get_pet", json!({})).unwrap();
    assert_eq!(minimal, json!({}));
}

#[test]
fn projections_return_only_the_selected_fields_and_the_page_token() {
    let answer = json!({
        "pets": [{"id": 1, "name": "Rex", "kind": "dog", "owner": {"name": "Ana", "email": "a@x"}}],
        "meta": {"next_cursor": "c2", "total": 10},
        "kind": "page"
    });
    assert_eq!(
        read("list_pets", answer).unwrap(),
        json!({"pets": [{"id": 1, "name": "Rex", "owner": {"name": "Ana"}}], "meta": {"next_cursor": "c2"}})
    );
    let search = json!({"nextPageToken": "t", "kind": "k", "results": [
        {"id": "1", "title": "A", "score": 0.5, "pet": {"name": "Rex", "kind": "cat", "id": 3}}
    ]});
    assert_eq!(
        read("search", search).unwrap(),
        json!({"nextPageToken": "t", "results": [{"id": "1", "title": "A", "pet": {"name": "Rex", "kind": "cat"}}]})
    );
}

#[test]
fn answers_that_are_not_objects_are_wrapped() {
    let all = json!([{"name": "Rex", "id": 1, "tags": ["a"]}, {"name": "Tom"}]);
    assert_eq!(
        read("all_pets", all).unwrap(),
        json!({"items": [{"name": "Rex", "tags": ["a"]}, {"name": "Tom"}]})
    );
    assert_eq!(read("count_pets", json!(3)).unwrap(), json!({"value": 3}));
    assert_eq!(
        read("pet_names", json!({"1": "Rex"})).unwrap(),
        json!({"1": "Rex"})
    );
}

#[test]
fn misfits_name_the_path_in_the_answer() {
    let error = read("list_pets", json!({"pets": [{"id": 1}, {"id": "two"}]})).unwrap_err();
    assert_eq!(error.path.as_deref(), Some("pets[1].id"));
    let error = read("all_pets", json!([{"tags": "a"}])).unwrap_err();
    assert_eq!(error.path.as_deref(), Some("items[0].tags"));
    let error = read("count_pets", json!("3")).unwrap_err();
    assert_eq!(error.path.as_deref(), Some("value"));
}

#[test]
fn paged_tools_say_how_to_get_the_next_page() {
    let list = tool("list_pets").description;
    assert!(
        list.contains("`meta.next_cursor`") && list.contains("`cursor`"),
        "{list}"
    );
    let search = tool("search").description;
    assert!(
        search.contains("`nextPageToken`") && search.contains("`pageToken`"),
        "{search}"
    );
    assert!(!tool("get_pet").description.contains("Paged"));
}

/// Generates the fixture with one more `[[tool]]`; returns the problems.
fn returns_problems(tool: &str) -> Vec<alter_mcp_gen::Diagnostic> {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("alter-mcp-gen")
        .join("outputs-returns");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let spec = std::fs::read_to_string("tests/fixtures/outputs/openapi.yaml").unwrap();
    std::fs::write(dir.join("openapi.yaml"), spec).unwrap();
    let allowlist = format!("provider = \"pets\"\nspec = \"openapi.yaml\"\n\n[[tool]]\n{tool}\n");
    std::fs::write(dir.join("allowlist.toml"), allowlist).unwrap();
    let error = generate(dir.join("allowlist.toml")).expect_err("the case is invalid");
    error.iter().cloned().collect()
}

#[test]
fn projection_errors_name_the_key_the_response_and_near_names() {
    let cases = [
        (
            "operation = \"listPets\"\nreturns = \"pets[].{id,nmae}\"",
            "`returns` names `pets[].nmae`, but `pets[]` has no field `nmae`",
            "did you mean `pets[].name`?",
        ),
        (
            "operation = \"listPets\"\nreturns = \"pets.{id}\"",
            "`returns` selects inside `pets`, which is an array",
            "write `pets[].{...}`",
        ),
        (
            "operation = \"listPets\"\nreturns = \"meta[]\"",
            "`returns` writes `meta[]`, but `meta` is not an array",
            "without `[]`",
        ),
        (
            "operation = \"search\"\nreturns = \"results[].id.{x}\"",
            "`returns` selects fields inside `results[].id`, which is not an object",
            "as a whole",
        ),
        (
            "operation = \"search\"\nreturns = \"results[.id\"",
            "invalid `returns` = \"results[.id\": expected `]` at character 9",
            "README.md",
        ),
        (
            "operation = \"deletePet\"\nreturns = \"id\"",
            "`returns` has nothing to select",
            "remove `returns`",
        ),
    ];
    for (entry, message, help) in cases {
        let problems = returns_problems(entry);
        assert_eq!(problems.len(), 1, "{entry}: {problems:?}");
        let d = &problems[0];
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
        let related = d.related.as_ref().expect("the document's response");
        assert!(related.file.ends_with("openapi.yaml"), "{related:?}");
        assert!(
            matches!(&related.at, At::Pointer(p) if p.contains("/responses/")),
            "{related:?}"
        );
    }
}

#[test]
fn scopes_are_listed_for_every_tool() {
    let names: Vec<&str> = outputs::TOOLS.iter().map(|tool| tool.name).collect();
    // The fixture declares no OAuth security: no scopes, one (empty) entry per tool.
    assert!(outputs::SCOPES.is_empty());
    let scoped: Vec<&str> = outputs::TOOL_SCOPES.iter().map(|(name, _)| *name).collect();
    assert_eq!(scoped, names);
}
