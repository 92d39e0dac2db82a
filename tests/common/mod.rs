#![allow(dead_code)]
//! Helpers shared by the integration tests: a provisioned store in a temp dir and the real binary.

use caja::domain::document::Stamp;
use caja::domain::money::Currency;
use caja::domain::numbering::RegisterCode;
use caja::store::Commit;
use caja::store::catalog::ApplyMode;
use caja::store::{DocHeader, InitParams, Store};
use chrono::{FixedOffset, NaiveDate, TimeZone};
use std::path::Path;
use std::process::{Command, Output};

pub mod couch;

pub fn caja() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_caja"));
    c.env_remove("CAJA_DATA_DIR")
        .env_remove("LC_ALL")
        .env("LANG", "C");
    c
}

pub fn run(args: &[&str]) -> Output {
    caja().args(args).output().unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn params(currency: &str) -> InitParams {
    InitParams {
        name: "Tienda Uno".into(),
        register: RegisterCode::parse("FV1").unwrap(),
        currency: Currency::by_code(currency).unwrap(),
        prices_include_tax: true,
        supervisor: "ana".into(),
        pin: "1234".into(),
        now_utc_ms: 1_795_000_000_000,
    }
}

/// A COP store with the demo catalog.
pub fn demo_store(dir: &Path) -> Store {
    let s = Store::create(dir, params("COP")).unwrap();
    s.apply_catalog(
        &caja::csvio::demo_catalog(&s.info().currency),
        ApplyMode::Replace,
    )
    .unwrap();
    s
}

/// The register's clock stopped at 2026-11-22 09:41, Bogotá time.
pub fn clock_at_941() -> caja::app::Clock {
    clock_at(9, 41)
}

/// The register's clock stopped on 2026-11-22 at `hour`:`minute`, Bogotá time.
pub fn clock_at(hour: u32, minute: u32) -> caja::app::Clock {
    Box::new(move || {
        FixedOffset::west_opt(5 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 22, hour, minute, 0)
            .unwrap()
    })
}

/// An app over a demo store in `dir`, its first business date opened and the supervisor
/// `ana` logged in at the sale screen.
pub fn selling_with(
    dir: &Path,
    config: caja::config::Config,
    clock: caja::app::Clock,
) -> caja::app::App {
    use caja::app::{App, Popup, Screen};
    drop(demo_store(dir));
    let mut app = App::new(
        dir.to_path_buf(),
        Some(Store::open(dir).unwrap()),
        config,
        clock,
    );
    keys(&mut app, "ana\n1234\n");
    assert!(
        matches!(app.screen, Screen::Opening(_)),
        "no shift opening: {:?}",
        app.message
    );
    // The store's first business date: the supervisor confirms it.
    keys(&mut app, "0\n");
    assert!(
        matches!(app.popup, Some(Popup::Pin(_))),
        "{:?}",
        app.message
    );
    keys(&mut app, "ana\n1234\n");
    assert!(
        matches!(app.screen, Screen::Sale),
        "login failed: {:?}",
        app.message
    );
    app
}

/// [`selling_with`] the default settings and the clock at 09:41.
pub fn selling(dir: &Path) -> caja::app::App {
    selling_with(dir, caja::config::Config::defaults(), clock_at_941())
}

/// The default theme without colours, on a UTF-8 xterm: screens compare as plain text.
pub fn mono_theme() -> caja::ui::theme::Theme {
    caja::ui::theme::Theme::for_terminal(
        "default",
        &caja::ui::theme::TermEnv {
            term: "xterm".into(),
            no_color: true,
            locale: "es_CO.UTF-8".into(),
        },
    )
}

/// A fixed clock: 2026-11-22 plus `minutes`, in Bogotá time.
/// Gives back one unit of the first line of the sale `number`, "roto", its receipt queued.
pub fn refund_one(
    s: &Store,
    h: &DocHeader,
    number: &str,
) -> Result<caja::store::Committed, caja::store::StoreError> {
    let one = [caja::domain::refund::ReturnedLine {
        line: 0,
        qty: caja::domain::qty::Qty::ONE,
    }];
    let rules = Default::default();
    s.commit(
        h,
        Commit::refund(number, &one, "roto", Vec::new(), &rules).printed(),
    )
}

pub fn header(day: u32, minutes: i64) -> DocHeader {
    let tz = FixedOffset::west_opt(5 * 3600).unwrap();
    let at =
        tz.with_ymd_and_hms(2026, 11, day, 8, 0, 0).unwrap() + chrono::Duration::minutes(minutes);
    DocHeader {
        business_date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
        at: Stamp::from_datetime(at),
        cashier: "ana".into(),
    }
}

pub fn init_cli(dir: &Path) {
    init_named(dir, "Tienda Uno");
}

/// `caja init` of a Spanish register FV1 with the demo catalog, for a store of this name.
pub fn init_named(dir: &Path, name: &str) {
    init_in(dir, name, "es");
}

/// `caja init` of a register FV1 in `language` with the demo catalog; what it said.
pub fn init_in(dir: &Path, name: &str, language: &str) -> String {
    let o = run(&[
        "init",
        "--data-dir",
        dir.to_str().unwrap(),
        "--store",
        name,
        "--register",
        "FV1",
        "--supervisor",
        "ana",
        "--pin",
        "1234",
        "--demo",
        "--language",
        language,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

/// The pull history as English text, oldest first.
pub fn history_lines(s: &Store) -> Vec<String> {
    s.pull_history()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// `caja journal` over a date range, with extra arguments.
pub fn journal(data: &str, from: &str, to: &str, extra: &[&str]) -> Output {
    let mut args = vec!["journal", "--data-dir", data, "--from", from, "--to", to];
    args.extend_from_slice(extra);
    run(&args)
}

/// A hub on loopback with users FV1, FV2 and an admin.
pub fn hub(dir: &Path) -> caja::hub::HubHandle {
    let hub = caja::hub::Hub::open(dir).unwrap();
    hub.store()
        .add_user("FV1", "clave-fv1-segura", false)
        .unwrap();
    hub.store()
        .add_user("FV2", "clave-fv2-segura", false)
        .unwrap();
    hub.store()
        .add_user("admin", "clave-admin-segura", true)
        .unwrap();
    hub.serve("127.0.0.1:0").unwrap()
}

/// A sync client of `h` as `user`, trying a failed request once more.
pub fn client(h: &caja::hub::HubHandle, user: &str, password: &str) -> caja::sync::client::Client {
    let mut c = caja::config::Config::defaults().sync;
    c.url = format!("http://{}", h.addr);
    c.user = user.into();
    c.password = password.into();
    caja::sync::client::Client::new(&c).unwrap().retries(1)
}

/// The damaged store files `caja rebuild` set aside in `dir`.
pub fn damaged_aside(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("caja.redb.damaged-")
        })
        .map(|e| e.path())
        .collect()
}

/// What a printed sale or refund says, read back from the file printer's text (Spanish
/// labels), in minor units: the figures the test checks add up, computed here and never by
/// the receipt code.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PaperReceipt {
    /// Each line's amount (quantity times price; negative on a refund).
    pub lines: Vec<i64>,
    /// Each line's own discount (negative).
    pub line_discounts: Vec<i64>,
    pub subtotal: Option<i64>,
    /// Everything between the subtotal and the TOTAL: the ticket's discount, tax on top,
    /// rounding.
    pub adjustments: Vec<(String, i64)>,
    pub total: i64,
    /// Cash rounding after the TOTAL, and what was paid (or given back) then.
    pub rounding: Option<i64>,
    pub to_pay: Option<i64>,
    pub tenders: Vec<(String, i64)>,
    pub change: Option<i64>,
    pub widest: usize,
}

/// The amount at the end of a receipt line ("  2 x 1.500      3.000" -> 3000).
pub fn paper_amount(line: &str, c: &Currency) -> Option<i64> {
    let (_, last) = line.trim_end().rsplit_once(' ')?;
    c.parse_local(last).ok().map(|m| m.minor())
}

/// Reads a sale's or refund's receipt back and checks its columns add up:
/// lines - discounts = subtotal; subtotal + adjustments = TOTAL; TOTAL + rounding = to pay;
/// tenders - change = to pay.
pub fn read_receipt(text: &str, c: &Currency, columns: usize) -> Result<PaperReceipt, String> {
    let raw: Vec<&str> = text.lines().collect();
    let widest = raw.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    if widest > columns {
        return Err(format!(
            "a line is {widest} wide on {columns} columns:\n{text}"
        ));
    }
    // A figure that did not fit beside its label stands alone on the next line: join it back.
    let mut lines: Vec<String> = Vec::new();
    for l in raw {
        let alone = l.starts_with(' ')
            && l.split_whitespace().count() == 1
            && c.parse_local(l.trim()).is_ok()
            && !lines.is_empty();
        if alone {
            if let Some(prev) = lines.last_mut() {
                prev.push(' ');
                prev.push_str(l.trim());
            }
        } else {
            lines.push(l.to_string());
        }
    }
    let total_at = lines
        .iter()
        .position(|l| l.starts_with("TOTAL"))
        .ok_or_else(|| format!("no TOTAL:\n{text}"))?;
    let rules: Vec<usize> = lines[..total_at]
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && l.chars().all(|c| c == '-'))
        .map(|(i, _)| i)
        .collect();
    let [.., start, end] = rules[..] else {
        return Err(format!("no item section:\n{text}"));
    };
    let mut p = PaperReceipt {
        widest,
        ..Default::default()
    };
    for l in &lines[start + 1..end] {
        if !l.starts_with("  ") {
            continue; // a product name
        }
        let a = paper_amount(l, c).ok_or_else(|| format!("no amount on {l:?}"))?;
        if l.trim_start().starts_with("Descuento") {
            p.line_discounts.push(a);
        } else {
            p.lines.push(a);
        }
    }
    for l in &lines[end + 1..total_at] {
        let a = paper_amount(l, c).ok_or_else(|| format!("no amount on {l:?}"))?;
        if l.starts_with("Subtotal") {
            p.subtotal = Some(a);
        } else {
            p.adjustments.push((l.clone(), a));
        }
    }
    p.total = paper_amount(&lines[total_at], c).ok_or("no total amount")?;
    for l in &lines[total_at + 1..] {
        if l.starts_with("Redondeo") {
            p.rounding = paper_amount(l, c);
            continue;
        }
        if l.starts_with("A pagar") || l.starts_with("Devuelto") {
            p.to_pay = paper_amount(l, c);
            continue;
        }
        if l.starts_with("Cambio") {
            p.change = paper_amount(l, c);
            break;
        }
        if l.is_empty() || l.starts_with('-') || l.starts_with(' ') || l.starts_with("Impuestos") {
            break;
        }
        let a = paper_amount(l, c).ok_or_else(|| format!("no amount on {l:?}"))?;
        p.tenders.push((l.clone(), a));
    }
    let sum = |v: &[i64]| v.iter().sum::<i64>();
    let after_lines = sum(&p.lines) + sum(&p.line_discounts);
    let base = match p.subtotal {
        Some(s) if s != after_lines => {
            return Err(format!("lines {after_lines} != subtotal {s}:\n{text}"));
        }
        Some(s) => s,
        None => after_lines,
    };
    let adjusted = base + p.adjustments.iter().map(|a| a.1).sum::<i64>();
    if adjusted != p.total {
        return Err(format!(
            "subtotal and adjustments {adjusted} != TOTAL {}:\n{text}",
            p.total
        ));
    }
    // TOTAL + rounding = what was paid, when there is rounding.
    let due = match (p.rounding, p.to_pay) {
        (None, None) => p.total,
        (Some(r), Some(to_pay)) if p.total + r == to_pay => to_pay,
        _ => {
            return Err(format!(
                "TOTAL {} with rounding {:?} is not {:?} to pay:\n{text}",
                p.total, p.rounding, p.to_pay
            ));
        }
    };
    let paid = p.tenders.iter().map(|t| t.1).sum::<i64>() - p.change.unwrap_or(0);
    if paid != due {
        return Err(format!("tenders - change {paid} != to pay {due}:\n{text}"));
    }
    Ok(p)
}

/// One key to the app. A lone Esc is let act, as it does when its second passes with no digit
/// after it.
pub fn key(app: &mut caja::app::App, code: ratatui::crossterm::event::KeyCode) {
    app.on_key(ratatui::crossterm::event::KeyEvent::new(
        code,
        ratatui::crossterm::event::KeyModifiers::NONE,
    ));
    if code == ratatui::crossterm::event::KeyCode::Esc {
        app.expire_esc();
    }
}

/// Types text; '\n' is Enter.
pub fn keys(app: &mut caja::app::App, text: &str) {
    use ratatui::crossterm::event::KeyCode;
    for c in text.chars() {
        key(
            app,
            if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            },
        );
    }
}

