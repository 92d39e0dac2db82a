//! What the head office reads of the synced documents, kept as they arrive: each business
//! date's figures per register (the dashboard reads 20 rows, not 100,000 sales), an index of
//! the documents by business date (the day's movements for the ERP), and the sync log (every
//! claim, push, pull, take-over and refused login, 90 days).
//!
//! The figures move in the transaction that stores a document for the first time, as stock
//! does: a re-push, a resend or a replicated copy stores nothing and counts nothing. Money is
//! kept in ten-thousandths of the currency's unit (as `caja chain`'s views keep it), so no
//! currency is needed to add it up; the page formats it in the shop's.

use super::store::{HubError, HubStore};
use redb::{ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// (business date, register) → that day's figures.
const DAYS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("hub_days_v1");
/// (business date, document id) → nothing: the documents of a date.
const BY_DATE: TableDefinition<(&str, &str), ()> = TableDefinition::new("hub_by_date_v1");
/// (UTC milliseconds, number) → a log entry.
const LOG: TableDefinition<(i64, u64), &[u8]> = TableDefinition::new("hub_log_v1");
/// What the store has derived, by name → version: a store made before the figures existed
/// derives them once from its documents when it opens.
const DERIVED: TableDefinition<&str, u64> = TableDefinition::new("hub_derived_v1");

/// Days the sync log keeps.
pub const LOG_DAYS: i64 = 90;

/// A business date's figures for one register. Money in ten-thousandths.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct DayFigures {
    pub documents: u64,
    pub sales: u64,
    pub sales_total: i128,
    pub refunds: u64,
    /// What refunds paid back (a positive figure: the net is sales less it).
    pub refunds_total: i128,
    pub voids: u64,
    pub cancels: u64,
    pub cash_in: i128,
    pub cash_out: i128,
    /// The day's Z, when the hub holds it.
    pub closing: Option<Closing>,
}

impl DayFigures {
    pub fn net(&self) -> i128 {
        self.sales_total.saturating_sub(self.refunds_total)
    }

    fn add(&mut self, o: &DayFigures) {
        self.documents += o.documents;
        self.sales += o.sales;
        self.sales_total = self.sales_total.saturating_add(o.sales_total);
        self.refunds += o.refunds;
        self.refunds_total = self.refunds_total.saturating_add(o.refunds_total);
        self.voids += o.voids;
        self.cancels += o.cancels;
        self.cash_in = self.cash_in.saturating_add(o.cash_in);
        self.cash_out = self.cash_out.saturating_add(o.cash_out);
    }
}

/// A register's close of day as its Z says it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Closing {
    pub number: String,
    pub at: String,
    pub expected_cash: i128,
    pub counted_cash: Option<i128>,
}

#[derive(Serialize, Deserialize)]
enum DayRecord {
    V1(DayFigures),
}

/// What a document of `caja-docs` adds to its date's figures.
pub struct DocFacts {
    id: String,
    date: String,
    register: String,
    figures: DayFigures,
}

/// The register a document belongs to: the one its id names (the only one allowed to write
/// it), never what its body claims; a customer, which any register may write, by its body.
fn register_of(id: &str, doc: &Value) -> Option<String> {
    let (_, rest) = id.split_once(':')?;
    match crate::domain::numbering::parse_number(rest) {
        Ok((reg, _, _)) => Some(reg.to_string()),
        Err(_) => doc["register"].as_str().map(String::from),
    }
}

pub fn facts_of(doc: &Value) -> Option<DocFacts> {
    let id = doc["_id"].as_str()?;
    if id.starts_with('_') || doc.get("_deleted").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let date = doc["business_date"].as_str()?;
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let register = register_of(id, doc)?;
    let units = |k: &str| crate::sync::decimal_units(doc[k].as_str().unwrap_or("0"));
    let mut f = DayFigures {
        documents: 1,
        ..Default::default()
    };
    match doc["type"].as_str().unwrap_or_default() {
        "sale" => {
            f.sales = 1;
            f.sales_total = units("total");
        }
        "refund" => {
            f.refunds = 1;
            f.refunds_total = units("total");
        }
        "void" => f.voids = 1,
        "cancel" => f.cancels = 1,
        "cash" => match doc["direction"].as_str() {
            Some("out") => f.cash_out = units("amount"),
            _ => f.cash_in = units("amount"),
        },
        "closing" => {
            let r = &doc["report"];
            let u = |k: &str| r[k].as_str().map(crate::sync::decimal_units);
            f.closing = Some(Closing {
                number: doc["number"].as_str().unwrap_or_default().to_string(),
                at: doc["at"].as_str().unwrap_or_default().to_string(),
                expected_cash: u("expected_cash").unwrap_or(0),
                counted_cash: u("counted_cash"),
            });
        }
        _ => {}
    }
    Some(DocFacts {
        id: id.to_string(),
        date: date.to_string(),
        register,
        figures: f,
    })
}

