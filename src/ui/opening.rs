//! The opening screen (see `app::opening`).

use super::{block, centered, field, message};
use crate::app::{App, OpeningForm};
use crate::domain::day::Why;
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
    if let Some(why) = o.why.filter(|_| o.opens_day) {
        lines.push(Line::styled(why_text(app, why), theme.warn));
    }
    lines.push(Line::default());
    lines.push(field(theme, t.opening_float, &o.float, true, false, 14));
    lines.push(Line::default());
    lines.push(message(app, theme));
    lines.push(Line::styled(t.opening_hint, theme.dim));
    f.render_widget(
        Paragraph::new(lines)
            .block(block(theme, t.opening_title))
            .wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
}

/// Why a supervisor confirms the date, in the register's language (one line of at most 74
/// columns: every date is ten).
pub fn why_text(app: &App, why: Why) -> String {
    let t = app.texts;
    match why {
        Why::FirstDate => fill(
            t.opening_first,
            &[("clock", &app.now().format("%Y-%m-%d %H:%M").to_string())],
        ),
        Why::Gap { closed } => fill(t.opening_needs_sup, &[("last", &closed.to_string())]),
        Why::ClosedToday { closed } => fill(t.opening_ahead, &[("last", &closed.to_string())]),
        Why::ServerDate { server, clock } => fill(
            t.opening_server,
            &[
                ("server", &server.to_string()),
                ("clock", &clock.to_string()),
            ],
        ),
    }
}
