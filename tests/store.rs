//! The store against real redb files: numbering, chain, refunds, dates, catalog, users, and
//! refusing damaged or newer files without touching them.

use crate::common::*;
use caja::domain::document::{CashDirection, CashMoveBody, DocBody, SaleBody};
use caja::domain::money::Money;
use caja::domain::numbering::{AuthorizedRange, DocKind};
use caja::domain::qty::Qty;
use caja::domain::refund::{RefundError, ReturnedLine};
use caja::domain::tender::Tender;
use caja::domain::ticket::TicketLine;
use caja::store::Commit;
use caja::store::catalog::ApplyMode;
use caja::store::check::check_dir;
use caja::store::users::Login;
use caja::store::{Store, StoreError};
use chrono::NaiveDate;
use redb::ReadableTable;

fn sale(store: &Store, skus: &[(&str, i64)]) -> DocBody {
    let lines: Vec<TicketLine> = skus
        .iter()
        .map(|(sku, milli)| {
            let p = store.product(sku).unwrap().unwrap();
            TicketLine {
                sku: p.sku,
                name: p.name,
                qty: Qty::from_milli(*milli),
                unit_price: p.price,
                tax_rate: p.tax_rate,
                discount: None,
            }
        })
        .collect();
    let info = store.info();
    DocBody::Sale(
        SaleBody::build(
            &lines,
            None,
            vec![Tender::cash(Money::from_minor(1_000_000))],
            true,
            &info.currency,
        )
        .unwrap(),
    )
}

#[test]
fn documents_are_numbered_per_type_without_gaps_and_found_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    let mut numbers = Vec::new();
    for i in 0..40 {
        let body = if i % 7 == 3 {
            DocBody::CashMove(
                CashMoveBody::new(
                    CashDirection::Out,
                    Money::from_minor(5_000),
                    "change for the float",
                )
                .unwrap(),
            )
        } else {
            sale(&s, &[("ARZ500", 1000), ("LEC1L", 2000)])
        };
        numbers.push(s.commit(&header(22, i), body).unwrap().number);
    }
    assert_eq!(numbers[0], "FV1-000001");
    assert_eq!(numbers[3], "FV1-MC-000001");
    assert_eq!(numbers[4], "FV1-000004");
    assert_eq!(numbers[39], "FV1-000034");
    drop(s);
    let s = Store::open(dir.path()).unwrap();
    for (i, n) in numbers.iter().enumerate() {
        let (seq, d) = s
            .view()
            .unwrap()
            .doc_by_number(n)
            .unwrap()
            .unwrap_or_else(|| panic!("{n} not found"));
        assert_eq!((seq, d.doc.number.as_str()), (i as u64 + 1, n.as_str()));
    }
    assert!(!holds(&s, "FV1-000035"));
    assert!(!holds(&s, "FV2-000001"));
    assert_eq!(s.view().unwrap().outbox_len().unwrap(), 40);
    s.acknowledge_through(10).unwrap();
    assert_eq!(s.view().unwrap().outbox_len().unwrap(), 30);
    s.acknowledge_through(5).unwrap();
    assert_eq!(
        s.view().unwrap().outbox_len().unwrap(),
        30,
        "a late acknowledgement never re-queues"
    );
    // Each commit answers the outbox after it, as a later count does.
    let c = s
        .commit(&header(22, 50), sale(&s, &[("ARZ500", 1000)]))
        .unwrap();
    assert_eq!((c.seq, c.outbox), (41, 31));
    let c = s
        .commit(
            &header(22, 51),
            Commit::from(sale(&s, &[("ARZ500", 1000)])).printed(),
        )
        .unwrap();
    assert_eq!(
        (c.outbox, s.view().unwrap().outbox_len().unwrap()),
        (32, 32)
    );
    assert_eq!(
        s.print_jobs().unwrap().len(),
        1,
        "the printed commit queued its receipt"
    );
    // A view reads one moment: a commit made while it is open is seen by the next view.
    let before = s.view().unwrap();
    let c = s
        .commit(&header(22, 51), sale(&s, &[("ARZ500", 1000)]))
        .unwrap();
    assert_eq!(before.outbox_len().unwrap(), 32);
    assert_eq!(before.last_doc().unwrap().unwrap().0, c.seq - 1);
    assert!(before.doc(c.seq).unwrap().is_none());
    drop(before);
    let now = s.view().unwrap();
    assert_eq!(
        (now.outbox_len().unwrap(), now.push_cursor().unwrap()),
        (33, 10)
    );
    assert_eq!(now.doc_by_number(&c.number).unwrap().unwrap().0, c.seq);
    drop(now);
    // A batch: one transaction, the first document answered with the count and the outbox.
    let batch = (0..3).map(|_| sale(&s, &[("ARZ500", 1000)]));
    let c = s.commit(&header(22, 52), Commit::docs(batch)).unwrap();
    assert_eq!((c.seq, c.documents, c.outbox), (44, 3, 36));
    assert_eq!(
        s.print_jobs().unwrap().len(),
        1,
        "a batch queues no receipt"
    );
    let e = s
        .commit(&header(22, 53), Commit::docs(Vec::new()))
        .unwrap_err();
    assert!(e.to_string().contains("nothing to commit"), "{e}");
    assert_eq!(
        s.view().unwrap().last_doc().unwrap().unwrap().0,
        46,
        "nothing written"
    );
    drop(s);
    let r = check_dir(dir.path(), |_| {}).unwrap();
    assert!(r.ok(), "{:?}", r.problems);
    assert_eq!(r.documents, 46);
}

