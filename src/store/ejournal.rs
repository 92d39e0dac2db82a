//! The electronic journal: an independent, append-only second copy of every sealed document.
//!
//! A document is acknowledged once its journal record is on the disk (`fdatasync`); redb takes
//! the same document in a non-durable commit and is checkpointed durably every few documents,
//! and on a clean stop. On open the records past redb's last document
//! are replayed into it. The journal is what `caja rebuild` recreates a damaged store from.
//!
//! Files live in `DIR/journal/`, named `ej-NNNNNNNNNNNN.cj` after the chain position of their
//! first record, and are grown in zero-filled steps so that an append never changes a file's
//! size (an `fdatasync` then writes the one data page and no metadata). The layout is in
//! `docs/JOURNAL.md`:
//!
//! ```text
//! file    = "CAJAEJ" 0x00 version | info_len u32 | crc32(info) u32 | info (postcard StoreInfoRecord)
//!           | (record | marks)* | zeros
//! record  = "EJR1" | len u32 | crc32(seq | hash | body) u32 | seq u64 | hash [32] | body [len]
//! marks   = "EJP1" | len u32 | crc32(after | zeros | body) u32 | after u64 | zeros [32] | body [len]
//! ```
//! All integers little-endian; `body` is the postcard `DocRecord` that redb holds, `hash` the
//! document's chain hash. A marks record (format 2) lists receipts the printer took since the
//! last one, as `u64`s (a document's chain position times two, plus one for a reprint); it is
//! written in the same write and sync as the next document's record, so it costs no page of
//! its own, and `after` is the chain position it follows. Replaying the journal after a crash
//! does not queue those receipts again. Format 1 files (no marks) are read as before; the
//! first append after opening one starts a new file.

use super::StoreError;
use super::check::Problem;
use super::codec::{DocRecord, StoreInfo, StoreInfoRecord, encode};
use crate::domain::document::SealedDocument;
use crate::i18n::Word;
use crate::lock::LockAnyway;
use std::io;
use std::path::{Path, PathBuf};

/// The journal's folder inside the data directory.
pub const JOURNAL_DIR: &str = "journal";
/// The file's magic: "CAJAEJ", 0, then the journal format's version ([`FORMAT`]).
const FILE_MAGIC: &[u8; 8] = b"CAJAEJ\x00\x02";
/// The journal format this caja writes (2: with marks records); it reads 1 and 2, and a file
/// of a higher one is a newer caja's.
pub const FORMAT: u8 = 2;
const REC_MAGIC: &[u8; 4] = b"EJR1";
/// A marks record's magic (format 2).
const MARK_MAGIC: &[u8; 4] = b"EJP1";
/// No marks record lists more receipts than this; a longer one is damage.
const MARKS_MAX: u32 = 64 * 1024;

/// The code a marks record keeps for a printed receipt: its document's chain position, and
/// whether it was a reprint.
pub fn mark_code(seq: u64, reprint: bool) -> u64 {
    seq.saturating_mul(2) | u64::from(reprint)
}
/// magic, len, crc, seq, hash.
const REC_HEAD: usize = 4 + 4 + 4 + 8 + 32;
/// A file grows by this much at a time, zero-filled and synced once.
const GROW_STEP: u64 = 256 * 1024;
/// A new file is started past this size, so that no reader ever holds more than this in memory.
const FILE_MAX: u64 = 4 * 1024 * 1024;
/// No document record is this large; a length past it is damage, not a record.
const RECORD_MAX: u32 = 1024 * 1024;

