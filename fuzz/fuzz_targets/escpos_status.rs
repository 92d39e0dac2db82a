#![no_main]
//! See `caja::fuzzing::escpos_status`: the corpus in `fuzz/corpus/escpos_status/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::escpos_status(data));
