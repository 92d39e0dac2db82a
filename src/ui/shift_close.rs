//! The shift close: blind count and result (see `app::shift_close`).

use super::{block, centered, field};
use crate::app::{App, ShiftCloseState};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

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
