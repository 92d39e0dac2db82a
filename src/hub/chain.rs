//! A chain on Apache CouchDB: `caja chain` prepares a CouchDB for the registers and the shops'
//! hubs (databases, `_security`, validation, the `_design/caja` views), adds registers' users,
//! loads the catalog, and checks what CouchDB itself cannot refuse: a rival root revision of a
//! sealed document (its `validate_doc_update` sees no old document for a new root), a break in
//! a register's hash chain, a document that fails the hub's own checks.
//!
//! Everything here is plain CouchDB 3.x HTTP, admin-only, and idempotent: `setup` run twice
//! changes nothing the second time.

use crate::sync::client::{CATALOG_DB, Client, DOCS_DB, REGISTERS_DB, SyncError, url_encode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// The `validate_doc_update` of `caja-docs`: the hub's rules (docs/PROTOCOL.md).
pub const VALIDATE_DOCS: &str = include_str!("../../docs/validate_doc_update.js");

const VALIDATE_REGISTERS: &str = "function (n, o, u) {\n  if (u.roles.indexOf(\"_admin\") >= 0) return;\n  if (n._id !== \"register:\" + u.name) throw ({ forbidden: \"register \" + u.name + \" may not write \" + n._id });\n}";

const VALIDATE_CATALOG: &str = "function (n, o, u) {\n  if (u.roles.indexOf(\"_admin\") < 0) throw ({ forbidden: \"the catalog is read-only for registers\" });\n}";

/// Shared by the views: a decimal string as an integer of ten-thousandths (money, the same
/// unit as the validation's sums) or of thousandths (`milli`, quantities: weights have three
/// decimals). JSON numbers never carry money; `_sum` adds these integers exactly.
const UNITS_JS: &str = "function units(s, d) { if (typeof s !== 'string' || !/^-?\\d{1,15}(\\.\\d+)?$/.test(s)) return 0; var neg = s[0] === '-', t = neg ? s.slice(1) : s, p = t.split('.'); var z = d === 3 ? '000' : '0000'; var v = parseInt(p[0], 10) * (d === 3 ? 1000 : 10000) + parseInt(((p[1] || '') + z).slice(0, z.length), 10); return neg ? -v : v; }";

/// The views of `_design/caja` in `caja-docs`. Money in ten-thousandths of the currency's
/// unit, quantities in thousandths (docs/CHAIN.md).
fn views() -> Value {
    let map = |body: &str| format!("function (doc) {{\n  {UNITS_JS}\n  {body}\n}}");
    json!({
        // On hand per SKU: a sale line moves its quantity out, a refund line back in, a stock
        // movement (written by the back office) by its signed quantity.
        "stock": {
            "map": map("var i;\n  if (doc.type === 'sale' && Array.isArray(doc.lines)) for (i = 0; i < doc.lines.length; i++) emit(doc.lines[i].sku, -units(doc.lines[i].qty, 3));\n  else if (doc.type === 'refund' && Array.isArray(doc.lines)) for (i = 0; i < doc.lines.length; i++) emit(doc.lines[i].sku, units(doc.lines[i].qty, 3));\n  else if (doc.type === 'stock') emit(doc.sku, units(doc.quantity, 3));"),
            "reduce": "_sum",
        },
        // The kardex: every movement of a SKU by time.
        "kardex": {
            "map": map("var i, l;\n  if ((doc.type === 'sale' || doc.type === 'refund') && Array.isArray(doc.lines)) for (i = 0; i < doc.lines.length; i++) { l = doc.lines[i]; emit([l.sku, doc.at], { document: doc.number, kind: doc.type, 'in': doc.type === 'refund' ? units(l.qty, 3) : 0, out: doc.type === 'sale' ? units(l.qty, 3) : 0 }); }\n  else if (doc.type === 'stock') { var q = units(doc.quantity, 3); emit([doc.sku, doc.at], { document: doc._id, kind: doc.kind, 'in': q > 0 ? q : 0, out: q < 0 ? -q : 0, note: doc.note || '' }); }"),
        },
        // Per business date and register: [sales, sales total, refunds, refunds total].
        "sales_by_day": {
            "map": map("if (doc.type === 'sale') emit([doc.business_date, doc.register], [1, units(doc.total, 4), 0, 0]);\n  else if (doc.type === 'refund') emit([doc.business_date, doc.register], [0, 0, 1, units(doc.total, 4)]);"),
            "reduce": "_sum",
        },
        // Every document with a rival revision.
        "conflicts": {
            "map": "function (doc) {\n  if (doc._conflicts) emit(doc._id, doc._conflicts);\n}",
        },
    })
}

/// An admin's connection to a CouchDB: `url` may carry `user:password@`, or they come from
/// `CAJA_COUCH_USER`/`CAJA_COUCH_PASSWORD`.
pub fn connect(url: &str) -> Result<Client, SyncError> {
    let (base, user, password) = split_credentials(url);
    let user = user.or_else(|| std::env::var("CAJA_COUCH_USER").ok());
    let password = password.or_else(|| std::env::var("CAJA_COUCH_PASSWORD").ok());
    let settings = crate::sync::Settings {
        url: base,
        user: user.unwrap_or_default(),
        password: password.unwrap_or_default(),
        interval_minutes: 0,
        daily_at: String::new(),
        use_env_proxy: false,
        ca_file: String::new(),
    };
    Ok(Client::with_timeout(&settings, std::time::Duration::from_secs(120))?.retries(2))
}

/// `http://user:pass@host:5984/` → (`http://host:5984`, user, pass), percent-decoded.
pub fn split_credentials(url: &str) -> (String, Option<String>, Option<String>) {
    let url = url.trim().trim_end_matches('/');
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None, None);
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None, None);
    };
    let (user, password) = match userinfo.split_once(':') {
        Some((u, p)) => (
            crate::sync::percent_decode(u, false),
            Some(crate::sync::percent_decode(p, false)),
        ),
        None => (crate::sync::percent_decode(userinfo, false), None),
    };
    let base = if path.is_empty() {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}/{path}")
    };
    (base, Some(user), password)
}

