//! Ledger entries, their canonical encoding and hash chain, and the append-only journal.

use core::fmt;
use std::collections::BTreeMap;

use foldhash::HashMap;

use chrono::{DateTime, FixedOffset};
use sha2::{Digest, Sha256};

use crate::{
    Actor, CorrectionId, IdempotencyKey, MinuteDelta, OrgId, PolicyVersion, Provenance, RecordId,
    RecordKind, TimeSpan, VolunteerId,
};

/// A SHA-256 digest chaining a ledger entry to the one before it.
///
/// Displays (and serialises) as 64 lowercase hex digits. The hash before the first entry is
/// [`EntryHash::GENESIS`] (all zeros).
///
/// # Example
/// ```
/// use volunteer_service::EntryHash;
/// assert_eq!(EntryHash::GENESIS.to_string(), "0".repeat(64));
/// let h: EntryHash = "ab".repeat(32).parse()?;
/// assert_eq!(h.as_bytes()[0], 0xab);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "String", try_from = "String")
)]
pub struct EntryHash([u8; 32]);

impl EntryHash {
    /// The hash before the first entry: 32 zero bytes.
    pub const GENESIS: Self = Self([0; 32]);

    /// Wraps digest bytes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::EntryHash;
    /// assert_eq!(EntryHash::from_bytes([0; 32]), EntryHash::GENESIS);
    /// ```
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The digest's bytes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::EntryHash;
    /// assert_eq!(EntryHash::from_bytes([7; 32]).as_bytes(), &[7; 32]);
    /// assert_eq!(EntryHash::GENESIS.as_bytes(), &[0; 32]);
    /// ```
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for EntryHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntryHash({self})")
    }
}

/// Returned when a string is not 64 hex digits.
///
/// # Example
/// ```
/// use volunteer_service::EntryHash;
/// let err = "xyz".parse::<EntryHash>().unwrap_err();
/// assert_eq!(err.to_string(), "invalid entry hash \"xyz\": expected 64 hex digits");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid entry hash {value:?}: expected 64 hex digits")]
pub struct ParseHashError {
    value: String,
}

impl core::str::FromStr for EntryHash {
    type Err = ParseHashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseHashError {
            value: crate::codes::echo_public(s, 80),
        };
        let bytes = s.as_bytes();
        if bytes.len() != 64 {
            return Err(err());
        }
        let mut out = [0_u8; 32];
        for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            let hi = (pair[0] as char).to_digit(16).ok_or_else(err)?;
            let lo = (pair[1] as char).to_digit(16).ok_or_else(err)?;
            *o = u8::try_from(hi * 16 + lo).map_err(|_| err())?;
        }
        Ok(Self(out))
    }
}

impl From<EntryHash> for String {
    fn from(h: EntryHash) -> Self {
        h.to_string()
    }
}

impl TryFrom<String> for EntryHash {
    type Error = ParseHashError;
    fn try_from(s: String) -> Result<Self, ParseHashError> {
        s.parse()
    }
}

/// What an entry does: credit minutes, or reverse an earlier credit.
///
/// Serialised as `"credit"` or `{"reversal": {"of": <seq>, "reason": "…"}}`.
///
/// # Example
/// ```
/// use volunteer_service::EntryKind;
/// assert!(EntryKind::Credit.is_credit());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum EntryKind {
    /// A credit from a confirmed record (positive amount).
    Credit,
    /// The reversal of the credit at sequence `of` (negative amount, same interval).
    Reversal {
        /// The reversed credit's sequence.
        of: u64,
        /// Why.
        reason: String,
    },
}

impl EntryKind {
    /// Whether this is a credit.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::EntryKind;
    /// assert!(EntryKind::Credit.is_credit());
    /// assert!(!EntryKind::Reversal { of: 0, reason: "duplicate import".into() }.is_credit());
    /// ```
    pub const fn is_credit(&self) -> bool {
        matches!(self, Self::Credit)
    }
}

