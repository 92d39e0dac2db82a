//! The register's state and how keys change it. No terminal here: keys come in, state changes,
//! and the screens in `ui` draw from that state. Time comes from an injected clock.

mod backup;
mod cash;
mod close_day;
mod customers;
mod damaged;
mod diagnostics;
pub mod events;
mod forms;
pub mod keys;
mod menu;
mod opening;
mod payment;
mod recall;
mod refund;
mod report;
mod sale;
mod sales_journal;
mod shift_close;
mod sync_panel;
mod token;
mod users;

pub use cash::CashForm;
pub use close_day::{CloseDayState, StepStatus};
pub use customers::{CustomerForm, CustomerState};
pub use damaged::{DamagedState, report_lines};
pub use diagnostics::{DiagState, DiagView, masked_config};
pub use forms::{LoginForm, PinPopup, SETUP_FIELDS, SetupForm};
pub use opening::OpeningForm;
pub use payment::PaymentState;
pub use recall::RecallState;
pub use refund::RefundState;
pub use report::ReportView;
pub use sale::{OpenPrice, SearchState, Ticket};
pub use sales_journal::{JOURNAL_FIELDS, JournalState};
pub use shift_close::ShiftCloseState;
pub use sync_panel::{SyncPanelState, SyncStatus};
pub use token::TokenAnswerForm;
pub use users::UserForm;

use crate::config::{Config, Language};
use crate::devices::printer::{PrinterCmd, PrinterEvent, PrinterState};
use crate::domain::document::{Override, OverrideAction, RegisterReason, Stamp};
use crate::domain::money::Money;
use crate::i18n::{Texts, texts};
use crate::store::{DocHeader, Store, User};
use chrono::{DateTime, FixedOffset};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

/// The register's clock; tests pass a fixed one.
pub type Clock = Box<dyn Fn() -> DateTime<FixedOffset> + Send>;

/// The local clock.
pub fn system_clock() -> Clock {
    Box::new(|| chrono::Local::now().fixed_offset())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Ok,
    Warn,
    Error,
}

/// The line under the input that tells the cashier what just happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
    /// Said by the printer worker (a retry), which never hides what the cashier just did.
    pub from_printer: bool,
    /// How many times in a row it was said: shown once, with the count.
    pub repeat: u32,
}

impl Message {
    /// The text as the screen shows it: "… (×3)" when said three times in a row.
    pub fn shown(&self) -> std::borrow::Cow<'_, str> {
        if self.repeat > 1 {
            format!("{} (×{})", self.text, self.repeat).into()
        } else {
            self.text.as_str().into()
        }
    }
}

/// How long a message stays before news from the background may take its place.
pub const MESSAGE_MIN: std::time::Duration = std::time::Duration::from_secs(3);

/// The last sale committed, shown large until the next ticket starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastSale {
    pub number: String,
    pub total: Money,
    pub change: Money,
}

pub enum Screen {
    Setup(SetupForm),
    /// The store is damaged: nothing opened, a supervisor may rebuild.
    Damaged(DamagedState),
    /// The disk is read-only: nothing opened for writing; why, and a backup on B.
    ReadOnlyDisk(String),
    Login(LoginForm),
    Sale,
    Search(SearchState),
    Payment(PaymentState),
    Refund(RefundState),
    Recall(RecallState),
    Menu,
    Help,
    Diagnostics(DiagState),
    Opening(OpeningForm),
    ShiftClose(ShiftCloseState),
    Report(ReportView),
    CloseDay(CloseDayState),
    Journal(JournalState),
    SyncPanel(SyncPanelState),
    Customers(CustomerState),
}

pub use sale::parse_discount;

/// What a supervisor PIN unlocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Guarded {
    VoidLine(usize),
    Discount(sale::DiscountTarget, crate::domain::ticket::Discount),
    Menu,
    /// Opening a business date a supervisor must confirm (the store's first, out of sequence,
    /// or against the server's clock), with the shift's float.
    OpenDay(chrono::NaiveDate, Money, crate::domain::day::Why),
    /// Taking this register's code over on the sync server (a reinstalled register).
    TakeOver,
    /// Cancelling a ticket on which tenders were already taken.
    Cancel,
    /// Deleting a held ticket on which tenders were already taken.
    DeleteHeld(u64),
    /// Taking out more cash than the drawer should hold: direction, amount and reason typed.
    CashOut(String, String),
    /// A quantity over `[sale] max_weight` or `max_quantity` (a scale's "1.500" typed as kg).
    Quantity(Box<sale::LargeQuantity>),
}

