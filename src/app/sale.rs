//! The sale screen: scanning, quantities, search, voids, discounts, hold and recall.

use super::keys::{self, SaleAction};
use super::{App, Guarded, Level, Popup, Screen, edit};
use crate::domain::catalog::Product;
use crate::domain::document::{CancelBody, DocBody, Override, VoidBody};
use crate::domain::money::Money;
use crate::domain::qty::Qty;
use crate::domain::scale::Label;
use crate::domain::tender::Tender;
use crate::domain::ticket::{Discount, TicketLine, Totals, price};
use crate::i18n::fill;
use crate::store::held::HeldTicket;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// A quantity over the limits, waiting for a supervisor: the item, how much, and what it
/// would add to the ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LargeQuantity {
    pub product: Product,
    pub qty: Qty,
    pub unit_price: Money,
    pub amount: Money,
}

/// A ticket line of `qty` of `p` at `unit_price`, with no discount.
fn line_of(p: &Product, qty: Qty, unit_price: Money) -> TicketLine {
    TicketLine {
        sku: p.sku.clone(),
        name: p.name.clone(),
        qty,
        unit_price,
        tax_rate: p.tax_rate,
        discount: None,
    }
}

/// An open-price item waiting for the price the cashier types.
#[derive(Clone, Debug)]
pub struct OpenPrice {
    pub product: Product,
    pub qty: Qty,
    pub input: String,
}

/// The ticket being rung up.
#[derive(Default, Clone, Debug)]
pub struct Ticket {
    pub lines: Vec<TicketLine>,
    pub selected: usize,
    pub discount: Option<Discount>,
    pub tenders: Vec<Tender>,
    pub overrides: Vec<Override>,
    pub totals: Option<Totals>,
    /// Who the sale is for; None is a final consumer.
    pub customer: Option<crate::domain::customer::Customer>,
}

impl Ticket {
    pub fn total(&self) -> Money {
        self.totals.as_ref().map_or(Money::ZERO, |t| t.total)
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Recomputes the totals; on error the ticket is left as it was before the change.
    fn reprice(
        &mut self,
        prices_include_tax: bool,
    ) -> Result<(), crate::domain::ticket::PricingError> {
        self.totals = Some(price(&self.lines, self.discount, prices_include_tax)?);
        Ok(())
    }
}

#[derive(Default)]
pub struct SearchState {
    pub query: String,
    pub results: Vec<Product>,
    pub selected: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiscountTarget {
    Line(usize),
    Ticket,
}

/// Reads "10%", "2.000", "T10%" or "T2.000".
pub fn parse_discount(
    s: &str,
    currency: &crate::domain::money::Currency,
) -> Option<(bool, Discount)> {
    let t = s.trim();
    let (whole, rest) = match t.strip_prefix(['T', 't']) {
        Some(r) => (true, r.trim()),
        None => (false, t),
    };
    let d = match rest.strip_suffix('%') {
        Some(p) => Discount::Percent(crate::domain::qty::TaxRate::parse_percent(p).ok()?.bp()),
        None => Discount::Amount(
            currency
                .parse_local(rest)
                .ok()
                .filter(|m| m.is_positive())?,
        ),
    };
    Some((whole, d))
}

impl App {
    fn prices_include_tax(&self) -> bool {
        self.store
            .as_ref()
            .is_none_or(|s| s.info().prices_include_tax)
    }

