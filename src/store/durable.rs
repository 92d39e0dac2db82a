//! How a document reaches the disk, and how the store and its journal agree again after a stop.
//!
//! A sale (and the other documents of the till: refunds, cash movements, no-sales) goes into redb
//! in a non-durable commit and is acknowledged once its journal record is synced: one page and
//! one `fdatasync`, the disk's floor. For a single document (`commit_one`) redb's commit runs on
//! a store thread while the journal syncs. Every [`CHECKPOINT_EVERY`] such documents, and when
//! the register stops cleanly, redb is committed durably. A printed receipt's mark rides on the next
//! document (its job's removal in redb's transaction, a marks record in its journal write), so
//! replay does not print it again. The rarer documents that
//! change state beside the chain (opening a day or a shift, a close, a customer edit) commit
//! redb durably first and then write their journal record.
//!
//! On open, the journal records past redb's last document (the ones a power cut took from
//! redb) are replayed into it, with what their commit wrote beside them; a journal that is
//! behind redb (a store made before the journal, or a journal write that failed) is caught up.

use super::docs::{decode_doc, last_doc};
use super::ejournal::{Journal, JournalRecord};
use super::tables::{DOCS, REFUNDS};
use super::{Store, StoreError};
use crate::domain::document::DocBody;
use crate::domain::numbering::{DocKind, parse_number};
use crate::lock::LockAnyway;
use redb::{ReadableDatabase, WriteTransaction};
use std::sync::atomic::Ordering;

/// Journaled documents between two durable redb commits. Each checkpoint rewrites the tree
/// pages that the documents since the last one touched, so the fewer the checkpoints, the
/// fewer bytes per sale; the journal replays at most this many documents after a power cut.
pub const CHECKPOINT_EVERY: u32 = 128;

/// How a transaction that appended documents is made durable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The journal record is the durability point; redb catches up at the next checkpoint.
    Journal,
    /// redb durably, then the journal: for documents whose transaction also changes state that
    /// replaying the document alone would not restore.
    Both,
}

/// What opening found and did to bring the store and its journal together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Documents replayed from the journal into redb.
    pub replayed: u64,
    /// Documents copied from redb to a journal that was behind.
    pub caught_up: u64,
    /// What could not be made to agree (shown on screen at the login, and by `caja check`).
    pub problems: Vec<super::check::Problem>,
}

/// The last chain position the sync server acknowledged, as `tx` sees it.
fn push_cursor(tx: &WriteTransaction) -> Result<u64, StoreError> {
    let meta = tx.open_table(super::tables::META)?;
    super::tables::meta_u64_in(&meta, super::tables::meta_keys::PUSH_CURSOR)
}

impl Store {
    /// Stages the journal record of a document appended in the live write transaction. redb
    /// runs one write transaction at a time, so the staged records are that transaction's:
    /// [`Store::begin_write`] drops what a transaction that failed left, and
    /// [`Store::finish`] takes its records before its commit lets the next writer in.
    pub(super) fn stage(&self, rec: JournalRecord) {
        // An append outside the till's path: the cached end of the chain is no longer known.
        *self.head.lock_anyway() = None;
        self.staged.lock_anyway().push(rec);
    }

    /// Commits a transaction that appended documents, the way `mode` says: the one place a
    /// transaction of documents ends, so it answers the outbox's length after it (see
    /// [`super::Committed::outbox`]). A disk fault is noted, so that the next write reopens
    /// redb (see [`Store::met`]).
    pub(super) fn finish(&self, tx: WriteTransaction, mode: Mode) -> Result<u64, StoreError> {
        self.finish_tx(tx, mode).map_err(|e| self.met(e))
    }

