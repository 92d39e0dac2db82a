//! The hub against hostile clients on loopback: slow and idle connections, bad bodies, huge
//! request lines, poisoned and forged documents, rewritten sales, password guessing; and a
//! hostile load while two registers push 5,000 documents each.

use crate::common::*;
use caja::domain::document::DocBody;
use caja::store::Commit;
use caja::store::Store;
use caja::sync::client::{claim, push};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// One raw HTTP/1.1 exchange on a new connection: the status and the body.
fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: hub\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(a) = auth {
        req.push_str(&format!("Authorization: {a}\r\n"));
    }
    req.push_str("Content-Type: application/json\r\n\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut r = BufReader::new(s);
    let mut status = String::new();
    r.read_line(&mut status).unwrap();
    let code = status
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut rest = String::new();
    let _ = r.read_to_string(&mut rest);
    let body = rest.split_once("\r\n\r\n").map_or("", |x| x.1).to_string();
    (code, body)
}

fn fv1() -> String {
    basic("FV1", "clave-fv1-segura")
}

#[test]
fn idle_and_slow_clients_never_stop_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    // Four (and forty) clients that announce a body and send one byte, then nothing.
    let stalled: Vec<TcpStream> = (0..40)
        .map(|_| {
            let mut s = TcpStream::connect(h.addr).unwrap();
            s.write_all(b"PUT /caja-docs/x HTTP/1.1\r\nContent-Length: 5000\r\n\r\nx")
                .unwrap();
            s
        })
        .collect();
    let t = Instant::now();
    let (code, _) = raw(h.addr, "GET", "/", None, "");
    assert_eq!(code, 200);
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    drop(stalled);
    h.stop();
}

#[test]
fn bad_bodies_are_refused_and_the_hub_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    for body in ["\"x\"", "[1,2]", "[]", "{", "null"] {
        for _ in 0..3 {
            let (code, text) = raw(h.addr, "PUT", "/caja-docs/sale:FV1-y1", Some(&fv1()), body);
            assert!((400..500).contains(&code), "{body}: {code} {text}");
        }
    }
    let (code, text) = raw(h.addr, "GET", "/caja-docs", Some(&fv1()), "");
    assert_eq!(code, 200, "{text}");
}

#[test]
fn a_huge_request_line_is_cut_off_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let mut s = TcpStream::connect(h.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let line = vec![b'A'; 64 * 1024];
    // The hub answers and closes long before the line ends; the writes after that may fail.
    let _ = s.write_all(b"GET /");
    let _ = s.write_all(&line);
    let mut answer = String::new();
    let _ = BufReader::new(s).read_line(&mut answer);
    assert!(answer.contains(" 431 "), "{answer:?}");
    let (code, _) = raw(h.addr, "GET", "/", None, "");
    assert_eq!(code, 200);
}

