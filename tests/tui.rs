//! The register's screens through ratatui's TestBackend at 80x24 with a fixed clock: snapshots
//! of each screen, and key-by-key behaviour a cashier relies on.

use crate::common::*;
use caja::app::{App, Clock, Popup, Screen};
use caja::config::Config;
use caja::domain::document::DocBody;
use caja::domain::money::Money;
use caja::store::Store;
use caja::ui::theme::{TermEnv, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn clock() -> Clock {
    clock_at_941()
}

fn mono() -> Theme {
    mono_theme()
}

/// Hands the register's events to it, as the terminal loop does, until a sync event that
/// `want` picks has come.
fn sync_events(app: &mut App, want: &dyn Fn(&caja::sync::worker::SyncEvent) -> bool) {
    let start = std::time::Instant::now();
    loop {
        let ev = app
            .next_event(std::time::Duration::from_secs(20))
            .expect("the workers answered");
        let done = matches!(&ev, caja::app::events::Event::Sync(e) if want(e));
        app.handle(ev);
        if done {
            return;
        }
        assert!(start.elapsed().as_secs() < 30);
    }
}

fn screen(app: &App, w: u16, h: u16) -> String {
    drawn(app, &mono(), w, h, true)
}

#[test]
fn first_run_setup_then_login() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(dir.path().to_path_buf(), None, Config::defaults(), clock());
    insta::assert_snapshot!("setup", screen(&app, 80, 24));
    keys(&mut app, "Tienda Uno\n\nana\n1234\n\n\n\n");
    assert!(matches!(app.screen, Screen::Login(_)), "{:?}", app.message);
    insta::assert_snapshot!("login", screen(&app, 80, 24));
    keys(&mut app, "1234\n");
    assert!(
        matches!(app.screen, Screen::Opening(_)),
        "{:?}",
        app.message
    );
    keys(&mut app, "0\nana\n1234\n");
    assert!(matches!(app.screen, Screen::Sale));
    assert_eq!(
        app.store.as_ref().unwrap().catalog_len().unwrap(),
        37,
        "demo catalog loaded"
    );
    assert!(dir.path().join("caja.toml").exists());
}

#[test]
fn setup_points_at_the_field_that_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(dir.path().to_path_buf(), None, Config::defaults(), clock());
    // Register "1X" is not a code.
    keys(&mut app, "Tienda\n");
    for _ in 0..3 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "1X\n");
    let Screen::Setup(form) = &app.screen else {
        panic!("left setup with a bad register code")
    };
    // Stopped at once, on the field, in the register's language.
    assert_eq!(form.focus, 1);
    assert!(
        msg(&app).starts_with("Código de caja: 1 a 8 mayúsculas"),
        "{}",
        msg(&app)
    );
    assert!(!dir.path().join("caja.redb").exists());
    // "x" for the demo catalog is not taken silently as a no.
    for _ in 0..2 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "FV1\nana\n1234\n\n\n");
    key(&mut app, KeyCode::Backspace);
    keys(&mut app, "x\n");
    let Screen::Setup(form) = &app.screen else {
        panic!("left setup with 'x' for the demo catalog")
    };
    assert_eq!(form.focus, 6, "{} {:?}", msg(&app), form.fields);
    assert!(msg(&app).contains("s (sí) o n (no)"), "{}", msg(&app));
}

#[test]
fn sale_screen_with_lines_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "7702001000066\n3*GAS350\n0,375*PLA1K\n");
    assert_eq!(app.ticket.total(), Money::from_minor(9_800 + 7_500 + 1_200));
    insta::assert_snapshot!("sale_with_lines", screen(&app, 80, 24));
    keys(&mut app, "arr");
    key(&mut app, KeyCode::F(2));
    let Screen::Search(s) = &app.screen else {
        panic!("not searching")
    };
    assert_eq!(s.results.len(), 2);
    insta::assert_snapshot!("search", screen(&app, 80, 24));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.ticket.lines.last().unwrap().sku, "ARZ500");
}

#[test]
fn payment_mixed_tenders_commit_and_show_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "7702001000066\n3*GAS350\n0,375*PLA1K\n");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "10.000");
    key(&mut app, KeyCode::F(2));
    keys(&mut app, "VOUCHER 4411\n");
    assert_eq!(app.due(), Money::from_minor(8_500));
    insta::assert_snapshot!("payment", screen(&app, 80, 24));
    keys(&mut app, "20.000\n");
    let last = app.last_sale.clone().expect("sale committed");
    assert_eq!(
        (last.number.as_str(), last.change),
        ("FV1-000001", Money::from_minor(11_500))
    );
    assert!(
        app.ticket.is_empty() && matches!(app.screen, Screen::Sale),
        "a new ticket starts at once"
    );
    insta::assert_snapshot!("change", screen(&app, 80, 24));
    let DocBody::Sale(s) = body_of(app.store.as_ref().unwrap(), "FV1-000001") else {
        panic!()
    };
    assert_eq!(s.tenders[0].reference.as_deref(), Some("VOUCHER 4411"));
    // Enter alone pays the exact total in cash, rounded to the coin.
    keys(&mut app, "CHI30\n");
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.last_sale.as_ref().unwrap().number, "FV1-000002");
    assert_eq!(app.last_sale.as_ref().unwrap().change, Money::ZERO);
}

#[test]
fn a_short_or_garbage_payment_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "HUE30\n");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "abc\n");
    assert!(app.ticket.tenders.is_empty());
    keys(&mut app, "5.000\n");
    assert_eq!(app.due(), Money::from_minor(13_500));
    assert!(app.last_sale.is_none());
    keys(&mut app, "20.000");
    key(&mut app, KeyCode::F(2)); // a card cannot be overpaid
    keys(&mut app, "\n");
    assert_eq!(app.ticket.tenders.len(), 1);
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("solo el efectivo da cambio")
    );
    // Nothing but the day and shift opening was committed.
    let store = app.store.as_ref().unwrap();
    assert_eq!(store.view().unwrap().outbox_len().unwrap(), 2);
    assert!(!holds(store, "FV1-000001"));
}

#[test]
fn unknown_code_beeps_and_keeps_the_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "SAL1K\n999999\n\u{1b}[A\n");
    assert!(app.beep);
    assert_eq!(app.ticket.lines.len(), 1);
    assert!(app.message.as_ref().unwrap().text.contains("desconocido"));
    keys(&mut app, "x*SAL1K\n");
    assert_eq!(app.ticket.lines.len(), 1);
}

#[test]
fn void_after_payment_started_needs_a_supervisor_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    app.store
        .as_ref()
        .unwrap()
        .add_user("luis", caja::domain::user::Role::Cashier, "5555")
        .unwrap();
    keys(&mut app, "SAL1K\nAZU1K\n");
    key(&mut app, KeyCode::F(8)); // before payment: no PIN
    assert_eq!(app.ticket.lines.len(), 1);
    keys(&mut app, "LEC1L\n");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "1.000\n");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::F(8));
    assert!(matches!(app.popup, Some(Popup::Pin(_))));
    // The prompt names the action by its word on the key bar (it read "Para: F8", a lookup
    // of the key bar's text that could not find it).
    let p = screen(&app, 80, 24);
    assert!(p.contains("Para: Anula"), "{p}");
    keys(&mut app, "luis\n5555\n");
    assert!(
        matches!(app.popup, Some(Popup::Pin(_))),
        "a cashier cannot authorize"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::F(8));
    keys(&mut app, "ana\n1234\n");
    assert!(app.popup.is_none());
    assert_eq!(app.ticket.lines.len(), 1);
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Enter);
    let store = app.store.clone().unwrap();
    // Each void is a document of its own: the first with no supervisor, the second (after a
    // tender was taken) under ana.
    let void = |n: &str| match body_of(&store, n) {
        DocBody::Void(v) => v,
        other => panic!("{other:?}"),
    };
    let first = void("FV1-AL-000001");
    assert_eq!((first.sku.as_str(), first.position), ("AZU1K", 2));
    assert!(!first.after_payment && first.overrides.is_empty());
    let second = void("FV1-AL-000002");
    assert!(second.after_payment && second.amount.is_positive());
    assert_eq!(
        (
            second.overrides[0].action.code(),
            second.overrides[0].supervisor.as_str()
        ),
        ("void_line", "ana")
    );
    // The sale itself carries no void override any more: nothing is counted twice.
    let DocBody::Sale(s) = body_of(&store, "FV1-000001") else {
        panic!()
    };
    assert!(s.overrides.is_empty());
    // The X report counts both voids with their amount.
    let x = store
        .day_report(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
        .unwrap();
    let trail = x.trail.clone().unwrap();
    assert_eq!(x.voids, 2);
    assert_eq!(
        trail.voided_amount,
        first.amount.checked_add(second.amount).unwrap()
    );
    assert_eq!(trail.voided_after_payment, 1);
}

