//! Proxy mode (protocol §4): the `/sdk/proxy` body, sent with retries where `retry.rs` allows;
//! and its answer: a 202 pending approval, a 200 `ApprovalResult` whose provider status is
//! checked like retrieve mode's (a provider 429 or 503 is transient), or an Alter error. The
//! body is cut to the response limit; a cut envelope is salvaged (`cap.rs`).

use std::time::{Duration, SystemTime};

use super::agent::{Agent, Answer};
use super::cap;
use super::error::{Error, ErrorKind};
use super::mapping::{Endpoint, backend_error};
use super::response::{GrantFacts, ProviderResponse, check_status};
use super::retry::{self, Outcome, is_transient_status};
use super::user_token::UserToken;
use super::wire::{ApprovalResult, ProxyRequest, parse_approval_result, parse_pending};
use crate::env::MAX_RESPONSE_ENV;
use crate::request::ProviderRequest;

/// One provider call through `/sdk/proxy`: Alter injects the credential, calls the provider
/// and writes the audit row; `context` is the `X-Alter-Context` header.
pub(crate) async fn call(
    agent: &Agent,
    provider: &str,
    request: &ProviderRequest,
    context: Option<&str>,
    user: Option<&UserToken>,
) -> Result<ProviderResponse, Error> {
    let body = proxy_body(provider, request, user)?;
    let inner = &agent.inner;
    retry::run(
        &inner.limits.retry,
        request.method(),
        &inner.rng,
        || async {
            let Outcome { result, transient } = agent
                .post_attempt("/sdk/proxy", body.clone(), context)
                .await;
            match result {
                Ok(answer) => self::answer(agent, provider, answer, transient),
                Err(error) => Outcome {
                    result: Err(error),
                    transient,
                },
            }
        },
    )
    .await
}

/// The `/sdk/proxy` request body for `request` through the grant of `provider` (§4).
pub(crate) fn proxy_body(
    provider: &str,
    request: &ProviderRequest,
    user: Option<&UserToken>,
) -> Result<Vec<u8>, Error> {
    let body = ProxyRequest {
        user_token: user.map(UserToken::expose),
        ..ProxyRequest::new(provider, request)
    };
    serde_json::to_vec(&body)
        .map_err(|e| Error::invalid_request(format!("the request is not JSON: {e}")))
}

/// One `/sdk/proxy` answer as a provider response or an error; a provider 429 or 503
/// relayed inside a 200 is as transient as Alter's own.
pub(crate) fn answer(
    agent: &Agent,
    provider: &str,
    answer: Answer,
    transient: Option<Option<Duration>>,
) -> Outcome<ProviderResponse> {
    match answer.status {
        202 => {
            let pending = match parse_pending(&answer.body) {
                Ok(pending) => pending,
                Err(error) => return Outcome::done(Err(error.with_status(202))),
            };
            let message = format!("waiting for approval {}", pending.approval_id);
            Outcome::done(Err(Error::new(
                ErrorKind::ApprovalPending(pending),
                message,
            )
            .with_status(202)))
        }
        200..=299 => {
            let result = match approval_result(agent, &answer) {
                Ok(result) => result,
                Err(error) => return Outcome::done(Err(error)),
            };
            let facts = GrantFacts {
                scope_mismatch: false,
                credential_hint: result.credential_hint.as_deref(),
            };
            let after = retry::retry_after_of(&result.headers, SystemTime::now());
            let status = result.status_code;
            let response =
                ProviderResponse::new(status, result.headers, result.body, result.body_truncated);
            let checked = check_status(provider, response, facts);
            match is_transient_status(status) {
                true => Outcome::transient(checked, after),
                false => Outcome::done(checked),
            }
        }
        status => {
            let error = backend_error(Endpoint::Proxy, status, &answer.headers, &answer.body);
            Outcome {
                transient: retry::with_body_wait(transient, &error),
                result: Err(error),
            }
        }
    }
}

/// The `ApprovalResult` of a 2xx, its body cut to the response limit. An envelope that
/// was itself cut is salvaged (see `cap.rs`) or refused with advice.
fn approval_result(agent: &Agent, answer: &Answer) -> Result<ApprovalResult, Error> {
    let max = agent.inner.limits.max_response_bytes;
    let mut result = if answer.truncated {
        let salvaged = cap::salvage_envelope(&answer.body).ok_or_else(|| {
            Error::malformed(format!(
                "the answer was larger than this server reads ({} bytes, for a provider \
                 body of at most {max} bytes set by {MAX_RESPONSE_ENV}) and had no \
                 provider body to cut; narrow the request (fewer fields, smaller page)",
                answer.body.len()
            ))
            .with_status(answer.status)
        })?;
        ApprovalResult {
            status_code: salvaged.status_code,
            headers: salvaged.headers,
            body: salvaged.body,
            body_truncated: true,
            credential_hint: None,
        }
    } else {
        parse_approval_result(&answer.body).map_err(|e| e.with_status(answer.status))?
    };
    if cap::cut(&mut result.body, max) {
        result.body_truncated = true;
    } else if answer.truncated {
        cap::end_at_char_boundary(&mut result.body);
    }
    Ok(result)
}
