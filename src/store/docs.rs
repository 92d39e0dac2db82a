//! The one write path for documents, and finding them again.
//!
//! A commit reads the tail of the chain, numbers the document, seals it with the previous hash
//! and inserts it, all in ONE write transaction, made durable as `durable` says (the electronic
//! journal's record, or redb's own commit). The outbox is the run of documents after the push
//! cursor, so queueing a document for sync costs no write.

use super::codec::{DocRecord, decode};
use super::tables::{DOCS, META, REFUNDS, meta_keys};
use super::{Store, StoreError};
use crate::domain::document::{
    BusinessDate, DocBody, Document, Override, PointsBody, RefundBody, RefundLine, SealedDocument,
    Stamp, cash_refund, refund_taxes,
};
use crate::domain::numbering::{DocKind, format_number, next_number, parse_number};
use crate::domain::refund::{ReturnedLine, plan_refund};
use chrono::NaiveDate;
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};
use std::ops::ControlFlow;

/// Who commits a document, when, and for which business date.
#[derive(Clone, Debug)]
pub struct DocHeader {
    pub business_date: NaiveDate,
    pub at: Stamp,
    pub cashier: String,
}

/// A document safely on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    pub seq: u64,
    pub number: String,
    pub hash: [u8; 32],
    /// Set when the authorized numbering range is nearly used up.
    pub numbers_left: Option<u64>,
    /// The documents waiting for the sync server once this commit is done: this one, what
    /// was committed with it, and every earlier one not yet acknowledged.
    pub outbox: u64,
    /// How many documents the commit wrote: this one and what followed it in the same
    /// transaction (a points movement, the rest of a batch).
    pub documents: u64,
    /// The customer's points movement a sale or refund wrote with it.
    pub movement: Option<crate::domain::loyalty::Movement>,
}

impl Committed {
    pub(super) fn with_outbox(self, outbox: u64) -> Committed {
        Committed { outbox, ..self }
    }
}

/// The end of the chain: what numbering and sealing the next document needs.
#[derive(Clone, Debug)]
pub(super) struct Head {
    pub seq: u64,
    pub hash: [u8; 32],
    pub business_date: BusinessDate,
    pub counters: Vec<u64>,
}

impl Head {
    pub(super) fn of(seq: u64, d: SealedDocument) -> Head {
        Head {
            seq,
            hash: d.hash,
            business_date: d.doc.business_date,
            counters: d.doc.counters,
        }
    }
}

/// The stored form of a document, `DocRecord::V1(doc.seal())`, and its hash, from one
/// encoding: postcard writes the variant as one byte (0), then the document (whose bytes are
/// what the hash covers), then the 32 bytes of the hash.
pub(super) fn sealed_record(doc: &Document) -> Result<(Vec<u8>, [u8; 32]), StoreError> {
    use sha2::Digest;
    let body = postcard::to_allocvec(doc)
        .map_err(|e| StoreError::Invalid(format!("cannot encode a document: {e}")))?;
    let hash: [u8; 32] = sha2::Sha256::digest(&body).into();
    let mut bytes = Vec::with_capacity(body.len() + 33);
    bytes.push(0);
    bytes.extend_from_slice(&body);
    bytes.extend_from_slice(&hash);
    Ok((bytes, hash))
}

pub(super) fn decode_doc(bytes: &[u8], seq: u64) -> Result<SealedDocument, StoreError> {
    match decode::<DocRecord>(bytes, &format!("document #{seq}"))? {
        DocRecord::V1(d) => Ok(d),
    }
}

/// The last business date closed (Z), as the transaction sees it.
pub(super) fn closed_through(tx: &WriteTransaction) -> Result<Option<BusinessDate>, StoreError> {
    let meta = tx.open_table(META)?;
    let v = meta.get(meta_keys::CLOSED_THROUGH)?;
    Ok(v.and_then(|v| <[u8; 4]>::try_from(v.value()).ok())
        .map(|b| BusinessDate::from_days(i32::from_le_bytes(b))))
}

/// Reads the document at `seq` from any docs table (read or write transaction).
pub(super) fn get_doc(
    t: &impl ReadableTable<u64, &'static [u8]>,
    seq: u64,
) -> Result<Option<SealedDocument>, StoreError> {
    match t.get(seq)? {
        Some(v) => Ok(Some(decode_doc(v.value(), seq)?)),
        None => Ok(None),
    }
}

