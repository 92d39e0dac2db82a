//! Stock at the hub: the quantity on hand per SKU and its kardex (the movement ledger), kept
//! in the same transaction that stores a register's sale or refund, so that a document stored
//! once moves stock once (a re-push, a resend or a replicated copy stores nothing, and moves
//! nothing). The shop loads counts, goods received and corrections (`caja hub stock import`),
//! each load a movement with its note. Quantities are in thousandths of a unit (weights have
//! three decimals); a product sold with no count goes negative and is listed as such.

use super::store::{HubError, HubStore};
use crate::csvio::{StockKind, StockRow};
use redb::{
    ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition, WriteTransaction,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// SKU → its level.
const STOCK: TableDefinition<&str, &[u8]> = TableDefinition::new("hub_stock_v1");
/// (SKU, movement number from 1) → the movement.
const KARDEX: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("hub_kardex_v1");
/// (business date, SKU) → thousandths sold that date (sale lines; refunds are not netted).
const SOLD: TableDefinition<(&str, &str), i64> = TableDefinition::new("hub_sold_v1");
/// SKU → the lowest stock the shop wants of it (the catalog's `min_stock`), in thousandths.
const MIN: TableDefinition<&str, i64> = TableDefinition::new("hub_min_stock_v1");
/// SKU → its on-hand, for every SKU at or below its minimum or below zero: what the
/// dashboard lists without reading every level.
const LOW: TableDefinition<&str, i64> = TableDefinition::new("hub_low_stock_v1");

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Level {
    pub on_hand: i64,
    pub moves: u64,
    /// The last movement's time, as its document says it (RFC 3339).
    pub last_move: String,
}

#[derive(Serialize, Deserialize)]
enum LevelRecord {
    V1(Level),
}

/// One line of the kardex.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Movement {
    pub at: String,
    pub document: String,
    /// `sale`, `refund`, `count`, `receipt` or `adjust`.
    pub kind: String,
    pub r#in: i64,
    pub out: i64,
    pub balance: i64,
    pub note: String,
}

#[derive(Serialize, Deserialize)]
enum MovementRecord {
    V1(Movement),
}

/// Makes the stock tables (the hub's store opens them all when it opens).
pub(super) fn create_tables(tx: &WriteTransaction) -> Result<(), HubError> {
    tx.open_table(STOCK)?;
    tx.open_table(KARDEX)?;
    tx.open_table(SOLD)?;
    tx.open_table(MIN)?;
    tx.open_table(LOW)?;
    Ok(())
}

/// Whether `on_hand` is to be listed: below zero, or at or below a minimum set.
fn is_low(on_hand: i64, min: Option<i64>) -> bool {
    on_hand < 0 || min.is_some_and(|m| on_hand <= m)
}

fn decode<T: for<'a> Deserialize<'a>>(b: &[u8]) -> Result<T, HubError> {
    Ok(postcard::from_bytes(b)?)
}

fn level_of(b: &[u8]) -> Result<Level, HubError> {
    let LevelRecord::V1(l) = decode(b)?;
    Ok(l)
}

/// A decimal quantity ("1", "0.750", "-2") in thousandths; None when it is not one.
pub fn milli_of(s: &str) -> Option<i64> {
    let (neg, t) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty()
        || frac.len() > 3
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let v = int
        .parse::<i64>()
        .ok()?
        .checked_mul(1000)?
        .checked_add(format!("{frac:0<3}").parse::<i64>().ok()?)?;
    Some(if neg { -v } else { v })
}

/// Thousandths as the decimal a shop reads ("1.5", "-2", "0.375").
pub fn milli_text(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let (int, frac) = (a / 1000, a % 1000);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{}", format!("{frac:03}").trim_end_matches('0'))
    }
}

/// What a document of `caja-docs` does to stock: (SKU, in, out) per line of a sale (out) or a
/// refund (in), with the document's time, number and business date.
pub struct DocMoves {
    pub at: String,
    pub document: String,
    pub kind: &'static str,
    pub business_date: String,
    pub lines: Vec<(String, i64)>,
}

