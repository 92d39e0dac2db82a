//! Catalog CSV: `sku,barcode,name,price,tax_rate` (more `barcode` columns or `|`-separated
//! barcodes, an optional `active` column). A file with any bad row is refused whole, and the
//! error names the line, the column and the value.

use crate::domain::catalog::{Product, SoldBy};
use crate::domain::money::Currency;
use crate::domain::qty::TaxRate;
use crate::i18n::Word;
use crate::i18n::{Language, fill, store_text};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::Write;

/// What is wrong with a CSV file, and where; [`CsvError::words`] says it in a language, and
/// `Display` in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub line: u64,
    pub column: Option<String>,
    pub problem: CsvProblem,
}

/// What is wrong with a cell, a row or the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvProblem {
    /// The file cannot be read: the operating system's reason (its kind, its error number, and
    /// its English for the log).
    CannotRead {
        kind: std::io::ErrorKind,
        code: Option<i32>,
        text: String,
    },
    /// The CSV itself is malformed (the parser's reason).
    Malformed(String),
    /// No header; `header` is the one expected.
    Empty {
        header: String,
    },
    /// A column not in the file's format: `expected` lists the customers' columns; None is
    /// the catalog's.
    UnknownColumn {
        expected: Option<String>,
    },
    ColumnTwice,
    MissingColumn,
    /// A row with more fields than the header has columns (an unquoted "35,50" price).
    TooManyFields {
        found: usize,
        columns: usize,
    },
    NotUtf8,
    Amount(crate::domain::money::MoneyError),
    NegativePrice {
        price: String,
    },
    Rate(crate::domain::qty::ParseError),
    Flag {
        value: String,
    },
    SoldBy {
        value: String,
    },
    Product(crate::domain::catalog::CatalogError),
    SkuAgain {
        sku: String,
        first: u64,
    },
    BarcodeAgain {
        barcode: String,
        first: u64,
    },
    Customer(crate::domain::customer::CustomerError),
    FinalConsumer,
    CustomerAgain {
        key: String,
        first: u64,
    },
    /// A stock load's quantity that is not a number of units (up to 3 decimals), or is
    /// negative where only an adjustment may be.
    StockQty {
        value: String,
    },
    /// A stock load's kind other than count, receipt or adjust.
    StockKind {
        value: String,
    },
    /// A stock load's note with control characters or too long.
    StockNote,
    /// A SKU the catalog does not have (a stock load).
    UnknownSku {
        sku: String,
    },
    /// Where the rows go failed (the reason, already in the reader's language).
    Other(String),
}

impl CsvError {
    /// The error in `lang`: "línea 3, columna price: …".
    pub fn words(&self, lang: Language) -> String {
        use CsvProblem as P;
        let t = |key| store_text(lang, key);
        let texts = crate::i18n::texts(lang);
        let domain = |e: &(dyn std::error::Error + 'static)| {
            crate::i18n::domain_words(e, texts, None).unwrap_or_else(|| e.to_string())
        };
        let what = match &self.problem {
            P::CannotRead { kind, code, text } => {
                let e = match code {
                    Some(c) => std::io::Error::from_raw_os_error(*c),
                    None => std::io::Error::new(*kind, text.clone()),
                };
                fill(
                    t(Word::CsvCannotRead),
                    &[("detail", &crate::i18n::io_words(&e, lang))],
                )
            }
            P::Malformed(d) => d.clone(),
            P::Empty { header } => fill(t(Word::CsvEmpty), &[("header", header)]),
            P::UnknownColumn {
                expected: Some(expected),
            } => fill(t(Word::CsvUnknownColumn), &[("expected", expected)]),
            P::UnknownColumn { expected: None } => t(Word::CsvUnknownCatalogColumn).into(),
            P::ColumnTwice => t(Word::CsvColumnTwice).into(),
            P::MissingColumn => t(Word::CsvMissingColumn).into(),
            P::TooManyFields { found, columns } => fill(
                t(Word::CsvTooManyFields),
                &[
                    ("found", &found.to_string()),
                    ("columns", &columns.to_string()),
                ],
            ),
            P::NotUtf8 => t(Word::CsvNotUtf8).into(),
            P::Amount(e) => domain(e),
            P::NegativePrice { price } => fill(t(Word::CsvNegativePrice), &[("price", price)]),
            P::Rate(e) => domain(e),
            P::Flag { value } => fill(t(Word::CsvFlag), &[("value", value)]),
            P::SoldBy { value } => fill(t(Word::CsvSoldBy), &[("value", value)]),
            P::Product(e) => domain(e),
            P::SkuAgain { sku, first } => fill(
                t(Word::CsvSkuAgain),
                &[("sku", sku), ("first", &first.to_string())],
            ),
            P::BarcodeAgain { barcode, first } => fill(
                t(Word::CsvBarcodeAgain),
                &[("barcode", barcode), ("first", &first.to_string())],
            ),
            P::Customer(e) => domain(e),
            P::FinalConsumer => t(Word::CsvFinalConsumer).into(),
            P::CustomerAgain { key, first } => fill(
                t(Word::CsvCustomerAgain),
                &[("key", key), ("first", &first.to_string())],
            ),
            P::StockQty { value } => fill(t(Word::CsvStockQty), &[("value", value)]),
            P::StockKind { value } => fill(t(Word::CsvStockKind), &[("value", value)]),
            P::StockNote => t(Word::CsvStockNote).into(),
            P::UnknownSku { sku } => fill(t(Word::CsvUnknownSku), &[("sku", sku)]),
            P::Other(d) => d.clone(),
        };
        let line = self.line.to_string();
        match &self.column {
            Some(c) => fill(
                t(Word::CsvAtColumn),
                &[("line", &line), ("column", c), ("what", &what)],
            ),
            None => fill(t(Word::CsvAt), &[("line", &line), ("what", &what)]),
        }
    }
}

