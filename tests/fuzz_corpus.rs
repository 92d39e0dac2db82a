//! Every fuzz target's corpus (`fuzz/corpus/TARGET/`), replayed on the stable toolchain: the
//! seeds made from real files and every input the fuzzer kept, crashes it found included, go
//! through the same entry points (`caja::fuzzing`) as under `cargo fuzz`. A fix that regresses
//! fails here, with no nightly and no fuzzer.
//!
//! `cargo test --release --test main fuzz_corpus -- --ignored` makes the seeds again from a real
//! store, hub documents and files (see `make_seed_corpus`).

use crate::common::*;
use std::path::{Path, PathBuf};

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

#[test]
fn every_fuzz_corpus_replays_without_a_crash() {
    let mut total = 0;
    for (name, run) in caja::fuzzing::TARGETS {
        let dir = corpus_dir(name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        assert!(files.len() >= 3, "{name}: only {} seeds", files.len());
        for f in &files {
            let data = std::fs::read(f).unwrap();
            let caught = std::panic::catch_unwind(|| run(&data));
            assert!(caught.is_ok(), "{name}: {} makes it fail", f.display());
        }
        total += files.len();
    }
    eprintln!(
        "{total} corpus inputs replayed over {} targets",
        caja::fuzzing::TARGETS.len()
    );
}

fn put(target: &str, name: &str, data: &[u8]) {
    let dir = corpus_dir(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("seed-{name}")), data).unwrap();
}

/// Journal and store files carry zeros they have not used yet: the seed keeps what is written.
fn trimmed(mut b: Vec<u8>) -> Vec<u8> {
    let end = b.iter().rposition(|x| *x != 0).map_or(0, |p| p + 1);
    b.truncate(end + 8);
    b
}

/// The journal seed with a marks record reaches the marks reader: the record reads as marks,
/// not as damage, and the documents after it are all found.
#[test]
fn the_journal_seed_with_marks_reads_them() {
    let b = std::fs::read(corpus_dir("journal_file").join("seed-marks")).unwrap();
    let (_, start) = caja::store::ejournal::read_header(&b).unwrap();
    let scan = caja::store::ejournal::scan_file(&b, start);
    assert_eq!(scan.marks, vec![(0, vec![2, 3])]);
    assert!(scan.damaged.is_empty());
    assert_eq!(scan.records.len(), 6);
}