fn decode<T: for<'a> Deserialize<'a>>(b: &[u8]) -> Result<T, HubError> {
    Ok(postcard::from_bytes(b)?)
}

fn day_of(b: &[u8]) -> Result<DayFigures, HubError> {
    let DayRecord::V1(d) = decode(b)?;
    Ok(d)
}

/// Makes the tables (the hub's store opens them all when it opens).
pub(super) fn create_tables(tx: &WriteTransaction) -> Result<(), HubError> {
    tx.open_table(DAYS)?;
    tx.open_table(BY_DATE)?;
    tx.open_table(LOG)?;
    tx.open_table(DERIVED)?;
    Ok(())
}

/// Adds the documents a write stored for the first time (each once), in its transaction.
pub fn apply(tx: &WriteTransaction, facts: &[DocFacts]) -> Result<(), HubError> {
    if facts.is_empty() {
        return Ok(());
    }
    let mut days = tx.open_table(DAYS)?;
    let mut by_date = tx.open_table(BY_DATE)?;
    for f in facts {
        by_date.insert((f.date.as_str(), f.id.as_str()), ())?;
        let key = (f.date.as_str(), f.register.as_str());
        let mut d = match days.get(key)? {
            Some(v) => day_of(v.value())?,
            None => DayFigures::default(),
        };
        d.add(&f.figures);
        if f.figures.closing.is_some() {
            d.closing = f.figures.closing.clone();
        }
        days.insert(key, postcard::to_allocvec(&DayRecord::V1(d))?.as_slice())?;
    }
    Ok(())
}

/// Whether the store has derived `what` (see [`DERIVED`]); marks it so in `tx`.
pub(super) fn derive_once(tx: &WriteTransaction, what: &str) -> Result<bool, HubError> {
    let mut t = tx.open_table(DERIVED)?;
    if t.get(what)?.is_some() {
        return Ok(false);
    }
    t.insert(what, 1)?;
    Ok(true)
}

/// One event of the sync log.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum LogEvent {
    /// A register took its code for the first time.
    Claim { store: String },
    /// Another store took a register's code over.
    TakeOver { store: String, previous: String },
    /// Documents pushed: stored now, already held, refused (id and why, the first 20).
    Push {
        received: u64,
        already: u64,
        refused_count: u64,
        refused: Vec<(String, String)>,
    },
    /// A catalog pull the register applied, as it reported it.
    Pull {
        mode: String,
        products: u64,
        removed: u64,
    },
    /// A catalog pull that failed at the register, as it reported it.
    PullFailed { mode: String },
    /// A name and password refused (the address they came from).
    LoginRefused { address: String },
}

/// A line of the sync log: when (RFC 3339, the hub's local time), who (the register, or the
/// name given), what.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct LogEntry {
    pub at: String,
    pub register: String,
    pub event: LogEvent,
}

#[derive(Serialize, Deserialize)]
enum LogRecord {
    V1(LogEntry),
}

impl HubStore {
    /// Each register's figures for a business date.
    pub fn day_figures(&self, date: &str) -> Result<Vec<(String, DayFigures)>, HubError> {
        let tx = self.db.begin_read()?;
        let days = tx.open_table(DAYS)?;
        let mut out = Vec::new();
        for r in days.range((date, "")..)? {
            let (k, v) = r?;
            let (d, register) = k.value();
            if d != date {
                break;
            }
            out.push((register.to_string(), day_of(v.value())?));
        }
        Ok(out)
    }

