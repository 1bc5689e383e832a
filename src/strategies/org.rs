//! Strategies for unified social credit codes, organisations, hierarchies and teams.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::{
    date_period, deployment_id, division_code, org_id, pairing_id, tag, team_id, volunteer_id,
};
use crate::{
    DatePeriod, Deployment, DeploymentTarget, LegalForm, Membership, OrgHierarchy, OrgId, OrgKind,
    Organisation, Pairing, PairingScope, PracticeLevel, Readiness, RegisteringDepartment, Role,
    Specialty, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, Uscc,
};

/// Unified social credit codes with a computed check character, any department in
/// `[0-9ANY]`.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Uscc};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::uscc().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.as_str().parse::<Uscc>()?, x); // the check character is valid
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn uscc() -> impl Strategy<Value = Uscc> {
    "[0-9ANY][0-9]{7}[0-9A-HJ-NPQRTUW-Y]{9}"
        .prop_map(|body| Uscc::with_check(&body).expect("generated valid"))
}

/// Unified social credit codes of a civil-affairs social organisation of `form` (`51`, `52`
/// or `53`).
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, LegalForm};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::uscc_of_form(LegalForm::Foundation).new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.legal_form(), Some(LegalForm::Foundation));
///     assert!(x.as_str().starts_with("53"));
/// }
/// ```
pub fn uscc_of_form(form: LegalForm) -> impl Strategy<Value = Uscc> {
    "[0-9]{6}[0-9A-HJ-NPQRTUW-Y]{9}".prop_map(move |rest| {
        Uscc::with_check(&format!("{}{rest}", form.uscc_prefix())).expect("generated valid")
    })
}

/// Any legal form.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::legal_form().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.to_string(), x.as_str());
/// }
/// ```
pub fn legal_form() -> impl Strategy<Value = LegalForm> {
    prop_oneof![
        Just(LegalForm::SocialGroup),
        Just(LegalForm::SocialServiceAgency),
        Just(LegalForm::Foundation),
    ]
}

/// Any practice level.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, PracticeLevel};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::practice_level().new_tree(&mut runner).unwrap().current();
///     assert!(PracticeLevel::Centre <= x && x <= PracticeLevel::Point);
///     assert!(!x.may_contain(x));
/// }
/// ```
pub fn practice_level() -> impl Strategy<Value = PracticeLevel> {
    prop_oneof![
        Just(PracticeLevel::Centre),
        Just(PracticeLevel::Institute),
        Just(PracticeLevel::Station),
        Just(PracticeLevel::Point),
    ]
}

/// Any organisation kind.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, OrgKind};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::org_kind().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.practice_level().is_some(), matches!(x, OrgKind::Practice(_)));
/// }
/// ```
pub fn org_kind() -> impl Strategy<Value = OrgKind> {
    prop_oneof![
        Just(OrgKind::CivilizationOffice),
        Just(OrgKind::CivilAffairs),
        Just(OrgKind::YouthLeague),
        Just(OrgKind::WomensFederation),
        Just(OrgKind::TradeUnion),
        Just(OrgKind::VolunteerAssociation),
        legal_form().prop_map(|legal_form| OrgKind::RegisteredVolunteerOrg { legal_form }),
        practice_level().prop_map(OrgKind::Practice),
        Just(OrgKind::GrassrootsBody),
        Just(OrgKind::PublicInstitution),
        Just(OrgKind::EmergencyCommand),
        Just(OrgKind::GovernmentDepartment),
        Just(OrgKind::OtherOrganiser),
    ]
}

/// Organisation names: Chinese or ASCII, 1–30 characters.
fn name() -> impl Strategy<Value = String> {
    prop_oneof!["[\u{4e00}-\u{9fa5}]{1,30}", "[A-Za-z][A-Za-z0-9 ]{0,29}"]
}

/// A USCC that [`Organisation`] accepts for `kind`.
fn uscc_for(kind: OrgKind) -> BoxedStrategy<Uscc> {
    match kind.legal_form() {
        Some(form) => uscc_of_form(form).boxed(),
        None => uscc().boxed(),
    }
}

