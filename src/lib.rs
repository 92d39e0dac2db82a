//! caja: a terminal cash register that never loses a sale.
//!
//! Layers, with data flowing one way: `domain` (pure shop rules) and `store` (the redb file and
//! its one write path) beneath everything else.

// Tests may unwrap; the product may not (see [lints] in Cargo.toml).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod config;
pub mod csvio;
pub mod dev;
pub mod devices;
pub mod doctor;
pub mod domain;
pub mod fuzzing;
pub mod hub;
pub mod i18n;
pub mod keymap;
pub mod lock;
pub mod log;
pub mod provision;
pub mod receipt;
pub mod sales_journal;
pub mod sink;
pub mod store;
pub mod sync;
pub mod tui;
pub mod ui;
pub mod version;
pub use version::VERSION;
