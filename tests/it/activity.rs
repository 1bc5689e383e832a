//! Activities, shifts, needs and rosters: trait checks, the wire shape and round trips over
//! the strategies.

use volunteer_service::*;

macro_rules! assert_impl {
    ($($ty:ty),* $(,)? => $($bound:tt)+) => {
        const _: fn() = || {
            fn check<T: ?Sized + $($bound)+>() {}
            $(check::<$ty>();)*
        };
    };
}

assert_impl!(
    CategoryKey, Category, Taxonomy, Location, Recruitment, InsurancePolicy, Hazard, Activity,
    Requirements, Shift, ShiftTemplate, ShiftCalendar, Need, NeedState, Requester, Roster,
    Assignment, AssignmentState, RosterEvent
    => Clone + Eq + core::fmt::Debug + Send + Sync
);
assert_impl!(
    OutcomeMetric, JiangningRole, AgeRule, Jurisdiction, DispatchMode, Rating, NeedStatus,
    NeedAction, AssignmentStatus, RosterAction, SkipReason
    => Copy + Eq + core::hash::Hash + core::fmt::Debug + Send + Sync
);
assert_impl!(
    CategoryError, ActivityError, ShiftError, NeedError, RosterError
    => std::error::Error + Clone + Eq + Send + Sync + 'static
);

/// Every error message of the activity areas, pinned: a change here is a visible change.
#[test]
#[allow(
    clippy::too_many_lines,
    clippy::many_single_char_names,
    reason = "one flat list of every message reads best"
)]
fn error_messages_are_pinned() {
    let at = doc_fixtures::at("2021-07-21T10:00:00+08:00");
    let a = ActivityId::from_parts(0, 1);
    let s = ShiftId::from_parts(0, 2);
    let n = NeedId::from_parts(0, 3);
    let v = VolunteerId::from_parts(0, 4);
    let asg = AssignmentId::from_parts(0, 5);
    let t = TeamId::from_parts(0, 6);
    let tpl = TemplateId::from_parts(0, 7);
    let k: CategoryKey = "a.b".parse().expect("valid");
    let messages: Vec<String> = vec![
        CategoryKey::new("a.b.c.d")
            .expect_err("invalid")
            .to_string(),
        Category::new(k.clone(), "", "x")
            .expect_err("invalid")
            .to_string(),
        CategoryError::MissingParent {
            key: k.clone(),
            parent: "a".parse().expect("valid"),
        }
        .to_string(),
        CategoryError::Duplicate { key: k.clone() }.to_string(),
        CategoryError::Unknown { key: k.clone() }.to_string(),
        ActivityError::MissingDisclosure { field: "risks" }.to_string(),
        ActivityError::ZeroNeeded.to_string(),
        ActivityError::HazardWithoutRisk { activity: a }.to_string(),
        ActivityError::NeedRiskNotDisclosed {
            activity: a,
            need: n,
            risk: "stairs".into(),
        }
        .to_string(),
        ActivityError::InsuranceGap {
            activity: a,
            policy_no: "P-1".into(),
            day: "2021-07-22".parse().expect("valid"),
        }
        .to_string(),
        ActivityError::NotHazardous { activity: a }.to_string(),
        ActivityError::OutcomeOverflow {
            activity: a,
            metric: OutcomeMetric::People,
        }
        .to_string(),
        ShiftError::ZeroSlots {
            shift: s.to_string(),
        }
        .to_string(),
        ShiftError::MinAge { value: 0 }.to_string(),
        ShiftError::ZeroDistance.to_string(),
        ShiftError::NoWeekdays { template: tpl }.to_string(),
        ShiftError::Duration {
            template: tpl,
            minutes: 0,
        }
        .to_string(),
        ShiftError::StartTime {
            template: tpl,
            start: "08:00:30".parse().expect("valid"),
        }
        .to_string(),
        ShiftError::UnknownActivity { activity: a }.to_string(),
        ShiftError::UnknownShift { shift: s }.to_string(),
        ShiftError::DuplicateShift { shift: s }.to_string(),
        ShiftError::Generation {
            template: tpl,
            date: "2021-07-22".parse().expect("valid"),
        }
        .to_string(),
        NeedError::WrongTeam {
            need: n,
            assigned: t,
            team: t,
        }
        .to_string(),
        NeedError::OutOfOrder {
            need: n,
            last: at,
            at,
        }
        .to_string(),
        NeedError::Text {
            field: "reason",
            max: 500,
        }
        .to_string(),
        NeedError::Rating { value: 6 }.to_string(),
        NeedError::NoSubmission { need: n }.to_string(),
        RosterError::UnknownShift { shift: s }.to_string(),
        RosterError::UnknownActivity {
            shift: s,
            activity: a,
        }
        .to_string(),
        RosterError::UnknownAssignment { assignment: asg }.to_string(),
        RosterError::Started {
            shift: s,
            start: at,
            at,
            action: RosterAction::Withdraw,
        }
        .to_string(),
        RosterError::NotStarted {
            shift: s,
            start: at,
            at,
        }
        .to_string(),
        RosterError::AlreadyOnShift {
            volunteer: v,
            shift: s,
            assignment: asg,
        }
        .to_string(),
        RosterError::Overlap {
            volunteer: v,
            shift: s,
            other: s,
        }
        .to_string(),
        RosterError::Insurance {
            shift: s,
            source: ActivityError::Uninsured { activity: a },
        }
        .to_string(),
        RosterError::IllegalTransition {
            assignment: asg,
            status: AssignmentStatus::NoShow,
            action: RosterAction::Accept,
        }
        .to_string(),
        RosterError::ReplayMismatch { seq: 3 }.to_string(),
        RosterError::Reason { assignment: asg }.to_string(),
    ];
    insta::assert_snapshot!("activity_error_messages", messages.join("\n"));
}

