//! The catalog: products by SKU, a barcode index, and a word-prefix index for name search.
//! A whole import or pull is applied in one transaction: on any error the old catalog stays.

use super::batch::{TableBatch, WordBatch};
use super::codec::{ProductRecord, decode, encode};
use super::history::PullEntry;
use super::tables::{BARCODES, NAME_WORDS, PRODUCTS};
use super::{Store, StoreError};
use crate::domain::catalog::{
    Product, name_matches, prefix_sketch, query_sketch, search_words, valid_code,
};
use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction};
use std::collections::HashSet;

/// How a catalog is applied.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ApplyMode {
    /// Add new products and replace the ones with the same SKU; keep the rest.
    Upsert,
    /// Wipe the catalog and load exactly what is given.
    Replace,
}

/// What applying a catalog did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    pub total: u64,
}

pub(super) fn decode_product(bytes: &[u8], sku: &str) -> Result<Product, StoreError> {
    Ok(decode::<ProductRecord>(bytes, &format!("product {sku}"))?.product())
}

/// Walks a word index ("word\0KEY" -> the name's prefix sketch) for the keys with a word
/// starting with the longest query word (it narrows the most) and a sketch that can hold the
/// other words, each once, until `f` says stop. `f` checks the words on the record it loads.
pub(super) fn word_search(
    index: &impl ReadableTable<&'static str, u64>,
    query: &[String],
    mut f: impl FnMut(&str) -> Result<bool, StoreError>,
) -> Result<(), StoreError> {
    let Some(longest) = query.iter().max_by_key(|w| w.len()) else {
        return Ok(());
    };
    let want = query_sketch(query);
    let mut seen = HashSet::new();
    for row in index.range(longest.as_str()..)? {
        let (k, sketch) = row?;
        let wk = k.value();
        if !wk.starts_with(longest.as_str()) {
            break;
        }
        if sketch.value() & want != want {
            continue;
        }
        let Some((_, key)) = wk.split_once('\u{0}') else {
            continue;
        };
        if !seen.insert(key.to_string()) {
            continue;
        }
        if !f(key)? {
            break;
        }
    }
    Ok(())
}

/// Whether a name has a word starting with each word of the query.
pub(super) fn name_has(name: &str, query: &[String]) -> bool {
    query.len() < 2 || name_matches(&search_words(name), query)
}

/// Writes a product and indexes its barcodes and name words, one at a time (the rebuild of a
/// damaged store). A barcode another product holds is refused.
pub(super) fn store_indexed(
    table: &mut redb::Table<&str, &[u8]>,
    barcodes: &mut redb::Table<&str, &str>,
    words: &mut redb::Table<&'static str, u64>,
    p: &Product,
) -> Result<(), StoreError> {
    for b in &p.barcodes {
        if let Some(owner) = barcodes.insert(b.as_str(), p.sku.as_str())? {
            let owner = owner.value().to_string();
            if owner != p.sku {
                return Err(StoreError::BarcodeTaken {
                    barcode: b.clone(),
                    sku: owner,
                });
            }
        }
    }
    let folded = search_words(&p.name);
    let sketch = prefix_sketch(&folded);
    for w in &folded {
        words.insert(format!("{w}\u{0}{}", p.sku).as_str(), sketch)?;
    }
    table.insert(
        p.sku.as_str(),
        encode(&ProductRecord::V2(p.clone()))?.as_slice(),
    )?;
    Ok(())
}

/// The catalog's three tables inside a write transaction, with the changes not written yet
/// (see `batch`): every read answers from those changes first, so a pull reads what it wrote.
struct CatalogWriter<'t> {
    products: redb::Table<'t, &'static str, &'static [u8]>,
    barcodes: redb::Table<'t, &'static str, &'static str>,
    words: redb::Table<'t, &'static str, u64>,
    new_products: TableBatch<Vec<u8>>,
    new_barcodes: TableBatch<String>,
    new_words: WordBatch,
}

impl<'t> CatalogWriter<'t> {
    fn open(tx: &'t WriteTransaction) -> Result<Self, StoreError> {
        let products = tx.open_table(PRODUCTS)?;
        let barcodes = tx.open_table(BARCODES)?;
        Ok(CatalogWriter {
            new_products: TableBatch::new(products.len()?),
            new_barcodes: TableBatch::new(barcodes.len()?),
            products,
            barcodes,
            words: tx.open_table(NAME_WORDS)?,
            new_words: WordBatch::default(),
        })
    }

