//! Generates a tool for every operation of every document in `../shared/specs/upstream` (the
//! providers' own OpenAPI, Swagger 2.0 and Discovery documents, never copied into this
//! repository) and writes `upstream.rs`, which includes each module under `#[deny(warnings)]`.
//! A document that does not generate fails the build with its diagnostics.
//!
//! Without the upstream directory the crate builds empty and its tests print why (and fail
//! when `CI` is set, so a CI run never passes without having looked).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use alter_mcp_gen::{EveryOperation, generate_every_operation};

fn main() {
    println!("cargo::rerun-if-env-changed=ALTER_SHARED_DIR");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let Some(upstream) = upstream_dir() else {
        let why =
            "../shared/specs/upstream is absent (set ALTER_SHARED_DIR to the shared directory)";
        write(
            &out.join("upstream.rs"),
            &format!(
                "/// Why nothing was generated.\npub const ABSENT: Option<&str> = Some({why:?});\n/// Where the upstream documents were read.\npub const UPSTREAM_DIR: Option<&str> = None;\n/// The generated documents.\npub const DOCUMENTS: &[Document] = &[];\n"
            ),
        );
        return;
    };
    println!("cargo::rerun-if-changed={}", upstream.display());
    let mut index = format!(
        "/// Why nothing was generated.\npub const ABSENT: Option<&str> = None;\n/// Where the upstream documents were read.\npub const UPSTREAM_DIR: Option<&str> = Some({:?});\n",
        upstream.display().to_string()
    );
    let mut documents =
        String::from("/// The generated documents.\npub const DOCUMENTS: &[Document] = &[\n");
    let mut covered: Vec<(String, usize)> = Vec::new();
    for (provider, file) in documents_in(&upstream) {
        let relative = file
            .strip_prefix(&upstream)
            .unwrap_or(&file)
            .display()
            .to_string();
        println!("cargo::rerun-if-changed={}", file.display());
        let options = EveryOperation {
            provider: provider.clone(),
            ..EveryOperation::default()
        };
        let generated = generate_every_operation(&file, &options)
            .unwrap_or_else(|problems| panic!("{relative} does not generate:\n{problems}"));
        covered.push((relative.clone(), generated.tools.len()));
        let stem = file
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let module = format!("{provider}_{stem}").replace(['-', '.'], "_");
        write(&out.join(format!("{module}.rs")), &generated.code);
        let _ = writeln!(
            index,
            "/// Every operation of `{relative}`.\n#[deny(warnings)]\npub mod {module} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{module}.rs\"));\n}}"
        );
        let _ = writeln!(
            documents,
            "    Document {{ file: {relative:?}, tools: {module}::TOOLS }},"
        );
    }
    documents.push_str("];\n");
    // Shown in the build log: how much of the upstream documents every test run covers.
    let total: usize = covered.iter().map(|(_, tools)| tools).sum();
    let each: Vec<String> = covered
        .iter()
        .map(|(file, tools)| format!("{file}: {tools}"))
        .collect();
    println!(
        "cargo::warning=generated every operation of the upstream documents (compiled next, warnings denied): {total} tools ({})",
        each.join(", ")
    );
    write(&out.join("upstream.rs"), &format!("{index}\n{documents}"));
}

/// `<workspace>/../shared/specs/upstream`, or `$ALTER_SHARED_DIR/specs/upstream`.
fn upstream_dir() -> Option<PathBuf> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let candidates = [
        std::env::var_os("ALTER_SHARED_DIR").map(PathBuf::from),
        manifest
            .parent()
            .and_then(Path::parent)
            .map(|p| p.join("shared")),
    ];
    candidates
        .into_iter()
        .flatten()
        .map(|shared| shared.join("specs").join("upstream"))
        .find(|dir| dir.is_dir())
}

/// `(provider directory name, document)` for every JSON or YAML file, sorted.
fn documents_in(upstream: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut providers: Vec<PathBuf> = read_dir(upstream)
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    providers.sort();
    for dir in providers {
        let provider = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let mut files: Vec<PathBuf> = read_dir(&dir)
            .into_iter()
            .filter(|f| {
                matches!(
                    f.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml" | "yml")
                )
            })
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (provider.clone(), f)));
    }
    out
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

fn write(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}
