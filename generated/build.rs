//! Generates the Google Calendar and Slack tool modules from `specs/*/allowlist.toml` into
//! `OUT_DIR`: the same few lines a user of `alter-mcp-gen` writes. Then lays out the release
//! server's code (`hot-code.txt`).

use std::path::Path;

fn main() {
    alter_mcp_gen::build::generate_all("../specs");
    order_hot_code();
    pack_relocations();
}

/// In a release build for this machine's glibc 2.36 or later, has the linker store the
/// server's relative relocations packed (`-z pack-relative-relocs`, DT_RELR).
///
/// A position-independent binary lists every pointer the loader must adjust; the server has
/// some 22,000, 24 bytes each (535 KB of `.rela.dyn`), which the loader reads in full at every
/// start, so all of it stays resident. Packed they take a few KB. glibc reads the packed form
/// since 2.36, and the linker marks the binary as needing it (`GLIBC_ABI_DT_RELR`), so an older
/// glibc refuses to start it instead of running it unrelocated; hence only where the build's
/// glibc is that recent, and only for a build for this machine.
fn pack_relocations() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("PROFILE") != "release"
        || var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
        || var("HOST") != var("TARGET")
    {
        return;
    }
    let version = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| glibc_version(&text));
    if version.is_some_and(|version| version >= (2, 36)) {
        println!("cargo:rustc-link-arg-bin=alter-mcp=-Wl,-z,pack-relative-relocs");
    }
}

/// `(2, 36)` from `getconf GNU_LIBC_VERSION`'s `glibc 2.36`.
pub(crate) fn glibc_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().strip_prefix("glibc ")?.split_once('.')?;
    let minor = minor.split(|c: char| !c.is_ascii_digit()).next()?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// In a release build for Linux, places the functions listed in `hot-code.txt` (the ones the
/// server runs, written by `scripts/hot-code.py`) together, ahead of the rest of the code.
///
/// The kernel maps code in 64 KiB blocks around every page that runs. Left where the compiler
/// puts them, the 1.5 MB or so a session runs are spread over most of the 7 MB of code, and
/// the server holds most of it; together they take a few blocks (docs/benchmarks.md, "Memory
/// under load"). This is a linker script fragment that only adds an output section before
/// `.text` (`INSERT BEFORE`), which GNU ld and LLVM's lld (Rust's default linker on Linux)
/// both read; a function the list does not name stays where it was, so a stale list costs
/// memory, never correctness. `ALTER_MCP_HOT_CODE=off` leaves the layout alone.
fn order_hot_code() {
    println!("cargo:rerun-if-changed=hot-code.txt");
    println!("cargo:rerun-if-env-changed=ALTER_MCP_HOT_CODE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("PROFILE") != "release"
        || var("CARGO_CFG_TARGET_OS") != "linux"
        || var("ALTER_MCP_HOT_CODE") == "off"
    {
        return;
    }
    // The list names v0 symbols (.cargo/config.toml); a RUSTFLAGS variable replaces that
    // setting, and legacy names would match nothing.
    let rustflags = var("CARGO_ENCODED_RUSTFLAGS").replace('\x1f', " ");
    if !rustflags.contains("symbol-mangling-version=v0") {
        println!(
            "cargo:warning=alter-mcp: the server's code is left unordered, so it holds about 4 \
             MiB more memory: hot-code.txt names v0 symbols, and RUSTFLAGS replaced \
             .cargo/config.toml's -Csymbol-mangling-version=v0 (add it to RUSTFLAGS, or set \
             ALTER_MCP_HOT_CODE=off to silence this)"
        );
        return;
    }
    // GNU ld and lld read `INSERT BEFORE`; other linkers (gold, mold) may not.
    let other_linker = rustflags
        .split(' ')
        .filter_map(|flag| flag.split_once("fuse-ld=").map(|(_, linker)| linker))
        .find(|linker| !matches!(*linker, "lld" | "bfd"));
    if let Some(linker) = other_linker {
        println!(
            "cargo:warning=alter-mcp: the server's code is left unordered: RUSTFLAGS chooses \
             the linker `{linker}` (-fuse-ld), which may not read linker script fragments; \
             GNU ld and lld do (set ALTER_MCP_HOT_CODE=off to silence this)"
        );
        return;
    }
    let list = Path::new("hot-code.txt");
    let text = match std::fs::read_to_string(list) {
        Ok(text) => text,
        Err(error) => {
            println!(
                "cargo:warning=alter-mcp: cannot read {}: {error}",
                list.display()
            );
            return;
        }
    };
    let script = match linker_script(&text) {
        Ok(script) => script,
        Err((line, why)) => {
            println!(
                "cargo:warning=alter-mcp: the server's code is left unordered: {}:{line}: {why} \
                 (regenerate it with scripts/hot-code.py)",
                list.display()
            );
            return;
        }
    };
    let out = Path::new(&var("OUT_DIR")).join("hot-code.ld");
    if let Err(error) = std::fs::write(&out, script) {
        println!(
            "cargo:warning=alter-mcp: cannot write {}: {error}",
            out.display()
        );
        return;
    }
    println!(
        "cargo:rustc-link-arg-bin=alter-mcp=-Wl,-T,{}",
        out.display()
    );
}

/// The linker script fragment for a `hot-code.txt`, in the list's order: for a function, one
/// input section description covering the sections the compiler may give it (GCC and LLVM put
/// cold ones in `.text.unlikely.`, start-up ones in `.text.startup.`) and the copies LLVM
/// suffixes with `.N` or `.llvm.N`; for `object NAME`, that object file's whole `.text` (where
/// assembly puts its functions).
pub(crate) fn linker_script(list: &str) -> Result<String, (usize, String)> {
    let mut script = String::from("SECTIONS\n{\n  .text.hot :\n  {\n");
    for (index, line) in list.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (object, pattern) = match line.strip_prefix("object ") {
            Some(object) => (true, object.trim()),
            None => (false, line),
        };
        if let Some(bad) = pattern
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.' | '*' | '-')))
        {
            return Err((index + 1, format!("`{bad}` cannot be part of a pattern")));
        }
        if object {
            script.push_str(&format!("    {pattern}(.text)\n"));
        } else {
            script.push_str("    *(");
            for prefix in [".text.", ".text.unlikely.", ".text.startup.", ".text.hot."] {
                script.push_str(&format!("{prefix}{pattern} {prefix}{pattern}.* "));
            }
            script.push_str(")\n");
        }
    }
    script.push_str("  }\n}\nINSERT BEFORE .text;\n");
    Ok(script)
}
