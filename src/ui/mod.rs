//! Drawing: pure functions from the app's state to a frame. Screens never write to the store.

pub mod big;
mod damaged;
mod forms;

mod close_day;
mod customers;
mod diagnostics;
mod opening;
mod overlays;
mod paint;
mod payment;
mod put;
mod refund;
mod report;
pub mod sale;
mod sales_journal;
mod shift_close;
mod sync_panel;
pub mod theme;

pub use paint::Painter;

use crate::app::{App, Level, Screen};
use crate::i18n::fill;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use theme::Theme;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole screen.
pub fn draw(f: &mut Frame, app: &App, theme: &Theme) {
    let area = f.area();
    // Every cell blank in the theme's colours, set in place (a block over the whole area would
    // reach every cell through the buffer's index, about 80 k instructions more a frame). The
    // painter hands over the last frame's buffer as the canvas: nothing of it may show through.
    for cell in &mut f.buffer_mut().content {
        cell.reset();
        cell.set_style(theme.base);
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = fill(
            app.texts.too_small,
            &[
                ("width", &area.width.to_string()),
                ("height", &area.height.to_string()),
            ],
        );
        let y = area.height / 2;
        let p = Paragraph::new(msg)
            .style(theme.warn)
            .alignment(Alignment::Center);
        f.render_widget(
            p,
            Rect {
                x: area.x,
                y: area.y + y,
                width: area.width,
                height: 1.min(area.height),
            },
        );
        return;
    }
    match &app.screen {
        Screen::Setup(form) => forms::setup(f, app, theme, form),
        Screen::Damaged(st) => damaged::damaged(f, app, theme, st),
        Screen::ReadOnlyDisk(why) => damaged::read_only(f, app, theme, why),
        Screen::Login(form) => forms::login(f, app, theme, form),
        Screen::Diagnostics(d) => diagnostics::diagnostics(f, app, theme, d),
        Screen::Opening(o) => opening::opening(f, app, theme, o),
        Screen::Journal(j) => sales_journal::journal(f, app, theme, j),
        _ => {
            sale::sale(f, app, theme);
            match &app.screen {
                Screen::Search(s) => overlays::search(f, app, theme, s),
                Screen::Customers(s) => customers::customers(f, app, theme, s),
                Screen::Payment(p) => payment::payment(f, app, theme, p),
                Screen::Refund(r) => refund::refund(f, app, theme, r),
                Screen::Recall(r) => refund::recall(f, app, theme, r),
                Screen::Menu => overlays::menu(f, app, theme),
                Screen::Help => overlays::help(f, app, theme),
                Screen::ShiftClose(s) => shift_close::shift_close(f, app, theme, s),
                Screen::Report(r) => report::report(f, app, theme, r),
                Screen::CloseDay(c) => close_day::close_day(f, app, theme, c),
                Screen::SyncPanel(p) => sync_panel::sync_panel(f, app, theme, p),
                _ => {}
            }
        }
    }
    if let Some(p) = &app.popup {
        forms::popup(f, app, theme, p);
    }
    if theme.ascii {
        fold_ascii(f.buffer_mut());
    }
}

/// A console without UTF-8 shows only ASCII: folds everything drawn (accents, arrows).
fn fold_ascii(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if !sym.is_ascii() {
            let folded: String = sym
                .chars()
                .map(|c| {
                    if c.is_ascii() {
                        c.to_string()
                    } else {
                        theme::to_ascii(c).to_string()
                    }
                })
                .collect();
            cell.set_symbol(&folded);
        }
    }
}

/// A box of `w` x `h` in the middle of `area`, cleared.
pub(crate) fn centered(f: &mut Frame, area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    put::clear(f.buffer_mut(), r);
    r
}

pub(crate) fn block<'a>(theme: &Theme, title: &'a str) -> Block<'a> {
    let b = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set)
        .border_style(theme.border)
        .style(theme.base);
    if title.is_empty() {
        b
    } else {
        b.title(Span::styled(format!(" {title} "), theme.accent))
    }
}

/// "Label: value" with the value highlighted when it has the focus.
pub(crate) fn field<'a>(
    theme: &Theme,
    label: &str,
    value: &str,
    focused: bool,
    masked: bool,
    label_width: usize,
) -> Line<'a> {
    let shown = if masked {
        "*".repeat(value.chars().count())
    } else {
        value.to_string()
    };
    let style = if focused { theme.selected } else { theme.base };
    let cursor = if focused { "_" } else { " " };
    Line::from(vec![
        Span::styled(
            format!("{label:<label_width$} "),
            if focused { theme.accent } else { theme.dim },
        ),
        Span::styled(format!("{shown}{cursor}"), style),
    ])
}

pub(crate) fn message_style(theme: &Theme, level: Level) -> Style {
    match level {
        Level::Info => theme.base,
        Level::Ok => theme.ok,
        Level::Warn => theme.warn,
        Level::Error => theme.error,
    }
}

/// The newest message as one styled line, for screens that show it in a line of their own.
pub(super) fn message<'a>(app: &App, theme: &Theme) -> Line<'a> {
    match &app.message {
        Some(m) => Line::styled(m.text.clone(), message_style(theme, m.level)),
        None => Line::default(),
    }
}

/// `s` in at most `width` columns: whole, or shortened with "…", so that a cut never passes
/// for a word.
pub fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// `s` in lines of at most `width` columns, broken at spaces; a word longer than a line is
/// shortened with "…".
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let word = fit(word, width);
        let need = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if !cur.is_empty() && need > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_and_wrap_never_cut_a_word_silently() {
        assert_eq!(fit("Queso campesino", 20), "Queso campesino");
        assert_eq!(fit("Queso campesino", 8), "Queso c…");
        assert_eq!(fit("Queso campesino", 7), "Queso…");
        assert_eq!(fit("Queso campesino", 10), "Queso cam…");
        assert_eq!(
            wrap("Cliente: Distribuidora Hermanos Restrepo", 16),
            ["Cliente:", "Distribuidora", "Hermanos", "Restrepo"]
        );
        assert_eq!(wrap("Supercalifragilistico", 8), ["Superca…"]);
    }
}
