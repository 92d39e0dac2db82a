//! A key press read through the keymap (`crate::keymap`, where every function key is declared
//! once). Each screen asks here what a key does there; the sale screen's key bar and the
//! supervisor's PIN prompt are written from here too.
//!
//! Terminals without function keys reach them as Esc and a digit (see `App::on_key`), which
//! arrive here as the same function keys.

use crate::i18n::Texts;
use crate::keymap::Key;
use ratatui::crossterm::event::KeyCode;

/// The key press of a keymap's key.
pub const fn code(key: Key) -> KeyCode {
    KeyCode::F(key.number())
}

/// Which of `keys` `code` is.
fn which(code: KeyCode, keys: &[Key]) -> Option<Key> {
    let KeyCode::F(n) = code else { return None };
    keys.iter().copied().find(|k| k.number() == n)
}

/// The function key a digit stands for after Esc (the Midnight Commander way): 1..9 are
/// F1..F9, 0 is F10, `-` F11 and `=` F12.
pub fn function_key_of_digit(c: char) -> Option<KeyCode> {
    let n = match c {
        '1'..='9' => c as u8 - b'0',
        '0' => 10,
        '-' => 11,
        '=' => 12,
        _ => return None,
    };
    Some(KeyCode::F(n))
}

/// Where Up and Down move a list's selection (or a view's scroll) of `len` rows from `at`:
/// one row, and never past either end.
pub fn step(at: usize, len: usize, code: KeyCode) -> usize {
    match code {
        KeyCode::Up => at.saturating_sub(1),
        KeyCode::Down => (at + 1).min(len.saturating_sub(1)),
        _ => at,
    }
}

/// What a function key does on the sale screen.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SaleAction {
    Help,
    Search,
    Customer,
    Discount,
    Hold,
    Recall,
    Reprint,
    VoidLine,
    /// The supervisor menu; also from the login and the shift opening.
    Menu,
    Sync,
    Pay,
}

/// The sale screen's keys (F1..F12), in the order the key bar shows them.
pub const SALE_KEYS: [(u8, SaleAction); 11] = [
    (Key::Help.number(), SaleAction::Help),
    (Key::Search.number(), SaleAction::Search),
    (Key::Customer.number(), SaleAction::Customer),
    (Key::Discount.number(), SaleAction::Discount),
    (Key::Hold.number(), SaleAction::Hold),
    (Key::Recall.number(), SaleAction::Recall),
    (Key::Reprint.number(), SaleAction::Reprint),
    (Key::VoidLine.number(), SaleAction::VoidLine),
    (Key::Menu.number(), SaleAction::Menu),
    (Key::Sync.number(), SaleAction::Sync),
    (Key::Pay.number(), SaleAction::Pay),
];

impl SaleAction {
    /// The action of a key on the sale screen.
    pub fn of(code: KeyCode) -> Option<SaleAction> {
        let KeyCode::F(n) = code else { return None };
        SALE_KEYS.iter().find(|(k, _)| *k == n).map(|(_, a)| *a)
    }

    /// The function key's number.
    pub fn number(self) -> u8 {
        SALE_KEYS
            .iter()
            .find(|(_, a)| *a == self)
            .map_or(0, |(k, _)| *k)
    }

    /// The action's word on the key bar.
    pub fn word(self, t: &Texts) -> &'static str {
        match self {
            SaleAction::Help => t.key_help,
            SaleAction::Search => t.key_search,
            SaleAction::Customer => t.key_customer,
            SaleAction::Discount => t.key_discount,
            SaleAction::Hold => t.key_hold,
            SaleAction::Recall => t.key_recall,
            SaleAction::Reprint => t.key_reprint,
            SaleAction::VoidLine => t.key_void,
            SaleAction::Menu => t.key_menu,
            SaleAction::Sync => t.key_sync,
            SaleAction::Pay => t.key_pay,
        }
    }
}

/// Whether `code` opens the supervisor menu (from the sale, the login or the shift opening).
pub fn is_menu(code: KeyCode) -> bool {
    SaleAction::of(code) == Some(SaleAction::Menu)
}

/// The key that confirms a list's work: pays a ticket, returns a refund's lines, saves a
/// customer. The same key as paying.
pub const CONFIRM: KeyCode = code(Key::Confirm);

/// What a function key does on the payment screen.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PaymentAction {
    /// A tender of another kind than cash (the typed amount, or what is due).
    Tender(crate::domain::tender::TenderKind),
    /// Loyalty points: the typed amount, or as much as the customer may use.
    Points,
}

