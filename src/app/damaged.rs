//! The damaged-store screen: the register found its store damaged, opened nothing and wrote
//! nothing, and offers a supervisor the rebuild that `caja rebuild` does.

use super::{App, Level, LoginForm, Screen};
use crate::i18n::fill;
use crate::store::rebuild::{MayRebuild, RebuildReport, may_rebuild, rebuild_dir};
use crate::store::{Store, StoreError};
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::path::PathBuf;
use std::sync::Arc;

pub struct DamagedState {
    /// Why the store could not be trusted (shown as given).
    pub why: String,
    pub form: LoginForm,
    /// After a rebuild: what it recovered, line by line, in the register's language.
    pub report: Option<Vec<String>>,
}

impl App {
    /// The register over `dir` as it starts: setup when there is no store, the damaged-store
    /// screen when the store cannot be trusted (never selling into it), else login.
    pub fn open(
        dir: PathBuf,
        config: crate::config::Config,
        clock: super::Clock,
    ) -> Result<App, StoreError> {
        // A read-only command (`caja journal`, `check`) may hold the store for a moment.
        let opened = Store::open(&dir);
        let (store, damaged) = match opened {
            Ok(s) => (Some(s), None),
            Err(StoreError::NotInitialized(_)) => (None, None),
            Err(e @ StoreError::Disk(crate::store::DiskFault::ReadOnly)) => {
                tracing::error!("the disk is read-only: {e}");
                let why = e.words(config.language, None);
                let mut app = App::new(dir, None, config, clock);
                app.read_only_disk(why);
                return Ok(app);
            }
            Err(e) => match e.damage(config.language) {
                Some(why) => (None, Some(why)),
                None => return Err(e),
            },
        };
        let mut app = App::new(dir, store, config, clock);
        if let Some(why) = damaged {
            tracing::error!("the store is damaged: {why}");
            app.damaged(why);
        }
        // What the open could not make agree (journal records set aside): said at the login.
        let found = app
            .store
            .as_ref()
            .map(|s| s.reconciled().problems.clone())
            .unwrap_or_default();
        for p in found {
            let text = fill(
                app.texts.journal_problem,
                &[("problem", &p.words(app.config.language))],
            );
            app.notice(Level::Warn, text);
        }
        Ok(app)
    }

    /// The register over a damaged store: nothing is opened; a supervisor may rebuild.
    pub fn damaged(&mut self, why: String) {
        self.store = None;
        self.screen = Screen::Damaged(DamagedState {
            why,
            form: LoginForm::default(),
            report: None,
        });
    }

    /// The register's own check of the store is done (see `Store::verify_live`).
    pub fn on_verified(&mut self, problems: Vec<crate::store::check::Problem>) {
        let damaged = self.store.as_ref().and_then(|s| s.damaged());
        if damaged.is_some() {
            self.notice(Level::Error, self.texts.store_damaged_found);
        } else if let Some(p) = problems.first() {
            // The journal's own damage: the store's copies stand; `caja check` lists it all.
            self.notice(
                Level::Warn,
                fill(
                    self.texts.journal_problem,
                    &[("problem", &p.words(self.config.language))],
                ),
            );
        }
    }

    fn backup_dir(&self) -> Option<PathBuf> {
        let d = self.config.backup.dir.trim();
        (!d.is_empty()).then(|| PathBuf::from(d))
    }

    pub(super) fn damaged_key(&mut self, key: KeyEvent) {
        let Screen::Damaged(st) = &mut self.screen else {
            return;
        };
        if st.report.is_some() {
            if key.code == KeyCode::Enter {
                self.open_rebuilt();
            }
            return;
        }
        match st.form.key(key) {
            super::forms::UserPin::Typing => {}
            super::forms::UserPin::EscOnUser => self.quit = true,
            super::forms::UserPin::Done(user, pin) => self.rebuild_as(&user, &pin),
        }
    }

    fn rebuild_as(&mut self, user: &str, pin: &str) {
        let t = self.texts;
        let backups = self.backup_dir();
        let verdict = may_rebuild(&self.dir, backups.as_deref(), user, pin);
        if verdict == MayRebuild::No {
            tracing::warn!(%user, "rebuild refused: not a supervisor");
            self.info(Level::Error, t.damaged_not_supervisor);
            return;
        }
        tracing::warn!(%user, ?verdict, "rebuilding the damaged store from the screen");
        match rebuild_dir(&self.dir, self.now(), backups.as_deref()) {
            Ok(r) => {
                let mut lines = report_lines(t, &r);
                if verdict == MayRebuild::NobodyKnown {
                    lines.insert(0, t.damaged_nobody.to_string());
                }
                tracing::info!(documents = r.documents, lost = r.lost.len(), "rebuilt");
                if let Screen::Damaged(st) = &mut self.screen {
                    st.report = Some(lines);
                }
                self.info(Level::Info, t.damaged_done);
            }
            Err(e) => {
                tracing::error!("rebuild failed: {e}");
                self.info(
                    Level::Error,
                    fill(t.damaged_failed, &[("why", &e.words(t.language, None))]),
                );
            }
        }
    }

    fn open_rebuilt(&mut self) {
        match Store::open(&self.dir) {
            Ok(s) => {
                self.store = Some(Arc::new(s));
                self.screen = Screen::Login(LoginForm::default());
                self.message = None;
                self.refresh_outbox();
                self.refresh_day();
                self.read_loyalty();
            }
            Err(e) => self.store_error(e),
        }
    }
}

/// A rebuild's report in the register's language (the reasons stay as the store gave them).
pub fn report_lines(t: &crate::i18n::Texts, r: &RebuildReport) -> Vec<String> {
    let mut v = vec![fill(
        t.damaged_documents,
        &[
            ("documents", &r.documents.to_string()),
            ("from_journal", &(r.documents - r.from_store).to_string()),
            ("from_store", &r.from_store.to_string()),
        ],
    )];
    for c in &r.copied {
        let part = t.rebuild_parts[c.part.index()];
        let text = if c.from_backup.is_some() {
            t.damaged_recovered_backup
        } else {
            t.damaged_recovered
        };
        v.push(fill(text, &[("part", part), ("rows", &c.rows.to_string())]));
    }
    for l in &r.lost {
        v.push(fill(t.damaged_lost, &[("what", &l.words(t.language))]));
    }
    if let Some(p) = &r.from_backup {
        v.push(fill(
            t.damaged_backup,
            &[("path", &p.display().to_string())],
        ));
    }
    if let Some(p) = &r.damaged_kept_as {
        v.push(fill(t.damaged_kept, &[("path", &p.display().to_string())]));
    }
    v
}
