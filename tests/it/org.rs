//! Unified social credit codes, organisations, the hierarchy and teams: trait checks, pinned
//! error messages, the wire shape and round trips over the strategies.

use chrono::NaiveDate;
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
    Organisation, OrgHierarchy, Team, TeamKind, Specialty, Membership, Pairing, Deployment,
    DeploymentTarget, TeamRegistry
    => Clone + Eq + core::fmt::Debug + Send + Sync
);
assert_impl!(
    Uscc, RegisteringDepartment, LegalForm, PracticeLevel, OrgKind, TeamLevel, Readiness, Role,
    PairingScope
    => Copy + Eq + core::hash::Hash + core::fmt::Debug + Send + Sync
);
assert_impl!(
    UsccError, OrgError, TeamError
    => std::error::Error + Clone + Eq + Send + Sync + 'static
);

#[test]
fn sizes_stay_small() {
    assert_eq!(size_of::<Uscc>(), 18);
    assert_eq!(size_of::<PracticeLevel>(), 1);
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("valid date")
}

/// Every error message of the organisation and team areas, pinned.
#[test]
#[allow(
    clippy::too_many_lines,
    clippy::many_single_char_names,
    reason = "one flat list of every message reads best"
)]
fn error_messages_are_pinned() {
    let o = OrgId::from_parts(0, 1);
    let p = OrgId::from_parts(0, 2);
    let t = TeamId::from_parts(0, 3);
    let u = TeamId::from_parts(0, 4);
    let v = VolunteerId::from_parts(0, 5);
    let w = VolunteerId::from_parts(0, 6);
    let pr = PairingId::from_parts(0, 7);
    let dp = DeploymentId::from_parts(0, 8);
    let d = day("2021-07-21");
    let code: DivisionCode = "320115".parse().expect("valid");
    let inner: DivisionCode = "320508019".parse().expect("valid");
    let period = DatePeriod::new(d, None).expect("valid");
    let messages: Vec<String> = vec![
        "9111".parse::<Uscc>().expect_err("invalid").to_string(),
        "91110000600037341I"
            .parse::<Uscc>()
            .expect_err("invalid")
            .to_string(),
        "B1110000600037341L"
            .parse::<Uscc>()
            .expect_err("invalid")
            .to_string(),
        "9A110000600037341L"
            .parse::<Uscc>()
            .expect_err("invalid")
            .to_string(),
        "91110000600037341M"
            .parse::<Uscc>()
            .expect_err("invalid")
            .to_string(),
        OrgError::Name {
            org: o,
            name: String::new(),
        }
        .to_string(),
        OrgError::SelfReference {
            org: o,
            field: "successor",
        }
        .to_string(),
        OrgError::UsccForm {
            org: o,
            legal_form: LegalForm::Foundation,
            uscc: "91110000600037341L".parse().expect("valid"),
        }
        .to_string(),
        OrgError::Duplicate { org: o }.to_string(),
        OrgError::Unknown { org: o }.to_string(),
        OrgError::Cycle {
            org: o,
            parent: p,
            from: d,
        }
        .to_string(),
        OrgError::PracticeLevel {
            org: o,
            level: PracticeLevel::Institute,
            parent: p,
            parent_level: PracticeLevel::Station,
        }
        .to_string(),
        OrgError::DivisionOutside {
            org: o,
            division: inner,
            parent: p,
            parent_division: code,
        }
        .to_string(),
        OrgError::DateBeforeLastChange {
            org: o,
            from: d,
            last: day("2021-08-01"),
        }
        .to_string(),
        OrgError::ParentNotYetAdded {
            org: o,
            parent: p,
            from: d,
            parent_since: day("2021-08-01"),
        }
        .to_string(),
        OrgError::SuccessorAlreadySet {
            org: o,
            successor: p,
        }
        .to_string(),
        OrgError::SuccessorCycle {
            org: o,
            successor: p,
        }
        .to_string(),
        OrgError::Full { org: o }.to_string(),
        OrgError::MissingHistory { org: o }.to_string(),
        TeamError::Name {
            team: t,
            name: " ".into(),
        }
        .to_string(),
        TeamError::SelfParent { team: t }.to_string(),
        TeamError::Duplicate { team: t }.to_string(),
        TeamError::UnknownTeam { team: t }.to_string(),
        TeamError::LevelNotBelowParent {
            team: t,
            level: TeamLevel::Corps,
            parent: u,
            parent_level: TeamLevel::Squad,
        }
        .to_string(),
        TeamError::MembershipOverlap {
            team: t,
            volunteer: v,
            existing: period,
            period,
        }
        .to_string(),
        TeamError::LeaderOverlap {
            team: t,
            leader: w,
            existing: period,
            period,
        }
        .to_string(),
        TeamError::NotMemberOn {
            team: t,
            volunteer: v,
            day: d,
        }
        .to_string(),
        TeamError::from(period.ended(d).expect_err("empty")).to_string(),
        TeamError::DuplicatePairing { pairing: pr }.to_string(),
        TeamError::UnknownPairing { pairing: pr }.to_string(),
        TeamError::PairingOverlap {
            team: t,
            division: code,
            existing: pr,
        }
        .to_string(),
        TeamError::PairingNotInForce {
            pairing: pr,
            day: d,
        }
        .to_string(),
        TeamError::DuplicateDeployment { deployment: dp }.to_string(),
        TeamError::UnknownDeployment { deployment: dp }.to_string(),
        TeamError::DeploymentMembers {
            deployment: dp,
            listed: 2,
            distinct: 1,
        }
        .to_string(),
        TeamError::DeploymentNotInForce {
            deployment: dp,
            day: d,
        }
        .to_string(),
    ];
    insta::assert_snapshot!("org_error_messages", messages.join("\n"));
}

