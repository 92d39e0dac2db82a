//! `caja doctor`: the technician's report, one line per check, OK / WARN / FAIL with a plain
//! explanation. Every probe of a device or the network has a short timeout and they run side by
//! side, so the whole report takes seconds even when nothing answers.

use crate::config::{Config, Language};
use crate::devices::status;
use crate::devices::transport::{Endpoint, Link};
use crate::i18n::{Check, DoctorWords, doctor_words, fill};
use crate::store::{STORE_FILE, Store, StoreError, check::check_dir};
use std::path::Path;
use std::time::Duration;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    pub what: Check,
    pub detail: String,
}

fn f(level: Level, what: Check, detail: impl Into<String>) -> Finding {
    Finding {
        level,
        what,
        detail: detail.into(),
    }
}

/// How long any one probe may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(2000);

/// Runs every check on the data directory `dir`.
pub fn run(dir: &Path) -> Vec<Finding> {
    let loaded = Config::load(dir);
    // In the register's language; with no readable settings, the environment's.
    let w = doctor_words(
        loaded
            .as_ref()
            .map_or_else(|_| Language::from_env(), |c| c.language),
    );
    let mut out = vec![f(
        Level::Ok,
        Check::Caja,
        fill(w.version, &[("version", crate::version::VERSION)]),
    )];
    let config = match loaded {
        Ok(c) => {
            let path = dir.join(crate::config::CONFIG_FILE).display().to_string();
            out.push(f(
                Level::Ok,
                Check::Config,
                fill(w.config_ok, &[("path", &path)]),
            ));
            c
        }
        Err(e) => {
            out.push(f(
                Level::Fail,
                Check::Config,
                fill(w.config_bad, &[("why", &e.words(w.language))]),
            ));
            Config::defaults()
        }
    };
    let devices = {
        let (c, d) = (config.clone(), dir.to_path_buf());
        std::thread::spawn(move || device_checks(&c, &d))
    };
    out.extend(store_checks(dir, w));
    match devices.join() {
        Ok(v) => out.extend(v),
        Err(_) => out.push(f(Level::Fail, Check::Doctor, w.probe_failed)),
    }
    out
}

/// Disk, serial ports, printer, display and sync, the probes side by side.
pub fn device_checks(config: &Config, dir: &Path) -> Vec<Finding> {
    let w = doctor_words(config.language);
    let printer = {
        let (c, d) = (config.clone(), dir.to_path_buf());
        std::thread::spawn(move || printer(&c, &d))
    };
    let display = {
        let (c, d) = (config.clone(), dir.to_path_buf());
        std::thread::spawn(move || display(&c, &d))
    };
    let sync_probe = {
        let c = config.clone();
        std::thread::spawn(move || sync(&c))
    };
    let mut out = vec![disk(dir, w), serial_ports(Path::new("/sys/class/tty"), w)];
    for h in [printer, display, sync_probe] {
        match h.join() {
            Ok(v) => out.extend(v),
            Err(_) => out.push(f(Level::Fail, Check::Doctor, w.probe_failed)),
        }
    }
    out
}

/// The store lines, through a store the caller already has open (the running register).
pub fn open_store_checks(store: &Store, sync_configured: bool, lang: Language) -> Vec<Finding> {
    let w = doctor_words(lang);
    let mut out = Vec::new();
    out.extend(queue_checks(store, sync_configured, w));
    out.push(integrity(store.verify(), w.scope_live, w));
    out.push(match store.journal_failure_in(lang) {
        None => f(Level::Ok, Check::Journal, w.journal_ok),
        Some(why) => f(
            Level::Fail,
            Check::Journal,
            fill(w.journal_failing, &[("why", &why)]),
        ),
    });
    out
}

/// The sync test on its own (the diagnostics screen's action).
pub fn sync_check(config: &Config) -> Vec<Finding> {
    sync(config)
}

