//! What the hub checks in every document a register writes to `caja-docs`, by type, before
//! storing it (docs/PROTOCOL.md, "What the hub refuses"). A refusal names the document's fault;
//! the register keeps it in its list of refused documents.

use crate::domain::numbering::{DocKind, parse_number};
use serde_json::Value;

/// Types that are sealed in a register's hash chain: once stored, never edited or deleted.
pub const SEALED: [&str; 12] = [
    "sale",
    "refund",
    "cash",
    "nosale",
    "day_open",
    "day_correct",
    "shift_open",
    "shift_close",
    "closing",
    "void",
    "cancel",
    "points",
];

/// Whether the document with this id is write-once: a register's sealed documents, and the
/// head office's stock movements.
pub fn is_sealed(id: &str) -> bool {
    id.split_once(':')
        .is_some_and(|(t, _)| SEALED.contains(&t) || t == "stock")
}

/// A stock movement (`caja chain stock import`; only an admin writes one: the id is no
/// register's): a SKU, a kind, a signed quantity with up to 3 decimals.
fn stock(id: &str, doc: &Value) -> Result<(), String> {
    let sku = text(doc, "sku")?;
    if !crate::domain::catalog::valid_code(sku) {
        return Err(format!("{id}: {sku:?} is not a SKU"));
    }
    if crate::csvio::StockKind::from_code(text(doc, "kind")?).is_none() {
        return Err(format!("{id}: kind is count, receipt or adjust"));
    }
    if super::stock::milli_of(text(doc, "quantity")?).is_none() {
        return Err(format!("{id}: quantity is not a decimal of up to 3 places"));
    }
    Ok(())
}

fn text<'a>(d: &'a Value, k: &str) -> Result<&'a str, String> {
    d.get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{k} is missing or not a string"))
}

/// A decimal string as ten-thousandths; anything else is refused (never read as zero).
fn amount(d: &Value, k: &str) -> Result<i128, String> {
    let s = text(d, k)?;
    let t = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let ok = !int.is_empty()
        && int.len() <= 18
        && frac.len() <= 4
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit());
    if !ok {
        return Err(format!("{k} {s:?} is not a decimal amount"));
    }
    Ok(crate::sync::decimal_units(s))
}

fn array<'a>(d: &'a Value, k: &str) -> Result<&'a Vec<Value>, String> {
    d.get(k)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{k} is missing or not a list"))
}

fn sum(list: &[Value], k: &str) -> Result<i128, String> {
    list.iter().try_fold(0i128, |a, x| Ok(a + amount(x, k)?))
}

fn hex64(d: &Value, k: &str) -> Result<(), String> {
    let s = text(d, k)?;
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!("{k} is not a 64-digit hash"))
    }
}

/// The points a sale's points tenders carry ("120 points").
fn points_tendered(doc: &Value) -> i64 {
    doc.get("tenders")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t.get("kind").and_then(Value::as_str) == Some("points"))
        .map(|t| crate::domain::loyalty::points_of(t.get("reference").and_then(Value::as_str)))
        .sum()
}

fn int(d: &Value, k: &str) -> Result<i64, String> {
    text(d, k)?
        .parse()
        .map_err(|_| format!("{k} is not a whole number"))
}

