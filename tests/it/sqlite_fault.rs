//! Fault test of the SQLite event store (issue 5): a writer process killed with SIGKILL in the
//! middle of appending loses nothing it had acknowledged and leaves no partial batch.
//!
//! The writer is this test binary run again ([`child_writer`], ignored in normal runs) with
//! `VS_FAULT_DB` naming the file; it prints `ack <n>` after each committed batch.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use volunteer_service::{
    EventStore, HourLedger, LedgerEvent, SqliteEventStore, StreamId, doc_fixtures,
};

/// Events per batch in most rounds: three records, each submitted and confirmed.
const BATCH: usize = 6;
/// Events per batch in the rounds with large batches, so that kills land mid-insert too.
const LARGE_BATCH: usize = 600;
/// Records in the history the writer appends (far more than it gets to write).
const RECORDS: u64 = 3_000;
const ENV: &str = "VS_FAULT_DB";
const ENV_BATCH: &str = "VS_FAULT_BATCH";

/// The history the writer appends: an appointment, then `RECORDS` records submitted and
/// confirmed.
fn history() -> Vec<LedgerEvent> {
    let mut l = doc_fixtures::ledger();
    let t = doc_fixtures::at("2030-01-01T09:00:00+08:00");
    doc_fixtures::confirm_records(&mut l, RECORDS, 11, t);
    l.events()[appointment().len()..].to_vec()
}

fn appointment() -> Vec<LedgerEvent> {
    doc_fixtures::ledger().events().to_vec()
}

/// The writer process: appends the appointment, then batches of `VS_FAULT_BATCH` events, one
/// transaction each, printing how many events the stream holds after each commit.
#[test]
#[ignore = "the child process of sigkill_mid_append_loses_nothing_acknowledged"]
fn child_writer() {
    let path = std::env::var(ENV).expect("run by sigkill_mid_append_loses_nothing_acknowledged");
    let batch: usize = std::env::var(ENV_BATCH).unwrap().parse().unwrap();
    let mut store = SqliteEventStore::open(&path).unwrap();
    let stream = StreamId::ledger();
    let mut out = std::io::stdout().lock();
    let opening = appointment();
    store.append(&stream, 0, &opening).unwrap();
    let mut at = opening.len() as u64;
    writeln!(out, "ack {at}").unwrap();
    out.flush().unwrap();
    for chunk in history().chunks(batch) {
        store.append(&stream, at, chunk).unwrap();
        at += chunk.len() as u64;
        writeln!(out, "ack {at}").unwrap();
        out.flush().unwrap();
    }
}

struct TempDb(PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        remove(&self.0);
    }
}

fn remove(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

/// Runs the writer, kills it with SIGKILL `delay` after its `acks`-th acknowledgement, and
/// returns the highest acknowledged length.
fn run_and_kill(path: &Path, batch: usize, acks: usize, delay: Duration) -> u64 {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sqlite_fault::child_writer",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ENV, path)
        .env(ENV_BATCH, batch.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = 0;
    let mut seen = 0;
    while seen < acks {
        let line = lines
            .next()
            .expect("the writer acknowledges before finishing")
            .unwrap();
        if let Some(n) = line.strip_prefix("ack ") {
            acked = n.parse().unwrap();
            seen += 1;
        }
    }
    std::thread::sleep(delay);
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    // Acknowledgements already in the pipe count too.
    for line in lines {
        if let Some(n) = line.unwrap().strip_prefix("ack ") {
            acked = n.parse().unwrap();
        }
    }
    assert_eq!(
        status.signal(),
        Some(9),
        "the writer was killed, not finished ({acked} acknowledged)"
    );
    acked
}

#[test]
fn sigkill_mid_append_loses_nothing_acknowledged() {
    let history = history();
    let mut expected = appointment();
    let opening = expected.len() as u64;
    expected.extend(history.iter().cloned());
    let rounds = [
        (BATCH, 2, 0),
        (BATCH, 10, 1),
        (BATCH, 25, 3),
        (BATCH, 60, 7),
        (BATCH, 120, 2),
        (LARGE_BATCH, 1, 0),
        (LARGE_BATCH, 2, 4),
        (LARGE_BATCH, 3, 9),
    ];
    for (round, (batch, acks, delay_ms)) in rounds.into_iter().enumerate() {
        let db = TempDb(
            std::env::temp_dir().join(format!("vs-sqlite-fault-{}-{round}.db", std::process::id())),
        );
        remove(&db.0);
        let acked = run_and_kill(&db.0, batch, acks, Duration::from_millis(delay_ms));
        let mut store = SqliteEventStore::open(&db.0).unwrap();
        let stream = StreamId::ledger();
        let held = EventStore::<LedgerEvent>::stream_len(&mut store, &stream).unwrap();
        eprintln!("round {round}: {acked} events acknowledged, {held} held after the kill");
        assert!(
            held >= acked,
            "round {round}: {held} held, {acked} acknowledged"
        );
        assert_eq!(
            (held - opening) % batch as u64,
            0,
            "round {round}: a partial batch ({held} events)"
        );
        // Every row reads back, chained, gap-free and equal to what was written.
        let rows = store.read_all(0, usize::MAX).unwrap();
        let events: Vec<LedgerEvent> = rows.into_iter().map(|r| r.event).collect();
        assert_eq!(events.len() as u64, held);
        assert_eq!(events[..], expected[..events.len()]);
        let ledger = HourLedger::load_from(&mut store, &stream).unwrap();
        assert_eq!(ledger.events(), &expected[..events.len()]);
        ledger.verify().unwrap();
        // The store takes appends again where the writer stopped.
        store
            .append(&stream, held, &expected[events.len()..events.len() + BATCH])
            .unwrap();
    }
}
