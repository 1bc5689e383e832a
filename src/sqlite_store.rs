//! The SQLite event store (feature `sqlite`): the embedded default for a platform on one
//! machine.

use core::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{
    Appended, EntryHash, EventStore, Recorded, StoreError, StoredEvent, StreamId, chain_hash,
};

/// The schema version this crate writes and the newest it reads (`PRAGMA user_version`).
/// [`SqliteEventStore::open`] migrates older files to it and refuses newer ones.
///
/// # Example
/// ```
/// use volunteer_service::{SqliteEventStore, SQLITE_SCHEMA_VERSION};
/// assert_eq!(SQLITE_SCHEMA_VERSION, 1);
/// assert_eq!(SqliteEventStore::open_in_memory()?.schema_version()?, SQLITE_SCHEMA_VERSION);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub const SQLITE_SCHEMA_VERSION: i64 = 1;

/// How long a writer waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: [&str; 1] = [V1];

/// Version 1: the event table, the stream heads, and the append-only triggers.
const V1: &str = "
CREATE TABLE events (
    position        INTEGER PRIMARY KEY CHECK (position >= 0),
    stream          TEXT    NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq >= 0),
    type            TEXT    NOT NULL,
    version         INTEGER NOT NULL CHECK (version BETWEEN 0 AND 65535),
    payload         TEXT    NOT NULL CHECK (json_valid(payload)),
    hash            BLOB    NOT NULL CHECK (length(hash) = 32),
    idempotency_key TEXT,
    recorded_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (stream, seq)
) STRICT;
CREATE UNIQUE INDEX events_idempotency_key
    ON events (stream, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE TABLE streams (
    stream   TEXT    PRIMARY KEY,
    next_seq INTEGER NOT NULL CHECK (next_seq > 0),
    head     BLOB    NOT NULL CHECK (length(head) = 32)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: update refused'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: delete refused'); END;
CREATE TRIGGER streams_only_grow BEFORE UPDATE ON streams
WHEN NEW.stream IS NOT OLD.stream OR NEW.next_seq <= OLD.next_seq
BEGIN SELECT RAISE(ABORT, 'streams only grow: update refused'); END;
CREATE TRIGGER streams_no_delete BEFORE DELETE ON streams
BEGIN SELECT RAISE(ABORT, 'streams only grow: delete refused'); END;
";

/// An [`EventStore`] in a SQLite database file (or in memory), with SQLite compiled into the
/// crate: nothing to install.
///
/// On open it sets WAL mode and `synchronous = FULL` (an acknowledged append survives a power
/// loss) and brings the schema to [`SQLITE_SCHEMA_VERSION`] in one transaction, refusing a
/// newer one. The schema:
/// - `events(position INTEGER PRIMARY KEY, stream, seq, type, version, payload, hash,
///   idempotency_key, recorded_at)`, `UNIQUE (stream, seq)`, and a unique index on
///   `(stream, idempotency_key)` where the key is not null
///   ([`StoredEvent::idempotency_key`]). `payload` is the event's JSON text; `hash` is
///   [`chain_hash`] over the previous row of the stream; `recorded_at` is SQLite's UTC clock at
///   insertion, informative only (not hashed).
/// - `streams(stream, next_seq, head)`: each stream's length and last hash, so that a deleted
///   last row is detected too.
/// - Triggers abort every `UPDATE` and `DELETE` of `events`, every `DELETE` of `streams`, and
///   any `UPDATE` of `streams` that does not make a stream longer: append-only is enforced by
///   the database itself, whoever connects to it.
///
/// Each append is one `BEGIN IMMEDIATE` transaction: it checks the expected sequence, chains
/// and inserts the batch, and commits, so a batch lands whole or not at all, even if the
/// process is killed midway. Reads check the chain and the gap-free sequence of every row
/// they return and report the first bad sequence as [`StoreError::Tampered`].
///
/// Several connections (threads or processes) may share one file: writers queue on SQLite's
/// lock (waiting up to 5 seconds) and optimistic concurrency decides which append wins.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, HourLedger, SqliteEventStore, StreamId};
/// let ledger = doc_fixtures::certified_ledger().0;
/// let mut store = SqliteEventStore::open_in_memory()?;
/// ledger.save_to(&mut store, &StreamId::ledger())?;
/// let loaded = HourLedger::load_from(&mut store, &StreamId::ledger())?;
/// assert_eq!(loaded.head(), ledger.head());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub struct SqliteEventStore {
    conn: Connection,
    path: Option<PathBuf>,
}

impl fmt::Debug for SqliteEventStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteEventStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn backend(operation: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |e| StoreError::Backend {
        operation,
        message: e.to_string(),
    }
}

fn to_sql(n: u64, operation: &'static str) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Backend {
        operation,
        message: format!("{n} exceeds SQLite's integer range"),
    })
}

fn from_sql(n: i64, operation: &'static str) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| StoreError::Backend {
        operation,
        message: format!("negative value {n} in a column that counts from 0"),
    })
}

fn limit(max: usize) -> i64 {
    i64::try_from(max).unwrap_or(i64::MAX)
}

fn tampered(stream: &StreamId, seq: u64, detail: impl Into<String>) -> StoreError {
    StoreError::Tampered {
        stream: stream.clone(),
        seq,
        detail: detail.into(),
    }
}

/// A row with its stream predecessor's hash, its stream's recorded length and its
/// predecessor's position.
type Joined = (Row, Option<Vec<u8>>, Option<i64>, Option<i64>);

/// One row of `events` as read, before its chain is checked.
struct Row {
    position: u64,
    stream: String,
    seq: u64,
    event_type: String,
    version: i64,
    payload: String,
    hash: Vec<u8>,
}

impl Row {
    const COLUMNS: &'static str =
        "e.position, e.stream, e.seq, e.type, e.version, e.payload, e.hash";

