//! The build-script front end: generate modules into `OUT_DIR`, tell Cargo what to watch, and on
//! failure print every diagnostic and exit 1 (a panic would bury them in a backtrace).
//!
//! In the `build.rs` of a crate with `alter-mcp-gen` as a build-dependency:
//!
//! ```no_run
//! alter_mcp_gen::build::generate_all("../specs");
//! ```
//!
//! and in the crate: `pub mod slack { include!(concat!(env!("OUT_DIR"), "/slack.rs")); }`.
//!
//! Each allowlist's tools are checked against the lock file beside it (`crate::lock`): a
//! difference fails the build until accepted with `ALTER_MCP_UPDATE_LOCK=1`; a missing lock
//! is written (with a `cargo:warning`), so a new provider builds at once. Nothing else is
//! written outside `OUT_DIR`.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
pub use crate::lock::{LockMode, LockStatus};

/// One module written (or found up to date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The provider directory's name (`google-calendar`).
    pub name: String,
    /// The module file (`$OUT_DIR/google_calendar.rs`).
    pub path: PathBuf,
    /// False when the file already held these exact bytes and was left alone.
    pub changed: bool,
    /// The Markdown catalog of the tools, beside the module (`$OUT_DIR/google_calendar.md`).
    pub catalog: PathBuf,
    /// Every input file read.
    pub files_read: Vec<PathBuf>,
    /// The lock file beside the allowlist, and what happened to it.
    pub lock_file: PathBuf,
    /// Whether the lock matched, was created or was rewritten.
    pub lock: LockStatus,
    /// Warnings to show (deprecated operations), already pointing into the inputs.
    pub warnings: Vec<Diagnostic>,
}

/// For each `specs_dir/<name>/allowlist.toml`, writes `$OUT_DIR/<name with - as _>.rs` and its
/// Markdown catalog beside it (`.md`), and prints `cargo:rerun-if-changed` for the directory
/// and every file read. On any problem it prints them all to stderr and exits with status 1.
pub fn generate_all(specs_dir: impl AsRef<Path>) -> Vec<Output> {
    let specs_dir = specs_dir.as_ref();
    println!("cargo:rerun-if-changed={}", specs_dir.display());
    println!("cargo:rerun-if-env-changed={}", crate::lock::UPDATE_ENV);
    let mode = LockMode::from_env();
    let result = out_dir().and_then(|out| try_generate_all_with(specs_dir, &out, mode));
    let outputs = finish(result);
    for output in &outputs {
        report(output);
    }
    outputs
}

/// [`generate_all`] without Cargo output or exiting, checking locks ([`LockMode::Check`]):
/// the outputs, or every problem.
pub fn try_generate_all(specs_dir: &Path, out_dir: &Path) -> Result<Vec<Output>, Diagnostics> {
    try_generate_all_with(specs_dir, out_dir, LockMode::Check)
}

/// [`try_generate_all`] with the lock files handled as `mode` says.
pub fn try_generate_all_with(
    specs_dir: &Path,
    out_dir: &Path,
    mode: LockMode,
) -> Result<Vec<Output>, Diagnostics> {
    let allowlists = find_allowlists(specs_dir)?;
    let mut outputs = Vec::new();
    let mut diagnostics = Diagnostics::new();
    for (name, allowlist) in allowlists {
        let out_file = out_dir.join(format!("{}.rs", name.replace('-', "_")));
        match write_module(&allowlist, &out_file, mode) {
            Ok(written) => outputs.push(written.output(name, out_file)),
            Err(problems) => diagnostics.extend(problems),
        }
    }
    diagnostics.finish(outputs)
}

/// `specs_dir/*/allowlist.toml`, sorted by directory name.
fn find_allowlists(specs_dir: &Path) -> Result<Vec<(String, PathBuf)>, Diagnostics> {
    let entries = std::fs::read_dir(specs_dir).map_err(|error| {
        Diagnostic::new(
            Location::file(specs_dir),
            format!(
                "cannot read the specs directory {}: {error}",
                specs_dir.display()
            ),
        )
        .help("pass the directory holding `<provider>/allowlist.toml` (relative to the crate)")
    })?;
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|dir| dir.join("allowlist.toml").is_file())
        .filter_map(|dir| {
            let name = dir.file_name()?.to_string_lossy().into_owned();
            Some((name, dir.join("allowlist.toml")))
        })
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(Diagnostic::new(
            Location::file(specs_dir),
            format!("no `*/allowlist.toml` under {}", specs_dir.display()),
        )
        .help("create `<provider>/allowlist.toml` there, next to its OpenAPI document")
        .into());
    }
    Ok(found)
}

/// What [`write_module`] did.
struct Written {
    changed: bool,
    generated: crate::Generated,
    lock_file: PathBuf,
    lock: LockStatus,
}

impl Written {
    fn output(self, name: String, path: PathBuf) -> Output {
        Output {
            name,
            catalog: path.with_extension("md"),
            path,
            changed: self.changed,
            files_read: self.generated.files_read,
            lock_file: self.lock_file,
            lock: self.lock,
            warnings: self.generated.warnings,
        }
    }
}

