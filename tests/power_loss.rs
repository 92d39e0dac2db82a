//! Power cuts, simulated below redb and the journal: a disk that keeps only what was synced.
//!
//! One run of a till's work (sales, receipts printed, a refund, a cash movement, checkpoints)
//! writes through a recording disk. Then, for every cut point in that run's write log, the disk
//! is rebuilt as a power cut would leave it: every file as of its last sync, plus none, all, or
//! a random part of the writes made since (the last of them torn at a random byte). The store
//! must open on that disk (replaying the journal), hold every sale acknowledged before the
//! cut exactly once, number without gaps, and pass its check.

use caja::domain::catalog::Product;
use caja::domain::document::{DocBody, Stamp};
use caja::domain::money::Currency;
use caja::domain::numbering::RegisterCode;
use caja::store::Commit;
use caja::store::ejournal::JournalIo;
use caja::store::{DocHeader, InitParams, Store};
use std::collections::{BTreeMap, HashSet};
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
enum Op {
    Write {
        file: String,
        offset: u64,
        data: Vec<u8>,
    },
    SetLen {
        file: String,
        len: u64,
    },
    Sync {
        file: String,
    },
    /// A file removed (the folder synced with it).
    Remove {
        file: String,
    },
    /// A document the store acknowledged (its number).
    Ack(String),
}

/// What a disk holds: file name -> bytes.
type Image = BTreeMap<String, Vec<u8>>;

#[derive(Default, Debug)]
struct Disk {
    /// What reads see (the page cache).
    live: Image,
    log: Vec<Op>,
}

type Shared = Arc<Mutex<Disk>>;

fn apply(img: &mut Image, op: &Op) {
    match op {
        Op::Write { file, offset, data } => {
            let f = img.entry(file.clone()).or_default();
            let end = *offset as usize + data.len();
            if f.len() < end {
                f.resize(end, 0);
            }
            f[*offset as usize..end].copy_from_slice(data);
        }
        Op::SetLen { file, len } => img
            .entry(file.clone())
            .or_default()
            .resize(*len as usize, 0),
        Op::Remove { file } => {
            img.remove(file);
        }
        Op::Sync { .. } | Op::Ack(_) => {}
    }
}

fn record(disk: &Shared, op: Op) {
    let mut d = disk.lock().unwrap();
    apply(&mut d.live, &op);
    d.log.push(op);
}

#[derive(Debug)]
struct SimBackend {
    disk: Shared,
    name: String,
}

impl redb::StorageBackend for SimBackend {
    fn len(&self) -> io::Result<u64> {
        let d = self.disk.lock().unwrap();
        Ok(d.live.get(&self.name).map_or(0, |f| f.len() as u64))
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let d = self.disk.lock().unwrap();
        let f = d.live.get(&self.name).map(Vec::as_slice).unwrap_or(&[]);
        let end = offset as usize + out.len();
        if end > f.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "read past end",
            ));
        }
        out.copy_from_slice(&f[offset as usize..end]);
        Ok(())
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        record(
            &self.disk,
            Op::SetLen {
                file: self.name.clone(),
                len,
            },
        );
        Ok(())
    }
    fn sync_data(&self) -> io::Result<()> {
        record(
            &self.disk,
            Op::Sync {
                file: self.name.clone(),
            },
        );
        Ok(())
    }
    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        record(
            &self.disk,
            Op::Write {
                file: self.name.clone(),
                offset,
                data: data.to_vec(),
            },
        );
        Ok(())
    }
}

struct SimJournal(Shared);

