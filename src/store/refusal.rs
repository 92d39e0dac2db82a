//! Why the store refuses what a person asked: typed, so that each reader (the register's
//! screens, the command line) shows it in its own language; `Display` is the English text,
//! for logs.

use crate::domain::money::Currency;
use crate::i18n::Word;
use crate::i18n::{Language, fill, store_text};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    DayAlreadyOpen {
        open: String,
    },
    DayNeedsSupervisor {
        date: String,
    },
    /// A date correction asked for the date already open.
    DaySame {
        date: String,
    },
    /// The open date has a document that moved money or goods (`number`): it keeps its date;
    /// the date is closed with its Z and the next one follows the close.
    DayHasSales {
        date: String,
        number: String,
    },
    /// A shift opened for a date other than the one open.
    DayNotThis {
        open: String,
        date: String,
    },
    /// No business date is open (`date`: the one the shift asked for).
    NoDayOpen {
        date: Option<String>,
    },
    ShiftAlreadyOpen {
        cashier: String,
    },
    NoShift {
        cashier: String,
    },
    /// The close of day waits for open shifts and held tickets.
    CannotClose {
        date: String,
        shifts: Vec<String>,
        held: u64,
    },
    FloatNegative,
    CountedNegative,
    ProductTwice {
        sku: String,
    },
    FinalConsumer,
    NothingChanged {
        key: String,
    },
    CustomerTwice {
        key: String,
    },
    /// A customer of an import whose details are wrong.
    CustomerRow {
        key: String,
        err: crate::domain::customer::CustomerError,
    },
    HeldWithTenders,
    RangeEmpty {
        from: u64,
        to: u64,
    },
    BadUserName {
        name: String,
    },
    NotABackup {
        path: String,
    },
    BackupChanged {
        path: String,
        sum: String,
    },
    BackupRepaired {
        path: String,
    },
    BackupForeign {
        path: String,
        name: String,
        register: String,
    },
    StoreUnknown {
        dir: String,
    },
    /// A backup (or a rebuilt store) whose check found `problem`, or that lacks documents.
    NotVerified {
        path: String,
        problem: Option<super::check::Problem>,
    },
    FolderName {
        dir: String,
    },
    /// A backup's destination is a file, not a folder.
    NotAFolder {
        dir: String,
    },
    /// The running register refused a request of the command line, and said why (in the
    /// folder's language).
    RunningRegister {
        said: String,
    },
    /// `caja journal` while the register sells, over a journal that is not whole.
    JournalNotWhole {
        problem: super::check::Problem,
    },
    /// A journal file of another store sits among this store's.
    ForeignJournal {
        file: String,
        name: String,
        store_id: String,
    },
}

