//! A chain on the real Apache CouchDB 3.5 (see tests/common/couch.rs):
//! `caja chain setup` prepares it (twice: the second run changes nothing), a register syncs
//! with it unchanged, the `_design/caja` views give the register's own figures, and
//! `caja chain check` names what CouchDB's validation cannot refuse (a rival root revision of a
//! sealed sale, a fork in a register's chain) until `--purge-rivals` repairs it.

use crate::common::couch::{self, Couch};
use crate::common::*;
use serde_json::{Value, json};
use std::collections::HashMap;

fn chain(args: &[&str]) -> std::process::Output {
    let mut a = vec!["chain"];
    a.extend_from_slice(args);
    run(&a)
}

/// A register FV1 that syncs with `couch` as its user FV1.
fn register_on(couch: &Couch, dir: &std::path::Path) {
    init_cli(dir);
    sync_to(dir, &couch.url(), "FV1", "clave-fv1-segura");
}

#[test]
fn a_chain_on_couchdb_is_set_up_synced_and_checked() {
    let Some(couch) = couch::start() else { return };
    let url = couch.admin_url();

    // Setup, then setup again: the second changes nothing.
    let o = chain(&["setup", "--url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    let first = text(&o);
    assert!(first.contains("CouchDB 3.5.0"), "{first}");
    assert!(first.contains("caja-docs/_design/caja: creado"), "{first}");
    let o = chain(&["setup", "--url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        !text(&o).contains("creado") && !text(&o).contains("actualizado"),
        "{}",
        text(&o)
    );
    // A wrong password is said so.
    let o = chain(&[
        "setup",
        "--url",
        &format!("http://admin:wrong@127.0.0.1:{}", couch.port),
    ]);
    assert!(!o.status.success());

    let o = chain(&[
        "user",
        "add",
        "FV1",
        "--password",
        "clave-fv1-segura",
        "--url",
        &url,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("usuario FV1 creado"), "{}", text(&o));
    let o = chain(&["user", "add", "fv 1", "--password", "x", "--url", &url]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Código de caja"), "{}", text(&o));

    // The catalog, from a register's export; loaded twice, written once.
    let dir = tempfile::tempdir().unwrap();
    register_on(&couch, dir.path());
    let d = dir.path().to_str().unwrap();
    let csv = dir.path().join("catalog.csv");
    let o = run(&["catalog", "export", "--data-dir", d]);
    std::fs::write(&csv, &o.stdout).unwrap();
    let products = text(&o).lines().count() - 1;
    let o = chain(&["catalog", "import", csv.to_str().unwrap(), "--url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{products} productos escritos, 0 sin cambios")),
        "{}",
        text(&o)
    );
    let o = chain(&["catalog", "import", csv.to_str().unwrap(), "--url", &url]);
    assert!(
        text(&o).contains(&format!("0 productos escritos, {products} sin cambios")),
        "{}",
        text(&o)
    );

    // The register sells and syncs with CouchDB as it would with a hub.
    assert!(
        run(&["soak", "--data-dir", d, "--count", "30"])
            .status
            .success()
    );
    let o = run(&["sync", "--data-dir", d, "--pull", "total"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("recibido (total): {products} productos")),
        "{}",
        text(&o)
    );
    // A pull alone does not claim to have pushed.
    assert!(!text(&o).contains("enviados"), "{}", text(&o));
    let o = run(&["sync", "--data-dir", d]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("enviados ") && !text(&o).contains("enviados 0 "),
        "{}",
        text(&o)
    );
    let o = chain(&["check", "--url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("de 1 cajas verificados"), "{}", text(&o));

    // The views give the register's own figures for the day.
    let rows = journal(d, "2000-01-01", "2100-01-01", &["--format", "csv"]);
    let csv_rows = text(&rows);
    let (v_status, v) = couch.admin(
        "GET",
        "caja-docs/_design/caja/_view/sales_by_day?group=true",
        None,
    );
    assert_eq!(v_status, 200, "{v}");
    let sales: i64 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"][0].as_i64().unwrap())
        .sum();
    let total: i64 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"][1].as_i64().unwrap())
        .sum();
    let header: Vec<&str> = csv_rows.lines().next().unwrap().split(',').collect();
    let kind = header.iter().position(|h| *h == "type").unwrap();
    let tot = header.iter().position(|h| *h == "total").unwrap();
    let journal_sales: Vec<Vec<&str>> = csv_rows
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[kind] == "sale")
        .collect();
    assert_eq!(sales as usize, journal_sales.len());
    let journal_total: i128 = journal_sales
        .iter()
        .map(|r| caja::sync::decimal_units(r[tot]))
        .sum();
    assert_eq!(i128::from(total), journal_total);
    let (_, stock) = couch.admin("GET", "caja-docs/_design/caja/_view/stock?group=true", None);
    assert!(
        stock["rows"].as_array().is_some_and(
            |r| !r.is_empty() && r.iter().all(|x| x["value"].as_i64().is_some_and(|q| q < 0))
        ),
        "{stock}"
    );

    // The forgery CouchDB cannot refuse: the register posts a second root revision of its own
    // sealed sale (cashier changed, sums intact), which becomes the winner.
    let mut forger = caja::hub::chain::connect(&format!(
        "http://FV1:clave-fv1-segura@127.0.0.1:{}",
        couch.port
    ))
    .unwrap();
    let (_, mut sale) = forger
        .request("GET", "caja-docs/sale:FV1-000002", None)
        .unwrap();
    let own = sale["_rev"].as_str().unwrap().to_string();
    sale["_rev"] = json!(format!("1-{}", "f".repeat(32)));
    sale["cashier"] = json!("otro");
    let (s, answer) = forger
        .request(
            "POST",
            "caja-docs/_bulk_docs",
            Some(&json!({"docs": [sale], "new_edits": false})),
        )
        .unwrap();
    assert_eq!((s, answer.clone()), (201, json!([])), "CouchDB took it");
    let (_, now) = couch.admin("GET", "caja-docs/sale:FV1-000002", None);
    assert_eq!(now["cashier"], "otro", "the forgery wins on CouchDB");
    // And a fork: a sale of its own renumbered to follow the same document as sale 3.
    let (_, mut third) = forger
        .request("GET", "caja-docs/sale:FV1-000003", None)
        .unwrap();
    third["_id"] = json!("sale:FV1-000900");
    third["number"] = json!("FV1-000900");
    third["hash"] = json!("ab".repeat(32));
    third["_rev"] = json!(format!("1-{}", "ab".repeat(16)));
    let (s, answer) = forger
        .request(
            "POST",
            "caja-docs/_bulk_docs",
            Some(&json!({"docs": [third], "new_edits": false})),
        )
        .unwrap();
    assert_eq!((s, answer), (201, json!([])));

    let o = chain(&["check", "--url", &url]);
    let said = text(&o);
    assert_eq!(o.status.code(), Some(1), "{said}");
    assert!(
        said.contains("sale:FV1-000002: documento sellado con revisión rival")
            && said.contains(&own)
            && said.contains(&format!("gana 1-{}", "f".repeat(32))),
        "{said}"
    );
    assert!(
        said.contains("sale:FV1-000900 y sale:FV1-000003 siguen al mismo documento")
            || said.contains("sale:FV1-000003 y sale:FV1-000900 siguen al mismo documento"),
        "{said}"
    );
    assert!(
        said.contains("faltan en el servidor los números FV1-000031 a FV1-000899"),
        "{said}"
    );
    let (_, conflicts) = couch.admin("GET", "caja-docs/_design/caja/_view/conflicts", None);
    assert_eq!(conflicts["rows"][0]["id"], "sale:FV1-000002", "{conflicts}");

    // The repair: the rival goes, the register's own wins again; the fork stays named.
    let o = chain(&["check", "--url", &url, "--purge-rivals"]);
    let said = text(&o);
    assert!(
        said.contains("sale:FV1-000002: revisiones rivales quitadas"),
        "{said}"
    );
    assert!(!said.contains("revisión rival;"), "{said}");
    assert!(said.contains("siguen al mismo documento"), "{said}");
    let (_, now) = couch.admin("GET", "caja-docs/sale:FV1-000002", None);
    assert_eq!(now["_rev"], Value::String(own.clone()));
    assert_ne!(now["cashier"], "otro");
    // The forgery is kept on the record, whole, where the purge took it from.
    let (s, kept) = couch.admin(
        "GET",
        &format!(
            "caja-docs/_local/purged%3Asale%3AFV1-000002%3A1-{}",
            "f".repeat(32)
        ),
        None,
    );
    assert_eq!(s, 200, "{kept}");
    assert_eq!(kept["doc"]["cashier"], "otro", "{kept}");
    assert_eq!(kept["kept"], Value::String(own));
}

/// The hub as a replication peer of CouchDB: CouchDB's own replicator (`_replicate`, logging in
/// with `_session`, reading with `_bulk_get` or `open_revs`, checkpointing in `_local`) takes a
/// shop's documents up from the hub, and the chain's catalog down into it, where a register
/// pulls it.
#[test]
fn couchdbs_replicator_takes_the_documents_up_and_the_catalog_down() {
    let Some(couch) = couch::start() else { return };
    let url = couch.admin_url();
    assert!(chain(&["setup", "--url", &url]).status.success());
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = hub(hub_dir.path());
    let hub_url = format!("http://admin:clave-admin-segura@{}", hub.addr);

    // A register sells 40 and pushes them to its shop's hub.
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let d = dir.path().to_str().unwrap();
    sync_to(
        dir.path(),
        &format!("http://{}", hub.addr),
        "FV1",
        "clave-fv1-segura",
    );
    assert!(
        run(&["soak", "--data-dir", d, "--count", "40"])
            .status
            .success()
    );
    let o = run(&["sync", "--data-dir", d, "--push"]);
    assert!(o.status.success(), "{}", text(&o));
    let held = hub.hub.store().ids("caja-docs", "").unwrap().len();
    assert!(held >= 40, "{held}");

    // Up: the hub's caja-docs into the chain's.
    let up = json!({
        "source": format!("{hub_url}/caja-docs"),
        "target": format!("{url}/caja-docs"),
    });
    let (s, v) = couch.admin("POST", "_replicate", Some(&up));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["history"][0]["docs_written"], json!(held), "{v}");
    assert_eq!(v["history"][0]["doc_write_failures"], 0, "{v}");
    let (_, info) = couch.admin("GET", "caja-docs", None);
    assert_eq!(
        info["doc_count"],
        json!(held + 1),
        "the documents and _design/caja: {info}"
    );
    let o = chain(&["check", "--url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    // Again: nothing new to write, the checkpoint in the hub's _local says where it stopped.
    let (s, v) = couch.admin("POST", "_replicate", Some(&up));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["no_changes"], true, "{v}");

    // The replicator's other way to read, one document at a time (`open_revs`, answered as
    // multipart/mixed), into a database of its own.
    let one_by_one = json!({
        "source": format!("{hub_url}/caja-docs"),
        "target": format!("{url}/caja-docs-copy"),
        "create_target": true,
        "use_bulk_get": false,
    });
    let (s, v) = couch.admin("POST", "_replicate", Some(&one_by_one));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["history"][0]["docs_written"], json!(held), "{v}");
    assert_eq!(v["history"][0]["bulk_get_attempts"], 0, "{v}");

    // Down: the chain's catalog into the hub, then to the register.
    let csv = dir.path().join("catalog.csv");
    std::fs::write(
        &csv,
        "sku,barcode,name,price,tax_rate\nCAFE1,7701234000011,Café de la cadena,12500,19\n",
    )
    .unwrap();
    assert!(
        chain(&["catalog", "import", csv.to_str().unwrap(), "--url", &url])
            .status
            .success()
    );
    let down = json!({
        "source": format!("{url}/caja-catalog"),
        "target": format!("{hub_url}/caja-catalog"),
        "selector": {"type": "product"},
    });
    let (s, v) = couch.admin("POST", "_replicate", Some(&down));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["history"][0]["docs_written"], 1, "{v}");
    let o = run(&["sync", "--data-dir", d, "--pull", "partial"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["catalog", "export", "--data-dir", d]);
    assert!(
        text(&o).contains("CAFE1,7701234000011,Café de la cadena"),
        "{}",
        text(&o)
    );
    // A price changed at the head office reaches the hub as an edit, not a conflict.
    std::fs::write(
        &csv,
        "sku,barcode,name,price,tax_rate\nCAFE1,7701234000011,Café de la cadena,13000,19\n",
    )
    .unwrap();
    assert!(
        chain(&["catalog", "import", csv.to_str().unwrap(), "--url", &url])
            .status
            .success()
    );
    let (s, v) = couch.admin("POST", "_replicate", Some(&down));
    assert_eq!(s, 200, "{v}");
    // The replicator's counts add up over the checkpoints of one replication: 1 then 2.
    assert_eq!(v["history"][0]["docs_written"], 2, "{v}");
    assert_eq!(v["history"][0]["doc_write_failures"], 0, "{v}");
    let doc = hub
        .hub
        .store()
        .get("caja-catalog", "product:CAFE1")
        .unwrap();
    assert_eq!(doc["price"], "13000", "{doc}");
    assert!(
        hub.hub
            .store()
            .conflicts("caja-catalog")
            .unwrap()
            .is_empty()
    );
    hub.stop();
}

/// The forgeries the hub refuses, posted by register FV1 to the real CouchDB (as its
/// replicator would: `new_edits: false`) and to the hub: the same verdict on every one; and a
/// register's whole sync life against CouchDB (re-push, resend, every pull, take-over).
#[test]
fn couchdb_and_the_hub_give_the_same_verdicts_and_a_register_syncs_with_either() {
    let Some(couch) = couch::start() else { return };
    let url = couch.admin_url();
    assert!(chain(&["setup", "--url", &url]).status.success());
    assert!(
        chain(&[
            "user",
            "add",
            "FV1",
            "--password",
            "clave-fv1-segura",
            "--url",
            &url
        ])
        .status
        .success()
    );
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let connect = |base: String| {
        caja::hub::chain::connect(&base.replacen("://", "://FV1:clave-fv1-segura@", 1)).unwrap()
    };
    let mut on_couch = connect(couch.url());
    let mut on_hub = connect(format!("http://{}", h.addr));
    let pdir = tempfile::tempdir().unwrap();
    let docs = parity_docs(pdir.path());
    let verdict = |c: &mut caja::sync::client::Client, d: &Value| -> Result<(), String> {
        let (s, v) = c
            .request(
                "POST",
                "caja-docs/_bulk_docs",
                Some(&json!({"docs": [d], "new_edits": false})),
            )
            .unwrap();
        match (s, v.as_array().map(Vec::len)) {
            (201, Some(0)) => Ok(()),
            _ => Err(v.to_string()),
        }
    };
    let mut accepted = 0;
    let mut held: std::collections::HashMap<(String, String), Value> = Default::default();
    for d in &docs {
        let key = (d["_id"].to_string(), d["_rev"].to_string());
        if let Some(first) = held.get(&key) {
            // The revision is already held: CouchDB takes it as done without validating it,
            // the hub refuses it; on both, what is stored stays the first.
            let (c, h) = (verdict(&mut on_couch, d), verdict(&mut on_hub, d));
            assert!(c.is_ok() && h.is_err(), "{}: {c:?} {h:?}", d["_id"]);
            let id = d["_id"].as_str().unwrap();
            for c in [&mut on_couch, &mut on_hub] {
                let (_, stored) = c.request("GET", &format!("caja-docs/{id}"), None).unwrap();
                assert_eq!(
                    (&stored["total"], &stored["register"], &stored["opened"]),
                    (&first["total"], &first["register"], &first["opened"]),
                    "{id}"
                );
            }
            continue;
        }
        let (c, h) = (verdict(&mut on_couch, d), verdict(&mut on_hub, d));
        if c.is_ok() {
            held.insert(key, d.clone());
        }
        assert_eq!(
            c.is_ok(),
            h.is_ok(),
            "{}: CouchDB {c:?}, hub {h:?}",
            d["_id"]
        );
        accepted += usize::from(c.is_ok());
    }
    assert!(
        accepted > 3 && accepted < docs.len(),
        "{accepted} of {}",
        docs.len()
    );
    h.stop();

    // A register's sync life against CouchDB, on databases made again (setup makes what is
    // missing).
    for db in ["caja-docs", "caja-registers"] {
        assert_eq!(couch.admin("DELETE", db, None).0, 200);
    }
    let o = chain(&["setup", "--url", &url]);
    assert!(text(&o).contains("caja-docs: creado"), "{}", text(&o));
    let dir = tempfile::tempdir().unwrap();
    register_on(&couch, dir.path());
    let d = dir.path().to_str().unwrap();
    let csv = dir.path().join("catalog.csv");
    let o = run(&["catalog", "export", "--data-dir", d]);
    std::fs::write(&csv, &o.stdout).unwrap();
    assert!(
        chain(&["catalog", "import", csv.to_str().unwrap(), "--url", &url])
            .status
            .success()
    );
    assert!(
        run(&["soak", "--data-dir", d, "--count", "12"])
            .status
            .success()
    );
    let o = run(&["sync", "--data-dir", d]);
    assert!(o.status.success(), "{}", text(&o));
    // Again: nothing to send.
    let o = run(&["sync", "--data-dir", d, "--push"]);
    assert!(text(&o).contains("enviados 0 documentos"), "{}", text(&o));
    // A date sent again: the server keeps what it has.
    let today = chrono::Local::now().date_naive().to_string();
    let o = run(&["sync", "--data-dir", d, "--resend", &today]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("0 documentos enviados de nuevo"),
        "{}",
        text(&o)
    );
    for mode in ["partial", "total", "replace"] {
        let o = run(&["sync", "--data-dir", d, "--pull", mode]);
        assert!(o.status.success(), "{mode}: {}", text(&o));
    }
    // A product deleted at the head office leaves the register on the next partial pull.
    let lines: Vec<String> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let gone = lines[1].split(',').next().unwrap().to_string();
    std::fs::write(&csv, format!("{}\n{}\n", lines[0], lines[2..].join("\n"))).unwrap();
    let o = chain(&[
        "catalog",
        "import",
        csv.to_str().unwrap(),
        "--url",
        &url,
        "--replace",
    ]);
    assert!(text(&o).contains("1 borrados"), "{}", text(&o));
    let o = run(&["sync", "--data-dir", d, "--pull", "partial"]);
    assert!(text(&o).contains("1 quitados"), "{}", text(&o));
    let o = run(&["catalog", "export", "--data-dir", d]);
    assert!(!text(&o).contains(&format!("\n{gone},")), "{}", text(&o));

    // A reinstalled register: refused until it takes the code over, then numbers on.
    let fresh = tempfile::tempdir().unwrap();
    register_on(&couch, fresh.path());
    let f = fresh.path().to_str().unwrap();
    let o = run(&["sync", "--data-dir", f]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("--take-over"), "{}", text(&o));
    let o = run(&["sync", "--data-dir", f, "--take-over"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        run(&["soak", "--data-dir", f, "--count", "2"])
            .status
            .success()
    );
    let o = run(&["sync", "--data-dir", f]);
    assert!(o.status.success(), "{}", text(&o));
    let (_, next) = couch.admin("GET", "caja-docs/sale:FV1-000013", None);
    assert_eq!(next["type"], "sale", "numbering goes on after 12: {next}");
    // Two chains for FV1 now (the store before and the one that took over): not a break.
    let o = chain(&["check", "--url", &url]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Stock on the chain: the same register's documents on the hub and, replicated, on CouchDB,
/// and the same load through `caja hub stock import` and `caja chain stock import`: the
/// `_design/caja` views `stock` and `kardex` give the hub's figures.
#[test]
fn the_chains_stock_views_give_the_hubs_figures() {
    let Some(couch) = couch::start() else { return };
    let url = couch.admin_url();
    assert!(chain(&["setup", "--url", &url]).status.success());
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let d = dir.path().to_str().unwrap();
    let csv = dir.path().join("catalog.csv");
    std::fs::write(&csv, run(&["catalog", "export", "--data-dir", d]).stdout).unwrap();
    let cop = caja::domain::money::Currency::by_code("COP").unwrap();
    let products = caja::csvio::read_catalog(&std::fs::read(&csv).unwrap(), &cop).unwrap();
    h.hub.import_catalog(&products, &cop, false).unwrap();
    assert!(
        chain(&["catalog", "import", csv.to_str().unwrap(), "--url", &url])
            .status
            .success()
    );
    sync_to(
        dir.path(),
        &format!("http://{}", h.addr),
        "FV1",
        "clave-fv1-segura",
    );
    assert!(
        run(&["soak", "--data-dir", d, "--count", "15"])
            .status
            .success()
    );
    assert!(run(&["sync", "--data-dir", d, "--push"]).status.success());
    let up = json!({
        "source": format!("http://admin:clave-admin-segura@{}/caja-docs", h.addr),
        "target": format!("{url}/caja-docs"),
    });
    let (s, v) = couch.admin("POST", "_replicate", Some(&up));
    assert_eq!((s, v["ok"].clone()), (200, json!(true)), "{v}");

    // The same load on both.
    let sold = h.hub.store().stock("2000-01-01").unwrap();
    let moved: Vec<&str> = sold
        .iter()
        .filter(|l| l.on_hand != 0)
        .map(|l| l.sku.as_str())
        .collect();
    let (a, b) = (moved[0], moved[1]);
    let load = dir.path().join("load.csv");
    std::fs::write(
        &load,
        format!("sku,quantity,kind,note\n{a},10,count,conteo\n{b},2.5,receipt,factura\n{a},-1,adjust,roto\n"),
    )
    .unwrap();
    let rows = caja::csvio::read_stock(&std::fs::read(&load).unwrap()).unwrap();
    h.hub.import_stock(&rows).unwrap().unwrap();
    let o = chain(&["stock", "import", load.to_str().unwrap(), "--url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{a}: ")) && text(&o).contains("→ 10"),
        "{}",
        text(&o)
    );
    // A SKU the chain's catalog lacks refuses the load, naming its line.
    std::fs::write(&load, "sku,quantity,kind,note\nNOPE-1,1,receipt,\n").unwrap();
    let o = chain(&["stock", "import", load.to_str().unwrap(), "--url", &url]);
    assert!(
        !o.status.success() && text(&o).contains("línea 2"),
        "{}",
        text(&o)
    );

    let hub_levels: HashMap<String, i64> = h
        .hub
        .store()
        .stock("2000-01-01")
        .unwrap()
        .into_iter()
        .filter(|l| l.on_hand != 0)
        .map(|l| (l.sku, l.on_hand))
        .collect();
    let (_, view) = couch.admin("GET", "caja-docs/_design/caja/_view/stock?group=true", None);
    let couch_levels: HashMap<String, i64> = view["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["value"].as_i64() != Some(0))
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["value"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(couch_levels, hub_levels);
    assert_eq!(hub_levels[a], 9000);
    // The kardex of one product: as many movements, the same last balance.
    let (_, total) = h.hub.store().kardex(a, 1, 1).unwrap();
    let path = format!(
        "caja-docs/_design/caja/_view/kardex?startkey={}&endkey={}",
        caja_url(&json!([a])),
        caja_url(&json!([a, {}]))
    );
    let (_, k) = couch.admin("GET", &path, None);
    assert_eq!(k["rows"].as_array().unwrap().len() as u64, total, "{k}");
    // Stock movements do not trouble the chain's check.
    let o = chain(&["check", "--url", &url]);
    assert!(o.status.success(), "{}", text(&o));
    h.stop();
}

fn caja_url(v: &Value) -> String {
    v.to_string()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
