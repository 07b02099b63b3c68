//! Benchmarks of the shipped `alter-mcp` server (release build) against the loopback Alter
//! backend. Run with `cargo bench -p alter-mcp-e2e --bench server`; results and how to read
//! them are in `docs/benchmarks.md`.
//!
//! - `tool_call/through_server`: one `list_events` call from rmcp's client over stdio, through
//!   the server, to the backend's `/sdk/proxy` and back.
//! - `tool_call/straight_reqwest`: the same signed `/sdk/proxy` request sent with reqwest alone.
//!   The difference between the two is the server's overhead per call.
//! - `in_flight/calls_64`: 64 concurrent calls on one session (throughput).
//! - `startup/spawn_to_initialize`: process spawn until the `initialize` answer is read.
//! - `http/one_call`, `http/calls_64`: the same `list_events` call through `alter-mcp --http`
//!   (stateless streamable HTTP, one HTTP request per call) from rmcp's HTTP client, alone and
//!   64 in flight.
//!
//! Before the benches run, `main` prints the server's idle memory and the CPU it used while
//! serving many calls in flight (how many cores the request path keeps busy).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use alter_mcp_e2e::Backend;
use alter_mcp_e2e::client::SigningClient;
use serde_json::{Value, json};

#[allow(dead_code)]
#[path = "../tests/support/mod.rs"]
mod support;

#[allow(dead_code)]
#[path = "../tests/http_support/mod.rs"]
mod http_support;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    backend: Backend,
    session: support::McpSession,
    http: reqwest::Client,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (backend, session) = runtime.block_on(async {
        let backend = Backend::start().await;
        let base_url = backend.base_url();
        let mut env = vec![
            ("ALTER_MCP_AGENT_KEY", backend.key()),
            ("ALTER_BASE_URL", base_url.as_str()),
            ("ALTER_MCP_LOG", "warn"),
        ];
        // The session clears every variable the server reads; the worker count is the one a
        // measurement varies on purpose (`TOKIO_WORKER_THREADS=1 cargo bench …`).
        let workers = std::env::var(alter_mcp_runtime::env::WORKERS_ENV).ok();
        if let Some(workers) = &workers {
            env.push((alter_mcp_runtime::env::WORKERS_ENV, workers.as_str()));
        }
        let session = support::McpSession::start(&env).await;
        (backend, session)
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    Fixture {
        runtime,
        backend,
        session,
        http,
    }
});

fn list_events_arguments() -> Value {
    json!({"query": "standup"})
}

#[divan::bench_group(sample_count = 200, sample_size = 10)]
mod tool_call {
    use super::*;

    #[divan::bench]
    fn through_server() {
        let f = &*FIXTURE;
        let outcome = f
            .runtime
            .block_on(f.session.call("list_events", list_events_arguments()));
        assert!(!outcome.is_error, "{}", outcome.text);
        f.backend.clear_requests();
    }

    /// The same call from a minimal line-by-line JSON-RPC client: the server's cost without
    /// rmcp's client-side work.
    #[divan::bench]
    fn through_server_raw_client() {
        let mut raw = RAW.lock().unwrap_or_else(|e| e.into_inner());
        let answer = raw.call_list_events();
        assert!(answer.contains("Daily standup"), "{answer}");
        FIXTURE.backend.clear_requests();
    }

    #[divan::bench]
    fn straight_reqwest() {
        let f = &*FIXTURE;
        f.runtime.block_on(send_proxy_request(f));
        f.backend.clear_requests();
    }
}

/// A server process driven by hand-written JSON-RPC lines.
struct RawClient {
    _server: Started,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
    next_id: u64,
}

static RAW: LazyLock<std::sync::Mutex<RawClient>> = LazyLock::new(|| {
    let mut child = spawn_server();
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    writeln!(stdin, "{INITIALIZE}").expect("write initialize");
    let mut line = String::new();
    stdout.read_line(&mut line).expect("initialize answer");
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","method":"notifications/initialized"}}"#
    )
    .expect("write initialized");
    std::sync::Mutex::new(RawClient {
        _server: Started(child),
        stdin,
        stdout,
        next_id: 2,
    })
});

impl RawClient {
    fn call_list_events(&mut self) -> String {
        let id = self.next_id;
        self.next_id += 1;
        writeln!(
            self.stdin,
            r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"list_events","arguments":{{"query":"standup"}}}}}}"#
        )
        .expect("write call");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read answer");
        line
    }
}

