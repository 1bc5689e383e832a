//! Organisations (组织) and the dated organisation hierarchy: authorities, volunteer
//! organisations and the 新时代文明实践 practice units (ORG-01, ORG-02, ORG-05, DEF-03, DEF-04,
//! AUD-06, EMG-01).

use core::fmt;
use core::hash::{BuildHasherDefault, Hasher};
use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::{DivisionCode, OrgId, Uscc};

/// A fast hasher for the id → dense index map: a multiply-rotate fold of the UUID's bytes and
/// a full-avalanche finaliser. Not flood-resistant (unlike the default `SipHash`); identifiers
/// are assigned by the platform, not chosen by untrusted users.
#[derive(Debug, Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0_u8; 8];
            for (dst, src) in word.iter_mut().zip(chunk) {
                *dst = *src;
            }
            self.0 = (self.0.rotate_left(23) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's 64-bit finaliser: every input bit reaches the low and the high bits.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^ (h >> 33)
    }
}

/// Identifier to dense index.
type IdMap = HashMap<OrgId, u32, BuildHasherDefault<IdHasher>>;

/// Marks "no parent" in the dense parent vectors.
const NONE: u32 = u32::MAX;

/// The longest organisation name accepted, in characters.
const MAX_NAME: usize = 100;

/// Returned when an organisation or a change to the hierarchy is rejected.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{OrgError, OrgHierarchy, OrgId, OrgKind, Organisation, PracticeLevel};
/// let day = NaiveDate::from_ymd_opt(2021, 7, 1).unwrap();
/// let station = Organisation::builder(OrgId::from_parts(1, 1), "禄口街道实践站", OrgKind::Practice(PracticeLevel::Station)).build()?;
/// let institute = Organisation::builder(OrgId::from_parts(1, 2), "禄口实践所", OrgKind::Practice(PracticeLevel::Institute)).build()?;
/// let mut tree = OrgHierarchy::new();
/// tree.add_root(station, day)?;
/// let err = tree.add_under(institute, OrgId::from_parts(1, 1), day).unwrap_err();
/// assert!(matches!(err, OrgError::PracticeLevel { .. }));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrgError {
    /// The name is empty after trimming, longer than 100 characters or has control characters.
    #[error(
        "organisation {org} name {name:?} is invalid: expected 1..=100 characters after \
         trimming, no control characters"
    )]
    Name {
        /// The organisation.
        org: OrgId,
        /// The rejected name (at most 120 characters of it).
        name: String,
    },
    /// The organisation names itself as its supervisor or successor.
    #[error("organisation {org} names itself as its {field}: expected another organisation")]
    SelfReference {
        /// The organisation.
        org: OrgId,
        /// `"supervisor"` or `"successor"`.
        field: &'static str,
    },
    /// A registered volunteer organisation's USCC is not a civil-affairs code of its legal form.
    #[error(
        "organisation {org} of legal form {legal_form} has unified social credit code {uscc}: \
         expected one starting {}", legal_form.uscc_prefix()
    )]
    UsccForm {
        /// The organisation.
        org: OrgId,
        /// Its legal form.
        legal_form: LegalForm,
        /// The rejected code.
        uscc: Uscc,
    },
    /// The organisation is already in the hierarchy.
    #[error("organisation {org} is already in the hierarchy")]
    Duplicate {
        /// The organisation.
        org: OrgId,
    },
    /// An identifier is not in the hierarchy.
    #[error("organisation {org} is not in the hierarchy")]
    Unknown {
        /// The unknown identifier.
        org: OrgId,
    },
    /// The change would make an organisation its own ancestor.
    #[error(
        "organisation {org} cannot be placed under {parent}: {parent} lies within {org} on or after {from}, which would make a cycle"
    )]
    Cycle {
        /// The organisation being placed.
        org: OrgId,
        /// The rejected parent.
        parent: OrgId,
        /// The date of the change.
        from: NaiveDate,
    },
    /// A practice unit under a practice unit of the same or a lower level (ORG-02).
    #[error(
        "practice {level} {org} cannot be placed under practice {parent_level} {parent}: \
         levels must strictly decrease down the tree"
    )]
    PracticeLevel {
        /// The organisation being placed.
        org: OrgId,
        /// Its practice level.
        level: PracticeLevel,
        /// The rejected parent.
        parent: OrgId,
        /// The parent's practice level.
        parent_level: PracticeLevel,
    },
    /// The organisation's division is not inside its parent's.
    #[error(
        "organisation {org} in division {division} cannot be placed under {parent} in division \
         {parent_division}: a child's division must lie inside its parent's"
    )]
    DivisionOutside {
        /// The organisation being placed.
        org: OrgId,
        /// Its division.
        division: DivisionCode,
        /// The rejected parent.
        parent: OrgId,
        /// The parent's division.
        parent_division: DivisionCode,
    },
    /// A change dated before the organisation's last change: history is append-only.
    #[error(
        "organisation {org} change dated {from} is before its last change on {last}: history is \
         append-only"
    )]
    DateBeforeLastChange {
        /// The organisation.
        org: OrgId,
        /// The rejected date.
        from: NaiveDate,
        /// The date of its last change.
        last: NaiveDate,
    },
    /// The parent joins the hierarchy only after the date of the change.
    #[error(
        "organisation {org} cannot be placed under {parent} from {from}: {parent} is in the \
         hierarchy only from {parent_since}"
    )]
    ParentNotYetAdded {
        /// The organisation being placed.
        org: OrgId,
        /// The parent.
        parent: OrgId,
        /// The date of the change.
        from: NaiveDate,
        /// The first day the parent is in the hierarchy.
        parent_since: NaiveDate,
    },
    /// The organisation already has a successor (AUD-06).
    #[error("organisation {org} already has successor {successor}")]
    SuccessorAlreadySet {
        /// The organisation.
        org: OrgId,
        /// Its successor.
        successor: OrgId,
    },
    /// Following successors from the new successor leads back to the organisation.
    #[error(
        "organisation {org} cannot have successor {successor}: {successor}'s successors lead \
         back to {org}"
    )]
    SuccessorCycle {
        /// The organisation.
        org: OrgId,
        /// The rejected successor.
        successor: OrgId,
    },
    /// The hierarchy already holds `u32::MAX` organisations.
    #[error(
        "organisation {org} cannot be added: the hierarchy is full at 4294967295 organisations"
    )]
    Full {
        /// The organisation that did not fit.
        org: OrgId,
    },
    /// A serialised hierarchy's changes and organisations do not match.
    #[error(
        "organisation {org} has no change adding it to the hierarchy: every organisation needs one"
    )]
    MissingHistory {
        /// The organisation without a change.
        org: OrgId,
    },
}

/// The legal form of a registered volunteer service organisation (志愿服务组织, DEF-03).
///
/// # Example
/// ```
/// use volunteer_service::LegalForm;
/// assert_eq!(LegalForm::Foundation.to_string(), "foundation");
/// assert_eq!(LegalForm::SocialGroup.uscc_prefix(), "51");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum LegalForm {
    /// 社会团体: a social group (associations, federations).
    SocialGroup,
    /// 社会服务机构 (formerly 民办非企业单位): a social service agency.
    SocialServiceAgency,
    /// 基金会: a foundation.
    Foundation,
}

impl LegalForm {
    /// The form's name in lower snake case, as on the wire.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::LegalForm;
    /// assert_eq!(LegalForm::SocialServiceAgency.as_str(), "social_service_agency");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SocialGroup => "social_group",
            Self::SocialServiceAgency => "social_service_agency",
            Self::Foundation => "foundation",
        }
    }

    /// The first two characters of a unified social credit code of this form (ORG-09).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::LegalForm;
    /// assert_eq!(LegalForm::Foundation.uscc_prefix(), "53");
    /// ```
    pub const fn uscc_prefix(self) -> &'static str {
        match self {
            Self::SocialGroup => "51",
            Self::SocialServiceAgency => "52",
            Self::Foundation => "53",
        }
    }
}

impl fmt::Display for LegalForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The level of a 新时代文明实践 practice unit (ORG-02), from the top.
///
/// Ordered `Centre < Institute < Station < Point`: going down the tree the level must strictly
/// increase in this order.
///
/// # Example
/// ```
/// use volunteer_service::PracticeLevel;
/// assert!(PracticeLevel::Centre < PracticeLevel::Point);
/// assert!(PracticeLevel::Institute.may_contain(PracticeLevel::Point));
/// assert!(!PracticeLevel::Station.may_contain(PracticeLevel::Station));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum PracticeLevel {
    /// 新时代文明实践中心: the county-level centre.
    Centre,
    /// 新时代文明实践所: the township or street institute.
    Institute,
    /// 新时代文明实践站: the village or community station.
    Station,
    /// 新时代文明实践点: a point (square, estate, school, firm, venue).
    Point,
}

impl PracticeLevel {
    /// The level's name in lower case, as on the wire.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::PracticeLevel;
    /// assert_eq!(PracticeLevel::Institute.as_str(), "institute");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Centre => "centre",
            Self::Institute => "institute",
            Self::Station => "station",
            Self::Point => "point",
        }
    }

    /// Whether a unit of level `child` may sit directly under a unit of this level: levels
    /// strictly decrease down the tree, so a point may sit under any higher level.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::PracticeLevel;
    /// assert!(PracticeLevel::Centre.may_contain(PracticeLevel::Institute));
    /// assert!(PracticeLevel::Centre.may_contain(PracticeLevel::Point)); // levels may be skipped
    /// assert!(!PracticeLevel::Station.may_contain(PracticeLevel::Institute));
    /// assert!(!PracticeLevel::Point.may_contain(PracticeLevel::Point));
    /// ```
    pub fn may_contain(self, child: Self) -> bool {
        self < child
    }
}

impl fmt::Display for PracticeLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of body an organisation is (ORG-01, ORG-02, ORG-05, DEF-03, DEF-04, EMG-01).
///
/// On the wire unit variants are snake-case strings (`"civil_affairs"`); the others are
/// one-key objects: `{"registered_volunteer_org": {"legal_form": "foundation"}}`,
/// `{"practice": "station"}`.
///
/// # Example
/// ```
/// use volunteer_service::{LegalForm, OrgKind, PracticeLevel};
/// assert_eq!(OrgKind::VolunteerAssociation.legal_form(), Some(LegalForm::SocialGroup));
/// assert_eq!(OrgKind::Practice(PracticeLevel::Point).practice_level(), Some(PracticeLevel::Point));
/// assert_eq!(OrgKind::CivilAffairs.legal_form(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum OrgKind {
    /// 文明办: the office of a civilization guidance body (精神文明建设指导机构), which
    /// coordinates volunteer service (ORG-01).
    CivilizationOffice,
    /// 民政: a civil-affairs department, the administrative manager (ORG-01).
    CivilAffairs,
    /// 共青团: a Communist Youth League committee.
    YouthLeague,
    /// 妇联: a women's federation.
    WomensFederation,
    /// 工会: a trade union.
    TradeUnion,
    /// 志愿者协会/总会/联合会: a volunteer association, a social group (ORG-05).
    VolunteerAssociation,
    /// 志愿服务组织: a registered volunteer service organisation (DEF-03).
    RegisteredVolunteerOrg {
        /// 社会团体, 社会服务机构 or 基金会.
        legal_form: LegalForm,
    },
    /// 新时代文明实践 中心/所/站/点: a practice unit (ORG-02).
    Practice(PracticeLevel),
    /// 居委会/村委会: a residents' or villagers' committee (DEF-04).
    GrassrootsBody,
    /// 事业单位: a public-service institution such as a hospital or school (DEF-04).
    PublicInstitution,
    /// 应急指挥部: a government emergency command (EMG-01).
    EmergencyCommand,
    /// 政府部门: a government department hosting teams (应急管理, 公安, 城管 …).
    GovernmentDepartment,
    /// 其他组织者: any other organiser, such as a firm, an event organiser or an unregistered
    /// community or in-unit group (DEF-04).
    OtherOrganiser,
}

impl OrgKind {
    /// The practice level of a practice unit, `None` for other kinds.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgKind, PracticeLevel};
    /// assert_eq!(OrgKind::Practice(PracticeLevel::Station).practice_level(), Some(PracticeLevel::Station));
    /// assert_eq!(OrgKind::GrassrootsBody.practice_level(), None);
    /// ```
    pub const fn practice_level(self) -> Option<PracticeLevel> {
        match self {
            Self::Practice(level) => Some(level),
            _ => None,
        }
    }

