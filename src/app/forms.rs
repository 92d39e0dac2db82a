//! First-run setup, login, and the supervisor PIN popup.

use super::{App, Guarded, Level, Popup, Screen, edit};
use crate::config::{Config, Language};
use crate::i18n::fill;
use crate::provision::{Provision, ProvisionError, provision};
use crate::store::users::Login;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Setup fields, in order: store, register, supervisor, PIN, currency, language, demo.
pub const SETUP_FIELDS: usize = 7;

pub struct SetupForm {
    pub fields: [String; SETUP_FIELDS],
    pub focus: usize,
}

impl SetupForm {
    pub fn new(lang: Language) -> SetupForm {
        let yes = if lang == Language::Es { "s" } else { "y" };
        SetupForm {
            fields: [
                String::new(),
                "FV1".into(),
                String::new(),
                String::new(),
                "COP".into(),
                lang.code().into(),
                yes.into(),
            ],
            focus: 0,
        }
    }
}

#[derive(Default)]
pub struct LoginForm {
    pub user: String,
    pub pin: String,
    pub on_pin: bool,
}

pub struct PinPopup {
    pub action: Guarded,
    pub user: String,
    pub pin: String,
    pub on_pin: bool,
    pub error: Option<String>,
    /// With no supervisor at hand: the challenge shown and the answer typed (Tab toggles).
    pub token: Option<(u32, String)>,
}

impl PinPopup {
    pub fn new(action: Guarded) -> PinPopup {
        PinPopup {
            action,
            user: String::new(),
            pin: String::new(),
            on_pin: false,
            error: None,
            token: None,
        }
    }
}

/// What is wrong with setup field `i` holding `v`, in the register's language.
fn setup_problem(t: &crate::i18n::Texts, i: usize, v: &str) -> Option<&'static str> {
    let v = v.trim();
    let ok = match i {
        0 => !v.is_empty(),
        1 => crate::domain::numbering::RegisterCode::parse(&v.to_ascii_uppercase()).is_ok(),
        2 => crate::domain::user::valid_user_name(v),
        3 => crate::domain::user::valid_pin(v),
        4 => crate::domain::money::Currency::by_code(v).is_some(),
        5 => matches!(v.to_ascii_lowercase().as_str(), "es" | "en"),
        6 => matches!(
            v.to_lowercase().as_str(),
            "s" | "si" | "sí" | "y" | "yes" | "n" | "no"
        ),
        _ => true,
    };
    (!ok).then_some(match i {
        0 => t.setup_err_store,
        1 => t.setup_err_register,
        2 => t.setup_err_user,
        3 => t.setup_err_pin,
        4 => t.setup_err_currency,
        5 => t.setup_err_language,
        _ => t.setup_err_demo,
    })
}

/// What a key did to a user-and-PIN form (the login, the damaged store's rebuild).
pub(super) enum UserPin {
    Typing,
    /// Esc with the cursor on the user: the screen decides (quit, or clear on a kiosk).
    EscOnUser,
    /// Enter on a PIN: the user and the PIN, which the form forgets.
    Done(String, String),
}

impl LoginForm {
    /// User, Enter, PIN (digits only), Enter; Esc on the PIN goes back to the user. An empty
    /// PIN is no attempt: a scanner's stray Enter locks nobody out.
    pub(super) fn key(&mut self, key: KeyEvent) -> UserPin {
        match (key.code, self.on_pin) {
            (KeyCode::Esc, false) => return UserPin::EscOnUser,
            (KeyCode::Esc, true) => {
                self.on_pin = false;
                self.pin.clear();
            }
            (KeyCode::Enter, false) if !self.user.trim().is_empty() => self.on_pin = true,
            (KeyCode::Enter, true) if self.pin.is_empty() => {}
            (KeyCode::Enter, true) => {
                return UserPin::Done(self.user.trim().to_string(), std::mem::take(&mut self.pin));
            }
            (_, false) => {
                edit(&mut self.user, key);
            }
            (_, true) => {
                if digit_only(key) {
                    edit(&mut self.pin, key);
                }
            }
        }
        UserPin::Typing
    }
}

