//! The `caja` command: the register and the tools technicians and scripts use.

mod cli;

use caja::config::Language;
use caja::i18n::{cli_words, fill};
use clap::Parser;
use cli::{Cli, cli_words_for, default_data_dir, error_words, run};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.data_dir.clone().or_else(|| default_data_dir().ok());
    let w = dir
        .as_deref()
        .map_or_else(|| cli_words(Language::from_env()), cli_words_for);
    // A panic is a bug or a store damaged outside caja: one clear line, never a backtrace.
    std::panic::set_hook(Box::new(move |info| {
        // A damaged page the store caught and words itself.
        if caja::store::panic_is_quiet() {
            return;
        }
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        // redb gives up on a page it cannot make sense of: that is a damaged file, not a bug.
        let damaged = info
            .location()
            .is_some_and(|l| l.file().contains("/redb-") || l.file().contains("redb/src"));
        let text = if damaged {
            w.panic_damaged.to_string()
        } else {
            fill(w.panic_internal, &[("message", &msg), ("at", &at)])
        };
        let _ = writeln!(std::io::stderr(), "caja: {text}");
    }));
    // A panic has been reported by the hook in one line; it ends the command with status 2.
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            let _ = writeln!(std::io::stderr(), "caja: {}", error_words(&e, w));
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::from(2),
    }
}
