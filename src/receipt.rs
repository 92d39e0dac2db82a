//! The receipt as data, laid out for 32, 42 or 48 columns. The same `Receipt` renders to plain
//! text (the `file:` printer, the screen) and to ESC/POS bytes (`devices::escpos`).

use crate::domain::document::{CashDirection, DocBody, Document, Override};
use crate::domain::money::{Currency, Money};
use crate::domain::qty::TaxRate;
use crate::domain::report::Report;
use crate::domain::tender::Tender;
use crate::domain::ticket::{Discount, TaxLine};
use crate::i18n::{Language, Words, override_name, tender_name, words};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Style {
    Normal,
    Bold,
    /// Bold and double height: the total.
    Tall,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub style: Style,
    pub align: Align,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub columns: u16,
    pub lines: Vec<Line>,
    /// Printed as a QR code: the document number.
    pub code: Option<String>,
}

/// Header and footer lines the shop puts on every receipt (tax id, address, thanks).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShopLines {
    pub header: Vec<String>,
    pub footer: Vec<String>,
}

/// `left` and `right` on one line of `width`, the left side cut to make room. For screens that
/// must keep one row per item; paper uses [`pair`], which never cuts.
pub fn two(left: &str, right: &str, width: usize) -> String {
    let l: String = left
        .chars()
        .take(width.saturating_sub(right.chars().count() + 1))
        .collect();
    let pad = width.saturating_sub(l.chars().count() + right.chars().count());
    format!("{l}{}{right}", " ".repeat(pad))
}

/// `left` and `right` laid out in `width` without cutting either: on one line when they fit,
/// else `left` wrapped at spaces and `right` at the end of a line of its own.
pub fn pair(left: &str, right: &str, width: usize) -> Vec<String> {
    let (l, r) = (left.chars().count(), right.chars().count());
    if l + r < width || (right.is_empty() && l <= width) {
        return vec![two(left, right, width)];
    }
    // A wrapped label keeps its indent, so a detail line never reads as a heading.
    let indent = left
        .chars()
        .take_while(|c| *c == ' ')
        .count()
        .min(width / 4);
    let pad = " ".repeat(indent);
    let mut out: Vec<String> = wrap(left, width - indent)
        .into_iter()
        .map(|x| format!("{pad}{x}"))
        .collect();
    if let Some(last) = out.last()
        && last.chars().count() + 1 + r <= width
    {
        let last = out.pop().unwrap_or_default();
        out.push(two(&last, right, width));
        return out;
    }
    if !right.is_empty() {
        out.push(format!(
            "{}{right}",
            " ".repeat(width.saturating_sub(r.min(width)))
        ));
    }
    out
}

/// An amount with its sign as paper shows money that goes out: "-1.500".
fn minus(currency: &Currency, v: Money) -> String {
    currency.format(Money::from_minor(v.minor().saturating_neg()))
}

