//! The providers' own documents, every operation: each is a tool (compiled by this crate's
//! build script with warnings denied), and no tool has fewer values than its operation. The
//! expected counts are read from the raw documents here, independently of the generator.

use std::path::PathBuf;

use alter_mcp_conformance::{ABSENT, DOCUMENTS, UPSTREAM_DIR};
use alter_mcp_gen::{EveryOperation, generate_every_operation};
use serde_json::{Map, Value};

/// Skips with a notice when the upstream documents are absent; under CI that is a failure.
fn documents_present() -> bool {
    match ABSENT {
        None => true,
        Some(why) if std::env::var_os("CI").is_some() => {
            panic!("CI needs the upstream documents: {why}")
        }
        Some(why) => {
            eprintln!("SKIPPED: {why}");
            false
        }
    }
}

fn upstream_dir() -> PathBuf {
    PathBuf::from(UPSTREAM_DIR.expect("the build script found it"))
}

fn read(file: &str) -> Value {
    let text = std::fs::read_to_string(upstream_dir().join(file)).expect("readable");
    serde_json::from_str(&text).expect("the upstream documents are JSON")
}

/// One operation as the document describes it: its id and how many values it carries.
#[derive(Debug)]
struct Expected {
    id: String,
    values: usize,
}

#[test]
fn every_operation_of_every_document_is_a_compiled_tool() {
    if !documents_present() {
        return;
    }
    let mut total = 0;
    for document in DOCUMENTS {
        let expected = expected(&read(document.file));
        assert!(!expected.is_empty(), "{} has operations", document.file);
        let mut ids: Vec<&str> = document.tools.iter().map(|t| t.operation_id).collect();
        let mut wanted: Vec<&str> = expected.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        wanted.sort_unstable();
        assert_eq!(ids, wanted, "{}: one tool per operation", document.file);
        for tool in document.tools {
            let schema: Value = serde_json::from_str(tool.input_schema).expect("JSON Schema");
            assert_eq!(schema["type"], "object", "{}", tool.name);
        }
        eprintln!(
            "{}: {} operations, {} tools",
            document.file,
            expected.len(),
            document.tools.len()
        );
        total += expected.len();
    }
    eprintln!(
        "covered {total} operations in {} documents",
        DOCUMENTS.len()
    );
    // Every document there, in every format, was generated.
    let mut on_disk = Vec::new();
    for provider in std::fs::read_dir(upstream_dir())
        .expect("listable")
        .flatten()
    {
        for file in std::fs::read_dir(provider.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = file.file_name().to_string_lossy().into_owned();
            if [".json", ".yaml", ".yml"].iter().any(|e| name.ends_with(e)) {
                on_disk.push(format!("{}/{name}", provider.file_name().to_string_lossy()));
            }
        }
    }
    on_disk.sort();
    let generated: Vec<&str> = DOCUMENTS.iter().map(|d| d.file).collect();
    assert_eq!(generated, on_disk);
}

#[test]
fn no_tool_has_fewer_values_than_its_operation() {
    if !documents_present() {
        return;
    }
    for document in DOCUMENTS {
        let path = upstream_dir().join(document.file);
        let options = EveryOperation {
            provider: "p".to_owned(),
            ..EveryOperation::default()
        };
        let generated = generate_every_operation(&path, &options).unwrap_or_else(|d| panic!("{d}"));
        let expected = expected(&read(document.file));
        let mut checked = 0;
        for (summary, tool) in generated.tools.iter().zip(document.tools) {
            let wanted = expected
                .iter()
                .find(|e| e.id == summary.operation || e.id == tool.operation_id)
                .unwrap_or_else(|| panic!("{}: no operation {}", document.file, summary.operation));
            let has = summary.inputs.len() + summary.omitted.len();
            assert_eq!(
                has,
                wanted.values,
                "{} {}: the operation has {} values, the tool {} inputs + {} left out ({:?}, {:?})",
                document.file,
                summary.operation,
                wanted.values,
                summary.inputs.len(),
                summary.omitted.len(),
                summary.inputs,
                summary.omitted
            );
            // The compiled tool shows the model exactly the inputs the summary lists.
            let schema: Value = serde_json::from_str(tool.input_schema).expect("JSON Schema");
            let shown = schema["properties"].as_object().map_or(0, Map::len);
            assert_eq!(shown, summary.inputs.len(), "{}", tool.name);
            checked += 1;
        }
        assert_eq!(checked, expected.len(), "{}", document.file);
    }
}

