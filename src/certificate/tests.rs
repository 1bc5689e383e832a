#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use proptest::prelude::*;

use super::*;
use crate::doc_fixtures::{at, certified_ledger, organiser, record_builder, recorder};
use crate::{Actor, Append, IdempotencyKey, StaffId};

fn issuer() -> Issuer {
    Issuer::new(
        organiser(),
        "禄口街道新时代文明实践所",
        "王主任",
        "李干事",
        "025-5210 0000",
    )
    .unwrap()
}

fn t() -> DateTime<FixedOffset> {
    at("2021-08-02T09:00:00+08:00")
}

fn issued() -> (HourLedger, CertificateRegister, CertificateNo) {
    let (ledger, profile) = certified_ledger();
    let mut reg = CertificateRegister::new(issuer(), "JN-LK").unwrap();
    let app = reg.apply(&profile, t());
    reg.accept(app, t()).unwrap();
    let no = reg.issue(app, &ledger, t().date_naive(), "").unwrap();
    (ledger, reg, no)
}

#[test]
fn content_comes_from_the_ledger_with_the_id_masked() {
    let (ledger, reg, no) = issued();
    let c = reg.certificate(&no).unwrap();
    assert_eq!(c.service().minutes(), Minutes::new(480));
    assert_eq!(c.service().records().len(), 2);
    assert_eq!(c.service().first_day().to_string(), "2021-07-21");
    assert_eq!(c.service().last_day().to_string(), "2021-07-22");
    assert_eq!(c.volunteer().id_masked(), "320115********0012");
    assert_eq!(c.volunteer().volunteer_no(), "JS-2021-000100");
    assert_eq!(c.issuer().principal(), "王主任");
    for view in [c.to_string(), c.render_markdown(), format!("{c:?}")] {
        assert!(
            !view.contains("320115199001010012"),
            "full ID leaked: {view}"
        );
    }
    c.verify(&ledger).unwrap();
}

#[test]
fn only_the_issuers_own_records_are_certified() {
    // CERT-09: another organiser's credit of the same volunteer is not counted.
    let (mut ledger, profile) = certified_ledger();
    let other = OrgId::from_parts(5, 5);
    let staff = Actor::Staff(StaffId::from_parts(5, 5));
    crate::doc_fixtures::appoint(&mut ledger, other, staff, t());
    let rec = crate::ServiceRecord::builder(
        RecordId::from_parts(5, 1),
        profile.id(),
        other,
        crate::ActivityId::from_parts(5, 1),
    )
    .activity_name("other")
    .place("p")
    .beneficiary("b")
    .content("c")
    .served(crate::doc_fixtures::span(
        "2021-07-25T08:00:00+08:00",
        "2021-07-25T09:00:00+08:00",
    ))
    .duration(Minutes::new(60))
    .recorder(staff)
    .build()
    .unwrap();
    let id = rec.id();
    ledger.submit(staff, rec, t()).unwrap();
    ledger
        .confirm(
            staff,
            id,
            Append::new(IdempotencyKey::from_parts(5, 1)),
            t(),
        )
        .unwrap();
    let mut reg = CertificateRegister::new(issuer(), "JN-LK").unwrap();
    let app = reg.apply(&profile, t());
    reg.accept(app, t()).unwrap();
    let no = reg.issue(app, &ledger, t().date_naive(), "").unwrap();
    assert_eq!(
        reg.certificate(&no).unwrap().service().minutes(),
        Minutes::new(480)
    );
    // An issuer with no records of the volunteer certifies nothing.
    let none = Issuer::new(OrgId::from_parts(6, 6), "x", "y", "z", "w").unwrap();
    let mut reg = CertificateRegister::new(none, "X").unwrap();
    let app = reg.apply(&profile, t());
    reg.accept(app, t()).unwrap();
    let before = reg.clone();
    assert!(matches!(
        reg.issue(app, &ledger, t().date_naive(), ""),
        Err(CertificateError::NothingToCertify { .. })
    ));
    assert_eq!(reg, before);
}