pub fn moves_of(doc: &Value) -> Option<DocMoves> {
    let kind = match doc["type"].as_str()? {
        "sale" => "sale",
        "refund" => "refund",
        _ => return None,
    };
    let lines = doc["lines"]
        .as_array()?
        .iter()
        .filter_map(|l| {
            Some((
                l["sku"].as_str()?.to_string(),
                milli_of(l["qty"].as_str()?)?,
            ))
        })
        .collect();
    Some(DocMoves {
        at: doc["at"].as_str().unwrap_or_default().to_string(),
        document: doc["number"].as_str().unwrap_or_default().to_string(),
        kind,
        business_date: doc["business_date"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        lines,
    })
}

/// The stock tables, opened once for a whole write transaction (a sync batch of 500 sales
/// moves a few thousand lines: opening a table per line would cost more than the line).
struct Tables<'t> {
    stock: redb::Table<'t, &'static str, &'static [u8]>,
    kardex: redb::Table<'t, (&'static str, u64), &'static [u8]>,
    sold: redb::Table<'t, (&'static str, &'static str), i64>,
    min: redb::Table<'t, &'static str, i64>,
    low: redb::Table<'t, &'static str, i64>,
}

impl<'t> Tables<'t> {
    fn open(tx: &'t WriteTransaction) -> Result<Tables<'t>, HubError> {
        Ok(Tables {
            stock: tx.open_table(STOCK)?,
            kardex: tx.open_table(KARDEX)?,
            sold: tx.open_table(SOLD)?,
            min: tx.open_table(MIN)?,
            low: tx.open_table(LOW)?,
        })
    }

    fn on_hand(&self, sku: &str) -> Result<i64, HubError> {
        Ok(match self.stock.get(sku)? {
            Some(v) => level_of(v.value())?.on_hand,
            None => 0,
        })
    }

    /// Adds one movement to a SKU's level and kardex.
    fn record(
        &mut self,
        sku: &str,
        delta: i64,
        at: &str,
        document: &str,
        kind: &str,
        note: &str,
    ) -> Result<Level, HubError> {
        let mut level = match self.stock.get(sku)? {
            Some(v) => level_of(v.value())?,
            None => Level::default(),
        };
        level.on_hand = level
            .on_hand
            .checked_add(delta)
            .ok_or_else(|| HubError::Bad(format!("{sku}: the quantity on hand overflows")))?;
        level.moves += 1;
        level.last_move = at.to_string();
        let m = Movement {
            at: at.to_string(),
            document: document.to_string(),
            kind: kind.to_string(),
            r#in: delta.max(0),
            out: (-delta).max(0),
            balance: level.on_hand,
            note: note.to_string(),
        };
        self.kardex.insert(
            (sku, level.moves),
            postcard::to_allocvec(&MovementRecord::V1(m))?.as_slice(),
        )?;
        self.stock.insert(
            sku,
            postcard::to_allocvec(&LevelRecord::V1(level.clone()))?.as_slice(),
        )?;
        let min = self.min.get(sku)?.map(|v| v.value());
        if is_low(level.on_hand, min) {
            self.low.insert(sku, level.on_hand)?;
        } else {
            self.low.remove(sku)?;
        }
        Ok(level)
    }

    /// A stored document's movements, and what its sale lines sold on its date.
    fn apply(&mut self, m: &DocMoves) -> Result<(), HubError> {
        for (sku, qty) in &m.lines {
            let delta = if m.kind == "sale" { -qty } else { *qty };
            self.record(sku, delta, &m.at, &m.document, m.kind, "")?;
            if m.kind == "sale" {
                let key = (m.business_date.as_str(), sku.as_str());
                let before = self.sold.get(key)?.map_or(0, |v| v.value());
                self.sold.insert(key, before.saturating_add(*qty))?;
            }
        }
        Ok(())
    }
}

/// Whether no SKU has a level yet (a store made before stock was kept).
pub(super) fn is_empty(tx: &WriteTransaction) -> Result<bool, HubError> {
    Ok(tx.open_table(STOCK)?.is_empty()?)
}

/// Applies the movements of the documents a write stored for the first time (each once), in
/// the caller's transaction.
pub fn apply(tx: &WriteTransaction, moves: &[DocMoves]) -> Result<(), HubError> {
    if moves.is_empty() {
        return Ok(());
    }
    let mut t = Tables::open(tx)?;
    moves.iter().try_for_each(|m| t.apply(m))
}

/// What one row of a load did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    pub sku: String,
    pub before: i64,
    pub after: i64,
}

