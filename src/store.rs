//! Event stores: where a ledger's events live between runs.
//!
//! The core does no I/O. It defines what an event store must do ([`EventStore`]), ships the
//! in-memory store the tests use ([`MemoryEventStore`]), and the pieces every persistent
//! adapter shares: validated stream names ([`StreamId`]), the hash chain over stored events
//! ([`chain_hash`]) and the errors ([`StoreError`]). Adapters for real databases live behind
//! cargo features.
//!
//! A store holds any number of *streams*, each an append-only sequence of events numbered
//! from 0 without gaps, and a *global log* of every event of every stream, numbered by
//! position from 0 without gaps. Appends are batches that either land whole or not at all,
//! and carry the stream sequence the writer expects next (optimistic concurrency): of two
//! writers racing from the same state, exactly one wins.
//!
//! [`HourLedger::save_to`](crate::HourLedger::save_to) and
//! [`HourLedger::load_from`](crate::HourLedger::load_from) connect a ledger to any store.

use core::fmt;
use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::{EntryHash, IdempotencyKey, LedgerEvent, LedgerEventKind};

/// The longest stream name, in bytes.
pub const MAX_STREAM_ID: usize = 200;

/// How many events adapters read per round trip when rebuilding state.
pub const READ_PAGE: usize = 10_000;

/// The name of one event stream, such as `ledger` or `certificates/320115`.
///
/// 1 to [`MAX_STREAM_ID`] bytes of lowercase ASCII letters, digits and `-_.:/`, not starting
/// or ending with `/`. Serialised as the plain string.
///
/// # Example
/// ```
/// use volunteer_service::StreamId;
/// let s: StreamId = "ledger/nanjing".parse()?;
/// assert_eq!(s.as_str(), "ledger/nanjing");
/// assert!("Ledger".parse::<StreamId>().is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(into = "String", try_from = "String")
)]
pub struct StreamId(String);

impl StreamId {
    /// Checks and wraps a stream name.
    ///
    /// # Errors
    /// [`StoreError::InvalidStreamId`] if the name is empty, too long, has a character other
    /// than `a-z0-9-_.:/`, or starts or ends with `/`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::StreamId;
    /// assert!(StreamId::new("certificates/320115").is_ok());
    /// assert!(StreamId::new("/ledger").is_err());
    /// ```
    pub fn new(name: &str) -> Result<Self, StoreError> {
        let bad = |rule: &'static str| StoreError::InvalidStreamId {
            // Bounded and escaped: hostile input never floods a message.
            value: name
                .chars()
                .take(40)
                .collect::<String>()
                .escape_debug()
                .to_string(),
            rule,
        };
        if name.is_empty() {
            return Err(bad("must not be empty"));
        }
        if name.len() > MAX_STREAM_ID {
            return Err(bad("must be at most 200 bytes"));
        }
        if !name.bytes().all(|b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || matches!(b, b'-' | b'_' | b'.' | b':' | b'/')
        }) {
            return Err(bad("may only contain a-z, 0-9 and -_.:/"));
        }
        if name.starts_with('/') || name.ends_with('/') {
            return Err(bad("must not start or end with '/'"));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::StreamId;
    /// assert_eq!(StreamId::ledger().as_str(), "ledger");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The conventional stream of a platform's one [`HourLedger`](crate::HourLedger):
    /// `ledger`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::StreamId;
    /// assert_eq!(StreamId::ledger().to_string(), "ledger");
    /// ```
    pub fn ledger() -> Self {
        Self("ledger".to_owned())
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StreamId({})", self.0)
    }
}