#[test]
fn the_procedure_runs_in_order_and_numbers_have_no_gaps() {
    let (ledger, profile) = certified_ledger();
    let mut reg = CertificateRegister::new(issuer(), "JN-LK").unwrap();
    let app = reg.apply(&profile, t());
    let before = reg.clone();
    assert_eq!(
        reg.issue(app, &ledger, t().date_naive(), ""),
        Err(CertificateError::Transition {
            what: "application",
            state: "applied",
            action: "issue"
        })
    );
    assert_eq!(reg, before);
    assert_eq!(
        reg.accept(9, t()),
        Err(CertificateError::UnknownApplication { application: 9 })
    );
    reg.accept(app, t()).unwrap();
    assert_eq!(
        reg.application_state(app),
        Some(&ApplicationState::Accepted { at: t() })
    );
    assert!(reg.accept(app, t()).is_err());
    let long = "x".repeat(201);
    assert_eq!(
        reg.issue(app, &ledger, t().date_naive(), &long),
        Err(CertificateError::Text { what: "notes" })
    );
    let first = reg.issue(app, &ledger, t().date_naive(), "").unwrap();
    assert_eq!(
        reg.application_state(app),
        Some(&ApplicationState::Issued {
            number: first.clone()
        })
    );
    assert_eq!(reg.application_state(99), None);
    assert!(reg.issue(app, &ledger, t().date_naive(), "").is_err());
    let app2 = reg.apply(&profile, t());
    reg.accept(app2, t()).unwrap();
    let second = reg.issue(app2, &ledger, t().date_naive(), "").unwrap();
    assert_eq!((first.seq(), second.seq()), (1, 2));
    assert_eq!(second.to_string(), "JN-LK-000002");
    // Notice: default 7 days, configurable, not twice.
    assert_eq!(
        reg.publicise(&first, t(), 0),
        Err(CertificateError::NoticePeriod)
    );
    reg.publicise(&first, t(), DEFAULT_NOTICE_DAYS).unwrap();
    assert!(matches!(
        reg.certificate(&first).unwrap().status(),
        CertificateStatus::Publicised { until, .. } if *until == t() + TimeDelta::days(7)
    ));
    assert!(reg.publicise(&first, t(), 7).is_err());
    reg.publicise(&second, t(), 10).unwrap();
    let unknown: CertificateNo = "JN-LK-000009".parse().unwrap();
    assert!(matches!(
        reg.publicise(&unknown, t(), 7),
        Err(CertificateError::UnknownCertificate { .. })
    ));
}

#[test]
fn revoke_and_reissue_never_edit() {
    let (ledger, mut reg, no) = issued();
    let original = reg.certificate(&no).unwrap().clone();
    assert!(matches!(
        reg.apply_reissue(&no, t()),
        Err(CertificateError::Transition { .. })
    ));
    assert_eq!(
        reg.revoke(&no, t(), " "),
        Err(CertificateError::Text {
            what: "revocation reason"
        })
    );
    reg.revoke(&no, t(), "wrong content").unwrap();
    assert!(reg.revoke(&no, t(), "again").is_err());
    let app = reg.apply_reissue(&no, t()).unwrap();
    assert!(reg.apply_reissue(&no, t()).is_err()); // one reissue at a time
    reg.accept(app, t()).unwrap();
    let new_no = reg
        .issue(app, &ledger, t().date_naive(), "reissued")
        .unwrap();
    let old = reg.certificate(&no).unwrap();
    assert!(
        matches!(old.status(), CertificateStatus::Revoked { replaced_by: Some(n), .. } if *n == new_no)
    );
    // The revoked certificate's content and code are unchanged and still verify.
    assert_eq!(old.code(), original.code());
    assert_eq!(old.service(), original.service());
    old.verify(&ledger).unwrap();
    let new = reg.certificate(&new_no).unwrap();
    assert_eq!(new.replaces(), Some(&no));
    assert_ne!(new.code(), old.code());
    assert!(reg.apply_reissue(&no, t()).is_err()); // already replaced
}

#[test]
fn verification_fails_when_the_ledger_changes() {
    let (mut ledger, reg, no) = issued();
    let c = reg.certificate(&no).unwrap().clone();
    // Unrelated later entries do not matter.
    let rec = record_builder(5).build().unwrap();
    let id = rec.id();
    ledger.submit(recorder(), rec, t()).unwrap();
    ledger
        .confirm(
            recorder(),
            id,
            Append::new(IdempotencyKey::from_parts(9, 1)),
            t(),
        )
        .unwrap();
    c.verify(&ledger).unwrap();
    // Reversing a certified credit supersedes the certificate.
    ledger
        .reverse(
            recorder(),
            0,
            "duplicate",
            Append::new(IdempotencyKey::from_parts(9, 2)),
            t(),
        )
        .unwrap();
    assert!(matches!(
        c.verify(&ledger),
        Err(CertificateError::Superseded { .. })
    ));
    // Another ledger (another history) does not match.
    let (other, _) = {
        let (mut l, p) = crate::doc_fixtures::certified_ledger();
        l.reverse(
            recorder(),
            1,
            "dup",
            Append::new(IdempotencyKey::from_parts(9, 3)),
            t(),
        )
        .unwrap();
        (l, p)
    };
    // Same entries up to issue, but the second certified record was reversed since.
    assert!(matches!(
        c.verify(&other),
        Err(CertificateError::Superseded { .. })
    ));
    let empty = crate::doc_fixtures::ledger();
    assert!(matches!(
        c.verify(&empty),
        Err(CertificateError::LedgerMismatch { seq: 2, .. })
    ));
}

