//! Strategies for volunteers: contact details, availability, qualifications, trainings,
//! registration and minor policies, and whole profiles.

use std::collections::BTreeSet;

use chrono::{Days, FixedOffset, TimeDelta, Weekday};
use proptest::prelude::*;

use super::{
    birth_date, date, division_code, document_number, fixed_offset, geo_point_jiangsu,
    id_document_kind, instant, org_id, person_name, phone_number, qualification_id,
    resident_id_for, sex, tag, time_span, training_id, volunteer_id, volunteer_no,
};
use crate::{
    Accompaniment, Availability, Contact, Email, GuardianConsent, IdDocument, MinorPolicy,
    QualificationGrant, QualificationGraph, QualificationKind, RegistrationChannel,
    RegistrationStatus, StatusKind, StatusReason, TimeWindow, TrainingRecord, VerificationMethod,
    Volunteer, VolunteerRegistry,
};

/// E-mail addresses of the shape `local@domain.tld`.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Email};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::email().new_tree(&mut runner).unwrap().current();
///     assert_eq!(Email::new(x.as_str())?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn email() -> impl Strategy<Value = Email> {
    "[a-z0-9._]{1,16}@[a-z0-9]{1,12}\\.(cn|com|org)"
        .prop_map(|s| Email::new(&s).expect("generated valid"))
}

/// Contact details with or without phone and e-mail.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::contact().new_tree(&mut runner).unwrap().current();
///     assert!(x.phone().is_none_or(|p| p.to_string().contains('*'))); // masked in Display
/// }
/// ```
pub fn contact() -> impl Strategy<Value = Contact> {
    (prop::option::of(phone_number()), prop::option::of(email()))
        .prop_map(|(p, e)| Contact::new(p, e))
}

/// Windows on 15-minute marks, often past midnight.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, TimeWindow};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::time_window().new_tree(&mut runner).unwrap().current();
///     assert_eq!(TimeWindow::from_minutes(x.start_minute(), x.minutes())?, x);
///     assert_eq!(x.start_minute() % 15, 0);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn time_window() -> impl Strategy<Value = TimeWindow> {
    (0_u16..96, 1_u16..=96)
        .prop_map(|(s, l)| TimeWindow::from_minutes(s * 15, l * 15).expect("in range"))
}

/// Weekly patterns in any offset with a few dated exceptions, or [`Availability::always`].
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::availability().new_tree(&mut runner).unwrap().current();
///     use chrono::Weekday;
///     // Windows are kept in order.
///     let w = x.windows(Weekday::Mon);
///     assert!(w.windows(2).all(|p| p[0] <= p[1]));
/// }
/// ```
pub fn availability() -> impl Strategy<Value = Availability> {
    prop_oneof![
        1 => Just(Availability::always()),
        3 => (
            fixed_offset(),
            prop::collection::vec((0_u8..7, time_window()), 0..10),
            prop::collection::vec(time_span(), 0..3),
            prop::collection::vec(time_span(), 0..3),
        )
            .prop_map(|(off, windows, unavailable, extra): (FixedOffset, _, Vec<_>, Vec<_>)| {
                let mut a = Availability::never(off);
                for (d, w) in windows {
                    a.add_window(Weekday::try_from(d).expect("0..7"), w);
                }
                for u in unavailable {
                    a.add_unavailable(u);
                }
                for x in extra {
                    a.add_extra(x);
                }
                a
            }),
    ]
}

/// Qualification kinds with names like `q-123` and optional validity.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, QualificationKind};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::qualification_kind().new_tree(&mut runner).unwrap().current();
///     assert_eq!(QualificationKind::new(x.id(), x.name(), x.default_validity_months())?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn qualification_kind() -> impl Strategy<Value = QualificationKind> {
    (
        qualification_id(),
        "[a-z ]{1,30}[a-z]",
        prop::option::of(1_u32..120),
    )
        .prop_map(|(id, name, months)| {
            QualificationKind::new(id, &name, months).expect("generated valid")
        })
}

