//! Committed documents: sales, refunds and cash movements. Immutable once committed; each
//! carries the hash of the previous document of its register, so any edit or deletion shows.

use super::money::{Currency, Money, MoneyError};
use super::numbering::DocKind;
use super::qty::{Qty, TaxRate};
use super::report::Report;
use super::tender::{Settlement, Tender, TenderError, TenderKind, settle};
use super::ticket::{Discount, PricingError, TaxLine, TicketLine, price};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A moment on the register's clock: UTC milliseconds and the local offset in minutes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Stamp {
    pub utc_ms: i64,
    pub offset_min: i16,
}

impl Stamp {
    pub fn from_datetime(dt: DateTime<FixedOffset>) -> Stamp {
        Stamp {
            utc_ms: dt.timestamp_millis(),
            offset_min: (dt.offset().local_minus_utc() / 60) as i16,
        }
    }

    /// The local date-time; an out-of-range stored value shows as the epoch rather than panicking.
    pub fn to_datetime(self) -> DateTime<FixedOffset> {
        let off = FixedOffset::east_opt(i32::from(self.offset_min) * 60).unwrap_or(Utc.fix());
        let utc = DateTime::<Utc>::from_timestamp_millis(self.utc_ms).unwrap_or_default();
        utc.with_timezone(&off)
    }

    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

/// The business date a document belongs to (days since 0001-01-01 as chrono counts them).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BusinessDate(i32);

impl BusinessDate {
    pub fn from_date(d: NaiveDate) -> BusinessDate {
        BusinessDate(d.num_days_from_ce())
    }

    pub fn from_days(days: i32) -> BusinessDate {
        BusinessDate(days)
    }

    pub fn days(self) -> i32 {
        self.0
    }

    pub fn to_date(self) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(self.0).unwrap_or(NaiveDate::MIN)
    }
}

impl std::fmt::Display for BusinessDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_date().format("%Y-%m-%d"))
    }
}

/// A supervisor's authorization recorded inside the document it allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub action: String,
    pub supervisor: String,
    pub reason: String,
}

/// A sold line as committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleLine {
    pub sku: String,
    pub name: String,
    pub qty: Qty,
    pub unit_price: Money,
    pub tax_rate: TaxRate,
    /// The line discount as the cashier gave it.
    pub line_discount: Option<Discount>,
    /// Line discount plus the line's share of the ticket discount.
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleBody {
    pub lines: Vec<SaleLine>,
    pub ticket_discount: Option<Discount>,
    pub prices_include_tax: bool,
    pub gross: Money,
    pub discount: Money,
    pub total: Money,
    pub taxes: Vec<TaxLine>,
    pub tenders: Vec<Tender>,
    pub change: Money,
    pub rounding: Money,
    pub customer: Option<String>,
    pub overrides: Vec<Override>,
}

/// A refunded line, pointing at the line of the original sale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLine {
    pub line: u32,
    pub sku: String,
    pub name: String,
    pub qty: Qty,
    pub tax_rate: TaxRate,
    pub tax: Money,
    pub total: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundBody {
    /// The number of the sale refunded.
    pub original: String,
    pub lines: Vec<RefundLine>,
    pub taxes: Vec<TaxLine>,
    pub total: Money,
    /// What was paid back (cash, rounded to the coin).
    pub tenders: Vec<Tender>,
    pub rounding: Money,
    pub reason: String,
    pub overrides: Vec<Override>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CashDirection {
    In,
    Out,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashMoveBody {
    pub direction: CashDirection,
    pub amount: Money,
    pub reason: String,
    pub overrides: Vec<Override>,
}

/// What a document says. Append variants, never reorder: the index is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocBody {
    Sale(SaleBody),
    Refund(RefundBody),
    CashMove(CashMoveBody),
    NoSale(NoSaleBody),
    DayOpen(DayOpenBody),
    ShiftOpen(ShiftOpenBody),
    ShiftClose(ShiftCloseBody),
    Closing(ClosingBody),
    Customer(CustomerBody),
    Points(PointsBody),
}

/// A customer created or edited at the register, as it was then. The sync server keeps every
/// version; the customer master it sends back wins on the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerBody {
    pub customer: super::customer::Customer,
}

/// The loyalty points one sale or refund moved for its customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsBody {
    /// The sale or refund number ("FV1-000123").
    pub source: String,
    /// The customer's key ("NIT-900173769-1").
    pub customer: String,
    pub movement: super::loyalty::Movement,
}

/// A business date opened for selling. Overrides record a supervisor who allowed a date more
/// than one day after the last closed one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOpenBody {
    /// The last closed business date when this one opened.
    pub after: Option<BusinessDate>,
    pub overrides: Vec<Override>,
}

