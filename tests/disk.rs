//! A real disk that fills up or turns read-only (what the kernel does to a failing flash card):
//! the store on a small tmpfs of its own. Mounting needs root, which CI has; elsewhere these
//! tests say why they did not run.

use crate::common::*;
use caja::store::Commit;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(&path)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!(
                "SKIPPED: cannot mount a tmpfs here (needs root): the disk tests did not run"
            );
            return None;
        }
        Some(Tmpfs { _dir: dir, path })
    }

    fn read_only(&self) {
        let o = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).output();
    }
}

/// Fills the file system of `dir` with one file, until it refuses.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0x55u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    for _ in 0..64 {
        if f.write_all(&[1]).is_err() {
            break;
        }
    }
    let _ = f.sync_all();
    path
}

fn dd(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_full_disk_refuses_the_sale_in_words_and_the_register_sells_again_once_space_is_back() {
    let Some(disk) = Tmpfs::mount("4m") else {
        return;
    };
    let dir = disk.path.join("data");
    init_cli(&dir);
    let o = run(&["soak", "--data-dir", dd(&dir), "--count", "10"]);
    assert!(o.status.success(), "{}", text(&o));
    let store = caja::store::Store::open(&dir).unwrap();
    let mut products = Vec::new();
    store
        .visit_products(|p| {
            products.push(p);
            Ok(())
        })
        .unwrap();
    products.retain(|p| p.sold_by == caja::domain::catalog::SoldBy::Unit && !p.open_price);
    let filler = fill(&disk.path);
    let mut refused = None;
    let mut acked = 10;
    for i in 0..400 {
        let body = caja::dev::soak::soak_ticket(&store, &products, i).unwrap();
        match store.commit(
            &caja::dev::soak::header_now("ana"),
            Commit::from(body).printed(),
        ) {
            Ok(_) => acked += 1,
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let e = refused.expect("a full disk took every sale");
    let es = e.words(caja::i18n::Language::Es, None);
    assert!(es.starts_with("el disco está lleno (0 MiB libres)"), "{es}");
    let en = e.words(caja::i18n::Language::En, None);
    assert!(en.starts_with("the disk is full (0 MiB free)"), "{en}");
    // Again while still full: the same words, never redb's "Previous I/O error".
    let body = caja::dev::soak::soak_ticket(&store, &products, 1).unwrap();
    let again = store
        .commit(&caja::dev::soak::header_now("ana"), body)
        .unwrap_err()
        .words(caja::i18n::Language::Es, None);
    assert!(again.contains("disco"), "{again}");
    // Space is back: the register sells again, without a restart.
    std::fs::remove_file(filler).unwrap();
    let body = caja::dev::soak::soak_ticket(&store, &products, 2).unwrap();
    let c = store
        .commit(&caja::dev::soak::header_now("ana"), body)
        .expect("the register sells once space is back");
    acked += 1;
    assert_eq!(c.number, format!("FV1-{acked:06}"));
    drop(store);
    let o = run(&["check", "--data-dir", dd(&dir)]);
    assert!(o.status.success(), "{}", text(&o));
    let o = journal(dd(&dir), "2000-01-01", "2100-01-01", &["--format", "csv"]);
    assert_eq!(text(&o).lines().count(), acked + 1, "{}", text(&o));
}

#[test]
fn a_disk_turned_read_only_is_named_and_check_journal_and_backup_still_work() {
    let Some(disk) = Tmpfs::mount("16m") else {
        return;
    };
    let dir = disk.path.join("data");
    init_cli(&dir);
    let o = run(&["soak", "--data-dir", dd(&dir), "--count", "12"]);
    assert!(o.status.success(), "{}", text(&o));
    disk.read_only();

    // The register's open: the disk, said with what to do; never a damaged store.
    let e = match caja::store::Store::open(&dir) {
        Err(e) => e,
        Ok(_) => panic!("opened for writing on a read-only disk"),
    };
    assert!(e.damage(caja::i18n::Language::Es).is_none(), "{e:?}");
    let w = e.words(caja::i18n::Language::Es, None);
    assert!(w.contains("solo lectura") && w.contains("copia"), "{w}");

    // The register itself: a screen that says so and takes a backup to the USB stick, with
    // nothing opened for writing.
    let usb = tempfile::tempdir().unwrap();
    let mut config = caja::config::Config::defaults();
    config.backup.dir = dd(usb.path()).to_string();
    let mut app = caja::app::App::open(dir.clone(), config, clock_at_941()).unwrap();
    assert!(
        matches!(app.screen, caja::app::Screen::ReadOnlyDisk(_)),
        "{}",
        msg(&app)
    );
    let s = drawn(&app, &mono_theme(), 80, 24, true);
    assert!(
        s.contains("Disco de solo lectura") && s.contains("la tarjeta puede estar fallando"),
        "{s}"
    );
    assert!(
        s.contains(&format!("B: copia de seguridad ahora a {}", dd(usb.path()))),
        "{s}"
    );
    keys(&mut app, "b");
    settle(&mut app);
    assert!(msg(&app).contains("Copia verificada"), "{}", msg(&app));
    let made: Vec<_> = std::fs::read_dir(usb.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".redb"))
        .collect();
    assert_eq!(made.len(), 1, "{}", msg(&app));
    let v = caja::store::backup::verify_file(&made[0].path(), None).unwrap();
    assert_eq!(v.documents, 12);
    key(&mut app, ratatui::crossterm::event::KeyCode::Esc);
    assert!(app.quit);
    drop(app);

    let o = run(&["check", "--data-dir", dd(&dir)]);
    assert!(o.status.success(), "check: {}", text(&o));
    assert!(!text(&o).contains("os error 30"), "{}", text(&o));

    let o = journal(dd(&dir), "2000-01-01", "2100-01-01", &["--format", "csv"]);
    assert!(o.status.success(), "journal: {}", text(&o));
    assert_eq!(text(&o).lines().count(), 13, "{}", text(&o));

    let stick = tempfile::tempdir().unwrap();
    let o = run(&["backup", "--data-dir", dd(&dir), "--to", dd(stick.path())]);
    assert!(o.status.success(), "backup: {}", text(&o));
    assert!(text(&o).contains("12 documentos"), "{}", text(&o));

    let o = run(&["doctor", "--data-dir", dd(&dir)]);
    let t = text(&o);
    let store_lines: Vec<&str> = t
        .lines()
        .filter(|l| l.contains(" store ") || l.contains(" integrity "))
        .collect();
    assert!(
        store_lines.iter().all(|l| l.starts_with("OK")),
        "doctor: {t}"
    );
}

/// A sale the full disk refused opens no drawer and keeps the ticket; once space is back the
/// same ticket commits and the drawer opens for it, by number.
#[test]
fn a_sale_the_full_disk_refused_opens_no_drawer_and_keeps_the_ticket() {
    use caja::app::{App, Screen};
    use caja::devices::printer::PrinterCmd;
    use ratatui::crossterm::event::KeyCode;
    let Some(disk) = Tmpfs::mount("4m") else {
        return;
    };
    let dir = disk.path.join("data");
    init_cli(&dir);
    let mut app = App::new(
        dir.clone(),
        Some(caja::store::Store::open(&dir).unwrap()),
        caja::config::Config::defaults(),
        clock_at_941(),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    app.printer = Some(tx);
    keys(&mut app, "ana\n1234\n0\nana\n1234\n");
    assert!(matches!(app.screen, Screen::Sale), "{}", msg(&app));
    let filler = fill(&disk.path);
    // Sell until the disk refuses (the store's file has some room of its own): each sale that
    // commits kicks the drawer for its own number, the refused one for none.
    let mut sold = 0;
    loop {
        while rx.try_recv().is_ok() {}
        keys(&mut app, "HUE30\n");
        key(&mut app, KeyCode::F(12));
        keys(&mut app, "50.000\n");
        let cmds: Vec<PrinterCmd> = rx.try_iter().collect();
        let number = format!("FV1-{:06}", sold + 1);
        if app.last_sale.as_ref().is_some_and(|l| l.number == number) {
            assert!(
                cmds.iter()
                    .any(|c| matches!(c, PrinterCmd::OpenDrawer(Some(n)) if *n == number)),
                "{cmds:?}"
            );
            sold += 1;
            assert!(sold < 400, "a full disk took every sale");
            continue;
        }
        assert!(msg(&app).contains("el disco está lleno"), "{}", msg(&app));
        assert!(
            !cmds.iter().any(|c| matches!(c, PrinterCmd::OpenDrawer(_))),
            "a drawer kick for a sale that failed: {cmds:?}"
        );
        break;
    }
    assert_eq!(app.ticket.lines.len(), 1, "the ticket is kept");
    // Space is back: the same ticket commits, and the drawer opens for it.
    std::fs::remove_file(filler).unwrap();
    app.message = None;
    if !matches!(app.screen, Screen::Sale) {
        key(&mut app, KeyCode::Esc);
    }
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "50.000\n");
    let number = format!("FV1-{:06}", sold + 1);
    let last = app.last_sale.as_ref().map(|l| l.number.clone());
    assert_eq!(last.as_ref(), Some(&number), "{}", msg(&app));
    let cmds: Vec<PrinterCmd> = rx.try_iter().collect();
    assert!(
        cmds.iter()
            .any(|c| matches!(c, PrinterCmd::OpenDrawer(Some(n)) if *n == number)),
        "{cmds:?}"
    );
}