/// Esc on a ticket records it as cancelled, and the X shows it.
#[test]
fn f8_void_and_esc_cancel_are_recorded_and_appear_in_the_x() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "SAL1K\nAZU1K\n");
    key(&mut app, KeyCode::F(8));
    // A discount over the limit, authorized: it stays on the record with the cancellation.
    key(&mut app, KeyCode::F(4));
    keys(&mut app, "T50%\nana\n1234\n");
    let total = app.ticket.total();
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.popup, Some(Popup::ConfirmCancel)));
    key(&mut app, KeyCode::Enter);
    assert!(app.ticket.is_empty());
    let store = app.store.clone().unwrap();
    let DocBody::Cancel(c) = body_of(&store, "FV1-AN-000001") else {
        panic!()
    };
    assert_eq!((c.lines.len(), c.total, c.held), (1, total, false));
    assert!(
        c.overrides
            .iter()
            .any(|o| o.action == caja::domain::document::OverrideAction::Discount),
        "{c:?}"
    );
    menu(&mut app, "x");
    let x = screen(&app, 80, 24);
    assert!(
        x.contains("Líneas anuladas (1)") && x.contains("Tiquetes anulados (1)"),
        "{x}"
    );
}

/// A card already charged cannot vanish with a cancelled ticket: the popup lists it, a
/// supervisor authorizes, and the cancellation records the card to give back.
#[test]
fn cancelling_with_a_card_tendered_needs_a_supervisor_and_lists_the_card() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    app.store
        .as_ref()
        .unwrap()
        .add_user("luis", caja::domain::user::Role::Cashier, "5555")
        .unwrap();
    keys(&mut app, "CAF250\nPAN500\n");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "5.000");
    key(&mut app, KeyCode::F(2));
    keys(&mut app, "VOUCHER 77\n");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.ticket.tenders.len(), 1);
    key(&mut app, KeyCode::Esc);
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("Tarjeta") && shown.contains("VOUCHER 77") && shown.contains("supervisor"),
        "{shown}"
    );
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.popup, Some(Popup::Pin(_))));
    assert!(!app.ticket.is_empty(), "nothing cancelled before the PIN");
    keys(&mut app, "luis\n5555\n");
    assert!(matches!(app.popup, Some(Popup::Pin(_))), "a cashier cannot");
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        app.ticket.tenders.len(),
        1,
        "Esc on the PIN keeps the ticket"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "ana\n1234\n");
    assert!(app.ticket.is_empty(), "{:?}", app.message);
    assert!(msg(&app).contains("FV1-AN-000001"), "{}", msg(&app));
    let store = app.store.clone().unwrap();
    let DocBody::Cancel(c) = body_of(&store, "FV1-AN-000001") else {
        panic!()
    };
    assert_eq!(c.tenders[0].reference.as_deref(), Some("VOUCHER 77"));
    assert_eq!(c.tenders[0].amount, Money::from_minor(5_000));
    assert_eq!(c.overrides[0].supervisor, "ana");
    let x = store
        .day_report(chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
        .unwrap();
    assert_eq!(
        x.trail.as_ref().unwrap().given_back,
        Money::from_minor(5_000)
    );
    assert_eq!(
        x.tender(caja::domain::tender::TenderKind::Card),
        Money::ZERO
    );
}

/// A ticket interrupted with a card tendered comes back with the card, and only the rest is
/// asked for.
#[test]
fn a_recovered_ticket_keeps_its_card_and_asks_only_for_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "CAF250\nPAN500\n");
    let total = app.ticket.total();
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "5.000");
    key(&mut app, KeyCode::F(2));
    keys(&mut app, "VOUCHER 88\n");
    // The terminal drops (SIGHUP): caja parks the ticket as interrupted and stops.
    app.park(true);
    drop(app);
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        Config::defaults(),
        clock(),
    );
    keys(&mut app, "ana\n1234\n");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.ticket.tenders.len(), 1, "{:?}", app.message);
    let rest = total.checked_sub(Money::from_minor(5_000)).unwrap();
    assert_eq!(app.due(), rest);
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("Pagado") && shown.contains("Tarjeta"),
        "{shown}"
    );
    key(&mut app, KeyCode::F(12));
    let pay = screen(&app, 80, 24);
    assert!(pay.contains("VOUCHER 88"), "{pay}");
    key(&mut app, KeyCode::F(2));
    keys(&mut app, "VOUCHER 89\n");
    let DocBody::Sale(s) = body_of(app.store.as_ref().unwrap(), "FV1-000001") else {
        panic!()
    };
    let paid: Vec<i64> = s.tenders.iter().map(|t| t.amount.minor()).collect();
    assert_eq!(paid, vec![5_000, rest.minor()]);
}

/// A refund prints its own receipt, titled, with the reason, and opens the drawer.
#[test]
fn a_refund_prints_its_receipt_and_opens_the_drawer() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    let (tx, rx) = std::sync::mpsc::channel();
    app.printer = Some(tx);
    keys(&mut app, "3*GAS350\n");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "50.000\n");
    while rx.try_recv().is_ok() {}
    key(&mut app, KeyCode::F(9));
    keys(&mut app, "ana\n1234\n1FV1-000001\n1\n");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "botella rota\n");
    let cmds: Vec<_> = rx.try_iter().collect();
    assert!(
        cmds.iter()
            .any(|c| matches!(c, caja::devices::printer::PrinterCmd::OpenDrawer(Some(_)))),
        "{cmds:?}"
    );
    let store = app.store.clone().unwrap();
    let jobs = store.print_jobs().unwrap();
    let job = jobs
        .iter()
        .find(|(_, j)| j.number == "FV1-DV-000001")
        .expect("the refund's receipt is queued");
    let d = store.view().unwrap().doc(job.1.seq).unwrap().unwrap();
    let text = caja::receipt::Receipt::of(
        &d.doc,
        "Tienda",
        &Default::default(),
        &store.info().currency,
        42,
        caja::config::Language::Es,
        None,
    )
    .to_text();
    assert!(
        text.contains("DEVOLUCIÓN")
            && text.contains("botella rota")
            && text.contains("FV1-000001")
            && text.contains("Autoriza: ana")
            && text.contains("TOTAL")
            && text.contains("$ -"),
        "{text}"
    );
}

/// Cash out beyond what the drawer should hold asks for a supervisor's PIN, and records it.
#[test]
fn cash_out_over_the_drawer_needs_a_pin() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    // The float was 0: a sale of 5.900 in cash leaves 5.900 in the drawer.
    keys(&mut app, "GAS350\n");
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Enter);
    let in_drawer = app
        .store
        .as_ref()
        .unwrap()
        .shift_report("ana")
        .unwrap()
        .expected_cash;
    menu(&mut app, "9");
    keys(&mut app, "10.000.000\nretiro\n");
    assert!(matches!(app.popup, Some(Popup::Pin(_))), "{}", msg(&app));
    assert!(
        msg(&app).contains(
            &caja::domain::money::Currency::by_code("COP")
                .unwrap()
                .format(in_drawer)
        )
    );
    key(&mut app, KeyCode::Esc);
    let store = app.store.clone().unwrap();
    assert!(!holds(&store, "FV1-MC-000001"));
    // Within the drawer: no second PIN.
    menu(&mut app, "9");
    keys(&mut app, "1.000\nsencillo\n");
    assert!(app.popup.is_none());
    assert!(holds(&store, "FV1-MC-000001"));
    // Over it, authorized: recorded as such.
    menu(&mut app, "9");
    keys(&mut app, "50.000\nconsignacion\n");
    keys(&mut app, "ana\n1234\n");
    let (_, d) = store
        .view()
        .unwrap()
        .doc_by_number("FV1-MC-000002")
        .unwrap()
        .unwrap();
    assert!(
        d.doc.body.overrides().iter().any(|o| o.action
            == caja::domain::document::OverrideAction::CashOutOver
            && o.supervisor == "ana"),
        "{:?}",
        d.doc.body
    );
}

