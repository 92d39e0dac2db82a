//! Reading the store while the register sells.
//!
//! The register holds redb for itself (its sales are acknowledged by the electronic journal and
//! reach redb in non-durable commits, which redb shares with no other process). `caja journal`,
//! `check` and `doctor` read the journal instead; what lives only in redb (the catalog, the
//! customers) and a backup are asked of the register itself, over a Unix socket in the data
//! directory. The folder is the register user's alone (0700) and the socket 0600, so only that
//! user can ask.
//!
//! One request per connection, one line: `catalog`, `customers`, or `backup<TAB>keep<TAB>dir`.
//! The answer's first line is `ok` or `error<TAB>message`; after `ok` comes the CSV, or for a
//! backup one line `path<TAB>documents<TAB>bytes`.

use super::{Store, StoreError};
use crate::i18n::Word;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The socket's name inside the data directory.
pub const SOCKET: &str = "caja.sock";

/// What another process can ask of the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// The catalog as `caja catalog export` writes it.
    Catalog,
    /// The customers as `caja customers export` writes them.
    Customers,
    /// A verified backup into a folder, keeping the newest `keep` of this store there.
    Backup { dir: PathBuf, keep: usize },
}

impl Request {
    pub(crate) fn line(&self) -> Result<String, StoreError> {
        Ok(match self {
            Request::Catalog => "catalog".into(),
            Request::Customers => "customers".into(),
            Request::Backup { dir, keep } => {
                let d = dir
                    .to_str()
                    .filter(|d| !d.contains(['\n', '\t']))
                    .ok_or_else(|| {
                        StoreError::from(super::Refusal::FolderName {
                            dir: dir.display().to_string(),
                        })
                    })?;
                format!("backup\t{keep}\t{d}")
            }
        })
    }

    pub(crate) fn parse(line: &str) -> Option<Request> {
        let mut parts = line.trim_end_matches(['\r', '\n']).splitn(3, '\t');
        match (parts.next()?, parts.next(), parts.next()) {
            ("catalog", None, None) => Some(Request::Catalog),
            ("customers", None, None) => Some(Request::Customers),
            ("backup", Some(keep), Some(dir)) if !dir.is_empty() => Some(Request::Backup {
                dir: PathBuf::from(dir),
                keep: keep.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// The socket being served; dropping it stops serving and removes the socket.
pub struct Sharing {
    path: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Sharing {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept; the thread sees the flag and ends. It is not waited for: with the
        // folder gone (or the socket removed by hand) nothing can wake it, and a register on
        // its way out must never hang on it.
        let _ = UnixStream::connect(&self.path);
        let _ = std::fs::remove_file(&self.path);
        drop(self.thread.take());
    }
}

/// Serves read-only requests on `dir/caja.sock` from a thread, one connection at a time.
/// `lang` words the register's refusals for the command that asked (both read the same folder).
pub fn serve(store: Arc<Store>, dir: &Path, lang: crate::i18n::Language) -> io::Result<Sharing> {
    let path = dir.join(SOCKET);
    // A socket left by a register that was killed answers nobody: replace it. The store's own
    // lock means no other register serves this folder.
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // The thread holds the store only while it answers: the register's own handle stays the
    // last, so that its clean stop closes the store.
    let store = Arc::downgrade(&store);
    let thread = std::thread::Builder::new()
        .name("share".into())
        .spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    return;
                }
                let Some(store) = store.upgrade() else {
                    return;
                };
                if let Ok(conn) = conn
                    && let Err(e) = answer(&store, conn, lang)
                {
                    tracing::warn!("a read request failed: {e}");
                }
            }
        })?;
    Ok(Sharing {
        path,
        stop,
        thread: Some(thread),
    })
}

/// How long a client has to send its whole request line, as the hub gives a request's
/// headers: a client dripping a byte at a time holds the register's answers no longer.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);

/// The request line, read within `within` whatever pace the client sends it at.
fn request_line(conn: &UnixStream, within: Duration) -> io::Result<String> {
    let until = std::time::Instant::now() + within;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 512];
    while !buf.contains(&b'\n') && buf.len() < 4096 {
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request line took too long",
            ));
        }
        conn.set_read_timeout(Some(left))?;
        let n = match (&*conn).read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let end = buf
        .iter()
        .position(|b| *b == b'\n')
        .map_or(buf.len(), |i| i + 1);
    Ok(String::from_utf8_lossy(&buf[..end.min(4096)]).into_owned())
}

