//! Sync over https://: a register pushes and pulls through a hub serving a self-signed
//! certificate named in `[sync] ca_file`; a certificate it was not told to trust is refused with
//! a message that says what to do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use caja::sync::client::{Client, PullMode, claim, pull, push};
use caja::sync::hub::Hub;
use common::*;
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
    let limits = caja::sync::http::Limits {
        tls: Some(caja::sync::http::tls_server_config(&cert, &key).unwrap()),
        ..Default::default()
    };
    let h = hub.serve_with("127.0.0.1:0", limits).unwrap();
    let url = format!("https://127.0.0.1:{}", h.addr.port());

    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    for i in 0..20 {
        let body = caja::soak::soak_ticket(&s, &products, i).unwrap();
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
