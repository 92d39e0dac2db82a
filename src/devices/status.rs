//! Printer status through `DLE EOT n`: online, cover, paper, drawer.

use super::transport::Link;
use crate::i18n::PrinterState;

/// What the printer says about itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrinterStatus {
    pub offline: bool,
    pub cover_open: bool,
    pub paper_near_end: bool,
    pub paper_out: bool,
    /// The drawer sensor (connector pin 3) reads "open" at the configured level.
    pub drawer_open: bool,
}

impl PrinterStatus {
    /// Ready to print a receipt.
    pub fn ready(&self) -> bool {
        !self.offline && !self.cover_open && !self.paper_out
    }

    /// Reads the three status bytes; `drawer_open_high` says which sensor level means open.
    pub fn decode(
        printer: u8,
        offline_cause: u8,
        paper: u8,
        drawer_open_high: bool,
    ) -> PrinterStatus {
        let pin3_high = printer & 0x04 != 0;
        PrinterStatus {
            offline: printer & 0x08 != 0,
            cover_open: offline_cause & 0x04 != 0,
            paper_near_end: paper & 0x0C == 0x0C,
            paper_out: paper & 0x60 == 0x60 || offline_cause & 0x20 != 0,
            drawer_open: pin3_high == drawer_open_high,
        }
    }

    /// What the screen and `caja doctor` say of the printer (nothing when it is ready).
    pub fn words(&self) -> Vec<PrinterState> {
        let mut v = Vec::new();
        if self.paper_out {
            v.push(PrinterState::PaperOut);
        } else if self.paper_near_end {
            v.push(PrinterState::PaperNearEnd);
        }
        if self.cover_open {
            v.push(PrinterState::CoverOpen);
        }
        if self.offline && !self.paper_out && !self.cover_open {
            v.push(PrinterState::Offline);
        }
        if self.drawer_open {
            v.push(PrinterState::DrawerOpen);
        }
        v
    }
}

/// A status byte has bits 1 and 4 set and bits 0 and 7 clear; anything else is not an answer.
fn valid(b: u8) -> bool {
    b & 0x93 == 0x12
}

/// Asks the printer; `Ok(None)` when it cannot or does not answer (print anyway).
pub fn query(link: &mut Link, drawer_open_high: bool) -> std::io::Result<Option<PrinterStatus>> {
    let mut bytes = [0u8; 3];
    for (slot, n) in bytes.iter_mut().zip([1u8, 2, 4]) {
        match link.query(&[0x10, 0x04, n])? {
            Some(b) if valid(b) => *slot = b,
            _ => return Ok(None),
        }
    }
    Ok(Some(PrinterStatus::decode(
        bytes[0],
        bytes[1],
        bytes[2],
        drawer_open_high,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bits() {
        // The drawer sensor reads "open" when high (the default): low here means closed.
        let ok = PrinterStatus::decode(0x12, 0x12, 0x12, true);
        assert!(ok.ready() && ok.words().is_empty());
        let paper_out = PrinterStatus::decode(0x1A, 0x32, 0x72, true);
        assert!(!paper_out.ready() && paper_out.paper_out && paper_out.offline);
        assert_eq!(paper_out.words(), vec![PrinterState::PaperOut]);
        let cover = PrinterStatus::decode(0x1A, 0x16, 0x12, true);
        assert_eq!(cover.words(), vec![PrinterState::CoverOpen]);
        let near = PrinterStatus::decode(0x12, 0x12, 0x1E, true);
        assert!(near.ready() && near.paper_near_end);
        let drawer = PrinterStatus::decode(0x16, 0x12, 0x12, true);
        assert!(drawer.drawer_open && drawer.ready());
        // Wired the other way round, the same low level means open.
        assert!(PrinterStatus::decode(0x12, 0x12, 0x12, false).drawer_open);
        assert!(!valid(0x00) && !valid(0xFF) && valid(0x12));
    }
}