/// Generates one module, checks it against its lock, and writes it and its catalog beside it
/// (`.md`) if their bytes changed.
fn write_module(allowlist: &Path, out_file: &Path, mode: LockMode) -> Result<Written, Diagnostics> {
    let generated = crate::generate(allowlist)?;
    let lock = crate::lock::reconcile(allowlist, &generated, mode)?;
    let changed = write_if_changed(out_file, &generated.code)?;
    let catalog_changed = write_if_changed(&out_file.with_extension("md"), &generated.catalog)?;
    Ok(Written {
        changed: changed || catalog_changed,
        generated,
        lock_file: crate::lock::path_for(allowlist),
        lock,
    })
}

/// Writes `text` unless the file already holds it (keeps mtimes, so nothing rebuilds).
pub fn write_if_changed(path: &Path, text: &str) -> Result<bool, Diagnostic> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(false);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| write_error(path, &e))?;
    }
    std::fs::write(path, text).map_err(|e| write_error(path, &e))?;
    Ok(true)
}

fn write_error(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Location::file(path),
        format!("cannot write {}: {error}", path.display()),
    )
    .help("check that the output directory exists and is writable")
}

fn out_dir() -> Result<PathBuf, Diagnostics> {
    std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| {
            Diagnostic::new(Location::file(Path::new("build.rs")), "OUT_DIR is not set")
                .help("call this from a build script, where Cargo sets OUT_DIR")
                .into()
        })
}

/// Cargo's instructions for one output: what to watch, and warnings.
fn report(output: &Output) {
    for file in output.files_read.iter().chain([&output.lock_file]) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    for warning in &output.warnings {
        // One line each: Cargo takes a `cargo:warning` up to the end of its line.
        let help = warning
            .help
            .as_ref()
            .map(|help| format!("; help: {}", one_line(help)))
            .unwrap_or_default();
        println!(
            "cargo:warning={}: {} ({}){help}",
            output.name,
            one_line(&warning.message),
            warning.location
        );
    }
    let lock = output.lock_file.display();
    match output.lock {
        LockStatus::Matched => {}
        LockStatus::Created => println!(
            "cargo:warning={}: wrote {lock} (no lock file yet): review and commit it; later builds fail when the tools change",
            output.name
        ),
        LockStatus::Updated => println!(
            "cargo:warning={}: updated {lock} ({}=1): review `git diff` and commit it",
            output.name,
            crate::lock::UPDATE_ENV
        ),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value, or every diagnostic on stderr and exit status 1.
fn finish<T>(result: Result<T, Diagnostics>) -> T {
    match result {
        Ok(value) => value,
        Err(diagnostics) => {
            eprintln!("alter-mcp-gen: cannot generate the tools\n\n{diagnostics}");
            std::process::exit(1);
        }
    }
}

/// One allowlist → one module file.
///
/// ```no_run
/// alter_mcp_gen::build::Builder::new("specs/slack/allowlist.toml")
///     .out_file("slack.rs")
///     .generate();
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    allowlist: PathBuf,
    out_file: Option<PathBuf>,
    lock: Option<LockMode>,
}

impl Builder {
    /// A builder for one allowlist. Its module goes to `<provider dir>.rs` under `OUT_DIR`
    /// unless [`Builder::out_file`] says otherwise; the lock file beside it is checked.
    pub fn new(allowlist: impl Into<PathBuf>) -> Self {
        Builder {
            allowlist: allowlist.into(),
            out_file: None,
            lock: None,
        }
    }

    /// How to treat the lock file. Default: [`LockMode::from_env`] in [`Builder::generate`],
    /// [`LockMode::Check`] in [`Builder::try_generate`].
    pub fn lock(mut self, mode: LockMode) -> Self {
        self.lock = Some(mode);
        self
    }

    /// The module file; relative paths are under `OUT_DIR`. Default: `<provider dir>.rs`
    /// with `-` as `_`.
    pub fn out_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.out_file = Some(path.into());
        self
    }

    /// Generates and writes the module, printing `cargo:rerun-if-changed` lines; on failure
    /// prints every diagnostic and exits with status 1.
    pub fn generate(mut self) -> Output {
        println!("cargo:rerun-if-env-changed={}", crate::lock::UPDATE_ENV);
        self.lock = Some(self.lock.unwrap_or_else(LockMode::from_env));
        let result = out_dir().and_then(|out| self.try_generate(&out));
        let output = finish(result);
        report(&output);
        output
    }

    /// [`Builder::generate`] without Cargo output or exiting.
    pub fn try_generate(&self, out_dir: &Path) -> Result<Output, Diagnostics> {
        let name = self
            .allowlist
            .parent()
            .and_then(Path::file_name)
            .map_or_else(|| "tools".to_owned(), |n| n.to_string_lossy().into_owned());
        let file = self
            .out_file
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{}.rs", name.replace('-', "_"))));
        let path = out_dir.join(file);
        let mode = self.lock.unwrap_or_default();
        let written = write_module(&self.allowlist, &path, mode)?;
        Ok(written.output(name, path))
    }
}
