//! Frames onto the terminal: the painter keeps what the terminal shows and writes only the
//! cells that differ from it.
//!
//! ratatui's `Terminal::draw` diffs each frame against the last one, but it asks every cell its
//! display width before it compares it (a Unicode table lookup per cell, about 170 instructions
//! a cell, a third of a frame's cost) and it resets the spare buffer for the next frame. The
//! painter draws into the terminal's buffer, compares first and asks the width only where a
//! symbol is longer than a byte, then keeps the frame as the terminal's record by swapping
//! buffers, so nothing is copied or reset.

use super::{MIN_HEIGHT, MIN_WIDTH, draw, fold_ascii, put, sale, theme::Theme};
use crate::app::{App, Screen};
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, Cell, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::Style;

/// Puts frames on a terminal: the whole screen, or, when only what the cashier is typing
/// changed, just the cells of the input line (a keystroke then costs a few cells, not a
/// frame).
#[derive(Default)]
pub struct Painter {
    /// What the terminal shows: every cell as last written. None before the first frame.
    shown: Option<Buffer>,
}

impl Painter {
    /// Draws `app`; `input_only` when nothing but the sale screen's input changed since the
    /// last paint.
    pub fn paint<W: std::io::Write>(
        &mut self,
        term: &mut ratatui::Terminal<CrosstermBackend<W>>,
        app: &App,
        theme: &Theme,
        input_only: bool,
    ) -> std::io::Result<()> {
        if input_only
            && matches!(app.screen, Screen::Sale)
            && app.popup.is_none()
            && let Some(shown) = &mut self.shown
            && shown.area.width >= MIN_WIDTH
            && shown.area.height >= MIN_HEIGHT
        {
            let row = sale::input_row(shown.area, app);
            let mut line = Buffer::empty(row);
            put::style(&mut line, row, theme.base);
            put::text(
                &mut line,
                row,
                &[sale::input_line(app, theme)],
                Style::default(),
            );
            if theme.ascii {
                fold_ascii(&mut line);
            }
            // The row as the terminal shows it, diffed as a whole frame is.
            let start = shown.index_of(row.x, row.y);
            let on_screen = &mut shown.content[start..start + line.content.len()];
            let writes = changes(on_screen, &line.content, row);
            term.backend_mut().draw(writes.into_iter())?;
            on_screen.clone_from_slice(&line.content);
            return Backend::flush(term.backend_mut());
        }
        // A terminal that changed size is cleared by ratatui: it shows nothing.
        term.autoresize()?;
        let area = {
            let mut frame = term.get_frame();
            draw(&mut frame, app, theme);
            frame.area()
        };
        let first = !self.shown.as_ref().is_some_and(|s| s.area == area);
        if first {
            self.shown = Some(Buffer::empty(area));
            term.hide_cursor()?;
        }
        let Some(shown) = self.shown.as_mut() else {
            return Ok(());
        };
        let mut frame = std::mem::take(term.current_buffer_mut());
        let writes = changes(&shown.content, &frame.content, area);
        term.backend_mut().draw(writes.into_iter())?;
        Backend::flush(term.backend_mut())?;
        // The frame is now the terminal's record; the old record is the next frame's canvas
        // (`draw` sets every cell of it).
        std::mem::swap(shown, &mut frame);
        *term.current_buffer_mut() = frame;
        Ok(())
    }
}

/// The cells of `next` to write over a terminal showing `shown`, both the cells of `area`
/// row by row: those that differ, except the columns a wide character covers, and all of a
/// wide character's columns when a narrower one replaces it (some terminals leave its right
/// half behind).
fn changes<'a>(shown: &[Cell], next: &'a [Cell], area: Rect) -> Vec<(u16, u16, &'a Cell)> {
    let width = usize::from(area.width.max(1));
    let len = next.len().min(shown.len());
    let at = |i: usize| (area.x + (i % width) as u16, area.y + (i / width) as u16);
    let mut out = Vec::new();
    // Cells up to here are written even if unchanged: a wide character stood over them.
    let mut forced = 0;
    let mut i = 0;
    while i < len {
        let (new, old) = (&next[i], &shown[i]);
        let symbol = new.symbol();
        if i < forced || !same(new, symbol, old) {
            let (x, y) = at(i);
            out.push((x, y, new));
            forced = forced.max(i + columns(old.symbol()));
        }
        i += columns(symbol);
    }
    out
}

