//! Ready-made ledgers and profiles for the award, certificate and time-bank examples
//! (hidden from the docs).

#![allow(
    clippy::missing_panics_doc,
    clippy::expect_used,
    reason = "fixtures are built from constants that are known to be valid"
)]

use chrono::NaiveDate;

use crate::activity_fixtures::at;
use crate::ledger_fixtures::{ledger, organiser, record_builder, recorder, volunteer_id};
use crate::{
    Append, CertificateNo, CertificateRegister, HourLedger, IdDocument, IdempotencyKey, Issuer,
    PersonName, RegistrationChannel, Sex, Volunteer, VolunteerNo,
};

/// The registered profile of the ledger fixtures' volunteer: 李四, resident ID
/// 320115199001010012, volunteer number JS-2021-000100.
pub fn ledger_volunteer_profile() -> Volunteer {
    Volunteer::builder(
        volunteer_id(),
        VolunteerNo::new("JS-2021-000100").expect("valid number"),
        PersonName::new("李四").expect("valid name"),
        IdDocument::parse(None, "320115199001010012").expect("valid resident id"),
    )
    .birth_date(NaiveDate::from_ymd_opt(1990, 1, 1).expect("valid date"))
    .sex(Sex::Male)
    .channel(RegistrationChannel::WeChat)
    .build()
    .expect("valid profile")
}

/// A ledger with two confirmed four-hour records of the fixture volunteer (2021-07-21 and
/// 2021-07-22, 08:00–12:00 +08:00), and that volunteer's profile.
pub fn certified_ledger() -> (HourLedger, Volunteer) {
    let mut l = ledger();
    let t = at("2021-07-23T09:00:00+08:00");
    for n in 1..=2 {
        let rec = record_builder(n).build().expect("valid record");
        let id = rec.id();
        l.submit(recorder(), rec, t).expect("recorder submits");
        l.confirm(
            recorder(),
            id,
            Append::new(IdempotencyKey::from_parts(7, n)),
            t,
        )
        .expect("confirms");
    }
    (l, ledger_volunteer_profile())
}

/// The issuer block of the ledger fixtures' organiser: 禄口街道新时代文明实践所, in charge
/// 王主任, handler 李干事, contact 025-5210 0000.
pub fn issuer() -> Issuer {
    Issuer::new(
        organiser(),
        "禄口街道新时代文明实践所",
        "王主任",
        "李干事",
        "025-5210 0000",
    )
    .expect("valid issuer")
}

/// [`certified_ledger`] and a register of [`issuer`] (prefix `JN-LK`) in which the
/// volunteer's application 0, made and accepted at 2021-08-02T09:00:00+08:00, was issued on
/// 2021-08-02 as certificate `JN-LK-000001` (no notes), covering both records (8 hours).
pub fn issued_certificate() -> (HourLedger, CertificateRegister, CertificateNo) {
    let (ledger, profile) = certified_ledger();
    let mut reg = CertificateRegister::new(issuer(), "JN-LK").expect("valid prefix");
    let t = at("2021-08-02T09:00:00+08:00");
    let app = reg.apply(&profile, t);
    reg.accept(app, t).expect("accepts");
    let no = reg.issue(app, &ledger, t.date_naive(), "").expect("issues");
    (ledger, reg, no)
}
