//! Drawing straight into the buffer, for the sale screen that is drawn at every key.
//!
//! Each function draws exactly the cells a ratatui widget draws (`text` a `Paragraph`, `boxed`
//! our `block`, `cell` a table cell; the tests below hold them to it over random input), at a
//! fraction of the cost: ratatui splits every string into grapheme clusters, asks each one its
//! width in Unicode's tables and reaches every cell through a checked index. Text made of
//! characters that are each one cell wide and never join their neighbours (`simple`: the
//! register's own words, Latin names, figures, box drawing) is written a character to a cell;
//! anything else (a wide character, a combining accent, an emoji) is handed to the widget
//! itself, so it is drawn as ratatui draws it.

use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget};

/// A character one cell wide that is a grapheme cluster of its own beside any other such
/// character: printable ASCII, Latin-1 and the Latin extensions, spacing modifiers, the
/// punctuation from the hyphen to the ellipsis, currency signs, box drawing and blocks.
fn simple(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{A0}'..='\u{AC}'
        | '\u{AE}'..='\u{2FF}'
        | '\u{2010}'..='\u{2027}'
        | '\u{20A0}'..='\u{20C0}'
        | '\u{2500}'..='\u{259F}')
}

/// The number of characters of `s` when all are simple (and so its width in cells).
fn simple_width(s: &str) -> Option<usize> {
    if s.is_ascii() {
        return s
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b))
            .then_some(s.len());
    }
    let mut n = 0;
    for c in s.chars() {
        if !simple(c) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// The index of the cell at (`x`, `y`), which must be inside the buffer.
fn at(buf: &Buffer, x: u16, y: u16) -> usize {
    usize::from(y - buf.area.y) * usize::from(buf.area.width) + usize::from(x - buf.area.x)
}

/// `Buffer::set_style`: `style` over every cell of `area` (clipped to the buffer).
pub(crate) fn style(buf: &mut Buffer, area: Rect, style: Style) {
    let area = area.intersection(buf.area);
    if area.is_empty() || style == Style::default() {
        return;
    }
    for y in area.top()..area.bottom() {
        let start = at(buf, area.x, y);
        for cell in &mut buf.content[start..start + usize::from(area.width)] {
            cell.set_style(style);
        }
    }
}

/// The `Clear` widget: every cell of `area` (clipped to the buffer) blank and unstyled.
pub(crate) fn clear(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    for y in area.top()..area.bottom() {
        let start = at(buf, area.x, y);
        for cell in &mut buf.content[start..start + usize::from(area.width)] {
            cell.reset();
        }
    }
}

/// Simple text `s` from (`x`, `y`) on, at most `room` cells, each in `style`.
fn chars(buf: &mut Buffer, x: u16, y: u16, s: &str, room: usize, style: Style) {
    let start = at(buf, x, y);
    for (cell, c) in buf.content[start..start + room].iter_mut().zip(s.chars()) {
        cell.set_char(c).set_style(style);
    }
}

/// `Paragraph::new(lines).style(style)` (no wrap, no block) drawn in `area`.
pub(crate) fn text(buf: &mut Buffer, area: Rect, lines: &[Line], style: Style) {
    let area = area.intersection(buf.area);
    self::style(buf, area, style);
    if area.is_empty() {
        return;
    }
    let width = usize::from(area.width);
    for (row, line) in area.rows().zip(lines) {
        let widths: Option<Vec<usize>> = line
            .spans
            .iter()
            .map(|s| simple_width(&s.content))
            .collect();
        let Some(widths) = widths else {
            // A line the shortcut cannot draw is drawn by the paragraph itself: each line of an
            // unwrapped paragraph is cut on its own, so drawing it alone draws the same.
            Paragraph::new(line.clone()).render(row, buf);
            continue;
        };
        // The paragraph keeps what fits and places it by its own width.
        let kept = widths.iter().sum::<usize>().min(width);
        let mut x = usize::from(area.x)
            + match line.alignment.unwrap_or(Alignment::Left) {
                Alignment::Left => 0,
                Alignment::Center => (width / 2).saturating_sub(kept / 2),
                Alignment::Right => width - kept,
            };
        let mut left = kept;
        for (span, w) in line.spans.iter().zip(widths) {
            let n = w.min(left);
            let st = line.style.patch(span.style);
            chars(buf, x as u16, row.y, &span.content, n, st);
            x += n;
            left -= n;
        }
    }
}

/// Simple one-line text as the `Line` widget draws it in `area` (a row), with the line's
/// `alignment`; false, drawing nothing, when the shortcut cannot draw it.
fn line(buf: &mut Buffer, area: Rect, s: &str, st: Style, align: Alignment) -> bool {
    let Some(w) = simple_width(s) else {
        return false;
    };
    let area = area.intersection(buf.area);
    if w == 0 || area.is_empty() {
        return true;
    }
    let room = usize::from(area.width);
    let indent = match align {
        _ if w > room => {
            // Too long: a left-aligned line is cut on the right; the others the widget draws.
            if align != Alignment::Left {
                return false;
            }
            0
        }
        Alignment::Left => 0,
        Alignment::Center => (room - w) / 2,
        Alignment::Right => room - w,
    };
    chars(buf, area.x + indent as u16, area.y, s, w.min(room), st);
    true
}

/// A cell of a table (`Cell::from(s)`, or `Cell::from(Line::from(s).right_aligned())` when
/// `right`) drawn in `area`, a row of its column.
pub(crate) fn cell(buf: &mut Buffer, area: Rect, s: &str, right: bool) {
    let align = if right {
        Alignment::Right
    } else {
        Alignment::Left
    };
    if !line(buf, area, s, Style::default(), align) {
        if right {
            Line::from(s).alignment(Alignment::Right).render(area, buf);
        } else {
            Text::from(s).render(area, buf);
        }
    }
}

/// `super::block(theme, title)` drawn in `area`; answers the area inside its borders.
pub(crate) fn boxed(buf: &mut Buffer, area: Rect, theme: &Theme, title: &str) -> Rect {
    let area = area.intersection(buf.area);
    let inner = inside(area);
    if area.width < 2 || area.height < 2 {
        // Borders that overlap: the block draws them in its own order.
        super::block(theme, title).render(area, buf);
        return inner;
    }
    style(buf, area, theme.base);
    let set = &theme.border_set;
    let (left, right, top, bottom) = (area.left(), area.right() - 1, area.top(), area.bottom() - 1);
    let put = |buf: &mut Buffer, x: u16, y: u16, symbol: &str| {
        let i = at(buf, x, y);
        buf.content[i].set_symbol(symbol).set_style(theme.border);
    };
    for y in top + 1..bottom {
        put(buf, left, y, set.vertical_left);
        put(buf, right, y, set.vertical_right);
    }
    for x in left + 1..right {
        put(buf, x, top, set.horizontal_top);
        put(buf, x, bottom, set.horizontal_bottom);
    }
    put(buf, right, bottom, set.bottom_right);
    put(buf, right, top, set.top_right);
    put(buf, left, bottom, set.bottom_left);
    put(buf, left, top, set.top_left);
    if !title.is_empty() {
        let row = Rect { height: 1, ..inner };
        let row = Rect { y: top, ..row };
        let title = format!(" {title} ");
        if !line(buf, row, &title, theme.accent, Alignment::Left) {
            let width = Line::from(title.as_str())
                .width()
                .min(usize::from(row.width)) as u16;
            Line::from(Span::styled(title, theme.accent)).render(Rect { width, ..row }, buf);
        }
    }
    inner
}

/// The area inside a block's four borders (`Block::inner`).
fn inside(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(1).min(area.right()),
        y: area.y.saturating_add(1).min(area.bottom()),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    }
}

