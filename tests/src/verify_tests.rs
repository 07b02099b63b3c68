//! Unit tests of the verifier: the §2.2 test vectors produced by the real SDK, and every way a
//! request can be refused.

use hyper::HeaderMap;
use hyper::header::{HeaderName, HeaderValue};

use super::*;
use crate::client::sign_headers;

const DOC_KEY: &str = "alter_key_DOCexample000000000000000000000000000000";
const T: i64 = 1_767_225_600;
const NONCE: &str = "00112233445566778899aabbccddeeff";
const TOKEN_BODY: &str = r#"{"provider_id":"google","reason":null,"request":{"method":"GET","url":"https://www.googleapis.com/calendar/v3/calendars/primary/events"}}"#;
const PROXY_BODY: &str = r#"{"method":"POST","url":"https://slack.com/api/chat.postMessage","provider_id":"slack","body":{"channel":"C1","text":"hi"}}"#;
const ACTOR: &str = "5d6f0c1e-3b2a-4c8d-9e7f-102030405060";
const APPROVAL_TARGET: &str = "/sdk/approvals/11111111-2222-4333-8444-555555555555?wait=25";

fn verifier() -> Verifier {
    Verifier::new([(DOC_KEY, "agent-doc")])
}

fn map(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("valid name"),
            HeaderValue::from_str(value).expect("valid value"),
        );
    }
    headers
}

/// The headers the SDK sent for a vector: the recorded signature, not one we computed.
fn vector_headers(body: &str, signature: &str, extra: &[(&str, &str)]) -> HeaderMap {
    let sha = sha256_hex(body.as_bytes());
    let mut pairs = vec![
        ("x-api-key", DOC_KEY),
        ("X-Alter-Timestamp", "1767225600"),
        ("X-Alter-Nonce", NONCE),
        ("X-Alter-Content-SHA256", sha.as_str()),
        ("X-Alter-Signature", signature),
    ];
    pairs.extend_from_slice(extra);
    map(&pairs)
}

#[test]
fn derives_the_documented_signing_key() {
    assert_eq!(
        hex(&signing_key_bytes(DOC_KEY)),
        "efe5060ad08a2da4bdc76f72c47fd0ebf5bf74d3633149266a76ef0af6acab21"
    );
}

#[test]
fn vector_1_legacy_token_request_verifies() {
    assert_eq!(
        sha256_hex(TOKEN_BODY.as_bytes()),
        "9f330d41479efa3706ea8b1f9fd4fd087424387b10fbb8a4f29222ef762789a6"
    );
    let sig = "f9f649fb667de493fc63ff7cb8ae1fb7cd271a88d9a9632a50a496fb4bc6df29";
    let headers = vector_headers(TOKEN_BODY, sig, &[]);
    let verified = verifier()
        .verify("POST", "/sdk/token", &headers, TOKEN_BODY.as_bytes(), T)
        .expect("the SDK's signature verifies");
    assert_eq!(verified.agent_id, "agent-doc");
    assert_eq!(verified.context, None);
}

