//! The register's one event queue. Everything that happens to the register arrives here as an
//! [`Event`]: what the terminal read, the printer's news, the sync's progress, the live check
//! of the store, the customer display's failures, and the supervisor's and technician's jobs.
//! Every worker reports through a clone of the same sender (wrapped in a [`Sink`] of its own
//! events), so the terminal loop waits on this queue alone and wakes the moment anything
//! arrives. [`App::start_workers`] starts them as production runs them, so a test that calls
//! it gets the same wiring.

use super::{App, Level, Screen, StepStatus};
use crate::devices::printer::{self, PrinterEvent};
use crate::doctor::Finding;
use crate::i18n::fill;
use crate::sink::Sink;
use crate::store::check::Problem;
use crate::sync::worker::SyncEvent;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// One thing that happened.
pub enum Event {
    /// What the terminal read (a key, a resize), or why it could not.
    Terminal(std::io::Result<ratatui::crossterm::event::Event>),
    Printer(PrinterEvent),
    Sync(SyncEvent),
    /// The live check of the store against its journal is done.
    Checked(Vec<Problem>),
    /// The customer display failed (once per new kind of failure).
    Display(String),
    /// A job started from a screen reported.
    Job(Job),
}

/// What a job started from a screen reports.
pub enum Job {
    /// A backup (the menu's, or the read-only disk's) is over.
    Backup(StepStatus),
    /// The diagnostics' checks of run `run` are done.
    Checks { run: u64, findings: Vec<Finding> },
    /// A step of the close of day changed.
    CloseDay(usize, StepStatus),
    /// The close of day's worker ended.
    CloseDayEnded,
}

/// The queue: every worker holds a sender; the terminal loop (or a test) receives.
pub struct Queue {
    tx: Sender<Event>,
    rx: Receiver<Event>,
}

impl Default for Queue {
    fn default() -> Queue {
        let (tx, rx) = channel();
        Queue { tx, rx }
    }
}

impl Queue {
    /// A sender for one more worker.
    pub fn sender(&self) -> Sender<Event> {
        self.tx.clone()
    }

    /// A sink of `T` for a worker, each `T` wrapped by `wrap`.
    pub fn sink<T: Send + 'static>(&self, wrap: fn(T) -> Event) -> Sink<T> {
        Sink::wrapping(self.tx.clone(), wrap)
    }
}

impl App {
    /// A sender into the register's queue (the terminal's reader thread takes one).
    pub fn queue(&self) -> Sender<Event> {
        self.events.sender()
    }

    /// The next event, waiting at most `wait`; None when nothing came.
    pub fn next_event(&self, wait: Duration) -> Option<Event> {
        // The app holds a sender itself, so the queue never disconnects: an error is a timeout.
        self.events.rx.recv_timeout(wait).ok()
    }

    /// An event already waiting, if any.
    pub fn waiting_event(&self) -> Option<Event> {
        self.events.rx.try_recv().ok()
    }

    /// Handles every event already waiting but the terminal's (which the terminal loop
    /// handles); true when the screen changed.
    pub fn settle(&mut self) -> bool {
        let mut changed = false;
        while let Some(ev) = self.waiting_event() {
            changed |= self.handle(ev);
        }
        changed
    }

    /// Handles one event; true when the screen changed. The terminal's own events are the
    /// terminal loop's (it knows the screen's size); here they change nothing.
    pub fn handle(&mut self, ev: Event) -> bool {
        match ev {
            Event::Terminal(_) => false,
            Event::Printer(e) => {
                self.on_printer(e);
                true
            }
            Event::Sync(e) => {
                self.on_sync(e);
                true
            }
            Event::Checked(found) => {
                self.on_verified(found);
                true
            }
            Event::Display(e) => {
                let text = fill(self.texts.display_failed, &[("why", &e)]);
                self.notice(Level::Warn, text);
                true
            }
            Event::Job(job) => self.on_job(job),
        }
    }

    fn on_job(&mut self, job: Job) -> bool {
        match job {
            Job::Backup(s) => {
                self.backup_running = false;
                match s {
                    StepStatus::Ok(d) => {
                        self.info(Level::Ok, fill(self.texts.backup_done, &[("detail", &d)]))
                    }
                    StepStatus::Warn(d) => self.info(Level::Warn, d),
                    StepStatus::Fail(d) => {
                        self.info(Level::Error, fill(self.texts.backup_failed, &[("why", &d)]))
                    }
                    _ => {}
                }
                true
            }
            Job::Checks { run, findings } => match &mut self.screen {
                // A result of checks started on an earlier visit is not this screen's.
                Screen::Diagnostics(d) if d.run == run => {
                    d.findings = findings;
                    d.running = false;
                    true
                }
                _ => false,
            },
            Job::CloseDay(i, s) => self.close_day_step(i, s),
            Job::CloseDayEnded => self.close_day_ended(),
        }
    }

    /// True while a job runs in the background.
    pub fn background_busy(&self) -> bool {
        matches!(&self.screen, Screen::Diagnostics(d) if d.running) || self.supervisor_busy()
    }

    pub(super) fn supervisor_busy(&self) -> bool {
        self.backup_running || matches!(&self.screen, Screen::CloseDay(st) if st.running)
    }

    /// Starts the workers once there is a store (after a first-run setup too): the printer,
    /// the answers to the command line's read requests, the live check of the store, the sync
    /// (when `[sync] url` is set) and the customer display (when `[display] device` is).
    /// Each reports into the queue. Calling it again does nothing.
    pub fn start_workers(&mut self) {
        let Some(store) = self.store.clone() else {
            return;
        };
        if self.printer.is_some() {
            return;
        }
        let setup = self.config.printer_setup(&self.dir);
        self.printer = Some(printer::spawn(
            store.clone(),
            setup,
            self.events.sink(Event::Printer),
        ));
        // Other processes (`caja catalog export`, `caja backup`) ask the register for what
        // only the store holds; the answering ends with the app.
        self.sharing = crate::store::share::serve(store.clone(), &self.dir, self.config.language)
            .map_err(|e| tracing::warn!("read requests will not be answered: {e}"))
            .ok();
        // The register checks its store against the journal while it sells, at the lowest
        // priority: damage found stops documents and is offered for rebuild at the next start.
        let checked = self.events.sink(Event::Checked);
        let s = store.clone();
        let _ = std::thread::Builder::new()
            .name("verify".into())
            .spawn(move || {
                let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19);
                let found = s
                    .verify_live()
                    .unwrap_or_else(|e| vec![Problem::Unreadable(e.to_string())]);
                checked.send(found);
            });
        self.sync = crate::sync::worker::start(
            store,
            self.config.sync.clone(),
            self.events.sink(Event::Sync),
        );
        self.start_display();
    }

    fn start_display(&mut self) {
        use crate::devices::display;
        use crate::devices::transport::Endpoint;
        if self.config.display.device.is_empty() {
            return;
        }
        let Ok(ep) = Endpoint::parse(&self.config.display.device, &self.dir) else {
            return;
        };
        self.display = Some(display::spawn(
            ep,
            self.config.display.protocol,
            self.events.sink(Event::Display),
        ));
    }
}
