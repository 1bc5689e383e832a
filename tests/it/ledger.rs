//! Attendance, crediting, records and the hour ledger: trait checks, the wire shape and
//! round trips over the strategies.

use volunteer_service::*;

macro_rules! assert_impl {
    ($($ty:ty),* $(,)? => $($bound:tt)+) => {
        const _: fn() = || {
            fn check<T: ?Sized + $($bound)+>() {}
            $(check::<$ty>();)*
        };
    };
}

assert_impl!(
    StaffId, RecordId, CorrectionId, IdempotencyKey, AttendanceSource, Punch, Attendance,
    PolicyVersion, CreditingPolicy, Exclusion, CreditLine, CreditStatus, Actor, RecordKind,
    Provenance, Claim, Append, AppendOutcome, Receipt, RecordStatus, AsOf, EntryHash
    => Copy + Eq + core::hash::Hash + core::fmt::Debug + Send + Sync
);
assert_impl!(
    PriorCredits, CreditRequest, Credit, ServiceRecord, CorrectionRequest, CorrectionStatus,
    Correction, EntryKind, LedgerEntry, LedgerEvent, LedgerEventKind, HourLedger
    => Clone + Eq + core::fmt::Debug + Send + Sync
);
assert_impl!(
    AttendanceError, CreditingError, RecordError, LedgerError, ParseHashError
    => std::error::Error + Clone + Eq + Send + Sync + 'static
);

#[test]
fn errors_convert_into_the_crate_error() {
    let e: Error = LedgerError::Tampered { entry: 3 }.into();
    assert_eq!(
        e.to_string(),
        "ledger entry 3 was altered: its hash does not match"
    );
    let e: Error = RecordError::ZeroDuration {
        record: RecordId::from_parts(0, 1),
    }
    .into();
    assert!(matches!(e, Error::Record(_)));
}

#[cfg(feature = "serde")]
mod wire {
    use insta::assert_json_snapshot;
    use volunteer_service::*;

    /// A small history: a credit, a correction with its reversal and corrected credit.
    fn history() -> HourLedger {
        let mut l = doc_fixtures::ledger();
        let recorder = doc_fixtures::recorder();
        let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
        let rec = doc_fixtures::record_builder(1)
            .policy(PolicyVersion::new(2))
            .build()
            .expect("valid");
        let (id, v) = (rec.id(), rec.volunteer());
        l.submit(recorder, rec, at).expect("recorder");
        l.confirm(
            recorder,
            id,
            Append::new(IdempotencyKey::from_parts(0, 1)),
            at,
        )
        .expect("confirms");
        let req = CorrectionRequest::error(CorrectionId::from_parts(0, 1), v, id, "left at 11:00")
            .expect("valid");
        l.request_correction(Actor::Volunteer(v), req, at)
            .expect("own record");
        let fixed = doc_fixtures::record_builder(2)
            .served(doc_fixtures::span(
                "2021-07-21T08:00:00+08:00",
                "2021-07-21T11:00:00+08:00",
            ))
            .duration(Minutes::new(180))
            .corrects(id)
            .build()
            .expect("valid");
        l.approve_correction(
            recorder,
            CorrectionId::from_parts(0, 1),
            Some(fixed),
            Append::new(IdempotencyKey::from_parts(0, 2)).expecting(1),
            at,
        )
        .expect("approves");
        l
    }

    #[test]
    fn ledger_wire_shape() {
        let l = history();
        assert_json_snapshot!("ledger_events", l.events());
        assert_json_snapshot!("ledger_entries", l.entries());
        // The hashes are part of the wire format: a change to the canonical encoding shows.
        assert_eq!(l.head().to_string().len(), 64);
        let events: Vec<LedgerEvent> =
            serde_json::from_str(&serde_json::to_string(l.events()).expect("serialises"))
                .expect("deserialises");
        assert_eq!(HourLedger::replay(&events).expect("replays"), l);
    }