#[test]
fn vector_2_v2_proxy_request_verifies_with_and_without_actor_id() {
    assert_eq!(
        sha256_hex(PROXY_BODY.as_bytes()),
        "37bf78f76ba5382a50b3eff60c6f8311170ab34859791a0dfba37c337a68a629"
    );
    let identity = [
        ("X-Alter-Caller", "calendar-mcp"),
        ("X-Alter-Caller-Type", "agent"),
        ("X-Alter-Context", r#"{"tool":"post_message"}"#),
    ];
    let sig = "1456a130a78f0bb4ff031eb464149ab92173ef191b29110358185e4dccec9402";
    let mut extra = identity.to_vec();
    extra.push(("X-Alter-Signature-V2", sig));
    let headers = vector_headers(PROXY_BODY, sig, &extra);
    let verified = verifier()
        .verify("POST", "/sdk/proxy", &headers, PROXY_BODY.as_bytes(), T)
        .expect("V2 verifies");
    let context = verified.context.expect("context parsed");
    assert_eq!(context["tool"], "post_message");
    assert_eq!(verified.caller.as_deref(), Some("calendar-mcp"));

    let sig = "d0cf4b9cbda182822bf437de82f8175b72ff5641be0cfa628fc0b9e7bed66f5e";
    let mut extra = identity.to_vec();
    extra.push(("X-Alter-Actor-ID", ACTOR));
    extra.push(("X-Alter-Signature-V2", sig));
    let headers = vector_headers(PROXY_BODY, sig, &extra);
    verifier()
        .verify("POST", "/sdk/proxy", &headers, PROXY_BODY.as_bytes(), T)
        .expect("V2 with actor id verifies");
}

#[test]
fn vector_3_signed_query_verifies() {
    let sig = "28d858dd61b1c614b02fda10b49696b8cc476133c1ef22525754286f3e7f0ff7";
    let headers = vector_headers("", sig, &[]);
    verifier()
        .verify("GET", APPROVAL_TARGET, &headers, b"", T)
        .expect("GET with a query verifies");
}

#[test]
fn sign_headers_reproduces_the_vectors() {
    let parts = SignedParts {
        method: "POST".into(),
        target: "/sdk/proxy".into(),
        timestamp: T.to_string(),
        nonce: NONCE.into(),
        caller: "calendar-mcp".into(),
        caller_type: "agent".into(),
        actor_id: ACTOR.into(),
        context: r#"{"tool":"post_message"}"#.into(),
        ..SignedParts::default()
    };
    let headers = sign_headers(DOC_KEY, parts, PROXY_BODY.as_bytes());
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let expected = "d0cf4b9cbda182822bf437de82f8175b72ff5641be0cfa628fc0b9e7bed66f5e";
    assert_eq!(find("X-Alter-Signature"), Some(expected));
    assert_eq!(find("X-Alter-Signature-V2"), Some(expected));
}

#[test]
fn canonical_path_decodes_sorts_and_reencodes() {
    assert_eq!(canonical_path("/sdk/token"), "/sdk/token");
    assert_eq!(canonical_path("/sdk/token?"), "/sdk/token");
    assert_eq!(canonical_path("/sdk/a%20b/%C3%A4"), "/sdk/a b/ä");
    assert_eq!(canonical_path("/x?b=2&a=z&a=y"), "/x?a=y&a=z&b=2");
    assert_eq!(canonical_path("/x?q=a+b%2Fc&e&f="), "/x?e=&f=&q=a+b%2Fc");
    assert_eq!(canonical_path("/x?k=%7E~*"), "/x?k=~~%2A");
    // A non-empty raw query keeps its `?` even when no pair survives (as the SDK does).
    assert_eq!(canonical_path("/x?&"), "/x?");
}

fn signed(method: &str, target: &str, body: &[u8], extra: SignedParts, now: i64) -> HeaderMap {
    let parts = SignedParts {
        method: method.into(),
        target: target.into(),
        timestamp: now.to_string(),
        nonce: crate::util::hex(&crate::util::random_bytes::<16>()),
        ..extra
    };
    let pairs = sign_headers(DOC_KEY, parts, body);
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    map(&borrowed)
}

fn code(result: Result<Verified, Rejection>) -> &'static str {
    result.expect_err("request must be refused").code
}

#[test]
fn refuses_unknown_or_missing_keys() {
    let mut headers = signed("GET", "/sdk/x", b"", SignedParts::default(), T);
    headers.insert("x-api-key", HeaderValue::from_static("alter_key_other"));
    assert_eq!(
        code(verifier().verify("GET", "/sdk/x", &headers, b"", T)),
        "invalid_key"
    );
    headers.remove("x-api-key");
    assert_eq!(
        code(verifier().verify("GET", "/sdk/x", &headers, b"", T)),
        "invalid_key"
    );
}

#[test]
fn refuses_replayed_nonces() {
    let v = verifier();
    let headers = signed("POST", "/sdk/proxy", b"{}", SignedParts::default(), T);
    assert!(v.verify("POST", "/sdk/proxy", &headers, b"{}", T).is_ok());
    assert_eq!(
        code(v.verify("POST", "/sdk/proxy", &headers, b"{}", T)),
        "nonce_reused"
    );
}

#[test]
fn refuses_stale_and_future_timestamps() {
    let stale = signed("GET", "/sdk/x", b"", SignedParts::default(), T - 301);
    assert_eq!(
        code(verifier().verify("GET", "/sdk/x", &stale, b"", T)),
        "invalid_timestamp"
    );
    let future = signed("GET", "/sdk/x", b"", SignedParts::default(), T + 301);
    assert_eq!(
        code(verifier().verify("GET", "/sdk/x", &future, b"", T)),
        "invalid_timestamp"
    );
    let edge = signed("GET", "/sdk/x", b"", SignedParts::default(), T - 300);
    assert!(verifier().verify("GET", "/sdk/x", &edge, b"", T).is_ok());
}

