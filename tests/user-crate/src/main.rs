//! A user's MCP server: the tools generated from `specs/` by `build.rs`, served by the runtime
//! on stdio (or `--http ADDR`).

mod google_calendar {
    include!(concat!(env!("OUT_DIR"), "/google_calendar.rs"));
}

mod slack {
    include!(concat!(env!("OUT_DIR"), "/slack.rs"));
}

fn main() -> std::process::ExitCode {
    alter_mcp_runtime::run("user-mcp", &[google_calendar::TOOLS, slack::TOOLS])
}