/// The `/sdk/proxy` request the server sends for `list_events {"query": "standup"}`, signed
/// and sent with reqwest alone; the body is read whole, as the server reads it.
async fn send_proxy_request(f: &Fixture) {
    let body = json!({
        "method": "GET",
        "url": "https://www.googleapis.com/calendar/v3/calendars/primary/events",
        "provider_id": "google",
        "query_params": {"q": "standup", "maxResults": 10},
    })
    .to_string();
    let mut parts = SigningClient::parts("POST", "/sdk/proxy");
    parts.context = r#"{"tool":"list_events"}"#.to_owned();
    let client = SigningClient::new(f.backend.addr(), f.backend.key());
    let mut request = f
        .http
        .post(format!("{}/sdk/proxy", f.backend.base_url()))
        .body(body.clone().into_bytes());
    for (name, value) in client.headers(parts, body.as_bytes()) {
        request = request.header(name, value);
    }
    let response = request.send().await.expect("send");
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("body");
    assert!(!bytes.is_empty());
}

#[divan::bench_group(sample_count = 50, sample_size = 1)]
mod in_flight {
    use super::*;

    const IN_FLIGHT: usize = 64;

    #[divan::bench(counters = [divan::counter::ItemsCount::new(IN_FLIGHT)])]
    fn calls_64() {
        let f = &*FIXTURE;
        f.runtime.block_on(concurrent_calls(IN_FLIGHT));
        f.backend.clear_requests();
    }
}

async fn concurrent_calls(count: usize) {
    let session = &FIXTURE.session;
    let calls = (0..count).map(|_| session.call("list_events", list_events_arguments()));
    for outcome in futures_join_all(calls).await {
        assert!(!outcome.is_error, "{}", outcome.text);
    }
}

/// Polls every future to completion concurrently on the current task (no spawning, so the
/// borrowed session is fine).
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// A started server process; killed and reaped on drop, outside the timed section.
struct Started(Child);

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}}"#;

/// Spawns the server with a key, pointing at the backend, stdin and stdout piped.
fn spawn_server() -> Child {
    let f = &*FIXTURE;
    Command::new(support::alter_mcp_binary())
        .env("ALTER_MCP_AGENT_KEY", f.backend.key())
        .env("ALTER_BASE_URL", f.backend.base_url())
        .env("ALTER_MCP_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn alter-mcp")
}

/// Spawns the server and waits for its `initialize` answer.
fn spawn_and_initialize() -> Started {
    let mut child = spawn_server();
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{INITIALIZE}").expect("write initialize");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read initialize answer");
    assert!(line.contains("\"result\""), "unexpected answer: {line}");
    // Keep stdin open (dropping it would make the server exit before we measure it).
    std::mem::forget(stdin);
    Started(child)
}

#[divan::bench_group(sample_count = 100, sample_size = 1)]
mod startup {
    use super::*;

    #[divan::bench]
    fn spawn_to_initialize() -> Started {
        spawn_and_initialize()
    }
}

/// `VmRSS` of a process, in KiB.
fn resident_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS")
}

/// A `kB` field of `/proc/<pid>/status` (`VmRSS`, `VmHWM`, `RssAnon`, `RssFile`), in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| {
        l.strip_prefix(field)
            .is_some_and(|rest| rest.starts_with(':'))
    })?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "?".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

/// User + system CPU time of a process (`/proc/<pid>/stat` fields 14 and 15), in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// The pid of the `alter-mcp` child the fixture's session started.
fn session_server_pid() -> Option<u32> {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let comm = &stat[stat.find('(')? + 1..stat.rfind(')')?];
            let ppid = stat[stat.rfind(')')? + 2..].split_whitespace().nth(1)?;
            (comm == "alter-mcp" && ppid == me).then_some(pid)
        })
}

