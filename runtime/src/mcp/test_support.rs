//! What the `mcp/` tests share: a Slack-like tool definition and a tool result's text.

use rmcp::model::CallToolResult;
use serde_json::Value;

use crate::request::{Method, ProviderRequest};
use crate::tool::{Annotations, ArgumentError, Arguments, ResponseRule, ToolDef};

/// Posts to Slack; refuses a `channel` that is not a string, as a typed input would.
fn build(args: Arguments) -> Result<ProviderRequest, ArgumentError> {
    match args.get("channel") {
        Some(Value::String(_)) | None => Ok(ProviderRequest::new(
            Method::Post,
            "https://slack.com/api/chat.postMessage",
        )),
        Some(_) => Err(ArgumentError {
            field: Some("channel".into()),
            message: "invalid type: number, expected a string".into(),
        }),
    }
}

/// A `chat.postMessage`-like tool named `name` with input schema `schema`: Slack's `ok`
/// field signals failure, and there is no output type.
pub(crate) const fn slack_def(name: &'static str, schema: &'static str) -> ToolDef {
    ToolDef {
        name,
        title: "Post a message",
        description: "Posts a message.",
        input_schema: schema,
        provider: "slack",
        operation_id: "chat.postMessage",
        annotations: Annotations {
            read_only: false,
            destructive: false,
            idempotent: false,
            open_world: true,
        },
        response: ResponseRule::OkField {
            ok_field: "ok",
            error_field: "error",
        },
        build,
        output: None,
        spec_hash: "0123456789ab",
    }
}

/// The text content of a tool result, one line per text item.
pub(crate) fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}