    /// Reads the columns of [`COLUMNS`](Self::COLUMNS). The schema's checks keep `position`
    /// and `seq` non-negative.
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let position: i64 = r.get(0)?;
        let seq: i64 = r.get(2)?;
        Ok(Self {
            position: u64::try_from(position).unwrap_or(u64::MAX),
            stream: r.get(1)?,
            seq: u64::try_from(seq).unwrap_or(u64::MAX),
            event_type: r.get(3)?,
            version: r.get(4)?,
            payload: r.get(5)?,
            hash: r.get(6)?,
        })
    }

    /// Checks the row against the previous hash of its stream and decodes it.
    fn verify<E: StoredEvent + DeserializeOwned>(
        self,
        stream: &StreamId,
        prev: EntryHash,
    ) -> Result<(EntryHash, Recorded<E>), StoreError> {
        let version = u16::try_from(self.version).map_err(|_| {
            tampered(
                stream,
                self.seq,
                format!("version {} is not a u16", self.version),
            )
        })?;
        let computed = chain_hash(
            prev,
            stream,
            self.seq,
            &self.event_type,
            version,
            self.payload.as_bytes(),
        );
        if computed.as_bytes().as_slice() != self.hash.as_slice() {
            return Err(tampered(
                stream,
                self.seq,
                "the stored hash does not match the event and the previous hash",
            ));
        }
        let event: E = serde_json::from_str(&self.payload).map_err(|e| StoreError::Decode {
            position: self.position,
            detail: e.to_string(),
        })?;
        if event.event_type() != self.event_type || event.event_version() != version {
            return Err(StoreError::Decode {
                position: self.position,
                detail: format!(
                    "columns say {} version {version} but the payload is {} version {}",
                    self.event_type,
                    event.event_type(),
                    event.event_version()
                ),
            });
        }
        Ok((
            computed,
            Recorded {
                position: self.position,
                stream: stream.clone(),
                seq: self.seq,
                event,
            },
        ))
    }
}

impl SqliteEventStore {
    /// Opens (creating if needed) the store in the SQLite file at `path`.
    ///
    /// # Errors
    /// [`StoreError::Schema`] if the file's schema is newer than this crate knows;
    /// [`StoreError::Backend`] if the file cannot be opened or migrated (for instance a SQLite
    /// file of another application with its own `events` table). On error nothing is changed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, HourLedger, SqliteEventStore, StreamId};
    /// let path = std::env::temp_dir().join(format!("vs-doc-open-{}.db", std::process::id()));
    /// # let clean = |p: &std::path::Path| for ext in ["", "-wal", "-shm"] {
    /// #     let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
    /// # };
    /// # clean(&path);
    /// let ledger = doc_fixtures::certified_ledger().0;
    /// ledger.save_to(&mut SqliteEventStore::open(&path)?, &StreamId::ledger())?;
    /// // Another run, another connection: the ledger is still there.
    /// let mut again = SqliteEventStore::open(&path)?;
    /// assert_eq!(HourLedger::load_from(&mut again, &StreamId::ledger())?, ledger);
    /// # drop(again);
    /// # clean(&path);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(backend("open"))?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// Opens a fresh store in memory, gone when dropped: for tests and tools.
    ///
    /// # Errors
    /// [`StoreError::Backend`] if SQLite cannot allocate it.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EventStore, LedgerEvent, SqliteEventStore, StreamId};
    /// let mut store = SqliteEventStore::open_in_memory()?;
    /// assert_eq!(EventStore::<LedgerEvent>::stream_len(&mut store, &StreamId::ledger())?, 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(backend("open"))?;
        Self::init(conn, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(backend("set busy timeout"))?;
        // In-memory databases answer "memory"; files switch to WAL (a persistent setting).
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            .map_err(backend("set WAL mode"))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(backend("set synchronous = FULL"))?;
        migrate(&mut conn)?;
        Ok(Self { conn, path })
    }

