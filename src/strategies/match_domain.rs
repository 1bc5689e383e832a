//! Strategies for domain matching: policies, profiles, inputs, outcomes and pairing requests.

use proptest::prelude::*;

use super::{
    activity, category_key, division_code, geo_point_jiangsu, minutes, shift_id, team_id,
    time_span, volunteer, volunteer_id,
};
use crate::matching::{
    Factor, FixHint, JurisdictionDemand, MatchInput, MatchObjective, MatchOutcome, MatchPolicy,
    Matcher, Optimality, PairingOutcome, PairingRequest, RepairChange, ScoreBreakdown,
    ScoreWeights, Shortage, TeamOffer, VolunteerProfile, WhyNot,
};
use crate::{Eligibility, EligibilityPolicy, QualificationGraph, Requirements, Shift};

/// Any factor.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::factor().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::Factor>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn factor() -> impl Strategy<Value = Factor> {
    prop::sample::select(Factor::ALL.to_vec())
}

/// Weights in `0..=1000`.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::score_weights().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::ScoreWeights>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn score_weights() -> impl Strategy<Value = ScoreWeights> {
    prop::array::uniform7(0_u32..=1_000).prop_map(|ws| {
        Factor::ALL
            .into_iter()
            .zip(ws)
            .fold(ScoreWeights::default(), |acc, (f, w)| {
                acc.with(f, w).expect("weight <= 1000")
            })
    })
}

/// Policies over the whole valid range of every field.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::match_policy().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::MatchPolicy>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn match_policy() -> impl Strategy<Value = MatchPolicy> {
    (
        score_weights(),
        1_u32..100_000,
        1_u32..10_000,
        0_u16..=1_000,
        1_u16..=1_000,
        1_u32..10,
        0_u32..=100_000,
    )
        .prop_map(|(w, reach, horizon, rel, scarce, max, keep)| {
            MatchPolicy::default()
                .with_weights(w)
                .with_reach_m(reach)
                .and_then(|p| p.with_fairness_horizon(crate::Minutes::new(horizon)))
                .and_then(|p| p.with_default_reliability_permille(rel))
                .and_then(|p| p.with_scarce_share_permille(scarce))
                .and_then(|p| p.with_max_shifts(max))
                .and_then(|p| p.with_keep_bonus(keep))
                .expect("in range")
        })
}

/// Profiles with recent hours, an optional show-up rate, preferences, teams and a cap.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::volunteer_profile().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::VolunteerProfile>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn volunteer_profile() -> impl Strategy<Value = VolunteerProfile> {
    (
        minutes(),
        prop::option::of(0_u16..=1_000),
        prop::collection::vec(category_key(), 0..3),
        prop::collection::vec(team_id(), 0..3),
        prop::option::of(0_u32..5),
    )
        .prop_map(|(recent, rel, cats, teams, max)| {
            let mut p = VolunteerProfile::default().with_recent(recent);
            if let Some(r) = rel {
                p = p.with_reliability_permille(r).expect("<= 1000");
            }
            for c in cats {
                p = p.with_preferred(c);
            }
            for t in teams {
                p = p.with_team(t);
            }
            if let Some(m) = max {
                p = p.with_max_shifts(m);
            }
            p
        })
}

/// Breakdowns from any points and weights.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::score_breakdown().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::ScoreBreakdown>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn score_breakdown() -> impl Strategy<Value = ScoreBreakdown> {
    (
        prop::array::uniform7(0_u32..=100),
        score_weights(),
        0_u32..=100_000,
    )
        .prop_map(|(pts, w, keep)| ScoreBreakdown::from_points(pts, &w).with_keep_bonus(keep))
}

/// Optimal or feasible with a gap.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::optimality().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::Optimality>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn optimality() -> impl Strategy<Value = Optimality> {
    prop_oneof![
        Just(Optimality::Optimal),
        (1_i64..1_000_000_000).prop_map(|gap_bound| Optimality::Feasible { gap_bound }),
    ]
}

/// Objectives from any parts.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::match_objective().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::MatchObjective>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn match_objective() -> impl Strategy<Value = MatchObjective> {
    (
        0_u64..1_000_000,
        0_u64..1_000_000,
        0_i64..1_000_000_000,
        0_i64..i64::MAX / 2,
    )
        .prop_map(|(f, u, s, c)| MatchObjective::new(f, u, s, c))
}

