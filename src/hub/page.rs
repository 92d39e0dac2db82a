//! The hub's pages for people at the head office: the dashboard, the sync log and the login
//! form. Plain HTML with its style inline: no script, no external asset, readable at 1024x768,
//! on a phone and on paper. Every word from the hub folder's language, times in the hub
//! machine's time zone, money as the shop writes it.

use super::chain::CheckReport;
use super::office::{DayFigures, LogEntry, LogEvent};
use crate::domain::money::{Currency, Money};
use crate::i18n::{HubWords, fill};
use chrono::{DateTime, Local, NaiveDate};
use serde_json::Value;
use std::collections::BTreeMap;

/// Text for HTML, attributes included.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1em;color:#111;background:#fff}\
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1em 0 .3em}\
nav a,nav span{margin-right:1em}\
.wide{overflow-x:auto}table{border-collapse:collapse;font-size:.85em}\
th,td{border:1px solid #999;padding:.2em .35em;vertical-align:top}\
th{background:#eee;text-align:left}td.n{text-align:right;white-space:nowrap}\
td.t{white-space:nowrap}\
tr.all td{font-weight:bold;background:#f4f4f4}\
.mark{color:#fff;background:#b00;padding:0 .3em;border-radius:.2em;white-space:nowrap}\
ul.warn li{color:#900}small{color:#555}\
form label{display:block;margin:.5em 0}input{font-size:1em;padding:.3em}\
@media (max-width:640px){body{margin:.4em}table{font-size:.8em}}\
@media print{nav,form,.noprint{display:none}body{margin:0}}";

fn page(w: &HubWords, title: &str, refresh: bool, body: &str) -> String {
    let meta = if refresh {
        "<meta http-equiv=\"refresh\" content=\"60\">"
    } else {
        ""
    };
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">{meta}\
         <title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        w.lang,
        esc(title)
    )
}

/// A moment as people read it: "7 dic 2026 00:35", "2026-12-07 00:35", in the hub's zone.
pub fn when(w: &HubWords, t: DateTime<Local>) -> String {
    use chrono::Datelike;
    match w.language {
        crate::i18n::Language::Es => format!(
            "{} {} {} {}",
            t.day(),
            w.months[t.month0() as usize],
            t.year(),
            t.format("%H:%M")
        ),
        crate::i18n::Language::En => t.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A date as people read it: "7 dic 2026", "2026-12-07".
pub fn day(w: &HubWords, d: NaiveDate) -> String {
    use chrono::Datelike;
    match w.language {
        crate::i18n::Language::Es => {
            format!("{} {} {}", d.day(), w.months[d.month0() as usize], d.year())
        }
        crate::i18n::Language::En => d.to_string(),
    }
}

/// A moment in a table: its time alone when it is today, else its date too.
fn short(w: &HubWords, now: DateTime<Local>, t: DateTime<Local>) -> String {
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M").to_string()
    } else {
        when(w, t)
    }
}

fn parse_time(s: &str) -> Option<DateTime<Local>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Local))
}

/// How long ago: "hace 5 min", "3 h ago".
fn ago(w: &HubWords, now: DateTime<Local>, t: DateTime<Local>) -> String {
    let m = (now - t).num_minutes().max(0);
    let (text, n) = if m < 120 {
        (w.ago_minutes, m)
    } else if m < 48 * 60 {
        (w.ago_hours, m / 60)
    } else {
        (w.ago_days, m / (24 * 60))
    };
    fill(text, &[("n", &n.to_string())])
}

/// Ten-thousandths as money in `c`, written as the shop writes it ("$ 1.234.567").
pub fn money(c: &Currency, units: i128) -> String {
    let per_minor = 10i128.pow(4u32.saturating_sub(u32::from(c.decimals)));
    match i64::try_from(units / per_minor) {
        Ok(minor) => c.format_symbol(Money::from_minor(minor)),
        Err(_) => crate::sync::units_decimal(units),
    }
}

/// What the dashboard shows.
pub struct Board<'a> {
    pub words: &'static HubWords,
    /// The pull modes' words (the register's catalogue has them).
    pub texts: &'static crate::i18n::Texts,
    pub date: NaiveDate,
    pub now: DateTime<Local>,
    pub stale_after_hours: u32,
    /// The currency of `[hub] currency`, when set.
    pub currency: Option<Currency>,
    /// Each register's document (`register:CODE`), by code.
    pub registers: &'a [(String, Value)],
    pub figures: &'a [(String, DayFigures)],
    /// Conflict branches the hub holds, by register.
    pub conflicts: &'a BTreeMap<String, usize>,
    /// The last run of the document checks, and when.
    pub checks: Option<&'a (DateTime<Local>, CheckReport)>,
    pub cli: &'static crate::i18n::CliWords,
    /// Products at or below their minimum or below zero (the first few), and how many.
    pub low: &'a [super::stock::LowLine],
    pub low_total: u64,
}

impl Board<'_> {
    /// The shop's currency: `[hub] currency`, else the one most registers report, else COP.
    fn shop_currency(&self) -> Currency {
        if let Some(c) = &self.currency {
            return c.clone();
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, doc) in self.registers {
            if let Some(code) = doc["currency"].as_str() {
                *seen.entry(code).or_default() += 1;
            }
        }
        seen.into_iter()
            .max_by_key(|(_, n)| *n)
            .and_then(|(code, _)| Currency::by_code(code))
            .unwrap_or_else(Currency::cop)
    }
}

