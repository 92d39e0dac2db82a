//! The hub's HTTP/1.1 server: small, and made for a hostile network.
//!
//! Every connection has a thread of its own (up to [`Limits::connections`]; past that a new
//! connection is told 503 and closed), so one slow, idle or hostile client never delays another.
//! Every read has a deadline: the request line and headers must arrive whole, at most
//! [`Limits::head_bytes`], within [`Limits::head_time`]; the body within a time that grows with
//! its length at a floor rate; an idle keep-alive connection is closed after
//! [`Limits::idle`]. Nothing is buffered past those limits. A handler that panics answers 500
//! and the connection's thread goes on.

use crate::lock::LockAnyway;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tiny_http::{HTTPVersion, Method, Response};

/// The bounds every connection lives within.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Request line and headers, together.
    pub head_bytes: usize,
    /// From a request's first byte to the end of its headers.
    pub head_time: Duration,
    /// A kept-alive connection waiting for its next request.
    pub idle: Duration,
    pub max_body: usize,
    /// The slowest a body may arrive, in bytes a second, after a grace of `head_time`.
    pub body_rate: u64,
    /// Connections served at once.
    pub connections: usize,
    /// Connections served at once for one address: a client that opens many (idle, or never
    /// finishing a TLS handshake) cannot take the others' places.
    pub per_address: usize,
    /// Serve TLS with this configuration (`caja hub --tls-cert --tls-key`).
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

/// The certificate chain and key of `caja hub --tls-cert FILE --tls-key FILE` (PEM).
pub fn tls_server_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<Arc<rustls::ServerConfig>, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no PEM certificate in it", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| format!("the certificate and the key do not go together: {e}"))?;
    Ok(Arc::new(config))
}

/// The files `caja hub cert` made.
pub struct MadeCertificate {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

/// Makes the hub's own key and a self-signed certificate for `hosts` (names and addresses)
/// in `dir`: `hub-cert.pem`, which each register names in `[sync] ca_file`, and
/// `hub-key.pem`, the hub's alone (0600). A certificate made by `openssl req -x509` with its
/// defaults is a CA's, which rustls refuses as a server's; this one is a server's. Files that
/// are there already are never overwritten.
pub fn make_certificate(
    dir: &std::path::Path,
    hosts: &[String],
) -> Result<MadeCertificate, crate::store::StoreError> {
    use crate::store::StoreError;
    let made = rcgen::generate_simple_self_signed(hosts.to_vec())
        .map_err(|e| StoreError::Invalid(format!("cannot make the certificate: {e}")))?;
    crate::store::files::private_dir(dir)?;
    let (cert, key) = (dir.join("hub-cert.pem"), dir.join("hub-key.pem"));
    for p in [&cert, &key] {
        if p.exists() {
            return Err(StoreError::AlreadyExists(p.clone()));
        }
    }
    crate::store::files::write_private(&key, made.key_pair.serialize_pem().as_bytes())?;
    crate::store::files::write_private(&cert, made.cert.pem().as_bytes())?;
    Ok(MadeCertificate { cert, key })
}

/// A connection's byte stream, plain or TLS, and the socket under it (for deadlines).
trait Conn: Read + Write {
    fn tcp(&self) -> &TcpStream;
}

impl Conn for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Conn for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            head_bytes: 8 * 1024,
            head_time: Duration::from_secs(10),
            idle: Duration::from_secs(30),
            max_body: super::MAX_BODY,
            body_rate: 32 * 1024,
            connections: 512,
            per_address: 64,
            tls: None,
        }
    }
}

/// One request, read whole.
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub peer: IpAddr,
}

