//! HMAC request signing for `/sdk/*` calls, exactly as protocol §2.2 describes; pure functions
//! so the published test vectors pin them.
//!
//! Invariant: the derived signing key is the only form of the agent key kept after start-up
//! besides the sensitive `x-api-key` header value; it is never formatted (`Debug` is redacted).
//! Scope constraints and request rules are never sent, so their signature fields stay empty.

use std::fmt;

use aws_lc_rs::{digest, hmac, rand::SecureRandom};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::error::Error;
use super::key::AgentKey;

/// Python's `urlencode` keeps these bytes as they are; every other byte becomes `%XX`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');

/// `K = HMAC-SHA256(key bytes, "alter-signing-v1")`, derived once per agent.
pub(crate) struct SigningKey(hmac::Key);

impl SigningKey {
    pub(crate) fn derive(key: &AgentKey) -> SigningKey {
        let outer = hmac::Key::new(hmac::HMAC_SHA256, key.expose().as_bytes());
        let k = hmac::sign(&outer, b"alter-signing-v1");
        SigningKey(hmac::Key::new(hmac::HMAC_SHA256, k.as_ref()))
    }

    fn sign_hex(&self, message: &str) -> String {
        hex(hmac::sign(&self.0, message.as_bytes()).as_ref())
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// The identity headers bound into the V2 signature, each only when sent and non-empty.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Identity<'a> {
    pub caller: Option<&'a str>,
    pub caller_type: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    /// The exact `X-Alter-Context` header string.
    pub context: Option<&'a str>,
}

/// What one request to sign consists of. `target` is the path relative to the base URL,
/// with its raw query (`/sdk/approvals/<id>?wait=25`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignInput<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub body: &'a [u8],
    pub timestamp: u64,
    pub nonce: &'a str,
    pub identity: Identity<'a>,
}

/// The values of the signature headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signed {
    pub timestamp: String,
    pub nonce: String,
    pub content_sha256: String,
    pub signature: String,
    /// True when `signature` is the V2 HMAC and goes in `X-Alter-Signature-V2` as well.
    pub v2: bool,
}

/// Signs one request (§2.2 steps 2-5).
pub(crate) fn sign(key: &SigningKey, input: &SignInput<'_>) -> Signed {
    let content_sha256 = content_sha256(input.body);
    let legacy = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        input.method.to_ascii_uppercase(),
        canonical_path(input.target),
        input.timestamp,
        input.nonce,
        content_sha256,
    );
    let mut v2 = legacy.clone();
    let id = &input.identity;
    let suffixes = [
        ("caller", id.caller),
        ("caller-type", id.caller_type),
        ("actor-id", id.actor_id),
        ("actor-context", id.context),
    ];
    for (label, value) in suffixes {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            v2.push_str(&format!("\n{label}:{value}"));
        }
    }
    let is_v2 = v2 != legacy;
    Signed {
        timestamp: input.timestamp.to_string(),
        nonce: input.nonce.to_owned(),
        content_sha256,
        signature: key.sign_hex(if is_v2 { &v2 } else { &legacy }),
        v2: is_v2,
    }
}

/// Lower-case hex SHA-256 of the exact body bytes.
pub(crate) fn content_sha256(body: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, body).as_ref())
}

