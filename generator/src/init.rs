//! `alter-mcp-gen init`: a starter allowlist for a document, one `[[tool]]` per chosen
//! operation, with comments saying what can be set. What each operation needs comes from
//! [`crate::operations`] (the pipeline run on it alone); the text is then generated once more
//! as a whole before it is handed back, so what `init` writes builds as it is.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::allowlist::Allowlist;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::input::Source;
use crate::lock::string;
use crate::operations::{Note, OperationInfo, Survey, survey};
use crate::{every, generate_parsed};

/// What `init` is asked for.
#[derive(Debug, Clone, Default)]
pub struct Starter {
    /// The Alter provider id.
    pub provider: String,
    /// Texts an operation must contain (any of them, ignoring case) in its id, path, summary
    /// or tags; every operation when empty.
    pub matches: Vec<String>,
    /// `base_url`, for a document that names no usable server.
    pub base_url: Option<String>,
}

/// A starter allowlist, checked to generate.
#[derive(Debug, Clone)]
pub struct StarterAllowlist {
    /// The TOML text.
    pub text: String,
    /// The `operation` of each `[[tool]]` written.
    pub tools: Vec<String>,
    /// Matching operations written only as comments, because they cannot be tools.
    pub left_out: Vec<OperationInfo>,
}

/// The starter allowlist for the document at `spec`, to be saved at `allowlist` (its `spec`
/// names the document relative to that place).
pub fn starter_allowlist(
    spec: &Path,
    allowlist: &Path,
    options: &Starter,
) -> Result<StarterAllowlist, Diagnostics> {
    let Survey { infos, references } = survey(spec, &options.matches)?;
    let chosen: Vec<usize> = (0..infos.len()).collect();
    let (usable, left_out): (Vec<usize>, Vec<usize>) = chosen
        .iter()
        .copied()
        .partition(|&i| infos[i].is_supported());
    check_choice(spec, options, &infos, &chosen, &usable)?;
    let spec_name = relative_spec(spec, allowlist)?;
    // Names as `--all` gives them: derived, unless two operations would derive the same.
    let refs: Vec<_> = usable.iter().map(|&i| references[i].clone()).collect();
    let names = every::names(spec, &refs)?;
    let mut text = header(options, &spec_name, &infos, &usable);
    for (&i, name) in usable.iter().zip(&names) {
        tool(&mut text, &infos[i], name);
    }
    for &i in &left_out {
        commented_out(&mut text, &infos[i]);
    }
    verify(spec, allowlist, &text)?;
    Ok(StarterAllowlist {
        text,
        tools: usable.iter().map(|&i| infos[i].operation.clone()).collect(),
        left_out: left_out.iter().map(|&i| infos[i].clone()).collect(),
    })
}

/// Something to write, and a `base_url` when one is needed.
fn check_choice(
    spec: &Path,
    options: &Starter,
    infos: &[OperationInfo],
    chosen: &[usize],
    usable: &[usize],
) -> Result<(), Diagnostics> {
    let at = Location::file(spec);
    let list_them = format!(
        "list them with `alter-mcp-gen operations --spec {}`",
        spec.display()
    );
    if chosen.is_empty() {
        let what = match options.matches.as_slice() {
            [] => "the document has no operations".to_owned(),
            texts => format!("no operation matches {}", quoted(texts)),
        };
        return Err(Diagnostic::new(at, what).help(list_them).into());
    }
    if usable.is_empty() {
        let mut problems = Diagnostics::new();
        for &i in chosen {
            if let Some(Note::Unsupported(why)) = infos[i].notes.first() {
                problems.extend(why.clone());
            }
        }
        problems.push(
            Diagnostic::new(
                at,
                format!(
                    "none of the {} matching operations can be a tool",
                    chosen.len()
                ),
            )
            .help(list_them),
        );
        return Err(problems);
    }
    let needs_base = usable.iter().find_map(|&i| {
        infos[i].notes.iter().find_map(|note| match note {
            Note::BaseUrl(problem) => Some(problem),
            _ => None,
        })
    });
    match (needs_base, &options.base_url) {
        (Some(problem), None) => Err(Diagnostic::new(
            problem.location.clone(),
            format!("{}, so the allowlist needs `base_url`", problem.message),
        )
        .help("give the API's base URL with `--base-url https://...`")
        .into()),
        _ => Ok(()),
    }
}

