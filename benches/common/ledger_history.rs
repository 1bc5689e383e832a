//! A synthetic ledger history shared by the event-store benchmarks (`store`,
//! `store_postgres`): one administrator and one recorder appointed, then one-hour records of
//! 1,000 volunteers, each submitted and confirmed (two events, one ledger entry per record).

use chrono::{DateTime, FixedOffset, TimeDelta};
use volunteer_service::{
    ActivityId, Actor, Append, EventStore, HourLedger, IdempotencyKey, LedgerEvent, Minutes, OrgId,
    RecordId, ServiceRecord, StaffId, StreamId, TimeSpan, VolunteerId,
};

/// Volunteers the records cycle through.
const VOLUNTEERS: u64 = 1_000;

/// A benchmark size from the environment variable `var` (`_` separators allowed), or
/// `default`.
pub(crate) fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// `h` hours after 2021-07-21T00:00+08:00.
fn hour(h: i64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2021-07-21T00:00:00+08:00").expect("instant")
        + TimeDelta::hours(h)
}

/// A ledger of at least `events` events.
pub(crate) fn ledger(events: usize) -> HourLedger {
    let recorder = Actor::Staff(StaffId::from_parts(3, 0));
    let organiser = OrgId::from_parts(2, 0);
    let records = u64::try_from(events.saturating_sub(1).div_ceil(2)).expect("fits");
    let mut ledger = HourLedger::with_capacity(events.saturating_add(2));
    let admin = Actor::Staff(StaffId::from_parts(3, 1));
    ledger
        .bootstrap_administrator(organiser, admin, hour(0))
        .expect("first administrator");
    ledger
        .appoint_recorder(admin, organiser, recorder, hour(0))
        .expect("appointed");
    for r in 0..records {
        let slot = i64::try_from(r / VOLUNTEERS).expect("fits");
        let record = ServiceRecord::builder(
            RecordId::from_parts(4, r),
            VolunteerId::from_parts(1, r % VOLUNTEERS),
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
                Append::new(IdempotencyKey::from_parts(6, r)),
                hour(1),
            )
            .expect("confirmed");
    }
    ledger
}

/// The first `n` events of a [`ledger`] history.
pub(crate) fn history(n: usize) -> Vec<LedgerEvent> {
    let mut events = ledger(n).events().to_vec();
    events.truncate(n);
    events
}

/// Reads `stream` to its end a page at a time (every read checks the hash chain and decodes
/// the events); returns the stream's length.
pub(crate) fn read_to_end<S: EventStore<LedgerEvent>>(store: &mut S, stream: &StreamId) -> u64 {
    let mut from = 0;
    loop {
        let page = store
            .read_stream(stream, from, volunteer_service::READ_PAGE)
            .expect("intact");
        match page.last() {
            Some(last) => from = last.seq + 1,
            None => return from,
        }
    }
}
