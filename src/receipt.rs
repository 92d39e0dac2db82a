//! The receipt as data, laid out for 32, 42 or 48 columns. The same `Receipt` renders to plain
//! text (the `file:` printer, the screen) and to ESC/POS bytes (`devices::escpos`).

use crate::config::Language;
use crate::domain::document::{DocBody, Document};
use crate::domain::money::{Currency, Money};
use crate::domain::report::Report;
use crate::domain::tender::TenderKind;

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

fn labels(lang: Language) -> [&'static str; 16] {
    match lang {
        Language::Es => [
            "Caja",
            "Cajero",
            "Descuento",
            "TOTAL",
            "IVA",
            "base",
            "Efectivo",
            "Tarjeta",
            "Transferencia",
            "Cambio",
            "Otro",
            "Puntos",
            "Cliente",
            "Puntos ganados",
            "Puntos redimidos",
            "Saldo de puntos",
        ],
        Language::En => [
            "Register",
            "Cashier",
            "Discount",
            "TOTAL",
            "Tax",
            "base",
            "Cash",
            "Card",
            "Transfer",
            "Change",
            "Other",
            "Points",
            "Customer",
            "Points earned",
            "Points redeemed",
            "Points balance",
        ],
    }
}

/// `left` and `right` on one line of `width`, the left side cut to make room.
pub fn two(left: &str, right: &str, width: usize) -> String {
    let l: String = left
        .chars()
        .take(width.saturating_sub(right.chars().count() + 1))
        .collect();
    let pad = width.saturating_sub(l.chars().count() + right.chars().count());
    format!("{l}{}{right}", " ".repeat(pad))
}

fn report_labels(lang: Language) -> [&'static str; 26] {
    match lang {
        Language::Es => [
            "CIERRE DEL DIA (Z)",
            "Ventas",
            "Bruto",
            "Descuentos",
            "Devoluciones",
            "Neto",
            "Redondeo",
            "Por medio de pago",
            "Impuestos",
            "Efectivo en caja",
            "Fondos iniciales",
            "Entradas",
            "Salidas",
            "Esperado",
            "Contado",
            "Diferencia",
            "Anulaciones",
            "Autorizaciones",
            "Aperturas sin venta",
            "Turnos cerrados",
            "Primera",
            "Ultima",
            "Apertura del dia",
            "Apertura de turno, fondo",
            "Cierre de turno",
            "INFORME X",
        ],
        Language::En => [
            "CLOSE OF DAY (Z)",
            "Sales",
            "Gross",
            "Discounts",
            "Refunds",
            "Net",
            "Rounding",
            "By tender",
            "Taxes",
            "Cash in drawer",
            "Floats",
            "Cash in",
            "Cash out",
            "Expected",
            "Counted",
            "Difference",
            "Voids",
            "Overrides",
            "No-sale openings",
            "Shifts closed",
            "First",
            "Last",
            "Business date opened",
            "Shift opened, float",
            "Shift closed",
            "X REPORT",
        ],
    }
}

/// The title of an X report in `lang`.
pub fn x_title(lang: Language) -> &'static str {
    report_labels(lang)[25]
}

