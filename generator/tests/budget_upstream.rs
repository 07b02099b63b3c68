//! Plain allowlists (operations named, nothing else) on the providers' own documents build:
//! over the size budget is a warning with a fix that works when pasted, and only a budget the
//! allowlist sets itself fails the build.

mod support;

use std::path::{Path, PathBuf};

use alter_mcp_gen::{At, Diagnostic, Generated, generate};
use support::upstream;

/// Writes `allowlist` (the `spec` line added) under a scratch directory and generates it.
fn generate_with(name: &str, spec: &Path, allowlist: &str) -> Result<Generated, String> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("budget-upstream-{name}"));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let spec = spec.canonicalize().expect("absolute path");
    let text = format!(
        "provider = \"google\"\nspec = {:?}\n{allowlist}",
        spec.display().to_string()
    );
    let path: PathBuf = dir.join("allowlist.toml");
    std::fs::write(&path, text).expect("write");
    generate(&path).map_err(|d| d.to_string())
}

fn warnings_for(generated: &Generated, tool: usize) -> Vec<&Diagnostic> {
    let key = At::Key(format!("tool[{tool}]"));
    generated
        .warnings
        .iter()
        .filter(|w| w.location.at == key)
        .collect()
}

/// The ready-to-paste line a warning's help gives: `returns = "…"`.
fn pasted_returns(warning: &Diagnostic) -> String {
    let help = warning.help.as_deref().expect("a help");
    let start = help
        .find("returns = \"")
        .expect("a returns line in the help");
    let rest = &help[start + "returns = ".len()..];
    let end = rest[1..].find('"').expect("a closing quote") + 2;
    format!("returns = {}", &rest[..end])
}

const PLAIN: &str = "\n[[tool]]\noperation = \"calendar.events.list\"\n\n[[tool]]\noperation = \"calendar.events.insert\"\n";

#[test]
fn a_plain_discovery_allowlist_builds_and_its_advice_works_when_pasted() {
    let Some(spec) = upstream("google-calendar/discovery.json") else {
        return;
    };
    let generated = generate_with("plain", &spec, PLAIN).unwrap_or_else(|e| panic!("{e}"));
    let budget = alter_mcp_gen::lint::SCHEMA_MAX_BYTES;
    for tool in &generated.tools {
        let output = tool.output_schema.as_ref().expect("an output schema");
        assert!(
            output.len() <= budget,
            "{}: reduced to the budget",
            tool.name
        );
    }
    // events.list: its output is reduced, with a `returns` that fits.
    let list = warnings_for(&generated, 0);
    assert_eq!(list.len(), 1, "{list:#?}");
    assert!(
        list[0]
            .message
            .contains("the output schema of `calendar_events_list`")
            && list[0].message.contains("answers are still returned whole"),
        "{}",
        list[0].message
    );
    let list_returns = pasted_returns(list[0]);
    assert!(list_returns.contains("items[].{"), "{list_returns}");
    // events.insert: its input is over the budget (a warning naming the largest inputs and
    // the keys that leave them out), and so is its output.
    let insert = warnings_for(&generated, 1);
    assert_eq!(insert.len(), 2, "{insert:#?}");
    let input = insert
        .iter()
        .find(|w| {
            w.message
                .contains("the input schema of `calendar_events_insert`")
        })
        .expect("an input warning");
    let input_help = input.help.as_deref().unwrap_or_default();
    assert!(
        input_help.contains("`conferenceData` (") && input_help.contains("schema_max_bytes = "),
        "{input_help}"
    );
    let omits: Vec<&str> = input_help
        .split("; ")
        .flat_map(|part| part.split(": "))
        .filter(|part| part.starts_with("params.") && part.contains("omit = true"))
        .map(|part| part.split(" (").next().unwrap_or(part))
        .collect();
    assert!(
        omits.contains(&"params.conferenceData = { omit = true }"),
        "{omits:?}"
    );
    let output = insert
        .iter()
        .find(|w| {
            w.message
                .contains("the output schema of `calendar_events_insert`")
        })
        .expect("an output warning");
    let insert_returns = pasted_returns(output);

    // Pasted as they are, the fixes build without a warning.
    let fixed = format!(
        "\n[[tool]]\noperation = \"calendar.events.list\"\n{list_returns}\n\n[[tool]]\noperation = \"calendar.events.insert\"\n{insert_returns}\n{}\n",
        omits.join("\n")
    );
    let again = generate_with("pasted", &spec, &fixed).unwrap_or_else(|e| panic!("{e}\n{fixed}"));
    assert!(again.warnings.is_empty(), "{:#?}", again.warnings);
    let insert = &again.tools[1];
    assert!(!insert.input_schema.contains("\"conferenceData\""));
    assert!(
        insert
            .omitted
            .contains(&("conferenceData".to_owned(), "allowlist"))
    );
    for tool in &again.tools {
        let output = tool.output_schema.as_ref().expect("an output schema");
        let value: serde_json::Value = serde_json::from_str(output).expect("JSON");
        assert!(
            value["properties"]
                .as_object()
                .is_some_and(|p| !p.is_empty()),
            "{}: the projection keeps fields",
            tool.name
        );
    }
}

#[test]
fn a_budget_the_allowlist_sets_is_still_an_error_for_inputs() {
    let Some(spec) = upstream("google-calendar/discovery.json") else {
        return;
    };
    let top = generate_with(
        "explicit",
        &spec,
        &format!("schema_max_bytes = 16384\n{PLAIN}"),
    )
    .expect_err("the insert input is over the budget the allowlist set");
    assert!(
        top.contains("the input schema of `calendar_events_insert`")
            && top.contains("(key `tool[1]`)")
            && top.contains("omit = true"),
        "{top}"
    );
    assert!(!top.contains("output schema"), "outputs are reduced: {top}");
    let per_tool = PLAIN.replace(
        "operation = \"calendar.events.insert\"\n",
        "operation = \"calendar.events.insert\"\nschema_max_bytes = 20000\n",
    );
    let error = generate_with("explicit-tool", &spec, &per_tool).expect_err("per tool too");
    assert!(error.contains("over the budget of 20000 bytes"), "{error}");
}

#[test]
fn plain_allowlists_of_every_upstream_operation_build() {
    let documents = [
        ("google-calendar/discovery.json", "google"),
        ("google-calendar/openapi.json", "google"),
        ("slack/openapi.json", "slack"),
        ("slack/swagger2.json", "slack"),
    ];
    for (file, provider) in documents {
        let Some(spec) = upstream(file) else {
            continue;
        };
        let options = alter_mcp_gen::EveryOperation {
            provider: provider.to_owned(),
            skip_unsupported: true,
            ..Default::default()
        };
        let every = alter_mcp_gen::generate_every_operation(&spec, &options)
            .unwrap_or_else(|d| panic!("{file}: {d}"));
        // The operations `--all` generates, named in an allowlist and nothing else.
        let mut allowlist = String::new();
        for (i, tool) in every.tools.iter().enumerate() {
            allowlist.push_str(&format!(
                "\n[[tool]]\noperation = {:?}\nname = \"t{i}\"\n",
                tool.operation
            ));
        }
        let name = file.replace('/', "-");
        let generated =
            generate_with(&name, &spec, &allowlist).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(generated.tools.len(), every.tools.len(), "{file}");
        for warning in &generated.warnings {
            assert!(warning.help.is_some(), "{file}: {warning}");
        }
    }
}
