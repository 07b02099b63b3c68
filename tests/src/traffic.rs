//! The loopback backend's accounting of `/sdk/*` requests in flight (for tests of a client's
//! concurrency bound and cancellation), and the error that makes hyper drop a connection
//! without answering (`Fault::Reset`).

use std::sync::atomic::{AtomicUsize, Ordering};

/// Concurrency seen by the `/sdk/*` handlers: for tests of the client's bounds and
/// cancellation.
#[derive(Default)]
pub(crate) struct Traffic {
    pub(crate) in_flight: AtomicUsize,
    pub(crate) max_in_flight: AtomicUsize,
    /// Requests whose connection went away before the answer was written.
    pub(crate) abandoned: AtomicUsize,
}

/// Counts one request in flight; on drop before [`InFlight::done`], it was abandoned (the
/// client closed the connection, so hyper dropped the handler).
pub(crate) struct InFlight<'a> {
    traffic: &'a Traffic,
    done: bool,
}

impl<'a> InFlight<'a> {
    pub(crate) fn start(traffic: &'a Traffic) -> Self {
        let now = traffic.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        traffic.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight {
            traffic,
            done: false,
        }
    }

    pub(crate) fn done(mut self) {
        self.done = true;
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.traffic.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !self.done {
            self.traffic.abandoned.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The service error that makes hyper close the connection without writing an answer.
#[derive(Debug)]
pub(crate) struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("scripted reset: closing without an answer")
    }
}

impl std::error::Error for ResetConnection {}