/// What `setup` did to each thing it looks after: (name, done), done one of created, updated,
/// unchanged.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SetupReport {
    pub version: String,
    pub steps: Vec<(String, Step)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Created,
    Updated,
    Unchanged,
}

/// Prepares the CouchDB behind `c` (an admin's connection): the system databases (`_users`,
/// `_replicator`), the three databases, their `_security` (registers are members through the
/// `register` role), and `_design/caja` in each (validation; views in `caja-docs`).
/// Idempotent.
pub fn setup(c: &mut Client) -> Result<SetupReport, SyncError> {
    let welcome = c.call_expecting("GET", "", None, &[200])?;
    if welcome["couchdb"] != "Welcome" {
        // Said in the reader's language by `SyncError::words`; the detail is the server's.
        return Err(SyncError::Protocol(welcome.to_string()));
    }
    let mut report = SetupReport {
        version: welcome["version"].as_str().unwrap_or("?").to_string(),
        steps: Vec::new(),
    };
    for db in ["_users", "_replicator", CATALOG_DB, DOCS_DB, REGISTERS_DB] {
        let (s, v) = c.request("PUT", db, None)?;
        let step = match s {
            201 | 202 => Step::Created,
            412 => Step::Unchanged,
            _ => return Err(c.refused(db, s, &v)),
        };
        report.steps.push((db.to_string(), step));
    }
    let security = json!({
        "admins": {"names": [], "roles": []},
        "members": {"names": [], "roles": ["register"]},
    });
    for db in [CATALOG_DB, DOCS_DB, REGISTERS_DB] {
        let path = format!("{db}/_security");
        let held = c.call_expecting("GET", &path, None, &[200])?;
        let step = if held == security {
            Step::Unchanged
        } else {
            c.call_expecting("PUT", &path, Some(&security), &[200, 201])?;
            Step::Updated
        };
        report.steps.push((path, step));
    }
    let designs = [
        (
            DOCS_DB,
            json!({"language": "javascript", "validate_doc_update": VALIDATE_DOCS, "views": views()}),
        ),
        (
            REGISTERS_DB,
            json!({"language": "javascript", "validate_doc_update": VALIDATE_REGISTERS}),
        ),
        (
            CATALOG_DB,
            json!({"language": "javascript", "validate_doc_update": VALIDATE_CATALOG}),
        ),
    ];
    for (db, mut want) in designs {
        let path = format!("{db}/_design/caja");
        let (s, held) = c.request("GET", &path, None)?;
        let step = match s {
            404 => Step::Created,
            200 => {
                let same = ["language", "validate_doc_update", "views"]
                    .iter()
                    .all(|k| held.get(*k) == want.get(*k));
                if same {
                    report.steps.push((path, Step::Unchanged));
                    continue;
                }
                want["_rev"] = held["_rev"].clone();
                Step::Updated
            }
            _ => return Err(c.refused(&path, s, &held)),
        };
        c.call_expecting("PUT", &path, Some(&want), &[201, 202])?;
        report.steps.push((path, step));
    }
    Ok(report)
}

