//! The integration tests, as one crate: one build and one link of the library for all of them
//! (each file here was a crate of its own, built and linked apart), and the allowance of
//! `unwrap` and `expect` (denied for every target in `Cargo.toml`) said once: a test that
//! meets an error should stop there and show it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod backup;
mod browser;
mod busy_day;
mod chain_doc;
mod cli;
mod clock;
mod closing;
mod concurrent;
mod couch_validate;
mod couchdb;
mod crash;
mod customers;
mod damage;
mod disk;
mod doctor;
mod escpos;
mod fuzz_corpus;
mod golden;
mod head_office;
mod hub_hostile;
mod hub_peer;
mod install_doc;
mod journal_faults;
mod layers;
mod package;
mod paint;
mod pouchdb;
mod power_loss;
mod printer;
mod pty;
mod receipts;
mod screens;
mod stock;
mod store;
mod sync;
mod tls;
mod tui;
mod upgrade;
