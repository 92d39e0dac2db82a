//! The `caja` command line: its arguments, and one file per command.

mod catalog;
mod chain;
mod dev;
mod hub;
mod journal;
mod register;
mod sync;
mod upkeep;
mod user;

use anyhow::{Context, Result, bail};
use caja::config::{Config, Language};
use caja::csvio::write_catalog;
use caja::domain::user::Role;
use caja::i18n::{CliWords, cli_words, fill};
use caja::provision::{Provision, provision};
use caja::sales_journal::JournalFilter;
use caja::store::Store;
use caja::store::catalog::ApplyMode;
use caja::store::check::check_dir;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "caja",
    version = caja::VERSION,
    about = "A terminal cash register that never loses a sale"
)]
pub(crate) struct Cli {
    /// The data directory (default: $XDG_DATA_HOME/caja, or $CAJA_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
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

/// A CSV to import into the register's store: the catalog's or the customers'.
#[derive(Args)]
struct ImportArgs {
    file: PathBuf,
    #[arg(long, value_enum, default_value = "upsert")]
    mode: Mode,
    /// Let `--mode replace` with a file of no rows empty the whole list.
    #[arg(long)]
    allow_empty: bool,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Import a CSV (sku,barcode,name,price,tax_rate); a bad file changes nothing.
    Import(ImportArgs),
    /// Write the catalog as CSV to standard output.
    Export,
}

#[derive(Subcommand)]
enum CustomersCommand {
    /// Import a CSV; a bad file changes nothing and names the line and column.
    Import(ImportArgs),
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

pub(crate) fn default_data_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("CAJA_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("", "", "caja")
        .map(|p| p.data_dir().to_path_buf())
        .context("cannot find a data directory for this user; pass --data-dir")
}

pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    let dir = match cli.data_dir {
        Some(d) => d,
        None => default_data_dir()?,
    };
    match cli.command {
        None => register::register(&dir),
        Some(Command::Init(a)) => register::init(&dir, a),
        Some(Command::Token {
            challenge,
            register,
        }) => register::token(&dir, &challenge, register),
        Some(Command::Catalog { command }) => catalog::catalog(&dir, command),
        Some(Command::Customers { command }) => catalog::customers(&dir, command),
        Some(Command::User { command }) => user::user(&dir, command),
        Some(Command::Journal(a)) => journal::journal_cmd(&dir, a),
        Some(Command::Sync {
            push,
            pull,
            resend,
            take_over,
        }) => sync::sync_cmd(&dir, push, pull, resend, take_over),
        Some(Command::Hub {
            listen,
            tls_cert,
            tls_key,
            command,
        }) => hub::hub_cmd(&dir, &listen, tls_cert, tls_key, command),
        Some(Command::Chain { command }) => chain::chain_cmd(command),
        Some(Command::Check) => upkeep::check(&dir),
        Some(Command::Rebuild { backups }) => upkeep::rebuild(&dir, backups),
        Some(Command::Backup { to, keep }) => upkeep::backup(&dir, &to, keep),
        Some(Command::Restore {
            file,
            yes,
            any_store,
        }) => upkeep::restore(&dir, &file, yes, any_store),
        Some(Command::Doctor) => upkeep::doctor(&dir),
        Some(Command::Assets { out }) => dev::assets(&out),
        Some(Command::Bench(a)) => dev::bench(&dir, a),
        Some(Command::BenchRegister {
            items,
            tickets,
            scanner,
            scans,
        }) => dev::bench_register(&dir, items, tickets, scanner, scans),
        Some(Command::BenchPull {
            url,
            user,
            password,
        }) => dev::bench_pull(&dir, &url, &user, &password),
        Some(Command::BenchOpen) => dev::bench_open(&dir),
        Some(Command::Soak { count, cashier }) => dev::soak(&dir, count, &cashier),
    }
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

fn ask(question: &str, w: &CliWords) -> Result<bool> {
    eprint!("{question} ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    let a = answer.trim().to_lowercase();
    Ok(w.yes.contains(&a.as_str()))
}

/// The command line's words in the language of `dir`'s caja.toml, or the environment's.
pub(crate) fn cli_words_for(dir: &Path) -> &'static CliWords {
    cli_words(
        caja::config::Config::load(dir)
            .ok()
            .filter(|_| dir.join(caja::config::CONFIG_FILE).exists())
            .map_or_else(Language::from_env, |c| c.language),
    )
}

/// A command's failure in the data folder's language: the store's, the sync client's and the
/// domain's errors are typed and have their words; anything else (the operating system's, a
/// file's) says itself.
pub(crate) fn error_words(e: &anyhow::Error, w: &CliWords) -> String {
    if let Some(se) = e.downcast_ref::<caja::store::StoreError>() {
        return se.words(w.language, None);
    }
    if let Some(he) = e.downcast_ref::<caja::hub::store::HubError>() {
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
