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

use chrono::{DateTime, FixedOffset, TimeDelta};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postgres::{Client, NoTls};
use volunteer_service::{
    ActivityId, Actor, Append, EventStore, HourLedger, IdempotencyKey, LedgerEvent, Minutes, OrgId,
    PostgresEventStore, RecordId, ServiceRecord, StaffId, StreamId, TimeSpan, VolunteerId,
};

/// The server `.ci/postgres` starts.
const DEFAULT_SERVER: &str =
    "host=127.0.0.1 port=54329 user=volunteer_service dbname=volunteer_service";
const SCHEMA: &str = "vs_bench";
/// Events per append in the batched benchmark.
const BATCH: usize = 1_000;
/// Events per append when saving the replay's ledger.
const SAVE_CHUNK: usize = 10_000;

fn hour(h: i64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2021-07-21T00:00:00+08:00").expect("instant")
        + TimeDelta::hours(h)
}

/// A ledger of at least `events` events: a recorder appointment, then one-hour records of
/// 1,000 volunteers, each submitted and confirmed.
fn ledger(events: u64) -> HourLedger {
    let recorder = Actor::Staff(StaffId::from_parts(3, 0));
    let organiser = OrgId::from_parts(2, 0);
    let records = events.saturating_sub(1).div_ceil(2);
    let mut ledger = HourLedger::with_capacity(usize::try_from(2 * records).expect("fits"));
    let admin = Actor::Staff(StaffId::from_parts(3, 1));
    ledger
        .bootstrap_administrator(organiser, admin, hour(0))
        .expect("first administrator");
    ledger
        .appoint_recorder(admin, organiser, recorder, hour(0))
        .expect("appointed");
    for n in 0..records {
        let slot = i64::try_from(n / 1_000).expect("fits");
        let record = ServiceRecord::builder(
            RecordId::from_parts(4, n),
            VolunteerId::from_parts(1, n % 1_000),
            organiser,
            ActivityId::from_parts(5, 0),
        )
        .activity_name("核酸检测点服务")
        .place("禄口街道")
        .beneficiary("residents")
        .content("registration")
        .served(TimeSpan::new(hour(slot * 2), hour(slot * 2 + 1)).expect("span"))
        .duration(Minutes::new(60))
        .recorder(recorder)
        .build()
        .expect("record");
        let id = record.id();
        ledger.submit(recorder, record, hour(0)).expect("submitted");
        ledger
            .confirm(
                recorder,
                id,
                Append::new(IdempotencyKey::from_parts(6, n)),
                hour(1),
            )
            .expect("confirmed");
    }
    ledger
}

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

fn replay_size() -> u64 {
    std::env::var("VOLUNTEER_SERVICE_BENCH_REPLAY")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(10_000)
}

fn store_postgres(c: &mut Criterion) {
    let Some(params) = server() else { return };
    let mut store = PostgresEventStore::connect(&params).expect("store");
    // Payloads of realistic size: a ledger's submit and confirm events, cycled.
    let sample = ledger(2 * BATCH as u64 + 1);
    let events: Vec<LedgerEvent> = sample.events()[1..=BATCH].to_vec();

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

    let n = replay_size();
    let full = ledger(n);
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
        b.iter(|| {
            let mut from = 0;
            loop {
                let page: Vec<_> = EventStore::<LedgerEvent>::read_stream(
                    &mut store,
                    &stream,
                    from,
                    volunteer_service::READ_PAGE,
                )
                .expect("page");
                let Some(last) = page.last() else { break };
                from = last.seq + 1;
            }
            black_box(from)
        });
    });
    group.finish();
}

criterion_group!(benches, store_postgres);
criterion_main!(benches);
