//! See docs/fuzzing.md; the body is `alter_mcp_fuzz_harness::documents::run`, which the corpus
//! replay (`fuzz/harness/tests/replay.rs`) runs too.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: alter_mcp_fuzz_harness::leave_caught_panics_to_the_generator(),
    |data: &[u8]| alter_mcp_fuzz_harness::documents::run(data)
);
