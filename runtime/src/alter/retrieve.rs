//! Retrieve mode (protocol §3): fetch the credential with `POST /sdk/token`, call the provider
//! from this process, then post the audit row in the background.
//!
//! Invariants:
//! - The provider URL is https (http only to loopback), checked before a token is fetched.
//! - The provider call carries only the injected credential: never `x-api-key` or `X-Alter-*`.
//! - The audit post never fails or delays the call, and never contains the credential.
//! - A retry (idempotent methods only, see `retry.rs`) fetches a fresh token and posts its
//!   own audit row: every provider call is audited.
//! - The provider's body is read up to the response limit, never held whole.

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::agent::{Agent, is_loopback, transport_error};
use super::context::AuditContext;
use super::error::Error;
use super::error_text::display_name;
use super::mapping::{Endpoint, backend_error};
use super::response::{GrantFacts, ProviderResponse, check_status};
use super::retry::{self, Outcome, is_transient_status};
use super::signing::new_nonce;
use super::user_token::UserToken;
use super::wire::{AuditRow, Token, TokenRequest, TokenTarget, parse_token};
use crate::request::{BodyEncoding, EncodedBody, ProviderRequest, scalar_to_string};

/// Audit bodies above this size are replaced by a placeholder naming the size.
const MAX_AUDIT_BODY: usize = 10_000;

/// Header names never copied into an audit row.
const SENSITIVE_HEADERS: [&str; 8] = [
    "authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "x-auth-token",
    "x-amz-date",
    "x-amz-content-sha256",
    "x-amz-security-token",
];

pub(crate) async fn call(
    agent: &Agent,
    provider: &str,
    request: &ProviderRequest,
    context: &AuditContext,
    context_header: Option<&str>,
    user: Option<&UserToken>,
) -> Result<ProviderResponse, Error> {
    let url = provider_url(request)?;
    // Encoded before the token is fetched: a body that cannot be sent costs no credential.
    let body = encoded_body(agent, request)?;
    let attempt = Attempt {
        agent,
        provider,
        request,
        body: body.as_ref(),
        context,
        context_header,
        url: &url,
        user,
    };
    let inner = &agent.inner;
    retry::run(&inner.limits.retry, request.method(), &inner.rng, || {
        attempt.run()
    })
    .await
}

/// What every attempt of one retrieve-mode call shares.
struct Attempt<'a> {
    agent: &'a Agent,
    provider: &'a str,
    request: &'a ProviderRequest,
    body: Option<&'a EncodedBody>,
    context: &'a AuditContext,
    context_header: Option<&'a str>,
    url: &'a reqwest::Url,
    user: Option<&'a UserToken>,
}

impl Attempt<'_> {
    /// Token, provider call, audit row: one attempt.
    async fn run(&self) -> Outcome<ProviderResponse> {
        let Self {
            agent, provider, ..
        } = *self;
        let Outcome { result, transient } = fetch_token(
            agent,
            provider,
            self.request,
            self.context_header,
            self.user,
        )
        .await;
        let token = match result {
            Ok(token) => token,
            Err(error) => {
                return Outcome {
                    result: Err(error),
                    transient,
                };
            }
        };
        let outgoing =
            match provider_request(agent, self.request, self.body, &token, self.url.clone()) {
                Ok(outgoing) => outgoing,
                Err(error) => return Outcome::done(Err(error)),
            };
        let started = Instant::now();
        let result = send(outgoing, agent.inner.limits.max_response_bytes).await;
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let row = audit_row(
            self.request,
            self.body,
            &token,
            self.context,
            &result,
            latency_ms,
        );
        spawn_audit(agent, row, self.context_header.map(str::to_owned));
        let facts = GrantFacts {
            scope_mismatch: token.scope_mismatch,
            credential_hint: None,
        };
        match result {
            Ok(response) => {
                let status = response.status();
                let after = retry::retry_after_of(response.headers(), SystemTime::now());
                let checked = check_status(provider, response, facts);
                match is_transient_status(status) {
                    true => Outcome::transient(checked, after),
                    false => Outcome::done(checked),
                }
            }
            Err(error) => {
                let endpoint = format!(
                    "{} at {}",
                    display_name(provider),
                    self.url.origin().ascii_serialization()
                );
                let connect = error.is_connect();
                let error = transport_error(error, &endpoint);
                match connect {
                    true => Outcome::transient(Err(error), None),
                    false => Outcome::done(Err(error)),
                }
            }
        }
    }
}

