#![no_main]
//! See `caja::fuzzing::typed_input`: the corpus in `fuzz/corpus/typed_input/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::typed_input(data));