#[test]
fn business_dates_never_go_back() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    s.commit(&header(22, 0), sale(&s, &[("PAN500", 1000)]))
        .unwrap();
    let e = s
        .commit(&header(21, 0), sale(&s, &[("PAN500", 1000)]))
        .unwrap_err();
    assert!(matches!(e, StoreError::DateBackwards { .. }), "{e}");
    let c = s
        .commit(&header(23, 0), sale(&s, &[("PAN500", 1000)]))
        .unwrap();
    assert_eq!(c.number, "FV1-000002", "a refused document takes no number");
}

#[test]
fn refund_cannot_exceed_what_was_sold_across_refunds() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    let sold = s
        .commit(
            &header(22, 0),
            sale(&s, &[("HUE30", 2000), ("GAS350", 3000)]),
        )
        .unwrap();
    let r1 = s
        .commit(
            &header(22, 5),
            Commit::refund(
                &sold.number,
                &[ReturnedLine {
                    line: 1,
                    qty: Qty::from_milli(2000),
                }],
                "broken bottles",
                vec![],
                &Default::default(),
            )
            .printed(),
        )
        .unwrap();
    assert_eq!(r1.number, "FV1-DV-000001");
    let e = s
        .commit(
            &header(22, 6),
            Commit::refund(
                &sold.number,
                &[ReturnedLine {
                    line: 1,
                    qty: Qty::from_milli(2000),
                }],
                "again",
                vec![],
                &Default::default(),
            )
            .printed(),
        )
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Refund(RefundError::Exceeds { line: 1, .. })),
        "{e}"
    );
    s.commit(
        &header(22, 7),
        Commit::refund(
            &sold.number,
            &[
                ReturnedLine {
                    line: 1,
                    qty: Qty::from_milli(1000),
                },
                ReturnedLine {
                    line: 0,
                    qty: Qty::from_milli(2000),
                },
            ],
            "all back",
            vec![],
            &Default::default(),
        )
        .printed(),
    )
    .unwrap();
    let DocBody::Refund(r) = body_of(&s, "FV1-DV-000002") else {
        panic!("not a refund")
    };
    // 2 x 18.500 + 1 x 2.500.
    assert_eq!(r.total, Money::from_minor(39_500));
    assert!(matches!(
        refund_one(&s, &header(22, 8), "FV1-000099"),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        refund_one(&s, &header(22, 8), "FV1-DV-000001"),
        Err(StoreError::NotASale(_))
    ));
    drop(s);
    let r = check_dir(dir.path(), |_| {}).unwrap();
    assert!(r.ok(), "{:?}", r.problems);
}

