//! Push against the real hub over loopback: 10,000 documents exactly once, a re-push after a
//! lost acknowledgement duplicates nothing, a second store with the same register code is
//! refused, a register cannot write another register's documents, and an id the server holds
//! at another revision is a collision that is never pushed.

use crate::common::*;
use caja::config::Config;
use caja::hub::{Hub, HubHandle};
use caja::store::Store;
use caja::sync::client::{Client, SyncError, claim, push, report_status};
use std::time::Instant;

fn sell(s: &Store, n: u64) {
    sell_from(s, 0, n)
}

fn sell_from(s: &Store, start: u64, n: u64) {
    let products = s.search("", 50).unwrap_or_default();
    let products = if products.is_empty() {
        caja::csvio::demo_catalog(&s.info().currency)
    } else {
        products
    };
    for i in start..start + n {
        let body = caja::dev::soak::soak_ticket(s, &products, i).unwrap();
        s.commit(&header(22, (i / 60) as i64), body).unwrap();
    }
}

fn doc_count(h: &HubHandle, db: &str) -> u64 {
    let mut c = client(h, "admin", "clave-admin-segura");
    let (s, v) = c.request("GET", db, None).unwrap();
    assert_eq!(s, 200, "{v}");
    v["doc_count"].as_u64().unwrap()
}

#[test]
fn ten_thousand_documents_reach_the_hub_exactly_once() {
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    sell(&s, 10_000);
    // A copy of the register as it was before the push: its outbox still holds everything.
    let usb = tempfile::tempdir().unwrap();
    let backup = s
        .backup_to(usb.path(), chrono::Local::now().fixed_offset(), 1)
        .unwrap();

    let mut c = client(&h, "FV1", "clave-fv1-segura");
    claim(&s, &mut c).unwrap();
    let t = Instant::now();
    let mut calls = 0;
    let r = push(&s, &mut c, |_, _| calls += 1).unwrap();
    eprintln!("pushed 10,000 documents to the hub in {:?}", t.elapsed());
    assert_eq!((r.sent, r.already, r.rejected.len()), (10_000, 0, 0));
    assert_eq!(r.batches, 20);
    assert_eq!(calls, 20, "progress after every batch");
    assert_eq!(s.view().unwrap().outbox_len().unwrap(), 0);
    assert_eq!(doc_count(&h, "caja-docs"), 10_000);
    report_status(&s, &mut c, Some(&r)).unwrap();
    let (_, reg) = c
        .request("GET", "caja-registers/register:FV1", None)
        .unwrap();
    assert_eq!(reg["queue"], 0);
    assert_eq!(reg["machine_id"], s.info().store_id.as_str());

    // The same sale, as the server stores it: decimal strings, the chain hash.
    let (_, doc) = c.request("GET", "caja-docs/sale:FV1-000001", None).unwrap();
    assert_eq!(doc["type"], "sale");
    assert!(doc["total"].is_string() && doc["hash"].as_str().unwrap().len() == 64);

    // The acknowledgement was "lost": the restored copy pushes everything again, and the hub
    // ends up with each document once.
    drop(s);
    let again = tempfile::tempdir().unwrap();
    std::fs::copy(&backup.path, again.path().join("caja.redb")).unwrap();
    let copy = Store::open(again.path()).unwrap();
    assert_eq!(copy.view().unwrap().outbox_len().unwrap(), 10_000);
    claim(&copy, &mut c).unwrap();
    let r = push(&copy, &mut c, |_, _| {}).unwrap();
    assert_eq!((r.sent, r.already), (0, 10_000));
    assert_eq!(copy.view().unwrap().outbox_len().unwrap(), 0);
    assert_eq!(doc_count(&h, "caja-docs"), 10_000);
    h.stop();
}

#[test]
fn a_second_store_with_the_same_code_is_refused_and_collides() {
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = demo_store(d1.path());
    sell(&first, 30);
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    claim(&first, &mut c).unwrap();
    push(&first, &mut c, |_, _| {}).unwrap();

    // Another store, set up with the same register code: its FV1-000001 is a different sale.
    let second = demo_store(d2.path());
    sell_from(&second, 1000, 5);
    let e = claim(&second, &mut c).unwrap_err();
    assert!(matches!(e, SyncError::Claimed { .. }), "{e}");
    assert!(e.to_string().contains("take-over"), "{e}");
    // Even without the claim, push finds the ids held at other revisions and stops.
    let e = push(&second, &mut c, |_, _| {}).unwrap_err();
    assert!(matches!(e, SyncError::Collision(_)), "{e}");
    assert_eq!(
        second.view().unwrap().outbox_len().unwrap(),
        5,
        "nothing acknowledged"
    );
    assert_eq!(doc_count(&h, "caja-docs"), 30);
    h.stop();
}

