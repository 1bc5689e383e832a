//! Domain-model benchmarks (issue 2): building a 100,000-node hierarchy, is-within queries, and
//! eligibility checks of 100,000 volunteers against one shift.
//!
//! Run: `cargo bench --bench domain`. Results and machine are recorded in BENCHMARKS.md.

use std::hint::black_box;

use chrono::{DateTime, NaiveDate};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use volunteer_service::{
    Accompaniment, Activity, ActivityId, DatePeriod, DivisionCode, Eligibility, EligibilityPolicy,
    GeoPoint, Hazard, IdDocument, InsurancePolicy, Jurisdiction, Location, OrgHierarchy, OrgId,
    Organisation, PersonName, QualificationGrant, QualificationGraph, QualificationId,
    QualificationKind, Recruitment, RegistrationChannel, Requirements, ResidentId, Sex, Shift,
    ShiftId, TimeSpan, VerificationMethod, Volunteer, VolunteerId, VolunteerNo,
};

#[path = "common/mod.rs"]
mod common;

const NODES: u64 = 100_000;

fn edges() -> Vec<(Organisation, Option<OrgId>, NaiveDate)> {
    common::six_level_tree(NODES)
}

fn hierarchy(c: &mut Criterion) {
    let mut group = c.benchmark_group("hierarchy_100k");
    group.sample_size(10);
    group.throughput(Throughput::Elements(NODES));
    group.bench_function("build_one_by_one", |b| {
        b.iter_batched(
            edges,
            |edges| {
                let mut tree = OrgHierarchy::new();
                for (org, parent, day) in edges {
                    match parent {
                        None => tree.add_root(org, day),
                        Some(p) => tree.add_under(org, p, day),
                    }
                    .expect("valid edge");
                }
                tree
            },
            BatchSize::LargeInput,
        );
    });
    group.bench_function("build_from_edges", |b| {
        b.iter_batched(
            edges,
            |edges| OrgHierarchy::from_edges(edges).expect("valid forest"),
            BatchSize::LargeInput,
        );
    });
    group.finish();

    let tree = OrgHierarchy::from_edges(edges()).expect("valid forest");
    // Warm the index, then measure queries only: pairs from a fixed pseudo-random walk.
    let _ = tree.is_within(OrgId::from_parts(1, 5), OrgId::from_parts(1, 0));
    let pairs: Vec<(OrgId, OrgId)> = (0..1_000_u64)
        .map(|k| {
            let a = (k * 7_919) % NODES;
            let b = (k * 104_729) % 1_111;
            (OrgId::from_parts(1, a), OrgId::from_parts(1, b))
        })
        .collect();
    let mut q = c.benchmark_group("hierarchy_queries");
    q.throughput(Throughput::Elements(pairs.len() as u64));
    q.bench_function("is_within_x1000", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter(|(a, b)| tree.is_within(black_box(*a), black_box(*b)))
                .count()
        });
    });
    q.bench_function("lowest_common_ancestor_x1000", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter_map(|(a, b)| tree.lowest_common_ancestor(black_box(*a), black_box(*b)))
                .count()
        });
    });
    q.finish();
}

fn at(s: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("instant")
}

/// 100,000 volunteers around Jiangning: verified adults, a quarter with first aid, spread over
/// 30 km.
fn volunteers(first_aid: QualificationId) -> Vec<Volunteer> {
    let village: DivisionCode = "320115005001".parse().expect("code");
    (0..100_000_u32)
        .map(|i| {
            let birth = NaiveDate::from_ymd_opt(
                1960 + i32::try_from(i % 40).expect("small"),
                1 + i % 12,
                1 + i % 28,
            )
            .expect("date");
            let seq = u16::try_from(1 + (i / 480) % 499).expect("small");
            let sex = if seq % 2 == 1 { Sex::Male } else { Sex::Female };
            let id = ResidentId::from_parts(320_115, birth, seq).expect("valid id");
            let point = GeoPoint::from_micro_degrees(
                31_700_000 + i32::try_from(i % 300).expect("small") * 1_000,
                118_700_000 + i32::try_from((i / 300) % 300).expect("small") * 1_000,
            )
            .expect("point");
            let mut b = Volunteer::builder(
                VolunteerId::from_parts(1, u64::from(i)),
                VolunteerNo::new(&format!("B-{i}")).expect("number"),
                PersonName::new("张三").expect("name"),
                IdDocument::ResidentId(id),
            )
            .birth_date(birth)
            .sex(sex)
            .channel(RegistrationChannel::WeChat)
            .home_division(village)
            .home_point(point);
            if i % 4 == 0 {
                b = b.qualification(
                    QualificationGrant::new(
                        first_aid,
                        NaiveDate::from_ymd_opt(2020, 1, 1).expect("date"),
                        NaiveDate::from_ymd_opt(2023, 1, 1),
                        None,
                    )
                    .expect("grant"),
                );
            }
            let mut v = b.build().expect("valid volunteer");
            v.verify(
                at("2021-07-01T09:00:00+08:00"),
                VerificationMethod::OnlineIdentityCheck,
            )
            .expect("verify");
            v
        })
        .collect()
}

