//! The printer worker: a thread that prints the spool, asks the printer for its status, pulses
//! the drawer, and tells the screen what happened. Nothing here can block or fail a sale: the
//! sale is committed (with its job queued) before the worker hears of it.

use super::codepage::CodePage;
use super::escpos::{Pulse, encode};
use super::status::{self, PrinterStatus};
use super::transport::{Endpoint, Link};
use crate::i18n::Language;
use crate::i18n::Word;
use crate::receipt::{Align, Line, Receipt, ShopLines, Style};
use crate::sink::Sink;
use crate::store::Store;
use crate::store::spool::PrintJob;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// What the register asks of the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterCmd {
    /// New jobs are in the spool.
    Wake,
    /// Kick the cash drawer: for this document's cash (None: a test from the diagnostics).
    OpenDrawer(Option<String>),
    /// Print the technician's test page.
    TestPage,
    /// Print a report that is not a document (an X report, the journal), once, now.
    Print(Box<Receipt>),
}

/// Why a job or the drawer waits, typed so that the register words it in its language
/// ([`Fault::words`]); `Display` is the English, for logs and the spool's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The printer says so: paper out, cover open, offline.
    Status(PrinterStatus),
    /// The device cannot be opened or written: the kind, and the operating system's words.
    Io(IoWhy, String),
    /// `[printer] device` cannot be used (its reason).
    Device(String),
    /// The print spool cannot be read (the store's reason).
    Spool(String),
    /// A document that cannot be printed (its reason).
    Document(String),
    NoDrawerOnFile,
    /// No link to the printer could be opened.
    Unreachable,
    /// Waiting for an earlier job.
    Waiting,
}

/// The kinds of device failure a shop can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoWhy {
    Refused,
    TimedOut,
    NotFound,
    Denied,
    Busy,
    Other,
}

impl Fault {
    pub fn io(e: &std::io::Error) -> Fault {
        use std::io::ErrorKind as K;
        let why = match e.kind() {
            K::ConnectionRefused => IoWhy::Refused,
            K::TimedOut | K::WouldBlock => IoWhy::TimedOut,
            K::NotFound => IoWhy::NotFound,
            K::PermissionDenied => IoWhy::Denied,
            K::ResourceBusy => IoWhy::Busy,
            _ => IoWhy::Other,
        };
        Fault::Io(why, e.to_string())
    }

    /// The fault in `lang`.
    pub fn words(&self, lang: Language) -> String {
        use crate::i18n::{fill, store_text, texts};
        let t = |key| store_text(lang, key);
        match self {
            Fault::Status(st) => {
                let w = status_words(st, texts(lang));
                if w.is_empty() {
                    t(Word::PrnWaiting).into()
                } else {
                    w.join(", ")
                }
            }
            Fault::Io(IoWhy::Refused, _) => t(Word::PrnRefused).into(),
            Fault::Io(IoWhy::TimedOut, _) => t(Word::PrnTimedOut).into(),
            Fault::Io(IoWhy::NotFound, d) => fill(t(Word::PrnNotFound), &[("detail", d)]),
            Fault::Io(IoWhy::Denied, d) => fill(t(Word::PrnDenied), &[("detail", d)]),
            Fault::Io(IoWhy::Busy, _) => t(Word::PrnBusy).into(),
            Fault::Io(IoWhy::Other, d) => d.clone(),
            Fault::Device(d) => fill(t(Word::PrnDevice), &[("detail", d)]),
            Fault::Spool(d) => fill(t(Word::PrnSpool), &[("detail", d)]),
            Fault::Document(d) => fill(t(Word::PrnDocument), &[("detail", d)]),
            Fault::NoDrawerOnFile => t(Word::PrnNoDrawer).into(),
            Fault::Unreachable => t(Word::PrnUnreachable).into(),
            Fault::Waiting => t(Word::PrnWaiting).into(),
        }
    }
}

/// What keeps the printer from printing, in `t`'s words: paper out (or near its end), cover
/// open, and offline when nothing else explains it. The drawer's state is not the printer's.
pub fn status_words(st: &PrinterStatus, t: &crate::i18n::Texts) -> Vec<&'static str> {
    let mut w = Vec::new();
    if st.paper_out {
        w.push(t.st_paper_out);
    } else if st.paper_near_end {
        w.push(t.st_near_end);
    }
    if st.cover_open {
        w.push(t.st_cover_open);
    }
    if st.offline && w.is_empty() {
        w.push(t.st_offline);
    }
    w
}

crate::i18n::display_words!(Fault);

/// What the printer is doing, for the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterState {
    Ready,
    /// The printer cannot say (file printer, or no answer to DLE EOT): jobs are sent anyway.
    NoStatus,
    /// Paper out, cover open, offline: jobs wait.
    Problem(PrinterStatus),
    Unreachable(Fault),
}

