//! The hub's own store: CouchDB's document model (id, revision, update sequence, conflict
//! branches) over one redb file. Nothing is ever overwritten by a replicated write: a second
//! revision of an id becomes a conflict branch beside the winner, as CouchDB keeps it.

use crate::i18n::Word;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::Path;

/// (database, id) -> the winning revision of a document.
const DOCS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("hub_docs_v1");
/// (database, sequence) -> id: the changes feed, one entry per document (its latest change).
const CHANGES: TableDefinition<(&str, u64), &str> = TableDefinition::new("hub_changes_v1");
/// (database, id, revision) -> body of a losing revision: kept, never dropped.
const CONFLICTS: TableDefinition<(&str, &str, &str), &str> =
    TableDefinition::new("hub_conflicts_v1");
/// Database name -> its last update sequence.
const DBS: TableDefinition<&str, u64> = TableDefinition::new("hub_dbs_v1");
/// Local documents ((db, id without `_local/`) → JSON with its `_rev` "0-N"): what a
/// replicator keeps its checkpoints in. Never replicated, never in `_changes`.
const LOCAL: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("hub_local_v1");
/// The largest local document, and the most a database holds: checkpoints are small and few.
pub const LOCAL_MAX_BYTES: usize = 64 * 1024;
pub const LOCAL_MAX_DOCS: u64 = 10_000;
/// User name -> HubUser.
const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("hub_users_v1");

/// The databases a hub serves.
pub const DATABASES: [&str; 3] = ["caja-catalog", "caja-docs", "caja-registers"];

#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredDoc {
    rev: String,
    seq: u64,
    deleted: bool,
    /// The JSON body without `_id` and `_rev`.
    body: String,
}

#[derive(Serialize, Deserialize)]
enum StoredDocRecord {
    V1(StoredDoc),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HubUser {
    pub password_hash: String,
    pub admin: bool,
}

#[derive(Serialize, Deserialize)]
enum HubUserRecord {
    V1(HubUser),
}

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("hub store: {0}")]
    Db(String),
    #[error("not_found")]
    NotFound,
    #[error("conflict")]
    Conflict,
    #[error("bad_request: {0}")]
    Bad(String),
    #[error("file_exists")]
    Exists,
    #[error("bad_request: a password needs at least 8 characters")]
    ShortPassword,
    /// Another process (a serving hub) holds the hub's store.
    #[error("the hub's store is in use by a running hub")]
    InUse,
}

impl HubError {
    /// The error in `lang`, for the hub's command line (the HTTP bodies keep CouchDB's
    /// English).
    pub fn words(&self, lang: crate::i18n::Language) -> String {
        use crate::i18n::store_text;
        match self {
            HubError::ShortPassword => store_text(lang, Word::HubShortPassword).into(),
            HubError::InUse => store_text(lang, Word::HubInUse).into(),
            other => other.to_string(),
        }
    }
}

macro_rules! db_err {
    ($($t:ty),*) => {$(
        impl From<$t> for HubError {
            fn from(e: $t) -> Self {
                HubError::Db(e.to_string())
            }
        }
    )*};
}
impl From<redb::DatabaseError> for HubError {
    fn from(e: redb::DatabaseError) -> Self {
        match e {
            redb::DatabaseError::DatabaseAlreadyOpen => HubError::InUse,
            other => HubError::Db(other.to_string()),
        }
    }
}

db_err!(
    std::io::Error,
    redb::Error,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError,
    postcard::Error
);

fn decode_doc(b: &[u8]) -> Result<StoredDoc, HubError> {
    let (StoredDocRecord::V1(d), rest) = postcard::take_from_bytes::<StoredDocRecord>(b)?;
    if !rest.is_empty() {
        return Err(HubError::Db("trailing bytes in a document".into()));
    }
    Ok(d)
}

fn encode_doc(d: StoredDoc) -> Result<Vec<u8>, HubError> {
    Ok(postcard::to_allocvec(&StoredDocRecord::V1(d))?)
}

/// A revision's generation ("3-abc" -> 3).
fn generation(rev: &str) -> u64 {
    rev.split_once('-')
        .and_then(|(g, _)| g.parse().ok())
        .unwrap_or(0)
}

/// The next revision of a document: its generation plus one and a hash of its content.
fn new_rev(id: &str, generation_now: u64, body: &str, deleted: bool) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("{id}|{generation_now}|{body}|{deleted}").as_bytes());
    let hexs: String = h.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{}-{hexs}", generation_now + 1)
}

/// Splits `_id`, `_rev` and `_deleted` off a document; the rest is its body.
fn split(mut doc: Value) -> Result<(String, Option<String>, bool, String), HubError> {
    let Value::Object(map) = &mut doc else {
        return Err(HubError::Bad("a document must be a JSON object".into()));
    };
    let id = match map.remove("_id") {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => return Err(HubError::Bad("a document needs an _id".into())),
    };
    let rev = match map.remove("_rev") {
        Some(Value::String(s)) => Some(s),
        None => None,
        _ => return Err(HubError::Bad("_rev must be a string".into())),
    };
    let deleted = matches!(map.remove("_deleted"), Some(Value::Bool(true)));
    map.retain(|k, _| !k.starts_with('_'));
    Ok((id, rev, deleted, doc.to_string()))
}