    /// Version-1 events (written before appointments were authorised: a
    /// `recorder_appointed` without `by`) stay readable, replay to the same journal, and
    /// serialise back unchanged.
    #[test]
    fn version_1_events_replay_unchanged() {
        let v1 = include_str!("../data/ledger_events_v1.json");
        let events: Vec<LedgerEvent> = serde_json::from_str(v1).expect("deserialises");
        assert!(events.iter().all(|e| e.version == 1));
        let l = HourLedger::replay(&events).expect("replays");
        assert_eq!(l.events(), &events[..]);
        assert_eq!(l.entries(), history().entries());
        assert_eq!(HourLedger::replay(l.events()).expect("replays again"), l);
        let back: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(l.events()).expect("serialises"))
                .expect("json");
        let original: serde_json::Value = serde_json::from_str(v1).expect("json");
        assert_eq!(back, original);
        // A version-2 appointment must name its administrator.
        let mut forged = events.clone();
        if let Some(e) = forged.first_mut() {
            e.version = LEDGER_EVENT_VERSION;
        }
        assert_eq!(
            HourLedger::replay(&forged),
            Err(LedgerError::ReplayMismatch { event: 0 })
        );
    }

    #[test]
    fn policy_and_attendance_wire_shape() {
        let policy = CreditingPolicy::builder(PolicyVersion::new(3))
            .rounding_unit(Minutes::new(15))
            .per_day_max(Minutes::from_hm(8, 0).expect("valid"))
            .build()
            .expect("valid");
        let att = Attendance::checked_in(
            AssignmentId::from_parts(0, 1),
            doc_fixtures::at("2021-07-21T07:55:00+08:00"),
            AttendanceSource::CodeScan,
        )
        .close(
            doc_fixtures::at("2021-07-21T12:10:00+08:00"),
            AttendanceSource::LeaderRollCall,
        )
        .expect("after");
        let credit = policy.credit(&CreditRequest::new(
            ActivityId::from_parts(0, 2),
            doc_fixtures::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"),
            att,
            doc_fixtures::at("2021-07-21T12:10:00+08:00"),
        ));
        assert_json_snapshot!("crediting", (policy, att, credit));
    }

    #[test]
    fn invalid_values_are_rejected_on_deserialise() {
        assert!(serde_json::from_str::<CreditingPolicy>(
            r#"{"version":1,"rounding_unit":0,"per_activity_max":null,"per_day_max":null,"account_cap":null,"auto_close_after":null}"#
        )
        .is_err());
        assert!(serde_json::from_str::<EntryHash>(r#""abc""#).is_err());
        assert!(serde_json::from_str::<CorrectionRequest>(
            r#"{"id":"00000000-0000-7000-8000-000000000001","volunteer":"00000000-0000-7000-8000-000000000002","claim":{"omission":{"organiser":"00000000-0000-7000-8000-000000000003"}},"description":" "}"#
        )
        .is_err());
    }
}

#[cfg(all(feature = "serde", feature = "proptest"))]
mod round_trip {
    use proptest::prelude::*;
    use volunteer_service::strategies as s;
    use volunteer_service::*;

    fn json_round_trip<T>(value: &T) -> T
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let text = serde_json::to_string(value).expect("serialises");
        serde_json::from_str(&text).expect("deserialises")
    }

    proptest! {
        #[test]
        fn values(
            a in s::attendance(), p in s::crediting_policy(), r in s::service_record(),
            c in s::correction_request(), h in s::entry_hash(), ap in s::append(),
            prior in s::prior_credits(), asof in s::as_of(),
        ) {
            prop_assert_eq!(json_round_trip(&a), a);
            prop_assert_eq!(json_round_trip(&p), p);
            prop_assert_eq!(json_round_trip(&r), r.clone());
            prop_assert_eq!(json_round_trip(&c), c);
            prop_assert_eq!(json_round_trip(&h), h);
            prop_assert_eq!(h.to_string().parse::<EntryHash>().unwrap(), h);
            prop_assert_eq!(json_round_trip(&ap), ap);
            prop_assert_eq!(json_round_trip(&prior), prior);
            prop_assert_eq!(json_round_trip(&asof), asof);
        }

        #[test]
        fn credits_never_exceed_the_shift(
            p in s::crediting_policy(), a in s::attendance(), span in s::time_span(),
            prior in s::prior_credits(), now in s::instant(),
        ) {
            let c = p.credit(&CreditRequest::new(ActivityId::from_parts(0, 1), span, a, now).prior(prior));
            prop_assert!(c.credited() <= span.minutes());
            prop_assert_eq!(c.policy(), p.version());
            if let Some(served) = c.served() {
                prop_assert!(span.covers(&served));
            }
            if c.status() == CreditStatus::Open {
                prop_assert_eq!(c.credited(), Minutes::ZERO);
            }
        }

        #[test]
        fn generated_ledgers_verify_and_replay_from_json(l in s::hour_ledger(30)) {
            l.verify().unwrap();
            let events: Vec<LedgerEvent> = json_round_trip(&l.events().to_vec());
            let back = HourLedger::replay(&events).unwrap();
            prop_assert_eq!(back.head(), l.head());
            prop_assert_eq!(&back, &l);
            let sum: i64 = l.entries().iter().map(|e| e.amount().get()).sum();
            prop_assert_eq!(l.totals().all_kinds().all().get(), sum);
        }
    }
}

#[test]
fn sizes_stay_small() {
    // One entry and one event per append: keep them compact (peak memory per entry).
    assert_eq!(size_of::<LedgerEntry>(), 240);
    assert_eq!(size_of::<LedgerEvent>(), 128);
    assert_eq!(size_of::<EntryHash>(), 32);
    assert_eq!(size_of::<Append>(), 32);
}