fn store_checks(dir: &Path, w: &DoctorWords) -> Vec<Finding> {
    let mut out = Vec::new();
    let path = dir.join(STORE_FILE);
    if !path.exists() {
        return vec![f(
            Level::Fail,
            Check::Store,
            fill(w.no_store, &[("dir", &dir.display().to_string())]),
        )];
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let store = match Store::open_copy(dir) {
        Ok(s) => s,
        Err(StoreError::InUse(_)) => {
            // The register is selling: its electronic journal holds every document and is
            // read without it.
            return vec![
                f(
                    Level::Ok,
                    Check::Store,
                    fill(
                        w.store_in_use,
                        &[("mib", &format!("{:.1}", size as f64 / 1048576.0))],
                    ),
                ),
                integrity(
                    crate::store::check::check_journal_only(dir, |_| {}),
                    w.scope_journal,
                    w,
                ),
            ];
        }
        Err(e) => return vec![f(Level::Fail, Check::Store, e.words(w.language, None))],
    };
    let info = store.info();
    out.push(f(
        Level::Ok,
        Check::Store,
        fill(
            w.store_line,
            &[
                ("name", &info.name),
                ("register", &info.register.to_string()),
                ("currency", &info.currency.code),
                ("schema", &crate::store::tables::SCHEMA_VERSION.to_string()),
                ("size", &format!("{:.1}", size as f64 / 1048576.0)),
            ],
        ),
    ));
    out.extend(queue_checks(&store, config_has_sync(dir), w));
    store.discard_copy();
    out.push(integrity(check_dir(dir, |_| {}), w.scope_file, w));
    out
}

fn queue_checks(store: &Store, sync_configured: bool, w: &DoctorWords) -> Vec<Finding> {
    let mut out = Vec::new();
    // The count and the oldest waiting document, from one read of the store.
    match store.view().and_then(|v| Ok((v.outbox_len()?, v))) {
        Ok((0, _)) => out.push(f(Level::Ok, Check::Outbox, w.outbox_empty)),
        Ok((n, v)) => {
            let cursor = v.push_cursor().unwrap_or(0);
            let oldest = v
                .doc(cursor + 1)
                .ok()
                .flatten()
                .map(|d| {
                    fill(
                        w.outbox_oldest,
                        &[("number", &d.doc.number), ("at", &d.doc.at.to_rfc3339())],
                    )
                })
                .unwrap_or_default();
            let level = if sync_configured {
                Level::Warn
            } else {
                Level::Ok
            };
            out.push(f(
                level,
                Check::Outbox,
                fill(
                    w.outbox_waiting,
                    &[("n", &n.to_string()), ("oldest", &oldest)],
                ),
            ));
        }
        Err(e) => out.push(f(Level::Fail, Check::Outbox, e.words(w.language, None))),
    }
    match store.print_jobs() {
        Ok(j) if j.is_empty() => out.push(f(Level::Ok, Check::PrintSpool, w.spool_empty)),
        Ok(j) => {
            let why = j[0]
                .1
                .last_error
                .clone()
                .unwrap_or_else(|| w.spool_untried.into());
            out.push(f(
                Level::Warn,
                Check::PrintSpool,
                fill(
                    w.spool_waiting,
                    &[
                        ("count", &j.len().to_string()),
                        ("number", &j[0].1.number),
                        ("why", &why),
                    ],
                ),
            ));
        }
        Err(e) => out.push(f(Level::Fail, Check::PrintSpool, e.words(w.language, None))),
    }
    out
}

/// The integrity line from a check's result.
fn integrity(
    r: Result<crate::store::check::CheckReport, StoreError>,
    what: &str,
    w: &DoctorWords,
) -> Finding {
    match r {
        Ok(r) if r.ok() => f(
            Level::Ok,
            Check::Integrity,
            fill(
                w.integrity_ok,
                &[
                    ("documents", &r.documents.to_string()),
                    ("products", &r.products.to_string()),
                    ("scope", what),
                ],
            ),
        ),
        Ok(r) => f(
            Level::Fail,
            Check::Integrity,
            fill(
                w.integrity_bad,
                &[
                    ("count", &r.problems.len().to_string()),
                    (
                        "first",
                        &r.problems
                            .first()
                            .map(|p| p.words(w.language))
                            .unwrap_or_default(),
                    ),
                ],
            ),
        ),
        Err(e) => f(Level::Fail, Check::Integrity, e.words(w.language, None)),
    }
}

fn config_has_sync(dir: &Path) -> bool {
    Config::load(dir).is_ok_and(|c| !c.sync.url.is_empty())
}

fn disk(dir: &Path, w: &DoctorWords) -> Finding {
    match rustix::fs::statvfs(dir) {
        Ok(s) => {
            let free = s.f_bavail.saturating_mul(s.f_frsize);
            let mib = free as f64 / 1048576.0;
            let level = if free < 50 * 1048576 {
                Level::Fail
            } else if free < 200 * 1048576 {
                Level::Warn
            } else {
                Level::Ok
            };
            f(
                level,
                Check::Disk,
                fill(
                    w.disk_free,
                    &[
                        ("mib", &format!("{mib:.0}")),
                        ("dir", &dir.display().to_string()),
                    ],
                ),
            )
        }
        Err(e) => f(
            Level::Warn,
            Check::Disk,
            fill(w.disk_unknown, &[("why", &e.to_string())]),
        ),
    }
}

/// Serial ports the kernel knows, from sysfs (no libudev needed).
pub fn serial_ports(sys_tty: &Path, w: &DoctorWords) -> Finding {
    let mut ports: Vec<String> = std::fs::read_dir(sys_tty)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().join("device").exists())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| {
                    ["ttyS", "ttyUSB", "ttyACM"]
                        .iter()
                        .any(|p| n.starts_with(p))
                })
                .collect()
        })
        .unwrap_or_default();
    ports.sort();
    if ports.is_empty() {
        f(Level::Ok, Check::SerialPorts, w.ports_none)
    } else {
        f(
            Level::Ok,
            Check::SerialPorts,
            ports
                .iter()
                .map(|p| format!("/dev/{p}"))
                .collect::<Vec<_>>()
                .join(" "),
        )
    }
}

