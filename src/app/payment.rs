//! Payment: tenders until the ticket is covered, then one durable commit, the receipt to the
//! printer worker, and a fresh ticket at once.

use super::keys::PaymentAction;
use super::{App, LastSale, Level, Screen, Ticket, edit};
use crate::devices::printer::PrinterCmd;
use crate::domain::document::SaleBody;
use crate::domain::money::Money;
use crate::domain::tender::{Tender, TenderError, TenderKind, remaining, settle};
use crate::i18n::fill;
use crate::store::Commit;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

#[derive(Default)]
pub struct PaymentState {
    pub input: String,
    /// A card, transfer or other tender waiting for its reference.
    pub pending: Option<(TenderKind, Money)>,
}

impl App {
    /// What is still due before cash rounding.
    pub fn due(&self) -> Money {
        remaining(self.ticket.total(), &self.ticket.tenders).unwrap_or(Money::ZERO)
    }

    pub(super) fn payment_key(&mut self, mut p: PaymentState, key: KeyEvent) {
        let Some(currency) = self.store.as_ref().map(|s| s.info().currency.clone()) else {
            return;
        };
        match key.code {
            KeyCode::Esc if p.pending.is_some() => {
                p.pending = None;
                p.input.clear();
            }
            // Back to the ticket; tenders already given stay with it.
            KeyCode::Esc => return,
            KeyCode::Enter if p.pending.is_some() => {
                if let Some((kind, amount)) = p.pending.take() {
                    let reference =
                        Some(std::mem::take(&mut p.input)).filter(|r| !r.trim().is_empty());
                    self.tender(Tender {
                        kind,
                        amount,
                        reference,
                    });
                }
            }
            KeyCode::Enter => {
                let amount = if p.input.trim().is_empty() {
                    currency.round_cash(self.due()).unwrap_or(self.due())
                } else {
                    match currency.parse_local(&p.input) {
                        Ok(m) if m.is_positive() => m,
                        _ => {
                            self.info(
                                Level::Error,
                                fill(self.texts.pay_bad_amount, &[("input", p.input.trim())]),
                            );
                            p.input.clear();
                            self.screen = Screen::Payment(p);
                            return;
                        }
                    }
                };
                p.input.clear();
                self.tender(Tender::cash(amount));
            }
            // Loyalty points: the typed amount, or as much as the customer may use.
            code if PaymentAction::of(code) == Some(PaymentAction::Points) => {
                let typed = std::mem::take(&mut p.input);
                self.points_tender(&typed, &currency);
            }
            code if let Some(PaymentAction::Tender(kind)) = PaymentAction::of(code) => {
                let amount = if p.input.trim().is_empty() {
                    Ok(self.due())
                } else {
                    currency.parse_local(&p.input)
                };
                match amount {
                    Ok(a) if a.is_positive() => p.pending = Some((kind, a)),
                    _ => self.info(
                        Level::Error,
                        fill(self.texts.pay_bad_amount, &[("input", p.input.trim())]),
                    ),
                }
                p.input.clear();
            }
            _ => {
                edit(&mut p.input, key);
            }
        }
        // Still paying, unless the sale just committed and left a new, empty ticket.
        if !self.ticket.is_empty() {
            self.screen = Screen::Payment(p);
        }
    }

    /// Adds a tender; commits the sale once the ticket is covered.
    fn tender(&mut self, t: Tender) {
        let Some(store) = &self.store else { return };
        let currency = store.info().currency.clone();
        self.ticket.tenders.push(t);
        match settle(self.ticket.total(), &self.ticket.tenders, &currency) {
            Ok(_) => self.commit_sale(),
            Err(TenderError::Short { .. }) => self.message = None,
            Err(e) => {
                self.ticket.tenders.pop();
                self.say_error(e);
            }
        }
    }

