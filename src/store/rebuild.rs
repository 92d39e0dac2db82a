//! `caja rebuild`: a new store from the electronic journal, plus whatever the damaged store can
//! still give (catalog, users, customers, settings, the sync cursors). The damaged file is kept
//! aside, never written to: when it needs a repair to be read at all, the repair runs on a copy.

use super::codec::{DocRecord, StoreInfo, decode};
use super::ejournal::{FsJournal, JournalIo, JournalRecord, dir_of, visit_files};
use super::tables::{
    BARCODES, CUSTOMERS, DOCS, HELD, META, NAME_WORDS, PRODUCTS, PULL_HISTORY, REFUNDS, SHIFTS,
    SYNC_REJECTED, USERS, meta_keys,
};
use super::{CACHE_BYTES, STORE_FILE, StoreError, quietly};
use crate::domain::document::{BusinessDate, DocBody};
use crate::domain::numbering::{DocKind, parse_number};
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
    /// Rows copied per table from the damaged store ("products 1200").
    pub copied: Vec<(String, u64)>,
    /// What could not be recovered, in plain words.
    pub lost: Vec<String>,
    pub damaged_kept_as: Option<PathBuf>,
}

/// The damaged store, opened for reading if that is possible at all.
enum Salvage {
    ReadOnly(redb::ReadOnlyDatabase),
    Repaired(Database, PathBuf),
    None(String),
}

fn salvage(path: &Path) -> Salvage {
    let p = path.to_path_buf();
    match super::open_read_only(&p) {
        Ok(Ok(db)) => return Salvage::ReadOnly(db),
        Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => {
            return Salvage::None("the register has the store open; stop it first".into());
        }
        _ => {}
    }
    // It needs a repair: run it on a copy, never on the file being kept aside.
    let copy = path.with_extension("redb.salvage");
    if let Err(e) = std::fs::copy(path, &copy) {
        return Salvage::None(format!("cannot copy it: {e}"));
    }
    let c = copy.clone();
    match quietly(move || Database::builder().set_cache_size(CACHE_BYTES).open(&c)) {
        Ok(Ok(db)) => Salvage::Repaired(db, copy),
        Ok(Err(e)) => {
            let _ = std::fs::remove_file(&copy);
            Salvage::None(e.to_string())
        }
        Err(panic) => {
            let _ = std::fs::remove_file(&copy);
            Salvage::None(panic)
        }
    }
}

