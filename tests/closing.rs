//! The supervisor's day against hand-computed figures: two shifts with floats, mixed tenders,
//! cash rounding, discounts, a refund, cash in and out, blind counts, the X report and the Z
//! that locks its date.

use crate::common::*;
use caja::domain::document::{CashDirection, CashMoveBody, DocBody, Override, SaleBody, Stamp};
use caja::domain::money::Money;
use caja::domain::qty::{Qty, TaxRate};
use caja::domain::refund::ReturnedLine;
use caja::domain::report::{OverrideCount, Report, Trail};
use caja::domain::tender::{Tender, TenderKind};
use caja::domain::ticket::{Discount, TaxLine, TicketLine};
use caja::store::Commit;
use caja::store::held::HeldTicket;
use caja::store::{DocHeader, Store, StoreError};
use chrono::NaiveDate;

fn m(v: i64) -> Money {
    Money::from_minor(v)
}

fn at(cashier: &str, minutes: i64) -> DocHeader {
    DocHeader {
        cashier: cashier.into(),
        ..header(22, minutes)
    }
}

fn line(sku: &str, qty: i64, price: i64, rate_pct: u32, discount: Option<Discount>) -> TicketLine {
    TicketLine {
        sku: sku.into(),
        name: sku.into(),
        qty: Qty::units(qty).unwrap(),
        unit_price: m(price),
        tax_rate: TaxRate::from_bp(rate_pct * 100),
        discount,
    }
}

fn tender(kind: TenderKind, amount: i64) -> Tender {
    Tender {
        kind,
        amount: m(amount),
        reference: None,
    }
}

fn sale(
    s: &Store,
    h: &DocHeader,
    lines: &[TicketLine],
    discount: Option<Discount>,
    tenders: Vec<Tender>,
    overrides: Vec<Override>,
) -> String {
    let mut body = SaleBody::build(lines, discount, tenders, true, &s.info().currency).unwrap();
    body.overrides = overrides;
    s.commit(h, DocBody::Sale(body)).unwrap().number
}

fn ov(action: &str) -> Override {
    Override {
        action: caja::domain::document::OverrideAction::from_code(action),
        supervisor: "ana".into(),
        reason: "test".into(),
    }
}

fn cash_move(s: &Store, h: &DocHeader, dir: CashDirection, amount: i64, reason: &str) {
    let mut body = CashMoveBody::new(dir, m(amount), reason).unwrap();
    body.overrides.push(ov("cash_move"));
    s.commit(h, DocBody::CashMove(body)).unwrap();
}

fn tax(rate_pct: u32, base: i64, tax: i64) -> TaxLine {
    TaxLine {
        rate: TaxRate::from_bp(rate_pct * 100),
        base: m(base),
        tax: m(tax),
    }
}

/// The day of the test, up to (not including) the shift closes.
fn sell_the_day(s: &Store) {
    s.open_day(&at("ana", 0), Vec::new()).unwrap();
    s.open_shift(&at("ana", 1), m(100_000)).unwrap();
    s.open_shift(&at("luis", 2), m(50_000)).unwrap();
    // S1: 2 x 11.900 at 19% less 10% = 21.420; cash 50.000, rounded to 21.400, change 28.600.
    let s1 = sale(
        s,
        &at("ana", 3),
        &[line("ACE1L", 2, 11_900, 19, None)],
        Some(Discount::Percent(1000)),
        vec![tender(TenderKind::Cash, 50_000)],
        Vec::new(),
    );
    assert_eq!(s1, "FV1-000001");
    // S3 (luis): 3 x 4.200 less 600 = 12.000 by transfer; a line voided after subtotal.
    sale(
        s,
        &at("luis", 4),
        &[line("LEC1L", 3, 4_200, 0, Some(Discount::Amount(m(600))))],
        None,
        vec![tender(TenderKind::Transfer, 12_000)],
        vec![ov("void_line")],
    );
    // S2: 18.500 at 0% + 9.800 at 5% = 28.300; card 20.000 + cash 10.000, change 1.700.
    sale(
        s,
        &at("ana", 5),
        &[
            line("HUE30", 1, 18_500, 0, None),
            line("CAF250", 1, 9_800, 5, None),
        ],
        None,
        vec![
            tender(TenderKind::Card, 20_000),
            tender(TenderKind::Cash, 10_000),
        ],
        Vec::new(),
    );
    cash_move(s, &at("luis", 6), CashDirection::In, 20_000, "cambio");
    cash_move(s, &at("ana", 7), CashDirection::Out, 15_000, "proveedor");
    // One of S1's two bottles back: 10.710, paid back as 10.700 in cash.
    s.commit(
        &at("ana", 8),
        Commit::refund(
            "FV1-000001",
            &[ReturnedLine {
                line: 0,
                qty: Qty::ONE,
            }],
            "cliente",
            vec![ov("refund")],
            &Default::default(),
        )
        .printed(),
    )
    .unwrap();
    // S4 (luis): 5.900 paid with 6.000.
    sale(
        s,
        &at("luis", 9),
        &[line("PAN500", 1, 5_900, 0, None)],
        None,
        vec![tender(TenderKind::Cash, 6_000)],
        Vec::new(),
    );
}