    /// The legal form of a registered volunteer organisation or volunteer association.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{LegalForm, OrgKind};
    /// let foundation = OrgKind::RegisteredVolunteerOrg { legal_form: LegalForm::Foundation };
    /// assert_eq!(foundation.legal_form(), Some(LegalForm::Foundation));
    /// assert_eq!(OrgKind::VolunteerAssociation.legal_form(), Some(LegalForm::SocialGroup));
    /// assert_eq!(OrgKind::YouthLeague.legal_form(), None);
    /// ```
    pub const fn legal_form(self) -> Option<LegalForm> {
        match self {
            Self::RegisteredVolunteerOrg { legal_form } => Some(legal_form),
            Self::VolunteerAssociation => Some(LegalForm::SocialGroup),
            _ => None,
        }
    }
}

/// An organisation (组织): an authority, a volunteer organisation, a practice unit or any
/// other organiser. Built validated with [`Organisation::builder`].
///
/// Wire shape: `{"id", "name", "kind", "division", "uscc", "supervisor", "successor"}`, the
/// optional fields `null` when absent; deserialisation validates.
///
/// # Example
/// ```
/// use volunteer_service::{LegalForm, OrgId, OrgKind, Organisation, Uscc};
/// let org = Organisation::builder(
///     OrgId::from_parts(1_626_739_200_000, 1),
///     "南京市志愿者协会",
///     OrgKind::VolunteerAssociation,
/// )
/// .division("320100".parse()?)
/// .uscc(Uscc::with_check("51320100MJ0000001")?)
/// .build()?;
/// assert_eq!(org.name(), "南京市志愿者协会");
/// assert_eq!(org.kind().legal_form(), Some(LegalForm::SocialGroup));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "OrganisationWire")
)]
pub struct Organisation {
    id: OrgId,
    name: String,
    kind: OrgKind,
    division: Option<DivisionCode>,
    uscc: Option<Uscc>,
    supervisor: Option<OrgId>,
    successor: Option<OrgId>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct OrganisationWire {
    id: OrgId,
    name: String,
    kind: OrgKind,
    division: Option<DivisionCode>,
    uscc: Option<Uscc>,
    supervisor: Option<OrgId>,
    successor: Option<OrgId>,
}

#[cfg(feature = "serde")]
impl TryFrom<OrganisationWire> for Organisation {
    type Error = OrgError;
    fn try_from(w: OrganisationWire) -> Result<Self, OrgError> {
        OrganisationBuilder {
            org: Organisation {
                id: w.id,
                name: w.name,
                kind: w.kind,
                division: w.division,
                uscc: w.uscc,
                supervisor: w.supervisor,
                successor: w.successor,
            },
        }
        .build()
    }
}

/// Builds a validated [`Organisation`].
///
/// # Example
/// ```
/// use volunteer_service::{OrgId, OrgKind, Organisation};
/// let office = Organisation::builder(OrgId::from_parts(1, 1), "江宁区文明办", OrgKind::CivilizationOffice)
///     .division("320115".parse()?)
///     .build()?;
/// assert_eq!(office.division().map(|d| d.get()), Some(320_115));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct OrganisationBuilder {
    org: Organisation,
}

impl OrganisationBuilder {
    /// Sets the division the organisation serves.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DivisionCode, OrgId, OrgKind, Organisation};
    /// let jiangning: DivisionCode = "320115".parse()?;
    /// let office = Organisation::builder(OrgId::from_parts(1, 1), "江宁区文明办", OrgKind::CivilizationOffice)
    ///     .division(jiangning)
    ///     .build()?;
    /// assert_eq!(office.division(), Some(jiangning));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn division(mut self, division: DivisionCode) -> Self {
        self.org.division = Some(division);
        self
    }

    /// Sets the unified social credit code (VOL-07: optional, grassroots bodies have none).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{LegalForm, OrgError, OrgId, OrgKind, Organisation, Uscc};
    /// let kind = OrgKind::RegisteredVolunteerOrg { legal_form: LegalForm::Foundation };
    /// let code = Uscc::with_check("53320000MJ0000002")?;
    /// let org = Organisation::builder(OrgId::from_parts(1, 1), "江苏省志愿服务基金会", kind).uscc(code).build()?;
    /// assert_eq!(org.uscc(), Some(code));
    /// // The code must be a civil-affairs code of the organisation's legal form.
    /// let wrong = Organisation::builder(OrgId::from_parts(1, 1), "江苏省志愿服务基金会", kind)
    ///     .uscc(Uscc::with_check("51320100MJ0000001")?)
    ///     .build();
    /// assert!(matches!(wrong, Err(OrgError::UsccForm { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn uscc(mut self, uscc: Uscc) -> Self {
        self.org.uscc = Some(uscc);
        self
    }

    /// Sets the supervising body (主管部门), which takes over certification (AUD-06).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgError, OrgId, OrgKind, Organisation};
    /// let (team_org, league) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// let org = Organisation::builder(team_org, "青年志愿者服务队", OrgKind::OtherOrganiser).supervisor(league).build()?;
    /// assert_eq!(org.supervisor(), Some(league));
    /// let own = Organisation::builder(team_org, "青年志愿者服务队", OrgKind::OtherOrganiser).supervisor(team_org).build();
    /// assert_eq!(own.unwrap_err(), OrgError::SelfReference { org: team_org, field: "supervisor" });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn supervisor(mut self, supervisor: OrgId) -> Self {
        self.org.supervisor = Some(supervisor);
        self
    }

    /// Sets the successor after a merger, split or dissolution (AUD-06).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgError, OrgId, OrgKind, Organisation};
    /// let (old, merged) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// let org = Organisation::builder(old, "原禄口街道志愿者协会", OrgKind::OtherOrganiser).successor(merged).build()?;
    /// assert_eq!(org.successor(), Some(merged));
    /// let own = Organisation::builder(old, "原禄口街道志愿者协会", OrgKind::OtherOrganiser).successor(old).build();
    /// assert_eq!(own.unwrap_err(), OrgError::SelfReference { org: old, field: "successor" });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn successor(mut self, successor: OrgId) -> Self {
        self.org.successor = Some(successor);
        self
    }

    /// Validates and returns the organisation. The name is trimmed.
    ///
    /// # Errors
    /// [`OrgError::Name`] for an empty, over-long or control-character name;
    /// [`OrgError::SelfReference`] if the supervisor or successor is the organisation itself;
    /// [`OrgError::UsccForm`] if a registered volunteer organisation or association has a
    /// code that does not start with its legal form's prefix (`51`/`52`/`53`).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgError, OrgId, OrgKind, Organisation};
    /// let id = OrgId::from_parts(1, 1);
    /// let org = Organisation::builder(id, "  禄口街道社区居委会 ", OrgKind::GrassrootsBody).build()?;
    /// assert_eq!(org.name(), "禄口街道社区居委会"); // trimmed
    /// assert!(matches!(Organisation::builder(id, "   ", OrgKind::GrassrootsBody).build(), Err(OrgError::Name { .. })));
    /// assert!(Organisation::builder(id, "a\nb", OrgKind::GrassrootsBody).build().is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn build(self) -> Result<Organisation, OrgError> {
        let mut org = self.org;
        let trimmed = org.name.trim();
        let len = trimmed.chars().count();
        if len == 0 || len > MAX_NAME || trimmed.chars().any(char::is_control) {
            return Err(OrgError::Name {
                org: org.id,
                name: org.name.chars().take(120).collect(),
            });
        }
        if trimmed.len() != org.name.len() {
            org.name = trimmed.to_owned();
        }
        if org.supervisor == Some(org.id) {
            return Err(OrgError::SelfReference {
                org: org.id,
                field: "supervisor",
            });
        }
        if org.successor == Some(org.id) {
            return Err(OrgError::SelfReference {
                org: org.id,
                field: "successor",
            });
        }
        if let (Some(legal_form), Some(uscc)) = (org.kind.legal_form(), org.uscc)
            && uscc.legal_form() != Some(legal_form)
        {
            return Err(OrgError::UsccForm {
                org: org.id,
                legal_form,
                uscc,
            });
        }
        Ok(org)
    }
}

impl Organisation {
    /// Starts building an organisation; see [`OrganisationBuilder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, OrgKind, Organisation};
    /// let org = Organisation::builder(OrgId::from_parts(1, 1), "江宁区卫健委", OrgKind::GovernmentDepartment).build()?;
    /// assert_eq!(org.kind(), OrgKind::GovernmentDepartment);
    /// assert_eq!((org.division(), org.uscc(), org.supervisor(), org.successor()), (None, None, None, None));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn builder(id: OrgId, name: impl Into<String>, kind: OrgKind) -> OrganisationBuilder {
        OrganisationBuilder {
            org: Self {
                id,
                name: name.into(),
                kind,
                division: None,
                uscc: None,
                supervisor: None,
                successor: None,
            },
        }
    }

    /// The organisation's identifier.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, OrgKind, Organisation};
    /// let id = OrgId::from_parts(1_626_739_200_000, 1);
    /// assert_eq!(Organisation::builder(id, "南京市文明办", OrgKind::CivilizationOffice).build()?.id(), id);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn id(&self) -> OrgId {
        self.id
    }
    /// The organisation's name, trimmed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, OrgKind, Organisation};
    /// let org = Organisation::builder(OrgId::from_parts(1, 1), "南京市文明办", OrgKind::CivilizationOffice).build()?;
    /// assert_eq!(org.name(), "南京市文明办");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
    /// What kind of body it is.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, OrgKind, Organisation, PracticeLevel};
    /// let station = Organisation::builder(OrgId::from_parts(1, 1), "某社区实践站", OrgKind::Practice(PracticeLevel::Station)).build()?;
    /// assert_eq!(station.kind().practice_level(), Some(PracticeLevel::Station));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn kind(&self) -> OrgKind {
        self.kind
    }
    /// The division it serves, if known.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, OrgKind, Organisation};
    /// let org = Organisation::builder(OrgId::from_parts(1, 1), "禄口街道办", OrgKind::GovernmentDepartment)
    ///     .division("320115005".parse()?)
    ///     .build()?;
    /// assert_eq!(org.division().map(|d| d.get()), Some(320_115_005));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn division(&self) -> Option<DivisionCode> {
        self.division
    }
    /// Its unified social credit code, if registered.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, OrgKind, Organisation, Uscc};
    /// let org = Organisation::builder(OrgId::from_parts(1, 1), "南京市志愿者协会", OrgKind::VolunteerAssociation)
    ///     .uscc(Uscc::with_check("51320100MJ0000001")?)
    ///     .build()?;
    /// assert_eq!(org.uscc().map(|c| c.organisation_code().to_owned()).as_deref(), Some("MJ0000001"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn uscc(&self) -> Option<Uscc> {
        self.uscc
    }
    /// Its supervising body (主管部门), if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, OrgKind, Organisation};
    /// let league = OrgId::from_parts(1, 2);
    /// let org = Organisation::builder(OrgId::from_parts(1, 1), "青年志愿者服务队", OrgKind::OtherOrganiser).supervisor(league).build()?;
    /// assert_eq!(org.supervisor(), Some(league));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn supervisor(&self) -> Option<OrgId> {
        self.supervisor
    }
    /// Its successor after a merger, split or dissolution, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, OrgKind, Organisation};
    /// let org = Organisation::builder(OrgId::from_parts(1, 1), "某志愿服务队", OrgKind::OtherOrganiser).build()?;
    /// assert_eq!(org.successor(), None);
    /// let merged = OrgId::from_parts(1, 2);
    /// let old = Organisation::builder(OrgId::from_parts(1, 3), "原某志愿服务队", OrgKind::OtherOrganiser).successor(merged).build()?;
    /// assert_eq!(old.successor(), Some(merged));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn successor(&self) -> Option<OrgId> {
        self.successor
    }
}

/// One organisation in the hierarchy with its dated parent history.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    org: Organisation,
    /// `(from, parent)` sorted by `from`; the first entry is the day the org was added. Later
    /// entries with the same date override earlier ones.
    history: Vec<(NaiveDate, u32)>,
}

/// One applied change, in the order applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    org: u32,
    from: NaiveDate,
    parent: u32,
}

/// Euler-tour index of the current forest: built lazily by the first query after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Index {
    /// Preorder entry number of each node.
    tin: Vec<u32>,
    /// Entry number plus subtree size: the subtree of `v` is `tin[v]..tout[v]`.
    tout: Vec<u32>,
    depth: Vec<u32>,
    /// Nodes in preorder.
    order: Vec<u32>,
    /// Children in CSR form: children of `v` are `child_list[child_start[v]..child_start[v+1]]`.
    child_start: Vec<u32>,
    child_list: Vec<u32>,
    /// Number of nodes reached from the roots (less than the node count only on a cycle).
    reached: usize,
}