    fn points_tender(&mut self, typed: &str, currency: &crate::domain::money::Currency) {
        let rules = self.loyalty();
        let Some(c) = self.ticket.customer.clone() else {
            let text = self.error_words(&crate::domain::loyalty::PointsError::NoCustomer);
            return self.info(Level::Error, text);
        };
        let Some(store) = self.store.clone() else {
            return;
        };
        let balance = match store.points_balance(&c.key()) {
            Ok(b) => b,
            Err(e) => return self.store_error(e),
        };
        // What earlier points tenders of this ticket already took.
        let used: i64 = self
            .ticket
            .tenders
            .iter()
            .filter(|t| t.kind == TenderKind::Points)
            .map(|t| crate::domain::loyalty::points_of(t.reference.as_deref()))
            .sum();
        let balance = balance - used;
        let amount = if typed.trim().is_empty() {
            crate::domain::loyalty::max_redeemable(rules, balance, self.due())
        } else {
            match currency.parse_local(typed) {
                Ok(m) if m.is_positive() => m.min(self.due()),
                _ => {
                    return self.info(
                        Level::Error,
                        fill(self.texts.pay_bad_amount, &[("input", typed.trim())]),
                    );
                }
            }
        };
        match crate::domain::loyalty::redeem(rules, balance, amount, self.ticket.total()) {
            Ok((0, _)) => self.info(
                Level::Error,
                fill(
                    self.texts.points_none,
                    &[("max", &balance.max(0).to_string())],
                ),
            ),
            Ok((points, value)) => {
                let reference = fill(
                    self.texts.points_reference,
                    &[("points", &points.to_string())],
                );
                self.tender(Tender {
                    kind: TenderKind::Points,
                    amount: value,
                    reference: Some(reference),
                });
            }
            Err(e) => self.say_error(e),
        }
    }

    fn commit_sale(&mut self) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let info = store.info();
        let body = SaleBody::build(
            &self.ticket.lines,
            self.ticket.discount,
            self.ticket.tenders.clone(),
            info.prices_include_tax,
            &info.currency,
        );
        let mut body = match body {
            Ok(b) => b,
            Err(e) => {
                self.ticket.tenders.pop();
                return self.say_error(e);
            }
        };
        body.overrides = self.ticket.overrides.clone();
        body.customer = self.ticket.customer.as_ref().map(|c| c.key());
        let (total, change) = (body.total, body.change);
        let header = self.header();
        let cash = body.tenders.iter().any(|t| t.kind == TenderKind::Cash);
        let rules = self.loyalty();
        match store.commit(&header, Commit::sale(body, rules).printed()) {
            Ok(c) => {
                self.outbox = c.outbox;
                tracing::info!(number = %c.number, total = total.minor(), cashier = %header.cashier, "sale committed");
                self.printer_cmd(PrinterCmd::Wake);
                if cash {
                    self.printer_cmd(PrinterCmd::OpenDrawer(Some(c.number.clone())));
                }
                let mut msg = fill(self.texts.sale_done, &[("number", &c.number)]);
                if let Some(left) = c.numbers_left {
                    msg.push_str(&format!(" ({left})"));
                }
                let cur = &store.info().currency;
                let (top, bottom) = (
                    crate::devices::display::two_cols(self.texts.total, &cur.format_symbol(total)),
                    crate::devices::display::two_cols(
                        self.texts.change,
                        &cur.format_symbol(change),
                    ),
                );
                self.show(top, bottom);
                self.last_sale = Some(LastSale {
                    number: c.number,
                    total,
                    change,
                });
                self.ticket = Ticket::default();
                // The sale is durable in the store; its second copy is not being written.
                if store.journal_failure().is_some() {
                    let number = self.last_sale.as_ref().map(|l| l.number.clone());
                    let warn = fill(
                        self.texts.journal_failing,
                        &[("why", &number.unwrap_or_default())],
                    );
                    return self.info(Level::Warn, warn);
                }
                self.info(
                    if c.numbers_left.is_some() {
                        Level::Warn
                    } else {
                        Level::Ok
                    },
                    msg,
                );
            }
            Err(e) => {
                // Nothing is lost: the ticket and its tenders stay on screen to try again.
                self.ticket.tenders.pop();
                self.store_error(e);
            }
        }
    }
}
