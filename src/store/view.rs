//! A typed read of the store at one moment, apart from the writer (the way `ord`'s index
//! gives out a read transaction with its queries).
//!
//! [`Store::view`] opens one redb read transaction; every query of the [`View`] reads that
//! snapshot, so two answers (the outbox and the push cursor, a sale and its refunds) always
//! agree with each other, and a `View` has no way to write. A commit made meanwhile is seen by
//! the next view.

use super::customers::{StoredCustomer, decode_customer};
use super::day::{DayState, date_of};
use super::docs::{find_number, get_doc, last_doc};
use super::tables::{CUSTOMERS, DOCS, META, REFUNDS, meta_keys, meta_u64_in};
use super::{Store, StoreError};
use crate::domain::document::{BusinessDate, DocBody, PointsBody, SealedDocument};
use crate::domain::numbering::parse_number;
use crate::domain::qty::Qty;
use redb::{ReadTransaction, ReadableDatabase};

/// The store as one read transaction sees it.
pub struct View<'s> {
    store: &'s Store,
    tx: ReadTransaction,
}

impl Store {
    /// A read of the store as it is now (see the module's head).
    pub fn view(&self) -> Result<View<'_>, StoreError> {
        Ok(View {
            store: self,
            tx: self.db()?.begin_read()?,
        })
    }
}

impl View<'_> {
    /// The document at a place in the chain.
    pub fn doc(&self, seq: u64) -> Result<Option<SealedDocument>, StoreError> {
        get_doc(&self.tx.open_table(DOCS)?, seq)
    }

    /// The last committed document and its place in the chain.
    pub fn last_doc(&self) -> Result<Option<(u64, SealedDocument)>, StoreError> {
        last_doc(&self.tx.open_table(DOCS)?)
    }

    /// Finds a document by its number ("FV1-000123"), by binary search.
    pub fn doc_by_number(&self, number: &str) -> Result<Option<(u64, SealedDocument)>, StoreError> {
        let (reg, kind, n) = parse_number(number)?;
        if &reg != self.store.register() {
            return Ok(None);
        }
        find_number(&self.tx.open_table(DOCS)?, kind, n)
    }

    /// The last chain position the sync server acknowledged.
    pub fn push_cursor(&self) -> Result<u64, StoreError> {
        meta_u64_in(&self.tx.open_table(META)?, meta_keys::PUSH_CURSOR)
    }

    /// Documents committed but not yet acknowledged by the sync server: the same count as
    /// `Committed::outbox`, read outside a commit.
    pub fn outbox_len(&self) -> Result<u64, StoreError> {
        let last = self.last_doc()?.map_or(0, |(s, _)| s);
        Ok(last.saturating_sub(self.push_cursor()?))
    }

    /// The last closed date and the open one.
    pub fn day_state(&self) -> Result<DayState, StoreError> {
        let meta = self.tx.open_table(META)?;
        let closed = date_of(meta.get(meta_keys::CLOSED_THROUGH)?);
        let open = date_of(meta.get(meta_keys::OPEN_DAY)?);
        Ok(DayState {
            closed_through: closed.map(BusinessDate::to_date),
            open: open.map(BusinessDate::to_date),
        })
    }

    /// The points movement a sale or refund wrote, if any (it follows its document).
    pub fn points_of(&self, seq: u64, number: &str) -> Result<Option<PointsBody>, StoreError> {
        Ok(match self.doc(seq + 1)? {
            Some(d) => match d.doc.body {
                DocBody::Points(p) if p.source == number => Some(p),
                _ => None,
            },
            None => None,
        })
    }

    /// A customer by key ("NIT-900173769-1").
    pub fn customer(&self, key: &str) -> Result<Option<StoredCustomer>, StoreError> {
        let t = match self.tx.open_table(CUSTOMERS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        t.get(key)?
            .map(|v| decode_customer(v.value(), key))
            .transpose()
    }

    /// What earlier refunds of the sale `number` took back, line by line (0 where nothing).
    pub fn refunded_qty(&self, number: &str) -> Result<Vec<Qty>, StoreError> {
        let (_, kind, n) = parse_number(number)?;
        let docs = self.tx.open_table(DOCS)?;
        let Some((sale_seq, sale)) = find_number(&docs, kind, n)? else {
            return Err(StoreError::NotFound(number.to_string()));
        };
        let DocBody::Sale(sale) = sale.doc.body else {
            return Err(StoreError::NotASale(number.to_string()));
        };
        let mut out = vec![Qty::from_milli(0); sale.lines.len()];
        let refunds = match self.tx.open_table(REFUNDS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(out),
            Err(e) => return Err(e.into()),
        };
        for row in refunds.range((sale_seq, 0)..=(sale_seq, u64::MAX))? {
            let (k, _) = row?;
            if let Some(d) = get_doc(&docs, k.value().1)?
                && let DocBody::Refund(r) = d.doc.body
            {
                for l in r.lines {
                    if let Some(q) = out.get_mut(l.line as usize) {
                        *q = q.checked_add(l.qty).unwrap_or(*q);
                    }
                }
            }
        }
        Ok(out)
    }
}
