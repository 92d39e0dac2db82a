//! Every word a person reads, in the register's language: the screens' texts ([`Texts`]) and
//! the words on paper ([`Words`]). The catalogue sits beneath everything that shows or prints,
//! so the store, the devices and the app name a text without reaching up into the screens.

/// Declares a catalogue's struct (the screens', the paper's, the command line's, the doctor's,
/// the hub's), and with it `all` (every text, in the declaration's order)
/// and `map` (the catalogue with every text rewritten), so no hand-kept list can miss a field.
macro_rules! catalogue {
    ($(#[$sm:meta])* pub struct $name:ident { $($(#[$m:meta])* $vis:vis $field:ident : $ty:ty,)* }) => {
        $(#[$sm])*
        pub struct $name {
            $($(#[$m])* $vis $field: $ty,)*
        }

        impl $name {
            /// Every text of the catalogue, for the tests that hold both languages to the same
            /// keys and placeholders, and the screens to one language.
            pub fn all(&self) -> Vec<&'static str> {
                let mut v = Vec::new();
                $($crate::i18n::Texty::each(&self.$field, &mut v);)*
                v
            }

            /// The catalogue with `f` applied to every text.
            #[allow(dead_code)] // a catalogue that names no key is never rewritten
            pub(crate) fn map(&self, f: &mut dyn FnMut(&'static str) -> &'static str) -> $name {
                $name {
                    $($field: $crate::i18n::Texty::map(&self.$field, f),)*
                }
            }
        }
    };
}

/// `Display` for each type whose words are `words(Language)`: its English words, so that what a
/// log or `anyhow` shows is the catalogue's English, never a second one.
macro_rules! display_words {
    ($($t:ty),+ $(,)?) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.words($crate::i18n::Language::En))
            }
        }
    )+};
}
pub(crate) use display_words;

/// A field of the catalogue: a text, a list of texts, or the language (no text).
pub(crate) trait Texty: Sized {
    fn each(&self, v: &mut Vec<&'static str>);
    fn map(&self, f: &mut dyn FnMut(&'static str) -> &'static str) -> Self;
}

impl Texty for Language {
    fn each(&self, _: &mut Vec<&'static str>) {}
    fn map(&self, _: &mut dyn FnMut(&'static str) -> &'static str) -> Self {
        *self
    }
}

impl Texty for &'static str {
    fn each(&self, v: &mut Vec<&'static str>) {
        v.push(self);
    }
    fn map(&self, f: &mut dyn FnMut(&'static str) -> &'static str) -> Self {
        f(self)
    }
}

impl Texty for &'static [&'static str] {
    fn each(&self, v: &mut Vec<&'static str>) {
        v.extend_from_slice(self);
    }
    fn map(&self, f: &mut dyn FnMut(&'static str) -> &'static str) -> Self {
        // Once per language, for the life of the process (see `texts`).
        Box::leak(
            self.iter()
                .map(|s| f(s))
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        )
    }
}

impl<const N: usize> Texty for [&'static str; N] {
    fn each(&self, v: &mut Vec<&'static str>) {
        v.extend_from_slice(self);
    }
    fn map(&self, f: &mut dyn FnMut(&'static str) -> &'static str) -> Self {
        let mut out = *self;
        for s in &mut out {
            *s = f(s);
        }
        out
    }
}

mod cli;
mod doctor;
mod errors;
mod hub;
mod paper;
mod screen;
mod store;

pub use cli::{CliWords, cli_words};
pub use doctor::{Check, DoctorWords, PrinterState, doctor_words};
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
