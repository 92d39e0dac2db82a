//! Tenders: how a ticket is paid, and the change given back.
//!
//! Rules a register must never break: a payment short of the total is refused; change comes only
//! from cash (a card or transfer is never overpaid); cash is rounded to the smallest coin.

use super::money::{Currency, Money, MoneyError};
use serde::{Deserialize, Serialize};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TenderKind {
    Cash,
    Card,
    Transfer,
    Other,
    /// Loyalty points, at the shop's point value; the reference says how many.
    Points,
}

impl TenderKind {
    /// The stable name used in documents, CSV and sync.
    pub fn code(self) -> &'static str {
        match self {
            TenderKind::Cash => "cash",
            TenderKind::Card => "card",
            TenderKind::Transfer => "transfer",
            TenderKind::Other => "other",
            TenderKind::Points => "points",
        }
    }

    pub fn from_code(s: &str) -> Option<TenderKind> {
        [
            TenderKind::Cash,
            TenderKind::Card,
            TenderKind::Transfer,
            TenderKind::Other,
            TenderKind::Points,
        ]
        .into_iter()
        .find(|k| k.code() == s)
    }
}

/// One payment toward a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tender {
    pub kind: TenderKind,
    pub amount: Money,
    /// Card voucher, transfer confirmation, and the like.
    pub reference: Option<String>,
}

impl Tender {
    pub fn cash(amount: Money) -> Tender {
        Tender {
            kind: TenderKind::Cash,
            amount,
            reference: None,
        }
    }
}

/// A ticket fully paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// Cash given back.
    pub change: Money,
    /// What cash rounding added to (positive) or took from (negative) the total.
    pub rounding: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenderError {
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("a tender must be a positive amount")]
    NotPositive,
    #[error("card, transfer and other tenders cannot exceed what is due; only cash gives change")]
    NonCashOverpays,
    #[error("payment is short by {missing}")]
    Short { missing: Money },
}

/// What is still due after `tenders`, before cash rounding (never below zero).
pub fn remaining(total: Money, tenders: &[Tender]) -> Result<Money, MoneyError> {
    let paid = Money::sum(tenders.iter().map(|t| t.amount))?;
    let r = total.checked_sub(paid)?;
    Ok(if r.is_negative() { Money::ZERO } else { r })
}

/// Settles a ticket of `total` with `tenders`, or says why it cannot.
pub fn settle(
    total: Money,
    tenders: &[Tender],
    currency: &Currency,
) -> Result<Settlement, TenderError> {
    if tenders.iter().any(|t| !t.amount.is_positive()) {
        return Err(TenderError::NotPositive);
    }
    let non_cash = Money::sum(
        tenders
            .iter()
            .filter(|t| t.kind != TenderKind::Cash)
            .map(|t| t.amount),
    )?;
    let cash = Money::sum(
        tenders
            .iter()
            .filter(|t| t.kind == TenderKind::Cash)
            .map(|t| t.amount),
    )?;
    if non_cash > total {
        return Err(TenderError::NonCashOverpays);
    }
    let due_in_cash = total.checked_sub(non_cash)?;
    if cash.is_zero() {
        if due_in_cash.is_zero() {
            return Ok(Settlement {
                change: Money::ZERO,
                rounding: Money::ZERO,
            });
        }
        return Err(TenderError::Short {
            missing: due_in_cash,
        });
    }
    let rounded = currency.round_cash(due_in_cash)?;
    if cash < rounded {
        return Err(TenderError::Short {
            missing: rounded.checked_sub(cash)?,
        });
    }
    Ok(Settlement {
        change: cash.checked_sub(rounded)?,
        rounding: rounded.checked_sub(due_in_cash)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cop() -> Currency {
        Currency::by_code("COP").unwrap()
    }
    fn m(v: i64) -> Money {
        Money::from_minor(v)
    }
    fn t(kind: TenderKind, v: i64) -> Tender {
        Tender {
            kind,
            amount: m(v),
            reference: None,
        }
    }

    #[test]
    fn cash_gives_change_rounded_to_the_coin() {
        let s = settle(m(18_520), &[Tender::cash(m(20_000))], &cop()).unwrap();
        assert_eq!(
            s,
            Settlement {
                change: m(1_500),
                rounding: m(-20)
            }
        );
    }

    #[test]
    fn mixed_card_and_cash() {
        let s = settle(
            m(35_000),
            &[t(TenderKind::Card, 20_000), Tender::cash(m(20_000))],
            &cop(),
        )
        .unwrap();
        assert_eq!(s.change, m(5_000));
    }

    #[test]
    fn a_card_is_never_overpaid() {
        assert_eq!(
            settle(m(10_000), &[t(TenderKind::Card, 10_050)], &cop()),
            Err(TenderError::NonCashOverpays)
        );
    }

    #[test]
    fn a_short_payment_is_refused_and_says_how_much() {
        assert_eq!(
            settle(m(10_000), &[Tender::cash(m(9_000))], &cop()),
            Err(TenderError::Short { missing: m(1_000) })
        );
        assert_eq!(
            settle(m(10_000), &[t(TenderKind::Transfer, 9_000)], &cop()),
            Err(TenderError::Short { missing: m(1_000) })
        );
        assert_eq!(
            settle(m(10_000), &[], &cop()),
            Err(TenderError::Short { missing: m(10_000) })
        );
    }

    #[test]
    fn zero_or_negative_tenders_are_refused() {
        assert_eq!(
            settle(m(100), &[Tender::cash(m(0))], &cop()),
            Err(TenderError::NotPositive)
        );
        assert_eq!(
            settle(m(100), &[Tender::cash(m(-100))], &cop()),
            Err(TenderError::NotPositive)
        );
    }

    fn arb_tender() -> impl Strategy<Value = Tender> {
        (
            prop::sample::select(vec![
                TenderKind::Cash,
                TenderKind::Card,
                TenderKind::Transfer,
                TenderKind::Other,
            ]),
            1i64..200_000,
        )
            .prop_map(|(k, a)| t(k, a))
    }

    proptest! {
        #[test]
        fn settled_payments_cover_the_total_and_change_comes_from_cash(total in 0i64..500_000, tenders in prop::collection::vec(arb_tender(), 0..5)) {
            let c = cop();
            if let Ok(s) = settle(m(total), &tenders, &c) {
                let paid: i64 = tenders.iter().map(|x| x.amount.minor()).sum();
                let cash: i64 = tenders.iter().filter(|x| x.kind == TenderKind::Cash).map(|x| x.amount.minor()).sum();
                prop_assert!(s.change.minor() >= 0);
                prop_assert!(s.change.minor() <= cash);
                prop_assert_eq!(paid - s.change.minor(), total + s.rounding.minor());
                prop_assert!(s.rounding.minor().abs() <= c.cash_step / 2);
                if cash == 0 { prop_assert_eq!(s.rounding, Money::ZERO); }
            } else {
                let non_cash: i64 = tenders.iter().filter(|x| x.kind != TenderKind::Cash).map(|x| x.amount.minor()).sum();
                let paid: i64 = tenders.iter().map(|x| x.amount.minor()).sum();
                prop_assert!(non_cash > total || paid < c.round_cash(m(total - non_cash)).unwrap().minor() + non_cash || paid < total);
            }
        }
    }
}
