//! The register's side of sync: claim the register code, push the outbox, report status. Plain
//! HTTP through ureq with every timeout set, error bodies read, bounded bodies, and retries with
//! backoff. A document leaves the outbox only after the server acknowledged it.

use super::json::{doc_id, doc_rev, to_json};
use crate::domain::numbering::{DocKind, parse_number};
use crate::i18n::Word;
use crate::store::history::Worded;
use crate::store::{Store, StoreError};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::time::Duration;

pub const DOCS_DB: &str = "caja-docs";
pub const REGISTERS_DB: &str = "caja-registers";
/// Documents per `_bulk_docs` request.
pub const BATCH: usize = 500;
/// The largest response read (CouchDB pages are far smaller).
const MAX_RESPONSE: u64 = 64 * 1024 * 1024;

#[derive(Debug)]
pub enum SyncError {
    NotConfigured,
    Unreachable {
        url: String,
        why: NetWhy,
    },
    Status {
        url: String,
        status: u16,
        body: String,
    },
    Auth {
        status: u16,
    },
    Claimed {
        code: String,
        other: String,
    },
    Collision(String),
    TakeOverClash(String),
    Protocol(String),
    /// A catalog document the register cannot use: which, and why (the server works; that
    /// document is wrong). `stopped` when it stopped a replace.
    BadDocument(BadDoc),
    Store(StoreError),
}

// The failure's English words (see [`SyncError::words`]): one English for logs and screens.
crate::i18n::display_words!(SyncError);

impl std::error::Error for SyncError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SyncError::Store(e) => e.source(),
            _ => None,
        }
    }
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        SyncError::Store(e)
    }
}

impl SyncError {
    /// The failure in `lang` (the network's and the server's own words stay as they come).
    pub fn words(&self, lang: crate::i18n::Language) -> String {
        use crate::i18n::{fill, store_text};
        let t = |key| store_text(lang, key);
        match self {
            SyncError::NotConfigured => t(Word::SyncNotConfigured).into(),
            SyncError::Unreachable { url, why } => fill(
                t(Word::SyncUnreachable),
                &[("url", url), ("why", &why.words(lang))],
            ),
            SyncError::Status { url, status, body } => fill(
                t(Word::SyncStatus),
                &[
                    ("url", url),
                    ("status", &status.to_string()),
                    ("body", body),
                ],
            ),
            SyncError::Auth { status } => {
                fill(t(Word::SyncAuth), &[("status", &status.to_string())])
            }
            SyncError::Claimed { code, other } => {
                fill(t(Word::SyncClaimed), &[("code", code), ("other", other)])
            }
            SyncError::Collision(id) => fill(t(Word::SyncCollision), &[("id", id)]),
            SyncError::TakeOverClash(n) => fill(t(Word::SyncTakeOverClash), &[("number", n)]),
            SyncError::Protocol(d) => fill(t(Word::SyncProtocol), &[("detail", d)]),
            SyncError::BadDocument(d) => d.words(lang),
            SyncError::Store(e) => e.words(lang, None),
        }
    }
}

/// An HTTP client for one sync server.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    auth: Option<String>,
    retries: u32,
    /// Server clock minus ours, in seconds, from the last `Date` header.
    pub drift_s: Option<i64>,
    /// The server's clock at the last answer and this machine's when it asked (UTC ms).
    pub server_clock: Option<(i64, i64)>,
}

impl Client {
    pub fn new(c: &super::Settings) -> Result<Client, SyncError> {
        Client::with_timeout(c, Duration::from_secs(30))
    }

