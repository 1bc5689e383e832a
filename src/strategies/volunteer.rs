//! Strategies for volunteers: contact details, availability, qualifications, trainings,
//! registration and minor policies, and whole profiles.

use std::collections::BTreeSet;

use chrono::{Days, FixedOffset, Weekday};
use proptest::prelude::*;

use super::{
    birth_date, date, division_code, document_number, fixed_offset, geo_point_jiangsu,
    id_document_kind, org_id, person_name, phone_number, qualification_id, resident_id_for, sex,
    tag, time_span, training_id, volunteer_id, volunteer_no,
};
use crate::{
    Accompaniment, Availability, Contact, Email, GuardianConsent, IdDocument, MinorPolicy,
    QualificationGrant, QualificationKind, RegistrationChannel, StatusReason, TimeWindow,
    TrainingRecord, VerificationMethod, Volunteer, WorkKind,
};

/// E-mail addresses of the shape `local@domain.tld`.
pub fn email() -> impl Strategy<Value = Email> {
    "[a-z0-9._]{1,16}@[a-z0-9]{1,12}\\.(cn|com|org)"
        .prop_map(|s| Email::new(&s).expect("generated valid"))
}

/// Contact details with or without phone and e-mail.
pub fn contact() -> impl Strategy<Value = Contact> {
    (prop::option::of(phone_number()), prop::option::of(email()))
        .prop_map(|(p, e)| Contact::new(p, e))
}

/// Windows on 15-minute marks, often past midnight.
pub fn time_window() -> impl Strategy<Value = TimeWindow> {
    (0_u16..96, 1_u16..=96)
        .prop_map(|(s, l)| TimeWindow::from_minutes(s * 15, l * 15).expect("in range"))
}

/// Weekly patterns in any offset with a few dated exceptions, or [`Availability::always`].
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
pub fn training_record() -> impl Strategy<Value = TrainingRecord> {
    (training_id(), date(), prop::option::of(1_u64..3_650)).prop_map(|(t, from, len)| {
        let until = len.map(|l| from.checked_add_days(Days::new(l)).expect("in range"));
        TrainingRecord::new(t, from, until).expect("until after from")
    })
}

/// Every registration channel.
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
pub fn verification_method() -> impl Strategy<Value = VerificationMethod> {
    prop::sample::select(vec![
        VerificationMethod::InPerson,
        VerificationMethod::IdCardReader,
        VerificationMethod::OnlineIdentityCheck,
        VerificationMethod::FaceRecognition,
    ])
}

/// Reasons of 1–40 characters.
pub fn status_reason() -> impl Strategy<Value = StatusReason> {
    "[a-z][a-z ]{0,38}[a-z]?".prop_map(|s| StatusReason::new(&s).expect("generated valid"))
}

/// The presets and random thresholds.
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

/// Either kind of work.
pub fn work_kind() -> impl Strategy<Value = WorkKind> {
    prop_oneof![Just(WorkKind::Ordinary), Just(WorkKind::Hazardous)]
}

/// Either accompaniment.
pub fn accompaniment() -> impl Strategy<Value = Accompaniment> {
    prop_oneof![
        Just(Accompaniment::Guardian),
        Just(Accompaniment::Unaccompanied)
    ]
}

/// A guardian consent given on a day in 2020–2030.
pub fn guardian_consent() -> impl Strategy<Value = GuardianConsent> {
    (person_name(), phone_number(), date())
        .prop_map(|(name, phone, on)| GuardianConsent::new(name, phone, on))
}

/// Valid, registered volunteer profiles: a resident ID that agrees with the declared birth
/// date and sex (or another document), contact, tags, home area, availability, grants,
/// trainings and, for minors, sometimes a guardian's consent.
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
