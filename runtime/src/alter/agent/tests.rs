//! Agent configuration tests: environment, base URL rules, mode, redaction.

use super::*;
use crate::alter::wire::query_map;
use serde_json::{Value, json};

const KEY: &str = "alter_key_DOCexample000000000000000000000000000000";

fn lookup<'a>(
    vars: &'a [(&'a str, &'a str)],
) -> impl Fn(&str) -> Result<Option<String>, Error> + 'a {
    move |name| {
        Ok(vars
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned()))
    }
}

#[test]
fn env_defaults() {
    let agent = Agent::from_lookup(lookup(&[(KEY_ENV, KEY)])).unwrap();
    assert_eq!(agent.base_url(), DEFAULT_BASE_URL);
    assert_eq!(agent.mode(), Mode::Proxy);
    assert_eq!(agent.timeout(), Duration::from_secs(30));
}

#[test]
fn env_overrides_and_whitespace() {
    let vars = [
        (
            KEY_ENV,
            " alter_key_DOCexample000000000000000000000000000000\n",
        ),
        (BASE_URL_ENV, "http://127.0.0.1:8080//"),
        (MODE_ENV, "Retrieve"),
    ];
    let agent = Agent::from_lookup(lookup(&vars)).unwrap();
    assert_eq!(agent.base_url(), "http://127.0.0.1:8080");
    assert_eq!(agent.mode(), Mode::Retrieve);
}

#[test]
fn env_errors_are_typed_and_secret_free() {
    let missing = Agent::from_lookup(lookup(&[])).unwrap_err();
    assert_eq!(missing.kind(), &ErrorKind::MissingKey);
    assert!(missing.tool_message().contains("ALTER_MCP_AGENT_KEY"));
    let blank = Agent::from_lookup(lookup(&[(KEY_ENV, "  ")])).unwrap_err();
    assert_eq!(blank.kind(), &ErrorKind::MissingKey);
    let typo = "alter_key_DOCexample00000000000000000000000000000";
    let bad_key = Agent::from_lookup(lookup(&[(KEY_ENV, typo)])).unwrap_err();
    assert_eq!(bad_key.kind(), &ErrorKind::Config);
    assert!(bad_key.message().starts_with("ALTER_MCP_AGENT_KEY: "));
    assert!(!format!("{bad_key} {bad_key:?}").contains("DOCexample"));
    let bad_mode = Agent::from_lookup(lookup(&[(KEY_ENV, KEY), (MODE_ENV, "direct")]));
    assert!(
        bad_mode
            .unwrap_err()
            .message()
            .contains("`proxy` or `retrieve`")
    );
    let empty_url = Agent::from_lookup(lookup(&[(KEY_ENV, KEY), (BASE_URL_ENV, "")]));
    assert_eq!(empty_url.unwrap_err().kind(), &ErrorKind::Config);
}

#[test]
fn base_url_rules() {
    let good = [
        (
            "https://backend.alterauth.com/",
            "https://backend.alterauth.com",
        ),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://LOCALHOST", "http://LOCALHOST"),
        ("http://127.0.0.1:9", "http://127.0.0.1:9"),
        ("http://[::1]:9/", "http://[::1]:9"),
        (
            "https://example.com/prefix///",
            "https://example.com/prefix",
        ),
    ];
    for (raw, expected) in good {
        assert_eq!(validate_base_url(raw).unwrap(), expected, "{raw}");
    }
    let bad = [
        "",
        "/",
        "http://example.com",
        "http://127.0.0.2",
        "http://localhost.example.com",
        "ftp://localhost",
        "file:///etc/passwd",
        "https://user:pw@example.com",
        "https://example.com?x=1",
        "https://example.com/#frag",
        "not a url",
    ];
    for raw in bad {
        let error = validate_base_url(raw).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Config, "{raw}");
        assert!(!error.message().contains("pw@"), "{error}");
    }
}

#[test]
fn debug_never_shows_the_key() {
    let agent = Agent::builder(AgentKey::new(KEY).unwrap())
        .base_url("http://127.0.0.1:1")
        .timeout(Duration::from_secs(2))
        .mode(Mode::Retrieve)
        .build()
        .unwrap();
    let shown = format!(
        "{agent:?} {:?}",
        Agent::builder(AgentKey::new(KEY).unwrap())
    );
    assert!(!shown.contains("DOCexample"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    assert!(agent.inner.api_key.is_sensitive());
}

#[test]
fn repeated_query_names_become_arrays() {
    let params = vec![
        ("a".to_owned(), json!(1)),
        ("b".to_owned(), json!(["x"])),
        ("a".to_owned(), json!(2)),
        ("b".to_owned(), json!("y")),
    ];
    assert_eq!(
        Value::Object(query_map(&params)),
        json!({"a": [1, 2], "b": ["x", "y"]})
    );
}

#[test]
fn json_query_values_reach_the_proxy_as_strings() {
    let mut request = ProviderRequest::new(crate::request::Method::Get, "https://h/x");
    request
        .query_json("filter", json!({"a": [1, 2]}))
        .query_json("s", "abc");
    assert_eq!(
        Value::Object(query_map(request.query_params())),
        json!({"filter": "{\"a\":[1,2]}", "s": "\"abc\""})
    );
}

#[tokio::test]
async fn reserved_headers_and_bad_requests_are_refused_locally() {
    // Port 9 (discard) is never contacted: the checks run before anything is sent.
    let agent = Agent::builder(AgentKey::new(KEY).unwrap())
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let mut request = ProviderRequest::new(crate::request::Method::Get, "https://h.example/x");
    request.header("Authorization", "Bearer mine");
    let context = AuditContext::for_tool("t");
    let error = agent
        .request("google", &request, &context)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidRequest);
    assert!(error.message().contains("Authorization"));
    let unfilled = ProviderRequest::new(crate::request::Method::Get, "https://h.example/{id}");
    let error = agent
        .request("google", &unfilled, &context)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::InvalidRequest);
    assert!(error.tool_message().contains("{id}"));
}