/// Organisations of any kind, with optional division, code and supervisor (never itself) and
/// no successor.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::organisation().new_tree(&mut runner).unwrap().current();
///     // Never its own supervisor or successor.
///     assert_ne!(x.supervisor(), Some(x.id()));
///     assert_ne!(x.successor(), Some(x.id()));
///     assert_eq!(x.name(), x.name().trim());
/// }
/// ```
pub fn organisation() -> impl Strategy<Value = Organisation> {
    (org_id(), name(), org_kind())
        .prop_flat_map(|(id, name, kind)| {
            (
                Just(id),
                Just(name),
                Just(kind),
                prop::option::of(division_code()),
                prop::option::of(uscc_for(kind)),
                prop::option::of(org_id()),
            )
        })
        .prop_map(|(id, name, kind, division, uscc, supervisor)| {
            let mut b = Organisation::builder(id, name, kind);
            if let Some(d) = division {
                b = b.division(d);
            }
            if let Some(u) = uscc {
                b = b.uscc(u);
            }
            if let Some(s) = supervisor.filter(|&s| s != id) {
                b = b.supervisor(s);
            }
            b.build().expect("generated valid")
        })
}

/// A valid random hierarchy of up to `max_nodes` organisations: practice units and other
/// kinds, divisions nested along each edge, dated additions and re-parentings.
///
/// Built through the public API, so every hierarchy it yields passed validation.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::org_hierarchy(8).new_tree(&mut runner).unwrap().current();
///     // Every organisation lies within each of its ancestors.
///     for org in x.organisations() {
///         assert!(x.ancestors(org.id()).all(|a| x.is_within(org.id(), a)));
///     }
/// }
/// ```
pub fn org_hierarchy(max_nodes: usize) -> impl Strategy<Value = OrgHierarchy> {
    let node = (
        any::<prop::sample::Index>(),
        0_u8..6,
        0_u32..30,
        prop::option::of(0_u64..999),
    );
    (
        prop::collection::vec(node, 1..=max_nodes.max(1)),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                0_u32..30,
            ),
            0..=max_nodes,
        ),
        1_577_836_800_000_u64..2_208_988_800_000,
    )
        .prop_map(|(nodes, moves, ms)| build_hierarchy(&nodes, &moves, ms))
}

type NodeSpec = (prop::sample::Index, u8, u32, Option<u64>);

fn base_day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(offset))))
        .expect("in range")
}

fn build_hierarchy(
    nodes: &[NodeSpec],
    moves: &[(prop::sample::Index, prop::sample::Index, u32)],
    ms: u64,
) -> OrgHierarchy {
    let mut tree = OrgHierarchy::new();
    let mut ids: Vec<OrgId> = Vec::new();
    for (counter, (parent, kind, offset, town)) in (0_u64..).zip(nodes) {
        let kind = match kind {
            0 => OrgKind::Practice(PracticeLevel::Centre),
            1 => OrgKind::Practice(PracticeLevel::Institute),
            2 => OrgKind::Practice(PracticeLevel::Station),
            3 => OrgKind::Practice(PracticeLevel::Point),
            4 => OrgKind::CivilizationOffice,
            _ => OrgKind::GrassrootsBody,
        };
        let id = OrgId::from_parts(ms, counter);
        let name = format!("org {counter}");
        let with_division = |code: &str| {
            Organisation::builder(id, name.clone(), kind)
                .division(code.parse().expect("valid code"))
                .build()
                .expect("valid")
        };
        let org = match town {
            Some(t) if t % 3 == 0 => with_division("320115"),
            Some(t) => with_division(&format!("320115{:03}", t % 999 + 1)),
            None => Organisation::builder(id, name.clone(), kind)
                .build()
                .expect("valid"),
        };
        let from = base_day(*offset);
        let added = if ids.is_empty() {
            tree.add_root(org, from)
        } else {
            let p = *parent.get(&ids);
            // The parent may not accept this child (level, division, date): fall back to a root.
            tree.add_under(org.clone(), p, from)
                .or_else(|_| tree.add_root(org, from))
        };
        if added.is_ok() {
            ids.push(id);
        }
    }
    for (org, parent, offset) in moves {
        if ids.is_empty() {
            break;
        }
        let last = tree
            .history(*org.get(&ids))
            .last()
            .map_or(base_day(0), |e| e.0);
        let from = last.max(base_day(*offset));
        // Rejected moves leave the tree unchanged, so the result stays valid.
        let _ = tree.reparent(*org.get(&ids), Some(*parent.get(&ids)), from);
    }
    tree
}

/// Any team level.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, TeamLevel};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::team_level().new_tree(&mut runner).unwrap().current();
///     assert!(TeamLevel::Corps <= x && x <= TeamLevel::Squad);
/// }
/// ```
pub fn team_level() -> impl Strategy<Value = TeamLevel> {
    prop_oneof![
        Just(TeamLevel::Corps),
        Just(TeamLevel::Detachment),
        Just(TeamLevel::Squad),
    ]
}

