//! The opening screen: after a login, the business date and the shift to open, with a counted
//! float.

use super::{App, Guarded, Level, LoginForm, Screen, edit};
use crate::domain::day::{Why, propose};
use crate::domain::document::{Override, OverrideAction, RegisterReason};
use crate::domain::money::Money;
use crate::domain::user::Permission;
use crate::i18n::fill;
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Opening a shift: the float, and the business date it opens when none is open.
pub struct OpeningForm {
    pub float: String,
    pub date: NaiveDate,
    /// The date must be opened with this shift.
    pub opens_day: bool,
    /// Why a supervisor must confirm the date it opens (None: it opens freely).
    pub why: Option<Why>,
}

impl App {
    pub(super) fn refresh_day(&mut self) {
        if let Some(s) = &self.store
            && let Ok(d) = s.view().and_then(|v| v.day_state())
        {
            self.day = d;
        }
    }

    /// Where a user goes after the PIN: the diagnostics for a technician, the shift opening
    /// for someone with no shift open, else the sale screen (with an interrupted ticket
    /// offered back).
    pub(super) fn after_login(&mut self) {
        let Some(user) = self.user.clone() else {
            return;
        };
        self.refresh_day();
        if !user.role.may(Permission::Sell) {
            self.open_diagnostics();
            return;
        }
        let Some(store) = self.store.clone() else {
            return;
        };
        self.screen = Screen::Sale;
        match store.open_shift_of(&user.name) {
            Ok(Some(s)) => self.shift = Some(s.number),
            Ok(None) => {
                self.shift = None;
                let today = self.now().date_naive();
                let (date, why) = match self.day.open {
                    Some(d) => (d, None),
                    None => {
                        let p = propose(self.day.closed_through, today, self.server_today());
                        (p.date, p.why)
                    }
                };
                self.screen = Screen::Opening(OpeningForm {
                    float: String::new(),
                    date,
                    opens_day: self.day.open.is_none(),
                    why,
                });
                return;
            }
            Err(e) => {
                self.store_error(e);
                return;
            }
        }
        self.check_clock();
        // A ticket this cashier had open when the register was stopped is offered back.
        if let Ok(held) = store.held()
            && let Some(i) = held
                .iter()
                .position(|(_, h)| h.interrupted && h.cashier == user.name)
        {
            self.screen = Screen::Recall(super::RecallState {
                list: held,
                selected: i,
            });
            self.info(Level::Warn, self.texts.interrupted_ticket);
        }
    }

    /// Today's date by the server's clock, when a sync saw it in the last two days of this
    /// machine's clock and it differs from this machine's by more than two minutes. An older
    /// note, or one from this clock's future (the clock was set back since), says nothing.
    pub fn server_today(&self) -> Option<NaiveDate> {
        let (server, local) = self.store.as_ref()?.server_clock().ok()??;
        let now = self.now();
        let since = now.timestamp_millis().checked_sub(local)?;
        if !(0..=48 * 3_600_000).contains(&since) || (server - local).abs() <= 120_000 {
            return None;
        }
        let at = chrono::DateTime::from_timestamp_millis(server.checked_add(since)?)?;
        Some(at.with_timezone(now.offset()).date_naive())
    }

    /// Warns when the clock and the business date disagree, or the clock went back.
    pub(super) fn check_clock(&mut self) {
        let now = self.now();
        if let Some(open) = self.day.open
            && open != now.date_naive()
        {
            // A date ahead of the clock was opened under a wrong clock (or the clock went
            // back): a supervisor corrects it while it has no sale. One behind is a day that
            // ran past midnight: its Z is due.
            let text = if open > now.date_naive() {
                self.texts.clock_before_open
            } else {
                self.texts.clock_differs
            };
            let t = fill(
                text,
                &[
                    ("today", &now.date_naive().to_string()),
                    ("open", &open.to_string()),
                ],
            );
            self.info(Level::Warn, t);
            if open > now.date_naive() {
                // The same wrong clock; the correction is what to do.
                return;
            }
        }
        if let Some(s) = &self.store
            && let Ok(Some((_, last))) = s.view().and_then(|v| v.last_doc())
            && last.doc.at.utc_ms > now.timestamp_millis() + 120_000
        {
            let t = fill(
                self.texts.clock_backwards,
                &[
                    ("now", &now.format("%Y-%m-%d %H:%M").to_string()),
                    (
                        "last",
                        &last
                            .doc
                            .at
                            .to_datetime()
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    ),
                ],
            );
            self.info(Level::Warn, t);
        }
    }

