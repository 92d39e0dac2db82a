//! The register's function keys, declared once: what each F key does, on the screen where it
//! does it.
//!
//! `app::keys` reads a key press through this table, and the sale screen's key bar is drawn
//! from it. The words never spell a key: a hint or a help line names it `{key:NAME}`, and
//! `i18n` writes the key from this table when it loads its words. A key moves by changing one
//! line here, on the screen, in the help and in both languages.

/// The screen (or the kind of screen) where a key does what its [`Key`] says. Two keys of one
/// place never share a number.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The sale screen; its key bar shows these keys in this order.
    Sale,
    /// The payment screen's tenders.
    Payment,
    /// The customer list.
    Customers,
    /// The sales report.
    Report,
    /// The diagnostics screen.
    Diagnostics,
    /// A list whose work is confirmed (the refund's lines, the customer's form): the same key
    /// as paying.
    Lists,
}

macro_rules! keys {
    ($($(#[$m:meta])* $key:ident = $n:expr, $name:literal, $place:ident;)*) => {
        /// What a function key does, where it does it.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        pub enum Key {
            $($(#[$m])* $key,)*
        }

        impl Key {
            /// Every key, in the table's order.
            pub const ALL: &[Key] = &[$(Key::$key,)*];

            /// The function key's number: 1 is F1.
            pub const fn number(self) -> u8 {
                match self {
                    $(Key::$key => $n,)*
                }
            }

            /// The name the words give it: `{key:NAME}`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Key::$key => $name,)*
                }
            }

            /// Where it does what it does.
            pub const fn place(self) -> Place {
                match self {
                    $(Key::$key => Place::$place,)*
                }
            }
        }
    };
}

keys! {
    Help = 1, "help", Sale;
    Search = 2, "search", Sale;
    Customer = 3, "customer", Sale;
    Discount = 4, "discount", Sale;
    Hold = 5, "hold", Sale;
    Recall = 6, "recall", Sale;
    Reprint = 7, "reprint", Sale;
    VoidLine = 8, "void", Sale;
    /// The supervisor menu; also from the login and the shift opening.
    Menu = 9, "menu", Sale;
    Sync = 10, "sync", Sale;
    Pay = 12, "pay", Sale;
    Card = 2, "card", Payment;
    Transfer = 3, "transfer", Payment;
    OtherTender = 4, "other", Payment;
    Points = 5, "points", Payment;
    NewCustomer = 2, "new", Customers;
    EditCustomer = 4, "edit", Customers;
    RemoveCustomer = 8, "remove", Customers;
    Print = 5, "print", Report;
    Export = 6, "export", Report;
    Rerun = 5, "rerun", Diagnostics;
    /// Confirms a list's work: returns a refund's lines, saves a customer.
    Confirm = Key::Pay.number(), "confirm", Lists;
}

impl Key {
    /// The key as the words show it ("F12").
    pub fn label(self) -> String {
        format!("F{}", self.number())
    }

    /// The key the words name `name`.
    pub fn named(name: &str) -> Option<Key> {
        Key::ALL.iter().copied().find(|k| k.name() == name)
    }
}

/// `text` with every `{key:NAME}` written as its key ("F12"). A name this table lacks is left
/// as written, for the test that reads every text to find.
pub fn with_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{key:") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 5..];
        match after
            .find('}')
            .and_then(|end| Some((end, Key::named(&after[..end])?)))
        {
            Some((end, key)) => {
                out.push_str(&key.label());
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("{key:");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_keys_of_one_place_share_a_number_or_a_name() {
        for a in Key::ALL {
            assert!((1..=12).contains(&a.number()), "{a:?}");
            for b in Key::ALL {
                if a != b {
                    assert_ne!(a.name(), b.name());
                    if a.place() == b.place() {
                        assert_ne!(a.number(), b.number(), "{a:?} and {b:?}");
                    }
                }
            }
        }
        assert_eq!(Key::Confirm.number(), Key::Pay.number());
    }

    #[test]
    fn names_are_written_as_their_keys() {
        assert_eq!(with_keys("{key:pay} pagar"), "F12 pagar");
        assert_eq!(with_keys("{key:hold} / {key:recall}: {n}"), "F5 / F6: {n}");
        assert_eq!(with_keys("{key:nope} {key:"), "{key:nope} {key:");
        assert_eq!(with_keys("sin teclas"), "sin teclas");
    }
}
