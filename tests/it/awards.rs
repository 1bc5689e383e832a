//! Roll-ups, star ladders, certificates and the time bank: trait checks, pinned error
//! messages, certificate renderings and wire shapes.

#![allow(clippy::unwrap_used, reason = "a failed step should fail the test")]

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
    OrgRollup, RollupQuery, MembershipTotals, ActivityIndex, StarLadder, StarApplication,
    PointsRule, Certificate, CertificateRegister, Issuer, TimeBank, TimeBankPolicy, TimeTxn
    => Clone + core::fmt::Debug + Send + Sync
);
assert_impl!(
    Period, PeriodKey, Distinction, AwardingLevel, StarTier, AnnualMinimum, AccountOwner, Account,
    Relation, VerificationCode
    => Copy + Eq + core::hash::Hash + core::fmt::Debug + Send + Sync
);
#[cfg(feature = "serde")]
assert_impl!(
    TimeBank, TimeBankEvent, TimeBankEventKind, CertificateRegister, CertificateEvent,
    CertificateEventKind
    => Clone + Eq + core::fmt::Debug + Send + Sync + serde::Serialize + serde::de::DeserializeOwned
);
assert_impl!(
    RollupError, AwardError, CertificateError, TimeBankError
    => std::error::Error + Clone + Eq + Send + Sync + 'static
);

fn at(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    doc_fixtures::at(s)
}

/// The register of the certificate fixture: one issued, publicised certificate and its
/// revoked-and-reissued successor.
fn register() -> (
    HourLedger,
    CertificateRegister,
    CertificateNo,
    CertificateNo,
) {
    let (ledger, profile) = doc_fixtures::certified_ledger();
    let issuer = Issuer::new(
        doc_fixtures::organiser(),
        "禄口街道新时代文明实践所",
        "王主任",
        "李干事",
        "025-5210 0000",
    )
    .unwrap();
    let mut reg = CertificateRegister::new(issuer, "JN-LK").unwrap();
    let t = at("2021-08-02T09:00:00+08:00");
    let app = reg.apply(&profile, t);
    reg.accept(app, t).unwrap();
    let first = reg.issue(app, &ledger, t.date_naive(), "").unwrap();
    reg.publicise(&first, t, DEFAULT_NOTICE_DAYS).unwrap();
    reg.revoke(&first, at("2021-08-03T09:00:00+08:00"), "issue date typo")
        .unwrap();
    let again = reg.apply_reissue(&first, t).unwrap();
    reg.accept(again, t).unwrap();
    let second = reg
        .issue(
            again,
            &ledger,
            "2021-08-03".parse().unwrap(),
            "replaces JN-LK-000001",
        )
        .unwrap();
    (ledger, reg, first, second)
}

#[test]
fn certificate_renderings() {
    let (ledger, reg, first, second) = register();
    let cert = reg.certificate(&second).unwrap();
    cert.verify(&ledger).unwrap();
    reg.certificate(&first).unwrap().verify(&ledger).unwrap();
    insta::assert_snapshot!("certificate_markdown", cert.render_markdown());
    insta::assert_snapshot!("certificate_text", cert.to_string());
}

#[cfg(feature = "serde")]
#[test]
fn certificate_wire() {
    let (_, reg, first, second) = register();
    let revoked = reg.certificate(&first).unwrap();
    insta::assert_json_snapshot!("certificate_revoked", revoked);
    insta::assert_json_snapshot!("certificate_public_view", reg.public_view(&second).unwrap());
    // Round trip, and a tampered document is refused.
    let json = serde_json::to_string(revoked).unwrap();
    assert_eq!(
        &serde_json::from_str::<Certificate>(&json).unwrap(),
        revoked
    );
    let forged = json.replace("\"minutes\":480", "\"minutes\":600");
    assert_ne!(forged, json);
    assert!(serde_json::from_str::<Certificate>(&forged).is_err());
    let json = serde_json::to_string(&StarLadder::beijing()).unwrap();
    insta::assert_snapshot!("star_ladder_beijing", json);
}

#[test]
fn award_error_messages() {
    let v = VolunteerId::from_parts(0, 1);
    let no: CertificateNo = "JN-LK-000001".parse().unwrap();
    let messages = [
        AwardError::NotEligible {
            volunteer: v,
            distinction: Distinction::star(2).unwrap(),
            served: 600,
            required: 18_000,
        }
        .to_string(),
        AwardError::Transition {
            state: "applied",
            action: "award",
        }
        .to_string(),
        CertificateError::Altered { number: no.clone() }.to_string(),
        CertificateError::Superseded {
            number: no,
            record: RecordId::from_parts(0, 2),
        }
        .to_string(),
        CertificateError::NothingToCertify {
            issuer: OrgId::from_parts(0, 3),
            volunteer: v,
        }
        .to_string(),
        TimeBankError::Insufficient {
            owner: AccountOwner::Individual(v),
            balance: 30,
            amount: 60,
        }
        .to_string(),
        TimeBankError::NotPermitted {
            from: v,
            to: VolunteerId::from_parts(0, 4),
        }
        .to_string(),
        TimeBankError::AlreadyDeposited { entry: 3, txn: 1 }.to_string(),
        RollupError::Diverged { seq: 4 }.to_string(),
    ];
    insta::assert_snapshot!("award_error_messages", messages.join("\n"));
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
        let json = serde_json::to_string(value).expect("serialise");
        serde_json::from_str(&json).expect("valid")
    }

    proptest! {
        #[test]
        fn award_values_round_trip(
            ladder in s::star_ladder(),
            rule in s::points_rule(),
            query in s::rollup_query(),
            key in s::period_key(),
            min in s::annual_minimum(),
            tier in s::star_tier(),
        ) {
            prop_assert_eq!(json_round_trip(&ladder), ladder);
            prop_assert_eq!(json_round_trip(&rule), rule);
            prop_assert_eq!(json_round_trip(&query), query);
            prop_assert_eq!(json_round_trip(&key), key);
            prop_assert_eq!(json_round_trip(&min), min);
            prop_assert_eq!(json_round_trip(&tier), tier);
        }

        #[test]
        fn certificate_and_bank_values_round_trip(
            issuer in s::issuer(),
            no in s::certificate_no(),
            policy in s::time_bank_policy(),
            account in s::account(),
            relation in s::relation(),
        ) {
            prop_assert_eq!(json_round_trip(&issuer), issuer);
            prop_assert_eq!(no.to_string().parse::<CertificateNo>().expect("valid"), no.clone());
            prop_assert_eq!(json_round_trip(&no), no);
            prop_assert_eq!(json_round_trip(&policy), policy);
            prop_assert_eq!(json_round_trip(&account), account);
            prop_assert_eq!(json_round_trip(&relation), relation);
        }
    }
}
