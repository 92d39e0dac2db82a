//! Receipts that add up: for random tickets (lines, weighed quantities, line and ticket
//! discounts, tax rates, prices with and without tax, currencies with 0 and 2 decimals, every
//! tender mix) and their refunds, the receipt text at 32, 42 and 48 columns is read back and its
//! columns must add up, with no line wider than the paper.

use crate::common::read_receipt;
use caja::config::Language;
use caja::domain::document::{
    BusinessDate, DocBody, Document, RefundBody, SaleBody, Stamp, cash_refund, refund_taxes,
};
use caja::domain::money::{Currency, Money};
use caja::domain::qty::{Qty, TaxRate};
use caja::domain::refund::{ReturnedLine, plan_refund};
use caja::domain::tender::{Tender, TenderKind};
use caja::domain::ticket::{Discount, TicketLine, price};
use caja::receipt::{Receipt, ShopLines};
use proptest::prelude::*;

fn doc(number: &str, body: DocBody) -> Document {
    Document {
        number: number.into(),
        n: 1,
        register: "FV1".into(),
        business_date: BusinessDate::from_date(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        ),
        at: Stamp {
            utc_ms: 1_795_900_000_000,
            offset_min: -300,
        },
        cashier: "ana".into(),
        body,
        counters: vec![1],
        opens_range: false,
        prev_hash: [0; 32],
    }
}

fn text(d: &Document, c: &Currency, columns: u16) -> String {
    let shop = ShopLines {
        header: vec!["NIT 900.173.769-1".into(), "Calle 10 # 4-20".into()],
        footer: vec!["Gracias por su compra".into()],
    };
    Receipt::of(d, "Tienda de Prueba", &shop, c, columns, Language::Es, None).to_text()
}

const NAMES: [&str; 5] = [
    "Sal",
    "Café molido tostado oscuro 500 g",
    "Detergente en polvo multiusos aroma limón bolsa de 3 kilogramos",
    "Arroz",
    "Plátano maduro por kilo",
];

