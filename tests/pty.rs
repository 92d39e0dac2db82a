//! The real binary in a real pseudo-terminal: sell two tickets with the documented keys, kill
//! the register with SIGKILL right after the second number is on screen, restart, sell a third,
//! and find all three in `caja journal` with numbers following on.

use crate::common::*;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Register {
    child: Reaped,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    /// Tells the reader thread to let go of its copy of the master after its next read.
    stop_reading: Arc<std::sync::atomic::AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

/// The register's process: a test that fails midway leaves no register running behind it.
struct Reaped(Box<dyn portable_pty::Child + Send + Sync>);

impl Drop for Reaped {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

impl std::ops::Deref for Reaped {
    type Target = Box<dyn portable_pty::Child + Send + Sync>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Reaped {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Register {
    fn start(data: &str) -> Register {
        Register::start_on(data, "xterm")
    }

    /// The register on a terminal of type `term`.
    fn start_on(data: &str, term: &str) -> Register {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_caja"));
        cmd.args(["--data-dir", data]);
        cmd.env("TERM", term);
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let screen = Arc::new(Mutex::new(Vec::new()));
        let sink = screen.clone();
        let stop_reading = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = stop_reading.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Register {
            child: Reaped(child),
            writer,
            screen,
            _master: pair.master,
            stop_reading,
            reader: Some(reader),
        }
    }

    /// Waits until the terminal output contains `text`.
    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        loop {
            if String::from_utf8_lossy(&self.screen.lock().unwrap()).contains(text) {
                return;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let all = String::from_utf8_lossy(&self.screen.lock().unwrap()).into_owned();
                let tail: String = all
                    .chars()
                    .rev()
                    .take(1500)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                panic!("'{text}' never appeared on screen; the last output:\n{tail:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the register read each burst as the keystrokes it is.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn login(&mut self) {
        self.wait_for("PIN");
        self.send("ana");
        self.send(ENTER);
        self.send("1234");
        self.send(ENTER);
    }

    /// The first login of a new store: count a float of zero into the drawer, and the
    /// supervisor confirms the store's first business date.
    fn open_shift(&mut self) {
        self.wait_for("Fondo contado");
        self.send("0");
        self.send(ENTER);
        self.wait_for("Abre la fecha");
        self.send("ana");
        self.send(ENTER);
        self.send("1234");
        self.send(ENTER);
    }

    fn signal(&mut self, sig: &str) {
        let pid = self.child.process_id().unwrap();
        let st = std::process::Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    }

    /// Waits for the register to exit and returns whether it exited cleanly.
    fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st.success();
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the register did not exit"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn sigkill(mut self) {
        let pid = self.child.process_id().unwrap();
        let st = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        self.child.wait().unwrap();
    }
}

const ENTER: &str = "\r";
const F12: &str = "\x1b[24~";
const F9: &str = "\x1b[20~";

#[test]
fn sales_survive_sigkill_of_the_running_register() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let data = dir.path().to_str().unwrap();

    let mut r = Register::start(data);
    r.wait_for("PIN");
    r.send("ana");
    r.send(ENTER);
    r.send("1234");
    r.send(ENTER);
    r.open_shift();
    r.wait_for("Pagar");
    // Ticket 1: a scan, a quantity, pay with cash and get change.
    r.send("7702001000066");
    r.send(ENTER);
    r.send("3*GAS350");
    r.send(ENTER);
    r.send(F12);
    r.send("50.000");
    r.send(ENTER);
    r.wait_for("FV1-000001");
    // Ticket 2: exact cash.
    r.send("HUE30");
    r.send(ENTER);
    r.send(F12);
    r.send(ENTER);
    r.wait_for("FV1-000002");
    r.sigkill();

    let mut r = Register::start(data);
    r.wait_for("PIN");
    r.send("ana");
    r.send(ENTER);
    r.send("1234");
    r.send(ENTER);
    r.wait_for("Pagar");
    r.send("SAL1K");
    r.send(ENTER);
    r.send(F12);
    r.send(ENTER);
    r.wait_for("FV1-000003");
    // Close the register properly through the supervisor menu.
    r.send(F9);
    r.send("ana");
    r.send(ENTER);
    r.send("1234");
    r.send(ENTER);
    r.send("4");
    let start = Instant::now();
    loop {
        if let Some(st) = r.child.try_wait().unwrap() {
            assert!(st.success(), "the register did not close cleanly");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the register did not close"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let today = chrono::Local::now().date_naive().to_string();
    let o = journal(data, &today, &today, &["--format", "csv", "--type", "sale"]);
    assert!(o.status.success(), "{}", text(&o));
    let csv = String::from_utf8(o.stdout).unwrap();
    let numbers: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(numbers, ["FV1-000001", "FV1-000002", "FV1-000003"], "{csv}");
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .contains(",17300,50000,0,0,0,32700"),
        "{csv}"
    );
    let o = run(&["check", "--data-dir", data]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn a_dropped_session_keeps_the_open_ticket_and_offers_it_back() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let data = dir.path().to_str().unwrap();
    let mut r = Register::start(data);
    r.login();
    r.open_shift();
    r.wait_for("Pagar");
    r.send("HUE30");
    r.send(ENTER);
    r.send("2*SAL1K");
    r.send(ENTER);
    r.wait_for("Sal refinada");
    // The SSH session drops.
    r.signal("-HUP");
    assert!(r.wait_exit(), "the register did not stop cleanly on SIGHUP");
    let o = run(&["check", "--data-dir", data]);
    assert!(o.status.success(), "{}", text(&o));

    let mut r = Register::start(data);
    r.login();
    r.wait_for("Enter lo recupera");
    r.send(ENTER);
    r.wait_for("Huevos AA x 30");
    r.send(F12);
    r.send(ENTER);
    r.wait_for("FV1-000001");
    r.signal("-TERM");
    assert!(r.wait_exit());
    let today = chrono::Local::now().date_naive().to_string();
    let csv = String::from_utf8(
        journal(data, &today, &today, &["--format", "csv", "--type", "sale"]).stdout,
    )
    .unwrap();
    // 18.500 + 2 x 2.300, paid exactly in cash.
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("FV1-000001,sale,") && l.contains(",23100,23100,")),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 2, "{csv}");
    // The log tells the story, and never holds a PIN (only the timestamp may have digits).
    let log = std::fs::read_to_string(dir.path().join("caja.log")).unwrap();
    for want in [
        "login",
        "sale committed",
        "FV1-000001",
        "register stopped by a signal",
    ] {
        assert!(log.contains(want), "no '{want}' in the log:\n{log}");
    }
    for l in log.lines() {
        let rest = l.split_once(' ').map_or(l, |(_, r)| r);
        assert!(
            !rest.contains("1234") && !rest.to_ascii_lowercase().contains("pin="),
            "a PIN in the log: {l}"
        );
    }
}

#[test]
fn a_second_register_on_the_same_store_is_refused_and_the_first_keeps_selling() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let data = dir.path().to_str().unwrap();
    let mut first = Register::start(data);
    first.login();
    first.open_shift();
    first.wait_for("Pagar");
    let o = run(&["--data-dir", data]);
    assert!(!o.status.success());
    assert!(text(&o).contains("la caja está en uso"), "{}", text(&o));
    // The first still sells.
    first.send("CAF250");
    first.send(ENTER);
    first.send(F12);
    first.send(ENTER);
    first.wait_for("FV1-000001");
    first.signal("-TERM");
    assert!(first.wait_exit());
}

#[test]
fn a_terminal_that_vanishes_stops_the_register_and_keeps_the_ticket() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let data = dir.path().to_str().unwrap();
    let mut r = Register::start(data);
    r.login();
    r.open_shift();
    r.wait_for("Pagar");
    r.send("CAF250");
    r.send(ENTER);
    r.wait_for("Caf");
    // The terminal goes away under the register (the SSH connection or tmux is killed): every
    // copy of the master side must close, the test's reader included.
    r.stop_reading
        .store(true, std::sync::atomic::Ordering::SeqCst);
    r.send("\x1b[A"); // any key that redraws, so the reader's blocked read returns
    r.reader.take().unwrap().join().unwrap();
    let Register {
        mut child,
        writer,
        _master: master,
        ..
    } = r;
    drop(writer);
    drop(master);
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the register outlived its terminal"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let store = caja::store::Store::open(dir.path()).unwrap();
    let held = store.held().unwrap();
    assert_eq!(held.len(), 1);
    assert!(held[0].1.interrupted && held[0].1.lines[0].sku == "CAF250");
}

/// A real vt100 has no F5 to F12, nor does a phone's SSH keyboard: the register sells, holds,
/// recalls and pays with Esc and a digit, typed as one burst (as Alt+digit sends it) or a key
/// at a time.
#[test]
fn a_vt100_sells_holds_recalls_and_pays_with_esc_digits() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let data = dir.path().to_str().unwrap();
    let mut r = Register::start_on(data, "vt100");
    r.login();
    r.open_shift();
    r.wait_for("Pagar");
    r.send("SAL1K");
    r.send(ENTER);
    r.wait_for("Sal refinada");
    // Esc, then 5 a moment later: F5 holds.
    r.send("\x1b");
    r.wait_for("F1..F12;");
    r.send("5");
    r.wait_for("espera");
    // A second ticket, paid at once with Esc = in one burst (F12).
    r.send("HUE30");
    r.send(ENTER);
    r.send("\x1b=");
    r.wait_for("Efectivo");
    r.send(ENTER);
    r.wait_for("FV1-000001");
    // Esc 6 (F6) recalls the held ticket; Enter takes it; Esc = pays.
    r.send("\x1b");
    r.send("6");
    r.wait_for("Sal refinada");
    r.send(ENTER);
    r.send("\x1b");
    r.send("=");
    r.wait_for("Efectivo");
    r.send(ENTER);
    r.wait_for("FV1-000002");
    r.signal("-TERM");
    assert!(r.wait_exit());
    let today = chrono::Local::now().date_naive().to_string();
    let csv = String::from_utf8(
        journal(data, &today, &today, &["--format", "csv", "--type", "sale"]).stdout,
    )
    .unwrap();
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{csv}");
    // Huevos first (18.500), then the recalled salt (2.300).
    assert!(
        lines[0].starts_with("FV1-000001,sale,") && lines[0].contains(",18500,"),
        "{csv}"
    );
    assert!(
        lines[1].starts_with("FV1-000002,sale,") && lines[1].contains(",2300,"),
        "{csv}"
    );
}
