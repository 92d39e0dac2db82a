//! `caja rebuild`: a new store from the electronic journal, plus whatever the damaged store can
//! still give (catalog, users, customers, settings, the sync cursors). The damaged file is kept
//! aside, never written to: when it needs a repair to be read at all, the repair runs on a copy.

use super::check::Problem;
use super::codec::{DocRecord, StoreInfo};
use super::ejournal::{FsJournal, JournalIo, JournalRecord, dir_of, visit_files};
use super::tables::{
    BARCODES, CUSTOMERS, DOCS, HELD, META, NAME_WORDS, PRODUCTS, PULL_HISTORY, REFUNDS, SHIFTS,
    SYNC_REJECTED, USERS, meta_keys,
};
use super::{CACHE_BYTES, STORE_FILE, StoreError, quietly};
use crate::domain::document::{BusinessDate, DocBody};
use crate::domain::numbering::{DocKind, parse_number};
use crate::i18n::Word;
use redb::{Database, ReadableDatabase, ReadableTable};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a rebuild recovered, table by table, and where the damaged store went.
#[derive(Clone, Debug, Default)]
pub struct RebuildReport {
    /// Documents in the new store, and how many of them came from the damaged store because
    /// their journal record was damaged or missing.
    pub documents: u64,
    pub from_store: u64,
    /// Rows copied, part by part, from the damaged store or the backup.
    pub copied: Vec<Recovered>,
    /// What could not be recovered.
    pub lost: Vec<Lost>,
    pub damaged_kept_as: Option<PathBuf>,
    /// The backup that filled in what the damaged store could not give.
    pub from_backup: Option<PathBuf>,
}

/// What a rebuild could not recover, typed so that each reader words it in its own language
/// ([`Lost::words`]); `Display` is the English text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lost {
    /// A part whose copy stopped after `rows` rows.
    PartCut {
        part: Part,
        rows: u64,
        from_backup: Option<String>,
        why: String,
    },
    /// Damage in the journal (a file's header or damaged bytes).
    Journal(super::check::Problem),
    /// The damaged store cannot be read at all.
    StoreUnreadable(WhyNot),
    /// The damaged store gave nothing beside its documents; a backup gave the rest.
    FromBackup,
    /// The damaged store gave nothing beside its documents, and there is no backup.
    NoBackup,
    /// A document neither the journal nor the store holds: the chain stops before it.
    Missing { seq: u64 },
    /// A document that does not follow the one before it: the chain stops before it.
    Unchained { seq: u64 },
}

impl Lost {
    pub fn words(&self, lang: crate::i18n::Language) -> String {
        use crate::i18n::{fill, store_text};
        let t = |key| store_text(lang, key);
        let seq_words = |key, seq: &u64| {
            fill(
                t(key),
                &[
                    ("seq", &seq.to_string()),
                    ("last", &seq.saturating_sub(1).to_string()),
                ],
            )
        };
        match self {
            Lost::PartCut {
                part,
                rows,
                from_backup,
                why,
            } => {
                let part = part.words(lang);
                let what = match from_backup {
                    Some(b) => fill(t(Word::PartFromBackup), &[("part", &part), ("backup", b)]),
                    None => part,
                };
                fill(
                    t(Word::LostPart),
                    &[("what", &what), ("rows", &rows.to_string()), ("why", why)],
                )
            }
            Lost::Journal(p) => p.words(lang),
            Lost::StoreUnreadable(why) => fill(t(Word::LostStore), &[("why", &why.words(lang))]),
            Lost::FromBackup => t(Word::LostFromBackup).into(),
            Lost::NoBackup => t(Word::LostNoBackup).into(),
            Lost::Missing { seq } => seq_words(Word::LostMissing, seq),
            Lost::Unchained { seq } => seq_words(Word::LostUnchained, seq),
        }
    }
}

crate::i18n::display_words!(Lost);

/// Rows of one part that a rebuild copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovered {
    pub part: Part,
    pub rows: u64,
    /// The backup's file name, when they came from one.
    pub from_backup: Option<String>,
}

