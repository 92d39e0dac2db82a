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
    pub action: OverrideAction,
    pub supervisor: String,
    /// A [`RegisterReason`]'s words, or what a person typed (a cash movement's reason).
    pub reason: String,
}

/// What a supervisor's override allowed, or what the register recorded on its own (a
/// shift's or a day's close, the drawer test).
///
/// Stored as its code, a string: the bytes are those of the `String` this type replaced,
/// in postcard and in JSON, so every store and journal written before reads the same. A
/// code this caja does not know (from a newer register, through the hub) is kept as read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OverrideAction {
    Discount,
    VoidLine,
    Cancel,
    Refund,
    NoSale,
    CashIn,
    CashOut,
    CashOutOver,
    OpenDay,
    CorrectDay,
    Price,
    Quantity,
    CloseDay,
    CloseShift,
    DrawerTest,
    Other(String),
}

impl OverrideAction {
    /// Every action this caja names (not `Other`).
    pub const KNOWN: [OverrideAction; 15] = [
        OverrideAction::Discount,
        OverrideAction::VoidLine,
        OverrideAction::Cancel,
        OverrideAction::Refund,
        OverrideAction::NoSale,
        OverrideAction::CashIn,
        OverrideAction::CashOut,
        OverrideAction::CashOutOver,
        OverrideAction::OpenDay,
        OverrideAction::CorrectDay,
        OverrideAction::Price,
        OverrideAction::Quantity,
        OverrideAction::CloseDay,
        OverrideAction::CloseShift,
        OverrideAction::DrawerTest,
    ];

    /// The stored code.
    pub fn code(&self) -> &str {
        use OverrideAction as A;
        match self {
            A::Discount => "discount",
            A::VoidLine => "void_line",
            A::Cancel => "cancel",
            A::Refund => "refund",
            A::NoSale => "no_sale",
            A::CashIn => "cash_in",
            A::CashOut => "cash_out",
            A::CashOutOver => "cash_out_over",
            A::OpenDay => "open_day",
            A::CorrectDay => "correct_day",
            A::Price => "price",
            A::Quantity => "quantity",
            A::CloseDay => "close_day",
            A::CloseShift => "close_shift",
            A::DrawerTest => "drawer_test",
            A::Other(code) => code,
        }
    }

    /// The action of a stored code; an unknown one is kept as `Other`.
    pub fn from_code(code: &str) -> OverrideAction {
        Self::KNOWN
            .iter()
            .find(|a| a.code() == code)
            .cloned()
            .unwrap_or_else(|| OverrideAction::Other(code.to_string()))
    }
}

/// Ordered by code, as the X and Z reports list them.
impl Ord for OverrideAction {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl PartialOrd for OverrideAction {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for OverrideAction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for OverrideAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Ok(OverrideAction::from_code(&code))
    }
}

/// A reason the register records itself, beside an override or a no-sale. Sealed documents
/// keep it in English (these words, for people at the edge); receipts and reports read it
/// back with [`RegisterReason::parse`] to word it in the register's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterReason {
    AfterPaymentStarted,
    TendersGivenBack,
    HeldTicketDeleted,
    OverDrawer,
    OverLimit,
    DateOutOfSequence,
    FirstBusinessDate,
    ServerClock,
    WrongClock,
    CloseOfDay,
    DrawerTest,
    Diagnostics,
}

impl RegisterReason {
    pub const ALL: [RegisterReason; 12] = [
        RegisterReason::AfterPaymentStarted,
        RegisterReason::TendersGivenBack,
        RegisterReason::HeldTicketDeleted,
        RegisterReason::OverDrawer,
        RegisterReason::OverLimit,
        RegisterReason::DateOutOfSequence,
        RegisterReason::FirstBusinessDate,
        RegisterReason::ServerClock,
        RegisterReason::WrongClock,
        RegisterReason::CloseOfDay,
        RegisterReason::DrawerTest,
        RegisterReason::Diagnostics,
    ];

