//! The Debian package `.ci/run` builds with cargo-deb (docs/INSTALL.md): what it installs, that
//! its binary runs and says its commit, that every manual page renders, that the completions
//! load in bash, that the hub's unit passes `systemd-analyze verify`, and that its maintainer
//! scripts make the hub's user and never touch a store. Without a package in target/debian the
//! test says it is skipped, unless CAJA_REQUIRE_DEB is set (as `.ci/run` sets it).

use std::path::{Path, PathBuf};
use std::process::Command;

fn package() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/debian");
    let mut debs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    debs.sort();
    debs.pop()
}

fn out(c: &mut Command) -> (bool, String) {
    let o = c.output().unwrap();
    let mut s = String::from_utf8_lossy(&o.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&o.stderr));
    (o.status.success(), s)
}

#[test]
fn the_debian_package_installs_what_a_shop_needs() {
    let Some(deb) =
        package().filter(|_| Command::new("dpkg-deb").arg("--version").output().is_ok())
    else {
        assert!(
            std::env::var_os("CAJA_REQUIRE_DEB").is_none(),
            "CAJA_REQUIRE_DEB is set and there is no package in target/debian"
        );
        eprintln!("SKIPPED: no package in target/debian (.ci/run builds it with cargo deb)");
        return;
    };
    // What it installs.
    let (ok, list) = out(Command::new("dpkg-deb").arg("-c").arg(&deb));
    assert!(ok, "{list}");
    for want in [
        "./usr/bin/caja",
        "./usr/share/man/man1/caja.1.gz",
        "./usr/share/man/man1/caja-hub.1.gz",
        "./usr/share/man/man1/caja-sync.1.gz",
        "./usr/share/man/man1/caja-journal.1.gz",
        "./usr/share/bash-completion/completions/caja",
        "./usr/share/zsh/vendor-completions/_caja",
        "./usr/share/fish/vendor_completions.d/caja.fish",
        "./usr/lib/systemd/system/caja-hub.service",
        "./usr/share/doc/caja/copyright",
        "./usr/share/doc/caja/INSTALL.md",
        "./usr/share/doc/caja/KIOSK.md",
        "./usr/share/doc/caja/examples/caja-kiosk.conf",
    ] {
        assert!(
            list.lines().any(|l| l.ends_with(want)),
            "{want} not in the package:\n{list}"
        );
    }
    // Nothing under a store's folders, nothing enabled at install.
    assert!(!list.contains("./var/lib/caja-hub"), "{list}");
    assert!(!list.contains("/etc/systemd/system/"), "{list}");

    let root = tempfile::tempdir().unwrap();
    let (ok, said) = out(Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(root.path()));
    assert!(ok, "{said}");
    let caja = root.path().join("usr/bin/caja");
    let (ok, version) = out(Command::new(&caja).arg("--version"));
    assert!(ok, "{version}");
    assert!(
        version.starts_with(&format!("caja {} (commit ", env!("CARGO_PKG_VERSION")))
            && version.contains(", built 20"),
        "{version}"
    );

    // Every manual page renders.
    let man = root.path().join("usr/share/man/man1");
    let pages: Vec<PathBuf> = std::fs::read_dir(&man)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(pages.len() >= 15, "{pages:?}");
    if Command::new("man").arg("--version").output().is_ok() {
        for p in &pages {
            let (ok, text) = out(Command::new("man")
                .arg("-l")
                .arg(p)
                .env("MANPAGER", "cat")
                .env("MANWIDTH", "80"));
            assert!(ok && text.contains("SYNOPSIS"), "{p:?}: {text}");
        }
        let (_, hub) = out(Command::new("man")
            .arg("-l")
            .arg(man.join("caja-hub.1.gz"))
            .env("MANPAGER", "cat"));
        assert!(
            hub.contains("caja hub") && hub.contains("--tls-cert"),
            "{hub}"
        );
    } else {
        eprintln!("man is not installed: the pages' rendering is not checked");
    }

    // The completions load in bash and complete caja's commands.
    let bash = root
        .path()
        .join("usr/share/bash-completion/completions/caja");
    let (ok, said) = out(Command::new("bash").arg("-c").arg(format!(
        "source {}; complete -p caja && COMP_WORDS=(caja hu); COMP_CWORD=1; \
         COMP_LINE='caja hu'; COMP_POINT=7; _caja caja hu caja; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bash.display()
    )));
    assert!(ok && said.lines().any(|l| l == "hub"), "{said}");

    // The hub's unit, as systemd reads it (pointed at the unpacked binary).
    let unit = std::fs::read_to_string(root.path().join("usr/lib/systemd/system/caja-hub.service"))
        .unwrap();
    for want in [
        "User=caja-hub",
        "ExecStart=/usr/bin/caja hub --data-dir /var/lib/caja-hub",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "StateDirectory=caja-hub",
    ] {
        assert!(unit.contains(want), "{want}: {unit}");
    }
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok()
    {
        let copy = root.path().join("caja-hub.service");
        std::fs::write(&copy, unit.replace("/usr/bin/caja", caja.to_str().unwrap())).unwrap();
        let (ok, said) = out(Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&copy));
        assert!(ok, "systemd-analyze verify: {said}");
    } else {
        eprintln!("systemd-analyze is not installed: the unit is not verified");
    }

    // The maintainer scripts: the hub's user at configure; a purge leaves the stores.
    let control = root.path().join("DEBIAN");
    let (ok, said) = out(Command::new("dpkg-deb").arg("-e").arg(&deb).arg(&control));
    assert!(ok, "{said}");
    let postinst = std::fs::read_to_string(control.join("postinst")).unwrap();
    assert!(postinst.contains("adduser --system") && postinst.contains("caja-hub"));
    let postrm = std::fs::read_to_string(control.join("postrm")).unwrap();
    assert!(
        !postrm.contains("rm -"),
        "a removal must never delete a store: {postrm}"
    );
    for script in ["postinst", "postrm"] {
        let (ok, said) = out(Command::new("sh").arg("-n").arg(control.join(script)));
        assert!(ok, "{script}: {said}");
    }
    let (ok, said) = out(Command::new("sh").arg(control.join("postrm")).arg("purge"));
    assert!(ok && said.contains("are kept"), "{said}");
}
