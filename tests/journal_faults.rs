//! The journal's faults as a shop meets them: a journal file of another store copied in, a
//! record at the tail that this caja cannot read, a journal truncated while the register was
//! stopped, and the commands that replace a store run under a register that sells.

use crate::common::*;
use std::path::{Path, PathBuf};

const FIRST: &str = "journal/ej-000000000001.cj";

fn dd(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A store of `name` in `language` with `sales` soak sales.
fn store_with_sales(name: &str, language: &str, sales: u64) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    init_in(t.path(), name, language);
    let o = run(&[
        "soak",
        "--data-dir",
        dd(t.path()),
        "--count",
        &sales.to_string(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    t
}

fn csv_rows(o: &std::process::Output) -> usize {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .count()
        .saturating_sub(1)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn a_journal_file_of_another_store_is_refused_everywhere_and_never_taken_over() {
    for (lang, belongs, other_words) in [
        ("es", "pertenece a la tienda Otra (", "belongs to store"),
        ("en", "belongs to store Otra (", "pertenece a la tienda"),
    ] {
        let j = store_with_sales("Tienda J", lang, 30);
        let o = store_with_sales("Otra", lang, 40);
        std::fs::copy(o.path().join(FIRST), j.path().join(FIRST)).unwrap();
        let store_before = std::fs::read(j.path().join("caja.redb")).unwrap();
        let what = format!("[{lang}]");

        // check: fails, and names the file's store; never "30 different documents".
        let c = run(&["check", "--data-dir", dd(j.path())]);
        let t = text(&c);
        assert!(!c.status.success(), "{what} check passed: {t}");
        assert!(t.contains(belongs), "{what} check: {t}");
        assert!(
            !t.contains(other_words),
            "{what} check in one language: {t}"
        );
        assert!(
            !t.contains("distintos") && !t.contains("different"),
            "{what}: {t}"
        );

        // journal: the store's own 30 sales, never the other store's 40, and a warning.
        let l = journal(
            dd(j.path()),
            "2000-01-01",
            "2100-01-01",
            &["--format", "csv"],
        );
        assert!(l.status.success(), "{what} journal: {}", text(&l));
        assert_eq!(csv_rows(&l), 30, "{what} journal: {}", text(&l));
        assert!(
            String::from_utf8_lossy(&l.stderr).contains(belongs),
            "{what} journal: {}",
            text(&l)
        );

        // The register's open: refused in the reader's language, not called damaged.
        let e = match caja::store::Store::open(j.path()) {
            Err(e) => e,
            Ok(_) => panic!("{what}: the register opened over another store's journal"),
        };
        let language = if lang == "es" {
            caja::i18n::Language::Es
        } else {
            caja::i18n::Language::En
        };
        assert!(e.damage(language).is_none(), "{what}: called damage: {e}");
        assert!(e.words(language, None).contains(belongs), "{what}: {e}");

        // rebuild: refused, nothing renamed, nothing made.
        let r = run(&["rebuild", "--data-dir", dd(j.path())]);
        assert!(!r.status.success(), "{what} rebuild: {}", text(&r));
        assert!(text(&r).contains(belongs), "{what} rebuild: {}", text(&r));
        assert!(damaged_aside(j.path()).is_empty(), "{what}");
        assert!(
            std::fs::read(j.path().join("caja.redb")).unwrap() == store_before,
            "{what}: the store changed"
        );

        // Moved out as the message says, the register opens, writes its journal again from the
        // store, and check passes with J's 30 sales.
        std::fs::rename(j.path().join(FIRST), j.path().join("foreign.cj")).unwrap();
        let s = caja::store::Store::open(j.path()).unwrap();
        assert_eq!(s.info().name, "Tienda J");
        drop(s);
        let c = run(&["check", "--data-dir", dd(j.path())]);
        assert!(c.status.success(), "{what}: {}", text(&c));
    }
}

/// A record framed and checksummed as the journal's own, with a body this caja cannot read.
fn append_alien_record(dir: &Path, seq: u64, body: &[u8]) {
    let path = dir.join(FIRST);
    let mut b = std::fs::read(&path).unwrap();
    let head = 16 + u32::from_le_bytes(b[8..12].try_into().unwrap()) as usize;
    let scan = caja::store::ejournal::scan_file(&b, head);
    let at = scan.end as usize;
    let mut rec = Vec::new();
    rec.extend_from_slice(b"EJR1");
    rec.extend_from_slice(&(body.len() as u32).to_le_bytes());
    let mut covered = Vec::new();
    covered.extend_from_slice(&seq.to_le_bytes());
    covered.extend_from_slice(&[7u8; 32]);
    covered.extend_from_slice(body);
    rec.extend_from_slice(&caja::store::ejournal::crc32(&covered).to_le_bytes());
    rec.extend_from_slice(&covered);
    if b.len() < at + rec.len() {
        b.resize(at + rec.len(), 0);
    }
    b[at..at + rec.len()].copy_from_slice(&rec);
    std::fs::write(&path, b).unwrap();
}

#[test]
fn a_record_this_caja_cannot_read_at_the_tail_is_set_aside_and_the_shop_sells() {
    for (lang, newer, said) in [
        ("es", false, "no es un documento que esta caja sepa leer"),
        ("en", true, "was written by a newer caja (record version 3)"),
    ] {
        let t = store_with_sales("Tienda", lang, 30);
        let mut rng = caja::dev::bench::Rng::new(5);
        let mut body: Vec<u8> = (0..100).map(|_| rng.below(256) as u8).collect();
        // A newer caja's envelope starts with its variant's index (V3 is 2); random bytes
        // whose first byte reads as a huge index are garbled.
        body[0] = if newer { 2 } else { 0xff };
        append_alien_record(t.path(), 31, &body);
        let what = format!("[{lang}]");

        // check names the record, in the reader's language, with no decoder's English.
        let c = run(&["check", "--data-dir", dd(t.path())]);
        let out = text(&c);
        assert!(out.contains(said), "{what} check: {out}");
        assert!(!out.contains("Serde"), "{what} check: {out}");

        // The register opens from the store (no damaged-store screen): the record is set
        // aside, said at the login in the register's language, and kept.
        let config = caja::config::Config::load(t.path()).unwrap();
        let app = caja::app::App::open(t.path().to_path_buf(), config, clock_at_941()).unwrap();
        let w = msg(&app);
        assert!(
            w.contains(said) && w.contains("aside-000000000031.cj"),
            "{w}"
        );
        drop(app);
        let s = caja::store::Store::open(t.path()).unwrap();
        assert!(s.reconciled().problems.is_empty(), "{what}: set aside once");
        let kept = std::fs::read(t.path().join("journal/aside-000000000031.cj")).unwrap();
        assert!(
            kept.windows(body.len()).any(|x| x == body.as_slice()),
            "{what}: the record's bytes are not kept"
        );
        // It sells: the next document is #31, journaled after #30.
        let body = caja::dev::soak::soak_ticket(&s, &demo_products(&s), 0).unwrap();
        let c = s
            .commit(&caja::dev::soak::header_now("ana"), body)
            .expect("a sale after the record was set aside");
        assert_eq!(c.seq, 31, "{what}");
        drop(s);
        let c = run(&["check", "--data-dir", dd(t.path())]);
        assert!(c.status.success(), "{what} check after: {}", text(&c));
    }
}

fn demo_products(s: &caja::store::Store) -> Vec<caja::domain::catalog::Product> {
    let mut all = Vec::new();
    s.visit_products(|p| {
        all.push(p);
        Ok(())
    })
    .unwrap();
    all.retain(|p| p.sold_by == caja::domain::catalog::SoldBy::Unit && !p.open_price);
    all
}

#[test]
fn rebuild_takes_the_stores_copy_of_a_record_that_does_not_read_and_stops_at_the_tail() {
    let t = store_with_sales("Tienda", "es", 30);
    let mut body = vec![0u8; 100];
    body[0] = 0xff;
    append_alien_record(t.path(), 31, &body);
    let r = run(&["rebuild", "--data-dir", dd(t.path())]);
    let out = text(&r);
    assert!(r.status.success(), "rebuild: {out}");
    assert!(out.contains("30 documentos"), "{out}");
    assert!(
        out.contains("registro #31 del diario no es un documento"),
        "{out}"
    );
    // The journal with the record is kept beside the damaged store.
    assert!(
        files_in(t.path())
            .iter()
            .any(|f| f.starts_with("journal.damaged-")),
        "{:?}",
        files_in(t.path())
    );
    let c = run(&["check", "--data-dir", dd(t.path())]);
    assert!(c.status.success(), "{}", text(&c));
}

#[test]
fn the_journal_command_lists_what_the_store_holds_when_the_journal_was_cut_short() {
    let t = store_with_sales("Tienda", "es", 30);
    // The journal rolled back by one record while the register was stopped.
    let path = t.path().join(FIRST);
    let b = std::fs::read(&path).unwrap();
    let head = 16 + u32::from_le_bytes(b[8..12].try_into().unwrap()) as usize;
    let scan = caja::store::ejournal::scan_file(&b, head);
    let mut cut = b.clone();
    let last = *scan.starts.last().unwrap() as usize;
    cut[last..].fill(0);
    std::fs::write(&path, cut).unwrap();
    let l = journal(
        dd(t.path()),
        "2000-01-01",
        "2100-01-01",
        &["--format", "csv"],
    );
    assert!(l.status.success(), "{}", text(&l));
    assert_eq!(csv_rows(&l), 30, "{}", text(&l));
    assert!(String::from_utf8_lossy(&l.stdout).contains("FV1-000030"));
}

/// A register selling: `caja soak` holds the store and answers on its socket, as the register
/// does.
struct Selling(std::process::Child);

impl Selling {
    fn start(dir: &Path) -> Selling {
        let child = caja()
            .args(["soak", "--data-dir", dd(dir)])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // It holds the store once its socket is there.
        for _ in 0..200 {
            if dir.join("caja.sock").exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        assert!(dir.join("caja.sock").exists(), "the register did not start");
        Selling(child)
    }
}

impl Drop for Selling {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().ino()
}

#[test]
fn rebuild_and_restore_refuse_under_a_register_that_sells() {
    let t = store_with_sales("Tienda", "es", 5);
    let backups = tempfile::tempdir().unwrap();
    let o = run(&[
        "backup",
        "--data-dir",
        dd(t.path()),
        "--to",
        dd(backups.path()),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let backup: PathBuf = std::fs::read_dir(backups.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "redb"))
        .unwrap();
    let live = Selling::start(t.path());
    let store = t.path().join("caja.redb");
    let before = inode(&store);

    let r = run(&["rebuild", "--data-dir", dd(t.path())]);
    assert!(!r.status.success(), "rebuild ran: {}", text(&r));
    assert!(text(&r).contains("en uso"), "{}", text(&r));
    assert_eq!(inode(&store), before, "rebuild replaced the live store");
    assert!(damaged_aside(t.path()).is_empty());
    assert!(!t.path().join("caja.redb.rebuilding").exists());

    let r = run(&["restore", "--data-dir", dd(t.path()), dd(&backup), "--yes"]);
    assert!(!r.status.success(), "restore ran: {}", text(&r));
    assert!(text(&r).contains("en uso"), "{}", text(&r));
    assert_eq!(inode(&store), before, "restore replaced the live store");
    drop(live);
}
