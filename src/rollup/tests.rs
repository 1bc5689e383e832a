#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use chrono::{NaiveDate, TimeDelta};
use proptest::prelude::*;

use super::*;
use crate::doc_fixtures::{activity, at, ledger, organiser, record_builder, recorder};
use crate::{
    Actor, Append, IdempotencyKey, Minutes, OrgKind, Organisation, RecordId, Role, ServiceRecord,
    StaffId, Team, TeamKind, TeamLevel, TimeSpan, VolunteerId,
};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A hierarchy from a parent list: `parents[i]` is `None` (a root) or an index below `i`.
fn tree_of(parents: &[Option<usize>]) -> (OrgHierarchy, Vec<OrgId>) {
    let ids: Vec<OrgId> = (0..parents.len() as u64)
        .map(|i| OrgId::from_parts(9, i))
        .collect();
    let mut tree = OrgHierarchy::new();
    for (i, p) in parents.iter().enumerate() {
        let org = Organisation::builder(ids[i], format!("org {i}"), OrgKind::OtherOrganiser)
            .build()
            .unwrap();
        match p {
            Some(p) => tree.add_under(org, ids[*p], NaiveDate::MIN).unwrap(),
            None => tree.add_root(org, NaiveDate::MIN).unwrap(),
        }
    }
    (tree, ids)
}

/// A ledger with one record per op: organiser `orgs[o]`, `minutes`, kind, maybe reversed.
/// Each record has its own volunteer, so none overlaps.
fn ledger_of(orgs: &[OrgId], ops: &[(usize, u32, RecordKind, bool)]) -> HourLedger {
    let base = at("2021-07-21T08:00:00+08:00");
    let staff = Actor::Staff(StaffId::from_parts(7, 1));
    let mut l = HourLedger::new();
    for &o in orgs {
        crate::doc_fixtures::appoint(&mut l, o, staff, base);
    }
    for (n, &(o, minutes, kind, reverse)) in (0_u64..).zip(ops) {
        let start = base + TimeDelta::days(i64::try_from(n % 400).unwrap());
        let rec = ServiceRecord::builder(
            RecordId::from_parts(8, n),
            VolunteerId::from_parts(8, n),
            orgs[o],
            ActivityId::from_parts(8, 1),
        )
        .activity_name("a")
        .place("p")
        .beneficiary("b")
        .content("c")
        .served(TimeSpan::new(start, start + TimeDelta::minutes(i64::from(minutes))).unwrap())
        .duration(Minutes::new(minutes))
        .recorder(staff)
        .kind(kind)
        .build()
        .unwrap();
        let id = rec.id();
        // The journal's clock never goes back: op n appends at base + 2n h, its reversal 1 h later.
        let now = base + TimeDelta::hours(i64::try_from(2 * n).unwrap());
        l.submit(staff, rec, now).unwrap();
        let r = l
            .confirm(
                staff,
                id,
                Append::new(IdempotencyKey::from_parts(8, 2 * n)),
                now,
            )
            .unwrap();
        if reverse {
            l.reverse(
                staff,
                r.first(),
                "test",
                Append::new(IdempotencyKey::from_parts(8, 2 * n + 1)),
                now + TimeDelta::hours(1),
            )
            .unwrap();
        }
    }
    l
}

fn parents_strategy(max: usize) -> impl Strategy<Value = Vec<Option<usize>>> {
    (1..=max).prop_flat_map(|n| {
        (0..n)
            .map(|i| {
                if i == 0 {
                    Just(None).boxed()
                } else {
                    prop_oneof![1 => Just(None), 6 => (0..i).prop_map(Some)].boxed()
                }
            })
            .collect::<Vec<_>>()
    })
}

