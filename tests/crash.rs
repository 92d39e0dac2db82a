//! Crash safety: a child `caja soak` commits sales and prints each number once durable; it is
//! killed with SIGKILL at pseudo-random moments, 60 times. Every number it printed must be in
//! the store afterwards, numbers must be gap-free, and `caja check` must pass.

use crate::common::*;
use caja::dev::bench::Rng;
use caja::domain::numbering::{DocKind, parse_number};
use caja::store::Store;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

const KILLS: usize = 60;

#[test]
fn every_acknowledged_sale_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let data = dir.path().to_str().unwrap();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut rng = Rng::new(7);
    for round in 0..KILLS {
        let mut child = caja()
            .args(["soak", "--data-dir", data])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        // Read numbers on a thread, so the kill can land at any moment, mid-commit included.
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        let wait = Duration::from_millis(20 + rng.below(180));
        let start = Instant::now();
        while start.elapsed() < wait {
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        assert!(!status.success(), "round {round}: soak ended by itself");
        let printed = reader.join().unwrap();
        acknowledged.extend(printed);
    }
    assert!(
        acknowledged.len() > KILLS,
        "too few sales to mean anything: {}",
        acknowledged.len()
    );

    let store = Store::open(dir.path()).unwrap();
    let (_, last) = store.view().unwrap().last_doc().unwrap().unwrap();
    let last_n = last.doc.counter(DocKind::Sale);
    for n in &acknowledged {
        let (_, d) = store
            .view()
            .unwrap()
            .doc_by_number(n)
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged sale {n} is missing"));
        assert_eq!(&d.doc.number, n);
    }
    // Numbers printed are strictly increasing by one, except where a commit landed but the kill
    // came before its number was printed: those are in the store, never missing from it.
    let mut prev = 0;
    for n in &acknowledged {
        let (_, _, v) = parse_number(n).unwrap();
        assert!(v > prev, "{n} printed twice or out of order");
        prev = v;
    }
    assert!(last_n >= prev);
    drop(store);

    let o = run(&["check", "--data-dir", data]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("venta {last_n}")),
        "{}",
        text(&o)
    );
    eprintln!(
        "{} kills, {} acknowledged sales, {} in the store",
        KILLS,
        acknowledged.len(),
        last_n
    );
}
