//! `caja hub`: the built-in server for one shop. It speaks the subset of CouchDB's HTTP API that
//! registers use (docs/PROTOCOL.md), over its own redb file, with basic auth per register and a
//! prefix rule: a register writes only its own documents.

pub mod chain;
pub mod http;
pub mod office;
pub mod page;
pub mod session;
pub mod stock;
pub mod store;
pub mod validate;

use self::http::{HttpRequest, Reply};
use self::store::{DATABASES, HubError, HubStore, Stored};
use crate::lock::LockAnyway;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tiny_http::{Header, Method, Response};

/// The largest request body accepted (a batch of documents).
pub const MAX_BODY: usize = 16 * 1024 * 1024;
/// The most rows one `_changes` or `_all_docs` page returns.
pub const MAX_PAGE: usize = 10_000;

/// Who is asking.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Who {
    Admin(String),
    Register(String),
}

pub struct Hub {
    store: Arc<HubStore>,
    /// Verified (user, SHA-256 of password) pairs: argon2 runs once per user and password, not
    /// once per request.
    verified: Mutex<HashMap<String, [u8; 32]>>,
    /// An argon2 hash that no password matches: an unknown user costs what a known one does,
    /// so that the time of a refusal does not tell which user names exist.
    decoy: String,
    /// Failed logins by client address and by address and user, in the last minute.
    failures: Mutex<HashMap<String, Vec<std::time::Instant>>>,
    /// The one argon2 working memory (19 MiB with the default parameters), reused by every
    /// verification in turn: with a thread per connection, memory allocated per verification
    /// would settle in many malloc arenas and stay.
    argon_memory: Mutex<Vec<argon2::Block>>,
    /// Signs the `_session` cookies (see `session`).
    session: self::session::SessionKey,
    /// Bumped after every write, for the `_changes` feeds that wait (longpoll, continuous).
    changed: (Mutex<u64>, std::sync::Condvar),
    /// Set when the hub stops: no feed waits any more.
    stopping: std::sync::atomic::AtomicBool,
    /// The longest a `_changes` feed waits for a write (60 s; none under the fuzzer).
    max_wait: std::time::Duration,
    /// What the head office's pages need of the folder's `caja.toml`.
    office: Office,
    /// The last run of the document checks (see `run_checks`), and when.
    checks: Mutex<Option<Arc<Checked>>>,
}

/// The document checks' last result, and when they ran.
type Checked = (chrono::DateTime<chrono::Local>, self::chain::CheckReport);

/// The head office's settings: the hub folder's `language` and `[hub]` in its `caja.toml`
/// (`caja hub` reads them; see `Hub::with_office`).
#[derive(Clone, Debug)]
pub struct Office {
    pub language: crate::i18n::Language,
    /// A register whose last catalog pull is older than this is out of date.
    pub stale_after_hours: u32,
    /// The currency the dashboard writes money in; None: the registers' own.
    pub currency: Option<crate::domain::money::Currency>,
}

impl Default for Office {
    fn default() -> Office {
        Office {
            language: crate::i18n::Language::Es,
            stale_after_hours: 26,
            currency: None,
        }
    }
}

/// What `route` reads of a request's headers.
struct Asked<'a> {
    html: bool,
    multipart: bool,
    content_type: Option<&'a str>,
    if_none_match: Option<&'a str>,
}

