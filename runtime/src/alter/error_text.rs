//! [`Error::tool_message`]: the text a failed tool call returns, written for the model and the
//! user at once: what happened, and the next step (who does what, whether to retry).
//!
//! Invariant: built only from the error's own fields, which never hold the key.

use super::error::{Error, ErrorKind};
use super::wire::PendingApproval;
use crate::env::KEY_ENV;

pub(crate) fn tool_message(error: &Error) -> String {
    let text = match error.kind() {
        ErrorKind::MissingKey | ErrorKind::Config | ErrorKind::InvalidRequest => local_text(error),
        ErrorKind::NoDelegatedGrant { .. }
        | ErrorKind::GrantNotFound { .. }
        | ErrorKind::GrantUnavailable
        | ErrorKind::ScopeReauthRequired
        | ErrorKind::ProviderUnauthorized { .. } => grant_text(error),
        ErrorKind::AgentRevoked | ErrorKind::AgentInactive | ErrorKind::KeyRejected => {
            agent_text(error)
        }
        ErrorKind::PolicyDenied { .. }
        | ErrorKind::RequiresProxy
        | ErrorKind::RateLimited { .. } => policy_text(error),
        ErrorKind::ApprovalPending(_)
        | ErrorKind::ApprovalDenied
        | ErrorKind::ApprovalExpired
        | ErrorKind::ApprovalFailed => approval_text(error),
        ErrorKind::Provider {
            status,
            body_excerpt,
        } => format!("{} returned HTTP {status}: {body_excerpt}", provider(error)),
        ErrorKind::Backend => backend_text(error),
        ErrorKind::MalformedResponse | ErrorKind::Network | ErrorKind::Timeout => {
            transport_text(error)
        }
        ErrorKind::Busy => format!(
            "This server is busy: {}. Try again in a few seconds.",
            said(error)
        ),
        ErrorKind::Cancelled => format!("Cancelled: {}.", said(error)),
        ErrorKind::UserReauthRequired => format!(
            "Alter could not validate the end user's identity token (the bearer token of this \
             MCP request): {}. The user must sign in again in the app that calls this server, \
             so that it sends a fresh token; then call again.",
            said(error)
        ),
    };
    let text = match error.hint() {
        Some(hint) if !text.contains(hint) => format!("{text} Hint from Alter: {hint}"),
        _ => text,
    };
    match error.retry_after() {
        Some(after) if !text.contains("Retry after") => {
            let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            format!("{text} Retry after {seconds} s, not sooner.")
        }
        _ => text,
    }
}

/// The provider's display name, or "the provider".
fn provider(error: &Error) -> String {
    display_name(error.provider().unwrap_or("the provider"))
}

/// The error's message without a final period, so it can end a clause.
fn said(error: &Error) -> &str {
    error.message().trim_end_matches('.')
}

/// Problems found before anything was sent.
fn local_text(error: &Error) -> String {
    let message = said(error);
    match error.kind() {
        ErrorKind::MissingKey => format!(
            "No Alter agent key is configured, so this tool cannot call {}. Set the environment \
             variable {KEY_ENV} to the agent's key (from the Alter dashboard) in this MCP \
             server's configuration and restart the server.",
            provider(error)
        ),
        ErrorKind::Config => format!(
            "The Alter MCP server is misconfigured: {message}. Fix its configuration \
             ({KEY_ENV}, ALTER_BASE_URL, ALTER_MCP_MODE) and restart the server."
        ),
        _ => format!("The request was not sent: {message}. Change the arguments and call again."),
    }
}

/// The user's connection to the provider is missing or unusable: the user must act.
fn grant_text(error: &Error) -> String {
    let (message, provider) = (said(error), provider(error));
    match error.kind() {
        ErrorKind::NoDelegatedGrant {
            provider_id,
            agent_id,
        } => {
            let provider_id = provider_id
                .as_deref()
                .or(error.provider())
                .unwrap_or("the provider");
            let agent = agent_id.as_deref().unwrap_or("this agent's id");
            format!(
                "No delegated grant for provider `{provider_id}` for this agent. Ask the user to \
                 run an Alter Connect session with agent={agent} and grant {} access, then call \
                 again.",
                display_name(provider_id)
            )
        }
        ErrorKind::GrantNotFound { provider_id } => {
            let provider = provider_id.as_deref().map_or(provider, display_name);
            format!(
                "Alter found no {provider} connection (grant) for this agent: {message}. Ask the \
                 user to connect {provider} in Alter and delegate it to this agent, then call again."
            )
        }
        ErrorKind::GrantUnavailable => format!(
            "The {provider} connection in Alter can no longer be used (expired, revoked or \
             deleted): {message}. Ask the user to reconnect {provider} in Alter, then call again."
        ),
        ErrorKind::ScopeReauthRequired => format!(
            "The {provider} connection lacks a permission this call needs: {message}. Ask the user \
             to reconnect {provider} in Alter and grant the requested permissions, then call again."
        ),
        _ => format!(
            "{provider} rejected the credential Alter supplied (HTTP {}): {message}. Ask the user \
             to reconnect {provider} in Alter, then call again.",
            error.status().unwrap_or(401)
        ),
    }
}

