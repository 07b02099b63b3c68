//! What is checked before anything is sent, in either mode (and in a dry run, which shows what
//! a real call would do): the request is complete, sets no header Alter owns, and in proxy mode
//! has a body the proxy can carry. A request refused here reaches no one.

use super::agent::Mode;
use super::error::Error;
use crate::env::MODE_ENV;
use crate::request::ProviderRequest;

/// Extra header names a tool may never set: Alter owns credentials and routing (§4).
const RESERVED_HEADERS: [&str; 18] = [
    "host",
    "authorization",
    "proxy-authorization",
    "authentication",
    "cookie",
    "set-cookie",
    "x-api-key",
    "x-auth-token",
    "x-amz-security-token",
    "x-amz-date",
    "x-amz-content-sha256",
    "x-goog-authorization",
    "x-goog-iam-authorization-token",
    "x-stripe-account",
    "x-shopify-access-token",
    "x-http-method",
    "x-http-method-override",
    "x-method-override",
];

/// The checks made before anything is sent in `mode`: the request is complete, sets no header
/// Alter owns, and (proxy) has a body the proxy can carry.
pub(crate) fn preflight(mode: Mode, request: &ProviderRequest) -> Result<(), Error> {
    request.validate().map_err(Error::invalid_request)?;
    if let Some((name, _)) = request
        .headers()
        .iter()
        .find(|(name, _)| RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
    {
        return Err(Error::invalid_request(format!(
            "header `{name}` is reserved for Alter and cannot be set by a tool"
        )));
    }
    match mode {
        Mode::Proxy => proxy_can_carry(request),
        Mode::Retrieve => Ok(()),
    }
}

/// `/sdk/proxy` carries a JSON `body` only (§4): a form, multipart, text or binary body is
/// refused before anything is sent, rather than silently sent as JSON to an API that expects
/// something else.
fn proxy_can_carry(request: &ProviderRequest) -> Result<(), Error> {
    let Some((media_type, content)) = request.non_json_body() else {
        return Ok(());
    };
    let alternative = match content {
        // Bytes, text of another type or files: only this process can send them.
        true => ", where the runtime calls the provider itself",
        false => {
            ", or set `body_encoding = \"json\"` for this tool in the allowlist if the \
                  API also accepts JSON"
        }
    };
    Err(Error::invalid_request(format!(
        "this tool sends a `{media_type}` body, but Alter's proxy forwards JSON bodies only; \
         run the server with {MODE_ENV}=retrieve{alternative}"
    )))
}
