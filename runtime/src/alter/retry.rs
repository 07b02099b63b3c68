//! Retries where they are safe: an idempotent provider method (GET, HEAD, OPTIONS, PUT,
//! DELETE), and an attempt that failed in a way worth repeating (429 or 503 from Alter or the
//! provider, or a connection that could not be opened). Waits use exponential backoff with
//! full jitter, or `Retry-After` when the answer gives one, within a per-call budget.
//!
//! Invariants:
//! - A POST or PATCH is never repeated: our tools carry no idempotency key.
//! - Each attempt is a fresh signed request (the caller's closure signs again: new nonce and
//!   timestamp); this module never replays bytes.
//! - A `Retry-After` beyond the budget ends the call at once with an error that says when to
//!   retry, rather than a wait the client cannot see.

use std::future::Future;
use std::time::{Duration, SystemTime};

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::error::{Error, ErrorKind};
use crate::request::Method;

/// How often and how long a call may retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 3; 1 disables retries).
    pub max_attempts: usize,
    /// Most time one call spends waiting between attempts (default 5 s).
    pub budget: Duration,
    /// The first backoff ceiling; it doubles per attempt (default 200 ms).
    pub base_delay: Duration,
    /// The largest backoff ceiling (default 2 s).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            budget: Duration::from_secs(5),
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(2),
        }
    }
}

/// What one attempt gave, and whether repeating it could help.
#[derive(Debug)]
pub(crate) struct Outcome<T> {
    pub result: Result<T, Error>,
    /// `None`: final. `Some(after)`: a transient failure (429, 503, connection not opened);
    /// `after` is the other side's `Retry-After`, when it gave one.
    pub transient: Option<Option<Duration>>,
}

impl<T> Outcome<T> {
    pub fn done(result: Result<T, Error>) -> Self {
        Outcome {
            result,
            transient: None,
        }
    }

    pub fn transient(result: Result<T, Error>, after: Option<Duration>) -> Self {
        Outcome {
            result,
            transient: Some(after),
        }
    }
}

/// A transient backend error's wait: the `Retry-After` header when there was one, otherwise
/// the `retry_after` of a typed 429 body (§6.1), which the error mapping already read.
pub(crate) fn with_body_wait(
    transient: Option<Option<Duration>>,
    error: &Error,
) -> Option<Option<Duration>> {
    transient.map(|after| {
        after.or(match error.kind() {
            ErrorKind::RateLimited {
                retry_after: Some(seconds),
                ..
            } => Some(Duration::from_secs(*seconds)),
            _ => None,
        })
    })
}

/// 429 and 503 say "not now" without having done anything; other statuses are final.
pub(crate) fn is_transient_status(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// Runs `attempt` until it succeeds, fails for good, or the policy says stop.
pub(crate) async fn run<T, F, Fut>(
    policy: &RetryPolicy,
    method: Method,
    rng: &SystemRandom,
    mut attempt: F,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Outcome<T>>,
{
    let mut waited = Duration::ZERO;
    let mut number = 1;
    loop {
        let outcome = attempt().await;
        let Some(after) = outcome.transient else {
            return outcome.result;
        };
        let result = outcome.result.map_err(|e| match after {
            Some(after) => e.with_retry_after(after),
            None => e,
        });
        if !method.is_idempotent() || number >= policy.max_attempts {
            return result;
        }
        let delay = after.unwrap_or_else(|| backoff(policy, number, rng));
        if waited + delay > policy.budget {
            tracing::info!(
                attempt = number,
                delay_ms = delay.as_millis(),
                "not retrying: the wait would exceed the retry budget"
            );
            return result;
        }
        tracing::info!(
            attempt = number,
            delay_ms = delay.as_millis(),
            "transient failure; retrying"
        );
        tokio::time::sleep(delay).await;
        waited += delay;
        number += 1;
    }
}

/// Full jitter: a uniform wait in `[0, min(max_delay, base_delay * 2^(attempt-1))]`.
pub(crate) fn backoff(policy: &RetryPolicy, attempt: usize, rng: &SystemRandom) -> Duration {
    let shift = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(20);
    let ceiling = policy
        .base_delay
        .saturating_mul(1 << shift)
        .min(policy.max_delay);
    let mut bytes = [0u8; 8];
    // Without randomness the ceiling itself is a safe (if less spread) wait.
    let fraction = match rng.fill(&mut bytes) {
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 1.0,
    };
    ceiling.mul_f64(fraction)
}

/// The `Retry-After` of `headers`, as a wait from `now` (see [`parse_retry_after`]).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    parse_retry_after(headers.get(RETRY_AFTER)?.to_str().ok()?, now)
}

/// The first `retry-after` of relayed provider headers (any case).
pub(crate) fn retry_after_of(headers: &[(String, String)], now: SystemTime) -> Option<Duration> {
    let (_, value) = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))?;
    parse_retry_after(value, now)
}

