//! The shop's head office on the built-in hub: the dashboard a supervisor reads (in the hub
//! folder's language, local times, money as the shop writes it, out-of-date registers marked,
//! totals), the login form, the day's movements an ERP imports (the registers' own journals,
//! document by document), and the sync log.

use crate::common::*;
use caja::domain::document::{CashDirection, CashMoveBody, DocBody, VoidBody};
use caja::domain::qty::{Qty, TaxRate};
use caja::store::Store;
use caja::sync::client::{PullMode, claim, pull, push, report_status};
use std::path::Path;

const ADMIN: (&str, &str) = ("admin", "clave-admin-segura");

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// GET with an admin's basic auth, as a browser asks (`Accept: text/html`).
fn get(h: &caja::hub::HubHandle, path: &str) -> (u16, String) {
    get_at(h.addr, path)
}

/// The same, of the hub at `addr`.
fn get_at(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut r = agent()
        .get(format!("http://{addr}{path}"))
        .header("Accept", "text/html")
        .header("Authorization", basic(ADMIN.0, ADMIN.1))
        .call()
        .unwrap();
    (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
}

/// A register `code` of store "Tienda Uno" (COP).
fn register(dir: &Path, code: &str) -> Store {
    let mut p = params("COP");
    p.register = caja::domain::numbering::RegisterCode::parse(code).unwrap();
    Store::create(dir, p).unwrap()
}

/// `n` tickets on 2026-11-22.
fn sell(s: &Store, n: u64) {
    let products = caja::csvio::demo_catalog(&s.info().currency);
    for i in 0..n {
        let body = caja::dev::soak::soak_ticket(s, &products, i).unwrap();
        s.commit(&header(22, i as i64), body).unwrap();
    }
}

/// A busy day: 50 tickets, two refunds, two voids, cash taken out, a no-sale, and the Z.
fn busy_day(s: &Store) {
    s.open_day(&header(22, 0), Vec::new()).unwrap();
    sell(s, 50);
    for (number, minute) in [("FV1-000003", 100), ("FV1-000010", 101)] {
        refund_one(s, &header(22, minute), number).unwrap();
    }
    for (i, after_payment) in [(0u32, false), (1, true)] {
        let void = VoidBody {
            position: 1 + i,
            sku: "ARZ1K".into(),
            name: "Arroz 1 kg".into(),
            qty: Qty::parse("2").unwrap(),
            unit_price: caja::domain::Money::from_minor(3_500),
            tax_rate: TaxRate::from_bp(500),
            amount: caja::domain::Money::from_minor(7_000),
            after_payment,
            overrides: vec![caja::domain::document::Override {
                action: caja::domain::document::OverrideAction::VoidLine,
                supervisor: "ana".into(),
                reason: "wrong item".into(),
            }],
        };
        s.commit(&header(22, 110 + i64::from(i)), DocBody::Void(void))
            .unwrap();
    }
    let mut cash = CashMoveBody::new(
        CashDirection::Out,
        caja::domain::Money::from_minor(20_000),
        "banco",
    )
    .unwrap();
    cash.overrides.clear();
    s.commit(&header(22, 120), DocBody::CashMove(cash)).unwrap();
    s.close_day(&header(22, 600), Vec::new()).unwrap();
}

fn sync(h: &caja::hub::HubHandle, s: &Store, user: &str, password: &str) {
    let mut c = client(h, user, password);
    claim(s, &mut c).unwrap();
    let r = push(s, &mut c, |_, _| {}).unwrap();
    report_status(s, &mut c, Some(&r)).unwrap();
}

/// `caja journal --format csv` of a register's folder for 2026-11-22, rows sorted.
fn journal_rows(dir: &Path) -> Vec<Vec<String>> {
    let o = journal(
        dir.to_str().unwrap(),
        "2026-11-22",
        "2026-11-22",
        &["--format", "csv"],
    );
    assert!(o.status.success(), "{}", text(&o));
    csv_rows(&o.stdout)
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(bytes);
    let mut rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    rows.sort();
    rows
}

/// The movements of a day of two registers (one with refunds, voids, cash out and a Z, one
/// with 30 tickets) are, document by document and figure by figure, what each register's own
/// `caja journal --format csv` says, plus the store; the CLI prints the same as the page.
#[test]
fn the_days_movements_are_the_registers_journals() {
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let fv1 = register(d1.path(), "FV1");
    let fv2 = register(d2.path(), "FV2");
    busy_day(&fv1);
    sell(&fv2, 30);
    sync(&h, &fv1, "FV1", "clave-fv1-segura");
    sync(&h, &fv2, "FV2", "clave-fv2-segura");
    drop((fv1, fv2));

    let (status, csv_page) = get(&h, "/_caja/movements?date=2026-11-22&format=csv");
    assert_eq!(status, 200, "{csv_page}");
    let header_line = csv_page.lines().next().unwrap();
    assert_eq!(
        header_line,
        "number,type,business_date,at,register,cashier,total,cash,card,transfer,other,change,overrides,detail,store"
    );
    let rows = csv_rows(csv_page.as_bytes());
    for (dir, code) in [(d1.path(), "FV1"), (d2.path(), "FV2")] {
        let want = journal_rows(dir);
        let mut got: Vec<Vec<String>> = rows
            .iter()
            .filter(|r| r[4] == code)
            .map(|r| {
                assert_eq!(r[14], "Tienda Uno", "{r:?}");
                r[..14].to_vec()
            })
            .collect();
        got.sort();
        assert_eq!(got.len(), want.len(), "{code}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w);
        }
    }
    // The busy register's day has every kind the journal lists.
    let kinds: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r[4] == "FV1")
        .map(|r| r[1].as_str())
        .collect();
    for k in ["sale", "refund", "void", "cash", "closing"] {
        assert!(kinds.contains(k), "{kinds:?}");
    }
    assert_eq!(rows.iter().filter(|r| r[4] == "FV2").count(), 30);
    // Figures, not blanks: a void says what it took off and who allowed it; a refund pays back.
    let void = rows.iter().find(|r| r[1] == "void").unwrap();
    assert!(
        void[13].contains("ARZ1K") && void[12] == "void_line by ana (wrong item)",
        "{void:?}"
    );
    let refund = rows.iter().find(|r| r[1] == "refund").unwrap();
    assert!(
        refund[6].starts_with('-') && refund[6] != "-0",
        "{refund:?}"
    );

    // One register, as JSON: the same rows.
    let (_, json_page) = get(
        &h,
        "/_caja/movements?date=2026-11-22&register=FV2&format=json",
    );
    let v: serde_json::Value = serde_json::from_str(&json_page).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 30);
    assert_eq!(v["date"], "2026-11-22");
    assert_eq!(v["rows"][0]["store"], "Tienda Uno");
    // A register's user may not read them; a bad date is refused.
    let r = agent()
        .get(format!("http://{}/_caja/movements?date=2026-11-22", h.addr))
        .header("Authorization", basic("FV1", "clave-fv1-segura"))
        .call()
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(get(&h, "/_caja/movements?date=ayer").0, 400);

    // `caja hub export`, with the hub stopped, prints the same bytes.
    h.stop();
    let o = caja()
        .args([
            "hub",
            "--data-dir",
            hub_dir.path().to_str().unwrap(),
            "export",
            "--date",
            "2026-11-22",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), csv_page);
}

