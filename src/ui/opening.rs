//! The opening screen (see `app::opening`).

use super::{block, centered, field, message};
use crate::app::{App, OpeningForm};
use crate::i18n::fill;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

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
            format!(
                "{who} · {}",
                fill(t.opening_date, &[("date", &o.date.to_string())])
            ),
            theme.accent,
        ),
        Line::default(),
    ];
    if o.opens_day {
        lines.push(Line::from(fill(
            t.opening_new_day,
            &[("date", &o.date.to_string())],
        )));
    }
    if o.needs_supervisor {
        let last = o.closed_through.map(|d| d.to_string()).unwrap_or_default();
        // Today already closed, the next date is ahead of the calendar: in sequence, only early.
        let text = if o.date > app.now().date_naive() {
            fill(t.opening_ahead, &[("last", &last)])
        } else {
            fill(t.opening_needs_sup, &[("last", &last)])
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
