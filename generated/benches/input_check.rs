//! What enforcing the advertised input schema costs per call, on every shipped tool: each
//! call's arguments are validated against its tool's compiled schema before anything is built
//! or sent (`runtime/src/tool/input_check.rs`). Run with
//! `cargo bench -p alter-mcp-tools --bench input_check`; results in `docs/benchmarks.md`.
//!
//! Before the benches run, `main` checks that every shipped tool has a case here, and that each
//! case's arguments are ones the tool accepts (schema and typed input both), so a new tool or a
//! changed schema cannot silently leave the bench measuring a refusal.

use std::sync::LazyLock;

use alter_mcp_runtime::Server;
use alter_mcp_runtime::serde_json::{Value, json};
use alter_mcp_tools::TOOL_SETS;

static SERVER: LazyLock<Server> =
    LazyLock::new(|| Server::new("bench", TOOL_SETS).expect("the shipped tools start"));

/// Every shipped tool, in listing order.
const TOOLS: &[&str] = &[
    "list_events",
    "get_event",
    "create_event",
    "update_event",
    "delete_event",
    "quick_add_event",
    "list_calendars",
    "query_free_busy",
    "send_slack",
    "update_slack_message",
    "delete_slack_message",
    "list_slack_channels",
    "slack_channel_history",
    "get_slack_user",
    "add_slack_reaction",
];

/// Arguments a model would send to `tool`: the common fields, with formats and arrays where
/// the tool has them.
fn arguments(tool: &str) -> Value {
    let when = |time: &str| json!({"dateTime": time, "timeZone": "Europe/Berlin"});
    match tool {
        "list_events" => json!({"query": "standup", "max_results": 10, "singleEvents": true,
            "orderBy": "startTime", "timeMin": "2026-12-01T00:00:00Z",
            "timeMax": "2026-12-08T00:00:00Z"}),
        "get_event" => json!({"eventId": "a1b2c3d4e5f6g7h8", "timeZone": "Europe/Berlin"}),
        "create_event" => json!({
            "summary": "Planning",
            "description": "Quarterly planning",
            "location": "Room 4",
            "start": when("2026-12-07T10:00:00+01:00"),
            "end": when("2026-12-07T11:00:00+01:00"),
            "attendees": [{"email": "ana@example.com"}, {"email": "bo@example.com", "optional": true}],
            "reminders": {"useDefault": false, "overrides": [{"method": "popup", "minutes": 10}]},
            "sendUpdates": "all"
        }),
        "update_event" => json!({"eventId": "a1b2c3d4e5f6g7h8", "summary": "Planning (moved)",
            "start": when("2026-12-08T10:00:00+01:00"), "end": when("2026-12-08T11:00:00+01:00"),
            "sendUpdates": "externalOnly"}),
        "delete_event" => json!({"eventId": "a1b2c3d4e5f6g7h8", "sendUpdates": "all"}),
        "quick_add_event" => {
            json!({"text": "Lunch with Ana tomorrow at noon", "sendUpdates": "none"})
        }
        "list_calendars" => json!({"maxResults": 50, "minAccessRole": "writer"}),
        "query_free_busy" => json!({"timeMin": "2026-12-07T00:00:00Z",
            "timeMax": "2026-12-08T00:00:00Z", "timeZone": "UTC",
            "items": [{"id": "primary"}, {"id": "ana@example.com"}]}),
        "send_slack" => json!({"channel": "C0123456789", "text": "Deploy finished",
            "unfurl_links": false}),
        "update_slack_message" => json!({"channel": "C0123456789", "ts": "1503435956.000247",
            "text": "Deploy finished (v2)"}),
        "delete_slack_message" => json!({"channel": "C0123456789", "ts": "1503435956.000247"}),
        "list_slack_channels" => json!({"exclude_archived": true,
            "types": "public_channel,private_channel", "limit": 200}),
        "slack_channel_history" => json!({"channel": "C0123456789", "limit": 50,
            "oldest": "1503435956.000247"}),
        "get_slack_user" => json!({"user": "U0123456789", "include_locale": true}),
        "add_slack_reaction" => json!({"channel": "C0123456789", "name": "thumbsup",
            "timestamp": "1503435956.000247"}),
        other => panic!("no bench arguments for `{other}`: add a case to benches/input_check.rs"),
    }
}

fn main() {
    let shipped: Vec<&str> = SERVER.tool_names();
    assert_eq!(
        shipped, TOOLS,
        "the bench must cover exactly the shipped tools"
    );
    for def in TOOL_SETS.iter().flat_map(|set| set.iter()) {
        let value = arguments(def.name);
        if let Err(error) = SERVER.check_arguments(def.name, &value) {
            panic!(
                "{}: the schema refuses the bench arguments: {error}",
                def.name
            );
        }
        let Value::Object(map) = value else {
            unreachable!("arguments are objects")
        };
        if let Err(error) = (def.build)(map) {
            panic!(
                "{}: the typed input refuses the bench arguments: {error}",
                def.name
            );
        }
    }
    divan::main();
}

/// A valid call of each shipped tool: what every accepted call pays before anything is built.
#[divan::bench(args = TOOLS)]
fn accepted(bencher: divan::Bencher, tool: &str) {
    let arguments = arguments(tool);
    bencher.bench(|| {
        let result = SERVER.check_arguments(divan::black_box(tool), divan::black_box(&arguments));
        assert!(result.is_ok(), "{tool}: {result:?}");
    });
}

/// A refused call: the error path, which builds the message naming path and rule.
#[divan::bench]
fn list_events_refused(bencher: divan::Bencher) {
    let arguments = json!({"max_results": -5});
    bencher.bench(|| SERVER.check_arguments("list_events", divan::black_box(&arguments)));
}

/// A refused nested format: `start.dateTime` not a date-time.
#[divan::bench]
fn create_event_bad_date_time(bencher: divan::Bencher) {
    let mut arguments = arguments("create_event");
    arguments["start"]["dateTime"] = json!("next tuesday");
    bencher.bench(|| SERVER.check_arguments("create_event", divan::black_box(&arguments)));
}

/// Start-up: compiling every shipped tool's schema (done once, in `Server::new`).
#[divan::bench(sample_count = 20)]
fn compile_all_tools() -> Server {
    Server::new("bench", TOOL_SETS).expect("the shipped tools start")
}