fn answer(store: &Store, conn: UnixStream, lang: crate::i18n::Language) -> io::Result<()> {
    conn.set_write_timeout(Some(Duration::from_secs(30)))?;
    let line = request_line(&conn, REQUEST_DEADLINE)?;
    let mut out = io::BufWriter::new(&conn);
    let Some(req) = Request::parse(&line) else {
        let said = crate::i18n::store_text(lang, Word::RequestUnknown);
        writeln!(out, "error\t{said}")?;
        return out.flush();
    };
    tracing::info!(request = ?req, "read request from another process");
    let currency = store.info().currency.clone();
    let result = match req {
        Request::Catalog => collect(|f| store.visit_products(f)).map(|all| {
            Box::new(move |w: &mut dyn Write| {
                crate::csvio::write_catalog(w, &currency, all).map_err(io::Error::other)
            }) as Box<dyn FnOnce(&mut dyn Write) -> io::Result<()>>
        }),
        Request::Customers => collect(|f| store.visit_customers(f)).map(|all| {
            Box::new(move |w: &mut dyn Write| {
                crate::csvio::write_customers(w, all.into_iter().map(|c| c.customer))
                    .map_err(io::Error::other)
            }) as Box<dyn FnOnce(&mut dyn Write) -> io::Result<()>>
        }),
        Request::Backup { dir, keep } => store
            .backup_to(&dir, chrono::Local::now().fixed_offset(), keep)
            .map(|done| {
                Box::new(move |w: &mut dyn Write| {
                    writeln!(
                        w,
                        "{}\t{}\t{}",
                        done.path.display(),
                        done.documents,
                        done.bytes
                    )
                }) as Box<dyn FnOnce(&mut dyn Write) -> io::Result<()>>
            }),
    };
    match result {
        Ok(write) => {
            writeln!(out, "ok")?;
            write(&mut out)?;
        }
        Err(e) => writeln!(out, "error\t{}", e.words(lang, None).replace('\n', " "))?,
    }
    out.flush()
}

fn collect<T>(
    visit: impl FnOnce(&mut dyn FnMut(T) -> Result<(), StoreError>) -> Result<(), StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut all = Vec::new();
    visit(&mut |x| {
        all.push(x);
        Ok(())
    })?;
    Ok(all)
}

/// Runs `open` (a store or a read-only handle on `dir`); when the store is in use but no
/// register has its socket up, what holds it lets go in a moment (a register that is closing
/// took its socket down first; a reading command holds the lock for milliseconds), so `open` is
/// tried again for up to two seconds.
pub fn open_past_closing<T>(
    dir: &Path,
    open: impl Fn() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut opened = open();
    for _ in 0..20 {
        match &opened {
            Err(StoreError::InUse(_)) if !dir.join(SOCKET).exists() => {
                std::thread::sleep(Duration::from_millis(100));
                opened = open();
            }
            _ => break,
        }
    }
    opened
}

/// Whether a register runs on `dir`: it answers on its socket. A socket left by a register that
/// was killed answers nobody. What tells another process's hold on the store from a handle this
/// process lost in a panic (whose lock stays until the process ends).
pub fn register_runs(dir: &Path) -> bool {
    UnixStream::connect(dir.join(SOCKET)).is_ok()
}

