//! The settings of HTTP mode (`--http ADDR`) and where they come from: command-line flags first,
//! then `ALTER_MCP_HTTP*` environment variables, then defaults. `cli.rs` hands us the flags it
//! does not know; [`HttpArgs::resolve`] says whether HTTP mode is on and with what.
//!
//! Flag values are never echoed in errors: a mistyped command line may hold a credential.

use std::net::SocketAddr;
use std::time::Duration;

use crate::env::{
    ALLOW_ANONYMOUS_ENV, ALLOWED_HOSTS_ENV, HTTP_ENV, MAX_BODY_ENV, SHUTDOWN_GRACE_ENV,
};

/// Default body limit: MCP requests are small JSON; 1 MiB leaves room for large tool arguments.
pub const DEFAULT_MAX_BODY: usize = 1 << 20;
/// Default shutdown grace: below the 30 s most orchestrators wait before SIGKILL.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(25);

/// How the HTTP server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Where to listen (`--http ADDR`); port 0 picks a free port.
    pub addr: SocketAddr,
    /// Requests with a larger body are answered 413 without being parsed.
    pub max_body_bytes: usize,
    /// After SIGTERM/SIGINT: no new connections; in-flight requests get this long to finish.
    pub shutdown_grace: Duration,
    /// Serve requests that carry no bearer token (they call Alter with no `user_token`).
    pub allow_anonymous: bool,
    /// `Host` header values to accept. Empty: loopback names when bound to loopback, and no
    /// check otherwise (the operator's proxy owns the public host name).
    pub allowed_hosts: Vec<String>,
}

impl HttpOptions {
    /// The defaults for serving on `addr`.
    pub fn new(addr: SocketAddr) -> HttpOptions {
        HttpOptions {
            addr,
            max_body_bytes: DEFAULT_MAX_BODY,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            allow_anonymous: false,
            allowed_hosts: Vec::new(),
        }
    }
}

/// The HTTP flags seen on the command line, before the environment fills the gaps.
#[derive(Debug, Default)]
pub(crate) struct HttpArgs {
    addr: Option<String>,
    max_body: Option<String>,
    shutdown_grace: Option<String>,
    allow_anonymous: bool,
    allowed_hosts: Vec<String>,
}

