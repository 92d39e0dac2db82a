//! The business day and the cashiers' shifts: opening a date, opening a shift with a float,
//! closing it with a blind count, X reports, and the close of day (Z) that locks the date.
//!
//! State lives in the chain (the documents) and, for quick answers, in two meta keys and the
//! `shifts_v1` table, written only in the transactions that open or close something.

use super::docs::{
    Committed, DocHeader, GivenUp, closed_through, decode_doc, first_dated, last_doc,
};
use super::tables::{DOCS, HELD, META, SHIFTS, meta_keys};
use super::{Refusal, Store, StoreError};
use crate::domain::day::{DayError, DayRule, check_open};
use crate::domain::document::{
    BusinessDate, ClosingBody, DayCorrectBody, DayOpenBody, DocBody, Override, SealedDocument,
    ShiftCloseBody, ShiftOpenBody,
};
use crate::domain::money::Money;
use crate::domain::report::{Report, ReportBuilder};
use chrono::NaiveDate;
use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction};

/// Where the register stands: the last date closed and the date open for selling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayState {
    pub closed_through: Option<NaiveDate>,
    pub open: Option<NaiveDate>,
}

/// A shift open at the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenShift {
    pub cashier: String,
    pub seq: u64,
    pub number: String,
    pub float: Money,
}

pub(super) fn date_of(v: Option<redb::AccessGuard<'_, &'static [u8]>>) -> Option<BusinessDate> {
    v.and_then(|v| <[u8; 4]>::try_from(v.value()).ok())
        .map(|b| BusinessDate::from_days(i32::from_le_bytes(b)))
}

fn open_day_in(tx: &WriteTransaction) -> Result<Option<BusinessDate>, StoreError> {
    let meta = tx.open_table(META)?;
    let v = meta.get(meta_keys::OPEN_DAY)?;
    Ok(date_of(v))
}

fn set_date(tx: &WriteTransaction, key: &str, d: Option<BusinessDate>) -> Result<(), StoreError> {
    let mut meta = tx.open_table(META)?;
    match d {
        Some(d) => {
            meta.insert(key, d.days().to_le_bytes().as_slice())?;
        }
        None => {
            meta.remove(key)?;
        }
    }
    Ok(())
}

/// Adds up the documents from `from_seq` on that `keep` selects, reading through `docs`, leaving
/// out what date corrections gave up.
fn report_from(
    docs: &impl ReadableTable<u64, &'static [u8]>,
    from_seq: u64,
    given_up: &GivenUp,
    mut keep: impl FnMut(&crate::domain::document::Document) -> Option<bool>,
) -> Result<ReportBuilder, StoreError> {
    let mut b = ReportBuilder::new();
    for row in docs.range(from_seq..)? {
        let (k, v) = row?;
        if given_up.holds(k.value()) {
            continue;
        }
        let d = decode_doc(v.value(), k.value())?;
        match keep(&d.doc) {
            Some(true) => b.add(&d.doc)?,
            Some(false) => {}
            None => break,
        }
    }
    Ok(b)
}

/// The chain's last seq and what date corrections gave up in it.
fn chain_of(
    docs: &impl ReadableTable<u64, &'static [u8]>,
) -> Result<Option<(u64, GivenUp)>, StoreError> {
    let Some((last, d)) = last_doc(docs)? else {
        return Ok(None);
    };
    Ok(Some((last, GivenUp::of(docs, &d)?)))
}

fn day_builder(
    docs: &impl ReadableTable<u64, &'static [u8]>,
    date: BusinessDate,
) -> Result<ReportBuilder, StoreError> {
    let Some((last, given_up)) = chain_of(docs)? else {
        return Ok(ReportBuilder::new());
    };
    let start = first_dated(docs, last, date, &given_up)?.unwrap_or(last + 1);
    report_from(docs, start, &given_up, |d| {
        match d.business_date.cmp(&date) {
            std::cmp::Ordering::Equal => Some(true),
            std::cmp::Ordering::Less => Some(false),
            // Past the date: stop.
            std::cmp::Ordering::Greater => None,
        }
    })
}

