//! People at the register: roles and what each may do.

use serde::{Deserialize, Serialize};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Cashier,
    Supervisor,
    Technician,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Supervisor => "supervisor",
            Role::Technician => "technician",
        }
    }

    pub fn from_code(s: &str) -> Option<Role> {
        [Role::Cashier, Role::Supervisor, Role::Technician]
            .into_iter()
            .find(|r| r.code() == s)
    }
}

/// Wrong PINs in a row before a user is locked until a supervisor unlocks them.
pub const MAX_PIN_FAILURES: u32 = 5;

/// A user name: 1 to 24 lowercase letters, digits, '.', '_' or '-'.
pub fn valid_user_name(s: &str) -> bool {
    (1..=24).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// A PIN: 4 to 12 digits.
pub fn valid_pin(s: &str) -> bool {
    (4..=12).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_pins() {
        assert!(valid_user_name("ana.m"));
        assert!(!valid_user_name("Ana"));
        assert!(!valid_user_name(""));
        assert!(valid_pin("1234"));
        assert!(!valid_pin("123"));
        assert!(!valid_pin("12a4"));
    }
}
