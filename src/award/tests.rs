#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use chrono::TimeDelta;
use proptest::prelude::*;

use super::*;
use crate::doc_fixtures::{
    activity, at, ledger, record_builder, recorder, volunteer_id as volunteer,
};
use crate::{Append, IdempotencyKey, TimeSpan};

/// A ledger with `n` four-hour credits of the fixture volunteer, of `provenance`.
fn credited(n: u64, provenance: Provenance) -> HourLedger {
    let mut l = ledger();
    let t = at("2021-08-01T00:00:00+08:00");
    for i in 1..=n {
        let rec = record_builder(i).provenance(provenance).build().unwrap();
        let id = rec.id();
        l.submit(recorder(), rec, t).unwrap();
        l.confirm(
            recorder(),
            id,
            Append::new(IdempotencyKey::from_parts(5, i)),
            t,
        )
        .unwrap();
    }
    l
}

fn star(n: u8) -> Distinction {
    Distinction::star(n).unwrap()
}

#[test]
fn presets_hold_the_published_thresholds() {
    let hours = |l: &StarLadder| -> Vec<u32> {
        l.tiers().iter().map(|t| t.threshold().get() / 60).collect()
    };
    assert_eq!(hours(&StarLadder::national()), [100, 300, 600, 1000, 1500]);
    assert_eq!(
        hours(&StarLadder::beijing()),
        [100, 200, 500, 800, 1000, 2000, 3000, 5000]
    );
    assert_eq!(
        hours(&StarLadder::zhangjiagang()),
        [30, 60, 100, 200, 300, 600, 1000, 1500, 3000]
    );
    assert_eq!(
        StarLadder::zhangjiagang().cycle(),
        Some(Minutes::new(300 * 60))
    );
    assert_eq!(
        StarLadder::zhangjiagang()
            .tiers()
            .last()
            .map(StarTier::distinction),
        Some(Distinction::Lifetime)
    );
    assert_eq!(
        StarLadder::beijing().reached(Minutes::new(2000 * 60)),
        Some(Distinction::Medal(1))
    );
    // STAR-02: the awarding level depends on the star.
    let n = StarLadder::national();
    assert_eq!(n.tier(star(2)).unwrap().awarded_by(), AwardingLevel::County);
    assert_eq!(n.tier(star(3)).unwrap().awarded_by(), AwardingLevel::City);
    assert_eq!(
        n.tier(star(5)).unwrap().awarded_by(),
        AwardingLevel::Province
    );
}

#[test]
fn thresholds_are_inclusive() {
    let n = StarLadder::national();
    assert_eq!(n.reached(Minutes::new(100 * 60 - 1)), None);
    assert_eq!(n.reached(Minutes::new(100 * 60)), Some(star(1)));
    assert_eq!(n.reached(Minutes::new(1500 * 60)), Some(star(5)));
}

#[test]
fn invalid_ladders_are_refused() {
    let t = |d, hrs: u32| StarTier::new(d, Minutes::new(hrs * 60), AwardingLevel::County);
    assert_eq!(
        StarLadder::new(" ", vec![t(star(1), 1)]),
        Err(AwardError::Text {
            what: "ladder name"
        })
    );
    assert!(matches!(
        StarLadder::new("x", vec![t(star(1), 10), t(star(2), 10)]),
        Err(AwardError::TierOrder { threshold: 600, .. })
    ));
    assert!(matches!(
        StarLadder::new("x", vec![t(star(2), 10), t(star(1), 20)]),
        Err(AwardError::TierOrder { .. })
    ));
    assert!(matches!(
        StarLadder::new("x", vec![t(star(1), 0)]),
        Err(AwardError::TierOrder { .. })
    ));
    let ok = StarLadder::new("x", vec![t(star(1), 1)]).unwrap();
    assert_eq!(
        ok.clone().counting([]),
        Err(AwardError::NoProvenance { ladder: "x".into() })
    );
    assert_eq!(
        ok.with_cycle(Minutes::ZERO),
        Err(AwardError::NotPositive { what: "star cycle" })
    );
    assert!(Distinction::star(0).is_err() && Distinction::star(6).is_err());
    assert!(Distinction::medal(4).is_err());
}

#[test]
fn the_ladder_decides_which_provenances_count() {
    let l = credited(2, Provenance::Import);
    let all = StarLadder::national();
    assert_eq!(all.counted(&l, volunteer()), Minutes::new(480));
    let verified = all
        .counting([Provenance::VerifiedCheckIn, Provenance::Schedule])
        .unwrap();
    assert_eq!(verified.counted(&l, volunteer()), Minutes::ZERO);
}

