//! The sales journal: one row per document in a date range, as text for people or CSV for
//! spreadsheets.

use crate::domain::document::{DocBody, Override, OverrideAction, SealedDocument};
use crate::domain::money::{Currency, Money};
use crate::domain::numbering::DocKind;
use crate::domain::tender::TenderKind;
use crate::i18n::Word;
use crate::i18n::{CliWords, Language, cli_words, fill};
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
    /// Cash rounding of a sale or refund (what was paid is the total plus it).
    pub rounding: Money,
    /// Supervisor overrides recorded in the document.
    pub overrides: Vec<Override>,
    /// What a void or a cancellation took off.
    pub detail: Detail,
}

/// What a void or a cancellation took off, typed: the CSV writes it in its fixed English
/// ("line 2 ARZ1K 1 x 3.500 = 3.500"), the text for people in the folder's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    None,
    Void {
        position: u32,
        sku: String,
        qty: crate::domain::qty::Qty,
        unit_price: Money,
        amount: Money,
        after_payment: bool,
    },
    Cancel {
        held: bool,
        lines: usize,
        total: Money,
        /// What was given back: tender, amount, reference.
        tenders: Vec<(TenderKind, Money, Option<String>)>,
    },
}

impl Detail {
    fn of(body: &DocBody) -> Detail {
        match body {
            DocBody::Void(v) => Detail::Void {
                position: v.position,
                sku: v.sku.clone(),
                qty: v.qty,
                unit_price: v.unit_price,
                amount: v.amount,
                after_payment: v.after_payment,
            },
            DocBody::Cancel(c) => Detail::Cancel {
                held: c.held,
                lines: c.lines.len(),
                total: c.total,
                tenders: c
                    .tenders
                    .iter()
                    .map(|t| (t.kind, t.amount, t.reference.clone()))
                    .collect(),
            },
            _ => Detail::None,
        }
    }

    /// In `w`'s words; tenders named by `tender` (their code in the CSV, their name for
    /// people) and quantities written by `qty`.
    fn text(
        &self,
        currency: &Currency,
        w: &CliWords,
        tender: impl Fn(TenderKind) -> String,
        qty: impl Fn(crate::domain::qty::Qty) -> String,
    ) -> String {
        let m = |v: Money| currency.format(v);
        match self {
            Detail::None => String::new(),
            Detail::Void {
                position,
                sku,
                qty: q,
                unit_price,
                amount,
                after_payment,
            } => {
                let mut s = fill(
                    w.jr_void,
                    &[
                        ("line", &position.to_string()),
                        ("sku", sku),
                        ("qty", &qty(*q)),
                        ("price", &m(*unit_price)),
                        ("amount", &m(*amount)),
                    ],
                );
                if *after_payment {
                    s.push_str(w.jr_after_payment);
                }
                s
            }
            Detail::Cancel {
                held,
                lines,
                total,
                tenders,
            } => {
                let mut s = String::new();
                if *held {
                    s.push_str(w.jr_held);
                }
                s.push_str(&fill(
                    if *lines == 1 {
                        w.jr_cancel_one
                    } else {
                        w.jr_cancel
                    },
                    &[("lines", &lines.to_string()), ("total", &m(*total))],
                ));
                for (kind, amount, reference) in tenders {
                    s.push_str(&fill(
                        w.jr_give_back,
                        &[("tender", &tender(*kind)), ("amount", &m(*amount))],
                    ));
                    if let Some(r) = reference {
                        s.push_str(&format!(" ({r})"));
                    }
                }
                s
            }
        }
    }

    /// The CSV's fixed English, with tender codes.
    pub fn csv(&self, currency: &Currency) -> String {
        self.text(
            currency,
            cli_words(Language::En),
            |k| k.code().to_string(),
            |q| q.to_string(),
        )
    }

    /// For people, in `lang`.
    pub fn words(&self, currency: &Currency, lang: Language) -> String {
        let paper = crate::i18n::words(lang);
        self.text(
            currency,
            cli_words(lang),
            |k| crate::i18n::tender_name(k, paper).to_lowercase(),
            |q| currency.format_qty(q),
        )
    }
}

/// An override as the CSV writes it ("void_line by ana (wrong item)"), or for people in `lang`.
pub fn override_text(o: &Override, lang: Option<Language>) -> String {
    let (w, action, reason) = match lang {
        None => (
            cli_words(Language::En),
            o.action.code().to_string(),
            o.reason.clone(),
        ),
        Some(l) => (
            cli_words(l),
            crate::i18n::override_name(&o.action, l),
            crate::i18n::override_reason(&o.reason, l),
        ),
    };
    fill(
        w.jr_override,
        &[
            ("action", &action),
            ("supervisor", &o.supervisor),
            ("reason", &reason),
        ],
    )
}