/// One entry of the hour ledger. Entries are never edited or deleted: the ledger hands out
/// shared references only.
///
/// Every entry repeats the volunteer, organiser, record, provenance, kind and served
/// interval of the record it credits (or reverses), so totals fold over entries alone.
///
/// Serialised as `{"seq", "key", "at", "actor", "kind", "volunteer", "organiser", "record",
/// "provenance", "record_kind", "served", "amount", "policy", "correction", "hash"}`, plus
/// `"auto_closed": true` only for the credit (or reversal) of an automatically closed
/// attendance ([`auto_closed`](Self::auto_closed)). A
/// deserialised entry is checked by [`HourLedger::verify_entries`](crate::HourLedger::verify_entries).
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, MinuteDelta};
/// let mut ledger = doc_fixtures::ledger();
/// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
/// let rec = doc_fixtures::record_builder(1).build()?;
/// let id = rec.id();
/// ledger.submit(doc_fixtures::recorder(), rec, at)?;
/// let receipt = ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
/// let entry = ledger.entry(receipt.first()).expect("appended");
/// assert_eq!(entry.amount(), MinuteDelta::new(240));
/// assert_eq!(entry.record(), id);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LedgerEntry {
    pub(crate) seq: u64,
    pub(crate) key: IdempotencyKey,
    pub(crate) at: DateTime<FixedOffset>,
    pub(crate) actor: Actor,
    pub(crate) kind: EntryKind,
    pub(crate) volunteer: VolunteerId,
    pub(crate) organiser: OrgId,
    pub(crate) record: RecordId,
    pub(crate) provenance: Provenance,
    pub(crate) record_kind: RecordKind,
    pub(crate) served: TimeSpan,
    pub(crate) amount: MinuteDelta,
    pub(crate) policy: Option<PolicyVersion>,
    pub(crate) correction: Option<CorrectionId>,
    pub(crate) hash: EntryHash,
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub(crate) auto_closed: bool,
}

#[cfg(feature = "serde")]
#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_false(b: &bool) -> bool {
    !*b
}