fn printer(c: &Config, dir: &Path) -> Vec<Finding> {
    let w = doctor_words(c.language);
    let dev = c.printer.device.as_str();
    let ep = match Endpoint::parse(&c.printer.device, dir) {
        Ok(ep) => ep,
        Err(e) => return vec![f(Level::Fail, Check::Printer, e)],
    };
    // The printer does not take bytes: why, in the technician's language.
    let unreachable = |e: &std::io::Error| {
        vec![f(
            Level::Fail,
            Check::Printer,
            fill(
                w.unreachable,
                &[
                    ("dev", dev),
                    (
                        "why",
                        &crate::devices::printer::Fault::io(e).words(w.language),
                    ),
                ],
            ),
        )]
    };
    let mut link = match Link::open(&ep, PROBE_TIMEOUT) {
        Ok(l) => l,
        Err(e) => return unreachable(&e),
    };
    if !ep.can_read() {
        // A device is tested as the register writes to it: ESC @ (initialize, which prints
        // nothing) must go through. A device that takes no bytes (a full or absent one) fails
        // here as it would fail a receipt. A file printer is not written to.
        if matches!(ep, Endpoint::Dev(_))
            && let Err(e) = link.send(&[0x1B, 0x40])
        {
            return unreachable(&e);
        }
        return vec![f(
            Level::Ok,
            Check::Printer,
            fill(w.writable, &[("dev", dev)]),
        )];
    }
    match status::query(
        &mut link,
        c.drawer.open_level == crate::config::OpenLevel::High,
    ) {
        Ok(Some(st)) => {
            let mut v = Vec::new();
            let words = st
                .words()
                .into_iter()
                .filter(|x| *x != crate::i18n::PrinterState::DrawerOpen)
                .map(|x| w.status(x))
                .collect::<Vec<_>>();
            if st.ready() && !st.paper_near_end {
                v.push(f(Level::Ok, Check::Printer, fill(w.ready, &[("dev", dev)])));
            } else if st.ready() {
                v.push(f(
                    Level::Warn,
                    Check::Printer,
                    format!("{dev}: {}", words.join(", ")),
                ));
            } else {
                v.push(f(
                    Level::Fail,
                    Check::Printer,
                    format!("{dev}: {}", words.join(", ")),
                ));
            }
            v.push(f(
                if st.drawer_open {
                    Level::Warn
                } else {
                    Level::Ok
                },
                Check::Drawer,
                if st.drawer_open {
                    w.drawer_open
                } else {
                    w.drawer_closed
                },
            ));
            v
        }
        Ok(None) => vec![f(
            Level::Warn,
            Check::Printer,
            fill(w.no_status, &[("dev", dev)]),
        )],
        Err(e) => vec![f(Level::Fail, Check::Printer, format!("{dev}: {e}"))],
    }
}