/// An X or Z report laid out in `columns`, for the printer and the screen alike. Every label
/// has a line of its own; a label and its figure that do not fit one line take two.
pub fn report_lines(
    rep: &Report,
    title: &str,
    currency: &Currency,
    columns: u16,
    lang: Language,
) -> Vec<Line> {
    let w = usize::from(columns);
    let t = words(lang);
    let m = |v: Money| currency.format(v);
    let neg = |v: Money| minus(currency, v);
    let mut out = Vec::new();
    let mut push = |left: &str, right: &str, style: Style| {
        for text in pair(left, right, w) {
            out.push(Line {
                text,
                style,
                align: Align::Left,
            })
        }
    };
    push(title, "", Style::Bold);
    push(&"-".repeat(w), "", Style::Normal);
    push(
        &format!("{} ({})", t.sales, rep.sales),
        &m(rep.sales_total),
        Style::Normal,
    );
    push(&format!("  {}", t.gross), &m(rep.gross), Style::Normal);
    push(
        &format!("  {}", t.discounts),
        &neg(rep.discounts),
        Style::Normal,
    );
    push(
        &format!("{} ({})", t.refunds, rep.refunds),
        &neg(rep.refunds_total),
        Style::Normal,
    );
    push(t.net, &m(rep.net().unwrap_or(Money::ZERO)), Style::Bold);
    if !rep.rounding.is_zero() {
        push(t.rounding, &m(rep.rounding), Style::Normal);
    }
    push(t.by_tender, "", Style::Normal);
    for tt in &rep.tenders {
        push(
            &format!("  {}", tender_name(tt.kind, t)),
            &m(tt.amount),
            Style::Normal,
        );
    }
    push(t.taxes, "", Style::Normal);
    for tx in &rep.taxes {
        push(
            &format!("  {} {}% {} {}", t.tax, tx.rate, t.base, m(tx.base)),
            &m(tx.tax),
            Style::Normal,
        );
    }
    push(t.cash_drawer, "", Style::Normal);
    push(&format!("  {}", t.floats), &m(rep.floats), Style::Normal);
    push(&format!("  {}", t.cash_in), &m(rep.cash_in), Style::Normal);
    push(
        &format!("  {}", t.cash_out),
        &neg(rep.cash_out),
        Style::Normal,
    );
    push(
        &format!("  {}", t.expected),
        &m(rep.expected_cash),
        Style::Bold,
    );
    if let Some(c) = rep.counted_cash {
        push(&format!("  {}", t.counted), &m(c), Style::Bold);
        let diff = rep.difference().ok().flatten().unwrap_or(Money::ZERO);
        push(&format!("  {}", t.difference), &m(diff), Style::Bold);
    }
    push(t.trail, "", Style::Normal);
    let voided = rep.trail.as_ref().map(|x| m(x.voided_amount));
    push(
        &format!("  {} ({})", t.voids, rep.voids),
        &voided.unwrap_or_default(),
        Style::Normal,
    );
    if let Some(tr) = &rep.trail {
        if tr.voided_after_payment > 0 {
            push(
                &format!("    {}", t.after_payment),
                &tr.voided_after_payment.to_string(),
                Style::Normal,
            );
        }
        push(
            &format!("  {} ({})", t.cancelled, tr.cancelled),
            &m(tr.cancelled_amount),
            Style::Normal,
        );
        if tr.held_deleted > 0 {
            push(
                &format!("    {}", t.held_deleted),
                &tr.held_deleted.to_string(),
                Style::Normal,
            );
        }
        if !tr.given_back.is_zero() {
            push(
                &format!("    {}", t.given_back),
                &m(tr.given_back),
                Style::Normal,
            );
        }
    }
    push(
        &format!("  {}", t.no_sales),
        &rep.no_sales.to_string(),
        Style::Normal,
    );
    push(
        &format!("  {}", t.overrides),
        &rep.overrides.to_string(),
        Style::Normal,
    );
    for o in rep.trail.iter().flat_map(|x| &x.overrides) {
        push(
            &format!("    {}", override_name(&o.action, lang)),
            &o.count.to_string(),
            Style::Normal,
        );
    }
    if rep.shifts_closed > 0 {
        push(
            t.shifts_closed,
            &rep.shifts_closed.to_string(),
            Style::Normal,
        );
    }
    if let (Some(a), Some(b)) = (&rep.first_sale, &rep.last_sale) {
        push(t.first, a, Style::Normal);
        push(t.last, b, Style::Normal);
    }
    out
}

fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let need = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if need > width && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        while cur.chars().count() > width {
            let head: String = cur.chars().take(width).collect();
            cur = cur.chars().skip(width).collect();
            out.push(head);
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// Who a sale was for, and what it did to their points, for the receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerLines {
    /// "NIT-900173769-1".
    pub key: String,
    pub name: String,
    /// The sale's points movement and the balance after it.
    pub points: Option<(crate::domain::loyalty::Movement, i64)>,
}

impl Receipt {
    fn push(&mut self, text: String, style: Style, align: Align) {
        self.lines.push(Line { text, style, align });
    }

    /// A label and its figure, on one line when they fit, never cut.
    fn pair(&mut self, left: &str, right: &str, style: Style) {
        for text in pair(left, right, usize::from(self.columns)) {
            self.push(text, style, Align::Left);
        }
    }

