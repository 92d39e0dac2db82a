//! The redb store: one file, the one write path for documents, the catalog, users, and the
//! integrity check.

pub mod backup;
mod batch;
pub mod catalog;
pub mod check;
pub mod codec;
pub mod commit;
pub mod customers;
pub mod day;
pub mod docs;
pub mod durable;
pub mod ejournal;
pub mod files;
pub mod held;
pub mod history;
pub mod rebuild;
mod refusal;
pub mod share;
pub mod spool;
pub mod tables;
pub mod users;
pub mod view;

use crate::domain::catalog::CatalogError;
use crate::domain::document::DocError;
use crate::domain::money::{Currency, MoneyError};
use crate::domain::numbering::{AuthorizedRange, DocKind, NumberingError, RegisterCode};
use crate::domain::refund::RefundError;
use crate::domain::user::Role;
use crate::i18n::Word;
use crate::lock::{LockAnyway, RwAnyway};
use codec::{RangesRecord, StoreInfo, StoreInfoRecord, decode, encode};
use redb::{Database, ReadableDatabase, ReadableTable};
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use tables::{META, SCHEMA_VERSION, meta_keys};

pub use codec::User;
pub use commit::Commit;
pub use docs::{Committed, DocHeader};
pub use durable::Reconciled;
pub use refusal::Refusal;

/// The store file's name inside the data directory.
pub const STORE_FILE: &str = "caja.redb";
/// The settings file's name inside the data directory (read by `config`, kept by backups).
pub const CONFIG_FILE: &str = "caja.toml";

/// redb's default cache is 1 GiB; a thin client has 512 MB in all.
pub(crate) const CACHE_BYTES: usize = 4 * 1024 * 1024;

/// What the store refuses or meets. Its words are [`StoreError::words`], in either language;
/// `Display` is those words in English (for logs and for `anyhow`), never a second English.
#[derive(Debug)]
pub enum StoreError {
    NotInitialized(PathBuf),
    AlreadyExists(PathBuf),
    InUse(PathBuf),
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    Corrupt(String),
    NotAStore(PathBuf),
    /// A store file that makes no sense where it is read (redb gave up on a page).
    Unreadable {
        path: PathBuf,
        detail: String,
    },
    /// The register's own check found damage while it ran: no document is written any more.
    Damaged(String),
    Db(String),
    /// The disk refused a write: full, read-only, or an earlier write failed.
    Disk(DiskFault),
    Io(std::io::Error),
    DateBackwards {
        given: String,
        last: String,
    },
    DateClosed {
        given: String,
        closed: String,
    },
    NotFound(String),
    NotASale(String),
    BarcodeTaken {
        barcode: String,
        sku: String,
    },
    Product {
        sku: String,
        err: CatalogError,
    },
    NoSuchUser(String),
    UserExists(String),
    LastSupervisor(String),
    Invalid(String),
    /// What the check finds, met on the way (a journal record that does not read).
    Found(check::Problem),
    /// A refusal a person can meet, in their language through [`Refusal::words`].
    Refused(Refusal),
    Customer(crate::domain::customer::CustomerError),
    Points(crate::domain::loyalty::PointsError),
    Doc(DocError),
    BadPin,
    Numbering(NumberingError),
    Refund(RefundError),
    Money(MoneyError),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.words(crate::i18n::Language::En, None))
    }
}

impl std::error::Error for StoreError {
    /// As the error it wraps says (the wrapped error is this one's words, not a cause).
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        use StoreError as E;
        match self {
            E::Found(e) => e.source(),
            E::Refused(e) => e.source(),
            E::Customer(e) => e.source(),
            E::Points(e) => e.source(),
            E::Doc(e) => e.source(),
            E::Numbering(e) => e.source(),
            E::Refund(e) => e.source(),
            E::Money(e) => e.source(),
            E::Disk(e) => e.source(),
            _ => None,
        }
    }
}

macro_rules! wraps {
    ($($variant:ident($t:ty)),* $(,)?) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::$variant(e)
            }
        }
    )*};
}
wraps!(
    Found(check::Problem),
    Refused(Refusal),
    Customer(crate::domain::customer::CustomerError),
    Points(crate::domain::loyalty::PointsError),
    Doc(DocError),
    Numbering(NumberingError),
    Refund(RefundError),
    Money(MoneyError),
);

/// What the disk did when a write failed, typed so that the register says it in its language
/// ([`DiskFault::words`]); `Display` is the English, for logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskFault {
    /// No space left on the device; how many MiB are free now, when the store knows its folder.
    Full { free_mib: Option<u64> },
    /// The file system is read-only: what the kernel makes of a failing flash card.
    ReadOnly,
    /// An earlier write to the store file failed: redb takes no more until it is reopened,
    /// which the store does before its next write.
    Earlier,
}

