//! Changes to a table, buffered and applied in key order: how a catalog pull writes.
//!
//! A pull of 100,000 products writes 100,000 products, their barcodes and about 400,000 word
//! keys. One at a time, each insert walks the tree from its root, and inserts in ascending
//! order leave every leaf half full after it splits. Sorted, the keys of one batch fall into few
//! stretches of the table, and each stretch goes in through one cursor, whose run of ascending
//! inserts redb builds into whole, full leaves at once.
//!
//! A batch keeps the order of the changes it was given: for each key the last change wins, as
//! if each had been applied when it was made. Memory stays bounded: the caller flushes when
//! `full` says so.

use super::StoreError;
use redb::{CursorError, Table};
use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::ops::Bound;

/// Bytes of keys a batch holds before it asks to be flushed.
const BATCH_BYTES: usize = 512 * 1024;

/// Changes to a word index ("word\0KEY" -> sketch): many small keys, never read back before
/// the flush, so kept back to back and sorted when flushed.
#[derive(Default)]
pub(super) struct WordBatch {
    /// Every key, back to back.
    keys: Vec<u8>,
    /// (start, length, change) for each change in the order made: `Some(sketch)` puts the
    /// key, `None` removes it.
    ops: Vec<(u32, u32, Option<u64>)>,
}

impl WordBatch {
    pub(super) fn put(&mut self, word: &str, key: &str, sketch: u64) {
        self.push(word, key, Some(sketch));
    }

    pub(super) fn remove(&mut self, word: &str, key: &str) {
        self.push(word, key, None);
    }

    fn push(&mut self, word: &str, key: &str, change: Option<u64>) {
        let start = self.keys.len();
        self.keys.extend_from_slice(word.as_bytes());
        self.keys.push(0);
        self.keys.extend_from_slice(key.as_bytes());
        // A batch is flushed at 2 MiB, far below u32::MAX.
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let len = u32::try_from(word.len() + 1 + key.len()).unwrap_or(0);
        self.ops.push((start, len, change));
    }

    /// Whether the batch has reached its size and should be flushed.
    pub(super) fn full(&self) -> bool {
        self.keys.len() >= BATCH_BYTES
    }

    /// Applies every change to `index`, in key order, and empties the batch.
    pub(super) fn flush(&mut self, index: &mut Table<&'static str, u64>) -> Result<(), StoreError> {
        // (key, when, change): sorted by key, then by when the change was made.
        let mut order: Vec<(&[u8], usize, Option<u64>)> = self
            .ops
            .iter()
            .enumerate()
            .map(|(when, &(start, len, change))| {
                let key = self
                    .keys
                    .get(start as usize..start as usize + len as usize)
                    .unwrap_or_default();
                (key, when, change)
            })
            .collect();
        order.sort_unstable_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
        let mut puts: Vec<(&str, u64)> = Vec::with_capacity(order.len());
        for (i, &(key, _, change)) in order.iter().enumerate() {
            // Only the last change of a key counts.
            if order.get(i + 1).is_some_and(|next| next.0 == key) {
                continue;
            }
            // Built from `&str`s, so a key is always whole UTF-8.
            let key = std::str::from_utf8(key)
                .map_err(|_| StoreError::Invalid("a word key that is not UTF-8".into()))?;
            match change {
                Some(sketch) => puts.push((key, sketch)),
                None => {
                    index.remove(key)?;
                }
            }
        }
        insert_sorted(index, &puts)?;
        drop(order);
        self.keys.clear();
        self.ops.clear();
        Ok(())
    }
}

/// Changes to a table whose values a pull reads back (a product's old version, a barcode's
/// owner): what the batch holds for a key answers first, then the table.
pub(super) struct TableBatch<T> {
    changes: BTreeMap<String, Option<T>>,
    bytes: usize,
    /// For a table empty when the batch began (a catalog replaced, a first pull): a hash of
    /// every key changed since, so that a key never changed is known absent without reading
    /// the table. A hash shared by two keys only costs a read.
    touched: Option<HashSet<u64>>,
    hasher: RandomState,
}

impl<T> TableBatch<T> {
    /// A batch for a table that holds `rows` rows now.
    pub(super) fn new(rows: u64) -> Self {
        TableBatch {
            changes: BTreeMap::new(),
            bytes: 0,
            touched: (rows == 0).then(HashSet::new),
            hasher: RandomState::new(),
        }
    }
}