    /// Text that wraps at spaces to the paper's width.
    fn text(&mut self, text: &str, style: Style, align: Align) {
        for t in wrap(text, usize::from(self.columns)) {
            self.push(t, style, align);
        }
    }

    fn rule(&mut self) {
        self.push(
            "-".repeat(usize::from(self.columns)),
            Style::Normal,
            Align::Left,
        );
    }

    /// "Motivo: ..." and "Autoriza: ..." for a document that carries a reason and overrides.
    fn reason_and_supervisors(&mut self, w: &Words, reason: &str, overrides: &[Override]) {
        if !reason.trim().is_empty() {
            let reason = crate::i18n::override_reason(reason.trim(), w.language);
            self.text(
                &format!("{}: {}", w.reason, reason),
                Style::Normal,
                Align::Left,
            );
        }
        let mut names: Vec<&str> = overrides.iter().map(|o| o.supervisor.as_str()).collect();
        names.dedup();
        if !names.is_empty() {
            self.text(
                &format!("{}: {}", w.authorized, names.join(", ")),
                Style::Normal,
                Align::Left,
            );
        }
    }

    /// Each tender with its reference, `sign` -1 for money paid back.
    fn tenders(&mut self, w: &Words, currency: &Currency, tenders: &[Tender], sign: i64) {
        for t in tenders {
            let name = tender_name(t.kind, w);
            let name = match &t.reference {
                Some(rf) => format!("{name} {rf}"),
                None => name.to_string(),
            };
            let amount = Money::from_minor(t.amount.minor().saturating_mul(sign));
            self.pair(&name, &currency.format(amount), Style::Normal);
        }
    }