#[test]
fn a_reinstalled_register_takes_its_code_over_and_numbers_after_the_server() {
    use caja::domain::numbering::DocKind;
    use caja::sync::client::take_over;
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let (d1, d2, d3) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let old = demo_store(d1.path());
    sell(&old, 30);
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    claim(&old, &mut c).unwrap();
    push(&old, &mut c, |_, _| {}).unwrap();
    drop(old);

    // A store that already sold under the code cannot take it over: its FV1-000001 is not the
    // server's FV1-000001, and sealed documents are never renumbered.
    let early = demo_store(d3.path());
    sell_from(&early, 500, 2);
    let e = take_over(&early, &mut c, |_| {}).unwrap_err();
    assert!(
        matches!(e, caja::sync::client::SyncError::TakeOverClash(ref n) if n == "FV1-000001"),
        "{e}"
    );
    assert!(claim(&early, &mut c).is_err(), "still not claimed");

    // The reinstalled register, before its first sale: refused, then taken over.
    let new = demo_store(d2.path());
    assert!(matches!(
        claim(&new, &mut c),
        Err(SyncError::Claimed { .. })
    ));
    let mut steps = 0;
    let t = take_over(&new, &mut c, |_| steps += 1).unwrap();
    assert_eq!(steps, DocKind::ALL.len());
    assert!(!t.previous.is_empty() && t.previous != new.info().store_id);
    assert_eq!(t.floors, vec![(DocKind::Sale, 30)]);
    assert_eq!(t.scanned, 30);
    assert_eq!(new.number_floor(DocKind::Sale), 30);
    claim(&new, &mut c).unwrap();
    let (_, reg) = c
        .request("GET", "caja-registers/register:FV1", None)
        .unwrap();
    assert_eq!(reg["machine_id"], new.info().store_id.as_str());
    assert_eq!(reg["taken_over_from"], t.previous.as_str());

    // Numbering continues after the server's last number, and nothing collides.
    sell_from(&new, 2000, 3);
    let last = new.view().unwrap().last_doc().unwrap().unwrap().1;
    assert_eq!(last.doc.number, "FV1-000033");
    let r = push(&new, &mut c, |_, _| {}).unwrap();
    assert_eq!((r.sent, r.already), (3, 0));
    assert_eq!(doc_count(&h, "caja-docs"), 33);
    // The jump is part of the chain: the integrity check accepts it.
    drop(new);
    let report = caja::store::check::check_dir(d2.path(), |_| {}).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert!(
        report.last_numbers.contains(&(DocKind::Sale, 33)),
        "{:?}",
        report.last_numbers
    );
    // The floor survives a restart; taking over again is a no-op.
    let new = Store::open(d2.path()).unwrap();
    assert_eq!(new.number_floor(DocKind::Sale), 30);
    let again = take_over(&new, &mut c, |_| {}).unwrap();
    assert_eq!(again.previous, new.info().store_id);
    assert!(again.floors.is_empty());
    // The old store, if it comes back, is now the one refused.
    let old = Store::open(d1.path()).unwrap();
    assert!(matches!(
        claim(&old, &mut c),
        Err(SyncError::Claimed { .. })
    ));
    h.stop();
}

