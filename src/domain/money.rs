//! Money as integer minor units, and the currency rules a shop writes amounts with.
//!
//! Every arithmetic operation is checked: an overflow is an error, never a wrapped amount.
//! Rounding is always explicit and half away from zero, the rule cash registers and tax
//! authorities in the region use.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in minor units of the store's currency (centavos for MXN, pesos for COP).
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Money(i64);

/// Why an amount could not be computed or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("the amount is too large")]
    Overflow,
    #[error("'{0}' is not an amount")]
    Invalid(String),
    #[error("'{0}' has more decimals than the currency allows")]
    TooPrecise(String),
    #[error("an amount cannot be negative here")]
    Negative,
}

impl Money {
    pub const ZERO: Money = Money(0);

    /// An amount from minor units.
    pub const fn from_minor(minor: i64) -> Money {
        Money(minor)
    }

    /// The amount in minor units.
    pub const fn minor(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Money)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.0
            .checked_sub(other.0)
            .map(Money)
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        self.0.checked_neg().map(Money).ok_or(MoneyError::Overflow)
    }

    /// `self * num / den`, rounded half away from zero.
    pub fn mul_div(self, num: i64, den: i64) -> Result<Money, MoneyError> {
        let v = round_div(i128::from(self.0) * i128::from(num), i128::from(den))
            .ok_or(MoneyError::Overflow)?;
        i64::try_from(v)
            .map(Money)
            .map_err(|_| MoneyError::Overflow)
    }

    /// Sum of amounts, checked.
    pub fn sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money, MoneyError> {
        items.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

/// `num / den` rounded half away from zero; `None` when `den` is zero or the result overflows.
pub fn round_div(num: i128, den: i128) -> Option<i128> {
    if den == 0 {
        return None;
    }
    let (num, den) = if den < 0 {
        (num.checked_neg()?, den.checked_neg()?)
    } else {
        (num, den)
    };
    let q = num / den;
    let r = num % den;
    // |r| * 2 >= den rounds away from zero.
    if r.checked_abs()?.checked_mul(2)? >= den {
        if num < 0 {
            q.checked_sub(1)
        } else {
            q.checked_add(1)
        }
    } else {
        Some(q)
    }
}

/// The currency of a store: how many decimals its minor unit has, how the shop writes
/// amounts, and the smallest coin cash totals are rounded to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    pub code: String,
    pub decimals: u8,
    pub symbol: String,
    pub thousands: char,
    pub decimal: char,
    /// Cash totals are rounded to a multiple of this many minor units (1 = no rounding).
    pub cash_step: i64,
}

impl Currency {
    /// The currencies caja knows by code. COP rounds cash to 50 pesos, the smallest coin in use.
    /// Colombian pesos: the currency a shop has when nothing says another (a new store's
    /// default, the hub's when no register has reported one).
    pub fn cop() -> Currency {
        Currency {
            code: "COP".into(),
            decimals: 0,
            symbol: "$".into(),
            thousands: '.',
            decimal: ',',
            cash_step: 50,
        }
    }

    pub fn by_code(code: &str) -> Option<Currency> {
        let c = |code: &str, decimals, symbol: &str, thousands, decimal, cash_step| Currency {
            code: code.to_string(),
            decimals,
            symbol: symbol.to_string(),
            thousands,
            decimal,
            cash_step,
        };
        Some(match code.to_ascii_uppercase().as_str() {
            "COP" => Currency::cop(),
            "CLP" => c("CLP", 0, "$", '.', ',', 10),
            "MXN" => c("MXN", 2, "$", ',', '.', 10),
            "USD" => c("USD", 2, "$", ',', '.', 1),
            "PEN" => c("PEN", 2, "S/", ',', '.', 10),
            "ARS" => c("ARS", 2, "$", '.', ',', 1),
            "GTQ" => c("GTQ", 2, "Q", ',', '.', 1),
            "EUR" => c("EUR", 2, "€", '.', ',', 1),
            _ => return None,
        })
    }

    fn scale(&self) -> i64 {
        10i64.pow(u32::from(self.decimals))
    }

