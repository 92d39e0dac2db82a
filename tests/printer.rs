//! The printer worker against fake ESC/POS printers on a real serial pseudo-terminal pair and a
//! real loopback TCP listener. The printer answers DLE EOT with paper out, then ready: the
//! receipt is held, then printed once and never twice. A sale made while the printer cannot be
//! reached is in the journal at once, and its receipt prints when the printer comes back.

use crate::common::*;
use caja::app::Screen;
use caja::config::Config;
use caja::devices::codepage::CodePage;
use caja::devices::escpos::Pulse;
use caja::devices::printer::{PrinterEvent, PrinterSetup, PrinterState, spawn};
use caja::devices::transport::Endpoint;
use caja::domain::document::{DocBody, SaleBody};
use caja::domain::money::Money;
use caja::domain::qty::Qty;
use caja::domain::tender::Tender;
use caja::domain::ticket::TicketLine;
use caja::receipt::ShopLines;
use caja::store::Commit;
use caja::store::Store;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A fake printer: answers DLE EOT from `paper_out`, keeps every other byte.
#[derive(Clone, Default)]
struct FakePrinter {
    paper_out: Arc<AtomicBool>,
    received: Arc<Mutex<Vec<u8>>>,
}

impl FakePrinter {
    fn serve(&self, mut conn: impl Read + Write) {
        let mut buf = [0u8; 1024];
        let mut pending: Vec<u8> = Vec::new();
        loop {
            let n = match conn.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => n,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                    ) =>
                {
                    continue;
                }
                Err(_) => return,
            };
            pending.extend_from_slice(&buf[..n]);
            while let Some(i) = pending.windows(2).position(|w| w == [0x10, 0x04]) {
                if pending.len() < i + 3 {
                    break;
                }
                let out = self.paper_out.load(Ordering::SeqCst);
                let answer = match pending[i + 2] {
                    1 => {
                        if out {
                            0x1A
                        } else {
                            0x12
                        }
                    }
                    2 => {
                        if out {
                            0x32
                        } else {
                            0x12
                        }
                    }
                    _ => {
                        if out {
                            0x72
                        } else {
                            0x12
                        }
                    }
                };
                self.received
                    .lock()
                    .unwrap()
                    .extend_from_slice(&pending[..i]);
                pending.drain(..i + 3);
                if conn
                    .write_all(&[answer])
                    .and_then(|_| conn.flush())
                    .is_err()
                {
                    return;
                }
            }
            // Keep a possible partial DLE EOT for the next read.
            let keep = if pending.last() == Some(&0x10) { 1 } else { 0 };
            let take = pending.len() - keep;
            self.received.lock().unwrap().extend(pending.drain(..take));
        }
    }

    /// How many receipts arrived (each starts with ESC @).
    fn receipts(&self) -> usize {
        self.received
            .lock()
            .unwrap()
            .windows(2)
            .filter(|w| *w == [0x1B, b'@'])
            .count()
    }

    /// Waits for the bytes the worker sent to be read by the printer side.
    fn wait_receipts(&self, n: usize) {
        let start = Instant::now();
        while self.receipts() < n && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(self.receipts(), n);
    }
}

fn setup(endpoint: Endpoint) -> PrinterSetup {
    PrinterSetup {
        endpoint: Ok(endpoint),
        code_page: CodePage::Pc858,
        columns: 42,
        pulse: Pulse {
            pin: 2,
            on_ms: 25,
            off_ms: 250,
        },
        drawer_open_high: true,
        shop: ShopLines::default(),
        language: caja::config::Language::Es,
        retry: Duration::from_millis(100),
        timeout: Duration::from_millis(300),
    }
}

fn sell(store: &Store) -> String {
    let p = store.product("CAF250").unwrap().unwrap();
    let lines = [TicketLine {
        sku: p.sku,
        name: p.name,
        qty: Qty::ONE,
        unit_price: p.price,
        tax_rate: p.tax_rate,
        discount: None,
    }];
    let body = SaleBody::build(
        &lines,
        None,
        vec![Tender::cash(Money::from_minor(10_000))],
        true,
        &store.info().currency,
    )
    .unwrap();
    store
        .commit(&header(22, 0), Commit::from(DocBody::Sale(body)).printed())
        .unwrap()
        .number
}

fn wait_for(
    rx: &Receiver<PrinterEvent>,
    what: &str,
    mut pred: impl FnMut(&PrinterEvent) -> bool,
) -> Vec<PrinterEvent> {
    let start = Instant::now();
    let mut seen = Vec::new();
    while start.elapsed() < Duration::from_secs(10) {
        if let Ok(ev) = rx.recv_timeout(Duration::from_millis(50)) {
            let hit = pred(&ev);
            seen.push(ev);
            if hit {
                return seen;
            }
        }
    }
    panic!("never saw {what}; saw {seen:?}");
}

