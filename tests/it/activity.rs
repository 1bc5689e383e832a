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
