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

/// What a role may do. Supervisor overrides are `Supervise`: a cashier reaches them only
/// through a supervisor's PIN or a usage token.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Open a shift and sell.
    Sell,
    /// Overrides: void after subtotal, discount over the limit, refund, no-sale opening, cash in
    /// and out, reprint, unlock a user, close another cashier's shift, the X report.
    Supervise,
    /// Close the business date (Z) and open a date out of sequence.
    CloseDay,
    /// Take a backup.
    Backup,
    /// The diagnostics screen and device tests.
    Diagnose,
}

/// The permission table: one row per role.
pub const PERMISSIONS: [(Role, &[Permission]); 3] = [
    (Role::Cashier, &[Permission::Sell]),
    (
        Role::Supervisor,
        &[
            Permission::Sell,
            Permission::Supervise,
            Permission::CloseDay,
            Permission::Backup,
            Permission::Diagnose,
        ],
    ),
    (
        Role::Technician,
        &[Permission::Diagnose, Permission::Backup],
    ),
];

impl Role {
    pub fn may(self, p: Permission) -> bool {
        PERMISSIONS
            .iter()
            .any(|(r, ps)| *r == self && ps.contains(&p))
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
    fn the_permission_table() {
        assert!(Role::Cashier.may(Permission::Sell));
        assert!(!Role::Cashier.may(Permission::Supervise));
        assert!(!Role::Cashier.may(Permission::CloseDay));
        assert!(Role::Supervisor.may(Permission::CloseDay));
        assert!(!Role::Technician.may(Permission::Sell));
        assert!(Role::Technician.may(Permission::Diagnose));
    }

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