/// Checks `doc` (with its `_id`) as a write to `caja-docs`. `lookup` reads a document the hub
/// already holds (including one stored earlier in the same write).
pub fn check(doc: &Value, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<(), String> {
    if !doc.is_object() {
        return Err("a document must be a JSON object".into());
    }
    let id = text(doc, "_id")?;
    let Some((ty, rest)) = id.split_once(':') else {
        return Err(format!("{id}: an id is TYPE:NUMBER"));
    };
    if doc.get("_deleted").and_then(Value::as_bool) == Some(true) && is_sealed(id) {
        return Err(format!("{id} is sealed: it is never deleted"));
    }
    let body_type = text(doc, "type")?;
    if body_type != ty {
        return Err(format!("{id}: type {body_type:?} does not match the id"));
    }
    if ty == "customer" {
        let field = |k: &str| doc.get(k).and_then(Value::as_str).unwrap_or("");
        let c = crate::domain::customer::Customer::new(
            field("doc_type"),
            field("doc_number"),
            field("name"),
            field("phone"),
            field("email"),
            field("address"),
        )
        .map_err(|e| format!("{id}: {e}"))?;
        if c.key() != rest {
            return Err(format!("{id}: the id is not customer:{}", c.key()));
        }
        return Ok(());
    }
    if ty == "stock" {
        return stock(id, doc);
    }
    if !SEALED.contains(&ty) {
        return Err(format!("{id}: unknown document type {ty:?}"));
    }
    let (register, kind, _) = parse_number(rest).map_err(|e| format!("{id}: {e}"))?;
    if ty == "points" {
        return points(id, rest, doc, lookup);
    }
    if DocKind::from_code(ty) != Some(kind) || text(doc, "number")? != rest {
        return Err(format!("{id}: the number does not match the id"));
    }
    if text(doc, "register")? != register.as_str() {
        return Err(format!("{id}: register does not match the number"));
    }
    chrono::NaiveDate::parse_from_str(text(doc, "business_date")?, "%Y-%m-%d")
        .map_err(|_| format!("{id}: business_date is not a date"))?;
    hex64(doc, "hash")?;
    hex64(doc, "prev_hash")?;
    let wrong = |what: &str| Err(format!("{id}: {what} do not add up"));
    match ty {
        "sale" => {
            let lines = array(doc, "lines")?;
            if lines.is_empty() {
                return Err(format!("{id}: a sale without lines"));
            }
            let total = amount(doc, "total")?;
            if sum(lines, "total")? != total {
                return wrong("the lines and the total");
            }
            let paid = sum(array(doc, "tenders")?, "amount")?;
            if paid - amount(doc, "change")? != total + amount(doc, "rounding")? {
                return wrong("the tenders, the change and the total");
            }
        }
        "refund" => {
            let total = amount(doc, "total")?;
            if sum(array(doc, "lines")?, "total")? != total {
                return wrong("the lines and the total");
            }
            if sum(array(doc, "tenders")?, "amount")? != total + amount(doc, "rounding")? {
                return wrong("the tenders and the total");
            }
            let (r, k, _) =
                parse_number(text(doc, "original")?).map_err(|e| format!("{id}: {e}"))?;
            if r != register || k != DocKind::Sale {
                return Err(format!("{id}: the original is not a sale of {register}"));
            }
        }
        "day_correct" => {
            chrono::NaiveDate::parse_from_str(text(doc, "wrong")?, "%Y-%m-%d")
                .map_err(|_| format!("{id}: wrong is not a date"))?;
            let (r, k, _) = parse_number(text(doc, "opened")?).map_err(|e| format!("{id}: {e}"))?;
            if r != register || k != DocKind::DayOpen {
                return Err(format!("{id}: opened is not a day opening of {register}"));
            }
            if amount(doc, "floats")? < 0 {
                return Err(format!("{id}: floats are never negative"));
            }
        }
        "cash" => {
            if amount(doc, "amount")? <= 0 {
                return Err(format!("{id}: a cash movement is a positive amount"));
            }
            if !matches!(text(doc, "direction")?, "in" | "out") {
                return Err(format!("{id}: direction is in or out"));
            }
        }
        _ => {}
    }
    Ok(())
}

/// A points movement must cite a sale or refund of its register that the hub holds, for the
/// same customer, and move no more points than that document can: earned at most one point per
/// whole unit of money paid (no loyalty rule is more generous), redeemed exactly what its points
/// tenders carry; a refund takes back, never gives.
fn points(
    id: &str,
    source: &str,
    doc: &Value,
    lookup: &dyn Fn(&str) -> Option<Value>,
) -> Result<(), String> {
    if text(doc, "source")? != source {
        return Err(format!("{id}: source does not match the id"));
    }
    let customer = text(doc, "customer")?;
    let (earned, redeemed, net) = (
        int(doc, "earned")?,
        int(doc, "redeemed")?,
        int(doc, "points")?,
    );
    if earned.checked_sub(redeemed) != Some(net) {
        return Err(format!("{id}: points is not earned less redeemed"));
    }
    let (_, kind, _) = parse_number(source).map_err(|e| format!("{id}: {e}"))?;
    let cited = lookup(&format!("{}:{source}", kind.code()))
        .ok_or_else(|| format!("{id}: the hub holds no {source}"))?;
    let sale = match kind {
        DocKind::Sale => cited.clone(),
        DocKind::Refund => {
            let original = text(&cited, "original")?;
            lookup(&format!("sale:{original}"))
                .ok_or_else(|| format!("{id}: the hub holds no {original}"))?
        }
        _ => return Err(format!("{id}: points follow a sale or a refund")),
    };
    if sale.get("customer").and_then(Value::as_str) != Some(customer) {
        return Err(format!("{id}: {source} was not for {customer}"));
    }
    let whole_units = (amount(&sale, "total")? / 10_000) as i64;
    let ok = match kind {
        DocKind::Sale => {
            (0..=whole_units.saturating_add(1)).contains(&earned)
                && redeemed == points_tendered(&cited)
        }
        _ => {
            (-whole_units.saturating_add(1)..=0).contains(&earned)
                && redeemed <= 0
                && -redeemed <= points_tendered(&sale)
        }
    };
    if !ok {
        return Err(format!(
            "{id}: {earned} earned and {redeemed} redeemed do not follow from {source}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sealed_types_and_customers() {
        assert!(is_sealed("sale:FV1-000001") && is_sealed("points:FV1-000001"));
        assert!(!is_sealed("customer:CC-12345678") && !is_sealed("register:FV1"));
        let none = |_: &str| None;
        let bad = json!({"_id": "customer:BAD-1", "type": "customer", "doc_type": "XX"});
        assert!(check(&bad, &none).unwrap_err().contains("XX"));
        let ok = json!({"_id": "customer:NIT-900173769-1", "type": "customer",
            "doc_type": "NIT", "doc_number": "900173769-1", "name": "Ferretería"});
        check(&ok, &none).unwrap();
        for garbage in [json!("x"), json!([1, 2]), json!([]), json!({"_id": 3})] {
            assert!(check(&garbage, &none).is_err(), "{garbage}");
        }
    }

    #[test]
    fn forged_points_are_refused() {
        let sale = json!({"_id": "sale:FV1-000001", "type": "sale", "total": "12000",
            "customer": "CC-12345678", "tenders": [{"kind": "cash", "amount": "12000"}]});
        let lookup = move |id: &str| (id == "sale:FV1-000001").then(|| sale.clone());
        let pts = |id: &str, source: &str, earned: &str| {
            json!({"_id": id, "type": "points", "source": source, "customer": "CC-12345678",
                "earned": earned, "redeemed": "0", "points": earned})
        };
        check(&pts("points:FV1-000001", "FV1-000001", "12"), &lookup).unwrap();
        let forged = pts("points:FV1-999001", "FV1-999001", "9223372036854775807");
        assert!(check(&forged, &lookup).unwrap_err().contains("holds no"));
        let greedy = pts("points:FV1-000001", "FV1-000001", "9223372036854775807");
        assert!(
            check(&greedy, &lookup)
                .unwrap_err()
                .contains("do not follow")
        );
    }
}