pub enum Popup {
    ConfirmCancel,
    Discount(String),
    Pin(PinPopup),
    RefundReason(String),
    Unlock(String),
    Reprint(String),
    NoSale(String),
    Cash(CashForm),
    TokenAnswer(TokenAnswerForm),
    JournalExport(String),
    ResendDate(String),
    /// The date the open business date moves to (a supervisor's correction).
    CorrectDay(String),
    User(UserForm),
    OpenPrice(OpenPrice),
}

pub struct App {
    pub dir: PathBuf,
    pub store: Option<Arc<Store>>,
    pub config: Config,
    pub texts: &'static Texts,
    /// The loyalty rules of `[loyalty]` in the store's currency, read when the store opens and
    /// when `caja.toml` changes (see [`App::loyalty`]).
    loyalty: crate::domain::loyalty::Rules,
    pub clock: Clock,
    pub screen: Screen,
    pub popup: Option<Popup>,
    pub user: Option<User>,
    /// The supervisor who opened the F9 menu; refunds are recorded under this name.
    pub supervisor: Option<String>,
    pub ticket: Ticket,
    pub input: String,
    pub message: Option<Message>,
    pub last_sale: Option<LastSale>,
    pub outbox: u64,
    pub printer: Option<Sender<PrinterCmd>>,
    /// The customer display: (top line, bottom line).
    pub display: Option<Sender<(String, String)>>,
    pub printer_state: Option<PrinterState>,
    /// Ring the terminal bell on the next draw (unknown code).
    pub beep: bool,
    pub quit: bool,
    /// The last closed and the open business date.
    pub day: crate::store::day::DayState,
    /// The sync worker, when `[sync] url` is set.
    pub sync: Option<Sender<crate::sync::worker::SyncCmd>>,
    pub sync_status: SyncStatus,
    /// The number of the logged-in user's open shift.
    pub shift: Option<String>,
    /// Usage-token answers tried at this register (rate-limited).
    pub token_guard: crate::domain::token::TokenGuard,
    /// A backup runs on a thread; its result arrives as [`events::Job::Backup`].
    backup_running: bool,
    /// The diagnostics' runs of checks so far (each run's result names its run).
    check_runs: u64,
    /// The one event queue (see [`events`]).
    events: events::Queue,
    /// Answers to the command line's read requests while the register runs.
    sharing: Option<crate::store::share::Sharing>,
    /// News from the background waiting for the message line (see [`App::notice`]).
    pub queued: std::collections::VecDeque<Message>,
    /// When the message line last changed.
    shown_at: Option<std::time::Instant>,
    /// How long a message stays before queued news takes its place ([`MESSAGE_MIN`]).
    pub message_min: std::time::Duration,
    /// When a lone Esc was pressed, while it waits [`ESC_WAIT`] for a digit that makes it a
    /// function key (see [`App::on_key`]).
    pub esc_pending: Option<std::time::Instant>,
    /// The last key changed nothing but what the cashier is typing on the sale screen (the
    /// screen may redraw that line alone).
    pub input_only: bool,
}

