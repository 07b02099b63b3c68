//! The `alter-mcp-gen` command: generate one provider's module (from an allowlist, or every
//! operation of a document), or check that a committed one is up to date; `operations` and
//! `init` (finding operations, starting an allowlist) live in `cli/operations.rs` and
//! `cli/init.rs`, `diff` and `lock` in `cli/upgrade.rs`.

mod cli;

use cli::{init, operations, upgrade};

use std::path::PathBuf;
use std::process::ExitCode;

use alter_mcp_gen::{EveryOperation, Generated};

const USAGE: &str = "\
alter-mcp-gen: generate typed Alter MCP tools from an API description
(OpenAPI 3.0 or 3.1, Swagger 2.0, Google Discovery; JSON or YAML)

Usage:
  alter-mcp-gen operations --spec FILE [--match TEXT]... [--json]
  alter-mcp-gen init --spec FILE --provider ID [--match TEXT]... [--out FILE] ...
  alter-mcp-gen generate --allowlist FILE [--out FILE] [--catalog FILE] [--check]
  alter-mcp-gen generate --spec FILE --provider ID --all [--base-url URL]
                         [--skip-unsupported] [--out FILE] [--catalog FILE] [--check]

Options:
  --allowlist FILE    the allowlist (TOML); it names the document in `spec`
  --spec FILE         with --all: the API description
  --provider ID       with --all: the Alter provider id (e.g. `google`)
  --all               a tool for every operation of the document, names derived
                      from operation ids (else method and path)
  --base-url URL      with --all: replaces the document's server URL
  --skip-unsupported  with --all: leave out operations that cannot be generated,
                      listing each with why on standard error
  --out FILE          where to write the module (default: standard output)
  --catalog FILE      also write the Markdown catalog of the tools (what each does,
                      inputs, annotations, approvals, OAuth scopes) to FILE
  --check             do not write; exit 1 if a FILE differs from what would be generated
  -h, --help          show this help
  -V, --version       show the version

Problems in the inputs are printed to standard error, and the exit status is 1.

Adding a provider (README.md, \"Add a provider\"):
";

const UPGRADE_HEADING: &str = "
When a provider's document changes (README.md, \"Upgrading when a provider changes\"):
";

enum Source {
    Allowlist(PathBuf),
    Every {
        spec: PathBuf,
        options: EveryOperation,
    },
}

struct Args {
    source: Source,
    out: Option<PathBuf>,
    catalog: Option<PathBuf>,
    check: bool,
}

#[derive(Default)]
struct Flags {
    allowlist: Option<PathBuf>,
    spec: Option<PathBuf>,
    provider: Option<String>,
    base_url: Option<String>,
    all: bool,
    skip_unsupported: bool,
    out: Option<PathBuf>,
    catalog: Option<PathBuf>,
    check: bool,
}

fn parse_args() -> Result<Option<Args>, lexopt::Error> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let mut command = None;
    let mut flags = Flags::default();
    while let Some(arg) = parser.next()? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Short('V') | Long("version") => {
                println!("alter-mcp-gen {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            Long("allowlist") => flags.allowlist = Some(PathBuf::from(parser.value()?)),
            Long("spec") => flags.spec = Some(PathBuf::from(parser.value()?)),
            Long("provider") => flags.provider = Some(parser.value()?.string()?),
            Long("base-url") => flags.base_url = Some(parser.value()?.string()?),
            Long("all") => flags.all = true,
            Long("skip-unsupported") => flags.skip_unsupported = true,
            Long("out") => flags.out = Some(PathBuf::from(parser.value()?)),
            Long("catalog") => flags.catalog = Some(PathBuf::from(parser.value()?)),
            Long("check") => flags.check = true,
            Value(value) if command.is_none() => command = Some(value.string()?),
            _ => return Err(arg.unexpected()),
        }
    }
    match command.as_deref() {
        Some("generate") => {}
        Some(other) => {
            return Err(format!(
                "unknown command `{other}` (expected `operations`, `init`, `generate`, `diff` or `lock`)"
            )
            .into());
        }
        None => return Err("missing command `generate`".into()),
    }
    if flags.check && flags.out.is_none() && flags.catalog.is_none() {
        return Err("--check needs --out FILE or --catalog FILE".into());
    }
    let source = source(&mut flags)?;
    Ok(Some(Args {
        source,
        out: flags.out,
        catalog: flags.catalog,
        check: flags.check,
    }))
}