/// Paper out: the receipt waits; paper back: it prints once.
fn held_then_printed_once(endpoint: Endpoint, printer: &FakePrinter) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(demo_store(dir.path()));
    printer.paper_out.store(true, Ordering::SeqCst);
    let number = sell(&store);
    let (sink, events) = caja::sink::Sink::channel();
    let cmds = spawn(store.clone(), setup(endpoint), sink);
    wait_for(
        &events,
        "paper out",
        |e| matches!(e, PrinterEvent::State(PrinterState::Problem(s)) if s.paper_out),
    );
    wait_for(
        &events,
        "the job held",
        |e| matches!(e, PrinterEvent::Waiting(n, caja::devices::printer::Fault::Status(s)) if *n == number && s.paper_out),
    );
    assert_eq!(printer.receipts(), 0, "printed with no paper");
    assert_eq!(store.print_jobs().unwrap().len(), 1);

    printer.paper_out.store(false, Ordering::SeqCst);
    wait_for(&events, "printed", |e| {
        *e == PrinterEvent::Printed(number.clone())
    });
    wait_for(&events, "idle", |e| *e == PrinterEvent::Idle);
    printer.wait_receipts(1);
    // More retries and wake-ups must not print it again.
    for _ in 0..3 {
        cmds.send(caja::devices::printer::PrinterCmd::Wake).unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }
    assert_eq!(printer.receipts(), 1, "printed more than once");
    let got = printer.received.lock().unwrap().clone();
    assert!(
        got.windows(number.len()).any(|w| w == number.as_bytes()),
        "the receipt does not carry its number"
    );
    assert!(
        got.ends_with(&[0x1D, b'V', b'A', 1]),
        "the receipt was not cut"
    );
    assert!(store.print_jobs().unwrap().is_empty());
    drop(cmds);
}

#[test]
fn serial_printer_on_a_pty_holds_then_prints_once() {
    use serialport::SerialPort;
    let (mut master, slave) = serialport::TTYPort::pair().unwrap();
    master.set_timeout(Duration::from_millis(100)).unwrap();
    let path = slave.name().unwrap();
    let printer = FakePrinter::default();
    let p = printer.clone();
    std::thread::spawn(move || p.serve(master));
    let ep = Endpoint::Serial {
        path,
        baud: 9600,
        parity: serialport::Parity::None,
        flow: serialport::FlowControl::None,
    };
    held_then_printed_once(ep, &printer);
    drop(slave);
}

#[test]
fn network_printer_on_loopback_holds_then_prints_once() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let printer = FakePrinter::default();
    let p = printer.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let p = p.clone();
            std::thread::spawn(move || p.serve(conn));
        }
    });
    held_then_printed_once(Endpoint::Tcp(addr.to_string()), &printer);
}

#[test]
fn a_sale_commits_while_the_printer_is_unreachable_and_prints_when_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    // A port with nobody listening.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    // The journal is read for today: the register's clock is the real one.
    let mut app = selling_with(
        dir.path(),
        Config::defaults(),
        Box::new(|| chrono::Local::now().fixed_offset()),
    );
    let (sink, events) = caja::sink::Sink::channel();
    let cmds = spawn(
        app.store.clone().unwrap(),
        setup(Endpoint::Tcp(addr.to_string())),
        sink,
    );
    app.printer = Some(cmds);
    keys(&mut app, "HUE30\n");
    app.on_key(KeyEvent::new(KeyCode::F(12), KeyModifiers::NONE));
    app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(matches!(app.screen, Screen::Sale));
    let number = app.last_sale.clone().expect("the sale committed").number;
    // In the journal already (read through the register's own store: redb locks the file).
    let today = chrono::Local::now().date_naive();
    let f = caja::sales_journal::JournalFilter {
        kind: Some(caja::domain::numbering::DocKind::Sale),
        ..caja::sales_journal::JournalFilter::dates(today, today)
    };
    let rows = caja::sales_journal::rows(&**app.store.as_ref().unwrap(), &f).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.number.as_str()).collect::<Vec<_>>(),
        [number.as_str()]
    );
    for ev in wait_for(
        &events,
        "unreachable",
        |e| matches!(e, PrinterEvent::Waiting(n, _) if *n == number),
    ) {
        app.on_printer(ev);
    }
    assert!(
        app.message.as_ref().unwrap().text.contains(&number),
        "the cashier is told the receipt waits"
    );

    // The printer comes back on the same address.
    let listener = TcpListener::bind(addr).unwrap();
    let printer = FakePrinter::default();
    let p = printer.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let p = p.clone();
            std::thread::spawn(move || p.serve(conn));
        }
    });
    wait_for(&events, "printed", |e| {
        *e == PrinterEvent::Printed(number.clone())
    });
    printer.wait_receipts(1);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(printer.receipts(), 1, "printed more than once");
}

