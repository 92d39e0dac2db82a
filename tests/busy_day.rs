//! A busy day at one register, driven key by key through the app with a seeded generator: two
//! cashiers, two shifts, 300 tickets mixing scans, weighed goods, line and ticket discounts,
//! voids before and after payment, cancelled tickets (one with a card tendered), holds,
//! refunds (partial and whole), cash in and out, loyalty points, cash rounding, card and
//! transfer tenders and a ticket interrupted by a dropped terminal. Receipts go to the file
//! printer through the real printer worker.
//!
//! At the end every figure is computed here, from the documents and from the printed paper,
//! never by the report code, and compared with the Z, the shift closes and the journal.

use caja::app::{App, Screen};
use caja::config::Config;
use caja::domain::document::{CashDirection, DocBody, SealedDocument};
use caja::domain::money::{Currency, Money};
use caja::domain::tender::TenderKind;
use caja::store::Store;

use crate::common::*;
use ratatui::crossterm::event::KeyCode;
use std::sync::Arc;

/// Goods sold by the unit, with their demo prices (tax included).
const UNITS: [(&str, i64); 10] = [
    ("ARZ1K", 5_400),
    ("AZU1K", 4_800),
    ("SAL1K", 2_300),
    ("ACE1L", 11_900),
    ("CAF250", 9_800),
    ("LEC1L", 4_200),
    ("PAN500", 5_900),
    ("GAS350", 2_500),
    ("CER330", 3_200),
    ("DET1K", 12_900),
];
const WEIGHED: [&str; 4] = ["PLA1K", "TOM1K", "PAPA1K", "CEB1K"];
const CUSTOMER: &str = "12345678";

/// What the test itself did, to compare with what the reports say.
#[derive(Default)]
struct Did {
    voids: u32,
    voided: i64,
    voided_after_payment: u32,
    cancels: u32,
    cancelled: i64,
    held_deleted: u32,
    given_back: i64,
    sales_with_points: u32,
    refunds: u32,
    recovered: u32,
}

struct Day {
    /// The ticket being rung, for messages.
    t: u32,
    app: App,
    rng: caja::dev::bench::Rng,
    did: Did,
    cop: Currency,
}

impl Day {
    /// Scans one to four lines, some weighed, some with a line discount, maybe a ticket
    /// discount.
    fn ring(&mut self) {
        let n = 1 + self.rng.below(4);
        for _ in 0..n {
            let line = match self.rng.below(6) {
                0 => {
                    let w = WEIGHED[self.rng.below(4) as usize];
                    format!("0.{:03}*{w}\n", 125 + self.rng.below(800))
                }
                1 => {
                    let (c, _) = UNITS[self.rng.below(10) as usize];
                    format!("{}*{c}\n", 2 + self.rng.below(3))
                }
                _ => format!("{}\n", UNITS[self.rng.below(10) as usize].0),
            };
            keys(&mut self.app, &line);
            if self.rng.below(8) == 0 {
                key(&mut self.app, KeyCode::F(4));
                keys(&mut self.app, "10%\n");
            }
        }
        if self.rng.below(10) == 0 {
            key(&mut self.app, KeyCode::F(4));
            keys(&mut self.app, "T5%\n");
        }
        assert!(!self.app.ticket.is_empty(), "{}", msg(&self.app));
    }

    /// Adds a plain line of known amount and voids it with F8 before payment.
    fn void_before_payment(&mut self) {
        let last = self.app.ticket.lines.last().map(|l| l.sku.clone());
        // Not the last line's item: a repeated scan adds to that line instead.
        let (code, price) = UNITS
            .into_iter()
            .cycle()
            .skip(self.rng.below(10) as usize)
            .find(|(c, _)| Some(c.to_string()) != last)
            .unwrap();
        keys(&mut self.app, &format!("2*{code}\n"));
        let lines = self.app.ticket.lines.len();
        key(&mut self.app, KeyCode::F(8));
        assert_eq!(self.app.ticket.lines.len(), lines - 1, "{}", msg(&self.app));
        self.did.voids += 1;
        self.did.voided += 2 * price;
    }

    fn attach_customer(&mut self) {
        key(&mut self.app, KeyCode::F(3));
        keys(&mut self.app, CUSTOMER);
        key(&mut self.app, KeyCode::Enter);
        assert!(self.app.ticket.customer.is_some(), "{}", msg(&self.app));
    }