    pub fn with_timeout(c: &super::Settings, timeout: Duration) -> Result<Client, SyncError> {
        if c.url.trim().is_empty() {
            return Err(SyncError::NotConfigured);
        }
        let cfg = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(timeout))
            .http_status_as_error(false);
        let cfg = if c.use_env_proxy {
            cfg
        } else {
            cfg.proxy(None)
        };
        let cfg = cfg.tls_config(tls_config(&c.ca_file)?);
        Ok(Client {
            agent: cfg.build().into(),
            base: c.url.trim().trim_end_matches('/').to_string(),
            auth: (!c.user.is_empty()).then(|| super::basic_auth(&c.user, &c.password)),
            retries: 4,
            drift_s: None,
            server_clock: None,
        })
    }

    /// Sets how many times a failed request is tried again (tests use fewer).
    pub fn retries(mut self, n: u32) -> Client {
        self.retries = n;
        self
    }

    fn once(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<(u16, String), SyncError> {
        let url = format!("{}/{path}", self.base);
        let unreachable = |e: ureq::Error| SyncError::Unreachable {
            url: url.clone(),
            why: NetWhy::of(&e),
        };
        let sent = chrono::Utc::now();
        let resp = match (method, body) {
            ("DELETE", _) => {
                let mut r = self.agent.delete(&url);
                if let Some(a) = &self.auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            ("GET", _) => {
                let mut r = self.agent.get(&url);
                if let Some(a) = &self.auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            (m, b) => {
                let mut r = if m == "PUT" {
                    self.agent.put(&url)
                } else {
                    self.agent.post(&url)
                };
                if let Some(a) = &self.auth {
                    r = r.header("Authorization", a);
                }
                r.header("Content-Type", "application/json")
                    .send(b.unwrap_or_default().as_bytes())
            }
        };
        let mut resp = resp.map_err(unreachable)?;
        if let Some(server) = resp
            .headers()
            .get("date")
            .and_then(|d| d.to_str().ok())
            .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
        {
            self.drift_s = Some((server.with_timezone(&chrono::Utc) - sent).num_seconds());
            self.server_clock = Some((server.timestamp_millis(), sent.timestamp_millis()));
        }
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE)
            .read_to_string()
            .map_err(unreachable)?;
        Ok((status, text))
    }

    /// A request, tried again with backoff on network errors and server errors (5xx, 429).
    /// The answer's JSON, or its text as a JSON string when it is not JSON.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), SyncError> {
        let body = body.map(Value::to_string);
        let (status, text) = self.request_text(method, path, body.as_deref())?;
        Ok((status, json_or_text(text)))
    }

    /// As [`Client::request`], with the body given as JSON text and the answer's text
    /// unparsed.
    fn request_text(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<(u16, String), SyncError> {
        let mut wait = Duration::from_millis(250);
        let mut attempt = 0;
        loop {
            let r = self.once(method, path, body);
            let retry = match &r {
                Err(SyncError::Unreachable { .. }) => true,
                Ok((s, _)) => *s >= 500 || *s == 429,
                Err(_) => false,
            };
            if !retry || attempt >= self.retries {
                return r;
            }
            tracing::warn!(method, path, attempt, "sync request failed; retrying");
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_secs(8));
            attempt += 1;
        }
    }

    /// A GET whose answer must be 200, as text: a page of the catalog is read straight into
    /// typed rows, without building a JSON tree of it first.
    fn get_text(&mut self, path: &str) -> Result<String, SyncError> {
        let (s, text) = self.request_text("GET", path, None)?;
        if s == 200 {
            Ok(text)
        } else {
            Err(self.refused(path, s, &json_or_text(text)))
        }
    }

    /// A request with a body already in JSON text, whose answer must have one of the `ok`
    /// statuses.
    fn call_text_expecting(
        &mut self,
        method: &str,
        path: &str,
        body: &str,
        ok: &[u16],
    ) -> Result<Value, SyncError> {
        let (s, text) = self.request_text(method, path, Some(body))?;
        let v = json_or_text(text);
        if ok.contains(&s) {
            Ok(v)
        } else {
            Err(self.refused(path, s, &v))
        }
    }

    /// A request whose answer must have one of the `ok` statuses.
    pub(crate) fn call_expecting(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        ok: &[u16],
    ) -> Result<Value, SyncError> {
        let (s, v) = self.request(method, path, body)?;
        if ok.contains(&s) {
            Ok(v)
        } else {
            Err(self.refused(path, s, &v))
        }
    }

    /// The error for an answer with an unexpected status: a refused login, or the status and
    /// the start of the body.
    pub(crate) fn refused(&self, path: &str, status: u16, body: &Value) -> SyncError {
        if status == 401 {
            return SyncError::Auth { status };
        }
        SyncError::Status {
            url: format!("{}/{path}", self.base),
            status,
            body: body.to_string().chars().take(300).collect(),
        }
    }
}

fn json_or_text(text: String) -> Value {
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// What a push did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Documents the server did not have and took now.
    pub sent: u64,
    /// Documents the server already held at the same revision (a re-push after a lost answer).
    pub already: u64,
    /// Documents the server refused: id and reason.
    pub rejected: Vec<(String, String)>,
    pub batches: u64,
}

/// Claims `register:CODE` for this store on first contact; refuses when another store holds it.
pub fn claim(store: &Store, c: &mut Client) -> Result<(), SyncError> {
    let code = store.info().register.to_string();
    let path = format!("{REGISTERS_DB}/register:{code}");
    let (s, v) = c.request("GET", &path, None)?;
    match s {
        200 => {
            let other = v["machine_id"].as_str().unwrap_or("").to_string();
            if other == store.info().store_id {
                Ok(())
            } else {
                Err(SyncError::Claimed { code, other })
            }
        }
        404 => {
            let doc = json!({
                "type": "register",
                "register": code,
                "machine_id": store.info().store_id,
                "store": store.info().name,
            });
            match c.request("PUT", &path, Some(&doc))? {
                (201 | 202, _) => Ok(()),
                // Another store claimed it between our two requests.
                (409, _) => claim(store, c),
                (s, v) => Err(SyncError::Status {
                    url: path,
                    status: s,
                    body: v.to_string(),
                }),
            }
        }
        401 | 403 => Err(SyncError::Auth { status: s }),
        _ => Err(SyncError::Status {
            url: path,
            status: s,
            body: v.to_string(),
        }),
    }
}

/// What a take-over found and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TakeOver {
    /// The store id that held the code before (empty when nobody did).
    pub previous: String,
    /// The highest number the server held per document type; this store numbers after them.
    pub floors: Vec<(DocKind, u64)>,
    /// Document ids read on the server to find those numbers.
    pub scanned: u64,
}

/// Pages through the ids of `db` that start with `prefix` (`_all_docs` with `startkey` and
/// `endkey`, the next page from the last id with `skip=1`), handing each page's rows to `f`.
/// Returns how many pages there were.
/// A page of `_all_docs`, its documents left as text until a caller reads them.
#[derive(serde::Deserialize)]
pub(crate) struct RawPage<'a> {
    #[serde(borrow)]
    pub(crate) rows: Vec<RawRow<'a>>,
}

impl<'a> RawPage<'a> {
    /// A page of `_all_docs` as the server sent it.
    pub(crate) fn parse(text: &'a str) -> Result<RawPage<'a>, SyncError> {
        serde_json::from_str(text)
            .map_err(|e| SyncError::Protocol(format!("_all_docs without rows: {e}")))
    }
}

/// One row of `_all_docs`: its id, and its document when asked for.
#[derive(serde::Deserialize)]
pub(crate) struct RawRow<'a> {
    #[serde(borrow)]
    pub(crate) id: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    pub(crate) doc: Option<&'a serde_json::value::RawValue>,
}

impl RawRow<'_> {
    /// The row's document as a JSON value (`null` when it has none).
    pub(crate) fn doc_value(&self) -> Value {
        self.doc
            .and_then(|d| serde_json::from_str(d.get()).ok())
            .unwrap_or(Value::Null)
    }
}