/// An X or Z report laid out in `columns`, for the printer and the screen alike.
pub fn report_lines(
    rep: &Report,
    title: &str,
    currency: &Currency,
    columns: u16,
    lang: Language,
) -> Vec<Line> {
    let w = usize::from(columns);
    let l = report_labels(lang);
    let t = labels(lang);
    let m = |v: Money| currency.format(v);
    let neg = |v: Money| currency.format(Money::from_minor(v.minor().saturating_neg()));
    let mut out = Vec::new();
    let mut push = |text: String, style: Style| {
        out.push(Line {
            text,
            style,
            align: Align::Left,
        })
    };
    push(title.to_string(), Style::Bold);
    push("-".repeat(w), Style::Normal);
    push(
        two(&format!("{} ({})", l[1], rep.sales), &m(rep.sales_total), w),
        Style::Normal,
    );
    push(two(&format!("  {}", l[2]), &m(rep.gross), w), Style::Normal);
    push(
        two(&format!("  {}", l[3]), &neg(rep.discounts), w),
        Style::Normal,
    );
    push(
        two(
            &format!("{} ({})", l[4], rep.refunds),
            &neg(rep.refunds_total),
            w,
        ),
        Style::Normal,
    );
    let net = rep.net().unwrap_or(Money::ZERO);
    push(two(l[5], &m(net), w), Style::Bold);
    if !rep.rounding.is_zero() {
        push(two(l[6], &m(rep.rounding), w), Style::Normal);
    }
    push(l[7].to_string(), Style::Normal);
    for tt in &rep.tenders {
        let name = match tt.kind {
            TenderKind::Cash => t[6],
            TenderKind::Card => t[7],
            TenderKind::Transfer => t[8],
            TenderKind::Other => t[10],
            TenderKind::Points => t[11],
        };
        push(two(&format!("  {name}"), &m(tt.amount), w), Style::Normal);
    }
    push(l[8].to_string(), Style::Normal);
    for tx in &rep.taxes {
        push(
            two(
                &format!("  {} {}% {} {}", t[4], tx.rate, t[5], m(tx.base)),
                &m(tx.tax),
                w,
            ),
            Style::Normal,
        );
    }
    push(l[9].to_string(), Style::Normal);
    push(
        two(&format!("  {}", l[10]), &m(rep.floats), w),
        Style::Normal,
    );
    push(
        two(&format!("  {}", l[11]), &m(rep.cash_in), w),
        Style::Normal,
    );
    push(
        two(&format!("  {}", l[12]), &neg(rep.cash_out), w),
        Style::Normal,
    );
    push(
        two(&format!("  {}", l[13]), &m(rep.expected_cash), w),
        Style::Bold,
    );
    if let Some(c) = rep.counted_cash {
        push(two(&format!("  {}", l[14]), &m(c), w), Style::Bold);
        let diff = rep.difference().ok().flatten().unwrap_or(Money::ZERO);
        push(two(&format!("  {}", l[15]), &m(diff), w), Style::Bold);
    }
    push(
        two(
            &format!("{} {}  {} {}", l[16], rep.voids, l[17], rep.overrides),
            &format!("{} {}", l[18], rep.no_sales),
            w,
        ),
        Style::Normal,
    );
    if rep.shifts_closed > 0 {
        push(two(l[19], &rep.shifts_closed.to_string(), w), Style::Normal);
    }
    if let (Some(a), Some(b)) = (&rep.first_sale, &rep.last_sale) {
        push(
            two(&format!("{} {a}", l[20]), &format!("{} {b}", l[21]), w),
            Style::Normal,
        );
    }
    out
}

