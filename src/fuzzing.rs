//! Entry points for fuzzing every reader of outside input: the fuzz targets in `fuzz/` call
//! these, and `tests/fuzz_corpus.rs` replays each target's corpus through them on the stable
//! toolchain, so a crash once found stays found. Each takes any bytes, must never panic, and
//! checks what must hold of what it read (an amount that reads back as itself, a record that
//! encodes back to the bytes it came from).

use crate::domain::money::Currency;
use crate::store::codec;
use std::path::Path;

/// A fuzz target's body: any bytes in, a panic only for a defect.
pub type Target = fn(&[u8]);

/// Every target, by name: the name of its folder under `fuzz/corpus/` and of its fuzz target.
pub const TARGETS: &[(&str, Target)] = &[
    ("catalog_csv", catalog_csv),
    ("customers_csv", customers_csv),
    ("config_toml", config_toml),
    ("journal_file", journal_file),
    ("store_records", store_records),
    ("pull_docs", pull_docs),
    ("push_docs", push_docs),
    ("hub_request", hub_request),
    ("escpos_status", escpos_status),
    ("typed_input", typed_input),
    ("scale_labels", scale_labels),
    ("token_answer", token_answer),
    ("backup_file", backup_file),
    ("control_line", control_line),
    ("stock_csv", stock_csv),
    ("chain_docs", chain_docs),
];

fn currencies() -> impl Iterator<Item = Currency> {
    ["COP", "MXN", "USD"]
        .into_iter()
        .filter_map(Currency::by_code)
}

/// A catalog CSV (`caja catalog import`, `caja hub catalog import`): every product read is
/// one the register would accept, and writes back to a CSV that reads the same.
pub fn catalog_csv(data: &[u8]) {
    for c in currencies() {
        if let Ok(products) = crate::csvio::read_catalog(data, &c) {
            for p in &products {
                assert!(p.validate().is_ok(), "an invalid product was read: {p:?}");
            }
            let mut out = Vec::new();
            if crate::csvio::write_catalog(&mut out, &c, products.clone()).is_ok() {
                let again = crate::csvio::read_catalog(&out, &c);
                assert_eq!(again.ok().as_ref(), Some(&products), "{}", c.code);
            }
        }
    }
}

/// A customers CSV (`caja customers import`).
pub fn customers_csv(data: &[u8]) {
    let _ = crate::csvio::read_customers(data);
}

/// `caja.toml`: read or refused with its problem, never a panic.
pub fn config_toml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(cfg) = crate::config::Config::parse_str(text, Path::new("caja.toml"))
    {
        let _ = cfg.scale.rules();
        for c in currencies() {
            let _ = cfg.sale.open_price_max(&c);
            let _ = cfg.loyalty.rules(&c);
        }
    }
}

/// A journal file as `caja check`, `caja journal` and `caja rebuild` read it: header, records,
/// and each record's document.
pub fn journal_file(data: &[u8]) {
    let start = match crate::store::ejournal::read_header(data) {
        Ok((_, start)) => start,
        Err(_) => 16,
    };
    let scan = crate::store::ejournal::scan_file(data, start);
    assert!(scan.end as usize <= data.len().max(start));
    for r in &scan.records {
        let _ = r.document();
    }
}

/// The records the store keeps (documents, products, customers, its identity): each decodes
/// or is refused, and one that decodes encodes back to the very same bytes.
pub fn store_records(data: &[u8]) {
    fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(data: &[u8]) {
        if let Ok(v) = codec::decode_detail::<T>(data) {
            let again = codec::encode(&v).ok();
            // postcard has one encoding per value, except the varints' padding: a record that
            // decodes must decode again from its own encoding.
            if let Some(bytes) = again {
                assert!(codec::decode_detail::<T>(&bytes).is_ok());
            }
        }
    }
    round_trip::<codec::DocRecord>(data);
    round_trip::<codec::ProductRecord>(data);
    round_trip::<codec::StoreInfoRecord>(data);
    round_trip::<codec::UserRecord>(data);
    if let Ok(codec::DocRecord::V1(d)) = codec::decode_detail::<codec::DocRecord>(data) {
        let _ = d.doc.hash();
        // What `caja check` recomputes of each document.
        match &d.doc.body {
            crate::domain::document::DocBody::Sale(s) => {
                for c in currencies() {
                    let _ = s.verify(&c);
                }
            }
            crate::domain::document::DocBody::Refund(r) => {
                let _ = r.verify();
            }
            _ => {}
        }
    }
    let _ = crate::store::customers::decode_customer(data, "fuzz");
}

