//! The library's layers, held by a test: a module may name only modules beneath it, so data and
//! words flow one way (domain → store → devices and sync → settings → app → ui → the terminal
//! loop) and no two modules lean on each other.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module and its layer; a module may use only modules of a lower layer.
const LAYERS: &[(&str, u8)] = &[
    ("domain", 0),
    ("version", 0),
    ("sink", 0),
    ("keymap", 0),
    ("lock", 0),
    ("i18n", 1),
    ("csvio", 2),
    ("receipt", 3),
    ("store", 3),
    ("log", 4),
    ("sales_journal", 4),
    ("devices", 4),
    // The hub writes the day's movements as the registers' journals write them.
    ("sync", 5),
    ("config", 6),
    // The other end of sync: the built-in hub and a chain's CouchDB (`caja hub`, `caja chain`).
    ("hub", 6),
    ("provision", 7),
    ("doctor", 7),
    ("app", 8),
    ("ui", 9),
    ("tui", 10),
    ("fuzzing", 10),
    // The developer tools (src/dev/: benchmarks, the register probe, the soak): above every
    // module of the register and the hub, which never use them.
    ("dev", 11),
    // The binary's command line (src/cli/, a module of main.rs): above the whole library.
    ("cli", 12),
];

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a source file names through `crate::`.
fn named(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '{')
            .collect();
        assert!(
            !name.starts_with('{'),
            "write `use crate::a::…` once per module, not `crate::{{…}}`"
        );
        out.push(name);
    }
    out
}

#[test]
fn no_module_names_a_module_above_it() {
    let layer: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    let mut wrong = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        // The binary, the library's root, and the build script (src/build.rs, no module).
        if module == "main" || module == "lib" || module == "build" {
            continue;
        }
        let Some(&own) = layer.get(module.as_str()) else {
            panic!(
                "src/{} is in no layer: add `{module}` to LAYERS",
                rel.display()
            );
        };
        let text = std::fs::read_to_string(f).unwrap();
        for used in named(&text) {
            if used == module {
                continue;
            }
            let Some(&theirs) = layer.get(used.as_str()) else {
                panic!(
                    "src/{} names crate::{used}, which is in no layer",
                    rel.display()
                );
            };
            if theirs >= own {
                wrong.push(format!(
                    "src/{} ({module}) uses crate::{used}",
                    rel.display()
                ));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_sees_an_upward_import() {
    assert_eq!(
        named("use crate::ui::theme;\nlet x = crate::app::App::new();"),
        ["ui", "app"]
    );
}
