//! The last check before emission: every tool's schemas against what the major MCP clients and
//! LLM providers accept, so a tool that one of them would reject (or silently drop) fails the
//! build instead of the user's session. It takes any schema JSON, input or output.
//!
//! The rules, each from a client that enforces it:
//! * the root is an object schema (`"type": "object"`): MCP requires it of `inputSchema` and
//!   `outputSchema`;
//! * no `oneOf`/`anyOf`/`allOf` at the root: Anthropic's and OpenAI's tool APIs reject them;
//! * every `$ref` resolves inside the schema (`#/...`): clients do not fetch other documents;
//! * every array has `items`: OpenAI and Gemini reject an array schema without them;
//! * tool names match `^[a-zA-Z0-9_-]{1,64}$` and input (root property) names
//!   `^[a-zA-Z0-9_.-]{1,64}$` (Anthropic's and OpenAI's function and parameter name rules;
//!   an output's field names are the provider's, which no setting renames and no client
//!   checks, so they are not);
//! * an input schema's JSON fits a size budget (default [`SCHEMA_MAX_BYTES`]): every byte is
//!   sent to the model on each `tools/list`. Inside the pipeline the budget is `budget.rs`'s
//!   business (a warning unless the allowlist sets it; output schemas are reduced to it).

use serde_json::Value;

use crate::allowlist::Allowlist;
use crate::diagnostic::{Diagnostic, Diagnostics, Location, child};
use crate::frontend::dialect::keywords::SINGLE;
use crate::ir::Api;
use crate::naming;

/// Default per-tool budget for one schema's JSON, in bytes (allowlist `schema_max_bytes`).
pub const SCHEMA_MAX_BYTES: usize = 16 * 1024;

/// One broken rule: where in the schema (a JSON pointer, `""` for the root), what, and what
/// to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// A JSON pointer into the schema; `""` for the root.
    pub pointer: String,
    /// The rule broken.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl Violation {
    fn new(pointer: &str, message: impl Into<String>, help: impl Into<String>) -> Self {
        Violation {
            pointer: pointer.to_owned(),
            message: message.into(),
            help: help.into(),
        }
    }
}

/// A tool name's violation, if any.
pub fn check_tool_name(name: &str) -> Option<Violation> {
    (!naming::is_valid_tool_name(name)).then(|| {
        Violation::new(
            "",
            format!("tool name `{name}` does not match ^[a-zA-Z0-9_-]{{1,64}}$"),
            "give the tool a `name` of 1 to 64 ASCII letters, digits, `_` or `-`",
        )
    })
}

/// Every violation of the rules above in one input schema (its JSON text, as emitted).
pub fn check_schema(json: &str, max_bytes: usize) -> Vec<Violation> {
    check(json, Some(max_bytes), true)
}

/// Every violation of the rules above in one output schema: no name rule, and no budget (an
/// output schema is reduced to fit, see `tool_schema/reduce.rs`).
pub fn check_output_schema(json: &str) -> Vec<Violation> {
    check(json, None, false)
}

fn check(json: &str, max_bytes: Option<usize>, input: bool) -> Vec<Violation> {
    let schema: Value = match serde_json::from_str(json) {
        Ok(schema) => schema,
        Err(error) => {
            return vec![Violation::new(
                "",
                format!("the schema is not JSON: {error}"),
                "this is a generator bug; please report it with the allowlist",
            )];
        }
    };
    let mut out = Vec::new();
    if let Some(max_bytes) = max_bytes.filter(|max| json.len() > *max) {
        out.push(Violation::new(
            "",
            format!(
                "the schema is {} bytes, over the budget of {max_bytes}",
                json.len()
            ),
            "leave out inputs (`params.X.omit`) or fix them (`params.X.fixed`), shorten \
             descriptions (`param_description_max`), or raise this tool's `schema_max_bytes`",
        ));
    }
    check_root(&schema, &mut out);
    let mut walker = Walker {
        root: &schema,
        out: &mut out,
        input,
    };
    walker.schema(&schema, "");
    out
}

fn check_root(schema: &Value, out: &mut Vec<Violation>) {
    let Value::Object(root) = schema else {
        out.push(Violation::new(
            "",
            "the root is not an object schema",
            "wrap the value in an object",
        ));
        return;
    };
    if root.get("type").and_then(Value::as_str) != Some("object") {
        out.push(Violation::new(
            "",
            "the root schema is not `\"type\": \"object\"`",
            "MCP clients require an object at the root; wrap the value in an object",
        ));
    }
    for keyword in ["oneOf", "anyOf", "allOf"] {
        if root.contains_key(keyword) {
            out.push(Violation::new(
                &format!("/{keyword}"),
                format!("`{keyword}` at the root"),
                "Anthropic and OpenAI reject a root union; make the body one object \
                 (or take it as one `body` input)",
            ));
        }
    }
}

struct Walker<'a> {
    root: &'a Value,
    out: &'a mut Vec<Violation>,
    /// An input schema: its root properties are names the model writes.
    input: bool,
}

/// Keywords whose value is a list of subschemas.
const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to subschemas.
const MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

