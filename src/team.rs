//! Teams (志愿服务队), dated memberships with roles, pairings with jurisdictions (结对) and
//! deployments to communities (下沉) (ORG-03, ORG-04, EMG-02, VOL-07).

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::{
    DatePeriod, DeploymentId, DivisionCode, OrgId, PairingId, SpanError, Tag, TeamId, Uscc,
    VolunteerId,
};

/// The longest team name accepted, in characters.
const MAX_NAME: usize = 100;

/// Returned when a team or a change to the team registry is rejected.
///
/// # Example
/// ```
/// use volunteer_service::{OrgId, Team, TeamError, TeamId, TeamKind, TeamLevel};
/// let err = Team::builder(TeamId::from_parts(1, 1), " ", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1))
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, TeamError::Name { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TeamError {
    /// The name is empty after trimming, longer than 100 characters or has control characters.
    #[error(
        "team {team} name {name:?} is invalid: expected 1..=100 characters after trimming, no \
         control characters"
    )]
    Name {
        /// The team.
        team: TeamId,
        /// The rejected name (at most 120 characters of it).
        name: String,
    },
    /// The team names itself as its parent team.
    #[error("team {team} names itself as its parent team: expected another team")]
    SelfParent {
        /// The team.
        team: TeamId,
    },
    /// The team is already registered.
    #[error("team {team} is already registered")]
    Duplicate {
        /// The team.
        team: TeamId,
    },
    /// A team identifier is not registered.
    #[error("team {team} is not registered")]
    UnknownTeam {
        /// The unknown team.
        team: TeamId,
    },
    /// A levelled team under a levelled parent of the same or a lower level (ORG-03).
    #[error(
        "team {team} of level {level} cannot be under team {parent} of level {parent_level}: a \
         child team's level must be below its parent's"
    )]
    LevelNotBelowParent {
        /// The team.
        team: TeamId,
        /// Its level.
        level: TeamLevel,
        /// The parent team.
        parent: TeamId,
        /// The parent's level.
        parent_level: TeamLevel,
    },
    /// The volunteer's memberships in one team would overlap.
    #[error(
        "volunteer {volunteer} is already in team {team} during {existing}: memberships \
         {period} and {existing} in one team must not overlap"
    )]
    MembershipOverlap {
        /// The team.
        team: TeamId,
        /// The volunteer.
        volunteer: VolunteerId,
        /// The existing membership's period.
        existing: DatePeriod,
        /// The rejected period.
        period: DatePeriod,
    },
    /// The team would have two leaders on one day.
    #[error(
        "team {team} already has leader {leader} during {existing}: at most one leader per \
         day, rejected {period}"
    )]
    LeaderOverlap {
        /// The team.
        team: TeamId,
        /// The existing leader.
        leader: VolunteerId,
        /// The existing leader's period.
        existing: DatePeriod,
        /// The rejected period.
        period: DatePeriod,
    },
    /// The volunteer has no membership in the team on that day.
    #[error("volunteer {volunteer} is not a member of team {team} on {day}")]
    NotMemberOn {
        /// The team.
        team: TeamId,
        /// The volunteer.
        volunteer: VolunteerId,
        /// The day.
        day: NaiveDate,
    },
    /// Ending would leave an empty period.
    #[error(transparent)]
    Period(#[from] SpanError),
    /// The pairing identifier is already used.
    #[error("pairing {pairing} already exists")]
    DuplicatePairing {
        /// The pairing.
        pairing: PairingId,
    },
    /// The pairing identifier is unknown.
    #[error("pairing {pairing} does not exist")]
    UnknownPairing {
        /// The pairing.
        pairing: PairingId,
    },
    /// The team is already paired with the division during an overlapping period.
    #[error(
        "team {team} is already paired with division {division} by pairing {existing}: \
         pairings of one team with one division must not overlap"
    )]
    PairingOverlap {
        /// The team.
        team: TeamId,
        /// The division.
        division: DivisionCode,
        /// The overlapping pairing.
        existing: PairingId,
    },
    /// The pairing is not in force on the day given to end it.
    #[error("pairing {pairing} is not in force on {day}: it can only be ended inside its period")]
    PairingNotInForce {
        /// The pairing.
        pairing: PairingId,
        /// The rejected end day.
        day: NaiveDate,
    },
    /// The deployment identifier is already used.
    #[error("deployment {deployment} already exists")]
    DuplicateDeployment {
        /// The deployment.
        deployment: DeploymentId,
    },
    /// The deployment identifier is unknown.
    #[error("deployment {deployment} does not exist")]
    UnknownDeployment {
        /// The deployment.
        deployment: DeploymentId,
    },
    /// A member deployment lists no volunteers or lists one twice.
    #[error(
        "deployment {deployment} lists {listed} volunteers, {distinct} distinct: expected at \
         least one, each once"
    )]
    DeploymentMembers {
        /// The deployment.
        deployment: DeploymentId,
        /// How many volunteers were listed.
        listed: usize,
        /// How many distinct volunteers were listed.
        distinct: usize,
    },
    /// The deployment is not in force on the day given to end it.
    #[error(
        "deployment {deployment} is not in force on {day}: it can only be ended inside its period"
    )]
    DeploymentNotInForce {
        /// The deployment.
        deployment: DeploymentId,
        /// The rejected end day.
        day: NaiveDate,
    },
}

/// The level of a team in the tree that mirrors the practice hierarchy (ORG-03).
///
/// Ordered `Corps < Detachment < Squad`: a child team's level must be greater.
///
/// # Example
/// ```
/// use volunteer_service::TeamLevel;
/// assert!(TeamLevel::Corps < TeamLevel::Squad);
/// assert_eq!(TeamLevel::Detachment.to_string(), "detachment");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum TeamLevel {
    /// 志愿服务总队: the county-level corps.
    Corps,
    /// 分队/支队: a township-level detachment.
    Detachment,
    /// 小队: a village or community squad.
    Squad,
}

impl TeamLevel {
    /// The level's name in lower case, as on the wire.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::TeamLevel;
    /// assert_eq!(TeamLevel::Corps.as_str(), "corps");
    /// assert_eq!(TeamLevel::Squad.as_str(), TeamLevel::Squad.to_string());
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Corps => "corps",
            Self::Detachment => "detachment",
            Self::Squad => "squad",
        }
    }
}

impl fmt::Display for TeamLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The specialty of a specialist team (专业志愿服务队, ORG-03, EMG-02).
///
/// On the wire: `"emergency_rescue"`, …, or `{"other": "tag"}`.
///
/// # Example
/// ```
/// use volunteer_service::{Specialty, Tag};
/// let s = Specialty::Other(Tag::new("water-rescue")?);
/// assert_ne!(s, Specialty::EmergencyRescue);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Specialty {
    /// 应急救援: emergency rescue, such as Suzhou's reserve rescue volunteers (EMG-02).
    EmergencyRescue,
    /// 心理援助: psychological support.
    Psychological,
    /// 医疗卫生: medical and health.
    Medical,
    /// 党员志愿服务队: a party-member team.
    PartyMember,
    /// 青年志愿者: a youth team.
    Youth,
    /// 巾帼志愿者: a women's team.
    Women,
    /// 专业志愿服务: another professional team (law, IT, translation …).
    Professional,
    /// Any other specialty, named by a tag.
    Other(Tag),
}

/// How a team is structured: a level in the territorial tree or a specialty.
///
/// On the wire: `{"level": "squad"}` or `{"specialist": "medical"}`.
///
/// # Example
/// ```
/// use volunteer_service::{Specialty, TeamKind, TeamLevel};
/// assert_eq!(TeamKind::Level(TeamLevel::Squad).level(), Some(TeamLevel::Squad));
/// assert_eq!(TeamKind::Specialist(Specialty::Medical).level(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum TeamKind {
    /// A territorial team: 总队, 分队/支队 or 小队.
    Level(TeamLevel),
    /// A specialist team (专业志愿服务队).
    Specialist(Specialty),
}

impl TeamKind {
    /// The level of a territorial team, `None` for a specialist team.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Specialty, TeamKind, TeamLevel};
    /// assert_eq!(TeamKind::Level(TeamLevel::Detachment).level(), Some(TeamLevel::Detachment));
    /// assert_eq!(TeamKind::Specialist(Specialty::Youth).level(), None);
    /// ```
    pub const fn level(&self) -> Option<TeamLevel> {
        match self {
            Self::Level(level) => Some(*level),
            Self::Specialist(_) => None,
        }
    }

    /// The specialty of a specialist team, `None` for a territorial team.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Specialty, TeamKind, TeamLevel};
    /// assert_eq!(TeamKind::Specialist(Specialty::Psychological).specialty(), Some(&Specialty::Psychological));
    /// assert_eq!(TeamKind::Level(TeamLevel::Corps).specialty(), None);
    /// ```
    pub const fn specialty(&self) -> Option<&Specialty> {
        match self {
            Self::Level(_) => None,
            Self::Specialist(s) => Some(s),
        }
    }
}