/// Asks the register running on `dir` for `req`, copying a CSV answer to `out`. `Ok(None)` for
/// a CSV, `Ok(Some(..))` for a backup.
pub fn ask(
    dir: &Path,
    req: &Request,
    out: &mut dyn Write,
) -> Result<Option<super::backup::BackupDone>, StoreError> {
    let path = dir.join(SOCKET);
    let conn = UnixStream::connect(&path).map_err(|e| {
        StoreError::Io(io::Error::new(
            e.kind(),
            format!(
                "the register holds the store and does not answer on {} ({e}); a register older than this caja cannot share it: stop it first",
                path.display()
            ),
        ))
    })?;
    conn.set_write_timeout(Some(Duration::from_secs(5)))?;
    // A backup of a large store on a slow stick takes a while; a read stalls only when the
    // register is gone.
    conn.set_read_timeout(Some(Duration::from_secs(600)))?;
    (&conn).write_all(format!("{}\n", req.line()?).as_bytes())?;
    let mut reader = BufReader::new(&conn);
    let mut status = String::new();
    reader.read_line(&mut status)?;
    let status = status.trim_end_matches('\n');
    if let Some(msg) = status.strip_prefix("error\t") {
        return Err(super::Refusal::RunningRegister { said: msg.into() }.into());
    }
    if status != "ok" {
        return Err(StoreError::Io(io::Error::other(
            "the running register closed the connection without an answer",
        )));
    }
    match req {
        Request::Backup { .. } => {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let mut f = line.trim_end_matches('\n').rsplitn(3, '\t');
            let (bytes, documents, path) = (f.next(), f.next(), f.next());
            match (
                path,
                documents.and_then(|d| d.parse().ok()),
                bytes.and_then(|b| b.parse().ok()),
            ) {
                (Some(p), Some(documents), Some(bytes)) => Ok(Some(super::backup::BackupDone {
                    path: PathBuf::from(p),
                    documents,
                    bytes,
                })),
                _ => Err(StoreError::Io(io::Error::other(
                    "the running register's answer about the backup was cut short",
                ))),
            }
        }
        _ => {
            io::copy(&mut reader, out)?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopping_never_hangs_when_the_folder_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            Store::create(
                dir.path(),
                crate::store::InitParams {
                    name: "Tienda".into(),
                    register: crate::domain::numbering::RegisterCode::parse("FV1").unwrap(),
                    currency: crate::domain::money::Currency::by_code("COP").unwrap(),
                    prices_include_tax: true,
                    supervisor: "ana".into(),
                    pin: "1234".into(),
                    now_utc_ms: 0,
                },
            )
            .unwrap(),
        );
        let sharing = serve(store, dir.path(), crate::i18n::Language::En).unwrap();
        std::fs::remove_file(dir.path().join(SOCKET)).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            drop(sharing);
            let _ = tx.send(());
        });
        assert!(
            rx.recv_timeout(Duration::from_secs(5)).is_ok(),
            "dropping the socket's server hung"
        );
    }

    #[test]
    fn a_client_dripping_its_request_is_cut_off_at_the_deadline() {
        let (server, client) = UnixStream::pair().unwrap();
        let drip = std::thread::spawn(move || {
            for b in b"catalog\n" {
                if (&client).write_all(&[*b]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(60));
            }
        });
        let start = std::time::Instant::now();
        let r = request_line(&server, Duration::from_millis(200));
        assert_eq!(r.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(start.elapsed() < Duration::from_millis(600));
        drop(server);
        let _ = drip.join();
        // Sent at once, it is read whole.
        let (server, client) = UnixStream::pair().unwrap();
        (&client).write_all(b"catalog\n").unwrap();
        assert_eq!(
            request_line(&server, Duration::from_millis(200)).unwrap(),
            "catalog\n"
        );
    }

    #[test]
    fn requests_read_back_as_written() {
        for r in [
            Request::Catalog,
            Request::Customers,
            Request::Backup {
                dir: "/media/usb/copias caja".into(),
                keep: 7,
            },
        ] {
            assert_eq!(Request::parse(&format!("{}\n", r.line().unwrap())), Some(r));
        }
        assert_eq!(Request::parse("drop tables\n"), None);
        assert_eq!(Request::parse("backup\tx\t/tmp\n"), None);
        assert!(
            Request::Backup {
                dir: "/tmp/a\nb".into(),
                keep: 1
            }
            .line()
            .is_err()
        );
    }
}
