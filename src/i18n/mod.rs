//! Every word a person reads, in the register's language: the screens' texts ([`Texts`]) and
//! the words on paper ([`Words`]). The catalogue sits beneath everything that shows or prints,
//! so the store, the devices and the app name a text without reaching up into the screens.

mod doctor;
mod paper;
mod screen;

pub use doctor::{DoctorWords, doctor_words};
pub use paper::{Words, override_name, tender_name, words, x_title};
pub use screen::{Texts, texts};
use serde::Deserialize;

#[derive(Copy, Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Es,
    En,
}

impl Language {
    /// Spanish unless the environment asks for English.
    pub fn from_env() -> Language {
        let lang = std::env::var("LC_ALL")
            .ok()
            .filter(|s| !s.is_empty())
            .or_else(|| std::env::var("LANG").ok())
            .unwrap_or_default();
        if lang.starts_with("en") {
            Language::En
        } else {
            Language::Es
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::Es => "es",
            Language::En => "en",
        }
    }
}

/// Fills `{}` placeholders in order.
pub fn fill(text: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    for a in args {
        match rest.split_once("{}") {
            Some((before, after)) => {
                out.push_str(before);
                out.push_str(a);
                rest = after;
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}
