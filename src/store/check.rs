//! `caja check`: the file's own integrity, then every document: decodable, chained, numbered
//! without gaps, dated in order, and with figures that recompute to what is stored.

use super::codec::{ProductRecord, StoreInfo};
use super::tables::{BARCODES, DOCS, PRODUCTS};
use super::{STORE_FILE, Store, StoreError, open_db, quietly, read_info};
use crate::domain::document::BusinessDate;
use crate::domain::document::DocBody;
use crate::domain::numbering::{DocKind, format_number};
use crate::domain::report::ReportBuilder;
use crate::i18n::Word;
use crate::i18n::{Language, fill, store_text};
use crate::lock::LockAnyway;
use redb::{ReadableDatabase, ReadableTable};
use std::collections::HashMap;
use std::path::Path;

/// What the check found. The store is sound only when `problems` is empty.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    pub documents: u64,
    /// Records in the electronic journal, and how many of them the store does not hold yet
    /// (a register stopped by a power cut replays them when it opens).
    pub journal_records: u64,
    pub journal_only: u64,
    /// Things worth knowing that lose nothing (the journal is behind a store that holds every
    /// document: the register catches it up when it opens).
    pub notes: Vec<Note>,
    pub products: u64,
    pub last_numbers: Vec<(DocKind, u64)>,
    pub problems: Vec<Problem>,
}

/// Something the check found wrong, typed so that each reader shows it in its own language
/// ([`Problem::words`]); `Display` is the English text, for logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// redb's own page checksums fail: a disk fault.
    PageChecks,
    /// The store could not be read at all (the error from below).
    Unreadable(String),
    /// The store could not be read beside its journal (a panic's text).
    NotComparable(String),
    /// A journal file whose header cannot be read.
    JournalHeader {
        file: String,
        fault: super::ejournal::HeaderFault,
    },
    /// A journal file of another store (copied in by hand): never read as this store's.
    JournalForeign {
        file: String,
        name: String,
        store_id: String,
    },
    /// The journal has no file with a readable header.
    JournalEmpty,
    /// Journal records past the store's last document that could not be replayed (damaged,
    /// not readable by this caja, or not following the chain), moved to `file` in the journal
    /// folder: kept, never dropped, and no longer in the way of the next document.
    JournalSetAside {
        from: u64,
        file: String,
        why: Box<Problem>,
    },
    /// Damaged bytes in a journal file; `store_copy` when the store's copy stands in.
    JournalBytes {
        file: String,
        from: u64,
        to: u64,
        store_copy: bool,
    },
    JournalGap {
        from: u64,
        to: u64,
    },
    JournalRecordHash {
        seq: u64,
    },
    JournalDiffers {
        seq: u64,
    },
    /// The journal could not be read at all (the error from below).
    Journal(String),
    Gap {
        from: u64,
        to: u64,
    },
    UnreadableDocument {
        seq: u64,
        detail: String,
    },
    /// A journal record whose document does not decode; `newer` when its envelope is of a
    /// version a newer caja writes.
    UnreadableRecord {
        seq: u64,
        newer: Option<u64>,
    },
    UnreadableProduct {
        sku: String,
        detail: String,
    },
    ChainBroken(String),
    Edited(String),
    Numbering {
        number: String,
        expected: String,
    },
    Counters(String),
    ForeignNumber {
        number: String,
        register: String,
    },
    DateBack {
        number: String,
        date: String,
    },
    DateClosed {
        number: String,
        date: String,
    },
    ZMismatch(String),
    /// A document whose figures do not recompute (the domain's own reason).
    Figures {
        number: String,
        err: crate::domain::document::DocError,
    },
    /// `line` counts from 1, as the receipt shows it.
    RefundOver {
        number: String,
        original: String,
        line: u32,
    },
    RefundNoLine {
        number: String,
        original: String,
        line: u32,
    },
    NoSaleUnauthorized(String),
    CashMoveNotPositive(String),
    VoidUnauthorized(String),
    VoidNegative(String),
    CancelUnauthorized(String),
    OrphanBarcode {
        barcode: String,
        sku: String,
    },
    BarcodeNotIndexed {
        sku: String,
        barcode: String,
    },
}