pub(super) fn last_doc(
    t: &impl ReadableTable<u64, &'static [u8]>,
) -> Result<Option<(u64, SealedDocument)>, StoreError> {
    match t.last()? {
        Some((k, v)) => {
            let seq = k.value();
            Ok(Some((seq, decode_doc(v.value(), seq)?)))
        }
        None => Ok(None),
    }
}

/// The first seq in 1..=last for which `pred` holds, given that `pred` is monotonic (false then
/// true) along the chain. Documents are numbered and dated in chain order, so numbers and dates
/// are found by binary search rather than with an index that every sale would have to write.
pub(super) fn first_where(
    t: &impl ReadableTable<u64, &'static [u8]>,
    last: u64,
    mut pred: impl FnMut(&Document) -> bool,
) -> Result<Option<u64>, StoreError> {
    let (mut lo, mut hi) = (1u64, last.saturating_add(1));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let d = get_doc(t, mid)?.ok_or_else(|| {
            StoreError::Corrupt(format!("document #{mid} is missing from the chain"))
        })?;
        if pred(&d.doc) { hi = mid } else { lo = mid + 1 }
    }
    Ok((lo <= last).then_some(lo))
}

/// The stretches of the chain that date corrections gave up: for each correction, the seq of
/// the wrong date's opening and the seq of the correction (exclusive). Found through the
/// corrections' own numbers, so nothing is written for them and a chain with none pays one
/// counter read. Within what is left the business dates never go back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GivenUp(Vec<(u64, u64)>);

impl GivenUp {
    pub(crate) fn of(
        t: &impl ReadableTable<u64, &'static [u8]>,
        last: &SealedDocument,
    ) -> Result<GivenUp, StoreError> {
        let mut out = Vec::new();
        for n in 1..=last.doc.counter(DocKind::DayCorrect) {
            let Some((seq, d)) = find_number(t, DocKind::DayCorrect, n)? else {
                continue;
            };
            let DocBody::DayCorrect(c) = &d.doc.body else {
                continue;
            };
            let start = match crate::domain::numbering::parse_number(&c.opened) {
                Ok((_, DocKind::DayOpen, k)) => find_number(t, DocKind::DayOpen, k)?.map(|x| x.0),
                _ => None,
            };
            if let Some(start) = start.filter(|s| *s < seq) {
                out.push((start, seq));
            }
        }
        Ok(GivenUp(out))
    }

    /// The correction whose given-up stretch holds `seq`.
    fn correction_of(&self, seq: u64) -> Option<u64> {
        self.0
            .iter()
            .find(|(from, to)| (*from..*to).contains(&seq))
            .map(|x| x.1)
    }

    pub(crate) fn holds(&self, seq: u64) -> bool {
        self.correction_of(seq).is_some()
    }

    /// The given-up stretches that end at or before `seq`.
    pub(crate) fn before(&self, seq: u64) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.0.iter().copied().filter(move |(_, to)| *to <= seq)
    }
}

/// The first seq whose business date is `date` or later, skipping what date corrections gave
/// up (a given-up document is probed as the correction that follows it, so the search sees the
/// dates in order).
pub(super) fn first_dated(
    t: &impl ReadableTable<u64, &'static [u8]>,
    last: u64,
    date: BusinessDate,
    given_up: &GivenUp,
) -> Result<Option<u64>, StoreError> {
    let (mut lo, mut hi) = (1u64, last.saturating_add(1));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let probe = given_up.correction_of(mid).unwrap_or(mid);
        let d = get_doc(t, probe)?.ok_or_else(|| {
            StoreError::Corrupt(format!("document #{probe} is missing from the chain"))
        })?;
        if d.doc.business_date >= date {
            hi = mid
        } else {
            lo = mid + 1
        }
    }
    Ok((lo <= last).then_some(lo))
}

pub(super) fn find_number(
    t: &impl ReadableTable<u64, &'static [u8]>,
    kind: DocKind,
    n: u64,
) -> Result<Option<(u64, SealedDocument)>, StoreError> {
    let Some((last, _)) = last_doc(t)? else {
        return Ok(None);
    };
    let Some(seq) = first_where(t, last, |d| d.counter(kind) >= n)? else {
        return Ok(None);
    };
    match get_doc(t, seq)? {
        Some(d) if d.doc.kind() == kind && d.doc.n == n => Ok(Some((seq, d))),
        _ => Ok(None),
    }
}

