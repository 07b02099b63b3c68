//! What enforcing the advertised input schema costs per call, on the shipped tools: each
//! call's arguments are validated against its tool's compiled schema before anything is built
//! or sent (`runtime/src/input_check.rs`). Run with
//! `cargo bench -p alter-mcp-tools --bench input_check`; results in `docs/benchmarks.md`.

use std::sync::LazyLock;

use alter_mcp_runtime::Server;
use alter_mcp_runtime::serde_json::{Value, json};
use alter_mcp_tools::TOOL_SETS;

static SERVER: LazyLock<Server> =
    LazyLock::new(|| Server::new("bench", TOOL_SETS).expect("the shipped tools start"));

fn main() {
    divan::main();
}

fn check(tool: &str, arguments: &Value) {
    let result = SERVER.check_arguments(tool, divan::black_box(arguments));
    assert!(result.is_ok(), "{tool}: {result:?}");
}

/// A typical read: a few scalars.
#[divan::bench]
fn list_events(bencher: divan::Bencher) {
    let arguments = json!({"query": "standup", "max_results": 10, "singleEvents": true,
        "orderBy": "startTime", "timeMin": "2026-12-01T00:00:00Z"});
    bencher.bench(|| check("list_events", &arguments));
}

/// The largest input: a nested event with date-time formats and an attendee list.
#[divan::bench]
fn create_event(bencher: divan::Bencher) {
    let arguments = json!({
        "summary": "Planning",
        "description": "Quarterly planning",
        "start": {"dateTime": "2026-12-07T10:00:00Z", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-07T11:00:00Z", "timeZone": "Europe/Berlin"},
        "attendees": [{"email": "ana@example.com"}, {"email": "bo@example.com"}]
    });
    bencher.bench(|| check("create_event", &arguments));
}

#[divan::bench]
fn send_slack(bencher: divan::Bencher) {
    let arguments = json!({"channel": "C0123456789", "text": "Deploy finished"});
    bencher.bench(|| check("send_slack", &arguments));
}

/// A refused call: the error path, which builds the message naming path and rule.
#[divan::bench]
fn list_events_refused(bencher: divan::Bencher) {
    let arguments = json!({"max_results": -5});
    bencher.bench(|| SERVER.check_arguments("list_events", divan::black_box(&arguments)));
}

/// Start-up: compiling every shipped tool's schema (done once, in `Server::new`).
#[divan::bench(sample_count = 20)]
fn compile_all_tools() -> Server {
    Server::new("bench", TOOL_SETS).expect("the shipped tools start")
}
