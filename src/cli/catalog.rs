//! `caja catalog` and `caja customers`: files in and out of the store.

use super::*;

/// A replace with a file of no rows would empty the list: only on purpose.
pub(super) fn refuse_empty_replace(
    file: &Path,
    replace: bool,
    empty: bool,
    allow_empty: bool,
    w: &CliWords,
) -> Result<()> {
    if replace && empty && !allow_empty {
        let file = file.display().to_string();
        bail!("{}", fill(w.empty_replace, &[("file", &file)]));
    }
    Ok(())
}

pub(super) fn catalog(dir: &Path, c: CatalogCommand) -> Result<ExitCode> {
    if let CatalogCommand::Export = c {
        Reader::open(dir)?.write_catalog(&mut std::io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(dir)?;
    let w = cli_words_for(dir);
    let currency = store.info().currency.clone();
    match c {
        CatalogCommand::Import(ImportArgs {
            file,
            mode,
            allow_empty,
        }) => {
            // Read row by row into a spool beside the store, then applied in one transaction:
            // a catalog of any size in a few MiB, and a bad row changes nothing.
            let input = std::fs::File::open(&file).with_context(|| cannot(w.cannot_read, &file))?;
            let mut spool = store.pull_spool()?;
            let rows = caja::csvio::read_catalog_each(input, &currency, |p| {
                spool.put(&p).map_err(|e| caja::csvio::CsvError {
                    line: 0,
                    column: None,
                    problem: caja::csvio::CsvProblem::Other(store_words(&e, w)),
                })
            })
            .map_err(|e| not_imported(&file, &e.words(w.language), w))?;
            refuse_empty_replace(
                &file,
                matches!(mode, Mode::Replace),
                rows == 0,
                allow_empty,
                w,
            )?;
            let mode = match mode {
                Mode::Upsert => ApplyMode::Upsert,
                Mode::Replace => ApplyMode::Replace,
            };
            let history = caja::store::history::PullEntry::Imported {
                at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                file: file.display().to_string(),
                rows,
            };
            let r = store
                .import_spool(spool, mode, &history)
                .map_err(|e| not_imported(&file, &store_words(&e, w), w))?;
            let done = fill(
                w.catalog_imported,
                &[
                    ("file", &file.display().to_string()),
                    ("added", &r.added.to_string()),
                    ("updated", &r.updated.to_string()),
                    ("removed", &r.removed.to_string()),
                    ("total", &r.total.to_string()),
                ],
            );
            eprintln!("{done}");
        }
        CatalogCommand::Export => {}
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn customers(dir: &Path, c: CustomersCommand) -> Result<ExitCode> {
    use caja::store::customers::CustomerMode;
    let w = cli_words_for(dir);
    if let CustomersCommand::Export { file } = c {
        let r = Reader::open(dir)?;
        match file {
            Some(path) => {
                let mut f = caja::store::files::private_options()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(&path)
                    .with_context(|| cannot(w.cannot_write, &path))?;
                r.write_customers(&mut f)?;
            }
            None => r.write_customers(&mut std::io::stdout().lock())?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(dir)?;
    match c {
        CustomersCommand::Import(ImportArgs {
            file,
            mode,
            allow_empty,
        }) => {
            let bytes = std::fs::read(&file).with_context(|| cannot(w.cannot_read, &file))?;
            let list = caja::csvio::read_customers(&bytes)
                .map_err(|e| not_imported(&file, &e.words(w.language), w))?;
            refuse_empty_replace(
                &file,
                matches!(mode, Mode::Replace),
                list.is_empty(),
                allow_empty,
                w,
            )?;
            let mode = match mode {
                Mode::Upsert => CustomerMode::Upsert,
                Mode::Replace => CustomerMode::Replace,
            };
            let (added, updated) = store
                .import_customers(&list, mode)
                .map_err(|e| not_imported(&file, &store_words(&e, w), w))?;
            let done = fill(
                w.customers_imported,
                &[
                    ("file", &file.display().to_string()),
                    ("added", &added.to_string()),
                    ("updated", &updated.to_string()),
                    ("total", &store.customers_len()?.to_string()),
                ],
            );
            eprintln!("{done}");
        }
        CustomersCommand::Export { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}
