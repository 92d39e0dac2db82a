//! caja: a terminal cash register that never loses a sale.
//!
//! Layers, with data flowing one way: `domain` (pure shop rules) and `store` (the redb file and
//! its one write path) beneath everything else.

// Tests may unwrap; the product may not (see [lints] in Cargo.toml).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

/// The version, the commit it was built from and the build date (`src/build.rs`), as
/// `caja --version` and `caja doctor` say it.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CAJA_COMMIT"),
    ", built ",
    env!("CAJA_BUILD_DATE"),
    ")"
);

pub mod app;
pub mod bench;
pub mod bench_register;
pub mod config;
pub mod csvio;
pub mod devices;
pub mod doctor;
pub mod domain;
pub mod fuzzing;
pub mod i18n;
pub mod journal;
pub mod log;
pub mod provision;
pub mod receipt;
pub mod soak;
pub mod store;
pub mod sync;
pub mod tui;
pub mod ui;