/// Whether a team serves now or stands by in reserve (EMG-02).
///
/// # Example
/// ```
/// use volunteer_service::Readiness;
/// assert_eq!(Readiness::default(), Readiness::Active);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Readiness {
    /// Serving: takes ordinary dispatch.
    #[default]
    Active,
    /// 后备: a standby reserve roster, such as Suzhou's 300+ reserve rescue volunteers,
    /// called up in an emergency.
    StandbyReserve,
}

/// A member's role in a team.
///
/// # Example
/// ```
/// use volunteer_service::Role;
/// assert_ne!(Role::Leader, Role::Member);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Role {
    /// 队长: the leader; at most one per team on any day.
    Leader,
    /// 副队长: a deputy leader.
    Deputy,
    /// 队员: a member.
    Member,
}

/// A volunteer service team (志愿服务队), built validated with [`Team::builder`].
///
/// Wire shape: `{"id", "name", "structure", "host", "parent", "readiness", "uscc"}` with
/// `parent` and `uscc` `null` when absent; deserialisation validates.
///
/// # Example
/// ```
/// use volunteer_service::{OrgId, Readiness, Specialty, Team, TeamId, TeamKind};
/// let reserve = Team::builder(
///     TeamId::from_parts(1, 1),
///     "苏州市应急救援志愿者后备队",
///     TeamKind::Specialist(Specialty::EmergencyRescue),
///     OrgId::from_parts(1, 1),
/// )
/// .readiness(Readiness::StandbyReserve)
/// .build()?;
/// assert_eq!(reserve.readiness(), Readiness::StandbyReserve);
/// assert_eq!(reserve.uscc(), None);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "TeamWire")
)]
pub struct Team {
    id: TeamId,
    name: String,
    structure: TeamKind,
    host: OrgId,
    parent: Option<TeamId>,
    readiness: Readiness,
    uscc: Option<Uscc>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct TeamWire {
    id: TeamId,
    name: String,
    structure: TeamKind,
    host: OrgId,
    parent: Option<TeamId>,
    readiness: Readiness,
    uscc: Option<Uscc>,
}

#[cfg(feature = "serde")]
impl TryFrom<TeamWire> for Team {
    type Error = TeamError;
    fn try_from(w: TeamWire) -> Result<Self, TeamError> {
        TeamBuilder {
            team: Team {
                id: w.id,
                name: w.name,
                structure: w.structure,
                host: w.host,
                parent: w.parent,
                readiness: w.readiness,
                uscc: w.uscc,
            },
        }
        .build()
    }
}

/// Builds a validated [`Team`].
///
/// # Example
/// ```
/// use volunteer_service::{OrgId, Team, TeamId, TeamKind, TeamLevel};
/// let squad = Team::builder(TeamId::from_parts(1, 2), "杨欲巷社区小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1))
///     .parent(TeamId::from_parts(1, 1))
///     .build()?;
/// assert_eq!(squad.parent(), Some(TeamId::from_parts(1, 1)));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct TeamBuilder {
    team: Team,
}

impl TeamBuilder {
    /// Sets the parent team.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Team, TeamError, TeamId, TeamKind, TeamLevel};
    /// let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// let t = Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).parent(corps).build()?;
    /// assert_eq!(t.parent(), Some(corps));
    /// // A team cannot be its own parent.
    /// let own = Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).parent(squad).build();
    /// assert_eq!(own.unwrap_err(), TeamError::SelfParent { team: squad });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn parent(mut self, parent: TeamId) -> Self {
        self.team.parent = Some(parent);
        self
    }

    /// Sets the readiness (default [`Readiness::Active`]).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Readiness, Specialty, Team, TeamId, TeamKind};
    /// let start = || Team::builder(TeamId::from_parts(1, 1), "应急救援队", TeamKind::Specialist(Specialty::EmergencyRescue), OrgId::from_parts(1, 1));
    /// assert_eq!(start().build()?.readiness(), Readiness::Active); // the default
    /// assert_eq!(start().readiness(Readiness::StandbyReserve).build()?.readiness(), Readiness::StandbyReserve);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn readiness(mut self, readiness: Readiness) -> Self {
        self.team.readiness = readiness;
        self
    }

    /// Sets the team's unified social credit code (VOL-07: grassroots groups have none).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Specialty, Team, TeamId, TeamKind, Uscc};
    /// let code = Uscc::with_check("52320115MJ0000003")?;
    /// let t = Team::builder(TeamId::from_parts(1, 1), "江宁区蓝天救援队", TeamKind::Specialist(Specialty::EmergencyRescue), OrgId::from_parts(1, 1))
    ///     .uscc(code)
    ///     .build()?;
    /// assert_eq!(t.uscc(), Some(code));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn uscc(mut self, uscc: Uscc) -> Self {
        self.team.uscc = Some(uscc);
        self
    }

    /// Validates and returns the team. The name is trimmed.
    ///
    /// # Errors
    /// [`TeamError::Name`] for an empty, over-long or control-character name;
    /// [`TeamError::SelfParent`] if the team is its own parent.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Team, TeamError, TeamId, TeamKind, TeamLevel};
    /// let id = TeamId::from_parts(1, 1);
    /// let t = Team::builder(id, " 江宁区志愿服务总队 ", TeamKind::Level(TeamLevel::Corps), OrgId::from_parts(1, 1)).build()?;
    /// assert_eq!(t.name(), "江宁区志愿服务总队"); // trimmed
    /// let blank = Team::builder(id, "  ", TeamKind::Level(TeamLevel::Corps), OrgId::from_parts(1, 1)).build();
    /// assert!(matches!(blank, Err(TeamError::Name { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn build(self) -> Result<Team, TeamError> {
        let mut team = self.team;
        let trimmed = team.name.trim();
        let len = trimmed.chars().count();
        if len == 0 || len > MAX_NAME || trimmed.chars().any(char::is_control) {
            return Err(TeamError::Name {
                team: team.id,
                name: team.name.chars().take(120).collect(),
            });
        }
        if trimmed.len() != team.name.len() {
            team.name = trimmed.to_owned();
        }
        if team.parent == Some(team.id) {
            return Err(TeamError::SelfParent { team: team.id });
        }
        Ok(team)
    }
}

impl Team {
    /// Starts building a team hosted by `host` (the organ, firm or unit that set it up).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Readiness, Specialty, Team, TeamId, TeamKind};
    /// let host = OrgId::from_parts(1, 1);
    /// let t = Team::builder(TeamId::from_parts(1, 1), "党员志愿服务队", TeamKind::Specialist(Specialty::PartyMember), host).build()?;
    /// assert_eq!(t.host(), host);
    /// assert_eq!((t.parent(), t.readiness(), t.uscc()), (None, Readiness::Active, None));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn builder(
        id: TeamId,
        name: impl Into<String>,
        structure: TeamKind,
        host: OrgId,
    ) -> TeamBuilder {
        TeamBuilder {
            team: Self {
                id,
                name: name.into(),
                structure,
                host,
                parent: None,
                readiness: Readiness::Active,
                uscc: None,
            },
        }
    }

    /// The team's identifier.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Team, TeamId, TeamKind, TeamLevel};
    /// let id = TeamId::from_parts(1_626_739_200_000, 3);
    /// assert_eq!(Team::builder(id, "小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).build()?.id(), id);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn id(&self) -> TeamId {
        self.id
    }
    /// The team's name, trimmed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Team, TeamId, TeamKind, TeamLevel};
    /// let t = Team::builder(TeamId::from_parts(1, 1), "杨欲巷社区小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).build()?;
    /// assert_eq!(t.name(), "杨欲巷社区小队");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its level or specialty.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Specialty, Team, TeamId, TeamKind};
    /// let t = Team::builder(TeamId::from_parts(1, 1), "心理援助队", TeamKind::Specialist(Specialty::Psychological), OrgId::from_parts(1, 1)).build()?;
    /// assert_eq!(t.structure(), &TeamKind::Specialist(Specialty::Psychological));
    /// assert_eq!(t.structure().level(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn structure(&self) -> &TeamKind {
        &self.structure
    }
    /// The organisation hosting it.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Team, TeamId, TeamKind, TeamLevel};
    /// let hospital = OrgId::from_parts(1, 5);
    /// let t = Team::builder(TeamId::from_parts(1, 1), "医院志愿服务队", TeamKind::Level(TeamLevel::Squad), hospital).build()?;
    /// assert_eq!(t.host(), hospital);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn host(&self) -> OrgId {
        self.host
    }
    /// Its parent team, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Team, TeamId, TeamKind, TeamLevel};
    /// let corps = Team::builder(TeamId::from_parts(1, 1), "总队", TeamKind::Level(TeamLevel::Corps), OrgId::from_parts(1, 1)).build()?;
    /// assert_eq!(corps.parent(), None);
    /// let squad = Team::builder(TeamId::from_parts(1, 2), "小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).parent(corps.id()).build()?;
    /// assert_eq!(squad.parent(), Some(corps.id()));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn parent(&self) -> Option<TeamId> {
        self.parent
    }
    /// Whether it serves now or stands by in reserve.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Readiness, Team, TeamId, TeamKind, TeamLevel};
    /// let t = Team::builder(TeamId::from_parts(1, 1), "小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).build()?;
    /// assert_eq!(t.readiness(), Readiness::Active);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn readiness(&self) -> Readiness {
        self.readiness
    }
    /// Its unified social credit code, if registered.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Team, TeamId, TeamKind, TeamLevel};
    /// // Grassroots teams usually have no code of their own (VOL-07).
    /// let t = Team::builder(TeamId::from_parts(1, 1), "小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).build()?;
    /// assert_eq!(t.uscc(), None);
    /// let code = volunteer_service::Uscc::with_check("52320115MJ0000003")?;
    /// let registered = Team::builder(TeamId::from_parts(1, 2), "蓝天救援队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).uscc(code).build()?;
    /// assert_eq!(registered.uscc(), Some(code));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn uscc(&self) -> Option<Uscc> {
        self.uscc
    }
}