/// Splits a long product name into lines of `width` at spaces where it can.
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

    /// Lays out a committed document.
    pub fn of(
        doc: &Document,
        store_name: &str,
        shop: &ShopLines,
        currency: &Currency,
        columns: u16,
        lang: Language,
        customer: Option<&CustomerLines>,
    ) -> Receipt {
        let w = usize::from(columns);
        let l = labels(lang);
        let m = |v| currency.format(v);
        let mut r = Receipt {
            columns,
            lines: Vec::new(),
            code: Some(doc.number.clone()),
        };
        r.push(store_name.to_string(), Style::Bold, Align::Center);
        for h in &shop.header {
            r.push(h.clone(), Style::Normal, Align::Center);
        }
        r.push(
            two(&format!("{} {}", l[0], doc.register), &doc.number, w),
            Style::Normal,
            Align::Left,
        );
        r.push(
            two(
                &doc.at.to_datetime().format("%Y-%m-%d %H:%M").to_string(),
                &format!("{} {}", l[1], doc.cashier),
                w,
            ),
            Style::Normal,
            Align::Left,
        );
        r.push("-".repeat(w), Style::Normal, Align::Left);
        let (taxes, total, tenders) = match &doc.body {
            DocBody::Sale(s) => {
                for x in &s.lines {
                    for name in wrap(&x.name, w) {
                        r.push(name, Style::Normal, Align::Left);
                    }
                    r.push(
                        two(
                            &format!("  {} x {}", x.qty, m(x.unit_price)),
                            &m(x.total),
                            w,
                        ),
                        Style::Normal,
                        Align::Left,
                    );
                    if !x.discount.is_zero() {
                        r.push(
                            two(&format!("  {}", l[2]), &format!("-{}", m(x.discount)), w),
                            Style::Normal,
                            Align::Left,
                        );
                    }
                }
                (&s.taxes, s.total, &s.tenders)
            }
            DocBody::Refund(rf) => {
                r.push(two("Ref.", &rf.original, w), Style::Normal, Align::Left);
                for x in &rf.lines {
                    for name in wrap(&x.name, w) {
                        r.push(name, Style::Normal, Align::Left);
                    }
                    r.push(
                        two(&format!("  -{}", x.qty), &format!("-{}", m(x.total)), w),
                        Style::Normal,
                        Align::Left,
                    );
                }
                (&rf.taxes, rf.total, &rf.tenders)
            }
            DocBody::CashMove(c) => {
                r.push(two(&c.reason, &m(c.amount), w), Style::Bold, Align::Left);
                return r;
            }
            DocBody::NoSale(n) => {
                r.push(n.reason.clone(), Style::Bold, Align::Left);
                return r;
            }
            DocBody::DayOpen(_) => {
                r.push(
                    format!("{} {}", report_labels(lang)[22], doc.business_date),
                    Style::Bold,
                    Align::Left,
                );
                return r;
            }
            DocBody::ShiftOpen(o) => {
                r.push(
                    two(report_labels(lang)[23], &m(o.float), w),
                    Style::Bold,
                    Align::Left,
                );
                return r;
            }
            DocBody::ShiftClose(c) => {
                let title = format!("{} {}", report_labels(lang)[24], c.cashier);
                r.lines
                    .extend(report_lines(&c.report, &title, currency, w as u16, lang));
                return r;
            }
            DocBody::Closing(c) => {
                let title = format!("{} {}", report_labels(lang)[0], doc.business_date);
                r.lines
                    .extend(report_lines(&c.report, &title, currency, w as u16, lang));
                return r;
            }
            DocBody::Customer(c) => {
                r.push(
                    format!("{}: {}", l[12], c.customer.name),
                    Style::Bold,
                    Align::Left,
                );
                r.push(c.customer.key(), Style::Normal, Align::Left);
                return r;
            }
            DocBody::Points(p) => {
                r.push(
                    format!("{}: {}", l[12], p.customer),
                    Style::Normal,
                    Align::Left,
                );
                r.push(
                    two(l[13], &p.movement.net().to_string(), w),
                    Style::Bold,
                    Align::Left,
                );
                return r;
            }
        };
        r.push("-".repeat(w), Style::Normal, Align::Left);
        r.push(
            two(l[3], &currency.format_symbol(total), w),
            Style::Tall,
            Align::Left,
        );
        for t in taxes.iter().filter(|t| !t.tax.is_zero()) {
            r.push(
                two(
                    &format!("{} {}% {} {}", l[4], t.rate, l[5], m(t.base)),
                    &m(t.tax),
                    w,
                ),
                Style::Normal,
                Align::Left,
            );
        }
        for t in tenders {
            let name = match t.kind {
                TenderKind::Cash => l[6],
                TenderKind::Card => l[7],
                TenderKind::Transfer => l[8],
                TenderKind::Other => l[10],
                TenderKind::Points => l[11],
            };
            let name = match &t.reference {
                Some(rf) => format!("{name} {rf}"),
                None => name.to_string(),
            };
            r.push(two(&name, &m(t.amount), w), Style::Normal, Align::Left);
        }
        if let DocBody::Sale(s) = &doc.body
            && !s.change.is_zero()
        {
            r.push(two(l[9], &m(s.change), w), Style::Bold, Align::Left);
        }
        if let Some(c) = customer {
            r.push("-".repeat(w), Style::Normal, Align::Left);
            r.push(format!("{}: {}", l[12], c.name), Style::Normal, Align::Left);
            r.push(c.key.clone(), Style::Normal, Align::Left);
            if let Some((mv, balance)) = &c.points {
                if mv.redeemed != 0 {
                    r.push(
                        two(l[14], &mv.redeemed.to_string(), w),
                        Style::Normal,
                        Align::Left,
                    );
                }
                if mv.earned != 0 {
                    r.push(
                        two(l[13], &mv.earned.to_string(), w),
                        Style::Normal,
                        Align::Left,
                    );
                }
                r.push(
                    two(l[15], &balance.to_string(), w),
                    Style::Bold,
                    Align::Left,
                );
            }
        }
        for f in &shop.footer {
            r.push(f.clone(), Style::Normal, Align::Center);
        }
        r
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

    #[test]
    fn a_report_fits_the_paper_it_is_laid_out_for() {
        use crate::domain::report::{Report, TenderTotal};
        let cop = Currency::by_code("COP").unwrap();
        let r = Report {
            first_sale: Some("FV1-000001".into()),
            last_sale: Some("FV1-004321".into()),
            sales_total: Money::from_minor(123_456_789),
            tenders: vec![TenderTotal {
                kind: TenderKind::Transfer,
                amount: Money::from_minor(99_999_999),
            }],
            counted_cash: Some(Money::from_minor(5_000)),
            ..Report::default()
        };
        for columns in [32u16, 42, 48] {
            for lang in [Language::Es, Language::En] {
                for l in report_lines(&r, "FV1-Z-000001", &cop, columns, lang) {
                    assert!(
                        l.text.chars().count() <= usize::from(columns),
                        "{columns} columns: {:?}",
                        l.text
                    );
                }
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