impl DiskFault {
    /// The fault an I/O error is, if it is one of the disk's.
    pub fn of(e: &std::io::Error) -> Option<DiskFault> {
        match (e.kind(), e.raw_os_error()) {
            (std::io::ErrorKind::StorageFull, _) | (_, Some(28)) => {
                Some(DiskFault::Full { free_mib: None })
            }
            (std::io::ErrorKind::ReadOnlyFilesystem, _) | (_, Some(30)) => {
                Some(DiskFault::ReadOnly)
            }
            _ => None,
        }
    }

    pub fn words(&self, lang: crate::i18n::Language) -> String {
        let t = |k| crate::i18n::store_text(lang, k);
        match self {
            DiskFault::Full {
                free_mib: Some(mib),
            } => crate::i18n::fill(t(Word::DiskFullFree), &[("mib", &mib.to_string())]),
            DiskFault::Full { free_mib: None } => t(Word::DiskFull).into(),
            DiskFault::ReadOnly => t(Word::DiskReadOnly).into(),
            DiskFault::Earlier => t(Word::DiskEarlier).into(),
        }
    }
}

crate::i18n::display_words!(DiskFault);

impl std::error::Error for DiskFault {}

/// MiB free on the file system that holds `dir`.
pub fn free_mib<P: AsRef<Path>>(dir: P) -> Option<u64> {
    let st = rustix::fs::statvfs(dir.as_ref()).ok()?;
    Some(st.f_bavail.saturating_mul(st.f_frsize) / (1024 * 1024))
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        match DiskFault::of(&e) {
            Some(d) => {
                // The operating system's own words, for the log (the screen says `d`).
                tracing::error!("write refused by the system: {e}");
                StoreError::Disk(d)
            }
            None => StoreError::Io(e),
        }
    }
}

impl From<redb::StorageError> for StoreError {
    fn from(e: redb::StorageError) -> Self {
        match e {
            redb::StorageError::Io(io) => match DiskFault::of(&io) {
                Some(d) => {
                    tracing::error!("the store file's write refused by the system: {io}");
                    StoreError::Disk(d)
                }
                None => StoreError::Db(io.to_string()),
            },
            redb::StorageError::PreviousIo | redb::StorageError::DatabaseClosed => {
                StoreError::Disk(DiskFault::Earlier)
            }
            other => StoreError::Db(other.to_string()),
        }
    }
}

macro_rules! db_errors {
    ($($t:ident),*) => {$(
        impl From<redb::$t> for StoreError {
            fn from(e: redb::$t) -> Self {
                match e {
                    redb::$t::Storage(s) => s.into(),
                    other => StoreError::Db(other.to_string()),
                }
            }
        }
    )*};
}
db_errors!(
    TransactionError,
    TableError,
    CommitError,
    DatabaseError,
    CursorError
);

impl From<redb::SetDurabilityError> for StoreError {
    fn from(e: redb::SetDurabilityError) -> Self {
        StoreError::Db(e.to_string())
    }
}

/// A store opened only to read, through redb's read-only handle: no byte of the file changes.
/// Fails with [`StoreError::InUse`] while a register has the store open, and when the file
/// needs crash recovery (which only a writable open does).
pub struct StoreReader {
    db: redb::ReadOnlyDatabase,
    info: StoreInfo,
}

impl StoreReader {
    pub fn open(dir: &Path) -> Result<StoreReader, StoreError> {
        let path = dir.join(STORE_FILE);
        if !path.exists() {
            return Err(StoreError::NotInitialized(dir.to_path_buf()));
        }
        let p = path.clone();
        let db = match open_read_only(&p) {
            Ok(Ok(db)) => db,
            Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => {
                return Err(StoreError::InUse(path));
            }
            Ok(Err(e)) => return Err(StoreError::Corrupt(format!("{}: {e}", path.display()))),
            Err(p) => return Err(StoreError::Corrupt(format!("{}: {p}", path.display()))),
        };
        let info = quietly(|| read_info(&db)).map_err(StoreError::Corrupt)??;
        Ok(StoreReader { db, info })
    }

    pub fn info(&self) -> &StoreInfo {
        &self.info
    }

    pub fn visit_products(
        &self,
        f: impl FnMut(crate::domain::catalog::Product) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        quietly(|| catalog::visit_products_in(&self.db, f)).map_err(StoreError::Corrupt)?
    }

    pub fn visit_customers(
        &self,
        f: impl FnMut(customers::StoredCustomer) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        quietly(|| customers::visit_customers_in(&self.db, f)).map_err(StoreError::Corrupt)?
    }
}

/// Owns the redb handle. Closing writes what the last checkpoint left in memory, and on a
/// damaged file redb may give up there with a panic: caught, and while another panic unwinds
/// the handle is not closed at all (a panic inside that one would abort the process).
pub(crate) struct DbGuard(Option<Database>);

impl DbGuard {
    pub(crate) fn new(db: Database) -> DbGuard {
        DbGuard(Some(db))
    }

    fn get(&self) -> &Database {
        match &self.0 {
            Some(db) => db,
            None => unreachable!("a handle is lent only while it holds a database"),
        }
    }
}

