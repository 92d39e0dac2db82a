//! docs/CHAIN.md, run: every `sh` block of the walk-through, in order, by bash, against a real
//! CouchDB 3.5 (tests/common/couch.rs) and a real hub on loopback, with the variables of its
//! first block set by this test. Then what the walk-through promises is checked: a register
//! that pushes to the hub has its documents on CouchDB, and the chain's catalog reached the
//! hub, through the two continuous replications it set up.

use crate::common::couch;
use crate::common::*;
use std::time::{Duration, Instant};

/// Kills every process whose command line names `dir` (the hub the walk-through started).
struct KillUnder(std::path::PathBuf);

impl Drop for KillUnder {
    fn drop(&mut self) {
        let needle = self.0.to_string_lossy().to_string();
        let alive = || -> Vec<std::ffi::OsString> {
            std::fs::read_dir("/proc")
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
                .filter(|e| {
                    let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
                    String::from_utf8_lossy(&cmd).contains(&needle)
                })
                .map(|e| e.file_name())
                .collect()
        };
        // Asked to stop (the hub stops cleanly on SIGTERM), and waited for.
        for pid in alive() {
            let _ = std::process::Command::new("kill")
                .arg(pid)
                .stderr(std::process::Stdio::null())
                .status();
        }
        let until = Instant::now() + Duration::from_secs(15);
        while !alive().is_empty() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The `sh` blocks of a Markdown file, but the one after `<!-- vars`.
fn sh_blocks(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = md.lines();
    let mut skip_next = false;
    while let Some(l) = lines.next() {
        if l.starts_with("<!-- vars") {
            skip_next = true;
        }
        if l.trim() == "```sh" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            if !std::mem::take(&mut skip_next) {
                out.push(block.join("\n"));
            }
        }
    }
    out
}

#[test]
fn the_chain_walk_through_runs_as_written() {
    let Some(couch) = couch::start() else { return };
    let md =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CHAIN.md")).unwrap();
    let blocks = sh_blocks(&md);
    assert!(blocks.len() >= 6, "{blocks:?}");

    let work = tempfile::tempdir().unwrap();
    let hub_dir = work.path().join("hub");
    let reg_dir = work.path().join("register");
    let _hub = KillUnder(hub_dir.clone());
    let port = free_port();
    // The catalog the head office loads: the demo's.
    let demo = tempfile::tempdir().unwrap();
    init_cli(demo.path());
    let o = run(&[
        "catalog",
        "export",
        "--data-dir",
        demo.path().to_str().unwrap(),
    ]);
    std::fs::write(work.path().join("catalogo.csv"), &o.stdout).unwrap();
    std::fs::write(
        work.path().join("existencias.csv"),
        "sku,quantity,kind,note\nARZ500,24,count,conteo de apertura\nARZ1K,12,receipt,factura 1001\n",
    )
    .unwrap();

    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_caja"))
        .parent()
        .unwrap();
    let script = format!(
        "set -euo pipefail\nCOUCH={}\nHUB_DIR={}\nHUB_LISTEN=127.0.0.1:{port}\nHUB=http://127.0.0.1:{port}\nREG_DIR={}\n{}\n",
        couch.admin_url(),
        hub_dir.display(),
        reg_dir.display(),
        blocks.join("\n")
    );
    let log = std::fs::File::create(work.path().join("walk.log")).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(work.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env_remove("CAJA_DATA_DIR")
        .env("LANG", "C")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .status()
        .unwrap();
    let said = std::fs::read_to_string(work.path().join("walk.log")).unwrap();
    assert!(status.success(), "the walk-through stopped:\n{said}");
    assert!(said.contains("CouchDB 3.5.0"), "{said}");
    assert!(said.contains("usuario FV1 creado"), "{said}");
    assert!(said.contains("recibido (total)"), "{said}");
    assert!(said.contains("ARZ500: 0 → 24"), "{said}");
    assert!(said.contains("\"state\":"), "{said}");
    assert!(said.contains("documentos de"), "{said}");

    // A register of the shop, with no catalog of its own, gets the chain's from its hub once
    // the replication brought it down...
    let fv2 = tempfile::tempdir().unwrap();
    let f = fv2.path().to_str().unwrap();
    let o = run(&[
        "init",
        "--data-dir",
        f,
        "--store",
        "Tienda Uno",
        "--register",
        "FV2",
        "--supervisor",
        "ana",
        "--pin",
        "1234",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    sync_to(
        fv2.path(),
        &format!("http://127.0.0.1:{port}"),
        "FV2",
        "clave-de-fv2",
    );
    let products = text(&run(&[
        "catalog",
        "export",
        "--data-dir",
        demo.path().to_str().unwrap(),
    ]))
    .lines()
    .count()
        - 1;
    let start = Instant::now();
    loop {
        let o = run(&["sync", "--data-dir", f, "--pull", "total"]);
        assert!(o.status.success(), "{}", text(&o));
        if text(&o).contains(&format!("{products} en el catálogo")) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the chain's catalog never reached the hub: {}",
            text(&o)
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    // ... sells, pushes to the hub, and the replication takes its sales up.
    assert!(
        run(&["soak", "--data-dir", f, "--count", "5"])
            .status
            .success()
    );
    let o = run(&["sync", "--data-dir", f]);
    assert!(o.status.success(), "{}", text(&o));
    let mut hub_client = caja::hub::chain::connect(&format!(
        "http://replicador:clave-del-replicador@127.0.0.1:{port}"
    ))
    .unwrap();
    let (_, on_hub) = hub_client.request("GET", "caja-docs", None).unwrap();
    let on_hub = on_hub["doc_count"].as_u64().unwrap();
    assert!(on_hub >= 5, "{on_hub}");
    let start = Instant::now();
    loop {
        let (_, v) = couch.admin("GET", "caja-docs", None);
        // The hub's documents, CouchDB's design document and the walk-through's two stock
        // movements.
        if v["doc_count"].as_u64() == Some(on_hub + 3) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the shop's {on_hub} documents never all reached CouchDB: {v}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let o = run(&["chain", "check", "--url", &couch.admin_url()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("{} documentos de 1 cajas verificados", on_hub + 2)),
        "{}",
        text(&o)
    );
}
