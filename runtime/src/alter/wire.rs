//! JSON shapes of the `/sdk/*` request bodies we send and the answers we accept (protocol §3,
//! §4, §7), with the SDK's validation rules.
//!
//! Invariant: request bodies are serde structs whose field order is the wire order; answers are
//! read from `serde_json::Value` by hand so that every rule (and its error message naming the
//! field) is explicit. A rule broken by the backend is a `MalformedResponse`, never a panic.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::Error;

/// `POST /sdk/token` body, provider mode: `provider_id`, `reason`, `request`, then
/// `user_token` only when set (§3, §9).
#[derive(Serialize)]
pub(crate) struct TokenRequest<'a> {
    pub provider_id: &'a str,
    /// Always present; `null` because tools give no reason.
    pub reason: Option<&'a str>,
    pub request: TokenTarget<'a>,
    /// The end user's identity token (a credential: not in `Debug`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_token: Option<&'a str>,
}

impl fmt::Debug for TokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("provider_id", &self.provider_id)
            .field("request", &self.request)
            .field("user_token", &self.user_token.map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct TokenTarget<'a> {
    pub method: &'a str,
    /// The provider URL without its query.
    pub url: &'a str,
}

/// `POST /sdk/proxy` body; `None`/empty fields are omitted, as the SDK does (§4 order:
/// `method`, `url`, `provider_id`, `user_token`, `body`, `headers`, `query_params`).
#[derive(Serialize)]
pub(crate) struct ProxyRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub provider_id: &'a str,
    /// The end user's identity token (a credential: not in `Debug`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<&'a Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<&'a str, &'a str>,
    /// Values as JSON (`{"maxResults":3}`, arrays as arrays).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub query_params: Map<String, Value>,
}

impl fmt::Debug for ProxyRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("provider_id", &self.provider_id)
            .field("user_token", &self.user_token.map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl<'a> ProxyRequest<'a> {
    /// The proxy body for `request` through the grant of `provider`.
    pub(crate) fn new(provider: &'a str, request: &'a crate::request::ProviderRequest) -> Self {
        ProxyRequest {
            method: request.method().as_str(),
            url: request.url(),
            provider_id: provider,
            user_token: None,
            body: request.json_body(),
            headers: request
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            query_params: query_map(request.query_params()),
        }
    }
}

/// Query parameters as the proxy's `query_params` object; a repeated name becomes an array.
pub(crate) fn query_map(params: &[(String, Value)]) -> Map<String, Value> {
    let mut map = Map::new();
    for (name, value) in params {
        match map.get_mut(name) {
            None => {
                map.insert(name.clone(), value.clone());
            }
            Some(Value::Array(items)) => items.push(value.clone()),
            Some(existing) => *existing = Value::Array(vec![existing.take(), value.clone()]),
        }
    }
    map
}

/// `POST /sdk/oauth/audit/api-call` body (§3 step 3), fields in wire order.
#[derive(Debug, Serialize)]
pub(crate) struct AuditRow {
    pub grant_id: String,
    pub provider_id: String,
    pub token_generation: Option<String>,
    pub method: String,
    pub url: String,
    pub request_headers: BTreeMap<String, String>,
    pub request_body: Option<Value>,
    pub response_status: u16,
    pub response_headers: BTreeMap<String, String>,
    pub response_body: String,
    pub latency_ms: u64,
    pub reason: Option<String>,
    pub context: Option<Value>,
}

/// A validated `/sdk/token` answer (§3 table). Only the fields a call uses are kept.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Token {
    access_token: String,
    pub grant_id: String,
    pub provider_id: String,
    pub token_generation: Option<String>,
    pub scope_mismatch: bool,
    pub injection_header: String,
    injection_format: String,
}

impl Token {
    /// `injection_format` with its first `{token}` replaced by the access token.
    pub fn header_value(&self) -> String {
        self.injection_format
            .replacen("{token}", &self.access_token, 1)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"<redacted>")
            .field("grant_id", &self.grant_id)
            .field("provider_id", &self.provider_id)
            .field("injection_header", &self.injection_header)
            .finish_non_exhaustive()
    }
}

/// Header names a token may not be injected into (hop-by-hop and security headers).
const FORBIDDEN_INJECTION_HEADERS: [&str; 22] = [
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "cookie",
    "set-cookie",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
    "x-http-method-override",
    "x-method-override",
    "www-authenticate",
    "strict-transport-security",
    "content-security-policy",
];

