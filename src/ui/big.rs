//! Large digits for the total and the change: three rows of plain ASCII (`_` and `|`), so they
//! read the same on a vt100, the Linux console and over SSH.

const DIGITS: [[&str; 3]; 10] = [
    [" _ ", "| |", "|_|"],
    ["   ", "  |", "  |"],
    [" _ ", " _|", "|_ "],
    [" _ ", " _|", " _|"],
    ["   ", "|_|", "  |"],
    [" _ ", "|_ ", " _|"],
    [" _ ", "|_ ", "|_|"],
    [" _ ", "  |", "  |"],
    [" _ ", "|_|", "|_|"],
    [" _ ", "|_|", " _|"],
];

/// The three rows of `text` in large digits; characters other than digits, '.', ',' and '-'
/// are left out. `None` if it would be wider than `width`.
pub fn render(text: &str, width: usize) -> Option<[String; 3]> {
    let mut rows = [String::new(), String::new(), String::new()];
    for c in text.chars() {
        let glyph: [&str; 3] = match c {
            '0'..='9' => DIGITS[c as usize - '0' as usize],
            '.' => [" ", " ", "."],
            ',' => [" ", " ", ","],
            '-' => ["   ", " _ ", "   "],
            _ => continue,
        };
        for (r, g) in rows.iter_mut().zip(glyph) {
            r.push_str(g);
        }
    }
    (rows[0].chars().count() <= width).then_some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_in_three_rows() {
        let r = render("18.500", 80).unwrap();
        assert_eq!(r[0], "    _   _  _  _ ");
        assert_eq!(r[1], "  ||_| |_ | || |");
        assert_eq!(r[2], "  ||_|. _||_||_|");
        assert!(render("1.234.567.890", 10).is_none());
    }
}
