//! The Markdown catalog written beside each module: what a person granting access reads
//! (tools, what they do, their inputs, annotations, which may need approval, the OAuth scopes)
//! and how to register the server. Rendered with `minijinja` from `catalog.md.jinja`, from the
//! finished [`Api`] and the same input schemas the module holds.

use std::path::Path;

use minijinja::Environment;
use serde::Serialize;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::{Api, Tool};

const TEMPLATE: &str = include_str!("catalog.md.jinja");

#[derive(Serialize)]
struct CatalogContext<'a> {
    provider: &'a str,
    scopes: &'a [String],
    tools: Vec<ToolEntry<'a>>,
    destructive: Vec<String>,
}

#[derive(Serialize)]
struct ToolEntry<'a> {
    name: &'a str,
    title: &'a str,
    description: &'a str,
    method: &'static str,
    operation: &'a str,
    read_only: bool,
    destructive: bool,
    idempotent: bool,
    hints: Vec<&'static str>,
    scopes: &'a [String],
    /// What the document lists (any one alternative), when it is not just the pick: `a`,
    /// `b + c`.
    accepted: Vec<String>,
    params: Vec<ParamEntry>,
    /// The body's media type when only retrieve mode can send it.
    retrieve_only: Option<String>,
}

#[derive(Serialize)]
struct ParamEntry {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    required: bool,
    description: Option<String>,
    default: Option<String>,
}

/// The catalog's Markdown; an error only if the built-in template fails (a generator bug).
pub fn render(api: &Api, allowlist: &Path) -> Result<String, Diagnostics> {
    let context = CatalogContext {
        provider: &api.provider,
        scopes: &api.scopes,
        tools: api.tools.iter().map(entry).collect(),
        destructive: api
            .tools
            .iter()
            .filter(|t| t.annotations.destructive)
            .map(|t| format!("`{}`", t.name))
            .collect(),
    };
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("cell", |text: String| {
        text.replace('|', "\\|").replace('\n', " ")
    });
    env.add_filter("oneline", |text: String| {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    });
    env.add_filter("yes", |flag: bool| if flag { "yes" } else { "no" });
    env.render_str(TEMPLATE, minijinja::value::Serde(&context))
        .map_err(|error| {
            Diagnostic::new(
                Location::file(allowlist),
                format!("the tool catalog does not render: {error}"),
            )
            .help("this is a generator bug; please report it with the allowlist")
            .into()
        })
}

fn entry(tool: &Tool) -> ToolEntry<'_> {
    let a = tool.annotations;
    let mut hints = Vec::new();
    hints.push(if a.read_only { "read-only" } else { "writes" });
    if a.destructive {
        hints.push("destructive");
    }
    if a.idempotent {
        hints.push("idempotent");
    }
    hints.push(if a.open_world {
        "open world"
    } else {
        "closed world"
    });
    ToolEntry {
        name: &tool.name,
        title: &tool.title,
        description: &tool.description,
        method: tool.method.as_str(),
        operation: &tool.operation_id,
        read_only: a.read_only,
        destructive: a.destructive,
        idempotent: a.idempotent,
        hints,
        scopes: &tool.scopes,
        accepted: if tool.security != [tool.scopes.clone()] && !tool.security.is_empty() {
            tool.security.iter().map(|a| a.join(" + ")).collect()
        } else {
            Vec::new()
        },
        params: params(&tool.schemas.input),
        retrieve_only: crate::warnings::retrieve_only(tool).map(|(t, _)| t.to_owned()),
    }
}

/// The top-level properties of an input schema, in its order.
fn params(schema: &str) -> Vec<ParamEntry> {
    let Ok(schema) = serde_json::from_str::<Value>(schema) else {
        return Vec::new();
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| ParamEntry {
            name: name.clone(),
            ty: type_label(property),
            required: required.contains(&name.as_str()),
            description: property["description"].as_str().map(str::to_owned),
            default: property
                .get("default")
                .filter(|d| !d.is_null())
                .map(Value::to_string),
        })
        .collect()
}

/// `string`, `integer or null`, `array of string`, `Event` (a `$ref`), `any`, `base64 bytes`,
/// `file`.
fn type_label(schema: &Value) -> String {
    if schema["contentEncoding"] == "base64" {
        return "base64 bytes".to_owned();
    }
    if schema["properties"]["content"]["contentEncoding"] == "base64" {
        return "file: base64 `content`, `filename`, `content_type`".to_owned();
    }
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(branches) = schema[keyword].as_array() {
            let labels: Vec<String> = branches.iter().map(type_label).collect();
            return labels.join(" or ");
        }
    }
    let label = |ty: &str| match ty {
        "array" => format!("array of {}", type_label(&schema["items"])),
        other => other.to_owned(),
    };
    match &schema["type"] {
        Value::String(ty) => label(ty),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .map(label)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_types_and_reads_properties_in_order() {
        let schema = r##"{"type":"object","required":["b"],"properties":{
            "b":{"type":"array","items":{"$ref":"#/$defs/Item"},"description":"Bs."},
            "a":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null},
            "c":{"type":["integer","null"],"default":10}}}"##;
        let params = params(schema);
        let got: Vec<(String, String, bool, Option<String>)> = params
            .into_iter()
            .map(|p| (p.name, p.ty, p.required, p.default))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a".into(), "string or null".into(), false, None),
                ("b".into(), "array of Item".into(), true, None),
                (
                    "c".into(),
                    "integer or null".into(),
                    false,
                    Some("10".into())
                ),
            ]
        );
    }
}
