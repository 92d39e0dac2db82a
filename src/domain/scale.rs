//! Labels from a deli scale: EAN-13 barcodes that carry the item and its weight or price, read
//! by a nomenclature the shop configures (as Odoo's): a prefix, the item's code, the value,
//! then the check digit. "20 00123 00375 c" is item 00123, 0,375 kg.

use super::money::Money;
use super::qty::Qty;

/// What a label's value is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LabelValue {
    /// The weight, in kilograms with `decimals` decimals.
    Weight,
    /// The price of the portion, in the currency's units with `decimals` decimals.
    Price,
}

/// One kind of label: EAN-13 codes starting with `prefix`, then `item_digits` digits of the
/// item's code, then the value in the digits left before the check digit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelRule {
    pub prefix: String,
    pub item_digits: usize,
    pub value: LabelValue,
    pub decimals: u32,
}

/// What a label says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    Weight { item: String, qty: Qty },
    Price { item: String, amount: Money },
}

impl Label {
    pub fn item(&self) -> &str {
        match self {
            Label::Weight { item, .. } | Label::Price { item, .. } => item,
        }
    }
}

/// The check digit an EAN-13 ends with, for its first twelve digits.
pub fn ean13_check(first12: &[u8]) -> u8 {
    let sum: u32 = first12
        .iter()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 1 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Why a label rule cannot be.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("prefix \"{0}\" is not digits")]
    Prefix(String),
    #[error("prefix \"{prefix}\" and {item_digits} item digits leave no digit for the value")]
    NoValueDigits { prefix: String, item_digits: usize },
    #[error("{decimals} decimals do not fit {value_digits} value digits (at most {most})")]
    Decimals {
        decimals: u32,
        value_digits: usize,
        most: u32,
    },
}

impl LabelRule {
    /// The value's digits, or why the rule cannot be.
    pub fn check(&self) -> Result<usize, RuleError> {
        if self.prefix.is_empty() || !self.prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RuleError::Prefix(self.prefix.clone()));
        }
        let used = self.prefix.len() + self.item_digits;
        if self.item_digits == 0 || used >= 12 {
            return Err(RuleError::NoValueDigits {
                prefix: self.prefix.clone(),
                item_digits: self.item_digits,
            });
        }
        let value_digits = 12 - used;
        let most = match self.value {
            LabelValue::Weight => 3,
            LabelValue::Price => 4,
        };
        if self.decimals as usize > value_digits || self.decimals > most {
            return Err(RuleError::Decimals {
                decimals: self.decimals,
                value_digits,
                most,
            });
        }
        Ok(value_digits)
    }

    /// Reads `code` by this rule: None unless it is an EAN-13 with this prefix and a right
    /// check digit. `money_decimals` are the currency's.
    pub fn read(&self, code: &str, money_decimals: u8) -> Option<Label> {
        let b = code.as_bytes();
        if b.len() != 13 || !b.iter().all(u8::is_ascii_digit) || !code.starts_with(&self.prefix) {
            return None;
        }
        if ean13_check(&b[..12]) != b[12] - b'0' {
            return None;
        }
        self.check().ok()?;
        let item_end = self.prefix.len() + self.item_digits;
        let item = code[self.prefix.len()..item_end].to_string();
        let value: i64 = code[item_end..12].parse().ok()?;
        match self.value {
            LabelValue::Weight => {
                let qty = value.checked_mul(10i64.pow(3 - self.decimals))?;
                (qty > 0).then(|| Label::Weight {
                    item,
                    qty: Qty::from_milli(qty),
                })
            }
            LabelValue::Price => {
                let md = u32::from(money_decimals);
                let minor = if md >= self.decimals {
                    value.checked_mul(10i64.pow(md - self.decimals))?
                } else {
                    let div = 10i64.pow(self.decimals - md);
                    // A fraction of the currency's smallest unit is no price.
                    (value % div == 0).then_some(value / div)?
                };
                (minor > 0).then(|| Label::Price {
                    item,
                    amount: Money::from_minor(minor),
                })
            }
        }
    }
}

/// The first rule that reads `code`.
pub fn read(rules: &[LabelRule], code: &str, money_decimals: u8) -> Option<Label> {
    rules.iter().find_map(|r| r.read(code, money_decimals))
}

/// Why a code shaped as a scale's label (an EAN-13 with a label's prefix) reads as none, so
/// that the cashier hears what is wrong with it rather than "unknown code".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelProblem {
    /// The last digit is not the check digit of the first twelve: a misread or mistyped code.
    CheckDigit { expected: u8 },
    /// A weight or a price of zero (a scale that printed before the goods were on it).
    Zero,
}

