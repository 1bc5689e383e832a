//! Strategies for categories, activities, shifts, templates, needs and rosters.

use chrono::{FixedOffset, NaiveTime, TimeDelta, Weekday};
use proptest::prelude::*;

use super::basics::{
    activity_id, date_period, division_code, geo_point_jiangsu, instant, need_id, org_id,
    qualification_id, shift_id, tag, team_id, template_id, time_span, training_id,
};
use crate::{
    Activity, AgeRule, Assignment, Category, CategoryKey, DispatchMode, Hazard, InsurancePolicy,
    JiangningRole, Jurisdiction, Location, Minutes, Need, NeedStatus, OutcomeMetric, Rating,
    Recruitment, Requester, Requirements, Roster, SEED_CATEGORIES, Shift, ShiftCalendar,
    ShiftTemplate, Taxonomy,
};

/// Category keys: the default menu's keys and random valid paths of 1–3 segments.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, CategoryKey};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::category_key().new_tree(&mut runner).unwrap().current();
///     assert_eq!(CategoryKey::new(x.as_str())?, x);
///     assert!((1..=3).contains(&x.depth()));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn category_key() -> impl Strategy<Value = CategoryKey> {
    prop_oneof![
        prop::sample::select(
            SEED_CATEGORIES
                .iter()
                .map(|(k, _, _)| *k)
                .collect::<Vec<_>>()
        )
        .prop_map(|k| CategoryKey::new(k).expect("seed key")),
        "[a-z][a-z0-9_]{0,9}(\\.[a-z][a-z0-9_]{0,9}){0,2}"
            .prop_map(|k| CategoryKey::new(&k).expect("generated valid")),
    ]
}

/// Menus: random subsets of the default menu that keep every parent.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::taxonomy().new_tree(&mut runner).unwrap().current();
///     // Every parent is on the menu.
///     assert!(x.iter().all(|c| c.key().parent().is_none_or(|p| x.get(&p).is_some())));
/// }
/// ```
pub fn taxonomy() -> impl Strategy<Value = Taxonomy> {
    prop::collection::vec(any::<bool>(), SEED_CATEGORIES.len()).prop_map(|keep| {
        let full = Taxonomy::default();
        let kept: Vec<_> = full
            .iter()
            .zip(keep)
            .filter(|(c, k)| *k || c.key().depth() == 1)
            .map(|(c, _)| c.clone())
            .collect();
        // Drop children whose parent was dropped.
        let keys: Vec<CategoryKey> = kept.iter().map(|c| c.key().clone()).collect();
        Taxonomy::from_categories(
            kept.into_iter()
                .filter(|c| c.key().parent().is_none_or(|p| keys.contains(&p)))
                .filter(|c| {
                    c.key()
                        .parent()
                        .and_then(|p| p.parent())
                        .is_none_or(|g| keys.contains(&g))
                }),
        )
        .expect("parents kept")
    })
}

/// Locations: a division code from any province, an address, and optionally a point in Jiangsu.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::location().new_tree(&mut runner).unwrap().current();
///     // The point, if any, lies in Jiangsu's bounding box; the address is never blank.
///     assert!(x.point().is_none_or(|p| (30_700_000..=35_200_000).contains(&p.lat_micro())));
///     assert!(!x.address().trim().is_empty());
/// }
/// ```
pub fn location() -> impl Strategy<Value = Location> {
    (
        division_code(),
        prop::option::of(geo_point_jiangsu()),
        "[a-z0-9 ]{0,20}[a-z]|[\u{4e00}-\u{9fa5}]{2,20}",
    )
        .prop_map(|(d, p, addr)| {
            let loc = Location::new(d, &addr).expect("non-blank address");
            match p {
                Some(p) => loc.with_point(p),
                None => loc,
            }
        })
}

