#![no_main]
//! See `caja::fuzzing::token_answer`: the corpus in `fuzz/corpus/token_answer/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::token_answer(data));