/// A volunteer's dated membership of a team with a role.
///
/// Wire shape: `{"team", "volunteer", "role", "period"}`.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
/// let (team, v) = (TeamId::from_parts(1, 1), VolunteerId::from_parts(1, 1));
/// let mut teams = TeamRegistry::new();
/// teams.add_team(Team::builder(team, "小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).build()?)?;
/// teams.join(team, v, Role::Member, NaiveDate::from_ymd_opt(2021, 7, 21).unwrap().into())?;
/// let m = teams.members_on(team, NaiveDate::from_ymd_opt(2021, 8, 1).unwrap()).next().unwrap();
/// assert_eq!((m.volunteer(), m.role()), (v, Role::Member));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Membership {
    team: TeamId,
    volunteer: VolunteerId,
    role: Role,
    period: DatePeriod,
}

impl Membership {
    /// The team.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.join(squad, zhang, Role::Member, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert!(teams.memberships(squad).all(|m| m.team() == squad));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn team(&self) -> TeamId {
        self.team
    }
    /// The volunteer.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.join(squad, zhang, Role::Member, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.memberships(squad).map(|m| m.volunteer()).collect::<Vec<_>>(), [zhang]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// The role held throughout the period.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.join(squad, zhang, Role::Leader, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.memberships(squad).next().map(|m| m.role()), Some(Role::Leader));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn role(&self) -> Role {
        self.role
    }
    /// The days of membership.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let period = DatePeriod::new(d("2021-07-21"), Some(d("2021-09-01")))?;
    /// teams.join(squad, zhang, Role::Member, period)?;
    /// assert_eq!(teams.memberships(squad).next().map(|m| m.period()), Some(period));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn period(&self) -> DatePeriod {
        self.period
    }
}

/// A dated pairing (结对) of a team with a jurisdiction (ORG-04).
///
/// Wire shape: `{"id", "team", "division", "period"}`.
///
/// # Example
/// ```
/// # use chrono::NaiveDate;
/// # use volunteer_service::{OrgId, PairingId, Team, TeamId, TeamKind, Specialty, TeamRegistry};
/// # let team = TeamId::from_parts(1, 1);
/// # let mut teams = TeamRegistry::new();
/// # teams.add_team(Team::builder(team, "党员志愿服务队", TeamKind::Specialist(Specialty::PartyMember), OrgId::from_parts(1, 1)).build()?)?;
/// let p = PairingId::from_parts(1, 1);
/// teams.pair(p, team, "321102001".parse()?, NaiveDate::from_ymd_opt(2021, 7, 28).unwrap().into())?;
/// assert_eq!(teams.pairing(p).map(|x| x.team()), Some(team));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Pairing {
    id: PairingId,
    team: TeamId,
    division: DivisionCode,
    period: DatePeriod,
}

impl Pairing {
    /// The pairing's identifier.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, PairingId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let id = PairingId::from_parts(1, 1);
    /// teams.pair(id, squad, "320115005".parse()?, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.pairings_on(d("2021-07-21")).next().map(|p| p.id()), Some(id));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn id(&self) -> PairingId {
        self.id
    }
    /// The team.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, PairingId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.pair(PairingId::from_parts(1, 1), squad, "320115005".parse()?, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.pairing(PairingId::from_parts(1, 1)).map(|p| p.team()), Some(squad));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn team(&self) -> TeamId {
        self.team
    }
    /// The paired jurisdiction, usually a town or street.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, PairingId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let lukou = "320115005".parse()?;
    /// teams.pair(PairingId::from_parts(1, 1), squad, lukou, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.pairing(PairingId::from_parts(1, 1)).map(|p| p.division()), Some(lukou));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn division(&self) -> DivisionCode {
        self.division
    }
    /// The days the pairing is in force.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, PairingId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let period = DatePeriod::new(d("2021-07-21"), Some(d("2021-09-01")))?;
    /// teams.pair(PairingId::from_parts(1, 1), squad, "320115005".parse()?, period)?;
    /// assert_eq!(teams.pairing(PairingId::from_parts(1, 1)).map(|p| p.period()), Some(period));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn period(&self) -> DatePeriod {
        self.period
    }
}

/// Which pairings [`TeamRegistry::teams_paired_with_on`] counts for a division.
///
/// # Example
/// ```
/// use volunteer_service::PairingScope;
/// assert_ne!(PairingScope::Exact, PairingScope::Covering);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum PairingScope {
    /// Pairings with exactly this division.
    Exact,
    /// Pairings with this division or any division inside it: "which teams serve somewhere
    /// in this district".
    Within,
    /// Pairings with this division or any division containing it: "which teams serve this
    /// community", through the pairing with its town.
    Covering,
}

/// Who is sent down (下沉) by a deployment.
///
/// On the wire: `{"team": id}` or `{"members": {"team": id, "volunteers": [id…]}}`.
///
/// # Example
/// ```
/// use volunteer_service::{DeploymentTarget, TeamId, VolunteerId};
/// let team = TeamId::from_parts(1, 1);
/// let some = DeploymentTarget::Members { team, volunteers: vec![VolunteerId::from_parts(1, 1)] };
/// assert_eq!(some.team(), team);
/// assert_eq!(DeploymentTarget::Team(team).team(), team);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum DeploymentTarget {
    /// The whole team: every volunteer who is a member of it on a given day.
    Team(TeamId),
    /// Listed members of a team; each must be a member on the deployment's first day.
    Members {
        /// The team the members come from.
        team: TeamId,
        /// The volunteers sent, each once.
        volunteers: Vec<VolunteerId>,
    },
}

impl DeploymentTarget {
    /// The team deployed or whose members are deployed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DeploymentTarget, TeamId};
    /// let t = TeamId::from_parts(1, 1);
    /// assert_eq!(DeploymentTarget::Team(t).team(), t);
    /// ```
    pub const fn team(&self) -> TeamId {
        match self {
            Self::Team(t) | Self::Members { team: t, .. } => *t,
        }
    }
}

/// A deployment (下沉) of a team or of listed members to a community for a period.
///
/// Wire shape: `{"id", "target", "community", "period"}`; deserialisation checks that a
/// member list is non-empty and has no repeats.
///
/// # Example
/// ```
/// # use chrono::NaiveDate;
/// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
/// # let team = TeamId::from_parts(1, 1);
/// # let mut teams = TeamRegistry::new();
/// # teams.add_team(Team::builder(team, "分队", TeamKind::Level(TeamLevel::Detachment), OrgId::from_parts(1, 1)).build()?)?;
/// let first = NaiveDate::from_ymd_opt(2021, 8, 1).unwrap();
/// let id = DeploymentId::from_parts(1, 1);
/// teams.deploy(id, DeploymentTarget::Team(team), "320508019044".parse()?, DatePeriod::from(first))?;
/// let d = teams.deployment(id).unwrap();
/// assert_eq!((d.id(), d.target().team(), d.period().from_date()), (id, team, first));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "DeploymentWire")
)]
pub struct Deployment {
    id: DeploymentId,
    target: DeploymentTarget,
    community: DivisionCode,
    period: DatePeriod,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct DeploymentWire {
    id: DeploymentId,
    target: DeploymentTarget,
    community: DivisionCode,
    period: DatePeriod,
}

#[cfg(feature = "serde")]
impl TryFrom<DeploymentWire> for Deployment {
    type Error = TeamError;
    fn try_from(w: DeploymentWire) -> Result<Self, TeamError> {
        check_members(w.id, &w.target)?;
        Ok(Self {
            id: w.id,
            target: w.target,
            community: w.community,
            period: w.period,
        })
    }
}

/// Checks that a member deployment lists at least one volunteer, each once.
fn check_members(id: DeploymentId, target: &DeploymentTarget) -> Result<(), TeamError> {
    if let DeploymentTarget::Members { volunteers, .. } = target {
        let distinct: BTreeSet<_> = volunteers.iter().collect();
        if volunteers.is_empty() || distinct.len() != volunteers.len() {
            return Err(TeamError::DeploymentMembers {
                deployment: id,
                listed: volunteers.len(),
                distinct: distinct.len(),
            });
        }
    }
    Ok(())
}

impl Deployment {
    /// The deployment's identifier.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let id = DeploymentId::from_parts(1, 1);
    /// teams.deploy(id, DeploymentTarget::Team(squad), "320115005001".parse()?, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.deployments_on(d("2021-07-21")).next().map(|x| x.id()), Some(id));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn id(&self) -> DeploymentId {
        self.id
    }
    /// Who is sent.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let id = DeploymentId::from_parts(1, 1);
    /// teams.deploy(id, DeploymentTarget::Team(squad), "320115005001".parse()?, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.deployment(id).map(|x| x.target()), Some(&DeploymentTarget::Team(squad)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn target(&self) -> &DeploymentTarget {
        &self.target
    }
    /// Where they are sent: any division, usually a community or a town.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let id = DeploymentId::from_parts(1, 1);
    /// let community = "320115005001".parse()?;
    /// teams.deploy(id, DeploymentTarget::Team(squad), community, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.deployment(id).map(|x| x.community()), Some(community));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn community(&self) -> DivisionCode {
        self.community
    }
    /// The days of the deployment.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let id = DeploymentId::from_parts(1, 1);
    /// let period = DatePeriod::new(d("2021-07-21"), Some(d("2021-08-21")))?;
    /// teams.deploy(id, DeploymentTarget::Team(squad), "320115005001".parse()?, period)?;
    /// assert_eq!(teams.deployment(id).map(|x| x.period()), Some(period));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn period(&self) -> DatePeriod {
        self.period
    }
}

