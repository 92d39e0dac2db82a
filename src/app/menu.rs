//! The supervisor menu (F9, behind a PIN): refunds, reprints, a drawer opened without a
//! sale, unlocking users, logging out; and the smaller menu reached from the login screen.

use super::{App, Level, LoginForm, Popup, RefundState, Screen};
use crate::domain::document::{CashDirection, DocBody, Override};
use crate::i18n::fill;
use crate::store::Commit;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

impl App {
    pub(super) fn menu_key(&mut self, key: KeyEvent) {
        if self.user.is_none() {
            return self.login_menu_key(key);
        }
        match key.code {
            // A refund is a document of the open business date: none is open after a Z.
            KeyCode::Char('1') if self.day.open.is_none() => {
                self.screen = Screen::Sale;
                self.after_login();
                self.info(Level::Warn, self.texts.refund_needs_day);
            }
            KeyCode::Char('1') => self.screen = Screen::Refund(RefundState::default()),
            KeyCode::Char('2') => {
                self.screen = Screen::Sale;
                self.popup = Some(Popup::Unlock(String::new()));
            }
            KeyCode::Char('3') => {
                self.user = None;
                self.supervisor = None;
                self.screen = Screen::Login(LoginForm::default());
            }
            KeyCode::Char('4') => self.quit = true,
            KeyCode::Char('5') => {
                self.screen = Screen::Sale;
                self.popup = Some(Popup::Reprint(String::new()));
            }
            KeyCode::Char('6') => {
                self.screen = Screen::Sale;
                self.popup = Some(Popup::NoSale(String::new()));
            }
            KeyCode::Char('7') => self.open_diagnostics(),
            KeyCode::Char(c @ ('8' | '9')) => {
                self.screen = Screen::Sale;
                self.popup = Some(Popup::Cash(super::CashForm {
                    direction: if c == '8' {
                        CashDirection::In
                    } else {
                        CashDirection::Out
                    },
                    amount: String::new(),
                    reason: String::new(),
                    on_reason: false,
                }));
            }
            KeyCode::Char('u' | 'U') => {
                self.screen = Screen::Sale;
                self.popup = Some(Popup::User(super::UserForm::default()));
            }
            KeyCode::Char('0') => self.open_shift_close(),
            KeyCode::Char('f' | 'F') => self.ask_correct_day(),
            KeyCode::Char('x' | 'X') => self.x_report(),
            KeyCode::Char('z' | 'Z') => self.open_close_day(),
            KeyCode::Char('d' | 'D' | 'j' | 'J') => self.open_journal(),
            KeyCode::Char('b' | 'B') => self.backup_now(),
            KeyCode::Char('t' | 'T') => {
                self.screen = Screen::Sale;
                let register = self
                    .store
                    .as_ref()
                    .map(|s| s.info().register.to_string())
                    .unwrap_or_default();
                self.popup = Some(Popup::TokenAnswer(super::TokenAnswerForm {
                    register,
                    code: String::new(),
                    on_code: true,
                    result: None,
                }));
            }
            KeyCode::Esc if self.shift.is_none() => self.after_login(),
            KeyCode::Esc => self.screen = Screen::Sale,
            _ => {}
        }
    }

    /// The supervisor menu reached from the login screen (F9), with nobody logged in: what
    /// needs no till: unlock a user, users, diagnostics, close the register.
    fn login_menu_key(&mut self, key: KeyEvent) {
        let to_login = |app: &mut App| {
            app.screen = Screen::Login(LoginForm::default());
        };
        match key.code {
            KeyCode::Char('2') => {
                to_login(self);
                self.popup = Some(Popup::Unlock(String::new()));
            }
            KeyCode::Char('u' | 'U') => {
                to_login(self);
                self.popup = Some(Popup::User(super::UserForm::default()));
            }
            KeyCode::Char('7') => self.open_diagnostics(),
            KeyCode::Char('4') => self.quit = true,
            KeyCode::Esc => {
                self.supervisor = None;
                to_login(self);
            }
            KeyCode::Char(_) => self.info(Level::Warn, self.texts.menu_login_first),
            _ => {}
        }
    }

    pub(super) fn unlock(&mut self, name: &str) {
        let Some(store) = &self.store else { return };
        match store.unlock_user(name.trim()) {
            Ok(()) => self.info(
                Level::Ok,
                fill(self.texts.unlocked, &[("name", name.trim())]),
            ),
            Err(e) => self.store_error(e),
        }
    }

    /// Queues a copy of any document's receipt.
    pub(super) fn reprint(&mut self, number: &str) {
        let Some(store) = &self.store else { return };
        let number = number.trim().to_ascii_uppercase();
        match store.queue_reprint(&number) {
            Ok(()) => {
                self.printer_cmd(crate::devices::printer::PrinterCmd::Wake);
                self.info(
                    Level::Ok,
                    fill(self.texts.reprint_queued, &[("number", &number)]),
                );
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Opens the drawer with no sale, recorded as a document under the supervisor's name.
    pub(super) fn no_sale(&mut self, reason: &str) {
        let supervisor = self.supervisor.clone().unwrap_or_default();
        let body = crate::domain::document::NoSaleBody {
            reason: reason.trim().to_string(),
            overrides: vec![Override {
                action: crate::domain::document::OverrideAction::NoSale,
                supervisor,
                reason: reason.trim().into(),
            }],
        };
        let header = self.header();
        let Some(store) = &self.store else { return };
        match store.commit(&header, Commit::from(DocBody::NoSale(body)).printed()) {
            Ok(c) => {
                tracing::info!(number = %c.number, supervisor = ?self.supervisor, "drawer opened without a sale");
                self.printer_cmd(crate::devices::printer::PrinterCmd::Wake);
                self.printer_cmd(crate::devices::printer::PrinterCmd::OpenDrawer(Some(
                    c.number.clone(),
                )));
                self.outbox = c.outbox;
                self.info(
                    Level::Ok,
                    fill(self.texts.no_sale_done, &[("number", &c.number)]),
                );
            }
            Err(e) => self.store_error(e),
        }
    }
}