impl Problem {
    /// The problem in `lang`.
    pub fn words(&self, lang: Language) -> String {
        use Problem as P;
        let t = |key| store_text(lang, key);
        let n = |key, number: &str| fill(t(key), &[("number", number)]);
        match self {
            P::PageChecks => t(Word::PageChecks).into(),
            P::Unreadable(d) => fill(t(Word::Unreadable), &[("detail", d)]),
            P::NotComparable(d) => fill(t(Word::NotComparable), &[("detail", d)]),
            P::JournalHeader { file, fault } => fill(
                t(Word::JournalHeader),
                &[("file", file), ("detail", &fault.words(lang))],
            ),
            P::JournalForeign {
                file,
                name,
                store_id,
            } => foreign_words(lang, file, name, store_id),
            P::JournalEmpty => t(Word::JournalEmpty).into(),
            P::JournalSetAside { from, file, why } => fill(
                t(Word::JournalSetAside),
                &[
                    ("from", &from.to_string()),
                    ("file", file),
                    ("why", &why.words(lang)),
                ],
            ),
            P::JournalBytes {
                file,
                from,
                to,
                store_copy,
            } => fill(
                t(if *store_copy {
                    Word::JournalBytes
                } else {
                    Word::JournalBytesAlone
                }),
                &[
                    ("file", file),
                    ("from", &from.to_string()),
                    ("to", &to.to_string()),
                ],
            ),
            P::JournalGap { from, to } if from == to => {
                fill(t(Word::JournalGapOne), &[("from", &from.to_string())])
            }
            P::JournalGap { from, to } => fill(
                t(Word::JournalGap),
                &[("from", &from.to_string()), ("to", &to.to_string())],
            ),
            P::JournalRecordHash { seq } => {
                fill(t(Word::JournalRecordHash), &[("seq", &seq.to_string())])
            }
            P::JournalDiffers { seq } => {
                fill(t(Word::JournalDiffers), &[("seq", &seq.to_string())])
            }
            P::Journal(d) => fill(t(Word::Journal), &[("detail", d)]),
            P::Gap { from, to } if from == to => {
                fill(t(Word::GapOne), &[("from", &from.to_string())])
            }
            P::Gap { from, to } => fill(
                t(Word::Gap),
                &[("from", &from.to_string()), ("to", &to.to_string())],
            ),
            P::UnreadableDocument { seq, detail } => fill(
                t(Word::UnreadableDocument),
                &[("seq", &seq.to_string()), ("detail", detail)],
            ),
            P::UnreadableRecord { seq, newer: None } => {
                fill(t(Word::UnreadableRecord), &[("seq", &seq.to_string())])
            }
            P::UnreadableRecord {
                seq,
                newer: Some(v),
            } => fill(
                t(Word::NewerRecord),
                &[("seq", &seq.to_string()), ("version", &v.to_string())],
            ),
            P::UnreadableProduct { sku, detail } => fill(
                t(Word::UnreadableProduct),
                &[("sku", sku), ("detail", detail)],
            ),
            P::ChainBroken(number) => n(Word::ChainBroken, number),
            P::Edited(number) => n(Word::Edited, number),
            P::Numbering { number, expected } => fill(
                t(Word::Numbering),
                &[("number", number), ("expected", expected)],
            ),
            P::Counters(number) => n(Word::Counters, number),
            P::ForeignNumber { number, register } => fill(
                t(Word::ForeignNumber),
                &[("number", number), ("register", register)],
            ),
            P::DateBack { number, date } => {
                fill(t(Word::DateBack), &[("number", number), ("date", date)])
            }
            P::DateClosed { number, date } => {
                fill(t(Word::DateClosed), &[("number", number), ("date", date)])
            }
            P::ZMismatch(number) => n(Word::ZMismatch, number),
            P::Figures { number, err } => {
                let detail = crate::i18n::domain_words(err, crate::i18n::texts(lang), None)
                    .unwrap_or_else(|| err.to_string());
                fill(t(Word::Figures), &[("number", number), ("detail", &detail)])
            }
            P::RefundOver {
                number,
                original,
                line,
            } => fill(
                t(Word::RefundOver),
                &[
                    ("number", number),
                    ("original", original),
                    ("line", &line.to_string()),
                ],
            ),
            P::RefundNoLine {
                number,
                original,
                line,
            } => fill(
                t(Word::RefundNoLine),
                &[
                    ("number", number),
                    ("original", original),
                    ("line", &line.to_string()),
                ],
            ),
            P::NoSaleUnauthorized(number) => n(Word::NoSaleUnauthorized, number),
            P::CashMoveNotPositive(number) => n(Word::CashMoveNotPositive, number),
            P::VoidUnauthorized(number) => n(Word::VoidUnauthorized, number),
            P::VoidNegative(number) => n(Word::VoidNegative, number),
            P::CancelUnauthorized(number) => n(Word::CancelUnauthorized, number),
            P::OrphanBarcode { barcode, sku } => fill(
                t(Word::OrphanBarcode),
                &[("barcode", barcode), ("sku", sku)],
            ),
            P::BarcodeNotIndexed { sku, barcode } => fill(
                t(Word::BarcodeNotIndexed),
                &[("barcode", barcode), ("sku", sku)],
            ),
        }
    }

