//! The hour ledger (服务时长台账): an append-only, hash-chained journal of credits and
//! reversals, with the records, recorders and correction requests behind them.
//!
//! Whatever the order of commands, an [`HourLedger`] guarantees:
//! - entries are only appended, with a gap-free sequence from 0; none is edited or deleted;
//! - only an organiser's recorders submit and confirm its records, and nobody confirms a
//!   record of their own service (REC-06, REC-08);
//! - no volunteer is credited for two overlapping intervals, across all organisers;
//! - a retried append (same idempotency key, same content) returns the original entries;
//!   the same key with other content is refused;
//! - an append may state the sequence it expects (optimistic concurrency);
//! - each entry is chained to the one before by SHA-256, and [`HourLedger::verify`] finds
//!   the first altered entry;
//! - every accepted command appends one [`LedgerEvent`]; [`HourLedger::replay`] rebuilds an
//!   identical ledger; a refused command changes nothing.
//!
//! The ledger is I/O-free; storage is an adapter that persists [`HourLedger::events`].

mod correction;
mod event;
mod journal;
mod replay;
mod totals;

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset};

pub use correction::{Claim, Correction, CorrectionRequest, CorrectionStatus, MAX_REASON};
pub use event::{LEDGER_EVENT_VERSION, LedgerEvent, LedgerEventKind};
pub use journal::{EntryHash, EntryKind, LedgerEntry, ParseHashError};
pub use replay::LedgerReplay;
pub use totals::{AsOf, Totals};

use correction::check_text;
use journal::Journal;

use crate::{
    Actor, CorrectionId, IdempotencyKey, MinuteDelta, Minutes, OrgId, PriorCredits, RecordId,
    ServiceRecord, TimeSpan, VolunteerId,
};

/// Returned when a ledger command is refused. The ledger is unchanged.
///
/// # Example
/// ```
/// use volunteer_service::{LedgerError, RecordId, VolunteerId};
/// let e = LedgerError::SelfConfirmation {
///     record: RecordId::from_parts(0, 1),
///     volunteer: VolunteerId::from_parts(0, 2),
/// };
/// assert_eq!(
///     e.to_string(),
///     "volunteer 00000000-0000-7000-8000-000000000002 cannot confirm record \
///      00000000-0000-7000-8000-000000000001 of their own service"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The actor is not a recorder of the organiser (REC-06).
    #[error("{actor} is not a recorder of organiser {organiser}")]
    NotRecorder {
        /// The actor.
        actor: Actor,
        /// The organiser.
        organiser: OrgId,
    },
    /// A record was submitted by someone other than the recorder it names.
    #[error("record {record} names {recorder} as recorder: {actor} cannot submit it")]
    RecorderMismatch {
        /// The record.
        record: RecordId,
        /// The recorder the record names.
        recorder: Actor,
        /// The submitting actor.
        actor: Actor,
    },
    /// A volunteer tried to confirm, reverse or decide on a record of their own service
    /// (REC-08).
    #[error("volunteer {volunteer} cannot confirm record {record} of their own service")]
    SelfConfirmation {
        /// The record.
        record: RecordId,
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// The actor cannot act for, or see the records of, this volunteer.
    #[error("{actor} cannot act for volunteer {volunteer}")]
    NotTheVolunteer {
        /// The actor.
        actor: Actor,
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// The record is not in the ledger.
    #[error("record {record} is unknown")]
    UnknownRecord {
        /// The record.
        record: RecordId,
    },
    /// Another record with this id was already submitted.
    #[error("record {record} was already submitted with other content")]
    RecordIdTaken {
        /// The record.
        record: RecordId,
    },
    /// The record is not awaiting confirmation.
    #[error("record {record} is {status}: cannot confirm it")]
    NotPending {
        /// The record.
        record: RecordId,
        /// Its status.
        status: RecordStatus,
    },
    /// The record has no active credit.
    #[error("record {record} is {status}: it has no active credit")]
    NotCredited {
        /// The record.
        record: RecordId,
        /// Its status.
        status: RecordStatus,
    },
    /// The volunteer is already credited for an overlapping interval.
    #[error(
        "volunteer {volunteer} is already credited by record {conflicting} (entry {entry}) \
         for an interval overlapping record {record} {served}"
    )]
    Overlap {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The refused record.
        record: RecordId,
        /// Its served interval.
        served: TimeSpan,
        /// The credited record it overlaps.
        conflicting: RecordId,
        /// That record's credit entry.
        entry: u64,
    },
    /// The idempotency key was used for other content.
    #[error("idempotency key {key} was used for entry {entry} with other content")]
    KeyReused {
        /// The key.
        key: IdempotencyKey,
        /// The entry it produced.
        entry: u64,
    },
    /// The append expected another next sequence (optimistic concurrency).
    #[error("ledger's next sequence is {actual}: the append expected {expected}")]
    SequenceConflict {
        /// The expected next sequence.
        expected: u64,
        /// The actual next sequence.
        actual: u64,
    },
    /// No entry has this sequence.
    #[error("entry {entry} is unknown")]
    UnknownEntry {
        /// The sequence.
        entry: u64,
    },
    /// Only credits can be reversed.
    #[error("entry {entry} is a reversal: only credits can be reversed")]
    NotACredit {
        /// The sequence.
        entry: u64,
    },
    /// The credit was already reversed.
    #[error("entry {entry} was already reversed by entry {reversal}")]
    AlreadyReversed {
        /// The credit.
        entry: u64,
        /// Its reversal.
        reversal: u64,
    },
    /// A reason or description was blank or too long.
    #[error("{what} is blank or longer than 500 characters")]
    Reason {
        /// What the text is for.
        what: &'static str,
    },
    /// The correction request is not in the ledger.
    #[error("correction {correction} is unknown")]
    UnknownCorrection {
        /// The request.
        correction: CorrectionId,
    },
    /// Another correction request with this id exists.
    #[error("correction {correction} was already requested")]
    CorrectionIdTaken {
        /// The request.
        correction: CorrectionId,
    },
    /// The correction was already decided.
    #[error("correction {correction} was already decided")]
    CorrectionClosed {
        /// The request.
        correction: CorrectionId,
    },
    /// The record given with an approval does not fit the correction.
    #[error("correction {correction} cannot be approved with this record: {problem}")]
    Remedy {
        /// The request.
        correction: CorrectionId,
        /// What is wrong.
        problem: &'static str,
    },
    /// The hash chain does not verify: this is the first altered entry.
    #[error("ledger entry {entry} was altered: its hash does not match")]
    Tampered {
        /// The first altered entry.
        entry: u64,
    },
    /// An append is dated before the last entry: the journal's instants never go back, so
    /// "what the ledger said at T" is well defined.
    #[error(
        "append at {at} is before entry {entry} at {last}: the journal's clock never goes back"
    )]
    ClockWentBack {
        /// The append's instant.
        at: DateTime<FixedOffset>,
        /// The last entry's instant.
        last: DateTime<FixedOffset>,
        /// The last entry.
        entry: u64,
    },
    /// Replaying an event did not reproduce it: the events are not a history this ledger
    /// produced (for instance a duplicated or reordered event).
    #[error("ledger event {event} does not replay to itself")]
    ReplayMismatch {
        /// The position of the event in the replayed list.
        event: u64,
    },
    /// The actor is not an administrator of the organiser: only administrators appoint
    /// recorders and grant administration.
    #[error("{actor} is not an administrator of organiser {organiser}: cannot appoint")]
    NotAdministrator {
        /// The actor.
        actor: Actor,
        /// The organiser.
        organiser: OrgId,
    },
    /// The organiser already has an administrator: its first administrator is granted
    /// once, later ones by an administrator.
    #[error(
        "organiser {organiser} already has an administrator: only an administrator grants another"
    )]
    AlreadyAdministered {
        /// The organiser.
        organiser: OrgId,
    },
    /// An event has a format version this build cannot read.
    #[error(
        "ledger event version {version} is not supported: expected 1 to {LEDGER_EVENT_VERSION}"
    )]
    UnsupportedEventVersion {
        /// The event's version.
        version: u16,
    },
}

