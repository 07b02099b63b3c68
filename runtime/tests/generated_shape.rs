//! The shape of generated code, written by hand: the contract between `alter-mcp-gen`'s output
//! and this runtime. If this stops compiling, generated modules stop compiling too.

mod google {
    //! What `alter-mcp-gen` emits for one tool (abridged).

    /// Input of the `list_events` tool.
    #[derive(Debug, Clone, PartialEq, ::alter_mcp_runtime::serde::Deserialize)]
    #[serde(crate = "::alter_mcp_runtime::serde", deny_unknown_fields)]
    pub struct ListEventsInput {
        /// Free text search terms to find events that match these terms.
        #[serde(rename = "query", default)]
        pub q: Option<String>,
        /// Maximum number of events returned on one result page.
        #[serde(rename = "max_results", default)]
        pub max_results: Option<i32>,
        /// The order of the events returned in the result.
        #[serde(rename = "orderBy", default)]
        pub order_by: Option<ListEventsOrderBy>,
    }

    /// The order of the events returned in the result.
    #[derive(
        Debug,
        Clone,
        Copy,
        PartialEq,
        Eq,
        ::alter_mcp_runtime::serde::Deserialize,
        ::alter_mcp_runtime::serde::Serialize,
    )]
    #[serde(crate = "::alter_mcp_runtime::serde")]
    pub enum ListEventsOrderBy {
        #[serde(rename = "startTime")]
        StartTime,
        #[serde(rename = "updated")]
        Updated,
    }

    impl ::alter_mcp_runtime::ToolInput for ListEventsInput {
        fn into_request(self) -> ::alter_mcp_runtime::ProviderRequest {
            let mut request = ::alter_mcp_runtime::ProviderRequest::new(
                ::alter_mcp_runtime::Method::Get,
                "https://www.googleapis.com/calendar/v3/calendars/{calendarId}/events",
            );
            request.path("calendarId", "primary");
            request.query("q", self.q);
            request.query("maxResults", self.max_results.unwrap_or(10));
            request.query("orderBy", self.order_by);
            request
        }
    }

    /// The first 12 hex digits of the SHA-256 of the API document.
    pub const SPEC_HASH: &str = "3f2a9c41d07e";

    pub static TOOLS: &[::alter_mcp_runtime::ToolDef] = &[::alter_mcp_runtime::ToolDef {
        name: "list_events",
        title: "List events",
        description: "Returns events on the user's primary calendar.",
        input_schema: r#"{"type":"object","properties":{"query":{"type":"string"},"max_results":{"type":"integer","format":"int32","default":10},"orderBy":{"type":"string","enum":["startTime","updated"]}},"additionalProperties":false}"#,
        provider: "google",
        operation_id: "calendar.events.list",
        annotations: ::alter_mcp_runtime::Annotations {
            read_only: true,
            destructive: false,
            idempotent: true,
            open_world: true,
        },
        response: ::alter_mcp_runtime::ResponseRule::HttpStatus,
        build: ::alter_mcp_runtime::build::<ListEventsInput>,
        output: Some(::alter_mcp_runtime::OutputDef {
            schema: r#"{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"summary":{"type":"string"}},"additionalProperties":false}},"nextPageToken":{"type":"string"}},"additionalProperties":false}"#,
            read: ::alter_mcp_runtime::output::<ListEventsOutput>,
        }),
        spec_hash: SPEC_HASH,
    }];

    /// Output of the `list_events` tool (projected by the allowlist's `returns`: every field
    /// optional, the rest of the answer dropped).
    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::alter_mcp_runtime::serde::Deserialize,
        ::alter_mcp_runtime::serde::Serialize,
    )]
    #[serde(crate = "::alter_mcp_runtime::serde")]
    pub struct ListEventsOutput {
        #[serde(rename = "items", default, skip_serializing_if = "Option::is_none")]
        pub items: Option<Vec<ListEventsOutputItems>>,
        #[serde(
            rename = "nextPageToken",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub next_page_token: Option<String>,
    }

    #[derive(
        Debug,
        Clone,
        PartialEq,
        ::alter_mcp_runtime::serde::Deserialize,
        ::alter_mcp_runtime::serde::Serialize,
    )]
    #[serde(crate = "::alter_mcp_runtime::serde")]
    pub struct ListEventsOutputItems {
        #[serde(rename = "id", default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        #[serde(rename = "summary", default, skip_serializing_if = "Option::is_none")]
        pub summary: Option<String>,
    }

    impl ::alter_mcp_runtime::ToolOutput for ListEventsOutput {}
}

use alter_mcp_runtime::serde_json::{Value, json};

fn args(value: Value) -> alter_mcp_runtime::Arguments {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("test arguments are objects"),
    }
}

#[test]
fn builds_the_request_with_defaults_and_fixed_values() {
    let tool = &google::TOOLS[0];
    let request = (tool.build)(args(json!({"query": "standup"}))).expect("valid arguments");
    assert_eq!(request.method(), alter_mcp_runtime::Method::Get);
    assert_eq!(
        request.url(),
        "https://www.googleapis.com/calendar/v3/calendars/primary/events"
    );
    assert_eq!(
        request.query_params(),
        &[
            ("q".to_owned(), json!("standup")),
            ("maxResults".to_owned(), json!(10))
        ]
    );
}

#[test]
fn wrong_types_name_the_field() {
    let tool = &google::TOOLS[0];
    let error = (tool.build)(args(json!({"max_results": "ten"}))).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("max_results"));
    let error = (tool.build)(args(json!({"orderBy": "random"}))).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("orderBy"));
    let error = (tool.build)(args(json!({"querry": "x"}))).unwrap_err();
    assert!(error.message.contains("querry"), "{error}");
}

#[test]
fn output_keeps_the_projection_and_names_a_misfit() {
    let tool = &google::TOOLS[0];
    let output = tool.output.expect("list_events has an output type").read;
    let answer = json!({"kind": "calendar#events", "items": [{"id": "e1", "summary": "Standup", "etag": "x"}], "nextPageToken": "p2"});
    let no_links = &alter_mcp_runtime::PageLinks::default();
    assert_eq!(
        output(answer, no_links).unwrap(),
        json!({"items": [{"id": "e1", "summary": "Standup"}], "nextPageToken": "p2"})
    );
    let error = output(json!({"items": [{"id": 5}]}), no_links).unwrap_err();
    assert_eq!(error.path.as_deref(), Some("items[0].id"));
}