/// A hub (users FV1, FV2, admin) whose folder's language is `language`.
fn hub_in(dir: &Path, language: &str) -> caja::hub::HubHandle {
    let hub = caja::hub::Hub::open(dir)
        .unwrap()
        .with_office(caja::hub::Office {
            language: if language == "en" {
                caja::i18n::Language::En
            } else {
                caja::i18n::Language::Es
            },
            ..Default::default()
        });
    for (name, password, admin) in [
        ("FV1", "clave-fv1-segura", false),
        ("FV2", "clave-fv2-segura", false),
        ADMIN_USER,
    ] {
        hub.store().add_user(name, password, admin).unwrap();
    }
    hub.serve("127.0.0.1:0").unwrap()
}

const ADMIN_USER: (&str, &str, bool) = ("admin", "clave-admin-segura", true);

/// A register document as an older sync would leave it, written by the admin: its last pull
/// `hours` ago.
fn put_register(h: &caja::hub::HubHandle, code: &str, pulled_hours_ago: i64) {
    let at = (chrono::Local::now() - chrono::Duration::hours(pulled_hours_ago))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let doc = serde_json::json!({
        "type": "register", "register": code, "machine_id": "m-3", "store": "Tienda Tres",
        "last_push": at, "clock": at, "queue": 4, "rejected": 2, "clock_drift_s": -3,
        "pulled": {"at": at, "mode": "partial", "puts": 3, "removes": 0},
        "currency": "COP", "version": "0.9.0",
    });
    let mut c = client(h, ADMIN.0, ADMIN.1);
    let (code_put, v) = c
        .request(
            "PUT",
            &format!("caja-registers/register:{code}"),
            Some(&doc),
        )
        .unwrap();
    assert_eq!(code_put, 201, "{v}");
}