/// Checks `password` against an argon2 PHC string in `memory` (at most 64 MiB of it).
fn verify_in(memory: &mut Vec<argon2::Block>, phc: &str, password: &[u8]) -> bool {
    use argon2::password_hash::PasswordHash;
    let Ok(h) = PasswordHash::new(phc) else {
        return false;
    };
    let (Ok(alg), Ok(params), Some(salt), Some(expected)) = (
        argon2::Algorithm::try_from(h.algorithm),
        argon2::Params::try_from(&h),
        h.salt,
        h.hash,
    ) else {
        return false;
    };
    let version = h
        .version
        .and_then(|v| argon2::Version::try_from(v).ok())
        .unwrap_or_default();
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let n = params.block_count();
    if n > 64 * 1024 {
        return false;
    }
    if memory.len() < n {
        memory.resize(n, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let ok = argon2::Argon2::new(alg, version, params)
        .hash_password_into_with_memory(password, salt, &mut out, &mut memory[..n])
        .is_ok();
    // Compared in full whatever the first difference.
    ok && out
        .iter()
        .zip(expected.as_bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// Failed logins allowed in [`FAILURE_WINDOW`] for one user from one address, and for one
/// address whatever the user; past them the client is told 429 until the window passes.
const FAILURES_PER_USER: usize = 5;
const FAILURES_PER_ADDRESS: usize = 20;
const FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

/// What the credentials of a request came to.
enum Auth {
    None,
    Ok(Who),
    Failed,
    /// Too many failures from this client: not even checked.
    Throttled,
}

/// A running hub; dropping it does not stop it, `stop` does.
pub struct HubHandle {
    pub addr: SocketAddr,
    /// The hub it serves: what its admin commands work on while it serves.
    pub hub: Arc<Hub>,
    server: self::http::Running,
}

impl HubHandle {
    pub fn stop(self) {
        // Feeds that wait for a write answer now, so that their connections close.
        self.hub
            .stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.hub.bump();
        self.server.stop();
    }
}

fn b64_decode(s: &str) -> Option<Vec<u8>> {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.trim().bytes().filter(|c| *c != b'=') {
        let v = T.iter().position(|t| *t == c)? as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// `r` with one more header (left as it is when the value cannot be a header's).
fn with(r: Reply, name: &str, value: &str) -> Reply {
    match header(name, value) {
        Some(h) => r.with_header(h),
        None => r,
    }
}

/// The answer to a client throttled for its failed logins.
fn throttled() -> Reply {
    with(
        error(
            429,
            "too_many_requests",
            "too many failed logins: wait a minute",
        ),
        "Retry-After",
        "60",
    )
}

fn reply(status: u16, body: &Value) -> Reply {
    let mut r = Response::from_data(body.to_string().into_bytes())
        .with_status_code(status)
        .boxed();
    if let Some(h) = header("Content-Type", "application/json") {
        r.add_header(h);
    }
    r
}

fn error(status: u16, e: &str, reason: &str) -> Reply {
    reply(status, &json!({"error": e, "reason": reason}))
}

fn hub_error(e: HubError) -> Reply {
    match e {
        HubError::NotFound => error(404, "not_found", "missing"),
        HubError::Conflict => error(409, "conflict", "Document update conflict."),
        HubError::Exists => error(
            412,
            "file_exists",
            "The database could not be created, the file already exists.",
        ),
        HubError::Bad(r) => error(400, "bad_request", &r),
        HubError::ShortPassword => {
            error(400, "bad_request", "a password needs at least 8 characters")
        }
        HubError::InUse => error(503, "service_unavailable", "the hub's store is in use"),
        HubError::Db(r) => {
            tracing::error!(error = %r, "hub store");
            error(500, "internal_server_error", &r)
        }
    }
}

/// CouchDB's `multipart/mixed` answer to `open_revs` (what its replicator asks for): one
/// JSON part per revision.
fn multipart_mixed(parts: &[Value]) -> Reply {
    let mut b = [0u8; 16];
    let _ = getrandom::fill(&mut b);
    let boundary = crate::domain::document::hex(&b);
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n{p}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--").as_bytes());
    let r = Response::from_data(body).with_status_code(200).boxed();
    with(
        r,
        "Content-Type",
        &format!("multipart/mixed; boundary=\"{boundary}\""),
    )
}

/// Refuses, with a 400 that names it, a query parameter the hub does not implement: a client
/// that sends one would otherwise get an answer to a question it did not ask. Each list is
/// what CouchDB's replicator and PouchDB send to that endpoint.
fn known_params(
    method: &Method,
    sub: Option<&str>,
    q: &HashMap<String, String>,
) -> Result<(), Reply> {
    const CHANGES: &[&str] = &[
        "since",
        "limit",
        "include_docs",
        "style",
        "feed",
        "timeout",
        "heartbeat",
        "filter",
        "seq_interval",
        "conflicts",
        "attachments",
        "att_encoding_info",
        "doc_ids",
        "descending",
    ];
    const ALL_DOCS: &[&str] = &[
        "startkey",
        "start_key",
        "endkey",
        "end_key",
        "key",
        "keys",
        "limit",
        "skip",
        "include_docs",
        "conflicts",
        "descending",
        "inclusive_end",
        "update_seq",
    ];
    const DOC: &[&str] = &[
        "rev",
        "revs",
        "open_revs",
        "latest",
        "conflicts",
        "attachments",
        "att_encoding_info",
    ];
    let allowed: &[&str] = match (method, sub) {
        (Method::Get | Method::Post, Some("_changes")) => CHANGES,
        (Method::Get | Method::Post, Some("_all_docs")) => ALL_DOCS,
        (Method::Post, Some("_bulk_get")) => &["revs", "latest", "attachments"],
        (Method::Get, Some(s)) if !s.starts_with('_') => DOC,
        _ => &[],
    };
    only_params(q, allowed)
}

/// A 400 naming the first query parameter not in `allowed`.
fn only_params(q: &HashMap<String, String>, allowed: &[&str]) -> Result<(), Reply> {
    match q.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(error(
            400,
            "bad_request",
            &format!("this hub does not implement the query parameter {k}"),
        )),
        None => Ok(()),
    }
}

/// The stock page's columns.
const STOCK_COLUMNS: [&str; 5] = ["sku", "name", "on_hand", "sold_today", "last_move"];

/// A head-office table written as it is read: CSV with a header line, or JSON
/// `{"rows": [{column: text, …}, …], …}`; each cell a string. Into memory (`Rows::new`) or
/// into any writer, such as a streamed answer's (`Rows::to`).
struct Rows<W: std::io::Write = Vec<u8>> {
    columns: &'static [&'static str],
    sink: Sink<W>,
    rows: usize,
}

enum Sink<W: std::io::Write> {
    Csv(Box<csv::Writer<W>>),
    Json(W),
}

fn table_error(e: impl std::fmt::Display) -> HubError {
    HubError::Db(format!("a table could not be written: {e}"))
}

impl Rows<Vec<u8>> {
    fn new(json: bool, columns: &'static [&'static str]) -> Rows<Vec<u8>> {
        // Into memory: it cannot fail.
        Rows::to(Vec::new(), json, columns).unwrap_or_else(|_| Rows {
            columns,
            sink: Sink::Json(Vec::new()),
            rows: 0,
        })
    }
}

impl<W: std::io::Write> Rows<W> {
    fn to(mut out: W, json: bool, columns: &'static [&'static str]) -> Result<Rows<W>, HubError> {
        let sink = if json {
            out.write_all(b"{\"rows\":[").map_err(table_error)?;
            Sink::Json(out)
        } else {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(columns).map_err(table_error)?;
            Sink::Csv(Box::new(w))
        };
        Ok(Rows {
            columns,
            sink,
            rows: 0,
        })
    }

    fn row(&mut self, cells: &[&str]) -> Result<(), HubError> {
        match &mut self.sink {
            Sink::Csv(w) => w.write_record(cells).map_err(table_error)?,
            Sink::Json(out) => {
                if self.rows > 0 {
                    out.write_all(b",").map_err(table_error)?;
                }
                let row: serde_json::Map<String, Value> = self
                    .columns
                    .iter()
                    .zip(cells)
                    .map(|(k, v)| ((*k).to_string(), Value::String((*v).to_string())))
                    .collect();
                serde_json::to_writer(&mut *out, &row).map_err(table_error)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// The writer, the table ended; `extra` are the JSON object's other fields.
    fn into_body(self, extra: &[(&str, Value)]) -> Result<W, HubError> {
        match self.sink {
            Sink::Csv(w) => (*w).into_inner().map_err(|e| table_error(e.error())),
            Sink::Json(mut out) => {
                out.write_all(b"]").map_err(table_error)?;
                for (k, v) in extra {
                    out.write_all(format!(",{}:{v}", Value::from(*k)).as_bytes())
                        .map_err(table_error)?;
                }
                out.write_all(b"}").map_err(table_error)?;
                Ok(out)
            }
        }
    }
}

impl Rows<Vec<u8>> {
    /// The answer; `extra` are the JSON object's other fields.
    fn finish(self, extra: &[(&str, Value)]) -> Reply {
        let content_type = if matches!(self.sink, Sink::Csv(_)) {
            "text/csv; charset=utf-8"
        } else {
            "application/json"
        };
        match self.into_body(extra) {
            Ok(body) => with(
                Response::from_data(body).with_status_code(200).boxed(),
                "Content-Type",
                content_type,
            ),
            Err(_) => error(500, "internal", "the table could not be written"),
        }
    }
}

/// Query parameters, percent-decoded.
fn query(url: &str) -> HashMap<String, String> {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    q.split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    crate::sync::percent_decode(s, true)
}

/// Which ids a register may write: its own documents and its own register document.
const CATALOG: &str = "caja-catalog";

fn may_write(who: &Who, db: &str, id: &str) -> Result<(), String> {
    let code = match who {
        Who::Admin(_) => return Ok(()),
        Who::Register(c) => c,
    };
    let own = match db {
        // Customers belong to the shop, not to one register: any register may send an edit
        // (kept as a revision; nothing is overwritten).
        "caja-docs" if id.starts_with("customer:") => true,
        "caja-docs" => id.split_once(':').is_some_and(|(_, number)| {
            number
                .strip_prefix(code.as_str())
                .is_some_and(|r| r.starts_with('-'))
        }),
        "caja-registers" => id == format!("register:{code}"),
        _ => false,
    };
    if own {
        Ok(())
    } else {
        Err(format!("register {code} may not write {id} in {db}"))
    }
}

/// Nothing reaches `caja-catalog` that a register would refuse on its pull: a product or a
/// customer written by an admin is checked by the very rules the register applies (a name with
/// a control character, a negative or oversized price, a bad tax rate). The hub does not know
/// the shop's currency: a price must read in one with two decimals, as every price the CSV
/// import writes does.
fn catalog_doc_ok(doc: &Value) -> Result<(), String> {
    let id = doc["_id"].as_str().unwrap_or("");
    if doc.get("_deleted").and_then(Value::as_bool) == Some(true) {
        return Ok(());
    }
    let usd = crate::domain::money::Currency::by_code("USD")
        .ok_or_else(|| "no currency to check prices with".to_string())?;
    if id.starts_with("product:") {
        crate::sync::client::product_from(doc, &usd)
            .map(|_| ())
            .map_err(|e| e.to_string())
    } else if id.starts_with("customer:") {
        crate::sync::client::customer_from(doc)
            .map(|_| ())
            .map_err(|e| e.to_string())
    } else {
        Ok(())
    }
}

impl Hub {
    /// The built-in hub keeps the customer master in `caja-catalog` for the registers to pull:
    /// a customer first created at a register is published there (with 0 points), and each
    /// points movement a register pushes is added to its customer's balance. Only documents
    /// stored for the first time count, so a re-push adds nothing. An edit of a customer the
    /// master already has stays in `caja-docs` for the back office: the master wins.
    fn fold_loyalty(&self, fresh: &[&Value]) {
        for d in fresh {
            let id = d["_id"].as_str().unwrap_or("");
            let result = if id.starts_with("customer:") {
                match self.store.get(CATALOG, id) {
                    Ok(_) => Ok(()),
                    Err(HubError::NotFound) => {
                        let mut doc = json!({"_id": id, "type": "customer", "points": "0"});
                        for k in crate::csvio::CUSTOMER_COLUMNS {
                            doc[k] = d[k].clone();
                        }
                        self.store.put(CATALOG, doc).map(|_| ())
                    }
                    Err(e) => Err(e),
                }
            } else {
                let customer = format!("customer:{}", d["customer"].as_str().unwrap_or(""));
                let net: i64 = d["points"]
                    .as_str()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                // Registers push at once: a lost race on the revision reads and adds again.
                let mut r = Err(HubError::Conflict);
                for _ in 0..8 {
                    r = self.store.get(CATALOG, &customer).and_then(|mut doc| {
                        let was: i64 = doc["points"]
                            .as_str()
                            .and_then(|p| p.parse().ok())
                            .unwrap_or(0);
                        doc["points"] = json!(was.saturating_add(net).to_string());
                        self.store.put(CATALOG, doc).map(|_| ())
                    });
                    if !matches!(r, Err(HubError::Conflict)) {
                        break;
                    }
                }
                r
            };
            if let Err(e) = result {
                tracing::warn!(%id, error = %e, "customer master not updated");
            }
        }
    }

    /// Checks a document written to `caja-docs` (see `sync::validate`); other databases are
    /// guarded by the writer's prefix alone.
    fn valid(
        &self,
        db: &str,
        doc: &Value,
        lookup: &dyn Fn(&str) -> Option<Value>,
    ) -> Result<(), String> {
        if db == "caja-docs" {
            self::validate::check(doc, lookup)
        } else if !doc.is_object() {
            Err("a document must be a JSON object".into())
        } else if db == CATALOG {
            catalog_doc_ok(doc)
        } else {
            Ok(())
        }
    }

    /// A sealed document the hub already holds: write-once.
    fn sealed_and_held(&self, db: &str, id: &str) -> bool {
        db == "caja-docs" && self::validate::is_sealed(id) && self.store.get(db, id).is_ok()
    }

    pub fn open(dir: &Path) -> Result<Hub, HubError> {
        std::fs::create_dir_all(dir).map_err(|e| HubError::Db(e.to_string()))?;
        use argon2::password_hash::{PasswordHasher, SaltString};
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| HubError::Db(e.to_string()))?;
        let salt =
            SaltString::encode_b64(&secret[..16]).map_err(|e| HubError::Db(e.to_string()))?;
        let decoy = HubStore::hasher()
            .hash_password(&secret[16..], &salt)
            .map_err(|e| HubError::Db(e.to_string()))?
            .to_string();
        Ok(Hub {
            store: Arc::new(HubStore::open(&dir.join("hub.redb"))?),
            verified: Mutex::new(HashMap::new()),
            decoy,
            failures: Mutex::new(HashMap::new()),
            argon_memory: Mutex::new(Vec::new()),
            session: self::session::SessionKey::new()
                .map_err(|e| HubError::Db(format!("no randomness from the system: {e}")))?,
            changed: (Mutex::new(0), std::sync::Condvar::new()),
            stopping: std::sync::atomic::AtomicBool::new(false),
            max_wait: std::time::Duration::from_secs(60),
            office: Office::default(),
            checks: Mutex::new(None),
        })
    }

    /// Runs the document checks (what `caja chain check` does against CouchDB) over what the
    /// hub holds, and keeps the result for the dashboard. They read every document: the
    /// serving hub runs them on a thread of their own (see `serve_with`), never in a request.
    pub fn run_checks(&self) -> Result<(), HubError> {
        let mut checker = self::chain::Checker::default();
        let mut rivals: HashMap<String, Vec<String>> = HashMap::new();
        for (id, rev) in self.store.conflicts("caja-docs")? {
            rivals.entry(id).or_default().push(rev);
        }
        self.store.visit("caja-docs", "", |id, mut doc| {
            if let Some(r) = rivals.get(id) {
                doc["_conflicts"] = json!(r);
            }
            checker.add(id, &doc);
        })?;
        let report = checker.finish(&|id| self.store.get("caja-docs", id).ok());
        let mut held = self.checks.lock_anyway();
        *held = Some(Arc::new((chrono::Local::now(), report)));
        Ok(())
    }

    /// When the document checks last ran (None: not yet).
    pub fn checked_at(&self) -> Option<chrono::DateTime<chrono::Local>> {
        let held = self.checks.lock_anyway();
        held.as_ref().map(|c| c.0)
    }

    /// Runs the checks when the hub starts, then again after writes, at most once every
    /// `every` and only once writes have paused for a second, until the hub stops.
    fn check_in_background(self: &Arc<Hub>, every: std::time::Duration) {
        use std::time::{Duration, Instant};
        let hub = Arc::downgrade(self);
        let spawned = std::thread::Builder::new()
            .name("hub-checks".into())
            .spawn(move || {
                let (mut seen, mut last_run): (Option<u64>, Option<Instant>) = (None, None);
                loop {
                    let Some(h) = hub.upgrade() else { return };
                    if h.stopping.load(std::sync::atomic::Ordering::SeqCst) {
                        return;
                    }
                    let now = h.change_count();
                    if seen == Some(now) {
                        // Nothing new: wait for a write (or the hub's stop).
                        h.wait_change(now, Instant::now() + Duration::from_secs(60));
                        continue;
                    }
                    // Keep to the pace, then wait for writes to pause.
                    if let Some(next) = last_run.map(|t| t + every)
                        && Instant::now() < next
                    {
                        h.wait_change(now, next);
                        continue;
                    }
                    h.wait_change(now, Instant::now() + Duration::from_secs(1));
                    if h.change_count() != now {
                        continue;
                    }
                    if let Err(e) = h.run_checks() {
                        tracing::warn!(error = %e, "hub: the document checks did not run");
                    }
                    seen = Some(now);
                    last_run = Some(Instant::now());
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "hub: no thread for the document checks");
        }
    }

    /// Loads products into `caja-catalog` (upserted; with `replace`, products missing from the
    /// list are deleted, so registers see the deletions in a partial pull).
    pub fn import_catalog(
        &self,
        products: &[crate::domain::catalog::Product],
        currency: &crate::domain::money::Currency,
        replace: bool,
    ) -> Result<(usize, usize), HubError> {
        let mut keep = std::collections::HashSet::with_capacity(products.len());
        for chunk in products.chunks(5000) {
            let docs: Vec<Value> = chunk
                .iter()
                .map(|p| {
                    keep.insert(format!("product:{}", p.sku));
                    crate::sync::json::product_json(p, currency)
                })
                .collect();
            self.store.upsert_many("caja-catalog", docs)?;
        }
        self.bump();
        let mut deleted = 0;
        if replace {
            let gone: Vec<Value> = self
                .store
                .ids("caja-catalog", "product:")?
                .into_iter()
                .filter(|id| !keep.contains(id))
                .map(|id| json!({"_id": id, "_deleted": true}))
                .collect();
            deleted = gone.len();
            self.store.upsert_many("caja-catalog", gone)?;
        }
        Ok((products.len(), deleted))
    }

    /// `_changes`: a page (`feed=normal`), or one that waits for a write when there is
    /// nothing yet (`longpoll`; `continuous` the same, written as lines), filtered by
    /// `_doc_ids` or a `_selector` of fields equal to values.
    fn changes_feed(
        &self,
        db: &str,
        q: &HashMap<String, String>,
        posted: &Value,
    ) -> Result<Reply, Reply> {
        let bad = |why: &str| error(400, "bad_request", why);
        let seen = self.change_count();
        let since = q.get("since").map(|s| s.trim_matches('"')).unwrap_or("0");
        let current = || -> Result<u64, Response<_>> {
            Ok(self
                .store
                .db_info(db)
                .map_err(hub_error)?
                .get("update_seq")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0))
        };
        // "now": the database's sequence at this moment, so that what comes next is seen.
        let since: u64 = if since == "now" {
            current()?
        } else {
            since
                .parse()
                .map_err(|_| bad("since must be a sequence this hub issued"))?
        };
        let limit = q
            .get("limit")
            .map(|l| {
                l.parse::<usize>()
                    .map_err(|_| bad("limit must be a number"))
            })
            .transpose()?
            .unwrap_or(MAX_PAGE)
            .clamp(1, MAX_PAGE);
        let ms = |k: &str| -> Result<Option<u64>, Response<_>> {
            q.get(k)
                .map(|v| {
                    v.parse::<u64>()
                        .map_err(|_| bad(&format!("{k} must be milliseconds")))
                })
                .transpose()
        };
        let (timeout, heartbeat) = (ms("timeout")?, ms("heartbeat")?);
        let flag = |k: &str| q.get(k).is_some_and(|v| v == "true");
        if flag("descending") {
            return Err(bad("this hub's changes feed reads forwards only"));
        }
        let include_docs = flag("include_docs");
        let conflicts = flag("conflicts");
        let all_leaves = match q.get("style").map(String::as_str) {
            None | Some("main_only") => false,
            Some("all_docs") => true,
            Some(_) => return Err(bad("style is main_only or all_docs")),
        };
        let continuous = match q.get("feed").map(String::as_str) {
            None | Some("normal") => None,
            Some("longpoll") => Some(false),
            Some("continuous") => Some(true),
            Some(_) => return Err(bad("feed is normal, longpoll or continuous")),
        };
        // Which documents: by id, or by fields equal to values.
        let doc_ids: Option<Vec<String>> = match q.get("filter").map(String::as_str) {
            None => None,
            Some("_doc_ids") => {
                let ids = match q.get("doc_ids") {
                    Some(s) => serde_json::from_str::<Value>(s)
                        .map_err(|_| bad("doc_ids must be a JSON list"))?,
                    None => posted["doc_ids"].clone(),
                };
                Some(
                    ids.as_array()
                        .ok_or_else(|| bad("doc_ids must be a JSON list"))?
                        .iter()
                        .map(|v| v.as_str().map(String::from))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| bad("doc_ids are strings"))?,
                )
            }
            Some("_selector") => None,
            Some(_) => {
                return Err(bad(
                    "this hub filters changes by _doc_ids and _selector only",
                ));
            }
        };
        let selector = if q.get("filter").map(String::as_str) == Some("_selector") {
            let sel = posted["selector"]
                .as_object()
                .ok_or_else(|| bad("a _selector filter needs a selector object"))?;
            if sel
                .iter()
                .any(|(k, v)| k.starts_with('$') || v.is_object() || v.is_array())
            {
                return Err(bad(
                    "this hub's selectors match fields to plain values only",
                ));
            }
            Some(sel.clone())
        } else {
            None
        };
        // The plain page (what a register's catalog pull and most replicators read): its text
        // written straight from the store, no value built per row or document.
        if continuous.is_none() && doc_ids.is_none() && selector.is_none() && !conflicts {
            let body = self
                .store
                .changes_text(db, since, limit, include_docs, all_leaves)
                .map_err(hub_error)?;
            let r = Response::from_data(body.into_bytes())
                .with_status_code(200)
                .boxed();
            return Ok(with(r, "Content-Type", "application/json"));
        }
        let needs_doc = include_docs || selector.is_some();
        let page = |since: u64| -> Result<Value, Response<_>> {
            let mut v = self
                .store
                .changes(db, since, limit, needs_doc, all_leaves)
                .map_err(hub_error)?;
            if let Some(results) = v["results"].as_array_mut() {
                results.retain(|r| {
                    let id = r["id"].as_str().unwrap_or_default();
                    doc_ids
                        .as_ref()
                        .is_none_or(|ids| ids.iter().any(|i| i == id))
                        && selector
                            .as_ref()
                            .is_none_or(|sel| sel.iter().all(|(k, want)| &r["doc"][k] == want))
                });
                for r in results.iter_mut() {
                    if !include_docs {
                        if let Some(m) = r.as_object_mut() {
                            m.remove("doc");
                        }
                    } else if conflicts && r["doc"].is_object() {
                        let id = r["id"].as_str().unwrap_or_default().to_string();
                        let revs: Vec<String> = self
                            .store
                            .open_revs(db, &id, None)
                            .map_err(hub_error)?
                            .into_iter()
                            .skip(1)
                            .filter_map(|x| x.ok()?["_rev"].as_str().map(String::from))
                            .collect();
                        if !revs.is_empty() {
                            r["doc"]["_conflicts"] = json!(revs);
                        }
                    }
                }
            }
            Ok(v)
        };
        let mut v = page(since)?;
        if let Some(lines) = continuous {
            // Nothing new: wait for a write, up to the timeout (60 s at most) or the
            // heartbeat (the client then asks again), whichever comes first.
            let nothing = v["last_seq"].as_str() == Some(since.to_string().as_str());
            if nothing {
                let wait = timeout
                    .unwrap_or(60_000)
                    .min(heartbeat.unwrap_or(u64::MAX))
                    .min(u64::try_from(self.max_wait.as_millis()).unwrap_or(60_000));
                let until = std::time::Instant::now() + std::time::Duration::from_millis(wait);
                self.wait_change(seen, until);
                v = page(since)?;
            }
            if lines {
                let mut out = String::new();
                for r in v["results"].as_array().into_iter().flatten() {
                    out.push_str(&r.to_string());
                    out.push('\n');
                }
                out.push_str(&json!({"last_seq": v["last_seq"], "pending": 0}).to_string());
                out.push('\n');
                let r = Response::from_data(out.into_bytes())
                    .with_status_code(200)
                    .boxed();
                return Ok(with(r, "Content-Type", "application/json"));
            }
        }
        Ok(reply(200, &v))
    }

    /// The head office's language and settings.
    pub fn with_office(mut self, office: Office) -> Hub {
        self.office = office;
        self
    }

    /// The longest a `_changes` feed may wait for a write (what a fuzzer sets to nothing).
    pub fn with_max_wait(mut self, d: std::time::Duration) -> Hub {
        self.max_wait = d;
        self
    }

    /// Wakes the `_changes` feeds that wait: something was written.
    fn bump(&self) {
        let (count, cv) = &self.changed;
        if let Ok(mut n) = count.lock() {
            *n = n.wrapping_add(1);
        }
        cv.notify_all();
    }

    /// Waits until a write after `seen` (a value of the counter) or `until`.
    fn wait_change(&self, seen: u64, until: std::time::Instant) {
        let (count, cv) = &self.changed;
        let Ok(mut n) = count.lock() else { return };
        while *n == seen && !self.stopping.load(std::sync::atomic::Ordering::SeqCst) {
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return;
            }
            match cv.wait_timeout(n, left) {
                Ok((g, _)) => n = g,
                Err(_) => return,
            }
        }
    }

    fn change_count(&self) -> u64 {
        self.changed.0.lock().map(|n| *n).unwrap_or(0)
    }

    pub fn store(&self) -> &HubStore {
        &self.store
    }

    /// Serves on `listen` until stopped: a thread per connection, every read under a deadline
    /// (see `sync::http`).
    pub fn serve(self, listen: &str) -> Result<HubHandle, String> {
        self.serve_with(listen, self::http::Limits::default())
    }

    /// Serves with the given limits (tests shorten the deadlines).
    pub fn serve_with(self, listen: &str, limits: self::http::Limits) -> Result<HubHandle, String> {
        let listener =
            self::http::bind(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let hub = Arc::new(self);
        hub.check_in_background(std::time::Duration::from_secs(30));
        let serving = hub.clone();
        let server = self::http::serve(listener, limits, Arc::new(move |req| serving.handle(req)))
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        Ok(HubHandle {
            addr: server.addr,
            hub,
            server,
        })
    }

    /// Failures of `keys` within the window, dropping older ones.
    fn recent_failures(&self, keys: &[&str]) -> Vec<usize> {
        let now = std::time::Instant::now();
        let mut m = self.failures.lock_anyway();
        keys.iter()
            .map(|k| {
                m.get_mut(*k).map_or(0, |v| {
                    v.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
                    v.len()
                })
            })
            .collect()
    }

    fn failed(&self, keys: &[&str]) {
        let now = std::time::Instant::now();
        let mut m = self.failures.lock_anyway();
        if m.len() > 50_000 {
            m.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < FAILURE_WINDOW));
        }
        for k in keys {
            let v = m.entry((*k).to_string()).or_default();
            if v.len() < 1_000 {
                v.push(now);
            }
        }
    }

    /// Who sent a request: basic auth, else a `_session` cookie.
    fn who(&self, req: &HttpRequest) -> Auth {
        let Some(auth) = req.header("Authorization") else {
            let Some(cookie) = req.header("Cookie").and_then(self::session::cookie_of) else {
                return Auth::None;
            };
            let now = chrono::Utc::now().timestamp();
            return match self.session.verify(cookie, now) {
                Some(name) => match self.store.user(&name).ok().flatten() {
                    Some(u) if u.admin => Auth::Ok(Who::Admin(name)),
                    Some(_) => Auth::Ok(Who::Register(name)),
                    None => Auth::Failed,
                },
                None => Auth::Failed,
            };
        };
        let Some((user, password)) = auth
            .strip_prefix("Basic ")
            .and_then(b64_decode)
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|t| {
                t.split_once(':')
                    .map(|(u, p)| (u.to_string(), p.to_string()))
            })
        else {
            return Auth::Failed;
        };
        self.login(&user, &password, req.peer)
    }

    /// Checks a name and password (basic auth, or a `_session` login): the same work for an
    /// unknown name, a throttle per address and per name.
    fn login(&self, user: &str, password: &str, peer: std::net::IpAddr) -> Auth {
        let user = user.to_string();
        let u = self.store.user(&user).ok().flatten();
        use sha2::Digest;
        let digest: [u8; 32] =
            sha2::Sha256::digest(format!("{user}\0{password}").as_bytes()).into();
        // A password already verified is let through: a guesser never has it, and a register
        // behind the same address as a guesser keeps syncing.
        let cached = u.is_some()
            && self
                .verified
                .lock()
                .map(|m| m.get(&user) == Some(&digest))
                .unwrap_or(false);
        let by_address = peer.to_string();
        let by_user = format!("{by_address}|{user}");
        let keys = [by_address.as_str(), by_user.as_str()];
        if !cached {
            let recent = self.recent_failures(&keys);
            if recent[0] >= FAILURES_PER_ADDRESS || recent[1] >= FAILURES_PER_USER {
                return Auth::Throttled;
            }
        }
        if !cached {
            // An unknown user is checked against the decoy: the same work, then a refusal.
            let hash = u.as_ref().map_or(self.decoy.as_str(), |u| &u.password_hash);
            let ok = {
                let mut memory = self.argon_memory.lock_anyway();
                verify_in(&mut memory, hash, password.as_bytes())
            };
            if !ok || u.is_none() {
                self.failed(&keys);
                tracing::warn!(%user, client = %peer, "hub: login refused");
                self.log(
                    &user,
                    self::office::LogEvent::LoginRefused {
                        address: peer.to_string(),
                    },
                );
                return Auth::Failed;
            }
            if let Ok(mut m) = self.verified.lock() {
                m.insert(user.clone(), digest);
            }
            // A hash written with older settings is written again with the hub's own, so
            // that every name costs the same to check as the decoy (and as little memory).
            if let Some(u) = &u
                && !u.password_hash.contains("$m=7168,t=5,p=1$")
                && let Err(e) = self.store.add_user(&user, password, u.admin)
            {
                tracing::warn!(%user, error = %e, "hub: an old password hash was not renewed");
            }
        }
        match u {
            Some(u) if u.admin => Auth::Ok(Who::Admin(user)),
            Some(_) => Auth::Ok(Who::Register(user)),
            None => Auth::Failed,
        }
    }

    /// Answers one request, read whole (what the server calls for each; the fuzz target too).
    pub fn handle(&self, req: &HttpRequest) -> Reply {
        let wants_html = req
            .header("Accept")
            .is_some_and(|a| a.contains("text/html"));
        let who = match self.who(req) {
            Auth::Ok(w) => Some(w),
            Auth::None | Auth::Failed => None,
            Auth::Throttled => {
                tracing::warn!(client = %req.peer, "hub: too many failed logins; refused for a minute");
                return throttled();
            }
        };
        if req.url.split('?').next() == Some("/_session") {
            return self.session(req, who);
        }
        let asked = Asked {
            html: wants_html,
            multipart: req
                .header("Accept")
                .is_some_and(|a| a.contains("multipart/mixed")),
            content_type: req.header("Content-Type"),
            if_none_match: req.header("If-None-Match"),
        };
        let r = self.route(&req.method, &req.url, who, &asked, &req.body);
        if !matches!(req.method, Method::Get | Method::Head) {
            self.bump();
        }
        r
    }

    /// CouchDB's `_session`: `POST` logs in (a form or JSON with `name` and `password`) and
    /// sets the cookie, `GET` says who the request's credentials are, `DELETE` logs out.
    fn session(&self, req: &HttpRequest, who: Option<Who>) -> Reply {
        let roles = |w: &Who| match w {
            Who::Admin(n) => (n.clone(), json!(["_admin"])),
            Who::Register(n) => (n.clone(), json!(["register"])),
        };
        let with_cookie =
            |r: Reply, cookie: &str| with(r, "Set-Cookie", &self::session::set_cookie(cookie));
        match req.method {
            Method::Post => {
                let json_body = req
                    .header("Content-Type")
                    .is_some_and(|c| c.contains("json"));
                let logged = match self::session::credentials(&req.body, json_body) {
                    Some((name, password)) => match self.login(&name, &password, req.peer) {
                        Auth::Ok(w) => Some(w),
                        Auth::Throttled => {
                            return throttled();
                        }
                        Auth::None | Auth::Failed => None,
                    },
                    // No name in the body: the request's own credentials, if any.
                    None => who,
                };
                // The login form says where to go next (a path of this hub only), as
                // CouchDB's `next` does.
                let next = self::session::field(&req.body, "next")
                    .or_else(|| query(&req.url).remove("next"))
                    .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'));
                match logged {
                    Some(w) => {
                        let (name, roles) = roles(&w);
                        let cookie = self.session.issue(&name, chrono::Utc::now().timestamp());
                        let r = match &next {
                            Some(n) => with(
                                Response::from_data(Vec::new())
                                    .with_status_code(303)
                                    .boxed(),
                                "Location",
                                n,
                            ),
                            None => reply(200, &json!({"ok": true, "name": name, "roles": roles})),
                        };
                        with_cookie(r, &cookie)
                    }
                    None => match &next {
                        Some(n) if !json_body => {
                            self.html(401, self::page::login(self.words(), true, n))
                        }
                        _ => error(401, "unauthorized", "Name or password is incorrect."),
                    },
                }
            }
            Method::Get | Method::Head => {
                let (name, roles, how) = match &who {
                    Some(w) => {
                        let (n, r) = roles(w);
                        let how = if req.header("Authorization").is_some() {
                            "default"
                        } else {
                            "cookie"
                        };
                        (json!(n), r, json!(how))
                    }
                    None => (Value::Null, json!([]), Value::Null),
                };
                let mut info = json!({"authentication_handlers": ["cookie", "default"]});
                if !how.is_null() {
                    info["authenticated"] = how;
                }
                reply(
                    200,
                    &json!({"ok": true, "userCtx": {"name": name, "roles": roles}, "info": info}),
                )
            }
            Method::Delete => with_cookie(reply(200, &json!({"ok": true})), ""),
            _ => error(405, "method_not_allowed", "GET, POST or DELETE"),
        }
    }

    fn route(
        &self,
        method: &Method,
        url: &str,
        who: Option<Who>,
        asked: &Asked,
        body: &[u8],
    ) -> Reply {
        let (html, multipart) = (asked.html, asked.multipart);
        // HEAD is GET without the body (the server leaves the body out).
        let method = if *method == Method::Head {
            &Method::Get
        } else {
            method
        };
        let path = url.split('?').next().unwrap_or("");
        let parts: Vec<String> = path
            .trim_start_matches('/')
            .splitn(2, '/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect();
        if parts.is_empty() {
            if html {
                return match &who {
                    Some(Who::Admin(_)) => self.dashboard(&query(url)),
                    // A person without an admin's login: the form (a register's login is not
                    // one).
                    _ => self.html(401, self::page::login(self.words(), who.is_some(), "/")),
                };
            }
            return reply(
                200,
                &json!({"couchdb": "Welcome", "version": "3.3.3", "vendor": {"name": "caja hub", "version": env!("CARGO_PKG_VERSION")}}),
            );
        }
        // Whether the server is up: open to anyone, as CouchDB's.
        if parts[0] == "_up" && *method == Method::Get {
            return reply(200, &json!({"status": "ok"}));
        }
        let Some(who) = who else {
            return error(401, "unauthorized", "Name or password is incorrect.");
        };
        match (method, parts[0].as_str(), parts.len()) {
            (Method::Get, "_all_dbs", 1) => {
                return match who {
                    Who::Admin(_) => self
                        .store
                        .all_dbs()
                        .map(|v| reply(200, &json!(v)))
                        .unwrap_or_else(hub_error),
                    Who::Register(_) => error(403, "forbidden", "only an admin lists databases"),
                };
            }
            (Method::Get, "_uuids", 1) => {
                let count = match query(url).get("count") {
                    None => Ok(1),
                    Some(c) => c.parse::<usize>(),
                };
                let Some(count) = count.ok().filter(|c| (1..=1000).contains(c)) else {
                    return error(400, "bad_request", "count is 1 to 1000");
                };
                let mut uuids = Vec::with_capacity(count);
                for _ in 0..count {
                    let mut b = [0u8; 16];
                    if getrandom::fill(&mut b).is_err() {
                        return error(500, "internal", "no randomness");
                    }
                    uuids.push(crate::domain::document::hex(&b));
                }
                return reply(200, &json!({"uuids": uuids}));
            }
            _ => {}
        }
        if parts[0] == "_caja" {
            if parts.get(1).map(String::as_str) == Some("logout") {
                let r = with(
                    Response::from_data(Vec::new())
                        .with_status_code(303)
                        .boxed(),
                    "Location",
                    "/",
                );
                return with(r, "Set-Cookie", &self::session::set_cookie(""));
            }
            return match (&who, method) {
                (Who::Admin(_), Method::Get) => self.head_office(
                    parts.get(1).map(String::as_str).unwrap_or(""),
                    &query(url),
                    html,
                ),
                (Who::Admin(_), _) => error(405, "method_not_allowed", "GET only"),
                (Who::Register(_), _) => {
                    error(403, "forbidden", "the head office's pages are for an admin")
                }
            };
        }
        let db = parts[0].as_str();
        if !DATABASES.contains(&db) && !matches!(self.store.has_db(db), Ok(true)) {
            if *method == Method::Put && parts.len() == 1 {
                return match who {
                    Who::Admin(_) => match self.store.create_db(db) {
                        Ok(()) => reply(201, &json!({"ok": true})),
                        Err(e) => hub_error(e),
                    },
                    Who::Register(_) => error(403, "forbidden", "only an admin creates databases"),
                };
            }
            return error(404, "not_found", "Database does not exist.");
        }
        let json_body = || -> Result<Value, Reply> {
            serde_json::from_slice(body)
                .map_err(|e| error(400, "bad_request", &format!("invalid JSON: {e}")))
        };
        let q = query(url);
        let sub = parts.get(1).map(String::as_str);
        if let Err(r) = known_params(method, sub, &q) {
            return r;
        }
        // A body is JSON, as CouchDB requires of everything but attachments.
        if matches!(method, Method::Post | Method::Put)
            && !body.is_empty()
            && asked
                .content_type
                .is_some_and(|c| !c.to_ascii_lowercase().contains("json"))
        {
            return error(
                415,
                "bad_content_type",
                "Content-Type must be application/json",
            );
        }
        let r: Result<Response<_>, Response<_>> = (|| match (method, sub) {
            (Method::Get, None) => self
                .store
                .db_info(db)
                .map(|v| reply(200, &v))
                .map_err(hub_error),
            (Method::Put, None) => Err(error(412, "file_exists", "The database already exists.")),
            (Method::Post, Some("_bulk_docs")) => {
                let mut v = json_body()?;
                let new_edits = v.get("new_edits").and_then(Value::as_bool).unwrap_or(true);
                // Taken out of the body, not copied: a batch is 500 documents.
                let docs = match v.get_mut("docs").map(Value::take) {
                    Some(Value::Array(docs)) => docs,
                    _ => return Err(error(400, "bad_request", "docs is missing")),
                };
                if new_edits {
                    let (mut received, mut refused) = (0u64, Vec::new());
                    let mut out = Vec::new();
                    for d in docs {
                        let id = d["_id"].as_str().unwrap_or("").to_string();
                        if let Err(why) = may_write(&who, db, &id)
                            .and_then(|()| self.valid(db, &d, &|i| self.store.get(db, i).ok()))
                        {
                            refused.push((id.clone(), why.clone()));
                            out.push(json!({"id": id, "error": "forbidden", "reason": why}));
                            continue;
                        }
                        if self.sealed_and_held(db, &id) {
                            out.push(json!({"id": id, "error": "conflict", "reason": "sealed: never replaced"}));
                            continue;
                        }
                        match self.store.put(db, d) {
                            Ok((id, rev)) => {
                                received += 1;
                                out.push(json!({"ok": true, "id": id, "rev": rev}))
                            }
                            Err(HubError::Conflict) => out.push(json!({"id": id, "error": "conflict", "reason": "Document update conflict."})),
                            Err(e) => out.push(json!({"id": id, "error": "bad_request", "reason": e.to_string()})),
                        }
                    }
                    if db == "caja-docs" {
                        self.log_push(&who, received, 0, refused);
                    }
                    return Ok(reply(201, &Value::Array(out)));
                }
                // Customers and points movements also feed the customer master (see
                // `fold_loyalty`); keep those documents to read once they are stored.
                let loyalty: HashMap<String, Value> = if db == "caja-docs" {
                    docs.iter()
                        .filter_map(|d| {
                            let id = d["_id"].as_str()?;
                            (id.starts_with("customer:") || id.starts_with("points:"))
                                .then(|| (id.to_string(), d.clone()))
                        })
                        .collect()
                } else {
                    HashMap::new()
                };
                let revs: HashMap<String, Value> = docs
                    .iter()
                    .filter_map(|d| Some((d["_id"].as_str()?.to_string(), d["_rev"].clone())))
                    .collect();
                let results = self
                    .store
                    .replicate(
                        db,
                        docs,
                        |id| may_write(&who, db, id),
                        |d, lookup| self.valid(db, d, lookup),
                        |id| db == "caja-docs" && self::validate::is_sealed(id),
                    )
                    .map_err(hub_error)?;
                let fresh: Vec<&Value> = results
                    .iter()
                    .filter(|(_, r)| matches!(r, Ok(Stored::New)))
                    .filter_map(|(id, _)| loyalty.get(id))
                    .collect();
                self.fold_loyalty(&fresh);
                if db == "caja-docs" {
                    let count = |want: &dyn Fn(&Stored) -> bool| {
                        results
                            .iter()
                            .filter(|(_, r)| r.as_ref().is_ok_and(want))
                            .count() as u64
                    };
                    let received = count(&|r| matches!(r, Stored::New | Stored::Conflict));
                    let already = count(&|r| matches!(r, Stored::AlreadyThere));
                    let refused = results
                        .iter()
                        .filter_map(|(id, r)| r.as_ref().err().map(|why| (id.clone(), why.clone())))
                        .collect();
                    self.log_push(&who, received, already, refused);
                }
                // With new_edits=false CouchDB lists only the failures.
                let failures: Vec<Value> = results
                    .into_iter()
                    .filter_map(|(id, r)| match r {
                        Ok(Stored::Conflict) => {
                            tracing::warn!(%id, "conflict branch kept");
                            None
                        }
                        Ok(_) => None,
                        Err(why) => {
                            let rev = revs.get(&id).cloned().unwrap_or(Value::Null);
                            Some(json!({"id": id, "rev": rev, "error": "forbidden", "reason": why}))
                        }
                    })
                    .collect();
                Ok(reply(201, &Value::Array(failures)))
            }
            (Method::Post, Some("_revs_diff")) => {
                let v = json_body()?;
                let m = v
                    .as_object()
                    .ok_or_else(|| error(400, "bad_request", "expected an object"))?;
                self.store
                    .revs_diff(db, m)
                    .map(|v| reply(200, &v))
                    .map_err(hub_error)
            }
            (Method::Get | Method::Post, Some("_changes")) => {
                let posted = if *method == Method::Post && !body.is_empty() {
                    json_body()?
                } else {
                    json!({})
                };
                self.changes_feed(db, &q, &posted)
            }
            (Method::Get | Method::Post, Some("_all_docs")) => {
                let posted = if *method == Method::Post {
                    json_body()?
                } else {
                    json!({})
                };
                let json_param = |k: &str| -> Result<Option<Value>, Response<_>> {
                    q.get(k)
                        .map(|s| {
                            serde_json::from_str::<Value>(s).map_err(|_| {
                                error(400, "bad_request", &format!("{k} must be JSON"))
                            })
                        })
                        .transpose()
                };
                let text = |k: &str, v: Value| -> Result<String, Response<_>> {
                    v.as_str().map(String::from).ok_or_else(|| {
                        error(400, "bad_request", &format!("{k} must be a JSON string"))
                    })
                };
                let flag = |k: &str| q.get(k).is_some_and(|v| v == "true");
                let mut a = self::store::AllDocs {
                    include_docs: flag("include_docs"),
                    conflicts: flag("conflicts"),
                    descending: flag("descending"),
                    inclusive_end: q.get("inclusive_end").is_none_or(|v| v != "false"),
                    skip: q.get("skip").and_then(|l| l.parse().ok()).unwrap_or(0),
                    limit: q
                        .get("limit")
                        .and_then(|l| l.parse().ok())
                        .unwrap_or(MAX_PAGE)
                        .min(MAX_PAGE),
                    ..Default::default()
                };
                for (k, alias) in [("startkey", "start_key"), ("endkey", "end_key")] {
                    let v = match json_param(k)? {
                        Some(v) => Some(v),
                        None => json_param(alias)?,
                    };
                    if let Some(v) = v {
                        let v = text(k, v)?;
                        if k == "startkey" {
                            a.start = Some(v);
                        } else {
                            a.end = Some(v);
                        }
                    }
                }
                let keys = match (json_param("key")?, json_param("keys")?, posted.get("keys")) {
                    (Some(k), _, _) => Some(vec![k]),
                    (_, Some(Value::Array(k)), _) => Some(k),
                    (_, None, Some(Value::Array(k))) => Some(k.clone()),
                    (_, Some(_), _) => {
                        return Err(error(400, "bad_request", "keys must be a JSON list"));
                    }
                    _ => None,
                };
                if let Some(keys) = keys {
                    a.keys = Some(
                        keys.into_iter()
                            .map(|k| text("key", k))
                            .collect::<Result<Vec<_>, _>>()?,
                    );
                }
                // Written as text straight from the store (a register's total pull reads the
                // whole catalog so).
                let mut text = self.store.all_docs_text(db, &a).map_err(hub_error)?;
                if flag("update_seq") {
                    let seq = self.store.db_info(db).map_err(hub_error)?["update_seq"].clone();
                    text.pop();
                    text.push_str(&format!(",\"update_seq\":{seq}}}"));
                }
                let r = Response::from_data(text.into_bytes())
                    .with_status_code(200)
                    .boxed();
                Ok(with(r, "Content-Type", "application/json"))
            }
            // A replicator's checkpoints: any logged-in user, small, never replicated.
            (Method::Get, Some(sub)) if sub.starts_with("_local/") => {
                let id = &sub["_local/".len()..];
                self.store
                    .get_local(db, id)
                    .map(|v| reply(200, &v))
                    .map_err(hub_error)
            }
            (Method::Put, Some(sub)) if sub.starts_with("_local/") && sub.len() > 7 => {
                let id = &sub["_local/".len()..];
                let v = json_body()?;
                if !v.is_object() {
                    return Err(error(
                        400,
                        "bad_request",
                        "a document must be a JSON object",
                    ));
                }
                self.store
                    .put_local(db, id, v)
                    .map(|rev| {
                        reply(
                            201,
                            &json!({"ok": true, "id": format!("_local/{id}"), "rev": rev}),
                        )
                    })
                    .map_err(hub_error)
            }
            // Every write the hub acknowledges is already durable.
            (Method::Post, Some("_ensure_full_commit")) => {
                Ok(reply(201, &json!({"ok": true, "instance_start_time": "0"})))
            }
            // What a replicator fetches: given revisions, or every leaf, with their history.
            (Method::Get, Some(id)) if !id.starts_with('_') && q.contains_key("open_revs") => {
                let revs = match q.get("open_revs").map(String::as_str) {
                    Some("all") => None,
                    Some(list) => {
                        Some(serde_json::from_str::<Vec<String>>(list).map_err(|_| {
                            error(
                                400,
                                "bad_request",
                                "open_revs is \"all\" or a JSON list of revisions",
                            )
                        })?)
                    }
                    None => None,
                };
                let with_history = q.get("revs").is_some_and(|v| v == "true");
                let found = self
                    .store
                    .open_revs(db, id, revs.as_deref())
                    .map_err(hub_error)?;
                let parts: Vec<Value> = found
                    .into_iter()
                    .map(|r| match r {
                        Ok(doc) => json!({ "ok": with_revisions(doc, with_history) }),
                        Err(rev) => json!({ "missing": rev }),
                    })
                    .collect();
                if multipart {
                    // Each part is the document itself (or `{"missing": REV}`), unwrapped.
                    let parts: Vec<Value> = parts
                        .into_iter()
                        .map(|mut p| match p.get_mut("ok") {
                            Some(doc) => doc.take(),
                            None => p,
                        })
                        .collect();
                    return Ok(multipart_mixed(&parts));
                }
                Ok(reply(200, &Value::Array(parts)))
            }
            // Many revisions at once, in the order asked (what CouchDB's replicator and PouchDB
            // use first).
            (Method::Post, Some("_bulk_get")) => {
                let v = json_body()?;
                let asked = v["docs"]
                    .as_array()
                    .ok_or_else(|| error(400, "bad_request", "docs is missing"))?;
                if asked.len() > MAX_PAGE {
                    return Err(error(400, "bad_request", "at most 10000 documents at once"));
                }
                let with_history =
                    q.get("revs").is_some_and(|v| v == "true") || v["revs"].as_bool() == Some(true);
                let mut results = Vec::with_capacity(asked.len());
                for a in asked {
                    let Some(id) = a["id"].as_str() else {
                        results.push(json!({"id": a["id"], "docs": [{"error": {"id": a["id"], "rev": a["rev"], "error": "bad_request", "reason": "id is missing"}}]}));
                        continue;
                    };
                    let rev = a["rev"].as_str().map(|r| vec![r.to_string()]);
                    let found = self
                        .store
                        .open_revs(db, id, rev.as_deref())
                        .map_err(hub_error)?;
                    let docs: Vec<Value> = if found.is_empty() {
                        vec![
                            json!({"error": {"id": id, "rev": a["rev"].as_str().unwrap_or("undefined"), "error": "not_found", "reason": "missing"}}),
                        ]
                    } else {
                        found
                            .into_iter()
                            .map(|r| match r {
                                Ok(doc) => json!({ "ok": with_revisions(doc, with_history) }),
                                Err(rev) => json!({"error": {"id": id, "rev": rev, "error": "not_found", "reason": "missing"}}),
                            })
                            .collect()
                    };
                    results.push(json!({"id": id, "docs": docs}));
                }
                Ok(reply(200, &json!({ "results": results })))
            }
            (Method::Get, Some(id)) if !id.starts_with('_') => {
                let mut v = self.store.get(db, id).map_err(hub_error)?;
                if q.get("revs").is_some_and(|r| r == "true") {
                    let rev = v["_rev"].as_str().unwrap_or_default().to_string();
                    v["_revisions"] = self::store::revisions(&rev);
                }
                if q.get("conflicts").is_some_and(|r| r == "true") {
                    let revs: Vec<String> = self
                        .store
                        .open_revs(db, id, None)
                        .map_err(hub_error)?
                        .into_iter()
                        .skip(1)
                        .filter_map(|r| r.ok()?["_rev"].as_str().map(String::from))
                        .collect();
                    if !revs.is_empty() {
                        v["_conflicts"] = json!(revs);
                    }
                }
                // A revision this hub does not hold is missing, as on CouchDB; never the
                // current one in its place.
                if let Some(rev) = q.get("rev")
                    && v.get("_rev").and_then(Value::as_str) != Some(rev.trim_matches('"'))
                {
                    return Err(error(404, "not_found", "missing"));
                }
                // The revision is the document's ETag: a client that holds it gets a 304.
                let etag = format!("\"{}\"", v["_rev"].as_str().unwrap_or_default());
                let r = if asked.if_none_match == Some(etag.as_str()) {
                    Response::from_data(Vec::new())
                        .with_status_code(304)
                        .boxed()
                } else {
                    reply(200, &v)
                };
                Ok(with(r, "ETag", &etag))
            }
            (Method::Put, Some(id)) if !id.starts_with('_') => {
                may_write(&who, db, id).map_err(|why| error(403, "forbidden", &why))?;
                let mut v = json_body()?;
                let Some(m) = v.as_object_mut() else {
                    return Err(error(
                        400,
                        "bad_request",
                        "a document must be a JSON object",
                    ));
                };
                m.insert("_id".into(), json!(id));
                self.valid(db, &v, &|i| self.store.get(db, i).ok())
                    .map_err(|why| error(403, "forbidden", &why))?;
                if self.sealed_and_held(db, id) {
                    return Err(error(
                        409,
                        "conflict",
                        "sealed: a stored document is never replaced",
                    ));
                }
                let before = (db == "caja-registers")
                    .then(|| self.store.get(db, id).ok())
                    .flatten();
                let after = (db == "caja-registers").then(|| v.clone());
                let stored = self
                    .store
                    .put(db, v)
                    .map(|(id, rev)| reply(201, &json!({"ok": true, "id": id, "rev": rev})))
                    .map_err(hub_error)?;
                if let Some(after) = after {
                    self.log_register(id, before.as_ref(), &after);
                }
                Ok(stored)
            }
            _ => Err(error(
                405,
                "method_not_allowed",
                "not in the subset this hub serves",
            )),
        })();
        r.unwrap_or_else(|e| e)
    }

    /// The head office's reads: `_caja/stock` and `_caja/kardex?sku=` (CSV by default, or
    /// `format=json`).
    fn head_office(&self, what: &str, q: &HashMap<String, String>, html: bool) -> Reply {
        use self::stock::milli_text;
        let allowed: &[&str] = match what {
            "stock" => &["format", "date"],
            "kardex" => &["format", "sku", "from", "limit"],
            "movements" => &["format", "date", "register"],
            "log" => &["format", "date", "register"],
            _ => return error(404, "not_found", "no such page"),
        };
        if let Err(r) = only_params(q, allowed) {
            return r;
        }
        if what == "log" {
            return self.log_reply(q, html);
        }
        let json_out = match q.get("format").map(String::as_str) {
            None | Some("csv") => false,
            Some("json") => true,
            Some(_) => return error(400, "bad_request", "format is csv or json"),
        };
        match what {
            "movements" => {
                let date = match Self::date_of(q) {
                    Ok(d) => d,
                    Err(r) => return r,
                };
                let content_type = if json_out {
                    "application/json"
                } else {
                    "text/csv; charset=utf-8"
                };
                let (store, office) = (self.store.clone(), self.office.clone());
                let register = q.get("register").cloned();
                self::http::streamed(content_type, move |out| {
                    movements_to(&store, &office, date, register.as_deref(), json_out, out)
                        .map(|_| ())
                        .map_err(|e| std::io::Error::other(e.to_string()))
                })
            }
            "stock" => {
                let date = match q.get("date") {
                    Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                        Ok(d) => d.to_string(),
                        Err(_) => return error(400, "bad_request", "date is YYYY-MM-DD"),
                    },
                    None => chrono::Local::now().date_naive().to_string(),
                };
                // A line at a time, streamed as it is read: no list of products, and no
                // whole page, is ever held.
                let store = self.store.clone();
                let content_type = if json_out {
                    "application/json"
                } else {
                    "text/csv; charset=utf-8"
                };
                self::http::streamed(content_type, move |out| {
                    let io = |e: HubError| std::io::Error::other(e.to_string());
                    let mut t = Rows::to(out, json_out, &STOCK_COLUMNS).map_err(io)?;
                    store
                        .stock_each(&date, |l| {
                            t.row(&[
                                &l.sku,
                                &l.name,
                                &milli_text(l.on_hand),
                                &milli_text(l.sold_today),
                                &l.last_move,
                            ])
                        })
                        .map_err(io)?;
                    t.into_body(&[("date", json!(date))]).map_err(io)?;
                    Ok(())
                })
            }
            _ => {
                let Some(sku) = q.get("sku").filter(|s| !s.is_empty()) else {
                    return error(400, "bad_request", "sku is missing");
                };
                let from = match q.get("from").map(|v| v.parse::<u64>()) {
                    None => 1,
                    Some(Ok(v)) => v,
                    Some(Err(_)) => return error(400, "bad_request", "from is a number"),
                };
                let limit = match q.get("limit").map(|v| v.parse::<usize>()) {
                    None => MAX_PAGE,
                    Some(Ok(v)) if (1..=MAX_PAGE).contains(&v) => v,
                    Some(_) => return error(400, "bad_request", "limit is 1 to 10000"),
                };
                let (moves, total) = match self.store.kardex(sku, from, limit) {
                    Ok(k) => k,
                    Err(e) => return hub_error(e),
                };
                let mut t = Rows::new(
                    json_out,
                    &["at", "document", "kind", "in", "out", "balance", "note"],
                );
                for m in &moves {
                    let written = t.row(&[
                        &m.at,
                        &m.document,
                        &m.kind,
                        &milli_text(m.r#in),
                        &milli_text(m.out),
                        &milli_text(m.balance),
                        &m.note,
                    ]);
                    if let Err(e) = written {
                        return hub_error(e);
                    }
                }
                t.finish(&[
                    ("sku", json!(sku)),
                    ("total", json!(total)),
                    ("from", json!(from)),
                ])
            }
        }
    }

    /// Loads a stock file's rows (`caja hub stock import`): see `HubStore::stock_import`.
    pub fn import_stock(
        &self,
        rows: &[crate::csvio::StockRow],
    ) -> Result<Result<Vec<self::stock::Loaded>, crate::csvio::CsvError>, HubError> {
        let now = chrono::Local::now();
        let load = now.format("%Y%m%dT%H%M%S%3f").to_string();
        let at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let r = self.store.stock_import(rows, &load, &at);
        self.bump();
        r
    }

    /// The sync log of a day (`/_caja/log`): a page for a browser (or `format=html`), CSV
    /// (`at,register,event,detail`, the detail in the hub's language) for a script.
    fn log_reply(&self, q: &HashMap<String, String>, html: bool) -> Reply {
        let date = match Self::date_of(q) {
            Ok(d) => d,
            Err(r) => return r,
        };
        let as_html = match q.get("format").map(String::as_str) {
            None => html,
            Some("html") => true,
            Some("csv") => false,
            Some(_) => return error(400, "bad_request", "format is csv or html"),
        };
        // The day in the hub's time zone, midnight to midnight.
        let bounds = [Some(date), date.succ_opt()].map(|d| {
            d.and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
                .map(|t| t.timestamp_millis())
        });
        let [Some(from), Some(to)] = bounds else {
            return error(400, "bad_request", "no such day here");
        };
        let mut entries = Vec::new();
        let read = self
            .store
            .log_each(from, to, q.get("register").map(String::as_str), |e| {
                entries.push(e.clone());
                Ok(())
            });
        if let Err(e) = read {
            return hub_error(e);
        }
        let texts = crate::i18n::texts(self.office.language);
        if as_html {
            return self.html(
                200,
                self::page::log_page(self.words(), texts, date, &entries),
            );
        }
        let mut t = Rows::new(false, &["at", "register", "event", "detail"]);
        for e in &entries {
            let detail = self::page::log_words(self.words(), texts, &e.event);
            if let Err(e) = t.row(&[&e.at, &e.register, self::page::log_code(&e.event), &detail]) {
                return hub_error(e);
            }
        }
        t.finish(&[])
    }

    fn words(&self) -> &'static crate::i18n::HubWords {
        crate::i18n::hub_words(self.office.language)
    }

    fn html(&self, status: u16, page: String) -> Reply {
        let r = Response::from_data(page.into_bytes())
            .with_status_code(status)
            .boxed();
        let r = with(r, "Content-Type", "text/html; charset=utf-8");
        // The pages carry a login: no cache keeps them.
        with(r, "Cache-Control", "no-store")
    }

    /// Adds a line to the sync log; a log that cannot be written is said, and nothing else
    /// stops for it.
    fn log(&self, register: &str, event: self::office::LogEvent) {
        if let Err(e) = self.store.log(register, event) {
            tracing::warn!(error = %e, "hub: the sync log was not written");
        }
    }

    /// What a register's own document says it did, in the log: its claim, a take-over, a
    /// catalog pull applied or failed (each once: when the document says something new).
    fn log_register(&self, id: &str, before: Option<&Value>, after: &Value) {
        use self::office::LogEvent;
        let Some(code) = id.strip_prefix("register:") else {
            return;
        };
        let store = after["store"].as_str().unwrap_or_default().to_string();
        let machine = |d: &Value| d["machine_id"].as_str().map(String::from);
        match before {
            None => self.log(code, LogEvent::Claim { store }),
            Some(b) if machine(b) != machine(after) => self.log(
                code,
                LogEvent::TakeOver {
                    store,
                    previous: b["store"].as_str().unwrap_or_default().to_string(),
                },
            ),
            Some(_) => {}
        }
        let old = before.unwrap_or(&Value::Null);
        if after["pulled"].is_object() && after["pulled"]["at"] != old["pulled"]["at"] {
            let p = &after["pulled"];
            self.log(
                code,
                LogEvent::Pull {
                    mode: p["mode"].as_str().unwrap_or_default().to_string(),
                    products: p["puts"].as_u64().unwrap_or(0),
                    removed: p["removes"].as_u64().unwrap_or(0),
                },
            );
        }
        if after["pull_failed"].is_object()
            && after["pull_failed"]["at"] != old["pull_failed"]["at"]
        {
            self.log(
                code,
                LogEvent::PullFailed {
                    mode: after["pull_failed"]["mode"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                },
            );
        }
    }

    /// A push to `caja-docs`, in the log: how many documents were new, already held, refused.
    fn log_push(&self, who: &Who, received: u64, already: u64, refused: Vec<(String, String)>) {
        let name = match who {
            Who::Admin(n) | Who::Register(n) => n,
        };
        let refused_count = refused.len() as u64;
        self.log(
            name,
            self::office::LogEvent::Push {
                received,
                already,
                refused_count,
                refused: refused.into_iter().take(20).collect(),
            },
        );
    }

    /// The date a page asks for (`date=YYYY-MM-DD`), today by default.
    fn date_of(q: &HashMap<String, String>) -> Result<chrono::NaiveDate, Reply> {
        match q.get("date") {
            Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| error(400, "bad_request", "date is YYYY-MM-DD")),
            None => Ok(chrono::Local::now().date_naive()),
        }
    }

    /// The dashboard a browser sees at `/` (`?date=YYYY-MM-DD`, today by default). It reads
    /// the day's figures kept as documents arrive, each register's document, and the last
    /// run of the checks: never every document.
    fn dashboard(&self, q: &HashMap<String, String>) -> Reply {
        if let Err(r) = only_params(q, &["date"]) {
            return r;
        }
        let date = match Self::date_of(q) {
            Ok(d) => d,
            Err(r) => return r,
        };
        let mut registers = Vec::new();
        let read = self.store.visit("caja-registers", "register:", |id, v| {
            registers.push((id.trim_start_matches("register:").to_string(), v))
        });
        let figures = read.and_then(|()| self.store.day_figures(&date.to_string()));
        let figures = match figures {
            Ok(f) => f,
            Err(e) => return hub_error(e),
        };
        let mut conflicts = std::collections::BTreeMap::new();
        for (id, _) in self.store.conflicts("caja-docs").unwrap_or_default() {
            if let Some((_, number)) = id.split_once(':')
                && let Ok((reg, _, _)) = crate::domain::numbering::parse_number(number)
            {
                *conflicts.entry(reg.to_string()).or_insert(0) += 1;
            }
        }
        let checks = self.checks.lock_anyway().clone();
        let (low, low_total) = match self.store.low_stock(50) {
            Ok(l) => l,
            Err(e) => return hub_error(e),
        };
        let board = self::page::Board {
            low: &low,
            low_total,
            words: self.words(),
            texts: crate::i18n::texts(self.office.language),
            date,
            now: chrono::Local::now(),
            stale_after_hours: self.office.stale_after_hours,
            currency: self.office.currency.clone(),
            registers: &registers,
            figures: &figures,
            conflicts: &conflicts,
            checks: checks.as_deref(),
            cli: crate::i18n::cli_words(self.office.language),
        };
        self.html(200, self::page::dashboard(&board))
    }

    /// The day's movements (`/_caja/movements`, `caja hub export`): every document of a
    /// business date, as its register's `caja journal --format csv` writes it, plus `store`.
    /// Returns the bytes and the rows written.
    pub fn movements(
        &self,
        date: chrono::NaiveDate,
        register: Option<&str>,
        json_out: bool,
    ) -> Result<(Vec<u8>, usize), HubError> {
        let mut out = Vec::new();
        let rows = movements_to(
            &self.store,
            &self.office,
            date,
            register,
            json_out,
            &mut out,
        )?;
        Ok((out, rows))
    }
}

