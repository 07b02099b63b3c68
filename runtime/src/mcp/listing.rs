//! What `tools/list` shows of a tool: its rmcp description (name, title, description,
//! annotations, input and output schemas), made from its [`ToolDef`] at start-up, with the
//! checks MCP clients rely on (name syntax, object schemas), and again for each `tools/list`.

use std::borrow::Cow;
use std::sync::Arc;

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::Value;

use crate::alter::error::Error;
use crate::tool::ToolDef;

/// The rmcp description of one tool, its schemas parsed from their texts.
pub(super) fn rmcp_tool(def: &'static ToolDef) -> Result<Tool, Error> {
    let valid_name = (1..=64).contains(&def.name.len())
        && def
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid_name {
        return Err(Error::config(format!(
            "tool name {:?} must match ^[a-zA-Z0-9_-]{{1,64}}$",
            def.name
        )));
    }
    let schema = object_schema(def.name, "input_schema", def.input_schema)?;
    let output_schema = match def.output {
        Some(output) => Some(object_schema(def.name, "output schema", output.schema)?),
        None => None,
    };
    let a = def.annotations;
    let title = (!def.title.is_empty()).then(|| def.title.to_owned());
    let annotations = ToolAnnotations::from_raw(
        title.clone(),
        Some(a.read_only),
        Some(a.destructive),
        Some(a.idempotent),
        Some(a.open_world),
    );
    let description = (!def.description.is_empty()).then_some(Cow::Borrowed(def.description));
    let mut tool =
        Tool::new_with_raw(def.name, description, Arc::new(schema)).with_annotations(annotations);
    if let Some(title) = title {
        tool = tool.with_title(title);
    }
    if let Some(schema) = output_schema {
        tool = tool.with_raw_output_schema(Arc::new(schema));
    }
    Ok(tool)
}

/// A schema text that must be a JSON object with `"type": "object"` (MCP requires it of input
/// schemas, and clients of the 2025 protocol drop other output schemas).
fn object_schema(tool: &str, field: &str, text: &str) -> Result<JsonObject, Error> {
    let schema: Value = serde_json::from_str(text)
        .map_err(|e| Error::config(format!("tool `{tool}`: {field} is not JSON: {e}")))?;
    let Value::Object(schema) = schema else {
        return Err(Error::config(format!(
            "tool `{tool}`: {field} is not a JSON object"
        )));
    };
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        return Err(Error::config(format!(
            "tool `{tool}`: {field} must have \"type\": \"object\""
        )));
    }
    Ok(schema)
}
