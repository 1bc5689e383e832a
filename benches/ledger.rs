//! Hour-ledger benchmarks (issue 3): confirming records into the hash-chained journal with
//! every validation on (recorder permission, idempotency key, expected sequence, per-volunteer
//! overlap, SHA-256 chaining), and verifying the chain.
//!
//! Run: `cargo bench --bench ledger`. Results are recorded in BENCHMARKS.md.
//!
//! The roll-up size is 1,000,000 entries unless `ROLLUP_ENTRIES` says otherwise (for the
//! 10 M run: `ROLLUP_ENTRIES=10000000 cargo bench --bench ledger -- rollup/every`; it needs
//! several GB). The roll-up prints the resident memory the ledger and the projection added,
//! per entry. With `ROLLUP_CSV=<dir>` it also writes `entries.csv` (organiser, minutes) and
//! `tree.csv` (node, parent) for `benches/duckdb/rollup.py`.

use std::hint::black_box;

use chrono::{DateTime, FixedOffset, TimeDelta};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use volunteer_service::{
    ActivityId, Actor, Append, HourLedger, IdempotencyKey, Minutes, OrgHierarchy, OrgId, OrgRollup,
    RecordId, RollupQuery, ServiceRecord, StaffId, TimeSpan, VolunteerId,
};

#[path = "common/mod.rs"]
mod common;

const N: u64 = 100_000;
const VOLUNTEERS: u64 = 1_000;

fn hour(h: i64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2021-07-21T00:00:00+08:00").expect("instant")
        + TimeDelta::hours(h)
}

/// A ledger with `N` submitted (not yet confirmed) one-hour records for 1,000 volunteers, and
/// the appends that confirm them.
fn submitted() -> (HourLedger, Vec<(RecordId, Append)>) {
    let recorder = Actor::Staff(StaffId::from_parts(3, 0));
    let organiser = OrgId::from_parts(2, 0);
    let mut ledger = HourLedger::with_capacity(2 * usize::try_from(N).expect("fits"));
    let admin = Actor::Staff(StaffId::from_parts(3, 1));
    ledger
        .bootstrap_administrator(organiser, admin, hour(0))
        .expect("first administrator");
    ledger
        .appoint_recorder(admin, organiser, recorder, hour(0))
        .expect("appointed");
    let mut work = Vec::with_capacity(usize::try_from(N).expect("fits"));
    for n in 0..N {
        let slot = i64::try_from(n / VOLUNTEERS).expect("fits");
        let record = ServiceRecord::builder(
            RecordId::from_parts(4, n),
            VolunteerId::from_parts(1, n % VOLUNTEERS),
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
        work.push((
            id,
            Append::new(IdempotencyKey::from_parts(6, n)).expecting(n),
        ));
    }
    (ledger, work)
}

fn append(c: &mut Criterion) {
    let recorder = Actor::Staff(StaffId::from_parts(3, 0));
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N));
    group.bench_function("confirm_100k_all_validation", |b| {
        b.iter_batched(
            submitted,
            |(mut ledger, work)| {
                for (id, append) in work {
                    ledger
                        .confirm(recorder, id, append, hour(1))
                        .expect("confirmed");
                }
                ledger
            },
            BatchSize::LargeInput,
        );
    });
    let (mut ledger, work) = submitted();
    for (id, append) in work {
        ledger
            .confirm(recorder, id, append, hour(1))
            .expect("confirmed");
    }
    group.bench_function("verify_chain_100k", |b| {
        b.iter(|| black_box(&ledger).verify().expect("intact"));
    });
    group.finish();
}

/// Entries for the roll-up: by default 1,000,000 one-hour credits of 10,000 volunteers,
/// organised by pseudo-random nodes of a 100,000-node six-level hierarchy.
const ROLLUP_ENTRIES: u64 = 1_000_000;
const ROLLUP_NODES: u64 = 100_000;

