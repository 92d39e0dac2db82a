#![no_main]
//! See `caja::fuzzing::control_line`: the corpus in `fuzz/corpus/control_line/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::control_line(data));