#[test]
fn discounts_over_the_limit_need_a_supervisor() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "HUE30\n");
    key(&mut app, KeyCode::F(4));
    keys(&mut app, "5%\n");
    assert_eq!(app.ticket.total(), Money::from_minor(17_575));
    key(&mut app, KeyCode::F(4));
    keys(&mut app, "T50%\n");
    assert!(matches!(app.popup, Some(Popup::Pin(_))));
    keys(&mut app, "ana\n1234\n");
    assert!(app.ticket.total() < Money::from_minor(9_000));
    assert_eq!(
        app.ticket.overrides[0].action,
        caja::domain::document::OverrideAction::Discount
    );
}

#[test]
fn held_tickets_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "CAF250\n2*PAN500\n");
    key(&mut app, KeyCode::F(5));
    assert!(app.ticket.is_empty());
    drop(app);
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        Config::defaults(),
        clock(),
    );
    keys(&mut app, "ana\n1234\n");
    key(&mut app, KeyCode::F(6));
    assert!(matches!(app.screen, Screen::Recall(_)));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.ticket.lines.len(), 2);
    assert_eq!(app.ticket.total(), Money::from_minor(9_800 + 2 * 5_900));
    assert!(app.store.as_ref().unwrap().held().unwrap().is_empty());
}

#[test]
fn refund_from_the_supervisor_menu() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "3*GAS350\nHUE12\n");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "50.000\n");
    key(&mut app, KeyCode::F(9));
    keys(&mut app, "ana\n1234\n1FV1-000001\n");
    // A line set by mistake clears with 0.
    keys(&mut app, "1\n");
    key(&mut app, KeyCode::Up);
    keys(&mut app, "0\n");
    match &app.screen {
        Screen::Refund(r) => assert!(r.returns.iter().all(|q| q.milli() == 0), "{:?}", r.returns),
        _ => panic!("left the refund screen: {}", msg(&app)),
    }
    key(&mut app, KeyCode::Up);
    keys(&mut app, "2\n");
    insta::assert_snapshot!("refund", screen(&app, 80, 24));
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "botellas rotas\n");
    let msg = app.message.as_ref().unwrap().text.clone();
    assert!(
        msg.contains("FV1-DV-000001") && msg.contains("5.000"),
        "{msg}"
    );
    let DocBody::Refund(r) = body_of(app.store.as_ref().unwrap(), "FV1-DV-000001") else {
        panic!()
    };
    assert_eq!(
        (r.reason.as_str(), r.overrides[0].supervisor.as_str()),
        ("botellas rotas", "ana")
    );
    // The same sale again: what was refunded shows, and a line too many is named as people
    // count lines (from 1).
    key(&mut app, KeyCode::F(9));
    keys(&mut app, "ana\n1234\n1FV1-000001\n");
    let again = screen(&app, 80, 24);
    let row = again
        .lines()
        .find(|l| l.contains("Gaseosa"))
        .unwrap()
        .to_string();
    let after: Vec<&str> = row
        .split_once("7.500")
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    assert_eq!(after.first(), Some(&"2"), "already refunded shows: {again}");
    keys(&mut app, "2\n");
    key(&mut app, KeyCode::F(12));
    keys(&mut app, "otra vez\n");
    let msg = app.message.as_ref().unwrap().text.clone();
    assert!(
        msg.contains("Línea 1: se puede devolver 1 como máximo"),
        "{msg}"
    );
    assert!(
        !msg.contains("almacenamiento"),
        "a typing mistake is no storage error: {msg}"
    );
}

#[test]
fn cancel_asks_first_and_ctrl_c_never_quits_mid_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "SAL1K\n");
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(matches!(app.popup, Some(Popup::ConfirmCancel)) && !app.quit);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.ticket.lines.len(), 1);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    assert!(app.ticket.is_empty());
}

#[test]
fn too_small_a_terminal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let app = selling(dir.path());
    insta::assert_snapshot!("too_small", screen(&app, 60, 20));
}

#[test]
fn english_and_ascii_borders() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    app.set_language(caja::config::Language::En);
    keys(&mut app, "SAL1K\n");
    let theme = Theme::for_terminal(
        "default",
        &TermEnv {
            term: "linux".into(),
            no_color: false,
            locale: "C".into(),
        },
    );
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| caja::ui::draw(f, &app, &theme)).unwrap();
    let buf = t.backend().buffer();
    let text: String = (0..24)
        .flat_map(|y| (0..80).map(move |x| (x, y)))
        .map(|p| buf[p].symbol().to_string())
        .collect();
    assert!(
        text.contains("+-") && !text.contains('┌'),
        "ASCII borders expected"
    );
    assert!(text.contains("10Sync 12Pay") && text.contains("Description"));
}

#[test]
fn a_technician_lands_on_live_diagnostics_with_secrets_masked() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    std::fs::write(
        dir.path().join("caja.toml"),
        "[sync]\nurl = \"\"\nuser = \"FV1\"\npassword = \"s3cret\"\n",
    )
    .unwrap();
    let store = Store::open(dir.path()).unwrap();
    store
        .add_user("tec", caja::domain::user::Role::Technician, "7777")
        .unwrap();
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(store),
        Config::load(dir.path()).unwrap(),
        clock(),
    );
    keys(&mut app, "tec\n7777\n");
    assert!(matches!(app.screen, Screen::Diagnostics(_)));
    let start = std::time::Instant::now();
    while app.background_busy() {
        if let Some(ev) = app.next_event(std::time::Duration::from_millis(20)) {
            app.handle(ev);
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(15),
            "the checks never finished"
        );
    }
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("integridad")
            && shown.contains("impresora")
            && shown.contains("puertos serie"),
        "{shown}"
    );
    assert!(
        shown.lines().any(|l| l.starts_with("│OK   integridad")),
        "{shown}"
    );
    keys(&mut app, "7");
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("password = \"********\"") && !shown.contains("s3cret"),
        "{shown}"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.screen, Screen::Login(_)),
        "a technician leaves through login"
    );
}

