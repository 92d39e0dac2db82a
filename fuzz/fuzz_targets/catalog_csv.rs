#![no_main]
//! See `caja::fuzzing::catalog_csv`: the corpus in `fuzz/corpus/catalog_csv/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::catalog_csv(data));
