//! The `/sdk/*` endpoints, after a request verified: body shape checks (FastAPI-style 422s),
//! grant resolution, scripted faults, and the normal answers of alter-protocol.md §3, §4, §7.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::approvals::Approvals;
use crate::faults::{self, Fault, FaultRule};
use crate::providers::{self, ProviderAnswer, ProviderUrl, allowed_host, call_from};
use crate::record::Endpoint;
use crate::users::{self, User};
use crate::util::{is_canonical_uuid, now_unix, random_uuid, rfc3339, stable_uuid};
use crate::validate::{
    check_audit_body, check_proxy_body, check_token_body, invalid, method_field, opt_str,
    url_field, with_object,
};

/// An HTTP answer from the backend.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The `error` code, for the recording.
    pub error: Option<String>,
    pub faulted: bool,
    /// Wait this long before answering ([`Fault::Delay`]).
    pub delay: Option<Duration>,
    /// Close the connection instead of answering ([`Fault::Reset`]).
    pub reset: bool,
}

impl Answer {
    pub fn json(status: u16, body: &Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
            error: error_code(body),
            faulted: false,
            delay: None,
            reset: false,
        }
    }

    /// A 200 whose body is these exact JSON bytes.
    fn json_bytes(body: Vec<u8>) -> Answer {
        Answer {
            body,
            ..Answer::json(200, &Value::Null)
        }
    }

    /// `{"detail": {"error": code, "message": ...}}`, FastAPI's `HTTPException` shape.
    pub fn error(status: u16, code: &str, message: &str) -> Answer {
        Answer::json(
            status,
            &json!({"detail": {"error": code, "message": message}}),
        )
    }

    fn with_header(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The `error` code of a flat or `detail`-wrapped JSON error body.
pub(crate) fn error_code(body: &Value) -> Option<String> {
    let inner = match body.get("detail") {
        Some(detail @ Value::Object(_)) => detail,
        Some(Value::Array(_)) => return Some("validation_error".into()),
        _ => body,
    };
    inner.get("error")?.as_str().map(str::to_owned)
}

/// What the endpoints need from the backend's state for one request.
pub(crate) struct Ctx<'a> {
    pub agent_id: &'a str,
    pub faults: &'a mut Vec<FaultRule>,
    pub approvals: &'a mut Approvals,
    /// The end users the backend knows (§9).
    pub users: &'a [User],
}

/// Answers a verified request to `endpoint`.
pub(crate) fn dispatch(
    ctx: Ctx<'_>,
    endpoint: Endpoint,
    target: &str,
    json: Option<&Value>,
) -> Answer {
    match endpoint {
        Endpoint::Proxy => with_object(json, |body| proxy(ctx, body)),
        Endpoint::Token => with_object(json, |body| token(ctx, body)),
        Endpoint::Audit => with_object(json, |body| audit(ctx, body)),
        Endpoint::ConnectSession => with_object(json, |body| connect_session(ctx, body)),
        Endpoint::ApprovalStatus | Endpoint::ApprovalResult => approval(ctx, endpoint, target),
        Endpoint::Other => Answer::json(404, &json!({"detail": "Not Found"})),
    }
}

/// The grant a call addresses: exactly one of `provider_id` or `grant_id`, resolved to a
/// provider this agent holds a grant for.
fn resolve_provider(body: &Map<String, Value>, agent_id: &str) -> Result<String, Answer> {
    let provider = opt_str(body, "provider_id")?;
    let grant = opt_str(body, "grant_id")?;
    match (provider, grant) {
        (Some(provider), None) if allowed_host(provider).is_some() => Ok(provider.to_owned()),
        (Some(provider), None) => Err(Answer::json(
            404,
            &json!({
                "error": "no_delegated_grant",
                "message": format!("No {provider} grant is delegated to this agent."),
                "provider_id": provider,
                "agent_id": agent_id,
            }),
        )),
        (None, Some(grant)) if is_canonical_uuid(grant) => providers::PROVIDERS
            .iter()
            .map(|(id, _)| *id)
            .find(|id| grant_id(agent_id, id) == grant)
            .map(str::to_owned)
            .ok_or_else(|| Answer::error(404, "grant_not_found", "Grant not found.")),
        (None, Some(_)) => Err(invalid(
            "grant_id",
            "uuid_parsing",
            "Input should be a valid UUID",
        )),
        _ => Err(invalid(
            "",
            "value_error",
            "Provide exactly one of provider_id or grant_id",
        )),
    }
}

