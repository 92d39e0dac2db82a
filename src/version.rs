//! What this build is: the version, the commit it was built from and the build date
//! (`src/build.rs`), as `caja --version` and `caja doctor` say it.

pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CAJA_COMMIT"),
    ", built ",
    env!("CAJA_BUILD_DATE"),
    ")"
);
