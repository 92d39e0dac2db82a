//! The register itself, `caja init`, and `caja token` (a supervisor's answer to another
//! register's contingency challenge).

use super::*;

pub(super) fn register(dir: &Path) -> Result<ExitCode> {
    let config = Config::load(dir)?;
    caja::tui::run(dir.to_path_buf(), config)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn init(dir: &Path, a: InitArgs) -> Result<ExitCode> {
    let language = match a.language {
        Some(Lang::Es) => Language::Es,
        Some(Lang::En) => Language::En,
        None => Language::from_env(),
    };
    let p = Provision {
        store_name: a.store,
        register: a.register,
        supervisor: a.supervisor,
        pin: a.pin,
        currency: a.currency,
        language,
        demo: a.demo,
        prices_include_tax: !a.prices_exclude_tax,
    };
    let store = provision(dir, p, chrono::Utc::now().timestamp_millis())?;
    let w = cli_words(language);
    if a.demo {
        let count = store.catalog_len()?.to_string();
        eprintln!("{}", fill(w.demo_catalog, &[("count", &count)]));
    }
    let ready = fill(
        w.ready,
        &[
            ("register", store.info().register.as_str()),
            ("store", &store.info().name),
            ("dir", &dir.display().to_string()),
        ],
    );
    eprintln!("{ready}");
    Ok(ExitCode::SUCCESS)
}

pub(super) fn token(dir: &Path, challenge: &str, register: Option<String>) -> Result<ExitCode> {
    use caja::domain::token::{answer, parse_challenge, window};
    let c = parse_challenge(challenge)?;
    let store = Store::open(dir)?;
    let register = register
        .unwrap_or_else(|| store.info().register.to_string())
        .to_ascii_uppercase();
    println!(
        "{}",
        answer(
            &store.info().token_secret,
            &register,
            c,
            window(chrono::Utc::now().timestamp())
        )
    );
    Ok(ExitCode::SUCCESS)
}
