//! Schemas → Rust types without loss, one small fixture per construct (`tests/fixtures/schemas`):
//! each module's snapshot (checked by `snapshots.rs`) is
//! compiled here against the real runtime (and linted by clippy), and driven through
//! `ToolDef::build`, checking that what the model sends is what goes on the wire.

mod all_of {
    include!("snapshots/schemas/all_of.rs");
}
mod one_of {
    include!("snapshots/schemas/one_of.rs");
}
mod tagged {
    include!("snapshots/schemas/tagged.rs");
}
mod enums {
    include!("snapshots/schemas/enums.rs");
}
mod fields {
    include!("snapshots/schemas/fields.rs");
}
mod recursive {
    include!("snapshots/schemas/recursive.rs");
}

use alter_mcp_runtime::serde_json::{self, Value, json};

#[test]
fn registrations_name_each_fixture() {
    let scopes = [
        (all_of::SCOPES, all_of::TOOL_SCOPES),
        (one_of::SCOPES, one_of::TOOL_SCOPES),
        (tagged::SCOPES, tagged::TOOL_SCOPES),
        (enums::SCOPES, enums::TOOL_SCOPES),
        (fields::SCOPES, fields::TOOL_SCOPES),
        (recursive::SCOPES, recursive::TOOL_SCOPES),
    ];
    for (module, per_tool) in scopes {
        assert!(module.is_empty() && per_tool.len() == 1 && per_tool[0].1.is_empty());
    }
    let modules = [
        (all_of::PROVIDER, all_of::TOOL_NAMES, all_of::TOOLS),
        (one_of::PROVIDER, one_of::TOOL_NAMES, one_of::TOOLS),
        (tagged::PROVIDER, tagged::TOOL_NAMES, tagged::TOOLS),
        (enums::PROVIDER, enums::TOOL_NAMES, enums::TOOLS),
        (fields::PROVIDER, fields::TOOL_NAMES, fields::TOOLS),
        (recursive::PROVIDER, recursive::TOOL_NAMES, recursive::TOOLS),
    ];
    let fixtures = ["all_of", "one_of", "tagged", "enums", "fields", "recursive"];
    for ((provider, names, tools), fixture) in modules.into_iter().zip(fixtures) {
        assert_eq!(provider, fixture);
        assert_eq!(names, [tools[0].name]);
    }
}
use alter_mcp_runtime::{ArgumentError, ProviderRequest, ToolDef};

/// Builds the request of the first tool of `tools` from `arguments`.
fn call(tools: &[ToolDef], arguments: Value) -> Result<ProviderRequest, ArgumentError> {
    let Value::Object(map) = arguments else {
        panic!("arguments are an object")
    };
    (tools[0].build)(map)
}

/// The JSON body sent for `arguments`.
fn body(tools: &[ToolDef], arguments: Value) -> Value {
    let request = call(tools, arguments).unwrap_or_else(|e| panic!("{e}"));
    request.json_body().cloned().expect("a JSON body")
}

/// The input schema's property `name`.
fn property(tools: &[ToolDef], name: &str) -> Value {
    let schema: Value = serde_json::from_str(tools[0].input_schema).expect("JSON");
    schema["properties"][name].clone()
}

/// Each argument object goes on the wire exactly as the model wrote it.
fn round_trips(tools: &[ToolDef], field: &str, values: &[Value]) {
    round_trips_with(tools, json!({}), field, values);
}

/// [`round_trips`] next to the other arguments in `base`.
fn round_trips_with(tools: &[ToolDef], base: Value, field: &str, values: &[Value]) {
    for value in values {
        let mut arguments = base.clone();
        arguments[field] = value.clone();
        let sent = body(tools, arguments);
        assert_eq!(&sent[field], value, "{field}");
    }
}

