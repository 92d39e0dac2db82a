//! The business date: which date the register sells on, and when opening one needs a
//! supervisor. The register sells on its open business date, not on the wall clock: a day that
//! runs past midnight stays one business date until its close (Z).

use super::document::RegisterReason;
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

/// Why opening the offered date needs a supervisor: said on the opening screen and recorded
/// as the override's reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// The store has never opened a date: nothing but the clock says which date it is.
    FirstDate,
    /// More than one day after the last close.
    Gap { closed: NaiveDate },
    /// The clock is not past the last close (it is wrong, or the shop closed early and opens
    /// again the same night).
    ClosedToday { closed: NaiveDate },
    /// The server's clock (the sync's `Date` header) says another date than this machine's.
    ServerDate { server: NaiveDate, clock: NaiveDate },
}

impl Why {
    /// The override's reason as stored in the document (English, worded for people at the edge).
    pub fn reason(self) -> RegisterReason {
        match self {
            Why::FirstDate => RegisterReason::FirstBusinessDate,
            Why::Gap { .. } | Why::ClosedToday { .. } => RegisterReason::DateOutOfSequence,
            Why::ServerDate { .. } => RegisterReason::ServerClock,
        }
    }
}

/// The date offered when no business date is open, and whether a supervisor must confirm it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub date: NaiveDate,
    /// None: the day after the last close by the clock, opened freely.
    pub why: Option<Why>,
}

impl Proposal {
    pub fn rule(&self) -> DayRule {
        if self.why.is_some() {
            DayRule::NeedsSupervisor
        } else {
            DayRule::Next
        }
    }
}

/// The date to offer when no business date is open: the clock's date, or the day after the
/// last close when the clock is not past it. `server` is today's date by the server's clock,
/// when a sync has seen it and it differs from this machine's by more than a little: its date
/// is offered instead. A supervisor confirms the first date a store ever opens (nothing but the
/// clock vouches for it), a gap after the last close, a clock that is not past the last close
/// and a clock that disagrees with the server.
pub fn propose(closed: Option<NaiveDate>, today: NaiveDate, server: Option<NaiveDate>) -> Proposal {
    let by_clock = |today: NaiveDate| -> Proposal {
        let Some(closed) = closed else {
            return Proposal {
                date: today,
                why: Some(Why::FirstDate),
            };
        };
        match closed.succ_opt() {
            Some(next) if today < next => Proposal {
                date: next,
                why: Some(Why::ClosedToday { closed }),
            },
            _ => Proposal {
                date: today,
                why: (check_open(Some(closed), today) != Ok(DayRule::Next))
                    .then_some(Why::Gap { closed }),
            },
        }
    };
    match server {
        Some(s) if s != today => {
            let base = by_clock(s);
            let why = Some(Why::ServerDate {
                server: s,
                clock: today,
            });
            // The server's date, unless it is closed already (then the day after the close).
            Proposal {
                date: base.date,
                why,
            }
        }
        _ => by_clock(today),
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

    fn p(date: &str, why: Option<Why>) -> Proposal {
        Proposal { date: d(date), why }
    }

    #[test]
    fn proposals_follow_the_clock_but_never_go_back() {
        // The first date a store opens: only the clock vouches for it.
        assert_eq!(
            propose(None, d("2027-12-07"), None),
            p("2027-12-07", Some(Why::FirstDate))
        );
        assert_eq!(
            propose(Some(d("2026-11-21")), d("2026-11-22"), None),
            p("2026-11-22", None)
        );
        let closed = d("2026-11-22");
        // Closed tonight, still the same date on the clock: tomorrow, confirmed.
        assert_eq!(
            propose(Some(closed), d("2026-11-22"), None),
            p("2026-11-23", Some(Why::ClosedToday { closed }))
        );
        // The clock went back a week.
        assert_eq!(
            propose(Some(closed), d("2026-11-15"), None),
            p("2026-11-23", Some(Why::ClosedToday { closed }))
        );
        let closed = d("2026-11-20");
        assert_eq!(
            propose(Some(closed), d("2026-11-23"), None),
            p("2026-11-23", Some(Why::Gap { closed }))
        );
    }

    #[test]
    fn the_servers_date_is_offered_when_the_clock_disagrees_and_a_supervisor_confirms() {
        let why = |server: &str, clock: &str| {
            Some(Why::ServerDate {
                server: d(server),
                clock: d(clock),
            })
        };
        // A clock a year ahead, a server that knows better: the server's date.
        assert_eq!(
            propose(None, d("2027-12-07"), Some(d("2026-12-07"))),
            p("2026-12-07", why("2026-12-07", "2027-12-07"))
        );
        assert_eq!(
            propose(
                Some(d("2026-12-06")),
                d("2027-12-07"),
                Some(d("2026-12-07"))
            ),
            p("2026-12-07", why("2026-12-07", "2027-12-07"))
        );
        // The server's date is closed already: the day after the close, still confirmed.
        assert_eq!(
            propose(
                Some(d("2026-12-07")),
                d("2027-12-07"),
                Some(d("2026-12-07"))
            ),
            p("2026-12-08", why("2026-12-07", "2027-12-07"))
        );
        // The server agrees: nothing to confirm.
        assert_eq!(
            propose(
                Some(d("2026-12-06")),
                d("2026-12-07"),
                Some(d("2026-12-07"))
            ),
            p("2026-12-07", None)
        );
    }
}
