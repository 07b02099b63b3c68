//! The end user a call is made for: their identity token, which Alter checks and uses to pick
//! that user's delegated grant (protocol §9). Over HTTP it is the bearer token of the MCP
//! request; over stdio there is none.
//!
//! Invariant: a credential, so `Debug` never shows it, and the text leaves only through
//! [`UserToken::expose`], into the request body sent to Alter.

/// An end user's identity token. A credential: `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct UserToken(String);

impl UserToken {
    /// Wraps a token as received (over HTTP, the text after `Bearer `); nothing is checked,
    /// Alter decides whether it is valid.
    pub fn new(token: impl Into<String>) -> UserToken {
        UserToken(token.into())
    }

    /// The token itself, for the request body sent to Alter and nowhere else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for UserToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserToken(<redacted>)")
    }
}