/// Calls `f` with each page of the ids under `prefix` (and their documents when asked), in
/// order. The next page is asked for while `f` reads this one: as soon as a page's rows are
/// split out, the reader tells a fetching thread where the next page starts, so the server's
/// time and the register's overlap and no page is parsed twice.
fn visit_prefix(
    c: &mut Client,
    db: &str,
    prefix: &str,
    include_docs: bool,
    mut f: impl FnMut(&[RawRow]) -> Result<(), SyncError>,
) -> Result<u64, SyncError> {
    let end = serde_json::to_string(&format!("{prefix}\u{fff0}")).unwrap_or_default();
    std::thread::scope(|s| {
        let (pages_tx, pages) = std::sync::mpsc::sync_channel::<Result<String, SyncError>>(1);
        // Where the next page starts (after the id given); closed when there is none.
        let (next_tx, next) = std::sync::mpsc::channel::<String>();
        s.spawn(move || {
            let mut start = prefix.to_string();
            let mut skip = 0;
            loop {
                let key = serde_json::to_string(&start).unwrap_or_default();
                let text = c.get_text(&format!(
                    "{db}/_all_docs?include_docs={include_docs}&limit={PAGE}&skip={skip}&startkey={}&endkey={}",
                    url_encode(&key),
                    url_encode(&end)
                ));
                if pages_tx.send(text).is_err() {
                    return;
                }
                match next.recv() {
                    Ok(after) => start = after,
                    Err(_) => return,
                }
                skip = 1;
            }
        });
        let mut pages_read = 0;
        for text in pages {
            let text = text?;
            let page = RawPage::parse(&text)?;
            let rows = &page.rows;
            let mine = rows.iter().take_while(|r| r.id.starts_with(prefix)).count();
            let Some(last) = rows[..mine].last() else {
                break;
            };
            let more = mine == rows.len() && rows.len() >= PAGE;
            if more {
                // The fetcher asks for the next page while this one is read.
                let _ = next_tx.send(last.id.to_string());
            }
            f(&rows[..mine])?;
            pages_read += 1;
            if !more {
                break;
            }
        }
        // Dropping the sender ends the fetcher once it has handed over its last page.
        drop(next_tx);
        Ok(pages_read)
    })
}

/// The highest number the server holds for `code`'s documents of one type, paging through the
/// ids. Ids are compared by their parsed number, not as text, so "FV1-1000000" counts as more
/// than "FV1-999999".
fn highest_number(
    c: &mut Client,
    kind: DocKind,
    code: &str,
    scanned: &mut u64,
) -> Result<u64, SyncError> {
    let prefix = format!("{}:{code}-", kind.code());
    let mut max = 0;
    visit_prefix(c, DOCS_DB, &prefix, false, |rows| {
        *scanned += rows.len() as u64;
        for number in rows
            .iter()
            .filter_map(|r| r.id.strip_prefix(&format!("{}:", kind.code())))
        {
            if let Ok((reg, k, n)) = parse_number(number)
                && k == kind
                && reg.as_str() == code
            {
                max = max.max(n);
            }
        }
        Ok(())
    })?;
    Ok(max)
}

