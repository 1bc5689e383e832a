//! Strategies for attendance, crediting policies, service records, corrections and ledgers.

use chrono::TimeDelta;
use proptest::prelude::*;

use super::{
    activity_id, correction_id, date, idempotency_key, instant, org_id, record_id, staff_id,
    time_span, volunteer_id,
};
use crate::{
    Actor, Append, AsOf, Attendance, AttendanceSource, Claim, CorrectionRequest, CreditingPolicy,
    EntryHash, HourLedger, IdempotencyKey, Minutes, OrgId, PolicyVersion, PriorCredits, Provenance,
    Punch, RecordId, RecordKind, ServiceRecord, StaffId, TimeSpan, VolunteerId,
};

/// Any attendance source.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::attendance_source().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::AttendanceSource>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn attendance_source() -> impl Strategy<Value = AttendanceSource> {
    prop::sample::select(vec![
        AttendanceSource::CodeScan,
        AttendanceSource::LeaderRollCall,
        AttendanceSource::Kiosk,
        AttendanceSource::ManualEntry,
    ])
}

/// Any punch.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::punch().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Punch>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn punch() -> impl Strategy<Value = Punch> {
    (instant(), attendance_source()).prop_map(|(at, s)| Punch::new(at, s))
}

/// Open or closed attendances; a check-out comes 1 second to 2 days after the check-in.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::attendance().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Attendance>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn attendance() -> impl Strategy<Value = Attendance> {
    (
        super::assignment_id(),
        punch(),
        prop::option::of((1_i64..172_800, attendance_source())),
    )
        .prop_map(|(a, p, out)| {
            let open = Attendance::checked_in(a, p.at(), p.source());
            match out {
                Some((secs, s)) => open
                    .close(p.at() + TimeDelta::seconds(secs), s)
                    .expect("check-out after check-in"),
                None => open,
            }
        })
}

/// Policy versions 1 to 1,000.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::policy_version().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::PolicyVersion>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn policy_version() -> impl Strategy<Value = PolicyVersion> {
    (1_u32..=1_000).prop_map(PolicyVersion::new)
}

fn limit(max: u32) -> impl Strategy<Value = Option<Minutes>> {
    prop::option::of((1..=max).prop_map(Minutes::new))
}

/// Policies with any combination of rounding unit (up to 1 h), caps and automatic close.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::crediting_policy().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::CreditingPolicy>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn crediting_policy() -> impl Strategy<Value = CreditingPolicy> {
    (
        policy_version(),
        limit(60),
        limit(600),
        limit(1_440),
        limit(90_000),
        limit(1_440),
    )
        .prop_map(|(v, unit, act, day, acct, close)| {
            let mut b = CreditingPolicy::builder(v);
            if let Some(m) = unit {
                b = b.rounding_unit(m);
            }
            if let Some(m) = act {
                b = b.per_activity_max(m);
            }
            if let Some(m) = day {
                b = b.per_day_max(m);
            }
            if let Some(m) = acct {
                b = b.account_cap(m);
            }
            if let Some(m) = close {
                b = b.auto_close_after(m);
            }
            b.build().expect("limits are positive")
        })
}

/// Prior credits on up to three days.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::prior_credits().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::PriorCredits>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn prior_credits() -> impl Strategy<Value = PriorCredits> {
    (
        0_u32..6_000,
        0_u32..90_000,
        prop::collection::vec((date(), 0_u32..1_440), 0..3),
    )
        .prop_map(|(act, acct, days)| {
            days.into_iter().fold(
                PriorCredits::none()
                    .activity(Minutes::new(act))
                    .account(Minutes::new(acct)),
                |p, (d, m)| p.day(d, Minutes::new(m)),
            )
        })
}

/// Service, training or drill.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::record_kind().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::RecordKind>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn record_kind() -> impl Strategy<Value = RecordKind> {
    prop_oneof![
        Just(RecordKind::Service),
        Just(RecordKind::Training),
        Just(RecordKind::Drill)
    ]
}

/// Any provenance.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::provenance().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Provenance>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn provenance() -> impl Strategy<Value = Provenance> {
    prop::sample::select(Provenance::ALL.to_vec())
}

/// A volunteer or a staff member.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::actor().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Actor>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        volunteer_id().prop_map(Actor::Volunteer),
        staff_id().prop_map(Actor::Staff),
    ]
}

