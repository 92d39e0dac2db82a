//! The one way documents enter the store: [`Store::commit`] with a [`Commit`].
//!
//! A `Commit` names what is written (one document, a batch, a sale with its points movement, a
//! refund checked against the sale's earlier refunds) and whether the first document's receipt
//! is queued with it. Whatever it names is written in ONE transaction and made durable once;
//! what comes back, [`Committed`], is the first document with the outbox length after the
//! commit.

use super::docs::{Committed, DocHeader};
use super::{Store, StoreError};
use crate::domain::document::{DocBody, Override, SaleBody};
use crate::domain::loyalty::Rules;
use crate::domain::refund::ReturnedLine;

/// What one commit writes.
#[derive(Debug)]
pub struct Commit<'a> {
    what: What<'a>,
    receipt: bool,
}

#[derive(Debug)]
enum What<'a> {
    /// One document: the till's own commit.
    One(DocBody),
    /// Documents as given, in order.
    Docs(Vec<DocBody>),
    /// A sale and, when it has a customer and loyalty is on, the customer's points movement.
    /// A redemption beyond the balance the register knows is refused and nothing is written.
    Sale { body: SaleBody, rules: &'a Rules },
    /// Lines of a committed sale given back (to cash, and to points in proportion to what the
    /// sale paid with points), checked in the same transaction so nothing is given back twice.
    Refund {
        original: &'a str,
        returned: &'a [ReturnedLine],
        reason: &'a str,
        overrides: Vec<Override>,
        rules: &'a Rules,
    },
}

impl From<DocBody> for Commit<'_> {
    /// One document, no receipt.
    fn from(body: DocBody) -> Self {
        Commit {
            what: What::One(body),
            receipt: false,
        }
    }
}

impl<'a> Commit<'a> {
    /// Many documents in one transaction and one journal sync: for tools that load a store
    /// (the benchmark's million documents), never for the till, whose every document is
    /// acknowledged on its own.
    pub fn docs(bodies: impl IntoIterator<Item = DocBody>) -> Self {
        Commit {
            what: What::Docs(bodies.into_iter().collect()),
            receipt: false,
        }
    }

    /// A sale, with its customer's points movement when loyalty is on.
    pub fn sale(body: SaleBody, rules: &'a Rules) -> Self {
        Commit {
            what: What::Sale { body, rules },
            receipt: false,
        }
    }

    /// A refund of `returned` lines of the committed sale `original`.
    pub fn refund(
        original: &'a str,
        returned: &'a [ReturnedLine],
        reason: &'a str,
        overrides: Vec<Override>,
        rules: &'a Rules,
    ) -> Self {
        Commit {
            what: What::Refund {
                original,
                returned,
                reason,
                overrides,
                rules,
            },
            receipt: false,
        }
    }

    /// Queues the first document's receipt in the same durable transaction.
    #[must_use]
    pub fn printed(self) -> Self {
        Commit {
            receipt: true,
            ..self
        }
    }
}

impl Store {
    /// Commits what `what` names: numbered, chained, durable, in one transaction. The only way
    /// a document enters the store.
    pub fn commit<'a>(
        &self,
        header: &DocHeader,
        what: impl Into<Commit<'a>>,
    ) -> Result<Committed, StoreError> {
        let Commit { what, receipt } = what.into();
        match what {
            What::One(body) => self.commit_one(header, body, receipt),
            What::Docs(bodies) => self.commit_docs(header, bodies, receipt),
            What::Sale { body, rules } => self.commit_sale(header, body, rules, receipt),
            What::Refund {
                original,
                returned,
                reason,
                overrides,
                rules,
            } => self.refund(
                header, original, returned, reason, overrides, rules, receipt,
            ),
        }
    }

    fn commit_docs(
        &self,
        header: &DocHeader,
        bodies: Vec<DocBody>,
        receipt: bool,
    ) -> Result<Committed, StoreError> {
        let documents = bodies.len() as u64;
        let mut bodies = bodies.into_iter();
        // A batch is for the tools that load a store; an empty one opens no transaction.
        let Some(head) = bodies.next() else {
            return Err(StoreError::Invalid("nothing to commit".into()));
        };
        let tx = self.begin_write()?;
        let first = self.append(&tx, header, head)?;
        for body in bodies {
            self.append(&tx, header, body)?;
        }
        self.end(tx, first, receipt)
            .map(|c| Committed { documents, ..c })
    }

    /// Ends the transaction that appended `first` (and what followed it): queues its receipt
    /// when asked, commits durably, and returns it with the outbox length.
    pub(super) fn end(
        &self,
        tx: redb::WriteTransaction,
        first: Committed,
        receipt: bool,
    ) -> Result<Committed, StoreError> {
        let mode = super::durable::Mode::Journal;
        let outbox = if receipt {
            self.commit_with_receipt(tx, &first, mode)?
        } else {
            self.finish(tx, mode)?
        };
        Ok(Committed { outbox, ..first })
    }
}
