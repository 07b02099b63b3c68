//! What an HTTP request must pass before rmcp's MCP service sees it: a body-size limit checked
//! from `Content-Length` (rmcp enforces the same limit while streaming chunked bodies) and the
//! caller's bearer token, which becomes the call's [`UserToken`].
//!
//! Invariants:
//! - The token leaves the `Authorization` header here: the header is removed and the token
//!   travels only as a [`UserToken`] in the request's extensions (whose `Debug` hides it), so no
//!   later log of the request parts can show it.
//! - Nothing is kept between requests: each request's token is read from that request alone.

use std::convert::Infallible;

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};
use hyper::{Request, Response, StatusCode};

use crate::alter::user_token::UserToken;

/// The response body type rmcp's service answers with; ours match it.
pub(crate) type Body = BoxBody<Bytes, Infallible>;

/// Longest bearer token accepted (identity JWTs are a few KiB at most).
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// What a request must satisfy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    pub max_body_bytes: usize,
    pub allow_anonymous: bool,
}

/// Why a request was refused before reaching MCP; [`Refusal::into_response`] answers it.
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    code: &'static str,
    /// The `WWW-Authenticate` challenge of a 401.
    challenge: Option<&'static str>,
    message: String,
}

impl Refusal {
    pub(crate) fn into_response(self) -> Response<Body> {
        let mut response = json_response(self.status, self.code, &self.message);
        if let Some(challenge) = self.challenge {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}

/// Admits an `/mcp` request (its token moved into the extensions), or refuses it.
pub(crate) fn admit<B>(request: &mut Request<B>, policy: Policy) -> Result<(), Refusal> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > policy.max_body_bytes as u64) {
        return Err(Refusal {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "payload_too_large",
            challenge: None,
            message: format!(
                "The request body is over the server's limit of {} bytes.",
                policy.max_body_bytes
            ),
        });
    }
    let mut values = request.headers().get_all(AUTHORIZATION).iter();
    let token = match (values.next(), values.next()) {
        (None, _) if policy.allow_anonymous => None,
        (None, _) => {
            return Err(unauthorized(
                "Bearer",
                "Send the end user's identity token as `Authorization: Bearer <token>`.",
            ));
        }
        (Some(value), None) => Some(bearer_token(value).ok_or_else(|| {
            unauthorized(
                "Bearer error=\"invalid_token\"",
                "The Authorization header must be `Bearer <token>` with a non-empty token.",
            )
        })?),
        (Some(_), Some(_)) => {
            return Err(unauthorized(
                "Bearer error=\"invalid_request\"",
                "Send exactly one Authorization header.",
            ));
        }
    };
    request.headers_mut().remove(AUTHORIZATION);
    if let Some(token) = token {
        request.extensions_mut().insert(token);
    }
    Ok(())
}

/// The token of `Bearer <token>` (scheme case-insensitive), if well formed (RFC 6750 token68).
fn bearer_token(value: &HeaderValue) -> Option<UserToken> {
    let text = value.to_str().ok()?;
    let (scheme, token) = text.trim().split_once(' ')?;
    let token = token.trim();
    let token68 = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b);
    let valid = scheme.eq_ignore_ascii_case("bearer")
        && !token.is_empty()
        && token.len() <= MAX_TOKEN_LEN
        && token.bytes().all(token68);
    valid.then(|| UserToken::new(token))
}

fn unauthorized(challenge: &'static str, message: &str) -> Refusal {
    Refusal {
        status: StatusCode::UNAUTHORIZED,
        code: "unauthorized",
        challenge: Some(challenge),
        message: message.to_owned(),
    }
}

/// `{"error": code, "message": message}` with `status`.
pub(crate) fn json_response(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({"error": code, "message": message}).to_string();
    let mut response = Response::new(Full::new(Bytes::from(body)).boxed());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        max_body_bytes: 100,
        allow_anonymous: false,
    };

    fn request(headers: &[(&str, &str)]) -> Request<()> {
        let mut builder = Request::post("/mcp");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap()
    }

    fn challenge(refusal: &Refusal) -> &str {
        refusal.challenge.unwrap()
    }

    #[test]
    fn the_bearer_token_moves_from_the_header_to_the_extensions() {
        let mut req = request(&[("authorization", "bearer eyJhbGciOi.x-y_z.sig=")]);
        admit(&mut req, POLICY).unwrap();
        assert!(req.headers().get(AUTHORIZATION).is_none());
        let token = req.extensions().get::<UserToken>().unwrap();
        assert_eq!(token.expose(), "eyJhbGciOi.x-y_z.sig=");
        assert!(!format!("{req:?}").contains("eyJhbGciOi"));
    }

    #[test]
    fn a_missing_token_is_401_with_a_bearer_challenge_unless_anonymous_is_allowed() {
        let refused = admit(&mut request(&[]), POLICY).unwrap_err();
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
        assert_eq!(challenge(&refused), "Bearer");
        let anonymous = Policy {
            allow_anonymous: true,
            ..POLICY
        };
        let mut req = request(&[]);
        admit(&mut req, anonymous).unwrap();
        assert!(req.extensions().get::<UserToken>().is_none());
    }

    #[test]
    fn malformed_or_repeated_credentials_are_refused_even_when_anonymous_is_allowed() {
        let anonymous = Policy {
            allow_anonymous: true,
            ..POLICY
        };
        for bad in ["Basic dXNlcjpwYXNz", "Bearer ", "Bearer a b", "Bearer a\"b"] {
            let refused = admit(&mut request(&[("authorization", bad)]), anonymous).unwrap_err();
            assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{bad}");
            assert!(challenge(&refused).contains("invalid_token"), "{bad}");
        }
        let twice = [("authorization", "Bearer a"), ("authorization", "Bearer b")];
        let refused = admit(&mut request(&twice), anonymous).unwrap_err();
        assert!(challenge(&refused).contains("invalid_request"));
    }

    #[test]
    fn a_declared_body_over_the_limit_is_413_before_anything_else() {
        let refused = admit(&mut request(&[("content-length", "101")]), POLICY).unwrap_err();
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
        let response = refused.into_response();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(response.headers().get(WWW_AUTHENTICATE).is_none());
        let mut at_limit = request(&[("content-length", "100"), ("authorization", "Bearer t")]);
        admit(&mut at_limit, POLICY).unwrap();
    }
}
