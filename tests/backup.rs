//! Backups taken while sales are being committed hold exactly the documents committed before
//! they began and restore to a store that passes `caja check`; a damaged or foreign backup is
//! refused and the current store is left unchanged.

use crate::common::*;
use caja::store::Store;
use caja::store::backup::verify_file;
use chrono::TimeZone;
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
                let body = caja::dev::soak::soak_ticket(&store, &products, i).unwrap();
                store.commit(&header(22, 0), body).unwrap();
                i += 1;
            }
            i
        })
    };
    while store
        .view()
        .unwrap()
        .last_doc()
        .unwrap()
        .map_or(0, |(s, _)| s)
        < 20
    {
        std::thread::yield_now();
    }
    let before = store.view().unwrap().last_doc().unwrap().unwrap().0;
    let done = store.backup_to(usb.path(), now(), 7).unwrap();
    let after = store.view().unwrap().last_doc().unwrap().unwrap().0;
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
    // (Checked on a copy: redb's page check opens a file for writing, and the backup's
    // whole-file checksum would then rightly refuse it.)
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(&done.path, copy.path().join("caja.redb")).unwrap();
    let report = verify_file(&copy.path().join("caja.redb"), Some(&store.info().store_id)).unwrap();
    assert!(
        report.ok() && report.documents == done.documents,
        "{:?}",
        report.problems
    );
    std::fs::copy(&done.path, copy.path().join("caja.redb")).unwrap();
    let restored = Store::open(copy.path()).unwrap();
    let (last, d) = restored.view().unwrap().last_doc().unwrap().unwrap();
    assert_eq!(last, done.documents);
    assert_eq!(
        d.hash,
        store.view().unwrap().doc(last).unwrap().unwrap().hash
    );
    drop(restored);

    // Restore through the command, with the register closed.
    let total = store.view().unwrap().last_doc().unwrap().unwrap().0;
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
        o.status.success() && text(&o).contains(&format!("{} documentos", done.documents)),
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
        o.status.success() && text(&o).contains("copia verificada"),
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
        !o.status.success() && text(&o).contains("es de otra tienda"),
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
            "caja-tienda-uno-FV1-20261122-200200.redb.sha256",
            "caja-tienda-uno-FV1-20261122-200300.redb",
            "caja-tienda-uno-FV1-20261122-200300.redb.sha256",
            "caja-tienda-uno-FV1-20261122-200400.redb",
            "caja-tienda-uno-FV1-20261122-200400.redb.sha256"
        ]
    );
}

#[test]
fn two_backups_in_one_second_keep_both() {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let at = chrono::FixedOffset::west_opt(5 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 11, 22, 20, 0, 0)
        .unwrap();
    let a = store.backup_to(usb.path(), at, 5).unwrap();
    let b = store.backup_to(usb.path(), at, 5).unwrap();
    assert_ne!(a.path, b.path);
    assert!(a.path.exists() && b.path.exists());
    assert!(
        b.path
            .ends_with("caja-tienda-uno-FV1-20261122-200000-2.redb")
    );
    // keep 1: the one just made stays, the other goes.
    let c = store.backup_to(usb.path(), at, 1).unwrap();
    assert!(c.path.exists() && !a.path.exists() && !b.path.exists());
}

fn backup_cli(dir: &std::path::Path, usb: &std::path::Path, keep: &str) -> String {
    let o = run(&[
        "backup",
        "--data-dir",
        dir.to_str().unwrap(),
        "--to",
        usb.to_str().unwrap(),
        "--keep",
        keep,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

fn redb_files(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".redb"))
        .collect();
    v.sort();
    v
}

#[test]
fn pruning_keeps_each_stores_backups_and_never_the_one_just_made() {
    // "Tienda Centro" and "Tienda Sur" share a first word and a register code.
    let (centro, sur, usb) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    init_named(centro.path(), "Tienda Centro");
    init_named(sur.path(), "Tienda Sur");
    backup_cli(sur.path(), usb.path(), "1");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    backup_cli(centro.path(), usb.path(), "1");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    backup_cli(centro.path(), usb.path(), "1");
    let names = redb_files(usb.path());
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().any(|n| n.contains("tienda-sur")), "{names:?}");
    assert!(
        names.iter().any(|n| n.contains("tienda-centro")),
        "{names:?}"
    );
}

#[test]
fn a_changed_byte_anywhere_in_a_backup_is_refused() {
    let (dir, usb, target) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    init_named(dir.path(), "Tienda Uno");
    backup_cli(dir.path(), usb.path(), "7");
    let backup = only_backup(usb.path());
    let good = std::fs::read(&backup).unwrap();
    // Bytes in space no table uses still count: the last byte of the file, and a run in the
    // middle.
    for at in [good.len() - 1, good.len() / 2, 30_000.min(good.len() - 1)] {
        let mut bad = good.clone();
        bad[at] ^= 0x5A;
        std::fs::write(&backup, &bad).unwrap();
        let o = run(&[
            "restore",
            "--data-dir",
            target.path().to_str().unwrap(),
            backup.to_str().unwrap(),
            "--yes",
        ]);
        assert!(!o.status.success(), "offset {at}: {}", text(&o));
        assert!(
            text(&o).contains("cambió desde que se hizo"),
            "{}",
            text(&o)
        );
        assert!(!target.path().join("caja.redb").exists());
    }
}