impl Refusal {
    /// The refusal in `lang`.
    pub fn words(&self, lang: Language) -> String {
        use Refusal as R;
        let t = |key| store_text(lang, key);
        match self {
            R::DayAlreadyOpen { open } => fill(t(Word::DayAlreadyOpen), &[("open", open)]),
            R::DayNeedsSupervisor { date } => fill(t(Word::DayNeedsSupervisor), &[("date", date)]),
            R::DaySame { date } => fill(t(Word::DaySame), &[("date", date)]),
            R::DayHasSales { date, number } => {
                fill(t(Word::DayHasSales), &[("date", date), ("number", number)])
            }
            R::DayNotThis { open, date } => {
                fill(t(Word::DayNotThis), &[("open", open), ("date", date)])
            }
            R::NoDayOpen { date: None } => t(Word::NoDayOpen).into(),
            R::NoDayOpen { date: Some(date) } => fill(t(Word::NoDayOpenFor), &[("date", date)]),
            R::ShiftAlreadyOpen { cashier } => {
                fill(t(Word::ShiftAlreadyOpen), &[("cashier", cashier)])
            }
            R::NoShift { cashier } => fill(t(Word::NoShift), &[("cashier", cashier)]),
            R::CannotClose { date, shifts, held } => {
                let mut why: Vec<String> = shifts
                    .iter()
                    .map(|c| fill(t(Word::BlockerShift), &[("cashier", c)]))
                    .collect();
                if *held > 0 {
                    why.push(fill(t(Word::BlockerHeld), &[("count", &held.to_string())]));
                }
                fill(
                    t(Word::CannotClose),
                    &[("date", date), ("why", &why.join("; "))],
                )
            }
            R::FloatNegative => t(Word::FloatNegative).into(),
            R::CountedNegative => t(Word::CountedNegative).into(),
            R::ProductTwice { sku } => fill(t(Word::ProductTwice), &[("sku", sku)]),
            R::FinalConsumer => t(Word::FinalConsumer).into(),
            R::NothingChanged { key } => fill(t(Word::NothingChanged), &[("key", key)]),
            R::CustomerTwice { key } => fill(t(Word::CustomerTwice), &[("key", key)]),
            R::CustomerRow { key, err } => {
                let why = crate::i18n::domain_words(err, crate::i18n::texts(lang), None)
                    .unwrap_or_else(|| err.to_string());
                fill(t(Word::CustomerRow), &[("key", key), ("why", &why)])
            }
            R::HeldWithTenders => t(Word::HeldWithTenders).into(),
            R::RangeEmpty { from, to } => fill(
                t(Word::RangeEmpty),
                &[("from", &from.to_string()), ("to", &to.to_string())],
            ),
            R::BadUserName { name } => fill(t(Word::BadUserName), &[("name", name)]),
            R::NotABackup { path } => fill(t(Word::NotABackup), &[("path", path)]),
            R::BackupChanged { path, sum } => {
                fill(t(Word::BackupChanged), &[("path", path), ("sum", sum)])
            }
            R::BackupRepaired { path } => fill(t(Word::BackupRepaired), &[("path", path)]),
            R::BackupForeign {
                path,
                name,
                register,
            } => fill(
                t(Word::BackupForeign),
                &[("path", path), ("name", name), ("register", register)],
            ),
            R::StoreUnknown { dir } => fill(t(Word::StoreUnknown), &[("dir", dir)]),
            R::NotVerified {
                path,
                problem: Some(p),
            } => fill(
                t(Word::NotVerified),
                &[("path", path), ("problem", &p.words(lang))],
            ),
            R::NotVerified {
                path,
                problem: None,
            } => fill(t(Word::NotVerifiedCount), &[("path", path)]),
            R::FolderName { dir } => fill(t(Word::FolderName), &[("dir", dir)]),
            R::NotAFolder { dir } => fill(t(Word::NotAFolder), &[("dir", dir)]),
            R::RunningRegister { said } => fill(t(Word::RunningRegister), &[("said", said)]),
            R::ForeignJournal {
                file,
                name,
                store_id,
            } => super::check::foreign_words(lang, file, name, store_id),
            R::JournalNotWhole { problem } => fill(
                t(Word::JournalNotWhole),
                &[("problem", &problem.words(lang))],
            ),
        }
    }
}

impl std::error::Error for Refusal {}

crate::i18n::display_words!(Refusal);

impl super::StoreError {
    /// Whether this is a refusal that is the user's to fix (an unknown number, a closed date, a
    /// refund too large, a bad backup) rather than a storage fault.
    pub fn is_refusal(&self) -> bool {
        use super::StoreError as E;
        use crate::domain::numbering::NumberingError;
        match self {
            E::NotFound(_)
            | E::NotASale(_)
            | E::NoSuchUser(_)
            | E::UserExists(_)
            | E::LastSupervisor(_)
            | E::Damaged(_)
            | E::BadPin
            | E::Numbering(NumberingError::BadNumber(_))
            | E::DateClosed { .. }
            | E::DateBackwards { .. }
            | E::BarcodeTaken { .. }
            | E::Product { .. }
            | E::Refund(_)
            | E::Refused(_)
            | E::Doc(_)
            | E::Money(_)
            | E::Customer(_)
            | E::Points(_) => true,
            E::NotInitialized(_)
            | E::AlreadyExists(_)
            | E::InUse(_)
            | E::NewerSchema { .. }
            | E::Corrupt(_)
            | E::NotAStore(_)
            | E::Unreadable { .. }
            | E::Db(_)
            | E::Disk(_)
            | E::Io(_)
            | E::Found(_)
            | E::Invalid(_)
            | E::Numbering(_) => false,
        }
    }

    /// The words for a refusal (see [`StoreError::is_refusal`]) in `lang`; None for a storage
    /// fault. `currency` writes amounts and quantities in the shop's numbers.
    pub fn refusal_words(&self, lang: Language, currency: Option<&Currency>) -> Option<String> {
        self.is_refusal().then(|| self.words(lang, currency))
    }

    /// The store or its journal is damaged (not a store, a page that makes no sense, a record
    /// that does not read): why, in `lang`. None for any other error.
    pub fn damage(&self, lang: Language) -> Option<String> {
        use super::StoreError as E;
        match self {
            E::Corrupt(d) => Some(d.clone()),
            E::NotAStore(_) | E::Unreadable { .. } => Some(self.words(lang, None)),
            // A journal record that does not read, met while the store replays it.
            E::Found(p) => Some(p.words(lang)),
            _ => None,
        }
    }

