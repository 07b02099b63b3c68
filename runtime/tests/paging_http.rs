//! Paging by `Link` header against a loopback peer, in both modes: the provider's headers reach
//! the tool's output through Alter's proxy envelope (proxy mode) and through the provider's own
//! answer (retrieve mode), and the result carries the next page's arguments under the names
//! the model sees, or nothing on the last page.

mod support;

use std::sync::OnceLock;

use alter_mcp_runtime::serde_json::{Value, json};
use alter_mcp_runtime::{CallScope, Mode, Server};
use base64::Engine as _;
use support::{Peer, Reply, agent};

/// A GitHub-like `GET /repos/{owner}/{repo}/issues`, as `alter-mcp-gen` writes it (abridged):
/// the root array is wrapped in `items`, and `next_page` takes `page` and `per_page` (shown to
/// the model as `page_size`).
mod github {
    use super::PROVIDER_BASE;

    #[derive(Debug, Clone, PartialEq, ::alter_mcp_runtime::serde::Deserialize)]
    #[serde(crate = "::alter_mcp_runtime::serde", deny_unknown_fields)]
    pub struct ListIssuesInput {
        #[serde(rename = "page", default)]
        pub page: Option<i64>,
        #[serde(rename = "page_size", default)]
        pub per_page: Option<i64>,
    }

    impl ::alter_mcp_runtime::ToolInput for ListIssuesInput {
        fn into_request(self) -> ::alter_mcp_runtime::ProviderRequest {
            let base = PROVIDER_BASE.get().expect("set by the test");
            let mut request = ::alter_mcp_runtime::ProviderRequest::new(
                ::alter_mcp_runtime::Method::Get,
                &format!("{base}/repos/{{owner}}/{{repo}}/issues"),
            );
            request.path("owner", "octo");
            request.path("repo", "hello");
            request.query("page", self.page);
            request.query("per_page", self.per_page);
            request
        }
    }

    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::alter_mcp_runtime::serde::Deserialize,
        ::alter_mcp_runtime::serde::Serialize,
    )]
    #[serde(crate = "::alter_mcp_runtime::serde")]
    pub struct ListIssuesOutput {
        #[serde(rename = "items", default, skip_serializing_if = "Option::is_none")]
        pub items: Option<Vec<::alter_mcp_runtime::serde_json::Value>>,
        #[serde(rename = "next_page", default, skip_serializing_if = "Option::is_none")]
        pub next_page: Option<ListIssuesNextPage>,
    }

    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::alter_mcp_runtime::serde::Deserialize,
        ::alter_mcp_runtime::serde::Serialize,
    )]
    #[serde(crate = "::alter_mcp_runtime::serde")]
    pub struct ListIssuesNextPage {
        #[serde(rename = "page", default, skip_serializing_if = "Option::is_none")]
        pub page: Option<i64>,
        #[serde(rename = "page_size", default, skip_serializing_if = "Option::is_none")]
        pub page_size: Option<i64>,
    }

    impl ::alter_mcp_runtime::ToolOutput for ListIssuesOutput {
        const WRAP: Option<&'static str> = Some("items");
        const LINK_PAGING: Option<::alter_mcp_runtime::LinkPaging> =
            Some(::alter_mcp_runtime::LinkPaging {
                field: "next_page",
                params: &[
                    ::alter_mcp_runtime::PageParam {
                        wire: "page",
                        input: "page",
                        kind: ::alter_mcp_runtime::PageKind::Integer,
                    },
                    ::alter_mcp_runtime::PageParam {
                        wire: "per_page",
                        input: "page_size",
                        kind: ::alter_mcp_runtime::PageKind::Integer,
                    },
                ],
            });
    }

    pub static TOOLS: &[::alter_mcp_runtime::ToolDef] = &[::alter_mcp_runtime::ToolDef {
        name: "list_issues",
        title: "List issues",
        description: "List issues in a repository.",
        input_schema: r#"{"type":"object","properties":{"page":{"type":"integer"},"page_size":{"type":"integer"}},"additionalProperties":false}"#,
        provider: "github",
        operation_id: "issues/list-for-repo",
        annotations: ::alter_mcp_runtime::Annotations {
            read_only: true,
            destructive: false,
            idempotent: true,
            open_world: true,
        },
        response: ::alter_mcp_runtime::ResponseRule::HttpStatus,
        build: ::alter_mcp_runtime::build::<ListIssuesInput>,
        output: Some(::alter_mcp_runtime::OutputDef {
            schema: r#"{"type":"object","properties":{"items":{"type":"array","items":{}},"next_page":{"type":"object","properties":{"page":{"type":"integer"},"page_size":{"type":"integer"}},"additionalProperties":false}}}"#,
            read: ::alter_mcp_runtime::output::<ListIssuesOutput>,
        }),
        spec_hash: "",
    }];
}