/// Whether `html` holds an ISO time ("2026-12-07T00:35").
fn has_iso_time(html: &str) -> bool {
    let b = html.as_bytes();
    (2..b.len().saturating_sub(2)).any(|i| {
        b[i] == b'T' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit() && b[i - 2] != b'&'
    })
}

/// The dashboard in either language: the registers' state, the day's sales with refunds and
/// net in money as the shop writes it, each out-of-date register marked with what to do, the
/// totals, and nothing in the other language or as an ISO time.
#[test]
fn the_dashboard_reads_in_the_hubs_language() {
    for language in ["es", "en"] {
        let hub_dir = tempfile::tempdir().unwrap();
        let h = hub_in(hub_dir.path(), language);
        // The catalog, for FV1's pull.
        let cop = caja::domain::money::Currency::by_code("COP").unwrap();
        h.hub
            .import_catalog(&caja::csvio::demo_catalog(&cop), &cop, false)
            .unwrap();
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let fv1 = register(d1.path(), "FV1");
        let fv2 = register(d2.path(), "FV2");
        busy_day(&fv1);
        sell(&fv2, 30);
        // FV1 pulls and pushes; FV2 pushes and never pulls; FV3 last pulled 30 h ago.
        let mut c = client(&h, "FV1", "clave-fv1-segura");
        claim(&fv1, &mut c).unwrap();
        pull(&fv1, &mut c, PullMode::Total, |_| {}).unwrap();
        let r = push(&fv1, &mut c, |_, _| {}).unwrap();
        report_status(&fv1, &mut c, Some(&r)).unwrap();
        sync(&h, &fv2, "FV2", "clave-fv2-segura");
        put_register(&h, "FV3", 30);
        h.hub.run_checks().unwrap();

        let (status, html) = get(&h, "/?date=2026-11-22");
        assert_eq!(status, 200);
        assert!(!has_iso_time(&html), "an ISO time: {html}");
        let day = fv1.day_report(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        let day = day.unwrap();
        let m = |v: caja::domain::Money| cop.format_symbol(v);
        let fv1_row = dashboard_row(&html, "FV1");
        assert_eq!(fv1_row[6], day.sales.to_string(), "{fv1_row:?}");
        assert_eq!(fv1_row[7], m(day.sales_total), "{fv1_row:?}");
        assert_eq!(
            fv1_row[8],
            format!("{} ({})", m(day.refunds_total), day.refunds),
            "{fv1_row:?}"
        );
        let net = day.sales_total.checked_sub(day.refunds_total).unwrap();
        assert_eq!(fv1_row[9], m(net), "{fv1_row:?}");
        // The Z, with the cash it expected.
        assert!(fv1_row[10].contains(&m(day.expected_cash)), "{fv1_row:?}");
        assert!(fv1_row[10].contains("FV1-Z-000001"), "{fv1_row:?}");
        let fv2_row = dashboard_row(&html, "FV2");
        let fv3_row = dashboard_row(&html, "FV3");
        assert_eq!(fv3_row[3], "4", "queue: {fv3_row:?}");
        assert_eq!(fv3_row[5], "2", "refused: {fv3_row:?}");
        // The totals row adds both registers' sales.
        let fv2_day = fv2
            .day_report(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
            .unwrap();
        let all_sales = day.sales_total.checked_add(fv2_day.sales_total).unwrap();
        let totals = &html[html.find("<tr class=\"all\">").unwrap()..];
        assert!(
            totals.contains(&format!(
                "<td class=\"n\">{}</td>",
                day.sales + fv2_day.sales
            )),
            "{totals}"
        );
        assert!(totals.contains(&m(all_sales)), "{totals}");
        assert!(
            totals.contains(&m(all_sales.checked_sub(day.refunds_total).unwrap())),
            "{totals}"
        );
        let (stale, never, wrong, refused) = match language {
            "es" => (
                "desactualizada",
                "FV2: nunca ha descargado el catálogo",
                [
                    "Register",
                    "Last push",
                    "never",
                    "out of date",
                    "Sales",
                    "Refunds",
                    "ago",
                    "All registers",
                    "Log out",
                ],
                "FV3: 2 documentos rechazados",
            ),
            _ => (
                "out of date",
                "FV2: it has never pulled the catalog",
                [
                    "Caja",
                    "Último",
                    "nunca",
                    "desactualizada",
                    "Ventas",
                    "Devoluciones",
                    "hace",
                    "Todas las cajas",
                    "Salir",
                ],
                "FV3: 2 documents refused",
            ),
        };
        assert!(!fv1_row[2].contains(stale), "FV1 pulled now: {fv1_row:?}");
        assert!(fv2_row[2].contains(stale), "{fv2_row:?}");
        assert!(fv3_row[2].contains(stale), "{fv3_row:?}");
        assert!(html.contains(never), "{html}");
        assert!(html.contains("FV3: "), "{html}");
        assert!(html.contains(refused), "{html}");
        for w in wrong {
            assert!(!html.contains(w), "{language} page says {w:?}: {html}");
        }
        // No script, no external asset; refreshes itself.
        assert!(!html.contains("<script") && !html.contains("src=\"http"));
        assert!(html.contains("http-equiv=\"refresh\""));
        h.stop();
    }
}

/// A person logs in with the form (CouchDB's `POST /_session` with `next`), reads the
/// dashboard with the cookie, and logs out; a wrong password gets the form again, saying so.
#[test]
fn a_supervisor_logs_in_with_the_form() {
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let url = format!("http://{}", h.addr);
    let mut r = agent()
        .get(format!("{url}/"))
        .header("Accept", "text/html")
        .call()
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("WWW-Authenticate").is_none());
    let form = r.body_mut().read_to_string().unwrap();
    assert!(
        form.contains("action=\"/_session\"") && form.contains("Contraseña"),
        "{form}"
    );
    let login = |password: &str| {
        agent()
            .post(format!("{url}/_session"))
            .header("Accept", "text/html")
            .content_type("application/x-www-form-urlencoded")
            .send(format!("name=admin&password={password}&next=%2F"))
            .unwrap()
    };
    let mut wrong = login("otra-clave");
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong
            .body_mut()
            .read_to_string()
            .unwrap()
            .contains("Usuario o contraseña incorrectos")
    );
    let ok = login("clave-admin-segura");
    assert_eq!(ok.status(), 303);
    assert_eq!(ok.headers().get("Location").unwrap(), "/");
    let cookie = ok
        .headers()
        .get("Set-Cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let mut page = agent()
        .get(format!("{url}/"))
        .header("Accept", "text/html")
        .header("Cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.body_mut()
            .read_to_string()
            .unwrap()
            .contains("Oficina de la tienda")
    );
    // Somewhere else than this hub is never where the form sends a person.
    let away = agent()
        .post(format!("{url}/_session"))
        .content_type("application/x-www-form-urlencoded")
        .send("name=admin&password=clave-admin-segura&next=%2F%2Fevil.example")
        .unwrap();
    assert_eq!(away.status(), 200);
    let out = agent()
        .get(format!("{url}/_caja/logout"))
        .header("Cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(out.status(), 303);
    assert!(
        out.headers()
            .get("Set-Cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("AuthSession=;")
    );
    h.stop();
}

/// Every claim, push, pull and refused login is in the sync log of its day, as a page in the
/// hub's language and as CSV.
#[test]
fn the_sync_log_says_what_each_register_did() {
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let cop = caja::domain::money::Currency::by_code("COP").unwrap();
    h.hub
        .import_catalog(&caja::csvio::demo_catalog(&cop), &cop, false)
        .unwrap();
    let d1 = tempfile::tempdir().unwrap();
    let fv1 = register(d1.path(), "FV1");
    sell(&fv1, 12);
    let mut c = client(&h, "FV1", "clave-fv1-segura");
    claim(&fv1, &mut c).unwrap();
    let pulled = pull(&fv1, &mut c, PullMode::Total, |_| {}).unwrap();
    let r = push(&fv1, &mut c, |_, _| {}).unwrap();
    report_status(&fv1, &mut c, Some(&r)).unwrap();
    // Someone guesses FV2's password.
    let guess = agent()
        .get(format!("http://{}/caja-docs", h.addr))
        .header("Authorization", basic("FV2", "adivina"))
        .call()
        .unwrap();
    assert_eq!(guess.status(), 401);

    let today = chrono::Local::now().date_naive();
    let (status, csv) = get(&h, &format!("/_caja/log?date={today}&format=csv"));
    assert_eq!(status, 200, "{csv}");
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    let events: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        events,
        [
            ("FV1", "claim"),
            ("FV1", "push"),
            ("FV1", "pull"),
            ("FV2", "login_refused"),
        ],
        "{csv}"
    );
    assert!(rows[1][3].contains("12 nuevos"), "{csv}");
    let products = pulled.upserted.to_string();
    assert!(
        rows[2][3].contains(&format!("{products} productos")),
        "{csv}"
    );
    assert!(rows[3][3].contains("127.0.0.1"), "{csv}");
    assert!(!rows[0][0].contains('Z'), "a local time: {csv}");
    // One register's lines; the page; another day has none.
    let (_, fv2) = get(
        &h,
        &format!("/_caja/log?date={today}&register=FV2&format=csv"),
    );
    assert_eq!(fv2.lines().count(), 2, "{fv2}");
    let (_, page) = get(&h, &format!("/_caja/log?date={today}"));
    assert!(page.contains("Registro de sincronización") && page.contains("descargó el catálogo"));
    assert!(!has_iso_time(&page), "{page}");
    let (_, before) = get(&h, "/_caja/log?date=2020-01-01");
    assert!(before.contains("Nada registrado este día"), "{before}");
    h.stop();
}

/// `caja hub` reads its folder's `caja.toml`: the dashboard in English when it says so; and
/// `caja hub export` works while the hub serves (through the running hub), printing what the
/// page serves.
#[test]
fn the_serving_hub_exports_and_speaks_its_folders_language() {
    let hub_dir = tempfile::tempdir().unwrap();
    std::fs::write(hub_dir.path().join("caja.toml"), "language = \"en\"\n").unwrap();
    let h = HubProcess::start(hub_dir.path());
    let d1 = tempfile::tempdir().unwrap();
    let fv1 = register(d1.path(), "FV1");
    sell(&fv1, 7);
    let mut settings = caja::config::Config::defaults().sync;
    settings.url = format!("http://{}", h.addr);
    settings.user = "FV1".into();
    settings.password = "clave-fv1-segura".into();
    let mut c = caja::sync::client::Client::new(&settings).unwrap();
    claim(&fv1, &mut c).unwrap();
    push(&fv1, &mut c, |_, _| {}).unwrap();
    let page = |path: &str| get_at(h.addr, path).1;
    let html = page("/?date=2026-11-22");
    assert!(
        html.contains("Shop head office") && html.contains("All registers"),
        "{html}"
    );
    let csv_page = page("/_caja/movements?date=2026-11-22");
    assert_eq!(csv_page.lines().count(), 8, "{csv_page}");
    let o = caja()
        .args([
            "hub",
            "--data-dir",
            hub_dir.path().to_str().unwrap(),
            "export",
            "--date",
            "2026-11-22",
            "--register",
            "FV1",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), csv_page);
}