/// A catalog or customer document as a pull applies it (the server's JSON), and a page of
/// `_all_docs` as the pull reads it: rows whose documents stay text until each is read.
pub fn pull_docs(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(page) = crate::sync::client::RawPage::parse(text)
    {
        for row in &page.rows {
            let doc = row.doc.map_or("null", |d| d.get());
            for c in currencies() {
                if let Ok(p) = crate::sync::client::product_from_text(doc, &c) {
                    assert!(p.validate().is_ok(), "{p:?}");
                }
            }
            let _ = crate::sync::client::customer_from(&row.doc_value());
        }
    }
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for c in currencies() {
        let slow = crate::sync::client::product_from(&doc, &c);
        if let Ok(p) = &slow {
            assert!(p.validate().is_ok(), "{p:?}");
        }
        // The fast reader of a page's text reads every document as the slow one does.
        if let Ok(text) = std::str::from_utf8(data) {
            let fast = crate::sync::client::product_from_text(text, &c);
            assert_eq!(
                fast.as_ref().ok(),
                slow.as_ref().ok(),
                "{text}: the fast and the slow reader disagree"
            );
            assert_eq!(
                fast.err().map(|e| e.to_string()),
                slow.err().map(|e| e.to_string())
            );
        }
    }
    let _ = crate::sync::client::customer_from(&doc);
}

/// A document a register pushes, as the hub's validator checks it (with the documents it
/// holds being none, then the document itself).
pub fn push_docs(data: &[u8]) {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = crate::hub::validate::check(&doc, &|_| None);
    let same = doc.clone();
    let _ = crate::hub::validate::check(&doc, &|_| Some(same.clone()));
}

/// A stock load (`caja hub stock import`, `caja chain stock import`): every row read keeps
/// its kind's rule (a count from zero, a receipt above zero, a correction other than zero), a
/// valid SKU, and a quantity that reads back as itself.
pub fn stock_csv(data: &[u8]) {
    use crate::csvio::StockKind;
    let Ok(rows) = crate::csvio::read_stock(data) else {
        return;
    };
    for r in rows {
        let ok = match r.kind {
            StockKind::Count => r.milli >= 0,
            StockKind::Receipt => r.milli > 0,
            StockKind::Adjust => r.milli != 0,
        };
        assert!(ok, "{r:?}");
        assert!(crate::domain::catalog::valid_code(&r.sku), "{r:?}");
        let text = crate::hub::stock::milli_text(r.milli);
        assert_eq!(crate::hub::stock::milli_of(&text), Some(r.milli));
    }
}

/// Documents as a CouchDB's `caja-docs` or the hub holds them (a JSON list), through `caja
/// chain check`'s checker and the head office's readers (the movements' journal rows, the
/// day's figures, stock): whatever a server sends, a report and no panic; a finding names a
/// document it was given.
pub fn chain_docs(data: &[u8]) {
    let Ok(serde_json::Value::Array(docs)) = serde_json::from_slice::<serde_json::Value>(data)
    else {
        return;
    };
    let mut checker = crate::hub::chain::Checker::default();
    for d in &docs {
        checker.add(d["_id"].as_str().unwrap_or_default(), d);
    }
    // What the hub's head office reads of the same documents: the journal row of the day's
    // movements (in every currency), the day's figures and the stock movements.
    for d in &docs {
        for c in currencies() {
            if let Some(row) = crate::sales_journal::JournalRow::from_json(d, &c) {
                assert_eq!(Some(row.number.as_str()), d["number"].as_str());
                let _ = crate::sales_journal::csv_cells(row, &c);
            }
        }
        let _ = crate::hub::office::facts_of(d);
        let _ = crate::hub::stock::moves_of(d);
    }
    let by_id = |id: &str| docs.iter().find(|d| d["_id"] == id).cloned();
    let report = checker.finish(&by_id);
    assert!(report.documents <= docs.len());
    let _ =
        crate::hub::chain::check_lines(&report, crate::i18n::cli_words(crate::i18n::Language::Es));
}