/// The earlier revisions a replicated document names in `_revisions` (`{"start": N, "ids":
/// [newest, …]}`), as `N-ID` strings, itself left out.
fn ancestors(doc: &Value) -> Vec<String> {
    let r = &doc["_revisions"];
    let Some(start) = r["start"].as_u64() else {
        return Vec::new();
    };
    r["ids"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .skip(1)
        .filter_map(|(i, h)| {
            let g = start.checked_sub(i as u64).filter(|g| *g > 0)?;
            Some(format!("{g}-{}", h.as_str()?))
        })
        .collect()
}

/// `_revisions` for a revision `N-HASH`: the hub keeps no older revisions of a document, so
/// the history is the revision alone (CouchDB accepts a history cut short).
pub fn revisions(rev: &str) -> Value {
    match rev.split_once('-') {
        Some((g, h)) => json!({"start": g.parse::<u64>().unwrap_or(1), "ids": [h]}),
        None => json!({"start": 1, "ids": [rev]}),
    }
}

/// A document as served: the body with `_id`, `_rev` (and `_deleted`) put back.
fn full(id: &str, d: &StoredDoc) -> Value {
    let mut v: Value = serde_json::from_str(&d.body).unwrap_or_else(|_| json!({}));
    if let Value::Object(m) = &mut v {
        m.insert("_id".into(), json!(id));
        m.insert("_rev".into(), json!(d.rev));
        if d.deleted {
            m.insert("_deleted".into(), json!(true));
        }
    }
    v
}

/// `full`, written as text without parsing the body: `_id`, `_rev` (and `_deleted`) in front
/// of the stored body's fields (a compact JSON object without `_` keys, as `split` made it).
fn full_text(id: &str, d: &StoredDoc, out: &mut String) {
    out.push_str("{\"_id\":");
    out.push_str(&Value::from(id).to_string());
    out.push_str(",\"_rev\":");
    out.push_str(&Value::from(d.rev.as_str()).to_string());
    if d.deleted {
        out.push_str(",\"_deleted\":true");
    }
    match d.body.trim().strip_prefix('{').map(str::trim_start) {
        Some(rest) if !rest.starts_with('}') => {
            out.push(',');
            out.push_str(rest);
        }
        _ => out.push('}'),
    }
}

/// An `_all_docs` query (docs/PROTOCOL.md).
#[derive(Debug, Clone)]
pub struct AllDocs {
    pub keys: Option<Vec<String>>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub inclusive_end: bool,
    pub descending: bool,
    pub skip: usize,
    pub limit: usize,
    pub include_docs: bool,
    pub conflicts: bool,
}

impl Default for AllDocs {
    fn default() -> AllDocs {
        AllDocs {
            keys: None,
            start: None,
            end: None,
            inclusive_end: true,
            descending: false,
            skip: 0,
            limit: usize::MAX,
            include_docs: false,
            conflicts: false,
        }
    }
}

/// What a replicated write did with one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    New,
    AlreadyThere,
    /// Another revision already holds the id: kept as a conflict branch.
    Conflict,
}

/// One document of a replicated write: its id, and what was done or why it was refused.
pub type Replicated = (String, Result<Stored, String>);

pub struct HubStore {
    pub(super) db: Database,
}

impl HubStore {
    pub(super) fn db(&self) -> &Database {
        &self.db
    }
}

