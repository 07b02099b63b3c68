//! The limits that keep one server standing when Alter or a provider misbehaves: timeouts,
//! retries, concurrency and response size. Read once from the environment with the agent
//! ([`crate::Agent::from_env`]); README "Faults and limits" lists the variables.
//!
//! Invariant: every limit is finite and non-zero, so no call can wait or buffer without bound.

use std::time::Duration;

use super::error::Error;
use super::retry::RetryPolicy;

use crate::env::{
    CONNECT_TIMEOUT_ENV, MAX_CONCURRENT_ENV, MAX_RESPONSE_ENV, QUEUE_TIMEOUT_ENV, READ_TIMEOUT_ENV,
    RETRY_ATTEMPTS_ENV, RETRY_BUDGET_ENV, TIMEOUT_ENV,
};

/// Timeouts, retries, concurrency and response size of one agent and its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// One HTTP attempt, connect to last byte (default 30 s).
    pub timeout: Duration,
    /// Opening a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Silence between two reads of an answer (default 30 s).
    pub read_timeout: Duration,
    /// When and how often a failed attempt is repeated.
    pub retry: RetryPolicy,
    /// Tool calls in flight at once (default 32).
    pub max_concurrent_calls: usize,
    /// Waiting for a free slot (default 30 s).
    pub queue_timeout: Duration,
    /// Provider body bytes a tool returns (default 2 MiB).
    pub max_response_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_concurrent_calls: 32,
            queue_timeout: Duration::from_secs(30),
            max_response_bytes: 2 << 20,
        }
    }
}

impl Limits {
    /// The defaults, overridden by whichever variables `lookup` finds (blank means unset).
    pub(crate) fn from_lookup(
        lookup: &impl Fn(&str) -> Result<Option<String>, Error>,
    ) -> Result<Limits, Error> {
        let mut limits = Limits::default();
        let var = |name: &str| -> Result<Option<String>, Error> {
            Ok(lookup(name)?.filter(|v| !v.trim().is_empty()))
        };
        if let Some(v) = var(TIMEOUT_ENV)? {
            limits.timeout = seconds(TIMEOUT_ENV, &v)?;
        }
        if let Some(v) = var(CONNECT_TIMEOUT_ENV)? {
            limits.connect_timeout = seconds(CONNECT_TIMEOUT_ENV, &v)?;
        }
        if let Some(v) = var(READ_TIMEOUT_ENV)? {
            limits.read_timeout = seconds(READ_TIMEOUT_ENV, &v)?;
        }
        if let Some(v) = var(RETRY_ATTEMPTS_ENV)? {
            limits.retry.max_attempts = count(RETRY_ATTEMPTS_ENV, &v, 10)?;
        }
        if let Some(v) = var(RETRY_BUDGET_ENV)? {
            limits.retry.budget = seconds_or_zero(RETRY_BUDGET_ENV, &v)?;
        }
        if let Some(v) = var(MAX_CONCURRENT_ENV)? {
            limits.max_concurrent_calls = count(MAX_CONCURRENT_ENV, &v, 10_000)?;
        }
        if let Some(v) = var(QUEUE_TIMEOUT_ENV)? {
            limits.queue_timeout = seconds(QUEUE_TIMEOUT_ENV, &v)?;
        }
        if let Some(v) = var(MAX_RESPONSE_ENV)? {
            limits.max_response_bytes = count(MAX_RESPONSE_ENV, &v, 1 << 30)?;
        }
        Ok(limits)
    }

    /// The most bytes read from one Alter answer: the proxy's base64 envelope of a body of
    /// [`Limits::max_response_bytes`] (4/3 of it) plus room for its status and headers.
    pub(crate) fn max_envelope_bytes(&self) -> usize {
        self.max_response_bytes
            .saturating_div(3)
            .saturating_add(1)
            .saturating_mul(4)
            .saturating_add(ENVELOPE_HEADROOM)
    }
}

/// Room in a proxy answer for everything but `body_b64` (status, relayed headers, flags).
const ENVELOPE_HEADROOM: usize = 64 << 10;

/// A positive number of seconds, fractions allowed (`0.5`), at most a day.
fn seconds(name: &str, text: &str) -> Result<Duration, Error> {
    match seconds_or_zero(name, text)? {
        Duration::ZERO => Err(Error::config(format!(
            "{name} must be more than 0 seconds (got {:?})",
            text.trim()
        ))),
        duration => Ok(duration),
    }
}

/// Zero or more seconds, fractions allowed, at most a day.
fn seconds_or_zero(name: &str, text: &str) -> Result<Duration, Error> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && (0.0..=86_400.0).contains(s))
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            Error::config(format!(
                "{name} must be a number of seconds from 0 to 86400, like 30 or 0.5 (got {:?})",
                super::error::truncate(text.trim(), 40)
            ))
        })
}

/// A whole number from 1 to `max`.
fn count(name: &str, text: &str, max: usize) -> Result<usize, Error> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| {
            Error::config(format!(
                "{name} must be a whole number from 1 to {max} (got {:?})",
                super::error::truncate(text.trim(), 40)
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alter::error::ErrorKind;

    fn from(vars: &[(&str, &str)]) -> Result<Limits, Error> {
        Limits::from_lookup(&|name: &str| {
            Ok(vars
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned()))
        })
    }

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(from(&[]).unwrap(), Limits::default());
        let limits = from(&[
            (TIMEOUT_ENV, "0.5"),
            (CONNECT_TIMEOUT_ENV, "2"),
            (READ_TIMEOUT_ENV, " 3 "),
            (RETRY_ATTEMPTS_ENV, "1"),
            (RETRY_BUDGET_ENV, "0"),
            (MAX_CONCURRENT_ENV, "4"),
            (QUEUE_TIMEOUT_ENV, "1.5"),
            (MAX_RESPONSE_ENV, "1000"),
            (TIMEOUT_ENV.trim_end_matches("_SECS"), "ignored"),
        ])
        .unwrap();
        assert_eq!(limits.timeout, Duration::from_millis(500));
        assert_eq!(limits.connect_timeout, Duration::from_secs(2));
        assert_eq!(limits.read_timeout, Duration::from_secs(3));
        assert_eq!(limits.retry.max_attempts, 1);
        assert_eq!(limits.retry.budget, Duration::ZERO);
        assert_eq!(limits.max_concurrent_calls, 4);
        assert_eq!(limits.queue_timeout, Duration::from_millis(1500));
        assert_eq!(limits.max_response_bytes, 1000);
        assert_eq!(limits.max_envelope_bytes(), 1336 + (64 << 10));
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (name, value) in [
            (TIMEOUT_ENV, "0"),
            (TIMEOUT_ENV, "-1"),
            (TIMEOUT_ENV, "NaN"),
            (TIMEOUT_ENV, "1e9"),
            (RETRY_ATTEMPTS_ENV, "0"),
            (RETRY_ATTEMPTS_ENV, "2.5"),
            (MAX_CONCURRENT_ENV, "many"),
            (MAX_RESPONSE_ENV, "0"),
        ] {
            let error = from(&[(name, value)]).unwrap_err();
            assert_eq!(error.kind(), &ErrorKind::Config);
            assert!(error.message().starts_with(name), "{error}");
        }
    }
}
