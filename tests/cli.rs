//! The command-line contract (README.md, "Commands"), driven through the real binary.

use crate::common::*;

#[test]
fn init_provisions_once_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let cfg = std::fs::read_to_string(dir.path().join("caja.toml")).unwrap();
    assert!(
        cfg.contains("[printer]") && cfg.contains("language = \"es\""),
        "{cfg}"
    );
    let before = std::fs::read(dir.path().join("caja.redb")).unwrap();
    let o = run(&[
        "init",
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--store",
        "Otra",
        "--register",
        "FV2",
        "--supervisor",
        "ana",
        "--pin",
        "1234",
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("ya tiene una tienda"), "{}", text(&o));
    assert!(
        std::fs::read(dir.path().join("caja.redb")).unwrap() == before,
        "init touched an existing store"
    );
}

#[test]
fn init_rejects_bad_input_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("x");
    let d = d.to_str().unwrap();
    for (args, says) in [
        (
            vec!["--register", "fv-1", "--supervisor", "ana", "--pin", "1234"],
            "Código de caja",
        ),
        (
            vec!["--register", "FV1", "--supervisor", "Ana", "--pin", "1234"],
            "Usuario: 1 a 24",
        ),
        (
            vec!["--register", "FV1", "--supervisor", "ana", "--pin", "12"],
            "PIN",
        ),
        (
            vec![
                "--register",
                "FV1",
                "--supervisor",
                "ana",
                "--pin",
                "1234",
                "--currency",
                "XXX",
            ],
            "Moneda: COP",
        ),
    ] {
        let mut all = vec!["init", "--data-dir", d, "--store", "T"];
        all.extend(args);
        let o = run(&all);
        assert!(
            !o.status.success() && text(&o).contains(says),
            "{all:?}: {}",
            text(&o)
        );
        assert!(
            !dir.path().join("x").join("caja.redb").exists(),
            "a refused init left a store"
        );
    }
}