fn display(c: &Config, dir: &Path) -> Vec<Finding> {
    let w = doctor_words(c.language);
    let dev = c.display.device.as_str();
    if dev.is_empty() {
        return vec![f(Level::Ok, Check::Display, w.not_configured)];
    }
    match Endpoint::parse(&c.display.device, dir)
        .map_err(std::io::Error::other)
        .and_then(|ep| Link::open(&ep, PROBE_TIMEOUT))
    {
        Ok(_) => vec![f(
            Level::Ok,
            Check::Display,
            fill(w.display_opens, &[("dev", dev)]),
        )],
        Err(e) => vec![f(
            Level::Fail,
            Check::Display,
            fill(
                w.unreachable,
                &[
                    ("dev", dev),
                    (
                        "why",
                        &crate::devices::printer::Fault::io(&e).words(w.language),
                    ),
                ],
            ),
        )],
    }
}

fn sync(c: &Config) -> Vec<Finding> {
    let w = doctor_words(c.language);
    if c.sync.url.is_empty() {
        return vec![f(Level::Ok, Check::Sync, w.sync_not_configured)];
    }
    let cfg = ureq::Agent::config_builder()
        .timeout_global(Some(PROBE_TIMEOUT))
        .http_status_as_error(false);
    let cfg = if c.sync.use_env_proxy {
        cfg
    } else {
        cfg.proxy(None)
    };
    let cfg = match crate::sync::client::tls_config(&c.sync.ca_file) {
        Ok(tls) => cfg.tls_config(tls),
        Err(e) => return vec![f(Level::Fail, Check::Sync, e.words(w.language))],
    };
    let agent: ureq::Agent = cfg.build().into();
    // An authenticated request to the register's database: the root answers anyone, so only
    // this tells whether the user and password work.
    let url = format!("{}/caja-docs", c.sync.url.trim_end_matches('/'));
    let mut req = agent.get(url.as_str());
    if !c.sync.user.is_empty() {
        req = req.header(
            "Authorization",
            crate::sync::basic_auth(&c.sync.user, &c.sync.password),
        );
    }
    let mut v = Vec::new();
    if let Some(text) = cleartext_warning(&c.sync.url, w) {
        v.push(f(Level::Warn, Check::Sync, text));
    }
    let sent = chrono::Utc::now();
    let user = &c.sync.user;
    match req.call() {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let at = &c.sync.url;
            v.push(match status {
                200..=299 => f(
                    Level::Ok,
                    Check::Sync,
                    fill(w.sync_ok, &[("at", at), ("user", user)]),
                ),
                401 => f(
                    Level::Fail,
                    Check::Sync,
                    fill(w.sync_401, &[("at", at), ("user", user)]),
                ),
                403 => f(
                    Level::Fail,
                    Check::Sync,
                    fill(w.sync_403, &[("at", at), ("user", user)]),
                ),
                404 => f(Level::Fail, Check::Sync, fill(w.sync_404, &[("at", at)])),
                429 => f(Level::Fail, Check::Sync, fill(w.sync_429, &[("at", at)])),
                _ => f(
                    Level::Fail,
                    Check::Sync,
                    fill(
                        w.sync_status,
                        &[("at", at), ("status", &status.to_string())],
                    ),
                ),
            });
            let date = resp
                .headers()
                .get("date")
                .and_then(|d| d.to_str().ok())
                .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok());
            if let Some(server) = date {
                let drift = (sent - server.with_timezone(&chrono::Utc)).num_seconds();
                let level = if drift.abs() > 120 {
                    Level::Warn
                } else {
                    Level::Ok
                };
                v.push(f(
                    level,
                    Check::Clock,
                    fill(w.drift, &[("drift", &format!("{drift:+}"))]),
                ));
            }
            v
        }
        Err(e) => {
            v.push(f(
                Level::Fail,
                Check::Sync,
                fill(
                    w.unreachable,
                    &[
                        ("dev", &c.sync.url),
                        (
                            "why",
                            &crate::sync::client::NetWhy::of(&e).words(w.language),
                        ),
                    ],
                ),
            ));
            v
        }
    }
}