impl Recovered {
    /// "users (from the backup caja-….redb)", as `caja rebuild` prints it, in `lang`.
    pub fn label(&self, lang: crate::i18n::Language) -> String {
        let part = self.part.words(lang);
        match &self.from_backup {
            Some(b) => crate::i18n::fill(
                crate::i18n::store_text(lang, Word::PartFromBackup),
                &[("part", &part), ("backup", b)],
            ),
            None => part,
        }
    }
}

/// What a rebuild copies beside the chain, one part at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Products,
    Customers,
    Users,
    Held,
    Refusals,
    PullHistory,
    Settings,
}

impl Part {
    /// Its place in [`Part::ALL`] (and in the screen's names for the parts).
    pub fn index(self) -> usize {
        Part::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// Its name in a rebuild's report, in `lang`.
    pub fn words(self, lang: crate::i18n::Language) -> String {
        crate::i18n::texts(lang).rebuild_parts[self.index()].to_string()
    }

    pub const ALL: &'static [Part] = &[
        Part::Products,
        Part::Customers,
        Part::Users,
        Part::Held,
        Part::Refusals,
        Part::PullHistory,
        Part::Settings,
    ];

    /// Parts a backup may stand in for: a held ticket or a refusal from an older copy would
    /// come back from the past.
    fn a_backup_may_give(self) -> bool {
        matches!(
            self,
            Part::Products | Part::Customers | Part::Users | Part::PullHistory | Part::Settings
        )
    }
}

/// Copies `want` from `from` into the new store (rows already there are kept: the damaged
/// store's are newer than a backup's); returns the parts not wholly recovered.
fn salvage_into(
    from: &redb::ReadTransaction,
    tx: &redb::WriteTransaction,
    report: &mut RebuildReport,
    backup: Option<&str>,
    want: &[Part],
) -> Vec<Part> {
    let mut missing = Vec::new();
    for part in want {
        let (n, why) = match part {
            // Products and customers are read one by one and indexed anew, so that the
            // indexes name only what was recovered.
            Part::Products => {
                let (n, why) = salvage_rows(from, PRODUCTS, |k, v| {
                    if tx.open_table(PRODUCTS)?.get(k)?.is_some() {
                        return Ok(());
                    }
                    let p = super::catalog::decode_product(v, k)?;
                    let mut table = tx.open_table(PRODUCTS)?;
                    let mut barcodes = tx.open_table(BARCODES)?;
                    let mut words = tx.open_table(NAME_WORDS)?;
                    super::catalog::store_indexed(&mut table, &mut barcodes, &mut words, &p)
                });
                (n, why)
            }
            Part::Customers => {
                let (n, why) = salvage_rows(from, CUSTOMERS, |k, v| {
                    if tx.open_table(CUSTOMERS)?.get(k)?.is_some() {
                        return Ok(());
                    }
                    let c = super::customers::decode_customer(v, k)?;
                    super::customers::put(tx, &c).map(|_| ())
                });
                (n, why)
            }
            Part::Users => copy_missing(from, tx, USERS),
            Part::Held => copy_missing(from, tx, HELD),
            Part::Refusals => copy_missing(from, tx, SYNC_REJECTED),
            Part::PullHistory => {
                let (old, why) = copy_missing(from, tx, PULL_HISTORY);
                match why {
                    Some(why) => (old, Some(why)),
                    None => {
                        let (n, why) = copy_missing(from, tx, super::tables::PULL_HISTORY_V2);
                        (old + n, why)
                    }
                }
            }
            Part::Settings => {
                let keys = [
                    meta_keys::RANGES,
                    meta_keys::PUSH_CURSOR,
                    meta_keys::PULL_CHECKPOINT,
                    meta_keys::NUMBER_FLOOR,
                ];
                let got = quietly(|| -> Result<u64, StoreError> {
                    let from_meta = from.open_table(META)?;
                    let mut meta = tx.open_table(META)?;
                    let mut n = 0;
                    for k in keys {
                        if let Some(x) = from_meta.get(k)? {
                            meta.insert(k, x.value())?;
                            n += 1;
                        }
                    }
                    Ok(n)
                });
                match got {
                    Ok(Ok(n)) => (n, None),
                    Ok(Err(e)) => (0, Some(e.to_string())),
                    Err(p) => (0, Some(p)),
                }
            }
        };
        let done = Recovered {
            part: *part,
            rows: n,
            from_backup: backup.map(str::to_string),
        };
        if let Some(why) = why {
            report.lost.push(Lost::PartCut {
                part: *part,
                rows: n,
                from_backup: done.from_backup.clone(),
                why,
            });
            missing.push(*part);
        }
        report.copied.push(done);
    }
    missing
}