/// Decodes and validates a 200 answer of `/sdk/token`.
pub(crate) fn parse_token(body: &[u8]) -> Result<Token, Error> {
    let what = "token response";
    let value = parse_object(body, what)?;
    let obj = Fields { map: &value, what };
    let access_token = obj.required_str("access_token")?;
    if access_token.is_empty() || has_control(access_token) {
        return Err(obj.invalid("access_token"));
    }
    let grant_id = obj.required_str("grant_id")?;
    if !is_canonical_uuid(grant_id) {
        return Err(obj.invalid("grant_id"));
    }
    let token_generation = obj.optional_str("token_generation")?;
    if token_generation.is_some_and(|t| !is_canonical_uuid(t)) {
        return Err(obj.invalid("token_generation"));
    }
    match value.get("expires_in") {
        None | Some(Value::Null) => {}
        Some(v) if v.as_u64().is_some() => {}
        Some(_) => return Err(obj.invalid("expires_in")),
    }
    if obj
        .optional_str("expires_at")?
        .is_some_and(|t| !is_rfc3339(t))
    {
        return Err(obj.invalid("expires_at"));
    }
    match value.get("scopes") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items))
            if items
                .iter()
                .all(|s| s.as_str().is_some_and(|s| !s.trim().is_empty())) => {}
        Some(_) => return Err(obj.invalid("scopes")),
    }
    let (injection_header, injection_format) = injection(&obj)?;
    Ok(Token {
        access_token: access_token.to_owned(),
        grant_id: grant_id.to_owned(),
        provider_id: obj.optional_str("provider_id")?.unwrap_or("").to_owned(),
        token_generation: token_generation.map(str::to_owned),
        scope_mismatch: obj.optional_bool("scope_mismatch")?.unwrap_or(false),
        injection_header: injection_header.to_owned(),
        injection_format: injection_format.to_owned(),
    })
}

/// The header name and value template the token goes into (§3 table).
fn injection<'a>(obj: &Fields<'a>) -> Result<(&'a str, &'a str), Error> {
    let injection_header = match obj.map.get("injection_header") {
        None => "Authorization",
        Some(v) => v.as_str().ok_or_else(|| obj.invalid("injection_header"))?,
    };
    if !is_injectable_header(injection_header) {
        return Err(obj.invalid("injection_header"));
    }
    let injection_format = match obj.map.get("injection_format") {
        None => "Bearer {token}",
        Some(v) => v.as_str().ok_or_else(|| obj.invalid("injection_format"))?,
    };
    if injection_format.starts_with("AWS4-HMAC-SHA256") {
        return Err(Error::malformed(
            "the provider needs AWS SigV4 signing, which retrieve mode does not support; use proxy mode",
        ));
    }
    if injection_format.chars().count() > 200
        || has_control(injection_format)
        || !injection_format.contains("{token}")
    {
        return Err(obj.invalid("injection_format"));
    }
    Ok((injection_header, injection_format))
}

/// A 200 answer of `/sdk/proxy`: what the provider answered, relayed by Alter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApprovalResult {
    pub status_code: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub body_truncated: bool,
    pub credential_hint: Option<String>,
}

/// Decodes and validates an `ApprovalResult` (§4).
pub(crate) fn parse_approval_result(body: &[u8]) -> Result<ApprovalResult, Error> {
    let what = "proxy result";
    let value = parse_object(body, what)?;
    let obj = Fields { map: &value, what };
    let status_code = value
        .get("status_code")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| obj.invalid("status_code"))?;
    let headers = match value.get("headers") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| obj.invalid("headers"))?,
        Some(_) => return Err(obj.invalid("headers")),
    };
    let body_b64 = obj.required_str("body_b64")?;
    let body = base64::engine::general_purpose::STANDARD
        .decode(body_b64)
        .map_err(|_| obj.invalid("body_b64"))?;
    match value.get("duration_ms") {
        None | Some(Value::Null) => {}
        Some(v) if v.is_i64() || v.is_u64() => {}
        Some(_) => return Err(obj.invalid("duration_ms")),
    }
    Ok(ApprovalResult {
        status_code,
        headers,
        body,
        body_truncated: obj.optional_bool("body_truncated")?.unwrap_or(false),
        credential_hint: obj
            .optional_str("credential_hint")?
            .filter(|h| !h.trim().is_empty())
            .map(str::to_owned),
    })
}

/// A proxy call that waits for a human decision (202, §7). Alter runs the call once it is
/// approved; `approval_url` is the link to show the approver.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PendingApproval {
    /// The id to poll (`GET /sdk/approvals/{approval_id}`).
    pub approval_id: String,
    /// The group of gates that must all approve.
    pub approval_group_id: String,
    /// Deep link for the human approver.
    pub approval_url: String,
    /// RFC 3339 time when the approval window closes.
    pub expires_at: String,
    /// Seconds until `expires_at`.
    pub expires_in: i64,
    /// One entry per distinct approver set (N-of-N); always at least one.
    pub gates: Vec<ApprovalGate>,
}