/// Runs background work (close of day, backups) until it is done.
#[test]
fn a_supervisors_day_from_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    let usb = tempfile::tempdir().unwrap();
    let mut config = Config::defaults();
    config.backup.dir = usb.path().display().to_string();
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        config,
        clock(),
    );
    // The first login of the day opens the date and the shift with a counted float.
    keys(&mut app, "ana\n1234\n");
    insta::assert_snapshot!("opening", screen(&app, 80, 24));
    // The store's first date: a supervisor confirms it, seeing the date and the clock.
    keys(&mut app, "100.000\n");
    insta::assert_snapshot!("opening_first_date", screen(&app, 80, 24));
    keys(&mut app, "ana\n1234\n");
    assert!(matches!(app.screen, Screen::Sale), "{}", msg(&app));
    assert!(msg(&app).contains("FV1-TA-000001"), "{}", msg(&app));
    keys(&mut app, "HUE30\n");
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.last_sale.as_ref().unwrap().number, "FV1-000001");

    // Cash in, with its reason, from the supervisor menu.
    key(&mut app, KeyCode::F(9));
    keys(&mut app, "ana\n1234\n");
    insta::assert_snapshot!("menu", screen(&app, 80, 24));
    keys(&mut app, "820.000\nsencillo\n");
    assert!(msg(&app).contains("FV1-MC-000001"), "{}", msg(&app));

    // X report: 100.000 + 18.500 + 20.000 expected in the drawer, nothing reset.
    menu(&mut app, "x");
    let x = screen(&app, 80, 24);
    assert!(
        x.contains("INFORME X 2026-11-22") && x.contains("138.500"),
        "{x}"
    );
    key(&mut app, KeyCode::Esc);

    // The close of day refuses while the shift is open, and says whose.
    menu(&mut app, "z");
    key(&mut app, KeyCode::Enter);
    settle(&mut app);
    let z = screen(&app, 80, 24);
    assert!(z.contains("[FAIL]") && z.contains("abiertos: ana"), "{z}");
    key(&mut app, KeyCode::Esc);

    // Blind count: 138.000 counted, 500 short; the report shows after the count.
    menu(&mut app, "0");
    assert!(matches!(app.screen, Screen::ShiftClose(_)));
    assert!(
        !screen(&app, 80, 24).contains("138.500"),
        "blind: no expected amount"
    );
    keys(&mut app, "138.000\n");
    let r = screen(&app, 80, 24);
    assert!(
        r.contains("Esperado") && r.contains("138.500") && r.contains("-500"),
        "{r}"
    );
    assert!(msg(&app).contains("FV1-TC-000001"), "{}", msg(&app));
    key(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.screen, Screen::Login(_)),
        "own shift closed: log out"
    );

    // A supervisor closes the day without opening a shift: F9 from the opening screen.
    keys(&mut app, "ana\n1234\n");
    assert!(matches!(app.screen, Screen::Opening(_)));
    menu(&mut app, "z");
    key(&mut app, KeyCode::Enter);
    settle(&mut app);
    let z = screen(&app, 80, 24);
    assert!(z.contains("FV1-Z-000001"), "{z}");
    assert!(z.contains("sincronización no configurada"), "{z}");
    assert!(
        z.contains("verificada") && z.contains("cadena intacta"),
        "{z}"
    );
    assert!(!z.contains("[FAIL]"), "{z}");
    let backups: Vec<_> = std::fs::read_dir(usb.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".redb"))
        .collect();
    assert_eq!(backups.len(), 1, "one verified backup on the stick");
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen, Screen::Login(_)));

    // Same calendar day, date closed: the next date is offered and needs a supervisor. None is
    // at hand, so a usage token answers; a wrong answer is refused first.
    keys(&mut app, "ana\n1234\n");
    let o = screen(&app, 80, 24);
    assert!(
        o.contains("2026-11-23")
            && o.contains("PIN de supervisor")
            && o.contains("Hoy ya se cerró")
            && !o.contains("Fuera de secuencia"),
        "{o}"
    );
    // A refund needs an open date: from here it says so instead of failing on a closed one.
    menu(&mut app, "1");
    assert!(matches!(app.screen, Screen::Opening(_)));
    assert!(msg(&app).contains("día abierto"), "{}", msg(&app));
    keys(&mut app, "0\n");
    assert!(matches!(app.popup, Some(Popup::Pin(_))));
    key(&mut app, KeyCode::Tab);
    let challenge = match &app.popup {
        Some(Popup::Pin(p)) => p.token.as_ref().unwrap().0,
        _ => panic!("no PIN popup"),
    };
    keys(&mut app, "00000000\n");
    match &app.popup {
        Some(Popup::Pin(p)) => assert!(p.error.as_ref().unwrap().contains("quedan 4 intentos")),
        _ => panic!("a wrong answer closed the popup"),
    }
    let store = app.store.clone().unwrap();
    let now = clock()().timestamp();
    let answer = caja::domain::token::answer(
        &store.info().token_secret,
        "FV1",
        challenge,
        caja::domain::token::window(now),
    );
    keys(&mut app, &format!("{answer}\n"));
    assert!(matches!(app.screen, Screen::Sale), "{}", msg(&app));
    let (_, opened) = store
        .view()
        .unwrap()
        .doc_by_number("FV1-DA-000002")
        .unwrap()
        .unwrap();
    assert_eq!(opened.doc.business_date.to_string(), "2026-11-23");
    assert_eq!(
        opened.doc.body.overrides()[0].supervisor,
        format!("token {challenge:09}")
    );

    // The journal screen: yesterday's documents, totals, and a CSV export.
    menu(&mut app, "d");
    assert!(matches!(app.screen, Screen::Journal(_)));
    for _ in 0..10 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "2026-11-22\n");
    let j = screen(&app, 80, 24);
    assert!(
        j.contains("FV1-000001") && j.contains("FV1-Z-000001"),
        "{j}"
    );
    assert!(j.contains("8 documentos"), "{j}");
    // "Neto" means what it means in the X and the Z (sales less refunds); the cash put in is
    // apart.
    assert!(j.contains("8 documentos · neto $ "), "{j}");
    assert!(j.contains("entradas − salidas $ "), "{j}");
    assert!(
        j.contains("Número") && j.contains("Fecha y hora"),
        "column headings: {j}"
    );
    // Types in the register's language, not the sync codes.
    assert!(j.contains("cierre Z") && j.contains("venta"), "{j}");
    assert!(!j.contains("closing") && !j.contains("day_open"), "{j}");
    key(&mut app, KeyCode::F(6));
    let out = dir.path().join("export.csv");
    if let Some(Popup::JournalExport(p)) = &mut app.popup {
        *p = out.display().to_string();
    }
    key(&mut app, KeyCode::Enter);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("number,type,"), "{csv}");
    assert!(csv.contains("FV1-MC-000001,cash,2026-11-22"), "{csv}");
    assert!(csv.contains("cash_in by ana (sencillo)"), "{csv}");
    assert_eq!(csv.lines().count(), 9);
}

#[test]
fn the_sync_panel_pushes_and_pulls_in_the_background() {
    use caja::hub::Hub;
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = Hub::open(hub_dir.path()).unwrap();
    hub.store()
        .add_user("FV1", "clave-fv1-segura", false)
        .unwrap();
    let cop = caja::domain::money::Currency::by_code("COP").unwrap();
    hub.import_catalog(&caja::csvio::demo_catalog(&cop), &cop, false)
        .unwrap();
    let h = hub.serve("127.0.0.1:0").unwrap();

    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    let mut config = Config::defaults();
    config.sync.url = format!("http://{}", h.addr);
    config.sync.user = "FV1".into();
    config.sync.password = "clave-fv1-segura".into();
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        config.clone(),
        clock(),
    );
    // The workers as the terminal loop starts them: the sync reports into the app's queue.
    app.start_workers();
    assert!(app.sync.is_some());
    keys(&mut app, "ana\n1234\n0\nana\n1234\nHUE30\n");
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::F(10));
    let p = screen(&app, 80, 24);
    assert!(p.contains("venta 1") && p.contains("abre turno 1"), "{p}");
    assert!(p.contains("sin intentos"), "{p}");

    // Push now; the worker answers while the register stays responsive.
    keys(&mut app, "p");
    let wait_for = |app: &mut App, want: &dyn Fn(&caja::sync::worker::SyncEvent) -> bool| {
        sync_events(app, want)
    };
    wait_for(&mut app, &|e| {
        matches!(
            e,
            caja::sync::worker::SyncEvent::Pushed(_) | caja::sync::worker::SyncEvent::Failed(_)
        )
    });
    let p = screen(&app, 80, 24);
    assert!(p.contains("en línea") && p.contains("3 enviados"), "{p}");
    assert_eq!(app.outbox, 0);

    // Replace asks first, then reloads the catalog from the hub.
    keys(&mut app, "3");
    assert!(screen(&app, 80, 24).contains("Enter sí"));
    key(&mut app, KeyCode::Enter);
    wait_for(&mut app, &|e| {
        matches!(
            e,
            caja::sync::worker::SyncEvent::Pulled(..) | caja::sync::worker::SyncEvent::Failed(_)
        )
    });
    let p = screen(&app, 80, 24);
    assert!(p.contains("reemplazo 37 productos"), "{p}");
    assert!(
        p.contains("reemplazo bien: 37 productos"),
        "the pull history: {p}"
    );
    drop(app);
    h.stop();
}

