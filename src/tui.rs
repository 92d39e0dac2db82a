//! The terminal: raw mode and the alternate screen, restored on every exit (ratatui's panic
//! hook restores it on a panic too), and the event loop. It waits on the register's one event
//! queue (`app::events`), redraws only on input or a change of state, and otherwise sleeps
//! until the next minute of the header clock.

use crate::app::events::Event as AppEvent;
use crate::app::{App, system_clock};
use crate::config::Config;
use crate::ui::{self, theme::TermEnv, theme::Theme};
use ratatui::crossterm::event::{self, Event};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Opens the register over `dir` (first-run setup when there is no store yet).
pub fn run(dir: PathBuf, config: Config) -> anyhow::Result<()> {
    crate::log::init(&dir, &config.log.level, config.log.max_kib);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), dir = %dir.display(), "register starting");
    let theme = Theme::for_terminal(&config.theme, &TermEnv::from_env());
    let mut app = App::open(dir, config, system_clock())?;
    // SIGTERM (shutdown), SIGHUP (the SSH session dropped) and SIGINT/SIGQUIT stop the register
    // cleanly: the loop sees the flag within a second.
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
        signal_hook::flag::register(sig, stop.clone())?;
    }
    let mut terminal = ratatui::try_init()?;
    let result = event_loop(&mut terminal, &mut app, &theme, &stop);
    // However the loop ended, an open ticket is kept and offered back at the next login.
    if app.user.is_some() {
        app.park(true);
    }
    let restored = ratatui::try_restore();
    match &result {
        Ok(()) if stop.load(Ordering::SeqCst) => tracing::info!("register stopped by a signal"),
        Ok(()) => tracing::info!("register closed"),
        Err(e) => tracing::error!(error = %e, "register stopped on an error"),
    }
    if stop.load(Ordering::SeqCst) {
        // The terminal may be gone (a dropped session): nothing more to say to it.
        return Ok(());
    }
    result?;
    restored?;
    Ok(())
}

/// Reads the keyboard on its own thread, into the register's queue. On a terminal that went
/// away crossterm can spin reading end-of-file inside `read`; on this thread that never holds
/// up the register, which notices the terminal is gone (see `terminal_gone`) and exits, ending
/// the thread with it.
fn spawn_input(queue: std::sync::mpsc::Sender<AppEvent>) {
    std::thread::spawn(move || {
        loop {
            let ev = event::read();
            let failed = ev.is_err();
            if queue.send(AppEvent::Terminal(ev)).is_err() || failed {
                return;
            }
        }
    });
}

/// True when the controlling terminal is gone (a hung-up pty answers EIO).
fn terminal_gone() -> bool {
    rustix::termios::tcgetwinsize(std::io::stdin()).is_err()
}

/// How long to sleep waiting for an event: every worker wakes the loop through the queue, so
/// only a lone Esc (which acts when its second passes) and the header clock need a timeout.
fn wait(app: &App) -> Duration {
    if app.esc_pending.is_some() {
        return Duration::from_millis(50);
    }
    // At most a second, so a stop signal is seen promptly; nothing is redrawn unless it changed.
    Duration::from_secs(1)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    theme: &Theme,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let mut dirty = true;
    // Keys changed the screen: only the input line (`typed`), or more (`typed_more`).
    let (mut typed, mut typed_more) = (false, false);
    let mut painter = ui::Painter::default();
    spawn_input(app.queue());
    let mut shown_minute = String::new();
    // caja.toml is re-read when it changes (looked at about once a second).
    let config_path = app.dir.join(crate::config::CONFIG_FILE);
    let stamp = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let mut config_seen = stamp(&config_path);
    loop {
        // The workers start as soon as there is a store (after first-run setup too).
        app.start_workers();
        if dirty || typed {
            shown_minute = app.now().format("%H:%M").to_string();
            painter.paint(terminal, app, theme, !dirty && !typed_more)?;
            typed = false;
            typed_more = false;
            if std::mem::take(&mut app.beep) {
                let mut out = std::io::stdout();
                out.write_all(b"\x07")?;
                out.flush()?;
            }
            dirty = false;
        }
        if app.quit || stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let mut ev = app.next_event(wait(app));
        let mut burst = 0;
        // Asked once per burst of keys; a resize within it is seen at the next.
        let too_small = terminal
            .size()
            .is_ok_and(|s| s.width < crate::ui::MIN_WIDTH || s.height < crate::ui::MIN_HEIGHT);
        loop {
            match ev {
                // Behind the "needs 80x24" screen keys do nothing: the cashier cannot see what
                // they would do.
                Some(AppEvent::Terminal(Ok(Event::Key(_)))) if too_small => dirty = true,
                Some(AppEvent::Terminal(Ok(Event::Key(k)))) => {
                    if app.on_key(k) {
                        typed = true;
                        typed_more |= !app.input_only;
                    }
                }
                Some(AppEvent::Terminal(Ok(Event::Resize(..)))) => dirty = true,
                Some(AppEvent::Terminal(Ok(_))) => {}
                Some(AppEvent::Terminal(Err(e))) => return Err(e.into()),
                Some(other) => dirty |= app.handle(other),
                None => {
                    if app.now().format("%H:%M").to_string() != shown_minute {
                        // The minute changed: the header clock moves.
                        dirty = true;
                    }
                }
            }
            // Events already waiting (a scanner sends a whole barcode at once) are handled
            // before the next frame: a scan costs one frame, not fourteen.
            burst += 1;
            if burst >= 64 || app.quit {
                break;
            }
            match app.waiting_event() {
                Some(next) => ev = Some(next),
                None => break,
            }
        }
        if terminal_gone() {
            // The session dropped without a SIGHUP reaching us: stop as if it had.
            stop.store(true, Ordering::SeqCst);
            return Ok(());
        }
        dirty |= app.tick();
        let now_seen = stamp(&config_path);
        if now_seen != config_seen {
            config_seen = now_seen;
            app.config_changed(crate::config::Config::load(&app.dir));
            dirty = true;
        }
    }
}