/// Grants valid from a day in 2020–2030, open-ended or for 1–3,650 days.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, QualificationGrant};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::qualification_grant().new_tree(&mut runner).unwrap().current();
///     assert_eq!(QualificationGrant::new(x.qualification(), x.granted_on(), x.expires_on(), x.issuer())?, x);
///     assert!(x.is_valid_on(x.granted_on()));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn qualification_grant() -> impl Strategy<Value = QualificationGrant> {
    (
        qualification_id(),
        date(),
        prop::option::of(1_u64..3_650),
        prop::option::of(org_id()),
    )
        .prop_map(|(q, from, len, issuer)| {
            let until = len.map(|l| from.checked_add_days(Days::new(l)).expect("in range"));
            QualificationGrant::new(q, from, until, issuer).expect("until after from")
        })
}

/// Training records from a day in 2020–2030, open-ended or for 1–3,650 days.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, TrainingRecord};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::training_record().new_tree(&mut runner).unwrap().current();
///     assert_eq!(TrainingRecord::new(x.training(), x.completed_on(), x.expires_on())?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn training_record() -> impl Strategy<Value = TrainingRecord> {
    (training_id(), date(), prop::option::of(1_u64..3_650)).prop_map(|(t, from, len)| {
        let until = len.map(|l| from.checked_add_days(Days::new(l)).expect("in range"));
        TrainingRecord::new(t, from, until).expect("until after from")
    })
}

/// Every registration channel.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, RegistrationChannel};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::registration_channel().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.organisation().is_some(), matches!(x, RegistrationChannel::Organisation(_)));
/// }
/// ```
pub fn registration_channel() -> impl Strategy<Value = RegistrationChannel> {
    prop_oneof![
        Just(RegistrationChannel::Website),
        Just(RegistrationChannel::WeChat),
        Just(RegistrationChannel::Email),
        Just(RegistrationChannel::Phone),
        org_id().prop_map(RegistrationChannel::Organisation),
        Just(RegistrationChannel::Import),
    ]
}

/// Every verification method.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::verification_method().new_tree(&mut runner).unwrap().current();
///     assert!(["in_person", "id_card_reader", "online_identity_check", "face_recognition"].contains(&x.to_string().as_str()));
/// }
/// ```
pub fn verification_method() -> impl Strategy<Value = VerificationMethod> {
    prop::sample::select(vec![
        VerificationMethod::InPerson,
        VerificationMethod::IdCardReader,
        VerificationMethod::OnlineIdentityCheck,
        VerificationMethod::FaceRecognition,
    ])
}

/// Reasons of 1–40 characters.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, StatusReason};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::status_reason().new_tree(&mut runner).unwrap().current();
///     assert_eq!(StatusReason::new(x.as_str())?, x);
///     assert!((1..=40).contains(&x.as_str().chars().count()));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn status_reason() -> impl Strategy<Value = StatusReason> {
    "[a-z][a-z ]{0,38}[a-z]?".prop_map(|s| StatusReason::new(&s).expect("generated valid"))
}

/// The presets and random thresholds.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::minor_policy().new_tree(&mut runner).unwrap().current();
///     // Consent and accompaniment rules only concern minors.
///     assert!(x.consent_under().is_none_or(|c| c <= x.adult_age()));
///     assert!(x.accompany_under().is_none_or(|a| a <= x.adult_age()));
/// }
/// ```
pub fn minor_policy() -> impl Strategy<Value = MinorPolicy> {
    prop_oneof![
        Just(MinorPolicy::national()),
        Just(MinorPolicy::dongying_2021()),
        Just(MinorPolicy::suzhou_platform()),
        Just(MinorPolicy::cyl_2013()),
        (
            prop::option::of(6_u8..18),
            prop::option::of(6_u8..18),
            14_u8..=18,
            prop::option::of(6_u8..12)
        )
            .prop_map(|(min, consent, hazardous, accompany)| {
                MinorPolicy::national()
                    .with_min_age(min)
                    .with_consent_under(consent)
                    .with_hazardous_min_age(hazardous)
                    .with_accompany_under(accompany)
            }),
    ]
}

/// Either accompaniment.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Accompaniment};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::accompaniment().new_tree(&mut runner).unwrap().current();
///     assert!(matches!(x, Accompaniment::Guardian | Accompaniment::Unaccompanied));
/// }
/// ```
pub fn accompaniment() -> impl Strategy<Value = Accompaniment> {
    prop_oneof![
        Just(Accompaniment::Guardian),
        Just(Accompaniment::Unaccompanied)
    ]
}