    fn finish_tx(&self, mut tx: WriteTransaction, mode: Mode) -> Result<u64, StoreError> {
        // This transaction's records, taken while it is redb's one writer: once it commits,
        // the next writer may begin (and drops whatever it finds staged).
        let records = std::mem::take(&mut *self.staged.lock_anyway());
        if let Some(why) = self.damaged() {
            return Err(StoreError::Damaged(why));
        }
        let mode = if self.journal_ok() { mode } else { Mode::Both };
        let pushed = push_cursor(&tx)?;
        match mode {
            Mode::Journal => tx.set_durability(redb::Durability::None)?,
            Mode::Both => {
                tx.set_durability(redb::Durability::Immediate)?;
                tx.set_quick_repair(true);
            }
        }
        tx.commit()?;
        let outbox = records
            .iter()
            .map(|r| r.seq.saturating_sub(pushed))
            .max()
            .unwrap_or(0);
        // A journal that failed earlier is caught up from redb first (this document with the
        // rest): once the disk takes writes again, the journal is whole without a restart.
        let written = if self.journal_ok() {
            self.journal_append(&records)
        } else {
            self.journal_catch_up()
        };
        let done = match (mode, written) {
            (Mode::Both, Ok(())) => {
                self.unsynced.store(0, Ordering::Relaxed);
                Ok(())
            }
            (Mode::Both, Err(e)) => {
                // Durable in redb; the journal is caught up on the next open.
                self.note_journal_failure(&e);
                Ok(())
            }
            (Mode::Journal, Ok(())) => {
                let n = self
                    .unsynced
                    .fetch_add(records.len() as u32, Ordering::Relaxed);
                if n + records.len() as u32 >= CHECKPOINT_EVERY
                    && let Err(e) = self.checkpoint()
                {
                    // The documents are durable in the journal; the next checkpoint tries again.
                    tracing::warn!("checkpoint failed: {e}");
                }
                Ok(())
            }
            (Mode::Journal, Err(e)) => {
                // Not durable anywhere yet: make redb durable instead, or fail the sale.
                self.note_journal_failure(&e);
                self.checkpoint()
            }
        };
        done.map(|()| outbox)
    }

    /// The till's commit of one document (a sale, a void, a cash movement...), with its
    /// receipt queued when `receipt`: the same transaction and the same acknowledgement as
    /// [`Store::finish`] in [`Mode::Journal`], with redb's commit made on the applier thread
    /// while this one writes and syncs the journal record. The disk's sync is the wait; redb's
    /// in-memory commit fits inside it. The write transaction is begun here, so no other writer
    /// comes between.
    pub(super) fn commit_one(
        &self,
        header: &super::DocHeader,
        body: DocBody,
        receipt: bool,
    ) -> Result<super::Committed, StoreError> {
        self.commit_one_tx(header, body, receipt)
            .map_err(|e| self.met(e))
    }

    fn commit_one_tx(
        &self,
        header: &super::DocHeader,
        body: DocBody,
        receipt: bool,
    ) -> Result<super::Committed, StoreError> {
        if let Some(why) = self.damaged() {
            return Err(StoreError::Damaged(why));
        }
        let tx = self.begin_write()?;
        if !self.journal_ok() {
            // Without a journal, redb alone makes the document durable.
            let c = self.append(&tx, header, body)?;
            let outbox = if receipt {
                self.commit_with_receipt(tx, &c, Mode::Both)?
            } else {
                self.finish(tx, Mode::Both)?
            };
            return Ok(c.with_outbox(outbox));
        }
        let pushed = push_cursor(&tx)?;
        let cached = self.head.lock_anyway().take();
        let head = match cached {
            Some(h) => Some(h),
            None => last_doc(&tx.open_table(DOCS)?)?.map(|(s, d)| super::docs::Head::of(s, d)),
        };
        let (c, bytes, head) = self.next_doc(head.as_ref(), header, body)?;
        let record = JournalRecord {
            seq: c.seq,
            hash: c.hash,
            body: bytes,
        };
        let printed = if receipt {
            self.take_printed()
        } else {
            Vec::new()
        };
        let (reply, done) = std::sync::mpsc::sync_channel(1);
        let job = Box::new(Apply {
            tx,
            seq: c.seq,
            bytes: record.body.clone(),
            number: receipt.then(|| c.number.clone()),
            printed: printed.clone(),
            reply,
        });
        let applied = match self.applier_send(job) {
            Ok(()) => {
                let written = self.journal_append(std::slice::from_ref(&record));
                let applied = done.recv().unwrap_or_else(|_| {
                    Err(StoreError::Db("the store's commit thread stopped".into()))
                });
                (applied, written)
            }
            // No thread: commit here, as the other paths do.
            Err(job) => {
                let applied = job.run();
                let written = match &applied {
                    Ok(()) => self.journal_append(std::slice::from_ref(&record)),
                    Err(_) => Ok(()),
                };
                (applied, written)
            }
        };
        let result = match applied {
            (Ok(()), Ok(())) => {
                let n = self.unsynced.fetch_add(1, Ordering::Relaxed) + 1;
                *self.head.lock_anyway() = Some(head);
                if n >= CHECKPOINT_EVERY
                    && let Err(e) = self.checkpoint()
                {
                    tracing::warn!("checkpoint failed: {e}");
                }
                Ok(())
            }
            (Ok(()), Err(e)) => {
                // In redb, not yet durable: make redb durable instead, or fail the document.
                self.note_journal_failure(&e);
                self.checkpoint()
            }
            (Err(e), Ok(())) => {
                // The journal holds a document redb refused: take it back, so that the two
                // agree and a restart does not bring back what was never acknowledged.
                let mut j = self.journal.lock_anyway();
                if let Some(Err(w)) = j.as_mut().map(|j| j.withdraw_last()) {
                    drop(j);
                    self.note_journal_failure(&w);
                }
                Err(e)
            }
            (Err(e), Err(j)) => {
                self.note_journal_failure(&j);
                Err(e)
            }
        };
        self.removed(&printed, result.is_ok());
        let outbox = c.seq.saturating_sub(pushed);
        result.map(|()| c.with_outbox(outbox))
    }