/// The points a document's points tenders carry, and what they were worth.
fn points_tendered(
    tenders: &[crate::domain::tender::Tender],
) -> (i64, crate::domain::money::Money) {
    let mut points = 0i64;
    let mut value = 0i64;
    for t in tenders
        .iter()
        .filter(|t| t.kind == crate::domain::tender::TenderKind::Points)
    {
        points = points.saturating_add(crate::domain::loyalty::points_of(t.reference.as_deref()));
        value = value.saturating_add(t.amount.minor());
    }
    (points, crate::domain::money::Money::from_minor(value))
}

impl Store {
    pub(super) fn append(
        &self,
        tx: &WriteTransaction,
        header: &DocHeader,
        body: DocBody,
    ) -> Result<Committed, StoreError> {
        let mut docs = tx.open_table(DOCS)?;
        let head = last_doc(&docs)?.map(|(seq, d)| Head::of(seq, d));
        let (c, bytes, _) = self.next_doc(head.as_ref(), header, body)?;
        docs.insert(c.seq, bytes.as_slice())?;
        self.stage(super::ejournal::JournalRecord {
            seq: c.seq,
            hash: c.hash,
            body: bytes,
        });
        Ok(c)
    }

    /// Numbers and seals the document that follows `head` (None: the first), checking its date
    /// against the last close and the last document: the sealed bytes and the chain's new head.
    pub(super) fn next_doc(
        &self,
        head: Option<&Head>,
        header: &DocHeader,
        body: DocBody,
    ) -> Result<(Committed, Vec<u8>, Head), StoreError> {
        let date = BusinessDate::from_date(header.business_date);
        let (seq, prev_hash, mut counters) = match head {
            Some(h) => {
                if let Some(closed) = self.closed_through()
                    && date <= closed
                {
                    return Err(StoreError::DateClosed {
                        given: date.to_string(),
                        closed: closed.to_string(),
                    });
                }
                // A date correction is the one document whose date may go back (the store
                // checked that the date it gives up holds no sale).
                if date < h.business_date && !matches!(body, DocBody::DayCorrect(_)) {
                    return Err(StoreError::DateBackwards {
                        given: date.to_string(),
                        last: h.business_date.to_string(),
                    });
                }
                (h.seq, h.hash, h.counters.clone())
            }
            None => (0, [0u8; 32], Vec::new()),
        };
        let kind = body.kind();
        counters.resize(DocKind::ALL.len().max(counters.len()), 0);
        // After a take-over the series continues past what the server holds for this code.
        let last = counters[kind.index()].max(self.number_floor(kind));
        let next = next_number(
            last,
            self.authorized_range(kind).as_ref(),
            header.business_date,
        )?;
        let jumped = last > counters[kind.index()];
        counters[kind.index()] = next.n;
        let doc = Document {
            number: format_number(self.register(), kind, next.n),
            n: next.n,
            register: self.register().as_str().to_string(),
            business_date: date,
            at: header.at,
            cashier: header.cashier.clone(),
            body,
            counters,
            opens_range: next.opens_range || jumped,
            prev_hash,
        };
        let (bytes, hash) = sealed_record(&doc)?;
        let seq = seq + 1;
        let head = Head {
            seq,
            hash,
            business_date: doc.business_date,
            counters: doc.counters,
        };
        let number = doc.number;
        Ok((
            Committed {
                seq,
                number,
                hash,
                numbers_left: next.remaining_warning,
                outbox: 0,
                documents: 1,
                movement: None,
            },
            bytes,
            head,
        ))
    }