/// Takes this register's code over from the store that claimed it before (a reinstalled
/// register): finds the highest number the server holds for the code in every document type,
/// makes this store number after them (durably, before anything else), then claims the code.
/// Refused when this store already numbered documents the server holds numbers for: sealed
/// documents cannot be renumbered, so those would collide.
pub fn take_over(
    store: &Store,
    c: &mut Client,
    mut progress: impl FnMut(DocKind),
) -> Result<TakeOver, SyncError> {
    let code = store.info().register.to_string();
    let path = format!("{REGISTERS_DB}/register:{code}");
    let (s, mut claim_doc) = c.request("GET", &path, None)?;
    let previous = match s {
        200 => claim_doc["machine_id"].as_str().unwrap_or("").to_string(),
        404 => {
            claim_doc = json!({"type": "register", "register": code});
            String::new()
        }
        401 | 403 => return Err(SyncError::Auth { status: s }),
        _ => {
            return Err(SyncError::Status {
                url: path,
                status: s,
                body: claim_doc.to_string(),
            });
        }
    };
    let mut out = TakeOver {
        previous,
        ..TakeOver::default()
    };
    if out.previous == store.info().store_id {
        return Ok(out);
    }
    for kind in DocKind::ALL {
        progress(kind);
        let max = highest_number(c, kind, &code, &mut out.scanned)?;
        if max > 0 {
            out.floors.push((kind, max));
        }
    }
    // Documents numbered here before the take-over and not yet pushed would collide.
    let mut clash = None;
    store.visit_from(store.view()?.push_cursor()? + 1, |_, d| {
        let taken = out
            .floors
            .iter()
            .any(|(k, max)| *k == d.doc.kind() && d.doc.n <= *max);
        if taken {
            clash = Some(d.doc.number.clone());
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    if let Some(number) = clash {
        return Err(SyncError::TakeOverClash(number));
    }
    store.raise_number_floor(&out.floors)?;
    let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    claim_doc["machine_id"] = json!(store.info().store_id);
    claim_doc["store"] = json!(store.info().name);
    claim_doc["taken_over_from"] = json!(out.previous);
    claim_doc["taken_over_at"] = json!(now);
    match c.request("PUT", &path, Some(&claim_doc))? {
        (201 | 202, _) => {}
        (409, _) => {
            return Err(SyncError::Protocol(format!(
                "{path} changed while this register was taking it over; try again"
            )));
        }
        (st @ (401 | 403), _) => return Err(SyncError::Auth { status: st }),
        (s, v) => {
            return Err(SyncError::Status {
                url: path,
                status: s,
                body: v.to_string(),
            });
        }
    }
    tracing::warn!(code, previous = %out.previous, floors = ?out.floors, "register code taken over");
    Ok(out)
}

/// One batch: (chain position, id, revision, JSON).
/// Documents to push: outbox sequence, id, revision and the document's JSON text.
type Batch = Vec<(u64, String, String, String)>;

fn batch_entry(
    seq: u64,
    d: &crate::domain::SealedDocument,
    currency: &crate::domain::Currency,
) -> (u64, String, String, String) {
    (seq, doc_id(d), doc_rev(d), to_json(d, currency).to_string())
}

/// Sends one batch: `_revs_diff` says what the server lacks, `_all_docs` shows ids it holds at
/// another revision (a collision: stop, never push), `_bulk_docs` with `new_edits: false`
/// stores the rest. Returns how many the server already had, and the refused documents
/// (chain position, id, reason).
fn send_batch(
    c: &mut Client,
    batch: &Batch,
    report: &mut PushReport,
) -> Result<Vec<(u64, String, String)>, SyncError> {
    let asked: serde_json::Map<String, Value> = batch
        .iter()
        .map(|(_, id, rev, _)| (id.clone(), json!([rev])))
        .collect();
    let diff = c.call_expecting(
        "POST",
        &format!("{DOCS_DB}/_revs_diff"),
        Some(&Value::Object(asked)),
        &[200],
    )?;
    let missing: Vec<&(u64, String, String, String)> = batch
        .iter()
        .filter(|(_, id, rev, _)| {
            diff[id.as_str()]["missing"]
                .as_array()
                .is_some_and(|m| m.iter().any(|r| r == rev.as_str()))
        })
        .collect();
    report.already += (batch.len() - missing.len()) as u64;
    report.batches += 1;
    let mut rejected = Vec::new();
    if missing.is_empty() {
        return Ok(rejected);
    }
    let keys: Vec<&str> = missing.iter().map(|m| m.1.as_str()).collect();
    let held = c.call_expecting(
        "POST",
        &format!("{DOCS_DB}/_all_docs"),
        Some(&json!({"keys": keys})),
        &[200],
    )?;
    for row in held["rows"].as_array().into_iter().flatten() {
        let id = row["id"].as_str().unwrap_or("");
        // A customer held at another revision is an earlier edit, not a numbering collision:
        // the server keeps both.
        if row.get("error").is_none()
            && !row["value"]["deleted"].as_bool().unwrap_or(false)
            && !id.starts_with("customer:")
        {
            return Err(SyncError::Collision(id.to_string()));
        }
    }
    // The documents' text, made once when the batch was read, goes as it is.
    let mut body = String::with_capacity(missing.iter().map(|m| m.3.len() + 1).sum::<usize>() + 32);
    body.push_str("{\"docs\":[");
    for (i, m) in missing.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&m.3);
    }
    body.push_str("],\"new_edits\":false}");
    let answer =
        c.call_text_expecting("POST", &format!("{DOCS_DB}/_bulk_docs"), &body, &[201, 202])?;
    let failures = answer
        .as_array()
        .ok_or_else(|| SyncError::Protocol(format!("_bulk_docs answered {answer}")))?;
    let by_id: HashMap<&str, u64> = batch.iter().map(|b| (b.1.as_str(), b.0)).collect();
    for f in failures {
        let id = f["id"].as_str().unwrap_or("").to_string();
        let why = format!(
            "{}: {}",
            f["error"].as_str().unwrap_or("error"),
            f["reason"].as_str().unwrap_or("")
        );
        tracing::warn!(%id, %why, "document refused by the server");
        if let Some(seq) = by_id.get(id.as_str()) {
            rejected.push((*seq, id.clone(), why.clone()));
        }
        report.rejected.push((id, why));
    }
    report.sent += (missing.len() - rejected.len()) as u64;
    Ok(rejected)
}

/// Pushes the outbox in batches of [`BATCH`]; each acknowledged batch moves the push cursor.
pub fn push(
    store: &Store,
    c: &mut Client,
    mut progress: impl FnMut(u64, u64),
) -> Result<PushReport, SyncError> {
    let currency = store.info().currency.clone();
    let (total, from) = {
        let v = store.view()?;
        (v.outbox_len()?, v.push_cursor()? + 1)
    };
    let mut report = PushReport::default();
    let mut done = 0u64;
    // One thread reads and writes out the next batch while the server takes this one.
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Batch, StoreError>>(1);
        let currency = &currency;
        s.spawn(move || {
            let mut from = from;
            loop {
                let mut batch = Vec::with_capacity(BATCH);
                let read = store.visit_from(from, |seq, d| {
                    batch.push(batch_entry(seq, &d, currency));
                    if batch.len() >= BATCH {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                });
                let next = batch.last().map(|b| b.0 + 1);
                let stop = read.is_err() || next.is_none();
                // The sender stops when the pusher has stopped listening (an error).
                if tx.send(read.map(|()| batch)).is_err() || stop {
                    return;
                }
                from = next.unwrap_or(from);
            }
        });
        for batch in rx {
            let batch = batch?;
            let Some(last_seq) = batch.last().map(|b| b.0) else {
                break;
            };
            let rejected = send_batch(c, &batch, &mut report)?;
            store.acknowledge_with_rejects(last_seq, &rejected)?;
            done += batch.len() as u64;
            progress(done, total.max(done));
        }
        Ok(report)
    })
}