#[test]
fn all_of_branches_merge_into_one_struct() {
    let task = all_of::Task {
        name: "n".to_owned(),
        due: None,
        priority: 1,
    };
    let owner = all_of::Named {
        name: "o".to_owned(),
    };
    let _: (all_of::Task, all_of::Named) = (task, owner);
    let schema = property(all_of::TOOLS, "task");
    assert_eq!(schema["description"], "A task.");
    let names: Vec<&String> = schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .collect();
    // `created` is readOnly: never sent. (serde_json sorts keys; the text keeps their order.)
    assert_eq!(names, ["due", "name", "priority"]);
    let text = all_of::TOOLS[0].input_schema;
    let at = |key: &str| text.find(&format!("\"{key}\": {{")).expect(key);
    assert!(
        at("name") < at("due") && at("due") < at("priority"),
        "{text}"
    );
    assert_eq!(schema["required"], json!(["name", "priority"]));
    assert_eq!(schema["properties"]["due"]["format"], "date");
    assert_eq!(schema["properties"]["priority"]["minimum"], 1);
    // Conflicting and non-object branches keep their schema for a JSON value.
    assert_eq!(
        property(all_of::TOOLS, "clash")["allOf"][1]["properties"]["id"]["type"],
        "integer"
    );
    assert_eq!(
        property(all_of::TOOLS, "mixed")["allOf"][1]["type"],
        "string"
    );
    // `allOf: [{$ref: Named}]` with a description is `Named`, described.
    let owner = property(all_of::TOOLS, "owner");
    assert_eq!(owner["description"], "Who owns it.");
    assert_eq!(owner["required"], json!(["name"]));
    let task = json!({"name": "x", "due": "2024-01-01", "priority": 2});
    let sent = body(
        all_of::TOOLS,
        json!({"task": task, "owner": {"name": "me"}}),
    );
    assert_eq!(sent["task"], task);
    assert_eq!(sent["owner"], json!({"name": "me"}));
    let error = call(all_of::TOOLS, json!({"task": {"name": "x"}})).unwrap_err();
    assert!(error.to_string().contains("priority"), "{error}");
    let error = call(
        all_of::TOOLS,
        json!({"task": {"name": "x", "priority": 1, "created": "now"}}),
    )
    .unwrap_err();
    assert!(error.to_string().contains("created"), "{error}");
}

#[test]
fn unions_of_distinct_json_types_round_trip() {
    let tools = one_of::TOOLS;
    round_trips(tools, "id", &[json!("abc"), json!(5)]);
    round_trips(tools, "tags", &[json!("a"), json!(["a", "b"])]);
    round_trips(
        tools,
        "where",
        &[json!({"x": 1, "y": 2}), json!("here"), json!([1.5, -2.25])],
    );
    round_trips(tools, "flag", &[json!(true), json!("auto")]);
    // Ambiguous unions stay JSON values: sent as they came.
    round_trips(tools, "amount", &[json!(5), json!(2.5)]);
    round_trips(
        tools,
        "either",
        &[json!({"x": 1, "y": 2}), json!({"r": 1.5})],
    );
    for (field, bad) in [
        ("id", json!(1.5)),
        ("flag", json!("manual")),
        ("where", json!({"x": 1})),
        ("tags", json!([1])),
    ] {
        let error = call(tools, json!({ field: bad })).unwrap_err();
        assert!(error.to_string().contains(field), "{error}");
    }
    assert!(matches!(
        one_of::ShapesCreateId::Integer(1),
        one_of::ShapesCreateId::Integer(_)
    ));
    assert_eq!(
        property(tools, "id")["oneOf"],
        json!([{"type": "string"}, {"type": "integer"}])
    );
    assert_eq!(property(tools, "tags")["anyOf"][1]["type"], "array");
    assert_eq!(
        property(tools, "amount")["oneOf"],
        json!([{"type": "integer"}, {"type": "number"}])
    );
}

#[test]
fn a_null_branch_makes_the_other_branch_optional() {
    let tools = one_of::TOOLS;
    let _: Option<one_of::Point> = call(tools, json!({})).ok().and(None);
    let maybe = property(tools, "maybe");
    assert_eq!(maybe["anyOf"][0]["type"], "object", "{maybe}");
    assert_eq!(maybe["anyOf"][1], json!({"type": "null"}), "{maybe}");
    round_trips(tools, "maybe", &[json!({"x": 0, "y": 0})]);
    let request = call(tools, json!({"maybe": null})).expect("null is accepted");
    assert_eq!(request.json_body().and_then(|b| b.get("maybe")), None);
}

