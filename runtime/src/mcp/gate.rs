//! The server's admission gate: at most [`Limits::max_concurrent_calls`] tool calls in flight,
//! the others waiting (for at most [`Limits::queue_timeout`]) for a slot; and the link from an
//! MCP cancellation to the call's HTTP request.
//!
//! Invariant: a cancelled call drops its work future at once, which drops the in-flight
//! reqwest request (the connection is closed) and any retry wait; nothing keeps running.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::alter::error::{Error, ErrorKind};
use crate::alter::limits::Limits;
use crate::env::{MAX_CONCURRENT_ENV, QUEUE_TIMEOUT_ENV};

#[derive(Debug, Clone)]
pub(crate) struct Gate {
    slots: Arc<Semaphore>,
    size: usize,
    queue_timeout: Duration,
}

impl Gate {
    pub(crate) fn new(limits: &Limits) -> Gate {
        let size = limits.max_concurrent_calls.clamp(1, Semaphore::MAX_PERMITS);
        Gate {
            slots: Arc::new(Semaphore::new(size)),
            size,
            queue_timeout: limits.queue_timeout,
        }
    }

    /// Runs `work` once a slot is free, unless `cancel` fires first or no slot frees up in
    /// time. The slot is held until `work` ends or is cancelled.
    pub(crate) async fn run<T>(
        &self,
        cancel: &CancellationToken,
        work: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let waiting = tokio::time::timeout(self.queue_timeout, self.slots.acquire());
        let _permit = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(cancelled()),
            permit = waiting => match permit {
                Ok(Ok(permit)) => permit,
                // The semaphore is never closed; treat it like a full queue all the same.
                Ok(Err(_)) | Err(_) => return Err(self.busy()),
            },
        };
        tokio::select! {
            biased;
            () = cancel.cancelled() => Err(cancelled()),
            result = work => result,
        }
    }

    fn busy(&self) -> Error {
        Error::new(
            ErrorKind::Busy,
            format!(
                "{} tool calls are already in flight ({MAX_CONCURRENT_ENV}) and no slot freed \
                 up within {:.1} s ({QUEUE_TIMEOUT_ENV})",
                self.size,
                self.queue_timeout.as_secs_f64()
            ),
        )
    }
}

fn cancelled() -> Error {
    Error::new(
        ErrorKind::Cancelled,
        "the client cancelled this call; its request was abandoned",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(size: usize, queue_ms: u64) -> Gate {
        Gate::new(&Limits {
            max_concurrent_calls: size,
            queue_timeout: Duration::from_millis(queue_ms),
            ..Limits::default()
        })
    }

    #[tokio::test]
    async fn at_most_n_calls_run_and_the_rest_wait_then_give_up() {
        let gate = gate(2, 200);
        let never = CancellationToken::new();
        let slow = || async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            Ok::<_, Error>(())
        };
        let (a, b, c) = tokio::join!(
            gate.run(&never, slow()),
            gate.run(&never, slow()),
            gate.run(&never, slow())
        );
        assert!(a.is_ok() && b.is_ok());
        let busy = c.unwrap_err();
        assert_eq!(busy.kind(), &ErrorKind::Busy);
        assert!(busy.tool_message().contains(MAX_CONCURRENT_ENV), "{busy}");
        // A waiting call runs once a slot frees up within the queue timeout.
        let patient = self::gate(1, 2000);
        let (a, b) = tokio::join!(patient.run(&never, slow()), patient.run(&never, slow()));
        assert!(a.is_ok() && b.is_ok());
    }

    #[tokio::test]
    async fn cancelling_drops_the_work_and_frees_the_slot() {
        let gate = gate(1, 5000);
        let cancel = CancellationToken::new();
        let dropped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        struct Flag(Arc<std::sync::atomic::AtomicBool>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let flag = Flag(Arc::clone(&dropped));
        let work = async move {
            let _flag = flag;
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<_, Error>(())
        };
        let trigger = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            trigger.cancel();
        });
        let started = std::time::Instant::now();
        let error = gate.run(&cancel, work).await.unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Cancelled);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(dropped.load(std::sync::atomic::Ordering::SeqCst));
        let fresh = CancellationToken::new();
        let next = gate.run(&fresh, async { Ok::<_, Error>(7) }).await;
        assert_eq!(next.unwrap(), 7, "the slot is free again");
    }
}
