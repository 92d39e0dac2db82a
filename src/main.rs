//! The `caja` command: the register and the tools technicians and scripts use.

use anyhow::{Context, Result, bail};
use caja::config::{Config, Language};
use caja::csvio::write_catalog;
use caja::domain::user::Role;
use caja::i18n::{CliWords, cli_words, fill};
use caja::journal::{self, JournalFilter};
use caja::provision::{Provision, provision};
use caja::store::Store;
use caja::store::catalog::ApplyMode;
use caja::store::check::check_dir;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "caja",
    version = caja::VERSION,
    about = "A terminal cash register that never loses a sale"
)]
struct Cli {
    /// The data directory (default: $XDG_DATA_HOME/caja, or $CAJA_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Provision a register without the screen (fails if DIR already holds a store).
    Init(InitArgs),
    /// Import or export the catalog as CSV.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Import or export customers as CSV (doc_type,doc_number,name,phone,email,address).
    Customers {
        #[command(subcommand)]
        command: CustomersCommand,
    },
    /// Add users or unlock one.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The sales journal for a date range.
    Journal(JournalArgs),
    /// One sync now: claim the register code, push the outbox, pull the catalog, report status.
    Sync {
        /// Push the outbox (the default).
        #[arg(long)]
        push: bool,
        /// Pull the catalog: partial, total or replace.
        #[arg(long)]
        pull: Option<String>,
        /// Send one business date's documents again (the server keeps what it has).
        #[arg(long)]
        resend: Option<NaiveDate>,
        /// Take this register's code over from the store that claimed it before (a reinstalled
        /// register): numbering continues after the highest number the server holds for it.
        #[arg(long)]
        take_over: bool,
    },
    /// The built-in sync server for one shop (a subset of CouchDB's HTTP API).
    Hub {
        /// Address to listen on.
        #[arg(long, default_value = "0.0.0.0:5984")]
        listen: String,
        /// Serve https:// with this PEM certificate chain (with --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's PEM private key.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        #[command(subcommand)]
        command: Option<HubCommand>,
    },
    /// A chain on Apache CouchDB: prepare it, add registers' users, load the catalog, and
    /// check what CouchDB cannot refuse (URL carries the admin's credentials, or they come
    /// from CAJA_COUCH_USER and CAJA_COUCH_PASSWORD).
    Chain {
        #[command(subcommand)]
        command: ChainCommand,
    },
    /// Verify the store: file integrity, hash chain, gap-free numbers, totals.
    Check,
    /// A new store from the electronic journal and what the damaged store still holds (the
    /// rest from the newest backup of this store); the damaged file is kept aside.
    Rebuild {
        /// Where backups are, for what the damaged store cannot give (default: `[backup] dir`).
        #[arg(long, value_name = "DIR")]
        backups: Option<PathBuf>,
    },
    /// The technician's report: printer, drawer, display, serial ports, sync, clock, store.
    Doctor,
    /// A verified backup of the store into a directory (a USB stick's mount point).
    Backup {
        /// The directory to write to.
        #[arg(long)]
        to: PathBuf,
        /// How many backups of this register to keep there.
        #[arg(long, default_value_t = 7)]
        keep: usize,
    },
    /// The answer to a register's usage-token challenge (a supervisor, with the store secret).
    Token {
        challenge: String,
        /// The register that shows the challenge (default: this store's).
        #[arg(long)]
        register: Option<String>,
    },
    /// Replace the store with a verified backup of it (the current store is kept first).
    Restore {
        file: PathBuf,
        /// Do not ask for confirmation (an existing caja.toml is then kept, and the backup's
        /// is written beside it as caja.toml.from-backup).
        #[arg(long)]
        yes: bool,
        /// Accept a backup of any store over a store too damaged to say which store it is.
        #[arg(long)]
        any_store: bool,
    },
    /// Measure commit latency, bytes written per sale, lookups and search on this disk.
    Bench(BenchArgs),
    /// The register half of `caja bench`, in a process of its own (run by `caja bench`).
    #[command(hide = true)]
    BenchRegister {
        #[arg(long)]
        items: u64,
        /// Tickets to sell, four scans each (benches/keystrokes.sh counts instructions for
        /// two sizes and takes the difference).
        #[arg(long, default_value_t = 250)]
        tickets: u64,
        /// Each barcode arrives at once, as from a scanner: one frame per scan, as the
        /// terminal loop draws (default: typed, one frame per key).
        #[arg(long)]
        scanner: bool,
        /// Barcodes per ticket.
        #[arg(long, default_value_t = 4)]
        scans: u64,
    },
    /// The catalog pull of `caja bench`, in a process of its own so its peak memory is its own.
    #[command(hide = true)]
    BenchPull {
        #[arg(long)]
        url: String,
        #[arg(long)]
        user: String,
        #[arg(long)]
        password: String,
    },
    /// Opens the store once and prints how long it took (run by `caja bench`).
    #[command(hide = true)]
    BenchOpen,
    /// Writes the manual pages (`man/caja.1.gz`, one per command) and the bash, zsh and fish
    /// completions into DIR, from this CLI's definition (what the Debian package installs).
    #[command(hide = true)]
    Assets {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Sell demo tickets in a loop, printing each number once durable (disk burn-in).
    Soak {
        /// Stop after this many tickets (default: until killed).
        #[arg(long)]
        count: Option<u64>,
        #[arg(long, default_value = "soak")]
        cashier: String,
    },
}

#[derive(Args)]
struct InitArgs {
    #[arg(long)]
    store: String,
    #[arg(long)]
    register: String,
    #[arg(long)]
    supervisor: String,
    #[arg(long)]
    pin: String,
    #[arg(long, default_value = "COP")]
    currency: String,
    #[arg(long, value_enum)]
    language: Option<Lang>,
    /// Load the demo catalog.
    #[arg(long)]
    demo: bool,
    /// Catalog prices do not include tax (tax is added at the till).
    #[arg(long)]
    prices_exclude_tax: bool,
}

#[derive(Copy, Clone, ValueEnum)]
enum Lang {
    Es,
    En,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Import a CSV (sku,barcode,name,price,tax_rate); a bad file changes nothing.
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "upsert")]
        mode: Mode,
        /// Let `--mode replace` with a file of no rows empty the whole list.
        #[arg(long)]
        allow_empty: bool,
    },
    /// Write the catalog as CSV to standard output.
    Export,
}

