#![no_main]
//! See `caja::fuzzing::journal_file`: the corpus in `fuzz/corpus/journal_file/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::journal_file(data));