/// Adds a register's user (named after its code, with the `register` role), or sets a new
/// password for one that exists. Returns whether it was new.
pub fn user_add(c: &mut Client, code: &str, password: &str) -> Result<bool, SyncError> {
    if let Err(e) = crate::domain::numbering::RegisterCode::parse(code) {
        return Err(SyncError::Protocol(e.to_string()));
    }
    let path = format!("_users/org.couchdb.user:{}", url_encode(code));
    let (s, held) = c.request("GET", &path, None)?;
    let mut user = json!({"_id": format!("org.couchdb.user:{code}"), "name": code, "type": "user", "roles": ["register"], "password": password});
    let new = match s {
        404 => true,
        200 => {
            user["_rev"] = held["_rev"].clone();
            false
        }
        _ => return Err(c.refused(&path, s, &held)),
    };
    c.call_expecting("PUT", &path, Some(&user), &[201, 202])?;
    Ok(new)
}

/// Loads products into `caja-catalog`: upserted (only those that changed are written, so the
/// registers' partial pulls carry only real changes); with `replace`, products missing from
/// the list are deleted. Returns (written, unchanged, deleted).
pub fn catalog_import(
    c: &mut Client,
    products: &[crate::domain::catalog::Product],
    currency: &crate::domain::money::Currency,
    replace: bool,
) -> Result<(usize, usize, usize), SyncError> {
    // What the server holds: every product's current document.
    let mut held: HashMap<String, Value> = HashMap::new();
    visit_all(c, CATALOG_DB, "product:", |row| {
        if let Some(id) = row["id"].as_str() {
            held.insert(id.to_string(), row["doc"].clone());
        }
    })?;
    let mut docs = Vec::new();
    let mut unchanged = 0;
    let mut keep = std::collections::HashSet::new();
    for p in products {
        let mut d = crate::sync::json::product_json(p, currency);
        let id = format!("product:{}", p.sku);
        keep.insert(id.clone());
        if let Some(h) = held.get(&id) {
            let same = d
                .as_object()
                .is_some_and(|o| o.iter().all(|(k, v)| h.get(k) == Some(v)));
            if same {
                unchanged += 1;
                continue;
            }
            d["_rev"] = h["_rev"].clone();
        }
        docs.push(d);
    }
    let written = docs.len();
    let mut deleted = 0;
    if replace {
        for (id, h) in &held {
            if !keep.contains(id) {
                docs.push(json!({"_id": id, "_rev": h["_rev"], "_deleted": true}));
                deleted += 1;
            }
        }
    }
    bulk_write(c, CATALOG_DB, &docs)?;
    Ok((written, unchanged, deleted))
}

