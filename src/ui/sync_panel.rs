//! The sync panel (see `app::sync_panel`).

use super::{block, centered, message};
use crate::app::App;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

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
        .map(|(k, n)| format!("{} {n}", t.doc_kinds[k.index()]))
        .collect();
    let queue = if queue.is_empty() {
        "0".to_string()
    } else {
        queue.join(", ")
    };
    let width = usize::from(area.width.saturating_sub(4));
    for l in super::wrap(&format!("{}: {queue}", t.sync_queue), width) {
        lines.push(Line::from(l));
    }
    if let Some(host) = crate::doctor::cleartext_host(&app.config.sync.url, false) {
        lines.push(Line::styled(
            crate::i18n::fill(t.sync_cleartext, &[("host", &host)]),
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
        let h = h.words(t.language);
        lines.push(Line::from(format!(
            "  {}",
            super::fit(&h, width.saturating_sub(2))
        )));
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
