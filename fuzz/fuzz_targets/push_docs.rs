#![no_main]
//! See `caja::fuzzing::push_docs`: the corpus in `fuzz/corpus/push_docs/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::push_docs(data));