/// How a table is laid out: its columns' widths (as `Table::new` takes them), which columns
/// are right-aligned, the header row and its style, and the selected row's style.
pub(crate) struct Columns<'a, const N: usize> {
    pub widths: [Constraint; N],
    pub right: [bool; N],
    pub header: [&'a str; N],
    pub header_style: Style,
    pub highlight: Style,
}

/// The table ratatui's `Table` draws with `super::block(theme, title)` around it, `cols`'
/// header and `rows` of one line each, `selected` kept in view (a fresh `TableState`).
pub(crate) fn table<const N: usize>(
    buf: &mut Buffer,
    area: Rect,
    theme: &Theme,
    title: &str,
    cols: &Columns<N>,
    rows: &[[String; N]],
    selected: Option<usize>,
) {
    boxed(buf, area, theme, title);
    // The table's rows go inside the block as it was asked for, not as the buffer clips it.
    let inner = inside(area);
    if inner.is_empty() {
        return;
    }
    let columns = column_areas(&cols.widths, inner.width);
    let header = Rect { height: 1, ..inner };
    style(buf, header, cols.header_style);
    for (i, col) in columns.iter().enumerate() {
        let at = Rect::new(inner.x + col.x, header.y, col.width, 1);
        cell(buf, at, cols.header[i], cols.right[i]);
    }
    let body = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    let Some(last) = rows.len().checked_sub(1) else {
        return;
    };
    // The table scrolls just enough to show the selected row at the bottom.
    let selected = selected.map(|s| s.min(last));
    let height = usize::from(body.height);
    let start = selected.map_or(0, |s| (s + 1).saturating_sub(height));
    for (y, (i, row)) in (body.y..body.bottom()).zip(rows.iter().enumerate().skip(start)) {
        for (j, col) in columns.iter().enumerate() {
            let at = Rect::new(inner.x + col.x, y, col.width, 1);
            cell(buf, at, &row[j], cols.right[j]);
        }
        if selected == Some(i) {
            style(
                buf,
                Rect {
                    y,
                    height: 1,
                    ..body
                },
                cols.highlight,
            );
        }
    }
}

