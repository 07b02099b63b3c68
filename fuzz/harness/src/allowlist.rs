//! Target `allowlist`: an allowlist (TOML) against a small document that uses most of what the
//! generator supports (`data/openapi.yaml`), through `generate`, as a build script runs it:
//! parse, select (near-miss suggestions), apply names, defaults, fixed values, templates,
//! `returns`, paging, budgets, then emit and format.

use alter_mcp_gen::generate;

const DOCUMENT: &[u8] = include_bytes!("../data/openapi.yaml");

pub fn run(data: &[u8]) {
    // An allowlist names its document; a device (`/dev/zero`) is refused as not a regular
    // file, but a kernel file (`/proc/kmsg`) is one and may block: what a build asked for.
    if contains(data, b"/proc") || contains(data, b"/sys") {
        return;
    }
    crate::scratch::write("openapi.yaml", DOCUMENT);
    let path = crate::scratch::write("allowlist.toml", data);
    match generate(&path) {
        Ok(generated) => crate::documents::check(&generated),
        Err(problems) => {
            assert!(!problems.is_empty(), "an error names at least one problem");
            let _ = problems.to_string();
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