/// The variants of [`WhyNot`] that need no verdict.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::why_not().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::WhyNot>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn why_not() -> impl Strategy<Value = WhyNot> {
    prop_oneof![
        Just(WhyNot::Chosen),
        Just(WhyNot::LeftOpen),
        prop::collection::vec(shift_id(), 0..3).prop_map(|placed| WhyNot::AtCapacity { placed }),
        (volunteer_id(), 0_i64..10_000, 0_i64..10_000).prop_map(|(by, by_score, own_score)| {
            WhyNot::Beaten {
                by,
                by_score,
                own_score,
            }
        }),
    ]
}

/// Fix hints.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::fix_hint().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::FixHint>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn fix_hint() -> impl Strategy<Value = FixHint> {
    (shift_id(), "[a-z ]{1,40}", 1_u32..100).prop_map(|(s, f, n)| FixHint::new(s, f, n))
}

/// Shortage certificates.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::shortage().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::Shortage>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn shortage() -> impl Strategy<Value = Shortage> {
    (
        prop::collection::vec(shift_id(), 1..4),
        1_u32..100,
        0_u32..100,
        prop::collection::vec(fix_hint(), 0..3),
    )
        .prop_map(|(shifts, slots, vols, fixes)| {
            Shortage::new(shifts, slots, slots / 2 + 1, vols, fixes)
        })
}

/// Repair changes.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::repair_change().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::RepairChange>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn repair_change() -> impl Strategy<Value = RepairChange> {
    (volunteer_id(), shift_id(), 0_u8..3).prop_map(|(volunteer, shift, k)| match k {
        0 => RepairChange::Invalidated { volunteer, shift },
        1 => RepairChange::Removed { volunteer, shift },
        _ => RepairChange::Added { volunteer, shift },
    })
}

/// Match inputs: up to 6 volunteers, 1–2 activities, up to 5 shifts of those activities,
/// priorities and profiles.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::match_input().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::MatchInput>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn match_input() -> impl Strategy<Value = MatchInput> {
    (
        prop::collection::btree_map(volunteer_id(), volunteer(), 0..6),
        prop::collection::vec(activity(), 1..3),
        prop::collection::btree_map(
            shift_id(),
            (time_span(), 1_u32..4, 0_usize..2, 1_u32..=100),
            0..5,
        ),
        prop::collection::vec(volunteer_profile(), 6),
    )
        .prop_map(|(vols, acts, shifts, profiles)| {
            // Volunteers keyed by a fresh id are deduplicated by the map; keep their own ids
            // unique too.
            let mut seen = std::collections::BTreeSet::new();
            let vols: Vec<_> = vols.into_values().filter(|v| seen.insert(v.id())).collect();
            let mut act_ids = std::collections::BTreeSet::new();
            let acts: Vec<_> = acts
                .into_iter()
                .filter(|a| act_ids.insert(a.id()))
                .collect();
            let act_ids: Vec<_> = act_ids.into_iter().collect();
            let shift_list: Vec<(Shift, u32)> = shifts
                .into_iter()
                .map(|(id, (span, slots, a, prio))| {
                    let activity = act_ids[a % act_ids.len()];
                    (
                        Shift::new(id, activity, span, slots, Requirements::none())
                            .expect("slots >= 1"),
                        prio,
                    )
                })
                .collect();
            let ids: Vec<_> = vols.iter().map(crate::Volunteer::id).collect();
            let mut input = MatchInput::new(
                vols,
                shift_list.iter().map(|(s, _)| s.clone()).collect(),
                acts,
            )
            .expect("unique ids, known activities");
            for (s, p) in &shift_list {
                input = input.with_priority(s.id(), *p).expect("1..=100");
            }
            for (id, p) in ids.into_iter().zip(profiles) {
                input = input.with_profile(id, p).expect("known volunteer");
            }
            input
        })
}

/// Outcomes of matching a [`match_input`] at the Unix epoch (so every shift lies ahead) under
/// the default policies.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::match_outcome().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::MatchOutcome>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn match_outcome() -> impl Strategy<Value = MatchOutcome> {
    match_input().prop_map(|input| {
        let graph = QualificationGraph::new();
        let rules = EligibilityPolicy::default();
        let policy = MatchPolicy::default();
        let at = chrono::DateTime::UNIX_EPOCH.fixed_offset();
        Matcher::new(Eligibility::new(&graph, &rules), &policy)
            .assign(&input, at)
            .expect("small instances fit")
    })
}

/// Jurisdictions with demand and an optional centre.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::jurisdiction_demand().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::JurisdictionDemand>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn jurisdiction_demand() -> impl Strategy<Value = JurisdictionDemand> {
    (
        division_code(),
        0_u64..1_000_000,
        prop::option::of(geo_point_jiangsu()),
    )
        .prop_map(|(d, n, p)| {
            let j = JurisdictionDemand::new(d, n);
            match p {
                Some(p) => j.with_point(p),
                None => j,
            }
        })
}