impl Index {
    fn build(parent: &[u32]) -> Self {
        let n = parent.len();
        let mut child_start = vec![0_u32; n + 1];
        for &p in parent {
            if let Some(c) = child_start.get_mut(p as usize + 1) {
                *c += 1;
            }
        }
        for i in 0..n {
            child_start[i + 1] += child_start[i];
        }
        let mut fill = child_start.clone();
        let mut child_list = vec![0_u32; n];
        for (v, &p) in (0_u32..).zip(parent) {
            if let Some(slot) = fill.get_mut(p as usize) {
                child_list[*slot as usize] = v;
                *slot += 1;
            }
        }
        let mut tin = vec![NONE; n];
        let mut depth = vec![0_u32; n];
        let mut order = Vec::with_capacity(n);
        let mut stack = Vec::new();
        for root in (0_u32..)
            .zip(parent)
            .filter(|(_, p)| **p == NONE)
            .map(|(v, _)| v)
        {
            stack.push(root);
            while let Some(v) = stack.pop() {
                tin[v as usize] = u32::try_from(order.len()).unwrap_or(NONE);
                order.push(v);
                let kids = &child_list
                    [child_start[v as usize] as usize..child_start[v as usize + 1] as usize];
                for &c in kids.iter().rev() {
                    depth[c as usize] = depth[v as usize] + 1;
                    stack.push(c);
                }
            }
        }
        let reached = order.len();
        let mut size = vec![1_u32; n];
        for &v in order.iter().rev() {
            let p = parent[v as usize];
            if p != NONE {
                size[p as usize] += size[v as usize];
            }
        }
        let tout = tin
            .iter()
            .zip(&size)
            .map(|(&t, &s)| t.saturating_add(s))
            .collect();
        Self {
            tin,
            tout,
            depth,
            order,
            child_start,
            child_list,
            reached,
        }
    }

    /// The number of nodes the index covers: those that existed when it was built.
    fn covered(&self) -> u32 {
        u32::try_from(self.tin.len()).unwrap_or(NONE)
    }

    fn within(&self, a: u32, b: u32) -> bool {
        let (a, b) = (a as usize, b as usize);
        self.tin[b] <= self.tin[a] && self.tin[a] < self.tout[b]
    }
}

/// Binary-lifting table for lowest common ancestors: `up[k][v]` is the `2^k`-th ancestor
/// (a root is its own ancestor).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Lift {
    up: Vec<Vec<u32>>,
}

/// The organisation hierarchy: a forest of [`Organisation`]s with dated parent links.
///
/// Changes are validated and dated: [`add_root`](Self::add_root),
/// [`add_under`](Self::add_under), [`reparent`](Self::reparent) and
/// [`mark_successor`](Self::mark_successor). Each org has one parent at a time; there are no
/// cycles on any date; practice units' levels strictly decrease down the tree (checked on each
/// parent–child edge where both are practice units: a point may sit under any higher level,
/// and a practice unit under a non-practice organisation is allowed); a child's division lies
/// inside its parent's where both have one (checked per edge). A rejected change returns an
/// [`OrgError`] and leaves the hierarchy unchanged.
///
/// History is append-only: a change to an organisation is dated on or after its last change,
/// and a parent must be in the hierarchy on the date of the change. Dated queries
/// ([`parent_on`](Self::parent_on), [`ancestors_on`](Self::ancestors_on),
/// [`is_within_on`](Self::is_within_on)) answer "which subtree was this org in on day D".
/// When several changes share a date the last one applied wins for that date.
///
/// Queries on the current tree use dense internal indices and an Euler-tour index built, in
/// O(n), by the first query that needs it: [`is_within`](Self::is_within) and
/// [`depth`](Self::depth) are O(1) plus the number of ancestors added since the index was
/// built, [`lowest_common_ancestor`](Self::lowest_common_ancestor) O(log depth) plus the same.
/// Additions keep the index (it is rebuilt once a quarter of the nodes are new, amortised O(1)
/// per addition), so interleaving additions with these queries stays near-linear. A
/// re-parenting drops it, and [`children`](Self::children) and
/// [`descendants`](Self::descendants) need an index over every node, so interleaving those
/// with changes costs O(n) per change. Load in bulk with [`from_edges`](Self::from_edges). Unknown identifiers in queries read as absent: `None`,
/// `false` or an empty iterator.
///
/// Wire shape: `{"organisations": [Organisation…], "changes": [{"org", "parent", "from"}…]}`
/// with the changes in the order applied (the first change of an org adds it, `parent` is
/// `null` for a root). Deserialisation replays the changes through the same validation.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation, PracticeLevel};
/// let d = |s: &str| s.parse::<NaiveDate>();
/// let org = |n, name: &str, level| {
///     Organisation::builder(OrgId::from_parts(1, n), name, OrgKind::Practice(level)).build()
/// };
/// let mut tree = OrgHierarchy::new();
/// tree.add_root(org(1, "江宁区实践中心", PracticeLevel::Centre)?, d("2021-01-01")?)?;
/// tree.add_under(org(2, "禄口实践所", PracticeLevel::Institute)?, OrgId::from_parts(1, 1), d("2021-01-01")?)?;
/// tree.add_under(org(3, "某社区实践站", PracticeLevel::Station)?, OrgId::from_parts(1, 1), d("2021-01-01")?)?;
/// tree.reparent(OrgId::from_parts(1, 3), Some(OrgId::from_parts(1, 2)), d("2021-07-21")?)?;
/// assert!(tree.is_within(OrgId::from_parts(1, 3), OrgId::from_parts(1, 2)));
/// assert!(!tree.is_within_on(OrgId::from_parts(1, 3), OrgId::from_parts(1, 2), d("2021-07-20")?));
/// assert_eq!(tree.depth(OrgId::from_parts(1, 3)), Some(2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(try_from = "HierarchyWire")
)]
pub struct OrgHierarchy {
    nodes: Vec<Node>,
    ids: IdMap,
    parent: Vec<u32>,
    log: Vec<Change>,
    /// Euler-tour index built by the first query; additions keep it (it then covers a prefix
    /// of the nodes), re-parenting drops it.
    index: OnceLock<Index>,
    /// Binary lifting over the nodes `index` covers.
    lift: OnceLock<Lift>,
    /// An index over every node, for `children` and `descendants` while `index` is partial.
    full: OnceLock<Index>,
}

impl PartialEq for OrgHierarchy {
    fn eq(&self, other: &Self) -> bool {
        // Everything else is derived from the organisations and the change log.
        self.nodes == other.nodes && self.log == other.log
    }
}

impl Eq for OrgHierarchy {}

impl fmt::Debug for OrgHierarchy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrgHierarchy")
            .field("organisations", &self.nodes.len())
            .field("changes", &self.log.len())
            .finish_non_exhaustive()
    }
}

