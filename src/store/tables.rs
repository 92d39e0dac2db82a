//! Every table of the store, in one place. Names carry a version: a table whose record layout
//! changes gets a new name and a migration, never a silent reinterpretation.
//!
//! The sale path touches exactly one tree (`docs_v1`): redb is copy-on-write, so each extra
//! tree in a commit costs several 4 KiB pages on a flash disk that wears out.

use redb::TableDefinition;

/// The schema this build reads and writes. 2: the name indexes hold an 8-byte sketch of the
/// name, not a copy of it.
pub const SCHEMA_VERSION: u32 = 2;

/// Store identity, schema version, authorized ranges, sync cursors.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta_v1");
/// Every committed document, keyed by its place in the register's hash chain (1, 2, 3, ...).
pub const DOCS: TableDefinition<u64, &[u8]> = TableDefinition::new("docs_v1");
/// Products by SKU.
pub const PRODUCTS: TableDefinition<&str, &[u8]> = TableDefinition::new("products_v1");
/// Barcode -> SKU.
pub const BARCODES: TableDefinition<&str, &str> = TableDefinition::new("barcodes_v1");
/// "word\0SKU" for every folded word of every product name: prefix search by word. The value
/// is the name's prefix sketch (`domain::catalog::prefix_sketch`), 8 bytes, which rules out
/// most candidates of a many-word query without loading them.
pub const NAME_WORDS: TableDefinition<&str, u64> = TableDefinition::new("name_words_v2");
/// Schema 1's index, whose value repeated the whole folded name under every word (two thirds
/// of a store's size); replaced by [`NAME_WORDS`] when a schema-1 store is opened.
pub const NAME_WORDS_V1: TableDefinition<&str, &str> = TableDefinition::new("name_words_v1");
/// Users by name.
pub const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users_v1");
/// (sale seq, refund seq) for every refund, so a refund finds what was already given back.
pub const REFUNDS: TableDefinition<(u64, u64), ()> = TableDefinition::new("refunds_v1");

/// Tickets put on hold at the till (F5), so they survive a restart.
pub const HELD: TableDefinition<u64, &[u8]> = TableDefinition::new("held_v1");

/// Receipts waiting for the printer: queued in the sale's own transaction, removed once printed.
pub const PRINT_JOBS: TableDefinition<u64, &[u8]> = TableDefinition::new("print_jobs_v1");

/// Open shifts: cashier -> the chain position of the shift's opening document. Written only when
/// a shift opens or closes.
pub const SHIFTS: TableDefinition<&str, u64> = TableDefinition::new("shifts_v1");

/// Documents the sync server refused: chain position -> "id: reason". Kept for the sync panel
/// and a later resend; the push cursor moves past them so the rest of the outbox drains.
pub const SYNC_REJECTED: TableDefinition<u64, &str> = TableDefinition::new("sync_rejected_v1");

/// Catalog pulls, one line each (time, mode, counts, result), newest 200 kept.
/// Written before the history was typed; read, never written.
pub const PULL_HISTORY: TableDefinition<u64, &str> = TableDefinition::new("pull_history_v1");
/// Catalog pulls and imports, typed (`history::PullEntry`, postcard), newest 200 kept.
pub const PULL_HISTORY_V2: TableDefinition<u64, &[u8]> = TableDefinition::new("pull_history_v2");

/// Customers by key ("NIT-900173769-1").
pub const CUSTOMERS: TableDefinition<&str, &[u8]> = TableDefinition::new("customers_v1");
/// "word\0KEY" for every folded word of every customer name.
pub const CUSTOMER_WORDS: TableDefinition<&str, u64> = TableDefinition::new("customer_words_v2");
/// Schema 1's customer index (see [`NAME_WORDS_V1`]).
pub const CUSTOMER_WORDS_V1: TableDefinition<&str, &str> =
    TableDefinition::new("customer_words_v1");

/// A u64 kept in the meta table (0 when absent), read in any transaction.
pub fn meta_u64_in(
    meta: &impl redb::ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<u64, super::StoreError> {
    Ok(meta
        .get(key)?
        .and_then(|v| <[u8; 8]>::try_from(v.value()).ok())
        .map(u64::from_le_bytes)
        .unwrap_or(0))
}

pub mod meta_keys {
    pub const SCHEMA: &str = "schema_version";
    pub const STORE: &str = "store";
    pub const RANGES: &str = "authorized_ranges";
    /// Documents up to this seq have been acknowledged by the sync server.
    pub const PUSH_CURSOR: &str = "push_cursor";
    /// The catalog's `_changes` checkpoint, stored verbatim as the server sent it.
    pub const PULL_CHECKPOINT: &str = "pull_checkpoint";
    /// The last business date closed (days from the common era, i32 little-endian).
    pub const CLOSED_THROUGH: &str = "closed_through";
    /// The business date open for selling, when one is.
    pub const OPEN_DAY: &str = "open_day";
    /// Per document type (u64 little-endian, in `DocKind::index` order): the highest number the
    /// sync server held for this register code when this store took the code over. The next
    /// document of a type is numbered after both the chain and this floor.
    pub const NUMBER_FLOOR: &str = "number_floor";
    /// What a sync last saw of the server's clock: its time then this machine's, UTC
    /// milliseconds (i64 little-endian each). A hint for the business date, never a document.
    pub const SERVER_CLOCK: &str = "server_clock";
}
