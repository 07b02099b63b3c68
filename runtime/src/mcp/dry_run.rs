//! Dry run (`ALTER_MCP_DRY_RUN=1`): a tool call answers with the exact request it would make
//! (the provider request, and what would go to Alter) instead of sending it. For people
//! checking a tool before trusting it, and for tests.
//!
//! Invariants:
//! - Nothing is sent, and no key is needed: this module does no I/O.
//! - No credential appears: the request a tool builds carries none (Alter injects it), and
//!   the agent key and signature headers are not shown.
//! - The same local checks as a real call run first, so a dry run that succeeds is a request
//!   the runtime would send.

use std::collections::BTreeMap;

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::approval::mode_for;
use crate::alter::agent::Mode;
use crate::alter::context::AuditContext;
use crate::alter::error::Error;
use crate::alter::preflight::preflight;
use crate::alter::retrieve::provider_url;
use crate::alter::wire::{ProxyRequest, TokenRequest, TokenTarget};
use crate::request::ProviderRequest;
use crate::tool::ToolDef;

/// Stands for the caller's bearer token in a dry run's Alter request.
const USER_TOKEN_PLACEHOLDER: &str = "<the caller's bearer token>";

use crate::env::DRY_RUN_ENV;

/// The multipart boundary shown in a dry run (a real call uses a fresh random one).
const BOUNDARY: &str = "alter-mcp-dry-run";

/// The longest non-JSON body shown as text.
const SHOWN_BODY: usize = 10_000;