/// Sends every document of one business date again, whatever the push cursor says: the server
/// keeps what it already has, and takes what it lost (a restored server, a deleted database).
pub fn resend_date(
    store: &Store,
    c: &mut Client,
    date: chrono::NaiveDate,
) -> Result<PushReport, SyncError> {
    let currency = store.info().currency.clone();
    let mut report = PushReport::default();
    let mut batch: Batch = Vec::with_capacity(BATCH);
    let mut failed = None;
    store.visit_dates(date, date, |seq, d| {
        batch.push(batch_entry(seq, d, &currency));
        if batch.len() >= BATCH {
            if let Err(e) = send_batch(c, &batch, &mut report) {
                failed = Some(e);
                return ControlFlow::Break(());
            }
            batch.clear();
        }
        ControlFlow::Continue(())
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    if !batch.is_empty() {
        send_batch(c, &batch, &mut report)?;
    }
    Ok(report)
}

/// Reports the register's state on its register document (last push, queue, version, clock).
pub fn report_status(
    store: &Store,
    c: &mut Client,
    pushed: Option<&PushReport>,
) -> Result<(), SyncError> {
    let code = store.info().register.to_string();
    let path = format!("{REGISTERS_DB}/register:{code}");
    let mut doc = c.call_expecting("GET", &path, None, &[200])?;
    let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if let Some(p) = pushed {
        doc["last_push"] = json!(now);
        doc["pushed"] = json!(p.sent);
    }
    let history = store.pull_history()?;
    if let Some(entry) = history.last() {
        doc["last_pull"] = json!(entry.to_string());
    }
    // The same, typed, for the head office's dashboard: the last pull applied, and the
    // last attempt when it failed after it.
    use crate::store::history::PullEntry;
    if let Some(m) = doc.as_object_mut() {
        m.remove("pull_failed");
    }
    for entry in history.iter().rev() {
        match entry {
            PullEntry::Pulled {
                at,
                mode,
                puts,
                removes,
                ..
            } => {
                doc["pulled"] = json!({"at": at, "mode": mode, "puts": puts, "removes": removes});
                break;
            }
            PullEntry::Failed { at, mode, .. } if doc.get("pull_failed").is_none() => {
                doc["pull_failed"] = json!({"at": at, "mode": mode});
            }
            _ => {}
        }
    }
    doc["currency"] = json!(store.info().currency.code);
    doc["queue"] = json!(store.view()?.outbox_len()?);
    doc["rejected"] = json!(store.rejected()?.len());
    doc["version"] = json!(env!("CARGO_PKG_VERSION"));
    doc["clock"] = json!(now);
    doc["clock_drift_s"] = json!(c.drift_s);
    c.call_expecting("PUT", &path, Some(&doc), &[201, 202])?;
    Ok(())
}

pub const CATALOG_DB: &str = "caja-catalog";
/// Catalog documents per page: memory stays bounded by the page, not the catalog.
pub const PAGE: usize = 1000;

/// How a catalog pull applies.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PullMode {
    /// Only what changed since the stored checkpoint, deletions included.
    Partial,
    /// Every product, upserted.
    Total,
    /// Every product; the local catalog is wiped and reloaded.
    Replace,
}

impl PullMode {
    pub fn parse(s: &str) -> Option<PullMode> {
        match s {
            "partial" => Some(PullMode::Partial),
            "total" => Some(PullMode::Total),
            "replace" => Some(PullMode::Replace),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PullMode::Partial => "partial",
            PullMode::Total => "total",
            PullMode::Replace => "replace",
        }
    }
}

/// What a pull did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PullReport {
    pub upserted: u64,
    pub removed: u64,
    pub total: u64,
    pub pages: u64,
    /// Documents refused, with why (a partial or total pull applies the rest).
    pub refused: Vec<BadDoc>,
}

/// The TLS settings of the sync client: the public roots, or the certificates of `ca_file`.
pub fn tls_config(ca_file: &str) -> Result<ureq::tls::TlsConfig, SyncError> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let path = ca_file.trim();
    if path.is_empty() {
        return Ok(TlsConfig::builder().build());
    }
    let bad = |why: NetWhy| SyncError::Unreachable {
        url: format!("[sync] ca_file {path}"),
        why,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(NetWhy::CaUnreadable(e.to_string())))?;
    let certs: Vec<Certificate<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .filter_map(Result::ok)
        .map(|d| Certificate::from_der(d.as_ref()).to_owned())
        .collect();
    if certs.is_empty() {
        return Err(bad(NetWhy::CaNoPem));
    }
    Ok(TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&certs))
        .build())
}

/// Why a server could not be reached, typed from the transport's error so that people read it
/// in their language; `Other` keeps the transport's own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetWhy {
    /// Nothing listens there (the hub is stopped, or the port is wrong).
    Refused,
    TimedOut,
    /// The name does not resolve.
    HostNotFound,
    /// No route to the address (the network is down or the address is wrong).
    NoRoute,
    /// The connection was cut.
    Dropped,
    /// The server's TLS certificate is not trusted (the transport's words).
    Untrusted(String),
    /// The server presents a CA's certificate as its own (what `openssl req -x509` makes by
    /// default), which TLS refuses whatever `ca_file` says.
    CaAsServer,
    /// `[sync] ca_file` cannot be read (the operating system's words).
    CaUnreadable(String),
    /// `[sync] ca_file` holds no PEM certificate.
    CaNoPem,
    Other(String),
}

impl NetWhy {
    pub fn of(e: &ureq::Error) -> NetWhy {
        use std::io::ErrorKind as K;
        let io_kind = match e {
            ureq::Error::Io(io) => Some(io.kind()),
            _ => None,
        };
        match (e, io_kind) {
            (_, Some(K::ConnectionRefused)) | (ureq::Error::ConnectionFailed, _) => NetWhy::Refused,
            (ureq::Error::Timeout(_), _) | (_, Some(K::TimedOut)) => NetWhy::TimedOut,
            (ureq::Error::HostNotFound, _) => NetWhy::HostNotFound,
            (_, Some(K::HostUnreachable | K::NetworkUnreachable | K::AddrNotAvailable)) => {
                NetWhy::NoRoute
            }
            (
                _,
                Some(K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof),
            ) => NetWhy::Dropped,
            _ => {
                let text = e.to_string();
                let lower = text.to_ascii_lowercase();
                if lower.contains("causedasendentity") {
                    NetWhy::CaAsServer
                } else if lower.contains("certificate") || lower.contains("unknownissuer") {
                    NetWhy::Untrusted(text)
                } else {
                    NetWhy::Other(text)
                }
            }
        }
    }

