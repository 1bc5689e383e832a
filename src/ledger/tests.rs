//! Rule tests and the state-machine property of the hour ledger.

#![allow(
    clippy::too_many_lines,
    clippy::many_single_char_names,
    reason = "the state machine's command interpreter reads best as one match over short names"
)]

use chrono::TimeDelta;
use proptest::prelude::*;

use super::*;
use crate::doc_fixtures::{at, organiser, record_builder, recorder, span, volunteer_id};
use crate::{ActivityId, Minutes, PolicyVersion, Provenance, RecordKind, StaffId};

fn key(n: u64) -> Append {
    Append::new(IdempotencyKey::from_parts(0, n))
}

fn now() -> DateTime<FixedOffset> {
    at("2021-07-21T13:00:00+08:00")
}

/// A ledger with record `n` (1..) submitted and confirmed with key `n`.
fn credited(ns: &[u64]) -> HourLedger {
    let mut l = crate::doc_fixtures::ledger();
    for &n in ns {
        let r = record_builder(n).build().unwrap();
        let id = r.id();
        l.submit(recorder(), r, now()).unwrap();
        l.confirm(recorder(), id, key(n), now()).unwrap();
    }
    l
}

fn other_org() -> OrgId {
    OrgId::from_parts(9, 9)
}

fn other_recorder() -> Actor {
    Actor::Staff(StaffId::from_parts(9, 10))
}

/// Asserts that `f` fails with `err` and leaves the ledger unchanged.
fn refused(
    l: &mut HourLedger,
    err: &LedgerError,
    f: impl FnOnce(&mut HourLedger) -> Result<(), LedgerError>,
) {
    let before = l.clone();
    assert_eq!(f(l).as_ref(), Err(err));
    assert_eq!(*l, before);
}

/// Recorders are appointed by an administrator of the organiser only; the first
/// administrator is an explicit bootstrap grant; refusals change nothing; replay works.
#[test]
fn only_an_administrator_appoints_recorders() {
    let admin = Actor::Staff(StaffId::from_parts(1, 1));
    let second = Actor::Staff(StaffId::from_parts(1, 2));
    let outsider = Actor::Staff(StaffId::from_parts(1, 3));
    let mut l = HourLedger::new();
    // No administrator yet: nobody appoints, not even the future administrator.
    refused(
        &mut l,
        &LedgerError::NotAdministrator {
            actor: admin,
            organiser: organiser(),
        },
        |l| l.appoint_recorder(admin, organiser(), recorder(), now()),
    );
    l.bootstrap_administrator(organiser(), admin, now())
        .unwrap();
    // The bootstrap grant is once per organiser.
    refused(
        &mut l,
        &LedgerError::AlreadyAdministered {
            organiser: organiser(),
        },
        |l| l.bootstrap_administrator(organiser(), outsider, now()),
    );
    l.appoint_recorder(admin, organiser(), recorder(), now())
        .unwrap();
    assert!(l.is_recorder(organiser(), recorder()));
    // A recorder does not appoint recorders or grant administration.
    refused(
        &mut l,
        &LedgerError::NotAdministrator {
            actor: recorder(),
            organiser: organiser(),
        },
        |l| l.appoint_recorder(recorder(), organiser(), outsider, now()),
    );
    refused(
        &mut l,
        &LedgerError::NotAdministrator {
            actor: recorder(),
            organiser: organiser(),
        },
        |l| l.grant_administrator(recorder(), organiser(), outsider, now()),
    );
    // An administrator of another organiser has no say here.
    l.bootstrap_administrator(other_org(), outsider, now())
        .unwrap();
    refused(
        &mut l,
        &LedgerError::NotAdministrator {
            actor: outsider,
            organiser: organiser(),
        },
        |l| l.appoint_recorder(outsider, organiser(), other_recorder(), now()),
    );
    // An administrator grants another, who appoints.
    l.grant_administrator(admin, organiser(), second, now())
        .unwrap();
    l.appoint_recorder(second, organiser(), other_recorder(), now())
        .unwrap();
    assert!(l.is_recorder(organiser(), other_recorder()));
    assert!(!l.is_recorder(other_org(), other_recorder()));
    // Repeats are no-ops without events.
    let n = l.events().len();
    l.appoint_recorder(admin, organiser(), recorder(), now())
        .unwrap();
    l.grant_administrator(admin, organiser(), second, now())
        .unwrap();
    assert_eq!(l.events().len(), n);
    let names: Vec<&str> = l.events().iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        names,
        [
            "administrator_granted",
            "recorder_appointed",
            "administrator_granted",
            "administrator_granted",
            "recorder_appointed"
        ]
    );
    assert_eq!(HourLedger::replay(l.events()).unwrap(), l);
}

#[test]
fn administration_errors_name_the_actor_and_organiser() {
    let e = LedgerError::NotAdministrator {
        actor: Actor::Staff(StaffId::from_parts(0, 1)),
        organiser: OrgId::from_parts(0, 2),
    };
    insta::assert_snapshot!(e, @"staff 00000000-0000-7000-8000-000000000001 is not an administrator of organiser 00000000-0000-7000-8000-000000000002: cannot appoint");
    let e = LedgerError::AlreadyAdministered {
        organiser: OrgId::from_parts(0, 2),
    };
    insta::assert_snapshot!(e, @"organiser 00000000-0000-7000-8000-000000000002 already has an administrator: only an administrator grants another");
}

#[test]
fn only_the_organisers_recorders_submit_and_confirm() {
    let mut l = credited(&[]);
    let rec = record_builder(1).build().unwrap();
    let id = rec.id();
    let stranger = other_recorder();
    refused(
        &mut l,
        &LedgerError::NotRecorder {
            actor: stranger,
            organiser: organiser(),
        },
        |l| l.submit(stranger, rec.clone(), now()),
    );
    crate::doc_fixtures::appoint(&mut l, other_org(), stranger, now());
    refused(
        &mut l,
        &LedgerError::NotRecorder {
            actor: stranger,
            organiser: organiser(),
        },
        |l| l.submit(stranger, rec.clone(), now()),
    );
    let second = Actor::Staff(StaffId::from_parts(0, 77));
    crate::doc_fixtures::appoint(&mut l, organiser(), second, now());
    refused(
        &mut l,
        &LedgerError::RecorderMismatch {
            record: id,
            recorder: recorder(),
            actor: second,
        },
        |l| l.submit(second, rec.clone(), now()),
    );
    l.submit(recorder(), rec.clone(), now()).unwrap();
    refused(
        &mut l,
        &LedgerError::NotRecorder {
            actor: stranger,
            organiser: organiser(),
        },
        |l| l.confirm(stranger, id, key(1), now()).map(|_| ()),
    );
    // A second recorder of the organiser may confirm (four eyes are allowed, not required).
    assert_eq!(l.confirm(second, id, key(1), now()).unwrap().first(), 0);
}

