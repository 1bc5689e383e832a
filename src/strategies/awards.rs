//! Strategies for roll-up queries, star ladders, points rules, certificates' parts and time
//! banks.

use proptest::prelude::*;

use super::{
    as_of, category_key, date, instant, minutes, org_id, record_kind, team_id, volunteer_id,
};
use crate::{
    Account, AccountOwner, AnnualMinimum, AwardingLevel, CertificateNo, Distinction, Issuer,
    Minutes, Period, PeriodKey, PointsRule, Provenance, Relation, RollupQuery, StarLadder,
    StarTier, TimeBankPolicy,
};

/// Any roll-up query: any "as of", an optional served-by instant, one kind or all.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::rollup_query().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::RollupQuery>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn rollup_query() -> impl Strategy<Value = RollupQuery> {
    (
        as_of(),
        prop::option::of(instant()),
        prop::option::of(record_kind()),
    )
        .prop_map(|(known, served_by, kind)| {
            let q = RollupQuery::new().known(known);
            let q = match served_by {
                Some(t) => q.served_by(t),
                None => q,
            };
            match kind {
                Some(k) => q.kind(k),
                None => q.all_kinds(),
            }
        })
}

/// Any calendar period kind.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::period().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Period>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn period() -> impl Strategy<Value = Period> {
    prop_oneof![
        Just(Period::Day),
        Just(Period::IsoWeek),
        Just(Period::Month),
        Just(Period::Year)
    ]
}

/// The period of any kind containing any date.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::period_key().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::PeriodKey>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn period_key() -> impl Strategy<Value = PeriodKey> {
    (period(), date()).prop_map(|(p, d)| p.key(d))
}

/// Any star (1–5), medal (1–3) or the lifetime award.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::distinction().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Distinction>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn distinction() -> impl Strategy<Value = Distinction> {
    prop_oneof![
        (1_u8..=5).prop_map(Distinction::Star),
        (1_u8..=3).prop_map(Distinction::Medal),
        Just(Distinction::Lifetime),
    ]
}

/// Any awarding level.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::awarding_level().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::AwardingLevel>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn awarding_level() -> impl Strategy<Value = AwardingLevel> {
    prop_oneof![
        Just(AwardingLevel::County),
        Just(AwardingLevel::City),
        Just(AwardingLevel::Province),
        Just(AwardingLevel::National)
    ]
}

/// Any single tier.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::star_tier().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::StarTier>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn star_tier() -> impl Strategy<Value = StarTier> {
    (distinction(), minutes(), awarding_level()).prop_map(|(d, m, l)| StarTier::new(d, m, l))
}

/// Valid ladders: 1–9 tiers with increasing distinctions and thresholds, a non-empty set of
/// counted provenances, and an optional cycle.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::star_ladder().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::StarLadder>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn star_ladder() -> impl Strategy<Value = StarLadder> {
    let all = [
        Distinction::Star(1),
        Distinction::Star(2),
        Distinction::Star(3),
        Distinction::Star(4),
        Distinction::Star(5),
        Distinction::Medal(1),
        Distinction::Medal(2),
        Distinction::Medal(3),
        Distinction::Lifetime,
    ];
    (
        prop::sample::subsequence(all.to_vec(), 1..=9),
        prop::collection::vec(1_u32..10_000, 9),
        awarding_level(),
        prop::sample::subsequence(Provenance::ALL.to_vec(), 1..=5),
        prop::option::of(1_u32..100_000),
        "[a-z]{1,12}",
    )
        .prop_map(|(ds, steps, level, counts, cycle, name)| {
            let mut threshold = 0_u32;
            let tiers = ds
                .into_iter()
                .zip(steps)
                .map(|(d, step)| {
                    threshold += step;
                    StarTier::new(d, Minutes::new(threshold), level)
                })
                .collect();
            let l = StarLadder::new(&name, tiers)
                .and_then(|l| l.counting(counts))
                .expect("generated valid");
            match cycle {
                Some(c) => l.with_cycle(Minutes::new(c)).expect("positive cycle"),
                None => l,
            }
        })
}

/// Any annual minimum.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::annual_minimum().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::AnnualMinimum>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn annual_minimum() -> impl Strategy<Value = AnnualMinimum> {
    minutes().prop_map(AnnualMinimum::new)
}

/// Points rules with a default rate and up to three category rates.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::points_rule().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::PointsRule>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn points_rule() -> impl Strategy<Value = PointsRule> {
    (
        1_u32..100,
        prop::collection::vec((category_key(), 1_u32..100), 0..3),
    )
        .prop_map(|(default, rates)| {
            rates
                .into_iter()
                .fold(PointsRule::flat(default).expect("positive"), |r, (c, p)| {
                    r.with_rate(c, p).expect("positive")
                })
        })
}

/// Any account owner.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::account_owner().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::AccountOwner>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn account_owner() -> impl Strategy<Value = AccountOwner> {
    prop_oneof![
        volunteer_id().prop_map(AccountOwner::Individual),
        team_id().prop_map(AccountOwner::Group),
    ]
}

/// Any journal account.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::account().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Account>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn account() -> impl Strategy<Value = Account> {
    prop_oneof![
        account_owner().prop_map(Account::Owner),
        Just(Account::Issued),
        Just(Account::Consumed),
        Just(Account::DonationPool),
    ]
}

/// Any relation.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::relation().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Relation>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn relation() -> impl Strategy<Value = Relation> {
    prop_oneof![
        Just(Relation::Spouse),
        Just(Relation::Parent),
        Just(Relation::Grandparent),
        Just(Relation::Child),
        Just(Relation::Sibling),
        Just(Relation::Friend),
    ]
}

/// Any time-bank scheme.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::time_bank_policy().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::TimeBankPolicy>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn time_bank_policy() -> impl Strategy<Value = TimeBankPolicy> {
    (
        prop::option::of(minutes()),
        prop::collection::btree_set(relation(), 0..4),
    )
        .prop_map(|(cap, rel)| TimeBankPolicy::new(cap, rel))
}

/// Valid issuer blocks.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::issuer().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::Issuer>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn issuer() -> impl Strategy<Value = Issuer> {
    (
        org_id(),
        "[\u{4e00}-\u{9fa5}]{2,20}",
        "[\u{4e00}-\u{9fa5}]{2,4}",
        "[\u{4e00}-\u{9fa5}]{2,4}",
        "0[0-9]{2,3}-[0-9]{7,8}",
    )
        .prop_map(|(org, name, principal, handler, contact)| {
            Issuer::new(org, &name, &principal, &handler, &contact).expect("generated valid")
        })
}

/// Valid certificate numbers.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::certificate_no().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::CertificateNo>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn certificate_no() -> impl Strategy<Value = CertificateNo> {
    ("[A-Z0-9]{1,6}(-[A-Z0-9]{1,6})?", 1_u32..1_000_000).prop_map(|(prefix, seq)| {
        format!("{prefix}-{seq:06}")
            .parse()
            .expect("generated valid")
    })
}
