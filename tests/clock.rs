//! A wrong clock and the business date: the first date a store opens, a server that knows the
//! date, and a supervisor's correction of a date opened by mistake (issue: a clock a year ahead
//! put the shop a year ahead for good).

use crate::common::*;
use caja::app::{App, Clock, Popup, Screen};
use caja::config::Config;
use caja::domain::document::DocBody;
use caja::domain::money::Money;
use caja::store::Store;
use chrono::{FixedOffset, NaiveDate, TimeZone};
use ratatui::crossterm::event::KeyCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A clock a test can set: Bogotá time, from a shared UTC second.
fn settable(at: &Arc<AtomicI64>) -> Clock {
    let at = at.clone();
    Box::new(move || {
        FixedOffset::west_opt(5 * 3600)
            .unwrap()
            .timestamp_opt(at.load(Ordering::SeqCst), 0)
            .unwrap()
    })
}

/// The register over the store in `dir`, on the clock `now`.
fn register(dir: &std::path::Path, now: &Arc<AtomicI64>) -> App {
    App::new(
        dir.to_path_buf(),
        Some(Store::open(dir).unwrap()),
        Config::defaults(),
        settable(now),
    )
}

fn bogota(y: i32, m: u32, d: u32, h: u32) -> i64 {
    FixedOffset::west_opt(5 * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
        .timestamp()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn screen(app: &App) -> String {
    drawn(app, &mono_theme(), 80, 24, true)
}

#[test]
fn a_clock_a_year_ahead_asks_a_supervisor_and_the_open_date_is_corrected_on_the_record() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    let now = Arc::new(AtomicI64::new(bogota(2027, 12, 7, 8)));
    let mut app = register(dir.path(), &now);
    // The store's first date: nothing but the clock vouches for it, so a supervisor confirms,
    // seeing the date and the clock.
    keys(&mut app, "ana\n1234\n");
    let s = screen(&app);
    assert!(s.contains("Primera fecha de la tienda"), "{s}");
    keys(&mut app, "100.000\n");
    assert!(
        matches!(app.popup, Some(Popup::Pin(_))),
        "{:?}",
        app.message
    );
    let s = screen(&app);
    assert!(s.contains("Abre la fecha de negocio 2027-12-07"), "{s}");
    keys(&mut app, "ana\n1234\n");
    assert!(matches!(app.screen, Screen::Sale), "{}", msg(&app));
    assert_eq!(app.day.open, Some(date("2027-12-07")));

    // The clock is put right. At the next login the warning says what to do, whole at 80
    // columns.
    now.store(bogota(2026, 12, 7, 9), Ordering::SeqCst);
    menu(&mut app, "3");
    keys(&mut app, "ana\n1234\n");
    let s = screen(&app);
    assert!(
        s.contains("Reloj 2026-12-07, fecha abierta 2027-12-07: sin ventas aún, corríjala (F9, F)"),
        "{s}"
    );
    key(&mut app, KeyCode::F(9));
    keys(&mut app, "ana\n1234\n");
    assert!(matches!(app.screen, Screen::Menu));
    assert!(screen(&app).contains("F Corregir la fecha abierta"));
    keys(&mut app, "f");
    match &app.popup {
        Some(Popup::CorrectDay(s)) => assert_eq!(s, "2026-12-07", "the clock's date is offered"),
        other => panic!("no correction popup: {:?}", other.is_some()),
    }
    let s = screen(&app);
    assert!(s.contains("Fecha abierta: 2027-12-07"), "{s}");
    // A date mistyped is said as such, and the popup stays with what was typed.
    keys(&mut app, "x\n");
    assert!(
        msg(&app).contains("No es una fecha: 2026-12-07x (escríbala AAAA-MM-DD)"),
        "{}",
        msg(&app)
    );
    key(&mut app, KeyCode::Backspace);
    assert!(
        s.contains("un documento de corrección lleva la fecha"),
        "{s}"
    );
    key(&mut app, KeyCode::Enter);
    assert!(
        msg(&app).contains("Fecha corregida: 2026-12-07 (FV1-CF-000001)"),
        "{}",
        msg(&app)
    );
    assert_eq!(app.day.open, Some(date("2026-12-07")));
    // The shift goes on: a sale is dated with the corrected date.
    keys(&mut app, "HUE30\n");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "20.000\n");
    assert_eq!(app.last_sale.as_ref().unwrap().number, "FV1-000001");

    // With a sale the date stays: the register says how the next date is chosen.
    key(&mut app, KeyCode::F(9));
    keys(&mut app, "ana\n1234\nf");
    for _ in 0..10 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "2026-12-06\n");
    assert!(
        msg(&app).contains("ya tiene documentos (FV1-000001)")
            && msg(&app).contains("la fecha siguiente sigue al último cierre"),
        "{}",
        msg(&app)
    );
    let store = app.store.clone().unwrap();
    let doc = |n: &str| {
        let (_, d) = store.view().unwrap().doc_by_number(n).unwrap().unwrap();
        d.doc
    };
    let sale = doc("FV1-000001");
    assert_eq!(sale.business_date.to_string(), "2026-12-07");
    // The wrong date's documents keep it; the correction names them and carries the float.
    assert_eq!(doc("FV1-DA-000001").business_date.to_string(), "2027-12-07");
    assert_eq!(doc("FV1-TA-000001").business_date.to_string(), "2027-12-07");
    let fix = doc("FV1-CF-000001");
    match &fix.body {
        DocBody::DayCorrect(c) => {
            assert_eq!(c.wrong.to_string(), "2027-12-07");
            assert_eq!(c.opened, "FV1-DA-000001");
            assert_eq!(c.floats, Money::from_minor(100_000));
            assert_eq!(c.overrides[0].supervisor, "ana");
            assert_eq!(
                c.overrides[0].action,
                caja::domain::document::OverrideAction::CorrectDay
            );
        }
        other => panic!("{other:?}"),
    }

    // The shift and the day close with the float where it belongs.
    let header = app.header();
    let x = store.shift_report("ana").unwrap();
    assert_eq!(x.floats, Money::from_minor(100_000), "{x:?}");
    let (_, shift) = store
        .close_shift(&header, "ana", x.expected_cash, vec![])
        .unwrap();
    assert_eq!(shift.counted_cash, Some(x.expected_cash));
    let (_, z) = store.close_day(&header, vec![]).unwrap();
    assert_eq!(z.floats, Money::from_minor(100_000), "{z:?}");
    assert_eq!(z.sales, 1);
    assert_eq!(z.expected_cash, x.expected_cash);
    assert_eq!(z.counted_cash, Some(x.expected_cash), "no difference");
    let state = store.view().unwrap().day_state().unwrap();
    assert_eq!(state.closed_through, Some(date("2026-12-07")));
    drop(store);
    drop(app);

    // The check finds nothing wrong; the journal lists each date's documents from the files
    // and from the store alike; a rebuild gives the same store.
    let data = dir.path().to_str().unwrap();
    let o = run(&["check", "--data-dir", data]);
    assert!(o.status.success(), "{}", text(&o));
    for extra in [&[][..], &["--format", "csv"][..]] {
        let o = journal(data, "2026-12-07", "2026-12-07", extra);
        let t = text(&o);
        assert!(o.status.success(), "{t}");
        assert!(
            t.contains("FV1-CF-000001") && t.contains("FV1-000001"),
            "{t}"
        );
        assert!(t.contains("FV1-Z-000001"), "{t}");
        assert!(!t.contains("FV1-DA-000001"), "{t}");
        let o = journal(data, "2027-12-07", "2027-12-07", extra);
        let t = text(&o);
        assert!(
            t.contains("FV1-DA-000001") && t.contains("FV1-TA-000001"),
            "{t}"
        );
        assert!(!t.contains("FV1-000001,") && !t.contains("FV1-CF"), "{t}");
    }
    let o = run(&["rebuild", "--data-dir", data]);
    assert!(o.status.success(), "{}", text(&o));
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.view().unwrap().day_state().unwrap(), state);
    // The next date follows the close: the day after the corrected date.
    let p = caja::domain::day::propose(state.closed_through, date("2026-12-08"), None);
    assert_eq!((p.date, p.why), (date("2026-12-08"), None));
}