/// A guardian consent given on a day in 2020–2030.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::guardian_consent().new_tree(&mut runner).unwrap().current();
///     use chrono::Datelike;
///     assert!((2020..=2030).contains(&x.given_on().year()));
///     assert!(x.phone().to_string().contains('*')); // masked
/// }
/// ```
pub fn guardian_consent() -> impl Strategy<Value = GuardianConsent> {
    (person_name(), phone_number(), date())
        .prop_map(|(name, phone, on)| GuardianConsent::new(name, phone, on))
}

/// Valid, registered volunteer profiles: a resident ID that agrees with the declared birth
/// date and sex (or another document), contact, tags, home area, availability, grants,
/// trainings and, for minors, sometimes a guardian's consent.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::volunteer().new_tree(&mut runner).unwrap().current();
///     // The declared birth date and sex agree with a resident ID (ID-06).
///     if let Some(id) = x.document().resident_id() {
///         assert_eq!((id.birth_date(), id.sex()), (x.birth_date(), x.sex()));
///     }
///     assert_eq!(x.status(), &volunteer_service::RegistrationStatus::Registered);
/// }
/// ```
pub fn volunteer() -> impl Strategy<Value = Volunteer> {
    (birth_date(), sex())
        .prop_flat_map(|(birth, s)| {
            let document = prop_oneof![
                4 => resident_id_for(birth, s).prop_map(IdDocument::ResidentId),
                1 => (id_document_kind(), document_number())
                    .prop_map(|(kind, number)| IdDocument::Other { kind, number }),
            ];
            (
                (volunteer_id(), volunteer_no(), person_name(), document),
                (
                    Just(birth),
                    Just(s),
                    contact(),
                    prop::collection::btree_set(tag(), 0..4),
                ),
                (
                    prop::option::of(division_code()),
                    prop::option::of(geo_point_jiangsu()),
                    registration_channel(),
                    availability(),
                ),
                (
                    prop::collection::vec(qualification_grant(), 0..3),
                    prop::collection::vec(training_record(), 0..3),
                    prop::option::of((person_name(), phone_number(), 0_u64..7_000)),
                ),
            )
        })
        .prop_map(
            |(
                (id, no, name, doc),
                (birth, s, contact, tags),
                (div, point, channel, avail),
                (grants, trainings, consent),
            )| {
                let tags: BTreeSet<_> = tags;
                let mut b = Volunteer::builder(id, no, name, doc)
                    .birth_date(birth)
                    .sex(s)
                    .contact(contact)
                    .tags(tags)
                    .channel(channel)
                    .availability(avail);
                if let Some(div) = div {
                    b = b.home_division(div);
                }
                if let Some(point) = point {
                    b = b.home_point(point);
                }
                for g in grants {
                    b = b.qualification(g);
                }
                for t in trainings {
                    b = b.training(t);
                }
                if let Some((guardian, phone, after)) = consent {
                    let on = birth.checked_add_days(Days::new(after)).expect("in range");
                    b = b.guardian_consent(GuardianConsent::new(guardian, phone, on));
                }
                b.build().expect("generated consistent")
            },
        )
}

/// Acyclic graphs of 1–8 kinds: edges only run from a later kind to an earlier one.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::qualification_graph().new_tree(&mut runner).unwrap().current();
///     // Acyclic: no kind includes another kind that includes it back.
///     for (whole, part) in x.edges() {
///         assert!(x.includes(whole, part));
///         assert!(!x.includes(part, whole));
///     }
/// }
/// ```
pub fn qualification_graph() -> impl Strategy<Value = QualificationGraph> {
    (
        prop::collection::vec(qualification_kind(), 1..8),
        prop::collection::vec((0_usize..8, 0_usize..8), 0..12),
    )
        .prop_map(|(kinds, edges)| {
            let mut g = QualificationGraph::new();
            let mut ids = Vec::new();
            for k in kinds {
                let id = k.id();
                if g.add_kind(k).is_ok() {
                    ids.push(id);
                }
            }
            for (a, b) in edges {
                if let (Some(&hi), Some(&lo)) = (ids.get(a.max(b)), ids.get(a.min(b)))
                    && a != b
                {
                    g.add_includes(hi, lo).expect("later to earlier is acyclic");
                }
            }
            g
        })
}

