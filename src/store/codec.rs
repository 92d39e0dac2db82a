//! Stored records: postcard inside an append-only version envelope. Never reorder or remove a
//! variant; decode rejects trailing bytes, so a damaged record is an error, not a wrong value.

use super::StoreError;
use crate::domain::catalog::Product;
use crate::domain::document::SealedDocument;
use crate::domain::money::Currency;
use crate::domain::numbering::{AuthorizedRange, DocKind, RegisterCode};
use crate::domain::user::Role;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub enum DocRecord {
    V1(SealedDocument),
}

#[derive(Serialize, Deserialize)]
pub enum ProductRecord {
    V1(ProductV1),
    /// With how it is sold (unit or weight) and whether its price is typed at the sale.
    V2(Product),
}

impl ProductRecord {
    pub fn product(self) -> Product {
        match self {
            ProductRecord::V1(p) => Product {
                sku: p.sku,
                name: p.name,
                barcodes: p.barcodes,
                price: p.price,
                tax_rate: p.tax_rate,
                active: p.active,
                sold_by: crate::domain::catalog::SoldBy::Unit,
                open_price: false,
            },
            ProductRecord::V2(p) => p,
        }
    }
}

/// A product as stores before version 2 of the record kept it: sold by unit, priced.
#[derive(Serialize, Deserialize)]
pub struct ProductV1 {
    pub sku: String,
    pub name: String,
    pub barcodes: Vec<String>,
    pub price: crate::domain::money::Money,
    pub tax_rate: crate::domain::qty::TaxRate,
    pub active: bool,
}

/// Who this store is: made once by `init`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInfo {
    /// Random, made at init; identifies this store to the sync server.
    pub store_id: String,
    pub name: String,
    pub register: RegisterCode,
    pub currency: Currency,
    pub prices_include_tax: bool,
    pub created_utc_ms: i64,
    /// Secret for usage tokens; never logged or shown.
    pub token_secret: [u8; 32],
}

#[derive(Serialize, Deserialize)]
pub enum StoreInfoRecord {
    V1(StoreInfo),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// Argon2id PHC string.
    pub pin_hash: String,
    pub failures: u32,
    pub locked: bool,
    pub active: bool,
}

#[derive(Serialize, Deserialize)]
pub enum UserRecord {
    V1(User),
}

#[derive(Serialize, Deserialize)]
pub enum RangesRecord {
    V1(Vec<(DocKind, AuthorizedRange)>),
}

pub fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_allocvec(v)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode a record: {e}")))
}

/// Decodes a whole record; `what` names it in the error.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, StoreError> {
    decode_detail(bytes).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// The version of a record's envelope (`V1` is 1), read from its first byte (postcard's varint
/// of the variant's index): what tells a record of a newer caja from a damaged one. Envelopes
/// grow one version at a time; a first byte past 15 versions is garbled, not newer.
pub fn envelope_version(bytes: &[u8]) -> Option<u64> {
    match bytes.first() {
        Some(b) if *b < 16 => Some(u64::from(*b) + 1),
        _ => None,
    }
}

/// Decodes a whole record; the error is the decoder's own reason, for a caller that names
/// the record itself.
pub fn decode_detail<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((v, [])) => Ok(v),
        Ok((_, rest)) => Err(format!("{} unexpected bytes after the record", rest.len())),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::SoldBy;
    use crate::domain::money::Money;
    use crate::domain::qty::TaxRate;

    /// A product stored before `sold_by` and `open_price` reads as sold by the unit at its
    /// catalog price.
    #[test]
    fn a_version_1_product_reads_as_sold_by_the_unit() {
        let v1 = encode(&ProductRecord::V1(ProductV1 {
            sku: "A".into(),
            name: "Arroz".into(),
            barcodes: vec!["1".into()],
            price: Money::from_minor(2900),
            tax_rate: TaxRate::from_bp(0),
            active: true,
        }))
        .unwrap();
        let p = decode::<ProductRecord>(&v1, "product A").unwrap().product();
        assert_eq!(
            (p.sku.as_str(), p.sold_by, p.open_price),
            ("A", SoldBy::Unit, false)
        );
        let mut w = p.clone();
        w.sold_by = SoldBy::Weight;
        w.open_price = true;
        let v2 = encode(&ProductRecord::V2(w.clone())).unwrap();
        assert_eq!(
            decode::<ProductRecord>(&v2, "product A").unwrap().product(),
            w
        );
    }
}
