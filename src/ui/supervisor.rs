//! The supervisor's screens: shift opening, blind count, reports, close of day and journal.

use super::{block, centered, field, message_style};
use crate::app::{
    App, CloseDayState, JournalState, OpeningForm, ReportView, ShiftCloseState, StepStatus,
};
use crate::ui::i18n::fill;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

fn message<'a>(app: &App, theme: &Theme) -> Line<'a> {
    match &app.message {
        Some(m) => Line::styled(m.text.clone(), message_style(theme, m.level)),
        None => Line::default(),
    }
}

pub fn opening(f: &mut Frame, app: &App, theme: &Theme, o: &OpeningForm) {
    let t = app.texts;
    let area = centered(f, f.area(), 76, 12);
    let who = app
        .user
        .as_ref()
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let mut lines = vec![
        Line::styled(
            format!("{who} · {}", fill(t.opening_date, &[&o.date.to_string()])),
            theme.accent,
        ),
        Line::default(),
    ];
    if o.opens_day {
        lines.push(Line::from(fill(t.opening_new_day, &[&o.date.to_string()])));
    }
    if o.needs_supervisor {
        let last = o.closed_through.map(|d| d.to_string()).unwrap_or_default();
        // Today already closed, the next date is ahead of the calendar: in sequence, only early.
        let text = if o.date > app.now().date_naive() {
            fill(t.opening_ahead, &[&last])
        } else {
            fill(t.opening_needs_sup, &[&last])
        };
        lines.push(Line::styled(text, theme.warn));
    }
    lines.push(Line::default());
    lines.push(field(theme, t.opening_float, &o.float, true, false, 14));
    lines.push(Line::default());
    lines.push(message(app, theme));
    lines.push(Line::styled(t.opening_hint, theme.dim));
    f.render_widget(
        Paragraph::new(lines).block(block(theme, t.opening_title)),
        area,
    );
}

pub fn shift_close(f: &mut Frame, app: &App, theme: &Theme, s: &ShiftCloseState) {
    let t = app.texts;
    let area = centered(f, f.area(), 70, 14);
    f.render_widget(block(theme, t.shift_close_title), area);
    let [list, input, hint] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .margin(1)
    .areas(area);
    let rows: Vec<Row> = s
        .shifts
        .iter()
        .map(|x| {
            Row::new(vec![
                Cell::from(x.cashier.clone()),
                Cell::from(x.number.clone()),
            ])
        })
        .collect();
    let table = Table::new(rows, [Constraint::Length(16), Constraint::Min(16)])
        .row_highlight_style(theme.selected);
    let mut st = TableState::default().with_selected(Some(s.selected));
    f.render_stateful_widget(table, list, &mut st);
    f.render_widget(
        Paragraph::new(field(
            theme,
            t.shift_close_count,
            &s.counted,
            true,
            false,
            16,
        )),
        input,
    );
    f.render_widget(Paragraph::new(t.shift_close_hint).style(theme.dim), hint);
}

pub fn report(f: &mut Frame, app: &App, theme: &Theme, r: &ReportView) {
    let t = app.texts;
    let area = centered(f, f.area(), 64, f.area().height);
    let [body, msg, hint] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .margin(1)
    .areas(area);
    f.render_widget(block(theme, ""), area);
    let lines: Vec<Line> = r
        .lines
        .iter()
        .skip(r.scroll)
        .map(|l| {
            let style = match l.style {
                crate::receipt::Style::Normal => theme.base,
                _ => theme.accent,
            };
            Line::styled(l.text.clone(), style)
        })
        .collect();
    f.render_widget(Paragraph::new(lines), body);
    f.render_widget(Paragraph::new(message(app, theme)), msg);
    f.render_widget(Paragraph::new(t.report_hint).style(theme.dim), hint);
}