/// Any specialty, including tagged others.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, TeamKind};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::specialty().new_tree(&mut runner).unwrap().current();
///     assert_eq!(TeamKind::Specialist(x.clone()).specialty(), Some(&x));
/// }
/// ```
pub fn specialty() -> impl Strategy<Value = Specialty> {
    prop_oneof![
        Just(Specialty::EmergencyRescue),
        Just(Specialty::Psychological),
        Just(Specialty::Medical),
        Just(Specialty::PartyMember),
        Just(Specialty::Youth),
        Just(Specialty::Women),
        Just(Specialty::Professional),
        tag().prop_map(Specialty::Other),
    ]
}

/// Any team structure.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::team_kind().new_tree(&mut runner).unwrap().current();
///     assert_ne!(x.level().is_some(), x.specialty().is_some());
/// }
/// ```
pub fn team_kind() -> impl Strategy<Value = TeamKind> {
    prop_oneof![
        team_level().prop_map(TeamKind::Level),
        specialty().prop_map(TeamKind::Specialist),
    ]
}

/// Any readiness.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Readiness};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::readiness().new_tree(&mut runner).unwrap().current();
///     assert!(matches!(x, Readiness::Active | Readiness::StandbyReserve));
/// }
/// ```
pub fn readiness() -> impl Strategy<Value = Readiness> {
    prop_oneof![Just(Readiness::Active), Just(Readiness::StandbyReserve)]
}

/// Any role.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Role};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::role().new_tree(&mut runner).unwrap().current();
///     assert!(matches!(x, Role::Leader | Role::Deputy | Role::Member));
/// }
/// ```
pub fn role() -> impl Strategy<Value = Role> {
    prop_oneof![Just(Role::Leader), Just(Role::Deputy), Just(Role::Member)]
}

/// Teams with any structure, host and readiness, an optional parent (never itself) and an
/// optional code.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::team().new_tree(&mut runner).unwrap().current();
///     assert_ne!(x.parent(), Some(x.id())); // never its own parent
///     assert_eq!(x.name(), x.name().trim());
/// }
/// ```
pub fn team() -> impl Strategy<Value = Team> {
    (
        team_id(),
        name(),
        team_kind(),
        org_id(),
        prop::option::of(team_id()),
        readiness(),
        prop::option::of(uscc()),
    )
        .prop_map(|(id, name, kind, host, parent, readiness, uscc)| {
            let mut b = Team::builder(id, name, kind, host).readiness(readiness);
            if let Some(p) = parent.filter(|&p| p != id) {
                b = b.parent(p);
            }
            if let Some(u) = uscc {
                b = b.uscc(u);
            }
            b.build().expect("generated valid")
        })
}

/// A membership request: volunteer, role and period, for [`crate::TeamRegistry::join`].
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
/// let mut runner = TestRunner::deterministic();
/// let squad = TeamId::from_parts(1, 1);
/// for _ in 0..16 {
///     let (volunteer, role, period) = strategies::membership_request().new_tree(&mut runner).unwrap().current();
///     // Any request can join an empty team.
///     let mut teams = TeamRegistry::new();
///     teams.add_team(Team::builder(squad, "小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).build()?)?;
///     teams.join(squad, volunteer, role, period)?;
///     assert_eq!(teams.role_on(squad, volunteer, period.from_date()), Some(role));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn membership_request() -> impl Strategy<Value = (crate::VolunteerId, Role, DatePeriod)> {
    (volunteer_id(), role(), date_period())
}

/// Any registering department, as read from a generated code.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Uscc};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..8 {
///     let x = strategies::registering_department().new_tree(&mut runner).unwrap().current();
///     // The department read back from a code with it in position 1.
///     let code = Uscc::with_check(&format!("{}1320100MJ0000001", x.code()))?;
///     assert_eq!(code.department(), x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn registering_department() -> impl Strategy<Value = RegisteringDepartment> {
    uscc().prop_map(|u| u.department())
}

/// Any pairing scope.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, PairingScope};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::pairing_scope().new_tree(&mut runner).unwrap().current();
///     assert!(matches!(x, PairingScope::Exact | PairingScope::Within | PairingScope::Covering));
/// }
/// ```
pub fn pairing_scope() -> impl Strategy<Value = PairingScope> {
    prop_oneof![
        Just(PairingScope::Exact),
        Just(PairingScope::Within),
        Just(PairingScope::Covering),
    ]
}

