//! The sync worker: a thread of its own that pushes and pulls on a schedule and on request, and
//! tells the register what happened. A sale never waits for it.

use super::client::{
    Client, PullMode, PullReport, PushReport, TakeOver, claim, pull, push, report_status,
    resend_date, take_over,
};
use crate::sink::Sink;
use crate::store::Store;
use chrono::{DateTime, Local, NaiveTime, TimeDelta};
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// What the register asks of the worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncCmd {
    /// Push the outbox now.
    Push,
    /// Pull the catalog now.
    Pull(PullMode),
    /// Push one business date's documents again.
    Resend(chrono::NaiveDate),
    /// Take this register's code over (a supervisor authorized it), then push.
    TakeOver,
}

/// How far the worker is, for the register to say in its language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Documents pushed of those queued.
    Pushing { done: u64, total: u64 },
    /// Catalog documents fetched so far.
    Pulling(u64),
    /// Taking a register code over: reading the server's numbers of this kind.
    Reading(crate::domain::numbering::DocKind),
}

/// A failed push or pull, as the worker hands it to the register's thread: typed, so that
/// the register words it in its own language ([`SyncError::words`]).
#[derive(Clone, Debug)]
pub struct SyncFailure(pub Arc<super::client::SyncError>);

impl From<super::client::SyncError> for SyncFailure {
    fn from(e: super::client::SyncError) -> Self {
        SyncFailure(Arc::new(e))
    }
}

impl PartialEq for SyncFailure {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for SyncFailure {}

impl std::fmt::Display for SyncFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What the worker tells the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncEvent {
    /// Working: what, how far.
    Progress(Progress),
    Pushed(PushReport),
    Pulled(PullMode, PullReport),
    Resent(chrono::NaiveDate, PushReport),
    TookOver(TakeOver),
    /// A push or pull failed; the server is taken as offline until the next success.
    Failed(SyncFailure),
    /// The server's clock minus ours, in seconds.
    Drift(i64),
}

/// The next daily run at `at` (HH:MM) after `now`.
pub fn next_daily(now: DateTime<Local>, at: &str) -> Option<DateTime<Local>> {
    let t = NaiveTime::parse_from_str(at.trim(), "%H:%M").ok()?;
    let today = now
        .date_naive()
        .and_time(t)
        .and_local_timezone(Local)
        .earliest()?;
    Some(if today > now {
        today
    } else {
        today + TimeDelta::days(1)
    })
}

/// Keeps what the server's clock said, for the next business date's check (a failure to write
/// this hint is logged and changes nothing else).
pub fn remember_server_clock(store: &Store, c: &Client) {
    if let Some((server, local)) = c.server_clock
        && let Err(e) = store.note_server_clock(server, local)
    {
        tracing::warn!(error = %e, "the server's clock was not noted");
    }
}

fn run_push(store: &Store, c: &mut Client, events: &Sink<SyncEvent>) -> bool {
    let r = claim(store, c).and_then(|()| {
        push(store, c, |done, total| {
            let _ = events.send(SyncEvent::Progress(Progress::Pushing { done, total }));
        })
    });
    if let Some(d) = c.drift_s {
        let _ = events.send(SyncEvent::Drift(d));
    }
    remember_server_clock(store, c);
    match r {
        Ok(report) => {
            let _ = report_status(store, c, Some(&report));
            let _ = events.send(SyncEvent::Pushed(report));
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, "sync push failed");
            let _ = events.send(SyncEvent::Failed(SyncFailure::from(e)));
            false
        }
    }
}

fn run_pull(store: &Store, c: &mut Client, mode: PullMode, events: &Sink<SyncEvent>) {
    let r = pull(store, c, mode, |n| {
        let _ = events.send(SyncEvent::Progress(Progress::Pulling(n)));
    });
    match r {
        Ok(report) => {
            tracing::info!(mode = mode.code(), total = report.total, "catalog pulled");
            let _ = report_status(store, c, None);
            let _ = events.send(SyncEvent::Pulled(mode, report));
        }
        Err(e) => {
            tracing::warn!(error = %e, "catalog pull failed");
            let _ = events.send(SyncEvent::Failed(SyncFailure::from(e)));
        }
    }
}

/// Starts the worker, reporting to `events`; it stops when the command sender is dropped.
/// None when sync is off.
pub fn start(
    store: Arc<Store>,
    cfg: super::Settings,
    events: Sink<SyncEvent>,
) -> Option<Sender<SyncCmd>> {
    let mut client = Client::new(&cfg).ok()?.retries(2);
    let (cmd_tx, cmd_rx) = channel::<SyncCmd>();
    let ev_tx = events;
    let interval = Duration::from_secs(u64::from(cfg.interval_minutes.max(1)) * 60);
    std::thread::spawn(move || {
        // The first sync a few seconds after start, once the cashier's screen is up.
        let mut next_interval = std::time::Instant::now() + Duration::from_secs(5);
        let mut daily = next_daily(Local::now(), &cfg.daily_at);
        loop {
            let now = std::time::Instant::now();
            let until_daily = daily
                .map(|d| (d - Local::now()).to_std().unwrap_or_default())
                .unwrap_or(interval);
            let wait = next_interval
                .saturating_duration_since(now)
                .min(until_daily);
            match cmd_rx.recv_timeout(wait) {
                Ok(SyncCmd::Push) => {
                    run_push(&store, &mut client, &ev_tx);
                }
                Ok(SyncCmd::Pull(mode)) => run_pull(&store, &mut client, mode, &ev_tx),
                Ok(SyncCmd::Resend(date)) => {
                    let r = claim(&store, &mut client)
                        .and_then(|()| resend_date(&store, &mut client, date));
                    let _ = ev_tx.send(match r {
                        Ok(report) => SyncEvent::Resent(date, report),
                        Err(e) => SyncEvent::Failed(SyncFailure::from(e)),
                    });
                }
                Ok(SyncCmd::TakeOver) => {
                    let r = take_over(&store, &mut client, |kind| {
                        let _ = ev_tx.send(SyncEvent::Progress(Progress::Reading(kind)));
                    });
                    match r {
                        Ok(t) => {
                            let _ = ev_tx.send(SyncEvent::TookOver(t));
                            run_push(&store, &mut client, &ev_tx);
                        }
                        Err(e) => {
                            let _ = ev_tx.send(SyncEvent::Failed(SyncFailure::from(e)));
                        }
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    let due_daily = daily.is_some_and(|d| d <= Local::now());
                    if due_daily || std::time::Instant::now() >= next_interval {
                        // Push first, then a partial pull.
                        if run_push(&store, &mut client, &ev_tx) {
                            run_pull(&store, &mut client, PullMode::Partial, &ev_tx);
                        }
                        next_interval = std::time::Instant::now() + interval;
                        if due_daily {
                            daily = next_daily(Local::now(), &cfg.daily_at);
                        }
                    }
                }
            }
        }
    });
    Some(cmd_tx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_daily_run_is_today_or_tomorrow() {
        let now = Local.with_ymd_and_hms(2026, 11, 22, 21, 0, 0).unwrap();
        assert_eq!(
            next_daily(now, "22:00").unwrap(),
            Local.with_ymd_and_hms(2026, 11, 22, 22, 0, 0).unwrap()
        );
        assert_eq!(
            next_daily(now, "06:30").unwrap(),
            Local.with_ymd_and_hms(2026, 11, 23, 6, 30, 0).unwrap()
        );
        assert!(next_daily(now, "25:00").is_none());
    }
}
