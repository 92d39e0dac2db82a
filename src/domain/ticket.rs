//! A ticket being sold: lines, discounts, and the totals and per-rate tax breakdown.
//!
//! Totals are computed per tax rate (not per line) and the rate's tax is then allocated to the
//! lines by largest remainder, so the breakdown always sums exactly to the total and every line
//! knows its own share of tax (which makes refunds exact).

use super::money::{Money, MoneyError};
use super::qty::{Qty, TaxRate};
use serde::{Deserialize, Serialize};

/// A discount on a line or on the whole ticket.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Discount {
    /// In basis points of the amount: 10 % is 1000.
    Percent(u32),
    /// A fixed amount off.
    Amount(Money),
}

/// A line on the ticket as the cashier rang it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketLine {
    pub sku: String,
    pub name: String,
    pub qty: Qty,
    pub unit_price: Money,
    pub tax_rate: TaxRate,
    pub discount: Option<Discount>,
}

/// What a line comes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    /// Quantity times unit price, rounded.
    pub gross: Money,
    /// Line discount plus this line's share of the ticket discount.
    pub discount: Money,
    /// The tax inside (prices with tax) or on top of (prices without tax) this line.
    pub tax: Money,
    /// What the customer pays for this line.
    pub total: Money,
}

/// One row of the tax breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    pub rate: TaxRate,
    pub base: Money,
    pub tax: Money,
}

/// The totals of a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub lines: Vec<PricedLine>,
    pub gross: Money,
    pub discount: Money,
    pub total: Money,
    pub taxes: Vec<TaxLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("a discount cannot exceed the amount it applies to")]
    DiscountTooLarge,
    #[error("a discount cannot be negative or over 100 %")]
    DiscountInvalid,
}

/// What a discount takes off `of`.
pub fn discount_amount(d: Option<Discount>, of: Money) -> Result<Money, PricingError> {
    match d {
        None => Ok(Money::ZERO),
        Some(Discount::Percent(bp)) if bp <= 10_000 => Ok(of.mul_div(i64::from(bp), 10_000)?),
        Some(Discount::Percent(_)) => Err(PricingError::DiscountInvalid),
        Some(Discount::Amount(a)) if a.is_negative() => Err(PricingError::DiscountInvalid),
        Some(Discount::Amount(a)) if a > of => Err(PricingError::DiscountTooLarge),
        Some(Discount::Amount(a)) => Ok(a),
    }
}

/// Splits `total` in proportion to non-negative `weights`, by largest remainder; ties go to the
/// earlier weight. The shares always sum to `total`. With all weights zero, everything goes to
/// the first share.
pub fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    let mut shares = vec![0i64; weights.len()];
    if weights.is_empty() {
        return shares;
    }
    let sum: i128 = weights.iter().map(|w| i128::from((*w).max(0))).sum();
    if sum == 0 {
        shares[0] = total;
        return shares;
    }
    let t = i128::from(total);
    let mut rems: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    let mut given: i128 = 0;
    for (i, w) in weights.iter().enumerate() {
        let p = t * i128::from((*w).max(0));
        // Floor division toward negative infinity keeps remainders non-negative for either sign.
        let q = p.div_euclid(sum);
        rems.push((p.rem_euclid(sum), i));
        shares[i] = q as i64;
        given += q;
    }
    let mut left = t - given;
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems.iter().cycle() {
        if left <= 0 {
            break;
        }
        shares[*i] += 1;
        left -= 1;
    }
    shares
}

