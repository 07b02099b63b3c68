//! The server binary's few command-line arguments. Everything that configures the server comes
//! from the environment (the key must never be in argv); arguments only ask for help or the
//! version, so that a person who runs the binary in a terminal is not left facing a silent
//! process waiting for JSON-RPC on stdin.

use crate::tool::ToolDef;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Invocation {
    Serve,
    /// Printed what was asked (or an error); exit with this code.
    Exit(u8),
}

/// Reads the arguments after the program name. Help and version go to stdout (the MCP
/// channel is not in use when they are asked for); mistakes go to stderr.
pub(crate) fn parse(
    name: &str,
    tool_sets: &[&'static [ToolDef]],
    args: impl IntoIterator<Item = String>,
) -> Invocation {
    let Some(first) = args.into_iter().next() else {
        return Invocation::Serve;
    };
    match first.as_str() {
        "-h" | "--help" => {
            print!("{}", help(name, tool_sets));
            Invocation::Exit(0)
        }
        "-V" | "--version" => {
            println!("{name} (alter-mcp-runtime {})", env!("CARGO_PKG_VERSION"));
            Invocation::Exit(0)
        }
        // Not echoed: someone who passes the agent key as an argument must not find it in
        // the client's logs too.
        _ => {
            eprintln!(
                "{name}: unexpected argument. The server takes no options; it is configured \
                 through the environment (see `{name} --help`)."
            );
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
        "{name}: an MCP server (stdio) whose tools call provider APIs through Alter.

Usage: {name}            serve MCP on stdin/stdout until the client closes stdin
       {name} --help     this text
       {name} --version  the version

Environment:
  ALTER_MCP_AGENT_KEY  the agent's Alter key (required for calls; never pass it as an argument)
  ALTER_BASE_URL       the Alter backend (default {default_url})
  ALTER_MCP_MODE       proxy (default) or retrieve
  ALTER_MCP_LOG        log filter for stderr (default info)
  ALTER_MCP_APPROVAL_WAIT  seconds a call waits for a human approval (default 50)
  ALTER_MCP_DRY_RUN    1: calls answer with the request they would send, and send nothing

Tools ({count}): {list}
",
        default_url = crate::agent::DEFAULT_BASE_URL,
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
    fn help_names_the_environment_and_never_a_key_argument() {
        let text = help("alter-mcp", &[]);
        assert!(text.contains("ALTER_MCP_AGENT_KEY"));
        assert!(text.contains("ALTER_BASE_URL"));
        assert!(!text.contains("--key"));
    }
}
