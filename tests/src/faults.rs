//! Scripted failures: a test tells the backend how to answer the next call(s), or every call
//! for a provider, instead of the normal answer. Faults apply after a request verified, so the
//! recording still proves the client signed it correctly.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::approvals::ApprovalPlan;
use crate::providers::ProviderAnswer;
use crate::record::Endpoint;

/// How the backend answers instead of the normal answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The backend itself answers this status, headers and body.
    Backend {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// The provider answered this; `/sdk/proxy` wraps it in a 200 `ApprovalResult`.
    Provider(ProviderAnswer),
    /// `/sdk/proxy` answers 202 with a pending approval that then follows the plan.
    PendingApproval(ApprovalPlan),
    /// The normal answer, after this long (a slow or hung backend; clients time out).
    Delay(Duration),
    /// The connection is closed without an answer (a crashed backend, a reset).
    Reset,
}

impl Fault {
    /// The backend answers `status` with this JSON body.
    pub fn json(status: u16, body: Value) -> Fault {
        Fault::Backend {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// The backend answers `status` with these exact bytes.
    pub fn raw(status: u16, content_type: &str, body: &[u8]) -> Fault {
        Fault::Backend {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.to_vec(),
        }
    }

    /// Adds a response header (e.g. `Retry-After`).
    pub fn with_header(mut self, name: &str, value: &str) -> Fault {
        match &mut self {
            Fault::Backend { headers, .. } | Fault::Provider(ProviderAnswer { headers, .. }) => {
                headers.push((name.to_ascii_lowercase(), value.to_owned()));
            }
            Fault::PendingApproval(_) | Fault::Delay(_) | Fault::Reset => {}
        }
        self
    }

    /// Wraps a JSON backend body in FastAPI's `{"detail": {...}}` envelope (§6.1: clients must
    /// accept both shapes).
    pub fn in_detail(self) -> Fault {
        match self {
            Fault::Backend {
                status,
                headers,
                body,
            } => {
                let inner: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let body = json!({ "detail": inner }).to_string().into_bytes();
                Fault::Backend {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }

    /// `no_delegated_grant` (§6.1: 404 or 409), flat.
    pub fn no_delegated_grant(status: u16, provider: &str, agent_id: &str) -> Fault {
        Fault::json(
            status,
            json!({
                "error": "no_delegated_grant",
                "message": format!("No user has delegated a {provider} grant to this agent."),
                "hint": "Ask a user to connect the provider in Alter Connect and delegate it to this agent.",
                "provider_id": provider,
                "agent_id": agent_id,
            }),
        )
    }

    /// 401 `agent_revoked`.
    pub fn agent_revoked() -> Fault {
        Fault::json(
            401,
            json!({
                "error": "agent_revoked",
                "message": "This agent has been revoked.",
                "hint": "Provision a new agent and update the agent key.",
            }),
        )
    }

    /// 401 `agent_inactive`.
    pub fn agent_inactive() -> Fault {
        Fault::json(
            401,
            json!({
                "error": "agent_inactive",
                "message": "This agent is inactive.",
                "hint": "Reactivate the agent in the Alter dashboard.",
            }),
        )
    }

    /// 403 with a policy code (any unknown 403 code is a policy violation, §6.1).
    pub fn policy_denied(message: &str) -> Fault {
        Fault::json(
            403,
            json!({
                "error": "policy_denied",
                "message": message,
                "policy_error": "policy_denied",
            }),
        )
    }

    /// 429 `rate_limit_exceeded` with a `Retry-After` header and body field.
    pub fn rate_limited(retry_after_secs: u64) -> Fault {
        Fault::json(
            429,
            json!({
                "error": "rate_limit_exceeded",
                "message": "Rate limit exceeded for this agent.",
                "retry_after": retry_after_secs,
                "scope": "agent",
                "limit": 60,
                "window_seconds": 60,
            }),
        )
        .with_header("retry-after", &retry_after_secs.to_string())
    }

    /// 502: the backend could not get an answer from the provider.
    pub fn bad_gateway(provider_status: u16) -> Fault {
        Fault::json(
            502,
            json!({
                "error": "provider_error",
                "message": format!("The provider returned HTTP {provider_status}."),
                "provider_status_code": provider_status,
            }),
        )
    }

    /// The provider itself answered `status` with this JSON (inside a 200 `ApprovalResult`).
    pub fn provider_answer(status: u16, body: Value) -> Fault {
        Fault::Provider(ProviderAnswer::json(status, &body))
    }

    /// A 200 whose body is not valid JSON.
    pub fn malformed_json() -> Fault {
        Fault::raw(
            200,
            "application/json",
            br#"{"status_code": 200, "body_b64": "#,
        )
    }

    /// A bare 500, as Starlette answers an unhandled exception (plain text, not JSON).
    pub fn internal_error() -> Fault {
        Fault::raw(500, "text/plain; charset=utf-8", b"Internal Server Error")
    }

    /// A body that is not JSON, with any status (e.g. a proxy's HTML error page on a 502).
    pub fn malformed(status: u16, body: &str) -> Fault {
        Fault::raw(status, "application/json", body.as_bytes())
    }

    /// 503 `service_unavailable` with `Retry-After: retry_after_secs`.
    pub fn unavailable(retry_after_secs: u64) -> Fault {
        Fault::json(
            503,
            json!({"error": "service_unavailable", "message": "Alter is briefly unavailable."}),
        )
        .with_header("retry-after", &retry_after_secs.to_string())
    }

    /// A 202 pending approval that follows `plan`.
    pub fn pending_approval(plan: ApprovalPlan) -> Fault {
        Fault::PendingApproval(plan)
    }
}

/// When a [`Fault`] applies: which endpoint, which provider, how many times.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    pub fault: Fault,
    /// `None`: `/sdk/proxy` and `/sdk/token`, the calls that reach a provider.
    pub endpoint: Option<Endpoint>,
    /// `None`: any provider.
    pub provider: Option<String>,
    /// `None`: every matching call until cleared.
    pub remaining: Option<usize>,
}

impl FaultRule {
    /// Applies to the next matching call only.
    pub fn once(fault: Fault) -> FaultRule {
        FaultRule::times(fault, 1)
    }

    /// Applies to the next `n` matching calls.
    pub fn times(fault: Fault, n: usize) -> FaultRule {
        FaultRule {
            fault,
            endpoint: None,
            provider: None,
            remaining: Some(n),
        }
    }

    /// Applies to every matching call until [`crate::Backend::clear_faults`].
    pub fn always(fault: Fault) -> FaultRule {
        FaultRule {
            remaining: None,
            ..FaultRule::once(fault)
        }
    }

    /// Only calls to this endpoint.
    pub fn endpoint(mut self, endpoint: Endpoint) -> FaultRule {
        self.endpoint = Some(endpoint);
        self
    }

    /// Only calls for this provider id.
    pub fn provider(mut self, provider: &str) -> FaultRule {
        self.provider = Some(provider.to_owned());
        self
    }

    fn matches(&self, endpoint: Endpoint, provider: Option<&str>) -> bool {
        let endpoint_ok = match self.endpoint {
            Some(wanted) => wanted == endpoint,
            None => matches!(endpoint, Endpoint::Proxy | Endpoint::Token),
        };
        let provider_ok = match &self.provider {
            Some(wanted) => provider == Some(wanted.as_str()),
            None => true,
        };
        endpoint_ok && provider_ok && self.remaining != Some(0)
    }
}

/// Takes the fault for this call from the first matching rule, using up one of its turns.
pub(crate) fn take(
    rules: &mut Vec<FaultRule>,
    endpoint: Endpoint,
    provider: Option<&str>,
) -> Option<Fault> {
    let index = rules.iter().position(|r| r.matches(endpoint, provider))?;
    let rule = &mut rules[index];
    let fault = rule.fault.clone();
    if let Some(left) = &mut rule.remaining {
        *left -= 1;
        if *left == 0 {
            rules.remove(index);
        }
    }
    Some(fault)
}

/// A fault as the control endpoint `POST /__test/faults` takes it, for scripts and manual runs
/// (`fake-alter`). Either a preset built by the [`Fault`] constructors
/// (`{"preset": "agent_revoked", "detail": true}`) or raw parts (`{"status": 409, "body":
/// {...}}`). Scoping: `"times"` (default 1, `null` = always), `"endpoint"`, `"provider"`.
/// `"provider_answer": true` makes raw parts the provider's answer inside a 200
/// `ApprovalResult`; `"detail": true` wraps a JSON body in `{"detail": ...}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultSpec {
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    raw_body: Option<String>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    provider_answer: bool,
    #[serde(default)]
    detail: bool,
    #[serde(default = "one")]
    times: Option<usize>,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    /// With no `preset` and no `status`: answer normally after this many milliseconds.
    #[serde(default)]
    delay_ms: Option<u64>,
}

fn one() -> Option<usize> {
    Some(1)
}

/// The presets the control API offers, built by the same constructors the Rust tests use.
fn preset(name: &str, status: Option<u16>, provider: &str, agent_id: &str) -> Option<Fault> {
    let google_404 = json!({"error": {"code": 404, "message": "Not Found", "errors": [{"domain": "global", "reason": "notFound", "message": "Not Found"}]}});
    Some(match name {
        "no_delegated_grant" => {
            Fault::no_delegated_grant(status.unwrap_or(409), provider, agent_id)
        }
        "agent_revoked" => Fault::agent_revoked(),
        "agent_inactive" => Fault::agent_inactive(),
        "policy_denied" => Fault::policy_denied("Calls to this provider are denied by policy."),
        "rate_limited" => Fault::rate_limited(7),
        "bad_gateway" => Fault::bad_gateway(503),
        "provider_not_found" => Fault::provider_answer(404, google_404),
        "malformed_json" => Fault::malformed_json(),
        "internal_error" => Fault::internal_error(),
        "unavailable" => Fault::unavailable(1),
        "reset" => Fault::Reset,
        "pending_approval" => Fault::pending_approval(ApprovalPlan::executed()),
        "approval_denied" => {
            Fault::pending_approval(ApprovalPlan::denied("Not during the freeze."))
        }
        "approval_expired" => Fault::pending_approval(ApprovalPlan::expired()),
        "approval_failed" => Fault::pending_approval(ApprovalPlan::failed("Google answered 500.")),
        "approval_never_decided" => Fault::pending_approval(ApprovalPlan::never_decided()),
        _ => return None,
    })
}

impl FaultSpec {
    pub(crate) fn into_rule(self, agent_id: &str) -> Result<FaultRule, String> {
        let fault = match &self.preset {
            Some(name) => {
                let provider = self.provider.as_deref().unwrap_or("google");
                preset(name, self.status, provider, agent_id)
                    .ok_or_else(|| format!("unknown preset `{name}`"))?
            }
            None => self.raw_fault()?,
        };
        let fault = if self.detail {
            fault.in_detail()
        } else {
            fault
        };
        let endpoint = match self.endpoint.as_deref() {
            None => None,
            Some("proxy") => Some(Endpoint::Proxy),
            Some("token") => Some(Endpoint::Token),
            Some("audit") => Some(Endpoint::Audit),
            Some("connect_session") => Some(Endpoint::ConnectSession),
            Some("approval_status") => Some(Endpoint::ApprovalStatus),
            Some("approval_result") => Some(Endpoint::ApprovalResult),
            Some(other) => return Err(format!("unknown endpoint `{other}`")),
        };
        Ok(FaultRule {
            fault,
            endpoint,
            provider: self.provider,
            remaining: self.times,
        })
    }

    fn raw_fault(&self) -> Result<Fault, String> {
        if let (None, Some(ms)) = (self.status, self.delay_ms) {
            return Ok(Fault::Delay(Duration::from_millis(ms)));
        }
        let status = self.status.ok_or("give `preset`, `status` or `delay_ms`")?;
        let body = match (&self.body, &self.raw_body) {
            (Some(value), None) => value.to_string().into_bytes(),
            (None, Some(raw)) => raw.clone().into_bytes(),
            (None, None) => Vec::new(),
            (Some(_), Some(_)) => return Err("give `body` or `raw_body`, not both".into()),
        };
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
            .collect();
        if !headers.iter().any(|(name, _)| name == "content-type") {
            headers.push(("content-type".into(), "application/json".into()));
        }
        Ok(if self.provider_answer {
            Fault::Provider(ProviderAnswer {
                status,
                headers,
                body,
            })
        } else {
            Fault::Backend {
                status,
                headers,
                body,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_rules_are_used_up_and_always_rules_stay() {
        let mut rules = vec![
            FaultRule::once(Fault::agent_revoked()).provider("slack"),
            FaultRule::always(Fault::internal_error()).endpoint(Endpoint::Audit),
        ];
        assert_eq!(take(&mut rules, Endpoint::Proxy, Some("google")), None);
        assert_eq!(
            take(&mut rules, Endpoint::Proxy, Some("slack")),
            Some(Fault::agent_revoked())
        );
        assert_eq!(take(&mut rules, Endpoint::Proxy, Some("slack")), None);
        for _ in 0..3 {
            assert!(take(&mut rules, Endpoint::Audit, None).is_some());
        }
    }

    #[test]
    fn detail_envelope_wraps_the_body() {
        let Fault::Backend { body, .. } = Fault::agent_inactive().in_detail() else {
            panic!("backend fault");
        };
        let value: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["detail"]["error"], "agent_inactive");
    }

    #[test]
    fn control_specs_parse() {
        let spec: FaultSpec = serde_json::from_value(json!({
            "status": 409, "body": {"error": "no_delegated_grant"}, "provider": "google"
        }))
        .unwrap();
        let rule = spec.into_rule("agent").unwrap();
        assert_eq!(rule.remaining, Some(1));
        assert_eq!(rule.provider.as_deref(), Some("google"));
        let bad: Result<FaultSpec, _> = serde_json::from_value(json!({"status": 1, "x": 2}));
        assert!(bad.is_err());
        let spec: FaultSpec = serde_json::from_value(
            json!({"preset": "agent_revoked", "detail": true, "times": null}),
        )
        .unwrap();
        let rule = spec.into_rule("agent").unwrap();
        assert_eq!(
            (rule.fault, rule.remaining),
            (Fault::agent_revoked().in_detail(), None)
        );
        let spec: FaultSpec = serde_json::from_value(json!({"preset": "nope"})).unwrap();
        assert!(spec.into_rule("agent").is_err());
    }

    #[test]
    fn control_specs_for_delays_resets_and_outages() {
        let rule = |spec: Value| {
            serde_json::from_value::<FaultSpec>(spec)
                .unwrap()
                .into_rule("agent")
                .unwrap()
                .fault
        };
        assert_eq!(
            rule(json!({"delay_ms": 1500})),
            Fault::Delay(Duration::from_millis(1500))
        );
        assert_eq!(rule(json!({"preset": "reset"})), Fault::Reset);
        let Fault::Backend {
            status, headers, ..
        } = rule(json!({"preset": "unavailable"}))
        else {
            panic!("a backend answer");
        };
        assert_eq!(status, 503);
        assert!(headers.contains(&("retry-after".to_owned(), "1".to_owned())));
        let empty: FaultSpec = serde_json::from_value(json!({})).unwrap();
        assert!(empty.into_rule("agent").unwrap_err().contains("delay_ms"));
    }
}
