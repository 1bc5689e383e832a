//! [`PostgresEventStore`]: an [`EventStore`] in a PostgreSQL database (feature `postgres`).

use core::fmt;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use postgres::{Client, IsolationLevel, NoTls, Row, Statement};
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    Appended, EntryHash, EventStore, Recorded, StoreError, StoredEvent, StreamId, chain_hash,
};

/// The newest schema version this crate creates and understands.
///
/// # Example
/// ```
/// assert_eq!(volunteer_service::POSTGRES_SCHEMA_VERSION, 1);
/// ```
pub const POSTGRES_SCHEMA_VERSION: i64 = 1;

/// Migration `n` (1-based) brings the schema from version `n - 1` to `n`. `{s}` stands for
/// the quoted schema name.
const MIGRATIONS: [&str; 1] = [r"
CREATE TABLE {s}.vs_log (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    next_position bigint NOT NULL CHECK (next_position >= 0)
);
INSERT INTO {s}.vs_log (next_position) VALUES (0);

CREATE TABLE {s}.vs_streams (
    stream text PRIMARY KEY CHECK (octet_length(stream) BETWEEN 1 AND 200),
    next_seq bigint NOT NULL CHECK (next_seq > 0),
    head bytea NOT NULL CHECK (octet_length(head) = 32)
);

CREATE TABLE {s}.vs_events (
    position bigint PRIMARY KEY CHECK (position >= 0),
    stream text NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 0),
    type text NOT NULL,
    version integer NOT NULL CHECK (version BETWEEN 0 AND 65535),
    payload text NOT NULL,
    hash bytea NOT NULL CHECK (octet_length(hash) = 32),
    idempotency_key text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream, seq)
);
CREATE UNIQUE INDEX vs_events_idempotency_key ON {s}.vs_events (stream, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE FUNCTION {s}.vs_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'volunteer-service event store: % on % rejected (the log is append-only)',
        TG_OP, TG_TABLE_NAME;
END
$$;

CREATE FUNCTION {s}.vs_stream_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.stream = OLD.stream AND NEW.next_seq > OLD.next_seq THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'volunteer-service event store: % on % rejected (heads only move forward)',
        TG_OP, TG_TABLE_NAME;
END
$$;

CREATE FUNCTION {s}.vs_log_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.next_position >= OLD.next_position THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'volunteer-service event store: % on % rejected (heads only move forward)',
        TG_OP, TG_TABLE_NAME;
END
$$;

CREATE TRIGGER vs_events_append_only BEFORE UPDATE OR DELETE ON {s}.vs_events
    FOR EACH ROW EXECUTE FUNCTION {s}.vs_reject_change();
CREATE TRIGGER vs_events_no_truncate BEFORE TRUNCATE ON {s}.vs_events
    FOR EACH STATEMENT EXECUTE FUNCTION {s}.vs_reject_change();
CREATE TRIGGER vs_streams_forward_only BEFORE UPDATE OR DELETE ON {s}.vs_streams
    FOR EACH ROW EXECUTE FUNCTION {s}.vs_stream_forward();
CREATE TRIGGER vs_streams_no_truncate BEFORE TRUNCATE ON {s}.vs_streams
    FOR EACH STATEMENT EXECUTE FUNCTION {s}.vs_reject_change();
CREATE TRIGGER vs_log_forward_only BEFORE UPDATE OR DELETE ON {s}.vs_log
    FOR EACH ROW EXECUTE FUNCTION {s}.vs_log_forward();
CREATE TRIGGER vs_log_no_truncate BEFORE TRUNCATE ON {s}.vs_log
    FOR EACH STATEMENT EXECUTE FUNCTION {s}.vs_reject_change();
"];

/// The longest error detail taken from a decoder, in characters.
const MAX_DETAIL: usize = 200;

/// The statements a store runs, prepared once on its connection.
struct Statements {
    lock_log: Statement,
    log_head: Statement,
    stream_head: Statement,
    held_keys: Statement,
    insert: Statement,
    upsert_stream: Statement,
    set_log: Statement,
    read_stream: Statement,
    read_all: Statement,
    prev_hashes: Statement,
    stream_heads: Statement,
}

/// An [`EventStore`] in a PostgreSQL database: the store for platforms that outgrow one
/// machine (feature `postgres`, the synchronous `postgres` client).
///
/// Events are stored as JSON text in the tables described below. Opening a store creates
/// the tables, or migrates older ones, in one transaction; a schema newer than this crate is
/// refused. Every append is one transaction; every read checks the hash chain
/// ([`chain_hash`]).
///
/// Appends queue on one row lock, so throughput is one commit at a time (each with the
/// server's `fsync`, as `synchronous_commit` configures): batch events when you can.
///
/// # Tables
/// All in the connection's current schema (the first existing schema on its `search_path`,
/// fixed when the store is opened), so several stores can share a database:
///
/// - `vs_events (position, stream, seq, type, version, payload, hash, idempotency_key,
///   created_at)`: the log. `position` is the global position (primary key), `(stream, seq)`
///   is unique, and so is `(stream, idempotency_key)` where the event has a key
///   ([`StoredEvent::idempotency_key`]); `payload` is
///   the event's JSON as text — stored and hashed byte for byte, which `jsonb` would not allow
///   since it normalises JSON — and `hash` is [`chain_hash`] of the row over the previous row
///   of the stream. Triggers reject `UPDATE`, `DELETE` and `TRUNCATE`.
/// - `vs_streams (stream, next_seq, head)`: each stream's next sequence and last hash.
///   Triggers reject `DELETE`, `TRUNCATE` and any update that does not move a head forward.
/// - `vs_log (next_position)`: one row, the log's next global position; only moves forward.
/// - `vs_schema (version)`: one row, the schema version ([`POSTGRES_SCHEMA_VERSION`]).
///
/// # Concurrency
/// An append runs in one `READ COMMITTED` transaction whose first statement locks the single
/// `vs_log` row (`SELECT … FOR UPDATE`). That row lock queues appenders — across all streams
/// and all connections — so each one sees every earlier append committed before it checks the
/// expected sequence and takes positions; positions are therefore gap-free and follow commit
/// order, which a reader following the global log relies on. Readers never wait for it.
/// A sequence or identity column would not do: its values are taken outside transactions, so
/// a rolled-back append leaves a gap and a slow one commits a lower position after a higher
/// one. `SERIALIZABLE` with retries would not either: every append moves the same counter, so
/// concurrent appends always conflict and would retry instead of queueing.
///
/// # Tamper evidence
/// Reads run in one `REPEATABLE READ` snapshot and check every row against the chain and the
/// stream's head: an edited row fails its hash, a deleted row leaves a missing sequence (or,
/// at a stream's end, a stream shorter than its head), an inserted row sits beyond the head.
/// Each is reported as [`StoreError::Tampered`] with the first bad sequence. A rewrite that
/// recomputes every later hash *and* the head is not detectable from inside the database;
/// anchor [`HourLedger::head`](crate::HourLedger::head) elsewhere for that.
///
/// # Example
/// ```no_run
/// use volunteer_service::{doc_fixtures, HourLedger, PostgresEventStore, StreamId};
/// let mut store = PostgresEventStore::connect(
///     "host=127.0.0.1 port=54329 user=volunteer_service dbname=volunteer_service",
/// )?;
/// let ledger = doc_fixtures::certified_ledger().0;
/// ledger.save_to(&mut store, &StreamId::ledger())?;
/// let back = HourLedger::load_from(&mut store, &StreamId::ledger())?;
/// assert_eq!(back.head(), ledger.head());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub struct PostgresEventStore {
    client: Client,
    schema: String,
    sql: Statements,
}

impl fmt::Debug for PostgresEventStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresEventStore")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} {}: {}", db.severity(), db.code().code(), db.message());
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

fn backend(operation: &'static str) -> impl FnOnce(postgres::Error) -> StoreError {
    move |e| StoreError::Backend {
        operation,
        message: describe(&e),
    }
}