impl HttpRequest {
    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub type Reply = tiny_http::ResponseBox;
pub type Handler = dyn Fn(&HttpRequest) -> Reply + Send + Sync;

/// A server running on its own threads.
pub struct Running {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: std::thread::JoinHandle<()>,
    active: Arc<AtomicUsize>,
    /// The connections open now, to close them at a stop.
    open: Arc<std::sync::Mutex<HashMap<u64, TcpStream>>>,
}

impl Running {
    /// Stops: no new connection, the open ones closed, and back once every connection's thread
    /// has let go of the handler (so that what it holds, a store, can be opened again).
    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let _ = self.accept.join();
        for s in self.open.lock_anyway().values() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        let until = Instant::now() + Duration::from_secs(10);
        while self.active.load(Ordering::SeqCst) > 0 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn plain(status: u16, text: &str) -> Reply {
    Response::from_data(text.as_bytes().to_vec())
        .with_status_code(status)
        .boxed()
}

/// Connections the kernel holds for the accept loop. std's `TcpListener::bind` asks for 128:
/// a burst of connections (a client opening hundreds at once while the machine is busy
/// storing a push) overflows that queue, and the kernel then drops a newcomer's SYN, which
/// its client sends again only after a second. Linux caps this at `net.core.somaxconn`.
pub const BACKLOG: i32 = 4096;

/// A listening socket on `addr` with a queue of [`BACKLOG`].
pub fn bind(addr: &str) -> std::io::Result<TcpListener> {
    use std::net::ToSocketAddrs;
    let mut last = std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address");
    for a in addr.to_socket_addrs()? {
        let socket = socket2::Socket::new(
            socket2::Domain::for_address(a),
            socket2::Type::STREAM,
            Some(socket2::Protocol::TCP),
        )?;
        // As std does: a restarted hub binds again at once over connections in TIME_WAIT.
        socket.set_reuse_address(true)?;
        match socket.bind(&a.into()).and_then(|()| socket.listen(BACKLOG)) {
            Ok(()) => return Ok(socket.into()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Serves `listener` with `handler` until stopped.
pub fn serve(
    listener: TcpListener,
    limits: Limits,
    handler: Arc<Handler>,
) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let active = Arc::new(AtomicUsize::new(0));
    let open: Arc<std::sync::Mutex<HashMap<u64, TcpStream>>> = Arc::default();
    let per_peer: Arc<std::sync::Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let accept = {
        let (stop, active, open) = (stop.clone(), active.clone(), open.clone());
        let mut next_id = 0u64;
        std::thread::Builder::new()
            .name("hub-accept".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = conn else { continue };
                    let from = stream.peer_addr().map(|a| a.ip()).ok();
                    let crowded = from.is_some_and(|ip| {
                        let mut m = per_peer.lock_anyway();
                        let n = m.entry(ip).or_insert(0);
                        if *n >= limits.per_address {
                            return true;
                        }
                        *n += 1;
                        false
                    });
                    let leave = {
                        let per_peer = per_peer.clone();
                        move || {
                            if let Some(ip) = from {
                                let mut m = per_peer.lock_anyway();
                                if let Some(n) = m.get_mut(&ip) {
                                    *n = n.saturating_sub(1);
                                    if *n == 0 {
                                        m.remove(&ip);
                                    }
                                }
                            }
                        }
                    };
                    if crowded || active.load(Ordering::SeqCst) >= limits.connections {
                        if crowded {
                            tracing::warn!(peer = ?from, "hub: one address holds too many connections; turned away");
                        } else {
                            leave();
                            tracing::warn!("hub: connection limit reached; a client is turned away");
                        }
                        let mut s = stream;
                        let _ = s.set_write_timeout(Some(Duration::from_secs(1)));
                        let _ = plain(503, "busy").raw_print(
                            &mut s,
                            HTTPVersion(1, 1),
                            &[],
                            false,
                            None,
                        );
                        continue;
                    }
                    active.fetch_add(1, Ordering::SeqCst);
                    next_id += 1;
                    let id = next_id;
                    if let Ok(c) = stream.try_clone() {
                        open.lock_anyway().insert(id, c);
                    }
                    let (limits, handler, active2, open2, leave2) = (
                        limits.clone(),
                        handler.clone(),
                        active.clone(),
                        open.clone(),
                        leave.clone(),
                    );
                    let spawned = std::thread::Builder::new()
                        .name("hub-conn".into())
                        .stack_size(256 * 1024)
                        .spawn(move || {
                            let mut stream = stream;
                            match &limits.tls {
                                Some(cfg) => match rustls::ServerConnection::new(cfg.clone()) {
                                    // The handshake within the same deadline as a request's
                                    // headers, however its bytes trickle in.
                                    Ok(mut tls) => {
                                        if handshake(&mut tls, &mut stream, limits.head_time) {
                                            connection(
                                                rustls::StreamOwned::new(tls, stream),
                                                &limits,
                                                &*handler,
                                            );
                                        }
                                    }
                                    Err(e) => tracing::warn!(error = %e, "hub: TLS refused"),
                                },
                                None => connection(stream, &limits, &*handler),
                            }
                            drop(handler);
                            open2.lock_anyway().remove(&id);
                            active2.fetch_sub(1, Ordering::SeqCst);
                            leave2();
                        });
                    if spawned.is_err() {
                        open.lock_anyway().remove(&id);
                        active.fetch_sub(1, Ordering::SeqCst);
                        leave();
                        tracing::error!("hub: cannot start a connection thread");
                    }
                }
            })?
    };
    Ok(Running {
        addr,
        stop,
        accept,
        active,
        open,
    })
}

/// Completes a TLS handshake within `within`; false when the client did not (silent, slow,
/// or not speaking TLS): the connection is then closed.
fn handshake(tls: &mut rustls::ServerConnection, tcp: &mut TcpStream, within: Duration) -> bool {
    let until = Instant::now() + within;
    while tls.is_handshaking() {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || tcp.set_read_timeout(Some(left)).is_err() {
            return false;
        }
        match tls.complete_io(tcp) {
            Ok((0, 0)) if tls.wants_read() => return false,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    true
}

/// Why a request could not be read.
enum ReadFail {
    /// The client went away or idled out between requests: close quietly.
    Gone,
    /// Answer this, then close.
    Answer(Reply),
}

/// Serves one connection's requests until it closes, errs or idles out.
fn connection(stream: impl Conn, limits: &Limits, handler: &Handler) {
    let peer = stream
        .tcp()
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let _ = stream.tcp().set_nodelay(true);
    let _ = stream
        .tcp()
        .set_write_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::with_capacity(limits.head_bytes.min(16 * 1024), stream);
    // A new connection's first request must begin within the headers' deadline; only a kept
    // alive one may idle longer between requests.
    let mut wait = limits.head_time;
    loop {
        let req = match read_request(&mut reader, limits, peer, wait) {
            Ok(r) => r,
            Err(ReadFail::Gone) => return,
            Err(ReadFail::Answer(resp)) => {
                let w = reader.get_mut();
                let _ = print(resp, &mut *w, false, true);
                let _ = w.flush();
                return;
            }
        };
        wait = limits.idle;
        let close = req
            .header("Connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let head_only = req.method == Method::Head;
        let resp = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(&req))) {
            Ok(r) => r,
            Err(_) => {
                tracing::error!(url = %req.url, "hub: a request handler panicked");
                plain(500, "internal error")
            }
        };
        let w = reader.get_mut();
        if print(resp, &mut *w, head_only, close).is_err() || w.flush().is_err() || close {
            return;
        }
    }
}

/// Writes `resp` (its head only for a HEAD). A connection that closes after it says so (RFC 9112
/// 9.6): a keep-alive client that is not told sends its next request into a closed socket.
/// tiny_http keeps a response's `Connection` header to itself, so the line goes in after the
/// status line.
fn print(resp: Reply, w: &mut impl Write, head_only: bool, close: bool) -> std::io::Result<()> {
    CUT.with(|c| c.set(false));
    let mut w = UnlessCut { inner: w };
    if !close {
        return resp.raw_print(&mut w, HTTPVersion(1, 1), &[], head_only, None);
    }
    let mut w = CloseAfterStatus {
        inner: &mut w,
        said: false,
        line: Vec::new(),
    };
    resp.raw_print(&mut w, HTTPVersion(1, 1), &[], head_only, None)?;
    w.flush()
}

thread_local! {
    /// Set when a streamed body fails midway (see `ChunkReader`), on the connection's thread
    /// that reads it: from then on nothing more is written, not even the chunked encoding's
    /// last chunk, which would make a cut answer look whole.
    static CUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

struct UnlessCut<'a, W: Write> {
    inner: &'a mut W,
}

impl<W: Write> Write for UnlessCut<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if CUT.with(std::cell::Cell::get) {
            return Err(std::io::Error::other("the answer was cut off"));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if CUT.with(std::cell::Cell::get) {
            return Err(std::io::Error::other("the answer was cut off"));
        }
        self.inner.flush()
    }
}

/// Writes through, adding `Connection: close` after the status line; the body streams as it
/// comes, never held whole.
struct CloseAfterStatus<'a, W: Write> {
    inner: &'a mut W,
    said: bool,
    line: Vec<u8>,
}

impl<W: Write> Write for CloseAfterStatus<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.said {
            return self.inner.write(buf);
        }
        self.line.extend_from_slice(buf);
        if let Some(p) = self.line.windows(2).position(|p| p == b"\r\n") {
            let rest = self.line.split_off(p + 2);
            self.inner.write_all(&self.line)?;
            self.inner.write_all(b"Connection: close\r\n")?;
            self.inner.write_all(&rest)?;
            self.said = true;
            self.line = Vec::new();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.said && !self.line.is_empty() {
            self.inner.write_all(&self.line)?;
            self.line.clear();
        }
        self.inner.flush()
    }
}

/// A `200` whose body `produce` writes on a thread of its own while the client reads it
/// (chunked): memory holds a few 64 KiB chunks, whatever the body's size. A client that goes
/// away stops the producer at its next write; a producer that fails midway cuts the answer
/// off without its last chunk, so the client sees it incomplete, never a short table that
/// looks whole.
pub fn streamed(
    content_type: &str,
    produce: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'static,
) -> Reply {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<u8>, String>>(4);
    let spawned = std::thread::Builder::new()
        .name("hub-stream".into())
        .spawn(move || {
            let mut w = ChunkWriter {
                tx,
                buf: Vec::with_capacity(CHUNK),
            };
            let done = produce(&mut w).and_then(|()| w.flush());
            if let Err(e) = done
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                tracing::warn!(error = %e, "hub: a streamed answer stopped");
                let _ = w.tx.send(Err(e.to_string()));
            }
        });
    if spawned.is_err() {
        return plain(503, "busy");
    }
    let reader = ChunkReader {
        rx,
        cur: std::io::Cursor::new(Vec::new()),
    };
    let mut r = Response::new(tiny_http::StatusCode(200), Vec::new(), reader, None, None);
    if let Ok(h) = tiny_http::Header::from_bytes(&b"Content-Type"[..], content_type.as_bytes()) {
        r.add_header(h);
    }
    r.boxed()
}