    pub(super) fn sale_key(&mut self, key: KeyEvent) {
        // Selling needs an open shift: after a shift or the day closed under this user, the
        // sale screen leads back to the shift opening (F9 still reaches the supervisor menu).
        if self.shift.is_none() && !keys::is_menu(key.code) {
            self.after_login();
            return;
        }
        let action = SaleAction::of(key.code);
        match key.code {
            KeyCode::Enter if !self.input.trim().is_empty() => {
                let input = std::mem::take(&mut self.input);
                self.scan(&input);
            }
            KeyCode::Up => self.ticket.selected = self.ticket.selected.saturating_sub(1),
            KeyCode::Down => {
                self.ticket.selected =
                    (self.ticket.selected + 1).min(self.ticket.lines.len().saturating_sub(1))
            }
            _ if action == Some(SaleAction::Help) => self.screen = Screen::Help,
            _ if action == Some(SaleAction::Search) => {
                let mut s = SearchState {
                    query: std::mem::take(&mut self.input),
                    ..SearchState::default()
                };
                self.run_search(&mut s);
                self.screen = Screen::Search(s);
            }
            _ if action == Some(SaleAction::Customer) => self.open_customers(),
            _ if action == Some(SaleAction::Discount) && !self.ticket.is_empty() => {
                self.popup = Some(Popup::Discount(String::new()))
            }
            _ if action == Some(SaleAction::Hold) => self.hold(),
            _ if action == Some(SaleAction::Recall) => self.open_recall(),
            _ if action == Some(SaleAction::Reprint) => {
                match self.last_sale.as_ref().map(|l| l.number.clone()) {
                    Some(n) => self.reprint(&n),
                    None => self.info(Level::Info, self.texts.nothing_to_reprint),
                }
            }
            _ if action == Some(SaleAction::VoidLine) && !self.ticket.is_empty() => {
                let i = self.ticket.selected;
                if self.ticket.tenders.is_empty() {
                    self.void_line(i, None)
                } else {
                    self.guard(Guarded::VoidLine(i))
                }
            }
            _ if action == Some(SaleAction::Menu) => self.guard(Guarded::Menu),
            _ if action == Some(SaleAction::Sync) => self.open_sync_panel(),
            _ if action == Some(SaleAction::Pay) && !self.ticket.is_empty() => {
                if let Some(store) = &self.store {
                    let total = store.info().currency.format_symbol(self.ticket.total());
                    self.show(
                        crate::devices::display::two_cols(self.texts.total, &total),
                        String::new(),
                    );
                }
                self.screen = Screen::Payment(super::PaymentState::default());
            }
            KeyCode::Esc if !self.input.is_empty() => self.input.clear(),
            KeyCode::Esc if !self.ticket.is_empty() => self.popup = Some(Popup::ConfirmCancel),
            _ => {
                edit(&mut self.input, key);
                self.input_only = true;
            }
        }
    }