/// Whether [`TeamRegistry::insert_deployment`] checks that listed volunteers are members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MemberCheck {
    OnFirstDay,
    #[cfg_attr(
        not(feature = "serde"),
        allow(dead_code, reason = "used by the serde replay")
    )]
    Skip,
}

/// The registry of teams, memberships, pairings (结对) and deployments (下沉).
///
/// Teams form a forest through their parent teams: a parent must already be registered, so
/// cycles cannot arise, and a levelled team under a levelled parent must have a lower level
/// (总队 → 分队/支队 → 小队). A specialist team may sit under any team and have any child. The
/// host organisation is not checked against an [`OrgHierarchy`](crate::OrgHierarchy).
///
/// Memberships are dated: a volunteer may belong to several teams (ORG-03), but one
/// volunteer's memberships in one team never overlap, and a team has at most one leader on any
/// day. A rejected command returns a [`TeamError`] and leaves the registry unchanged.
///
/// Wire shape: `{"teams": [Team…], "memberships": [Membership…], "pairings": [Pairing…],
/// "deployments": [Deployment…]}`, teams parents first; deserialisation replays every entry
/// through the same validation, except that a member deployment's volunteers are not
/// re-checked for membership on its first day (a membership may have been ended since).
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
/// let d = |s: &str| s.parse::<NaiveDate>();
/// let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
/// let host = OrgId::from_parts(1, 1);
/// let mut teams = TeamRegistry::new();
/// teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
/// teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
/// let v = VolunteerId::from_parts(1, 1);
/// teams.join(squad, v, Role::Leader, DatePeriod::new(d("2021-07-21")?, None)?)?;
/// teams.join(corps, v, Role::Member, DatePeriod::new(d("2021-07-21")?, None)?)?;
/// assert_eq!(teams.teams_of_on(v, d("2021-08-01")?), vec![corps, squad]);
/// teams.end_membership(squad, v, d("2021-09-01")?)?;
/// assert_eq!(teams.role_on(squad, v, d("2021-09-01")?), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(try_from = "RegistryWire")
)]
pub struct TeamRegistry {
    /// Teams in the order added (parents first).
    teams: Vec<Team>,
    index: BTreeMap<TeamId, usize>,
    /// Memberships per team, in the order added.
    memberships: BTreeMap<TeamId, Vec<Membership>>,
    by_volunteer: BTreeMap<VolunteerId, BTreeSet<TeamId>>,
    pairings: BTreeMap<PairingId, Pairing>,
    deployments: BTreeMap<DeploymentId, Deployment>,
}