    /// The stored words.
    pub fn text(self) -> &'static str {
        use RegisterReason as R;
        match self {
            R::AfterPaymentStarted => "after payment started",
            R::TendersGivenBack => "tenders given back",
            R::HeldTicketDeleted => "held ticket deleted",
            R::OverDrawer => "more than the drawer holds",
            R::OverLimit => "over the limit",
            R::DateOutOfSequence => "date out of sequence",
            R::FirstBusinessDate => "first business date",
            R::ServerClock => "clock differs from the server",
            R::WrongClock => "wrong clock",
            R::CloseOfDay => "close of day",
            R::DrawerTest => "drawer test",
            R::Diagnostics => "diagnostics",
        }
    }

    /// The register's reason these stored words are, if they are one.
    pub fn parse(text: &str) -> Option<RegisterReason> {
        Self::ALL.into_iter().find(|r| r.text() == text)
    }

    /// The words of a shift's close: "shift of {cashier}".
    pub fn shift_of(cashier: &str) -> String {
        format!("{SHIFT_OF}{cashier}")
    }

    /// The cashier of a shift close's words.
    pub fn shift_cashier(text: &str) -> Option<&str> {
        text.strip_prefix(SHIFT_OF)
    }
}

const SHIFT_OF: &str = "shift of ";

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

/// What a document says. Stored through [`wire`]: its variant indexes are fixed there.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    Void(VoidBody),
    Cancel(CancelBody),
    DayCorrect(DayCorrectBody),
}

/// A line taken off a ticket before the ticket was paid: who, which line, how much, and the
/// supervisor who allowed it once payment had started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidBody {
    /// The line's place on the ticket when it was voided (1 is the first line).
    pub position: u32,
    pub sku: String,
    pub name: String,
    pub qty: Qty,
    pub unit_price: Money,
    pub tax_rate: TaxRate,
    /// What the line was worth: quantity times price less its own discount (before the
    /// ticket's discount, and before tax when prices do not include it).
    pub amount: Money,
    /// Tenders had already been taken on the ticket.
    pub after_payment: bool,
    pub overrides: Vec<Override>,
}

/// A ticket given up unpaid: cancelled on the till, or deleted from hold. Tenders already taken
/// are listed because they must be given back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelBody {
    pub lines: Vec<TicketLine>,
    pub ticket_discount: Option<Discount>,
    /// What the ticket came to.
    pub total: Money,
    /// Tenders taken before the ticket was given up, with their references.
    pub tenders: Vec<Tender>,
    /// A held ticket deleted, rather than the ticket on the till cancelled.
    pub held: bool,
    pub reason: String,
    pub overrides: Vec<Override>,
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

/// An open business date that had no sale yet (opened under a wrong clock, say) moved to another
/// date by a supervisor. The documents of the wrong date (its opening and the shifts' openings)
/// stay as they were sealed; this document carries the corrected date, and the floats of the
/// shifts still open move with it into that date's figures. It is the one place where the chain's
/// business date may go back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCorrectBody {
    /// The date that was open, given up.
    pub wrong: BusinessDate,
    /// The number of that date's opening document ("FV1-DA-000001").
    pub opened: String,
    /// The last closed business date, as when the wrong date opened.
    pub after: Option<BusinessDate>,
    /// The floats of the shifts open on the wrong date, now counted in the corrected one.
    pub floats: Money,
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
            DocBody::Void(_) => DocKind::Void,
            DocBody::Cancel(_) => DocKind::Cancel,
            DocBody::DayCorrect(_) => DocKind::DayCorrect,
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
            | DocBody::Points(_)
            | DocBody::Void(_)
            | DocBody::Cancel(_)
            | DocBody::DayCorrect(_) => Money::ZERO,
        }
    }

    /// The tenders that moved money: a cancelled ticket's tenders were given back, so none.
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
            DocBody::Void(v) => &v.overrides,
            DocBody::Cancel(c) => &c.overrides,
            DocBody::DayCorrect(c) => &c.overrides,
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
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
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

/// How a [`DocBody`] is stored. Variant indexes are fixed forever: append, never reorder.
///
/// Shift closes and closings made before the money trail carry a report without its
/// [`Trail`](super::report::Trail); they keep their variants (6 and 7) and their exact bytes, so
/// their hashes still verify. Reports with a trail use variants 12 and 13.
mod wire {
    use super::*;
    use crate::domain::report::{Report, TenderTotal};
    use serde::ser::SerializeStruct;