/// The provider URL with its query; https, or http to loopback only.
pub(crate) fn provider_url(request: &ProviderRequest) -> Result<reqwest::Url, Error> {
    let mut url = reqwest::Url::parse(request.url())
        .map_err(|e| Error::invalid_request(format!("the provider URL is not valid: {e}")))?;
    let secure = url.scheme() == "https" || (url.scheme() == "http" && is_loopback(&url));
    if !secure || url.host().is_none() {
        return Err(Error::invalid_request(
            "the provider URL must use https (http is allowed only to localhost)",
        ));
    }
    if !request.query_params().is_empty() {
        // Like httpx `params=`: the tool's parameters replace any query in the URL.
        url.set_query(None);
        let mut pairs = url.query_pairs_mut();
        for (name, value) in request.query_params() {
            match value {
                Value::Array(items) => {
                    for item in items {
                        pairs.append_pair(name, &scalar_to_string(item));
                    }
                }
                other => {
                    pairs.append_pair(name, &scalar_to_string(other));
                }
            }
        }
    }
    Ok(url)
}

/// The body's bytes; a multipart body gets a fresh random boundary.
fn encoded_body(agent: &Agent, request: &ProviderRequest) -> Result<Option<EncodedBody>, Error> {
    let boundary = match request.body_encoding() {
        BodyEncoding::Multipart => format!("alter-mcp-{}", new_nonce(&agent.inner.rng)?),
        _ => String::new(),
    };
    request
        .encode_body(&boundary)
        .map_err(|e| Error::invalid_request(format!("the body cannot be encoded: {e}")))
}

async fn fetch_token(
    agent: &Agent,
    provider: &str,
    request: &ProviderRequest,
    context: Option<&str>,
    user: Option<&UserToken>,
) -> Outcome<Token> {
    let body = TokenRequest {
        provider_id: provider,
        reason: None,
        request: TokenTarget {
            method: request.method().as_str(),
            url: request.url(),
        },
        user_token: user.map(UserToken::expose),
    };
    let body = match serde_json::to_vec(&body) {
        Ok(body) => body,
        Err(e) => {
            let error = Error::invalid_request(format!("the request is not JSON: {e}"));
            return Outcome::done(Err(error));
        }
    };
    let Outcome {
        result,
        mut transient,
    } = agent.post_attempt("/sdk/token", body, context).await;
    let result = result.and_then(|answer| {
        if !(200..300).contains(&answer.status) {
            return Err(backend_error(
                Endpoint::Token,
                answer.status,
                &answer.headers,
                &answer.body,
            ));
        }
        parse_token(&answer.body).map_err(|e| e.with_status(answer.status))
    });
    if let Err(error) = &result {
        transient = retry::with_body_wait(transient, error);
    }
    Outcome { result, transient }
}

fn provider_request(
    agent: &Agent,
    request: &ProviderRequest,
    body: Option<&EncodedBody>,
    token: &Token,
    url: reqwest::Url,
) -> Result<reqwest::RequestBuilder, Error> {
    let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes())
        .map_err(|_| Error::invalid_request("unsupported HTTP method"))?;
    let mut headers = HeaderMap::new();
    for (name, value) in request.headers() {
        if name.eq_ignore_ascii_case(&token.injection_header) {
            continue;
        }
        let bad = || Error::invalid_request(format!("header `{name}` is not a valid HTTP header"));
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
        let value = HeaderValue::from_str(value).map_err(|_| bad())?;
        headers.append(name, value);
    }
    let bad_token = || Error::malformed("Alter returned a token that is not a valid header value");
    let name =
        HeaderName::from_bytes(token.injection_header.as_bytes()).map_err(|_| bad_token())?;
    let mut value = HeaderValue::from_str(&token.header_value()).map_err(|_| bad_token())?;
    value.set_sensitive(true);
    headers.insert(name, value);
    let mut builder = agent.inner.http.request(method, url).headers(headers);
    if let Some(body) = body {
        builder = builder
            .header(CONTENT_TYPE, &body.content_type)
            .body(body.bytes.clone());
    }
    Ok(builder)
}