impl std::error::Error for CsvError {}

crate::i18n::display_words!(CsvError);

/// A row the CSV reader itself could not read, at its line.
fn malformed(e: csv::Error, lines: &Lines) -> CsvError {
    let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
    err(line, None, CsvProblem::Malformed(e.to_string()))
}

/// The lines of what the CSV reader has read, counted from the bytes themselves: the csv
/// crate's own count comes out one short in a file whose lines end in "\r\n". Only
/// the newlines the reader has read ahead are kept, so a file of any size needs a few KiB.
#[derive(Clone, Default)]
struct Lines(std::rc::Rc<std::cell::RefCell<LineState>>);

#[derive(Default)]
struct LineState {
    /// Where the newlines read and not yet passed are, from the start of the file.
    pending: std::collections::VecDeque<u64>,
    /// Newlines before the last row asked about.
    before: u64,
    /// Bytes before what the CSV reader sees (a byte-order mark skipped).
    skipped: u64,
}

impl Lines {
    /// The line (from 1) of the row that starts at `byte` of what the CSV reader read.
    fn line_at(&self, byte: u64) -> u64 {
        let mut s = self.0.borrow_mut();
        // A row starts after its newline, or (csv's way with "\r\n") on the "\n" itself.
        let at = byte + s.skipped;
        while s.pending.front().is_some_and(|n| *n <= at) {
            s.pending.pop_front();
            s.before += 1;
        }
        s.before + 1
    }
}

/// Passes bytes through, noting where each newline is.
struct Counting<R> {
    inner: R,
    read: u64,
    lines: Lines,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut s = self.lines.0.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                s.pending.push_back(self.read + i as u64);
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

fn err(line: u64, column: Option<&str>, problem: CsvProblem) -> CsvError {
    CsvError {
        line,
        column: column.map(str::to_string),
        problem,
    }
}

/// Spreadsheets set to Spanish save CSV with ';'. The header tells which one this file uses.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let commas = first.iter().filter(|b| **b == b',').count();
    let semis = first.iter().filter(|b| **b == b';').count();
    if semis > commas { b';' } else { b',' }
}

/// A reader over a CSV file as shops save it: a UTF-8 byte-order mark skipped, `,` or `;`
/// as the header uses, rows of any length (checked by the caller, who names the column).
fn reader(bytes: &[u8]) -> (csv::Reader<Counting<&[u8]>>, Lines) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let lines = Lines::default();
    let counting = Counting {
        inner: bytes,
        read: 0,
        lines: lines.clone(),
    };
    let rdr = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(bytes))
        .flexible(true)
        .has_headers(false)
        .from_reader(counting);
    (rdr, lines)
}

/// Reads a catalog CSV. Prices are in major units as the shop writes them.
pub fn read_catalog(bytes: &[u8], currency: &Currency) -> Result<Vec<Product>, CsvError> {
    let mut products = Vec::new();
    read_catalog_each(bytes, currency, |p| {
        products.push(p);
        Ok(())
    })?;
    Ok(products)
}

