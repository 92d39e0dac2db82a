//! An upgrade never loses a store: a register's store and journal, a hub's store and a backup
//! made by an earlier release (tests/fixtures/release-*, made by its make.sh) open, check and
//! sell with this one. Each release adds its folder; every later release must pass them all.

use crate::common::*;
use std::path::Path;

/// Copies a fixture folder as an installed machine holds it: the folders the user's alone
/// (0700), the files too (0600), as caja made them (git keeps neither).
fn copy(from: &Path, to: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(to).unwrap();
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700)).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
}

/// `caja journal --format csv` of every date.
fn journal_csv(dir: &str) -> std::process::Output {
    run(&[
        "journal",
        "--data-dir",
        dir,
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        "--format",
        "csv",
    ])
}

fn releases() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("release-"))
        })
        .collect();
    out.sort();
    assert!(!out.is_empty());
    out
}

#[test]
fn a_register_of_an_earlier_release_checks_and_sells() {
    for release in releases() {
        let tmp = tempfile::tempdir().unwrap();
        let reg = tmp.path().join("reg");
        copy(&release.join("reg"), &reg);
        let d = reg.to_str().unwrap();
        let o = run(&["check", "--data-dir", d]);
        assert!(o.status.success(), "{release:?}: {}", text(&o));
        let before = journal_csv(d);
        assert!(before.status.success(), "{}", text(&before));
        let sales_before = String::from_utf8_lossy(&before.stdout)
            .lines()
            .filter(|l| l.contains(",sale,"))
            .count();
        assert_eq!(sales_before, 5, "{release:?}");
        // It sells, numbering on from where it was, and still checks clean.
        let old_file = reg.join("journal").join("ej-000000000001.cj");
        let old_bytes = std::fs::read(&old_file).unwrap();
        assert_eq!(&old_bytes[..8], b"CAJAEJ\x00\x01", "{release:?}");
        let o = run(&["soak", "--data-dir", d, "--count", "2"]);
        assert!(o.status.success(), "{}", text(&o));
        // The old journal file (format 1, no marks records) is never appended to: the sales
        // went into a new file of format 2.
        assert_eq!(std::fs::read(&old_file).unwrap(), old_bytes, "{release:?}");
        let newer: Vec<_> = std::fs::read_dir(reg.join("journal"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| *p != old_file)
            .collect();
        assert_eq!(newer.len(), 1, "{newer:?}");
        assert_eq!(&std::fs::read(&newer[0]).unwrap()[..8], b"CAJAEJ\x00\x02");
        let after = journal_csv(d);
        let text_after = String::from_utf8_lossy(&after.stdout).into_owned();
        assert!(
            text_after.contains("FV1-000006") && text_after.contains("FV1-000007"),
            "{text_after}"
        );
        let o = run(&["check", "--data-dir", d]);
        assert!(
            o.status.success(),
            "{release:?} after selling: {}",
            text(&o)
        );
    }
}

#[test]
fn a_backup_of_an_earlier_release_restores() {
    for release in releases() {
        let backups = release.join("backups");
        let file = std::fs::read_dir(&backups)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "redb"))
            .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let b = tmp.path().join("backups");
        copy(&backups, &b);
        let target = tmp.path().join("restored");
        let o = run(&[
            "restore",
            "--data-dir",
            target.to_str().unwrap(),
            b.join(file.file_name().unwrap()).to_str().unwrap(),
            "--yes",
        ]);
        assert!(o.status.success(), "{release:?}: {}", text(&o));
        let o = run(&["check", "--data-dir", target.to_str().unwrap()]);
        assert!(o.status.success(), "{release:?}: {}", text(&o));
    }
}

#[test]
fn a_hub_of_an_earlier_release_serves_its_documents() {
    for release in releases() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("hub");
        copy(&release.join("hub"), &dir);
        let hub = caja::hub::Hub::open(&dir).unwrap();
        let ids = hub.store().ids("caja-docs", "sale:").unwrap();
        assert_eq!(ids.len(), 5, "{release:?}");
        assert!(hub.store().user("admin").unwrap().unwrap().admin);
        // The head office's figures of what it holds.
        let reg = release.join("reg");
        let o = journal_csv(reg.to_str().unwrap());
        let date = String::from_utf8_lossy(&o.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.split(',').nth(2).map(String::from))
            .unwrap();
        let day = hub.store().day_figures(&date).unwrap();
        assert_eq!(day.len(), 1, "{day:?}");
        assert_eq!(day[0].1.sales, 5);
        let (csv, rows) = hub
            .movements(
                chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap(),
                None,
                false,
            )
            .unwrap();
        assert!(rows >= 5, "{}", String::from_utf8_lossy(&csv));
    }
}
