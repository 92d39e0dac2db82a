//! A damaged flash card: for bytes flipped and 4 KiB pages zeroed all over a 1,000-sale store,
//! the register's open, `caja check`, `caja journal` and `caja rebuild` never panic nor speak
//! of an internal error, and after the rebuild every acknowledged sale is there, with the
//! damaged file kept aside, untouched.

use crate::common::*;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn calm(o: &std::process::Output, what: &str) {
    let t = text(o);
    assert_ne!(o.status.code(), Some(101), "{what}: a panic: {t}");
    assert!(
        !t.contains("error interno")
            && !t.contains("internal error")
            && !t.contains("panicked")
            && !t.contains("RUST_BACKTRACE"),
        "{what}: {t}"
    );
}

#[derive(Clone, Copy, Debug)]
enum Damage {
    FlipByte,
    ZeroPage,
}

fn damage(path: &Path, at: usize, how: Damage) {
    let mut b = std::fs::read(path).unwrap();
    match how {
        Damage::FlipByte => b[at] ^= 0x20,
        Damage::ZeroPage => {
            let start = at / 4096 * 4096;
            let end = (start + 4096).min(b.len());
            b[start..end].fill(0);
        }
    }
    std::fs::write(path, b).unwrap();
}

#[test]
fn a_damaged_store_is_reported_and_rebuilt_with_every_sale() {
    let pristine = tempfile::tempdir().unwrap();
    init_cli(pristine.path());
    let d = pristine.path().to_str().unwrap();
    assert!(
        run(&["soak", "--data-dir", d, "--count", "1000"])
            .status
            .success()
    );
    let len = std::fs::metadata(pristine.path().join("caja.redb"))
        .unwrap()
        .len() as usize;
    // The header, its second slot, the first pages, then every region of the file.
    let mut offsets = vec![0, 9, 100, 600, 4096, 8192 + 17];
    offsets.extend((1..=14).map(|k| k * len / 15 + 123));
    offsets.push(len - 1);
    let mut cases = 0;
    for &at in &offsets {
        for how in [Damage::FlipByte, Damage::ZeroPage] {
            let work = tempfile::tempdir().unwrap();
            let dir = work.path().join("data");
            copy_dir(pristine.path(), &dir);
            let store = dir.join("caja.redb");
            damage(&store, at, how);
            let what = format!("{how:?} at {at} of {len}");
            let dd = dir.to_str().unwrap();

            // The register's open: an error or a store, never a panic.
            let opened = std::panic::catch_unwind(|| caja::store::Store::open(&dir).is_ok());
            assert!(opened.is_ok(), "{what}: the register's open panicked");

            let o = run(&["check", "--data-dir", dd]);
            calm(&o, &format!("{what}: check"));

            // The sales journal reads the electronic journal, which the damage did not reach.
            let o = journal(dd, "2000-01-01", "2100-01-01", &["--format", "csv"]);
            calm(&o, &format!("{what}: journal"));
            assert!(o.status.success(), "{what}: journal: {}", text(&o));
            assert_eq!(text(&o).lines().count(), 1001, "{what}");

            let damaged = std::fs::read(&store).unwrap();
            let o = run(&["rebuild", "--data-dir", dd]);
            calm(&o, &format!("{what}: rebuild"));
            assert!(o.status.success(), "{what}: rebuild: {}", text(&o));
            assert!(
                text(&o).contains("reconstruida: 1000 documentos"),
                "{what}: {}",
                text(&o)
            );
            let aside = damaged_aside(&dir);
            assert_eq!(aside.len(), 1, "{what}");
            assert_eq!(std::fs::read(&aside[0]).unwrap(), damaged, "{what}");

            let o = run(&["check", "--data-dir", dd]);
            assert!(
                o.status.success() && text(&o).contains("1000 documentos"),
                "{what}: after the rebuild: {}",
                text(&o)
            );
            let s = caja::store::Store::open(&dir).unwrap();
            let (last, d) = s.view().unwrap().last_doc().unwrap().unwrap();
            assert_eq!(
                (last, d.doc.number.as_str()),
                (1000, "FV1-001000"),
                "{what}"
            );
            cases += 1;
        }
    }
    eprintln!(
        "{cases} damaged stores ({} offsets x 2), all rebuilt",
        offsets.len()
    );
}