    /// A report as it was stored before the trail: every field but `trail`, in order.
    #[derive(Deserialize)]
    pub struct ReportV1 {
        first_sale: Option<String>,
        last_sale: Option<String>,
        documents: u32,
        sales: u32,
        gross: Money,
        discounts: Money,
        sales_total: Money,
        refunds: u32,
        refunds_total: Money,
        rounding: Money,
        tenders: Vec<TenderTotal>,
        taxes: Vec<TaxLine>,
        voids: u32,
        overrides: u32,
        no_sales: u32,
        cash_in: Money,
        cash_out: Money,
        floats: Money,
        shifts_closed: u32,
        expected_cash: Money,
        counted_cash: Option<Money>,
    }

    impl From<ReportV1> for Report {
        fn from(r: ReportV1) -> Report {
            Report {
                first_sale: r.first_sale,
                last_sale: r.last_sale,
                documents: r.documents,
                sales: r.sales,
                gross: r.gross,
                discounts: r.discounts,
                sales_total: r.sales_total,
                refunds: r.refunds,
                refunds_total: r.refunds_total,
                rounding: r.rounding,
                tenders: r.tenders,
                taxes: r.taxes,
                voids: r.voids,
                overrides: r.overrides,
                no_sales: r.no_sales,
                cash_in: r.cash_in,
                cash_out: r.cash_out,
                floats: r.floats,
                shifts_closed: r.shifts_closed,
                expected_cash: r.expected_cash,
                counted_cash: r.counted_cash,
                trail: None,
            }
        }
    }