#[test]
fn authorized_range_warns_near_the_end_and_refuses_past_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    s.commit(&header(22, 0), sale(&s, &[("SAL1K", 1000)]))
        .unwrap();
    let range = AuthorizedRange {
        from: 501,
        to: 503,
        valid_until: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        warn_remaining: 1,
    };
    s.set_authorized_range(DocKind::Sale, Some(range)).unwrap();
    drop(s);
    let s = Store::open(dir.path()).unwrap();
    let a = s
        .commit(&header(22, 1), sale(&s, &[("SAL1K", 1000)]))
        .unwrap();
    assert_eq!((a.number.as_str(), a.numbers_left), ("FV1-000501", None));
    let b = s
        .commit(&header(22, 2), sale(&s, &[("SAL1K", 1000)]))
        .unwrap();
    assert_eq!(b.numbers_left, Some(1));
    s.commit(&header(22, 3), sale(&s, &[("SAL1K", 1000)]))
        .unwrap();
    let e = s
        .commit(&header(22, 4), sale(&s, &[("SAL1K", 1000)]))
        .unwrap_err();
    assert!(e.to_string().contains("past the authorized range"), "{e}");
    drop(s);
    let r = check_dir(dir.path(), |_| {}).unwrap();
    assert!(
        r.ok(),
        "a jump to a newly authorized range is not a gap: {:?}",
        r.problems
    );
}

#[test]
fn a_bad_catalog_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    let before = s.catalog_len().unwrap();
    let mut p = s.product("ARZ500").unwrap().unwrap();
    p.sku = "NEW1".into();
    // Its barcode still belongs to ARZ500: the whole apply is refused.
    let mut ok = s.product("PAN500").unwrap().unwrap();
    ok.name = "Pan integral 500 g".into();
    let e = s.apply_catalog(&[ok, p], ApplyMode::Upsert).unwrap_err();
    assert!(matches!(e, StoreError::BarcodeTaken { .. }), "{e}");
    assert_eq!(s.catalog_len().unwrap(), before);
    assert_eq!(
        s.product("PAN500").unwrap().unwrap().name,
        "Pan tajado 500 g"
    );
    assert!(s.product("NEW1").unwrap().is_none());
}

#[test]
fn scan_search_and_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    assert_eq!(
        s.lookup_code("7702001000035").unwrap().unwrap().sku,
        "AZU1K"
    );
    assert_eq!(
        s.lookup_code("azu1k").unwrap().map(|p| p.sku).as_deref(),
        Some("AZU1K"),
        "a SKU typed in lowercase finds its product"
    );
    assert_eq!(s.lookup_code(" AZU1K ").unwrap().unwrap().sku, "AZU1K");
    for garbage in [
        "",
        "\u{1b}[A",
        "77020010000351234567890123456789012345678901",
        "ñ",
    ] {
        assert!(s.lookup_code(garbage).unwrap().is_none());
    }
    let hits: Vec<String> = s
        .search("azucar", 10)
        .unwrap()
        .into_iter()
        .map(|p| p.sku)
        .collect();
    assert_eq!(hits, vec!["AZU1K"]);
    let hits: Vec<String> = s
        .search("arr 1", 10)
        .unwrap()
        .into_iter()
        .map(|p| p.sku)
        .collect();
    assert_eq!(hits, vec!["ARZ1K"]);
    assert_eq!(s.search("arroz", 10).unwrap().len(), 2);
    assert!(s.search("  ", 10).unwrap().is_empty());
    // Replace: what is not in the new catalog is gone, and so is its barcode.
    let keep = vec![s.product("AZU1K").unwrap().unwrap()];
    let r = s.apply_catalog(&keep, ApplyMode::Replace).unwrap();
    assert_eq!((r.total, r.removed), (1, 37));
    assert!(s.lookup_code("7702001000011").unwrap().is_none());
    assert!(s.search("arroz", 10).unwrap().is_empty());
}

#[test]
fn five_wrong_pins_lock_the_user_until_a_supervisor_unlocks() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    s.add_user("luis", caja::domain::user::Role::Cashier, "4321")
        .unwrap();
    assert!(matches!(s.login("luis", "4321").unwrap(), Login::Ok(_)));
    for left in (1..5).rev() {
        assert_eq!(
            s.login("luis", "0000").unwrap(),
            Login::WrongPin { tries_left: left }
        );
    }
    assert_eq!(s.login("luis", "0000").unwrap(), Login::Locked);
    assert_eq!(
        s.login("luis", "4321").unwrap(),
        Login::Locked,
        "the right PIN does not unlock"
    );
    s.unlock_user("luis").unwrap();
    assert!(matches!(s.login("luis", "4321").unwrap(), Login::Ok(_)));
    assert_eq!(s.login("nadie", "4321").unwrap(), Login::Unknown);
    assert!(matches!(
        s.add_user("luis", caja::domain::user::Role::Cashier, "4321"),
        Err(StoreError::UserExists(_))
    ));
}

