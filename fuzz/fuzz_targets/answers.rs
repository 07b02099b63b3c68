//! See docs/fuzzing.md; the body is `alter_mcp_fuzz_harness::answers::run`, which the corpus
//! replay (`fuzz/harness/tests/replay.rs`) runs too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| alter_mcp_fuzz_harness::answers::run(data));