#[test]
fn the_customer_display_shows_the_last_item_then_total_and_change() {
    use serialport::SerialPort;
    let (mut master, slave) = serialport::TTYPort::pair().unwrap();
    master.set_timeout(Duration::from_millis(100)).unwrap();
    let path = slave.name().unwrap();
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = got.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 256];
        loop {
            match master.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => sink.lock().unwrap().extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => return,
            }
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling_with(
        dir.path(),
        Config::defaults(),
        Box::new(|| chrono::Local::now().fixed_offset()),
    );
    let ep = Endpoint::Serial {
        path,
        baud: 9600,
        parity: serialport::Parity::None,
        flow: serialport::FlowControl::None,
    };
    let (errors, _errors) = caja::sink::Sink::channel();
    let tx = caja::devices::display::spawn(ep, caja::devices::display::Protocol::Cd5220, errors);
    app.display = Some(tx);
    let wait_for_bytes = |want: &[u8]| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if got.lock().unwrap().windows(want.len()).any(|w| w == want) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "the display never showed {:?}; got {:?}",
            String::from_utf8_lossy(want),
            String::from_utf8_lossy(&got.lock().unwrap())
        );
    };
    keys(&mut app, "HUE30\n");
    wait_for_bytes(b"\x0c\x1bQAHuevos AA x 30      \r\x1bQB1 x 18.500    18.500\r");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "20.000\n");
    wait_for_bytes(b"\x1bQATOTAL       $ 18.500\r\x1bQBCAMBIO       $ 1.500\r");
    drop(slave);
}

/// The technician's test page and the drawer on a file printer speak the register's language.
#[test]
fn the_test_page_and_the_drawer_speak_the_registers_language() {
    use caja::devices::printer::{Fault, PrinterCmd};
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(demo_store(dir.path()));
    let out = dir.path().join("receipts.txt");
    let (sink, events) = caja::sink::Sink::channel();
    let cmds = spawn(store, setup(Endpoint::File(out.clone())), sink);
    cmds.send(PrinterCmd::TestPage).unwrap();
    wait_for(
        &events,
        "the test page",
        |e| matches!(e, PrinterEvent::Printed(what) if what == "página de prueba"),
    );
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(
        page.starts_with("caja: página de prueba (Pc858, 42 columnas)\n123456789"),
        "{page}"
    );
    cmds.send(PrinterCmd::OpenDrawer(None)).unwrap();
    wait_for(&events, "no drawer", |e| {
        matches!(e, PrinterEvent::DrawerFailed(None, Fault::NoDrawerOnFile))
    });
}

/// The receipts' file printer holds the shop's sales: it is the register's user's alone, as
/// every file caja writes, even when an older caja made it readable by others.
#[test]
fn the_file_printers_receipts_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipts.txt");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let mut link =
        caja::devices::transport::Link::open(&Endpoint::File(path.clone()), Duration::from_secs(1))
            .unwrap();
    link.send(b"hola\n").unwrap();
    assert_eq!(mode(&path), 0o600);
    drop(link);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut link =
        caja::devices::transport::Link::open(&Endpoint::File(path.clone()), Duration::from_secs(1))
            .unwrap();
    link.send(b"otra\n").unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "hola\notra\n");
}

/// The doctor tests a device the way the register writes to it: `/dev/full` takes no byte, and
/// the doctor says the printer fails rather than "takes data".
#[test]
fn the_doctor_writes_to_a_device_before_calling_it_good() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let toml = dir.path().join("caja.toml");
    let conf = std::fs::read_to_string(&toml).unwrap().replacen(
        "device = \"file:receipts.txt\"",
        "device = \"dev:/dev/full\"",
        1,
    );
    assert!(conf.contains("dev:/dev/full"), "{conf}");
    std::fs::write(&toml, conf).unwrap();
    let o = run(&["doctor", "--data-dir", dir.path().to_str().unwrap()]);
    let out = text(&o);
    let line = out
        .lines()
        .find(|l| l.contains(" printer "))
        .map(str::to_string)
        .unwrap_or_default();
    assert!(
        line.starts_with("FALLÓ") || line.starts_with("FAIL"),
        "{out}"
    );
    assert!(!line.contains("recibe datos"), "{line}");
}
