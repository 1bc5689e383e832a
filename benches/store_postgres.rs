//! `PostgresEventStore` benchmarks (issue 5): append throughput, batched and one event per
//! commit, and replaying a ledger of many entries from the store (every read checks the hash
//! chain and decodes JSON; the replay re-runs every ledger check).
//!
//! Needs a PostgreSQL server: `VOLUNTEER_SERVICE_PG` (a connection string), or the one
//! `bash .ci/postgres` starts. Without one it says so and measures nothing. It works in the
//! schema `vs_bench`, dropped and recreated at the start.
//!
//! The replay's size comes from `VOLUNTEER_SERVICE_BENCH_REPLAY` (ledger events; default
//! 10,000, so `cargo bench --all-features -- --test` stays fast). For the 1-million figure:
//! `VOLUNTEER_SERVICE_BENCH_REPLAY=1000000 cargo bench --all-features --bench store_postgres`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postgres::{Client, NoTls};
use volunteer_service::{EventStore, HourLedger, LedgerEvent, PostgresEventStore, StreamId};

#[path = "common/ledger_history.rs"]
mod history;
use history::{history, ledger, read_to_end, size};

/// The server `.ci/postgres` starts.
const DEFAULT_SERVER: &str =
    "host=127.0.0.1 port=54329 user=volunteer_service dbname=volunteer_service";
const SCHEMA: &str = "vs_bench";
/// Events per append in the batched benchmark.
const BATCH: usize = 1_000;
/// Events per append when saving the replay's ledger.
const SAVE_CHUNK: usize = 10_000;

/// The server's connection string, with the bench schema freshly created; `None` (after
/// saying so) if no server answers.
fn server() -> Option<String> {
    let params = std::env::var("VOLUNTEER_SERVICE_PG")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
    let mut admin = match Client::connect(&format!("{params} connect_timeout=10"), NoTls) {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "store_postgres: skipped: no PostgreSQL server (set VOLUNTEER_SERVICE_PG to a \
                 connection string, or run `bash .ci/postgres`; tried {params:?}: {e})"
            );
            return None;
        }
    };
    admin
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"
        ))
        .expect("bench schema");
    Some(format!("{params} options=-csearch_path={SCHEMA}"))
}

fn store_postgres(c: &mut Criterion) {
    let Some(params) = server() else { return };
    let mut store = PostgresEventStore::connect(&params).expect("store");
    // Payloads of realistic size: a ledger's submit and confirm events, cycled.
    let events: Vec<LedgerEvent> = history(BATCH + 1)[1..].to_vec();

    let mut group = c.benchmark_group("store_postgres");
    group.sample_size(10);

    let batched = StreamId::new("bench/batched").expect("stream");
    let mut next = 0;
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("append_batch_of_1000", |b| {
        b.iter(|| {
            let a = store.append(&batched, next, &events).expect("appended");
            next = a.seqs.end;
            black_box(a)
        });
    });

    let single = StreamId::new("bench/single").expect("stream");
    let mut next = 0;
    let mut i = 0;
    group.throughput(Throughput::Elements(1));
    group.bench_function("append_one_per_commit", |b| {
        b.iter(|| {
            let a = store
                .append(&single, next, &events[i % BATCH..=i % BATCH])
                .expect("appended");
            next = a.seqs.end;
            i += 1;
            black_box(a)
        });
    });

    let full = ledger(size("VOLUNTEER_SERVICE_BENCH_REPLAY", 10_000));
    let stream = StreamId::new("bench/replay").expect("stream");
    let started = std::time::Instant::now();
    for (k, chunk) in full.events().chunks(SAVE_CHUNK).enumerate() {
        store
            .append(&stream, (k * SAVE_CHUNK) as u64, chunk)
            .expect("saved");
    }
    let len = full.events().len() as u64;
    eprintln!(
        "store_postgres: saved {len} ledger events in appends of {SAVE_CHUNK} in {:.2?}",
        started.elapsed()
    );
    group.throughput(Throughput::Elements(len));
    group.bench_function(format!("replay_{len}_entries"), |b| {
        b.iter(|| {
            let back = HourLedger::load_from(&mut store, &stream).expect("loads");
            assert_eq!(back.head(), full.head());
            back
        });
    });
    group.bench_function(format!("read_stream_{len}_entries"), |b| {
        b.iter(|| black_box(read_to_end(&mut store, &stream)));
    });
    group.finish();
}

criterion_group!(benches, store_postgres);
criterion_main!(benches);
