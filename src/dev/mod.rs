//! Tools for developers and for the technician's measurements, apart from the register's own
//! code: `caja bench` (the store's and the sync's benchmarks), `caja bench-register` (a
//! register driven by a script, for instruction counts), `caja soak` (a day of sales at
//! speed). Tests borrow their seeded generator and catalog from `bench`. Nothing in the
//! register or the hub uses this module.

pub mod bench;
pub mod register_probe;
pub mod soak;