impl App {
    /// The register over `dir`: first-run setup when there is no store yet, else login.
    pub fn new(dir: PathBuf, store: Option<Store>, config: Config, clock: Clock) -> App {
        let store = store.map(Arc::new);
        let screen = if store.is_some() {
            Screen::Login(LoginForm::default())
        } else {
            Screen::Setup(SetupForm::new(config.language))
        };
        let mut app = App {
            dir,
            store,
            texts: texts(config.language),
            loyalty: Default::default(),
            config,
            clock,
            screen,
            popup: None,
            user: None,
            supervisor: None,
            ticket: Ticket::default(),
            input: String::new(),
            message: None,
            last_sale: None,
            outbox: 0,
            printer: None,
            display: None,
            printer_state: None,
            beep: false,
            quit: false,
            day: Default::default(),
            shift: None,
            sync: None,
            sync_status: SyncStatus::default(),
            token_guard: Default::default(),
            backup_running: false,
            check_runs: 0,
            events: events::Queue::default(),
            sharing: None,
            queued: Default::default(),
            shown_at: None,
            message_min: MESSAGE_MIN,
            esc_pending: None,
            input_only: false,
        };
        app.refresh_outbox();
        app.refresh_day();
        app.read_loyalty();
        app
    }

    /// `caja.toml` changed on disk: a valid edit takes effect now (what the workers were
    /// started with, at the next start, and the screen says which); an invalid one is refused
    /// with its error, and the settings in use stay.
    pub fn config_changed(&mut self, loaded: Result<Config, crate::config::ConfigError>) {
        match loaded {
            Ok(new) if new == self.config => {}
            // Amounts the store's currency cannot read: refused like any invalid setting.
            Ok(new) if let Err(e) = self.loyalty_of(&new) => {
                tracing::warn!("caja.toml not reloaded: {e}");
                let why = e.words(self.config.language);
                let t = crate::i18n::fill(self.texts.config_invalid, &[("why", &why)]);
                self.notice(Level::Error, t);
            }
            Ok(new) => {
                let restart = new.printer != self.config.printer
                    || new.drawer != self.config.drawer
                    || new.display != self.config.display
                    || new.sync != self.config.sync
                    || new.theme != self.config.theme;
                tracing::info!(restart, "caja.toml reloaded");
                let lang = new.language;
                self.config = new;
                self.set_language(lang);
                self.read_loyalty();
                let t = self.texts;
                self.notice(
                    Level::Info,
                    if restart {
                        t.config_reloaded_restart
                    } else {
                        t.config_reloaded
                    },
                );
            }
            Err(e) => {
                tracing::warn!("caja.toml not reloaded: {e}");
                let why = e.words(self.config.language);
                let t = crate::i18n::fill(self.texts.config_invalid, &[("why", &why)]);
                self.notice(Level::Error, t);
            }
        }
    }

    pub fn set_language(&mut self, lang: Language) {
        self.config.language = lang;
        self.texts = texts(lang);
    }

    pub fn now(&self) -> DateTime<FixedOffset> {
        (self.clock)()
    }

    /// Who commits a document now.
    pub fn header(&self) -> DocHeader {
        let now = self.now();
        DocHeader {
            // The open business date, not the wall clock: a day runs until its close.
            business_date: self.day.open.unwrap_or(now.date_naive()),
            at: Stamp::from_datetime(now),
            cashier: self
                .user
                .as_ref()
                .map(|u| u.name.clone())
                .unwrap_or_default(),
        }
    }

    /// Says the result of what the user just did: it takes the message line at once (the same
    /// words again only count up).
    pub fn info(&mut self, level: Level, text: impl Into<String>) {
        let text = text.into();
        self.shown_at = Some(std::time::Instant::now());
        if let Some(m) = &mut self.message
            && m.text == text
            && m.level == level
        {
            m.repeat = m.repeat.saturating_add(1);
            return;
        }
        self.message = Some(Message {
            level,
            text,
            from_printer: false,
            repeat: 1,
        });
    }

    /// Says news from the background (the drawer, the store's check, caja.toml, the display):
    /// it waits its turn behind a message shown less than [`MESSAGE_MIN`] ago, so that nothing
    /// vanishes before it can be read; the same news again only counts up.
    pub fn notice(&mut self, level: Level, text: impl Into<String>) {
        let text = text.into();
        let fresh = self
            .shown_at
            .is_some_and(|at| at.elapsed() < self.message_min);
        match &mut self.message {
            Some(m) if m.text == text => m.repeat = m.repeat.saturating_add(1),
            Some(_) if fresh => {
                if let Some(q) = self.queued.iter_mut().find(|q| q.text == text) {
                    q.repeat = q.repeat.saturating_add(1);
                } else {
                    if self.queued.len() >= 8 {
                        self.queued.pop_front();
                    }
                    self.queued.push_back(Message {
                        level,
                        text,
                        from_printer: false,
                        repeat: 1,
                    });
                }
            }
            _ => self.info(level, text),
        }
    }

