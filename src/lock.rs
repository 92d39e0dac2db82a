//! Locks that outlive a panic, in one place.
//!
//! A thread that panics while it holds a lock leaves the lock "poisoned", and std makes every
//! later `lock()` an error. caja takes such a lock as it stands, and says so here once rather
//! than at each lock: everything it guards is replaced whole (a cached head of the chain, a
//! flag, a list of marks, a shared writer's buffer), never left half-written by a panic, and
//! the panic itself is reported where it was caught (the store marks itself damaged when redb
//! gives up on a page; the terminal is restored by the panic hook). Refusing every later lock
//! would stop the register for a state that is still whole.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A `lock` that takes a poisoned lock as it stands (see the module's head).
pub trait LockAnyway<T: ?Sized> {
    fn lock_anyway(&self) -> MutexGuard<'_, T>;
}

impl<T: ?Sized> LockAnyway<T> for Mutex<T> {
    fn lock_anyway(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A read or a write of an `RwLock` that takes a poisoned lock as it stands.
pub trait RwAnyway<T: ?Sized> {
    fn read_anyway(&self) -> RwLockReadGuard<'_, T>;
    fn write_anyway(&self) -> RwLockWriteGuard<'_, T>;
}

impl<T: ?Sized> RwAnyway<T> for RwLock<T> {
    fn read_anyway(&self) -> RwLockReadGuard<'_, T> {
        self.read().unwrap_or_else(PoisonError::into_inner)
    }
    fn write_anyway(&self) -> RwLockWriteGuard<'_, T> {
        self.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_whose_holder_panicked_is_taken_as_it_stands() {
        let m = std::sync::Arc::new(Mutex::new(vec![1]));
        let r = std::sync::Arc::new(RwLock::new(5));
        let (m2, r2) = (m.clone(), r.clone());
        let _ = std::thread::spawn(move || {
            let _g = m2.lock();
            let _w = r2.write();
            panic!("a holder's panic");
        })
        .join();
        assert!(m.is_poisoned() && r.is_poisoned());
        m.lock_anyway().push(2);
        assert_eq!(*m.lock_anyway(), [1, 2]);
        *r.write_anyway() += 1;
        assert_eq!(*r.read_anyway(), 6);
    }
}
