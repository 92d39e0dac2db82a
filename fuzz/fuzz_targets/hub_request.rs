#![no_main]
//! See `caja::fuzzing::hub_request`: the corpus in `fuzz/corpus/hub_request/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::hub_request(data));
