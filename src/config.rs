//! `caja.toml`: defaults built in, the shop's file overrides only what it names, and a bad file
//! gets a message naming the file, the line and the key.

use crate::devices::codepage::CodePage;
use crate::devices::escpos::Pulse;
use crate::devices::printer::PrinterSetup;
use crate::devices::transport::Endpoint;
pub use crate::i18n::Language;
use crate::i18n::Word;
use crate::receipt::ShopLines;
/// The `[sync]` section, defined where it is used.
pub use crate::sync::Settings as Sync;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use crate::store::CONFIG_FILE;

/// The commented defaults `init` writes.
pub const DEFAULT_TOML: &str = include_str!("default_config.toml");

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub language: Language,
    pub theme: String,
    pub printer: Printer,
    pub receipt: ReceiptLines,
    pub drawer: Drawer,
    pub display: Display,
    pub sale: Sale,
    pub scale: Scale,
    pub backup: Backup,
    pub token: Token,
    pub loyalty: Loyalty,
    pub log: Log,
    pub sync: Sync,
    pub hub: HubConfig,
    pub register: RegisterConfig,
}

/// `[hub]`: what the hub's dashboard needs that no register says.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HubConfig {
    pub stale_after_hours: u32,
    /// A currency code; empty: the registers' own.
    pub currency: String,
}

/// `[register]`: how the till behaves as a machine.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegisterConfig {
    /// A kiosk: Esc on the login screen never quits to a shell.
    pub kiosk: bool,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    pub dir: String,
    pub keep: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Loyalty {
    pub earn_every: String,
    pub point_value: String,
    pub max_points_per_ticket: u64,
    pub max_percent: u32,
    pub excluded: Vec<String>,
}

