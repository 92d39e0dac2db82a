//! Refunds: they point at the lines of the original sale and can never give back more than was
//! sold, counting what earlier refunds already gave back.

use super::document::{RefundLine, SaleBody};
use super::money::{Money, MoneyError};
use super::qty::Qty;

/// A line and quantity the customer brings back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReturnedLine {
    pub line: u32,
    pub qty: Qty,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error("nothing to refund")]
    Empty,
    // Lines are counted from 0 inside, from 1 for people.
    #[error("the sale has no line {}", .0 + 1)]
    NoSuchLine(u32),
    #[error("line {} appears twice", .line + 1)]
    Repeated { line: u32 },
    #[error("line {}: at most {left} can still be refunded", .line + 1)]
    Exceeds { line: u32, left: Qty },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// What earlier refunds took from one line of a sale.
fn already(earlier: &[RefundLine], line: u32) -> Result<(Qty, Money, Money), RefundError> {
    let mut qty = Qty::from_milli(0);
    let mut total = Money::ZERO;
    let mut tax = Money::ZERO;
    for r in earlier.iter().filter(|r| r.line == line) {
        qty = qty.checked_add(r.qty).ok_or(MoneyError::Overflow)?;
        total = total.checked_add(r.total)?;
        tax = tax.checked_add(r.tax)?;
    }
    Ok((qty, total, tax))
}

/// Plans a refund of `returned` against `sale`, given the lines `earlier` refunds took.
/// A refund that completes a line takes exactly what is left of it, so the refunds of a line
/// always add up to the line and never more.
pub fn plan_refund(
    sale: &SaleBody,
    earlier: &[RefundLine],
    returned: &[ReturnedLine],
) -> Result<Vec<RefundLine>, RefundError> {
    if returned.is_empty() {
        return Err(RefundError::Empty);
    }
    let mut out = Vec::with_capacity(returned.len());
    for (i, r) in returned.iter().enumerate() {
        if returned[..i].iter().any(|p| p.line == r.line) {
            return Err(RefundError::Repeated { line: r.line });
        }
        let sold = sale
            .lines
            .get(r.line as usize)
            .ok_or(RefundError::NoSuchLine(r.line))?;
        let (q0, total0, tax0) = already(earlier, r.line)?;
        let left = sold.qty.checked_sub(q0).ok_or(MoneyError::Overflow)?;
        if r.qty.milli() <= 0 || r.qty > left {
            return Err(RefundError::Exceeds { line: r.line, left });
        }
        let total_left = sold.total.checked_sub(total0)?;
        let tax_left = sold.tax.checked_sub(tax0)?;
        let (total, tax) = if r.qty == left {
            (total_left, tax_left)
        } else {
            let q = r.qty.milli();
            let n = sold.qty.milli();
            (
                sold.total.mul_div(q, n)?.min(total_left),
                sold.tax.mul_div(q, n)?.min(tax_left),
            )
        };
        out.push(RefundLine {
            line: r.line,
            sku: sold.sku.clone(),
            name: sold.name.clone(),
            qty: r.qty,
            tax_rate: sold.tax_rate,
            tax,
            total,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use crate::domain::qty::TaxRate;
    use crate::domain::tender::Tender;
    use crate::domain::ticket::TicketLine;
    use proptest::prelude::*;

    fn sale(lines: &[(i64, i64)]) -> SaleBody {
        let cop = Currency::by_code("COP").unwrap();
        let t: Vec<TicketLine> = lines
            .iter()
            .map(|(p, q)| TicketLine {
                sku: "S".into(),
                name: "N".into(),
                qty: Qty::from_milli(*q),
                unit_price: Money::from_minor(*p),
                tax_rate: TaxRate::from_bp(1900),
                discount: None,
            })
            .collect();
        SaleBody::build(
            &t,
            None,
            vec![Tender::cash(Money::from_minor(100_000_000))],
            true,
            &cop,
        )
        .unwrap()
    }

    fn ret(line: u32, milli: i64) -> ReturnedLine {
        ReturnedLine {
            line,
            qty: Qty::from_milli(milli),
        }
    }

    #[test]
    fn refund_cannot_exceed_what_was_sold() {
        let s = sale(&[(1_000, 2_000)]);
        assert_eq!(
            plan_refund(&s, &[], &[ret(0, 3_000)]),
            Err(RefundError::Exceeds {
                line: 0,
                left: Qty::from_milli(2_000)
            })
        );
        let first = plan_refund(&s, &[], &[ret(0, 1_500)]).unwrap();
        assert_eq!(
            plan_refund(&s, &first, &[ret(0, 1_000)]),
            Err(RefundError::Exceeds {
                line: 0,
                left: Qty::from_milli(500)
            })
        );
        assert_eq!(
            plan_refund(&s, &[], &[ret(1, 1_000)]),
            Err(RefundError::NoSuchLine(1))
        );
        assert_eq!(
            plan_refund(&s, &[], &[ret(0, 500), ret(0, 500)]),
            Err(RefundError::Repeated { line: 0 })
        );
        assert_eq!(plan_refund(&s, &[], &[]), Err(RefundError::Empty));
    }

    #[test]
    fn refunding_a_line_in_thirds_gives_back_exactly_the_line() {
        let s = sale(&[(100, 3_000)]); // 300 in all
        let mut done = Vec::new();
        for _ in 0..3 {
            done.extend(plan_refund(&s, &done, &[ret(0, 1_000)]).unwrap());
        }
        assert_eq!(done.iter().map(|r| r.total.minor()).sum::<i64>(), 300);
        assert_eq!(
            done.iter().map(|r| r.tax.minor()).sum::<i64>(),
            s.lines[0].tax.minor()
        );
    }

    proptest! {
        #[test]
        fn refunds_never_give_back_more_than_the_line(price in 1i64..1_000_000, qty in 1i64..20_000, parts in prop::collection::vec(1i64..5_000, 1..8)) {
            let s = sale(&[(price, qty)]);
            let mut done: Vec<RefundLine> = Vec::new();
            for p in parts {
                match plan_refund(&s, &done, &[ret(0, p)]) {
                    Ok(lines) => done.extend(lines),
                    Err(RefundError::Exceeds { .. }) => {}
                    Err(e) => prop_assert!(false, "{e}"),
                }
                let total: i64 = done.iter().map(|r| r.total.minor()).sum();
                let tax: i64 = done.iter().map(|r| r.tax.minor()).sum();
                let q: i64 = done.iter().map(|r| r.qty.milli()).sum();
                prop_assert!(total <= s.lines[0].total.minor());
                prop_assert!(tax <= s.lines[0].tax.minor());
                prop_assert!(q <= qty);
                prop_assert!(done.iter().all(|r| r.total.minor() >= 0 && r.tax.minor() >= 0));
                if q == qty {
                    prop_assert_eq!(total, s.lines[0].total.minor());
                    prop_assert_eq!(tax, s.lines[0].tax.minor());
                }
            }
        }
    }
}
