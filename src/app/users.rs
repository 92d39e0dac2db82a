//! Users added and changed from the supervisor menu: name, role letter, PIN.

use super::{App, Level, Popup, edit};
use crate::i18n::fill;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// A user added or changed from the supervisor menu: name, role letter, PIN.
#[derive(Default)]
pub struct UserForm {
    pub name: String,
    /// `c` cashier, `s` supervisor, `t` technician; empty keeps an existing user's role.
    pub role: String,
    pub pin: String,
    pub focus: usize,
}

impl App {
    pub(super) fn user_form_key(&mut self, mut f: UserForm, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Tab | KeyCode::Down => f.focus = (f.focus + 1) % 3,
            KeyCode::BackTab | KeyCode::Up => f.focus = (f.focus + 2) % 3,
            KeyCode::Enter if f.focus < 2 => f.focus += 1,
            KeyCode::Enter => {
                if self.save_user(&f) {
                    return;
                }
            }
            _ => {
                let field = match f.focus {
                    0 => &mut f.name,
                    1 => &mut f.role,
                    _ => &mut f.pin,
                };
                if f.focus != 2
                    || matches!(key.code, KeyCode::Char(c) if c.is_ascii_digit())
                    || key.code == KeyCode::Backspace
                {
                    edit(field, key);
                }
            }
        }
        self.popup = Some(Popup::User(f));
    }

    /// Adds the user, or changes an existing one's role and PIN. True when saved.
    pub(super) fn save_user(&mut self, f: &UserForm) -> bool {
        use crate::domain::user::Role;
        let Some(store) = self.store.clone() else {
            return false;
        };
        let name = f.name.trim().to_ascii_lowercase();
        let role = match f.role.trim().to_ascii_lowercase().as_str() {
            "" => None,
            "c" => Some(Role::Cashier),
            "s" => Some(Role::Supervisor),
            "t" => Some(Role::Technician),
            other => {
                self.info(
                    Level::Error,
                    fill(self.texts.user_bad_role, &[("input", other)]),
                );
                return false;
            }
        };
        let pin = Some(f.pin.as_str()).filter(|p| !p.is_empty());
        let existing = match store.user(&name) {
            Ok(u) => u,
            Err(e) => {
                self.store_error(e);
                return false;
            }
        };
        let result = match (existing, pin) {
            (Some(_), _) => store.set_user(&name, role, pin),
            (None, Some(pin)) => store.add_user(&name, role.unwrap_or(Role::Cashier), pin),
            (None, None) => {
                self.info(Level::Error, self.texts.user_needs_pin);
                return false;
            }
        };
        match result {
            Ok(()) => {
                tracing::info!(user = %name, supervisor = ?self.supervisor, "user saved");
                self.info(Level::Ok, fill(self.texts.user_saved, &[("name", &name)]));
                true
            }
            Err(e) => {
                self.store_error(e);
                false
            }
        }
    }
}