/// Every record of the journal, by chain position, with the store identity its files carry.
fn read_journal(
    io: &mut dyn JournalIo,
    lost: &mut Vec<String>,
) -> Result<(Option<StoreInfo>, BTreeMap<u64, JournalRecord>), StoreError> {
    let mut info = None;
    let mut records = BTreeMap::new();
    visit_files(io, |f| {
        match f.info {
            Ok(i) => info = Some(i),
            Err(e) => lost.push(format!("journal file {}: {e}", f.name)),
        }
        for (a, b) in &f.scan.damaged {
            lost.push(format!(
                "journal file {}: bytes {a} to {b} are damaged",
                f.name
            ));
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

/// Rebuilds the store in `dir` from its journal. The damaged file is renamed aside, with the
/// time in its name, and the new one takes its place only once it checks clean.
pub fn rebuild_dir(
    dir: &Path,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<RebuildReport, StoreError> {
    let path = dir.join(STORE_FILE);
    let mut report = RebuildReport::default();
    let mut io = FsJournal::new(dir_of(dir));
    let (journal_info, mut records) = read_journal(&mut io, &mut report.lost)?;
    let journal_damaged = !report.lost.is_empty();
    let old = if path.exists() {
        salvage(&path)
    } else {
        Salvage::None("there is no store file".into())
    };
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
        let info = build(&db, &old, journal_info, &mut records, &mut report)?;
        drop(db);
        let check = super::backup::verify_file(&new_path, Some(&info.store_id))?;
        if !check.ok() {
            return Err(StoreError::Corrupt(format!(
                "the rebuilt store does not check clean: {}",
                check.problems.join("; ")
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
    if journal_damaged {
        // The new store writes a fresh journal from its documents when it opens; the damaged
        // one is kept beside the damaged store.
        let stamp = now.format("%Y%m%dT%H%M%S");
        let aside = dir.join(format!("journal.damaged-{stamp}"));
        if !aside.exists() {
            std::fs::rename(dir_of(dir), &aside)?;
        }
    }
    std::fs::rename(&new_path, &path)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(report)
}

fn build(
    db: &Database,
    old: &Salvage,
    journal_info: Option<StoreInfo>,
    records: &mut BTreeMap<u64, JournalRecord>,
    report: &mut RebuildReport,
) -> Result<StoreInfo, StoreError> {
    let old_tx = match old {
        Salvage::ReadOnly(db) => quietly(|| db.begin_read()).ok().and_then(Result::ok),
        Salvage::Repaired(db, _) => quietly(|| db.begin_read()).ok().and_then(Result::ok),
        Salvage::None(why) => {
            report
                .lost
                .push(format!("the damaged store cannot be read ({why})"));
            None
        }
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
    let store_docs: BTreeMap<u64, Vec<u8>> = old_tx
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
    // What the damaged store can still give, table by table.
    if let Some(from) = &old_tx {
        macro_rules! salvage_table {
            ($def:expr, $name:expr) => {
                match quietly(|| super::backup::copy_table(from, &tx, $def)) {
                    Ok(Ok(n)) => report.copied.push(($name.to_string(), n)),
                    Ok(Err(e)) => report.lost.push(format!("{}: {e}", $name)),
                    Err(p) => report.lost.push(format!("{}: {p}", $name)),
                }
            };
        }
        // Products and customers are read one by one and indexed anew, so that the indexes
        // name only what was recovered.
        let (n, why) = salvage_rows(from, PRODUCTS, |k, v| {
            let p = super::catalog::decode_product(v, k)?;
            let mut table = tx.open_table(PRODUCTS)?;
            let mut barcodes = tx.open_table(BARCODES)?;
            let mut words = tx.open_table(NAME_WORDS)?;
            super::catalog::store_indexed(&mut table, &mut barcodes, &mut words, &p)
        });
        report.copied.push(("products".into(), n));
        if let Some(why) = why {
            report.lost.push(format!("products after the {n}th: {why}"));
        }
        let (n, why) = salvage_rows(from, CUSTOMERS, |k, v| {
            let c = super::customers::decode_customer(v, k)?;
            super::customers::put(&tx, &c).map(|_| ())
        });
        report.copied.push(("customers".into(), n));
        if let Some(why) = why {
            report
                .lost
                .push(format!("customers after the {n}th: {why}"));
        }
        salvage_table!(USERS, "users");
        salvage_table!(HELD, "held tickets");
        salvage_table!(SYNC_REJECTED, "sync refusals");
        salvage_table!(PULL_HISTORY, "pull history");
        // Settings and cursors kept in meta, one key at a time.
        let keys = [
            meta_keys::RANGES,
            meta_keys::PUSH_CURSOR,
            meta_keys::PULL_CHECKPOINT,
            meta_keys::NUMBER_FLOOR,
        ];
        let got = quietly(|| -> Result<Vec<(&str, Vec<u8>)>, StoreError> {
            let meta = from.open_table(META)?;
            let mut v = Vec::new();
            for k in keys {
                if let Some(x) = meta.get(k)? {
                    v.push((k, x.value().to_vec()));
                }
            }
            Ok(v)
        });
        match got {
            Ok(Ok(v)) => {
                let mut meta = tx.open_table(META)?;
                for (k, x) in v {
                    meta.insert(k, x.as_slice())?;
                }
            }
            Ok(Err(e)) => report.lost.push(format!("settings: {e}")),
            Err(p) => report.lost.push(format!("settings: {p}")),
        }
    } else {
        report.lost.push(
            "catalog, users, customers and settings: the damaged store cannot be read; import the catalog and add users again (or restore a backup)".into(),
        );
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
                    report.lost.push(format!(
                        "document #{seq} is in neither the journal nor the store; the chain stops at #{}",
                        seq - 1
                    ));
                    break;
                }
            },
        };
        let DocRecord::V1(d) = decode(&body, &format!("document #{seq}"))?;
        if d.doc.prev_hash != prev || d.doc.hash() != d.hash {
            report.lost.push(format!(
                "document #{seq} does not follow the chain; the chain stops at #{}",
                seq - 1
            ));
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
            DocBody::DayOpen(_) => open_day = Some(d.doc.business_date),
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
