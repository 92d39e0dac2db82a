//! The payment box (see `app::payment`).

use super::{centered, field, put};

use crate::app::{App, PaymentState};
use crate::domain::tender::TenderKind;
use crate::ui::sale::big_amount;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub(super) fn tender_name(app: &App, k: TenderKind) -> &'static str {
    let t = app.texts;
    match k {
        TenderKind::Cash => t.tender_cash,
        TenderKind::Card => t.tender_card,
        TenderKind::Transfer => t.tender_transfer,
        TenderKind::Other => t.tender_other,
        TenderKind::Points => t.tender_points,
    }
}

pub fn payment(f: &mut Frame, app: &App, theme: &Theme, p: &PaymentState) {
    let t = app.texts;
    let Some(currency) = app.store.as_ref().map(|x| &x.info().currency) else {
        return;
    };
    let area = centered(f, f.area(), 80, 12);
    put::boxed(f.buffer_mut(), area, theme, t.pay_title);
    let [top, hint] = Layout::vertical([Constraint::Min(8), Constraint::Length(2)])
        .margin(1)
        .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Min(30), Constraint::Length(34)]).areas(top);
    let mut lines = vec![Line::styled(
        format!("{} {}", t.total, currency.format_symbol(app.ticket.total())),
        theme.accent,
    )];
    for tender in &app.ticket.tenders {
        let r = tender
            .reference
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        lines.push(Line::from(format!(
            "{:<14}{:>12}{r}",
            tender_name(app, tender.kind),
            currency.format(tender.amount)
        )));
    }
    lines.push(Line::default());
    match p.pending {
        Some((k, a)) => {
            lines.push(Line::styled(
                format!("{} {}", tender_name(app, k), currency.format_symbol(a)),
                theme.accent,
            ));
            lines.push(Line::styled(t.pay_reference, theme.dim));
            lines.push(field(theme, ">", &p.input, true, false, 1));
        }
        None => lines.push(field(theme, t.tender_cash, &p.input, true, false, 14)),
    }
    put::text(f.buffer_mut(), left, &lines, Style::default());
    let mut due = vec![Line::styled(t.pay_remaining, theme.total)];
    due.extend(big_amount(
        &currency.format(app.due()),
        usize::from(right.width),
        theme,
    ));
    // What to collect when the rest is paid in cash, rounded to the coin.
    let in_cash = currency.round_cash(app.due()).unwrap_or(app.due());
    due.push(Line::styled(
        crate::receipt::two(
            t.pay_in_cash,
            &currency.format_symbol(in_cash),
            usize::from(right.width),
        ),
        theme.accent,
    ));
    put::text(f.buffer_mut(), right, &due, Style::default());
    f.render_widget(
        Paragraph::new(t.pay_hint)
            .style(theme.dim)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        hint,
    );
}