/// Idle memory after `initialize`, and the cores the server keeps busy with calls in flight.
fn report_resources() {
    let started = spawn_and_initialize();
    std::thread::sleep(Duration::from_millis(300));
    match resident_kib(started.0.id()) {
        Some(kib) => eprintln!(
            "idle resident memory after initialize: {:.1} MiB",
            kib as f64 / 1024.0
        ),
        None => eprintln!("idle resident memory: /proc not readable here"),
    }
    drop(started);

    let f = &*FIXTURE;
    let Some(pid) = session_server_pid() else {
        eprintln!("server CPU: could not find the server process");
        return;
    };
    // First, while the fixture's server has served nothing but `initialize`: its peak memory
    // then is what this load made it.
    report_under_load(pid);
    let ticks_per_second = 100.0; // USER_HZ on Linux
    let (calls, in_flight) = (4000, 64);
    let me = std::process::id();
    let before = cpu_ticks(pid).unwrap_or(0);
    let before_bench = cpu_ticks(me).unwrap_or(0);
    let start = Instant::now();
    f.runtime.block_on(async {
        for _ in 0..calls / in_flight {
            concurrent_calls(in_flight).await;
        }
    });
    let wall = start.elapsed().as_secs_f64();
    let server_cpu = cpu_ticks(pid).unwrap_or(0).saturating_sub(before) as f64 / ticks_per_second;
    let bench_cpu =
        cpu_ticks(me).unwrap_or(0).saturating_sub(before_bench) as f64 / ticks_per_second;
    f.backend.clear_requests();
    let done = calls / in_flight * in_flight;
    eprintln!(
        "{done} calls, {in_flight} in flight: {:.0} calls/s, {:.0} µs of server CPU per call; \
         cores busy: server {:.2} + client and backend {:.2} = {:.2} of {}",
        done as f64 / wall,
        server_cpu / done as f64 * 1e6,
        server_cpu / wall,
        bench_cpu / wall,
        (server_cpu + bench_cpu) / wall,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
}

/// Resident memory and throughput with 16 calls in flight over stdio, sustained: 16 loops on
/// the fixture's session, each starting its next call as soon as the last is answered. Memory is
/// read from `/proc/<pid>/status` by this process (the client), never by the server itself:
/// `VmRSS` sampled every 2 ms during the load (the highest seen), `VmHWM` (the kernel's peak) at
/// the end, and the split into anonymous (heap, stacks) and file-backed (mapped code) pages.
fn report_under_load(pid: u32) {
    const IN_FLIGHT: usize = 16;
    const CALLS: usize = 16_000;
    let f = &*FIXTURE;
    let before = resident_kib(pid);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut highest = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                highest = highest.max(resident_kib(pid).unwrap_or(0));
                std::thread::sleep(Duration::from_millis(2));
            }
            highest
        })
    };
    let start = Instant::now();
    f.runtime.block_on(async {
        let session = &f.session;
        let workers = (0..IN_FLIGHT).map(|_| async move {
            for _ in 0..CALLS / IN_FLIGHT {
                let outcome = session.call("list_events", list_events_arguments()).await;
                assert!(!outcome.is_error, "{}", outcome.text);
            }
        });
        futures_join_all(workers).await;
    });
    let wall = start.elapsed().as_secs_f64();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let sampled = sampler.join().ok().filter(|&k| k > 0);
    f.backend.clear_requests();
    let hwm = status_kib(pid, "VmHWM");
    let threads = std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count());
    eprintln!(
        "{CALLS} calls, {IN_FLIGHT} in flight over stdio: {:.0} calls/s; server memory read from \
         /proc: before {}, highest VmRSS sampled {}, VmHWM {} ({:.1} MB); after: anonymous {}, \
         file-backed {}; {threads} threads",
        CALLS as f64 / wall,
        mib(before),
        mib(sampled),
        mib(hwm),
        hwm.unwrap_or(0) as f64 * 1024.0 / 1e6,
        mib(status_kib(pid, "RssAnon")),
        mib(status_kib(pid, "RssFile")),
    );
}

struct HttpFixture {
    runtime: tokio::runtime::Runtime,
    backend: Backend,
    // Kept alive for the benches: dropping it stops the server.
    _server: http_support::HttpServer,
    client: rmcp::service::RunningService<rmcp::RoleClient, ()>,
}

static HTTP: LazyLock<HttpFixture> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (backend, server, client) = runtime.block_on(async {
        let backend = Backend::start().await;
        // Anonymous: the agent's own grant, as in the stdio benches (a bearer token would only
        // add its bytes to each request).
        let server = http_support::HttpServer::start(&backend, &["--allow-anonymous"]).await;
        let client = http_support::connect(&server.url(), None).await;
        (backend, server, client)
    });
    HttpFixture {
        runtime,
        backend,
        _server: server,
        client,
    }
});

#[divan::bench_group(sample_count = 100, sample_size = 5)]
mod http {
    use super::*;

    const IN_FLIGHT: usize = 64;

    #[divan::bench]
    fn one_call() {
        let f = &*HTTP;
        let outcome = f.runtime.block_on(http_support::call(
            &f.client,
            "list_events",
            list_events_arguments(),
        ));
        assert!(!outcome.is_error, "{}", outcome.text);
        f.backend.clear_requests();
    }

    #[divan::bench(sample_count = 30, sample_size = 1, counters = [divan::counter::ItemsCount::new(IN_FLIGHT)])]
    fn calls_64() {
        let f = &*HTTP;
        let calls = (0..IN_FLIGHT)
            .map(|_| http_support::call(&f.client, "list_events", list_events_arguments()));
        for outcome in f.runtime.block_on(futures_join_all(calls)) {
            assert!(!outcome.is_error, "{}", outcome.text);
        }
        f.backend.clear_requests();
    }
}

fn main() {
    report_resources();
    divan::main();
}