/// Complete recruitment notices with 1–3 risks.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::recruitment().new_tree(&mut runner).unwrap().current();
///     assert!((1..=3).contains(&x.risks().len()));
///     assert!(x.needed() >= 1);
/// }
/// ```
pub fn recruitment() -> impl Strategy<Value = Recruitment> {
    (
        date_period(),
        1_u32..500,
        prop::collection::vec("[a-z]{3,20}", 1..4),
        prop::collection::vec("[a-z]{3,20}", 0..3),
    )
        .prop_map(|(period, needed, risks, protection)| {
            let mut b = Recruitment::builder()
                .period(period)
                .schedule("daily 08:00-20:00")
                .place("testing site")
                .content("registration")
                .conditions("aged 18 or over")
                .needed(needed)
                .how_to_sign_up("platform");
            for r in &risks {
                b = b.risk(r);
            }
            for p in &protection {
                b = b.protection(p);
            }
            b.build().expect("complete notice")
        })
}

/// Insurance policies.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, InsurancePolicy};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::insurance_policy().new_tree(&mut runner).unwrap().current();
///     assert_eq!(InsurancePolicy::new(x.insurer(), x.policy_no(), x.covers())?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn insurance_policy() -> impl Strategy<Value = InsurancePolicy> {
    ("[A-Z]{2,8}", "[A-Z0-9-]{1,20}", date_period()).prop_map(|(insurer, no, covers)| {
        InsurancePolicy::new(&insurer, &no, covers).expect("non-blank")
    })
}

/// Hazard states: none, hazardous uninsured, hazardous insured.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::hazard().new_tree(&mut runner).unwrap().current();
///     assert!(!x.is_hazardous() || x.is_insured() == x.insurance().is_some());
/// }
/// ```
pub fn hazard() -> impl Strategy<Value = Hazard> {
    prop_oneof![
        Just(Hazard::None),
        prop::option::of(insurance_policy()).prop_map(|insurance| Hazard::Hazardous { insurance }),
    ]
}

/// Outcome metrics.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::outcome_metric().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.to_string(), x.as_str());
/// }
/// ```
pub fn outcome_metric() -> impl Strategy<Value = OutcomeMetric> {
    prop::sample::select(vec![
        OutcomeMetric::Households,
        OutcomeMetric::People,
        OutcomeMetric::Leaflets,
        OutcomeMetric::BroadcastTrips,
        OutcomeMetric::Screens,
        OutcomeMetric::Samples,
        OutcomeMetric::Deliveries,
        OutcomeMetric::Lectures,
        OutcomeMetric::HotlineCalls,
    ])
}

/// Activities with any hazard state, optional team and need, and some outcomes.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::activity().new_tree(&mut runner).unwrap().current();
///     // A hazardous activity always discloses a risk (FIT-04).
///     assert!(!x.hazard().is_hazardous() || !x.recruitment().risks().is_empty());
/// }
/// ```
pub fn activity() -> impl Strategy<Value = Activity> {
    (
        (activity_id(), org_id(), prop::option::of(team_id())),
        "[a-z]{1,30}",
        category_key(),
        location(),
        recruitment(),
        hazard(),
        prop::option::of(need_id()),
        prop::collection::vec((outcome_metric(), 0_u64..1_000_000), 0..4),
    )
        .prop_map(
            |((id, org, team), title, cat, loc, rec, hazard, need, outcomes)| {
                let mut b = Activity::builder(id, org, &title, cat, loc, rec).hazard(hazard);
                if let Some(t) = team {
                    b = b.team(t);
                }
                if let Some(n) = need {
                    b = b.need(n);
                }
                let mut a = b.build().expect("valid activity");
                for (m, n) in outcomes {
                    a.record_outcome(m, n).expect("no overflow");
                }
                a
            },
        )
}

