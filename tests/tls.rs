//! Sync over https://: a register pushes and pulls through a hub serving a self-signed
//! certificate named in `[sync] ca_file`; a certificate it was not told to trust is refused with
//! a message that says what to do.

use crate::common::*;
use caja::hub::Hub;
use caja::sync::client::{Client, PullMode, claim, pull, push};
use std::path::Path;

/// A self-signed certificate for 127.0.0.1 and localhost: (certificate file, key file).
fn certificate(dir: &Path, name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let ck =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let (cert, key) = (
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    );
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.key_pair.serialize_pem()).unwrap();
    (cert, key)
}

fn client(url: &str, ca_file: &Path) -> Result<Client, caja::sync::client::SyncError> {
    let mut c = caja::config::Config::defaults().sync;
    c.url = url.into();
    c.user = "FV1".into();
    c.password = "clave-fv1-segura".into();
    c.ca_file = ca_file.display().to_string();
    Ok(Client::new(&c)?.retries(1))
}

#[test]
fn a_register_syncs_over_https_with_the_shops_own_certificate() {
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(certs.path(), "hub");
    let (other, _) = certificate(certs.path(), "other");
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = Hub::open(hub_dir.path()).unwrap();
    hub.store()
        .add_user("FV1", "clave-fv1-segura", false)
        .unwrap();
    hub.store()
        .add_user("admin", "clave-admin-segura", true)
        .unwrap();
    let products =
        caja::csvio::demo_catalog(&caja::domain::money::Currency::by_code("COP").unwrap());
    hub.import_catalog(
        &products,
        &caja::domain::money::Currency::by_code("COP").unwrap(),
        false,
    )
    .unwrap();
    let limits = caja::hub::http::Limits {
        tls: Some(caja::hub::http::tls_server_config(&cert, &key).unwrap()),
        ..Default::default()
    };
    let h = hub.serve_with("127.0.0.1:0", limits).unwrap();
    let url = format!("https://127.0.0.1:{}", h.addr.port());

    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    for i in 0..20 {
        let body = caja::dev::soak::soak_ticket(&s, &products, i).unwrap();
        s.commit(&header(22, i as i64), body).unwrap();
    }
    let mut c = client(&url, &cert).unwrap();
    claim(&s, &mut c).unwrap();
    let r = push(&s, &mut c, |_, _| {}).unwrap();
    assert_eq!((r.sent, r.rejected.len()), (20, 0));
    let r = pull(&s, &mut c, PullMode::Total, |_| {}).unwrap();
    assert_eq!(r.total, products.len() as u64);

    // A certificate the register was not told to trust: refused, and the message says how to
    // trust the shop's own.
    let mut wrong = client(&url, &other).unwrap();
    let e = claim(&s, &mut wrong).unwrap_err().to_string();
    assert!(e.contains("not trusted") && e.contains("ca_file"), "{e}");
    // No ca_file: the public roots do not know a self-signed certificate either.
    let mut public = client(&url, Path::new("")).unwrap();
    let e = claim(&s, &mut public).unwrap_err().to_string();
    assert!(e.contains("not trusted"), "{e}");
    // A ca_file that is not there is named.
    let e = client(&url, &certs.path().join("missing.pem"))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("missing.pem"), "{e}");
    h.stop();
}

/// A hub serving `cert`/`key` over TLS with the user FV1.
fn tls_hub(cert: &Path, key: &Path) -> (tempfile::TempDir, caja::hub::HubHandle) {
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = Hub::open(hub_dir.path()).unwrap();
    hub.store()
        .add_user("FV1", "clave-fv1-segura", false)
        .unwrap();
    let limits = caja::hub::http::Limits {
        tls: Some(caja::hub::http::tls_server_config(cert, key).unwrap()),
        ..Default::default()
    };
    let h = hub.serve_with("127.0.0.1:0", limits).unwrap();
    (hub_dir, h)
}

/// `caja hub cert` makes a certificate that works in one step, and says what to copy where;
/// a CA's certificate served as the hub's (openssl's default) is refused with the real cause
/// and what to do, not with advice to set a `ca_file` that is already set.
#[test]
fn the_hub_makes_its_own_certificate_and_a_cas_is_named_for_what_it_is() {
    let hub_dir = tempfile::tempdir().unwrap();
    let d = hub_dir.path().to_str().unwrap();
    let o = run(&[
        "hub",
        "cert",
        "--data-dir",
        d,
        "--host",
        "127.0.0.1",
        "--host",
        "localhost",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let said = text(&o);
    let (cert, key) = (
        hub_dir.path().join("hub-cert.pem"),
        hub_dir.path().join("hub-key.pem"),
    );
    assert!(
        said.contains("ca_file") && said.contains(cert.to_str().unwrap()),
        "{said}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Never over what is there.
    let o = run(&["hub", "cert", "--data-dir", d, "--host", "127.0.0.1"]);
    assert!(!o.status.success(), "{}", text(&o));

    let (_, h) = tls_hub(&cert, &key);
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    let url = format!("https://127.0.0.1:{}", h.addr.port());
    let mut c = client(&url, &cert).unwrap();
    claim(&s, &mut c).unwrap();
    h.stop();

    // A CA's certificate as the hub's own.
    let certs = tempfile::tempdir().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca = params.self_signed(&ca_key).unwrap();
    let (ca_cert, ca_key_file) = (certs.path().join("ca.pem"), certs.path().join("ca.key"));
    std::fs::write(&ca_cert, ca.pem()).unwrap();
    std::fs::write(&ca_key_file, ca_key.serialize_pem()).unwrap();
    let (_, h) = tls_hub(&ca_cert, &ca_key_file);
    let url = format!("https://127.0.0.1:{}", h.addr.port());
    let mut c = client(&url, &ca_cert).unwrap();
    let e = claim(&s, &mut c).unwrap_err();
    let en = e.to_string();
    assert!(
        en.contains("certificate authority") && en.contains("caja hub cert"),
        "{en}"
    );
    let es = e.words(caja::i18n::Language::Es);
    assert!(es.contains("caja hub cert"), "{es}");
    h.stop();
}
