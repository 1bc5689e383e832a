//! Properties of the eligibility check over generated volunteers, shifts and policies.

#![cfg(feature = "proptest")]

use proptest::prelude::*;
use volunteer_service::strategies as s;
use volunteer_service::*;

fn sorted(v: &Verdict) -> Vec<String> {
    let mut out: Vec<String> = v.failures().iter().map(|f| format!("{f:?}")).collect();
    out.sort();
    out
}

fn is_schedule_rule(f: &Ineligibility) -> bool {
    matches!(
        f,
        Ineligibility::Overlap { .. }
            | Ineligibility::InsufficientRest { .. }
            | Ineligibility::DailyCap { .. }
            | Ineligibility::WeeklyCap { .. }
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The verdict is eligible exactly when no rule failed, and its text names every failure.
    #[test]
    fn verdict_lists_every_failure(
        v in s::volunteer(), shift in s::shift(), activity in s::activity(),
        graph in s::qualification_graph(), policy in s::eligibility_policy(),
        held in prop::collection::vec(s::commitment(), 0..6), at in s::instant(),
        acc in s::accompaniment(),
    ) {
        let verdict = Eligibility::new(&graph, &policy).check(&v, &shift, &activity, &held, at, acc);
        prop_assert_eq!(verdict.is_eligible(), verdict.failures().is_empty());
        let text = verdict.to_string();
        for f in verdict.failures() {
            prop_assert!(text.contains(&f.to_string()), "{text} lacks {f}");
        }
    }

    /// Holding one more shift never lifts a failure, and only schedule rules can appear.
    #[test]
    fn holding_more_shifts_only_adds_schedule_failures(
        v in s::volunteer(), shift in s::shift(), activity in s::activity(),
        graph in s::qualification_graph(), policy in s::eligibility_policy(),
        held in prop::collection::vec(s::commitment(), 0..5), extra in s::commitment(),
        at in s::instant(),
    ) {
        let check = Eligibility::new(&graph, &policy);
        let before = check.check(&v, &shift, &activity, &held, at, Accompaniment::Unaccompanied);
        let mut more = held.clone();
        more.push(extra);
        let after = check.check(&v, &shift, &activity, &more, at, Accompaniment::Unaccompanied);
        let non_schedule = |x: &Verdict| {
            x.failures().iter().filter(|f| !is_schedule_rule(f)).cloned().collect::<Vec<_>>()
        };
        prop_assert_eq!(non_schedule(&before), non_schedule(&after));
        // Caps report a bigger or equal total; overlaps and rests are kept.
        for f in before.failures().iter().filter(|f| matches!(f, Ineligibility::Overlap { .. } | Ineligibility::InsufficientRest { .. })) {
            prop_assert!(after.failures().contains(f), "{f} was lifted by holding more");
        }
        let caps = |x: &Verdict| x.failures().iter().filter(|f| matches!(f, Ineligibility::DailyCap { .. } | Ineligibility::WeeklyCap { .. })).count();
        prop_assert!(caps(&after) >= caps(&before));
    }

    /// The order in which held shifts are given does not change the verdict's content.
    #[test]
    fn held_order_does_not_matter(
        v in s::volunteer(), shift in s::shift(), activity in s::activity(),
        policy in s::eligibility_policy(),
        held in prop::collection::vec(s::commitment(), 0..6), at in s::instant(),
    ) {
        let graph = QualificationGraph::new();
        let check = Eligibility::new(&graph, &policy);
        let a = check.check(&v, &shift, &activity, &held, at, Accompaniment::Guardian);
        let mut reversed = held.clone();
        reversed.reverse();
        let b = check.check(&v, &shift, &activity, &reversed, at, Accompaniment::Guardian);
        prop_assert_eq!(sorted(&a), sorted(&b));
    }

    /// A laxer policy (no caps, no rest, any registration) never adds a failure.
    #[test]
    fn relaxing_the_policy_never_adds_failures(
        v in s::volunteer(), shift in s::shift(), activity in s::activity(),
        policy in s::eligibility_policy(),
        held in prop::collection::vec(s::commitment(), 0..6), at in s::instant(),
    ) {
        let graph = QualificationGraph::new();
        let strict = Eligibility::new(&graph, &policy).check(&v, &shift, &activity, &held, at, Accompaniment::Unaccompanied);
        let lax_policy = EligibilityPolicy::default()
            .with_registration(RegistrationRequirement::Registered)
            .with_minors(*policy.minors())
            .with_overlap_grace(policy.overlap_grace());
        let lax = Eligibility::new(&graph, &lax_policy).check(&v, &shift, &activity, &held, at, Accompaniment::Unaccompanied);
        for f in lax.failures() {
            let in_strict = match f {
                // The failure names the requirement in force, which differs between policies.
                Ineligibility::Registration { status, .. } => strict.failures().iter().any(
                    |g| matches!(g, Ineligibility::Registration { status: s, .. } if s == status),
                ),
                other => strict.failures().contains(other),
            };
            prop_assert!(in_strict, "{f} appears only under the laxer policy");
        }
        prop_assert!(lax.failures().len() <= strict.failures().len());
    }
}
