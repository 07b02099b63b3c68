//! How long generation takes: both providers' modules from `specs/` (load, check, lower, emit,
//! format), as a build script runs it. `cargo bench -p alter-mcp-gen --bench generate`;
//! results in `docs/benchmarks.md`.

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

fn main() {
    divan::main();
}
