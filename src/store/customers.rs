//! Customers and their loyalty points. A customer created or edited at the register is a
//! document in the chain (so it reaches the server like a sale) and a row in `customers_v1`;
//! the customer master pulled from the server replaces the row (the server wins; the register's
//! edit stays in the chain and on the server). A points balance is the balance the server last
//! sent plus this register's movements the server had not counted then.

use super::codec::{decode, encode};
use super::docs::{Committed, DocHeader};
use super::tables::{CUSTOMER_WORDS, CUSTOMERS};
use super::{Store, StoreError};
use crate::domain::catalog::search_words;
use crate::domain::customer::{Customer, DocType, key as customer_key};
use crate::domain::document::{CustomerBody, DocBody, PointsBody, SaleBody};
use crate::domain::loyalty::{self, Rules};
use crate::domain::money::Money;
use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::ops::ControlFlow;

/// A customer as the store keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCustomer {
    pub customer: Customer,
    /// The points balance in the server's last customer master (0 before any).
    pub server_points: i64,
    /// The push cursor when that balance was pulled: this register's points movements after it
    /// were not counted in it.
    pub counted_through: u64,
    /// The number of this register's last edit of the customer, until the server's master
    /// replaces it.
    pub local_edit: Option<String>,
}

#[derive(Serialize, Deserialize)]
enum CustomerRecord {
    V1(StoredCustomer),
}

pub(crate) fn decode_customer(bytes: &[u8], key: &str) -> Result<StoredCustomer, StoreError> {
    match decode::<CustomerRecord>(bytes, &format!("customer {key}"))? {
        CustomerRecord::V1(c) => Ok(c),
    }
}

fn word_key(word: &str, key: &str) -> String {
    format!("{word}\u{0}{key}")
}

/// Writes a customer row and its name index in `tx`, replacing what was there.
pub(super) fn put(
    tx: &WriteTransaction,
    stored: &StoredCustomer,
) -> Result<Option<StoredCustomer>, StoreError> {
    let key = stored.customer.key();
    let mut table = tx.open_table(CUSTOMERS)?;
    let mut words = tx.open_table(CUSTOMER_WORDS)?;
    let old = table
        .get(key.as_str())?
        .map(|v| decode_customer(v.value(), &key))
        .transpose()?;
    if let Some(o) = &old {
        for w in search_words(&o.customer.name) {
            words.remove(word_key(&w, &key).as_str())?;
        }
    }
    let folded = search_words(&stored.customer.name);
    let sketch = crate::domain::catalog::prefix_sketch(&folded);
    for w in &folded {
        words.insert(word_key(w, &key).as_str(), sketch)?;
    }
    table.insert(
        key.as_str(),
        encode(&CustomerRecord::V1(stored.clone()))?.as_slice(),
    )?;
    Ok(old)
}

/// A customer pulled from the server's master.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PulledCustomer {
    pub customer: Customer,
    pub points: i64,
}

/// How a customer import applies.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CustomerMode {
    Upsert,
    Replace,
}

impl Store {
    /// Saves a customer created or edited at the register: a `customer` document in the chain
    /// (pushed like a sale) and the customer's row, in one durable transaction.
    pub fn save_customer(
        &self,
        header: &DocHeader,
        customer: Customer,
    ) -> Result<Committed, StoreError> {
        customer.validate()?;
        if customer.is_final_consumer() {
            return Err(super::Refusal::FinalConsumer.into());
        }
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        let key = customer.key();
        let old = tx
            .open_table(CUSTOMERS)?
            .get(key.as_str())?
            .map(|v| decode_customer(v.value(), &key))
            .transpose()?;
        if old.as_ref().is_some_and(|o| o.customer == customer) {
            return Err(super::Refusal::NothingChanged {
                key: key.to_string(),
            }
            .into());
        }
        let c = self.append(
            &tx,
            header,
            DocBody::Customer(CustomerBody {
                customer: customer.clone(),
            }),
        )?;
        let stored = StoredCustomer {
            customer,
            server_points: old.as_ref().map(|o| o.server_points).unwrap_or(0),
            counted_through: old.as_ref().map(|o| o.counted_through).unwrap_or(0),
            local_edit: Some(c.number.clone()),
        };
        put(&tx, &stored)?;
        let outbox = self.finish(tx, super::durable::Mode::Both)?;
        Ok(c.with_outbox(outbox))
    }