#[test]
fn discriminators_become_tagged_enums() {
    let tools = tagged::TOOLS;
    let pets = [
        json!({"kind": "dog", "bark": true}),
        json!({"kind": "hound", "bark": false, "friend": {"kind": "cat", "lives": 9}}),
        json!({"kind": "cat"}),
        json!({"kind": "lizard", "scales": 100}),
        json!({"kind": "Parrot", "words": ["hi"]}),
    ];
    round_trips(tools, "pet", &pets);
    let dog = tagged::Pet::Dog(Box::new(tagged::PetDog {
        bark: true,
        friend: None,
    }));
    assert_eq!(
        serde_json::to_value(&dog).expect("serializes"),
        json!({"kind": "dog", "bark": true})
    );
    for bad in [
        json!({"kind": "cow"}),
        json!({"bark": true}),
        json!({"kind": "cat", "bark": true}),
    ] {
        let error = call(tools, json!({ "pet": bad })).unwrap_err();
        assert!(error.to_string().contains("pet"), "{error}");
    }
    let schema: Value = serde_json::from_str(tools[0].input_schema).expect("JSON");
    let branches = schema["$defs"]["Pet"]["oneOf"].as_array().expect("oneOf");
    let kinds: Vec<&Value> = branches
        .iter()
        .map(|b| &b["properties"]["kind"]["enum"][0])
        .collect();
    assert_eq!(
        kinds,
        [
            &json!("dog"),
            &json!("hound"),
            &json!("cat"),
            &json!("lizard"),
            &json!("Parrot")
        ]
    );
    assert!(branches.iter().all(|b| b["required"][0] == "kind"));
    // A mapped value the branch rejects, or a branch that is no object: a JSON value.
    assert!(property(tools, "bad")["oneOf"].is_array());
    let pet = json!({"pet": {"kind": "cat"}});
    round_trips_with(
        tools,
        pet,
        "loose",
        &[json!("x"), json!({"kind": "Dog", "bark": true})],
    );
}

#[test]
fn integer_enums_accept_only_their_values() {
    let tools = enums::TOOLS;
    let query = |arguments: Value| call(tools, arguments).map(|r| r.query_params().to_vec());
    let sent = query(json!({"priority": -1})).expect("valid");
    assert_eq!(sent[0], ("priority".to_owned(), json!(-1)));
    let sent = query(json!({"priority": 3_000_000_000_i64})).expect("valid");
    assert_eq!(sent[0], ("priority".to_owned(), json!(3_000_000_000_i64)));
    // The allowlist default is a variant too.
    assert!(sent.contains(&("level".to_owned(), json!(10))));
    let error = query(json!({"priority": 4})).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("priority"));
    assert!(
        error
            .message
            .contains("expected one of 1, 2, 3, -1, 3000000000"),
        "{error}"
    );
    assert!(query(json!({"priority": "1"})).is_err());
    assert!(query(json!({"level": 1.0})).is_err());
    assert_eq!(i64::from(enums::ItemsListPriority::Neg1), -1);
    assert_eq!(
        property(tools, "priority")["enum"],
        json!([1, 2, 3, -1, 3_000_000_000_i64])
    );
    assert_eq!(property(tools, "level")["default"], 10);
}

#[test]
fn string_enum_values_that_are_not_identifiers_keep_their_wire_value() {
    let tools = enums::TOOLS;
    let values = [
        "", "1h", "self", "Self", "a-b", "a_b", "AB", "ünï", "type", "crate",
    ];
    for value in values {
        let request = call(tools, json!({ "mode": value })).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            request
                .query_params()
                .contains(&("mode".to_owned(), json!(value))),
            "{value:?}"
        );
    }
    let _ = [
        enums::ItemsListMode::Value,
        enums::ItemsListMode::Self_,
        enums::ItemsListMode::Self2,
        enums::ItemsListMode::AB2,
    ];
}

