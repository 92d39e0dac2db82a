#![no_main]
//! See `caja::fuzzing::customers_csv`: the corpus in `fuzz/corpus/customers_csv/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::customers_csv(data));