/// Reads a catalog CSV from a file or any reader, handing each product to `each` as its row is
/// read: memory holds one row and, to find a SKU or barcode that appears twice, a 12-byte
/// fingerprint per row, so a catalog of any size is read in a few MiB. An error from `each`
/// stops the reading.
pub fn read_catalog_each(
    input: impl std::io::Read,
    currency: &Currency,
    mut each: impl FnMut(Product) -> Result<(), CsvError>,
) -> Result<u64, CsvError> {
    read_catalog_rows(input, currency, |p, _| each(p)).map(|(n, _)| n)
}

/// As [`read_catalog_each`], with each row's `min_stock` (the optional column the head office
/// keeps a product's lowest stock in; a register has no use for it) in thousandths of a unit.
/// Returns the rows read and whether the file has that column.
pub fn read_catalog_rows(
    input: impl std::io::Read,
    currency: &Currency,
    mut each: impl FnMut(Product, Option<i64>) -> Result<(), CsvError>,
) -> Result<(u64, bool), CsvError> {
    use std::io::BufRead;
    let lines = Lines::default();
    let counting = Counting {
        inner: input,
        read: 0,
        lines: lines.clone(),
    };
    let mut input = std::io::BufReader::with_capacity(64 * 1024, counting);
    let head = input.fill_buf().map_err(|e| {
        let problem = CsvProblem::CannotRead {
            kind: e.kind(),
            code: e.raw_os_error(),
            text: e.to_string(),
        };
        err(1, None, problem)
    })?;
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let delimiter = sniff_delimiter(if bom { &head[3..] } else { head });
    if bom {
        input.consume(3);
        lines.0.borrow_mut().skipped = 3;
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(input);
    let mut records = rdr.byte_records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(err(1, None, CsvProblem::Malformed(e.to_string()))),
        None => {
            return Err(err(
                1,
                None,
                CsvProblem::Empty {
                    header: "sku,barcode,name,price,tax_rate".into(),
                },
            ));
        }
    };
    let mut cols: HashMap<&'static str, usize> = HashMap::new();
    let mut barcode_cols = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
        let key = match name.as_str() {
            "sku" => "sku",
            "name" => "name",
            "price" => "price",
            "tax_rate" => "tax_rate",
            "active" => "active",
            "sold_by" => "sold_by",
            "open_price" => "open_price",
            "min_stock" => "min_stock",
            "barcode" => {
                barcode_cols.push(i);
                continue;
            }
            other => {
                return Err(err(
                    1,
                    Some(other),
                    CsvProblem::UnknownColumn { expected: None },
                ));
            }
        };
        if cols.insert(key, i).is_some() {
            return Err(err(1, Some(key), CsvProblem::ColumnTwice));
        }
    }
    for need in ["sku", "name", "price", "tax_rate"] {
        if !cols.contains_key(need) {
            return Err(err(1, Some(need), CsvProblem::MissingColumn));
        }
    }
    // Fingerprints (a randomly keyed SipHash) of the SKUs and barcodes seen, with their line:
    // two different codes share one with a chance of about one in 30 million for a million
    // rows, and then the file is refused naming both lines, never applied wrongly.
    let keyed = std::collections::hash_map::RandomState::new();
    let mut sku_line: HashMap<u64, u32> = HashMap::new();
    let mut barcode_line: HashMap<u64, u32> = HashMap::new();
    let mut count = 0u64;
    for rec in records {
        let rec = rec.map_err(|e| malformed(e, &lines))?;
        let line = rec.position().map_or(0, |p| lines.line_at(p.byte()));
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        // Fewer fields are trailing optional columns left out; more are a misread row.
        if rec.len() > header.len() {
            return Err(err(
                line,
                None,
                CsvProblem::TooManyFields {
                    found: rec.len(),
                    columns: header.len(),
                },
            ));
        }
        let field = |key: &'static str| -> Result<String, CsvError> {
            let raw = cols.get(key).and_then(|i| rec.get(*i)).unwrap_or(&[]);
            std::str::from_utf8(raw)
                .map(|s| s.trim().to_string())
                .map_err(|_| err(line, Some(key), CsvProblem::NotUtf8))
        };
        let sku = field("sku")?;
        let name = field("name")?;
        let price_s = field("price")?;
        let price = currency
            .parse_local(&price_s)
            .map_err(|e| err(line, Some("price"), CsvProblem::Amount(e)))?;
        if price.is_negative() {
            return Err(err(
                line,
                Some("price"),
                CsvProblem::NegativePrice { price: price_s },
            ));
        }
        let rate_s = field("tax_rate")?;
        let tax_rate = TaxRate::parse_percent(&rate_s)
            .map_err(|e| err(line, Some("tax_rate"), CsvProblem::Rate(e)))?;
        let flag = |key: &'static str, empty: bool| -> Result<bool, CsvError> {
            match field(key)?.to_ascii_lowercase().as_str() {
                "" => Ok(empty),
                "1" | "true" | "yes" | "si" | "sí" => Ok(true),
                "0" | "false" | "no" => Ok(false),
                other => Err(err(
                    line,
                    Some(key),
                    CsvProblem::Flag {
                        value: other.to_string(),
                    },
                )),
            }
        };
        let active = flag("active", true)?;
        let open_price = flag("open_price", false)?;
        let sold_by_s = field("sold_by")?;
        let sold_by = SoldBy::parse(&sold_by_s).ok_or_else(|| {
            err(
                line,
                Some("sold_by"),
                CsvProblem::SoldBy {
                    value: sold_by_s.clone(),
                },
            )
        })?;
        // The head office's lowest stock: empty, zero or a positive quantity.
        let min_s = field("min_stock")?;
        let min_stock = match min_s.as_str() {
            "" => None,
            m if m.trim_start_matches('0').is_empty() => Some(0),
            m => Some(
                crate::domain::qty::Qty::parse(m)
                    .map_err(|_| {
                        err(
                            line,
                            Some("min_stock"),
                            CsvProblem::StockQty {
                                value: min_s.clone(),
                            },
                        )
                    })?
                    .milli(),
            ),
        };
        let mut barcodes: Vec<String> = Vec::new();
        for i in &barcode_cols {
            let raw = rec.get(*i).unwrap_or(&[]);
            let cell = std::str::from_utf8(raw)
                .map_err(|_| err(line, Some("barcode"), CsvProblem::NotUtf8))?;
            for b in cell.split('|').map(str::trim).filter(|b| !b.is_empty()) {
                if !barcodes.iter().any(|x| x == b) {
                    barcodes.push(b.to_string());
                }
            }
        }
        let p = Product {
            sku: sku.clone(),
            name,
            barcodes,
            price,
            tax_rate,
            active,
            sold_by,
            open_price,
        };
        p.validate().map_err(|e| {
            let col = match e {
                crate::domain::catalog::CatalogError::BadSku(_) => "sku",
                crate::domain::catalog::CatalogError::BadBarcode(_) => "barcode",
                crate::domain::catalog::CatalogError::NameEmpty
                | crate::domain::catalog::CatalogError::NameTooLong(_)
                | crate::domain::catalog::CatalogError::NameControl { .. } => "name",
                crate::domain::catalog::CatalogError::NegativePrice => "price",
            };
            err(line, Some(col), CsvProblem::Product(e))
        })?;
        let line32 = u32::try_from(line).unwrap_or(u32::MAX);
        if let Some(first) = sku_line.insert(keyed.hash_one(sku.as_str()), line32) {
            return Err(err(
                line,
                Some("sku"),
                CsvProblem::SkuAgain {
                    sku,
                    first: u64::from(first),
                },
            ));
        }
        for b in &p.barcodes {
            if let Some(first) = barcode_line.insert(keyed.hash_one(b.as_str()), line32) {
                return Err(err(
                    line,
                    Some("barcode"),
                    CsvProblem::BarcodeAgain {
                        barcode: b.clone(),
                        first: u64::from(first),
                    },
                ));
            }
        }
        each(p, min_stock)?;
        count += 1;
    }
    Ok((count, cols.contains_key("min_stock")))
}

