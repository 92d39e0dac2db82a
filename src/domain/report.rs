//! X and Z reports: what a run of documents adds up to. Pure: the caller chooses the documents
//! (a shift, a business date) and feeds them in chain order.
//!
//! The cash the drawer should hold is counted from what physically moves through it: floats put
//! in at shift open, cash tendered less change, cash paid back on refunds, and cash in and out.

use super::document::{CashDirection, DocBody, Document};
use super::money::{Money, MoneyError};
use super::tender::TenderKind;
use super::ticket::TaxLine;
use serde::{Deserialize, Serialize};

/// What one kind of tender brought in, net of change and of refunds paid with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderTotal {
    pub kind: TenderKind,
    pub amount: Money,
}

/// The figures of an X or Z report. Stored inside shift-close and closing documents, so append
/// fields only through a new envelope version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The first and last sale numbers covered.
    pub first_sale: Option<String>,
    pub last_sale: Option<String>,
    pub documents: u32,
    pub sales: u32,
    /// Sales before discounts.
    pub gross: Money,
    pub discounts: Money,
    pub sales_total: Money,
    pub refunds: u32,
    pub refunds_total: Money,
    /// Cash rounding: added on sales less added on refunds.
    pub rounding: Money,
    /// By tender kind, in the order cash, card, transfer, other (kinds never used are left out).
    pub tenders: Vec<TenderTotal>,
    /// By tax rate, net of refunds, in rate order.
    pub taxes: Vec<TaxLine>,
    /// Lines voided: void documents, and in sales stored before those existed, the void
    /// overrides they carry.
    pub voids: u32,
    /// Supervisor overrides of any kind.
    pub overrides: u32,
    pub no_sales: u32,
    pub cash_in: Money,
    pub cash_out: Money,
    /// Floats counted in at shift open.
    pub floats: Money,
    /// Shifts closed within the documents covered.
    pub shifts_closed: u32,
    pub expected_cash: Money,
    /// The blind count (a shift), or the sum of the shifts' counts (a day); none in an X report.
    pub counted_cash: Option<Money>,
    /// Voids, cancellations and overrides in detail. None only in reports stored before the
    /// money trail was recorded (their documents keep their exact bytes).
    pub trail: Option<Trail>,
}

/// What could hide money: lines voided, tickets given up, overrides by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trail {
    /// What the voided lines came to (their count is [`Report::voids`]).
    pub voided_amount: Money,
    /// Lines voided after payment had started (each under a supervisor).
    pub voided_after_payment: u32,
    /// Tickets cancelled on the till or deleted from hold, and what they came to.
    pub cancelled: u32,
    pub cancelled_amount: Money,
    /// Of those, held tickets deleted.
    pub held_deleted: u32,
    /// Tenders already taken on cancelled tickets, given back to the customer.
    pub given_back: Money,
    /// Supervisor overrides by action ("discount", "void_line", "cash_out"...), by name.
    pub overrides: Vec<OverrideCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideCount {
    pub action: super::document::OverrideAction,
    pub count: u32,
}

impl Report {
    /// Sales less refunds.
    pub fn net(&self) -> Result<Money, MoneyError> {
        self.sales_total.checked_sub(self.refunds_total)
    }

    /// Counted less expected cash: negative when cash is missing.
    pub fn difference(&self) -> Result<Option<Money>, MoneyError> {
        self.counted_cash
            .map(|c| c.checked_sub(self.expected_cash))
            .transpose()
    }

    /// The amount of one tender kind (zero when unused).
    pub fn tender(&self, kind: TenderKind) -> Money {
        self.tenders
            .iter()
            .find(|t| t.kind == kind)
            .map_or(Money::ZERO, |t| t.amount)
    }
}

const KINDS: [TenderKind; 4] = [
    TenderKind::Cash,
    TenderKind::Card,
    TenderKind::Transfer,
    TenderKind::Other,
];

fn slot(k: TenderKind) -> usize {
    KINDS.iter().position(|x| *x == k).unwrap_or(3)
}

/// Adds documents up into a [`Report`].
#[derive(Default)]
pub struct ReportBuilder {
    r: Report,
    trail: Trail,
    tenders: [Option<Money>; 4],
    counted: Option<Money>,
}

fn add(a: &mut Money, b: Money) -> Result<(), MoneyError> {
    *a = a.checked_add(b)?;
    Ok(())
}

fn sub(a: &mut Money, b: Money) -> Result<(), MoneyError> {
    *a = a.checked_sub(b)?;
    Ok(())
}

impl ReportBuilder {
    pub fn new() -> ReportBuilder {
        ReportBuilder::default()
    }

    fn tender(&mut self, kind: TenderKind, amount: Money) -> Result<(), MoneyError> {
        let t = self.tenders[slot(kind)].get_or_insert(Money::ZERO);
        add(t, amount)
    }

    fn tax(&mut self, line: &TaxLine, sign: i64) -> Result<(), MoneyError> {
        let (base, tax) = if sign < 0 {
            (line.base.checked_neg()?, line.tax.checked_neg()?)
        } else {
            (line.base, line.tax)
        };
        let taxes = &mut self.r.taxes;
        match taxes.binary_search_by_key(&line.rate, |t| t.rate) {
            Ok(i) => {
                add(&mut taxes[i].base, base)?;
                add(&mut taxes[i].tax, tax)?;
            }
            Err(i) => taxes.insert(
                i,
                TaxLine {
                    rate: line.rate,
                    base,
                    tax,
                },
            ),
        }
        Ok(())
    }