#[test]
fn awkward_field_names_keep_their_wire_names() {
    let tools = fields::TOOLS;
    let odd = json!({
        "type": "t", "self": "s", "Self": "S", "crate": "c", "super": "p", "2fa": true,
        "a.b": "dot", "a-b": "dash", "a b": "space", "fooBar": "camel", "foo_bar": "snake",
        "名前": "name", "": "empty", "secret": "pw", "count": 2,
        "nullableRequired": null, "nullableOptional": 3,
        "additional_properties": "named", "extra": 7
    });
    let sent = body(tools, json!({"odd": odd}));
    assert_eq!(sent["odd"], odd);
    let value: fields::Odd = serde_json::from_value(odd).expect("deserializes");
    assert_eq!(
        (value.self_2.as_deref(), value.a_b_3.as_deref()),
        (Some("S"), Some("space"))
    );
    assert_eq!(value.additional_properties_2.get("extra"), Some(&7));
}

#[test]
fn nullable_required_fields_are_sent_as_null() {
    let tools = fields::TOOLS;
    let sent = body(
        tools,
        json!({"odd": {"type": "t", "2fa": false, "a.b": "x"}, "top": null}),
    );
    // The document requires the key; leaving it out would make the request invalid.
    assert_eq!(
        sent["odd"],
        json!({"type": "t", "2fa": false, "a.b": "x", "nullableRequired": null})
    );
    assert_eq!(sent.get("top"), None);
    // An optional nullable field: `null` (clear it) and absent (leave it) both reach the wire
    // as they were sent.
    let odd = json!({"type": "t", "2fa": false, "a.b": "x", "nullableRequired": "r", "nullableOptional": null});
    assert_eq!(body(tools, json!({"odd": odd}))["odd"], odd);
    let value: fields::Odd = serde_json::from_value(odd).expect("deserializes");
    assert_eq!(value.nullable_optional, Some(None));
    let schema = property(tools, "odd");
    let or_null = |t: &str| json!({"anyOf": [{"type": t}, {"type": "null"}]});
    assert_eq!(schema["properties"]["nullableRequired"], or_null("string"));
    assert_eq!(schema["properties"]["nullableOptional"], or_null("integer"));
    assert_eq!(
        schema["required"],
        json!(["type", "2fa", "a.b", "nullableRequired"])
    );
    assert_eq!(property(tools, "top"), or_null("string"));
    // readOnly left out; writeOnly, defaults, formats, bounds and descriptions kept.
    assert!(schema["properties"].get("id").is_none());
    assert_eq!(schema["properties"]["secret"]["format"], "password");
    assert_eq!(
        schema["properties"]["count"],
        json!({"type": "integer", "description": "How many.", "minimum": 1, "default": 5})
    );
    assert_eq!(schema["additionalProperties"], json!({"type": "integer"}));
    let error = call(
        tools,
        json!({"odd": {"type": "t", "2fa": false, "a.b": "x", "id": "1"}}),
    );
    assert!(error.is_err(), "a readOnly field is not an input");
}

#[test]
fn recursive_types_compile_and_round_trip() {
    let tools = recursive::TOOLS;
    round_trips(
        tools,
        "node",
        &[json!({"value": "a", "next": {"value": "b", "children": [{"value": "c"}]}})],
    );
    round_trips(tools, "a", &[json!({"b": {"a": {"b": {}}}})]);
    round_trips(
        tools,
        "folder",
        &[json!({"name": "x", "parent": {"name": "root"}})],
    );
    round_trips(
        tools,
        "expr",
        &[
            json!(1),
            json!({"op": "+", "left": 1, "right": {"op": "-", "left": 2}}),
        ],
    );
    let folder = recursive::Folder {
        name: None,
        parent: Some(Box::new(recursive::Folder {
            name: Some("root".to_owned()),
            parent: None,
        })),
    };
    assert_eq!(
        serde_json::to_value(folder).expect("serializes"),
        json!({"parent": {"name": "root"}})
    );
    let schema: Value = serde_json::from_str(tools[0].input_schema).expect("JSON");
    let defs: Vec<&String> = schema["$defs"].as_object().expect("$defs").keys().collect();
    assert_eq!(defs, ["A", "B", "Expr", "ExprObject", "Folder", "Node"]);
    assert_eq!(
        schema["$defs"]["Expr"]["oneOf"][0],
        json!({"type": "integer"})
    );
}