/// Writes a catalog CSV that [`read_catalog`] reads back unchanged.
pub fn write_catalog<W: Write>(
    out: W,
    currency: &Currency,
    products: impl IntoIterator<Item = Product>,
) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "sku",
        "barcode",
        "name",
        "price",
        "tax_rate",
        "active",
        "sold_by",
        "open_price",
    ])?;
    for p in products {
        w.write_record([
            p.sku.as_str(),
            &p.barcodes.join("|"),
            p.name.as_str(),
            &currency.to_decimal(p.price),
            &p.tax_rate.to_string(),
            if p.active { "true" } else { "false" },
            p.sold_by.as_str(),
            if p.open_price { "true" } else { "false" },
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The demo catalog offered at first-run: everyday goods of a Colombian corner shop, priced in
/// COP. Other currencies get the same goods at a plausible price.
pub fn demo_catalog(currency: &Currency) -> Vec<Product> {
    let cop = Currency::cop();
    // The demo file is part of the binary and covered by a test.
    let mut v = read_catalog(include_bytes!("demo_catalog.csv"), &cop).unwrap_or_default();
    if currency.decimals == 2 {
        for p in &mut v {
            // Roughly 1 MXN per 200 COP, to the nearest 50 centavos.
            p.price = crate::domain::Money::from_minor((p.price.minor() + 50) / 100 * 50);
        }
    }
    v
}

/// The columns of a customers CSV, in order (README.md, "Commands").
pub const CUSTOMER_COLUMNS: [&str; 6] = [
    "doc_type",
    "doc_number",
    "name",
    "phone",
    "email",
    "address",
];

/// Reads a customers CSV: every row checked (a NIT's check digit included); the first bad row
/// fails the whole file with its line and column.
/// The header line of a CSV whose columns are `columns`, in any order: each column's place.
/// An empty file, an unknown or repeated column, or one of `required` missing is refused on
/// line 1, naming it.
fn header_columns(
    records: &mut impl Iterator<Item = Result<csv::ByteRecord, csv::Error>>,
    columns: &[&'static str],
    required: &[&'static str],
) -> Result<HashMap<&'static str, usize>, CsvError> {
    let expected = columns.join(",");
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(err(1, None, CsvProblem::Malformed(e.to_string()))),
        None => return Err(err(1, None, CsvProblem::Empty { header: expected })),
    };
    let mut cols: HashMap<&'static str, usize> = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
        let Some(key) = columns.iter().find(|c| **c == name) else {
            return Err(err(
                1,
                Some(&name),
                CsvProblem::UnknownColumn {
                    expected: Some(expected),
                },
            ));
        };
        if cols.insert(key, i).is_some() {
            return Err(err(1, Some(key), CsvProblem::ColumnTwice));
        }
    }
    for need in required {
        if !cols.contains_key(need) {
            return Err(err(1, Some(need), CsvProblem::MissingColumn));
        }
    }
    Ok(cols)
}

pub fn read_customers(bytes: &[u8]) -> Result<Vec<crate::domain::customer::Customer>, CsvError> {
    use crate::domain::customer::{Customer, CustomerError};
    let (mut rdr, lines) = reader(bytes);
    let mut records = rdr.byte_records();
    let cols = header_columns(
        &mut records,
        &CUSTOMER_COLUMNS,
        &["doc_type", "doc_number", "name"],
    )?;
    let mut out = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for rec in records {
        let rec = rec.map_err(|e| malformed(e, &lines))?;
        let line = rec.position().map_or(0, |p| lines.line_at(p.byte()));
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let mut v: Vec<String> = Vec::with_capacity(6);
        for key in CUSTOMER_COLUMNS {
            let raw = cols.get(key).and_then(|i| rec.get(*i)).unwrap_or(&[]);
            let s =
                std::str::from_utf8(raw).map_err(|_| err(line, Some(key), CsvProblem::NotUtf8))?;
            v.push(s.trim().to_string());
        }
        let c = Customer::new(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]).map_err(|e| {
            let column = match e {
                CustomerError::UnknownType(_) => "doc_type",
                CustomerError::BadName => "name",
                CustomerError::BadPhone(_) => "phone",
                CustomerError::BadEmail(_) => "email",
                CustomerError::BadAddress => "address",
                CustomerError::Control(what) => what.trim_start_matches("the "),
                _ => "doc_number",
            };
            err(line, Some(column), CsvProblem::Customer(e))
        })?;
        if c.is_final_consumer() {
            return Err(err(line, Some("doc_type"), CsvProblem::FinalConsumer));
        }
        if let Some(first) = seen.insert(c.key(), line) {
            return Err(err(
                line,
                Some("doc_number"),
                CsvProblem::CustomerAgain {
                    key: c.key(),
                    first,
                },
            ));
        }
        out.push(c);
    }
    Ok(out)
}

/// The columns of a stock load (`caja hub stock import`, `caja chain stock import`).
pub const STOCK_COLUMNS: [&str; 4] = ["sku", "quantity", "kind", "note"];

/// What a stock load's row does to a product's on-hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockKind {
    /// What is on the shelf now: the on-hand becomes this.
    Count,
    /// Goods received: added.
    Receipt,
    /// A signed correction: added.
    Adjust,
}