#[test]
fn a_reinstalled_register_takes_its_code_over_from_the_sync_panel() {
    use caja::hub::Hub;
    use caja::sync::worker::SyncEvent;
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = Hub::open(hub_dir.path()).unwrap();
    hub.store()
        .add_user("FV1", "clave-fv1-segura", false)
        .unwrap();
    let h = hub.serve("127.0.0.1:0").unwrap();
    let mut config = Config::defaults();
    config.sync.url = format!("http://{}", h.addr);
    config.sync.user = "FV1".into();
    config.sync.password = "clave-fv1-segura".into();

    // The register before its disk was replaced: five sales on the server.
    let old_dir = tempfile::tempdir().unwrap();
    let old = demo_store(old_dir.path());
    let products = caja::csvio::demo_catalog(&old.info().currency);
    for i in 0..5 {
        let body = caja::dev::soak::soak_ticket(&old, &products, i).unwrap();
        old.commit(&crate::common::header(21, i as i64), body)
            .unwrap();
    }
    let mut c = caja::sync::client::Client::new(&config.sync).unwrap();
    caja::sync::client::claim(&old, &mut c).unwrap();
    caja::sync::client::push(&old, &mut c, |_, _| {}).unwrap();
    drop(old);

    // The reinstalled register: a new store with the same code.
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        config.clone(),
        clock(),
    );
    // The workers as the terminal loop starts them: the sync reports into the app's queue.
    app.start_workers();
    assert!(app.sync.is_some());
    let wait_for = |app: &mut App, want: &dyn Fn(&caja::sync::worker::SyncEvent) -> bool| {
        sync_events(app, want)
    };
    keys(&mut app, "ana\n1234\n0\nana\n1234\n");
    key(&mut app, KeyCode::F(10));
    keys(&mut app, "p");
    wait_for(&mut app, &|e| {
        matches!(e, SyncEvent::Pushed(_) | SyncEvent::Failed(_))
    });
    let p = screen(&app, 80, 24);
    assert!(p.contains("ya la reclamó"), "{p}");
    assert!(p.contains("T tomar este código"), "{p}");
    assert_eq!(app.outbox, 2, "nothing left the register");

    // T asks for a supervisor PIN first.
    keys(&mut app, "t");
    assert!(matches!(app.popup, Some(Popup::Pin(_))));
    keys(&mut app, "ana\n1234\n");
    wait_for(&mut app, &|e| {
        matches!(e, SyncEvent::Pushed(_) | SyncEvent::Failed(_))
    });
    let p = screen(&app, 80, 24);
    assert!(
        p.contains("la numeración sigue después de FV1-000005"),
        "{p}"
    );
    assert!(p.contains("2 enviados"), "{p}");
    assert_eq!(app.outbox, 0);

    // The next sale is FV1-000006.
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "HUE30\n");
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Enter);
    let store = app.store.clone().unwrap();
    let (_, last) = store.view().unwrap().last_doc().unwrap().unwrap();
    assert_eq!(last.doc.number, "FV1-000006");
    drop(app);
    h.stop();
}

/// Settings with loyalty points: one point per `earn_every`, worth 10 each.
fn points_config(earn_every: &str) -> Config {
    let mut config = Config::defaults();
    config.loyalty.earn_every = earn_every.into();
    config.loyalty.point_value = "10".into();
    config
}

/// The register on a demo store in `dir`, at its login.
fn demo_app(dir: &std::path::Path, config: Config) -> App {
    drop(demo_store(dir));
    let store = Store::open(dir).unwrap();
    App::new(dir.to_path_buf(), Some(store), config, clock())
}

#[test]
fn a_customer_from_the_keyboard_pays_partly_with_points_and_shows_on_the_receipt() {
    use caja::devices::printer::PrinterEvent;
    let dir = tempfile::tempdir().unwrap();
    let mut config = points_config("1.000");
    config.printer.device = "file:recibos.txt".into();
    config.loyalty.max_percent = 50;
    let mut app = demo_app(dir.path(), config.clone());
    app.start_workers();
    let printed = |app: &mut App, number: &str| {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < until {
            let Some(ev) = app.next_event(std::time::Duration::from_millis(200)) else {
                continue;
            };
            let done = matches!(&ev, caja::app::events::Event::Printer(PrinterEvent::Printed(n)) if n == number);
            app.handle(ev);
            if done {
                return;
            }
        }
        panic!("{number} was never printed");
    };
    keys(&mut app, "ana\n1234\n0\nana\n1234\n");

    // F3: nobody has this NIT yet; Enter opens the form with it, a wrong check digit is refused.
    key(&mut app, KeyCode::F(3));
    keys(&mut app, "900173769-2\n");
    keys(&mut app, "Ferreteria El Tornillo\n\n\n");
    key(&mut app, KeyCode::Enter);
    let p = screen(&app, 80, 24);
    assert!(p.contains("el dígito de verificación debe ser 1"), "{p}");
    // Back to the number, fix the check digit, save.
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Backspace);
    keys(&mut app, "1");
    key(&mut app, KeyCode::F(12));
    assert!(
        matches!(app.screen, Screen::Sale),
        "{}",
        screen(&app, 80, 24)
    );
    let p = screen(&app, 80, 24);
    assert!(p.contains("Cliente: Ferreteria El Tornillo"), "{p}");
    assert!(p.contains("NIT-900173769-1"), "{p}");

    // The first sale earns 37 points (37.000).
    keys(&mut app, "2*HUE30\n");
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.last_sale.as_ref().unwrap().number, "FV1-000001");
    assert!(
        app.ticket.customer.is_none(),
        "the next ticket starts without a customer"
    );
    // The store said how many documents wait: the day, the shift, the customer, the sale and
    // its points movement.
    let waiting = app
        .store
        .as_ref()
        .unwrap()
        .view()
        .unwrap()
        .outbox_len()
        .unwrap();
    assert_eq!((app.outbox, waiting), (5, 5));
    printed(&mut app, "FV1-000001");

    // The second: found by name, 30 of its points (300) pay part, cash the rest.
    key(&mut app, KeyCode::F(3));
    keys(&mut app, "tornillo");
    key(&mut app, KeyCode::Enter);
    let p = screen(&app, 80, 24);
    assert!(p.contains("(37 puntos)"), "{p}");
    keys(&mut app, "ARZ500\n");
    key(&mut app, KeyCode::F(12));
    // More points than the customer has are refused.
    keys(&mut app, "2000");
    key(&mut app, KeyCode::F(5));
    let p = screen(&app, 80, 24);
    assert!(
        p.contains("tiene 37 puntos; no se pueden redimir 200"),
        "{p}"
    );
    assert!(app.ticket.tenders.is_empty());
    keys(&mut app, "300");
    key(&mut app, KeyCode::F(5));
    let p = screen(&app, 80, 24);
    assert!(p.contains("30 puntos"), "{p}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.last_sale.as_ref().unwrap().number, "FV1-000002");
    printed(&mut app, "FV1-000002");

    let receipts = std::fs::read_to_string(dir.path().join("recibos.txt")).unwrap();
    let second = &receipts[receipts.find("FV1-000002").unwrap()..];
    for want in [
        "Puntos 30 puntos",
        "Cliente: Ferreteria El Tornillo",
        "NIT-900173769-1",
        "Puntos redimidos",
        "Saldo de puntos",
    ] {
        assert!(second.contains(want), "{want} missing from:\n{second}");
    }
    // 2.900 less 300 paid with points earns 2; the balance is 37 - 30 + 2.
    let line = |label: &str| {
        second
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label}: {second}"))
            .split_whitespace()
            .last()
            .unwrap()
            .to_string()
    };
    assert_eq!(line("Puntos redimidos"), "30");
    assert_eq!(line("Puntos ganados"), "2");
    assert_eq!(line("Saldo de puntos"), "9");
    drop(app);
}

/// A scanner's stray Enter on an empty PIN is no attempt; on a kiosk Esc never quits.
#[test]
fn an_empty_pin_is_no_attempt_and_a_kiosk_never_quits() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    let mut config = Config::defaults();
    config.register.kiosk = true;
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        config,
        clock(),
    );
    keys(&mut app, "ana\n");
    for _ in 0..10 {
        key(&mut app, KeyCode::Enter);
    }
    assert!(app.message.is_none(), "{:?}", app.message);
    keys(&mut app, "1234\n");
    assert!(
        matches!(app.screen, Screen::Opening(_)),
        "not locked out: {:?}",
        app.message
    );
    // The PIN popup too (the store's first date asks for it).
    keys(&mut app, "0\n");
    assert!(matches!(app.popup, Some(Popup::Pin(_))));
    keys(&mut app, "ana\n\n\n\n\n\n1234\n");
    assert!(matches!(app.screen, Screen::Sale), "{:?}", app.message);
    key(&mut app, KeyCode::F(9));
    keys(&mut app, "ana\n1234\n");
    assert!(
        matches!(app.screen, Screen::Menu),
        "{:?}",
        app.popup.is_some()
    );
    keys(&mut app, "3");
    assert!(matches!(app.screen, Screen::Login(_)));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert!(!app.quit, "a kiosk stays");
}