    /// Formats as the shop writes it, without symbol: "18.500" (COP), "1,234.50" (MXN).
    pub fn format(&self, m: Money) -> String {
        let scale = self.scale();
        let neg = m.0 < 0;
        let abs = m.0.unsigned_abs();
        let int = abs / scale.unsigned_abs();
        let frac = abs % scale.unsigned_abs();
        let digits = int.to_string();
        let mut out = String::with_capacity(digits.len() + 8);
        if neg {
            out.push('-');
        }
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(self.thousands);
            }
            out.push(ch);
        }
        if self.decimals > 0 {
            out.push(self.decimal);
            out.push_str(&format!(
                "{:0width$}",
                frac,
                width = usize::from(self.decimals)
            ));
        }
        out
    }

    /// Formats with the currency symbol: "$ 18.500".
    pub fn format_symbol(&self, m: Money) -> String {
        format!("{} {}", self.symbol, self.format(m))
    }

    /// The machine form used in CSV exports and sync documents: "3500", "35.50".
    pub fn to_decimal(&self, m: Money) -> String {
        let scale = self.scale().unsigned_abs();
        let sign = if m.0 < 0 { "-" } else { "" };
        let abs = m.0.unsigned_abs();
        if self.decimals == 0 {
            format!("{sign}{abs}")
        } else {
            format!(
                "{sign}{}.{:0w$}",
                abs / scale,
                abs % scale,
                w = usize::from(self.decimals)
            )
        }
    }

    /// Reads the machine form: digits, an optional '.' and decimals. Extra decimals must be
    /// zeros ("3500.00" is 3500 COP); anything finer than the minor unit is refused, never rounded.
    pub fn parse_decimal(&self, s: &str) -> Result<Money, MoneyError> {
        let t = s.trim();
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        self.assemble(s, neg, int, frac)
    }

    /// A quantity as the shop writes numbers: "0,375" where the comma is the decimal mark
    /// (COP), "0.375" where the point is (MXN). No thousands groups: a quantity is never that
    /// large.
    pub fn format_qty(&self, q: crate::domain::qty::Qty) -> String {
        let s = q.to_string();
        if self.decimal == '.' {
            s
        } else {
            s.replace('.', &self.decimal.to_string())
        }
    }

    /// Reads a quantity the way [`Currency::parse_local`] reads an amount: the shop's decimal
    /// mark, thousands groups of three ("1.000" in COP is a thousand, as "20.000" pesos are
    /// twenty thousand), and the machine form ("1.5") when the text is not grouped.
    pub fn parse_qty(
        &self,
        s: &str,
    ) -> Result<crate::domain::qty::Qty, crate::domain::qty::ParseError> {
        use crate::domain::qty::Qty;
        let t = s.trim();
        let (int_part, frac) = match t.rsplit_once(self.decimal) {
            Some((i, f)) => (i, Some(f)),
            None => (t, None),
        };
        let groups: Vec<&str> = int_part.split(self.thousands).collect();
        let grouped = groups.len() == 1
            || (!groups[0].is_empty()
                && groups[0].len() <= 3
                && !groups[0].starts_with('0')
                && groups[1..].iter().all(|g| g.len() == 3));
        let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if grouped && groups.iter().all(|g| digits(g)) && frac.is_none_or(digits) {
            let machine = match frac {
                Some(f) => format!("{}.{f}", groups.concat()),
                None => groups.concat(),
            };
            if let Ok(q) = Qty::parse(&machine) {
                return Ok(q);
            }
        }
        Qty::parse(t)
    }

    /// Reads an amount as the shop writes it ("18.500" in COP, "1,234.50" in MXN), falling back to
    /// the machine form. Thousands groups must have three digits, so "3500.00" in COP is read as
    /// a decimal, not as a group.
    pub fn parse_local(&self, s: &str) -> Result<Money, MoneyError> {
        let t = s.trim().trim_start_matches(self.symbol.as_str()).trim();
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, t),
        };
        let (int_part, frac) = match body.rsplit_once(self.decimal) {
            Some((i, f)) if self.decimals > 0 || f.chars().all(|c| c == '0') => (i, f),
            Some(_) => return self.parse_decimal(s),
            None => (body, ""),
        };
        let groups: Vec<&str> = int_part.split(self.thousands).collect();
        let grouped_ok = groups.len() == 1
            || (!groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3));
        if !grouped_ok {
            return self.parse_decimal(s);
        }
        let int: String = groups.concat();
        match self.assemble(s, neg, &int, frac) {
            Ok(m) => Ok(m),
            Err(MoneyError::TooPrecise(x)) => Err(MoneyError::TooPrecise(x)),
            Err(_) => self.parse_decimal(s),
        }
    }

    fn assemble(
        &self,
        original: &str,
        neg: bool,
        int: &str,
        frac: &str,
    ) -> Result<Money, MoneyError> {
        let invalid = || MoneyError::Invalid(original.trim().to_string());
        if (int.is_empty() && frac.is_empty())
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let d = usize::from(self.decimals);
        let (kept, extra) = if frac.len() > d {
            frac.split_at(d)
        } else {
            (frac, "")
        };
        if extra.bytes().any(|b| b != b'0') {
            return Err(MoneyError::TooPrecise(original.trim().to_string()));
        }
        let int_v: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| MoneyError::Overflow)?
        };
        let mut frac_v: i64 = if kept.is_empty() {
            0
        } else {
            kept.parse().map_err(|_| invalid())?
        };
        for _ in kept.len()..d {
            frac_v *= 10;
        }
        let v = int_v
            .checked_mul(self.scale())
            .and_then(|x| x.checked_add(frac_v))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money(if neg { -v } else { v }))
    }

    /// Rounds an amount due in cash to the currency's smallest coin, half away from zero.
    pub fn round_cash(&self, m: Money) -> Result<Money, MoneyError> {
        if self.cash_step <= 1 {
            return Ok(m);
        }
        let steps =
            round_div(i128::from(m.0), i128::from(self.cash_step)).ok_or(MoneyError::Overflow)?;
        let v = steps
            .checked_mul(i128::from(self.cash_step))
            .ok_or(MoneyError::Overflow)?;
        i64::try_from(v)
            .map(Money)
            .map_err(|_| MoneyError::Overflow)
    }
}

