//! Strategies for eligibility policies and held shifts.

use proptest::prelude::*;

use super::{minor_policy, shift_id, time_span};
use crate::{Commitment, EligibilityPolicy, Minutes, RegistrationRequirement};

/// Either registration requirement.
pub fn registration_requirement() -> impl Strategy<Value = RegistrationRequirement> {
    prop_oneof![
        Just(RegistrationRequirement::Registered),
        Just(RegistrationRequirement::RealNameVerified),
    ]
}

/// Policies with any minor policy, a grace up to 1 h, and optional rest (up to 12 h), daily
/// (1–16 h) and weekly (1–60 h) caps.
pub fn eligibility_policy() -> impl Strategy<Value = EligibilityPolicy> {
    (
        registration_requirement(),
        minor_policy(),
        0_u32..=60,
        prop::option::of(0_u32..=720),
        prop::option::of(60_u32..=960),
        prop::option::of(60_u32..=3_600),
    )
        .prop_map(|(reg, minors, grace, rest, daily, weekly)| {
            let mut p = EligibilityPolicy::default()
                .with_registration(reg)
                .with_minors(minors)
                .with_overlap_grace(Minutes::new(grace));
            if let Some(r) = rest {
                p = p.with_min_rest(Minutes::new(r));
            }
            if let Some(c) = daily {
                p = p.with_daily_cap(Minutes::new(c));
            }
            if let Some(c) = weekly {
                p = p.with_weekly_cap(Minutes::new(c));
            }
            p
        })
}

/// A held shift with any span.
pub fn commitment() -> impl Strategy<Value = Commitment> {
    (shift_id(), time_span()).prop_map(|(id, span)| Commitment::new(id, span))
}