/// The currency a register's documents are written in: the one it reports, else the hub's
/// `[hub] currency`, else COP.
fn currency_of(
    store: &HubStore,
    office: &Office,
    register: &str,
) -> crate::domain::money::Currency {
    store
        .get("caja-registers", &format!("register:{register}"))
        .ok()
        .and_then(|d| {
            d["currency"]
                .as_str()
                .and_then(crate::domain::money::Currency::by_code)
        })
        .or_else(|| office.currency.clone())
        .unwrap_or_else(crate::domain::money::Currency::cop)
}

/// Writes the day's movements (see `Hub::movements`) into `out`, a document at a time.
fn movements_to(
    store: &HubStore,
    office: &Office,
    date: chrono::NaiveDate,
    register: Option<&str>,
    json_out: bool,
    out: impl std::io::Write,
) -> Result<usize, HubError> {
    let mut t = Rows::to(out, json_out, &crate::sales_journal::MOVEMENT_COLUMNS)?;
    // Per register: its currency and store name, read once.
    let mut known: HashMap<String, (crate::domain::money::Currency, String)> = HashMap::new();
    store.movements_each(&date.to_string(), register, |doc| {
        let reg = doc["register"].as_str().unwrap_or_default().to_string();
        let (currency, name) = known
            .entry(reg.clone())
            .or_insert_with(|| {
                let name = store
                    .get("caja-registers", &format!("register:{reg}"))
                    .ok()
                    .and_then(|d| d["store"].as_str().map(String::from))
                    .unwrap_or_default();
                (currency_of(store, office, &reg), name)
            })
            .clone();
        let Some(row) = crate::sales_journal::JournalRow::from_json(doc, &currency) else {
            tracing::warn!(id = %doc["_id"], "hub: a document that is no journal row");
            return Ok(());
        };
        let cells = crate::sales_journal::csv_cells(row, &currency);
        let mut all: Vec<&str> = cells.iter().map(String::as_str).collect();
        all.push(&name);
        t.row(&all)
    })?;
    let rows = t.rows;
    t.into_body(&[("date", json!(date.to_string()))])?;
    Ok(rows)
}