#[derive(Subcommand)]
enum CustomersCommand {
    /// Import a CSV; a bad file changes nothing and names the line and column.
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "upsert")]
        mode: Mode,
        /// Let `--mode replace` with a file of no rows empty the whole list.
        #[arg(long)]
        allow_empty: bool,
    },
    /// Write the customers as CSV to standard output (or to FILE).
    Export { file: Option<PathBuf> },
}

#[derive(Copy, Clone, ValueEnum)]
enum Mode {
    Upsert,
    Replace,
}

#[derive(Subcommand, serde::Serialize, serde::Deserialize)]
enum HubCommand {
    /// Users of the hub: one per register (its code), or an admin.
    User {
        #[command(subcommand)]
        command: HubUserCommand,
    },
    /// Load the catalog registers pull.
    Catalog {
        #[command(subcommand)]
        command: HubCatalogCommand,
    },
    /// Load counts, goods received and corrections (sku,quantity,kind,note).
    Stock {
        #[command(subcommand)]
        command: HubStockCommand,
    },
    /// Print the documents of a business date (the day's movements), as each register's
    /// `caja journal --format csv` writes them plus `store`, or as JSON.
    Export {
        /// The business date (YYYY-MM-DD).
        #[arg(long)]
        date: chrono::NaiveDate,
        /// Only this register's documents.
        #[arg(long)]
        register: Option<String>,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
    },
    /// Make the hub's own TLS key and certificate for its host names and addresses, and say
    /// what to copy into each register's `[sync] ca_file`.
    Cert {
        /// A name or address the registers reach the hub by (repeat for each).
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
    },
}

#[derive(Copy, Clone, ValueEnum, serde::Serialize, serde::Deserialize)]
enum ExportFormat {
    Csv,
    Json,
}

#[derive(Subcommand)]
enum ChainCommand {
    /// Databases, their security, validation and the `_design/caja` views (idempotent).
    Setup {
        #[arg(long)]
        url: String,
    },
    /// Registers' users.
    User {
        #[command(subcommand)]
        command: ChainUserCommand,
    },
    /// Load the catalog registers pull.
    Catalog {
        #[command(subcommand)]
        command: ChainCatalogCommand,
    },
    /// Load counts, goods received and corrections as stock movements (sku,quantity,kind,note).
    Stock {
        #[command(subcommand)]
        command: ChainStockCommand,
    },
    /// Name every rival revision of a sealed document, every break in a register's chain and
    /// every document that fails validation (exit 1 when there is any).
    Check {
        #[arg(long)]
        url: String,
        /// Remove (CouchDB's `_purge`) every rival revision of a sealed document whose
        /// register's own revision is on the server, so that the register's own wins again.
        #[arg(long)]
        purge_rivals: bool,
    },
}

#[derive(Subcommand)]
enum ChainUserCommand {
    /// Add a register's user (its code, role `register`), or set a new password.
    Add {
        code: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        url: String,
    },
}

#[derive(Subcommand)]
enum ChainStockCommand {
    /// Write a stock CSV's rows as movements in caja-docs (a count becomes the movement that
    /// brings the on-hand the views give to the counted figure). All or nothing.
    Import {
        file: PathBuf,
        #[arg(long)]
        url: String,
    },
}

