//! caja: a terminal cash register that never loses a sale.
//!
//! Layers, with data flowing one way: `domain` (pure shop rules) and `store` (the redb file and
//! its one write path) beneath everything else.

pub mod bench;
pub mod config;
pub mod csvio;
pub mod domain;
pub mod journal;
pub mod soak;
pub mod store;