/// A document as an `open_revs` answer gives it: with its `_revisions` when the request asked
/// for the history (`revs=true`).
fn with_revisions(mut doc: Value, with_history: bool) -> Value {
    if with_history {
        let rev = doc["_rev"].as_str().unwrap_or_default().to_string();
        doc["_revisions"] = self::store::revisions(&rev);
    }
    doc
}

#[cfg(test)]
mod argon_tests {
    use super::verify_in;
    use argon2::password_hash::{PasswordHasher, SaltString};

    /// A password hashed with argon2's defaults (19 MiB, what earlier hubs wrote) still logs
    /// in, and is written again with the hub's settings (7 MiB): the old hash costs more to
    /// check than an unknown name's decoy would.
    #[test]
    fn an_older_hash_logs_in_and_is_renewed() {
        let dir = tempfile::tempdir().unwrap();
        let hub = super::Hub::open(dir.path()).unwrap();
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let old = argon2::Argon2::default()
            .hash_password(b"clave-fv1-segura", &salt)
            .unwrap()
            .to_string();
        assert!(old.contains("$m=19456,t=2,p=1$"), "{old}");
        hub.store.add_user_hash("FV1", &old, false).unwrap();
        let peer = std::net::IpAddr::from([127, 0, 0, 1]);
        assert!(matches!(
            hub.login("FV1", "clave-fv1-segura", peer),
            super::Auth::Ok(super::Who::Register(_))
        ));
        let renewed = hub.store.user("FV1").unwrap().unwrap().password_hash;
        assert!(renewed.contains("$m=7168,t=5,p=1$"), "{renewed}");
        assert!(matches!(
            hub.login("FV1", "clave-fv1-segura", peer),
            super::Auth::Ok(_)
        ));
        assert!(matches!(
            hub.login("FV1", "otra-clave", peer),
            super::Auth::Failed
        ));
    }

    #[test]
    fn the_reused_memory_verifies_like_argon2_itself() {
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let phc = argon2::Argon2::default()
            .hash_password(b"clave-fv1-segura", &salt)
            .unwrap()
            .to_string();
        let mut memory = Vec::new();
        assert!(verify_in(&mut memory, &phc, b"clave-fv1-segura"));
        assert!(!verify_in(&mut memory, &phc, b"clave-fv1-segurA"));
        assert!(verify_in(&mut memory, &phc, b"clave-fv1-segura"));
        assert!(!verify_in(&mut memory, "not a hash", b"x"));
    }
}