/// The store's redb handle, lent for one statement (see [`Store::db`]).
pub(crate) struct Db<'a>(std::sync::RwLockReadGuard<'a, DbGuard>);

impl std::ops::Deref for Db<'_> {
    type Target = Database;

    fn deref(&self) -> &Database {
        self.0.get()
    }
}

/// How a store's file is opened again after a write to it failed.
pub type Reopen = Box<dyn Fn() -> Result<Database, StoreError> + Send + Sync>;

impl Drop for DbGuard {
    fn drop(&mut self) {
        let Some(db) = self.0.take() else {
            return;
        };
        if std::thread::panicking() {
            // The file lock goes with the process; the journal holds every document.
            std::mem::forget(db);
            return;
        }
        if let Err(why) = quietly(move || db.close()).and_then(|r| r.map_err(|e| e.to_string())) {
            tracing::error!("closing the store: {why}");
        }
    }
}

/// What a visit calls with each document and its place in the chain; `Break` stops it.
pub type Visitor<'a> =
    dyn FnMut(u64, &crate::domain::document::SealedDocument) -> std::ops::ControlFlow<()> + 'a;

/// Where committed documents are read from: the store, or its journal alone.
pub trait DocSource {
    fn info(&self) -> &StoreInfo;
    /// Visits documents in chain order whose business date is within `from..=to`.
    fn visit_dates(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        f: &mut Visitor<'_>,
    ) -> Result<(), StoreError>;
}

impl DocSource for StoreReader {
    fn info(&self) -> &StoreInfo {
        &self.info
    }

    fn visit_dates(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        f: &mut Visitor<'_>,
    ) -> Result<(), StoreError> {
        quietly(|| docs::visit_dates_in(&self.db, from, to, f)).map_err(StoreError::Corrupt)?
    }
}

impl StoreReader {
    /// A read transaction on the read-only handle.
    pub(crate) fn begin_read(&self) -> Result<redb::ReadTransaction, StoreError> {
        Ok(self.db.begin_read()?)
    }

    /// The chain position of the store's last document (0 when it has none).
    pub fn last_seq(&self) -> Result<u64, StoreError> {
        quietly(|| -> Result<u64, StoreError> {
            let tx = self.db.begin_read()?;
            let docs = tx.open_table(tables::DOCS)?;
            Ok(docs.last()?.map_or(0, |(k, _)| k.value()))
        })
        .map_err(StoreError::Corrupt)?
    }

    /// The journal files of another store among this store's, if any (what `caja journal`
    /// warns of when it reads the store itself).
    pub fn foreign_journal(&self, dir: &Path) -> Option<StoreError> {
        let mut io = ejournal::FsJournal::new(ejournal::dir_of(dir));
        ejournal::refuse_foreign(&mut io, &self.info).err()
    }
}

impl DocSource for Store {
    fn info(&self) -> &StoreInfo {
        &self.info
    }

    fn visit_dates(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        f: &mut Visitor<'_>,
    ) -> Result<(), StoreError> {
        Store::visit_dates(self, from, to, f)
    }
}

/// What `init` needs to make a store.
pub struct InitParams {
    pub name: String,
    pub register: RegisterCode,
    pub currency: Currency,
    pub prices_include_tax: bool,
    pub supervisor: String,
    pub pin: String,
    pub now_utc_ms: i64,
}

/// An open store. One per process: redb locks the file, so a second caja gets [`StoreError::InUse`].
pub struct Store {
    /// redb, behind a lock only so that it can be reopened after a disk fault (redb takes no
    /// more writes after a failed one); readers hold it for one statement.
    db: std::sync::RwLock<DbGuard>,
    reopen_with: Reopen,
    /// Set when a write met a disk fault: the next write reopens redb first.
    reopen_due: std::sync::atomic::AtomicBool,
    path: PathBuf,
    info: StoreInfo,
    ranges: RwLock<Vec<(DocKind, AuthorizedRange)>>,
    /// Print jobs the printer took, to be removed by the next transaction (see `spool`).
    printed: std::sync::Mutex<spool::Marks>,
    /// The last closed business date, kept in memory so that a sale's commit does not open the
    /// meta table (redb rewrites a table's root entry when it is opened for writing). This
    /// process is the store's only writer, and it updates this after each close commits.
    closed: std::sync::Mutex<Option<crate::domain::document::BusinessDate>>,
    /// The numbering floor per document type (see `meta_keys::NUMBER_FLOOR`), cached for the
    /// same reason.
    floor: std::sync::Mutex<Vec<u64>>,
    /// The electronic journal (see `durable`); None only while the store is being opened.
    journal: std::sync::Mutex<Option<ejournal::Journal>>,
    /// Journal records of the documents appended by the live write transaction.
    staged: std::sync::Mutex<Vec<ejournal::JournalRecord>>,
    /// Documents acknowledged through the journal since redb's last durable commit.
    unsynced: std::sync::atomic::AtomicU32,
    /// Set when a journal write failed: documents then commit redb durably until a restart.
    journal_error: std::sync::Mutex<Option<[String; 2]>>,
    /// What the open found and did to make the store and its journal agree.
    reconciled: Reconciled,
    /// The end of the chain as the last till commit left it (see `durable::Store::commit_one`);
    /// any other append forgets it.
    head: std::sync::Mutex<Option<docs::Head>>,
    /// Set when the register's own check found the store damaged: documents are refused.
    damaged: std::sync::Mutex<Option<String>>,
    /// The thread that commits redb while the journal syncs (started by the first till commit).
    applier: std::sync::Mutex<Option<std::sync::mpsc::Sender<Box<durable::Apply>>>>,
}