/// Every state name.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::status_kind().new_tree(&mut runner).unwrap().current();
///     assert!(["registered", "real_name_verified", "suspended", "cancelled"].contains(&x.to_string().as_str()));
/// }
/// ```
pub fn status_kind() -> impl Strategy<Value = StatusKind> {
    prop::sample::select(vec![
        StatusKind::Registered,
        StatusKind::RealNameVerified,
        StatusKind::Suspended,
        StatusKind::Cancelled,
    ])
}

/// Statuses in every state, with instants in 2020–2030.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::registration_status().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.is_active(), x.kind() == volunteer_service::StatusKind::RealNameVerified);
/// }
/// ```
pub fn registration_status() -> impl Strategy<Value = RegistrationStatus> {
    prop_oneof![
        Just(RegistrationStatus::Registered),
        (instant(), verification_method())
            .prop_map(|(at, method)| RegistrationStatus::RealNameVerified { at, method }),
        (
            instant(),
            1_i64..100_000,
            status_reason(),
            verification_method()
        )
            .prop_map(|(verified_at, after, reason, method)| {
                RegistrationStatus::Suspended {
                    at: verified_at + TimeDelta::minutes(after),
                    reason,
                    verified_at,
                    method,
                }
            }),
        (instant(), status_reason())
            .prop_map(|(at, reason)| RegistrationStatus::Cancelled { at, reason }),
    ]
}

/// Registries of up to 8 volunteers under a policy without consent or age limits; entries
/// whose id, document or number collide are skipped.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::volunteer_registry().new_tree(&mut runner).unwrap().current();
///     // Every registered volunteer is found by its number and its document.
///     for v in x.iter() {
///         assert_eq!(x.by_volunteer_no(v.volunteer_no()).map(|w| w.id()), Some(v.id()));
///         assert_eq!(x.by_document(v.document()).map(|w| w.id()), Some(v.id()));
///     }
/// }
/// ```
pub fn volunteer_registry() -> impl Strategy<Value = VolunteerRegistry> {
    prop::collection::vec(volunteer(), 0..8).prop_map(|vs| {
        let policy = MinorPolicy::national().with_consent_under(None);
        let mut reg = VolunteerRegistry::new(policy);
        let day = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).expect("valid date");
        for v in vs {
            // Collisions are possible in principle; skip them.
            let _ = reg.register(v, day);
        }
        reg
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategies::{id_document, resident_id};
    use crate::{DocumentNumber, PhoneNumber, ResidentId, VolunteerNo};

    proptest! {
        /// Every strategy yields values that the constructors accept again.
        #[test]
        fn strategies_yield_values_constructors_accept(
            id in resident_id(),
            doc in id_document(),
            phone in phone_number(),
            no in volunteer_no(),
            window in time_window(),
            grant in qualification_grant(),
            g in qualification_graph(),
        ) {
            prop_assert_eq!(ResidentId::new(id.expose()).unwrap(), id);
            if let IdDocument::Other { number, .. } = &doc {
                prop_assert_eq!(&DocumentNumber::new(number.expose()).unwrap(), number);
            }
            prop_assert_eq!(PhoneNumber::new(phone.expose()).unwrap(), phone);
            prop_assert_eq!(VolunteerNo::new(no.as_str()).unwrap(), no);
            prop_assert_eq!(TimeWindow::from_minutes(window.start_minute(), window.minutes()).unwrap(), window);
            prop_assert!(QualificationGrant::new(grant.qualification(), grant.granted_on(), grant.expires_on(), grant.issuer()).is_ok());
            for (a, b) in g.edges() {
                prop_assert!(!g.includes(b, a));
            }
        }

        #[test]
        fn generated_registries_are_consistent(reg in volunteer_registry()) {
            for v in reg.iter() {
                prop_assert_eq!(reg.by_document(v.document()).map(Volunteer::id), Some(v.id()));
                prop_assert_eq!(reg.by_volunteer_no(v.volunteer_no()).map(Volunteer::id), Some(v.id()));
            }
        }
    }
}