/// Jurisdiction rules.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Jurisdiction};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::jurisdiction().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.division().is_none(), x == Jurisdiction::Any);
/// }
/// ```
pub fn jurisdiction() -> impl Strategy<Value = Jurisdiction> {
    prop_oneof![
        Just(Jurisdiction::Any),
        division_code().prop_map(Jurisdiction::Required),
        division_code().prop_map(Jurisdiction::Preferred),
    ]
}

/// Age rules.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, AgeRule};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::age_rule().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.min_age().is_some(), x == AgeRule::AdultsOnly);
/// }
/// ```
pub fn age_rule() -> impl Strategy<Value = AgeRule> {
    prop_oneof![Just(AgeRule::AnyAge), Just(AgeRule::AdultsOnly)]
}

/// Requirement sets (duplicates removed before building).
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::requirements().new_tree(&mut runner).unwrap().current();
///     // Lists are sorted and free of duplicates.
///     assert!(x.qualifications().windows(2).all(|w| w[0] < w[1]));
///     assert!(x.tags().windows(2).all(|w| w[0] < w[1]));
/// }
/// ```
pub fn requirements() -> impl Strategy<Value = Requirements> {
    (
        prop::collection::btree_set(qualification_id(), 0..4),
        prop::collection::btree_set(training_id(), 0..3),
        prop::option::of(1_u8..=120),
        age_rule(),
        prop::option::of(1_u32..100_000),
        jurisdiction(),
        prop::collection::btree_set(tag(), 0..3),
    )
        .prop_map(|(qs, ts, min_age, rule, dist, j, tags)| {
            let mut b = Requirements::builder().age_rule(rule).jurisdiction(j);
            for q in qs {
                b = b.qualification(q);
            }
            for t in ts {
                b = b.training(t);
            }
            for t in tags {
                b = b.tag(t);
            }
            if let Some(a) = min_age {
                b = b.min_age(a);
            }
            if let Some(d) = dist {
                b = b.max_distance_m(d);
            }
            b.build().expect("deduplicated")
        })
}

/// Shifts of 1 minute to 3 days, 1–50 slots.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Requirements, Shift};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::shift().new_tree(&mut runner).unwrap().current();
///     assert_eq!(Shift::new(x.id(), x.activity(), x.span(), x.slots(), Requirements::none())?.slots(), x.slots());
///     assert!((1..=50).contains(&x.slots()));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn shift() -> impl Strategy<Value = Shift> {
    (
        shift_id(),
        activity_id(),
        time_span(),
        1_u32..50,
        requirements(),
        prop::option::of(location()),
    )
        .prop_map(|(id, a, span, slots, req, loc)| {
            let s = Shift::new(id, a, span, slots, req).expect("slots >= 1");
            match loc {
                Some(l) => s.with_location(l),
                None => s,
            }
        })
}

/// Shift templates with 1–7 weekdays, any whole-minute start and 1–1440 minute duration.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::shift_template().new_tree(&mut runner).unwrap().current();
///     // Every generated shift lasts the template's duration.
///     let day = x.valid().from_date();
///     if let Some(shift) = x.shift_on(day)? {
///         assert_eq!(shift.span().minutes(), x.duration());
///     }
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn shift_template() -> impl Strategy<Value = ShiftTemplate> {
    (
        (template_id(), activity_id()),
        prop::collection::vec(0_u8..7, 1..7),
        0_u32..1440,
        1_u32..=1440,
        -48_i32..=56,
        1_u32..20,
        requirements(),
        date_period(),
    )
        .prop_map(|((id, a), days, start, dur, q, slots, req, valid)| {
            let weekdays: Vec<Weekday> = days
                .into_iter()
                .map(|d| Weekday::try_from(d).expect("0..7"))
                .collect();
            ShiftTemplate::new(
                id,
                a,
                weekdays,
                NaiveTime::from_hms_opt(start / 60, start % 60, 0).expect("in range"),
                Minutes::new(dur),
                FixedOffset::east_opt(q * 900).expect("in range"),
                slots,
                req,
                valid,
            )
            .expect("valid template")
        })
}

