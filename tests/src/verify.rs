//! Request authentication as alter-protocol.md §2 describes the real backend: the agent key,
//! timestamp window, nonce replay, body hash and the legacy / V2 HMAC signatures. The same
//! string building also signs requests for tests ([`crate::client::sign_headers`]), so both
//! directions share one definition that the §2.2 test vectors pin down.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use aws_lc_rs::hmac;
use hyper::HeaderMap;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::util::{hex, is_canonical_uuid, sha256_hex};

/// How far a request's `X-Alter-Timestamp` may be from the backend's clock (§10: ±300 s).
pub const TIMESTAMP_TOLERANCE_SECS: i64 = 300;
/// How long a nonce is remembered: anything older fails the timestamp check anyway.
const NONCE_MEMORY_SECS: i64 = 2 * TIMESTAMP_TOLERANCE_SECS;
/// §5 limits on `X-Alter-Context`.
pub const CONTEXT_MAX_KEYS: usize = 20;
pub const CONTEXT_MAX_KEY_CHARS: usize = 64;
pub const CONTEXT_MAX_VALUE_CHARS: usize = 512;
pub const CONTEXT_MAX_JSON_CHARS: usize = 4096;

/// `K = HMAC-SHA256(api_key, "alter-signing-v1")`, the per-key signing key (§2.2 step 1).
pub fn signing_key_bytes(api_key: &str) -> [u8; 32] {
    let outer = hmac::Key::new(hmac::HMAC_SHA256, api_key.as_bytes());
    let tag = hmac::sign(&outer, b"alter-signing-v1");
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(tag.as_ref());
    bytes
}

pub(crate) fn signing_key(api_key: &str) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, &signing_key_bytes(api_key))
}

/// Lowercase hex HMAC-SHA256 of `text` under a derived signing key.
pub(crate) fn mac_hex(key: &hmac::Key, text: &str) -> String {
    hex(hmac::sign(key, text.as_bytes()).as_ref())
}

/// The canonical path of a request target (§2.2 step 2): the percent-decoded path, plus the
/// query re-encoded form-style with its pairs sorted, when the raw query is non-empty.
pub fn canonical_path(target: &str) -> String {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    if query.is_empty() {
        return decoded.into_owned();
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            (form_decode(name), form_decode(value))
        })
        .collect();
    pairs.sort();
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{}={}", form_encode(name), form_encode(value)))
        .collect();
    format!("{decoded}?{}", encoded.join("&"))
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, then percent-decoding (UTF-8).
fn form_decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Python's `quote_plus`: unreserved bytes stay, a space becomes `+`, the rest is `%XX`.
fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                out.push(byte as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Everything a signature covers, taken from one request. Absent headers are empty strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignedParts {
    pub method: String,
    /// The request target relative to the base URL (`/sdk/approvals/x?wait=25`).
    pub target: String,
    pub timestamp: String,
    pub nonce: String,
    pub content_sha256: String,
    pub scope_constraints: String,
    pub request_rule: String,
    pub caller: String,
    pub caller_type: String,
    pub actor_id: String,
    /// The exact `X-Alter-Context` header string.
    pub context: String,
}

impl SignedParts {
    /// The legacy string to sign (§2.2 step 3).
    pub fn legacy_string(&self) -> String {
        let mut text = format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            self.method.to_ascii_uppercase(),
            canonical_path(&self.target),
            self.timestamp,
            self.nonce,
            self.content_sha256,
            self.scope_constraints
        );
        if !self.request_rule.is_empty() {
            text.push_str("\nrequest-rule:");
            text.push_str(&self.request_rule);
        }
        text
    }

    /// The V2 string: legacy plus one suffix per non-empty identity header (§2.2 step 4).
    pub fn v2_string(&self) -> String {
        let mut text = self.legacy_string();
        for (label, value) in self.identity() {
            if !value.is_empty() {
                text.push_str(&format!("\n{label}:{value}"));
            }
        }
        text
    }

    /// True when any identity header is sent, so the V2 signature is required.
    pub fn has_identity(&self) -> bool {
        self.identity().iter().any(|(_, value)| !value.is_empty())
    }

    fn identity(&self) -> [(&'static str, &str); 4] {
        [
            ("caller", &self.caller),
            ("caller-type", &self.caller_type),
            ("actor-id", &self.actor_id),
            ("actor-context", &self.context),
        ]
    }
}

/// Why a request was refused: the HTTP status and the `error` code of the JSON answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl Rejection {
    fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Rejection {
            status: 401,
            code,
            message: message.into(),
        }
    }

    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Rejection {
            status: 400,
            code,
            message: message.into(),
        }
    }
}