/// Writes a stock load's rows as movements in `caja-docs` (`stock:LOAD-LINE`): a SKU the
/// catalog does not have refuses the whole load (its line named) before anything is written;
/// a count becomes the movement that brings the on-hand the `stock` view gives (and the rows
/// before it in the same load) to the counted figure.
pub fn stock_import(
    c: &mut Client,
    rows: &[crate::csvio::StockRow],
) -> Result<Result<Vec<super::stock::Loaded>, crate::csvio::CsvError>, SyncError> {
    use super::stock::{Loaded, milli_text};
    use crate::csvio::{CsvError, CsvProblem, StockKind};
    let mut skus: Vec<&str> = rows.iter().map(|r| r.sku.as_str()).collect();
    skus.sort_unstable();
    skus.dedup();
    let mut known = std::collections::HashSet::new();
    let mut on_hand: HashMap<String, i64> = HashMap::new();
    for chunk in skus.chunks(1000) {
        let keys: Vec<String> = chunk.iter().map(|s| format!("product:{s}")).collect();
        let found = c.call_expecting(
            "POST",
            &format!("{CATALOG_DB}/_all_docs"),
            Some(&json!({ "keys": keys })),
            &[200],
        )?;
        for r in found["rows"].as_array().into_iter().flatten() {
            if r.get("error").is_none() && r["value"]["deleted"] != true {
                if let Some(id) = r["key"].as_str() {
                    known.insert(id.trim_start_matches("product:").to_string());
                }
            }
        }
        let levels = c.call_expecting(
            "POST",
            &format!("{DOCS_DB}/_design/caja/_view/stock?group=true"),
            Some(&json!({ "keys": chunk })),
            &[200],
        )?;
        for r in levels["rows"].as_array().into_iter().flatten() {
            if let (Some(k), Some(v)) = (r["key"].as_str(), r["value"].as_i64()) {
                on_hand.insert(k.to_string(), v);
            }
        }
    }
    if let Some(r) = rows.iter().find(|r| !known.contains(&r.sku)) {
        return Ok(Err(CsvError {
            line: r.line,
            column: Some("sku".into()),
            problem: CsvProblem::UnknownSku { sku: r.sku.clone() },
        }));
    }
    let now = chrono::Local::now();
    let load = now.format("%Y%m%dT%H%M%S%3f").to_string();
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let mut docs = Vec::with_capacity(rows.len());
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let before = on_hand.get(&r.sku).copied().unwrap_or(0);
        let delta = match r.kind {
            StockKind::Count => r.milli - before,
            StockKind::Receipt | StockKind::Adjust => r.milli,
        };
        let after = before + delta;
        on_hand.insert(r.sku.clone(), after);
        let mut d = json!({
            "_id": format!("stock:{load}-{}", r.line),
            "type": "stock",
            "sku": r.sku,
            "kind": r.kind.code(),
            "quantity": milli_text(delta),
            "note": r.note,
            "at": at,
        });
        if r.kind == StockKind::Count {
            d["counted"] = json!(milli_text(r.milli));
        }
        docs.push(d);
        out.push(Loaded {
            sku: r.sku.clone(),
            before,
            after,
        });
    }
    bulk_write(c, DOCS_DB, &docs)?;
    Ok(Ok(out))
}

/// Writes `docs` into `db`, 1000 at a time; the first document CouchDB refuses stops it.
fn bulk_write(c: &mut Client, db: &str, docs: &[Value]) -> Result<(), SyncError> {
    for chunk in docs.chunks(1000) {
        let answer = c.call_expecting(
            "POST",
            &format!("{db}/_bulk_docs"),
            Some(&json!({ "docs": chunk })),
            &[201, 202],
        )?;
        if let Some(failed) = answer
            .as_array()
            .and_then(|a| a.iter().find(|r| r.get("error").is_some()))
        {
            return Err(SyncError::Protocol(format!(
                "{}: {} ({})",
                failed["id"].as_str().unwrap_or("?"),
                failed["error"].as_str().unwrap_or("?"),
                failed["reason"].as_str().unwrap_or("")
            )));
        }
    }
    Ok(())
}

