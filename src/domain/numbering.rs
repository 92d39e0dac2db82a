//! Document numbers: per register and document type, `PREFIX-NNNNNN`, gap-free, never reused,
//! with the optional authorized range that fiscal contingency resolutions require.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A register's code, which is also the prefix of its documents ("FV1").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RegisterCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberingError {
    #[error(
        "'{0}' is not a register code: 1 to 8 capital letters and digits, starting with a letter"
    )]
    BadCode(String),
    #[error("'{0}' is not a document number")]
    BadNumber(String),
    #[error("number {next} is past the authorized range {from}-{to}; a new resolution is needed")]
    RangeExhausted { next: u64, from: u64, to: u64 },
    #[error("the authorized range {from}-{to} expired on {until}; a new resolution is needed")]
    RangeExpired {
        from: u64,
        to: u64,
        until: NaiveDate,
    },
    #[error("the numbering of this series is exhausted")]
    Overflow,
}

impl RegisterCode {
    pub fn parse(s: &str) -> Result<RegisterCode, NumberingError> {
        let t = s.trim();
        let ok = (1..=8).contains(&t.len())
            && t.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
            && t.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok {
            Ok(RegisterCode(t.to_string()))
        } else {
            Err(NumberingError::BadCode(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegisterCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kinds of document a register issues. The index is stored: append new kinds, never
/// reorder.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DocKind {
    Sale,
    Refund,
    CashMove,
    /// The drawer opened without a sale, under a supervisor's authority.
    NoSale,
    /// A business date opened for selling.
    DayOpen,
    /// A cashier's shift opened with a counted float.
    ShiftOpen,
    /// A cashier's shift closed with a blind cash count.
    ShiftClose,
    /// The Z report: the close of a business date.
    Closing,
    /// A customer created or edited at this register (pushed as `customer:NIT-900173769-1`).
    Customer,
    /// A customer's loyalty points movement for one sale or refund (`points:FV1-000123`).
    Points,
    /// A line taken off a ticket before it was paid (`FV1-AL-000001`, anulación de línea).
    Void,
    /// A ticket cancelled, or a held ticket deleted, unpaid (`FV1-AN-000001`, anulación).
    Cancel,
    /// An open business date that had no sale corrected to another date by a supervisor
    /// (`FV1-CF-000001`, corrección de fecha).
    DayCorrect,
}

impl DocKind {
    pub const ALL: [DocKind; 13] = [
        DocKind::Sale,
        DocKind::Refund,
        DocKind::CashMove,
        DocKind::NoSale,
        DocKind::DayOpen,
        DocKind::ShiftOpen,
        DocKind::ShiftClose,
        DocKind::Closing,
        DocKind::Customer,
        DocKind::Points,
        DocKind::Void,
        DocKind::Cancel,
        DocKind::DayCorrect,
    ];

    /// Position in a document's series counters.
    pub fn index(self) -> usize {
        match self {
            DocKind::Sale => 0,
            DocKind::Refund => 1,
            DocKind::CashMove => 2,
            DocKind::NoSale => 3,
            DocKind::DayOpen => 4,
            DocKind::ShiftOpen => 5,
            DocKind::ShiftClose => 6,
            DocKind::Closing => 7,
            DocKind::Customer => 8,
            DocKind::Points => 9,
            DocKind::Void => 10,
            DocKind::Cancel => 11,
            DocKind::DayCorrect => 12,
        }
    }

    /// The stable type name used in sync documents and `_id`s ("sale:FV1-000001").
    pub fn code(self) -> &'static str {
        match self {
            DocKind::Sale => "sale",
            DocKind::Refund => "refund",
            DocKind::CashMove => "cash",
            DocKind::NoSale => "nosale",
            DocKind::DayOpen => "day_open",
            DocKind::ShiftOpen => "shift_open",
            DocKind::ShiftClose => "shift_close",
            DocKind::Closing => "closing",
            DocKind::Customer => "customer",
            DocKind::Points => "points",
            DocKind::Void => "void",
            DocKind::Cancel => "cancel",
            DocKind::DayCorrect => "day_correct",
        }
    }

    pub fn from_code(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// What stands between the register code and the number: sales have none, so a sale is
    /// "FV1-000123"; a refund (devolución) "FV1-DV-000004"; a cash movement "FV1-MC-000002".
    fn infix(self) -> &'static str {
        match self {
            DocKind::Sale => "",
            DocKind::Refund => "DV-",
            DocKind::CashMove => "MC-",
            DocKind::NoSale => "AC-",
            DocKind::DayOpen => "DA-",
            DocKind::ShiftOpen => "TA-",
            DocKind::ShiftClose => "TC-",
            DocKind::Closing => "Z-",
            DocKind::Customer => "CL-",
            DocKind::Points => "PT-",
            DocKind::Void => "AL-",
            DocKind::Cancel => "AN-",
            DocKind::DayCorrect => "CF-",
        }
    }
}

/// Formats a document number: `FV1-000123`.
pub fn format_number(register: &RegisterCode, kind: DocKind, n: u64) -> String {
    format!("{}-{}{:06}", register.as_str(), kind.infix(), n)
}

/// Reads a document number back into its register, kind and sequence.
pub fn parse_number(s: &str) -> Result<(RegisterCode, DocKind, u64), NumberingError> {
    let bad = || NumberingError::BadNumber(s.to_string());
    let t = s.trim().to_ascii_uppercase();
    let (reg, rest) = t.split_once('-').ok_or_else(bad)?;
    let register = RegisterCode::parse(reg).map_err(|_| bad())?;
    let (kind, digits) = DocKind::ALL
        .into_iter()
        .filter(|k| !k.infix().is_empty())
        .find_map(|k| rest.strip_prefix(k.infix()).map(|d| (k, d)))
        .unwrap_or((DocKind::Sale, rest));
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| bad())?;
    if n == 0 {
        return Err(bad());
    }
    Ok((register, kind, n))
}

/// A numbering range authorized by the tax authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizedRange {
    pub from: u64,
    pub to: u64,
    pub valid_until: NaiveDate,
    /// Warn when this few numbers or fewer remain.
    pub warn_remaining: u64,
}

/// The number the next document of a series takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextNumber {
    pub n: u64,
    /// True when the series jumped forward to the start of a newly authorized range.
    pub opens_range: bool,
    /// Numbers left in the authorized range after this one, when near its end.
    pub remaining_warning: Option<u64>,
}