#[test]
fn a_poisoned_customer_is_refused_and_pulls_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let bad = json!({"type": "customer", "doc_type": "XX", "doc_number": "1", "name": "x"});
    let (code, text) = raw(
        h.addr,
        "PUT",
        "/caja-docs/customer:BAD-1",
        Some(&fv1()),
        &bad.to_string(),
    );
    assert_eq!(code, 403, "{text}");
    assert!(text.contains("XX"), "{text}");
    // In a replicated batch too: that document is refused by id and reason.
    let (code, text) = raw(
        h.addr,
        "POST",
        "/caja-docs/_bulk_docs",
        Some(&fv1()),
        &json!({"new_edits": false, "docs": [{"_id": "customer:BAD-1", "_rev": "1-ab", "type": "customer", "doc_type": "XX"}]})
            .to_string(),
    );
    assert_eq!(code, 201);
    assert!(
        text.contains("customer:BAD-1") && text.contains("forbidden"),
        "{text}"
    );
    // CouchDB's failure rows carry the revision refused.
    assert!(text.contains(r#""rev":"1-ab""#), "{text}");
    let admin = basic("admin", "clave-admin-segura");
    let (_, all) = raw(h.addr, "GET", "/caja-catalog/_all_docs", Some(&admin), "");
    assert!(!all.contains("BAD-1"), "{all}");

    // A bad product is refused even from the admin (nothing reaches caja-catalog unchecked);
    // a good one goes in.
    let bad = json!({"_id": "product:ZZZ", "type": "product", "sku": "ZZZ", "name": "Bad", "price": "abc", "tax_rate": "19"});
    let (code, text) = raw(
        h.addr,
        "PUT",
        "/caja-catalog/product:ZZZ",
        Some(&admin),
        &bad.to_string(),
    );
    assert_eq!(code, 403, "{text}");
    let good = json!({"type": "product", "sku": "OK1", "name": "Bueno", "price": "1500", "tax_rate": "19"});
    let (code, text) = raw(
        h.addr,
        "PUT",
        "/caja-catalog/product:OK1",
        Some(&admin),
        &good.to_string(),
    );
    assert_eq!(code, 201, "{text}");
    // One put in the catalog's store by hand (a file edited, another tool): a partial pull
    // refuses it by id and reason and applies the rest; a replace stops and changes nothing.
    h.stop();
    let hub_again = caja::hub::Hub::open(dir.path()).unwrap();
    hub_again.store().put("caja-catalog", bad).unwrap();
    let h = hub_again.serve("127.0.0.1:0").unwrap();
    let rdir = tempfile::tempdir().unwrap();
    let s = demo_store(rdir.path());
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    let r = caja::sync::client::pull(&s, &mut c, caja::sync::client::PullMode::Partial, |_| {})
        .unwrap();
    assert_eq!(r.refused.len(), 1, "{:?}", r.refused);
    assert!(
        r.refused[0].id == "product:ZZZ" && r.refused[0].to_string().contains("price"),
        "{:?}",
        r.refused
    );
    assert!(s.lookup_code("OK1").unwrap().is_some());
    let e = caja::sync::client::pull(&s, &mut c, caja::sync::client::PullMode::Replace, |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("product:ZZZ") && e.contains("left as it was"),
        "{e}"
    );
    assert!(!e.contains("CouchDB"), "{e}");
    h.stop();
}

#[test]
fn forged_points_and_rewritten_sales_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let rdir = tempfile::tempdir().unwrap();
    let _s = pushed(&h, rdir.path(), 3);
    let forged = json!({"type": "points", "source": "FV1-999001", "customer": "CC-12345678",
        "points": "9223372036854775807", "earned": "9223372036854775807", "redeemed": "0"});
    let (code, text) = raw(
        h.addr,
        "PUT",
        "/caja-docs/points:FV1-999001",
        Some(&fv1()),
        &forged.to_string(),
    );
    assert_eq!(code, 403, "{text}");
    assert!(text.contains("holds no FV1-999001"), "{text}");

    // A stored sale is never edited nor deleted, with or without its revision.
    let (code, sale) = raw(
        h.addr,
        "GET",
        "/caja-docs/sale:FV1-000001",
        Some(&fv1()),
        "",
    );
    assert_eq!(code, 200);
    let sale: Value = serde_json::from_str(&sale).unwrap();
    let mut deleted = sale.clone();
    deleted["_deleted"] = json!(true);
    let mut edited = sale.clone();
    edited["cashier"] = json!("nadie");
    for d in [deleted, edited] {
        let (code, text) = raw(
            h.addr,
            "PUT",
            "/caja-docs/sale:FV1-000001",
            Some(&fv1()),
            &d.to_string(),
        );
        assert!(code == 403 || code == 409, "{code} {text}");
    }
    let mut other_rev = sale.clone();
    other_rev["_rev"] = json!("2-0123456789abcdef0123456789abcdef");
    other_rev["total"] = json!("1");
    let (_, text) = raw(
        h.addr,
        "POST",
        "/caja-docs/_bulk_docs",
        Some(&fv1()),
        &json!({"new_edits": false, "docs": [other_rev]}).to_string(),
    );
    assert!(
        text.contains("sale:FV1-000001") && text.contains("forbidden"),
        "{text}"
    );
    let (_, again) = raw(
        h.addr,
        "GET",
        "/caja-docs/sale:FV1-000001",
        Some(&fv1()),
        "",
    );
    let again: Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again, sale, "the sale is as it was pushed");

    // The status page counts by the register in the id: a body that names FV2 is refused.
    let mut forged_sale = sale.clone();
    forged_sale["register"] = json!("FV2");
    forged_sale["number"] = json!("FV1-888888");
    forged_sale.as_object_mut().unwrap().remove("_rev");
    let (code, text) = raw(
        h.addr,
        "PUT",
        "/caja-docs/sale:FV1-888888",
        Some(&fv1()),
        &forged_sale.to_string(),
    );
    assert_eq!(code, 403, "{text}");
    h.stop();
}