    pub fn customers_len(&self) -> Result<u64, StoreError> {
        let tx = self.db()?.begin_read()?;
        match tx.open_table(CUSTOMERS) {
            Ok(t) => Ok(t.len()?),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    /// Finds customers by document number (a prefix of it, any document type) or by words of
    /// the name, at most `limit`.
    pub fn search_customers(&self, query: &str, limit: usize) -> Result<Vec<Customer>, StoreError> {
        let tx = self.db()?.begin_read()?;
        let (table, words) = match (tx.open_table(CUSTOMERS), tx.open_table(CUSTOMER_WORDS)) {
            (Ok(t), Ok(w)) => (t, w),
            (Err(redb::TableError::TableDoesNotExist(_)), _)
            | (_, Err(redb::TableError::TableDoesNotExist(_))) => return Ok(Vec::new()),
            (Err(e), _) | (_, Err(e)) => return Err(e.into()),
        };
        let q = query.trim();
        let mut out = Vec::new();
        let number: String = q
            .chars()
            .filter(|c| !matches!(c, ' ' | '.'))
            .collect::<String>()
            .to_ascii_uppercase();
        let looks_like_number = !number.is_empty() && number.chars().any(|c| c.is_ascii_digit());
        if looks_like_number {
            for t in DocType::ALL {
                let prefix = customer_key(t, &number);
                for row in table.range(prefix.as_str()..)? {
                    let (k, v) = row?;
                    if !k.value().starts_with(&prefix) || out.len() >= limit {
                        break;
                    }
                    out.push(decode_customer(v.value(), k.value())?.customer);
                }
            }
            if !out.is_empty() {
                return Ok(out);
            }
        }
        let words_q = search_words(q);
        super::catalog::word_search(&words, &words_q, |key| {
            if let Some(v) = table.get(key)? {
                let c = decode_customer(v.value(), key)?.customer;
                if super::catalog::name_has(&c.name, &words_q) {
                    out.push(c);
                }
            }
            Ok(out.len() < limit)
        })?;
        out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.key().cmp(&b.key())));
        Ok(out)
    }

    /// Every customer, in key order.
    pub fn visit_customers(
        &self,
        f: impl FnMut(StoredCustomer) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        visit_customers_in(&*self.db()?, f)
    }
}