impl OrgHierarchy {
    /// An empty hierarchy.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::OrgHierarchy;
    /// assert!(OrgHierarchy::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of organisations.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let mut tree = OrgHierarchy::new();
    /// assert_eq!(tree.len(), 0);
    /// tree.add_root(Organisation::builder(OrgId::from_parts(1, 1), "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// assert_eq!(tree.len(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the hierarchy has no organisations.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let mut tree = OrgHierarchy::new();
    /// assert!(tree.is_empty());
    /// tree.add_root(Organisation::builder(OrgId::from_parts(1, 1), "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// assert!(!tree.is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn idx(&self, id: OrgId) -> Option<u32> {
        self.ids.get(&id).copied()
    }

    fn known(&self, id: OrgId) -> Result<u32, OrgError> {
        self.idx(id).ok_or(OrgError::Unknown { org: id })
    }

    fn id_of(&self, v: u32) -> Option<OrgId> {
        self.nodes.get(v as usize).map(|n| n.org.id)
    }

    /// The Euler-tour index. After additions without re-parenting it may cover only the
    /// first [`Index::covered`] nodes: newer nodes hang below covered ones or below each other,
    /// never above a covered node, and covered nodes keep their parents.
    fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::build(&self.parent))
    }

    /// An index covering every node.
    fn full_index(&self) -> &Index {
        let index = self.index();
        if index.covered() as usize == self.nodes.len() {
            index
        } else {
            self.full.get_or_init(|| Index::build(&self.parent))
        }
    }

    fn parent_of(&self, v: u32) -> u32 {
        self.parent.get(v as usize).copied().unwrap_or(NONE)
    }

    /// The nodes not covered by the index from `v` upwards (`v` first), and the first covered
    /// ancestor-or-self (`NONE` if the chain ends at an uncovered root).
    fn uncovered_chain(&self, v: u32, covered: u32) -> (Vec<u32>, u32) {
        let mut chain = Vec::new();
        let mut x = v;
        while x != NONE && x >= covered {
            chain.push(x);
            x = self.parent_of(x);
        }
        (chain, x)
    }

    fn lift(&self) -> &Lift {
        self.lift.get_or_init(|| {
            let index = self.index();
            let max_depth = index.depth.iter().copied().max().unwrap_or(0);
            let levels = (u32::BITS - max_depth.leading_zeros()).max(1) as usize;
            let covered = self.parent.get(..index.covered() as usize).unwrap_or(&[]);
            let first: Vec<u32> = (0_u32..)
                .zip(covered)
                .map(|(v, &p)| if p == NONE { v } else { p })
                .collect();
            let mut up = Vec::with_capacity(levels);
            up.push(first);
            while up.len() < levels {
                let prev = up.last().map_or(&[][..], Vec::as_slice);
                let next = prev.iter().map(|&a| prev[a as usize]).collect();
                up.push(next);
            }
            Lift { up }
        })
    }

    fn invalidate(&mut self) {
        self.index.take();
        self.lift.take();
        self.full.take();
    }

    /// After an addition: the full index is stale; the partial one stays valid, but is dropped
    /// once a quarter of the nodes are uncovered so rebuilds stay amortised O(1) per addition
    /// and uncovered chains stay short.
    fn after_addition(&mut self) {
        self.full.take();
        let stale = self.index.get().is_some_and(|index| {
            let covered = index.covered() as usize;
            self.nodes.len() - covered > covered / 4 + 64
        });
        if stale {
            self.index.take();
            self.lift.take();
        }
    }

    /// The organisation with this identifier.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let id = OrgId::from_parts(1, 1);
    /// let mut tree = OrgHierarchy::new();
    /// tree.add_root(Organisation::builder(id, "苏州市民政局", OrgKind::CivilAffairs).build()?, NaiveDate::MIN)?;
    /// assert_eq!(tree.get(id).map(|o| o.name()), Some("苏州市民政局"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn get(&self, id: OrgId) -> Option<&Organisation> {
        self.idx(id)
            .and_then(|v| self.nodes.get(v as usize))
            .map(|n| &n.org)
    }

    /// Whether the organisation is in the hierarchy.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let a = OrgId::from_parts(1, 1);
    /// let mut tree = OrgHierarchy::new();
    /// tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// assert!(tree.contains(a));
    /// assert!(!tree.contains(OrgId::from_parts(1, 2)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn contains(&self, id: OrgId) -> bool {
        self.ids.contains_key(&id)
    }

    /// All organisations, in the order they were added.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let (a, b) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// let mut tree = OrgHierarchy::new();
    /// tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(b, "B", OrgKind::OtherOrganiser).build()?, a, NaiveDate::MIN)?;
    /// let names: Vec<&str> = tree.organisations().map(|o| o.name()).collect();
    /// assert_eq!(names, ["A", "B"]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn organisations(&self) -> impl Iterator<Item = &Organisation> + '_ {
        self.nodes.iter().map(|n| &n.org)
    }

    /// Checks that `child` may sit directly under `parent` (practice level and division).
    fn check_edge(child: &Organisation, parent: &Organisation) -> Result<(), OrgError> {
        if let (Some(level), Some(parent_level)) =
            (child.kind.practice_level(), parent.kind.practice_level())
            && !parent_level.may_contain(level)
        {
            return Err(OrgError::PracticeLevel {
                org: child.id,
                level,
                parent: parent.id,
                parent_level,
            });
        }
        if let (Some(division), Some(parent_division)) = (child.division, parent.division)
            && !parent_division.contains(division)
        {
            return Err(OrgError::DivisionOutside {
                org: child.id,
                division,
                parent: parent.id,
                parent_division,
            });
        }
        Ok(())
    }

    /// Checks the parent exists on `from` and the edge is allowed; returns the parent's index.
    fn check_parent(
        &self,
        child: &Organisation,
        parent: OrgId,
        from: NaiveDate,
    ) -> Result<u32, OrgError> {
        let p = self.known(parent)?;
        let node = self
            .nodes
            .get(p as usize)
            .ok_or(OrgError::Unknown { org: parent })?;
        let since = node.history.first().map_or(NaiveDate::MAX, |e| e.0);
        if since > from {
            return Err(OrgError::ParentNotYetAdded {
                org: child.id,
                parent,
                from,
                parent_since: since,
            });
        }
        Self::check_edge(child, &node.org)?;
        Ok(p)
    }

    fn check_refs(&self, org: &Organisation) -> Result<(), OrgError> {
        for r in [org.supervisor, org.successor].into_iter().flatten() {
            if !self.contains(r) {
                return Err(OrgError::Unknown { org: r });
            }
        }
        Ok(())
    }

    fn push_node(&mut self, org: Organisation, parent: u32, from: NaiveDate) {
        let v = u32::try_from(self.nodes.len()).unwrap_or(NONE);
        self.ids.insert(org.id, v);
        self.nodes.push(Node {
            org,
            history: vec![(from, parent)],
        });
        self.parent.push(parent);
        self.log.push(Change {
            org: v,
            from,
            parent,
        });
        self.after_addition();
    }

    fn add(
        &mut self,
        org: Organisation,
        parent: Option<OrgId>,
        from: NaiveDate,
    ) -> Result<(), OrgError> {
        if self.contains(org.id) {
            return Err(OrgError::Duplicate { org: org.id });
        }
        if self.nodes.len() >= NONE as usize {
            return Err(OrgError::Full { org: org.id });
        }
        self.check_refs(&org)?;
        let p = match parent {
            Some(parent) => self.check_parent(&org, parent, from)?,
            None => NONE,
        };
        self.push_node(org, p, from);
        Ok(())
    }

    /// Adds an organisation as a root, in the hierarchy from `from`.
    ///
    /// # Errors
    /// [`OrgError::Duplicate`] if it is already in the hierarchy; [`OrgError::Unknown`] if its
    /// supervisor or successor is not.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let mut tree = OrgHierarchy::new();
    /// let org = Organisation::builder(OrgId::from_parts(1, 1), "镇江市文明办", OrgKind::CivilizationOffice).build()?;
    /// tree.add_root(org.clone(), NaiveDate::MIN)?;
    /// assert!(tree.add_root(org, NaiveDate::MIN).is_err());
    /// assert_eq!(tree.len(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_root(&mut self, org: Organisation, from: NaiveDate) -> Result<(), OrgError> {
        self.add(org, None, from)
    }

    /// Adds an organisation under `parent`, in the hierarchy from `from`.
    ///
    /// # Errors
    /// [`OrgError::Duplicate`], [`OrgError::Unknown`] (parent, supervisor or successor),
    /// [`OrgError::ParentNotYetAdded`] if the parent joins after `from`,
    /// [`OrgError::PracticeLevel`] or [`OrgError::DivisionOutside`] for a disallowed edge.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let (city, district) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// let mut tree = OrgHierarchy::new();
    /// tree.add_root(Organisation::builder(city, "南京市文明办", OrgKind::CivilizationOffice).division("320100".parse()?).build()?, NaiveDate::MIN)?;
    /// let suzhou = Organisation::builder(district, "姑苏区文明办", OrgKind::CivilizationOffice).division("320508".parse()?).build()?;
    /// assert!(tree.add_under(suzhou, city, NaiveDate::MIN).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_under(
        &mut self,
        org: Organisation,
        parent: OrgId,
        from: NaiveDate,
    ) -> Result<(), OrgError> {
        self.add(org, Some(parent), from)
    }

    /// Whether `target` is an ancestor of `start` (or `start` itself) on some day on or after
    /// `from`, following every dated parent link.
    fn reaches_on_or_after(&self, start: u32, target: u32, from: NaiveDate) -> bool {
        let mut stack = vec![(start, from, None::<NaiveDate>)];
        while let Some((v, lo, hi)) = stack.pop() {
            if v == target {
                return true;
            }
            let Some(node) = self.nodes.get(v as usize) else {
                continue;
            };
            let h = &node.history;
            for (i, &(f, p)) in h.iter().enumerate() {
                let next = h.get(i + 1).map(|e| e.0);
                let a = lo.max(f);
                let b = match (hi, next) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                };
                if p != NONE && b.is_none_or(|b| a < b) {
                    stack.push((p, a, b));
                }
            }
        }
        false
    }

    /// Moves `org` under `parent` (or to a root with `None`) from `from`.
    ///
    /// # Errors
    /// [`OrgError::Unknown`] for an unknown org or parent;
    /// [`OrgError::DateBeforeLastChange`] if `from` is before the org's last change;
    /// [`OrgError::ParentNotYetAdded`]; [`OrgError::Cycle`] if the parent lies within `org`
    /// on any day from `from` on; [`OrgError::PracticeLevel`] or
    /// [`OrgError::DivisionOutside`] for a disallowed edge.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{OrgError, OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let (a, b) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// let day = NaiveDate::from_ymd_opt(2021, 7, 1).unwrap();
    /// let mut tree = OrgHierarchy::new();
    /// tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, day)?;
    /// tree.add_under(Organisation::builder(b, "B", OrgKind::OtherOrganiser).build()?, a, day)?;
    /// let before = tree.clone();
    /// assert!(matches!(tree.reparent(a, Some(b), day), Err(OrgError::Cycle { .. })));
    /// assert_eq!(tree, before);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn reparent(
        &mut self,
        org: OrgId,
        parent: Option<OrgId>,
        from: NaiveDate,
    ) -> Result<(), OrgError> {
        let v = self.known(org)?;
        let node = self
            .nodes
            .get(v as usize)
            .ok_or(OrgError::Unknown { org })?;
        if let Some(&(last, _)) = node.history.last()
            && from < last
        {
            return Err(OrgError::DateBeforeLastChange { org, from, last });
        }
        let p = match parent {
            Some(parent) => {
                let p = self.check_parent(&node.org, parent, from)?;
                if self.reaches_on_or_after(p, v, from) {
                    return Err(OrgError::Cycle { org, parent, from });
                }
                p
            }
            None => NONE,
        };
        if let Some(node) = self.nodes.get_mut(v as usize) {
            node.history.push((from, p));
        }
        if let Some(slot) = self.parent.get_mut(v as usize) {
            *slot = p;
        }
        self.log.push(Change {
            org: v,
            from,
            parent: p,
        });
        self.invalidate();
        Ok(())
    }

    /// Records that `successor` took over from `org` after a merger, split or dissolution
    /// (AUD-06).
    ///
    /// # Errors
    /// [`OrgError::Unknown`]; [`OrgError::SelfReference`];
    /// [`OrgError::SuccessorAlreadySet`]; [`OrgError::SuccessorCycle`] if `successor`'s chain
    /// of successors leads back to `org`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let (old, new) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// let mut tree = OrgHierarchy::new();
    /// tree.add_root(Organisation::builder(old, "旧协会", OrgKind::VolunteerAssociation).build()?, NaiveDate::MIN)?;
    /// tree.add_root(Organisation::builder(new, "新协会", OrgKind::VolunteerAssociation).build()?, NaiveDate::MIN)?;
    /// tree.mark_successor(old, new)?;
    /// assert_eq!(tree.current_successor(old), Some(new));
    /// assert!(tree.mark_successor(new, old).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn mark_successor(&mut self, org: OrgId, successor: OrgId) -> Result<(), OrgError> {
        let v = self.known(org)?;
        self.known(successor)?;
        if org == successor {
            return Err(OrgError::SelfReference {
                org,
                field: "successor",
            });
        }
        if let Some(existing) = self.get(org).and_then(Organisation::successor) {
            return Err(OrgError::SuccessorAlreadySet {
                org,
                successor: existing,
            });
        }
        if self.successor_chain(successor).any(|s| s == org) {
            return Err(OrgError::SuccessorCycle { org, successor });
        }
        if let Some(node) = self.nodes.get_mut(v as usize) {
            node.org.successor = Some(successor);
        }
        Ok(())
    }

    /// `start` and its successors, following at most `len()` links.
    fn successor_chain(&self, start: OrgId) -> impl Iterator<Item = OrgId> + '_ {
        core::iter::successors(Some(start), |&o| {
            self.get(o).and_then(Organisation::successor)
        })
        .take(self.nodes.len() + 1)
    }

    /// The last organisation in `org`'s chain of successors, or `None` if it has none: the body
    /// that now certifies its records (AUD-06).
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let ids: Vec<OrgId> = (0..3).map(|i| OrgId::from_parts(1, i)).collect();
    /// let mut tree = OrgHierarchy::new();
    /// for (i, name) in ["old", "merged", "current"].into_iter().enumerate() {
    ///     tree.add_root(Organisation::builder(ids[i], name, OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// }
    /// assert_eq!(tree.current_successor(ids[0]), None);
    /// tree.mark_successor(ids[0], ids[1])?;
    /// tree.mark_successor(ids[1], ids[2])?;
    /// assert_eq!(tree.current_successor(ids[0]), Some(ids[2])); // follows the chain
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn current_successor(&self, org: OrgId) -> Option<OrgId> {
        self.successor_chain(org).skip(1).last()
    }

    /// The current parent, or `None` for a root or an unknown id.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let (a, b) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(b, "B", OrgKind::OtherOrganiser).build()?, a, NaiveDate::MIN)?;
    /// assert_eq!(tree.parent(b), Some(a));
    /// assert_eq!(tree.parent(a), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn parent(&self, org: OrgId) -> Option<OrgId> {
        let v = self.idx(org)?;
        self.parent.get(v as usize).and_then(|&p| self.id_of(p))
    }

    /// The current children, in the order they were added.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let ids: Vec<OrgId> = (0..4).map(|i| OrgId::from_parts(1, i)).collect();
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(ids[0], "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(ids[1], "B", OrgKind::OtherOrganiser).build()?, ids[0], NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(ids[2], "C", OrgKind::OtherOrganiser).build()?, ids[0], NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(ids[3], "D", OrgKind::OtherOrganiser).build()?, ids[1], NaiveDate::MIN)?;
    /// assert_eq!(tree.children(ids[0]).collect::<Vec<_>>(), [ids[1], ids[2]]); // not the grandchild
    /// assert_eq!(tree.children(ids[3]).count(), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn children(&self, org: OrgId) -> impl Iterator<Item = OrgId> + '_ {
        let index = self.full_index();
        let range = self.idx(org).map_or(0..0, |v| {
            let s = index.child_start.get(v as usize).copied().unwrap_or(0) as usize;
            let e = index.child_start.get(v as usize + 1).copied().unwrap_or(0) as usize;
            s..e
        });
        index
            .child_list
            .get(range)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&c| self.id_of(c))
    }

    /// The current roots, in the order they were added.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let ids: Vec<OrgId> = (0..3).map(|i| OrgId::from_parts(1, i)).collect();
    /// let mut tree = OrgHierarchy::new();
    /// tree.add_root(Organisation::builder(ids[0], "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// tree.add_root(Organisation::builder(ids[1], "B", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(ids[2], "C", OrgKind::OtherOrganiser).build()?, ids[0], NaiveDate::MIN)?;
    /// assert_eq!(tree.roots().collect::<Vec<_>>(), [ids[0], ids[1]]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn roots(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.nodes
            .iter()
            .zip(&self.parent)
            .filter(|(_, p)| **p == NONE)
            .map(|(n, _)| n.org.id)
    }

    /// The current ancestors of `org`, nearest first (empty for a root or an unknown id).
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let ids: Vec<OrgId> = (0..3).map(|i| OrgId::from_parts(1, i)).collect();
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(ids[0], "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// # tree.add_under(Organisation::builder(ids[1], "B", OrgKind::OtherOrganiser).build()?, ids[0], NaiveDate::MIN)?;
    /// # tree.add_under(Organisation::builder(ids[2], "C", OrgKind::OtherOrganiser).build()?, ids[1], NaiveDate::MIN)?;
    /// assert_eq!(tree.ancestors(ids[2]).collect::<Vec<_>>(), vec![ids[1], ids[0]]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn ancestors(&self, org: OrgId) -> impl Iterator<Item = OrgId> + '_ {
        let start = self
            .idx(org)
            .and_then(|v| self.parent.get(v as usize).copied())
            .filter(|&p| p != NONE);
        core::iter::successors(start, |&v| {
            self.parent.get(v as usize).copied().filter(|&p| p != NONE)
        })
        .take(self.nodes.len())
        .filter_map(|v| self.id_of(v))
    }

    /// The current descendants of `org` in preorder, excluding `org` itself.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let ids: Vec<OrgId> = (0..4).map(|i| OrgId::from_parts(1, i)).collect();
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(ids[0], "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(ids[1], "B", OrgKind::OtherOrganiser).build()?, ids[0], NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(ids[2], "C", OrgKind::OtherOrganiser).build()?, ids[1], NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(ids[3], "D", OrgKind::OtherOrganiser).build()?, ids[0], NaiveDate::MIN)?;
    /// // Preorder: B, then B's child C, then D.
    /// assert_eq!(tree.descendants(ids[0]).collect::<Vec<_>>(), [ids[1], ids[2], ids[3]]);
    /// assert_eq!(tree.descendants(ids[2]).count(), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn descendants(&self, org: OrgId) -> impl Iterator<Item = OrgId> + '_ {
        let index = self.full_index();
        let range = self.idx(org).map_or(0..0, |v| {
            let s = index.tin.get(v as usize).copied().unwrap_or(0) as usize;
            let e = index.tout.get(v as usize).copied().unwrap_or(0) as usize;
            (s + 1).min(e)..e
        });
        index
            .order
            .get(range)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&c| self.id_of(c))
    }

    /// Whether `a` is `b` or currently lies inside `b`'s subtree, in O(1) once the index is
    /// built. `false` if either id is unknown.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let (a, b) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(b, "B", OrgKind::OtherOrganiser).build()?, a, NaiveDate::MIN)?;
    /// assert!(tree.is_within(b, a) && tree.is_within(a, a) && !tree.is_within(a, b));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_within(&self, a: OrgId, b: OrgId) -> bool {
        let (Some(a), Some(b)) = (self.idx(a), self.idx(b)) else {
            return false;
        };
        let index = self.index();
        let covered = index.covered();
        // Climb through nodes added since the index was built; they are never above a
        // covered node, so an uncovered `b` must be met on the way.
        let mut x = a;
        while x >= covered {
            if x == NONE {
                return false;
            }
            if x == b {
                return true;
            }
            x = self.parent_of(x);
        }
        b < covered && index.within(x, b)
    }

    /// The current depth: 0 for a root, `None` for an unknown id.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let (a, b) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// let mut tree = OrgHierarchy::new();
    /// tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(b, "B", OrgKind::OtherOrganiser).build()?, a, NaiveDate::MIN)?;
    /// assert_eq!(tree.depth(a), Some(0));
    /// assert_eq!(tree.depth(b), Some(1));
    /// assert_eq!(tree.depth(OrgId::from_parts(1, 3)), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn depth(&self, org: OrgId) -> Option<u32> {
        let v = self.idx(org)?;
        let index = self.index();
        let (chain, x) = self.uncovered_chain(v, index.covered());
        let above = u32::try_from(chain.len()).unwrap_or(NONE);
        if x == NONE {
            Some(above.saturating_sub(1))
        } else {
            index.depth.get(x as usize).map(|d| d + above)
        }
    }

    /// The lowest common ancestor of `a` and `b` in the current tree (either may be the
    /// answer), or `None` if they are in different trees or unknown. Binary lifting over the
    /// Euler-tour index: O(log depth).
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let ids: Vec<OrgId> = (0..3).map(|i| OrgId::from_parts(1, i)).collect();
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(ids[0], "A", OrgKind::OtherOrganiser).build()?, NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(ids[1], "B", OrgKind::OtherOrganiser).build()?, ids[0], NaiveDate::MIN)?;
    /// tree.add_under(Organisation::builder(ids[2], "C", OrgKind::OtherOrganiser).build()?, ids[0], NaiveDate::MIN)?;
    /// assert_eq!(tree.lowest_common_ancestor(ids[1], ids[2]), Some(ids[0]));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn lowest_common_ancestor(&self, a: OrgId, b: OrgId) -> Option<OrgId> {
        let (a, b) = (self.idx(a)?, self.idx(b)?);
        let index = self.index();
        let covered = index.covered();
        // Nodes added since the index was built: an uncovered common ancestor lies on both
        // uncovered chains; otherwise the answer is that of the first covered ancestors.
        let (chain_a, a) = self.uncovered_chain(a, covered);
        let (chain_b, b) = self.uncovered_chain(b, covered);
        if let Some(&c) = chain_b.iter().find(|c| chain_a.contains(c)) {
            return self.id_of(c);
        }
        if a == NONE || b == NONE {
            return None;
        }
        if index.within(a, b) {
            return self.id_of(b);
        }
        if index.within(b, a) {
            return self.id_of(a);
        }
        let lift = self.lift();
        let mut x = a;
        for level in lift.up.iter().rev() {
            let y = level.get(x as usize).copied().unwrap_or(x);
            if !index.within(b, y) {
                x = y;
            }
        }
        let p = lift.up.first()?.get(x as usize).copied()?;
        (p != x && index.within(b, p))
            .then(|| self.id_of(p))
            .flatten()
    }

    fn since(&self, v: u32) -> Option<NaiveDate> {
        self.nodes
            .get(v as usize)
            .and_then(|n| n.history.first())
            .map(|e| e.0)
    }

    /// The parent index on `date`: `None` if the org is not in the hierarchy yet,
    /// `Some(NONE)` for a root.
    fn parent_idx_on(&self, v: u32, date: NaiveDate) -> Option<u32> {
        let h = &self.nodes.get(v as usize)?.history;
        let i = h.partition_point(|e| e.0 <= date);
        h.get(i.checked_sub(1)?).map(|e| e.1)
    }

    /// Whether the organisation is in the hierarchy on `date` (added on or before it).
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// let a = OrgId::from_parts(1, 1);
    /// let mut tree = OrgHierarchy::new();
    /// tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, d("2021-07-01"))?;
    /// assert!(tree.exists_on(a, d("2021-07-01")));
    /// assert!(!tree.exists_on(a, d("2021-06-30")));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn exists_on(&self, org: OrgId, date: NaiveDate) -> bool {
        self.idx(org)
            .and_then(|v| self.since(v))
            .is_some_and(|s| s <= date)
    }

    /// The parent on `date`: `None` for a root on that day, an org not yet added, or an
    /// unknown id.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// # let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (a, b) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, d("2021-01-01"))?;
    /// tree.add_root(Organisation::builder(b, "B", OrgKind::OtherOrganiser).build()?, d("2021-01-01"))?;
    /// tree.reparent(b, Some(a), d("2021-08-01"))?;
    /// assert_eq!(tree.parent_on(b, d("2021-07-31")), None);
    /// assert_eq!(tree.parent_on(b, d("2021-08-01")), Some(a));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn parent_on(&self, org: OrgId, date: NaiveDate) -> Option<OrgId> {
        let v = self.idx(org)?;
        self.parent_idx_on(v, date).and_then(|p| self.id_of(p))
    }

    /// The ancestors on `date`, nearest first.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let ids: Vec<OrgId> = (0..3).map(|i| OrgId::from_parts(1, i)).collect();
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(ids[0], "A", OrgKind::OtherOrganiser).build()?, d("2021-01-01"))?;
    /// tree.add_under(Organisation::builder(ids[1], "B", OrgKind::OtherOrganiser).build()?, ids[0], d("2021-01-01"))?;
    /// tree.add_root(Organisation::builder(ids[2], "C", OrgKind::OtherOrganiser).build()?, d("2021-01-01"))?;
    /// tree.reparent(ids[2], Some(ids[1]), d("2021-08-01"))?;
    /// assert_eq!(tree.ancestors_on(ids[2], d("2021-07-31")).count(), 0); // a root then
    /// assert_eq!(tree.ancestors_on(ids[2], d("2021-08-01")).collect::<Vec<_>>(), [ids[1], ids[0]]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn ancestors_on(&self, org: OrgId, date: NaiveDate) -> impl Iterator<Item = OrgId> + '_ {
        let start = self
            .idx(org)
            .and_then(|v| self.parent_idx_on(v, date))
            .filter(|&p| p != NONE);
        core::iter::successors(start, move |&v| {
            self.parent_idx_on(v, date).filter(|&p| p != NONE)
        })
        .take(self.nodes.len())
        .filter_map(|v| self.id_of(v))
    }

    /// Whether `a` was in the hierarchy on `date` and was `b` or inside `b`'s subtree then.
    /// O(depth · log changes).
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (a, b) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, d("2021-01-01"))?;
    /// tree.add_under(Organisation::builder(b, "B", OrgKind::OtherOrganiser).build()?, a, d("2021-07-01"))?;
    /// assert!(tree.is_within_on(b, a, d("2021-07-01")));
    /// assert!(!tree.is_within_on(b, a, d("2021-06-30"))); // not yet added
    /// assert!(tree.is_within_on(a, a, d("2021-06-30")));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_within_on(&self, a: OrgId, b: OrgId, date: NaiveDate) -> bool {
        self.exists_on(a, date) && (a == b || self.ancestors_on(a, date).any(|x| x == b))
    }

    /// The organisation's parent history: `(from, parent)` in the order applied, the first
    /// entry being the day it was added (`None` for a root).
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// # let (a, b) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(a, "A", OrgKind::OtherOrganiser).build()?, d("2021-01-01"))?;
    /// tree.add_root(Organisation::builder(b, "B", OrgKind::OtherOrganiser).build()?, d("2021-01-01"))?;
    /// tree.reparent(b, Some(a), d("2021-08-01"))?;
    /// assert_eq!(tree.history(b).collect::<Vec<_>>(), [(d("2021-01-01"), None), (d("2021-08-01"), Some(a))]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn history(&self, org: OrgId) -> impl Iterator<Item = (NaiveDate, Option<OrgId>)> + '_ {
        self.idx(org)
            .and_then(|v| self.nodes.get(v as usize))
            .map_or(&[][..], |n| n.history.as_slice())
            .iter()
            .map(|&(d, p)| (d, self.id_of(p)))
    }

    /// Builds a hierarchy in one pass from `(organisation, parent, from)` triples in any
    /// order (children before parents is fine), validating the whole forest once.
    ///
    /// Organisations are stored parents first (in preorder), so the result equals adding them
    /// one by one in that order.
    ///
    /// # Errors
    /// The first problem found: [`OrgError::Duplicate`], [`OrgError::Unknown`] (parent,
    /// supervisor or successor), [`OrgError::ParentNotYetAdded`], [`OrgError::PracticeLevel`],
    /// [`OrgError::DivisionOutside`], [`OrgError::SuccessorCycle`] or [`OrgError::Cycle`].
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation};
    /// let (a, b) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2));
    /// let org = |id, name: &str| Organisation::builder(id, name, OrgKind::OtherOrganiser).build();
    /// let tree = OrgHierarchy::from_edges([
    ///     (org(b, "child")?, Some(a), NaiveDate::MIN),
    ///     (org(a, "root")?, None, NaiveDate::MIN),
    /// ])?;
    /// assert_eq!(tree.parent(b), Some(a));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn from_edges<I>(edges: I) -> Result<Self, OrgError>
    where
        I: IntoIterator<Item = (Organisation, Option<OrgId>, NaiveDate)>,
    {
        let edges = edges.into_iter();
        let mut orgs = Vec::with_capacity(edges.size_hint().0);
        let mut wanted = Vec::with_capacity(orgs.capacity());
        let mut ids: IdMap =
            IdMap::with_capacity_and_hasher(orgs.capacity(), BuildHasherDefault::default());
        for (org, parent, from) in edges {
            let v = u32::try_from(orgs.len()).map_err(|_| OrgError::Full { org: org.id })?;
            if v == NONE {
                return Err(OrgError::Full { org: org.id });
            }
            if ids.insert(org.id, v).is_some() {
                return Err(OrgError::Duplicate { org: org.id });
            }
            orgs.push((org, from));
            wanted.push(parent);
        }
        let mut parent = Vec::with_capacity(orgs.len());
        for ((org, from), want) in orgs.iter().zip(&wanted) {
            for r in [org.supervisor, org.successor].into_iter().flatten() {
                if !ids.contains_key(&r) {
                    return Err(OrgError::Unknown { org: r });
                }
            }
            let p = match want {
                None => NONE,
                Some(pid) => {
                    let p = *ids.get(pid).ok_or(OrgError::Unknown { org: *pid })?;
                    let (porg, pfrom) = orgs
                        .get(p as usize)
                        .ok_or(OrgError::Unknown { org: *pid })?;
                    if pfrom > from {
                        return Err(OrgError::ParentNotYetAdded {
                            org: org.id,
                            parent: *pid,
                            from: *from,
                            parent_since: *pfrom,
                        });
                    }
                    Self::check_edge(org, porg)?;
                    p
                }
            };
            parent.push(p);
        }
        for (org, _) in &orgs {
            if let Some(s) = org.successor {
                let mut seen = 0;
                let mut cur = Some(s);
                while let Some(c) = cur {
                    if c == org.id || seen > orgs.len() {
                        return Err(OrgError::SuccessorCycle {
                            org: org.id,
                            successor: s,
                        });
                    }
                    seen += 1;
                    cur = ids
                        .get(&c)
                        .and_then(|&i| orgs.get(i as usize))
                        .and_then(|(o, _)| o.successor);
                }
            }
        }
        let index = Index::build(&parent);
        if index.reached < orgs.len() {
            let v = index.tin.iter().position(|&t| t == NONE).unwrap_or(0);
            let org = orgs.get(v).map(|o| o.0.id);
            let p = parent
                .get(v)
                .and_then(|&p| orgs.get(p as usize))
                .map(|o| o.0.id);
            let from = orgs.get(v).map(|o| o.1);
            if let (Some(org), Some(parent), Some(from)) = (org, p, from) {
                return Err(OrgError::Cycle { org, parent, from });
            }
        }
        Ok(Self::renumbered(orgs, ids, &parent, &index))
    }

    /// Stores validated nodes in preorder so that parents come first, as if added one by one.
    fn renumbered(
        orgs: Vec<(Organisation, NaiveDate)>,
        mut ids: IdMap,
        parent: &[u32],
        index: &Index,
    ) -> Self {
        let mut new_of = vec![NONE; orgs.len()];
        for (new, &old) in (0_u32..).zip(&index.order) {
            new_of[old as usize] = new;
        }
        for v in ids.values_mut() {
            *v = new_of.get(*v as usize).copied().unwrap_or(NONE);
        }
        let mut slots: Vec<Option<(Organisation, NaiveDate)>> =
            orgs.into_iter().map(Some).collect();
        let mut tree = Self {
            nodes: Vec::with_capacity(slots.len()),
            ids,
            parent: Vec::with_capacity(slots.len()),
            log: Vec::with_capacity(slots.len()),
            index: OnceLock::new(),
            lift: OnceLock::new(),
            full: OnceLock::new(),
        };
        for &old in &index.order {
            if let Some((org, from)) = slots.get_mut(old as usize).and_then(Option::take) {
                let p = parent
                    .get(old as usize)
                    .and_then(|&p| new_of.get(p as usize))
                    .copied()
                    .unwrap_or(NONE);
                let v = u32::try_from(tree.nodes.len()).unwrap_or(NONE);
                tree.nodes.push(Node {
                    org,
                    history: vec![(from, p)],
                });
                tree.parent.push(p);
                tree.log.push(Change {
                    org: v,
                    from,
                    parent: p,
                });
            }
        }
        tree
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct ChangeWire {
    org: OrgId,
    parent: Option<OrgId>,
    from: NaiveDate,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct HierarchyWire {
    organisations: Vec<Organisation>,
    changes: Vec<ChangeWire>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize)]
struct HierarchyWireRef<'a> {
    organisations: Vec<&'a Organisation>,
    changes: Vec<ChangeWire>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for OrgHierarchy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        HierarchyWireRef {
            organisations: self.organisations().collect(),
            changes: self
                .log
                .iter()
                .filter_map(|c| {
                    Some(ChangeWire {
                        org: self.id_of(c.org)?,
                        parent: self.id_of(c.parent),
                        from: c.from,
                    })
                })
                .collect(),
        }
        .serialize(serializer)
    }
}

