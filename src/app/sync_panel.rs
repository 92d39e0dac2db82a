//! The sync panel (F10): online or offline, the queue by document type, the last push and pull,
//! the catalog pull history, documents the server refused; push and pull on request.

use super::{App, Level, Screen};
use crate::domain::numbering::DocKind;
use crate::i18n::fill;
use crate::sync::client::PullMode;
use crate::sync::worker::{Progress, SyncCmd, SyncEvent};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::ops::ControlFlow;

/// What the register knows of sync, kept across panel openings.
#[derive(Clone, Debug, Default)]
pub struct SyncStatus {
    /// None until the first attempt.
    pub online: Option<bool>,
    pub last_push: Option<String>,
    pub last_pull: Option<String>,
    pub last_error: Option<String>,
    pub progress: Option<String>,
    pub drift_s: Option<i64>,
}

pub struct SyncPanelState {
    pub queue: Vec<(DocKind, u64)>,
    pub history: Vec<crate::store::history::PullEntry>,
    pub rejected: Vec<(u64, String)>,
    /// Replace asks first.
    pub confirm_replace: bool,
}

impl App {
    pub(super) fn open_sync_panel(&mut self) {
        let Some(store) = &self.store else { return };
        let mut counts = [0u64; DocKind::ALL.len()];
        let from = store.view().and_then(|v| v.push_cursor()).unwrap_or(0) + 1;
        let _ = store.visit_from(from, |_, d| {
            counts[d.doc.kind().index()] += 1;
            ControlFlow::Continue(())
        });
        let queue = DocKind::ALL
            .iter()
            .map(|k| (*k, counts[k.index()]))
            .filter(|(_, n)| *n > 0)
            .collect();
        let mut history = store.pull_history().unwrap_or_default();
        history.reverse();
        history.truncate(6);
        self.screen = Screen::SyncPanel(SyncPanelState {
            queue,
            history,
            rejected: store.rejected().unwrap_or_default(),
            confirm_replace: false,
        });
    }

    pub(super) fn sync_cmd(&mut self, cmd: SyncCmd) {
        match &self.sync {
            Some(tx) if tx.send(cmd).is_ok() => {
                self.sync_status.progress = Some(self.texts.sync_started.into());
            }
            _ => self.info(Level::Warn, self.texts.sync_not_configured),
        }
    }

    pub(super) fn sync_panel_key(&mut self, key: KeyEvent) {
        let Screen::SyncPanel(st) = &mut self.screen else {
            return;
        };
        if st.confirm_replace {
            st.confirm_replace = false;
            if key.code == KeyCode::Enter {
                self.sync_cmd(SyncCmd::Pull(PullMode::Replace));
            }
            return;
        }
        match key.code {
            KeyCode::Esc => self.screen = Screen::Sale,
            KeyCode::Char('p' | 'P') | KeyCode::Char('e' | 'E') => self.sync_cmd(SyncCmd::Push),
            KeyCode::Char('1') => self.sync_cmd(SyncCmd::Pull(PullMode::Partial)),
            KeyCode::Char('2') => self.sync_cmd(SyncCmd::Pull(PullMode::Total)),
            KeyCode::Char('3') => st.confirm_replace = true,
            KeyCode::Char('t' | 'T') => self.guard(super::Guarded::TakeOver),
            KeyCode::Char('r' | 'R') => {
                let date = self.day.open.unwrap_or_else(|| self.now().date_naive());
                self.popup = Some(super::Popup::ResendDate(date.to_string()));
            }
            _ => {}
        }
    }

    /// Asks the worker to push one business date again.
    pub(super) fn resend(&mut self, date: &str) {
        match chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") {
            Ok(d) => self.sync_cmd(SyncCmd::Resend(d)),
            Err(_) => {
                let t = fill(self.texts.journal_bad_filter, &[("input", date)]);
                self.info(Level::Error, t);
            }
        }
    }

    /// Something happened in the sync worker.
    pub fn on_sync(&mut self, ev: SyncEvent) {
        let now = self.now().format("%H:%M").to_string();
        let t = self.texts;
        let s = &mut self.sync_status;
        match ev {
            SyncEvent::Progress(p) => {
                s.progress = Some(match p {
                    Progress::Pushing { done, total } => fill(
                        t.sync_pushing,
                        &[("done", &done.to_string()), ("total", &total.to_string())],
                    ),
                    Progress::Pulling(n) => fill(t.sync_pulling, &[("n", &n.to_string())]),
                    Progress::Reading(k) => {
                        fill(t.sync_reading, &[("kind", t.doc_kinds[k.index()])])
                    }
                })
            }
            SyncEvent::Pushed(r) => {
                s.online = Some(true);
                s.progress = None;
                s.last_error = None;
                s.last_push = Some(fill(
                    t.sync_pushed,
                    &[
                        ("now", &now),
                        ("sent", &r.sent.to_string()),
                        ("already", &r.already.to_string()),
                        ("refused", &r.rejected.len().to_string()),
                    ],
                ));
            }
            SyncEvent::Pulled(mode, r) => {
                s.online = Some(true);
                s.progress = None;
                s.last_error = None;
                let mut line = fill(
                    t.sync_pulled,
                    &[
                        ("now", &now),
                        ("mode", crate::i18n::pull_mode_word(t, mode.code())),
                        ("upserted", &r.upserted.to_string()),
                        ("removed", &r.removed.to_string()),
                        ("total", &r.total.to_string()),
                    ],
                );
                // Documents the register could not use: which and why (also in the history).
                if let Some(first) = r.refused.first() {
                    let first = first.words(self.config.language);
                    line.push_str(&fill(
                        t.sync_refused,
                        &[("count", &r.refused.len().to_string()), ("first", &first)],
                    ));
                }
                s.last_pull = Some(line);
            }
            SyncEvent::Resent(date, r) => {
                s.online = Some(true);
                s.progress = None;
                s.last_push = Some(fill(
                    t.sync_resent,
                    &[
                        ("now", &now),
                        ("date", &date.to_string()),
                        ("sent", &r.sent.to_string()),
                        ("already", &r.already.to_string()),
                    ],
                ));
            }
            SyncEvent::TookOver(t) => {
                s.progress = None;
                let store = self.store.clone();
                let text = match &store {
                    Some(st) if t.previous != st.info().store_id => {
                        let after: Vec<String> = t
                            .floors
                            .iter()
                            .map(|(k, n)| {
                                crate::domain::numbering::format_number(st.register(), *k, *n)
                            })
                            .collect();
                        let after = if after.is_empty() {
                            "-".to_string()
                        } else {
                            after.join(", ")
                        };
                        fill(self.texts.sync_took_over, &[("after", &after)])
                    }
                    _ => self.texts.sync_already_ours.to_string(),
                };
                self.info(Level::Info, text);
            }
            SyncEvent::Failed(e) => {
                s.online = Some(false);
                s.progress = None;
                s.last_error = Some(format!("{now}: {}", e.0.words(self.config.language)));
            }
            SyncEvent::Drift(d) => {
                s.drift_s = Some(d);
                if d.abs() > 120 {
                    let t = fill(self.texts.sync_drift, &[("seconds", &d.to_string())]);
                    self.info(Level::Warn, t);
                }
            }
        }
        self.refresh_outbox();
        if matches!(self.screen, Screen::SyncPanel(_)) {
            self.open_sync_panel();
        }
    }
}