    /// The file the store lives in (`None` in memory).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::SqliteEventStore;
    /// assert_eq!(SqliteEventStore::open_in_memory()?.path(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the database (`PRAGMA user_version`).
    ///
    /// # Errors
    /// [`StoreError::Backend`] if the database fails.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{SqliteEventStore, SQLITE_SCHEMA_VERSION};
    /// let mut store = SqliteEventStore::open_in_memory()?;
    /// assert_eq!(store.schema_version()?, SQLITE_SCHEMA_VERSION);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn schema_version(&mut self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(backend("read schema version"))
    }

    /// A stream's recorded length and head hash (`(0, GENESIS)` for an unknown stream).
    fn head(conn: &Connection, stream: &StreamId) -> Result<(u64, EntryHash), StoreError> {
        let row: Option<(i64, Vec<u8>)> = conn
            .prepare_cached("SELECT next_seq, head FROM streams WHERE stream = ?1")
            .and_then(|mut s| {
                s.query_row([stream.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(backend("read stream head"))?;
        let Some((next, head)) = row else {
            return Ok((0, EntryHash::GENESIS));
        };
        let head: [u8; 32] = head
            .try_into()
            .map_err(|_| tampered(stream, 0, "the recorded head hash is not 32 bytes"))?;
        Ok((
            from_sql(next, "read stream head")?,
            EntryHash::from_bytes(head),
        ))
    }

    /// The first sequence of `stream` below `next` that has no row, if any (a deleted row).
    fn first_gap(&self, stream: &StreamId, next: u64) -> Result<Option<u64>, StoreError> {
        let gap: i64 = self
            .conn
            .query_row(
                "SELECT CASE WHEN NOT EXISTS
                        (SELECT 1 FROM events WHERE stream = ?1 AND seq = 0) THEN 0
                    ELSE (SELECT min(e.seq) + 1 FROM events e WHERE e.stream = ?1
                          AND NOT EXISTS (SELECT 1 FROM events f
                                          WHERE f.stream = ?1 AND f.seq = e.seq + 1))
                    END",
                [stream.as_str()],
                |r| r.get(0),
            )
            .map_err(backend("look for a missing sequence"))?;
        let gap = from_sql(gap, "look for a missing sequence")?;
        Ok((gap < next).then_some(gap))
    }

    /// Names the first missing sequence of any stream, for a gap in global positions.
    fn locate_gap(&self) -> Result<Option<StoreError>, StoreError> {
        let streams: Vec<(String, i64)> = self
            .conn
            .prepare("SELECT stream, next_seq FROM streams ORDER BY stream")
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()
            })
            .map_err(backend("list streams"))?;
        for (name, next) in streams {
            let stream = StreamId::new(&name)?;
            if let Some(seq) = self.first_gap(&stream, from_sql(next, "list streams")?)? {
                return Ok(Some(tampered(
                    &stream,
                    seq,
                    format!("sequence {seq} is missing (a deleted row)"),
                )));
            }
        }
        Ok(None)
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend("begin migration"))?;
    let found: i64 = tx
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(backend("read schema version"))?;
    let from = usize::try_from(found)
        .ok()
        .filter(|&v| v <= MIGRATIONS.len())
        .ok_or(StoreError::Schema {
            found,
            supported: SQLITE_SCHEMA_VERSION,
        })?;
    if from == MIGRATIONS.len() {
        return Ok(());
    }
    for sql in MIGRATIONS.iter().skip(from) {
        tx.execute_batch(sql).map_err(backend("migrate schema"))?;
    }
    tx.pragma_update(None, "user_version", SQLITE_SCHEMA_VERSION)
        .map_err(backend("migrate schema"))?;
    tx.commit().map_err(backend("commit migration"))
}

impl<E: StoredEvent + Serialize + DeserializeOwned> EventStore<E> for SqliteEventStore {
    fn append(
        &mut self,
        stream: &StreamId,
        expected: u64,
        events: &[E],
    ) -> Result<Appended, StoreError> {
        const OP: &str = "append";
        // Serialise before taking the write lock.
        let payloads = events
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Backend {
                operation: "serialise event",
                message: e.to_string(),
            })?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend("begin append"))?;
        let (actual, mut prev) = Self::head(&tx, stream)?;
        if actual != expected {
            return Err(StoreError::Conflict {
                stream: stream.clone(),
                expected,
                actual,
            });
        }
        let first: i64 = tx
            .query_row(
                "SELECT coalesce(max(position) + 1, 0) FROM events",
                [],
                |r| r.get(0),
            )
            .map_err(backend(OP))?;
        let first_position = from_sql(first, OP)?;
        let mut seq = expected;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO events
                     (position, stream, seq, type, version, payload, hash, idempotency_key)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(backend(OP))?;
            for (event, payload) in events.iter().zip(&payloads) {
                let event_type = event.event_type();
                let version = event.event_version();
                let hash = chain_hash(prev, stream, seq, event_type, version, payload.as_bytes());
                let key = event.idempotency_key();
                let position = first_position + (seq - expected);
                let inserted = insert.execute(params![
                    to_sql(position, OP)?,
                    stream.as_str(),
                    to_sql(seq, OP)?,
                    event_type,
                    version,
                    payload,
                    hash.as_bytes().as_slice(),
                    key.map(|k| k.to_string()),
                ]);
                if let Err(e) = inserted {
                    let duplicate = e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation);
                    if let (true, Some(key)) = (duplicate, key) {
                        let earlier: Option<i64> = tx
                            .query_row(
                                "SELECT seq FROM events WHERE stream = ?1 AND idempotency_key = ?2",
                                params![stream.as_str(), key.to_string()],
                                |r| r.get(0),
                            )
                            .optional()
                            .map_err(backend(OP))?;
                        if let Some(earlier) = earlier {
                            return Err(StoreError::DuplicateKey {
                                stream: stream.clone(),
                                key,
                                seq: from_sql(earlier, OP)?,
                            });
                        }
                    }
                    return Err(backend(OP)(e));
                }
                prev = hash;
                seq += 1;
            }
        }
        if seq > expected {
            tx.prepare_cached(
                "INSERT INTO streams (stream, next_seq, head) VALUES (?1, ?2, ?3)
                 ON CONFLICT (stream) DO UPDATE SET next_seq = excluded.next_seq, head = excluded.head",
            )
            .and_then(|mut s| {
                s.execute(params![
                    stream.as_str(),
                    i64::try_from(seq).unwrap_or(i64::MAX),
                    prev.as_bytes().as_slice()
                ])
            })
            .map_err(backend(OP))?;
            tx.commit().map_err(backend("commit append"))?;
        }
        Ok(Appended {
            seqs: expected..seq,
            first_position,
        })
    }

    fn stream_len(&mut self, stream: &StreamId) -> Result<u64, StoreError> {
        Ok(Self::head(&self.conn, stream)?.0)
    }

    fn read_stream(
        &mut self,
        stream: &StreamId,
        from: u64,
        max: usize,
    ) -> Result<Vec<Recorded<E>>, StoreError> {
        const OP: &str = "read stream";
        if max == 0 {
            return Ok(Vec::new());
        }
        let (next, head) = Self::head(&self.conn, stream)?;
        let mut prev = match from.checked_sub(1) {
            None => EntryHash::GENESIS,
            Some(before) if before >= next => {
                return match self.beyond(stream, next)? {
                    Some(e) => Err(e),
                    None => Ok(Vec::new()),
                };
            }
            Some(before) => {
                let at = to_sql(before, OP)?;
                let hash: Option<Vec<u8>> = self
                    .conn
                    .prepare_cached("SELECT hash FROM events WHERE stream = ?1 AND seq = ?2")
                    .and_then(|mut s| {
                        s.query_row(params![stream.as_str(), at], |r| r.get(0))
                            .optional()
                    })
                    .map_err(backend(OP))?;
                let Some(hash) = hash.and_then(|h| <[u8; 32]>::try_from(h).ok()) else {
                    let seq = self.first_gap(stream, next)?.unwrap_or(before);
                    return Err(tampered(
                        stream,
                        seq,
                        format!("sequence {seq} is missing (a deleted row)"),
                    ));
                };
                EntryHash::from_bytes(hash)
            }
        };
        let start = to_sql(from, OP)?;
        let rows: Vec<Row> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM events e WHERE e.stream = ?1 AND e.seq >= ?2 ORDER BY e.seq LIMIT ?3",
                Row::COLUMNS
            ))
            .and_then(|mut s| {
                s.query_map(
                    params![stream.as_str(), start, limit(max)],
                    Row::read,
                )?
                .collect()
            })
            .map_err(backend(OP))?;
        let mut out = Vec::with_capacity(rows.len());
        let mut expected = from;
        for row in rows {
            if expected >= next {
                return Err(self.beyond_err(stream, next));
            }
            if row.seq != expected {
                return Err(tampered(
                    stream,
                    expected,
                    format!("sequence {expected} is missing (a deleted row)"),
                ));
            }
            let (hash, recorded) = row.verify(stream, prev)?;
            prev = hash;
            out.push(recorded);
            expected += 1;
        }
        if out.len() < max && expected < next {
            return Err(tampered(
                stream,
                expected,
                format!("sequence {expected} is missing: the stream records {next} events"),
            ));
        }
        if expected == next && next > 0 && prev != head {
            return Err(tampered(
                stream,
                next - 1,
                "the last event's hash differs from the stream's recorded head",
            ));
        }
        Ok(out)
    }

    fn read_all(&mut self, from: u64, max: usize) -> Result<Vec<Recorded<E>>, StoreError> {
        match self.read_log(from, max) {
            // The log is in position order; name the stream's first bad sequence instead.
            Err(StoreError::Tampered {
                stream,
                seq,
                detail,
            }) => Err(self
                .first_bad::<E>(&stream, seq)
                .unwrap_or(StoreError::Tampered {
                    stream,
                    seq,
                    detail,
                })),
            read => read,
        }
    }
}