    /// Pays the ticket on the till with one of the tender mixes a shop sees.
    fn pay(&mut self, use_points: bool) {
        key(&mut self.app, KeyCode::F(12));
        assert!(
            matches!(self.app.screen, Screen::Payment(_)),
            "ticket {}: {} {:?}",
            self.t,
            msg(&self.app),
            self.app.ticket.lines
        );
        if use_points {
            key(&mut self.app, KeyCode::F(5));
            if self
                .app
                .ticket
                .tenders
                .iter()
                .any(|t| t.kind == TenderKind::Points)
            {
                self.did.sales_with_points += 1;
            }
        }
        let due = self.app.due().minor();
        match self.rng.below(6) {
            // Exact cash (rounded to the coin).
            0 => key(&mut self.app, KeyCode::Enter),
            // A bigger note.
            1 => {
                let note = (due / 10_000 + 1) * 10_000;
                keys(
                    &mut self.app,
                    &format!("{}\n", self.cop.format(Money::from_minor(note))),
                );
            }
            // All by card.
            2 => {
                key(&mut self.app, KeyCode::F(2));
                keys(
                    &mut self.app,
                    &format!("VOUCHER {}\n", self.rng.below(9999)),
                );
            }
            // Part transfer, rest cash.
            3 if due > 2_000 => {
                let part = due / 2;
                keys(&mut self.app, &self.cop.format(Money::from_minor(part)));
                key(&mut self.app, KeyCode::F(3));
                keys(
                    &mut self.app,
                    &format!("NEQUI {}\n", self.rng.below(99_999)),
                );
                key(&mut self.app, KeyCode::Enter);
            }
            // Part card, rest cash with a note.
            4 if due > 2_000 => {
                keys(&mut self.app, "1.000");
                key(&mut self.app, KeyCode::F(2));
                keys(&mut self.app, "VOUCHER 1\n");
                let rest = self.app.due().minor();
                let note = (rest / 5_000 + 1) * 5_000;
                keys(
                    &mut self.app,
                    &format!("{}\n", self.cop.format(Money::from_minor(note))),
                );
            }
            _ => key(&mut self.app, KeyCode::Enter),
        }
        assert!(
            self.app.ticket.is_empty() && self.app.last_sale.is_some(),
            "not paid: {} {:?}",
            msg(&self.app),
            self.app.ticket.tenders
        );
        assert!(matches!(self.app.screen, Screen::Sale));
    }

    /// Refunds the last sale: its first line whole, or every line.
    fn refund_last(&mut self, whole: bool) {
        let number = self.app.last_sale.as_ref().unwrap().number.clone();
        let store = self.app.store.clone().unwrap();
        let DocBody::Sale(s) = body_of(&store, &number) else {
            panic!()
        };
        menu(&mut self.app, "1");
        keys(&mut self.app, &format!("{number}\n"));
        let take = if whole { s.lines.len() } else { 1 };
        for l in s.lines.iter().take(take) {
            keys(&mut self.app, &format!("{}\n", l.qty));
        }
        key(&mut self.app, KeyCode::F(12));
        keys(&mut self.app, "el cliente devuelve\n");
        assert!(msg(&self.app).contains("-DV-"), "{}", msg(&self.app));
        self.did.refunds += 1;
    }

