//! The runtime's layers, held by a test: every file of `src/` belongs to one layer (its folder,
//! or `env.rs`), and its code names other layers only by `crate::<folder>::…` paths to layers
//! below its own. Comments are not read: a doc link may point anywhere.

use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top; a layer may use the ones before it, never one after: the request is plain
/// data, the Alter client sends it, the contract with generated code builds it (naming the
/// client's error and audit types), MCP serving runs tools through the client, and transports
/// carry MCP.
const LAYERS: [&str; 6] = ["env", "request", "alter", "tool", "mcp", "transport"];

/// Root files above every layer: the crate root (its re-exports are the public API), the fuzz
/// targets' entry points, and this test.
const ABOVE_ALL: [&str; 3] = ["lib.rs", "fuzzing.rs", "layers.rs"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as paths relative to `src/` with `/` separators, sorted.
fn rust_files(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(src()).expect("under src/");
            let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
            out.push(parts.join("/"));
        }
    }
}

/// The layer of a file: its top folder, or a root file's name; `None` for [`ABOVE_ALL`].
fn layer_of(file: &str) -> Option<&str> {
    if ABOVE_ALL.contains(&file) {
        return None;
    }
    Some(match file.split_once('/') {
        Some((folder, _)) => folder,
        None => file.trim_end_matches(".rs"),
    })
}

/// How many modules deep `file`'s module is below the crate root (`alter/agent.rs`: 2,
/// `alter/mod.rs`: 1, `alter/agent/tests.rs`: 3).
fn depth(file: &str) -> usize {
    let parts = file.split('/').count();
    if file.ends_with("/mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// What is wrong with the paths `text` (the file `file`) names: one line per offence.
fn violations(file: &str, text: &str) -> Vec<String> {
    let Some(layer) = layer_of(file) else {
        return Vec::new();
    };
    let Some(own) = LAYERS.iter().position(|l| *l == layer) else {
        return vec![format!(
            "{file}: `{layer}` is not a layer; put the file in a folder of LAYERS (layers.rs), or \
             add its folder there, in order"
        )];
    };
    let mut found = Vec::new();
    // Inline modules (`mod tests {`) sit at the end of a file: from there on, `super::` climbs
    // one module less.
    let mut inline = 0;
    for (number, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        if code.starts_with("mod ") && code.ends_with('{') {
            inline += 1;
        }
        let at = format!("{file}:{}", number + 1);
        for (start, _) in code.match_indices("crate::") {
            let before = code[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `my_crate::`, not ours
            }
            let rest = &code[start + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            match LAYERS.iter().position(|l| *l == name) {
                Some(target) if target <= own => {}
                Some(_) => found.push(format!(
                    "{at}: `{layer}` uses `crate::{name}`, a layer above it (bottom to top: {})",
                    LAYERS.join(", ")
                )),
                None if name.is_empty() => found.push(format!(
                    "{at}: a grouped `crate::{{…}}` path; write one path per layer so the \
                     layers can be checked"
                )),
                None => found.push(format!(
                    "{at}: `crate::{name}` is a root re-export or no layer; name the item by its \
                     layer (`crate::<folder>::…`)"
                )),
            }
        }
        let climbs = code
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map(|path| path.matches("super::").count())
            .max()
            .unwrap_or(0);
        if climbs >= depth(file) + inline {
            found.push(format!(
                "{at}: `super::` up to the crate root; name the layer (`crate::<folder>::…`)"
            ));
        }
    }
    found
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    assert!(files.len() > 40, "src/ read: {files:?}");
    let found: Vec<String> = files
        .iter()
        .flat_map(|file| {
            let text = fs::read_to_string(src().join(file)).expect("readable");
            violations(file, &text)
        })
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_folder_says_what_it_owns_and_no_file_is_pulled_in_by_path() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    for layer in &LAYERS[1..] {
        let text = fs::read_to_string(src().join(layer).join("mod.rs"))
            .unwrap_or_else(|e| panic!("{layer}/mod.rs: {e}"));
        assert!(
            text.starts_with("//! "),
            "{layer}/mod.rs opens with what the layer owns and may use"
        );
    }
    for file in files {
        let text = fs::read_to_string(src().join(&file)).expect("readable");
        let by_path = text
            .match_indices("#[path")
            .any(|(at, _)| text[at + 6..].trim_start().starts_with('='));
        assert!(
            !by_path,
            "{file}: a module pulled in by a `path` attribute; put it where its path says"
        );
    }
}

#[test]
fn the_check_catches_what_it_is_for() {
    assert!(violations("alter/agent.rs", "use crate::request::Method;").is_empty());
    assert!(violations("lib.rs", "use crate::transport::run::run;").is_empty());
    let upward = violations("request/method.rs", "use crate::alter::error::Error;");
    assert_eq!(upward.len(), 1, "{upward:?}");
    assert!(
        upward[0].starts_with("request/method.rs:1: `request` uses `crate::alter`"),
        "{upward:?}"
    );
    // A comment may link anywhere; code may not, whatever form the path takes.
    assert!(violations("env.rs", "/// See [`crate::mcp::server::Server`].").is_empty());
    assert_eq!(violations("tool/def.rs", "    x: crate::Agent,").len(), 1);
    assert_eq!(
        violations("tool/def.rs", "use crate::{alter, mcp};").len(),
        1
    );
    assert_eq!(
        violations("tool/def.rs", "use super::super::mcp::call;").len(),
        1
    );
    assert!(violations("tool/def/tests.rs", "use super::super::input;").is_empty());
    assert!(violations("env.rs", "mod tests {\n    use super::*;").is_empty());
    assert_eq!(
        violations("server.rs", "").len(),
        1,
        "a file outside every layer"
    );
}
