//! Helpers shared by the generator's tests: the one snapshot check (`snapshot.rs`), a tool's input
//! schema from the generator's own data, how a
//! schema spells nullability, and the providers' upstream documents beside the repository.

#![allow(dead_code, reason = "each test file uses a part")]

pub mod snapshot;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The input schema of the tool `tool`, as the generator wrote it for `tools/list`.
pub fn input_schema(generated: &alter_mcp_gen::Generated, tool: &str) -> Value {
    let summary = generated
        .tools
        .iter()
        .find(|t| t.name == tool)
        .unwrap_or_else(|| panic!("no tool {tool}"));
    serde_json::from_str(&summary.input_schema).expect("the input schema is JSON")
}

/// An upstream document, `specs/upstream/<file>` under `<workspace>/../shared`,
/// `<workspace>/../../shared` (a worktree) or `$ALTER_SHARED_DIR`; `None` (with a notice) when
/// absent, a failure under `CI`.
pub fn upstream(file: &str) -> Option<PathBuf> {
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
            "specs/upstream/{file} is missing; set ALTER_SHARED_DIR"
        );
        eprintln!("skipped: specs/upstream/{file} not found (set ALTER_SHARED_DIR)");
    }
    found
}

/// `{type: T}`, or `{anyOf: [{type: T}, {type: null}]}` where the emitter spells out
/// nullability.
pub fn nullable(schema: &Value, t: &str) -> bool {
    schema == &json!({"type": t}) || schema == &json!({"anyOf": [{"type": t}, {"type": "null"}]})
}

/// The non-null branch of a nullable schema (`anyOf: [X, {"type": "null"}]`), else the schema.
pub fn non_null(schema: &Value) -> &Value {
    match schema["anyOf"].as_array().map(Vec::as_slice) {
        Some([value, null]) if null == &json!({"type": "null"}) => value,
        _ => schema,
    }
}

/// A schema that admits only `null` (however the emitter spells it).
pub fn only_null(schema: &Value) -> bool {
    let text = schema.to_string();
    text.contains("null")
        && !["string", "integer", "number", "object", "array", "boolean"]
            .iter()
            .any(|t| text.contains(&format!("\"{t}\"")))
}