#[test]
fn unknown_users_cost_what_known_ones_do_and_guessing_is_throttled() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    // The register logs in once, as it does at every sync.
    let (code, _) = raw(h.addr, "GET", "/caja-docs", Some(&fv1()), "");
    assert_eq!(code, 200);
    let time = |user: &str| {
        let t = Instant::now();
        let (code, _) = raw(
            h.addr,
            "GET",
            "/caja-docs",
            Some(&basic(user, "wrong-password")),
            "",
        );
        assert_eq!(code, 401);
        t.elapsed()
    };
    // Alternate, so that a busy moment of the machine falls on both; compare medians.
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..4 {
        known.push(time("FV1"));
        unknown.push(time(&format!("nadie{i}")));
    }
    for i in 4..8 {
        unknown.push(time(&format!("nadie{i}")));
    }
    known.sort();
    unknown.sort();
    let (k, u) = (known[known.len() / 2], unknown[unknown.len() / 2]);
    let ratio = k.as_secs_f64() / u.as_secs_f64();
    eprintln!("wrong password, median: known user {k:?}, unknown {u:?} (ratio {ratio:.2})");
    assert!((0.5..=2.0).contains(&ratio), "{known:?} vs {unknown:?}");

    // The fifth failure for FV1 from this address: from then on 429, not even checked.
    let _ = time("FV1");
    let (code, text) = raw(
        h.addr,
        "GET",
        "/caja-docs",
        Some(&basic("FV1", "another-guess")),
        "",
    );
    assert_eq!(code, 429, "{text}");
    // The register itself, whose password the hub verified before, goes on.
    let (code, _) = raw(h.addr, "GET", "/caja-docs", Some(&fv1()), "");
    assert_eq!(code, 200);
    h.stop();
}