/// A product the dashboard lists: at or below its minimum, or below zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowLine {
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
    pub min: Option<i64>,
}

/// A row of `caja hub stock`: a product, what is on hand, what sold on the date, the last
/// movement's time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockLine {
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
    pub sold_today: i64,
    pub last_move: String,
}

impl HubStore {
    /// Loads counts, receipts and corrections in one durable transaction: all or nothing. A
    /// SKU the catalog does not have is refused before anything is written (its line named);
    /// a count becomes the movement that brings the on-hand to the counted figure. `load` names
    /// the load (its rows are `stock:LOAD-LINE` in the kardex); `at` is its time.
    pub fn stock_import(
        &self,
        rows: &[StockRow],
        load: &str,
        at: &str,
    ) -> Result<Result<Vec<Loaded>, crate::csvio::CsvError>, HubError> {
        for r in rows {
            let held = self.get("caja-catalog", &format!("product:{}", r.sku));
            if matches!(held, Err(HubError::NotFound)) {
                return Ok(Err(crate::csvio::CsvError {
                    line: r.line,
                    column: Some("sku".into()),
                    problem: crate::csvio::CsvProblem::UnknownSku { sku: r.sku.clone() },
                }));
            }
            held?;
        }
        let mut tx = self.db().begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        let mut out = Vec::with_capacity(rows.len());
        {
            let mut t = Tables::open(&tx)?;
            for r in rows {
                let before = t.on_hand(&r.sku)?;
                let delta = match r.kind {
                    StockKind::Count => r.milli - before,
                    StockKind::Receipt | StockKind::Adjust => r.milli,
                };
                let document = format!("stock:{load}-{}", r.line);
                let level = t.record(&r.sku, delta, at, &document, r.kind.code(), &r.note)?;
                out.push(Loaded {
                    sku: r.sku.clone(),
                    before,
                    after: level.on_hand,
                });
            }
        }
        tx.commit()?;
        Ok(Ok(out))
    }