/// The dashboard.
pub fn dashboard(b: &Board) -> String {
    let w = b.words;
    let shop = b.shop_currency();
    let date = b.date.to_string();
    let mut body = String::new();
    body.push_str(&format!("<h1>{}</h1>", esc(w.title)));
    // The day shown and the way to others.
    let prev = b.date.pred_opt().map(|d| d.to_string()).unwrap_or_default();
    let next = b.date.succ_opt().map(|d| d.to_string()).unwrap_or_default();
    body.push_str(&format!(
        "<nav><span>{}: <b>{}</b></span><a href=\"/?date={prev}\">&larr; {}</a>\
         <a href=\"/\">{}</a><a href=\"/?date={next}\">{} &rarr;</a>\
         <a href=\"/?date={date}\">{}</a><a href=\"/_caja/logout\">{}</a></nav>",
        esc(w.day),
        esc(&day(w, b.date)),
        esc(w.previous_day),
        esc(w.today),
        esc(w.next_day),
        esc(w.refresh),
        esc(w.logout),
    ));
    body.push_str(&format!(
        "<p><small>{}</small></p>",
        esc(&fill(w.updated, &[("at", &when(w, b.now))]))
    ));

    // Every register the hub knows: by its register document, and by documents of the day
    // (a register whose documents came by replication has none).
    let mut codes: Vec<String> = b
        .registers
        .iter()
        .map(|(c, _)| c.clone())
        .chain(b.figures.iter().map(|(c, _)| c.clone()))
        .collect();
    codes.sort();
    codes.dedup();
    let doc_of = |code: &str| b.registers.iter().find(|(c, _)| c == code).map(|(_, d)| d);
    let figures_of = |code: &str| {
        b.figures
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, f)| f.clone())
            .unwrap_or_default()
    };

    let mut notices: Vec<String> = Vec::new();
    let mut rows = String::new();
    let mut all = DayFigures::default();
    let (mut all_queue, mut all_refused) = (0u64, 0u64);
    for code in &codes {
        let empty = Value::Null;
        let doc = doc_of(code).unwrap_or(&empty);
        let f = figures_of(code);
        let c = doc["currency"]
            .as_str()
            .and_then(Currency::by_code)
            .unwrap_or_else(|| shop.clone());
        let m = |units: i128| money(&c, units);
        let register = [("register", code.as_str())];
        // Last push.
        let push = match doc["last_push"].as_str().and_then(parse_time) {
            Some(t) => format!(
                "{}<br><small>{}</small>",
                esc(&short(w, b.now, t)),
                esc(&ago(w, b.now, t))
            ),
            None => esc(w.never),
        };
        // Last pull, its mode and age, and whether it is out of date.
        let stale_hours = i64::from(b.stale_after_hours);
        let known = doc.is_object();
        let mut pull = String::new();
        let mut stale = false;
        match doc["pulled"]["at"].as_str().and_then(parse_time) {
            Some(t) => {
                let mode = doc["pulled"]["mode"].as_str().unwrap_or_default();
                pull.push_str(&format!(
                    "{} ({})<br><small>{}</small>",
                    esc(&short(w, b.now, t)),
                    esc(crate::i18n::pull_mode_word(b.texts, mode)),
                    esc(&ago(w, b.now, t))
                ));
                if (b.now - t).num_hours() >= stale_hours {
                    stale = true;
                    notices.push(fill(
                        w.stale_pull,
                        &[("register", code), ("hours", &stale_hours.to_string())],
                    ));
                }
            }
            None => match doc["last_pull"].as_str() {
                // A register of an earlier version says it in words only.
                Some(text) => pull.push_str(&esc(text)),
                None if known => {
                    pull.push_str(&esc(w.never));
                    stale = true;
                    notices.push(fill(w.never_pulled, &register));
                }
                None => {}
            },
        }
        if doc["pull_failed"].is_object() {
            pull.push_str(&format!("<br><small>{}</small>", esc(w.pull_failed)));
        }
        if stale {
            pull.push_str(&format!(
                " <span class=\"mark\">{}</span>",
                esc(w.out_of_date)
            ));
        }
        // Silent for more than a day.
        let heard = doc["clock"]
            .as_str()
            .and_then(parse_time)
            .or_else(|| doc["last_push"].as_str().and_then(parse_time));
        if known && heard.is_none_or(|t| (b.now - t).num_hours() >= 24) {
            notices.push(fill(w.silent, &register));
        }
        let queue = doc["queue"].as_u64();
        let refused = doc["rejected"].as_u64().unwrap_or(0);
        all_queue += queue.unwrap_or(0);
        all_refused += refused;
        if refused > 0 {
            notices.push(fill(
                w.refused_call,
                &[("register", code), ("count", &refused.to_string())],
            ));
        }
        let conflicts = b.conflicts.get(code).copied().unwrap_or(0);
        let drift = doc["clock_drift_s"]
            .as_i64()
            .map(|s| fill(w.seconds, &[("n", &s.to_string())]))
            .unwrap_or_default();
        let z = match &f.closing {
            Some(z) => match z.counted_cash {
                Some(counted) => fill(
                    w.z_counted,
                    &[
                        ("number", &z.number),
                        ("expected", &m(z.expected_cash)),
                        ("counted", &m(counted)),
                    ],
                ),
                None => fill(
                    w.z_not_counted,
                    &[("number", &z.number), ("expected", &m(z.expected_cash))],
                ),
            },
            None => w.z_none.to_string(),
        };
        let refused_cell = if refused + conflicts as u64 > 0 {
            format!("<span class=\"mark\">{}</span>", refused + conflicts as u64)
        } else {
            "0".to_string()
        };
        let about = [doc["store"].as_str(), doc["version"].as_str()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        rows.push_str(&format!(
            "<tr><td><b>{}</b><br><small>{}</small></td><td class=\"t\">{push}</td>\
             <td class=\"t\">{pull}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{refused_cell}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{} ({})</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(code),
            esc(&about),
            queue.map(|q| q.to_string()).unwrap_or_default(),
            esc(&drift),
            f.sales,
            esc(&m(f.sales_total)),
            esc(&m(f.refunds_total)),
            f.refunds,
            esc(&m(f.net())),
            esc(&z),
        ));
        all.sales += f.sales;
        all.sales_total = all.sales_total.saturating_add(f.sales_total);
        all.refunds += f.refunds;
        all.refunds_total = all.refunds_total.saturating_add(f.refunds_total);
    }
    // What needs doing, first.
    let findings = b.checks.map_or(0, |(_, r)| r.findings.len());
    if findings > 0 {
        notices.insert(
            0,
            fill(w.tampering_call, &[("count", &findings.to_string())]),
        );
    }
    if !notices.is_empty() {
        body.push_str("<ul class=\"warn\">");
        for n in &notices {
            body.push_str(&format!("<li>{}</li>", esc(n)));
        }
        body.push_str("</ul>");
    }
    if codes.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(w.no_registers)));
    } else {
        let m = |units: i128| money(&shop, units);
        body.push_str(&format!(
            "<div class=\"wide\"><table><thead><tr><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th></tr></thead><tbody>{rows}</tbody><tfoot><tr class=\"all\">\
             <td colspan=\"3\">{}</td><td class=\"n\">{all_queue}</td><td></td>\
             <td class=\"n\">{all_refused}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{} ({})</td><td class=\"n\">{}</td><td></td></tr></tfoot>\
             </table></div>",
            esc(w.register),
            esc(w.last_push),
            esc(w.last_pull),
            esc(w.queue),
            esc(w.drift),
            esc(w.refused),
            esc(w.sales),
            esc(w.total),
            esc(w.refunds),
            esc(w.net),
            esc(w.closing),
            esc(w.all_registers),
            all.sales,
            esc(&m(all.sales_total)),
            esc(&m(all.refunds_total)),
            all.refunds,
            esc(&m(all.net())),
        ));
    }
    body.push_str(&format!(
        "<h2>{}</h2><nav><a href=\"/_caja/log?date={date}\">{}</a>\
         <a href=\"/_caja/movements?date={date}\">{}</a><a href=\"/_caja/stock\">{}</a></nav>",
        esc(w.links),
        esc(w.log_link),
        esc(w.movements_link),
        esc(w.stock_link),
    ));
    // Stock that needs the shop: at or below its minimum, or negative.
    if !b.low.is_empty() {
        use super::stock::milli_text;
        body.push_str(&format!("<h2>{}</h2><ul class=\"warn\">", esc(w.low_stock)));
        for l in b.low {
            let on_hand = milli_text(l.on_hand);
            let args = [
                ("sku", l.sku.as_str()),
                ("name", l.name.as_str()),
                ("on_hand", on_hand.as_str()),
            ];
            let line = match l.min {
                Some(m) if l.on_hand >= 0 => {
                    let min = milli_text(m);
                    let mut a = args.to_vec();
                    a.push(("min", &min));
                    fill(w.low_min, &a)
                }
                _ => fill(w.low_negative, &args),
            };
            body.push_str(&format!("<li>{}</li>", esc(&line)));
        }
        body.push_str("</ul>");
        let more = b.low_total.saturating_sub(b.low.len() as u64);
        if more > 0 {
            body.push_str(&format!(
                "<p><a href=\"/_caja/stock\">{}</a></p>",
                esc(&fill(w.low_more, &[("count", &more.to_string())]))
            ));
        }
    }
    // What `caja chain check` would say of what the hub holds.
    body.push_str(&format!("<h2>{}</h2>", esc(w.checks)));
    match b.checks {
        None => body.push_str(&format!("<p>{}</p>", esc(w.checks_pending))),
        Some((at, report)) => {
            body.push_str("<ul>");
            for l in super::chain::check_lines(report, b.cli).iter().take(51) {
                body.push_str(&format!("<li>{}</li>", esc(l)));
            }
            body.push_str(&format!(
                "</ul><p><small>{}</small></p>",
                esc(&fill(w.checks_at, &[("at", &when(w, *at))]))
            ));
        }
    }
    page(w, w.title, true, &body)
}