    /// Hands a job to the applier thread (started on first use); gives it back when there is
    /// no thread to run it.
    fn applier_send(&self, job: Box<Apply>) -> Result<(), Box<Apply>> {
        let mut a = self.applier.lock_anyway();
        if a.is_none() {
            let (tx, rx) = std::sync::mpsc::channel::<Box<Apply>>();
            let spawned = std::thread::Builder::new()
                .name("store-commit".into())
                .spawn(move || {
                    // Below the till's thread, so that waking it never preempts the journal
                    // write it overlaps: it runs while that thread waits for the disk.
                    let _ =
                        rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10);
                    for job in rx {
                        let reply = job.reply.clone();
                        let _ = reply.send(job.run());
                    }
                });
            if spawned.is_ok() {
                *a = Some(tx);
            }
        }
        match a.as_ref() {
            Some(s) => s.send(job).map_err(|e| {
                *a = None;
                e.0
            }),
            None => Err(job),
        }
    }

    pub(super) fn journal_ok(&self) -> bool {
        self.journal_error.lock_anyway().is_none()
    }

    fn note_journal_failure(&self, e: &StoreError) {
        tracing::error!("journal write failed: {e}");
        // Worded now, in both languages: the error itself does not outlive this write.
        let words = [
            e.words(crate::i18n::Language::En, None),
            e.words(crate::i18n::Language::Es, None),
        ];
        *self.journal_error.lock_anyway() = Some(words);
    }

    /// Why the journal is not being written, when it is not, in English (for logs).
    pub fn journal_failure(&self) -> Option<String> {
        self.journal_failure_in(crate::i18n::Language::En)
    }

    /// Why the journal is not being written, in `lang` (the doctor and the diagnostics screen).
    pub fn journal_failure_in(&self, lang: crate::i18n::Language) -> Option<String> {
        let words = self.journal_error.lock_anyway();
        words.as_ref().map(|[en, es]| match lang {
            crate::i18n::Language::En => en.clone(),
            crate::i18n::Language::Es => es.clone(),
        })
    }

    /// Writes every document of redb that the journal lacks, and when that succeeds clears the
    /// journal's failure: documents go back to being acknowledged through the journal.
    fn journal_catch_up(&self) -> Result<(), StoreError> {
        let mut j = self.journal.lock_anyway();
        let Some(journal) = j.as_mut() else {
            return Err(StoreError::Io(std::io::Error::other("no journal is open")));
        };
        let r_last = {
            let tx = self.db()?.begin_read()?;
            last_doc(&tx.open_table(DOCS)?)?.map_or(0, |(s, _)| s)
        };
        let j_last = journal.last_seq();
        if j_last < r_last {
            let n = self.catch_up(journal, j_last, r_last)?;
            tracing::warn!(
                "the journal takes writes again: {n} documents caught up from the store"
            );
        }
        *self.journal_error.lock_anyway() = None;
        Ok(())
    }

    /// Writes `records` to the journal with the receipts printed since the last append (see
    /// [`super::ejournal::mark_code`]): the marks ride in the same write and the same sync.
    fn journal_append(&self, records: &[JournalRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let marks = self.take_journal_marks();
        let mut j = self.journal.lock_anyway();
        let written = match j.as_mut() {
            Some(j) => j.append_marked(records, &marks),
            None => Err(StoreError::Io(std::io::Error::other("no journal is open"))),
        };
        drop(j);
        if written.is_err() {
            self.return_journal_marks(marks);
        }
        written
    }

    /// Commits redb durably: every document since the last checkpoint is then in both copies.
    /// Every durable commit saves redb's allocator state (quick repair), so that the open after
    /// a power cut reads it back instead of walking the whole file.
    pub(crate) fn checkpoint(&self) -> Result<(), StoreError> {
        let done = (|| -> Result<(), StoreError> {
            let mut tx = self.begin_write()?;
            tx.set_durability(redb::Durability::Immediate)?;
            tx.set_quick_repair(true);
            tx.commit()?;
            Ok(())
        })();
        done.map_err(|e| self.met(e))?;
        self.unsynced.store(0, Ordering::Relaxed);
        Ok(())
    }

    /// Documents acknowledged through the journal and not yet in a durable redb commit.
    pub fn unsynced(&self) -> u32 {
        self.unsynced.load(Ordering::Relaxed)
    }

    /// Opens the journal and brings it and redb together (see the module's notes). The journal
    /// is the store's from then on, even when bringing them together failed (a full disk): the
    /// next try needs it.
    pub(super) fn attach_journal(&self, mut journal: Journal) -> Result<Reconciled, StoreError> {
        let r = self.reconcile(&mut journal);
        *self.journal.lock_anyway() = Some(journal);
        r
    }

    fn reconcile(&self, journal: &mut Journal) -> Result<Reconciled, StoreError> {
        let mut out = Reconciled::default();
        let (r_last, r_hash) = {
            let tx = self.db()?.begin_read()?;
            match last_doc(&tx.open_table(DOCS)?)? {
                Some((s, d)) => (s, d.hash),
                None => (0, [0; 32]),
            }
        };
        let j_last = journal.last_seq();
        if j_last > r_last {
            out.replayed = self.replay(journal, r_last, r_hash, &mut out.problems)?;
        } else if j_last < r_last {
            out.caught_up = self.catch_up(journal, j_last, r_last)?;
        }
        if let Some(h) = journal.last_hash()
            && journal.last_seq() == r_last
            && r_last > 0
            && out.replayed == 0
            && h != r_hash
        {
            out.problems
                .push(super::check::Problem::JournalDiffers { seq: r_last });
        }
        Ok(out)
    }

    /// Writes the journal records past `r_last` into redb, in one durable transaction. Records
    /// from the first one that cannot be replayed (missing, damaged, not readable by this caja,
    /// not following the chain) are set aside in a file of their own (see
    /// [`Journal::set_aside`]) and reported: the store opens and sells from its last document.
    fn replay(
        &self,
        journal: &mut Journal,
        r_last: u64,
        r_hash: [u8; 32],
        problems: &mut Vec<super::check::Problem>,
    ) -> Result<u64, StoreError> {
        use super::check::Problem;
        // What the printer took since redb's state was last made durable: those jobs leave the
        // queue, the replayed documents' with the older ones.
        let (records, printed) = journal.tail_after(r_last)?;
        let printed: std::collections::HashSet<u64> = printed.into_iter().collect();
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        let mut replayed = 0;
        let (mut expect, mut prev) = (r_last + 1, r_hash);
        let mut stopped = None;
        for rec in records {
            if rec.seq != expect {
                stopped = Some(Problem::JournalGap {
                    from: expect,
                    to: rec.seq.saturating_sub(1).max(expect),
                });
                break;
            }
            let d = match rec.document() {
                Ok(d) => d,
                Err(StoreError::Found(p)) => {
                    stopped = Some(p);
                    break;
                }
                Err(e) => return Err(e),
            };
            if d.doc.prev_hash != prev {
                stopped = Some(Problem::ChainBroken(d.doc.number.clone()));
                break;
            }
            tx.open_table(DOCS)?.insert(rec.seq, rec.body.as_slice())?;
            redo_side_effects(&tx, rec.seq, &d.doc)?;
            prev = d.hash;
            expect += 1;
            replayed += 1;
        }
        if !printed.is_empty() {
            super::spool::forget_printed(&tx, &printed)?;
        }
        tx.commit()?;
        if replayed > 0 {
            tracing::warn!("replayed {replayed} documents from the journal after an unclean stop");
        }
        if let Some(why) = stopped {
            let file = journal.set_aside(expect - 1)?;
            tracing::error!("journal records from #{expect} set aside in {file}: {why}");
            problems.push(Problem::JournalSetAside {
                from: expect,
                file,
                why: Box::new(why),
            });
        }
        Ok(replayed)
    }

    /// Copies redb's documents `j_last+1..=r_last` into the journal.
    fn catch_up(&self, journal: &mut Journal, j_last: u64, r_last: u64) -> Result<u64, StoreError> {
        let tx = self.db()?.begin_read()?;
        let docs = tx.open_table(DOCS)?;
        let mut batch = Vec::new();
        let mut n = 0;
        for row in docs.range(j_last + 1..=r_last)? {
            let (k, v) = row?;
            let d = decode_doc(v.value(), k.value())?;
            batch.push(JournalRecord {
                seq: k.value(),
                hash: d.hash,
                body: v.value().to_vec(),
            });
            if batch.len() == 512 {
                journal.append(&batch)?;
                n += batch.len() as u64;
                batch.clear();
            }
        }
        journal.append(&batch)?;
        n += batch.len() as u64;
        Ok(n)
    }
}

