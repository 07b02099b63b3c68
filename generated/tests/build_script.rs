//! The release layout logic of `build.rs`, which only release builds run (the test suite builds
//! debug): the shipped `hot-code.txt` must turn into a linker script, or the server silently
//! holds about 4 MiB more (docs/benchmarks.md, "Memory under load").

#[allow(dead_code)] // `main` and the cargo-facing functions run in the build, not here.
#[path = "../build.rs"]
mod build_script;

use build_script::{glibc_version, linker_script};

#[test]
fn the_shipped_hot_code_list_becomes_a_linker_script_fragment() {
    let list = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/hot-code.txt"))
        .expect("generated/hot-code.txt");
    let script = linker_script(&list).unwrap_or_else(|(line, why)| {
        panic!("hot-code.txt:{line}: {why}; regenerate it with scripts/hot-code.py")
    });
    assert!(
        script.starts_with("SECTIONS\n{\n  .text.hot :"),
        "{script:.200}"
    );
    assert!(script.ends_with("INSERT BEFORE .text;\n"));
    let functions = list
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .count();
    assert!(
        functions > 1000,
        "hot-code.txt lists {functions} functions: a start-up alone runs over a thousand"
    );
    // The serving path itself is there: the runtime's tool call, by its v0 name.
    assert!(
        script.contains("17alter_mcp_runtime3mcp4call"),
        "no runtime call path listed"
    );
}

#[test]
fn functions_cover_every_section_the_compiler_may_choose_and_objects_their_text() {
    let script = linker_script("# a comment\n\n_RNvCs*_3foo3bar\nobject *-sha256-x86_64.o\n")
        .expect("valid list");
    let lines: Vec<&str> = script.lines().collect();
    assert_eq!(lines.len(), 9, "{script}");
    let function = lines[4];
    for prefix in [".text.", ".text.unlikely.", ".text.startup.", ".text.hot."] {
        for section in [
            format!("{prefix}_RNvCs*_3foo3bar "),
            format!("{prefix}_RNvCs*_3foo3bar.* "),
        ] {
            assert!(
                function.contains(&section),
                "{section} missing from {function}"
            );
        }
    }
    assert_eq!(lines[5], "    *-sha256-x86_64.o(.text)", "{script}");
}

#[test]
fn a_pattern_that_could_break_the_script_is_refused_with_its_line() {
    assert_eq!(
        linker_script("_RNvfoo\n_RNv(bad)\n").map_err(|(line, _)| line),
        Err(2)
    );
    assert!(linker_script("object foo.o bar\n").is_err());
}

#[test]
fn glibc_versions_are_read_from_getconf() {
    assert_eq!(glibc_version("glibc 2.36\n"), Some((2, 36)));
    assert_eq!(glibc_version("glibc 2.39.9000"), Some((2, 39)));
    assert_eq!(glibc_version("glibc 2.4"), Some((2, 4)));
    assert!(glibc_version("glibc 2.4").is_some_and(|v| v < (2, 36)));
    assert_eq!(glibc_version("musl libc"), None);
    assert_eq!(glibc_version(""), None);
}