    /// Every store error in `lang`: a refusal in its own words, a fault named as one (the
    /// operating system's and the file's own reasons stay as they come). `currency` writes
    /// amounts and quantities in the shop's numbers.
    pub fn words(&self, lang: Language, currency: Option<&Currency>) -> String {
        use super::StoreError as E;
        use crate::domain::numbering::NumberingError;
        use crate::domain::refund::RefundError;
        let t = crate::i18n::texts(lang);
        let s = |key| store_text(lang, key);
        let path = |p: &std::path::Path| p.display().to_string();
        // A domain error in the catalogue's words (its own English where the catalogue has none).
        let domain = |e: &(dyn std::error::Error + 'static)| {
            crate::i18n::domain_words(e, t, currency).unwrap_or_else(|| e.to_string())
        };
        match self {
            E::NotFound(n) => fill(t.err_no_document, &[("number", n)]),
            E::NotASale(n) => fill(t.err_not_a_sale, &[("number", n)]),
            E::NoSuchUser(u) => fill(t.err_no_user, &[("user", u)]),
            E::UserExists(u) => fill(t.err_user_exists, &[("user", u)]),
            E::LastSupervisor(u) => fill(t.err_last_supervisor, &[("user", u)]),
            E::Damaged(_) => t.store_damaged_found.to_string(),
            E::BadPin => t.setup_err_pin.to_string(),
            E::Numbering(NumberingError::BadNumber(s)) => fill(t.err_bad_number, &[("input", s)]),
            E::DateClosed { given, closed } => {
                fill(t.err_date_closed, &[("given", given), ("closed", closed)])
            }
            E::DateBackwards { given, last } => {
                fill(s(Word::DateBackwards), &[("given", given), ("last", last)])
            }
            E::BarcodeTaken { barcode, sku } => {
                fill(s(Word::BarcodeTaken), &[("barcode", barcode), ("sku", sku)])
            }
            E::Product { sku, err } => {
                let why =
                    crate::i18n::domain_words(err, t, currency).unwrap_or_else(|| err.to_string());
                fill(s(Word::Product), &[("sku", sku), ("why", &why)])
            }
            E::Refund(r) => match r {
                RefundError::Exceeds { line, left } => fill(
                    t.err_refund_exceeds,
                    &[
                        ("line", &(line + 1).to_string()),
                        (
                            "left",
                            &currency.map_or_else(|| left.to_string(), |c| c.format_qty(*left)),
                        ),
                    ],
                ),
                RefundError::Empty => s(Word::RefundEmpty).into(),
                RefundError::NoSuchLine(line) => fill(
                    s(Word::RefundNoSuchLine),
                    &[("line", &(line + 1).to_string())],
                ),
                RefundError::Repeated { line } => fill(
                    s(Word::RefundRepeated),
                    &[("line", &(line + 1).to_string())],
                ),
                RefundError::Money(m) => domain(m),
            },
            E::Refused(r) => r.words(lang),
            E::Doc(d) => domain(d),
            E::Money(m) => domain(m),
            E::Customer(c) => domain(c),
            E::Points(p) => domain(p),
            E::NotInitialized(d) => fill(s(Word::NotInitialized), &[("dir", &path(d))]),
            E::AlreadyExists(p) => fill(s(Word::AlreadyExists), &[("path", &path(p))]),
            E::InUse(p) => fill(s(Word::InUse), &[("path", &path(p))]),
            E::NewerSchema {
                path: p,
                found,
                supported,
            } => fill(
                s(Word::NewerSchema),
                &[
                    ("path", &path(p)),
                    ("found", &found.to_string()),
                    ("supported", &supported.to_string()),
                ],
            ),
            E::Corrupt(d) => fill(s(Word::Corrupt), &[("detail", d)]),
            E::NotAStore(p) => fill(s(Word::NotAStore), &[("path", &path(p))]),
            E::Unreadable { path: p, detail } => {
                let detail = if detail == super::NONSENSE_PAGE {
                    s(Word::NonsensePage)
                } else {
                    detail
                };
                fill(
                    s(Word::UnreadableFile),
                    &[("path", &path(p)), ("detail", detail)],
                )
            }
            E::Db(d) => fill(s(Word::Db), &[("detail", d)]),
            E::Disk(d) => d.words(lang),
            E::Io(e) => crate::i18n::io_words(e, lang),
            E::Found(p) => p.words(lang),
            E::Invalid(why) => why.clone(),
            E::Numbering(n) => n.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store error's `Display` is its English words: one English, with every placeholder
    /// filled and no key spelt out (the keymap writes it).
    #[test]
    fn a_store_error_displays_its_english_words() {
        use super::super::StoreError as E;
        use std::path::PathBuf;
        let s = String::from;
        let all = [
            E::NotInitialized(PathBuf::from("/d")),
            E::AlreadyExists(PathBuf::from("/d/caja.redb")),
            E::InUse(PathBuf::from("/d/caja.redb")),
            E::NewerSchema {
                path: PathBuf::from("/d/caja.redb"),
                found: 9,
                supported: 3,
            },
            E::Corrupt(s("x")),
            E::NotAStore(PathBuf::from("/d/x")),
            E::Damaged(s("x")),
            E::Db(s("x")),
            E::Disk(super::super::DiskFault::ReadOnly),
            E::DateBackwards {
                given: s("2026-11-29"),
                last: s("2026-11-30"),
            },
            E::DateClosed {
                given: s("2026-11-29"),
                closed: s("2026-11-29"),
            },
            E::NotFound(s("FV1-000009")),
            E::NotASale(s("FV1-DV-000001")),
            E::NoSuchUser(s("ana")),
            E::LastSupervisor(s("ana")),
            E::Invalid(s("nothing to commit")),
            E::BadPin,
            E::Points(crate::domain::loyalty::PointsError::NoCustomer),
            E::Refund(crate::domain::refund::RefundError::Empty),
        ];
        for e in all {
            let shown = e.to_string();
            assert_eq!(shown, e.words(Language::En, None));
            assert!(!shown.is_empty() && !shown.contains("{"), "{e:?}: {shown}");
        }
        assert!(
            E::InUse(PathBuf::from("/d"))
                .to_string()
                .contains("menu, F9)")
        );
    }

    /// Every refusal has its words in both languages (a key missing from the catalogue would
    /// read as the key itself).
    #[test]
    fn every_refusal_reads_in_both_languages() {
        let s = String::from;
        let all = [
            Refusal::DayAlreadyOpen {
                open: s("2026-11-29"),
            },
            Refusal::DayNeedsSupervisor {
                date: s("2026-12-02"),
            },
            Refusal::DaySame {
                date: s("2027-12-07"),
            },
            Refusal::DayHasSales {
                date: s("2027-12-07"),
                number: s("FV1-000001"),
            },
            Refusal::DayNotThis {
                open: s("2026-11-29"),
                date: s("2026-11-30"),
            },
            Refusal::NoDayOpen { date: None },
            Refusal::NoDayOpen {
                date: Some(s("2026-11-30")),
            },
            Refusal::ShiftAlreadyOpen { cashier: s("ana") },
            Refusal::NoShift { cashier: s("ana") },
            Refusal::CannotClose {
                date: s("2026-11-29"),
                shifts: vec![s("ana")],
                held: 2,
            },
            Refusal::FloatNegative,
            Refusal::CountedNegative,
            Refusal::ProductTwice { sku: s("LEC1L") },
            Refusal::FinalConsumer,
            Refusal::NothingChanged { key: s("CC-1") },
            Refusal::CustomerTwice { key: s("CC-1") },
            Refusal::CustomerRow {
                key: s("CC-1"),
                err: crate::domain::customer::CustomerError::BadName,
            },
            Refusal::HeldWithTenders,
            Refusal::RangeEmpty { from: 5, to: 4 },
            Refusal::BadUserName { name: s("Ana") },
            Refusal::NotABackup { path: s("/x") },
            Refusal::BackupChanged {
                path: s("/x"),
                sum: s("/x.sha256"),
            },
            Refusal::BackupRepaired { path: s("/x") },
            Refusal::BackupForeign {
                path: s("/x"),
                name: s("Tienda"),
                register: s("1"),
            },
            Refusal::StoreUnknown { dir: s("/d") },
            Refusal::NotVerified {
                path: s("/x"),
                problem: Some(super::super::check::Problem::PageChecks),
            },
            Refusal::NotVerified {
                path: s("/x"),
                problem: None,
            },
            Refusal::FolderName { dir: s("/d") },
            Refusal::NotAFolder { dir: s("/d") },
            Refusal::RunningRegister { said: s("x") },
            Refusal::JournalNotWhole {
                problem: super::super::check::Problem::JournalGap { from: 3, to: 3 },
            },
            Refusal::ForeignJournal {
                file: s("ej-000000000001.cj"),
                name: s("Otra"),
                store_id: s("66f9aa"),
            },
        ];
        for r in &all {
            let (es, en) = (r.words(Language::Es), r.words(Language::En));
            assert!(!es.contains('{') && !en.contains('{'), "{es} / {en}");
            assert_ne!(es, en, "{r:?}");
            assert!(
                !es.contains('_') || es.contains("_ -"),
                "a key, not words: {es}"
            );
        }
        // A journal record that does not read while the store replays it is damage: the
        // register opens on its rebuild screen, not on an error.
        let found =
            super::super::StoreError::Found(super::super::check::Problem::JournalRecordHash {
                seq: 7,
            });
        assert_eq!(
            found.damage(Language::Es).as_deref(),
            Some("registro #7 del diario: el documento no coincide con su hash")
        );
        assert_eq!(
            all[9].words(Language::Es),
            "no se puede cerrar 2026-11-29: el turno de ana está abierto; 2 tiquete(s) en espera"
        );
    }
}