/// What is wrong with `code` as a label of `rules`; None when it reads, or is no label's shape.
pub fn why_not(rules: &[LabelRule], code: &str, money_decimals: u8) -> Option<LabelProblem> {
    if read(rules, code, money_decimals).is_some() {
        return None;
    }
    let b = code.as_bytes();
    let rule = rules.iter().find(|r| {
        b.len() == 13
            && b.iter().all(u8::is_ascii_digit)
            && code.starts_with(&r.prefix)
            && r.check().is_ok()
    })?;
    let expected = ean13_check(&b[..12]);
    if expected != b[12] - b'0' {
        return Some(LabelProblem::CheckDigit { expected });
    }
    let item_end = rule.prefix.len() + rule.item_digits;
    match code[item_end..12].parse::<i64>() {
        Ok(0) => Some(LabelProblem::Zero),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ean(first12: &str) -> String {
        format!("{first12}{}", ean13_check(first12.as_bytes()))
    }

    fn weight() -> LabelRule {
        LabelRule {
            prefix: "20".into(),
            item_digits: 5,
            value: LabelValue::Weight,
            decimals: 3,
        }
    }

    #[test]
    fn a_label_that_does_not_read_says_why() {
        let rules = [weight()];
        // The example of the docs, with its right check digit.
        assert!(read(&rules, "2000123003757", 0).is_some());
        assert_eq!(
            why_not(&rules, "2000123003755", 0),
            Some(LabelProblem::CheckDigit { expected: 7 })
        );
        assert_eq!(
            why_not(&rules, &ean("200012300000"), 0),
            Some(LabelProblem::Zero)
        );
        assert_eq!(why_not(&rules, "7702001000066", 0), None);
        assert_eq!(why_not(&rules, "2000123003757", 0), None);
    }

    #[test]
    fn check_digit_of_known_codes() {
        assert_eq!(ean13_check(b"590123412345"), 7);
        assert_eq!(ean13_check(b"400638133393"), 1);
    }

    #[test]
    fn a_weight_label_gives_the_item_and_the_kilograms() {
        let code = ean("200012300375");
        assert_eq!(
            weight().read(&code, 0),
            Some(Label::Weight {
                item: "00123".into(),
                qty: Qty::from_milli(375)
            })
        );
    }

    #[test]
    fn a_price_label_in_pesos_and_in_cents() {
        let r = LabelRule {
            prefix: "21".into(),
            item_digits: 4,
            value: LabelValue::Price,
            decimals: 0,
        };
        assert_eq!(
            r.read(&ean("210042011250"), 0),
            Some(Label::Price {
                item: "0042".into(),
                amount: Money::from_minor(11_250)
            })
        );
        let cents = LabelRule { decimals: 2, ..r };
        // 112,50 in a two-decimal currency; in pesos 112,50 is no price.
        assert_eq!(
            cents.read(&ean("210042011250"), 2),
            Some(Label::Price {
                item: "0042".into(),
                amount: Money::from_minor(11_250)
            })
        );
        assert_eq!(cents.read(&ean("210042011250"), 0), None);
        assert_eq!(
            cents
                .read(&ean("210042011200"), 0)
                .map(|l| l.item().to_string()),
            Some("0042".into())
        );
    }

    #[test]
    fn wrong_check_digit_prefix_length_or_zero_is_no_label() {
        let good = ean("200012300375");
        let mut bad = good.clone().into_bytes();
        bad[12] = b'0' + (bad[12] - b'0' + 1) % 10;
        assert_eq!(weight().read(&String::from_utf8(bad).unwrap(), 0), None);
        assert_eq!(weight().read(&ean("210012300375"), 0), None);
        assert_eq!(weight().read(&good[..12], 0), None);
        assert_eq!(weight().read(&ean("200012300000"), 0), None);
        assert_eq!(weight().read("20001230037x5", 0), None);
    }

    #[test]
    fn rules_that_cannot_be_are_refused() {
        let mut r = weight();
        r.item_digits = 10;
        assert!(r.check().is_err());
        r.item_digits = 5;
        r.decimals = 4;
        assert!(r.check().is_err());
        r.decimals = 3;
        r.prefix = "2x".into();
        assert!(r.check().is_err());
        assert_eq!(weight().check(), Ok(5));
    }
}
