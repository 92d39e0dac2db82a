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

pub(super) fn copy_table<K: redb::Key + 'static, V: redb::Value + 'static>(
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

/// A store name as a file name: Spanish letters without their accents, anything else a dash,
/// at most 40 characters, so that any name makes a name every filesystem takes.
fn file_safe(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "store".into() } else { out }
}

/// The checksum file beside a backup: `sha256sum -c` reads it.
pub fn checksum_path(backup: &Path) -> PathBuf {
    let mut s = backup.as_os_str().to_owned();
    s.push(".sha256");
    PathBuf::from(s)
}

fn sha256_file(path: &Path) -> Result<String, StoreError> {
    use sha2::Digest;
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The meta key under which a backup carries the register's `caja.toml`.
const BACKUP_CONFIG: &str = "backup_config";

/// The file name a backup gets: store, register and time, so a USB stick can hold many.
pub fn backup_name(info: &StoreInfo, at: chrono::DateTime<chrono::FixedOffset>) -> String {
    let store = file_safe(&info.name);
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
        let snapshot = self.db()?.begin_read()?;
        backup_from(snapshot, self.info(), self.path(), to, at, keep)
    }
}

impl super::StoreReader {
    /// A backup through the read-only handle: what a disk that went read-only still allows
    /// (the data folder is not written at all).
    pub fn backup_to(
        &self,
        dir: &Path,
        to: &Path,
        at: chrono::DateTime<chrono::FixedOffset>,
        keep: usize,
    ) -> Result<BackupDone, StoreError> {
        let snapshot = self.begin_read()?;
        backup_from(
            snapshot,
            self.info(),
            &dir.join(super::STORE_FILE),
            to,
            at,
            keep,
        )
    }
}

/// Writes a verified backup of `snapshot` (the store at `store_path`, whose identity is `info`)
/// into `to`, keeping the newest `keep` of this register there.
fn backup_from(
    snapshot: redb::ReadTransaction,
    info: &StoreInfo,
    store_path: &Path,
    to: &Path,
    at: chrono::DateTime<chrono::FixedOffset>,
    keep: usize,
) -> Result<BackupDone, StoreError> {
    {
        if to.exists() && !to.is_dir() {
            return Err(super::Refusal::NotAFolder {
                dir: to.display().to_string(),
            }
            .into());
        }
        std::fs::create_dir_all(to)?;
        remove_partials(to);
        // Two backups in one second get two names: a backup never replaces another.
        let mut name = backup_name(info, at);
        let stem = name.trim_end_matches(".redb").to_string();
        let mut k = 2;
        while to.join(&name).exists() {
            name = format!("{stem}-{k}.redb");
            k += 1;
        }
        let final_path = to.join(&name);
        let partial = to.join(format!("{name}.partial"));
        let _ = std::fs::remove_file(&partial);
        super::files::private_options()
            .write(true)
            .create_new(true)
            .open(&partial)?;
        let config = store_path
            .parent()
            .map(|d| d.join(super::CONFIG_FILE))
            .and_then(|p| std::fs::read(p).ok());
        let documents = {
            let out = Database::builder()
                .set_cache_size(CACHE_BYTES)
                .create(&partial)
                .map_err(|e| StoreError::Db(e.to_string()))?;
            let mut tx = out.begin_write()?;
            tx.set_durability(redb::Durability::Immediate)?;
            tx.set_quick_repair(true);
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
            copy_table(&snapshot, &tx, super::tables::PULL_HISTORY_V2)?;
            copy_table(&snapshot, &tx, super::tables::CUSTOMERS)?;
            copy_table(&snapshot, &tx, super::tables::CUSTOMER_WORDS)?;
            if let Some(c) = &config {
                tx.open_table(META)?.insert(BACKUP_CONFIG, c.as_slice())?;
            }
            tx.commit()?;
            documents
        };
        // Reported done only once verified: the file reads back, belongs to this store, and
        // every document checks out.
        let report = verify_file(&partial, Some(&info.store_id))?;
        if !report.ok() || report.documents != documents {
            let _ = std::fs::remove_file(&partial);
            return Err(super::Refusal::NotVerified {
                path: final_path.display().to_string(),
                problem: report.problems.first().cloned(),
            }
            .into());
        }
        // A checksum of the whole file: any byte changed later, even in space no table uses,
        // fails the restore.
        let sum = sha256_file(&partial)?;
        super::files::write_private(
            &checksum_path(&final_path),
            format!("{sum}  {name}\n").as_bytes(),
        )?;
        std::fs::rename(&partial, &final_path)?;
        if let Ok(d) = std::fs::File::open(to) {
            let _ = d.sync_all();
        }
        prune(to, &info.store_id, &final_path, keep);
        let bytes = std::fs::metadata(&final_path).map(|m| m.len()).unwrap_or(0);
        Ok(BackupDone {
            path: final_path,
            documents,
            bytes,
        })
    }
}

