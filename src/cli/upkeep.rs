//! The store's upkeep: `caja backup`, `restore`, `check`, `rebuild` and `doctor`.

use super::*;

pub(super) fn restore(dir: &Path, file: &Path, yes: bool, any_store: bool) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let w = cli_words_for(dir);
    let (d, f) = (dir.display().to_string(), file.display().to_string());
    let interactive = !yes && std::io::stdin().is_terminal();
    if !yes {
        if !interactive {
            bail!("{}", fill(w.restore_confirm, &[("dir", &d)]));
        }
        if !ask(&fill(w.restore_ask, &[("dir", &d), ("file", &f)]), w)? {
            bail!("{}", w.not_restored);
        }
    }
    let r =
        caja::store::backup::restore(dir, file, chrono::Local::now().fixed_offset(), any_store)?;
    let how = if r.checksummed {
        w.checksum_ok
    } else {
        w.checksum_none
    };
    let text = fill(
        w.restored,
        &[
            ("file", &f),
            ("documents", &r.report.documents.to_string()),
            ("how", how),
        ],
    );
    println!("{text}");
    match &r.kept {
        Some(k) => println!("{}", fill(w.kept_as, &[("path", &k.display().to_string())])),
        None => println!("{}", fill(w.held_none, &[("dir", &d)])),
    }
    if let Some(cfg) = &r.config {
        let path = dir.join(caja::config::CONFIG_FILE);
        let existing = std::fs::read(&path).ok();
        let p = path.display().to_string();
        if existing.as_deref() == Some(cfg.as_slice()) {
        } else if existing.is_none()
            || (interactive && ask(&fill(w.config_ask, &[("path", &p)]), w)?)
        {
            caja::store::files::write_private(&path, cfg)?;
            println!("{}", fill(w.config_restored, &[("path", &p)]));
        } else {
            let beside = dir.join("caja.toml.from-backup");
            caja::store::files::write_private(&beside, cfg)?;
            let b = beside.display().to_string();
            println!("{}", fill(w.config_kept, &[("path", &p), ("beside", &b)]));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn rebuild(dir: &Path, backups: Option<PathBuf>) -> Result<ExitCode> {
    let w = cli_words_for(dir);
    // A damaged store may come with a damaged caja.toml: then there is no default.
    let backups = backups.or_else(|| {
        caja::config::Config::load(dir)
            .ok()
            .map(|c| c.backup.dir)
            .filter(|d| !d.trim().is_empty())
            .map(PathBuf::from)
    });
    let backups = backups.as_deref();
    let r = caja::store::rebuild::rebuild_dir(dir, chrono::Local::now().fixed_offset(), backups)?;
    let n = |x: u64| x.to_string();
    println!(
        "{}",
        fill(
            w.rebuilt,
            &[
                ("documents", &n(r.documents)),
                ("journal", &n(r.documents - r.from_store)),
                ("store", &n(r.from_store)),
            ],
        )
    );
    for c in &r.copied {
        let what = c.label(w.language);
        println!(
            "{}",
            fill(w.recovered, &[("what", &what), ("rows", &n(c.rows))])
        );
    }
    for l in &r.lost {
        let what = l.words(w.language);
        println!("{}", fill(w.not_recovered, &[("what", &what)]));
    }
    if let Some(p) = &r.from_backup {
        let path = p.display().to_string();
        println!("{}", fill(w.rebuilt_from_backup, &[("path", &path)]));
    }
    if let Some(p) = &r.damaged_kept_as {
        let path = p.display().to_string();
        println!("{}", fill(w.damaged_kept, &[("path", &path)]));
    }
    println!("{}", w.rebuilt_clean);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn check(dir: &Path) -> Result<ExitCode> {
    let w = cli_words_for(dir);
    let mut last = std::time::Instant::now();
    let mut progress = |n: u64| {
        if last.elapsed().as_millis() > 500 {
            eprintln!("{}", fill(w.check_progress, &[("count", &n.to_string())]));
            last = std::time::Instant::now();
        }
    };
    let report = match check_dir(dir, &mut progress) {
        // The register is selling: its journal holds every document, and is read without it.
        Err(caja::store::StoreError::InUse(_)) => {
            println!("{}", w.check_running);
            let r = caja::store::check::check_journal_only(dir, &mut progress)?;
            let line = fill(
                w.check_journal_line,
                &[
                    ("documents", &r.documents.to_string()),
                    ("numbers", &last_numbers(&r, w)),
                ],
            );
            println!("{line}");
            return finish_check(&r, w.check_scope_journal, w);
        }
        r => r?,
    };
    let line = fill(
        w.check_store_line,
        &[
            ("documents", &report.documents.to_string()),
            ("products", &report.products.to_string()),
            ("numbers", &last_numbers(&report, w)),
        ],
    );
    println!("{line}");
    let records = report.journal_records.to_string();
    let line = if report.journal_only > 0 {
        fill(
            w.check_journal_pending,
            &[
                ("records", &records),
                ("pending", &report.journal_only.to_string()),
            ],
        )
    } else {
        fill(w.check_journal_records, &[("records", &records)])
    };
    println!("{line}");
    finish_check(&report, w.check_scope_file, w)
}

pub(super) fn last_numbers(report: &caja::store::check::CheckReport, w: &CliWords) -> String {
    let numbers: Vec<String> = report
        .last_numbers
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| {
            let kind = caja::i18n::texts(w.language).doc_kinds[k.index()];
            format!("{kind} {n}")
        })
        .collect();
    if numbers.is_empty() {
        w.numbers_none.into()
    } else {
        numbers.join(", ")
    }
}

pub(super) fn finish_check(
    report: &caja::store::check::CheckReport,
    what: &str,
    w: &CliWords,
) -> Result<ExitCode> {
    for n in &report.notes {
        println!("{}", fill(w.check_note, &[("note", &n.words(w.language))]));
    }
    if report.ok() {
        println!("{}", fill(w.check_ok, &[("what", what)]));
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &report.problems {
            let problem = p.words(w.language);
            println!("{}", fill(w.check_problem, &[("problem", &problem)]));
        }
        let count = report.problems.len().to_string();
        println!("{}", fill(w.check_failed, &[("count", &count)]));
        Ok(ExitCode::FAILURE)
    }
}

/// `caja backup`: from this process, or through the register selling on this store, or
/// through the read-only handle of a disk the kernel made read-only.
pub(super) fn backup(dir: &Path, to: &Path, keep: usize) -> Result<ExitCode> {
    let w = cli_words_for(dir);
    let opened = Store::open(dir);
    let done = match opened {
        Ok(store) => store.backup_to(to, chrono::Local::now().fixed_offset(), keep)?,
        // The register is selling: it makes the backup itself.
        // A disk the kernel remounted read-only: the backup through the read-only
        // handle, which writes nothing in the data folder.
        Err(caja::store::StoreError::Disk(caja::store::DiskFault::ReadOnly)) => {
            caja::store::StoreReader::open(dir)?.backup_to(
                dir,
                to,
                chrono::Local::now().fixed_offset(),
                keep,
            )?
        }
        Err(caja::store::StoreError::InUse(_)) => {
            let to = std::path::absolute(to)?;
            let req = caja::store::share::Request::Backup { dir: to, keep };
            match caja::store::share::ask(dir, &req, &mut std::io::sink())? {
                Some(done) => done,
                None => anyhow::bail!("{}", w.backup_not_made),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let text = fill(
        w.backup_done,
        &[
            ("path", &done.path.display().to_string()),
            ("documents", &done.documents.to_string()),
            ("mib", &format!("{:.1}", done.bytes as f64 / 1048576.0)),
        ],
    );
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// `caja doctor`: every check a technician runs, printed; fails when one fails.
pub(super) fn doctor(dir: &Path) -> Result<ExitCode> {
    let findings = caja::doctor::run(dir);
    let ok = caja::doctor::print(&findings, &mut std::io::stdout().lock())?;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
