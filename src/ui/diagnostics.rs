//! The diagnostics screen (see `app::diagnostics`).

use super::block;
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn diagnostics(f: &mut Frame, app: &App, theme: &Theme, d: &crate::app::DiagState) {
    use crate::app::DiagView;
    use crate::doctor::Level as L;
    let t = app.texts;
    let w = crate::i18n::doctor_words(app.config.language);
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
                        ratatui::text::Span::raw(format!(" {:<13} {}", w.name(x.what), x.detail)),
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