/// Copies the rows of a table that the new store does not have yet.
fn copy_missing<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &redb::ReadTransaction,
    tx: &redb::WriteTransaction,
    def: redb::TableDefinition<K, V>,
) -> (u64, Option<String>) {
    let mut n = 0u64;
    let r = quietly(|| -> Result<(), StoreError> {
        let t = match from.open_table(def) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let mut out = tx.open_table(def)?;
        for row in t.iter()? {
            let (k, v) = row?;
            if out.get(k.value())?.is_none() {
                out.insert(k.value(), v.value())?;
                n += 1;
            }
        }
        Ok(())
    });
    match r {
        Ok(Ok(())) => (n, None),
        Ok(Err(e)) => (n, Some(e.to_string())),
        Err(p) => (n, Some(p)),
    }
}

/// The damaged store, opened for reading if that is possible at all.
/// Why a damaged store gave nothing to a rebuild; `Display` is the English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhyNot {
    NoFile,
    /// This process holds the file's lock: an open that gave up on it (the register's rebuild
    /// screen) left it.
    LockedByFailedOpen,
    /// The copy a repair runs on could not be made: the disk is full or read-only.
    Disk(super::DiskFault),
    /// The copy a repair runs on could not be made (the operating system's words).
    Copy(String),
    /// The database would not open even after a repair (the database's words).
    Database(String),
}

impl WhyNot {
    pub fn words(&self, lang: crate::i18n::Language) -> String {
        use crate::i18n::{fill, store_text};
        let t = |key| store_text(lang, key);
        match self {
            WhyNot::NoFile => t(Word::WhynotNoFile).into(),
            WhyNot::LockedByFailedOpen => t(Word::WhynotLocked).into(),
            WhyNot::Disk(d) => fill(t(Word::WhynotCopy), &[("why", &d.words(lang))]),
            WhyNot::Copy(e) => fill(t(Word::WhynotCopy), &[("why", e)]),
            WhyNot::Database(e) => fill(t(Word::WhynotDatabase), &[("why", e)]),
        }
    }
}

crate::i18n::display_words!(WhyNot);

enum Salvage {
    ReadOnly(redb::ReadOnlyDatabase),
    Repaired(Database, PathBuf),
    None(WhyNot),
    /// A running register holds it.
    InUse,
}

/// The identity the damaged store still gives, if it gives one.
fn salvaged_info(old: &Salvage) -> Option<StoreInfo> {
    let read = |tx: redb::ReadTransaction| super::read_info_tx(&tx).ok();
    quietly(|| match old {
        Salvage::ReadOnly(db) => db.begin_read().ok().and_then(read),
        Salvage::Repaired(db, _) => db.begin_read().ok().and_then(read),
        Salvage::None(_) | Salvage::InUse => None,
    })
    .ok()
    .flatten()
}

fn salvage(path: &Path) -> Salvage {
    let p = path.to_path_buf();
    match super::open_read_only(&p) {
        Ok(Ok(db)) => return Salvage::ReadOnly(db),
        Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => return Salvage::InUse,
        _ => {}
    }
    // It needs a repair: run it on a copy, never on the file being kept aside.
    let copy = path.with_extension("redb.salvage");
    if let Err(e) = std::fs::copy(path, &copy) {
        return Salvage::None(match super::DiskFault::of(&e) {
            Some(d) => WhyNot::Disk(d),
            None => WhyNot::Copy(e.to_string()),
        });
    }
    let c = copy.clone();
    match quietly(move || Database::builder().set_cache_size(CACHE_BYTES).open(&c)) {
        Ok(Ok(db)) => Salvage::Repaired(db, copy),
        Ok(Err(e)) => {
            let _ = std::fs::remove_file(&copy);
            Salvage::None(WhyNot::Database(e.to_string()))
        }
        Err(panic) => {
            let _ = std::fs::remove_file(&copy);
            Salvage::None(WhyNot::Database(panic))
        }
    }
}