#[test]
fn two_registers_push_at_once_and_the_status_page_shows_both() {
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let fv1 = demo_store(d1.path());
    let mut p2 = params("COP");
    p2.register = caja::domain::numbering::RegisterCode::parse("FV2").unwrap();
    let fv2 = Store::create(d2.path(), p2).unwrap();
    sell(&fv1, 1_200);
    sell_from(&fv2, 5_000, 900);
    // What each register sold on the day, added up from its own documents.
    let day_total = |s: &Store| {
        let r = s
            .day_report(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
            .unwrap();
        (r.sales, s.info().currency.to_decimal(r.sales_total))
    };
    let (want1, want2) = (day_total(&fv1), day_total(&fv2));
    assert_eq!((want1.0, want2.0), (1_200, 900));

    // Both registers push at the same time while an admin keeps reading the status page.
    let url = format!("http://{}/?date=2026-11-22", h.addr);
    let page = |url: &str| -> String {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent
            .get(url)
            .header("Accept", "text/html")
            .header(
                "Authorization",
                caja::sync::basic_auth("admin", "clave-admin-segura"),
            )
            .call()
            .unwrap();
        assert_eq!(r.status(), 200);
        r.body_mut().read_to_string().unwrap()
    };
    std::thread::scope(|scope| {
        let one = scope.spawn(|| {
            let mut c = client(&h, "FV1", "clave-fv1-segura");
            claim(&fv1, &mut c).unwrap();
            let r = push(&fv1, &mut c, |_, _| {}).unwrap();
            report_status(&fv1, &mut c, Some(&r)).unwrap();
            r
        });
        let two = scope.spawn(|| {
            let mut c = client(&h, "FV2", "clave-fv2-segura");
            claim(&fv2, &mut c).unwrap();
            let r = push(&fv2, &mut c, |_, _| {}).unwrap();
            report_status(&fv2, &mut c, Some(&r)).unwrap();
            r
        });
        let reader = scope.spawn(|| {
            for _ in 0..5 {
                assert!(page(&url).contains("Oficina de la tienda"));
            }
        });
        assert_eq!(one.join().unwrap().sent, 1_200);
        assert_eq!(two.join().unwrap().sent, 900);
        reader.join().unwrap();
    });
    assert_eq!(doc_count(&h, "caja-docs"), 2_100);
    assert_eq!(
        (
            fv1.view().unwrap().outbox_len().unwrap(),
            fv2.view().unwrap().outbox_len().unwrap()
        ),
        (0, 0)
    );

    // The page lists each register with its push, queue, drift, refusals and the day's sales,
    // money as the shop writes it (COP: "$ 1.234.567").
    h.hub.run_checks().unwrap();
    let html = page(&url);
    let cop = caja::domain::money::Currency::by_code("COP").unwrap();
    let money = |decimal: &str| cop.format_symbol(cop.parse_decimal(decimal).unwrap());
    for (code, want) in [("FV1", &want1), ("FV2", &want2)] {
        let cells = crate::common::dashboard_row(&html, code);
        assert_eq!(cells.len(), 11, "{cells:?}");
        assert!(cells[0].contains("Tienda Uno"), "{cells:?}");
        assert!(
            cells[1].contains("hace ") && cells[1].contains(" min"),
            "last push: {cells:?}"
        );
        assert!(!cells[1].contains('T'), "no ISO time: {cells:?}");
        assert_eq!(cells[3], "0", "queue: {cells:?}");
        let drift: i64 = cells[4].trim_end_matches(" s").parse().unwrap();
        assert!(drift.abs() <= 2, "drift: {cells:?}");
        assert_eq!(cells[5], "0", "refused: {cells:?}");
        assert_eq!(cells[6], want.0.to_string(), "sales: {cells:?}");
        assert_eq!(cells[7], money(&want.1), "total: {cells:?}");
        assert_eq!(cells[8], "$ 0 (0)", "no refunds: {cells:?}");
        assert_eq!(cells[9], money(&want.1), "net: {cells:?}");
    }
    // Nothing wrong with what the hub holds, and the page says so (in the hub folder's
    // language: Spanish when its caja.toml does not say).
    assert!(
        html.contains("Revisión de los documentos")
            && html.contains("ningún documento sellado tiene revisión rival"),
        "{html}"
    );
    // A document that forks FV1's chain, replicated in by an admin (the hub's checks cannot
    // refuse it alone): the page names it, as `caja chain check` would.
    let mut c = client(&h, "admin", "clave-admin-segura");
    let (_, mut third) = c.request("GET", "caja-docs/sale:FV1-000002", None).unwrap();
    third["_id"] = serde_json::json!("sale:FV1-009000");
    third["number"] = serde_json::json!("FV1-009000");
    third["hash"] = serde_json::json!("ab".repeat(32));
    third["_rev"] = serde_json::json!(format!("1-{}", "ab".repeat(16)));
    let (code, v) = c
        .request(
            "POST",
            "caja-docs/_bulk_docs",
            Some(&serde_json::json!({"docs": [third], "new_edits": false})),
        )
        .unwrap();
    assert_eq!((code, v), (201, serde_json::json!([])));
    h.hub.run_checks().unwrap();
    let forked = page(&url);
    assert!(forked.contains("la cadena se bifurca"), "{forked}");
    assert!(
        forked.contains("problemas en los documentos sellados"),
        "{forked}"
    );
    // Another day has no sales; a register's user does not see the page.
    let other = page(&format!("http://{}/?date=2026-11-23", h.addr));
    let cells = crate::common::dashboard_row(&other, "FV1");
    assert_eq!(
        (cells[6].as_str(), cells[7].as_str()),
        ("0", "$ 0"),
        "{cells:?}"
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let r = agent
        .get(&url)
        .header("Accept", "text/html")
        .header(
            "Authorization",
            caja::sync::basic_auth("FV1", "clave-fv1-segura"),
        )
        .call()
        .unwrap();
    assert_eq!(r.status(), 401);
    h.stop();
}

#[test]
fn a_register_writes_only_its_own_documents() {
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    sell(&s, 3);
    // FV2's credentials on FV1's store: the claim of register:FV1 is forbidden.
    let mut c = client(&h, "FV2", "clave-fv2-segura");
    assert!(claim(&s, &mut c).is_err());
    let r = push(&s, &mut c, |_, _| {}).unwrap();
    assert_eq!(r.rejected.len(), 3, "{r:?}");
    assert!(r.rejected[0].1.contains("may not write"), "{r:?}");
    assert_eq!(s.rejected().unwrap().len(), 3, "kept with the reason");
    assert_eq!(doc_count(&h, "caja-docs"), 0);
    // A wrong password is an authentication error, named as such.
    let mut bad = client(&h, "FV1", "wrong-password");
    let e = claim(&s, &mut bad).unwrap_err();
    assert!(matches!(e, SyncError::Auth { .. }), "{e}");
    h.stop();
}

#[test]
fn caja_sync_pushes_to_caja_hub_from_the_command_line() {
    let hub_dir = tempfile::tempdir().unwrap();
    let hd = hub_dir.path().to_str().unwrap();
    let o = run(&[
        "hub",
        "--data-dir",
        hd,
        "user",
        "add",
        "FV1",
        "--password",
        "clave-fv1-segura",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut hub = caja()
        .args(["hub", "--data-dir", hd, "--listen", &listen])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let d = dir.path().to_str().unwrap();
    sync_to(
        dir.path(),
        &format!("http://{listen}"),
        "FV1",
        "clave-fv1-segura",
    );
    assert!(
        run(&["soak", "--data-dir", d, "--count", "3"])
            .status
            .success()
    );
    // The hub may take a moment to listen.
    let mut o = run(&["sync", "--data-dir", d]);
    for _ in 0..50 {
        if o.status.success() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        o = run(&["sync", "--data-dir", d]);
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &hub.id().to_string()])
        .status();
    let st = hub.wait().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("enviados 3 documentos"), "{}", text(&o));
    assert!(st.success(), "the hub stops cleanly on SIGTERM");
    // Nothing left to push; a sync with the hub gone fails with a clear message.
    let o = run(&["sync", "--data-dir", d]);
    assert!(!o.status.success());
    assert!(text(&o).contains("no se puede llegar a"), "{}", text(&o));
    let o = run(&["sync", "--data-dir", d, "--pull", "sideways"]);
    assert!(!o.status.success() && text(&o).contains("use partial, total o replace"));
}

/// What the fault-injecting proxy does to a request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fault {
    Pass,
    /// Close the connection without forwarding.
    Drop,
    /// Forward the request, let the hub store it, then close before the answer: a lost
    /// acknowledgement.
    LoseAnswer,
    /// Answer 500 without forwarding.
    Error500,
    /// Read the request and never answer (past the client's timeout).
    Stall,
}

/// Which fault request n gets.
type Plan = std::sync::Arc<std::sync::Mutex<Box<dyn Fn(usize) -> Fault + Send>>>;

/// A loopback proxy in front of the hub that injects the fault `plan` picks for request n.
struct Proxy {
    addr: std::net::SocketAddr,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    plan: Plan,
}

/// Reads one HTTP message (headers and a Content-Length or chunked body) from `s`.
fn read_message(s: &mut std::net::TcpStream) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            if head.contains("transfer-encoding: chunked") {
                // A large answer comes in chunks: up to the last, empty one.
                while !buf[end..].ends_with(b"\r\n0\r\n\r\n") {
                    let n = s.read(&mut chunk).ok()?;
                    if n == 0 {
                        return None;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                return Some(buf);
            }
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = s.read(&mut chunk).ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf);
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

impl Proxy {
    fn start(upstream: std::net::SocketAddr) -> Proxy {
        use std::io::Write;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let plan: Plan = std::sync::Arc::new(std::sync::Mutex::new(Box::new(|_| Fault::Pass)));
        let (r, p) = (requests.clone(), plan.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut client) = conn else { return };
                let (r, p) = (r.clone(), p.clone());
                std::thread::spawn(move || {
                    // One request per connection, then close.
                    let Some(req) = read_message(&mut client) else {
                        return;
                    };
                    let n = r.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let fault = (p.lock().unwrap())(n);
                    match fault {
                        Fault::Drop => {}
                        Fault::Error500 => {
                            let _ = client.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
                        }
                        Fault::Stall => std::thread::sleep(std::time::Duration::from_secs(3)),
                        Fault::Pass | Fault::LoseAnswer => {
                            let Ok(mut up) = std::net::TcpStream::connect(upstream) else {
                                return;
                            };
                            if up.write_all(&req).is_err() {
                                return;
                            }
                            let Some(resp) = read_message(&mut up) else {
                                return;
                            };
                            if fault == Fault::Pass {
                                // Tell the client the connection ends here.
                                let mut out = Vec::with_capacity(resp.len() + 19);
                                let line_end =
                                    resp.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
                                out.extend_from_slice(&resp[..line_end + 2]);
                                out.extend_from_slice(b"Connection: close\r\n");
                                out.extend_from_slice(&resp[line_end + 2..]);
                                let _ = client.write_all(&out);
                            }
                        }
                    }
                });
            }
        });
        Proxy {
            addr,
            requests,
            plan,
        }
    }

    fn set(&self, f: impl Fn(usize) -> Fault + Send + 'static) {
        *self.plan.lock().unwrap() = Box::new(f);
    }
}