impl core::str::FromStr for StreamId {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl From<StreamId> for String {
    fn from(s: StreamId) -> Self {
        s.0
    }
}

impl TryFrom<String> for StreamId {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

/// An event a store can keep: it names its type and format version, which stores record in
/// their own columns so that a reader can refuse or upcast versions it does not know.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, StoredEvent};
/// let ledger = doc_fixtures::certified_ledger().0;
/// let e = &ledger.events()[0];
/// assert_eq!(e.event_type(), "recorder_appointed");
/// assert_eq!(e.event_version(), 1);
/// ```
pub trait StoredEvent: Clone {
    /// The snake-case type name, as in the serialised `type` tag.
    fn event_type(&self) -> &'static str;
    /// The format version.
    fn event_version(&self) -> u16;
    /// The idempotency key the event carries, if any. A store refuses a second event with the
    /// same key in one stream ([`StoreError::DuplicateKey`]), so a retried command can never
    /// be stored twice even by a writer that bypasses the ledger's own check. `None` (the
    /// default) for events without a key.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, StoredEvent};
    /// let ledger = doc_fixtures::certified_ledger().0;
    /// let events = ledger.events();
    /// assert_eq!(events[0].idempotency_key(), None); // an appointment has no key
    /// assert!(events.iter().any(|e| e.idempotency_key().is_some())); // confirmations do
    /// ```
    fn idempotency_key(&self) -> Option<IdempotencyKey> {
        None
    }
}

impl StoredEvent for LedgerEvent {
    fn event_type(&self) -> &'static str {
        self.kind.name()
    }
    fn event_version(&self) -> u16 {
        self.version
    }
    fn idempotency_key(&self) -> Option<IdempotencyKey> {
        match &self.kind {
            LedgerEventKind::RecordConfirmed { append, .. }
            | LedgerEventKind::CreditReversed { append, .. }
            | LedgerEventKind::CorrectionApproved { append, .. } => Some(append.key()),
            LedgerEventKind::RecorderAppointed { .. }
            | LedgerEventKind::RecordSubmitted { .. }
            | LedgerEventKind::CorrectionRequested { .. }
            | LedgerEventKind::CorrectionRejected { .. } => None,
        }
    }
}

/// One event as a store holds it: its place in the global log and in its stream.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, EventStore, MemoryEventStore, StreamId};
/// let mut store = MemoryEventStore::new();
/// let events = doc_fixtures::certified_ledger().0.events().to_vec();
/// store.append(&StreamId::ledger(), 0, &events)?;
/// let read = store.read_stream(&StreamId::ledger(), 1, 1)?;
/// assert_eq!((read[0].position, read[0].seq), (1, 1));
/// assert_eq!(read[0].event, events[1]);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded<E> {
    /// The position in the global log (0-based, gap-free across all streams).
    pub position: u64,
    /// The stream.
    pub stream: StreamId,
    /// The sequence within the stream (0-based, gap-free).
    pub seq: u64,
    /// The event.
    pub event: E,
}

/// What an append wrote.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, EventStore, MemoryEventStore, StreamId};
/// let mut store = MemoryEventStore::new();
/// let events = doc_fixtures::certified_ledger().0.events().to_vec();
/// let a = store.append(&StreamId::ledger(), 0, &events)?;
/// assert_eq!(a.seqs, 0..events.len() as u64);
/// assert_eq!(a.first_position, 0);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The stream sequences the batch took (empty for an empty batch).
    pub seqs: core::ops::Range<u64>,
    /// The global position of the batch's first event (the next free position for an empty
    /// batch).
    pub first_position: u64,
}