/// Prices a ticket.
pub fn price(
    lines: &[TicketLine],
    ticket_discount: Option<Discount>,
    prices_include_tax: bool,
) -> Result<Totals, PricingError> {
    let mut gross = Vec::with_capacity(lines.len());
    let mut after_line = Vec::with_capacity(lines.len());
    for l in lines {
        if l.unit_price.is_negative() || l.qty.milli() <= 0 {
            return Err(PricingError::Money(MoneyError::Negative));
        }
        let g = l.unit_price.mul_div(l.qty.milli(), 1000)?;
        let d = discount_amount(l.discount, g)?;
        gross.push(g);
        after_line.push(g.checked_sub(d)?);
    }
    let subtotal = Money::sum(after_line.iter().copied())?;
    let ticket_disc = discount_amount(ticket_discount, subtotal)?;
    let weights: Vec<i64> = after_line.iter().map(|m| m.minor()).collect();
    let shares = allocate(ticket_disc.minor(), &weights);

    let net: Vec<Money> = after_line
        .iter()
        .zip(&shares)
        .map(|(a, s)| a.checked_sub(Money::from_minor(*s)))
        .collect::<Result<_, _>>()?;

    let mut rates: Vec<TaxRate> = lines.iter().map(|l| l.tax_rate).collect();
    rates.sort();
    rates.dedup();
    let mut line_tax = vec![Money::ZERO; lines.len()];
    let mut taxes = Vec::with_capacity(rates.len());
    for rate in rates {
        let idx: Vec<usize> = (0..lines.len())
            .filter(|i| lines[*i].tax_rate == rate)
            .collect();
        let group = Money::sum(idx.iter().map(|i| net[*i]))?;
        let r = i64::from(rate.bp());
        let (base, tax) = if prices_include_tax {
            let base = group.mul_div(10_000, 10_000 + r)?;
            (base, group.checked_sub(base)?)
        } else {
            (group, group.mul_div(r, 10_000)?)
        };
        let w: Vec<i64> = idx.iter().map(|i| net[*i].minor()).collect();
        for (i, t) in idx.iter().zip(allocate(tax.minor(), &w)) {
            line_tax[*i] = Money::from_minor(t);
        }
        taxes.push(TaxLine { rate, base, tax });
    }

    let mut priced = Vec::with_capacity(lines.len());
    for i in 0..lines.len() {
        let total = if prices_include_tax {
            net[i]
        } else {
            net[i].checked_add(line_tax[i])?
        };
        priced.push(PricedLine {
            gross: gross[i],
            discount: gross[i].checked_sub(net[i])?,
            tax: line_tax[i],
            total,
        });
    }
    Ok(Totals {
        gross: Money::sum(gross.iter().copied())?,
        discount: Money::sum(priced.iter().map(|p| p.discount))?,
        total: Money::sum(priced.iter().map(|p| p.total))?,
        lines: priced,
        taxes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(price: i64, qty_milli: i64, rate_bp: u32, discount: Option<Discount>) -> TicketLine {
        TicketLine {
            sku: "X".into(),
            name: "X".into(),
            qty: Qty::from_milli(qty_milli),
            unit_price: Money::from_minor(price),
            tax_rate: TaxRate::from_bp(rate_bp),
            discount,
        }
    }

    #[test]
    fn colombian_iva_inside_the_price() {
        // 2 x 3.500 at 19 % plus 1 x 2.000 exempt.
        let t = price(
            &[line(3_500, 2_000, 1900, None), line(2_000, 1_000, 0, None)],
            None,
            true,
        )
        .unwrap();
        assert_eq!(t.total, Money::from_minor(9_000));
        assert_eq!(
            t.taxes[0],
            TaxLine {
                rate: TaxRate::from_bp(0),
                base: Money::from_minor(2_000),
                tax: Money::ZERO
            }
        );
        // 7000 / 1.19 = 5882.35 -> 5882, tax 1118.
        assert_eq!(
            t.taxes[1],
            TaxLine {
                rate: TaxRate::from_bp(1900),
                base: Money::from_minor(5_882),
                tax: Money::from_minor(1_118)
            }
        );
    }

    #[test]
    fn tax_on_top_of_the_price() {
        // 3 x 10.00 USD at 8.25 % = 30.00 + 2.475 -> 2.48.
        let t = price(&[line(1_000, 3_000, 825, None)], None, false).unwrap();
        assert_eq!(t.total, Money::from_minor(3_248));
        assert_eq!(t.lines[0].tax, Money::from_minor(248));
    }

    #[test]
    fn weighed_goods_round_half_away_from_zero() {
        // 0.375 kg at 12.990 /kg = 4871.25 -> 4871.
        let t = price(&[line(12_990, 375, 0, None)], None, true).unwrap();
        assert_eq!(t.total, Money::from_minor(4_871));
        // 0.5 kg at 1.001 = 500.5 -> 501.
        let t = price(&[line(1_001, 500, 0, None)], None, true).unwrap();
        assert_eq!(t.total, Money::from_minor(501));
    }

    #[test]
    fn ticket_discount_is_shared_by_largest_remainder() {
        let lines = [
            line(1_000, 1_000, 0, None),
            line(1_000, 1_000, 0, None),
            line(1_000, 1_000, 0, None),
        ];
        let t = price(&lines, Some(Discount::Amount(Money::from_minor(100))), true).unwrap();
        let shares: Vec<i64> = t.lines.iter().map(|l| l.discount.minor()).collect();
        assert_eq!(shares, vec![34, 33, 33]);
        assert_eq!(t.total, Money::from_minor(2_900));
    }

    #[test]
    fn line_and_ticket_discounts_combine() {
        let lines = [
            line(10_000, 1_000, 1900, Some(Discount::Percent(1_000))),
            line(5_000, 1_000, 1900, None),
        ];
        let t = price(&lines, Some(Discount::Percent(500)), true).unwrap();
        // 9000 + 5000 = 14000, less 5 % = 700 -> 13300.
        assert_eq!(t.total, Money::from_minor(13_300));
        assert_eq!(t.discount, Money::from_minor(1_700));
    }

    #[test]
    fn a_discount_larger_than_the_line_is_refused() {
        let r = price(
            &[line(
                1_000,
                1_000,
                0,
                Some(Discount::Amount(Money::from_minor(1_001))),
            )],
            None,
            true,
        );
        assert_eq!(r, Err(PricingError::DiscountTooLarge));
        let r = price(
            &[line(1_000, 1_000, 0, Some(Discount::Percent(10_001)))],
            None,
            true,
        );
        assert_eq!(r, Err(PricingError::DiscountInvalid));
    }

    #[test]
    fn allocation_with_no_weight_goes_to_the_first() {
        assert_eq!(allocate(5, &[0, 0]), vec![5, 0]);
        assert_eq!(allocate(-5, &[1, 1]), vec![-2, -3]);
        assert_eq!(allocate(7, &[]), Vec::<i64>::new());
    }

    fn arb_line() -> impl Strategy<Value = TicketLine> {
        (
            1i64..5_000_000,
            1i64..50_000,
            prop::sample::select(vec![0u32, 500, 825, 1600, 1900]),
            prop::option::of(0u32..=10_000),
        )
            .prop_map(|(p, q, r, d)| line(p, q, r, d.map(Discount::Percent)))
    }

    proptest! {
        #[test]
        fn breakdown_always_sums_to_the_total(lines in prop::collection::vec(arb_line(), 1..20), disc in prop::option::of(0u32..=10_000), incl in any::<bool>()) {
            let t = price(&lines, disc.map(Discount::Percent), incl).unwrap();
            let base: i64 = t.taxes.iter().map(|x| x.base.minor()).sum();
            let tax: i64 = t.taxes.iter().map(|x| x.tax.minor()).sum();
            prop_assert_eq!(base + tax, t.total.minor());
            let line_sum: i64 = t.lines.iter().map(|l| l.total.minor()).sum();
            prop_assert_eq!(line_sum, t.total.minor());
            let line_tax: i64 = t.lines.iter().map(|l| l.tax.minor()).sum();
            prop_assert_eq!(line_tax, tax);
            prop_assert_eq!(t.gross.minor() - t.discount.minor() + if incl { 0 } else { tax }, t.total.minor());
            for l in &t.lines {
                prop_assert!(l.total.minor() >= 0 && l.discount.minor() >= 0 && l.discount <= l.gross);
            }
        }

        #[test]
        fn allocation_sums_and_stays_within_one_of_exact(total in -1_000_000i64..1_000_000, weights in prop::collection::vec(0i64..1_000_000, 1..30)) {
            let shares = allocate(total, &weights);
            prop_assert_eq!(shares.iter().sum::<i64>(), total);
            let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
            if sum > 0 {
                for (s, w) in shares.iter().zip(&weights) {
                    let exact = i128::from(total) * i128::from(*w);
                    let diff = i128::from(*s) * sum - exact;
                    prop_assert!(diff.abs() < sum * 2, "share {} weight {}", s, w);
                }
            }
        }
    }
}
