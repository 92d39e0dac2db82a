//! Provisioning a register: shared by `caja init` and the first-run setup screen.

use crate::config::{CONFIG_FILE, Config, Language};
use crate::csvio::demo_catalog;
use crate::domain::money::Currency;
use crate::domain::numbering::RegisterCode;
use crate::domain::user::{valid_pin, valid_user_name};
use crate::i18n::Word;
use crate::store::catalog::ApplyMode;
use crate::store::{InitParams, STORE_FILE, Store, StoreError};
use std::path::Path;

pub struct Provision {
    pub store_name: String,
    pub register: String,
    pub supervisor: String,
    pub pin: String,
    pub currency: String,
    pub language: Language,
    pub demo: bool,
    pub prices_include_tax: bool,
}

/// What is wrong, by field, so a form can point at it.
#[derive(Debug)]
pub enum ProvisionError {
    StoreName,
    Register(String),
    Supervisor(String),
    Pin,
    Currency(String),
    Exists(String),
    Store(StoreError),
    Config { path: String, err: std::io::Error },
}

// The error's English words (see [`ProvisionError::words`]).
crate::i18n::display_words!(ProvisionError);

impl std::error::Error for ProvisionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProvisionError::Store(e) => e.source(),
            _ => None,
        }
    }
}

impl From<StoreError> for ProvisionError {
    fn from(e: StoreError) -> Self {
        ProvisionError::Store(e)
    }
}

impl ProvisionError {
    /// The error in `lang`, as the setup screen and `caja init` say it.
    pub fn words(&self, lang: crate::i18n::Language) -> String {
        use crate::i18n::{cli_words, fill, store_text, texts};
        let t = texts(lang);
        match self {
            ProvisionError::StoreName => t.setup_err_store.into(),
            ProvisionError::Register(_) => t.setup_err_register.into(),
            ProvisionError::Supervisor(_) => t.setup_err_user.into(),
            ProvisionError::Pin => t.setup_err_pin.into(),
            ProvisionError::Currency(_) => t.setup_err_currency.into(),
            ProvisionError::Exists(dir) => {
                fill(store_text(lang, Word::AlreadyExists), &[("path", dir)])
            }
            ProvisionError::Store(e) => e.words(lang, None),
            ProvisionError::Config { path, err } => format!(
                "{}: {err}",
                fill(cli_words(lang).cannot_write, &[("path", path)])
            ),
        }
    }
}

/// Makes the store, writes `caja.toml` with commented defaults, loads the demo catalog if asked.
pub fn provision(dir: &Path, p: Provision, now_utc_ms: i64) -> Result<Store, ProvisionError> {
    if dir.join(STORE_FILE).exists() {
        return Err(ProvisionError::Exists(dir.display().to_string()));
    }
    if p.store_name.trim().is_empty() {
        return Err(ProvisionError::StoreName);
    }
    let register = RegisterCode::parse(p.register.trim())
        .map_err(|_| ProvisionError::Register(p.register.clone()))?;
    if !valid_user_name(p.supervisor.trim()) {
        return Err(ProvisionError::Supervisor(p.supervisor.clone()));
    }
    if !valid_pin(&p.pin) {
        return Err(ProvisionError::Pin);
    }
    let currency = Currency::by_code(p.currency.trim())
        .ok_or_else(|| ProvisionError::Currency(p.currency.clone()))?;
    let store = Store::create(
        dir,
        InitParams {
            name: p.store_name.trim().to_string(),
            register,
            currency: currency.clone(),
            prices_include_tax: p.prices_include_tax,
            supervisor: p.supervisor.trim().to_string(),
            pin: p.pin,
            now_utc_ms,
        },
    )?;
    let cfg = dir.join(CONFIG_FILE);
    if !cfg.exists() {
        // The config will hold the sync password: for the register's user only.
        crate::store::files::write_private(&cfg, Config::initial_text(p.language).as_bytes())
            .map_err(|err| ProvisionError::Config {
                path: cfg.display().to_string(),
                err,
            })?;
    }
    if p.demo {
        store.apply_catalog(&demo_catalog(&currency), ApplyMode::Replace)?;
    }
    Ok(store)
}