fn quoted(texts: &[String]) -> String {
    let quoted: Vec<String> = texts.iter().map(|t| format!("`{t}`")).collect();
    quoted.join(" or ")
}

/// The top-level keys, and a comment on what else can be set.
fn header(options: &Starter, spec_name: &str, infos: &[OperationInfo], usable: &[usize]) -> String {
    let mut text = String::new();
    let forms = usable.iter().any(|&i| {
        infos[i]
            .notes
            .iter()
            .any(|n| matches!(n, Note::BodyEncoding { .. }))
    });
    text.push_str(
        "# Written by `alter-mcp-gen init`; it builds as it is. Every key: README.md, \"The allowlist\".\n\
         # Top-level keys go before the first [[tool]]. Besides `provider` and `spec`, you can set\n\
         # `base_url` (replaces the document's server), `body_encoding = \"json\"` (send form bodies\n\
         # as JSON), `scopes`, `description_max`, `param_description_max`, `schema_max_bytes`, and a\n\
         # `[response]` table with `ok_field`/`error_field` for APIs that report failure in a 2xx body.\n",
    );
    let _ = writeln!(text, "provider = {}", string(&options.provider));
    let _ = writeln!(text, "spec = {}", string(spec_name));
    if let Some(url) = &options.base_url {
        let _ = writeln!(text, "base_url = {}", string(url));
    }
    if forms {
        text.push_str(
            "# Some tools below send form bodies, which Alter's proxy (the default mode) does not\n\
             # forward: set `body_encoding = \"json\"` here (or per tool) if the API accepts JSON.\n",
        );
    }
    text.push_str(
        "\n# Per tool you can set `name`, `title`, `description`, `destructive`/`read_only`/`idempotent`/\n\
         # `open_world`, `returns = \"field,list[].{a,b}\"` (only those response fields),\n\
         # `params.<name> = { fixed, default, name, type, description, required }`, `scopes`,\n\
         # `body_encoding` and `schema_max_bytes`.\n",
    );
    text
}

/// One `[[tool]]`, with what the operation needs as comments or settings.
fn tool(text: &mut String, info: &OperationInfo, name: &str) {
    text.push('\n');
    describe(text, info);
    text.push_str("[[tool]]\n");
    let _ = writeln!(text, "operation = {}", string(&info.operation));
    if name == info.tool_name {
        let _ = writeln!(text, "# name = {}  (the derived name)", string(name));
    } else {
        // Two chosen operations derive the same name; this one takes its route's.
        let _ = writeln!(text, "name = {}", string(name));
    }
    for note in &info.notes {
        match note {
            Note::BodyEncoding { media_type } => {
                let _ = writeln!(
                    text,
                    "# The body is {media_type}; Alter's proxy forwards JSON bodies only.\n\
                     # body_encoding = \"json\""
                );
            }
            Note::SchemaBudget { bytes, budget } => {
                // It builds as it is (the build warns with ready-to-paste fixes); the comment
                // says why the warning comes.
                let _ = writeln!(
                    text,
                    "# Its schema is {bytes} bytes, over the default budget ({budget}) the model reads on\n\
                     # every tools/list: the build warns with what to paste here (`returns`, `params.X.omit`)."
                );
            }
            Note::BaseUrl(_) | Note::Unsupported(_) => {}
        }
    }
}

/// `# METHOD /path: summary [tags] (deprecated)` above a tool.
fn describe(text: &mut String, info: &OperationInfo) {
    let _ = write!(text, "# {} {}", info.method, info.path);
    if let Some(summary) = &info.summary {
        let _ = write!(text, ": {}", one_line(summary));
    }
    if !info.tags.is_empty() {
        let _ = write!(text, " [{}]", info.tags.join(", "));
    }
    text.push('\n');
    if info.deprecated {
        text.push_str(
            "# The document marks it deprecated: find its replacement before the provider removes it.\n",
        );
    }
}