impl LedgerEntry {
    /// The gap-free sequence number, from 0.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, LedgerEntry};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two confirmed records
    /// let seqs: Vec<u64> = ledger.entries().iter().map(LedgerEntry::seq).collect();
    /// assert_eq!(seqs, [0, 1]);
    /// ```
    pub fn seq(&self) -> u64 {
        self.seq
    }
    /// The idempotency key of the append that produced it.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger();
    /// # let at = doc_fixtures::at("2021-07-24T09:00:00+08:00");
    /// let key = IdempotencyKey::from_parts(0, 1);
    /// let r = ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import", Append::new(key), at)?;
    /// assert_eq!(ledger.entry(r.first()).expect("appended").key(), key);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn key(&self) -> IdempotencyKey {
        self.key
    }
    /// When it was appended.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger();
    /// let at = doc_fixtures::at("2021-07-24T09:00:00+08:00");
    /// let key = Append::new(IdempotencyKey::from_parts(0, 1));
    /// let r = ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import", key, at)?;
    /// assert_eq!(ledger.entry(r.first()).expect("appended").at(), at);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn at(&self) -> DateTime<FixedOffset> {
        self.at
    }
    /// Who appended it.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger();
    /// # let at = doc_fixtures::at("2021-07-24T09:00:00+08:00");
    /// let recorder = doc_fixtures::recorder();
    /// let key = Append::new(IdempotencyKey::from_parts(0, 1));
    /// let r = ledger.reverse(recorder, 0, "duplicate import", key, at)?;
    /// let e = ledger.entry(r.first()).expect("appended");
    /// assert_eq!(e.actor(), recorder);
    /// assert!(!e.actor().is_volunteer(e.volunteer()));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn actor(&self) -> Actor {
        self.actor
    }
    /// Credit or reversal.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, EntryKind, IdempotencyKey};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger();
    /// # let at = doc_fixtures::at("2021-07-24T09:00:00+08:00");
    /// let key = Append::new(IdempotencyKey::from_parts(0, 1));
    /// let r = ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import", key, at)?;
    /// assert_eq!(ledger.entry(0).expect("credit").kind(), &EntryKind::Credit);
    /// assert_eq!(ledger.entry(r.first()).expect("appended").kind(),
    ///     &EntryKind::Reversal { of: 0, reason: "duplicate import".into() });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn kind(&self) -> &EntryKind {
        &self.kind
    }
    /// The credited volunteer.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let (ledger, profile) = doc_fixtures::certified_ledger();
    /// let e = ledger.entry(0).expect("credited");
    /// assert_eq!(e.volunteer(), profile.id());
    /// ```
    pub fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// The organiser that owns the record.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let (ledger, _) = doc_fixtures::certified_ledger();
    /// let e = ledger.entry(0).expect("credited");
    /// assert_eq!(e.organiser(), doc_fixtures::organiser());
    /// ```
    pub fn organiser(&self) -> OrgId {
        self.organiser
    }
    /// The record credited or reversed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // records 1 and 2, in order
    /// let second = doc_fixtures::record_builder(2).build()?;
    /// assert_eq!(ledger.entry(1).expect("credited").record(), second.id());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn record(&self) -> RecordId {
        self.record
    }
    /// The record's provenance.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Provenance};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // attested manual entries
    /// assert_eq!(ledger.entry(0).expect("credited").provenance(), Provenance::AttestedManual);
    /// ```
    pub fn provenance(&self) -> Provenance {
        self.provenance
    }
    /// Service, training or drill (the kind of the record it credits or reverses).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, RecordKind};
    /// let mut ledger = doc_fixtures::ledger();
    /// let rec = doc_fixtures::record_builder(1).kind(RecordKind::Training).build()?;
    /// # let (id, at) = (rec.id(), doc_fixtures::at("2021-07-21T13:00:00+08:00"));
    /// # ledger.submit(doc_fixtures::recorder(), rec, at)?;
    /// # ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// assert_eq!(ledger.entry(0).expect("credited").record_kind(), RecordKind::Training);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn record_kind(&self) -> RecordKind {
        self.record_kind
    }
    /// The served interval.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let (ledger, _) = doc_fixtures::certified_ledger();
    /// let day_one = doc_fixtures::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// assert_eq!(ledger.entry(0).expect("credited").served(), day_one);
    /// ```
    pub fn served(&self) -> TimeSpan {
        self.served
    }
    /// Signed minutes: positive for a credit, negative for a reversal.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, MinuteDelta};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger();
    /// # let at = doc_fixtures::at("2021-07-24T09:00:00+08:00");
    /// let key = Append::new(IdempotencyKey::from_parts(0, 1));
    /// let r = ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import", key, at)?;
    /// assert_eq!(ledger.entry(0).expect("credit").amount(), MinuteDelta::new(240));
    /// assert_eq!(ledger.entry(r.first()).expect("reversal").amount(), MinuteDelta::new(-240));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn amount(&self) -> MinuteDelta {
        self.amount
    }
    /// The crediting policy version stamped on the credit.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, PolicyVersion};
    /// let mut ledger = doc_fixtures::ledger();
    /// let rec = doc_fixtures::record_builder(1).policy(PolicyVersion::new(3)).build()?;
    /// # let (id, at) = (rec.id(), doc_fixtures::at("2021-07-21T13:00:00+08:00"));
    /// # ledger.submit(doc_fixtures::recorder(), rec, at)?;
    /// # ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// assert_eq!(ledger.entry(0).expect("credited").policy(), Some(PolicyVersion::new(3)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn policy(&self) -> Option<PolicyVersion> {
        self.policy
    }
    /// The correction that produced the entry, if any (AUD-01).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, Append, CorrectionId, CorrectionRequest, IdempotencyKey};
    /// let mut ledger = doc_fixtures::ledger();
    /// # let (v, at) = (doc_fixtures::volunteer_id(), doc_fixtures::at("2021-07-21T13:00:00+08:00"));
    /// let c = CorrectionId::from_parts(0, 1);
    /// let req = CorrectionRequest::omission(c, v, doc_fixtures::organiser(), "served 07-21 08:00–12:00")?;
    /// ledger.request_correction(Actor::Volunteer(v), req, at)?;
    /// let missing = doc_fixtures::record_builder(1).build()?;
    /// let r = ledger.approve_correction(doc_fixtures::recorder(), c, Some(missing),
    ///     Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// assert_eq!(ledger.entry(r.first()).expect("appended").correction(), Some(c));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn correction(&self) -> Option<CorrectionId> {
        self.correction
    }
    /// The chained SHA-256 hash of this entry.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let (ledger, _) = doc_fixtures::certified_ledger();
    /// let (first, second) = (ledger.entry(0).expect("0"), ledger.entry(1).expect("1"));
    /// assert_ne!(first.hash(), second.hash());
    /// assert_eq!(ledger.head(), second.hash());
    /// ```
    pub fn hash(&self) -> EntryHash {
        self.hash
    }
    /// Whether the credited record's attendance was closed automatically by the crediting
    /// policy (HRS-03: a missing check-out, flagged for review); see
    /// [`ServiceRecord::auto_closed`](crate::ServiceRecord::auto_closed). A reversal repeats
    /// its credit's flag. The flag is covered by the hash.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey};
    /// let mut ledger = doc_fixtures::ledger();
    /// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
    /// let rec = doc_fixtures::record_builder(1).build()?; // an attested manual entry
    /// let id = rec.id();
    /// ledger.submit(doc_fixtures::recorder(), rec, at)?;
    /// let r = ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// assert!(!ledger.entry(r.first()).expect("appended").auto_closed());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn auto_closed(&self) -> bool {
        self.auto_closed
    }

    /// A copy with another amount but the same stored hash, to test tamper detection.
    ///
    /// # Example
    /// See [`HourLedger::verify_entries`](crate::HourLedger::verify_entries).
    #[doc(hidden)]
    #[must_use]
    pub fn tampered_amount(&self, amount: MinuteDelta) -> Self {
        Self {
            amount,
            ..self.clone()
        }
    }

    /// Hashes the canonical encoding of the entry after `prev`.
    ///
    /// The encoding, fed to SHA-256 in this fixed order, integers big-endian: the format
    /// byte ([`ENCODING_FORMAT`], 1), `prev` (32 bytes), `seq` (u64), `key` (16 bytes), `at` (i64 Unix seconds,
    /// u32 nanoseconds, i32 offset seconds), `actor` (u8 tag 1 volunteer / 2 staff, 16
    /// bytes), `volunteer`, `organiser`, `record` (16 bytes each), `provenance` (u8:
    /// 1 verified check-in … 5 correction, plus 128 when [`auto_closed`](Self::auto_closed),
    /// so entries without the flag hash as before), `record_kind` (u8: 1 service, 2 training, 3 drill),
    /// `served` start and end (each as `at`), `amount` (i64), `policy` (u8 0, or u8 1 and
    /// u32), `correction` (u8 0, or u8 1 and 16 bytes), then the kind: u8 1 for a credit, or
    /// u8 2, `of` (u64), the reason's UTF-8 length (u32) and bytes.
    ///
    /// The fixed-size part (at most [`FIXED_ENCODING_MAX`] bytes) is written into a stack
    /// buffer and hashed in one call; only a reversal's reason is fed separately. No heap
    /// allocation.
    pub(crate) fn compute_hash(&self, prev: &EntryHash) -> EntryHash {
        let b = self.fixed_part(prev);
        let mut h = Sha256::new();
        h.update(b.as_slice());
        if let EntryKind::Reversal { reason, .. } = &self.kind {
            h.update(reason.as_bytes());
        }
        EntryHash(h.finalize().into())
    }

    fn fixed_part(&self, prev: &EntryHash) -> StackBuf {
        let mut b = StackBuf::new();
        b.put(&[ENCODING_FORMAT]);
        b.put(&prev.0);
        b.put(&self.seq.to_be_bytes());
        b.put(self.key.as_uuid().as_bytes());
        b.instant(self.at);
        match self.actor {
            Actor::Volunteer(v) => {
                b.put(&[1]);
                b.put(v.as_uuid().as_bytes());
            }
            Actor::Staff(s) => {
                b.put(&[2]);
                b.put(s.as_uuid().as_bytes());
            }
        }
        b.put(self.volunteer.as_uuid().as_bytes());
        b.put(self.organiser.as_uuid().as_bytes());
        b.put(self.record.as_uuid().as_bytes());
        let closed = if self.auto_closed { AUTO_CLOSED_BIT } else { 0 };
        b.put(&[self.provenance.code() | closed, self.record_kind.code()]);
        b.instant(self.served.start());
        b.instant(self.served.end());
        b.put(&self.amount.get().to_be_bytes());
        match self.policy {
            None => b.put(&[0]),
            Some(p) => {
                b.put(&[1]);
                b.put(&p.get().to_be_bytes());
            }
        }
        match self.correction {
            None => b.put(&[0]),
            Some(c) => {
                b.put(&[1]);
                b.put(c.as_uuid().as_bytes());
            }
        }
        match &self.kind {
            EntryKind::Credit => b.put(&[1]),
            EntryKind::Reversal { of, reason } => {
                b.put(&[2]);
                b.put(&of.to_be_bytes());
                b.put(
                    &u32::try_from(reason.len())
                        .unwrap_or(u32::MAX)
                        .to_be_bytes(),
                );
            }
        }
        b
    }
}

