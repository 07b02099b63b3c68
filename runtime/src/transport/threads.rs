//! The async runtime the server runs on, sized for what it serves rather than for the host.
//!
//! tokio starts one worker thread per core by default. Every worker keeps memory resident: its
//! stack, its task queues, and above all its own allocator arena (glibc gives each thread that
//! allocates an arena of its own and does not lend one arena's free memory to another thread),
//! which grows to the largest burst that worker served: about 1 MiB each at 16 calls in flight
//! (`docs/benchmarks.md`, "Memory under load"). On a 64-core host an MCP server, one of many
//! started per user session, would hold some 60 MiB for nothing.
//!
//! - **Over stdio** one client's messages pass through one reader and one writer task, and a
//!   tool call costs the server well under a millisecond of CPU and otherwise waits on the
//!   network, so the server runs on one thread (tokio's current-thread runtime, on the thread
//!   that called [`runtime`]). Measured against two workers on the same build it holds about
//!   1.2 MiB less and answers as many calls per second or more: no task moves between threads,
//!   and no second arena grows.
//! - **Over HTTP** many clients' connections are served at once: one worker per core, at most
//!   four.
//!
//! Invariant: `TOKIO_WORKER_THREADS`, when set, decides for either transport (a multi-threaded
//! runtime with that many workers; tokio reads it when the builder is given no count), so an
//! operator who wants every core can have them.

/// The most worker threads over HTTP (many clients) without `TOKIO_WORKER_THREADS`.
pub(crate) const HTTP_MAX_WORKERS: usize = 4;

use crate::env::WORKERS_ENV;

/// How the runtime runs its tasks.
#[derive(Debug, PartialEq, Eq)]
enum Flavor {
    /// Every task on the thread that runs the server.
    CurrentThread,
    /// A pool of this many workers; `None` leaves the count to tokio (`TOKIO_WORKER_THREADS`).
    Workers(Option<usize>),
}

/// The runtime, with timers and I/O, for the transport (see the module's doc).
pub(crate) fn runtime(http: bool) -> std::io::Result<tokio::runtime::Runtime> {
    let workers_set = std::env::var_os(WORKERS_ENV).is_some();
    let cores = || std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut builder = match flavor(http, workers_set, cores) {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::Workers(count) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            if let Some(count) = count {
                builder.worker_threads(count);
            }
            builder
        }
    };
    builder.enable_all().build()
}

/// The flavor for a transport; `cores` as `available_parallelism` counts them (which honours
/// CPU affinity and cgroup quotas), asked only when needed.
fn flavor(http: bool, workers_set: bool, cores: impl FnOnce() -> usize) -> Flavor {
    if workers_set {
        Flavor::Workers(None)
    } else if http {
        Flavor::Workers(Some(cores().clamp(1, HTTP_MAX_WORKERS)))
    } else {
        Flavor::CurrentThread
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdio_runs_on_one_thread_http_on_one_worker_per_core_up_to_the_cap() {
        assert_eq!(flavor(false, false, || 64), Flavor::CurrentThread);
        assert_eq!(flavor(true, false, || 0), Flavor::Workers(Some(1)));
        assert_eq!(flavor(true, false, || 3), Flavor::Workers(Some(3)));
        assert_eq!(
            flavor(true, false, || 64),
            Flavor::Workers(Some(HTTP_MAX_WORKERS))
        );
    }

    #[test]
    fn tokio_worker_threads_decides_for_both_transports() {
        assert_eq!(flavor(false, true, || 64), Flavor::Workers(None));
        assert_eq!(flavor(true, true, || 64), Flavor::Workers(None));
    }

    #[test]
    fn the_runtime_starts_and_runs_a_task() {
        for http in [false, true] {
            let runtime = runtime(http).expect("runtime");
            let answer = runtime.block_on(async { tokio::spawn(async { 7 }).await });
            assert_eq!(answer.ok(), Some(7));
        }
    }
}