/// The idempotency key of an append and, optionally, the sequence its first entry is
/// expected to get (optimistic concurrency).
///
/// Serialised as `{"key": "<uuid>", "expected": <seq> | null}`.
///
/// # Example
/// ```
/// use volunteer_service::{Append, IdempotencyKey};
/// let a = Append::new(IdempotencyKey::from_parts(0, 1)).expecting(4);
/// assert_eq!(a.expected(), Some(4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Append {
    key: IdempotencyKey,
    expected: Option<u64>,
}

impl Append {
    /// An append with `key` and no expected sequence.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Append, IdempotencyKey};
    /// let key = IdempotencyKey::from_parts(0, 1);
    /// let a = Append::new(key);
    /// assert_eq!((a.key(), a.expected()), (key, None));
    /// ```
    pub const fn new(key: IdempotencyKey) -> Self {
        Self {
            key,
            expected: None,
        }
    }
    /// Expects the first new entry to get sequence `seq` (the ledger's current length).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, LedgerError};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger(); // entries 0 and 1
    /// # let at = doc_fixtures::at("2021-07-24T09:00:00+08:00");
    /// let stale = Append::new(IdempotencyKey::from_parts(0, 1)).expecting(1);
    /// assert_eq!(ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import", stale, at),
    ///     Err(LedgerError::SequenceConflict { expected: 1, actual: 2 }));
    /// let fresh = Append::new(IdempotencyKey::from_parts(0, 1)).expecting(2);
    /// assert_eq!(ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import", fresh, at)?.first(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn expecting(mut self, seq: u64) -> Self {
        self.expected = Some(seq);
        self
    }
    /// The key.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Append, IdempotencyKey};
    /// let key = IdempotencyKey::from_parts(0, 1);
    /// assert_eq!(Append::new(key).expecting(3).key(), key);
    /// ```
    pub const fn key(&self) -> IdempotencyKey {
        self.key
    }
    /// The expected sequence.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Append, IdempotencyKey};
    /// let a = Append::new(IdempotencyKey::from_parts(0, 1));
    /// assert_eq!(a.expected(), None);
    /// assert_eq!(a.expecting(0).expected(), Some(0));
    /// ```
    pub const fn expected(&self) -> Option<u64> {
        self.expected
    }
}

/// Whether an append wrote new entries or found a retry of an earlier one.
///
/// # Example
/// ```
/// use volunteer_service::AppendOutcome;
/// assert_ne!(AppendOutcome::Appended, AppendOutcome::Retried);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum AppendOutcome {
    /// New entries were appended.
    Appended,
    /// The key had been used for the same content: nothing was appended.
    Retried,
}

/// The entries an append produced (or, for a retry, had produced).
///
/// # Example
/// See [`HourLedger::confirm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Receipt {
    first: u64,
    count: u64,
    outcome: AppendOutcome,
}

impl Receipt {
    /// The first entry's sequence.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger(); // entries 0 and 1
    /// # let at = doc_fixtures::at("2021-07-24T09:00:00+08:00");
    /// let key = Append::new(IdempotencyKey::from_parts(0, 1));
    /// let r = ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import", key, at)?;
    /// assert_eq!(r.first(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn first(&self) -> u64 {
        self.first
    }
    /// How many entries (1, or 2 for a correction's reversal and credit).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger(); // entries 0 and 1
    /// # let at = doc_fixtures::at("2021-07-24T09:00:00+08:00");
    /// let key = Append::new(IdempotencyKey::from_parts(0, 1));
    /// let r = ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import", key, at)?;
    /// assert_eq!(r.count(), 1);
    /// assert_eq!(ledger.entries().len(), 3);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn count(&self) -> u64 {
        self.count
    }
    /// The sequences of the entries.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger(); // entries 0 and 1
    /// # let at = doc_fixtures::at("2021-07-24T09:00:00+08:00");
    /// let key = Append::new(IdempotencyKey::from_parts(0, 1));
    /// let r = ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import", key, at)?;
    /// assert_eq!(r.seqs(), 2..3);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn seqs(&self) -> core::ops::Range<u64> {
        self.first..self.first.saturating_add(self.count)
    }
    /// Appended or retried.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, AppendOutcome, IdempotencyKey};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger();
    /// # let (recorder, at) = (doc_fixtures::recorder(), doc_fixtures::at("2021-07-24T09:00:00+08:00"));
    /// let key = Append::new(IdempotencyKey::from_parts(0, 1));
    /// let first = ledger.reverse(recorder, 0, "duplicate import", key, at)?;
    /// let retry = ledger.reverse(recorder, 0, "duplicate import", key, at)?;
    /// assert_eq!((first.outcome(), retry.outcome()), (AppendOutcome::Appended, AppendOutcome::Retried));
    /// assert_eq!(retry.first(), first.first());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn outcome(&self) -> AppendOutcome {
        self.outcome
    }
}

/// Where a record stands in the ledger.
///
/// # Example
/// ```
/// use volunteer_service::RecordStatus;
/// assert_eq!(RecordStatus::Pending.to_string(), "pending");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum RecordStatus {
    /// Submitted, awaiting confirmation.
    Pending,
    /// Confirmed and credited by entry `entry`.
    Credited {
        /// The credit.
        entry: u64,
    },
    /// Credited, then reversed.
    Reversed {
        /// The credit.
        entry: u64,
        /// The reversal.
        reversal: u64,
    },
}