    /// A problem of the journal alone: the store's own copies stand.
    pub fn in_journal(&self) -> bool {
        matches!(
            self,
            Problem::JournalHeader { .. }
                | Problem::JournalForeign { .. }
                | Problem::JournalEmpty
                | Problem::JournalSetAside { .. }
                | Problem::JournalBytes { .. }
                | Problem::JournalGap { .. }
                | Problem::JournalRecordHash { .. }
                | Problem::JournalDiffers { .. }
                | Problem::Journal(_)
                | Problem::UnreadableRecord { .. }
        )
    }
}

/// A journal file of another store, named with what to do: one wording for the check's
/// problem and the refusal of the open, the rebuild and the journal command.
pub(crate) fn foreign_words(lang: Language, file: &str, name: &str, store_id: &str) -> String {
    let short: String = store_id.chars().take(4).collect();
    fill(
        store_text(lang, Word::JournalForeign),
        &[("file", file), ("name", name), ("id", &short)],
    )
}

impl std::error::Error for Problem {}

crate::i18n::display_words!(Problem);

/// Something worth knowing that loses nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The register stopped without closing; the journal holds what the store lacks.
    Unclosed,
    /// The journal is behind a store that holds every document.
    JournalBehind { from: u64, to: u64 },
}

impl Note {
    pub fn words(&self, lang: Language) -> String {
        match self {
            Note::Unclosed => store_text(lang, Word::NoteUnclosed).into(),
            Note::JournalBehind { from, to } => fill(
                store_text(lang, Word::NoteJournalBehind),
                &[("from", &from.to_string()), ("to", &to.to_string())],
            ),
        }
    }
}

crate::i18n::display_words!(Note);

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Stop listing after this many problems: one damaged area can otherwise flood the report.
const MAX_PROBLEMS: usize = 50;

/// Checks the store in `dir`. An error means it could not even be read.
///
/// Everything is first read through a read-only handle, so a damaged file is reported without a
/// single byte written to it; only a file that reads cleanly gets redb's page-checksum pass,
/// which needs a writable handle.
pub fn check_dir(dir: &Path, mut progress: impl FnMut(u64)) -> Result<CheckReport, StoreError> {
    let path = dir.join(STORE_FILE);
    if !path.exists() {
        return Err(StoreError::NotInitialized(dir.to_path_buf()));
    }
    let p = path.clone();
    let ro = super::open_read_only(&p);
    // Some(report) when the read-only walk ran; None when the file needs crash recovery first.
    let mut walked = match ro {
        Ok(Ok(ro)) => {
            let walk = quietly(|| walk(&ro, &mut progress));
            drop(ro);
            match walk {
                Ok(r) => Some(r?),
                Err(panic) => {
                    return Err(StoreError::Unreadable {
                        path: path.clone(),
                        detail: panic,
                    });
                }
            }
        }
        Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => return Err(StoreError::InUse(path)),
        // Not readable read-only: a crash left it needing recovery, which a writable open does.
        _ => None,
    };
    // Already known bad: redb's pass would only try to repair, which writes to the file.
    if let Some(mut bad) = walked.take_if(|r| !r.ok()) {
        with_journal(dir, &path, &mut bad)?;
        return Ok(bad);
    }
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut report = match walked {
        Some(r) => {
            // redb's page-checksum pass needs a writable handle, and a writable open changes
            // the file's header: a store that reads cleanly is given it through a private
            // copy, so that `check` changes no byte of the store.
            let checking =
                super::files::scratch_copy(&path, dir, &format!("{STORE_FILE}.checking"))?;
            let pass = integrity_pass(&checking);
            let _ = std::fs::remove_file(&checking);
            match pass? {
                true => {}
                false => problems.push(Problem::PageChecks),
            }
            r
        }
        // The file needs crash recovery, which only a writable open of the file itself does.
        None => {
            let mut db = open_db(&path)?;
            match quietly(|| db.check_integrity()) {
                Ok(Ok(true)) => {}
                // The normal state after a power cut or a kill: redb goes back to its last
                // checkpoint, and the journal holds every document acknowledged since.
                Ok(Ok(false)) => notes.push(Note::Unclosed),
                Ok(Err(e)) => {
                    return Err(StoreError::Corrupt(format!("integrity check failed: {e}")));
                }
                Err(panic) => {
                    return Err(StoreError::Corrupt(format!(
                        "integrity check failed: {panic}"
                    )));
                }
            }
            let store = Store::from_db(db, path.clone())?;
            match quietly(|| walk(&*store.db()?, &mut progress)) {
                Ok(r) => r?,
                Err(panic) => {
                    return Err(StoreError::Unreadable {
                        path: path.clone(),
                        detail: panic,
                    });
                }
            }
        }
    };
    report.problems.extend(problems);
    report.notes.extend(notes);
    with_journal(dir, &path, &mut report)?;
    Ok(report)
}