fn shift_builder(
    docs: &impl ReadableTable<u64, &'static [u8]>,
    open_seq: u64,
    cashier: &str,
) -> Result<ReportBuilder, StoreError> {
    // The shift's own documents, its opening too when a date correction gave that date up; a
    // correction the cashier made carries every open shift's float into the day, not into this
    // shift.
    report_from(docs, open_seq, &GivenUp::default(), |d| {
        Some(d.cashier == cashier && !matches!(d.body, DocBody::DayCorrect(_)))
    })
}

/// Whether `date` may open after the last close: a closed or earlier date is refused.
fn may_open(closed: Option<BusinessDate>, date: NaiveDate) -> Result<DayRule, StoreError> {
    check_open(closed.map(BusinessDate::to_date), date).map_err(
        |DayError::Closed { date, closed }| StoreError::DateClosed {
            given: date.to_string(),
            closed: closed.to_string(),
        },
    )
}

impl Store {
    /// The transaction that opens or closes a date or a shift: durable at once, and quick to
    /// repair after a cut.
    fn day_tx(&self) -> Result<WriteTransaction, StoreError> {
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        Ok(tx)
    }

    /// Opens `header.business_date` for selling. A date more than one day after the last
    /// closed one needs a supervisor's override; an earlier or closed date is refused.
    pub fn open_day(
        &self,
        header: &DocHeader,
        overrides: Vec<Override>,
    ) -> Result<Committed, StoreError> {
        let date = BusinessDate::from_date(header.business_date);
        let tx = self.day_tx()?;
        if let Some(open) = open_day_in(&tx)? {
            return Err(Refusal::DayAlreadyOpen {
                open: open.to_string(),
            }
            .into());
        }
        let closed = closed_through(&tx)?;
        if may_open(closed, header.business_date)? == DayRule::NeedsSupervisor
            && overrides.is_empty()
        {
            return Err(Refusal::DayNeedsSupervisor {
                date: date.to_string(),
            }
            .into());
        }
        let body = DayOpenBody {
            after: closed,
            overrides,
        };
        let c = self.append(&tx, header, DocBody::DayOpen(body))?;
        set_date(&tx, meta_keys::OPEN_DAY, Some(date))?;
        let outbox = self.finish(tx, super::durable::Mode::Both)?;
        Ok(c.with_outbox(outbox))
    }

    /// Moves the open business date, which has no sale yet, to `header.business_date` (a
    /// supervisor's correction of a date opened under a wrong clock). The documents of the wrong
    /// date keep it; the correction is a document of the new date that names them, and the
    /// floats of the shifts open move with it. Refused when the open date has a document other
    /// than its opening and shift openings, or the new date is closed.
    pub fn correct_day(
        &self,
        header: &DocHeader,
        overrides: Vec<Override>,
    ) -> Result<Committed, StoreError> {
        let date = BusinessDate::from_date(header.business_date);
        let tx = self.day_tx()?;
        let wrong = open_day_in(&tx)?.ok_or(Refusal::NoDayOpen { date: None })?;
        if wrong == date {
            return Err(Refusal::DaySame {
                date: date.to_string(),
            }
            .into());
        }
        let closed = closed_through(&tx)?;
        may_open(closed, header.business_date)?;
        // Back from the chain's head to the wrong date's opening: only shift openings between.
        let (opened, floats) = {
            let docs = tx.open_table(DOCS)?;
            let mut floats = Money::ZERO;
            let mut opened = None;
            for row in docs.iter()?.rev() {
                let (k, v) = row?;
                let d = decode_doc(v.value(), k.value())?;
                match &d.doc.body {
                    DocBody::ShiftOpen(o) if d.doc.business_date == wrong => {
                        floats = floats.checked_add(o.float).map_err(|e| {
                            StoreError::Invalid(format!("the floats do not add up: {e}"))
                        })?;
                    }
                    DocBody::DayOpen(_) if d.doc.business_date == wrong => {
                        opened = Some(d.doc.number.clone());
                        break;
                    }
                    _ => {
                        return Err(Refusal::DayHasSales {
                            date: wrong.to_string(),
                            number: d.doc.number.clone(),
                        }
                        .into());
                    }
                }
            }
            (opened.ok_or(Refusal::NoDayOpen { date: None })?, floats)
        };
        let body = DayCorrectBody {
            wrong,
            opened,
            after: closed,
            floats,
            overrides,
        };
        let c = self.append(&tx, header, DocBody::DayCorrect(body))?;
        set_date(&tx, meta_keys::OPEN_DAY, Some(date))?;
        let outbox = self.finish(tx, super::durable::Mode::Both)?;
        Ok(c.with_outbox(outbox))
    }