impl Walker<'_> {
    fn schema(&mut self, schema: &Value, pointer: &str) {
        let Value::Object(object) = schema else {
            return;
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            self.reference(reference, pointer);
        }
        let is_array = match object.get("type") {
            Some(Value::String(t)) => t == "array",
            Some(Value::Array(types)) => types.iter().any(|t| t == "array"),
            _ => false,
        };
        if is_array && !object.contains_key("items") && !object.contains_key("prefixItems") {
            self.out.push(Violation::new(
                pointer,
                "an array without `items`",
                "say what the array holds in the document (`items: {}` allows anything)",
            ));
        }
        for (keyword, value) in object {
            let at = child(pointer, keyword);
            // One subschema (or, for `items`, maybe a list): the front end's keyword list.
            if SINGLE.contains(&keyword.as_str()) {
                match value {
                    Value::Array(list) => self.list(list, &at),
                    other => self.schema(other, &at),
                }
            } else if LIST.contains(&keyword.as_str()) {
                if let Value::Array(list) = value {
                    self.list(list, &at);
                }
            } else if MAP.contains(&keyword.as_str())
                && let Value::Object(map) = value
            {
                for (name, subschema) in map {
                    let at = child(&at, name);
                    // Only the tool's own inputs: nested names are the provider's wire names,
                    // which no setting can rename, and the documented limit is on parameters.
                    let input = self.input && keyword == "properties" && pointer.is_empty();
                    if input && !naming::is_valid_input_name(name) {
                        self.out.push(Violation::new(
                            &at,
                            format!(
                                "property name `{name}` does not match ^[a-zA-Z0-9_.-]{{1,64}}$"
                            ),
                            "rename the input (`params.X.name`), or hide it (`params.X.fixed`)",
                        ));
                    }
                    self.schema(subschema, &at);
                }
            }
        }
    }

    fn list(&mut self, list: &[Value], pointer: &str) {
        for (i, item) in list.iter().enumerate() {
            self.schema(item, &format!("{pointer}/{i}"));
        }
    }

    fn reference(&mut self, reference: &str, pointer: &str) {
        let resolved = reference
            .strip_prefix('#')
            .and_then(|target| self.root.pointer(target));
        if resolved.is_none() {
            self.out.push(Violation::new(
                &child(pointer, "$ref"),
                format!("`$ref` `{reference}` does not resolve inside the schema"),
                "this is a generator bug (references are inlined or kept in `$defs`); \
                 please report it with the document",
            ));
        }
    }
}

/// Every tool of the module against the client rules (the budget aside, see `budget.rs`),
/// each problem naming the allowlist's `[[tool]]` and the schema pointer.
pub(crate) fn check_api(api: &Api, allowlist: &Allowlist) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for (index, tool) in api.tools.iter().enumerate() {
        let name = check_tool_name(&tool.name).map(|v| ("input", v));
        let inputs = check(&tool.schemas.input, None, true)
            .into_iter()
            .map(|v| ("input", v));
        let outputs = tool
            .schemas
            .output
            .iter()
            .flat_map(|json| check_output_schema(json))
            .map(|v| ("output", v));
        for (which, violation) in name.into_iter().chain(inputs).chain(outputs) {
            let at = if violation.pointer.is_empty() {
                "the root".to_owned()
            } else {
                format!("`{}`", violation.pointer)
            };
            diagnostics.push(
                Diagnostic::new(
                    Location::key(&allowlist.path, format!("tool[{index}]")),
                    format!(
                        "the {which} schema of `{}` breaks a client rule at {at}: {}",
                        tool.name, violation.message
                    ),
                )
                .help(violation.help),
            );
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers(json: &str, max: usize) -> Vec<String> {
        check_schema(json, max)
            .into_iter()
            .map(|v| format!("{} {}", v.pointer, v.message))
            .collect()
    }

    #[test]
    fn a_good_schema_passes() {
        let json = r##"{"type":"object","properties":{"a.b-c_d":{"type":"array","items":{"$ref":"#/$defs/X"}}},"$defs":{"X":{"type":"string"}}}"##;
        assert_eq!(pointers(json, SCHEMA_MAX_BYTES), Vec::<String>::new());
    }

    #[test]
    fn each_rule_reports_its_pointer() {
        let json = r##"{"type":"object","anyOf":[{"type":"object"}],"properties":{"bad name":{"type":"object","properties":{"nested ok":{}}},"list":{"type":["array","null"]},"r":{"$ref":"#/$defs/Missing"},"o":{"type":"object","properties":{"x":{"items":[{"type":"array"}]}}}}}"##;
        let got = pointers(json, 50);
        let want = [
            " the schema is",
            "/anyOf `anyOf` at the root",
            "/properties/bad name property name",
            "/properties/list an array without `items`",
            "/properties/r/$ref `$ref` `#/$defs/Missing`",
            "/properties/o/properties/x/items/0 an array without `items`",
        ];
        for want in want {
            assert!(
                got.iter().any(|g| g.starts_with(want)),
                "{want:?} not in {got:#?}"
            );
        }
        assert_eq!(got.len(), want.len(), "{got:#?}");
    }

    #[test]
    fn an_outputs_field_names_are_not_checked() {
        let json = r#"{"type":"object","properties":{"@odata.context":{"type":"string"}}}"#;
        assert_eq!(check_output_schema(json), Vec::new());
        assert_eq!(
            pointers(json, 1000),
            vec![
                "/properties/@odata.context property name `@odata.context` does not match ^[a-zA-Z0-9_.-]{1,64}$"
            ]
        );
    }

    #[test]
    fn the_root_must_be_an_object() {
        assert_eq!(
            pointers(r#"{"type":"array","items":{}}"#, 100),
            vec![" the root schema is not `\"type\": \"object\"`"]
        );
        assert_eq!(
            pointers("[]", 100),
            vec![" the root is not an object schema"]
        );
        assert!(check_tool_name("list_events").is_none());
        assert!(check_tool_name("calendar.events.list").is_some());
        assert!(check_tool_name(&"a".repeat(65)).is_some());
    }
}
