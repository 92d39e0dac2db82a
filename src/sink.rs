//! Where a worker thread reports. A worker (the printer, the sync, the customer display) is
//! given a [`Sink`] of its own events and never learns where they go: into a channel of their
//! own (a test, a command-line tool), or wrapped into the register's one event queue, which the
//! terminal loop alone waits on (see `app::events`).

use std::sync::mpsc::{Receiver, Sender, channel};

/// A place to send `T` to.
pub struct Sink<T>(Box<dyn Fn(T) -> bool + Send + Sync>);

impl<T: Send + 'static> Sink<T> {
    /// A sink into a channel of its own, and that channel's receiving end.
    pub fn channel() -> (Sink<T>, Receiver<T>) {
        let (tx, rx) = channel();
        (Sink(Box::new(move |t| tx.send(t).is_ok())), rx)
    }

    /// A sink into a queue of `U`, each `T` wrapped by `wrap` (an enum's variant).
    pub fn wrapping<U: Send + 'static>(queue: Sender<U>, wrap: fn(T) -> U) -> Sink<T> {
        Sink(Box::new(move |t| queue.send(wrap(t)).is_ok()))
    }

    /// Sends `t`: false once nobody receives any more (the worker may then stop).
    pub fn send(&self, t: T) -> bool {
        (self.0)(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sink_reaches_its_channel_or_wraps_into_a_queue() {
        let (s, rx) = Sink::channel();
        assert!(s.send(3));
        assert_eq!(rx.recv().unwrap(), 3);
        drop(rx);
        assert!(!s.send(4), "nobody listens");

        #[derive(Debug, PartialEq)]
        enum Ev {
            Count(u32),
        }
        let (tx, rx) = channel();
        let s = Sink::wrapping(tx, Ev::Count);
        assert!(s.send(7));
        assert_eq!(rx.recv().unwrap(), Ev::Count(7));
    }
}