/// The stable id of this agent's grant for `provider`.
pub fn grant_id(agent_id: &str, provider: &str) -> String {
    stable_uuid(&format!("grant:{agent_id}:{provider}"))
}

/// A grant may only reach its provider's host, over https (`blocked_destination`, §6.1).
fn check_destination(provider: &str, url: &ProviderUrl) -> Result<(), Answer> {
    if url.scheme == "https" && allowed_host(provider) == Some(url.host.as_str()) {
        return Ok(());
    }
    let message = format!(
        "Destination {}://{} is not allowed for provider {provider}.",
        url.scheme, url.host
    );
    Err(Answer::error(422, "blocked_destination", &message)
        .with_header("x-request-id", &random_uuid()))
}

/// `POST /sdk/proxy` (§4).
fn proxy(ctx: Ctx<'_>, body: &Map<String, Value>) -> Answer {
    let checked = (|| {
        let method = method_field(body, "method")?;
        let url = url_field(body, "url")?;
        check_proxy_body(body)?;
        let provider = resolve_provider(body, ctx.agent_id)?;
        check_destination(&provider, &url)?;
        let principal = users::resolve(ctx.users, body, &provider, ctx.agent_id)?;
        Ok((method, url, provider, principal))
    })();
    let (method, url, provider, principal) = match checked {
        Ok(parts) => parts,
        Err(answer) => return answer,
    };
    let call = call_from(&method, &url, body.get("query_params"), body.get("body"));
    let answer = || principal.personalize(providers::answer(&url, &call));
    match faults::take(ctx.faults, Endpoint::Proxy, Some(&provider)) {
        Some(Fault::PendingApproval(plan)) => {
            let pending = ctx.approvals.create(plan, answer());
            faulted(Answer::json(202, &pending))
        }
        fault => with_fault(fault, || {
            Answer::json_bytes(answer().approval_result_bytes())
        }),
    }
}

/// The normal answer, or what `fault` makes of it: later ([`Fault::Delay`]), never
/// ([`Fault::Reset`]), or replaced.
fn with_fault(fault: Option<Fault>, normal: impl FnOnce() -> Answer) -> Answer {
    match fault {
        None => normal(),
        Some(Fault::Delay(delay)) => faulted(Answer {
            delay: Some(delay),
            ..normal()
        }),
        Some(Fault::Reset) => faulted(Answer {
            reset: true,
            ..Answer::error(500, "reset", "The connection was closed without an answer.")
        }),
        Some(fault) => faulted(fault_answer(fault)),
    }
}

fn faulted(mut answer: Answer) -> Answer {
    answer.faulted = true;
    answer
}

/// The answer a scripted fault gives on any endpoint.
fn fault_answer(fault: Fault) -> Answer {
    match fault {
        Fault::Backend {
            status,
            headers,
            body,
        } => {
            let error = serde_json::from_slice(&body)
                .ok()
                .as_ref()
                .and_then(error_code);
            Answer {
                status,
                headers,
                body,
                error,
                faulted: true,
                delay: None,
                reset: false,
            }
        }
        Fault::Provider(answer) => Answer::json_bytes(answer.approval_result_bytes()),
        Fault::PendingApproval(_) => Answer::error(
            500,
            "misconfigured_fault",
            "pending approvals only apply to /sdk/proxy",
        ),
        Fault::Delay(_) | Fault::Reset => Answer::error(
            500,
            "misconfigured_fault",
            "delays and resets are applied by with_fault",
        ),
    }
}

/// `POST /sdk/token` (§3): the credential for one provider call.
fn token(ctx: Ctx<'_>, body: &Map<String, Value>) -> Answer {
    let checked = check_token_body(body).and_then(|url| {
        let provider = resolve_provider(body, ctx.agent_id)?;
        check_destination(&provider, &url)?;
        let principal = users::resolve(ctx.users, body, &provider, ctx.agent_id)?;
        Ok((provider, principal))
    });
    let (provider, principal) = match checked {
        Ok(parts) => parts,
        Err(answer) => return answer,
    };
    let owner = format!("{}{}", ctx.agent_id, principal.grant_key());
    let fault = faults::take(ctx.faults, Endpoint::Token, Some(&provider));
    with_fault(fault, || {
        Answer::json(200, &token_response(&owner, &provider))
    })
}