    /// Lays out a committed document.
    ///
    /// The rule for money, on every receipt: each line shows what it comes to before discounts
    /// (quantity times price) with its own discount under it; then the subtotal, the ticket's
    /// discount, tax added on top (prices without tax), cash rounding when it is not zero, and
    /// the TOTAL, so the column adds up to the total. Then each tender and the change, which a
    /// sale always prints, also when it is zero. Tax already inside the prices is listed after
    /// the tenders, for information. Money that goes out (refunds, cash out) prints negative.
    pub fn of(
        doc: &Document,
        store_name: &str,
        shop: &ShopLines,
        currency: &Currency,
        columns: u16,
        lang: Language,
        customer: Option<&CustomerLines>,
    ) -> Receipt {
        let w = words(lang);
        let m = |v| currency.format(v);
        let q = |x| currency.format_qty(x);
        let mut r = Receipt {
            columns,
            lines: Vec::new(),
            code: Some(doc.number.clone()),
        };
        r.text(store_name, Style::Bold, Align::Center);
        for h in &shop.header {
            r.text(h, Style::Normal, Align::Center);
        }
        let title = match &doc.body {
            DocBody::Refund(_) => Some(w.refund_title),
            DocBody::CashMove(c) if c.direction == CashDirection::In => Some(w.cash_in_title),
            DocBody::CashMove(_) => Some(w.cash_out_title),
            DocBody::NoSale(_) => Some(w.no_sale_title),
            DocBody::Void(_) => Some(w.void_title),
            DocBody::Cancel(c) if c.held => Some(w.held_deleted_title),
            DocBody::Cancel(_) => Some(w.cancel_title),
            _ => None,
        };
        if let Some(t) = title {
            r.text(t, Style::Tall, Align::Center);
        }
        r.pair(
            &format!("{} {}", w.register, doc.register),
            &doc.number,
            Style::Normal,
        );
        r.pair(
            &doc.at.to_datetime().format("%Y-%m-%d %H:%M").to_string(),
            &format!("{} {}", w.cashier, doc.cashier),
            Style::Normal,
        );
        r.rule();
        match &doc.body {
            DocBody::Sale(s) => {
                let mut subtotal = Money::ZERO;
                let mut line_discounts = Money::ZERO;
                for x in &s.lines {
                    r.text(&x.name, Style::Normal, Align::Left);
                    let gross = x.unit_price.mul_div(x.qty.milli(), 1000).unwrap_or(x.total);
                    let own = crate::domain::ticket::discount_amount(x.line_discount, gross)
                        .unwrap_or(Money::ZERO);
                    r.pair(
                        &format!("  {} x {}", q(x.qty), m(x.unit_price)),
                        &m(gross),
                        Style::Normal,
                    );
                    if !own.is_zero() {
                        let what = match x.line_discount {
                            Some(Discount::Percent(bp)) => {
                                format!("  {} {}%", w.discount, TaxRate::from_bp(bp))
                            }
                            _ => format!("  {}", w.discount),
                        };
                        r.pair(&what, &minus(currency, own), Style::Normal);
                    }
                    subtotal = subtotal.checked_add(gross).unwrap_or(subtotal);
                    line_discounts = line_discounts.checked_add(own).unwrap_or(line_discounts);
                }
                r.rule();
                let after_lines = subtotal.checked_sub(line_discounts).unwrap_or(subtotal);
                r.pair(w.subtotal, &m(after_lines), Style::Normal);
                let ticket_discount = s.discount.checked_sub(line_discounts).unwrap_or(s.discount);
                if !ticket_discount.is_zero() {
                    let what = match s.ticket_discount {
                        Some(Discount::Percent(bp)) => {
                            format!("{} {}%", w.discount, TaxRate::from_bp(bp))
                        }
                        _ => w.discount.to_string(),
                    };
                    r.pair(&what, &minus(currency, ticket_discount), Style::Normal);
                }
                if !s.prices_include_tax {
                    r.taxes(w, currency, &s.taxes);
                }
                // The sale's TOTAL, as the screen, the journal and the sync show it; cash
                // rounding after it, and what was paid.
                r.pair(w.total, &currency.format_symbol(s.total), Style::Tall);
                if !s.rounding.is_zero() {
                    let to_pay = s.total.checked_add(s.rounding).unwrap_or(s.total);
                    r.pair(w.rounding, &m(s.rounding), Style::Normal);
                    r.pair(w.to_pay, &currency.format_symbol(to_pay), Style::Bold);
                }
                r.tenders(w, currency, &s.tenders, 1);
                r.pair(w.change, &m(s.change), Style::Bold);
                if s.prices_include_tax && s.taxes.iter().any(|t| !t.tax.is_zero()) {
                    r.push(w.tax_included.to_string(), Style::Normal, Align::Left);
                    r.taxes(w, currency, &s.taxes);
                }
                r.customer(w, customer);
                for f in &shop.footer {
                    r.text(f, Style::Normal, Align::Center);
                }
            }
            DocBody::Refund(rf) => {
                r.pair(w.original, &rf.original, Style::Bold);
                r.reason_and_supervisors(w, &rf.reason, &rf.overrides);
                r.rule();
                for x in &rf.lines {
                    r.text(&x.name, Style::Normal, Align::Left);
                    r.pair(
                        &format!("  -{} ({} {})", q(x.qty), w.line, x.line + 1),
                        &minus(currency, x.total),
                        Style::Normal,
                    );
                }
                r.rule();
                r.pair(
                    w.total,
                    &format!("{} {}", currency.symbol, minus(currency, rf.total)),
                    Style::Tall,
                );
                if !rf.rounding.is_zero() {
                    let paid = rf.total.checked_add(rf.rounding).unwrap_or(rf.total);
                    r.pair(w.rounding, &minus(currency, rf.rounding), Style::Normal);
                    r.pair(
                        w.to_give,
                        &format!("{} {}", currency.symbol, minus(currency, paid)),
                        Style::Bold,
                    );
                }
                r.tenders(w, currency, &rf.tenders, -1);
                if rf.taxes.iter().any(|t| !t.tax.is_zero()) {
                    r.push(w.tax_included.to_string(), Style::Normal, Align::Left);
                    let negated: Vec<TaxLine> = rf
                        .taxes
                        .iter()
                        .map(|t| TaxLine {
                            rate: t.rate,
                            base: Money::from_minor(t.base.minor().saturating_neg()),
                            tax: Money::from_minor(t.tax.minor().saturating_neg()),
                        })
                        .collect();
                    r.taxes(w, currency, &negated);
                }
            }
            DocBody::CashMove(c) => {
                r.reason_and_supervisors(w, &c.reason, &c.overrides);
                let amount = match c.direction {
                    CashDirection::In => m(c.amount),
                    CashDirection::Out => minus(currency, c.amount),
                };
                r.pair(
                    w.total,
                    &format!("{} {amount}", currency.symbol),
                    Style::Tall,
                );
            }
            DocBody::NoSale(n) => r.reason_and_supervisors(w, &n.reason, &n.overrides),
            DocBody::Void(v) => {
                r.text(&v.name, Style::Normal, Align::Left);
                r.pair(
                    &format!(
                        "  {} {} x {} {}",
                        w.line,
                        v.position,
                        q(v.qty),
                        m(v.unit_price)
                    ),
                    &minus(currency, v.amount),
                    Style::Normal,
                );
                if v.after_payment {
                    r.text(w.after_payment, Style::Normal, Align::Left);
                }
                r.reason_and_supervisors(w, "", &v.overrides);
            }
            DocBody::Cancel(c) => {
                for x in &c.lines {
                    r.text(&x.name, Style::Normal, Align::Left);
                    r.pair(
                        &format!("  {} x {}", q(x.qty), m(x.unit_price)),
                        "",
                        Style::Normal,
                    );
                }
                r.rule();
                r.pair(w.total, &m(c.total), Style::Bold);
                if !c.tenders.is_empty() {
                    r.push(w.give_back.to_string(), Style::Bold, Align::Left);
                    r.tenders(w, currency, &c.tenders, 1);
                }
                r.reason_and_supervisors(w, &c.reason, &c.overrides);
            }
            DocBody::DayOpen(_) => {
                r.pair(w.day_opened, &doc.business_date.to_string(), Style::Bold);
            }
            DocBody::DayCorrect(c) => {
                r.pair(w.day_corrected, &doc.business_date.to_string(), Style::Bold);
                r.pair(
                    w.day_given_up,
                    &format!("{} ({})", c.wrong, c.opened),
                    Style::Normal,
                );
                if !c.floats.is_zero() {
                    r.pair(w.shift_opened, &m(c.floats), Style::Normal);
                }
                r.reason_and_supervisors(w, "", &c.overrides);
            }
            DocBody::ShiftOpen(o) => r.pair(w.shift_opened, &m(o.float), Style::Bold),
            DocBody::ShiftClose(c) => {
                let title = format!("{} {}", w.shift_closed, c.cashier);
                r.lines
                    .extend(report_lines(&c.report, &title, currency, columns, lang));
            }
            DocBody::Closing(c) => {
                let title = format!("{} {}", w.z_title, doc.business_date);
                r.lines
                    .extend(report_lines(&c.report, &title, currency, columns, lang));
            }
            DocBody::Customer(c) => {
                r.text(
                    &format!("{}: {}", w.customer, c.customer.name),
                    Style::Bold,
                    Align::Left,
                );
                r.text(&c.customer.key(), Style::Normal, Align::Left);
            }
            DocBody::Points(p) => {
                r.text(
                    &format!("{}: {}", w.customer, p.customer),
                    Style::Normal,
                    Align::Left,
                );
                r.pair(w.points_earned, &p.movement.net().to_string(), Style::Bold);
            }
        }
        r
    }

