//! Schema sizes and the budget: the fixture's snapshot (checked by `snapshots.rs`),
//! compiled against the real runtime, with an output schema reduced to fit that still
//! validates what the output type writes; a shared type written once; an output's field names
//! that are the provider's own; schemas that grow with a document, not with its nesting; and
//! `params.X.omit`. Plain allowlists on the upstream documents are in `budget_upstream.rs`.

mod budget {
    include!("snapshots/budget.rs");
}

use std::path::{Path, PathBuf};

use alter_mcp_gen::{At, generate};
use alter_mcp_runtime::ToolDef;
use alter_mcp_runtime::serde_json::{self, Value, json};

const FIXTURE: &str = "tests/fixtures/budget/allowlist.toml";

fn tool(name: &str) -> &'static ToolDef {
    budget::TOOLS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

fn schema(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

/// The tool's output function on `answer`, its result checked against its output schema by a
/// real JSON Schema validator.
fn read(name: &str, answer: Value) -> Value {
    let def = tool(name);
    let result = (def.output.expect("an output type").read)(
        answer,
        &alter_mcp_runtime::PageLinks::default(),
    )
    .expect("the type reads it");
    let output = schema(def.output.map(|o| o.schema).expect("and a schema"));
    let validator = jsonschema::draft202012::new(&output).expect("a valid JSON Schema");
    let problems: Vec<String> = validator
        .iter_errors(&result)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{name}: {problems:?} for {result}");
    result
}

#[test]
fn the_fixture_registers_every_tool() {
    let generated = generate(FIXTURE).unwrap_or_else(|d| panic!("{d}"));
    let names: Vec<&str> = budget::TOOLS.iter().map(|t| t.name).collect();
    assert_eq!(names, budget::TOOL_NAMES);
    assert!(budget::SCOPES.is_empty() && budget::TOOL_SCOPES.len() == names.len());
    // The fixture's own budget is small: the root folder's output is reduced, with a warning
    // that says how and gives a `returns` that would fit.
    let warnings: Vec<String> = generated.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let warning = &generated.warnings[0];
    assert_eq!(warning.location.at, At::Key("tool[0]".to_owned()));
    assert!(
        warning.message.contains("`get_root`")
            && warning.message.contains("over the budget of 700 bytes")
            && warning
                .message
                .contains("from level 3 down as open objects"),
        "{}",
        warning.message
    );
    let help = warning.help.as_deref().unwrap_or_default();
    assert!(help.contains(r#"returns = "name,size,child.{"#), "{help}");
}

#[test]
fn a_reduced_output_schema_still_validates_what_the_type_writes() {
    let root = tool("get_root");
    let text = root.output.map(|o| o.schema).expect("an output schema");
    let output = schema(text);
    // The budget counts the compact JSON `tools/list` serves, not the module's layout.
    let served = output.to_string().len();
    assert!(served <= 700, "within its budget: {served} bytes");
    let grandchild = &output["properties"]["child"]["properties"]["grandchild"];
    // Level 3 and deeper are open objects: any object, returned whole.
    assert_eq!(grandchild["properties"]["leaf"], json!({"type": "object"}));
    assert_eq!(grandchild["properties"]["owner"], json!({"type": "object"}));
    // Nested descriptions went first; the top-level fields keep theirs.
    assert!(output["properties"]["size"]["description"].is_string());
    assert!(output["properties"]["child"]["properties"]["name"]["description"].is_null());
    // The output type still reads (and writes back) the whole answer, deeper levels and
    // undocumented fields included, and that validates against the reduced schema.
    let answer = json!({
        "name": "root", "size": 3, "extra": true,
        "child": {"name": "a", "tags": ["x"], "grandchild": {
            "name": "b",
            "owner": {"id": "u1", "email": "ana@example.com", "badge": 7},
            "leaf": {"name": "c", "mode": "append", "owner": {"id": "u2"}, "more": [1, 2]}
        }}
    });
    assert_eq!(read("get_root", answer.clone()), answer);
    assert_eq!(read("get_root", json!({})), json!({}));
}

#[test]
fn a_type_used_many_times_is_written_once_and_referenced() {
    let text = tool("get_team")
        .output
        .map(|o| o.schema)
        .expect("an output schema");
    let output = schema(text);
    for field in ["lead", "deputy", "reviewer"] {
        assert_eq!(
            output["properties"][field]["$ref"], "#/$defs/PersonOutput",
            "{field}"
        );
    }
    assert_eq!(
        output["properties"]["members"]["items"]["$ref"],
        "#/$defs/PersonOutput"
    );
    assert_eq!(text.matches("\"time_zone\"").count(), 1, "{text}");
    let answer = json!({"lead": {"id": "1", "email": "a@x"}, "members": [{"id": "2", "x": 1}]});
    assert_eq!(read("get_team", answer.clone()), answer);
}

#[test]
fn an_outputs_field_names_are_the_providers_own() {
    // Not valid input names (`@`, `.`), yet they build: no setting could rename them.
    let output = schema(
        tool("list_files")
            .output
            .map(|o| o.schema)
            .expect("an output schema"),
    );
    for name in ["@odata.context", "@odata.nextLink", "value"] {
        assert!(output["properties"].get(name).is_some(), "{name}");
    }
    let answer = json!({"@odata.context": "https://x/$metadata#files", "value": [{"id": "1", "name@display": "A"}]});
    assert_eq!(read("list_files", answer.clone()), answer);
    assert!(
        !alter_mcp_gen::lint::check_output_schema(
            tool("list_files").output.map(|o| o.schema).unwrap()
        )
        .iter()
        .any(|v| v.message.contains("property name")),
    );
    // The same names as inputs still break the client rule.
    let as_input = tool("list_files").output.map(|o| o.schema).unwrap();
    assert!(
        alter_mcp_gen::lint::check_schema(as_input, usize::MAX)
            .iter()
            .any(|v| v.message.contains("`@odata.context`"))
    );
}

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("budget-{name}"));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A document whose object at each level holds the next level twice: inlined, its schema
/// would double per level.
fn nested_document(levels: usize) -> String {
    let mut doc = String::from(
        "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\nservers: [{url: 'https://x.example.com'}]\ncomponents:\n  schemas:\n",
    );
    for level in 0..levels {
        doc.push_str(&format!(
            "    L{level}:\n      type: object\n      description: Level {level} of the tree.\n      properties:\n        note: {{type: string, description: What level {level} says.}}\n        left: {{$ref: '#/components/schemas/L{next}'}}\n        right: {{$ref: '#/components/schemas/L{next}'}}\n",
            next = level + 1
        ));
    }
    doc.push_str(&format!(
        "    L{levels}: {{type: object, properties: {{leaf: {{type: string}}}}}}\n"
    ));
    doc.push_str("paths:\n  /tree:\n    post:\n      operationId: putTree\n      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/L0'}}}}\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/L0'}}}}}\n");
    doc
}

/// The input and output schema sizes and the module size for `levels`, with a budget that
/// reduces nothing.
fn nested_sizes(levels: usize) -> (usize, usize, usize) {
    let dir = scratch(&format!("nested-{levels}"));
    std::fs::write(dir.join("openapi.yaml"), nested_document(levels)).expect("write");
    let allowlist = "provider = \"deep\"\nspec = \"openapi.yaml\"\nschema_max_bytes = 1000000000\n\n[[tool]]\noperation = \"putTree\"\n";
    std::fs::write(dir.join("allowlist.toml"), allowlist).expect("write");
    let generated = generate(dir.join("allowlist.toml")).unwrap_or_else(|d| panic!("{d}"));
    let tool = &generated.tools[0];
    let output = tool.output_schema.as_ref().expect("an output");
    assert!(
        output.contains("\"$defs\"") && tool.input_schema.contains("\"$defs\""),
        "shared levels are referenced"
    );
    (tool.input_schema.len(), output.len(), generated.code.len())
}

#[test]
fn schemas_grow_with_the_document_not_with_its_nesting() {
    let (input_8, output_8, code_8) = nested_sizes(8);
    let (input_16, output_16, code_16) = nested_sizes(16);
    eprintln!(
        "8 levels: {input_8}/{output_8}/{code_8} bytes; 16: {input_16}/{output_16}/{code_16}"
    );
    // Twice the levels: about twice the text (inlined, it would be 256 times).
    for (what, small, large) in [
        ("input", input_8, input_16),
        ("output", output_8, output_16),
        ("module", code_8, code_16),
    ] {
        assert!(
            large < small * 3,
            "{what}: {small} bytes for 8 levels, {large} for 16"
        );
    }
}

/// Generates the fixture's document with one `[[tool]]`: the module, or the error text.
fn with_tool(name: &str, entry: &str) -> Result<alter_mcp_gen::Generated, String> {
    let dir = scratch(name);
    let spec = Path::new("tests/fixtures/budget/openapi.yaml")
        .canonicalize()
        .expect("fixture");
    let text = format!(
        "provider = \"files\"\nspec = {:?}\n\n[[tool]]\n{entry}\n",
        spec.display().to_string()
    );
    std::fs::write(dir.join("allowlist.toml"), text).expect("write");
    generate(dir.join("allowlist.toml")).map_err(|d| d.to_string())
}

#[test]
fn omit_leaves_an_optional_input_out_and_says_so() {
    let doc = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://x.example.com'}]\npaths:\n  /items/{id}:\n    get:\n      operationId: getItem\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: expand, in: query, schema: {type: string}}\n      responses: {'204': {description: ok}}\n";
    let dir = scratch("omit");
    std::fs::write(dir.join("openapi.yaml"), doc).expect("write");
    let write = |params: &str| {
        let text = format!(
            "provider = \"x\"\nspec = \"openapi.yaml\"\n\n[[tool]]\noperation = \"getItem\"\n{params}\n"
        );
        std::fs::write(dir.join("allowlist.toml"), text).expect("write");
        generate(dir.join("allowlist.toml")).map_err(|d| d.to_string())
    };
    let generated = write("params.expand = { omit = true }").expect("builds");
    let tool = &generated.tools[0];
    assert!(
        !tool.input_schema.contains("expand"),
        "{}",
        tool.input_schema
    );
    assert_eq!(tool.omitted, [("expand".to_owned(), "allowlist")]);
    let error = write("params.id = { omit = true }").expect_err("a required input");
    assert!(
        error.contains("`id` is required, so the tool cannot leave it out")
            && error.contains("tool[0].params.id.omit"),
        "{error}"
    );
    let error =
        write("params.expand = { omit = true, default = \"x\" }").expect_err("contradiction");
    assert!(
        error.contains("`omit = true` leaves the input out"),
        "{error}"
    );
}

#[test]
fn an_output_over_the_budget_is_never_an_error_even_an_explicit_one() {
    let generated = with_tool(
        "explicit-output",
        "operation = \"getRoot\"\nschema_max_bytes = 300",
    )
    .expect("an output schema is reduced, not refused");
    let output = generated.tools[0].output_schema.as_ref().expect("output");
    assert!(output.len() <= 300, "{output}");
    assert_eq!(generated.warnings.len(), 1);
}

#[test]
fn the_cli_prints_the_warning_and_its_fix_on_standard_error() {
    let out = scratch("cli").join("budget.rs");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_alter-mcp-gen"))
        .args(["generate", "--allowlist", FIXTURE, "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: the output schema of `get_root`")
            && stderr.contains("help: to return less instead, add to `tool[0]`: returns = \""),
        "{stderr}"
    );
}