/// The next number after `last` (0 when the series is new), inside `range` if one is set.
pub fn next_number(
    last: u64,
    range: Option<&AuthorizedRange>,
    today: NaiveDate,
) -> Result<NextNumber, NumberingError> {
    let plain = last.checked_add(1).ok_or(NumberingError::Overflow)?;
    let Some(r) = range else {
        return Ok(NextNumber {
            n: plain,
            opens_range: false,
            remaining_warning: None,
        });
    };
    if today > r.valid_until {
        return Err(NumberingError::RangeExpired {
            from: r.from,
            to: r.to,
            until: r.valid_until,
        });
    }
    let (n, opens_range) = if plain < r.from {
        (r.from, true)
    } else {
        (plain, false)
    };
    if n > r.to {
        return Err(NumberingError::RangeExhausted {
            next: n,
            from: r.from,
            to: r.to,
        });
    }
    let left = r.to - n;
    Ok(NextNumber {
        n,
        opens_range,
        remaining_warning: (left <= r.warn_remaining).then_some(left),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> RegisterCode {
        RegisterCode::parse("FV1").unwrap()
    }
    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn numbers_read_back() {
        assert_eq!(format_number(&reg(), DocKind::Sale, 123), "FV1-000123");
        assert_eq!(format_number(&reg(), DocKind::Refund, 4), "FV1-DV-000004");
        assert_eq!(
            parse_number("fv1-000123").unwrap(),
            (reg(), DocKind::Sale, 123)
        );
        assert_eq!(
            parse_number("FV1-DV-000004").unwrap(),
            (reg(), DocKind::Refund, 4)
        );
        assert_eq!(
            parse_number("FV1-MC-1234567").unwrap(),
            (reg(), DocKind::CashMove, 1_234_567)
        );
        assert_eq!(
            parse_number("FV1-AC-000002").unwrap(),
            (reg(), DocKind::NoSale, 2)
        );
        assert_eq!(
            parse_number("FV1-AL-000003").unwrap(),
            (reg(), DocKind::Void, 3)
        );
        assert_eq!(
            parse_number("FV1-AN-000004").unwrap(),
            (reg(), DocKind::Cancel, 4)
        );
        for bad in [
            "",
            "FV1",
            "FV1-",
            "FV1-0",
            "1FV-000001",
            "FV1-12a",
            "FV1-XX-000001",
        ] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn register_codes_are_short_capitals() {
        assert!(RegisterCode::parse("FV1").is_ok());
        for bad in ["", "fv1", "1FV", "FV-1", "ABCDEFGHI", "FV 1"] {
            assert!(RegisterCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbering_follows_the_authorized_range() {
        let r = AuthorizedRange {
            from: 1_000,
            to: 1_010,
            valid_until: day(30),
            warn_remaining: 3,
        };
        let first = next_number(0, Some(&r), day(22)).unwrap();
        assert_eq!(
            first,
            NextNumber {
                n: 1_000,
                opens_range: true,
                remaining_warning: None
            }
        );
        assert_eq!(
            next_number(1_006, Some(&r), day(22))
                .unwrap()
                .remaining_warning,
            Some(3)
        );
        assert_eq!(
            next_number(1_010, Some(&r), day(22)),
            Err(NumberingError::RangeExhausted {
                next: 1_011,
                from: 1_000,
                to: 1_010
            })
        );
        assert!(matches!(
            next_number(1_001, Some(&r), day(30)),
            Ok(NextNumber { n: 1_002, .. })
        ));
        assert!(matches!(
            next_number(
                1_001,
                Some(&r),
                NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
            ),
            Err(NumberingError::RangeExpired { .. })
        ));
        assert_eq!(next_number(41, None, day(22)).unwrap().n, 42);
        assert_eq!(
            next_number(u64::MAX, None, day(22)),
            Err(NumberingError::Overflow)
        );
    }
}