#[derive(Subcommand)]
enum ChainCatalogCommand {
    /// Import a catalog CSV (the same columns as `caja catalog import`); only products that
    /// changed are written.
    Import {
        file: PathBuf,
        #[arg(long)]
        url: String,
        /// The currency the prices are written in.
        #[arg(long, default_value = "COP")]
        currency: String,
        /// Delete products missing from the file (registers see the deletions).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand, serde::Serialize, serde::Deserialize)]
enum HubCatalogCommand {
    /// Import a catalog CSV (the same columns as `caja catalog import`).
    Import {
        file: PathBuf,
        /// The currency the prices are written in.
        #[arg(long, default_value = "COP")]
        currency: String,
        /// Delete products missing from the file (registers see the deletions).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand, serde::Serialize, serde::Deserialize)]
enum HubStockCommand {
    /// Load a stock CSV: `sku,quantity,kind,note`, kind `count` (what is on the shelf now),
    /// `receipt` (goods received) or `adjust` (a signed correction). All or nothing.
    Import { file: PathBuf },
}

#[derive(Subcommand, serde::Serialize, serde::Deserialize)]
enum HubUserCommand {
    /// Add a user (or set a new password): a register's code, or an admin with --admin.
    Add {
        name: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        admin: bool,
    },
    /// Change a user's password (the user keeps its role).
    Passwd {
        name: String,
        #[arg(long)]
        password: String,
    },
    /// Remove a user: that register or admin can no longer log in.
    Remove { name: String },
    /// List users.
    List,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user.
    Add {
        name: String,
        #[arg(long, value_enum, default_value = "cashier")]
        role: RoleArg,
        #[arg(long)]
        pin: String,
    },
    /// Unlock a user after too many wrong PINs.
    Unlock { name: String },
    /// List users.
    List,
}

#[derive(Copy, Clone, ValueEnum)]
enum RoleArg {
    Cashier,
    Supervisor,
    Technician,
}

#[derive(Args)]
struct JournalArgs {
    #[arg(long)]
    from: NaiveDate,
    #[arg(long)]
    to: NaiveDate,
    #[arg(long)]
    register: Option<String>,
    #[arg(long)]
    cashier: Option<String>,
    /// Only one document type: sale, refund, cash, nosale, day_open, day_correct, shift_open,
    /// shift_close, closing, void, cancel, customer, points.
    #[arg(long = "type")]
    kind: Option<String>,
    /// Only documents paid with this tender: cash, card, transfer, other.
    #[arg(long)]
    tender: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

#[derive(Copy, Clone, ValueEnum)]
enum Format {
    Text,
    Csv,
}

#[derive(Args)]
struct BenchArgs {
    /// A directory on the disk to measure (default: the data directory's parent).
    #[arg(long)]
    dir: Option<PathBuf>,
    #[arg(long, default_value_t = 100_000)]
    items: u64,
    #[arg(long, default_value_t = 1_000)]
    sales: u64,
    /// Documents in the store whose open time is measured (after a clean stop and after a kill).
    #[arg(long, default_value_t = 100_000)]
    open_docs: u64,
}

fn default_data_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("CAJA_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("", "", "caja")
        .map(|p| p.data_dir().to_path_buf())
        .context("cannot find a data directory for this user; pass --data-dir")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.data_dir.clone().or_else(|| default_data_dir().ok());
    let w = dir
        .as_deref()
        .map_or_else(|| cli_words(Language::from_env()), cli_words_for);
    // A panic is a bug or a store damaged outside caja: one clear line, never a backtrace.
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        // redb gives up on a page it cannot make sense of: that is a damaged file, not a bug.
        let damaged = info
            .location()
            .is_some_and(|l| l.file().contains("/redb-") || l.file().contains("redb/src"));
        let text = if damaged {
            w.panic_damaged.to_string()
        } else {
            fill(w.panic_internal, &[("message", &msg), ("at", &at)])
        };
        let _ = writeln!(std::io::stderr(), "caja: {text}");
    }));
    // A panic has been reported by the hook in one line; it ends the command with status 2.
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            let _ = writeln!(std::io::stderr(), "caja: {}", error_words(&e, w));
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::from(2),
    }
}

/// A command's failure in the data folder's language: the store's, the sync client's and the
/// domain's errors are typed and have their words; anything else (the operating system's, a
/// file's) says itself.
fn error_words(e: &anyhow::Error, w: &CliWords) -> String {
    if let Some(se) = e.downcast_ref::<caja::store::StoreError>() {
        return se.words(w.language, None);
    }
    if let Some(he) = e.downcast_ref::<caja::sync::hub_store::HubError>() {
        return he.words(w.language);
    }
    if let Some(se) = e.downcast_ref::<caja::sync::client::SyncError>() {
        return se.words(w.language);
    }
    if let Some(ce) = e.downcast_ref::<caja::config::ConfigError>() {
        return ce.words(w.language);
    }
    if let Some(pe) = e.downcast_ref::<caja::provision::ProvisionError>() {
        return pe.words(w.language);
    }
    // The operating system's errors in words, after what was being done (the contexts).
    if let Some(io) = e.root_cause().downcast_ref::<std::io::Error>() {
        let mut parts: Vec<String> = e.chain().map(|c| c.to_string()).collect();
        parts.pop();
        parts.push(caja::i18n::io_words(io, w.language));
        return parts.join(": ");
    }
    let t = caja::i18n::texts(w.language);
    caja::i18n::domain_words(e.as_ref(), t, None).unwrap_or_else(|| format!("{e:#}"))
}

fn run(cli: Cli) -> Result<ExitCode> {
    let dir = match cli.data_dir {
        Some(d) => d,
        None => default_data_dir()?,
    };
    match cli.command {
        None => register(&dir),
        Some(Command::Init(a)) => init(&dir, a),
        Some(Command::Catalog { command }) => catalog(&dir, command),
        Some(Command::Customers { command }) => customers(&dir, command),
        Some(Command::User { command }) => user(&dir, command),
        Some(Command::Journal(a)) => journal_cmd(&dir, a),
        Some(Command::Chain { command }) => chain_cmd(command),
        Some(Command::Check) => check(&dir),
        Some(Command::Rebuild { backups }) => rebuild(&dir, backups),
        Some(Command::Backup { to, keep }) => {
            let w = cli_words_for(&dir);
            let opened = Store::open(&dir);
            let done = match opened {
                Ok(store) => store.backup_to(&to, chrono::Local::now().fixed_offset(), keep)?,
                // The register is selling: it makes the backup itself.
                // A disk the kernel remounted read-only: the backup through the read-only
                // handle, which writes nothing in the data folder.
                Err(caja::store::StoreError::Disk(caja::store::DiskFault::ReadOnly)) => {
                    caja::store::StoreReader::open(&dir)?.backup_to(
                        &dir,
                        &to,
                        chrono::Local::now().fixed_offset(),
                        keep,
                    )?
                }
                Err(caja::store::StoreError::InUse(_)) => {
                    let to = std::path::absolute(&to)?;
                    let req = caja::store::share::Request::Backup { dir: to, keep };
                    match caja::store::share::ask(&dir, &req, &mut std::io::sink())? {
                        Some(b) => caja::store::backup::BackupDone {
                            path: b.path,
                            documents: b.documents,
                            bytes: b.bytes,
                        },
                        None => anyhow::bail!("{}", w.backup_not_made),
                    }
                }
                Err(e) => return Err(e.into()),
            };
            let text = fill(
                w.backup_done,
                &[
                    ("path", &done.path.display().to_string()),
                    ("documents", &done.documents.to_string()),
                    ("mib", &format!("{:.1}", done.bytes as f64 / 1048576.0)),
                ],
            );
            println!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Restore {
            file,
            yes,
            any_store,
        }) => restore(&dir, &file, yes, any_store),
        Some(Command::Token {
            challenge,
            register,
        }) => {
            use caja::domain::token::{answer, parse_challenge, window};
            let c = parse_challenge(&challenge)?;
            let store = Store::open(&dir)?;
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
        Some(Command::Sync {
            push,
            pull,
            resend,
            take_over,
        }) => sync_cmd(&dir, push, pull, resend, take_over),
        Some(Command::Hub {
            listen,
            tls_cert,
            tls_key,
            command,
        }) => {
            let tls = match (tls_cert, tls_key) {
                (Some(c), Some(k)) => {
                    Some(caja::sync::http::tls_server_config(&c, &k).map_err(anyhow::Error::msg)?)
                }
                _ => None,
            };
            hub_cmd(&dir, &listen, tls, command)
        }
        Some(Command::Doctor) => {
            let findings = caja::doctor::run(&dir);
            let ok = caja::doctor::print(&findings, &mut std::io::stdout().lock())?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Some(Command::Bench(a)) => {
            let target = a.dir.unwrap_or_else(|| {
                dir.parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(std::env::temp_dir)
            });
            let opts = caja::bench::BenchOptions {
                dir: target,
                items: a.items,
                sales: a.sales,
                open_docs: a.open_docs,
            };
            caja::bench::run(&opts, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::BenchRegister {
            items,
            tickets,
            scanner,
            scans,
        }) => {
            let out = &mut std::io::stdout().lock();
            let scans = scans.max(1);
            caja::bench_register::probe(&dir, items, tickets, scans, scanner, out)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::BenchPull {
            url,
            user,
            password,
        }) => {
            caja::bench::pull_probe(&dir, &url, &user, &password, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Assets { out }) => {
            assets(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::BenchOpen) => {
            let t = std::time::Instant::now();
            let store = Store::open(&dir)?;
            let took = t.elapsed();
            println!(
                "{:.1} ms (replayed {} documents from the journal)",
                took.as_secs_f64() * 1e3,
                store.reconciled().replayed
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Soak { count, cashier }) => {
            let store = std::sync::Arc::new(Store::open(&dir)?);
            // Like the register, it answers read requests (catalog, customers, backup).
            let _sharing =
                caja::store::share::serve(store.clone(), &dir, cli_words_for(&dir).language)
                    .map_err(|e| eprintln!("read requests will not be answered: {e}"))
                    .ok();
            caja::soak::run(&store, &cashier, count, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn register(dir: &Path) -> Result<ExitCode> {
    let config = Config::load(dir)?;
    caja::tui::run(dir.to_path_buf(), config)?;
    Ok(ExitCode::SUCCESS)
}

fn init(dir: &Path, a: InitArgs) -> Result<ExitCode> {
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

/// A replace with a file of no rows would empty the list: only on purpose.
fn refuse_empty_replace(
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

/// An import's failure: which file, why (in the folder's language), and that nothing changed.
fn not_imported(file: &Path, why: &dyn std::fmt::Display, w: &CliWords) -> anyhow::Error {
    let file = file.display().to_string();
    anyhow::anyhow!(
        "{}",
        fill(
            w.nothing_imported,
            &[("file", &file), ("why", &why.to_string())]
        )
    )
}

/// A store error in the folder's language.
fn store_words(e: &caja::store::StoreError, w: &CliWords) -> String {
    e.words(w.language, None)
}

/// A file that cannot be opened, named in the folder's language.
fn cannot(text: &str, path: &Path) -> String {
    fill(text, &[("path", &path.display().to_string())])
}

/// Exports read through redb's read-only handle and change no byte of the store; only a store
/// that needs crash recovery is opened for writing (the recovery writes).
enum Reader {
    ReadOnly(caja::store::StoreReader),
    Store(Box<Store>),
    /// A register holds the store: it answers over its socket.
    Running(PathBuf),
}

impl Reader {
    fn open(dir: &Path) -> Result<Reader> {
        // A register that holds the store answers on its socket.
        match caja::store::share::open_past_closing(dir, || caja::store::StoreReader::open(dir)) {
            Ok(r) => Ok(Reader::ReadOnly(r)),
            Err(caja::store::StoreError::InUse(_)) => Ok(Reader::Running(dir.to_path_buf())),
            Err(e @ caja::store::StoreError::NotInitialized(_)) => Err(e.into()),
            Err(_) => Ok(Reader::Store(Box::new(Store::open(dir)?))),
        }
    }

    /// Writes the catalog CSV to `out`.
    fn write_catalog(&self, out: &mut dyn std::io::Write) -> Result<()> {
        let mut all = Vec::new();
        let push = |p| {
            all.push(p);
            Ok(())
        };
        let currency = match self {
            Reader::ReadOnly(r) => {
                r.visit_products(push)?;
                r.info().currency.clone()
            }
            Reader::Store(s) => {
                s.visit_products(push)?;
                s.info().currency.clone()
            }
            Reader::Running(dir) => {
                caja::store::share::ask(dir, &caja::store::share::Request::Catalog, out)?;
                return Ok(());
            }
        };
        write_catalog(out, &currency, all)?;
        Ok(())
    }

    /// Writes the customers CSV to `out`.
    fn write_customers(&self, out: &mut dyn std::io::Write) -> Result<()> {
        let mut all = Vec::new();
        let push = |c: caja::store::customers::StoredCustomer| {
            all.push(c.customer);
            Ok(())
        };
        match self {
            Reader::ReadOnly(r) => r.visit_customers(push)?,
            Reader::Store(s) => s.visit_customers(push)?,
            Reader::Running(dir) => {
                caja::store::share::ask(dir, &caja::store::share::Request::Customers, out)?;
                return Ok(());
            }
        }
        caja::csvio::write_customers(out, all)?;
        Ok(())
    }
}

fn catalog(dir: &Path, c: CatalogCommand) -> Result<ExitCode> {
    if let CatalogCommand::Export = c {
        Reader::open(dir)?.write_catalog(&mut std::io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(dir)?;
    let w = cli_words_for(dir);
    let currency = store.info().currency.clone();
    match c {
        CatalogCommand::Import {
            file,
            mode,
            allow_empty,
        } => {
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

fn customers(dir: &Path, c: CustomersCommand) -> Result<ExitCode> {
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
        CustomersCommand::Import {
            file,
            mode,
            allow_empty,
        } => {
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

fn user(dir: &Path, c: UserCommand) -> Result<ExitCode> {
    let store = Store::open(dir)?;
    let w = cli_words_for(dir);
    match c {
        UserCommand::Add { name, role, pin } => {
            let role = match role {
                RoleArg::Cashier => Role::Cashier,
                RoleArg::Supervisor => Role::Supervisor,
                RoleArg::Technician => Role::Technician,
            };
            store.add_user(&name, role, &pin)?;
            let role = match role {
                Role::Cashier => w.role_cashier,
                Role::Supervisor => w.role_supervisor,
                Role::Technician => w.role_technician,
            };
            let text = fill(w.user_added, &[("name", &name), ("role", role)]);
            eprintln!("{text}");
        }
        UserCommand::Unlock { name } => {
            store.unlock_user(&name)?;
            eprintln!("{}", fill(w.user_unlocked, &[("name", &name)]));
        }
        UserCommand::List => {
            for u in store.users()? {
                println!(
                    "{}\t{}\t{}",
                    u.name,
                    u.role.code(),
                    if u.locked { "locked" } else { "ok" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn sync_cmd(
    dir: &Path,
    push: bool,
    pull: Option<String>,
    resend: Option<NaiveDate>,
    take_over: bool,
) -> Result<ExitCode> {
    let w = cli_words_for(dir);
    let mode = match pull.as_deref() {
        Some(m) => Some(
            caja::sync::client::PullMode::parse(m)
                .ok_or_else(|| anyhow::anyhow!("{}", fill(w.bad_pull, &[("mode", m)])))?,
        ),
        None => None,
    };
    let config = caja::config::Config::load(dir)?;
    let store = Store::open(dir)?;
    let mut client = caja::sync::client::Client::new(&config.sync)?;
    if take_over {
        let t = caja::sync::client::take_over(&store, &mut client, |kind| {
            let kind = caja::i18n::texts(w.language).doc_kinds[kind.index()];
            eprintln!("{}", fill(w.reading_numbers, &[("kind", kind)]))
        })?;
        let register = store.register().as_str();
        if t.previous == store.info().store_id {
            eprintln!("{}", fill(w.already_holds, &[("register", register)]));
        } else {
            let previous = if t.previous.is_empty() {
                w.previous_none
            } else {
                &t.previous
            };
            let text = fill(
                w.took_over,
                &[
                    ("register", register),
                    ("previous", previous),
                    ("scanned", &t.scanned.to_string()),
                ],
            );
            eprintln!("{text}");
            for (kind, n) in &t.floors {
                let number = caja::domain::numbering::format_number(store.register(), *kind, *n);
                let text = fill(
                    w.continues_after,
                    &[
                        (
                            "kind",
                            caja::i18n::texts(w.language).doc_kinds[kind.index()],
                        ),
                        ("number", &number),
                    ],
                );
                eprintln!("{text}");
            }
        }
    }
    caja::sync::client::claim(&store, &mut client)?;
    if let Some(date) = resend {
        let r = caja::sync::client::resend_date(&store, &mut client, date)?;
        let text = fill(
            w.resent,
            &[
                ("date", &date.to_string()),
                ("sent", &r.sent.to_string()),
                ("already", &r.already.to_string()),
            ],
        );
        eprintln!("{text}");
        return Ok(if r.rejected.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let pushing = mode.is_none() || push;
    let report = if pushing {
        caja::sync::client::push(&store, &mut client, |done, total| {
            let (done, total) = (done.to_string(), total.to_string());
            eprintln!(
                "{}",
                fill(w.push_progress, &[("done", &done), ("total", &total)])
            );
        })?
    } else {
        Default::default()
    };
    // The default is push, then a partial pull.
    let pull_mode = match (mode, push) {
        (Some(m), _) => Some(m),
        (None, false) => Some(caja::sync::client::PullMode::Partial),
        (None, true) => None,
    };
    if let Some(m) = pull_mode {
        let r = caja::sync::client::pull(&store, &mut client, m, |n| {
            eprintln!("{}", fill(w.pull_progress, &[("count", &n.to_string())]));
        })?;
        let text = fill(
            w.pulled,
            &[
                (
                    "mode",
                    caja::i18n::pull_mode_word(caja::i18n::texts(w.language), m.code()),
                ),
                ("upserted", &r.upserted.to_string()),
                ("removed", &r.removed.to_string()),
                ("total", &r.total.to_string()),
            ],
        );
        eprintln!("{text}");
        for why in &r.refused {
            eprintln!(
                "{}",
                fill(w.pull_refused, &[("why", &why.words(w.language))])
            );
        }
    }
    caja::sync::client::report_status(&store, &mut client, Some(&report))?;
    // A pull alone says nothing of a push it did not try.
    if pushing {
        let text = fill(
            w.pushed,
            &[
                ("sent", &report.sent.to_string()),
                ("already", &report.already.to_string()),
                ("batches", &report.batches.to_string()),
            ],
        );
        eprintln!("{text}");
    }
    for (id, why) in &report.rejected {
        eprintln!("{}", fill(w.server_refused, &[("id", id), ("why", why)]));
    }
    caja::sync::worker::remember_server_clock(&store, &client);
    if let Some(d) = client.drift_s
        && d.abs() > 120
    {
        eprintln!("{}", fill(w.drift, &[("seconds", &d.to_string())]));
    }
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// What a hub admin command printed: for standard output, and for people (standard error).
#[derive(Default)]
struct Said {
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
fn hub_admin(hub: &caja::sync::hub::Hub, command: HubCommand, w: &CliWords) -> Result<Said> {
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
fn catalog_file(
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
fn min_stock_of(
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
fn stock_lines(loaded: &[caja::sync::hub_stock::Loaded], w: &CliWords) -> String {
    use caja::sync::hub_stock::milli_text;
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

/// `caja chain`: in the language of this machine's locale (a chain's admin has no store).
fn chain_cmd(command: ChainCommand) -> Result<ExitCode> {
    use caja::sync::chain;
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

/// The manual pages and completions the Debian package installs, made from the CLI itself:
/// `caja(1)`, and `caja-CMD(1)` for each command a person runs (the hidden ones are left out).
fn assets(out: &Path) -> Result<()> {
    use clap::CommandFactory;
    let man = out.join("man");
    let completions = out.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;
    let cmd = Cli::command();
    let page = |c: clap::Command, name: &str| -> Result<()> {
        let mut text = Vec::new();
        clap_mangen::Man::new(c)
            .date(env!("CAJA_BUILD_DATE"))
            .source(format!("caja {}", env!("CARGO_PKG_VERSION")))
            .manual("caja")
            .render(&mut text)?;
        std::fs::write(man.join(format!("{name}.1")), text)?;
        Ok(())
    };
    page(cmd.clone(), "caja")?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("caja-{}", sub.get_name());
        page(
            sub.clone()
                .display_name(&name)
                .bin_name(format!("caja {}", sub.get_name())),
            &name,
        )?;
    }
    use clap_complete::Shell;
    for (shell, file) in [
        (Shell::Bash, "caja.bash"),
        (Shell::Zsh, "_caja"),
        (Shell::Fish, "caja.fish"),
    ] {
        let mut f = std::fs::File::create(completions.join(file))?;
        clap_complete::generate(shell, &mut Cli::command(), "caja", &mut f);
    }
    Ok(())
}

/// The socket a serving hub answers its admin commands on.
fn hub_socket(dir: &Path) -> PathBuf {
    dir.join("hub.sock")
}

/// Serves the hub's admin commands on `DIR/hub.sock` (0600, in the hub's 0700 folder: only its
/// user may ask): one command per connection, as one JSON line; the answer is one JSON line,
/// what the command printed (`out`, `err`) or why it failed (`error`).
fn serve_hub_admin(dir: &Path, hub: std::sync::Arc<caja::sync::hub::Hub>) -> Result<()> {
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
fn ask_hub(dir: &Path, command: &HubCommand) -> Option<Result<Said>> {
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
fn hub_office(dir: &Path) -> caja::sync::hub::Office {
    match caja::config::Config::load(dir) {
        Ok(c) => caja::sync::hub::Office {
            language: c.language,
            stale_after_hours: c.hub.stale_after_hours,
            currency: caja::domain::money::Currency::by_code(&c.hub.currency),
        },
        Err(e) => {
            eprintln!("{}", e.words(Language::from_env()));
            caja::sync::hub::Office::default()
        }
    }
}

fn hub_cmd(
    dir: &Path,
    listen: &str,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    command: Option<HubCommand>,
) -> Result<ExitCode> {
    let w = cli_words_for(dir);
    // The certificate needs no hub store: it is made beside it, even while the hub serves.
    if let Some(HubCommand::Cert { hosts }) = &command {
        let made = caja::sync::http::make_certificate(dir, hosts)?;
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
    let hub = match caja::sync::hub::Hub::open(dir) {
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
            let limits = caja::sync::http::Limits {
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

fn journal_cmd(dir: &Path, a: JournalArgs) -> Result<ExitCode> {
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
            journal::write_text(&*store, &f, w.language, std::io::stdout().lock())?;
        }
        Format::Csv => journal::write_csv(&*store, &f, std::io::stdout().lock())?,
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
fn journal_source(dir: &Path, w: &CliWords) -> Result<Box<dyn caja::store::DocSource>> {
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

fn ask(question: &str, w: &CliWords) -> Result<bool> {
    eprint!("{question} ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    let a = answer.trim().to_lowercase();
    Ok(w.yes.contains(&a.as_str()))
}

/// The command line's words in the language of `dir`'s caja.toml, or the environment's.
fn cli_words_for(dir: &Path) -> &'static CliWords {
    cli_words(
        caja::config::Config::load(dir)
            .ok()
            .filter(|_| dir.join(caja::config::CONFIG_FILE).exists())
            .map_or_else(Language::from_env, |c| c.language),
    )
}

fn restore(dir: &Path, file: &Path, yes: bool, any_store: bool) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let w = cli_words_for(dir);
    let (d, f) = (dir.display().to_string(), file.display().to_string());
    let interactive = !yes && std::io::stdin().is_terminal();
    if !yes {
        if !interactive {
            bail!("{}", fill(w.restore_confirm, &[("dir", &d)]));
        }
        if !ask(&fill(w.restore_ask, &[("dir", &d), ("file", &f)]), w)? {
            bail!("{}", w.not_restored);
        }
    }
    let r =
        caja::store::backup::restore(dir, file, chrono::Local::now().fixed_offset(), any_store)?;
    let how = if r.checksummed {
        w.checksum_ok
    } else {
        w.checksum_none
    };
    let text = fill(
        w.restored,
        &[
            ("file", &f),
            ("documents", &r.report.documents.to_string()),
            ("how", how),
        ],
    );
    println!("{text}");
    match &r.kept {
        Some(k) => println!("{}", fill(w.kept_as, &[("path", &k.display().to_string())])),
        None => println!("{}", fill(w.held_none, &[("dir", &d)])),
    }
    if let Some(cfg) = &r.config {
        let path = dir.join(caja::config::CONFIG_FILE);
        let existing = std::fs::read(&path).ok();
        let p = path.display().to_string();
        if existing.as_deref() == Some(cfg.as_slice()) {
        } else if existing.is_none()
            || (interactive && ask(&fill(w.config_ask, &[("path", &p)]), w)?)
        {
            caja::store::files::write_private(&path, cfg)?;
            println!("{}", fill(w.config_restored, &[("path", &p)]));
        } else {
            let beside = dir.join("caja.toml.from-backup");
            caja::store::files::write_private(&beside, cfg)?;
            let b = beside.display().to_string();
            println!("{}", fill(w.config_kept, &[("path", &p), ("beside", &b)]));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rebuild(dir: &Path, backups: Option<PathBuf>) -> Result<ExitCode> {
    let w = cli_words_for(dir);
    // A damaged store may come with a damaged caja.toml: then there is no default.
    let backups = backups.or_else(|| {
        caja::config::Config::load(dir)
            .ok()
            .map(|c| c.backup.dir)
            .filter(|d| !d.trim().is_empty())
            .map(PathBuf::from)
    });
    let backups = backups.as_deref();
    let r = caja::store::rebuild::rebuild_dir(dir, chrono::Local::now().fixed_offset(), backups)?;
    let n = |x: u64| x.to_string();
    println!(
        "{}",
        fill(
            w.rebuilt,
            &[
                ("documents", &n(r.documents)),
                ("journal", &n(r.documents - r.from_store)),
                ("store", &n(r.from_store)),
            ],
        )
    );
    for c in &r.copied {
        let what = c.label(w.language);
        println!(
            "{}",
            fill(w.recovered, &[("what", &what), ("rows", &n(c.rows))])
        );
    }
    for l in &r.lost {
        let what = l.words(w.language);
        println!("{}", fill(w.not_recovered, &[("what", &what)]));
    }
    if let Some(p) = &r.from_backup {
        let path = p.display().to_string();
        println!("{}", fill(w.rebuilt_from_backup, &[("path", &path)]));
    }
    if let Some(p) = &r.damaged_kept_as {
        let path = p.display().to_string();
        println!("{}", fill(w.damaged_kept, &[("path", &path)]));
    }
    println!("{}", w.rebuilt_clean);
    Ok(ExitCode::SUCCESS)
}

fn check(dir: &Path) -> Result<ExitCode> {
    let w = cli_words_for(dir);
    let mut last = std::time::Instant::now();
    let mut progress = |n: u64| {
        if last.elapsed().as_millis() > 500 {
            eprintln!("{}", fill(w.check_progress, &[("count", &n.to_string())]));
            last = std::time::Instant::now();
        }
    };
    let report = match check_dir(dir, &mut progress) {
        // The register is selling: its journal holds every document, and is read without it.
        Err(caja::store::StoreError::InUse(_)) => {
            println!("{}", w.check_running);
            let r = caja::store::check::check_journal_only(dir, &mut progress)?;
            let line = fill(
                w.check_journal_line,
                &[
                    ("documents", &r.documents.to_string()),
                    ("numbers", &last_numbers(&r, w)),
                ],
            );
            println!("{line}");
            return finish_check(&r, w.check_scope_journal, w);
        }
        r => r?,
    };
    let line = fill(
        w.check_store_line,
        &[
            ("documents", &report.documents.to_string()),
            ("products", &report.products.to_string()),
            ("numbers", &last_numbers(&report, w)),
        ],
    );
    println!("{line}");
    let records = report.journal_records.to_string();
    let line = if report.journal_only > 0 {
        fill(
            w.check_journal_pending,
            &[
                ("records", &records),
                ("pending", &report.journal_only.to_string()),
            ],
        )
    } else {
        fill(w.check_journal_records, &[("records", &records)])
    };
    println!("{line}");
    finish_check(&report, w.check_scope_file, w)
}

fn last_numbers(report: &caja::store::check::CheckReport, w: &CliWords) -> String {
    let numbers: Vec<String> = report
        .last_numbers
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| {
            let kind = caja::i18n::texts(w.language).doc_kinds[k.index()];
            format!("{kind} {n}")
        })
        .collect();
    if numbers.is_empty() {
        w.numbers_none.into()
    } else {
        numbers.join(", ")
    }
}

fn finish_check(
    report: &caja::store::check::CheckReport,
    what: &str,
    w: &CliWords,
) -> Result<ExitCode> {
    for n in &report.notes {
        println!("{}", fill(w.check_note, &[("note", &n.words(w.language))]));
    }
    if report.ok() {
        println!("{}", fill(w.check_ok, &[("what", what)]));
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &report.problems {
            let problem = p.words(w.language);
            println!("{}", fill(w.check_problem, &[("problem", &problem)]));
        }
        let count = report.problems.len().to_string();
        println!("{}", fill(w.check_failed, &[("count", &count)]));
        Ok(ExitCode::FAILURE)
    }
}