impl SqliteEventStore {
    /// The first tampering in `stream` at or before `upto`, found by reading it from 0.
    fn first_bad<E: StoredEvent + Serialize + DeserializeOwned>(
        &mut self,
        stream: &StreamId,
        upto: u64,
    ) -> Option<StoreError> {
        let mut from = 0;
        while from <= upto {
            match EventStore::<E>::read_stream(self, stream, from, crate::READ_PAGE) {
                Ok(page) => match page.last() {
                    Some(last) => from = last.seq + 1,
                    None => return None,
                },
                Err(e @ StoreError::Tampered { .. }) => return Some(e),
                Err(_) => return None,
            }
        }
        None
    }

    /// [`EventStore::read_all`] without naming the first bad sequence of a stream.
    fn read_log<E: StoredEvent + DeserializeOwned>(
        &mut self,
        from: u64,
        max: usize,
    ) -> Result<Vec<Recorded<E>>, StoreError> {
        const OP: &str = "read log";
        if max == 0 {
            return Ok(Vec::new());
        }
        let start = to_sql(from, OP)?;
        let rows: Vec<Joined> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {}, p.hash, s.next_seq, p.position FROM events e
                 LEFT JOIN events p ON p.stream = e.stream AND p.seq = e.seq - 1
                 LEFT JOIN streams s ON s.stream = e.stream
                 WHERE e.position >= ?1 ORDER BY e.position LIMIT ?2",
                Row::COLUMNS
            ))
            .and_then(|mut s| {
                s.query_map(params![start, limit(max)], |r| {
                    Ok((Row::read(r)?, r.get(7)?, r.get(8)?, r.get(9)?))
                })?
                .collect()
            })
            .map_err(backend(OP))?;
        let mut out = Vec::with_capacity(rows.len());
        let mut expected = from;
        for (row, prev, next, prev_position) in rows {
            let stream = StreamId::new(&row.stream).map_err(|e| StoreError::Decode {
                position: row.position,
                detail: e.to_string(),
            })?;
            if row.position != expected {
                return Err(self.locate_gap()?.unwrap_or_else(|| {
                    tampered(
                        &stream,
                        row.seq,
                        format!(
                            "global position {expected} is missing: the next event is at {}",
                            row.position
                        ),
                    )
                }));
            }
            let here = to_sql(row.position, OP)?;
            if let Some(p) = prev_position.filter(|&p| p > here) {
                return Err(tampered(
                    &stream,
                    row.seq,
                    format!(
                        "sequence {} is at global position {}, before sequence {} at {p}",
                        row.seq,
                        row.position,
                        row.seq - 1
                    ),
                ));
            }
            let next = from_sql(next.unwrap_or(0), OP)?;
            if row.seq >= next {
                return Err(self.beyond_err(&stream, next));
            }
            let prev = match (row.seq, prev) {
                (0, _) => EntryHash::GENESIS,
                (_, Some(h)) => <[u8; 32]>::try_from(h)
                    .map(EntryHash::from_bytes)
                    .map_err(|_| tampered(&stream, row.seq - 1, "the hash is not 32 bytes"))?,
                (seq, None) => {
                    let gap = self.first_gap(&stream, next)?.unwrap_or(seq - 1);
                    return Err(tampered(
                        &stream,
                        gap,
                        format!("sequence {gap} is missing (a deleted row)"),
                    ));
                }
            };
            out.push(row.verify(&stream, prev)?.1);
            expected += 1;
        }
        if out.len() < max {
            let total: i64 = self
                .conn
                .query_row("SELECT coalesce(sum(next_seq), 0) FROM streams", [], |r| {
                    r.get(0)
                })
                .map_err(backend(OP))?;
            if expected < from_sql(total, OP)? {
                if let Some(err) = self.locate_gap()? {
                    return Err(err);
                }
                return Err(StoreError::Backend {
                    operation: OP,
                    message: format!(
                        "the streams record {total} events but the log ends at position {expected}"
                    ),
                });
            }
        }
        Ok(out)
    }
}