impl JournalIo for SimJournal {
    fn names(&mut self) -> io::Result<Vec<String>> {
        let d = self.0.lock().unwrap();
        Ok(d.live
            .keys()
            .filter_map(|k| k.strip_prefix("journal/").map(str::to_string))
            .collect())
    }
    fn read(&mut self, name: &str) -> io::Result<Vec<u8>> {
        let d = self.0.lock().unwrap();
        d.live
            .get(&format!("journal/{name}"))
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, name.to_string()))
    }
    fn write_at(&mut self, name: &str, offset: u64, data: &[u8]) -> io::Result<()> {
        record(
            &self.0,
            Op::Write {
                file: format!("journal/{name}"),
                offset,
                data: data.to_vec(),
            },
        );
        Ok(())
    }
    fn sync(&mut self, name: &str, _created: bool) -> io::Result<()> {
        record(
            &self.0,
            Op::Sync {
                file: format!("journal/{name}"),
            },
        );
        Ok(())
    }
    fn remove(&mut self, name: &str) -> io::Result<()> {
        record(
            &self.0,
            Op::Remove {
                file: format!("journal/{name}"),
            },
        );
        Ok(())
    }
}

fn open_on(disk: &Shared) -> Result<Store, caja::store::StoreError> {
    let db = sim_db(disk).map_err(|e| caja::store::StoreError::Corrupt(e.to_string()))?;
    Store::open_on(
        db,
        PathBuf::from("/sim/caja.redb"),
        Box::new(SimJournal(disk.clone())),
    )
}

fn header(i: u64) -> DocHeader {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00-05:00").unwrap()
        + chrono::Duration::seconds(i as i64);
    DocHeader {
        business_date: at.date_naive(),
        at: Stamp::from_datetime(at),
        cashier: "ana".into(),
    }
}

fn products() -> Vec<Product> {
    let mut rng = caja::dev::bench::Rng::new(7);
    caja::dev::bench::synthetic_catalog(40, &mut rng)
}

/// redb over the simulated disk.
fn sim_db(disk: &Shared) -> Result<redb::Database, redb::DatabaseError> {
    redb::Builder::new()
        .set_cache_size(4 << 20)
        .create_with_backend(SimBackend {
            disk: disk.clone(),
            name: "caja.redb".into(),
        })
}

/// The simulated store's identity.
fn init_params() -> InitParams {
    InitParams {
        name: "Tienda".into(),
        register: RegisterCode::parse("FV1").unwrap(),
        currency: Currency::by_code("COP").unwrap(),
        prices_include_tax: true,
        supervisor: "super".into(),
        pin: "1234".into(),
        now_utc_ms: 0,
    }
}

/// redb over the simulated disk, its writes failing as `fault` says, with `cache` bytes of
/// cache (a small one writes pages out sooner).
fn failing_db(
    disk: &Shared,
    fault: &Fault,
    cache: usize,
) -> Result<redb::Database, redb::DatabaseError> {
    redb::Builder::new()
        .set_cache_size(cache)
        .create_with_backend(FailingBackend(
            SimBackend {
                disk: disk.clone(),
                name: "caja.redb".into(),
            },
            fault.clone(),
        ))
}

/// How the store reopens its file after a disk fault: on the same failing disk.
fn reopen_on(disk: &Shared, fault: &Fault, cache: usize) -> caja::store::Reopen {
    let (disk, fault) = (disk.clone(), fault.clone());
    Box::new(move || failing_db(&disk, &fault, cache).map_err(caja::store::StoreError::from))
}

/// The till's work: returns the recording disk with its log.
fn run_till(sales: u64) -> Shared {
    run_till_on(sales, None)
}

