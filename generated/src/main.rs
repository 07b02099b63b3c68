//! `alter-mcp`: the MCP server with the generated Google Calendar and Slack tools, on stdio or,
//! with `--http ADDR`, streamable HTTP. Configuration comes from the environment
//! (`ALTER_MCP_AGENT_KEY`, `ALTER_BASE_URL`) and `--help`'s HTTP options; see the README.

fn main() -> std::process::ExitCode {
    alter_mcp_runtime::run("alter-mcp", alter_mcp_tools::TOOL_SETS)
}
