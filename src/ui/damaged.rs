//! The damaged-store screen (see `app::damaged`).

use super::{block, centered, field, message_style};
use crate::app::{App, DamagedState};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn damaged(f: &mut Frame, app: &App, theme: &Theme, st: &DamagedState) {
    let t = app.texts;
    let area = centered(f, f.area(), 78, 22);
    let mut lines: Vec<Line> = Vec::new();
    match &st.report {
        None => {
            for l in [
                t.damaged_lines_0,
                t.damaged_lines_1,
                t.damaged_lines_2,
                t.damaged_lines_3,
            ] {
                lines.push(Line::styled(l, theme.warn));
            }
            lines.push(Line::default());
            lines.push(Line::styled(st.why.clone(), theme.dim));
            lines.push(Line::default());
            lines.push(field(
                theme,
                t.login_user,
                &st.form.user,
                !st.form.on_pin,
                false,
                10,
            ));
            lines.push(field(
                theme,
                t.login_pin,
                &st.form.pin,
                st.form.on_pin,
                true,
                10,
            ));
        }
        Some(report) => {
            lines.extend(report.iter().map(|l| Line::raw(l.clone())));
        }
    }
    lines.push(Line::default());
    if let Some(m) = &app.message {
        lines.push(Line::styled(
            m.shown().into_owned(),
            message_style(theme, m.level),
        ));
    }
    if st.report.is_none() {
        lines.push(Line::styled(t.damaged_hint, theme.dim));
    }
    f.render_widget(
        Paragraph::new(lines)
            .block(block(theme, t.damaged_title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The read-only disk screen (see `App::read_only_disk`).
pub fn read_only(f: &mut Frame, app: &App, theme: &Theme, why: &str) {
    let t = app.texts;
    let area = centered(f, f.area(), 78, 14);
    let dir = app.config.backup.dir.trim();
    let mut lines = vec![
        Line::styled(why.to_string(), theme.error),
        Line::default(),
        Line::raw(if dir.is_empty() {
            t.readonly_no_dir.to_string()
        } else {
            crate::i18n::fill(t.readonly_backup, &[("dir", dir)])
        }),
        Line::default(),
    ];
    if let Some(m) = &app.message {
        lines.push(Line::styled(
            m.shown().into_owned(),
            message_style(theme, m.level),
        ));
    }
    lines.push(Line::styled(
        if app.config.register.kiosk {
            t.readonly_hint_kiosk
        } else {
            t.readonly_hint
        },
        theme.dim,
    ));
    f.render_widget(
        Paragraph::new(lines)
            .block(block(theme, t.readonly_title))
            .wrap(Wrap { trim: false }),
        area,
    );
}
