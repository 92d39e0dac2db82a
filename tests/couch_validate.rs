//! CouchDB parity: docs/validate_doc_update.js, run by Node.js as CouchDB would run it, accepts
//! and refuses the same documents as the built-in hub's checks (src/sync/validate.rs), and
//! refuses every edit or delete of a stored sealed document. Skipped, saying so, where there is
//! no `node`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use caja::domain::document::{CashDirection, CashMoveBody, DocBody};
use caja::domain::qty::Qty;
use caja::domain::refund::ReturnedLine;
use caja::sync::json::to_json;
use common::*;
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
    let s = demo_store(dir.path());
    let products = caja::csvio::demo_catalog(&s.info().currency);
    for i in 0..3 {
        let body = caja::soak::soak_ticket(&s, &products, i).unwrap();
        s.commit(&header(22, i as i64), body).unwrap();
    }
    s.refund(
        &header(22, 10),
        "FV1-000001",
        &[ReturnedLine {
            line: 0,
            qty: Qty::ONE,
        }],
        "roto",
        Vec::new(),
        &Default::default(),
    )
    .unwrap();
    let mut cash = CashMoveBody::new(
        CashDirection::Out,
        caja::domain::Money::from_minor(5_000),
        "banco",
    )
    .unwrap();
    cash.overrides.clear();
    s.commit(&header(22, 11), DocBody::CashMove(cash)).unwrap();
    // A date opened and corrected by a supervisor (a date correction is sealed too).
    let ov = caja::domain::document::Override {
        action: "correct_day".into(),
        supervisor: "ana".into(),
        reason: "wrong clock".into(),
    };
    s.open_day(&header(23, 0), Vec::new()).unwrap();
    s.correct_day(&header(24, 1), vec![ov]).unwrap();
    let cur = s.info().currency.clone();
    let mut docs: Vec<Value> = Vec::new();
    let mut seq = 1;
    while let Some(d) = s.doc(seq).unwrap() {
        docs.push(to_json(&d, &cur));
        seq += 1;
    }
    let sale = docs[0].clone();
    let mut tampered = sale.clone();
    tampered["total"] = json!("1");
    let mut other_register = sale.clone();
    other_register["register"] = json!("FV2");
    let fix = docs
        .iter()
        .find(|d| d["type"] == "day_correct")
        .cloned()
        .unwrap();
    let mut fix_foreign = fix.clone();
    fix_foreign["opened"] = json!("FV2-DA-000001");
    let mut fix_negative = fix.clone();
    fix_negative["floats"] = json!("-5");
    let mut deleted = sale.clone();
    deleted["_deleted"] = json!(true);
    let customer = |t: &str, n: &str| {
        json!({"_id": format!("customer:{t}-{n}"), "type": "customer", "doc_type": t,
            "doc_number": n, "name": "Ferretería El Tornillo"})
    };
    docs.extend([
        tampered,
        other_register,
        fix_foreign,
        fix_negative,
        deleted,
        customer("NIT", "900173769-1"),
        customer("NIT", "900173769-2"),
        json!({"_id": "customer:BAD-1", "type": "customer", "doc_type": "XX", "doc_number": "1", "name": "x"}),
        json!({"_id": "nonsense:FV1-000001", "type": "nonsense"}),
    ]);

    // The hub's verdicts (points need the cited sale, which a validate_doc_update cannot read:
    // none of these cite one).
    let hub: Vec<bool> = docs
        .iter()
        .map(|d| caja::sync::validate::check(d, &|_| None).is_ok())
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
        .filter(|d| caja::sync::validate::is_sealed(d["_id"].as_str().unwrap_or("")))
        .filter(|d| d.get("_deleted").is_none())
        .count();
    for d in docs.iter().filter(|d| {
        caja::sync::validate::is_sealed(d["_id"].as_str().unwrap_or(""))
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