/// redb's page-checksum pass over a file: true when every page checks.
fn integrity_pass(path: &Path) -> Result<bool, StoreError> {
    // The handle lives outside the closure: a panic must never unwind through its owner.
    let mut db = match open_db(path) {
        Ok(db) => db,
        Err(e) if e.damage(Language::En).is_some() => return Ok(false),
        Err(e) => return Err(e),
    };
    let r = quietly(|| {
        db.check_integrity()
            .map_err(|e| StoreError::Corrupt(format!("integrity check failed: {e}")))
    });
    drop(super::DbGuard::new(db));
    match r {
        Ok(Ok(ok)) => Ok(ok),
        Ok(Err(e)) if e.damage(Language::En).is_some() => Ok(false),
        Err(_) => Ok(false),
        Ok(Err(e)) => Err(e),
    }
}

/// Checks the journal alone, as `check_chain` checks the store: what `caja check` does while
/// the register holds the store. Nothing is written anywhere.
pub fn check_journal_only(
    dir: &Path,
    mut progress: impl FnMut(u64),
) -> Result<CheckReport, StoreError> {
    // Read while the register appends, a file can show a record past one not yet seen (the
    // pages are copied one by one, the writer fills them in order): a hole that is gone when
    // read again is no damage. What stays after three reads is reported.
    let mut report = journal_only_once(dir, &mut progress)?;
    for _ in 0..2 {
        if report.ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        report = journal_only_once(dir, &mut progress)?;
    }
    Ok(report)
}

fn journal_only_once(dir: &Path, mut progress: impl FnMut(u64)) -> Result<CheckReport, StoreError> {
    let mut io = super::ejournal::FsJournal::new(super::ejournal::dir_of(dir));
    let (mut records, info) = super::ejournal::Records::open(&mut io)?;
    let info =
        info.ok_or_else(|| StoreError::Corrupt("the journal is empty or unreadable".into()))?;
    let mut report = CheckReport::default();
    let mut n = 0u64;
    let rows = (&mut records).map(|r| {
        r.map(|r| {
            n += 1;
            (r.seq, r.body)
        })
    });
    check_chain(rows, &info, &mut report, &mut progress)?;
    report.journal_records = n;
    report.problems.extend(records.problems);
    Ok(report)
}

/// Adds the journal's comparison to a report, through a read-only handle.
fn with_journal(dir: &Path, path: &Path, report: &mut CheckReport) -> Result<(), StoreError> {
    let mut io = super::ejournal::FsJournal::new(super::ejournal::dir_of(dir));
    let p = path.to_path_buf();
    let ro = super::open_read_only(&p);
    if let Ok(Ok(db)) = ro {
        match quietly(|| compare_journal(&db, &mut io, report)) {
            Ok(r) => r?,
            Err(panic) => report.problems.push(Problem::NotComparable(panic)),
        }
    }
    Ok(())
}

/// Compares the electronic journal with the store's documents: each record must be whole,
/// follow the one before it, and hold the very bytes the store holds at that place.
pub fn compare_journal(
    db: &impl ReadableDatabase,
    io: &mut dyn super::ejournal::JournalIo,
    report: &mut CheckReport,
) -> Result<(), StoreError> {
    let tx = db.begin_read()?;
    let info = super::read_info_tx(&tx)?;
    let docs = tx.open_table(DOCS)?;
    let store_last = docs.last()?.map_or(0, |(k, _)| k.value());
    let mut problems = Vec::new();
    let mut expect: Option<u64> = None;
    let (mut records, mut only) = (0u64, 0u64);
    super::ejournal::visit_files(io, |f| {
        match &f.info {
            Err(e) => problems.push(Problem::JournalHeader {
                file: f.name.clone(),
                fault: e.clone(),
            }),
            // A file of another store: named, and none of its records read as this store's.
            Ok(i) if i.store_id != info.store_id => {
                problems.push(Problem::JournalForeign {
                    file: f.name.clone(),
                    name: i.name.clone(),
                    store_id: i.store_id.clone(),
                });
                return Ok(());
            }
            Ok(_) => {}
        }
        for (a, b) in &f.scan.damaged {
            problems.push(Problem::JournalBytes {
                file: f.name.clone(),
                from: *a,
                to: *b,
                store_copy: true,
            });
        }
        for r in &f.scan.records {
            records += 1;
            if let Some(e) = expect
                && r.seq != e
            {
                problems.push(Problem::JournalGap {
                    from: e,
                    to: r.seq.saturating_sub(1),
                });
            }
            expect = Some(r.seq + 1);
            if let Err(e) = r.document() {
                problems.push(match e {
                    StoreError::Found(p) => p,
                    e => Problem::Journal(e.to_string()),
                });
                continue;
            }
            match docs.get(r.seq)? {
                Some(v) if v.value() == r.body.as_slice() => {}
                Some(_) => problems.push(Problem::JournalDiffers { seq: r.seq }),
                None => only += 1,
            }
        }
        Ok(())
    })?;
    let journal_last = expect.map_or(0, |e| e - 1);
    if journal_last < store_last {
        report.notes.push(Note::JournalBehind {
            from: journal_last + 1,
            to: store_last,
        });
    }
    report.journal_records = records;
    report.journal_only = only;
    report
        .problems
        .extend(problems.into_iter().take(MAX_PROBLEMS));
    Ok(())
}

