//! A provider's answer as a tool result: its text as the model should read it, the provider's
//! own failure signal (`ok: false`), structured content through the tool's output type, the
//! next page from `Link` headers; and the tool error every failure becomes.
//!
//! Invariant: what `tools/list` declares, every result honours: a tool with an output schema
//! answers structured content that fits it, or a tool error, never a success without it.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Map, Value};

use crate::alter::error_text::display_name;
use crate::alter::response::ProviderResponse;
use crate::env::MAX_RESPONSE_ENV;
use crate::request::{ProviderRequest, scalar_to_string};
use crate::tool::output::OutputFn;
use crate::tool::paging::PageLinks;
use crate::tool::{ResponseRule, ToolDef};

/// A tool error: a result with `isError: true` whose text the model reads.
pub(crate) fn tool_error(text: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// The answer's `Link` headers, read against the URL the request went to (a relative next
/// link is relative to it), for tools with an output type; empty otherwise.
pub(crate) fn page_links(
    def: &ToolDef,
    request: &ProviderRequest,
    response: &ProviderResponse,
) -> PageLinks {
    if def.output.is_none() || response.header("link").is_none() {
        return PageLinks::default();
    }
    match crate::alter::retrieve::provider_url(request) {
        Ok(url) => PageLinks::new(response.headers(), &url),
        Err(_) => PageLinks::default(),
    }
}

/// A provider answer below 400 as a tool result; [`ResponseRule::OkField`] can still make it
/// an error (Slack's `200 {"ok": false, "error": "channel_not_found"}`).
pub(crate) fn provider_result(
    def: &ToolDef,
    response: &ProviderResponse,
    links: &PageLinks,
) -> CallToolResult {
    let text = body_text(def, response);
    if let ResponseRule::OkField {
        ok_field,
        error_field,
    } = def.response
        && let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(response.body())
        && body.get(ok_field) == Some(&Value::Bool(false))
    {
        let reason = body
            .get(error_field)
            .map(scalar_to_string)
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "unknown_error".to_owned());
        tracing::info!(tool = def.name, reason, "provider reported failure");
        let provider = display_name(def.provider);
        return tool_error(format!("{provider} error: {reason}\n{text}"));
    }
    match def.output {
        Some(output) => structured_result(def, output.read, response, links, text),
        None => CallToolResult::success(vec![ContentBlock::text(text)]),
    }
}

/// A successful answer of a tool with an output type: `structuredContent` plus the same JSON
/// as text (for clients that read only text). An empty body is `{}` (no output schema
/// requires a field at its root); an answer that is not JSON, or does not fit the type, is a
/// tool error that still carries the provider's text (`text`), never a result whose
/// structured content would break the schema.
pub(crate) fn structured_result(
    def: &ToolDef,
    output: OutputFn,
    response: &ProviderResponse,
    links: &PageLinks,
    text: String,
) -> CallToolResult {
    let provider = display_name(def.provider);
    if response.body().iter().all(u8::is_ascii_whitespace) {
        let mut result = CallToolResult::structured(Value::Object(Map::new()));
        result.content = vec![ContentBlock::text(text)];
        return result;
    }
    let answer = match serde_json::from_slice::<Value>(response.body()) {
        Ok(answer) => answer,
        Err(_) if response.is_truncated() => {
            // A cut answer cannot be structured output, and the MCP spec forbids a success
            // without it when the tool declares a schema: an error the model can act on,
            // with the part that arrived.
            tracing::info!(tool = def.name, "provider answer cut at the size limit");
            return tool_error(format!(
                "{provider}'s answer was larger than the response limit and was cut, so it \
                 cannot be returned as structured output. Narrow the request (fewer fields, a \
                 smaller page, a filter) and call again. The part that arrived:\n{text}"
            ));
        }
        Err(error) => {
            tracing::info!(tool = def.name, %error, "provider answer is not JSON");
            return tool_error(format!(
                "{provider} answered HTTP {} with a body that is not JSON ({error}); the tool \
                 promises structured output, so here is the answer as text:\n{text}",
                response.status()
            ));
        }
    };
    match output(answer, links) {
        Ok(structured) => {
            let mut result = CallToolResult::structured(structured);
            if response.is_truncated() {
                result.content.push(ContentBlock::text(
                    "[Alter truncated this response; narrow the request to see all of it.]",
                ));
            }
            result
        }
        Err(error) => {
            tracing::info!(tool = def.name, %error, "provider answer does not fit the output type");
            tool_error(format!(
                "{provider}'s answer does not fit the tool's output schema {error}. The \
                 provider's document may be out of date; the answer as text:\n{text}"
            ))
        }
    }
}

/// The provider body as the model should read it: the JSON text as returned.
fn body_text(def: &ToolDef, response: &ProviderResponse) -> String {
    let provider = display_name(def.provider);
    let mut text = match response.text() {
        Some("") => format!(
            "{provider} answered HTTP {} with an empty body.",
            response.status()
        ),
        Some(text) => text.to_owned(),
        None => format!(
            "{provider} answered HTTP {} with {} bytes of non-text data ({}).",
            response.status(),
            response.body().len(),
            response.header("content-type").unwrap_or("unknown type")
        ),
    };
    if response.is_truncated() {
        // The model reads this note: say where the cut is and how to get a smaller answer.
        text.push_str(&format!(
            "\n[…truncated at {} bytes (the response limit, {MAX_RESPONSE_ENV}); narrow the \
             request (fewer fields, smaller page). The text above is incomplete and may not \
             parse as JSON.]",
            response.body().len()
        ));
    }
    text
}

#[cfg(test)]
mod tests;