/// A `u64` as a PostgreSQL `bigint`, saturating (no stored value comes near it).
fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored `bigint` as a `u64` (the columns' checks keep them non-negative).
fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn bounded(detail: &str) -> String {
    detail.chars().take(MAX_DETAIL).collect()
}

/// One row of `vs_events`, as read.
struct StoredRow {
    position: i64,
    stream: String,
    seq: i64,
    event_type: String,
    version: i32,
    payload: String,
    hash: Vec<u8>,
}

impl StoredRow {
    /// Reads the columns `position, stream, seq, type, version, payload, hash`.
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let read = backend("read: decode row");
        let get = || -> Result<Self, postgres::Error> {
            Ok(Self {
                position: row.try_get(0)?,
                stream: row.try_get(1)?,
                seq: row.try_get(2)?,
                event_type: row.try_get(3)?,
                version: row.try_get(4)?,
                payload: row.try_get(5)?,
                hash: row.try_get(6)?,
            })
        };
        get().map_err(read)
    }

    fn stored_hash(&self) -> Option<EntryHash> {
        <[u8; 32]>::try_from(self.hash.as_slice())
            .ok()
            .map(EntryHash::from_bytes)
    }
}

fn hash_of(bytes: &[u8]) -> Option<EntryHash> {
    <[u8; 32]>::try_from(bytes).ok().map(EntryHash::from_bytes)
}

/// A stream's head as `vs_streams` holds it.
#[derive(Clone, Copy)]
struct Head {
    next_seq: i64,
    hash: EntryHash,
}

impl Head {
    const EMPTY: Self = Self {
        next_seq: 0,
        hash: EntryHash::GENESIS,
    };
}

/// A page of the global log and what checking it needs.
struct Page {
    next_position: i64,
    rows: Vec<StoredRow>,
    /// For each stream on the page, the row before its first row there.
    prevs: Vec<StoredRow>,
    heads: HashMap<String, Head>,
}

/// Checks one stream's rows in sequence order against the chain and the head.
struct ChainCheck<'a> {
    stream: &'a StreamId,
    head: Head,
    /// The sequence the next row must have.
    expect: i64,
    /// The hash of the row before it.
    prev: EntryHash,
}

impl<'a> ChainCheck<'a> {
    fn tampered(&self, seq: i64, detail: String) -> StoreError {
        StoreError::Tampered {
            stream: self.stream.clone(),
            seq: to_u64(seq),
            detail,
        }
    }

    fn missing(&self, seq: i64) -> StoreError {
        self.tampered(
            seq,
            format!(
                "the row is missing (the stream's head says it holds {} events)",
                self.head.next_seq
            ),
        )
    }

    fn beyond(&self, seq: i64) -> StoreError {
        self.tampered(
            seq,
            format!(
                "the row lies beyond the stream's head (which says it holds {} events)",
                self.head.next_seq
            ),
        )
    }

    /// Starts at sequence `from`, whose previous row (if any) is `prev_row`.
    fn start(
        stream: &'a StreamId,
        head: Head,
        from: i64,
        prev_row: Option<&StoredRow>,
    ) -> Result<Self, StoreError> {
        let mut check = Self {
            stream,
            head,
            expect: from,
            prev: EntryHash::GENESIS,
        };
        if from == 0 {
            return Ok(check);
        }
        let before = from - 1;
        match prev_row {
            Some(row) if row.seq == before => {
                if before >= head.next_seq {
                    return Err(check.beyond(before));
                }
                check.prev = row.stored_hash().ok_or_else(|| {
                    check.tampered(before, "the stored hash is not 32 bytes".to_owned())
                })?;
            }
            _ if before < head.next_seq => return Err(check.missing(before)),
            // Reading past the end: only rows beyond the head could follow.
            _ => {}
        }
        Ok(check)
    }

    /// Checks the next row and returns its hash.
    fn next(&mut self, row: &StoredRow) -> Result<(), StoreError> {
        if row.seq != self.expect {
            return Err(if self.expect < self.head.next_seq {
                self.missing(self.expect)
            } else {
                self.beyond(row.seq)
            });
        }
        if row.seq >= self.head.next_seq {
            return Err(self.beyond(row.seq));
        }
        let version = u16::try_from(row.version).map_err(|_| {
            self.tampered(
                row.seq,
                format!("the stored version {} is out of range", row.version),
            )
        })?;
        let hash = chain_hash(
            self.prev,
            self.stream,
            to_u64(row.seq),
            &row.event_type,
            version,
            row.payload.as_bytes(),
        );
        if Some(hash) != row.stored_hash() {
            return Err(self.tampered(
                row.seq,
                "the row does not match its hash (edited, or a row before it was)".to_owned(),
            ));
        }
        self.prev = hash;
        self.expect += 1;
        Ok(())
    }

    /// At the stream's end, the last hash must be the head's.
    fn check_head(&self) -> Result<(), StoreError> {
        if self.expect == self.head.next_seq && self.expect > 0 && self.prev != self.head.hash {
            return Err(self.tampered(
                self.head.next_seq - 1,
                "the last row does not match the stream's head".to_owned(),
            ));
        }
        Ok(())
    }
}

/// The hashes of a batch appended after `prev` from sequence `expected` on.
fn chain<E: StoredEvent>(
    mut prev: EntryHash,
    stream: &StreamId,
    expected: u64,
    events: &[E],
    payloads: &[String],
) -> Vec<EntryHash> {
    let mut hashes = Vec::with_capacity(events.len());
    for ((event, payload), seq) in events.iter().zip(payloads).zip(expected..) {
        prev = chain_hash(
            prev,
            stream,
            seq,
            event.event_type(),
            event.event_version(),
            payload.as_bytes(),
        );
        hashes.push(prev);
    }
    hashes
}

fn decode<E: StoredEvent + DeserializeOwned>(row: &StoredRow) -> Result<E, StoreError> {
    let position = to_u64(row.position);
    let event: E = serde_json::from_str(&row.payload).map_err(|e| StoreError::Decode {
        position,
        detail: bounded(&e.to_string()),
    })?;
    if event.event_type() != row.event_type || i32::from(event.event_version()) != row.version {
        return Err(StoreError::Decode {
            position,
            detail: format!(
                "stored as type {} version {} but the payload is type {} version {}",
                bounded(&row.event_type),
                row.version,
                event.event_type(),
                event.event_version()
            ),
        });
    }
    Ok(event)
}