impl TeamRegistry {
    /// An empty registry.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::TeamRegistry;
    /// assert_eq!(TeamRegistry::new().teams().count(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The team with this identifier.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// assert_eq!(teams.team(squad).map(|t| t.name()), Some("某社区小队"));
    /// assert!(teams.team(TeamId::from_parts(1, 9)).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn team(&self, id: TeamId) -> Option<&Team> {
        self.index.get(&id).and_then(|&i| self.teams.get(i))
    }

    /// All teams, parents before children.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let names: Vec<&str> = teams.teams().map(|t| t.name()).collect();
    /// assert_eq!(names, ["江宁区志愿服务总队", "某社区小队"]); // parents first
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn teams(&self) -> impl Iterator<Item = &Team> + '_ {
        self.teams.iter()
    }

    /// The direct child teams of `team`.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// assert_eq!(teams.child_teams(corps).map(|t| t.id()).collect::<Vec<_>>(), [squad]);
    /// assert_eq!(teams.child_teams(squad).count(), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn child_teams(&self, team: TeamId) -> impl Iterator<Item = &Team> + '_ {
        self.teams.iter().filter(move |t| t.parent == Some(team))
    }

    fn known(&self, team: TeamId) -> Result<&Team, TeamError> {
        self.team(team).ok_or(TeamError::UnknownTeam { team })
    }

    /// Registers a team.
    ///
    /// # Errors
    /// [`TeamError::Duplicate`]; [`TeamError::UnknownTeam`] if its parent is not registered;
    /// [`TeamError::LevelNotBelowParent`] if both are levelled and the child's level is not
    /// below the parent's.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, Team, TeamError, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// let host = OrgId::from_parts(1, 1);
    /// let squad = Team::builder(TeamId::from_parts(1, 1), "小队", TeamKind::Level(TeamLevel::Squad), host).build()?;
    /// let corps = Team::builder(TeamId::from_parts(1, 2), "总队", TeamKind::Level(TeamLevel::Corps), host)
    ///     .parent(TeamId::from_parts(1, 1))
    ///     .build()?;
    /// let mut teams = TeamRegistry::new();
    /// teams.add_team(squad)?;
    /// assert!(matches!(teams.add_team(corps), Err(TeamError::LevelNotBelowParent { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_team(&mut self, team: Team) -> Result<(), TeamError> {
        if self.index.contains_key(&team.id) {
            return Err(TeamError::Duplicate { team: team.id });
        }
        if let Some(parent_id) = team.parent {
            let parent = self.known(parent_id)?;
            if let (Some(level), Some(parent_level)) =
                (team.structure.level(), parent.structure.level())
                && level <= parent_level
            {
                return Err(TeamError::LevelNotBelowParent {
                    team: team.id,
                    level,
                    parent: parent_id,
                    parent_level,
                });
            }
        }
        self.index.insert(team.id, self.teams.len());
        self.teams.push(team);
        Ok(())
    }

    /// Adds a dated membership of `volunteer` in `team` with `role`.
    ///
    /// # Errors
    /// [`TeamError::UnknownTeam`]; [`TeamError::MembershipOverlap`] if the volunteer's
    /// memberships in the team would overlap; [`TeamError::LeaderOverlap`] if the team would
    /// have two leaders on a day.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgId, Role, Team, TeamError, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let team = TeamId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(team, "小队", TeamKind::Level(TeamLevel::Squad), OrgId::from_parts(1, 1)).build()?)?;
    /// let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// teams.join(team, VolunteerId::from_parts(1, 1), Role::Leader, day.into())?;
    /// let err = teams.join(team, VolunteerId::from_parts(1, 2), Role::Leader, day.into()).unwrap_err();
    /// assert!(matches!(err, TeamError::LeaderOverlap { .. }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn join(
        &mut self,
        team: TeamId,
        volunteer: VolunteerId,
        role: Role,
        period: DatePeriod,
    ) -> Result<(), TeamError> {
        self.known(team)?;
        let existing = self.memberships.get(&team).map_or(&[][..], Vec::as_slice);
        if let Some(m) = existing
            .iter()
            .find(|m| m.volunteer == volunteer && m.period.overlaps(&period))
        {
            return Err(TeamError::MembershipOverlap {
                team,
                volunteer,
                existing: m.period,
                period,
            });
        }
        if role == Role::Leader
            && let Some(m) = existing
                .iter()
                .find(|m| m.role == Role::Leader && m.period.overlaps(&period))
        {
            return Err(TeamError::LeaderOverlap {
                team,
                leader: m.volunteer,
                existing: m.period,
                period,
            });
        }
        self.memberships.entry(team).or_default().push(Membership {
            team,
            volunteer,
            role,
            period,
        });
        self.by_volunteer.entry(volunteer).or_default().insert(team);
        Ok(())
    }

    /// Ends the volunteer's membership in `team` that is in force on `until`: `until` becomes
    /// the first day without it.
    ///
    /// # Errors
    /// [`TeamError::UnknownTeam`]; [`TeamError::NotMemberOn`] if no membership is in force on
    /// `until`; [`TeamError::Period`] if `until` is the membership's first day.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// use volunteer_service::TeamError;
    /// teams.join(squad, zhang, Role::Member, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// teams.end_membership(squad, zhang, d("2021-09-01"))?;
    /// assert_eq!(teams.role_on(squad, zhang, d("2021-08-31")), Some(Role::Member));
    /// assert_eq!(teams.role_on(squad, zhang, d("2021-09-01")), None);
    /// // No membership is in force any more on a later day.
    /// let err = teams.end_membership(squad, zhang, d("2021-10-01")).unwrap_err();
    /// assert_eq!(err, TeamError::NotMemberOn { team: squad, volunteer: zhang, day: d("2021-10-01") });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn end_membership(
        &mut self,
        team: TeamId,
        volunteer: VolunteerId,
        until: NaiveDate,
    ) -> Result<(), TeamError> {
        self.known(team)?;
        let m = self
            .memberships
            .get_mut(&team)
            .and_then(|ms| {
                ms.iter_mut()
                    .find(|m| m.volunteer == volunteer && m.period.contains(until))
            })
            .ok_or(TeamError::NotMemberOn {
                team,
                volunteer,
                day: until,
            })?;
        m.period = m.period.ended(until)?;
        Ok(())
    }

    /// The memberships of `team` in force on `day`.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.join(squad, zhang, Role::Leader, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// teams.join(squad, li, Role::Member, DatePeriod::new(d("2021-08-01"), None)?)?;
    /// assert_eq!(teams.members_on(squad, d("2021-07-25")).count(), 1);
    /// let on_aug = teams.members_on(squad, d("2021-08-01")).map(|m| m.volunteer()).collect::<Vec<_>>();
    /// assert_eq!(on_aug, [zhang, li]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn members_on(&self, team: TeamId, day: NaiveDate) -> impl Iterator<Item = &Membership> {
        self.memberships
            .get(&team)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(move |m| m.period.contains(day))
    }

    /// All memberships of `team`, in the order added.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.join(squad, zhang, Role::Member, DatePeriod::new(d("2021-07-21"), Some(d("2021-08-01")))?)?;
    /// teams.join(squad, zhang, Role::Leader, DatePeriod::new(d("2021-08-01"), None)?)?;
    /// let roles: Vec<Role> = teams.memberships(squad).map(|m| m.role()).collect();
    /// assert_eq!(roles, [Role::Member, Role::Leader]); // past and present
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn memberships(&self, team: TeamId) -> impl Iterator<Item = &Membership> {
        self.memberships
            .get(&team)
            .map_or(&[][..], Vec::as_slice)
            .iter()
    }

    /// The teams `volunteer` belongs to on `day`, ordered by team id.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.join(squad, zhang, Role::Member, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// teams.join(corps, zhang, Role::Deputy, DatePeriod::new(d("2021-08-01"), None)?)?;
    /// assert_eq!(teams.teams_of_on(zhang, d("2021-07-25")), [squad]);
    /// assert_eq!(teams.teams_of_on(zhang, d("2021-08-01")), [corps, squad]);
    /// assert!(teams.teams_of_on(li, d("2021-08-01")).is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn teams_of_on(&self, volunteer: VolunteerId, day: NaiveDate) -> Vec<TeamId> {
        self.by_volunteer
            .get(&volunteer)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&t| self.role_on(t, volunteer, day).is_some())
            .collect()
    }

    /// The volunteer's role in `team` on `day`, `None` if not a member then.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.join(squad, zhang, Role::Leader, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.role_on(squad, zhang, d("2021-07-21")), Some(Role::Leader));
    /// assert_eq!(teams.role_on(squad, zhang, d("2021-07-20")), None); // not yet a member
    /// assert_eq!(teams.role_on(corps, zhang, d("2021-07-21")), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn role_on(&self, team: TeamId, volunteer: VolunteerId, day: NaiveDate) -> Option<Role> {
        self.members_on(team, day)
            .find(|m| m.volunteer == volunteer)
            .map(|m| m.role)
    }

    /// Pairs (结对) `team` with `division` for `period` (ORG-04); many-to-many.
    ///
    /// # Errors
    /// [`TeamError::DuplicatePairing`]; [`TeamError::UnknownTeam`];
    /// [`TeamError::PairingOverlap`] if the team is already paired with the same division
    /// during an overlapping period.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, PairingId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// use volunteer_service::TeamError;
    /// let lukou = "320115005".parse()?;
    /// teams.pair(PairingId::from_parts(1, 1), squad, lukou, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.pairings_on(d("2021-07-21")).count(), 1);
    /// // The same team and division again, overlapping: refused.
    /// let again = teams.pair(PairingId::from_parts(1, 2), squad, lukou, DatePeriod::new(d("2021-08-01"), None)?);
    /// assert!(matches!(again, Err(TeamError::PairingOverlap { .. })));
    /// assert!(teams.pairing(PairingId::from_parts(1, 2)).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn pair(
        &mut self,
        id: PairingId,
        team: TeamId,
        division: DivisionCode,
        period: DatePeriod,
    ) -> Result<(), TeamError> {
        if self.pairings.contains_key(&id) {
            return Err(TeamError::DuplicatePairing { pairing: id });
        }
        self.known(team)?;
        if let Some(p) = self
            .pairings
            .values()
            .find(|p| p.team == team && p.division == division && p.period.overlaps(&period))
        {
            return Err(TeamError::PairingOverlap {
                team,
                division,
                existing: p.id,
            });
        }
        self.pairings.insert(
            id,
            Pairing {
                id,
                team,
                division,
                period,
            },
        );
        Ok(())
    }

    /// Ends a pairing: `until` becomes the first day without it.
    ///
    /// # Errors
    /// [`TeamError::UnknownPairing`]; [`TeamError::PairingNotInForce`] if the pairing is not
    /// in force on `until`; [`TeamError::Period`] if `until` is its first day.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, PairingId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// use volunteer_service::TeamError;
    /// let id = PairingId::from_parts(1, 1);
    /// teams.pair(id, squad, "320115005".parse()?, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// teams.end_pairing(id, d("2021-09-01"))?;
    /// assert_eq!(teams.pairing(id).and_then(|p| p.period().until()), Some(d("2021-09-01")));
    /// assert_eq!(teams.end_pairing(id, d("2021-10-01")), Err(TeamError::PairingNotInForce { pairing: id, day: d("2021-10-01") }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn end_pairing(&mut self, id: PairingId, until: NaiveDate) -> Result<(), TeamError> {
        let p = self
            .pairings
            .get_mut(&id)
            .ok_or(TeamError::UnknownPairing { pairing: id })?;
        if !p.period.contains(until) {
            return Err(TeamError::PairingNotInForce {
                pairing: id,
                day: until,
            });
        }
        p.period = p.period.ended(until)?;
        Ok(())
    }

    /// The pairing with this identifier.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, PairingId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let id = PairingId::from_parts(1, 1);
    /// teams.pair(id, squad, "320115005".parse()?, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.pairing(id).map(|p| p.team()), Some(squad));
    /// assert!(teams.pairing(PairingId::from_parts(1, 2)).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn pairing(&self, id: PairingId) -> Option<&Pairing> {
        self.pairings.get(&id)
    }

    /// The pairings in force on `day`, ordered by id.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, OrgId, PairingId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.pair(PairingId::from_parts(1, 1), squad, "320115005".parse()?, DatePeriod::new(d("2021-07-21"), Some(d("2021-08-21")))?)?;
    /// teams.pair(PairingId::from_parts(1, 2), corps, "320115".parse()?, DatePeriod::new(d("2021-08-01"), None)?)?;
    /// assert_eq!(teams.pairings_on(d("2021-08-01")).count(), 2);
    /// assert_eq!(teams.pairings_on(d("2021-08-21")).map(|p| p.team()).collect::<Vec<_>>(), [corps]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn pairings_on(&self, day: NaiveDate) -> impl Iterator<Item = &Pairing> {
        self.pairings
            .values()
            .filter(move |p| p.period.contains(day))
    }

    /// The teams paired on `day` with `division`, in the given [`PairingScope`], ordered by
    /// id and without repeats.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgId, PairingId, PairingScope, Team, TeamId, TeamKind, Specialty, TeamRegistry};
    /// # let team = TeamId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(team, "党员志愿服务队", TeamKind::Specialist(Specialty::PartyMember), OrgId::from_parts(1, 1)).build()?)?;
    /// let day = NaiveDate::from_ymd_opt(2021, 8, 1).unwrap();
    /// teams.pair(PairingId::from_parts(1, 1), team, "321102001".parse()?, day.into())?;
    /// let community = "321102001002".parse()?;
    /// assert!(teams.teams_paired_with_on(community, day, PairingScope::Exact).is_empty());
    /// assert_eq!(teams.teams_paired_with_on(community, day, PairingScope::Covering), vec![team]);
    /// assert_eq!(teams.teams_paired_with_on("321102".parse()?, day, PairingScope::Within), vec![team]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn teams_paired_with_on(
        &self,
        division: DivisionCode,
        day: NaiveDate,
        scope: PairingScope,
    ) -> Vec<TeamId> {
        let teams: BTreeSet<TeamId> = self
            .pairings_on(day)
            .filter(|p| match scope {
                PairingScope::Exact => p.division == division,
                PairingScope::Within => division.contains(p.division),
                PairingScope::Covering => p.division.contains(division),
            })
            .map(|p| p.team)
            .collect();
        teams.into_iter().collect()
    }

    /// Deploys (下沉) a team or listed members to `community` for `period`.
    ///
    /// # Errors
    /// [`TeamError::DuplicateDeployment`]; [`TeamError::UnknownTeam`];
    /// [`TeamError::DeploymentMembers`] for an empty list or a repeated volunteer;
    /// [`TeamError::NotMemberOn`] if a listed volunteer is not a member of the team on the
    /// first day.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DeploymentId, DeploymentTarget, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let team = TeamId::from_parts(1, 1);
    /// # let v = VolunteerId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(team, "分队", TeamKind::Level(TeamLevel::Detachment), OrgId::from_parts(1, 1)).build()?)?;
    /// let day = NaiveDate::from_ymd_opt(2021, 8, 1).unwrap();
    /// teams.join(team, v, Role::Member, day.into())?;
    /// let yangyuxiang = "320508019044".parse()?;
    /// teams.deploy(DeploymentId::from_parts(1, 1), DeploymentTarget::Team(team), yangyuxiang, day.into())?;
    /// assert_eq!(teams.deployed_to_on(v, day), vec![yangyuxiang]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn deploy(
        &mut self,
        id: DeploymentId,
        target: DeploymentTarget,
        community: DivisionCode,
        period: DatePeriod,
    ) -> Result<(), TeamError> {
        self.insert_deployment(id, target, community, period, MemberCheck::OnFirstDay)
    }

    fn insert_deployment(
        &mut self,
        id: DeploymentId,
        target: DeploymentTarget,
        community: DivisionCode,
        period: DatePeriod,
        check: MemberCheck,
    ) -> Result<(), TeamError> {
        if self.deployments.contains_key(&id) {
            return Err(TeamError::DuplicateDeployment { deployment: id });
        }
        self.known(target.team())?;
        check_members(id, &target)?;
        if let DeploymentTarget::Members { team, volunteers } = &target {
            let day = period.from_date();
            if let Some(&v) = volunteers
                .iter()
                .filter(|_| check == MemberCheck::OnFirstDay)
                .find(|&&v| self.role_on(*team, v, day).is_none())
            {
                return Err(TeamError::NotMemberOn {
                    team: *team,
                    volunteer: v,
                    day,
                });
            }
        }
        self.deployments.insert(
            id,
            Deployment {
                id,
                target,
                community,
                period,
            },
        );
        Ok(())
    }

    /// Ends a deployment: `until` becomes the first day without it.
    ///
    /// # Errors
    /// [`TeamError::UnknownDeployment`]; [`TeamError::DeploymentNotInForce`] if it is not in
    /// force on `until`; [`TeamError::Period`] if `until` is its first day.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// use volunteer_service::TeamError;
    /// let id = DeploymentId::from_parts(1, 1);
    /// teams.deploy(id, DeploymentTarget::Team(squad), "320115005001".parse()?, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// teams.end_deployment(id, d("2021-08-21"))?;
    /// assert_eq!(teams.deployments_on(d("2021-08-21")).count(), 0);
    /// assert!(matches!(teams.end_deployment(id, d("2021-08-21")), Err(TeamError::DeploymentNotInForce { .. })));
    /// assert!(matches!(teams.end_deployment(DeploymentId::from_parts(1, 9), d("2021-08-01")), Err(TeamError::UnknownDeployment { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn end_deployment(&mut self, id: DeploymentId, until: NaiveDate) -> Result<(), TeamError> {
        let d = self
            .deployments
            .get_mut(&id)
            .ok_or(TeamError::UnknownDeployment { deployment: id })?;
        if !d.period.contains(until) {
            return Err(TeamError::DeploymentNotInForce {
                deployment: id,
                day: until,
            });
        }
        d.period = d.period.ended(until)?;
        Ok(())
    }

    /// The deployment with this identifier.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// let id = DeploymentId::from_parts(1, 1);
    /// teams.deploy(id, DeploymentTarget::Team(squad), "320115005001".parse()?, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.deployment(id).map(|x| x.target().team()), Some(squad));
    /// assert!(teams.deployment(DeploymentId::from_parts(1, 2)).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn deployment(&self, id: DeploymentId) -> Option<&Deployment> {
        self.deployments.get(&id)
    }

    /// The deployments in force on `day`, ordered by id.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.deploy(DeploymentId::from_parts(1, 1), DeploymentTarget::Team(squad), "320115005001".parse()?, DatePeriod::new(d("2021-07-21"), Some(d("2021-08-01")))?)?;
    /// assert_eq!(teams.deployments_on(d("2021-07-31")).count(), 1);
    /// assert_eq!(teams.deployments_on(d("2021-08-01")).count(), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn deployments_on(&self, day: NaiveDate) -> impl Iterator<Item = &Deployment> {
        self.deployments
            .values()
            .filter(move |d| d.period.contains(day))
    }

    /// The deployments sending `volunteer` on `day`: member deployments listing them, and
    /// whole-team deployments of a team they are a member of on that day. Ordered by id.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.join(squad, zhang, Role::Member, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// teams.join(squad, li, Role::Member, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// let listed = DeploymentTarget::Members { team: squad, volunteers: vec![li] };
    /// teams.deploy(DeploymentId::from_parts(1, 1), listed, "320115005001".parse()?, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert!(teams.deployments_of_on(zhang, d("2021-07-21")).is_empty()); // not listed
    /// assert_eq!(teams.deployments_of_on(li, d("2021-07-21")).len(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn deployments_of_on(&self, volunteer: VolunteerId, day: NaiveDate) -> Vec<&Deployment> {
        self.deployments_on(day)
            .filter(|d| match &d.target {
                DeploymentTarget::Team(team) => self.role_on(*team, volunteer, day).is_some(),
                DeploymentTarget::Members { volunteers, .. } => volunteers.contains(&volunteer),
            })
            .collect()
    }

    /// Where `volunteer` is deployed on `day`: the communities of
    /// [`deployments_of_on`](Self::deployments_of_on), sorted, without repeats.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{DatePeriod, DeploymentId, DeploymentTarget, OrgId, Role, Team, TeamId, TeamKind, TeamLevel, TeamRegistry, VolunteerId};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (corps, squad) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// # let host = OrgId::from_parts(1, 1);
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(corps, "江宁区志愿服务总队", TeamKind::Level(TeamLevel::Corps), host).build()?)?;
    /// # teams.add_team(Team::builder(squad, "某社区小队", TeamKind::Level(TeamLevel::Squad), host).parent(corps).build()?)?;
    /// teams.join(squad, zhang, Role::Member, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// let community = "320115005001".parse()?;
    /// teams.deploy(DeploymentId::from_parts(1, 1), DeploymentTarget::Team(squad), community, DatePeriod::new(d("2021-07-21"), None)?)?;
    /// assert_eq!(teams.deployed_to_on(zhang, d("2021-07-22")), [community]);
    /// assert!(teams.deployed_to_on(zhang, d("2021-07-20")).is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn deployed_to_on(&self, volunteer: VolunteerId, day: NaiveDate) -> Vec<DivisionCode> {
        let places: BTreeSet<DivisionCode> = self
            .deployments_of_on(volunteer, day)
            .into_iter()
            .map(|d| d.community)
            .collect();
        places.into_iter().collect()
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RegistryWire {
    teams: Vec<Team>,
    memberships: Vec<Membership>,
    pairings: Vec<Pairing>,
    deployments: Vec<Deployment>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize)]
