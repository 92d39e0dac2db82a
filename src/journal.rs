//! The sales journal: one row per document in a date range, as text for people or CSV for
//! spreadsheets.

use crate::domain::document::{DocBody, SealedDocument};
use crate::domain::money::{Currency, Money};
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
    /// Amount by tender kind, in the order cash, card, transfer, other; money paid back
    /// (refunds) is negative.
    pub tenders: [Money; 4],
    pub change: Money,
    /// Supervisor overrides recorded in the document: "action by supervisor (reason)".
    pub overrides: Vec<String>,
    /// What a void or a cancellation took off, for people: "line 2 ARZ1K 1 x 3.500 = 3.500".
    pub detail: String,
}

/// A journal's totals: documents, net, and by tender with cash net of change; for a business
/// date these equal its Z tender by tender.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub count: u64,
    pub net: Money,
    /// Cash (less change), card, transfer, other.
    pub tenders: [Money; 4],
}

impl Totals {
    pub fn add(&mut self, r: &JournalRow) -> Result<(), crate::domain::money::MoneyError> {
        self.count += 1;
        self.net = self.net.checked_add(r.total)?;
        for (sum, t) in self.tenders.iter_mut().zip(r.tenders) {
            *sum = sum.checked_add(t)?;
        }
        self.tenders[0] = self.tenders[0].checked_sub(r.change)?;
        Ok(())
    }
}

fn tender_slot(k: TenderKind) -> usize {
    match k {
        TenderKind::Cash => 0,
        TenderKind::Card => 1,
        TenderKind::Transfer => 2,
        TenderKind::Other | TenderKind::Points => 3,
    }
}

/// The detail column of a void or a cancellation.
fn detail(body: &DocBody, currency: &Currency) -> String {
    let m = |v: Money| currency.format(v);
    match body {
        DocBody::Void(v) => format!(
            "line {} {} {} x {} = {}{}",
            v.position,
            v.sku,
            v.qty,
            m(v.unit_price),
            m(v.amount),
            if v.after_payment {
                ", after payment started"
            } else {
                ""
            }
        ),
        DocBody::Cancel(c) => {
            let mut s = format!(
                "{}{} lines = {}",
                if c.held { "held, " } else { "" },
                c.lines.len(),
                m(c.total)
            );
            for t in &c.tenders {
                s.push_str(&format!("; give back {} {}", t.kind.code(), m(t.amount)));
                if let Some(r) = &t.reference {
                    s.push_str(&format!(" ({r})"));
                }
            }
            s
        }
        _ => String::new(),
    }
}

impl JournalRow {
    pub fn from_doc(d: &SealedDocument, currency: &Currency) -> JournalRow {
        let doc = &d.doc;
        // Money paid back counts negative, as in the X and Z.
        let sign = if matches!(doc.body, DocBody::Refund(_)) {
            -1
        } else {
            1
        };
        let mut tenders = [Money::ZERO; 4];
        for t in doc.body.tenders() {
            let slot = &mut tenders[tender_slot(t.kind)];
            let amount = Money::from_minor(t.amount.minor().saturating_mul(sign));
            *slot = slot.checked_add(amount).unwrap_or(*slot);
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
            detail: detail(&doc.body, currency),
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
    let currency = store.info().currency.clone();
    store.visit_dates(f.from, f.to, &mut |_, d| {
        if f.keeps(d)
            && let Err(e) = each(JournalRow::from_doc(d, &currency))
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

const CSV_HEADER: [&str; 14] = [
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
    "detail",
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
            r.detail,
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
    let mut totals = Totals::default();
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
        if !r.detail.is_empty() {
            writeln!(out, "{:<16} {}", "", r.detail)?;
        }
        for o in &r.overrides {
            writeln!(out, "{:<16} override: {o}", "")?;
        }
        totals
            .add(&r)
            .map_err(|e| JournalError::Store(StoreError::Invalid(e.to_string())))?;
        Ok::<_, JournalError>(())
    })?;
    writeln!(
        out,
        "{} documents, net {}",
        totals.count,
        currency.format_symbol(totals.net)
    )?;
    let by: Vec<String> = ["cash", "card", "transfer", "other"]
        .iter()
        .zip(totals.tenders)
        .map(|(k, a)| format!("{k} {}", currency.format(a)))
        .collect();
    writeln!(out, "by tender (cash less change): {}", by.join(", "))?;
    Ok(())
}