#[test]
fn shifts_x_and_z_add_up_to_the_hand_computed_day() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    sell_the_day(&s);

    // ana's shift so far: 100.000 + 21.400 + 8.300 - 15.000 - 10.700 = 104.000 in the drawer.
    let x = s.shift_report("ana").unwrap();
    assert_eq!((x.sales, x.refunds), (2, 1));
    assert_eq!(x.expected_cash, m(104_000));
    assert_eq!(x.counted_cash, None);

    // Closing is refused while shifts are open or a ticket is held, and says which.
    let held = HeldTicket {
        cashier: "luis".into(),
        at: Stamp::from_datetime(chrono::DateTime::default()),
        lines: vec![line("SAL1K", 1, 2_300, 0, None)],
        discount: None,
        interrupted: false,
        tenders: Vec::new(),
        overrides: Vec::new(),
    };
    let held_id = s.hold(&held).unwrap();
    let e = s
        .close_day(&at("ana", 20), Vec::new())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("shift of ana") && e.contains("shift of luis"),
        "{e}"
    );
    assert!(e.contains("1 ticket(s) are on hold"), "{e}");

    // Blind counts: ana is 50 short, luis 100 over.
    let (_, ra) = s
        .close_shift(&at("ana", 21), "ana", m(103_950), Vec::new())
        .unwrap();
    assert_eq!(ra.expected_cash, m(104_000));
    assert_eq!(ra.difference().unwrap(), Some(m(-50)));
    assert_eq!(ra.tender(TenderKind::Cash), m(19_000));
    assert_eq!(ra.tender(TenderKind::Card), m(20_000));
    let (_, rl) = s
        .close_shift(&at("luis", 22), "luis", m(76_000), Vec::new())
        .unwrap();
    // luis: 50.000 + 20.000 + 5.900 = 75.900.
    assert_eq!(rl.expected_cash, m(75_900));
    assert_eq!(rl.difference().unwrap(), Some(m(100)));
    assert_eq!(rl.tender(TenderKind::Transfer), m(12_000));
    assert_eq!((rl.sales, rl.voids, rl.cash_in), (2, 1, m(20_000)));

    let e = s
        .close_day(&at("ana", 23), Vec::new())
        .unwrap_err()
        .to_string();
    assert!(e.contains("on hold") && !e.contains("shift"), "{e}");
    s.take_held(held_id).unwrap();

    // The X report of the day before the close equals the Z, except the count.
    let x = s
        .day_report(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
        .unwrap();
    let (z_doc, z) = s.close_day(&at("ana", 24), Vec::new()).unwrap();
    assert_eq!(z_doc.number, "FV1-Z-000001");
    let want = Report {
        first_sale: Some("FV1-000001".into()),
        last_sale: Some("FV1-000004".into()),
        documents: 12,
        sales: 4,
        gross: m(23_800 + 28_300 + 12_600 + 5_900),
        discounts: m(2_380 + 600),
        sales_total: m(21_420 + 28_300 + 12_000 + 5_900),
        refunds: 1,
        refunds_total: m(10_710),
        // -20 on S1, less the -10 of the refund.
        rounding: m(-10),
        tenders: vec![
            caja::domain::report::TenderTotal {
                kind: TenderKind::Cash,
                amount: m(21_400 + 8_300 - 10_700 + 5_900),
            },
            caja::domain::report::TenderTotal {
                kind: TenderKind::Card,
                amount: m(20_000),
            },
            caja::domain::report::TenderTotal {
                kind: TenderKind::Transfer,
                amount: m(12_000),
            },
        ],
        taxes: vec![
            tax(0, 18_500 + 12_000 + 5_900, 0),
            tax(5, 9_333, 467),
            tax(19, 18_000 - 9_000, 3_420 - 1_710),
        ],
        voids: 1,
        overrides: 4,
        no_sales: 0,
        cash_in: m(20_000),
        cash_out: m(15_000),
        floats: m(150_000),
        shifts_closed: 2,
        expected_cash: m(179_900),
        counted_cash: Some(m(179_950)),
        trail: Some(Trail {
            overrides: ["cash_move", "refund", "void_line"]
                .iter()
                .zip([2, 1, 1])
                .map(|(a, count)| OverrideCount {
                    action: caja::domain::document::OverrideAction::from_code(a),
                    count,
                })
                .collect(),
            ..Trail::default()
        }),
    };
    assert_eq!(z, want);
    assert_eq!(z.net().unwrap(), m(56_910));
    assert_eq!(z.difference().unwrap(), Some(m(50)));
    // Tenders add up to the net plus rounding.
    let tendered: i64 = z.tenders.iter().map(|t| t.amount.minor()).sum();
    assert_eq!(tendered, 56_900);
    assert_eq!(
        Report {
            counted_cash: Some(m(179_950)),
            documents: 12,
            shifts_closed: 2,
            ..x.clone()
        },
        z
    );
    assert_eq!(x.shifts_closed, 2);

    // The closing document holds the report, and its receipt is queued.
    let (_, doc) = s
        .view()
        .unwrap()
        .doc_by_number("FV1-Z-000001")
        .unwrap()
        .unwrap();
    assert!(matches!(&doc.doc.body, DocBody::Closing(c) if c.report == want));
    assert!(
        s.print_jobs()
            .unwrap()
            .iter()
            .any(|(_, j)| j.number == "FV1-Z-000001")
    );
    assert_eq!(s.verify().unwrap().problems, vec![]);
}