/// CRC-32 (IEEE 802.3, as zlib's `crc32`), so that any tool can verify a record.
pub fn crc32(data: &[u8]) -> u32 {
    const fn table() -> [u32; 256] {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    }
    static TABLE: [u32; 256] = table();
    let mut c = 0xFFFF_FFFFu32;
    for b in data {
        c = TABLE[((c ^ u32::from(*b)) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

/// Where journal bytes go. The real one is the filesystem; the power-loss tests put a disk
/// that forgets unsynced writes behind the same calls.
pub trait JournalIo: Send {
    /// The journal files there are, by name.
    fn names(&mut self) -> io::Result<Vec<String>>;
    /// A whole file.
    fn read(&mut self, name: &str) -> io::Result<Vec<u8>>;
    /// Writes at an offset, creating the file (only for the register's user) if needed.
    fn write_at(&mut self, name: &str, offset: u64, data: &[u8]) -> io::Result<()>;
    /// Makes what was written to `name` durable; `created` also syncs the folder that holds it.
    fn sync(&mut self, name: &str, created: bool) -> io::Result<()>;
    /// The first bytes of a file (at least its header): what the identity check reads.
    fn head(&mut self, name: &str) -> io::Result<Vec<u8>> {
        let mut b = self.read(name)?;
        b.truncate(HEAD_READ);
        Ok(b)
    }
    /// Removes a file that holds nothing (a file whose making failed on a full disk).
    fn remove(&mut self, name: &str) -> io::Result<()>;
}

/// How much of a file the identity check reads: a header is a few hundred bytes.
const HEAD_READ: usize = 64 * 1024;

/// The journal in a folder on disk.
pub struct FsJournal {
    dir: PathBuf,
    open: Option<(String, std::fs::File)>,
}

impl FsJournal {
    pub fn new(dir: PathBuf) -> FsJournal {
        FsJournal { dir, open: None }
    }

    fn file(&mut self, name: &str) -> io::Result<&std::fs::File> {
        if self.open.as_ref().is_none_or(|(n, _)| n != name) {
            std::fs::create_dir_all(&self.dir)?;
            crate::store::files::private_dir(&self.dir)?;
            let f = crate::store::files::private_options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(self.dir.join(name))?;
            self.open = Some((name.to_string(), f));
        }
        match &self.open {
            Some((_, f)) => Ok(f),
            None => Err(io::Error::other("journal file not open")),
        }
    }
}

impl JournalIo for FsJournal {
    fn names(&mut self) -> io::Result<Vec<String>> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for e in rd {
            if let Some(n) = e?.file_name().to_str() {
                out.push(n.to_string());
            }
        }
        Ok(out)
    }

    fn read(&mut self, name: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.dir.join(name))
    }

    fn write_at(&mut self, name: &str, offset: u64, data: &[u8]) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file(name)?.write_all_at(data, offset)
    }

    fn sync(&mut self, name: &str, created: bool) -> io::Result<()> {
        self.file(name)?.sync_data()?;
        if created {
            std::fs::File::open(&self.dir)?.sync_all()?;
        }
        Ok(())
    }

    fn head(&mut self, name: &str) -> io::Result<Vec<u8>> {
        use std::io::Read;
        let mut b = Vec::new();
        std::fs::File::open(self.dir.join(name))?
            .take(HEAD_READ as u64)
            .read_to_end(&mut b)?;
        Ok(b)
    }

    fn remove(&mut self, name: &str) -> io::Result<()> {
        if self.open.as_ref().is_some_and(|(n, _)| n == name) {
            self.open = None;
        }
        std::fs::remove_file(self.dir.join(name))?;
        std::fs::File::open(&self.dir)?.sync_all()
    }
}

/// The file name for a journal file whose first record is `seq`.
fn file_name(first_seq: u64) -> String {
    format!("ej-{first_seq:012}.cj")
}

fn first_seq_of(name: &str) -> Option<u64> {
    name.strip_prefix("ej-")?.strip_suffix(".cj")?.parse().ok()
}

/// One record as it is on disk.
#[derive(Clone, Debug)]
pub struct JournalRecord {
    pub seq: u64,
    pub hash: [u8; 32],
    /// The postcard `DocRecord`, as redb stores it.
    pub body: Vec<u8>,
}

impl JournalRecord {
    pub fn new(seq: u64, sealed: &SealedDocument) -> Result<JournalRecord, StoreError> {
        Ok(JournalRecord {
            seq,
            hash: sealed.hash,
            body: encode(&DocRecord::V1(sealed.clone()))?,
        })
    }

    /// The sealed document, checked against its own hash.
    pub fn document(&self) -> Result<SealedDocument, StoreError> {
        let DocRecord::V1(d) = super::codec::decode_detail(&self.body).map_err(|detail| {
            tracing::warn!("journal record #{} does not decode: {detail}", self.seq);
            StoreError::Found(Problem::UnreadableRecord {
                seq: self.seq,
                newer: super::codec::envelope_version(&self.body).filter(|v| *v > 1),
            })
        })?;
        if d.hash != self.hash || d.doc.hash() != d.hash {
            return Err(StoreError::Found(Problem::JournalRecordHash {
                seq: self.seq,
            }));
        }
        Ok(d)
    }

    /// Appends the framed record to `v` (the sale path frames into one buffer, no copy more).
    fn write_into(&self, v: &mut Vec<u8>) {
        v.reserve(REC_HEAD + self.body.len());
        write_frame(v, REC_MAGIC, self.seq, &self.hash, |v| {
            v.extend_from_slice(&self.body)
        });
    }

    #[cfg(test)]
    fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.write_into(&mut v);
        v
    }
}

/// What reading one file found.
#[derive(Debug, Default)]
pub struct FileScan {
    pub records: Vec<JournalRecord>,
    /// Where each record starts in the file, in the order of `records`.
    pub starts: Vec<u64>,
    /// Byte ranges that hold no valid record although a valid record follows: damage.
    pub damaged: Vec<(u64, u64)>,
    /// Where the next record goes: just past the last valid record.
    pub end: u64,
    /// Bytes past `end` that are not zero (a write cut short by a power loss, or damage).
    pub torn: u64,
    /// The marks records: the chain position each follows, and the receipts it lists (see
    /// [`mark_code`]).
    pub marks: Vec<(u64, Vec<u64>)>,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// What a file holds at one place.
enum Item {
    Doc(JournalRecord),
    Marks { after: u64, codes: Vec<u64> },
}

/// Frames one item into `v`: `magic`, the body's length, the CRC-32 of what follows it, `seq`,
/// `hash`, and the body `body` writes. Records and marks share the frame.
fn write_frame(
    v: &mut Vec<u8>,
    magic: &[u8; 4],
    seq: u64,
    hash: &[u8; 32],
    body: impl FnOnce(&mut Vec<u8>),
) {
    let at = v.len();
    v.extend_from_slice(magic);
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&seq.to_le_bytes());
    v.extend_from_slice(hash);
    body(v);
    let len = (v.len() - at - REC_HEAD) as u32;
    v[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
    let crc = crc32(&v[at + 12..]);
    v[at + 8..at + 12].copy_from_slice(&crc.to_le_bytes());
}

/// One framed item as read: a record, or marks (whose `seq` is the position they follow).
struct Frame<'a> {
    seq: u64,
    hash: [u8; 32],
    body: &'a [u8],
    /// Where the frame ends in the file.
    end: usize,
}