impl PostgresEventStore {
    /// Connects (without TLS) with a libpq-style connection string such as
    /// `host=127.0.0.1 port=5432 user=volunteer dbname=volunteer`, then [`open`](Self::open)s
    /// the store. For TLS, connect a [`postgres::Client`] with a TLS connector yourself and
    /// call `open`.
    ///
    /// # Errors
    /// [`StoreError::Backend`] if the connection fails; as [`open`](Self::open).
    ///
    /// # Example
    /// ```no_run
    /// use volunteer_service::{EventStore, LedgerEvent, PostgresEventStore, StreamId};
    /// let mut store = PostgresEventStore::connect(
    ///     "host=127.0.0.1 port=54329 user=volunteer_service dbname=volunteer_service \
    ///      options=-csearch_path=platform",
    /// )?;
    /// assert_eq!(store.schema(), "platform");
    /// let n = EventStore::<LedgerEvent>::stream_len(&mut store, &StreamId::ledger())?;
    /// assert!(n < u64::MAX);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn connect(params: &str) -> Result<Self, StoreError> {
        let client = Client::connect(params, NoTls).map_err(backend("connect"))?;
        Self::open(client)
    }

    /// Opens the store in `client`'s current schema: creates the tables, or applies the
    /// migrations the schema lacks, in one transaction (serialised with other processes
    /// opening the same schema by an advisory lock).
    ///
    /// # Errors
    /// [`StoreError::Schema`] if the schema's version is newer than
    /// [`POSTGRES_SCHEMA_VERSION`] (nothing is changed); [`StoreError::Backend`] if the
    /// `search_path` names no existing schema, a migration fails (for example because
    /// tables of the same names, not this crate's, already exist), or the database fails.
    ///
    /// # Example
    /// ```no_run
    /// use volunteer_service::PostgresEventStore;
    /// let mut client = postgres::Client::connect(
    ///     "host=127.0.0.1 port=54329 user=volunteer_service dbname=volunteer_service",
    ///     postgres::NoTls,
    /// ).map_err(|e| volunteer_service::StoreError::Backend { operation: "connect", message: e.to_string() })?;
    /// client.batch_execute("CREATE SCHEMA IF NOT EXISTS nanjing; SET search_path TO nanjing")
    ///     .map_err(|e| volunteer_service::StoreError::Backend { operation: "setup", message: e.to_string() })?;
    /// let store = PostgresEventStore::open(client)?;
    /// assert_eq!(store.schema(), "nanjing");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn open(mut client: Client) -> Result<Self, StoreError> {
        let schema = Self::migrate(&mut client)?;
        let s = quote_ident(&schema);
        let q = |sql: &str| sql.replace("{s}", &s);
        let mut prepare = |sql: &str| client.prepare(&q(sql)).map_err(backend("open: prepare"));
        let sql = Statements {
            lock_log: prepare("SELECT next_position FROM {s}.vs_log FOR UPDATE")?,
            log_head: prepare("SELECT next_position FROM {s}.vs_log")?,
            stream_head: prepare("SELECT next_seq, head FROM {s}.vs_streams WHERE stream = $1")?,
            held_keys: prepare(
                "SELECT idempotency_key, seq FROM {s}.vs_events \
                 WHERE stream = $1 AND idempotency_key = ANY($2)",
            )?,
            insert: prepare(
                "INSERT INTO {s}.vs_events \
                 (position, stream, seq, type, version, payload, hash, idempotency_key) \
                 SELECT p, $1, q, t, v, d, h, k \
                 FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::text[], \
                 $7::bytea[], $8::text[]) AS u(p, q, t, v, d, h, k)",
            )?,
            upsert_stream: prepare(
                "INSERT INTO {s}.vs_streams (stream, next_seq, head) VALUES ($1, $2, $3) \
                 ON CONFLICT (stream) DO UPDATE SET next_seq = EXCLUDED.next_seq, \
                 head = EXCLUDED.head",
            )?,
            set_log: prepare("UPDATE {s}.vs_log SET next_position = $1")?,
            read_stream: prepare(
                "SELECT position, stream, seq, type, version, payload, hash FROM {s}.vs_events \
                 WHERE stream = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
            )?,
            read_all: prepare(
                "SELECT position, stream, seq, type, version, payload, hash FROM {s}.vs_events \
                 WHERE position >= $1 ORDER BY position LIMIT $2",
            )?,
            prev_hashes: prepare(
                "SELECT e.position, e.stream, e.seq, e.type, e.version, e.payload, e.hash \
                 FROM {s}.vs_events e \
                 JOIN unnest($1::text[], $2::bigint[]) AS w(stream, seq) \
                 ON e.stream = w.stream AND e.seq = w.seq",
            )?,
            stream_heads: prepare(
                "SELECT stream, next_seq, head FROM {s}.vs_streams WHERE stream = ANY($1)",
            )?,
        };
        Ok(Self {
            client,
            schema,
            sql,
        })
    }

    /// Creates or migrates the tables; returns the schema's name.
    fn migrate(client: &mut Client) -> Result<String, StoreError> {
        let mut tx = client.transaction().map_err(backend("open: begin"))?;
        let schema: Option<String> = tx
            .query_one("SELECT current_schema()", &[])
            .and_then(|r| r.try_get(0))
            .map_err(backend("open: current schema"))?;
        let Some(schema) = schema else {
            return Err(StoreError::Backend {
                operation: "open",
                message: "no schema to keep the event store in: the search_path names no \
                          existing schema"
                    .to_owned(),
            });
        };
        // Two processes opening the same schema at once: one migrates, the other waits.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('volunteer-service/event-store'), \
             hashtext(current_schema()))",
            &[],
        )
        .map_err(backend("open: lock"))?;
        let exists: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables \
                 WHERE schemaname = current_schema() AND tablename = 'vs_schema')",
                &[],
            )
            .and_then(|r| r.try_get(0))
            .map_err(backend("open: read schema version"))?;
        let s = quote_ident(&schema);
        let found: i64 = if exists {
            tx.query_one(&format!("SELECT version FROM {s}.vs_schema"), &[])
                .and_then(|r| r.try_get(0))
                .map_err(backend("open: read schema version"))?
        } else {
            tx.batch_execute(&format!(
                "CREATE TABLE {s}.vs_schema (\
                 singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), \
                 version bigint NOT NULL); \
                 INSERT INTO {s}.vs_schema (version) VALUES (0)"
            ))
            .map_err(backend("open: create schema table"))?;
            0
        };
        if !(0..=POSTGRES_SCHEMA_VERSION).contains(&found) {
            return Err(StoreError::Schema {
                found,
                supported: POSTGRES_SCHEMA_VERSION,
            });
        }
        for (version, sql) in (1..).zip(MIGRATIONS) {
            if version <= found {
                continue;
            }
            tx.batch_execute(&sql.replace("{s}", &s))
                .map_err(backend("open: migrate"))?;
            tx.execute(
                &format!("UPDATE {s}.vs_schema SET version = $1"),
                &[&version],
            )
            .map_err(backend("open: migrate"))?;
        }
        tx.commit().map_err(backend("open: commit"))?;
        Ok(schema)
    }

    /// The schema the store's tables live in.
    ///
    /// # Example
    /// See [`PostgresEventStore::connect`].
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Gives the connection back.
    ///
    /// # Example
    /// ```no_run
    /// use volunteer_service::PostgresEventStore;
    /// let store = PostgresEventStore::connect(
    ///     "host=127.0.0.1 port=54329 user=volunteer_service dbname=volunteer_service",
    /// )?;
    /// let mut client = store.into_client();
    /// assert!(client.is_valid(std::time::Duration::from_secs(1)).is_ok());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn into_client(self) -> Client {
        self.client
    }

    fn heads(
        tx: &mut postgres::Transaction<'_>,
        sql: &Statement,
        streams: &[&str],
    ) -> Result<HashMap<String, Head>, StoreError> {
        let mut heads = HashMap::new();
        for row in tx
            .query(sql, &[&streams])
            .map_err(backend("read: stream heads"))?
        {
            let stream: String = row.try_get(0).map_err(backend("read: stream heads"))?;
            let next_seq: i64 = row.try_get(1).map_err(backend("read: stream heads"))?;
            let hash: Vec<u8> = row.try_get(2).map_err(backend("read: stream heads"))?;
            heads.insert(
                stream,
                Head {
                    next_seq,
                    // A malformed head matches no row, so the stream's end reports it.
                    hash: hash_of(&hash).unwrap_or(EntryHash::GENESIS),
                },
            );
        }
        Ok(heads)
    }

    /// Reads a page of the global log in one snapshot, with what checking it needs: the log's
    /// head, the row before each stream's first row on the page, and those streams' heads.
    fn fetch_page(&mut self, from: i64, limit: i64) -> Result<Page, StoreError> {
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(backend("read_all: begin"))?;
        let next_position: i64 = tx
            .query_one(&self.sql.log_head, &[])
            .and_then(|r| r.try_get(0))
            .map_err(backend("read_all: log head"))?;
        let rows = tx
            .query(&self.sql.read_all, &[&from, &limit])
            .map_err(backend("read_all"))?
            .iter()
            .map(StoredRow::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let mut firsts: HashMap<&str, i64> = HashMap::new();
        for row in &rows {
            firsts.entry(row.stream.as_str()).or_insert(row.seq);
        }
        let (names, befores): (Vec<&str>, Vec<i64>) = firsts
            .iter()
            .filter(|&(_, &seq)| seq > 0)
            .map(|(&stream, &seq)| (stream, seq - 1))
            .unzip();
        let prevs = tx
            .query(&self.sql.prev_hashes, &[&names, &befores])
            .map_err(backend("read_all: previous rows"))?
            .iter()
            .map(StoredRow::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let all_names: Vec<&str> = firsts.keys().copied().collect();
        let heads = Self::heads(&mut tx, &self.sql.stream_heads, &all_names)?;
        tx.commit().map_err(backend("read_all: commit"))?;
        Ok(Page {
            next_position,
            rows,
            prevs,
            heads,
        })
    }

    /// The first event of the batch whose idempotency key the stream already holds, or an
    /// earlier event of the batch carries: the error to return, as the memory store does.
    fn duplicate_key<E: StoredEvent>(
        tx: &mut postgres::Transaction<'_>,
        sql: &Statement,
        stream: &StreamId,
        expected: u64,
        events: &[E],
        keys: &[Option<String>],
    ) -> Result<Option<StoreError>, StoreError> {
        let wanted: Vec<&str> = keys.iter().flatten().map(String::as_str).collect();
        if wanted.is_empty() {
            return Ok(None);
        }
        let mut held: HashMap<String, u64> = HashMap::new();
        for row in tx
            .query(sql, &[&stream.as_str(), &wanted])
            .map_err(backend("append: read idempotency keys"))?
        {
            let key: String = row.try_get(0).map_err(backend("append: read keys"))?;
            let seq: i64 = row.try_get(1).map_err(backend("append: read keys"))?;
            held.insert(key, to_u64(seq));
        }
        let mut batch: HashMap<&str, u64> = HashMap::new();
        for ((event, text), seq) in events.iter().zip(keys).zip(expected..) {
            let (Some(key), Some(text)) = (event.idempotency_key(), text) else {
                continue;
            };
            let earlier = held.get(text).or_else(|| batch.get(text.as_str()));
            if let Some(&earlier) = earlier {
                return Ok(Some(StoreError::DuplicateKey {
                    stream: stream.clone(),
                    key,
                    seq: earlier,
                }));
            }
            batch.insert(text, seq);
        }
        Ok(None)
    }

    /// A stream's head, read for an append.
    fn head(
        tx: &mut postgres::Transaction<'_>,
        sql: &Statement,
        stream: &StreamId,
    ) -> Result<Head, StoreError> {
        let Some(row) = tx
            .query_opt(sql, &[&stream.as_str()])
            .map_err(backend("append: read stream head"))?
        else {
            return Ok(Head::EMPTY);
        };
        let next_seq: i64 = row.try_get(0).map_err(backend("append: read head"))?;
        let hash: Vec<u8> = row.try_get(1).map_err(backend("append: read head"))?;
        let hash = hash_of(&hash).ok_or_else(|| StoreError::Tampered {
            stream: stream.clone(),
            seq: to_u64(next_seq - 1),
            detail: "the stream's head hash is not 32 bytes".to_owned(),
        })?;
        Ok(Head { next_seq, hash })
    }

    /// Names the first missing row when the global log has a gap at `position`.
    fn locate_gap(&mut self, position: i64, near: Option<&StoredRow>) -> StoreError {
        let s = quote_ident(&self.schema);
        let found = self.client.query_opt(
            &format!(
                "WITH ranked AS (\
                   SELECT stream, seq, \
                   row_number() OVER (PARTITION BY stream ORDER BY seq) - 1 AS want \
                   FROM {s}.vs_events), \
                 gaps AS (\
                   SELECT stream, min(want) AS seq FROM ranked WHERE seq <> want \
                   GROUP BY stream \
                   UNION ALL \
                   SELECT h.stream, coalesce(c.n, 0) FROM {s}.vs_streams h \
                   LEFT JOIN (SELECT stream, count(*) AS n FROM {s}.vs_events GROUP BY stream) c \
                   ON c.stream = h.stream WHERE coalesce(c.n, 0) < h.next_seq) \
                 SELECT stream, min(seq) FROM gaps GROUP BY stream ORDER BY 2, 1 LIMIT 1"
            ),
            &[],
        );
        let detail = format!("global position {position} is missing");
        if let Ok(Some(row)) = found {
            let stream: Result<String, _> = row.try_get(0);
            let seq: Result<i64, _> = row.try_get(1);
            if let (Ok(stream), Ok(seq)) = (stream, seq)
                && let Ok(stream) = StreamId::new(&stream)
            {
                return StoreError::Tampered {
                    stream,
                    seq: to_u64(seq),
                    detail: format!("the row is missing ({detail})"),
                };
            }
        }
        match near.map(|r| (StreamId::new(&r.stream), r.seq)) {
            Some((Ok(stream), seq)) => StoreError::Tampered {
                stream,
                seq: to_u64(seq),
                detail: format!(
                    "{detail} before this row, and no stream shows the gap (its head was \
                     rewritten too)"
                ),
            },
            _ => StoreError::Backend {
                operation: "read_all",
                message: format!(
                    "the log is tampered: {detail}, and no stream shows the gap (its head was \
                     rewritten too)"
                ),
            },
        }
    }
}

/// Quotes an identifier for SQL.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl<E: StoredEvent + Serialize + DeserializeOwned> EventStore<E> for PostgresEventStore {
    fn append(
        &mut self,
        stream: &StreamId,
        expected: u64,
        events: &[E],
    ) -> Result<Appended, StoreError> {
        // Serialise before the transaction: the lock is held only for the writes.
        let payloads = events
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Backend {
                operation: "append: serialise event",
                message: bounded(&e.to_string()),
            })?;
        // READ COMMITTED whatever the server's default: each statement sees the appends
        // committed before it, so the row lock queues appenders instead of failing them.
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .map_err(backend("append: begin"))?;
        // Queue behind every other appender (see the module docs).
        let first_position: i64 = tx
            .query_one(&self.sql.lock_log, &[])
            .and_then(|r| r.try_get(0))
            .map_err(backend("append: lock log"))?;
        let head = Self::head(&mut tx, &self.sql.stream_head, stream)?;
        let actual = to_u64(head.next_seq);
        if actual != expected {
            tx.rollback().map_err(backend("append: rollback"))?;
            return Err(StoreError::Conflict {
                stream: stream.clone(),
                expected,
                actual,
            });
        }
        if events.is_empty() {
            tx.rollback().map_err(backend("append: rollback"))?;
            return Ok(Appended {
                seqs: expected..expected,
                first_position: to_u64(first_position),
            });
        }
        let keys: Vec<Option<String>> = events
            .iter()
            .map(|e| e.idempotency_key().map(|k| k.to_string()))
            .collect();
        if let Some(err) = Self::duplicate_key(
            &mut tx,
            &self.sql.held_keys,
            stream,
            expected,
            events,
            &keys,
        )? {
            tx.rollback().map_err(backend("append: rollback"))?;
            return Err(err);
        }
        let n = i64::try_from(events.len()).unwrap_or(i64::MAX);
        let positions: Vec<i64> = (first_position..).take(events.len()).collect();
        let seqs: Vec<i64> = (head.next_seq..).take(events.len()).collect();
        let types: Vec<&str> = events.iter().map(StoredEvent::event_type).collect();
        let versions: Vec<i32> = events
            .iter()
            .map(|e| i32::from(e.event_version()))
            .collect();
        let chained = chain(head.hash, stream, expected, events, &payloads);
        let prev = chained.last().copied().unwrap_or(head.hash);
        let hashes: Vec<&[u8]> = chained.iter().map(|h| h.as_bytes().as_slice()).collect();
        tx.execute(
            &self.sql.insert,
            &[
                &stream.as_str(),
                &positions,
                &seqs,
                &types,
                &versions,
                &payloads,
                &hashes,
                &keys,
            ],
        )
        .map_err(backend("append: insert events"))?;
        tx.execute(
            &self.sql.upsert_stream,
            &[
                &stream.as_str(),
                &(head.next_seq + n),
                &prev.as_bytes().as_slice(),
            ],
        )
        .map_err(backend("append: move stream head"))?;
        tx.execute(&self.sql.set_log, &[&(first_position + n)])
            .map_err(backend("append: move log head"))?;
        tx.commit().map_err(backend("append: commit"))?;
        Ok(Appended {
            seqs: expected..expected + to_u64(n),
            first_position: to_u64(first_position),
        })
    }

    fn stream_len(&mut self, stream: &StreamId) -> Result<u64, StoreError> {
        let row = self
            .client
            .query_opt(&self.sql.stream_head, &[&stream.as_str()])
            .map_err(backend("stream_len"))?;
        match row {
            Some(row) => Ok(to_u64(row.try_get(0).map_err(backend("stream_len"))?)),
            None => Ok(0),
        }
    }

    fn read_stream(
        &mut self,
        stream: &StreamId,
        from: u64,
        max: usize,
    ) -> Result<Vec<Recorded<E>>, StoreError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let from = to_i64(from);
        // From the row before `from`, whose hash the first row chains to.
        let start = (from - 1).max(0);
        let limit = i64::try_from(max)
            .unwrap_or(i64::MAX)
            .saturating_add(from - start);
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(backend("read_stream: begin"))?;
        let heads = Self::heads(&mut tx, &self.sql.stream_heads, &[stream.as_str()])?;
        let rows = tx
            .query(&self.sql.read_stream, &[&stream.as_str(), &start, &limit])
            .map_err(backend("read_stream"))?;
        tx.commit().map_err(backend("read_stream: commit"))?;
        let head = heads.get(stream.as_str()).copied().unwrap_or(Head::EMPTY);

        let rows = rows
            .iter()
            .map(StoredRow::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let (prev_row, rows) = match rows.split_first() {
            Some((first, rest)) if from > 0 && first.seq == start => (Some(first), rest),
            _ => (None, rows.as_slice()),
        };
        let mut check = ChainCheck::start(stream, head, from, prev_row)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            check.next(row)?;
            out.push(Recorded {
                position: to_u64(row.position),
                stream: stream.clone(),
                seq: to_u64(row.seq),
                event: decode(row)?,
            });
        }
        let wanted = usize::try_from((head.next_seq - from).max(0))
            .unwrap_or(usize::MAX)
            .min(max);
        if out.len() < wanted {
            return Err(check.missing(check.expect));
        }
        check.check_head()?;
        Ok(out)
    }

    fn read_all(&mut self, from: u64, max: usize) -> Result<Vec<Recorded<E>>, StoreError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let from = to_i64(from);
        let page = self.fetch_page(from, i64::try_from(max).unwrap_or(i64::MAX))?;
        let streams = page
            .rows
            .iter()
            .map(|r| {
                StreamId::new(&r.stream)
                    .map(|s| (r.stream.clone(), s))
                    .map_err(|e| StoreError::Decode {
                        position: to_u64(r.position),
                        detail: e.to_string(),
                    })
            })
            .collect::<Result<HashMap<_, _>, _>>()?;
        let prevs: HashMap<&str, &StoredRow> =
            page.prevs.iter().map(|r| (r.stream.as_str(), r)).collect();
        let mut checks: HashMap<&str, ChainCheck<'_>> = HashMap::new();
        let mut out = Vec::with_capacity(page.rows.len());
        let mut expect = from;
        for row in &page.rows {
            let name = row.stream.as_str();
            let stream = streams.get(name).ok_or_else(|| StoreError::Decode {
                position: to_u64(row.position),
                detail: "the row's stream was not read".to_owned(),
            })?;
            if row.position != expect || row.position >= page.next_position {
                if expect < page.next_position {
                    return Err(self.locate_gap(expect, Some(row)));
                }
                return Err(StoreError::Tampered {
                    stream: stream.clone(),
                    seq: to_u64(row.seq),
                    detail: format!(
                        "the row's global position {} lies beyond the log's head ({})",
                        row.position, page.next_position
                    ),
                });
            }
            let check = match checks.entry(name) {
                Entry::Occupied(o) => o.into_mut(),
                Entry::Vacant(v) => {
                    let head = page.heads.get(name).copied().unwrap_or(Head::EMPTY);
                    let prev = prevs.get(name).copied();
                    v.insert(ChainCheck::start(stream, head, row.seq, prev)?)
                }
            };
            check.next(row)?;
            check.check_head()?;
            out.push(Recorded {
                position: to_u64(row.position),
                stream: stream.clone(),
                seq: to_u64(row.seq),
                event: decode(row)?,
            });
            expect += 1;
        }
        let wanted = usize::try_from((page.next_position - from).max(0))
            .unwrap_or(usize::MAX)
            .min(max);
        if out.len() < wanted {
            return Err(self.locate_gap(expect, page.rows.last()));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    //! These tests need a PostgreSQL server: `VOLUNTEER_SERVICE_PG` (a connection string), or
    //! the one `bash .ci/postgres` starts ([`DEFAULT_SERVER`]). Without one they pass with a
    //! "skipped" line on stderr — except under `CI`, where they fail. Each test works in its
    //! own schema, dropped and recreated at its start.

    use std::io::Write as _;
    use std::sync::{Arc, Barrier};

    use proptest::prelude::*;

    use super::*;
    use crate::{HourLedger, LedgerEvent, MemoryEventStore, doc_fixtures};

    /// The server `.ci/postgres` starts.
    const DEFAULT_SERVER: &str =
        "host=127.0.0.1 port=54329 user=volunteer_service dbname=volunteer_service";

    /// A small event that says who wrote it.
    #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
    struct Ev {
        writer: u32,
        round: u32,
        n: u32,
    }

    impl StoredEvent for Ev {
        fn event_type(&self) -> &'static str {
            "ev"
        }
        fn event_version(&self) -> u16 {
            1
        }
    }

    fn evs(writer: u32, round: u32, count: u32) -> Vec<Ev> {
        (0..count).map(|n| Ev { writer, round, n }).collect()
    }

    fn sid(s: &str) -> StreamId {
        StreamId::new(s).unwrap()
    }

    /// A schema of its own on the test server.
    struct Db {
        params: String,
        schema: String,
    }

    impl Db {
        /// Drops and recreates the schema `vs_test_<name>`; `None` (after saying so) when no
        /// server can be reached outside CI.
        fn fresh(name: &str) -> Option<Self> {
            let params = std::env::var("VOLUNTEER_SERVICE_PG")
                .ok()
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
            let mut admin = match Client::connect(&format!("{params} connect_timeout=10"), NoTls) {
                Ok(c) => c,
                Err(e) => {
                    let e = describe(&e);
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "{name}: no PostgreSQL server at {params:?} ({e}); under CI the \
                         PostgreSQL tests must run: .ci/run starts one with .ci/postgres"
                    );
                    let _ = writeln!(
                        std::io::stderr(),
                        "skipped PostgreSQL test {name}: no PostgreSQL server (set VOLUNTEER_SERVICE_PG to a \
                         connection string, or run `bash .ci/postgres`; tried {params:?}: {e})"
                    );
                    return None;
                }
            };
            let schema = format!("vs_test_{name}");
            admin
                .batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
                ))
                .unwrap();
            Some(Self { params, schema })
        }

        fn client(&self) -> Client {
            self.client_with("")
        }

        /// A connection with more server settings, as `-cname=value` options.
        fn client_with(&self, settings: &str) -> Client {
            Client::connect(
                &format!(
                    "{} options='-csearch_path={} {settings}'",
                    self.params, self.schema
                ),
                NoTls,
            )
            .unwrap()
        }

        fn store(&self) -> PostgresEventStore {
            PostgresEventStore::open(self.client()).unwrap()
        }

        /// Runs raw SQL in the schema, bypassing the store.
        fn sql(&self, sql: &str) -> Result<(), String> {
            self.client().batch_execute(sql).map_err(|e| describe(&e))
        }

        /// Runs raw SQL with the log's triggers disabled: what an attacker with the owner's
        /// rights can do.
        fn tamper(&self, sql: &str) {
            self.sql(&format!(
                "BEGIN; ALTER TABLE vs_events DISABLE TRIGGER USER; \
                 ALTER TABLE vs_streams DISABLE TRIGGER USER; {sql}; \
                 ALTER TABLE vs_events ENABLE TRIGGER USER; \
                 ALTER TABLE vs_streams ENABLE TRIGGER USER; COMMIT"
            ))
            .unwrap();
        }

        fn rows(&self) -> Vec<(i64, String, i64, String)> {
            self.client()
                .query(
                    "SELECT position, stream, seq, payload FROM vs_events ORDER BY position",
                    &[],
                )
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
                .collect()
        }
    }

    fn all<E: StoredEvent + Serialize + DeserializeOwned>(
        store: &mut PostgresEventStore,
    ) -> Result<Vec<Recorded<E>>, StoreError> {
        store.read_all(0, usize::MAX)
    }

    #[test]
    fn open_creates_the_schema_once_and_keeps_the_events() {
        let Some(db) = Db::fresh("open") else { return };
        let mut store = db.store();
        assert_eq!(store.schema(), "vs_test_open");
        assert!(format!("{store:?}").contains("vs_test_open"));
        store.append(&sid("a"), 0, &evs(0, 0, 3)).unwrap();
        // A second store on the same schema (another process, a restart) sees the events.
        let mut again = PostgresEventStore::open(db.client()).unwrap();
        assert_eq!(EventStore::<Ev>::stream_len(&mut again, &sid("a")), Ok(3));
        let version: i64 = db
            .client()
            .query_one("SELECT version FROM vs_schema", &[])
            .unwrap()
            .get(0);
        assert_eq!(version, POSTGRES_SCHEMA_VERSION);
    }

    #[test]
    fn open_refuses_a_newer_schema_and_changes_nothing() {
        let Some(db) = Db::fresh("newer") else { return };
        db.store().append(&sid("a"), 0, &evs(0, 0, 2)).unwrap();
        db.sql("UPDATE vs_schema SET version = 2").unwrap();
        let err = PostgresEventStore::open(db.client()).unwrap_err();
        assert_eq!(
            err,
            StoreError::Schema {
                found: 2,
                supported: POSTGRES_SCHEMA_VERSION
            }
        );
        assert_eq!(
            err.to_string(),
            "schema version 2 is not supported (this crate knows versions up to 1)"
        );
        assert_eq!(db.rows().len(), 2);
    }

    #[test]
    fn open_needs_an_existing_schema() {
        let Some(db) = Db::fresh("noschema") else {
            return;
        };
        let client = Client::connect(
            &format!("{} options=-csearch_path=vs_test_does_not_exist", db.params),
            NoTls,
        )
        .unwrap();
        let err = PostgresEventStore::open(client).unwrap_err();
        assert!(
            matches!(&err, StoreError::Backend { operation: "open", message } if message.contains("search_path")),
            "{err}"
        );
    }

    #[test]
    fn conflicts_write_nothing() {
        let Some(db) = Db::fresh("conflict") else {
            return;
        };
        let mut store = db.store();
        store.append(&sid("a"), 0, &evs(0, 0, 2)).unwrap();
        let before = db.rows();
        for expected in [0, 1, 3, u64::MAX] {
            assert_eq!(
                store.append(&sid("a"), expected, &evs(1, 0, 2)),
                Err(StoreError::Conflict {
                    stream: sid("a"),
                    expected,
                    actual: 2
                })
            );
        }
        assert_eq!(
            store.append(&sid("new"), 1, &evs(1, 0, 1)),
            Err(StoreError::Conflict {
                stream: sid("new"),
                expected: 1,
                actual: 0
            })
        );
        assert_eq!(db.rows(), before);
        // The log head did not move either: the next append takes position 2.
        let a = store.append(&sid("b"), 0, &evs(2, 0, 1)).unwrap();
        assert_eq!(a.first_position, 2);
    }

    #[test]
    fn positions_are_gap_free_across_streams_and_pages() {
        let Some(db) = Db::fresh("gapfree") else {
            return;
        };
        let mut store = db.store();
        store.append(&sid("a"), 0, &evs(0, 0, 1)).unwrap();
        let b = store.append(&sid("b"), 0, &evs(0, 1, 2)).unwrap();
        assert_eq!((b.seqs, b.first_position), (0..2, 1));
        store.append(&sid("a"), 1, &evs(0, 2, 1)).unwrap();
        let empty = store.append(&sid("b"), 2, &[] as &[Ev]).unwrap();
        assert_eq!((empty.seqs, empty.first_position), (2..2, 4));
        let log: Vec<Recorded<Ev>> = all(&mut store).unwrap();
        assert_eq!(
            log.iter().map(|r| r.position).collect::<Vec<_>>(),
            vec![0, 1, 2, 3]
        );
        let a: Vec<Recorded<Ev>> = store.read_stream(&sid("a"), 0, usize::MAX).unwrap();
        assert_eq!(
            a.iter().map(|r| (r.seq, r.position)).collect::<Vec<_>>(),
            vec![(0, 0), (1, 3)]
        );
        // Pages of every size give back the same log.
        for page in 1..5 {
            let mut paged: Vec<Recorded<Ev>> = Vec::new();
            loop {
                let p = store.read_all(paged.len() as u64, page).unwrap();
                if p.is_empty() {
                    break;
                }
                paged.extend(p);
            }
            assert_eq!(paged, log);
        }
    }

    #[test]
    fn every_window_reads_as_in_the_memory_store() {
        let Some(db) = Db::fresh("windows") else {
            return;
        };
        let mut pg = db.store();
        let mut mem = MemoryEventStore::new();
        for (round, (stream, count)) in [("a", 3), ("b", 2), ("a", 1), ("c", 4), ("a", 2)]
            .into_iter()
            .enumerate()
        {
            let s = sid(stream);
            let n = mem.stream_len(&s).unwrap();
            let events = evs(0, u32::try_from(round).unwrap(), count);
            assert_eq!(pg.append(&s, n, &events), mem.append(&s, n, &events));
        }
        for s in ["a", "b", "c", "none"] {
            for from in 0..9 {
                for max in 0..9 {
                    assert_eq!(
                        pg.read_stream(&sid(s), from, max),
                        mem.read_stream(&sid(s), from, max),
                        "{s} from {from} max {max}"
                    );
                }
            }
        }
        for from in 0..14 {
            for max in [0, 1, 2, 3, 5, 13, 14, usize::MAX] {
                assert_eq!(
                    pg.read_all(from, max),
                    mem.read_all(from, max),
                    "from {from} max {max}"
                );
            }
        }
        assert_eq!(
            pg.read_stream(&sid("a"), u64::MAX, usize::MAX),
            mem.read_stream(&sid("a"), u64::MAX, usize::MAX)
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Append {
            stream: usize,
            expected: Option<u64>,
            count: u32,
        },
        ReadStream {
            stream: usize,
            from: u64,
            max: usize,
        },
        ReadAll {
            from: u64,
            max: usize,
        },
        Len {
            stream: usize,
        },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0_usize..3, proptest::option::of(0_u64..6), 0_u32..4)
                .prop_map(|(stream, expected, count)| Op::Append { stream, expected, count }),
            1 => (0_usize..3, 0_u64..8, 0_usize..5)
                .prop_map(|(stream, from, max)| Op::ReadStream { stream, from, max }),
            1 => (0_u64..16, 0_usize..7).prop_map(|(from, max)| Op::ReadAll { from, max }),
            1 => (0_usize..3).prop_map(|stream| Op::Len { stream }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// Any sequence of appends (right or wrong expected sequence) and reads gives the
        /// same results, errors included, as the in-memory reference store.
        #[test]
        fn behaves_as_the_memory_store(ops in proptest::collection::vec(op(), 1..30)) {
            let Some(db) = Db::fresh("model") else { return Ok(()) };
            let mut pg = db.store();
            let mut mem = MemoryEventStore::<Ev>::new();
            let streams = [sid("a"), sid("b/c"), sid("d")];
            for (i, op) in ops.into_iter().enumerate() {
                let i = u32::try_from(i).unwrap();
                match op {
                    Op::Append { stream, expected, count } => {
                        let s = &streams[stream];
                        let expected = match expected {
                            Some(e) => e,
                            None => mem.stream_len(s).unwrap(),
                        };
                        let events = evs(i, 0, count);
                        prop_assert_eq!(
                            pg.append(s, expected, &events),
                            mem.append(s, expected, &events)
                        );
                    }
                    Op::ReadStream { stream, from, max } => {
                        let s = &streams[stream];
                        prop_assert_eq!(pg.read_stream(s, from, max), mem.read_stream(s, from, max));
                    }
                    Op::ReadAll { from, max } => {
                        prop_assert_eq!(pg.read_all(from, max), mem.read_all(from, max));
                    }
                    Op::Len { stream } => {
                        let s = &streams[stream];
                        prop_assert_eq!(
                            EventStore::<Ev>::stream_len(&mut pg, s),
                            mem.stream_len(s)
                        );
                    }
                }
            }
            prop_assert_eq!(all::<Ev>(&mut pg), mem.read_all(0, usize::MAX));
        }
    }

    /// A ledger of `records` confirmed one-day records.
    fn big_ledger(records: u64) -> HourLedger {
        let mut l = doc_fixtures::ledger();
        let t = doc_fixtures::at("2021-07-20T09:00:00+08:00");
        doc_fixtures::confirm_records(&mut l, records, 9, t);
        l
    }

    #[test]
    fn a_ledger_loads_back_equal_with_the_same_head_and_totals() {
        let Some(db) = Db::fresh("ledger") else {
            return;
        };
        let mut store = db.store();
        let full = big_ledger(60);
        let events = full.events();
        // Saved in two steps, with another stream interleaved.
        let prefix = HourLedger::replay(&events[..7]).unwrap();
        prefix.save_to(&mut store, &StreamId::ledger()).unwrap();
        let other = doc_fixtures::certified_ledger().0;
        other.save_to(&mut store, &sid("ledger/other")).unwrap();
        full.save_to(&mut store, &StreamId::ledger()).unwrap();
        assert!(
            full.save_to(&mut store, &StreamId::ledger())
                .unwrap()
                .seqs
                .is_empty()
        );

        // Read back through a new connection, as another process would.
        let mut reader = db.store();
        let back = HourLedger::load_from(&mut reader, &StreamId::ledger()).unwrap();
        assert_eq!(back, full);
        assert_eq!(back.head(), full.head());
        assert_eq!(back.totals().all(), full.totals().all());
        assert_eq!(
            back.totals().volunteer(doc_fixtures::volunteer_id()),
            full.totals().volunteer(doc_fixtures::volunteer_id())
        );
        // And the same as the in-memory store gives.
        let mut mem = MemoryEventStore::new();
        full.save_to(&mut mem, &StreamId::ledger()).unwrap();
        assert_eq!(
            HourLedger::load_from(&mut mem, &StreamId::ledger()).unwrap(),
            back
        );
        assert_eq!(
            HourLedger::load_from(&mut reader, &sid("ledger/other")).unwrap(),
            other
        );
        // A different history is refused and nothing is written.
        let before = db.rows().len();
        assert!(matches!(
            other.save_to(&mut store, &StreamId::ledger()),
            Err(StoreError::Diverged { .. })
        ));
        assert_eq!(db.rows().len(), before);
    }

    #[test]
    fn an_idempotency_key_is_stored_once_per_stream() {
        // [grant, appoint, submit, confirm (keyed), submit, confirm (keyed)]: K is the first
        // keyed event.
        const K: usize = 3;
        let Some(db) = Db::fresh("keys") else { return };
        let mut pg = db.store();
        let mut mem = MemoryEventStore::new();
        let e = doc_fixtures::certified_ledger().0.events().to_vec();
        assert!(e[K - 1].idempotency_key().is_none());
        let key = e[K].idempotency_key().unwrap();
        let (ledger, other) = (StreamId::ledger(), sid("other"));
        let dup = |stream: &StreamId, seq| {
            Err(StoreError::DuplicateKey {
                stream: stream.clone(),
                key,
                seq,
            })
        };
        for (stream, expected, batch, want) in [
            (&ledger, 0, e[..=K].to_vec(), None),
            // The key is already at sequence K.
            (
                &ledger,
                K as u64 + 1,
                vec![e[K + 1].clone(), e[K].clone()],
                Some(dup(&ledger, K as u64)),
            ),
            // Twice in one batch: the first one's sequence.
            (
                &other,
                0,
                vec![e[K].clone(), e[K].clone()],
                Some(dup(&other, 0)),
            ),
            // Another stream may hold it once.
            (&other, 0, vec![e[K].clone()], None),
            (&other, 1, vec![e[K].clone()], Some(dup(&other, 0))),
            (&ledger, K as u64 + 1, e[K + 1..].to_vec(), None),
        ] {
            let got = pg.append(stream, expected, &batch);
            assert_eq!(got, mem.append(stream, expected, &batch));
            if let Some(want) = want {
                assert_eq!(got, want);
            }
        }
        assert_eq!(all::<LedgerEvent>(&mut pg), mem.read_all(0, usize::MAX));
        assert_eq!(db.rows().len(), e.len() + 1);
        assert_eq!(
            dup(&other, 0).unwrap_err().to_string(),
            format!(
                "stream other: idempotency key {key} is already used by the event at sequence 0"
            )
        );
    }

    #[test]
    fn triggers_reject_update_delete_and_truncate() {
        let Some(db) = Db::fresh("triggers") else {
            return;
        };
        let mut store = db.store();
        store.append(&sid("a"), 0, &evs(0, 0, 3)).unwrap();
        let before = db.rows();
        for sql in [
            "UPDATE vs_events SET payload = '{}' WHERE seq = 1",
            "UPDATE vs_events SET seq = seq + 10",
            "DELETE FROM vs_events WHERE seq = 2",
            "DELETE FROM vs_events",
            "TRUNCATE vs_events",
            "DELETE FROM vs_streams",
            "UPDATE vs_streams SET next_seq = 1",
            "TRUNCATE vs_streams",
            "UPDATE vs_log SET next_position = 0",
            "DELETE FROM vs_log",
        ] {
            let err = db.sql(sql).unwrap_err();
            assert!(err.contains("rejected"), "{sql}: {err}");
        }
        assert_eq!(db.rows(), before);
        let events: Vec<Recorded<Ev>> = all(&mut store).unwrap();
        assert_eq!(events.len(), 3);
    }

    /// A store holding stream `a` (6 events) interleaved with stream `b` (3 events).
    fn tamper_fixture(name: &str) -> Option<(Db, PostgresEventStore)> {
        let db = Db::fresh(name)?;
        let mut store = db.store();
        for round in 0..3 {
            store
                .append(&sid("a"), u64::from(round) * 2, &evs(0, round, 2))
                .unwrap();
            store
                .append(&sid("b"), u64::from(round), &evs(1, round, 1))
                .unwrap();
        }
        Some((db, store))
    }

    /// A [`tamper_fixture`] with `sql` run behind the triggers' back ([`Db::tamper`]).
    fn tampered_fixture(name: &str, sql: &str) -> Option<(Db, PostgresEventStore)> {
        let (db, store) = tamper_fixture(name)?;
        db.tamper(sql);
        Some((db, store))
    }

    fn tampered_at(result: Result<Vec<Recorded<Ev>>, StoreError>) -> (String, u64) {
        match result {
            Err(StoreError::Tampered { stream, seq, .. }) => (stream.to_string(), seq),
            other => panic!("expected Tampered, got {other:?}"),
        }
    }

    /// Asserts that reading `stream` in each `(from, max)` window, and reading the global log,
    /// all report tampering at sequence `seq` of `stream`.
    fn assert_tampered_at(
        store: &mut PostgresEventStore,
        stream: &str,
        seq: u64,
        windows: &[(u64, usize)],
    ) {
        let at = (stream.to_owned(), seq);
        for &(from, max) in windows {
            let read = store.read_stream(&sid(stream), from, max);
            assert_eq!(tampered_at(read), at, "from {from} max {max}");
        }
        assert_eq!(tampered_at(all(store)), at);
    }

    #[test]
    fn an_edited_payload_is_found_at_its_sequence() {
        // Same JSON value, one byte more: only the hash can tell.
        let Some((_db, mut store)) = tampered_fixture(
            "edited",
            "UPDATE vs_events SET payload = payload || ' ' WHERE stream = 'a' AND seq = 3",
        ) else {
            return;
        };
        assert_tampered_at(&mut store, "a", 3, &[(0, usize::MAX), (2, 5)]);
        // Rows before the edit still read.
        assert_eq!(
            EventStore::<Ev>::read_stream(&mut store, &sid("a"), 0, 3).map(|r| r.len()),
            Ok(3)
        );
        assert_eq!(
            EventStore::<Ev>::read_stream(&mut store, &sid("b"), 0, 9).map(|r| r.len()),
            Ok(3)
        );
        let err = EventStore::<Ev>::read_stream(&mut store, &sid("a"), 0, 9).unwrap_err();
        assert_eq!(
            err.to_string(),
            "stream a: tampered at sequence 3: the row does not match its hash (edited, or a \
             row before it was)"
        );
    }

    #[test]
    fn an_edited_payload_with_a_recomputed_hash_is_found_at_the_head() {
        let Some((db, mut store)) = tamper_fixture("rehashed") else {
            return;
        };
        // Rewrite the last row of `a` completely, hash included, as someone who knows the
        // chain would: the head still gives it away.
        let rows: Vec<Recorded<Ev>> = store.read_stream(&sid("a"), 4, 1).unwrap();
        let prev: Vec<u8> = db
            .client()
            .query_one(
                "SELECT hash FROM vs_events WHERE stream = 'a' AND seq = 4",
                &[],
            )
            .unwrap()
            .get(0);
        let forged = r#"{"writer":9,"round":9,"n":9}"#;
        let hash = chain_hash(
            hash_of(&prev).unwrap(),
            &sid("a"),
            5,
            "ev",
            1,
            forged.as_bytes(),
        );
        let hex = hash.to_string();
        db.tamper(&format!(
            "UPDATE vs_events SET payload = '{forged}', hash = '\\x{hex}' \
             WHERE stream = 'a' AND seq = 5"
        ));
        assert_eq!(rows.len(), 1);
        assert_tampered_at(&mut store, "a", 5, &[(0, usize::MAX)]);
    }

    #[test]
    fn a_deleted_row_is_found_at_its_sequence() {
        let Some((_db, mut store)) = tampered_fixture(
            "deleted",
            "DELETE FROM vs_events WHERE stream = 'a' AND seq = 2",
        ) else {
            return;
        };
        assert_tampered_at(&mut store, "a", 2, &[(0, usize::MAX), (3, 2)]);
        // The global log's page before the gap still reads.
        assert_eq!(
            EventStore::<Ev>::read_all(&mut store, 0, 3).map(|r| r.len()),
            Ok(3)
        );
    }

    #[test]
    fn a_deleted_last_row_is_found() {
        let Some((db, mut store)) = tampered_fixture(
            "deletedlast",
            "DELETE FROM vs_events WHERE stream = 'b' AND seq = 2",
        ) else {
            return;
        };
        assert_tampered_at(&mut store, "b", 2, &[(0, usize::MAX)]);
        // Deleting the row and moving the stream's head back too: the log's head remains.
        db.tamper("UPDATE vs_streams SET next_seq = 2, head = (SELECT hash FROM vs_events WHERE stream = 'b' AND seq = 1) WHERE stream = 'b'");
        assert_eq!(
            EventStore::<Ev>::read_stream(&mut store, &sid("b"), 0, 9).map(|r| r.len()),
            Ok(2)
        );
        let err = all::<Ev>(&mut store).unwrap_err();
        assert!(
            matches!(&err, StoreError::Tampered { detail, .. } if detail.contains("global position 8 is missing")),
            "{err:?}"
        );
    }

    #[test]
    fn an_inserted_row_is_found() {
        let Some((_db, mut store)) = tampered_fixture(
            "inserted",
            "INSERT INTO vs_events (position, stream, seq, type, version, payload, hash) \
             SELECT 9, 'b', 3, type, version, payload, hash FROM vs_events \
             WHERE stream = 'b' AND seq = 2",
        ) else {
            return;
        };
        assert_tampered_at(&mut store, "b", 3, &[(0, usize::MAX)]);
    }

    /// Writers on their own connections race to append to one stream from the same expected
    /// sequence, round after round: exactly one wins each round, and the log holds exactly
    /// the acknowledged batches, at the positions they were acknowledged with, gap-free.
    #[test]
    fn racing_writers_never_both_win_a_sequence() {
        const WRITERS: u32 = 4;
        const ROUNDS: u32 = 40;
        let Some(db) = Db::fresh("race") else { return };
        drop(db.store());
        let db = Arc::new(db);
        let barrier = Arc::new(Barrier::new(WRITERS as usize));
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                let db = Arc::clone(&db);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let mut store = db.store();
                    let race = sid("race");
                    let mut results = Vec::new();
                    for round in 0..ROUNDS {
                        // Everyone reads the same length (the previous round is over) ...
                        barrier.wait();
                        let expected = EventStore::<Ev>::stream_len(&mut store, &race).unwrap();
                        barrier.wait();
                        // ... then appends from it at once; batches of 1 to 3 events.
                        let batch = evs(w, round, 1 + (w + round) % 3);
                        let r = store.append(&race, expected, &batch);
                        // A private stream too, so positions interleave across streams.
                        let own = sid(&format!("own/{w}"));
                        let n = EventStore::<Ev>::stream_len(&mut store, &own).unwrap();
                        let o = store.append(&own, n, &evs(w, round, 1)).unwrap();
                        results.push((round, expected, batch, r, o));
                    }
                    results
                })
            })
            .collect();
        let results: Vec<_> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();

        let mut store = db.store();
        let log: Vec<Recorded<Ev>> = all(&mut store).unwrap();
        let mut acknowledged = 0;
        for round in 0..ROUNDS {
            let this: Vec<_> = results.iter().filter(|r| r.0 == round).collect();
            let wins: Vec<_> = this.iter().filter(|r| r.3.is_ok()).collect();
            assert_eq!(wins.len(), 1, "round {round}: {} winners", wins.len());
            let (_, expected, batch, won, _) = wins[0];
            let won = won.as_ref().unwrap();
            for (_, e, _, r, _) in &this {
                assert_eq!(e, expected, "round {round}: writers started from one state");
                if let Err(err) = r {
                    assert_eq!(
                        err,
                        &StoreError::Conflict {
                            stream: sid("race"),
                            expected: *expected,
                            actual: expected + batch.len() as u64
                        }
                    );
                }
            }
            // The acknowledged batch is in the log, where the ack said.
            assert_eq!(won.seqs.clone().count(), batch.len());
            for (k, event) in batch.iter().enumerate() {
                let r = &log[usize::try_from(won.first_position).unwrap() + k];
                assert_eq!(
                    (&r.stream, r.seq),
                    (&sid("race"), won.seqs.start + k as u64)
                );
                assert_eq!(&r.event, event);
            }
            acknowledged += batch.len();
        }
        for (round, _, _, _, own) in &results {
            let r = &log[usize::try_from(own.first_position).unwrap()];
            assert_eq!(r.event.round, *round);
            assert!(r.stream.as_str().starts_with("own/"));
        }
        // Nothing else: no lost, duplicated or unacknowledged entry; positions gap-free.
        assert_eq!(log.len(), acknowledged + results.len());
        assert!(log.iter().enumerate().all(|(i, r)| r.position == i as u64));
        assert_eq!(
            EventStore::<Ev>::stream_len(&mut store, &sid("race")),
            Ok(acknowledged as u64)
        );
    }

    /// Writers that retry on conflict until each has appended its share: every acknowledged
    /// event is in the log exactly once, in a gap-free log. Their connections default to
    /// `SERIALIZABLE`, which appends must not inherit (they would fail instead of queueing).
    #[test]
    fn retrying_writers_lose_and_duplicate_nothing() {
        const WRITERS: u32 = 3;
        const EACH: u32 = 30;
        let Some(db) = Db::fresh("retry") else { return };
        drop(db.store());
        let db = Arc::new(db);
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                let db = Arc::clone(&db);
                std::thread::spawn(move || {
                    let mut store = PostgresEventStore::open(
                        db.client_with("-cdefault_transaction_isolation=serializable"),
                    )
                    .unwrap();
                    let race = sid("race");
                    let mut acks = Vec::new();
                    let mut conflicts = 0;
                    for round in 0..EACH {
                        loop {
                            let n = EventStore::<Ev>::stream_len(&mut store, &race).unwrap();
                            match store.append(&race, n, &evs(w, round, 2)) {
                                Ok(a) => {
                                    acks.push((round, a));
                                    break;
                                }
                                Err(StoreError::Conflict { .. }) => conflicts += 1,
                                Err(e) => panic!("{e}"),
                            }
                        }
                    }
                    (w, acks, conflicts)
                })
            })
            .collect();
        let mut store = db.store();
        let mut total = 0;
        let mut acked = Vec::new();
        for h in handles {
            let (w, acks, _conflicts) = h.join().unwrap();
            total += acks.len() * 2;
            acked.extend(acks.into_iter().map(|(round, a)| (w, round, a)));
        }
        let log: Vec<Recorded<Ev>> = all(&mut store).unwrap();
        assert_eq!(log.len(), total);
        assert!(
            log.iter()
                .enumerate()
                .all(|(i, r)| r.position == i as u64 && r.seq == i as u64)
        );
        for (w, round, a) in acked {
            for k in 0..2_u32 {
                let r = &log[usize::try_from(a.first_position).unwrap() + k as usize];
                assert_eq!(
                    r.event,
                    Ev {
                        writer: w,
                        round,
                        n: k
                    }
                );
            }
        }
    }
}