#[test]
fn a_volunteer_never_confirms_their_own_record_even_as_a_recorder() {
    let mut l = credited(&[]);
    let me = Actor::Volunteer(volunteer_id());
    crate::doc_fixtures::appoint(&mut l, organiser(), me, now());
    let rec = record_builder(1).build().unwrap();
    let id = rec.id();
    l.submit(recorder(), rec, now()).unwrap();
    refused(
        &mut l,
        &LedgerError::SelfConfirmation {
            record: id,
            volunteer: volunteer_id(),
        },
        |l| l.confirm(me, id, key(1), now()).map(|_| ()),
    );
}

#[test]
fn no_overlapping_credit_across_organisers() {
    let mut l = credited(&[1]);
    crate::doc_fixtures::appoint(&mut l, other_org(), other_recorder(), now());
    let clash = ServiceRecord::builder(
        RecordId::from_parts(9, 1),
        volunteer_id(),
        other_org(),
        ActivityId::from_parts(9, 2),
    )
    .activity_name("elderly visits")
    .place("another street")
    .beneficiary("elderly")
    .content("visits")
    .served(span(
        "2021-07-21T11:59:00+08:00",
        "2021-07-21T14:00:00+08:00",
    ))
    .duration(Minutes::new(121))
    .recorder(other_recorder())
    .build()
    .unwrap();
    let id = clash.id();
    l.submit(other_recorder(), clash, now()).unwrap();
    let err = LedgerError::Overlap {
        volunteer: volunteer_id(),
        record: id,
        served: span("2021-07-21T11:59:00+08:00", "2021-07-21T14:00:00+08:00"),
        conflicting: RecordId::from_parts(1_626_825_600_000, 1),
        entry: 0,
    };
    assert_eq!(
        err.to_string(),
        "volunteer 017ac65c-ac00-7000-8000-000000000064 is already credited by record \
         017ac65c-ac00-7000-8000-000000000001 (entry 0) for an interval overlapping record \
         00000000-0009-7000-8000-000000000001 [2021-07-21T11:59:00+08:00, 2021-07-21T14:00:00+08:00)"
    );
    refused(&mut l, &err, |l| {
        l.confirm(other_recorder(), id, key(50), now()).map(|_| ())
    });
    // Touching intervals do not overlap; the same instant in another offset does.
    let touching = record_builder(60)
        .served(span("2021-07-21T04:00:00Z", "2021-07-21T05:00:00Z"))
        .duration(Minutes::new(60))
        .build()
        .unwrap();
    let tid = touching.id();
    l.submit(recorder(), touching, now()).unwrap();
    l.confirm(recorder(), tid, key(60), now()).unwrap();
    let inside = record_builder(61)
        .served(span("2021-07-21T03:30:00Z", "2021-07-21T03:45:00Z"))
        .duration(Minutes::new(15))
        .build()
        .unwrap();
    let iid = inside.id();
    l.submit(recorder(), inside, now()).unwrap();
    assert!(matches!(
        l.confirm(recorder(), iid, key(61), now()),
        Err(LedgerError::Overlap { entry: 0, .. })
    ));
    // Reversing the credit frees its interval.
    l.reverse(recorder(), 0, "entered twice", key(70), now())
        .unwrap();
    assert!(l.confirm(recorder(), iid, key(61), now()).is_ok());
}

#[test]
fn retries_return_the_original_and_reused_keys_are_refused() {
    let mut l = credited(&[1, 2]);
    let again = l
        .confirm(
            recorder(),
            RecordId::from_parts(1_626_825_600_000, 1),
            key(1),
            now(),
        )
        .unwrap();
    assert_eq!(again.outcome(), AppendOutcome::Retried);
    assert_eq!(again.first(), 0);
    assert_eq!(l.entries().len(), 2);
    let rec = record_builder(3).build().unwrap();
    let id = rec.id();
    l.submit(recorder(), rec, now()).unwrap();
    let err = LedgerError::KeyReused {
        key: IdempotencyKey::from_parts(0, 1),
        entry: 0,
    };
    assert_eq!(
        err.to_string(),
        "idempotency key 00000000-0000-7000-8000-000000000001 was used for entry 0 with other content"
    );
    refused(&mut l, &err, |l| {
        l.confirm(recorder(), id, key(1), now()).map(|_| ())
    });
    // A retried reversal is recognised too.
    let r = l
        .reverse(recorder(), 1, "wrong day", key(9), now())
        .unwrap();
    let r2 = l
        .reverse(recorder(), 1, "wrong day", key(9), now())
        .unwrap();
    assert_eq!((r.first(), r2.outcome()), (2, AppendOutcome::Retried));
    assert!(matches!(
        l.reverse(recorder(), 1, "another reason", key(9), now()),
        Err(LedgerError::KeyReused { .. })
    ));
}

#[test]
fn optimistic_concurrency() {
    let mut l = credited(&[1]);
    let rec = record_builder(2).build().unwrap();
    let id = rec.id();
    l.submit(recorder(), rec, now()).unwrap();
    let err = LedgerError::SequenceConflict {
        expected: 0,
        actual: 1,
    };
    assert_eq!(
        err.to_string(),
        "ledger's next sequence is 1: the append expected 0"
    );
    refused(&mut l, &err, |l| {
        l.confirm(recorder(), id, key(2).expecting(0), now())
            .map(|_| ())
    });
    assert!(
        l.confirm(recorder(), id, key(2).expecting(1), now())
            .is_ok()
    );
}

#[test]
fn reversal_rules() {
    let mut l = credited(&[1]);
    refused(&mut l, &LedgerError::UnknownEntry { entry: 5 }, |l| {
        l.reverse(recorder(), 5, "x", key(5), now()).map(|_| ())
    });
    refused(
        &mut l,
        &LedgerError::Reason {
            what: "reversal reason",
        },
        |l| l.reverse(recorder(), 0, " ", key(5), now()).map(|_| ()),
    );
    crate::doc_fixtures::appoint(&mut l, other_org(), other_recorder(), now());
    refused(
        &mut l,
        &LedgerError::NotRecorder {
            actor: other_recorder(),
            organiser: organiser(),
        },
        |l| {
            l.reverse(other_recorder(), 0, "x", key(5), now())
                .map(|_| ())
        },
    );
    l.reverse(recorder(), 0, "duplicate", key(5), now())
        .unwrap();
    refused(&mut l, &LedgerError::NotACredit { entry: 1 }, |l| {
        l.reverse(recorder(), 1, "x", key(6), now()).map(|_| ())
    });
    let err = LedgerError::AlreadyReversed {
        entry: 0,
        reversal: 1,
    };
    assert_eq!(err.to_string(), "entry 0 was already reversed by entry 1");
    refused(&mut l, &err, |l| {
        l.reverse(recorder(), 0, "x", key(6), now()).map(|_| ())
    });
    let e = l.entry(1).unwrap();
    assert_eq!(e.amount(), MinuteDelta::new(-240));
    assert_eq!(e.actor(), recorder());
    assert_eq!(
        e.kind(),
        &EntryKind::Reversal {
            of: 0,
            reason: "duplicate".into()
        }
    );
    assert_eq!(l.totals().volunteer(volunteer_id()), MinuteDelta::ZERO);
    assert!(matches!(
        l.record(RecordId::from_parts(1_626_825_600_000, 1)),
        Some((
            _,
            RecordStatus::Reversed {
                entry: 0,
                reversal: 1
            }
        ))
    ));
}