    pub(super) fn opening_key(&mut self, key: KeyEvent) {
        let Screen::Opening(form) = &mut self.screen else {
            return;
        };
        match key.code {
            KeyCode::Esc => {
                self.user = None;
                self.screen = Screen::Login(LoginForm::default());
            }
            // A supervisor closes the day or answers a token without opening a shift.
            code if super::keys::is_menu(code) => self.guard(Guarded::Menu),
            KeyCode::Enter => {
                let Some(store) = &self.store else { return };
                let float = match store.info().currency.parse_local(form.float.trim()) {
                    // A negative float cannot be typed; the store refuses one anyway.
                    Ok(m) => m,
                    Err(e) => return self.say_error(e),
                };
                let (date, opens, why) = (form.date, form.opens_day, form.why);
                if let Some(why) = why.filter(|_| opens) {
                    self.guard(Guarded::OpenDay(date, float, why));
                } else {
                    self.open_shift(date, opens, float, Vec::new());
                }
            }
            _ => {
                if matches!(key.code, KeyCode::Char(c) if !(c.is_ascii_digit() || c == '.' || c == ','))
                {
                    return;
                }
                edit(&mut form.float, key);
            }
        }
    }

    /// Opens the business date if it must, then the user's shift.
    pub(super) fn open_shift(
        &mut self,
        date: NaiveDate,
        opens_day: bool,
        float: Money,
        overrides: Vec<Override>,
    ) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let mut header = self.header();
        header.business_date = date;
        if opens_day {
            match store.open_day(&header, overrides) {
                Ok(c) => {
                    tracing::info!(number = %c.number, %date, "business date opened");
                    self.outbox = c.outbox;
                }
                Err(e) => return self.store_error(e),
            }
        }
        match store.open_shift(&header, float) {
            Ok(c) => {
                tracing::info!(number = %c.number, cashier = %header.cashier, "shift opened");
                self.shift = Some(c.number.clone());
                self.outbox = c.outbox;
                self.refresh_day();
                self.screen = Screen::Sale;
                let t = fill(
                    self.texts.shift_opened,
                    &[
                        ("number", &c.number),
                        ("float", &store.info().currency.format(float)),
                    ],
                );
                self.info(Level::Ok, t);
                self.check_clock();
            }
            Err(e) => self.store_error(e),
        }
    }

    /// The supervisor's correction of the open business date: offered when a date is open,
    /// with the date the clocks suggest (the server's, else this machine's, else the day after
    /// the last close).
    pub(super) fn ask_correct_day(&mut self) {
        let Some(open) = self.day.open else {
            self.screen = Screen::Sale;
            self.after_login();
            return self.info(Level::Warn, self.texts.correct_day_none);
        };
        let today = self.now().date_naive();
        let p = propose(self.day.closed_through, today, self.server_today());
        let offer = if p.date == open { today } else { p.date };
        self.screen = Screen::Sale;
        self.popup = Some(super::Popup::CorrectDay(offer.to_string()));
    }

    /// Moves the open business date to `typed` under the supervisor who opened the menu.
    pub(super) fn correct_day(&mut self, typed: &str) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let Ok(date) = NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d") else {
            self.popup = Some(super::Popup::CorrectDay(typed.to_string()));
            let t = fill(self.texts.correct_day_bad, &[("input", typed)]);
            return self.info(Level::Error, t);
        };
        let supervisor = self
            .supervisor
            .clone()
            .or_else(|| self.user.as_ref().map(|u| u.name.clone()))
            .unwrap_or_default();
        let ov = self.override_by(
            &supervisor,
            OverrideAction::CorrectDay,
            RegisterReason::WrongClock,
        );
        let mut header = self.header();
        header.business_date = date;
        match store.correct_day(&header, vec![ov]) {
            Ok(c) => {
                tracing::warn!(number = %c.number, %date, "business date corrected");
                self.outbox = c.outbox;
                self.refresh_day();
                let t = fill(
                    self.texts.correct_day_done,
                    &[("number", &c.number), ("date", &date.to_string())],
                );
                self.info(Level::Ok, t);
            }
            Err(e) => self.store_error(e),
        }
    }
}
