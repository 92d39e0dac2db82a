//! Refunds and recalling a sale (see `app::refund`).

use super::{block, centered, field};
use crate::app::{App, RecallState, RefundState};
use crate::domain::qty::Qty;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

pub fn refund(f: &mut Frame, app: &App, theme: &Theme, r: &RefundState) {
    let t = app.texts;
    let area = centered(f, f.area(), 76, 18);
    f.render_widget(block(theme, t.refund_title), area);
    let [top, list, hint] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .margin(1)
    .areas(area);
    let Some((number, sale)) = &r.sale else {
        f.render_widget(
            Paragraph::new(field(theme, t.refund_number, &r.number, true, false, 16)),
            top,
        );
        f.render_widget(Paragraph::new(t.refund_hint).style(theme.dim), hint);
        return;
    };
    let Some(currency) = app.store.as_ref().map(|x| &x.info().currency) else {
        return;
    };
    f.render_widget(
        Paragraph::new(vec![
            Line::styled(number.clone(), theme.accent),
            field(theme, t.refund_return, &r.input, true, false, 9),
        ]),
        top,
    );
    let shown = |q: Qty| {
        if q.milli() > 0 {
            currency.format_qty(q)
        } else {
            String::new()
        }
    };
    let right = |s: String| Cell::from(Line::from(s).alignment(Alignment::Right));
    // The name takes what the figures leave: 3 + 7 + 10 + 8 + 9 and five gaps.
    let name_w = usize::from(list.width).saturating_sub(42);
    let rows: Vec<Row> = sale
        .lines
        .iter()
        .zip(&r.returns)
        .enumerate()
        .map(|(i, (l, q))| {
            let before = r.refunded.get(i).copied().unwrap_or(Qty::from_milli(0));
            Row::new(vec![
                right(format!("{}", i + 1)),
                right(currency.format_qty(l.qty)),
                Cell::from(super::fit(&l.name, name_w)),
                right(currency.format(l.total)),
                right(shown(before)),
                right(shown(*q)),
            ])
        })
        .collect();
    let header = Row::new(vec![
        right("#".into()),
        right(t.refund_sold.into()),
        Cell::from(t.col_item),
        right(t.col_amount.into()),
        right(t.refund_already.into()),
        right(t.refund_return.into()),
    ])
    .style(theme.accent);
    let table = Table::new(
        rows,
        [
            Constraint::Length(3),
            Constraint::Length(7),
            Constraint::Min(16),
            Constraint::Length(10),
            Constraint::Length(8),
            Constraint::Length(9),
        ],
    )
    .header(header)
    .row_highlight_style(theme.selected);
    let mut st = TableState::default().with_selected(Some(r.selected));
    f.render_stateful_widget(table, list, &mut st);
    f.render_widget(Paragraph::new(t.refund_lines_hint).style(theme.dim), hint);
}

pub fn recall(f: &mut Frame, app: &App, theme: &Theme, r: &RecallState) {
    let t = app.texts;
    let area = centered(f, f.area(), 70, 14);
    let include_tax = app
        .store
        .as_ref()
        .is_none_or(|s| s.info().prices_include_tax);
    let currency = app.store.as_ref().map(|s| s.info().currency.clone());
    let rows: Vec<Row> = r
        .list
        .iter()
        .map(|(id, h)| {
            // The ticket's total, right-aligned, and its lines, so the right one is recalled.
            let total = crate::domain::ticket::price(&h.lines, h.discount, include_tax)
                .map(|t| t.total)
                .unwrap_or_default();
            let total = currency.as_ref().map_or(String::new(), |c| c.format(total));
            let names: Vec<&str> = h.lines.iter().map(|l| l.name.as_str()).collect();
            let paid = if h.tenders.is_empty() { "" } else { " $" };
            Row::new(vec![
                Cell::from(format!("#{id}")),
                Cell::from(h.at.to_datetime().format("%H:%M").to_string()),
                Cell::from(h.cashier.clone()),
                Cell::from(Line::from(format!("{total}{paid}")).alignment(Alignment::Right)),
                Cell::from(format!("{} · {}", h.lines.len(), names.join(", "))),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Length(10),
            Constraint::Length(13),
            Constraint::Min(10),
        ],
    )
    .block(block(theme, t.recall_title).title_bottom(Line::styled(t.recall_hint, theme.dim)))
    .row_highlight_style(theme.selected);
    let mut st = TableState::default().with_selected(Some(r.selected));
    f.render_stateful_widget(table, area, &mut st);
}