/// The till's work on a disk that fills up after `space`'s writes (every write of redb and of
/// the journal counts): a sale the store refuses is not acknowledged, and the till goes on
/// trying, as a cashier would; after five refusals the shop frees space, and the store must
/// take sales again without a restart.
fn run_till_on(sales: u64, space: Option<&Fault>) -> Shared {
    let disk: Shared = Arc::default();
    let made = match space {
        None => sim_db(&disk),
        Some(f) => failing_db(&disk, f, 4 << 20),
    };
    let Ok(db) = made else {
        return disk;
    };
    let journal: Box<dyn JournalIo> = match space {
        None => Box::new(SimJournal(disk.clone())),
        Some(f) => Box::new(FailingJournal(SimJournal(disk.clone()), f.clone())),
    };
    let mut store = Store::create_on(db, PathBuf::from("/sim/caja.redb"), journal, init_params());
    let store = match store.as_mut() {
        Ok(s) => {
            if let Some(f) = space {
                // After a disk fault the store reopens its file, on the same failing disk.
                s.set_reopen(reopen_on(&disk, f, 4 << 20));
            }
            store.unwrap()
        }
        Err(_) if space.is_some() => return disk,
        Err(e) => panic!("{e}"),
    };
    let products = products();
    if let Err(e) = store.apply_catalog(&products, caja::store::catalog::ApplyMode::Replace) {
        assert!(space.is_some(), "{e}");
        std::mem::forget(store);
        return disk;
    }
    let mut refused = 0;
    for i in 0..sales {
        let Ok(body) = caja::dev::soak::soak_ticket(&store, &products, i) else {
            assert!(space.is_some());
            continue;
        };
        let c = if i % 3 == 0 {
            store.commit(&header(i), body)
        } else {
            store.commit(&header(i), Commit::from(body).printed())
        };
        match c {
            Ok(c) => record(&disk, Op::Ack(c.number.clone())),
            Err(e) => {
                assert!(space.is_some(), "{e}");
                refused += 1;
                // The shop frees some space after a few refusals, and goes on selling.
                if refused == 5
                    && let Some(f) = space
                {
                    f.set(i64::MAX);
                }
                continue;
            }
        }
        // The printer takes every receipt; its marks ride on the next write.
        for (id, job) in store.print_jobs().unwrap_or_default() {
            store.print_done(id, &job);
        }
        if i % 50 == 49 {
            // The printer goes idle now and then: with a journal, nothing is written.
            let r = store.printer_idle();
            assert!(space.is_some() || r.is_ok());
        }
    }
    if space.is_some() {
        // The disk stays full: nothing more reaches it (no clean close).
        std::mem::forget(store);
    } else {
        drop(store);
    }
    disk
}

/// The disk as a power cut after `cut` log entries leaves it. `keep` picks which unsynced
/// writes reached the disk; the last kept one is torn at `tear` bytes when that is shorter.
fn after_cut(log: &[Op], cut: usize, keep: &mut dyn FnMut(usize) -> bool, tear: usize) -> Image {
    let mut durable = Image::new();
    let mut pending: BTreeMap<String, Vec<&Op>> = BTreeMap::new();
    for op in &log[..cut] {
        match op {
            Op::Write { file, .. } | Op::SetLen { file, .. } => {
                pending.entry(file.clone()).or_default().push(op)
            }
            Op::Sync { file } => {
                for p in pending.remove(file).unwrap_or_default() {
                    apply(&mut durable, p);
                }
            }
            Op::Remove { file } => {
                pending.remove(file);
                apply(&mut durable, op);
            }
            Op::Ack(_) => {}
        }
    }
    let mut kept: Vec<Op> = Vec::new();
    let mut i = 0;
    for ops in pending.values() {
        for op in ops {
            if keep(i) {
                kept.push((*op).clone());
            }
            i += 1;
        }
    }
    if let Some(Op::Write { data, .. }) = kept.last_mut()
        && tear < data.len()
    {
        data.truncate(tear);
    }
    for op in &kept {
        apply(&mut durable, op);
    }
    durable
}