const CHUNK: usize = 64 * 1024;

struct ChunkWriter {
    tx: std::sync::mpsc::SyncSender<Result<Vec<u8>, String>>,
    buf: Vec<u8>,
}

impl Write for ChunkWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .send(Ok(chunk))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

struct ChunkReader {
    rx: std::sync::mpsc::Receiver<Result<Vec<u8>, String>>,
    cur: std::io::Cursor<Vec<u8>>,
}

impl std::io::Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.cur.read(out)?;
            if n > 0 || out.is_empty() {
                return Ok(n);
            }
            match self.rx.recv() {
                Ok(Ok(next)) => self.cur = std::io::Cursor::new(next),
                Ok(Err(why)) => {
                    CUT.with(|c| c.set(true));
                    return Err(std::io::Error::other(why));
                }
                // The producer is done.
                Err(_) => return Ok(0),
            }
        }
    }
}

/// Reads until `deadline`, however the bytes trickle in.
fn set_deadline<C: Conn>(r: &BufReader<C>, deadline: Instant) -> Result<(), ReadFail> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(ReadFail::Answer(plain(408, "request timeout")));
    }
    r.get_ref()
        .tcp()
        .set_read_timeout(Some(left))
        .map_err(|_| ReadFail::Gone)
}

fn read_request<C: Conn>(
    r: &mut BufReader<C>,
    limits: &Limits,
    peer: IpAddr,
    wait: Duration,
) -> Result<HttpRequest, ReadFail> {
    // Wait for the first byte: the headers' deadline on a new connection, the idle time on
    // a kept-alive one.
    r.get_ref()
        .tcp()
        .set_read_timeout(Some(wait))
        .map_err(|_| ReadFail::Gone)?;
    match r.fill_buf() {
        Ok([]) | Err(_) => return Err(ReadFail::Gone),
        Ok(_) => {}
    }
    let deadline = Instant::now() + limits.head_time;
    let mut head: Vec<u8> = Vec::with_capacity(512);
    loop {
        set_deadline(r, deadline)?;
        let buf = match r.fill_buf() {
            Ok([]) => return Err(ReadFail::Gone),
            Ok(b) => b,
            Err(e) if is_timeout(&e) => {
                return Err(ReadFail::Answer(plain(408, "request timeout")));
            }
            Err(_) => return Err(ReadFail::Gone),
        };
        // Take bytes up to the end of the headers, never past the limit.
        let room = limits.head_bytes.saturating_sub(head.len());
        let take = buf.len().min(room.max(1));
        let chunk = &buf[..take];
        let before = head.len();
        head.extend_from_slice(chunk);
        let scan_from = before.saturating_sub(3);
        if let Some(end) = find_end(&head[scan_from..]).map(|e| e + scan_from) {
            let used = end - before;
            r.consume(used);
            head.truncate(end);
            break;
        }
        r.consume(take);
        if head.len() >= limits.head_bytes {
            return Err(ReadFail::Answer(plain(
                431,
                "request header fields too large",
            )));
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(url), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadFail::Answer(plain(400, "bad request line")));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadFail::Answer(plain(505, "HTTP/1.x only")));
    }
    let method: Method = method
        .parse()
        .map_err(|_| ReadFail::Answer(plain(400, "bad method")))?;
    let mut headers = Vec::new();
    for l in lines.filter(|l| !l.is_empty()) {
        let Some((k, v)) = l.split_once(':') else {
            return Err(ReadFail::Answer(plain(400, "bad header")));
        };
        headers.push((k.trim().to_string(), v.trim().to_string()));
        if headers.len() > 100 {
            return Err(ReadFail::Answer(plain(431, "too many headers")));
        }
    }
    let mut req = HttpRequest {
        method,
        url: url.to_string(),
        headers,
        body: Vec::new(),
        peer,
    };
    if req
        .header("Transfer-Encoding")
        .is_some_and(|t| !t.eq_ignore_ascii_case("identity"))
    {
        return Err(ReadFail::Answer(plain(411, "a Content-Length is required")));
    }
    let length: usize = match req.header("Content-Length") {
        None => 0,
        Some(n) => n
            .trim()
            .parse()
            .map_err(|_| ReadFail::Answer(plain(400, "bad Content-Length")))?,
    };
    if length > limits.max_body {
        return Err(ReadFail::Answer(plain(
            413,
            "the request body is over the hub's limit",
        )));
    }
    if length > 0 {
        if req
            .header("Expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
        {
            let w = r.get_mut();
            let _ = w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
            let _ = w.flush();
        }
        let budget =
            limits.head_time + Duration::from_secs(length as u64 / limits.body_rate.max(1));
        let deadline = Instant::now() + budget;
        // Grown as the bytes arrive: an announced length costs nothing until it is sent.
        let mut body = Vec::with_capacity(length.min(64 * 1024));
        let mut chunk = [0u8; 16 * 1024];
        while body.len() < length {
            set_deadline(r, deadline)?;
            let want = (length - body.len()).min(chunk.len());
            match r.read(&mut chunk[..want]) {
                Ok(0) => return Err(ReadFail::Gone),
                Ok(n) => body.extend_from_slice(&chunk[..n]),
                Err(e) if is_timeout(&e) => {
                    return Err(ReadFail::Answer(plain(408, "request timeout")));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(ReadFail::Gone),
            }
        }
        req.body = body;
    }
    Ok(req)
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// Where "\r\n\r\n" ends in `b`, if it is there.
fn find_end(b: &[u8]) -> Option<usize> {
    b.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A burst of connections the accept loop has not reached yet waits in the kernel's
    /// queue: none is dropped (std's queue of 128 dropped the rest, and each such client
    /// waited a second for its SYN to be sent again).
    #[test]
    fn a_burst_of_connections_waits_in_the_queue() {
        let Ok(listener) = bind("127.0.0.1:0") else {
            panic!("no loopback socket")
        };
        let Ok(addr) = listener.local_addr() else {
            panic!("no address")
        };
        let cap = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
            .ok()
            .and_then(|s| s.trim().parse::<usize>().ok())
            .unwrap_or(4096);
        let n = 600.min(cap);
        let mut held = Vec::new();
        for i in 0..n {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
                Ok(s) => held.push(s),
                Err(e) => panic!("connection {i} of {n} not queued: {e}"),
            }
        }
        assert_eq!(held.len(), n);
    }

    /// A streamed answer arrives whole, in chunks, over a kept-alive or a closing connection;
    /// one whose producer fails midway arrives cut off, so the client sees it incomplete.
    #[test]
    fn a_streamed_answer_is_whole_or_visibly_cut() {
        let Ok(listener) = bind("127.0.0.1:0") else {
            panic!("no loopback socket")
        };
        let handler: Arc<Handler> = Arc::new(|req: &HttpRequest| {
            let fail = req.url.contains("fail");
            streamed("text/plain", move |w| {
                for i in 0..20_000 {
                    writeln!(w, "line {i}")?;
                    if fail && i == 10_000 {
                        return Err(std::io::Error::other("the store went away"));
                    }
                }
                Ok(())
            })
        });
        let Ok(running) = serve(listener, Limits::default(), handler) else {
            panic!("not serving")
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        for close in [false, true] {
            let mut req = agent.get(format!("http://{}/whole", running.addr));
            if close {
                req = req.header("Connection", "close");
            }
            let Ok(mut r) = req.call() else {
                panic!("no answer")
            };
            assert_eq!(r.status(), 200);
            let Ok(body) = r.body_mut().with_config().limit(1 << 24).read_to_string() else {
                panic!("the body did not read")
            };
            assert_eq!(body.lines().count(), 20_000);
            assert!(body.ends_with("line 19999\n"));
        }
        let Ok(mut r) = agent.get(format!("http://{}/fail", running.addr)).call() else {
            panic!("no answer")
        };
        assert!(
            r.body_mut()
                .with_config()
                .limit(1 << 24)
                .read_to_string()
                .is_err()
        );
        running.stop();
    }
}
