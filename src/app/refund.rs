//! The supervisor menu (F9): refunds, unlocking users, logging out; and the recall list (F6).

use super::{App, Level, LoginForm, Popup, Screen, edit};
use crate::domain::document::{CashDirection, DocBody, Override, SaleBody};
use crate::domain::qty::Qty;
use crate::domain::refund::ReturnedLine;
use crate::domain::tender::TenderKind;
use crate::i18n::fill;
use crate::store::held::HeldTicket;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

#[derive(Default)]
pub struct RefundState {
    /// The sale number being typed, then the sale found.
    pub number: String,
    pub sale: Option<(String, SaleBody)>,
    /// Quantity to return per sale line.
    pub returns: Vec<Qty>,
    /// What earlier refunds already took back, per sale line.
    pub refunded: Vec<Qty>,
    pub selected: usize,
    pub input: String,
}

#[derive(Default)]
pub struct RecallState {
    pub list: Vec<(u64, HeldTicket)>,
    pub selected: usize,
}

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
                action: "no_sale".into(),
                supervisor,
                reason: reason.trim().into(),
            }],
        };
        let header = self.header();
        let Some(store) = &self.store else { return };
        match store.commit_printed(&header, DocBody::NoSale(body)) {
            Ok(c) => {
                tracing::info!(number = %c.number, supervisor = ?self.supervisor, "drawer opened without a sale");
                self.printer_cmd(crate::devices::printer::PrinterCmd::Wake);
                self.printer_cmd(crate::devices::printer::PrinterCmd::OpenDrawer(Some(
                    c.number.clone(),
                )));
                self.outbox += 1;
                self.info(
                    Level::Ok,
                    fill(self.texts.no_sale_done, &[("number", &c.number)]),
                );
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn refund_key(&mut self, key: KeyEvent) {
        let Screen::Refund(mut r) = std::mem::replace(&mut self.screen, Screen::Sale) else {
            return;
        };
        if r.sale.is_none() {
            match key.code {
                KeyCode::Esc => return,
                KeyCode::Enter => self.find_sale(&mut r),
                _ => {
                    edit(&mut r.number, key);
                }
            }
        } else {
            let lines = r.returns.len();
            match key.code {
                KeyCode::Esc => return,
                KeyCode::Up => r.selected = r.selected.saturating_sub(1),
                KeyCode::Down => r.selected = (r.selected + 1).min(lines.saturating_sub(1)),
                KeyCode::Enter => {
                    // Empty or 0: nothing of this line goes back (a line set by mistake clears).
                    let q = if matches!(r.input.trim(), "" | "0") {
                        Ok(Qty::from_milli(0))
                    } else {
                        match &self.store {
                            Some(st) => st.info().currency.parse_qty(&r.input),
                            None => Qty::parse(&r.input),
                        }
                    };
                    match q {
                        Ok(q) => {
                            if let Some(slot) = r.returns.get_mut(r.selected) {
                                *slot = q;
                            }
                            r.selected = (r.selected + 1).min(lines.saturating_sub(1));
                        }
                        Err(e) => self.say_error(e),
                    }
                    r.input.clear();
                }
                super::keys::CONFIRM => {
                    if r.returns.iter().any(|q| q.milli() > 0) {
                        self.popup = Some(Popup::RefundReason(String::new()));
                    } else {
                        self.info(Level::Warn, self.texts.refund_nothing);
                    }
                }
                _ => {
                    edit(&mut r.input, key);
                }
            }
        }
        self.screen = Screen::Refund(r);
    }

    fn find_sale(&mut self, r: &mut RefundState) {
        let Some(store) = &self.store else { return };
        let number = r.number.trim().to_ascii_uppercase();
        match store.doc_by_number(&number) {
            Ok(Some((_, d))) => match d.doc.body {
                DocBody::Sale(s) => {
                    r.returns = vec![Qty::from_milli(0); s.lines.len()];
                    r.refunded = store
                        .refunded_qty(&d.doc.number)
                        .unwrap_or_else(|_| r.returns.clone());
                    r.sale = Some((d.doc.number, s));
                    self.message = None;
                }
                _ => self.info(
                    Level::Error,
                    fill(self.texts.err_not_a_sale, &[("number", &number)]),
                ),
            },
            Ok(None) => self.info(
                Level::Error,
                fill(self.texts.err_no_document, &[("number", &number)]),
            ),
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn commit_refund(&mut self, reason: &str) {
        let Screen::Refund(r) = &self.screen else {
            return;
        };
        let Some((number, _)) = &r.sale else { return };
        let returned: Vec<ReturnedLine> = r
            .returns
            .iter()
            .enumerate()
            .filter(|(_, q)| q.milli() > 0)
            .map(|(i, q)| ReturnedLine {
                line: i as u32,
                qty: *q,
            })
            .collect();
        let supervisor = self.supervisor.clone().unwrap_or_default();
        let ov = Override {
            action: "refund".into(),
            supervisor,
            reason: reason.trim().into(),
        };
        let (number, header) = (number.clone(), self.header());
        let Some(store) = self.store.clone() else {
            return;
        };
        match store.refund(
            &header,
            &number,
            &returned,
            reason,
            vec![ov],
            &self.loyalty(),
        ) {
            Ok(c) => {
                tracing::info!(number = %c.number, original = %number, supervisor = ?self.supervisor, "refund committed");
                let tenders = match store.doc(c.seq).ok().flatten().map(|d| d.doc.body) {
                    Some(DocBody::Refund(rf)) => rf.tenders,
                    _ => Vec::new(),
                };
                let paid = crate::domain::Money::sum(tenders.iter().map(|t| t.amount))
                    .unwrap_or(crate::domain::Money::ZERO);
                // The receipt is queued with the refund; cash paid back opens the drawer.
                self.printer_cmd(crate::devices::printer::PrinterCmd::Wake);
                if tenders.iter().any(|t| t.kind == TenderKind::Cash) {
                    self.printer_cmd(crate::devices::printer::PrinterCmd::OpenDrawer(Some(
                        c.number.clone(),
                    )));
                }
                let paid = store.info().currency.format_symbol(paid);
                self.info(
                    Level::Ok,
                    fill(
                        self.texts.refund_done,
                        &[("number", &c.number), ("paid", &paid)],
                    ),
                );
                self.outbox += 1;
                self.screen = Screen::Sale;
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn open_recall(&mut self) {
        let Some(store) = &self.store else { return };
        match store.held() {
            Ok(list) if list.is_empty() => self.info(Level::Info, self.texts.nothing_held),
            Ok(list) => self.screen = Screen::Recall(RecallState { list, selected: 0 }),
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn recall_key(&mut self, key: KeyEvent) {
        let Screen::Recall(mut r) = std::mem::replace(&mut self.screen, Screen::Sale) else {
            return;
        };
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Up => r.selected = r.selected.saturating_sub(1),
            KeyCode::Down => r.selected = (r.selected + 1).min(r.list.len().saturating_sub(1)),
            KeyCode::Enter => {
                if let Some((id, _)) = r.list.get(r.selected) {
                    let id = *id;
                    self.recall(id);
                    return;
                }
            }
            // Delete: the held ticket is given up, on the record; with tenders taken, a
            // supervisor decides.
            KeyCode::Delete => {
                if let Some((id, h)) = r.list.get(r.selected) {
                    let id = *id;
                    if h.tenders.is_empty() {
                        self.delete_held(id, None);
                    } else {
                        self.guard(super::Guarded::DeleteHeld(id));
                    }
                    return;
                }
            }
            _ => {}
        }
        self.screen = Screen::Recall(r);
    }

    /// Deletes a held ticket, recorded as a cancelled ticket.
    pub(super) fn delete_held(&mut self, id: u64, authorized: Option<Override>) {
        let Some(store) = self.store.clone() else {
            return;
        };
        self.screen = Screen::Sale;
        let header = self.header();
        match store.delete_held(id, &header, "", authorized.into_iter().collect()) {
            Ok(Some(c)) => {
                tracing::info!(number = %c.number, held = id, "held ticket deleted");
                self.outbox += 1;
                self.info(
                    Level::Info,
                    fill(self.texts.held_deleted, &[("number", &c.number)]),
                );
            }
            Ok(None) => self.info(Level::Warn, self.texts.nothing_held),
            Err(e) => self.store_error(e),
        }
    }
}
