//! A refund: the sale found by its number, the quantities given back per line, the reason,
//! then one document that cannot give back more than was sold.

use super::{App, Level, Popup, Screen, edit};
use crate::domain::document::{DocBody, Override, SaleBody};
use crate::domain::qty::Qty;
use crate::domain::refund::ReturnedLine;
use crate::domain::tender::TenderKind;
use crate::i18n::fill;
use crate::store::Commit;
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

impl App {
    pub(super) fn refund_key(&mut self, mut r: RefundState, key: KeyEvent) {
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
                KeyCode::Up | KeyCode::Down => {
                    r.selected = super::keys::step(r.selected, lines, key.code)
                }
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
        // The sale and its earlier refunds, from one read of the store.
        let view = match store.view() {
            Ok(v) => v,
            Err(e) => return self.say_error(e),
        };
        match view.doc_by_number(&number) {
            Ok(Some((_, d))) => match d.doc.body {
                DocBody::Sale(s) => {
                    r.returns = vec![Qty::from_milli(0); s.lines.len()];
                    r.refunded = view
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
            action: crate::domain::document::OverrideAction::Refund,
            supervisor,
            reason: reason.trim().into(),
        };
        let (number, header) = (number.clone(), self.header());
        let Some(store) = self.store.clone() else {
            return;
        };
        let rules = self.loyalty();
        let refund = Commit::refund(&number, &returned, reason, vec![ov], rules).printed();
        match store.commit(&header, refund) {
            Ok(c) => {
                tracing::info!(number = %c.number, original = %number, supervisor = ?self.supervisor, "refund committed");
                let tenders = match store
                    .view()
                    .and_then(|v| v.doc(c.seq))
                    .ok()
                    .flatten()
                    .map(|d| d.doc.body)
                {
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
                self.outbox = c.outbox;
                self.screen = Screen::Sale;
            }
            Err(e) => self.store_error(e),
        }
    }
}