/// The frame of `magic` at `at`, if a whole one with a valid CRC is there and its body is at
/// most `max` bytes.
fn frame_at<'a>(b: &'a [u8], at: usize, magic: &[u8; 4], max: u32) -> Option<Frame<'a>> {
    if b.get(at..at + 4)? != magic {
        return None;
    }
    let len = u32_at(b, at + 4)?;
    if len > max {
        return None;
    }
    let crc = u32_at(b, at + 8)?;
    let end = at + REC_HEAD + len as usize;
    if crc32(b.get(at + 12..end)?) != crc {
        return None;
    }
    let seq = u64::from_le_bytes(b.get(at + 12..at + 20)?.try_into().ok()?);
    let hash: [u8; 32] = b.get(at + 20..at + 52)?.try_into().ok()?;
    Some(Frame {
        seq,
        hash,
        body: &b[at + REC_HEAD..end],
        end,
    })
}

/// Reads the record or the marks at `at`, if a whole valid one is there.
fn item_at(b: &[u8], at: usize) -> Option<(Item, usize)> {
    match b.get(at..at + 4)? {
        m if m == MARK_MAGIC => {
            let f = frame_at(b, at, MARK_MAGIC, MARKS_MAX * 8)?;
            if f.body.len() % 8 != 0 {
                return None;
            }
            let codes = f
                .body
                .chunks_exact(8)
                .filter_map(|c| c.try_into().ok().map(u64::from_le_bytes))
                .collect();
            Some((
                Item::Marks {
                    after: f.seq,
                    codes,
                },
                f.end,
            ))
        }
        _ => record_at(b, at).map(|(r, end)| (Item::Doc(r), end)),
    }
}

/// Frames a marks record following chain position `after` into `v`.
fn write_marks(after: u64, codes: &[u64], v: &mut Vec<u8>) {
    write_frame(v, MARK_MAGIC, after, &[0; 32], |v| {
        for c in codes {
            v.extend_from_slice(&c.to_le_bytes());
        }
    });
}

/// Reads the record at `at`, if a whole valid one is there.
fn record_at(b: &[u8], at: usize) -> Option<(JournalRecord, usize)> {
    let f = frame_at(b, at, REC_MAGIC, RECORD_MAX)?;
    Some((
        JournalRecord {
            seq: f.seq,
            hash: f.hash,
            body: f.body.to_vec(),
        },
        f.end,
    ))
}

/// What is wrong with a journal file's header, typed so that each reader words it in its own
/// language ([`HeaderFault::words`]); `Display` is the English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderFault {
    /// The file holds nothing at all: a file whose making a full disk cut short.
    Empty,
    NotAJournal,
    /// Written by a newer caja, in a journal format this one does not read.
    Newer(u8),
    CutShort,
    Checksum,
    /// The identity in it does not decode (the decoder's reason, for logs).
    Undecodable(String),
}

impl HeaderFault {
    pub fn words(&self, lang: crate::i18n::Language) -> String {
        use crate::i18n::{fill, store_text};
        let t = |k| store_text(lang, k);
        match self {
            HeaderFault::Empty => t(Word::HeaderEmpty).into(),
            HeaderFault::NotAJournal => t(Word::HeaderNotJournal).into(),
            HeaderFault::Newer(v) => fill(
                t(Word::HeaderNewer),
                &[
                    ("found", &v.to_string()),
                    ("supported", &FORMAT.to_string()),
                ],
            ),
            HeaderFault::CutShort => t(Word::HeaderCutShort).into(),
            HeaderFault::Checksum => t(Word::HeaderChecksum).into(),
            HeaderFault::Undecodable(_) => t(Word::HeaderUndecodable).into(),
        }
    }
}

crate::i18n::display_words!(HeaderFault);

/// The store identity a file's header carries, and where its records start.
pub fn read_header(b: &[u8]) -> Result<(StoreInfo, usize), HeaderFault> {
    if b.iter().take(64).all(|x| *x == 0) {
        return Err(HeaderFault::Empty);
    }
    if b.get(..7) != Some(&FILE_MAGIC[..7]) {
        return Err(HeaderFault::NotAJournal);
    }
    match b.get(7) {
        Some(&v) if v > FORMAT => return Err(HeaderFault::Newer(v)),
        Some(1..=FORMAT) => {}
        _ => return Err(HeaderFault::NotAJournal),
    }
    let len = u32_at(b, 8).ok_or(HeaderFault::CutShort)? as usize;
    let crc = u32_at(b, 12).ok_or(HeaderFault::CutShort)?;
    let info = b
        .get(16..16usize.saturating_add(len))
        .ok_or(HeaderFault::CutShort)?;
    if crc32(info) != crc {
        return Err(HeaderFault::Checksum);
    }
    match super::codec::decode_detail::<StoreInfoRecord>(info) {
        Ok(StoreInfoRecord::V1(i)) => Ok((i, 16 + len)),
        Err(e) => Err(HeaderFault::Undecodable(e)),
    }
}