/// Set in the provenance byte of the encoding for an automatically closed attendance
/// (provenance codes are below 128).
const AUTO_CLOSED_BIT: u8 = 0x80;

/// The version of the canonical entry encoding, its first byte.
pub(crate) const ENCODING_FORMAT: u8 = 1;

/// The largest fixed-size part of the canonical encoding, in bytes: a reversal with a
/// policy and a correction. A plain credit takes 183 bytes, exactly three SHA-256 blocks
/// with the padding.
pub(crate) const FIXED_ENCODING_MAX: usize =
    1 + 32 + 8 + 16 + 16 + 17 + 48 + 2 + 32 + 8 + 5 + 17 + 1 + 8 + 4;

/// A stack buffer for the fixed-size part of the encoding.
struct StackBuf {
    bytes: [u8; FIXED_ENCODING_MAX],
    len: usize,
}

impl StackBuf {
    const fn new() -> Self {
        Self {
            bytes: [0; FIXED_ENCODING_MAX],
            len: 0,
        }
    }

    /// Appends `data`. The encoding is at most [`FIXED_ENCODING_MAX`] bytes, so this always
    /// fits; the test `the_largest_entry_fills_the_buffer_exactly` pins it.
    fn put(&mut self, data: &[u8]) {
        let end = self.len + data.len();
        if let Some(dst) = self.bytes.get_mut(self.len..end) {
            dst.copy_from_slice(data);
            self.len = end;
        }
    }

