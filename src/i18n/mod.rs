//! Every word a person reads, in the register's language: the screens' texts ([`Texts`]) and
//! the words on paper ([`Words`]). The catalogue sits beneath everything that shows or prints,
//! so the store, the devices and the app name a text without reaching up into the screens.

mod cli;
mod doctor;
mod errors;
mod hub;
mod paper;
mod screen;
mod store;

pub use cli::{CliWords, cli_words};
pub use doctor::{DoctorWords, doctor_words};
pub use errors::{domain_words, io_words};
pub use hub::{HubWords, hub_words};
pub use paper::{Words, override_name, override_reason, tender_name, words, x_title};
pub use screen::{Texts, pull_mode_word, texts};
use serde::Deserialize;
pub use store::{Word, store_text};

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

/// Fills the named placeholders of `text` (`{total}`) from `args`, wherever each stands, so a
/// translation may put them in the order its language needs. A name `args` lacks stays as
/// written (a test holds both languages to the same names).
pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named = after
            .find('}')
            .map(|close| &after[..close])
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        match named.and_then(|n| args.iter().find(|(k, _)| *k == n).map(|(_, v)| (n, v))) {
            Some((n, v)) => {
                out.push_str(v);
                rest = &after[n.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholder names of `text`, sorted: both languages of a text must have the same.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(n, _)| n))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The two languages of a catalogue: as many texts, none empty, the same placeholder
    /// names in each pair.
    pub(crate) fn same_words(es: &[&str], en: &[&str]) {
        assert_eq!(es.len(), en.len());
        for (a, b) in es.iter().zip(en) {
            assert!(
                !a.trim().is_empty() && !b.trim().is_empty(),
                "empty text: {a:?} / {b:?}"
            );
            assert_eq!(placeholders(a), placeholders(b), "{a:?} / {b:?}");
        }
    }

    #[test]
    fn fill_puts_each_value_where_its_name_stands() {
        let t = "{number} cerrado: esperado {expected}";
        assert_eq!(
            fill(t, &[("expected", "5.000"), ("number", "FV1-TC-1")]),
            "FV1-TC-1 cerrado: esperado 5.000"
        );
        // Reordered by a translation, the values follow their names.
        assert_eq!(fill("{b} then {a}", &[("a", "1"), ("b", "2")]), "2 then 1");
        assert_eq!(fill("{missing} {} {", &[]), "{missing} {} {");
        assert_eq!(placeholders("{b} x {a} {}"), ["a", "b"]);
    }
}