fn eligibility(c: &mut Criterion) {
    let first_aid = QualificationId::from_parts(2, 1);
    let mut graph = QualificationGraph::new();
    graph
        .add_kind(QualificationKind::new(first_aid, "first aid", None).expect("kind"))
        .expect("add");
    let policy = EligibilityPolicy::default();
    let checker = Eligibility::new(&graph, &policy);
    let site = Location::new("320115005001".parse().expect("code"), "禄口 testing site")
        .expect("location")
        .with_point(GeoPoint::from_micro_degrees(31_850_000, 118_850_000).expect("point"));
    let recruitment = Recruitment::builder()
        .period(
            DatePeriod::new(
                NaiveDate::from_ymd_opt(2021, 7, 21).expect("date"),
                NaiveDate::from_ymd_opt(2021, 9, 1),
            )
            .expect("period"),
        )
        .schedule("07:00-12:00")
        .place("禄口")
        .content("registration")
        .conditions("adults")
        .needed(10)
        .how_to_sign_up("platform")
        .risk("crowds")
        .protection("masks")
        .build()
        .expect("recruitment");
    let mut activity = Activity::builder(
        ActivityId::from_parts(2, 2),
        OrgId::from_parts(2, 3),
        "testing site",
        "epidemic.testing.registration".parse().expect("key"),
        site,
        recruitment,
    )
    .hazard(Hazard::Hazardous { insurance: None })
    .build()
    .expect("activity");
    activity
        .attach_insurance(
            InsurancePolicy::new(
                "PICC",
                "P-1",
                DatePeriod::new(
                    NaiveDate::from_ymd_opt(2021, 7, 1).expect("date"),
                    NaiveDate::from_ymd_opt(2021, 9, 1),
                )
                .expect("period"),
            )
            .expect("policy"),
        )
        .expect("insure");
    let shift = Shift::new(
        ShiftId::from_parts(2, 4),
        activity.id(),
        TimeSpan::new(
            at("2021-07-22T22:00:00+08:00"),
            at("2021-07-23T06:00:00+08:00"),
        )
        .expect("span"),
        10,
        Requirements::builder()
            .qualification(first_aid)
            .jurisdiction(Jurisdiction::Required("320115".parse().expect("code")))
            .max_distance_m(20_000)
            .build()
            .expect("requirements"),
    )
    .expect("shift");
    let people = volunteers(first_aid);
    let now = at("2021-07-21T12:00:00+08:00");
    let eligible = people
        .iter()
        .filter(|v| {
            checker
                .check(v, &shift, &activity, &[], now, Accompaniment::Unaccompanied)
                .is_eligible()
        })
        .count();
    assert!(
        eligible > 1_000 && eligible < people.len(),
        "a mixed population: {eligible}"
    );

    let mut group = c.benchmark_group("eligibility");
    group.throughput(Throughput::Elements(people.len() as u64));
    group.sample_size(10);
    group.bench_function("100k_volunteers_one_shift", |b| {
        b.iter(|| {
            people
                .iter()
                .filter(|v| {
                    checker
                        .check(v, &shift, &activity, &[], now, Accompaniment::Unaccompanied)
                        .is_eligible()
                })
                .count()
        });
    });
    group.finish();
}

criterion_group!(benches, hierarchy, eligibility);
criterion_main!(benches);