fn line() -> impl Strategy<Value = TicketLine> {
    (
        0usize..NAMES.len(),
        prop_oneof![(1i64..=12).prop_map(|q| q * 1000), 1i64..=4_500],
        1i64..=2_000_000,
        prop::sample::select(vec![0u32, 500, 800, 1600, 1900]),
        prop_oneof![
            Just(None),
            (1u32..=10_000).prop_map(|bp| Some(Discount::Percent(bp))),
            (1i64..=5_000).prop_map(|a| Some(Discount::Amount(Money::from_minor(a)))),
        ],
    )
        .prop_map(|(name, qty, price, rate, discount)| TicketLine {
            sku: format!("SKU{name}"),
            name: NAMES[name].into(),
            qty: Qty::from_milli(qty),
            unit_price: Money::from_minor(price),
            tax_rate: TaxRate::from_bp(rate),
            discount,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_receipt_adds_up_at_every_width(
        lines in prop::collection::vec(line(), 1..6),
        ticket_discount in prop_oneof![
            Just(None),
            (1u32..=5_000).prop_map(|bp| Some(Discount::Percent(bp))),
        ],
        currency in prop::sample::select(vec!["COP", "CLP", "MXN", "USD", "PEN"]),
        include_tax in any::<bool>(),
        // Shares of the total paid by card, transfer and other; cash pays the rest.
        shares in (0u8..=3, 0u8..=3, 0u8..=3),
        extra_cash in 0i64..=100_000,
        refund_all in any::<bool>(),
    ) {
        let c = Currency::by_code(currency).unwrap();
        let Ok(totals) = price(&lines, ticket_discount, include_tax) else {
            return Err(TestCaseError::reject("a discount larger than its line"));
        };
        let total = totals.total.minor();
        let mut tenders = Vec::new();
        let mut left = total;
        for (kind, share, reference) in [
            (TenderKind::Card, shares.0, Some("VOUCHER 004411".to_string())),
            (TenderKind::Transfer, shares.1, Some("NEQUI 3001234567".to_string())),
            (TenderKind::Other, shares.2, None),
        ] {
            let a = total * i64::from(share) / 10;
            if a > 0 && a <= left {
                tenders.push(Tender { kind, amount: Money::from_minor(a), reference });
                left -= a;
            }
        }
        if left > 0 || tenders.is_empty() {
            let due = c.round_cash(Money::from_minor(left)).unwrap().minor();
            let cash = due + extra_cash * c.cash_step.max(1);
            if cash > 0 {
                tenders.push(Tender::cash(Money::from_minor(cash)));
            }
        }
        let sale = SaleBody::build(&lines, ticket_discount, tenders, include_tax, &c).unwrap();
        let sale_doc = doc("FV1-000001", DocBody::Sale(sale.clone()));
        for columns in [32u16, 42, 48] {
            let t = text(&sale_doc, &c, columns);
            let p = read_receipt(&t, &c, usize::from(columns)).map_err(TestCaseError::fail)?;
            // The paper's TOTAL is the sale's, as the screen and the journal say it; what the
            // customer pays follows it when cash was rounded.
            prop_assert_eq!(p.total, sale.total.minor());
            if !sale.rounding.is_zero() {
                prop_assert_eq!(p.to_pay, Some(sale.total.minor() + sale.rounding.minor()));
            }
            prop_assert_eq!(p.change, Some(sale.change.minor()));
            prop_assert_eq!(p.lines.len(), lines.len());
        }

        // Its refund, whole or the first line.
        let returned: Vec<ReturnedLine> = sale
            .lines
            .iter()
            .enumerate()
            .filter(|(i, _)| refund_all || *i == 0)
            .map(|(i, l)| ReturnedLine { line: i as u32, qty: l.qty })
            .collect();
        let rlines = plan_refund(&sale, &[], &returned).unwrap();
        let rtotal = Money::sum(rlines.iter().map(|l| l.total)).unwrap();
        let (rtenders, rounding) = cash_refund(rtotal, &c).unwrap();
        let refund = RefundBody {
            original: "FV1-000001".into(),
            taxes: refund_taxes(&rlines).unwrap(),
            lines: rlines,
            total: rtotal,
            tenders: rtenders,
            rounding,
            reason: "producto en mal estado, el cliente trae la factura".into(),
            overrides: vec![caja::domain::document::Override {
                action: caja::domain::document::OverrideAction::Refund,
                supervisor: "ana".into(),
                reason: "x".into(),
            }],
        };
        let refund_doc = doc("FV1-DV-000001", DocBody::Refund(refund.clone()));
        for columns in [32u16, 42, 48] {
            let t = text(&refund_doc, &c, columns);
            if rtotal.is_zero() {
                continue;
            }
            let p = read_receipt(&t, &c, usize::from(columns)).map_err(TestCaseError::fail)?;
            prop_assert_eq!(p.total, -refund.total.minor());
            if !refund.rounding.is_zero() {
                prop_assert_eq!(
                    p.to_pay,
                    Some(-(refund.total.minor() + refund.rounding.minor()))
                );
            }
            prop_assert!(t.contains("DEVOLUCIÓN") && t.contains("FV1-000001"), "{}", t);
            prop_assert!(!t.contains("Gracias"), "a refund does not thank for a purchase");
        }
    }
}

/// The two example receipts of the money trail's note, at 42 columns.
#[test]
fn example_receipts_at_42_columns() {
    let c = Currency::by_code("COP").unwrap();
    let lines = vec![
        TicketLine {
            sku: "CAF250".into(),
            name: "Café molido 250 g".into(),
            qty: Qty::from_milli(2000),
            unit_price: Money::from_minor(9_800),
            tax_rate: TaxRate::from_bp(500),
            discount: Some(Discount::Percent(1000)),
        },
        TicketLine {
            sku: "PLA1K".into(),
            name: "Plátano por kilo".into(),
            qty: Qty::from_milli(1_255),
            unit_price: Money::from_minor(3_200),
            tax_rate: TaxRate::from_bp(0),
            discount: None,
        },
    ];
    let sale = SaleBody::build(
        &lines,
        None,
        vec![Tender::cash(Money::from_minor(30_000))],
        true,
        &c,
    )
    .unwrap();
    assert!(!sale.rounding.is_zero());
    let t = text(&doc("FV1-000123", DocBody::Sale(sale.clone())), &c, 42);
    println!("{t}");
    let p = read_receipt(&t, &c, 42).unwrap();
    assert_eq!(p.line_discounts, vec![-1_960]);
    assert!(t.contains("Redondeo") && t.contains("Cambio"), "{t}");
    let rlines = plan_refund(
        &sale,
        &[],
        &[ReturnedLine {
            line: 0,
            qty: Qty::from_milli(1000),
        }],
    )
    .unwrap();
    let rtotal = Money::sum(rlines.iter().map(|l| l.total)).unwrap();
    let (rtenders, rounding) = cash_refund(rtotal, &c).unwrap();
    let refund = RefundBody {
        original: "FV1-000123".into(),
        taxes: refund_taxes(&rlines).unwrap(),
        lines: rlines,
        total: rtotal,
        tenders: rtenders,
        rounding,
        reason: "empaque roto".into(),
        overrides: vec![caja::domain::document::Override {
            action: caja::domain::document::OverrideAction::Refund,
            supervisor: "ana".into(),
            reason: "empaque roto".into(),
        }],
    };
    let t = text(&doc("FV1-DV-000004", DocBody::Refund(refund)), &c, 42);
    println!("{t}");
    read_receipt(&t, &c, 42).unwrap();
    assert!(
        t.contains("DEVOLUCIÓN") && t.contains("Motivo: empaque roto"),
        "{t}"
    );
    let out = caja::domain::document::CashMoveBody {
        direction: caja::domain::document::CashDirection::Out,
        amount: Money::from_minor(150_000),
        reason: "consignación al banco".into(),
        overrides: vec![caja::domain::document::Override {
            action: caja::domain::document::OverrideAction::CashOut,
            supervisor: "ana".into(),
            reason: "consignación al banco".into(),
        }],
    };
    let t = text(&doc("FV1-MC-000002", DocBody::CashMove(out)), &c, 32);
    println!("{t}");
    assert!(
        t.contains("SALIDA DE EFECTIVO") && t.contains("$ -150.000"),
        "{t}"
    );
}
