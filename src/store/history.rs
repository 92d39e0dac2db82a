//! The catalog pull history the sync panel shows: typed entries, so that the panel words each
//! in the register's language ([`PullEntry::words`]). Lines written before the history was
//! typed (the `pull_history_v1` table, English text) still read, as they were written.

use super::codec::{decode, encode};
use super::tables::{PULL_HISTORY, PULL_HISTORY_V2};
use super::{Store, StoreError};
use crate::i18n::Word;
use crate::i18n::{Language, fill, pull_mode_word, store_text, texts};
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

/// Entries kept; older ones are dropped as new ones come.
const KEEP: u64 = 200;

/// A reason worded in both languages when it happened: the sync client's failures carry the
/// network's and the server's own text, which does not keep as a typed value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worded {
    pub es: String,
    pub en: String,
}

impl Worded {
    /// `words` in each language.
    pub fn new(words: impl Fn(Language) -> String) -> Worded {
        Worded {
            es: words(Language::Es),
            en: words(Language::En),
        }
    }

    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::Es => &self.es,
            Language::En => &self.en,
        }
    }
}

/// One entry of the pull history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PullEntry {
    /// A pull applied: when (RFC 3339), its mode's code, the products put and removed, and
    /// how many catalog documents were refused, with the first few.
    Pulled {
        at: String,
        mode: String,
        puts: u64,
        removes: u64,
        refused_count: u64,
        refused: Vec<Worded>,
    },
    /// A pull that failed, nothing applied, and why.
    Failed {
        at: String,
        mode: String,
        why: Worded,
    },
    /// A catalog file imported from the command line.
    Imported { at: String, file: String, rows: u64 },
    /// A customer edited here whose server version replaced the edit (the edit stays on the
    /// server as pushed).
    Superseded { key: String, number: String },
    /// A line written before the history was typed, shown as written.
    Text(String),
}

impl PullEntry {
    /// The entry as people read it in `lang`.
    pub fn words(&self, lang: Language) -> String {
        let t = texts(lang);
        let mode_word = |m| pull_mode_word(t, m);
        match self {
            PullEntry::Pulled {
                at,
                mode,
                puts,
                removes,
                refused_count,
                refused,
            } => {
                let mut out = fill(
                    t.sync_history_ok,
                    &[
                        ("at", &when(at)),
                        ("mode", mode_word(mode)),
                        ("puts", &puts.to_string()),
                        ("removes", &removes.to_string()),
                    ],
                );
                if *refused_count > 0 {
                    let mut first = refused
                        .iter()
                        .map(|r| r.get(lang))
                        .collect::<Vec<_>>()
                        .join("; ");
                    if first.len() > 2_000 {
                        let cut = (0..=2_000)
                            .rev()
                            .find(|i| first.is_char_boundary(*i))
                            .unwrap_or(0);
                        first.truncate(cut);
                        first.push('…');
                    }
                    out.push_str(&fill(
                        t.sync_refused,
                        &[("count", &refused_count.to_string()), ("first", &first)],
                    ));
                }
                out
            }
            PullEntry::Failed { at, mode, why } => fill(
                t.sync_history_failed,
                &[
                    ("at", &when(at)),
                    ("mode", mode_word(mode)),
                    ("why", why.get(lang)),
                ],
            ),
            PullEntry::Imported { at, file, rows } => fill(
                store_text(lang, Word::HistoryImported),
                &[
                    ("at", &when(at)),
                    ("file", file),
                    ("rows", &rows.to_string()),
                ],
            ),
            PullEntry::Superseded { key, number } => fill(
                store_text(lang, Word::HistorySuperseded),
                &[("key", key), ("number", number)],
            ),
            PullEntry::Text(line) => line.clone(),
        }
    }
}

crate::i18n::display_words!(PullEntry);

/// "2026-11-22 14:41" of an RFC 3339 time (as written when it is not one).
fn when(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => at.to_string(),
    }
}

/// Appends an entry, keeping the newest [`KEEP`].
pub(super) fn add(tx: &WriteTransaction, entry: &PullEntry) -> Result<(), StoreError> {
    let bytes = encode(entry)?;
    let mut t = tx.open_table(PULL_HISTORY_V2)?;
    let next = t.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
    t.insert(next, bytes.as_slice())?;
    if next > KEEP {
        t.remove(next - KEEP)?;
    }
    Ok(())
}

impl Store {
    /// Records a pull that failed (nothing applied).
    pub fn record_pull_failure(&self, entry: &PullEntry) -> Result<(), StoreError> {
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        add(&tx, entry)?;
        tx.commit()?;
        Ok(())
    }

    /// The catalog pull history, newest last: the lines of before the history was typed, then
    /// the typed entries.
    pub fn pull_history(&self) -> Result<Vec<PullEntry>, StoreError> {
        let tx = self.db()?.begin_read()?;
        let mut out = Vec::new();
        match tx.open_table(PULL_HISTORY) {
            Ok(t) => {
                for r in t.iter()? {
                    out.push(PullEntry::Text(r?.1.value().to_string()));
                }
            }
            Err(redb::TableError::TableDoesNotExist(_)) => {}
            Err(e) => return Err(e.into()),
        }
        match tx.open_table(PULL_HISTORY_V2) {
            Ok(t) => {
                for r in t.iter()? {
                    let (k, v) = r?;
                    out.push(decode(v.value(), &format!("pull history #{}", k.value()))?);
                }
            }
            Err(redb::TableError::TableDoesNotExist(_)) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each entry reads in both languages; the English keeps the shape the history had as
    /// text (the server's status document carries it).
    #[test]
    fn entries_read_in_both_languages() {
        let pulled = PullEntry::Pulled {
            at: "2026-11-22T14:41:00-05:00".into(),
            mode: "replace".into(),
            puts: 37,
            removes: 2,
            refused_count: 1,
            refused: vec![Worded {
                es: "product:ROTO: precio".into(),
                en: "product:ROTO: price".into(),
            }],
        };
        assert_eq!(
            pulled.to_string(),
            "2026-11-22 14:41 replace ok: 37 products, 2 removed; 1 refused: product:ROTO: price"
        );
        assert!(
            pulled
                .words(Language::Es)
                .starts_with("2026-11-22 14:41 reemplazo bien: 37 productos, 2 quitados"),
            "{}",
            pulled.words(Language::Es)
        );
        let failed = PullEntry::Failed {
            at: "2026-11-22T14:41:00Z".into(),
            mode: "partial".into(),
            why: Worded {
                es: "no se puede llegar a http://hub".into(),
                en: "cannot reach http://hub".into(),
            },
        };
        assert!(failed.words(Language::Es).contains("no se puede llegar"));
        assert!(failed.to_string().contains("partial failed: cannot reach"));
        for e in [
            PullEntry::Imported {
                at: "2026-11-22T14:41:00Z".into(),
                file: "precios.csv".into(),
                rows: 3,
            },
            PullEntry::Superseded {
                key: "NIT-900173769-1".into(),
                number: "FV1-CL-000002".into(),
            },
        ] {
            let (es, en) = (e.words(Language::Es), e.words(Language::En));
            assert!(
                !es.contains('{') && !en.contains('{') && es != en,
                "{es} / {en}"
            );
        }
    }
}