/// Every row of `db/_all_docs` whose id starts with `prefix`, with its document and its
/// conflicts, 1000 at a time.
fn visit_all(
    c: &mut Client,
    db: &str,
    prefix: &str,
    mut f: impl FnMut(&Value),
) -> Result<(), SyncError> {
    let mut start = prefix.to_string();
    let mut skip = 0;
    loop {
        let path = format!(
            "{db}/_all_docs?include_docs=true&conflicts=true&limit=1000&skip={skip}&startkey={}",
            url_encode(&Value::String(start.clone()).to_string())
        );
        let page = c.call_expecting("GET", &path, None, &[200])?;
        let rows = page["rows"].as_array().cloned().unwrap_or_default();
        let mut last = None;
        for row in &rows {
            let Some(id) = row["id"].as_str() else {
                continue;
            };
            if !id.starts_with(prefix) {
                return Ok(());
            }
            if !row["doc"].is_null() {
                f(row);
            }
            last = Some(id.to_string());
        }
        match last {
            Some(id) if rows.len() == 1000 => {
                start = id;
                skip = 1;
            }
            _ => return Ok(()),
        }
    }
}

/// What `check` found wrong with one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A sealed document with more than one revision: `winner` is what readers get, `own` is
    /// the revision its hash gives (the register's own), `rivals` the others.
    Rival {
        id: String,
        winner: String,
        own: String,
        rivals: Vec<String>,
    },
    /// A sealed document whose revision is not the one its hash gives: written by something
    /// other than its register.
    ForeignRevision {
        id: String,
        rev: String,
        own: String,
    },
    /// A document the hub's checks refuse.
    Invalid { id: String, reason: String },
    /// Two documents of one register follow the same one.
    Fork { id: String, other: String },
    /// The document before this one in its register's chain is not on the server.
    Missing { id: String, prev: String },
    /// Numbers of a register's series that the server lacks, between two it holds.
    Gap { first: String, last: String },
}

/// What `check` read and found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Documents read, per register.
    pub registers: BTreeMap<String, usize>,
    pub documents: usize,
    pub findings: Vec<Finding>,
}

struct Link {
    id: String,
    register: String,
    prev: String,
    hash: String,
}

/// Reads every document of `caja-docs` (a page at a time) and names every rival revision of a
/// sealed document, every revision its register did not write, every document the hub would
/// refuse, and every break in a register's hash chain (see [`Checker`]).
pub fn check(c: &mut Client) -> Result<CheckReport, SyncError> {
    let mut checker = Checker::default();
    visit_all(c, DOCS_DB, "", |row| {
        checker.add(row["id"].as_str().unwrap_or_default(), &row["doc"]);
    })?;
    let client = std::cell::RefCell::new(&mut *c);
    let lookup = |id: &str| -> Option<Value> {
        let path = format!("{DOCS_DB}/{}", url_encode(id));
        match client.borrow_mut().request("GET", &path, None) {
            Ok((200, v)) => Some(v),
            _ => None,
        }
    };
    Ok(checker.finish(&lookup))
}

/// Checks `caja-docs` one document at a time (each with its `_conflicts`), wherever the
/// documents come from: a CouchDB (`check`) or the hub's own store (its status page). A
/// register that was taken over starts a chain of its own: a second root is not a break.
#[derive(Default)]
pub struct Checker {
    report: CheckReport,
    links: Vec<Link>,
    /// Points movements, checked at the end against the sale or refund they cite.
    pending: Vec<Value>,
    numbers: BTreeMap<
        (
            crate::domain::numbering::RegisterCode,
            crate::domain::numbering::DocKind,
        ),
        Vec<u64>,
    >,
}