    /// Brings the next queued news to the message line once the current one has been up long
    /// enough. True when the screen changed.
    pub fn tick(&mut self) -> bool {
        if self.esc_pending.is_some_and(|at| at.elapsed() >= ESC_WAIT) {
            self.expire_esc();
            return true;
        }
        let due = self
            .shown_at
            .is_none_or(|at| at.elapsed() >= self.message_min);
        if !due {
            return false;
        }
        match self.queued.pop_front() {
            Some(m) => {
                self.message = Some(m);
                self.shown_at = Some(std::time::Instant::now());
                true
            }
            None => false,
        }
    }

    /// Says why the store refused. A typing mistake (an unknown number, a closed date, a
    /// refund too large) reads as one, in the register's language; only a real storage fault
    /// is called a storage error.
    pub fn store_error(&mut self, e: impl std::fmt::Display + 'static) {
        if let Some(text) = (&e as &dyn std::any::Any)
            .downcast_ref::<crate::store::StoreError>()
            .and_then(|se| self.user_mistake(se))
        {
            tracing::info!(error = %e, "refused");
            return self.info(Level::Error, text);
        }
        tracing::error!(error = %e, "store");
        // The disk (full, read-only): said as it is, with what to do, not as a store fault.
        if let Some(d @ crate::store::StoreError::Disk(_)) =
            (&e as &dyn std::any::Any).downcast_ref::<crate::store::StoreError>()
        {
            return self.info(Level::Error, self.store_words(d));
        }
        let why = (&e as &dyn std::any::Any)
            .downcast_ref::<crate::store::StoreError>()
            .map_or_else(|| e.to_string(), |se| self.store_words(se));
        let t = crate::i18n::fill(self.texts.store_error, &[("why", &why)]);
        self.info(Level::Error, t);
    }

    /// A store error in the register's language.
    pub fn store_words(&self, e: &crate::store::StoreError) -> String {
        e.words(self.config.language, self.currency())
    }

    /// The words for a refusal that is the user's to fix, or None for a storage fault.
    fn user_mistake(&self, e: &crate::store::StoreError) -> Option<String> {
        e.refusal_words(self.config.language, self.currency())
    }

    /// The shop's currency, once the store is open.
    fn currency(&self) -> Option<&crate::domain::money::Currency> {
        self.store.as_ref().map(|s| &s.info().currency)
    }

    /// A domain error (an amount, a quantity, a tender, a discount, a document) in the
    /// register's language; anything else as it says itself.
    pub fn error_words(&self, e: &(dyn std::error::Error + 'static)) -> String {
        crate::i18n::domain_words(e, self.texts, self.currency()).unwrap_or_else(|| e.to_string())
    }

    /// Shows a domain error in the register's language.
    pub fn say_error<E: std::error::Error + 'static>(&mut self, e: E) {
        let words = self.error_words(&e);
        self.info(Level::Error, words);
    }

    pub(super) fn refresh_outbox(&mut self) {
        if let Some(s) = &self.store {
            self.outbox = s.view().and_then(|v| v.outbox_len()).unwrap_or(self.outbox);
        }
    }