/// The agent itself cannot act: the operator must fix it.
fn agent_text(error: &Error) -> String {
    let message = said(error);
    match error.kind() {
        ErrorKind::AgentRevoked => format!(
            "This Alter agent has been revoked: {message}. Provision a new agent in Alter and \
             update {KEY_ENV} with its key, then restart the server. Retrying will not help."
        ),
        ErrorKind::AgentInactive => format!(
            "This Alter agent is inactive (paused): {message}. Ask the user to re-activate it in \
             Alter, then call again."
        ),
        _ => format!(
            "Alter rejected the agent key ({}): {message}. Issue a new key for this agent in \
             Alter, update {KEY_ENV} and restart the server. Retrying will not help.",
            error.code().unwrap_or("invalid key")
        ),
    }
}

/// Alter's rules said no, or not now.
fn policy_text(error: &Error) -> String {
    let message = said(error);
    match error.kind() {
        ErrorKind::PolicyDenied { policy } => format!(
            "Alter policy `{policy}` denied this call: {message}. Do not retry it unchanged; \
             change the request, or ask the user to adjust the policy in Alter."
        ),
        ErrorKind::RateLimited { retry_after, quota } => {
            let what = if *quota { "quota" } else { "rate limit" };
            match retry_after {
                Some(seconds) => {
                    format!("Alter {what} reached: {message}. Retry after {seconds} s, not sooner.")
                }
                None => format!("Alter {what} reached: {message}. Wait a while before retrying."),
            }
        }
        _ => format!(
            "This {} grant may only be used through the Alter proxy ({}). Set \
             ALTER_MCP_MODE=proxy (the default) and restart the server.",
            provider(error),
            error.code().unwrap_or("requires proxy")
        ),
    }
}

/// Human-in-the-loop outcomes.
fn approval_text(error: &Error) -> String {
    let message = said(error);
    match error.kind() {
        ErrorKind::ApprovalPending(pending) => {
            let mut text = format!(
                "This call needs a human approval in Alter before it runs. Ask the user to approve \
                 it at {} (approval {}, expires in {} s).",
                pending.approval_url, pending.approval_id, pending.expires_in
            );
            text.push_str(&other_approvers(pending));
            text.push_str(&format!(
                " Nobody has decided yet ({}). Once it is approved, Alter runs the request \
                 itself; then call this tool again with the same arguments to get the result: \
                 the server resumes waiting on this approval instead of asking for a new one, so \
                 the action runs once.",
                error.message()
            ));
            text
        }
        ErrorKind::ApprovalDenied => {
            format!("A human denied this call in Alter: {message}. Do not retry it unchanged.")
        }
        ErrorKind::ApprovalExpired => format!(
            "Nobody approved this call in time, so the approval expired: {message}. Call again \
             to request a new approval."
        ),
        _ => format!("The call was approved, but it failed when Alter ran it: {message}."),
    }
}

/// The answer never arrived, or made no sense.
fn transport_text(error: &Error) -> String {
    let message = said(error);
    if *error.kind() == ErrorKind::MalformedResponse {
        return format!(
            "Alter returned an answer this server could not use: {message}. This is probably a \
             temporary problem on Alter's side; try again later."
        );
    }
    let endpoint = error.endpoint().unwrap_or("the Alter backend");
    let what = match (error.kind(), error.maybe_sent()) {
        (ErrorKind::Timeout, _) => "The request timed out",
        (_, true) => "The connection failed before an answer arrived",
        _ => "Could not connect",
    };
    // A change that may have happened must not be repeated blindly (a POST is never retried).
    let caution = if error.maybe_sent() {
        " The request may have been carried out: check before repeating a change."
    } else {
        ""
    };
    let check = if endpoint.starts_with("the Alter backend") {
        "Check the network connection and ALTER_BASE_URL, then try again."
    } else {
        "Check the network connection, then try again."
    };
    format!("{what} ({endpoint}): {message}.{caution} {check}")
}

