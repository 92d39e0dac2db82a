//! `caja journal`: the sales report from the store, or from the electronic journal alone.

use super::*;

pub(super) fn journal_cmd(dir: &Path, a: JournalArgs) -> Result<ExitCode> {
    let w = cli_words_for(dir);
    if a.from > a.to {
        let (from, to) = (a.from.to_string(), a.to.to_string());
        bail!("{}", fill(w.from_after_to, &[("from", &from), ("to", &to)]));
    }
    let store = journal_source(dir, w)?;
    let kind = match a.kind.as_deref() {
        Some(k) => Some(
            caja::domain::numbering::DocKind::from_code(k)
                .ok_or_else(|| anyhow::anyhow!("{}", fill(w.bad_type, &[("kind", k)])))?,
        ),
        None => None,
    };
    let tender = match a.tender.as_deref() {
        Some(k) => Some(
            caja::domain::tender::TenderKind::from_code(k)
                .ok_or_else(|| anyhow::anyhow!("{}", fill(w.bad_tender, &[("kind", k)])))?,
        ),
        None => None,
    };
    let f = JournalFilter {
        register: a.register,
        cashier: a.cashier,
        kind,
        tender,
        ..JournalFilter::dates(a.from, a.to)
    };
    match a.format {
        Format::Text => {
            caja::sales_journal::write_text(&*store, &f, w.language, std::io::stdout().lock())?;
        }
        Format::Csv => caja::sales_journal::write_csv(&*store, &f, std::io::stdout().lock())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Where `caja journal` reads documents. The journal files when they are whole and hold every
/// document the store does: an independent copy, read while the register sells, that a damaged
/// page of the store does not reach. The store itself (through redb's read-only handle: no
/// byte changes) when the journal lacks documents it holds (a journal cut short or rolled back
/// while the register was stopped), or holds a file of another store, which is said. A store
/// that needs crash recovery is read from the journal, or opened to recover when the journal
/// is not whole either.
pub(super) fn journal_source(dir: &Path, w: &CliWords) -> Result<Box<dyn caja::store::DocSource>> {
    use caja::store::{Refusal, StoreError, StoreReader, ejournal::JournalReader};
    let words = |e: StoreError| anyhow::anyhow!("{}", e.words(w.language, None));
    match StoreReader::open(dir) {
        Ok(r) => {
            if let Some(e) = r.foreign_journal(dir) {
                eprintln!("{}", e.words(w.language, None));
                return Ok(Box::new(r));
            }
            // The store's handle is let go before the journal is read: a register that starts
            // meanwhile must find the store free.
            let last = r.last_seq();
            drop(r);
            match (JournalReader::open(dir), last) {
                (Ok(j), Ok(last)) if j.last_seq() >= last => Ok(Box::new(j)),
                (Ok(j), Err(_)) => Ok(Box::new(j)),
                _ => Ok(Box::new(StoreReader::open(dir).map_err(words)?)),
            }
        }
        Err(e @ StoreError::NotInitialized(_)) => Err(words(e)),
        // The register sells: it made its journal whole when it opened and appends to it.
        Err(StoreError::InUse(_)) => match JournalReader::open(dir) {
            Ok(j) => Ok(Box::new(j)),
            Err(StoreError::Found(problem)) => {
                Err(words(Refusal::JournalNotWhole { problem }.into()))
            }
            Err(e) => Err(words(e)),
        },
        Err(_) => match JournalReader::open(dir) {
            Ok(j) => Ok(Box::new(j)),
            Err(e @ StoreError::Refused(_)) => Err(words(e)),
            Err(_) => Ok(Box::new(Store::open(dir).map_err(words)?)),
        },
    }
}