/// A valid random team registry: up to `max_teams` teams (parents first, levels below their
/// parents'), memberships, pairings and deployments, built through the public API so every
/// registry it yields passed validation.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..4 {
///     let x = strategies::team_registry(6).new_tree(&mut runner).unwrap().current();
///     // Child teams sit below their parents.
///     for team in x.teams() {
///         assert!(x.child_teams(team.id()).all(|c| c.parent() == Some(team.id())));
///     }
/// }
/// ```
pub fn team_registry(max_teams: usize) -> impl Strategy<Value = TeamRegistry> {
    (
        prop::collection::vec((team(), any::<prop::sample::Index>()), 1..=max_teams.max(1)),
        prop::collection::vec(
            (any::<prop::sample::Index>(), membership_request()),
            0..=max_teams * 3,
        ),
        prop::collection::vec(
            (
                pairing_id(),
                any::<prop::sample::Index>(),
                division_code(),
                date_period(),
            ),
            0..=max_teams,
        ),
        prop::collection::vec(
            (
                deployment_id(),
                any::<prop::sample::Index>(),
                division_code(),
                date_period(),
            ),
            0..=max_teams,
        ),
    )
        .prop_map(|(teams, joins, pairs, deploys)| {
            let mut registry = TeamRegistry::new();
            let mut ids = Vec::new();
            for (team, parent) in teams {
                let mut b = Team::builder(
                    team.id(),
                    team.name().to_owned(),
                    team.structure().clone(),
                    team.host(),
                )
                .readiness(team.readiness());
                if let Some(u) = team.uscc() {
                    b = b.uscc(u);
                }
                if !ids.is_empty() {
                    b = b.parent(*parent.get(&ids));
                }
                let Ok(candidate) = b.build() else { continue };
                let root = Team::builder(
                    team.id(),
                    team.name().to_owned(),
                    team.structure().clone(),
                    team.host(),
                )
                .build();
                // Rejected additions change nothing; fall back to a root team.
                if registry.add_team(candidate).is_ok()
                    || root.is_ok_and(|r| registry.add_team(r).is_ok())
                {
                    ids.push(team.id());
                }
            }
            if ids.is_empty() {
                return registry;
            }
            for (team, (volunteer, role, period)) in joins {
                let _ = registry.join(*team.get(&ids), volunteer, role, period);
            }
            for (id, team, division, period) in pairs {
                let _ = registry.pair(id, *team.get(&ids), division, period);
            }
            for (id, team, community, period) in deploys {
                let team = *team.get(&ids);
                let members: Vec<_> = registry
                    .members_on(team, period.from_date())
                    .map(Membership::volunteer)
                    .collect();
                let target = if members.is_empty() {
                    DeploymentTarget::Team(team)
                } else {
                    DeploymentTarget::Members {
                        team,
                        volunteers: members,
                    }
                };
                let _ = registry.deploy(id, target, community, period);
            }
            registry
        })
}

/// Any deployment target: a whole team or 1–5 distinct members of it.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, DeploymentTarget};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::deployment_target().new_tree(&mut runner).unwrap().current();
///     if let DeploymentTarget::Members { volunteers, .. } = &x {
///         assert!((1..=5).contains(&volunteers.len()));
///     }
/// }
/// ```
pub fn deployment_target() -> impl Strategy<Value = DeploymentTarget> {
    prop_oneof![
        team_id().prop_map(DeploymentTarget::Team),
        (
            team_id(),
            prop::collection::btree_set(volunteer_id(), 1..=5)
        )
            .prop_map(|(team, volunteers)| DeploymentTarget::Members {
                team,
                volunteers: volunteers.into_iter().collect(),
            }),
    ]
}

/// A registry holding one levelled team (only values a registry accepts exist).
fn one_team_registry(team: TeamId) -> TeamRegistry {
    let mut registry = TeamRegistry::new();
    let host = OrgId::from_parts(1_577_836_800_000, 0);
    let added = Team::builder(team, "team", TeamKind::Level(TeamLevel::Squad), host)
        .build()
        .map(|t| registry.add_team(t));
    assert!(
        matches!(added, Ok(Ok(()))),
        "a fresh registry accepts a team"
    );
    registry
}