#[test]
fn corrections_error_omission_and_rejection() {
    let mut l = credited(&[1]);
    let v = volunteer_id();
    let me = Actor::Volunteer(v);
    let rec1 = RecordId::from_parts(1_626_825_600_000, 1);
    // Only the volunteer raises a correction of their record.
    let req = CorrectionRequest::error(CorrectionId::from_parts(0, 1), v, rec1, "wrong").unwrap();
    refused(
        &mut l,
        &LedgerError::NotTheVolunteer {
            actor: recorder(),
            volunteer: v,
        },
        |l| l.request_correction(recorder(), req.clone(), now()),
    );
    l.request_correction(me, req.clone(), now()).unwrap();
    refused(
        &mut l,
        &LedgerError::CorrectionIdTaken {
            correction: req.id(),
        },
        |l| l.request_correction(me, req.clone(), now()),
    );
    // The volunteer cannot approve it, even as a recorder.
    crate::doc_fixtures::appoint(&mut l, organiser(), me, now());
    refused(
        &mut l,
        &LedgerError::SelfConfirmation {
            record: rec1,
            volunteer: v,
        },
        |l| {
            l.approve_correction(me, req.id(), None, key(10), now())
                .map(|_| ())
        },
    );
    // A replacement must name the corrected record.
    let bad = record_builder(2).build().unwrap();
    refused(
        &mut l,
        &LedgerError::Remedy {
            correction: req.id(),
            problem: "the corrected record must name the record it corrects",
        },
        |l| {
            l.approve_correction(recorder(), req.id(), Some(bad.clone()), key(10), now())
                .map(|_| ())
        },
    );
    let fixed = record_builder(2)
        .served(span(
            "2021-07-21T09:00:00+08:00",
            "2021-07-21T12:00:00+08:00",
        ))
        .duration(Minutes::new(180))
        .corrects(rec1)
        .build()
        .unwrap();
    let r = l
        .approve_correction(recorder(), req.id(), Some(fixed.clone()), key(10), now())
        .unwrap();
    assert_eq!(r.seqs(), 1..3);
    assert_eq!(l.totals().volunteer(v), MinuteDelta::new(180));
    assert_eq!(
        l.totals().provenance(Provenance::Correction),
        MinuteDelta::new(180)
    );
    assert_eq!(l.entry(1).unwrap().correction(), Some(req.id()));
    // A retry returns the pair; the same key with another corrected record is refused.
    let retry = l
        .approve_correction(recorder(), req.id(), Some(fixed.clone()), key(10), now())
        .unwrap();
    assert_eq!(
        (retry.seqs(), retry.outcome()),
        (1..3, AppendOutcome::Retried)
    );
    let other = record_builder(9).corrects(rec1).build().unwrap();
    assert!(matches!(
        l.approve_correction(recorder(), req.id(), Some(other), key(10), now()),
        Err(LedgerError::KeyReused { entry: 1, .. })
    ));
    assert!(matches!(
        l.approve_correction(recorder(), req.id(), Some(fixed), key(11), now()),
        Err(LedgerError::CorrectionClosed { .. })
    ));
    // An omission: the missing record is credited.
    let om = CorrectionRequest::omission(
        CorrectionId::from_parts(0, 2),
        v,
        organiser(),
        "07-23 forgotten",
    )
    .unwrap();
    l.request_correction(me, om.clone(), now()).unwrap();
    refused(
        &mut l,
        &LedgerError::Remedy {
            correction: om.id(),
            problem: "an omission is approved with the missing record",
        },
        |l| {
            l.approve_correction(recorder(), om.id(), None, key(12), now())
                .map(|_| ())
        },
    );
    let missing = record_builder(3).build().unwrap();
    let r = l
        .approve_correction(recorder(), om.id(), Some(missing), key(12), now())
        .unwrap();
    assert_eq!(r.count(), 1);
    assert_eq!(l.totals().volunteer(v), MinuteDelta::new(420));
    // A rejection appends nothing and keeps the reason.
    let om2 = CorrectionRequest::omission(CorrectionId::from_parts(0, 3), v, organiser(), "more")
        .unwrap();
    l.request_correction(me, om2.clone(), now()).unwrap();
    let n = l.entries().len();
    l.reject_correction(recorder(), om2.id(), "no evidence", now())
        .unwrap();
    assert_eq!(l.entries().len(), n);
    assert_eq!(
        l.correction(om2.id()).unwrap().status(),
        &CorrectionStatus::Rejected {
            by: recorder(),
            reason: "no evidence".into()
        }
    );
    assert_eq!(l.corrections().count(), 3);
    assert_eq!(HourLedger::replay(l.events()).unwrap(), l);
}

#[test]
fn volunteers_see_their_own_records_only() {
    let mut l = credited(&[1, 2]);
    let other = VolunteerId::from_parts(5, 5);
    assert_eq!(
        l.records_for(Actor::Volunteer(volunteer_id()), volunteer_id())
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        l.records_for(Actor::Volunteer(other), volunteer_id()),
        Err(LedgerError::NotTheVolunteer {
            actor: Actor::Volunteer(other),
            volunteer: volunteer_id()
        })
    );
    crate::doc_fixtures::appoint(&mut l, other_org(), other_recorder(), now());
    assert!(
        l.records_for(other_recorder(), volunteer_id())
            .unwrap()
            .is_empty()
    );
    assert_eq!(l.records_for(recorder(), volunteer_id()).unwrap().len(), 2);
}

#[test]
fn policy_version_and_kind_are_stamped_and_training_kept_apart() {
    let mut l = credited(&[]);
    let rec = record_builder(1)
        .policy(PolicyVersion::new(7))
        .kind(RecordKind::Training)
        .build()
        .unwrap();
    let id = rec.id();
    l.submit(recorder(), rec, now()).unwrap();
    l.confirm(recorder(), id, key(1), now()).unwrap();
    assert_eq!(l.entry(0).unwrap().policy(), Some(PolicyVersion::new(7)));
    assert_eq!(l.totals().volunteer(volunteer_id()), MinuteDelta::ZERO);
    assert_eq!(
        l.totals()
            .kind(RecordKind::Training)
            .volunteer(volunteer_id()),
        MinuteDelta::new(240)
    );
    assert_eq!(l.totals().all_kinds().all(), MinuteDelta::new(240));
    let drill = record_builder(2).kind(RecordKind::Drill).build().unwrap();
    let id = drill.id();
    l.submit(recorder(), drill, now()).unwrap();
    l.confirm(recorder(), id, key(2), now()).unwrap();
    assert_eq!(l.totals().volunteer(volunteer_id()), MinuteDelta::ZERO);
    assert_eq!(
        l.totals().kind(RecordKind::Drill).all(),
        MinuteDelta::new(240)
    );
}