#[cfg(feature = "serde")]
mod wire {
    use super::*;
    use serde::{Serialize, de::DeserializeOwned};

    assert_impl!(
        CategoryKey, Category, Taxonomy, Location, Recruitment, InsurancePolicy, Hazard,
        Activity, OutcomeMetric, JiangningRole, Requirements, AgeRule, Jurisdiction, Shift,
        ShiftOrigin, ShiftTemplate, ShiftCalendar, TemplateOutcome, SkipReason, Need, NeedState,
        NeedStatus, NeedAction, NeedEvent, NeedTransition, Requester, DispatchMode, Rating,
        AssignmentState, AssignmentStatus, RosterAction, RosterEvent, RosterEventKind,
        Promotion, SignUpOutcome, Released
        => Serialize + DeserializeOwned
    );
    assert_impl!(Roster, Assignment => Serialize);

    #[test]
    fn activity_wire_shape() {
        let mut activity = doc_fixtures::hazardous_activity();
        activity
            .attach_insurance(
                InsurancePolicy::new(
                    "PICC",
                    "P-2021-0721",
                    DatePeriod::from("2021-07-21".parse::<chrono::NaiveDate>().expect("date")),
                )
                .expect("policy"),
            )
            .expect("hazardous");
        activity
            .record_outcome(OutcomeMetric::Households, 154_134)
            .expect("no overflow");
        let template = doc_fixtures::template(activity.id());
        let shift = template
            .shift_on("2021-07-19".parse().expect("date"))
            .expect("in range")
            .expect("a Monday");
        let requirements = Requirements::builder()
            .qualification(QualificationId::from_parts(1, 1))
            .age_rule(AgeRule::AdultsOnly)
            .max_distance_m(3_000)
            .jurisdiction(Jurisdiction::Required("320115".parse().expect("code")))
            .tag(Tag::new("党员").expect("tag"))
            .build()
            .expect("valid");
        let mut need = doc_fixtures::need();
        need.start_review(doc_fixtures::at("2021-07-21T09:00:00+08:00"))
            .expect("legal");
        need.dispatch(
            DispatchMode::Assign(TeamId::from_parts(1, 1)),
            doc_fixtures::at("2021-07-21T09:10:00+08:00"),
        )
        .expect("legal");
        let (cal, shift_id) = doc_fixtures::calendar_with_shift(1);
        let mut roster = Roster::new();
        let t = doc_fixtures::at("2021-07-20T09:00:00+08:00");
        roster
            .sign_up(&cal, shift_id, VolunteerId::from_parts(1, 1), t, None)
            .expect("free place");
        roster
            .sign_up(&cal, shift_id, VolunteerId::from_parts(1, 2), t, None)
            .expect("waitlisted");
        let value = serde_json::json!({
            "activity": activity,
            "template": template,
            "shift": shift,
            "requirements": requirements,
            "need": need,
            "roster": roster,
            "category": Taxonomy::default().get(&"epidemic.checkpoint".parse().expect("key")),
        });
        insta::assert_json_snapshot!("activity", value);
    }
}

