//! `alter-mcp`: the stdio MCP server with the generated Google Calendar and Slack tools.
//! Configuration comes from the environment (`ALTER_MCP_AGENT_KEY`, `ALTER_BASE_URL`);
//! see the README.

fn main() -> std::process::ExitCode {
    alter_mcp_runtime::run_stdio("alter-mcp", alter_mcp_tools::TOOL_SETS)
}
