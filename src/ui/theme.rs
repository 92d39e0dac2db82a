//! Colour themes from `themes/*.toml` (built into the binary), the monochrome fallback, and the
//! border set the terminal can draw.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use serde::Deserialize;
use std::str::FromStr;

const BUILT_IN: [(&str, &str); 3] = [
    ("default", include_str!("../../themes/default.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    #[serde(default)]
    monochrome: bool,
    background: Option<String>,
    text: Option<String>,
    dim: Option<String>,
    accent: Option<String>,
    selected_fg: Option<String>,
    selected_bg: Option<String>,
    total: Option<String>,
    ok: Option<String>,
    warn: Option<String>,
    error: Option<String>,
    border: Option<String>,
}

/// The styles every screen draws with.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    pub base: Style,
    pub dim: Style,
    pub accent: Style,
    pub selected: Style,
    pub total: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub border: Style,
    pub border_set: border::Set<'static>,
    /// The terminal cannot show anything but ASCII: every drawn character is transliterated.
    pub ascii: bool,
}

/// Borders for terminals that cannot draw line characters.
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

fn color(s: &Option<String>) -> Option<Color> {
    s.as_deref().and_then(|c| Color::from_str(c).ok())
}

impl Theme {
    fn from_file(f: &ThemeFile) -> Theme {
        if f.monochrome {
            let plain = Style::default();
            return Theme {
                name: f.name.clone(),
                base: plain,
                dim: plain,
                accent: plain.add_modifier(Modifier::BOLD),
                selected: plain.add_modifier(Modifier::REVERSED),
                total: plain.add_modifier(Modifier::BOLD),
                ok: plain.add_modifier(Modifier::BOLD),
                warn: plain.add_modifier(Modifier::BOLD),
                error: plain.add_modifier(Modifier::BOLD | Modifier::REVERSED),
                border: plain,
                border_set: border::PLAIN,
                ascii: false,
            };
        }
        let fg = |c: &Option<String>| {
            let mut s = Style::default();
            if let Some(c) = color(c) {
                s = s.fg(c);
            }
            s
        };
        let mut base = fg(&f.text);
        if let Some(bg) = color(&f.background) {
            base = base.bg(bg);
        }
        let mut selected = Style::default().add_modifier(Modifier::BOLD);
        match (color(&f.selected_fg), color(&f.selected_bg)) {
            (Some(a), Some(b)) => selected = selected.fg(a).bg(b),
            _ => selected = selected.add_modifier(Modifier::REVERSED),
        }
        Theme {
            name: f.name.clone(),
            base,
            dim: fg(&f.dim),
            accent: fg(&f.accent).add_modifier(Modifier::BOLD),
            selected,
            total: fg(&f.total).add_modifier(Modifier::BOLD),
            ok: fg(&f.ok).add_modifier(Modifier::BOLD),
            warn: fg(&f.warn).add_modifier(Modifier::BOLD),
            error: fg(&f.error).add_modifier(Modifier::BOLD),
            border: fg(&f.border),
            border_set: border::PLAIN,
            ascii: false,
        }
    }

    /// A built-in theme by name.
    pub fn named(name: &str) -> Option<Theme> {
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, text)| toml::from_str::<ThemeFile>(text).ok())
            .map(|f| Theme::from_file(&f))
    }

    /// The theme for this terminal: mono when `NO_COLOR` is set or the terminal is a vt100,
    /// ASCII borders where line characters cannot be drawn.
    pub fn for_terminal(configured: &str, env: &TermEnv) -> Theme {
        let mono = env.no_color || env.term.starts_with("vt100") || env.term == "dumb";
        let mut t = if mono {
            Theme::named("mono")
        } else {
            Theme::named(configured).or_else(|| Theme::named("default"))
        }
        .unwrap_or_else(Theme::fallback);
        if !env.can_draw_lines() {
            t.border_set = ASCII_BORDER;
            t.ascii = !env.utf8();
        }
        t
    }

    fn fallback() -> Theme {
        Theme::from_file(&ThemeFile {
            name: "mono".into(),
            monochrome: true,
            ..ThemeFile::default()
        })
    }
}

/// What the environment says about the terminal.
#[derive(Clone, Debug, Default)]
pub struct TermEnv {
    pub term: String,
    pub no_color: bool,
    /// LC_ALL, else LC_CTYPE, else LANG.
    pub locale: String,
}

impl TermEnv {
    pub fn from_env() -> TermEnv {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        TermEnv {
            term: var("TERM").unwrap_or_default(),
            no_color: var("NO_COLOR").is_some(),
            locale: var("LC_ALL")
                .or_else(|| var("LC_CTYPE"))
                .or_else(|| var("LANG"))
                .unwrap_or_default(),
        }
    }

    pub fn utf8(&self) -> bool {
        let l = self.locale.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    }

    /// Line characters need a UTF-8 locale and a terminal that is not a vt100.
    pub fn can_draw_lines(&self) -> bool {
        self.utf8() && !self.term.starts_with("vt100") && self.term != "dumb"
    }
}

/// The nearest plain ASCII for what the screens draw: "Café ¿Sí? · ↑↓" -> "Cafe ?Si? - ^v".
pub fn to_ascii(c: char) -> &'static str {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' => "a",
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => "A",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'É' | 'È' | 'Ê' | 'Ë' => "E",
        'í' | 'ì' | 'î' | 'ï' => "i",
        'Í' | 'Ì' | 'Î' | 'Ï' => "I",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => "o",
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => "O",
        'ú' | 'ù' | 'û' | 'ü' => "u",
        'Ú' | 'Ù' | 'Û' | 'Ü' => "U",
        'ñ' => "n",
        'Ñ' => "N",
        'ç' => "c",
        'Ç' => "C",
        '¿' => "?",
        '¡' => "!",
        '·' | '–' | '—' | '─' => "-",
        '↑' => "^",
        '↓' => "v",
        '€' => "E",
        '│' => "|",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(term: &str, no_color: bool, locale: &str) -> TermEnv {
        TermEnv {
            term: term.into(),
            no_color,
            locale: locale.into(),
        }
    }

    #[test]
    fn every_built_in_theme_parses() {
        for (name, _) in BUILT_IN {
            assert_eq!(Theme::named(name).unwrap().name, name);
        }
    }

    #[test]
    fn no_color_and_vt100_get_mono() {
        assert_eq!(
            Theme::for_terminal("default", &env("xterm-256color", true, "es_CO.UTF-8")).name,
            "mono"
        );
        assert_eq!(
            Theme::for_terminal("high-contrast", &env("vt100", false, "C.UTF-8")).name,
            "mono"
        );
        assert_eq!(
            Theme::for_terminal("high-contrast", &env("linux", false, "es_CO.UTF-8")).name,
            "high-contrast"
        );
        assert_eq!(
            Theme::for_terminal("nonexistent", &env("xterm", false, "C.UTF-8")).name,
            "default"
        );
    }

    #[test]
    fn ascii_borders_without_a_utf8_locale() {
        assert_eq!(
            Theme::for_terminal("default", &env("linux", false, "es_CO.ISO-8859-1")).border_set,
            ASCII_BORDER
        );
        assert_eq!(
            Theme::for_terminal("default", &env("linux", false, "C")).border_set,
            ASCII_BORDER
        );
        assert_eq!(
            Theme::for_terminal("default", &env("linux", false, "es_CO.UTF-8")).border_set,
            border::PLAIN
        );
    }
}