#[cfg(all(feature = "serde", feature = "proptest"))]
mod round_trip {
    use proptest::prelude::*;
    use volunteer_service::strategies as s;

    fn json_round_trip<T>(value: &T) -> T
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let text = serde_json::to_string(value).expect("serialises");
        serde_json::from_str(&text).expect("deserialises")
    }

    proptest! {
        #[test]
        fn categories(key in s::category_key(), menu in s::taxonomy()) {
            prop_assert_eq!(json_round_trip(&key), key);
            prop_assert_eq!(json_round_trip(&menu), menu);
        }

        #[test]
        fn activities(a in s::activity(), loc in s::location(), h in s::hazard()) {
            prop_assert_eq!(json_round_trip(&a), a);
            prop_assert_eq!(json_round_trip(&loc), loc);
            prop_assert_eq!(json_round_trip(&h), h);
        }

        #[test]
        fn shifts(sh in s::shift(), t in s::shift_template(), r in s::requirements()) {
            prop_assert_eq!(json_round_trip(&sh), sh);
            prop_assert_eq!(json_round_trip(&t), t);
            prop_assert_eq!(json_round_trip(&r), r);
        }

        #[test]
        fn needs(n in s::need()) {
            let debug = format!("{n:?}");
            if let Some(phone) = n.requester().phone() {
                prop_assert!(!debug.contains(phone));
            }
            prop_assert_eq!(json_round_trip(&n), n);
        }

        #[test]
        fn template_shifts_cross_midnight_with_exact_length(t in s::shift_template(), d in s::date()) {
            if let Some(shift) = t.shift_on(d).expect("in range") {
                prop_assert_eq!(shift.span().minutes(), t.duration());
                prop_assert_eq!(shift.id(), t.shift_id_on(d));
                prop_assert_eq!(shift.span().start().date_naive(), d);
            } else {
                prop_assert!(!t.is_scheduled(d));
            }
        }
    }
}

#[cfg(feature = "proptest")]
mod roster_properties {
    use proptest::prelude::*;
    use volunteer_service::strategies as s;
    use volunteer_service::*;

    proptest! {
        #[test]
        fn generated_rosters_keep_every_guarantee((cal, roster) in s::calendar_and_roster()) {
            for shift in cal.shifts() {
                prop_assert!(roster.taken(shift.id()) <= shift.slots());
                if !roster.waitlist(shift.id()).is_empty() {
                    prop_assert_eq!(roster.taken(shift.id()), shift.slots());
                }
            }
            for a in roster.assignments().filter(|a| a.state().holds_place()) {
                let span = cal.get(a.shift()).map(Shift::span);
                for b in roster.held_by(a.volunteer()).filter(|b| b.id() != a.id()) {
                    prop_assert!(!cal.get(b.shift()).map(Shift::span).zip(span).is_some_and(|(x, y)| x.overlaps(&y)));
                }
            }
            prop_assert_eq!(Roster::replay(&cal, roster.events()), Ok(roster.clone()));
        }

        #[test]
        fn taxonomy_subsets_keep_parents(menu in s::taxonomy(), role in s::jiangning_role(), c in s::category()) {
            for cat in menu.iter() {
                if let Some(p) = cat.key().parent() {
                    prop_assert!(menu.get(&p).is_some());
                }
            }
            prop_assert!(role.categories().iter().all(|k| JiangningRole::for_category(k) == Some(role)));
            prop_assert!(!c.name_en().is_empty() && !c.name_zh().is_empty());
        }
    }
}
