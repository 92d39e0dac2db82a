//! `caja sync`: take-over, claim, resend, push, pull and status, as the panel does them.

use super::*;

pub(super) fn sync_cmd(
    dir: &Path,
    push: bool,
    pull: Option<String>,
    resend: Option<NaiveDate>,
    take_over: bool,
) -> Result<ExitCode> {
    let w = cli_words_for(dir);
    let mode = match pull.as_deref() {
        Some(m) => Some(
            caja::sync::client::PullMode::parse(m)
                .ok_or_else(|| anyhow::anyhow!("{}", fill(w.bad_pull, &[("mode", m)])))?,
        ),
        None => None,
    };
    let config = caja::config::Config::load(dir)?;
    let store = Store::open(dir)?;
    let mut client = caja::sync::client::Client::new(&config.sync)?;
    if take_over {
        let t = caja::sync::client::take_over(&store, &mut client, |kind| {
            let kind = caja::i18n::texts(w.language).doc_kinds[kind.index()];
            eprintln!("{}", fill(w.reading_numbers, &[("kind", kind)]))
        })?;
        let register = store.register().as_str();
        if t.previous == store.info().store_id {
            eprintln!("{}", fill(w.already_holds, &[("register", register)]));
        } else {
            let previous = if t.previous.is_empty() {
                w.previous_none
            } else {
                &t.previous
            };
            let text = fill(
                w.took_over,
                &[
                    ("register", register),
                    ("previous", previous),
                    ("scanned", &t.scanned.to_string()),
                ],
            );
            eprintln!("{text}");
            for (kind, n) in &t.floors {
                let number = caja::domain::numbering::format_number(store.register(), *kind, *n);
                let text = fill(
                    w.continues_after,
                    &[
                        (
                            "kind",
                            caja::i18n::texts(w.language).doc_kinds[kind.index()],
                        ),
                        ("number", &number),
                    ],
                );
                eprintln!("{text}");
            }
        }
    }
    caja::sync::client::claim(&store, &mut client)?;
    if let Some(date) = resend {
        let r = caja::sync::client::resend_date(&store, &mut client, date)?;
        let text = fill(
            w.resent,
            &[
                ("date", &date.to_string()),
                ("sent", &r.sent.to_string()),
                ("already", &r.already.to_string()),
            ],
        );
        eprintln!("{text}");
        return Ok(if r.rejected.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let pushing = mode.is_none() || push;
    let report = if pushing {
        caja::sync::client::push(&store, &mut client, |done, total| {
            let (done, total) = (done.to_string(), total.to_string());
            eprintln!(
                "{}",
                fill(w.push_progress, &[("done", &done), ("total", &total)])
            );
        })?
    } else {
        Default::default()
    };
    // The default is push, then a partial pull.
    let pull_mode = match (mode, push) {
        (Some(m), _) => Some(m),
        (None, false) => Some(caja::sync::client::PullMode::Partial),
        (None, true) => None,
    };
    if let Some(m) = pull_mode {
        let r = caja::sync::client::pull(&store, &mut client, m, |n| {
            eprintln!("{}", fill(w.pull_progress, &[("count", &n.to_string())]));
        })?;
        let text = fill(
            w.pulled,
            &[
                (
                    "mode",
                    caja::i18n::pull_mode_word(caja::i18n::texts(w.language), m.code()),
                ),
                ("upserted", &r.upserted.to_string()),
                ("removed", &r.removed.to_string()),
                ("total", &r.total.to_string()),
            ],
        );
        eprintln!("{text}");
        for why in &r.refused {
            eprintln!(
                "{}",
                fill(w.pull_refused, &[("why", &why.words(w.language))])
            );
        }
    }
    caja::sync::client::report_status(&store, &mut client, Some(&report))?;
    // A pull alone says nothing of a push it did not try.
    if pushing {
        let text = fill(
            w.pushed,
            &[
                ("sent", &report.sent.to_string()),
                ("already", &report.already.to_string()),
                ("batches", &report.batches.to_string()),
            ],
        );
        eprintln!("{text}");
    }
    for (id, why) in &report.rejected {
        eprintln!("{}", fill(w.server_refused, &[("id", id), ("why", why)]));
    }
    caja::sync::worker::remember_server_clock(&store, &client);
    if let Some(d) = client.drift_s
        && d.abs() > 120
    {
        eprintln!("{}", fill(w.drift, &[("seconds", &d.to_string())]));
    }
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
