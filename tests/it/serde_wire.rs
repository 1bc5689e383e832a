//! The JSON wire format, frozen by snapshots, and round-trip properties.
//!
//! Snapshots live in `tests/it/snapshots/`; a change to one is a change to the wire format and
//! belongs in the CHANGELOG.

use chrono::{DateTime, NaiveDate};
use insta::assert_json_snapshot;
use volunteer_service::*;

fn at(s: &str) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid instant")
}

#[test]
fn basics_wire_shape() {
    let span = TimeSpan::new(
        at("2021-07-21T22:00:00+08:00"),
        at("2021-07-22T06:00:00+08:00"),
    )
    .expect("valid span");
    let period = DatePeriod::new(
        NaiveDate::from_ymd_opt(2021, 7, 21).expect("date"),
        NaiveDate::from_ymd_opt(2021, 8, 31),
    )
    .expect("valid period");
    let value = serde_json::json!({
        "volunteer_id": VolunteerId::from_parts(1_626_825_600_000, 1),
        "division_code": "320115005001".parse::<DivisionCode>().expect("code"),
        "division_level": DivisionLevel::Township,
        "minutes": Minutes::new(480),
        "minute_delta": MinuteDelta::new(-90),
        "geo_point": GeoPoint::from_micro_degrees(31_742_000, 118_862_000).expect("point"),
        "tag": Tag::new("party-member").expect("tag"),
        "time_span": span,
        "date_period": period,
    });
    assert_json_snapshot!("basics", value);
}

