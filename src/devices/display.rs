//! The customer pole display: two lines of 20 characters over a serial port, CD5220 commands
//! by default or Epson DM-D. Its thread always writes the newest message, so a slow display
//! never lags behind the till.

use super::codepage::CodePage;
use super::transport::{Endpoint, Link};
use crate::sink::Sink;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

pub const WIDTH: usize = 20;

/// Read from `caja.toml` by name (`cd5220`, `epson`); an unknown name is refused by name when
/// the file is read (`config::check_choices`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum Protocol {
    Cd5220,
    EpsonDmD,
}

impl TryFrom<String> for Protocol {
    type Error = String;
    fn try_from(s: String) -> Result<Protocol, String> {
        Protocol::parse(&s).ok_or_else(|| format!("unknown display protocol {s}"))
    }
}

impl Protocol {
    /// The names `caja.toml` may give.
    pub const NAMES: &'static [&'static str] = &["cd5220", "epson"];

    pub fn parse(s: &str) -> Option<Protocol> {
        match s.to_ascii_lowercase().as_str() {
            "cd5220" => Some(Protocol::Cd5220),
            "epson" | "dm-d" | "epson-dmd" => Some(Protocol::EpsonDmD),
            _ => None,
        }
    }
}

/// A line cut or padded to the display's width, in its character set.
fn line(text: &str) -> Vec<u8> {
    let t: String = text.chars().take(WIDTH).collect();
    let mut b = CodePage::Pc858.encode(&format!("{t:<WIDTH$}"));
    b.truncate(WIDTH);
    b
}

/// The bytes that show `top` and `bottom`.
pub fn frame(p: Protocol, top: &str, bottom: &str) -> Vec<u8> {
    let mut out = Vec::new();
    match p {
        Protocol::Cd5220 => {
            // Clear, then ESC Q A (upper line) and ESC Q B (lower line), each ended by CR.
            out.push(0x0C);
            out.extend_from_slice(&[0x1B, b'Q', b'A']);
            out.extend(line(top));
            out.push(0x0D);
            out.extend_from_slice(&[0x1B, b'Q', b'B']);
            out.extend(line(bottom));
            out.push(0x0D);
        }
        Protocol::EpsonDmD => {
            // Clear, then US $ x y to place the cursor at the start of each line.
            out.push(0x0C);
            out.extend_from_slice(&[0x1F, b'$', 1, 1]);
            out.extend(line(top));
            out.extend_from_slice(&[0x1F, b'$', 1, 2]);
            out.extend(line(bottom));
        }
    }
    out
}

/// Two lines for the customer, right-aligning the amount after a label.
pub fn two_cols(label: &str, amount: &str) -> String {
    let a = amount.chars().count();
    let l: String = label.chars().take(WIDTH.saturating_sub(a + 1)).collect();
    format!(
        "{l}{}{amount}",
        " ".repeat(WIDTH.saturating_sub(l.chars().count() + a))
    )
}

/// Starts the display thread; messages are (top, bottom). Failures go to `errors`, once per
/// new kind of failure.
pub fn spawn(
    endpoint: Endpoint,
    protocol: Protocol,
    errors: Sink<String>,
) -> Sender<(String, String)> {
    let (tx, rx) = channel::<(String, String)>();
    let err_tx = errors;
    std::thread::spawn(move || {
        let mut link: Option<Link> = None;
        let mut last_error: Option<String> = None;
        while let Ok(mut msg) = rx.recv() {
            // Only the newest message matters.
            while let Ok(newer) = rx.try_recv() {
                msg = newer;
            }
            if link.is_none() {
                link = Link::open(&endpoint, Duration::from_millis(500))
                    .map_err(|e| e.to_string())
                    .map_err(|e| {
                        if last_error.as_ref() != Some(&e) {
                            err_tx.send(e.clone());
                            last_error = Some(e);
                        }
                    })
                    .ok();
            }
            if let Some(l) = &mut link {
                if let Err(e) = l.send(&frame(protocol, &msg.0, &msg.1)) {
                    let e = e.to_string();
                    if last_error.as_ref() != Some(&e) {
                        err_tx.send(e.clone());
                        last_error = Some(e);
                    }
                    link = None;
                } else {
                    last_error = None;
                }
            }
        }
    });
    tx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cd5220_frame() {
        let b = frame(Protocol::Cd5220, "Café 250 g", "TOTAL 18.500");
        let mut want = vec![0x0C, 0x1B, b'Q', b'A', b'C', b'a', b'f', 0x82];
        want.extend_from_slice(b" 250 g          \r\x1bQBTOTAL 18.500        \r");
        assert_eq!(b, want);
    }

    #[test]
    fn epson_dmd_frame_and_long_lines() {
        let b = frame(Protocol::EpsonDmD, "123456789012345678901234", "");
        assert_eq!(&b[..5], &[0x0C, 0x1F, b'$', 1, 1]);
        assert_eq!(&b[5..25], b"12345678901234567890");
        assert_eq!(&b[25..29], &[0x1F, b'$', 1, 2]);
        assert_eq!(b.len(), 49);
    }

    #[test]
    fn amounts_sit_on_the_right() {
        assert_eq!(two_cols("TOTAL", "$ 18.500"), "TOTAL       $ 18.500");
        assert_eq!(
            two_cols("Café molido 250 g gourmet", "9.800")
                .chars()
                .count(),
            20
        );
    }
}