/// An event store's failure.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, EventStore, MemoryEventStore, StreamId};
/// let mut store = MemoryEventStore::new();
/// let events = doc_fixtures::certified_ledger().0.events().to_vec();
/// store.append(&StreamId::ledger(), 0, &events[..1])?;
/// let err = store.append(&StreamId::ledger(), 0, &events[1..2]).unwrap_err();
/// assert_eq!(err.to_string(), "stream ledger: expected next sequence 0 but the stream is at 1 (another writer appended first)");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A stream name broke a rule.
    #[error("stream id {value:?}: {rule}")]
    InvalidStreamId {
        /// The name (at most 40 characters of it, escaped).
        value: String,
        /// The rule it broke.
        rule: &'static str,
    },
    /// Optimistic concurrency: the stream's next sequence was not the one the writer expected.
    /// Nothing was written.
    #[error(
        "stream {stream}: expected next sequence {expected} but the stream is at {actual} (another writer appended first)"
    )]
    Conflict {
        /// The stream.
        stream: StreamId,
        /// The sequence the writer expected.
        expected: u64,
        /// The stream's actual next sequence.
        actual: u64,
    },
    /// An event of the batch carries an idempotency key that the stream already holds (or
    /// that an earlier event of the same batch carries). Nothing was written.
    #[error(
        "stream {stream}: idempotency key {key} is already used by the event at sequence {seq}"
    )]
    DuplicateKey {
        /// The stream.
        stream: StreamId,
        /// The key.
        key: IdempotencyKey,
        /// The sequence of the event that already carries it.
        seq: u64,
    },
    /// A stored event fails the hash chain, or the sequence has a gap: the log was altered
    /// outside the store (an edited, deleted or inserted row).
    #[error("stream {stream}: tampered at sequence {seq}: {detail}")]
    Tampered {
        /// The stream.
        stream: StreamId,
        /// The first sequence that fails.
        seq: u64,
        /// What failed.
        detail: String,
    },
    /// A stored event could not be decoded, or was of an unknown type or version.
    #[error("global position {position}: cannot decode stored event: {detail}")]
    Decode {
        /// The event's global position.
        position: u64,
        /// Why.
        detail: String,
    },
    /// The schema in the database is newer than this version of the crate understands, or
    /// not this crate's.
    #[error(
        "schema version {found} is not supported (this crate knows versions up to {supported})"
    )]
    Schema {
        /// The version found.
        found: i64,
        /// The newest version this crate knows.
        supported: i64,
    },
    /// The state to save does not extend what the stream already holds.
    #[error(
        "stream {stream}: event {seq} in the store differs from the one being saved (the histories diverged)"
    )]
    Diverged {
        /// The stream.
        stream: StreamId,
        /// The first sequence that differs.
        seq: u64,
    },
    /// The database itself failed (I/O, locking, connection). The message is the driver's.
    #[error("{operation}: {message}")]
    Backend {
        /// What the store was doing.
        operation: &'static str,
        /// The driver's message.
        message: String,
    },
}

/// Storage for event streams.
///
/// Implementations guarantee: an append lands whole or not at all; it lands only if the
/// stream's next sequence equals `expected`, else [`StoreError::Conflict`] and nothing is
/// written; sequences and positions are gap-free from 0; an acknowledged append survives a
/// crash (for persistent stores); nothing is ever updated or deleted; reads return events
/// exactly as appended, in order, or an error (never a silently altered event).
///
/// Methods take `&mut self` because database clients need it even for reads.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, EventStore, MemoryEventStore, StreamId};
/// let mut store = MemoryEventStore::new();
/// let ledger = doc_fixtures::certified_ledger().0;
/// store.append(&StreamId::ledger(), 0, ledger.events())?;
/// assert_eq!(store.stream_len(&StreamId::ledger())?, ledger.events().len() as u64);
/// assert_eq!(store.read_all(0, usize::MAX)?.len(), ledger.events().len());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub trait EventStore<E: StoredEvent> {
    /// Appends `events` to `stream` if its next sequence is `expected`, as one atomic batch.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] if the stream has moved on; [`StoreError::DuplicateKey`] if an
    /// event's [idempotency key](StoredEvent::idempotency_key) is already in the stream or
    /// twice in the batch; [`StoreError::Backend`] if the database fails. Whatever the error,
    /// nothing was written.
    fn append(
        &mut self,
        stream: &StreamId,
        expected: u64,
        events: &[E],
    ) -> Result<Appended, StoreError>;

    /// The stream's next sequence: how many events it holds (0 for an unknown stream).
    ///
    /// # Errors
    /// [`StoreError::Backend`] if the database fails.
    fn stream_len(&mut self, stream: &StreamId) -> Result<u64, StoreError>;

    /// Up to `max` events of `stream`, from sequence `from` on, in order.
    ///
    /// # Errors
    /// [`StoreError::Tampered`] if the stored events fail the hash chain or skip a sequence;
    /// [`StoreError::Decode`] if one cannot be read back; [`StoreError::Backend`].
    fn read_stream(
        &mut self,
        stream: &StreamId,
        from: u64,
        max: usize,
    ) -> Result<Vec<Recorded<E>>, StoreError>;

    /// Up to `max` events of the global log, from position `from` on, in order.
    ///
    /// # Errors
    /// As [`read_stream`](Self::read_stream).
    fn read_all(&mut self, from: u64, max: usize) -> Result<Vec<Recorded<E>>, StoreError>;
}

