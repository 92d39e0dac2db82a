//! The sales journal: one row per document in a date range, as text for people or CSV for
//! spreadsheets.

use crate::domain::document::{DocBody, SealedDocument};
use crate::domain::money::Money;
use crate::domain::numbering::DocKind;
use crate::domain::tender::TenderKind;
use crate::store::{DocSource, StoreError};
use chrono::NaiveDate;
use std::io::Write;
use std::ops::ControlFlow;

/// Which documents the journal lists.
#[derive(Clone, Debug)]
pub struct JournalFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub register: Option<String>,
    pub cashier: Option<String>,
    /// Only documents of this kind.
    pub kind: Option<DocKind>,
    /// Only documents paid (or paid back) at least partly with this tender.
    pub tender: Option<TenderKind>,
}

impl JournalFilter {
    /// Every document of the dates `from..=to`.
    pub fn dates(from: NaiveDate, to: NaiveDate) -> JournalFilter {
        JournalFilter {
            from,
            to,
            register: None,
            cashier: None,
            kind: None,
            tender: None,
        }
    }

    fn keeps(&self, d: &SealedDocument) -> bool {
        self.register
            .as_deref()
            .is_none_or(|r| r.eq_ignore_ascii_case(&d.doc.register))
            && self.cashier.as_deref().is_none_or(|c| c == d.doc.cashier)
            && self.kind.is_none_or(|k| k == d.doc.kind())
            && self
                .tender
                .is_none_or(|k| d.doc.body.tenders().iter().any(|t| t.kind == k))
    }
}

/// One journal row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalRow {
    pub number: String,
    pub kind: &'static str,
    pub business_date: String,
    pub at: String,
    pub register: String,
    pub cashier: String,
    /// Refunds and cash out count negative.
    pub total: Money,
    /// Amount by tender kind, in the order cash, card, transfer, other.
    pub tenders: [Money; 4],
    pub change: Money,
    /// Supervisor overrides recorded in the document: "action by supervisor (reason)".
    pub overrides: Vec<String>,
}

fn tender_slot(k: TenderKind) -> usize {
    match k {
        TenderKind::Cash => 0,
        TenderKind::Card => 1,
        TenderKind::Transfer => 2,
        TenderKind::Other | TenderKind::Points => 3,
    }
}

impl JournalRow {
    pub fn from_doc(d: &SealedDocument) -> JournalRow {
        let doc = &d.doc;
        let mut tenders = [Money::ZERO; 4];
        for t in doc.body.tenders() {
            let slot = &mut tenders[tender_slot(t.kind)];
            *slot = slot.checked_add(t.amount).unwrap_or(*slot);
        }
        let change = match &doc.body {
            DocBody::Sale(s) => s.change,
            _ => Money::ZERO,
        };
        JournalRow {
            number: doc.number.clone(),
            kind: doc.kind().code(),
            business_date: doc.business_date.to_string(),
            at: doc.at.to_rfc3339(),
            register: doc.register.clone(),
            cashier: doc.cashier.clone(),
            total: doc.body.signed_total(),
            tenders,
            change,
            overrides: doc
                .body
                .overrides()
                .iter()
                .map(|o| format!("{} by {} ({})", o.action, o.supervisor, o.reason))
                .collect(),
        }
    }
}

/// Why the journal could not be written.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the journal: {0}")]
    Io(#[from] std::io::Error),
}

impl From<csv::Error> for JournalError {
    fn from(e: csv::Error) -> Self {
        JournalError::Io(std::io::Error::other(e))
    }
}

/// Calls `each` with every row matching `f`, in chain order, one document in memory at a time.
pub fn visit<E: From<StoreError>>(
    store: &(impl DocSource + ?Sized),
    f: &JournalFilter,
    mut each: impl FnMut(JournalRow) -> Result<(), E>,
) -> Result<(), E> {
    let mut failed = None;
    store.visit_dates(f.from, f.to, &mut |_, d| {
        if f.keeps(d)
            && let Err(e) = each(JournalRow::from_doc(d))
        {
            failed = Some(e);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })?;
    failed.map_or(Ok(()), Err)
}

/// The rows matching `f`, for a screen that shows a short range.
pub fn rows(
    store: &(impl DocSource + ?Sized),
    f: &JournalFilter,
) -> Result<Vec<JournalRow>, StoreError> {
    let mut out = Vec::new();
    visit(store, f, |r| {
        out.push(r);
        Ok::<_, StoreError>(())
    })?;
    Ok(out)
}

const CSV_HEADER: [&str; 13] = [
    "number",
    "type",
    "business_date",
    "at",
    "register",
    "cashier",
    "total",
    "cash",
    "card",
    "transfer",
    "other",
    "change",
    "overrides",
];

/// Streams the journal as CSV.
pub fn write_csv<W: Write>(
    store: &(impl DocSource + ?Sized),
    f: &JournalFilter,
    out: W,
) -> Result<(), JournalError> {
    let currency = &store.info().currency;
    let m = |v: Money| currency.to_decimal(v);
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    visit(store, f, |r| {
        w.write_record([
            r.number,
            r.kind.to_string(),
            r.business_date,
            r.at,
            r.register,
            r.cashier,
            m(r.total),
            m(r.tenders[0]),
            m(r.tenders[1]),
            m(r.tenders[2]),
            m(r.tenders[3]),
            m(r.change),
            r.overrides.join("; "),
        ])
        .map_err(JournalError::from)
    })?;
    w.flush()?;
    Ok(())
}

/// Streams the journal as text for people, with a closing count and net total.
pub fn write_text<W: Write>(
    store: &(impl DocSource + ?Sized),
    f: &JournalFilter,
    mut out: W,
) -> Result<(), JournalError> {
    let currency = &store.info().currency;
    writeln!(
        out,
        "{:<16} {:<6} {:<20} {:<12} {:>14}  tenders",
        "number", "type", "date-time", "cashier", "total"
    )?;
    let mut sum = Money::ZERO;
    let mut count = 0u64;
    visit(store, f, |r| {
        let tenders: Vec<String> = ["cash", "card", "transfer", "other"]
            .iter()
            .zip(r.tenders)
            .filter(|(_, a)| !a.is_zero())
            .map(|(k, a)| format!("{k} {}", currency.format(a)))
            .collect();
        let mut t = tenders.join(", ");
        if !r.change.is_zero() {
            t.push_str(&format!(" (change {})", currency.format(r.change)));
        }
        let at = r.at.get(..19).unwrap_or(&r.at).replace('T', " ");
        writeln!(
            out,
            "{:<16} {:<6} {:<20} {:<12} {:>14}  {}",
            r.number,
            r.kind,
            at,
            r.cashier,
            currency.format(r.total),
            t
        )?;
        for o in &r.overrides {
            writeln!(out, "{:<16} override: {o}", "")?;
        }
        sum = sum.checked_add(r.total).unwrap_or(sum);
        count += 1;
        Ok::<_, JournalError>(())
    })?;
    writeln!(
        out,
        "{count} documents, net {}",
        currency.format_symbol(sum)
    )?;
    Ok(())
}
