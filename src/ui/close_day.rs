//! The close-of-day steps (see `app::close_day`).

use super::{block, centered, message};
use crate::app::{App, CloseDayState, StepStatus};
use crate::i18n::fill;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn close_day(f: &mut Frame, app: &App, theme: &Theme, c: &CloseDayState) {
    let t = app.texts;
    let date = c.date.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    let title = fill(t.close_title, &[("date", &date)]);
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