impl PaymentAction {
    pub fn of(code: KeyCode) -> Option<PaymentAction> {
        use crate::domain::tender::TenderKind;
        const KEYS: [Key; 4] = [Key::Card, Key::Transfer, Key::OtherTender, Key::Points];
        Some(match which(code, &KEYS)? {
            Key::Card => PaymentAction::Tender(TenderKind::Card),
            Key::Transfer => PaymentAction::Tender(TenderKind::Transfer),
            Key::OtherTender => PaymentAction::Tender(TenderKind::Other),
            _ => PaymentAction::Points,
        })
    }
}

/// What a function key does in the customer list.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CustomerAction {
    New,
    Edit,
    Delete,
}

impl CustomerAction {
    pub fn of(code: KeyCode) -> Option<CustomerAction> {
        if code == KeyCode::Delete {
            return Some(CustomerAction::Delete);
        }
        const KEYS: [Key; 3] = [Key::NewCustomer, Key::EditCustomer, Key::RemoveCustomer];
        Some(match which(code, &KEYS)? {
            Key::NewCustomer => CustomerAction::New,
            Key::EditCustomer => CustomerAction::Edit,
            _ => CustomerAction::Delete,
        })
    }
}

/// What a function key does on the sales report screen.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ReportAction {
    Print,
    Export,
}

impl ReportAction {
    pub fn of(code: KeyCode) -> Option<ReportAction> {
        Some(match which(code, &[Key::Print, Key::Export])? {
            Key::Print => ReportAction::Print,
            _ => ReportAction::Export,
        })
    }
}

/// The key that runs the diagnostics again (besides `r`).
pub const RERUN: KeyCode = code(Key::Rerun);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sale_key_is_one_action_and_back() {
        for (n, a) in SALE_KEYS {
            assert_eq!(SaleAction::of(KeyCode::F(n)), Some(a));
            assert_eq!(a.number(), n);
        }
        // The key bar shows every key the keymap gives the sale screen, in its order.
        let sale: Vec<u8> = Key::ALL
            .iter()
            .filter(|k| k.place() == crate::keymap::Place::Sale)
            .map(|k| k.number())
            .collect();
        assert_eq!(sale, SALE_KEYS.map(|(n, _)| n));
        // The other screens' keys, as the hints name them.
        use crate::domain::tender::TenderKind;
        assert_eq!(
            PaymentAction::of(KeyCode::F(2)),
            Some(PaymentAction::Tender(TenderKind::Card))
        );
        assert_eq!(
            PaymentAction::of(KeyCode::F(4)),
            Some(PaymentAction::Tender(TenderKind::Other))
        );
        assert_eq!(
            PaymentAction::of(KeyCode::F(5)),
            Some(PaymentAction::Points)
        );
        assert_eq!(PaymentAction::of(KeyCode::F(6)), None);
        assert_eq!(
            CustomerAction::of(KeyCode::F(8)),
            Some(CustomerAction::Delete)
        );
        assert_eq!(
            CustomerAction::of(KeyCode::Delete),
            Some(CustomerAction::Delete)
        );
        assert_eq!(
            CustomerAction::of(KeyCode::F(4)),
            Some(CustomerAction::Edit)
        );
        assert_eq!(ReportAction::of(KeyCode::F(6)), Some(ReportAction::Export));
        assert_eq!((CONFIRM, RERUN), (KeyCode::F(12), KeyCode::F(5)));
        assert_eq!(SaleAction::of(KeyCode::F(11)), None);
        assert_eq!(SaleAction::of(KeyCode::Char('1')), None);
        assert!(is_menu(KeyCode::F(9)));
        assert_eq!(function_key_of_digit('1'), Some(KeyCode::F(1)));
        assert_eq!(function_key_of_digit('0'), Some(KeyCode::F(10)));
        assert_eq!(function_key_of_digit('='), Some(KeyCode::F(12)));
        assert_eq!(function_key_of_digit('a'), None);
        // Every action has a word in both languages.
        for lang in [crate::i18n::Language::Es, crate::i18n::Language::En] {
            for (_, a) in SALE_KEYS {
                assert!(!a.word(crate::i18n::texts(lang)).is_empty(), "{a:?}");
            }
        }
    }

    #[test]
    fn up_and_down_stay_in_the_list() {
        assert_eq!(step(0, 3, KeyCode::Up), 0);
        assert_eq!(step(1, 3, KeyCode::Up), 0);
        assert_eq!(step(1, 3, KeyCode::Down), 2);
        assert_eq!(step(2, 3, KeyCode::Down), 2);
        assert_eq!(step(0, 0, KeyCode::Down), 0);
        assert_eq!(step(1, 3, KeyCode::Enter), 1);
    }
}