#[test]
fn hub_users_are_listed_changed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    for args in [
        vec![
            "hub",
            "--data-dir",
            d,
            "user",
            "add",
            "FV1",
            "--password",
            "clave-fv1-segura",
        ],
        vec![
            "hub",
            "--data-dir",
            d,
            "user",
            "add",
            "admin",
            "--password",
            "clave-admin-segura",
            "--admin",
        ],
        vec![
            "hub",
            "--data-dir",
            d,
            "user",
            "passwd",
            "FV1",
            "--password",
            "otra-clave-fv1",
        ],
    ] {
        let o = run(&args);
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = run(&["hub", "--data-dir", d, "user", "list"]);
    let list = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        list.contains("FV1\tregister") && list.contains("admin\tadmin"),
        "{list}"
    );
    let o = run(&["hub", "--data-dir", d, "user", "remove", "FV1"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["hub", "--data-dir", d, "user", "list"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("FV1"));
    let o = run(&["hub", "--data-dir", d, "user", "remove", "FV1"]);
    assert!(!o.status.success());
}

/// A register of `code` with `n` sales, claimed on the hub at `addr`.
fn register(
    dir: &std::path::Path,
    code: &str,
    n: u64,
    addr: SocketAddr,
) -> (Store, caja::sync::client::Client) {
    let mut p = params("COP");
    p.register = caja::domain::numbering::RegisterCode::parse(code).unwrap();
    let s = Store::create(dir, p).unwrap();
    let products = caja::csvio::demo_catalog(&s.info().currency);
    s.apply_catalog(&products, caja::store::catalog::ApplyMode::Replace)
        .unwrap();
    let bodies: Vec<_> = (0..n)
        .map(|i| caja::dev::soak::soak_ticket(&s, &products, i).unwrap())
        .collect();
    s.commit(&header(22, 0), Commit::docs(bodies)).unwrap();
    let mut c = caja::config::Config::defaults().sync;
    c.url = format!("http://{addr}");
    c.user = code.into();
    c.password = format!("clave-{}-segura", code.to_ascii_lowercase());
    let mut client = caja::sync::client::Client::new(&c).unwrap();
    claim(&s, &mut client).unwrap();
    (s, client)
}

/// While two registers push 5,000 documents each, 200 connections send partial requests, 50
/// send bad bodies, 20 send oversized request lines and a client guesses passwords. Every
/// document lands once, normal requests are answered within a second, the hub stays small.
#[test]
fn a_hostile_load_stops_nothing() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(hub_dir.path());
    let addr = hub.addr;
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (s1, c1) = register(d1.path(), "FV1", 5_000, addr);
    let (s2, c2) = register(d2.path(), "FV2", 5_000, addr);
    let done = Arc::new(AtomicBool::new(false));
    let mut attackers = Vec::new();

    // 200 connections that start a request and stall, from an address of their own (the
    // hub serves each address its share); re-opened as the hub drops them.
    attackers.push(std::thread::spawn({
        let done = done.clone();
        move || {
            while !done.load(Ordering::SeqCst) {
                let stalled: Vec<TcpStream> = (0..200)
                    .filter_map(|_| {
                        let mut s = try_connect_from([127, 0, 0, 3].into(), addr)?;
                        s.write_all(b"PUT /caja-docs/x HTTP/1.1\r\nContent-Length: 5000\r\n\r\nx")
                            .ok()?;
                        Some(s)
                    })
                    .collect();
                let until = Instant::now() + Duration::from_secs(5);
                while Instant::now() < until && !done.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(50));
                }
                drop(stalled);
            }
        }
    }));
    // 50 bad bodies from a register.
    let refused = Arc::new(AtomicU32::new(0));
    attackers.push(std::thread::spawn({
        let refused = refused.clone();
        move || {
            for i in 0..50 {
                let body = ["\"x\"", "[1,2]", "[]", "{"][i % 4];
                let (code, _) = raw(addr, "PUT", "/caja-docs/sale:FV1-y1", Some(&fv1()), body);
                if (400..500).contains(&code) {
                    refused.fetch_add(1, Ordering::SeqCst);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }));
    // 20 request lines of 1 MiB.
    let cut = Arc::new(AtomicU32::new(0));
    attackers.push(std::thread::spawn({
        let cut = cut.clone();
        move || {
            let line = vec![b'A'; 1024 * 1024];
            for _ in 0..20 {
                let Ok(mut s) = TcpStream::connect(addr) else {
                    continue;
                };
                let _ = s.set_read_timeout(Some(Duration::from_secs(15)));
                let _ = s.write_all(b"GET /");
                let _ = s.write_all(&line);
                let mut answer = String::new();
                let _ = BufReader::new(s).read_line(&mut answer);
                if answer.contains(" 431 ") {
                    cut.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    }));
    // A password guesser.
    let throttled = Arc::new(AtomicU32::new(0));
    attackers.push(std::thread::spawn({
        let (done, throttled) = (done.clone(), throttled.clone());
        move || {
            let mut i = 0;
            while !done.load(Ordering::SeqCst) {
                let (code, _) = raw(
                    addr,
                    "GET",
                    "/caja-docs",
                    Some(&basic("FV1", &format!("guess{i}"))),
                    "",
                );
                if code == 429 {
                    throttled.fetch_add(1, Ordering::SeqCst);
                }
                i += 1;
            }
        }
    }));
    // A normal client, timed.
    let probe = std::thread::spawn({
        let done = done.clone();
        move || {
            let mut times = Vec::new();
            while !done.load(Ordering::SeqCst) {
                let t = Instant::now();
                let (code, _) = raw(addr, "GET", "/", None, "");
                assert_eq!(code, 200);
                times.push(t.elapsed());
                std::thread::sleep(Duration::from_millis(20));
            }
            times
        }
    });

    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    let pushes: Vec<_> = [(s1, c1), (s2, c2)]
        .into_iter()
        .map(|(s, mut c)| {
            std::thread::spawn(move || {
                let r = push(&s, &mut c, |_, _| {}).unwrap();
                (r, s.view().unwrap().outbox_len().unwrap())
            })
        })
        .collect();
    for p in pushes {
        let (r, left) = p.join().unwrap();
        assert_eq!(
            (r.sent, r.rejected.len(), left),
            (5_000, 0, 0),
            "{:?}",
            r.rejected
        );
    }
    let pushed_in = t.elapsed();
    // Let the bad bodies and the long lines finish, then stop the attack.
    for a in attackers.drain(1..3) {
        a.join().unwrap();
    }
    // The guesser needs six wrong passwords (each a full argon2 check) before the hub answers
    // 429; on a busy machine the pushes may finish first. Give it until throttled, or 10 s.
    let waited = Instant::now();
    while throttled.load(Ordering::SeqCst) == 0 && waited.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    done.store(true, Ordering::SeqCst);
    for a in attackers {
        a.join().unwrap();
    }
    let mut times = probe.join().unwrap();
    times.sort();
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    let peak = hub.peak_rss_kib();
    eprintln!(
        "hostile load: 10,000 documents pushed in {pushed_in:?}; {} normal requests, p99 {p99:?}, \
         max {:?}; hub peak RSS {} MiB; {} bad bodies refused, {} long lines cut, {} guesses \
         answered 429",
        times.len(),
        times.last().unwrap(),
        peak / 1024,
        refused.load(Ordering::SeqCst),
        cut.load(Ordering::SeqCst),
        throttled.load(Ordering::SeqCst),
    );
    assert!(p99 < Duration::from_secs(1), "p99 {p99:?}");
    assert!(peak < 128 * 1024, "peak RSS {peak} KiB");
    assert_eq!(refused.load(Ordering::SeqCst), 50);
    assert_eq!(cut.load(Ordering::SeqCst), 20);
    assert!(throttled.load(Ordering::SeqCst) > 0);
    // Every document once, and the hub still answers.
    let admin = basic("admin", "clave-admin-segura");
    let (code, info) = raw(addr, "GET", "/caja-docs", Some(&admin), "");
    assert_eq!(code, 200, "{info}");
    let info: Value = serde_json::from_str(&info).unwrap();
    assert_eq!(info["doc_count"], 10_000);
}

/// `caja doctor` logs in: a wrong password is a failure that says so, not "sync OK".
#[test]
fn doctor_checks_the_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let mut config = caja::config::Config::defaults();
    config.sync.url = format!("http://{}", h.addr);
    config.sync.user = "FV1".into();
    config.sync.password = "clave-equivocada".into();
    let findings = caja::doctor::sync_check(&config);
    let sync: Vec<_> = findings
        .iter()
        .filter(|x| x.what == caja::i18n::Check::Sync)
        .collect();
    assert!(
        sync.iter().any(|x| x.level == caja::doctor::Level::Fail
            && x.detail.contains("rechaza al usuario 'FV1'")),
        "{findings:?}"
    );
    config.sync.password = "clave-fv1-segura".into();
    let findings = caja::doctor::sync_check(&config);
    assert!(
        findings.iter().any(|x| x.what == caja::i18n::Check::Sync
            && x.level == caja::doctor::Level::Ok
            && x.detail.contains("acepta al usuario 'FV1'")),
        "{findings:?}"
    );
    h.stop();
}

/// The status page counts refunds negative, by the register their id names, and nets them.
#[test]
fn the_status_page_nets_refunds() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let rdir = tempfile::tempdir().unwrap();
    let s = pushed(&h, rdir.path(), 2);
    let r = s
        .commit(
            &header(22, 30),
            Commit::refund(
                "FV1-000001",
                &[caja::domain::refund::ReturnedLine {
                    line: 0,
                    qty: caja::domain::qty::Qty::ONE,
                }],
                "roto",
                Vec::new(),
                &Default::default(),
            )
            .printed(),
        )
        .unwrap();
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    push(&s, &mut c, |_, _| {}).unwrap();
    let DocBody::Refund(rf) = s.view().unwrap().doc(r.seq).unwrap().unwrap().doc.body else {
        panic!()
    };
    let sold: i64 = (1..=2)
        .map(|n| match body_of(&s, &format!("FV1-00000{n}")) {
            DocBody::Sale(x) => x.total.minor(),
            _ => 0,
        })
        .sum();
    let mut req = String::from(
        "GET /?date=2026-11-22 HTTP/1.1\r\nHost: hub\r\nConnection: close\r\nAccept: text/html\r\n",
    );
    req.push_str(&format!(
        "Authorization: {}\r\n\r\n",
        basic("admin", "clave-admin-segura")
    ));
    let mut sock = TcpStream::connect(h.addr).unwrap();
    sock.write_all(req.as_bytes()).unwrap();
    let mut page = String::new();
    sock.read_to_string(&mut page).unwrap();
    let refunded = rf.total.minor();
    let cop = caja::domain::money::Currency::by_code("COP").unwrap();
    let m = |v: i64| cop.format_symbol(caja::domain::money::Money::from_minor(v));
    let body = page.split_once("\r\n\r\n").map_or("", |x| x.1);
    let cells = crate::common::dashboard_row(body, "FV1");
    assert_eq!(cells[7], m(sold), "{cells:?}");
    assert_eq!(cells[8], format!("{} (1)", m(refunded)), "{cells:?}");
    assert_eq!(cells[9], m(sold - refunded), "{cells:?}");
    // The totals row across registers says the same.
    assert!(
        page.contains(&format!("<td class=\"n\">{}</td>", m(sold - refunded))),
        "{page}"
    );
    h.stop();
}

/// Nothing reaches caja-catalog unchecked, not even from the admin: a product the registers
/// would refuse on their pull (a control character in its name, a negative or 20-digit price) is
/// refused by the hub, and a good one goes in.
#[test]
fn the_admin_cannot_write_a_product_the_registers_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let admin = basic("admin", "clave-admin-segura");
    let doc = |name: &str, price: &str| {
        json!({
            "type": "product", "sku": "REF", "name": name, "barcodes": [],
            "price": price, "tax_rate": "19", "active": true
        })
        .to_string()
    };
    for (name, price) in [
        ("Refresco\u{1b}[2J", "3500.00"),
        ("Refresco", "-3500.00"),
        ("Refresco", "99999999999999999999"),
        ("", "3500.00"),
    ] {
        let (code, body) = raw(
            h.addr,
            "PUT",
            "/caja-catalog/product:REF",
            Some(&admin),
            &doc(name, price),
        );
        assert!(
            (400..500).contains(&code),
            "{name:?} {price}: {code} {body}"
        );
    }
    let (code, body) = raw(
        h.addr,
        "PUT",
        "/caja-catalog/product:REF",
        Some(&admin),
        &doc("Refresco 2 l", "3500.00"),
    );
    assert!((200..300).contains(&code), "{code} {body}");
    h.stop();
}

/// A TCP connection to `to` from the loopback address `from`.
fn try_connect_from(from: std::net::Ipv4Addr, to: SocketAddr) -> Option<TcpStream> {
    use rustix::net::{AddressFamily, SocketType, bind, connect, socket};
    let fd = socket(AddressFamily::INET, SocketType::STREAM, None).ok()?;
    bind(&fd, &SocketAddr::from((from, 0))).ok()?;
    connect(&fd, &to).ok()?;
    Some(TcpStream::from(fd))
}

fn connect_from(from: std::net::Ipv4Addr, to: SocketAddr) -> TcpStream {
    try_connect_from(from, to).expect("a loopback connection from a second address")
}

/// Idle connections from one address (with TLS, clients that never finish a handshake) take
/// no more than that address's share: every other address is served, and a handshake that
/// does not finish is dropped within the headers' deadline.
#[test]
fn one_address_cannot_take_every_connection() {
    let dir = tempfile::tempdir().unwrap();
    let hub = caja::hub::Hub::open(dir.path()).unwrap();
    let limits = caja::hub::http::Limits {
        connections: 40,
        per_address: 8,
        head_time: Duration::from_millis(700),
        ..caja::hub::http::Limits::default()
    };
    let h = hub.serve_with("127.0.0.1:0", limits).unwrap();
    let idle: Vec<TcpStream> = (0..8)
        .map(|_| connect_from([127, 0, 0, 3].into(), h.addr))
        .collect();
    // The ninth from that address is turned away at once.
    let mut ninth = connect_from([127, 0, 0, 3].into(), h.addr);
    ninth
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = String::new();
    let _ = ninth.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer:?}");
    // Another address is served as usual.
    let mut other = connect_from([127, 0, 0, 2].into(), h.addr);
    other
        .write_all(b"GET / HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
        .unwrap();
    other
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = String::new();
    let _ = other.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
    // A new connection that sends nothing is closed at the headers' deadline, not after the
    // idle time.
    let t = Instant::now();
    let mut silent = idle.into_iter().next().unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = silent.read_to_end(&mut rest);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "held {:?}",
        t.elapsed()
    );
    h.stop();
}

/// The hub's own commands work while it serves: a user added, changed, listed and removed, and
/// a catalog loaded, through the serving hub (its socket), in the folder's language.
#[test]
fn the_hubs_commands_work_while_it_serves() {
    let dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(dir.path());
    let d = dir.path().to_str().unwrap();
    let o = run(&[
        "hub",
        "--data-dir",
        d,
        "user",
        "add",
        "FV9",
        "--password",
        "clave-fv9-segura",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("lock"), "{}", text(&o));
    let o = run(&["hub", "--data-dir", d, "user", "list"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("FV9\tregister"),
        "{}",
        text(&o)
    );
    // The new user logs in at once.
    let (code, _) = raw(
        hub.addr,
        "GET",
        "/caja-docs",
        Some(&basic("FV9", "clave-fv9-segura")),
        "",
    );
    assert_eq!(code, 200);
    // A refusal comes back as the hub words it.
    let o = run(&[
        "hub",
        "--data-dir",
        d,
        "user",
        "add",
        "FV8",
        "--password",
        "corta",
    ]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("una contraseña necesita al menos 8 caracteres"),
        "{}",
        text(&o)
    );
    let o = run(&["hub", "--data-dir", d, "user", "remove", "FV9"]);
    assert!(o.status.success(), "{}", text(&o));
    // A catalog, from a path relative to where the command runs.
    let csv = dir.path().join("cat.csv");
    std::fs::write(
        &csv,
        "sku,barcode,name,price,tax_rate\nREF,,Refresco,3.500,19\n",
    )
    .unwrap();
    let o = caja()
        .current_dir(dir.path())
        .args(["hub", "--data-dir", d, "catalog", "import", "cat.csv"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let (code, body) = raw(
        hub.addr,
        "GET",
        "/caja-catalog/product:REF",
        Some(&basic("admin", "clave-admin-segura")),
        "",
    );
    assert_eq!(code, 200, "{body}");
}

/// What standard CouchDB clients need of the hub before they can even open a database (issue:
/// "the hub stops every standard CouchDB client except caja's own"): a closed connection says
/// so, HEAD answers, the database's info has `instance_start_time`, `_up`, `_uuids` and
/// `_all_dbs` answer, a revision the hub does not hold is missing, and `since=now` is now.
#[test]
fn the_hub_answers_what_standard_couchdb_clients_ask_first() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let admin = basic("admin", "clave-admin-segura");
    // Connection: close in the request: the answer says it, then the socket closes.
    let mut s = TcpStream::connect(h.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET /caja-docs HTTP/1.1\r\nHost: hub\r\nConnection: close\r\nAuthorization: {admin}\r\n\r\n"
    )
    .unwrap();
    let mut all = String::new();
    s.read_to_string(&mut all).unwrap();
    let (head, body) = all.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.lines()
            .any(|l| l.eq_ignore_ascii_case("connection: close")),
        "{head}"
    );
    let info: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(info["instance_start_time"], "0", "{info}");
    assert_eq!(info["db_name"], "caja-docs");

    // HEAD of a database and of a document: the GET's status, no body.
    let (code, body) = raw(h.addr, "HEAD", "/caja-docs", Some(&admin), "");
    assert_eq!((code, body.as_str()), (200, ""));
    let (code, _) = raw(
        h.addr,
        "HEAD",
        "/caja-docs/sale:FV1-000001",
        Some(&admin),
        "",
    );
    assert_eq!(code, 404);
    let (code, _) = raw(h.addr, "HEAD", "/caja-nothing", Some(&admin), "");
    assert_eq!(code, 404);

    let (code, body) = raw(h.addr, "GET", "/_up", None, "");
    assert_eq!((code, body.contains("\"ok\"")), (200, true), "{body}");
    let (code, body) = raw(h.addr, "GET", "/_uuids?count=3", Some(&fv1()), "");
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let uuids = v["uuids"].as_array().unwrap();
    assert_eq!(uuids.len(), 3);
    assert!(uuids.iter().all(|u| u.as_str().unwrap().len() == 32));
    assert_ne!(uuids[0], uuids[1]);
    for bad in ["0", "1001", "tres"] {
        let (code, _) = raw(
            h.addr,
            "GET",
            &format!("/_uuids?count={bad}"),
            Some(&fv1()),
            "",
        );
        assert_eq!(code, 400, "count={bad}");
    }
    let (code, body) = raw(h.addr, "GET", "/_all_dbs", Some(&admin), "");
    assert_eq!(code, 200, "{body}");
    let dbs: Vec<String> = serde_json::from_str(&body).unwrap();
    for db in ["caja-catalog", "caja-docs", "caja-registers"] {
        assert!(dbs.iter().any(|d| d == db), "{dbs:?}");
    }
    let (code, _) = raw(h.addr, "GET", "/_all_dbs", Some(&fv1()), "");
    assert_eq!(code, 403, "a register does not list databases");

    // A document at a revision the hub holds, and at one it does not.
    let doc = r#"{"_id":"product:X1","type":"product","sku":"X1","name":"Uno","barcodes":[],"price":"1000","tax_rate":"19","active":true}"#;
    let (code, body) = raw(h.addr, "PUT", "/caja-catalog/product:X1", Some(&admin), doc);
    assert_eq!(code, 201, "{body}");
    let rev = serde_json::from_str::<serde_json::Value>(&body).unwrap()["rev"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, _) = raw(
        h.addr,
        "GET",
        &format!("/caja-catalog/product:X1?rev={rev}"),
        Some(&fv1()),
        "",
    );
    assert_eq!(code, 200);
    let (code, body) = raw(
        h.addr,
        "GET",
        "/caja-catalog/product:X1?rev=1-ffffffffffffffffffffffffffffffff",
        Some(&fv1()),
        "",
    );
    assert_eq!(code, 404, "{body}");
    assert!(body.contains("missing"), "{body}");

    // A replicator's checkpoint in _local: written at its revision, read back, never a change.
    let local = "/caja-docs/_local/7a1f3c";
    let (code, _) = raw(h.addr, "GET", local, Some(&fv1()), "");
    assert_eq!(code, 404);
    let (code, body) = raw(
        h.addr,
        "PUT",
        local,
        Some(&fv1()),
        r#"{"history":[],"session_id":"s1"}"#,
    );
    assert_eq!(code, 201, "{body}");
    assert!(
        body.contains(r#""rev":"0-1""#) && body.contains("_local/7a1f3c"),
        "{body}"
    );
    let (code, body) = raw(h.addr, "GET", local, Some(&fv1()), "");
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (v["_id"].as_str(), v["_rev"].as_str()),
        (Some("_local/7a1f3c"), Some("0-1"))
    );
    assert_eq!(v["session_id"], "s1");
    let (code, _) = raw(h.addr, "PUT", local, Some(&fv1()), r#"{"session_id":"s2"}"#);
    assert_eq!(code, 409, "over a held checkpoint only at its revision");
    let (code, body) = raw(
        h.addr,
        "PUT",
        local,
        Some(&fv1()),
        r#"{"_rev":"0-1","session_id":"s2"}"#,
    );
    assert_eq!(code, 201, "{body}");
    assert!(body.contains(r#""rev":"0-2""#), "{body}");
    let big = format!(r#"{{"pad":"{}"}}"#, "x".repeat(70 * 1024));
    let (code, _) = raw(h.addr, "PUT", "/caja-docs/_local/big", Some(&fv1()), &big);
    assert_eq!(code, 400, "a checkpoint is small");
    let (_, body) = raw(
        h.addr,
        "GET",
        "/caja-docs/_changes?since=0",
        Some(&admin),
        "",
    );
    assert!(!body.contains("_local"), "{body}");

    // since=now: the sequence now, and a change after it is seen.
    let (code, body) = raw(
        h.addr,
        "GET",
        "/caja-catalog/_changes?since=now",
        Some(&fv1()),
        "",
    );
    assert_eq!(code, 200, "{body}");
    let now: serde_json::Value = serde_json::from_str(&body).unwrap();
    let last = now["last_seq"].clone();
    assert_ne!(last, serde_json::json!("18446744073709551615"), "{now}");
    assert!(now["results"].as_array().unwrap().is_empty(), "{now}");
    let doc2 = doc.replace("X1", "X2");
    let (code, _) = raw(
        h.addr,
        "PUT",
        "/caja-catalog/product:X2",
        Some(&admin),
        &doc2,
    );
    assert_eq!(code, 201);
    let since = last
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| last.to_string());
    let (_, body) = raw(
        h.addr,
        "GET",
        &format!("/caja-catalog/_changes?since={since}"),
        Some(&fv1()),
        "",
    );
    assert!(
        body.contains("product:X2") && !body.contains("product:X1"),
        "{body}"
    );
}