#[test]
fn zhangjiagang_cycles_per_300_hours() {
    let z = StarLadder::zhangjiagang();
    let s = z.standing(Minutes::new(299 * 60));
    assert_eq!(
        (s.cycles(), s.star_in_cycle(), s.highest()),
        (0, Some(star(4)), Some(star(4)))
    );
    let s = z.standing(Minutes::new(630 * 60));
    assert_eq!((s.cycles(), s.star_in_cycle()), (2, Some(star(1))));
    assert_eq!(s.highest(), Some(Distinction::Medal(1)));
    let s = StarLadder::national().standing(Minutes::new(700 * 60));
    assert_eq!((s.cycles(), s.star_in_cycle()), (0, Some(star(3))));
}

#[test]
fn a_star_application_runs_applied_publicised_awarded() {
    let ladder = StarLadder::new(
        "tiny",
        vec![StarTier::new(
            star(1),
            Minutes::new(480),
            AwardingLevel::County,
        )],
    )
    .unwrap();
    let t = at("2021-08-02T09:00:00+08:00");
    // Not enough hours: refused.
    let short = credited(1, Provenance::AttestedManual);
    assert_eq!(
        StarApplication::apply(&ladder, &short, volunteer(), star(1), t),
        Err(AwardError::NotEligible {
            volunteer: volunteer(),
            distinction: star(1),
            served: 240,
            required: 480
        })
    );
    assert!(matches!(
        StarApplication::apply(&ladder, &short, volunteer(), star(2), t),
        Err(AwardError::UnknownTier { .. })
    ));
    let l = credited(2, Provenance::AttestedManual);
    let mut app = StarApplication::apply(&ladder, &l, volunteer(), star(1), t).unwrap();
    assert_eq!(app.awarding_level(), AwardingLevel::County);
    assert_eq!(app.counted(), Minutes::new(480));
    // Award before notice: refused, unchanged.
    let before = app.clone();
    assert_eq!(
        app.award(t, "ZJG-0001"),
        Err(AwardError::Transition {
            state: "applied",
            action: "award"
        })
    );
    assert_eq!(app, before);
    assert_eq!(
        app.publicise(t, 0),
        Err(AwardError::NotPositive {
            what: "notice period"
        })
    );
    app.publicise(t, 5).unwrap();
    let during = t + TimeDelta::days(4);
    assert!(matches!(
        app.award(during, "ZJG-0001"),
        Err(AwardError::NoticeRunning { .. })
    ));
    assert_eq!(
        app.award(t + TimeDelta::days(5), " "),
        Err(AwardError::Text {
            what: "star-volunteer number"
        })
    );
    app.award(t + TimeDelta::days(5), "ZJG-0001").unwrap();
    // STAR-04: the number never changes.
    let awarded = app.clone();
    assert!(app.award(t + TimeDelta::days(6), "ZJG-0002").is_err());
    assert!(
        app.reject(t + TimeDelta::days(6), "late objection")
            .is_err()
    );
    assert_eq!(app, awarded);
    assert!(
        matches!(app.state(), StarApplicationState::Awarded { number, .. } if number == "ZJG-0001")
    );
}

#[test]
fn a_publicised_application_can_be_rejected() {
    let ladder = StarLadder::new(
        "tiny",
        vec![StarTier::new(
            star(1),
            Minutes::new(60),
            AwardingLevel::City,
        )],
    )
    .unwrap();
    let l = credited(1, Provenance::Schedule);
    let t = at("2021-08-02T09:00:00+08:00");
    let mut app = StarApplication::apply(&ladder, &l, volunteer(), star(1), t).unwrap();
    app.publicise(t, 7).unwrap();
    app.reject(t + TimeDelta::days(1), "hours disputed during notice")
        .unwrap();
    assert_eq!(app.state().name(), "rejected");
    assert!(app.publicise(t, 7).is_err());
}

#[test]
fn annual_minimum_counts_the_local_year() {
    let min = AnnualMinimum::cyl();
    assert_eq!(min.minutes(), Minutes::new(1200));
    let l = credited(4, Provenance::AttestedManual); // 16 h in July 2021
    assert_eq!(
        min.shortfall(&l, volunteer(), 2021),
        Some(Minutes::new(240))
    );
    assert_eq!(
        min.shortfall(&l, volunteer(), 2022),
        Some(Minutes::new(1200))
    );
    let l = credited(5, Provenance::AttestedManual);
    assert_eq!(min.shortfall(&l, volunteer(), 2021), None);
    // A service starting at 23:00 on 31 December local time counts in that year.
    let mut l = ledger();
    let start = at("2021-12-31T23:00:00+08:00");
    let rec = record_builder(1)
        .served(TimeSpan::new(start, start + TimeDelta::hours(2)).unwrap())
        .duration(Minutes::new(120))
        .build()
        .unwrap();
    let id = rec.id();
    l.submit(recorder(), rec, start).unwrap();
    l.confirm(
        recorder(),
        id,
        Append::new(IdempotencyKey::from_parts(5, 1)),
        start,
    )
    .unwrap();
    assert_eq!(
        AnnualMinimum::new(Minutes::new(120)).shortfall(&l, volunteer(), 2021),
        None
    );
}

