//! Loyalty points: earned on what a customer pays, redeemed as a tender. Points are movements
//! (one per sale or refund), never a counter that registers overwrite: a balance is what the
//! server last said plus this register's movements it had not yet counted.

use super::money::{Money, MoneyError};
use super::tender::{Tender, TenderKind};
use serde::{Deserialize, Serialize};

/// The shop's loyalty rules (`[loyalty]` in caja.toml). The default is off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    /// One point per this much paid, tax included (minor units). Zero: loyalty is off.
    pub earn_every: Money,
    /// What one point is worth when redeemed (minor units).
    pub point_value: Money,
    /// At most this many points per ticket (0: no limit).
    pub max_points_per_ticket: u64,
    /// At most this percentage of a ticket may be paid with points (1 to 100).
    pub max_percent: u32,
    /// SKUs that earn no points (tobacco, lottery, airtime, ...).
    pub excluded: Vec<String>,
}

impl Rules {
    pub fn enabled(&self) -> bool {
        self.earn_every.is_positive() && self.point_value.is_positive()
    }
}

/// A customer's points movement for one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    /// Points earned (a sale) or taken back (a refund, negative).
    pub earned: i64,
    /// Points spent as a tender.
    pub redeemed: i64,
}

impl Movement {
    /// What the movement does to the balance.
    pub fn net(&self) -> i64 {
        self.earned.saturating_sub(self.redeemed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointsError {
    #[error("loyalty points are not enabled ([loyalty] in caja.toml)")]
    Disabled,
    #[error("the customer has {balance} points; {wanted} cannot be redeemed")]
    Insufficient { balance: i64, wanted: i64 },
    #[error("at most {0} points per ticket")]
    OverTicketLimit(u64),
    #[error("at most {0}% of a ticket may be paid with points")]
    OverPercent(u32),
    #[error("a final consumer sale earns and spends no points; attach a customer (F3)")]
    NoCustomer,
    #[error("{points} points are worth {worth}, not the {paid} their tenders say")]
    WrongWorth {
        points: i64,
        worth: Money,
        paid: Money,
    },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The points a points tender's reference carries: its first word ("120 points" and
/// "120 puntos" are 120; anything else is 0).
pub fn points_of(reference: Option<&str>) -> i64 {
    reference
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// What a sale's points tenders redeem.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Redemption {
    pub points: i64,
    /// What those tenders paid.
    pub paid: Money,
}

/// The points a sale's tenders redeem, checked against the rules: points only when loyalty
/// is on, and worth exactly what their tenders paid.
pub fn redemption(rules: &Rules, tenders: &[Tender]) -> Result<Redemption, PointsError> {
    let points_tenders = || tenders.iter().filter(|t| t.kind == TenderKind::Points);
    let points = points_tenders()
        .map(|t| points_of(t.reference.as_deref()))
        .sum();
    let paid = Money::sum(points_tenders().map(|t| t.amount))?;
    if points > 0 {
        if !rules.enabled() {
            return Err(PointsError::Disabled);
        }
        let worth = Money::from_minor(points).mul_div(rules.point_value.minor(), 1)?;
        if worth != paid {
            return Err(PointsError::WrongWorth {
                points,
                worth,
                paid,
            });
        }
    }
    Ok(Redemption { points, paid })
}

/// What a sale does to its customer's points: `lines` (SKU and total) earn, `r` redeems.
/// `balance` is asked only when points are redeemed; a redemption beyond it is refused. None
/// when the movement is nothing. A sale without a customer (`has_customer` false) earns
/// nothing and may redeem nothing.
pub fn sale_movement<E: From<PointsError> + From<MoneyError>>(
    rules: &Rules,
    lines: &[(String, Money)],
    r: Redemption,
    has_customer: bool,
    balance: impl FnOnce() -> Result<i64, E>,
) -> Result<Option<Movement>, E> {
    if !has_customer {
        return if r.points > 0 {
            Err(PointsError::NoCustomer.into())
        } else {
            Ok(None)
        };
    }
    let earned = earned(rules, lines, r.paid)?;
    if r.points > 0 {
        let balance = balance()?;
        if r.points > balance {
            return Err(PointsError::Insufficient {
                balance: balance.max(0),
                wanted: r.points,
            }
            .into());
        }
    }
    Ok(Some(Movement {
        earned,
        redeemed: r.points,
    })
    .filter(|m| m.earned != 0 || m.redeemed != 0))
}

/// Points earned by a sale: the eligible lines' totals (tax included, after discounts), less
/// what was paid with points, one point per `earn_every`, rounded down.
pub fn earned(
    rules: &Rules,
    lines: &[(String, Money)],
    paid_with_points: Money,
) -> Result<i64, MoneyError> {
    if !rules.enabled() {
        return Ok(0);
    }
    let eligible = Money::sum(
        lines
            .iter()
            .filter(|(sku, _)| !rules.excluded.iter().any(|e| e == sku))
            .map(|(_, total)| *total),
    )?;
    let eligible = eligible.checked_sub(paid_with_points)?;
    if !eligible.is_positive() {
        return Ok(0);
    }
    Ok(eligible.minor() / rules.earn_every.minor())
}

/// How many points pay `amount` (whole points, rounded down) and what they are worth, within
/// the balance and the shop's limits. `due` is the ticket's total.
pub fn redeem(
    rules: &Rules,
    balance: i64,
    amount: Money,
    due: Money,
) -> Result<(i64, Money), PointsError> {
    if !rules.enabled() {
        return Err(PointsError::Disabled);
    }
    let wanted = amount.minor() / rules.point_value.minor();
    if wanted <= 0 {
        return Ok((0, Money::ZERO));
    }
    if wanted > balance {
        return Err(PointsError::Insufficient {
            balance: balance.max(0),
            wanted,
        });
    }
    if rules.max_points_per_ticket > 0 && wanted as u64 > rules.max_points_per_ticket {
        return Err(PointsError::OverTicketLimit(rules.max_points_per_ticket));
    }
    let value = Money::from_minor(wanted).mul_div(rules.point_value.minor(), 1)?;
    // value * 100 <= due * percent, in i128 so neither side can overflow.
    if i128::from(value.minor()) * 100 > i128::from(due.minor()) * i128::from(rules.max_percent) {
        return Err(PointsError::OverPercent(rules.max_percent));
    }
    Ok((wanted, value))
}

/// The most a customer can pay with points on a ticket of `due`, as money: the balance, the
/// per-ticket limit and the percentage limit, in whole points.
pub fn max_redeemable(rules: &Rules, balance: i64, due: Money) -> Money {
    if !rules.enabled() || balance <= 0 {
        return Money::ZERO;
    }
    let by_percent = i128::from(due.minor()) * i128::from(rules.max_percent) / 100;
    let mut points = (by_percent / i128::from(rules.point_value.minor())) as i64;
    points = points.min(balance);
    if rules.max_points_per_ticket > 0 {
        points = points.min(rules.max_points_per_ticket as i64);
    }
    Money::from_minor(points.saturating_mul(rules.point_value.minor()))
}

/// Points a refund takes back: the sale's earned points in proportion to the eligible amount
/// returned, rounded up, never more than the sale has left to take back.
pub fn reversed(
    sale_earned: i64,
    already_reversed: i64,
    sale_eligible: Money,
    refund_eligible: Money,
) -> i64 {
    let left = (sale_earned - already_reversed).max(0);
    if left == 0 || !sale_eligible.is_positive() || !refund_eligible.is_positive() {
        return 0;
    }
    let num = i128::from(sale_earned) * i128::from(refund_eligible.minor());
    let den = i128::from(sale_eligible.minor());
    let up = (num + den - 1) / den;
    (up as i64).min(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            earn_every: Money::from_minor(1_000),
            point_value: Money::from_minor(10),
            max_points_per_ticket: 5_000,
            max_percent: 50,
            excluded: vec!["CIG20".into()],
        }
    }

    fn m(v: i64) -> Money {
        Money::from_minor(v)
    }

    /// A sale's points tenders: their points read from the reference, worth checked, the
    /// balance asked only when points are spent, a sale without a customer spends none.
    #[test]
    fn a_sales_points_are_checked_by_the_rules() {
        let pts = |points: i64, amount: i64| Tender {
            kind: TenderKind::Points,
            amount: m(amount),
            reference: Some(format!("{points} puntos")),
        };
        let cash = Tender::cash(m(5_000));
        let r = redemption(&rules(), &[pts(120, 1_200), cash.clone()]).unwrap();
        assert_eq!((r.points, r.paid), (120, m(1_200)));
        assert!(matches!(
            redemption(&rules(), &[pts(120, 1_300)]),
            Err(PointsError::WrongWorth { points: 120, .. })
        ));
        let off = Rules {
            earn_every: Money::ZERO,
            ..rules()
        };
        assert!(matches!(
            redemption(&off, &[pts(1, 10)]),
            Err(PointsError::Disabled)
        ));
        assert_eq!(redemption(&off, &[cash]).unwrap(), Redemption::default());

        let lines = vec![("ARZ500".to_string(), m(12_500))];
        let asked = std::cell::Cell::new(false);
        let balance = |b: i64| {
            asked.set(true);
            Ok::<_, PointsError>(b)
        };
        // Earning only: the balance is not read.
        let earn = sale_movement(&rules(), &lines, Redemption::default(), true, || balance(0));
        assert_eq!(
            earn.unwrap(),
            Some(Movement {
                earned: 12,
                redeemed: 0
            })
        );
        assert!(!asked.get());
        // Spending more than the balance is refused.
        let spend = sale_movement(&rules(), &lines, r, true, || balance(100));
        assert!(matches!(
            spend,
            Err(PointsError::Insufficient {
                balance: 100,
                wanted: 120
            })
        ));
        assert!(asked.get());
        // No customer: nothing earned, nothing spent.
        assert!(matches!(
            sale_movement(&rules(), &lines, r, false, || balance(0)),
            Err(PointsError::NoCustomer)
        ));
        assert_eq!(
            sale_movement(&rules(), &lines, Redemption::default(), false, || balance(
                0
            ))
            .unwrap(),
            None
        );
        assert_eq!(points_of(Some("75 points")), 75);
        assert_eq!(points_of(Some("voucher")), 0);
        assert_eq!(points_of(None), 0);
    }

    #[test]
    fn points_are_earned_on_what_is_paid_with_money_except_excluded_products() {
        let lines = vec![
            ("ARZ500".to_string(), m(12_500)),
            ("CIG20".to_string(), m(9_000)),
            ("HUE30".to_string(), m(14_900)),
        ];
        // 27,400 eligible: 27 points (rounded down).
        assert_eq!(earned(&rules(), &lines, Money::ZERO).unwrap(), 27);
        // 2,400 of it paid with points: 25,000 earns 25.
        assert_eq!(earned(&rules(), &lines, m(2_400)).unwrap(), 25);
        assert_eq!(earned(&rules(), &lines, m(99_000)).unwrap(), 0);
        let off = Rules {
            earn_every: Money::ZERO,
            ..rules()
        };
        assert_eq!(earned(&off, &lines, Money::ZERO).unwrap(), 0);
    }

    #[test]
    fn redemption_stays_within_the_balance_and_the_limits() {
        // 1,234 asked: 123 whole points worth 1,230.
        assert_eq!(
            redeem(&rules(), 500, m(1_234), m(10_000)).unwrap(),
            (123, m(1_230))
        );
        assert_eq!(
            redeem(&rules(), 100, m(1_234), m(10_000)),
            Err(PointsError::Insufficient {
                balance: 100,
                wanted: 123
            })
        );
        assert_eq!(
            redeem(&rules(), 0, m(10), m(10_000)),
            Err(PointsError::Insufficient {
                balance: 0,
                wanted: 1
            })
        );
        assert_eq!(
            redeem(&rules(), 1_000, m(6_000), m(10_000)),
            Err(PointsError::OverPercent(50))
        );
        assert_eq!(
            redeem(&rules(), 9_000, m(60_000), m(1_000_000)),
            Err(PointsError::OverTicketLimit(5_000))
        );
        assert_eq!(max_redeemable(&rules(), 1_000, m(10_000)), m(5_000));
        assert_eq!(max_redeemable(&rules(), 120, m(10_000)), m(1_200));
        assert_eq!(max_redeemable(&rules(), -5, m(10_000)), Money::ZERO);
    }

    #[test]
    fn a_refund_takes_back_what_its_lines_earned() {
        // A sale of 27,400 eligible earned 27; half of it back takes 14 (rounded up).
        assert_eq!(reversed(27, 0, m(27_400), m(13_700)), 14);
        // The rest of it takes only what is left.
        assert_eq!(reversed(27, 14, m(27_400), m(13_700)), 13);
        assert_eq!(reversed(27, 27, m(27_400), m(13_700)), 0);
        assert_eq!(reversed(0, 0, m(27_400), m(13_700)), 0);
        let mv = Movement {
            earned: 25,
            redeemed: 240,
        };
        assert_eq!(mv.net(), -215);
    }
}
