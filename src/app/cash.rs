//! Cash in and cash out: an amount, then a reason; over the drawer needs a supervisor.

use super::{App, Guarded, Level, Popup, edit};
use crate::devices::printer::PrinterCmd;
use crate::domain::document::{CashDirection, CashMoveBody, DocBody, Override};
use crate::i18n::fill;
use crate::store::Commit;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Cash in or out: amount, then reason.
pub struct CashForm {
    pub direction: CashDirection,
    pub amount: String,
    pub reason: String,
    pub on_reason: bool,
}

impl App {
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
                    &[("in_drawer", &store.info().currency.format_symbol(expected))],
                );
                self.info(Level::Error, text);
                return self.guard(Guarded::CashOut(f.amount.clone(), f.reason.clone()));
            }
        }
        body.overrides.push(Override {
            action: match f.direction {
                CashDirection::In => crate::domain::document::OverrideAction::CashIn,
                CashDirection::Out => crate::domain::document::OverrideAction::CashOut,
            },
            supervisor: self.supervisor.clone().unwrap_or_default(),
            reason: f.reason.trim().into(),
        });
        body.overrides.extend(over);
        match store.commit(
            &self.header(),
            Commit::from(DocBody::CashMove(body)).printed(),
        ) {
            Ok(c) => {
                tracing::info!(number = %c.number, "cash movement");
                self.outbox = c.outbox;
                self.printer_cmd(PrinterCmd::Wake);
                self.printer_cmd(PrinterCmd::OpenDrawer(Some(c.number.clone())));
                let t = fill(
                    self.texts.cash_done,
                    &[
                        ("what", &c.number),
                        ("amount", &store.info().currency.format(amount)),
                    ],
                );
                self.info(Level::Ok, t);
            }
            Err(e) => self.store_error(e),
        }
    }
}
