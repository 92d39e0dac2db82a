//! Boxes drawn over the sale screen: search, payment, refund, recall, menu and help.

use super::{block, centered, field};
use crate::app::{App, PaymentState, RecallState, RefundState, SearchState};
use crate::domain::qty::Qty;
use crate::domain::tender::TenderKind;
use crate::ui::sale::big_amount;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

pub fn search(f: &mut Frame, app: &App, theme: &Theme, s: &SearchState) {
    let t = app.texts;
    let Some(currency) = app.store.as_ref().map(|x| &x.info().currency) else {
        return;
    };
    let area = centered(f, f.area(), 74, 18);
    let [q, list, hint] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .margin(1)
    .areas(area);
    f.render_widget(block(theme, t.search_title), area);
    f.render_widget(
        Paragraph::new(field(theme, ">", &s.query, true, false, 1)),
        q,
    );
    if s.results.is_empty() {
        f.render_widget(Paragraph::new(t.search_none).style(theme.dim), list);
    } else {
        let rows: Vec<Row> = s
            .results
            .iter()
            .map(|p| {
                Row::new(vec![
                    Cell::from(p.name.clone()),
                    Cell::from(p.sku.clone()),
                    Cell::from(Line::from(currency.format(p.price)).alignment(Alignment::Right)),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Min(20),
                Constraint::Length(12),
                Constraint::Length(10),
            ],
        )
        .row_highlight_style(theme.selected);
        let mut st = TableState::default().with_selected(Some(s.selected));
        f.render_stateful_widget(table, list, &mut st);
    }
    f.render_widget(Paragraph::new(t.search_hint).style(theme.dim), hint);
}

/// F3: find a customer, or the form that creates or edits one.
pub fn customers(f: &mut Frame, app: &App, theme: &Theme, s: &crate::app::CustomerState) {
    let t = app.texts;
    let area = centered(f, f.area(), 74, 16);
    if let Some(form) = &s.form {
        f.render_widget(block(theme, t.customer_form_title), area);
        let inner = area.inner(ratatui::layout::Margin::new(1, 1));
        let mut lines = Vec::new();
        for (i, label) in t.customer_fields.iter().enumerate() {
            let fixed = form.editing && i < 2;
            lines.push(field(
                theme,
                label,
                &form.values[i],
                form.focus == i && !fixed,
                false,
                22,
            ));
        }
        lines.push(Line::default());
        if let Some(e) = &form.error {
            lines.push(Line::styled(e.clone(), theme.error));
        }
        lines.push(Line::styled(t.customer_form_hint, theme.dim));
        f.render_widget(
            Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    let [q, list, hint] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .margin(1)
    .areas(area);
    f.render_widget(block(theme, t.customers_title), area);
    f.render_widget(
        Paragraph::new(field(theme, ">", &s.query, true, false, 1)),
        q,
    );
    if s.results.is_empty() {
        let none = if s.query.trim().is_empty() {
            ""
        } else {
            t.customers_none
        };
        f.render_widget(Paragraph::new(none).style(theme.dim), list);
    } else {
        let rows: Vec<Row> = s
            .results
            .iter()
            .map(|c| {
                Row::new(vec![
                    Cell::from(c.name.clone()),
                    Cell::from(c.key()),
                    Cell::from(c.phone.clone()),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Min(20),
                Constraint::Length(22),
                Constraint::Length(14),
            ],
        )
        .row_highlight_style(theme.selected);
        let mut st = TableState::default().with_selected(Some(s.selected));
        f.render_stateful_widget(table, list, &mut st);
    }
    f.render_widget(
        Paragraph::new(t.customers_hint)
            .style(theme.dim)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        hint,
    );
}

fn tender_name(app: &App, k: TenderKind) -> &'static str {
    let t = app.texts;
    match k {
        TenderKind::Cash => t.tender_cash,
        TenderKind::Card => t.tender_card,
        TenderKind::Transfer => t.tender_transfer,
        TenderKind::Other => t.tender_other,
        TenderKind::Points => t.tender_points,
    }
}

pub fn payment(f: &mut Frame, app: &App, theme: &Theme, p: &PaymentState) {
    let t = app.texts;
    let Some(currency) = app.store.as_ref().map(|x| &x.info().currency) else {
        return;
    };
    let area = centered(f, f.area(), 80, 12);
    f.render_widget(block(theme, t.pay_title), area);
    let [top, hint] = Layout::vertical([Constraint::Min(8), Constraint::Length(2)])
        .margin(1)
        .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Min(30), Constraint::Length(34)]).areas(top);
    let mut lines = vec![Line::styled(
        format!("{} {}", t.total, currency.format_symbol(app.ticket.total())),
        theme.accent,
    )];
    for tender in &app.ticket.tenders {
        let r = tender
            .reference
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        lines.push(Line::from(format!(
            "{:<14}{:>12}{r}",
            tender_name(app, tender.kind),
            currency.format(tender.amount)
        )));
    }
    lines.push(Line::default());
    match p.pending {
        Some((k, a)) => {
            lines.push(Line::styled(
                format!("{} {}", tender_name(app, k), currency.format_symbol(a)),
                theme.accent,
            ));
            lines.push(Line::styled(t.pay_reference, theme.dim));
            lines.push(field(theme, ">", &p.input, true, false, 1));
        }
        None => lines.push(field(theme, t.tender_cash, &p.input, true, false, 14)),
    }
    f.render_widget(Paragraph::new(lines), left);
    let mut due = vec![Line::styled(t.pay_remaining, theme.total)];
    due.extend(big_amount(
        &currency.format(app.due()),
        usize::from(right.width),
        theme,
    ));
    // What to collect when the rest is paid in cash, rounded to the coin.
    let in_cash = currency.round_cash(app.due()).unwrap_or(app.due());
    due.push(Line::styled(
        crate::receipt::two(
            t.pay_in_cash,
            &currency.format_symbol(in_cash),
            usize::from(right.width),
        ),
        theme.accent,
    ));
    f.render_widget(Paragraph::new(due), right);
    f.render_widget(
        Paragraph::new(t.pay_hint)
            .style(theme.dim)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        hint,
    );
}

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
                Cell::from(l.name.clone()),
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

pub fn menu(f: &mut Frame, app: &App, theme: &Theme) {
    let t = app.texts;
    let area = centered(f, f.area(), 78, 11);
    let left = [
        t.menu_refund,
        t.menu_unlock,
        t.menu_logout,
        t.menu_quit,
        t.menu_reprint,
        t.menu_drawer,
        t.menu_diag,
        t.menu_cash_in,
        t.menu_cash_out,
    ];
    let right = [
        t.menu_shift_close,
        t.menu_x,
        t.menu_z,
        t.menu_journal,
        t.menu_backup,
        t.menu_token,
        t.menu_users,
    ];
    f.render_widget(block(theme, t.menu_title), area);
    let [l, r] = Layout::horizontal([Constraint::Length(38), Constraint::Min(30)])
        .margin(1)
        .areas(area);
    let lines =
        |items: &[&'static str]| -> Vec<Line> { items.iter().map(|s| Line::from(*s)).collect() };
    f.render_widget(Paragraph::new(lines(&left)), l);
    f.render_widget(Paragraph::new(lines(&right)), r);
}

pub fn help(f: &mut Frame, app: &App, theme: &Theme) {
    let t = app.texts;
    let area = centered(f, f.area(), 76, t.help_lines.len() as u16 + 2);
    let lines: Vec<Line> = t.help_lines.iter().map(|s| Line::from(*s)).collect();
    f.render_widget(
        Paragraph::new(lines).block(block(theme, t.help_title)),
        area,
    );
}

pub fn diagnostics(f: &mut Frame, app: &App, theme: &Theme, d: &crate::app::DiagState) {
    use crate::app::DiagView;
    use crate::doctor::Level as L;
    let t = app.texts;
    let area = f.area();
    let [body, msg, hint] = Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let lines: Vec<Line> = match d.view {
        DiagView::Checks if d.findings.is_empty() => vec![Line::styled(t.diag_running, theme.dim)],
        DiagView::Checks => {
            let mut v: Vec<Line> = d
                .findings
                .iter()
                .map(|x| {
                    let (tag, style) = match x.level {
                        L::Ok => ("OK  ", theme.ok),
                        L::Warn => ("WARN", theme.warn),
                        L::Fail => ("FAIL", theme.error),
                    };
                    Line::from(vec![
                        ratatui::text::Span::styled(tag, style),
                        ratatui::text::Span::raw(format!(" {:<13} {}", x.what, x.detail)),
                    ])
                })
                .collect();
            if d.running {
                v.push(Line::styled(t.diag_running, theme.dim));
            }
            v
        }
        DiagView::Log | DiagView::Config => {
            let h = usize::from(body.height.saturating_sub(2));
            d.text[d.text.len().saturating_sub(h)..]
                .iter()
                .map(|l| Line::from(l.clone()))
                .collect()
        }
    };
    f.render_widget(
        Paragraph::new(lines)
            .block(block(theme, t.diag_title))
            .wrap(ratatui::widgets::Wrap { trim: false }),
        body,
    );
    if let Some(m) = &app.message {
        f.render_widget(
            Paragraph::new(m.shown()).style(super::message_style(theme, m.level)),
            msg,
        );
    }
    f.render_widget(Paragraph::new(t.diag_hint).style(theme.selected), hint);
}