pub fn close_day(f: &mut Frame, app: &App, theme: &Theme, c: &CloseDayState) {
    let t = app.texts;
    let date = c.date.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    let title = fill(t.close_title, &[&date]);
    let area = centered(f, f.area(), 78, 14);
    let mut lines: Vec<Line> = c
        .steps
        .iter()
        .enumerate()
        .map(|(i, (name, s))| {
            let (tag, style, detail) = match s {
                StepStatus::Pending => ("[    ]", theme.dim, t.step_pending.to_string()),
                StepStatus::Running => ("[ .. ]", theme.accent, t.step_running.to_string()),
                StepStatus::Ok(d) => ("[ OK ]", theme.ok, d.clone()),
                StepStatus::Warn(d) => ("[WARN]", theme.warn, d.clone()),
                StepStatus::Fail(d) => ("[FAIL]", theme.error, d.clone()),
            };
            Line::from(vec![
                Span::styled(tag, style),
                Span::raw(format!(" {}. {name:<26} ", i + 1)),
                Span::styled(detail, style),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(message(app, theme));
    lines.push(Line::default());
    let hint = if c.running {
        t.step_running
    } else if c.closed.is_some() {
        t.close_again_hint
    } else {
        t.close_hint
    };
    lines.push(Line::styled(hint, theme.dim));
    f.render_widget(
        Paragraph::new(lines)
            .block(block(theme, &title))
            .wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
}

pub fn journal(f: &mut Frame, app: &App, theme: &Theme, j: &JournalState) {
    let t = app.texts;
    let Some(currency) = app.store.as_ref().map(|s| &s.info().currency) else {
        return;
    };
    let area = f.area();
    f.render_widget(block(theme, t.journal_title), area);
    let [filters, list, totals, msg, hint] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(1),
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
        &[&j.count.to_string(), &currency.format_symbol(j.total)],
    );
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
    f.render_widget(Paragraph::new(message(app, theme)), msg);
    f.render_widget(Paragraph::new(t.journal_hint).style(theme.selected), hint);
}

pub fn sync_panel(f: &mut Frame, app: &App, theme: &Theme, p: &crate::app::SyncPanelState) {
    let t = app.texts;
    let s = &app.sync_status;
    let area = centered(f, f.area(), 78, 22);
    let server = if app.config.sync.url.is_empty() {
        t.sync_not_configured.to_string()
    } else {
        app.config.sync.url.clone()
    };
    let (state, style) = match s.online {
        Some(true) => (t.sync_online, theme.ok),
        Some(false) => (t.sync_offline, theme.error),
        None => (t.sync_unknown, theme.dim),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{}: ", t.sync_server), theme.dim),
        Span::raw(server),
        Span::raw("  "),
        Span::styled(state, style),
    ])];
    let queue: Vec<String> = p
        .queue
        .iter()
        .map(|(k, n)| format!("{} {n}", k.code()))
        .collect();
    let queue = if queue.is_empty() {
        "0".to_string()
    } else {
        queue.join(", ")
    };
    lines.push(Line::from(format!("{}: {queue}", t.sync_queue)));
    if let Some(host) = crate::doctor::cleartext_host(&app.config.sync.url, false) {
        lines.push(Line::styled(
            crate::ui::i18n::fill(t.sync_cleartext, &[&host]),
            theme.error,
        ));
    }
    let or_never = |v: &Option<String>| v.clone().unwrap_or_else(|| t.sync_never.to_string());
    lines.push(Line::from(format!(
        "{}: {}",
        t.sync_last_push,
        or_never(&s.last_push)
    )));
    lines.push(Line::from(format!(
        "{}: {}",
        t.sync_last_pull,
        or_never(&s.last_pull)
    )));
    if let Some(e) = &s.last_error {
        lines.push(Line::styled(
            format!("{}: {e}", t.sync_last_error),
            theme.error,
        ));
    }
    if let Some(pr) = &s.progress {
        lines.push(Line::styled(pr.clone(), theme.accent));
    }
    lines.push(Line::styled(t.sync_history, theme.accent));
    for h in &p.history {
        lines.push(Line::from(format!("  {h}")));
    }
    if !p.rejected.is_empty() {
        lines.push(Line::styled(
            format!("{} ({})", t.sync_rejected, p.rejected.len()),
            theme.warn,
        ));
        for (_, why) in p.rejected.iter().rev().take(4) {
            lines.push(Line::from(format!("  {why}")));
        }
    }
    lines.push(Line::default());
    if p.confirm_replace {
        lines.push(Line::styled(t.sync_confirm_replace, theme.warn));
    } else {
        lines.push(message(app, theme));
        lines.push(Line::styled(t.sync_hint, theme.dim));
        lines.push(Line::styled(t.sync_takeover_hint, theme.dim));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(block(theme, t.sync_title))
            .wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}