/// Every journal file whose header names a store other than `store`: a file copied in from
/// another till. Such a file is never read as this store's, never replayed into it and never
/// rebuilt from; the caller refuses with [`foreign_refusal`].
pub fn foreign_files(
    io: &mut dyn JournalIo,
    store: &StoreInfo,
) -> Result<Vec<(String, StoreInfo)>, StoreError> {
    let mut out = Vec::new();
    for (_, name) in file_names(io)? {
        if let Ok((found, _)) = read_header(&io.head(&name)?)
            && found.store_id != store.store_id
        {
            out.push((name, found));
        }
    }
    Ok(out)
}

/// The refusal for a journal file of another store, when there is one.
pub fn refuse_foreign(io: &mut dyn JournalIo, store: &StoreInfo) -> Result<(), StoreError> {
    match foreign_files(io, store)?.into_iter().next() {
        Some((file, other)) => Err(foreign_refusal(file, &other)),
        None => Ok(()),
    }
}

/// A journal file of store `other` found among this store's.
pub fn foreign_refusal(file: String, other: &StoreInfo) -> StoreError {
    StoreError::Refused(super::Refusal::ForeignJournal {
        file,
        name: other.name.clone(),
        store_id: other.store_id.clone(),
    })
}

fn header_bytes(info: &StoreInfo) -> Result<Vec<u8>, StoreError> {
    let body = encode(&StoreInfoRecord::V1(info.clone()))?;
    let mut v = Vec::with_capacity(16 + body.len());
    v.extend_from_slice(FILE_MAGIC);
    v.extend_from_slice(&(body.len() as u32).to_le_bytes());
    v.extend_from_slice(&crc32(&body).to_le_bytes());
    v.extend_from_slice(&body);
    Ok(v)
}

/// Walks one file's records. A record that fails its checksum is skipped by looking for the
/// next record magic that starts a valid record.
pub fn scan_file(b: &[u8], start: usize) -> FileScan {
    let mut scan = FileScan {
        end: start as u64,
        ..FileScan::default()
    };
    let mut at = start;
    while at < b.len() {
        if let Some((item, next)) = item_at(b, at) {
            match item {
                Item::Doc(r) => {
                    scan.records.push(r);
                    scan.starts.push(at as u64);
                }
                Item::Marks { after, codes } => scan.marks.push((after, codes)),
            }
            at = next;
            scan.end = at as u64;
            continue;
        }
        // Zeros: the unused, preallocated rest of the file.
        if b[at..].iter().all(|x| *x == 0) {
            break;
        }
        // Something that is not a record: find the next one that is.
        let resume = (at + 1..b.len().saturating_sub(REC_HEAD - 1)).find(|&i| {
            (b[i..i + 4] == *REC_MAGIC || b[i..i + 4] == *MARK_MAGIC) && item_at(b, i).is_some()
        });
        match resume {
            Some(i) => {
                scan.damaged.push((at as u64, i as u64));
                at = i;
            }
            None => {
                let nonzero = b[at..]
                    .iter()
                    .rposition(|x| *x != 0)
                    .map_or(at, |p| at + p + 1);
                scan.torn = nonzero as u64;
                break;
            }
        }
    }
    scan
}

/// One journal file, read.
#[derive(Debug)]
pub struct JournalFile {
    pub name: String,
    pub info: Result<StoreInfo, HeaderFault>,
    pub scan: FileScan,
}

/// Reads every journal file, oldest first, calling `f` for each. Files are read one at a time
/// (each is at most a few MiB).
pub fn visit_files(
    io: &mut dyn JournalIo,
    mut f: impl FnMut(JournalFile) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for (_, name) in file_names(io)? {
        let b = io.read(&name)?;
        let (info, start) = match read_header(&b) {
            Ok((i, s)) => (Ok(i), s),
            Err(e) => (Err(e), 0),
        };
        let scan = if info.is_ok() {
            scan_file(&b, start)
        } else {
            // A damaged header: the records may still be readable.
            let mut s = scan_file(&b, 16);
            s.damaged.insert(0, (0, 16));
            s
        };
        f(JournalFile { name, info, scan })?;
    }
    Ok(())
}

fn file_names(io: &mut dyn JournalIo) -> Result<Vec<(u64, String)>, StoreError> {
    let mut names: Vec<(u64, String)> = io
        .names()?
        .into_iter()
        .filter_map(|n| first_seq_of(&n).map(|s| (s, n)))
        .collect();
    names.sort();
    Ok(names)
}

