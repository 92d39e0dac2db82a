#![no_main]
//! See `caja::fuzzing::chain_docs`: the corpus in `fuzz/corpus/chain_docs/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::chain_docs(data));
