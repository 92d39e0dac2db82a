//! Customers and loyalty points: search at 100,000 customers, the CSV round trip, a customer
//! created offline reaching the hub exactly once, the server's version winning an edit made on
//! both sides (with both kept), and the points a sale earns, spends and a refund takes back.

use crate::common::*;
use caja::domain::customer::Customer;
use caja::domain::document::{DocBody, SaleBody};
use caja::domain::loyalty::{Movement, Rules};
use caja::domain::money::Money;
use caja::domain::qty::Qty;
use caja::domain::tender::{Tender, TenderKind};
use caja::domain::ticket::TicketLine;
use caja::store::Commit;
use caja::store::Store;
use caja::store::customers::CustomerMode;
use caja::sync::client::{PullMode, claim, pull, push};

fn rules() -> Rules {
    Rules {
        earn_every: Money::from_minor(1_000),
        point_value: Money::from_minor(10),
        max_points_per_ticket: 0,
        max_percent: 100,
        excluded: vec!["SAL1K".into()],
    }
}

fn ferreteria() -> Customer {
    Customer::new(
        "NIT",
        "900173769-1",
        "Ferretería El Tornillo",
        "6015551234",
        "compras@tornillo.co",
        "Cra 7 # 12-34",
    )
    .unwrap()
}

/// A sale of `lines` (sku, qty) paid with `tenders`, for `customer`.
fn sale(s: &Store, lines: &[(&str, i64)], customer: Option<&Customer>, points: i64) -> SaleBody {
    let ticket: Vec<TicketLine> = lines
        .iter()
        .map(|(sku, q)| {
            let p = s.product(sku).unwrap().unwrap();
            TicketLine {
                sku: p.sku,
                name: p.name,
                qty: Qty::units(*q).unwrap(),
                unit_price: p.price,
                tax_rate: p.tax_rate,
                discount: None,
            }
        })
        .collect();
    let total = caja::domain::ticket::price(&ticket, None, true)
        .unwrap()
        .total;
    let mut tenders = Vec::new();
    let by_points = Money::from_minor(points * 10);
    if points > 0 {
        tenders.push(Tender {
            kind: TenderKind::Points,
            amount: by_points,
            reference: Some(format!("{points} points")),
        });
    }
    tenders.push(Tender::cash(total.checked_sub(by_points).unwrap()));
    let mut body = SaleBody::build(&ticket, None, tenders, true, &s.info().currency).unwrap();
    body.customer = customer.map(Customer::key);
    body
}

#[test]
fn a_hundred_thousand_customers_are_found_by_number_and_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    let names = ["Pérez", "Gómez", "Rodríguez", "Martínez", "López"];
    let mut csv = String::from("doc_type,doc_number,name,phone,email,address\n");
    for i in 0..100_000u64 {
        csv.push_str(&format!(
            "CC,{},{} {} {i},3{:09},,Calle {i}\n",
            10_000_000 + i,
            ["Ana", "Luis", "María", "Jorge"][(i % 4) as usize],
            names[(i % 5) as usize],
            i
        ));
    }
    csv.push_str("NIT,900173769-1,Ferretería El Tornillo,,compras@tornillo.co,\n");
    let list = caja::csvio::read_customers(csv.as_bytes()).unwrap();
    let t = std::time::Instant::now();
    assert_eq!(
        s.import_customers(&list, CustomerMode::Replace).unwrap(),
        (100_001, 0)
    );
    eprintln!("imported 100,001 customers in {:?}", t.elapsed());
    assert_eq!(s.customers_len().unwrap(), 100_001);

    // By the whole number, by its beginning, and a NIT typed with dots.
    let t = std::time::Instant::now();
    let found = s.search_customers("10054321", 8).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].doc_number, "10054321");
    assert_eq!(found[0].name, "Luis Gómez 54321");
    assert_eq!(s.search_customers("1005432", 8).unwrap().len(), 8);
    let nit = s.search_customers("900.173.769-1", 8).unwrap();
    assert_eq!(nit[0].key(), "NIT-900173769-1");
    // By words of the name, accents and case folded.
    let by_name = s.search_customers("maria rodriguez 7", 20).unwrap();
    assert!(!by_name.is_empty());
    assert!(
        by_name
            .iter()
            .all(|c| c.name.starts_with("María Rodríguez 7")),
        "{by_name:?}"
    );
    assert_eq!(
        s.search_customers("tornillo", 8).unwrap()[0].name,
        "Ferretería El Tornillo"
    );
    assert!(s.search_customers("nadie", 8).unwrap().is_empty());
    eprintln!("six searches over 100,001 customers in {:?}", t.elapsed());

    // Export and import again: the same customers.
    let mut out = Vec::new();
    let mut all = Vec::new();
    s.visit_customers(|c| {
        all.push(c.customer);
        Ok(())
    })
    .unwrap();
    caja::csvio::write_customers(&mut out, all.clone()).unwrap();
    assert_eq!(caja::csvio::read_customers(&out).unwrap(), all);
}