    /// Calls `f` with every document of a business date (of one register, when given), in
    /// id order, one at a time.
    pub fn movements_each(
        &self,
        date: &str,
        register: Option<&str>,
        mut f: impl FnMut(&Value) -> Result<(), HubError>,
    ) -> Result<(), HubError> {
        let tx = self.db.begin_read()?;
        let by_date = tx.open_table(BY_DATE)?;
        for r in by_date.range((date, "")..)? {
            let (k, _) = r?;
            let (d, id) = k.value();
            if d != date {
                break;
            }
            let doc = match self.get_in(&tx, "caja-docs", id) {
                Ok(doc) => doc,
                Err(HubError::NotFound) => continue,
                Err(e) => return Err(e),
            };
            if register.is_some_and(|want| {
                register_of(id, &doc).is_none_or(|r| !r.eq_ignore_ascii_case(want))
            }) {
                continue;
            }
            f(&doc)?;
        }
        Ok(())
    }

    /// Adds a line to the sync log, and drops the lines older than [`LOG_DAYS`].
    pub fn log(&self, register: &str, event: LogEvent) -> Result<(), HubError> {
        let now = chrono::Local::now();
        let entry = LogEntry {
            at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            register: register.to_string(),
            event,
        };
        let ms = now.timestamp_millis();
        // Not synced on its own: a push batch would pay a second fsync for its log line, and
        // a guesser one per guess. The line is on disk with the hub's next durable write (a
        // power cut before it loses the line, never a document).
        let mut tx = self.db.begin_write()?;
        tx.set_durability(redb::Durability::None)?;
        {
            let mut log = tx.open_table(LOG)?;
            let n = log
                .last()?
                .map(|(k, _)| k.value().1.wrapping_add(1))
                .unwrap_or(0);
            log.insert(
                (ms, n),
                postcard::to_allocvec(&LogRecord::V1(entry))?.as_slice(),
            )?;
            if n % 512 == 0 {
                let cutoff = ms.saturating_sub(LOG_DAYS * 86_400_000);
                log.retain_in((i64::MIN, 0)..(cutoff, 0), |_, _| false)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The log lines from `from` to `to` (UTC milliseconds, `to` excluded), of one register
    /// when given, oldest first.
    pub fn log_each(
        &self,
        from: i64,
        to: i64,
        register: Option<&str>,
        mut f: impl FnMut(&LogEntry) -> Result<(), HubError>,
    ) -> Result<(), HubError> {
        let tx = self.db.begin_read()?;
        let log = tx.open_table(LOG)?;
        for r in log.range((from, 0)..(to, 0))? {
            let (_, v) = r?;
            let LogRecord::V1(e) = decode(v.value())?;
            if register.is_none_or(|want| e.register.eq_ignore_ascii_case(want)) {
                f(&e)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_adds_what_its_type_says() {
        let sale = json!({"_id": "sale:FV1-000001", "type": "sale", "register": "XX9",
            "business_date": "2026-12-07", "total": "11900.50"});
        let f = facts_of(&sale).unwrap();
        assert_eq!(
            (f.register.as_str(), f.date.as_str()),
            ("FV1", "2026-12-07")
        );
        assert_eq!((f.figures.sales, f.figures.sales_total), (1, 119_005_000));
        let refund = json!({"_id": "refund:FV1-DV-000002", "type": "refund",
            "business_date": "2026-12-07", "total": "500"});
        let f = facts_of(&refund).unwrap();
        assert_eq!((f.figures.refunds, f.figures.refunds_total), (1, 5_000_000));
        let out = json!({"_id": "cash:FV1-MC-000001", "type": "cash", "direction": "out",
            "business_date": "2026-12-07", "amount": "20000"});
        assert_eq!(facts_of(&out).unwrap().figures.cash_out, 200_000_000);
        let z = json!({"_id": "closing:FV1-Z-000001", "type": "closing", "number": "FV1-Z-000001",
            "business_date": "2026-12-07", "at": "2026-12-07T21:00:00-05:00",
            "report": {"expected_cash": "50000", "counted_cash": "49950"}});
        let c = facts_of(&z).unwrap().figures.closing.unwrap();
        assert_eq!(
            (c.expected_cash, c.counted_cash),
            (500_000_000, Some(499_500_000))
        );
        // No date, a bad date, a deletion: nothing.
        assert!(facts_of(&json!({"_id": "sale:FV1-000003", "type": "sale"})).is_none());
        assert!(facts_of(&json!({"_id": "sale:FV1-000003", "business_date": "ayer"})).is_none());
        assert!(facts_of(&json!({"_id": "sale:FV1-000003", "_deleted": true})).is_none());
    }
}