fn decode_floor(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .filter_map(|c| <[u8; 8]>::try_from(c).ok())
        .map(u64::from_le_bytes)
        .collect()
}

fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| {
        StoreError::Io(std::io::Error::other(format!(
            "no randomness from the system: {e}"
        )))
    })?;
    Ok(b)
}

const REDB_MAGIC: &[u8] = b"redb\x1a\x0a\xa9\x0d\x0a";

/// Opens the redb file, turning every failure (a panic on a damaged file included) into an error.
fn open_db(path: &Path) -> Result<Database, StoreError> {
    let mut head = [0u8; 9];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path)?;
        let n = f.read(&mut head)?;
        if n < head.len() || head != REDB_MAGIC {
            return Err(StoreError::NotAStore(path.to_path_buf()));
        }
    }
    let p = path.to_path_buf();
    quietly(move || Database::builder().set_cache_size(CACHE_BYTES).open(&p))
        .map_err(|panic| StoreError::Unreadable {
            path: path.to_path_buf(),
            detail: panic,
        })?
        .map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::InUse(path.to_path_buf()),
            // A disk that refuses the open's writes (full, read-only) is the disk, not damage.
            redb::DatabaseError::Storage(s) => match StoreError::from(s) {
                d @ StoreError::Disk(_) => d,
                other => StoreError::Corrupt(format!("{}: {other}", path.display())),
            },
            other => StoreError::Corrupt(format!("{}: {other}", path.display())),
        })
}

/// The store's identity, from any handle.
pub(crate) fn read_info(db: &impl ReadableDatabase) -> Result<StoreInfo, StoreError> {
    read_info_tx(&db.begin_read()?)
}

/// The store's identity, through a read transaction.
pub(crate) fn read_info_tx(tx: &redb::ReadTransaction) -> Result<StoreInfo, StoreError> {
    let meta = tx
        .open_table(META)
        .map_err(|e| StoreError::Corrupt(format!("no meta table ({e})")))?;
    match meta.get(meta_keys::STORE)? {
        Some(v) => match decode::<StoreInfoRecord>(v.value(), "store identity")? {
            StoreInfoRecord::V1(i) => Ok(i),
        },
        None => Err(StoreError::Corrupt("no store identity".into())),
    }
}