impl fmt::Display for Money {
    /// Minor units, for logs and debugging only; screens and receipts use [`Currency::format`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_currency_is_the_table_s_cop() {
        assert_eq!(Currency::by_code("cop"), Some(Currency::cop()));
        assert_eq!(Currency::cop().cash_step, 50);
    }
    use proptest::prelude::*;

    fn cop() -> Currency {
        Currency::by_code("COP").unwrap()
    }
    fn mxn() -> Currency {
        Currency::by_code("mxn").unwrap()
    }

    #[test]
    fn quantities_read_and_show_as_the_shop_writes_numbers() {
        use crate::domain::qty::Qty;
        let cop = Currency::by_code("COP").unwrap();
        let mxn = Currency::by_code("MXN").unwrap();
        assert_eq!(cop.format_qty(Qty::from_milli(375)), "0,375");
        assert_eq!(cop.format_qty(Qty::from_milli(2000)), "2");
        assert_eq!(mxn.format_qty(Qty::from_milli(1500)), "1.5");
        for (c, typed, milli) in [
            (&cop, "0,375", 375),
            (&cop, "1.000", 1_000_000),
            (&cop, "20.000", 20_000_000),
            (&cop, "1.5", 1500),
            (&cop, "3", 3000),
            (&mxn, "0.375", 375),
            (&mxn, "1,000", 1_000_000),
            (&mxn, "0,375", 375),
        ] {
            assert_eq!(
                c.parse_qty(typed).unwrap().milli(),
                milli,
                "{typed} in {}",
                c.code
            );
        }
        for bad in ["", "0", "-1", "1,2,3", "abc"] {
            assert!(cop.parse_qty(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn colombian_pesos_are_written_with_dot_thousands() {
        assert_eq!(cop().format(Money::from_minor(18_500)), "18.500");
        assert_eq!(cop().format(Money::from_minor(1_234_567)), "1.234.567");
        assert_eq!(cop().format(Money::from_minor(-950)), "-950");
        assert_eq!(
            cop().parse_local("18.500").unwrap(),
            Money::from_minor(18_500)
        );
        assert_eq!(
            cop().parse_local("$ 1.234.567").unwrap(),
            Money::from_minor(1_234_567)
        );
        assert_eq!(
            cop().parse_local("3500.00").unwrap(),
            Money::from_minor(3_500)
        );
        assert_eq!(cop().parse_local("3500").unwrap(), Money::from_minor(3_500));
        assert_eq!(
            cop().parse_local("3500,00").unwrap(),
            Money::from_minor(3_500)
        );
    }

    #[test]
    fn mexican_pesos_have_centavos() {
        assert_eq!(mxn().format(Money::from_minor(3_550)), "35.50");
        assert_eq!(mxn().format(Money::from_minor(123_450)), "1,234.50");
        assert_eq!(
            mxn().parse_local("35.50").unwrap(),
            Money::from_minor(3_550)
        );
        assert_eq!(mxn().parse_local("35.5").unwrap(), Money::from_minor(3_550));
        assert_eq!(
            mxn().parse_local("1,234.50").unwrap(),
            Money::from_minor(123_450)
        );
        assert_eq!(mxn().parse_local(".5").unwrap(), Money::from_minor(50));
        assert_eq!(mxn().to_decimal(Money::from_minor(5)), "0.05");
        assert_eq!(mxn().to_decimal(Money::from_minor(-5)), "-0.05");
    }

    #[test]
    fn amounts_finer_than_the_coin_are_refused_not_rounded() {
        assert_eq!(
            mxn().parse_local("35.505"),
            Err(MoneyError::TooPrecise("35.505".into()))
        );
        assert!(matches!(
            cop().parse_decimal("3500.5"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert_eq!(
            mxn().parse_local("35.500").unwrap(),
            Money::from_minor(3_550)
        );
    }

    #[test]
    fn garbage_is_not_an_amount() {
        for s in [
            "",
            "abc",
            "1.2.3x",
            "--5",
            "12a",
            ".",
            "1 000",
            "9999999999999999999999",
        ] {
            assert!(cop().parse_local(s).is_err(), "{s:?} parsed");
            assert!(mxn().parse_local(s).is_err(), "{s:?} parsed");
        }
    }

    #[test]
    fn cash_rounds_to_the_smallest_coin_half_away_from_zero() {
        let c = cop();
        assert_eq!(
            c.round_cash(Money::from_minor(18_524)).unwrap(),
            Money::from_minor(18_500)
        );
        assert_eq!(
            c.round_cash(Money::from_minor(18_525)).unwrap(),
            Money::from_minor(18_550)
        );
        assert_eq!(
            c.round_cash(Money::from_minor(-25)).unwrap(),
            Money::from_minor(-50)
        );
        assert_eq!(
            Currency::by_code("USD")
                .unwrap()
                .round_cash(Money::from_minor(1))
                .unwrap(),
            Money::from_minor(1)
        );
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert_eq!(
            Money::from_minor(i64::MAX).checked_add(Money::from_minor(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::from_minor(i64::MIN).checked_neg(),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::from_minor(i64::MAX).mul_div(2, 1),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn round_div_is_half_away_from_zero() {
        assert_eq!(round_div(5, 2), Some(3));
        assert_eq!(round_div(-5, 2), Some(-3));
        assert_eq!(round_div(4, 3), Some(1));
        assert_eq!(round_div(-4, 3), Some(-1));
        assert_eq!(round_div(5, -2), Some(-3));
        assert_eq!(round_div(1, 0), None);
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_gives_the_same_amount(v in -1_000_000_000_000i64..1_000_000_000_000, code in prop::sample::select(vec!["COP", "MXN", "USD", "ARS", "EUR"])) {
            let c = Currency::by_code(code).unwrap();
            let m = Money::from_minor(v);
            prop_assert_eq!(c.parse_local(&c.format(m)).unwrap(), m);
            prop_assert_eq!(c.parse_decimal(&c.to_decimal(m)).unwrap(), m);
        }

        #[test]
        fn checked_addition_matches_wide_arithmetic(a in any::<i64>(), b in any::<i64>()) {
            let wide = i128::from(a) + i128::from(b);
            match Money::from_minor(a).checked_add(Money::from_minor(b)) {
                Ok(m) => prop_assert_eq!(i128::from(m.minor()), wide),
                Err(_) => prop_assert!(wide > i128::from(i64::MAX) || wide < i128::from(i64::MIN)),
            }
        }

        #[test]
        fn cash_rounding_moves_less_than_half_a_coin(v in -1_000_000_000i64..1_000_000_000) {
            let c = cop();
            let r = c.round_cash(Money::from_minor(v)).unwrap().minor();
            prop_assert_eq!(r % 50, 0);
            prop_assert!((r - v).abs() <= 25);
        }
    }
}