    /// Counts one document in.
    pub fn add(&mut self, d: &Document) -> Result<(), MoneyError> {
        self.r.documents = self.r.documents.saturating_add(1);
        let overrides = d.body.overrides();
        self.r.overrides = self.r.overrides.saturating_add(overrides.len() as u32);
        for o in overrides {
            let by = &mut self.trail.overrides;
            match by.binary_search_by(|c| c.action.cmp(&o.action)) {
                Ok(i) => by[i].count = by[i].count.saturating_add(1),
                Err(i) => by.insert(
                    i,
                    OverrideCount {
                        action: o.action.clone(),
                        count: 1,
                    },
                ),
            }
        }
        match &d.body {
            DocBody::Sale(s) => {
                let r = &mut self.r;
                r.sales = r.sales.saturating_add(1);
                if r.first_sale.is_none() {
                    r.first_sale = Some(d.number.clone());
                }
                r.last_sale = Some(d.number.clone());
                add(&mut r.gross, s.gross)?;
                add(&mut r.discounts, s.discount)?;
                add(&mut r.sales_total, s.total)?;
                add(&mut r.rounding, s.rounding)?;
                let voids = overrides
                    .iter()
                    .filter(|o| o.action == super::document::OverrideAction::VoidLine)
                    .count();
                r.voids = r.voids.saturating_add(voids as u32);
                for t in &s.tenders {
                    self.tender(t.kind, t.amount)?;
                    if t.kind == TenderKind::Cash {
                        add(&mut self.r.expected_cash, t.amount)?;
                    }
                }
                if !s.change.is_zero() {
                    self.tender(TenderKind::Cash, s.change.checked_neg()?)?;
                    sub(&mut self.r.expected_cash, s.change)?;
                }
                for t in &s.taxes {
                    self.tax(t, 1)?;
                }
            }
            DocBody::Refund(rf) => {
                let r = &mut self.r;
                r.refunds = r.refunds.saturating_add(1);
                add(&mut r.refunds_total, rf.total)?;
                sub(&mut r.rounding, rf.rounding)?;
                for t in &rf.tenders {
                    self.tender(t.kind, t.amount.checked_neg()?)?;
                    if t.kind == TenderKind::Cash {
                        sub(&mut self.r.expected_cash, t.amount)?;
                    }
                }
                for t in &rf.taxes {
                    self.tax(t, -1)?;
                }
            }
            DocBody::CashMove(c) => match c.direction {
                CashDirection::In => {
                    add(&mut self.r.cash_in, c.amount)?;
                    add(&mut self.r.expected_cash, c.amount)?;
                }
                CashDirection::Out => {
                    add(&mut self.r.cash_out, c.amount)?;
                    sub(&mut self.r.expected_cash, c.amount)?;
                }
            },
            DocBody::NoSale(_) => self.r.no_sales = self.r.no_sales.saturating_add(1),
            DocBody::ShiftOpen(o) => {
                add(&mut self.r.floats, o.float)?;
                add(&mut self.r.expected_cash, o.float)?;
            }
            // The floats of the shifts that moved from the given-up date into this one.
            DocBody::DayCorrect(c) => {
                add(&mut self.r.floats, c.floats)?;
                add(&mut self.r.expected_cash, c.floats)?;
            }
            DocBody::ShiftClose(c) => {
                self.r.shifts_closed = self.r.shifts_closed.saturating_add(1);
                if let Some(counted) = c.report.counted_cash {
                    add(self.counted.get_or_insert(Money::ZERO), counted)?;
                }
            }
            DocBody::Void(v) => {
                self.r.voids = self.r.voids.saturating_add(1);
                add(&mut self.trail.voided_amount, v.amount)?;
                if v.after_payment {
                    let t = &mut self.trail;
                    t.voided_after_payment = t.voided_after_payment.saturating_add(1);
                }
            }
            DocBody::Cancel(c) => {
                let t = &mut self.trail;
                t.cancelled = t.cancelled.saturating_add(1);
                if c.held {
                    t.held_deleted = t.held_deleted.saturating_add(1);
                }
                add(&mut t.cancelled_amount, c.total)?;
                for x in &c.tenders {
                    add(&mut t.given_back, x.amount)?;
                }
            }
            DocBody::DayOpen(_)
            | DocBody::Closing(_)
            | DocBody::Customer(_)
            | DocBody::Points(_) => {}
        }
        Ok(())
    }

    /// The report with no count (an X report).
    pub fn finish(mut self) -> Report {
        self.r.tenders = KINDS
            .iter()
            .zip(self.tenders)
            .filter_map(|(k, m)| m.map(|amount| TenderTotal { kind: *k, amount }))
            .collect();
        self.r.trail = Some(self.trail);
        self.r
    }

    /// The report of a shift closed with a blind count of `counted`.
    pub fn finish_counted(self, counted: Money) -> Report {
        let mut r = self.finish();
        r.counted_cash = Some(counted);
        r
    }

    /// The report of a day: counted cash is the sum of its shifts' blind counts.
    pub fn finish_day(self) -> Report {
        let counted = self.counted.or(Some(Money::ZERO));
        let mut r = self.finish();
        r.counted_cash = counted;
        r
    }
}

/// Reports the documents of `docs` in order.
pub fn report<'a>(docs: impl IntoIterator<Item = &'a Document>) -> Result<Report, MoneyError> {
    let mut b = ReportBuilder::new();
    for d in docs {
        b.add(d)?;
    }
    Ok(b.finish())
}