impl StockKind {
    pub fn code(self) -> &'static str {
        match self {
            StockKind::Count => "count",
            StockKind::Receipt => "receipt",
            StockKind::Adjust => "adjust",
        }
    }

    pub fn from_code(s: &str) -> Option<StockKind> {
        match s {
            "count" => Some(StockKind::Count),
            "receipt" => Some(StockKind::Receipt),
            "adjust" => Some(StockKind::Adjust),
            _ => None,
        }
    }
}

/// One row of a stock load: its line, the SKU, the quantity in thousandths of a unit
/// (signed only for an adjustment), its kind and its note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockRow {
    pub line: u64,
    pub sku: String,
    pub milli: i64,
    pub kind: StockKind,
    pub note: String,
}

/// Reads a stock load: a header `sku,quantity,kind,note` (note optional) and one row per
/// movement. Quantities have up to 3 decimals (a point or a comma); a count and a receipt are
/// never negative, an adjustment never zero. Nothing is read from a file with a bad row: the
/// error names its line and column.
pub fn read_stock(bytes: &[u8]) -> Result<Vec<StockRow>, CsvError> {
    let (mut rdr, lines) = reader(bytes);
    let mut records = rdr.byte_records();
    let cols = header_columns(&mut records, &STOCK_COLUMNS, &["sku", "quantity", "kind"])?;
    let mut out = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| malformed(e, &lines))?;
        let line = rec.position().map_or(0, |p| lines.line_at(p.byte()));
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let field = |key: &'static str| -> Result<String, CsvError> {
            let raw = cols.get(key).and_then(|i| rec.get(*i)).unwrap_or(&[]);
            std::str::from_utf8(raw)
                .map(|s| s.trim().to_string())
                .map_err(|_| err(line, Some(key), CsvProblem::NotUtf8))
        };
        let sku = field("sku")?;
        if !crate::domain::catalog::valid_code(&sku) {
            return Err(err(
                line,
                Some("sku"),
                CsvProblem::Product(crate::domain::catalog::CatalogError::BadSku(sku)),
            ));
        }
        let kind_text = field("kind")?.to_ascii_lowercase();
        let kind = StockKind::from_code(&kind_text).ok_or_else(|| {
            err(
                line,
                Some("kind"),
                CsvProblem::StockKind { value: kind_text },
            )
        })?;
        let qty_text = field("quantity")?;
        let bad_qty = || {
            err(
                line,
                Some("quantity"),
                CsvProblem::StockQty {
                    value: qty_text.clone(),
                },
            )
        };
        let (neg, digits) = match qty_text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, qty_text.as_str()),
        };
        let milli = match digits {
            "0" | "0.0" | "0.00" | "0.000" | "0,0" | "0,00" | "0,000" => 0,
            d => crate::domain::qty::Qty::parse(d)
                .map_err(|_| bad_qty())?
                .milli(),
        };
        let milli = if neg { -milli } else { milli };
        let ok = match kind {
            StockKind::Count => milli >= 0,
            StockKind::Receipt => milli > 0,
            StockKind::Adjust => milli != 0,
        };
        if !ok || (neg && milli == 0) {
            return Err(bad_qty());
        }
        let note = field("note")?;
        if note.chars().any(char::is_control) || note.chars().count() > 200 {
            return Err(err(line, Some("note"), CsvProblem::StockNote));
        }
        out.push(StockRow {
            line,
            sku,
            milli,
            kind,
            note,
        });
    }
    Ok(out)
}

