//! Human-in-the-loop approvals (alter-protocol.md §7): a scripted `/sdk/proxy` 202 creates an
//! approval whose status polls walk a fixed plan, then `/result` gives the provider's answer.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::providers::ProviderAnswer;
use crate::util::{now_unix, random_uuid, rfc3339};

/// How long a pending approval lives, in seconds.
const EXPIRES_IN: i64 = 600;

/// The statuses successive polls report (the last one repeats) and the decision details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalPlan {
    pub statuses: Vec<&'static str>,
    pub decision_reason: Option<String>,
    pub execution_error: Option<String>,
}

impl ApprovalPlan {
    /// `pending, pending, executing, executed`, as observed from the real backend.
    pub fn executed() -> ApprovalPlan {
        ApprovalPlan {
            statuses: vec!["pending", "pending", "executing", "executed"],
            decision_reason: None,
            execution_error: None,
        }
    }

    /// A human denies the request.
    pub fn denied(reason: &str) -> ApprovalPlan {
        ApprovalPlan {
            statuses: vec!["pending", "denied"],
            decision_reason: Some(reason.to_owned()),
            execution_error: None,
        }
    }

    /// Nobody decides in time.
    pub fn expired() -> ApprovalPlan {
        ApprovalPlan {
            statuses: vec!["pending", "expired"],
            decision_reason: None,
            execution_error: None,
        }
    }

    /// Nobody ever decides: every poll says `pending` (a caller's wait runs out first).
    pub fn never_decided() -> ApprovalPlan {
        ApprovalPlan {
            statuses: vec!["pending"],
            decision_reason: None,
            execution_error: None,
        }
    }

    /// Approved, but the provider call failed.
    pub fn failed(error: &str) -> ApprovalPlan {
        ApprovalPlan {
            statuses: vec!["pending", "approved", "executing", "failed"],
            decision_reason: None,
            execution_error: Some(error.to_owned()),
        }
    }
}

#[derive(Debug)]
struct Approval {
    group_id: String,
    plan: ApprovalPlan,
    polls: usize,
    answer: ProviderAnswer,
    expires_at: i64,
}

impl Approval {
    /// The status the latest poll reported (`pending` before any poll).
    fn current(&self) -> &'static str {
        let index = self
            .polls
            .saturating_sub(1)
            .min(self.plan.statuses.len() - 1);
        if self.polls == 0 {
            "pending"
        } else {
            self.plan.statuses[index]
        }
    }
}

/// The approvals the backend has handed out, by id.
#[derive(Debug, Default)]
pub struct Approvals {
    by_id: BTreeMap<String, Approval>,
}

/// A non-200 answer: status and JSON body.
pub type ErrorAnswer = (u16, Value);

impl Approvals {
    /// Creates an approval for a proxied call whose eventual answer is `answer`, returning the
    /// 202 `PendingApproval` body.
    pub fn create(&mut self, mut plan: ApprovalPlan, answer: ProviderAnswer) -> Value {
        if plan.statuses.is_empty() {
            plan.statuses.push("pending");
        }
        let id = random_uuid();
        let group_id = random_uuid();
        let expires_at = now_unix() + EXPIRES_IN;
        let url = format!("https://app.alterauth.com/approvals/{id}");
        let body = json!({
            "approval_id": id,
            "approval_group_id": group_id,
            "status": "pending",
            "expires_at": rfc3339(expires_at),
            "expires_in": EXPIRES_IN,
            "approval_url": url,
            "gates": [{
                "approval_id": id,
                "expires_at": rfc3339(expires_at),
                "expires_in": EXPIRES_IN,
                "approval_url": url,
            }],
        });
        let approval = Approval {
            group_id,
            plan,
            polls: 0,
            answer,
            expires_at,
        };
        self.by_id.insert(id, approval);
        body
    }