/// The login form (`POST /_session` with `next`), with a failure said when there was one.
pub fn login(w: &HubWords, failed: bool, next: &str) -> String {
    let said = if failed {
        format!("<p class=\"mark\">{}</p>", esc(w.login_failed))
    } else {
        String::new()
    };
    let body = format!(
        "<h1>{}</h1>{said}<form method=\"post\" action=\"/_session\">\
         <input type=\"hidden\" name=\"next\" value=\"{}\">\
         <label>{}<br><input name=\"name\" autocomplete=\"username\" required autofocus></label>\
         <label>{}<br><input name=\"password\" type=\"password\" \
         autocomplete=\"current-password\" required></label>\
         <button type=\"submit\">{}</button></form>",
        esc(w.login_title),
        esc(next),
        esc(w.login_name),
        esc(w.login_password),
        esc(w.login_submit),
    );
    page(w, w.login_title, false, &body)
}

/// What a log line says, in the hub's words.
pub fn log_words(w: &HubWords, texts: &'static crate::i18n::Texts, e: &LogEvent) -> String {
    match e {
        LogEvent::Claim { store } => fill(w.log_claim, &[("store", store)]),
        LogEvent::TakeOver { store, previous } => {
            fill(w.log_take_over, &[("store", store), ("previous", previous)])
        }
        LogEvent::Push {
            received,
            already,
            refused_count,
            refused,
        } => {
            let mut s = fill(
                w.log_push,
                &[
                    ("received", &received.to_string()),
                    ("already", &already.to_string()),
                    ("refused", &refused_count.to_string()),
                ],
            );
            for (id, why) in refused {
                s.push_str("; ");
                s.push_str(&fill(w.log_refused_one, &[("id", id), ("why", why)]));
            }
            s
        }
        LogEvent::Pull {
            mode,
            products,
            removed,
        } => fill(
            w.log_pull,
            &[
                ("mode", crate::i18n::pull_mode_word(texts, mode)),
                ("products", &products.to_string()),
                ("removed", &removed.to_string()),
            ],
        ),
        LogEvent::PullFailed { mode } => fill(
            w.log_pull_failed,
            &[("mode", crate::i18n::pull_mode_word(texts, mode))],
        ),
        LogEvent::LoginRefused { address } => fill(w.log_login_refused, &[("address", address)]),
    }
}

