//! The terminal: raw mode and the alternate screen, restored on every exit (ratatui's panic
//! hook restores it on a panic too), and the event loop. It redraws only on input or a change
//! of state, and sleeps in `poll` until the next minute of the header clock otherwise.

use crate::app::{App, system_clock};
use crate::config::Config;
use crate::devices::printer::{self, PrinterEvent};
use crate::ui::{self, theme::TermEnv, theme::Theme};
use ratatui::crossterm::event::{self, Event};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
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

/// Reads the keyboard on its own thread. On a terminal that went away crossterm can spin
/// reading end-of-file inside `read`; on this thread that never holds up the register, which
/// notices the terminal is gone (see `terminal_gone`) and exits, ending the thread with it.
fn spawn_input() -> Receiver<std::io::Result<Event>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        loop {
            let ev = event::read();
            let failed = ev.is_err();
            if tx.send(ev).is_err() || failed {
                return;
            }
        }
    });
    rx
}

/// True when the controlling terminal is gone (a hung-up pty answers EIO).
fn terminal_gone() -> bool {
    rustix::termios::tcgetwinsize(std::io::stdin()).is_err()
}

/// Starts the customer display thread when `[display] device` names one.
fn start_display(app: &mut App) -> Option<Receiver<String>> {
    use crate::devices::display::{self, Protocol};
    use crate::devices::transport::Endpoint;
    if app.config.display.device.is_empty() {
        return None;
    }
    let ep = Endpoint::parse(&app.config.display.device, &app.dir).ok()?;
    let (tx, errors) = display::spawn(
        ep,
        Protocol::parse(&app.config.display.protocol).unwrap_or(Protocol::Cd5220),
    );
    app.display = Some(tx);
    Some(errors)
}

/// How long to sleep waiting for a key: until the header clock's next minute, or briefly while
/// receipts wait so the printer's news shows at once.
fn wait(app: &App) -> Duration {
    if app.esc_pending.is_some() {
        // A lone Esc acts when its second passes.
        return Duration::from_millis(50);
    }
    if app.printer_busy || app.background_busy() {
        return Duration::from_millis(100);
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
    let mut printer_events: Option<Receiver<PrinterEvent>> = None;
    let mut sync_events: Option<Receiver<crate::sync::worker::SyncEvent>> = None;
    let display_errors = start_display(app);
    let input = spawn_input();
    let mut shown_minute = String::new();
    let mut _sharing = None;
    let mut verified: Option<Receiver<Vec<crate::store::check::Problem>>> = None;
    // caja.toml is re-read when it changes (looked at about once a second).
    let config_path = app.dir.join(crate::config::CONFIG_FILE);
    let stamp = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let mut config_seen = stamp(&config_path);
    loop {
        // The printer worker starts as soon as there is a store (after first-run setup too).
        if printer_events.is_none()
            && let Some(store) = &app.store
        {
            let (tx, rx) = printer::spawn(store.clone(), app.config.printer_setup(&app.dir));
            app.printer = Some(tx);
            app.printer_busy = true;
            printer_events = Some(rx);
            // Other processes (`caja catalog export`, `caja backup`) ask the register for what
            // only the store holds; it ends when the loop does.
            _sharing = crate::store::share::serve(store.clone(), &app.dir, app.config.language)
                .map_err(|e| tracing::warn!("read requests will not be answered: {e}"))
                .ok();
            // The register checks its store against the journal while it sells, at the lowest
            // priority: damage found stops documents and is offered for rebuild at the next
            // start.
            let (tx, rx) = std::sync::mpsc::channel();
            let s = store.clone();
            let _ = std::thread::Builder::new()
                .name("verify".into())
                .spawn(move || {
                    let _ =
                        rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19);
                    let found = s.verify_live().unwrap_or_else(|e| {
                        vec![crate::store::check::Problem::Unreadable(e.to_string())]
                    });
                    let _ = tx.send(found);
                });
            verified = Some(rx);
            if let Some((tx, rx)) =
                crate::sync::worker::start(store.clone(), app.config.sync.clone())
            {
                app.sync = Some(tx);
                sync_events = Some(rx);
            }
        }
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
        let mut ev = input.recv_timeout(wait(app));
        let mut burst = 0;
        // Asked once per burst of keys; a resize within it is seen at the next.
        let too_small = terminal
            .size()
            .is_ok_and(|s| s.width < crate::ui::MIN_WIDTH || s.height < crate::ui::MIN_HEIGHT);
        loop {
            match ev {
                // Behind the "needs 80x24" screen keys do nothing: the cashier cannot see what
                // they would do.
                Ok(Ok(Event::Key(_))) if too_small => dirty = true,
                Ok(Ok(Event::Key(k))) => {
                    if app.on_key(k) {
                        typed = true;
                        typed_more |= !app.input_only;
                    }
                }
                Ok(Ok(Event::Resize(..))) => dirty = true,
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(e.into()),
                Err(RecvTimeoutError::Disconnected) => {
                    anyhow::bail!("the terminal's input closed")
                }
                Err(RecvTimeoutError::Timeout) => {
                    if app.now().format("%H:%M").to_string() != shown_minute {
                        // The minute changed: the header clock moves.
                        dirty = true;
                    }
                }
            }
            // Keys already waiting (a scanner sends a whole barcode at once) are handled
            // before the next frame: a scan costs one frame, not fourteen.
            burst += 1;
            if burst >= 64 || app.quit {
                break;
            }
            match input.try_recv() {
                Ok(next) => ev = Ok(next),
                Err(_) => break,
            }
        }
        if terminal_gone() {
            // The session dropped without a SIGHUP reaching us: stop as if it had.
            stop.store(true, Ordering::SeqCst);
            return Ok(());
        }
        dirty |= app.poll_background();
        dirty |= app.tick();
        let now_seen = stamp(&config_path);
        if now_seen != config_seen {
            config_seen = now_seen;
            app.config_changed(crate::config::Config::load(&app.dir));
            dirty = true;
        }
        if let Some(rx) = &display_errors
            && let Ok(e) = rx.try_recv()
        {
            let text = crate::i18n::fill(app.texts.display_failed, &[("why", &e.to_string())]);
            app.notice(crate::app::Level::Warn, text);
            dirty = true;
        }
        if let Some(rx) = &printer_events {
            while let Ok(ev) = rx.try_recv() {
                app.on_printer(ev);
                dirty = true;
            }
        }
        if let Some(rx) = &verified
            && let Ok(found) = rx.try_recv()
        {
            app.on_verified(found);
            dirty = true;
        }
        if let Some(rx) = &sync_events {
            while let Ok(ev) = rx.try_recv() {
                app.on_sync(ev);
                dirty = true;
            }
        }
    }
}
