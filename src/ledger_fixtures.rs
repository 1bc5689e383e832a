//! Ready-made records and ledgers for doc examples and tests (hidden from the docs).

#![allow(
    clippy::missing_panics_doc,
    clippy::expect_used,
    reason = "fixtures are built from constants that are known to be valid"
)]

use chrono::TimeDelta;

use crate::activity_fixtures::at;
use crate::{
    ActivityId, Actor, Append, HourLedger, IdempotencyKey, OrgId, RecordId, ServiceRecord,
    ServiceRecordBuilder, StaffId, TimeSpan, VolunteerId,
};

const T0: u64 = 1_626_825_600_000;

/// The volunteer of [`record_builder`].
pub fn volunteer_id() -> VolunteerId {
    VolunteerId::from_parts(T0, 100)
}

/// The organiser of [`record_builder`] (the same as the activity fixture's).
pub fn organiser() -> OrgId {
    OrgId::from_parts(T0, 2)
}

/// A staff recorder of [`organiser`].
pub fn recorder() -> Actor {
    Actor::Staff(StaffId::from_parts(T0, 200))
}

/// Record `n` of [`volunteer_id`]: 08:00–12:00 (+08:00) on 2021-07-21 plus `n − 1` days,
/// 4 hours, attested manual entry, recorded by [`recorder`].
pub fn record_builder(n: u64) -> ServiceRecordBuilder {
    let day = i64::try_from(n.saturating_sub(1)).unwrap_or(0);
    let start = at("2021-07-21T08:00:00+08:00") + TimeDelta::days(day);
    ServiceRecord::builder(
        RecordId::from_parts(T0, n),
        volunteer_id(),
        organiser(),
        ActivityId::from_parts(T0, 1),
    )
    .activity_name("核酸检测点登记 testing-site registration")
    .place("禄口街道社区卫生服务中心")
    .beneficiary("residents of Lukou")
    .content("registration and crowd order")
    .served(TimeSpan::new(start, start + TimeDelta::hours(4)).expect("valid span"))
    .duration(crate::Minutes::new(240))
    .recorder(recorder())
}

/// The administrator of [`organiser`] (and of every organiser [`appoint`] bootstraps).
pub fn administrator() -> Actor {
    Actor::Staff(StaffId::from_parts(T0, 300))
}

/// Makes `recorder` a recorder of `organiser`, appointed by [`administrator`], whom it
/// grants the organiser first if the organiser has no administrator yet.
pub fn appoint(
    ledger: &mut HourLedger,
    organiser: OrgId,
    recorder: Actor,
    at: chrono::DateTime<chrono::FixedOffset>,
) {
    if !ledger.is_administrator(organiser, administrator()) {
        ledger
            .bootstrap_administrator(organiser, administrator(), at)
            .expect("the fixture administrator is the organiser's first");
    }
    ledger
        .appoint_recorder(administrator(), organiser, recorder, at)
        .expect("appointed by the administrator");
}

/// A ledger in which [`recorder`] is a recorder of [`organiser`], appointed by
/// [`administrator`].
pub fn ledger() -> HourLedger {
    let mut l = HourLedger::new();
    appoint(
        &mut l,
        organiser(),
        recorder(),
        at("2021-07-20T00:00:00+08:00"),
    );
    l
}

/// Submits and confirms records `1..=records` of [`record_builder`] as [`recorder`] at `at`,
/// crediting record `n` with the idempotency key `IdempotencyKey::from_parts(key, n)`: two
/// events per record. `ledger` must have [`recorder`] appointed (as [`ledger`] does).
pub fn confirm_records(
    ledger: &mut HourLedger,
    records: u64,
    key: u64,
    at: chrono::DateTime<chrono::FixedOffset>,
) {
    for n in 1..=records {
        let rec = record_builder(n).build().expect("valid record");
        let id = rec.id();
        ledger
            .submit(recorder(), rec, at)
            .expect("recorder submits");
        ledger
            .confirm(
                recorder(),
                id,
                Append::new(IdempotencyKey::from_parts(key, n)),
                at,
            )
            .expect("recorder confirms");
    }
}