/// Every record of the journal, by chain position, with the store identity its files carry.
fn read_journal(
    io: &mut dyn JournalIo,
    store: Option<&StoreInfo>,
    lost: &mut Vec<Lost>,
) -> Result<(Option<StoreInfo>, BTreeMap<u64, JournalRecord>), StoreError> {
    let mut info: Option<StoreInfo> = store.cloned();
    let mut records = BTreeMap::new();
    visit_files(io, |f| {
        match f.info {
            Ok(i) => match &info {
                Some(known) if known.store_id != i.store_id => {
                    return Err(super::ejournal::foreign_refusal(f.name, &i));
                }
                Some(_) => {}
                None => info = Some(i),
            },
            Err(fault) => lost.push(Lost::Journal(Problem::JournalHeader {
                file: f.name.clone(),
                fault,
            })),
        }
        for (a, b) in &f.scan.damaged {
            lost.push(Lost::Journal(Problem::JournalBytes {
                file: f.name.clone(),
                from: *a,
                to: *b,
                store_copy: false,
            }));
        }
        for r in f.scan.records {
            records.insert(r.seq, r);
        }
        Ok(())
    })?;
    Ok((info, records))
}

/// Reads a table of the damaged store row by row, handing each to `put`, until the end or the
/// first row that cannot be read (a damaged page): how many rows made it, and why it stopped.
fn salvage_rows(
    from: &redb::ReadTransaction,
    def: redb::TableDefinition<&str, &[u8]>,
    mut put: impl FnMut(&str, &[u8]) -> Result<(), StoreError>,
) -> (u64, Option<String>) {
    let mut n = 0u64;
    let r = quietly(|| -> Result<(), StoreError> {
        let t = match from.open_table(def) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for row in t.iter()? {
            let (k, v) = row?;
            put(k.value(), v.value())?;
            n += 1;
        }
        Ok(())
    });
    let why = match r {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(p) => Some(p),
    };
    (n, why)
}

/// Who may rebuild a damaged store from the register's screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MayRebuild {
    /// A supervisor of this store, by the damaged store's users or the backup's.
    Yes,
    /// Not a supervisor, or not this PIN.
    No,
    /// Neither the damaged store nor a backup can say who the supervisors are: a rebuild
    /// (which keeps the damaged file) is let through, and says so.
    NobodyKnown,
}

/// Checks a supervisor's PIN against what is left: the damaged store (read-only, or a repaired
/// copy), else the newest backup of this store in `backup_dir`.
pub fn may_rebuild(dir: &Path, backup_dir: Option<&Path>, name: &str, pin: &str) -> MayRebuild {
    let path = dir.join(STORE_FILE);
    let old = salvage(&path);
    let from_old = quietly(|| match &old {
        Salvage::ReadOnly(db) => db
            .begin_read()
            .ok()
            .and_then(|tx| super::users::supervisor_in(&tx, name, pin)),
        Salvage::Repaired(db, _) => db
            .begin_read()
            .ok()
            .and_then(|tx| super::users::supervisor_in(&tx, name, pin)),
        Salvage::None(_) | Salvage::InUse => None,
    })
    .ok()
    .flatten();
    if let Salvage::Repaired(_, copy) = &old {
        let copy = copy.clone();
        let _ = quietly(move || drop(old));
        let _ = std::fs::remove_file(copy);
    }
    let verdict = from_old.or_else(|| {
        let store_id = super::ejournal::store_id_in(dir)?;
        let backup = super::backup::newest_backup_of(backup_dir?, &store_id)?;
        let db = super::open_read_only(&backup).ok()?.ok()?;
        quietly(|| {
            db.begin_read()
                .ok()
                .and_then(|tx| super::users::supervisor_in(&tx, name, pin))
        })
        .ok()
        .flatten()
    });
    match verdict {
        Some(true) => MayRebuild::Yes,
        Some(false) => MayRebuild::No,
        None => MayRebuild::NobodyKnown,
    }
}

