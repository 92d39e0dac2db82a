//! The technician's diagnostics screen: the doctor's checks live (on a thread, so the screen
//! never freezes), and actions to exercise each device.

use super::events::{Event, Job};
use super::{App, Level, Screen};
use crate::devices::printer::PrinterCmd;
use crate::doctor::{self, Finding};
use crate::domain::document::{DocBody, NoSaleBody, Override};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagView {
    Checks,
    Log,
    Config,
}

pub struct DiagState {
    pub view: DiagView,
    pub findings: Vec<Finding>,
    pub running: bool,
    pub text: Vec<String>,
    /// Which run of the checks this screen waits for (see [`super::events::Job::Checks`]).
    pub(super) run: u64,
}

/// The last `n` lines of the log.
fn tail(path: &std::path::Path, n: usize) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[lines.len().saturating_sub(n)..].to_vec()
}

/// `caja.toml` with every secret masked.
pub fn masked_config(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let key = l.split('=').next().unwrap_or("").trim();
            if ["password", "token", "secret"]
                .iter()
                .any(|k| key.contains(k))
                && l.contains('=')
            {
                format!("{key} = \"********\"")
            } else {
                l.to_string()
            }
        })
        .collect()
}

impl App {
    pub(super) fn open_diagnostics(&mut self) {
        let mut d = DiagState {
            view: DiagView::Checks,
            findings: Vec::new(),
            running: false,
            text: Vec::new(),
            run: 0,
        };
        self.run_checks(&mut d, false);
        self.screen = Screen::Diagnostics(d);
    }

    fn run_checks(&mut self, d: &mut DiagState, sync_only: bool) {
        self.check_runs += 1;
        let run = self.check_runs;
        let done = self.events.sender();
        let (config, dir, store) = (self.config.clone(), self.dir.clone(), self.store.clone());
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if sync_only {
                out.extend(doctor::sync_check(&config));
            } else {
                if let Some(s) = &store {
                    out.extend(doctor::open_store_checks(
                        s,
                        !config.sync.url.is_empty(),
                        config.language,
                    ));
                }
                out.extend(doctor::device_checks(&config, &dir));
            }
            let _ = done.send(Event::Job(Job::Checks { run, findings: out }));
        });
        d.running = true;
        d.run = run;
    }

    pub(super) fn diag_key(&mut self, mut d: DiagState, key: ratatui::crossterm::event::KeyEvent) {
        use ratatui::crossterm::event::KeyCode;
        match key.code {
            KeyCode::Esc if d.view != DiagView::Checks => d.view = DiagView::Checks,
            KeyCode::Esc => {
                // A technician has no till, nor has anybody when the menu was reached from the
                // login screen: back to login. A supervisor goes back to selling.
                if self
                    .user
                    .as_ref()
                    .is_none_or(|u| u.role == crate::domain::user::Role::Technician)
                {
                    self.user = None;
                    self.screen = Screen::Login(super::LoginForm::default());
                }
                return;
            }
            KeyCode::Char('r') | super::keys::RERUN if !d.running => self.run_checks(&mut d, false),
            KeyCode::Char('1') => {
                self.printer_cmd(PrinterCmd::TestPage);
                self.info(Level::Info, self.texts.diag_sent);
            }
            KeyCode::Char('2') => self.drawer_test(),
            KeyCode::Char('3') => {
                self.show("caja 0123456789 ABCD".into(), "áéíóú ñ ¿? ¡! 1234".into());
                self.info(Level::Info, self.texts.diag_sent);
            }
            KeyCode::Char('4') if !d.running => self.run_checks(&mut d, true),
            KeyCode::Char('6') => {
                d.text = tail(&self.dir.join(crate::log::LOG_FILE), 40);
                d.view = DiagView::Log;
            }
            KeyCode::Char('7') => {
                let text = std::fs::read_to_string(self.dir.join(crate::config::CONFIG_FILE))
                    .unwrap_or_default();
                d.text = masked_config(&text);
                d.view = DiagView::Config;
            }
            _ => {}
        }
        self.screen = Screen::Diagnostics(d);
    }

    /// A drawer pulse from the diagnostics screen is recorded like any drawer opening.
    fn drawer_test(&mut self) {
        let who = self
            .user
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let body = NoSaleBody {
            reason: crate::domain::document::RegisterReason::DrawerTest
                .text()
                .into(),
            overrides: vec![Override {
                action: crate::domain::document::OverrideAction::DrawerTest,
                supervisor: who,
                reason: crate::domain::document::RegisterReason::Diagnostics
                    .text()
                    .into(),
            }],
        };
        let header = self.header();
        let Some(store) = &self.store else { return };
        match store.commit(&header, DocBody::NoSale(body)) {
            Ok(c) => {
                tracing::info!(number = %c.number, "drawer test");
                self.printer_cmd(PrinterCmd::OpenDrawer(Some(c.number.clone())));
                self.info(
                    Level::Ok,
                    crate::i18n::fill(self.texts.no_sale_done, &[("number", &c.number)]),
                );
            }
            Err(e) => self.store_error(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        let m = masked_config(
            "[sync]\nurl = \"http://hub:5984\"\nuser = \"FV1\"\npassword = \"s3cret\"\n",
        );
        assert_eq!(m[3], "password = \"********\"");
        assert!(!m.join("\n").contains("s3cret"));
        assert_eq!(m[1], "url = \"http://hub:5984\"");
    }
}