/// Whether two cells show the same: `Cell`'s own `==`, field by field, with the symbols
/// compared byte by byte in place (a cell's symbol is a few bytes; `==` on them calls the C
/// library's `bcmp`, and `Cell::eq` is not inlined across crates: 75 instructions a cell).
#[allow(deprecated)] // `skip`: compared because `Cell::eq` compares it.
fn same(a: &Cell, a_symbol: &str, b: &Cell) -> bool {
    let (x, y) = (a_symbol.as_bytes(), b.symbol().as_bytes());
    a.fg == b.fg
        && a.bg == b.bg
        && a.modifier == b.modifier
        && a.underline_color == b.underline_color
        && a.diff_option == b.diff_option
        && a.skip == b.skip
        && x.len() == y.len()
        && x.iter().zip(y).all(|(p, q)| p == q)
}

/// The columns a cell's symbol takes. Only a character from U+1100 on can be two columns wide,
/// and a symbol of one or two bytes is one character below U+0800; box drawing, blocks and
/// punctuation (three bytes, under U+1100 or in U+2000 to U+259F outside the arrows and
/// technical signs some fonts draw wide) are one column too. Anything else is asked of
/// Unicode, as ratatui asks it.
fn columns(symbol: &str) -> usize {
    // One character of one, two or three bytes (a lead byte says how many follow).
    let lead = symbol.as_bytes().first().copied().unwrap_or(b' ');
    let narrow = match symbol.len() {
        1 => true,
        2 => lead >= 0xC0,
        3 => {
            lead >= 0xE0
                && symbol.chars().next().is_some_and(|c| {
                    c < '\u{1100}'
                        || ('\u{2000}'..'\u{2070}').contains(&c)
                        || ('\u{2500}'..'\u{25A0}').contains(&c)
                })
        }
        _ => false,
    };
    if narrow {
        1
    } else {
        usize::from(symbol.cell_width()).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &[&str]) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, text.len() as u16, 1));
        for (i, s) in text.iter().enumerate() {
            b.content[i].set_symbol(s);
        }
        b
    }

    fn written(shown: &Buffer, next: &Buffer) -> Vec<u16> {
        changes(&shown.content, &next.content, next.area)
            .iter()
            .map(|(x, _, _)| *x)
            .collect()
    }

    #[test]
    fn only_changed_cells_are_written_and_never_the_columns_under_a_wide_character() {
        let a = row(&["a", "b", "c", "d"]);
        assert!(written(&a, &a).is_empty());
        assert_eq!(written(&a, &row(&["a", "x", "c", "y"])), [1, 3]);
        // A wide character over columns 1 and 2: column 2 is never written.
        let wide = row(&["a", "漢", " ", "d"]);
        assert_eq!(written(&a, &wide), [1]);
        assert!(written(&wide, &wide).is_empty());
        // A narrow one replacing it: both its columns are written, the right half too.
        assert_eq!(written(&wide, &row(&["a", "b", " ", "d"])), [1, 2]);
        // A style alone is a change; a symbol in full.
        assert_eq!(written(&a, &row(&["a", "b", "c", "dé"])), [3]);
        let mut styled = a.clone();
        styled.content[2].set_style(ratatui::style::Style::new().bold());
        assert_eq!(written(&a, &styled), [2]);
    }

    #[test]
    fn the_shortcuts_agree_with_ratatui() {
        use ratatui::style::{Color, Modifier};
        // Every one- to three-byte symbol the shortcut calls narrow is at most one column.
        for c in ('\u{80}'..'\u{1100}')
            .chain('\u{2000}'..'\u{2070}')
            .chain('\u{2500}'..'\u{25A0}')
        {
            let s = c.to_string();
            assert!(s.cell_width() <= 1, "{c:?}");
            assert_eq!(columns(&s), 1, "{c:?}");
        }
        // A character that is wide, and symbols of several characters, are asked of Unicode.
        for s in ["漢", "😀", "⌚", "1\u{FE0F}\u{20E3}", "ab", "aé", "éa"] {
            assert_eq!(columns(s), usize::from(s.cell_width()), "{s:?}");
        }
        // `same` is `==`, over symbols, colours and modifiers that differ one at a time.
        let mut cells = Vec::new();
        for sym in [" ", "a", "é", "ab", "─", "漢"] {
            for fg in [Color::Reset, Color::Red, Color::Rgb(1, 2, 3)] {
                for bg in [Color::Reset, Color::Indexed(4)] {
                    for m in [Modifier::empty(), Modifier::BOLD] {
                        let mut c = Cell::EMPTY;
                        c.set_symbol(sym).set_fg(fg).set_bg(bg);
                        c.modifier = m;
                        cells.push(c);
                    }
                }
            }
        }
        cells.push(Cell::EMPTY);
        let mut under = Cell::EMPTY;
        under.underline_color = Color::Blue;
        cells.push(under);
        for a in &cells {
            for b in &cells {
                assert_eq!(same(a, a.symbol(), b), a == b, "{a:?} {b:?}");
            }
        }
    }
}
