//! `caja doctor` against loopback printers that answer DLE EOT with each fault, unreachable and
//! stalled printers and sync servers (it must finish in time and say what is unreachable), and
//! a healthy setup (exit 0).

use crate::common::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

/// A printer on loopback that answers DLE EOT 1, 2 and 4 with these bytes.
fn printer_answering(bytes: [u8; 3]) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            std::thread::spawn(move || {
                let mut q = [0u8; 3];
                while c.read_exact(&mut q).is_ok() {
                    let a = match q {
                        [0x10, 0x04, 1] => bytes[0],
                        [0x10, 0x04, 2] => bytes[1],
                        _ => bytes[2],
                    };
                    if c.write_all(&[a]).is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// Accepts connections and never says a word.
fn silent_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut keep = Vec::new();
        for c in l.incoming().flatten() {
            keep.push(c);
        }
    });
    addr
}

/// A sync server that answers every request 200 with its clock `skew` seconds off ours.
fn hub(skew: i64) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            let mut buf = [0u8; 2048];
            let _ = c.read(&mut buf);
            let date = (chrono::Utc::now() + chrono::Duration::seconds(skew))
                .format("%a, %d %b %Y %H:%M:%S GMT");
            let body = "{\"couchdb\":\"Welcome\"}";
            let _ = write!(
                c,
                "HTTP/1.1 200 OK\r\nDate: {date}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    addr
}

fn configure(dir: &Path, printer: &str, sync_url: &str) {
    let toml = format!(
        "[printer]\ndevice = \"{printer}\"\n[sync]\nurl = \"{sync_url}\"\nuser = \"FV1\"\npassword = \"x\"\n"
    );
    std::fs::write(dir.join("caja.toml"), toml).unwrap();
}

fn doctor(dir: &Path) -> (bool, String, Duration) {
    let t = Instant::now();
    let o = run(&["doctor", "--data-dir", dir.to_str().unwrap()]);
    (o.status.success(), text(&o), t.elapsed())
}

fn line<'a>(report: &'a str, what: &str) -> &'a str {
    report
        .lines()
        .find(|l| l[5..].starts_with(what))
        .unwrap_or_else(|| panic!("no {what} line in:\n{report}"))
}

#[test]
fn a_healthy_register_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let (ok, report, _) = doctor(dir.path());
    assert!(ok, "{report}");
    assert!(line(&report, "integrity").starts_with("OK"), "{report}");
    // A ready network printer and a hub whose clock agrees are healthy too.
    configure(
        dir.path(),
        &format!("tcp:{}", printer_answering([0x12, 0x12, 0x12])),
        &format!("http://{}/", hub(3)),
    );
    let (ok, report, _) = doctor(dir.path());
    assert!(ok, "{report}");
    assert!(line(&report, "printer").contains("lista"), "{report}");
    assert!(line(&report, "clock").starts_with("OK"), "{report}");
}

#[test]
fn every_printer_fault_is_named() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let hub = hub(0);
    for (bytes, level, words) in [
        ([0x1A, 0x32, 0x72], "FAIL", "sin papel"),
        ([0x1A, 0x16, 0x12], "FAIL", "tapa abierta"),
        ([0x1A, 0x12, 0x12], "FAIL", "fuera de línea"),
        ([0x12, 0x12, 0x1E], "WARN", "papel por acabarse"),
    ] {
        configure(
            dir.path(),
            &format!("tcp:{}", printer_answering(bytes)),
            &format!("http://{hub}/"),
        );
        let (ok, report, _) = doctor(dir.path());
        assert!(!ok, "{words}: {report}");
        let l = line(&report, "printer");
        assert!(l.starts_with(level) && l.contains(words), "{words}: {l}");
    }
    // The drawer sensor (pin 3 high means open by default).
    configure(
        dir.path(),
        &format!("tcp:{}", printer_answering([0x16, 0x12, 0x12])),
        &format!("http://{hub}/"),
    );
    let (ok, report, _) = doctor(dir.path());
    assert!(
        !ok && line(&report, "drawer").contains("abierto"),
        "{report}"
    );
}

#[test]
fn unreachable_and_stalled_devices_finish_in_time_and_are_named() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    configure(
        dir.path(),
        &format!("tcp:{closed}"),
        &format!("http://{closed}/"),
    );
    let (ok, report, took) = doctor(dir.path());
    assert!(!ok);
    assert!(
        line(&report, "printer").contains("no responde")
            && line(&report, "sync").contains("no responde"),
        "{report}"
    );
    assert!(took < Duration::from_secs(15), "took {took:?}");
    // Servers that accept and never answer: the timeouts must hold.
    let (p, s) = (silent_server(), silent_server());
    configure(dir.path(), &format!("tcp:{p}"), &format!("http://{s}/"));
    let (ok, report, took) = doctor(dir.path());
    assert!(!ok, "{report}");
    assert!(
        line(&report, "printer").contains("no da su estado"),
        "{report}"
    );
    assert!(line(&report, "sync").starts_with("FAIL"), "{report}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    // A hub whose clock is 5 minutes off is a warning.
    configure(
        dir.path(),
        "file:receipts.txt",
        &format!("http://{}/", hub(-300)),
    );
    let (ok, report, _) = doctor(dir.path());
    assert!(
        !ok && line(&report, "clock").starts_with("WARN"),
        "{report}"
    );
}