struct RegistryWireRef<'a> {
    teams: &'a [Team],
    memberships: Vec<&'a Membership>,
    pairings: Vec<&'a Pairing>,
    deployments: Vec<&'a Deployment>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for TeamRegistry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RegistryWireRef {
            teams: &self.teams,
            memberships: self.memberships.values().flatten().collect(),
            pairings: self.pairings.values().collect(),
            deployments: self.deployments.values().collect(),
        }
        .serialize(serializer)
    }
}

#[cfg(feature = "serde")]
impl TryFrom<RegistryWire> for TeamRegistry {
    type Error = TeamError;
    fn try_from(w: RegistryWire) -> Result<Self, TeamError> {
        let mut r = Self::new();
        for t in w.teams {
            r.add_team(t)?;
        }
        for m in w.memberships {
            r.join(m.team, m.volunteer, m.role, m.period)?;
        }
        for p in w.pairings {
            r.pair(p.id, p.team, p.division, p.period)?;
        }
        for d in w.deployments {
            // Memberships may have been ended after the deployment was made, so the replay
            // checks everything except membership on the first day.
            r.insert_deployment(d.id, d.target, d.community, d.period, MemberCheck::Skip)?;
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 7, 1)
            .unwrap()
            .checked_add_days(chrono::Days::new(u64::from(n)))
            .unwrap()
    }

