//! A report on screen (the X, a closed shift), scrollable and printable.

use super::{App, Level, LoginForm, Screen};
use crate::devices::printer::PrinterCmd;
use crate::domain::report::Report;
use crate::i18n::x_title;
use crate::receipt::{Align, Line, Receipt, Style, report_lines};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

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

impl App {
    pub(super) fn report_body(&self, r: &Report, title: &str) -> Vec<Line> {
        let Some(store) = &self.store else {
            return Vec::new();
        };
        report_lines(r, title, &store.info().currency, 60, self.config.language)
    }

    /// Shows `report` under `heading`; `then_login` when Esc leaves for the login screen.
    pub(super) fn show_report(&mut self, report: Report, heading: String, then_login: bool) {
        let lines = self.report_body(&report, &heading);
        self.screen = Screen::Report(ReportView {
            report,
            heading,
            lines,
            scroll: 0,
            then_login,
        });
    }

    pub(super) fn x_report(&mut self) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let date = self.day.open.unwrap_or_else(|| self.now().date_naive());
        match store.day_report(date) {
            Ok(report) => {
                let heading = format!("{} {date}", x_title(self.config.language));
                self.show_report(report, heading, false);
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn report_key(&mut self, key: KeyEvent) {
        let Screen::Report(v) = &mut self.screen else {
            return;
        };
        match key.code {
            KeyCode::Up | KeyCode::Down => {
                v.scroll = super::keys::step(v.scroll, v.lines.len(), key.code)
            }
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
    pub(super) fn printable(&self, lines: Vec<Line>) -> Receipt {
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
}