fn source(flags: &mut Flags) -> Result<Source, lexopt::Error> {
    match (flags.allowlist.take(), flags.all) {
        (Some(_), true) => Err("give either --allowlist FILE or --all, not both".into()),
        (Some(allowlist), false) => {
            if flags.spec.is_some() || flags.provider.is_some() || flags.base_url.is_some() {
                return Err(
                    "--spec, --provider and --base-url go with --all (an allowlist names its spec)"
                        .into(),
                );
            }
            if flags.skip_unsupported {
                return Err("--skip-unsupported goes with --all".into());
            }
            Ok(Source::Allowlist(allowlist))
        }
        (None, true) => {
            let spec = flags.spec.take().ok_or("--all needs --spec FILE")?;
            let provider = flags.provider.take().ok_or("--all needs --provider ID")?;
            Ok(Source::Every {
                spec,
                options: EveryOperation {
                    provider,
                    base_url: flags.base_url.take(),
                    skip_unsupported: flags.skip_unsupported,
                },
            })
        }
        (None, false) => {
            Err("missing --allowlist FILE (or --spec FILE --provider ID --all)".into())
        }
    }
}

fn main() -> ExitCode {
    let mut other = lexopt::Parser::from_env();
    if let Ok(Some(lexopt::Arg::Value(command))) = other.next() {
        match command.to_str() {
            Some("operations") => return operations::run(&mut other),
            Some("init") => return init::run(&mut other),
            Some(command @ ("diff" | "lock")) => return upgrade::run(command, &mut other),
            _ => {}
        }
    }
    let usage = format!(
        "{USAGE}{}\n{}\n\n{}\n{}\n{UPGRADE_HEADING}{}",
        operations::SYNOPSIS,
        init::SYNOPSIS,
        operations::ABOUT,
        init::ABOUT,
        upgrade::USAGE
    );
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{usage}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("alter-mcp-gen: {error}\n\n{usage}");
            return ExitCode::from(2);
        }
    };
    let result = match &args.source {
        Source::Allowlist(allowlist) => alter_mcp_gen::generate(allowlist),
        Source::Every { spec, options } => alter_mcp_gen::generate_every_operation(spec, options),
    };
    let generated = match result {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    print_warnings(&generated);
    if let Source::Every { .. } = &args.source {
        report_every(&generated);
    }
    write(&args, &generated)
}

/// Deprecated operations, schemas over the budget and the like, on standard error.
fn print_warnings(generated: &Generated) {
    for warning in &generated.warnings {
        eprintln!("warning: {}\n  --> {}", warning.message, warning.location);
        if let Some(help) = &warning.help {
            eprintln!("  help: {help}");
        }
    }
}

/// What `--all` made, on standard error (standard output may be the module).
fn report_every(generated: &Generated) {
    for skipped in &generated.skipped {
        eprintln!("skipped {}:\n{}\n", skipped.operation, skipped.problems);
    }
    eprintln!(
        "alter-mcp-gen: {} tools generated, {} operations skipped",
        generated.tools.len(),
        generated.skipped.len()
    );
}

fn write(args: &Args, generated: &Generated) -> ExitCode {
    if let Some(catalog) = &args.catalog {
        let status = write_file(catalog, &generated.catalog, args.check);
        if status != ExitCode::SUCCESS {
            return status;
        }
    }
    match (&args.out, args.check) {
        (None, true) => {}
        // `print!` panics when the reader has gone (`| head`).
        (None, false) => {
            let _ =
                std::io::Write::write_all(&mut std::io::stdout().lock(), generated.code.as_bytes());
        }
        (Some(out), check) => return write_file(out, &generated.code, check),
    }
    ExitCode::SUCCESS
}

/// Writes `text` to `path`, or with `check` only compares them.
fn write_file(path: &std::path::Path, text: &str, check: bool) -> ExitCode {
    if check {
        if std::fs::read(path).ok().as_deref() != Some(text.as_bytes()) {
            eprintln!(
                "{} is out of date; regenerate it with the same command without --check",
                path.display(),
            );
            return ExitCode::FAILURE;
        }
    } else if let Err(diagnostic) = alter_mcp_gen::build::write_if_changed(path, text) {
        eprintln!("{diagnostic}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
