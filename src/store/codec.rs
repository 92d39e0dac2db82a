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
    V1(Product),
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
    match postcard::take_from_bytes::<T>(bytes) {
        Ok((v, [])) => Ok(v),
        Ok((_, rest)) => Err(StoreError::Corrupt(format!(
            "{what}: {} unexpected bytes after the record",
            rest.len()
        ))),
        Err(e) => Err(StoreError::Corrupt(format!("{what}: {e}"))),
    }
}
