//! The sale screen: header, ticket lines, the total, the input line, messages and keys.

use super::{big, message_style, put};
use crate::app::App;
use crate::app::keys::SALE_KEYS;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// What the cashier is typing, as the input box shows it.
pub(crate) fn input_line<'a>(app: &'a App, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled("> ", theme.accent),
        Span::styled(app.input.as_str(), theme.base),
        Span::styled("_", theme.dim),
    ])
}

/// The rows the message takes on a screen `width` columns wide: a message longer than a row
/// wraps onto up to three, taken from the ticket, so that no message is ever cut.
pub fn message_rows(app: &App, width: u16) -> u16 {
    match &app.message {
        Some(m) if m.shown().chars().count() > usize::from(width) => {
            super::wrap(&m.shown(), usize::from(width))
                .len()
                .clamp(1, 3) as u16
        }
        _ => 1,
    }
}

/// The row inside the input box on a screen of `area`: the input box is the three rows above
/// the message and the key bar.
pub fn input_row(area: Rect, app: &App) -> Rect {
    Rect {
        x: area.x + 1,
        y: area.y
            + area
                .height
                .saturating_sub(3 + message_rows(app, area.width)),
        width: area.width.saturating_sub(2),
        height: 1,
    }
}

pub fn sale(f: &mut Frame, app: &App, theme: &Theme) {
    let [header, body, input, message, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(3),
        Constraint::Length(message_rows(app, f.area().width)),
        Constraint::Length(1),
    ])
    .areas(f.area());
    draw_header(f, app, theme, header);
    let [lines, side] =
        Layout::horizontal([Constraint::Min(40), Constraint::Length(30)]).areas(body);
    draw_lines(f, app, theme, lines);
    draw_side(f, app, theme, side);
    let t = app.texts;
    let buf = f.buffer_mut();
    let inside = put::boxed(buf, input, theme, t.input_prompt);
    put::text(buf, inside, &[input_line(app, theme)], Style::default());
    if let Some(m) = &app.message {
        let rows: Vec<Line> = if message.height > 1 {
            super::wrap(&m.shown(), usize::from(message.width))
                .into_iter()
                .map(Line::from)
                .collect()
        } else {
            vec![Line::from(m.shown())]
        };
        put::text(buf, message, &rows, message_style(theme, m.level));
    } else if app.ticket.is_empty() && app.last_sale.is_none() {
        put::text(buf, message, &[Line::from(t.empty_ticket)], theme.dim);
    }
    if app.esc_pending.is_some() {
        put::text(buf, keys, &[Line::from(t.keys_esc)], theme.selected);
    } else {
        put::text(buf, keys, &[key_bar(t, theme)], Style::default());
    }
}

/// "1Ayuda 2Busca ...": the numbers plain, the labels highlighted, as Midnight Commander's.
/// The sale screen's keys from the keymap: each key's number, then its word.
fn key_bar(t: &crate::i18n::Texts, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (n, action)) in SALE_KEYS.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" ", theme.base));
        }
        spans.push(Span::styled(n.to_string(), theme.base));
        spans.push(Span::styled(action.word(t), theme.selected));
    }
    Line::from(spans)
}

fn draw_header(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let t = app.texts;
    let (store, register) = app
        .store
        .as_ref()
        .map_or((String::new(), String::new()), |s| {
            (s.info().name.clone(), s.info().register.to_string())
        });
    let cashier = app.user.as_ref().map_or("", |u| u.name.as_str());
    let now = app.now().format("%Y-%m-%d %H:%M").to_string();
    let sync = if app.config.sync.url.is_empty() {
        t.sync_off.to_string()
    } else {
        format!("{} {}", t.hdr_queue, app.outbox)
    };
    let (printer, trouble) = printer_words(app);
    let width = usize::from(area.width);
    // The printer's state stands whole at the right edge; the store's name gives way first,
    // then the date's year: nothing is ever cut mid-word.
    let right = format!(" {sync} | {}: {printer} ", t.hdr_printer);
    let mut when = now;
    let mut fixed = format!(" | {} {register} | {cashier} | {when} |", t.hdr_register);
    let len = |s: &str| s.chars().count();
    if len(&fixed) + len(&right) + 5 > width {
        when = app.now().format("%m-%d %H:%M").to_string();
        fixed = format!(" | {} {register} | {cashier} | {when} |", t.hdr_register);
    }
    let room = width.saturating_sub(len(&fixed) + len(&right) + 1);
    let store = if len(&store) <= room {
        store
    } else if room >= 2 {
        let mut s: String = store.chars().take(room - 1).collect();
        s.push('…');
        s
    } else {
        String::new()
    };
    let left = format!(" {store}{fixed}");
    let pad = width.saturating_sub(len(&left) + len(&right));
    let base = theme.selected;
    let flag = if trouble { theme.error } else { theme.selected };
    let spans = vec![
        Span::styled(left, base),
        Span::styled(" ".repeat(pad), base),
        Span::styled(right, flag),
    ];
    put::text(f.buffer_mut(), area, &[Line::from(spans)], Style::default());
}

/// The printer's state in the cashier's words, and whether it needs attention.
fn printer_words(app: &App) -> (String, bool) {
    use crate::devices::printer::PrinterState;
    let t = app.texts;
    match &app.printer_state {
        None => (
            if app.config.printer.device.starts_with("file:") {
                t.printer_file
            } else {
                "..."
            }
            .to_string(),
            false,
        ),
        Some(PrinterState::Ready) => (t.printer_ok.to_string(), false),
        Some(PrinterState::NoStatus) => (
            if app.config.printer.device.starts_with("file:") {
                t.printer_file
            } else {
                t.printer_ok
            }
            .to_string(),
            false,
        ),
        Some(PrinterState::Unreachable(_)) => (t.printer_unreachable.to_string(), true),
        Some(PrinterState::Problem(st)) => (
            crate::devices::printer::status_words(st, t).join(", "),
            true,
        ),
    }
}