/// A warning when `url` sends the password in clear (`http://`) to an address outside the
/// local networks (loopback, private, link-local); a name counts as outside unless it resolves
/// only to such addresses.
pub fn cleartext_warning(url: &str, w: &DoctorWords) -> Option<String> {
    cleartext_host(url, true).map(|host| fill(w.cleartext, &[("url", url), ("host", &host)]))
}

/// The host of a plain `http://` URL outside the local networks. Without `resolve`, a name
/// counts as local only when it is `localhost` or ends in `.local` or `.lan` (for a screen that
/// must not wait for DNS).
pub fn cleartext_host(url: &str, resolve: bool) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let authority = rest.split('/').next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let local = |ip: std::net::IpAddr| match ip {
        std::net::IpAddr::V4(a) => a.is_loopback() || a.is_private() || a.is_link_local(),
        std::net::IpAddr::V6(a) => {
            a.is_loopback()
                || (a.segments()[0] & 0xfe00) == 0xfc00
                || (a.segments()[0] & 0xffc0) == 0xfe80
        }
    };
    let inside = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => local(ip),
        Err(_) if host == "localhost" || host.ends_with(".local") || host.ends_with(".lan") => true,
        Err(_) if !resolve => false,
        Err(_) => {
            use std::net::ToSocketAddrs;
            let addrs: Vec<_> = (host, 80)
                .to_socket_addrs()
                .map(|a| a.collect())
                .unwrap_or_default();
            !addrs.is_empty() && addrs.iter().all(|a| local(a.ip()))
        }
    };
    (!inside).then(|| host.to_string())
}

/// Prints the report; true when nothing needs attention.
pub fn print(findings: &[Finding], out: &mut impl std::io::Write) -> std::io::Result<bool> {
    for x in findings {
        let tag = match x.level {
            Level::Ok => "OK  ",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        };
        writeln!(out, "{tag} {:<13} {}", x.what, x.detail)?;
    }
    Ok(findings.iter().all(|x| x.level == Level::Ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_warned_outside_the_local_network() {
        for local in [
            "http://192.168.1.5:5984",
            "http://10.0.0.2",
            "http://127.0.0.1:5984/",
            "http://localhost:5984",
            "http://[::1]:5984",
            "https://203.0.113.9",
        ] {
            assert_eq!(
                cleartext_warning(local, doctor_words(Language::En)),
                None,
                "{local}"
            );
        }
        let w = cleartext_warning("http://203.0.113.9:5984", doctor_words(Language::En)).unwrap();
        assert!(w.contains("203.0.113.9") && w.contains("https://"), "{w}");
    }
}