    /// What a sync last saw of the server's clock: (its time, this machine's time), both in
    /// UTC milliseconds.
    pub fn server_clock(&self) -> Result<Option<(i64, i64)>, StoreError> {
        let tx = self.db()?.begin_read()?;
        let meta = tx.open_table(META)?;
        let v = meta.get(meta_keys::SERVER_CLOCK)?;
        Ok(v.and_then(|v| <[u8; 16]>::try_from(v.value()).ok())
            .map(|b| {
                let mut s = [0u8; 8];
                let mut l = [0u8; 8];
                s.copy_from_slice(&b[..8]);
                l.copy_from_slice(&b[8..]);
                (i64::from_le_bytes(s), i64::from_le_bytes(l))
            }))
    }

    /// Notes the server's clock as a sync saw it. Written only when the difference to this
    /// machine's clock moved by more than a minute or the last note is over an hour old, so
    /// that a sync every few minutes does not write the flash each time.
    pub fn note_server_clock(&self, server_ms: i64, local_ms: i64) -> Result<(), StoreError> {
        if let Some((s, l)) = self.server_clock()? {
            let moved = ((server_ms - local_ms) - (s - l)).abs();
            if moved < 60_000 && (0..3_600_000).contains(&(local_ms - l)) {
                return Ok(());
            }
        }
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&server_ms.to_le_bytes());
        b[8..].copy_from_slice(&local_ms.to_le_bytes());
        let tx = self.begin_write()?;
        tx.open_table(META)?
            .insert(meta_keys::SERVER_CLOCK, b.as_slice())?;
        tx.commit()?;
        Ok(())
    }

    /// The shifts open now.
    pub fn open_shifts(&self) -> Result<Vec<OpenShift>, StoreError> {
        let tx = self.db()?.begin_read()?;
        let shifts = match tx.open_table(SHIFTS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let docs = tx.open_table(DOCS)?;
        let mut out = Vec::new();
        for row in shifts.iter()? {
            let (k, v) = row?;
            let seq = v.value();
            let d = super::docs::get_doc(&docs, seq)?.ok_or_else(|| {
                StoreError::Corrupt(format!("the opening of {}'s shift is missing", k.value()))
            })?;
            out.push(shift_of(k.value(), seq, &d));
        }
        Ok(out)
    }

    /// The open shift of `cashier`, if any.
    pub fn open_shift_of(&self, cashier: &str) -> Result<Option<OpenShift>, StoreError> {
        Ok(self
            .open_shifts()?
            .into_iter()
            .find(|s| s.cashier == cashier))
    }

    /// Opens `header.cashier`'s shift on the open business date with a counted float.
    pub fn open_shift(&self, header: &DocHeader, float: Money) -> Result<Committed, StoreError> {
        if float.is_negative() {
            return Err(Refusal::FloatNegative.into());
        }
        let date = BusinessDate::from_date(header.business_date);
        let tx = self.day_tx()?;
        match open_day_in(&tx)? {
            Some(open) if open == date => {}
            Some(open) => {
                return Err(Refusal::DayNotThis {
                    open: open.to_string(),
                    date: date.to_string(),
                }
                .into());
            }
            None => {
                return Err(Refusal::NoDayOpen {
                    date: Some(date.to_string()),
                }
                .into());
            }
        }
        if tx
            .open_table(SHIFTS)?
            .get(header.cashier.as_str())?
            .is_some()
        {
            return Err(Refusal::ShiftAlreadyOpen {
                cashier: header.cashier.clone(),
            }
            .into());
        }
        let c = self.append(&tx, header, DocBody::ShiftOpen(ShiftOpenBody { float }))?;
        tx.open_table(SHIFTS)?
            .insert(header.cashier.as_str(), c.seq)?;
        let outbox = self.finish(tx, super::durable::Mode::Both)?;
        Ok(c.with_outbox(outbox))
    }

    /// The X report of `cashier`'s open shift: no count, nothing written.
    pub fn shift_report(&self, cashier: &str) -> Result<Report, StoreError> {
        let shift = self
            .open_shift_of(cashier)?
            .ok_or_else(|| Refusal::NoShift {
                cashier: cashier.to_string(),
            })?;
        let tx = self.db()?.begin_read()?;
        Ok(shift_builder(&tx.open_table(DOCS)?, shift.seq, cashier)?.finish())
    }

    /// Closes `cashier`'s shift with the cash counted blind. Committed with its receipt (the
    /// shift report) queued; returns the report with expected, counted and difference.
    pub fn close_shift(
        &self,
        header: &DocHeader,
        cashier: &str,
        counted: Money,
        overrides: Vec<Override>,
    ) -> Result<(Committed, Report), StoreError> {
        if counted.is_negative() {
            return Err(Refusal::CountedNegative.into());
        }
        let tx = self.day_tx()?;
        let seq = tx
            .open_table(SHIFTS)?
            .get(cashier)?
            .map(|v| v.value())
            .ok_or_else(|| Refusal::NoShift {
                cashier: cashier.to_string(),
            })?;
        let (report, opened) = {
            let docs = tx.open_table(DOCS)?;
            let opened = super::docs::get_doc(&docs, seq)?
                .map(|d| d.doc.number)
                .unwrap_or_default();
            let report = shift_builder(&docs, seq, cashier)?.finish_counted(counted);
            (report, opened)
        };
        let body = ShiftCloseBody {
            opened,
            cashier: cashier.to_string(),
            report: report.clone(),
            overrides,
        };
        let c = self.append(&tx, header, DocBody::ShiftClose(body))?;
        tx.open_table(SHIFTS)?.remove(cashier)?;
        let outbox = self.commit_with_receipt(tx, &c, super::durable::Mode::Both)?;
        Ok((c.with_outbox(outbox), report))
    }

    /// The X report of a business date so far: nothing written.
    pub fn day_report(&self, date: NaiveDate) -> Result<Report, StoreError> {
        let tx = self.db()?.begin_read()?;
        Ok(day_builder(&tx.open_table(DOCS)?, BusinessDate::from_date(date))?.finish())
    }

    /// Closes the open business date (Z): refuses while a shift is open or a ticket is held,
    /// commits the closing document with the day's report and its receipt queued, and locks
    /// the date so that no document carries it again.
    pub fn close_day(
        &self,
        header: &DocHeader,
        overrides: Vec<Override>,
    ) -> Result<(Committed, Report), StoreError> {
        let tx = self.day_tx()?;
        let date = open_day_in(&tx)?.ok_or(Refusal::NoDayOpen { date: None })?;
        let mut shifts = Vec::new();
        for row in tx.open_table(SHIFTS)?.iter()? {
            let (k, _) = row?;
            shifts.push(k.value().to_string());
        }
        let held = tx.open_table(HELD)?.len()?;
        if !shifts.is_empty() || held > 0 {
            return Err(Refusal::CannotClose {
                date: date.to_string(),
                shifts,
                held,
            }
            .into());
        }
        let report = day_builder(&tx.open_table(DOCS)?, date)?.finish_day();
        let header = DocHeader {
            business_date: date.to_date(),
            ..header.clone()
        };
        let body = ClosingBody {
            report: report.clone(),
            overrides,
        };
        let c = self.append(&tx, &header, DocBody::Closing(body))?;
        set_date(&tx, meta_keys::CLOSED_THROUGH, Some(date))?;
        set_date(&tx, meta_keys::OPEN_DAY, None)?;
        let outbox = self.commit_with_receipt(tx, &c, super::durable::Mode::Both)?;
        self.set_closed_through(date);
        Ok((c.with_outbox(outbox), report))
    }
}

fn shift_of(cashier: &str, seq: u64, d: &SealedDocument) -> OpenShift {
    let float = match &d.doc.body {
        DocBody::ShiftOpen(o) => o.float,
        _ => Money::ZERO,
    };
    OpenShift {
        cashier: cashier.to_string(),
        seq,
        number: d.doc.number.clone(),
        float,
    }
}
