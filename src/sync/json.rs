//! Documents as the JSON the sync server stores (docs/PROTOCOL.md, "Document shapes"): money
//! and rates as decimal strings, never floats; a deterministic `_id` from the type and number,
//! and a deterministic `_rev` from the document's chain hash, so pushing one twice is harmless.

use crate::domain::document::{DocBody, SealedDocument, hex};
use crate::domain::money::{Currency, Money};
use crate::domain::report::Report;
use crate::domain::tender::Tender;
use crate::domain::ticket::TaxLine;
use serde_json::{Value, json};

/// The `_id` of a document: `sale:FV1-000123`. A customer is named by its identity document
/// (`customer:NIT-900173769-1`), a points movement by the sale or refund it belongs to
/// (`points:FV1-000123`).
pub fn doc_id(d: &SealedDocument) -> String {
    match &d.doc.body {
        DocBody::Customer(c) => format!("customer:{}", c.customer.key()),
        DocBody::Points(p) => format!("points:{}", p.source),
        _ => format!("{}:{}", d.doc.kind().code(), d.doc.number),
    }
}

/// A customer's fields as the sync documents carry them (docs/PROTOCOL.md).
pub fn customer_json(c: &crate::domain::customer::Customer) -> Value {
    json!({
        "doc_type": c.doc_type.code(),
        "doc_number": c.doc_number,
        "name": c.name,
        "phone": c.phone,
        "email": c.email,
        "address": c.address,
    })
}

/// A product as `caja-catalog` holds it (docs/PROTOCOL.md).
pub fn product_json(p: &crate::domain::catalog::Product, currency: &Currency) -> Value {
    json!({
        "_id": format!("product:{}", p.sku),
        "type": "product",
        "sku": p.sku,
        "name": p.name,
        "barcodes": p.barcodes,
        "price": currency.to_decimal(p.price),
        "tax_rate": p.tax_rate.to_string(),
        "active": p.active,
        "sold_by": p.sold_by.as_str(),
        "open_price": p.open_price,
    })
}

/// The `_rev` of a document: generation 1 and 32 hex digits of its hash. The content decides it,
/// so a re-push after a lost answer carries the same revision.
pub fn doc_rev(d: &SealedDocument) -> String {
    format!("1-{}", &hex(&d.hash)[..32])
}

fn taxes(c: &Currency, t: &[TaxLine]) -> Value {
    t.iter()
        .map(|t| json!({"rate": t.rate.to_string(), "base": c.to_decimal(t.base), "tax": c.to_decimal(t.tax)}))
        .collect()
}

fn tenders(c: &Currency, t: &[Tender]) -> Value {
    t.iter()
        .map(|t| {
            let mut v = json!({"kind": t.kind.code(), "amount": c.to_decimal(t.amount)});
            if let Some(r) = &t.reference {
                v["reference"] = json!(r);
            }
            v
        })
        .collect()
}

fn report(c: &Currency, r: &Report) -> Value {
    let m = |v: Money| c.to_decimal(v);
    json!({
        "first_sale": r.first_sale,
        "last_sale": r.last_sale,
        "documents": r.documents,
        "sales": r.sales,
        "gross": m(r.gross),
        "discounts": m(r.discounts),
        "sales_total": m(r.sales_total),
        "refunds": r.refunds,
        "refunds_total": m(r.refunds_total),
        "rounding": m(r.rounding),
        "tenders": r.tenders.iter().map(|t| json!({"kind": t.kind.code(), "amount": m(t.amount)})).collect::<Vec<_>>(),
        "taxes": taxes(c, &r.taxes),
        "voids": r.voids,
        "overrides": r.overrides,
        "no_sales": r.no_sales,
        "cash_in": m(r.cash_in),
        "cash_out": m(r.cash_out),
        "floats": m(r.floats),
        "shifts_closed": r.shifts_closed,
        "expected_cash": m(r.expected_cash),
        "counted_cash": r.counted_cash.map(m),
        "trail": r.trail.as_ref().map(|t| json!({
            "voided_amount": m(t.voided_amount),
            "voided_after_payment": t.voided_after_payment,
            "cancelled": t.cancelled,
            "cancelled_amount": m(t.cancelled_amount),
            "held_deleted": t.held_deleted,
            "given_back": m(t.given_back),
            "overrides": t.overrides.iter().map(|o| json!({"action": o.action.code(), "count": o.count})).collect::<Vec<_>>(),
        })),
    })
}

