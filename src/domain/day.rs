//! The business date: which date the register sells on, and when opening one needs a
//! supervisor. The register sells on its open business date, not on the wall clock: a day that
//! runs past midnight stays one business date until its close (Z).

use chrono::NaiveDate;

/// How opening a date relates to the last close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayRule {
    /// The day after the last close, or the first date ever.
    Next,
    /// More than one day after the last close (a weekend, a holiday, or a wrong clock).
    NeedsSupervisor,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DayError {
    #[error("business date {date} is closed; the last close of day was {closed}")]
    Closed { date: NaiveDate, closed: NaiveDate },
}

/// May `date` open after the last close `closed`?
pub fn check_open(closed: Option<NaiveDate>, date: NaiveDate) -> Result<DayRule, DayError> {
    let Some(closed) = closed else {
        return Ok(DayRule::Next);
    };
    if date <= closed {
        return Err(DayError::Closed { date, closed });
    }
    Ok(if closed.succ_opt() == Some(date) {
        DayRule::Next
    } else {
        DayRule::NeedsSupervisor
    })
}

/// The date to offer when no business date is open: the clock's date, or the day after the
/// last close when the clock is not past it (the clock is then wrong, or the shop closed early
/// and opens again the same night: either way a supervisor confirms).
pub fn propose(closed: Option<NaiveDate>, today: NaiveDate) -> (NaiveDate, DayRule) {
    let next = closed.and_then(|c| c.succ_opt());
    match next {
        Some(n) if today < n => (n, DayRule::NeedsSupervisor),
        _ => match check_open(closed, today) {
            Ok(rule) => (today, rule),
            Err(_) => (today, DayRule::NeedsSupervisor),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_day_after_the_close_opens_freely() {
        assert_eq!(check_open(None, d("2026-11-22")), Ok(DayRule::Next));
        assert_eq!(
            check_open(Some(d("2026-11-21")), d("2026-11-22")),
            Ok(DayRule::Next)
        );
        assert_eq!(
            check_open(Some(d("2026-12-31")), d("2027-01-01")),
            Ok(DayRule::Next)
        );
    }

    #[test]
    fn a_closed_or_earlier_date_is_refused() {
        assert!(check_open(Some(d("2026-11-22")), d("2026-11-22")).is_err());
        assert!(check_open(Some(d("2026-11-22")), d("2026-11-01")).is_err());
    }

    #[test]
    fn a_gap_needs_a_supervisor() {
        assert_eq!(
            check_open(Some(d("2026-11-20")), d("2026-11-23")),
            Ok(DayRule::NeedsSupervisor)
        );
    }

    #[test]
    fn proposals_follow_the_clock_but_never_go_back() {
        assert_eq!(
            propose(None, d("2026-11-22")),
            (d("2026-11-22"), DayRule::Next)
        );
        assert_eq!(
            propose(Some(d("2026-11-21")), d("2026-11-22")),
            (d("2026-11-22"), DayRule::Next)
        );
        // Closed tonight, still the same date on the clock: tomorrow, confirmed.
        assert_eq!(
            propose(Some(d("2026-11-22")), d("2026-11-22")),
            (d("2026-11-23"), DayRule::NeedsSupervisor)
        );
        // The clock went back a week.
        assert_eq!(
            propose(Some(d("2026-11-22")), d("2026-11-15")),
            (d("2026-11-23"), DayRule::NeedsSupervisor)
        );
        assert_eq!(
            propose(Some(d("2026-11-20")), d("2026-11-23")),
            (d("2026-11-23"), DayRule::NeedsSupervisor)
        );
    }
}
