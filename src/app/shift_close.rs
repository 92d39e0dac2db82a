//! Closing a shift: pick it, count the drawer blind, then see what was expected.

use super::{App, Level, Screen, edit};
use crate::devices::printer::PrinterCmd;
use crate::domain::document::Override;
use crate::domain::money::Money;
use crate::i18n::fill;
use crate::store::day::OpenShift;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Closing a shift: pick it, type the cash counted, then see the result.
pub struct ShiftCloseState {
    pub shifts: Vec<OpenShift>,
    pub selected: usize,
    pub counted: String,
}

impl App {
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
            KeyCode::Up | KeyCode::Down => {
                st.selected = super::keys::step(st.selected, st.shifts.len(), key.code)
            }
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

    pub(super) fn close_shift(&mut self, shift: &OpenShift, counted: &str) {
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
                action: crate::domain::document::OverrideAction::CloseShift,
                supervisor: self.supervisor.clone().unwrap_or_default(),
                reason: crate::domain::document::RegisterReason::shift_of(&shift.cashier),
            }]
        };
        match store.close_shift(&self.header(), &shift.cashier, counted, overrides) {
            Ok((c, report)) => {
                tracing::info!(number = %c.number, cashier = %shift.cashier, "shift closed");
                self.outbox = c.outbox;
                self.printer_cmd(PrinterCmd::Wake);
                let m = |v: Money| currency.format(v);
                let diff = report.difference().ok().flatten().unwrap_or(Money::ZERO);
                let title = fill(
                    self.texts.shift_closed,
                    &[
                        ("number", &c.number),
                        ("expected", &m(report.expected_cash)),
                        ("counted", &m(counted)),
                        ("difference", &m(diff)),
                    ],
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
                self.show_report(report, heading, shift.cashier == me);
            }
            Err(e) => self.store_error(e),
        }
    }
}
