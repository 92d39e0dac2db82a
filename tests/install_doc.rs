//! docs/INSTALL.md, run where a build machine can: every `caja hub` command it gives for the
//! hub's service, against a folder of the test's own instead of /var/lib/caja-hub (the
//! hub's certificate included), every `caja.toml` it shows read by caja's own reader, and the
//! service and the console login it points at are the files the package installs.

use crate::common::*;
use std::path::Path;

fn install_md() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/INSTALL.md")).unwrap()
}

/// The fenced blocks of `lang`.
fn blocks(md: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in md.lines() {
        match &mut cur {
            None if line.trim() == format!("```{lang}") => cur = Some(String::new()),
            Some(b) if line.trim() == "```" => {
                out.push(std::mem::take(b));
                cur = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn the_hubs_steps_run_as_written() {
    let md = install_md();
    let tmp = tempfile::tempdir().unwrap();
    let hub = tmp.path().join("caja-hub");
    // The catalog the steps import.
    let reg = tmp.path().join("reg");
    init_cli(&reg);
    let catalog = tmp.path().join("catalogo.csv");
    std::fs::write(
        &catalog,
        run(&["catalog", "export", "--data-dir", reg.to_str().unwrap()]).stdout,
    )
    .unwrap();
    let prefix = "sudo -u caja-hub caja hub --data-dir /var/lib/caja-hub ";
    let mut ran = 0;
    for block in blocks(&md, "sh") {
        for line in block.lines().filter(|l| l.starts_with(prefix)) {
            let rest = line[prefix.len()..].replace("/tmp/catalogo.csv", catalog.to_str().unwrap());
            // The shell's quoting, for the passwords with spaces.
            let mut args: Vec<String> = Vec::new();
            let mut quoted = false;
            let mut word = String::new();
            for c in rest.chars() {
                match c {
                    '\'' => quoted = !quoted,
                    ' ' if !quoted => {
                        if !word.is_empty() {
                            args.push(std::mem::take(&mut word));
                        }
                    }
                    c => word.push(c),
                }
            }
            if !word.is_empty() {
                args.push(word);
            }
            let mut all = vec![
                "hub".to_string(),
                "--data-dir".into(),
                hub.display().to_string(),
            ];
            all.extend(args);
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            let o = run(&refs);
            assert!(o.status.success(), "{line}: {}", text(&o));
            ran += 1;
        }
    }
    // Users, the catalog, the certificate.
    assert!(ran >= 4, "{ran} steps");
    let h = caja::hub::Hub::open(&hub).unwrap();
    assert!(h.store().user("admin").unwrap().unwrap().admin);
    assert!(h.store().user("FV1").unwrap().is_some());
    assert!(
        !h.store()
            .ids("caja-catalog", "product:")
            .unwrap()
            .is_empty()
    );
    assert!(hub.join("hub-cert.pem").exists() && hub.join("hub-key.pem").exists());
}

#[test]
fn the_settings_it_shows_read_and_the_files_it_names_exist() {
    let md = install_md();
    let tomls = blocks(&md, "toml");
    assert!(tomls.len() >= 2);
    for t in &tomls {
        caja::config::Config::parse_str(t, Path::new("INSTALL.md"))
            .unwrap_or_else(|e| panic!("{t}: {e}"));
    }
    let c = caja::config::Config::parse_str(&tomls[0], Path::new("INSTALL.md")).unwrap();
    assert_eq!(
        (c.hub.stale_after_hours, c.hub.currency.as_str()),
        (26, "COP")
    );
    // The unit's TLS override names the files `caja hub cert` makes.
    let ini = blocks(&md, "ini").join("\n");
    assert!(
        ini.contains("--tls-cert /var/lib/caja-hub/hub-cert.pem"),
        "{ini}"
    );
    assert!(
        ini.contains("--tls-key /var/lib/caja-hub/hub-key.pem"),
        "{ini}"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let unit = std::fs::read_to_string(root.join("docs/install/caja-hub.service")).unwrap();
    assert!(ini.contains(unit.lines().find(|l| l.starts_with("ExecStart=")).unwrap()));
    let kiosk = std::fs::read_to_string(root.join("docs/install/caja-kiosk.conf")).unwrap();
    assert!(kiosk.contains("--autologin cajero") && md.contains("caja-kiosk.conf"));
}
