use super::*;
use crate::alter::user_token::UserToken;
use crate::request::Method;
use crate::tool::{Annotations, ResponseRule};

fn def(destructive: bool) -> ToolDef {
    fn build(_: crate::tool::Arguments) -> Result<ProviderRequest, crate::tool::ArgumentError> {
        Ok(ProviderRequest::new(Method::Delete, "https://h/x"))
    }
    ToolDef {
        name: "delete_event",
        title: "",
        description: "",
        input_schema: "{}",
        provider: "google",
        operation_id: "calendar.events.delete",
        annotations: Annotations {
            destructive,
            ..Annotations::default()
        },
        response: ResponseRule::HttpStatus,
        build,
        output: None,
        spec_hash: "",
    }
}

fn pending(id: &str, expires_in: i64) -> PendingApproval {
    PendingApproval {
        approval_id: id.into(),
        approval_group_id: "g".into(),
        approval_url: format!("https://alter/{id}"),
        expires_at: "2026-01-01T00:00:00Z".into(),
        expires_in,
        gates: Vec::new(),
    }
}

#[test]
fn destructive_tools_use_the_proxy_in_every_mode() {
    assert_eq!(mode_for(&def(true), Mode::Retrieve), Mode::Proxy);
    assert_eq!(mode_for(&def(false), Mode::Retrieve), Mode::Retrieve);
    assert_eq!(mode_for(&def(false), Mode::Proxy), Mode::Proxy);
}

#[test]
fn the_same_call_resumes_its_approval_once_and_other_calls_do_not() {
    let approvals = Approvals::new(Duration::from_secs(1));
    let mut request = ProviderRequest::new(Method::Delete, "https://h/{id}");
    request.path("id", "e1");
    let mut other = ProviderRequest::new(Method::Delete, "https://h/{id}");
    other.path("id", "e2");
    let alice = CallScope {
        user_token: Some(UserToken::new("alice")),
        ..CallScope::default()
    };
    let key = fingerprint(&def(true), &request, &alice);
    approvals.keep(key.clone(), &pending("a1", 600));
    assert_eq!(
        approvals.take(&fingerprint(&def(true), &other, &alice)),
        None
    );
    let bob = CallScope {
        user_token: Some(UserToken::new("bob")),
        ..CallScope::default()
    };
    assert_eq!(
        approvals.take(&fingerprint(&def(true), &request, &bob)),
        None,
        "another user"
    );
    assert_eq!(
        approvals.take(&key).map(|p| p.approval_id),
        Some("a1".into())
    );
    assert_eq!(approvals.take(&key), None, "resumed once");
    approvals.keep(key.clone(), &pending("a2", 0));
    assert_eq!(
        approvals.take(&key),
        None,
        "an expired approval is forgotten"
    );
}
