//! A report on screen (see `app::report`).

use super::{block, centered, message};
use crate::app::{App, ReportView};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn report(f: &mut Frame, app: &App, theme: &Theme, r: &ReportView) {
    let t = app.texts;
    let area = centered(f, f.area(), 64, f.area().height);
    let [body, msg, hint] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(2),
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
    // The result of what produced the report (a shift's close) wraps rather than hides.
    f.render_widget(
        Paragraph::new(message(app, theme)).wrap(Wrap { trim: true }),
        msg,
    );
    f.render_widget(Paragraph::new(t.report_hint).style(theme.dim), hint);
}