    /// What the cashier typed or scanned: `CODE` or `N*CODE`.
    pub fn scan(&mut self, input: &str) {
        let t = self.texts;
        let Some(currency) = self.store.as_ref().map(|s| s.info().currency.clone()) else {
            return;
        };
        let (qty, code) = match input.split_once('*') {
            Some((q, c)) => match currency.parse_qty(q) {
                Ok(q) => (q, c.trim()),
                Err(_) => return self.info(Level::Error, fill(t.bad_qty, &[("input", q.trim())])),
            },
            None => (Qty::ONE, input.trim()),
        };
        let Some(store) = self.store.clone() else {
            return;
        };
        let found = match store.lookup_code(code) {
            // A deli scale's label, when no product has the code itself: the item and its
            // weight or price.
            Ok(None) if !input.contains('*') => match self.scale_label(code) {
                Some(label) => match store.lookup_code(label.item()) {
                    Ok(Some(p)) => Ok(Some((p, Some(label)))),
                    other => other.map(|o| o.map(|p| (p, None))),
                },
                None => Ok(None),
            },
            other => other.map(|o| o.map(|p| (p, None))),
        };
        match found {
            Ok(Some((p, _))) if !p.active => {
                self.info(Level::Error, fill(t.inactive_item, &[("name", &p.name)]))
            }
            Ok(Some((p, Some(Label::Weight { qty, .. })))) => self.add_product(&p, qty),
            // A priced portion: one line at the label's price.
            Ok(Some((p, Some(Label::Price { amount, .. })))) => self.add_line(&p, Qty::ONE, amount),
            Ok(Some((p, None))) => self.add_product(&p, qty),
            Ok(None) => {
                self.beep = true;
                let shown: String = code.chars().filter(|c| !c.is_control()).take(40).collect();
                // A code shaped as a scale's label says what is wrong with it.
                use crate::domain::scale::LabelProblem;
                let text = match self.label_problem(code) {
                    Some(LabelProblem::CheckDigit { expected }) => fill(
                        t.label_check_digit,
                        &[("shown", &shown), ("digit", &expected.to_string())],
                    ),
                    Some(LabelProblem::Zero) => fill(t.label_zero, &[("shown", &shown)]),
                    None => fill(t.unknown_code, &[("shown", &shown)]),
                };
                self.info(Level::Error, text);
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Why `code`, shaped as a label of `[scale]`, reads as none.
    fn label_problem(&self, code: &str) -> Option<crate::domain::scale::LabelProblem> {
        let rules = self.config.scale.rules().ok()?;
        let decimals = self.store.as_ref()?.info().currency.decimals;
        crate::domain::scale::why_not(&rules, code, decimals)
    }

    /// `code` read as a label of `[scale]`, if it is one.
    fn scale_label(&self, code: &str) -> Option<Label> {
        let rules = self.config.scale.rules().ok()?;
        let decimals = self.store.as_ref()?.info().currency.decimals;
        crate::domain::scale::read(&rules, code, decimals)
    }

    /// Adds `qty` of `p` at its catalog price; an open-price item first asks for its price.
    pub fn add_product(&mut self, p: &Product, qty: Qty) {
        if !p.sold_by.allows(qty) {
            self.beep = true;
            return self.info(
                Level::Error,
                fill(self.texts.unit_only, &[("name", &p.name)]),
            );
        }
        if p.open_price {
            self.popup = Some(Popup::OpenPrice(OpenPrice {
                product: p.clone(),
                qty,
                input: String::new(),
            }));
            return;
        }
        self.add_line(p, qty, p.price);
    }

    /// The open price typed: within `[sale] open_price_max` and above zero it goes on the
    /// ticket; otherwise the box stays open and says why.
    pub(super) fn open_price_key(&mut self, mut f: OpenPrice, key: KeyEvent) {
        let t = self.texts;
        match key.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                let Some(currency) = self.store.as_ref().map(|s| s.info().currency.clone()) else {
                    return;
                };
                let price = match currency.parse_local(&f.input) {
                    Ok(p) if p > Money::ZERO => p,
                    Ok(_) => {
                        self.info(Level::Error, t.open_price_zero);
                        self.popup = Some(Popup::OpenPrice(f));
                        return;
                    }
                    Err(e) => {
                        self.say_error(e);
                        self.popup = Some(Popup::OpenPrice(f));
                        return;
                    }
                };
                let max = match self.config.sale.open_price_max(&currency) {
                    Ok(m) => m,
                    Err(e) => {
                        let why = e.words(self.config.language);
                        self.info(Level::Error, fill(t.config_invalid, &[("why", &why)]));
                        self.popup = Some(Popup::OpenPrice(f));
                        return;
                    }
                };
                if price > max {
                    self.beep = true;
                    let text = fill(
                        t.open_price_over,
                        &[
                            ("price", &currency.format(price)),
                            ("max", &currency.format(max)),
                        ],
                    );
                    self.info(Level::Error, text);
                    self.popup = Some(Popup::OpenPrice(f));
                    return;
                }
                self.add_line(&f.product, f.qty, price);
            }
            _ => {
                edit(&mut f.input, key);
                self.popup = Some(Popup::OpenPrice(f));
            }
        }
    }

    /// Puts `qty` of `p` at `unit_price` on the ticket; a line that would grow past the
    /// quantity limits asks a supervisor first.
    fn add_line(&mut self, p: &Product, qty: Qty, unit_price: Money) {
        self.put_line(p, qty, unit_price, None);
    }

    /// The most of `p` one line may hold without a supervisor, in thousandths.
    fn quantity_limit(&self, p: &Product) -> i64 {
        let s = &self.config.sale;
        if p.sold_by == crate::domain::catalog::SoldBy::Weight {
            i64::from(s.max_weight) * 1000
        } else {
            i64::from(s.max_quantity) * 1000
        }
    }

    /// Puts `qty` of `p` at `unit_price` on the ticket, with the supervisor's override when
    /// one allowed a quantity over the limit.
    pub(super) fn put_line(
        &mut self,
        p: &Product,
        qty: Qty,
        unit_price: Money,
        allowed: Option<Override>,
    ) {
        let merges = self.ticket.lines.last().is_some_and(|last| {
            last.sku == p.sku && last.discount.is_none() && last.unit_price == unit_price
        });
        let line_qty = match self.ticket.lines.last() {
            Some(last) if merges => last.qty.checked_add(qty),
            _ => Some(qty),
        };
        if allowed.is_none() && line_qty.is_none_or(|q| q.milli() > self.quantity_limit(p)) {
            // What the line would add, so the supervisor sees what they allow.
            let line = line_of(p, qty, unit_price);
            let amount = price(&[line], None, self.prices_include_tax()).map(|t| t.total);
            let Ok(amount) = amount else {
                self.beep = true;
                return self.info(
                    Level::Error,
                    fill(self.texts.bad_qty, &[("input", &qty.to_string())]),
                );
            };
            self.beep = true;
            return self.guard(Guarded::Quantity(Box::new(LargeQuantity {
                product: p.clone(),
                qty,
                unit_price,
                amount,
            })));
        }
        if self.ticket.is_empty() {
            self.last_sale = None;
        }
        let before = self.ticket.clone();
        if let Some(ov) = allowed {
            self.ticket.overrides.push(ov);
        }
        // A repeated scan of the last item adds to its line, as a shop expects.
        match self.ticket.lines.last_mut() {
            Some(last)
                if last.sku == p.sku
                    && last.discount.is_none()
                    && last.unit_price == unit_price =>
            {
                last.qty = last.qty.checked_add(qty).unwrap_or(last.qty);
            }
            _ => self.ticket.lines.push(line_of(p, qty, unit_price)),
        }
        self.ticket.selected = self.ticket.lines.len() - 1;
        if let Err(e) = self.ticket.reprice(self.prices_include_tax()) {
            self.ticket = before;
            return self.say_error(e);
        }
        self.message = None;
        if let (Some(store), Some(line), Some(priced)) = (
            &self.store,
            self.ticket.lines.last(),
            self.ticket.totals.as_ref().and_then(|t| t.lines.last()),
        ) {
            let c = &store.info().currency;
            self.show(
                line.name.clone(),
                crate::devices::display::two_cols(
                    &format!("{} x {}", c.format_qty(line.qty), c.format(line.unit_price)),
                    &c.format(priced.total),
                ),
            );
        }
    }

    /// Takes line `i` off the ticket, recorded as a void document first (with the supervisor
    /// who allowed it once payment had started): a line never disappears without a trace.
    pub(super) fn void_line(&mut self, i: usize, authorized: Option<Override>) {
        let (Some(line), Some(store)) = (self.ticket.lines.get(i).cloned(), self.store.clone())
        else {
            return;
        };
        // The line's own worth: quantity times price less its own discount (a ticket
        // discount is the ticket's, and changes with what stays on it).
        let gross = self
            .ticket
            .totals
            .as_ref()
            .and_then(|t| t.lines.get(i))
            .map_or(Money::ZERO, |p| p.gross);
        let own =
            crate::domain::ticket::discount_amount(line.discount, gross).unwrap_or(Money::ZERO);
        let amount = gross.checked_sub(own).unwrap_or(gross);
        let body = VoidBody {
            position: u32::try_from(i + 1).unwrap_or(u32::MAX),
            sku: line.sku.clone(),
            name: line.name.clone(),
            qty: line.qty,
            unit_price: line.unit_price,
            tax_rate: line.tax_rate,
            amount,
            after_payment: !self.ticket.tenders.is_empty(),
            overrides: authorized.into_iter().collect(),
        };
        match store.commit(&self.header(), DocBody::Void(body)) {
            Ok(c) => {
                tracing::info!(number = %c.number, sku = %line.sku, amount = amount.minor(), "line voided");
                self.outbox = c.outbox;
            }
            // The line stays: a void that is not on the record did not happen.
            Err(e) => return self.store_error(e),
        }
        self.ticket.lines.remove(i);
        self.ticket.selected = self
            .ticket
            .selected
            .min(self.ticket.lines.len().saturating_sub(1));
        let _ = self.ticket.reprice(self.prices_include_tax());
        self.info(
            Level::Info,
            fill(self.texts.voided, &[("name", &line.name)]),
        );
    }

    /// Gives the ticket up, recorded as a cancel document listing the tenders to give back.
    pub(super) fn cancel_ticket(&mut self, authorized: Option<Override>) {
        let Some(store) = self.store.clone() else {
            return;
        };
        if !self.ticket.tenders.is_empty() && authorized.is_none() {
            return self.guard(Guarded::Cancel);
        }
        let body = CancelBody {
            lines: self.ticket.lines.clone(),
            ticket_discount: self.ticket.discount,
            total: self.ticket.total(),
            tenders: self.ticket.tenders.clone(),
            held: false,
            reason: String::new(),
            // The ticket's own authorizations (a discount over the limit) stay on the record.
            overrides: self
                .ticket
                .overrides
                .iter()
                .cloned()
                .chain(authorized)
                .collect(),
        };
        let give_back = !body.tenders.is_empty();
        match store.commit(&self.header(), DocBody::Cancel(body)) {
            Ok(c) => {
                tracing::info!(number = %c.number, total = self.ticket.total().minor(), "ticket cancelled");
                self.outbox = c.outbox;
                self.ticket = Ticket::default();
                let text = if give_back {
                    fill(self.texts.cancelled_give_back, &[("number", &c.number)])
                } else {
                    self.texts.cancelled.to_string()
                };
                self.info(if give_back { Level::Warn } else { Level::Info }, text);
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn apply_discount_input(&mut self, s: &str) {
        let Some(store) = &self.store else { return };
        let Some((whole, d)) = parse_discount(s, &store.info().currency) else {
            return self.info(
                Level::Error,
                fill(self.texts.bad_discount, &[("input", s.trim())]),
            );
        };
        let target = if whole {
            DiscountTarget::Ticket
        } else {
            DiscountTarget::Line(self.ticket.selected)
        };
        // Over the configured limit, a supervisor decides.
        let base = match target {
            DiscountTarget::Ticket => self.ticket.totals.as_ref().map_or(Money::ZERO, |t| t.gross),
            DiscountTarget::Line(i) => self
                .ticket
                .totals
                .as_ref()
                .and_then(|t| t.lines.get(i))
                .map_or(Money::ZERO, |l| l.gross),
        };
        let limit_bp = i64::from(self.config.sale.discount_limit_percent) * 100;
        let over = match d {
            Discount::Percent(bp) => i64::from(bp) > limit_bp,
            Discount::Amount(a) => {
                i128::from(a.minor()) * 10_000 > i128::from(base.minor()) * i128::from(limit_bp)
            }
        };
        if over {
            self.guard(Guarded::Discount(target, d));
        } else {
            self.set_discount(target, d);
        }
    }

    /// Applies a discount; false (and a message) if it does not fit the ticket.
    pub(super) fn set_discount(&mut self, target: DiscountTarget, d: Discount) -> bool {
        let before = self.ticket.clone();
        match target {
            DiscountTarget::Ticket => self.ticket.discount = Some(d),
            DiscountTarget::Line(i) => match self.ticket.lines.get_mut(i) {
                Some(l) => l.discount = Some(d),
                None => return false,
            },
        }
        match self.ticket.reprice(self.prices_include_tax()) {
            Ok(()) => {
                self.info(Level::Ok, self.texts.discount_applied);
                true
            }
            Err(e) => {
                self.ticket = before;
                self.say_error(e);
                false
            }
        }
    }

    fn hold(&mut self) {
        self.park(false);
    }

    /// Parks the ticket on hold; `interrupted` when caja is being stopped with a ticket open.
    pub fn park(&mut self, interrupted: bool) {
        if self.ticket.is_empty() {
            return;
        }
        let Some(store) = &self.store else { return };
        let h = HeldTicket {
            cashier: self.header().cashier,
            at: self.header().at,
            lines: self.ticket.lines.clone(),
            discount: self.ticket.discount,
            interrupted,
            tenders: self.ticket.tenders.clone(),
            overrides: self.ticket.overrides.clone(),
        };
        match store.hold(&h) {
            Ok(_) => {
                self.ticket = super::Ticket::default();
                self.info(Level::Info, self.texts.held);
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Puts a held ticket back on the till (holding the current one first, so nothing is lost).
    pub(super) fn recall(&mut self, id: u64) {
        if !self.ticket.is_empty() {
            self.hold();
        }
        let Some(store) = &self.store else { return };
        match store.take_held(id) {
            Ok(Some(h)) => {
                self.ticket = super::Ticket {
                    lines: h.lines,
                    discount: h.discount,
                    tenders: h.tenders,
                    overrides: h.overrides,
                    ..super::Ticket::default()
                };
                self.ticket.selected = self.ticket.lines.len().saturating_sub(1);
                let _ = self.ticket.reprice(self.prices_include_tax());
                self.last_sale = None;
                self.info(Level::Ok, self.texts.recalled);
            }
            Ok(None) => self.info(Level::Warn, self.texts.nothing_held),
            Err(e) => self.store_error(e),
        }
        self.screen = Screen::Sale;
    }

    fn run_search(&mut self, s: &mut SearchState) {
        let Some(store) = &self.store else { return };
        match store.search(&s.query, 50) {
            Ok(r) => {
                s.results = r;
                s.selected = 0;
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn search_key(&mut self, mut s: SearchState, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Up | KeyCode::Down => {
                s.selected = super::keys::step(s.selected, s.results.len(), key.code)
            }
            KeyCode::Enter => {
                if let Some(p) = s.results.get(s.selected).cloned() {
                    self.add_product(&p, Qty::ONE);
                    return;
                }
            }
            _ => {
                if edit(&mut s.query, key) {
                    self.run_search(&mut s);
                }
            }
        }
        self.screen = Screen::Search(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    #[test]
    fn discounts_as_the_cashier_types_them() {
        let cop = Currency::by_code("COP").unwrap();
        assert_eq!(
            parse_discount("10%", &cop),
            Some((false, Discount::Percent(1000)))
        );
        assert_eq!(
            parse_discount("T 5%", &cop),
            Some((true, Discount::Percent(500)))
        );
        assert_eq!(
            parse_discount("2.000", &cop),
            Some((false, Discount::Amount(Money::from_minor(2000))))
        );
        assert_eq!(
            parse_discount("t2000", &cop),
            Some((true, Discount::Amount(Money::from_minor(2000))))
        );
        for bad in ["", "x", "200%", "0", "-5"] {
            assert_eq!(parse_discount(bad, &cop), None, "{bad}");
        }
    }
}
