//! The register half of `caja bench`, run in a process of its own so that its memory is the
//! register's alone: start to first frame, scan-to-line latency, terminal bytes per keystroke
//! (through the real crossterm backend into a counter), and resident memory while selling.

use crate::app::{App, system_clock};
use crate::config::Config;
use crate::dev::bench::{Rng, stats};
use crate::store::Store;
use crate::ui::{self, theme::TermEnv, theme::Theme};
use anyhow::Result;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Counts what would go to the terminal.
#[derive(Default, Clone)]
struct Counter(Arc<AtomicU64>);

impl Write for Counter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(b.len() as u64, Ordering::Relaxed);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs the probe over the store in `dir` (user `bench`, PIN 1234) and prints `key value` lines.
/// `tickets` of `per_ticket` barcodes each. `scanner`: the digits of a barcode arrive together and the frame is drawn once after them,
/// as the terminal loop does with keys already waiting.
pub fn probe(
    dir: &Path,
    items: u64,
    tickets: u64,
    per_ticket: u64,
    scanner: bool,
    out: &mut impl Write,
) -> Result<()> {
    let started = Instant::now();
    let config = Config::load(dir)?;
    let store = Store::open(dir)?;
    let theme = Theme::for_terminal(&config.theme, &TermEnv::from_env());
    let mut app = App::new(dir.to_path_buf(), Some(store), config, system_clock());
    let opts = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
    };
    let counter = Counter::default();
    let mut term = Terminal::with_options(CrosstermBackend::new(counter.clone()), opts)?;
    let mut painter = ui::Painter::default();
    painter.paint(&mut term, &app, &theme, false)?;
    writeln!(out, "first_frame_us {}", started.elapsed().as_micros())?;
    out.flush()?;

    // Each key is painted as the terminal loop paints it.
    let mut press = |app: &mut App,
                     term: &mut Terminal<CrosstermBackend<Counter>>,
                     code: KeyCode|
     -> Result<()> {
        app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
        painter.paint(term, app, &theme, app.input_only)?;
        Ok(())
    };
    for c in "bench".chars() {
        press(&mut app, &mut term, KeyCode::Char(c))?;
    }
    press(&mut app, &mut term, KeyCode::Enter)?;
    for c in "1234".chars() {
        press(&mut app, &mut term, KeyCode::Char(c))?;
    }
    press(&mut app, &mut term, KeyCode::Enter)?;
    anyhow::ensure!(app.user.is_some(), "the bench user could not log in");
    // The shift opens with a float of zero; the store's first date asks the supervisor (the
    // bench user) to confirm it.
    press(&mut app, &mut term, KeyCode::Char('0'))?;
    press(&mut app, &mut term, KeyCode::Enter)?;
    if matches!(app.popup, Some(crate::app::Popup::Pin(_))) {
        for c in "bench\n1234\n".chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            press(&mut app, &mut term, code)?;
        }
    }
    anyhow::ensure!(
        matches!(app.screen, crate::app::Screen::Sale),
        "the bench shift did not open: {:?}",
        app.message
    );

    // Selling: scan codes key by key, pay every few lines; count bytes and time each scan.
    let mut rng = Rng::new(9);
    let before = counter.0.load(Ordering::Relaxed);
    let mut keys = 0u64;
    let (mut typed, mut typed_bytes) = (0u64, 0u64);
    let mut scans = Vec::new();
    for i in 0..tickets * per_ticket {
        let code = format!("77{:011}", rng.below(items));
        for c in code.chars() {
            if scanner {
                app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            } else {
                let at = counter.0.load(Ordering::Relaxed);
                press(&mut app, &mut term, KeyCode::Char(c))?;
                typed_bytes += counter.0.load(Ordering::Relaxed) - at;
                typed += 1;
            }
            keys += 1;
        }
        let t = Instant::now();
        press(&mut app, &mut term, KeyCode::Enter)?;
        scans.push(t.elapsed());
        keys += 1;
        if i % per_ticket == per_ticket - 1 {
            press(
                &mut app,
                &mut term,
                crate::app::keys::code(crate::keymap::Key::Pay),
            )?;
            press(&mut app, &mut term, KeyCode::Enter)?;
            keys += 2;
        }
    }
    let bytes = counter.0.load(Ordering::Relaxed) - before;
    let s = stats(scans);
    writeln!(out, "scan_to_line_median_us {}", s.median.as_micros())?;
    writeln!(out, "scan_to_line_p99_us {}", s.p99.as_micros())?;
    writeln!(out, "bytes_per_key {:.1}", bytes as f64 / keys as f64)?;
    if typed > 0 {
        writeln!(
            out,
            "bytes_per_typed_key {:.1}",
            typed_bytes as f64 / typed as f64
        )?;
    }
    writeln!(out, "keys {keys}")?;
    writeln!(
        out,
        "tickets_sold {}",
        app.last_sale
            .as_ref()
            .map_or(String::new(), |l| l.number.clone())
    )?;
    if let Some(kib) = rss_kib() {
        writeln!(out, "rss_kib {kib}")?;
    }
    Ok(())
}