#[test]
fn a_bad_customers_file_changes_nothing_and_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    s.import_customers(&[ferreteria()], CustomerMode::Upsert)
        .unwrap();
    let bad = "doc_type,doc_number,name,phone,email,address\nCC,79123456,Ana,,,\nNIT,900173769-2,Mala,,,\n";
    let e = caja::csvio::read_customers(bad.as_bytes()).unwrap_err();
    assert_eq!(e.line, 3);
    assert_eq!(e.column.as_deref(), Some("doc_number"));
    assert!(e.to_string().contains("check digit should be 1"), "{e}");
    let twice = "doc_type,doc_number,name\nCC,79123456,Ana\ncc,79.123.456,Ana B\n";
    let e = caja::csvio::read_customers(twice.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("already appears on line 2"), "{e}");
    assert_eq!(s.customers_len().unwrap(), 1);

    // Through the command line: exit status non-zero, the store unchanged.
    let data = tempfile::tempdir().unwrap();
    init_cli(data.path());
    let file = data.path().join("clientes.csv");
    std::fs::write(&file, bad).unwrap();
    let d = data.path().to_str().unwrap();
    let o = run(&[
        "customers",
        "import",
        "--data-dir",
        d,
        file.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("línea 3") && text(&o).contains("dígito de verificación"),
        "{}",
        text(&o)
    );
    std::fs::write(&file, "doc_type,doc_number,name,phone,email,address\nNIT,900173769-1,Ferretería El Tornillo,6015551234,compras@tornillo.co,Cra 7 # 12-34\n").unwrap();
    let o = run(&[
        "customers",
        "import",
        "--data-dir",
        d,
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["customers", "export", "--data-dir", d]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "doc_type,doc_number,name,phone,email,address\nNIT,900173769-1,Ferretería El Tornillo,6015551234,compras@tornillo.co,Cra 7 # 12-34\n"
    );
}

#[test]
fn points_are_earned_spent_and_taken_back_by_a_refund() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    let c = ferreteria();
    s.save_customer(&header(22, 0), c.clone()).unwrap();
    let key = c.key();
    assert_eq!(s.points_balance(&key).unwrap(), 0);

    // Rice 2 x 2.900 + eggs 18.500 = 24.300 earns 24; salt (excluded) earns nothing.
    let body = sale(
        &s,
        &[("ARZ500", 2), ("HUE30", 1), ("SAL1K", 1)],
        Some(&c),
        0,
    );
    let done = s
        .commit(&header(22, 1), Commit::sale(body, &rules()).printed())
        .unwrap();
    assert_eq!(
        done.movement,
        Some(Movement {
            earned: 24,
            redeemed: 0
        })
    );
    assert_eq!(s.points_balance(&key).unwrap(), 24);
    let p = s
        .view()
        .unwrap()
        .points_of(done.seq, &done.number)
        .unwrap()
        .unwrap();
    assert_eq!(p.source, done.number);

    // More than the balance is refused, and nothing is written.
    let last = s.view().unwrap().last_doc().unwrap().unwrap().0;
    let greedy = sale(&s, &[("HUE30", 1)], Some(&c), 25);
    let e = s
        .commit(&header(22, 2), Commit::sale(greedy, &rules()).printed())
        .unwrap_err();
    assert!(e.to_string().contains("has 24 points"), "{e}");
    assert_eq!(
        s.view().unwrap().last_doc().unwrap().unwrap().0,
        last,
        "nothing written"
    );
    // Points without a customer are refused too.
    let anon = sale(&s, &[("HUE30", 1)], None, 5);
    assert!(
        s.commit(&header(22, 2), Commit::sale(anon, &rules()).printed())
            .is_err()
    );

    // 20 points (200) pay part of 18.500: 18.300 paid with money earns 18.
    let spend = sale(&s, &[("HUE30", 1)], Some(&c), 20);
    let spent = s
        .commit(&header(22, 3), Commit::sale(spend, &rules()).printed())
        .unwrap();
    assert_eq!(
        spent.movement,
        Some(Movement {
            earned: 18,
            redeemed: 20
        })
    );
    assert_eq!(s.points_balance(&key).unwrap(), 24 - 20 + 18);

    // Refunding one rice (2.900 of the 24.300 that earned 24) takes back 3 (2.86 rounded up);
    // the rest of the first sale (21.400, 21.14 points) takes back what is left of its 24,
    // 21, never more. Points already spent can leave the balance below zero this way.
    let lines = vec![caja::domain::refund::ReturnedLine {
        line: 0,
        qty: Qty::units(1).unwrap(),
    }];
    s.commit(
        &header(22, 4),
        Commit::refund(&done.number, &lines, "roto", vec![], &rules()).printed(),
    )
    .unwrap();
    assert_eq!(s.points_balance(&key).unwrap(), 22 - 3);
    let rest = vec![
        caja::domain::refund::ReturnedLine {
            line: 0,
            qty: Qty::units(1).unwrap(),
        },
        caja::domain::refund::ReturnedLine {
            line: 1,
            qty: Qty::units(1).unwrap(),
        },
    ];
    s.commit(
        &header(22, 5),
        Commit::refund(&done.number, &rest, "todo", vec![], &rules()).printed(),
    )
    .unwrap();
    assert_eq!(s.points_balance(&key).unwrap(), 19 - 21);

    // Returning what was paid partly with points: the 20 points (200) go back as points, the
    // 18.300 in cash, and the 18 points it earned are taken back.
    let eggs = vec![caja::domain::refund::ReturnedLine {
        line: 0,
        qty: Qty::units(1).unwrap(),
    }];
    let back = s
        .commit(
            &header(22, 6),
            Commit::refund(&spent.number, &eggs, "roto", vec![], &rules()).printed(),
        )
        .unwrap();
    let (_, doc) = s
        .view()
        .unwrap()
        .doc_by_number(&back.number)
        .unwrap()
        .unwrap();
    let DocBody::Refund(r) = doc.doc.body else {
        panic!("not a refund")
    };
    let paid: Vec<(TenderKind, i64)> = r
        .tenders
        .iter()
        .map(|t| (t.kind, t.amount.minor()))
        .collect();
    assert_eq!(
        paid,
        vec![(TenderKind::Cash, 18_300), (TenderKind::Points, 200)]
    );
    assert_eq!(s.points_balance(&key).unwrap(), -2 - 18 + 20);
    // Every movement is a document in the chain, and the chain checks out.
    let mut movements = Vec::new();
    s.visit_from(1, |_, d| {
        if let DocBody::Points(p) = d.doc.body {
            movements.push(p.movement.net());
        }
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(movements, vec![24, -2, -3, -21, 2]);
    drop(s);
    let report = caja::store::check::check_dir(dir.path(), |_| {}).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

#[test]
fn a_customer_made_offline_reaches_the_hub_once_and_the_servers_edit_wins() {
    let hub_dir = tempfile::tempdir().unwrap();
    let h = hub(hub_dir.path());
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path());
    let c = ferreteria();
    // Offline: the customer and a sale with points.
    s.save_customer(&header(22, 0), c.clone()).unwrap();
    let body = sale(&s, &[("HUE30", 2)], Some(&c), 0);
    s.commit(&header(22, 1), Commit::sale(body, &rules()).printed())
        .unwrap();
    let usb = tempfile::tempdir().unwrap();
    let backup = s
        .backup_to(usb.path(), chrono::Local::now().fixed_offset(), 1)
        .unwrap();

    let mut reg = client(&h, "FV1", "clave-fv1-segura");
    claim(&s, &mut reg).unwrap();
    let r = push(&s, &mut reg, |_, _| {}).unwrap();
    assert_eq!((r.sent, r.rejected.len()), (3, 0), "{r:?}");
    let mut admin = client(&h, "admin", "clave-admin-segura");
    let (st, doc) = admin
        .request("GET", "caja-docs/customer:NIT-900173769-1", None)
        .unwrap();
    assert_eq!(st, 200);
    assert_eq!(doc["type"], "customer");
    assert_eq!(doc["doc_number"], "900173769-1");
    let (_, points) = admin
        .request("GET", "caja-docs/points:FV1-000001", None)
        .unwrap();
    assert_eq!(
        (points["customer"].as_str(), points["points"].as_str()),
        (Some("NIT-900173769-1"), Some("37"))
    );
    // The hub published the customer in the master with the points it earned.
    let (_, master) = admin
        .request("GET", "caja-catalog/customer:NIT-900173769-1", None)
        .unwrap();
    assert_eq!(master["name"], "Ferretería El Tornillo");
    assert_eq!(master["points"], "37");

    // The acknowledgement was lost: the same documents again change nothing, points included.
    drop(s);
    let again = tempfile::tempdir().unwrap();
    std::fs::copy(&backup.path, again.path().join("caja.redb")).unwrap();
    let s = Store::open(again.path()).unwrap();
    let r = push(&s, &mut reg, |_, _| {}).unwrap();
    assert_eq!((r.sent, r.already), (0, 3));
    let (_, master) = admin
        .request("GET", "caja-catalog/customer:NIT-900173769-1", None)
        .unwrap();
    assert_eq!(master["points"], "37", "counted once");
    let (_, info) = admin.request("GET", "caja-docs", None).unwrap();
    assert_eq!(info["doc_count"], 3);

    // The register pulls the master: the balance is the server's, nothing counted twice.
    pull(&s, &mut reg, PullMode::Partial, |_| {}).unwrap();
    assert_eq!(s.points_balance(&c.key()).unwrap(), 37);

    // Both sides edit the customer: the register its phone, the back office its address.
    let mut ours = c.clone();
    ours.phone = "3001234567".into();
    s.save_customer(&header(22, 5), ours.clone()).unwrap();
    let mut theirs = master.clone();
    theirs["address"] = "Calle 80 # 10-20".into();
    assert_eq!(
        admin
            .request(
                "PUT",
                "caja-catalog/customer:NIT-900173769-1",
                Some(&theirs)
            )
            .unwrap()
            .0,
        201
    );
    let r = push(&s, &mut reg, |_, _| {}).unwrap();
    assert_eq!((r.sent, r.rejected.len()), (1, 0), "{r:?}");
    pull(&s, &mut reg, PullMode::Partial, |_| {}).unwrap();
    // The server's version wins at the register...
    let now = s.view().unwrap().customer(&c.key()).unwrap().unwrap();
    assert_eq!(now.customer.address, "Calle 80 # 10-20");
    assert_eq!(now.customer.phone, "6015551234");
    assert_eq!(now.local_edit, None);
    let history = history_lines(&s);
    assert!(
        history
            .iter()
            .any(|l| l.contains("NIT-900173769-1") && l.contains("FV1-CL-000002")),
        "the panel shows the replaced edit: {history:?}"
    );
    // ...and the register's edit is kept on the server, beside the first version.
    let (_, first) = admin
        .request("GET", "caja-docs/customer:NIT-900173769-1", None)
        .unwrap();
    assert_eq!(first["phone"], "6015551234");
    let (_, edit) = s
        .view()
        .unwrap()
        .doc_by_number("FV1-CL-000002")
        .unwrap()
        .unwrap();
    let rev = caja::sync::json::doc_rev(&edit);
    h.stop();
    let hub_store = caja::hub::store::HubStore::open(&hub_dir.path().join("hub.redb")).unwrap();
    let conflicts = hub_store.conflicts("caja-docs").unwrap();
    assert_eq!(
        conflicts,
        vec![("customer:NIT-900173769-1".to_string(), rev)],
        "the register's edit is a kept revision"
    );
}
