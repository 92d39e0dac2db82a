//! Stored record formats are frozen: a document encoded by this version must decode byte for
//! byte forever. If this test fails, a stored type changed: add a new envelope version instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use caja::domain::document::{BusinessDate, DocBody, Document, SaleBody, Stamp};
use caja::domain::money::{Currency, Money};
use caja::domain::qty::{Qty, TaxRate};
use caja::domain::tender::{Tender, TenderKind};
use caja::domain::ticket::{Discount, TicketLine};
use caja::store::codec::{DocRecord, decode, encode};
use chrono::NaiveDate;

const FIXTURE: &str = "tests/fixtures/sale_v1.bin";

fn golden_doc() -> caja::domain::document::SealedDocument {
    let cop = Currency::by_code("COP").unwrap();
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
            qty: Qty::from_milli(1_250),
            unit_price: Money::from_minor(3_200),
            tax_rate: TaxRate::from_bp(0),
            discount: None,
        },
    ];
    let tenders = vec![
        Tender {
            kind: TenderKind::Card,
            amount: Money::from_minor(10_000),
            reference: Some("VOUCHER 4411".into()),
        },
        Tender::cash(Money::from_minor(20_000)),
    ];
    let body = SaleBody::build(
        &lines,
        Some(Discount::Amount(Money::from_minor(500))),
        tenders,
        true,
        &cop,
    )
    .unwrap();
    Document {
        number: "FV1-000123".into(),
        n: 123,
        register: "FV1".into(),
        business_date: BusinessDate::from_date(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()),
        at: Stamp {
            utc_ms: 1_795_370_400_000,
            offset_min: -300,
        },
        cashier: "ana".into(),
        body: DocBody::Sale(body),
        counters: vec![123, 4, 2],
        opens_range: false,
        prev_hash: [7u8; 32],
    }
    .seal()
}

#[test]
fn sale_record_v1_is_frozen() {
    let doc = golden_doc();
    let bytes = encode(&DocRecord::V1(doc.clone())).unwrap();
    if std::env::var_os("CAJA_BLESS").is_some() {
        std::fs::write(FIXTURE, &bytes).unwrap();
    }
    let fixture = std::fs::read(FIXTURE).expect("fixture missing; run once with CAJA_BLESS=1");
    assert!(bytes == fixture, "the encoding of a V1 sale changed");
    let DocRecord::V1(back) = decode::<DocRecord>(&fixture, "fixture").unwrap();
    assert_eq!(back, doc);
    assert_eq!(
        back.hash,
        back.doc.hash(),
        "the chain hash of a stored document changed"
    );
    assert_eq!(caja::domain::document::hex(&back.hash).len(), 64);
}

#[test]
fn trailing_or_truncated_bytes_are_refused() {
    let fixture = std::fs::read(FIXTURE).unwrap();
    let mut longer = fixture.clone();
    longer.push(0);
    assert!(decode::<DocRecord>(&longer, "x").is_err());
    assert!(decode::<DocRecord>(&fixture[..fixture.len() - 1], "x").is_err());
    assert!(decode::<DocRecord>(&[9, 9, 9], "x").is_err());
}

const CLOSING_FIXTURE: &str = "tests/fixtures/closing_v1.bin";

/// A Z closing: the stored report layout is frozen like the sale's.
fn golden_closing() -> caja::domain::document::SealedDocument {
    use caja::domain::document::{ClosingBody, Override};
    use caja::domain::report::{Report, TenderTotal};
    use caja::domain::ticket::TaxLine;
    let m = Money::from_minor;
    let report = Report {
        first_sale: Some("FV1-000001".into()),
        last_sale: Some("FV1-000004".into()),
        documents: 12,
        sales: 4,
        gross: m(70_600),
        discounts: m(2_980),
        sales_total: m(67_620),
        refunds: 1,
        refunds_total: m(10_710),
        rounding: m(-10),
        tenders: vec![
            TenderTotal {
                kind: TenderKind::Cash,
                amount: m(24_900),
            },
            TenderTotal {
                kind: TenderKind::Card,
                amount: m(20_000),
            },
        ],
        taxes: vec![TaxLine {
            rate: TaxRate::from_bp(1900),
            base: m(9_000),
            tax: m(1_710),
        }],
        voids: 1,
        overrides: 4,
        no_sales: 0,
        cash_in: m(20_000),
        cash_out: m(15_000),
        floats: m(150_000),
        shifts_closed: 2,
        expected_cash: m(179_900),
        counted_cash: Some(m(179_950)),
    };
    Document {
        number: "FV1-Z-000001".into(),
        n: 1,
        register: "FV1".into(),
        business_date: BusinessDate::from_date(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()),
        at: Stamp {
            utc_ms: 1_795_400_000_000,
            offset_min: -300,
        },
        cashier: "ana".into(),
        body: DocBody::Closing(ClosingBody {
            report,
            overrides: vec![Override {
                action: "close_day".into(),
                supervisor: "ana".into(),
                reason: "close of day".into(),
            }],
        }),
        counters: vec![4, 1, 2, 0, 1, 2, 2, 1],
        opens_range: false,
        prev_hash: [9u8; 32],
    }
    .seal()
}

#[test]
fn closing_record_v1_is_frozen() {
    let doc = golden_closing();
    let bytes = encode(&DocRecord::V1(doc.clone())).unwrap();
    if std::env::var_os("CAJA_BLESS").is_some() {
        std::fs::write(CLOSING_FIXTURE, &bytes).unwrap();
    }
    let fixture =
        std::fs::read(CLOSING_FIXTURE).expect("fixture missing; run once with CAJA_BLESS=1");
    assert!(bytes == fixture, "the encoding of a V1 closing changed");
    let DocRecord::V1(back) = decode::<DocRecord>(&fixture, "fixture").unwrap();
    assert_eq!(back, doc);
    assert_eq!(back.hash, back.doc.hash());
}