    /// The product a SKU holds now.
    fn product(&self, sku: &str) -> Result<Option<Product>, StoreError> {
        match self.new_products.pending(sku) {
            Some(bytes) => bytes.map(|b| decode_product(b, sku)).transpose(),
            None => self
                .products
                .get(sku)?
                .map(|v| decode_product(v.value(), sku))
                .transpose(),
        }
    }

    /// The SKU a barcode belongs to now.
    fn owner(&self, barcode: &str) -> Result<Option<String>, StoreError> {
        Ok(match self.new_barcodes.pending(barcode) {
            Some(owner) => owner.cloned(),
            None => self.barcodes.get(barcode)?.map(|v| v.value().to_string()),
        })
    }

    /// Writes a (validated) product; returns the version it replaces.
    fn put(&mut self, p: &Product) -> Result<Option<Product>, StoreError> {
        let current = self.product(&p.sku)?;
        self.new_products
            .put(&p.sku, encode(&ProductRecord::V2(p.clone()))?);
        Ok(current)
    }

    /// Removes a SKU; returns the product it held.
    fn remove(&mut self, sku: &str) -> Result<Option<Product>, StoreError> {
        let current = self.product(sku)?;
        if current.is_some() {
            self.new_products.remove(sku);
        }
        Ok(current)
    }

    /// Takes a product's barcodes (those still its own) out of the barcode index.
    fn unindex_barcodes(&mut self, p: &Product) -> Result<(), StoreError> {
        for b in &p.barcodes {
            if self.owner(b)?.is_some_and(|o| o == p.sku) {
                self.new_barcodes.remove(b);
            }
        }
        Ok(())
    }

    /// Takes a product out of both indexes.
    fn unindex(&mut self, p: &Product) -> Result<(), StoreError> {
        self.unindex_barcodes(p)?;
        for w in search_words(&p.name) {
            self.new_words.remove(&w, &p.sku);
        }
        Ok(())
    }

    /// Indexes a product's barcodes and name words. A barcode another product holds is
    /// refused.
    fn index(&mut self, p: &Product) -> Result<(), StoreError> {
        for b in &p.barcodes {
            if let Some(owner) = self.owner(b)?
                && owner != p.sku
            {
                return Err(StoreError::BarcodeTaken {
                    barcode: b.clone(),
                    sku: owner,
                });
            }
            self.new_barcodes.put(b, p.sku.clone());
        }
        let folded = search_words(&p.name);
        let sketch = prefix_sketch(&folded);
        for w in &folded {
            self.new_words.put(w, &p.sku, sketch);
        }
        Ok(())
    }

    /// Writes out whichever batch has grown to its size.
    fn flush_full(&mut self) -> Result<(), StoreError> {
        if self.new_products.full() {
            self.new_products.flush(&mut self.products)?;
        }
        if self.new_barcodes.full() {
            self.new_barcodes.flush(&mut self.barcodes)?;
        }
        if self.new_words.full() {
            self.new_words.flush(&mut self.words)?;
        }
        Ok(())
    }

    /// Writes out every change; returns the number of products.
    fn finish(mut self) -> Result<u64, StoreError> {
        self.new_products.flush(&mut self.products)?;
        self.new_barcodes.flush(&mut self.barcodes)?;
        self.new_words.flush(&mut self.words)?;
        Ok(self.products.len()?)
    }
}

/// One change of a pull, as spooled to disk.
#[derive(serde::Serialize, serde::Deserialize)]
enum SpoolRecord {
    Put(Product),
    Remove(String),
    PutCustomer(crate::domain::customer::Customer, i64),
    RemoveCustomer(String),
}

/// A catalog pull on its way in: each validated change goes to a file beside the store as it
/// arrives, so a 100,000-item pull holds one page in memory, not the catalog. Applied by
/// [`Store::apply_pull`]; dropped unapplied, the file is removed.
pub struct PullSpool {
    path: std::path::PathBuf,
    out: Option<std::io::BufWriter<std::fs::File>>,
    /// Products put and SKUs removed so far.
    pub puts: u64,
    pub removes: u64,
    /// Customers put or removed.
    pub customers: u64,
}