/// The whole JSON document for the `caja-docs` database.
pub fn to_json(d: &SealedDocument, c: &Currency) -> Value {
    let doc = &d.doc;
    let m = |v: Money| c.to_decimal(v);
    let mut v = json!({
        "_id": doc_id(d),
        "_rev": doc_rev(d),
        "type": doc.kind().code(),
        "register": doc.register,
        "number": doc.number,
        "business_date": doc.business_date.to_string(),
        "at": doc.at.to_rfc3339(),
        "cashier": doc.cashier,
        "prev_hash": hex(&doc.prev_hash),
        "hash": hex(&d.hash),
    });
    let overrides: Vec<Value> = doc
        .body
        .overrides()
        .iter()
        .map(|o| json!({"action": o.action.code(), "supervisor": o.supervisor, "reason": o.reason}))
        .collect();
    if !overrides.is_empty() {
        v["overrides"] = Value::Array(overrides);
    }
    let extra = match &doc.body {
        DocBody::Sale(s) => json!({
            "lines": s.lines.iter().map(|l| json!({
                "sku": l.sku, "name": l.name, "qty": l.qty.to_string(),
                "unit_price": m(l.unit_price), "discount": m(l.discount),
                "tax_rate": l.tax_rate.to_string(), "tax": m(l.tax), "total": m(l.total),
            })).collect::<Vec<_>>(),
            "taxes": taxes(c, &s.taxes),
            "gross": m(s.gross),
            "discount": m(s.discount),
            "total": m(s.total),
            "tenders": tenders(c, &s.tenders),
            "change": m(s.change),
            "rounding": m(s.rounding),
            "customer": s.customer,
        }),
        DocBody::Refund(r) => json!({
            "original": r.original,
            "lines": r.lines.iter().map(|l| json!({
                "line": l.line, "sku": l.sku, "name": l.name, "qty": l.qty.to_string(),
                "tax_rate": l.tax_rate.to_string(), "tax": m(l.tax), "total": m(l.total),
            })).collect::<Vec<_>>(),
            "taxes": taxes(c, &r.taxes),
            "total": m(r.total),
            "tenders": tenders(c, &r.tenders),
            "rounding": m(r.rounding),
            "reason": r.reason,
        }),
        DocBody::CashMove(x) => json!({
            "direction": match x.direction {
                crate::domain::document::CashDirection::In => "in",
                crate::domain::document::CashDirection::Out => "out",
            },
            "amount": m(x.amount),
            "reason": x.reason,
        }),
        DocBody::NoSale(n) => json!({"reason": n.reason}),
        DocBody::DayOpen(o) => json!({"after": o.after.map(|d| d.to_string())}),
        DocBody::DayCorrect(x) => json!({
            "wrong": x.wrong.to_string(),
            "opened": x.opened,
            "after": x.after.map(|d| d.to_string()),
            "floats": m(x.floats),
        }),
        DocBody::ShiftOpen(o) => json!({"float": m(o.float)}),
        DocBody::ShiftClose(x) => json!({
            "opened": x.opened,
            "shift_cashier": x.cashier,
            "report": report(c, &x.report),
        }),
        DocBody::Closing(x) => json!({"report": report(c, &x.report)}),
        DocBody::Customer(x) => customer_json(&x.customer),
        DocBody::Void(x) => json!({
            "position": x.position,
            "sku": x.sku,
            "name": x.name,
            "qty": x.qty.to_string(),
            "unit_price": m(x.unit_price),
            "tax_rate": x.tax_rate.to_string(),
            "amount": m(x.amount),
            "after_payment": x.after_payment,
        }),
        DocBody::Cancel(x) => json!({
            "lines": x.lines.iter().map(|l| json!({
                "sku": l.sku, "name": l.name, "qty": l.qty.to_string(),
                "unit_price": m(l.unit_price), "tax_rate": l.tax_rate.to_string(),
            })).collect::<Vec<_>>(),
            "total": m(x.total),
            "tenders": tenders(c, &x.tenders),
            "held": x.held,
            "reason": x.reason,
        }),
        DocBody::Points(p) => json!({
            "source": p.source,
            "customer": p.customer,
            "points": p.movement.net().to_string(),
            "earned": p.movement.earned.to_string(),
            "redeemed": p.movement.redeemed.to_string(),
        }),
    };
    if let (Value::Object(to), Value::Object(from)) = (&mut v, extra) {
        to.extend(from);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::{BusinessDate, Document, SaleBody, Stamp};
    use crate::domain::qty::{Qty, TaxRate};
    use crate::domain::ticket::TicketLine;

    #[test]
    fn hashes_are_lower_case_hex_two_digits_a_byte() {
        use crate::domain::document::hex;
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff, 0x10]), "000fa5ff10");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn a_sale_has_the_contract_shape_with_decimal_strings() {
        let cop = Currency::by_code("COP").unwrap();
        let body = SaleBody::build(
            &[TicketLine {
                sku: "ACE1L".into(),
                name: "Aceite".into(),
                qty: Qty::ONE,
                unit_price: Money::from_minor(11_900),
                tax_rate: TaxRate::from_bp(1900),
                discount: None,
            }],
            None,
            vec![Tender::cash(Money::from_minor(20_000))],
            true,
            &cop,
        )
        .unwrap();
        let d = Document {
            number: "FV1-000001".into(),
            n: 1,
            register: "FV1".into(),
            business_date: BusinessDate::from_date(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            ),
            at: Stamp {
                utc_ms: 1_795_400_000_000,
                offset_min: -300,
            },
            cashier: "ana".into(),
            body: DocBody::Sale(body),
            counters: vec![1],
            opens_range: false,
            prev_hash: [0; 32],
        }
        .seal();
        let v = to_json(&d, &cop);
        assert_eq!(v["_id"], "sale:FV1-000001");
        assert_eq!(v["_rev"].as_str().unwrap().len(), 34);
        assert_eq!(v["total"], "11900");
        assert_eq!(v["change"], "8100");
        assert_eq!(v["lines"][0]["tax_rate"], "19");
        assert_eq!(v["taxes"][0]["base"], "10000");
        assert_eq!(v["tenders"][0]["kind"], "cash");
        assert_eq!(v["business_date"], "2026-11-22");
        assert_eq!(doc_rev(&d), doc_rev(&d.clone()));
    }
}