impl core::fmt::Display for RecordStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Pending => f.write_str("pending"),
            Self::Credited { entry } => write!(f, "credited by entry {entry}"),
            Self::Reversed { entry, reversal } => {
                write!(
                    f,
                    "credited by entry {entry} and reversed by entry {reversal}"
                )
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RecordSlot {
    record: ServiceRecord,
    status: RecordStatus,
}

/// Records in submission order with an index by id: a small index table and a dense slab,
/// so confirming records in roughly the order they were submitted stays cache-friendly.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct RecordTable {
    index: HashMap<RecordId, usize>,
    slots: Vec<RecordSlot>,
}

impl RecordTable {
    fn get(&self, id: &RecordId) -> Option<&RecordSlot> {
        self.index.get(id).and_then(|&i| self.slots.get(i))
    }

    fn get_mut(&mut self, id: &RecordId) -> Option<&mut RecordSlot> {
        self.index.get(id).and_then(|&i| self.slots.get_mut(i))
    }

    fn contains_key(&self, id: &RecordId) -> bool {
        self.index.contains_key(id)
    }

    /// Adds a record whose id is not in the table (callers check first).
    fn insert(&mut self, id: RecordId, slot: RecordSlot) {
        self.index.insert(id, self.slots.len());
        self.slots.push(slot);
    }
}

/// The hour ledger (服务时长台账): an append-only, hash-chained journal of credits and
/// reversals, with the records, recorders and correction requests behind them.
///
/// Whatever the order of commands, an [`HourLedger`] guarantees:
/// - entries are only appended, with a gap-free sequence from 0; none is edited or deleted;
/// - only an organiser's recorders submit and confirm its records, and nobody confirms a
///   record of their own service (REC-06, REC-08);
/// - no volunteer is credited for two overlapping intervals, across all organisers;
/// - a retried append (same idempotency key, same content) returns the original entries;
///   the same key with other content is refused;
/// - an append may state the sequence it expects (optimistic concurrency);
/// - each entry is chained to the one before by SHA-256, and [`HourLedger::verify`] finds
///   the first altered entry;
/// - every accepted command appends one [`LedgerEvent`]; [`HourLedger::replay`] rebuilds an
///   identical ledger; a refused command changes nothing.
///
///
/// Serialised (output only) as `{"entries", "corrections", "events"}`; persist
/// [`events`](Self::events) and rebuild with [`replay`](Self::replay).
///
/// Not in scope here (hooks only): roll-ups up the organisation hierarchy, awards,
/// certificates and the time bank build on [`totals`](Self::totals) and
/// [`Totals::group_by`].
///
/// Recorders are appointed by an administrator of the organiser (管理员). An organiser's
/// first administrator is the explicit trust root, granted once with
/// [`bootstrap_administrator`](Self::bootstrap_administrator) by whoever registers the
/// organiser (the platform vouches for it); after that only an administrator grants another
/// ([`grant_administrator`](Self::grant_administrator)) or appoints recorders
/// ([`appoint_recorder`](Self::appoint_recorder)). Recorders do not appoint recorders.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Actor, Append, AppendOutcome, IdempotencyKey,
///     MinuteDelta};
/// let mut ledger = doc_fixtures::ledger();
/// let recorder = doc_fixtures::recorder();
/// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
/// let rec = doc_fixtures::record_builder(1).build()?;
/// let (id, v) = (rec.id(), rec.volunteer());
/// ledger.submit(recorder, rec, at)?;
/// // The volunteer cannot confirm their own record (REC-08).
/// let key = Append::new(IdempotencyKey::from_parts(0, 1));
/// assert!(ledger.confirm(Actor::Volunteer(v), id, key, at).is_err());
/// let first = ledger.confirm(recorder, id, key, at)?;
/// let retry = ledger.confirm(recorder, id, key, at)?;
/// assert_eq!(retry.outcome(), AppendOutcome::Retried);
/// assert_eq!(retry.first(), first.first());
/// assert_eq!(ledger.totals().volunteer(v), MinuteDelta::new(240));
/// ledger.verify()?;
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HourLedger {
    journal: Journal,
    recorders: HashSet<(OrgId, Actor)>,
    administrators: BTreeSet<(OrgId, Actor)>,
    records: RecordTable,
    by_volunteer: BTreeMap<VolunteerId, Vec<RecordId>>,
    corrections: BTreeMap<CorrectionId, Correction>,
    events: Vec<LedgerEvent>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for HourLedger {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("HourLedger", 3)?;
        st.serialize_field("entries", self.journal.entries())?;
        st.serialize_field("corrections", &self.corrections)?;
        st.serialize_field("events", &self.events)?;
        st.end()
    }
}

fn overlap_error(record: &ServiceRecord, slot: journal::Slot) -> LedgerError {
    LedgerError::Overlap {
        volunteer: record.volunteer(),
        record: record.id(),
        served: record.served(),
        conflicting: slot.record,
        entry: slot.seq,
    }
}

/// The content a command would append, compared against a key's earlier entries.
enum Intent<'a> {
    Confirm(RecordId),
    Reverse(u64, &'a str),
    /// The correction and the id of the record it credits, if any.
    Approve(CorrectionId, Option<RecordId>),
}

impl HourLedger {
    /// An empty ledger.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::HourLedger;
    /// let l = HourLedger::new();
    /// assert!(l.entries().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty ledger with room for `entries` entries and events, for bulk loads.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::HourLedger;
    /// assert_eq!(HourLedger::with_capacity(1_000), HourLedger::new());
    /// ```
    pub fn with_capacity(entries: usize) -> Self {
        Self {
            journal: Journal::with_capacity(entries),
            events: Vec::with_capacity(entries),
            ..Self::default()
        }
    }

    /// Every entry, in sequence order (shared references only: entries are never edited).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, LedgerEntry};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two confirmed records
    /// let seqs: Vec<u64> = ledger.entries().iter().map(LedgerEntry::seq).collect();
    /// assert_eq!(seqs, [0, 1]);
    /// ```
    pub fn entries(&self) -> &[LedgerEntry] {
        self.journal.entries()
    }

    /// The entry with sequence `seq`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two confirmed records
    /// assert_eq!(ledger.entry(1).map(|e| e.amount()), Some(MinuteDelta::new(240)));
    /// assert!(ledger.entry(2).is_none());
    /// ```
    pub fn entry(&self, seq: u64) -> Option<&LedgerEntry> {
        self.journal.entry(seq)
    }

    /// The sequence the next entry will get (the number of entries).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, HourLedger};
    /// assert_eq!(HourLedger::new().next_seq(), 0);
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two confirmed records
    /// assert_eq!(ledger.next_seq(), 2);
    /// ```
    pub fn next_seq(&self) -> u64 {
        self.journal.next_seq()
    }

    /// The last entry's hash ([`EntryHash::GENESIS`] when empty).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, EntryHash, HourLedger};
    /// assert_eq!(HourLedger::new().head(), EntryHash::GENESIS);
    /// let (ledger, _) = doc_fixtures::certified_ledger();
    /// assert_eq!(Some(ledger.head()), ledger.entries().last().map(|e| e.hash()));
    /// ```
    pub fn head(&self) -> EntryHash {
        self.journal.head()
    }