impl HttpArgs {
    /// Takes `arg` (and its value from `rest`) if it is an HTTP flag: `Ok(true)`; `Ok(false)`
    /// if it is not ours; `Err` with what to fix when its value is missing.
    pub(crate) fn accept(
        &mut self,
        arg: &str,
        rest: &mut impl Iterator<Item = String>,
    ) -> Result<bool, String> {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (arg, None),
        };
        if flag == "--allow-anonymous" {
            if inline.is_some() {
                return Err("--allow-anonymous takes no value".into());
            }
            self.allow_anonymous = true;
            return Ok(true);
        }
        if !matches!(
            flag,
            "--http" | "--max-body" | "--shutdown-grace" | "--allowed-host"
        ) {
            return Ok(false);
        }
        let value = inline
            .or_else(|| rest.next())
            .ok_or_else(|| format!("{flag} needs a value (see --help)"))?;
        match flag {
            "--http" => self.addr = Some(value),
            "--max-body" => self.max_body = Some(value),
            "--shutdown-grace" => self.shutdown_grace = Some(value),
            _ => self.allowed_hosts.push(value),
        }
        Ok(true)
    }

    /// `None` for stdio mode. `lookup` reads an environment variable.
    pub(crate) fn resolve(
        self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<HttpOptions>, String> {
        let env = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let Some(addr) = self.addr.or_else(|| env(HTTP_ENV)) else {
            let http_only = self.max_body.is_some()
                || self.shutdown_grace.is_some()
                || self.allow_anonymous
                || !self.allowed_hosts.is_empty();
            if http_only {
                return Err(
                    "--max-body, --shutdown-grace, --allow-anonymous and --allowed-host \
                            apply only with --http ADDR"
                        .into(),
                );
            }
            return Ok(None);
        };
        let addr: SocketAddr = addr.trim().parse().map_err(|_| {
            format!(
                "--http (or {HTTP_ENV}) expects IP:PORT, such as 127.0.0.1:8080 or 0.0.0.0:8080"
            )
        })?;
        let mut options = HttpOptions::new(addr);
        if let Some(bytes) = self.max_body.or_else(|| env(MAX_BODY_ENV)) {
            options.max_body_bytes =
                bytes
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        format!("--max-body (or {MAX_BODY_ENV}) expects a positive number of bytes")
                    })?;
        }
        if let Some(secs) = self.shutdown_grace.or_else(|| env(SHUTDOWN_GRACE_ENV)) {
            let secs: u64 = secs.trim().parse().map_err(|_| {
                format!("--shutdown-grace (or {SHUTDOWN_GRACE_ENV}) expects whole seconds")
            })?;
            options.shutdown_grace = Duration::from_secs(secs);
        }
        options.allow_anonymous = self.allow_anonymous
            || env(ALLOW_ANONYMOUS_ENV)
                .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true"));
        options.allowed_hosts = if self.allowed_hosts.is_empty() {
            env(ALLOWED_HOSTS_ENV)
                .map(|list| list.split(',').map(|h| h.trim().to_owned()).collect())
                .unwrap_or_default()
        } else {
            self.allowed_hosts
        };
        options.allowed_hosts.retain(|h| !h.is_empty());
        Ok(Some(options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Option<HttpOptions>, String> {
        let mut http = HttpArgs::default();
        let mut rest = args.iter().map(|s| s.to_string());
        while let Some(arg) = rest.next() {
            assert!(http.accept(&arg, &mut rest)?, "not an HTTP flag: {arg}");
        }
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        http.resolve(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn no_flag_and_no_env_is_stdio() {
        assert_eq!(parse(&[], &[]), Ok(None));
    }

    #[test]
    fn flags_win_over_the_environment() {
        let options = parse(
            &[
                "--http",
                "127.0.0.1:8080",
                "--max-body=2048",
                "--allowed-host",
                "mcp.example.com",
            ],
            &[
                (MAX_BODY_ENV, "10"),
                (SHUTDOWN_GRACE_ENV, "3"),
                (HTTP_ENV, "0.0.0.0:1"),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(options.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(options.max_body_bytes, 2048);
        assert_eq!(options.shutdown_grace, Duration::from_secs(3));
        assert!(!options.allow_anonymous);
        assert_eq!(options.allowed_hosts, ["mcp.example.com"]);
    }

    #[test]
    fn the_environment_alone_turns_http_on() {
        let options = parse(
            &[],
            &[
                (HTTP_ENV, "0.0.0.0:9000"),
                (ALLOW_ANONYMOUS_ENV, "true"),
                (ALLOWED_HOSTS_ENV, "a.example, b.example:443"),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(options.max_body_bytes, DEFAULT_MAX_BODY);
        assert!(options.allow_anonymous);
        assert_eq!(options.allowed_hosts, ["a.example", "b.example:443"]);
    }

    #[test]
    fn bad_values_are_refused_without_echoing_them() {
        let error = parse(&["--http", "alter_key_secret"], &[]).unwrap_err();
        assert!(
            error.contains("IP:PORT") && !error.contains("secret"),
            "{error}"
        );
        assert!(parse(&["--http", "127.0.0.1:1", "--max-body", "0"], &[]).is_err());
        assert!(
            parse(&["--max-body", "10"], &[]).is_err(),
            "HTTP flag without --http"
        );
        let mut http = HttpArgs::default();
        assert!(http.accept("--http", &mut std::iter::empty()).is_err());
        assert_eq!(http.accept("--other", &mut std::iter::empty()), Ok(false));
    }
}