/// The file where the register notes damage it found while running, so that the next open
/// refuses the store until it is rebuilt.
pub fn suspect_path(dir: &Path) -> std::path::PathBuf {
    dir.join("caja.redb.suspect")
}

impl Store {
    /// The register's own check, run on a thread of its own after the store opens (a full
    /// comparison costs about a second per 100,000 documents): every document and the catalog,
    /// and every journal record against the store's copy. Damage in the store (not in the
    /// journal, whose records have their own checksums) marks the store damaged: later
    /// documents are refused, and the next open offers the rebuild. Returns what it found.
    pub fn verify_live(&self) -> Result<Vec<Problem>, StoreError> {
        let Some(dir) = self.path().parent().map(Path::to_path_buf) else {
            return Ok(Vec::new());
        };
        let mut report = match super::quietly(|| self.verify()) {
            Ok(Ok(r)) => r,
            // The disk, not the store: said where a write meets it, never called damage.
            Ok(Err(e @ StoreError::Disk(_))) => {
                tracing::warn!("the store's own check stopped: {e}");
                return Ok(Vec::new());
            }
            Ok(Err(e)) => {
                self.mark_damaged(&e.to_string());
                return Ok(vec![Problem::Unreadable(e.to_string())]);
            }
            Err(panic) => {
                self.mark_damaged(&panic);
                return Ok(vec![Problem::Unreadable(panic)]);
            }
        };
        // A journal that cannot be read says nothing against the store.
        let mut io = super::ejournal::FsJournal::new(super::ejournal::dir_of(&dir));
        match super::quietly(|| compare_journal(&*self.db()?, &mut io, &mut report)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => report.problems.push(Problem::Journal(e.to_string())),
            Err(p) => report.problems.push(Problem::Journal(p)),
        }
        if let Some(first) = report.problems.iter().find(|p| !p.in_journal()) {
            self.mark_damaged(&first.to_string());
        }
        Ok(report.problems)
    }

    /// Notes damage: documents are refused from now on, and the next open refuses the store
    /// until it is rebuilt.
    pub(crate) fn mark_damaged(&self, why: &str) {
        tracing::error!("the store is damaged: {why}");
        *self.damaged.lock_anyway() = Some(why.to_string());
        if let Some(dir) = self.path().parent() {
            let text = format!(
                "the register found it damaged while it ran: {why}. Rebuild it (from the register's screen, or `caja rebuild`)"
            );
            if let Err(e) = super::files::write_private(&suspect_path(dir), text.as_bytes()) {
                tracing::error!("cannot note the damage: {e}");
            }
        }
    }

    /// Why the store was found damaged while it ran, if it was.
    pub fn damaged(&self) -> Option<String> {
        self.damaged.lock_anyway().clone()
    }

    /// Verifies every document and the catalog through this open store (no exclusive access
    /// needed, so the running register can check itself). redb's own page check needs the
    /// file to itself and is left to `caja check`.
    pub fn verify(&self) -> Result<CheckReport, StoreError> {
        walk(&*self.db()?, &mut |_| {})
    }
}

fn walk(
    db: &impl ReadableDatabase,
    progress: &mut impl FnMut(u64),
) -> Result<CheckReport, StoreError> {
    let info = read_info(db)?;
    let mut report = CheckReport::default();
    check_documents(db, &info, &mut report, progress)?;
    check_catalog(db, &mut report)?;
    Ok(report)
}

fn check_documents(
    db: &impl ReadableDatabase,
    info: &StoreInfo,
    report: &mut CheckReport,
    progress: &mut impl FnMut(u64),
) -> Result<(), StoreError> {
    let tx = db.begin_read()?;
    let docs = tx.open_table(DOCS)?;
    let rows = docs.iter()?.map(|r| {
        r.map(|(k, v)| (k.value(), v.value().to_vec()))
            .map_err(StoreError::from)
    });
    check_chain(rows, info, report, progress)
}

