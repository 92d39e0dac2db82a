//! PouchDB (the JavaScript CouchDB that back-office web apps replicate with) against the hub:
//! it pulls a shop's documents into a replica, finds nothing new the second time, and pushes a
//! product into the catalog, which the hub checks as it checks any. The PouchDB packages are
//! pinned by tests/pouchdb/package-lock.json and installed by `.ci/run` into target/pouchdb;
//! without them (or without node) the test says it is skipped, unless CAJA_REQUIRE_POUCHDB is
//! set.

use crate::common::*;
use caja::sync::client::{claim, push};
use serde_json::Value;
use std::path::Path;

#[test]
fn pouchdb_replicates_with_the_hub() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = root.join("target/pouchdb/node_modules");
    let node = std::process::Command::new("node").arg("--version").output();
    if !modules.join("pouchdb-core").exists() || node.is_err() {
        assert!(
            std::env::var_os("CAJA_REQUIRE_POUCHDB").is_none(),
            "CAJA_REQUIRE_POUCHDB is set and PouchDB is not installed in target/pouchdb"
        );
        eprintln!(
            "SKIPPED: PouchDB is not installed (npm ci --prefix target/pouchdb, as .ci/run does)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let rdir = tempfile::tempdir().unwrap();
    let s = demo_store(rdir.path());
    let products = caja::csvio::demo_catalog(&s.info().currency);
    for i in 0..25 {
        let body = caja::dev::soak::soak_ticket(&s, &products, i).unwrap();
        s.commit(&header(22, i as i64), body).unwrap();
    }
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    claim(&s, &mut c).unwrap();
    push(&s, &mut c, |_, _| {}).unwrap();
    let held = h.hub.store().ids("caja-docs", "").unwrap().len();

    let o = std::process::Command::new("node")
        .arg(root.join("tests/pouchdb/replicate.js"))
        .arg(format!("http://{}", h.addr))
        .arg("admin")
        .arg("clave-admin-segura")
        .env("NODE_PATH", &modules)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["pulled"]["ok"], true, "{v}");
    assert_eq!(v["pulled"]["errors"], 0, "{v}");
    assert_eq!(v["pulled"]["docs_written"], held, "{v}");
    assert_eq!(v["again"]["docs_written"], 0, "{v}");
    assert_eq!(v["replica_docs"], held, "{v}");
    assert_eq!(v["sale_type"], "sale", "{v}");
    assert_eq!(v["pushed"]["docs_written"], 1, "{v}");
    let p = h.hub.store().get("caja-catalog", "product:POUCH1").unwrap();
    assert_eq!(p["price"], "2500");
    h.stop();
}