/// Where the loopback provider listens (the tool's URL template starts with it).
static PROVIDER_BASE: OnceLock<String> = OnceLock::new();

const ISSUES: &str = r#"[{"number": 3, "title": "a"}, {"number": 4, "title": "b"}]"#;

/// The Link header a page answers with: GitHub's style (absolute, another path naming the same
/// repository) from page 1 and 2, a relative one from page 3, none after the last page (4).
fn link_for(target: &str) -> Option<String> {
    let page = target
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("page="))
        .unwrap_or("1");
    match page {
        "1" | "2" => {
            let next: u32 = page.parse::<u32>().unwrap() + 1;
            Some(format!(
                r#"<https://api.github.com/repositories/1296269/issues?page={next}&per_page=2>; rel="next", <https://api.github.com/repositories/1296269/issues?page=4&per_page=2>; rel="last""#
            ))
        }
        "3" => Some(r#"</repos/octo/hello/issues?per_page=2&page=4>; rel="next""#.to_owned()),
        _ => None,
    }
}

/// One peer plays Alter (`/sdk/*`) and the provider (`/repos/*`).
async fn peer() -> Peer {
    Peer::start(|seen| {
        if seen.target == "/sdk/proxy" {
            let url = seen.json()["url"].as_str().unwrap_or_default().to_owned();
            let query = &seen.json()["query_params"];
            let page = query["page"].as_i64().map(|p| format!("?page={p}"));
            let mut headers = json!({"content-type": "application/json"});
            if let Some(link) = link_for(&format!("{url}{}", page.unwrap_or_default())) {
                headers["link"] = Value::String(link);
            }
            let body = base64::engine::general_purpose::STANDARD.encode(ISSUES);
            return Reply::json(
                200,
                json!({"status_code": 200, "headers": headers, "body_b64": body}),
            );
        }
        if seen.target == "/sdk/token" {
            return Reply::json(
                200,
                json!({"access_token": "gho_SECRET", "grant_id": support::GRANT,
                       "provider_id": "github", "token_type": "Bearer"}),
            );
        }
        if seen.target.starts_with("/sdk/") {
            return Reply::raw(201, "");
        }
        let mut reply = Reply::raw(200, ISSUES);
        reply
            .headers
            .push(("content-type", "application/json".to_owned()));
        if let Some(link) = link_for(&seen.target) {
            reply.headers.push(("link", link));
        }
        reply
    })
    .await
}

async fn call(server: &Server, arguments: Value) -> Value {
    let Value::Object(arguments) = arguments else {
        unreachable!()
    };
    let result = server
        .call("list_issues", Some(arguments), CallScope::default())
        .await
        .expect("a known tool");
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.clone().expect("structured");
    let text = result.content[0].as_text().expect("text").text.clone();
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        structured,
        "the text is the structured JSON"
    );
    structured
}

#[tokio::test]
async fn next_page_arguments_come_from_the_link_header_in_both_modes() {
    let peer = peer().await;
    PROVIDER_BASE.set(peer.url.clone()).expect("set once");
    for mode in [Mode::Proxy, Mode::Retrieve] {
        let server = Server::new("t", &[github::TOOLS])
            .unwrap()
            .with_agent(agent(&peer.url, mode));
        let first = call(&server, json!({})).await;
        assert_eq!(
            first["next_page"],
            json!({"page": 2, "page_size": 2}),
            "{mode:?}: {first}"
        );
        assert_eq!(first["items"][1]["title"], "b");
        let second = call(&server, json!({"page": 2, "page_size": 2})).await;
        assert_eq!(
            second["next_page"],
            json!({"page": 3, "page_size": 2}),
            "{mode:?}"
        );
        let third = call(&server, json!({"page": 3, "page_size": 2})).await;
        assert_eq!(
            third["next_page"],
            json!({"page": 4, "page_size": 2}),
            "{mode:?}"
        );
        let last = call(&server, json!({"page": 4, "page_size": 2})).await;
        assert_eq!(last.get("next_page"), None, "{mode:?}: {last}");
        assert_eq!(last["items"].as_array().map(Vec::len), Some(2));
    }
    // Retrieve mode called the provider itself, with the page asked for.
    let provider_calls: Vec<String> = peer
        .seen()
        .into_iter()
        .map(|s| s.target)
        .filter(|t| t.starts_with("/repos/"))
        .collect();
    assert_eq!(
        provider_calls,
        [
            "/repos/octo/hello/issues",
            "/repos/octo/hello/issues?page=2&per_page=2",
            "/repos/octo/hello/issues?page=3&per_page=2",
            "/repos/octo/hello/issues?page=4&per_page=2",
        ]
    );
}
