//! Tools for developers and packagers, hidden from `caja --help`: `caja assets` (the manual
//! pages and completions), the benchmarks and the soak.

use super::*;

/// The manual pages and completions the Debian package installs, made from the CLI itself:
/// `caja(1)`, and `caja-CMD(1)` for each command a person runs (the hidden ones are left out).
pub(super) fn assets(out: &Path) -> Result<ExitCode> {
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
    Ok(ExitCode::SUCCESS)
}

/// `caja bench`: the store's and the sync's benchmarks, in a folder beside the data folder.
pub(super) fn bench(dir: &Path, a: BenchArgs) -> Result<ExitCode> {
    let target = a.dir.unwrap_or_else(|| {
        dir.parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(std::env::temp_dir)
    });
    let opts = caja::dev::bench::BenchOptions {
        dir: target,
        items: a.items,
        sales: a.sales,
        open_docs: a.open_docs,
    };
    caja::dev::bench::run(&opts, &mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

/// `caja bench-register`: a register driven by a script, for instruction counts.
pub(super) fn bench_register(
    dir: &Path,
    items: u64,
    tickets: u64,
    scanner: bool,
    scans: u64,
) -> Result<ExitCode> {
    let out = &mut std::io::stdout().lock();
    let scans = scans.max(1);
    caja::dev::register_probe::probe(dir, items, tickets, scans, scanner, out)?;
    Ok(ExitCode::SUCCESS)
}

/// `caja bench-pull`: one replace pull from a server, timed, with the peak memory.
pub(super) fn bench_pull(dir: &Path, url: &str, user: &str, password: &str) -> Result<ExitCode> {
    caja::dev::bench::pull_probe(dir, url, user, password, &mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

/// `caja bench-open`: how long opening the store takes, with its journal replay.
pub(super) fn bench_open(dir: &Path) -> Result<ExitCode> {
    let t = std::time::Instant::now();
    let store = Store::open(dir)?;
    let took = t.elapsed();
    println!(
        "{:.1} ms (replayed {} documents from the journal)",
        took.as_secs_f64() * 1e3,
        store.reconciled().replayed
    );
    Ok(ExitCode::SUCCESS)
}

/// `caja soak`: sells `count` tickets as a register would, answering read requests meanwhile.
pub(super) fn soak(dir: &Path, count: Option<u64>, cashier: &str) -> Result<ExitCode> {
    let store = std::sync::Arc::new(Store::open(dir)?);
    // Like the register, it answers read requests (catalog, customers, backup).
    let _sharing = caja::store::share::serve(store.clone(), dir, cli_words_for(dir).language)
        .map_err(|e| eprintln!("read requests will not be answered: {e}"))
        .ok();
    caja::dev::soak::run(&store, cashier, count, &mut std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}
