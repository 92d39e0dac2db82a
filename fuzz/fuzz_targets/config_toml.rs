#![no_main]
//! See `caja::fuzzing::config_toml`: the corpus in `fuzz/corpus/config_toml/` is replayed by `cargo test`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| caja::fuzzing::config_toml(data));
