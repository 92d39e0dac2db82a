#![no_main]
//! See `caja::fuzzing::pull_docs`: the corpus in `fuzz/corpus/pull_docs/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::pull_docs(data));