impl PullSpool {
    fn write(&mut self, rec: &SpoolRecord) -> Result<(), StoreError> {
        use std::io::Write;
        let bytes = encode(rec)?;
        let len = u32::try_from(bytes.len())
            .map_err(|_| StoreError::Invalid("a catalog record over 4 GiB".into()))?;
        let out = self
            .out
            .as_mut()
            .ok_or_else(|| StoreError::Invalid("the pull spool is closed".into()))?;
        out.write_all(&len.to_le_bytes())
            .and_then(|()| out.write_all(&bytes))
            .map_err(|e| spool_io(&self.path, e))
    }

    pub fn put(&mut self, p: &Product) -> Result<(), StoreError> {
        self.puts += 1;
        // A borrowed record would need a second type; products are small.
        self.write(&SpoolRecord::Put(p.clone()))
    }

    pub fn put_customer(
        &mut self,
        c: crate::domain::customer::Customer,
        points: i64,
    ) -> Result<(), StoreError> {
        self.customers += 1;
        self.write(&SpoolRecord::PutCustomer(c, points))
    }

    pub fn remove_customer(&mut self, key: &str) -> Result<(), StoreError> {
        self.customers += 1;
        self.write(&SpoolRecord::RemoveCustomer(key.to_string()))
    }

    pub fn remove(&mut self, sku: &str) -> Result<(), StoreError> {
        self.removes += 1;
        self.write(&SpoolRecord::Remove(sku.to_string()))
    }

    fn finish(mut self) -> Result<std::path::PathBuf, StoreError> {
        use std::io::Write;
        if let Some(mut out) = self.out.take() {
            out.flush().map_err(|e| spool_io(&self.path, e))?;
        }
        Ok(std::mem::take(&mut self.path))
    }
}

impl Drop for PullSpool {
    fn drop(&mut self) {
        if self.out.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn spool_io(path: &std::path::Path, e: std::io::Error) -> StoreError {
    StoreError::Io(std::io::Error::new(
        e.kind(),
        format!("{}: {e}", path.display()),
    ))
}

fn read_spool(
    path: &std::path::Path,
    mut f: impl FnMut(SpoolRecord) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    use std::io::Read;
    let io = |e: std::io::Error| spool_io(path, e);
    let mut r = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
    let mut buf = Vec::new();
    loop {
        let mut len = [0u8; 4];
        match r.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(io(e)),
        }
        buf.resize(u32::from_le_bytes(len) as usize, 0);
        r.read_exact(&mut buf).map_err(io)?;
        f(decode(&buf, "a spooled catalog record")?)?;
    }
}

impl Store {
    /// Starts spooling a catalog pull to a file beside the store.
    pub fn pull_spool(&self) -> Result<PullSpool, StoreError> {
        let path = self.path().with_file_name("catalog-pull.spool");
        let file = std::fs::File::create(&path).map_err(|e| spool_io(&path, e))?;
        Ok(PullSpool {
            path,
            out: Some(std::io::BufWriter::new(file)),
            puts: 0,
            removes: 0,
            customers: 0,
        })
    }

    /// Applies a catalog in one transaction.
    pub fn apply_catalog(
        &self,
        products: &[Product],
        mode: ApplyMode,
    ) -> Result<ApplyReport, StoreError> {
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        let report = self.apply_in(&tx, products, mode)?;
        tx.commit()?;
        Ok(report)
    }

    /// Validates and applies `products` inside `tx`.
    pub(super) fn apply_in(
        &self,
        tx: &WriteTransaction,
        products: &[Product],
        mode: ApplyMode,
    ) -> Result<ApplyReport, StoreError> {
        let mut seen = HashSet::with_capacity(products.len());
        for p in products {
            p.validate().map_err(|err| StoreError::Product {
                sku: p.sku.clone(),
                err,
            })?;
            if !seen.insert(p.sku.as_str()) {
                return Err(super::Refusal::ProductTwice {
                    sku: p.sku.to_string(),
                }
                .into());
            }
        }
        let mut report = ApplyReport::default();
        if mode == ApplyMode::Replace {
            report.removed = tx.open_table(PRODUCTS)?.len()?;
            tx.delete_table(PRODUCTS)?;
            tx.delete_table(BARCODES)?;
            tx.delete_table(NAME_WORDS)?;
        }
        let mut w = CatalogWriter::open(tx)?;
        // Unindex every product being replaced first, so barcodes may move between them.
        for p in products {
            if let Some(old) = w.product(&p.sku)? {
                w.unindex(&old)?;
                report.updated += 1;
            }
            w.flush_full()?;
        }
        for p in products {
            w.put(p)?;
            w.index(p)?;
            w.flush_full()?;
        }
        report.total = w.finish()?;
        report.added = products.len() as u64 - report.updated;
        Ok(report)
    }