/// The signed form of a request target: path percent-decoded; a non-empty query parsed,
/// sorted by name then value and re-encoded form-style (§2.2 step 2).
pub(crate) fn canonical_path(target: &str) -> String {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    if query.is_empty() {
        return decoded.into_owned();
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
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

fn form_decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

fn form_encode(text: &str) -> String {
    // A literal "%20" in the input is encoded as "%2520", so this replace only hits spaces.
    utf8_percent_encode(text, FORM)
        .to_string()
        .replace("%20", "+")
}

/// A fresh nonce: 16 random bytes as 32 lower-case hex characters.
pub(crate) fn new_nonce(rng: &dyn SecureRandom) -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes)
        .map_err(|_| Error::config("the system random number generator failed"))?;
    Ok(hex(&bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "alter_key_DOCexample000000000000000000000000000000";
    const TS: u64 = 1_767_225_600;
    const NONCE: &str = "00112233445566778899aabbccddeeff";
    const TOKEN_BODY: &str = r#"{"provider_id":"google","reason":null,"request":{"method":"GET","url":"https://www.googleapis.com/calendar/v3/calendars/primary/events"}}"#;
    const PROXY_BODY: &str = r#"{"method":"POST","url":"https://slack.com/api/chat.postMessage","provider_id":"slack","body":{"channel":"C1","text":"hi"}}"#;

    fn key() -> SigningKey {
        SigningKey::derive(&AgentKey::new(KEY).unwrap())
    }

    fn input<'a>(method: &'a str, target: &'a str, body: &'a str) -> SignInput<'a> {
        SignInput {
            method,
            target,
            body: body.as_bytes(),
            timestamp: TS,
            nonce: NONCE,
            identity: Identity::default(),
        }
    }

    #[test]
    fn derives_k() {
        let outer = hmac::Key::new(hmac::HMAC_SHA256, KEY.as_bytes());
        assert_eq!(
            hex(hmac::sign(&outer, b"alter-signing-v1").as_ref()),
            "efe5060ad08a2da4bdc76f72c47fd0ebf5bf74d3633149266a76ef0af6acab21"
        );
    }

    #[test]
    fn vector_1_token_legacy() {
        let signed = sign(&key(), &input("POST", "/sdk/token", TOKEN_BODY));
        assert_eq!(
            signed.content_sha256,
            "9f330d41479efa3706ea8b1f9fd4fd087424387b10fbb8a4f29222ef762789a6"
        );
        assert_eq!(
            signed.signature,
            "f9f649fb667de493fc63ff7cb8ae1fb7cd271a88d9a9632a50a496fb4bc6df29"
        );
        assert!(!signed.v2);
        assert_eq!(signed.timestamp, "1767225600");
    }

    #[test]
    fn vector_2_proxy_v2_with_and_without_actor() {
        let mut request = input("POST", "/sdk/proxy", PROXY_BODY);
        request.identity = Identity {
            caller: Some("calendar-mcp"),
            caller_type: Some("agent"),
            actor_id: None,
            context: Some(r#"{"tool":"post_message"}"#),
        };
        let signed = sign(&key(), &request);
        assert_eq!(
            signed.content_sha256,
            "37bf78f76ba5382a50b3eff60c6f8311170ab34859791a0dfba37c337a68a629"
        );
        assert_eq!(
            signed.signature,
            "1456a130a78f0bb4ff031eb464149ab92173ef191b29110358185e4dccec9402"
        );
        assert!(signed.v2);
        request.identity.actor_id = Some("5d6f0c1e-3b2a-4c8d-9e7f-102030405060");
        assert_eq!(
            sign(&key(), &request).signature,
            "d0cf4b9cbda182822bf437de82f8175b72ff5641be0cfa628fc0b9e7bed66f5e"
        );
    }

    #[test]
    fn vector_3_get_with_query_and_empty_body() {
        let target = "/sdk/approvals/11111111-2222-4333-8444-555555555555?wait=25";
        let signed = sign(&key(), &input("get", target, ""));
        assert_eq!(
            signed.content_sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            signed.signature,
            "28d858dd61b1c614b02fda10b49696b8cc476133c1ef22525754286f3e7f0ff7"
        );
        assert!(!signed.v2);
    }

    #[test]
    fn empty_identity_values_do_not_make_v2() {
        let mut request = input("POST", "/sdk/token", TOKEN_BODY);
        request.identity.context = Some("");
        let signed = sign(&key(), &request);
        assert!(!signed.v2);
        assert_eq!(
            signed.signature,
            "f9f649fb667de493fc63ff7cb8ae1fb7cd271a88d9a9632a50a496fb4bc6df29"
        );
    }

    #[test]
    fn canonical_paths() {
        let cases = [
            ("/sdk/token", "/sdk/token"),
            ("/sdk/token?", "/sdk/token"),
            ("/sdk/a%20b/%C3%A9", "/sdk/a b/é"),
            ("/sdk/x%2Fy", "/sdk/x/y"),
            ("/sdk/bad%zz", "/sdk/bad%zz"),
            ("/sdk/x?wait=25", "/sdk/x?wait=25"),
            ("/sdk/x?b=2&a=1", "/sdk/x?a=1&b=2"),
            ("/sdk/x?a=2&a=1&a=10", "/sdk/x?a=1&a=10&a=2"),
            ("/sdk/x?q=a+b&r=%2B", "/sdk/x?q=a+b&r=%2B"),
            ("/sdk/x?q=a%20b", "/sdk/x?q=a+b"),
            ("/sdk/x?flag&empty=", "/sdk/x?empty=&flag="),
            ("/sdk/x?&", "/sdk/x?"),
            ("/sdk/x?n=%C3%A9~_.-*", "/sdk/x?n=%C3%A9~_.-%2A"),
            ("/sdk/x?k=%2520", "/sdk/x?k=%2520"),
        ];
        for (target, expected) in cases {
            assert_eq!(canonical_path(target), expected, "{target}");
        }
    }

    #[test]
    fn nonces_are_fresh_hex() {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let a = new_nonce(&rng).unwrap();
        let b = new_nonce(&rng).unwrap();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }

    #[test]
    fn signing_key_debug_is_redacted() {
        assert_eq!(format!("{:?}", key()), "SigningKey(<redacted>)");
    }
}
