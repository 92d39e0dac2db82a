//! `caja bench`: measures, on the disk it is pointed at, what the design budgets promise.
//! Every figure is measured in this run; nothing is assumed.

use crate::csvio::write_catalog;
use crate::dev::soak::{header_now, soak_ticket};
use crate::domain::catalog::Product;
use crate::domain::money::{Currency, Money};
use crate::domain::numbering::RegisterCode;
use crate::domain::qty::TaxRate;
use crate::store::Commit;
use crate::store::{InitParams, Store};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct BenchOptions {
    /// A directory on the disk to measure; a fresh subdirectory is made and removed.
    pub dir: PathBuf,
    pub items: u64,
    pub sales: u64,
    /// Documents in the store whose open is timed.
    pub open_docs: u64,
}

/// Median and 99th percentile of a set of timings.
pub struct Stats {
    pub median: Duration,
    pub p99: Duration,
}

pub fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let at = |q: f64| {
        v.get(((v.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    Stats {
        median: at(0.5),
        p99: at(0.99),
    }
}

/// Bytes this process has caused to be written to storage, from `/proc/self/io`.
pub fn write_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/io").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("write_bytes:"))
        .and_then(|v| v.trim().parse().ok())
}

/// Deterministic pseudo-random numbers (SplitMix64): the same catalog and queries every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
}

const BRANDS: &[&str] = &[
    "Diana",
    "Roa",
    "Zenú",
    "Alpina",
    "Colanta",
    "Nestlé",
    "Águila",
    "Postobón",
    "Noel",
    "Ramo",
    "Corona",
    "Sello Rojo",
    "Fruco",
    "Doria",
    "Margarita",
    "Manuelita",
];
const GOODS: &[&str] = &[
    "arroz",
    "café",
    "chocolate",
    "galletas",
    "leche",
    "yogur",
    "queso",
    "atún",
    "salchichas",
    "pasta",
    "aceite",
    "azúcar",
    "panela",
    "harina",
    "avena",
    "jugo",
    "gaseosa",
    "cerveza",
    "papas",
    "maní",
    "jabón",
    "detergente",
    "champú",
    "crema",
    "servilletas",
    "arepas",
    "lenteja",
    "fríjol",
    "mayonesa",
    "salsa",
];
const SIZES: &[&str] = &[
    "125 g", "250 g", "500 g", "1 kg", "2 kg", "350 ml", "1 L", "1.5 L", "x 6", "x 12", "x 24",
    "familiar",
];

/// A synthetic catalog of `n` products with realistic names, one or two barcodes each.
pub fn synthetic_catalog(n: u64, rng: &mut Rng) -> Vec<Product> {
    (0..n)
        .map(|i| {
            let name = format!(
                "{} {} {} {}",
                GOODS[rng.below(GOODS.len() as u64) as usize],
                BRANDS[rng.below(BRANDS.len() as u64) as usize],
                SIZES[rng.below(SIZES.len() as u64) as usize],
                i % 997
            );
            let mut barcodes = vec![format!("77{:011}", i)];
            if i % 5 == 0 {
                barcodes.push(format!("78{:011}", i));
            }
            Product {
                sku: format!("P{i:06}"),
                name,
                barcodes,
                price: Money::from_minor(100 * (5 + rng.below(500) as i64)),
                tax_rate: TaxRate::from_bp([0, 500, 1900][rng.below(3) as usize]),
                active: true,
                sold_by: Default::default(),
                open_price: false,
            }
        })
        .collect()
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// A file of `pages` zero pages, synced. Written a page at a time, as the journal grows its
/// files: one large write puts a file in large page-cache folios, where each later small
/// write is counted (and may be written) as a whole folio.
fn prefilled(path: &std::path::Path, pages: u64) -> Result<std::fs::File> {
    use std::os::unix::fs::FileExt;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(path)?;
    let zero = [0u8; 4096];
    for page in 0..pages {
        f.write_all_at(&zero, page * 4096)?;
    }
    f.sync_all()?;
    Ok(f)
}

/// `pages` 4 KiB writes + one fdatasync: with 1, the floor any durable commit stands on; with
/// several scattered pages, what a copy-on-write B-tree commit must write at the least.
fn raw_fdatasync(
    dir: &std::path::Path,
    n: usize,
    pages: u64,
    scattered: bool,
) -> Result<Vec<Duration>> {
    use std::os::unix::fs::FileExt;
    let path = dir.join("raw-fdatasync.bin");
    let f = prefilled(&path, 4096)?;
    let block = vec![0x5Au8; 4096];
    let mut v = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        for p in 0..pages {
            let page = (i as u64 * pages + p) * if scattered { 97 } else { 1 } % 4096;
            f.write_all_at(&block, page * 4096)?;
        }
        f.sync_data()?;
        v.push(t.elapsed());
    }
    std::fs::remove_file(&path)?;
    Ok(v)
}

pub fn run(opts: &BenchOptions, out: &mut impl Write) -> Result<()> {
    let work = opts.dir.join(format!("caja-bench-{}", std::process::id()));
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    std::fs::create_dir_all(&work).with_context(|| format!("cannot make {}", work.display()))?;
    let result = run_in(opts, &work, out);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn run_in(opts: &BenchOptions, work: &std::path::Path, out: &mut impl Write) -> Result<()> {
    let cop = Currency::by_code("COP").context("COP")?;
    writeln!(
        out,
        "caja bench: {} items, {} sales, on {}",
        opts.items,
        opts.sales,
        work.display()
    )?;

    let n = opts.sales.clamp(50, 2000) as usize;
    let raw = stats(raw_fdatasync(work, n, 1, false)?);
    writeln!(
        out,
        "raw 4 KiB write + fdatasync      median {}  p99 {}",
        ms(raw.median),
        ms(raw.p99)
    )?;
    let cow = stats(raw_fdatasync(work, n, 7, true)?);
    writeln!(
        out,
        "raw 7 scattered 4 KiB + fdatasync median {}  p99 {}  (the least a copy-on-write commit writes)",
        ms(cow.median),
        ms(cow.p99)
    )?;

    let store = Store::create(
        work,
        InitParams {
            name: "bench".into(),
            register: RegisterCode::parse("FV1")?,
            currency: cop.clone(),
            prices_include_tax: true,
            supervisor: "bench".into(),
            pin: "1234".into(),
            now_utc_ms: 0,
        },
    )?;
    drop(store);

    // Catalog import by `caja catalog import` itself, in a process of its own so that its peak
    // memory is its own.
    let mut rng = Rng::new(42);
    let catalog = synthetic_catalog(opts.items, &mut rng);
    let csv_path = work.join("catalog.csv");
    {
        let f = std::io::BufWriter::new(std::fs::File::create(&csv_path)?);
        write_catalog(f, &cop, catalog.iter().cloned())?;
    }
    let csv_len = std::fs::metadata(&csv_path)?.len();
    let (took, peak) = run_child(&[
        "catalog",
        "import",
        "--data-dir",
        &work.to_string_lossy(),
        &csv_path.to_string_lossy(),
        "--mode",
        "replace",
    ])?;
    writeln!(
        out,
        "catalog import {:>7} items         {} in its own process, peak RSS {:.1} MiB, {:.1} MiB CSV (budget 64 MiB)",
        opts.items,
        ms(took),
        peak as f64 / 1024.0,
        csv_len as f64 / 1048576.0
    )?;
    let _ = std::fs::remove_file(&csv_path);
    let store = Store::open(work)?;
    let store_mib = std::fs::metadata(store.path())?.len() as f64 / 1048576.0;
    writeln!(
        out,
        "store file with {:>7} products   {store_mib:.1} MiB (budget 100 MB for 100,000)",
        opts.items
    )?;

    // Sales: every one a separate durable commit, as at the till.
    let products: Vec<Product> = catalog.iter().take(500).cloned().collect();
    let bodies: Vec<_> = (0..opts.sales)
        .map(|i| soak_ticket(&store, &products, i))
        .collect::<Result<_, _>>()?;
    let w0 = write_bytes();
    let mut times = Vec::with_capacity(bodies.len());
    for body in bodies {
        let h = header_now("bench");
        let t = Instant::now();
        store.commit(&h, body)?;
        times.push(t.elapsed());
    }
    let w1 = write_bytes();
    // This disk's sync latency drifts from one second to the next: the ratio to the floor is
    // measured with the raw write and the commit taking turns, so both see the same disk.
    let (raw_turns, commit_turns) = {
        use std::os::unix::fs::FileExt;
        let path = work.join("raw-turns.bin");
        let f = prefilled(&path, 1024)?;
        let block = [0x5Au8; 4096];
        let bodies: Vec<_> = (0..opts.sales)
            .map(|i| soak_ticket(&store, &products, i))
            .collect::<Result<_, _>>()?;
        let (mut r, mut c) = (Vec::new(), Vec::new());
        for (i, body) in bodies.into_iter().enumerate() {
            let t = Instant::now();
            f.write_all_at(&block, (i as u64 % 1024) * 4096)?;
            f.sync_data()?;
            r.push(t.elapsed());
            let h = header_now("bench");
            let t = Instant::now();
            store.commit(&h, body)?;
            c.push(t.elapsed());
        }
        std::fs::remove_file(&path)?;
        (stats(r), stats(c))
    };
    // The register's own path: the sale and its receipt job in one commit, then the printer
    // worker marking the job done.
    let bodies: Vec<_> = (0..opts.sales)
        .map(|i| soak_ticket(&store, &products, i))
        .collect::<Result<_, _>>()?;
    let w2 = write_bytes();
    for body in bodies {
        store.commit(&header_now("bench"), Commit::from(body).printed())?;
        for (id, job) in store.print_jobs()? {
            store.print_done(id, &job);
        }
    }
    let w3 = write_bytes();
    let commit = stats(times);
    let ratio = commit_turns.median.as_secs_f64() / raw_turns.median.as_secs_f64().max(1e-9);
    writeln!(
        out,
        "durable sale commit              median {}  p99 {}  (taking turns with the raw write: {} vs {}, {ratio:.2}x raw 4 KiB fdatasync, budget 1.2x)",
        ms(commit.median),
        ms(commit.p99),
        ms(commit_turns.median),
        ms(raw_turns.median)
    )?;
    match (w0, w1, w2, w3) {
        (Some(a), Some(b), Some(c), Some(d)) => writeln!(
            out,
            "bytes written per sale           {:.1} KiB; with its receipt spooled and printed {:.1} KiB (budget 8 KiB)",
            (b - a) as f64 / opts.sales.max(1) as f64 / 1024.0,
            (d - c) as f64 / opts.sales.max(1) as f64 / 1024.0
        )?,
        _ => writeln!(
            out,
            "bytes written per sale           unavailable (/proc/self/io cannot be read here)"
        )?,
    }

    // Lookups and searches at full catalog size.
    let mut times = Vec::new();
    for _ in 0..10_000 {
        let i = rng.below(opts.items);
        let code = if i % 2 == 0 {
            format!("77{i:011}")
        } else {
            format!("P{i:06}")
        };
        let t = Instant::now();
        let found = store.lookup_code(&code)?;
        times.push(t.elapsed());
        anyhow::ensure!(found.is_some(), "code {code} not found");
    }
    let scan = stats(times);
    writeln!(
        out,
        "barcode/SKU lookup ({} items)  median {}  p99 {}  (budget 1 ms)",
        opts.items,
        us(scan.median),
        us(scan.p99)
    )?;

    let mut times = Vec::new();
    let mut hits = 0usize;
    for _ in 0..1_000 {
        let p = &catalog[rng.below(opts.items) as usize];
        let words: Vec<String> = crate::domain::catalog::search_words(&p.name);
        let q = match rng.below(3) {
            0 => words[0].chars().take(3).collect::<String>(),
            1 => format!(
                "{} {}",
                words[0].chars().take(4).collect::<String>(),
                words.get(1).map_or("", |w| w.as_str())
            ),
            _ => words
                .iter()
                .take(3)
                .map(|w| w.chars().take(3).collect::<String>())
                .collect::<Vec<_>>()
                .join(" "),
        };
        let t = Instant::now();
        hits += store.search(&q, 50)?.len();
        times.push(t.elapsed());
    }
    let search = stats(times);
    writeln!(
        out,
        "name search ({} items, 50 hits)  median {}  p99 {}  (budget 20 ms; {} hits in all)",
        opts.items,
        ms(search.median),
        ms(search.p99),
        hits
    )?;
    customer_bench(&store, opts.items, &mut rng, out)?;
    let size = std::fs::metadata(store.path())?.len();
    writeln!(
        out,
        "store file                       {:.1} MiB",
        size as f64 / 1048576.0
    )?;
    drop(store);
    register_probe(work, opts.items, out)?;
    let store = Store::open(work)?;
    z_report(&store, &products, out)?;
    sync_bench(&store, &catalog, work, out)?;
    office_bench(work, out)?;
    drop(store);
    open_bench(work, &products, opts.open_docs, out)?;
    let exe = std::env::current_exe()?;
    writeln!(
        out,
        "release binary                   {:.1} MiB (budget 12 MB)",
        std::fs::metadata(exe)?.len() as f64 / 1048576.0
    )?;
    Ok(())
}

/// Runs this binary with `args` and returns how long it took and its peak resident memory
/// (KiB), read from /proc while it runs.
fn run_child(args: &[&str]) -> Result<(Duration, u64)> {
    let t = Instant::now();
    let mut child = std::process::Command::new(std::env::current_exe()?)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(kib) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if let Some(st) = child.try_wait()? {
            break st;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = t.elapsed();
    anyhow::ensure!(status.success(), "caja {} failed", args.join(" "));
    Ok((took, peak))
}

/// The register's open over a store of `docs` documents: after a clean stop, and after the
/// selling process was killed (the power cut's state: redb back at its last checkpoint, the
/// journal holding the rest).
fn open_bench(
    work: &std::path::Path,
    products: &[Product],
    docs: u64,
    out: &mut impl Write,
) -> Result<()> {
    let dir = work.join("open");
    let store = Store::create(
        &dir,
        InitParams {
            name: "bench".into(),
            register: RegisterCode::parse("FV1")?,
            currency: Currency::by_code("COP").context("COP")?,
            prices_include_tax: true,
            supervisor: "bench".into(),
            pin: "1234".into(),
            now_utc_ms: 0,
        },
    )?;
    store.apply_catalog(products, crate::store::catalog::ApplyMode::Replace)?;
    let t = Instant::now();
    let mut made = 0;
    while made < docs {
        let n = (docs - made).min(10_000);
        let bodies: Vec<_> = (made..made + n)
            .map(|i| soak_ticket(&store, products, i))
            .collect::<Result<_, crate::store::StoreError>>()?;
        store.commit(&header_now("bench"), Commit::docs(bodies))?;
        made += n;
    }
    let fill = t.elapsed();
    drop(store);
    let d = dir.to_string_lossy().to_string();
    let open = |out: &mut dyn Write, what: &str| -> Result<()> {
        let o = std::process::Command::new(std::env::current_exe()?)
            .args(["bench-open", "--data-dir", &d])
            .output()?;
        anyhow::ensure!(o.status.success(), "bench-open failed");
        writeln!(
            out,
            "open with {docs:>8} documents {what}  {}",
            String::from_utf8_lossy(&o.stdout).trim()
        )?;
        Ok(())
    };
    writeln!(
        out,
        "store of {docs} documents made in {} ({:.1} MiB, journal {:.1} MiB)",
        ms(fill),
        std::fs::metadata(dir.join("caja.redb"))?.len() as f64 / 1048576.0,
        dir_size(&dir.join("journal")) as f64 / 1048576.0
    )?;
    open(out, "after a clean stop")?;
    // Kill a seller mid-run: what a power cut leaves, less the page cache.
    let mut seller = std::process::Command::new(std::env::current_exe()?)
        .args(["soak", "--data-dir", &d])
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    std::thread::sleep(Duration::from_millis(400));
    seller.kill()?;
    seller.wait()?;
    open(out, "after a kill -9   ")?;
    Ok(())
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// As many customers as catalog items, imported in one transaction, then found by number and
/// by name.
fn customer_bench(store: &Store, n: u64, rng: &mut Rng, out: &mut impl Write) -> Result<()> {
    use crate::domain::customer::Customer;
    const FIRST: [&str; 6] = ["Ana", "Luis", "María", "Jorge", "Paula", "Andrés"];
    const LAST: [&str; 7] = [
        "Pérez",
        "Gómez",
        "Rodríguez",
        "Martínez",
        "López",
        "Díaz",
        "Rojas",
    ];
    let name = |i: u64| {
        format!(
            "{} {} {}",
            FIRST[(i % 6) as usize],
            LAST[(i / 6 % 7) as usize],
            LAST[(i / 42 % 7) as usize]
        )
    };
    let mut list = Vec::with_capacity(n as usize);
    for i in 0..n {
        list.push(Customer::new(
            "CC",
            &(10_000_000 + i).to_string(),
            &name(i),
            "",
            "",
            "",
        )?);
    }
    let t = Instant::now();
    store.import_customers(&list, crate::store::customers::CustomerMode::Replace)?;
    let import = t.elapsed();
    let mut by_number = Vec::new();
    let mut by_name = Vec::new();
    for _ in 0..1_000 {
        let i = rng.below(n);
        let t = Instant::now();
        let found = store.search_customers(&(10_000_000 + i).to_string(), 8)?;
        by_number.push(t.elapsed());
        anyhow::ensure!(found.len() == 1, "customer {i} not found by number");
        let words = crate::domain::catalog::search_words(&name(i));
        let q = format!(
            "{} {}",
            words[0],
            words[1].chars().take(3).collect::<String>()
        );
        let t = Instant::now();
        store.search_customers(&q, 20)?;
        by_name.push(t.elapsed());
    }
    let (a, b) = (stats(by_number), stats(by_name));
    writeln!(
        out,
        "customers ({n}): import {}; by number median {} p99 {}; by name median {} p99 {} (as the catalog: budget 1 ms / 20 ms)",
        ms(import),
        us(a.median),
        us(a.p99),
        ms(b.median),
        ms(b.p99)
    )?;
    Ok(())
}

/// VmHWM (peak resident memory) and VmRSS of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let get = |k: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (get("VmHWM:"), get("VmRSS:"))
}

/// Push every document of the bench store to a hub on loopback, and pull the whole catalog
/// (replace) from it into a fresh register.
fn sync_bench(
    store: &Store,
    catalog: &[Product],
    work: &std::path::Path,
    out: &mut impl Write,
) -> Result<()> {
    use crate::sync::client::{Client, claim, push};
    let hub = crate::hub::Hub::open(&work.join("hub"))?;
    hub.store().add_user("FV1", "bench-password", false)?;
    let cop = store.info().currency.clone();
    let t = Instant::now();
    hub.import_catalog(catalog, &cop, false)?;
    writeln!(
        out,
        "hub catalog import {} items       {}",
        catalog.len(),
        ms(t.elapsed())
    )?;
    let handle = hub.serve("127.0.0.1:0").map_err(anyhow::Error::msg)?;
    let mut cfg = crate::config::Config::defaults().sync;
    cfg.url = format!("http://{}", handle.addr);
    cfg.user = "FV1".into();
    cfg.password = "bench-password".into();
    let mut c = Client::new(&cfg)?;
    claim(store, &mut c)?;
    let queued = store.view()?.outbox_len()?;
    let t = Instant::now();
    let r = push(store, &mut c, |_, _| {})?;
    let push_time = t.elapsed();
    writeln!(
        out,
        "push {queued} queued documents    {} ({} batches of {}; budget 10 s for 10,000)",
        ms(push_time),
        r.batches,
        crate::sync::client::BATCH
    )?;
    let dir = work.join("pull-register");
    let fresh = Store::create(
        &dir,
        InitParams {
            name: "bench".into(),
            register: RegisterCode::parse("FV2")?,
            currency: cop,
            prices_include_tax: true,
            supervisor: "bench".into(),
            pin: "1234".into(),
            now_utc_ms: 0,
        },
    )?;
    drop(fresh);
    let exe = std::env::current_exe()?;
    let child = std::process::Command::new(exe)
        .args([
            "--data-dir",
            &dir.to_string_lossy(),
            "bench-pull",
            "--url",
            &cfg.url,
            "--user",
            "FV1",
            "--password",
            "bench-password",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    anyhow::ensure!(child.status.success(), "the pull probe failed");
    out.write_all(&child.stdout)?;
    handle.stop();
    Ok(())
}

/// The head office's pages over a hub holding 20 registers' day of 5,000 sales each: the
/// dashboard (budget 100 ms), the day's movements as CSV, the stock page.
fn office_bench(work: &std::path::Path, out: &mut impl Write) -> Result<()> {
    use serde_json::json;
    const REGISTERS: u64 = 20;
    const SALES: u64 = 5_000;
    let hub = crate::hub::Hub::open(&work.join("hub-office"))?;
    hub.store().add_user("admin", "bench-password", true)?;
    let today = chrono::Local::now().date_naive().to_string();
    let at = chrono::Local::now().to_rfc3339();
    let t = Instant::now();
    for r in 1..=REGISTERS {
        let code = format!("FV{r}");
        hub.store().put(
            "caja-registers",
            json!({"_id": format!("register:{code}"), "type": "register", "register": code,
                "store": "Tienda", "currency": "COP", "last_push": at, "clock": at, "queue": 0,
                "pulled": {"at": at, "mode": "partial", "puts": 0, "removes": 0}}),
        )?;
        let mut n = 0;
        while n < SALES {
            let batch: Vec<serde_json::Value> = (n + 1..=(n + 500).min(SALES))
                .map(|i| {
                    let number = format!("{code}-{i:06}");
                    json!({"_id": format!("sale:{number}"), "_rev": format!("1-{:032x}", r * 1_000_000 + i),
                        "type": "sale", "register": code, "number": number, "business_date": today,
                        "at": at, "cashier": "ana", "total": "11900",
                        "lines": [{"sku": format!("SKU{}", i % 997), "qty": "1", "total": "11900"},
                            {"sku": "BOLSA", "qty": "1", "total": "0"}],
                        "tenders": [{"kind": "cash", "amount": "20000"}], "change": "8100",
                        "rounding": "0"})
                })
                .collect();
            n += batch.len() as u64;
            hub.store()
                .replicate("caja-docs", batch, |_| Ok(()), |_, _| Ok(()), |_| true)?;
        }
    }
    writeln!(
        out,
        "hub stores {} sales of {REGISTERS} registers  {}",
        REGISTERS * SALES,
        ms(t.elapsed())
    )?;
    let handle = hub.serve("127.0.0.1:0").map_err(anyhow::Error::msg)?;
    // The checks read every document once, on their own thread: let them finish first.
    let waited = Instant::now();
    while handle.hub.checked_at().is_none() && waited.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(50));
    }
    writeln!(
        out,
        "hub checks over them (background)  {}",
        ms(waited.elapsed())
    )?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let auth = crate::sync::basic_auth("admin", "bench-password");
    let get = |path: &str, html: bool| -> Result<(Duration, usize)> {
        let t = Instant::now();
        let mut req = agent
            .get(format!("http://{}{path}", handle.addr))
            .header("Authorization", &auth);
        if html {
            req = req.header("Accept", "text/html");
        }
        let mut r = req.call()?;
        anyhow::ensure!(r.status() == 200, "{path}: {}", r.status());
        let len = r
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_vec()?
            .len();
        Ok((t.elapsed(), len))
    };
    get("/", true)?;
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..30 {
        let (d, n) = get("/", true)?;
        times.push(d);
        size = n;
    }
    let s = stats(times);
    writeln!(
        out,
        "dashboard, {REGISTERS} registers x {SALES} sales  median {}  p99 {}  ({} KiB; budget 100 ms)",
        ms(s.median),
        ms(s.p99),
        size / 1024
    )?;
    let (d, n) = get(&format!("/_caja/movements?date={today}"), false)?;
    writeln!(
        out,
        "movements CSV of the day            {}  ({} KiB)",
        ms(d),
        n / 1024
    )?;
    let (d, n) = get("/_caja/stock", false)?;
    writeln!(
        out,
        "stock page, 998 products            {}  ({} KiB)",
        ms(d),
        n / 1024
    )?;
    // One product in every sale: a kardex of 100,000 movements, read by pages.
    let moves = REGISTERS * SALES;
    for (from, limit) in [(1, 1000), (moves - 999, 1000), (moves / 2, 10_000)] {
        let (d, n) = get(
            &format!("/_caja/kardex?sku=BOLSA&from={from}&limit={limit}"),
            false,
        )?;
        writeln!(
            out,
            "kardex of {moves} movements, {limit} from {from}  {}  ({} KiB)",
            ms(d),
            n / 1024
        )?;
    }
    handle.stop();
    Ok(())
}

/// Pulls the whole catalog (replace) into the store in `dir` and reports the time and this
/// process's peak memory (run by `caja bench` as a process of its own).
pub fn pull_probe(
    dir: &std::path::Path,
    url: &str,
    user: &str,
    password: &str,
    out: &mut impl Write,
) -> Result<()> {
    use crate::sync::client::{Client, PullMode, pull};
    let store = Store::open(dir)?;
    let mut cfg = crate::config::Config::defaults().sync;
    cfg.url = url.into();
    cfg.user = user.into();
    cfg.password = password.into();
    let mut c = Client::new(&cfg)?;
    let (_, rss0) = memory_kib();
    let t = Instant::now();
    let p = pull(&store, &mut c, PullMode::Replace, |_| {})?;
    let pull_time = t.elapsed();
    let (hwm, _) = memory_kib();
    writeln!(
        out,
        "pull {} catalog items (replace)  {} in {} pages; peak RSS of the pulling process {:.1} MiB (it started at {:.1}) (budget 10 s, memory bounded)",
        p.total,
        ms(pull_time),
        p.pages,
        hwm as f64 / 1024.0,
        rss0 as f64 / 1024.0
    )?;
    Ok(())
}

/// The X report (read only) and the Z close (report plus its durable closing document) over a
/// day of at least 5,000 sales.
fn z_report(store: &Store, products: &[Product], out: &mut impl Write) -> Result<()> {
    const DAY: u32 = 5_000;
    let today = header_now("bench").business_date;
    let sold = store.day_report(today)?.sales;
    for i in sold..DAY {
        store.commit(
            &header_now("bench"),
            soak_ticket(store, products, u64::from(i))?,
        )?;
    }
    // The register probe left its shift open: close it with the count it expects.
    for shift in store.open_shifts()? {
        let expected = store.shift_report(&shift.cashier)?.expected_cash;
        store.close_shift(&header_now("bench"), &shift.cashier, expected, Vec::new())?;
    }
    if store.view()?.day_state()?.open.is_none() {
        store.open_day(&header_now("bench"), Vec::new())?;
    }
    let mut times = Vec::new();
    let mut sales = 0;
    for _ in 0..20 {
        let t = Instant::now();
        sales = store.day_report(today)?.sales;
        times.push(t.elapsed());
    }
    let x = stats(times);
    let t = Instant::now();
    let (_, z) = store.close_day(&header_now("bench"), Vec::new())?;
    let close = t.elapsed();
    anyhow::ensure!(
        z.sales == sales,
        "the Z counted {} sales, the X {sales}",
        z.sales
    );
    writeln!(
        out,
        "X report, a day of {sales} sales      median {}  p99 {}; Z close with its document {} (budget 100 ms)",
        ms(x.median),
        ms(x.p99),
        ms(close)
    )?;
    Ok(())
}

/// Runs the register in a process of its own over the bench store and reports what it saw.
fn register_probe(work: &std::path::Path, items: u64, out: &mut impl Write) -> Result<()> {
    let exe = std::env::current_exe()?;
    let t = Instant::now();
    let child = std::process::Command::new(exe)
        .args([
            "--data-dir",
            &work.to_string_lossy(),
            "bench-register",
            "--items",
            &items.to_string(),
        ])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    let wall = t.elapsed();
    anyhow::ensure!(child.status.success(), "the register probe failed");
    let text = String::from_utf8_lossy(&child.stdout);
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| "?".into())
    };
    let us = |k: &str| {
        get(k)
            .parse::<f64>()
            .map(|v| format!("{:.2} ms", v / 1000.0))
            .unwrap_or_else(|_| "?".into())
    };
    writeln!(
        out,
        "register start to first frame     {} in-process, {} items (budget 150 ms)",
        us("first_frame_us"),
        items
    )?;
    writeln!(
        out,
        "scan to line on screen            median {}  p99 {}  (budget 1 ms)",
        us("scan_to_line_median_us"),
        us("scan_to_line_p99_us")
    )?;
    writeln!(
        out,
        "terminal bytes per keystroke      {} (budget 300)",
        get("bytes_per_key")
    )?;
    let rss = get("rss_kib")
        .parse::<f64>()
        .map(|k| format!("{:.1} MiB", k / 1024.0))
        .unwrap_or_else(|_| "?".into());
    writeln!(
        out,
        "resident memory while selling     {rss} after 250 tickets (budget 32 MiB)"
    )?;
    writeln!(
        out,
        "register probe process            {:.2} s wall, last ticket {}",
        wall.as_secs_f64(),
        get("tickets_sold")
    )?;
    Ok(())
}