    /// Writes a report in the layout of [`ReportV1`].
    pub struct LegacyReport<'a>(pub &'a Report);

    impl Serialize for LegacyReport<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let r = self.0;
            let mut st = s.serialize_struct("ReportV1", 21)?;
            st.serialize_field("first_sale", &r.first_sale)?;
            st.serialize_field("last_sale", &r.last_sale)?;
            st.serialize_field("documents", &r.documents)?;
            st.serialize_field("sales", &r.sales)?;
            st.serialize_field("gross", &r.gross)?;
            st.serialize_field("discounts", &r.discounts)?;
            st.serialize_field("sales_total", &r.sales_total)?;
            st.serialize_field("refunds", &r.refunds)?;
            st.serialize_field("refunds_total", &r.refunds_total)?;
            st.serialize_field("rounding", &r.rounding)?;
            st.serialize_field("tenders", &r.tenders)?;
            st.serialize_field("taxes", &r.taxes)?;
            st.serialize_field("voids", &r.voids)?;
            st.serialize_field("overrides", &r.overrides)?;
            st.serialize_field("no_sales", &r.no_sales)?;
            st.serialize_field("cash_in", &r.cash_in)?;
            st.serialize_field("cash_out", &r.cash_out)?;
            st.serialize_field("floats", &r.floats)?;
            st.serialize_field("shifts_closed", &r.shifts_closed)?;
            st.serialize_field("expected_cash", &r.expected_cash)?;
            st.serialize_field("counted_cash", &r.counted_cash)?;
            st.end()
        }
    }

    #[derive(Deserialize)]
    pub struct ShiftCloseV1 {
        opened: String,
        cashier: String,
        report: ReportV1,
        overrides: Vec<Override>,
    }

    struct ShiftCloseV1Ref<'a>(&'a ShiftCloseBody);

    impl Serialize for ShiftCloseV1Ref<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let b = self.0;
            let mut st = s.serialize_struct("ShiftCloseV1", 4)?;
            st.serialize_field("opened", &b.opened)?;
            st.serialize_field("cashier", &b.cashier)?;
            st.serialize_field("report", &LegacyReport(&b.report))?;
            st.serialize_field("overrides", &b.overrides)?;
            st.end()
        }
    }

    #[derive(Deserialize)]
    pub struct ClosingV1 {
        report: ReportV1,
        overrides: Vec<Override>,
    }

    struct ClosingV1Ref<'a>(&'a ClosingBody);

    impl Serialize for ClosingV1Ref<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("ClosingV1", 2)?;
            st.serialize_field("report", &LegacyReport(&self.0.report))?;
            st.serialize_field("overrides", &self.0.overrides)?;
            st.end()
        }
    }

    /// Every stored variant, in index order.
    #[derive(Deserialize)]
    #[serde(rename = "DocBody")]
    enum Wire {
        Sale(SaleBody),
        Refund(RefundBody),
        CashMove(CashMoveBody),
        NoSale(NoSaleBody),
        DayOpen(DayOpenBody),
        ShiftOpen(ShiftOpenBody),
        ShiftClose(ShiftCloseV1),
        Closing(ClosingV1),
        Customer(CustomerBody),
        Points(PointsBody),
        Void(VoidBody),
        Cancel(CancelBody),
        ShiftClose2(ShiftCloseBody),
        Closing2(ClosingBody),
        DayCorrect(DayCorrectBody),
    }

    impl Serialize for DocBody {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            const N: &str = "DocBody";
            match self {
                DocBody::Sale(b) => s.serialize_newtype_variant(N, 0, "Sale", b),
                DocBody::Refund(b) => s.serialize_newtype_variant(N, 1, "Refund", b),
                DocBody::CashMove(b) => s.serialize_newtype_variant(N, 2, "CashMove", b),
                DocBody::NoSale(b) => s.serialize_newtype_variant(N, 3, "NoSale", b),
                DocBody::DayOpen(b) => s.serialize_newtype_variant(N, 4, "DayOpen", b),
                DocBody::ShiftOpen(b) => s.serialize_newtype_variant(N, 5, "ShiftOpen", b),
                DocBody::ShiftClose(b) if b.report.trail.is_none() => {
                    s.serialize_newtype_variant(N, 6, "ShiftClose", &ShiftCloseV1Ref(b))
                }
                DocBody::Closing(b) if b.report.trail.is_none() => {
                    s.serialize_newtype_variant(N, 7, "Closing", &ClosingV1Ref(b))
                }
                DocBody::Customer(b) => s.serialize_newtype_variant(N, 8, "Customer", b),
                DocBody::Points(b) => s.serialize_newtype_variant(N, 9, "Points", b),
                DocBody::Void(b) => s.serialize_newtype_variant(N, 10, "Void", b),
                DocBody::Cancel(b) => s.serialize_newtype_variant(N, 11, "Cancel", b),
                DocBody::ShiftClose(b) => s.serialize_newtype_variant(N, 12, "ShiftClose2", b),
                DocBody::Closing(b) => s.serialize_newtype_variant(N, 13, "Closing2", b),
                DocBody::DayCorrect(b) => s.serialize_newtype_variant(N, 14, "DayCorrect", b),
            }
        }
    }

    impl<'de> Deserialize<'de> for DocBody {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<DocBody, D::Error> {
            Ok(match Wire::deserialize(d)? {
                Wire::Sale(b) => DocBody::Sale(b),
                Wire::Refund(b) => DocBody::Refund(b),
                Wire::CashMove(b) => DocBody::CashMove(b),
                Wire::NoSale(b) => DocBody::NoSale(b),
                Wire::DayOpen(b) => DocBody::DayOpen(b),
                Wire::ShiftOpen(b) => DocBody::ShiftOpen(b),
                Wire::ShiftClose(b) => DocBody::ShiftClose(ShiftCloseBody {
                    opened: b.opened,
                    cashier: b.cashier,
                    report: b.report.into(),
                    overrides: b.overrides,
                }),
                Wire::Closing(b) => DocBody::Closing(ClosingBody {
                    report: b.report.into(),
                    overrides: b.overrides,
                }),
                Wire::Customer(b) => DocBody::Customer(b),
                Wire::Points(b) => DocBody::Points(b),
                Wire::Void(b) => DocBody::Void(b),
                Wire::Cancel(b) => DocBody::Cancel(b),
                Wire::ShiftClose2(b) => DocBody::ShiftClose(b),
                Wire::Closing2(b) => DocBody::Closing(b),
                Wire::DayCorrect(b) => DocBody::DayCorrect(b),
            })
        }
    }
}