    fn period(from: u32, until: Option<u32>) -> DatePeriod {
        DatePeriod::new(day(from), until.map(day)).unwrap()
    }

    fn tid(n: u64) -> TeamId {
        TeamId::from_parts(1_626_739_200_000, n)
    }

    fn vid(n: u64) -> VolunteerId {
        VolunteerId::from_parts(1_626_739_200_000, n)
    }

    fn host() -> OrgId {
        OrgId::from_parts(1_626_739_200_000, 1)
    }

    fn levelled(n: u64, level: TeamLevel, parent: Option<u64>) -> Team {
        let mut b = Team::builder(tid(n), format!("team {n}"), TeamKind::Level(level), host());
        if let Some(p) = parent {
            b = b.parent(tid(p));
        }
        b.build().unwrap()
    }

    fn specialist(n: u64, s: Specialty, parent: Option<u64>) -> Team {
        let mut b = Team::builder(tid(n), format!("team {n}"), TeamKind::Specialist(s), host());
        if let Some(p) = parent {
            b = b.parent(tid(p));
        }
        b.build().unwrap()
    }

    /// Corps 0 ← detachment 1 ← squad 2; specialist 3 (rescue reserve).
    fn registry() -> TeamRegistry {
        let mut r = TeamRegistry::new();
        r.add_team(levelled(0, TeamLevel::Corps, None)).unwrap();
        r.add_team(levelled(1, TeamLevel::Detachment, Some(0)))
            .unwrap();
        r.add_team(levelled(2, TeamLevel::Squad, Some(1))).unwrap();
        r.add_team(
            Team::builder(
                tid(3),
                "应急救援后备队",
                TeamKind::Specialist(Specialty::EmergencyRescue),
                host(),
            )
            .readiness(Readiness::StandbyReserve)
            .build()
            .unwrap(),
        )
        .unwrap();
        r
    }

    #[test]
    fn team_builder_validates() {
        assert!(matches!(
            Team::builder(tid(1), "", TeamKind::Level(TeamLevel::Squad), host()).build(),
            Err(TeamError::Name { .. })
        ));
        assert_eq!(
            Team::builder(tid(1), "x", TeamKind::Level(TeamLevel::Squad), host())
                .parent(tid(1))
                .build(),
            Err(TeamError::SelfParent { team: tid(1) })
        );
        let t = Team::builder(tid(1), " 小队 ", TeamKind::Level(TeamLevel::Squad), host())
            .uscc(Uscc::with_check("51320100MJ0000001").unwrap())
            .build()
            .unwrap();
        assert_eq!(t.name(), "小队");
        assert!(t.uscc().is_some());
        assert_eq!(t.readiness(), Readiness::Active);
        assert_eq!(t.host(), host());
    }

