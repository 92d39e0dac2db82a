//! Receipt printers, the cash drawer and the customer display.

pub mod codepage;
pub mod display;
pub mod escpos;
pub mod printer;
pub mod status;
pub mod transport;
