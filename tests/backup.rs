//! Backups taken while sales are being committed hold exactly the documents committed before
//! they began and restore to a store that passes `caja check`; a damaged or foreign backup is
//! refused and the current store is left unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use caja::store::Store;
use caja::store::backup::verify_file;
use chrono::TimeZone;
use common::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

fn only_backup(dir: &std::path::Path) -> std::path::PathBuf {
    let v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "redb"))
        .collect();
    assert_eq!(v.len(), 1, "{v:?}");
    v[0].clone()
}

#[test]
fn a_backup_during_sales_holds_exactly_what_was_committed_before_it_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let store = Arc::new(demo_store(dir.path()));
    let products: Vec<_> = ["CAF250", "HUE30", "SAL1K"]
        .iter()
        .map(|s| store.product(s).unwrap().unwrap())
        .collect();
    let selling = Arc::new(AtomicBool::new(true));
    let seller = {
        let (store, selling, products) = (store.clone(), selling.clone(), products.clone());
        std::thread::spawn(move || {
            let mut i = 0;
            while selling.load(Ordering::SeqCst) || i < 40 {
                let body = caja::soak::soak_ticket(&store, &products, i).unwrap();
                store.commit(&header(22, 0), body).unwrap();
                i += 1;
            }
            i
        })
    };
    while store.last_doc().unwrap().map_or(0, |(s, _)| s) < 20 {
        std::thread::yield_now();
    }
    let before = store.last_doc().unwrap().unwrap().0;
    let done = store.backup_to(usb.path(), now(), 7).unwrap();
    let after = store.last_doc().unwrap().unwrap().0;
    selling.store(false, Ordering::SeqCst);
    let sold = seller.join().unwrap();
    assert!(
        done.documents >= before && done.documents <= after,
        "{before} <= {} <= {after}",
        done.documents
    );
    assert!(
        sold as u64 > done.documents,
        "sales went on during the backup"
    );

    // The backup is the chain up to the moment it began: same documents, same hashes, no more.
    let report = verify_file(&done.path, Some(&store.info().store_id)).unwrap();
    assert!(
        report.ok() && report.documents == done.documents,
        "{:?}",
        report.problems
    );
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(&done.path, copy.path().join("caja.redb")).unwrap();
    let restored = Store::open(copy.path()).unwrap();
    let (last, d) = restored.last_doc().unwrap().unwrap();
    assert_eq!(last, done.documents);
    assert_eq!(d.hash, store.doc(last).unwrap().unwrap().hash);
    drop(restored);

    // Restore through the command, with the register closed.
    let total = store.last_doc().unwrap().unwrap().0;
    drop(store);
    let o = run(&[
        "restore",
        "--data-dir",
        dir.path().to_str().unwrap(),
        done.path.to_str().unwrap(),
        "--yes",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["check", "--data-dir", dir.path().to_str().unwrap()]);
    assert!(
        o.status.success() && text(&o).contains(&format!("{} documents", done.documents)),
        "{}",
        text(&o)
    );
    // The store as it was before the restore is kept, whole.
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("before-restore"))
        .unwrap();
    assert_eq!(verify_file(&kept, None).unwrap().documents, total);
}

#[test]
fn a_damaged_or_foreign_backup_is_refused_and_the_store_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let d = dir.path().to_str().unwrap();
    assert!(
        run(&["soak", "--data-dir", d, "--count", "300"])
            .status
            .success()
    );
    let o = run(&[
        "backup",
        "--data-dir",
        d,
        "--to",
        usb.path().to_str().unwrap(),
    ]);
    assert!(
        o.status.success() && text(&o).contains("backup verified"),
        "{}",
        text(&o)
    );
    let backup = only_backup(usb.path());
    assert!(
        run(&["soak", "--data-dir", d, "--count", "5"])
            .status
            .success()
    );
    let current = std::fs::read(dir.path().join("caja.redb")).unwrap();

    // Bytes flipped in the middle.
    let mut bytes = std::fs::read(&backup).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 8192] {
        *b ^= 0x5A;
    }
    let damaged = usb.path().join("damaged.redb");
    std::fs::write(&damaged, &bytes).unwrap();
    let o = run(&[
        "restore",
        "--data-dir",
        d,
        damaged.to_str().unwrap(),
        "--yes",
    ]);
    assert!(
        !o.status.success(),
        "a damaged backup was restored: {}",
        text(&o)
    );
    assert!(!text(&o).contains("panicked"), "{}", text(&o));
    assert!(
        std::fs::read(dir.path().join("caja.redb")).unwrap() == current,
        "the current store changed"
    );
    assert!(!dir.path().join("caja.redb.restoring").exists());

    // Another store's backup.
    let other = tempfile::tempdir().unwrap();
    init_cli(other.path());
    let usb2 = tempfile::tempdir().unwrap();
    assert!(
        run(&[
            "backup",
            "--data-dir",
            other.path().to_str().unwrap(),
            "--to",
            usb2.path().to_str().unwrap()
        ])
        .status
        .success()
    );
    let o = run(&[
        "restore",
        "--data-dir",
        d,
        only_backup(usb2.path()).to_str().unwrap(),
        "--yes",
    ]);
    assert!(
        !o.status.success() && text(&o).contains("another store"),
        "{}",
        text(&o)
    );
    assert!(
        std::fs::read(dir.path().join("caja.redb")).unwrap() == current,
        "the current store changed"
    );

    // Without --yes and without a terminal to ask on, nothing happens.
    let o = run(&["restore", "--data-dir", d, backup.to_str().unwrap()]);
    assert!(
        !o.status.success() && text(&o).contains("--yes"),
        "{}",
        text(&o)
    );
}

#[test]
fn only_the_newest_backups_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    for minute in 0..5 {
        let at = chrono::FixedOffset::west_opt(5 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 22, 20, minute, 0)
            .unwrap();
        store.backup_to(usb.path(), at, 3).unwrap();
    }
    let mut names: Vec<String> = std::fs::read_dir(usb.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "caja-tienda-uno-FV1-20261122-200200.redb",
            "caja-tienda-uno-FV1-20261122-200300.redb",
            "caja-tienda-uno-FV1-20261122-200400.redb"
        ]
    );
}
