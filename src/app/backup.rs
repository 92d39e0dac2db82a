//! A backup from the supervisor menu, on a thread, and the supervisor's background work.

use super::StepStatus;
use super::events::{Event, Job};
use super::{App, Level, Screen};
use crate::i18n::{Texts, fill};
use crate::store::{Store, StoreError};
use std::path::PathBuf;

/// Takes a backup to the configured directory; the step's result in words.
pub(super) fn backup_step(
    store: &Store,
    t: &Texts,
    dir: &str,
    keep: usize,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> StepStatus {
    let currency = store.info().currency.clone();
    backup_step_with(t, dir, Some(&currency), |to| store.backup_to(to, at, keep))
}

/// A backup into `dir` made by `make`: refused when `dir` is unset or not a folder (a USB stick
/// that is not mounted), then said in words.
fn backup_step_with(
    t: &Texts,
    dir: &str,
    currency: Option<&crate::domain::money::Currency>,
    make: impl FnOnce(&std::path::Path) -> Result<crate::store::backup::BackupDone, StoreError>,
) -> StepStatus {
    if dir.trim().is_empty() {
        return StepStatus::Warn(t.step_backup_off.into());
    }
    let path = PathBuf::from(dir.trim());
    // A USB stick that is not mounted leaves an empty mount point or none at all: refuse to
    // fill the thin client's own disk instead.
    if !path.is_dir() {
        return StepStatus::Fail(fill(t.step_backup_missing, &[("dir", dir)]));
    }
    match make(&path) {
        Ok(done) => {
            tracing::info!(path = %done.path.display(), "backup");
            let name = done
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            StepStatus::Ok(fill(
                t.step_backup_done,
                &[("name", &name), ("bytes", &(done.bytes / 1024).to_string())],
            ))
        }
        Err(e) => StepStatus::Fail(fill(
            t.step_failed,
            &[("why", &e.words(t.language, currency))],
        )),
    }
}

impl App {
    /// Takes a backup to `[backup] dir` on a thread; the result arrives as a message.
    pub(super) fn backup_now(&mut self) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let done = self.events.sender();
        let (t, dir, keep, at) = (
            self.texts,
            self.config.backup.dir.clone(),
            self.config.backup.keep as usize,
            self.now(),
        );
        std::thread::spawn(move || {
            let _ = done.send(Event::Job(Job::Backup(backup_step(
                &store, t, &dir, keep, at,
            ))));
        });
        self.backup_running = true;
        self.screen = Screen::Sale;
        self.info(Level::Info, self.texts.backup_running);
    }

    /// The register over a data folder whose disk the kernel made read-only (what a failing
    /// flash card becomes): nothing can be sold or saved, and nothing is opened for writing;
    /// the screen says so and takes a backup through a read-only handle to `[backup] dir`.
    pub fn read_only_disk(&mut self, why: String) {
        self.store = None;
        self.screen = Screen::ReadOnlyDisk(why);
    }

    pub(super) fn read_only_key(&mut self, key: ratatui::crossterm::event::KeyEvent) {
        use ratatui::crossterm::event::KeyCode;
        match key.code {
            KeyCode::Char('b' | 'B') if !self.backup_running => {
                let done = self.events.sender();
                let (t, dir, to, keep, at) = (
                    self.texts,
                    self.dir.clone(),
                    self.config.backup.dir.clone(),
                    self.config.backup.keep as usize,
                    self.now(),
                );
                std::thread::spawn(move || {
                    let step = backup_step_with(t, &to, None, |path| {
                        crate::store::StoreReader::open(&dir)?.backup_to(&dir, path, at, keep)
                    });
                    let _ = done.send(Event::Job(Job::Backup(step)));
                });
                self.backup_running = true;
                self.info(Level::Info, self.texts.backup_running);
            }
            // A kiosk has nothing else to run: it stays on this screen.
            KeyCode::Esc if !self.config.register.kiosk => self.quit = true,
            _ => {}
        }
    }
}