/// The mode to dry-run in (from `ALTER_MCP_MODE`) when [`DRY_RUN_ENV`] asks for a dry run.
pub(crate) fn from_env() -> Result<Option<Mode>, Error> {
    let wanted = std::env::var(DRY_RUN_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
    if !wanted {
        return Ok(None);
    }
    match std::env::var(crate::env::MODE_ENV) {
        Ok(mode) if !mode.trim().is_empty() => mode.parse().map(Some),
        _ => Ok(Some(Mode::default())),
    }
}

/// The tool result of a dry run of `def` with `request`: JSON text, or the tool error a real
/// call would give before sending anything.
pub(crate) fn result(
    def: &ToolDef,
    request: &ProviderRequest,
    context: &AuditContext,
    configured: Mode,
    has_user: bool,
) -> CallToolResult {
    match render(def, request, context, configured, has_user) {
        Ok(value) => {
            let text = serde_json::to_string_pretty(&value).unwrap_or_else(|e| e.to_string());
            CallToolResult::success(vec![ContentBlock::text(text)])
        }
        Err(error) => CallToolResult::error(vec![ContentBlock::text(
            error.with_provider(def.provider).tool_message(),
        )]),
    }
}

/// The description of what a call would send. `has_user`: the call carries an end user's
/// token (HTTP mode), shown as a placeholder, never itself.
pub(crate) fn render(
    def: &ToolDef,
    request: &ProviderRequest,
    context: &AuditContext,
    configured: Mode,
    has_user: bool,
) -> Result<Value, Error> {
    let user_token = has_user.then_some(USER_TOKEN_PLACEHOLDER);
    let mode = mode_for(def, configured);
    preflight(mode, request)?;
    let context_header = context.to_header()?;
    let mut alter_headers = BTreeMap::from([("Content-Type", "application/json".to_owned())]);
    if let Some(header) = &context_header {
        alter_headers.insert("X-Alter-Context", header.clone());
    }
    let alter = match mode {
        Mode::Proxy => json!({
            "method": "POST",
            "path": "/sdk/proxy",
            "headers": alter_headers,
            "body": ProxyRequest {
                user_token,
                ..ProxyRequest::new(def.provider, request)
            },
        }),
        Mode::Retrieve => json!({
            "method": "POST",
            "path": "/sdk/token",
            "headers": alter_headers,
            "body": TokenRequest {
                provider_id: def.provider,
                reason: None,
                request: TokenTarget {
                    method: request.method().as_str(),
                    url: request.url(),
                },
                user_token,
            },
        }),
    };
    Ok(json!({
        "dry_run": true,
        "note": "Nothing was sent. Alter adds the provider credential; the agent key and the request signature are not shown.",
        "tool": def.name,
        "mode": match mode { Mode::Proxy => "proxy", Mode::Retrieve => "retrieve" },
        "provider_request": provider_request(request, mode)?,
        "alter_request": alter,
        "audit_context": context_json(context),
    }))
}

/// The request as the provider receives it (minus the credential).
fn provider_request(request: &ProviderRequest, mode: Mode) -> Result<Value, Error> {
    // In proxy mode Alter builds the URL; the query is shown the way retrieve mode encodes it.
    let url = match (provider_url(request), mode) {
        (Ok(url), _) => url.to_string(),
        (Err(error), Mode::Retrieve) => return Err(error),
        (Err(_), Mode::Proxy) => request.url().to_owned(),
    };
    let mut headers: BTreeMap<String, String> = request
        .headers()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let query: Vec<Value> = request
        .query_params()
        .iter()
        .map(|(name, value)| json!([name, value]))
        .collect();
    let mut out = json!({
        "method": request.method().as_str(),
        "url": url,
        "query": query,
    });
    let encoded = request
        .encode_body(BOUNDARY)
        .map_err(|e| Error::invalid_request(format!("the body cannot be encoded: {e}")))?;
    if let Some(encoded) = encoded {
        headers.insert("Content-Type".into(), encoded.content_type.clone());
        if request.non_json_body().is_none() {
            out["body"] = request.json_body().cloned().unwrap_or(Value::Null);
        } else {
            shown_bytes(&mut out, &encoded.bytes);
        }
    }
    out["headers"] = json!(headers);
    Ok(out)
}

/// A body that is not JSON: its text when it is short UTF-8 (a form, a note), else a
/// placeholder (the audit row's rule, protocol §3); its size and digest either way, so a file
/// can be checked without megabytes of base64 in the result.
fn shown_bytes(out: &mut Value, bytes: &[u8]) {
    out["body"] = Value::String(match std::str::from_utf8(bytes) {
        Ok(text) if bytes.len() <= SHOWN_BODY => text.to_owned(),
        _ => format!("<binary body: {} bytes>", bytes.len()),
    });
    out["body_bytes"] = json!(bytes.len());
    out["body_sha256"] = json!(crate::request::upload::sha256_hex(bytes));
}

fn context_json(context: &AuditContext) -> Value {
    let map = context
        .iter()
        .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
        .collect();
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Method;
    use crate::tool::{Annotations, ResponseRule};

    fn def(destructive: bool) -> ToolDef {
        fn build(_: crate::tool::Arguments) -> Result<ProviderRequest, crate::tool::ArgumentError> {
            unreachable!("not called")
        }
        ToolDef {
            name: "post_message",
            title: "",
            description: "",
            input_schema: "{}",
            provider: "slack",
            operation_id: "chat.postMessage",
            annotations: Annotations {
                destructive,
                ..Annotations::default()
            },
            response: ResponseRule::HttpStatus,
            build,
            output: None,
            spec_hash: "abc123abc123",
        }
    }

    #[test]
    fn shows_the_provider_request_and_the_proxy_body() {
        let mut request = ProviderRequest::new(Method::Post, "https://slack.com/api/{m}");
        request
            .path("m", "chat.postMessage")
            .query("as", vec!["a b", "c"])
            .header("X-Trace", "t1")
            .body_field("text", "hi");
        let context = AuditContext::for_tool("post_message");
        let value = render(&def(false), &request, &context, Mode::Proxy, false).unwrap();
        assert_eq!(value["mode"], "proxy");
        let provider = &value["provider_request"];
        assert_eq!(
            provider["url"],
            "https://slack.com/api/chat.postMessage?as=a+b&as=c"
        );
        assert_eq!(
            provider["headers"],
            json!({"Content-Type": "application/json", "X-Trace": "t1"})
        );
        assert_eq!(provider["body"], json!({"text": "hi"}));
        let alter = &value["alter_request"];
        assert_eq!(alter["path"], "/sdk/proxy");
        assert_eq!(
            alter["headers"]["X-Alter-Context"],
            r#"{"tool":"post_message"}"#
        );
        assert_eq!(
            alter["body"],
            json!({"method": "POST", "url": "https://slack.com/api/chat.postMessage", "provider_id": "slack",
                   "body": {"text": "hi"}, "headers": {"X-Trace": "t1"}, "query_params": {"as": ["a b", "c"]}})
        );
        let mut shown = value.clone();
        shown["note"] = Value::Null;
        let text = shown.to_string().to_ascii_lowercase();
        assert!(
            !text.contains("x-api-key") && !text.contains("x-alter-signature"),
            "{text}"
        );
    }

    #[test]
    fn retrieve_mode_shows_the_token_request_except_for_destructive_tools() {
        let request = ProviderRequest::new(Method::Get, "https://slack.com/api/x");
        let context = AuditContext::new();
        let value = render(&def(false), &request, &context, Mode::Retrieve, false).unwrap();
        assert_eq!(value["alter_request"]["path"], "/sdk/token");
        assert_eq!(
            value["alter_request"]["body"],
            json!({"provider_id": "slack", "reason": null, "request": {"method": "GET", "url": "https://slack.com/api/x"}})
        );
        let destructive = render(&def(true), &request, &context, Mode::Retrieve, false).unwrap();
        assert_eq!(destructive["mode"], "proxy");
        assert_eq!(destructive["alter_request"]["path"], "/sdk/proxy");
    }

    #[test]
    fn bytes_show_their_size_and_digest_not_their_base64() {
        let bytes: Vec<u8> = (0..=255).cycle().take(50_000).collect();
        let mut request = ProviderRequest::new(Method::Put, "https://h.example/blobs");
        request.body_bytes(
            crate::request::upload::Base64::new(bytes.clone()),
            "image/png",
        );
        let context = AuditContext::new();
        let value = render(&def(false), &request, &context, Mode::Retrieve, false).unwrap();
        let provider = &value["provider_request"];
        assert_eq!(provider["headers"]["Content-Type"], "image/png");
        assert_eq!(provider["body"], "<binary body: 50000 bytes>");
        assert_eq!(provider["body_bytes"], 50_000);
        assert_eq!(
            provider["body_sha256"],
            crate::request::upload::sha256_hex(&bytes).as_str()
        );
        assert!(value.to_string().len() < 4_000, "no base64 of the body");
        // Short text is shown as it is.
        let mut note = ProviderRequest::new(Method::Post, "https://h.example/notes");
        note.body_text("Hello".to_owned(), "text/plain");
        let value = render(&def(false), &note, &context, Mode::Retrieve, false).unwrap();
        assert_eq!(value["provider_request"]["body"], "Hello");
        // Proxy mode refuses it, as a real call would, before anything is shown as sent.
        let error = render(&def(false), &request, &context, Mode::Proxy, false).unwrap_err();
        assert!(
            error.message().contains("ALTER_MCP_MODE=retrieve"),
            "{error}"
        );
    }

    #[test]
    fn local_refusals_are_the_same_as_a_real_call() {
        let mut request = ProviderRequest::new(Method::Get, "https://h/x");
        request.header("Authorization", "Bearer x");
        let error = render(
            &def(false),
            &request,
            &AuditContext::new(),
            Mode::Proxy,
            false,
        )
        .unwrap_err();
        assert!(error.message().contains("reserved"), "{error}");
    }
}
