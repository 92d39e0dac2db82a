#![no_main]
//! See `caja::fuzzing::stock_csv`: the corpus in `fuzz/corpus/stock_csv/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::stock_csv(data));