#[test]
fn refuses_tampered_body_path_and_method() {
    let headers = signed(
        "POST",
        "/sdk/proxy",
        b"{\"a\":1}",
        SignedParts::default(),
        T,
    );
    let v = verifier();
    assert_eq!(
        code(v.verify("POST", "/sdk/proxy", &headers, b"{\"a\":2}", T)),
        "content_hash_mismatch"
    );
    assert_eq!(
        code(v.verify("POST", "/sdk/token", &headers, b"{\"a\":1}", T)),
        "invalid_signature"
    );
    assert_eq!(
        code(v.verify("PUT", "/sdk/proxy", &headers, b"{\"a\":1}", T)),
        "invalid_signature"
    );
    let mut wrong_hash = headers.clone();
    let sha = sha256_hex(b"{\"a\":2}");
    wrong_hash.insert(
        "x-alter-content-sha256",
        HeaderValue::from_str(&sha).unwrap(),
    );
    assert_eq!(
        code(v.verify("POST", "/sdk/proxy", &wrong_hash, b"{\"a\":2}", T)),
        "invalid_signature"
    );
}

#[test]
fn refuses_bad_nonce_format_and_missing_headers() {
    let mut headers = signed("GET", "/sdk/x", b"", SignedParts::default(), T);
    headers.insert(
        "x-alter-nonce",
        HeaderValue::from_static("00112233445566778899AABBCCDDEEFF"),
    );
    assert_eq!(
        code(verifier().verify("GET", "/sdk/x", &headers, b"", T)),
        "invalid_nonce"
    );
    headers.remove("x-alter-signature");
    assert_eq!(
        code(verifier().verify("GET", "/sdk/x", &headers, b"", T)),
        "missing_signature_headers"
    );
}

fn with_context(context: &str) -> SignedParts {
    SignedParts {
        context: context.into(),
        ..SignedParts::default()
    }
}

#[test]
fn refuses_identity_headers_signed_with_the_legacy_string() {
    let headers = signed("POST", "/sdk/proxy", b"{}", SignedParts::default(), T);
    let mut downgraded = headers.clone();
    downgraded.insert(
        "x-alter-context",
        HeaderValue::from_static(r#"{"tool":"x"}"#),
    );
    assert_eq!(
        code(verifier().verify("POST", "/sdk/proxy", &downgraded, b"{}", T)),
        "invalid_signature"
    );
    // V2 signature but without the V2 header: also refused (the SDK always sends both).
    let mut only_one = signed(
        "POST",
        "/sdk/proxy",
        b"{}",
        with_context(r#"{"tool":"x"}"#),
        T,
    );
    only_one.remove("x-alter-signature-v2");
    assert_eq!(
        code(verifier().verify("POST", "/sdk/proxy", &only_one, b"{}", T)),
        "invalid_signature"
    );
    let mut differing = signed(
        "POST",
        "/sdk/proxy",
        b"{}",
        with_context(r#"{"tool":"x"}"#),
        T,
    );
    differing.insert("x-alter-signature-v2", HeaderValue::from_static("00"));
    assert_eq!(
        code(verifier().verify("POST", "/sdk/proxy", &differing, b"{}", T)),
        "invalid_signature"
    );
    let mut tampered = signed(
        "POST",
        "/sdk/proxy",
        b"{}",
        with_context(r#"{"tool":"x"}"#),
        T,
    );
    tampered.insert(
        "x-alter-context",
        HeaderValue::from_static(r#"{"tool":"y"}"#),
    );
    assert_eq!(
        code(verifier().verify("POST", "/sdk/proxy", &tampered, b"{}", T)),
        "invalid_signature"
    );
}

#[test]
fn refuses_contexts_outside_the_limits() {
    let long_value = format!(r#"{{"tool":"{}"}}"#, "x".repeat(513));
    let many: Vec<String> = (0..21).map(|i| format!(r#""k{i}":"v""#)).collect();
    let many = format!("{{{}}}", many.join(","));
    for bad in [
        r#"["tool"]"#,
        r#"{"tool":1}"#,
        "not json",
        &long_value,
        &many,
    ] {
        let headers = signed("POST", "/sdk/proxy", b"{}", with_context(bad), T);
        let rejection = verifier()
            .verify("POST", "/sdk/proxy", &headers, b"{}", T)
            .expect_err(bad);
        assert_eq!(
            (rejection.status, rejection.code),
            (400, "invalid_context"),
            "{bad}"
        );
    }
}