#[test]
#[ignore = "makes the seed corpus again; run by hand"]
fn make_seed_corpus() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    init_cli(dir);
    let d = dir.to_str().unwrap();
    assert!(
        run(&["soak", "--data-dir", d, "--count", "6"])
            .status
            .success()
    );
    // Files as shops and registers write them.
    let demo = include_bytes!("../src/demo_catalog.csv");
    put("catalog_csv", "demo", demo);
    let crlf = String::from_utf8_lossy(demo).replace('\n', "\r\n");
    put("catalog_csv", "crlf", crlf.as_bytes());
    put(
        "catalog_csv",
        "semicolons",
        String::from_utf8_lossy(demo).replace(',', ";").as_bytes(),
    );
    put(
        "catalog_csv",
        "bom-quoted",
        "\u{feff}sku,barcodes,name,price,tax_rate\nREF,,\"Refresco, 2 l\",\"3.500\",19\n"
            .as_bytes(),
    );
    put(
        "customers_csv",
        "one",
        b"doc_type,doc_number,name,phone,email,address\nNIT,900173769-1,Tienda La Esquina,3001234567,a@b.co,Calle 1\nCC,1020304050,Ana Perez,,,\n",
    );
    put(
        "customers_csv",
        "header-only",
        b"doc_type,doc_number,name,phone,email,address\n",
    );
    put(
        "customers_csv",
        "bad-nit",
        b"doc_type,doc_number,name,phone,email,address\nNIT,900173769-2,X,,,\n",
    );
    put(
        "config_toml",
        "default",
        include_bytes!("../src/default_config.toml"),
    );
    put(
        "config_toml",
        "written",
        &std::fs::read(dir.join("caja.toml")).unwrap(),
    );
    put(
        "config_toml",
        "sync-scale",
        b"[sync]\nurl = \"http://127.0.0.1:5984\"\nuser = \"FV1\"\npassword = \"password1\"\n[scale]\nlabels = [{ prefix = \"20\", item_digits = 5, value = \"weight\", decimals = 3 }]\n",
    );
    let journal = trimmed(std::fs::read(dir.join("journal/ej-000000000001.cj")).unwrap());
    put("journal_file", "six-sales", &journal);
    put(
        "journal_file",
        "header-only",
        &journal[..journal.len().min(200)],
    );
    let mut flipped = journal.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    put("journal_file", "one-byte-flipped", &flipped);
    // A marks record (the receipts the printer took) before the documents, as the till writes
    // one before the next document's record.
    let (_, start) = caja::store::ejournal::read_header(&journal).unwrap();
    let mut marks = b"EJP1".to_vec();
    marks.extend(16u32.to_le_bytes());
    marks.extend([0; 4]);
    marks.extend(0u64.to_le_bytes());
    marks.extend([0; 32]);
    marks.extend(caja::store::ejournal::mark_code(1, false).to_le_bytes());
    marks.extend(caja::store::ejournal::mark_code(1, true).to_le_bytes());
    let crc = caja::store::ejournal::crc32(&marks[12..]);
    marks[8..12].copy_from_slice(&crc.to_le_bytes());
    let mut with_marks = journal[..start].to_vec();
    with_marks.extend(marks);
    with_marks.extend(&journal[start..]);
    put("journal_file", "marks", &with_marks);
    // The documents' records, as redb and the journal hold them.
    let (head, start) = caja::store::ejournal::read_header(&journal).unwrap();
    let _ = head;
    let scan = caja::store::ejournal::scan_file(&journal, start);
    for (i, r) in scan.records.iter().enumerate().take(4) {
        put("store_records", &format!("doc-{i}"), &r.body);
    }
    put("store_records", "empty", b"");
    // Documents on the wire: what a pull applies and a push stores.
    let s = caja::store::Store::open(dir).unwrap();
    let c = s.info().currency.clone();
    s.visit_from(1, |_, d| {
        let json = caja::sync::json::to_json(&d, &c);
        put(
            "push_docs",
            &d.doc.number,
            serde_json::to_string(&json).unwrap().as_bytes(),
        );
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    drop(s);
    put(
        "pull_docs",
        "product",
        br#"{"_id":"product:ARZ1K","_rev":"1-a","type":"product","sku":"ARZ1K","name":"Arroz 1 kg","barcodes":["7702001000066"],"price":"2900.00","tax_rate":"5","active":true}"#,
    );
    put(
        "pull_docs",
        "weighed",
        br#"{"_id":"product:PLA1K","type":"product","sku":"PLA1K","name":"Platano","barcodes":[],"price":"3200","tax_rate":"0","active":true,"sold_by":"weight","open_price":false}"#,
    );
    put(
        "pull_docs",
        "customer",
        br#"{"_id":"customer:NIT-900173769-1","type":"customer","doc_type":"NIT","doc_number":"900173769-1","name":"Tienda La Esquina","points":"120"}"#,
    );
    put(
        "pull_docs",
        "deleted",
        br#"{"_id":"product:X","_rev":"2-b","_deleted":true}"#,
    );
    // A page of _all_docs as a total or replace pull reads it: a customer, a product in the
    // hub's shape (an escaped quote in its name) and one the typed reader leaves to the slow
    // one (its price a number).
    put(
        "pull_docs",
        "page",
        include_bytes!("../fuzz/corpus/pull_docs/seed-page"),
    );
    // Requests to the hub, as a CouchDB client sends them.
    let auth = "Authorization: Basic RlYxOnBhc3N3b3JkMQ==";
    put("hub_request", "welcome", b"GET /\n\n");
    put(
        "hub_request",
        "revs-diff",
        format!("POST /caja-docs/_revs_diff\n{auth}\nContent-Type: application/json\n\n{{\"sale:FV1-000001\":[\"1-abc\"]}}").as_bytes(),
    );
    put(
        "hub_request",
        "changes",
        format!("GET /caja-catalog/_changes?since=0&limit=10\n{auth}\n\n").as_bytes(),
    );
    put(
        "hub_request",
        "bulk-docs",
        format!("POST /caja-docs/_bulk_docs\n{auth}\nContent-Type: application/json\n\n{{\"new_edits\":false,\"docs\":[{{\"_id\":\"sale:FV1-000001\",\"_rev\":\"1-a\",\"type\":\"sale\"}}]}}").as_bytes(),
    );
    put(
        "hub_request",
        "register",
        format!("PUT /caja-registers/register:FV1\n{auth}\n\n{{\"machine_id\":\"x\",\"queue\":0}}")
            .as_bytes(),
    );
    // What a CouchDB replicator asks first: a checkpoint, HEAD, ids, a revision, now.
    for (n, r) in [
        (
            "local-put",
            format!(
                "PUT /caja-docs/_local/7a1f\n{auth}\nContent-Type: application/json\n\n{{\"_rev\":\"0-1\",\"history\":[]}}"
            ),
        ),
        (
            "head",
            format!("HEAD /caja-docs/sale:FV1-000001\n{auth}\n\n"),
        ),
        ("uuids", format!("GET /_uuids?count=tres\n{auth}\n\n")),
        (
            "rev",
            format!("GET /caja-catalog/product:X?rev=1-ff\n{auth}\n\n"),
        ),
        (
            "since-now",
            format!("GET /caja-catalog/_changes?since=now\n{auth}\n\n"),
        ),
    ] {
        put("hub_request", n, r.as_bytes());
    }
    put("escpos_status", "ready", &[0x12, 0x12, 0x12]);
    put("escpos_status", "paper-out", &[0x1A, 0x32, 0x72]);
    put("escpos_status", "cover", &[0x1A, 0x16, 0x12]);
    for (n, s) in [
        ("cop", "18.500"),
        ("mxn", "1,234.50"),
        ("qty", "0,375"),
        ("percent", "10%"),
        ("ticket", "T2.000"),
        ("challenge", "123 456 789"),
        ("negative", "-5"),
    ] {
        put("typed_input", n, s.as_bytes());
    }
    for (n, s) in [
        ("weight", "2000123003757"),
        ("price", "2100123112500"),
        ("bad-check", "2000123003755"),
        ("product", "7702001000066"),
    ] {
        put("scale_labels", n, s.as_bytes());
    }
    for (n, s) in [
        ("spaced", "123 456 789"),
        ("plain", "123456789"),
        ("short", "12"),
    ] {
        put("token_answer", n, s.as_bytes());
    }
    for (n, s) in [
        ("catalog", "catalog\n"),
        ("customers", "customers\r\n"),
        ("backup", "backup\t3\t/media/usb\n"),
        ("backup-tab", "backup\t1\t/media/usb\tcon tab\n"),
        ("backup-bad-keep", "backup\tx\t/media/usb\n"),
    ] {
        put("control_line", n, s.as_bytes());
    }
    // A real backup, and the same cut short.
    let stick = tempfile::tempdir().unwrap();
    assert!(
        run(&[
            "backup",
            "--data-dir",
            d,
            "--to",
            stick.path().to_str().unwrap()
        ])
        .status
        .success()
    );
    let backup = std::fs::read_dir(stick.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "redb"))
        .unwrap();
    let b = std::fs::read(backup).unwrap();
    put("backup_file", "whole", &b);
    put("backup_file", "cut", &b[..b.len() / 3]);
    put("backup_file", "not-redb", b"caja backup?");
}