/// Where each column stands in a row `width` wide, one cell apart, as the table lays them out.
/// Lengths with one `Min(0)` that fit are placed by hand; anything else asks the layout.
fn column_areas<const N: usize>(widths: &[Constraint; N], width: u16) -> Vec<Rect> {
    let fixed: Option<u16> = widths
        .iter()
        .map(|c| match c {
            Constraint::Length(n) => Some(*n),
            Constraint::Min(0) => Some(0),
            _ => None,
        })
        .try_fold(0u16, |sum, n| sum.checked_add(n?));
    let mins = widths.iter().filter(|c| **c == Constraint::Min(0)).count();
    let gaps = N.saturating_sub(1) as u16;
    match fixed {
        Some(sum) if mins <= 1 && sum.saturating_add(gaps) <= width => {
            let rest = width - sum - gaps;
            let mut x = 0;
            widths
                .iter()
                .map(|c| {
                    let w = match c {
                        Constraint::Length(n) => *n,
                        _ => rest,
                    };
                    let r = Rect::new(x, 0, w, 1);
                    x += w + 1;
                    r
                })
                .collect()
        }
        _ => Layout::horizontal(*widths)
            .flex(Flex::Start)
            .spacing(1)
            .split(Rect::new(0, 0, width, 1))
            .to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::widgets::{Row, Table, TableState};

    /// Pieces of text: the register's words, accents, figures, lines and blocks...
    const SIMPLE: &[&str] = &[
        "Total", " ", "Cajón", "ñandú ", "1.250,00", "€", "…", "─█", "",
    ];
    /// ...and what the shortcut must hand over: wide characters, a combining accent, emoji,
    /// control characters, a new line.
    const OTHER: &[&str] = &[
        "漢字",
        "e\u{301}",
        "😀",
        "\t",
        "a\nb",
        "Ⅻ",
        "1\u{FE0F}\u{20E3}",
    ];

    /// Text of a few pieces, most of them simple.
    fn piece() -> impl Strategy<Value = String> {
        let one = prop_oneof![
            6 => prop::sample::select(SIMPLE),
            1 => prop::sample::select(OTHER),
        ];
        prop::collection::vec(one, 0..4).prop_map(|p| p.concat())
    }

    fn a_style() -> impl Strategy<Value = Style> {
        (0u8..4, 0u8..3, any::<bool>()).prop_map(|(fg, bg, bold)| {
            let mut s = Style::default();
            if fg > 0 {
                s = s.fg(Color::Indexed(fg));
            }
            if bg > 0 {
                s = s.bg(Color::Indexed(bg + 10));
            }
            if bold {
                s = s.add_modifier(Modifier::BOLD);
            }
            s
        })
    }

    fn alignment() -> impl Strategy<Value = Option<Alignment>> {
        prop_oneof![
            Just(None),
            Just(Some(Alignment::Left)),
            Just(Some(Alignment::Center)),
            Just(Some(Alignment::Right)),
        ]
    }

    fn a_line() -> impl Strategy<Value = Line<'static>> {
        (
            prop::collection::vec((piece(), a_style()), 0..4),
            a_style(),
            alignment(),
        )
            .prop_map(|(spans, st, al)| {
                let mut l = Line::from(
                    spans
                        .into_iter()
                        .map(|(s, st)| Span::styled(s, st))
                        .collect::<Vec<_>>(),
                )
                .style(st);
                l.alignment = al;
                l
            })
    }

    /// A canvas with something on it already, as a screen has under a box.
    fn canvas() -> Buffer {
        let mut b = Buffer::empty(Rect::new(2, 1, 24, 6));
        for (i, c) in b.content.iter_mut().enumerate() {
            c.set_char(char::from(b'a' + (i % 26) as u8))
                .set_fg(Color::Green);
        }
        b
    }

    fn an_area() -> impl Strategy<Value = Rect> {
        (0u16..30, 0u16..9, 0u16..28, 0u16..8).prop_map(|(x, y, w, h)| Rect::new(x, y, w, h))
    }

    fn theme() -> Theme {
        let mut t = Theme::named("default").unwrap_or_else(|| unreachable!());
        t.base = Style::new().fg(Color::White).bg(Color::Blue);
        t.border = Style::new().fg(Color::Yellow);
        t.accent = Style::new().bold().fg(Color::Cyan);
        t
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn text_draws_what_the_paragraph_draws(
            lines in prop::collection::vec(a_line(), 0..5),
            st in a_style(),
            area in an_area(),
        ) {
            let mut ours = canvas();
            let mut theirs = canvas();
            text(&mut ours, area, &lines, st);
            Paragraph::new(lines.clone()).style(st).render(area, &mut theirs);
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn clear_clears_what_the_clear_widget_clears(area in an_area()) {
            let mut ours = canvas();
            let mut theirs = canvas();
            clear(&mut ours, area);
            ratatui::widgets::Clear.render(area, &mut theirs);
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn boxed_draws_what_the_block_draws(title in piece(), area in an_area()) {
            let theme = theme();
            let mut ours = canvas();
            let mut theirs = canvas();
            let inner = boxed(&mut ours, area, &theme, &title);
            let block = super::super::block(&theme, &title);
            block.render(area, &mut theirs);
            prop_assert_eq!(ours, theirs);
            prop_assert_eq!(inner, super::super::block(&theme, &title).inner(area.intersection(canvas().area)));
        }

        #[test]
        fn cells_draw_what_the_table_draws(
            cells in prop::collection::vec((piece(), any::<bool>()), 1..4),
            width in 0u16..12,
        ) {
            let area = Rect::new(3, 2, width * cells.len() as u16 + 2, 1);
            let mut ours = canvas();
            let mut theirs = canvas();
            let widths = vec![ratatui::layout::Constraint::Length(width); cells.len()];
            let row = Row::new(cells.iter().map(|(s, right)| {
                if *right {
                    ratatui::widgets::Cell::from(Line::from(s.clone()).alignment(Alignment::Right))
                } else {
                    ratatui::widgets::Cell::from(s.clone())
                }
            }));
            let table = Table::new([row], widths).column_spacing(1);
            ratatui::widgets::StatefulWidget::render(table, area, &mut theirs, &mut TableState::default());
            for (i, (s, right)) in cells.iter().enumerate() {
                let x = area.x + i as u16 * (width + 1);
                cell(&mut ours, Rect::new(x, area.y, width.min(area.right().saturating_sub(x)), 1), s, *right);
            }
            prop_assert_eq!(ours, theirs);
        }
    }

    fn a_constraint() -> impl Strategy<Value = Constraint> {
        prop_oneof![
            3 => (0u16..9).prop_map(Constraint::Length),
            1 => Just(Constraint::Min(0)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn table_draws_what_the_table_widget_draws(
            widths in [a_constraint(), a_constraint(), a_constraint()],
            right in any::<[bool; 3]>(),
            header in [piece(), piece(), piece()],
            rows in prop::collection::vec([piece(), piece(), piece()], 0..9),
            selected in prop::option::of(0usize..10),
            title in piece(),
            area in an_area(),
        ) {
            let theme = theme();
            let mut ours = canvas();
            let mut theirs = canvas();
            let heads = [header[0].as_str(), header[1].as_str(), header[2].as_str()];
            let cols = Columns {
                widths,
                right,
                header: heads,
                header_style: theme.accent,
                highlight: Style::new().reversed(),
            };
            table(&mut ours, area, &theme, &title, &cols, &rows, selected.filter(|_| !rows.is_empty()));
            let cell = |s: &str, right: bool| {
                if right {
                    ratatui::widgets::Cell::from(Line::from(s.to_string()).alignment(Alignment::Right))
                } else {
                    ratatui::widgets::Cell::from(s.to_string())
                }
            };
            let widget = Table::new(
                rows.iter().map(|r| Row::new((0..3).map(|j| cell(&r[j], right[j])))),
                widths,
            )
            .header(Row::new((0..3).map(|j| cell(heads[j], right[j]))).style(theme.accent))
            .block(super::super::block(&theme, &title))
            .row_highlight_style(Style::new().reversed());
            let mut state = TableState::default();
            if !rows.is_empty() {
                state.select(selected);
            }
            ratatui::widgets::StatefulWidget::render(widget, area, &mut theirs, &mut state);
            prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn simple_characters_are_one_cell_each() {
        let all: String = ('\u{20}'..='\u{25FF}').filter(|c| simple(*c)).collect();
        let mut buf = Buffer::empty(Rect::new(0, 0, all.chars().count() as u16, 1));
        Line::from(all.as_str()).render(buf.area, &mut buf);
        for (cell, c) in buf.content.iter().zip(all.chars()) {
            assert_eq!(cell.symbol(), c.to_string(), "{:?}", c);
        }
        assert_eq!(buf.content.len(), all.chars().count());
    }
}
