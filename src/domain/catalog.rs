//! Catalog items as the register sells them, and the rules for codes and names.

use super::money::Money;
use super::qty::TaxRate;
use serde::{Deserialize, Serialize};

/// A product on sale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub barcodes: Vec<String>,
    /// The price of one unit, or of one kilogram for goods sold by weight; for an open-price
    /// item, only what the catalog suggests (the cashier types the price).
    pub price: Money,
    pub tax_rate: TaxRate,
    pub active: bool,
    pub sold_by: SoldBy,
    /// The cashier types the price at the sale (a department key, goods not in the catalog).
    pub open_price: bool,
}

/// How a product is counted at the sale.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SoldBy {
    /// Whole units: a fractional quantity is a mistake.
    #[default]
    Unit,
    /// Kilograms, up to three decimals (grams).
    Weight,
}

impl SoldBy {
    /// The catalog file's and the sync document's word: `unit` or `weight`.
    pub fn as_str(self) -> &'static str {
        match self {
            SoldBy::Unit => "unit",
            SoldBy::Weight => "weight",
        }
    }

    /// Reads `unit` or `weight` (empty is `unit`).
    pub fn parse(s: &str) -> Option<SoldBy> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "unit" => Some(SoldBy::Unit),
            "weight" => Some(SoldBy::Weight),
            _ => None,
        }
    }

    /// Whether `qty` can be sold of such goods: a unit product takes whole numbers only.
    pub fn allows(self, qty: super::qty::Qty) -> bool {
        self == SoldBy::Weight || qty.is_whole()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error(
        "the SKU is empty or longer than 40 characters, or has spaces or control characters: '{0}'"
    )]
    BadSku(String),
    #[error("'{0}' is not a barcode: 1 to 40 letters, digits or - . / without spaces")]
    BadBarcode(String),
    #[error("the name is empty")]
    NameEmpty,
    #[error("the name has {0} characters; at most 120")]
    NameTooLong(usize),
    /// `at` counts characters from 1.
    #[error("the name has a control character at position {at}")]
    NameControl { at: usize },
    #[error("the price cannot be negative")]
    NegativePrice,
}

fn code_ok(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-./_".contains(&b))
}

/// Checks what a scanner or a cashier typed could be a code at all, before any lookup.
pub fn valid_code(s: &str) -> bool {
    code_ok(s)
}

impl Product {
    /// Checks a product before it enters the catalog.
    pub fn validate(&self) -> Result<(), CatalogError> {
        if !code_ok(&self.sku) {
            return Err(CatalogError::BadSku(self.sku.clone()));
        }
        if let Some(b) = self.barcodes.iter().find(|b| !code_ok(b)) {
            return Err(CatalogError::BadBarcode(b.clone()));
        }
        let n = self.name.trim();
        if n.is_empty() {
            return Err(CatalogError::NameEmpty);
        }
        if let Some(at) = self.name.chars().position(char::is_control) {
            return Err(CatalogError::NameControl { at: at + 1 });
        }
        let chars = n.chars().count();
        if chars > 120 {
            return Err(CatalogError::NameTooLong(chars));
        }
        if self.price.is_negative() {
            return Err(CatalogError::NegativePrice);
        }
        Ok(())
    }
}

/// Folds a letter to the plain lowercase ASCII a cashier types: "Ñandú" -> "nandu".
fn fold(c: char) -> Option<char> {
    let c = c.to_lowercase().next().unwrap_or(c);
    Some(match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        c if c.is_ascii_alphanumeric() => c,
        _ => return None,
    })
}

/// The words of a name or a query, folded for search: "Café Águila 500g" -> ["cafe", "aguila", "500g"].
pub fn search_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        match fold(c) {
            Some(f) => cur.push(f),
            None if !cur.is_empty() => words.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// A 64-bit sketch of the prefixes (one to four letters) of a name's words: a query word whose
/// prefix bit is missing cannot start any word of the name. Stored in the name index, so a
/// search rules out most candidates without loading them; the hash (FNV-1a) never changes.
pub fn prefix_sketch(words: &[String]) -> u64 {
    let mut sketch = 0u64;
    for w in words {
        for (i, c) in w.char_indices().take(4) {
            sketch |= prefix_bit(&w[..i + c.len_utf8()]);
        }
    }
    sketch
}

/// The bits a name's sketch must have for every query word to start one of its words.
pub fn query_sketch(query: &[String]) -> u64 {
    query
        .iter()
        .filter_map(|q| {
            let end = q.char_indices().nth(4).map_or(q.len(), |(i, _)| i);
            (end > 0).then(|| prefix_bit(&q[..end]))
        })
        .fold(0, |a, b| a | b)
}

fn prefix_bit(prefix: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in prefix.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    1 << (h % 64)
}

/// True when every query word starts some word of the name.
pub fn name_matches(name_words: &[String], query_words: &[String]) -> bool {
    query_words
        .iter()
        .all(|q| name_words.iter().any(|w| w.starts_with(q.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matching_name_always_has_the_querys_sketch() {
        let name = search_words("Arroz Diana Ñandú 500g integral");
        for q in [
            "dia arr",
            "ñan",
            "nandu 5",
            "integral",
            "a d 500g",
            "arroz diana",
        ] {
            let q = search_words(q);
            assert!(name_matches(&name, &q));
            let want = query_sketch(&q);
            assert_eq!(prefix_sketch(&name) & want, want, "{q:?}");
        }
        assert_eq!(prefix_bit("arr"), prefix_bit("arr"));
    }

    #[test]
    fn search_folds_accents_and_case() {
        assert_eq!(
            search_words("Café Águila 500g"),
            vec!["cafe", "aguila", "500g"]
        );
        assert_eq!(
            search_words("  AZÚCAR--Manuelita "),
            vec!["azucar", "manuelita"]
        );
        assert!(name_matches(
            &search_words("Arroz Diana 500g"),
            &search_words("dia arr")
        ));
        assert!(!name_matches(
            &search_words("Arroz Diana 500g"),
            &search_words("roz")
        ));
    }

    #[test]
    fn garbage_codes_are_refused() {
        assert!(valid_code("7702001012345"));
        assert!(valid_code("ARZ-500"));
        for bad in ["", "abc def", "12\u{7}3", "ñ", &"9".repeat(41)] {
            assert!(!valid_code(bad), "{bad:?}");
        }
    }
}
