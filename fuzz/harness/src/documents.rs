//! Target `documents`: an API description in any format (OpenAPI 3.0 or 3.1, Swagger 2.0,
//! Google Discovery; JSON or YAML) through `generate --all --skip-unsupported`: load, detect
//! and convert, an allowlist of every operation, select, lower, apply, schemas, lint, emit and
//! format. Any outcome but a panic is fine; what comes out must be what a build can use.

use alter_mcp_gen::{EveryOperation, generate_every_operation};

pub fn run(data: &[u8]) {
    // No extension: the generator tells JSON (`{` first) from YAML by the content.
    let path = crate::scratch::write("document", data);
    let options = EveryOperation {
        provider: "fuzz".to_owned(),
        base_url: None,
        skip_unsupported: true,
    };
    match generate_every_operation(&path, &options) {
        Ok(generated) => check(&generated),
        Err(problems) => {
            assert!(!problems.is_empty(), "an error names at least one problem");
            let _ = problems.to_string();
        }
    }
}

/// What a successful generation promises its build script.
pub(crate) fn check(generated: &alter_mcp_gen::Generated) {
    assert!(
        generated.code.starts_with("// @generated"),
        "the header comes first"
    );
    assert_eq!(generated.tool_names.len(), generated.tools.len());
    for tool in &generated.tools {
        let name = &tool.name;
        assert!(
            (1..=64).contains(&name.len())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
            "tool name {name:?} is not ^[a-zA-Z0-9_-]{{1,64}}$"
        );
        let input: serde_json::Value =
            serde_json::from_str(&tool.input_schema).expect("the input schema is JSON");
        assert!(input.is_object(), "{name}: the input schema is an object");
        if let Some(output) = &tool.output_schema {
            let output: serde_json::Value =
                serde_json::from_str(output).expect("the output schema is JSON");
            assert!(output.is_object(), "{name}: the output schema is an object");
        }
    }
}
