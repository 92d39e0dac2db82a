//! `caja chain`: a chain's CouchDB, set up and loaded.

use super::hub::{catalog_file, stock_lines};
use super::*;

/// `caja chain`: in the language of this machine's locale (a chain's admin has no store).
pub(super) fn chain_cmd(command: ChainCommand) -> Result<ExitCode> {
    use caja::hub::chain;
    let w = cli_words(Language::from_env());
    let lang = w.language;
    let sync_err = |e: caja::sync::client::SyncError| anyhow::anyhow!("{}", e.words(lang));
    match command {
        ChainCommand::Setup { url } => {
            let mut c = chain::connect(&url).map_err(sync_err)?;
            let report = chain::setup(&mut c).map_err(sync_err)?;
            for line in chain::setup_lines(&report, w) {
                println!("{line}");
            }
        }
        ChainCommand::User {
            command:
                ChainUserCommand::Add {
                    code,
                    password,
                    url,
                },
        } => {
            if caja::domain::numbering::RegisterCode::parse(&code).is_err() {
                bail!("{code}: {}", caja::i18n::texts(lang).setup_err_register);
            }
            let mut c = chain::connect(&url).map_err(sync_err)?;
            let new = chain::user_add(&mut c, &code, &password).map_err(sync_err)?;
            let said = if new {
                w.chain_user_new
            } else {
                w.chain_user_changed
            };
            println!("{}", fill(said, &[("code", &code)]));
        }
        ChainCommand::Catalog {
            command:
                ChainCatalogCommand::Import {
                    file,
                    url,
                    currency,
                    replace,
                },
        } => {
            let (currency, products) = catalog_file(&file, &currency, w)?;
            let mut c = chain::connect(&url).map_err(sync_err)?;
            let (written, unchanged, deleted) =
                chain::catalog_import(&mut c, &products, &currency, replace).map_err(sync_err)?;
            println!(
                "{}",
                fill(
                    w.chain_catalog,
                    &[
                        ("written", &written.to_string()),
                        ("unchanged", &unchanged.to_string()),
                        ("deleted", &deleted.to_string()),
                    ]
                )
            );
        }
        ChainCommand::Stock {
            command: ChainStockCommand::Import { file, url },
        } => {
            let bytes = std::fs::read(&file).with_context(|| cannot(w.cannot_read, &file))?;
            let rows = caja::csvio::read_stock(&bytes)
                .map_err(|e| not_imported(&file, &e.words(lang), w))?;
            let mut c = chain::connect(&url).map_err(sync_err)?;
            let loaded = chain::stock_import(&mut c, &rows)
                .map_err(sync_err)?
                .map_err(|e| not_imported(&file, &e.words(lang), w))?;
            print!("{}", stock_lines(&loaded, w));
        }
        ChainCommand::Check { url, purge_rivals } => {
            let mut c = chain::connect(&url).map_err(sync_err)?;
            let mut report = chain::check(&mut c).map_err(sync_err)?;
            if purge_rivals {
                let purged = chain::purge_rivals(&mut c, &report).map_err(sync_err)?;
                for id in &purged {
                    eprintln!("{}", fill(w.chain_purged, &[("id", id)]));
                }
                if !purged.is_empty() {
                    report = chain::check(&mut c).map_err(sync_err)?;
                }
            }
            let lines = chain::check_lines(&report, w);
            for line in &lines {
                println!("{line}");
            }
            if !report.findings.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