    fn instant(&mut self, t: DateTime<FixedOffset>) {
        self.put(&t.timestamp().to_be_bytes());
        self.put(&t.timestamp_subsec_nanos().to_be_bytes());
        self.put(&t.offset().local_minus_utc().to_be_bytes());
    }

    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::doc_fixtures::span;

    #[test]
    fn the_largest_entry_fills_the_buffer_exactly() {
        let e = LedgerEntry {
            seq: u64::MAX,
            key: IdempotencyKey::from_parts(1, 2),
            at: crate::doc_fixtures::at("2021-07-21T13:00:00+08:00"),
            actor: Actor::Volunteer(VolunteerId::from_parts(1, 3)),
            kind: EntryKind::Reversal {
                of: 7,
                reason: "a reason".into(),
            },
            volunteer: VolunteerId::from_parts(1, 4),
            organiser: OrgId::from_parts(1, 5),
            record: RecordId::from_parts(1, 6),
            provenance: Provenance::Correction,
            record_kind: RecordKind::Drill,
            served: span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"),
            amount: MinuteDelta::new(-240),
            policy: Some(PolicyVersion::new(9)),
            correction: Some(CorrectionId::from_parts(1, 7)),
            hash: EntryHash::GENESIS,
            auto_closed: true,
        };
        assert_eq!(e.fixed_part(&EntryHash::GENESIS).len, FIXED_ENCODING_MAX);
        let credit = LedgerEntry {
            kind: EntryKind::Credit,
            policy: None,
            correction: None,
            auto_closed: false,
            ..e.clone()
        };
        assert_eq!(
            credit.fixed_part(&EntryHash::GENESIS).len,
            FIXED_ENCODING_MAX - 12 - 4 - 16
        );
        // 183 bytes + 1 padding byte + 8 length bytes = three 64-byte blocks.
        assert_eq!(credit.fixed_part(&EntryHash::GENESIS).len, 183);
        // The auto-close flag is covered by the hash without lengthening the encoding.
        let flagged = LedgerEntry {
            auto_closed: true,
            ..credit.clone()
        };
        assert_eq!(flagged.fixed_part(&EntryHash::GENESIS).len, 183);
        assert_ne!(
            flagged.compute_hash(&EntryHash::GENESIS),
            credit.compute_hash(&EntryHash::GENESIS)
        );
        // The reason is hashed after the fixed part: changing it changes the hash.
        let other = LedgerEntry {
            kind: EntryKind::Reversal {
                of: 7,
                reason: "a reasoN".into(),
            },
            ..e.clone()
        };
        assert_ne!(
            e.compute_hash(&EntryHash::GENESIS),
            other.compute_hash(&EntryHash::GENESIS)
        );
    }
}

