//! The customer search and form (see `app::customers`).

use super::{block, centered, field};
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

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
        // The name takes what the number and the phone leave (and the two gaps).
        let name_w = usize::from(list.width).saturating_sub(22 + 14 + 2);
        let rows: Vec<Row> = s
            .results
            .iter()
            .map(|c| {
                Row::new(vec![
                    Cell::from(super::fit(&c.name, name_w)),
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