#[test]
fn points_floor_per_category_and_follow_the_most_specific_rate() {
    let k = PointsRule::kunshan();
    let c: CategoryKey = "epidemic.testing".parse().unwrap();
    assert_eq!(k.points(&c, Minutes::new(59)), 9); // 9.83 → 9
    assert_eq!(k.points(&c, Minutes::new(60)), 10);
    assert_eq!(k.points(&c, Minutes::new(5)), 0);
    assert_eq!(PointsRule::hailin().points(&c, Minutes::new(119)), 1);
    let r = PointsRule::default()
        .with_rate("epidemic".parse().unwrap(), 2)
        .unwrap()
        .with_rate("epidemic.testing".parse().unwrap(), 3)
        .unwrap();
    assert_eq!(
        r.rate(&"epidemic.testing.registration".parse().unwrap()),
        Some(3)
    );
    assert_eq!(r.rate(&"epidemic.other".parse().unwrap()), Some(2));
    assert_eq!(r.rate(&"elderly".parse().unwrap()), None);
    assert_eq!(r.points(&"elderly".parse().unwrap(), Minutes::new(600)), 0);
    assert_eq!(
        PointsRule::flat(0),
        Err(AwardError::NotPositive {
            what: "points per hour"
        })
    );
    // From the ledger: 2 × 240 min in the fixture activity's category at 10 points/h.
    let l = credited(2, Provenance::AttestedManual);
    let index = crate::ActivityIndex::new([&activity()]);
    assert_eq!(k.points_in(&l, &index, volunteer()), 80);
}

proptest! {
    /// Points are monotone in minutes and never exceed the exact rational value.
    #[test]
    fn points_floor(m in 0_u32..1_000_000, rate in 1_u32..100) {
        let r = PointsRule::flat(rate).unwrap();
        let c: CategoryKey = "x".parse().unwrap();
        let p = r.points(&c, Minutes::new(m));
        prop_assert!(p * 60 <= u64::from(m) * u64::from(rate));
        prop_assert!((p + 1) * 60 > u64::from(m) * u64::from(rate));
        prop_assert!(r.points(&c, Minutes::new(m + 1)) >= p);
    }

    /// `reached` is the last tier whose threshold is met.
    #[test]
    fn reached_is_monotone(a in 0_u32..400_000, b in 0_u32..400_000) {
        let l = StarLadder::beijing();
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(l.reached(Minutes::new(lo)) <= l.reached(Minutes::new(hi)));
    }
}

#[cfg(feature = "serde")]
#[test]
fn ladders_round_trip_and_validate_on_the_wire() {
    let z = StarLadder::zhangjiagang();
    let json = serde_json::to_string(&z).unwrap();
    assert_eq!(serde_json::from_str::<StarLadder>(&json).unwrap(), z);
    let bad = json.replace("\"threshold\":1800", "\"threshold\":0");
    assert!(serde_json::from_str::<StarLadder>(&bad).is_err());
    assert!(serde_json::from_str::<Distinction>(r#"{"star":6}"#).is_err());
}

#[cfg(feature = "serde")]
#[test]
fn a_zero_points_rate_is_refused_on_the_wire() {
    let json = serde_json::to_string(&PointsRule::kunshan()).unwrap();
    assert_eq!(
        serde_json::from_str::<PointsRule>(&json).unwrap(),
        PointsRule::kunshan()
    );
    assert!(serde_json::from_str::<PointsRule>(r#"{"default":0,"per_category":{}}"#).is_err());
    assert!(
        serde_json::from_str::<PointsRule>(r#"{"default":null,"per_category":{"x":0}}"#).is_err()
    );
}

#[cfg(feature = "proptest")]
proptest! {
    /// The one-pass count agrees with the per-volunteer count for every volunteer, including
    /// those whose credits were reversed, and lists nobody without a counting entry.
    #[test]
    fn counted_all_agrees_with_counted(ledger in crate::strategies::hour_ledger(30)) {
        for ladder in [StarLadder::national(), StarLadder::beijing(), StarLadder::zhangjiagang()] {
            let all = ladder.counted_all(&ledger);
            for e in ledger.entries() {
                let v = e.volunteer();
                let one = ladder.counted(&ledger, v);
                prop_assert_eq!(all.get(&v).copied().unwrap_or(Minutes::ZERO), one);
            }
            for v in all.keys() {
                prop_assert!(ledger.entries().iter().any(|e| e.volunteer() == *v));
            }
        }
    }
}