/// Removes what killed backups left behind: `caja-*.partial` files.
fn remove_partials(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n.starts_with("caja-") && n.ends_with(".redb.partial") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The store a backup file belongs to, read without writing to it.
fn store_id_of(path: &Path) -> Option<String> {
    let p = path.to_path_buf();
    let ro = super::open_read_only(&p).ok()?.ok()?;
    quietly(|| read_info(&ro)).ok()?.ok().map(|i| i.store_id)
}

/// Removes all but the newest `keep` backups of the store `store_id` in `dir`: each file is
/// asked which store it is, so another store's backups (whatever their names) are never
/// touched, and neither is the one just made.
fn prune(dir: &Path, store_id: &str, just_made: &Path, keep: usize) {
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
            n.starts_with("caja-") && n.ends_with(".redb")
        })
        .filter(|p| store_id_of(p).as_deref() == Some(store_id))
        .collect();
    // Oldest first: by the time each was written, then by name (whose stamp sorts in time).
    ours.sort_by_key(|p| {
        (
            std::fs::metadata(p).and_then(|m| m.modified()).ok(),
            p.clone(),
        )
    });
    let excess = ours.len().saturating_sub(keep.max(1));
    for p in ours.into_iter().take(excess) {
        if p != just_made {
            let _ = std::fs::remove_file(checksum_path(&p));
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The newest backup of the store `store_id` in `dir` whose whole-file checksum matches (a
/// backup without one is taken only when it passes redb's page checks), for a rebuild to take
/// what the damaged store cannot give.
pub fn newest_backup_of(dir: &Path, store_id: &str) -> Option<PathBuf> {
    let rd = std::fs::read_dir(dir).ok()?;
    let mut ours: Vec<(Option<std::time::SystemTime>, PathBuf)> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("caja-") && n.ends_with(".redb"))
        })
        .filter(|p| store_id_of(p).as_deref() == Some(store_id))
        .map(|p| (std::fs::metadata(&p).and_then(|m| m.modified()).ok(), p))
        .collect();
    ours.sort();
    ours.into_iter().rev().map(|(_, p)| p).find(|p| {
        match std::fs::read_to_string(checksum_path(p)) {
            Ok(text) => text
                .split_whitespace()
                .next()
                .is_some_and(|want| sha256_file(p).is_ok_and(|got| got == want)),
            Err(_) => verify_file(p, Some(store_id)).is_ok_and(|r| r.ok()),
        }
    })
}

/// Verifies a store file: redb's page checksums, then every document, and (if given) that it
/// belongs to the store `store_id`.
pub fn verify_file(path: &Path, store_id: Option<&str>) -> Result<CheckReport, StoreError> {
    let mut db = open_db(path)?;
    match quietly(|| db.check_integrity()) {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) => {
            return Err(super::Refusal::BackupRepaired {
                path: path.display().to_string(),
            }
            .into());
        }
        Ok(Err(e)) => return Err(StoreError::Corrupt(format!("{}: {e}", path.display()))),
        Err(p) => return Err(StoreError::Corrupt(format!("{}: {p}", path.display()))),
    }
    let info = quietly(|| read_info(&db)).map_err(StoreError::Corrupt)??;
    if let Some(id) = store_id
        && info.store_id != id
    {
        return Err(super::Refusal::BackupForeign {
            path: path.display().to_string(),
            name: info.name,
            register: info.register.to_string(),
        }
        .into());
    }
    let store = Store::from_db(db, path.to_path_buf())?;
    quietly(|| store.verify()).map_err(StoreError::Corrupt)?
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// The store that was replaced, kept under a name never used before (None when `dir` held
    /// no store).
    pub kept: Option<PathBuf>,
    pub report: CheckReport,
    /// The `caja.toml` the backup carries, for the caller to write or offer.
    pub config: Option<Vec<u8>>,
    /// Whether the backup's whole-file checksum was there and matched (backups made before
    /// checksums have none).
    pub checksummed: bool,
}

