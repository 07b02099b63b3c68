//! OpenAPI 3.1 documents generate through the public API: one fixture per group of
//! constructs under `tests/fixtures/formats/openapi31`, each checked in the generated tools.

mod support;

use support::{input_schema, non_null, nullable, only_null};

use serde_json::json;

const DIR: &str = "tests/fixtures/formats/openapi31";

fn generate(name: &str) -> alter_mcp_gen::Generated {
    alter_mcp_gen::generate(format!("{DIR}/{name}.toml")).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn type_lists_null_const_examples_and_bounds_become_3_0() {
    let generated = generate("schemas");
    assert_eq!(generated.tool_names, ["things_create"]);
    let schema = input_schema(&generated, "things_create");
    let properties = &schema["properties"];
    // `type: [integer, null]` with 2020-12 numeric exclusive bounds.
    let limit = non_null(&properties["limit"]);
    assert_eq!(limit["exclusiveMinimum"], 0);
    assert_eq!(limit["exclusiveMaximum"], 100);
    assert_eq!(limit["type"], "integer", "{limit}");
    assert_ne!(
        limit, &properties["limit"],
        "null is allowed: {}",
        properties["limit"]
    );
    assert!(nullable(&properties["name"], "string"), "{schema}");
    assert_eq!(
        properties["kind"],
        json!({"type": "string", "enum": ["plain"]})
    );
    assert_eq!(
        properties["either"],
        json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
    );
    assert!(only_null(&properties["nothing"]), "{schema}");
    assert_eq!(
        properties["picture"],
        json!({"type": "string", "format": "byte"})
    );
    // prefixItems → items: anyOf of the tuple's kinds.
    assert_eq!(properties["pair"]["type"], "array");
    assert_eq!(
        properties["pair"]["items"]["anyOf"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // A `$ref` with siblings and `anyOf: [$ref, null]` both reach the component, whose
    // 2020-12 keywords (if/then/else, unevaluatedProperties, ...) do not stop the document.
    let tag = json!({"type": "object", "properties": {"label": {"type": "string"}}, "additionalProperties": false});
    assert_eq!(properties["tag"], tag);
    let maybe = &properties["maybe_tag"];
    assert_eq!(non_null(maybe), &tag, "{schema}");
    assert_eq!(maybe["anyOf"][1], json!({"type": "null"}), "{schema}");
    assert!(generated.code.contains("pub name: Option<String>"));
}

#[test]
fn defs_are_hoisted_to_named_types() {
    let generated = generate("defs");
    let schema = input_schema(&generated, "pets_create");
    let collar = &schema["properties"]["collar"];
    assert_eq!(collar["type"], "object");
    assert!(
        nullable(&collar["properties"]["color"], "string"),
        "{collar}"
    );
    assert_eq!(
        schema["properties"]["toys"]["items"]["properties"]["squeaks"],
        json!({"type": "boolean"})
    );
    // `#/components/schemas/Pet/$defs/Collar` and `#/$defs/Toy` → `Pet_Collar`, `Pet_Toy`.
    assert!(
        generated.code.contains("pub struct PetCollar"),
        "{}",
        generated.code
    );
    assert!(generated.code.contains("pub struct PetToy"));
}

#[test]
fn path_items_from_components_and_unusable_neighbours() {
    let generated = generate("path_items");
    assert_eq!(generated.tool_names, ["hooks_delete"]);
    let schema = input_schema(&generated, "hooks_delete");
    assert_eq!(schema["required"], json!(["id"]));
    assert!(generated.code.contains("\"https://hooks.test/hooks/{id}\""));
}

#[test]
fn problems_in_converted_documents_point_into_the_original() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("format-openapi31");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let spec = std::fs::read_to_string(format!("{DIR}/path_items.yaml")).expect("fixture");
    // The referenced path item's operation now names an unknown request body.
    let spec = spec.replace(
        "      delete:\n        operationId: hooks.delete\n",
        "      delete:\n        operationId: hooks.delete\n        requestBody: {$ref: '#/components/requestBodies/Missing'}\n",
    );
    std::fs::write(dir.join("path_items.yaml"), spec).expect("write");
    std::fs::copy(
        format!("{DIR}/path_items.toml"),
        dir.join("path_items.toml"),
    )
    .expect("copy");
    let error = alter_mcp_gen::generate(dir.join("path_items.toml")).expect_err("dangling ref");
    let pointers: Vec<String> = error
        .iter()
        .filter_map(|d| match &d.location.at {
            alter_mcp_gen::At::Pointer(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert!(
        pointers
            .iter()
            .any(|p| p.starts_with("/components/pathItems/Hook/delete/requestBody")),
        "{error}"
    );
}