/// `owner`: the agent id, plus the user for a user's grant (a grant id per user).
fn token_response(owner: &str, provider: &str) -> Value {
    let (token, scopes) = match provider {
        "slack" => (
            format!("xoxb-1000000001-2000000002-{}", &random_uuid()[..8]),
            vec![
                "chat:write",
                "channels:read",
                "channels:history",
                "users:read",
                "reactions:write",
            ],
        ),
        _ => (
            format!("ya29.a0AfB_fake{}", random_uuid().replace('-', "")),
            vec!["https://www.googleapis.com/auth/calendar"],
        ),
    };
    json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 3599,
        "expires_at": rfc3339(now_unix() + 3599),
        "scopes": scopes,
        "grant_id": grant_id(owner, provider),
        "provider_id": provider,
        "token_generation": random_uuid(),
        "scope_mismatch": false,
        "injection_header": "Authorization",
        "injection_format": "Bearer {token}",
    })
}

/// `POST /sdk/oauth/audit/api-call` (§3 step 3): checks the row's fields and accepts it.
fn audit(ctx: Ctx<'_>, body: &Map<String, Value>) -> Answer {
    if let Err(answer) = check_audit_body(body) {
        return answer;
    }
    let provider = body.get("provider_id").and_then(Value::as_str);
    let fault = faults::take(ctx.faults, Endpoint::Audit, provider);
    with_fault(fault, || {
        Answer::json(201, &json!({"id": random_uuid(), "status": "recorded"}))
    })
}

/// `POST /sdk/oauth/connect/session` (§5): a Connect link a user opens to grant access.
fn connect_session(ctx: Ctx<'_>, body: &Map<String, Value>) -> Answer {
    let providers = match body.get("allowed_providers") {
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_string) => {
            items
        }
        Some(Value::Null) | None => {
            return invalid("allowed_providers", "missing", "Field required");
        }
        Some(_) => {
            return invalid(
                "allowed_providers",
                "list_type",
                "Input should be a non-empty list of strings",
            );
        }
    };
    let provider = providers.first().and_then(Value::as_str);
    if let Some(fault) = faults::take(ctx.faults, Endpoint::ConnectSession, provider) {
        return faulted(fault_answer(fault));
    }
    let token = format!("cs_{}", random_uuid().replace('-', ""));
    let expires_in = 600;
    Answer::json(
        200,
        &json!({
            "session_token": token,
            "connect_url": format!("https://connect.alterauth.com/s/{token}"),
            "expires_in": expires_in,
            "expires_at": rfc3339(now_unix() + expires_in),
            "single_provider": providers.len() == 1,
        }),
    )
}

/// `GET /sdk/approvals/{id}[?wait=N]` and `.../result` (§7).
fn approval(ctx: Ctx<'_>, endpoint: Endpoint, target: &str) -> Answer {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let id = path
        .trim_start_matches("/sdk/approvals/")
        .trim_end_matches("/result");
    if !is_canonical_uuid(id) {
        return Answer::json(
            422,
            &json!({"detail": [{"type": "uuid_parsing", "loc": ["path", "approval_id"], "msg": "Input should be a valid UUID"}]}),
        );
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name == "wait" && !value.parse::<u32>().is_ok_and(|w| w <= 25) {
            return Answer::json(
                422,
                &json!({"detail": [{"type": "less_than_equal", "loc": ["query", "wait"], "msg": "Input should be an integer from 0 to 25"}]}),
            );
        }
    }
    // Only rules naming this endpoint apply (a rule's default scope is proxy and token).
    if let Some(fault) = faults::take(ctx.faults, endpoint, None) {
        return faulted(fault_answer(fault));
    }
    let result = if endpoint == Endpoint::ApprovalStatus {
        ctx.approvals.poll(id)
    } else {
        ctx.approvals.result(id)
    };
    match result {
        Ok(body) => Answer::json(200, &body),
        Err((status, body)) => Answer::json(status, &body),
    }
}

/// The provider answer a proxied call would get, for tests that compare against it.
pub fn expected_answer(
    method: &str,
    url: &str,
    query_params: Option<&Value>,
    body: Option<&Value>,
) -> Option<ProviderAnswer> {
    let url = ProviderUrl::parse(url)?;
    Some(providers::answer(
        &url,
        &call_from(method, &url, query_params, body),
    ))
}