/// The message line's text, or nothing.
pub fn msg(app: &caja::app::App) -> String {
    app.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// The screen `app` draws at `w` x `h` with `theme`, as text: one line per row, `trim`med of
/// trailing blanks or as wide as the screen.
pub fn drawn(
    app: &caja::app::App,
    theme: &caja::ui::theme::Theme,
    w: u16,
    h: u16,
    trim: bool,
) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| caja::ui::draw(f, app, theme)).unwrap();
    let buf = t.backend().buffer();
    (0..h)
        .map(|y| {
            let row: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
            if trim {
                row.trim_end().to_string()
            } else {
                row
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lets the app's background work (diagnostics, the close of day, a backup) finish.
pub fn settle(app: &mut caja::app::App) {
    let start = std::time::Instant::now();
    while app.background_busy() {
        if let Some(ev) = app.next_event(std::time::Duration::from_millis(50)) {
            app.handle(ev);
        }
        assert!(
            start.elapsed().as_secs() < 30,
            "background work never ended"
        );
    }
    app.settle();
}

/// The supervisor ana's PIN in whatever PIN popup is open.
pub fn pin(app: &mut caja::app::App) {
    assert!(
        matches!(app.popup, Some(caja::app::Popup::Pin(_))),
        "no PIN asked: {}",
        msg(app)
    );
    keys(app, "ana\n1234\n");
    assert!(app.popup.is_none(), "PIN refused: {}", msg(app));
}

/// F9, the supervisor ana's PIN, then `item` of the supervisor menu.
pub fn menu(app: &mut caja::app::App, item: &str) {
    key(app, ratatui::crossterm::event::KeyCode::F(9));
    pin(app);
    assert!(
        matches!(app.screen, caja::app::Screen::Menu),
        "{:?}",
        app.message
    );
    keys(app, item);
}

/// A register's documents as JSON (sales, a refund, a cash movement, a date opened and
/// corrected) followed by forgeries of them and customers good and bad: what the hub's checks
/// and CouchDB's validation must give the same verdicts on (tests/couch_validate.rs runs the
/// validation under Node.js, tests/couchdb.rs on CouchDB itself).
pub fn parity_docs(dir: &Path) -> Vec<serde_json::Value> {
    use caja::domain::document::{CashDirection, CashMoveBody, DocBody};
    use caja::sync::json::to_json;
    use serde_json::{Value, json};
    let s = demo_store(dir);
    let products = caja::csvio::demo_catalog(&s.info().currency);
    for i in 0..3 {
        let body = caja::dev::soak::soak_ticket(&s, &products, i).unwrap();
        s.commit(&header(22, i as i64), body).unwrap();
    }
    refund_one(&s, &header(22, 10), "FV1-000001").unwrap();
    let mut cash = CashMoveBody::new(
        CashDirection::Out,
        caja::domain::Money::from_minor(5_000),
        "banco",
    )
    .unwrap();
    cash.overrides.clear();
    s.commit(&header(22, 11), DocBody::CashMove(cash)).unwrap();
    // A date opened and corrected by a supervisor (a date correction is sealed too).
    let ov = caja::domain::document::Override {
        action: caja::domain::document::OverrideAction::CorrectDay,
        supervisor: "ana".into(),
        reason: "wrong clock".into(),
    };
    s.open_day(&header(23, 0), Vec::new()).unwrap();
    s.correct_day(&header(24, 1), vec![ov]).unwrap();
    let cur = s.info().currency.clone();
    let mut docs: Vec<Value> = Vec::new();
    let mut seq = 1;
    while let Some(d) = s.view().unwrap().doc(seq).unwrap() {
        docs.push(to_json(&d, &cur));
        seq += 1;
    }
    let sale = docs[0].clone();
    let mut tampered = sale.clone();
    tampered["total"] = json!("1");
    let mut other_register = sale.clone();
    other_register["register"] = json!("FV2");
    let fix = docs
        .iter()
        .find(|d| d["type"] == "day_correct")
        .cloned()
        .unwrap();
    let mut fix_foreign = fix.clone();
    fix_foreign["opened"] = json!("FV2-DA-000001");
    let mut fix_negative = fix.clone();
    fix_negative["floats"] = json!("-5");
    let mut deleted = sale.clone();
    deleted["_deleted"] = json!(true);
    let customer = |t: &str, n: &str| {
        json!({"_id": format!("customer:{t}-{n}"), "type": "customer", "doc_type": t,
            "doc_number": n, "name": "Ferretería El Tornillo"})
    };
    docs.extend([
        tampered,
        other_register,
        fix_foreign,
        fix_negative,
        deleted,
        customer("NIT", "900173769-1"),
        customer("NIT", "900173769-2"),
        json!({"_id": "customer:BAD-1", "type": "customer", "doc_type": "XX", "doc_number": "1", "name": "x"}),
        json!({"_id": "nonsense:FV1-000001", "type": "nonsense"}),
    ]);

    docs
}

/// A basic-auth header's value.
pub fn basic(user: &str, password: &str) -> String {
    caja::sync::basic_auth(user, password)
}

/// A register that sold `n` tickets, claimed and pushed to `h`.
pub fn pushed(h: &caja::hub::HubHandle, dir: &Path, n: u64) -> Store {
    let s = demo_store(dir);
    let products = caja::csvio::demo_catalog(&s.info().currency);
    for i in 0..n {
        let body = caja::dev::soak::soak_ticket(&s, &products, i).unwrap();
        s.commit(&header(22, (i / 60) as i64), body).unwrap();
    }
    let mut c = client(h, "FV1", "clave-fv1-segura");
    caja::sync::client::claim(&s, &mut c).unwrap();
    let r = caja::sync::client::push(&s, &mut c, |_, _| {}).unwrap();
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    s
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Points the register in `dir` at `url` as `user` (a `caja.toml` with only `[sync]`).
pub fn sync_to(dir: &Path, url: &str, user: &str, password: &str) {
    std::fs::write(
        dir.join("caja.toml"),
        format!("[sync]\nurl = \"{url}\"\nuser = \"{user}\"\npassword = \"{password}\"\n"),
    )
    .unwrap();
}

/// The cells of the dashboard's row for a register (`<tr><td><b>CODE</b>…`): the register
/// with its store and version, last push, last pull, queue, drift, refused, sales, total,
/// refunds ("$ 5.000 (1)"), net, Z; their tags taken out and entities read back.
pub fn dashboard_row(html: &str, code: &str) -> Vec<String> {
    let start = html
        .find(&format!("<tr><td><b>{code}</b><br>"))
        .unwrap_or_else(|| panic!("{code} on the page: {html}"));
    let tr = &html[start..];
    let tr = &tr[..tr.find("</tr>").unwrap()];
    tr.split("<td")
        .skip(1)
        .map(|c| {
            let c = c.split_once('>').map_or(c, |x| x.1);
            let c = c.trim_end_matches("</td>");
            let mut out = String::new();
            let mut in_tag = false;
            for ch in c.chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    ch if !in_tag => out.push(ch),
                    _ => {}
                }
            }
            out.replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
        })
        .collect()
}

/// `caja hub` in a process of its own, killed when dropped.
pub struct HubProcess {
    pub child: std::process::Child,
    pub addr: std::net::SocketAddr,
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl HubProcess {
    pub fn start(dir: &std::path::Path) -> HubProcess {
        let d = dir.to_str().unwrap();
        for (user, password, admin) in [
            ("FV1", "clave-fv1-segura", false),
            ("FV2", "clave-fv2-segura", false),
            ("admin", "clave-admin-segura", true),
        ] {
            let mut args = vec![
                "hub",
                "--data-dir",
                d,
                "user",
                "add",
                user,
                "--password",
                password,
            ];
            if admin {
                args.push("--admin");
            }
            let o = run(&args);
            assert!(o.status.success(), "{}", text(&o));
        }
        let mut child = caja()
            .args(["hub", "--data-dir", d, "--listen", "127.0.0.1:0"])
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
        std::io::BufRead::read_line(&mut err, &mut line).unwrap();
        let addr = line
            .trim()
            .rsplit("http://")
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        // Keep reading its log so that it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut sink);
        });
        HubProcess { child, addr }
    }

    /// The most memory the process has held (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

/// The body of the committed document `number`; the test stops where there is none.
pub fn body_of(store: &Store, number: &str) -> caja::domain::document::DocBody {
    store
        .view()
        .unwrap()
        .doc_by_number(number)
        .unwrap()
        .unwrap()
        .1
        .doc
        .body
}

/// Whether the store holds the document `number`.
pub fn holds(store: &Store, number: &str) -> bool {
    store
        .view()
        .unwrap()
        .doc_by_number(number)
        .unwrap()
        .is_some()
}
