//! Quantities with up to three decimals (weighed goods), and tax rates in basis points.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A quantity in thousandths: 1 unit is 1000, 0.375 kg is 375.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Qty(i64);

/// A tax rate in basis points: 19 % is 1900.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TaxRate(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("'{0}' is not a quantity (up to 3 decimals, greater than zero)")]
    Qty(String),
    #[error("'{0}' is not a tax rate (a percentage from 0 to 100 with up to 2 decimals)")]
    Rate(String),
}

/// Reads "12", "1.5" or "0,375" into an integer scaled by 10^`decimals`.
fn parse_scaled(s: &str, decimals: u32) -> Option<i64> {
    let t = s.trim();
    let (int, frac) = match t.split_once(['.', ',']) {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if (int.is_empty() && frac.is_empty())
        || int.len() > 12
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > decimals as usize {
        return None;
    }
    let int_v: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut frac_v: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..decimals as usize {
        frac_v *= 10;
    }
    int_v.checked_mul(10i64.pow(decimals))?.checked_add(frac_v)
}

fn format_scaled(v: i64, decimals: u32) -> String {
    let scale = 10i64.pow(decimals);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let int = a / scale.unsigned_abs();
    let frac = a % scale.unsigned_abs();
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let f = format!("{:0w$}", frac, w = decimals as usize);
        format!("{sign}{int}.{}", f.trim_end_matches('0'))
    }
}

impl Qty {
    pub const ONE: Qty = Qty(1000);

    pub const fn from_milli(m: i64) -> Qty {
        Qty(m)
    }

    pub const fn milli(self) -> i64 {
        self.0
    }

    pub fn units(n: i64) -> Option<Qty> {
        n.checked_mul(1000).map(Qty)
    }

    /// Reads what a cashier types: "3", "1.5", "0,375". Zero and negatives are refused.
    pub fn parse(s: &str) -> Result<Qty, ParseError> {
        match parse_scaled(s, 3) {
            Some(v) if v > 0 && v <= 1_000_000_000 => Ok(Qty(v)),
            _ => Err(ParseError::Qty(s.trim().to_string())),
        }
    }

    /// A whole number of units (no fraction).
    pub fn is_whole(self) -> bool {
        self.0 % 1000 == 0
    }

    pub fn checked_add(self, o: Qty) -> Option<Qty> {
        self.0.checked_add(o.0).map(Qty)
    }

    pub fn checked_sub(self, o: Qty) -> Option<Qty> {
        self.0.checked_sub(o.0).map(Qty)
    }
}

impl fmt::Display for Qty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_scaled(self.0, 3))
    }
}

impl TaxRate {
    pub const ZERO: TaxRate = TaxRate(0);

    pub const fn from_bp(bp: u32) -> TaxRate {
        TaxRate(bp)
    }

    pub const fn bp(self) -> u32 {
        self.0
    }

    /// Reads a percentage: "19", "8.5", "0".
    pub fn parse_percent(s: &str) -> Result<TaxRate, ParseError> {
        match parse_scaled(s.trim().trim_end_matches('%'), 2) {
            Some(v) if (0..=10_000).contains(&v) => Ok(TaxRate(v as u32)),
            _ => Err(ParseError::Rate(s.trim().to_string())),
        }
    }
}

impl fmt::Display for TaxRate {
    /// The percentage as the shop writes it: "19", "8.5".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_scaled(i64::from(self.0), 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cashier_quantities() {
        assert_eq!(Qty::parse("3").unwrap(), Qty::from_milli(3000));
        assert_eq!(Qty::parse("1.5").unwrap(), Qty::from_milli(1500));
        assert_eq!(Qty::parse("0,375").unwrap(), Qty::from_milli(375));
        assert_eq!(Qty::parse("2.000").unwrap(), Qty::from_milli(2000));
        for bad in ["0", "-1", "1.2345", "abc", "", "1e3", "99999999999999"] {
            assert!(Qty::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Qty::from_milli(1500).to_string(), "1.5");
        assert_eq!(Qty::from_milli(2000).to_string(), "2");
        assert_eq!(Qty::from_milli(375).to_string(), "0.375");
    }

    #[test]
    fn tax_rates_are_percentages() {
        assert_eq!(TaxRate::parse_percent("19").unwrap().bp(), 1900);
        assert_eq!(TaxRate::parse_percent("8.5").unwrap().bp(), 850);
        assert_eq!(TaxRate::parse_percent("16%").unwrap().bp(), 1600);
        assert_eq!(TaxRate::parse_percent("0").unwrap().bp(), 0);
        for bad in ["101", "-5", "8.555", "x"] {
            assert!(TaxRate::parse_percent(bad).is_err(), "{bad}");
        }
        assert_eq!(TaxRate::from_bp(850).to_string(), "8.5");
        assert_eq!(TaxRate::from_bp(1900).to_string(), "19");
    }
}
