//! The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core
//! (pinned by tests/browser/package-lock.json, installed by `.ci/run` into target/browser with
//! Chromium itself). A person logs in with the form and reads the page; the screenshots stay in
//! target/test-artifacts. Without Chromium or the package the test says it is skipped, unless
//! CAJA_REQUIRE_BROWSER is set.

use crate::common::*;
use caja::sync::client::{claim, push, report_status};
use serde_json::Value;
use std::path::Path;

#[test]
fn a_person_reads_the_dashboard_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = root.join("target/browser/node_modules");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node = std::process::Command::new("node").arg("--version").output();
    if !modules.join("playwright-core").exists() || !Path::new(&chromium).exists() || node.is_err()
    {
        assert!(
            std::env::var_os("CAJA_REQUIRE_BROWSER").is_none(),
            "CAJA_REQUIRE_BROWSER is set and Chromium or playwright-core is missing"
        );
        eprintln!(
            "SKIPPED: no Chromium at {chromium} or no playwright-core in target/browser (.ci/run \
             installs both)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let rdir = tempfile::tempdir().unwrap();
    let s = demo_store(rdir.path());
    let products = caja::csvio::demo_catalog(&s.info().currency);
    // Today's sales, so that the dashboard's default day has them.
    let today = chrono::Local::now().date_naive();
    for i in 0..40 {
        let body = caja::dev::soak::soak_ticket(&s, &products, i).unwrap();
        let mut hd = header(22, i as i64);
        hd.business_date = today;
        s.commit(&hd, body).unwrap();
    }
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    claim(&s, &mut c).unwrap();
    let r = push(&s, &mut c, |_, _| {}).unwrap();
    report_status(&s, &mut c, Some(&r)).unwrap();
    h.hub.run_checks().unwrap();
    let total = s.day_report(today).unwrap().sales_total;
    let cop = s.info().currency.clone();

    let artifacts = root.join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shots = artifacts.join("dashboard");
    let o = std::process::Command::new("node")
        .arg(root.join("tests/browser/dashboard.js"))
        .arg(format!("http://{}/", h.addr))
        .arg("admin")
        .arg("clave-admin-segura")
        .arg(&shots)
        .env("NODE_PATH", &modules)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    // The form first, then the dashboard as rendered.
    assert_eq!(v["form"]["status"], 401, "{v}");
    assert_eq!(v["form"]["title"], "Entrar a la oficina", "{v}");
    assert_eq!(v["title"], "Oficina de la tienda", "{v}");
    let page = v["text"].as_str().unwrap();
    for want in [
        "FV1",
        "Tienda Uno",
        "Todas las cajas",
        "desactualizada",
        "nunca ha descargado el catálogo",
        "40",
        &cop.format_symbol(total),
        "Revisión de los documentos",
    ] {
        assert!(page.contains(want), "{want:?} not on the page: {page}");
    }
    assert!(
        !page.contains("Register") && !page.contains("never"),
        "{page}"
    );
    // A phone's width: the page does not scroll sideways.
    assert!(v["phoneWidth"].as_u64().unwrap() <= 390, "{v}");
    // The log, linked from the page, with the same login.
    assert_eq!(v["logStatus"], 200, "{v}");
    assert!(
        v["logText"]
            .as_str()
            .unwrap()
            .contains("envió documentos: 40 nuevos"),
        "{v}"
    );
    for size in ["1024x768", "phone"] {
        let shot = artifacts.join(format!("dashboard-{size}.png"));
        assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "{shot:?}");
    }
    eprintln!("screenshots: {}-*.png", shots.display());
    h.stop();
}