    /// Tax by rate: "IVA 19% base 10.000   1.900".
    fn taxes(&mut self, w: &Words, currency: &Currency, taxes: &[TaxLine]) {
        for t in taxes.iter().filter(|t| !t.tax.is_zero()) {
            self.pair(
                &format!(
                    "{} {}% {} {}",
                    w.tax,
                    t.rate,
                    w.base,
                    currency.format(t.base)
                ),
                &currency.format(t.tax),
                Style::Normal,
            );
        }
    }

    fn customer(&mut self, w: &Words, customer: Option<&CustomerLines>) {
        let Some(c) = customer else { return };
        self.rule();
        self.text(
            &format!("{}: {}", w.customer, c.name),
            Style::Normal,
            Align::Left,
        );
        self.text(&c.key, Style::Normal, Align::Left);
        if let Some((mv, balance)) = &c.points {
            if mv.redeemed != 0 {
                self.pair(w.points_redeemed, &mv.redeemed.to_string(), Style::Normal);
            }
            if mv.earned != 0 {
                self.pair(w.points_earned, &mv.earned.to_string(), Style::Normal);
            }
            self.pair(w.points_balance, &balance.to_string(), Style::Bold);
        }
    }

    /// Plain text, for the `file:` printer and the screen.
    pub fn to_text(&self) -> String {
        let w = usize::from(self.columns);
        let mut out = String::new();
        for l in &self.lines {
            let n = l.text.chars().count().min(w);
            let pad = match l.align {
                Align::Left => 0,
                Align::Center => (w - n) / 2,
                Align::Right => w - n,
            };
            out.push_str(&" ".repeat(pad));
            out.push_str(&l.text);
            out.push('\n');
        }
        if let Some(c) = &self.code {
            let n = c.chars().count().min(w);
            out.push_str(&format!(
                "{}[{c}]\n",
                " ".repeat((w.saturating_sub(n + 2)) / 2)
            ));
        }
        out.push_str("\n\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::tender::TenderKind;

    #[test]
    fn a_report_fits_the_paper_and_never_cuts_a_label() {
        use crate::domain::report::{OverrideCount, Report, TenderTotal, Trail};
        let cop = Currency::by_code("COP").unwrap();
        let r = Report {
            first_sale: Some("FV1-000001".into()),
            last_sale: Some("FV1-004321".into()),
            sales_total: Money::from_minor(123_456_789),
            tenders: vec![TenderTotal {
                kind: TenderKind::Transfer,
                amount: Money::from_minor(99_999_999),
            }],
            voids: 3,
            no_sales: 2,
            overrides: 4,
            shifts_closed: 2,
            counted_cash: Some(Money::from_minor(5_000)),
            trail: Some(Trail {
                voided_amount: Money::from_minor(12_345_678),
                voided_after_payment: 1,
                cancelled: 2,
                cancelled_amount: Money::from_minor(98_765_432),
                held_deleted: 1,
                given_back: Money::from_minor(5_000_000),
                overrides: vec![OverrideCount {
                    action: crate::domain::document::OverrideAction::CashOutOver,
                    count: 4,
                }],
            }),
            ..Report::default()
        };
        for columns in [32u16, 42, 48] {
            for lang in [Language::Es, Language::En] {
                let w = words(lang);
                let lines = report_lines(&r, "FV1-Z-000001", &cop, columns, lang);
                for l in &lines {
                    assert!(
                        l.text.chars().count() <= usize::from(columns),
                        "{columns} columns: {:?}",
                        l.text
                    );
                }
                // Every label whole, on a line of its own: never cut, never run into another.
                let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
                for label in [
                    w.voids,
                    w.cancelled,
                    w.no_sales,
                    w.overrides,
                    w.first,
                    w.last,
                    w.given_back,
                    w.held_deleted,
                    w.after_payment,
                    w.shifts_closed,
                ] {
                    let on = text.iter().filter(|t| t.contains(label)).count();
                    assert_eq!(
                        on,
                        1,
                        "{columns} {lang:?}: {label:?} in\n{}",
                        text.join("\n")
                    );
                }
                assert!(text.iter().any(|t| t.ends_with("FV1-004321")));
                let name =
                    override_name(&crate::domain::document::OverrideAction::CashOutOver, lang);
                assert!(text.iter().any(|t| t.contains(&name)), "{name}");
            }
        }
    }

    #[test]
    fn long_names_wrap_at_spaces() {
        assert_eq!(
            wrap("Detergente en polvo multiusos aroma limón 1 kg", 20),
            vec!["Detergente en polvo", "multiusos aroma", "limón 1 kg"]
        );
        assert_eq!(
            wrap("Supercalifragilisticoespialidoso", 10),
            vec!["Supercalif", "ragilistic", "oespialido", "so"]
        );
        assert_eq!(wrap("", 10), vec![""]);
    }
}
