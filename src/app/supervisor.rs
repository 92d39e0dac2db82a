//! The supervisor's day at the register: opening a shift (and the business date) with a counted
//! float, cash in and out, closing a shift with a blind count, the X report, the close of day
//! (Z and the routine around it), the journal screen, backups from the menu, and usage tokens.

use super::{App, Guarded, Level, LoginForm, Popup, Screen, edit};
use crate::devices::printer::PrinterCmd;
use crate::domain::day::{DayRule, propose};
use crate::domain::document::{CashDirection, CashMoveBody, DocBody, Override};
use crate::domain::money::Money;
use crate::domain::numbering::DocKind;
use crate::domain::report::Report;
use crate::domain::tender::TenderKind;
use crate::domain::user::Permission;
use crate::journal::{JournalFilter, JournalRow};
use crate::receipt::{Align, Line, Receipt, Style, report_lines, two, x_title};
use crate::store::day::OpenShift;
use crate::store::{DocHeader, Store};
use crate::ui::i18n::{Texts, fill};
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// Opening a shift: the float, and the business date it opens when none is open.
pub struct OpeningForm {
    pub float: String,
    pub date: NaiveDate,
    /// The date must be opened with this shift.
    pub opens_day: bool,
    pub needs_supervisor: bool,
    pub closed_through: Option<NaiveDate>,
}

/// A user added or changed from the supervisor menu: name, role letter, PIN.
#[derive(Default)]
pub struct UserForm {
    pub name: String,
    /// `c` cashier, `s` supervisor, `t` technician; empty keeps an existing user's role.
    pub role: String,
    pub pin: String,
    pub focus: usize,
}

/// Cash in or out: amount, then reason.
pub struct CashForm {
    pub direction: CashDirection,
    pub amount: String,
    pub reason: String,
    pub on_reason: bool,
}

/// Closing a shift: pick it, type the cash counted, then see the result.
pub struct ShiftCloseState {
    pub shifts: Vec<OpenShift>,
    pub selected: usize,
    pub counted: String,
}

/// A report on screen (X, a closed shift), scrollable and printable.
pub struct ReportView {
    /// The report and its heading: laid out here for the screen, and again at the printer's
    /// width when printed.
    pub report: Report,
    pub heading: String,
    pub lines: Vec<Line>,
    pub scroll: usize,
    /// Where Esc goes: back to the sale screen, or to login (the user's shift just closed).
    pub then_login: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Pending,
    Running,
    Ok(String),
    Warn(String),
    Fail(String),
}

