//! How long generation takes: both providers' modules from `specs/` (load, check, lower, emit,
//! format), as a build script runs it; and every operation of the providers' own documents in
//! each format (`--all`), when `../shared/specs/upstream` is there.
//! `cargo bench -p alter-mcp-gen --bench generate`; results in `docs/benchmarks.md`.

use std::path::PathBuf;

fn allowlist(provider: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(provider)
        .join("allowlist.toml")
}

#[divan::bench(args = ["google-calendar", "slack"])]
fn generate_module(provider: &str) -> alter_mcp_gen::Generated {
    let path = allowlist(provider);
    match alter_mcp_gen::generate(&path) {
        Ok(generated) => generated,
        Err(diagnostics) => panic!("{}: {diagnostics}", path.display()),
    }
}

#[divan::bench]
fn generate_both_providers() -> Vec<alter_mcp_gen::Generated> {
    ["google-calendar", "slack"]
        .into_iter()
        .map(generate_module)
        .collect()
}

/// The upstream documents, by file under `shared/specs/upstream`.
const UPSTREAM: [&str; 4] = [
    "google-calendar/openapi.json",
    "google-calendar/discovery.json",
    "slack/openapi.json",
    "slack/swagger2.json",
];

fn upstream(file: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/specs/upstream")
        .join(file);
    path.is_file().then_some(path)
}

/// Every operation of one upstream document (OpenAPI 3.0, Discovery, Swagger 2.0).
#[divan::bench(args = UPSTREAM)]
fn every_operation(bencher: divan::Bencher, file: &str) {
    let Some(path) = upstream(file) else {
        eprintln!("skipped every_operation({file}): ../shared/specs/upstream is absent");
        return;
    };
    let options = alter_mcp_gen::EveryOperation {
        provider: "p".to_owned(),
        ..Default::default()
    };
    bencher.bench(
        || match alter_mcp_gen::generate_every_operation(&path, &options) {
            Ok(generated) => generated,
            Err(diagnostics) => panic!("{file}: {diagnostics}"),
        },
    );
}

fn main() {
    divan::main();
}