#[test]
fn faults_between_register_and_hub_lose_nothing_and_duplicate_nothing() {
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let proxy = Proxy::start(h.addr);
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    sell(&s, 2_000);
    let mut cfg = Config::defaults().sync;
    cfg.url = format!("http://{}", proxy.addr);
    cfg.user = "FV1".into();
    cfg.password = "clave-fv1-segura".into();
    let client = || {
        Client::with_timeout(&cfg, std::time::Duration::from_secs(1))
            .unwrap()
            .retries(2)
    };

    // The network is down: every connection drops. Nothing is acknowledged.
    proxy.set(|_| Fault::Drop);
    let mut c = client();
    let e = claim(&s, &mut c).unwrap_err();
    assert!(matches!(e, SyncError::Unreachable { .. }), "{e}");
    assert!(push(&s, &mut c, |_, _| {}).is_err());
    assert_eq!(s.view().unwrap().outbox_len().unwrap(), 2_000);

    // A flaky link: answers lost after the hub stored the batch, 500s and a stall, mixed in.
    proxy.set(|n| match n % 7 {
        2 => Fault::LoseAnswer,
        4 => Fault::Error500,
        5 if n < 20 => Fault::Stall,
        _ => Fault::Pass,
    });
    let mut c = client();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let r = claim(&s, &mut c).and_then(|()| push(&s, &mut c, |_, _| {}));
        if r.is_ok() || attempts >= 20 {
            break;
        }
    }
    assert!(proxy.requests.load(std::sync::atomic::Ordering::SeqCst) > 20);

    // The fault clears: whatever is left drains, and each document is on the hub once.
    proxy.set(|_| Fault::Pass);
    let mut c = client();
    claim(&s, &mut c).unwrap();
    push(&s, &mut c, |_, _| {}).unwrap();
    assert_eq!(s.view().unwrap().outbox_len().unwrap(), 0);
    assert_eq!(doc_count(&h, "caja-docs"), 2_000);
    let mut admin = self::client(&h, "admin", "clave-admin-segura");
    let (_, all) = admin
        .request("GET", "caja-docs/_all_docs?limit=10000", None)
        .unwrap();
    let rows = all["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2_000);
    let mut ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 2_000, "no id twice");
    h.stop();
}

