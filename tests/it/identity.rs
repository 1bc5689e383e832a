//! Identity codes, volunteers, qualifications and the registry: trait checks, the frozen wire
//! shape, and round trips over generated values.

#[cfg(feature = "serde")]
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Weekday};
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
    ResidentId, MaskLevel, IdDocumentKind, Sex, StatusKind, VerificationMethod,
    RegistrationChannel, Accompaniment, TimeWindow, QualificationGrant, TrainingRecord,
    QualificationShortfall, TrainingShortfall
    => Copy + Clone + Eq + core::hash::Hash + core::fmt::Debug + Send + Sync
);
assert_impl!(
    DocumentNumber, IdDocument, PhoneNumber, VolunteerNo, PersonName, Email,
    StatusReason
    => Clone + Eq + Ord + core::hash::Hash + core::fmt::Debug + core::fmt::Display + Send + Sync
);
assert_impl!(
    IdDocumentKey, Contact, Availability, QualificationKind, QualificationGraph, GuardianConsent,
    RegistrationStatus, Volunteer, VolunteerBuilder, MinorPolicy, MinorViolation,
    VolunteerRegistry
    => Clone + core::fmt::Debug + Send + Sync
);
assert_impl!(
    ResidentIdError, IdDocumentError, PhoneNumberError, VolunteerNoError, PersonNameError,
    EmailError, AvailabilityError, QualificationError, VolunteerError, RegistryError
    => std::error::Error + Clone + Eq + Send + Sync + 'static
);

#[cfg(feature = "serde")]
mod wire {
    use super::*;
    use serde::{Serialize, de::DeserializeOwned};
    assert_impl!(
        ResidentId, DocumentNumber, IdDocument, IdDocumentKind, MaskLevel, PhoneNumber,
        VolunteerNo, PersonName, Sex, Email, Contact, TimeWindow, Availability,
        QualificationKind, QualificationGraph, QualificationGrant, TrainingRecord,
        QualificationShortfall, TrainingShortfall, RegistrationChannel, VerificationMethod,
        StatusReason, StatusKind, RegistrationStatus, GuardianConsent, Volunteer, MinorPolicy,
        MinorViolation, Accompaniment
        => Serialize + DeserializeOwned
    );
}

#[cfg(feature = "serde")]
fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid instant")
}

#[cfg(feature = "serde")]
fn d(s: &str) -> NaiveDate {
    s.parse().expect("valid date")
}

#[test]
fn sizes_stay_small() {
    assert_eq!(size_of::<ResidentId>(), 18);
    assert_eq!(size_of::<TimeWindow>(), 4);
}

#[cfg(feature = "serde")]
#[test]
fn volunteer_wire_shape() -> Result<(), Error> {
    let first_aid = QualificationId::from_parts(1_626_825_600_000, 1);
    let mut availability = Availability::never(FixedOffset::east_opt(8 * 3600).expect("offset"));
    availability.add_window(
        Weekday::Sat,
        TimeWindow::new(
            NaiveTime::from_hms_opt(22, 0, 0).expect("time"),
            NaiveTime::from_hms_opt(6, 0, 0).expect("time"),
        )?,
    );
    availability.add_unavailable(TimeSpan::new(
        at("2021-07-24T00:00:00+08:00"),
        at("2021-07-25T00:00:00+08:00"),
    )?);
    let mut v = Volunteer::builder(
        VolunteerId::from_parts(1_626_825_600_000, 1),
        VolunteerNo::new("JS-2021-000001")?,
        PersonName::new("张三")?,
        IdDocument::parse(None, "360426199101010071")?,
    )
    .birth_date(d("1991-01-01"))
    .sex(Sex::Male)
    .channel(RegistrationChannel::Organisation(OrgId::from_parts(
        1_626_825_600_000,
        2,
    )))
    .contact(Contact::new(
        Some(PhoneNumber::new("+8613812345678")?),
        Some(Email::new("zhangsan@example.cn")?),
    ))
    .tag(Tag::new("party-member")?)
    .home_division("320115005".parse()?)
    .availability(availability)
    .qualification(QualificationGrant::new(
        first_aid,
        d("2018-08-01"),
        Some(d("2021-07-31")),
        None,
    )?)
    .training(TrainingRecord::new(
        TrainingId::from_parts(1_626_825_600_000, 3),
        d("2021-07-20"),
        None,
    )?)
    .build()?;
    v.verify(
        at("2021-07-21T09:00:00+08:00"),
        VerificationMethod::OnlineIdentityCheck,
    )?;
    v.suspend(
        at("2021-07-22T09:00:00+08:00"),
        StatusReason::new("two no-shows")?,
    )?;
    let passport = IdDocument::parse(Some(IdDocumentKind::Passport), "E12345678")?;
    let value = serde_json::json!({
        "volunteer": v,
        "passport": passport,
        "minor_policy": MinorPolicy::dongying_2021(),
        "shortfall": QualificationShortfall::Expired { qualification: first_aid, on: d("2021-07-31") },
    });
    insta::assert_json_snapshot!("volunteer", value);
    Ok(())
}

#[cfg(feature = "serde")]
#[test]
fn invalid_identity_values_are_rejected_on_deserialise() {
    assert!(serde_json::from_str::<ResidentId>("\"110105194912310021\"").is_err());
    assert!(serde_json::from_str::<PhoneNumber>("\"12812345678\"").is_err());
    assert!(serde_json::from_str::<VolunteerNo>("\"11010519491231002X\"").is_err());
    assert!(serde_json::from_str::<TimeWindow>(r#"{"start_minute":1440,"minutes":1}"#).is_err());
    assert!(
        serde_json::from_str::<QualificationGrant>(
            r#"{"qualification":"0190c5c0-0000-7000-8000-000000000001","granted_on":"2021-07-01","expires_on":"2021-07-01","issuer":null}"#
        )
        .is_err()
    );
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
        fn codes(id in s::resident_id(), doc in s::id_document(), phone in s::phone_number(), no in s::volunteer_no()) {
            prop_assert_eq!(json_round_trip(&id), id);
            prop_assert_eq!(id.expose().parse::<ResidentId>().unwrap(), id);
            prop_assert_eq!(json_round_trip(&doc), doc.clone());
            prop_assert_eq!(json_round_trip(&phone), phone.clone());
            prop_assert_eq!(json_round_trip(&no), no.clone());
            prop_assert_eq!(no.to_string().parse::<VolunteerNo>().unwrap(), no);
        }

        #[test]
        fn profiles_and_policies(
            a in s::availability(), g in s::qualification_graph(), st in s::registration_status(),
            p in s::minor_policy(), c in s::guardian_consent(),
        ) {
            prop_assert_eq!(json_round_trip(&a), a);
            prop_assert_eq!(json_round_trip(&g), g);
            prop_assert_eq!(json_round_trip(&st), st);
            prop_assert_eq!(json_round_trip(&p), p);
            prop_assert_eq!(json_round_trip(&c), c);
        }
    }
}