impl<T: AsRef<[u8]>> TableBatch<T> {
    /// What the batch holds for `key`: `Some(None)` when it removes it or knows the table
    /// lacks it, `None` when the table's value stands.
    pub(super) fn pending(&self, key: &str) -> Option<Option<&T>> {
        match self.changes.get(key) {
            Some(change) => Some(change.as_ref()),
            None => match &self.touched {
                Some(touched) if !touched.contains(&self.hasher.hash_one(key)) => Some(None),
                _ => None,
            },
        }
    }

    fn touch(&mut self, key: &str) {
        let h = self.hasher.hash_one(key);
        if let Some(touched) = &mut self.touched {
            touched.insert(h);
        }
    }

    pub(super) fn put(&mut self, key: &str, value: T) {
        self.touch(key);
        self.bytes += key.len() + value.as_ref().len() + 64;
        self.changes.insert(key.to_string(), Some(value));
    }

    pub(super) fn remove(&mut self, key: &str) {
        self.touch(key);
        self.bytes += key.len() + 64;
        self.changes.insert(key.to_string(), None);
    }

    /// Whether the batch has reached its size and should be flushed.
    pub(super) fn full(&self) -> bool {
        self.bytes >= BATCH_BYTES
    }
}

/// What a [`TableBatch`] holds for one value of a table whose values are `Self::In`.
pub(super) trait Stored {
    type In: redb::Value + 'static;
    fn stored(&self) -> <Self::In as redb::Value>::SelfType<'_>;
}

impl Stored for Vec<u8> {
    type In = &'static [u8];
    fn stored(&self) -> &[u8] {
        self
    }
}

impl Stored for String {
    type In = &'static str;
    fn stored(&self) -> &str {
        self
    }
}

impl<T: Stored + AsRef<[u8]>> TableBatch<T> {
    /// Applies every change to `table`, in key order, and empties the batch.
    pub(super) fn flush(
        &mut self,
        table: &mut Table<&'static str, T::In>,
    ) -> Result<(), StoreError> {
        let changes = std::mem::take(&mut self.changes);
        self.bytes = 0;
        let mut puts = Vec::with_capacity(changes.len());
        for (key, change) in &changes {
            match change {
                Some(v) => puts.push((key.as_str(), v.stored())),
                None => {
                    table.remove(key.as_str())?;
                }
            }
        }
        insert_sorted(table, &puts)
    }
}

