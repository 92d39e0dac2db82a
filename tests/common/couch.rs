//! A real Apache CouchDB 3.5 on loopback, from the release folder `CAJA_PEERS` names: it holds
//! the release and `couchdb-start.sh DIR PORT ADMIN_PASSWORD`, which unpacks the release into
//! DIR, starts it on 127.0.0.1:PORT and prints the server's pid once it answers (`.ci/run`
//! sets `CAJA_PEERS` to the CI machine's copy). Each test gets a server of its own, in a temp
//! folder, on a free port, with an Erlang port mapper of its own (`ERL_EPMD_PORT`): dropping it
//! kills every process started from that folder, so no test leaves one behind.
//!
//! `start()` answers None, having said why on stderr, when `CAJA_PEERS` is not set or the
//! library the release needs (Debian's `libicu72`, which `.ci/run` installs) is missing;
//! `CAJA_REQUIRE_COUCHDB=1` turns that into a failure.

use super::free_port;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "clave-admin-couch";

pub struct Couch {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pid: u32,
}

fn peers() -> Option<PathBuf> {
    let p = PathBuf::from(std::env::var_os("CAJA_PEERS")?);
    p.join("couchdb-start.sh").exists().then_some(p)
}

fn skip(why: &str) -> Option<Couch> {
    assert!(
        std::env::var_os("CAJA_REQUIRE_COUCHDB").is_none(),
        "CAJA_REQUIRE_COUCHDB is set and {why}"
    );
    eprintln!("SKIPPED: {why}");
    None
}

pub fn start() -> Option<Couch> {
    let Some(peers) = peers() else {
        return skip("CAJA_PEERS names no folder with couchdb-start.sh (a CouchDB 3.5 release)");
    };
    if !Path::new("/usr/lib/x86_64-linux-gnu/libicuuc.so.72").exists() {
        return skip("CouchDB needs Debian's libicu72 (apt-get install -y libicu72)");
    }
    // Erlang starts the port mapper (epmd) of its ERL_EPMD_PORT itself; when several servers
    // start at once, a node may try to register before its epmd listens ("register/listen
    // error: econnrefused"), and then stops. That start is tried again, on new ports.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let epmd = free_port();
        let out = Command::new(peers.join("couchdb-start.sh"))
            .arg(dir.path())
            .arg(port.to_string())
            .arg(ADMIN_PASSWORD)
            .env("ERL_EPMD_PORT", epmd.to_string())
            .output()
            .unwrap();
        let couch = |pid| Couch { dir, port, pid };
        match String::from_utf8_lossy(&out.stdout).trim().parse() {
            Ok(pid) if out.status.success() => return Some(couch(pid)),
            _ => {
                let c = couch(0);
                let why = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stderr),
                    std::fs::read_to_string(c.dir.path().join("stdout.log")).unwrap_or_default()
                );
                if attempt < 3 && why.contains("register/listen error") {
                    eprintln!("CouchDB's node found no port mapper yet; starting it again");
                    continue;
                }
                panic!("CouchDB did not start: {why}");
            }
        }
    }
}

impl Couch {
    /// The server's url with the admin's credentials.
    pub fn admin_url(&self) -> String {
        format!("http://{ADMIN}:{ADMIN_PASSWORD}@127.0.0.1:{}", self.port)
    }

    /// The server's url without credentials.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A request as the admin: (status, JSON body).
    pub fn admin(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut c = caja::hub::chain::connect(&self.admin_url()).unwrap();
        c.request(method, path, body).unwrap()
    }
}

impl Drop for Couch {
    fn drop(&mut self) {
        // A failed test keeps the server's log (target/couchdb-logs/) and shows its end.
        if std::thread::panicking() {
            let log =
                std::fs::read_to_string(self.dir.path().join("couchdb.log")).unwrap_or_default();
            let keep = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/couchdb-logs");
            let _ = std::fs::create_dir_all(&keep);
            let to = keep.join(format!("couchdb-{}.log", self.port));
            let _ = std::fs::write(&to, &log);
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!(
                "CouchDB's log kept in {}; its end:\n{}",
                to.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        // Every process whose command line names this server's folder: the Erlang VM, its
        // port mapper and their helpers.
        let needle = self.dir.path().to_string_lossy().to_string();
        for _ in 0..50 {
            let mut alive = Vec::new();
            for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
                let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
                    continue;
                };
                let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
                if String::from_utf8_lossy(&cmd).contains(&needle) {
                    alive.push(pid);
                }
            }
            if self.pid != 0 {
                alive.push(self.pid as i32);
                self.pid = 0;
            }
            if alive.is_empty() {
                return;
            }
            for pid in alive {
                let _ = Command::new("kill")
                    .arg("-KILL")
                    .arg(pid.to_string())
                    .stderr(std::process::Stdio::null())
                    .status();
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}