impl Checker {
    pub fn add(&mut self, id: &str, doc: &Value) {
        if id.starts_with("_design/") || doc.is_null() {
            return;
        }
        let id = id.to_string();
        let report = &mut self.report;
        report.documents += 1;
        if let Some(Ok((reg, kind, n))) = doc["number"]
            .as_str()
            .map(crate::domain::numbering::parse_number)
        {
            self.numbers.entry((reg, kind)).or_default().push(n);
        }
        if let (Some(reg), Some(prev), Some(hash)) = (
            doc["register"].as_str(),
            doc["prev_hash"].as_str(),
            doc["hash"].as_str(),
        ) {
            *report.registers.entry(reg.to_string()).or_default() += 1;
            self.links.push(Link {
                id: id.clone(),
                register: reg.to_string(),
                prev: prev.to_string(),
                hash: hash.to_string(),
            });
        }
        if super::validate::is_sealed(&id) {
            let rev = doc["_rev"].as_str().unwrap_or_default().to_string();
            let own = doc["hash"]
                .as_str()
                .and_then(|h| h.get(..32))
                .map(|h| format!("1-{h}"))
                .unwrap_or_default();
            let rivals: Vec<String> = doc["_conflicts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|r| r.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            if !rivals.is_empty() {
                report.findings.push(Finding::Rival {
                    id: id.clone(),
                    winner: rev.clone(),
                    own: own.clone(),
                    rivals,
                });
            } else if rev != own && doc.get("hash").is_some() && !id.starts_with("points:") {
                report.findings.push(Finding::ForeignRevision {
                    id: id.clone(),
                    rev,
                    own,
                });
            }
        }
        // A points movement is checked against its sale at the end; the rest here.
        if id.starts_with("points:") {
            self.pending.push(doc.clone());
        } else if let Err(reason) = super::validate::check(doc, &|_| None) {
            report.findings.push(Finding::Invalid { id, reason });
        }
    }

    /// What was found, once every document was added; `lookup` reads a document by id.
    pub fn finish(self, lookup: &dyn Fn(&str) -> Option<Value>) -> CheckReport {
        let Checker {
            mut report,
            links,
            pending,
            numbers,
        } = self;
        for doc in &pending {
            if let Err(reason) = super::validate::check(doc, lookup) {
                report.findings.push(Finding::Invalid {
                    id: doc["_id"].as_str().unwrap_or_default().to_string(),
                    reason,
                });
            }
        }
        // Each series without holes: what is missing between two numbers held.
        for ((reg, kind), mut ns) in numbers {
            ns.sort_unstable();
            ns.dedup();
            for w in ns.windows(2) {
                if w[1] > w[0] + 1 {
                    let f = |n| crate::domain::numbering::format_number(&reg, kind, n);
                    report.findings.push(Finding::Gap {
                        first: f(w[0] + 1),
                        last: f(w[1] - 1),
                    });
                }
            }
        }
        // The chains: each hash once, each document after at most one other, each predecessor
        // held (a zero hash starts a chain).
        let zero = "0".repeat(64);
        let mut by_hash: HashMap<(&str, &str), &str> = HashMap::new();
        for l in &links {
            by_hash.insert((&l.register, &l.hash), &l.id);
        }
        let mut follower: HashMap<(&str, &str), &str> = HashMap::new();
        for l in &links {
            if l.prev != zero && !by_hash.contains_key(&(l.register.as_str(), l.prev.as_str())) {
                report.findings.push(Finding::Missing {
                    id: l.id.clone(),
                    prev: l.prev.clone(),
                });
            }
            if l.prev == zero {
                continue;
            }
            if let Some(other) = follower.insert((&l.register, &l.prev), &l.id) {
                report.findings.push(Finding::Fork {
                    id: l.id.clone(),
                    other: other.to_string(),
                });
            }
        }
        report
    }
}

