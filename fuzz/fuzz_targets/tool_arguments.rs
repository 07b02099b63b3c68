//! See docs/fuzzing.md; the body is `alter_mcp_fuzz_harness::tool_arguments::run`, which the corpus
//! replay (`fuzz/harness/tests/replay.rs`) runs too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| alter_mcp_fuzz_harness::tool_arguments::run(data));
