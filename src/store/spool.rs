//! The print spool: a receipt is queued in the same transaction that commits its document, so
//! a committed sale always has its receipt waiting, across crashes and printer faults. The
//! printer worker marks a job printed only after the printer took its bytes.
//!
//! Marking a job printed is kept in memory and written with the next document: the job's
//! removal in that document's own redb transaction (on a page it writes anyway), and a marks
//! record in its journal write (the same page and sync), which replay after a crash reads so
//! that it queues those receipts no more. When the printer goes idle nothing is written (a
//! durable commit per receipt wrote about 61 KiB of flash per sale in a paced day; now a sale
//! writes about 4.6 KiB). The price: after a crash, a receipt printed since the last document
//! may print once more. A duplicate receipt is harmless where a lost one is not.

use super::codec::{decode, encode};
use super::docs::Committed;
use super::tables::PRINT_JOBS;
use super::{Store, StoreError};
use crate::domain::document::DocBody;
use crate::lock::LockAnyway;
use redb::{ReadableDatabase, ReadableTable};
use serde::{Deserialize, Serialize};

/// Jobs printed whose removal from the table is not yet written, and those a transaction is
/// removing right now. Both are hidden from the printer.
#[derive(Default)]
pub struct Marks {
    printed: Vec<u64>,
    removing: Vec<u64>,
    /// The receipts printed whose marks the journal does not hold yet (see
    /// [`super::ejournal::mark_code`]): written with the next document's record.
    journal: Vec<u64>,
}

/// A receipt waiting for the printer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintJob {
    /// The document's place in the chain.
    pub seq: u64,
    pub number: String,
    /// A copy asked for after the fact (printed as such).
    pub reprint: bool,
    pub attempts: u32,
    pub last_error: Option<String>,
}

#[derive(Serialize, Deserialize)]
enum PrintJobRecord {
    V1(PrintJob),
}

fn next_id(t: &impl ReadableTable<u64, &'static [u8]>) -> Result<u64, StoreError> {
    Ok(t.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1))
}

/// Whether a document prints a receipt when it commits: a sale, a refund, a cash movement and a
/// no-sale opening (each is money or the drawer moving, and the paper is its trace).
pub fn prints(body: &DocBody) -> bool {
    matches!(
        body,
        DocBody::Sale(_) | DocBody::Refund(_) | DocBody::CashMove(_) | DocBody::NoSale(_)
    )
}

/// Queues the receipt job of the document at `seq` in `tx`.
pub(super) fn queue_job(
    tx: &redb::WriteTransaction,
    seq: u64,
    number: &str,
    reprint: bool,
) -> Result<(), StoreError> {
    let mut jobs = tx.open_table(PRINT_JOBS)?;
    let id = next_id(&jobs)?;
    let job = PrintJob {
        seq,
        number: number.to_string(),
        reprint,
        attempts: 0,
        last_error: None,
    };
    jobs.insert(id, encode(&PrintJobRecord::V1(job))?.as_slice())?;
    Ok(())
}

/// Removes the jobs whose receipts the journal's marks say printed (see
/// [`super::ejournal::mark_code`]): the open after a crash, where redb lost the transaction that
/// removed them.
pub(super) fn forget_printed(
    tx: &redb::WriteTransaction,
    printed: &std::collections::HashSet<u64>,
) -> Result<(), StoreError> {
    let mut jobs = tx.open_table(PRINT_JOBS)?;
    let mut gone = Vec::new();
    for row in jobs.iter()? {
        let (k, v) = row?;
        let PrintJobRecord::V1(j) = decode(v.value(), &format!("print job {}", k.value()))?;
        if printed.contains(&super::ejournal::mark_code(j.seq, j.reprint)) {
            gone.push(k.value());
        }
    }
    for id in gone {
        jobs.remove(id)?;
    }
    Ok(())
}

impl Store {
    /// Queues the receipt of `c` (appended in `tx`) and commits `tx` as `mode` says, carrying
    /// the printed marks kept in memory.
    pub(super) fn commit_with_receipt(
        &self,
        tx: redb::WriteTransaction,
        c: &Committed,
        mode: super::durable::Mode,
    ) -> Result<u64, StoreError> {
        let printed = self.take_printed();
        let queued = (|| {
            let mut jobs = tx.open_table(PRINT_JOBS)?;
            for id in &printed {
                jobs.remove(*id)?;
            }
            drop(jobs);
            queue_job(&tx, c.seq, &c.number, false)
        })();
        let result = queued.and_then(|()| self.finish(tx, mode));
        self.removed(&printed, result.is_ok());
        result
    }