fn acked(log: &[Op], cut: usize) -> Vec<String> {
    log[..cut]
        .iter()
        .filter_map(|op| match op {
            Op::Ack(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// Opens the store on the image and checks what a shop must be able to trust.
fn verify(image: Image, acked: &[String], what: &str) -> Vec<String> {
    let disk: Shared = Arc::new(Mutex::new(Disk {
        live: image,
        log: Vec::new(),
    }));
    if !disk.lock().unwrap().live.contains_key("caja.redb") {
        assert!(
            acked.is_empty(),
            "{what}: no store file, yet sales were acknowledged"
        );
        return Vec::new();
    }
    let store = match open_on(&disk) {
        Ok(s) => s,
        // A store that never finished being made holds no sale.
        Err(e) if acked.is_empty() => {
            let _ = e;
            return Vec::new();
        }
        Err(e) => panic!("{what}: the store does not open: {e}"),
    };
    let mut numbers = Vec::new();
    store
        .visit_from(1, |_, d| {
            if matches!(d.doc.body, DocBody::Sale(_)) {
                numbers.push(d.doc.number.clone());
            }
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    let unique: HashSet<&String> = numbers.iter().collect();
    assert_eq!(
        unique.len(),
        numbers.len(),
        "{what}: a sale is stored twice"
    );
    for n in acked {
        assert!(unique.contains(n), "{what}: acknowledged sale {n} is lost");
    }
    // Gap-free: the sales are FV1-000001 .. FV1-00000N.
    for (i, n) in numbers.iter().enumerate() {
        assert_eq!(
            n,
            &format!("FV1-{:06}", i + 1),
            "{what}: numbering has a gap"
        );
    }
    let report = store.verify().unwrap();
    assert!(report.ok(), "{what}: check fails: {:?}", report.problems);
    // The receipts that would print again: a replayed sale queues its receipt unless the
    // journal's marks say the printer took it. The run's every third sale (`commit`) never
    // had one; the till's sales always do.
    let again: Vec<String> = store
        .print_jobs()
        .unwrap()
        .into_iter()
        .map(|(_, j)| j.number)
        .filter(|n| {
            n.strip_prefix("FV1-")
                .and_then(|d| d.parse::<u64>().ok())
                .is_some_and(|n| (n - 1) % 3 != 0)
        })
        .collect();
    // The store and the journal agree again: selling goes on from the right number.
    let next = store
        .commit(
            &header(10_000),
            caja::dev::soak::soak_ticket(&store, &products(), 1).unwrap(),
        )
        .unwrap();
    assert_eq!(
        next.number,
        format!("FV1-{:06}", numbers.len() + 1),
        "{what}"
    );
    again
}

#[test]
fn every_acknowledged_sale_survives_a_power_cut_at_any_write() {
    // 300 sales cross two checkpoints (every 128 journaled documents) and six printer flushes.
    let disk = run_till(300);
    let log = disk.lock().unwrap().log.clone();
    let mut rng = caja::dev::bench::Rng::new(2026);
    let mut tried = 0;
    // Every write, resize and sync of the log is a cut point; the three ways the unsynced
    // writes may land are tried at each, with a random tear of the last one.
    let cuts: Vec<usize> = (0..=log.len())
        .filter(|c| *c == log.len() || !matches!(log[*c], Op::Ack(_)))
        .collect();
    for &cut in &cuts {
        let acked = acked(&log, cut);
        let tear = rng.below(4096) as usize;
        for variant in 0..3 {
            let image = match variant {
                0 => after_cut(&log, cut, &mut |_| false, tear),
                1 => after_cut(&log, cut, &mut |_| true, tear),
                _ => {
                    let mut r = caja::dev::bench::Rng::new(cut as u64);
                    after_cut(&log, cut, &mut |_| r.below(2) == 0, tear)
                }
            };
            let what = format!("cut {cut}/{} variant {variant}", log.len());
            let again = verify(image, &acked, &what);
            // Every receipt printed as soon as its sale committed: the journal's marks keep
            // all but the last one or two from printing again (without them, every receipt
            // since redb's last durable commit would).
            assert!(again.len() <= 2, "{what}: would print again {again:?}");
            tried += 1;
        }
    }
    eprintln!(
        "power cuts tried: {tried} disk images over {} cut points of a {}-entry write log",
        cuts.len(),
        log.len()
    );
    assert!(tried > 300);
}

/// Writes that fail once a number of them have been made: a disk that fills up (ENOSPC) or
/// fails (EIO). Every write and growth of redb and of the journal counts.
#[derive(Clone, Debug)]
struct Fault {
    left: Arc<std::sync::atomic::AtomicI64>,
    full: bool,
}

impl Fault {
    /// A disk that fails after `left` more writes: full when `full`, else an I/O error.
    fn after(left: i64, full: bool) -> Fault {
        Fault {
            left: Arc::new(std::sync::atomic::AtomicI64::new(left)),
            full,
        }
    }
    fn set(&self, left: i64) {
        self.left.store(left, std::sync::atomic::Ordering::SeqCst);
    }
    fn take(&self) -> io::Result<()> {
        if self.left.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) > 0 {
            return Ok(());
        }
        Err(if self.full {
            io::Error::from_raw_os_error(28)
        } else {
            io::Error::other("input/output error")
        })
    }
}

/// A journal whose writes fail as `Fault` says. As on a real disk, the file is made even
/// when the write into it fails.
struct FailingJournal(SimJournal, Fault);

impl JournalIo for FailingJournal {
    fn names(&mut self) -> io::Result<Vec<String>> {
        self.0.names()
    }
    fn read(&mut self, name: &str) -> io::Result<Vec<u8>> {
        self.0.read(name)
    }
    fn write_at(&mut self, name: &str, offset: u64, data: &[u8]) -> io::Result<()> {
        if let Err(e) = self.1.take() {
            let len = self.0.read(name).map_or(0, |b| b.len() as u64);
            record(
                &self.0.0,
                Op::SetLen {
                    file: format!("journal/{name}"),
                    len,
                },
            );
            return Err(e);
        }
        self.0.write_at(name, offset, data)
    }
    fn sync(&mut self, name: &str, created: bool) -> io::Result<()> {
        self.0.sync(name, created)
    }
    fn remove(&mut self, name: &str) -> io::Result<()> {
        self.0.remove(name)
    }
}

#[test]
fn a_journal_that_cannot_be_written_loses_no_sale() {
    let disk = run_till(10);
    let broken = Fault::after(i64::MAX, false);
    let db = sim_db(&disk).unwrap();
    let store = Store::open_on(
        db,
        PathBuf::from("/sim/caja.redb"),
        Box::new(FailingJournal(SimJournal(disk.clone()), broken.clone())),
    )
    .unwrap();
    broken.set(0);
    let products = products();
    let mut numbers = Vec::new();
    for i in 0..5 {
        let body = caja::dev::soak::soak_ticket(&store, &products, i).unwrap();
        numbers.push(store.commit(&header(100 + i), body).unwrap().number);
    }
    assert!(store.journal_failure().is_some());
    assert_eq!(
        store.unsynced(),
        0,
        "each sale was made durable in the store instead"
    );
    // A power cut now: only what was synced survives, and every one of the five is there.
    let log = disk.lock().unwrap().log.clone();
    let image = after_cut(&log, log.len(), &mut |_| false, 0);
    std::mem::forget(store);
    let all: Vec<String> = (1..=15).map(|n| format!("FV1-{n:06}")).collect();
    verify(image, &all, "journal failing, then a power cut");
}

/// redb's file, failing writes, growths and syncs as `Fault` says.
#[derive(Debug)]
struct FailingBackend(SimBackend, Fault);

impl redb::StorageBackend for FailingBackend {
    fn len(&self) -> io::Result<u64> {
        self.0.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        self.0.read(offset, out)
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.1.take()?;
        self.0.set_len(len)
    }
    fn sync_data(&self) -> io::Result<()> {
        self.1.take()?;
        self.0.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.1.take()?;
        self.0.write(offset, data)
    }
}

#[test]
fn a_sale_the_store_refuses_is_taken_back_from_the_journal() {
    let disk = run_till(10);
    let broken = Fault::after(i64::MAX, false);
    let db = failing_db(&disk, &broken, 1 << 20).unwrap();
    let store = Store::open_on(
        db,
        PathBuf::from("/sim/caja.redb"),
        Box::new(SimJournal(disk.clone())),
    )
    .unwrap();
    broken.set(0);
    // Large tickets until redb must grow its file or write pages out, which now fails.
    let products = products();
    let mut acked: Vec<String> = (1..=10).map(|n| format!("FV1-{n:06}")).collect();
    let mut refused = None;
    for i in 0..5000u64 {
        let mut body = caja::dev::soak::soak_ticket(&store, &products, i).unwrap();
        if let DocBody::Sale(s) = &mut body {
            let line = s.lines[0].clone();
            s.lines = vec![line; 200];
        }
        match store.commit(&header(100 + i), Commit::from(body).printed()) {
            Ok(c) => acked.push(c.number),
            Err(e) => {
                refused = Some(e.to_string());
                break;
            }
        }
    }
    let refused = refused.expect("the store never refused a sale");
    assert!(refused.contains("input/output error"), "{refused}");
    assert!(
        store.journal_failure().is_none(),
        "the record was taken back"
    );
    // The journal ends where the store does: a restart brings back nothing that was refused.
    let (last, _) = store.view().unwrap().last_doc().unwrap().unwrap();
    std::mem::forget(store);
    let image = disk.lock().unwrap().live.clone();
    let reopened: Shared = Arc::new(Mutex::new(Disk {
        live: image,
        log: Vec::new(),
    }));
    let mut reader = SimJournal(reopened.clone());
    let (records, _) = caja::store::ejournal::Records::open(&mut reader).unwrap();
    let journal_last = records.map(|r| r.unwrap().seq).max().unwrap();
    assert_eq!(journal_last, last, "journal and store disagree");
    assert_eq!(acked.len() as u64, last);
}

/// The journal's files, by name.
fn journal_files(disk: &Shared) -> Vec<String> {
    let d = disk.lock().unwrap();
    d.live
        .keys()
        .filter_map(|k| k.strip_prefix("journal/").map(str::to_string))
        .collect()
}

#[test]
fn after_a_full_disk_the_journal_is_caught_up_and_no_half_made_file_is_left() {
    // A new register whose journal folder fills up before its first sale: the first append
    // must grow the file, and cannot.
    let disk: Shared = Arc::default();
    let space = Fault::after(i64::MAX, true);
    let store = Store::create_on(
        sim_db(&disk).unwrap(),
        PathBuf::from("/sim/caja.redb"),
        Box::new(FailingJournal(SimJournal(disk.clone()), space.clone())),
        init_params(),
    )
    .unwrap();
    let products = products();
    store
        .apply_catalog(&products, caja::store::catalog::ApplyMode::Replace)
        .unwrap();
    let files = journal_files(&disk);
    space.set(0);
    for i in 0..4 {
        let body = caja::dev::soak::soak_ticket(&store, &products, i).unwrap();
        store
            .commit(&header(i), Commit::from(body).printed())
            .unwrap();
        let why = store.journal_failure().expect("the journal is failing");
        assert!(why.contains("disk is full"), "{why}");
    }
    assert_eq!(journal_files(&disk), files, "a failed append left a file");
    // A restart while the disk is still full: the journal lacks four documents, is not
    // caught up yet, and the register opens all the same.
    let image = disk.lock().unwrap().live.clone();
    let reopened: Shared = Arc::new(Mutex::new(Disk {
        live: image.clone(),
        log: Vec::new(),
    }));
    let again = open_on(&reopened).unwrap();
    assert_eq!(again.reconciled().caught_up, 4);
    drop(again);
    // Space is back: the next sale catches the journal up, without a restart.
    space.set(i64::MAX);
    let body = caja::dev::soak::soak_ticket(&store, &products, 4).unwrap();
    store.commit(&header(4), body).unwrap();
    assert_eq!(store.journal_failure(), None);
    let image = disk.lock().unwrap().live.clone();
    let mut reader = SimJournal(Arc::new(Mutex::new(Disk {
        live: image,
        log: Vec::new(),
    })));
    let (records, _) = caja::store::ejournal::Records::open(&mut reader).unwrap();
    let seqs: Vec<u64> = records.map(|r| r.unwrap().seq).collect();
    assert_eq!(seqs, (1..=5).collect::<Vec<u64>>());
    // The journal is the durability point again: a power cut now keeps all five.
    let log = disk.lock().unwrap().log.clone();
    std::mem::forget(store);
    let all: Vec<String> = (1..=5).map(|n| format!("FV1-{n:06}")).collect();
    verify(
        after_cut(&log, log.len(), &mut |_| false, 0),
        &all,
        "full disk",
    );
}

#[test]
fn every_acknowledged_sale_survives_a_disk_that_fills_up_at_any_write() {
    // The till's work once, to count its writes; then again with the disk full from a write
    // on, at cut points spread over the whole run (each run writes the same until it fills).
    let writes = run_till(200)
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|op| matches!(op, Op::Write { .. } | Op::SetLen { .. } | Op::Sync { .. }))
        .count() as i64;
    let mut tried = 0;
    let step = (writes / 60).max(1);
    let mut at = 0;
    while at <= writes {
        let space = Fault::after(at, true);
        let disk = run_till_on(200, Some(&space));
        let log = disk.lock().unwrap().log.clone();
        let acked = acked(&log, log.len());
        // Once space was freed the store took every later sale, without a restart (five
        // refused, or none when the disk filled only after the run).
        assert!(
            acked.is_empty() || acked.len() >= 195,
            "full after {at}: {} sales taken",
            acked.len()
        );
        // Space is freed and the register restarts (no power cut: what the disk took stays).
        let image = disk.lock().unwrap().live.clone();
        verify(image, &acked, &format!("full after {at}/{writes} writes"));
        // Or the power goes while the disk is full: only what was synced stays.
        verify(
            after_cut(&log, log.len(), &mut |_| false, 0),
            &acked,
            &format!("full after {at}/{writes} writes, then a power cut"),
        );
        tried += 1;
        at += step;
    }
    eprintln!("full disks tried: {tried}, over a run of {writes} writes");
    assert!(tried >= 50);
}

/// Appends, after the journal's last record, a record framed and checksummed as the journal's
/// own whose body this caja cannot read (a newer caja's, after a downgrade).
fn append_alien(image: &mut Image) {
    let Some((_, bytes)) = image
        .iter_mut()
        .rfind(|(k, _)| k.starts_with("journal/ej-"))
    else {
        return;
    };
    let Ok((_, start)) = caja::store::ejournal::read_header(bytes) else {
        return;
    };
    let scan = caja::store::ejournal::scan_file(bytes, start);
    let seq = scan.records.last().map_or(1, |r| r.seq + 1);
    let body = [1u8, 0xde, 0xad, 0xbe, 0xef];
    let mut covered = seq.to_le_bytes().to_vec();
    covered.extend_from_slice(&[9; 32]);
    covered.extend_from_slice(&body);
    let mut rec = b"EJR1".to_vec();
    rec.extend_from_slice(&(body.len() as u32).to_le_bytes());
    rec.extend_from_slice(&caja::store::ejournal::crc32(&covered).to_le_bytes());
    rec.extend_from_slice(&covered);
    let at = scan.end as usize;
    if bytes.len() < at + rec.len() {
        bytes.resize(at + rec.len(), 0);
    }
    bytes[at..at + rec.len()].copy_from_slice(&rec);
}

#[test]
fn a_record_this_caja_cannot_read_after_any_cut_is_set_aside_and_nothing_acknowledged_is_lost() {
    let disk = run_till(150);
    let log = disk.lock().unwrap().log.clone();
    let mut tried = 0;
    for cut in (0..=log.len()).step_by(7) {
        let acked = acked(&log, cut);
        let mut image = after_cut(&log, cut, &mut |_| true, usize::MAX);
        append_alien(&mut image);
        verify(image, &acked, &format!("alien record after cut {cut}"));
        tried += 1;
    }
    eprintln!("records a newer caja wrote, after {tried} cut points");
    assert!(tried > 50);
}

#[test]
fn a_journal_file_of_another_store_is_never_replayed_after_any_cut() {
    let mine = run_till(40);
    let other = run_till(60);
    let log = mine.lock().unwrap().log.clone();
    let theirs = other.lock().unwrap().live.clone();
    let mut tried = 0;
    for cut in (0..=log.len()).step_by(5) {
        // A store that holds a sale (before that, it may not be made yet).
        if acked(&log, cut).is_empty() {
            continue;
        }
        let mut image = after_cut(&log, cut, &mut |_| true, usize::MAX);
        for (k, v) in &theirs {
            if k.starts_with("journal/") {
                image.insert(k.clone(), v.clone());
            }
        }
        let disk: Shared = Arc::new(Mutex::new(Disk {
            live: image,
            log: Vec::new(),
        }));
        match open_on(&disk) {
            Ok(s) => panic!(
                "cut {cut}: opened over another store's journal ({} documents)",
                s.view().unwrap().last_doc().unwrap().map_or(0, |(n, _)| n)
            ),
            Err(e) => {
                let w = e.to_string();
                assert!(w.contains("belongs to store Tienda"), "cut {cut}: {w}");
                assert!(e.damage(caja::i18n::Language::En).is_none(), "cut {cut}");
            }
        }
        // The journal's files are left as they were.
        let d = disk.lock().unwrap();
        for (k, v) in &theirs {
            if k.starts_with("journal/") {
                assert_eq!(d.live.get(k), Some(v), "cut {cut}: {k} changed");
            }
        }
        tried += 1;
    }
    assert!(tried > 25, "{tried}");
}

#[test]
fn a_full_disk_refuses_the_sale_in_words_and_the_store_recovers_without_a_restart() {
    let disk = run_till(10);
    let space = Fault::after(i64::MAX, true);
    let mut store = Store::open_on(
        failing_db(&disk, &space, 1 << 20).unwrap(),
        PathBuf::from("/sim/caja.redb"),
        Box::new(FailingJournal(SimJournal(disk.clone()), space.clone())),
    )
    .unwrap();
    store.set_reopen(reopen_on(&disk, &space, 1 << 20));
    let products = products();
    let mut acked: Vec<String> = (1..=10).map(|n| format!("FV1-{n:06}")).collect();
    space.set(0);
    // Large tickets until the store must write and cannot.
    let mut refused = Vec::new();
    for i in 0..3000u64 {
        let mut body = caja::dev::soak::soak_ticket(&store, &products, i).unwrap();
        if let DocBody::Sale(s) = &mut body {
            let line = s.lines[0].clone();
            s.lines = vec![line; 100];
        }
        match store.commit(&header(100 + i), Commit::from(body).printed()) {
            Ok(c) => acked.push(c.number),
            Err(e) => refused.push(e),
        }
        if refused.len() == 3 {
            break;
        }
    }
    assert_eq!(refused.len(), 3, "the full disk never refused a sale");
    for e in &refused {
        assert!(
            matches!(
                e,
                caja::store::StoreError::Disk(
                    caja::store::DiskFault::Full { .. } | caja::store::DiskFault::Earlier
                )
            ),
            "{e:?}"
        );
        let es = e.words(caja::i18n::Language::Es, None);
        assert!(es.contains("disco"), "{es}");
        assert!(!es.contains("Previous I/O"), "{es}");
    }
    assert!(
        refused[0]
            .words(caja::i18n::Language::Es, None)
            .starts_with("el disco está lleno"),
        "{:?}",
        refused[0]
    );
    // Space is back: the next sale is taken, numbered right after the last acknowledged one,
    // without a restart.
    space.set(i64::MAX);
    let body = caja::dev::soak::soak_ticket(&store, &products, 7).unwrap();
    let c = store
        .commit(&header(9_000), body)
        .expect("the store takes sales again once space is back");
    assert_eq!(c.number, format!("FV1-{:06}", acked.len() + 1));
    acked.push(c.number);
    let report = store.verify().unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    // And a power cut now keeps every acknowledged sale.
    let log = disk.lock().unwrap().log.clone();
    std::mem::forget(store);
    verify(
        after_cut(&log, log.len(), &mut |_| false, 0),
        &acked,
        "full disk, space back, then a power cut",
    );
}