fn digit_only(key: KeyEvent) -> bool {
    !matches!(key.code, KeyCode::Char(c) if !c.is_ascii_digit())
}

impl App {
    pub(super) fn setup_key(&mut self, key: KeyEvent) {
        let Screen::Setup(form) = &mut self.screen else {
            return;
        };
        match key.code {
            KeyCode::Esc => self.quit = true,
            KeyCode::Up | KeyCode::BackTab => form.focus = form.focus.saturating_sub(1),
            // Each field is checked as it is left: the mistake is said where it is made.
            KeyCode::Down | KeyCode::Tab | KeyCode::Enter => {
                let f = form.focus;
                if let Some(problem) = setup_problem(self.texts, f, &form.fields[f]) {
                    return self.info(Level::Error, problem);
                }
                self.message = None;
                let Screen::Setup(form) = &mut self.screen else {
                    return;
                };
                if f + 1 < SETUP_FIELDS {
                    form.focus += 1;
                } else if key.code == KeyCode::Enter {
                    self.finish_setup();
                }
            }
            _ => {
                if form.focus == 3 && !digit_only(key) {
                    return;
                }
                let f = form.focus;
                edit(&mut form.fields[f], key);
                if f == 5 {
                    let lang = if form.fields[5].trim().eq_ignore_ascii_case("en") {
                        Language::En
                    } else {
                        Language::Es
                    };
                    self.set_language(lang);
                }
            }
        }
    }

    fn finish_setup(&mut self) {
        if let Screen::Setup(form) = &mut self.screen
            && let Some(f) =
                (0..SETUP_FIELDS).find(|&i| setup_problem(self.texts, i, &form.fields[i]).is_some())
        {
            // A field left wrong (moved away from with the arrows): back to it.
            form.focus = f;
            let problem = setup_problem(self.texts, f, &form.fields[f]).unwrap_or_default();
            return self.info(Level::Error, problem);
        }
        let now_ms = self.now().timestamp_millis();
        let Screen::Setup(form) = &self.screen else {
            return;
        };
        let f = form.fields.clone();
        let language = if f[5].trim().eq_ignore_ascii_case("en") {
            Language::En
        } else {
            Language::Es
        };
        let demo = matches!(
            f[6].trim().to_ascii_lowercase().as_str(),
            "s" | "si" | "sí" | "y" | "yes"
        );
        let p = Provision {
            store_name: f[0].clone(),
            register: f[1].trim().to_ascii_uppercase(),
            supervisor: f[2].trim().to_string(),
            pin: f[3].clone(),
            currency: f[4].clone(),
            language,
            demo,
            prices_include_tax: true,
        };
        let supervisor = p.supervisor.clone();
        match provision(&self.dir, p, now_ms) {
            Ok(store) => {
                self.store = Some(std::sync::Arc::new(store));
                self.config = Config::load(&self.dir).unwrap_or_else(|_| Config::defaults());
                self.set_language(language);
                self.read_loyalty();
                self.screen = Screen::Login(LoginForm {
                    user: supervisor,
                    pin: String::new(),
                    on_pin: true,
                });
                self.message = None;
            }
            Err(e) => {
                if let Screen::Setup(form) = &mut self.screen {
                    form.focus = match e {
                        ProvisionError::StoreName => 0,
                        ProvisionError::Register(_) => 1,
                        ProvisionError::Supervisor(_) => 2,
                        ProvisionError::Pin => 3,
                        ProvisionError::Currency(_) => 4,
                        _ => form.focus,
                    };
                }
                self.info(Level::Error, e.words(language));
            }
        }
    }

    pub(super) fn login_key(&mut self, key: KeyEvent) {
        let Screen::Login(form) = &mut self.screen else {
            return;
        };
        // A supervisor reaches the menu from here too: unlock a user, users, diagnostics.
        if super::keys::is_menu(key.code) {
            return self.guard(super::Guarded::Menu);
        }
        match form.key(key) {
            UserPin::Typing => {}
            UserPin::EscOnUser if !self.config.register.kiosk => self.quit = true,
            UserPin::EscOnUser => form.user.clear(),
            UserPin::Done(user, pin) => self.login(&user, &pin),
        }
    }