impl Loyalty {
    /// The rules in the store's currency.
    pub fn rules(
        &self,
        currency: &crate::domain::money::Currency,
    ) -> Result<crate::domain::loyalty::Rules, ConfigProblem> {
        let amount = |k: &str, v: &str| {
            // As the shop writes amounts (COP "1.000" is a thousand pesos).
            currency.parse_local(v).map_err(|e| ConfigProblem::Amount {
                key: format!("loyalty.{k}"),
                value: v.to_string(),
                why: Some(e),
            })
        };
        Ok(crate::domain::loyalty::Rules {
            earn_every: amount("earn_every", &self.earn_every)?,
            point_value: amount("point_value", &self.point_value)?,
            max_points_per_ticket: self.max_points_per_ticket,
            max_percent: self.max_percent,
            excluded: self.excluded.clone(),
        })
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Token {
    pub hours: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Log {
    pub level: String,
    pub max_kib: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Printer {
    pub device: String,
    pub columns: u16,
    pub code_page: CodePage,
    pub retry_seconds: u32,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLines {
    pub header: Vec<String>,
    pub footer: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Drawer {
    pub pin: u8,
    pub on_ms: u16,
    pub off_ms: u16,
    pub open_level: OpenLevel,
}

/// Which level on the drawer sensor's pin means "open".
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OpenLevel {
    High,
    Low,
}

impl OpenLevel {
    /// The names `caja.toml` may give.
    pub const NAMES: &'static [&'static str] = &["high", "low"];

    fn parse(s: &str) -> Option<OpenLevel> {
        match s {
            "high" => Some(OpenLevel::High),
            "low" => Some(OpenLevel::Low),
            _ => None,
        }
    }
}

/// The themes `theme` names.
const THEMES: &[&str] = &["default", "mono", "high-contrast"];
/// The levels `[log] level` names.
const LOG_LEVELS: &[&str] = &["error", "warn", "info", "debug", "trace"];

/// The settings that take one of a few names, refused by name (with the names they may take)
/// before the file is read into typed values, so that serde's English never stands in for the
/// folder's language and no unknown name falls back to a default in silence.
fn check_choices(t: &toml::Table) -> Result<(), ConfigProblem> {
    /// A section, a key in it, whether a name is one it takes, and the names.
    type Named = (
        &'static str,
        &'static str,
        fn(&str) -> bool,
        &'static [&'static str],
    );
    let known: [Named; 5] = [
        ("", "theme", |s| THEMES.contains(&s), THEMES),
        ("log", "level", |s| LOG_LEVELS.contains(&s), LOG_LEVELS),
        (
            "printer",
            "code_page",
            |s| CodePage::parse(s).is_some(),
            CodePage::NAMES,
        ),
        (
            "display",
            "protocol",
            |s| crate::devices::display::Protocol::parse(s).is_some(),
            crate::devices::display::Protocol::NAMES,
        ),
        (
            "drawer",
            "open_level",
            |s| OpenLevel::parse(s).is_some(),
            OpenLevel::NAMES,
        ),
    ];
    for (section, key, ok, choices) in known {
        // A key of the file's top level has no section.
        let table = if section.is_empty() {
            Some(t)
        } else {
            t.get(section).and_then(toml::Value::as_table)
        };
        if let Some(value) = table.and_then(|s| s.get(key)).and_then(toml::Value::as_str)
            && !ok(value)
        {
            return Err(ConfigProblem::Choice {
                key: [section, key].join(if section.is_empty() { "" } else { "." }),
                value: value.to_string(),
                choices,
            });
        }
    }
    Ok(())
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Display {
    pub device: String,
    pub protocol: crate::devices::display::Protocol,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Sale {
    pub discount_limit_percent: u32,
    pub open_price_max: String,
    /// The most kilograms of a weighed item one line holds without a supervisor.
    pub max_weight: u32,
    /// The most units of an item one line holds without a supervisor.
    pub max_quantity: u32,
}

impl Sale {
    /// The most an open price may be, in `currency`.
    pub fn open_price_max(
        &self,
        currency: &crate::domain::money::Currency,
    ) -> Result<crate::domain::money::Money, ConfigProblem> {
        currency
            .parse_local(&self.open_price_max)
            .map_err(|e| ConfigProblem::Amount {
                key: "sale.open_price_max".into(),
                value: self.open_price_max.clone(),
                why: Some(e),
            })
    }
}

/// `[scale]`: how labels from a deli scale are read.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub labels: Vec<ScaleLabel>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ScaleLabel {
    pub prefix: String,
    pub item_digits: usize,
    pub value: String,
    pub decimals: u32,
}

impl Scale {
    /// The labels as rules, or what is wrong with one.
    pub fn rules(&self) -> Result<Vec<crate::domain::scale::LabelRule>, ConfigProblem> {
        use crate::domain::scale::{LabelRule, LabelValue};
        self.labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let value = match l.value.as_str() {
                    "weight" => LabelValue::Weight,
                    "price" => LabelValue::Price,
                    other => {
                        return Err(ConfigProblem::Choice {
                            key: format!("scale.labels[{i}].value"),
                            value: other.to_string(),
                            choices: &["weight", "price"],
                        });
                    }
                };
                let r = LabelRule {
                    prefix: l.prefix.clone(),
                    item_digits: l.item_digits,
                    value,
                    decimals: l.decimals,
                };
                r.check()
                    .map_err(|why| ConfigProblem::Scale { index: i, why })?;
                Ok(r)
            })
            .collect()
    }
}

#[derive(Debug)]
pub enum ConfigError {
    Bad {
        path: PathBuf,
        problem: ConfigProblem,
    },
    Io {
        path: PathBuf,
        err: std::io::Error,
    },
}

// The error's English words (see [`ConfigError::words`]).
crate::i18n::display_words!(ConfigError);

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// The error in `lang` (the operating system's and the TOML reader's words stay as
    /// they come).
    pub fn words(&self, lang: Language) -> String {
        match self {
            ConfigError::Bad { path, problem } => {
                format!("{}: {}", path.display(), problem.words(lang))
            }
            ConfigError::Io { path, err } => format!("{}: {err}", path.display()),
        }
    }
}

/// What is wrong in caja.toml, typed so that each reader words it in its language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigProblem {
    /// The TOML reader's own words (a syntax error, a value of the wrong type).
    Toml(String),
    /// `key = value` is not one of `choices`.
    Choice {
        key: String,
        value: String,
        choices: &'static [&'static str],
    },
    /// `key` must be at least 1.
    AtLeastOne(&'static str),
    /// `key = value` is out of `from..=to`.
    Range {
        key: &'static str,
        value: String,
        from: u32,
        to: u32,
    },
    /// `key = value` is not an amount.
    Amount {
        key: String,
        value: String,
        why: Option<crate::domain::money::MoneyError>,
    },
    /// `key = value` is not a time of day (HH:MM).
    Time { key: &'static str, value: String },
    /// `key = value` is not a device address.
    Device { key: &'static str, value: String },
    /// A deli scale label rule that cannot be.
    Scale {
        index: usize,
        why: crate::domain::scale::RuleError,
    },
}

impl ConfigProblem {
    pub fn words(&self, lang: Language) -> String {
        use crate::i18n::{fill, store_text};
        let t = |key| store_text(lang, key);
        match self {
            ConfigProblem::Toml(d) => d.clone(),
            ConfigProblem::Choice {
                key,
                value,
                choices,
            } => {
                let (last, rest) = choices.split_last().unwrap_or((&"", &[]));
                let list = if rest.is_empty() {
                    last.to_string()
                } else {
                    fill(
                        t(Word::ConfigOr),
                        &[("some", &rest.join(", ")), ("last", last)],
                    )
                };
                fill(
                    t(Word::ConfigChoice),
                    &[("key", key), ("value", value), ("choices", &list)],
                )
            }
            ConfigProblem::AtLeastOne(key) => fill(t(Word::ConfigAtLeastOne), &[("key", key)]),
            ConfigProblem::Range {
                key,
                value,
                from,
                to,
            } => fill(
                t(Word::ConfigRange),
                &[
                    ("key", key),
                    ("value", value),
                    ("from", &from.to_string()),
                    ("to", &to.to_string()),
                ],
            ),
            ConfigProblem::Amount { key, value, why } => {
                let why = match why {
                    Some(e) => crate::i18n::domain_words(e, crate::i18n::texts(lang), None)
                        .unwrap_or_else(|| e.to_string()),
                    None => t(Word::ConfigAmount).to_string(),
                };
                fill(
                    t(Word::ConfigValue),
                    &[("key", key), ("value", value), ("why", &why)],
                )
            }
            ConfigProblem::Time { key, value } => fill(
                t(Word::ConfigValue),
                &[("key", key), ("value", value), ("why", t(Word::ConfigTime))],
            ),
            ConfigProblem::Device { key, value } => fill(
                t(Word::ConfigValue),
                &[
                    ("key", key),
                    ("value", value),
                    ("why", t(Word::ConfigDevice)),
                ],
            ),
            ConfigProblem::Scale { index, why } => {
                use crate::domain::scale::RuleError as R;
                let why = match why {
                    R::Prefix(p) => fill(t(Word::ScalePrefix), &[("prefix", p)]),
                    R::NoValueDigits {
                        prefix,
                        item_digits,
                    } => fill(
                        t(Word::ScaleNoValue),
                        &[("prefix", prefix), ("digits", &item_digits.to_string())],
                    ),
                    R::Decimals {
                        decimals,
                        value_digits,
                        most,
                    } => fill(
                        t(Word::ScaleDecimals),
                        &[
                            ("decimals", &decimals.to_string()),
                            ("digits", &value_digits.to_string()),
                            ("most", &most.to_string()),
                        ],
                    ),
                };
                fill(
                    t(Word::ConfigScale),
                    &[("index", &index.to_string()), ("why", &why)],
                )
            }
        }
    }
}

crate::i18n::display_words!(ConfigProblem);

/// Merges `over` into `base`, key by key, tables recursively.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

impl Config {
    /// What the printer worker needs from these settings; device paths are relative to
    /// `data_dir`.
    pub fn printer_setup(&self, data_dir: &Path) -> PrinterSetup {
        let c = self;
        PrinterSetup {
            endpoint: Endpoint::parse(&c.printer.device, data_dir),
            code_page: c.printer.code_page,
            columns: c.printer.columns,
            pulse: Pulse {
                pin: c.drawer.pin,
                on_ms: c.drawer.on_ms,
                off_ms: c.drawer.off_ms,
            },
            drawer_open_high: c.drawer.open_level == OpenLevel::High,
            shop: ShopLines {
                header: c.receipt.header.clone(),
                footer: c.receipt.footer.clone(),
            },
            language: c.language,
            retry: Duration::from_secs(u64::from(c.printer.retry_seconds)),
            timeout: Duration::from_millis(1500),
        }
    }

    /// The built-in defaults.
    pub fn defaults() -> Config {
        // The defaults are part of the binary and covered by a test; an error here is a build bug.
        Config::parse_str(DEFAULT_TOML, Path::new("(built-in defaults)"))
            .unwrap_or_else(|e| panic!("built-in configuration: {e}"))
    }

    /// Parses a configuration file's text over the defaults.
    pub fn parse_str(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let bad = |problem: ConfigProblem| ConfigError::Bad {
            path: path.to_path_buf(),
            problem,
        };
        let toml = |e: toml::de::Error| bad(ConfigProblem::Toml(e.to_string()));
        let mut base: toml::Table = DEFAULT_TOML.parse().map_err(toml)?;
        let over: toml::Table = text.parse().map_err(toml)?;
        merge(&mut base, over);
        check_choices(&base).map_err(bad)?;
        let cfg: Config = base.try_into().map_err(toml)?;
        cfg.validate().map_err(bad)?;
        Ok(cfg)
    }

    /// Reads `DIR/caja.toml`; a missing file means the defaults.
    pub fn load(dir: &Path) -> Result<Config, ConfigError> {
        let path = dir.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse_str(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::defaults()),
            Err(err) => Err(ConfigError::Io { path, err }),
        }
    }

    fn validate(&self) -> Result<(), ConfigProblem> {
        self.scale.rules()?;
        let digits = self.sale.open_price_max.trim();
        if digits.is_empty()
            || !digits
                .bytes()
                .all(|b| b.is_ascii_digit() || b".,".contains(&b))
        {
            return Err(ConfigProblem::Amount {
                key: "sale.open_price_max".into(),
                value: self.sale.open_price_max.clone(),
                why: None,
            });
        }
        let choice = |key: &str, value: &str, choices: &'static [&'static str]| {
            if choices.contains(&value) {
                Ok(())
            } else {
                Err(ConfigProblem::Choice {
                    key: key.into(),
                    value: value.into(),
                    choices,
                })
            }
        };
        let range = |key: &'static str, value: u32, from: u32, to: u32| {
            if (from..=to).contains(&value) {
                Ok(())
            } else {
                Err(ConfigProblem::Range {
                    key,
                    value: value.to_string(),
                    from,
                    to,
                })
            }
        };
        let at_least_one = |key: &'static str, value: u64| {
            if value == 0 {
                Err(ConfigProblem::AtLeastOne(key))
            } else {
                Ok(())
            }
        };
        choice(
            "printer.columns",
            &self.printer.columns.to_string(),
            &["32", "42", "48"],
        )?;
        at_least_one("backup.keep", u64::from(self.backup.keep))?;
        range("loyalty.max_percent", self.loyalty.max_percent, 1, 100)?;
        range("token.hours", self.token.hours, 1, 72)?;
        range(
            "hub.stale_after_hours",
            self.hub.stale_after_hours,
            1,
            24 * 30,
        )?;
        if !self.hub.currency.is_empty()
            && crate::domain::money::Currency::by_code(&self.hub.currency).is_none()
        {
            choice(
                "hub.currency",
                &self.hub.currency,
                &["COP", "CLP", "MXN", "USD", "PEN", "ARS", "GTQ", "EUR"],
            )?;
        }
        at_least_one(
            "printer.retry_seconds",
            u64::from(self.printer.retry_seconds),
        )?;
        if !self.display.device.is_empty()
            && crate::devices::transport::Endpoint::parse(&self.display.device, Path::new("."))
                .is_err()
        {
            return Err(ConfigProblem::Device {
                key: "display.device",
                value: self.display.device.clone(),
            });
        }
        choice("drawer.pin", &self.drawer.pin.to_string(), &["2", "5"])?;
        range(
            "sale.discount_limit_percent",
            self.sale.discount_limit_percent,
            0,
            100,
        )?;
        if chrono::NaiveTime::parse_from_str(&self.sync.daily_at, "%H:%M").is_err() {
            return Err(ConfigProblem::Time {
                key: "sync.daily_at",
                value: self.sync.daily_at.clone(),
            });
        }
        at_least_one(
            "sync.interval_minutes",
            u64::from(self.sync.interval_minutes),
        )?;
        Ok(())
    }

    /// The file `init` writes: the commented defaults with the chosen language.
    pub fn initial_text(language: Language) -> String {
        DEFAULT_TOML.replacen(
            "language = \"es\"",
            &format!("language = \"{}\"", language.code()),
            1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_defaults_parse() {
        let c = Config::defaults();
        assert_eq!(c.language, Language::Es);
        assert_eq!(c.printer.columns, 42);
        assert_eq!(
            c.drawer,
            Drawer {
                pin: 2,
                on_ms: 25,
                off_ms: 250,
                open_level: OpenLevel::High
            }
        );
        assert_eq!(
            Config::parse_str(&Config::initial_text(Language::En), Path::new("x"))
                .unwrap()
                .language,
            Language::En
        );
    }

    /// A named setting reads as its type; an unknown name is refused by name, with the names
    /// it may take, in the folder's language, and never falls back to a default.
    #[test]
    fn named_settings_are_typed_and_an_unknown_name_is_refused_by_name() {
        let c = Config::parse_str(
            "[printer]\ncode_page = \"WPC1252\"\n[display]\nprotocol = \"epson\"\n[drawer]\nopen_level = \"low\"\n",
            Path::new("caja.toml"),
        )
        .unwrap();
        assert_eq!(c.printer.code_page, CodePage::Wpc1252);
        assert_eq!(
            c.display.protocol,
            crate::devices::display::Protocol::EpsonDmD
        );
        assert_eq!(c.drawer.open_level, OpenLevel::Low);
        assert!(!c.printer_setup(Path::new(".")).drawer_open_high);
        for (text, key, value) in [
            (
                "[printer]\ncode_page = \"pc437\"\n",
                "printer.code_page",
                "pc437",
            ),
            ("[display]\nprotocol = \"vfd\"\n", "display.protocol", "vfd"),
            (
                "[drawer]\nopen_level = \"HIGH\"\n",
                "drawer.open_level",
                "HIGH",
            ),
            ("theme = \"neon\"\n", "theme", "neon"),
            ("[log]\nlevel = \"loud\"\n", "log.level", "loud"),
        ] {
            match Config::parse_str(text, Path::new("caja.toml")) {
                Err(ConfigError::Bad {
                    problem:
                        ConfigProblem::Choice {
                            key: k, value: v, ..
                        },
                    ..
                }) => assert_eq!((k.as_str(), v.as_str()), (key, value)),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_file_overrides_only_what_it_names() {
        let c = Config::parse_str("[printer]\ncolumns = 32\n", Path::new("caja.toml")).unwrap();
        assert_eq!(c.printer.columns, 32);
        assert_eq!(c.printer.device, "file:receipts.txt");
        assert_eq!(c.sync.interval_minutes, 5);
    }

    #[test]
    fn a_bad_file_names_the_file_line_and_key() {
        let e = Config::parse_str(
            "language = \"es\"\n[printer]\ncolums = 32\n",
            Path::new("/d/caja.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("/d/caja.toml") && e.contains("colums"), "{e}");
        let e = Config::parse_str("[printer]\ncolumns = \"wide\"\n", Path::new("caja.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("columns"), "{e}");
        let e = Config::parse_str("[sync]\nurl = \n", Path::new("caja.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        let e = Config::parse_str("[printer]\ncolumns = 40\n", Path::new("caja.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("printer.columns"), "{e}");
    }

    /// A wrong value reads in the register's language, naming the key and what to use.
    #[test]
    fn a_wrong_value_is_worded_in_either_language() {
        let words = |text: &str, lang| {
            Config::parse_str(text, Path::new("caja.toml"))
                .unwrap_err()
                .words(lang)
        };
        let theme = "theme = \"neon\"\n";
        assert_eq!(
            words(theme, Language::Es),
            "caja.toml: theme = \"neon\": use default, mono o high-contrast"
        );
        assert_eq!(
            words(theme, Language::En),
            "caja.toml: theme = \"neon\": use default, mono or high-contrast"
        );
        assert_eq!(
            words("[token]\nhours = 0\n", Language::Es),
            "caja.toml: token.hours = 0: use de 1 a 72"
        );
        assert_eq!(
            words("[backup]\nkeep = 0\n", Language::Es),
            "caja.toml: backup.keep debe ser al menos 1"
        );
        assert_eq!(
            words("[sale]\nopen_price_max = \"x\"\n", Language::Es),
            "caja.toml: sale.open_price_max = \"x\": un monto, por ejemplo \"1000000\""
        );
        let scale = "[scale]\nlabels = [{ prefix = \"2x\", item_digits = 5, value = \"weight\", decimals = 3 }]\n";
        assert_eq!(
            words(scale, Language::Es),
            "caja.toml: scale.labels[0]: el prefijo \"2x\" no son dígitos"
        );
    }
}
