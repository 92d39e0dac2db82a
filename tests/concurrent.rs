//! Reading while the register sells: the sales journal, `check` and `doctor` read the
//! electronic journal while another process commits sales; catalog and customer exports and
//! backups are answered by the register itself; and no read-only command changes a byte of the
//! store or its journal.

use crate::common::*;
use std::process::Command;
use std::time::{Duration, Instant};

fn digest(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v = vec![(
        "caja.redb".to_string(),
        std::fs::read(dir.join("caja.redb")).unwrap(),
    )];
    let mut j: Vec<_> = std::fs::read_dir(dir.join("journal"))
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    j.sort();
    v.extend(j);
    v
}

#[test]
fn a_supervisor_reads_the_days_sales_while_the_register_sells() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let d = dir.path().to_str().unwrap();
    let mut register = Command::new(env!("CARGO_BIN_EXE_caja"))
        .args(["soak", "--data-dir", d, "--count", "4000"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it is well into its sales.
    let start = Instant::now();
    loop {
        let o = journal(d, "2000-01-01", "2100-01-01", &["--format", "csv"]);
        if o.status.success() && text(&o).lines().count() > 200 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no sales appeared"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut overlapped = 0;
    let mut backups = 0;
    let backup_dir = tempfile::tempdir().unwrap();
    while register.try_wait().unwrap().is_none() {
        let o = journal(d, "2000-01-01", "2100-01-01", &["--format", "csv"]);
        assert!(o.status.success(), "journal: {}", text(&o));
        let rows = text(&o).lines().count();
        assert!(rows > 200, "{rows}");

        let o = run(&["check", "--data-dir", d]);
        if register.try_wait().unwrap().is_some() {
            break;
        }
        assert!(o.status.success(), "check: {}", text(&o));
        assert!(text(&o).contains("la caja está en uso"), "{}", text(&o));

        let o = run(&["doctor", "--data-dir", d]);
        // A register on its way out lets go of the store a moment before its process is gone:
        // the doctor then verifies the store file itself.
        assert!(
            text(&o).contains("verificados en el diario electrónico")
                || text(&o).contains("verificados (archivo, cadena, numeración, totales)")
                || register.try_wait().unwrap().is_some(),
            "doctor: {}",
            text(&o)
        );

        // The catalog and the customers live only in the store, which the register holds: it
        // answers for them, and makes the backup, over its socket.
        let o = run(&["catalog", "export", "--data-dir", d]);
        if register.try_wait().unwrap().is_some() {
            break;
        }
        assert!(o.status.success(), "catalog export: {}", text(&o));
        assert!(
            text(&o).starts_with("sku,barcode,name") && text(&o).lines().count() > 10,
            "{}",
            text(&o)
        );
        let o = run(&["customers", "export", "--data-dir", d]);
        assert!(
            o.status.success() || register.try_wait().unwrap().is_some(),
            "customers export: {}",
            text(&o)
        );
        if backups < 2 {
            let to = backup_dir.path().to_str().unwrap();
            let o = run(&["backup", "--data-dir", d, "--to", to, "--keep", "5"]);
            if register.try_wait().unwrap().is_some() {
                break;
            }
            assert!(o.status.success(), "backup: {}", text(&o));
            assert!(text(&o).contains("copia verificada"), "{}", text(&o));
            backups += 1;
        }
        overlapped += 1;
    }
    assert!(register.wait().unwrap().success());
    assert!(overlapped > 0, "the reads never overlapped the sales");
    assert!(backups > 0, "no backup was made while selling");
    // Each backup made by the register while it sold is whole: restore-verifies with its store.
    for e in std::fs::read_dir(backup_dir.path()).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "redb") {
            let o = run(&[
                "restore",
                "--data-dir",
                dir.path().join("verify-only").to_str().unwrap(),
                p.to_str().unwrap(),
                "--yes",
            ]);
            assert!(
                o.status.success(),
                "restore of {}: {}",
                p.display(),
                text(&o)
            );
        }
    }
    assert!(
        !dir.path().join("caja.sock").exists(),
        "the socket outlived the register"
    );

    // Nothing writes now: read-only commands change no byte of the store or its journal.
    let before = digest(dir.path());
    let o = journal(d, "2000-01-01", "2100-01-01", &["--format", "csv"]);
    assert_eq!(text(&o).lines().count(), 4001);
    let o = run(&["check", "--data-dir", d]);
    assert!(o.status.success(), "{}", text(&o));
    run(&["doctor", "--data-dir", d]);
    let o = run(&["catalog", "export", "--data-dir", d]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["customers", "export", "--data-dir", d]);
    assert!(o.status.success(), "{}", text(&o));
    let after = digest(dir.path());
    assert_eq!(before.len(), after.len());
    for ((n, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{n} changed");
    }
}

/// A register that starts while a reading command holds the store (the CI failure that found
/// it: `caja journal` opened the store a moment before `caja soak` did, and the register
/// refused to start with "la caja está en uso") waits for the reader instead.
#[test]
fn a_register_starts_while_a_reader_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let reader = caja::store::StoreReader::open(dir.path()).unwrap();
    let d = dir.path().to_str().unwrap().to_string();
    let register = std::thread::spawn(move || {
        Command::new(env!("CARGO_BIN_EXE_caja"))
            .args(["soak", "--data-dir", &d, "--count", "3"])
            .output()
            .unwrap()
    });
    std::thread::sleep(Duration::from_millis(400));
    drop(reader);
    let o = register.join().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let o = journal(
        dir.path().to_str().unwrap(),
        "2000-01-01",
        "2100-01-01",
        &["--format", "csv"],
    );
    assert_eq!(text(&o).lines().count(), 4, "{}", text(&o));
}
