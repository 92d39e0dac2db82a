#![allow(dead_code)]
//! Helpers shared by the integration tests: a provisioned store in a temp dir and the real binary.

use caja::domain::document::Stamp;
use caja::domain::money::Currency;
use caja::domain::numbering::RegisterCode;
use caja::store::catalog::ApplyMode;
use caja::store::{DocHeader, InitParams, Store};
use chrono::{FixedOffset, NaiveDate, TimeZone};
use std::path::Path;
use std::process::{Command, Output};

pub fn caja() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_caja"));
    c.env_remove("CAJA_DATA_DIR").env("LANG", "C");
    c
}

pub fn run(args: &[&str]) -> Output {
    caja().args(args).output().unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn params(currency: &str) -> InitParams {
    InitParams {
        name: "Tienda Uno".into(),
        register: RegisterCode::parse("FV1").unwrap(),
        currency: Currency::by_code(currency).unwrap(),
        prices_include_tax: true,
        supervisor: "ana".into(),
        pin: "1234".into(),
        now_utc_ms: 1_795_000_000_000,
    }
}

/// A COP store with the demo catalog.
pub fn demo_store(dir: &Path) -> Store {
    let s = Store::create(dir, params("COP")).unwrap();
    s.apply_catalog(
        &caja::csvio::demo_catalog(&s.info().currency),
        ApplyMode::Replace,
    )
    .unwrap();
    s
}

/// A fixed clock: 2026-11-22 plus `minutes`, in Bogotá time.
pub fn header(day: u32, minutes: i64) -> DocHeader {
    let tz = FixedOffset::west_opt(5 * 3600).unwrap();
    let at =
        tz.with_ymd_and_hms(2026, 11, day, 8, 0, 0).unwrap() + chrono::Duration::minutes(minutes);
    DocHeader {
        business_date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
        at: Stamp::from_datetime(at),
        cashier: "ana".into(),
    }
}

pub fn init_cli(dir: &Path) {
    init_named(dir, "Tienda Uno");
}

/// `caja init` of a Spanish register FV1 with the demo catalog, for a store of this name.
pub fn init_named(dir: &Path, name: &str) {
    let o = run(&[
        "init",
        "--data-dir",
        dir.to_str().unwrap(),
        "--store",
        name,
        "--register",
        "FV1",
        "--supervisor",
        "ana",
        "--pin",
        "1234",
        "--demo",
        "--language",
        "es",
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

/// `caja journal` over a date range, with extra arguments.
pub fn journal(data: &str, from: &str, to: &str, extra: &[&str]) -> Output {
    let mut args = vec!["journal", "--data-dir", data, "--from", from, "--to", to];
    args.extend_from_slice(extra);
    run(&args)
}

/// A hub on loopback with users FV1, FV2 and an admin.
pub fn hub(dir: &Path) -> caja::sync::hub::HubHandle {
    let hub = caja::sync::hub::Hub::open(dir).unwrap();
    hub.store()
        .add_user("FV1", "clave-fv1-segura", false)
        .unwrap();
    hub.store()
        .add_user("FV2", "clave-fv2-segura", false)
        .unwrap();
    hub.store()
        .add_user("admin", "clave-admin-segura", true)
        .unwrap();
    hub.serve("127.0.0.1:0").unwrap()
}

/// A sync client of `h` as `user`, trying a failed request once more.
pub fn client(
    h: &caja::sync::hub::HubHandle,
    user: &str,
    password: &str,
) -> caja::sync::client::Client {
    let mut c = caja::config::Config::defaults().sync;
    c.url = format!("http://{}", h.addr);
    c.user = user.into();
    c.password = password.into();
    caja::sync::client::Client::new(&c).unwrap().retries(1)
}

/// The damaged store files `caja rebuild` set aside in `dir`.
pub fn damaged_aside(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("caja.redb.damaged-")
        })
        .map(|e| e.path())
        .collect()
}