#[test]
fn totals_as_of_both_axes() {
    let mut l = credited(&[1, 2]);
    let later = at("2021-08-01T00:00:00+08:00");
    l.reverse(recorder(), 1, "wrong", key(9), later).unwrap();
    let t = l.totals();
    assert_eq!(t.volunteer(volunteer_id()), MinuteDelta::new(240));
    assert_eq!(
        t.known(AsOf::Sequence(2)).volunteer(volunteer_id()),
        MinuteDelta::new(480)
    );
    assert_eq!(
        t.known(AsOf::Instant(at("2021-07-31T00:00:00+08:00")))
            .volunteer(volunteer_id()),
        MinuteDelta::new(480)
    );
    // Served by the end of 07-21: record 1 only (record 2 is on 07-22, and reversed).
    assert_eq!(
        t.served_by(at("2021-07-21T23:59:00+08:00")).all(),
        MinuteDelta::new(240)
    );
    assert_eq!(
        t.by_organiser().get(&organiser()),
        Some(&MinuteDelta::new(240))
    );
    assert_eq!(
        t.by_provenance().get(&Provenance::AttestedManual),
        Some(&MinuteDelta::new(240))
    );
    assert_eq!(t.by_volunteer().len(), 1);
}

#[test]
fn prior_credits_feed_the_daily_cap_of_the_next_shift() {
    use crate::{
        AssignmentId, Attendance, AttendanceSource, CreditRequest, CreditingPolicy, Exclusion,
    };
    // An overnight record 22:00–06:00 (+08:00) on 07-21/22, then a morning shift on 07-22
    // under a 8-hour daily cap: 6 h of the 22nd are already used.
    let mut l = credited(&[]);
    let night = record_builder(1)
        .served(span(
            "2021-07-21T22:00:00+08:00",
            "2021-07-22T06:00:00+08:00",
        ))
        .duration(Minutes::new(480))
        .build()
        .unwrap();
    let (id, activity) = (night.id(), night.activity());
    l.submit(recorder(), night, now()).unwrap();
    l.confirm(recorder(), id, key(1), now()).unwrap();
    let prior = l.prior_credits(volunteer_id(), activity, *now().offset());
    assert_eq!(
        prior.on_day("2021-07-21".parse().unwrap()),
        Minutes::new(120)
    );
    assert_eq!(
        prior.on_day("2021-07-22".parse().unwrap()),
        Minutes::new(360)
    );
    let policy = CreditingPolicy::builder(PolicyVersion::new(1))
        .per_day_max(Minutes::new(480))
        .build()
        .unwrap();
    let shift = span("2021-07-22T09:00:00+08:00", "2021-07-22T13:00:00+08:00");
    let att = Attendance::checked_in(
        AssignmentId::from_parts(0, 1),
        shift.start(),
        AttendanceSource::Kiosk,
    )
    .close(shift.end(), AttendanceSource::Kiosk)
    .unwrap();
    let credit = policy.credit(&CreditRequest::new(activity, shift, att, shift.end()).prior(prior));
    assert_eq!(credit.credited(), Minutes::new(120));
    assert_eq!(
        credit.excluded(Exclusion::DailyCap("2021-07-22".parse().unwrap())),
        Minutes::new(120)
    );
    // The credit flows into a record stamped with the policy version.
    let rec = record_builder(2).credit(&credit).build().unwrap();
    assert_eq!(rec.provenance(), Provenance::VerifiedCheckIn);
    assert_eq!(rec.policy(), Some(PolicyVersion::new(1)));
    let rid = rec.id();
    l.submit(recorder(), rec, now()).unwrap();
    l.confirm(recorder(), rid, key(2), now()).unwrap();
    assert_eq!(l.entry(1).unwrap().policy(), Some(PolicyVersion::new(1)));
    assert_eq!(
        l.prior_credits(volunteer_id(), activity, *now().offset())
            .on_day("2021-07-22".parse().unwrap()),
        Minutes::new(480)
    );
    // Reversals net out of the prior credits.
    l.reverse(recorder(), 0, "wrong night", key(3), now())
        .unwrap();
    let after = l.prior_credits(volunteer_id(), activity, *now().offset());
    assert_eq!(after.on_day("2021-07-21".parse().unwrap()), Minutes::ZERO);
    assert_eq!(
        after.on_day("2021-07-22".parse().unwrap()),
        Minutes::new(120)
    );
}

#[test]
fn tampering_is_found_at_the_first_altered_entry() {
    let l = credited(&[1, 2, 3]);
    l.verify().unwrap();
    let mut copy = l.entries().to_vec();
    copy[2] = copy[2].tampered_amount(MinuteDelta::new(1));
    assert_eq!(
        HourLedger::verify_entries(&copy),
        Err(LedgerError::Tampered { entry: 2 })
    );
    let mut dropped = l.entries().to_vec();
    dropped.remove(1);
    assert_eq!(
        HourLedger::verify_entries(&dropped),
        Err(LedgerError::Tampered { entry: 1 })
    );
    assert_eq!(
        LedgerError::Tampered { entry: 2 }.to_string(),
        "ledger entry 2 was altered: its hash does not match"
    );
}

#[test]
fn the_journal_clock_never_goes_back() {
    let mut l = credited(&[1]);
    let rec = record_builder(2).build().unwrap();
    let id = rec.id();
    l.submit(recorder(), rec, now()).unwrap();
    let earlier = at("2021-07-21T12:59:00+08:00");
    let err = LedgerError::ClockWentBack {
        at: earlier,
        last: now(),
        entry: 0,
    };
    assert_eq!(
        err.to_string(),
        "append at 2021-07-21 12:59:00 +08:00 is before entry 0 at 2021-07-21 13:00:00 +08:00: \
         the journal's clock never goes back"
    );
    refused(&mut l, &err, |l| {
        l.confirm(recorder(), id, key(2), earlier).map(|_| ())
    });
    // The same instant, or the same moment in another offset, is fine; a retry is too.
    assert!(
        l.confirm(recorder(), id, key(2), at("2021-07-21T05:00:00Z"))
            .is_ok()
    );
    assert!(
        l.confirm(
            recorder(),
            RecordId::from_parts(1_626_825_600_000, 1),
            key(1),
            earlier
        )
        .is_ok()
    );
}

#[test]
fn replay_refuses_a_duplicated_event() {
    let l = credited(&[1]);
    let mut events = l.events().to_vec();
    // Administrator granted, recorder appointed, record submitted, record confirmed.
    let confirm = events[3].clone();
    assert_eq!(confirm.kind.name(), "record_confirmed");
    events.push(confirm);
    let err = LedgerError::ReplayMismatch { event: 4 };
    assert_eq!(err.to_string(), "ledger event 4 does not replay to itself");
    assert_eq!(HourLedger::replay(&events), Err(err));
}

#[test]
fn replay_rejects_unknown_versions_and_reproduces_hashes() {
    let l = credited(&[1, 2]);
    let back = HourLedger::replay(l.events()).unwrap();
    assert_eq!(back.head(), l.head());
    assert_eq!(back, l);
    let mut events = l.events().to_vec();
    for version in [0, 3] {
        events[0].version = version;
        assert_eq!(
            HourLedger::replay(&events),
            Err(LedgerError::UnsupportedEventVersion { version })
        );
    }
    assert_eq!(
        LedgerError::UnsupportedEventVersion { version: 3 }.to_string(),
        "ledger event version 3 is not supported: expected 1 to 2"
    );
}