/// Removes, with CouchDB's `_purge` (which no validation can stop, and only an admin may
/// call), every rival revision of a sealed document whose register's own revision the server
/// holds: the register's own is then the only one, and wins. Each rival is kept first, whole,
/// in `_local/purged:ID:REV`. Returns the ids repaired.
pub fn purge_rivals(c: &mut Client, report: &CheckReport) -> Result<Vec<String>, SyncError> {
    let mut purged = Vec::new();
    for f in &report.findings {
        let Finding::Rival {
            id,
            winner,
            own,
            rivals,
        } = f
        else {
            continue;
        };
        let mut all: Vec<&String> = rivals.iter().collect();
        all.push(winner);
        if !all.contains(&own) {
            continue;
        }
        let gone: Vec<&String> = all.into_iter().filter(|r| *r != own).collect();
        // Nothing leaves without a record: each rival, whole, is kept first in a local
        // document of the same database (`_local/purged:ID:REV`, never replicated), with when.
        let at = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        for rev in &gone {
            let body = c.call_expecting(
                "GET",
                &format!("{DOCS_DB}/{}?rev={}", url_encode(id), url_encode(rev)),
                None,
                &[200],
            )?;
            let local = format!("purged:{id}:{rev}");
            c.call_expecting(
                "PUT",
                &format!("{DOCS_DB}/_local/{}", url_encode(&local)),
                Some(&json!({"purged_at": at, "winner_was": winner, "kept": own, "doc": body})),
                &[200, 201, 202],
            )?;
        }
        c.call_expecting(
            "POST",
            &format!("{DOCS_DB}/_purge"),
            Some(&json!({ id.as_str(): gone })),
            &[200, 201, 202],
        )?;
        purged.push(id.clone());
    }
    Ok(purged)
}

/// What `setup` did, line by line, in `w`'s language.
pub fn setup_lines(r: &SetupReport, w: &crate::i18n::CliWords) -> Vec<String> {
    use crate::i18n::fill;
    let mut out = vec![fill(w.chain_ready, &[("version", &r.version)])];
    for (name, step) in &r.steps {
        let step = match step {
            Step::Created => w.chain_created,
            Step::Updated => w.chain_updated,
            Step::Unchanged => w.chain_unchanged,
        };
        out.push(fill(w.chain_step, &[("name", name), ("step", step)]));
    }
    out
}

/// What `check` found, line by line, in `w`'s language.
pub fn check_lines(r: &CheckReport, w: &crate::i18n::CliWords) -> Vec<String> {
    use crate::i18n::fill;
    let documents = r.documents.to_string();
    let registers = r.registers.len().to_string();
    if r.findings.is_empty() {
        return vec![fill(
            w.chain_check_ok,
            &[("documents", &documents), ("registers", &registers)],
        )];
    }
    let mut out = vec![fill(
        w.chain_check_found,
        &[
            ("count", &r.findings.len().to_string()),
            ("documents", &documents),
            ("registers", &registers),
        ],
    )];
    let mut rivals_found = false;
    for f in &r.findings {
        out.push(match f {
            Finding::Rival {
                id,
                winner,
                own,
                rivals,
            } => {
                rivals_found = true;
                fill(
                    w.chain_rival,
                    &[
                        ("id", id),
                        ("winner", winner),
                        ("own", own),
                        ("rivals", &rivals.join(", ")),
                    ],
                )
            }
            Finding::ForeignRevision { id, rev, own } => {
                fill(w.chain_foreign, &[("id", id), ("rev", rev), ("own", own)])
            }
            Finding::Invalid { id, reason } => {
                fill(w.chain_invalid, &[("id", id), ("reason", reason)])
            }
            Finding::Fork { id, other } => fill(w.chain_fork, &[("id", id), ("other", other)]),
            Finding::Missing { id, prev } => fill(w.chain_missing, &[("id", id), ("prev", prev)]),
            Finding::Gap { first, last } => fill(w.chain_gap, &[("first", first), ("last", last)]),
        });
    }
    if rivals_found {
        out.push(w.chain_rival_do.to_string());
    }
    out
}