/// Requesters, with or without a phone number.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Requester};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::requester().new_tree(&mut runner).unwrap().current();
///     assert_eq!(Requester::new(x.name(), x.phone())?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn requester() -> impl Strategy<Value = Requester> {
    (
        "[\u{4e00}-\u{9fa5}]{1,6}",
        prop::option::of("1[3-9][0-9]{9}"),
    )
        .prop_map(|(name, phone)| Requester::new(&name, phone.as_deref()).expect("valid"))
}

/// Dispatch modes.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, DispatchMode};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::dispatch_mode().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.team().is_none(), x == DispatchMode::Open);
/// }
/// ```
pub fn dispatch_mode() -> impl Strategy<Value = DispatchMode> {
    prop_oneof![
        Just(DispatchMode::Open),
        team_id().prop_map(DispatchMode::Assign)
    ]
}

/// Ratings 1..=5.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Rating};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::rating().new_tree(&mut runner).unwrap().current();
///     assert_eq!(Rating::new(x.get())?, x);
///     assert!((1..=5).contains(&x.get()));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn rating() -> impl Strategy<Value = Rating> {
    (1_u8..=5).prop_map(|r| Rating::new(r).expect("in range"))
}

/// Needs driven through a legal prefix of the lifecycle, ending in any state.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, NeedEvent};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::need().new_tree(&mut runner).unwrap().current();
///     // Every need starts with its submission; the history is in time order.
///     assert_eq!(x.history().first().map(|t| &t.event), Some(&NeedEvent::Submitted));
///     assert!(x.history().windows(2).all(|w| w[0].at <= w[1].at));
/// }
/// ```
pub fn need() -> impl Strategy<Value = Need> {
    (
        (need_id(), requester(), category_key(), location()),
        prop::collection::vec("[a-z]{3,20}", 0..3),
        instant(),
        prop::sample::select(NeedStatus::ALL.to_vec()),
        dispatch_mode(),
        team_id(),
        rating(),
    )
        .prop_map(
            |((id, req, cat, loc), risks, at, target, mode, other_team, rating)| {
                let mut n =
                    Need::submit(id, req, cat, loc, "help needed", risks, at).expect("valid need");
                let t = |m: i64| at + TimeDelta::minutes(m);
                let team = mode.team().unwrap_or(other_team);
                let path: &[NeedStatus] = &[
                    NeedStatus::UnderReview,
                    NeedStatus::Dispatched,
                    NeedStatus::InService,
                    NeedStatus::Completed,
                    NeedStatus::Reported,
                    NeedStatus::Evaluated,
                ];
                if target == NeedStatus::Rejected {
                    n.start_review(t(1)).expect("legal");
                    n.reject("not in scope", t(2)).expect("legal");
                    return n;
                }
                for (i, step) in path.iter().enumerate() {
                    if n.state().status() == target {
                        break;
                    }
                    let at = t(i64::try_from(i).unwrap_or(0) + 1);
                    match step {
                        NeedStatus::UnderReview => n.start_review(at),
                        NeedStatus::Dispatched => n.dispatch(mode, at),
                        NeedStatus::InService => n.accept(team, at),
                        NeedStatus::Completed => n.complete(at),
                        NeedStatus::Reported => n.report("done", at),
                        _ => n.evaluate(rating, "", at),
                    }
                    .expect("legal path");
                }
                n
            },
        )
}

/// Categories with their names, keyed by [`category_key`].
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Category};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::category().new_tree(&mut runner).unwrap().current();
///     assert_eq!(Category::new(x.key().clone(), x.name_en(), x.name_zh())?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn category() -> impl Strategy<Value = Category> {
    (
        category_key(),
        "[A-Za-z][A-Za-z ]{0,30}",
        "[\u{4e00}-\u{9fa5}]{1,10}",
    )
        .prop_map(|(k, en, zh)| Category::new(k, &en, &zh).expect("non-blank names"))
}

