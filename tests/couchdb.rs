//! A chain on the real Apache CouchDB 3.5 (`../shared/peers/`, see tests/common/couch.rs):
//! `caja chain setup` prepares it (twice: the second run changes nothing), a register syncs
//! with it unchanged, the `_design/caja` views give the register's own figures, and
//! `caja chain check` names what CouchDB's validation cannot refuse (a rival root revision of a
//! sealed sale, a fork in a register's chain) until `--purge-rivals` repairs it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::couch::{self, Couch};
use common::*;
use serde_json::{Value, json};

fn chain(args: &[&str]) -> std::process::Output {
    let mut a = vec!["chain"];
    a.extend_from_slice(args);
    run(&a)
}

/// A register FV1 that syncs with `couch` as its user FV1.
fn register_on(couch: &Couch, dir: &std::path::Path) {
    init_cli(dir);
    std::fs::write(
        dir.join("caja.toml"),
        format!(
            "[sync]\nurl = \"{}\"\nuser = \"FV1\"\npassword = \"clave-fv1-segura\"\n",
            couch.url()
        ),
    )
    .unwrap();
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
    let mut forger = caja::sync::chain::connect(&format!(
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
    assert_eq!(now["_rev"], Value::String(own));
    assert_ne!(now["cashier"], "otro");
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
    std::fs::write(
        dir.path().join("caja.toml"),
        format!(
            "[sync]\nurl = \"http://{}\"\nuser = \"FV1\"\npassword = \"clave-fv1-segura\"\n",
            hub.addr
        ),
    )
    .unwrap();
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