/// The roll-up size: `ROLLUP_ENTRIES` from the environment, else 1,000,000.
fn rollup_entries() -> u64 {
    std::env::var("ROLLUP_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ROLLUP_ENTRIES)
}

/// The process's resident set in bytes (Linux; 0 elsewhere).
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Writes the roll-up's entries and tree as CSV for the `DuckDB` comparison.
fn export_csv(dir: &std::path::Path, entries: u64) {
    use std::io::Write as _;
    std::fs::create_dir_all(dir).expect("dir");
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(dir.join("entries.csv")).expect("file"));
    writeln!(out, "organiser,minutes").expect("write");
    for n in 0..entries {
        writeln!(out, "{},60", (n * 7_919) % ROLLUP_NODES).expect("write");
    }
    out.flush().expect("flush");
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(dir.join("tree.csv")).expect("file"));
    writeln!(out, "node,parent").expect("write");
    for node in 0..ROLLUP_NODES {
        if node == 0 {
            writeln!(out, "0,").expect("write");
        } else {
            writeln!(out, "{node},{}", (node - 1) / common::FANOUT).expect("write");
        }
    }
    out.flush().expect("flush");
}

#[allow(
    clippy::too_many_lines,
    clippy::cast_precision_loss,
    reason = "one benchmark setup, read top to bottom; memory figures are printed as floats"
)]
fn rollup(c: &mut Criterion) {
    let entries = rollup_entries();
    if let Some(dir) = std::env::var_os("ROLLUP_CSV") {
        export_csv(std::path::Path::new(&dir), entries);
    }
    let tree = OrgHierarchy::from_edges(common::six_level_tree(ROLLUP_NODES)).expect("tree");
    let rss_before = rss_bytes();
    let mut ledger = HourLedger::with_capacity(usize::try_from(entries).expect("fits"));
    let at = hour(0);
    for n in 0..entries {
        let organiser = OrgId::from_parts(1, (n * 7_919) % ROLLUP_NODES);
        let recorder = Actor::Staff(StaffId::from_uuid(*organiser.as_uuid()));
        if !ledger.is_recorder(organiser, recorder) {
            let admin = Actor::Staff(StaffId::from_parts(3, 1));
            ledger
                .bootstrap_administrator(organiser, admin, at)
                .expect("first administrator");
            ledger
                .appoint_recorder(admin, organiser, recorder, at)
                .expect("appointed");
        }
        let slot = i64::try_from(n / 10_000).expect("fits");
        let record = ServiceRecord::builder(
            RecordId::from_parts(4, n),
            VolunteerId::from_parts(1, n % 10_000),
            organiser,
            ActivityId::from_parts(5, 0),
        )
        .activity_name("a")
        .place("p")
        .beneficiary("b")
        .content("c")
        .served(TimeSpan::new(hour(slot * 2), hour(slot * 2 + 1)).expect("span"))
        .duration(Minutes::new(60))
        .recorder(recorder)
        .build()
        .expect("record");
        let id = record.id();
        ledger.submit(recorder, record, at).expect("submitted");
        ledger
            .confirm(
                recorder,
                id,
                Append::new(IdempotencyKey::from_parts(6, n)),
                at,
            )
            .expect("confirmed");
    }
    let rss_ledger = rss_bytes();
    let mut projection = OrgRollup::new(&tree);
    projection.sync(&ledger).expect("synced");
    let rss_projection = rss_bytes();
    let per = |bytes: u64| bytes as f64 / entries as f64;
    eprintln!(
        "rollup memory, {entries} entries: HourLedger {:.0} bytes/entry (RSS +{} MB), \
         OrgRollup projection {:.1} bytes/entry (RSS +{} MB), peak RSS {} MB",
        per(rss_ledger.saturating_sub(rss_before)),
        rss_ledger.saturating_sub(rss_before) >> 20,
        per(rss_projection.saturating_sub(rss_ledger)),
        rss_projection.saturating_sub(rss_ledger) >> 20,
        rss_projection >> 20,
    );
    let query = RollupQuery::new();
    let mut group = c.benchmark_group("rollup");
    group.sample_size(10);
    group.throughput(Throughput::Elements(entries));
    let size = if entries == ROLLUP_ENTRIES {
        "1m".to_owned()
    } else {
        format!("{entries}")
    };
    group.bench_function(format!("every_subtree_{size}_entries_100k_nodes"), |b| {
        b.iter(|| {
            let totals = projection.subtree_totals(&ledger, &query).expect("fresh");
            black_box(totals.subtree(OrgId::from_parts(1, 0)))
        });
    });
    group.bench_function(format!("project_{size}_entries"), |b| {
        b.iter_batched(
            || OrgRollup::new(&tree),
            |mut fresh| {
                fresh.sync(&ledger).expect("synced");
                fresh
            },
            BatchSize::LargeInput,
        );
    });
    group.bench_function(format!("ledger_totals_all_{size}_entries"), |b| {
        b.iter(|| black_box(ledger.totals().all()));
    });
    let db = sqlite_closure_table(entries);
    let mut query = db
        .prepare(
            "SELECT c.ancestor, SUM(o.s) FROM \
               (SELECT organiser, SUM(minutes) AS s FROM entries GROUP BY organiser) AS o \
             JOIN closure AS c ON c.descendant = o.organiser GROUP BY c.ancestor",
        )
        .expect("query");
    let check: i64 = query
        .query_map([], |row| {
            row.get::<_, i64>(0)
                .and_then(|a| Ok((a, row.get::<_, i64>(1)?)))
        })
        .expect("rows")
        .filter_map(Result::ok)
        .find(|(a, _)| *a == 0)
        .map_or(0, |(_, s)| s);
    let ours = projection
        .subtree_totals(&ledger, &RollupQuery::new())
        .expect("fresh")
        .subtree(OrgId::from_parts(1, 0))
        .map_or(0, volunteer_service::MinuteDelta::get);
    assert_eq!(
        check, ours,
        "SQLite and the crate agree on the root's subtree"
    );
    group.bench_function(
        format!("sqlite_closure_table_every_subtree_{size}_entries"),
        |b| {
            b.iter(|| {
                query
                    .query_map([], |row| row.get::<_, i64>(1))
                    .expect("rows")
                    .filter_map(Result::ok)
                    .count()
            });
        },
    );
    group.finish();
}

