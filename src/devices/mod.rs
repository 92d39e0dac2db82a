//! Receipt printers, the cash drawer and the customer display.

pub mod codepage;
pub mod escpos;