/// A cashier's shift opened with the float counted into the drawer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftOpenBody {
    pub float: Money,
}

/// A cashier's shift closed: the cash counted blind, and the shift's report (whose expected cash
/// the cashier saw only after counting).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftCloseBody {
    /// The number of the shift's opening document.
    pub opened: String,
    pub cashier: String,
    pub report: Report,
    pub overrides: Vec<Override>,
}

/// The close of a business date (Z): the day's report. No document carries this date again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingBody {
    pub report: Report,
    pub overrides: Vec<Override>,
}

/// The drawer opened with no sale: who allowed it and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoSaleBody {
    pub reason: String,
    pub overrides: Vec<Override>,
}

impl DocBody {
    pub fn kind(&self) -> DocKind {
        match self {
            DocBody::Sale(_) => DocKind::Sale,
            DocBody::Refund(_) => DocKind::Refund,
            DocBody::CashMove(_) => DocKind::CashMove,
            DocBody::NoSale(_) => DocKind::NoSale,
            DocBody::DayOpen(_) => DocKind::DayOpen,
            DocBody::ShiftOpen(_) => DocKind::ShiftOpen,
            DocBody::ShiftClose(_) => DocKind::ShiftClose,
            DocBody::Closing(_) => DocKind::Closing,
            DocBody::Customer(_) => DocKind::Customer,
            DocBody::Points(_) => DocKind::Points,
        }
    }

    /// The document's total as it counts in the journal: refunds and cash out are negative.
    pub fn signed_total(&self) -> Money {
        match self {
            DocBody::Sale(s) => s.total,
            DocBody::Refund(r) => Money::from_minor(-r.total.minor()),
            DocBody::CashMove(c) if c.direction == CashDirection::Out => {
                Money::from_minor(-c.amount.minor())
            }
            DocBody::CashMove(c) => c.amount,
            DocBody::NoSale(_)
            | DocBody::DayOpen(_)
            | DocBody::ShiftOpen(_)
            | DocBody::ShiftClose(_)
            | DocBody::Closing(_)
            | DocBody::Customer(_)
            | DocBody::Points(_) => Money::ZERO,
        }
    }

    pub fn tenders(&self) -> &[Tender] {
        match self {
            DocBody::Sale(s) => &s.tenders,
            DocBody::Refund(r) => &r.tenders,
            _ => &[],
        }
    }

    /// The supervisor authorizations recorded in this document.
    pub fn overrides(&self) -> &[Override] {
        match self {
            DocBody::Sale(s) => &s.overrides,
            DocBody::Refund(r) => &r.overrides,
            DocBody::CashMove(c) => &c.overrides,
            DocBody::NoSale(n) => &n.overrides,
            DocBody::DayOpen(d) => &d.overrides,
            DocBody::ShiftClose(c) => &c.overrides,
            DocBody::Closing(c) => &c.overrides,
            DocBody::ShiftOpen(_) | DocBody::Customer(_) | DocBody::Points(_) => &[],
        }
    }
}

/// A committed document of one register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub number: String,
    pub n: u64,
    pub register: String,
    pub business_date: BusinessDate,
    pub at: Stamp,
    pub cashier: String,
    pub body: DocBody,
    /// The last number of every series (indexed by [`DocKind::index`]) once this document is
    /// counted; lets the store find a number or a date by binary search without an index.
    pub counters: Vec<u64>,
    /// True when the series jumped forward: to the start of a newly authorized numbering range,
    /// or past the numbers the sync server held when this store took its register code over.
    pub opens_range: bool,
    pub prev_hash: [u8; 32],
}