/// A matching operation that cannot be a tool, as comments saying why.
fn commented_out(text: &mut String, info: &OperationInfo) {
    text.push('\n');
    describe(text, info);
    if let Some(Note::Unsupported(problems)) = info.notes.first() {
        for problem in problems {
            let _ = writeln!(text, "# Left out: {}", one_line(&problem.message));
            let _ = writeln!(text, "#   at {}", problem.location);
        }
    }
    let _ = writeln!(
        text,
        "# [[tool]]\n# operation = {}",
        string(&info.operation)
    );
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The whole text generates, or the problems (which would be a bug here) are returned.
fn verify(spec: &Path, allowlist: &Path, text: &str) -> Result<(), Diagnostics> {
    let source = Source {
        path: allowlist.to_owned(),
        text: text.to_owned(),
    };
    let mut parsed = Allowlist::parse(&source)?;
    // The file is not written yet, and its directory may not exist: read the document itself.
    parsed.spec_path = spec.to_owned();
    generate_parsed(source, &parsed).map(|_| ())
}

/// The document's path relative to the allowlist's directory, with `/` separators.
fn relative_spec(spec: &Path, allowlist: &Path) -> Result<String, Diagnostic> {
    let spec_abs = std::fs::canonicalize(spec).map_err(|error| {
        Diagnostic::new(
            Location::file(spec),
            format!("cannot read {}: {error}", spec.display()),
        )
    })?;
    let dir = match allowlist.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let dir = existing_prefix_canonical(dir);
    let relative = pathdiff::diff_paths(&spec_abs, &dir).unwrap_or(spec_abs);
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_str(),
            Component::ParentDir => Some(".."),
            Component::RootDir => Some(""),
            Component::CurDir | Component::Prefix(_) => c.as_os_str().to_str(),
        })
        .collect();
    parts.map(|p| p.join("/")).ok_or_else(|| {
        Diagnostic::new(Location::file(spec), "the document's path is not UTF-8")
            .help("move the document to a path of UTF-8 names")
    })
}

/// `dir` made absolute, with the part of it that exists resolved (symlinks, `..`), so it
/// compares with the canonical document path.
fn existing_prefix_canonical(dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            return missing.iter().rev().fold(canonical, |p, part| p.join(part));
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::lint;

    #[test]
    fn the_spec_is_named_from_the_allowlist_directory() {
        let here = std::env::current_dir().expect("cwd");
        let spec = here.join("Cargo.toml");
        let cases = [
            (here.join("allowlist.toml"), "Cargo.toml"),
            (here.join("src/allowlist.toml"), "../Cargo.toml"),
            (
                here.join("not/yet/there/allowlist.toml"),
                "../../../Cargo.toml",
            ),
            (PathBuf::from("allowlist.toml"), "Cargo.toml"),
        ];
        for (allowlist, expected) in cases {
            assert_eq!(
                relative_spec(&spec, &allowlist).expect("relative"),
                expected,
                "{}",
                allowlist.display()
            );
        }
    }

    #[test]
    fn the_budget_setting_is_rounded_up_to_a_kibibyte() {
        let info = OperationInfo {
            operation: "op".into(),
            operation_id: Some("op".into()),
            method: "GET",
            path: "/x".into(),
            pointer: "/paths/~1x/get".into(),
            summary: None,
            tags: Vec::new(),
            deprecated: false,
            tool_name: "op".into(),
            notes: vec![Note::SchemaBudget {
                bytes: 20_000,
                budget: lint::SCHEMA_MAX_BYTES,
            }],
        };
        let mut text = String::new();
        tool(&mut text, &info, "op");
        assert!(
            text.contains("20000 bytes, over the default budget"),
            "{text}"
        );
        assert!(!text.contains("schema_max_bytes ="), "{text}");
        assert!(
            text.contains("# name = \"op\"  (the derived name)"),
            "{text}"
        );
    }
}