    /// One ticket, numbered `t` in the day: most are sold, some are special.
    fn ticket(&mut self, t: u32) {
        self.t = t;
        match t {
            // A card taken, then the customer leaves: cancelled under a supervisor, the card
            // to be given back.
            10 => {
                keys(&mut self.app, "HUE30\n");
                key(&mut self.app, KeyCode::F(12));
                keys(&mut self.app, "5.000");
                key(&mut self.app, KeyCode::F(2));
                keys(&mut self.app, "VOUCHER 555\n");
                key(&mut self.app, KeyCode::Esc);
                key(&mut self.app, KeyCode::Esc);
                key(&mut self.app, KeyCode::Enter);
                pin(&mut self.app);
                assert!(self.app.ticket.is_empty(), "{}", msg(&self.app));
                self.did.cancels += 1;
                self.did.cancelled += 18_500;
                self.did.given_back += 5_000;
            }
            // A line voided after a tender was taken: a supervisor allows it.
            20 | 220 => {
                self.ring();
                keys(&mut self.app, "GAS350\n");
                key(&mut self.app, KeyCode::F(12));
                keys(&mut self.app, "1.000");
                key(&mut self.app, KeyCode::F(2));
                keys(&mut self.app, "VOUCHER 20\n");
                key(&mut self.app, KeyCode::Esc);
                let lines = self.app.ticket.lines.len();
                key(&mut self.app, KeyCode::F(8));
                pin(&mut self.app);
                assert_eq!(self.app.ticket.lines.len(), lines - 1);
                self.did.voids += 1;
                self.did.voided += 2_500;
                self.did.voided_after_payment += 1;
                self.pay(false);
            }
            // The terminal drops mid-payment (SIGHUP): caja parks the ticket with its card;
            // at the next login it is offered back and only the rest is asked for.
            30 | 230 => {
                keys(&mut self.app, "CAF250\nPAN500\n");
                key(&mut self.app, KeyCode::F(12));
                keys(&mut self.app, "5.000");
                key(&mut self.app, KeyCode::F(2));
                keys(&mut self.app, "VOUCHER 30\n");
                let total = self.app.ticket.total();
                self.app.park(true);
                self.app.screen = Screen::Sale;
                let user = self.app.user.as_ref().unwrap().name.clone();
                menu(&mut self.app, "3");
                let pin_of = if user == "ana" { "1234" } else { "5555" };
                keys(&mut self.app, &format!("{user}\n{pin_of}\n"));
                assert!(
                    matches!(self.app.screen, Screen::Recall(_)),
                    "{}",
                    msg(&self.app)
                );
                key(&mut self.app, KeyCode::Enter);
                assert_eq!(self.app.ticket.tenders.len(), 1);
                assert_eq!(
                    self.app.due(),
                    total.checked_sub(Money::from_minor(5_000)).unwrap()
                );
                self.did.recovered += 1;
                key(&mut self.app, KeyCode::F(12));
                key(&mut self.app, KeyCode::Enter);
                assert!(self.app.ticket.is_empty(), "{}", msg(&self.app));
            }
            40 => {
                menu(&mut self.app, "8");
                keys(&mut self.app, "20.000\nsencillo\n");
                assert!(msg(&self.app).contains("-MC-"), "{}", msg(&self.app));
                self.ticket(1000 + t);
            }
            80 => {
                menu(&mut self.app, "9");
                keys(&mut self.app, "30.000\nconsignacion\n");
                assert!(msg(&self.app).contains("-MC-"), "{}", msg(&self.app));
                self.ticket(1000 + t);
            }
            // More cash out than the drawer holds: only with a supervisor's PIN.
            // (The drawer was miscounted: a supervisor lets 10.000 more out, and a new change
            // fund comes in.)
            200 => {
                let store = self.app.store.clone().unwrap();
                let over = drawer(&all_docs(&store), "luis") + 10_000;
                menu(&mut self.app, "9");
                let amount = self.cop.format(Money::from_minor(over));
                keys(&mut self.app, &format!("{amount}\nbanco\n"));
                pin(&mut self.app);
                assert!(msg(&self.app).contains("-MC-"), "{}", msg(&self.app));
                menu(&mut self.app, "8");
                keys(&mut self.app, "60.000\nfondo de cambio\n");
                assert!(msg(&self.app).contains("-MC-"), "{}", msg(&self.app));
                self.ticket(1000 + t);
            }
            90 => {
                menu(&mut self.app, "6");
                keys(&mut self.app, "cambio de billete\n");
                assert!(msg(&self.app).contains("-AC-"), "{}", msg(&self.app));
                self.ticket(1000 + t);
            }
            // A held ticket deleted.
            50 => {
                keys(&mut self.app, "SAL1K\n");
                key(&mut self.app, KeyCode::F(5));
                key(&mut self.app, KeyCode::F(6));
                key(&mut self.app, KeyCode::Delete);
                assert!(msg(&self.app).contains("-AN-"), "{}", msg(&self.app));
                self.did.cancels += 1;
                self.did.cancelled += 2_300;
                self.did.held_deleted += 1;
            }
            _ if t % 13 == 0 => {
                keys(&mut self.app, "2*ARZ1K\nLEC1L\n");
                key(&mut self.app, KeyCode::Esc);
                key(&mut self.app, KeyCode::Enter);
                assert!(self.app.ticket.is_empty());
                self.did.cancels += 1;
                self.did.cancelled += 2 * 5_400 + 4_200;
            }
            // Held while another customer pays, then recalled and paid.
            _ if t % 17 == 0 => {
                self.ring();
                key(&mut self.app, KeyCode::F(5));
                assert!(self.app.ticket.is_empty());
                keys(&mut self.app, "AGU600\n");
                self.pay(false);
                key(&mut self.app, KeyCode::F(6));
                key(&mut self.app, KeyCode::Enter);
                assert!(!self.app.ticket.is_empty(), "{}", msg(&self.app));
                self.pay(false);
            }
            _ => {
                let customer = t % 7 == 0;
                self.ring();
                if t % 9 == 0 {
                    self.void_before_payment();
                }
                if customer {
                    self.attach_customer();
                }
                self.pay(customer && t % 21 == 0);
                if t % 25 == 0 {
                    self.refund_last(t % 50 == 0);
                }
            }
        }
    }

