//! Tool results of provider answers: the provider's own failure signal, bodies described,
//! structured content through the output type.

use rmcp::model::CallToolResult;

use super::*;
use crate::mcp::test_support::{slack_def, text};
use crate::tool::output::{OutputDef, ToolOutput, output};

const SLACK: ToolDef = slack_def("post_message", "{}");

/// The tool result of an answer without `Link` headers.
fn result_of(def: &ToolDef, response: &ProviderResponse) -> CallToolResult {
    provider_result(def, response, &PageLinks::default())
}

fn answer(status: u16, body: &str, truncated: bool) -> ProviderResponse {
    let headers = vec![("content-type".into(), "image/png".into())];
    ProviderResponse::new(status, headers, body.as_bytes().to_vec(), truncated)
}

#[test]
fn ok_field_false_is_a_tool_error() {
    let body = r#"{"ok":false,"error":"channel_not_found"}"#;
    let result = result_of(&SLACK, &answer(200, body, false));
    assert_eq!(result.is_error, Some(true));
    assert_eq!(
        text(&result),
        format!("Slack error: channel_not_found\n{body}")
    );
    let ok = result_of(&SLACK, &answer(200, r#"{"ok":true,"ts":"1.2"}"#, false));
    assert_eq!(ok.is_error, Some(false));
    assert_eq!(text(&ok), r#"{"ok":true,"ts":"1.2"}"#);
    let odd = result_of(&SLACK, &answer(200, r#"{"ok":false}"#, false));
    assert!(text(&odd).starts_with("Slack error: unknown_error"));
}

#[test]
fn http_status_rule_ignores_ok_field_and_bodies_are_described() {
    let google = ToolDef {
        provider: "google",
        response: ResponseRule::HttpStatus,
        ..SLACK
    };
    let result = result_of(&google, &answer(200, r#"{"ok":false}"#, false));
    assert_eq!(result.is_error, Some(false));
    let empty = result_of(&google, &answer(204, "", false));
    assert_eq!(text(&empty), "Google answered HTTP 204 with an empty body.");
    let binary = ProviderResponse::new(200, vec![], vec![0xff, 0x00], false);
    assert!(text(&result_of(&google, &binary)).contains("2 bytes of non-text data"));
    let cut = result_of(&google, &answer(200, "[1,", true));
    assert!(
        text(&cut).starts_with(
            "[1,\n[…truncated at 3 bytes (the response limit, ALTER_MCP_MAX_RESPONSE_BYTES)"
        ),
        "{}",
        text(&cut)
    );
    assert!(text(&cut).contains("narrow the request (fewer fields, smaller page)"));
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Posted {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ts: Option<String>,
}

impl ToolOutput for Posted {}

const POSTED_SCHEMA: &str =
    r#"{"type":"object","properties":{"ts":{"type":"string"}},"additionalProperties":false}"#;

fn typed() -> ToolDef {
    ToolDef {
        output: Some(OutputDef {
            schema: POSTED_SCHEMA,
            read: output::<Posted>,
        }),
        ..SLACK
    }
}

#[test]
fn typed_outputs_are_structured_and_misfits_are_errors() {
    let def = typed();
    let ok = result_of(&def, &answer(200, r#"{"ok":true,"ts":"1.2"}"#, false));
    assert_eq!(ok.is_error, Some(false));
    assert_eq!(
        ok.structured_content,
        Some(serde_json::json!({"ts": "1.2"}))
    );
    assert_eq!(text(&ok), r#"{"ts":"1.2"}"#);
    // The ok-field rule still comes first.
    let failed = result_of(&def, &answer(200, r#"{"ok":false,"error":"x"}"#, false));
    assert_eq!(failed.is_error, Some(true));
    assert_eq!(failed.structured_content, None);
    let misfit = result_of(&def, &answer(200, r#"{"ok":true,"ts":12}"#, false));
    assert_eq!(misfit.is_error, Some(true));
    assert_eq!(misfit.structured_content, None);
    let message = text(&misfit);
    assert!(message.contains("at `ts`"), "{message}");
    assert!(message.ends_with(r#"{"ok":true,"ts":12}"#), "{message}");
    let html = result_of(&def, &answer(200, "<html>", false));
    assert_eq!(html.is_error, Some(true));
    assert!(text(&html).contains("not JSON"));
    let empty = result_of(&def, &answer(200, "", false));
    assert_eq!(empty.is_error, Some(false));
    assert_eq!(empty.structured_content, Some(serde_json::json!({})));
}
