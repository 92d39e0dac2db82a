#![no_main]
//! See `caja::fuzzing::scale_labels`: the corpus in `fuzz/corpus/scale_labels/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::scale_labels(data));