    /// Refunds lines of a committed sale to cash. Checks, in the same transaction, that nothing
    /// is given back twice.
    #[allow(clippy::too_many_arguments)] // `Commit::refund`'s fields, and the receipt flag
    pub(super) fn refund(
        &self,
        header: &DocHeader,
        original: &str,
        returned: &[ReturnedLine],
        reason: &str,
        overrides: Vec<Override>,
        rules: &crate::domain::loyalty::Rules,
        receipt: bool,
    ) -> Result<Committed, StoreError> {
        if reason.trim().is_empty() {
            return Err(StoreError::Doc(crate::domain::document::DocError::NoReason));
        }
        let (_, kind, n) = parse_number(original)?;
        if kind != DocKind::Sale {
            return Err(StoreError::NotASale(original.to_string()));
        }
        let tx = self.begin_write()?;
        let (sale_seq, sale, earlier, points) = {
            let docs = tx.open_table(DOCS)?;
            let (sale_seq, sale) = find_number(&docs, DocKind::Sale, n)?
                .ok_or_else(|| StoreError::NotFound(original.to_string()))?;
            let DocBody::Sale(sale) = sale.doc.body else {
                return Err(StoreError::NotASale(original.to_string()));
            };
            // The points the sale earned, and what earlier refunds took back (each movement
            // follows its document in the chain).
            let points_after = |seq: u64, number: &str| -> Result<Option<PointsBody>, StoreError> {
                Ok(match get_doc(&docs, seq + 1)?.map(|d| d.doc.body) {
                    Some(DocBody::Points(p)) if p.source == number => Some(p),
                    _ => None,
                })
            };
            let earned = points_after(sale_seq, &original.trim().to_ascii_uppercase())?;
            let refunds = tx.open_table(REFUNDS)?;
            let mut earlier: Vec<RefundLine> = Vec::new();
            let mut reversed = 0i64;
            let mut points_returned = 0i64;
            for row in refunds.range((sale_seq, 0)..=(sale_seq, u64::MAX))? {
                let (k, _) = row?;
                let rseq = k.value().1;
                if let Some(d) = get_doc(&docs, rseq)? {
                    let number = d.doc.number.clone();
                    if let DocBody::Refund(r) = d.doc.body {
                        earlier.extend(r.lines);
                        points_returned += points_tendered(&r.tenders).0;
                    }
                    if let Some(p) = points_after(rseq, &number)? {
                        reversed = reversed.saturating_sub(p.movement.earned);
                    }
                }
            }
            (
                sale_seq,
                sale,
                earlier,
                earned.map(|p| (p, reversed, points_returned)),
            )
        };
        let lines = plan_refund(&sale, &earlier, returned)?;
        let total = crate::domain::money::Money::sum(lines.iter().map(|l| l.total))?;
        // What the sale paid with points goes back as points, in proportion and in whole
        // points, never more than it spent; the rest goes back in cash.
        let (sale_points, sale_points_value) = points_tendered(&sale.tenders);
        let returned_before = points.as_ref().map_or(0, |p| p.2);
        let give_points = if sale_points > 0 && sale.total.is_positive() {
            let share = i128::from(sale_points) * i128::from(total.minor())
                / i128::from(sale.total.minor());
            (share as i64).min(sale_points - returned_before).max(0)
        } else {
            0
        };
        let give_value = sale_points_value.mul_div(give_points, sale_points.max(1))?;
        let (mut tenders, rounding) =
            cash_refund(total.checked_sub(give_value)?, &self.info().currency)?;
        if give_points > 0 {
            tenders.push(crate::domain::tender::Tender {
                kind: crate::domain::tender::TenderKind::Points,
                amount: give_value,
                reference: Some(format!("{give_points} points")),
            });
        }
        let body = RefundBody {
            original: original.trim().to_ascii_uppercase(),
            taxes: refund_taxes(&lines)?,
            lines,
            total,
            tenders,
            rounding,
            reason: reason.trim().to_string(),
            overrides,
        };
        let refunded_eligible = crate::domain::money::Money::sum(
            body.lines
                .iter()
                .filter(|l| !rules.excluded.contains(&l.sku))
                .map(|l| l.total),
        )?;
        let mut c = self.append(&tx, header, DocBody::Refund(body))?;
        if let Some((p, already, _)) = points {
            let sale_eligible = crate::domain::money::Money::sum(
                sale.lines
                    .iter()
                    .filter(|l| !rules.excluded.contains(&l.sku))
                    .map(|l| l.total),
            )?;
            let back = crate::domain::loyalty::reversed(
                p.movement.earned,
                already,
                sale_eligible,
                refunded_eligible,
            );
            if back > 0 || give_points > 0 {
                let movement = crate::domain::loyalty::Movement {
                    earned: -back,
                    redeemed: -give_points,
                };
                self.append(
                    &tx,
                    header,
                    DocBody::Points(PointsBody {
                        source: c.number.clone(),
                        customer: p.customer,
                        movement: movement.clone(),
                    }),
                )?;
                c.documents = 2;
                c.movement = Some(movement);
            }
        }
        tx.open_table(REFUNDS)?.insert((sale_seq, c.seq), ())?;
        self.end(tx, c, receipt)
    }

    /// Visits documents in chain order whose business date is within `from..=to`.
    pub fn visit_dates(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        f: impl FnMut(u64, &SealedDocument) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        visit_dates_in(&*self.db()?, from, to, f)
    }

    /// Visits every document from `from_seq` on, in chain order.
    pub fn visit_from(
        &self,
        from_seq: u64,
        mut f: impl FnMut(u64, SealedDocument) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let tx = self.db()?.begin_read()?;
        let docs = tx.open_table(DOCS)?;
        for row in docs.range(from_seq..)? {
            let (k, v) = row?;
            if f(k.value(), decode_doc(v.value(), k.value())?).is_break() {
                break;
            }
        }
        Ok(())
    }

