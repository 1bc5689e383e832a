//! Strategies for eligibility policies and held shifts.

use proptest::prelude::*;

use super::{minor_policy, shift_id, time_span};
use crate::{Commitment, EligibilityPolicy, Minutes, RegistrationRequirement};

/// Either registration requirement.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, RegistrationRequirement};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::registration_requirement().new_tree(&mut runner).unwrap().current();
///     assert!(matches!(x, RegistrationRequirement::Registered | RegistrationRequirement::RealNameVerified));
/// }
/// ```
pub fn registration_requirement() -> impl Strategy<Value = RegistrationRequirement> {
    prop_oneof![
        Just(RegistrationRequirement::Registered),
        Just(RegistrationRequirement::RealNameVerified),
    ]
}

/// Policies with any minor policy, a grace up to 1 h, and optional rest (up to 12 h), daily
/// (1–16 h) and weekly (1–60 h) caps.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::eligibility_policy().new_tree(&mut runner).unwrap().current();
///     assert!(x.overlap_grace().get() <= 60);
///     assert!(x.min_rest().is_none_or(|r| r.get() <= 12 * 60));
///     assert!(x.daily_cap().is_none_or(|c| (60..=16 * 60).contains(&c.get())));
/// }
/// ```
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
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::commitment().new_tree(&mut runner).unwrap().current();
///     assert!(x.span().minutes().get() >= 1);
/// }
/// ```
pub fn commitment() -> impl Strategy<Value = Commitment> {
    (shift_id(), time_span()).prop_map(|(id, span)| Commitment::new(id, span))
}