    /// `GET /sdk/approvals/{id}`: advances the plan by one step and reports it.
    pub fn poll(&mut self, id: &str) -> Result<Value, ErrorAnswer> {
        let approval = self.by_id.get_mut(id).ok_or_else(|| not_found(id))?;
        approval.polls += 1;
        let status = approval.current();
        let decided = !matches!(status, "pending");
        let gate_status = match status {
            "approved" | "executing" | "executed" | "failed" => "approved",
            other => other,
        };
        let decided_at = decided.then(|| rfc3339(now_unix()));
        Ok(json!({
            "approval_id": id,
            "status": status,
            "approval_group_id": approval.group_id,
            "gates": [{
                "approval_id": id,
                "status": gate_status,
                "expires_at": rfc3339(approval.expires_at),
                "decided_at": decided_at,
            }],
            "expires_at": rfc3339(approval.expires_at),
            "decided_at": decided_at,
            "decision_reason": approval.plan.decision_reason,
            "executed_at": matches!(status, "executed" | "failed").then(|| rfc3339(now_unix())),
            "execution_error": (status == "failed").then(|| approval.plan.execution_error.clone()).flatten(),
            "has_result": status == "executed",
        }))
    }

    /// Every approval follows `plan` from now on, as if decided now (its polls restart).
    pub fn settle_all(&mut self, plan: &ApprovalPlan) {
        for approval in self.by_id.values_mut() {
            approval.plan = plan.clone();
            approval.polls = 0;
        }
    }

    /// `GET /sdk/approvals/{id}/result`: the provider's answer once executed.
    pub fn result(&self, id: &str) -> Result<Value, ErrorAnswer> {
        let approval = self.by_id.get(id).ok_or_else(|| not_found(id))?;
        let error = |status: u16, code: &str, message: &str| {
            (
                status,
                json!({"detail": {"error": code, "message": message}}),
            )
        };
        match approval.current() {
            "executed" => Ok(approval.answer.approval_result(Some(id))),
            "denied" => Err(error(
                403,
                "approval_denied",
                approval
                    .plan
                    .decision_reason
                    .as_deref()
                    .unwrap_or("The request was denied."),
            )),
            "expired" => Err(error(
                410,
                "approval_expired",
                "The approval request expired.",
            )),
            "failed" => Err(error(
                502,
                "approval_execution_failed",
                approval
                    .plan
                    .execution_error
                    .as_deref()
                    .unwrap_or("Execution failed."),
            )),
            _ => Err(error(
                409,
                "approval_not_ready",
                "The approval has no result yet.",
            )),
        }
    }
}

fn not_found(id: &str) -> ErrorAnswer {
    (
        404,
        json!({"detail": {"error": "approval_not_found", "message": format!("No approval {id}.")}}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_the_plan_then_gives_the_result() {
        let mut approvals = Approvals::default();
        let answer = ProviderAnswer::json(200, &json!({"ok": true}));
        let pending = approvals.create(ApprovalPlan::executed(), answer);
        let id = pending["approval_id"].as_str().unwrap().to_owned();
        assert_eq!(pending["status"], "pending");
        assert_eq!(approvals.result(&id).unwrap_err().0, 409);
        let seen: Vec<Value> = (0..5)
            .map(|_| approvals.poll(&id).unwrap()["status"].clone())
            .collect();
        assert_eq!(
            seen,
            ["pending", "pending", "executing", "executed", "executed"]
        );
        let result = approvals.result(&id).unwrap();
        assert_eq!(result["approval_id"], id.as_str());
        assert_eq!(result["status_code"], 200);
        assert_eq!(approvals.poll("nope").unwrap_err().0, 404);
    }

    #[test]
    fn denied_result_carries_the_reason() {
        let mut approvals = Approvals::default();
        let pending = approvals.create(
            ApprovalPlan::denied("not today"),
            ProviderAnswer::empty(204),
        );
        let id = pending["approval_id"].as_str().unwrap();
        approvals.poll(id).unwrap();
        let status = approvals.poll(id).unwrap();
        assert_eq!(
            (status["status"].as_str(), status["has_result"].as_bool()),
            (Some("denied"), Some(false))
        );
        let (code, body) = approvals.result(id).unwrap_err();
        assert_eq!(
            (code, body["detail"]["message"].as_str()),
            (403, Some("not today"))
        );
    }
}
