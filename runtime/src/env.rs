//! Every environment variable the runtime reads, in one place, so a user can find them all and
//! the code that reads each one names it through this module.
//!
//! The limits ([`TIMEOUT_ENV`] to [`MAX_RESPONSE_ENV`], read into [`Limits`](crate::Limits)):
//! blank means unset, a bad value is a configuration error naming the variable, and the `_SECS`
//! ones accept fractions (`0.5`) up to a day (86400).
//!
//! Variables a dependency reads on its own are not listed here; [`WORKERS_ENV`], tokio's, is
//! listed because the runtime reads it too, to size the runtime when it is unset.

/// The Alter agent key: `alter_<rk|ak|dk|pk>_…` or legacy `alter_key_…` (see
/// [`AgentKey`](crate::AgentKey)). Without a usable key the server still starts and lists its
/// tools, and each call answers how to set it. Never logged, never shown in `Debug` or errors.
pub const KEY_ENV: &str = "ALTER_MCP_AGENT_KEY";

/// The Alter backend URL. Default [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL)
/// (`https://backend.alterauth.com`); `https://`, or `http://` for loopback only.
pub const BASE_URL_ENV: &str = "ALTER_BASE_URL";

/// How provider calls travel ([`Mode`](crate::Mode)): `proxy` (default; Alter makes the call)
/// or `retrieve` (the server fetches a short-lived token and calls the provider itself).
pub const MODE_ENV: &str = "ALTER_MCP_MODE";

/// The log filter, in `tracing_subscriber`'s `EnvFilter` syntax. Default
/// [`DEFAULT_LOG_FILTER`](crate::DEFAULT_LOG_FILTER) (`info,rmcp=warn`). Logs go to stderr.
pub const LOG_ENV: &str = "ALTER_MCP_LOG";

/// `1`, `true` or `yes`: every call answers with the request it would send, and sends nothing.
/// Default off. The mode shown is the one [`MODE_ENV`] names.
pub const DRY_RUN_ENV: &str = "ALTER_MCP_DRY_RUN";

/// Whole seconds a tool call waits for a human decision before it answers "still pending"
/// (`0`: answer at once). Default [`DEFAULT_APPROVAL_WAIT`](crate::DEFAULT_APPROVAL_WAIT) (50 s).
pub const APPROVAL_WAIT_ENV: &str = "ALTER_MCP_APPROVAL_WAIT";

/// Longest time one HTTP attempt may take, from connecting to the last byte of the answer, in
/// seconds (more than 0). Default 30.
pub const TIMEOUT_ENV: &str = "ALTER_MCP_TIMEOUT_SECS";
/// Longest time to open a connection (TCP and TLS), in seconds (more than 0). Default 10.
pub const CONNECT_TIMEOUT_ENV: &str = "ALTER_MCP_CONNECT_TIMEOUT_SECS";
/// Longest silence while reading an answer (between two reads), in seconds (more than 0).
/// Default 30.
pub const READ_TIMEOUT_ENV: &str = "ALTER_MCP_READ_TIMEOUT_SECS";
/// Attempts per call when a retry is safe, 1 to 10 (`1`: never retry). Default 3.
pub const RETRY_ATTEMPTS_ENV: &str = "ALTER_MCP_RETRY_ATTEMPTS";
/// Most time one call spends waiting between attempts, `Retry-After` included, in seconds
/// (`0` allowed). Default 5.
pub const RETRY_BUDGET_ENV: &str = "ALTER_MCP_RETRY_BUDGET_SECS";
/// Most tool calls in flight at once, 1 to 10000; the others wait for a slot. Default 32.
pub const MAX_CONCURRENT_ENV: &str = "ALTER_MCP_MAX_CONCURRENT_CALLS";
/// Longest time a call waits for a slot before it fails as "busy", in seconds (more than 0).
/// Default 30.
pub const QUEUE_TIMEOUT_ENV: &str = "ALTER_MCP_QUEUE_TIMEOUT_SECS";
/// Largest provider body a tool returns, in bytes (1 to 1 GiB); longer bodies are cut with a
/// note. Default 2 MiB (2097152).
pub const MAX_RESPONSE_ENV: &str = "ALTER_MCP_MAX_RESPONSE_BYTES";

/// `IP:PORT` to serve streamable HTTP on; setting it turns HTTP mode on, like `--http`.
/// Default unset (stdio).
pub const HTTP_ENV: &str = "ALTER_MCP_HTTP";
/// Largest accepted HTTP request body, in bytes (positive). Default 1 MiB; `--max-body` wins.
pub const MAX_BODY_ENV: &str = "ALTER_MCP_HTTP_MAX_BODY";
/// Whole seconds in-flight HTTP requests get to finish after SIGTERM/SIGINT. Default 25;
/// `--shutdown-grace` wins.
pub const SHUTDOWN_GRACE_ENV: &str = "ALTER_MCP_HTTP_SHUTDOWN_GRACE";
/// `1` or `true`: serve HTTP requests without a bearer token, as the agent's own identity.
/// Default off; `--allow-anonymous` turns it on too.
pub const ALLOW_ANONYMOUS_ENV: &str = "ALTER_MCP_HTTP_ALLOW_ANONYMOUS";
/// Comma-separated `Host` header values HTTP mode accepts (DNS-rebinding protection). Default:
/// the loopback names when bound to a loopback address, otherwise unchecked; `--allowed-host`
/// (repeatable) wins.
pub const ALLOWED_HOSTS_ENV: &str = "ALTER_MCP_HTTP_ALLOWED_HOSTS";

/// tokio's own variable for the worker thread count. Default: none over stdio (the server runs
/// on one thread), one per core and at most 4 over HTTP.
pub const WORKERS_ENV: &str = "TOKIO_WORKER_THREADS";

/// Every name above, for tools and tests that need them all (clearing a server's environment,
/// checking documentation).
pub const ALL: &[&str] = &[
    KEY_ENV,
    BASE_URL_ENV,
    MODE_ENV,
    LOG_ENV,
    DRY_RUN_ENV,
    APPROVAL_WAIT_ENV,
    TIMEOUT_ENV,
    CONNECT_TIMEOUT_ENV,
    READ_TIMEOUT_ENV,
    RETRY_ATTEMPTS_ENV,
    RETRY_BUDGET_ENV,
    MAX_CONCURRENT_ENV,
    QUEUE_TIMEOUT_ENV,
    MAX_RESPONSE_ENV,
    HTTP_ENV,
    MAX_BODY_ENV,
    SHUTDOWN_GRACE_ENV,
    ALLOW_ANONYMOUS_ENV,
    ALLOWED_HOSTS_ENV,
    WORKERS_ENV,
];

#[cfg(test)]
mod tests {
    #[test]
    fn all_names_every_variable_once() {
        let source = include_str!("env.rs");
        let declared = source.matches("_ENV: &str = \"").count();
        let mut names = super::ALL.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), super::ALL.len(), "a name is listed twice");
        assert_eq!(declared, super::ALL.len(), "every *_ENV constant is in ALL");
    }
}