#[test]
fn invalid_values_are_rejected_on_deserialise() {
    assert!(serde_json::from_str::<DivisionCode>("\"320015\"").is_err());
    assert!(serde_json::from_str::<Tag>("\"a b\"").is_err());
    assert!(serde_json::from_str::<GeoPoint>(r#"{"lat_e6":91000000,"lon_e6":0}"#).is_err());
    assert!(
        serde_json::from_str::<TimeSpan>(
            r#"{"start":"2021-07-21T08:00:00+08:00","end":"2021-07-21T08:00:00+08:00"}"#
        )
        .is_err()
    );
    assert!(
        serde_json::from_str::<DatePeriod>(r#"{"from":"2021-07-21","until":"2021-07-20"}"#)
            .is_err()
    );
}

/// The events of a time bank and of a certificate register: every kind once.
#[test]
fn time_bank_and_certificate_events_wire_shape() {
    let (ledger, profile) = doc_fixtures::certified_ledger();
    let me = profile.id();
    let spouse = VolunteerId::from_parts(1_626_825_600_000, 101);
    let t = at("2021-08-02T09:00:00+08:00");
    let mut bank = TimeBank::new(TimeBankPolicy::nanjing());
    bank.declare_kin(me, spouse, Relation::Spouse);
    let owner = AccountOwner::Individual(me);
    bank.deposit(&ledger, &TeamRegistry::new(), 0, owner, t)
        .expect("active credit");
    bank.withdraw(owner, Minutes::new(30), "home visit", t)
        .expect("enough");
    bank.transfer(me, spouse, Minutes::new(30), t)
        .expect("spouse");
    bank.donate(owner, Minutes::new(60), t).expect("enough");
    bank.grant(spouse, Minutes::new(10), t).expect("pool");
    assert_json_snapshot!("time_bank_events", bank.events());
    let issuer = Issuer::new(
        doc_fixtures::organiser(),
        "禄口街道新时代文明实践所",
        "王主任",
        "李干事",
        "025-5210 0000",
    )
    .expect("issuer");
    let mut reg = CertificateRegister::new(issuer, "JN-LK").expect("prefix");
    let app = reg.apply(&profile, t);
    reg.accept(app, t).expect("applied");
    let no = reg
        .issue(app, &ledger, t.date_naive(), "")
        .expect("accepted");
    reg.publicise(&no, t, 7).expect("issued");
    reg.revoke(&no, t, "wrong activity name").expect("issued");
    reg.apply_reissue(&no, t).expect("revoked");
    assert_json_snapshot!("certificate_events", reg.events());
    // A bank or register serialises as its events and deserialises by replaying them.
    let bank_back: TimeBank =
        serde_json::from_str(&serde_json::to_string(&bank).expect("json")).expect("replays");
    assert_eq!(bank_back, bank);
    let reg_back: CertificateRegister =
        serde_json::from_str(&serde_json::to_string(&reg).expect("json")).expect("replays");
    assert_eq!(reg_back, reg);
}

#[cfg(feature = "proptest")]
mod round_trip {
    use proptest::prelude::*;
    use volunteer_service::strategies as s;
    use volunteer_service::*;

    fn json_round_trip<T>(value: &T) -> T
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let text = serde_json::to_string(value).expect("serialises");
        serde_json::from_str(&text).expect("deserialises")
    }

    proptest! {
        #[test]
        fn ids(id in s::volunteer_id(), org in s::org_id()) {
            prop_assert_eq!(json_round_trip(&id), id);
            prop_assert_eq!(id.to_string().parse::<VolunteerId>().unwrap(), id);
            prop_assert_eq!(json_round_trip(&org), org);
        }

        #[test]
        fn codes_and_quantities(
            code in s::division_code(), m in s::minutes(), d in s::minute_delta(), p in s::geo_point(),
        ) {
            prop_assert_eq!(json_round_trip(&code), code);
            prop_assert_eq!(code.to_string().parse::<DivisionCode>().unwrap(), code);
            prop_assert_eq!(json_round_trip(&m), m);
            prop_assert_eq!(json_round_trip(&d), d);
            prop_assert_eq!(json_round_trip(&p), p);
        }

        #[test]
        fn emergency_operations(op in s::emergency_operation()) {
            prop_assert_eq!(json_round_trip(&op), op);
        }

        #[test]
        fn time_bank_and_certificate_events(
            b in s::time_bank_event(), c in s::certificate_event(),
            bank in s::time_bank(12), reg in s::certificate_register(12),
        ) {
            prop_assert_eq!(json_round_trip(&b), b);
            prop_assert_eq!(json_round_trip(&c), c);
            // A bank or register is its events on the wire; reading it back replays them.
            prop_assert_eq!(TimeBank::replay(bank.events()).unwrap(), bank.clone());
            prop_assert_eq!(json_round_trip(&bank), bank);
            prop_assert_eq!(CertificateRegister::replay(reg.events()).unwrap(), reg.clone());
            prop_assert_eq!(json_round_trip(&reg), reg);
        }

        #[test]
        fn spans_and_tags(span in s::time_span(), period in s::date_period(), tag in s::tag()) {
            let back = json_round_trip(&span);
            prop_assert_eq!(back, span);
            prop_assert_eq!(*back.start().offset(), *span.start().offset());
            prop_assert_eq!(json_round_trip(&period), period);
            prop_assert_eq!(tag.to_string().parse::<Tag>().unwrap(), tag.clone());
            prop_assert_eq!(json_round_trip(&tag), tag);
        }
    }
}

#[test]
fn eligibility_wire_shape() {
    let policy = EligibilityPolicy::default()
        .with_min_rest(Minutes::from_hm(11, 0).expect("minutes"))
        .with_daily_cap(Minutes::from_hm(10, 0).expect("minutes"));
    let verdict = Verdict::from_failures(vec![
        Ineligibility::Overlap {
            shift: ShiftId::from_parts(1_626_825_600_000, 1),
            overlap: Minutes::new(30),
        },
        Ineligibility::DailyCap {
            day: NaiveDate::from_ymd_opt(2021, 7, 22).expect("date"),
            would_be: Minutes::new(660),
            cap: Minutes::new(600),
        },
        Ineligibility::Unavailable,
        Ineligibility::Minor(MinorViolation::HazardousWork {
            volunteer: VolunteerId::from_parts(1_626_825_600_000, 2),
            age: 16,
            min_age: 18,
        }),
        Ineligibility::Training(TrainingShortfall::Expired {
            training: TrainingId::from_parts(1_626_825_600_000, 3),
            on: NaiveDate::from_ymd_opt(2021, 7, 31).expect("date"),
        }),
    ]);
    assert_json_snapshot!(
        "eligibility",
        serde_json::json!({ "policy": policy, "verdict": verdict })
    );
    let back: Verdict =
        serde_json::from_value(serde_json::to_value(&verdict).expect("json")).expect("verdict");
    assert_eq!(back, verdict);
}

#[test]
fn emergency_operation_wire_shape() {
    let hq = Organisation::builder(
        OrgId::from_parts(1_626_825_600_000, 9),
        "南京市疫情防控指挥部",
        OrgKind::EmergencyCommand,
    )
    .build()
    .expect("org");
    let mut op = EmergencyOperation::declare(
        "禄口机场疫情",
        &hq,
        "320100".parse().expect("code"),
        at("2021-07-20T18:00:00+08:00"),
    )
    .expect("declared");
    op.stand_down(at("2021-09-01T00:00:00+08:00"))
        .expect("stood down");
    assert_json_snapshot!("emergency_operation", op);
    let back: EmergencyOperation =
        serde_json::from_value(serde_json::to_value(&op).expect("json")).expect("back");
    assert_eq!(back, op);
    // A stand-down before the declaration is refused on the way in.
    let mut bad = serde_json::to_value(&op).expect("json");
    bad["stood_down"] = serde_json::json!("2021-07-01T00:00:00+08:00");
    assert!(serde_json::from_value::<EmergencyOperation>(bad).is_err());
}

#[test]
fn match_domain_wire_shape() {
    use volunteer_service::matching::{
        FixHint, JurisdictionDemand, MatchObjective, MatchPolicy, Optimality, RepairChange,
        ScoreBreakdown, ScoreWeights, Shortage, TeamOffer, VolunteerProfile, WhyNot,
    };
    let shift = ShiftId::from_parts(1_626_825_600_000, 7);
    let volunteer = VolunteerId::from_parts(1_626_825_600_000, 1);
    let town: DivisionCode = "321181001".parse().expect("code");
    let value = serde_json::json!({
        "match_policy": MatchPolicy::default(),
        "volunteer_profile": VolunteerProfile::default()
            .with_recent(Minutes::new(600))
            .with_reliability_permille(950)
            .expect("rate")
            .with_preferred("epidemic".parse().expect("key")),
        "score_breakdown": ScoreBreakdown::from_points([100, 50, 100, 75, 95, 0, 100], &ScoreWeights::default()),
        "optimal": Optimality::Optimal,
        "feasible": Optimality::Feasible { gap_bound: 40 },
        "objective": MatchObjective::new(12, 0, 9_870, 1_234),
        "why_not": WhyNot::Beaten { by: volunteer, by_score: 900, own_score: 700 },
        "shortage": Shortage::new(vec![shift], 12, 5, 7, vec![FixHint::new(shift, "widen the shift's distance limit to 7200 m".into(), 3)]),
        "repair_change": RepairChange::Added { volunteer, shift },
        "jurisdiction_demand": JurisdictionDemand::new(town, 12_000),
        "team_offer": TeamOffer::new(TeamId::from_parts(1_626_825_600_000, 3), 2).with_affinity(town, 80),
    });
    assert_json_snapshot!("match_domain", value);
}

#[test]
fn transport_arc_wire_shape_is_unchanged_by_column_storage() {
    use volunteer_service::matching::{TransportArc, TransportBuilder};
    let mut b = TransportBuilder::new();
    let (v, w) = (b.add_source(3), b.add_source(1));
    let s = b.add_sink(3, 1_000).expect("sink");
    b.add_arc(w, s, 7).expect("arc");
    b.add_arc_with_capacity(v, s, 25, 3).expect("arc");
    let p = b.build().expect("problem");
    let arcs: Vec<TransportArc> = p.arcs().iter().collect();
    let value = serde_json::to_value(&arcs).expect("json");
    assert_eq!(
        value,
        serde_json::json!([
            {"source": 0, "sink": 0, "cost": 25, "capacity": 3},
            {"source": 1, "sink": 0, "cost": 7, "capacity": 1},
        ])
    );
    let back: Vec<TransportArc> = serde_json::from_value(value).expect("round trip");
    assert_eq!(back, arcs);
}