/// Without function keys, Esc and a digit (Alt+digit) stand in for them: Esc = pays.
#[test]
fn esc_digit_stands_in_for_function_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "SAL1K\n");
    app.on_key(KeyEvent::new(KeyCode::Char('5'), KeyModifiers::ALT));
    assert!(app.ticket.is_empty(), "Esc 5 holds");
    app.on_key(KeyEvent::new(KeyCode::Char('6'), KeyModifiers::ALT));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.ticket.lines.len(), 1, "Esc 6 recalls");
    app.on_key(KeyEvent::new(KeyCode::Char('='), KeyModifiers::ALT));
    assert!(matches!(app.screen, Screen::Payment(_)), "Esc = pays");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.last_sale.as_ref().unwrap().number, "FV1-000001");

    // Typed slowly, a key at a time: Esc waits for its digit.
    keys(&mut app, "SAL1K\n");
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    app.on_key(esc);
    assert!(
        app.esc_pending.is_some() && app.popup.is_none(),
        "Esc waits"
    );
    assert!(
        screen(&app, 80, 24).contains("F12"),
        "the key bar says what Esc waits for"
    );
    keys(&mut app, "5");
    assert!(app.ticket.is_empty(), "Esc, then 5, holds");
    assert_eq!(app.input, "", "the 5 is not typed");
    // A lone Esc acts when its second passes (the terminal loop's tick), or at once on a
    // second Esc; a letter after it is typed after the Esc acted.
    keys(&mut app, "SAL1K\n");
    app.on_key(esc);
    assert!(!app.tick(), "not before its second");
    app.esc_pending = app.esc_pending.map(|at| at - caja::app::ESC_WAIT);
    assert!(app.tick());
    assert!(
        app.popup.is_some(),
        "the lone Esc asked to cancel the ticket"
    );
    key(&mut app, KeyCode::Char('n'));
    assert!(app.popup.is_none() && !app.ticket.is_empty());
    app.on_key(esc);
    app.on_key(esc);
    assert!(app.popup.is_some(), "Esc Esc acts at once");
}

/// The supervisor adds a user, changes a PIN and a role from the menu (the register need not
/// stop); the only supervisor keeps the role.
#[test]
fn users_are_added_and_changed_from_the_supervisor_menu() {
    use caja::domain::user::Role;
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    menu(&mut app, "u");
    assert!(matches!(app.popup, Some(Popup::User(_))));
    keys(&mut app, "luis\nc\n5555\n");
    assert!(msg(&app).contains("luis"), "{}", msg(&app));
    let store = app.store.clone().unwrap();
    assert_eq!(store.user("luis").unwrap().unwrap().role, Role::Cashier);
    // A new PIN and a new role.
    menu(&mut app, "u");
    keys(&mut app, "luis\ns\n7777\n");
    let luis = store.user("luis").unwrap().unwrap();
    assert_eq!(luis.role, Role::Supervisor);
    assert!(matches!(
        store.login("luis", "7777").unwrap(),
        caja::store::users::Login::Ok(_)
    ));
    // ana may step down now that luis supervises; luis, the last one, may not.
    menu(&mut app, "u");
    keys(&mut app, "ana\nc\n\n");
    assert_eq!(store.user("ana").unwrap().unwrap().role, Role::Cashier);
    key(&mut app, KeyCode::F(9));
    keys(&mut app, "luis\n7777\nu");
    keys(&mut app, "luis\nc\n\n");
    assert!(msg(&app).contains("único supervisor"), "{}", msg(&app));
    assert_eq!(store.user("luis").unwrap().unwrap().role, Role::Supervisor);
}

/// A typing mistake reads as one, in Spanish, never as a storage failure.
#[test]
fn typing_mistakes_are_not_storage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    menu(&mut app, "5");
    keys(&mut app, "3\n");
    assert_eq!(msg(&app), "'3' no es un número de documento");
    menu(&mut app, "5");
    keys(&mut app, "FV1-999999\n");
    assert_eq!(msg(&app), "No existe el documento FV1-999999");
    menu(&mut app, "2");
    keys(&mut app, "nadie\n");
    assert_eq!(msg(&app), "No existe el usuario nadie");
}

/// While the printer is down its retries never hide what the cashier just did.
#[test]
fn printer_retries_do_not_replace_other_messages() {
    use caja::devices::printer::PrinterEvent;
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "GAS350\n");
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Enter);
    let sold = msg(&app);
    assert!(sold.contains("FV1-000001"), "{sold}");
    use caja::devices::printer::Fault;
    let off = || Fault::Io(caja::devices::printer::IoWhy::Refused, String::new());
    app.on_printer(PrinterEvent::Waiting("FV1-000001".into(), off()));
    assert_eq!(msg(&app), sold);
    app.message = None;
    app.on_printer(PrinterEvent::Waiting("FV1-000001".into(), off()));
    assert!(
        msg(&app).contains("en espera: la impresora no acepta la conexión"),
        "{}",
        msg(&app)
    );
    app.on_printer(PrinterEvent::Waiting(
        "FV1-000001".into(),
        Fault::Unreachable,
    ));
    assert!(
        msg(&app).contains("impresora sin conexión"),
        "a newer retry replaces an older one"
    );
    // A drawer on a file printer says why in the register's language.
    app.message = None;
    app.on_printer(PrinterEvent::DrawerFailed(None, Fault::NoDrawerOnFile));
    assert!(
        msg(&app).contains("El cajón no abrió: una impresora de archivo no tiene cajón"),
        "{}",
        msg(&app)
    );
    // A kick for a sale names the sale: a failure that arrives after the next ticket failed to
    // commit never reads as that ticket's.
    app.message = None;
    app.on_printer(PrinterEvent::DrawerFailed(
        Some("FV1-000007".into()),
        Fault::NoDrawerOnFile,
    ));
    assert!(
        msg(&app).contains("El cajón no abrió para FV1-000007: una impresora de archivo"),
        "{}",
        msg(&app)
    );
}

#[test]
fn a_damaged_store_opens_on_a_screen_where_a_supervisor_rebuilds_it() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("data");
    init_cli(&dir);
    let d = dir.to_str().unwrap();
    assert!(
        run(&["soak", "--data-dir", d, "--count", "12"])
            .status
            .success()
    );
    // Zero the header and the first pages: redb cannot make sense of the file.
    let store = dir.join("caja.redb");
    let mut b = std::fs::read(&store).unwrap();
    b[..16384].fill(0);
    std::fs::write(&store, &b).unwrap();

    let mut app = App::open(dir.clone(), Config::defaults(), clock()).unwrap();
    assert!(matches!(app.screen, Screen::Damaged(_)));
    assert!(app.store.is_none(), "nothing may sell into a damaged store");
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("Tienda dañada") && s.contains("diario electrónico"),
        "{s}"
    );
    // Nobody can verify the users (the store is unreadable, no backup): the rebuild says so.
    keys(&mut app, "ana");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "1234");
    key(&mut app, KeyCode::Enter);
    let s = screen(&app, 80, 24);
    assert!(s.contains("Documentos: 12 (12 del diario"), "{s}");
    assert!(s.contains("Nadie puede verificar"), "{s}");
    assert!(s.contains("La tienda dañada queda como"), "{s}");
    assert_eq!(std::fs::read(&damaged_aside(&dir)[0]).unwrap(), b);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Login(_)));
    let (_, last) = app
        .store
        .as_ref()
        .unwrap()
        .view()
        .unwrap()
        .last_doc()
        .unwrap()
        .unwrap();
    assert_eq!(last.doc.number, "FV1-000012");
}