/// One till document's redb commit, run on the applier thread.
pub(crate) struct Apply {
    tx: WriteTransaction,
    seq: u64,
    bytes: Vec<u8>,
    /// The document's number when its receipt is queued.
    number: Option<String>,
    /// Print jobs printed since the last write, removed in this transaction.
    printed: Vec<u64>,
    reply: std::sync::mpsc::SyncSender<Result<(), StoreError>>,
}

impl Apply {
    fn run(self: Box<Self>) -> Result<(), StoreError> {
        let Apply {
            mut tx,
            seq,
            bytes,
            number,
            printed,
            ..
        } = *self;
        tx.set_durability(redb::Durability::None)?;
        {
            let mut docs = tx.open_table(DOCS)?;
            docs.insert(seq, bytes.as_slice())?;
        }
        if !printed.is_empty() {
            let mut jobs = tx.open_table(super::tables::PRINT_JOBS)?;
            for id in &printed {
                jobs.remove(*id)?;
            }
        }
        if let Some(number) = number {
            super::spool::queue_job(&tx, seq, &number, false)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// What the transaction that committed a journaled document wrote beside it: the receipt
/// job of a document that prints one (a receipt may print twice after a power cut, never not
/// at all; the journal's marks then take back those the printer took, see
/// `spool::forget_printed`), and the refund index.
pub(super) fn redo_side_effects(
    tx: &WriteTransaction,
    seq: u64,
    doc: &crate::domain::document::Document,
) -> Result<(), StoreError> {
    if super::spool::prints(&doc.body) {
        super::spool::queue_job(tx, seq, &doc.number, false)?;
    }
    if let DocBody::Refund(r) = &doc.body
        && let Ok((_, DocKind::Sale, n)) = parse_number(&r.original)
    {
        let docs = tx.open_table(DOCS)?;
        if let Some((sale_seq, _)) = super::docs::find_number(&docs, DocKind::Sale, n)? {
            drop(docs);
            tx.open_table(REFUNDS)?.insert((sale_seq, seq), ())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::{NoSaleBody, Override, OverrideAction};
    use crate::domain::money::Currency;
    use crate::domain::numbering::RegisterCode;
    use crate::store::{Commit, DocHeader, InitParams};

    fn no_sale(why: &str) -> DocBody {
        DocBody::NoSale(NoSaleBody {
            reason: why.into(),
            overrides: vec![Override {
                action: OverrideAction::NoSale,
                supervisor: "ana".into(),
                reason: why.into(),
            }],
        })
    }

    /// A transaction that appended a document and then failed (an overflow, a refused second
    /// document) leaves nothing behind: not in redb, and not in the journal when the next
    /// transaction of several documents ends after the till's own commit took that number.
    #[test]
    fn the_records_of_a_transaction_that_failed_never_reach_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(
            dir.path(),
            InitParams {
                name: "Tienda Uno".into(),
                register: RegisterCode::parse("FV1").unwrap(),
                currency: Currency::by_code("COP").unwrap(),
                prices_include_tax: true,
                supervisor: "ana".into(),
                pin: "1234".into(),
                now_utc_ms: 1_795_000_000_000,
            },
        )
        .unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-22T09:41:00-05:00").unwrap();
        let header = DocHeader {
            business_date: at.date_naive(),
            at: crate::domain::document::Stamp::from_datetime(at),
            cashier: "ana".into(),
        };
        let tx = store.begin_write().unwrap();
        let dropped = store
            .append(&tx, &header, no_sale("never committed"))
            .unwrap();
        drop(tx);
        // The till's commit takes the number the dropped transaction had.
        let one = store.commit(&header, no_sale("one")).unwrap();
        assert_eq!(one.seq, dropped.seq);
        let two = store
            .commit(&header, Commit::docs([no_sale("two"), no_sale("three")]))
            .unwrap();
        assert_eq!(two.seq, dropped.seq + 1);
        assert!(store.journal_ok(), "the journal was taken for failed");
        drop(store);
        let report = crate::store::check::check_dir(dir.path(), |_| {}).unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.journal_records, report.documents);
    }
}