#[test]
fn a_second_store_in_the_same_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    assert!(matches!(
        Store::create(dir.path(), params("COP")),
        Err(StoreError::AlreadyExists(_))
    ));
    let _open = Store::open(dir.path()).unwrap();
    assert!(matches!(Store::open(dir.path()), Err(StoreError::InUse(_))));
}

#[test]
fn a_newer_schema_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    let path = dir.path().join("caja.redb");
    {
        let db = redb::Database::open(&path).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(caja::store::tables::META)
            .unwrap()
            .insert("schema_version", 99u32.to_le_bytes().as_slice())
            .unwrap();
        tx.commit().unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let e = Store::open(dir.path()).err().expect("must refuse");
    assert!(e.to_string().contains("newer caja"), "{e}");
    assert!(
        std::fs::read(&path).unwrap() == before,
        "the refused file was modified"
    );
}

#[test]
fn garbage_in_place_of_the_store_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("caja.redb");
    std::fs::write(&path, b"this is not a store").unwrap();
    let e = Store::open(dir.path()).err().expect("must refuse");
    assert!(matches!(e, StoreError::NotAStore(_)), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), b"this is not a store");
    assert!(matches!(
        Store::open(&dir.path().join("none")),
        Err(StoreError::NotInitialized(_))
    ));
}

#[test]
fn check_finds_an_edited_and_a_deleted_document() {
    use caja::store::codec::{DocRecord, decode, encode};
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    for i in 0..5 {
        s.commit(&header(22, i), sale(&s, &[("CAF250", 1000)]))
            .unwrap();
    }
    drop(s);
    let path = dir.path().join("caja.redb");
    {
        let db = redb::Database::open(&path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(caja::store::tables::DOCS).unwrap();
            let bytes = t.get(2).unwrap().unwrap().value().to_vec();
            let DocRecord::V1(mut d) = decode::<DocRecord>(&bytes, "doc").unwrap();
            if let DocBody::Sale(s) = &mut d.doc.body {
                s.total = Money::from_minor(1);
            }
            t.insert(2, encode(&DocRecord::V1(d)).unwrap().as_slice())
                .unwrap();
            t.remove(4).unwrap();
        }
        tx.commit().unwrap();
    }
    let r = check_dir(dir.path(), |_| {}).unwrap();
    let all = r
        .problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        all.contains("FV1-000002: content does not match its hash"),
        "{all}"
    );
    assert!(
        all.contains("FV1-000002: the stored figures do not match"),
        "{all}"
    );
    assert!(all.contains("document #4 is missing"), "{all}");
    assert!(
        r.problems
            .contains(&caja::store::check::Problem::Gap { from: 4, to: 4 }),
        "{all}"
    );
    assert!(all.contains("FV1-000005: does not follow"), "{all}");
}

#[test]
fn check_reports_a_damaged_document_page_without_writing_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    for i in 0..300 {
        s.commit(
            &header(22, i),
            sale(&s, &[("CAF250", 1000), ("JUG1L", 2000)]),
        )
        .unwrap();
    }
    drop(s);
    let path = dir.path().join("caja.redb");
    let mut bytes = std::fs::read(&path).unwrap();
    // Damage every page that holds a document of this store.
    let needle = b"JUG1L";
    let mut hits = 0;
    let mut i = 0;
    while i + needle.len() < bytes.len() {
        if &bytes[i..i + needle.len()] == needle {
            bytes[i] ^= 0xFF;
            hits += 1;
        }
        i += 1;
    }
    assert!(hits > 0);
    std::fs::write(&path, &bytes).unwrap();
    let outcome = check_dir(dir.path(), |_| {});
    let ok = matches!(&outcome, Ok(r) if r.ok());
    assert!(!ok, "damage went unnoticed");
    assert!(
        std::fs::read(&path).unwrap() == bytes,
        "a refused store was written to"
    );
}

