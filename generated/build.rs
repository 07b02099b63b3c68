//! Generates the Google Calendar and Slack tool modules from `specs/*/allowlist.toml` into
//! `OUT_DIR`: the same few lines a user of `alter-mcp-gen` writes.

fn main() {
    alter_mcp_gen::build::generate_all("../specs");
}
