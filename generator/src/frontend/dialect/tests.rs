use serde_json::{Value, json};

use super::*;

fn normalized(mut schema: Value) -> Value {
    Normalizer::default().schema(&mut schema, "/components/schemas/S", "S");
    schema
}

#[test]
fn type_lists_and_null() {
    assert_eq!(
        normalized(json!({"type": ["string", "null"], "minLength": 1})),
        json!({"type": "string", "nullable": true, "minLength": 1})
    );
    assert_eq!(
        normalized(json!({"type": "null", "description": "d"})),
        json!({"nullable": true, "enum": [null], "description": "d"})
    );
    assert_eq!(
        normalized(json!({"type": ["integer", "string", "null"], "minimum": 1, "maxLength": 3})),
        json!({"nullable": true, "anyOf": [
            {"type": "integer", "minimum": 1},
            {"type": "string", "maxLength": 3}
        ]})
    );
    assert_eq!(normalized(json!({"type": 7})), json!({}));
}

#[test]
fn const_examples_and_exclusive_bounds() {
    assert_eq!(
        normalized(json!({"const": "a", "examples": ["x", "y"]})),
        json!({"enum": ["a"], "example": "x"})
    );
    assert_eq!(
        normalized(json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10})),
        json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true,
               "maximum": 10, "exclusiveMaximum": true})
    );
    // An inclusive bound that is already stricter wins.
    assert_eq!(
        normalized(json!({"type": "number", "minimum": 5, "exclusiveMinimum": 1})),
        json!({"type": "number", "minimum": 5})
    );
}

#[test]
fn tuples_and_null_branches() {
    // Slack: `items: [{$ref}, {type: null}]`.
    assert_eq!(
        normalized(
            json!({"type": "array", "items": [{"$ref": "#/definitions/bot"}, {"type": "null"}]})
        ),
        json!({"type": "array", "items": {"allOf": [{"$ref": "#/definitions/bot"}], "nullable": true}})
    );
    assert_eq!(
        normalized(json!({"prefixItems": [{"type": "string"}, {"type": "integer"}]})),
        json!({"items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}})
    );
    assert_eq!(
        normalized(
            json!({"oneOf": [{"type": "string", "format": "date"}, {"type": "null"}], "description": "d"})
        ),
        json!({"type": "string", "format": "date", "nullable": true, "description": "d"})
    );
}

#[test]
fn swagger_isms_content_keywords_and_booleans() {
    assert_eq!(
        normalized(
            json!({"type": "object", "x-nullable": true, "discriminator": "kind",
                          "properties": {"f": {"type": "file"}, "any": true, "none": false}})
        ),
        json!({"type": "object", "nullable": true, "discriminator": {"propertyName": "kind"},
               "properties": {"f": {"type": "string", "format": "binary"}, "any": {}, "none": {"not": {}}}})
    );
    assert_eq!(
        normalized(json!({"type": "string", "contentMediaType": "image/png"})),
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        normalized(json!({"type": "string", "contentEncoding": "base64"})),
        json!({"type": "string", "format": "byte"})
    );
}

#[test]
fn unreadable_keyword_values_are_dropped_and_draft3_required_kept() {
    assert_eq!(
        normalized(
            json!({"type": "object", "minProperties": -1, "required": ["a", 3],
                          "properties": {"b": {"type": "string", "required": true, "maxLength": "5"}},
                          "enum": "x", "nullable": "true", "items": 4})
        ),
        json!({"type": "object", "required": ["a", "b"], "nullable": true,
               "properties": {"b": {"type": "string", "maxLength": 5}},
               "items": {"x-alter-invalid-schema": 4}})
    );
    assert_eq!(
        normalized(json!({"properties": {"a": "text"}})),
        json!({"properties": {"a": {"x-alter-invalid-schema": "text"}}})
    );
}

#[test]
fn defs_are_hoisted_and_refs_rewritten() {
    let mut normalizer = Normalizer::new(["Pet_Tag".to_owned()]);
    let mut schema = json!({
        "type": "object",
        "properties": {"tag": {"$ref": "#/components/schemas/Pet/$defs/Tag"}, "t2": {"$ref": "#/$defs/Tag"},
                       "inner": {"$ref": "#/components/schemas/Pet/$defs/Tag/$defs/Inner"}},
        "$defs": {"Tag": {"type": ["string", "null"], "$defs": {"Inner": {"const": 1}}}}
    });
    normalizer.schema(&mut schema, "/components/schemas/Pet", "Pet");
    let hoisted = normalizer.drain_hoisted();
    let names: Vec<&str> = hoisted.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["Pet_Tag_2", "Pet_Tag_2_Inner"]);
    assert_eq!(hoisted[0].from, "/components/schemas/Pet/$defs/Tag");
    assert_eq!(
        hoisted[0].schema,
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(hoisted[1].schema, json!({"enum": [1]}));
    let mut document = json!({"components": {"schemas": {"Pet": schema}}});
    rewrite_refs(&mut document, &normalizer.renames);
    let properties = &document["components"]["schemas"]["Pet"]["properties"];
    assert_eq!(properties["tag"]["$ref"], "#/components/schemas/Pet_Tag_2");
    assert_eq!(properties["t2"]["$ref"], "#/components/schemas/Pet_Tag_2");
    assert_eq!(
        properties["inner"]["$ref"],
        "#/components/schemas/Pet_Tag_2_Inner"
    );
}

#[test]
fn ref_rewrites_take_the_longest_prefix_and_skip_examples() {
    let renames = vec![
        ("/definitions".to_owned(), "/components/schemas".to_owned()),
        ("/definitions/A/x".to_owned(), "/elsewhere".to_owned()),
    ];
    let mut document = json!({"a": {"$ref": "#/definitions/A/properties/b"},
        "b": [{"$ref": "#/definitions/A/x/y"}], "example": {"$ref": "#/definitions/A"},
        "c": {"$ref": "#/definitionsX"}});
    rewrite_refs(&mut document, &renames);
    assert_eq!(document["a"]["$ref"], "#/components/schemas/A/properties/b");
    assert_eq!(document["b"][0]["$ref"], "#/elsewhere/y");
    assert_eq!(document["example"]["$ref"], "#/definitions/A");
    assert_eq!(document["c"]["$ref"], "#/definitionsX");
}