/// The journal's writer. It appends after the last valid record of the newest file.
pub struct Journal {
    io: Box<dyn JournalIo>,
    info: StoreInfo,
    /// The file appended to, where the next record goes, and how far the file is allocated.
    current: Option<(String, u64, u64)>,
    /// The chain position of the last record written, and its hash.
    last_seq: u64,
    last_hash: Option<[u8; 32]>,
    /// The size of a file's header: a file with nothing past it holds no record yet.
    head_len: u64,
    /// How to take back the last append: its file, where it began, and the chain position and
    /// hash before it.
    undo: Option<Undo>,
    /// The file appended to is of format 1, which has no marks records: the next append
    /// starts a new file.
    old_format: bool,
}

/// The last append, as [`Journal::withdraw_last`] takes it back.
struct Undo {
    name: String,
    start: u64,
    len: u64,
    last_seq: u64,
    last_hash: Option<[u8; 32]>,
}

impl Journal {
    /// Opens the journal for appending: refuses a file of another store, removes the empty
    /// files a full disk left, finds the last record and clears a torn tail (a write that a
    /// power loss cut short was never acknowledged).
    pub fn open(mut io: Box<dyn JournalIo>, info: StoreInfo) -> Result<Journal, StoreError> {
        refuse_foreign(io.as_mut(), &info)?;
        let mut names = file_names(io.as_mut())?;
        // A file that holds not one byte (its making was cut short by a full disk): it never
        // held a record; removed, so that it cannot stand where the next file goes.
        let mut kept = Vec::with_capacity(names.len());
        for (first, name) in names {
            if matches!(read_header(&io.head(&name)?), Err(HeaderFault::Empty)) {
                let b = io.read(&name)?;
                if b.iter().all(|x| *x == 0) {
                    tracing::warn!("removing the empty journal file {name}");
                    io.remove(&name)?;
                    continue;
                }
            }
            kept.push((first, name));
        }
        names = kept;
        let head_len = header_bytes(&info)?.len() as u64;
        let mut journal = Journal {
            io,
            info,
            current: None,
            last_seq: 0,
            last_hash: None,
            head_len,
            undo: None,
            old_format: false,
        };
        journal.locate(&names)?;
        Ok(journal)
    }

    /// Finds where appending goes on: the newest file that holds a record, its last record,
    /// and a torn tail past it, which is cleared.
    fn locate(&mut self, names: &[(u64, String)]) -> Result<(), StoreError> {
        let io = self.io.as_mut();
        self.current = None;
        self.last_seq = 0;
        self.last_hash = None;
        for (first_seq, name) in names.iter().rev() {
            let b = io.read(name)?;
            let Ok((_, start)) = read_header(&b) else {
                continue;
            };
            let scan = scan_file(&b, start);
            if let Some(r) = scan.records.last() {
                self.last_seq = r.seq;
                self.last_hash = Some(r.hash);
            } else if first_seq.saturating_sub(1) > 0 {
                self.last_seq = first_seq - 1;
            }
            if scan.torn > scan.end {
                let zeros = vec![0u8; (scan.torn - scan.end) as usize];
                io.write_at(name, scan.end, &zeros)?;
                io.sync(name, false)?;
            }
            self.current = Some((name.clone(), scan.end, b.len() as u64));
            self.old_format = b.get(7) == Some(&1);
            if !scan.records.is_empty() || *first_seq <= 1 {
                break;
            }
        }
        Ok(())
    }

    /// Moves everything the journal holds past record `after` (records that cannot be
    /// replayed, and damaged bytes among them) into a file of its own in the journal folder,
    /// `aside-NNNNNNNNNNNN.cj` (this store's header, then the bytes as they were), synced
    /// before they are zeroed here: kept for a technician, and out of the way of the next
    /// document. Returns the file's name.
    pub fn set_aside(&mut self, after: u64) -> Result<String, StoreError> {
        let names = file_names(self.io.as_mut())?;
        let mut kept = header_bytes(&self.info)?;
        let mut cuts = Vec::new();
        for (_, name) in &names {
            let b = self.io.read(name)?;
            let Ok((_, start)) = read_header(&b) else {
                continue;
            };
            let scan = scan_file(&b, start);
            let from = scan
                .records
                .iter()
                .zip(&scan.starts)
                .rfind(|(r, _)| r.seq <= after)
                .map(|(r, at)| at + (REC_HEAD + r.body.len()) as u64)
                .unwrap_or(start as u64);
            let to = b.iter().rposition(|x| *x != 0).map_or(0, |p| p as u64 + 1);
            if to > from {
                kept.extend_from_slice(&b[from as usize..to as usize]);
                cuts.push((name.clone(), from, to));
            }
        }
        let taken = self.io.names()?;
        let mut file = format!("aside-{:012}.cj", after + 1);
        let mut k = 1;
        while taken.contains(&file) {
            file = format!("aside-{:012}-{k}.cj", after + 1);
            k += 1;
        }
        self.io.write_at(&file, 0, &kept)?;
        self.io.sync(&file, true)?;
        for (name, from, to) in cuts {
            self.io
                .write_at(&name, from, &vec![0u8; (to - from) as usize])?;
            self.io.sync(&name, false)?;
        }
        self.undo = None;
        self.locate(&names)?;
        Ok(file)
    }