/// A journal's totals: documents, net, and by tender with cash net of change; for a business
/// date these equal its Z tender by tender.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub count: u64,
    /// Sales less refunds: the X and Z reports' "Neto".
    pub net: Money,
    /// Cash put in less cash taken out (not sales: apart from the net).
    pub cash_moves: Money,
    /// Cash (less change), card, transfer, other.
    pub tenders: [Money; 4],
}

impl Totals {
    pub fn add(&mut self, r: &JournalRow) -> Result<(), crate::domain::money::MoneyError> {
        self.count += 1;
        if r.kind == DocKind::CashMove.code() {
            self.cash_moves = self.cash_moves.checked_add(r.total)?;
        } else {
            self.net = self.net.checked_add(r.total)?;
        }
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

impl JournalRow {
    /// The row of a synced document (docs/PROTOCOL.md's shapes, money in `currency`'s
    /// machine form), as the register that wrote it computes it from its store: the head
    /// office's movements are the registers' journals. None when the document is not one of a
    /// register's (no number, an unknown type) or a figure does not read in `currency`.
    pub fn from_json(v: &serde_json::Value, currency: &Currency) -> Option<JournalRow> {
        use serde_json::Value;
        let text = |k: &str| v[k].as_str().map(String::from);
        let money = |x: &Value| -> Option<Money> {
            match x.as_str() {
                Some(s) => currency.parse_decimal(s).ok(),
                None => x.is_null().then_some(Money::ZERO),
            }
        };
        let neg = |m: Money| Money::from_minor(m.minor().saturating_neg());
        let kind = DocKind::from_code(v["type"].as_str()?)?;
        let tenders_of = |x: &Value| -> Option<Vec<(TenderKind, Money, Option<String>)>> {
            x.as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|t| {
                    Some((
                        TenderKind::from_code(t["kind"].as_str()?)?,
                        money(&t["amount"])?,
                        t["reference"].as_str().map(String::from),
                    ))
                })
                .collect()
        };
        let sign = if kind == DocKind::Refund { -1 } else { 1 };
        let mut tenders = [Money::ZERO; 4];
        if matches!(kind, DocKind::Sale | DocKind::Refund) {
            for (k, amount, _) in tenders_of(&v["tenders"])? {
                let slot = &mut tenders[tender_slot(k)];
                let amount = Money::from_minor(amount.minor().saturating_mul(sign));
                *slot = slot.checked_add(amount).unwrap_or(*slot);
            }
        }
        let total = match kind {
            DocKind::Sale => money(&v["total"])?,
            DocKind::Refund => neg(money(&v["total"])?),
            DocKind::CashMove if v["direction"] == "out" => neg(money(&v["amount"])?),
            DocKind::CashMove => money(&v["amount"])?,
            _ => Money::ZERO,
        };
        let (change, rounding) = match kind {
            DocKind::Sale => (money(&v["change"])?, money(&v["rounding"])?),
            DocKind::Refund => (Money::ZERO, neg(money(&v["rounding"])?)),
            _ => (Money::ZERO, Money::ZERO),
        };
        let overrides = v["overrides"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|o| {
                Some(Override {
                    action: OverrideAction::from_code(o["action"].as_str()?),
                    supervisor: o["supervisor"].as_str()?.to_string(),
                    reason: o["reason"].as_str()?.to_string(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let detail = match kind {
            DocKind::Void => Detail::Void {
                position: u32::try_from(v["position"].as_u64()?).ok()?,
                sku: text("sku")?,
                qty: crate::domain::qty::Qty::parse(v["qty"].as_str()?).ok()?,
                unit_price: money(&v["unit_price"])?,
                amount: money(&v["amount"])?,
                after_payment: v["after_payment"].as_bool()?,
            },
            DocKind::Cancel => Detail::Cancel {
                held: v["held"].as_bool()?,
                lines: v["lines"].as_array()?.len(),
                total: money(&v["total"])?,
                tenders: tenders_of(&v["tenders"])?,
            },
            _ => Detail::None,
        };
        Some(JournalRow {
            number: text("number")?,
            kind: kind.code(),
            business_date: text("business_date")?,
            at: text("at")?,
            register: text("register")?,
            cashier: text("cashier")?,
            total,
            tenders,
            change,
            rounding,
            overrides,
            detail,
        })
    }

    pub fn from_doc(d: &SealedDocument) -> JournalRow {
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
        let rounding = match &doc.body {
            DocBody::Sale(s) => s.rounding,
            DocBody::Refund(r) => Money::from_minor(r.rounding.minor().saturating_neg()),
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
            rounding,
            overrides: doc.body.overrides().to_vec(),
            detail: Detail::of(&doc.body),
        }
    }
}

/// Why the journal could not be written.
#[derive(Debug)]
pub enum JournalError {
    Store(StoreError),
    Io(std::io::Error),
}

// The error's English words (see [`JournalError::words`]).
crate::i18n::display_words!(JournalError);

impl std::error::Error for JournalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JournalError::Store(e) => e.source(),
            JournalError::Io(e) => Some(e),
        }
    }
}

impl From<StoreError> for JournalError {
    fn from(e: StoreError) -> Self {
        JournalError::Store(e)
    }
}

impl From<std::io::Error> for JournalError {
    fn from(e: std::io::Error) -> Self {
        JournalError::Io(e)
    }
}

impl JournalError {
    /// The error in `lang`.
    pub fn words(&self, lang: Language) -> String {
        match self {
            JournalError::Store(e) => e.words(lang, None),
            JournalError::Io(e) => fill(
                crate::i18n::store_text(lang, Word::JournalWrite),
                &[("detail", &e.to_string())],
            ),
        }
    }
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

/// The head office's day's movements: the journal's columns and the register's `store`.
pub const MOVEMENT_COLUMNS: [&str; 15] = {
    let mut out = [""; 15];
    let mut i = 0;
    while i < CSV_HEADER.len() {
        out[i] = CSV_HEADER[i];
        i += 1;
    }
    out[14] = "store";
    out
};

/// A row's CSV cells, in the order of `caja journal --format csv`'s header.
pub fn csv_cells(r: JournalRow, currency: &Currency) -> [String; 14] {
    let m = |v: Money| currency.to_decimal(v);
    [
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
        r.overrides
            .iter()
            .map(|o| override_text(o, None))
            .collect::<Vec<_>>()
            .join("; "),
        r.detail.csv(currency),
    ]
}

/// Streams the journal as CSV.
pub fn write_csv<W: Write>(
    store: &(impl DocSource + ?Sized),
    f: &JournalFilter,
    out: W,
) -> Result<(), JournalError> {
    let currency = &store.info().currency;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    visit(store, f, |r| {
        w.write_record(csv_cells(r, currency))
            .map_err(JournalError::from)
    })?;
    w.flush()?;
    Ok(())
}

/// Streams the journal as text for people, in `lang`, with a closing count and net total.
pub fn write_text<W: Write>(
    store: &(impl DocSource + ?Sized),
    f: &JournalFilter,
    lang: Language,
    mut out: W,
) -> Result<(), JournalError> {
    let currency = &store.info().currency;
    let w = cli_words(lang);
    let paper = crate::i18n::words(lang);
    let texts = crate::i18n::texts(lang);
    let tender_names: Vec<String> = [
        TenderKind::Cash,
        TenderKind::Card,
        TenderKind::Transfer,
        TenderKind::Other,
    ]
    .iter()
    .map(|k| crate::i18n::tender_name(*k, paper).to_lowercase())
    .collect();
    writeln!(
        out,
        "{:<16} {:<12} {:<20} {:<12} {:>14}  {}",
        w.jr_number, w.jr_type, w.jr_at, w.jr_cashier, w.jr_total, w.jr_tenders
    )?;
    let mut totals = Totals::default();
    visit(store, f, |r| {
        let tenders: Vec<String> = tender_names
            .iter()
            .zip(r.tenders)
            .filter(|(_, a)| !a.is_zero())
            .map(|(k, a)| format!("{k} {}", currency.format(a)))
            .collect();
        let mut t = tenders.join(", ");
        if !r.rounding.is_zero() {
            t.push(' ');
            t.push_str(&fill(
                w.jr_rounding,
                &[("amount", &currency.format(r.rounding))],
            ));
        }
        if !r.change.is_zero() {
            t.push(' ');
            t.push_str(&fill(
                w.jr_change,
                &[("amount", &currency.format(r.change))],
            ));
        }
        let at = r.at.get(..19).unwrap_or(&r.at).replace('T', " ");
        let kind = DocKind::from_code(r.kind).map_or(r.kind, |k| texts.doc_kinds[k.index()]);
        writeln!(
            out,
            "{:<16} {:<12} {:<20} {:<12} {:>14}  {}",
            r.number,
            kind,
            at,
            r.cashier,
            currency.format(r.total),
            t
        )?;
        let detail = r.detail.words(currency, lang);
        if !detail.is_empty() {
            writeln!(out, "{:<16} {}", "", detail)?;
        }
        for o in &r.overrides {
            writeln!(out, "{:<16} {}", "", override_text(o, Some(lang)))?;
        }
        totals
            .add(&r)
            .map_err(|e| JournalError::Store(StoreError::Invalid(e.to_string())))?;
        Ok::<_, JournalError>(())
    })?;
    let footer = fill(
        w.jr_footer,
        &[
            ("count", &totals.count.to_string()),
            ("net", &currency.format_symbol(totals.net)),
        ],
    );
    writeln!(out, "{footer}")?;
    if !totals.cash_moves.is_zero() {
        let moves = currency.format_symbol(totals.cash_moves);
        writeln!(out, "{}", fill(w.jr_cash_moves, &[("moves", &moves)]))?;
    }
    let by: Vec<String> = tender_names
        .iter()
        .zip(totals.tenders)
        .map(|(k, a)| format!("{k} {}", currency.format(a)))
        .collect();
    let list = by.join(", ");
    writeln!(out, "{}", fill(w.jr_by_tender, &[("list", &list)]))?;
    Ok(())
}