/// The hash chaining a stored event to the one before it in its stream: SHA-256 over the
/// previous hash, the stream name, the sequence, the event's type and version, and its
/// serialised bytes (each length-prefixed). The hash before sequence 0 is
/// [`EntryHash::GENESIS`].
///
/// Persistent adapters store it beside each event and check it when reading, so an edited,
/// deleted or inserted row is reported as [`StoreError::Tampered`] with the first bad
/// sequence.
///
/// # Example
/// ```
/// use volunteer_service::{chain_hash, EntryHash, StreamId};
/// let s = StreamId::ledger();
/// let h0 = chain_hash(EntryHash::GENESIS, &s, 0, "recorder_appointed", 1, b"{}");
/// let h1 = chain_hash(EntryHash::GENESIS, &s, 0, "recorder_appointed", 1, b"{ }");
/// assert_ne!(h0, h1);
/// ```
pub fn chain_hash(
    prev: EntryHash,
    stream: &StreamId,
    seq: u64,
    event_type: &str,
    version: u16,
    payload: &[u8],
) -> EntryHash {
    let mut h = Sha256::new();
    h.update(b"volunteer-service/event/1");
    h.update(prev.as_bytes());
    for part in [stream.as_str().as_bytes(), event_type.as_bytes(), payload] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.update(seq.to_le_bytes());
    h.update(version.to_le_bytes());
    EntryHash::from_bytes(h.finalize().into())
}

/// An event store in memory: what tests and single-process tools use, and the reference the
/// persistent adapters are tested against.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, HourLedger, MemoryEventStore, StreamId};
/// let ledger = doc_fixtures::certified_ledger().0;
/// let mut store = MemoryEventStore::new();
/// ledger.save_to(&mut store, &StreamId::ledger())?;
/// assert_eq!(HourLedger::load_from(&mut store, &StreamId::ledger())?, ledger);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MemoryEventStore<E> {
    log: Vec<Recorded<E>>,
    streams: HashMap<StreamId, Vec<usize>>,
    /// The sequence of the event carrying each idempotency key, per stream.
    keys: HashMap<StreamId, HashMap<IdempotencyKey, u64>>,
}

impl<E> Default for MemoryEventStore<E> {
    fn default() -> Self {
        Self {
            log: Vec::new(),
            streams: HashMap::new(),
            keys: HashMap::new(),
        }
    }
}

impl<E> MemoryEventStore<E> {
    /// An empty store.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{LedgerEvent, MemoryEventStore};
    /// assert!(MemoryEventStore::<LedgerEvent>::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// How many events the global log holds.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{LedgerEvent, MemoryEventStore};
    /// assert_eq!(MemoryEventStore::<LedgerEvent>::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.log.len()
    }

    /// Whether the store holds no event.
    ///
    /// # Example
    /// See [`MemoryEventStore::new`].
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

impl<E: StoredEvent> EventStore<E> for MemoryEventStore<E> {
    fn append(
        &mut self,
        stream: &StreamId,
        expected: u64,
        events: &[E],
    ) -> Result<Appended, StoreError> {
        let actual = to_u64(self.streams.get(stream).map_or(0, Vec::len));
        if actual != expected {
            return Err(StoreError::Conflict {
                stream: stream.clone(),
                expected,
                actual,
            });
        }
        let first_position = to_u64(self.log.len());
        if events.is_empty() {
            return Ok(Appended {
                seqs: expected..expected,
                first_position,
            });
        }
        let held = self.keys.get(stream);
        let mut batch: HashMap<IdempotencyKey, u64> = HashMap::new();
        for (seq, event) in (expected..).zip(events) {
            let Some(key) = event.idempotency_key() else {
                continue;
            };
            let earlier = held
                .and_then(|k| k.get(&key))
                .or_else(|| batch.get(&key))
                .copied();
            if let Some(earlier) = earlier {
                return Err(StoreError::DuplicateKey {
                    stream: stream.clone(),
                    key,
                    seq: earlier,
                });
            }
            batch.insert(key, seq);
        }
        self.keys.entry(stream.clone()).or_default().extend(batch);
        self.log.reserve(events.len());
        let index = self.streams.entry(stream.clone()).or_default();
        for (seq, event) in (expected..).zip(events) {
            index.push(self.log.len());
            self.log.push(Recorded {
                position: to_u64(self.log.len()),
                stream: stream.clone(),
                seq,
                event: event.clone(),
            });
        }
        Ok(Appended {
            seqs: expected..expected + to_u64(events.len()),
            first_position,
        })
    }

    fn stream_len(&mut self, stream: &StreamId) -> Result<u64, StoreError> {
        Ok(to_u64(self.streams.get(stream).map_or(0, Vec::len)))
    }