fn backend_text(error: &Error) -> String {
    let status = error.status().map(|s| format!("HTTP {s}"));
    let what = [status.as_deref(), error.code()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let retry = match error.status() {
        Some(500..=599) => " This may be temporary; try again later.",
        _ => "",
    };
    format!("Alter returned an error ({what}): {}.{retry}", said(error))
}

/// One sentence per further approver whose link differs from the approval's own (a gate).
pub(crate) fn other_approvers(pending: &PendingApproval) -> String {
    pending
        .gates
        .iter()
        .filter(|g| g.approval_url != pending.approval_url)
        .map(|gate| {
            format!(
                " Another approver must also approve at {}.",
                gate.approval_url
            )
        })
        .collect()
}

/// `google` → `Google`: provider ids are lower-case words; the message reads better capitalized.
pub(crate) fn display_name(provider_id: &str) -> String {
    let mut chars = provider_id.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alter::wire::{ApprovalGate, PendingApproval};

    fn message(kind: ErrorKind, text: &str) -> String {
        Error::new(kind, text)
            .with_provider("google")
            .tool_message()
    }

    #[test]
    fn no_delegated_grant_names_provider_and_agent() {
        let kind = ErrorKind::NoDelegatedGrant {
            provider_id: None,
            agent_id: Some("ag_123".into()),
        };
        assert_eq!(
            message(kind, "none"),
            "No delegated grant for provider `google` for this agent. Ask the user to run an \
             Alter Connect session with agent=ag_123 and grant Google access, then call again."
        );
        let kind = ErrorKind::NoDelegatedGrant {
            provider_id: Some("slack".into()),
            agent_id: None,
        };
        let text = message(kind, "none");
        assert!(
            text.contains("`slack`") && text.contains("agent=this agent's id"),
            "{text}"
        );
    }

    #[test]
    fn each_kind_says_what_to_do() {
        let cases: Vec<(ErrorKind, &str)> = vec![
            (
                ErrorKind::MissingKey,
                "Set the environment variable ALTER_MCP_AGENT_KEY",
            ),
            (
                ErrorKind::AgentRevoked,
                "Provision a new agent in Alter and update ALTER_MCP_AGENT_KEY",
            ),
            (ErrorKind::AgentInactive, "re-activate it in Alter"),
            (
                ErrorKind::PolicyDenied {
                    policy: "weekday_only".into(),
                },
                "policy `weekday_only`",
            ),
            (
                ErrorKind::RateLimited {
                    retry_after: Some(30),
                    quota: false,
                },
                "Retry after 30 s",
            ),
            (
                ErrorKind::Provider {
                    status: 404,
                    body_excerpt: "Not Found".into(),
                },
                "Google returned HTTP 404: Not Found",
            ),
            (
                ErrorKind::ProviderUnauthorized { status: 401 },
                "reconnect Google",
            ),
            (ErrorKind::GrantUnavailable, "reconnect Google"),
            (ErrorKind::RequiresProxy, "ALTER_MCP_MODE=proxy"),
        ];
        for (kind, expected) in cases {
            let text = message(kind.clone(), "detail");
            assert!(text.contains(expected), "{kind:?}: {text}");
        }
    }

    #[test]
    fn network_errors_name_the_endpoint() {
        let error = Error::new(ErrorKind::Network, "connection refused")
            .with_endpoint("the Alter backend at http://127.0.0.1:9");
        assert_eq!(
            error.tool_message(),
            "Could not connect (the Alter backend at http://127.0.0.1:9): connection refused. \
             Check the network connection and ALTER_BASE_URL, then try again."
        );
    }

    #[test]
    fn a_request_that_may_have_run_says_so() {
        let lost = Error::new(
            ErrorKind::Network,
            "connection closed before message completed",
        )
        .with_endpoint("the Alter backend at http://127.0.0.1:9")
        .with_maybe_sent(true);
        let text = lost.tool_message();
        assert!(
            text.starts_with("The connection failed before an answer arrived"),
            "{text}"
        );
        assert!(text.contains("may have been carried out"), "{text}");
        let slow = Error::new(ErrorKind::Timeout, "operation timed out").with_maybe_sent(true);
        assert!(slow.tool_message().contains("may have been carried out"));
        let later = Error::new(
            ErrorKind::Provider {
                status: 429,
                body_excerpt: "x".into(),
            },
            "x",
        )
        .with_retry_after(std::time::Duration::from_millis(1500));
        assert!(
            later
                .tool_message()
                .ends_with("Retry after 2 s, not sooner.")
        );
    }

    #[test]
    fn pending_approval_shows_every_link() {
        let gate = |id: &str, url: &str| ApprovalGate {
            approval_id: id.into(),
            approval_url: url.into(),
            expires_in: 60,
        };
        let pending = PendingApproval {
            approval_id: "a1".into(),
            approval_group_id: "g1".into(),
            approval_url: "https://alter/a1".into(),
            expires_at: "2026-01-01T00:00:00Z".into(),
            expires_in: 60,
            gates: vec![
                gate("a1", "https://alter/a1"),
                gate("a2", "https://alter/a2"),
            ],
        };
        let text = message(ErrorKind::ApprovalPending(pending), "pending");
        assert!(
            text.contains("https://alter/a1") && text.contains("https://alter/a2"),
            "{text}"
        );
        assert!(
            text.contains("call this tool again with the same arguments"),
            "{text}"
        );
        assert!(
            text.contains("(pending)"),
            "says how long it waited: {text}"
        );
    }

    #[test]
    fn backend_errors_show_status_code_and_hint() {
        let error = Error::new(ErrorKind::Backend, "boom")
            .with_status(503)
            .with_code(Some("maintenance".into()))
            .with_hint(Some("wait 5 minutes".into()));
        assert_eq!(
            error.tool_message(),
            "Alter returned an error (HTTP 503, maintenance): boom. This may be temporary; try \
             again later. Hint from Alter: wait 5 minutes"
        );
    }
}
