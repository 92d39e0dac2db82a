//! ESC/POS bytes, exactly: Spanish text in PC858, an unencodable character, the five-byte drawer
//! pulse followed by a cut that survives, and the QR command.

use caja::devices::codepage::CodePage;
use caja::devices::escpos::{Pulse, dump, encode};
use caja::receipt::{Align, Line, Receipt, Style};

fn receipt(lines: &[(&str, Style, Align)], code: Option<&str>) -> Receipt {
    Receipt {
        columns: 42,
        lines: lines
            .iter()
            .map(|(t, s, a)| Line {
                text: t.to_string(),
                style: *s,
                align: *a,
            })
            .collect(),
        code: code.map(str::to_string),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn starts_with_init_and_the_code_page() {
    let b = encode(
        &receipt(&[("x", Style::Normal, Align::Left)], None),
        CodePage::Pc858,
        None,
    )
    .unwrap();
    assert_eq!(&b[..5], &[0x1B, b'@', 0x1B, b't', 19]);
    let b = encode(&receipt(&[], None), CodePage::Wpc1252, None).unwrap();
    assert_eq!(&b[..5], &[0x1B, b'@', 0x1B, b't', 16]);
}

#[test]
fn spanish_text_in_pc858() {
    let b = encode(
        &receipt(
            &[("¿Señal? ¡Sí! Año € über", Style::Normal, Align::Left)],
            None,
        ),
        CodePage::Pc858,
        None,
    )
    .unwrap();
    let want = [
        0xA8, b'S', b'e', 0xA4, b'a', b'l', b'?', b' ', 0xAD, b'S', 0xA1, b'!', b' ', b'A', 0xA4,
        b'o', b' ', 0xD5, b' ', 0x81, b'b', b'e', b'r', b'\n',
    ];
    assert!(find(&b, &want).is_some(), "{}", dump(&b));
    assert!(
        find(&b, "ñ".as_bytes()).is_none(),
        "raw UTF-8 reached the printer"
    );
}

#[test]
fn an_unencodable_character_becomes_a_question_mark() {
    let b = encode(
        &receipt(&[("Té ✓ 漢", Style::Normal, Align::Left)], None),
        CodePage::Pc858,
        None,
    )
    .unwrap();
    assert!(
        find(&b, &[b'T', 0x82, b' ', b'?', b' ', b'?', b'\n']).is_some(),
        "{}",
        dump(&b)
    );
}

#[test]
fn the_drawer_pulse_is_five_bytes_and_the_cut_survives() {
    let pulse = Pulse {
        pin: 2,
        on_ms: 25,
        off_ms: 250,
    };
    assert_eq!(pulse.bytes(), [0x1B, b'p', 0, 12, 125]);
    assert_eq!(
        Pulse {
            pin: 5,
            on_ms: 100,
            off_ms: 1000
        }
        .bytes(),
        [0x1B, b'p', 1, 50, 255]
    );
    let b = encode(
        &receipt(&[("TOTAL", Style::Tall, Align::Left)], None),
        CodePage::Pc858,
        Some(pulse),
    )
    .unwrap();
    // The pulse with its two timing bytes, then the partial cut, and nothing after it.
    assert!(
        b.ends_with(&[0x1B, b'p', 0, 12, 125, 0x1D, b'V', b'A', 1]),
        "{}",
        dump(&b)
    );
}

#[test]
fn emphasis_size_alignment_and_qr() {
    let r = receipt(
        &[
            ("Tienda", Style::Bold, Align::Center),
            ("TOTAL  $ 18.500", Style::Tall, Align::Left),
        ],
        Some("FV1-000123"),
    );
    let b = encode(&r, CodePage::Pc858, None).unwrap();
    assert!(
        find(&b, &[0x1B, b'a', 1, 0x1B, b'E', 1]).is_some(),
        "center + bold: {}",
        dump(&b)
    );
    assert!(
        find(&b, &[0x1D, b'!', 0x01]).is_some(),
        "double height: {}",
        dump(&b)
    );
    // QR: GS ( k, store the data (cn 49, fn 80, m 48), then print it (fn 81).
    let data = b"FV1-000123";
    let mut store = vec![0x1D, b'(', b'k', (data.len() + 3) as u8, 0, 49, 80, 48];
    store.extend_from_slice(data);
    assert!(find(&b, &store).is_some(), "QR store: {}", dump(&b));
    assert!(
        find(&b, &[0x1D, b'(', b'k', 3, 0, 49, 81, 48]).is_some(),
        "QR print: {}",
        dump(&b)
    );
    insta::assert_snapshot!("receipt_bytes", dump(&b));
}

#[test]
fn the_test_page_has_the_whole_code_page_and_ends_with_a_cut() {
    let b = caja::devices::escpos::test_page(CodePage::Pc858, 42, "caja test page").unwrap();
    assert_eq!(&b[..2], &[0x1B, b'@']);
    let table: Vec<u8> = (0x80..=0x9Fu8).chain([b'\n']).collect();
    assert!(find(&b, &table).is_some(), "{}", dump(&b));
    assert!(b.ends_with(&[0x1D, b'V', b'A', 1]));
    assert!(
        find(&b, b"123456789012345678901234567890123456789012").is_some(),
        "the 42-column ruler"
    );
}