/// Memberships with any volunteer, role and period.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::membership().new_tree(&mut runner).unwrap().current();
///     assert!(x.period().contains(x.period().from_date()));
/// }
/// ```
pub fn membership() -> impl Strategy<Value = Membership> {
    (team_id(), membership_request()).prop_map(|(team, (volunteer, role, period))| {
        let mut registry = one_team_registry(team);
        registry
            .join(team, volunteer, role, period)
            .expect("an empty team accepts a member");
        registry
            .memberships(team)
            .next()
            .cloned()
            .expect("just joined")
    })
}

/// Pairings of a team with any division for any period.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, DivisionCode};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::pairing().new_tree(&mut runner).unwrap().current();
///     assert!(x.period().contains(x.period().from_date()));
///     assert_eq!(x.division().to_string().parse::<DivisionCode>()?, x.division());
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn pairing() -> impl Strategy<Value = Pairing> {
    (team_id(), pairing_id(), division_code(), date_period()).prop_map(
        |(team, id, division, period)| {
            let mut registry = one_team_registry(team);
            registry
                .pair(id, team, division, period)
                .expect("the first pairing is accepted");
            registry.pairing(id).cloned().expect("just paired")
        },
    )
}

/// Deployments of a whole team or of members who joined on the first day.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, DeploymentTarget};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::deployment().new_tree(&mut runner).unwrap().current();
///     assert!(x.period().contains(x.period().from_date()));
///     if let DeploymentTarget::Members { volunteers, .. } = x.target() {
///         assert!(!volunteers.is_empty());
///     }
/// }
/// ```
pub fn deployment() -> impl Strategy<Value = Deployment> {
    (
        deployment_id(),
        deployment_target(),
        division_code(),
        date_period(),
    )
        .prop_map(|(id, target, community, period)| {
            let team = target.team();
            let mut registry = one_team_registry(team);
            if let DeploymentTarget::Members { volunteers, .. } = &target {
                for &v in volunteers {
                    registry
                        .join(team, v, Role::Member, period)
                        .expect("distinct members are accepted");
                }
            }
            registry
                .deploy(id, target, community, period)
                .expect("members joined on the first day");
            registry.deployment(id).cloned().expect("just deployed")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest! {
        #[test]
        fn uscc_round_trips(code in uscc()) {
            prop_assert_eq!(code.as_str().parse::<Uscc>().unwrap(), code);
        }

        #[test]
        fn organisations_rebuild(org in organisation()) {
            let mut b = Organisation::builder(org.id(), org.name(), org.kind());
            if let Some(d) = org.division() { b = b.division(d); }
            if let Some(u) = org.uscc() { b = b.uscc(u); }
            if let Some(s) = org.supervisor() { b = b.supervisor(s); }
            prop_assert_eq!(b.build().unwrap(), org);
        }

        #[test]
        fn hierarchies_are_valid(tree in org_hierarchy(30)) {
            prop_assert!(!tree.is_empty());
            for org in tree.organisations() {
                let id = org.id();
                prop_assert!(tree.is_within(id, id));
                for a in tree.ancestors(id) {
                    prop_assert!(tree.is_within(id, a));
                }
            }
            #[cfg(feature = "serde")]
            {
                let back: OrgHierarchy =
                    serde_json::from_str(&serde_json::to_string(&tree).unwrap()).unwrap();
                prop_assert_eq!(back, tree);
            }
        }

        #[test]
        fn registries_round_trip(registry in team_registry(8)) {
            prop_assert!(registry.teams().count() >= 1);
            #[cfg(feature = "serde")]
            {
                let back: TeamRegistry =
                    serde_json::from_str(&serde_json::to_string(&registry).unwrap()).unwrap();
                prop_assert_eq!(back, registry);
            }
        }

        #[test]
        fn dated_values_are_valid(m in membership(), p in pairing(), d in deployment()) {
            let mut registry = one_team_registry(m.team());
            prop_assert!(registry.join(m.team(), m.volunteer(), m.role(), m.period()).is_ok());
            prop_assert!(p.period().contains(p.period().from_date()));
            if let DeploymentTarget::Members { volunteers, .. } = d.target() {
                prop_assert!(!volunteers.is_empty());
            }
        }

        #[test]
        fn teams_and_kinds_are_valid(t in team(), k in team_kind(), d in registering_department()) {
            prop_assert!(!t.name().is_empty());
            prop_assert!(t.parent() != Some(t.id()));
            prop_assert!(k.level().is_some() != k.specialty().is_some());
            prop_assert!(matches!(d.code(), '0'..='9' | 'A' | 'N' | 'Y'));
        }
    }
}