    /// The chain position of the last record in the journal (0 when it is empty).
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Appends records (consecutive, following `last_seq`) and makes them durable with one sync.
    /// A failed append leaves the journal as it was: no record acknowledged, no half-made file.
    pub fn append(&mut self, records: &[JournalRecord]) -> Result<(), StoreError> {
        self.append_marked(records, &[])
    }

    /// Appends records as [`Journal::append`] does, with a marks record of `marks` (see
    /// [`mark_code`]) before them, in the same write and the same sync.
    pub fn append_marked(
        &mut self,
        records: &[JournalRecord],
        marks: &[u64],
    ) -> Result<(), StoreError> {
        let Some(first) = records.first() else {
            return Ok(());
        };
        self.undo = None;
        if first.seq != self.last_seq + 1 {
            return Err(StoreError::Corrupt(format!(
                "the journal ends at #{}, the next document is #{}",
                self.last_seq, first.seq
            )));
        }
        let mut bytes = Vec::new();
        for chunk in marks.chunks(MARKS_MAX as usize) {
            write_marks(self.last_seq, chunk, &mut bytes);
        }
        for r in records {
            r.write_into(&mut bytes);
        }
        let len = bytes.len() as u64;
        // The file appended to, or a new one named after its first record (`previous` then
        // keeps what was current, to put back should the new file fail). A file of the old
        // format is not appended to: it cannot hold marks.
        let (name, end, alloc, previous) = match self.current.take() {
            Some((n, e, a)) if !self.old_format && (e + len <= FILE_MAX || e <= self.head_len) => {
                (n, e, a, None)
            }
            other => (file_name(first.seq), 0, 0, Some(other)),
        };
        let fresh = previous.is_some();
        let (end, alloc) = match self.write_framed(&name, fresh, end, alloc, &bytes) {
            Ok(at) => at,
            Err(e) => {
                match previous {
                    // Nothing in it was acknowledged: leave no file that holds nothing.
                    Some(p) => {
                        let _ = self.io.remove(&name);
                        self.current = p;
                    }
                    None => self.current = Some((name, end, alloc)),
                }
                return Err(e);
            }
        };
        self.undo = Some(Undo {
            name: name.clone(),
            start: end,
            len,
            last_seq: self.last_seq,
            last_hash: self.last_hash,
        });
        self.current = Some((name, end + len, alloc));
        self.old_format = false;
        if let Some(r) = records.last() {
            self.last_seq = r.seq;
            self.last_hash = Some(r.hash);
        }
        Ok(())
    }

    /// Writes framed records at `end` of `name` (a new file's header first), growing the file
    /// as needed, and syncs: where the records start and how far the file is allocated.
    fn write_framed(
        &mut self,
        name: &str,
        fresh: bool,
        mut end: u64,
        mut alloc: u64,
        bytes: &[u8],
    ) -> Result<(u64, u64), StoreError> {
        let mut created = fresh;
        if fresh {
            let head = header_bytes(&self.info)?;
            self.io.write_at(name, 0, &head)?;
            end = head.len() as u64;
            alloc = end;
        }
        let len = bytes.len() as u64;
        if end + len > alloc {
            // Grow in zero-filled steps, synced, so later appends change no file size.
            // Written a page at a time: one large write would put the file in large page-cache
            // folios, and each later append would then dirty (and be counted as) a whole folio.
            let target = (end + len).div_ceil(GROW_STEP) * GROW_STEP;
            let zeros = [0u8; 4096];
            let mut at = alloc;
            while at < target {
                let n = (target - at).min(zeros.len() as u64);
                self.io.write_at(name, at, &zeros[..n as usize])?;
                at += n;
            }
            alloc = target;
            created = true;
        }
        self.io.write_at(name, end, bytes)?;
        self.io.sync(name, created)?;
        Ok((end, alloc))
    }

    /// Takes back the last append (zeroed and synced, as if never written): for a document
    /// whose store transaction failed after its record was written. Nothing else may have been
    /// appended since.
    pub fn withdraw_last(&mut self) -> Result<(), StoreError> {
        let Some(Undo {
            name,
            start,
            len,
            last_seq: seq,
            last_hash: hash,
        }) = self.undo.take()
        else {
            return Err(StoreError::Io(io::Error::other(
                "no journal record to take back",
            )));
        };
        let zeros = vec![0u8; len as usize];
        self.io.write_at(&name, start, &zeros)?;
        self.io.sync(&name, false)?;
        if let Some((_, end, _)) = self.current.as_mut() {
            *end = start;
        }
        self.last_seq = seq;
        self.last_hash = hash;
        Ok(())
    }

    /// Makes the first file (its header only) when there is none, so that the store's identity
    /// is on disk twice from the start.
    pub fn ensure_file(&mut self) -> Result<(), StoreError> {
        if self.current.is_some() {
            return Ok(());
        }
        let name = file_name(self.last_seq + 1);
        let head = header_bytes(&self.info)?;
        let made = self
            .io
            .write_at(&name, 0, &head)
            .and_then(|()| self.io.sync(&name, true));
        if let Err(e) = made {
            let _ = self.io.remove(&name);
            return Err(e.into());
        }
        self.current = Some((name, head.len() as u64, head.len() as u64));
        Ok(())
    }