#[test]
fn the_public_view_shows_only_number_status_hours_and_period() {
    let (_, reg, no) = issued();
    let p = reg.public_view(&no).unwrap();
    assert_eq!(p.number(), &no);
    assert_eq!(p.status(), "issued");
    assert_eq!(p.minutes(), Minutes::new(480));
    assert_eq!(p.period().0.to_string(), "2021-07-21");
    let shown = format!("{p:?}");
    assert!(!shown.contains("320115") && !shown.contains("李四"));
}

#[test]
fn numbers_and_codes_parse() {
    assert!("JN-LK-000001".parse::<CertificateNo>().is_ok());
    for bad in [
        "JN-LK-1",
        "jn-000001",
        "-000001",
        "JN-000000",
        "JN-00000a",
        "JN",
    ] {
        assert!(bad.parse::<CertificateNo>().is_err(), "{bad}");
    }
    assert!(CertificateRegister::new(issuer(), "jn").is_err());
    assert!(Issuer::new(organiser(), " ", "a", "b", "c").is_err());
    let code = VerificationCode::from_digest(&[0xff; 32]);
    assert_eq!(code.as_str(), "7777777777777777");
    assert_eq!(code.to_string(), "7777-7777-7777-7777");
    assert_eq!(
        VerificationCode::from_digest(&[0; 32]).as_str(),
        "AAAAAAAAAAAAAAAA"
    );
    // RFC 4648 test vector: "fooba" → MZXW6YTB.
    assert_eq!(
        &VerificationCode::from_digest(b"foobafooba").as_str()[..8],
        "MZXW6YTB"
    );
    assert!(VerificationCode::try_from("ABCD-EFGH-IJKL-MNO1".to_owned()).is_err());
    assert_eq!(VerificationCode::try_from(code.to_string()), Ok(code));
}

#[derive(Debug, Clone)]
enum Tamper {
    Notes(String),
    Minutes(u32),
    Name(String),
    IssuedOn(i64),
    Handler(String),
    DropRecord,
    LedgerSeq(u64),
}

fn tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        "[a-z]{1,10}".prop_map(Tamper::Notes),
        (0_u32..10_000)
            .prop_filter("changed", |m| *m != 480)
            .prop_map(Tamper::Minutes),
        "[a-z]{1,10}".prop_map(Tamper::Name),
        (1_i64..1000).prop_map(Tamper::IssuedOn),
        "[a-z]{1,10}".prop_map(Tamper::Handler),
        Just(Tamper::DropRecord),
        (0_u64..100)
            .prop_filter("changed", |s| *s != 2)
            .prop_map(Tamper::LedgerSeq),
    ]
}

proptest! {
    /// CERT-08: changing any content field breaks verification.
    #[test]
    fn any_altered_field_fails_verification(change in tamper()) {
        let (ledger, reg, no) = issued();
        let mut c = reg.certificate(&no).unwrap().clone();
        match change {
            Tamper::Notes(n) => c.notes = n,
            Tamper::Minutes(m) => c.service.minutes = Minutes::new(m),
            Tamper::Name(n) => c.volunteer.name = n,
            Tamper::IssuedOn(d) => c.issued_on += TimeDelta::days(d),
            Tamper::Handler(h) => c.issuer.handler = h,
            Tamper::DropRecord => { c.service.records.pop(); }
            Tamper::LedgerSeq(s) => c.service.ledger_seq = s,
        }
        let altered = matches!(c.verify(&ledger), Err(CertificateError::Altered { .. }));
        prop_assert!(altered);
    }

    /// A certificate whose code was recomputed after an edit still fails against the ledger.
    #[test]
    fn a_reforged_certificate_fails_against_the_ledger(m in 1_u32..10_000) {
        prop_assume!(m != 480);
        let (ledger, reg, no) = issued();
        let mut c = reg.certificate(&no).unwrap().clone();
        c.service.minutes = Minutes::new(m);
        c.code = c.compute_code();
        let mismatch = matches!(c.verify(&ledger), Err(CertificateError::LedgerMismatch { .. }));
        prop_assert!(mismatch);
    }
}

