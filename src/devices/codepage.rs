//! Text to printer bytes: the printer's code page, and `?` for anything it cannot print. Never
//! raw UTF-8, which prints as garbage on an ESC/POS printer.

#[path = "codepage_tables.rs"]
mod tables;

/// Read from `caja.toml` by name (`pc858`, `pc850`, `wpc1252`); an unknown name is refused
/// by name when the file is read (`config::check_choices`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum CodePage {
    /// PC858: PC850 with the euro sign; the default (Spanish letters, ¿ ¡ and €).
    Pc858,
    Pc850,
    Wpc1252,
}

impl TryFrom<String> for CodePage {
    type Error = String;
    fn try_from(s: String) -> Result<CodePage, String> {
        CodePage::parse(&s).ok_or_else(|| format!("unknown code page {s}"))
    }
}

impl CodePage {
    /// The names `caja.toml` may give.
    pub const NAMES: &'static [&'static str] = &["pc858", "pc850", "wpc1252"];

    pub fn parse(s: &str) -> Option<CodePage> {
        match s.to_ascii_lowercase().as_str() {
            "pc858" => Some(CodePage::Pc858),
            "pc850" => Some(CodePage::Pc850),
            "wpc1252" => Some(CodePage::Wpc1252),
            _ => None,
        }
    }

    /// The `n` of `ESC t n` (Epson numbering).
    pub fn esc_t(self) -> u8 {
        match self {
            CodePage::Pc850 => 2,
            CodePage::Wpc1252 => 16,
            CodePage::Pc858 => 19,
        }
    }

    fn table(self) -> &'static [char; 128] {
        match self {
            CodePage::Pc850 => &tables::PC850,
            CodePage::Pc858 => &tables::PC858,
            CodePage::Wpc1252 => &tables::WPC1252,
        }
    }

    /// Encodes text for the printer: printable ASCII as is, other characters through the code
    /// page, and `?` for control characters and characters the page lacks.
    pub fn encode(self, text: &str) -> Vec<u8> {
        let table = self.table();
        text.chars()
            .map(|c| match c {
                ' '..='~' => c as u8,
                _ => table
                    .iter()
                    .position(|t| *t == c && c != '\0')
                    .map_or(b'?', |i| 0x80 + i as u8),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_letters_and_the_euro_in_pc858() {
        let b = CodePage::Pc858.encode("áéíóúñÑü¿¡€");
        assert_eq!(
            b,
            vec![
                0xA0, 0x82, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0x81, 0xA8, 0xAD, 0xD5
            ]
        );
        // PC850 has no euro; WPC1252 has it at 0x80.
        assert_eq!(CodePage::Pc850.encode("€"), vec![b'?']);
        assert_eq!(CodePage::Wpc1252.encode("€ñ"), vec![0x80, 0xF1]);
    }

    #[test]
    fn what_the_page_lacks_becomes_a_question_mark_never_utf8() {
        assert_eq!(CodePage::Pc858.encode("a✓b漢\u{7}"), b"a?b??".to_vec());
    }
}