    fn read_stream(
        &mut self,
        stream: &StreamId,
        from: u64,
        max: usize,
    ) -> Result<Vec<Recorded<E>>, StoreError> {
        let Some(index) = self.streams.get(stream) else {
            return Ok(Vec::new());
        };
        Ok(index
            .iter()
            .skip(to_usize(from))
            .take(max)
            .filter_map(|&i| self.log.get(i).cloned())
            .collect())
    }

    fn read_all(&mut self, from: u64, max: usize) -> Result<Vec<Recorded<E>>, StoreError> {
        Ok(self
            .log
            .iter()
            .skip(to_usize(from))
            .take(max)
            .cloned()
            .collect())
    }
}

impl crate::HourLedger {
    /// Appends to `stream` the events of this ledger that the stream does not hold yet, as one
    /// batch, expecting the stream to hold exactly this ledger's earlier events. Call it after
    /// each command (or batch of commands) to persist the ledger; a second call with nothing
    /// new writes nothing.
    ///
    /// Returns what was appended.
    ///
    /// # Errors
    /// [`StoreError::Diverged`] if the stream holds more events than this ledger, or if its
    /// last stored event differs from this ledger's event at that sequence (another process
    /// wrote a different history); [`StoreError::Conflict`] if another writer appended between
    /// the check and the append; any store failure. Nothing is written on error.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MemoryEventStore, StreamId};
    /// let ledger = doc_fixtures::certified_ledger().0;
    /// let mut store = MemoryEventStore::new();
    /// let first = ledger.save_to(&mut store, &StreamId::ledger())?;
    /// assert_eq!(first.seqs.end, ledger.events().len() as u64);
    /// assert!(ledger.save_to(&mut store, &StreamId::ledger())?.seqs.is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn save_to<S: EventStore<LedgerEvent> + ?Sized>(
        &self,
        store: &mut S,
        stream: &StreamId,
    ) -> Result<Appended, StoreError> {
        let held = store.stream_len(stream)?;
        let events = self.events();
        let Some(new) = events.get(to_usize(held)..) else {
            return Err(StoreError::Diverged {
                stream: stream.clone(),
                seq: to_u64(events.len()),
            });
        };
        if let Some(last) = held.checked_sub(1) {
            let stored = store.read_stream(stream, last, 1)?;
            let same = stored.first().map(|r| &r.event) == events.get(to_usize(last));
            if !same {
                return Err(StoreError::Diverged {
                    stream: stream.clone(),
                    seq: last,
                });
            }
        }
        store.append(stream, held, new)
    }

    /// Rebuilds a ledger from the events of `stream`, reading them a page at a time.
    ///
    /// The result equals the ledger that wrote them: same entries, hash chain, records and
    /// corrections.
    ///
    /// # Errors
    /// Any store failure (including [`StoreError::Tampered`] from stores that chain their
    /// rows), or [`LedgerError`](crate::LedgerError) if the events are not a history a ledger
    /// could have produced.
    ///
    /// # Example
    /// See [`MemoryEventStore`].
    pub fn load_from<S: EventStore<LedgerEvent> + ?Sized>(
        store: &mut S,
        stream: &StreamId,
    ) -> Result<Self, crate::Error> {
        let mut replay = crate::LedgerReplay::new();
        let mut next = 0;
        loop {
            let page = store.read_stream(stream, next, READ_PAGE)?;
            let Some(last) = page.last() else { break };
            next = last.seq + 1;
            for r in &page {
                replay.push(&r.event)?;
            }
            if page.len() < READ_PAGE {
                break;
            }
        }
        Ok(replay.finish()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HourLedger, doc_fixtures};
    use proptest::prelude::*;

    fn ledger() -> StreamId {
        StreamId::ledger()
    }

    #[test]
    fn stream_id_rules() {
        for ok in ["ledger", "certificates/320115", "a", "x.y:z-w_v"] {
            assert_eq!(StreamId::new(ok).map(|s| s.0), Ok(ok.to_owned()));
        }
        for (bad, rule) in [
            ("", "must not be empty"),
            ("Ledger", "may only contain a-z, 0-9 and -_.:/"),
            ("a b", "may only contain a-z, 0-9 and -_.:/"),
            ("账本", "may only contain a-z, 0-9 and -_.:/"),
            ("/a", "must not start or end with '/'"),
            ("a/", "must not start or end with '/'"),
        ] {
            match StreamId::new(bad) {
                Err(StoreError::InvalidStreamId { rule: r, .. }) => assert_eq!(r, rule, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        let long = "a".repeat(MAX_STREAM_ID + 1);
        let err = StreamId::new(&long).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("stream id {:?}: must be at most 200 bytes", "a".repeat(40))
        );
        assert!(StreamId::new(&long[1..]).is_ok());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn stream_id_serde_validates() {
        let s: StreamId = serde_json::from_str("\"ledger/x\"").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"ledger/x\"");
        assert!(serde_json::from_str::<StreamId>("\"LEDGER\"").is_err());
    }

    #[test]
    fn conflict_writes_nothing_and_names_both_sequences() {
        let events = doc_fixtures::certified_ledger().0.events().to_vec();
        let mut store = MemoryEventStore::new();
        store.append(&ledger(), 0, &events[..2]).unwrap();
        let before = store.read_all(0, usize::MAX).unwrap();
        for expected in [0, 1, 3] {
            assert_eq!(
                store.append(&ledger(), expected, &events[2..]),
                Err(StoreError::Conflict {
                    stream: ledger(),
                    expected,
                    actual: 2
                })
            );
        }
        assert_eq!(store.read_all(0, usize::MAX).unwrap(), before);
    }

    #[test]
    fn streams_and_global_positions_are_gap_free() {
        let events = doc_fixtures::certified_ledger().0.events().to_vec();
        let other = StreamId::new("other").unwrap();
        let mut store = MemoryEventStore::new();
        store.append(&ledger(), 0, &events[..1]).unwrap();
        let a = store.append(&other, 0, &events[1..3]).unwrap();
        assert_eq!((a.seqs, a.first_position), (0..2, 1));
        store.append(&ledger(), 1, &events[3..4]).unwrap();
        let all = store.read_all(0, usize::MAX).unwrap();
        assert_eq!(
            all.iter().map(|r| r.position).collect::<Vec<_>>(),
            vec![0, 1, 2, 3]
        );
        let mine = store.read_stream(&ledger(), 0, usize::MAX).unwrap();
        assert_eq!(
            mine.iter().map(|r| (r.seq, r.position)).collect::<Vec<_>>(),
            vec![(0, 0), (1, 3)]
        );
        assert_eq!(store.stream_len(&other), Ok(2));
        assert_eq!(store.stream_len(&StreamId::new("none").unwrap()), Ok(0));
        assert_eq!(store.read_all(2, 1).unwrap()[0].position, 2);
        let empty = store.append(&other, 2, &[]).unwrap();
        assert_eq!((empty.seqs, empty.first_position), (2..2, 4));
    }

    #[test]
    fn an_idempotency_key_is_stored_once_per_stream() {
        let events = doc_fixtures::certified_ledger().0.events().to_vec();
        let confirm = &events[2];
        let key = confirm.idempotency_key().unwrap();
        let mut store = MemoryEventStore::new();
        store.append(&ledger(), 0, &events[..3]).unwrap();
        let before = store.read_all(0, usize::MAX).unwrap();
        let dup = |seq| StoreError::DuplicateKey {
            stream: ledger(),
            key,
            seq,
        };
        assert_eq!(
            store.append(&ledger(), 3, &[events[3].clone(), confirm.clone()]),
            Err(dup(2))
        );
        let other = StreamId::new("other").unwrap();
        assert_eq!(
            store.append(&other, 0, &[confirm.clone(), confirm.clone()]),
            Err(StoreError::DuplicateKey {
                stream: other.clone(),
                key,
                seq: 0
            })
        );
        assert_eq!(store.read_all(0, usize::MAX).unwrap(), before);
        assert_eq!(store.stream_len(&other), Ok(0));
        // Events without a key repeat freely, and another stream may hold the key once.
        store
            .append(&other, 0, &[events[0].clone(), events[0].clone()])
            .unwrap();
        store
            .append(&other, 2, std::slice::from_ref(confirm))
            .unwrap();
        assert_eq!(
            dup(2).to_string(),
            "stream ledger: idempotency key 00000000-0007-7000-8000-000000000001 is already used by the event at sequence 2"
        );
    }

    #[test]
    fn save_and_load_round_trip_incrementally() {
        let full = doc_fixtures::certified_ledger().0;
        let events = full.events();
        let mut store = MemoryEventStore::new();
        // Persist a prefix, then the rest: the stream ends up with exactly the events.
        let prefix = HourLedger::replay(&events[..2]).unwrap();
        prefix.save_to(&mut store, &ledger()).unwrap();
        full.save_to(&mut store, &ledger()).unwrap();
        assert_eq!(store.len(), events.len());
        assert_eq!(HourLedger::load_from(&mut store, &ledger()).unwrap(), full);
    }

    #[test]
    fn save_refuses_a_diverged_history() {
        let full = doc_fixtures::certified_ledger().0;
        let events = full.events();
        let mut store = MemoryEventStore::new();
        store.append(&ledger(), 0, &events[1..2]).unwrap();
        let err = full.save_to(&mut store, &ledger()).unwrap_err();
        assert_eq!(
            err,
            StoreError::Diverged {
                stream: ledger(),
                seq: 0
            }
        );
        // A shorter ledger than the stream is refused too.
        let mut longer = MemoryEventStore::new();
        full.save_to(&mut longer, &ledger()).unwrap();
        let short = HourLedger::replay(&events[..1]).unwrap();
        assert!(matches!(
            short.save_to(&mut longer, &ledger()),
            Err(StoreError::Diverged { .. })
        ));
        assert_eq!(longer.len(), events.len());
    }

    #[test]
    fn load_refuses_a_history_that_does_not_reproduce() {
        let events = doc_fixtures::certified_ledger().0.events().to_vec();
        let mut store = MemoryEventStore::new();
        store
            .append(&ledger(), 0, &[events[0].clone(), events[0].clone()])
            .unwrap();
        assert_eq!(
            HourLedger::load_from(&mut store, &ledger()),
            Err(crate::Error::Ledger(crate::LedgerError::ReplayMismatch {
                event: 1
            }))
        );
    }

    #[test]
    fn chain_hash_covers_every_field() {
        let s = ledger();
        let base = chain_hash(EntryHash::GENESIS, &s, 3, "t", 1, b"p");
        let prev = EntryHash::from_bytes([1; 32]);
        let others = [
            chain_hash(prev, &s, 3, "t", 1, b"p"),
            chain_hash(
                EntryHash::GENESIS,
                &StreamId::new("x").unwrap(),
                3,
                "t",
                1,
                b"p",
            ),
            chain_hash(EntryHash::GENESIS, &s, 4, "t", 1, b"p"),
            chain_hash(EntryHash::GENESIS, &s, 3, "u", 1, b"p"),
            chain_hash(EntryHash::GENESIS, &s, 3, "t", 2, b"p"),
            chain_hash(EntryHash::GENESIS, &s, 3, "t", 1, b"q"),
            // Length prefixes: moving a byte between fields changes the hash.
            chain_hash(EntryHash::GENESIS, &s, 3, "tp", 1, b""),
        ];
        for o in others {
            assert_ne!(o, base);
        }
        assert_eq!(base, chain_hash(EntryHash::GENESIS, &s, 3, "t", 1, b"p"));
    }

    proptest! {
        /// Any split of a ledger's events into batches, interleaved with another stream,
        /// loads back to the same ledger, and paging never loses or repeats an event.
        #[test]
        fn any_batching_loads_back(cuts in proptest::collection::vec(0_usize..20, 0..6), page in 1_usize..5) {
            let full = doc_fixtures::certified_ledger().0;
            let events = full.events();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(events.len())).collect();
            cuts.push(events.len());
            cuts.sort_unstable();
            let other = StreamId::new("noise").unwrap();
            let mut store = MemoryEventStore::new();
            let mut at = 0;
            for c in cuts {
                store.append(&ledger(), at as u64, &events[at..c]).unwrap();
                let n = store.stream_len(&other).unwrap();
                store.append(&other, n, &events[..1]).unwrap();
                at = c;
            }
            prop_assert_eq!(HourLedger::load_from(&mut store, &ledger()).unwrap(), full.clone());
            let mut paged = Vec::new();
            loop {
                let p = store.read_stream(&ledger(), paged.len() as u64, page).unwrap();
                if p.is_empty() { break; }
                paged.extend(p.into_iter().map(|r| r.event));
            }
            prop_assert_eq!(&paged[..], events);
        }
    }
}