    fn marks(&self) -> std::sync::MutexGuard<'_, Marks> {
        self.printed.lock_anyway()
    }

    /// Takes the printed marks for a transaction that removes their jobs. They stay hidden from
    /// [`Store::print_jobs`] until that transaction is over: were they forgotten before it
    /// committed, a reader could see a job that is neither queued nor marked, and print it
    /// twice.
    pub(super) fn take_printed(&self) -> Vec<u64> {
        let mut m = self.marks();
        let ids = std::mem::take(&mut m.printed);
        m.removing.extend(&ids);
        ids
    }

    /// The transaction that removed `ids` is over: committed, or failed (the marks go back).
    pub(super) fn removed(&self, ids: &[u64], committed: bool) {
        let mut m = self.marks();
        m.removing.retain(|id| !ids.contains(id));
        if !committed {
            m.printed.extend(ids);
        }
    }

    /// Queues a copy of a committed document's receipt (F7, or a supervisor's reprint).
    pub fn queue_reprint(&self, number: &str) -> Result<(), StoreError> {
        let (seq, d) = self
            .view()?
            .doc_by_number(number)?
            .ok_or_else(|| StoreError::NotFound(number.to_string()))?;
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        queue_job(&tx, seq, &d.doc.number, true)?;
        tx.commit()?;
        Ok(())
    }

    /// Jobs waiting, oldest first.
    pub fn print_jobs(&self) -> Result<Vec<(u64, PrintJob)>, StoreError> {
        // The marks first, then the table: a mark leaves only once the transaction that removed
        // its job is over, so a job is always either marked or gone.
        let printed: Vec<u64> = {
            let m = self.marks();
            m.printed.iter().chain(&m.removing).copied().collect()
        };
        let tx = self.db()?.begin_read()?;
        let t = match tx.open_table(PRINT_JOBS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            if printed.contains(&k.value()) {
                continue;
            }
            let PrintJobRecord::V1(j) = decode(v.value(), &format!("print job {}", k.value()))?;
            out.push((k.value(), j));
        }
        Ok(out)
    }

    /// The printer took the job: it leaves the queue at once, and the disk with the next write
    /// (its removal in redb's transaction; for a document's own receipt, its mark in the
    /// journal's record). A copy asked for with F7 gets no mark: its job was queued durably,
    /// and a second copy of the same document asked for later must never be taken back by
    /// the first one's mark after a crash.
    pub fn print_done(&self, id: u64, job: &PrintJob) {
        let mut m = self.marks();
        m.printed.push(id);
        if !job.reprint {
            m.journal.push(super::ejournal::mark_code(job.seq, false));
        }
    }

    pub(super) fn take_journal_marks(&self) -> Vec<u64> {
        std::mem::take(&mut self.marks().journal)
    }

    /// Marks an append could not write, back for the next one.
    pub(super) fn return_journal_marks(&self, mut marks: Vec<u64>) {
        let mut m = self.marks();
        marks.append(&mut m.journal);
        m.journal = marks;
    }

    /// The printer has nothing left to print. With the journal working nothing is written:
    /// the marks ride on the next document (in redb's transaction and the journal's record),
    /// so that a paced day writes a page per sale, not a durable redb commit per receipt.
    /// Without a journal, the marks are written to redb now ([`Store::flush_printed`]).
    pub fn printer_idle(&self) -> Result<(), StoreError> {
        if self.journal_ok() {
            return Ok(());
        }
        self.flush_printed()
    }

    /// Writes the printed marks now, and checkpoints redb (the printer worker calls this when
    /// it stops, and when it goes idle without a journal).
    pub fn flush_printed(&self) -> Result<(), StoreError> {
        let printed = self.take_printed();
        if printed.is_empty() {
            self.removed(&printed, true);
            return if self.unsynced() > 0 {
                self.checkpoint()
            } else {
                Ok(())
            };
        }
        let result = (|| -> Result<(), StoreError> {
            let mut tx = self.begin_write()?;
            tx.set_durability(redb::Durability::Immediate)?;
            tx.set_quick_repair(true);
            {
                let mut t = tx.open_table(PRINT_JOBS)?;
                for id in &printed {
                    t.remove(*id)?;
                }
            }
            tx.commit()?;
            self.unsynced.store(0, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        })();
        self.removed(&printed, result.is_ok());
        result
    }

    /// A try failed; the job stays queued with the reason.
    pub fn print_failed(&self, id: u64, reason: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write()?;
        // Losing an attempt count to a crash is harmless; this write need not wait for the disk.
        tx.set_durability(redb::Durability::None)?;
        {
            let mut t = tx.open_table(PRINT_JOBS)?;
            let job = match t.get(id)? {
                Some(v) => {
                    let PrintJobRecord::V1(j) = decode(v.value(), &format!("print job {id}"))?;
                    Some(j)
                }
                None => None,
            };
            if let Some(mut j) = job {
                j.attempts = j.attempts.saturating_add(1);
                j.last_error = Some(reason.to_string());
                t.insert(id, encode(&PrintJobRecord::V1(j))?.as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
