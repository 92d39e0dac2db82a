//! Tickets on hold: a cashier parks a ticket (F5) and recalls it later (F6), across restarts.

use super::codec::{decode, encode};
use super::tables::HELD;
use super::{Store, StoreError};
use crate::domain::document::{CancelBody, DocBody, Override, Stamp};
use crate::domain::tender::Tender;
use crate::domain::ticket::{Discount, TicketLine};
use redb::{ReadableDatabase, ReadableTable};
use serde::{Deserialize, Serialize};

/// A ticket not yet paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldTicket {
    pub cashier: String,
    pub at: Stamp,
    pub lines: Vec<TicketLine>,
    pub discount: Option<Discount>,
    /// Parked by caja itself when the register was stopped mid-ticket (SIGTERM, a dropped SSH
    /// session): offered back at the cashier's next login.
    pub interrupted: bool,
    /// Tenders already taken (a card charged, cash handed over): they come back with the ticket
    /// so that only what is still due is asked for.
    pub tenders: Vec<Tender>,
    /// Supervisor authorizations already given on the ticket (a discount over the limit).
    pub overrides: Vec<Override>,
}

/// The second layout, before tenders and overrides were kept.
#[derive(Serialize, Deserialize)]
struct HeldTicketV2 {
    cashier: String,
    at: Stamp,
    lines: Vec<TicketLine>,
    discount: Option<Discount>,
    interrupted: bool,
}

/// The first layout, before `interrupted`.
#[derive(Serialize, Deserialize)]
struct HeldTicketV1 {
    cashier: String,
    at: Stamp,
    lines: Vec<TicketLine>,
    discount: Option<Discount>,
}

#[derive(Serialize, Deserialize)]
enum HeldRecord {
    V1(HeldTicketV1),
    V2(HeldTicketV2),
    V3(HeldTicket),
}

impl HeldRecord {
    fn ticket(self) -> HeldTicket {
        match self {
            HeldRecord::V1(t) => HeldTicket {
                cashier: t.cashier,
                at: t.at,
                lines: t.lines,
                discount: t.discount,
                interrupted: false,
                tenders: Vec::new(),
                overrides: Vec::new(),
            },
            HeldRecord::V2(t) => HeldTicket {
                cashier: t.cashier,
                at: t.at,
                lines: t.lines,
                discount: t.discount,
                interrupted: t.interrupted,
                tenders: Vec::new(),
                overrides: Vec::new(),
            },
            HeldRecord::V3(t) => t,
        }
    }
}

/// Removes the held ticket `id` in `tx` and returns it (`None` if it is gone).
fn remove_held(tx: &redb::WriteTransaction, id: u64) -> Result<Option<HeldTicket>, StoreError> {
    let mut table = tx.open_table(HELD)?;
    let removed = table.remove(id)?;
    match removed {
        Some(v) => Ok(Some(
            decode::<HeldRecord>(v.value(), &format!("held ticket {id}"))?.ticket(),
        )),
        None => Ok(None),
    }
}

impl Store {
    /// Parks a ticket; returns its hold number.
    pub fn hold(&self, t: &HeldTicket) -> Result<u64, StoreError> {
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        let id = {
            let mut table = tx.open_table(HELD)?;
            let id = table.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
            table.insert(id, encode(&HeldRecord::V3(t.clone()))?.as_slice())?;
            id
        };
        tx.commit()?;
        Ok(id)
    }

    /// Every ticket on hold, oldest first.
    pub fn held(&self) -> Result<Vec<(u64, HeldTicket)>, StoreError> {
        let tx = self.db()?.begin_read()?;
        let table = match tx.open_table(HELD) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for row in table.iter()? {
            let (k, v) = row?;
            let t =
                decode::<HeldRecord>(v.value(), &format!("held ticket {}", k.value()))?.ticket();
            out.push((k.value(), t));
        }
        Ok(out)
    }

    /// Takes a ticket off hold; `None` if another till took it first.
    pub fn take_held(&self, id: u64) -> Result<Option<HeldTicket>, StoreError> {
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        let t = remove_held(&tx, id)?;
        tx.commit()?;
        Ok(t)
    }

    /// Deletes a held ticket and records it as a cancelled ticket (`held`), in one transaction:
    /// a ticket never leaves hold without a trace. `None` if another till took it first.
    pub fn delete_held(
        &self,
        id: u64,
        header: &super::DocHeader,
        reason: &str,
        overrides: Vec<Override>,
    ) -> Result<Option<super::Committed>, StoreError> {
        let tx = self.begin_write()?;
        let Some(h) = remove_held(&tx, id)? else {
            return Ok(None);
        };
        if !h.tenders.is_empty()
            && !overrides
                .iter()
                .any(|o| o.action == crate::domain::document::OverrideAction::Cancel)
        {
            return Err(super::Refusal::HeldWithTenders.into());
        }
        let total =
            crate::domain::ticket::price(&h.lines, h.discount, self.info().prices_include_tax)
                .map(|t| t.total)
                .unwrap_or(crate::domain::money::Money::ZERO);
        let body = CancelBody {
            lines: h.lines,
            ticket_discount: h.discount,
            total,
            tenders: h.tenders,
            held: true,
            reason: reason.trim().to_string(),
            overrides: h.overrides.into_iter().chain(overrides).collect(),
        };
        let c = self.append(&tx, header, DocBody::Cancel(body))?;
        let outbox = self.finish(tx, super::durable::Mode::Both)?;
        Ok(Some(c.with_outbox(outbox)))
    }
}