#[test]
fn a_damaged_store_is_rebuilt_only_by_a_supervisor_when_its_users_can_be_read() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("data");
    let usb = work.path().join("usb");
    init_cli(&dir);
    let d = dir.to_str().unwrap();
    let o = run(&[
        "user",
        "add",
        "beto",
        "--role",
        "cashier",
        "--pin",
        "5555",
        "--data-dir",
        d,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["backup", "--data-dir", d, "--to", usb.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        run(&["soak", "--data-dir", d, "--count", "5"])
            .status
            .success()
    );
    let store = dir.join("caja.redb");
    let len = std::fs::metadata(&store).unwrap().len() as usize;
    std::fs::write(&store, vec![0u8; len]).unwrap();

    let mut config = Config::defaults();
    config.backup.dir = usb.to_str().unwrap().to_string();
    let mut app = App::open(dir.clone(), config, clock()).unwrap();
    // A cashier, then a wrong PIN: refused, nothing moved.
    for (user, pin) in [("beto", "5555"), ("ana", "9999")] {
        keys(&mut app, user);
        key(&mut app, KeyCode::Enter);
        keys(&mut app, pin);
        key(&mut app, KeyCode::Enter);
        assert!(msg(&app).contains("No es un supervisor"), "{}", msg(&app));
        assert!(damaged_aside(&dir).is_empty());
        key(&mut app, KeyCode::Esc);
        while let Screen::Damaged(st) = &app.screen {
            if st.form.user.is_empty() {
                break;
            }
            key(&mut app, KeyCode::Backspace);
        }
    }
    keys(&mut app, "ana");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "1234");
    key(&mut app, KeyCode::Enter);
    let s = screen(&app, 80, 24);
    assert!(s.contains("Documentos: 5 (5 del diario"), "{s}");
    assert!(s.contains("Completado con la copia"), "{s}");
    // The parts recovered are named in the register's language.
    assert!(s.contains("Recuperado usuarios (de la copia): 2"), "{s}");
    assert!(!s.contains("products"), "{s}");
    key(&mut app, KeyCode::Enter);
    let store = app.store.as_ref().unwrap();
    assert!(store.user("beto").unwrap().is_some());
    let mut products = 0;
    store
        .visit_products(|_| {
            products += 1;
            Ok(())
        })
        .unwrap();
    assert!(products > 30, "{products}");
}

#[test]
fn f9_on_the_login_screen_lets_a_supervisor_unlock_a_user() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    store
        .add_user("beto", caja::domain::user::Role::Cashier, "5555")
        .unwrap();
    for _ in 0..5 {
        assert!(!matches!(
            store.login("beto", "0000").unwrap(),
            caja::store::users::Login::Ok(_)
        ));
    }
    assert_eq!(
        store.login("beto", "5555").unwrap(),
        caja::store::users::Login::Locked
    );
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(store),
        Config::defaults(),
        clock(),
    );
    key(&mut app, KeyCode::F(9));
    assert!(
        matches!(app.popup, Some(Popup::Pin(_))),
        "F9 asks for a supervisor"
    );
    keys(&mut app, "ana\n1234\n");
    assert!(matches!(app.screen, Screen::Menu), "{}", msg(&app));
    // What needs a till is not offered with nobody logged in.
    key(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.screen, Screen::Menu));
    assert!(msg(&app).contains("2 desbloquear"), "{}", msg(&app));
    key(&mut app, KeyCode::Char('2'));
    assert!(matches!(app.screen, Screen::Login(_)));
    keys(&mut app, "beto\n");
    assert!(msg(&app).contains("beto"), "{}", msg(&app));
    keys(&mut app, "beto\n5555\n");
    assert!(
        matches!(app.screen, Screen::Sale | Screen::Opening(_)),
        "{}",
        msg(&app)
    );
}

#[test]
fn the_header_keeps_the_printer_state_whole_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = params("COP");
    p.name = "Supermercado y Droguería La Esperanza del Barrio San José".into();
    drop(Store::create(dir.path(), p).unwrap());
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        Config::defaults(),
        clock(),
    );
    keys(&mut app, "ana\n1234\n0\nana\n1234\n");
    assert!(matches!(app.screen, Screen::Sale), "{}", msg(&app));
    app.printer_state = Some(caja::devices::printer::PrinterState::Unreachable(
        caja::devices::printer::Fault::Unreachable,
    ));
    let s = screen(&app, 80, 24);
    let header = s.lines().next().unwrap();
    assert!(
        header.trim_end().ends_with("Impr: sin conexión"),
        "{header}"
    );
    assert!(
        header.starts_with(" Supermerc") && header.contains("…"),
        "{header}"
    );
    assert!(header.contains("FV1") && header.contains("ana"), "{header}");
}

#[test]
fn typing_mistakes_read_in_the_registers_language() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        Config::defaults(),
        clock(),
    );
    keys(&mut app, "ana\n1234\n");
    assert!(matches!(app.screen, Screen::Opening(_)));
    // The float field takes digits only: letters leave it empty.
    keys(&mut app, "abc\n");
    assert_eq!(msg(&app), "'' no es un monto");
    keys(&mut app, "0,001\n");
    assert_eq!(msg(&app), "'0,001' no es un monto");
}

#[test]
fn an_edited_caja_toml_applies_at_once_and_a_bad_edit_keeps_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    // News from the background waits behind a fresh message; here it shows at once.
    app.message_min = std::time::Duration::ZERO;
    let path = dir.path().join("caja.toml");
    // A valid edit: the backup folder, as a supervisor would change it before a close of day.
    assert!(!path.exists());
    let edited = "[backup]\ndir = \"/media/usb\"\n".to_string();
    std::fs::write(&path, &edited).unwrap();
    app.config_changed(Config::load(dir.path()));
    assert_eq!(app.config.backup.dir, "/media/usb", "{}", msg(&app));
    assert!(
        msg(&app).contains("configuración aplicada"),
        "{}",
        msg(&app)
    );
    // A bad edit: refused, with its error, and the settings in use stay.
    std::fs::write(&path, edited.replace("dir = \"/media/usb\"", "dir = 7")).unwrap();
    app.config_changed(Config::load(dir.path()));
    assert_eq!(app.config.backup.dir, "/media/usb");
    assert!(msg(&app).contains("no es válido"), "{}", msg(&app));
}

#[test]
fn loyalty_amounts_the_currency_cannot_read_are_said_and_a_reload_with_them_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // At start: loyalty stays off, and the screen says which setting and why.
    let mut app = demo_app(dir.path(), points_config("mil"));
    app.message_min = std::time::Duration::ZERO;
    assert!(!app.loyalty().enabled());
    assert!(msg(&app).contains("Puntos apagados"), "{}", msg(&app));
    assert!(msg(&app).contains("loyalty.earn_every"), "{}", msg(&app));
    // A valid edit turns it on; a later edit the currency cannot read is refused and the
    // rules in use stay.
    let path = dir.path().join("caja.toml");
    let good = "[loyalty]\nearn_every = \"1.000\"\npoint_value = \"10\"\n";
    std::fs::write(&path, good).unwrap();
    app.config_changed(Config::load(dir.path()));
    assert!(app.loyalty().enabled(), "{}", msg(&app));
    let every = app.loyalty().earn_every;
    std::fs::write(&path, good.replace("\"10\"", "\"diez\"")).unwrap();
    app.config_changed(Config::load(dir.path()));
    assert!(msg(&app).contains("no es válido"), "{}", msg(&app));
    assert!(msg(&app).contains("loyalty.point_value"), "{}", msg(&app));
    assert_eq!(app.config.loyalty.point_value, "10");
    assert_eq!(app.loyalty().earn_every, every);
}

#[test]
fn background_news_waits_its_turn_and_repeats_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    app.message_min = std::time::Duration::from_secs(3600);
    app.info(caja::app::Level::Ok, "Cajón abierto");
    // The drawer's sensor and a config reload arrive while it is up: they wait.
    app.notice(caja::app::Level::Warn, "El cajón no abrió");
    app.notice(caja::app::Level::Warn, "El cajón no abrió");
    app.notice(caja::app::Level::Info, "caja.toml cambió");
    assert_eq!(msg(&app), "Cajón abierto");
    assert!(
        !app.tick(),
        "nothing replaces a message before it can be read"
    );
    assert_eq!(app.queued.len(), 2);
    // Once it has been up long enough, each comes in turn, a repeat shown once with its count.
    app.message_min = std::time::Duration::ZERO;
    assert!(app.tick());
    let s = screen(&app, 80, 24);
    assert!(s.contains("El cajón no abrió (×2)"), "{s}");
    assert!(app.tick());
    assert_eq!(msg(&app), "caja.toml cambió");
    assert!(!app.tick());
    // What the cashier does takes the line at once; the same words again only count up.
    app.message_min = std::time::Duration::from_secs(3600);
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Esc);
    keys(&mut app, "NOEXISTE\n");
    keys(&mut app, "NOEXISTE\n");
    let s = screen(&app, 80, 24);
    assert!(s.contains("(×2)"), "{s}");
}