/// A credited interval in a volunteer's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) end: i64,
    pub(crate) record: RecordId,
    pub(crate) seq: u64,
}

/// The append-only journal: entries, the hash head, and derived indexes (rebuilt by replay).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Journal {
    entries: Vec<LedgerEntry>,
    head: EntryHash,
    /// Idempotency key → (first sequence, number of entries).
    keys: HashMap<IdempotencyKey, (u64, u64)>,
    /// Credited, unreversed intervals per volunteer, keyed by start (Unix seconds).
    intervals: HashMap<VolunteerId, BTreeMap<i64, Slot>>,
    /// Credit sequence → its reversal's sequence.
    reversed: HashMap<u64, u64>,
}

impl Default for EntryHash {
    fn default() -> Self {
        Self::GENESIS
    }
}

impl Journal {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            entries: Vec::with_capacity(n),
            keys: HashMap::with_capacity_and_hasher(n, foldhash::fast::RandomState::default()),
            ..Self::default()
        }
    }

    pub(crate) fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    pub(crate) fn next_seq(&self) -> u64 {
        self.entries.len() as u64
    }

    pub(crate) fn head(&self) -> EntryHash {
        self.head
    }

    pub(crate) fn key(&self, key: IdempotencyKey) -> Option<(u64, u64)> {
        self.keys.get(&key).copied()
    }

    pub(crate) fn entry(&self, seq: u64) -> Option<&LedgerEntry> {
        usize::try_from(seq).ok().and_then(|i| self.entries.get(i))
    }

    pub(crate) fn reversal_of(&self, seq: u64) -> Option<u64> {
        self.reversed.get(&seq).copied()
    }

    /// The credited interval of `volunteer` that overlaps `span`, other than the credit at
    /// `ignoring`. O(log n): the index holds disjoint intervals, so only the last one
    /// starting before `span`'s end (or the one before it, if that is ignored) can overlap.
    pub(crate) fn overlap(
        &self,
        volunteer: VolunteerId,
        span: &TimeSpan,
        ignoring: Option<u64>,
    ) -> Option<Slot> {
        let index = self.intervals.get(&volunteer)?;
        let start = span.start().timestamp();
        let end = span.end().timestamp();
        index
            .range(..end)
            .rev()
            .map(|(_, slot)| *slot)
            .find(|slot| Some(slot.seq) != ignoring)
            .filter(|slot| slot.end > start)
    }

    /// Appends, computing the hash and updating the indexes. The caller has validated.
    pub(crate) fn push(&mut self, mut entry: LedgerEntry) {
        entry.seq = self.next_seq();
        entry.hash = entry.compute_hash(&self.head);
        self.head = entry.hash;
        self.keys
            .entry(entry.key)
            .and_modify(|(_, n)| *n += 1)
            .or_insert((entry.seq, 1));
        let start = entry.served.start().timestamp();
        match &entry.kind {
            EntryKind::Credit => {
                self.intervals.entry(entry.volunteer).or_default().insert(
                    start,
                    Slot {
                        end: entry.served.end().timestamp(),
                        record: entry.record,
                        seq: entry.seq,
                    },
                );
            }
            EntryKind::Reversal { of, .. } => {
                self.reversed.insert(*of, entry.seq);
                if let Some(index) = self.intervals.get_mut(&entry.volunteer)
                    && index.get(&start).is_some_and(|s| s.seq == *of)
                {
                    index.remove(&start);
                }
            }
        }
        self.entries.push(entry);
    }
}

/// Walks a chain and returns the sequence of the first entry whose position, link or
/// content does not match its hash.
pub(crate) fn first_altered(entries: &[LedgerEntry]) -> Option<u64> {
    let mut prev = EntryHash::GENESIS;
    for (i, e) in entries.iter().enumerate() {
        let i = i as u64;
        if e.seq != i || e.compute_hash(&prev) != e.hash {
            return Some(i);
        }
        prev = e.hash;
    }
    None
}