    /// The hash of the last record, when there is one.
    pub fn last_hash(&self) -> Option<[u8; 32]> {
        self.last_hash
    }

    /// The records after chain position `seq`, and the receipts the marks records written
    /// after it list (see [`mark_code`]): what was printed since redb last made its state
    /// durable at `seq`. Only the files that can hold them are read (the open after a power
    /// cut replays a few documents, not the whole journal).
    pub fn tail_after(&mut self, seq: u64) -> Result<(Vec<JournalRecord>, Vec<u64>), StoreError> {
        let names = file_names(self.io.as_mut())?;
        // The last file that starts at or before seq + 1, and every one after it.
        let from = names
            .iter()
            .rposition(|(first, _)| *first <= seq + 1)
            .unwrap_or(0);
        let (mut out, mut printed) = (Vec::new(), Vec::new());
        for (_, name) in &names[from..] {
            let b = self.io.read(name)?;
            let start = read_header(&b).map_or(16, |(_, s)| s);
            let scan = scan_file(&b, start);
            out.extend(scan.records.into_iter().filter(|r| r.seq > seq));
            for (after, codes) in scan.marks {
                if after >= seq {
                    printed.extend(codes);
                }
            }
        }
        Ok((out, printed))
    }
}

/// The journal folder of a data directory.
pub fn dir_of(data_dir: &Path) -> PathBuf {
    data_dir.join(JOURNAL_DIR)
}

/// Every record of a journal in order, one file in memory at a time. What the files hold that
/// is not a record (damage) is listed in `problems` as the walk meets it.
pub struct Records<'a> {
    io: &'a mut dyn JournalIo,
    names: std::vec::IntoIter<(u64, String)>,
    current: std::vec::IntoIter<JournalRecord>,
    /// The store the walk reads: a file of another one is a problem, its records skipped.
    store_id: Option<String>,
    pub problems: Vec<Problem>,
}

impl<'a> Records<'a> {
    /// The walk, and the store identity the first readable header carries.
    pub fn open(io: &'a mut dyn JournalIo) -> Result<(Records<'a>, Option<StoreInfo>), StoreError> {
        let names = file_names(io)?;
        let mut info: Option<StoreInfo> = None;
        for (_, n) in &names {
            if let Ok((i, _)) = read_header(&io.head(n)?) {
                info = Some(i);
                break;
            }
        }
        Ok((
            Records {
                io,
                names: names.into_iter(),
                current: Vec::new().into_iter(),
                store_id: info.as_ref().map(|i| i.store_id.clone()),
                problems: Vec::new(),
            },
            info,
        ))
    }
}

impl Iterator for Records<'_> {
    type Item = Result<JournalRecord, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.current.next() {
                return Some(Ok(r));
            }
            let (_, name) = self.names.next()?;
            let b = match self.io.read(&name) {
                Ok(b) => b,
                Err(e) => return Some(Err(e.into())),
            };
            let scan = match read_header(&b) {
                Ok((i, _)) if self.store_id.as_ref().is_some_and(|id| *id != i.store_id) => {
                    self.problems.push(Problem::JournalForeign {
                        file: name.clone(),
                        name: i.name,
                        store_id: i.store_id,
                    });
                    continue;
                }
                Ok((_, start)) => scan_file(&b, start),
                Err(e) => {
                    self.problems.push(Problem::JournalHeader {
                        file: name.clone(),
                        fault: e,
                    });
                    scan_file(&b, 16)
                }
            };
            for (a, z) in &scan.damaged {
                self.problems.push(Problem::JournalBytes {
                    file: name.clone(),
                    from: *a,
                    to: *z,
                    store_copy: false,
                });
            }
            self.current = scan.records.into_iter();
        }
    }
}

/// The store a data directory's journal belongs to, from its files' headers.
pub fn store_id_in(data_dir: &Path) -> Option<String> {
    let mut io = FsJournal::new(dir_of(data_dir));
    for (_, name) in file_names(&mut io).ok()? {
        if let Ok(head) = io.head(&name)
            && let Ok((i, _)) = read_header(&head)
        {
            return Some(i.store_id);
        }
    }
    None
}

/// The documents of a journal, read without the store: what `caja journal` reads, so that a
/// supervisor sees today's sales over SSH while the register keeps the store open, and no byte
/// of the store changes.
pub struct JournalReader {
    io: std::sync::Mutex<FsJournal>,
    info: StoreInfo,
    last_seq: u64,
}

impl JournalReader {
    /// Opens the journal of `data_dir` if it is whole: every record from #1 on, none damaged,
    /// every file of one store. Anything less is an error (a typed [`Problem`], or the
    /// refusal of a file of another store), and the caller reads the store instead.
    pub fn open(data_dir: &Path) -> Result<JournalReader, StoreError> {
        // Read while the register appends, a record can show past one not yet seen: a hole
        // that is gone when read again is no damage (see `check::check_journal_only`).
        let mut opened = JournalReader::open_once(data_dir);
        for _ in 0..2 {
            if !matches!(opened, Err(StoreError::Found(_))) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            opened = JournalReader::open_once(data_dir);
        }
        opened
    }

