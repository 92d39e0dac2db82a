//! The close of day: the Z and the routine around it, a step at a time on a worker thread.

use super::backup::backup_step;
use super::events::{Event, Job};
use super::{App, Level, LoginForm, Screen};
use crate::devices::printer::PrinterCmd;
use crate::domain::document::Override;
use crate::i18n::{Texts, fill};
use crate::sink::Sink;
use crate::store::{DocHeader, Store};
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::sync::Arc;

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
}

pub(super) const STEP_SHIFTS: usize = 0;

pub(super) const STEP_HELD: usize = 1;

pub(super) const STEP_Z: usize = 2;

pub(super) const STEP_SYNC: usize = 3;

pub(super) const STEP_BACKUP: usize = 4;

pub(super) const STEP_CHECK: usize = 5;

pub(super) fn steps(t: &Texts) -> Vec<(&'static str, StepStatus)> {
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
pub(super) struct CloseJob {
    store: Arc<Store>,
    texts: &'static Texts,
    language: crate::i18n::Language,
    header: DocHeader,
    supervisor: String,
    sync_configured: bool,
    backup_dir: String,
    keep: usize,
    at: chrono::DateTime<chrono::FixedOffset>,
    skip_z: bool,
}

impl CloseJob {
    fn run(self, tx: &Sink<(usize, StepStatus)>) {
        let t = self.texts;
        let say = |i: usize, s: StepStatus| {
            tx.send((i, s));
        };
        let lang = self.language;
        let currency = self.store.info().currency.clone();
        let failed_with = |why: &str| StepStatus::Fail(fill(t.step_failed, &[("why", why)]));
        let failed = |e: &crate::store::StoreError| failed_with(&e.words(lang, Some(&currency)));
        if !self.skip_z {
            say(STEP_SHIFTS, StepStatus::Running);
            match self.store.open_shifts() {
                Ok(open) if open.is_empty() => say(STEP_SHIFTS, StepStatus::Ok(t.step_ok.into())),
                Ok(open) => {
                    let names: Vec<&str> = open.iter().map(|s| s.cashier.as_str()).collect();
                    return say(
                        STEP_SHIFTS,
                        StepStatus::Fail(fill(
                            t.step_shifts_open,
                            &[("shifts", &names.join(", "))],
                        )),
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
                        StepStatus::Fail(fill(
                            t.step_held_some,
                            &[("count", &h.len().to_string())],
                        )),
                    );
                }
                Err(e) => return say(STEP_HELD, failed(&e)),
            }
            say(STEP_Z, StepStatus::Running);
            let ov = Override {
                action: crate::domain::document::OverrideAction::CloseDay,
                supervisor: self.supervisor.clone(),
                reason: crate::domain::document::RegisterReason::CloseOfDay
                    .text()
                    .into(),
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
        let waiting = self
            .store
            .view()
            .and_then(|v| v.outbox_len())
            .unwrap_or(0)
            .to_string();
        say(
            STEP_SYNC,
            if !self.sync_configured {
                StepStatus::Warn(fill(t.step_sync_off, &[("waiting", &waiting)]))
            } else if waiting != "0" {
                StepStatus::Warn(fill(t.step_sync_waiting, &[("waiting", &waiting)]))
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
                Ok(r) if r.ok() => StepStatus::Ok(fill(
                    t.step_check_ok,
                    &[("documents", &r.documents.to_string())],
                )),
                Ok(r) => failed_with(
                    &r.problems
                        .iter()
                        .map(|p| p.words(self.language))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Err(e) => failed(&e),
            },
        );
    }
}

impl App {
    pub(super) fn open_close_day(&mut self) {
        self.refresh_day();
        self.screen = Screen::CloseDay(CloseDayState {
            date: self.day.open,
            steps: steps(self.texts),
            running: false,
            closed: None,
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
                    language: self.config.language,
                    header,
                    supervisor: self.supervisor.clone().unwrap_or_default(),
                    sync_configured: !self.config.sync.url.trim().is_empty(),
                    backup_dir: self.config.backup.dir.clone(),
                    keep: self.config.backup.keep as usize,
                    at,
                    skip_z,
                };
                let steps = self.events.sink(|(i, s)| Event::Job(Job::CloseDay(i, s)));
                let ended = self.events.sender();
                std::thread::spawn(move || {
                    job.run(&steps);
                    let _ = ended.send(Event::Job(Job::CloseDayEnded));
                });
                st.running = true;
            }
            _ => {}
        }
    }

    /// A step of the close of day changed; true when the screen did.
    pub(super) fn close_day_step(&mut self, i: usize, s: StepStatus) -> bool {
        let Screen::CloseDay(st) = &mut self.screen else {
            return false;
        };
        let z_done = i == STEP_Z && matches!(s, StepStatus::Ok(_));
        if let (true, StepStatus::Ok(n)) = (z_done, &s) {
            st.closed = Some(n.clone());
        }
        if let Some(step) = st.steps.get_mut(i) {
            step.1 = s;
        }
        if z_done {
            self.shift = None;
            // The Z was committed by the worker, which holds its `Committed`.
            self.refresh_outbox();
            self.printer_cmd(PrinterCmd::Wake);
            self.refresh_day();
        }
        true
    }

    /// The close of day's worker ended: the message line sums it up.
    pub(super) fn close_day_ended(&mut self) -> bool {
        let Screen::CloseDay(st) = &mut self.screen else {
            return false;
        };
        st.running = false;
        {
            let attention: Vec<&str> = st
                .steps
                .iter()
                .filter(|(_, s)| matches!(s, StepStatus::Warn(_) | StepStatus::Fail(_)))
                .map(|(n, _)| *n)
                .collect();
            let date = st.date.map(|d| d.to_string()).unwrap_or_default();
            if attention.is_empty() {
                let t = fill(self.texts.close_all_ok, &[("date", &date)]);
                self.info(Level::Ok, t);
            } else {
                let t = fill(
                    self.texts.close_attention,
                    &[("date", &date), ("steps", &attention.join(", "))],
                );
                self.info(Level::Warn, t);
            }
        }
        true
    }
}