/// Valid records of any provenance: the duration fits the served interval, a verified
/// check-in has a policy, a correction names another record, the recorder is staff.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::service_record().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::ServiceRecord>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn service_record() -> impl Strategy<Value = ServiceRecord> {
    (
        (record_id(), volunteer_id(), org_id(), activity_id()),
        (
            "[a-z][a-z ]{0,39}",
            "[\u{4e00}-\u{9fa5}]{1,20}",
            prop::option::of("[a-z]{1,20}"),
        ),
        (
            time_span(),
            0_u32..=100,
            staff_id(),
            prop::option::of(actor()),
        ),
        (record_kind(), provenance(), policy_version(), record_id()),
    )
        .prop_map(
            |(
                (id, v, o, a),
                (name, place, eval),
                (span, pct, staff, leader),
                (kind, prov, pol, other),
            )| {
                let minutes = (span.minutes().get() * pct / 100).max(1);
                let mut b = ServiceRecord::builder(id, v, o, a)
                    .activity_name(name.clone())
                    .place(place)
                    .beneficiary("residents")
                    .content(name)
                    .served(span)
                    .duration(Minutes::new(minutes))
                    .recorder(Actor::Staff(staff))
                    .kind(kind)
                    .provenance(prov);
                if let Some(e) = eval {
                    b = b.evaluation(e);
                }
                if let Some(l) = leader {
                    b = b.leader(l);
                }
                if prov == Provenance::VerifiedCheckIn {
                    b = b.policy(pol);
                }
                if prov == Provenance::Correction && other != id {
                    b = b.corrects(other);
                } else if prov == Provenance::Correction {
                    b = b.provenance(Provenance::Import);
                }
                b.build().expect("generated valid")
            },
        )
}

/// An error or an omission claim.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::claim().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Claim>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn claim() -> impl Strategy<Value = Claim> {
    prop_oneof![
        record_id().prop_map(|record| Claim::Error { record }),
        org_id().prop_map(|organiser| Claim::Omission { organiser }),
    ]
}

/// Correction requests with a short description.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::correction_request().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::CorrectionRequest>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn correction_request() -> impl Strategy<Value = CorrectionRequest> {
    (correction_id(), volunteer_id(), claim(), "[a-z]{1,40}[.]").prop_map(|(id, v, c, d)| {
        CorrectionRequest::new(id, v, c, d).expect("non-blank description")
    })
}

/// Appends with or without an expected sequence.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::append().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Append>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn append() -> impl Strategy<Value = Append> {
    (idempotency_key(), prop::option::of(0_u64..1_000)).prop_map(|(k, e)| match e {
        Some(seq) => Append::new(k).expecting(seq),
        None => Append::new(k),
    })
}

/// Any "as of" cut-off.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::as_of().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::AsOf>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn as_of() -> impl Strategy<Value = AsOf> {
    prop_oneof![
        Just(AsOf::Now),
        (0_u64..1_000).prop_map(AsOf::Sequence),
        instant().prop_map(AsOf::Instant),
    ]
}

/// Any 32-byte hash.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, EntryHash};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::entry_hash().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.to_string().parse::<EntryHash>()?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn entry_hash() -> impl Strategy<Value = EntryHash> {
    prop::array::uniform32(any::<u8>()).prop_map(EntryHash::from_bytes)
}

/// Ledgers built by random valid commands: up to `max` records of four volunteers with two
/// organisers, confirmed where they do not overlap, some reversed. Every guarantee holds.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, HourLedger};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::hour_ledger(6).new_tree(&mut runner).unwrap().current();
///     // Built by valid commands: the hash chain verifies and the events replay to the same ledger.
///     assert!(x.verify().is_ok());
///     assert_eq!(HourLedger::replay(x.events())?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn hour_ledger(max: usize) -> impl Strategy<Value = HourLedger> {
    prop::collection::vec(
        (0_u64..4, 0_u64..2, 0_i64..200, 1_i64..6, any::<bool>()),
        0..=max,
    )
    .prop_map(|ops| {
        let base = chrono::DateTime::parse_from_rfc3339("2021-07-21T00:00:00+08:00")
            .expect("valid instant");
        let org = |o: u64| OrgId::from_parts(2, o);
        let staff = |o: u64| Actor::Staff(StaffId::from_parts(3, o));
        let mut l = HourLedger::new();
        for o in 0..2 {
            crate::doc_fixtures::appoint(&mut l, org(o), staff(o), base);
        }
        for (n, (v, o, hour, len, reverse)) in (0_u64..).zip(ops) {
            let start = base + TimeDelta::hours(hour);
            let rec = ServiceRecord::builder(
                RecordId::from_parts(4, n),
                VolunteerId::from_parts(1, v),
                org(o),
                crate::ActivityId::from_parts(5, o),
            )
            .activity_name("activity")
            .place("place")
            .beneficiary("residents")
            .content("service")
            .served(TimeSpan::new(start, start + TimeDelta::hours(len)).expect("positive"))
            .duration(Minutes::new(u32::try_from(len * 60).expect("small")))
            .recorder(staff(o))
            .build()
            .expect("valid record");
            let id = rec.id();
            l.submit(staff(o), rec, base).expect("recorder submits");
            let key = Append::new(IdempotencyKey::from_parts(6, 2 * n));
            if let Ok(r) = l.confirm(staff(o), id, key, base)
                && reverse
            {
                let rkey = Append::new(IdempotencyKey::from_parts(6, 2 * n + 1));
                l.reverse(staff(o), r.first(), "generated reversal", rkey, base)
                    .expect("fresh credit reverses");
            }
        }
        l
    })
}