    fn open_once(data_dir: &Path) -> Result<JournalReader, StoreError> {
        let mut io = FsJournal::new(dir_of(data_dir));
        let mut info: Option<StoreInfo> = None;
        let mut next = 1u64;
        let mut problem = None;
        let mut foreign = None;
        visit_files(&mut io, |f| {
            match f.info {
                Ok(i) => match &info {
                    Some(first) if first.store_id != i.store_id => {
                        foreign.get_or_insert((f.name.clone(), i));
                    }
                    Some(_) => {}
                    None => info = Some(i),
                },
                Err(fault) => {
                    problem.get_or_insert(Problem::JournalHeader {
                        file: f.name.clone(),
                        fault,
                    });
                }
            }
            if let Some((from, to)) = f.scan.damaged.first() {
                problem.get_or_insert(Problem::JournalBytes {
                    file: f.name.clone(),
                    from: *from,
                    to: *to,
                    store_copy: false,
                });
            }
            for r in &f.scan.records {
                if r.seq != next {
                    problem.get_or_insert(Problem::JournalGap {
                        from: next,
                        to: r.seq.saturating_sub(1),
                    });
                }
                next = r.seq + 1;
            }
            Ok(())
        })?;
        if let Some((file, other)) = foreign {
            return Err(foreign_refusal(file, &other));
        }
        if let Some(p) = problem {
            return Err(StoreError::Found(p));
        }
        let info = info.ok_or(StoreError::Found(Problem::JournalEmpty))?;
        Ok(JournalReader {
            io: std::sync::Mutex::new(io),
            info,
            last_seq: next - 1,
        })
    }

    /// The chain position of the journal's last record.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }
}

impl super::DocSource for JournalReader {
    fn info(&self) -> &StoreInfo {
        &self.info
    }

    fn visit_dates(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        f: &mut super::Visitor<'_>,
    ) -> Result<(), StoreError> {
        use crate::domain::document::BusinessDate;
        let (from, to) = (BusinessDate::from_date(from), BusinessDate::from_date(to));
        let mut io = self.io.lock_anyway();
        let mut done = false;
        visit_files(&mut *io, |file| {
            for r in file.scan.records {
                if done {
                    break;
                }
                let d = r.document()?;
                let date = d.doc.business_date;
                // A date correction can follow a later date that it gave up: only the close of
                // a later date ends the search.
                let past =
                    date > to && matches!(d.doc.body, crate::domain::document::DocBody::Closing(_));
                done = past || ((from..=to).contains(&date) && f(r.seq, &d).is_break());
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_zlibs() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn a_record_survives_its_round_trip_and_a_flipped_byte_is_found() {
        let r = JournalRecord {
            seq: 7,
            hash: [3; 32],
            body: vec![1, 2, 3, 4],
        };
        let mut file = vec![0u8; 16];
        file.extend(r.to_bytes());
        let r2 = JournalRecord {
            seq: 8,
            hash: [4; 32],
            body: vec![9; 10],
        };
        file.extend(r2.to_bytes());
        file.extend(vec![0u8; 100]);
        let s = scan_file(&file, 16);
        assert_eq!(s.records.len(), 2);
        assert!(s.damaged.is_empty());
        assert_eq!(s.torn, 0);
        // A flipped byte in the first record: the second is still found, the first reported.
        file[16 + REC_HEAD + 1] ^= 0x40;
        let s = scan_file(&file, 16);
        assert_eq!(s.records.len(), 1);
        assert_eq!(s.records[0].seq, 8);
        assert_eq!(s.damaged.len(), 1);
        // A cut-short last record is a torn tail, not damage.
        let mut file = vec![0u8; 16];
        file.extend(r.to_bytes());
        let cut = r2.to_bytes();
        file.extend(&cut[..cut.len() - 3]);
        file.extend(vec![0u8; 20]);
        let s = scan_file(&file, 16);
        assert_eq!(s.records.len(), 1);
        assert!(s.damaged.is_empty());
        assert!(s.torn > s.end);
    }

    /// A marks record between two document records is read as marks, not as damage; a
    /// damaged one is damage, and the records around it are still found.
    #[test]
    fn marks_ride_between_records() {
        let r = |seq: u64| JournalRecord {
            seq,
            hash: [seq as u8; 32],
            body: vec![seq as u8; 5],
        };
        let mut file = vec![0u8; 16];
        file.extend(r(1).to_bytes());
        let marks_at = file.len();
        write_marks(1, &[mark_code(1, false), mark_code(1, true)], &mut file);
        file.extend(r(2).to_bytes());
        file.extend(vec![0u8; 64]);
        let s = scan_file(&file, 16);
        assert_eq!(s.records.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(s.marks, vec![(1, vec![2, 3])]);
        assert!(s.damaged.is_empty() && s.torn == 0);
        assert_eq!(s.end as usize, file.len() - 64);
        // A flipped byte in the marks: damage, and both records still read.
        file[marks_at + REC_HEAD] ^= 1;
        let s = scan_file(&file, 16);
        assert_eq!(s.records.len(), 2);
        assert!(s.marks.is_empty());
        assert_eq!(s.damaged.len(), 1);
    }
}
