//! The register's background jobs, as the terminal loop sees them: the diagnostics' checks,
//! and the supervisor's jobs (a backup, a close of day) that report while the till sells.

use super::StepStatus;
use super::{App, Level, Screen};
use crate::i18n::fill;

impl App {
    /// Picks up finished background checks; true when the screen changed.
    pub fn poll_background(&mut self) -> bool {
        let supervisor = self.poll_supervisor();
        let Screen::Diagnostics(d) = &mut self.screen else {
            return supervisor;
        };
        let Some(rx) = &d.results else { return false };
        match rx.try_recv() {
            Ok(findings) => {
                d.findings = findings;
                d.running = false;
                d.results = None;
                true
            }
            Err(_) => false,
        }
    }

    /// True while checks run in the background (the event loop then looks more often).
    pub fn background_busy(&self) -> bool {
        matches!(&self.screen, Screen::Diagnostics(d) if d.running) || self.supervisor_busy()
    }

    /// Picks up background work of the supervisor's screens; true when the screen changed.
    pub(super) fn poll_supervisor(&mut self) -> bool {
        let mut changed = self.poll_close_day();
        if let Some(rx) = &self.backup_job
            && let Ok(s) = rx.try_recv()
        {
            self.backup_job = None;
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
            changed = true;
        }
        changed
    }

    pub(super) fn supervisor_busy(&self) -> bool {
        self.backup_job.is_some() || matches!(&self.screen, Screen::CloseDay(st) if st.running)
    }
}