#[cfg(feature = "serde")]
impl TryFrom<HierarchyWire> for OrgHierarchy {
    type Error = OrgError;
    fn try_from(w: HierarchyWire) -> Result<Self, OrgError> {
        let mut pending: HashMap<OrgId, Organisation> =
            HashMap::with_capacity(w.organisations.len());
        let mut refs = Vec::with_capacity(w.organisations.len());
        for mut org in w.organisations {
            let id = org.id;
            refs.push((id, org.supervisor.take(), org.successor.take()));
            if pending.insert(id, org).is_some() {
                return Err(OrgError::Duplicate { org: id });
            }
        }
        let mut tree = Self::new();
        for c in w.changes {
            if let Some(org) = pending.remove(&c.org) {
                tree.add(org, c.parent, c.from)?;
            } else {
                tree.reparent(c.org, c.parent, c.from)?;
            }
        }
        if let Some(org) = pending.keys().next() {
            return Err(OrgError::MissingHistory { org: *org });
        }
        for (id, supervisor, _) in &refs {
            if let Some(s) = supervisor {
                tree.known(*s)?;
                if let Some(v) = tree.idx(*id).and_then(|v| tree.nodes.get_mut(v as usize)) {
                    v.org.supervisor = Some(*s);
                }
            }
        }
        for (id, _, successor) in refs {
            if let Some(s) = successor {
                tree.mark_successor(id, s)?;
            }
        }
        Ok(tree)
    }
}