#[test]
fn a_closed_date_refuses_every_new_document() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    sell_the_day(&s);
    s.close_shift(&at("ana", 21), "ana", m(104_000), Vec::new())
        .unwrap();
    s.close_shift(&at("luis", 22), "luis", m(75_900), Vec::new())
        .unwrap();
    s.close_day(&at("ana", 23), Vec::new()).unwrap();
    let before = s.view().unwrap().last_doc().unwrap().unwrap().0;

    let body = SaleBody::build(
        &[line("SAL1K", 1, 2_300, 0, None)],
        None,
        vec![tender(TenderKind::Cash, 2_300)],
        true,
        &s.info().currency,
    )
    .unwrap();
    let e = s
        .commit(&at("ana", 30), DocBody::Sale(body.clone()))
        .unwrap_err();
    assert!(matches!(e, StoreError::DateClosed { .. }), "{e}");
    let e = s
        .commit(
            &at("ana", 31),
            DocBody::CashMove(CashMoveBody::new(CashDirection::In, m(1), "x").unwrap()),
        )
        .unwrap_err();
    assert!(matches!(e, StoreError::DateClosed { .. }), "{e}");
    // Opening the closed date, or an earlier one, is refused too.
    assert!(s.open_day(&at("ana", 32), Vec::new()).is_err());
    assert!(s.open_day(&header(21, 0), Vec::new()).is_err());
    // No shift opens without an open date.
    assert!(s.open_shift(&header(23, 0), m(0)).is_err());
    assert_eq!(
        s.view().unwrap().last_doc().unwrap().unwrap().0,
        before,
        "nothing was written"
    );

    // Three days later needs a supervisor; the next day does not.
    let e = s
        .open_day(&header(25, 0), Vec::new())
        .unwrap_err()
        .to_string();
    assert!(e.contains("supervisor"), "{e}");
    s.open_day(&header(23, 0), Vec::new()).unwrap();
    let state = s.view().unwrap().day_state().unwrap();
    assert_eq!(state.closed_through, NaiveDate::from_ymd_opt(2026, 11, 22));
    assert_eq!(state.open, NaiveDate::from_ymd_opt(2026, 11, 23));
    // A second open date is refused until this one closes.
    assert!(s.open_day(&header(24, 0), vec![ov("open_day")]).is_err());
    s.commit(&header(23, 5), DocBody::Sale(body)).unwrap();
    assert_eq!(s.verify().unwrap().problems, vec![]);
}