    /// Closes the logged-in cashier's shift with a blind count of `expected + delta`.
    fn close_shift(&mut self, expected: i64, delta: i64) {
        menu(&mut self.app, "0");
        assert!(matches!(self.app.screen, Screen::ShiftClose(_)));
        keys(
            &mut self.app,
            &format!("{}\n", self.cop.format(Money::from_minor(expected + delta))),
        );
        assert!(msg(&self.app).contains("-TC-"), "{}", msg(&self.app));
        key(&mut self.app, KeyCode::Enter);
        assert!(matches!(self.app.screen, Screen::Login(_)));
    }
}

/// Figures summed straight from the documents.
#[derive(Default, Debug, PartialEq, Eq)]
struct Sums {
    /// Cash (net of change and of cash paid back), card, transfer, other (points included).
    tenders: [i64; 4],
    floats: i64,
    cash_in: i64,
    cash_out: i64,
    sales: i64,
    refunds: i64,
    voids: u32,
    voided: i64,
    cancels: u32,
    cancelled: i64,
}

fn slot(k: TenderKind) -> usize {
    match k {
        TenderKind::Cash => 0,
        TenderKind::Card => 1,
        TenderKind::Transfer => 2,
        TenderKind::Other | TenderKind::Points => 3,
    }
}

fn sums<'a>(docs: impl Iterator<Item = &'a SealedDocument>) -> Sums {
    let mut s = Sums::default();
    for d in docs {
        match &d.doc.body {
            DocBody::Sale(x) => {
                for t in &x.tenders {
                    s.tenders[slot(t.kind)] += t.amount.minor();
                }
                s.tenders[0] -= x.change.minor();
                s.sales += x.total.minor();
            }
            DocBody::Refund(x) => {
                for t in &x.tenders {
                    s.tenders[slot(t.kind)] -= t.amount.minor();
                }
                s.refunds += x.total.minor();
            }
            DocBody::CashMove(c) if c.direction == CashDirection::In => {
                s.cash_in += c.amount.minor()
            }
            DocBody::CashMove(c) => s.cash_out += c.amount.minor(),
            DocBody::ShiftOpen(o) => s.floats += o.float.minor(),
            DocBody::Void(v) => {
                s.voids += 1;
                s.voided += v.amount.minor();
            }
            DocBody::Cancel(c) => {
                s.cancels += 1;
                s.cancelled += c.total.minor();
            }
            _ => {}
        }
    }
    s
}

/// The cash a cashier's drawer should hold: float, cash in less change, cash paid back,
/// cash in and out.
fn drawer(docs: &[SealedDocument], cashier: &str) -> i64 {
    let s = sums(docs.iter().filter(|d| d.doc.cashier == cashier));
    s.floats + s.tenders[0] + s.cash_in - s.cash_out
}

