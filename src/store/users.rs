//! Users and their PINs (argon2id), with lockout after repeated failures.

use super::codec::{User, UserRecord, decode, encode};
use super::tables::USERS;
use super::{Store, StoreError};
use crate::domain::user::{MAX_PIN_FAILURES, Role, valid_pin, valid_user_name};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use redb::{ReadableDatabase, ReadableTable};

/// How a PIN check went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Login {
    Ok(User),
    WrongPin { tries_left: u32 },
    Locked,
    Unknown,
}

pub(crate) fn hash_pin(pin: &str) -> Result<String, StoreError> {
    if !valid_pin(pin) {
        return Err(StoreError::BadPin);
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash the PIN: {e}")))
}

fn pin_matches(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &h)
            .is_ok()
    })
}

fn get_user(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    name: &str,
) -> Result<Option<User>, StoreError> {
    match t.get(name)? {
        Some(v) => match decode::<UserRecord>(v.value(), &format!("user {name}"))? {
            UserRecord::V1(u) => Ok(Some(u)),
        },
        None => Ok(None),
    }
}

/// Whether `name` is an active supervisor whose PIN is `pin`, read through any read transaction
/// (a damaged store opened read-only, a backup): `None` when the users cannot be read there.
pub(crate) fn supervisor_in(tx: &redb::ReadTransaction, name: &str, pin: &str) -> Option<bool> {
    let t = tx.open_table(USERS).ok()?;
    let u = get_user(&t, name).ok()?;
    Some(u.is_some_and(|u| u.active && u.role == Role::Supervisor && pin_matches(&u.pin_hash, pin)))
}

impl Store {
    pub fn add_user(&self, name: &str, role: Role, pin: &str) -> Result<(), StoreError> {
        if !valid_user_name(name) {
            return Err(super::Refusal::BadUserName {
                name: name.to_string(),
            }
            .into());
        }
        let pin_hash = hash_pin(pin)?;
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        {
            let mut t = tx.open_table(USERS)?;
            if get_user(&t, name)?.is_some() {
                return Err(StoreError::UserExists(name.to_string()));
            }
            let u = User {
                name: name.to_string(),
                role,
                pin_hash,
                failures: 0,
                locked: false,
                active: true,
            };
            t.insert(name, encode(&UserRecord::V1(u))?.as_slice())?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Changes a user's role and/or PIN (a new PIN also unlocks). The last active supervisor
    /// keeps the role: a register without one could not close a day.
    pub fn set_user(
        &self,
        name: &str,
        role: Option<Role>,
        pin: Option<&str>,
    ) -> Result<(), StoreError> {
        let pin_hash = pin.map(hash_pin).transpose()?;
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        {
            let mut t = tx.open_table(USERS)?;
            let mut u =
                get_user(&t, name)?.ok_or_else(|| StoreError::NoSuchUser(name.to_string()))?;
            if let Some(r) = role
                && u.role == Role::Supervisor
                && r != Role::Supervisor
            {
                let mut others = 0;
                for row in t.iter()? {
                    let (k, _) = row?;
                    if k.value() != name
                        && get_user(&t, k.value())?
                            .is_some_and(|o| o.role == Role::Supervisor && o.active)
                    {
                        others += 1;
                    }
                }
                if others == 0 {
                    return Err(StoreError::LastSupervisor(name.to_string()));
                }
            }
            if let Some(r) = role {
                u.role = r;
            }
            if let Some(h) = pin_hash {
                u.pin_hash = h;
                u.failures = 0;
                u.locked = false;
            }
            t.insert(name, encode(&UserRecord::V1(u))?.as_slice())?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let tx = self.db()?.begin_read()?;
        get_user(&tx.open_table(USERS)?, name)
    }

    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let tx = self.db()?.begin_read()?;
        let t = tx.open_table(USERS)?;
        let mut v = Vec::new();
        for row in t.iter()? {
            let (k, _) = row?;
            if let Some(u) = get_user(&t, k.value())? {
                v.push(u);
            }
        }
        Ok(v)
    }

    /// Checks a PIN, counting failures; the fifth wrong PIN in a row locks the user.
    pub fn login(&self, name: &str, pin: &str) -> Result<Login, StoreError> {
        let Some(mut u) = self.user(name)? else {
            return Ok(Login::Unknown);
        };
        if !u.active {
            return Ok(Login::Unknown);
        }
        if u.locked {
            return Ok(Login::Locked);
        }
        // The slow hash runs outside the write transaction.
        let ok = pin_matches(&u.pin_hash, pin);
        let outcome = if ok {
            u.failures = 0;
            Login::Ok(u.clone())
        } else {
            u.failures = u.failures.saturating_add(1);
            u.locked = u.failures >= MAX_PIN_FAILURES;
            if u.locked {
                Login::Locked
            } else {
                Login::WrongPin {
                    tries_left: MAX_PIN_FAILURES - u.failures,
                }
            }
        };
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        {
            let mut t = tx.open_table(USERS)?;
            let changed = get_user(&t, name)?
                .is_none_or(|cur| cur.failures != u.failures || cur.locked != u.locked);
            if changed {
                t.insert(name, encode(&UserRecord::V1(u))?.as_slice())?;
            }
        }
        tx.commit()?;
        Ok(outcome)
    }

    /// A supervisor unlocks a user after too many wrong PINs.
    pub fn unlock_user(&self, name: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        {
            let mut t = tx.open_table(USERS)?;
            let mut u =
                get_user(&t, name)?.ok_or_else(|| StoreError::NoSuchUser(name.to_string()))?;
            u.failures = 0;
            u.locked = false;
            t.insert(name, encode(&UserRecord::V1(u))?.as_slice())?;
        }
        tx.commit()?;
        Ok(())
    }
}