/// Reads the schema version through a read-only handle, so that a store written by a newer caja
/// is refused before anything writes to it. A file that needs crash recovery cannot be opened
/// read-only; that one is checked after the normal open instead.
fn precheck_schema(path: &Path) -> Result<(), StoreError> {
    let p = path.to_path_buf();
    let ro = match open_read_only(&p) {
        Ok(Ok(db)) => db,
        Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => {
            return Err(StoreError::InUse(path.to_path_buf()));
        }
        _ => return Ok(()),
    };
    let schema = (|| -> Result<Option<u32>, StoreError> {
        let tx = ro.begin_read()?;
        let meta = tx.open_table(META)?;
        Ok(meta
            .get(meta_keys::SCHEMA)?
            .and_then(|v| <[u8; 4]>::try_from(v.value()).ok())
            .map(u32::from_le_bytes))
    })();
    if let Ok(Some(found)) = schema
        && found > SCHEMA_VERSION
    {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    // A journal file of another store is refused before a writable open touches the file
    // (the open refuses it again, for a store that needed recovery first).
    if let (Ok(info), Some(dir)) = (read_info(&ro), path.parent()) {
        let mut io = ejournal::FsJournal::new(ejournal::dir_of(dir));
        ejournal::refuse_foreign(&mut io, &info)?;
    }
    Ok(())
}

/// Brings a store written by an older caja to this schema, in one transaction.
fn migrate(db: &Database, from: u32) -> Result<(), StoreError> {
    let mut tx = db.begin_write()?;
    tx.set_durability(redb::Durability::Immediate)?;
    tx.set_quick_repair(true);
    if from < 2 {
        // The name indexes lose their copy of each name: rebuilt from the records.
        tx.delete_table(tables::NAME_WORDS_V1)?;
        tx.delete_table(tables::CUSTOMER_WORDS_V1)?;
        {
            let products = tx.open_table(tables::PRODUCTS)?;
            let mut words = tx.open_table(tables::NAME_WORDS)?;
            for row in products.iter()? {
                let (k, v) = row?;
                let p = catalog::decode_product(v.value(), k.value())?;
                let folded = crate::domain::catalog::search_words(&p.name);
                let sketch = crate::domain::catalog::prefix_sketch(&folded);
                for w in &folded {
                    words.insert(format!("{w}\u{0}{}", p.sku).as_str(), sketch)?;
                }
            }
        }
        {
            let list = tx.open_table(tables::CUSTOMERS)?;
            let mut words = tx.open_table(tables::CUSTOMER_WORDS)?;
            for row in list.iter()? {
                let (k, v) = row?;
                let c = customers::decode_customer(v.value(), k.value())?;
                let folded = crate::domain::catalog::search_words(&c.customer.name);
                let sketch = crate::domain::catalog::prefix_sketch(&folded);
                for w in &folded {
                    words.insert(format!("{w}\u{0}{}", k.value()).as_str(), sketch)?;
                }
            }
        }
    }
    tx.open_table(META)?
        .insert(meta_keys::SCHEMA, SCHEMA_VERSION.to_le_bytes().as_slice())?;
    tx.commit()?;
    Ok(())
}

/// Writes a new store's identity and schema, and creates every table, so that readers never
/// meet a missing one (`init` and `rebuild`).
pub(crate) fn new_store_tables(
    tx: &redb::WriteTransaction,
    info: &StoreInfo,
) -> Result<(), StoreError> {
    let mut meta = tx.open_table(META)?;
    meta.insert(meta_keys::SCHEMA, SCHEMA_VERSION.to_le_bytes().as_slice())?;
    meta.insert(
        meta_keys::STORE,
        encode(&StoreInfoRecord::V1(info.clone()))?.as_slice(),
    )?;
    meta.insert(meta_keys::PUSH_CURSOR, 0u64.to_le_bytes().as_slice())?;
    tx.open_table(tables::DOCS)?;
    tx.open_table(tables::PRODUCTS)?;
    tx.open_table(tables::BARCODES)?;
    tx.open_table(tables::NAME_WORDS)?;
    tx.open_table(tables::REFUNDS)?;
    tx.open_table(tables::HELD)?;
    tx.open_table(tables::PRINT_JOBS)?;
    tx.open_table(tables::SHIFTS)?;
    tx.open_table(tables::USERS)?;
    Ok(())
}

/// Opens a store file through redb's read-only handle, which changes no byte of it; a panic on
/// a damaged file comes back as its message.
pub(crate) fn open_read_only(
    path: &Path,
) -> Result<Result<redb::ReadOnlyDatabase, redb::DatabaseError>, String> {
    let p = path.to_path_buf();
    quietly(move || {
        redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .open_read_only(&p)
    })
}

/// What a page redb cannot make sense of is called (translated where it is shown).
pub const NONSENSE_PAGE: &str = "a page that makes no sense";

thread_local! {
    /// How deep this thread is inside [`quietly`].
    static QUIET: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether a panic on this thread now is one [`quietly`] catches and words itself: the
/// process's panic hook says nothing of it.
pub fn panic_is_quiet() -> bool {
    QUIET.with(|q| q.get() > 0)
}

/// Runs `f`, turning a panic into an error message.
///
/// The process's one panic hook (`main` installs it) asks [`panic_is_quiet`] and says nothing
/// of a panic this catches; the hook is never swapped, so a panic on another thread meanwhile
/// is reported as ever.
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    QUIET.with(|q| q.set(q.get() + 1));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(q.get().saturating_sub(1)));
    r.map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        // redb's `unreachable!()` on a page it cannot make sense of says "internal error", which
        // reads as a bug in caja to the person at the till: it is a damaged page.
        if msg.is_empty() || msg.contains("unreachable") {
            NONSENSE_PAGE.into()
        } else {
            msg
        }
    })
}

