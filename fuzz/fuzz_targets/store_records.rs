#![no_main]
//! See `caja::fuzzing::store_records`: the corpus in `fuzz/corpus/store_records/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::store_records(data));