#[cfg(test)]
#[allow(
    clippy::many_single_char_names,
    clippy::type_complexity,
    clippy::option_option,
    clippy::cast_possible_truncation,
    reason = "the naive reference model reads best with short names and raw nesting"
)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 7, 1)
            .unwrap()
            .checked_add_days(chrono::Days::new(u64::from(n)))
            .unwrap()
    }

    fn id(n: u64) -> OrgId {
        OrgId::from_parts(1_626_739_200_000, n)
    }

    fn org(n: u64, kind: OrgKind) -> Organisation {
        Organisation::builder(id(n), format!("org {n}"), kind)
            .build()
            .unwrap()
    }

    fn plain(n: u64) -> Organisation {
        org(n, OrgKind::OtherOrganiser)
    }

    fn practice(n: u64, level: PracticeLevel) -> Organisation {
        org(n, OrgKind::Practice(level))
    }

    fn in_division(n: u64, code: &str) -> Organisation {
        Organisation::builder(id(n), format!("org {n}"), OrgKind::CivilizationOffice)
            .division(code.parse().unwrap())
            .build()
            .unwrap()
    }

    /// 0 ← 1 ← 2, 0 ← 3, all from day 0.
    fn small() -> OrgHierarchy {
        let mut t = OrgHierarchy::new();
        t.add_root(plain(0), day(0)).unwrap();
        t.add_under(plain(1), id(0), day(0)).unwrap();
        t.add_under(plain(2), id(1), day(0)).unwrap();
        t.add_under(plain(3), id(0), day(0)).unwrap();
        t
    }

    #[test]
    fn organisation_name_is_validated_and_trimmed() {
        let o = Organisation::builder(id(1), "  江宁区文明办 ", OrgKind::CivilizationOffice)
            .build()
            .unwrap();
        assert_eq!(o.name(), "江宁区文明办");
        for bad in ["", "   ", "a\nb"] {
            let err = Organisation::builder(id(1), bad, OrgKind::CivilizationOffice)
                .build()
                .unwrap_err();
            assert!(matches!(err, OrgError::Name { .. }), "{bad:?}");
        }
        let long = "名".repeat(101);
        assert!(
            Organisation::builder(id(1), long, OrgKind::CivilizationOffice)
                .build()
                .is_err()
        );
        assert!(
            Organisation::builder(id(1), "名".repeat(100), OrgKind::CivilizationOffice)
                .build()
                .is_ok()
        );
    }

    #[test]
    fn organisation_cannot_supervise_or_succeed_itself() {
        let err = Organisation::builder(id(1), "x", OrgKind::CivilAffairs)
            .supervisor(id(1))
            .build()
            .unwrap_err();
        assert_eq!(
            err,
            OrgError::SelfReference {
                org: id(1),
                field: "supervisor"
            }
        );
        assert!(
            Organisation::builder(id(1), "x", OrgKind::CivilAffairs)
                .successor(id(1))
                .build()
                .is_err()
        );
    }

    #[test]
    fn registered_org_uscc_must_match_its_legal_form() {
        let foundation = OrgKind::RegisteredVolunteerOrg {
            legal_form: LegalForm::Foundation,
        };
        let ok = Uscc::with_check("53320000MJ0000002").unwrap();
        let wrong = Uscc::with_check("51320000MJ0000002").unwrap();
        let firm = Uscc::with_check("91110000600037341").unwrap();
        assert!(
            Organisation::builder(id(1), "x", foundation)
                .uscc(ok)
                .build()
                .is_ok()
        );
        let err = Organisation::builder(id(1), "x", foundation)
            .uscc(wrong)
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "organisation {} of legal form foundation has unified social credit code {}: \
                 expected one starting 53",
                id(1),
                wrong
            )
        );
        assert!(
            Organisation::builder(id(1), "x", foundation)
                .uscc(firm)
                .build()
                .is_err()
        );
        // Other kinds may carry any code (a firm organising volunteers).
        assert!(
            Organisation::builder(id(1), "x", OrgKind::OtherOrganiser)
                .uscc(firm)
                .build()
                .is_ok()
        );
    }

    #[test]
    fn hierarchy_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<OrgHierarchy>();
        assert_send_sync::<Organisation>();
    }

    #[test]
    fn queries_on_the_current_tree() {
        let t = small();
        assert_eq!(t.len(), 4);
        assert_eq!(t.parent(id(2)), Some(id(1)));
        assert_eq!(t.parent(id(0)), None);
        assert_eq!(t.children(id(0)).collect::<Vec<_>>(), vec![id(1), id(3)]);
        assert_eq!(t.ancestors(id(2)).collect::<Vec<_>>(), vec![id(1), id(0)]);
        assert_eq!(
            t.descendants(id(0)).collect::<Vec<_>>(),
            vec![id(1), id(2), id(3)]
        );
        assert_eq!(t.descendants(id(2)).count(), 0);
        assert_eq!(t.roots().collect::<Vec<_>>(), vec![id(0)]);
        assert!(t.is_within(id(2), id(0)));
        assert!(t.is_within(id(2), id(2)));
        assert!(!t.is_within(id(3), id(1)));
        assert_eq!(t.depth(id(2)), Some(2));
        assert_eq!(t.depth(id(0)), Some(0));
        assert_eq!(t.depth(id(9)), None);
        assert!(!t.is_within(id(9), id(0)));
        assert_eq!(t.parent(id(9)), None);
    }

    #[test]
    fn queries_interleaved_with_additions_use_a_partial_index() {
        // A chain 0 ← 1 ← … with a side branch every 5 nodes; query after every addition so
        // the index covers a prefix and is dropped when a quarter of the nodes are new.
        let mut t = OrgHierarchy::new();
        let mut parent: Vec<Option<u64>> = Vec::new();
        for i in 0..400_u64 {
            let p = (i > 0).then(|| if i % 5 == 0 { i / 2 } else { i - 1 });
            match p {
                Some(p) => t.add_under(plain(i), id(p), day(0)).unwrap(),
                None => t.add_root(plain(i), day(0)).unwrap(),
            }
            parent.push(p);
            let walk = |mut v: u64| {
                let mut out = vec![];
                while let Some(p) = parent[v as usize] {
                    out.push(p);
                    v = p;
                }
                out
            };
            for a in [i, i / 2, i / 3, 0] {
                let anc = walk(a);
                assert_eq!(t.depth(id(a)), Some(anc.len() as u32));
                for b in [i, i - i.min(1), i / 2, i / 7, 0] {
                    assert_eq!(t.is_within(id(a), id(b)), a == b || anc.contains(&b));
                    let mut chain_a = vec![a];
                    chain_a.extend(&anc);
                    let mut chain_b = vec![b];
                    chain_b.extend(walk(b));
                    let lca = chain_a.into_iter().find(|x| chain_b.contains(x));
                    assert_eq!(t.lowest_common_ancestor(id(a), id(b)), lca.map(id));
                }
            }
            assert_eq!(t.descendants(id(0)).count() as u64, i);
        }
    }

    #[test]
    fn lowest_common_ancestor() {
        let mut t = small();
        t.add_root(plain(4), day(0)).unwrap();
        assert_eq!(t.lowest_common_ancestor(id(2), id(3)), Some(id(0)));
        assert_eq!(t.lowest_common_ancestor(id(2), id(1)), Some(id(1)));
        assert_eq!(t.lowest_common_ancestor(id(0), id(2)), Some(id(0)));
        assert_eq!(t.lowest_common_ancestor(id(2), id(2)), Some(id(2)));
        assert_eq!(t.lowest_common_ancestor(id(2), id(4)), None);
        assert_eq!(t.lowest_common_ancestor(id(2), id(9)), None);
    }

    #[test]
    fn cycle_is_rejected_and_tree_unchanged() {
        let mut t = small();
        let _ = t.is_within(id(0), id(1)); // build the index so the clone carries it
        let before = t.clone();
        let err = t.reparent(id(0), Some(id(2)), day(5)).unwrap_err();
        assert_eq!(
            err,
            OrgError::Cycle {
                org: id(0),
                parent: id(2),
                from: day(5)
            }
        );
        assert_eq!(t, before);
        assert!(matches!(
            t.reparent(id(1), Some(id(1)), day(5)),
            Err(OrgError::Cycle { .. })
        ));
        assert_eq!(t, before);
    }

    #[test]
    fn cycle_on_a_past_date_is_rejected() {
        // B under A from day 10 to day 20; putting A under B from day 7 would make a cycle on
        // days 10..20 although the current tree has none.
        let mut t = OrgHierarchy::new();
        t.add_root(plain(0), day(0)).unwrap();
        t.add_root(plain(1), day(0)).unwrap();
        t.reparent(id(1), Some(id(0)), day(10)).unwrap();
        t.reparent(id(1), None, day(20)).unwrap();
        let before = t.clone();
        assert!(matches!(
            t.reparent(id(0), Some(id(1)), day(7)),
            Err(OrgError::Cycle { .. })
        ));
        assert_eq!(t, before);
        // From day 20 on there is no cycle.
        t.reparent(id(0), Some(id(1)), day(20)).unwrap();
        assert!(t.is_within_on(id(1), id(0), day(15)));
        assert!(t.is_within_on(id(0), id(1), day(25)));
    }

    #[test]
    fn practice_levels_strictly_decrease() {
        let mut t = OrgHierarchy::new();
        t.add_root(practice(0, PracticeLevel::Centre), day(0))
            .unwrap();
        t.add_under(practice(1, PracticeLevel::Institute), id(0), day(0))
            .unwrap();
        t.add_under(practice(2, PracticeLevel::Station), id(1), day(0))
            .unwrap();
        // A point may sit under any higher level.
        t.add_under(practice(3, PracticeLevel::Point), id(0), day(0))
            .unwrap();
        t.add_under(practice(4, PracticeLevel::Point), id(1), day(0))
            .unwrap();
        t.add_under(practice(5, PracticeLevel::Point), id(2), day(0))
            .unwrap();
        let before = t.clone();
        let err = t
            .add_under(practice(6, PracticeLevel::Institute), id(2), day(0))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "practice institute {} cannot be placed under practice station {}: levels must \
                 strictly decrease down the tree",
                id(6),
                id(2)
            )
        );
        assert!(matches!(
            t.add_under(practice(6, PracticeLevel::Station), id(2), day(0)),
            Err(OrgError::PracticeLevel { .. })
        ));
        assert!(matches!(
            t.add_under(practice(6, PracticeLevel::Point), id(5), day(0)),
            Err(OrgError::PracticeLevel { .. })
        ));
        assert!(matches!(
            t.reparent(id(1), Some(id(2)), day(1)),
            Err(OrgError::PracticeLevel { .. })
        ));
        assert_eq!(t, before);
        // A practice unit under a non-practice org is allowed, and vice versa.
        t.add_root(org(7, OrgKind::CivilizationOffice), day(0))
            .unwrap();
        t.add_under(practice(8, PracticeLevel::Centre), id(7), day(0))
            .unwrap();
        t.add_under(org(9, OrgKind::GrassrootsBody), id(2), day(0))
            .unwrap();
    }

    #[test]
    fn division_must_lie_inside_parents() {
        let mut t = OrgHierarchy::new();
        t.add_root(in_division(0, "320115"), day(0)).unwrap();
        t.add_under(in_division(1, "320115005"), id(0), day(0))
            .unwrap();
        t.add_under(plain(2), id(1), day(0)).unwrap(); // no division: not checked
        let before = t.clone();
        let err = t
            .add_under(in_division(3, "320508019"), id(0), day(0))
            .unwrap_err();
        assert_eq!(
            err,
            OrgError::DivisionOutside {
                org: id(3),
                division: "320508019".parse().unwrap(),
                parent: id(0),
                parent_division: "320115".parse().unwrap(),
            }
        );
        // A child at a higher level than its parent is outside too.
        assert!(
            t.add_under(in_division(3, "320100"), id(0), day(0))
                .is_err()
        );
        t.add_root(in_division(4, "320508"), day(0)).unwrap();
        let before4 = t.clone();
        assert!(matches!(
            t.reparent(id(1), Some(id(4)), day(1)),
            Err(OrgError::DivisionOutside { .. })
        ));
        assert_eq!(t, before4);
        assert_eq!(before.len() + 1, t.len());
    }

    #[test]
    fn unknown_ids_are_rejected() {
        let mut t = small();
        let before = t.clone();
        assert_eq!(
            t.add_under(plain(7), id(99), day(0)),
            Err(OrgError::Unknown { org: id(99) })
        );
        assert_eq!(
            t.reparent(id(99), None, day(0)),
            Err(OrgError::Unknown { org: id(99) })
        );
        assert_eq!(
            t.reparent(id(1), Some(id(99)), day(0)),
            Err(OrgError::Unknown { org: id(99) })
        );
        let supervised = Organisation::builder(id(7), "x", OrgKind::OtherOrganiser)
            .supervisor(id(98))
            .build()
            .unwrap();
        assert_eq!(
            t.add_root(supervised, day(0)),
            Err(OrgError::Unknown { org: id(98) })
        );
        assert_eq!(
            t.add_root(plain(1), day(0)),
            Err(OrgError::Duplicate { org: id(1) })
        );
        assert_eq!(t, before);
    }

    #[test]
    fn reparent_then_dated_queries() {
        let mut t = small();
        t.reparent(id(2), Some(id(3)), day(10)).unwrap();
        assert_eq!(t.parent(id(2)), Some(id(3)));
        assert_eq!(t.parent_on(id(2), day(9)), Some(id(1)));
        assert_eq!(t.parent_on(id(2), day(10)), Some(id(3)));
        assert!(t.is_within_on(id(2), id(1), day(9)));
        assert!(!t.is_within_on(id(2), id(1), day(10)));
        assert!(t.is_within_on(id(2), id(3), day(10)));
        assert!(!t.is_within(id(2), id(1)));
        assert_eq!(
            t.ancestors_on(id(2), day(3)).collect::<Vec<_>>(),
            vec![id(1), id(0)]
        );
        assert_eq!(
            t.ancestors_on(id(2), day(30)).collect::<Vec<_>>(),
            vec![id(3), id(0)]
        );
        assert_eq!(
            t.history(id(2)).collect::<Vec<_>>(),
            vec![(day(0), Some(id(1))), (day(10), Some(id(3)))]
        );
        // Before it was added, an org is nowhere.
        t.add_under(plain(5), id(0), day(20)).unwrap();
        assert!(!t.exists_on(id(5), day(19)));
        assert!(!t.is_within_on(id(5), id(0), day(19)));
        assert!(!t.is_within_on(id(5), id(5), day(19)));
        assert_eq!(t.parent_on(id(5), day(19)), None);
        assert!(t.is_within_on(id(5), id(0), day(20)));
        // Moving to a root.
        t.reparent(id(3), None, day(30)).unwrap();
        assert!(t.is_within_on(id(2), id(0), day(29)));
        assert!(!t.is_within_on(id(2), id(0), day(30)));
        assert_eq!(t.roots().collect::<Vec<_>>(), vec![id(0), id(3)]);
    }

    #[test]
    fn same_day_changes_last_wins() {
        let mut t = small();
        t.reparent(id(2), Some(id(3)), day(10)).unwrap();
        t.reparent(id(2), Some(id(0)), day(10)).unwrap();
        assert_eq!(t.parent_on(id(2), day(10)), Some(id(0)));
        assert_eq!(t.parent_on(id(2), day(9)), Some(id(1)));
    }

    #[test]
    fn change_before_last_change_is_rejected() {
        let mut t = small();
        t.reparent(id(2), Some(id(3)), day(10)).unwrap();
        let before = t.clone();
        assert_eq!(
            t.reparent(id(2), Some(id(0)), day(9)),
            Err(OrgError::DateBeforeLastChange {
                org: id(2),
                from: day(9),
                last: day(10)
            })
        );
        assert_eq!(t, before);
    }

    #[test]
    fn parent_must_exist_on_the_date() {
        let mut t = OrgHierarchy::new();
        t.add_root(plain(0), day(10)).unwrap();
        t.add_root(plain(1), day(0)).unwrap();
        let before = t.clone();
        assert!(matches!(
            t.add_under(plain(2), id(0), day(9)),
            Err(OrgError::ParentNotYetAdded { .. })
        ));
        assert!(matches!(
            t.reparent(id(1), Some(id(0)), day(5)),
            Err(OrgError::ParentNotYetAdded { .. })
        ));
        assert_eq!(t, before);
    }

    #[test]
    fn successors() {
        let mut t = small();
        t.mark_successor(id(1), id(3)).unwrap();
        t.mark_successor(id(3), id(2)).unwrap();
        assert_eq!(t.get(id(1)).unwrap().successor(), Some(id(3)));
        assert_eq!(t.current_successor(id(1)), Some(id(2)));
        assert_eq!(t.current_successor(id(0)), None);
        let before = t.clone();
        assert!(matches!(
            t.mark_successor(id(2), id(1)),
            Err(OrgError::SuccessorCycle { .. })
        ));
        assert!(matches!(
            t.mark_successor(id(1), id(0)),
            Err(OrgError::SuccessorAlreadySet { .. })
        ));
        assert!(matches!(
            t.mark_successor(id(0), id(0)),
            Err(OrgError::SelfReference { .. })
        ));
        assert!(matches!(
            t.mark_successor(id(0), id(99)),
            Err(OrgError::Unknown { .. })
        ));
        assert_eq!(t, before);
    }

    #[test]
    fn from_edges_matches_adding_one_by_one() {
        let bulk = OrgHierarchy::from_edges([
            (plain(2), Some(id(1)), day(0)),
            (plain(3), Some(id(0)), day(0)),
            (plain(1), Some(id(0)), day(0)),
            (plain(0), None, day(0)),
        ])
        .unwrap();
        let mut one = OrgHierarchy::new();
        // Preorder with children in input order: 0, 3, 1, 2.
        one.add_root(plain(0), day(0)).unwrap();
        one.add_under(plain(3), id(0), day(0)).unwrap();
        one.add_under(plain(1), id(0), day(0)).unwrap();
        one.add_under(plain(2), id(1), day(0)).unwrap();
        assert_eq!(bulk, one);
        assert_eq!(
            bulk.organisations()
                .map(Organisation::id)
                .collect::<Vec<_>>(),
            vec![id(0), id(3), id(1), id(2)]
        );
        assert!(bulk.is_within(id(2), id(0)));
    }

    #[test]
    fn from_edges_rejects_cycles_and_bad_edges() {
        let err = OrgHierarchy::from_edges([
            (plain(0), None, day(0)),
            (plain(1), Some(id(2)), day(0)),
            (plain(2), Some(id(1)), day(0)),
        ])
        .unwrap_err();
        assert!(matches!(err, OrgError::Cycle { .. }));
        assert!(matches!(
            OrgHierarchy::from_edges([(plain(1), Some(id(1)), day(0))]),
            Err(OrgError::Cycle { .. })
        ));
        assert!(matches!(
            OrgHierarchy::from_edges([(plain(0), None, day(0)), (plain(0), None, day(0))]),
            Err(OrgError::Duplicate { .. })
        ));
        assert!(matches!(
            OrgHierarchy::from_edges([(plain(1), Some(id(5)), day(0))]),
            Err(OrgError::Unknown { .. })
        ));
        assert!(matches!(
            OrgHierarchy::from_edges([
                (practice(0, PracticeLevel::Point), None, day(0)),
                (practice(1, PracticeLevel::Point), Some(id(0)), day(0)),
            ]),
            Err(OrgError::PracticeLevel { .. })
        ));
        assert!(matches!(
            OrgHierarchy::from_edges([(plain(0), None, day(5)), (plain(1), Some(id(0)), day(0)),]),
            Err(OrgError::ParentNotYetAdded { .. })
        ));
        let a = Organisation::builder(id(0), "a", OrgKind::OtherOrganiser)
            .successor(id(1))
            .build()
            .unwrap();
        let b = Organisation::builder(id(1), "b", OrgKind::OtherOrganiser)
            .successor(id(0))
            .build()
            .unwrap();
        assert!(matches!(
            OrgHierarchy::from_edges([(a, None, day(0)), (b, None, day(0))]),
            Err(OrgError::SuccessorCycle { .. })
        ));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_and_replays() {
        let mut t = small();
        t.reparent(id(2), Some(id(3)), day(10)).unwrap();
        t.mark_successor(id(1), id(3)).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        let back: OrgHierarchy = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.parent_on(id(2), day(9)), Some(id(1)));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["changes"][4]["from"], "2021-07-11");
        assert_eq!(value["organisations"][0]["kind"], "other_organiser");
        // A cycle smuggled into the wire is rejected by the replay.
        let mut bad = value.clone();
        bad["changes"][4]["parent"] = serde_json::json!(id(2));
        bad["changes"][4]["org"] = serde_json::json!(id(0));
        assert!(serde_json::from_value::<OrgHierarchy>(bad).is_err());
        let mut missing = value;
        missing["changes"].as_array_mut().unwrap().remove(4);
        missing["changes"].as_array_mut().unwrap().remove(3);
        assert!(serde_json::from_value::<OrgHierarchy>(missing).is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn org_kind_wire_shape() {
        let k = OrgKind::RegisteredVolunteerOrg {
            legal_form: LegalForm::Foundation,
        };
        assert_eq!(
            serde_json::to_string(&k).unwrap(),
            r#"{"registered_volunteer_org":{"legal_form":"foundation"}}"#
        );
        assert_eq!(
            serde_json::to_string(&OrgKind::Practice(PracticeLevel::Station)).unwrap(),
            r#"{"practice":"station"}"#
        );
        let bad = r#"{"id":"0190c86a-2000-7000-8000-000000000001","name":"","kind":"civil_affairs","division":null,"uscc":null,"supervisor":null,"successor":null}"#;
        assert!(serde_json::from_str::<Organisation>(bad).is_err());
    }

    /// A naive reference: per-org parent histories, ancestors by walking.
    #[derive(Clone, Default)]
    struct Model {
        history: Vec<Option<Vec<(NaiveDate, Option<usize>)>>>,
    }

    impl Model {
        fn parent_on(&self, v: usize, d: NaiveDate) -> Option<Option<usize>> {
            let h = self.history[v].as_ref()?;
            h.iter().rev().find(|e| e.0 <= d).map(|e| e.1)
        }
        fn ancestors_on(&self, v: usize, d: NaiveDate) -> Vec<usize> {
            let mut out = vec![];
            let mut cur = self.parent_on(v, d).flatten();
            while let Some(p) = cur {
                assert!(out.len() <= self.history.len(), "cycle in model");
                out.push(p);
                cur = self.parent_on(p, d).flatten();
            }
            out
        }
        fn current(&self, v: usize) -> Vec<usize> {
            self.ancestors_on(v, NaiveDate::MAX)
        }
    }

    const POOL: usize = 8;

    fn pool_org(i: usize) -> Organisation {
        let kind = match i % 4 {
            0 => OrgKind::Practice(PracticeLevel::Centre),
            1 => OrgKind::Practice(PracticeLevel::Institute),
            2 => OrgKind::Practice(PracticeLevel::Point),
            _ => OrgKind::OtherOrganiser,
        };
        let mut b = Organisation::builder(id(i as u64), format!("o{i}"), kind);
        if i.is_multiple_of(3) {
            b = b.division(if i < 4 { "320115" } else { "320115005" }.parse().unwrap());
        }
        b.build().unwrap()
    }

    fn edge_ok(child: usize, parent: usize) -> bool {
        OrgHierarchy::check_edge(&pool_org(child), &pool_org(parent)).is_ok()
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(usize, Option<usize>, u32),
        Reparent(usize, Option<usize>, u32),
    }

    fn op() -> impl Strategy<Value = Op> {
        let parent = prop::option::weighted(0.8, 0..POOL);
        prop_oneof![
            (0..POOL, parent.clone(), 0_u32..20).prop_map(|(a, p, d)| Op::Add(a, p, d)),
            (0..POOL, parent, 0_u32..20).prop_map(|(a, p, d)| Op::Reparent(a, p, d)),
        ]
    }

    fn model_accepts(m: &Model, op: &Op) -> bool {
        match *op {
            Op::Add(a, p, d) => {
                m.history[a].is_none()
                    && p.is_none_or(|p| {
                        m.history[p].as_ref().is_some_and(|h| h[0].0 <= day(d)) && edge_ok(a, p)
                    })
            }
            Op::Reparent(a, p, d) => {
                let Some(h) = &m.history[a] else { return false };
                if day(d) < h.last().unwrap().0 {
                    return false;
                }
                let Some(p) = p else { return true };
                if m.history[p].as_ref().is_none_or(|h| h[0].0 > day(d)) || !edge_ok(a, p) {
                    return false;
                }
                // No day from d on where a is p or an ancestor of p.
                let mut days: Vec<NaiveDate> = m
                    .history
                    .iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.0)
                    .filter(|&x| x >= day(d))
                    .collect();
                days.push(day(d));
                days.iter()
                    .all(|&t| p != a && !m.ancestors_on(p, t).contains(&a))
            }
        }
    }

    fn apply_model(m: &mut Model, op: &Op) {
        match *op {
            Op::Add(a, p, d) => m.history[a] = Some(vec![(day(d), p)]),
            Op::Reparent(a, p, d) => m.history[a].as_mut().unwrap().push((day(d), p)),
        }
    }

    proptest! {
        #[test]
        fn agrees_with_naive_reference(ops in prop::collection::vec(op(), 1..40)) {
            let mut t = OrgHierarchy::new();
            let mut m = Model { history: vec![None; POOL] };
            for op in &ops {
                let before = t.clone();
                let result = match *op {
                    Op::Add(a, None, d) => t.add_root(pool_org(a), day(d)),
                    Op::Add(a, Some(p), d) => t.add_under(pool_org(a), id(p as u64), day(d)),
                    Op::Reparent(a, p, d) => t.reparent(id(a as u64), p.map(|p| id(p as u64)), day(d)),
                };
                prop_assert_eq!(result.is_ok(), model_accepts(&m, op), "{:?}: {:?}", op, result);
                if result.is_ok() {
                    apply_model(&mut m, op);
                } else {
                    prop_assert_eq!(&t, &before);
                }
                // Queries agree after every step.
                for a in 0..POOL {
                    let present = m.history[a].is_some();
                    let anc = if present { m.current(a) } else { vec![] };
                    prop_assert_eq!(
                        t.ancestors(id(a as u64)).collect::<Vec<_>>(),
                        anc.iter().map(|&x| id(x as u64)).collect::<Vec<_>>()
                    );
                    prop_assert_eq!(t.depth(id(a as u64)), present.then_some(anc.len() as u32));
                    for b in 0..POOL {
                        let within = present && (a == b || anc.contains(&b));
                        prop_assert_eq!(t.is_within(id(a as u64), id(b as u64)), within);
                        let lca = if present && m.history[b].is_some() {
                            let mut chain_a = vec![a];
                            chain_a.extend(&anc);
                            let mut chain_b = vec![b];
                            chain_b.extend(m.current(b));
                            chain_a.into_iter().find(|x| chain_b.contains(x))
                        } else {
                            None
                        };
                        prop_assert_eq!(
                            t.lowest_common_ancestor(id(a as u64), id(b as u64)),
                            lca.map(|x| id(x as u64))
                        );
                        for d in [0, 5, 10, 19] {
                            let within_on = m.history[a].as_ref().is_some_and(|h| h[0].0 <= day(d))
                                && (a == b || m.ancestors_on(a, day(d)).contains(&b));
                            prop_assert_eq!(t.is_within_on(id(a as u64), id(b as u64), day(d)), within_on);
                        }
                    }
                }
            }
            #[cfg(feature = "serde")]
            {
                let back: OrgHierarchy = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
                prop_assert_eq!(back, t);
            }
        }
    }

    proptest! {
        /// `from_edges` on a shuffled random forest equals adding in preorder, and its index
        /// agrees with walking parents.
        #[test]
        fn from_edges_agrees_with_walking(
            parents in prop::collection::vec(any::<prop::sample::Index>(), 1..60),
            roots in prop::collection::vec(any::<bool>(), 60),
            shuffle in any::<u64>(),
        ) {
            // Node i's parent is some j < i, or none.
            let n = parents.len();
            let parent: Vec<Option<usize>> = (0..n)
                .map(|i| (i > 0 && !roots[i]).then(|| parents[i].index(i)))
                .collect();
            let mut order: Vec<usize> = (0..n).collect();
            let mut x = shuffle;
            for i in (1..n).rev() {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                order.swap(i, (x >> 33) as usize % (i + 1));
            }
            let tree = OrgHierarchy::from_edges(
                order.iter().map(|&i| (plain(i as u64), parent[i].map(|p| id(p as u64)), day(0))),
            )
            .unwrap();
            let mut one = OrgHierarchy::new();
            for o in tree.organisations() {
                match tree.parent(o.id()) {
                    Some(p) => one.add_under(o.clone(), p, day(0)).unwrap(),
                    None => one.add_root(o.clone(), day(0)).unwrap(),
                }
            }
            prop_assert_eq!(&one, &tree);
            let walk = |mut v: usize| {
                let mut out = vec![];
                while let Some(p) = parent[v] {
                    out.push(p);
                    v = p;
                }
                out
            };
            for a in 0..n {
                let anc = walk(a);
                prop_assert_eq!(
                    tree.ancestors(id(a as u64)).collect::<Vec<_>>(),
                    anc.iter().map(|&x| id(x as u64)).collect::<Vec<_>>()
                );
                prop_assert_eq!(tree.depth(id(a as u64)), Some(anc.len() as u32));
                let kids: Vec<OrgId> = tree.children(id(a as u64)).collect();
                prop_assert_eq!(kids.len(), (0..n).filter(|&c| parent[c] == Some(a)).count());
                let desc = tree.descendants(id(a as u64)).count();
                prop_assert_eq!(desc, (0..n).filter(|&c| walk(c).contains(&a)).count());
                for b in (0..n).step_by(3) {
                    prop_assert_eq!(
                        tree.is_within(id(a as u64), id(b as u64)),
                        a == b || anc.contains(&b)
                    );
                }
            }
        }
    }

    /// Builds a six-level hierarchy of `n` nodes: 1 root, fan-out 10 per level.
    fn six_level_edges(n: u64) -> Vec<(Organisation, Option<OrgId>, NaiveDate)> {
        (0..n)
            .map(|i| {
                let parent = (i > 0).then(|| id((i - 1) / 10));
                (plain(i), parent, day(0))
            })
            .collect()
    }

    #[test]
    #[ignore = "timing run: cargo test --release --lib -- --ignored --nocapture timing"]
    fn timing_100k() {
        use std::time::Instant;
        let n = 100_000_u64;
        let edges = six_level_edges(n);
        let one_by_one = six_level_edges(n);
        let start = Instant::now();
        let mut t = OrgHierarchy::new();
        for (o, p, d) in one_by_one {
            match p {
                Some(p) => t.add_under(o, p, d).unwrap(),
                None => t.add_root(o, d).unwrap(),
            }
        }
        println!("one by one: {:?}", start.elapsed());
        let start = Instant::now();
        let bulk = OrgHierarchy::from_edges(edges).unwrap();
        println!("from_edges: {:?}", start.elapsed());
        assert_eq!(bulk.len(), t.len());
        let start = Instant::now();
        assert!(t.is_within(id(n - 1), id(0)));
        println!("first query (index build): {:?}", start.elapsed());
        let ids: Vec<OrgId> = (0..n).map(id).collect();
        let start = Instant::now();
        let mut hits = 0_u32;
        let mut x = 12_345_u64;
        for _ in 0..1_000_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let a = ids[(x >> 33) as usize % ids.len()];
            let b = ids[(x >> 13) as usize % 1_111];
            hits += u32::from(t.is_within(a, b));
        }
        println!("1M is_within: {:?} ({hits} hits)", start.elapsed());
        let start = Instant::now();
        let mut found = 0_u32;
        for i in 0..1_000_000_u64 {
            let a = ids[(i * 7_919 % n) as usize];
            let b = ids[(i * 104_729 % n) as usize];
            found += u32::from(t.lowest_common_ancestor(a, b).is_some());
        }
        println!("1M lowest_common_ancestor: {:?} ({found})", start.elapsed());
        // Interleaving: additions keep the partial index, so queries stay cheap.
        let start = Instant::now();
        let mut t = OrgHierarchy::new();
        for (o, p, d) in six_level_edges(n) {
            let me = o.id();
            match p {
                Some(p) => t.add_under(o, p, d).unwrap(),
                None => t.add_root(o, d).unwrap(),
            }
            assert!(t.is_within(me, id(0)));
        }
        println!(
            "100k adds each followed by is_within: {:?}",
            start.elapsed()
        );
    }
}