/// The same `entries` entries and 100,000-node tree in an in-memory `SQLite` database, with a
/// closure table (ancestor, descendant) indexed on `descendant`: the fastest plain-SQL shape
/// for "the total of every subtree" (a recursive CTE is slower).
fn sqlite_closure_table(entries: u64) -> rusqlite::Connection {
    let db = rusqlite::Connection::open_in_memory().expect("sqlite");
    db.execute_batch(
        "CREATE TABLE entries (organiser INTEGER NOT NULL, minutes INTEGER NOT NULL);
         CREATE TABLE closure (ancestor INTEGER NOT NULL, descendant INTEGER NOT NULL);",
    )
    .expect("schema");
    let tx = db.unchecked_transaction().expect("tx");
    {
        let mut insert = tx
            .prepare("INSERT INTO entries VALUES (?1, ?2)")
            .expect("insert");
        for n in 0..entries {
            insert
                .execute([i64::try_from((n * 7_919) % ROLLUP_NODES).expect("fits"), 60])
                .expect("row");
        }
        let mut closure = tx
            .prepare("INSERT INTO closure VALUES (?1, ?2)")
            .expect("insert");
        for node in 0..ROLLUP_NODES {
            let mut a = node;
            loop {
                closure
                    .execute([
                        i64::try_from(a).expect("fits"),
                        i64::try_from(node).expect("fits"),
                    ])
                    .expect("row");
                if a == 0 {
                    break;
                }
                a = (a - 1) / common::FANOUT;
            }
        }
    }
    tx.commit().expect("commit");
    db.execute_batch("CREATE INDEX closure_descendant ON closure (descendant, ancestor); ANALYZE;")
        .expect("index");
    db
}

criterion_group!(benches, append, rollup);
criterion_main!(benches);