/// What happened, for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterEvent {
    State(PrinterState),
    Printed(String),
    /// A job is waiting: its number (or what it is) and why.
    Waiting(String, Fault),
    DrawerOpened,
    /// The drawer did not open for this document (None: a test) and why.
    DrawerFailed(Option<String>, Fault),
    /// The spool is empty.
    Idle,
}

/// Everything the worker needs from `caja.toml` (`Config::printer_setup` builds it).
#[derive(Clone)]
pub struct PrinterSetup {
    pub endpoint: Result<Endpoint, String>,
    pub code_page: CodePage,
    pub columns: u16,
    pub pulse: Pulse,
    pub drawer_open_high: bool,
    pub shop: ShopLines,
    pub language: Language,
    pub retry: Duration,
    pub timeout: Duration,
}

/// Starts the worker over `store`, reporting to `events`; it ends when the command sender is
/// dropped.
pub fn spawn(
    store: Arc<Store>,
    setup: PrinterSetup,
    events: Sink<PrinterEvent>,
) -> Sender<PrinterCmd> {
    let (cmd_tx, cmd_rx) = channel();
    std::thread::spawn(move || {
        Worker {
            store,
            setup,
            events,
            state: None,
        }
        .run(&cmd_rx)
    });
    // Look at the spool at once: jobs may be waiting from before a restart.
    let _ = cmd_tx.send(PrinterCmd::Wake);
    cmd_tx
}

struct Worker {
    store: Arc<Store>,
    setup: PrinterSetup,
    events: Sink<PrinterEvent>,
    state: Option<PrinterState>,
}