/// Team offers with a capacity of 1–3, optional home and base, and affinities.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::team_offer().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::TeamOffer>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn team_offer() -> impl Strategy<Value = TeamOffer> {
    (
        team_id(),
        1_u32..=3,
        prop::option::of(division_code()),
        prop::option::of(geo_point_jiangsu()),
        prop::collection::vec((division_code(), 0_u32..=100), 0..3),
    )
        .prop_map(|(t, k, home, point, aff)| {
            let mut o = TeamOffer::new(t, k);
            if let Some(h) = home {
                o = o.with_home(h);
            }
            if let Some(p) = point {
                o = o.with_point(p);
            }
            for (d, a) in aff {
                o = o.with_affinity(d, a);
            }
            o
        })
}

/// Pairing requests with distinct jurisdictions (positive total demand) and teams, asking
/// for as many pairings as the teams can take, or fewer.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::pairing_request().new_tree(&mut runner).unwrap().current();
///     // Every generated request can be solved.
///     assert!(x.solve().is_ok());
/// }
/// ```
pub fn pairing_request() -> impl Strategy<Value = PairingRequest> {
    (
        prop::collection::btree_map(division_code(), jurisdiction_demand(), 1..6),
        prop::collection::btree_map(team_id(), team_offer(), 1..8),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(js, ts, pick)| {
            let js: Vec<_> = js
                .into_iter()
                .map(|(d, j)| JurisdictionDemand::new(d, j.demand() + 1))
                .collect();
            let ts: Vec<_> = ts
                .into_iter()
                .map(|(id, t)| TeamOffer::new(id, t.capacity()))
                .collect();
            let cap: usize = ts
                .iter()
                .map(|t| (t.capacity() as usize).min(js.len()))
                .sum();
            let n = u32::try_from(pick.index(cap + 1)).expect("small");
            PairingRequest::new(js, ts, n).expect("valid request")
        })
}

/// Outcomes of solving a [`pairing_request`].
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::pairing_outcome().new_tree(&mut runner).unwrap().current();
///     // Serialises and deserialises back unchanged: deserialising re-runs the checks.
///     #[cfg(feature = "serde")]
///     {
///         let json = serde_json::to_string(&x).unwrap();
///         assert_eq!(serde_json::from_str::<volunteer_service::matching::PairingOutcome>(&json).unwrap(), x);
///     }
/// }
/// ```
pub fn pairing_outcome() -> impl Strategy<Value = PairingOutcome> {
    pairing_request().prop_map(|r| r.solve().expect("small instances fit"))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn policies_and_profiles_round_trip(p in match_policy(), v in volunteer_profile()) {
            #[cfg(feature = "serde")]
            {
                let back: MatchPolicy = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
                prop_assert_eq!(back, p.clone());
                let back: VolunteerProfile = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
                prop_assert_eq!(back, v.clone());
            }
            prop_assert!(p.max_score() >= 0);
            prop_assert!(v.reliability_permille().is_none_or(|r| r <= 1_000));
        }

        #[test]
        fn outcomes_respect_capacity(out in match_outcome()) {
            for (&s, &open) in out.unfilled() {
                prop_assert!(open > 0);
                prop_assert!(out.volunteers_on(s).len() < 4);
            }
            prop_assert!(out.objective().score() >= 0);
        }

        #[test]
        fn pairings_fill_their_quotas_within_team_capacity(r in pairing_request()) {
            let out = r.solve().unwrap();
            let filled: u32 = out.quotas().iter().zip(out.unfilled()).map(|(q, u)| q - u).sum();
            prop_assert_eq!(filled as usize, out.plans().len());
            let mut per_team = std::collections::BTreeMap::new();
            let mut pairs = std::collections::BTreeSet::new();
            for p in out.plans() {
                *per_team.entry(p.team()).or_insert(0_u32) += 1;
                prop_assert!(pairs.insert((p.team(), p.division())));
            }
            for t in r.teams() {
                prop_assert!(per_team.get(&t.team()).copied().unwrap_or(0) <= t.capacity());
            }
        }

        #[test]
        fn small_values_are_valid(
            _f in factor(), _w in score_weights(), b in score_breakdown(), o in optimality(),
            _m in match_objective(), _y in why_not(), s in shortage(), _c in repair_change(),
            _j in jurisdiction_demand(), _t in team_offer(), _p in pairing_outcome(),
        ) {
            prop_assert!(b.total() >= i64::from(b.keep_bonus()));
            prop_assert!(o.is_optimal() || o.to_string().starts_with("feasible"));
            prop_assert!(s.unfilled() <= s.slots());
        }
    }
}