    /// Acknowledges every document up to `seq`, recording the ones the server refused (chain
    /// position, id, reason), in one transaction.
    pub fn acknowledge_with_rejects(
        &self,
        seq: u64,
        rejected: &[(u64, String, String)],
    ) -> Result<(), StoreError> {
        if !rejected.is_empty() {
            let mut tx = self.begin_write()?;
            tx.set_durability(redb::Durability::Immediate)?;
            tx.set_quick_repair(true);
            {
                let mut t = tx.open_table(super::tables::SYNC_REJECTED)?;
                for (s, id, why) in rejected {
                    t.insert(*s, format!("{id}: {why}").as_str())?;
                }
            }
            tx.commit()?;
        }
        self.acknowledge_through(seq)
    }

    /// Documents the sync server refused, with the reason.
    pub fn rejected(&self) -> Result<Vec<(u64, String)>, StoreError> {
        let tx = self.db()?.begin_read()?;
        let t = match tx.open_table(super::tables::SYNC_REJECTED) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for r in t.iter()? {
            let (k, v) = r?;
            out.push((k.value(), v.value().to_string()));
        }
        Ok(out)
    }

    /// Marks every document up to `seq` as acknowledged by the server.
    pub fn acknowledge_through(&self, seq: u64) -> Result<(), StoreError> {
        let mut tx = self.begin_write()?;
        tx.set_durability(redb::Durability::Immediate)?;
        tx.set_quick_repair(true);
        {
            let mut meta = tx.open_table(META)?;
            let cur = super::tables::meta_u64_in(&meta, meta_keys::PUSH_CURSOR)?;
            // The cursor only moves forward: a late acknowledgement never re-queues anything.
            if seq > cur {
                meta.insert(meta_keys::PUSH_CURSOR, seq.to_le_bytes().as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// Visits the documents of `db` in chain order whose business date is within `from..=to`
/// (the store's own handle, or a read-only one that changes no byte).
pub(crate) fn visit_dates_in(
    db: &impl redb::ReadableDatabase,
    from: NaiveDate,
    to: NaiveDate,
    mut f: impl FnMut(u64, &SealedDocument) -> ControlFlow<()>,
) -> Result<(), StoreError> {
    let (from, to) = (BusinessDate::from_date(from), BusinessDate::from_date(to));
    let tx = db.begin_read()?;
    let docs = tx.open_table(DOCS)?;
    let Some((last, last_d)) = last_doc(&docs)? else {
        return Ok(());
    };
    let given_up = GivenUp::of(&docs, &last_d)?;
    // Nothing dated `from` or later may still leave a given-up stretch of those dates.
    let start = first_dated(&docs, last, from, &given_up)?.unwrap_or(last + 1);
    // What a correction gave up keeps the date it was sealed with: listed in chain order when
    // that date is asked for.
    let mut seqs: Vec<std::ops::Range<u64>> = given_up.before(start).map(|(a, b)| a..b).collect();
    seqs.push(start..last + 1);
    for range in seqs {
        for row in docs.range(range)? {
            let (k, v) = row?;
            let d = decode_doc(v.value(), k.value())?;
            let date = d.doc.business_date;
            if (from..=to).contains(&date) && f(k.value(), &d).is_break() {
                return Ok(());
            }
            // After the close of a later date no document of these dates can follow.
            if date > to && matches!(d.doc.body, DocBody::Closing(_)) {
                return Ok(());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::NoSaleBody;
    use crate::store::codec::encode;

    #[test]
    fn the_one_pass_record_is_what_sealing_and_encoding_make() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00-05:00").unwrap();
        let doc = Document {
            number: "FV1-AC-000007".into(),
            n: 7,
            register: "FV1".into(),
            business_date: BusinessDate::from_date(at.date_naive()),
            at: Stamp::from_datetime(at),
            cashier: "ana".into(),
            body: DocBody::NoSale(NoSaleBody {
                reason: "cambio para el vecino".into(),
                overrides: Vec::new(),
            }),
            counters: vec![3, 0, 7, 1],
            opens_range: false,
            prev_hash: [9; 32],
        };
        let (bytes, hash) = sealed_record(&doc).unwrap();
        let sealed = doc.seal();
        assert_eq!(hash, sealed.hash);
        assert_eq!(bytes, encode(&DocRecord::V1(sealed)).unwrap());
        assert_eq!(decode_doc(&bytes, 1).unwrap().hash, hash);
    }
}
