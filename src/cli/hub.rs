//! `caja hub`: serving a shop, and its admin commands (through the running hub's socket
//! while it serves).

use super::*;

/// What a hub admin command printed: for standard output, and for people (standard error).
#[derive(Default)]
pub(super) struct Said {
    out: String,
    err: String,
}

impl Said {
    /// Prints what the command said, where it goes.
    fn show(self) -> Result<ExitCode> {
        print!("{}", self.out);
        if !self.err.is_empty() {
            eprintln!("{}", self.err);
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The hub's admin commands (users, catalog), on the hub itself: run here, or, while a hub
/// serves the folder, inside it through its socket (`DIR/hub.sock`).
pub(super) fn hub_admin(hub: &caja::hub::Hub, command: HubCommand, w: &CliWords) -> Result<Said> {
    let mut said = Said::default();
    match command {
        HubCommand::Cert { .. } => {}
        HubCommand::User {
            command:
                HubUserCommand::Add {
                    name,
                    password,
                    admin,
                },
        } => {
            hub.store().add_user(&name, &password, admin)?;
            said.err = fill(w.hub_user_saved, &[("name", &name)]);
        }
        HubCommand::User {
            command: HubUserCommand::Passwd { name, password },
        } => {
            let Some(u) = hub.store().user(&name)? else {
                bail!("{}", fill(w.hub_no_user, &[("name", &name)]));
            };
            hub.store().add_user(&name, &password, u.admin)?;
            said.err = fill(w.hub_password_changed, &[("name", &name)]);
        }
        HubCommand::User {
            command: HubUserCommand::Remove { name },
        } => {
            if !hub.store().remove_user(&name)? {
                bail!("{}", fill(w.hub_no_user, &[("name", &name)]));
            }
            said.err = fill(w.hub_user_removed, &[("name", &name)]);
        }
        HubCommand::User {
            command: HubUserCommand::List,
        } => {
            for (name, admin) in hub.store().users()? {
                said.out.push_str(&format!(
                    "{name}\t{}\n",
                    if admin { "admin" } else { "register" }
                ));
            }
        }
        HubCommand::Catalog {
            command:
                HubCatalogCommand::Import {
                    file,
                    currency,
                    replace,
                },
        } => {
            let (currency, products) = catalog_file(&file, &currency, w)?;
            let mins = min_stock_of(&file, &currency, w)?;
            let (n, deleted) = hub.import_catalog(&products, &currency, replace)?;
            if let Some(mins) = mins {
                hub.store().set_min_stock(&mins)?;
            }
            said.err = fill(
                w.hub_catalog,
                &[("count", &n.to_string()), ("deleted", &deleted.to_string())],
            );
        }
        HubCommand::Export {
            date,
            register,
            format,
        } => {
            let (body, _) = hub.movements(
                date,
                register.as_deref(),
                matches!(format, ExportFormat::Json),
            )?;
            // What a script reads: the bytes as they are (UTF-8 by construction).
            said.out = String::from_utf8_lossy(&body).into_owned();
        }
        HubCommand::Stock {
            command: HubStockCommand::Import { file },
        } => {
            let bytes = std::fs::read(&file).with_context(|| cannot(w.cannot_read, &file))?;
            let rows = caja::csvio::read_stock(&bytes)
                .map_err(|e| not_imported(&file, &e.words(w.language), w))?;
            let loaded = hub
                .import_stock(&rows)?
                .map_err(|e| not_imported(&file, &e.words(w.language), w))?;
            said.out = stock_lines(&loaded, w);
        }
    }
    Ok(said)
}

/// A catalog CSV for the hub or the chain: its currency by code, and its products, read and
/// checked as the register's import reads them.
pub(super) fn catalog_file(
    file: &Path,
    currency: &str,
    w: &CliWords,
) -> Result<(
    caja::domain::money::Currency,
    Vec<caja::domain::catalog::Product>,
)> {
    let currency = caja::domain::money::Currency::by_code(currency).ok_or_else(|| {
        anyhow::anyhow!(
            "{}",
            fill(w.hub_unknown_currency, &[("currency", currency)])
        )
    })?;
    let bytes = std::fs::read(file).with_context(|| cannot(w.cannot_read, file))?;
    let products = caja::csvio::read_catalog(&bytes, &currency)
        .map_err(|e| not_imported(file, &e.words(w.language), w))?;
    Ok((currency, products))
}

/// The `min_stock` column of a catalog file, when it has one: each product's lowest stock
/// (SKU, thousandths), for the hub's dashboard.
pub(super) fn min_stock_of(
    file: &Path,
    currency: &caja::domain::money::Currency,
    w: &CliWords,
) -> Result<Option<Vec<(String, i64)>>> {
    let bytes = std::fs::read(file).with_context(|| cannot(w.cannot_read, file))?;
    let mut mins = Vec::new();
    let (_, has) = caja::csvio::read_catalog_rows(&bytes[..], currency, |p, m| {
        if let Some(m) = m {
            mins.push((p.sku, m));
        }
        Ok(())
    })
    .map_err(|e| not_imported(file, &e.words(w.language), w))?;
    Ok(has.then_some(mins))
}

/// What a stock load did, a line per row: the SKU, before and after.
pub(super) fn stock_lines(loaded: &[caja::hub::stock::Loaded], w: &CliWords) -> String {
    use caja::hub::stock::milli_text;
    let mut out = String::new();
    for l in loaded {
        out.push_str(&fill(
            w.stock_line,
            &[
                ("sku", &l.sku),
                ("before", &milli_text(l.before)),
                ("after", &milli_text(l.after)),
            ],
        ));
        out.push('\n');
    }
    out.push_str(&fill(
        w.stock_loaded,
        &[("count", &loaded.len().to_string())],
    ));
    out.push('\n');
    out
}

/// The socket a serving hub answers its admin commands on.
pub(super) fn hub_socket(dir: &Path) -> PathBuf {
    dir.join("hub.sock")
}

/// Serves the hub's admin commands on `DIR/hub.sock` (0600, in the hub's 0700 folder: only its
/// user may ask): one command per connection, as one JSON line; the answer is one JSON line,
/// what the command printed (`out`, `err`) or why it failed (`error`).
pub(super) fn serve_hub_admin(dir: &Path, hub: std::sync::Arc<caja::hub::Hub>) -> Result<()> {
    use std::io::{BufRead, Read, Write};
    use std::os::unix::fs::PermissionsExt;
    let path = hub_socket(dir);
    let _ = std::fs::remove_file(&path);
    let listener = std::os::unix::net::UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    let w = cli_words_for(dir);
    std::thread::Builder::new()
        .name("hub-admin".into())
        .spawn(move || {
            for conn in listener.incoming().flatten() {
                let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                let _ = conn.set_write_timeout(Some(std::time::Duration::from_secs(30)));
                let mut line = String::new();
                if std::io::BufReader::new(&conn)
                    .take(64 * 1024)
                    .read_line(&mut line)
                    .is_err()
                {
                    continue;
                }
                let answer = serde_json::from_str::<HubCommand>(&line)
                    .map_err(anyhow::Error::from)
                    .and_then(|command| hub_admin(&hub, command, w));
                let text = match answer {
                    Ok(said) => serde_json::json!({"out": said.out, "err": said.err}),
                    Err(e) => serde_json::json!({"error": error_words(&e, w)}),
                };
                let _ = writeln!(&conn, "{text}");
            }
        })?;
    Ok(())
}

/// Asks the hub serving `dir` to run this admin command; None when no hub answers there.
pub(super) fn ask_hub(dir: &Path, command: &HubCommand) -> Option<Result<Said>> {
    use std::io::{BufRead, Write};
    let conn = std::os::unix::net::UnixStream::connect(hub_socket(dir)).ok()?;
    let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(600)));
    let asked = (|| -> Result<Said> {
        writeln!(&conn, "{}", serde_json::to_string(command)?)?;
        let mut line = String::new();
        std::io::BufReader::new(&conn).read_line(&mut line)?;
        let v: serde_json::Value = serde_json::from_str(&line)?;
        if let Some(e) = v["error"].as_str() {
            bail!("{e}");
        }
        Ok(Said {
            out: v["out"].as_str().unwrap_or_default().to_string(),
            err: v["err"].as_str().unwrap_or_default().to_string(),
        })
    })();
    Some(asked)
}

/// The head office's settings from the hub folder's `caja.toml`; a file that does not read
/// leaves the defaults, and says why.
pub(super) fn hub_office(dir: &Path) -> caja::hub::Office {
    match caja::config::Config::load(dir) {
        Ok(c) => caja::hub::Office {
            language: c.language,
            stale_after_hours: c.hub.stale_after_hours,
            currency: caja::domain::money::Currency::by_code(&c.hub.currency),
        },
        Err(e) => {
            eprintln!("{}", e.words(Language::from_env()));
            caja::hub::Office::default()
        }
    }
}

pub(super) fn hub_cmd(
    dir: &Path,
    listen: &str,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    command: Option<HubCommand>,
) -> Result<ExitCode> {
    let tls = match (tls_cert, tls_key) {
        (Some(c), Some(k)) => {
            Some(caja::hub::http::tls_server_config(&c, &k).map_err(anyhow::Error::msg)?)
        }
        _ => None,
    };
    let w = cli_words_for(dir);
    // The certificate needs no hub store: it is made beside it, even while the hub serves.
    if let Some(HubCommand::Cert { hosts }) = &command {
        let made = caja::hub::http::make_certificate(dir, hosts)?;
        let (cert, key) = (
            made.cert.display().to_string(),
            made.key.display().to_string(),
        );
        println!(
            "{}",
            fill(
                w.hub_cert_made,
                &[("hosts", &hosts.join(", ")), ("cert", &cert), ("key", &key)]
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    let hub = match caja::hub::Hub::open(dir) {
        Ok(h) => h.with_office(hub_office(dir)),
        // A hub serves this folder: it runs the command itself.
        Err(e) if command.is_some() => {
            let Some(mut c) = command else {
                return Err(e.into());
            };
            // The serving hub reads the file from its own working folder.
            if let HubCommand::Catalog {
                command: HubCatalogCommand::Import { file, .. },
            }
            | HubCommand::Stock {
                command: HubStockCommand::Import { file },
            } = &mut c
            {
                *file = std::path::absolute(&*file)?;
            }
            match ask_hub(dir, &c) {
                Some(said) => return said?.show(),
                None => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    match command {
        Some(c) => hub_admin(&hub, c, w)?.show(),
        None => {
            let scheme = if tls.is_some() { "https" } else { "http" };
            let limits = caja::hub::http::Limits {
                tls,
                ..Default::default()
            };
            let handle = hub.serve_with(listen, limits).map_err(anyhow::Error::msg)?;
            // `caja hub user …` and `caja hub catalog import` work while it serves.
            if let Err(e) = serve_hub_admin(dir, handle.hub.clone()) {
                tracing::warn!("the hub's admin socket is not served: {e}");
            }
            let url = format!("{scheme}://{}", handle.addr);
            eprintln!("{}", fill(w.hub_listening, &[("url", &url)]));
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
                signal_hook::flag::register(sig, stop.clone())?;
            }
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            handle.stop();
            let _ = std::fs::remove_file(hub_socket(dir));
            eprintln!("{}", w.hub_stopped);
            Ok(ExitCode::SUCCESS)
        }
    }
}