/// Every customer, through any handle (a read-only one included).
pub(super) fn visit_customers_in(
    db: &impl redb::ReadableDatabase,
    mut f: impl FnMut(StoredCustomer) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    {
        let tx = db.begin_read()?;
        let t = match tx.open_table(CUSTOMERS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for row in t.iter()? {
            let (k, v) = row?;
            f(decode_customer(v.value(), k.value())?)?;
        }
        Ok(())
    }
}

impl Store {
    /// Imports customers (a CSV file) in one transaction: all or nothing. These are the shop's
    /// own master data, not edits: they are not pushed.
    pub fn import_customers(
        &self,
        customers: &[Customer],
        mode: CustomerMode,
    ) -> Result<(u64, u64), StoreError> {
        let mut seen = HashSet::new();
        for c in customers {
            c.validate()
                .map_err(|err| super::Refusal::CustomerRow { key: c.key(), err })?;
            if !seen.insert(c.key()) {
                return Err(super::Refusal::CustomerTwice { key: c.key() }.into());
            }
        }
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        if mode == CustomerMode::Replace {
            tx.delete_table(CUSTOMERS)?;
            tx.delete_table(CUSTOMER_WORDS)?;
        }
        let mut updated = 0;
        for c in customers {
            let key = c.key();
            let old = tx
                .open_table(CUSTOMERS)?
                .get(key.as_str())?
                .map(|v| decode_customer(v.value(), &key))
                .transpose()?;
            let stored = StoredCustomer {
                customer: c.clone(),
                server_points: old.as_ref().map(|o| o.server_points).unwrap_or(0),
                counted_through: old.as_ref().map(|o| o.counted_through).unwrap_or(0),
                local_edit: old.and_then(|o| o.local_edit),
            };
            if put(&tx, &stored)?.is_some() {
                updated += 1;
            }
        }
        tx.commit()?;
        Ok((customers.len() as u64 - updated, updated))
    }

    /// Applies customers pulled from the server inside a pull's transaction: the server wins.
    /// Returns a history line for each local edit the server's version replaced.
    pub(super) fn apply_pulled_customer(
        &self,
        tx: &WriteTransaction,
        pulled: PulledCustomer,
        cursor: u64,
    ) -> Result<Option<super::history::PullEntry>, StoreError> {
        let stored = StoredCustomer {
            customer: pulled.customer,
            server_points: pulled.points,
            counted_through: cursor,
            local_edit: None,
        };
        let old = put(tx, &stored)?;
        Ok(match old {
            Some(StoredCustomer {
                customer,
                local_edit: Some(number),
                ..
            }) if customer != stored.customer => Some(super::history::PullEntry::Superseded {
                key: stored.customer.key(),
                number,
            }),
            _ => None,
        })
    }

    /// Before a replace pull: removes every customer the server's master brought, keeping the
    /// ones last edited here (the server has not answered that edit yet).
    pub(super) fn drop_pulled_customers(&self, tx: &WriteTransaction) -> Result<(), StoreError> {
        let keys: Vec<String> = {
            let table = tx.open_table(CUSTOMERS)?;
            let mut v = Vec::new();
            for row in table.iter()? {
                let (k, val) = row?;
                if decode_customer(val.value(), k.value())?
                    .local_edit
                    .is_none()
                {
                    v.push(k.value().to_string());
                }
            }
            v
        };
        for k in keys {
            self.remove_customer_in(tx, &k)?;
        }
        Ok(())
    }

    /// Removes a customer the server deleted.
    pub(super) fn remove_customer_in(
        &self,
        tx: &WriteTransaction,
        key: &str,
    ) -> Result<bool, StoreError> {
        let mut table = tx.open_table(CUSTOMERS)?;
        let Some(old) = table
            .remove(key)?
            .map(|v| decode_customer(v.value(), key))
            .transpose()?
        else {
            return Ok(false);
        };
        let mut words = tx.open_table(CUSTOMER_WORDS)?;
        for w in search_words(&old.customer.name) {
            words.remove(word_key(&w, key).as_str())?;
        }
        Ok(true)
    }

    /// A customer's points: the server's last balance plus this register's movements since.
    pub fn points_balance(&self, key: &str) -> Result<i64, StoreError> {
        let Some(c) = self.view()?.customer(key)? else {
            return Ok(0);
        };
        let mut balance = c.server_points;
        self.visit_from(c.counted_through + 1, |_, d| {
            if let DocBody::Points(p) = &d.doc.body
                && p.customer == key
            {
                balance = balance.saturating_add(p.movement.net());
            }
            ControlFlow::Continue(())
        })?;
        Ok(balance)
    }

    /// Commits a sale and, when it has a customer and loyalty is on, the customer's points
    /// movement (and the receipt when asked): one durable transaction. A redemption beyond the
    /// balance the register knows is refused and nothing is written.
    pub(super) fn commit_sale(
        &self,
        header: &DocHeader,
        body: SaleBody,
        rules: &Rules,
        receipt: bool,
    ) -> Result<Committed, StoreError> {
        // The rules are the domain's; the store reads the balance and writes the movement.
        let redeemed = loyalty::redemption(rules, &body.tenders)?;
        let customer = body.customer.clone();
        let lines: Vec<(String, Money)> = body
            .lines
            .iter()
            .map(|l| (l.sku.clone(), l.total))
            .collect();
        let movement = loyalty::sale_movement(rules, &lines, redeemed, customer.is_some(), || {
            customer
                .as_deref()
                .map_or(Ok(0), |key| self.points_balance(key))
        })?;
        let (Some(m), Some(key)) = (movement, customer) else {
            // One document: the till's own commit.
            return self.commit_one(header, DocBody::Sale(body), receipt);
        };
        let tx = self.begin_write()?;
        let c = self.append(&tx, header, DocBody::Sale(body))?;
        self.append(
            &tx,
            header,
            DocBody::Points(PointsBody {
                source: c.number.clone(),
                customer: key,
                movement: m.clone(),
            }),
        )?;
        let c = Committed {
            documents: 2,
            movement: Some(m),
            ..c
        };
        self.end(tx, c, receipt)
    }
}
