//! Logging: `tracing` into `DIR/caja.log`, capped in size (flash is small): past the cap the
//! file becomes `caja.log.1` (replacing the previous one) and a new one starts. Never to the
//! screen while the register runs. PINs, passwords and tokens are never logged.

use crate::lock::LockAnyway;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;

pub const LOG_FILE: &str = "caja.log";

struct Inner {
    path: PathBuf,
    max: u64,
    file: Option<File>,
    size: u64,
}

impl Inner {
    fn open(&mut self) {
        self.file = crate::store::files::private_options()
            .create(true)
            .append(true)
            .open(&self.path)
            .ok();
        self.size = self
            .file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.len());
    }

    fn rotate(&mut self) {
        self.file = None;
        let _ = std::fs::rename(&self.path, self.path.with_extension("log.1"));
        self.open();
    }
}

/// A log file that rotates itself at `max` bytes.
#[derive(Clone)]
pub struct CappedLog(Arc<Mutex<Inner>>);

impl CappedLog {
    pub fn new(dir: &Path, max: u64) -> CappedLog {
        let mut inner = Inner {
            path: dir.join(LOG_FILE),
            max: max.max(4096),
            file: None,
            size: 0,
        };
        inner.open();
        CappedLog(Arc::new(Mutex::new(inner)))
    }
}

impl Write for CappedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut g = self.0.lock_anyway();
        if g.size + buf.len() as u64 > g.max {
            g.rotate();
        }
        // A log that cannot be written must never stop the register.
        if let Some(f) = g.file.as_mut()
            && f.write_all(buf).is_ok()
        {
            g.size += buf.len() as u64;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut g = self.0.lock_anyway();
        if let Some(f) = g.file.as_mut() {
            let _ = f.flush();
        }
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CappedLog {
    type Writer = CappedLog;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The level: `CAJA_LOG` if set, else `[log] level`.
pub fn level(configured: &str) -> tracing::Level {
    let s = std::env::var("CAJA_LOG")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| configured.to_string());
    match s.to_ascii_lowercase().as_str() {
        "error" => tracing::Level::ERROR,
        "warn" => tracing::Level::WARN,
        "debug" => tracing::Level::DEBUG,
        "trace" => tracing::Level::TRACE,
        _ => tracing::Level::INFO,
    }
}

/// Starts logging into `dir`. A second call (tests) is ignored.
pub fn init(dir: &Path, configured_level: &str, max_kib: u32) {
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let writer = CappedLog::new(dir, u64::from(max_kib) * 1024);
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .with_max_level(level(configured_level))
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_rotates_at_its_cap() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = CappedLog::new(dir.path(), 4096);
        for _ in 0..100 {
            log.write_all(&[b'x'; 100]).unwrap();
        }
        let now = std::fs::metadata(dir.path().join(LOG_FILE)).unwrap().len();
        let old = std::fs::metadata(dir.path().join("caja.log.1"))
            .unwrap()
            .len();
        assert!(
            now <= 4096 && old <= 4096 && now + old <= 10_000,
            "{now} {old}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "only two files are ever kept"
        );
    }
}