fn product_doc(c: &mut Client, id: &str) -> serde_json::Value {
    let (s, v) = c
        .request("GET", &format!("caja-catalog/{id}"), None)
        .unwrap();
    assert_eq!(s, 200, "{v}");
    v
}

#[test]
fn catalog_pulls_partial_total_and_replace() {
    use caja::sync::client::{PullMode, pull};
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = Hub::open(hub_dir.path()).unwrap();
    hub.store()
        .add_user("FV1", "clave-fv1-segura", false)
        .unwrap();
    hub.store()
        .add_user("admin", "clave-admin-segura", true)
        .unwrap();
    let cop = caja::domain::money::Currency::by_code("COP").unwrap();
    let demo = caja::csvio::demo_catalog(&cop);
    assert_eq!(hub.import_catalog(&demo, &cop, false).unwrap(), (37, 0));
    let h = hub.serve("127.0.0.1:0").unwrap();

    // A register with an empty catalog pulls everything.
    let dir = tempfile::tempdir().unwrap();
    let s = Store::create(dir.path(), params("COP")).unwrap();
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    let r = pull(&s, &mut c, PullMode::Total, |_| {}).unwrap();
    assert_eq!((r.upserted, r.total), (37, 37));
    // How goods are sold travels with them: by weight, and with an open price.
    let cheese = s.product("QUESOKG").unwrap().unwrap();
    assert_eq!(cheese.sold_by, caja::domain::catalog::SoldBy::Weight);
    assert!(s.product("VARIOS").unwrap().unwrap().open_price);
    assert!(!cheese.open_price);
    assert_eq!(
        s.lookup_code("7702001000080").unwrap().unwrap().sku,
        "LEC1L"
    );
    // Nothing changed since: a partial pull brings nothing.
    let r = pull(&s, &mut c, PullMode::Partial, |_| {}).unwrap();
    assert_eq!((r.upserted, r.removed, r.total), (0, 0, 37));

    // The back office changes a price, deletes a product and adds one.
    let mut admin = client(&h, "admin", "clave-admin-segura");
    let mut milk = product_doc(&mut admin, "product:LEC1L");
    milk["price"] = "4500".into();
    assert_eq!(
        admin
            .request("PUT", "caja-catalog/product:LEC1L", Some(&milk))
            .unwrap()
            .0,
        201
    );
    let salt = product_doc(&mut admin, "product:SAL1K");
    let gone = serde_json::json!({"_rev": salt["_rev"], "_deleted": true});
    assert_eq!(
        admin
            .request("PUT", "caja-catalog/product:SAL1K", Some(&gone))
            .unwrap()
            .0,
        201
    );
    let new = serde_json::json!({"type": "product", "sku": "MIEL250", "name": "Miel de abejas 250 g", "barcodes": ["7702001999999"], "price": "12900", "tax_rate": "5", "active": true});
    assert_eq!(
        admin
            .request("PUT", "caja-catalog/product:MIEL250", Some(&new))
            .unwrap()
            .0,
        201
    );
    let r = pull(&s, &mut c, PullMode::Partial, |_| {}).unwrap();
    assert_eq!((r.upserted, r.removed, r.total), (2, 1, 37));
    assert_eq!(s.lookup_code("LEC1L").unwrap().unwrap().price.minor(), 4500);
    assert!(s.lookup_code("SAL1K").unwrap().is_none());
    assert!(
        s.lookup_code("7702001000042").unwrap().is_none(),
        "its barcode went with it"
    );
    assert_eq!(
        s.lookup_code("7702001999999").unwrap().unwrap().sku,
        "MIEL250"
    );

    // A malformed document: a partial pull refuses it by id and reason, says so in its
    // history, and applies the rest; a replace stops and changes nothing.
    // The hub refuses such a document even from its admin; one put in its store by another
    // tool still reaches the registers, which refuse it themselves.
    let broken = serde_json::json!({"_id": "product:ROTO", "type": "product", "sku": "ROTO", "name": "Roto", "price": "doce", "tax_rate": "19"});
    let (code, _) = admin
        .request("PUT", "caja-catalog/product:ROTO", Some(&broken))
        .unwrap();
    assert_eq!(code, 403);
    h.stop();
    let hub = Hub::open(hub_dir.path()).unwrap();
    hub.store().put("caja-catalog", broken).unwrap();
    let h = hub.serve("127.0.0.1:0").unwrap();
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    let mut admin = client(&h, "admin", "clave-admin-segura");
    let mut milk = product_doc(&mut admin, "product:LEC1L");
    milk["price"] = "9999".into();
    admin
        .request("PUT", "caja-catalog/product:LEC1L", Some(&milk))
        .unwrap();
    let e = pull(&s, &mut c, PullMode::Replace, |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("product:ROTO") && e.contains("left as it was"),
        "{e}"
    );
    assert_eq!(s.lookup_code("LEC1L").unwrap().unwrap().price.minor(), 4500);
    let r = pull(&s, &mut c, PullMode::Partial, |_| {}).unwrap();
    assert_eq!(r.refused.len(), 1, "{r:?}");
    assert_eq!(r.refused[0].id, "product:ROTO");
    assert!(
        r.refused[0].to_string().contains("price"),
        "{:?}",
        r.refused
    );
    let es = r.refused[0].words(caja::i18n::Language::Es);
    assert!(
        es.starts_with("documento del catálogo product:ROTO: price: "),
        "{es}"
    );
    assert_eq!(s.lookup_code("LEC1L").unwrap().unwrap().price.minor(), 9999);
    assert!(s.lookup_code("ROTO").unwrap().is_none());
    assert_eq!(s.catalog_len().unwrap(), 37);
    let history = history_lines(&s);
    assert_eq!(history.len(), 5, "{history:?}");
    assert!(history[3].contains("replace failed") && history[3].contains("product:ROTO"));
    assert!(history[4].contains("1 refused") && history[4].contains("product:ROTO"));
    let fixed = serde_json::json!({"_rev": product_doc(&mut admin, "product:ROTO")["_rev"], "_deleted": true});
    admin
        .request("PUT", "caja-catalog/product:ROTO", Some(&fixed))
        .unwrap();
    let r = pull(&s, &mut c, PullMode::Partial, |_| {}).unwrap();
    assert!(r.refused.is_empty());
    assert_eq!(r.total, 37);

    // Within one pull a barcode moves from one product to another: the product that takes it
    // arrives first, the one that gives it up second.
    let mut honey = product_doc(&mut admin, "product:MIEL250");
    honey["barcodes"] = serde_json::json!(["7702001999999", "7702001000080"]);
    admin
        .request("PUT", "caja-catalog/product:MIEL250", Some(&honey))
        .unwrap();
    let mut milk = product_doc(&mut admin, "product:LEC1L");
    milk["barcodes"] = serde_json::json!(["7702001000081"]);
    admin
        .request("PUT", "caja-catalog/product:LEC1L", Some(&milk))
        .unwrap();
    let r = pull(&s, &mut c, PullMode::Partial, |_| {}).unwrap();
    assert_eq!((r.upserted, r.total), (2, 37));
    assert_eq!(
        s.lookup_code("7702001000080").unwrap().unwrap().sku,
        "MIEL250"
    );
    assert_eq!(
        s.lookup_code("7702001000081").unwrap().unwrap().sku,
        "LEC1L"
    );
    assert!(
        !dir.path().join("catalog-pull.spool").exists(),
        "the spool file is removed after the pull"
    );

    // Replace: a product only the register had is gone afterwards.
    let mut local = s.product("ARZ500").unwrap().unwrap();
    local.sku = "LOCAL1".into();
    local.barcodes.clear();
    s.apply_catalog(&[local], caja::store::catalog::ApplyMode::Upsert)
        .unwrap();
    assert_eq!(s.catalog_len().unwrap(), 38);
    let r = pull(&s, &mut c, PullMode::Replace, |_| {}).unwrap();
    assert_eq!(r.total, 37);
    assert!(s.product("LOCAL1").unwrap().is_none());
    h.stop();
}

#[test]
fn a_business_date_can_be_sent_again_to_a_server_that_lost_it() {
    use caja::sync::client::resend_date;
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    sell(&s, 30);
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    claim(&s, &mut c).unwrap();
    push(&s, &mut c, |_, _| {}).unwrap();
    h.stop();
    // The server is rebuilt empty: the register's outbox is empty, but the day can be resent.
    let lost_dir = tempfile::tempdir().unwrap();
    let h = hub(lost_dir.path());
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    claim(&s, &mut c).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let r = resend_date(&s, &mut c, day).unwrap();
    assert_eq!((r.sent, r.already), (30, 0));
    let r = resend_date(&s, &mut c, day).unwrap();
    assert_eq!((r.sent, r.already), (0, 30), "the server keeps what it has");
    assert_eq!(doc_count(&h, "caja-docs"), 30);
    let other = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    assert_eq!(resend_date(&s, &mut c, other).unwrap().batches, 0);
    h.stop();
}