#[test]
fn a_schema_1_store_gets_its_smaller_name_index_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    // Turn it back into schema 1: the old index, whose value repeats the folded name.
    {
        let db = redb::Database::create(dir.path().join("caja.redb")).unwrap();
        let tx = db.begin_write().unwrap();
        let words: Vec<String> = {
            let t = tx.open_table(caja::store::tables::NAME_WORDS).unwrap();
            t.iter()
                .unwrap()
                .map(|r| r.unwrap().0.value().to_string())
                .collect()
        };
        assert!(!words.is_empty());
        tx.delete_table(caja::store::tables::NAME_WORDS).unwrap();
        {
            let mut old = tx.open_table(caja::store::tables::NAME_WORDS_V1).unwrap();
            for w in &words {
                old.insert(w.as_str(), "a folded name").unwrap();
            }
            let mut meta = tx.open_table(caja::store::tables::META).unwrap();
            meta.insert("schema_version", 1u32.to_le_bytes().as_slice())
                .unwrap();
        }
        tx.commit().unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let found = store.search("arroz", 10).unwrap();
    assert!(!found.is_empty(), "the index was rebuilt from the products");
    let two = store.search("arr 500", 10).unwrap();
    assert!(
        two.iter().all(|p| p.name.to_lowercase().contains("500")),
        "{two:?}"
    );
    drop(store);
    let db = redb::Database::open(dir.path().join("caja.redb")).unwrap();
    let tx = redb::ReadableDatabase::begin_read(&db).unwrap();
    let meta = tx.open_table(caja::store::tables::META).unwrap();
    let v = meta.get("schema_version").unwrap().unwrap();
    assert_eq!(v.value(), 2u32.to_le_bytes().as_slice());
    assert!(matches!(
        tx.open_table(caja::store::tables::NAME_WORDS_V1),
        Err(redb::TableError::TableDoesNotExist(_))
    ));
}

/// The pull history is typed; lines written as text before it was still read, oldest first,
/// and each entry reads in the register's language.
#[test]
fn the_pull_history_reads_old_lines_and_typed_entries() {
    use caja::i18n::Language;
    use caja::store::history::PullEntry;
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    drop(s);
    let old = "2026-11-20T09:00:00Z partial ok: 3 products, 0 removed";
    {
        let db = redb::Database::open(dir.path().join("caja.redb")).unwrap();
        let tx = db.begin_write().unwrap();
        tx.open_table(caja::store::tables::PULL_HISTORY)
            .unwrap()
            .insert(1, old)
            .unwrap();
        tx.commit().unwrap();
    }
    let s = Store::open(dir.path()).unwrap();
    let failed = PullEntry::Failed {
        at: "2026-11-22T09:00:00-05:00".into(),
        mode: "total".into(),
        why: caja::store::history::Worded {
            es: "no se puede llegar a http://hub".into(),
            en: "cannot reach http://hub".into(),
        },
    };
    s.record_pull_failure(&failed).unwrap();
    let h = s.pull_history().unwrap();
    assert_eq!(h, vec![PullEntry::Text(old.into()), failed]);
    assert_eq!(
        h[1].words(Language::Es),
        "2026-11-22 09:00 total falló: no se puede llegar a http://hub"
    );
    // A backup carries it.
    let usb = tempfile::tempdir().unwrap();
    let done = s
        .backup_to(usb.path(), chrono::Local::now().fixed_offset(), 3)
        .unwrap();
    drop(s);
    let fresh = tempfile::tempdir().unwrap();
    caja::store::backup::restore(
        fresh.path(),
        &done.path,
        chrono::Local::now().fixed_offset(),
        false,
    )
    .unwrap();
    let r = Store::open(fresh.path()).unwrap();
    assert_eq!(r.pull_history().unwrap(), h);
}

