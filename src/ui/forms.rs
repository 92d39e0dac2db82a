//! Setup, login and the small popups.

use super::{block, centered, field, message_style};
use crate::app::{App, Guarded, LoginForm, Popup, SetupForm};
use crate::i18n::fill;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

fn message_line<'a>(app: &App, theme: &Theme) -> Line<'a> {
    app.message.as_ref().map_or(Line::default(), |m| {
        Line::styled(m.shown().into_owned(), message_style(theme, m.level))
    })
}

pub fn setup(f: &mut Frame, app: &App, theme: &Theme, form: &SetupForm) {
    let t = app.texts;
    let labels = [
        t.setup_store,
        t.setup_register,
        t.setup_supervisor,
        t.setup_pin,
        t.setup_currency,
        t.setup_language,
        t.setup_demo,
    ];
    let area = centered(f, f.area(), 76, 16);
    let mut lines = vec![Line::default()];
    for (i, label) in labels.iter().enumerate() {
        lines.push(field(
            theme,
            label,
            &form.fields[i],
            form.focus == i,
            i == 3,
            38,
        ));
    }
    lines.push(Line::default());
    lines.push(message_line(app, theme));
    lines.push(Line::default());
    lines.push(Line::styled(t.setup_hint, theme.dim));
    f.render_widget(
        Paragraph::new(lines)
            .block(block(theme, t.setup_title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

pub fn login(f: &mut Frame, app: &App, theme: &Theme, form: &LoginForm) {
    let t = app.texts;
    let store = app.store.as_ref().map_or(String::new(), |s| {
        format!(
            "{} - {} {}",
            s.info().name,
            t.hdr_register,
            s.info().register
        )
    });
    // A long message (the close of day's summary) wraps inside the box, which grows for it.
    let message = message_line(app, theme);
    let rows = u16::try_from(message.width().div_ceil(58).max(1)).unwrap_or(1);
    let area = centered(f, f.area(), 60, 10 + rows);
    let lines = vec![
        Line::styled(super::fit(&store, 58), theme.accent).alignment(Alignment::Center),
        Line::default(),
        field(theme, t.login_user, &form.user, !form.on_pin, false, 10),
        field(theme, t.login_pin, &form.pin, form.on_pin, true, 10),
        Line::default(),
        message,
        Line::default(),
        Line::styled(t.login_hint, theme.dim),
    ];
    f.render_widget(
        Paragraph::new(lines)
            .block(block(theme, t.login_title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

pub fn popup(f: &mut Frame, app: &App, theme: &Theme, p: &Popup) {
    let t = app.texts;
    let (title, lines): (&str, Vec<Line>) = match p {
        Popup::ConfirmCancel => {
            let mut v = vec![Line::default()];
            if !app.ticket.tenders.is_empty() {
                v.push(Line::styled(t.cancel_tenders, theme.error));
                v.extend(tender_lines(app, &app.ticket.tenders, theme));
                v.push(Line::styled(t.cancel_needs_supervisor, theme.accent));
            }
            v.push(Line::styled(t.confirm_hint, theme.dim));
            (t.confirm_cancel, v)
        }
        Popup::OpenPrice(o) => (
            t.open_price_title,
            vec![
                Line::from(format!(
                    "{} x {}",
                    app.store.as_ref().map_or_else(
                        || o.qty.to_string(),
                        |s| s.info().currency.format_qty(o.qty)
                    ),
                    o.product.name
                )),
                field(theme, "$", &o.input, true, false, 2),
                Line::default(),
                Line::styled(t.open_price_hint, theme.dim),
            ],
        ),
        Popup::Discount(s) => (
            t.discount_title,
            vec![
                field(theme, "%/$", s, true, false, 4),
                Line::default(),
                Line::styled(t.discount_hint, theme.dim),
            ],
        ),
        Popup::RefundReason(s) => (
            t.refund_title,
            vec![
                Line::styled(t.refund_reason, theme.dim),
                field(theme, ">", s, true, false, 1),
            ],
        ),
        Popup::Unlock(s) => (
            t.menu_unlock,
            vec![
                Line::styled(t.unlock_prompt, theme.dim),
                field(theme, ">", s, true, false, 1),
            ],
        ),
        Popup::Reprint(s) => (
            t.menu_reprint,
            vec![
                Line::styled(t.reprint_prompt, theme.dim),
                field(theme, ">", s, true, false, 1),
            ],
        ),
        Popup::NoSale(s) => (
            t.menu_drawer,
            vec![
                Line::styled(t.refund_reason, theme.dim),
                field(theme, ">", s, true, false, 1),
            ],
        ),
        Popup::Pin(p) => {
            let what = match &p.action {
                Guarded::VoidLine(_) => crate::app::keys::SaleAction::VoidLine.word(t),
                Guarded::Discount(..) => t.discount_title,
                Guarded::Menu => t.menu_title,
                Guarded::OpenDay(..) => t.opening_title,
                Guarded::TakeOver => t.sync_title,
                Guarded::Cancel | Guarded::DeleteHeld(_) => t.pin_cancel,
                Guarded::CashOut(..) => t.pin_cash_out,
                Guarded::Quantity(_) => t.pin_quantity,
            };
            let mut v = vec![Line::styled(fill(t.pin_for, &[("what", what)]), theme.dim)];
            if let (Guarded::Quantity(q), Some(c)) =
                (&p.action, app.store.as_ref().map(|s| &s.info().currency))
            {
                let said = fill(
                    t.pin_quantity_adds,
                    &[
                        ("qty", &c.format_qty(q.qty)),
                        ("name", &q.product.name),
                        ("amount", &c.format_symbol(q.amount)),
                    ],
                );
                for part in super::wrap(&said, 44) {
                    v.push(Line::styled(part, theme.error));
                }
            }
            if let Guarded::OpenDay(date, _, why) = &p.action {
                let d = date.to_string();
                v.push(Line::styled(
                    fill(t.pin_open_date, &[("date", &d)]),
                    theme.error,
                ));
                let said = super::opening::why_text(app, *why);
                for part in super::wrap(&said, 60) {
                    v.push(Line::styled(part, theme.warn));
                }
            }
            if p.action == Guarded::Cancel {
                v.push(Line::styled(t.cancel_tenders, theme.error));
                v.extend(tender_lines(app, &app.ticket.tenders, theme));
            }
            if let (Guarded::CashOut(..), Some(m)) = (&p.action, &app.message) {
                v.push(Line::styled(m.shown().into_owned(), theme.error));
            }
            match &p.token {
                Some((challenge, answer)) => {
                    let c = format!("{challenge:09}");
                    let shown = format!("{} {} {}", &c[..3], &c[3..6], &c[6..]);
                    v.push(Line::styled(
                        fill(t.token_challenge, &[("challenge", &shown)]),
                        theme.accent,
                    ));
                    v.push(field(theme, t.token_answer, answer, true, false, 10));
                    v.push(Line::styled(t.token_hint, theme.dim));
                }
                None => {
                    v.push(field(theme, t.login_user, &p.user, !p.on_pin, false, 10));
                    v.push(field(theme, t.login_pin, &p.pin, p.on_pin, true, 10));
                    v.push(Line::styled(t.pin_token_hint, theme.dim));
                }
            }
            if let Some(e) = &p.error {
                v.push(Line::styled(e.clone(), theme.error));
            }
            (t.pin_title, v)
        }
        Popup::Cash(c) => {
            let title = match c.direction {
                crate::domain::document::CashDirection::In => t.cash_in_title,
                crate::domain::document::CashDirection::Out => t.cash_out_title,
            };
            (
                title,
                vec![
                    field(theme, t.cash_amount, &c.amount, !c.on_reason, false, 8),
                    field(theme, t.cash_reason, &c.reason, c.on_reason, false, 8),
                    Line::default(),
                    Line::styled(t.cash_hint, theme.dim),
                ],
            )
        }
        Popup::User(u) => (
            t.user_title,
            vec![
                field(theme, t.user_name, &u.name, u.focus == 0, false, 10),
                field(theme, t.user_role, &u.role, u.focus == 1, false, 10),
                field(theme, t.login_pin, &u.pin, u.focus == 2, true, 10),
                Line::default(),
                Line::styled(t.user_hint, theme.dim),
            ],
        ),
        Popup::TokenAnswer(a) => {
            let mut v = vec![
                field(theme, t.token_register, &a.register, !a.on_code, false, 8),
                field(theme, t.token_code, &a.code, a.on_code, false, 8),
            ];
            if let Some(r) = &a.result {
                v.push(Line::default());
                v.push(Line::styled(r.clone(), theme.accent));
            }
            (t.token_answer_title, v)
        }
        Popup::ResendDate(s) => (
            t.sync_title,
            vec![
                Line::styled(t.sync_resend_prompt, theme.dim),
                field(theme, ">", s, true, false, 1),
            ],
        ),
        Popup::CorrectDay(s) => {
            let open = app.day.open.map(|d| d.to_string()).unwrap_or_default();
            let mut v = vec![Line::styled(
                fill(t.correct_day_open, &[("open", &open)]),
                theme.accent,
            )];
            for text in [t.correct_day_rule, t.correct_day_sales] {
                for part in super::wrap(text, 60) {
                    v.push(Line::styled(part, theme.dim));
                }
            }
            v.push(field(theme, t.correct_day_to, s, true, false, 10));
            (t.correct_day_title, v)
        }
        Popup::JournalExport(s) => (
            t.journal_title,
            vec![
                Line::styled(t.journal_export_prompt, theme.dim),
                field(theme, ">", s, true, false, 1),
            ],
        ),
    };
    let area = centered(f, f.area(), 64, lines.len() as u16 + 4);
    f.render_widget(
        Paragraph::new(lines)
            .block(block(theme, title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// Tenders as a list: "  Tarjeta   5.000  VOUCHER 4411".
pub fn tender_lines<'a>(
    app: &App,
    tenders: &[crate::domain::tender::Tender],
    theme: &Theme,
) -> Vec<Line<'a>> {
    let Some(currency) = app.store.as_ref().map(|s| &s.info().currency) else {
        return Vec::new();
    };
    let w = crate::i18n::words(app.config.language);
    tenders
        .iter()
        .map(|x| {
            let name = crate::i18n::tender_name(x.kind, w);
            let r = x.reference.as_deref().unwrap_or("");
            Line::styled(
                format!("  {name:<14}{:>12}  {r}", currency.format(x.amount)),
                theme.base,
            )
        })
        .collect()
}
