//! End users of a multi-tenant agent (protocol §9): the `user_token` a request carries picks
//! which user's delegated grant the call uses. The backend knows a few users by token; each
//! reaches their own calendar, so answers differ by user and attribution is observable.
//!
//! A token the backend does not know is answered 401 `jwt_validation_error` (a bad or expired
//! identity token); a known user who delegated nothing gets 409 `no_delegated_grant`.

use serde_json::{Map, Value, json};

use crate::endpoints::Answer;
use crate::providers::ProviderAnswer;
use crate::providers::google::USER_EMAIL;
use crate::validate::opt_str;

/// One end user the backend knows.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub token: String,
    /// `None`: the user exists but delegated no grant to the agent.
    pub email: Option<String>,
}

/// Whose grant a call uses: the agent's own (no `user_token`) or a user's.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Principal<'a> {
    Agent,
    User(&'a str),
}

impl Principal<'_> {
    /// A suffix that makes grant ids differ per user.
    pub fn grant_key(&self) -> String {
        match self {
            Principal::Agent => String::new(),
            Principal::User(email) => format!(":{email}"),
        }
    }

    /// The provider's answer as this principal's grant sees it: a user's calendar is theirs.
    pub fn personalize(&self, mut answer: ProviderAnswer) -> ProviderAnswer {
        if let Principal::User(email) = self {
            let text = String::from_utf8_lossy(&answer.body).replace(USER_EMAIL, email);
            answer.body = text.into_bytes();
        }
        answer
    }
}

/// Resolves the body's `user_token` against the known users.
pub(crate) fn resolve<'a>(
    users: &'a [User],
    body: &Map<String, Value>,
    provider: &str,
    agent_id: &str,
) -> Result<Principal<'a>, Answer> {
    let Some(token) = opt_str(body, "user_token")? else {
        return Ok(Principal::Agent);
    };
    match users.iter().find(|u| u.token == token) {
        None => Err(Answer::json(
            401,
            &json!({
                "error": "jwt_validation_error",
                "message": "The user token could not be validated.",
                "hint": "Sign the user in again to get a fresh identity token.",
            }),
        )),
        Some(User { email: None, .. }) => Err(Answer::json(
            409,
            &json!({
                "error": "no_delegated_grant",
                "message": format!("This user has not delegated a {provider} grant to this agent."),
                "hint": "Ask the user to connect the provider in Alter Connect and delegate it to this agent.",
                "provider_id": provider,
                "agent_id": agent_id,
            }),
        )),
        Some(User {
            email: Some(email), ..
        }) => Ok(Principal::User(email)),
    }
}
