#![no_main]
//! See `caja::fuzzing::backup_file`: the corpus in `fuzz/corpus/backup_file/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::backup_file(data));
