//! The hub as CouchDB's clients see it (the replicator, PouchDB, the Python and Node
//! clients): `_session` cookies, `open_revs` as JSON and as multipart, `_bulk_get`, waiting
//! and filtered `_changes` feeds, `_all_docs` by key and backwards, ETags, and a 400 for what
//! it does not implement. Apart from tests/hub_hostile.rs, whose load test measures latency:
//! the logins here cost CPU that would skew it.

use crate::common::*;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A request with the given headers: (status, head, body).
fn raw_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: hub\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut all = String::new();
    let _ = s.read_to_string(&mut all);
    let (head, body) = all.split_once("\r\n\r\n").unwrap_or((&all, ""));
    let code = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, head.to_string(), body.to_string())
}

/// What CouchDB's replicator and PouchDB log in and read with (the replication itself runs
/// against the real CouchDB in tests/couchdb.rs): `_session` cookies, `open_revs` as JSON and
/// as multipart, `_bulk_get` in the order asked, `_changes?style=all_docs` with every leaf.
#[test]
fn the_hub_logs_in_and_reads_revisions_as_couchdb_does() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let rdir = tempfile::tempdir().unwrap();
    pushed(&h, rdir.path(), 2);
    let admin = basic("admin", "clave-admin-segura");
    let form = [("Content-Type", "application/x-www-form-urlencoded")];

    // _session: a wrong password is a 401; the right one sets a cookie that then logs in.
    let (code, _, _) = raw_with(h.addr, "POST", "/_session", &form, "name=FV1&password=nope");
    assert_eq!(code, 401);
    let (code, head, body) = raw_with(
        h.addr,
        "POST",
        "/_session",
        &form,
        "name=FV1&password=clave-fv1-segura",
    );
    assert_eq!(code, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (v["ok"].clone(), v["name"].clone()),
        (json!(true), json!("FV1"))
    );
    assert_eq!(v["roles"], json!(["register"]));
    let set = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap();
    assert!(
        set.contains("Max-Age=600") && set.contains("HttpOnly"),
        "{set}"
    );
    let cookie = set
        .split_once(':')
        .unwrap()
        .1
        .trim()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let with_cookie = [("Cookie", cookie.as_str())];
    let (code, _, body) = raw_with(h.addr, "GET", "/caja-docs", &with_cookie, "");
    assert_eq!(code, 200, "{body}");
    let (code, _, body) = raw_with(h.addr, "GET", "/_session", &with_cookie, "");
    assert_eq!(code, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["userCtx"]["name"], "FV1", "{v}");
    assert_eq!(v["info"]["authenticated"], "cookie", "{v}");
    // A cookie is what it says: another name under its signature gets nothing.
    let forged = cookie.replacen("465631", "61646d696e", 1);
    let (code, _, _) = raw_with(h.addr, "GET", "/caja-docs", &[("Cookie", &forged)], "");
    assert_eq!(code, 401);
    // JSON logins too (PouchDB's); a register's cookie stays a register's.
    let (code, _, body) = raw_with(
        h.addr,
        "POST",
        "/_session",
        &[("Content-Type", "application/json")],
        r#"{"name":"admin","password":"clave-admin-segura"}"#,
    );
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("_admin"), "{body}");
    let (code, _, _) = raw_with(h.addr, "GET", "/_all_dbs", &with_cookie, "");
    assert_eq!(code, 403);
    let (code, head, _) = raw_with(h.addr, "DELETE", "/_session", &with_cookie, "");
    assert_eq!(code, 200);
    assert!(head.contains("Max-Age=0"), "{head}");

    // A conflict branch of a catalog document, to read back as a leaf.
    let auth = [
        ("Authorization", admin.as_str()),
        ("Content-Type", "application/json"),
    ];
    let (code, _, body) = raw_with(
        h.addr,
        "PUT",
        "/caja-catalog/product:X1",
        &auth,
        r#"{"type":"product","sku":"X1","name":"Uno","barcodes":[],"price":"100","tax_rate":"19","active":true}"#,
    );
    assert_eq!(code, 201, "{body}");
    let rev = serde_json::from_str::<Value>(&body).unwrap()["rev"]
        .as_str()
        .unwrap()
        .to_string();
    let rival = r#"{"docs":[{"_id":"product:X1","_rev":"1-00000000000000000000000000000000","type":"product","sku":"X1","name":"Otro","barcodes":[],"price":"200","tax_rate":"19","active":true}],"new_edits":false}"#;
    let (code, _, body) = raw_with(h.addr, "POST", "/caja-catalog/_bulk_docs", &auth, rival);
    assert_eq!((code, body.as_str()), (201, "[]"));
    let (_, _, body) = raw_with(
        h.addr,
        "GET",
        "/caja-catalog/_changes?style=all_docs",
        &auth,
        "",
    );
    let v: Value = serde_json::from_str(&body).unwrap();
    let leaves = &v["results"].as_array().unwrap().last().unwrap()["changes"];
    assert_eq!(leaves.as_array().unwrap().len(), 2, "{v}");

    // open_revs: JSON, with history, a missing revision said so.
    let path = format!(
        "/caja-catalog/product:X1?revs=true&latest=true&open_revs=%5B%22{rev}%22,%221-00000000000000000000000000000000%22,%223-ffff%22%5D"
    );
    let (code, _, body) = raw_with(h.addr, "GET", &path, &auth, "");
    assert_eq!(code, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v[0]["ok"]["_rev"], json!(rev), "{v}");
    assert_eq!(v[0]["ok"]["_revisions"]["start"], 1, "{v}");
    assert_eq!(v[1]["ok"]["name"], "Otro", "{v}");
    assert_eq!(v[2]["missing"], "3-ffff", "{v}");
    let (code, _, body) = raw_with(
        h.addr,
        "GET",
        "/caja-catalog/product:X1?open_revs=all",
        &auth,
        "",
    );
    assert_eq!(code, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The replicator's form: multipart/mixed, one JSON document per part.
    let mut multi = auth.to_vec();
    multi.push(("Accept", "multipart/mixed"));
    let (code, head, body) = raw_with(h.addr, "GET", &path, &multi, "");
    assert_eq!(code, 200);
    assert!(head.contains("multipart/mixed; boundary="), "{head}");
    assert_eq!(
        body.matches("Content-Type: application/json").count(),
        3,
        "{body}"
    );
    assert!(
        body.contains("\"_revisions\"") && body.contains("{\"missing\":\"3-ffff\"}"),
        "{body}"
    );
    let (code, _, _) = raw_with(
        h.addr,
        "GET",
        "/caja-catalog/product:X1?open_revs=nonsense",
        &auth,
        "",
    );
    assert_eq!(code, 400);

    // _bulk_get: in the order asked, an unknown document an error in its place.
    let ask = json!({"docs": [
        {"id": "sale:FV1-000002"},
        {"id": "nothing:here"},
        {"id": "product:X1", "rev": "1-00000000000000000000000000000000"},
    ]});
    let (code, _, body) = raw_with(
        h.addr,
        "POST",
        "/caja-docs/_bulk_get?revs=true",
        &auth,
        &ask.to_string(),
    );
    assert_eq!(code, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let r = v["results"].as_array().unwrap();
    assert_eq!(r[0]["id"], "sale:FV1-000002");
    assert_eq!(r[0]["docs"][0]["ok"]["type"], "sale", "{v}");
    assert!(r[0]["docs"][0]["ok"]["_revisions"]["ids"][0].is_string());
    assert_eq!(r[1]["docs"][0]["error"]["error"], "not_found", "{v}");
    // caja-docs holds no product: asked there, it is missing too.
    assert_eq!(r[2]["docs"][0]["error"]["error"], "not_found", "{v}");
    h.stop();
}

/// The rest of what CouchDB clients rely on: a 400 for a query parameter the hub does not
/// implement, a 415 for a body that is not JSON, a 409 for a write without the current
/// revision, ETags, `_all_docs` by key and backwards, filtered changes, and feeds that wait.
#[test]
fn the_hub_refuses_what_it_does_not_implement_and_waits_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let h = hub(dir.path());
    let rdir = tempfile::tempdir().unwrap();
    pushed(&h, rdir.path(), 3);
    let admin = basic("admin", "clave-admin-segura");
    let auth = [
        ("Authorization", admin.as_str()),
        ("Content-Type", "application/json"),
    ];
    let get = |path: &str| raw_with(h.addr, "GET", path, &auth, "");

    for path in [
        "/caja-docs/_all_docs?reduce=false",
        "/caja-docs/_changes?filter=app/mine",
        "/caja-docs/_changes?feed=eventsource",
        "/caja-docs/_changes?descending=true",
        "/caja-docs/sale:FV1-000001?revs_info=true",
        "/caja-docs?q=1",
    ] {
        let (code, _, body) = get(path);
        assert_eq!(code, 400, "{path}: {body}");
    }
    let (_, _, body) = get("/caja-docs/_all_docs?reduce=false");
    assert!(body.contains("reduce"), "the parameter is named: {body}");

    // A body that is not JSON.
    let (code, _, _) = raw_with(
        h.addr,
        "POST",
        "/caja-docs/_bulk_docs",
        &[
            ("Authorization", admin.as_str()),
            ("Content-Type", "text/plain"),
        ],
        r#"{"docs":[]}"#,
    );
    assert_eq!(code, 415);

    // A write over a held document without its revision: 409, as CouchDB.
    let product = r#"{"type":"product","sku":"Z9","name":"Zeta","barcodes":[],"price":"100","tax_rate":"19","active":true}"#;
    let (code, _, body) = raw_with(h.addr, "PUT", "/caja-catalog/product:Z9", &auth, product);
    assert_eq!(code, 201, "{body}");
    let (code, _, body) = raw_with(h.addr, "PUT", "/caja-catalog/product:Z9", &auth, product);
    assert_eq!(code, 409, "{body}");

    // ETag and 304.
    let (code, head, _) = get("/caja-catalog/product:Z9");
    assert_eq!(code, 200);
    let etag = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("ETag: ")
                .or_else(|| l.strip_prefix("etag: "))
        })
        .unwrap()
        .to_string();
    let mut cond = auth.to_vec();
    cond.push(("If-None-Match", etag.as_str()));
    let (code, _, body) = raw_with(h.addr, "GET", "/caja-catalog/product:Z9", &cond, "");
    assert_eq!((code, body.as_str()), (304, ""));

    // _all_docs by key (GET), by keys, backwards, up to an end.
    let ids = |body: &str| -> Vec<String> {
        serde_json::from_str::<Value>(body).unwrap()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, _, body) = get("/caja-docs/_all_docs?key=%22sale:FV1-000002%22");
    assert_eq!(ids(&body), ["sale:FV1-000002"]);
    let (_, _, body) =
        get("/caja-docs/_all_docs?keys=%5B%22sale:FV1-000003%22,%22sale:FV1-000001%22%5D");
    assert_eq!(ids(&body), ["sale:FV1-000003", "sale:FV1-000001"]);
    let (_, _, body) = get(
        "/caja-docs/_all_docs?startkey=%22sale:FV1-000003%22&endkey=%22sale:FV1-000001%22&descending=true",
    );
    assert_eq!(
        ids(&body),
        ["sale:FV1-000003", "sale:FV1-000002", "sale:FV1-000001"]
    );
    let (_, _, body) = get(
        "/caja-docs/_all_docs?startkey=%22sale:FV1-000001%22&endkey=%22sale:FV1-000003%22&inclusive_end=false",
    );
    assert_eq!(ids(&body), ["sale:FV1-000001", "sale:FV1-000002"]);
    let (_, _, body) = get("/caja-docs/_all_docs?descending=true&limit=1");
    assert_eq!(ids(&body).len(), 1);
    assert!(ids(&body)[0].starts_with("shift_open:") || ids(&body)[0].starts_with("sale:"));

    // Filtered changes: by ids, by a selector.
    let (code, _, body) = raw_with(
        h.addr,
        "POST",
        "/caja-docs/_changes?filter=_doc_ids",
        &auth,
        r#"{"doc_ids":["sale:FV1-000002"]}"#,
    );
    assert_eq!(code, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 1, "{v}");
    let (_, _, body) = raw_with(
        h.addr,
        "POST",
        "/caja-docs/_changes?filter=_selector",
        &auth,
        r#"{"selector":{"type":"sale"}}"#,
    );
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 3, "{v}");
    assert!(v["results"][0].get("doc").is_none(), "{v}");
    let (code, _, _) = raw_with(
        h.addr,
        "POST",
        "/caja-docs/_changes?filter=_selector",
        &auth,
        r#"{"selector":{"total":{"$gt":"1"}}}"#,
    );
    assert_eq!(code, 400);

    // A longpoll with nothing new waits for its timeout, then answers empty.
    let (_, _, body) = get("/caja-catalog");
    let seq = serde_json::from_str::<Value>(&body).unwrap()["update_seq"]
        .as_str()
        .unwrap()
        .to_string();
    let t = Instant::now();
    let (code, _, body) = get(&format!(
        "/caja-catalog/_changes?feed=longpoll&since={seq}&timeout=300"
    ));
    assert_eq!(code, 200);
    assert!(
        t.elapsed() >= Duration::from_millis(280),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["results"],
        json!([])
    );
    // ... and answers as soon as something is written.
    let addr = h.addr;
    let admin2 = admin.clone();
    let seq2 = seq.clone();
    let waiting = std::thread::spawn(move || {
        let t = Instant::now();
        let r = raw_with(
            addr,
            "GET",
            &format!("/caja-catalog/_changes?feed=longpoll&since={seq2}&timeout=20000"),
            &[("Authorization", admin2.as_str())],
            "",
        );
        (r, t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    let (code, _, _) = raw_with(
        h.addr,
        "PUT",
        "/caja-catalog/product:Z8",
        &auth,
        &product.replace("Z9", "Z8"),
    );
    assert_eq!(code, 201);
    let ((code, _, body), took) = waiting.join().unwrap();
    assert_eq!(code, 200);
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(body.contains("product:Z8"), "{body}");
    // The continuous feed: one line per change, then the last sequence.
    let (code, _, body) = get(&format!(
        "/caja-catalog/_changes?feed=continuous&since={seq}&timeout=100"
    ));
    assert_eq!(code, 200);
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].contains("product:Z8"), "{body}");
    assert!(lines.last().unwrap().contains("last_seq"), "{body}");

    // caja chain check reads a hub as it reads a CouchDB.
    let o = run(&[
        "chain",
        "check",
        "--url",
        &format!("http://admin:clave-admin-segura@{}", h.addr),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("de 1 cajas verificados"), "{}", text(&o));
    h.stop();
}