/// The close-of-day routine, a step at a time on a worker thread.
pub struct CloseDayState {
    pub date: Option<NaiveDate>,
    pub steps: Vec<(&'static str, StepStatus)>,
    pub running: bool,
    /// The Z closing's number, once committed: a retry then starts after it.
    pub closed: Option<String>,
    events: Option<Receiver<(usize, StepStatus)>>,
}

pub const JOURNAL_FIELDS: usize = 6;

/// The journal screen: filters, then rows and totals.
pub struct JournalState {
    /// From, to, register, cashier, type, tender.
    pub fields: [String; JOURNAL_FIELDS],
    pub focus: usize,
    pub rows: Vec<JournalRow>,
    pub count: u64,
    pub total: Money,
    pub tenders: [Money; 4],
    pub scroll: usize,
    pub truncated: bool,
}

/// Answering another register's usage-token challenge.
pub struct TokenAnswerForm {
    pub register: String,
    pub code: String,
    pub on_code: bool,
    pub result: Option<String>,
}

/// The most journal rows kept for the screen; totals count every row.
const JOURNAL_SCREEN_ROWS: usize = 2000;

const STEP_SHIFTS: usize = 0;
const STEP_HELD: usize = 1;
const STEP_Z: usize = 2;
const STEP_SYNC: usize = 3;
const STEP_BACKUP: usize = 4;
const STEP_CHECK: usize = 5;

fn steps(t: &Texts) -> Vec<(&'static str, StepStatus)> {
    [
        t.step_shifts,
        t.step_held,
        t.step_z,
        t.step_sync,
        t.step_backup,
        t.step_check,
    ]
    .into_iter()
    .map(|s| (s, StepStatus::Pending))
    .collect()
}

/// What the close-of-day worker needs.
struct CloseJob {
    store: Arc<Store>,
    texts: &'static Texts,
    header: DocHeader,
    supervisor: String,
    sync_configured: bool,
    backup_dir: String,
    keep: usize,
    at: chrono::DateTime<chrono::FixedOffset>,
    skip_z: bool,
}

impl CloseJob {
    fn run(self, tx: &Sender<(usize, StepStatus)>) {
        let t = self.texts;
        let say = |i: usize, s: StepStatus| {
            let _ = tx.send((i, s));
        };
        let failed =
            |e: &dyn std::fmt::Display| StepStatus::Fail(fill(t.step_failed, &[&e.to_string()]));
        if !self.skip_z {
            say(STEP_SHIFTS, StepStatus::Running);
            match self.store.open_shifts() {
                Ok(open) if open.is_empty() => say(STEP_SHIFTS, StepStatus::Ok(t.step_ok.into())),
                Ok(open) => {
                    let names: Vec<&str> = open.iter().map(|s| s.cashier.as_str()).collect();
                    return say(
                        STEP_SHIFTS,
                        StepStatus::Fail(fill(t.step_shifts_open, &[&names.join(", ")])),
                    );
                }
                Err(e) => return say(STEP_SHIFTS, failed(&e)),
            }
            say(STEP_HELD, StepStatus::Running);
            match self.store.held() {
                Ok(h) if h.is_empty() => say(STEP_HELD, StepStatus::Ok(t.step_ok.into())),
                Ok(h) => {
                    return say(
                        STEP_HELD,
                        StepStatus::Fail(fill(t.step_held_some, &[&h.len().to_string()])),
                    );
                }
                Err(e) => return say(STEP_HELD, failed(&e)),
            }
            say(STEP_Z, StepStatus::Running);
            let ov = Override {
                action: "close_day".into(),
                supervisor: self.supervisor.clone(),
                reason: "close of day".into(),
            };
            match self.store.close_day(&self.header, vec![ov]) {
                Ok((c, _)) => {
                    tracing::info!(number = %c.number, "business date closed");
                    say(STEP_Z, StepStatus::Ok(c.number));
                }
                Err(e) => return say(STEP_Z, failed(&e)),
            }
        }
        say(STEP_SYNC, StepStatus::Running);
        let waiting = self.store.outbox_len().unwrap_or(0).to_string();
        say(
            STEP_SYNC,
            if !self.sync_configured {
                StepStatus::Warn(fill(t.step_sync_off, &[&waiting]))
            } else if waiting != "0" {
                StepStatus::Warn(fill(t.step_sync_waiting, &[&waiting]))
            } else {
                StepStatus::Ok(t.step_ok.into())
            },
        );
        say(STEP_BACKUP, StepStatus::Running);
        say(
            STEP_BACKUP,
            backup_step(&self.store, t, &self.backup_dir, self.keep, self.at),
        );
        say(STEP_CHECK, StepStatus::Running);
        say(
            STEP_CHECK,
            match self.store.verify() {
                Ok(r) if r.ok() => {
                    StepStatus::Ok(fill(t.step_check_ok, &[&r.documents.to_string()]))
                }
                Ok(r) => failed(&r.problems.join("; ")),
                Err(e) => failed(&e),
            },
        );
    }
}

/// Takes a backup to the configured directory; the step's result in words.
fn backup_step(
    store: &Store,
    t: &Texts,
    dir: &str,
    keep: usize,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> StepStatus {
    if dir.trim().is_empty() {
        return StepStatus::Warn(t.step_backup_off.into());
    }
    let path = PathBuf::from(dir.trim());
    // A USB stick that is not mounted leaves an empty mount point or none at all: refuse to
    // fill the thin client's own disk instead.
    if !path.is_dir() {
        return StepStatus::Fail(fill(t.step_backup_missing, &[dir]));
    }
    match store.backup_to(&path, at, keep) {
        Ok(done) => {
            tracing::info!(path = %done.path.display(), "backup");
            let name = done
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            StepStatus::Ok(fill(
                t.step_backup_done,
                &[&name, &(done.bytes / 1024).to_string()],
            ))
        }
        Err(e) => StepStatus::Fail(fill(t.step_failed, &[&e.to_string()])),
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

impl App {
    pub(super) fn refresh_day(&mut self) {
        if let Some(s) = &self.store
            && let Ok(d) = s.day_state()
        {
            self.day = d;
        }
    }

    /// Where a user goes after the PIN: the diagnostics for a technician, the shift opening
    /// for someone with no shift open, else the sale screen (with an interrupted ticket
    /// offered back).
    pub(super) fn after_login(&mut self) {
        let Some(user) = self.user.clone() else {
            return;
        };
        self.refresh_day();
        if !user.role.may(Permission::Sell) {
            self.open_diagnostics();
            return;
        }
        let Some(store) = self.store.clone() else {
            return;
        };
        self.screen = Screen::Sale;
        match store.open_shift_of(&user.name) {
            Ok(Some(s)) => self.shift = Some(s.number),
            Ok(None) => {
                self.shift = None;
                let today = self.now().date_naive();
                let (date, rule, opens_day) = match self.day.open {
                    Some(d) => (d, DayRule::Next, false),
                    None => {
                        let (d, r) = propose(self.day.closed_through, today);
                        (d, r, true)
                    }
                };
                self.screen = Screen::Opening(OpeningForm {
                    float: String::new(),
                    date,
                    opens_day,
                    needs_supervisor: opens_day && rule == DayRule::NeedsSupervisor,
                    closed_through: self.day.closed_through,
                });
                return;
            }
            Err(e) => {
                self.store_error(e);
                return;
            }
        }
        self.check_clock();
        // A ticket this cashier had open when the register was stopped is offered back.
        if let Ok(held) = store.held()
            && let Some(i) = held
                .iter()
                .position(|(_, h)| h.interrupted && h.cashier == user.name)
        {
            self.screen = Screen::Recall(super::RecallState {
                list: held,
                selected: i,
            });
            self.info(Level::Warn, self.texts.interrupted_ticket);
        }
    }

    /// Warns when the clock and the business date disagree, or the clock went back.
    fn check_clock(&mut self) {
        let now = self.now();
        if let Some(open) = self.day.open
            && open != now.date_naive()
        {
            let t = fill(
                self.texts.clock_differs,
                &[&now.date_naive().to_string(), &open.to_string()],
            );
            self.info(Level::Warn, t);
        }
        if let Some(s) = &self.store
            && let Ok(Some((_, last))) = s.last_doc()
            && last.doc.at.utc_ms > now.timestamp_millis() + 120_000
        {
            let t = fill(
                self.texts.clock_backwards,
                &[
                    &now.format("%Y-%m-%d %H:%M").to_string(),
                    &last
                        .doc
                        .at
                        .to_datetime()
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                ],
            );
            self.info(Level::Warn, t);
        }
    }

    pub(super) fn opening_key(&mut self, key: KeyEvent) {
        let Screen::Opening(form) = &mut self.screen else {
            return;
        };
        match key.code {
            KeyCode::Esc => {
                self.user = None;
                self.screen = Screen::Login(LoginForm::default());
            }
            // A supervisor closes the day or answers a token without opening a shift.
            KeyCode::F(9) => self.guard(Guarded::Menu),
            KeyCode::Enter => {
                let Some(store) = &self.store else { return };
                let float = match store.info().currency.parse_local(form.float.trim()) {
                    // A negative float cannot be typed; the store refuses one anyway.
                    Ok(m) => m,
                    Err(e) => return self.say_error(e),
                };
                let (date, opens, needs) = (form.date, form.opens_day, form.needs_supervisor);
                if needs {
                    self.guard(Guarded::OpenDay(date, float));
                } else {
                    self.open_shift(date, opens, float, Vec::new());
                }
            }
            _ => {
                if matches!(key.code, KeyCode::Char(c) if !(c.is_ascii_digit() || c == '.' || c == ','))
                {
                    return;
                }
                edit(&mut form.float, key);
            }
        }
    }

    /// Opens the business date if it must, then the user's shift.
    pub(super) fn open_shift(
        &mut self,
        date: NaiveDate,
        opens_day: bool,
        float: Money,
        overrides: Vec<Override>,
    ) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let mut header = self.header();
        header.business_date = date;
        if opens_day {
            match store.open_day(&header, overrides) {
                Ok(c) => {
                    tracing::info!(number = %c.number, %date, "business date opened");
                    self.outbox += 1;
                }
                Err(e) => return self.store_error(e),
            }
        }
        match store.open_shift(&header, float) {
            Ok(c) => {
                tracing::info!(number = %c.number, cashier = %header.cashier, "shift opened");
                self.shift = Some(c.number.clone());
                self.outbox += 1;
                self.refresh_day();
                self.screen = Screen::Sale;
                let t = fill(
                    self.texts.shift_opened,
                    &[&c.number, &store.info().currency.format(float)],
                );
                self.info(Level::Ok, t);
                self.check_clock();
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn cash_key(&mut self, mut f: CashForm, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter if !f.on_reason => {
                if !f.amount.trim().is_empty() {
                    f.on_reason = true;
                }
            }
            KeyCode::Enter => {
                if f.reason.trim().is_empty() {
                    self.popup = Some(Popup::Cash(f));
                    return;
                }
                return self.commit_cash(&f, None);
            }
            _ => {
                let field = if f.on_reason {
                    &mut f.reason
                } else {
                    &mut f.amount
                };
                edit(field, key);
            }
        }
        self.popup = Some(Popup::Cash(f));
    }

    /// Records a cash movement. Cash out beyond what the drawer should hold (the cashier's
    /// shift: float, cash sales, refunds, earlier movements) needs `over`, a supervisor's
    /// authorization for exactly that.
    pub(super) fn commit_cash(&mut self, f: &CashForm, over: Option<Override>) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let amount = match store.info().currency.parse_local(f.amount.trim()) {
            Ok(m) => m,
            Err(e) => return self.say_error(e),
        };
        let mut body = match CashMoveBody::new(f.direction, amount, &f.reason) {
            Ok(b) => b,
            Err(e) => return self.say_error(e),
        };
        if f.direction == CashDirection::Out && over.is_none() {
            let cashier = self.header().cashier;
            let expected = match store.shift_report(&cashier) {
                Ok(r) => r.expected_cash,
                Err(e) => return self.store_error(e),
            };
            if amount > expected {
                let text = fill(
                    self.texts.cash_out_over,
                    &[&store.info().currency.format_symbol(expected)],
                );
                self.info(Level::Error, text);
                return self.guard(Guarded::CashOut(f.amount.clone(), f.reason.clone()));
            }
        }
        body.overrides.push(Override {
            action: match f.direction {
                CashDirection::In => "cash_in".into(),
                CashDirection::Out => "cash_out".into(),
            },
            supervisor: self.supervisor.clone().unwrap_or_default(),
            reason: f.reason.trim().into(),
        });
        body.overrides.extend(over);
        match store.commit_printed(&self.header(), DocBody::CashMove(body)) {
            Ok(c) => {
                tracing::info!(number = %c.number, "cash movement");
                self.outbox += 1;
                self.printer_cmd(PrinterCmd::Wake);
                self.printer_cmd(PrinterCmd::OpenDrawer);
                let t = fill(
                    self.texts.cash_done,
                    &[&c.number, &store.info().currency.format(amount)],
                );
                self.info(Level::Ok, t);
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn open_shift_close(&mut self) {
        let Some(store) = &self.store else { return };
        match store.open_shifts() {
            Ok(shifts) if shifts.is_empty() => {
                self.screen = Screen::Sale;
                self.info(Level::Warn, self.texts.shift_none);
            }
            Ok(shifts) => {
                let me = self
                    .user
                    .as_ref()
                    .map(|u| u.name.clone())
                    .unwrap_or_default();
                let selected = shifts.iter().position(|s| s.cashier == me).unwrap_or(0);
                self.screen = Screen::ShiftClose(ShiftCloseState {
                    shifts,
                    selected,
                    counted: String::new(),
                });
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn shift_close_key(&mut self, key: KeyEvent) {
        let Screen::ShiftClose(st) = &mut self.screen else {
            return;
        };
        match key.code {
            KeyCode::Esc => self.screen = Screen::Sale,
            KeyCode::Up => st.selected = st.selected.saturating_sub(1),
            KeyCode::Down => st.selected = (st.selected + 1).min(st.shifts.len().saturating_sub(1)),
            KeyCode::Enter if !st.counted.trim().is_empty() => {
                let Some(shift) = st.shifts.get(st.selected).cloned() else {
                    return;
                };
                let counted = st.counted.clone();
                self.close_shift(&shift, &counted);
            }
            _ => {
                if matches!(key.code, KeyCode::Char(c) if !(c.is_ascii_digit() || c == '.' || c == ','))
                {
                    return;
                }
                edit(&mut st.counted, key);
            }
        }
    }

    fn close_shift(&mut self, shift: &OpenShift, counted: &str) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let currency = store.info().currency.clone();
        let counted = match currency.parse_local(counted.trim()) {
            Ok(m) => m,
            Err(e) => return self.say_error(e),
        };
        let me = self
            .user
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let overrides = if shift.cashier == me {
            Vec::new()
        } else {
            vec![Override {
                action: "close_shift".into(),
                supervisor: self.supervisor.clone().unwrap_or_default(),
                reason: format!("shift of {}", shift.cashier),
            }]
        };
        match store.close_shift(&self.header(), &shift.cashier, counted, overrides) {
            Ok((c, report)) => {
                tracing::info!(number = %c.number, cashier = %shift.cashier, "shift closed");
                self.outbox += 1;
                self.printer_cmd(PrinterCmd::Wake);
                let m = |v: Money| currency.format(v);
                let diff = report.difference().ok().flatten().unwrap_or(Money::ZERO);
                let title = fill(
                    self.texts.shift_closed,
                    &[&c.number, &m(report.expected_cash), &m(counted), &m(diff)],
                );
                self.info(
                    if diff.is_zero() {
                        Level::Ok
                    } else {
                        Level::Warn
                    },
                    title,
                );
                if shift.cashier == me {
                    self.shift = None;
                }
                let heading = format!("{} {}", c.number, shift.cashier);
                let lines = self.report_body(&report, &heading);
                self.screen = Screen::Report(ReportView {
                    report,
                    heading,
                    lines,
                    scroll: 0,
                    then_login: shift.cashier == me,
                });
            }
            Err(e) => self.store_error(e),
        }
    }

    fn report_body(&self, r: &Report, title: &str) -> Vec<Line> {
        let Some(store) = &self.store else {
            return Vec::new();
        };
        report_lines(r, title, &store.info().currency, 60, self.config.language)
    }

    pub(super) fn x_report(&mut self) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let date = self.day.open.unwrap_or_else(|| self.now().date_naive());
        match store.day_report(date) {
            Ok(report) => {
                let heading = format!("{} {date}", x_title(self.config.language));
                let lines = self.report_body(&report, &heading);
                self.screen = Screen::Report(ReportView {
                    report,
                    heading,
                    lines,
                    scroll: 0,
                    then_login: false,
                });
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn report_key(&mut self, key: KeyEvent) {
        let Screen::Report(v) = &mut self.screen else {
            return;
        };
        match key.code {
            KeyCode::Up => v.scroll = v.scroll.saturating_sub(1),
            KeyCode::Down => v.scroll = (v.scroll + 1).min(v.lines.len().saturating_sub(1)),
            KeyCode::PageUp => v.scroll = v.scroll.saturating_sub(10),
            KeyCode::PageDown => v.scroll = (v.scroll + 10).min(v.lines.len().saturating_sub(1)),
            KeyCode::Char('p' | 'P') => {
                let lines = match &self.store {
                    Some(s) => report_lines(
                        &v.report,
                        &v.heading,
                        &s.info().currency,
                        self.config.printer.columns,
                        self.config.language,
                    ),
                    None => Vec::new(),
                };
                let r = self.printable(lines);
                self.printer_cmd(PrinterCmd::Print(Box::new(r)));
                self.info(Level::Ok, self.texts.report_printing);
            }
            KeyCode::Esc | KeyCode::Enter => {
                if v.then_login {
                    self.user = None;
                    self.supervisor = None;
                    self.screen = Screen::Login(LoginForm::default());
                } else {
                    self.screen = Screen::Sale;
                }
            }
            _ => {}
        }
    }

    /// Lines already laid out at the printer's width, under the store's name.
    fn printable(&self, lines: Vec<Line>) -> Receipt {
        let name = self
            .store
            .as_ref()
            .map(|s| s.info().name.clone())
            .unwrap_or_default();
        let mut out = vec![Line {
            text: name,
            style: Style::Bold,
            align: Align::Center,
        }];
        out.extend(lines);
        Receipt {
            columns: self.config.printer.columns,
            lines: out,
            code: None,
        }
    }

    pub(super) fn open_close_day(&mut self) {
        self.refresh_day();
        self.screen = Screen::CloseDay(CloseDayState {
            date: self.day.open,
            steps: steps(self.texts),
            running: false,
            closed: None,
            events: None,
        });
    }

    pub(super) fn close_day_key(&mut self, key: KeyEvent) {
        let (header, at) = (self.header(), self.now());
        let Screen::CloseDay(st) = &mut self.screen else {
            return;
        };
        if st.running {
            return;
        }
        match key.code {
            KeyCode::Esc => {
                if st.closed.is_some() {
                    // The date is closed: the next one opens at the next login.
                    self.user = None;
                    self.supervisor = None;
                    self.screen = Screen::Login(LoginForm::default());
                } else {
                    self.screen = Screen::Sale;
                }
            }
            KeyCode::Enter => {
                let Some(store) = self.store.clone() else {
                    return;
                };
                let skip_z = st.closed.is_some();
                for (i, s) in st.steps.iter_mut().enumerate() {
                    if !skip_z || i > STEP_Z {
                        s.1 = StepStatus::Pending;
                    }
                }
                let job = CloseJob {
                    store,
                    texts: self.texts,
                    header,
                    supervisor: self.supervisor.clone().unwrap_or_default(),
                    sync_configured: !self.config.sync.url.trim().is_empty(),
                    backup_dir: self.config.backup.dir.clone(),
                    keep: self.config.backup.keep as usize,
                    at,
                    skip_z,
                };
                let (tx, rx) = channel();
                std::thread::spawn(move || job.run(&tx));
                st.running = true;
                st.events = Some(rx);
            }
            _ => {}
        }
    }

    /// Picks up the close-of-day worker's progress; true when the screen changed.
    pub(super) fn poll_close_day(&mut self) -> bool {
        let Screen::CloseDay(st) = &mut self.screen else {
            return false;
        };
        let Some(rx) = &st.events else { return false };
        let mut changed = false;
        let mut z_done = false;
        loop {
            match rx.try_recv() {
                Ok((i, s)) => {
                    if i == STEP_Z
                        && let StepStatus::Ok(n) = &s
                    {
                        st.closed = Some(n.clone());
                        z_done = true;
                    }
                    if let Some(step) = st.steps.get_mut(i) {
                        step.1 = s;
                    }
                    changed = true;
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    st.running = false;
                    st.events = None;
                    changed = true;
                    break;
                }
            }
        }
        if z_done {
            self.shift = None;
            self.outbox += 1;
            self.printer_cmd(PrinterCmd::Wake);
            self.refresh_day();
        }
        if changed
            && let Screen::CloseDay(st) = &self.screen
            && !st.running
        {
            let attention: Vec<&str> = st
                .steps
                .iter()
                .filter(|(_, s)| matches!(s, StepStatus::Warn(_) | StepStatus::Fail(_)))
                .map(|(n, _)| *n)
                .collect();
            let date = st.date.map(|d| d.to_string()).unwrap_or_default();
            if attention.is_empty() {
                let t = fill(self.texts.close_all_ok, &[&date]);
                self.info(Level::Ok, t);
            } else {
                let t = fill(self.texts.close_attention, &[&date, &attention.join(", ")]);
                self.info(Level::Warn, t);
            }
        }
        changed
    }

    pub(super) fn open_journal(&mut self) {
        let date = self
            .day
            .open
            .unwrap_or_else(|| self.now().date_naive())
            .to_string();
        let mut st = JournalState {
            fields: [
                date.clone(),
                date,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            focus: 0,
            rows: Vec::new(),
            count: 0,
            total: Money::ZERO,
            tenders: [Money::ZERO; 4],
            scroll: 0,
            truncated: false,
        };
        self.run_journal(&mut st);
        self.screen = Screen::Journal(st);
    }

    fn journal_filter(&self, st: &JournalState) -> Result<JournalFilter, String> {
        let f = &st.fields;
        let from = parse_date(&f[0]).ok_or_else(|| f[0].clone())?;
        let to = parse_date(&f[1]).ok_or_else(|| f[1].clone())?;
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let kind = match opt(&f[4]) {
            Some(k) => Some(DocKind::from_code(&k).ok_or(k)?),
            None => None,
        };
        let tender = match opt(&f[5]) {
            Some(k) => Some(TenderKind::from_code(&k).ok_or(k)?),
            None => None,
        };
        Ok(JournalFilter {
            register: opt(&f[2]),
            cashier: opt(&f[3]),
            kind,
            tender,
            ..JournalFilter::dates(from, to)
        })
    }

    fn run_journal(&mut self, st: &mut JournalState) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let f = match self.journal_filter(st) {
            Ok(f) => f,
            Err(bad) => {
                return self.info(Level::Error, fill(self.texts.journal_bad_filter, &[&bad]));
            }
        };
        st.rows.clear();
        st.count = 0;
        st.total = Money::ZERO;
        st.tenders = [Money::ZERO; 4];
        st.scroll = 0;
        st.truncated = false;
        let mut totals = crate::journal::Totals::default();
        let r = crate::journal::visit(&*store, &f, |row| {
            totals.add(&row)?;
            if st.rows.len() < JOURNAL_SCREEN_ROWS {
                st.rows.push(row);
            } else {
                st.truncated = true;
            }
            Ok::<_, crate::store::StoreError>(())
        });
        st.count = totals.count;
        st.total = totals.net;
        st.tenders = totals.tenders;
        if let Err(e) = r {
            self.store_error(e);
        }
    }

    pub(super) fn journal_key(&mut self, key: KeyEvent) {
        let Screen::Journal(mut st) = std::mem::replace(&mut self.screen, Screen::Sale) else {
            return;
        };
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Tab => st.focus = (st.focus + 1) % JOURNAL_FIELDS,
            KeyCode::BackTab => st.focus = (st.focus + JOURNAL_FIELDS - 1) % JOURNAL_FIELDS,
            KeyCode::Enter => self.run_journal(&mut st),
            KeyCode::Up => st.scroll = st.scroll.saturating_sub(1),
            KeyCode::Down => st.scroll = (st.scroll + 1).min(st.rows.len().saturating_sub(1)),
            KeyCode::PageUp => st.scroll = st.scroll.saturating_sub(10),
            KeyCode::PageDown => st.scroll = (st.scroll + 10).min(st.rows.len().saturating_sub(1)),
            KeyCode::F(5) => {
                let r = self.journal_receipt(&st);
                self.printer_cmd(PrinterCmd::Print(Box::new(r)));
                self.info(Level::Ok, self.texts.report_printing);
            }
            KeyCode::F(6) => {
                self.popup = Some(Popup::JournalExport(
                    self.dir.join("diario.csv").display().to_string(),
                ));
            }
            _ => {
                edit(&mut st.fields[st.focus], key);
            }
        }
        self.screen = Screen::Journal(st);
    }

    fn journal_receipt(&self, st: &JournalState) -> Receipt {
        let Some(store) = &self.store else {
            return self.printable(Vec::new());
        };
        let c = &store.info().currency;
        let line = |text: String, style| Line {
            text,
            style,
            align: Align::Left,
        };
        let mut lines = vec![line(
            format!(
                "{} {} - {}",
                self.texts.journal_title, st.fields[0], st.fields[1]
            ),
            Style::Bold,
        )];
        let w = usize::from(self.config.printer.columns);
        for r in &st.rows {
            let at = r.at.get(11..16).unwrap_or("");
            lines.push(line(
                two(&format!("{} {at}", r.number), &c.format(r.total), w),
                Style::Normal,
            ));
        }
        lines.push(line(
            fill(
                self.texts.journal_totals,
                &[&st.count.to_string(), &c.format_symbol(st.total)],
            ),
            Style::Bold,
        ));
        self.printable(lines)
    }

    /// Writes the journal on screen as CSV to `path`.
    pub(super) fn export_journal(&mut self, path: &str) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let Screen::Journal(st) = &self.screen else {
            return;
        };
        let f = match self.journal_filter(st) {
            Ok(f) => f,
            Err(bad) => {
                return self.info(Level::Error, fill(self.texts.journal_bad_filter, &[&bad]));
            }
        };
        let path = PathBuf::from(path.trim());
        let tmp = path.with_extension("csv.partial");
        // Sales figures are the shop's alone, like the store.
        let written = crate::store::files::private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(crate::journal::JournalError::from)
            .and_then(|file| {
                let mut w = std::io::BufWriter::new(file);
                crate::journal::write_csv(&*store, &f, &mut w)?;
                use std::io::Write;
                w.flush()?;
                w.get_ref().sync_all()?;
                Ok(())
            })
            .and_then(|()| std::fs::rename(&tmp, &path).map_err(Into::into));
        match written {
            Ok(()) => {
                let n = match &self.screen {
                    Screen::Journal(st) => st.count,
                    _ => 0,
                };
                let t = fill(
                    self.texts.journal_exported,
                    &[&n.to_string(), &path.display().to_string()],
                );
                self.info(Level::Ok, t);
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                self.info(Level::Error, e.to_string());
            }
        }
    }

    /// Takes a backup to `[backup] dir` on a thread; the result arrives as a message.
    pub(super) fn backup_now(&mut self) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let (tx, rx) = channel();
        let (t, dir, keep, at) = (
            self.texts,
            self.config.backup.dir.clone(),
            self.config.backup.keep as usize,
            self.now(),
        );
        std::thread::spawn(move || {
            let _ = tx.send(backup_step(&store, t, &dir, keep, at));
        });
        self.backup_job = Some(rx);
        self.screen = Screen::Sale;
        self.info(Level::Info, self.texts.backup_running);
    }

    /// Picks up background work of the supervisor's screens; true when the screen changed.
    pub(super) fn poll_supervisor(&mut self) -> bool {
        let mut changed = self.poll_close_day();
        if let Some(rx) = &self.backup_job
            && let Ok(s) = rx.try_recv()
        {
            self.backup_job = None;
            match s {
                StepStatus::Ok(d) => self.info(Level::Ok, fill(self.texts.backup_done, &[&d])),
                StepStatus::Warn(d) => self.info(Level::Warn, d),
                StepStatus::Fail(d) => {
                    self.info(Level::Error, fill(self.texts.backup_failed, &[&d]))
                }
                _ => {}
            }
            changed = true;
        }
        changed
    }

    pub(super) fn supervisor_busy(&self) -> bool {
        self.backup_job.is_some() || matches!(&self.screen, Screen::CloseDay(st) if st.running)
    }

    pub(super) fn token_answer_key(&mut self, mut f: TokenAnswerForm, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter if !f.on_code => f.on_code = true,
            KeyCode::Enter => {
                let Some(store) = &self.store else { return };
                use crate::domain::token::{answer, parse_challenge, window};
                let reg = f.register.trim().to_ascii_uppercase();
                match parse_challenge(&f.code) {
                    Ok(c) => {
                        let a = answer(
                            &store.info().token_secret,
                            &reg,
                            c,
                            window(self.now().timestamp()),
                        );
                        tracing::info!(register = %reg, supervisor = ?self.supervisor, "usage token answered");
                        f.result = Some(fill(self.texts.token_result, &[&reg, &f.code, &a]));
                    }
                    Err(e) => f.result = Some(e.to_string()),
                }
            }
            _ => {
                let field = if f.on_code {
                    &mut f.code
                } else {
                    &mut f.register
                };
                edit(field, key);
            }
        }
        self.popup = Some(Popup::TokenAnswer(f));
    }

    /// A fresh 9-digit challenge for a usage token.
    pub(super) fn new_challenge() -> u32 {
        let mut b = [0u8; 4];
        // Without randomness the challenge is still unique enough to use: the clock's nanoseconds.
        if getrandom::fill(&mut b).is_err() {
            b = chrono::Utc::now().timestamp_subsec_nanos().to_le_bytes();
        }
        100_000_000 + u32::from_le_bytes(b) % 900_000_000
    }

    pub(super) fn user_form_key(&mut self, mut f: UserForm, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Tab | KeyCode::Down => f.focus = (f.focus + 1) % 3,
            KeyCode::BackTab | KeyCode::Up => f.focus = (f.focus + 2) % 3,
            KeyCode::Enter if f.focus < 2 => f.focus += 1,
            KeyCode::Enter => {
                if self.save_user(&f) {
                    return;
                }
            }
            _ => {
                let field = match f.focus {
                    0 => &mut f.name,
                    1 => &mut f.role,
                    _ => &mut f.pin,
                };
                if f.focus != 2
                    || matches!(key.code, KeyCode::Char(c) if c.is_ascii_digit())
                    || key.code == KeyCode::Backspace
                {
                    edit(field, key);
                }
            }
        }
        self.popup = Some(Popup::User(f));
    }

    /// Adds the user, or changes an existing one's role and PIN. True when saved.
    fn save_user(&mut self, f: &UserForm) -> bool {
        use crate::domain::user::Role;
        let Some(store) = self.store.clone() else {
            return false;
        };
        let name = f.name.trim().to_ascii_lowercase();
        let role = match f.role.trim().to_ascii_lowercase().as_str() {
            "" => None,
            "c" => Some(Role::Cashier),
            "s" => Some(Role::Supervisor),
            "t" => Some(Role::Technician),
            other => {
                self.info(Level::Error, fill(self.texts.user_bad_role, &[other]));
                return false;
            }
        };
        let pin = Some(f.pin.as_str()).filter(|p| !p.is_empty());
        let existing = match store.user(&name) {
            Ok(u) => u,
            Err(e) => {
                self.store_error(e);
                return false;
            }
        };
        let result = match (existing, pin) {
            (Some(_), _) => store.set_user(&name, role, pin),
            (None, Some(pin)) => store.add_user(&name, role.unwrap_or(Role::Cashier), pin),
            (None, None) => {
                self.info(Level::Error, self.texts.user_needs_pin);
                return false;
            }
        };
        match result {
            Ok(()) => {
                tracing::info!(user = %name, supervisor = ?self.supervisor, "user saved");
                self.info(Level::Ok, fill(self.texts.user_saved, &[&name]));
                true
            }
            Err(e) => {
                self.store_error(e);
                false
            }
        }
    }
}