    /// Sets every product's minimum stock at once (a catalog file with a `min_stock` column:
    /// a product it leaves empty has none), and lists again what is low.
    pub fn set_min_stock(&self, mins: &[(String, i64)]) -> Result<(), HubError> {
        let mut tx = self.db().begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        {
            let mut t = Tables::open(&tx)?;
            t.min.retain(|_, _| false)?;
            for (sku, m) in mins {
                t.min.insert(sku.as_str(), *m)?;
            }
            t.low.retain(|_, _| false)?;
            for row in t.stock.iter()? {
                let (k, v) = row?;
                let on_hand = level_of(v.value())?.on_hand;
                let min = t.min.get(k.value())?.map(|v| v.value());
                if is_low(on_hand, min) {
                    t.low.insert(k.value(), on_hand)?;
                }
            }
            // A product with a minimum that never moved has nothing on hand.
            for (sku, m) in mins {
                if *m >= 0 && t.stock.get(sku.as_str())?.is_none() {
                    t.low.insert(sku.as_str(), 0)?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The products at or below their minimum or below zero, by SKU (the first `limit`), with
    /// their name, on-hand and minimum; and how many there are.
    pub fn low_stock(&self, limit: usize) -> Result<(Vec<LowLine>, u64), HubError> {
        let tx = self.db().begin_read()?;
        let low = tx.open_table(LOW)?;
        let min = tx.open_table(MIN)?;
        let total = low.len()?;
        let mut out = Vec::new();
        for row in low.iter()?.take(limit) {
            let (k, v) = row?;
            let sku = k.value();
            let name = self
                .get_in(&tx, "caja-catalog", &format!("product:{sku}"))
                .ok()
                .and_then(|d| d["name"].as_str().map(String::from))
                .unwrap_or_default();
            out.push(LowLine {
                sku: sku.to_string(),
                name,
                on_hand: v.value(),
                min: min.get(sku)?.map(|v| v.value()),
            });
        }
        Ok((out, total))
    }

    /// Every product of the catalog, and every SKU that moved without being in it, with its
    /// stock and what sold on `date`; by SKU.
    pub fn stock(&self, date: &str) -> Result<Vec<StockLine>, HubError> {
        let mut out = Vec::new();
        self.stock_each(date, |l| {
            out.push(l);
            Ok(())
        })?;
        Ok(out)
    }

    /// The same, one line at a time and in SKU order, holding no more than a line: the
    /// catalog and the stock table are both in SKU order, and are read side by side.
    pub fn stock_each(
        &self,
        date: &str,
        mut f: impl FnMut(StockLine) -> Result<(), HubError>,
    ) -> Result<(), HubError> {
        let tx = self.db().begin_read()?;
        let sold_table = tx.open_table(SOLD)?;
        let sold = |sku: &str| -> Result<i64, HubError> {
            Ok(sold_table.get((date, sku))?.map_or(0, |v| v.value()))
        };
        let stock = tx.open_table(STOCK)?;
        let mut levels = stock.iter()?.peekable();
        let mut failed: Option<HubError> = None;
        // Emits the stock-only SKUs that sort before `upto` (all of them with None).
        let drain = |upto: Option<&str>,
                     levels: &mut std::iter::Peekable<redb::Range<'_, &str, &[u8]>>,
                     f: &mut dyn FnMut(StockLine) -> Result<(), HubError>|
         -> Result<Option<Level>, HubError> {
            while let Some(next) = levels.peek() {
                let sku = match next {
                    Ok((k, _)) => k.value().to_string(),
                    Err(_) => {
                        return match levels.next() {
                            Some(Err(e)) => Err(e.into()),
                            _ => Ok(None),
                        };
                    }
                };
                match upto {
                    Some(u) if sku.as_str() > u => return Ok(None),
                    _ => {}
                }
                let Some(Ok((_, v))) = levels.next() else {
                    break;
                };
                let level = level_of(v.value())?;
                if upto == Some(sku.as_str()) {
                    return Ok(Some(level));
                }
                f(StockLine {
                    sold_today: sold(&sku)?,
                    on_hand: level.on_hand,
                    last_move: level.last_move,
                    name: String::new(),
                    sku,
                })?;
            }
            Ok(None)
        };
        self.visit("caja-catalog", "product:", |id, doc| {
            if failed.is_some() {
                return;
            }
            let sku = id.trim_start_matches("product:");
            let r = drain(Some(sku), &mut levels, &mut f).and_then(|level| {
                let level = level.unwrap_or_default();
                f(StockLine {
                    sku: sku.to_string(),
                    name: doc["name"].as_str().unwrap_or_default().to_string(),
                    on_hand: level.on_hand,
                    sold_today: sold(sku)?,
                    last_move: level.last_move,
                })
            });
            if let Err(e) = r {
                failed = Some(e);
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        drain(None, &mut levels, &mut f)?;
        Ok(())
    }

    /// A page of a SKU's kardex from movement `from` (1 is the first), and how many there are.
    pub fn kardex(
        &self,
        sku: &str,
        from: u64,
        limit: usize,
    ) -> Result<(Vec<Movement>, u64), HubError> {
        let tx = self.db().begin_read()?;
        let stock = tx.open_table(STOCK)?;
        let total = match stock.get(sku)? {
            Some(v) => level_of(v.value())?.moves,
            None => 0,
        };
        let kardex = tx.open_table(KARDEX)?;
        let mut out = Vec::new();
        for row in kardex
            .range((sku, from.max(1))..=(sku, u64::MAX))?
            .take(limit)
        {
            let (_, v) = row?;
            let MovementRecord::V1(m) = decode(v.value())?;
            out.push(m);
        }
        Ok((out, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_and_write_in_thousandths() {
        assert_eq!(milli_of("1"), Some(1000));
        assert_eq!(milli_of("0.75"), Some(750));
        assert_eq!(milli_of("-2.125"), Some(-2125));
        assert_eq!(milli_of("1.2345"), None);
        assert_eq!(milli_of("x"), None);
        assert_eq!(milli_of(""), None);
        assert_eq!(milli_text(-2125), "-2.125");
        assert_eq!(milli_text(750), "0.75");
        assert_eq!(milli_text(3000), "3");
    }
}