/// Writes customers as the same CSV `read_customers` reads.
pub fn write_customers<W: Write>(
    out: W,
    customers: impl IntoIterator<Item = crate::domain::customer::Customer>,
) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CUSTOMER_COLUMNS)?;
    for c in customers {
        w.write_record([
            c.doc_type.code(),
            c.doc_number.as_str(),
            c.name.as_str(),
            c.phone.as_str(),
            c.email.as_str(),
            c.address.as_str(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;

    fn cop() -> Currency {
        Currency::by_code("COP").unwrap()
    }

    /// The head office's `min_stock` column: a register's import reads the file as ever (and
    /// keeps no minimum); the hub reads each row's minimum in thousandths.
    #[test]
    fn a_catalog_may_carry_each_products_minimum_stock() {
        let csv = b"sku,name,price,tax_rate,min_stock\nA1,Arroz,3500,5,2.5\nB2,Sal,1500,0,\nC3,Agua,900,0,0\n";
        assert_eq!(read_catalog(csv, &cop()).unwrap().len(), 3);
        let mut mins = Vec::new();
        let (n, has) = read_catalog_rows(&csv[..], &cop(), |p, m| {
            mins.push((p.sku, m));
            Ok(())
        })
        .unwrap();
        assert_eq!((n, has), (3, true));
        assert_eq!(
            mins,
            [
                ("A1".into(), Some(2500)),
                ("B2".into(), None),
                ("C3".into(), Some(0))
            ]
        );
        let bad = b"sku,name,price,tax_rate,min_stock\nA1,Arroz,3500,5,-1\n";
        let e = read_catalog(bad, &cop()).unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (2, Some("min_stock")));
        let (_, has) = read_catalog_rows(
            &b"sku,name,price,tax_rate\nA1,Arroz,3500,5\n"[..],
            &cop(),
            |_, _| Ok(()),
        )
        .unwrap();
        assert!(!has);
    }

    #[test]
    fn reads_the_documented_format() {
        let csv = "sku,barcode,name,price,tax_rate\nARZ1,7702001012345|7702001012346,Arroz Diana 500g,3.500,19\nPAN,,Pan tajado,\"4.500\",0\n";
        let v = read_catalog(csv.as_bytes(), &cop()).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].barcodes, vec!["7702001012345", "7702001012346"]);
        assert_eq!(v[0].price, Money::from_minor(3_500));
        assert_eq!(v[0].tax_rate, TaxRate::from_bp(1900));
        assert_eq!(v[1].price, Money::from_minor(4_500));
        assert!(v[1].barcodes.is_empty());
    }

    #[test]
    fn a_row_with_more_fields_than_the_header_is_refused_with_its_line() {
        // "35,50" unquoted: a price with a decimal comma split in two.
        let csv = "sku,barcode,name,price,tax_rate\nARZ1,,Arroz,3.500,19\nREF,,Refresco,35,50,16\n";
        let e = read_catalog(csv.as_bytes(), &cop()).unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(
            e.words(Language::Es),
            "línea 3: la fila tiene 6 campos y el encabezado 5 columnas (¿un precio con coma decimal sin comillas?)"
        );
        // Fewer fields are trailing optional columns left out, as the demo catalog has.
        let short = "sku,barcode,name,price,tax_rate,sold_by\nARZ1,,Arroz,3.500,19\n";
        assert!(read_catalog(short.as_bytes(), &cop()).is_ok());
    }

    #[test]
    fn line_numbers_are_the_same_with_lf_and_crlf_and_a_control_character_is_named() {
        let lf = "sku,barcode,name,price,tax_rate\nA,,Uno,1,0\nB,,Dos,2,0\nC,,Tr\u{7}es,3,0\n";
        let crlf = lf.replace('\n', "\r\n");
        for csv in [lf.to_string(), crlf] {
            let e = read_catalog(csv.as_bytes(), &cop()).unwrap_err();
            assert_eq!(e.line, 4, "{csv:?}");
            assert_eq!(
                e.words(Language::En),
                "line 4, column name: the name has a control character at position 3"
            );
        }
        let e = read_catalog(
            "sku,barcode,name,price,tax_rate\r\nA,,Uno,x,0\r\n".as_bytes(),
            &cop(),
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn sold_by_and_open_price_are_read_written_and_checked() {
        use crate::domain::catalog::SoldBy;
        let csv = "sku,barcode,name,price,tax_rate,sold_by,open_price\nQ,,Queso por kilo,18.000,0,weight,\nV,,Varios,0,19,,yes\nA,,Arroz,2.900,0\n";
        let v = read_catalog(csv.as_bytes(), &cop()).unwrap();
        assert_eq!((v[0].sold_by, v[0].open_price), (SoldBy::Weight, false));
        assert_eq!((v[1].sold_by, v[1].open_price), (SoldBy::Unit, true));
        assert_eq!((v[2].sold_by, v[2].open_price), (SoldBy::Unit, false));
        let mut out = Vec::new();
        write_catalog(&mut out, &cop(), v.clone()).unwrap();
        assert_eq!(
            read_catalog(&out, &cop()).unwrap(),
            v,
            "written and read back the same"
        );
        let e = read_catalog(
            b"sku,barcode,name,price,tax_rate,sold_by\nA,1,Uno,100,19,litre\n",
            &cop(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 2") && e.contains("sold_by") && e.contains("litre"),
            "{e}"
        );
    }

    #[test]
    fn extra_barcode_columns_and_semicolons() {
        let csv = "\u{feff}SKU;Barcode;Barcode;Name;Price;Tax_Rate\nA;111;222;Azúcar;2500;5\n";
        let v = read_catalog(csv.as_bytes(), &cop()).unwrap();
        assert_eq!(v[0].barcodes, vec!["111", "222"]);
        assert_eq!(v[0].name, "Azúcar");
    }

    #[test]
    fn errors_name_line_column_and_value() {
        let e = read_catalog(
            b"sku,barcode,name,price,tax_rate\nA,1,Uno,100,19\nB,2,Dos,12x,19\n",
            &cop(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (3, Some("price")));
        assert!(e.to_string().contains("12x"), "{e}");
        // "4,500" could be 4.5 or 4500 pesos: refused, never guessed.
        let e = read_catalog(
            b"sku,barcode,name,price,tax_rate\nA,1,Uno,\"4,500\",19\n",
            &cop(),
        )
        .unwrap_err();
        assert_eq!(e.column.as_deref(), Some("price"));
        let e = read_catalog(
            b"sku,barcode,name,price,tax_rate\nA,1,Uno,100,19\nB,1,Dos,100,19\n",
            &cop(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (3, Some("barcode")));
        let e = read_catalog(
            b"sku,barcode,name,price,tax_rate\nA,1,Uno,100,190\n",
            &cop(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (2, Some("tax_rate")));
        let e = read_catalog(b"sku,barcode,name,price\n", &cop()).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("tax_rate"));
        let e = read_catalog(
            b"sku,barcode,name,price,tax_rate\nA,1,Caf\xe9,100,19\n",
            &cop(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (2, Some("name")));
        let e = read_catalog(
            b"sku,barcode,name,price,tax_rate\nA B,1,Uno,100,19\n",
            &cop(),
        )
        .unwrap_err();
        assert_eq!(e.column.as_deref(), Some("sku"));
    }

    #[test]
    fn export_reads_back_the_same() {
        let v = demo_catalog(&cop());
        assert!(v.len() >= 30);
        let mut out = Vec::new();
        write_catalog(&mut out, &cop(), v.clone()).unwrap();
        assert_eq!(read_catalog(&out, &cop()).unwrap(), v);
        let mxn = Currency::by_code("MXN").unwrap();
        let m = demo_catalog(&mxn);
        assert_eq!(m.len(), v.len());
        let mut out = Vec::new();
        write_catalog(&mut out, &mxn, m.clone()).unwrap();
        assert_eq!(read_catalog(&out, &mxn).unwrap(), m);
    }

    #[test]
    fn a_stock_load_reads_each_kind_and_names_a_bad_row() {
        let rows = read_stock(
            b"SKU,Quantity,Kind,Note\nA1,0,count,shelf empty\nB2,\"2,5\",receipt,\nA1,-1.125,adjust,broken\n\n",
        )
        .unwrap();
        assert_eq!(
            rows.iter()
                .map(|r| (r.line, r.sku.as_str(), r.milli, r.kind))
                .collect::<Vec<_>>(),
            [
                (2, "A1", 0, StockKind::Count),
                (3, "B2", 2_500, StockKind::Receipt),
                (4, "A1", -1_125, StockKind::Adjust),
            ]
        );
        assert_eq!(rows[2].note, "broken");
        // The note is optional; a count below zero, a receipt of nothing, a correction of
        // nothing, four decimals and a kind not known are each named at their line.
        assert!(read_stock(b"sku,quantity,kind\nA1,3,count\n").is_ok());
        for (body, line, column) in [
            ("A1,-1,count", 2, "quantity"),
            ("A1,0,receipt", 2, "quantity"),
            ("A1,0,adjust", 2, "quantity"),
            ("A1,1.2345,receipt", 2, "quantity"),
            ("A1,1,sold", 2, "kind"),
            ("bad sku,1,count", 2, "sku"),
        ] {
            let e = read_stock(format!("sku,quantity,kind\n{body}\n").as_bytes()).unwrap_err();
            assert_eq!(
                (e.line, e.column.as_deref()),
                (line, Some(column)),
                "{body}"
            );
        }
        let e = read_stock(b"sku,quantity\nA1,1\n").unwrap_err();
        assert_eq!(e.problem, CsvProblem::MissingColumn);
    }
}
