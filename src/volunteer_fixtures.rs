//! Ready-made volunteers for doc examples, re-exported through `doc_fixtures`.

#![allow(
    clippy::missing_panics_doc,
    clippy::unwrap_used,
    reason = "fixtures panic only on a bug in their literals"
)]

use chrono::NaiveDate;

use crate::{
    GuardianConsent, IdDocument, PersonName, PhoneNumber, RegistrationChannel, Sex, Volunteer,
    VolunteerId, VolunteerNo,
};

/// An adult volunteer, 张三, male, born 1991-01-01, registered through `WeChat`.
pub fn volunteer() -> Volunteer {
    Volunteer::builder(
        VolunteerId::from_parts(1_626_739_200_000, 1),
        VolunteerNo::new("JS-2021-000001").unwrap(),
        PersonName::new("张三").unwrap(),
        IdDocument::parse(None, "360426199101010071").unwrap(),
    )
    .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    .sex(Sex::Male)
    .channel(RegistrationChannel::WeChat)
    .build()
    .unwrap()
}

/// A child volunteer, 小明, male, born 2012-03-01, with a guardian's consent from 2021-07-01.
pub fn child() -> Volunteer {
    Volunteer::builder(
        VolunteerId::from_parts(1_626_739_200_000, 2),
        VolunteerNo::new("JS-2021-000002").unwrap(),
        PersonName::new("小明").unwrap(),
        IdDocument::parse(None, "320115201203010010").unwrap(),
    )
    .birth_date(NaiveDate::from_ymd_opt(2012, 3, 1).unwrap())
    .sex(Sex::Male)
    .channel(RegistrationChannel::Website)
    .guardian_consent(GuardianConsent::new(
        PersonName::new("王芳").unwrap(),
        PhoneNumber::new("13912345678").unwrap(),
        NaiveDate::from_ymd_opt(2021, 7, 1).unwrap(),
    ))
    .build()
    .unwrap()
}
