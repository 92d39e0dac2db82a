//! Answering another register's usage-token challenge.

use super::{App, Popup, edit};
use crate::i18n::fill;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Answering another register's usage-token challenge.
pub struct TokenAnswerForm {
    pub register: String,
    pub code: String,
    pub on_code: bool,
    pub result: Option<String>,
}

impl App {
    pub(super) fn token_answer_key(&mut self, mut f: TokenAnswerForm, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Enter if !f.on_code => f.on_code = true,
            KeyCode::Enter => {
                let Some(store) = &self.store else { return };
                use crate::domain::token::{answer, parse_challenge, window};
                let reg = f.register.trim().to_ascii_uppercase();
                match parse_challenge(&f.code) {
                    Ok(c) => {
                        let a = answer(
                            &store.info().token_secret,
                            &reg,
                            c,
                            window(self.now().timestamp()),
                        );
                        tracing::info!(register = %reg, supervisor = ?self.supervisor, "usage token answered");
                        f.result = Some(fill(
                            self.texts.token_result,
                            &[("register", &reg), ("code", &f.code), ("answer", &a)],
                        ));
                    }
                    Err(e) => f.result = Some(self.error_words(&e)),
                }
            }
            _ => {
                let field = if f.on_code {
                    &mut f.code
                } else {
                    &mut f.register
                };
                edit(field, key);
            }
        }
        self.popup = Some(Popup::TokenAnswer(f));
    }

    /// A fresh 9-digit challenge for a usage token.
    pub(super) fn new_challenge() -> u32 {
        let mut b = [0u8; 4];
        // Without randomness the challenge is still unique enough to use: the clock's nanoseconds.
        if getrandom::fill(&mut b).is_err() {
            b = chrono::Utc::now().timestamp_subsec_nanos().to_le_bytes();
        }
        100_000_000 + u32::from_le_bytes(b) % 900_000_000
    }
}