#[test]
fn restore_into_a_new_directory_brings_the_store_and_its_configuration() {
    let (dir, usb, parent) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    init_named(dir.path(), "Tienda Uno");
    let cfg = std::fs::read_to_string(dir.path().join("caja.toml")).unwrap()
        + "\n# this shop's own line\n";
    std::fs::write(dir.path().join("caja.toml"), &cfg).unwrap();
    assert!(
        run(&[
            "soak",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--count",
            "20"
        ])
        .status
        .success()
    );
    backup_cli(dir.path(), usb.path(), "7");
    let backup = only_backup(usb.path());
    let fresh = parent.path().join("new/register");
    let o = run(&[
        "restore",
        "--data-dir",
        fresh.to_str().unwrap(),
        backup.to_str().unwrap(),
        "--yes",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("no tenía tienda"), "{}", text(&o));
    assert!(!text(&o).contains("queda como"), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(fresh.join("caja.toml")).unwrap(),
        cfg
    );
    let o = run(&["check", "--data-dir", fresh.to_str().unwrap()]);
    assert!(
        o.status.success() && text(&o).contains("20 documentos"),
        "{}",
        text(&o)
    );
    // Over an existing caja.toml, --yes keeps it and writes the backup's beside it.
    std::fs::write(fresh.join("caja.toml"), "language = \"en\"\n").unwrap();
    let o = run(&[
        "restore",
        "--data-dir",
        fresh.to_str().unwrap(),
        backup.to_str().unwrap(),
        "--yes",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(fresh.join("caja.toml")).unwrap(),
        "language = \"en\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(fresh.join("caja.toml.from-backup")).unwrap(),
        cfg
    );
}

#[test]
fn two_restores_in_one_second_keep_two_safety_copies() {
    let (dir, usb) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let store = demo_store(dir.path());
    let at = now();
    let done = store.backup_to(usb.path(), at, 7).unwrap();
    drop(store);
    let a = caja::store::backup::restore(dir.path(), &done.path, at, false).unwrap();
    let b = caja::store::backup::restore(dir.path(), &done.path, at, false).unwrap();
    assert_ne!(a.kept, b.kept);
    assert!(a.kept.unwrap().exists() && b.kept.unwrap().exists());
}

#[test]
fn a_foreign_backup_over_an_unreadable_store_needs_any_store() {
    let (mine, other, usb) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    init_named(mine.path(), "Tienda Uno");
    init_named(other.path(), "Tienda Dos");
    assert!(
        run(&[
            "soak",
            "--data-dir",
            mine.path().to_str().unwrap(),
            "--count",
            "5"
        ])
        .status
        .success()
    );
    backup_cli(other.path(), usb.path(), "7");
    let foreign = only_backup(usb.path());
    // The store is ruined; its journal still says whose it is, so the foreign one is refused.
    std::fs::write(mine.path().join("caja.redb"), vec![0u8; 64 * 1024]).unwrap();
    let args = |extra: &[&'static str]| {
        let mut v = vec![
            "restore".to_string(),
            "--data-dir".into(),
            mine.path().to_str().unwrap().into(),
            foreign.to_str().unwrap().into(),
            "--yes".into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let o = run(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("es de otra tienda"), "{}", text(&o));
    // Without a journal nothing says whose it was: only --any-store lets it in.
    std::fs::remove_dir_all(mine.path().join("journal")).unwrap();
    let o = run(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("--any-store"), "{}", text(&o));
    let o = run(&args(&["--any-store"])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn any_store_name_makes_a_backup_and_leftovers_are_cleared() {
    let (dir, usb) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let long = format!("Panadería {} Ñandú", "Muy Larga ".repeat(30));
    init_named(dir.path(), &long);
    std::fs::write(
        usb.path().join("caja-old-FV1-20200101-000000.redb.partial"),
        b"x",
    )
    .unwrap();
    backup_cli(dir.path(), usb.path(), "7");
    let names = redb_files(usb.path());
    assert_eq!(names.len(), 1);
    assert!(
        names[0].starts_with("caja-panaderia-muy-larga"),
        "{names:?}"
    );
    assert!(names[0].len() < 100, "{names:?}");
    assert!(
        !usb.path()
            .join("caja-old-FV1-20200101-000000.redb.partial")
            .exists()
    );
}

#[test]
fn the_registers_files_are_its_users_alone() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, usb) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let data = dir.path().join("caja");
    init_named(&data, "Tienda Uno");
    backup_cli(&data, usb.path(), "7");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("caja.redb")), 0o600);
    assert_eq!(mode(&data.join("caja.toml")), 0o600);
    assert_eq!(mode(&data.join("journal")), 0o700);
    for e in std::fs::read_dir(data.join("journal")).unwrap().flatten() {
        assert_eq!(mode(&e.path()), 0o600, "{:?}", e.path());
    }
    for e in std::fs::read_dir(usb.path()).unwrap().flatten() {
        assert_eq!(mode(&e.path()), 0o600, "{:?}", e.path());
    }
}