#[test]
fn the_servers_date_is_offered_when_this_clock_disagrees() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    // A sync an hour ago saw the server at 2026-12-07 09:00 while this clock said 2027-12-07.
    let server = chrono::Utc
        .with_ymd_and_hms(2026, 12, 7, 14, 0, 0)
        .unwrap()
        .timestamp_millis();
    let local = bogota(2027, 12, 7, 9) * 1000;
    store.note_server_clock(server, local).unwrap();
    drop(store);
    // Before the note (this clock was set back since): the note says nothing.
    let now = Arc::new(AtomicI64::new(bogota(2027, 12, 7, 8)));
    let mut app = register(dir.path(), &now);
    keys(&mut app, "ana\n1234\n");
    match &app.screen {
        Screen::Opening(o) => assert_eq!(o.date, date("2027-12-07")),
        _ => panic!("{}", msg(&app)),
    }
    key(&mut app, KeyCode::Esc);
    // An hour after the note: the server's date is offered and a supervisor confirms.
    now.store(bogota(2027, 12, 7, 10), Ordering::SeqCst);
    keys(&mut app, "ana\n1234\n");
    match &app.screen {
        Screen::Opening(o) => assert_eq!(o.date, date("2026-12-07")),
        _ => panic!("{}", msg(&app)),
    }
    let s = screen(&app);
    assert!(
        s.contains("El servidor dice 2026-12-07 y el reloj 2027-12-07"),
        "{s}"
    );
    keys(&mut app, "0\nana\n1234\n");
    assert_eq!(app.day.open, Some(date("2026-12-07")));
    let store = app.store.clone().unwrap();
    let (_, d) = store
        .view()
        .unwrap()
        .doc_by_number("FV1-DA-000001")
        .unwrap()
        .unwrap();
    let ov = d.doc.body.overrides();
    assert_eq!(ov[0].reason, "clock differs from the server");
    // Three days on, the note is too old to say anything.
    drop(store);
    drop(app);
    let now = Arc::new(AtomicI64::new(bogota(2027, 12, 10, 10)));
    let app = register(dir.path(), &now);
    assert_eq!(app.server_today(), None);
}

