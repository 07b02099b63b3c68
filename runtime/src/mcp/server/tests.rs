//! Server tests without a transport: start-up checks, listing, call routing, dry runs.

use rmcp::ServerHandler as _;
use serde_json::Value;

use super::*;
use crate::alter::key::AgentKey;
use crate::mcp::call::CallScope;
use crate::mcp::test_support::{slack_def, text};
use crate::tool::Arguments;

const SCHEMA: &str = r#"{"type":"object","properties":{"channel":{"type":"string"}}}"#;
static SLACK: &[ToolDef] = &[
    slack_def("post_message", SCHEMA),
    slack_def("list_channels", SCHEMA),
];
static DUPLICATE: &[ToolDef] = &[slack_def("post_message", SCHEMA)];
static NOT_JSON: &[ToolDef] = &[slack_def("broken", "{nope")];
static NOT_OBJECT: &[ToolDef] = &[slack_def("broken", "[]")];
static NOT_OBJECT_TYPE: &[ToolDef] = &[slack_def("broken", r#"{"type":"string"}"#)];
static BAD_NAME: &[ToolDef] = &[slack_def("post message", SCHEMA)];

#[test]
fn lists_tools_in_order_with_annotations() {
    let server = Server::new("test", &[SLACK]).unwrap();
    assert_eq!(server.tool_names(), ["post_message", "list_channels"]);
    let tool = server.get_tool("post_message").unwrap();
    assert_eq!(tool.title.as_deref(), Some("Post a message"));
    assert_eq!(tool.description.as_deref(), Some("Posts a message."));
    assert_eq!(tool.input_schema["type"], "object");
    let a = tool.annotations.unwrap();
    assert_eq!(
        (
            a.read_only_hint,
            a.destructive_hint,
            a.idempotent_hint,
            a.open_world_hint
        ),
        (Some(false), Some(false), Some(false), Some(true))
    );
    assert_eq!(a.title.as_deref(), Some("Post a message"));
    let info = server.get_info();
    assert_eq!(info.server_info.name, "test");
    assert!(info.capabilities.tools.is_some());
    assert!(info.instructions.unwrap().contains("Slack"));
}

#[test]
fn startup_errors_are_errors_not_panics() {
    let cases: [(&[&'static [ToolDef]], &str); 5] = [
        (&[SLACK, DUPLICATE], "two tools are named `post_message`"),
        (&[NOT_JSON], "not JSON"),
        (&[NOT_OBJECT], "not a JSON object"),
        (&[NOT_OBJECT_TYPE], "\"type\": \"object\""),
        (&[BAD_NAME], "must match"),
    ];
    for (sets, expected) in cases {
        let error = Server::new("test", sets).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Config);
        assert!(error.message().contains(expected), "{error}");
    }
}

#[tokio::test]
async fn unknown_tool_is_a_protocol_error() {
    let server = Server::new("test", &[SLACK]).unwrap();
    let error = server
        .call("nope", None, CallScope::default())
        .await
        .unwrap_err();
    assert_eq!(error.code, rmcp::model::ErrorCode::INVALID_PARAMS);
    assert!(error.message.contains("nope"));
}

#[tokio::test]
async fn bad_arguments_name_the_field() {
    let server = Server::new("test", &[SLACK]).unwrap();
    let mut args = Arguments::new();
    args.insert("channel".into(), Value::from(5));
    let result = server
        .call("post_message", Some(args), CallScope::default())
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    assert_eq!(
        text(&result),
        "invalid argument `channel`: invalid type: number, expected a string"
    );
}

#[tokio::test]
async fn without_a_key_calls_explain_how_to_set_it() {
    let server = Server::new("test", &[SLACK]).unwrap();
    let result = server
        .call("post_message", None, CallScope::default())
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let message = text(&result);
    assert!(
        message.contains("ALTER_MCP_AGENT_KEY") && message.contains("Slack"),
        "{message}"
    );
    let typo = AgentKey::new("alter_key_x").unwrap_err();
    let server = Server::new("test", &[SLACK])
        .unwrap()
        .with_agent_error(typo);
    let message = text(
        &server
            .call("post_message", None, CallScope::default())
            .await
            .unwrap(),
    );
    assert!(
        message.contains("misconfigured") && message.contains("not a valid Alter key"),
        "{message}"
    );
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Posted {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ts: Option<String>,
}

impl crate::tool::output::ToolOutput for Posted {}

const POSTED_SCHEMA: &str =
    r#"{"type":"object","properties":{"ts":{"type":"string"}},"additionalProperties":false}"#;

fn typed() -> ToolDef {
    ToolDef {
        output: Some(crate::tool::output::OutputDef {
            schema: POSTED_SCHEMA,
            read: crate::tool::output::output::<Posted>,
        }),
        ..SLACK[0]
    }
}

static OUTPUT_NOT_OBJECT: &[ToolDef] = &[ToolDef {
    output: Some(crate::tool::output::OutputDef {
        schema: r#"{"type":"array"}"#,
        read: crate::tool::output::output::<Posted>,
    }),
    ..SLACK[0]
}];

#[test]
fn output_schemas_are_checked_at_start_up() {
    let tools: &'static [ToolDef] = Vec::leak(vec![typed()]);
    let listed = Server::new("t", &[tools]).expect("valid");
    let tool = listed.get_tool("post_message").expect("listed");
    let schema = tool.output_schema.expect("declared");
    assert_eq!(schema.get("type"), Some(&serde_json::json!("object")));
    let error = Server::new("t", &[OUTPUT_NOT_OBJECT]).unwrap_err();
    assert!(
        error.to_string().contains("output schema must have"),
        "{error}"
    );
}

/// A dry run's result describes the request, not the provider's answer: the tool declares no
/// output schema then (in `tools/list` and `get_tool`), and the result has no structured
/// content a client would check against one.
#[tokio::test]
async fn dry_runs_declare_no_output_schema() {
    let tools: &'static [ToolDef] = Vec::leak(vec![typed()]);
    let server = Server::new("t", &[tools])
        .unwrap()
        .with_dry_run(Mode::Proxy);
    let tool = server.get_tool("post_message").expect("listed");
    assert_eq!(tool.output_schema, None);
    assert_eq!(server.listed(&server.tools[0]).unwrap().output_schema, None);
    let served = Server::new("t", &[tools]).unwrap();
    assert!(
        served
            .get_tool("post_message")
            .unwrap()
            .output_schema
            .is_some()
    );
    let result = server
        .call("post_message", None, CallScope::default())
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    assert_eq!(result.structured_content, None);
    let shown: Value = serde_json::from_str(&text(&result)).unwrap();
    assert_eq!(shown["dry_run"], true);
}

const BOUNDED: &str = r#"{"type":"object","properties":{"channel":{"type":"string","minLength":2},
  "limit":{"type":"integer","minimum":1},
  "when":{"type":"object","properties":{"dateTime":{"type":"string","format":"date-time"}}}}}"#;
static BOUNDED_TOOLS: &[ToolDef] = &[slack_def("post_message", BOUNDED)];

#[tokio::test]
async fn schema_constraints_are_enforced_in_every_mode() {
    let cases = [
        (
            serde_json::json!({"limit": -5}),
            "invalid argument `limit`: ",
            "`minimum`",
        ),
        (
            serde_json::json!({"channel": "C"}),
            "invalid argument `channel`: ",
            "`minLength`",
        ),
        (
            serde_json::json!({"when": {"dateTime": "soon"}}),
            "invalid argument `when.dateTime`: ",
            "`format`",
        ),
    ];
    let plain = Server::new("test", &[BOUNDED_TOOLS]).unwrap();
    let dry = Server::new("test", &[BOUNDED_TOOLS])
        .unwrap()
        .with_dry_run(Mode::Proxy);
    for server in [&plain, &dry] {
        for (arguments, start, rule) in &cases {
            let Value::Object(args) = arguments.clone() else {
                unreachable!()
            };
            let result = server
                .call("post_message", Some(args), CallScope::default())
                .await
                .unwrap();
            assert_eq!(result.is_error, Some(true), "{arguments}");
            let text = text(&result);
            assert!(text.starts_with(start), "{arguments}: {text}");
            assert!(text.contains(rule), "{arguments}: {text}");
        }
    }
    // Within bounds, the dry run shows the request.
    let Value::Object(args) = serde_json::json!({"limit": 1, "channel": "C1"}) else {
        unreachable!()
    };
    let result = dry
        .call("post_message", Some(args), CallScope::default())
        .await
        .unwrap();
    assert_ne!(result.is_error, Some(true), "{}", text(&result));
}

#[test]
fn an_invalid_input_schema_stops_start_up() {
    static BAD_SCHEMA: &[ToolDef] = &[slack_def(
        "broken",
        r#"{"type":"object","properties":{"x":{"type":"string","pattern":"(["}}}"#,
    )];
    let error = Server::new("test", &[BAD_SCHEMA]).unwrap_err();
    assert!(error.to_string().contains("input_schema"), "{error}");
}
