//! The server binary's command line. Configuration comes from the environment (the key must
//! never be in argv); arguments ask for help or the version, or choose HTTP mode and its
//! settings (`http_options.rs`), so that a person who runs the binary in a terminal is not left
//! facing a silent process waiting for JSON-RPC on stdin.

use super::http_options::{DEFAULT_MAX_BODY, DEFAULT_SHUTDOWN_GRACE, HttpArgs, HttpOptions};
use crate::env::{
    ALLOW_ANONYMOUS_ENV, ALLOWED_HOSTS_ENV, HTTP_ENV, MAX_BODY_ENV, SHUTDOWN_GRACE_ENV,
};
use crate::tool::ToolDef;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Invocation {
    /// Serve MCP on stdin/stdout.
    Serve,
    /// Serve MCP over streamable HTTP.
    ServeHttp(HttpOptions),
    /// Printed what was asked (or an error); exit with this code.
    Exit(u8),
}

/// Reads the arguments after the program name (and the `ALTER_MCP_HTTP*` environment). Help
/// and version go to stdout (the MCP channel is not in use when they are asked for); mistakes
/// go to stderr.
pub(crate) fn parse(
    name: &str,
    tool_sets: &[&'static [ToolDef]],
    args: impl IntoIterator<Item = String>,
) -> Invocation {
    parse_with_env(name, tool_sets, args, |var| std::env::var(var).ok())
}

fn parse_with_env(
    name: &str,
    tool_sets: &[&'static [ToolDef]],
    args: impl IntoIterator<Item = String>,
    env: impl Fn(&str) -> Option<String>,
) -> Invocation {
    let mut http = HttpArgs::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{}", help(name, tool_sets));
                return Invocation::Exit(0);
            }
            "-V" | "--version" => {
                println!("{name} (alter-mcp-runtime {})", env!("CARGO_PKG_VERSION"));
                return Invocation::Exit(0);
            }
            _ => match http.accept(&arg, &mut args) {
                Ok(true) => {}
                // Not echoed: someone who passes the agent key as an argument must not find
                // it in the client's logs too.
                Ok(false) => {
                    eprintln!(
                        "{name}: unexpected argument. The server is configured through the \
                         environment and a few HTTP options (see `{name} --help`)."
                    );
                    return Invocation::Exit(2);
                }
                Err(message) => {
                    eprintln!("{name}: {message}");
                    return Invocation::Exit(2);
                }
            },
        }
    }
    match http.resolve(env) {
        Ok(None) => Invocation::Serve,
        Ok(Some(options)) => Invocation::ServeHttp(options),
        Err(message) => {
            eprintln!("{name}: {message}");
            Invocation::Exit(2)
        }
    }
}

fn help(name: &str, tool_sets: &[&'static [ToolDef]]) -> String {
    let tools: Vec<&str> = tool_sets
        .iter()
        .flat_map(|set| set.iter().map(|t| t.name))
        .collect();
    format!(
        "{name}: an MCP server whose tools call provider APIs through Alter.

Usage: {name}                 serve MCP on stdin/stdout until the client closes stdin
       {name} --http ADDR     serve MCP over streamable HTTP at http://ADDR/mcp (stateless)
       {name} --help          this text
       {name} --version       the version

HTTP options (each also settable in the environment; flags win):
  --http IP:PORT         listen address, e.g. 127.0.0.1:8080 or 0.0.0.0:8080
                         (env {HTTP_ENV})
  --max-body BYTES       larger request bodies get 413 (default {max_body})
                         (env {MAX_BODY_ENV})
  --shutdown-grace SECS  on SIGTERM/SIGINT, time for calls in flight to finish
                         (default {grace}) (env {SHUTDOWN_GRACE_ENV})
  --allow-anonymous      accept requests without a bearer token (they use the agent's
                         own grants); by default they get 401
                         (env {ALLOW_ANONYMOUS_ENV}=true)
  --allowed-host HOST    a Host header value to accept (repeatable); default: loopback
                         names on a loopback address, unchecked otherwise
                         (env {ALLOWED_HOSTS_ENV}, comma-separated)
  Each HTTP request's `Authorization: Bearer <token>` is the end user's identity
  token, sent to Alter as that call's user_token. GET /healthz answers 200 {{\"status\":\"ok\"}}.

Environment:
  ALTER_MCP_AGENT_KEY  the agent's Alter key (required for calls; never pass it as an argument)
  ALTER_BASE_URL       the Alter backend (default {default_url})
  ALTER_MCP_MODE       proxy (default) or retrieve
  ALTER_MCP_LOG        log filter for stderr (default info,rmcp=warn)
  ALTER_MCP_TIMEOUT_SECS, ALTER_MCP_RETRY_ATTEMPTS, ALTER_MCP_MAX_CONCURRENT_CALLS,
  ALTER_MCP_MAX_RESPONSE_BYTES, ...  timeouts, retries and limits (README: Faults and limits)
  ALTER_MCP_APPROVAL_WAIT  seconds a call waits for a human approval (default 50)
  ALTER_MCP_DRY_RUN    1: calls answer with the request they would send, and send nothing
  TOKIO_WORKER_THREADS worker threads (default: none over stdio, which serves on one thread;
                       one per core, at most 4, over HTTP)

Tools ({count}): {list}
",
        default_url = crate::alter::agent::DEFAULT_BASE_URL,
        max_body = DEFAULT_MAX_BODY,
        grace = DEFAULT_SHUTDOWN_GRACE.as_secs(),
        count = tools.len(),
        list = tools.join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_arguments_serve_and_unknown_ones_are_refused() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse("x", &[], args(&[])), Invocation::Serve);
        assert_eq!(
            parse("x", &[], args(&["--key=secret"])),
            Invocation::Exit(2)
        );
        assert_eq!(parse("x", &[], args(&["--version"])), Invocation::Exit(0));
    }

    #[test]
    fn http_flags_choose_http_mode() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let no_env = |_: &str| None;
        let parsed = parse_with_env("x", &[], args(&["--http", "127.0.0.1:0"]), no_env);
        let Invocation::ServeHttp(options) = parsed else {
            panic!("not HTTP mode: {parsed:?}");
        };
        assert_eq!(options.addr.port(), 0);
        assert!(!options.allow_anonymous);
        let bad = parse_with_env("x", &[], args(&["--http", "nowhere"]), no_env);
        assert_eq!(bad, Invocation::Exit(2));
        let env = |var: &str| (var == HTTP_ENV).then(|| "127.0.0.1:9".to_owned());
        assert!(matches!(
            parse_with_env("x", &[], args(&[]), env),
            Invocation::ServeHttp(_)
        ));
    }

    #[test]
    fn help_names_the_environment_and_never_a_key_argument() {
        let text = help("alter-mcp", &[]);
        assert!(text.contains("ALTER_MCP_AGENT_KEY"));
        assert!(text.contains("ALTER_BASE_URL"));
        assert!(text.contains("--http") && text.contains(MAX_BODY_ENV));
        assert!(!text.contains("--key"));
    }

    #[test]
    fn help_names_every_variable_but_the_limits_it_points_to_the_readme_for() {
        use crate::env::*;
        let summarised = [
            CONNECT_TIMEOUT_ENV,
            READ_TIMEOUT_ENV,
            RETRY_BUDGET_ENV,
            QUEUE_TIMEOUT_ENV,
        ];
        let text = help("alter-mcp", &[]);
        let missing: Vec<_> = ALL
            .iter()
            .filter(|name| !summarised.contains(name) && !text.contains(*name))
            .collect();
        assert!(missing.is_empty(), "--help does not name {missing:?}");
    }
}