impl HubStore {
    pub fn open(path: &Path) -> Result<HubStore, HubError> {
        // The hub holds every register's password hash and sales: its owner's alone.
        if let Some(dir) = path.parent() {
            crate::store::files::private_dir(dir)?;
        }
        if !path.exists() {
            crate::store::files::private_options()
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)?;
        }
        crate::store::files::private_file(path)?;
        let db = Database::builder()
            .set_cache_size(8 * 1024 * 1024)
            .create(path)?;
        let tx = db.begin_write()?;
        {
            tx.open_table(DOCS)?;
            tx.open_table(CHANGES)?;
            tx.open_table(CONFLICTS)?;
            tx.open_table(USERS)?;
            super::stock::create_tables(&tx)?;
            super::office::create_tables(&tx)?;
            let mut dbs = tx.open_table(DBS)?;
            for name in DATABASES {
                if dbs.get(name)?.is_none() {
                    dbs.insert(name, 0)?;
                }
            }
        }
        tx.commit()?;
        let store = HubStore { db };
        store.derive()?;
        Ok(store)
    }

    /// A store made before the head office's figures existed derives them, once, from the
    /// documents it holds (and stock, when it has none yet): they then read as if every
    /// document had come after.
    fn derive(&self) -> Result<(), HubError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        if super::office::derive_once(&tx, "office")? {
            let stock_empty = super::stock::is_empty(&tx)?;
            let (mut facts, mut moves) = (Vec::new(), Vec::new());
            {
                let docs = tx.open_table(DOCS)?;
                for r in docs.range(("caja-docs", "")..)? {
                    let (k, v) = r?;
                    let (db, id) = k.value();
                    if db != "caja-docs" {
                        break;
                    }
                    let d = decode_doc(v.value())?;
                    if d.deleted {
                        continue;
                    }
                    let doc = full(id, &d);
                    facts.extend(super::office::facts_of(&doc));
                    if stock_empty {
                        moves.extend(super::stock::moves_of(&doc));
                    }
                }
            }
            super::office::apply(&tx, &facts)?;
            super::stock::apply(&tx, &moves)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A document as `get` reads it, within a read transaction already open.
    pub(super) fn get_in(
        &self,
        tx: &redb::ReadTransaction,
        db: &str,
        id: &str,
    ) -> Result<Value, HubError> {
        let docs = tx.open_table(DOCS)?;
        let d = docs.get((db, id))?.ok_or(HubError::NotFound)?;
        let d = decode_doc(d.value())?;
        if d.deleted {
            return Err(HubError::NotFound);
        }
        Ok(full(id, &d))
    }

    pub fn has_db(&self, name: &str) -> Result<bool, HubError> {
        let tx = self.db.begin_read()?;
        Ok(tx.open_table(DBS)?.get(name)?.is_some())
    }

    /// Every database's name, in order.
    pub fn all_dbs(&self) -> Result<Vec<String>, HubError> {
        let tx = self.db.begin_read()?;
        let mut out = Vec::new();
        for row in tx.open_table(DBS)?.iter()? {
            out.push(row?.0.value().to_string());
        }
        Ok(out)
    }

    pub fn create_db(&self, name: &str) -> Result<(), HubError> {
        let tx = self.db.begin_write()?;
        {
            let mut dbs = tx.open_table(DBS)?;
            if dbs.get(name)?.is_some() {
                return Err(HubError::Exists);
            }
            dbs.insert(name, 0)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// `{"db_name", "doc_count", "update_seq"}`.
    pub fn db_info(&self, name: &str) -> Result<Value, HubError> {
        let tx = self.db.begin_read()?;
        let seq = tx
            .open_table(DBS)?
            .get(name)?
            .map(|v| v.value())
            .ok_or(HubError::NotFound)?;
        let changes = tx.open_table(CHANGES)?;
        let count = changes.range((name, 0)..=(name, u64::MAX))?.count();
        // CouchDB 2 and later say "0": a replicator reads it to know the database was not
        // recreated under it, and calls a database without it missing.
        Ok(
            json!({"db_name": name, "doc_count": count, "update_seq": seq.to_string(),
            "instance_start_time": "0"}),
        )
    }

    /// The password hash the hub writes: Argon2id with 7 MiB, 5 passes, one lane, one of the
    /// settings OWASP's password storage guidance gives as equal in strength to its first
    /// (19 MiB, 2 passes) for a server short of memory, as a shop's hub on a thin client is.
    /// A hash written with other settings still verifies: they are in its PHC string.
    pub fn hasher() -> argon2::Argon2<'static> {
        let params = argon2::Params::new(7 * 1024, 5, 1, None).unwrap_or_default();
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
    }

    /// A user with a hash made elsewhere (a test's older settings).
    #[cfg(test)]
    pub(super) fn add_user_hash(
        &self,
        name: &str,
        hash: &str,
        admin: bool,
    ) -> Result<(), HubError> {
        let rec = postcard::to_allocvec(&HubUserRecord::V1(HubUser {
            password_hash: hash.to_string(),
            admin,
        }))?;
        let tx = self.db.begin_write()?;
        tx.open_table(USERS)?.insert(name, rec.as_slice())?;
        tx.commit()?;
        Ok(())
    }

    pub fn add_user(&self, name: &str, password: &str, admin: bool) -> Result<(), HubError> {
        use argon2::password_hash::{PasswordHasher, SaltString};
        if password.len() < 8 {
            return Err(HubError::ShortPassword);
        }
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| HubError::Db(e.to_string()))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| HubError::Db(e.to_string()))?;
        let hash = HubStore::hasher()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| HubError::Db(e.to_string()))?
            .to_string();
        let rec = postcard::to_allocvec(&HubUserRecord::V1(HubUser {
            password_hash: hash,
            admin,
        }))?;
        let mut tx = self.db.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.open_table(USERS)?.insert(name, rec.as_slice())?;
        tx.commit()?;
        Ok(())
    }

    /// Every user: name and whether an admin.
    pub fn users(&self) -> Result<Vec<(String, bool)>, HubError> {
        let tx = self.db.begin_read()?;
        let users = tx.open_table(USERS)?;
        let mut out = Vec::new();
        for row in users.iter()? {
            let (k, v) = row?;
            let (HubUserRecord::V1(u), _) = postcard::take_from_bytes::<HubUserRecord>(v.value())?;
            out.push((k.value().to_string(), u.admin));
        }
        Ok(out)
    }

    /// Removes a user; false when there was none.
    pub fn remove_user(&self, name: &str) -> Result<bool, HubError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        let removed = tx.open_table(USERS)?.remove(name)?.is_some();
        tx.commit()?;
        Ok(removed)
    }

    pub fn user(&self, name: &str) -> Result<Option<HubUser>, HubError> {
        let tx = self.db.begin_read()?;
        let users = tx.open_table(USERS)?;
        let Some(v) = users.get(name)? else {
            return Ok(None);
        };
        let (HubUserRecord::V1(u), _) = postcard::take_from_bytes::<HubUserRecord>(v.value())?;
        Ok(Some(u))
    }

    pub fn get(&self, db: &str, id: &str) -> Result<Value, HubError> {
        self.get_in(&self.db.begin_read()?, db, id)
    }

    /// The given revisions of a document (the winner's or a conflict branch's), each as the
    /// full document or the revision the hub does not hold; `None` asks for every leaf (the
    /// winner and its conflicts, CouchDB's `open_revs=all`).
    pub fn open_revs(
        &self,
        db: &str,
        id: &str,
        revs: Option<&[String]>,
    ) -> Result<Vec<Result<Value, String>>, HubError> {
        let tx = self.db.begin_read()?;
        let docs = tx.open_table(DOCS)?;
        let conflicts = tx.open_table(CONFLICTS)?;
        let winner = docs
            .get((db, id))?
            .map(|v| decode_doc(v.value()))
            .transpose()?;
        let branch = |rev: &str, body: &str| -> Value {
            full(
                id,
                &StoredDoc {
                    rev: rev.to_string(),
                    seq: 0,
                    deleted: false,
                    body: body.to_string(),
                },
            )
        };
        let mut out = Vec::new();
        match revs {
            None => {
                if let Some(w) = &winner {
                    out.push(Ok(full(id, w)));
                    for r in conflicts.range((db, id, "")..)? {
                        let (k, v) = r?;
                        let (kdb, kid, rev) = k.value();
                        if kdb != db || kid != id {
                            break;
                        }
                        out.push(Ok(branch(rev, v.value())));
                    }
                }
            }
            Some(revs) => {
                for rev in revs {
                    if let Some(w) = winner.as_ref().filter(|w| w.rev == *rev) {
                        out.push(Ok(full(id, w)));
                    } else if let Some(v) = conflicts.get((db, id, rev.as_str()))? {
                        out.push(Ok(branch(rev, v.value())));
                    } else {
                        out.push(Err(rev.clone()));
                    }
                }
            }
        }
        Ok(out)
    }

    /// The conflict revisions of each id (for `_changes?style=all_docs`).
    fn conflict_revs(
        conflicts: &impl redb::ReadableTable<(&'static str, &'static str, &'static str), &'static str>,
        db: &str,
        id: &str,
    ) -> Result<Vec<String>, HubError> {
        let mut out = Vec::new();
        for r in conflicts.range((db, id, "")..)? {
            let (k, _) = r?;
            let (kdb, kid, rev) = k.value();
            if kdb != db || kid != id {
                break;
            }
            out.push(rev.to_string());
        }
        Ok(out)
    }

    /// A local document (`_local/ID`), with its `_id` and `_rev`.
    pub fn get_local(&self, db: &str, id: &str) -> Result<Value, HubError> {
        let tx = self.db.begin_read()?;
        let t = match tx.open_table(LOCAL) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Err(HubError::NotFound),
            Err(e) => return Err(e.into()),
        };
        let v = t.get((db, id))?.ok_or(HubError::NotFound)?;
        serde_json::from_slice(v.value()).map_err(|e| HubError::Db(e.to_string()))
    }

    /// Writes a local document: over the stored one only at its `_rev` (CouchDB's 409
    /// otherwise), the revision counting up as "0-N". Its size and the database's count of
    /// them are capped.
    pub fn put_local(&self, db: &str, id: &str, mut doc: Value) -> Result<String, HubError> {
        let size = serde_json::to_vec(&doc).map_err(|e| HubError::Bad(e.to_string()))?;
        if size.len() > LOCAL_MAX_BYTES {
            return Err(HubError::Bad(format!(
                "a local document is at most {} KiB",
                LOCAL_MAX_BYTES / 1024
            )));
        }
        let tx = self.db.begin_write()?;
        let rev = {
            let mut t = tx.open_table(LOCAL)?;
            let held: Option<Value> = t
                .get((db, id))?
                .and_then(|v| serde_json::from_slice(v.value()).ok());
            let n = match &held {
                Some(h) => {
                    let cur = h.get("_rev").and_then(Value::as_str).unwrap_or("0-0");
                    if doc.get("_rev").and_then(Value::as_str) != Some(cur) {
                        return Err(HubError::Conflict);
                    }
                    cur.strip_prefix("0-")
                        .and_then(|n| n.parse::<u64>().ok())
                        .unwrap_or(0)
                        .saturating_add(1)
                }
                None => {
                    let count = t
                        .range((db, "")..)?
                        .take_while(|r| r.as_ref().is_ok_and(|(k, _)| k.value().0 == db));
                    if count.count() as u64 >= LOCAL_MAX_DOCS {
                        return Err(HubError::Bad("too many local documents".into()));
                    }
                    1
                }
            };
            let rev = format!("0-{n}");
            let Some(m) = doc.as_object_mut() else {
                return Err(HubError::Bad("a document must be a JSON object".into()));
            };
            m.insert("_id".into(), Value::String(format!("_local/{id}")));
            m.insert("_rev".into(), Value::String(rev.clone()));
            let bytes = serde_json::to_vec(&doc).map_err(|e| HubError::Bad(e.to_string()))?;
            t.insert((db, id), bytes.as_slice())?;
            rev
        };
        tx.commit()?;
        Ok(rev)
    }

    /// The winning revision of each of `ids` (None when the id is unknown).
    pub fn revs(&self, db: &str, ids: &[String]) -> Result<Vec<Option<String>>, HubError> {
        let tx = self.db.begin_read()?;
        let docs = tx.open_table(DOCS)?;
        ids.iter()
            .map(|id| {
                Ok(docs
                    .get((db, id.as_str()))?
                    .map(|v| decode_doc(v.value()))
                    .transpose()?
                    .map(|d| d.rev))
            })
            .collect()
    }

    /// An interactive write (`new_edits` true): the given `_rev` must be the current one.
    pub fn put(&self, db: &str, doc: Value) -> Result<(String, String), HubError> {
        let (moves, facts) = if db == "caja-docs" {
            (super::stock::moves_of(&doc), super::office::facts_of(&doc))
        } else {
            (None, None)
        };
        let (id, rev, deleted, body) = split(doc)?;
        let mut tx = self.db.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        let new_rev = {
            let mut docs = tx.open_table(DOCS)?;
            let current = docs
                .get((db, id.as_str()))?
                .map(|v| decode_doc(v.value()))
                .transpose()?;
            let generation_now = match (&current, &rev) {
                (None, None) => 0,
                (Some(c), Some(r)) if &c.rev == r => generation(r),
                (Some(c), None) if c.deleted => generation(&c.rev),
                _ => return Err(HubError::Conflict),
            };
            let new_rev = new_rev(&id, generation_now, &body, deleted);
            let seq = self.bump(&tx, db)?;
            let mut changes = tx.open_table(CHANGES)?;
            if let Some(c) = &current {
                changes.remove((db, c.seq))?;
            }
            changes.insert((db, seq), id.as_str())?;
            let rec = encode_doc(StoredDoc {
                rev: new_rev.clone(),
                seq,
                deleted,
                body,
            })?;
            docs.insert((db, id.as_str()), rec.as_slice())?;
            if current.is_none() {
                super::stock::apply(&tx, moves.as_slice())?;
                super::office::apply(&tx, facts.as_slice())?;
            }
            new_rev
        };
        tx.commit()?;
        Ok((id, new_rev))
    }

    fn bump(&self, tx: &redb::WriteTransaction, db: &str) -> Result<u64, HubError> {
        let mut dbs = tx.open_table(DBS)?;
        let seq = dbs.get(db)?.map(|v| v.value()).ok_or(HubError::NotFound)? + 1;
        dbs.insert(db, seq)?;
        Ok(seq)
    }

    /// A replicated write (`new_edits` false) of many documents in one durable transaction: a
    /// revision already held is skipped, an id held at another revision keeps its winner and
    /// gains a conflict branch. `allowed` vets each id (the writer's prefix).
    pub fn replicate(
        &self,
        db: &str,
        docs_in: Vec<Value>,
        allowed: impl Fn(&str) -> Result<(), String>,
        valid: impl Fn(&Value, &dyn Fn(&str) -> Option<Value>) -> Result<(), String>,
        write_once: impl Fn(&str) -> bool,
    ) -> Result<Vec<Replicated>, HubError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        let mut out = Vec::with_capacity(docs_in.len());
        let mut stock_moves = Vec::new();
        let mut office = Vec::new();
        {
            let mut docs = tx.open_table(DOCS)?;
            let mut changes = tx.open_table(CHANGES)?;
            let mut conflicts = tx.open_table(CONFLICTS)?;
            let mut dbs = tx.open_table(DBS)?;
            let mut seq = dbs.get(db)?.map(|v| v.value()).ok_or(HubError::NotFound)?;
            for doc in docs_in {
                // Checked against what the hub holds, this write's earlier documents included.
                let checked = {
                    let lookup = |id: &str| -> Option<Value> {
                        let v = docs.get((db, id)).ok()??;
                        let d = decode_doc(v.value()).ok()?;
                        (!d.deleted).then(|| full(id, &d))
                    };
                    valid(&doc, &lookup)
                };
                if let Err(why) = checked {
                    let id = doc.get("_id").and_then(Value::as_str).unwrap_or("");
                    out.push((id.to_string(), Err(why)));
                    continue;
                }
                let ancestors = ancestors(&doc);
                let (moves, facts) = if db == "caja-docs" {
                    (super::stock::moves_of(&doc), super::office::facts_of(&doc))
                } else {
                    (None, None)
                };
                let (id, rev, deleted, body) = match split(doc) {
                    Ok(x) => x,
                    Err(e) => {
                        out.push((String::new(), Err(e.to_string())));
                        continue;
                    }
                };
                let Some(rev) = rev else {
                    out.push((id, Err("a replicated document needs its _rev".into())));
                    continue;
                };
                if let Err(why) = allowed(&id) {
                    out.push((id, Err(why)));
                    continue;
                }
                let current = docs
                    .get((db, id.as_str()))?
                    .map(|v| decode_doc(v.value()))
                    .transpose()?;
                let result = match &current {
                    Some(c) if c.rev == rev => Stored::AlreadyThere,
                    Some(_) if conflicts.get((db, id.as_str(), rev.as_str()))?.is_some() => {
                        Stored::AlreadyThere
                    }
                    Some(c) if write_once(&id) => {
                        out.push((
                            id.clone(),
                            Err(format!(
                                "{id} is sealed and the hub holds it at revision {}: it is \
                                 never replaced",
                                c.rev
                            )),
                        ));
                        continue;
                    }
                    Some(c) if !ancestors.contains(&c.rev) => {
                        conflicts.insert((db, id.as_str(), rev.as_str()), body.as_str())?;
                        Stored::Conflict
                    }
                    // New, or a descendant of the revision held (its `_revisions` say so: an
                    // edit made on the other side, which replaces it, as CouchDB's rev tree
                    // would): the winner.
                    _ => {
                        seq += 1;
                        if let Some(c) = &current {
                            changes.remove((db, c.seq))?;
                        }
                        changes.insert((db, seq), id.as_str())?;
                        let rec = encode_doc(StoredDoc {
                            rev,
                            seq,
                            deleted,
                            body,
                        })?;
                        docs.insert((db, id.as_str()), rec.as_slice())?;
                        // Stock moves with a document stored for the first time, once, in
                        // this transaction.
                        if current.is_none() {
                            stock_moves.extend(moves);
                            office.extend(facts);
                        }
                        Stored::New
                    }
                };
                out.push((id, Ok(result)));
            }
            dbs.insert(db, seq)?;
        }
        super::stock::apply(&tx, &stock_moves)?;
        super::office::apply(&tx, &office)?;
        tx.commit()?;
        Ok(out)
    }

    /// Which of the given revisions the hub lacks, per id.
    pub fn revs_diff(
        &self,
        db: &str,
        asked: &serde_json::Map<String, Value>,
    ) -> Result<Value, HubError> {
        let tx = self.db.begin_read()?;
        let docs = tx.open_table(DOCS)?;
        let conflicts = tx.open_table(CONFLICTS)?;
        let mut out = serde_json::Map::new();
        for (id, revs) in asked {
            let winner = docs
                .get((db, id.as_str()))?
                .map(|v| decode_doc(v.value()))
                .transpose()?;
            let mut missing = Vec::new();
            for r in revs
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let known = winner.as_ref().is_some_and(|w| w.rev == r)
                    || conflicts.get((db, id.as_str(), r))?.is_some();
                if !known {
                    missing.push(json!(r));
                }
            }
            if !missing.is_empty() {
                out.insert(id.clone(), json!({"missing": missing}));
            }
        }
        Ok(Value::Object(out))
    }

    /// One page of the changes feed after `since`.
    pub fn changes(
        &self,
        db: &str,
        since: u64,
        limit: usize,
        include_docs: bool,
        all_leaves: bool,
    ) -> Result<Value, HubError> {
        let text = self.changes_text(db, since, limit, include_docs, all_leaves)?;
        serde_json::from_str(&text).map_err(|e| HubError::Db(e.to_string()))
    }

    /// A page of `changes` written as its JSON text directly, `{"results":[…],"last_seq":"N"}`:
    /// no value is built for a row or a document (a register's catalog pull reads 100,000
    /// documents this way). The same rows and fields as `changes`.
    pub fn changes_text(
        &self,
        db: &str,
        since: u64,
        limit: usize,
        include_docs: bool,
        all_leaves: bool,
    ) -> Result<String, HubError> {
        let tx = self.db.begin_read()?;
        let changes = tx.open_table(CHANGES)?;
        let docs = tx.open_table(DOCS)?;
        let conflicts = tx.open_table(CONFLICTS)?;
        let mut out = String::with_capacity(if include_docs { 512 } else { 96 } * limit.min(1000));
        out.push_str("{\"results\":[");
        let mut last = since;
        let mut first = true;
        for row in changes
            .range((db, since.saturating_add(1))..=(db, u64::MAX))?
            .take(limit)
        {
            let (k, id) = row?;
            let (_, seq) = k.value();
            last = seq;
            let id = id.value();
            let Some(d) = docs.get((db, id))? else {
                continue;
            };
            let d = decode_doc(d.value())?;
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str("{\"seq\":\"");
            out.push_str(&seq.to_string());
            out.push_str("\",\"id\":");
            out.push_str(&Value::from(id).to_string());
            out.push_str(",\"changes\":[{\"rev\":");
            out.push_str(&Value::from(d.rev.as_str()).to_string());
            out.push('}');
            if all_leaves {
                for rev in Self::conflict_revs(&conflicts, db, id)? {
                    out.push_str(",{\"rev\":");
                    out.push_str(&Value::from(rev).to_string());
                    out.push('}');
                }
            }
            out.push(']');
            if d.deleted {
                out.push_str(",\"deleted\":true");
            }
            if include_docs {
                out.push_str(",\"doc\":");
                full_text(id, &d, &mut out);
            }
            out.push('}');
        }
        out.push_str("],\"last_seq\":\"");
        out.push_str(&last.to_string());
        out.push_str("\"}");
        Ok(out)
    }

    /// Writes many documents over whatever revisions `db` holds, in one durable transaction
    /// (an admin's catalog import). A document equal to the stored one is left alone.
    pub fn upsert_many(&self, db: &str, docs_in: Vec<Value>) -> Result<usize, HubError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        let mut written = 0;
        {
            let mut docs = tx.open_table(DOCS)?;
            let mut changes = tx.open_table(CHANGES)?;
            let mut dbs = tx.open_table(DBS)?;
            let mut seq = dbs.get(db)?.map(|v| v.value()).ok_or(HubError::NotFound)?;
            for doc in docs_in {
                let (id, _, deleted, body) = split(doc)?;
                let current = docs
                    .get((db, id.as_str()))?
                    .map(|v| decode_doc(v.value()))
                    .transpose()?;
                if current
                    .as_ref()
                    .is_some_and(|c| c.body == body && c.deleted == deleted)
                {
                    continue;
                }
                let generation_now = current.as_ref().map_or(0, |c| generation(&c.rev));
                let new_rev = new_rev(&id, generation_now, &body, deleted);
                seq += 1;
                if let Some(c) = &current {
                    changes.remove((db, c.seq))?;
                }
                changes.insert((db, seq), id.as_str())?;
                let rec = encode_doc(StoredDoc {
                    rev: new_rev,
                    seq,
                    deleted,
                    body,
                })?;
                docs.insert((db, id.as_str()), rec.as_slice())?;
                written += 1;
            }
            dbs.insert(db, seq)?;
        }
        tx.commit()?;
        Ok(written)
    }

    /// The live ids of `db` that start with `prefix`.
    pub fn ids(&self, db: &str, prefix: &str) -> Result<Vec<String>, HubError> {
        let mut out = Vec::new();
        self.visit(db, prefix, |id, _| out.push(id.to_string()))?;
        Ok(out)
    }

    /// `_all_docs`: by keys, or a page of ids between `start` and `end` (either way with
    /// `descending`), after skipping `skip` rows.
    pub fn all_docs(&self, db: &str, q: &AllDocs) -> Result<Value, HubError> {
        let text = self.all_docs_text(db, q)?;
        serde_json::from_str(&text).map_err(|e| HubError::Db(e.to_string()))
    }

    /// `all_docs`, written as its JSON text directly (`{"offset":0,"rows":[…]}`): no value is
    /// built for a row or a document (a register's total pull reads 100,000 products so).
    pub fn all_docs_text(&self, db: &str, q: &AllDocs) -> Result<String, HubError> {
        let tx = self.db.begin_read()?;
        let docs = tx.open_table(DOCS)?;
        let conflicts = tx.open_table(CONFLICTS)?;
        let mut out =
            String::with_capacity(if q.include_docs { 512 } else { 96 } * q.limit.min(1000));
        out.push_str("{\"offset\":0,\"rows\":[");
        // Rows after the first follow a comma.
        let next = |out: &mut String| {
            if !out.ends_with('[') {
                out.push(',');
            }
        };
        let row = |out: &mut String, id: &str, d: &StoredDoc| -> Result<(), HubError> {
            next(out);
            let id_json = Value::from(id).to_string();
            out.push_str("{\"id\":");
            out.push_str(&id_json);
            out.push_str(",\"key\":");
            out.push_str(&id_json);
            out.push_str(",\"value\":{\"rev\":");
            out.push_str(&Value::from(d.rev.as_str()).to_string());
            if d.deleted {
                out.push_str(",\"deleted\":true},\"doc\":null}");
                return Ok(());
            }
            out.push('}');
            if q.include_docs {
                out.push_str(",\"doc\":");
                full_text(id, d, out);
                if q.conflicts {
                    let revs = Self::conflict_revs(&conflicts, db, id)?;
                    if !revs.is_empty() {
                        out.pop();
                        out.push_str(",\"_conflicts\":");
                        out.push_str(&Value::from(revs).to_string());
                        out.push('}');
                    }
                }
            }
            out.push('}');
            Ok(())
        };
        match &q.keys {
            Some(keys) => {
                for k in keys.iter().skip(q.skip).take(q.limit) {
                    match docs.get((db, k.as_str()))? {
                        Some(v) => row(&mut out, k, &decode_doc(v.value())?)?,
                        None => {
                            next(&mut out);
                            out.push_str("{\"key\":");
                            out.push_str(&Value::from(k.as_str()).to_string());
                            out.push_str(",\"error\":\"not_found\"}");
                        }
                    }
                }
            }
            None => {
                // The range in id order; descending reads it from the top.
                let (low, high) = if q.descending {
                    (q.end.clone(), q.start.clone())
                } else {
                    (q.start.clone(), q.end.clone())
                };
                let low = low.unwrap_or_default();
                // Every id of this database sorts before (`db\0`, ""), and no other's does.
                let past = format!("{db}\0");
                let range = docs.range((db, low.as_str())..(past.as_str(), ""))?;
                let within = |id: &str| -> bool {
                    match &high {
                        None => true,
                        // The end bound is left out when inclusive_end=false; the start
                        // bound of a descending read is always in.
                        Some(h) if !q.descending && !q.inclusive_end => id < h.as_str(),
                        Some(h) => id <= h.as_str(),
                    }
                };
                let low_ok = |id: &str| -> bool {
                    // A descending read's end (the low bound) honours inclusive_end.
                    !(q.descending && !q.inclusive_end && q.end.as_deref() == Some(id))
                };
                let (mut skipped, mut taken) = (0, 0);
                let mut visit = |out: &mut String,
                                 k: redb::AccessGuard<'_, (&str, &str)>,
                                 v: redb::AccessGuard<'_, &[u8]>|
                 -> Result<bool, HubError> {
                    let (kdb, id) = k.value();
                    if kdb != db || taken >= q.limit {
                        return Ok(false);
                    }
                    if !within(id) {
                        return Ok(!q.descending);
                    }
                    if !low_ok(id) {
                        return Ok(true);
                    }
                    let d = decode_doc(v.value())?;
                    if d.deleted {
                        return Ok(true);
                    }
                    if skipped < q.skip {
                        skipped += 1;
                        return Ok(true);
                    }
                    taken += 1;
                    row(out, id, &d)?;
                    Ok(true)
                };
                if q.descending {
                    for r in range.rev() {
                        let (k, v) = r?;
                        if !visit(&mut out, k, v)? {
                            break;
                        }
                    }
                } else {
                    for r in range {
                        let (k, v) = r?;
                        if !visit(&mut out, k, v)? {
                            break;
                        }
                    }
                }
            }
        }
        out.push_str("]}");
        Ok(out)
    }

    /// Conflict branches per id prefix ("sale:FV1-" -> 2), for the status page.
    pub fn conflicts(&self, db: &str) -> Result<Vec<(String, String)>, HubError> {
        let tx = self.db.begin_read()?;
        let c = tx.open_table(CONFLICTS)?;
        let mut out = Vec::new();
        for r in c.range((db, "", "")..)? {
            let (k, _) = r?;
            let (kdb, id, rev) = k.value();
            if kdb != db {
                break;
            }
            out.push((id.to_string(), rev.to_string()));
        }
        Ok(out)
    }

    /// Visits every live document of `db` whose id starts with `prefix`.
    pub fn visit(
        &self,
        db: &str,
        prefix: &str,
        mut f: impl FnMut(&str, Value),
    ) -> Result<(), HubError> {
        let tx = self.db.begin_read()?;
        let docs = tx.open_table(DOCS)?;
        for r in docs.range((db, prefix)..)? {
            let (k, v) = r?;
            let (kdb, id) = k.value();
            if kdb != db || !id.starts_with(prefix) {
                break;
            }
            let d = decode_doc(v.value())?;
            if !d.deleted {
                f(id, full(id, &d));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page written as text reads as JSON whatever the options, with the rows, revisions,
    /// leaves, deletions and documents the store holds.
    #[test]
    fn the_changes_page_written_as_text_is_the_same_page() {
        let dir = tempfile::tempdir().unwrap();
        let s = HubStore::open(&dir.path().join("hub.redb")).unwrap();
        let db = "caja-docs";
        s.put(
            db,
            json!({"_id": "a", "name": "Ñandú \"uno\"", "n": 1, "x": {"y": [1, 2]}}),
        )
        .unwrap();
        s.put(db, json!({"_id": "vacío"})).unwrap();
        let (_, rev) = s.put(db, json!({"_id": "b", "v": 1})).unwrap();
        s.put(db, json!({"_id": "b", "_rev": rev, "_deleted": true}))
            .unwrap();
        // A conflict branch on "a".
        s.replicate(
            db,
            vec![json!({"_id": "a", "_rev": "1-ffff", "name": "otra"})],
            |_| Ok(()),
            |_, _| Ok(()),
            |_| false,
        )
        .unwrap();
        // _all_docs, written as text: rows, a deleted and a missing key, conflicts.
        let q = AllDocs {
            keys: Some(vec!["a".into(), "b".into(), "zz".into()]),
            include_docs: true,
            conflicts: true,
            limit: 10,
            inclusive_end: true,
            ..Default::default()
        };
        let v = s.all_docs(db, &q).unwrap();
        assert_eq!(v["offset"], 0);
        assert_eq!(v["rows"][0]["doc"]["name"], "Ñandú \"uno\"");
        assert_eq!(v["rows"][0]["doc"]["x"]["y"][1], 2);
        assert_eq!(v["rows"][0]["doc"]["_conflicts"], json!(["1-ffff"]));
        assert_eq!(v["rows"][0]["key"], "a");
        assert_eq!(v["rows"][1]["value"]["deleted"], true);
        assert!(v["rows"][1]["doc"].is_null());
        assert_eq!(v["rows"][2], json!({"key": "zz", "error": "not_found"}));
        let q = AllDocs {
            include_docs: true,
            limit: 10,
            inclusive_end: true,
            ..Default::default()
        };
        let v = s.all_docs(db, &q).unwrap();
        let ids: Vec<&str> = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["a", "vacío"]);
        assert_eq!(
            v["rows"][1]["doc"],
            json!({"_id": "vacío", "_rev": v["rows"][1]["value"]["rev"]})
        );
        // The changes page, field by field: "a" (with its conflict leaf), "vacío", and "b" deleted.
        let v = s.changes(db, 0, 10, true, true).unwrap();
        let rows = v["results"].as_array().unwrap();
        let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["a", "vacío", "b"]);
        assert_eq!(rows[2]["deleted"], true);
        assert_eq!(rows[2]["doc"]["_deleted"], true);
        assert_eq!(rows[0]["changes"].as_array().unwrap().len(), 2);
        assert_eq!(rows[0]["doc"]["name"], "Ñandú \"uno\"");
        assert_eq!(rows[0]["doc"]["x"]["y"][1], 2);
        assert_eq!(rows[0]["doc"]["_id"], "a");
        assert_eq!(rows[0]["doc"]["_rev"], rows[0]["changes"][0]["rev"]);
        assert_eq!(rows[1]["doc"]["_id"], "vacío");
        assert_eq!(v["last_seq"], rows[2]["seq"]);
        let plain = s.changes(db, 0, 10, false, false).unwrap();
        assert!(plain["results"][0]["doc"].is_null());
        assert_eq!(plain["results"][0]["changes"].as_array().unwrap().len(), 1);
        for since in [0, 1, 3] {
            for limit in [1, 2, 10] {
                for include_docs in [false, true] {
                    for all_leaves in [false, true] {
                        let want = s
                            .changes(db, since, limit, include_docs, all_leaves)
                            .unwrap();
                        let text = s
                            .changes_text(db, since, limit, include_docs, all_leaves)
                            .unwrap();
                        let got: Value = serde_json::from_str(&text).unwrap();
                        assert_eq!(got, want, "since {since} limit {limit} docs {include_docs}");
                    }
                }
            }
        }
    }
}