/// A document with the hash that chains the next one to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedDocument {
    pub doc: Document,
    pub hash: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    #[error("the ticket has no lines")]
    Empty,
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error(transparent)]
    Tender(#[from] TenderError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("a reason is required")]
    NoReason,
    #[error("the amount must be greater than zero")]
    NotPositive,
    #[error("the stored figures do not match the lines: {0}")]
    Mismatch(&'static str),
}

impl Document {
    /// The hash of this document's content, prev_hash included.
    pub fn hash(&self) -> [u8; 32] {
        // postcard is deterministic, so equal documents always hash alike. Serializing plain
        // data to a Vec cannot fail; an empty encoding would only make the chain check fail.
        let bytes = postcard::to_allocvec(self).unwrap_or_default();
        Sha256::digest(&bytes).into()
    }

    pub fn seal(self) -> SealedDocument {
        let hash = self.hash();
        SealedDocument { doc: self, hash }
    }

    pub fn kind(&self) -> DocKind {
        self.body.kind()
    }

    /// The counter of one series after this document.
    pub fn counter(&self, kind: DocKind) -> u64 {
        self.counters.get(kind.index()).copied().unwrap_or(0)
    }
}

/// Hex form of a hash, as sync documents carry it.
pub fn hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

impl SaleBody {
    /// Prices and settles a ticket into the body of a sale.
    pub fn build(
        lines: &[TicketLine],
        ticket_discount: Option<Discount>,
        tenders: Vec<Tender>,
        prices_include_tax: bool,
        currency: &Currency,
    ) -> Result<SaleBody, DocError> {
        if lines.is_empty() {
            return Err(DocError::Empty);
        }
        let totals = price(lines, ticket_discount, prices_include_tax)?;
        let Settlement { change, rounding } = settle(totals.total, &tenders, currency)?;
        let sale_lines = lines
            .iter()
            .zip(&totals.lines)
            .map(|(l, p)| SaleLine {
                sku: l.sku.clone(),
                name: l.name.clone(),
                qty: l.qty,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate,
                line_discount: l.discount,
                discount: p.discount,
                tax: p.tax,
                total: p.total,
            })
            .collect();
        Ok(SaleBody {
            lines: sale_lines,
            ticket_discount,
            prices_include_tax,
            gross: totals.gross,
            discount: totals.discount,
            total: totals.total,
            taxes: totals.taxes,
            tenders,
            change,
            rounding,
            customer: None,
            overrides: Vec::new(),
        })
    }

    /// Recomputes every figure from the lines and tenders and compares it with what is stored.
    pub fn verify(&self, currency: &Currency) -> Result<(), DocError> {
        let lines: Vec<TicketLine> = self
            .lines
            .iter()
            .map(|l| TicketLine {
                sku: l.sku.clone(),
                name: l.name.clone(),
                qty: l.qty,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate,
                discount: l.line_discount,
            })
            .collect();
        let again = SaleBody::build(
            &lines,
            self.ticket_discount,
            self.tenders.clone(),
            self.prices_include_tax,
            currency,
        )?;
        let same_lines = again.lines == self.lines;
        if !same_lines {
            return Err(DocError::Mismatch("line figures"));
        }
        if (again.gross, again.discount, again.total) != (self.gross, self.discount, self.total) {
            return Err(DocError::Mismatch("totals"));
        }
        if again.taxes != self.taxes {
            return Err(DocError::Mismatch("tax breakdown"));
        }
        if (again.change, again.rounding) != (self.change, self.rounding) {
            return Err(DocError::Mismatch("change"));
        }
        Ok(())
    }
}

impl RefundBody {
    /// Recomputes the refund's figures from its lines.
    pub fn verify(&self) -> Result<(), DocError> {
        let total = Money::sum(self.lines.iter().map(|l| l.total))?;
        if total != self.total {
            return Err(DocError::Mismatch("refund total"));
        }
        if refund_taxes(&self.lines)? != self.taxes {
            return Err(DocError::Mismatch("refund tax breakdown"));
        }
        let paid = Money::sum(self.tenders.iter().map(|t| t.amount))?;
        if paid != total.checked_add(self.rounding)? {
            return Err(DocError::Mismatch("refund tenders"));
        }
        Ok(())
    }
}

/// The per-rate breakdown of refunded lines.
pub fn refund_taxes(lines: &[RefundLine]) -> Result<Vec<TaxLine>, MoneyError> {
    let mut rates: Vec<TaxRate> = lines.iter().map(|l| l.tax_rate).collect();
    rates.sort();
    rates.dedup();
    rates
        .into_iter()
        .map(|rate| {
            let of_rate = || lines.iter().filter(move |l| l.tax_rate == rate);
            let tax = Money::sum(of_rate().map(|l| l.tax))?;
            let total = Money::sum(of_rate().map(|l| l.total))?;
            Ok(TaxLine {
                rate,
                base: total.checked_sub(tax)?,
                tax,
            })
        })
        .collect()
}

impl CashMoveBody {
    pub fn new(
        direction: CashDirection,
        amount: Money,
        reason: &str,
    ) -> Result<CashMoveBody, DocError> {
        if !amount.is_positive() {
            return Err(DocError::NotPositive);
        }
        if reason.trim().is_empty() {
            return Err(DocError::NoReason);
        }
        Ok(CashMoveBody {
            direction,
            amount,
            reason: reason.trim().to_string(),
            overrides: Vec::new(),
        })
    }
}

/// Cash paid back for a refund of `total`: rounded to the coin.
pub fn cash_refund(total: Money, currency: &Currency) -> Result<(Vec<Tender>, Money), MoneyError> {
    let cash = currency.round_cash(total)?;
    let tenders = if cash.is_positive() {
        vec![Tender {
            kind: TenderKind::Cash,
            amount: cash,
            reference: None,
        }]
    } else {
        Vec::new()
    };
    Ok((tenders, cash.checked_sub(total)?))
}
