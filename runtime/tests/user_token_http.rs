//! `Agent::request_as`: the end user's identity token reaches Alter in the JSON body as
//! `user_token` (protocol §9), in both modes, at the SDK's key position, and nowhere else (not
//! in headers, errors or `Debug`).

mod support;

use alter_mcp_runtime::{AuditContext, ErrorKind, Method, Mode, ProviderRequest, UserToken};
use serde_json::json;
use support::{GRANT, Peer, Reply, agent, assert_signed};

const USER: &str = "eyJhbGciOiJSUzI1NiJ9.user-identity.sig";

fn list_calendars(base: &str) -> ProviderRequest {
    ProviderRequest::new(
        Method::Get,
        &format!("{base}/calendar/v3/users/me/calendarList"),
    )
}

#[tokio::test]
async fn proxy_mode_sends_the_user_token_after_provider_id() {
    let peer = Peer::start(|_| {
        Reply::json(
            200,
            json!({"status_code": 200, "headers": {}, "body_b64": "e30=", "body_truncated": false}),
        )
    })
    .await;
    let user = UserToken::new(USER);
    let context = AuditContext::for_tool("list_calendars");
    let request = list_calendars("https://www.googleapis.com");
    agent(&peer.url, Mode::Proxy)
        .request_as("google", &request, &context, Some(&user))
        .await
        .unwrap();
    let seen = &peer.seen()[0];
    assert_signed(seen);
    assert_eq!(
        seen.body_text(),
        format!(
            r#"{{"method":"GET","url":"https://www.googleapis.com/calendar/v3/users/me/calendarList","provider_id":"google","user_token":"{USER}"}}"#
        )
    );
    assert!(
        seen.headers.iter().all(|(_, v)| !v.contains(USER)),
        "never a header"
    );

    // Without a user, no `user_token` key at all (proxy mode omits nulls).
    agent(&peer.url, Mode::Proxy)
        .request("google", &request, &context)
        .await
        .unwrap();
    assert!(!peer.seen()[1].body_text().contains("user_token"));
}

#[tokio::test]
async fn retrieve_mode_sends_the_user_token_last_in_the_token_request() {
    let peer = Peer::start(|seen| match seen.target.as_str() {
        "/sdk/token" => Reply::json(
            200,
            json!({"access_token": "ya29.SECRET", "grant_id": GRANT, "provider_id": "google"}),
        ),
        "/sdk/oauth/audit/api-call" => Reply::raw(201, ""),
        _ => Reply::json(200, json!({"items": []})),
    })
    .await;
    let user = UserToken::new(USER);
    let request = list_calendars(&peer.url);
    agent(&peer.url, Mode::Retrieve)
        .request_as(
            "google",
            &request,
            &AuditContext::for_tool("list_calendars"),
            Some(&user),
        )
        .await
        .unwrap();
    let token = &peer.seen()[0];
    assert_eq!(token.target, "/sdk/token");
    assert_eq!(
        token.body_text(),
        format!(
            r#"{{"provider_id":"google","reason":null,"request":{{"method":"GET","url":"{}/calendar/v3/users/me/calendarList"}},"user_token":"{USER}"}}"#,
            peer.url
        )
    );
    let audit = peer.wait_for("/sdk/oauth/audit/api-call").await;
    assert!(
        !audit.body_text().contains(USER),
        "the audit row does not carry the token"
    );
}

#[tokio::test]
async fn a_rejected_user_token_is_a_typed_error_that_does_not_show_the_token() {
    let peer = Peer::start(|_| {
        Reply::json(
            401,
            json!({"error": "jwt_validation_error", "message": "The user token could not be validated."}),
        )
    })
    .await;
    let user = UserToken::new(USER);
    let error = agent(&peer.url, Mode::Proxy)
        .request_as(
            "google",
            &list_calendars("https://www.googleapis.com"),
            &AuditContext::for_tool("list_calendars"),
            Some(&user),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("jwt_validation_error"));
    assert_eq!(error.kind(), &ErrorKind::UserReauthRequired, "{error:?}");
    assert!(error.tool_message().contains("sign in again"));
    let shown = format!("{error} {error:?} {} {user:?}", error.tool_message());
    assert!(!shown.contains(USER), "{shown}");
}