/// Puts ascending, distinct keys: a cursor takes each run of keys that fits in one gap of the
/// table; a key already there is overwritten in place.
fn insert_sorted<'v, V>(
    table: &mut Table<&'static str, V>,
    puts: &[(&str, V::SelfType<'v>)],
) -> Result<(), StoreError>
where
    V: redb::Value + 'static,
{
    let mut i = 0;
    while let Some((first, value)) = puts.get(i) {
        let mut cursor = table.lower_bound_mut(Bound::Included(*first))?;
        let mut taken = 0;
        for (key, value) in &puts[i..] {
            match cursor.insert_before(*key, value) {
                Ok(()) => taken += 1,
                Err(CursorError::UnorderedKey) => break,
                Err(e) => return Err(e.into()),
            }
        }
        cursor.close()?;
        if taken == 0 {
            // The gap the cursor opened at is just before this very key.
            table.insert(*first, value)?;
            taken = 1;
        }
        i += taken;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

    const T: TableDefinition<&str, u64> = TableDefinition::new("words");

    fn contents(db: &Database) -> Vec<(String, u64)> {
        let tx = db.begin_read().unwrap();
        let t = tx.open_table(T).unwrap();
        t.iter()
            .unwrap()
            .map(|r| {
                let (k, v) = r.unwrap();
                (k.value().to_string(), v.value())
            })
            .collect()
    }

    #[test]
    fn the_last_change_of_a_key_wins_and_the_rest_stay() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("w.redb")).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(T).unwrap();
            for (k, v) in [
                ("agua\0A1", 1),
                ("leche\0L1", 2),
                ("pan\0P1", 3),
                ("zumo\0Z1", 4),
            ] {
                t.insert(k, v).unwrap();
            }
            let mut b = WordBatch::default();
            b.put("pan", "P2", 10); // a new key in a gap
            b.put("pan", "P1", 11); // an existing key, overwritten
            b.remove("leche", "L1"); // removed
            b.put("cafe", "C1", 12);
            b.remove("cafe", "C1"); // put then removed: gone
            b.remove("agua", "A2");
            b.put("agua", "A2", 13); // removed then put: there
            b.put("zz", "Z9", 14); // after the last key
            b.put("a", "A0", 15); // before the first key
            b.flush(&mut t).unwrap();
            assert!(!b.full());
        }
        tx.commit().unwrap();
        let want: Vec<(String, u64)> = [
            ("a\0A0", 15),
            ("agua\0A1", 1),
            ("agua\0A2", 13),
            ("pan\0P1", 11),
            ("pan\0P2", 10),
            ("zumo\0Z1", 4),
            ("zz\0Z9", 14),
        ]
        .iter()
        .map(|&(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(contents(&db), want);
    }

    #[test]
    fn a_table_batch_reads_its_own_changes_then_the_table() {
        const P: TableDefinition<&str, &[u8]> = TableDefinition::new("products");
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("p.redb")).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(P).unwrap();
            // An empty table: what the batch never touched is known absent.
            let mut b: TableBatch<Vec<u8>> = TableBatch::new(0);
            assert_eq!(b.pending("A"), Some(None));
            b.put("B", b"2".to_vec());
            b.put("A", b"1".to_vec());
            b.remove("C");
            assert_eq!(b.pending("A"), Some(Some(&b"1".to_vec())));
            assert_eq!(b.pending("C"), Some(None));
            b.flush(&mut t).unwrap();
            // Written out: the table answers for the keys the batch touched.
            assert_eq!(b.pending("A"), None);
            assert_eq!(b.pending("Z"), Some(None));
            b.remove("A");
            b.put("D", b"4".to_vec());
            b.flush(&mut t).unwrap();
            let rows: Vec<(String, Vec<u8>)> = t
                .iter()
                .unwrap()
                .map(|r| {
                    let (k, v) = r.unwrap();
                    (k.value().to_string(), v.value().to_vec())
                })
                .collect();
            assert_eq!(
                rows,
                vec![
                    ("B".to_string(), b"2".to_vec()),
                    ("D".to_string(), b"4".to_vec())
                ]
            );
            // A table with rows: the batch knows nothing of keys it did not touch.
            let b: TableBatch<Vec<u8>> = TableBatch::new(2);
            assert_eq!(b.pending("B"), None);
        }
        tx.commit().unwrap();
    }

    #[test]
    fn batches_interleaved_with_existing_keys_equal_one_insert_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let a = Database::create(dir.path().join("a.redb")).unwrap();
        let b = Database::create(dir.path().join("b.redb")).unwrap();
        // A small fixed generator: the same changes every run.
        let mut state = 7u64;
        let mut below = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let words = ["de", "leche", "pan", "producto", "prueba", "zumo"];
        let mut changes = Vec::new();
        for _ in 0..20_000 {
            let w = words[below(words.len() as u64) as usize];
            let sku = format!("S{:05}", below(5_000));
            let put = below(4) != 0;
            changes.push((w, sku, put, below(1 << 20)));
        }
        for db in [&a, &b] {
            let tx = db.begin_write().unwrap();
            {
                let mut t = tx.open_table(T).unwrap();
                for i in (0..5_000).step_by(3) {
                    t.insert(format!("pan\0S{i:05}").as_str(), 1).unwrap();
                }
            }
            tx.commit().unwrap();
        }
        let tx = a.begin_write().unwrap();
        {
            let mut t = tx.open_table(T).unwrap();
            for (w, sku, put, sketch) in &changes {
                let k = format!("{w}\0{sku}");
                if *put {
                    t.insert(k.as_str(), sketch).unwrap();
                } else {
                    t.remove(k.as_str()).unwrap();
                }
            }
        }
        tx.commit().unwrap();
        let tx = b.begin_write().unwrap();
        {
            let mut t = tx.open_table(T).unwrap();
            let mut batch = WordBatch::default();
            for (n, (w, sku, put, sketch)) in changes.iter().enumerate() {
                if *put {
                    batch.put(w, sku, *sketch);
                } else {
                    batch.remove(w, sku);
                }
                // Several flushes, as a long pull makes.
                if n % 7_000 == 6_999 {
                    batch.flush(&mut t).unwrap();
                }
            }
            batch.flush(&mut t).unwrap();
        }
        tx.commit().unwrap();
        assert_eq!(contents(&a), contents(&b));
    }
}