/// One approver gate of a [`PendingApproval`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApprovalGate {
    /// This gate's approval id.
    pub approval_id: String,
    /// Deep link for this gate's approver.
    pub approval_url: String,
    /// Seconds until this gate expires.
    pub expires_in: i64,
}

/// Decodes and validates a 202 answer of `/sdk/proxy`.
pub(crate) fn parse_pending(body: &[u8]) -> Result<PendingApproval, Error> {
    let what = "pending approval";
    let value = parse_object(body, what)?;
    let obj = Fields { map: &value, what };
    if obj.required_str("status")? != "pending" {
        return Err(obj.invalid("status"));
    }
    let (approval_id, approval_url, expires_in) = gate_fields(&obj)?;
    let approval_group_id = obj.required_str("approval_group_id")?;
    if !is_uuid(approval_group_id) {
        return Err(obj.invalid("approval_group_id"));
    }
    let Some(Value::Array(raw_gates)) = value.get("gates") else {
        return Err(obj.invalid("gates"));
    };
    let mut gates = Vec::with_capacity(raw_gates.len());
    for gate in raw_gates {
        let Value::Object(map) = gate else {
            return Err(obj.invalid("gates"));
        };
        let (approval_id, approval_url, expires_in) = gate_fields(&Fields { map, what })?;
        gates.push(ApprovalGate {
            approval_id,
            approval_url,
            expires_in,
        });
    }
    if gates.is_empty() {
        return Err(obj.invalid("gates"));
    }
    Ok(PendingApproval {
        approval_id,
        approval_group_id: approval_group_id.to_owned(),
        approval_url,
        expires_at: obj.required_str("expires_at")?.to_owned(),
        expires_in,
        gates,
    })
}

/// The fields a pending approval and each of its gates share.
fn gate_fields(obj: &Fields<'_>) -> Result<(String, String, i64), Error> {
    let approval_id = obj.required_str("approval_id")?;
    if !is_uuid(approval_id) {
        return Err(obj.invalid("approval_id"));
    }
    let approval_url = obj.required_str("approval_url")?;
    if approval_url.is_empty() {
        return Err(obj.invalid("approval_url"));
    }
    // Checked for presence only: the SDK's datetime parsing is lenient, and refusing the
    // answer would hide the approval link from the user.
    if obj.required_str("expires_at")?.is_empty() {
        return Err(obj.invalid("expires_at"));
    }
    let expires_in = match obj.map.get("expires_in") {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| obj.invalid("expires_in"))?;
    Ok((approval_id.to_owned(), approval_url.to_owned(), expires_in))
}

fn parse_object(body: &[u8], what: &str) -> Result<Map<String, Value>, Error> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::malformed(format!(
            "Alter returned a malformed {what}: not a JSON object"
        ))),
        Err(error) => Err(Error::malformed(format!(
            "Alter returned a malformed {what}: {error}"
        ))),
    }
}

/// Typed field access with errors that name the field (never its value: it may be a token).
struct Fields<'a> {
    map: &'a Map<String, Value>,
    what: &'a str,
}

impl Fields<'_> {
    fn invalid(&self, field: &str) -> Error {
        Error::malformed(format!(
            "Alter returned a {} with an invalid `{field}`",
            self.what
        ))
    }

    fn required_str(&self, field: &str) -> Result<&str, Error> {
        match self.map.get(field) {
            Some(Value::String(s)) => Ok(s),
            None => Err(Error::malformed(format!(
                "Alter returned a {} without `{field}`",
                self.what
            ))),
            Some(_) => Err(self.invalid(field)),
        }
    }

    fn optional_str(&self, field: &str) -> Result<Option<&str>, Error> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.invalid(field)),
        }
    }

    fn optional_bool(&self, field: &str) -> Result<Option<bool>, Error> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.invalid(field)),
        }
    }
}

fn has_control(text: &str) -> bool {
    text.contains(['\r', '\n', '\0'])
}

fn is_injectable_header(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= 60
        && bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !FORBIDDEN_INJECTION_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// `8-4-4-4-12` hex digits (or the 32 digits alone), either case.
pub(crate) fn is_uuid(text: &str) -> bool {
    if text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The canonical form: lower-case, hyphenated.
pub(crate) fn is_canonical_uuid(text: &str) -> bool {
    text.len() == 36 && is_uuid(text) && !text.bytes().any(|b| b.is_ascii_uppercase())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, checked by shape.
fn is_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return false;
        }
        rest = &fraction[end..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
