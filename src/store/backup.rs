//! Backup and restore. A backup is a consistent copy taken from one read transaction into a
//! new file (never a raw copy of the live file, which a commit could tear), verified before it
//! is reported done. Restore refuses a damaged, unverifiable or foreign file, and keeps the
//! current store as a backup before replacing it.

use super::check::CheckReport;
use super::codec::StoreInfo;
use super::tables::{
    BARCODES, DOCS, HELD, META, NAME_WORDS, PRINT_JOBS, PRODUCTS, REFUNDS, SHIFTS, SYNC_REJECTED,
    USERS,
};
use super::{CACHE_BYTES, STORE_FILE, Store, StoreError, open_db, quietly, read_info};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use std::path::{Path, PathBuf};

/// A finished, verified backup.
#[derive(Clone, Debug)]
pub struct BackupDone {
    pub path: PathBuf,
    /// Documents in the backup: exactly those committed before it began.
    pub documents: u64,
    pub bytes: u64,
}

fn copy_table<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &redb::ReadTransaction,
    to: &redb::WriteTransaction,
    def: TableDefinition<K, V>,
) -> Result<u64, StoreError> {
    let src = match from.open_table(def) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let mut dst = to.open_table(def)?;
    let mut n = 0;
    for row in src.iter()? {
        let (k, v) = row?;
        dst.insert(k.value(), v.value())?;
        n += 1;
    }
    Ok(n)
}

/// The file name a backup gets: store, register and time, so a USB stick can hold many.
pub fn backup_name(info: &StoreInfo, at: chrono::DateTime<chrono::FixedOffset>) -> String {
    let store: String = info
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "caja-{store}-{}-{}.redb",
        info.register,
        at.format("%Y%m%d-%H%M%S")
    )
}

impl Store {
    /// Writes a verified backup into the directory `to` (a USB stick's mount point), keeping the
    /// newest `keep` backups of this register there. Safe while sales are being committed.
    pub fn backup_to(
        &self,
        to: &Path,
        at: chrono::DateTime<chrono::FixedOffset>,
        keep: usize,
    ) -> Result<BackupDone, StoreError> {
        std::fs::create_dir_all(to)?;
        let name = backup_name(self.info(), at);
        let final_path = to.join(&name);
        let partial = to.join(format!("{name}.partial"));
        let _ = std::fs::remove_file(&partial);
        let documents = {
            let snapshot = self.db().begin_read()?;
            let out = Database::builder()
                .set_cache_size(CACHE_BYTES)
                .create(&partial)
                .map_err(|e| StoreError::Db(e.to_string()))?;
            let mut tx = out.begin_write()?;
            tx.set_durability(redb::Durability::Immediate)?;
            copy_table(&snapshot, &tx, META)?;
            let documents = copy_table(&snapshot, &tx, DOCS)?;
            copy_table(&snapshot, &tx, PRODUCTS)?;
            copy_table(&snapshot, &tx, BARCODES)?;
            copy_table(&snapshot, &tx, NAME_WORDS)?;
            copy_table(&snapshot, &tx, USERS)?;
            copy_table(&snapshot, &tx, REFUNDS)?;
            copy_table(&snapshot, &tx, HELD)?;
            copy_table(&snapshot, &tx, PRINT_JOBS)?;
            copy_table(&snapshot, &tx, SHIFTS)?;
            copy_table(&snapshot, &tx, SYNC_REJECTED)?;
            copy_table(&snapshot, &tx, super::tables::PULL_HISTORY)?;
            copy_table(&snapshot, &tx, super::tables::CUSTOMERS)?;
            copy_table(&snapshot, &tx, super::tables::CUSTOMER_WORDS)?;
            tx.commit()?;
            documents
        };
        // Reported done only once verified: the file reads back, belongs to this store, and
        // every document checks out.
        let report = verify_file(&partial, Some(&self.info().store_id))?;
        if !report.ok() || report.documents != documents {
            let _ = std::fs::remove_file(&partial);
            return Err(StoreError::Corrupt(format!(
                "the backup did not verify: {}",
                report.problems.first().cloned().unwrap_or_default()
            )));
        }
        std::fs::rename(&partial, &final_path)?;
        if let Ok(d) = std::fs::File::open(to) {
            let _ = d.sync_all();
        }
        prune(
            to,
            &format!("caja-{}", name.split('-').nth(1).unwrap_or("")),
            &self.info().register.to_string(),
            keep,
        );
        let bytes = std::fs::metadata(&final_path).map(|m| m.len()).unwrap_or(0);
        Ok(BackupDone {
            path: final_path,
            documents,
            bytes,
        })
    }
}

