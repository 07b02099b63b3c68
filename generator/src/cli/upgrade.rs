//! The upgrade commands of `alter-mcp-gen`: `diff` (compare two versions of a provider's
//! document for an allowlist) and `lock` (accept the generated tools into the lock file).

use std::path::PathBuf;
use std::process::ExitCode;

use alter_mcp_gen::build::{LockMode, LockStatus};
use alter_mcp_gen::lock;

pub const USAGE: &str = "  alter-mcp-gen diff --allowlist FILE [--json] OLD_SPEC NEW_SPEC
  alter-mcp-gen lock --allowlist FILE [--check]

diff: generates the allowlist's tools from each document version (instead of its `spec`) and
      reports per tool what changed; exit 0 when nothing breaks, 1 on a breaking change,
      2 when an input cannot be read. --json prints the report as JSON.
lock: writes the allowlist's lock file (allowlist.lock beside it) from the tools generated
      now, after printing what changed; --check only compares (exit 1 on a difference).";

/// Runs `diff` or `lock` with the arguments after the command name.
pub fn run(command: &str, parser: &mut lexopt::Parser) -> ExitCode {
    let parsed = match command {
        "diff" => diff_args(parser).map(Command::Diff),
        _ => lock_args(parser).map(Command::Lock),
    };
    match parsed {
        Ok(Command::Diff(args)) => diff(&args),
        Ok(Command::Lock(args)) => lock(&args),
        Err(error) => {
            eprintln!("alter-mcp-gen {command}: {error}\n\nUsage:\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

enum Command {
    Diff(DiffArgs),
    Lock(LockArgs),
}

struct DiffArgs {
    allowlist: PathBuf,
    old: PathBuf,
    new: PathBuf,
    json: bool,
}

struct LockArgs {
    allowlist: PathBuf,
    check: bool,
}

fn diff_args(parser: &mut lexopt::Parser) -> Result<DiffArgs, lexopt::Error> {
    use lexopt::prelude::*;
    let (mut allowlist, mut json, mut specs) = (None, false, Vec::new());
    while let Some(arg) = parser.next()? {
        match arg {
            Long("allowlist") => allowlist = Some(PathBuf::from(parser.value()?)),
            Long("json") => json = true,
            Value(value) if specs.len() < 2 => specs.push(PathBuf::from(value)),
            _ => return Err(arg.unexpected()),
        }
    }
    let allowlist = allowlist.ok_or("missing --allowlist FILE")?;
    let [old, new] =
        <[PathBuf; 2]>::try_from(specs).map_err(|_| "give two documents: OLD_SPEC NEW_SPEC")?;
    Ok(DiffArgs {
        allowlist,
        old,
        new,
        json,
    })
}

fn lock_args(parser: &mut lexopt::Parser) -> Result<LockArgs, lexopt::Error> {
    use lexopt::prelude::*;
    let (mut allowlist, mut check) = (None, false);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("allowlist") => allowlist = Some(PathBuf::from(parser.value()?)),
            Long("check") => check = true,
            _ => return Err(arg.unexpected()),
        }
    }
    let allowlist = allowlist.ok_or("missing --allowlist FILE")?;
    Ok(LockArgs { allowlist, check })
}

fn diff(args: &DiffArgs) -> ExitCode {
    let report = match alter_mcp_gen::diff::diff_specs(&args.allowlist, &args.old, &args.new) {
        Ok(report) => report,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::from(2);
        }
    };
    let text = if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(error) => {
                eprintln!("alter-mcp-gen diff: cannot write the report: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        report.render()
    };
    // `print!` panics when the reader has gone (`| head`); the exit status still matters.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
    if report.is_breaking() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn lock(args: &LockArgs) -> ExitCode {
    let generated = match alter_mcp_gen::generate(&args.allowlist) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    crate::print_warnings(&generated);
    let path = lock::path_for(&args.allowlist);
    if args.check && !path.is_file() {
        eprintln!(
            "alter-mcp-gen lock: {} does not exist; write it with the same command without --check",
            path.display()
        );
        return ExitCode::FAILURE;
    }
    // Checking first shows what is being accepted.
    match lock::reconcile(&args.allowlist, &generated, LockMode::Check) {
        Ok(LockStatus::Created) => eprintln!("wrote {}", path.display()),
        Ok(_) => eprintln!("{} is up to date", path.display()),
        Err(mismatch) if args.check => {
            eprintln!("{mismatch}");
            return ExitCode::FAILURE;
        }
        Err(mismatch) => {
            let accepted = mismatch.iter().map(|d| d.message.as_str());
            eprintln!("accepting:\n{}", accepted.collect::<Vec<_>>().join("\n"));
            if let Err(diagnostics) = lock::reconcile(&args.allowlist, &generated, LockMode::Update)
            {
                eprintln!("{diagnostics}");
                return ExitCode::FAILURE;
            }
            eprintln!(
                "updated {}: review `git diff` and commit it",
                path.display()
            );
        }
    }
    ExitCode::SUCCESS
}
