//! `caja soak`: sells demo tickets in a loop and prints each committed number. Technicians use
//! it to burn in a new disk; the crash test kills it at random moments.

use crate::domain::catalog::Product;
use crate::domain::document::{DocBody, SaleBody, Stamp};
use crate::domain::money::Money;
use crate::domain::qty::Qty;
use crate::domain::tender::Tender;
use crate::domain::ticket::TicketLine;
use crate::store::{Committed, DocHeader, Store, StoreError};
use std::io::Write;

/// The ticket number `i` of a soak run: 1 to 4 lines of the given products, paid in cash.
pub fn soak_ticket(store: &Store, products: &[Product], i: u64) -> Result<DocBody, StoreError> {
    if products.is_empty() {
        return Err(StoreError::Invalid(
            "the catalog is empty; import one or run init with --demo".into(),
        ));
    }
    let n = products.len() as u64;
    let lines: Vec<TicketLine> = (0..1 + i % 4)
        .map(|k| {
            let p = &products[((i * 7 + k * 13) % n) as usize];
            TicketLine {
                sku: p.sku.clone(),
                name: p.name.clone(),
                qty: Qty::from_milli(1000 * (1 + ((i + k) % 3) as i64)),
                unit_price: p.price,
                tax_rate: p.tax_rate,
                discount: None,
            }
        })
        .collect();
    let info = store.info();
    let total = crate::domain::ticket::price(&lines, None, info.prices_include_tax)
        .map_err(crate::domain::document::DocError::from)?
        .total;
    // The customer hands over the next round 10.000 (or 100.00).
    let step = 10_000i64;
    let cash = Money::from_minor((total.minor() / step + 1) * step);
    Ok(DocBody::Sale(SaleBody::build(
        &lines,
        None,
        vec![Tender::cash(cash)],
        info.prices_include_tax,
        &info.currency,
    )?))
}

/// The header of a document committed now by `cashier`.
pub fn header_now(cashier: &str) -> DocHeader {
    let now = chrono::Local::now().fixed_offset();
    DocHeader {
        business_date: now.date_naive(),
        at: Stamp::from_datetime(now),
        cashier: cashier.to_string(),
    }
}

/// Sells `count` tickets (forever when `None`), printing each number once it is durable.
pub fn run(
    store: &Store,
    cashier: &str,
    count: Option<u64>,
    out: &mut impl Write,
) -> Result<Vec<Committed>, StoreError> {
    let mut products = Vec::new();
    store.visit_products(|p| {
        if p.active && products.len() < 64 {
            products.push(p);
        }
        Ok(())
    })?;
    let mut done = Vec::new();
    let mut i = 0u64;
    while count.is_none_or(|c| i < c) {
        let body = soak_ticket(store, &products, i)?;
        let c = store.commit(&header_now(cashier), body)?;
        // Printed only after the commit returned: every printed number is on disk.
        writeln!(out, "{}", c.number)?;
        out.flush()?;
        if count.is_some() {
            done.push(c);
        }
        i += 1;
    }
    Ok(done)
}