#[test]
fn a_damaged_journal_record_is_reported_and_the_stores_copy_is_used() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let d = dir.path().to_str().unwrap();
    assert!(
        run(&["soak", "--data-dir", d, "--count", "50"])
            .status
            .success()
    );
    let jfile = std::fs::read_dir(dir.path().join("journal"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .next()
        .unwrap();
    let mut b = std::fs::read(&jfile).unwrap();
    let at = b.windows(10).position(|w| w == b"FV1-000020").unwrap();
    b[at + 2] ^= 0x01;
    std::fs::write(&jfile, b).unwrap();
    let o = run(&["check", "--data-dir", d]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("dañad"), "{}", text(&o));
    // The sales journal falls back to the store, which holds the document whole.
    let o = journal(d, "2000-01-01", "2100-01-01", &["--format", "csv"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("FV1-000020"), "{}", text(&o));
    // A rebuild takes that one document from the store, and a fresh journal is written.
    let o = run(&["rebuild", "--data-dir", d]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("49 del diario, 1 de la tienda dañada"),
        "{}",
        text(&o)
    );
    drop(caja::store::Store::open(dir.path()).unwrap());
    let o = run(&["check", "--data-dir", d]);
    assert!(
        o.status.success() && text(&o).contains("diario: 50 registros"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_store_past_reading_is_rebuilt_from_the_journal_and_the_newest_backup() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("data");
    let usb = work.path().join("usb");
    init_cli(&dir);
    let d = dir.to_str().unwrap();
    assert!(
        run(&["soak", "--data-dir", d, "--count", "20"])
            .status
            .success()
    );
    let o = run(&["backup", "--data-dir", d, "--to", usb.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    // Sales after the backup are only in the store and its journal.
    assert!(
        run(&["soak", "--data-dir", d, "--count", "30"])
            .status
            .success()
    );
    let products = text(&run(&["catalog", "export", "--data-dir", d]));
    // Every byte of the store is gone: nothing of it can be read.
    let store = dir.join("caja.redb");
    let len = std::fs::metadata(&store).unwrap().len() as usize;
    std::fs::write(&store, vec![0u8; len]).unwrap();

    // Without a backup: every sale, but no catalog nor users, said plainly.
    let bare = work.path().join("bare");
    copy_dir(&dir, &bare);
    let o = run(&["rebuild", "--data-dir", bare.to_str().unwrap()]);
    calm(&o, "rebuild without a backup");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("reconstruida: 50 documentos"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("no se encontró una copia de esta tienda"),
        "{}",
        text(&o)
    );

    let o = run(&[
        "rebuild",
        "--data-dir",
        d,
        "--backups",
        usb.to_str().unwrap(),
    ]);
    calm(&o, "rebuild");
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("reconstruida: 50 documentos (50 del diario"),
        "{t}"
    );
    assert!(t.contains("vino de la copia"), "{t}");
    assert!(
        !t.contains("no se encontró una copia de esta tienda"),
        "{t}"
    );
    assert!(t.contains("recuperado: usuarios (de la copia"), "{t}");
    assert_eq!(
        text(&run(&["catalog", "export", "--data-dir", d])),
        products
    );
    let o = run(&["user", "list", "--data-dir", d]);
    assert!(text(&o).contains("ana"), "{}", text(&o));
    let o = run(&["check", "--data-dir", d]);
    assert!(
        o.status.success() && text(&o).contains("50 documentos"),
        "{}",
        text(&o)
    );
    assert_eq!(damaged_aside(&dir).len(), 1);
}

#[test]
fn damage_the_register_finds_while_it_runs_stops_documents_until_the_rebuild() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("data");
    init_cli(&dir);
    let d = dir.to_str().unwrap();
    assert!(
        run(&["soak", "--data-dir", d, "--count", "300"])
            .status
            .success()
    );
    let store_path = dir.join("caja.redb");
    let pristine = std::fs::read(&store_path).unwrap();
    // A flipped byte inside a document: redb opens the file as if nothing were wrong.
    let mut found = None;
    for at in (8192..pristine.len()).step_by(1531) {
        let mut b = pristine.clone();
        b[at] ^= 0x20;
        std::fs::write(&store_path, &b).unwrap();
        let Ok(store) = caja::store::Store::open(&dir) else {
            continue;
        };
        let problems = store.verify_live().unwrap();
        if store.damaged().is_some() {
            found = Some((at, store, problems));
            break;
        }
        drop(store);
        let _ = std::fs::remove_file(dir.join("caja.redb.suspect"));
    }
    let (at, store, problems) = found.expect("no flipped byte was found by the register's check");
    assert!(!problems.is_empty(), "flip at {at}");
    // No document is written on top of the damage.
    let products = caja::csvio::demo_catalog(&store.info().currency);
    let body = caja::dev::soak::soak_ticket(&store, &products, 1).unwrap();
    let e = store
        .commit(&header(1, 0), body)
        .expect_err("a document was written into a damaged store");
    assert!(matches!(e, caja::store::StoreError::Damaged(_)), "{e}");
    drop(store);
    // The next start refuses it, and the register's screen offers the rebuild.
    assert!(matches!(
        caja::store::Store::open(&dir),
        Err(caja::store::StoreError::Corrupt(_))
    ));
    let o = run(&["rebuild", "--data-dir", d]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("reconstruida: 300 documentos"),
        "{}",
        text(&o)
    );
    assert!(!dir.join("caja.redb.suspect").exists());
    let store = caja::store::Store::open(&dir).unwrap();
    assert!(store.verify_live().unwrap().is_empty());
    assert!(store.damaged().is_none());
}