impl Store {
    /// Makes a new store in `dir`. Refuses if one is there already.
    pub fn create(dir: &Path, p: InitParams) -> Result<Store, StoreError> {
        files::private_dir(dir)?;
        let path = dir.join(STORE_FILE);
        // create_new: never open, and so never overwrite, a file that appeared meanwhile.
        match files::private_options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::AlreadyExists(path));
            }
            Err(e) => return Err(e.into()),
        }
        let made = (|| {
            let db = Database::builder()
                .set_cache_size(CACHE_BYTES)
                .create(&path)
                .map_err(|e| StoreError::Db(e.to_string()))?;
            let journal = Box::new(ejournal::FsJournal::new(ejournal::dir_of(dir)));
            Store::create_on(db, path.clone(), journal, p)
        })();
        if made.is_err() {
            // Nothing was sold into a store that failed to be made; leave no half-made file.
            let _ = std::fs::remove_file(&path);
        }
        made
    }

    /// Makes a new store in an empty database, with its journal on `journal`.
    pub fn create_on(
        db: Database,
        path: PathBuf,
        journal: Box<dyn ejournal::JournalIo>,
        p: InitParams,
    ) -> Result<Store, StoreError> {
        {
            let info = StoreInfo {
                store_id: random_bytes::<16>()?
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
                name: p.name.trim().to_string(),
                register: p.register,
                currency: p.currency,
                prices_include_tax: p.prices_include_tax,
                created_utc_ms: p.now_utc_ms,
                token_secret: random_bytes::<32>()?,
            };
            let pin_hash = users::hash_pin(&p.pin)?;
            let mut tx = db.begin_write()?;
            tx.set_durability(redb::Durability::Immediate)?;
            tx.set_quick_repair(true);
            {
                new_store_tables(&tx, &info)?;
                let mut u = tx.open_table(tables::USERS)?;
                let user = User {
                    name: p.supervisor.clone(),
                    role: Role::Supervisor,
                    pin_hash,
                    failures: 0,
                    locked: false,
                    active: true,
                };
                u.insert(
                    p.supervisor.as_str(),
                    encode(&codec::UserRecord::V1(user))?.as_slice(),
                )?;
            }
            tx.commit()?;
            let mut journal = ejournal::Journal::open(journal, info.clone())?;
            if journal.last_seq() > 0 {
                return Err(StoreError::AlreadyExists(path));
            }
            journal.ensure_file()?;
            let mut store = Store::new(DbGuard::new(db), path, info, Vec::new(), None, Vec::new());
            store.reconciled = store.attach_journal(journal)?;
            Ok(store)
        }
    }

    fn new(
        db: DbGuard,
        path: PathBuf,
        info: StoreInfo,
        ranges: Vec<(DocKind, AuthorizedRange)>,
        closed: Option<crate::domain::document::BusinessDate>,
        floor: Vec<u64>,
    ) -> Store {
        let reopen_path = path.clone();
        Store {
            db: std::sync::RwLock::new(db),
            reopen_with: Box::new(move || open_db(&reopen_path)),
            reopen_due: Default::default(),
            path,
            info,
            ranges: RwLock::new(ranges),
            printed: Default::default(),
            closed: std::sync::Mutex::new(closed),
            floor: std::sync::Mutex::new(floor),
            journal: Default::default(),
            staged: Default::default(),
            unsynced: Default::default(),
            journal_error: Default::default(),
            reconciled: Reconciled::default(),
            head: Default::default(),
            damaged: Default::default(),
            applier: Default::default(),
        }
    }

    /// Opens the store in `dir`.
    ///
    /// A store held by a command that only reads it (`caja journal`, `check`, a backup: each
    /// holds redb's lock for milliseconds) is waited for, up to two seconds, rather than
    /// refused: a register that starts while a technician reads must still start. A register
    /// holds the store with its socket up, and is refused at once.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        share::open_past_closing(dir, || Store::open_once(dir))
    }

    fn open_once(dir: &Path) -> Result<Store, StoreError> {
        let path = dir.join(STORE_FILE);
        if !path.exists() {
            return Err(StoreError::NotInitialized(dir.to_path_buf()));
        }
        // Damage the register found while it ran is not forgotten by a restart.
        if let Ok(why) = std::fs::read_to_string(check::suspect_path(dir)) {
            return Err(StoreError::Corrupt(why.trim().to_string()));
        }
        // redb gives up with a panic on some damaged pages: that is a damaged store, said so.
        quietly(|| {
            precheck_schema(&path)?;
            let _ = files::private_dir(dir);
            let _ = files::private_file(&path);
            let db = open_db(&path)?;
            let journal = Box::new(ejournal::FsJournal::new(ejournal::dir_of(dir)));
            Store::open_on(db, path.clone(), journal)
        })
        .map_err(|panic| StoreError::Unreadable {
            path: path.to_path_buf(),
            detail: panic,
        })?
    }

    /// Opens a store on an open database and its journal, replaying or catching up the journal.
    pub fn open_on(
        db: Database,
        path: PathBuf,
        journal: Box<dyn ejournal::JournalIo>,
    ) -> Result<Store, StoreError> {
        let mut store = Store::from_db(db, path)?;
        let journal = ejournal::Journal::open(journal, store.info.clone())?;
        store.reconciled = store.attach_journal(journal)?;
        Ok(store)
    }

    /// A private copy of the store in `dir`, opened for reading and counting: what the doctor
    /// uses, so that it changes no byte of the store it reports on. The caller removes the copy
    /// with [`Store::discard_copy`].
    pub fn open_copy(dir: &Path) -> Result<Store, StoreError> {
        let path = dir.join(STORE_FILE);
        if !path.exists() {
            return Err(StoreError::NotInitialized(dir.to_path_buf()));
        }
        // Refuse as the store would while a register holds it (the copy could be torn); a
        // store that needs crash recovery gets it on the copy.
        if let Err(e @ StoreError::InUse(_)) = StoreReader::open(dir) {
            return Err(e);
        }
        let copy = files::scratch_copy(&path, dir, &format!("{STORE_FILE}.reading"))?;
        let opened = quietly(|| Store::from_db(open_db(&copy)?, copy.clone()))
            .map_err(|p| StoreError::Unreadable {
                path: path.to_path_buf(),
                detail: p,
            })
            .and_then(|r| r);
        if opened.is_err() {
            let _ = std::fs::remove_file(&copy);
        }
        opened
    }

    /// Drops a store made by [`Store::open_copy`] and removes its file.
    pub fn discard_copy(self) {
        let path = self.path.clone();
        drop(self);
        let _ = std::fs::remove_file(path);
    }

    /// What this open replayed from the journal or copied to it, and what did not agree.
    pub fn reconciled(&self) -> &Reconciled {
        &self.reconciled
    }

    pub(crate) fn from_db(db: Database, path: PathBuf) -> Result<Store, StoreError> {
        let db = DbGuard::new(db);
        let read = quietly(|| -> Result<_, StoreError> {
            let db = db.get();
            let tx = db.begin_read()?;
            let meta = tx.open_table(META).map_err(|e| {
                StoreError::Corrupt(format!("{}: no meta table ({e})", path.display()))
            })?;
            let schema = meta
                .get(meta_keys::SCHEMA)?
                .and_then(|v| <[u8; 4]>::try_from(v.value()).ok())
                .map(u32::from_le_bytes)
                .ok_or_else(|| StoreError::Corrupt("no schema version".into()))?;
            if schema > SCHEMA_VERSION {
                return Err(StoreError::NewerSchema {
                    path: path.clone(),
                    found: schema,
                    supported: SCHEMA_VERSION,
                });
            }
            let info = match meta.get(meta_keys::STORE)? {
                Some(v) => match decode::<StoreInfoRecord>(v.value(), "store identity")? {
                    StoreInfoRecord::V1(i) => i,
                },
                None => return Err(StoreError::Corrupt("no store identity".into())),
            };
            let ranges = match meta.get(meta_keys::RANGES)? {
                Some(v) => match decode::<RangesRecord>(v.value(), "authorized ranges")? {
                    RangesRecord::V1(r) => r,
                },
                None => Vec::new(),
            };
            let closed = meta
                .get(meta_keys::CLOSED_THROUGH)?
                .and_then(|v| <[u8; 4]>::try_from(v.value()).ok())
                .map(|b| crate::domain::document::BusinessDate::from_days(i32::from_le_bytes(b)));
            let floor = meta
                .get(meta_keys::NUMBER_FLOOR)?
                .map(|v| decode_floor(v.value()))
                .unwrap_or_default();
            Ok((info, ranges, closed, floor, schema))
        })
        .map_err(|p| StoreError::Unreadable {
            path: path.to_path_buf(),
            detail: p,
        })?;
        let (info, ranges, closed, floor, schema) = read?;
        if schema < SCHEMA_VERSION {
            quietly(|| migrate(db.get(), schema)).map_err(|p| StoreError::Unreadable {
                path: path.to_path_buf(),
                detail: p,
            })??;
        }
        Ok(Store::new(db, path, info, ranges, closed, floor))
    }

    pub(crate) fn closed_through(&self) -> Option<crate::domain::document::BusinessDate> {
        *self.closed.lock_anyway()
    }

    pub(crate) fn set_closed_through(&self, d: crate::domain::document::BusinessDate) {
        *self.closed.lock_anyway() = Some(d);
    }

    /// The numbering floor of a document type (0 when the code was never taken over).
    pub fn number_floor(&self, kind: DocKind) -> u64 {
        let f = self.floor.lock_anyway();
        f.get(kind.index()).copied().unwrap_or(0)
    }

    /// Raises the numbering floor: the next document of each type is numbered after the given
    /// number. Used when this store takes over a register code whose documents the sync server
    /// already holds. A floor never goes down.
    pub fn raise_number_floor(&self, floors: &[(DocKind, u64)]) -> Result<(), StoreError> {
        let mut guard = self.floor.lock_anyway();
        let mut next = guard.clone();
        next.resize(DocKind::ALL.len().max(next.len()), 0);
        for (k, n) in floors {
            let slot = &mut next[k.index()];
            *slot = (*slot).max(*n);
        }
        let bytes: Vec<u8> = next.iter().flat_map(|n| n.to_le_bytes()).collect();
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        tx.open_table(META)?
            .insert(meta_keys::NUMBER_FLOOR, bytes.as_slice())?;
        tx.commit()?;
        *guard = next;
        Ok(())
    }

    pub fn info(&self) -> &StoreInfo {
        &self.info
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn register(&self) -> &RegisterCode {
        &self.info.register
    }

    /// redb's handle, for one statement: `self.db()?.begin_read()?`. An error only when redb
    /// was closed after a disk fault and could not be opened again yet.
    pub(crate) fn db(&self) -> Result<Db<'_>, StoreError> {
        let g = self.db.read_anyway();
        if g.0.is_none() {
            return Err(StoreError::Disk(DiskFault::Earlier));
        }
        Ok(Db(g))
    }

    /// Begins the write transaction every write goes through; after a disk fault, redb is
    /// reopened first.
    pub(crate) fn begin_write(&self) -> Result<redb::WriteTransaction, StoreError> {
        if self.reopen_due.load(std::sync::atomic::Ordering::SeqCst) {
            self.reopen()?;
        }
        let tx = self.db()?.begin_write()?;
        // This is now the one writer: journal records still staged are those of a transaction
        // that was dropped without committing (a document after the first was refused).
        self.staged.lock_anyway().clear();
        Ok(tx)
    }

    /// Notes a disk fault a write met (redb then refuses every later write), with the space
    /// left on the disk when it is full; gives the error back.
    pub(crate) fn met(&self, mut e: StoreError) -> StoreError {
        if let StoreError::Disk(d) = &mut e {
            tracing::error!("the disk refused a write: {d}");
            self.reopen_due
                .store(true, std::sync::atomic::Ordering::SeqCst);
            if let (DiskFault::Full { free_mib: free }, Some(dir)) = (d, self.path.parent()) {
                *free = free_mib(dir);
            }
        }
        e
    }

    /// Closes redb and opens it again (what a failed write needs before redb takes another),
    /// then replays from the journal what the reopened file lacks: the documents acknowledged
    /// since its last durable commit.
    fn reopen(&self) -> Result<(), StoreError> {
        {
            let mut g = self.db.write_anyway();
            if let Some(old) = g.0.take() {
                let _ = quietly(move || old.close());
            }
            let db = quietly(&self.reopen_with).map_err(|p| StoreError::Unreadable {
                path: self.path.clone(),
                detail: p,
            })??;
            *g = DbGuard::new(db);
        }
        *self.head.lock_anyway() = None;
        self.staged.lock_anyway().clear();
        // Until the journal's documents are back in redb, nothing is written to it (a number
        // would be given twice): a failure here leaves the reopen due, and the write refused.
        let journal = self.journal.lock_anyway().take();
        if let Some(j) = journal {
            let r = self.attach_journal(j)?;
            tracing::warn!(
                replayed = r.replayed,
                caught_up = r.caught_up,
                "the store was reopened after a disk fault"
            );
        }
        self.reopen_due
            .store(false, std::sync::atomic::Ordering::SeqCst);
        self.unsynced.store(0, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// How the store's file is opened again after a disk fault (the file at its path, unless
    /// the store lives on another backend, as in the power-loss tests).
    pub fn set_reopen(&mut self, reopen: Reopen) {
        self.reopen_with = reopen;
    }

    pub(crate) fn authorized_range(&self, kind: DocKind) -> Option<AuthorizedRange> {
        let r = self.ranges.read_anyway();
        r.iter().find(|(k, _)| *k == kind).map(|(_, r)| r.clone())
    }

    /// Sets or clears the authorized numbering range of a document type.
    pub fn set_authorized_range(
        &self,
        kind: DocKind,
        range: Option<AuthorizedRange>,
    ) -> Result<(), StoreError> {
        let mut all = self.ranges.read_anyway().clone();
        all.retain(|(k, _)| *k != kind);
        if let Some(r) = range {
            if r.from == 0 || r.from > r.to {
                return Err(Refusal::RangeEmpty {
                    from: r.from,
                    to: r.to,
                }
                .into());
            }
            all.push((kind, r));
        }
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        tx.open_table(META)?.insert(
            meta_keys::RANGES,
            encode(&RangesRecord::V1(all.clone()))?.as_slice(),
        )?;
        tx.commit()?;
        *self.ranges.write_anyway() = all;
        Ok(())
    }

    /// Reads a u64 from the meta table.
    pub fn meta_u64(&self, key: &str) -> Result<u64, StoreError> {
        let tx = self.db()?.begin_read()?;
        tables::meta_u64_in(&tx.open_table(META)?, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_is_quiet_only_on_its_own_thread_and_only_while_caught() {
        assert!(!panic_is_quiet());
        let seen_inside = std::sync::Mutex::new(Vec::new());
        let r: Result<(), String> = quietly(|| {
            seen_inside.lock().unwrap().push(panic_is_quiet());
            // Another thread meanwhile is not quiet: its panic would be reported.
            let other = std::thread::spawn(panic_is_quiet).join().unwrap();
            seen_inside.lock().unwrap().push(other);
            // Nested, and still quiet after the inner one returns.
            let inner: Result<(), String> = quietly(|| panic!("inner"));
            assert_eq!(inner, Err("inner".to_string()));
            seen_inside.lock().unwrap().push(panic_is_quiet());
            panic!("a page it cannot read")
        });
        assert_eq!(r, Err("a page it cannot read".to_string()));
        assert_eq!(*seen_inside.lock().unwrap(), vec![true, false, true]);
        assert!(!panic_is_quiet());
        let unreachable: Result<(), String> = quietly(|| unreachable!());
        assert_eq!(unreachable, Err(NONSENSE_PAGE.to_string()));
    }
}
