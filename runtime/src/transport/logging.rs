//! Logs to stderr that never hold up serving.
//!
//! A parent that gives the server a stderr pipe and never reads it (some MCP hosts and process
//! managers do) fills the pipe after some 64 KiB; a blocking write would then stall the tokio
//! worker that logged, and soon every worker. So log lines go through `tracing-appender`'s
//! lossy non-blocking writer: a bounded queue drained by one thread. When the queue is full a
//! line is dropped and counted, and the next line that fits is preceded by
//! "N log lines dropped"; the count is reported again at shutdown, waiting up to a second for
//! room in the queue when a burst just filled it.
//!
//! Invariants:
//! - No log call blocks on stderr; memory held by queued lines is bounded (`QUEUE_LINES`).
//! - Nothing is ever written to stdout, not even at shutdown (see [`LogGuard`]).
//! - The default filter keeps rmcp's per-request INFO chatter out: one line per tool call plus
//!   lifecycle events. `ALTER_MCP_LOG` replaces the whole filter.

use std::io::{IsTerminal as _, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tracing_appender::non_blocking::{ErrorCounter, NonBlocking, WorkerGuard};
use tracing_subscriber::fmt::MakeWriter;

use crate::env::LOG_ENV;

/// The filter when `ALTER_MCP_LOG` is unset or invalid: ours at INFO, rmcp's only from WARN
/// (at INFO it logs every request it serves, e.g. `Service initialized as server`).
pub const DEFAULT_LOG_FILTER: &str = "info,rmcp=warn";

/// Lines waiting for stderr at most (about 1 MiB of typical lines); more are dropped.
const QUEUE_LINES: usize = 4096;

/// A sink write in progress for longer than this means nobody is reading stderr.
const STUCK_AFTER: Duration = Duration::from_millis(100);

/// Installs the subscriber; keep the guard until the process ends, then call
/// [`LogGuard::finish`].
pub(crate) fn init() -> Option<LogGuard> {
    let filter = tracing_subscriber::EnvFilter::try_from_env(LOG_ENV)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    let sink = Sink::default();
    let progress = Arc::clone(&sink.progress);
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(QUEUE_LINES)
        .thread_name("alter-mcp-log")
        .finish(sink);
    let writer = Reporting::new(writer);
    let dropped = writer.dropped.clone();
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(LogGuard {
        guard: Some(guard),
        dropped,
        progress,
    })
}

/// Flushes queued lines at shutdown, unless stderr is stuck.
#[derive(Debug)]
pub(crate) struct LogGuard {
    guard: Option<WorkerGuard>,
    dropped: ErrorCounter,
    progress: Arc<Progress>,
}

impl LogGuard {
    /// Reports the lines dropped in all (waiting up to a second for room when a burst has
    /// just filled the queue), then waits (at most about a second) for the queue to reach
    /// stderr. When the worker has been stuck on a full pipe, it is left behind instead:
    /// `WorkerGuard`'s drop prints to stdout when it cannot signal a stuck worker, and stdout
    /// belongs to MCP.
    pub(crate) fn finish(mut self) {
        let dropped = self.dropped.dropped_lines();
        if dropped > 0 {
            let progress = Arc::clone(&self.progress);
            queue_or_wait(
                &self.dropped,
                &|| progress.stuck(),
                FINAL_REPORT_WAIT,
                || {
                    tracing::warn!(
                        dropped,
                        "{dropped} log lines dropped in all: stderr was not read fast enough"
                    );
                },
            );
        }
        if let Some(guard) = self.guard.take() {
            if self.progress.stuck() {
                std::mem::forget(guard);
            } else {
                drop(guard);
            }
        }
    }
}

/// How long shutdown waits for room in a full queue for its "dropped in all" line.
const FINAL_REPORT_WAIT: Duration = Duration::from_secs(1);

/// Sends one line with `send` until the queue takes it (the drop counter stays put): a queue
/// that is full from a burst drains in moments, so the line is tried again every 10 ms for at
/// most `wait`. A stuck sink (nobody reads stderr) would never take it, so then once is all.
fn queue_or_wait(
    dropped: &ErrorCounter,
    stuck: &dyn Fn() -> bool,
    wait: Duration,
    mut send: impl FnMut(),
) {
    let deadline = Instant::now() + wait;
    loop {
        let before = dropped.dropped_lines();
        send();
        if dropped.dropped_lines() == before || stuck() || Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// stderr, recording when a write started so shutdown can tell a stuck pipe.
#[derive(Debug, Default)]
struct Sink {
    progress: Arc<Progress>,
}

#[derive(Debug)]
struct Progress {
    epoch: Instant,
    /// Milliseconds since `epoch` + 1 at which the current write began; 0 when idle.
    busy_since: AtomicU64,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            epoch: Instant::now(),
            busy_since: AtomicU64::new(0),
        }
    }
}

impl Progress {
    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX - 1) + 1
    }

    fn stuck(&self) -> bool {
        let since = self.busy_since.load(Ordering::Acquire);
        since != 0 && self.now().saturating_sub(since) > STUCK_AFTER.as_millis() as u64
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.progress
            .busy_since
            .store(self.progress.now(), Ordering::Release);
        let written = std::io::stderr().write(buf);
        self.progress.busy_since.store(0, Ordering::Release);
        written
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// The non-blocking writer, plus the "N log lines dropped" line when lines were lost and the
/// queue has room again.
#[derive(Debug)]
struct Reporting {
    inner: NonBlocking,
    dropped: ErrorCounter,
    /// Dropped lines already reported.
    reported: AtomicUsize,
}

impl Reporting {
    fn new(inner: NonBlocking) -> Reporting {
        Reporting {
            dropped: inner.error_counter(),
            inner,
            reported: AtomicUsize::new(0),
        }
    }

    fn report_drops(&self) {
        let dropped = self.dropped.dropped_lines();
        let reported = self.reported.load(Ordering::Acquire);
        if dropped <= reported
            || self
                .reported
                .compare_exchange(reported, dropped, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            return;
        }
        let line = format!(
            "WARN alter_mcp_runtime::transport::logging: {} log lines dropped: stderr was not read fast enough\n",
            dropped - reported
        );
        let mut writer = self.inner.clone();
        let _ = writer.write_all(line.as_bytes());
        if self.dropped.dropped_lines() > dropped {
            // The report itself did not fit (or more were lost meanwhile): report again later.
            let _ = self.reported.compare_exchange(
                dropped,
                reported,
                Ordering::AcqRel,
                Ordering::Acquire,
            );
        }
    }
}

impl<'a> MakeWriter<'a> for Reporting {
    type Writer = NonBlocking;

    fn make_writer(&'a self) -> NonBlocking {
        self.report_drops();
        self.inner.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that never accepts a byte until released: a pipe nobody reads.
    struct Blocked(std::sync::mpsc::Receiver<()>);

    impl Write for Blocked {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let _ = self.0.recv();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A sink that takes a while for each line, and keeps what it was given.
    struct Slow(Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Slow {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            std::thread::sleep(Duration::from_millis(20));
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_final_report_waits_for_room_in_a_full_queue() {
        let written = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
            .lossy(true)
            .buffered_lines_limit(2)
            .finish(Slow(Arc::clone(&written)));
        let counter = writer.error_counter();
        for _ in 0..20 {
            let _ = writer.clone().write_all(b"burst\n");
        }
        assert!(counter.dropped_lines() > 0, "the burst filled the queue");
        queue_or_wait(&counter, &|| false, Duration::from_secs(5), || {
            let _ = writer.clone().write_all(b"final report\n");
        });
        drop(guard);
        let written = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        assert!(written.ends_with("final report\n"), "{written}");

        // A stuck sink gets one try, not the whole wait.
        let (_release, blocked) = std::sync::mpsc::channel::<()>();
        let (writer, stuck_guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
            .lossy(true)
            .buffered_lines_limit(1)
            .finish(Blocked(blocked));
        let counter = writer.error_counter();
        for _ in 0..5 {
            let _ = writer.clone().write_all(b"line\n");
        }
        let started = Instant::now();
        let mut tries = 0;
        queue_or_wait(&counter, &|| true, Duration::from_secs(5), || {
            tries += 1;
            let _ = writer.clone().write_all(b"final report\n");
        });
        assert_eq!(tries, 1);
        assert!(started.elapsed() < Duration::from_secs(1));
        // Dropping the guard of a stuck worker would wait for it, then print to stdout.
        std::mem::forget(stuck_guard);
    }

    #[test]
    fn a_stuck_sink_drops_and_counts_instead_of_blocking() {
        let (release, blocked) = std::sync::mpsc::channel();
        let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
            .lossy(true)
            .buffered_lines_limit(4)
            .finish(Blocked(blocked));
        let reporting = Reporting::new(writer);
        let started = Instant::now();
        for _ in 0..100 {
            let _ = reporting.make_writer().write_all(b"line\n");
        }
        assert!(started.elapsed() < Duration::from_secs(5));
        let dropped = reporting.dropped.dropped_lines();
        assert!(dropped >= 90, "{dropped}");
        for _ in 0..200 {
            let _ = release.send(());
        }
        drop(release);
        drop(guard);
        assert!(reporting.reported.load(Ordering::Acquire) <= dropped);
    }
}