fn draw_lines(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let t = app.texts;
    let Some(currency) = app.store.as_ref().map(|s| &s.info().currency) else {
        return;
    };
    let totals = app.ticket.totals.as_ref();
    // Every figure whole: each column is as wide as its widest figure (or its heading), and
    // the name takes what they leave.
    let cells: Vec<[String; 3]> = app
        .ticket
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let amount = totals
                .and_then(|x| x.lines.get(i))
                .map_or(String::new(), |p| currency.format(p.total));
            [
                currency.format_qty(l.qty),
                currency.format(l.unit_price),
                amount,
            ]
        })
        .collect();
    let widest = |k: usize, heading: &str, least: usize| {
        cells
            .iter()
            .map(|c| c[k].chars().count())
            .chain([heading.chars().count(), least])
            .max()
            .unwrap_or(least)
    };
    let (qty_w, price_w, amount_w) = (
        widest(0, t.col_qty, 6),
        widest(1, t.col_price, 9),
        widest(2, t.col_amount, 10),
    );
    // The borders and three gaps between four columns.
    let name_w = usize::from(area.width).saturating_sub(qty_w + price_w + amount_w + 5);
    // Figures right-aligned, so that digits line up under each other.
    let rows: Vec<[String; 4]> = app
        .ticket
        .lines
        .iter()
        .zip(cells)
        .map(|(l, [qty, price, amount])| {
            let name = if l.discount.is_some() {
                format!("{} *", super::fit(&l.name, name_w.saturating_sub(2)))
            } else {
                super::fit(&l.name, name_w)
            };
            [qty, name, price, amount]
        })
        .collect();
    let columns = put::Columns {
        widths: [
            Constraint::Length(qty_w as u16),
            Constraint::Min(0),
            Constraint::Length(price_w as u16),
            Constraint::Length(amount_w as u16),
        ],
        right: [true, false, true, true],
        header: [t.col_qty, t.col_item, t.col_price, t.col_amount],
        header_style: theme.accent,
        highlight: theme.selected,
    };
    let title = format!("{} {}", app.ticket.lines.len(), t.items);
    let selected = (!app.ticket.is_empty()).then_some(app.ticket.selected);
    put::table(
        f.buffer_mut(),
        area,
        theme,
        &title,
        &columns,
        &rows,
        selected,
    );
}

fn draw_side(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let t = app.texts;
    let Some(currency) = app.store.as_ref().map(|s| &s.info().currency) else {
        return;
    };
    let [total_area, rest] =
        Layout::vertical([Constraint::Length(6), Constraint::Min(0)]).areas(area);
    let inner_w = usize::from(total_area.width.saturating_sub(2));
    let mut lines = big_amount(&currency.format(app.ticket.total()), inner_w, theme);
    if let Some(tt) = &app.ticket.totals
        && !tt.discount.is_zero()
    {
        lines.push(Line::styled(
            format!("{} -{}", t.discount, currency.format(tt.discount)),
            theme.dim,
        ));
    }
    let title = format!("{} {}", t.total, currency.symbol);
    let buf = f.buffer_mut();
    let inside = put::boxed(buf, total_area, theme, &title);
    put::text(buf, inside, &lines, Style::default());
    let mut info = Vec::new();
    // Tenders already taken (a recovered ticket, or back from payment): only the rest is due.
    if !app.ticket.tenders.is_empty() {
        let w = crate::i18n::words(app.config.language);
        info.push(Line::styled(t.pay_paid, theme.accent));
        for x in &app.ticket.tenders {
            info.push(Line::styled(
                crate::receipt::two(
                    crate::i18n::tender_name(x.kind, w),
                    &currency.format(x.amount),
                    inner_w,
                ),
                theme.base,
            ));
        }
        info.push(Line::styled(
            crate::receipt::two(t.pay_remaining, &currency.format(app.due()), inner_w),
            theme.total,
        ));
    }
    if let Some(c) = &app.ticket.customer {
        let text = crate::i18n::fill(t.customer_attached, &[("name", &c.name)]);
        for l in super::wrap(&text, inner_w).into_iter().take(3) {
            info.push(Line::styled(l, theme.accent));
        }
        info.push(Line::styled(c.key(), theme.dim));
    }
    if let Some(last) = &app.last_sale {
        info.push(Line::styled(last.number.clone(), theme.ok));
        info.push(Line::styled(
            format!("{} {}", t.total, currency.format_symbol(last.total)),
            theme.base,
        ));
        info.push(Line::styled(t.change, theme.total));
        info.extend(big_amount(&currency.format(last.change), inner_w, theme));
    } else if let Some(tt) = &app.ticket.totals {
        for x in tt.taxes.iter().filter(|x| !x.tax.is_zero()) {
            info.push(Line::styled(
                format!("{}% {}", x.rate, currency.format(x.tax)),
                theme.dim,
            ));
        }
    }
    let buf = f.buffer_mut();
    let inside = put::boxed(buf, rest, theme, "");
    put::text(buf, inside, &info, Style::default());
}

/// An amount in large digits, or in bold if it does not fit.
pub(crate) fn big_amount<'a>(text: &str, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    match big::render(text, width) {
        Some(rows) => rows
            .into_iter()
            .map(|r| {
                let pad = width.saturating_sub(r.chars().count());
                Line::styled(format!("{}{r}", " ".repeat(pad)), theme.total)
            })
            .collect(),
        None => vec![Line::styled(
            format!("{text:>width$}"),
            theme.total.add_modifier(Modifier::BOLD),
        )],
    }
}
