//! The whole `main` of a tool server binary: the command line (`cli.rs`), logs
//! (`logging.rs`), the agent from the environment, a dry run if asked, worker threads sized for
//! the transport (`threads.rs`), then stdio or HTTP until the client or a signal ends it.

use std::process::ExitCode;

use super::stdio::serve_stdio;
use crate::alter::agent::Agent;
use crate::mcp::server::Server;
use crate::tool::ToolDef;

/// The whole `main` of a tool server binary: logs to stderr without ever blocking on it
/// (filter from `ALTER_MCP_LOG`, default `info,rmcp=warn`; see `logging.rs`), reads the agent from the environment (see [`Agent::from_env`]; without a
/// key the server still starts and lists its tools, and each call explains how to set
/// `ALTER_MCP_AGENT_KEY`), then serves stdio until the client closes it, or with `--http ADDR`
/// (or `ALTER_MCP_HTTP`) serves streamable HTTP until SIGTERM/SIGINT. `--help` and
/// `--version` print and exit; any other argument is refused (exit 2).
pub fn run(name: &str, tool_sets: &[&'static [ToolDef]]) -> ExitCode {
    let http = match super::cli::parse(name, tool_sets, std::env::args().skip(1)) {
        super::cli::Invocation::Exit(code) => return ExitCode::from(code),
        super::cli::Invocation::Serve => None,
        super::cli::Invocation::ServeHttp(options) => Some(options),
    };
    let logs = super::logging::init();
    let code = serve(name, tool_sets, http);
    if let Some(logs) = logs {
        logs.finish();
    }
    code
}

fn serve(
    name: &str,
    tool_sets: &[&'static [ToolDef]],
    http: Option<super::http_options::HttpOptions>,
) -> ExitCode {
    let server = match Server::new(name, tool_sets) {
        Ok(server) => server,
        Err(error) => {
            tracing::error!(%error, "the tool set is invalid; not starting");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match super::threads::runtime(http.is_some()) {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "could not start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let server = with_agent_from_env(server);
        let server = match crate::mcp::dry_run::from_env() {
            Ok(None) => server,
            Ok(Some(mode)) => {
                tracing::info!(
                    ?mode,
                    "dry run: tool calls answer with the request they would send, and send nothing"
                );
                server.with_dry_run(mode)
            }
            Err(error) => return Err(std::io::Error::other(error.to_string())),
        };
        tracing::info!(
            name,
            tools = server.tool_count(),
            http = http.is_some(),
            "serving MCP"
        );
        match http {
            None => serve_stdio(server).await,
            Some(options) => {
                super::http::serve_http(server, options, super::http::shutdown_signal()).await
            }
        }
    });
    // A blocking stdin read cannot be cancelled; do not wait for it forever.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "MCP server stopped");
            ExitCode::FAILURE
        }
    }
}

fn with_agent_from_env(server: Server) -> Server {
    match Agent::from_env() {
        Ok(agent) => {
            tracing::info!(base_url = agent.base_url(), mode = ?agent.mode(), "Alter agent ready");
            server.with_agent(agent)
        }
        Err(error) => {
            tracing::warn!(%error, "no usable Alter agent; tools are listed, calls will explain the fix");
            server.with_agent_error(error)
        }
    }
}