    pub fn words(&self, lang: crate::i18n::Language) -> String {
        use crate::i18n::{fill, store_text};
        let t = |key| store_text(lang, key);
        match self {
            NetWhy::Refused => t(Word::NetRefused).into(),
            NetWhy::TimedOut => t(Word::NetTimedOut).into(),
            NetWhy::HostNotFound => t(Word::NetHostNotFound).into(),
            NetWhy::NoRoute => t(Word::NetNoRoute).into(),
            NetWhy::Dropped => t(Word::NetDropped).into(),
            NetWhy::Untrusted(d) => fill(t(Word::NetUntrusted), &[("detail", d)]),
            NetWhy::CaAsServer => t(Word::NetCaAsServer).into(),
            NetWhy::CaUnreadable(d) => fill(t(Word::NetCaUnreadable), &[("detail", d)]),
            NetWhy::CaNoPem => t(Word::NetCaNoPem).into(),
            NetWhy::Other(d) => d.clone(),
        }
    }
}

crate::i18n::display_words!(NetWhy);

/// A catalog document the register cannot use: its id, why, and whether it stopped a replace
/// (the catalog then stays as it was).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadDoc {
    pub id: String,
    pub why: BadDocWhy,
    pub stopped: bool,
}

/// What is wrong in a catalog document; field names are the protocol's (docs/PROTOCOL.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadDocWhy {
    /// A text field is missing or not a string.
    Missing(String),
    /// The product's `sku` does not match its id.
    SkuNotId(String),
    BarcodeNotText,
    BarcodesNotList,
    Price(crate::domain::money::MoneyError),
    TaxRate(crate::domain::qty::ParseError),
    SoldBy,
    OpenPrice,
    Product(crate::domain::catalog::CatalogError),
    Customer(crate::domain::customer::CustomerError),
    /// The customer's fields name another key than its id.
    KeyNotId(String),
    /// `points` is not a whole number in a string.
    Points(String),
}

impl BadDoc {
    /// The refusal in `lang`.
    pub fn words(&self, lang: crate::i18n::Language) -> String {
        use crate::i18n::{domain_words, fill, store_text, texts};
        let t = |key| store_text(lang, key);
        let domain = |e: &(dyn std::error::Error + 'static)| {
            domain_words(e, texts(lang), None).unwrap_or_else(|| e.to_string())
        };
        let field = |name: &str, why: String| format!("{name}: {why}");
        let why = match &self.why {
            BadDocWhy::Missing(k) => fill(t(Word::DocMissing), &[("field", k)]),
            BadDocWhy::SkuNotId(sku) => fill(t(Word::DocSkuNotId), &[("sku", sku)]),
            BadDocWhy::BarcodeNotText => t(Word::DocBarcodeNotText).into(),
            BadDocWhy::BarcodesNotList => t(Word::DocBarcodesNotList).into(),
            BadDocWhy::Price(e) => field("price", domain(e)),
            BadDocWhy::TaxRate(e) => field("tax_rate", domain(e)),
            BadDocWhy::SoldBy => t(Word::DocSoldBy).into(),
            BadDocWhy::OpenPrice => t(Word::DocOpenPrice).into(),
            BadDocWhy::Product(e) => domain(e),
            BadDocWhy::Customer(e) => domain(e),
            BadDocWhy::KeyNotId(key) => fill(t(Word::DocKeyNotId), &[("key", key)]),
            BadDocWhy::Points(p) => fill(t(Word::DocPoints), &[("value", p)]),
        };
        let text = fill(t(Word::DocRefused), &[("id", &self.id), ("why", &why)]);
        if self.stopped {
            fill(t(Word::DocStopped), &[("refusal", &text)])
        } else {
            text
        }
    }
}

crate::i18n::display_words!(BadDoc);

/// A catalog document the register cannot use.
fn bad(id: &str, why: BadDocWhy) -> SyncError {
    SyncError::BadDocument(BadDoc {
        id: id.to_string(),
        why,
        stopped: false,
    })
}

/// One bad catalog document: a replace stops (the catalog is left as it was); a partial or
/// total pull refuses that document, says which and why, and applies the rest.
fn refuse_or_stop<T>(
    mode: PullMode,
    refused: &mut Vec<BadDoc>,
    r: Result<T, SyncError>,
) -> Result<Option<T>, SyncError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(SyncError::BadDocument(why)) if mode != PullMode::Replace => {
            tracing::warn!(%why, "catalog document refused");
            refused.push(why);
            Ok(None)
        }
        Err(SyncError::BadDocument(why)) => Err(SyncError::BadDocument(BadDoc {
            stopped: true,
            ..why
        })),
        Err(e) => Err(e),
    }
}

/// A catalog document in the shape the hub and `caja chain` write, read without a JSON tree.
/// Any other shape (a field of another type, an escaped id) is read by [`product_from`],
/// which says what is wrong with it.
#[derive(serde::Deserialize)]
struct ProductDoc<'a> {
    #[serde(rename = "_id", borrow)]
    id: &'a str,
    #[serde(borrow)]
    sku: &'a str,
    #[serde(borrow)]
    name: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    barcodes: Option<Vec<&'a str>>,
    #[serde(borrow)]
    price: &'a str,
    #[serde(borrow)]
    tax_rate: &'a str,
    #[serde(default)]
    active: Option<bool>,
    #[serde(borrow, default)]
    sold_by: Option<&'a str>,
    #[serde(default)]
    open_price: Option<bool>,
}

