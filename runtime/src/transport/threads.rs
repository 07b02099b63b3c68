//! The async runtime the server runs on, sized for what it serves rather than for the host.
//!
//! tokio starts one worker thread per core by default. Every worker keeps memory resident: its
//! stack, its task queues, and above all its own allocator arena (glibc gives each thread that
//! allocates an arena of its own and does not lend one arena's free memory to another thread),
//! which grows to the largest burst that worker served. Measured at 16 calls in flight over
//! stdio, each worker beyond the first holds about 1 MiB more (`docs/benchmarks.md`, "Memory
//! under load"): on a 64-core host an MCP server, one of many started per user session, would
//! hold some 60 MiB for nothing. A tool call costs the server under 100 µs of CPU and otherwise
//! waits on the network. Over stdio one client's messages pass through one reader and one
//! writer task, and the server used 0.8 of a core at full load: two workers keep up. Over HTTP
//! many clients' connections are served at once: four.
//!
//! Invariant: `TOKIO_WORKER_THREADS`, when set, decides (tokio reads it when the builder is given
//! no count), so an operator who wants every core can have them.

/// The most worker threads over stdio (one client) without `TOKIO_WORKER_THREADS`.
pub(crate) const STDIO_MAX_WORKERS: usize = 2;
/// The most worker threads over HTTP (many clients) without `TOKIO_WORKER_THREADS`.
pub(crate) const HTTP_MAX_WORKERS: usize = 4;

use crate::env::WORKERS_ENV;

/// The multi-threaded runtime with timers and I/O: one worker per core, up to the cap for the
/// transport, unless `TOKIO_WORKER_THREADS` says otherwise.
pub(crate) fn runtime(http: bool) -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all();
    if std::env::var_os(WORKERS_ENV).is_none() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        builder.worker_threads(workers(cores, http));
    }
    builder.build()
}

/// Workers for a host with `cores` cores (as `available_parallelism` counts them, which
/// honours CPU affinity and cgroup quotas).
fn workers(cores: usize, http: bool) -> usize {
    let cap = if http {
        HTTP_MAX_WORKERS
    } else {
        STDIO_MAX_WORKERS
    };
    cores.clamp(1, cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_per_core_up_to_the_transport_cap() {
        assert_eq!(workers(0, false), 1);
        assert_eq!(workers(1, false), 1);
        assert_eq!(workers(1, true), 1);
        assert_eq!(workers(2, false), 2);
        assert_eq!(workers(64, false), STDIO_MAX_WORKERS);
        assert_eq!(workers(3, true), 3);
        assert_eq!(workers(64, true), HTTP_MAX_WORKERS);
    }

    #[test]
    fn the_runtime_starts_and_runs_a_task() {
        let runtime = runtime(false).expect("runtime");
        let answer = runtime.block_on(async { tokio::spawn(async { 7 }).await });
        assert_eq!(answer.ok(), Some(7));
    }
}
