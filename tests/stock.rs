//! Stock at the hub (`caja hub stock import`, `/_caja/stock`, `/_caja/kardex`): sales move
//! stock out once (a re-push or a resend moves nothing again), loads count, receive and
//! correct, a bad load changes nothing and names its line, and the kardex's last balance is
//! the on-hand. The hub is the real binary, serving while the loads go through its socket.

use crate::common::*;
use serde_json::Value;
use std::collections::HashMap;

struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent
        .get(url)
        .header(
            "Authorization",
            caja::sync::basic_auth("admin", "clave-admin-segura"),
        )
        .call()
        .unwrap();
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap())
}

/// On hand per SKU, from `/_caja/stock?format=json`.
fn on_hand(base: &str) -> HashMap<String, String> {
    let (s, body) = get(&format!("{base}/_caja/stock?format=json"));
    assert_eq!(s, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["sku"].as_str().unwrap().to_string(),
                r["on_hand"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn stock_follows_the_sales_once_and_the_shops_loads() {
    let hub_dir = tempfile::tempdir().unwrap();
    let hd = hub_dir.path().to_str().unwrap();
    let reg = tempfile::tempdir().unwrap();
    init_cli(reg.path());
    let d = reg.path().to_str().unwrap();
    let catalog = reg.path().join("catalog.csv");
    std::fs::write(
        &catalog,
        run(&["catalog", "export", "--data-dir", d]).stdout,
    )
    .unwrap();
    for args in [
        vec!["user", "add", "FV1", "--password", "clave-fv1-segura"],
        vec![
            "user",
            "add",
            "admin",
            "--password",
            "clave-admin-segura",
            "--admin",
        ],
        vec!["catalog", "import", catalog.to_str().unwrap()],
    ] {
        let mut a = vec!["hub", "--data-dir", hd];
        a.extend(args);
        let o = run(&a);
        assert!(o.status.success(), "{}", text(&o));
    }
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _hub = Serving(
        caja()
            .args([
                "hub",
                "--data-dir",
                hd,
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    sync_to(reg.path(), &base, "FV1", "clave-fv1-segura");
    assert!(
        run(&["soak", "--data-dir", d, "--count", "20"])
            .status
            .success()
    );
    let mut o = run(&["sync", "--data-dir", d]);
    for _ in 0..50 {
        if o.status.success() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        o = run(&["sync", "--data-dir", d]);
    }
    assert!(o.status.success(), "{}", text(&o));

    // What the sales took out, from the documents themselves.
    let mut sold: HashMap<String, i64> = HashMap::new();
    let (_, all) = get(&format!("{base}/caja-docs/_all_docs?include_docs=true"));
    let all: Value = serde_json::from_str(&all).unwrap();
    for row in all["rows"].as_array().unwrap() {
        if row["doc"]["type"] == "sale" {
            for l in row["doc"]["lines"].as_array().unwrap() {
                *sold
                    .entry(l["sku"].as_str().unwrap().to_string())
                    .or_default() +=
                    caja::hub::stock::milli_of(l["qty"].as_str().unwrap()).unwrap();
            }
        }
    }
    assert!(!sold.is_empty());
    let first = on_hand(&base);
    for (sku, q) in &sold {
        assert_eq!(
            first[sku],
            caja::hub::stock::milli_text(-q),
            "{sku}: sold with no count goes negative"
        );
    }
    // A resend of the day stores nothing new, and moves nothing.
    let today = chrono::Local::now().date_naive().to_string();
    let o = run(&["sync", "--data-dir", d, "--resend", &today]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(on_hand(&base), first);

    // Loads while the hub serves: a count, a receipt, a correction.
    let mut skus: Vec<&String> = sold.keys().collect();
    skus.sort();
    let (a, b) = (skus[0].clone(), skus[1].clone());
    let load = reg.path().join("load.csv");
    std::fs::write(
        &load,
        format!("sku,quantity,kind,note\n{a},10,count,conteo de la mañana\n{b},5,receipt,factura 881\n{a},-1.5,adjust,roto\n"),
    )
    .unwrap();
    let o = run(&[
        "hub",
        "--data-dir",
        hd,
        "stock",
        "import",
        load.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{a}: {} → 10", first[&a])),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("3 movimientos de existencias cargados"),
        "{}",
        text(&o)
    );
    let after = on_hand(&base);
    assert_eq!(after[&a], "8.5");
    let b_before = caja::hub::stock::milli_of(&first[&b]).unwrap();
    assert_eq!(after[&b], caja::hub::stock::milli_text(b_before + 5000));

    // A bad load changes nothing and names its line.
    for (bad, says) in [
        (
            format!("sku,quantity,kind,note\n{a},1,count,\nNOPE-9,1,receipt,\n"),
            "línea 3",
        ),
        (
            format!("sku,quantity,kind,note\n{a},1,sideways,\n"),
            "use count, receipt o adjust",
        ),
        (
            format!("sku,quantity,kind,note\n{a},-1,receipt,\n"),
            "línea 2, columna quantity",
        ),
    ] {
        std::fs::write(&load, bad).unwrap();
        let o = run(&[
            "hub",
            "--data-dir",
            hd,
            "stock",
            "import",
            load.to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "{}", text(&o));
        assert!(text(&o).contains(says), "{says}: {}", text(&o));
        assert_eq!(on_hand(&base), after);
    }

    // The kardex: every movement, in order, its last balance the on-hand; paged.
    let (s, csv) = get(&format!("{base}/_caja/kardex?sku={a}"));
    assert_eq!(s, 200, "{csv}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "at,document,kind,in,out,balance,note");
    assert!(lines.iter().any(|l| l.contains(",sale,")), "{csv}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",count,") && l.contains("conteo de la mañana"))
    );
    assert!(
        lines.last().unwrap().contains(",adjust,0,1.5,8.5,roto"),
        "{csv}"
    );
    let (_, page) = get(&format!(
        "{base}/_caja/kardex?sku={a}&format=json&from=2&limit=1"
    ));
    let page: Value = serde_json::from_str(&page).unwrap();
    assert_eq!(page["total"], lines.len() as u64 - 1);
    assert_eq!(page["rows"].as_array().unwrap().len(), 1);
    // The stock page as CSV; a format it does not write is a 400.
    let (s, csv) = get(&format!("{base}/_caja/stock"));
    assert_eq!(s, 200);
    assert!(
        csv.starts_with("sku,name,on_hand,sold_today,last_move\n"),
        "{csv}"
    );
    assert!(csv.contains(&format!("\n{a},")), "{csv}");
    let (s, _) = get(&format!("{base}/_caja/stock?format=xml"));
    assert_eq!(s, 400);
}

/// The catalog's optional `min_stock` column: the dashboard lists, in the hub's language, the
/// products at or below their minimum and those below zero, and drops one once it is stocked
/// again; a bad minimum refuses the file, naming its line.
#[test]
fn the_dashboard_lists_low_and_negative_stock() {
    let hub_dir = tempfile::tempdir().unwrap();
    let hd = hub_dir.path().to_str().unwrap();
    let csv = hub_dir.path().join("catalogo.csv");
    std::fs::write(
        &csv,
        "sku,barcode,name,price,tax_rate,min_stock\n\
         ARZ1K,,Arroz 1 kg,3500,5,10\n\
         ACE1L,,Aceite 1 L,11900,19,\n\
         LEC1L,,Leche 1 L,3200,0,4\n\
         SAL1K,,Sal 1 kg,1500,0,0\n",
    )
    .unwrap();
    for args in [
        vec![
            "user",
            "add",
            "admin",
            "--password",
            "clave-admin-segura",
            "--admin",
        ],
        vec!["catalog", "import", csv.to_str().unwrap()],
    ] {
        let mut a = vec!["hub", "--data-dir", hd];
        a.extend(args);
        let o = run(&a);
        assert!(o.status.success(), "{}", text(&o));
    }
    let load = hub_dir.path().join("conteo.csv");
    std::fs::write(
        &load,
        "sku,quantity,kind,note\nARZ1K,12,count,\nLEC1L,20,count,\nSAL1K,5,count,\n",
    )
    .unwrap();
    let o = run(&[
        "hub",
        "--data-dir",
        hd,
        "stock",
        "import",
        load.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    // A bad minimum: the file is refused, naming the line, and nothing changes.
    let bad = hub_dir.path().join("malo.csv");
    std::fs::write(
        &bad,
        "sku,barcode,name,price,tax_rate,min_stock\nARZ1K,,Arroz 1 kg,3500,5,mucho\n",
    )
    .unwrap();
    let o = run(&[
        "hub",
        "--data-dir",
        hd,
        "catalog",
        "import",
        bad.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("línea 2"), "{}", text(&o));

    let h = caja::hub::Hub::open(hub_dir.path())
        .unwrap()
        .serve("127.0.0.1:0")
        .unwrap();
    // Sales: 3 of rice (12 → 9, under its 10), 2 of oil (never counted: -2).
    let sale = |n: u32, sku: &str, qty: &str| {
        serde_json::json!({"_id": format!("sale:FV1-{n:06}"), "type": "sale",
            "number": format!("FV1-{n:06}"), "business_date": "2026-11-22",
            "at": "2026-11-22T10:00:00-05:00", "total": "1",
            "lines": [{"sku": sku, "qty": qty}]})
    };
    h.hub
        .store()
        .put("caja-docs", sale(1, "ARZ1K", "3"))
        .unwrap();
    h.hub
        .store()
        .put("caja-docs", sale(2, "ACE1L", "2"))
        .unwrap();
    let page = || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        agent
            .get(format!("http://{}/", h.addr))
            .header("Accept", "text/html")
            .header(
                "Authorization",
                caja::sync::basic_auth("admin", "clave-admin-segura"),
            )
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    };
    let html = page();
    assert!(html.contains("Existencias bajas"), "{html}");
    assert!(
        html.contains("ARZ1K Arroz 1 kg: quedan 9 (mínimo 10)"),
        "{html}"
    );
    assert!(html.contains("ACE1L Aceite 1 L: -2, negativo"), "{html}");
    // Milk (20, minimum 4) and salt (5, minimum 0) are fine.
    assert!(!html.contains("LEC1L") && !html.contains("SAL1K"), "{html}");
    // Rice received: off the list.
    let rows = caja::csvio::read_stock(b"sku,quantity,kind,note\nARZ1K,6,receipt,\n").unwrap();
    h.hub.import_stock(&rows).unwrap().unwrap();
    let html = page();
    assert!(!html.contains("ARZ1K Arroz"), "{html}");
    assert!(html.contains("ACE1L Aceite 1 L: -2"), "{html}");
    h.stop();
}