/// The five Jiangning roles.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, JiangningRole};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::jiangning_role().new_tree(&mut runner).unwrap().current();
///     assert_eq!(JiangningRole::for_category(&x.key()), Some(x));
/// }
/// ```
pub fn jiangning_role() -> impl Strategy<Value = JiangningRole> {
    prop::sample::select(JiangningRole::ALL.to_vec())
}

/// Need states' kinds.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, NeedStatus};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::need_status().new_tree(&mut runner).unwrap().current();
///     assert!(NeedStatus::ALL.contains(&x));
/// }
/// ```
pub fn need_status() -> impl Strategy<Value = NeedStatus> {
    prop::sample::select(NeedStatus::ALL.to_vec())
}

/// A calendar holding one activity (any hazard) and 1–8 shifts of it.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::shift_calendar().new_tree(&mut runner).unwrap().current();
///     // 1–8 shifts, all of one activity.
///     assert!((1..=8).contains(&x.len()));
///     let first = x.shifts().next().map(|s| s.activity());
///     assert!(x.shifts().all(|s| Some(s.activity()) == first));
/// }
/// ```
pub fn shift_calendar() -> impl Strategy<Value = ShiftCalendar> {
    (activity(), prop::collection::vec(shift(), 1..8)).prop_map(|(a, shifts)| {
        let mut cal = ShiftCalendar::new();
        cal.add_activity(&a);
        for s in shifts {
            let s = Shift::new(
                s.id(),
                a.id(),
                s.span(),
                s.slots(),
                s.requirements().clone(),
            )
            .expect("slots >= 1");
            // Ids are random UUIDs; a rare duplicate is skipped.
            let _ = cal.add_shift(s);
        }
        cal
    })
}

/// A calendar with an ordinary activity's shifts and a roster built by random sign-ups and
/// withdrawals against it, an hour before the first shift.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::calendar_and_roster().new_tree(&mut runner).unwrap().current();
///     // The roster never holds more places than a shift has.
///     let (cal, roster) = x;
///     for shift in cal.shifts() {
///         assert!(roster.taken(shift.id()) <= shift.slots());
///     }
/// }
/// ```
pub fn calendar_and_roster() -> impl Strategy<Value = (ShiftCalendar, Roster)> {
    (
        shift_calendar(),
        prop::collection::vec((0_u64..8, 0_usize..8, any::<bool>()), 0..40),
    )
        .prop_map(|(mut cal, cmds)| {
            // Make the activity ordinary so that sign-ups are confirmable.
            let ids: Vec<_> = cal.shifts().map(Shift::id).collect();
            let first = cal
                .shifts()
                .map(|s| s.span().start())
                .min()
                .expect("at least one shift");
            let activity = cal.shifts().next().map(Shift::activity).expect("a shift");
            let ordinary = crate::doc_fixtures::activity();
            let mut plain = ShiftCalendar::new();
            let a = Activity::builder(
                activity,
                ordinary.organiser(),
                ordinary.title(),
                ordinary.category().clone(),
                ordinary.location().clone(),
                ordinary.recruitment().clone(),
            )
            .build()
            .expect("valid");
            plain.add_activity(&a);
            for s in cal.shifts() {
                let _ = plain.add_shift(s.clone());
            }
            cal = plain;
            let at = first - TimeDelta::hours(1);
            let mut roster = Roster::new();
            for (v, s, withdraw) in cmds {
                let Some(shift) = ids.get(s % ids.len()).copied() else {
                    continue;
                };
                let volunteer = crate::VolunteerId::from_parts(1, v);
                if withdraw {
                    if let Some(a) = roster.find(shift, volunteer).map(Assignment::id) {
                        let _ = roster.withdraw(&cal, a, "cannot come", at, None);
                    }
                } else {
                    let _ = roster.sign_up(&cal, shift, volunteer, at, None);
                }
            }
            (cal, roster)
        })
}
