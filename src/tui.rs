//! The terminal: raw mode and the alternate screen, restored on every exit (ratatui's panic
//! hook restores it on a panic too), and the event loop. It redraws only on input or a change
//! of state, and sleeps in `poll` until the next minute of the header clock otherwise.

use crate::app::{App, system_clock};
use crate::config::Config;
use crate::printer::{self, Device, PrintOutcome};
use crate::store::{Store, StoreError};
use crate::ui::{self, theme::TermEnv, theme::Theme};
use ratatui::crossterm::event::{self, Event};
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::Duration;

/// Opens the register over `dir` (first-run setup when there is no store yet).
pub fn run(dir: PathBuf, config: Config) -> anyhow::Result<()> {
    let store = match Store::open(&dir) {
        Ok(s) => Some(s),
        Err(StoreError::NotInitialized(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let theme = Theme::for_terminal(&config.theme, &TermEnv::from_env());
    let (jobs, outcomes) = printer::spawn(Device::parse(&config.printer.device, &dir));
    let mut app = App::new(dir, store, config, system_clock());
    app.printer = Some(jobs);
    let mut terminal = ratatui::try_init()?;
    let result = event_loop(&mut terminal, &mut app, &theme, &outcomes);
    let restored = ratatui::try_restore();
    result?;
    restored?;
    Ok(())
}

/// How long to sleep waiting for a key: until the header clock's next minute, or briefly while
/// a receipt is printing so its outcome shows at once.
fn wait(app: &App) -> Duration {
    if app.prints_in_flight > 0 {
        return Duration::from_millis(100);
    }
    let secs = u64::from(60 - chrono::Timelike::second(&app.now()).min(59));
    Duration::from_secs(secs.max(1))
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    theme: &Theme,
    outcomes: &Receiver<PrintOutcome>,
) -> anyhow::Result<()> {
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| ui::draw(f, app, theme))?;
            if std::mem::take(&mut app.beep) {
                let mut out = std::io::stdout();
                out.write_all(b"\x07")?;
                out.flush()?;
            }
            dirty = false;
        }
        if app.quit {
            return Ok(());
        }
        if event::poll(wait(app))? {
            match event::read()? {
                Event::Key(k) => dirty |= app.on_key(k),
                Event::Resize(..) => dirty = true,
                _ => {}
            }
        } else {
            // The minute changed: the header clock moves.
            dirty = true;
        }
        while let Ok(o) = outcomes.try_recv() {
            app.on_printed(o);
            dirty = true;
        }
    }
}
