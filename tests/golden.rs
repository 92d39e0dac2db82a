//! Stored record formats are frozen: a document encoded by this version must decode byte for
//! byte forever. If this test fails, a stored type changed: add a new envelope version instead.

use caja::domain::document::{BusinessDate, DocBody, Document, SaleBody, Stamp};
use caja::domain::money::{Currency, Money};
use caja::domain::qty::{Qty, TaxRate};
use caja::domain::tender::{Tender, TenderKind};
use caja::domain::ticket::{Discount, TicketLine};
use caja::store::codec::{DocRecord, decode, encode};
use chrono::NaiveDate;

const FIXTURE: &str = "tests/fixtures/sale_v1.bin";
const TRAIL_FIXTURE: &str = "tests/fixtures/trail_v1.bin";

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
        trail: None,
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
                action: caja::domain::document::OverrideAction::CloseDay,
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

/// The money trail's records: a void, a cancellation with a tender to give back, and a Z whose
/// report carries its trail (stored as a new variant; the closing above keeps its bytes).
fn golden_trail() -> Vec<caja::domain::document::SealedDocument> {
    use caja::domain::document::{CancelBody, ClosingBody, Override, VoidBody};
    use caja::domain::report::{OverrideCount, Trail};
    let m = Money::from_minor;
    let sup = Override {
        action: caja::domain::document::OverrideAction::Cancel,
        supervisor: "ana".into(),
        reason: "tenders given back".into(),
    };
    let void = DocBody::Void(VoidBody {
        position: 2,
        sku: "ARZ1K".into(),
        name: "Arroz 1 kg".into(),
        qty: Qty::from_milli(1_000),
        unit_price: m(4_200),
        tax_rate: TaxRate::from_bp(500),
        amount: m(4_200),
        after_payment: false,
        overrides: Vec::new(),
    });
    let cancel = DocBody::Cancel(CancelBody {
        lines: vec![TicketLine {
            sku: "CAF250".into(),
            name: "Café molido 250 g".into(),
            qty: Qty::from_milli(2000),
            unit_price: m(9_800),
            tax_rate: TaxRate::from_bp(500),
            discount: Some(Discount::Percent(1000)),
        }],
        ticket_discount: None,
        total: m(17_640),
        tenders: vec![Tender {
            kind: TenderKind::Card,
            amount: m(10_000),
            reference: Some("VOUCHER 4411".into()),
        }],
        held: false,
        reason: String::new(),
        overrides: vec![sup],
    });
    let mut closing = match golden_closing().doc.body {
        DocBody::Closing(c) => c,
        _ => unreachable!(),
    };
    closing.report.trail = Some(Trail {
        voided_amount: m(4_200),
        voided_after_payment: 0,
        cancelled: 1,
        cancelled_amount: m(17_640),
        held_deleted: 0,
        given_back: m(10_000),
        overrides: vec![OverrideCount {
            action: caja::domain::document::OverrideAction::Cancel,
            count: 1,
        }],
    });
    let bodies = [void, cancel, DocBody::Closing(ClosingBody { ..closing })];
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            Document {
                number: format!("FV1-X-{i}"),
                n: i as u64 + 1,
                register: "FV1".into(),
                business_date: BusinessDate::from_date(
                    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
                ),
                at: Stamp {
                    utc_ms: 1_795_900_000_000,
                    offset_min: -300,
                },
                cashier: "ana".into(),
                body,
                counters: vec![4, 1, 2, 0, 1, 2, 2, 1, 0, 0, 1, 1],
                opens_range: false,
                prev_hash: [3u8; 32],
            }
            .seal()
        })
        .collect()
}

#[test]
fn money_trail_records_are_frozen() {
    let mut bytes = Vec::new();
    for d in golden_trail() {
        let b = encode(&DocRecord::V1(d.clone())).unwrap();
        let DocRecord::V1(back) = decode::<DocRecord>(&b, "trail").unwrap();
        assert_eq!(back, d);
        bytes.extend_from_slice(&(b.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&b);
    }
    if std::env::var_os("CAJA_BLESS").is_some() {
        std::fs::write(TRAIL_FIXTURE, &bytes).unwrap();
    }
    let fixture =
        std::fs::read(TRAIL_FIXTURE).expect("fixture missing; run once with CAJA_BLESS=1");
    assert!(
        bytes == fixture,
        "the encoding of the money trail's records changed"
    );
    // A Z without a trail keeps the first closing layout; with one, it takes variant 13.
    let legacy = encode(&golden_closing().doc.body).unwrap();
    assert_eq!(legacy[0], 7);
    let trail = golden_trail();
    assert_eq!(encode(&trail[2].doc.body).unwrap()[0], 13);
    assert_eq!(encode(&trail[0].doc.body).unwrap()[0], 10);
    assert_eq!(encode(&trail[1].doc.body).unwrap()[0], 11);
}

/// An override's action is stored as its code, the bytes of the string it used to be: an
/// action this caja does not name (written by a newer register) reads back as written.
#[test]
fn an_override_action_is_stored_as_its_code() {
    use caja::domain::document::OverrideAction;
    for code in ["cancel", "void_line", "price_match"] {
        let action = OverrideAction::from_code(code);
        assert_eq!(
            postcard::to_allocvec(&action).unwrap(),
            postcard::to_allocvec(code).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&action).unwrap(),
            format!("\"{code}\"")
        );
        let back: OverrideAction =
            postcard::from_bytes(&postcard::to_allocvec(code).unwrap()).unwrap();
        assert_eq!(back, action);
        assert_eq!(back.code(), code);
    }
    assert_eq!(
        OverrideAction::from_code("price_match"),
        OverrideAction::Other("price_match".into())
    );
    for a in OverrideAction::KNOWN {
        assert_eq!(OverrideAction::from_code(a.code()), a);
    }
}
