//! Event-store benchmarks (issue 5): SQLite append throughput, batched and one event per
//! commit (WAL, `synchronous = FULL`, a file in the temp dir), and rebuilding an
//! [`HourLedger`] from a stored stream.
//!
//! Run: `cargo bench --features sqlite --bench store`. Sizes, in stored events, come from the
//! environment so that `cargo bench --all-features -- --test` stays fast:
//! - `VS_BENCH_APPEND` events appended per iteration in batches of 1,000 (default 2,000);
//! - `VS_BENCH_SINGLE` events appended per iteration, one transaction each (default 50);
//! - `VS_BENCH_REPLAY` events in the stream that is read back and replayed (default 2,000;
//!   `1000000` for the figure in BENCHMARKS.md).
//!
//! Events are a real ledger history (`common/ledger_history.rs`, shared with
//! `store_postgres`): one appointment, then records of 1,000 volunteers, each submitted and
//! confirmed (two events, one ledger entry per record).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use volunteer_service::{EventStore, HourLedger, LedgerEvent, SqliteEventStore, StreamId};

#[path = "common/ledger_history.rs"]
mod history;
use history::{history, read_to_end, size};

/// A database path in the temp dir, removed with its WAL files when dropped.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> Self {
        let db = Self(
            std::env::temp_dir().join(format!("vs-bench-store-{}-{name}.db", std::process::id())),
        );
        db.remove();
        db
    }
    fn remove(&self) {
        remove(&self.0);
    }
    /// A fresh, empty store at this path.
    fn fresh(&self) -> SqliteEventStore {
        self.remove();
        SqliteEventStore::open(&self.0).expect("open")
    }
}

fn remove(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

fn append_all(store: &mut SqliteEventStore, events: &[LedgerEvent], batch: usize) {
    let stream = StreamId::ledger();
    let mut at = 0;
    for chunk in events.chunks(batch) {
        store.append(&stream, at, chunk).expect("appended");
        at += u64::try_from(chunk.len()).expect("fits");
    }
}

fn append(c: &mut Criterion) {
    let mut group = c.benchmark_group("sqlite");
    group.sample_size(10);
    for (name, var, default, batch) in [
        ("append_batched_1000", "VS_BENCH_APPEND", 2_000, 1_000),
        ("append_one_per_commit", "VS_BENCH_SINGLE", 50, 1),
    ] {
        let n = size(var, default);
        let events = history(n);
        let db = TempDb::new(name);
        group.throughput(Throughput::Elements(u64::try_from(n).expect("fits")));
        group.bench_function(format!("{name}_{n}_events"), |b| {
            b.iter_batched(
                || db.fresh(),
                |mut store| {
                    append_all(&mut store, &events, batch);
                    store
                },
                BatchSize::PerIteration,
            );
        });
    }
    group.finish();
}

fn replay(c: &mut Criterion) {
    let n = size("VS_BENCH_REPLAY", 2_000);
    let events = history(n);
    let expected = HourLedger::replay(&events).expect("a real history").head();
    let db = TempDb::new("replay");
    let mut store = db.fresh();
    append_all(&mut store, &events, 10_000);
    drop(events);
    let stream = StreamId::ledger();
    let mut group = c.benchmark_group("sqlite");
    group.sample_size(10);
    group.throughput(Throughput::Elements(u64::try_from(n).expect("fits")));
    group.bench_function(format!("read_verify_{n}_events"), |b| {
        b.iter(|| black_box(read_to_end(&mut store, &stream)));
    });
    group.bench_function(format!("load_ledger_{n}_events"), |b| {
        b.iter(|| {
            let ledger = HourLedger::load_from(&mut store, &stream).expect("loads");
            assert_eq!(ledger.head(), expected);
            ledger
        });
    });
    group.finish();
}

criterion_group!(benches, append, replay);
criterion_main!(benches);
