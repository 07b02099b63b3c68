//! The `alter-mcp-gen` command: generate one provider's module, or check that a committed one
//! is up to date.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
alter-mcp-gen: generate typed Alter MCP tools from an OpenAPI 3.0 document and an allowlist

Usage:
  alter-mcp-gen generate --allowlist FILE [--out FILE] [--check]

Options:
  --allowlist FILE  the allowlist (TOML); it names the OpenAPI document in `spec`
  --out FILE        where to write the module (default: standard output)
  --check           do not write; exit 1 if FILE differs from what would be generated
  -h, --help        show this help
  -V, --version     show the version

Problems in the inputs are printed to standard error, and the exit status is 1.";

struct Args {
    allowlist: PathBuf,
    out: Option<PathBuf>,
    check: bool,
}

fn parse_args() -> Result<Option<Args>, lexopt::Error> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let mut command = None;
    let (mut allowlist, mut out, mut check) = (None, None, false);
    while let Some(arg) = parser.next()? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Short('V') | Long("version") => {
                println!("alter-mcp-gen {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            Long("allowlist") => allowlist = Some(PathBuf::from(parser.value()?)),
            Long("out") => out = Some(PathBuf::from(parser.value()?)),
            Long("check") => check = true,
            Value(value) if command.is_none() => command = Some(value.string()?),
            _ => return Err(arg.unexpected()),
        }
    }
    match command.as_deref() {
        Some("generate") => {}
        Some(other) => {
            return Err(format!("unknown command `{other}` (expected `generate`)").into());
        }
        None => return Err("missing command `generate`".into()),
    }
    let allowlist = allowlist.ok_or("missing --allowlist FILE")?;
    if check && out.is_none() {
        return Err("--check needs --out FILE".into());
    }
    Ok(Some(Args {
        allowlist,
        out,
        check,
    }))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("alter-mcp-gen: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let generated = match alter_mcp_gen::generate(&args.allowlist) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    match (&args.out, args.check) {
        (None, _) => print!("{}", generated.code),
        (Some(out), true) => {
            if std::fs::read(out).ok().as_deref() != Some(generated.code.as_bytes()) {
                eprintln!(
                    "{} is out of date; regenerate it with:\n  alter-mcp-gen generate --allowlist {} --out {}",
                    out.display(),
                    args.allowlist.display(),
                    out.display()
                );
                return ExitCode::FAILURE;
            }
        }
        (Some(out), false) => {
            if let Err(diagnostic) = alter_mcp_gen::build::write_if_changed(out, &generated.code) {
                eprintln!("{diagnostic}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