/// Rebuilds the store in `dir` from its journal. The damaged file is renamed aside, with the
/// time in its name, and the new one takes its place only once it checks clean. What the
/// damaged store cannot give (catalog, users, customers, settings, documents that its journal
/// lost too) comes from the newest verified backup of this store in `backup_dir`, if any.
pub fn rebuild_dir(
    dir: &Path,
    now: chrono::DateTime<chrono::FixedOffset>,
    backup_dir: Option<&Path>,
) -> Result<RebuildReport, StoreError> {
    let path = dir.join(STORE_FILE);
    let mut report = RebuildReport::default();
    let old = if path.exists() {
        salvage(&path)
    } else {
        Salvage::None(WhyNot::NoFile)
    };
    let old = match old {
        // A register sells into this file: nothing is renamed, nothing is made.
        Salvage::InUse if super::share::register_runs(dir) => return Err(StoreError::InUse(path)),
        // No register answers: the lock is this process's own, left by an open that gave up
        // on the damaged file (the register's rebuild screen).
        Salvage::InUse => Salvage::None(WhyNot::LockedByFailedOpen),
        other => other,
    };
    let mut io = FsJournal::new(dir_of(dir));
    // The journal must be this store's: a file copied in from another till is never rebuilt
    // from (the store's identity when it can still say it, else the journal's own first file).
    let store_info = salvaged_info(&old);
    let (journal_info, mut records) = read_journal(&mut io, store_info.as_ref(), &mut report.lost)?;
    let new_path = dir.join("caja.redb.rebuilding");
    let _ = std::fs::remove_file(&new_path);
    super::files::private_options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&new_path)?;
    // Reading a damaged store can make redb give up with a panic anywhere: each is a message.
    let built = quietly(|| {
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(&new_path)
            .map_err(|e| StoreError::Db(e.to_string()))?;
        let info = build(
            &db,
            &old,
            backup_dir,
            journal_info,
            &mut records,
            &mut report,
        )?;
        drop(db);
        let check = super::backup::verify_file(&new_path, Some(&info.store_id))?;
        if !check.ok() {
            return Err(StoreError::Corrupt(format!(
                "the rebuilt store does not check clean: {}",
                check
                    .problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        }
        Ok(())
    })
    .unwrap_or_else(|p| Err(StoreError::Corrupt(p)));
    let copy = match &old {
        Salvage::Repaired(_, copy) => Some(copy.clone()),
        _ => None,
    };
    let _ = quietly(move || drop(old));
    if let Some(copy) = copy {
        let _ = std::fs::remove_file(copy);
    }
    if let Err(e) = built {
        let _ = std::fs::remove_file(&new_path);
        return Err(e);
    }
    if path.exists() {
        let stamp = now.format("%Y%m%dT%H%M%S");
        let mut aside = dir.join(format!("caja.redb.damaged-{stamp}"));
        let mut k = 1;
        while aside.exists() {
            aside = dir.join(format!("caja.redb.damaged-{stamp}-{k}"));
            k += 1;
        }
        std::fs::rename(&path, &aside)?;
        report.damaged_kept_as = Some(aside);
    }
    if report.lost.iter().any(|l| matches!(l, Lost::Journal(_))) {
        // The new store writes a fresh journal from its documents when it opens; the damaged
        // one is kept beside the damaged store.
        let stamp = now.format("%Y%m%dT%H%M%S");
        let aside = dir.join(format!("journal.damaged-{stamp}"));
        if !aside.exists() {
            std::fs::rename(dir_of(dir), &aside)?;
        }
    }
    std::fs::rename(&new_path, &path)?;
    // The damage the register noted is dealt with.
    let _ = std::fs::remove_file(super::check::suspect_path(dir));
    std::fs::File::open(dir)?.sync_all()?;
    Ok(report)
}

fn build(
    db: &Database,
    old: &Salvage,
    backup_dir: Option<&Path>,
    journal_info: Option<StoreInfo>,
    records: &mut BTreeMap<u64, JournalRecord>,
    report: &mut RebuildReport,
) -> Result<StoreInfo, StoreError> {
    let old_tx = match old {
        Salvage::ReadOnly(db) => quietly(|| db.begin_read()).ok().and_then(Result::ok),
        Salvage::Repaired(db, _) => quietly(|| db.begin_read()).ok().and_then(Result::ok),
        Salvage::None(why) => {
            report.lost.push(Lost::StoreUnreadable(why.clone()));
            None
        }
        Salvage::InUse => return Err(StoreError::Corrupt("the store is in use".into())),
    };
    let store_info = old_tx.as_ref().and_then(|tx| {
        quietly(|| super::read_info_tx(tx))
            .ok()
            .and_then(Result::ok)
    });
    let info = store_info.or(journal_info).ok_or_else(|| {
        StoreError::Corrupt(
            "neither the store nor the journal says which store this is; restore a backup".into(),
        )
    })?;
    // Documents: the journal's, with the store's copy where a journal record is missing.
    let mut store_docs: BTreeMap<u64, Vec<u8>> = old_tx
        .as_ref()
        .and_then(|tx| {
            quietly(|| -> Result<BTreeMap<u64, Vec<u8>>, StoreError> {
                let mut m = BTreeMap::new();
                let t = tx.open_table(DOCS)?;
                for row in t.iter()? {
                    let (k, v) = row?;
                    if !records.contains_key(&k.value()) {
                        m.insert(k.value(), v.value().to_vec());
                    }
                }
                Ok(m)
            })
            .ok()
            .and_then(Result::ok)
        })
        .unwrap_or_default();
    let mut tx = db.begin_write()?;
    tx.set_durability(redb::Durability::Immediate)?;
    tx.set_quick_repair(true);
    super::new_store_tables(&tx, &info)?;
    // What the damaged store can still give, table by table; then what the newest backup can
    // give for what it could not.
    let mut missing: Vec<Part> = match &old_tx {
        Some(from) => salvage_into(from, &tx, report, None, Part::ALL),
        None => Part::ALL.to_vec(),
    };
    let backup = if missing.is_empty() {
        None
    } else {
        backup_dir.and_then(|d| super::backup::newest_backup_of(d, &info.store_id))
    };
    let backup_db = backup.as_ref().and_then(|p| {
        let p = p.clone();
        super::open_read_only(&p).ok().and_then(Result::ok)
    });
    let backup_tx = backup_db
        .as_ref()
        .and_then(|db| quietly(|| db.begin_read()).ok().and_then(Result::ok));
    if let (Some(from), Some(path)) = (&backup_tx, &backup) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        report.from_backup = Some(path.clone());
        let want: Vec<Part> = missing
            .iter()
            .copied()
            .filter(|p| p.a_backup_may_give())
            .collect();
        let still = salvage_into(from, &tx, report, Some(&name), &want);
        missing.retain(|p| !want.contains(p) || still.contains(p));
    }
    if old_tx.is_none() {
        report
            .lost
            .push(if !missing.iter().any(|p| p.a_backup_may_give()) {
                Lost::FromBackup
            } else {
                Lost::NoBackup
            });
    }
    // Documents the journal and the damaged store both lost, from the backup.
    if let Some(from) = &backup_tx {
        let got = quietly(|| -> Result<BTreeMap<u64, Vec<u8>>, StoreError> {
            let mut m = BTreeMap::new();
            let t = from.open_table(DOCS)?;
            for row in t.iter()? {
                let (k, v) = row?;
                if !records.contains_key(&k.value()) && !store_docs.contains_key(&k.value()) {
                    m.insert(k.value(), v.value().to_vec());
                }
            }
            Ok(m)
        });
        if let Ok(Ok(m)) = got {
            store_docs.extend(m);
        }
    }
    // The chain, in order, and what its documents imply beside it.
    let last = records
        .keys()
        .chain(store_docs.keys())
        .max()
        .copied()
        .unwrap_or(0);
    let mut prev = [0u8; 32];
    let mut closed: Option<BusinessDate> = None;
    let mut open_day: Option<BusinessDate> = None;
    let mut shifts: BTreeMap<String, u64> = BTreeMap::new();
    let mut sales: BTreeMap<u64, u64> = BTreeMap::new();
    for seq in 1..=last {
        let (body, from_store) = match records.remove(&seq) {
            Some(r) => (r.body, false),
            None => match store_docs.get(&seq) {
                Some(b) => (b.clone(), true),
                None => {
                    report.lost.push(Lost::Missing { seq });
                    break;
                }
            },
        };
        let readable = |body: &[u8]| match super::codec::decode_detail::<DocRecord>(body) {
            Ok(DocRecord::V1(d)) if d.doc.hash() == d.hash => Some(d),
            _ => None,
        };
        // A journal record that does not read (a newer caja's, or garbled behind a good
        // checksum): the damaged store's copy stands in when it has one.
        let (body, from_store, d) = match readable(&body) {
            Some(d) => (body, from_store, d),
            None => {
                let copy = old_tx.as_ref().and_then(|tx| {
                    quietly(|| {
                        tx.open_table(DOCS)
                            .ok()?
                            .get(seq)
                            .ok()?
                            .map(|v| v.value().to_vec())
                    })
                    .ok()
                    .flatten()
                });
                match copy.and_then(|c| readable(&c).map(|d| (c, d))) {
                    Some((c, d)) => (c, true, d),
                    None => {
                        report.lost.push(Lost::Journal(Problem::UnreadableRecord {
                            seq,
                            newer: super::codec::envelope_version(&body).filter(|v| *v > 1),
                        }));
                        break;
                    }
                }
            }
        };
        if d.doc.prev_hash != prev {
            report.lost.push(Lost::Unchained { seq });
            break;
        }
        prev = d.hash;
        tx.open_table(DOCS)?.insert(seq, body.as_slice())?;
        report.documents += 1;
        report.from_store += u64::from(from_store);
        match &d.doc.body {
            DocBody::Sale(_) => {
                sales.insert(d.doc.n, seq);
            }
            DocBody::Refund(r) => {
                if let Ok((_, DocKind::Sale, n)) = parse_number(&r.original)
                    && let Some(s) = sales.get(&n)
                {
                    tx.open_table(REFUNDS)?.insert((*s, seq), ())?;
                }
            }
            DocBody::DayOpen(_) | DocBody::DayCorrect(_) => open_day = Some(d.doc.business_date),
            DocBody::Closing(_) => {
                closed = Some(d.doc.business_date);
                open_day = None;
            }
            DocBody::ShiftOpen(_) => {
                shifts.insert(d.doc.cashier.clone(), seq);
            }
            DocBody::ShiftClose(c) => {
                shifts.remove(&c.cashier);
            }
            _ => {}
        }
    }
    {
        let mut meta = tx.open_table(META)?;
        if let Some(c) = closed {
            meta.insert(meta_keys::CLOSED_THROUGH, c.days().to_le_bytes().as_slice())?;
        }
        if let Some(o) = open_day {
            meta.insert(meta_keys::OPEN_DAY, o.days().to_le_bytes().as_slice())?;
        }
        let mut t = tx.open_table(SHIFTS)?;
        for (cashier, seq) in &shifts {
            t.insert(cashier.as_str(), *seq)?;
        }
    }
    tx.commit()?;
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    /// Why a damaged store gave nothing reads in both languages, the disk's fault in words.
    #[test]
    fn why_a_store_gave_nothing_reads_in_both_languages() {
        let all = [
            WhyNot::NoFile,
            WhyNot::LockedByFailedOpen,
            WhyNot::Disk(super::super::DiskFault::Full { free_mib: Some(0) }),
            WhyNot::Copy("Permission denied (os error 13)".into()),
            WhyNot::Database("invalid page".into()),
        ];
        for w in &all {
            let (es, en) = (w.words(Language::Es), w.words(Language::En));
            assert_ne!(es, en, "{w:?}");
            assert!(
                !es.contains("whynot_") && !en.contains("whynot_"),
                "{es} / {en}"
            );
            let lost = Lost::StoreUnreadable(w.clone()).words(Language::Es);
            assert!(lost.contains(&es), "{lost}");
        }
        assert_eq!(
            WhyNot::LockedByFailedOpen.words(Language::Es),
            "el archivo de la tienda quedó bloqueado por una apertura que falló"
        );
        assert!(
            all[2].words(Language::Es).contains("disco"),
            "{}",
            all[2].words(Language::Es)
        );
    }
}
