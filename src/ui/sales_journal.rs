//! The journal screen (see `app::journal`).

use super::{block, message};
use crate::app::{App, JournalState};
use crate::i18n::fill;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

pub fn journal(f: &mut Frame, app: &App, theme: &Theme, j: &JournalState) {
    let t = app.texts;
    let Some(currency) = app.store.as_ref().map(|s| &s.info().currency) else {
        return;
    };
    let area = f.area();
    f.render_widget(block(theme, t.journal_title), area);
    // A message longer than a row (an export's path) takes a second one from the list.
    let msg_rows = match &app.message {
        Some(m) if m.shown().chars().count() > usize::from(area.width.saturating_sub(2)) => 2,
        _ => 1,
    };
    let [filters, list, totals, msg, hint] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(msg_rows),
        Constraint::Length(1),
    ])
    .margin(1)
    .areas(area);
    let labels = [
        t.journal_from,
        t.journal_to,
        t.journal_register,
        t.journal_cashier,
        t.journal_type,
        t.journal_tender,
    ];
    let mut spans: Vec<Vec<Span>> = vec![Vec::new(), Vec::new()];
    for (i, (label, value)) in labels.iter().zip(&j.fields).enumerate() {
        let focused = i == j.focus;
        let row = &mut spans[usize::from(i >= 3)];
        row.push(Span::styled(
            format!("{label}: "),
            if focused { theme.accent } else { theme.dim },
        ));
        row.push(Span::styled(
            format!("{value:<12}{}", if focused { "_" } else { " " }),
            if focused { theme.selected } else { theme.base },
        ));
        row.push(Span::raw("  "));
    }
    f.render_widget(
        Paragraph::new(spans.into_iter().map(Line::from).collect::<Vec<_>>()),
        filters,
    );
    let rows: Vec<Row> = j
        .rows
        .iter()
        .skip(j.scroll)
        .take(usize::from(list.height))
        .map(|r| {
            Row::new(vec![
                Cell::from(r.number.clone()),
                Cell::from(r.at.get(..16).unwrap_or(&r.at).replace('T', " ")),
                Cell::from(
                    crate::domain::numbering::DocKind::from_code(r.kind)
                        .map_or(r.kind, |k| t.doc_kinds[k.index()]),
                ),
                Cell::from(r.cashier.clone()),
                Cell::from(Line::from(currency.format(r.total)).alignment(Alignment::Right)),
                Cell::from(if r.overrides.is_empty() { "" } else { "*" }),
            ])
        })
        .collect();
    let header = Row::new(vec![
        Cell::from(t.col_number),
        Cell::from(t.col_when),
        Cell::from(t.col_type),
        Cell::from(t.hdr_cashier),
        Cell::from(Line::from(t.total).alignment(Alignment::Right)),
        Cell::from(""),
    ])
    .style(theme.accent);
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Length(16),
            Constraint::Length(11),
            Constraint::Length(10),
            Constraint::Length(13),
            Constraint::Length(1),
        ],
    )
    .header(header);
    f.render_widget(table, list);
    let m = |v| currency.format(v);
    let mut sum = fill(
        t.journal_totals,
        &[
            ("count", &j.count.to_string()),
            ("total", &currency.format_symbol(j.total)),
        ],
    );
    if !j.cash_moves.is_zero() {
        let moves = currency.format_symbol(j.cash_moves);
        sum.push_str(&format!(
            " · {}",
            fill(t.journal_cash_moves, &[("moves", &moves)])
        ));
    }
    for (name, v) in [
        t.tender_cash,
        t.tender_card,
        t.tender_transfer,
        t.tender_other,
    ]
    .iter()
    .zip(j.tenders)
    {
        if !v.is_zero() {
            sum.push_str(&format!(" · {name} {}", m(v)));
        }
    }
    let more = if j.truncated { " (+)" } else { "" };
    f.render_widget(
        Paragraph::new(format!("{sum}{more}"))
            .style(theme.accent)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        totals,
    );
    f.render_widget(
        Paragraph::new(message(app, theme)).wrap(ratatui::widgets::Wrap { trim: true }),
        msg,
    );
    f.render_widget(Paragraph::new(t.journal_hint).style(theme.selected), hint);
}