/// What a verified request proved: whose key signed it and the audit context it carried.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub agent_id: String,
    /// The parsed `X-Alter-Context`, when sent.
    pub context: Option<Map<String, Value>>,
    /// The caller label from `X-Alter-Caller`, when sent.
    pub caller: Option<String>,
}

struct KeyEntry {
    agent_id: String,
    signing_key: hmac::Key,
}

/// Checks requests against a fixed set of agent keys and remembers the nonces it has seen.
pub struct Verifier {
    keys: BTreeMap<String, KeyEntry>,
    nonces: Mutex<HashMap<String, i64>>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys are secrets even in a test double: show only how many there are.
        f.debug_struct("Verifier")
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier that accepts `keys`: (agent key, agent id) pairs.
    pub fn new<'a>(keys: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let keys = keys
            .into_iter()
            .map(|(key, agent_id)| {
                let entry = KeyEntry {
                    agent_id: agent_id.to_owned(),
                    signing_key: signing_key(key),
                };
                (key.to_owned(), entry)
            })
            .collect();
        Verifier {
            keys,
            nonces: Mutex::new(HashMap::new()),
        }
    }

    /// Verifies one request exactly as received: `target` is the raw path and query.
    pub fn verify(
        &self,
        method: &str,
        target: &str,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<Verified, Rejection> {
        let api_key = header(headers, "x-api-key")?;
        let entry = self
            .keys
            .get(api_key)
            .ok_or_else(|| Rejection::unauthorized("invalid_key", "Invalid API key"))?;
        let parts = signed_parts(method, target, headers)?;
        header(headers, "x-alter-signature")?;
        check_timestamp(&parts.timestamp, now)?;
        check_nonce_format(&parts.nonce)?;
        if parts.content_sha256 != sha256_hex(body) {
            return Err(Rejection::unauthorized(
                "content_hash_mismatch",
                "X-Alter-Content-SHA256 does not match the request body",
            ));
        }
        check_identity_headers(&parts)?;
        let context = parse_context(&parts.context)?;
        check_signature(&entry.signing_key, &parts, headers)?;
        self.remember_nonce(&parts.nonce, now)?;
        Ok(Verified {
            agent_id: entry.agent_id.clone(),
            context,
            caller: (!parts.caller.is_empty()).then(|| parts.caller.clone()),
        })
    }

    /// The agent id of a known key, for answers that name the agent.
    pub fn agent_id(&self, api_key: &str) -> Option<&str> {
        self.keys.get(api_key).map(|entry| entry.agent_id.as_str())
    }

    fn remember_nonce(&self, nonce: &str, now: i64) -> Result<(), Rejection> {
        let mut seen = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        if seen.contains_key(nonce) {
            return Err(Rejection::unauthorized(
                "nonce_reused",
                "X-Alter-Nonce was already used (replayed request)",
            ));
        }
        if seen.len() >= 10_000 {
            seen.retain(|_, at| now - *at <= NONCE_MEMORY_SECS);
        }
        seen.insert(nonce.to_owned(), now);
        Ok(())
    }
}

