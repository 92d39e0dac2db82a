//! CouchDB parity: docs/validate_doc_update.js, run by Node.js as CouchDB would run it, accepts
//! and refuses the same documents as the built-in hub's checks (src/hub/validate.rs), and
//! refuses every edit or delete of a stored sealed document. Skipped, saying so, where there is
//! no `node`.

use crate::common::*;
use serde_json::{Value, json};

#[test]
fn couchdb_validation_refuses_what_the_hub_refuses() {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: no node on this machine to run docs/validate_doc_update.js");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let docs = parity_docs(dir.path());
    // The hub's verdicts (points need the cited sale, which a validate_doc_update cannot read:
    // none of these cite one).
    let hub: Vec<bool> = docs
        .iter()
        .map(|d| caja::hub::validate::check(d, &|_| None).is_ok())
        .collect();
    assert!(hub[0] && !hub[docs.len() - 1], "{hub:?}");
    let verdict = |id: &str, field: &str| {
        docs.iter()
            .zip(&hub)
            .filter(|(d, _)| d["_id"] == id)
            .map(|(d, ok)| (d[field].clone(), *ok))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        verdict("day_correct:FV1-CF-000001", "opened"),
        [
            (json!("FV1-DA-000001"), true),
            (json!("FV2-DA-000001"), false),
            (json!("FV1-DA-000001"), false)
        ]
    );

    // CouchDB's, by node; then each stored sealed document written again (o = itself).
    let js = std::fs::read_to_string("docs/validate_doc_update.js").unwrap();
    let mut cases: Vec<Value> = docs.iter().map(|d| json!({"n": d, "o": null})).collect();
    let sealed = docs
        .iter()
        .filter(|d| caja::hub::validate::is_sealed(d["_id"].as_str().unwrap_or("")))
        .filter(|d| d.get("_deleted").is_none())
        .count();
    for d in docs.iter().filter(|d| {
        caja::hub::validate::is_sealed(d["_id"].as_str().unwrap_or(""))
            && d.get("_deleted").is_none()
    }) {
        cases.push(json!({"n": d, "o": d}));
    }
    let input = dir.path().join("cases.json");
    std::fs::write(&input, serde_json::to_vec(&cases).unwrap()).unwrap();
    let script = format!(
        "const f = eval('(' + {} + ')'); const cases = require({});
         const u = {{name: 'FV1', roles: ['register']}};
         console.log(JSON.stringify(cases.map(c => {{ try {{ f(c.n, c.o, u); return null; }}
           catch (e) {{ return e.forbidden || String(e); }} }})));",
        serde_json::to_string(&js).unwrap(),
        serde_json::to_string(&input.to_str().unwrap()).unwrap(),
    );
    let out = std::process::Command::new("node")
        .args(["-e", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(
            verdicts[i].is_null(),
            hub[i],
            "{}: hub {} but CouchDB {}",
            d["_id"],
            hub[i],
            verdicts[i]
        );
    }
    let rewrites = &verdicts[docs.len()..];
    assert_eq!(rewrites.len(), sealed);
    assert!(
        rewrites
            .iter()
            .all(|v| v.as_str().is_some_and(|r| r.contains("sealed"))),
        "{rewrites:?}"
    );
}