    #[test]
    fn team_tree_rules() {
        let mut r = registry();
        let before = r.clone();
        assert_eq!(
            r.add_team(levelled(0, TeamLevel::Corps, None)),
            Err(TeamError::Duplicate { team: tid(0) })
        );
        assert_eq!(
            r.add_team(levelled(9, TeamLevel::Squad, Some(8))),
            Err(TeamError::UnknownTeam { team: tid(8) })
        );
        let err = r
            .add_team(levelled(9, TeamLevel::Detachment, Some(2)))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "team {} of level detachment cannot be under team {} of level squad: a child \
                 team's level must be below its parent's",
                tid(9),
                tid(2)
            )
        );
        assert!(matches!(
            r.add_team(levelled(9, TeamLevel::Detachment, Some(1))),
            Err(TeamError::LevelNotBelowParent { .. })
        ));
        assert_eq!(r, before);
        // Specialist teams may sit anywhere and hold any team.
        r.add_team(specialist(4, Specialty::PartyMember, Some(2)))
            .unwrap();
        r.add_team(levelled(5, TeamLevel::Corps, Some(4))).unwrap();
        // A squad may sit directly under a corps.
        r.add_team(levelled(6, TeamLevel::Squad, Some(0))).unwrap();
        assert_eq!(
            r.child_teams(tid(0)).map(Team::id).collect::<Vec<_>>(),
            vec![tid(1), tid(6)]
        );
    }

    #[test]
    fn memberships_and_dated_queries() {
        let mut r = registry();
        r.join(tid(2), vid(1), Role::Member, period(0, None))
            .unwrap();
        r.join(tid(3), vid(1), Role::Member, period(5, Some(10)))
            .unwrap();
        r.join(tid(2), vid(2), Role::Leader, period(0, None))
            .unwrap();
        assert_eq!(r.teams_of_on(vid(1), day(4)), vec![tid(2)]);
        assert_eq!(r.teams_of_on(vid(1), day(7)), vec![tid(2), tid(3)]);
        assert_eq!(r.teams_of_on(vid(1), day(10)), vec![tid(2)]);
        assert_eq!(r.members_on(tid(2), day(3)).count(), 2);
        assert_eq!(r.role_on(tid(2), vid(2), day(3)), Some(Role::Leader));
        assert_eq!(r.role_on(tid(3), vid(2), day(3)), None);
        r.end_membership(tid(2), vid(1), day(20)).unwrap();
        assert_eq!(r.role_on(tid(2), vid(1), day(19)), Some(Role::Member));
        assert_eq!(r.role_on(tid(2), vid(1), day(20)), None);
        // Rejoining after the end with another role is fine.
        r.join(tid(2), vid(1), Role::Deputy, period(20, None))
            .unwrap();
        assert_eq!(r.role_on(tid(2), vid(1), day(25)), Some(Role::Deputy));
        assert_eq!(r.memberships(tid(2)).count(), 3);
    }

    #[test]
    fn membership_overlap_is_rejected() {
        let mut r = registry();
        r.join(tid(2), vid(1), Role::Member, period(0, Some(10)))
            .unwrap();
        let before = r.clone();
        let err = r
            .join(tid(2), vid(1), Role::Deputy, period(9, None))
            .unwrap_err();
        assert_eq!(
            err,
            TeamError::MembershipOverlap {
                team: tid(2),
                volunteer: vid(1),
                existing: period(0, Some(10)),
                period: period(9, None)
            }
        );
        assert_eq!(r, before);
        r.join(tid(2), vid(1), Role::Deputy, period(10, None))
            .unwrap();
    }

    #[test]
    fn at_most_one_leader_per_day() {
        let mut r = registry();
        r.join(tid(1), vid(1), Role::Leader, period(0, Some(10)))
            .unwrap();
        let before = r.clone();
        let err = r
            .join(tid(1), vid(2), Role::Leader, period(5, None))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "team {} already has leader {} during [2021-07-01, 2021-07-11): at most one \
                 leader per day, rejected [2021-07-06, …)",
                tid(1),
                vid(1)
            )
        );
        assert_eq!(r, before);
        // Handover on day 10; deputies are unlimited.
        r.join(tid(1), vid(2), Role::Leader, period(10, None))
            .unwrap();
        r.join(tid(1), vid(3), Role::Deputy, period(0, None))
            .unwrap();
        r.join(tid(1), vid(4), Role::Deputy, period(0, None))
            .unwrap();
        // The new leader blocks a second leader on a later day.
        let before = r.clone();
        assert!(matches!(
            r.join(tid(1), vid(5), Role::Leader, period(12, Some(13))),
            Err(TeamError::LeaderOverlap { .. })
        ));
        assert_eq!(r, before);
    }

    #[test]
    fn ending_memberships_is_validated() {
        let mut r = registry();
        r.join(tid(2), vid(1), Role::Member, period(5, Some(10)))
            .unwrap();
        let before = r.clone();
        assert_eq!(
            r.end_membership(tid(2), vid(1), day(10)),
            Err(TeamError::NotMemberOn {
                team: tid(2),
                volunteer: vid(1),
                day: day(10)
            })
        );
        assert!(matches!(
            r.end_membership(tid(2), vid(1), day(5)),
            Err(TeamError::Period(_))
        ));
        assert!(matches!(
            r.end_membership(tid(9), vid(1), day(6)),
            Err(TeamError::UnknownTeam { .. })
        ));
        assert!(matches!(
            r.join(tid(9), vid(1), Role::Member, period(0, None)),
            Err(TeamError::UnknownTeam { .. })
        ));
        assert_eq!(r, before);
    }

    #[test]
    fn pairings_are_many_to_many_and_dated() {
        let mut r = registry();
        let town: DivisionCode = "321102001".parse().unwrap();
        let other_town: DivisionCode = "321102002".parse().unwrap();
        let community: DivisionCode = "321102001003".parse().unwrap();
        let district: DivisionCode = "321102".parse().unwrap();
        let p = |n| PairingId::from_parts(1, n);
        r.pair(p(1), tid(1), town, period(0, None)).unwrap();
        r.pair(p(2), tid(1), other_town, period(0, None)).unwrap();
        r.pair(p(3), tid(3), town, period(5, Some(10))).unwrap();
        r.pair(p(4), tid(2), community, period(0, None)).unwrap();
        assert_eq!(r.pairings_on(day(0)).count(), 3);
        assert_eq!(r.pairings_on(day(6)).count(), 4);
        assert_eq!(
            r.teams_paired_with_on(town, day(6), PairingScope::Exact),
            vec![tid(1), tid(3)]
        );
        assert_eq!(
            r.teams_paired_with_on(town, day(10), PairingScope::Exact),
            vec![tid(1)]
        );
        assert_eq!(
            r.teams_paired_with_on(community, day(0), PairingScope::Covering),
            vec![tid(1), tid(2)]
        );
        assert_eq!(
            r.teams_paired_with_on(district, day(6), PairingScope::Within),
            vec![tid(1), tid(2), tid(3)]
        );
        assert!(
            r.teams_paired_with_on(district, day(6), PairingScope::Exact)
                .is_empty()
        );
        let before = r.clone();
        assert_eq!(
            r.pair(p(5), tid(1), town, period(3, Some(4))),
            Err(TeamError::PairingOverlap {
                team: tid(1),
                division: town,
                existing: p(1)
            })
        );
        assert_eq!(
            r.pair(p(1), tid(2), town, period(0, None)),
            Err(TeamError::DuplicatePairing { pairing: p(1) })
        );
        assert!(matches!(
            r.pair(p(5), tid(9), town, period(0, None)),
            Err(TeamError::UnknownTeam { .. })
        ));
        assert!(matches!(
            r.end_pairing(p(3), day(10)),
            Err(TeamError::PairingNotInForce { .. })
        ));
        assert!(matches!(
            r.end_pairing(p(3), day(5)),
            Err(TeamError::Period(_))
        ));
        assert!(matches!(
            r.end_pairing(p(9), day(5)),
            Err(TeamError::UnknownPairing { .. })
        ));
        assert_eq!(r, before);
        r.end_pairing(p(1), day(8)).unwrap();
        assert_eq!(
            r.teams_paired_with_on(town, day(8), PairingScope::Exact),
            vec![tid(3)]
        );
        assert_eq!(r.pairing(p(1)).unwrap().period(), period(0, Some(8)));
        // After it ended, the same team may be paired with the town again.
        r.pair(p(5), tid(1), town, period(8, None)).unwrap();
    }

    #[test]
    fn deployments_of_teams_and_members() {
        let mut r = registry();
        let lukou: DivisionCode = "320115005001".parse().unwrap();
        let gusu: DivisionCode = "320508019044".parse().unwrap();
        let d = |n| DeploymentId::from_parts(1, n);
        r.join(tid(2), vid(1), Role::Member, period(0, Some(10)))
            .unwrap();
        r.join(tid(2), vid(2), Role::Member, period(0, None))
            .unwrap();
        r.join(tid(3), vid(3), Role::Member, period(0, None))
            .unwrap();
        r.deploy(
            d(1),
            DeploymentTarget::Team(tid(2)),
            lukou,
            period(5, Some(20)),
        )
        .unwrap();
        r.deploy(
            d(2),
            DeploymentTarget::Members {
                team: tid(3),
                volunteers: vec![vid(3)],
            },
            gusu,
            period(0, None),
        )
        .unwrap();
        assert_eq!(r.deployments_on(day(4)).count(), 1);
        assert_eq!(r.deployments_on(day(5)).count(), 2);
        // Whole-team deployments follow membership on the day.
        assert_eq!(r.deployed_to_on(vid(1), day(6)), vec![lukou]);
        assert!(r.deployed_to_on(vid(1), day(12)).is_empty());
        assert_eq!(r.deployed_to_on(vid(2), day(12)), vec![lukou]);
        assert_eq!(r.deployed_to_on(vid(3), day(12)), vec![gusu]);
        assert_eq!(r.deployments_of_on(vid(3), day(1)).len(), 1);
        let before = r.clone();
        assert!(matches!(
            r.deploy(d(1), DeploymentTarget::Team(tid(2)), lukou, period(0, None)),
            Err(TeamError::DuplicateDeployment { .. })
        ));
        assert!(matches!(
            r.deploy(d(3), DeploymentTarget::Team(tid(9)), lukou, period(0, None)),
            Err(TeamError::UnknownTeam { .. })
        ));
        let members = |vs: Vec<VolunteerId>| DeploymentTarget::Members {
            team: tid(2),
            volunteers: vs,
        };
        assert!(matches!(
            r.deploy(d(3), members(vec![]), lukou, period(0, None)),
            Err(TeamError::DeploymentMembers { .. })
        ));
        assert!(matches!(
            r.deploy(d(3), members(vec![vid(2), vid(2)]), lukou, period(0, None)),
            Err(TeamError::DeploymentMembers {
                listed: 2,
                distinct: 1,
                ..
            })
        ));
        assert_eq!(
            r.deploy(d(3), members(vec![vid(2), vid(1)]), lukou, period(10, None)),
            Err(TeamError::NotMemberOn {
                team: tid(2),
                volunteer: vid(1),
                day: day(10)
            })
        );
        assert!(matches!(
            r.end_deployment(d(1), day(20)),
            Err(TeamError::DeploymentNotInForce { .. })
        ));
        assert!(matches!(
            r.end_deployment(d(9), day(20)),
            Err(TeamError::UnknownDeployment { .. })
        ));
        assert_eq!(r, before);
        r.end_deployment(d(1), day(8)).unwrap();
        assert!(r.deployed_to_on(vid(2), day(8)).is_empty());
        assert_eq!(r.deployment(d(1)).unwrap().period(), period(5, Some(8)));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_and_validates() {
        let mut r = registry();
        r.join(tid(2), vid(1), Role::Leader, period(0, None))
            .unwrap();
        r.pair(
            PairingId::from_parts(1, 1),
            tid(1),
            "321102001".parse().unwrap(),
            period(0, None),
        )
        .unwrap();
        r.deploy(
            DeploymentId::from_parts(1, 1),
            DeploymentTarget::Members {
                team: tid(2),
                volunteers: vec![vid(1)],
            },
            "320508019044".parse().unwrap(),
            period(3, None),
        )
        .unwrap();
        // Ending the membership before the deployment started must not break the replay.
        r.end_membership(tid(2), vid(1), day(2)).unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            json["teams"][3]["structure"]["specialist"],
            "emergency_rescue"
        );
        assert_eq!(json["teams"][3]["readiness"], "standby_reserve");
        assert_eq!(json["memberships"][0]["role"], "leader");
        assert_eq!(
            json["deployments"][0]["target"]["members"]["volunteers"][0],
            serde_json::json!(vid(1))
        );
        let back: TeamRegistry = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, r);
        let mut empty = json["deployments"][0].clone();
        empty["target"]["members"]["volunteers"] = serde_json::json!([]);
        assert!(serde_json::from_value::<Deployment>(empty).is_err());
        assert_eq!(
            serde_json::from_value::<Deployment>(json["deployments"][0].clone()).unwrap(),
            *r.deployment(DeploymentId::from_parts(1, 1)).unwrap()
        );
        // A second overlapping leader on the wire is rejected.
        let mut bad = json;
        let mut second = bad["memberships"][0].clone();
        second["volunteer"] = serde_json::json!(vid(2));
        bad["memberships"].as_array_mut().unwrap().push(second);
        assert!(serde_json::from_value::<TeamRegistry>(bad).is_err());
    }

    proptest! {
        /// Random joins and ends: one volunteer's memberships in a team never overlap, a team
        /// never has two leaders on a day, and rejected commands change nothing.
        #[test]
        fn membership_invariants(ops in prop::collection::vec(
            (0_u64..3, 0_u64..4, 0_u8..3, 0_u32..30, prop::option::of(1_u32..15), any::<bool>()),
            1..60,
        )) {
            let mut r = registry();
            for (team, v, role, from, len, end) in ops {
                let before = r.clone();
                let role = [Role::Leader, Role::Deputy, Role::Member][usize::from(role)];
                let result = if end {
                    r.end_membership(tid(team), vid(v), day(from))
                } else {
                    r.join(tid(team), vid(v), role, period(from, len.map(|l| from + l)))
                };
                if result.is_err() {
                    prop_assert_eq!(&r, &before);
                }
                for team in 0..3 {
                    for d in 0..45 {
                        let on: Vec<_> = r.members_on(tid(team), day(d)).collect();
                        prop_assert!(on.iter().filter(|m| m.role() == Role::Leader).count() <= 1);
                        let mut vs: Vec<_> = on.iter().map(|m| m.volunteer()).collect();
                        vs.sort();
                        let n = vs.len();
                        vs.dedup();
                        prop_assert_eq!(vs.len(), n);
                    }
                }
            }
        }
    }
}