/// A product from its catalog document's text: [`product_from`]'s product and refusals.
pub fn product_from_text(
    text: &str,
    currency: &crate::domain::money::Currency,
) -> Result<crate::domain::catalog::Product, SyncError> {
    use crate::domain::catalog::{Product, SoldBy};
    use crate::domain::qty::TaxRate;
    let fast = serde_json::from_str::<ProductDoc>(text).ok().and_then(|d| {
        let sold_by = match d.sold_by {
            None => SoldBy::Unit,
            Some(s) => SoldBy::parse(s)?,
        };
        let sku = d.id.strip_prefix("product:").filter(|s| *s == d.sku)?;
        Some(Product {
            sku: sku.to_string(),
            name: d.name.into_owned(),
            barcodes: d
                .barcodes
                .unwrap_or_default()
                .into_iter()
                .map(String::from)
                .collect(),
            price: currency.parse_decimal(d.price).ok()?,
            tax_rate: TaxRate::parse_percent(d.tax_rate).ok()?,
            active: d.active.unwrap_or(true),
            sold_by,
            open_price: d.open_price.unwrap_or(false),
        })
        .filter(|p| p.validate().is_ok())
    });
    match fast {
        Some(p) => Ok(p),
        // Whatever is wrong, the slow reader finds and words it.
        None => product_from(&serde_json::from_str(text).unwrap_or(Value::Null), currency),
    }
}