#[cfg(feature = "serde")]
mod wire {
    use super::*;
    use serde::{Serialize, de::DeserializeOwned};

    assert_impl!(
        Uscc, RegisteringDepartment, LegalForm, PracticeLevel, OrgKind, Organisation,
        OrgHierarchy, TeamLevel, Specialty, TeamKind, Readiness, Role, Team, Membership,
        Pairing, PairingScope, DeploymentTarget, Deployment, TeamRegistry
        => Serialize + DeserializeOwned
    );

    /// A county centre with an institute and a station, a re-parenting, and a corps with a
    /// squad, a pairing and a deployment.
    #[test]
    #[allow(clippy::too_many_lines, reason = "one fixture built step by step")]
    fn org_and_team_wire_shape() {
        let org = |n, name: &str, kind, division: &str| {
            Organisation::builder(OrgId::from_parts(1_626_825_600_000, n), name, kind)
                .division(division.parse().expect("valid"))
                .build()
                .expect("valid")
        };
        let id = |n| OrgId::from_parts(1_626_825_600_000, n);
        let mut tree = OrgHierarchy::new();
        tree.add_root(
            org(
                1,
                "江宁区新时代文明实践中心",
                OrgKind::Practice(PracticeLevel::Centre),
                "320115",
            ),
            day("2021-01-01"),
        )
        .expect("valid");
        tree.add_under(
            org(
                2,
                "禄口街道新时代文明实践所",
                OrgKind::Practice(PracticeLevel::Institute),
                "320115005",
            ),
            id(1),
            day("2021-01-01"),
        )
        .expect("valid");
        tree.add_under(
            org(
                3,
                "某社区新时代文明实践站",
                OrgKind::Practice(PracticeLevel::Station),
                "320115005001",
            ),
            id(1),
            day("2021-01-01"),
        )
        .expect("valid");
        tree.reparent(id(3), Some(id(2)), day("2021-07-21"))
            .expect("valid");
        let association =
            Organisation::builder(id(4), "南京市志愿者协会", OrgKind::VolunteerAssociation)
                .uscc(Uscc::with_check("51320100MJ0000001").expect("valid"))
                .build()
                .expect("valid");
        tree.add_root(association, day("2021-01-01"))
            .expect("valid");

        let team = |n| TeamId::from_parts(1_626_825_600_000, n);
        let v = VolunteerId::from_parts(1_626_825_600_000, 9);
        let mut teams = TeamRegistry::new();
        teams
            .add_team(
                Team::builder(
                    team(1),
                    "江宁区志愿服务总队",
                    TeamKind::Level(TeamLevel::Corps),
                    id(1),
                )
                .build()
                .expect("valid"),
            )
            .expect("valid");
        teams
            .add_team(
                Team::builder(
                    team(2),
                    "应急救援后备队",
                    TeamKind::Specialist(Specialty::EmergencyRescue),
                    id(1),
                )
                .parent(team(1))
                .readiness(Readiness::StandbyReserve)
                .build()
                .expect("valid"),
            )
            .expect("valid");
        let from = DatePeriod::new(day("2021-07-21"), Some(day("2021-08-31"))).expect("valid");
        teams.join(team(2), v, Role::Leader, from).expect("valid");
        teams
            .pair(
                PairingId::from_parts(1_626_825_600_000, 1),
                team(1),
                "320115005".parse().expect("valid"),
                from,
            )
            .expect("valid");
        teams
            .deploy(
                DeploymentId::from_parts(1_626_825_600_000, 1),
                DeploymentTarget::Members {
                    team: team(2),
                    volunteers: vec![v],
                },
                "320115005001".parse().expect("valid"),
                from,
            )
            .expect("valid");
        let value = serde_json::json!({ "hierarchy": tree, "teams": teams });
        insta::assert_json_snapshot!("org_wire", value);
        let back: OrgHierarchy =
            serde_json::from_value(value["hierarchy"].clone()).expect("round trip");
        assert_eq!(back, tree);
        let back: TeamRegistry =
            serde_json::from_value(value["teams"].clone()).expect("round trip");
        assert_eq!(back, teams);
    }

    #[cfg(feature = "proptest")]
    mod round_trip {
        use proptest::prelude::*;
        use volunteer_service::strategies as s;
        use volunteer_service::*;

        proptest! {
            #[test]
            fn values_round_trip(
                code in s::uscc(),
                org in s::organisation(),
                team in s::team(),
                kind in s::org_kind(),
            ) {
                prop_assert_eq!(code.to_string().parse::<Uscc>().expect("valid"), code);
                let json = serde_json::to_string(&org).expect("serialise");
                prop_assert_eq!(serde_json::from_str::<Organisation>(&json).expect("valid"), org);
                let json = serde_json::to_string(&team).expect("serialise");
                prop_assert_eq!(serde_json::from_str::<Team>(&json).expect("valid"), team);
                let json = serde_json::to_string(&kind).expect("serialise");
                prop_assert_eq!(serde_json::from_str::<OrgKind>(&json).expect("valid"), kind);
            }

            #[test]
            fn hierarchies_and_registries_round_trip(
                tree in s::org_hierarchy(40),
                teams in s::team_registry(10),
            ) {
                let json = serde_json::to_string(&tree).expect("serialise");
                prop_assert_eq!(serde_json::from_str::<OrgHierarchy>(&json).expect("valid"), tree);
                let json = serde_json::to_string(&teams).expect("serialise");
                prop_assert_eq!(serde_json::from_str::<TeamRegistry>(&json).expect("valid"), teams);
            }
        }
    }
}