    /// Applies a spooled catalog pull in one transaction: the changes in the order the server
    /// sent them (deletions included), or a replacement of the whole catalog, then the new
    /// checkpoint (kept verbatim) and the pull's history entry. On any error nothing changes.
    ///
    /// Memory stays bounded by one record: the spool is read twice from disk. The first pass
    /// unindexes every product about to change, so a barcode may move from one product to
    /// another within a pull; the second writes each record in turn, so when a product changed
    /// twice during the pull its last version wins.
    pub fn apply_pull(
        &self,
        spool: PullSpool,
        mode: ApplyMode,
        checkpoint: &str,
        history: &PullEntry,
    ) -> Result<ApplyReport, StoreError> {
        self.apply_spool(spool, mode, Some(checkpoint), history)
    }

    /// Applies a catalog file read into a spool (`caja catalog import`), as a pull is applied
    /// but leaving the sync checkpoint and the customers alone: a file of any size in bounded
    /// memory, all or nothing.
    pub fn import_spool(
        &self,
        spool: PullSpool,
        mode: ApplyMode,
        history: &PullEntry,
    ) -> Result<ApplyReport, StoreError> {
        self.apply_spool(spool, mode, None, history)
    }

    fn apply_spool(
        &self,
        spool: PullSpool,
        mode: ApplyMode,
        checkpoint: Option<&str>,
        history: &PullEntry,
    ) -> Result<ApplyReport, StoreError> {
        let path = spool.finish()?;
        let result = (|| {
            let mut tx = self.begin_write()?;
            tx.set_durability(redb::Durability::Immediate)?;
            tx.set_quick_repair(true);
            let mut report = ApplyReport::default();
            let mut superseded = Vec::new();
            // This register's points movements after the cursor are not in the balances pulled.
            let cursor = super::tables::meta_u64_in(
                &tx.open_table(super::tables::META)?,
                super::tables::meta_keys::PUSH_CURSOR,
            )?;
            if mode == ApplyMode::Replace {
                // Customers whose last edit here the server has not answered yet stay.
                if checkpoint.is_some() {
                    self.drop_pulled_customers(&tx)?;
                }
                report.removed = tx.open_table(PRODUCTS)?.len()?;
                tx.delete_table(PRODUCTS)?;
                tx.delete_table(BARCODES)?;
                tx.delete_table(NAME_WORDS)?;
            }
            let mut w = CatalogWriter::open(&tx)?;
            if mode == ApplyMode::Upsert {
                // Barcodes only: the old version's words leave with it in the second pass.
                read_spool(&path, |rec| {
                    let sku = match &rec {
                        SpoolRecord::Put(p) => p.sku.as_str(),
                        SpoolRecord::Remove(sku) => sku.as_str(),
                        SpoolRecord::PutCustomer(..) | SpoolRecord::RemoveCustomer(_) => {
                            return Ok(());
                        }
                    };
                    if let Some(old) = w.product(sku)? {
                        w.unindex_barcodes(&old)?;
                    }
                    w.flush_full()
                })?;
            }
            read_spool(&path, |rec| {
                let current = match &rec {
                    SpoolRecord::Put(p) => {
                        p.validate().map_err(|err| StoreError::Product {
                            sku: p.sku.clone(),
                            err,
                        })?;
                        w.put(p)?
                    }
                    SpoolRecord::Remove(sku) => w.remove(sku)?,
                    SpoolRecord::PutCustomer(c, points) => {
                        let pulled = super::customers::PulledCustomer {
                            customer: c.clone(),
                            points: *points,
                        };
                        if let Some(line) = self.apply_pulled_customer(&tx, pulled, cursor)? {
                            superseded.push(line);
                        }
                        return Ok(());
                    }
                    SpoolRecord::RemoveCustomer(key) => {
                        self.remove_customer_in(&tx, key)?;
                        return Ok(());
                    }
                };
                // What the SKU held (the old version, its barcodes already unindexed by the
                // first pass, or what this pull wrote for it before) leaves the indexes first.
                if let Some(c) = &current {
                    w.unindex(c)?;
                }
                match &rec {
                    SpoolRecord::Put(p) => {
                        w.index(p)?;
                        if current.is_some() {
                            report.updated += 1;
                        } else {
                            report.added += 1;
                        }
                    }
                    _ => {
                        if current.is_some() {
                            report.removed += 1;
                        }
                    }
                }
                w.flush_full()
            })?;
            report.total = w.finish()?;
            if let Some(checkpoint) = checkpoint {
                tx.open_table(super::tables::META)?.insert(
                    super::tables::meta_keys::PULL_CHECKPOINT,
                    checkpoint.as_bytes(),
                )?;
            }
            super::history::add(&tx, history)?;
            for entry in &superseded {
                super::history::add(&tx, entry)?;
            }
            tx.commit()?;
            Ok(report)
        })();
        let _ = std::fs::remove_file(&path);
        result
    }

