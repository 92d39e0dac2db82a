//! The journal screen: filters, then the documents, their totals, a print and a CSV export.

use super::keys::ReportAction;
use super::{App, Level, Popup, Screen, edit};
use crate::devices::printer::PrinterCmd;
use crate::domain::money::Money;
use crate::domain::numbering::DocKind;
use crate::domain::tender::TenderKind;
use crate::i18n::fill;
use crate::receipt::{Align, Line, Receipt, Style, two};
use crate::sales_journal::{JournalFilter, JournalRow};
use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use std::path::PathBuf;

pub const JOURNAL_FIELDS: usize = 6;

/// The journal screen: filters, then rows and totals.
pub struct JournalState {
    /// From, to, register, cashier, type, tender.
    pub fields: [String; JOURNAL_FIELDS],
    pub focus: usize,
    pub rows: Vec<JournalRow>,
    pub count: u64,
    /// Sales less refunds, as the X and Z reports' net.
    pub total: Money,
    /// Cash in less cash out, apart from the net.
    pub cash_moves: Money,
    pub tenders: [Money; 4],
    pub scroll: usize,
    pub truncated: bool,
}

/// The most journal rows kept for the screen; totals count every row.
pub(super) const JOURNAL_SCREEN_ROWS: usize = 2000;

pub(super) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

impl App {
    pub(super) fn open_journal(&mut self) {
        let date = self
            .day
            .open
            .unwrap_or_else(|| self.now().date_naive())
            .to_string();
        let mut st = JournalState {
            fields: [
                date.clone(),
                date,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            focus: 0,
            rows: Vec::new(),
            count: 0,
            total: Money::ZERO,
            cash_moves: Money::ZERO,
            tenders: [Money::ZERO; 4],
            scroll: 0,
            truncated: false,
        };
        self.run_journal(&mut st);
        self.screen = Screen::Journal(st);
    }

    /// The filter typed, or None after saying which field is wrong.
    fn filter_or_say(&mut self, typed: Result<JournalFilter, String>) -> Option<JournalFilter> {
        match typed {
            Ok(f) => Some(f),
            Err(bad) => {
                let text = fill(self.texts.journal_bad_filter, &[("input", &bad)]);
                self.info(Level::Error, text);
                None
            }
        }
    }

    pub(super) fn journal_filter(&self, st: &JournalState) -> Result<JournalFilter, String> {
        let f = &st.fields;
        let from = parse_date(&f[0]).ok_or_else(|| f[0].clone())?;
        let to = parse_date(&f[1]).ok_or_else(|| f[1].clone())?;
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let kind = match opt(&f[4]) {
            Some(k) => Some(DocKind::from_code(&k).ok_or(k)?),
            None => None,
        };
        let tender = match opt(&f[5]) {
            Some(k) => Some(TenderKind::from_code(&k).ok_or(k)?),
            None => None,
        };
        Ok(JournalFilter {
            register: opt(&f[2]),
            cashier: opt(&f[3]),
            kind,
            tender,
            ..JournalFilter::dates(from, to)
        })
    }

    pub(super) fn run_journal(&mut self, st: &mut JournalState) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let Some(f) = self.filter_or_say(self.journal_filter(st)) else {
            return;
        };
        st.rows.clear();
        st.count = 0;
        st.total = Money::ZERO;
        st.tenders = [Money::ZERO; 4];
        st.scroll = 0;
        st.truncated = false;
        let mut totals = crate::sales_journal::Totals::default();
        let r = crate::sales_journal::visit(&*store, &f, |row| {
            totals.add(&row)?;
            if st.rows.len() < JOURNAL_SCREEN_ROWS {
                st.rows.push(row);
            } else {
                st.truncated = true;
            }
            Ok::<_, crate::store::StoreError>(())
        });
        st.count = totals.count;
        st.total = totals.net;
        st.cash_moves = totals.cash_moves;
        st.tenders = totals.tenders;
        if let Err(e) = r {
            self.store_error(e);
        }
    }

    pub(super) fn journal_key(&mut self, mut st: JournalState, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Tab => st.focus = (st.focus + 1) % JOURNAL_FIELDS,
            KeyCode::BackTab => st.focus = (st.focus + JOURNAL_FIELDS - 1) % JOURNAL_FIELDS,
            KeyCode::Enter => self.run_journal(&mut st),
            KeyCode::Up | KeyCode::Down => {
                st.scroll = super::keys::step(st.scroll, st.rows.len(), key.code)
            }
            KeyCode::PageUp => st.scroll = st.scroll.saturating_sub(10),
            KeyCode::PageDown => st.scroll = (st.scroll + 10).min(st.rows.len().saturating_sub(1)),
            code if ReportAction::of(code) == Some(ReportAction::Print) => {
                let r = self.journal_receipt(&st);
                self.printer_cmd(PrinterCmd::Print(Box::new(r)));
                self.info(Level::Ok, self.texts.report_printing);
            }
            code if ReportAction::of(code) == Some(ReportAction::Export) => {
                self.popup = Some(Popup::JournalExport(
                    self.dir.join("diario.csv").display().to_string(),
                ));
            }
            _ => {
                edit(&mut st.fields[st.focus], key);
            }
        }
        self.screen = Screen::Journal(st);
    }

    pub(super) fn journal_receipt(&self, st: &JournalState) -> Receipt {
        let Some(store) = &self.store else {
            return self.printable(Vec::new());
        };
        let c = &store.info().currency;
        let line = |text: String, style| Line {
            text,
            style,
            align: Align::Left,
        };
        let mut lines = vec![line(
            format!(
                "{} {} - {}",
                self.texts.journal_title, st.fields[0], st.fields[1]
            ),
            Style::Bold,
        )];
        let w = usize::from(self.config.printer.columns);
        for r in &st.rows {
            let at = r.at.get(11..16).unwrap_or("");
            lines.push(line(
                two(&format!("{} {at}", r.number), &c.format(r.total), w),
                Style::Normal,
            ));
        }
        lines.push(line(
            fill(
                self.texts.journal_totals,
                &[
                    ("count", &st.count.to_string()),
                    ("total", &c.format_symbol(st.total)),
                ],
            ),
            Style::Bold,
        ));
        self.printable(lines)
    }

    /// Writes the journal on screen as CSV to `path`.
    pub(super) fn export_journal(&mut self, path: &str) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let Screen::Journal(st) = &self.screen else {
            return;
        };
        let Some(f) = self.filter_or_say(self.journal_filter(st)) else {
            return;
        };
        let path = PathBuf::from(path.trim());
        let tmp = path.with_extension("csv.partial");
        // Sales figures are the shop's alone, like the store.
        let written = crate::store::files::private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(crate::sales_journal::JournalError::from)
            .and_then(|file| {
                let mut w = std::io::BufWriter::new(file);
                crate::sales_journal::write_csv(&*store, &f, &mut w)?;
                use std::io::Write;
                w.flush()?;
                w.get_ref().sync_all()?;
                Ok(())
            })
            .and_then(|()| std::fs::rename(&tmp, &path).map_err(Into::into));
        match written {
            Ok(()) => {
                let n = match &self.screen {
                    Screen::Journal(st) => st.count,
                    _ => 0,
                };
                let t = fill(
                    self.texts.journal_exported,
                    &[("n", &n.to_string()), ("path", &path.display().to_string())],
                );
                self.info(Level::Ok, t);
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                let why = e.words(self.config.language);
                self.info(Level::Error, why);
            }
        }
    }
}