    /// Something happened at the printer.
    pub fn on_printer(&mut self, ev: PrinterEvent) {
        let t = self.texts;
        match ev {
            PrinterEvent::State(s) => {
                tracing::info!(state = ?s, "printer");
                self.printer_state = Some(s);
            }
            PrinterEvent::Printed(_) | PrinterEvent::Idle => {}
            PrinterEvent::Waiting(number, why) => {
                tracing::warn!(%number, %why, "receipt waiting");
                // The header already shows the printer's trouble: a retry says so again only
                // over an earlier printer message, never over what the cashier just did.
                let why = why.words(self.config.language);
                let text =
                    crate::i18n::fill(t.printer_failed, &[("number", &number), ("why", &why)]);
                match &mut self.message {
                    Some(m) if m.from_printer && m.text == text => {
                        m.repeat = m.repeat.saturating_add(1);
                    }
                    Some(m) if !m.from_printer => {}
                    _ => {
                        self.message = Some(Message {
                            level: Level::Warn,
                            text,
                            from_printer: true,
                            repeat: 1,
                        });
                    }
                }
            }
            PrinterEvent::DrawerOpened => {}
            // Named by the document whose cash it was to take: the kick is sent only after a
            // commit, and a failure that arrives later must not read as the next ticket's.
            PrinterEvent::DrawerFailed(number, why) => {
                let why = why.words(self.config.language);
                let text = match number {
                    Some(n) => {
                        crate::i18n::fill(t.drawer_failed_for, &[("number", &n), ("why", &why)])
                    }
                    None => crate::i18n::fill(t.drawer_failed, &[("why", &why)]),
                };
                self.notice(Level::Warn, text);
            }
        }
    }

    /// Shows two lines on the customer display, if there is one.
    pub fn show(&self, top: String, bottom: String) {
        if let Some(d) = &self.display {
            let _ = d.send((top, bottom));
        }
    }

    /// Tells the printer worker something; a register without one (tests) just skips it.
    pub fn printer_cmd(&mut self, cmd: PrinterCmd) {
        if let Some(tx) = &self.printer {
            let _ = tx.send(cmd);
        }
    }

    /// Records who authorized what, inside the document it allows.
    fn override_by(
        &self,
        supervisor: &str,
        action: OverrideAction,
        reason: RegisterReason,
    ) -> Override {
        Override {
            action,
            supervisor: supervisor.into(),
            reason: reason.text().into(),
        }
    }