/// One HTTP request as the hub handles it once read: the first line is `METHOD URL`, then
/// `Name: value` headers, a blank line, and the body.
pub fn hub_request(data: &[u8]) {
    use std::sync::OnceLock;
    static HUB: OnceLock<Option<(tempfile_free::Dir, crate::hub::Hub)>> = OnceLock::new();
    let Some((_, hub)) = HUB.get_or_init(|| {
        let dir = tempfile_free::Dir::new("hub")?;
        let hub = crate::hub::Hub::open(dir.path())
            .ok()?
            .with_max_wait(std::time::Duration::ZERO);
        let _ = hub.store().add_user("FV1", "password1", false);
        let _ = hub.store().add_user("admin", "password1", true);
        Some((dir, hub))
    }) else {
        return;
    };
    let split = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or(data.len(), |i| i + 2);
    let (head, body) = data.split_at(split);
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let Some((method, url)) = lines.next().and_then(|l| l.split_once(' ')) else {
        return;
    };
    let method = match method {
        "GET" => tiny_http::Method::Get,
        "PUT" => tiny_http::Method::Put,
        "POST" => tiny_http::Method::Post,
        "DELETE" => tiny_http::Method::Delete,
        "HEAD" => tiny_http::Method::Head,
        _ => tiny_http::Method::Options,
    };
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let req = crate::hub::http::HttpRequest {
        method,
        url: url.to_string(),
        headers,
        body: body.to_vec(),
        peer: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
    };
    let reply = hub.handle(&req);
    assert!(reply.status_code().0 != 500, "the hub failed on {url}");
}

/// The three status bytes a printer answers `DLE EOT 1/2/4` with.
pub fn escpos_status(data: &[u8]) {
    if let [a, b, c, ..] = data {
        for high in [true, false] {
            let s = crate::devices::status::PrinterStatus::decode(*a, *b, *c, high);
            // A printer that cannot print is always said to be so, with why.
            assert!(s.ready() || !s.words().is_empty(), "{s:?}");
        }
    }
}

/// What a cashier types: an amount, a quantity, a discount, a usage-token challenge. An
/// amount or quantity that reads, written as the shop writes it, reads back as itself.
pub fn typed_input(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for c in currencies() {
        if let Ok(m) = c.parse_local(text) {
            assert_eq!(c.parse_local(&c.format(m)), Ok(m), "{} {text:?}", c.code);
        }
        if let Ok(q) = c.parse_qty(text) {
            assert_eq!(
                c.parse_qty(&c.format_qty(q)).ok(),
                Some(q),
                "{} {text:?}",
                c.code
            );
        }
        let _ = crate::app::parse_discount(text, &c);
    }
    let _ = crate::domain::token::parse_challenge(text);
}

/// A scanned code as the register reads a deli scale's label (Odoo's nomenclature rules).
pub fn scale_labels(data: &[u8]) {
    use crate::domain::scale::{LabelRule, LabelValue, read};
    let Ok(code) = std::str::from_utf8(data) else {
        return;
    };
    let rules = [
        LabelRule {
            prefix: "20".into(),
            item_digits: 5,
            value: LabelValue::Weight,
            decimals: 3,
        },
        LabelRule {
            prefix: "21".into(),
            item_digits: 5,
            value: LabelValue::Price,
            decimals: 0,
        },
        LabelRule {
            prefix: "2".into(),
            item_digits: 11,
            value: LabelValue::Weight,
            decimals: 9,
        },
    ];
    for decimals in [0, 2] {
        let _ = read(&rules, code, decimals);
        let _ = crate::domain::scale::why_not(&rules, code, decimals);
    }
}

/// The usage token: a challenge read off a screen and the answer typed back.
pub fn token_answer(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = crate::domain::token::parse_challenge(text) {
        let a = crate::domain::token::answer(&[7; 32], "FV1", c, 1);
        assert!(a.len() == 8 && a.bytes().all(|b| b.is_ascii_digit()), "{a}");
    }
}

/// A line on the register's control socket (`caja catalog export`, `caja customers export` and
/// `caja backup` ask a selling register through it): a request read is one that writes back to
/// the same line's meaning.
pub fn control_line(data: &[u8]) {
    use crate::store::share::Request;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(r) = Request::parse(text)
        && let Ok(line) = r.line()
    {
        assert_eq!(Request::parse(&line).as_ref(), Some(&r), "{line:?}");
    }
}

/// A backup file given to `caja restore`: verified or refused, never a panic.
pub fn backup_file(data: &[u8]) {
    let Some(dir) = tempfile_free::Dir::new("backup") else {
        return;
    };
    let path = dir.path().join("backup.redb");
    if std::fs::write(&path, data).is_ok() {
        let _ = crate::store::backup::verify_file(&path, None);
    }
}

/// A private temporary folder, removed when dropped (the library does not depend on the
/// tempfile crate).
mod tempfile_free {
    pub struct Dir(std::path::PathBuf);

    impl Dir {
        pub fn new(what: &str) -> Option<Dir> {
            use std::sync::atomic::{AtomicU64, Ordering};
            static N: AtomicU64 = AtomicU64::new(0);
            let p = std::env::temp_dir().join(format!(
                "caja-fuzz-{what}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            crate::store::files::private_dir(&p).ok()?;
            Some(Dir(p))
        }

        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