    /// The last catalog checkpoint (a `_changes` sequence as the server sent it), if any.
    pub fn pull_checkpoint(&self) -> Result<Option<String>, StoreError> {
        let tx = self.db()?.begin_read()?;
        let meta = tx.open_table(super::tables::META)?;
        let v = meta.get(super::tables::meta_keys::PULL_CHECKPOINT)?;
        Ok(v.map(|v| String::from_utf8_lossy(v.value()).into_owned()))
    }

    /// A product by SKU.
    pub fn product(&self, sku: &str) -> Result<Option<Product>, StoreError> {
        let tx = self.db()?.begin_read()?;
        let t = tx.open_table(PRODUCTS)?;
        match t.get(sku)? {
            Some(v) => Ok(Some(decode_product(v.value(), sku)?)),
            None => Ok(None),
        }
    }

    /// What a scanner or the cashier typed: a barcode first, then a SKU (in any case). Garbage
    /// finds nothing.
    pub fn lookup_code(&self, code: &str) -> Result<Option<Product>, StoreError> {
        let code = code.trim();
        if !valid_code(code) {
            return Ok(None);
        }
        let tx = self.db()?.begin_read()?;
        let products = tx.open_table(PRODUCTS)?;
        let sku = match tx.open_table(BARCODES)?.get(code)? {
            Some(s) => s.value().to_string(),
            None => code.to_string(),
        };
        if let Some(v) = products.get(sku.as_str())? {
            return Ok(Some(decode_product(v.value(), &sku)?));
        }
        // A SKU typed in the other case ("lec1l" for "LEC1L"): catalogs keep SKUs in one case,
        // so trying both costs two lookups only when the first missed.
        for other in [code.to_uppercase(), code.to_lowercase()] {
            if other != sku
                && let Some(v) = products.get(other.as_str())?
            {
                return Ok(Some(decode_product(v.value(), &other)?));
            }
        }
        Ok(None)
    }

    /// Active products whose name has a word starting with every word of `query`, by name.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Product>, StoreError> {
        let q = search_words(query);
        let tx = self.db()?.begin_read()?;
        let words = tx.open_table(NAME_WORDS)?;
        let products = tx.open_table(PRODUCTS)?;
        let mut out = Vec::new();
        word_search(&words, &q, |sku| {
            if let Some(v) = products.get(sku)? {
                let p = decode_product(v.value(), sku)?;
                if p.active && name_has(&p.name, &q) {
                    out.push(p);
                }
            }
            Ok(out.len() < limit)
        })?;
        out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.sku.cmp(&b.sku)));
        Ok(out)
    }

    /// Every product, in SKU order.
    pub fn visit_products(
        &self,
        f: impl FnMut(Product) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        visit_products_in(&*self.db()?, f)
    }

    pub fn catalog_len(&self) -> Result<u64, StoreError> {
        let tx = self.db()?.begin_read()?;
        Ok(tx.open_table(PRODUCTS)?.len()?)
    }
}

/// Every product, through any handle (a read-only one included).
pub(super) fn visit_products_in(
    db: &impl redb::ReadableDatabase,
    mut f: impl FnMut(Product) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let tx = db.begin_read()?;
    let t = tx.open_table(PRODUCTS)?;
    for row in t.iter()? {
        let (k, v) = row?;
        f(decode_product(v.value(), k.value())?)?;
    }
    Ok(())
}