/// Removes all but the newest `keep` backups of this store and register in `dir`.
fn prune(dir: &Path, store_prefix: &str, register: &str, keep: usize) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut ours: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            n.starts_with(store_prefix)
                && n.contains(&format!("-{register}-"))
                && n.ends_with(".redb")
        })
        .collect();
    // The time stamp in the name sorts in time order.
    ours.sort();
    let excess = ours.len().saturating_sub(keep.max(1));
    for p in ours.into_iter().take(excess) {
        let _ = std::fs::remove_file(p);
    }
}

/// Verifies a store file: redb's page checksums, then every document, and (if given) that it
/// belongs to the store `store_id`.
pub fn verify_file(path: &Path, store_id: Option<&str>) -> Result<CheckReport, StoreError> {
    let mut db = open_db(path)?;
    match quietly(|| db.check_integrity()) {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) => {
            return Err(StoreError::Corrupt(format!(
                "{} needed repair: not a sound backup",
                path.display()
            )));
        }
        Ok(Err(e)) => return Err(StoreError::Corrupt(format!("{}: {e}", path.display()))),
        Err(p) => return Err(StoreError::Corrupt(format!("{}: {p}", path.display()))),
    }
    let info = quietly(|| read_info(&db)).map_err(StoreError::Corrupt)??;
    if let Some(id) = store_id
        && info.store_id != id
    {
        return Err(StoreError::Invalid(format!(
            "{} belongs to another store ({} register {}): refusing it",
            path.display(),
            info.name,
            info.register
        )));
    }
    let store = Store::from_db(db, path.to_path_buf())?;
    quietly(|| store.verify()).map_err(StoreError::Corrupt)?
}

/// Replaces the store in `dir` with the verified backup `file`, keeping the current store as
/// `caja-before-restore-<time>.redb` in `dir` first. The register must be closed.
pub fn restore(
    dir: &Path,
    file: &Path,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> Result<(PathBuf, CheckReport), StoreError> {
    let current = dir.join(STORE_FILE);
    // The backup must be this store's. A current store too damaged to say who it is (the
    // usual reason to restore) cannot be compared; a running register refuses.
    // Read through a read-only handle: a read-write open would write to the file even if the
    // restore is then refused.
    let store_id = if current.exists() {
        let p = current.clone();
        match quietly(move || {
            redb::Builder::new()
                .set_cache_size(CACHE_BYTES)
                .open_read_only(&p)
        }) {
            Ok(Ok(ro)) => quietly(|| read_info(&ro))
                .ok()
                .and_then(Result::ok)
                .map(|i| i.store_id),
            Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => {
                return Err(StoreError::InUse(current));
            }
            // Not readable read-only: after a crash redb must recover it first, which a normal
            // open does. Only a store too damaged for that goes without the comparison.
            _ => match Store::open(dir) {
                Ok(s) => Some(s.info().store_id.clone()),
                Err(e @ StoreError::InUse(_)) => return Err(e),
                Err(_) => None,
            },
        }
    } else {
        None
    };
    // Check a private copy, so nothing (not even redb's own check) touches the file given to us.
    let staging = dir.join(format!("{STORE_FILE}.restoring"));
    std::fs::copy(file, &staging)?;
    let report = match verify_file(&staging, store_id.as_deref()) {
        Ok(r) if r.ok() => r,
        Ok(r) => {
            let _ = std::fs::remove_file(&staging);
            return Err(StoreError::Corrupt(format!(
                "{} does not verify: {}",
                file.display(),
                r.problems.first().cloned().unwrap_or_default()
            )));
        }
        Err(e) => {
            let _ = std::fs::remove_file(&staging);
            return Err(e);
        }
    };
    let kept = dir.join(format!(
        "caja-before-restore-{}.redb",
        at.format("%Y%m%d-%H%M%S")
    ));
    if current.exists() {
        std::fs::copy(&current, &kept)?;
        std::fs::File::open(&kept)?.sync_all()?;
    }
    std::fs::File::open(&staging)?.sync_all()?;
    std::fs::rename(&staging, &current)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok((kept, report))
}