/// Sends the provider request and reads its answer up to `max` bytes (a longer body is cut
/// and marked truncated).
async fn send(
    request: reqwest::RequestBuilder,
    max: usize,
) -> Result<ProviderResponse, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let (mut body, truncated) = super::cap::read_capped(response, max).await?;
    if truncated {
        super::cap::end_at_char_boundary(&mut body);
    }
    Ok(ProviderResponse::new(status, headers, body, truncated))
}

fn audit_row(
    request: &ProviderRequest,
    body: Option<&EncodedBody>,
    token: &Token,
    context: &AuditContext,
    result: &Result<ProviderResponse, reqwest::Error>,
    latency_ms: u64,
) -> AuditRow {
    let keep = |name: &str| {
        !name.eq_ignore_ascii_case(&token.injection_header)
            && !SENSITIVE_HEADERS.contains(&name.to_ascii_lowercase().as_str())
    };
    let mut request_headers: BTreeMap<String, String> = request
        .headers()
        .iter()
        .filter(|(name, _)| keep(name))
        .cloned()
        .collect();
    if let Some(body) = body {
        request_headers.insert("content-type".into(), body.content_type.clone());
    }
    let (response_status, response_headers, response_body) = match result {
        Ok(response) => (
            response.status(),
            response
                .headers()
                .iter()
                .filter(|(name, _)| keep(name))
                .cloned()
                .collect(),
            audit_body(response.body()),
        ),
        Err(error) if error.is_timeout() => (
            0,
            BTreeMap::new(),
            format!("<transport error: timeout after {latency_ms}ms>"),
        ),
        Err(_) => (0, BTreeMap::new(), "<transport error: network>".to_owned()),
    };
    AuditRow {
        grant_id: token.grant_id.clone(),
        provider_id: token.provider_id.clone(),
        token_generation: token.token_generation.clone(),
        method: request.method().as_str().to_owned(),
        url: request.url().to_owned(),
        request_headers,
        request_body: audit_request_body(request, body),
        response_status,
        response_headers,
        response_body,
        latency_ms,
        reason: None,
        context: (!context.is_empty()).then(|| context.to_json()),
    }
}

/// §3: the JSON value, or a form or multipart body as its text (a placeholder naming the
/// size above the limit).
fn audit_request_body(request: &ProviderRequest, body: Option<&EncodedBody>) -> Option<Value> {
    if request.non_json_body().is_none() {
        return request.json_body().cloned();
    }
    let bytes = &body?.bytes;
    Some(Value::String(match std::str::from_utf8(bytes) {
        Ok(text) if bytes.len() <= MAX_AUDIT_BODY => text.to_owned(),
        _ => format!("<binary body: {} bytes>", bytes.len()),
    }))
}

/// The whole body as text, or a placeholder that names its size (never a silent cut).
fn audit_body(body: &[u8]) -> String {
    if body.len() > MAX_AUDIT_BODY {
        return format!("<response too large: {} bytes>", body.len());
    }
    match std::str::from_utf8(body) {
        Ok(text) => text.to_owned(),
        Err(_) => format!("<binary response: {} bytes>", body.len()),
    }
}

/// Posts the audit row on the current tokio runtime; failures are logged, never returned.
fn spawn_audit(agent: &Agent, row: AuditRow, context: Option<String>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no tokio runtime: the audit row of this call was not posted");
        return;
    };
    let agent = agent.clone();
    runtime.spawn(async move {
        let grant_id = row.grant_id.clone();
        let body = match serde_json::to_vec(&row) {
            Ok(body) => body,
            Err(error) => {
                tracing::warn!(%error, "audit row not serializable; not posted");
                return;
            }
        };
        match agent
            .post("/sdk/oauth/audit/api-call", body, context.as_deref())
            .await
        {
            Ok(answer) if (200..300).contains(&answer.status) => {
                tracing::debug!(%grant_id, "audit row recorded");
            }
            Ok(answer) => tracing::warn!(
                %grant_id,
                status = answer.status,
                "Alter refused the audit row of this call (non-fatal)"
            ),
            Err(error) => tracing::warn!(%grant_id, %error, "audit post failed (non-fatal)"),
        }
    });
}

#[cfg(test)]
mod tests;