#[test]
fn a_sync_notes_the_servers_clock_once_and_not_on_every_push() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    assert_eq!(store.server_clock().unwrap(), None);
    store.note_server_clock(1_000_000, 2_000_000).unwrap();
    assert_eq!(store.server_clock().unwrap(), Some((1_000_000, 2_000_000)));
    // Ten seconds later with the same difference: not written again.
    store.note_server_clock(1_010_000, 2_010_000).unwrap();
    assert_eq!(store.server_clock().unwrap(), Some((1_000_000, 2_000_000)));
    // The difference moved by more than a minute: written.
    store.note_server_clock(1_100_000, 2_020_000).unwrap();
    assert_eq!(store.server_clock().unwrap(), Some((1_100_000, 2_020_000)));
}

/// The store's own date search (what `caja journal` reads when the journal files are not whole,
/// what the X and the Z add up) finds each date's documents around a correction.
#[test]
fn the_stores_date_search_lists_each_dates_documents_around_a_correction() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let at = |d: &str| caja::store::docs::DocHeader {
        business_date: date(d),
        ..header(22, 0)
    };
    let ov = || caja::domain::document::Override {
        action: caja::domain::document::OverrideAction::CorrectDay,
        supervisor: "ana".into(),
        reason: "wrong clock".into(),
    };
    store.open_day(&at("2027-12-07"), Vec::new()).unwrap();
    store
        .open_shift(&at("2027-12-07"), Money::from_minor(50_000))
        .unwrap();
    // Not to the same date; not once a document moved money.
    let same = store
        .correct_day(&at("2027-12-07"), vec![ov()])
        .unwrap_err();
    assert!(same.to_string().contains("nothing to correct"), "{same}");
    store.correct_day(&at("2026-12-07"), vec![ov()]).unwrap();
    let products = caja::csvio::demo_catalog(&store.info().currency);
    let body = caja::dev::soak::soak_ticket(&store, &products, 1).unwrap();
    store.commit(&at("2026-12-07"), body).unwrap();
    let late = store
        .correct_day(&at("2026-12-06"), vec![ov()])
        .unwrap_err();
    assert!(late.to_string().contains("FV1-000001"), "{late}");
    let listed = |from: &str, to: &str| {
        let mut v = Vec::new();
        store
            .visit_dates(date(from), date(to), |_, d| {
                v.push(d.doc.number.clone());
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        v
    };
    assert_eq!(
        listed("2026-12-07", "2026-12-07"),
        ["FV1-CF-000001", "FV1-000001"]
    );
    assert_eq!(
        listed("2027-12-07", "2027-12-07"),
        ["FV1-DA-000001", "FV1-TA-000001"]
    );
    assert_eq!(
        listed("2026-01-01", "2028-01-01"),
        [
            "FV1-DA-000001",
            "FV1-TA-000001",
            "FV1-CF-000001",
            "FV1-000001"
        ]
    );
    assert!(listed("2026-12-08", "2027-12-06").is_empty());
    // The X of the open date counts the float the correction carried, once.
    let x = store.shift_report("ana").unwrap();
    assert_eq!(x.floats, Money::from_minor(50_000));
}
