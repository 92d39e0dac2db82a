//! The shop's rules, pure: no terminal, file, clock or randomness. Time and ids are passed in.

pub mod catalog;
pub mod customer;
pub mod day;
pub mod document;
pub mod loyalty;
pub mod money;
pub mod numbering;
pub mod qty;
pub mod refund;
pub mod report;
pub mod scale;
pub mod tender;
pub mod ticket;
pub mod token;
pub mod user;

pub use catalog::Product;
pub use document::{
    BusinessDate, CashDirection, CashMoveBody, DocBody, Document, RefundBody, SaleBody,
    SealedDocument, Stamp,
};
pub use money::{Currency, Money};
pub use numbering::{DocKind, RegisterCode};
pub use qty::{Qty, TaxRate};
pub use tender::{Tender, TenderKind};
pub use ticket::{Discount, TicketLine};