fn kind_strategy() -> impl Strategy<Value = RecordKind> {
    prop_oneof![
        Just(RecordKind::Service),
        Just(RecordKind::Training),
        Just(RecordKind::Drill)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// ORG-11: the one-pass roll-up equals a naive recomputation per node with `is_within`.
    #[test]
    fn subtree_rollup_equals_naive(
        parents in parents_strategy(30),
        ops in prop::collection::vec((0_usize..40, 1_u32..600, kind_strategy(), any::<bool>()), 0..40),
        cut in 0_u64..100,
        all in any::<bool>(),
        served in prop::option::of(0_i64..60),
    ) {
        let (tree, ids) = tree_of(&parents);
        // Some organisers (index ≥ len) are outside the hierarchy.
        let mut orgs = ids.clone();
        orgs.push(OrgId::from_parts(9, 999));
        let ops: Vec<_> = ops.into_iter().map(|(o, m, k, r)| (o % orgs.len(), m, k, r)).collect();
        let l = ledger_of(&orgs, &ops);
        let mut rollup = OrgRollup::new(&tree);
        rollup.sync(&l).unwrap();
        let mut q = RollupQuery::new().known(AsOf::Sequence(cut));
        if all { q = q.all_kinds(); }
        // A served-by cut takes the roll-up's per-entry path (the selection of `Totals`).
        if let Some(h) = served {
            q = q.served_by(at("2021-07-21T08:00:00+08:00") + TimeDelta::hours(h));
        }
        let totals = rollup.subtree_totals(&l, &q).unwrap();
        for &b in &ids {
            let naive: i64 = q.entries(&l)
                .filter(|e| tree.contains(e.organiser()) && tree.is_within(e.organiser(), b))
                .map(|e| e.amount().get())
                .sum();
            prop_assert_eq!(totals.subtree(b), Some(MinuteDelta::new(naive)));
            let own: i64 = q.entries(&l).filter(|e| e.organiser() == b).map(|e| e.amount().get()).sum();
            prop_assert_eq!(totals.own(b), Some(MinuteDelta::new(own)));
        }
        // The roll-up's selection is the ledger's own, and the ledger's selection is what
        // its definition says (written out here independently of `Totals`).
        prop_assert_eq!(q.entries(&l).map(|e| e.amount().get()).sum::<i64>(), q.totals(&l).all().get());
        let by_definition: Vec<u64> = l.entries().iter()
            .filter(|e| e.seq() < cut)
            .filter(|e| served.is_none_or(|h| e.served().end() <= at("2021-07-21T08:00:00+08:00") + TimeDelta::hours(h)))
            .filter(|e| all || e.record_kind() == RecordKind::Service)
            .map(LedgerEntry::seq)
            .collect();
        prop_assert_eq!(q.entries(&l).map(LedgerEntry::seq).collect::<Vec<_>>(), by_definition);
        let outside: i64 = q.entries(&l).filter(|e| !tree.contains(e.organiser())).map(|e| e.amount().get()).sum();
        prop_assert_eq!(totals.unplaced(), MinuteDelta::new(outside));
        // The roots' subtrees and the unplaced part add up to the ledger's total.
        let roots: i64 = tree.roots().map(|r| totals.subtree(r).unwrap().get()).sum();
        prop_assert_eq!(roots + outside, q.totals(&l).all().get());
        // "As of" an instant (binary search on the append clock) agrees with the ledger.
        let then = at("2021-07-21T08:00:00+08:00") + TimeDelta::hours(i64::try_from(cut).unwrap());
        let qi = RollupQuery::new().known(AsOf::Instant(then)).all_kinds();
        let ti = rollup.subtree_totals(&l, &qi).unwrap();
        let sum: i64 = tree.roots().map(|r| ti.subtree(r).unwrap().get()).sum::<i64>() + ti.unplaced().get();
        prop_assert_eq!(sum, qi.totals(&l).all().get());
    }

    /// Periods: every period kind sums to the total, and a reversed record nets to zero.
    #[test]
    fn periods_sum_to_the_total(
        ops in prop::collection::vec((0_usize..1, 1_u32..3000, Just(RecordKind::Service), any::<bool>()), 0..20),
    ) {
        let l = ledger_of(&[organiser()], &ops);
        let total = RollupQuery::new().totals(&l).all();
        for p in [Period::Day, Period::IsoWeek, Period::Month, Period::Year] {
            let sum: i64 = RollupQuery::new().by_period(&l, p).values().map(|d| d.get()).sum();
            prop_assert_eq!(sum, total.get());
        }
    }
}

#[test]
fn a_stale_or_foreign_projection_is_refused_and_unchanged() {
    let (tree, ids) = tree_of(&[None, Some(0)]);
    let mut l = ledger_of(&ids, &[(1, 60, RecordKind::Service, false)]);
    let mut rollup = OrgRollup::new(&tree);
    assert_eq!(
        rollup.subtree_totals(&l, &RollupQuery::new()).unwrap_err(),
        RollupError::Stale { seen: 0, next: 1 }
    );
    assert_eq!(rollup.sync(&l), Ok(1));
    assert_eq!(rollup.sync(&l), Ok(0));
    let other = ledger_of(&ids, &[(0, 30, RecordKind::Service, false)]);
    assert_eq!(rollup.sync(&other), Err(RollupError::Diverged { seq: 0 }));
    assert_eq!(rollup.seen(), 1);
    // The ledger moves on: refused until synced.
    let staff = Actor::Staff(StaffId::from_parts(7, 1));
    l.reverse(
        staff,
        0,
        "duplicate",
        Append::new(IdempotencyKey::from_parts(1, 1)),
        at("2021-08-01T00:00:00+08:00"),
    )
    .unwrap();
    assert!(matches!(
        rollup.subtree_totals(&l, &RollupQuery::new()),
        Err(RollupError::Stale { seen: 1, next: 2 })
    ));
    rollup.sync(&l).unwrap();
    let t = rollup.subtree_totals(&l, &RollupQuery::new()).unwrap();
    assert_eq!(t.subtree(ids[0]), Some(MinuteDelta::ZERO));
    assert_eq!(t.subtree(OrgId::from_parts(5, 5)), None);
}

#[test]
fn as_of_on_both_axes() {
    let (tree, ids) = tree_of(&[None, Some(0)]);
    // Served 2021-07-21 08:00–09:00 (+08:00), appended at 08:00, reversed at 09:00.
    let l = ledger_of(&ids, &[(1, 60, RecordKind::Service, true)]);
    let mut rollup = OrgRollup::new(&tree);
    rollup.sync(&l).unwrap();
    let before = RollupQuery::new().known(AsOf::Instant(at("2021-07-21T08:30:00+08:00")));
    let t = rollup.subtree_totals(&l, &before).unwrap();
    assert_eq!(t.subtree(ids[0]), Some(MinuteDelta::new(60)));
    let now = rollup.subtree_totals(&l, &RollupQuery::new()).unwrap();
    assert_eq!(now.subtree(ids[0]), Some(MinuteDelta::ZERO));
    // Served-by before the service ended: nothing; after: the credit (as known before the reversal).
    let early = before.served_by(at("2021-07-21T08:59:00+08:00"));
    assert_eq!(
        rollup.subtree_totals(&l, &early).unwrap().subtree(ids[0]),
        Some(MinuteDelta::ZERO)
    );
    let late = before.served_by(at("2021-07-21T09:00:00+08:00"));
    assert_eq!(
        rollup.subtree_totals(&l, &late).unwrap().subtree(ids[1]),
        Some(MinuteDelta::new(60))
    );
}

#[test]
fn kinds_are_kept_apart() {
    let (tree, ids) = tree_of(&[None]);
    let l = ledger_of(
        &ids,
        &[
            (0, 60, RecordKind::Service, false),
            (0, 30, RecordKind::Training, false),
        ],
    );
    let mut rollup = OrgRollup::new(&tree);
    rollup.sync(&l).unwrap();
    let total = |q: RollupQuery| {
        rollup
            .subtree_totals(&l, &q)
            .unwrap()
            .subtree(ids[0])
            .unwrap()
            .get()
    };
    assert_eq!(total(RollupQuery::new()), 60);
    assert_eq!(total(RollupQuery::new().kind(RecordKind::Training)), 30);
    assert_eq!(total(RollupQuery::new().all_kinds()), 90);
}

#[test]
fn organiser_divisions_roll_up_to_their_ancestors() {
    let root = OrgId::from_parts(1, 1);
    let mut tree = OrgHierarchy::new();
    tree.add_root(
        Organisation::builder(root, "江宁区", OrgKind::OtherOrganiser)
            .division("320115".parse().unwrap())
            .build()
            .unwrap(),
        NaiveDate::MIN,
    )
    .unwrap();
    tree.add_under(
        Organisation::builder(organiser(), "禄口街道", OrgKind::OtherOrganiser)
            .division("320115005".parse().unwrap())
            .build()
            .unwrap(),
        root,
        NaiveDate::MIN,
    )
    .unwrap();
    let l = ledger_of(
        &[organiser(), root],
        &[
            (0, 60, RecordKind::Service, false),
            (1, 30, RecordKind::Service, false),
        ],
    );
    let mut rollup = OrgRollup::new(&tree);
    rollup.sync(&l).unwrap();
    let t = rollup.subtree_totals(&l, &RollupQuery::new()).unwrap();
    let d = t.by_organiser_division();
    let code = |s: &str| s.parse::<DivisionCode>().unwrap();
    assert_eq!(d.get(&code("320115005")), Some(&MinuteDelta::new(60)));
    assert_eq!(d.get(&code("320115")), Some(&MinuteDelta::new(90)));
    assert_eq!(d.get(&code("320100")), Some(&MinuteDelta::new(90)));
    assert_eq!(d.get(&code("320000")), Some(&MinuteDelta::new(90)));
    assert_eq!(t.iter().count(), 2);
}

fn fixture_ledger_with(records: u64) -> HourLedger {
    let mut l = ledger();
    let t = at("2021-08-01T00:00:00+08:00");
    for n in 1..=records {
        let rec = record_builder(n).build().unwrap();
        let id = rec.id();
        l.submit(recorder(), rec, t).unwrap();
        l.confirm(
            recorder(),
            id,
            Append::new(IdempotencyKey::from_parts(3, n)),
            t,
        )
        .unwrap();
    }
    l
}

#[test]
fn place_division_category_and_organising_team() {
    let l = fixture_ledger_with(2);
    let team = TeamId::from_parts(4, 1);
    let parent_team = TeamId::from_parts(4, 0);
    let a = activity();
    let with_team = Activity::builder(
        a.id(),
        a.organiser(),
        a.title(),
        a.category().clone(),
        a.location().clone(),
        a.recruitment().clone(),
    )
    .team(team)
    .build()
    .unwrap();
    let index = ActivityIndex::new([&with_team]);
    let q = RollupQuery::new();
    let places = q.by_place_division(&l, &index);
    assert_eq!(
        places.get(&Some("320115005".parse().unwrap())),
        Some(&MinuteDelta::new(480))
    );
    assert_eq!(
        places.get(&Some("320000".parse().unwrap())),
        Some(&MinuteDelta::new(480))
    );
    let cats = q.by_category(&l, &index);
    assert_eq!(
        cats.get(&Some("epidemic".parse().unwrap())),
        Some(&MinuteDelta::new(480))
    );
    assert_eq!(
        cats.get(&Some("epidemic.testing.registration".parse().unwrap())),
        Some(&MinuteDelta::new(480))
    );
    let mut teams = TeamRegistry::new();
    teams
        .add_team(
            Team::builder(
                parent_team,
                "总队",
                TeamKind::Level(TeamLevel::Corps),
                organiser(),
            )
            .build()
            .unwrap(),
        )
        .unwrap();
    teams
        .add_team(
            Team::builder(team, "小队", TeamKind::Level(TeamLevel::Squad), organiser())
                .parent(parent_team)
                .build()
                .unwrap(),
        )
        .unwrap();
    let by_team = q.by_organising_team(&l, &index, &teams);
    assert_eq!(by_team.get(&Some(team)), Some(&MinuteDelta::new(480)));
    assert_eq!(
        by_team.get(&Some(parent_team)),
        Some(&MinuteDelta::new(480))
    );
    // Unknown activity: counted under None.
    let empty = ActivityIndex::default();
    assert_eq!(
        q.by_category(&l, &empty).get(&None),
        Some(&MinuteDelta::new(480))
    );
    assert_eq!(
        q.by_organising_team(&l, &empty, &teams).get(&None),
        Some(&MinuteDelta::new(480))
    );
}

#[test]
fn membership_totals_never_double_count_the_host() {
    let l = fixture_ledger_with(2); // 2021-07-21 and 2021-07-22, 240 min each
    let v = crate::doc_fixtures::volunteer_id();
    let (t1, t2) = (TeamId::from_parts(4, 1), TeamId::from_parts(4, 2));
    let mut teams = TeamRegistry::new();
    for t in [t1, t2] {
        teams
            .add_team(
                Team::builder(t, "队", TeamKind::Level(TeamLevel::Squad), organiser())
                    .build()
                    .unwrap(),
            )
            .unwrap();
    }
    teams
        .join(t1, v, Role::Member, day("2021-07-01").into())
        .unwrap();
    // Joins the second team only from the second day.
    teams
        .join(t2, v, Role::Member, day("2021-07-22").into())
        .unwrap();
    let m = RollupQuery::new().by_team_membership(&l, &teams);
    assert_eq!(m.per_team().get(&t1), Some(&MinuteDelta::new(480)));
    assert_eq!(m.per_team().get(&t2), Some(&MinuteDelta::new(240)));
    assert_eq!(m.per_host().get(&organiser()), Some(&MinuteDelta::new(480)));
    assert_eq!(m.outside(), MinuteDelta::ZERO);
}

#[test]
fn an_overnight_record_splits_across_local_days_in_its_own_offset() {
    // 22:00–02:00 at UTC−05:00: two hours on each local day.
    let mut l = ledger();
    let start = at("2021-07-31T22:00:00-05:00");
    let rec = record_builder(1)
        .served(TimeSpan::new(start, start + TimeDelta::hours(4)).unwrap())
        .build()
        .unwrap();
    let id = rec.id();
    l.submit(recorder(), rec, start).unwrap();
    l.confirm(
        recorder(),
        id,
        Append::new(IdempotencyKey::from_parts(3, 1)),
        start,
    )
    .unwrap();
    let days = RollupQuery::new().by_period(&l, Period::Day);
    assert_eq!(
        days.get(&PeriodKey::Day(day("2021-07-31"))),
        Some(&MinuteDelta::new(120))
    );
    assert_eq!(
        days.get(&PeriodKey::Day(day("2021-08-01"))),
        Some(&MinuteDelta::new(120))
    );
    let months = RollupQuery::new().by_period(&l, Period::Month);
    assert_eq!(months.len(), 2);
    let weeks = RollupQuery::new().by_period(&l, Period::IsoWeek);
    assert_eq!(
        weeks.get(&PeriodKey::IsoWeek {
            year: 2021,
            week: 30
        }),
        Some(&MinuteDelta::new(240))
    );
    assert_eq!(
        RollupQuery::new()
            .by_provenance(&l)
            .values()
            .map(|d| d.get())
            .sum::<i64>(),
        240
    );
}

#[test]
fn period_keys() {
    assert_eq!(Period::Year.key(day("2021-12-31")), PeriodKey::Year(2021));
    assert_eq!(
        Period::IsoWeek.key(day("2021-01-04")),
        PeriodKey::IsoWeek {
            year: 2021,
            week: 1
        }
    );
    assert_eq!(
        Period::Month.key(day("2021-02-28")),
        PeriodKey::Month {
            year: 2021,
            month: 2
        }
    );
}

#[test]
#[allow(clippy::many_single_char_names, reason = "three organisations a, b, c")]
fn a_roll_up_on_a_date_uses_the_tree_of_that_day() {
    // c moves from a to b on 2021-08-01; its 60 minutes count for a by the old tree.
    let (a, b, c) = (
        OrgId::from_parts(9, 1),
        OrgId::from_parts(9, 2),
        OrgId::from_parts(9, 3),
    );
    let mut tree = OrgHierarchy::new();
    for id in [a, b] {
        tree.add_root(
            Organisation::builder(id, "root", OrgKind::OtherOrganiser)
                .build()
                .unwrap(),
            day("2021-01-01"),
        )
        .unwrap();
    }
    tree.add_under(
        Organisation::builder(c, "unit", OrgKind::OtherOrganiser)
            .build()
            .unwrap(),
        a,
        day("2021-01-01"),
    )
    .unwrap();
    tree.reparent(c, Some(b), day("2021-08-01")).unwrap();
    let l = ledger_of(&[c], &[(0, 60, RecordKind::Service, false)]);
    let q = RollupQuery::new();
    let mut then = OrgRollup::on_date(&tree, day("2021-07-21"));
    then.sync(&l).unwrap();
    let t = then.subtree_totals(&l, &q).unwrap();
    assert_eq!(
        (t.subtree(a), t.subtree(b)),
        (Some(MinuteDelta::new(60)), Some(MinuteDelta::ZERO))
    );
    assert!(tree.is_within_on(c, a, day("2021-07-21")));
    let mut now = OrgRollup::new(&tree);
    now.sync(&l).unwrap();
    let t = now.subtree_totals(&l, &q).unwrap();
    assert_eq!(
        (t.subtree(a), t.subtree(b)),
        (Some(MinuteDelta::ZERO), Some(MinuteDelta::new(60)))
    );
}