/// Checks a chain of documents, from the store or from the journal alone: decodable, chained,
/// numbered without gaps, dated in order, with figures that recompute to what is stored.
pub(super) fn check_chain(
    rows: impl Iterator<Item = Result<(u64, Vec<u8>), StoreError>>,
    info: &StoreInfo,
    report: &mut CheckReport,
    progress: &mut impl FnMut(u64),
) -> Result<(), StoreError> {
    let currency = info.currency.clone();
    let register = info.register.clone();
    let mut expected_seq = 1u64;
    let mut prev_hash = [0u8; 32];
    let mut counters = vec![0u64; DocKind::ALL.len()];
    let mut last_date = None;
    // The last closed date, and the running report of the current date to re-check its Z.
    let mut closed = None;
    let mut day: Option<(BusinessDate, ReportBuilder)> = None;
    // Refunds are rare; what each sale line gave back is tracked to re-check the limit.
    let mut refunded: HashMap<(String, u32), (i64, i64)> = HashMap::new();
    let mut sold: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    let problems = &mut report.problems;
    let note = |problems: &mut Vec<Problem>, s: Problem| {
        if problems.len() < MAX_PROBLEMS {
            problems.push(s);
        }
    };
    let mut count = 0u64;
    for row in rows {
        let (seq, bytes) = row?;
        count += 1;
        if count % 4096 == 0 {
            progress(count);
        }
        if seq != expected_seq {
            note(
                problems,
                Problem::Gap {
                    from: expected_seq,
                    to: seq.saturating_sub(1),
                },
            );
        }
        expected_seq = seq + 1;
        let sealed = match super::codec::decode_detail::<super::codec::DocRecord>(&bytes) {
            Ok(super::codec::DocRecord::V1(d)) => d,
            Err(detail) => {
                note(problems, Problem::UnreadableDocument { seq, detail });
                continue;
            }
        };
        let d = &sealed.doc;
        let label = d.number.clone();
        if d.prev_hash != prev_hash {
            note(problems, Problem::ChainBroken(label.clone()));
        }
        if d.hash() != sealed.hash {
            note(problems, Problem::Edited(label.clone()));
        }
        prev_hash = sealed.hash;
        let kind = d.kind();
        let want = counters[kind.index()] + 1;
        if d.n != want && !(d.opens_range && d.n > want) {
            note(
                problems,
                Problem::Numbering {
                    number: label.clone(),
                    expected: format_number(&register, kind, want),
                },
            );
        }
        counters[kind.index()] = d.n;
        // Documents from before a kind existed carry fewer counters; the missing ones are zero.
        let same = (0..counters.len().max(d.counters.len())).all(|i| {
            d.counters.get(i).copied().unwrap_or(0) == counters.get(i).copied().unwrap_or(0)
        });
        if !same {
            note(problems, Problem::Counters(label.clone()));
            counters = d.counters.clone();
            counters.resize(DocKind::ALL.len(), 0);
        }
        if d.number != format_number(&register, kind, d.n) || d.register != register.as_str() {
            note(
                problems,
                Problem::ForeignNumber {
                    number: label.clone(),
                    register: register.to_string(),
                },
            );
        }
        // A date correction goes back from the date it gives up, and only from that one.
        let corrects = match &d.body {
            DocBody::DayCorrect(c) => last_date == Some(c.wrong),
            _ => false,
        };
        if last_date.is_some_and(|l| d.business_date < l) && !corrects {
            note(
                problems,
                Problem::DateBack {
                    number: label.clone(),
                    date: d.business_date.to_string(),
                },
            );
        }
        last_date = Some(d.business_date);
        if closed.is_some_and(|c| d.business_date <= c) {
            note(
                problems,
                Problem::DateClosed {
                    number: label.clone(),
                    date: d.business_date.to_string(),
                },
            );
        }
        if day
            .as_ref()
            .is_none_or(|(date, _)| *date != d.business_date)
        {
            day = Some((d.business_date, ReportBuilder::new()));
        }
        if let DocBody::Closing(c) = &d.body {
            // A Z stored before the money trail existed carries no trail to compare.
            let want = day.take().map(|(_, b)| b.finish_day()).map(|mut r| {
                if c.report.trail.is_none() {
                    r.trail = None;
                }
                r
            });
            if want.is_some_and(|w| w != c.report) {
                note(problems, Problem::ZMismatch(label.clone()));
            }
            closed = Some(d.business_date);
        } else if let Some((_, b)) = &mut day
            && let Err(e) = b.add(d)
        {
            note(
                problems,
                Problem::Figures {
                    number: label.clone(),
                    err: crate::domain::document::DocError::Money(e),
                },
            );
        }
        match &d.body {
            DocBody::Sale(s) => {
                if let Err(e) = s.verify(&currency) {
                    note(
                        problems,
                        Problem::Figures {
                            number: label.clone(),
                            err: e,
                        },
                    );
                }
                sold.insert(
                    d.number.clone(),
                    s.lines
                        .iter()
                        .map(|l| (l.qty.milli(), l.total.minor()))
                        .collect(),
                );
            }
            DocBody::Refund(r) => {
                if let Err(e) = r.verify() {
                    note(
                        problems,
                        Problem::Figures {
                            number: label.clone(),
                            err: e,
                        },
                    );
                }
                for l in &r.lines {
                    let e = refunded.entry((r.original.clone(), l.line)).or_default();
                    e.0 += l.qty.milli();
                    e.1 += l.total.minor();
                    let line_sold = sold.get(&r.original).and_then(|v| v.get(l.line as usize));
                    match line_sold {
                        Some((q, t)) if e.0 > *q || e.1 > *t => note(
                            problems,
                            Problem::RefundOver {
                                number: label.clone(),
                                original: r.original.clone(),
                                line: l.line + 1,
                            },
                        ),
                        None => note(
                            problems,
                            Problem::RefundNoLine {
                                number: label.clone(),
                                original: r.original.clone(),
                                line: l.line + 1,
                            },
                        ),
                        _ => {}
                    }
                }
            }
            DocBody::NoSale(n) => {
                if n.overrides.is_empty() {
                    note(problems, Problem::NoSaleUnauthorized(label.clone()));
                }
            }
            DocBody::CashMove(c) => {
                if !c.amount.is_positive() {
                    note(problems, Problem::CashMoveNotPositive(label.clone()));
                }
            }
            DocBody::Void(v) => {
                if v.after_payment && v.overrides.is_empty() {
                    note(problems, Problem::VoidUnauthorized(label.clone()));
                }
                if v.amount.is_negative() {
                    note(problems, Problem::VoidNegative(label.clone()));
                }
            }
            DocBody::Cancel(c) => {
                if !c.tenders.is_empty()
                    && !c
                        .overrides
                        .iter()
                        .any(|o| o.action == crate::domain::document::OverrideAction::Cancel)
                {
                    note(problems, Problem::CancelUnauthorized(label.clone()));
                }
            }
            DocBody::DayOpen(_)
            | DocBody::DayCorrect(_)
            | DocBody::ShiftOpen(_)
            | DocBody::ShiftClose(_)
            | DocBody::Closing(_)
            | DocBody::Customer(_)
            | DocBody::Points(_) => {}
        }
    }
    report.documents = count;
    report.last_numbers = DocKind::ALL
        .iter()
        .map(|k| (*k, counters[k.index()]))
        .collect();
    Ok(())
}