#[test]
fn a_busy_day_reconciles_to_the_peso() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    store
        .add_user("luis", caja::domain::user::Role::Cashier, "5555")
        .unwrap();
    store
        .save_customer(
            &header(22, 0),
            caja::domain::customer::Customer::new("CC", CUSTOMER, "Maria Perez", "", "", "")
                .unwrap(),
        )
        .unwrap();
    drop(store);
    let mut config = Config::defaults();
    config.printer.device = "file:recibos.txt".into();
    config.printer.columns = 42;
    config.loyalty.earn_every = "1.000".into();
    config.loyalty.point_value = "10".into();
    config.loyalty.max_percent = 50;
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        config.clone(),
        clock_at(10, 0),
    );
    let store: Arc<Store> = app.store.clone().unwrap();
    // The printer and the other workers as the terminal loop starts them.
    app.start_workers();
    let cop = store.info().currency.clone();
    let mut day = Day {
        t: 0,
        app,
        rng: caja::dev::bench::Rng::new(0x00c0_ffee_d00d_f00d),
        did: Did::default(),
        cop: cop.clone(),
    };

    // ana opens the store's first day with 100.000 (confirming the date) and sells 150 tickets.
    keys(&mut day.app, "ana\n1234\n100.000\nana\n1234\n");
    assert!(matches!(day.app.screen, Screen::Sale), "{}", msg(&day.app));
    for t in 1..=150 {
        day.ticket(t);
    }
    let docs = all_docs(&store);
    let ana_expected = drawer(&docs, "ana");
    day.close_shift(ana_expected, -500);

    // luis takes over with 50.000 and sells 150 more.
    keys(&mut day.app, "luis\n5555\n50.000\n");
    assert!(matches!(day.app.screen, Screen::Sale), "{}", msg(&day.app));
    for t in 151..=300 {
        day.ticket(t);
    }
    let docs = all_docs(&store);
    let luis_expected = drawer(&docs, "luis");
    day.close_shift(luis_expected, 1_000);

    // The close of day.
    keys(&mut day.app, "ana\n1234\n");
    assert!(matches!(day.app.screen, Screen::Opening(_)));
    menu(&mut day.app, "z");
    key(&mut day.app, KeyCode::Enter);
    let start = std::time::Instant::now();
    while day.app.background_busy() {
        if let Some(ev) = day.app.next_event(std::time::Duration::from_millis(50)) {
            day.app.handle(ev);
        }
        assert!(start.elapsed().as_secs() < 60, "the close never ended");
    }
    day.app.settle();

    let docs = all_docs(&store);
    let z = docs
        .iter()
        .find_map(|d| match &d.doc.body {
            DocBody::Closing(c) => Some(c.report.clone()),
            _ => None,
        })
        .expect("a Z");
    let s = sums(docs.iter());
    let did = &day.did;
    assert!(did.recovered == 2 && did.refunds >= 10 && did.sales_with_points > 0);
    assert!(s.tenders[1] > 0 && s.tenders[2] > 0 && s.tenders[3] > 0);

    // The Z's tenders are the documents', tender by tender.
    let z_tenders = [
        TenderKind::Cash,
        TenderKind::Card,
        TenderKind::Transfer,
        TenderKind::Other,
    ]
    .map(|k| z.tender(k).minor());
    assert_eq!(z_tenders, s.tenders);
    assert_eq!(z.sales_total.minor(), s.sales);
    assert_eq!(z.refunds_total.minor(), s.refunds);
    // Expected cash: floats + cash sales - cash refunds + cash in - cash out.
    let expected = s.floats + s.tenders[0] + s.cash_in - s.cash_out;
    assert_eq!(s.floats, 150_000);
    assert_eq!(z.expected_cash.minor(), expected);
    assert_eq!(expected, ana_expected + luis_expected);
    // The blind counts: 500 short, 1.000 over, as counted.
    assert_eq!(z.counted_cash.unwrap().minor(), expected + 500);
    let closes: Vec<(String, i64)> = docs
        .iter()
        .filter_map(|d| match &d.doc.body {
            DocBody::ShiftClose(c) => Some((
                c.cashier.clone(),
                c.report.difference().unwrap().unwrap().minor(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(closes, vec![("ana".into(), -500), ("luis".into(), 1_000)]);
    // Voids and cancellations: what the test did, with their amounts.
    let trail = z.trail.clone().unwrap();
    assert_eq!(
        (z.voids, trail.voided_amount.minor()),
        (did.voids, did.voided)
    );
    assert_eq!((s.voids, s.voided), (did.voids, did.voided));
    assert_eq!(trail.voided_after_payment, did.voided_after_payment);
    assert_eq!(
        (trail.cancelled, trail.cancelled_amount.minor()),
        (did.cancels, did.cancelled)
    );
    assert_eq!((s.cancels, s.cancelled), (did.cancels, did.cancelled));
    assert_eq!(trail.held_deleted, did.held_deleted);
    assert_eq!(trail.given_back.minor(), did.given_back);
    assert_eq!(z.no_sales, 1);
    let by_kind = |a: &str| {
        trail
            .overrides
            .iter()
            .find(|o| o.action.code() == a)
            .map_or(0, |o| o.count)
    };
    assert_eq!(by_kind("void_line"), did.voided_after_payment);
    assert_eq!(by_kind("cash_out_over"), 1);
    assert_eq!(by_kind("refund"), did.refunds);

    // The journal, read from its files while the register still holds the store: its totals
    // by tender are the Z's.
    let out = run(&[
        "journal",
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--from",
        "2026-11-22",
        "--to",
        "2026-11-22",
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let head = rd.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (cash, card, transfer, other, change, total) = (
        col("cash"),
        col("card"),
        col("transfer"),
        col("other"),
        col("change"),
        col("total"),
    );
    let mut j = [0i64; 4];
    let mut net = 0i64;
    for row in rd.records() {
        let row = row.unwrap();
        let v = |i: usize| cop.parse_decimal(&row[i]).unwrap().minor();
        j[0] += v(cash) - v(change);
        j[1] += v(card);
        j[2] += v(transfer);
        j[3] += v(other);
        net += v(total);
    }
    assert_eq!(j, s.tenders, "the journal's tenders are the Z's");
    assert_eq!(net, s.sales - s.refunds + s.cash_in - s.cash_out);

    // Every receipt on the paper adds up; the sales' and refunds' totals are the documents'.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !store.print_jobs().unwrap().is_empty() {
        assert!(std::time::Instant::now() < until, "receipts never printed");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let paper = std::fs::read_to_string(dir.path().join("recibos.txt")).unwrap();
    let (mut sold, mut refunded, mut receipts) = (0i64, 0i64, 0u32);
    for r in paper.split("\n\n\n").filter(|r| r.contains("TOTAL")) {
        let is_sale = r.contains("Cambio");
        let is_refund = r.contains("DEVOLUCIÓN");
        if !(is_sale || is_refund) {
            continue;
        }
        let p = read_receipt(r, &cop, 42).unwrap_or_else(|e| panic!("{e}"));
        receipts += 1;
        // What changed hands: after rounding when there was some.
        let paid = p.to_pay.unwrap_or(p.total);
        if is_sale {
            sold += paid;
        } else {
            refunded -= paid;
        }
    }
    let (mut doc_sold, mut doc_refunded, mut printed_docs) = (0i64, 0i64, 0u32);
    for d in &docs {
        match &d.doc.body {
            DocBody::Sale(x) => {
                doc_sold += x.total.minor() + x.rounding.minor();
                printed_docs += 1;
            }
            DocBody::Refund(x) => {
                doc_refunded += x.total.minor() + x.rounding.minor();
                printed_docs += 1;
            }
            _ => {}
        }
    }
    if receipts != printed_docs {
        let mut seen = std::collections::HashMap::new();
        for r in paper.split("\n\n\n") {
            if let Some(code) = r.lines().rev().find(|l| l.trim().starts_with('[')) {
                *seen.entry(code.trim().to_string()).or_insert(0) += 1;
            }
        }
        let dup: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        panic!("{receipts} receipts for {printed_docs} documents; printed twice: {dup:?}");
    }
    assert_eq!((sold, refunded), (doc_sold, doc_refunded));
    assert!(paper.contains("ENTRADA DE EFECTIVO") && paper.contains("SALIDA DE EFECTIVO"));
    assert!(paper.contains("APERTURA SIN VENTA"));
    assert!(paper.contains("Redondeo"), "cash rounding shows on paper");

    // `caja check` passes once the register has stopped.
    drop(day);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while Arc::strong_count(&store) > 1 {
        assert!(
            std::time::Instant::now() < until,
            "the printer never stopped"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    drop(store);
    let out = run(&["check", "--data-dir", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
}

fn all_docs(store: &Store) -> Vec<SealedDocument> {
    let mut out = Vec::new();
    let mut seq = 1;
    while let Some(d) = store.view().unwrap().doc(seq).unwrap() {
        out.push(d);
        seq += 1;
    }
    out
}