#[derive(Debug, Clone)]
enum RegOp {
    Apply(usize),
    Accept(u64),
    Issue(u64),
    Publicise(u32, u32),
    Revoke(u32),
    Reissue(u32),
}

fn reg_op() -> impl Strategy<Value = RegOp> {
    prop_oneof![
        (0_usize..2).prop_map(RegOp::Apply),
        (0_u64..6).prop_map(RegOp::Accept),
        (0_u64..6).prop_map(RegOp::Issue),
        (1_u32..4, 0_u32..10).prop_map(|(n, d)| RegOp::Publicise(n, d)),
        (1_u32..4).prop_map(RegOp::Revoke),
        (1_u32..4).prop_map(RegOp::Reissue),
    ]
}

proptest! {
    /// Every state change is an event: whatever the commands (refused ones change nothing),
    /// replaying the events (and their JSON) rebuilds an identical register, certificates
    /// and verification codes included, without the ledger.
    #[test]
    fn replay_reproduces_the_register(ops in prop::collection::vec(reg_op(), 0..24)) {
        let (ledger, profile) = certified_ledger();
        let people = [profile, crate::doc_fixtures::volunteer()];
        let mut reg = CertificateRegister::new(issuer(), "JN-LK").unwrap();
        for op in ops {
            let before = reg.clone();
            let no = |n: u32| CertificateNo { prefix: "JN-LK".into(), seq: n };
            let refused = match op {
                RegOp::Apply(p) => { reg.apply(&people[p], t()); false }
                RegOp::Accept(a) => reg.accept(a, t()).is_err(),
                RegOp::Issue(a) => reg.issue(a, &ledger, t().date_naive(), " notes ").is_err(),
                RegOp::Publicise(n, d) => reg.publicise(&no(n), t(), d).is_err(),
                RegOp::Revoke(n) => reg.revoke(&no(n), t(), "wrong activity name").is_err(),
                RegOp::Reissue(n) => reg.apply_reissue(&no(n), t()).is_err(),
            };
            if refused {
                prop_assert_eq!(&reg, &before);
            }
        }
        prop_assert_eq!(&CertificateRegister::replay(reg.events()).unwrap(), &reg);
        #[cfg(feature = "serde")]
        {
            let json = serde_json::to_string(&reg).unwrap();
            prop_assert_eq!(&serde_json::from_str::<CertificateRegister>(&json).unwrap(), &reg);
        }
    }
}

#[test]
fn every_change_is_an_event_and_replay_checks_the_history() {
    let (ledger, mut reg, no) = issued();
    reg.publicise(&no, t(), 7).unwrap();
    reg.revoke(&no, t(), "wrong activity name").unwrap();
    let again = reg.apply_reissue(&no, t()).unwrap();
    reg.accept(again, t()).unwrap();
    reg.issue(again, &ledger, t().date_naive(), "reissued")
        .unwrap();
    let names: Vec<&str> = reg.events().iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        names,
        [
            "opened",
            "applied",
            "accepted",
            "issued",
            "publicised",
            "revoked",
            "reissue_applied",
            "accepted",
            "issued"
        ]
    );
    let back = CertificateRegister::replay(reg.events()).unwrap();
    assert_eq!(back, reg);
    for c in back.certificates() {
        c.verify(&ledger).unwrap_or_else(|e| {
            // The first certificate was revoked; only its content is checked.
            assert!(matches!(e, CertificateError::Superseded { .. }), "{e}");
        });
    }
    let events = reg.events().to_vec();
    assert_eq!(
        CertificateRegister::replay(&events[1..]),
        Err(CertificateError::ReplayMismatch { event: 0 })
    );
    let mut twice = events.clone();
    twice.insert(1, events[0].clone());
    assert_eq!(
        CertificateRegister::replay(&twice),
        Err(CertificateError::ReplayMismatch { event: 1 })
    );
    // Issuing the same application twice is not a history a register produces.
    let mut doubled = events[..4].to_vec();
    doubled.push(events[3].clone());
    assert!(matches!(
        CertificateRegister::replay(&doubled),
        Err(CertificateError::Transition {
            action: "issue",
            ..
        })
    ));
    let mut future = events;
    future[2].version = 9;
    assert_eq!(
        CertificateRegister::replay(&future),
        Err(CertificateError::UnsupportedEventVersion { version: 9 })
    );
    insta::assert_snapshot!(CertificateError::UnsupportedEventVersion { version: 9 }, @"certificate event version 9 is not supported: expected 1");
    insta::assert_snapshot!(CertificateError::ReplayMismatch { event: 1 }, @"certificate event 1 does not replay to itself");
}