/// A product from its catalog document.
pub fn product_from(
    doc: &Value,
    currency: &crate::domain::money::Currency,
) -> Result<crate::domain::catalog::Product, SyncError> {
    use crate::domain::qty::TaxRate;
    let id = doc["_id"].as_str().unwrap_or("?");
    let text = |k: &str| {
        doc[k]
            .as_str()
            .ok_or_else(|| bad(id, BadDocWhy::Missing(k.to_string())))
    };
    let sku = text("sku")?.to_string();
    if id != format!("product:{sku}") {
        return Err(bad(id, BadDocWhy::SkuNotId(sku)));
    }
    let barcodes = match &doc["barcodes"] {
        Value::Null => Vec::new(),
        Value::Array(a) => a
            .iter()
            .map(|b| {
                b.as_str()
                    .map(String::from)
                    .ok_or_else(|| bad(id, BadDocWhy::BarcodeNotText))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(bad(id, BadDocWhy::BarcodesNotList)),
    };
    let p = crate::domain::catalog::Product {
        sku,
        name: text("name")?.to_string(),
        barcodes,
        price: currency
            .parse_decimal(text("price")?)
            .map_err(|e| bad(id, BadDocWhy::Price(e)))?,
        tax_rate: TaxRate::parse_percent(text("tax_rate")?)
            .map_err(|e| bad(id, BadDocWhy::TaxRate(e)))?,
        active: doc["active"].as_bool().unwrap_or(true),
        sold_by: match &doc["sold_by"] {
            Value::Null => crate::domain::catalog::SoldBy::Unit,
            v => v
                .as_str()
                .and_then(crate::domain::catalog::SoldBy::parse)
                .ok_or_else(|| bad(id, BadDocWhy::SoldBy))?,
        },
        open_price: match &doc["open_price"] {
            Value::Null => false,
            v => v.as_bool().ok_or_else(|| bad(id, BadDocWhy::OpenPrice))?,
        },
    };
    p.validate().map_err(|e| bad(id, BadDocWhy::Product(e)))?;
    Ok(p)
}

/// A customer of the server's master: its fields checked like one typed at the register, and
/// its points balance.
pub fn customer_from(doc: &Value) -> Result<(crate::domain::customer::Customer, i64), SyncError> {
    let id = doc["_id"].as_str().unwrap_or("?");
    let text = |k: &str| doc[k].as_str().unwrap_or("");
    let c = crate::domain::customer::Customer::new(
        text("doc_type"),
        text("doc_number"),
        text("name"),
        text("phone"),
        text("email"),
        text("address"),
    )
    .map_err(|e| bad(id, BadDocWhy::Customer(e)))?;
    if id != format!("customer:{}", c.key()) {
        return Err(bad(id, BadDocWhy::KeyNotId(c.key())));
    }
    let points = match &doc["points"] {
        Value::Null => 0,
        Value::String(p) => p
            .trim()
            .parse()
            .map_err(|_| bad(id, BadDocWhy::Points(p.clone())))?,
        other => return Err(bad(id, BadDocWhy::Points(other.to_string()))),
    };
    Ok((c, points))
}

pub(crate) fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Pulls the catalog. Everything is fetched and checked first (page by page), then applied in
/// one transaction with the new checkpoint; a malformed document leaves the catalog as it was.
pub fn pull(
    store: &Store,
    c: &mut Client,
    mode: PullMode,
    mut progress: impl FnMut(u64),
) -> Result<PullReport, SyncError> {
    let currency = store.info().currency.clone();
    let started = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let result = (|| {
        // Everything is fetched and validated into a spool on disk first; the store changes
        // only once the last page is in, in one transaction.
        let mut spool = store.pull_spool()?;
        let mut pages = 0u64;
        let mut refused: Vec<BadDoc> = Vec::new();
        let checkpoint;
        match mode {
            PullMode::Partial => {
                // The sequence is opaque: stored and sent back exactly as received.
                let mut since = store.pull_checkpoint()?.unwrap_or_else(|| "0".into());
                loop {
                    let since_param = match serde_json::from_str::<Value>(&since) {
                        Ok(Value::String(s)) => s,
                        _ => since.clone(),
                    };
                    let page = c.call_expecting(
                        "GET",
                        &format!(
                            "{CATALOG_DB}/_changes?since={}&include_docs=true&limit={PAGE}",
                            url_encode(&since_param)
                        ),
                        None,
                        &[200],
                    )?;
                    let results = page["results"]
                        .as_array()
                        .ok_or_else(|| SyncError::Protocol("_changes without results".into()))?;
                    if results.is_empty() {
                        break;
                    }
                    pages += 1;
                    for r in results {
                        let id = r["id"].as_str().unwrap_or("");
                        let deleted = r["deleted"].as_bool().unwrap_or(false)
                            || r["doc"]["_deleted"].as_bool().unwrap_or(false);
                        if let Some(key) = id.strip_prefix("customer:") {
                            if deleted {
                                spool.remove_customer(key)?;
                            } else if let Some((c, points)) =
                                refuse_or_stop(mode, &mut refused, customer_from(&r["doc"]))?
                            {
                                spool.put_customer(c, points)?;
                            }
                            continue;
                        }
                        let Some(sku) = id.strip_prefix("product:") else {
                            continue;
                        };
                        // A change seen twice is applied in order: the last one wins.
                        if r["deleted"].as_bool().unwrap_or(false)
                            || r["doc"]["_deleted"].as_bool().unwrap_or(false)
                        {
                            spool.remove(sku)?;
                        } else if let Some(p) =
                            refuse_or_stop(mode, &mut refused, product_from(&r["doc"], &currency))?
                        {
                            spool.put(&p)?;
                        }
                    }
                    since = page["last_seq"].to_string();
                    progress(spool.puts + spool.removes);
                }
                checkpoint = since;
            }
            PullMode::Total | PullMode::Replace => {
                // Changes after this point are picked up by the next partial pull.
                let info = c.call_expecting("GET", CATALOG_DB, None, &[200])?;
                checkpoint = info["update_seq"].to_string();
                pages += visit_prefix(c, CATALOG_DB, "customer:", true, |rows| {
                    for r in rows {
                        if let Some((customer, points)) =
                            refuse_or_stop(mode, &mut refused, customer_from(&r.doc_value()))?
                        {
                            spool.put_customer(customer, points)?;
                        }
                    }
                    Ok(())
                })?;
                pages += visit_prefix(c, CATALOG_DB, "product:", true, |rows| {
                    for r in rows {
                        let doc = r.doc.map(|d| d.get()).unwrap_or("null");
                        if let Some(p) =
                            refuse_or_stop(mode, &mut refused, product_from_text(doc, &currency))?
                        {
                            spool.put(&p)?;
                        }
                    }
                    progress(spool.puts);
                    Ok(())
                })?;
            }
        }
        if mode == PullMode::Replace && spool.puts == 0 {
            return Err(SyncError::Protocol(
                "the server's catalog is empty; refusing to replace the local catalog with nothing"
                    .into(),
            ));
        }
        let apply = match mode {
            PullMode::Replace => crate::store::catalog::ApplyMode::Replace,
            _ => crate::store::catalog::ApplyMode::Upsert,
        };
        let (puts, removes) = (spool.puts, spool.removes);
        // The first few refusals are kept in the history; `caja sync` and the panel list all.
        let history = crate::store::history::PullEntry::Pulled {
            at: started.clone(),
            mode: mode.code().into(),
            puts,
            removes,
            refused_count: refused.len() as u64,
            refused: refused
                .iter()
                .take(20)
                .map(|r| Worded::new(|lang| r.words(lang)))
                .collect(),
        };
        let r = store.apply_pull(spool, apply, &checkpoint, &history)?;
        Ok(PullReport {
            upserted: puts,
            removed: r.removed,
            total: r.total,
            pages,
            refused,
        })
    })();
    if let Err(e) = &result {
        let _ = store.record_pull_failure(&crate::store::history::PullEntry::Failed {
            at: started,
            mode: mode.code().into(),
            why: Worded::new(|lang| e.words(lang)),
        });
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents in the hub's shape and in every shape a server might send instead: the fast
    /// reader of a page's text takes or refuses each exactly as the JSON-tree reader does.
    #[test]
    fn the_fast_reader_reads_every_product_as_the_slow_one() {
        let docs = [
            r#"{"_id":"product:A1","_rev":"1-x","sku":"A1","name":"Arroz","barcodes":["7701"],"price":"2500","tax_rate":"19","active":true,"sold_by":"unit","open_price":false}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz \"extra\"","price":"2500","tax_rate":"5"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Queso","price":"12.5","tax_rate":"0","sold_by":"weight"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz","barcodes":null,"sold_by":null,"open_price":null,"active":null,"price":"2500","tax_rate":"19"}"#,
            r#"{"_id":"product:A\u0031","sku":"A1","name":"Arroz","price":"2500","tax_rate":"19"}"#,
            r#"{"_id":"product:A1","sku":"A2","name":"Arroz","price":"2500","tax_rate":"19"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz","price":2500,"tax_rate":"19"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz","price":"-1","tax_rate":"19"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz","price":"2500","tax_rate":"190"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"","price":"2500","tax_rate":"19"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz","price":"2500","tax_rate":"19","barcodes":"7701"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz","price":"2500","tax_rate":"19","barcodes":[7701]}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz","price":"2500","tax_rate":"19","sold_by":"box"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz","price":"2500","tax_rate":"19","open_price":"no"}"#,
            r#"{"_id":"product:A1","sku":"A1","name":"Arroz","price":"2500","tax_rate":"19","active":"no"}"#,
            r#"{"_id":"product:A1","sku":"A1","sku":"A2","name":"Arroz","price":"2500","tax_rate":"19"}"#,
            r#"{"_id":"product:A1","name":"Arroz","price":"2500","tax_rate":"19"}"#,
            r#"{"sku":"A1","name":"Arroz","price":"2500","tax_rate":"19"}"#,
            r#"[1,2]"#,
            r#"null"#,
        ];
        let mut fast_taken = 0;
        for code in ["COP", "USD"] {
            let currency = crate::domain::money::Currency::by_code(code).unwrap();
            for d in docs {
                let slow = product_from(&serde_json::from_str(d).unwrap_or(Value::Null), &currency);
                let fast = product_from_text(d, &currency);
                assert_eq!(fast.as_ref().ok(), slow.as_ref().ok(), "{d}");
                assert_eq!(
                    fast.as_ref().err().map(|e| e.to_string()),
                    slow.as_ref().err().map(|e| e.to_string()),
                    "{d}"
                );
                fast_taken += u32::from(fast.is_ok());
            }
        }
        assert!(fast_taken >= 6, "only {fast_taken} documents read");
    }
}