    /// Every state change so far.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let (ledger, _) = doc_fixtures::certified_ledger();
    /// let names: Vec<&str> = ledger.events().iter().map(|e| e.kind.name()).collect();
    /// assert_eq!(names, ["administrator_granted", "recorder_appointed", "record_submitted",
    ///     "record_confirmed", "record_submitted", "record_confirmed"]);
    /// ```
    pub fn events(&self) -> &[LedgerEvent] {
        &self.events
    }

    /// A record and its status.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, RecordStatus};
    /// # let (ledger, _) = doc_fixtures::certified_ledger();
    /// let id = doc_fixtures::record_builder(1).build()?.id();
    /// let (rec, status) = ledger.record(id).expect("submitted");
    /// assert_eq!((rec.id(), status), (id, RecordStatus::Credited { entry: 0 }));
    /// assert!(ledger.record(doc_fixtures::record_builder(9).build()?.id()).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn record(&self, id: RecordId) -> Option<(&ServiceRecord, RecordStatus)> {
        self.records.get(&id).map(|s| (&s.record, s.status))
    }

    /// Every correction request with its status.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, CorrectionId, CorrectionRequest};
    /// let mut ledger = doc_fixtures::ledger();
    /// # let (v, at) = (doc_fixtures::volunteer_id(), doc_fixtures::at("2021-07-21T13:00:00+08:00"));
    /// let req = CorrectionRequest::omission(CorrectionId::from_parts(0, 1), v, doc_fixtures::organiser(), "served on 07-22")?;
    /// ledger.request_correction(Actor::Volunteer(v), req, at)?;
    /// assert_eq!(ledger.corrections().filter(|c| c.status().is_open()).count(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn corrections(&self) -> impl Iterator<Item = &Correction> + '_ {
        self.corrections.values()
    }

    /// One correction request.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, CorrectionId, CorrectionRequest, CorrectionStatus};
    /// let mut ledger = doc_fixtures::ledger();
    /// # let (v, at) = (doc_fixtures::volunteer_id(), doc_fixtures::at("2021-07-21T13:00:00+08:00"));
    /// let id = CorrectionId::from_parts(0, 1);
    /// let req = CorrectionRequest::omission(id, v, doc_fixtures::organiser(), "served on 07-22")?;
    /// ledger.request_correction(Actor::Volunteer(v), req, at)?;
    /// assert_eq!(ledger.correction(id).map(|c| c.status()), Some(&CorrectionStatus::Open));
    /// assert!(ledger.correction(CorrectionId::from_parts(0, 2)).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn correction(&self, id: CorrectionId) -> Option<&Correction> {
        self.corrections.get(&id)
    }

    /// Whether `actor` is a recorder of `organiser`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let ledger = doc_fixtures::ledger();
    /// let org = doc_fixtures::organiser();
    /// assert!(ledger.is_recorder(org, doc_fixtures::recorder()));
    /// // Administering an organiser does not make one its recorder.
    /// assert!(!ledger.is_recorder(org, doc_fixtures::administrator()));
    /// ```
    pub fn is_recorder(&self, organiser: OrgId, actor: Actor) -> bool {
        self.recorders.contains(&(organiser, actor))
    }

    /// A totals query over the entries.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two confirmed 4-hour records
    /// assert_eq!(ledger.totals().volunteer(doc_fixtures::volunteer_id()), MinuteDelta::new(480));
    /// ```
    pub fn totals(&self) -> Totals<'_> {
        Totals::new(self.journal.entries())
    }

    /// The net service minutes already credited to `volunteer`, for a crediting policy's
    /// caps (HRS-04): on the account, on `activity`, and per local day in `offset`.
    ///
    /// Account and activity totals are exact. A credit's minutes are attributed to the
    /// local days of its served interval in order, each day taking at most the interval's
    /// minutes on that day (exact unless breaks were subtracted, where earlier days are
    /// counted first: the cap errs towards crediting less).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, Minutes};
    /// let mut ledger = doc_fixtures::ledger();
    /// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// let (id, v, a) = (rec.id(), rec.volunteer(), rec.activity());
    /// ledger.submit(doc_fixtures::recorder(), rec, at)?;
    /// ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// let prior = ledger.prior_credits(v, a, *at.offset());
    /// assert_eq!(prior.on_day("2021-07-21".parse().expect("date")), Minutes::new(240));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn prior_credits(
        &self,
        volunteer: VolunteerId,
        activity: crate::ActivityId,
        offset: FixedOffset,
    ) -> PriorCredits {
        let mut account = 0_i64;
        let mut on_activity = 0_i64;
        let mut days: BTreeMap<chrono::NaiveDate, i64> = BTreeMap::new();
        let service = self
            .totals()
            .entries()
            .filter(|e| e.volunteer() == volunteer);
        for e in service {
            let amount = e.amount().get();
            account = account.saturating_add(amount);
            let same_activity = self
                .records
                .get(&e.record())
                .is_some_and(|s| s.record.activity() == activity);
            if same_activity {
                on_activity = on_activity.saturating_add(amount);
            }
            let sign = amount.signum();
            let mut left = amount.abs();
            for (day, minutes) in e.served().with_offset(offset).local_days() {
                let take = left.min(i64::from(minutes.get()));
                left -= take;
                let slot = days.entry(day).or_default();
                *slot = slot.saturating_add(sign * take);
            }
        }
        let clamp = |m: i64| Minutes::new(u32::try_from(m.max(0)).unwrap_or(u32::MAX));
        days.into_iter().fold(
            PriorCredits::none()
                .account(clamp(account))
                .activity(clamp(on_activity)),
            |p, (d, m)| p.day(d, clamp(m)),
        )
    }

    /// The records of `volunteer` that `viewer` may see: all of them for the volunteer,
    /// those of the viewer's organisers for a recorder.
    ///
    /// # Errors
    /// [`LedgerError::NotTheVolunteer`] if the viewer is neither the volunteer nor a
    /// recorder of any organiser.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, VolunteerId};
    /// let mut ledger = doc_fixtures::ledger();
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// let v = rec.volunteer();
    /// ledger.submit(doc_fixtures::recorder(), rec, doc_fixtures::at("2021-07-21T13:00:00+08:00"))?;
    /// assert_eq!(ledger.records_for(Actor::Volunteer(v), v)?.len(), 1);
    /// let stranger = Actor::Volunteer(VolunteerId::from_parts(0, 9));
    /// assert!(ledger.records_for(stranger, v).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn records_for(
        &self,
        viewer: Actor,
        volunteer: VolunteerId,
    ) -> Result<Vec<(&ServiceRecord, RecordStatus)>, LedgerError> {
        let own = viewer.is_volunteer(volunteer);
        if !own && !self.recorders.iter().any(|(_, a)| *a == viewer) {
            return Err(LedgerError::NotTheVolunteer {
                actor: viewer,
                volunteer,
            });
        }
        Ok(self
            .by_volunteer
            .get(&volunteer)
            .into_iter()
            .flatten()
            .filter_map(|id| self.records.get(id))
            .filter(|s| own || self.is_recorder(s.record.organiser(), viewer))
            .map(|s| (&s.record, s.status))
            .collect())
    }

    fn event(&mut self, at: DateTime<FixedOffset>, kind: LedgerEventKind) {
        self.events.push(LedgerEvent {
            version: LEDGER_EVENT_VERSION,
            at,
            kind,
        });
    }

    fn require_recorder(&self, organiser: OrgId, actor: Actor) -> Result<(), LedgerError> {
        if self.is_recorder(organiser, actor) {
            Ok(())
        } else {
            Err(LedgerError::NotRecorder { actor, organiser })
        }
    }

    /// Checks the key: `Ok(Some(receipt))` for a retry of the same content, `Ok(None)` for
    /// a new key, `Err` for the same key with other content or an unexpected sequence.
    fn check_append(
        &self,
        append: Append,
        actor: Actor,
        intent: &Intent<'_>,
        at: DateTime<FixedOffset>,
    ) -> Result<Option<Receipt>, LedgerError> {
        if let Some((first, count)) = self.journal.key(append.key) {
            let same = self.journal.entry(first).is_some_and(|e| {
                e.actor == actor
                    && match (intent, &e.kind) {
                        (Intent::Confirm(r), EntryKind::Credit) => {
                            e.record == *r && e.correction.is_none()
                        }
                        (Intent::Reverse(of, why), EntryKind::Reversal { of: o, reason }) => {
                            of == o && why == reason && e.correction.is_none()
                        }
                        (Intent::Approve(c, new), _) => {
                            e.correction == Some(*c) && self.credited_record(first, count) == *new
                        }
                        _ => false,
                    }
            });
            return if same {
                Ok(Some(Receipt {
                    first,
                    count,
                    outcome: AppendOutcome::Retried,
                }))
            } else {
                Err(LedgerError::KeyReused {
                    key: append.key,
                    entry: first,
                })
            };
        }
        if let Some(last) = self.journal.entries().last()
            && at < last.at
        {
            return Err(LedgerError::ClockWentBack {
                at,
                last: last.at,
                entry: last.seq,
            });
        }
        let actual = self.journal.next_seq();
        match append.expected {
            Some(expected) if expected != actual => {
                Err(LedgerError::SequenceConflict { expected, actual })
            }
            _ => Ok(None),
        }
    }

    /// The record credited by the entries `first..first + count`, if any.
    fn credited_record(&self, first: u64, count: u64) -> Option<RecordId> {
        (first..first.saturating_add(count))
            .filter_map(|seq| self.journal.entry(seq))
            .find(|e| e.kind.is_credit())
            .map(|e| e.record)
    }

    fn check_overlap(
        &self,
        record: &ServiceRecord,
        ignoring: Option<u64>,
    ) -> Result<(), LedgerError> {
        match self
            .journal
            .overlap(record.volunteer(), &record.served(), ignoring)
        {
            Some(slot) => Err(overlap_error(record, slot)),
            None => Ok(()),
        }
    }

    fn credit_entry(
        record: &ServiceRecord,
        key: IdempotencyKey,
        actor: Actor,
        at: DateTime<FixedOffset>,
        correction: Option<CorrectionId>,
    ) -> LedgerEntry {
        LedgerEntry {
            seq: 0,
            key,
            at,
            actor,
            kind: EntryKind::Credit,
            volunteer: record.volunteer(),
            organiser: record.organiser(),
            record: record.id(),
            provenance: record.provenance(),
            record_kind: record.kind(),
            served: record.served(),
            amount: record.amount(),
            policy: record.policy(),
            correction,
            hash: EntryHash::GENESIS,
            auto_closed: record.auto_closed().is_some(),
        }
    }

    fn reversal_entry(
        credit: &LedgerEntry,
        key: IdempotencyKey,
        actor: Actor,
        at: DateTime<FixedOffset>,
        reason: String,
        correction: Option<CorrectionId>,
    ) -> LedgerEntry {
        LedgerEntry {
            seq: 0,
            key,
            at,
            actor,
            kind: EntryKind::Reversal {
                of: credit.seq,
                reason,
            },
            amount: MinuteDelta::new(-credit.amount.get()),
            correction,
            hash: EntryHash::GENESIS,
            ..credit.clone()
        }
    }

    /// Whether `actor` is an administrator of `organiser`.
    ///
    /// # Example
    /// See [`HourLedger::appoint_recorder`].
    pub fn is_administrator(&self, organiser: OrgId, actor: Actor) -> bool {
        self.administrators.contains(&(organiser, actor))
    }

    fn has_administrator(&self, organiser: OrgId) -> bool {
        self.administrators.iter().any(|(o, _)| *o == organiser)
    }

    /// Grants `organiser` its first administrator: the explicit trust root of its
    /// appointments, vouched for by whoever registers the organiser. Recorded as an
    /// [`administrator_granted`](LedgerEventKind::AdministratorGranted) event with no `by`.
    ///
    /// # Errors
    /// [`LedgerError::AlreadyAdministered`] if the organiser has an administrator (then only
    /// an administrator grants another, with [`grant_administrator`](Self::grant_administrator)).
    ///
    /// # Example
    /// See [`HourLedger::appoint_recorder`].
    pub fn bootstrap_administrator(
        &mut self,
        organiser: OrgId,
        administrator: Actor,
        at: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        if self.has_administrator(organiser) {
            return Err(LedgerError::AlreadyAdministered { organiser });
        }
        self.administrators.insert((organiser, administrator));
        self.event(
            at,
            LedgerEventKind::AdministratorGranted {
                organiser,
                administrator,
                by: None,
            },
        );
        Ok(())
    }

    /// An administrator of `organiser` makes `administrator` another one (a no-op if it
    /// already is).
    ///
    /// # Errors
    /// [`LedgerError::NotAdministrator`] unless `by` administers the organiser.
    ///
    /// # Example
    /// See [`HourLedger::appoint_recorder`].
    pub fn grant_administrator(
        &mut self,
        by: Actor,
        organiser: OrgId,
        administrator: Actor,
        at: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        self.require_administrator(organiser, by)?;
        if self.administrators.insert((organiser, administrator)) {
            self.event(
                at,
                LedgerEventKind::AdministratorGranted {
                    organiser,
                    administrator,
                    by: Some(by),
                },
            );
        }
        Ok(())
    }

    fn require_administrator(&self, organiser: OrgId, actor: Actor) -> Result<(), LedgerError> {
        if self.is_administrator(organiser, actor) {
            Ok(())
        } else {
            Err(LedgerError::NotAdministrator { actor, organiser })
        }
    }

    /// An administrator of `organiser` makes `recorder` a recorder of it (a no-op if it
    /// already is).
    ///
    /// # Errors
    /// [`LedgerError::NotAdministrator`] unless `by` administers the organiser; the ledger
    /// is then unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, HourLedger, LedgerError, StaffId};
    /// let (org, recorder) = (doc_fixtures::organiser(), doc_fixtures::recorder());
    /// let admin = Actor::Staff(StaffId::from_parts(0, 1));
    /// let at = doc_fixtures::at("2021-07-20T00:00:00Z");
    /// let mut l = HourLedger::new();
    /// // Nobody appoints before the organiser has an administrator.
    /// assert_eq!(l.appoint_recorder(admin, org, recorder, at),
    ///     Err(LedgerError::NotAdministrator { actor: admin, organiser: org }));
    /// l.bootstrap_administrator(org, admin, at)?;
    /// l.appoint_recorder(admin, org, recorder, at)?;
    /// assert!(l.is_recorder(org, recorder) && l.is_administrator(org, admin));
    /// // A recorder does not appoint recorders.
    /// let other = Actor::Staff(StaffId::from_parts(0, 2));
    /// assert!(l.appoint_recorder(recorder, org, other, at).is_err());
    /// assert!(!l.is_recorder(org, other));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn appoint_recorder(
        &mut self,
        by: Actor,
        organiser: OrgId,
        recorder: Actor,
        at: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        self.require_administrator(organiser, by)?;
        if self.recorders.insert((organiser, recorder)) {
            self.event(
                at,
                LedgerEventKind::RecorderAppointed {
                    organiser,
                    recorder,
                    by: Some(by),
                },
            );
        }
        Ok(())
    }

    /// Replays a version-1 appointment, made before appointments were authorised.
    fn appoint_legacy(&mut self, organiser: OrgId, recorder: Actor, at: DateTime<FixedOffset>) {
        if self.recorders.insert((organiser, recorder)) {
            self.events.push(LedgerEvent {
                version: 1,
                at,
                kind: LedgerEventKind::RecorderAppointed {
                    organiser,
                    recorder,
                    by: None,
                },
            });
        }
    }

    /// Submits a record for confirmation. Resubmitting an identical record is a no-op.
    ///
    /// # Errors
    /// [`LedgerError::NotRecorder`] unless `actor` records for the record's organiser;
    /// [`LedgerError::RecorderMismatch`] unless the record names `actor` as its recorder;
    /// [`LedgerError::RecordIdTaken`] if another record has the id.
    ///
    /// # Example
    /// See [`HourLedger`].
    pub fn submit(
        &mut self,
        actor: Actor,
        record: ServiceRecord,
        at: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        self.require_recorder(record.organiser(), actor)?;
        if record.recorder() != actor {
            return Err(LedgerError::RecorderMismatch {
                record: record.id(),
                recorder: record.recorder(),
                actor,
            });
        }
        if let Some(existing) = self.records.get(&record.id()) {
            return if existing.record == record {
                Ok(())
            } else {
                Err(LedgerError::RecordIdTaken {
                    record: record.id(),
                })
            };
        }
        self.insert_record(record.clone(), RecordStatus::Pending);
        self.event(
            at,
            LedgerEventKind::RecordSubmitted {
                by: actor,
                record: Box::new(record),
            },
        );
        Ok(())
    }

    fn insert_record(&mut self, record: ServiceRecord, status: RecordStatus) {
        self.by_volunteer
            .entry(record.volunteer())
            .or_default()
            .push(record.id());
        self.records
            .insert(record.id(), RecordSlot { record, status });
    }

    fn set_status(&mut self, id: RecordId, status: RecordStatus) {
        if let Some(slot) = self.records.get_mut(&id) {
            slot.status = status;
        }
    }

    /// Confirms a pending record: appends its credit.
    ///
    /// # Errors
    /// [`LedgerError::KeyReused`], [`LedgerError::SequenceConflict`],
    /// [`LedgerError::ClockWentBack`],
    /// [`LedgerError::UnknownRecord`], [`LedgerError::NotRecorder`],
    /// [`LedgerError::SelfConfirmation`], [`LedgerError::NotPending`],
    /// [`LedgerError::Overlap`].
    ///
    /// # Example
    /// See [`HourLedger`].
    pub fn confirm(
        &mut self,
        actor: Actor,
        record: RecordId,
        append: Append,
        at: DateTime<FixedOffset>,
    ) -> Result<Receipt, LedgerError> {
        if let Some(r) = self.check_append(append, actor, &Intent::Confirm(record), at)? {
            return Ok(r);
        }
        // Split borrows: one record lookup per append (this is the hot path).
        let Self {
            journal,
            recorders,
            records,
            events,
            ..
        } = self;
        let slot = records
            .get_mut(&record)
            .ok_or(LedgerError::UnknownRecord { record })?;
        let rec = &slot.record;
        if !recorders.contains(&(rec.organiser(), actor)) {
            return Err(LedgerError::NotRecorder {
                actor,
                organiser: rec.organiser(),
            });
        }
        if actor.is_volunteer(rec.volunteer()) {
            return Err(LedgerError::SelfConfirmation {
                record,
                volunteer: rec.volunteer(),
            });
        }
        if slot.status != RecordStatus::Pending {
            return Err(LedgerError::NotPending {
                record,
                status: slot.status,
            });
        }
        if let Some(conflict) = journal.overlap(rec.volunteer(), &rec.served(), None) {
            return Err(overlap_error(rec, conflict));
        }
        let seq = journal.next_seq();
        journal.push(Self::credit_entry(rec, append.key, actor, at, None));
        slot.status = RecordStatus::Credited { entry: seq };
        events.push(LedgerEvent {
            version: LEDGER_EVENT_VERSION,
            at,
            kind: LedgerEventKind::RecordConfirmed {
                by: actor,
                record,
                append,
            },
        });
        Ok(Receipt {
            first: seq,
            count: 1,
            outcome: AppendOutcome::Appended,
        })
    }

    /// Reverses a credit: appends a negative entry referencing it, with actor and reason.
    ///
    /// # Errors
    /// [`LedgerError::KeyReused`], [`LedgerError::SequenceConflict`],
    /// [`LedgerError::ClockWentBack`],
    /// [`LedgerError::Reason`], [`LedgerError::UnknownEntry`], [`LedgerError::NotACredit`],
    /// [`LedgerError::AlreadyReversed`], [`LedgerError::NotRecorder`],
    /// [`LedgerError::SelfConfirmation`] (nobody reverses a credit of their own service).
    ///
    /// # Example
    /// See [`Totals`].
    pub fn reverse(
        &mut self,
        actor: Actor,
        entry: u64,
        reason: &str,
        append: Append,
        at: DateTime<FixedOffset>,
    ) -> Result<Receipt, LedgerError> {
        if let Some(r) = self.check_append(append, actor, &Intent::Reverse(entry, reason), at)? {
            return Ok(r);
        }
        check_text(reason, "reversal reason")?;
        let credit = self.checked_credit(entry)?;
        self.require_recorder(credit.organiser, actor)?;
        if actor.is_volunteer(credit.volunteer) {
            return Err(LedgerError::SelfConfirmation {
                record: credit.record,
                volunteer: credit.volunteer,
            });
        }
        let record = credit.record;
        let rev = Self::reversal_entry(credit, append.key, actor, at, reason.to_owned(), None);
        let seq = self.journal.next_seq();
        self.journal.push(rev);
        self.set_status(
            record,
            RecordStatus::Reversed {
                entry,
                reversal: seq,
            },
        );
        self.event(
            at,
            LedgerEventKind::CreditReversed {
                by: actor,
                entry,
                reason: reason.to_owned(),
                append,
            },
        );
        Ok(Receipt {
            first: seq,
            count: 1,
            outcome: AppendOutcome::Appended,
        })
    }

    fn checked_credit(&self, entry: u64) -> Result<&LedgerEntry, LedgerError> {
        let credit = self
            .journal
            .entry(entry)
            .ok_or(LedgerError::UnknownEntry { entry })?;
        if !credit.kind.is_credit() {
            return Err(LedgerError::NotACredit { entry });
        }
        if let Some(reversal) = self.journal.reversal_of(entry) {
            return Err(LedgerError::AlreadyReversed { entry, reversal });
        }
        Ok(credit)
    }

    /// A volunteer raises a correction request: an error in one of their credited records,
    /// or an omission by an organiser (AUD-01).
    ///
    /// # Errors
    /// [`LedgerError::NotTheVolunteer`] unless `actor` is the request's volunteer (and, for
    /// an error, the record's); [`LedgerError::UnknownRecord`], [`LedgerError::NotCredited`]
    /// for an error claim; [`LedgerError::CorrectionIdTaken`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, Append, CorrectionId, CorrectionRequest,
    ///     IdempotencyKey, MinuteDelta, Minutes};
    /// let mut ledger = doc_fixtures::ledger();
    /// let recorder = doc_fixtures::recorder();
    /// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// let (id, v) = (rec.id(), rec.volunteer());
    /// ledger.submit(recorder, rec, at)?;
    /// ledger.confirm(recorder, id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// let req = CorrectionRequest::error(CorrectionId::from_parts(0, 1), v, id, "I stayed until 12:00 but only 3 h were served")?;
    /// ledger.request_correction(Actor::Volunteer(v), req, at)?;
    /// let fixed = doc_fixtures::record_builder(2).served(doc_fixtures::span(
    ///     "2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00")).duration(Minutes::new(180))
    ///     .corrects(id).build()?;
    /// let r = ledger.approve_correction(recorder, CorrectionId::from_parts(0, 1), Some(fixed),
    ///     Append::new(IdempotencyKey::from_parts(0, 2)), at)?;
    /// assert_eq!(r.count(), 2); // the reversal and the corrected credit
    /// assert_eq!(ledger.totals().volunteer(v), MinuteDelta::new(180));
    /// assert_eq!(ledger.entries().len(), 3); // the history stays readable
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn request_correction(
        &mut self,
        actor: Actor,
        request: CorrectionRequest,
        at: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        let volunteer = request.volunteer();
        if !actor.is_volunteer(volunteer) {
            return Err(LedgerError::NotTheVolunteer { actor, volunteer });
        }
        if self.corrections.contains_key(&request.id()) {
            return Err(LedgerError::CorrectionIdTaken {
                correction: request.id(),
            });
        }
        let organiser = match request.claim() {
            Claim::Error { record } => {
                let slot = self
                    .records
                    .get(&record)
                    .ok_or(LedgerError::UnknownRecord { record })?;
                if slot.record.volunteer() != volunteer {
                    return Err(LedgerError::NotTheVolunteer {
                        actor,
                        volunteer: slot.record.volunteer(),
                    });
                }
                if !matches!(slot.status, RecordStatus::Credited { .. }) {
                    return Err(LedgerError::NotCredited {
                        record,
                        status: slot.status,
                    });
                }
                slot.record.organiser()
            }
            Claim::Omission { organiser } => organiser,
        };
        self.corrections.insert(
            request.id(),
            Correction {
                request: request.clone(),
                organiser,
                raised_at: at,
                status: CorrectionStatus::Open,
            },
        );
        self.event(
            at,
            LedgerEventKind::CorrectionRequested { by: actor, request },
        );
        Ok(())
    }

    fn open_correction(&self, actor: Actor, id: CorrectionId) -> Result<&Correction, LedgerError> {
        let c = self
            .corrections
            .get(&id)
            .ok_or(LedgerError::UnknownCorrection { correction: id })?;
        self.require_recorder(c.organiser, actor)?;
        if actor.is_volunteer(c.request.volunteer()) {
            let record = match c.request.claim() {
                Claim::Error { record } => record,
                Claim::Omission { .. } => RecordId::from_uuid(*id.as_uuid()),
            };
            return Err(LedgerError::SelfConfirmation {
                record,
                volunteer: c.request.volunteer(),
            });
        }
        if !c.status.is_open() {
            return Err(LedgerError::CorrectionClosed { correction: id });
        }
        Ok(c)
    }

    /// Checks an approval; returns the record and credit to reverse, for an error claim.
    fn check_remedy(
        &self,
        actor: Actor,
        correction: CorrectionId,
        record: Option<&ServiceRecord>,
    ) -> Result<Option<(RecordId, u64)>, LedgerError> {
        let c = self.open_correction(actor, correction)?;
        let remedy = |problem| LedgerError::Remedy {
            correction,
            problem,
        };
        let volunteer = c.request.volunteer();
        if let Some(new) = record {
            if new.volunteer() != volunteer {
                return Err(remedy("the record is of another volunteer"));
            }
            if new.organiser() != c.organiser {
                return Err(remedy("the record is of another organiser"));
            }
            if new.recorder() != actor {
                return Err(remedy("the record must name the approving recorder"));
            }
            if self.records.contains_key(&new.id()) {
                return Err(LedgerError::RecordIdTaken { record: new.id() });
            }
        }
        match (c.request.claim(), record) {
            (Claim::Error { record: old }, new) => {
                if new.as_ref().is_some_and(|n| n.corrects() != Some(old)) {
                    return Err(remedy(
                        "the corrected record must name the record it corrects",
                    ));
                }
                let status = self.records.get(&old).map(|s| s.status);
                let Some(RecordStatus::Credited { entry }) = status else {
                    return Err(LedgerError::NotCredited {
                        record: old,
                        status: status.unwrap_or(RecordStatus::Pending),
                    });
                };
                if let Some(new) = new {
                    self.check_overlap(new, Some(entry))?;
                }
                Ok(Some((old, entry)))
            }
            (Claim::Omission { .. }, Some(new)) => {
                if new.corrects().is_some() {
                    return Err(remedy("a missing record corrects no record"));
                }
                self.check_overlap(new, None)?;
                Ok(None)
            }
            (Claim::Omission { .. }, None) => {
                Err(remedy("an omission is approved with the missing record"))
            }
        }
    }

    /// The organiser approves a correction. For an error claim the ledger appends the
    /// reversal of the record's credit and, with `record`, the corrected credit (its
    /// provenance is [`Provenance::Correction`](crate::Provenance::Correction) and it names
    /// the corrected record). For an omission it appends the missing record's credit.
    ///
    /// # Errors
    /// [`LedgerError::KeyReused`], [`LedgerError::SequenceConflict`],
    /// [`LedgerError::ClockWentBack`],
    /// [`LedgerError::UnknownCorrection`], [`LedgerError::NotRecorder`],
    /// [`LedgerError::SelfConfirmation`], [`LedgerError::CorrectionClosed`],
    /// [`LedgerError::Remedy`] if the record does not fit the claim,
    /// [`LedgerError::RecordIdTaken`], [`LedgerError::NotCredited`],
    /// [`LedgerError::Overlap`].
    ///
    /// # Example
    /// See [`HourLedger::request_correction`].
    pub fn approve_correction(
        &mut self,
        actor: Actor,
        correction: CorrectionId,
        record: Option<ServiceRecord>,
        append: Append,
        at: DateTime<FixedOffset>,
    ) -> Result<Receipt, LedgerError> {
        let intent = Intent::Approve(correction, record.as_ref().map(ServiceRecord::id));
        if let Some(r) = self.check_append(append, actor, &intent, at)? {
            return Ok(r);
        }
        let reversal = self.check_remedy(actor, correction, record.as_ref())?;
        // Validated: append.
        let first = self.journal.next_seq();
        if let Some((old, entry)) = reversal {
            let credit = self
                .journal
                .entry(entry)
                .ok_or(LedgerError::UnknownEntry { entry })?;
            let rev = Self::reversal_entry(
                credit,
                append.key,
                actor,
                at,
                format!("correction {correction}"),
                Some(correction),
            );
            let seq = self.journal.next_seq();
            self.journal.push(rev);
            self.set_status(
                old,
                RecordStatus::Reversed {
                    entry,
                    reversal: seq,
                },
            );
        }
        if let Some(new) = &record {
            let seq = self.journal.next_seq();
            self.journal.push(Self::credit_entry(
                new,
                append.key,
                actor,
                at,
                Some(correction),
            ));
            self.insert_record(new.clone(), RecordStatus::Credited { entry: seq });
        }
        let count = self.journal.next_seq() - first;
        if let Some(c) = self.corrections.get_mut(&correction) {
            c.status = CorrectionStatus::Approved {
                by: actor,
                first,
                count,
            };
        }
        self.event(
            at,
            LedgerEventKind::CorrectionApproved {
                by: actor,
                correction,
                record: record.map(Box::new),
                append,
            },
        );
        Ok(Receipt {
            first,
            count,
            outcome: AppendOutcome::Appended,
        })
    }

    /// The organiser rejects a correction with a reason. Nothing is appended to the journal.
    ///
    /// # Errors
    /// [`LedgerError::Reason`], [`LedgerError::UnknownCorrection`],
    /// [`LedgerError::NotRecorder`], [`LedgerError::SelfConfirmation`],
    /// [`LedgerError::CorrectionClosed`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, CorrectionId, CorrectionRequest, CorrectionStatus};
    /// let mut ledger = doc_fixtures::ledger();
    /// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
    /// let v = doc_fixtures::volunteer_id();
    /// let id = CorrectionId::from_parts(0, 1);
    /// ledger.request_correction(Actor::Volunteer(v),
    ///     CorrectionRequest::omission(id, v, doc_fixtures::organiser(), "served on 07-22")?, at)?;
    /// ledger.reject_correction(doc_fixtures::recorder(), id, "no sign-in sheet for 07-22", at)?;
    /// assert!(matches!(ledger.correction(id).map(|c| c.status()), Some(CorrectionStatus::Rejected { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn reject_correction(
        &mut self,
        actor: Actor,
        correction: CorrectionId,
        reason: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<(), LedgerError> {
        check_text(reason, "rejection reason")?;
        self.open_correction(actor, correction)?;
        if let Some(c) = self.corrections.get_mut(&correction) {
            c.status = CorrectionStatus::Rejected {
                by: actor,
                reason: reason.to_owned(),
            };
        }
        self.event(
            at,
            LedgerEventKind::CorrectionRejected {
                by: actor,
                correction,
                reason: reason.to_owned(),
            },
        );
        Ok(())
    }

    /// Checks the hash chain and the gap-free sequence of the ledger's entries.
    ///
    /// # Errors
    /// [`LedgerError::Tampered`] naming the first altered entry.
    ///
    /// # Example
    /// See [`HourLedger`].
    pub fn verify(&self) -> Result<(), LedgerError> {
        Self::verify_entries(self.journal.entries())
    }

    /// Checks the hash chain of any list of entries, such as entries read back from storage.
    ///
    /// # Errors
    /// [`LedgerError::Tampered`] naming the first entry whose sequence, link or content does
    /// not match its hash.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, HourLedger, IdempotencyKey, LedgerError, MinuteDelta};
    /// let mut ledger = doc_fixtures::ledger();
    /// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
    /// for n in 1..=3 {
    ///     let rec = doc_fixtures::record_builder(n).build()?;
    ///     let id = rec.id();
    ///     ledger.submit(doc_fixtures::recorder(), rec, at)?;
    ///     ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, n)), at)?;
    /// }
    /// let mut copy = ledger.entries().to_vec();
    /// copy[1] = copy[1].tampered_amount(MinuteDelta::new(600));
    /// assert_eq!(HourLedger::verify_entries(&copy), Err(LedgerError::Tampered { entry: 1 }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn verify_entries(entries: &[LedgerEntry]) -> Result<(), LedgerError> {
        match journal::first_altered(entries) {
            Some(entry) => Err(LedgerError::Tampered { entry }),
            None => Ok(()),
        }
    }

    /// Rebuilds a ledger from its events, re-running every command (and so every check).
    /// The result equals the original: same entries, hashes, records and corrections.
    ///
    /// # Errors
    /// [`LedgerError::UnsupportedEventVersion`] for an unknown version;
    /// [`LedgerError::ReplayMismatch`] if an event does not reproduce itself (a duplicate, a
    /// retry that appended nothing); any command error if the events are not a history this
    /// ledger could have produced.
    ///
    /// # Example
    /// See [`LedgerEvent`].
    pub fn replay(events: &[LedgerEvent]) -> Result<Self, LedgerError> {
        let mut r = LedgerReplay::with_capacity(events.len());
        for e in events {
            r.push(e)?;
        }
        r.finish()
    }
}

#[cfg(test)]
mod tests;
