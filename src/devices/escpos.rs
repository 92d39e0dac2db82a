//! A receipt to ESC/POS bytes. The `escpos` crate builds the commands it gets right
//! (initialize, code page, emphasis, size, alignment, feed, cut, QR); caja writes the bytes it
//! gets wrong itself: text goes through caja's code-page encoder (the crate falls back to
//! UTF-8), and the drawer pulse is the full five bytes `ESC p m t1 t2` (the crate sends three,
//! and the printer then eats the next two bytes as the pulse times).

use super::codepage::CodePage;
use crate::lock::LockAnyway;
use crate::receipt::{Align, Line, Receipt, Style};
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{JustifyMode, PageCode, Protocol};
use std::sync::{Arc, Mutex};

/// The cash-drawer kick: connector pin 2 or 5, on and off times in milliseconds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Pulse {
    pub pin: u8,
    pub on_ms: u16,
    pub off_ms: u16,
}

impl Pulse {
    /// `ESC p m t1 t2`: m is 0 for pin 2 and 1 for pin 5; the times are in 2 ms units.
    pub fn bytes(self) -> [u8; 5] {
        let units = |ms: u16| (ms / 2).clamp(1, 255) as u8;
        [
            0x1B,
            b'p',
            if self.pin == 5 { 1 } else { 0 },
            units(self.on_ms),
            units(self.off_ms),
        ]
    }
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.lock_anyway().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

fn page_code(cp: CodePage) -> PageCode {
    match cp {
        CodePage::Pc850 => PageCode::PC850,
        CodePage::Pc858 => PageCode::PC858,
        CodePage::Wpc1252 => PageCode::WPC1252,
    }
}

/// Encodes a receipt; with `drawer`, the pulse goes just before the cut.
pub fn encode(r: &Receipt, cp: CodePage, drawer: Option<Pulse>) -> Result<Vec<u8>, String> {
    let capture = Capture::default();
    let options = PrinterOptions::new(Some(page_code(cp)), None, 42);
    let mut p = Printer::new(capture.clone(), Protocol::default(), Some(options));
    let e = |e: escpos::errors::PrinterError| e.to_string();
    p.init().map_err(e)?;
    for line in &r.lines {
        p.justify(match line.align {
            Align::Left => JustifyMode::LEFT,
            Align::Center => JustifyMode::CENTER,
            Align::Right => JustifyMode::RIGHT,
        })
        .map_err(e)?;
        p.bold(line.style != Style::Normal).map_err(e)?;
        if line.style == Style::Tall {
            p.size(1, 2).map_err(e)?;
        }
        let mut bytes = cp.encode(&line.text);
        bytes.push(b'\n');
        p.custom(&bytes).map_err(e)?;
        if line.style == Style::Tall {
            p.reset_size().map_err(e)?;
        }
    }
    p.bold(false).map_err(e)?;
    if let Some(code) = &r.code {
        p.justify(JustifyMode::CENTER).map_err(e)?;
        p.qrcode(code).map_err(e)?;
    }
    p.justify(JustifyMode::LEFT).map_err(e)?;
    p.feeds(3).map_err(e)?;
    if let Some(pulse) = drawer {
        p.custom(&pulse.bytes()).map_err(e)?;
    }
    p.partial_cut().map_err(e)?;
    p.print().map_err(e)?;
    let out = capture
        .0
        .lock()
        .map_err(|_| "capture poisoned".to_string())?
        .clone();
    Ok(out)
}

/// The technician's test page, as text: its title, a column ruler and the accented letters.
pub fn test_page_text(columns: u16, title: &str) -> String {
    let w = usize::from(columns);
    let ruler: String = (1..=w).map(|i| char::from(b'0' + (i % 10) as u8)).collect();
    format!(
        "{title}\n{ruler}\n{}\náéíóú ÁÉÍÓÚ ñÑ üÜ ¿? ¡! € $\n\n\n",
        "-".repeat(w)
    )
}

/// The technician's test page: its title (in the register's language, naming the code page
/// and the columns), a column ruler, the accented letters, every byte of the code page's
/// upper half, a QR code and a cut.
pub fn test_page(cp: CodePage, columns: u16, title: &str) -> Result<Vec<u8>, String> {
    let mut lines = vec![Line {
        text: title.to_string(),
        style: Style::Bold,
        align: Align::Center,
    }];
    for l in test_page_text(columns, title)
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
    {
        lines.push(Line {
            text: l.to_string(),
            style: Style::Normal,
            align: Align::Left,
        });
    }
    let r = Receipt {
        columns,
        lines,
        code: Some("caja test".into()),
    };
    let mut bytes = encode(&r, cp, None)?;
    // Before the cut (its last four bytes): every byte 0x80..=0xFF, 32 to a line.
    let cut = bytes.len().saturating_sub(4);
    let mut table = Vec::new();
    for row in 0..4u8 {
        table.extend((0..32u8).map(|i| 0x80 + row * 32 + i));
        table.push(b'\n');
    }
    bytes.splice(cut..cut, table);
    Ok(bytes)
}

/// The bytes as an escaped dump for snapshots: printable ASCII as is, the rest as `\xNN`.
pub fn dump(bytes: &[u8]) -> String {
    let mut s = String::new();
    for b in bytes {
        match b {
            b'\n' => s.push_str("\\n\n"),
            0x20..=0x7E if *b != b'\\' => s.push(*b as char),
            _ => s.push_str(&format!("\\x{b:02X}")),
        }
    }
    s
}