/// A long pull's changes (products put, renamed, given new barcodes, removed, put again, a
/// barcode moving from one product to another) leave the products, the barcode index and the
/// name index exactly as applying each change in order would: the name index is written in
/// sorted batches and the product write hands back the version it replaces, so this holds
/// them to a model.
#[test]
fn a_pull_leaves_the_catalog_and_its_indexes_as_its_changes_in_order() {
    use caja::domain::catalog::{Product, search_words};
    use caja::store::history::PullEntry;
    use std::collections::{BTreeMap, BTreeSet};
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let mut model: BTreeMap<String, Product> = BTreeMap::new();
    for sku in ["ARZ500", "PAN500"] {
        model.insert(sku.into(), store.product(sku).unwrap().unwrap());
    }
    let vocabulary = [
        "arroz", "leche", "pan", "queso", "producto", "de", "prueba", "agua", "café", "azúcar",
    ];
    let mut rng = caja::dev::bench::Rng::new(11);
    let mut version = 0u64;
    let mut every_barcode = BTreeSet::new();
    let template = store.product("ARZ500").unwrap().unwrap();
    for round in 0..3 {
        let mut spool = store.pull_spool().unwrap();
        // The first round moves ARZ500's barcode to a new product, and gives ARZ500 another.
        if round == 0 {
            let moved = template.barcodes[0].clone();
            let mut taker = template.clone();
            taker.sku = "TAKER".into();
            taker.barcodes = vec![moved];
            let mut arz = template.clone();
            arz.barcodes = vec!["7799000000001".into()];
            every_barcode.extend(arz.barcodes.iter().chain(&taker.barcodes).cloned());
            for p in [taker, arz] {
                spool.put(&p).unwrap();
                model.insert(p.sku.clone(), p);
            }
        }
        for _ in 0..4_000 {
            let sku = format!("S{:03}", rng.below(300));
            if rng.below(5) == 0 {
                spool.remove(&sku).unwrap();
                model.remove(&sku);
                continue;
            }
            version += 1;
            let words: Vec<&str> = (0..1 + rng.below(3))
                .map(|_| vocabulary[rng.below(vocabulary.len() as u64) as usize])
                .collect();
            let mut p = template.clone();
            p.sku = sku.clone();
            p.name = format!("{} {version}", words.join(" "));
            p.barcodes = (0..rng.below(3))
                .map(|i| format!("{:012}{i}", version))
                .collect();
            every_barcode.extend(p.barcodes.iter().cloned());
            spool.put(&p).unwrap();
            model.insert(sku, p);
        }
        let entry = PullEntry::Imported {
            at: "2026-12-07T09:00:00-05:00".into(),
            file: format!("round {round}"),
            rows: 0,
        };
        store
            .import_spool(spool, ApplyMode::Upsert, &entry)
            .unwrap();
    }
    // The products of the model, and nothing else of theirs.
    let demo_left = store.catalog_len().unwrap() - model.len() as u64;
    for (sku, p) in &model {
        assert_eq!(store.product(sku).unwrap().as_ref(), Some(p), "{sku}");
    }
    for n in 0..300 {
        let sku = format!("S{n:03}");
        assert_eq!(
            store.product(&sku).unwrap().is_some(),
            model.contains_key(&sku)
        );
    }
    // Every barcode ever given finds the product holding it now, or nothing.
    let holder: BTreeMap<&String, &String> = model
        .values()
        .flat_map(|p| p.barcodes.iter().map(move |b| (b, &p.sku)))
        .collect();
    for b in &every_barcode {
        let found = store.lookup_code(b).unwrap().map(|p| p.sku);
        assert_eq!(found.as_ref(), holder.get(b).copied(), "barcode {b}");
    }
    drop(store);
    // The name index holds each word of each product's name now, and no other word of theirs.
    let db = redb::Database::open(dir.path().join("caja.redb")).unwrap();
    let tx = redb::ReadableDatabase::begin_read(&db).unwrap();
    let t = tx.open_table(caja::store::tables::NAME_WORDS).unwrap();
    let indexed: BTreeSet<String> = t
        .iter()
        .unwrap()
        .map(|r| r.unwrap().0.value().to_string())
        .filter(|k| {
            let sku = k.split('\u{0}').nth(1).unwrap_or("");
            model.contains_key(sku) || sku.starts_with('S') && sku.len() == 4
        })
        .collect();
    let want: BTreeSet<String> = model
        .values()
        .flat_map(|p| {
            search_words(&p.name)
                .into_iter()
                .map(move |w| format!("{w}\u{0}{}", p.sku))
        })
        .collect();
    assert_eq!(indexed, want);
    assert!(demo_left > 0);
}