    fn login(&mut self, user: &str, pin: &str) {
        let Some(store) = &self.store else { return };
        let t = self.texts;
        match store.login(user, pin) {
            Ok(Login::Ok(u)) => {
                tracing::info!(user = %u.name, "login");
                self.user = Some(u);
                self.screen = Screen::Sale;
                self.message = None;
                self.refresh_outbox();
                self.after_login();
            }
            Ok(Login::WrongPin { tries_left }) => {
                tracing::warn!(%user, tries_left, "wrong PIN");
                self.info(
                    Level::Error,
                    fill(t.login_wrong, &[("tries", &tries_left.to_string())]),
                );
            }
            Ok(Login::Locked) => {
                tracing::warn!(%user, "user locked");
                self.info(Level::Error, t.login_locked);
                self.screen = Screen::Login(LoginForm::default());
            }
            Ok(Login::Unknown) => {
                self.info(Level::Error, t.login_unknown);
                self.screen = Screen::Login(LoginForm::default());
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn pin_key(&mut self, mut p: PinPopup, key: KeyEvent) {
        if key.code == KeyCode::Tab {
            p.token = match p.token {
                Some(_) => None,
                None => Some((App::new_challenge(), String::new())),
            };
            p.error = None;
            self.popup = Some(Popup::Pin(p));
            return;
        }
        if let Some((challenge, mut answer)) = p.token.take() {
            match key.code {
                KeyCode::Esc => return,
                KeyCode::Enter => {
                    let Some(store) = &self.store else { return };
                    let info = store.info();
                    let now = self.now().timestamp();
                    let hours = i64::from(self.config.token.hours);
                    match self.token_guard.check(
                        &info.token_secret,
                        info.register.as_str(),
                        challenge,
                        &answer,
                        now,
                        hours,
                    ) {
                        Ok(()) => {
                            tracing::info!(challenge, "usage token accepted");
                            let who = format!("token {challenge:09}");
                            self.authorized(&who, p.action);
                            return;
                        }
                        Err(e) => {
                            tracing::warn!(challenge, error = %e, "usage token refused");
                            p.error = Some(self.error_words(&e));
                            answer.clear();
                        }
                    }
                }
                _ => {
                    if digit_only(key) {
                        edit(&mut answer, key);
                    }
                }
            }
            p.token = Some((challenge, answer));
            self.popup = Some(Popup::Pin(p));
            return;
        }
        match (key.code, p.on_pin) {
            (KeyCode::Esc, _) => return,
            (KeyCode::Enter, false) if !p.user.trim().is_empty() => p.on_pin = true,
            (KeyCode::Enter, true) if p.pin.is_empty() => {}
            (KeyCode::Enter, true) => {
                let Some(store) = &self.store else { return };
                let user = p.user.trim().to_string();
                let pin = std::mem::take(&mut p.pin);
                match store.login(&user, &pin) {
                    Ok(Login::Ok(u)) if u.role.may(crate::domain::user::Permission::Supervise) => {
                        self.authorized(&u.name, p.action);
                        return;
                    }
                    Ok(Login::Ok(_)) => p.error = Some(self.texts.pin_not_supervisor.into()),
                    Ok(Login::WrongPin { tries_left }) => {
                        p.error = Some(fill(
                            self.texts.login_wrong,
                            &[("tries", &tries_left.to_string())],
                        ))
                    }
                    Ok(Login::Locked) => p.error = Some(self.texts.login_locked.into()),
                    Ok(Login::Unknown) => p.error = Some(self.texts.login_unknown.into()),
                    Err(e) => p.error = Some(self.store_words(&e)),
                }
                p.on_pin = false;
            }
            (_, false) => {
                edit(&mut p.user, key);
            }
            (_, true) => {
                if digit_only(key) {
                    edit(&mut p.pin, key);
                }
            }
        }
        self.popup = Some(Popup::Pin(p));
    }
}
