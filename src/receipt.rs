//! The receipt as plain text, laid out for 32, 42 or 48 columns: what the `file:` printer writes
//! and what the screen can preview. (ESC/POS encoding comes with the devices work.)

use crate::config::Language;
use crate::domain::document::{DocBody, Document};
use crate::domain::money::Currency;
use crate::domain::tender::TenderKind;

fn labels(lang: Language) -> [&'static str; 10] {
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
        ],
        Language::En => [
            "Register", "Cashier", "Discount", "TOTAL", "Tax", "base", "Cash", "Card", "Transfer",
            "Change",
        ],
    }
}

fn two(left: &str, right: &str, width: usize) -> String {
    let l: String = left
        .chars()
        .take(width.saturating_sub(right.chars().count() + 1))
        .collect();
    let pad = width.saturating_sub(l.chars().count() + right.chars().count());
    format!("{l}{}{right}", " ".repeat(pad))
}

fn center(s: &str, width: usize) -> String {
    let n = s.chars().count().min(width);
    let t: String = s.chars().take(width).collect();
    format!("{}{t}", " ".repeat((width - n) / 2))
}

/// Lays out a committed sale or refund.
pub fn text(
    doc: &Document,
    store_name: &str,
    currency: &Currency,
    columns: u16,
    lang: Language,
) -> String {
    let w = usize::from(columns);
    let l = labels(lang);
    let m = |v| currency.format(v);
    let mut out = Vec::new();
    out.push(center(store_name, w));
    out.push(two(&format!("{} {}", l[0], doc.register), &doc.number, w));
    out.push(two(
        &doc.at.to_datetime().format("%Y-%m-%d %H:%M").to_string(),
        &format!("{} {}", l[1], doc.cashier),
        w,
    ));
    out.push("-".repeat(w));
    let (lines, taxes, total, tenders) = match &doc.body {
        DocBody::Sale(s) => {
            let lines: Vec<(String, String, String, Option<String>)> = s
                .lines
                .iter()
                .map(|x| {
                    let disc = (!x.discount.is_zero()).then(|| format!("-{}", m(x.discount)));
                    (
                        format!("{} x {}", x.qty, m(x.unit_price)),
                        x.name.clone(),
                        m(x.total),
                        disc,
                    )
                })
                .collect();
            (lines, &s.taxes, s.total, s.tenders.clone())
        }
        DocBody::Refund(r) => {
            out.push(two("Ref.", &r.original, w));
            let lines = r
                .lines
                .iter()
                .map(|x| {
                    (
                        format!("-{}", x.qty),
                        x.name.clone(),
                        format!("-{}", m(x.total)),
                        None,
                    )
                })
                .collect();
            (lines, &r.taxes, r.total, r.tenders.clone())
        }
        DocBody::CashMove(c) => {
            out.push(two(&c.reason, &m(c.amount), w));
            return out.join("\n") + "\n\n\n";
        }
    };
    for (qty, name, amount, disc) in lines {
        out.push(name.chars().take(w).collect());
        out.push(two(&format!("  {qty}"), &amount, w));
        if let Some(d) = disc {
            out.push(two(&format!("  {}", l[2]), &d, w));
        }
    }
    out.push("-".repeat(w));
    out.push(two(l[3], &currency.format_symbol(total), w));
    for t in taxes.iter().filter(|t| !t.tax.is_zero()) {
        out.push(two(
            &format!("{} {}% {} {}", l[4], t.rate, l[5], m(t.base)),
            &m(t.tax),
            w,
        ));
    }
    for t in &tenders {
        let name = match t.kind {
            TenderKind::Cash => l[6],
            TenderKind::Card => l[7],
            TenderKind::Transfer => l[8],
            TenderKind::Other => "Otro/Other",
        };
        out.push(two(name, &m(t.amount), w));
    }
    if let DocBody::Sale(s) = &doc.body
        && !s.change.is_zero()
    {
        out.push(two(l[9], &m(s.change), w));
    }
    out.join("\n") + "\n\n\n"
}
