//! `alter-mcp-gen init`: writes a starter allowlist (see `init.rs` in the library), refusing to
//! replace an existing file unless `--force` says so.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alter_mcp_gen::{Starter, StarterAllowlist};

pub const SYNOPSIS: &str =
    "  alter-mcp-gen init --spec FILE --provider ID [--match TEXT]... [--base-url URL]
                     [--out FILE] [--force]";

pub const ABOUT: &str =
    "init: writes a starter allowlist: one [[tool]] per operation matching TEXT (all without
      --match), with comments on what can be set; operations that cannot be tools are
      written as comments saying why. `spec` names FILE relative to the allowlist (to the
      current directory without --out, when it goes to standard output). It is generated
      once before it is written, so it builds as it is. --base-url is needed when the
      document names no absolute https server. --force replaces an existing --out FILE.";

struct Args {
    spec: PathBuf,
    options: Starter,
    out: Option<PathBuf>,
    force: bool,
}

fn args(parser: &mut lexopt::Parser) -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let (mut spec, mut provider, mut out, mut base_url) = (None, None, None, None);
    let (mut matches, mut force) = (Vec::new(), false);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("spec") => spec = Some(PathBuf::from(parser.value()?)),
            Long("provider") => provider = Some(parser.value()?.string()?),
            Long("match") => matches.push(parser.value()?.string()?),
            Long("base-url") => base_url = Some(parser.value()?.string()?),
            Long("out") => out = Some(PathBuf::from(parser.value()?)),
            Long("force") => force = true,
            _ => return Err(arg.unexpected()),
        }
    }
    let spec = spec.ok_or("missing --spec FILE")?;
    let provider = provider.ok_or("missing --provider ID (the Alter provider id)")?;
    if provider.trim().is_empty() {
        return Err("--provider is empty".into());
    }
    if force && out.is_none() {
        return Err("--force goes with --out FILE".into());
    }
    Ok(Args {
        spec,
        options: Starter {
            provider,
            matches,
            base_url,
        },
        out,
        force,
    })
}

/// Runs `init` with the arguments after the command name.
pub fn run(parser: &mut lexopt::Parser) -> ExitCode {
    let args = match args(parser) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("alter-mcp-gen init: {error}\n\nUsage:\n{SYNOPSIS}\n\n{ABOUT}");
            return ExitCode::from(2);
        }
    };
    if let Some(out) = args
        .out
        .as_deref()
        .filter(|out| out.exists() && !args.force)
    {
        eprintln!(
            "alter-mcp-gen init: {} exists; give --force to replace it",
            out.display()
        );
        return ExitCode::FAILURE;
    }
    let target = args.out.as_deref().unwrap_or(Path::new("allowlist.toml"));
    let starter = match alter_mcp_gen::starter_allowlist(&args.spec, target, &args.options) {
        Ok(starter) => starter,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    match &args.out {
        None => {
            let _ =
                std::io::Write::write_all(&mut std::io::stdout().lock(), starter.text.as_bytes());
        }
        Some(out) => {
            if let Err(diagnostic) = alter_mcp_gen::build::write_if_changed(out, &starter.text) {
                eprintln!("{diagnostic}");
                return ExitCode::FAILURE;
            }
        }
    }
    report(&args, &starter);
    ExitCode::SUCCESS
}

/// What was written and what next, on standard error.
fn report(args: &Args, starter: &StarterAllowlist) {
    let tools = starter.tools.len();
    match &args.out {
        Some(out) => eprintln!("wrote {}: {tools} tools", out.display()),
        None => eprintln!(
            "{tools} tools; `spec` is relative to the current directory, so save the allowlist \
             here (or give --out FILE)"
        ),
    }
    for left in &starter.left_out {
        let why = left
            .notes
            .first()
            .map(alter_mcp_gen::Note::explain)
            .unwrap_or_default();
        eprintln!(
            "  left out {} (written as a comment): {why}",
            left.operation
        );
    }
    if let Some(out) = &args.out {
        eprintln!(
            "next: review it, then `alter-mcp-gen generate --allowlist {}`, or put it in \
             specs/<provider>/ for build.rs (README.md, \"Add a provider\")",
            out.display()
        );
    }
}