fn check_catalog(db: &impl ReadableDatabase, report: &mut CheckReport) -> Result<(), StoreError> {
    let tx = db.begin_read()?;
    let products = tx.open_table(PRODUCTS)?;
    let barcodes = tx.open_table(BARCODES)?;
    let mut n = 0u64;
    for row in barcodes.iter()? {
        let (b, sku) = row?;
        if products.get(sku.value())?.is_none() && report.problems.len() < MAX_PROBLEMS {
            report.problems.push(Problem::OrphanBarcode {
                barcode: b.value().to_string(),
                sku: sku.value().to_string(),
            });
        }
    }
    let mut bad = Vec::new();
    for row in products.iter()? {
        let (k, v) = row?;
        n += 1;
        let p = match super::codec::decode_detail::<ProductRecord>(v.value()) {
            Ok(r) => r.product(),
            Err(detail) => {
                bad.push(Problem::UnreadableProduct {
                    sku: k.value().to_string(),
                    detail,
                });
                continue;
            }
        };
        for b in &p.barcodes {
            let owner = barcodes.get(b.as_str())?.map(|v| v.value().to_string());
            if owner.as_deref() != Some(p.sku.as_str()) {
                bad.push(Problem::BarcodeNotIndexed {
                    sku: p.sku.to_string(),
                    barcode: b.to_string(),
                });
            }
        }
    }
    report.products = n;
    report.problems.extend(bad.into_iter().take(MAX_PROBLEMS));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every problem and note reads in both languages, with every value filled in (a key
    /// missing from the catalogue would read as the key itself).
    #[test]
    fn every_problem_reads_in_both_languages() {
        let s = String::from;
        let n = || s("FV1-000007");
        let all = [
            Problem::PageChecks,
            Problem::Unreadable(s("x")),
            Problem::NotComparable(s("x")),
            Problem::JournalHeader {
                file: s("00000001.cej"),
                fault: crate::store::ejournal::HeaderFault::Newer(2),
            },
            Problem::JournalHeader {
                file: s("00000001.cej"),
                fault: crate::store::ejournal::HeaderFault::Empty,
            },
            Problem::JournalHeader {
                file: s("00000001.cej"),
                fault: crate::store::ejournal::HeaderFault::NotAJournal,
            },
            Problem::JournalHeader {
                file: s("00000001.cej"),
                fault: crate::store::ejournal::HeaderFault::CutShort,
            },
            Problem::JournalHeader {
                file: s("00000001.cej"),
                fault: crate::store::ejournal::HeaderFault::Checksum,
            },
            Problem::JournalHeader {
                file: s("00000001.cej"),
                fault: crate::store::ejournal::HeaderFault::Undecodable(s("x")),
            },
            Problem::JournalForeign {
                file: s("ej-000000000001.cj"),
                name: s("Otra"),
                store_id: s("66f9aa"),
            },
            Problem::JournalEmpty,
            Problem::JournalSetAside {
                from: 31,
                file: s("aside-000000000031.cj"),
                why: Box::new(Problem::UnreadableRecord {
                    seq: 31,
                    newer: Some(2),
                }),
            },
            Problem::JournalBytes {
                file: s("00000001.cej"),
                from: 10,
                to: 20,
                store_copy: true,
            },
            Problem::JournalBytes {
                file: s("00000001.cej"),
                from: 10,
                to: 20,
                store_copy: false,
            },
            Problem::JournalGap { from: 3, to: 4 },
            Problem::JournalRecordHash { seq: 3 },
            Problem::JournalDiffers { seq: 3 },
            Problem::Journal(s("x")),
            Problem::Gap { from: 3, to: 4 },
            Problem::UnreadableDocument {
                seq: 3,
                detail: s("x"),
            },
            Problem::UnreadableRecord {
                seq: 3,
                newer: None,
            },
            Problem::UnreadableRecord {
                seq: 3,
                newer: Some(2),
            },
            Problem::UnreadableProduct {
                sku: s("LEC1L"),
                detail: s("x"),
            },
            Problem::ChainBroken(n()),
            Problem::Edited(n()),
            Problem::Numbering {
                number: n(),
                expected: s("FV1-000006"),
            },
            Problem::Counters(n()),
            Problem::ForeignNumber {
                number: n(),
                register: s("2"),
            },
            Problem::DateBack {
                number: n(),
                date: s("2026-11-28"),
            },
            Problem::DateClosed {
                number: n(),
                date: s("2026-11-28"),
            },
            Problem::ZMismatch(n()),
            Problem::RefundOver {
                number: n(),
                original: s("FV1-000001"),
                line: 2,
            },
            Problem::RefundNoLine {
                number: n(),
                original: s("FV1-000001"),
                line: 2,
            },
            Problem::NoSaleUnauthorized(n()),
            Problem::CashMoveNotPositive(n()),
            Problem::VoidUnauthorized(n()),
            Problem::VoidNegative(n()),
            Problem::CancelUnauthorized(n()),
            Problem::OrphanBarcode {
                barcode: s("770"),
                sku: s("LEC1L"),
            },
            Problem::BarcodeNotIndexed {
                sku: s("LEC1L"),
                barcode: s("770"),
            },
        ];
        let notes = [Note::Unclosed, Note::JournalBehind { from: 3, to: 4 }];
        let words = all
            .iter()
            .map(|p| (p.words(Language::Es), p.words(Language::En)))
            .chain(
                notes
                    .iter()
                    .map(|p| (p.words(Language::Es), p.words(Language::En))),
            );
        for (es, en) in words {
            assert!(!es.contains('{') && !en.contains('{'), "{es} / {en}");
            assert_ne!(es, en);
            assert!(!es.contains('_') && !en.contains('_'), "a key: {es} / {en}");
        }
        let over = all
            .iter()
            .position(|p| matches!(p, Problem::RefundOver { .. }))
            .unwrap_or_default();
        assert_eq!(
            all[over].words(Language::Es),
            "FV1-000007: devuelve más de la línea 2 de FV1-000001 de lo que se vendió"
        );
        assert_eq!(
            all[over].to_string(),
            "FV1-000007: refunds more of FV1-000001 line 2 than was sold"
        );
        let figures = Problem::Figures {
            number: n(),
            err: crate::domain::document::DocError::Mismatch("totals"),
        };
        assert_eq!(
            figures.words(Language::Es),
            "FV1-000007: las cifras guardadas no concuerdan con las líneas: totales"
        );
        assert_eq!(
            figures.to_string(),
            "FV1-000007: the stored figures do not match the lines: totals"
        );
    }
}
