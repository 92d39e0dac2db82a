//! `caja.toml`: defaults built in, the shop's file overrides only what it names, and a bad file
//! gets a message naming the file, the line and the key.

use crate::devices::codepage::CodePage;
use crate::devices::escpos::Pulse;
use crate::devices::printer::PrinterSetup;
use crate::devices::transport::Endpoint;
pub use crate::i18n::Language;
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
    pub register: RegisterConfig,
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
    ) -> Result<crate::domain::loyalty::Rules, String> {
        let amount = |k: &str, v: &str| {
            // As the shop writes amounts (COP "1.000" is a thousand pesos).
            currency
                .parse_local(v)
                .map_err(|e| format!("loyalty.{k} = \"{v}\": {e}"))
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
    pub code_page: String,
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
    pub open_level: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Display {
    pub device: String,
    pub protocol: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Sale {
    pub discount_limit_percent: u32,
    pub open_price_max: String,
}

impl Sale {
    /// The most an open price may be, in `currency`.
    pub fn open_price_max(
        &self,
        currency: &crate::domain::money::Currency,
    ) -> Result<crate::domain::money::Money, String> {
        currency
            .parse_local(&self.open_price_max)
            .map_err(|e| format!("sale.open_price_max = \"{}\": {e}", self.open_price_max))
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
    pub fn rules(&self) -> Result<Vec<crate::domain::scale::LabelRule>, String> {
        use crate::domain::scale::{LabelRule, LabelValue};
        self.labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let value = match l.value.as_str() {
                    "weight" => LabelValue::Weight,
                    "price" => LabelValue::Price,
                    other => {
                        return Err(format!(
                            "scale.labels[{i}].value = \"{other}\": use weight or price"
                        ));
                    }
                };
                let r = LabelRule {
                    prefix: l.prefix.clone(),
                    item_digits: l.item_digits,
                    value,
                    decimals: l.decimals,
                };
                r.check().map_err(|e| format!("scale.labels[{i}]: {e}"))?;
                Ok(r)
            })
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Bad { path: PathBuf, message: String },
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },
}

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
            code_page: CodePage::parse(&c.printer.code_page).unwrap_or(CodePage::Pc858),
            columns: c.printer.columns,
            pulse: Pulse {
                pin: c.drawer.pin,
                on_ms: c.drawer.on_ms,
                off_ms: c.drawer.off_ms,
            },
            drawer_open_high: c.drawer.open_level == "high",
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
        let bad = |message: String| ConfigError::Bad {
            path: path.to_path_buf(),
            message,
        };
        let mut base: toml::Table = DEFAULT_TOML
            .parse()
            .map_err(|e: toml::de::Error| bad(e.to_string()))?;
        let over: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| bad(e.to_string()))?;
        merge(&mut base, over);
        let cfg: Config = base
            .try_into()
            .map_err(|e: toml::de::Error| bad(e.to_string()))?;
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

    fn validate(&self) -> Result<(), String> {
        self.scale.rules()?;
        let digits = self.sale.open_price_max.trim();
        if digits.is_empty()
            || !digits
                .bytes()
                .all(|b| b.is_ascii_digit() || b".,".contains(&b))
        {
            return Err(format!(
                "sale.open_price_max = \"{}\": an amount, e.g. \"1000000\"",
                self.sale.open_price_max
            ));
        }
        if !["default", "mono", "high-contrast"].contains(&self.theme.as_str()) {
            return Err(format!(
                "theme = \"{}\": use default, mono or high-contrast",
                self.theme
            ));
        }
        if ![32, 42, 48].contains(&self.printer.columns) {
            return Err(format!(
                "printer.columns = {}: use 32, 42 or 48",
                self.printer.columns
            ));
        }
        if crate::devices::codepage::CodePage::parse(&self.printer.code_page).is_none() {
            return Err(format!(
                "printer.code_page = \"{}\": use pc858, pc850 or wpc1252",
                self.printer.code_page
            ));
        }
        if self.backup.keep == 0 {
            return Err("backup.keep must be at least 1".into());
        }
        if !(1..=100).contains(&self.loyalty.max_percent) {
            return Err(format!(
                "loyalty.max_percent = {}: use 1 to 100",
                self.loyalty.max_percent
            ));
        }
        if !(1..=72).contains(&self.token.hours) {
            return Err(format!("token.hours = {}: use 1 to 72", self.token.hours));
        }
        if self.printer.retry_seconds == 0 {
            return Err("printer.retry_seconds must be at least 1".into());
        }
        if !["high", "low"].contains(&self.drawer.open_level.as_str()) {
            return Err(format!(
                "drawer.open_level = \"{}\": use high or low",
                self.drawer.open_level
            ));
        }
        if crate::devices::display::Protocol::parse(&self.display.protocol).is_none() {
            return Err(format!(
                "display.protocol = \"{}\": use cd5220 or epson",
                self.display.protocol
            ));
        }
        if !self.display.device.is_empty()
            && crate::devices::transport::Endpoint::parse(&self.display.device, Path::new("."))
                .is_err()
        {
            return Err(format!(
                "display.device = \"{}\": use serial:/dev/ttyUSB0?baud=9600",
                self.display.device
            ));
        }
        if ![2, 5].contains(&self.drawer.pin) {
            return Err(format!("drawer.pin = {}: use 2 or 5", self.drawer.pin));
        }
        if self.sale.discount_limit_percent > 100 {
            return Err("sale.discount_limit_percent must be 0 to 100".into());
        }
        if chrono::NaiveTime::parse_from_str(&self.sync.daily_at, "%H:%M").is_err() {
            return Err(format!(
                "sync.daily_at = \"{}\": use HH:MM",
                self.sync.daily_at
            ));
        }
        if !["error", "warn", "info", "debug", "trace"].contains(&self.log.level.as_str()) {
            return Err(format!(
                "log.level = \"{}\": use error, warn, info or debug",
                self.log.level
            ));
        }
        if self.sync.interval_minutes == 0 {
            return Err("sync.interval_minutes must be at least 1".into());
        }
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
                open_level: "high".into()
            }
        );
        assert_eq!(
            Config::parse_str(&Config::initial_text(Language::En), Path::new("x"))
                .unwrap()
                .language,
            Language::En
        );
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
}