/// A header as text; `Ok("")` when absent. Non-ASCII values are refused.
fn optional_header<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, Rejection> {
    match headers.get(name) {
        None => Ok(""),
        Some(value) => value.to_str().map_err(|_| {
            Rejection::bad_request("invalid_header", format!("{name} is not visible ASCII"))
        }),
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, Rejection> {
    let value = optional_header(headers, name)?;
    if value.is_empty() {
        let code = if name == "x-api-key" {
            "invalid_key"
        } else {
            "missing_signature_headers"
        };
        return Err(Rejection::unauthorized(
            code,
            format!("missing {name} header"),
        ));
    }
    Ok(value)
}

fn signed_parts(method: &str, target: &str, headers: &HeaderMap) -> Result<SignedParts, Rejection> {
    Ok(SignedParts {
        method: method.to_owned(),
        target: target.to_owned(),
        timestamp: header(headers, "x-alter-timestamp")?.to_owned(),
        nonce: header(headers, "x-alter-nonce")?.to_owned(),
        content_sha256: header(headers, "x-alter-content-sha256")?.to_owned(),
        scope_constraints: optional_header(headers, "x-alter-scope-constraints")?.to_owned(),
        request_rule: optional_header(headers, "x-alter-request-rule")?.to_owned(),
        caller: optional_header(headers, "x-alter-caller")?.to_owned(),
        caller_type: optional_header(headers, "x-alter-caller-type")?.to_owned(),
        actor_id: optional_header(headers, "x-alter-actor-id")?.to_owned(),
        context: optional_header(headers, "x-alter-context")?.to_owned(),
    })
}

fn check_timestamp(timestamp: &str, now: i64) -> Result<(), Rejection> {
    let parsed = timestamp
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| timestamp.parse::<i64>().ok())
        .flatten();
    match parsed {
        Some(at) if (at - now).abs() <= TIMESTAMP_TOLERANCE_SECS => Ok(()),
        Some(_) => Err(Rejection::unauthorized(
            "invalid_timestamp",
            format!("X-Alter-Timestamp is more than {TIMESTAMP_TOLERANCE_SECS} s from server time"),
        )),
        None => Err(Rejection::unauthorized(
            "invalid_timestamp",
            "X-Alter-Timestamp must be whole Unix seconds",
        )),
    }
}

fn check_nonce_format(nonce: &str) -> Result<(), Rejection> {
    let valid = nonce.len() == 32
        && nonce
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if valid {
        Ok(())
    } else {
        Err(Rejection::unauthorized(
            "invalid_nonce",
            "X-Alter-Nonce must be 32 lowercase hex characters",
        ))
    }
}

/// Caller and caller type travel together; an actor id is a canonical UUID.
fn check_identity_headers(parts: &SignedParts) -> Result<(), Rejection> {
    if parts.caller.is_empty() != parts.caller_type.is_empty() {
        return Err(Rejection::bad_request(
            "invalid_identity_headers",
            "X-Alter-Caller and X-Alter-Caller-Type must be sent together",
        ));
    }
    if parts.caller.len() > 255 || parts.caller.bytes().any(|b| !(0x20..=0x7e).contains(&b)) {
        return Err(Rejection::bad_request(
            "invalid_identity_headers",
            "X-Alter-Caller must be printable ASCII of at most 255 characters",
        ));
    }
    if !parts.actor_id.is_empty() && !is_canonical_uuid(&parts.actor_id) {
        return Err(Rejection::bad_request(
            "invalid_identity_headers",
            "X-Alter-Actor-ID must be a canonical UUID",
        ));
    }
    Ok(())
}

/// `X-Alter-Context` must be a JSON object of string to string within the §5 limits. The real
/// backend silently drops a context that breaks them; this one refuses it, so a client bug that
/// would lose audit data fails the test instead of passing unnoticed.
pub fn parse_context(raw: &str) -> Result<Option<Map<String, Value>>, Rejection> {
    if raw.is_empty() {
        return Ok(None);
    }
    let invalid = |why: String| Rejection::bad_request("invalid_context", why);
    if raw.chars().count() > CONTEXT_MAX_JSON_CHARS {
        return Err(invalid(format!(
            "X-Alter-Context is longer than {CONTEXT_MAX_JSON_CHARS} characters"
        )));
    }
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(raw) else {
        return Err(invalid("X-Alter-Context must be a JSON object".to_owned()));
    };
    if map.len() > CONTEXT_MAX_KEYS {
        return Err(invalid(format!(
            "X-Alter-Context has more than {CONTEXT_MAX_KEYS} keys"
        )));
    }
    for (key, value) in &map {
        let Value::String(text) = value else {
            return Err(invalid(format!(
                "X-Alter-Context value of `{key}` is not a string"
            )));
        };
        if key.is_empty() || key.chars().count() > CONTEXT_MAX_KEY_CHARS {
            return Err(invalid(format!(
                "X-Alter-Context key `{key}` is empty or too long"
            )));
        }
        if text.chars().count() > CONTEXT_MAX_VALUE_CHARS {
            return Err(invalid(format!(
                "X-Alter-Context value of `{key}` is too long"
            )));
        }
    }
    Ok(Some(map))
}

/// Legacy signature without identity headers; V2 (in both headers) with them. Identity headers
/// signed only with the legacy string are a downgrade and refused.
fn check_signature(
    key: &hmac::Key,
    parts: &SignedParts,
    headers: &HeaderMap,
) -> Result<(), Rejection> {
    let signature = header(headers, "x-alter-signature")?;
    let v2_header = optional_header(headers, "x-alter-signature-v2")?;
    if !v2_header.is_empty() && v2_header != signature {
        return Err(Rejection::unauthorized(
            "invalid_signature",
            "X-Alter-Signature-V2 differs from X-Alter-Signature",
        ));
    }
    let legacy = mac_hex(key, &parts.legacy_string());
    if !parts.has_identity() {
        return if signature == legacy {
            Ok(())
        } else {
            Err(Rejection::unauthorized(
                "invalid_signature",
                "signature mismatch",
            ))
        };
    }
    if signature == legacy || v2_header.is_empty() {
        return Err(Rejection::unauthorized(
            "invalid_signature",
            "identity headers need the V2 signature in X-Alter-Signature and X-Alter-Signature-V2 (downgrade refused)",
        ));
    }
    if signature == mac_hex(key, &parts.v2_string()) {
        Ok(())
    } else {
        Err(Rejection::unauthorized(
            "invalid_signature",
            "signature mismatch",
        ))
    }
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
