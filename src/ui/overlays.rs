//! Boxes drawn over the sale screen: search, the menu and help.

use super::{block, centered, field};
use crate::app::{App, SearchState};
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
        // The name takes what the code and the price leave (and the two gaps).
        let name_w = usize::from(list.width).saturating_sub(12 + 10 + 2);
        let rows: Vec<Row> = s
            .results
            .iter()
            .map(|p| {
                Row::new(vec![
                    Cell::from(super::fit(&p.name, name_w)),
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
        t.menu_correct_day,
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
