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

/// Time banks with a history: a scheme, kin, deposits of the
/// [`certified_ledger`](crate::doc_fixtures::certified_ledger)'s credits and up to `max`
/// withdrawals, transfers, donations and grants (refused ones leave no trace).
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, TimeBank};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let bank = strategies::time_bank(6).new_tree(&mut runner).unwrap().current();
///     // Every transaction is balanced, and the events replay to the same bank.
///     assert!(bank.journal().iter().all(|t| t.legs().iter().map(|(_, m)| m).sum::<i64>() == 0));
///     assert_eq!(TimeBank::replay(bank.events())?, bank);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn time_bank(max: usize) -> impl Strategy<Value = crate::TimeBank> {
    (
        time_bank_policy(),
        prop::collection::vec((0_u8..6, 1_u32..300), 0..=max),
    )
        .prop_map(|(policy, ops)| {
            let (ledger, profile) = crate::doc_fixtures::certified_ledger();
            let me = profile.id();
            let kin = crate::VolunteerId::from_parts(9, 1);
            let owner = AccountOwner::Individual(me);
            let at = crate::doc_fixtures::at("2021-08-01T09:00:00+08:00");
            let teams = crate::TeamRegistry::new();
            let mut bank = crate::TimeBank::new(policy);
            bank.declare_kin(me, kin, Relation::Spouse);
            let mut entries = ledger
                .entries()
                .iter()
                .map(crate::LedgerEntry::seq)
                .collect::<Vec<_>>()
                .into_iter();
            for (op, m) in ops {
                let m = Minutes::new(m);
                // Refusals are part of the generated history: they change nothing.
                let _refused = match op {
                    0 => entries
                        .next()
                        .map(|e| bank.deposit(&ledger, &teams, e, owner, at)),
                    1 => Some(bank.withdraw(owner, m, "home visit", at)),
                    2 => Some(bank.transfer(me, kin, m, at)),
                    3 => Some(bank.donate(owner, m, at)),
                    4 => Some(bank.grant(kin, m, at)),
                    _ => {
                        bank.declare_kin(me, kin, Relation::Friend);
                        None
                    }
                };
            }
            bank
        })
}

/// Events of generated time banks.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, TIME_BANK_EVENT_VERSION};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let e = strategies::time_bank_event().new_tree(&mut runner).unwrap().current();
///     assert_eq!(e.version, TIME_BANK_EVENT_VERSION);
/// }
/// ```
pub fn time_bank_event() -> impl Strategy<Value = crate::TimeBankEvent> {
    time_bank(8).prop_flat_map(|b| prop::sample::select(b.events().to_vec()))
}

/// Certificate registers with a history over the
/// [`certified_ledger`](crate::doc_fixtures::certified_ledger): up to `max` applications,
/// acceptances, issues, notices, revocations and reissues (refused ones leave no trace).
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, CertificateRegister};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let reg = strategies::certificate_register(10).new_tree(&mut runner).unwrap().current();
///     // Numbers are gap-free from 1, and the events replay to the same register.
///     assert!(reg.certificates().iter().zip(1..).all(|(c, n)| c.number().seq() == n));
///     assert_eq!(CertificateRegister::replay(reg.events())?, reg);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn certificate_register(max: usize) -> impl Strategy<Value = crate::CertificateRegister> {
    prop::collection::vec((0_u8..6, 0_u32..4), 0..=max).prop_map(|ops| {
        let (ledger, profile) = crate::doc_fixtures::certified_ledger();
        let issuer = Issuer::new(
            crate::doc_fixtures::organiser(),
            "禄口街道新时代文明实践所",
            "王主任",
            "李干事",
            "025-5210 0000",
        )
        .expect("valid issuer");
        let at = crate::doc_fixtures::at("2021-08-02T09:00:00+08:00");
        let mut reg = crate::CertificateRegister::new(issuer, "JN-LK").expect("valid prefix");
        let no = |n: u32| {
            format!("JN-LK-{:06}", n + 1)
                .parse::<CertificateNo>()
                .expect("valid number")
        };
        for (op, n) in ops {
            let a = u64::from(n);
            // Refusals are part of the generated history: they change nothing.
            let _refused = match op {
                0 => {
                    reg.apply(&profile, at);
                    true
                }
                1 => reg.accept(a, at).is_ok(),
                2 => reg.issue(a, &ledger, at.date_naive(), "").is_ok(),
                3 => reg.publicise(&no(n), at, 7).is_ok(),
                4 => reg.revoke(&no(n), at, "wrong activity name").is_ok(),
                _ => reg.apply_reissue(&no(n), at).is_ok(),
            };
        }
        reg
    })
}

/// Events of generated certificate registers.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, CERTIFICATE_EVENT_VERSION};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let e = strategies::certificate_event().new_tree(&mut runner).unwrap().current();
///     assert_eq!(e.version, CERTIFICATE_EVENT_VERSION);
/// }
/// ```
pub fn certificate_event() -> impl Strategy<Value = crate::CertificateEvent> {
    certificate_register(10).prop_flat_map(|r| prop::sample::select(r.events().to_vec()))
}