/// The event's code, for the CSV.
pub fn log_code(e: &LogEvent) -> &'static str {
    match e {
        LogEvent::Claim { .. } => "claim",
        LogEvent::TakeOver { .. } => "take_over",
        LogEvent::Push { .. } => "push",
        LogEvent::Pull { .. } => "pull",
        LogEvent::PullFailed { .. } => "pull_failed",
        LogEvent::LoginRefused { .. } => "login_refused",
    }
}

/// The sync log of a day, as a page.
pub fn log_page(
    w: &HubWords,
    texts: &'static crate::i18n::Texts,
    date: NaiveDate,
    entries: &[LogEntry],
) -> String {
    let mut body = format!(
        "<h1>{}</h1><nav><span>{}: <b>{}</b></span><a href=\"/_caja/log?date={}\">&larr; {}</a>\
         <a href=\"/_caja/log?date={}\">{} &rarr;</a><a href=\"/?date={date}\">{}</a></nav>",
        esc(w.log_title),
        esc(w.day),
        esc(&day(w, date)),
        date.pred_opt().map(|d| d.to_string()).unwrap_or_default(),
        esc(w.previous_day),
        date.succ_opt().map(|d| d.to_string()).unwrap_or_default(),
        esc(w.next_day),
        esc(w.back),
    );
    if entries.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(w.log_none)));
    } else {
        body.push_str(&format!(
            "<div class=\"wide\"><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(w.log_at),
            esc(w.register),
            esc(w.log_what)
        ));
        for e in entries {
            let at = parse_time(&e.at).map_or_else(|| e.at.clone(), |t| when(w, t));
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&at),
                esc(&e.register),
                esc(&log_words(w, texts, &e.event))
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    page(w, w.log_title, false, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, hub_words};

    #[test]
    fn times_and_money_read_as_the_shop_writes_them() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-07T00:35:28-05:00")
            .unwrap()
            .with_timezone(&Local);
        let es = when(hub_words(Language::Es), t);
        let en = when(hub_words(Language::En), t);
        assert!(!es.contains('T') && !en.contains('T'), "{es} {en}");
        assert!(
            es.contains("dic") || es.contains("ene") || es.contains("nov"),
            "{es}"
        );
        let cop = Currency::by_code("COP").unwrap();
        assert_eq!(money(&cop, 12_345_670_000), "$ 1.234.567");
        let mxn = Currency::by_code("MXN").unwrap();
        assert_eq!(money(&mxn, 12_345_675_000), "$ 1,234,567.50");
        assert_eq!(money(&cop, -50_000), "$ -5");
    }

    #[test]
    fn html_is_escaped_in_text_and_attributes() {
        assert_eq!(
            esc("<b a=\"x\">'&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;"
        );
    }
}