    /// Handles one key. Returns true when the screen must be redrawn.
    pub fn on_key(&mut self, key: KeyEvent) -> bool {
        self.input_only = false;
        if key.kind == KeyEventKind::Release {
            return false;
        }
        // Terminals without function keys (a vt100, a phone's SSH client), the Midnight
        // Commander way: Esc then 1..9 is F1..F9, Esc 0 F10, Esc - F11 and Esc = F12. Typed
        // quickly (or as Alt+digit) the pair arrives as one Alt key; typed slowly, the Esc
        // waits up to ESC_WAIT for its digit and acts alone when that passes (or at once on a
        // second Esc).
        if let KeyCode::Char(c) = key.code
            && let Some(f) = keys::function_key_of_digit(c)
        {
            let waiting = self.esc_pending.is_some_and(|at| at.elapsed() < ESC_WAIT);
            if key.modifiers.contains(KeyModifiers::ALT) || waiting && key.modifiers.is_empty() {
                self.esc_pending = None;
                return self.act(KeyEvent::new(f, KeyModifiers::NONE));
            }
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            // Ctrl-C never kills a register mid-ticket: it behaves like Esc, at once.
            self.esc_pending = None;
            return self.act(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        }
        if key.code == KeyCode::Esc && key.modifiers.is_empty() {
            if self.esc_pending.take().is_some() {
                return self.act(key);
            }
            self.esc_pending = Some(std::time::Instant::now());
            return true;
        }
        // Any other key: a waiting Esc acts first, as the key it was.
        let expired = self.expire_esc();
        let changed = self.act(key);
        if expired {
            self.input_only = false;
        }
        changed || expired
    }

    /// A waiting lone Esc acts now (its second has passed, or another key came). True when
    /// there was one.
    pub fn expire_esc(&mut self) -> bool {
        match self.esc_pending.take() {
            Some(_) => self.act(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            None => false,
        }
    }

    /// One key, after the Esc-digit translation.
    fn act(&mut self, key: KeyEvent) -> bool {
        if self.popup.is_some() {
            self.popup_key(key);
            return true;
        }
        // A list or a box over the sale hands its state to its handler, which puts it back to
        // stay (leaving the sale on screen otherwise); the other screens are edited in place.
        match std::mem::replace(&mut self.screen, Screen::Sale) {
            Screen::Search(s) => self.search_key(s, key),
            Screen::Customers(s) => self.customers_key(s, key),
            Screen::Payment(p) => self.payment_key(p, key),
            Screen::Refund(r) => self.refund_key(r, key),
            Screen::Recall(r) => self.recall_key(r, key),
            Screen::Diagnostics(d) => self.diag_key(d, key),
            Screen::Journal(st) => self.journal_key(st, key),
            // Any key closes the help.
            Screen::Help => {}
            Screen::Sale => self.sale_key(key),
            in_place => {
                self.screen = in_place;
                self.in_place_key(key);
            }
        }
        true
    }

    /// A key on a screen whose handler edits its state where it stands.
    fn in_place_key(&mut self, key: KeyEvent) {
        match &self.screen {
            Screen::Setup(_) => self.setup_key(key),
            Screen::Damaged(_) => self.damaged_key(key),
            Screen::ReadOnlyDisk(_) => self.read_only_key(key),
            Screen::Login(_) => self.login_key(key),
            Screen::Menu => self.menu_key(key),
            Screen::Opening(_) => self.opening_key(key),
            Screen::ShiftClose(_) => self.shift_close_key(key),
            Screen::Report(_) => self.report_key(key),
            Screen::CloseDay(_) => self.close_day_key(key),
            Screen::SyncPanel(_) => self.sync_panel_key(key),
            Screen::Sale
            | Screen::Help
            | Screen::Search(_)
            | Screen::Customers(_)
            | Screen::Payment(_)
            | Screen::Refund(_)
            | Screen::Recall(_)
            | Screen::Diagnostics(_)
            | Screen::Journal(_) => {}
        }
    }

    fn popup_key(&mut self, key: KeyEvent) {
        let Some(popup) = self.popup.take() else {
            return;
        };
        match popup {
            Popup::ConfirmCancel => {
                if key.code == KeyCode::Enter {
                    self.cancel_ticket(None);
                }
            }
            Popup::Pin(p) => self.pin_key(p, key),
            Popup::Discount(s) => self.text_popup(s, key, Popup::Discount, false, |app, s| {
                app.apply_discount_input(s)
            }),
            Popup::RefundReason(s) => {
                self.text_popup(s, key, Popup::RefundReason, true, |app, s| {
                    app.commit_refund(s)
                })
            }
            Popup::Unlock(s) => {
                self.text_popup(s, key, Popup::Unlock, false, |app, s| app.unlock(s))
            }
            Popup::Reprint(s) => {
                self.text_popup(s, key, Popup::Reprint, false, |app, s| app.reprint(s))
            }
            Popup::NoSale(s) => {
                self.text_popup(s, key, Popup::NoSale, true, |app, s| app.no_sale(s))
            }
            Popup::Cash(f) => self.cash_key(f, key),
            Popup::User(f) => self.user_form_key(f, key),
            Popup::OpenPrice(f) => self.open_price_key(f, key),
            Popup::TokenAnswer(f) => self.token_answer_key(f, key),
            Popup::ResendDate(s) => {
                self.text_popup(s, key, Popup::ResendDate, true, |app, s| app.resend(s))
            }
            Popup::CorrectDay(s) => {
                self.text_popup(s, key, Popup::CorrectDay, true, |app, s| app.correct_day(s))
            }
            Popup::JournalExport(s) => {
                self.text_popup(s, key, Popup::JournalExport, true, |app, s| {
                    app.export_journal(s)
                })
            }
        }
    }

    /// A popup with one text field: Enter does `done` (only with text, if `needs_text`), Esc
    /// closes it, any other key edits the field.
    fn text_popup(
        &mut self,
        mut s: String,
        key: KeyEvent,
        wrap: fn(String) -> Popup,
        needs_text: bool,
        done: fn(&mut App, &str),
    ) {
        match key.code {
            KeyCode::Enter if !needs_text || !s.trim().is_empty() => done(self, &s),
            KeyCode::Esc => {}
            _ => {
                edit(&mut s, key);
                self.popup = Some(wrap(s));
            }
        }
    }

    /// The loyalty rules in use.
    pub fn loyalty(&self) -> &crate::domain::loyalty::Rules {
        &self.loyalty
    }

    /// The loyalty rules `config` gives in the store's currency (none without a store).
    fn loyalty_of(
        &self,
        config: &Config,
    ) -> Result<crate::domain::loyalty::Rules, crate::config::ConfigProblem> {
        match &self.store {
            Some(store) => config.loyalty.rules(&store.info().currency),
            None => Ok(Default::default()),
        }
    }

    /// Reads the loyalty rules of the settings in use. Amounts the store's currency cannot read
    /// leave loyalty off, and the screen says which setting and why (they are amounts as the
    /// shop writes them, so only the store, not `caja.toml` alone, can read them).
    pub(crate) fn read_loyalty(&mut self) {
        match self.loyalty_of(&self.config) {
            Ok(r) => self.loyalty = r,
            Err(e) => {
                tracing::warn!(error = %e, "loyalty rules ignored");
                self.loyalty = Default::default();
                let why = e.words(self.config.language);
                let t = crate::i18n::fill(self.texts.loyalty_off, &[("why", &why)]);
                self.notice(Level::Error, t);
            }
        }
    }

    /// Asks for a supervisor PIN before `action`.
    pub fn guard(&mut self, action: Guarded) {
        self.popup = Some(Popup::Pin(PinPopup::new(action)));
    }

    /// A supervisor authorized `action`.
    fn authorized(&mut self, supervisor: &str, action: Guarded) {
        match action {
            Guarded::VoidLine(i) => {
                let ov = self.override_by(
                    supervisor,
                    OverrideAction::VoidLine,
                    RegisterReason::AfterPaymentStarted,
                );
                self.void_line(i, Some(ov));
            }
            Guarded::Cancel => {
                let ov = self.override_by(
                    supervisor,
                    OverrideAction::Cancel,
                    RegisterReason::TendersGivenBack,
                );
                self.cancel_ticket(Some(ov));
            }
            Guarded::DeleteHeld(id) => {
                let ov = self.override_by(
                    supervisor,
                    OverrideAction::Cancel,
                    RegisterReason::HeldTicketDeleted,
                );
                self.delete_held(id, Some(ov));
            }
            Guarded::CashOut(amount, reason) => {
                let ov = self.override_by(
                    supervisor,
                    OverrideAction::CashOutOver,
                    RegisterReason::OverDrawer,
                );
                let f = CashForm {
                    direction: crate::domain::document::CashDirection::Out,
                    amount,
                    reason,
                    on_reason: true,
                };
                self.commit_cash(&f, Some(ov));
            }
            Guarded::Discount(target, d) => {
                let ov = self.override_by(
                    supervisor,
                    OverrideAction::Discount,
                    RegisterReason::OverLimit,
                );
                if self.set_discount(target, d) {
                    self.ticket.overrides.push(ov);
                }
            }
            Guarded::Menu => {
                self.supervisor = Some(supervisor.to_string());
                self.screen = Screen::Menu;
            }
            Guarded::OpenDay(date, float, why) => {
                let ov = self.override_by(supervisor, OverrideAction::OpenDay, why.reason());
                self.open_shift(date, true, float, vec![ov]);
            }
            Guarded::Quantity(q) => {
                let ov = self.override_by(
                    supervisor,
                    OverrideAction::Quantity,
                    RegisterReason::OverLimit,
                );
                self.put_line(&q.product, q.qty, q.unit_price, Some(ov));
            }
            Guarded::TakeOver => {
                tracing::warn!(supervisor, "register code take-over requested");
                self.sync_cmd(crate::sync::worker::SyncCmd::TakeOver);
            }
        }
    }
}

/// Applies a key to a one-line text field. Returns true when the key was used.
pub fn edit(s: &mut String, key: KeyEvent) -> bool {
    match key.code {
        KeyCode::Char(c) if !c.is_control() && s.chars().count() < 64 => {
            s.push(c);
            true
        }
        KeyCode::Backspace => {
            s.pop();
            true
        }
        _ => false,
    }
}

/// How long a lone Esc waits for the digit that makes it a function key.
pub const ESC_WAIT: std::time::Duration = std::time::Duration::from_secs(1);