impl Worker {
    fn run(mut self, cmds: &Receiver<PrinterCmd>) {
        let mut wait = None;
        loop {
            let cmd = match wait {
                None => cmds.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(d) => cmds.recv_timeout(d),
            };
            match cmd {
                Ok(PrinterCmd::OpenDrawer(number)) => self.drawer(number),
                Ok(PrinterCmd::TestPage) => self.test_page(),
                Ok(PrinterCmd::Print(r)) => self.print_now(&r),
                Ok(PrinterCmd::Wake) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = self.store.flush_printed();
                    return;
                }
            }
            wait = if self.print_all() {
                // Everything printed: sleep until woken. The printed marks ride on the next
                // document's write (see `Store::printer_idle`).
                let _ = self.store.printer_idle();
                self.say(PrinterEvent::Idle);
                None
            } else {
                Some(self.setup.retry)
            };
        }
    }

    fn say(&self, e: PrinterEvent) {
        self.events.send(e);
    }

    fn set_state(&mut self, s: PrinterState) {
        if self.state.as_ref() != Some(&s) {
            self.say(PrinterEvent::State(s.clone()));
            self.state = Some(s);
        }
    }

    fn open(&mut self) -> Option<Link> {
        let ep = match &self.setup.endpoint {
            Ok(ep) => ep.clone(),
            Err(e) => {
                self.set_state(PrinterState::Unreachable(Fault::Device(e.clone())));
                return None;
            }
        };
        match Link::open(&ep, self.setup.timeout) {
            Ok(l) => Some(l),
            Err(e) => {
                self.set_state(PrinterState::Unreachable(Fault::io(&e)));
                None
            }
        }
    }

    /// Prints every waiting job; true when the spool is empty.
    fn print_all(&mut self) -> bool {
        let jobs = match self.store.print_jobs() {
            Ok(j) => j,
            Err(e) => {
                self.set_state(PrinterState::Unreachable(Fault::Spool(e.to_string())));
                return false;
            }
        };
        let Some((first_id, first)) = jobs.first().cloned() else {
            return true;
        };
        let Some(mut link) = self.open() else {
            self.waiting(first_id, &first);
            return false;
        };
        let can_read = self.setup.endpoint.as_ref().is_ok_and(Endpoint::can_read);
        if can_read {
            match status::query(&mut link, self.setup.drawer_open_high) {
                Ok(Some(st)) if !st.ready() => {
                    self.set_state(PrinterState::Problem(st));
                    self.waiting(first_id, &first);
                    return false;
                }
                Ok(Some(_)) => self.set_state(PrinterState::Ready),
                Ok(None) => self.set_state(PrinterState::NoStatus),
                Err(e) => {
                    self.set_state(PrinterState::Unreachable(Fault::io(&e)));
                    self.waiting(first_id, &first);
                    return false;
                }
            }
        } else {
            self.set_state(PrinterState::NoStatus);
        }
        for (id, job) in jobs {
            let bytes = match self.bytes(&job) {
                Ok(b) => b,
                Err(e) => {
                    // A job that can never print (its document unreadable) must not block the rest.
                    let e = Fault::Document(e);
                    let _ = self.store.print_failed(id, &e.to_string());
                    self.say(PrinterEvent::Waiting(job.number.clone(), e));
                    self.store.print_done(id, &job);
                    continue;
                }
            };
            match link.send(&bytes) {
                Ok(()) => {
                    self.store.print_done(id, &job);
                    self.say(PrinterEvent::Printed(job.number));
                }
                Err(e) => {
                    self.set_state(PrinterState::Unreachable(Fault::io(&e)));
                    self.waiting(id, &job);
                    return false;
                }
            }
        }
        true
    }

    fn waiting(&mut self, id: u64, job: &PrintJob) {
        let why = match &self.state {
            Some(PrinterState::Problem(st)) => Fault::Status(*st),
            Some(PrinterState::Unreachable(e)) => e.clone(),
            _ => Fault::Waiting,
        };
        let _ = self.store.print_failed(id, &why.to_string());
        self.say(PrinterEvent::Waiting(job.number.clone(), why));
    }

    fn bytes(&self, job: &PrintJob) -> Result<Vec<u8>, String> {
        // The document, its customer and its points, from one read of the store.
        let view = self.store.view().map_err(|e| e.to_string())?;
        let d = view
            .doc(job.seq)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("document {} is missing", job.number))?;
        let info = self.store.info();
        let customer = match &d.doc.body {
            crate::domain::document::DocBody::Sale(s) => s.customer.as_ref().map(|key| {
                let name = view
                    .customer(key)
                    .ok()
                    .flatten()
                    .map(|c| c.customer.name)
                    .unwrap_or_default();
                let points = view
                    .points_of(job.seq, &d.doc.number)
                    .ok()
                    .flatten()
                    .map(|p| {
                        let balance = self.store.points_balance(key).unwrap_or(0);
                        (p.movement, balance)
                    });
                crate::receipt::CustomerLines {
                    key: key.clone(),
                    name,
                    points,
                }
            }),
            _ => None,
        };
        let mut r = Receipt::of(
            &d.doc,
            &info.name,
            &self.setup.shop,
            &info.currency,
            self.setup.columns,
            self.setup.language,
            customer.as_ref(),
        );
        if job.reprint {
            let copy = crate::i18n::words(self.setup.language).copy;
            r.lines.insert(
                0,
                Line {
                    text: copy.into(),
                    style: Style::Bold,
                    align: Align::Center,
                },
            );
        }
        match &self.setup.endpoint {
            Ok(Endpoint::File(_)) => Ok(r.to_text().into_bytes()),
            _ => encode(&r, self.setup.code_page, None),
        }
    }

    fn test_page(&mut self) {
        let bytes = match &self.setup.endpoint {
            Ok(Endpoint::File(_)) => {
                let title = self.test_page_title();
                Ok(super::escpos::test_page_text(self.setup.columns, &title).into_bytes())
            }
            _ => super::escpos::test_page(
                self.setup.code_page,
                self.setup.columns,
                &self.test_page_title(),
            ),
        };
        let what = crate::i18n::store_text(self.setup.language, Word::TestPage);
        self.send_now(what, bytes);
    }

    /// "caja: página de prueba (Pc858, 42 columnas)".
    fn test_page_title(&self) -> String {
        crate::i18n::fill(
            crate::i18n::store_text(self.setup.language, Word::TestPageTitle),
            &[
                ("code_page", &format!("{:?}", self.setup.code_page)),
                ("columns", &self.setup.columns.to_string()),
            ],
        )
    }

    fn print_now(&mut self, r: &Receipt) {
        let bytes = match &self.setup.endpoint {
            Ok(Endpoint::File(_)) => Ok(r.to_text().into_bytes()),
            _ => encode(r, self.setup.code_page, None),
        };
        let title = r
            .lines
            .first()
            .map_or("report", |l| l.text.as_str())
            .to_string();
        self.send_now(&title, bytes);
    }

    /// Sends bytes that are not a spooled document: printed now or reported as not printed.
    fn send_now(&mut self, what: &str, bytes: Result<Vec<u8>, String>) {
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => return self.say(PrinterEvent::Waiting(what.into(), Fault::Document(e))),
        };
        let Some(mut link) = self.open() else {
            let why = match &self.state {
                Some(PrinterState::Unreachable(e)) => e.clone(),
                _ => Fault::Unreachable,
            };
            return self.say(PrinterEvent::Waiting(what.into(), why));
        };
        match link.send(&bytes) {
            Ok(()) => self.say(PrinterEvent::Printed(what.into())),
            Err(e) => self.say(PrinterEvent::Waiting(what.into(), Fault::io(&e))),
        }
    }

    fn drawer(&mut self, number: Option<String>) {
        if matches!(self.setup.endpoint, Ok(Endpoint::File(_))) {
            self.say(PrinterEvent::DrawerFailed(number, Fault::NoDrawerOnFile));
            return;
        }
        let Some(mut link) = self.open() else {
            let why = match &self.state {
                Some(PrinterState::Unreachable(e)) => e.clone(),
                _ => Fault::Unreachable,
            };
            self.say(PrinterEvent::DrawerFailed(number, why));
            return;
        };
        match link.send(&self.setup.pulse.bytes()) {
            Ok(()) => self.say(PrinterEvent::DrawerOpened),
            Err(e) => self.say(PrinterEvent::DrawerFailed(number, Fault::io(&e))),
        }
    }
}