/// RFC 9110 §10.2.3: delay-seconds (ASCII digits) or an HTTP-date; a date in the past is no
/// wait. Anything else is ignored. Values are capped at a day so arithmetic cannot overflow.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    const DAY: u64 = 86_400;
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let digits = value.trim_start_matches('0');
        let seconds = match digits.len() {
            0 => 0,
            1..=5 => digits.parse::<u64>().ok()?.min(DAY),
            _ => DAY,
        };
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let wait = date.duration_since(now).unwrap_or(Duration::ZERO);
    Some(wait.min(Duration::from_secs(DAY)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(parse_retry_after("7", now), secs(7));
        assert_eq!(parse_retry_after(" 007 ", now), secs(7));
        assert_eq!(parse_retry_after("0", now), secs(0));
        assert_eq!(parse_retry_after("99999999999999999999", now), secs(86_400));
        // 2026-01-01T00:00:00Z is `now`; 90 s later:
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 2026 00:01:30 GMT", now),
            secs(90)
        );
        assert_eq!(
            parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now),
            secs(0)
        );
        for bad in ["", "-1", "1.5", "soon", "7 s"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
        let relayed = vec![("Retry-After".to_owned(), "3".to_owned())];
        assert_eq!(retry_after_of(&relayed, now), secs(3));
    }

    #[test]
    fn a_rate_limit_body_gives_the_wait_when_the_header_does_not() {
        let limited = Error::new(
            ErrorKind::RateLimited {
                retry_after: Some(4),
                quota: false,
            },
            "slow down",
        );
        let four = Some(Duration::from_secs(4));
        assert_eq!(with_body_wait(Some(None), &limited), Some(four));
        let header = Some(Duration::from_secs(1));
        assert_eq!(with_body_wait(Some(header), &limited), Some(header));
        assert_eq!(with_body_wait(None, &limited), None, "final stays final");
        assert_eq!(with_body_wait(Some(None), &transient_error()), Some(None));
    }

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_ceiling() {
        let policy = RetryPolicy::default();
        let rng = SystemRandom::new();
        for attempt in 1..=8 {
            let ceiling = (policy.base_delay * (1 << (attempt - 1))).min(policy.max_delay);
            let waits: Vec<Duration> = (0..200).map(|_| backoff(&policy, attempt, &rng)).collect();
            assert!(waits.iter().all(|w| *w <= ceiling), "attempt {attempt}");
            // Full jitter spreads waits over the whole range, not around the ceiling.
            assert!(waits.iter().any(|w| *w < ceiling / 2), "attempt {attempt}");
            assert!(waits.iter().any(|w| *w > ceiling / 2), "attempt {attempt}");
        }
        assert!(backoff(&policy, usize::MAX, &rng) <= policy.max_delay);
    }

    fn transient_error() -> Error {
        Error::new(ErrorKind::Backend, "busy").with_status(503)
    }

    async fn attempts_for(
        method: Method,
        policy: RetryPolicy,
        after: Option<Duration>,
        succeed_on: usize,
    ) -> (Result<usize, Error>, usize) {
        let count = AtomicUsize::new(0);
        let result = run(&policy, method, &SystemRandom::new(), || {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                if n >= succeed_on {
                    Outcome::done(Ok(n))
                } else {
                    Outcome::transient(Err(transient_error()), after)
                }
            }
        })
        .await;
        (result, count.load(Ordering::SeqCst))
    }

    fn quick() -> RetryPolicy {
        RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        }
    }

    #[tokio::test]
    async fn idempotent_methods_retry_until_success_or_the_attempt_limit() {
        assert_eq!(attempts_for(Method::Get, quick(), None, 3).await.1, 3);
        let (result, count) = attempts_for(Method::Delete, quick(), None, 10).await;
        assert_eq!((result.unwrap_err().status(), count), (Some(503), 3));
        let once = RetryPolicy {
            max_attempts: 1,
            ..quick()
        };
        assert_eq!(attempts_for(Method::Put, once, None, 2).await.1, 1);
    }

    #[tokio::test]
    async fn post_and_patch_are_never_retried() {
        for method in [Method::Post, Method::Patch] {
            let (result, count) = attempts_for(method, quick(), None, 2).await;
            assert!(result.is_err());
            assert_eq!(count, 1, "{method}");
        }
    }

    #[tokio::test]
    async fn retry_after_is_honoured_within_the_budget_and_reported_beyond_it() {
        let started = std::time::Instant::now();
        let (result, count) =
            attempts_for(Method::Get, quick(), Some(Duration::from_millis(300)), 2).await;
        assert_eq!((result.unwrap(), count), (2, 2));
        assert!(started.elapsed() >= Duration::from_millis(300));

        let started = std::time::Instant::now();
        let (result, count) =
            attempts_for(Method::Get, quick(), Some(Duration::from_secs(60)), 2).await;
        assert_eq!(count, 1, "a wait beyond the budget gives up at once");
        assert!(started.elapsed() < Duration::from_secs(1));
        let error = result.unwrap_err();
        assert!(
            error.tool_message().contains("Retry after 60 s"),
            "{error:?}"
        );
    }
}