#[cfg(feature = "serde")]
#[test]
fn events_round_trip_through_json() {
    let mut l = credited(&[1]);
    let v = volunteer_id();
    let req = CorrectionRequest::error(
        CorrectionId::from_parts(0, 1),
        v,
        RecordId::from_parts(1_626_825_600_000, 1),
        "wrong",
    )
    .unwrap();
    l.request_correction(Actor::Volunteer(v), req.clone(), now())
        .unwrap();
    l.approve_correction(recorder(), req.id(), None, key(3), now())
        .unwrap();
    let json = serde_json::to_string(l.events()).unwrap();
    assert!(json.contains(r#""type":"record_confirmed""#));
    assert!(json.contains(r#""version":2"#));
    let events: Vec<LedgerEvent> = serde_json::from_str(&json).unwrap();
    assert_eq!(HourLedger::replay(&events).unwrap(), l);
    let entries = serde_json::to_string(l.entries()).unwrap();
    let back: Vec<LedgerEntry> = serde_json::from_str(&entries).unwrap();
    assert_eq!(HourLedger::verify_entries(&back), Ok(()));
}

#[test]
fn error_messages_are_pinned() {
    let r = RecordId::from_parts(0, 1);
    let c = CorrectionId::from_parts(0, 2);
    let cases = [
        (
            LedgerError::NotRecorder {
                actor: Actor::Staff(StaffId::from_parts(0, 3)),
                organiser: OrgId::from_parts(0, 4),
            },
            "staff 00000000-0000-7000-8000-000000000003 is not a recorder of organiser 00000000-0000-7000-8000-000000000004",
        ),
        (
            LedgerError::UnknownRecord { record: r },
            "record 00000000-0000-7000-8000-000000000001 is unknown",
        ),
        (
            LedgerError::RecordIdTaken { record: r },
            "record 00000000-0000-7000-8000-000000000001 was already submitted with other content",
        ),
        (
            LedgerError::NotPending {
                record: r,
                status: RecordStatus::Credited { entry: 4 },
            },
            "record 00000000-0000-7000-8000-000000000001 is credited by entry 4: cannot confirm it",
        ),
        (
            LedgerError::NotCredited {
                record: r,
                status: RecordStatus::Pending,
            },
            "record 00000000-0000-7000-8000-000000000001 is pending: it has no active credit",
        ),
        (LedgerError::UnknownEntry { entry: 3 }, "entry 3 is unknown"),
        (
            LedgerError::NotACredit { entry: 3 },
            "entry 3 is a reversal: only credits can be reversed",
        ),
        (
            LedgerError::Reason {
                what: "reversal reason",
            },
            "reversal reason is blank or longer than 500 characters",
        ),
        (
            LedgerError::UnknownCorrection { correction: c },
            "correction 00000000-0000-7000-8000-000000000002 is unknown",
        ),
        (
            LedgerError::CorrectionClosed { correction: c },
            "correction 00000000-0000-7000-8000-000000000002 was already decided",
        ),
        (
            LedgerError::Remedy {
                correction: c,
                problem: "the record is of another volunteer",
            },
            "correction 00000000-0000-7000-8000-000000000002 cannot be approved with this record: the record is of another volunteer",
        ),
    ];
    for (err, text) in cases {
        assert_eq!(err.to_string(), text);
    }
}

// ---------------------------------------------------------------------------------------
// State machine: random command sequences against a reference model.
// ---------------------------------------------------------------------------------------

const VOLUNTEERS: u64 = 3;
const ORGS: u64 = 2;

fn vol(i: u64) -> VolunteerId {
    VolunteerId::from_parts(1, i)
}
fn org(i: u64) -> OrgId {
    OrgId::from_parts(2, i)
}
fn staff(i: u64) -> Actor {
    Actor::Staff(StaffId::from_parts(3, i))
}

/// Who issues a command.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// A recorder of the organiser.
    Recorder,
    /// A recorder of the other organiser.
    Outsider,
    /// The volunteer, who is also a recorder of organiser 0.
    Volunteer,
}

#[derive(Debug, Clone)]
enum Cmd {
    Credit {
        v: u64,
        o: u64,
        hour: i64,
        len: i64,
        who: Who,
        stale: bool,
    },
    Reverse {
        pick: usize,
        who: Who,
    },
    Retry {
        pick: usize,
    },
    ReuseKey {
        pick: usize,
        hour: i64,
    },
    Correct {
        pick: usize,
        hour: i64,
        len: i64,
        approve: bool,
        /// Someone who first tries (and fails) to request or decide in the wrong role.
        intruder: Option<Who>,
    },
    Omission {
        v: u64,
        o: u64,
        hour: i64,
        len: i64,
    },
    /// Someone who is not an administrator tries to appoint a recorder.
    Appoint {
        o: u64,
        who: Who,
    },
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        6 => Just(Who::Recorder),
        1 => Just(Who::Outsider),
        1 => Just(Who::Volunteer),
    ]
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        6 => (0..VOLUNTEERS, 0..ORGS, 0_i64..48, 1_i64..5, who(), prop::bool::weighted(0.1))
            .prop_map(|(v, o, hour, len, who, stale)| Cmd::Credit { v, o, hour, len, who, stale }),
        2 => (any::<usize>(), who()).prop_map(|(pick, who)| Cmd::Reverse { pick, who }),
        2 => any::<usize>().prop_map(|pick| Cmd::Retry { pick }),
        1 => (any::<usize>(), 0_i64..48).prop_map(|(pick, hour)| Cmd::ReuseKey { pick, hour }),
        2 => (any::<usize>(), 0_i64..48, 1_i64..5, any::<bool>())
            .prop_flat_map(|(pick, hour, len, approve)| {
                prop::option::of(prop_oneof![Just(Who::Outsider), Just(Who::Volunteer)])
                    .prop_map(move |intruder| Cmd::Correct { pick, hour, len, approve, intruder })
            }),
        1 => (0..VOLUNTEERS, 0..ORGS, 0_i64..48, 1_i64..5)
            .prop_map(|(v, o, hour, len)| Cmd::Omission { v, o, hour, len }),
        1 => (0..ORGS, who()).prop_map(|(o, who)| Cmd::Appoint { o, who }),
    ]
}

/// One credit in the reference model.
#[derive(Debug, Clone)]
struct ModelCredit {
    v: u64,
    o: u64,
    start: i64,
    end: i64,
    minutes: i64,
    active: bool,
    record: RecordId,
}

/// A successful append, to retry.
#[derive(Debug, Clone)]
enum Done {
    Confirm {
        actor: Actor,
        record: RecordId,
        append: Append,
    },
    Reverse {
        actor: Actor,
        entry: u64,
        append: Append,
    },
}

struct Harness {
    ledger: HourLedger,
    credits: Vec<ModelCredit>,
    /// Entry sequence of each model credit (parallel to `credits`).
    seqs: Vec<u64>,
    done: Vec<Done>,
    next: u64,
    /// The command clock: minutes after 2021-07-25, never going back.
    clock: i64,
}

fn hour(h: i64) -> DateTime<FixedOffset> {
    // UTC−03:00, far from UTC+8, so local days differ from China's.
    at("2021-07-21T00:00:00-03:00") + TimeDelta::hours(h)
}

impl Harness {
    fn new() -> Self {
        let mut ledger = HourLedger::new();
        for o in 0..ORGS {
            crate::doc_fixtures::appoint(&mut ledger, org(o), staff(o), hour(0));
        }
        crate::doc_fixtures::appoint(&mut ledger, org(0), Actor::Volunteer(vol(0)), hour(0));
        Self {
            ledger,
            credits: Vec::new(),
            seqs: Vec::new(),
            done: Vec::new(),
            next: 1,
            clock: 0,
        }
    }

    /// The next command instant.
    fn tick(&mut self) -> DateTime<FixedOffset> {
        self.clock += 1;
        hour(100) + TimeDelta::minutes(self.clock)
    }

    fn fresh(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    fn actor(who: Who, v: u64, o: u64) -> Actor {
        match who {
            Who::Recorder => staff(o),
            Who::Outsider => staff((o + 1) % ORGS),
            Who::Volunteer => Actor::Volunteer(vol(v)),
        }
    }

    fn record(
        &mut self,
        v: u64,
        o: u64,
        h: i64,
        len: i64,
        corrects: Option<RecordId>,
        recorder: Actor,
    ) -> ServiceRecord {
        let n = self.fresh();
        let b = ServiceRecord::builder(
            RecordId::from_parts(4, n),
            vol(v),
            org(o),
            ActivityId::from_parts(5, o),
        )
        .activity_name("activity")
        .place("place")
        .beneficiary("residents")
        .content("service")
        .served(TimeSpan::new(hour(h), hour(h + len)).unwrap())
        .duration(Minutes::new(u32::try_from(len * 60 - 5).unwrap()))
        .recorder(recorder);
        match corrects {
            Some(r) => b.corrects(r).build().unwrap(),
            None => b.build().unwrap(),
        }
    }

    fn overlaps(&self, v: u64, start: i64, end: i64, ignoring: Option<usize>) -> bool {
        self.credits.iter().enumerate().any(|(i, c)| {
            Some(i) != ignoring && c.active && c.v == v && c.start < end && start < c.end
        })
    }

    fn run(&mut self, cmd: &Cmd) {
        let now = self.tick();
        let before = self.ledger.clone();
        match *cmd {
            Cmd::Credit {
                v,
                o,
                hour: h,
                len,
                who,
                stale,
            } => {
                let rec = self.record(v, o, h, len, None, staff(o));
                let id = rec.id();
                self.ledger.submit(staff(o), rec, now).unwrap();
                let after_submit = self.ledger.clone();
                let actor = Self::actor(who, v, o);
                let k = self.fresh();
                let next = self.ledger.next_seq();
                let append = if stale {
                    Append::new(IdempotencyKey::from_parts(6, k)).expecting(next + 1)
                } else {
                    Append::new(IdempotencyKey::from_parts(6, k)).expecting(next)
                };
                let res = self.ledger.confirm(actor, id, append, now);
                let authorised = matches!(who, Who::Recorder);
                let expect_ok = !stale && authorised && !self.overlaps(v, h, h + len, None);
                assert_eq!(res.is_ok(), expect_ok, "{cmd:?}: {res:?}");
                if let Ok(r) = res {
                    assert_eq!(r.outcome(), AppendOutcome::Appended);
                    self.credits.push(ModelCredit {
                        v,
                        o,
                        start: h,
                        end: h + len,
                        minutes: len * 60 - 5,
                        active: true,
                        record: id,
                    });
                    self.seqs.push(r.first());
                    self.done.push(Done::Confirm {
                        actor,
                        record: id,
                        append,
                    });
                } else {
                    match res {
                        Err(LedgerError::Overlap { conflicting, .. }) => {
                            assert!(
                                self.credits
                                    .iter()
                                    .any(|c| c.active && c.record == conflicting)
                            );
                        }
                        Err(LedgerError::SelfConfirmation { .. }) => {
                            assert!(matches!(who, Who::Volunteer) && o == 0 && v == 0);
                        }
                        _ => {}
                    }
                    assert_eq!(
                        self.ledger, after_submit,
                        "refused confirm changed the ledger"
                    );
                }
            }
            Cmd::Reverse { pick, who } => {
                if self.credits.is_empty() {
                    return;
                }
                let i = pick % self.credits.len();
                let c = self.credits[i].clone();
                let actor = Self::actor(who, c.v, c.o);
                let k = self.fresh();
                let append = Append::new(IdempotencyKey::from_parts(6, k));
                let res = self
                    .ledger
                    .reverse(actor, self.seqs[i], "model reversal", append, now);
                let authorised = matches!(who, Who::Recorder);
                assert_eq!(res.is_ok(), authorised && c.active, "{cmd:?}: {res:?}");
                if res.is_ok() {
                    self.credits[i].active = false;
                    self.done.push(Done::Reverse {
                        actor,
                        entry: self.seqs[i],
                        append,
                    });
                } else {
                    assert_eq!(self.ledger, before);
                }
            }
            Cmd::Retry { pick } => {
                if self.done.is_empty() {
                    return;
                }
                let res = match self.done[pick % self.done.len()].clone() {
                    Done::Confirm {
                        actor,
                        record,
                        append,
                    } => self.ledger.confirm(actor, record, append, now),
                    Done::Reverse {
                        actor,
                        entry,
                        append,
                    } => self
                        .ledger
                        .reverse(actor, entry, "model reversal", append, now),
                };
                assert_eq!(res.map(|r| r.outcome()), Ok(AppendOutcome::Retried));
                assert_eq!(self.ledger, before, "a retry changed the ledger");
            }
            Cmd::ReuseKey { pick, hour: h } => {
                if self.done.is_empty() {
                    return;
                }
                let append = match &self.done[pick % self.done.len()] {
                    Done::Confirm { append, .. } | Done::Reverse { append, .. } => *append,
                };
                let rec = self.record(0, 1, h, 1, None, staff(1));
                let id = rec.id();
                self.ledger.submit(staff(1), rec, now).unwrap();
                let after_submit = self.ledger.clone();
                let res = self.ledger.confirm(staff(1), id, append, now);
                assert!(matches!(res, Err(LedgerError::KeyReused { .. })), "{res:?}");
                assert_eq!(self.ledger, after_submit);
            }
            Cmd::Correct {
                pick,
                hour: h,
                len,
                approve,
                intruder,
            } => {
                if self.credits.is_empty() {
                    return;
                }
                let i = pick % self.credits.len();
                let c = self.credits[i].clone();
                let cid = CorrectionId::from_parts(7, self.fresh());
                let req =
                    CorrectionRequest::error(cid, vol(c.v), c.record, "times are wrong").unwrap();
                if intruder.is_some() {
                    // Another volunteer cannot raise it for them.
                    let other = Actor::Volunteer(vol((c.v + 1) % VOLUNTEERS));
                    let res = self.ledger.request_correction(other, req.clone(), now);
                    assert!(
                        matches!(res, Err(LedgerError::NotTheVolunteer { .. })),
                        "{res:?}"
                    );
                    assert_eq!(self.ledger, before);
                }
                let res = self
                    .ledger
                    .request_correction(Actor::Volunteer(vol(c.v)), req, now);
                assert_eq!(res.is_ok(), c.active, "{res:?}");
                if res.is_err() {
                    assert_eq!(self.ledger, before);
                    return;
                }
                if let Some(who) = intruder {
                    // An outsider or the volunteer (a recorder of organiser 0) cannot decide.
                    let actor = Self::actor(who, c.v, c.o);
                    let after_request = self.ledger.clone();
                    let res = self.ledger.reject_correction(actor, cid, "no", now);
                    assert!(
                        matches!(
                            res,
                            Err(LedgerError::NotRecorder { .. }
                                | LedgerError::SelfConfirmation { .. })
                        ),
                        "{res:?}"
                    );
                    let res = self.ledger.approve_correction(
                        actor,
                        cid,
                        None,
                        Append::new(IdempotencyKey::from_parts(8, self.next)),
                        now,
                    );
                    assert!(
                        matches!(
                            res,
                            Err(LedgerError::NotRecorder { .. }
                                | LedgerError::SelfConfirmation { .. })
                        ),
                        "{res:?}"
                    );
                    assert_eq!(self.ledger, after_request);
                }
                if !approve {
                    self.ledger
                        .reject_correction(
                            staff(c.o),
                            cid,
                            "not supported by the sign-in sheet",
                            now,
                        )
                        .unwrap();
                    return;
                }
                let fixed = self.record(c.v, c.o, h, len, Some(c.record), staff(c.o));
                let fid = fixed.id();
                let k = self.fresh();
                let append = Append::new(IdempotencyKey::from_parts(6, k));
                let after_request = self.ledger.clone();
                let res = self
                    .ledger
                    .approve_correction(staff(c.o), cid, Some(fixed), append, now);
                let ok = !self.overlaps(c.v, h, h + len, Some(i));
                assert_eq!(res.is_ok(), ok, "{res:?}");
                if let Ok(r) = res {
                    assert_eq!(r.count(), 2);
                    self.credits[i].active = false;
                    self.credits.push(ModelCredit {
                        v: c.v,
                        o: c.o,
                        start: h,
                        end: h + len,
                        minutes: len * 60 - 5,
                        active: true,
                        record: fid,
                    });
                    self.seqs.push(r.first() + 1);
                } else {
                    assert_eq!(self.ledger, after_request);
                }
            }
            Cmd::Omission { v, o, hour: h, len } => {
                let cid = CorrectionId::from_parts(7, self.fresh());
                let req = CorrectionRequest::omission(cid, vol(v), org(o), "not recorded").unwrap();
                self.ledger
                    .request_correction(Actor::Volunteer(vol(v)), req, now)
                    .unwrap();
                let missing = self.record(v, o, h, len, None, staff(o));
                let id = missing.id();
                let k = self.fresh();
                let res = self.ledger.approve_correction(
                    staff(o),
                    cid,
                    Some(missing),
                    Append::new(IdempotencyKey::from_parts(6, k)),
                    now,
                );
                assert_eq!(res.is_ok(), !self.overlaps(v, h, h + len, None), "{res:?}");
                if let Ok(r) = res {
                    self.credits.push(ModelCredit {
                        v,
                        o,
                        start: h,
                        end: h + len,
                        minutes: len * 60 - 5,
                        active: true,
                        record: id,
                    });
                    self.seqs.push(r.first());
                }
            }
            Cmd::Appoint { o, who } => {
                // Recorders, outsiders and volunteers are not administrators: refused, and
                // nothing changes.
                let actor = Self::actor(who, 0, o);
                let newcomer = Actor::Staff(StaffId::from_parts(8, self.fresh()));
                assert_eq!(
                    self.ledger.appoint_recorder(actor, org(o), newcomer, now),
                    Err(LedgerError::NotAdministrator {
                        actor,
                        organiser: org(o)
                    })
                );
                assert_eq!(self.ledger, before);
            }
        }
    }

    fn check(&self) {
        let l = &self.ledger;
        let entries = l.entries();
        // Totals equal the model and the fold of entries.
        for v in 0..VOLUNTEERS {
            let model: i64 = self
                .credits
                .iter()
                .filter(|c| c.active && c.v == v)
                .map(|c| c.minutes)
                .sum();
            let fold: i64 = entries
                .iter()
                .filter(|e| e.volunteer() == vol(v))
                .map(|e| e.amount().get())
                .sum();
            assert_eq!(l.totals().volunteer(vol(v)).get(), model);
            assert_eq!(fold, model);
        }
        for o in 0..ORGS {
            let model: i64 = self
                .credits
                .iter()
                .filter(|c| c.active && c.o == o)
                .map(|c| c.minutes)
                .sum();
            assert_eq!(l.totals().organiser(org(o)).get(), model);
        }
        // Every reversal nets its credit to zero.
        for e in entries {
            if let EntryKind::Reversal { of, .. } = e.kind() {
                let credit = l.entry(*of).unwrap();
                assert_eq!(credit.amount().get() + e.amount().get(), 0);
                assert_eq!(credit.served(), e.served());
            }
        }
        // No overlap among unreversed credits.
        let active: Vec<&LedgerEntry> = entries
            .iter()
            .filter(|e| {
                e.kind().is_credit()
                    && !entries.iter().any(
                        |r| matches!(r.kind(), EntryKind::Reversal { of, .. } if *of == e.seq()),
                    )
            })
            .collect();
        for (i, a) in active.iter().enumerate() {
            for b in &active[i + 1..] {
                assert!(a.volunteer() != b.volunteer() || !a.served().overlaps(&b.served()));
            }
        }
        // Gap-free sequence and a verifying chain.
        assert!(entries.iter().enumerate().all(|(i, e)| e.seq() == i as u64));
        l.verify().unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn ledger_state_machine(cmds in prop::collection::vec(cmd(), 1..60), tamper in any::<usize>(), delta in 1_i64..1_000) {
        let mut h = Harness::new();
        for c in &cmds {
            h.run(c);
            h.check();
        }
        let l = &h.ledger;
        prop_assert_eq!(&HourLedger::replay(l.events()).unwrap(), l);
        if !l.entries().is_empty() {
            let i = tamper % l.entries().len();
            let mut copy = l.entries().to_vec();
            copy[i] = copy[i].tampered_amount(MinuteDelta::new(copy[i].amount().get() + delta));
            prop_assert_eq!(HourLedger::verify_entries(&copy), Err(LedgerError::Tampered { entry: i as u64 }));
        }
    }
}

/// Nanoseconds this thread has run on a CPU (Linux), so a timing on a loaded machine
/// excludes the time other processes held the core.
fn thread_cpu_ns() -> Option<u128> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A quick timing of `confirm` with all validation (run with `--release -- --ignored`).
#[test]
#[ignore = "timing; run in release"]
fn timing_confirm() {
    const N: u64 = 200_000;
    let mut l = HourLedger::with_capacity(2 * 200_000);
    crate::doc_fixtures::appoint(&mut l, org(0), staff(0), hour(0));
    let mut ids = Vec::with_capacity(200_000);
    for n in 0..N {
        let v = n % 1_000;
        let slot = i64::try_from(n / 1_000).unwrap();
        let rec = ServiceRecord::builder(
            RecordId::from_parts(4, n),
            vol(v),
            org(0),
            ActivityId::from_parts(5, 0),
        )
        .activity_name("a")
        .place("p")
        .beneficiary("b")
        .content("c")
        .served(TimeSpan::new(hour(slot * 2), hour(slot * 2 + 1)).unwrap())
        .duration(Minutes::new(60))
        .recorder(staff(0))
        .build()
        .unwrap();
        ids.push(rec.id());
        l.submit(staff(0), rec, hour(0)).unwrap();
    }
    let keys: Vec<Append> = (0..N)
        .map(|n| Append::new(IdempotencyKey::from_parts(6, n)).expecting(n))
        .collect();
    let t = hour(1);
    let cpu_start = thread_cpu_ns();
    let start = std::time::Instant::now();
    for (append, id) in keys.iter().zip(&ids) {
        l.confirm(staff(0), *id, *append, t).unwrap();
    }
    let elapsed = start.elapsed();
    let cpu = thread_cpu_ns().zip(cpu_start).map(|(b, a)| b - a);
    if let Some(ns) = cpu {
        eprintln!(
            "confirm: on-CPU {} ms = {} appends per CPU second",
            ns / 1_000_000,
            u128::from(N) * 1_000_000_000 / ns.max(1)
        );
    }
    let verify_start = std::time::Instant::now();
    l.verify().unwrap();
    std::hint::black_box(&l);
    eprintln!(
        "confirm: {N} appends in {elapsed:?} = {} appends/s; verify {:?}",
        u128::from(N) * 1_000_000 / elapsed.as_micros().max(1),
        verify_start.elapsed()
    );
}

/// A credit of record `n` whose open attendance the policy closed automatically at the
/// shift end (12:00), two hours later (HRS-03).
fn auto_closed_record(n: u64) -> ServiceRecord {
    use crate::{AssignmentId, Attendance, AttendanceSource, CreditRequest, CreditingPolicy};
    let start = record_builder(n).build().unwrap().served().start();
    let shift = TimeSpan::new(start, start + TimeDelta::hours(4)).unwrap();
    let open = Attendance::checked_in(
        AssignmentId::from_parts(0, n),
        start,
        AttendanceSource::CodeScan,
    );
    let policy = CreditingPolicy::builder(PolicyVersion::new(1))
        .auto_close_after(Minutes::new(120))
        .build()
        .unwrap();
    let credit = policy.credit(&CreditRequest::new(
        ActivityId::from_parts(0, 2),
        shift,
        open,
        shift.end() + TimeDelta::hours(2),
    ));
    record_builder(n).credit(&credit).build().unwrap()
}

/// HRS-03: an automatically closed attendance is flagged on the record and on its credit
/// (and reversal), counted apart by the totals, covered by the hash and kept by replay.
#[test]
fn auto_closed_credits_are_flagged_in_the_ledger() {
    let mut l = credited(&[1]);
    let rec = auto_closed_record(2);
    let id = rec.id();
    assert_eq!(rec.auto_closed(), Some(rec.served().end()));
    l.submit(recorder(), rec, now()).unwrap();
    let r = l.confirm(recorder(), id, key(2), now()).unwrap();
    let entry = l.entry(r.first()).unwrap().clone();
    assert!(entry.auto_closed());
    assert!(!l.entry(0).unwrap().auto_closed());
    assert_eq!(l.totals().auto_closed(), MinuteDelta::new(240));
    assert_eq!(l.totals().all(), MinuteDelta::new(480));
    let by_flag = l.totals().group_by(LedgerEntry::auto_closed);
    assert_eq!(by_flag.get(&true), Some(&MinuteDelta::new(240)));
    // The flag is under the hash: clearing it is found by verify.
    let mut copy = l.entries().to_vec();
    copy[1].auto_closed = false;
    assert_eq!(
        HourLedger::verify_entries(&copy),
        Err(LedgerError::Tampered { entry: 1 })
    );
    // A reversal repeats the flag, so the flagged net goes to zero.
    let later = now() + TimeDelta::hours(1);
    let rev = l
        .reverse(recorder(), r.first(), "no check-out", key(3), later)
        .unwrap();
    assert!(l.entry(rev.first()).unwrap().auto_closed());
    assert_eq!(l.totals().auto_closed(), MinuteDelta::ZERO);
    assert_eq!(HourLedger::replay(l.events()).unwrap(), l);
    l.verify().unwrap();
}

/// The flag only comes from a verified check-in whose served interval ends by the
/// automatic close.
#[test]
fn an_auto_close_flag_must_fit_the_record() {
    let flagged = auto_closed_record(1);
    let at = flagged.auto_closed().unwrap();
    let rebuild = |b: crate::ServiceRecordBuilder| b.build();
    let credit_builder = || {
        let mut b = record_builder(1);
        b = b
            .served(flagged.served())
            .duration(flagged.duration())
            .policy(PolicyVersion::new(1))
            .provenance(Provenance::VerifiedCheckIn);
        b.auto_closed = flagged.auto_closed();
        b
    };
    assert_eq!(rebuild(credit_builder()).unwrap(), flagged);
    assert_eq!(
        rebuild(credit_builder().provenance(Provenance::Import)),
        Err(crate::RecordError::AutoClose {
            record: flagged.id(),
            at
        })
    );
    let longer = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:30:00+08:00");
    assert_eq!(
        rebuild(credit_builder().served(longer)),
        Err(crate::RecordError::AutoClose {
            record: flagged.id(),
            at
        })
    );
    insta::assert_snapshot!(
        crate::RecordError::AutoClose { record: RecordId::from_parts(0, 1), at }.to_string(),
        @"record 00000000-0000-7000-8000-000000000001 is flagged auto-closed at 2021-07-21 12:00:00 +08:00: it must be a verified check-in served until then at the latest"
    );
}

#[cfg(feature = "serde")]
#[test]
fn the_auto_close_flag_round_trips_through_json() {
    let rec = auto_closed_record(1);
    let json = serde_json::to_string(&rec).unwrap();
    assert!(json.contains(r#""auto_closed":"2021-07-21T12:00:00+08:00""#));
    assert_eq!(serde_json::from_str::<ServiceRecord>(&json).unwrap(), rec);
    let plain = record_builder(1).build().unwrap();
    assert!(
        !serde_json::to_string(&plain)
            .unwrap()
            .contains("auto_closed")
    );
    let mut l = credited(&[]);
    l.submit(recorder(), rec.clone(), now()).unwrap();
    l.confirm(recorder(), rec.id(), key(1), now()).unwrap();
    let entries = serde_json::to_string(l.entries()).unwrap();
    assert!(entries.contains(r#""auto_closed":true"#));
    let back: Vec<LedgerEntry> = serde_json::from_str(&entries).unwrap();
    assert_eq!(back, l.entries());
    HourLedger::verify_entries(&back).unwrap();
}