/// Every operation of a raw document, by format.
fn expected(doc: &Value) -> Vec<Expected> {
    if doc.get("swagger").is_some() {
        swagger(doc)
    } else if doc.get("openapi").is_some() {
        openapi(doc)
    } else {
        discovery(doc)
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Follows a local `$ref` (`#/a/b`).
fn resolve<'v>(doc: &'v Value, mut value: &'v Value) -> &'v Value {
    for _ in 0..32 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        let pointer = reference
            .trim_start_matches('#')
            .replace("%7B", "{")
            .replace("%7D", "}");
        value = doc.pointer(&pointer).unwrap_or(&Value::Null);
    }
    value
}

/// Parameters of the path item and the operation, merged by `(name, in)`.
fn parameters<'v>(doc: &'v Value, item: &'v Value, op: &'v Value) -> Vec<&'v Value> {
    let mut merged: Vec<&Value> = Vec::new();
    for list in [&item["parameters"], &op["parameters"]] {
        for param in list.as_array().into_iter().flatten() {
            let param = resolve(doc, param);
            let key = |p: &Value| (p["name"].clone(), p["in"].clone());
            match merged.iter_mut().find(|m| key(m) == key(param)) {
                Some(slot) => *slot = param,
                None => merged.push(param),
            }
        }
    }
    merged
}

/// The top-level values of a body schema: its writable properties, or 1 for a non-object.
fn body_values(doc: &Value, schema: &Value) -> usize {
    let schema = resolve(doc, schema);
    match schema["properties"].as_object() {
        Some(properties) if !properties.is_empty() => properties
            .values()
            .filter(|p| resolve(doc, p)["readOnly"] != Value::Bool(true))
            .count(),
        _ => 1,
    }
}

fn openapi(doc: &Value) -> Vec<Expected> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let mut values = parameters(doc, item, op).len();
            let body = resolve(doc, &op["requestBody"]);
            if let Some(content) = body["content"].as_object() {
                let json = content.iter().find(|(k, _)| k.contains("json"));
                if let Some((_, media)) = json.or_else(|| content.iter().next()) {
                    values += body_values(doc, &media["schema"]);
                }
            }
            let id = op["operationId"].as_str().map_or_else(
                || format!("{} {path}", method.to_uppercase()),
                str::to_owned,
            );
            out.push(Expected { id, values });
        }
    }
    out
}

fn swagger(doc: &Value) -> Vec<Expected> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let values = parameters(doc, item, op)
                .into_iter()
                .map(|p| {
                    if p["in"] == "body" {
                        body_values(doc, &p["schema"])
                    } else {
                        1
                    }
                })
                .sum();
            let id = op["operationId"].as_str().map_or_else(
                || format!("{} {path}", method.to_uppercase()),
                str::to_owned,
            );
            out.push(Expected { id, values });
        }
    }
    out
}

fn discovery(doc: &Value) -> Vec<Expected> {
    let global = doc["parameters"].as_object().map_or(0, Map::len);
    let mut out = Vec::new();
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        for method in node["methods"]
            .as_object()
            .into_iter()
            .flat_map(Map::values)
        {
            let mut values = global + method["parameters"].as_object().map_or(0, Map::len);
            if let Some(name) = method["request"]["$ref"].as_str() {
                let schema = &doc["schemas"][name];
                values += schema["properties"].as_object().map_or(1, |p| {
                    p.values()
                        .filter(|p| p["readOnly"] != Value::Bool(true))
                        .count()
                });
            }
            out.push(Expected {
                id: method["id"].as_str().unwrap_or_default().to_owned(),
                values,
            });
        }
        stack.extend(
            node["resources"]
                .as_object()
                .into_iter()
                .flat_map(Map::values),
        );
    }
    out
}