/// Replaces the store in `dir` (or fills a new or empty `dir`) with the verified backup
/// `file`, keeping the current store as `caja-before-restore-<time>.redb` first. The register
/// must be closed. A backup of another store is refused; when the current store cannot say
/// which store it is (and its journal cannot either), only `any_store` lets one in.
pub fn restore(
    dir: &Path,
    file: &Path,
    at: chrono::DateTime<chrono::FixedOffset>,
    any_store: bool,
) -> Result<Restored, StoreError> {
    super::files::private_dir(dir)?;
    if !file.is_file() {
        return Err(super::Refusal::NotABackup {
            path: file.display().to_string(),
        }
        .into());
    }
    let sum_file = checksum_path(file);
    let checksummed = match std::fs::read_to_string(&sum_file) {
        Ok(text) => {
            let want = text
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            if sha256_file(file)? != want {
                return Err(super::Refusal::BackupChanged {
                    path: file.display().to_string(),
                    sum: sum_file.display().to_string(),
                }
                .into());
            }
            true
        }
        Err(_) => false,
    };
    let current = dir.join(STORE_FILE);
    // The backup must be this store's. Read through a read-only handle: a read-write open
    // would write to the file even if the restore is then refused.
    let store_id = if current.exists() {
        let p = current.clone();
        let from_store = match super::open_read_only(&p) {
            Ok(Ok(ro)) => quietly(|| read_info(&ro))
                .ok()
                .and_then(Result::ok)
                .map(|i| i.store_id),
            Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => {
                return Err(StoreError::InUse(current));
            }
            // Not readable read-only: after a crash redb must recover it first, which a normal
            // open does. Only a store too damaged for that goes without.
            _ => match Store::open(dir) {
                Ok(s) => Some(s.info().store_id.clone()),
                Err(e @ StoreError::InUse(_)) => return Err(e),
                Err(_) => None,
            },
        };
        // A store too damaged to say who it is: its journal still knows.
        let known = from_store.or_else(|| super::ejournal::store_id_in(dir));
        if known.is_none() && !any_store {
            return Err(super::Refusal::StoreUnknown {
                dir: dir.display().to_string(),
            }
            .into());
        }
        known
    } else {
        None
    };
    // Check a private copy, so nothing (not even redb's own check) touches the file given to us.
    let staging = dir.join(format!("{STORE_FILE}.restoring"));
    let _ = std::fs::remove_file(&staging);
    std::fs::copy(file, &staging)?;
    super::files::private_file(&staging)?;
    let report = match verify_file(&staging, store_id.as_deref()) {
        Ok(r) if r.ok() => r,
        Ok(r) => {
            let _ = std::fs::remove_file(&staging);
            return Err(super::Refusal::NotVerified {
                path: file.display().to_string(),
                problem: r.problems.first().cloned(),
            }
            .into());
        }
        Err(mut e) => {
            let _ = std::fs::remove_file(&staging);
            // The refusal names the file the supervisor gave, not the private copy checked.
            if let StoreError::Refused(
                super::Refusal::BackupForeign { path, .. }
                | super::Refusal::BackupRepaired { path }
                | super::Refusal::NotVerified { path, .. },
            ) = &mut e
            {
                *path = file.display().to_string();
            }
            return Err(e);
        }
    };
    let config = backup_config(&staging);
    // Never over an earlier safety copy: two restores within a second get two names.
    let stamp = at.format("%Y%m%d-%H%M%S");
    let kept = if current.exists() {
        let mut kept = dir.join(format!("caja-before-restore-{stamp}.redb"));
        let mut k = 1;
        while kept.exists() {
            kept = dir.join(format!("caja-before-restore-{stamp}-{k}.redb"));
            k += 1;
        }
        std::fs::copy(&current, &kept)?;
        super::files::private_file(&kept)?;
        std::fs::File::open(&kept)?.sync_all()?;
        Some(kept)
    } else {
        None
    };
    std::fs::File::open(&staging)?.sync_all()?;
    std::fs::rename(&staging, &current)?;
    set_journal_aside_if_foreign(dir, &current, &format!("{stamp}"))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(Restored {
        kept,
        report,
        config,
        checksummed,
    })
}

/// The `caja.toml` a backup carries.
fn backup_config(path: &Path) -> Option<Vec<u8>> {
    let p = path.to_path_buf();
    let ro = super::open_read_only(&p).ok()?.ok()?;
    let tx = ro.begin_read().ok()?;
    let meta = tx.open_table(META).ok()?;
    let v = meta.get(BACKUP_CONFIG).ok()??.value().to_vec();
    Some(v)
}

/// After a restore: a journal of this same store stays, and the register replays from it the
/// documents committed after the backup was taken (their numbers are never used twice). A
/// journal of another store is moved aside, kept, so that the restored store writes its own.
fn set_journal_aside_if_foreign(dir: &Path, store: &Path, stamp: &str) -> Result<(), StoreError> {
    let jdir = super::ejournal::dir_of(dir);
    if !jdir.exists() {
        return Ok(());
    }
    let p = store.to_path_buf();
    let info = super::open_read_only(&p)
        .ok()
        .and_then(Result::ok)
        .and_then(|ro| quietly(|| read_info(&ro)).ok().and_then(Result::ok));
    let same = info.is_some_and(|i| {
        super::ejournal::Journal::open(Box::new(super::ejournal::FsJournal::new(jdir.clone())), i)
            .is_ok()
    });
    if !same {
        let mut aside = dir.join(format!("journal.before-restore-{stamp}"));
        let mut k = 1;
        while aside.exists() {
            aside = dir.join(format!("journal.before-restore-{stamp}-{k}"));
            k += 1;
        }
        std::fs::rename(&jdir, &aside)?;
    }
    Ok(())
}