impl SqliteEventStore {
    /// The error for a row at or beyond a stream's recorded length (an inserted row), if
    /// there is one.
    fn beyond(&self, stream: &StreamId, next: u64) -> Result<Option<StoreError>, StoreError> {
        let extra: Option<i64> = self
            .conn
            .query_row(
                "SELECT min(seq) FROM events WHERE stream = ?1 AND seq >= ?2",
                params![stream.as_str(), to_sql(next, "read stream")?],
                |r| r.get(0),
            )
            .map_err(backend("read stream"))?;
        extra
            .map(|seq| {
                let seq = from_sql(seq, "read stream")?;
                Ok(tampered(
                    stream,
                    seq,
                    format!(
                        "sequence {seq} is beyond the stream's recorded length {next} (an inserted row)"
                    ),
                ))
            })
            .transpose()
    }

    /// [`beyond`](Self::beyond) when a row is known to be there.
    fn beyond_err(&self, stream: &StreamId, next: u64) -> StoreError {
        match self.beyond(stream, next) {
            Ok(Some(e)) | Err(e) => e,
            Ok(None) => tampered(stream, next, "a row appeared beyond the stream's length"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::{Error, HourLedger, LedgerEvent, MemoryEventStore, doc_fixtures};

    /// A database file in the temp dir, removed (with its WAL files) when dropped.
    struct TempDb(PathBuf);

    impl TempDb {
        fn new(name: &str) -> Self {
            static N: AtomicU32 = AtomicU32::new(0);
            let n = N.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir()
                .join(format!("vs-sqlite-{}-{name}-{n}.db", std::process::id()));
            let db = Self(path);
            db.remove();
            db
        }
        fn open(&self) -> SqliteEventStore {
            SqliteEventStore::open(&self.0).unwrap()
        }
        /// A raw connection, as an administrator (or an attacker) with the file would have.
        fn raw(&self) -> Connection {
            Connection::open(&self.0).unwrap()
        }
        fn remove(&self) {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", self.0.display()));
            }
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            self.remove();
        }
    }

    fn ledger() -> StreamId {
        StreamId::ledger()
    }

    /// A ledger with `n` confirmed records: 1 + 2n events, every second one keyed.
    /// A ledger of one appointment and `n` confirmed records (`1 + 2n` events). The
    /// appointment is a version-1 event (before appointments were authorised), so the history
    /// opens with a single event and the sequences the tamper tests name stay simple.
    fn ledger_of(n: u64) -> HourLedger {
        let legacy = LedgerEvent {
            version: 1,
            at: doc_fixtures::at("2021-07-20T00:00:00+08:00"),
            kind: crate::LedgerEventKind::RecorderAppointed {
                organiser: doc_fixtures::organiser(),
                recorder: doc_fixtures::recorder(),
                by: None,
            },
        };
        let mut l = HourLedger::replay(&[legacy]).unwrap();
        doc_fixtures::confirm_records(&mut l, n, 9, doc_fixtures::at("2021-09-01T09:00:00+08:00"));
        l
    }

    fn all(store: &mut SqliteEventStore) -> Result<Vec<Recorded<LedgerEvent>>, StoreError> {
        store.read_all(0, usize::MAX)
    }

    fn stream(
        store: &mut SqliteEventStore,
        from: u64,
    ) -> Result<Vec<Recorded<LedgerEvent>>, StoreError> {
        store.read_stream(&ledger(), from, usize::MAX)
    }

    #[test]
    fn opens_with_wal_full_sync_and_the_current_schema() {
        let db = TempDb::new("pragmas");
        let mut store = db.open();
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = store
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous = FULL");
        assert_eq!(store.schema_version(), Ok(SQLITE_SCHEMA_VERSION));
        assert_eq!(store.path(), Some(db.0.as_path()));
        assert!(format!("{store:?}").starts_with("SqliteEventStore { path: Some("));
    }

    #[test]
    fn conflict_writes_nothing_and_names_both_sequences() {
        let events = ledger_of(2).events().to_vec();
        let mut store = SqliteEventStore::open_in_memory().unwrap();
        store.append(&ledger(), 0, &events[..2]).unwrap();
        let before = all(&mut store).unwrap();
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
        assert_eq!(all(&mut store).unwrap(), before);
        assert_eq!(
            EventStore::<LedgerEvent>::stream_len(&mut store, &ledger()),
            Ok(2)
        );
    }

    #[test]
    fn two_connections_racing_from_the_same_state_one_wins() {
        let db = TempDb::new("race");
        let events = ledger_of(1).events().to_vec();
        let (mut a, mut b) = (db.open(), db.open());
        a.append(&ledger(), 0, &events[..1]).unwrap();
        assert!(matches!(
            b.append(&ledger(), 0, &events[..2]),
            Err(StoreError::Conflict { actual: 1, .. })
        ));
        b.append(&ledger(), 1, &events[1..]).unwrap();
        assert_eq!(
            all(&mut a)
                .unwrap()
                .into_iter()
                .map(|r| r.event)
                .collect::<Vec<_>>(),
            events
        );
    }

    /// Four writers on their own connections race to append batches to one stream, each
    /// re-reading the length after a conflict: every batch lands exactly once, whole and in
    /// one piece, and the chain verifies.
    #[test]
    fn racing_writers_never_lose_split_or_duplicate_a_batch() {
        use crate::{Actor, StaffId};
        const WRITERS: u64 = 4;
        const BATCHES: u64 = 15;
        const SIZE: u64 = 3;
        let db = TempDb::new("racing");
        drop(db.open()); // create the schema before the race
        let event = |w: u64, b: u64, i: u64| LedgerEvent {
            version: crate::LEDGER_EVENT_VERSION,
            at: doc_fixtures::at("2021-07-21T08:00:00+08:00"),
            kind: crate::LedgerEventKind::RecorderAppointed {
                organiser: doc_fixtures::organiser(),
                recorder: Actor::Staff(StaffId::from_parts(w, b * SIZE + i)),
                by: None,
            },
        };
        let conflicts: u64 = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..WRITERS)
                .map(|w| {
                    let path = db.0.clone();
                    scope.spawn(move || {
                        let mut store = SqliteEventStore::open(path).unwrap();
                        let mut conflicts = 0;
                        for b in 0..BATCHES {
                            let batch: Vec<_> = (0..SIZE).map(|i| event(w, b, i)).collect();
                            loop {
                                let len =
                                    EventStore::<LedgerEvent>::stream_len(&mut store, &ledger())
                                        .unwrap();
                                match store.append(&ledger(), len, &batch) {
                                    Ok(_) => break,
                                    Err(StoreError::Conflict { .. }) => conflicts += 1,
                                    Err(e) => panic!("{e}"),
                                }
                            }
                        }
                        conflicts
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        let stored = stream(&mut db.open(), 0).unwrap();
        assert_eq!(
            stored.len() as u64,
            WRITERS * BATCHES * SIZE,
            "{conflicts} conflicts"
        );
        for chunk in stored.chunks(3) {
            let (w, b) = (0..WRITERS)
                .flat_map(|w| (0..BATCHES).map(move |b| (w, b)))
                .find(|&(w, b)| chunk[0].event == event(w, b, 0))
                .expect("a batch starts at its first event");
            for (i, r) in (0..).zip(chunk) {
                assert_eq!(r.event, event(w, b, i), "a batch is contiguous");
            }
        }
        let mut seen: Vec<_> = stored
            .iter()
            .map(|r| format!("{:?}", r.event.kind))
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), stored.len(), "no event twice");
    }

    /// The same operations on SQLite and on the in-memory reference give the same answers.
    #[test]
    fn behaves_like_the_memory_store() {
        let events = ledger_of(2).events().to_vec();
        let other = StreamId::new("other").unwrap();
        let mut sql = SqliteEventStore::open_in_memory().unwrap();
        let mut mem = MemoryEventStore::new();
        let ops: [(&StreamId, u64, &[LedgerEvent]); 6] = [
            (&ledger(), 0, &events[..1]),
            (&other, 0, &events[1..3]),
            (&ledger(), 1, &events[3..4]),
            (&other, 2, &[]),
            (&other, 1, &events[3..4]), // conflict
            (&other, 2, &events[2..3]), // duplicate key (already at seq 1 of `other`)
        ];
        for (s, expected, batch) in ops {
            assert_eq!(
                sql.append(s, expected, batch),
                mem.append(s, expected, batch),
                "{s} {expected}"
            );
        }
        assert_eq!(
            sql.append(&ledger(), 2, &events[2..3])
                .unwrap()
                .first_position,
            4
        );
        mem.append(&ledger(), 2, &events[2..3]).unwrap();
        let positions: Vec<u64> = all(&mut sql).unwrap().iter().map(|r| r.position).collect();
        assert_eq!(positions, vec![0, 1, 2, 3, 4]);
        assert_eq!(all(&mut sql).unwrap(), mem.read_all(0, usize::MAX).unwrap());
        for s in [&ledger(), &other, &StreamId::new("none").unwrap()] {
            for from in 0..4 {
                for max in [0, 1, 2, usize::MAX] {
                    assert_eq!(
                        sql.read_stream(s, from, max),
                        mem.read_stream(s, from, max),
                        "{s} {from} {max}"
                    );
                    assert_eq!(sql.read_all(from, max), mem.read_all(from, max));
                }
            }
            assert_eq!(
                EventStore::<LedgerEvent>::stream_len(&mut sql, s),
                EventStore::<LedgerEvent>::stream_len(&mut mem, s)
            );
        }
    }

    #[test]
    fn an_idempotency_key_is_stored_once_per_stream() {
        let events = ledger_of(1).events().to_vec(); // [appoint, submit, confirm(key)]
        let confirm = &events[2];
        let key = confirm.idempotency_key().unwrap();
        let mut store = SqliteEventStore::open_in_memory().unwrap();
        store.append(&ledger(), 0, &events).unwrap();
        let before = all(&mut store).unwrap();
        assert_eq!(
            store.append(&ledger(), 3, std::slice::from_ref(confirm)),
            Err(StoreError::DuplicateKey {
                stream: ledger(),
                key,
                seq: 2
            })
        );
        // Twice in one batch: the whole batch is refused.
        let other = StreamId::new("other").unwrap();
        let twice = [events[0].clone(), confirm.clone(), confirm.clone()];
        assert_eq!(
            store.append(&other, 0, &twice),
            Err(StoreError::DuplicateKey {
                stream: other.clone(),
                key,
                seq: 1
            })
        );
        assert_eq!(all(&mut store).unwrap(), before);
        assert_eq!(
            EventStore::<LedgerEvent>::stream_len(&mut store, &other),
            Ok(0)
        );
        // Another stream may hold the same key once.
        store
            .append(&other, 0, std::slice::from_ref(confirm))
            .unwrap();
        assert_eq!(
            DuplicateKeyError::render(&store.append(&other, 1, std::slice::from_ref(confirm))),
            "stream other: idempotency key 00000000-0009-7000-8000-000000000001 is already used by the event at sequence 0"
        );
    }

    /// Renders an append's error for the message snapshot.
    struct DuplicateKeyError;
    impl DuplicateKeyError {
        fn render(r: &Result<Appended, StoreError>) -> String {
            r.as_ref().unwrap_err().to_string()
        }
    }

    #[test]
    fn triggers_refuse_update_and_delete() {
        let db = TempDb::new("triggers");
        ledger_of(1).save_to(&mut db.open(), &ledger()).unwrap();
        let raw = db.raw();
        for (sql, message) in [
            (
                "UPDATE events SET payload = '{}' WHERE seq = 1",
                "events are append-only: update refused",
            ),
            (
                "UPDATE events SET recorded_at = 'x'",
                "events are append-only: update refused",
            ),
            (
                "DELETE FROM events WHERE seq = 2",
                "events are append-only: delete refused",
            ),
            (
                "DELETE FROM events",
                "events are append-only: delete refused",
            ),
            (
                "UPDATE streams SET next_seq = 1",
                "streams only grow: update refused",
            ),
            ("DELETE FROM streams", "streams only grow: delete refused"),
        ] {
            let err = raw.execute(sql, []).unwrap_err();
            assert!(err.to_string().contains(message), "{sql}: {err}");
        }
        drop(raw);
        assert_eq!(
            HourLedger::load_from(&mut db.open(), &ledger()).unwrap(),
            ledger_of(1)
        );
    }

    /// Opens the file with the triggers dropped, as someone editing it by hand would.
    fn untriggered(db: &TempDb) -> Connection {
        let raw = db.raw();
        raw.execute_batch(
            "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;
             DROP TRIGGER streams_only_grow; DROP TRIGGER streams_no_delete;",
        )
        .unwrap();
        raw
    }

    /// A file holding `ledger_of(4)` (9 events) in three batches, after noise in another
    /// stream, then `edit` applied with the triggers dropped.
    fn tampered_db(name: &str, edit: &str) -> TempDb {
        let db = TempDb::new(name);
        let full = ledger_of(4);
        let events = full.events();
        let mut store = db.open();
        store
            .append(&StreamId::new("noise").unwrap(), 0, &events[..1])
            .unwrap();
        for (from, to) in [(0_usize, 2), (2, 6), (6, 9)] {
            store
                .append(&ledger(), from as u64, &events[from..to])
                .unwrap();
        }
        assert_eq!(HourLedger::load_from(&mut store, &ledger()).unwrap(), full);
        untriggered(&db).execute_batch(edit).unwrap();
        db
    }

    fn assert_tampered(db: &TempDb, seq: u64, detail: &str) {
        let expect = |r: Result<Vec<Recorded<LedgerEvent>>, StoreError>| match r {
            Err(StoreError::Tampered {
                stream,
                seq: s,
                detail: d,
            }) => {
                assert_eq!((stream, s), (ledger(), seq), "{d}");
                assert!(d.contains(detail), "{d}");
            }
            other => panic!("expected tampering at {seq}, got {other:?}"),
        };
        let mut store = db.open();
        expect(stream(&mut store, 0));
        expect(all(&mut store));
        match HourLedger::load_from(&mut store, &ledger()) {
            Err(Error::Store(StoreError::Tampered { seq: s, .. })) => assert_eq!(s, seq),
            other => panic!("expected tampering, got {other:?}"),
        }
        // Rows before the bad one still read: a reader can page up to the damage.
        let before: Vec<Recorded<LedgerEvent>> = store
            .read_stream(&ledger(), 0, usize::try_from(seq).unwrap())
            .unwrap();
        assert_eq!(before.len() as u64, seq);
    }

    #[test]
    fn an_edited_payload_is_reported_at_its_sequence() {
        let db = tampered_db(
            "edit",
            "UPDATE events SET payload = json_set(payload, '$.at', '2021-09-01T10:00:00+08:00')
             WHERE stream = 'ledger' AND seq = 4",
        );
        assert_tampered(&db, 4, "hash does not match");
    }

    #[test]
    fn a_deleted_row_is_reported_at_its_sequence() {
        let db = tampered_db(
            "delete",
            "DELETE FROM events WHERE stream = 'ledger' AND seq = 3",
        );
        assert_tampered(&db, 3, "sequence 3 is missing");
    }

    #[test]
    fn a_deleted_last_row_is_reported() {
        let db = tampered_db(
            "delete-last",
            "DELETE FROM events WHERE stream = 'ledger' AND seq = 8",
        );
        assert_tampered(&db, 8, "sequence 8 is missing");
    }

    #[test]
    fn swapped_rows_are_reported_at_the_first() {
        let db = tampered_db(
            "swap",
            "UPDATE events SET seq = 1000 WHERE stream = 'ledger' AND seq = 5;
             UPDATE events SET seq = 5 WHERE stream = 'ledger' AND seq = 6;
             UPDATE events SET seq = 6 WHERE stream = 'ledger' AND seq = 1000;",
        );
        assert_tampered(&db, 5, "hash does not match");
    }

    #[test]
    fn rows_moved_in_the_global_log_are_reported() {
        // Positions 5 and 6 hold ledger sequences 4 and 5: swap their positions.
        let db = tampered_db(
            "move",
            "UPDATE events SET position = 1000 WHERE position = 5;
             UPDATE events SET position = 5 WHERE position = 6;
             UPDATE events SET position = 6 WHERE position = 1000;",
        );
        let mut store = db.open();
        match all(&mut store) {
            Err(StoreError::Tampered {
                stream,
                seq,
                detail,
            }) => {
                assert_eq!((stream, seq), (ledger(), 5));
                assert_eq!(
                    detail,
                    "sequence 5 is at global position 5, before sequence 4 at 6"
                );
            }
            other => panic!("{other:?}"),
        }
        // The stream itself is intact.
        assert_eq!(stream(&mut store, 0).unwrap().len(), 9);
    }

    #[test]
    fn an_undecodable_row_with_a_valid_chain_is_a_decode_error() {
        let db = TempDb::new("decode");
        let mut store = db.open();
        let events = ledger_of(1).events().to_vec();
        store.append(&ledger(), 0, &events[..1]).unwrap();
        let prev = store.conn.query_row(
            "SELECT head FROM streams WHERE stream = 'ledger'",
            [],
            |r| r.get::<_, Vec<u8>>(0),
        );
        let prev = EntryHash::from_bytes(prev.unwrap().try_into().unwrap());
        let payload = r#"{"version":1,"type":"record_submitted"}"#;
        let hash = chain_hash(
            prev,
            &ledger(),
            1,
            "record_submitted",
            1,
            payload.as_bytes(),
        );
        untriggered(&db)
            .execute(
                "INSERT INTO events (position, stream, seq, type, version, payload, hash)
                 VALUES (1, 'ledger', 1, 'record_submitted', 1, ?1, ?2);",
                params![payload, hash.as_bytes().as_slice()],
            )
            .unwrap();
        db.raw()
            .execute(
                "UPDATE streams SET next_seq = 2, head = ?1",
                [hash.as_bytes().as_slice()],
            )
            .unwrap();
        match stream(&mut store, 0) {
            Err(StoreError::Decode { position, detail }) => {
                assert_eq!(position, 1);
                assert!(detail.contains("missing field"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            all(&mut store),
            Err(StoreError::Decode { position: 1, .. })
        ));
    }

    #[test]
    fn an_inserted_row_beyond_the_recorded_length_is_reported() {
        let db = tampered_db(
            "insert",
            "INSERT INTO events (position, stream, seq, type, version, payload, hash)
             SELECT 10, stream, 9, type, version, payload, hash FROM events
             WHERE stream = 'ledger' AND seq = 8",
        );
        let mut store = db.open();
        for r in [
            stream(&mut store, 0),
            all(&mut store),
            stream(&mut store, 9),
            stream(&mut store, 12),
        ] {
            match r {
                Err(StoreError::Tampered { seq: 9, detail, .. }) => {
                    assert!(detail.contains("beyond"), "{detail}");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn refuses_a_newer_schema_and_changes_nothing() {
        let db = TempDb::new("schema");
        ledger_of(1).save_to(&mut db.open(), &ledger()).unwrap();
        for version in [2, 99, -1] {
            db.raw()
                .pragma_update(None, "user_version", version)
                .unwrap();
            assert_eq!(
                SqliteEventStore::open(&db.0).map(|_| ()),
                Err(StoreError::Schema {
                    found: version,
                    supported: SQLITE_SCHEMA_VERSION
                })
            );
            let found: i64 = db
                .raw()
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(found, version);
        }
        assert_eq!(
            StoreError::Schema {
                found: 2,
                supported: 1
            }
            .to_string(),
            "schema version 2 is not supported (this crate knows versions up to 1)"
        );
        db.raw().pragma_update(None, "user_version", 1).unwrap();
        assert_eq!(
            HourLedger::load_from(&mut db.open(), &ledger()).unwrap(),
            ledger_of(1)
        );
    }

    #[test]
    fn a_foreign_database_is_refused_untouched() {
        let db = TempDb::new("foreign");
        db.raw()
            .execute_batch("CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT);")
            .unwrap();
        assert!(matches!(
            SqliteEventStore::open(&db.0),
            Err(StoreError::Backend {
                operation: "migrate schema",
                ..
            })
        ));
        let version: i64 = db
            .raw()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 0);
        let tables: i64 = db
            .raw()
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn reopening_a_file_keeps_everything_and_continues_the_chain() {
        let db = TempDb::new("reopen");
        let full = ledger_of(3);
        let prefix = HourLedger::replay(&full.events()[..4]).unwrap();
        prefix.save_to(&mut db.open(), &ledger()).unwrap();
        let mut again = db.open();
        assert_eq!(
            HourLedger::load_from(&mut again, &ledger()).unwrap(),
            prefix
        );
        full.save_to(&mut again, &ledger()).unwrap();
        drop(again);
        let mut third = db.open();
        let loaded = HourLedger::load_from(&mut third, &ledger()).unwrap();
        assert_eq!(loaded, full);
        assert_eq!(loaded.head(), full.head());
        assert!(full.save_to(&mut third, &ledger()).unwrap().seqs.is_empty());
    }

    #[cfg(feature = "proptest")]
    mod properties {
        use proptest::prelude::*;

        use super::*;
        use crate::LedgerEntry;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            /// Random ledger histories saved in random batches, interleaved with another
            /// stream, load back from SQLite equal to what the memory store gives: the same
            /// ledger, totals and head, and the same global log.
            #[test]
            fn random_histories_load_back_as_from_memory(
                full in crate::strategies::hour_ledger(12),
                cuts in proptest::collection::vec(0_usize..40, 0..6),
                page in 1_usize..7,
            ) {
                let events = full.events();
                let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(events.len())).collect();
                cuts.push(events.len());
                cuts.sort_unstable();
                let noise = StreamId::new("noise").unwrap();
                let mut sql = SqliteEventStore::open_in_memory().unwrap();
                let mut mem = MemoryEventStore::new();
                let mut at = 0;
                for c in cuts {
                    let batch = &events[at..c];
                    prop_assert_eq!(
                        sql.append(&ledger(), at as u64, batch),
                        mem.append(&ledger(), at as u64, batch)
                    );
                    let n = EventStore::<LedgerEvent>::stream_len(&mut sql, &noise).unwrap();
                    prop_assert_eq!(
                        sql.append(&noise, n, &events[..1]),
                        mem.append(&noise, n, &events[..1])
                    );
                    at = c;
                }
                let from_sql = HourLedger::load_from(&mut sql, &ledger()).unwrap();
                let from_mem = HourLedger::load_from(&mut mem, &ledger()).unwrap();
                prop_assert_eq!(&from_sql, &full);
                prop_assert_eq!(&from_sql, &from_mem);
                prop_assert_eq!(from_sql.head(), full.head());
                prop_assert_eq!(from_sql.totals().all(), full.totals().all());
                prop_assert_eq!(
                    from_sql.totals().group_by(LedgerEntry::volunteer),
                    full.totals().group_by(LedgerEntry::volunteer)
                );
                let mut paged = Vec::new();
                loop {
                    let p = sql.read_all(paged.len() as u64, page).unwrap();
                    if p.is_empty() { break; }
                    paged.extend(p);
                }
                prop_assert_eq!(paged, mem.read_all(0, usize::MAX).unwrap());
            }
        }
    }
}