#[test]
fn catalog_import_export_and_a_bad_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let d = dir.path().to_str().unwrap();
    let export = |d: &str| {
        let o = run(&["catalog", "export", "--data-dir", d]);
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let before = export(d);
    assert!(before.starts_with("sku,barcode,name,price,tax_rate"));

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "sku,barcode,name,price,tax_rate\nNEW1,1111,Nuevo,1.000,19\nNEW2,2222,Otro,doce,19\n",
    )
    .unwrap();
    let o = run(&["catalog", "import", "--data-dir", d, bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let msg = text(&o);
    assert!(
        msg.contains("línea 3")
            && msg.contains("columna price")
            && msg.contains("doce")
            && msg.contains("no se importó nada"),
        "{msg}"
    );
    assert_eq!(export(d), before);

    let good = dir.path().join("good.csv");
    std::fs::write(&good, "sku,barcode,barcode,name,price,tax_rate\nNEW1,1111,1112,Nuevo producto,1.000,19\nARZ500,7702001000011,,Arroz blanco 500 g,3.100,0\n").unwrap();
    let o = run(&["catalog", "import", "--data-dir", d, good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("agregados 1, actualizados 1"),
        "{}",
        text(&o)
    );
    let after = export(d);
    assert!(
        after.contains("NEW1,1111|1112,Nuevo producto,1000,19,true"),
        "{after}"
    );
    assert!(
        after.contains("ARZ500,7702001000011,Arroz blanco 500 g,3100,0,true"),
        "{after}"
    );

    // Export -> replace import -> export gives the same file.
    let round = dir.path().join("round.csv");
    std::fs::write(&round, &after).unwrap();
    let o = run(&[
        "catalog",
        "import",
        "--data-dir",
        d,
        round.to_str().unwrap(),
        "--mode",
        "replace",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(export(d), after);
}

#[test]
fn journal_lists_documents_as_text_and_csv_with_filters() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let d = dir.path().to_str().unwrap();
    assert!(
        run(&["soak", "--data-dir", d, "--count", "3", "--cashier", "luis"])
            .status
            .success()
    );
    assert!(
        run(&["soak", "--data-dir", d, "--count", "2", "--cashier", "ana"])
            .status
            .success()
    );
    let today = chrono::Local::now().date_naive().to_string();
    let o = journal(d, &today, &today, &["--format", "csv"]);
    assert!(o.status.success(), "{}", text(&o));
    let csv = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "number,type,business_date,at,register,cashier,total,cash,card,transfer,other,change,overrides,detail"
    );
    assert_eq!(lines.len(), 6);
    assert!(
        lines[1].starts_with(&format!("FV1-000001,sale,{today},")),
        "{}",
        lines[1]
    );
    assert!(
        lines[5].starts_with("FV1-000005,") && lines[5].contains(",ana,"),
        "{}",
        lines[5]
    );
    let o = journal(d, &today, &today, &["--cashier", "luis"]);
    let t = text(&o);
    assert!(
        t.contains("FV1-000003") && !t.contains("FV1-000004") && t.contains("3 documentos"),
        "{t}"
    );
    let o = journal(d, "2020-01-01", "2020-01-31", &[]);
    assert!(text(&o).contains("0 documentos"), "{}", text(&o));
    // Filters by document type and tender.
    let o = journal(d, &today, &today, &["--type", "sale", "--tender", "cash"]);
    assert!(text(&o).contains("5 documentos"), "{}", text(&o));
    let o = journal(d, &today, &today, &["--type", "refund"]);
    assert!(text(&o).contains("0 documentos"), "{}", text(&o));
    let o = journal(d, &today, &today, &["--tender", "card"]);
    assert!(text(&o).contains("0 documentos"), "{}", text(&o));
    let o = journal(d, &today, &today, &["--type", "bogus"]);
    assert!(!o.status.success() && text(&o).contains("no es un tipo de documento"));
    let o = journal(d, "2026-02-30", "2026-03-01", &[]);
    assert!(!o.status.success());
}

#[test]
fn check_passes_on_a_sound_store_and_fails_on_a_damaged_one_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let d = dir.path().to_str().unwrap();
    assert!(
        run(&["soak", "--data-dir", d, "--count", "200"])
            .status
            .success()
    );
    let o = run(&["check", "--data-dir", d]);
    assert!(
        o.status.success() && text(&o).contains("OK"),
        "{}",
        text(&o)
    );

    // Flip every byte of the page that holds a document.
    let path = dir.path().join("caja.redb");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(10)
        .position(|w| w == b"FV1-000100")
        .expect("a document page");
    let mid = at / 4096 * 4096;
    for b in &mut bytes[mid..mid + 4096] {
        *b ^= 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let o = run(&["check", "--data-dir", d]);
    assert!(!o.status.success(), "a damaged store passed: {}", text(&o));
    assert!(
        !text(&o).contains("panicked") && text(&o).contains("página sin sentido"),
        "{}",
        text(&o)
    );
    // The sales journal reads the electronic journal, which the damage did not reach: every
    // document is still listed, and the damaged store is not touched.
    let before = std::fs::read(&path).unwrap();
    let o = journal(d, "2000-01-01", "2100-01-01", &["--format", "csv"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(text(&o).lines().count(), 201, "{}", text(&o));
    assert!(text(&o).contains("FV1-000100"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // And a rebuild recovers every sale from it, keeping the damaged file aside.
    let o = run(&["rebuild", "--data-dir", d]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("reconstruida: 200 documentos"),
        "{}",
        text(&o)
    );
    let o = run(&["check", "--data-dir", d]);
    assert!(o.status.success(), "{}", text(&o));
    let aside = damaged_aside(dir.path());
    assert_eq!(aside.len(), 1);
    assert_eq!(std::fs::read(&aside[0]).unwrap(), before);
}

#[test]
fn a_store_that_is_not_a_store_gets_a_message_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("caja.redb"), vec![0x42u8; 10_000]).unwrap();
    for args in [
        vec!["check"],
        vec!["journal", "--from", "2026-11-01", "--to", "2026-11-30"],
        vec!["catalog", "export"],
    ] {
        let mut all = args.clone();
        all.extend(["--data-dir", dir.path().to_str().unwrap()]);
        let o = run(&all);
        assert!(!o.status.success());
        let t = text(&o);
        assert!(
            t.contains("no es un archivo de tienda de caja") && !t.contains("panicked"),
            "{args:?}: {t}"
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("caja.redb")).unwrap(),
        vec![0x42u8; 10_000]
    );
    let o = run(&[
        "check",
        "--data-dir",
        dir.path().join("nothing").to_str().unwrap(),
    ]);
    assert!(
        !o.status.success() && text(&o).contains("no hay una caja configurada"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_bad_config_file_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    std::fs::write(dir.path().join("caja.toml"), "[printer]\ncolumns = 40\n").unwrap();
    let o = run(&["--data-dir", dir.path().to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("caja.toml") && text(&o).contains("printer.columns"),
        "{}",
        text(&o)
    );
}

#[test]
fn token_answers_the_registers_challenge() {
    use caja::domain::token::{TokenGuard, answer, window};
    let dir = tempfile::tempdir().unwrap();
    init_cli(dir.path());
    let o = run(&[
        "token",
        "123 456 789",
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let given = String::from_utf8(o.stdout).unwrap().trim().to_string();
    assert_eq!(given.len(), 8);
    let store = caja::store::Store::open(dir.path()).unwrap();
    let now = chrono::Utc::now().timestamp();
    let expected: Vec<String> = [window(now) - 1, window(now)]
        .iter()
        .map(|w| answer(&store.info().token_secret, "FV1", 123_456_789, *w))
        .collect();
    assert!(expected.contains(&given), "{given} not in {expected:?}");
    assert_eq!(
        TokenGuard::default().check(
            &store.info().token_secret,
            "FV1",
            123_456_789,
            &given,
            now,
            4
        ),
        Ok(())
    );
    let o = run(&["token", "12345", "--data-dir", dir.path().to_str().unwrap()]);
    assert!(
        !o.status.success() && text(&o).contains("9 dígitos"),
        "{}",
        text(&o)
    );
}

/// Everything the command line says to people (check, its problems, rebuild, sync, journal,
/// the imports and their refusals) is in the data folder's language, and nothing of the other
/// one shows through.
#[test]
fn the_command_line_speaks_the_folders_language() {
    const ENGLISH: &[&str] = &[
        "documents",
        "records",
        "line ",
        "column ",
        "cannot",
        "nothing",
        "verified",
        "journal",
        "damaged",
        "rebuilt",
        "recovered",
        "pushed",
        "not ",
        " the ",
        " is ",
        "sync is",
        "by tender",
    ];
    const SPANISH: &[&str] = &[
        "documentos",
        "registros",
        "línea",
        "columna",
        "no se",
        "verific",
        "diario",
        "dañad",
        "reconstruida",
        "recuperado",
        "enviados",
        "tienda",
        "sincroniza",
        "medio de pago",
    ];
    for (lang, store, foreign) in [
        ("es", "Tienda Uno", ENGLISH),
        ("en", "Corner Shop", SPANISH),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let mut said = vec![init_in(dir.path(), store, lang)];
        assert!(
            run(&["soak", "--data-dir", d, "--count", "5"])
                .status
                .success()
        );
        let today = chrono::Local::now().date_naive().to_string();
        let bad = dir.path().join("bad.csv");
        std::fs::write(
            &bad,
            "sku,barcode,name,price,tax_rate\nNEW1,1111,Nuevo,12x,19\n",
        )
        .unwrap();
        let bad = bad.to_str().unwrap();
        let bad_customers = dir.path().join("bad-customers.csv");
        std::fs::write(
            &bad_customers,
            "doc_type,doc_number,name\nNIT,900173769-2,Ferretería\n",
        )
        .unwrap();
        let bad_customers = bad_customers.to_str().unwrap();
        for args in [
            vec!["check"],
            vec!["journal", "--from", &today, "--to", &today],
            vec![
                "journal", "--from", &today, "--to", &today, "--type", "bogus",
            ],
            vec!["catalog", "import", bad],
            vec!["customers", "import", bad_customers],
            vec!["sync"],
            vec!["user", "add", "Ana Maria", "--pin", "1234"],
            vec!["user", "add", "luisa", "--pin", "12"],
            vec!["user", "add", "luisa", "--pin", "1234"],
            vec!["user", "add", "luisa", "--pin", "1234"],
            vec!["user", "unlock", "nadie"],
        ] {
            let mut all = args.clone();
            all.extend(["--data-dir", d]);
            said.push(text(&run(&all)));
        }
        // A sync server that does not answer.
        let cfg = dir.path().join("caja.toml");
        let mut toml = std::fs::read_to_string(&cfg).unwrap();
        toml = toml.replace("url = \"\"", "url = \"http://127.0.0.1:9\"");
        std::fs::write(&cfg, &toml).unwrap();
        let o = run(&["sync", "--data-dir", d]);
        assert!(!o.status.success());
        said.push(text(&o));
        // A damaged byte in the journal: check names it, and a rebuild says what it did.
        let journal = dir.path().join("journal");
        let file = std::fs::read_dir(&journal)
            .unwrap()
            .map(|e| e.unwrap().path())
            .max()
            .unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        let at = bytes
            .windows(10)
            .position(|w| w == b"FV1-000003")
            .expect("a journal record");
        bytes[at + 4] ^= 0xFF;
        std::fs::write(&file, &bytes).unwrap();
        let o = run(&["check", "--data-dir", d]);
        assert!(!o.status.success(), "{}", text(&o));
        said.push(text(&o));
        let o = run(&["rebuild", "--data-dir", d]);
        assert!(o.status.success(), "{}", text(&o));
        said.push(text(&o));
        // Paths are names, not words.
        let all = said
            .join("\n")
            .lines()
            .map(|l| {
                l.split(' ')
                    .filter(|w| !w.contains(d))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n");
        if std::env::var_os("CAJA_CLI").is_some() {
            println!("{lang}:\n{all}");
        }
        // Document kinds and pull modes by their names, not their codes.
        let named = if lang == "es" {
            "últimos números: venta 5"
        } else {
            "last numbers: sale 5"
        };
        assert!(all.contains(named), "{lang}: {all}");
        for w in foreign {
            assert!(
                !all.to_lowercase().contains(w),
                "{lang}: '{w}' of the other language in:\n{all}"
            );
        }
    }
}

/// The operating system's errors a technician meets read in the folder's language, after what
/// was being done: a folder given for a file, a file given for the backups' folder.
#[test]
fn the_systems_errors_read_in_the_folders_language() {
    for (lang, folder_for_file, file_for_folder) in [
        (
            "es",
            "no se puede leer el archivo: es una carpeta, no un archivo",
            "es un archivo, no una carpeta",
        ),
        (
            "en",
            "cannot read the file: it is a folder, not a file",
            "is a file, not a folder",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        init_in(dir.path(), "Tienda", lang);
        let data = dir.path().to_str().unwrap();
        let o = run(&["catalog", "import", "--data-dir", data, data]);
        assert!(!o.status.success());
        let t = text(&o);
        assert!(t.contains(folder_for_file), "{t}");
        assert!(!t.contains("os error"), "{t}");
        let file = dir.path().join("caja.toml");
        let o = run(&["backup", "--data-dir", data, "--to", file.to_str().unwrap()]);
        assert!(!o.status.success());
        let t = text(&o);
        assert!(t.contains(file_for_folder), "{t}");
        assert!(!t.contains("os error") && !t.contains("File exists"), "{t}");
    }
}

/// The keystroke benchmark's probe (`benches/keystrokes.sh` runs it under callgrind) logs in,
/// opens a new store's first date as its supervisor, and sells: a change to the register's flow
/// must not leave the benchmark unable to run.
#[test]
fn the_keystroke_benchmarks_probe_sells_on_a_new_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let o = run(&[
        "init",
        "--data-dir",
        data,
        "--store",
        "Banco",
        "--register",
        "FV1",
        "--supervisor",
        "bench",
        "--pin",
        "1234",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    // The benchmark's catalog, as benches/keystrokes.sh writes it.
    let mut csv = String::from("sku,barcode,name,price,tax_rate\n");
    for i in 0..37 {
        csv.push_str(&format!(
            "P{i:06},77{i:011},Producto de prueba {i},{},19\n",
            100 * (5 + i % 500)
        ));
    }
    let file = dir.path().join("catalog.csv");
    std::fs::write(&file, csv).unwrap();
    let o = run(&[
        "catalog",
        "import",
        "--data-dir",
        data,
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&[
        "bench-register",
        "--data-dir",
        data,
        "--items",
        "37",
        "--tickets",
        "2",
    ]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("keys "), "{t}");
    assert!(
        t.contains("tickets_sold FV1-000002"),
        "two tickets paid: {t}"
    );
}