#[test]
fn a_short_pin_in_the_user_form_reads_in_the_registers_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    key(&mut app, KeyCode::F(9));
    keys(&mut app, "ana\n1234\n");
    key(&mut app, KeyCode::Char('u'));
    assert!(matches!(app.popup, Some(Popup::User(_))));
    keys(&mut app, "beto\nc\n12\n");
    assert_eq!(msg(&app), "El PIN son 4 a 12 dígitos");
    assert!(app.store.as_ref().unwrap().user("beto").unwrap().is_none());
}

/// Goods a shop really sells: weighed goods refuse nothing but take grams, a unit product
/// refuses a fraction, a deli scale's labels add the right item with the right weight or price,
/// and an open-price item asks its price within `[sale] open_price_max`.
#[test]
fn weighed_goods_scale_labels_and_open_prices() {
    use caja::config::ScaleLabel;
    use caja::domain::scale::ean13_check;
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    app.config.scale.labels = vec![
        ScaleLabel {
            prefix: "20".into(),
            item_digits: 5,
            value: "weight".into(),
            decimals: 3,
        },
        ScaleLabel {
            prefix: "21".into(),
            item_digits: 5,
            value: "price".into(),
            decimals: 0,
        },
    ];
    let ean = |first12: &str| format!("{first12}{}", ean13_check(first12.as_bytes()));

    // A unit product refuses half a bag; a weighed one takes it.
    keys(&mut app, "0,5*ARZ1K\n");
    assert!(app.ticket.is_empty());
    assert_eq!(
        msg(&app),
        "Arroz blanco 1 kg se vende por unidad: la cantidad va sin decimales"
    );
    keys(&mut app, "0,5*TOM1K\n");
    assert_eq!(app.ticket.lines.len(), 1);
    assert_eq!(app.ticket.total().minor(), 2_250);

    // The deli's label: item 00123 (cheese at 18.000 a kilo), 0,375 kg.
    keys(&mut app, &format!("{}\n", ean("200012300375")));
    let l = app.ticket.lines.last().unwrap();
    assert_eq!((l.sku.as_str(), l.qty.milli()), ("QUESOKG", 375));
    assert_eq!(
        app.ticket.totals.as_ref().unwrap().lines[1].total.minor(),
        6_750
    );
    let p = screen(&app, 80, 24);
    assert!(
        p.contains("0,375"),
        "the weight in the shop's numbers:\n{p}"
    );
    // A priced portion: one line at the label's price.
    keys(&mut app, &format!("{}\n", ean("210012311250")));
    let l = app.ticket.lines.last().unwrap();
    assert_eq!((l.qty.milli(), l.unit_price.minor()), (1000, 11_250));
    // A wrong check digit is no label, and no product.
    let mut bad = ean("200012300375");
    bad.pop();
    bad.push('0');
    if bad == ean("200012300375") {
        bad.pop();
        bad.push('1');
    }
    keys(&mut app, &format!("{bad}\n"));
    assert_eq!(app.ticket.lines.len(), 3);
    assert!(msg(&app).contains(&bad), "{}", msg(&app));

    // An open-price item: its price is asked, and over the maximum is refused.
    keys(&mut app, "VARIOS\n");
    assert!(matches!(app.popup, Some(Popup::OpenPrice(_))));
    assert!(screen(&app, 80, 24).contains("Precio abierto"));
    keys(&mut app, "2.000.000\n");
    assert!(
        matches!(app.popup, Some(Popup::OpenPrice(_))),
        "the box stays open"
    );
    assert_eq!(
        msg(&app),
        "2.000.000 pasa el máximo de un precio abierto (1.000.000)"
    );
    assert_eq!(app.ticket.lines.len(), 3);
    for _ in 0..9 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "15.000\n");
    assert!(app.popup.is_none());
    let l = app.ticket.lines.last().unwrap();
    assert_eq!((l.sku.as_str(), l.unit_price.minor()), ("VARIOS", 15_000));
    // Esc adds nothing.
    keys(&mut app, "VARIOS\n");
    key(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none());
    assert_eq!(app.ticket.lines.len(), 4);
    // The sale goes through and its receipt says the weight as the shop writes it.
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.last_sale.as_ref().unwrap().number, "FV1-000001");
}

/// A scale's "1.500" typed into a peso till is 1500 kg: a line over `[sale] max_weight` or
/// `max_quantity` waits for a supervisor, who sees what it would add; and however large a line
/// is allowed to be, every figure of it shows whole at 80 columns.
#[test]
fn a_quantity_over_the_limit_asks_a_supervisor_and_no_figure_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    keys(&mut app, "1.500*PLA1K\n");
    assert!(app.ticket.is_empty(), "1500 kg went on the ticket");
    assert!(matches!(app.popup, Some(Popup::Pin(_))));
    let p = screen(&app, 80, 24);
    assert!(
        p.contains("una cantidad sobre el límite") && p.contains("1500 de Plátano por kilo"),
        "{p}"
    );
    assert!(p.contains("$ 4.800.000"), "what it would add:\n{p}");
    key(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none() && app.ticket.is_empty());

    // Within the limits nothing is asked; a repeated scan that would pass them is.
    keys(&mut app, "0,5*PLA1K\n");
    assert_eq!(app.ticket.lines.len(), 1);
    keys(&mut app, "999*SHA400\n");
    assert_eq!(app.ticket.lines.len(), 2);
    keys(&mut app, "SHA400\n");
    assert!(
        matches!(app.popup, Some(Popup::Pin(_))),
        "1000 units merged"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.ticket.lines[1].qty.milli(), 999_000);

    // A supervisor allows 99999 shampoos: the override is on the ticket, and the line's
    // figures show whole (1.449.985.500, not 49.985.500; 99999, not 099998).
    keys(&mut app, "ARZ1K\n99999*SHA400\n");
    keys(&mut app, "ana\n1234\n");
    assert!(app.popup.is_none(), "{:?}", app.message);
    assert_eq!(app.ticket.lines.len(), 4);
    assert!(
        app.ticket
            .overrides
            .iter()
            .any(|o| o.action == caja::domain::document::OverrideAction::Quantity),
        "{:?}",
        app.ticket.overrides
    );
    let p = screen(&app, 80, 24);
    assert!(p.contains("1.449.985.500"), "{p}");
    assert!(p.contains(" 99999 "), "{p}");
    assert!(p.contains(" 0,5 "), "{p}");
    assert!(p.contains("14.485.500"), "{p}");
}

/// A message longer than a row (an invalid caja.toml names its key and line at the end) wraps
/// onto the rows above instead of being cut, and the input line the painter writes on its own
/// is still where the screen draws it.
#[test]
fn a_long_message_wraps_whole_and_the_input_row_follows() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = selling(dir.path());
    let long = "caja.toml no es válido, se siguen usando los ajustes anteriores: /home/tienda/.local/share/caja/caja.toml: línea 12, columna 9: la clave [printer] columns debe ser un número";
    app.info(caja::app::Level::Warn, long);
    keys(&mut app, "HUE");
    let s = screen(&app, 80, 24);
    let words: Vec<&str> = long.split_whitespace().collect();
    let shown: Vec<&str> = s.split_whitespace().collect();
    for w in &words {
        assert!(shown.contains(w), "{w} missing:\n{s}");
    }
    let area = ratatui::layout::Rect::new(0, 0, 80, 24);
    let row = caja::ui::sale::input_row(area, &app);
    let line = s.lines().nth(usize::from(row.y)).unwrap();
    assert!(line.contains("> HUE"), "the input row moved:\n{s}");
    assert!(s.lines().nth(23).unwrap().contains("1Ayuda"), "{s}");
}
