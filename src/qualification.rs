//! Qualifications (资质) with an "includes" graph, dated grants and training records
//! (FIT-02), and checks that say what is missing and how to fix it.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{Months, NaiveDate};

use crate::{OrgId, QualificationId, TrainingId};

/// Returned when the qualification graph, a grant or a training record is invalid.
///
/// # Example
/// ```
/// use volunteer_service::{QualificationGraph, QualificationId, QualificationKind};
/// let first_aid = QualificationId::from_parts(1_600_000_000_000, 1);
/// let mut g = QualificationGraph::new();
/// g.add_kind(QualificationKind::new(first_aid, "first aid", None)?)?;
/// let err = g.add_includes(first_aid, first_aid).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     format!("qualification {first_aid} including {first_aid} would create a cycle: includes must be acyclic")
/// );
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QualificationError {
    /// A kind with this id is already in the graph.
    #[error("qualification {id} is already defined: ids must be unique")]
    DuplicateKind {
        /// The duplicated id.
        id: QualificationId,
    },
    /// The id is not a kind in the graph.
    #[error("qualification {id} is not defined in the graph")]
    UnknownKind {
        /// The unknown id.
        id: QualificationId,
    },
    /// The edge `includer → included` would close a cycle (or is a self-loop).
    #[error(
        "qualification {includer} including {included} would create a cycle: includes must be acyclic"
    )]
    Cycle {
        /// The including qualification.
        includer: QualificationId,
        /// The included qualification.
        included: QualificationId,
    },
    /// A kind's name is empty or longer than 64 characters.
    #[error("qualification name {name:?} has {len} characters: expected 1..=64")]
    NameLength {
        /// The rejected name (at most 80 characters of it).
        name: String,
        /// Its length.
        len: usize,
    },
    /// A default validity of zero months.
    #[error("qualification {id} has a default validity of 0 months: expected at least 1")]
    ZeroValidity {
        /// The kind.
        id: QualificationId,
    },
    /// A grant or record expires on or before the day it starts.
    #[error("{what} valid from {from} expires on {expires_on}: expiry must be after the start")]
    ExpiresBeforeStart {
        /// `"qualification grant"` or `"training record"`.
        what: &'static str,
        /// The first valid day.
        from: NaiveDate,
        /// The rejected expiry day.
        expires_on: NaiveDate,
    },
}

/// A kind of qualification: first aid (急救), paramedic, driving licence, counsellor …
///
/// Serde shape: `{"id": "<uuid>", "name": "...", "default_validity_months": 36 | null}`.
///
/// # Example
/// ```
/// use volunteer_service::{QualificationId, QualificationKind};
/// let k = QualificationKind::new(QualificationId::from_parts(1, 1), "first aid", Some(36))?;
/// assert_eq!(k.name(), "first aid");
/// assert_eq!(k.default_validity_months(), Some(36));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "KindWire", into = "KindWire"))]
pub struct QualificationKind {
    id: QualificationId,
    name: Box<str>,
    default_validity_months: Option<u32>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct KindWire {
    id: QualificationId,
    name: String,
    default_validity_months: Option<u32>,
}

#[cfg(feature = "serde")]
impl TryFrom<KindWire> for QualificationKind {
    type Error = QualificationError;
    fn try_from(w: KindWire) -> Result<Self, QualificationError> {
        Self::new(w.id, &w.name, w.default_validity_months)
    }
}

#[cfg(feature = "serde")]
impl From<QualificationKind> for KindWire {
    fn from(k: QualificationKind) -> Self {
        Self {
            id: k.id,
            name: k.name.into(),
            default_validity_months: k.default_validity_months,
        }
    }
}

impl QualificationKind {
    /// Builds a kind with a trimmed name of 1–64 characters and an optional default
    /// validity in months.
    ///
    /// # Errors
    /// [`QualificationError::NameLength`] or [`QualificationError::ZeroValidity`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationError, QualificationId, QualificationKind};
    /// let id = QualificationId::from_parts(1_600_000_000_000, 1);
    /// let first_aid = QualificationKind::new(id, " 急救员 first aider ", Some(36))?;
    /// assert_eq!(first_aid.name(), "急救员 first aider"); // trimmed
    /// assert_eq!(QualificationKind::new(id, "first aid", Some(0)), Err(QualificationError::ZeroValidity { id }));
    /// assert!(matches!(QualificationKind::new(id, "  ", None), Err(QualificationError::NameLength { len: 0, .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(
        id: QualificationId,
        name: &str,
        default_validity_months: Option<u32>,
    ) -> Result<Self, QualificationError> {
        let name = name.trim();
        let len = name.chars().count();
        if !(1..=64).contains(&len) {
            return Err(QualificationError::NameLength {
                name: name.chars().take(80).collect(),
                len,
            });
        }
        if default_validity_months == Some(0) {
            return Err(QualificationError::ZeroValidity { id });
        }
        Ok(Self {
            id,
            name: name.into(),
            default_validity_months,
        })
    }

    /// The kind's id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationId, QualificationKind};
    /// let id = QualificationId::from_parts(1_600_000_000_000, 1);
    /// assert_eq!(QualificationKind::new(id, "first aid", None)?.id(), id);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn id(&self) -> QualificationId {
        self.id
    }

    /// The kind's name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationId, QualificationKind};
    /// let k = QualificationKind::new(QualificationId::from_parts(1_600_000_000_000, 1), "心理咨询 counselling", None)?;
    /// assert_eq!(k.name(), "心理咨询 counselling");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How long a grant is valid by default, in months; `None` for no expiry.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationId, QualificationKind};
    /// let id = QualificationId::from_parts(1_600_000_000_000, 1);
    /// assert_eq!(QualificationKind::new(id, "first aid", Some(36))?.default_validity_months(), Some(36));
    /// assert_eq!(QualificationKind::new(id, "nurse", None)?.default_validity_months(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn default_validity_months(&self) -> Option<u32> {
        self.default_validity_months
    }
}

/// Qualification kinds with acyclic "includes" edges: a paramedic qualification includes
/// first aid, so a paramedic meets a first-aid requirement.
///
/// The reflexive, transitive closure is kept up to date on every edge, so
/// [`includes`](Self::includes) is two hash look-ups. A rejected edge leaves the graph
/// unchanged.
///
/// Serde shape: `{"kinds": [QualificationKind…], "includes": [[includer, included]…]}`;
/// deserialising rebuilds the graph through the same checks.
///
/// # Example
/// ```
/// use volunteer_service::{QualificationGraph, QualificationId, QualificationKind};
/// let [first_aid, emt, paramedic] = [1, 2, 3].map(|n| QualificationId::from_parts(1, n));
/// let mut g = QualificationGraph::new();
/// g.add_kind(QualificationKind::new(first_aid, "first aid", Some(36))?)?;
/// g.add_kind(QualificationKind::new(emt, "emt", None)?)?;
/// g.add_kind(QualificationKind::new(paramedic, "paramedic", None)?)?;
/// g.add_includes(emt, first_aid)?;
/// g.add_includes(paramedic, emt)?;
/// assert!(g.includes(paramedic, first_aid));
/// assert!(!g.includes(first_aid, paramedic));
/// assert!(g.add_includes(first_aid, paramedic).is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "GraphWire", into = "GraphWire"))]
pub struct QualificationGraph {
    kinds: BTreeMap<QualificationId, QualificationKind>,
    edges: BTreeSet<(QualificationId, QualificationId)>,
    /// For each kind, every kind it includes, itself included.
    closure: HashMap<QualificationId, HashSet<QualificationId>>,
}

impl PartialEq for QualificationGraph {
    fn eq(&self, other: &Self) -> bool {
        self.kinds == other.kinds && self.edges == other.edges
    }
}

impl Eq for QualificationGraph {}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct GraphWire {
    kinds: Vec<QualificationKind>,
    includes: Vec<(QualificationId, QualificationId)>,
}

#[cfg(feature = "serde")]
impl TryFrom<GraphWire> for QualificationGraph {
    type Error = QualificationError;
    fn try_from(w: GraphWire) -> Result<Self, QualificationError> {
        let mut g = Self::new();
        for k in w.kinds {
            g.add_kind(k)?;
        }
        for (a, b) in w.includes {
            g.add_includes(a, b)?;
        }
        Ok(g)
    }
}

#[cfg(feature = "serde")]
impl From<QualificationGraph> for GraphWire {
    fn from(g: QualificationGraph) -> Self {
        Self {
            kinds: g.kinds.into_values().collect(),
            includes: g.edges.into_iter().collect(),
        }
    }
}

impl QualificationGraph {
    /// An empty graph.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::QualificationGraph;
    /// let g = QualificationGraph::new();
    /// assert_eq!(g.kinds().count(), 0);
    /// assert_eq!(g.edges().count(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a kind.
    ///
    /// # Errors
    /// [`QualificationError::DuplicateKind`] if its id is taken; the graph is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationError, QualificationGraph, QualificationId, QualificationKind};
    /// let id = QualificationId::from_parts(1_600_000_000_000, 1);
    /// let mut g = QualificationGraph::new();
    /// g.add_kind(QualificationKind::new(id, "first aid", None)?)?;
    /// assert!(g.kind(id).is_some());
    /// // Ids are unique; a second kind with the same id is refused.
    /// assert_eq!(g.add_kind(QualificationKind::new(id, "other", None)?), Err(QualificationError::DuplicateKind { id }));
    /// assert_eq!(g.kind(id).map(|k| k.name()), Some("first aid"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_kind(&mut self, kind: QualificationKind) -> Result<(), QualificationError> {
        if self.kinds.contains_key(&kind.id) {
            return Err(QualificationError::DuplicateKind { id: kind.id });
        }
        self.closure.insert(kind.id, HashSet::from([kind.id]));
        self.kinds.insert(kind.id, kind);
        Ok(())
    }

    /// Records that `whole` includes `part`: holding `whole` meets a requirement for `part`.
    ///
    /// # Errors
    /// [`QualificationError::UnknownKind`] for an undefined id, [`QualificationError::Cycle`]
    /// if `part` already includes `whole` (or they are equal). The graph is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationError, QualificationGraph, QualificationId, QualificationKind};
    /// let q = |n| QualificationId::from_parts(1_600_000_000_000, n);
    /// let mut g = QualificationGraph::new();
    /// g.add_kind(QualificationKind::new(q(1), "nurse", None)?)?;
    /// g.add_kind(QualificationKind::new(q(2), "first aid", None)?)?;
    /// g.add_includes(q(1), q(2))?; // a nurse can give first aid
    /// assert!(g.includes(q(1), q(2)));
    /// // A cycle is refused, and the graph is unchanged.
    /// assert!(matches!(g.add_includes(q(2), q(1)), Err(QualificationError::Cycle { .. })));
    /// assert!(!g.includes(q(2), q(1)));
    /// assert_eq!(g.add_includes(q(1), q(3)), Err(QualificationError::UnknownKind { id: q(3) }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_includes(
        &mut self,
        whole: QualificationId,
        part: QualificationId,
    ) -> Result<(), QualificationError> {
        for id in [whole, part] {
            if !self.kinds.contains_key(&id) {
                return Err(QualificationError::UnknownKind { id });
            }
        }
        if self.includes(part, whole) {
            return Err(QualificationError::Cycle {
                includer: whole,
                included: part,
            });
        }
        if !self.edges.insert((whole, part)) {
            return Ok(());
        }
        let below: Vec<QualificationId> = self
            .closure
            .get(&part)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        for set in self.closure.values_mut() {
            if set.contains(&whole) {
                set.extend(below.iter().copied());
            }
        }
        Ok(())
    }

    /// Whether holding `held` meets a requirement for `required`: they are equal, or `held`
    /// includes `required` through one or more edges. Unknown ids include only themselves.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationGraph, QualificationId, QualificationKind};
    /// let q = |n| QualificationId::from_parts(1_600_000_000_000, n);
    /// let mut g = QualificationGraph::new();
    /// for (n, name) in [(1, "doctor"), (2, "nurse"), (3, "first aid")] {
    ///     g.add_kind(QualificationKind::new(q(n), name, None)?)?;
    /// }
    /// g.add_includes(q(1), q(2))?;
    /// g.add_includes(q(2), q(3))?;
    /// assert!(g.includes(q(1), q(3))); // transitive
    /// assert!(g.includes(q(3), q(3))); // reflexive
    /// assert!(!g.includes(q(3), q(1)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn includes(&self, held: QualificationId, required: QualificationId) -> bool {
        held == required
            || self
                .closure
                .get(&held)
                .is_some_and(|set| set.contains(&required))
    }

    /// The kind with this id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationGraph, QualificationId, QualificationKind};
    /// let id = QualificationId::from_parts(1_600_000_000_000, 1);
    /// let mut g = QualificationGraph::new();
    /// g.add_kind(QualificationKind::new(id, "first aid", Some(36))?)?;
    /// assert_eq!(g.kind(id).and_then(|k| k.default_validity_months()), Some(36));
    /// assert!(g.kind(QualificationId::from_parts(1_600_000_000_000, 2)).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn kind(&self, id: QualificationId) -> Option<&QualificationKind> {
        self.kinds.get(&id)
    }

    /// All kinds, ordered by id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationGraph, QualificationId, QualificationKind};
    /// let q = |n| QualificationId::from_parts(1_600_000_000_000, n);
    /// let mut g = QualificationGraph::new();
    /// g.add_kind(QualificationKind::new(q(2), "nurse", None)?)?;
    /// g.add_kind(QualificationKind::new(q(1), "doctor", None)?)?;
    /// let names: Vec<&str> = g.kinds().map(|k| k.name()).collect();
    /// assert_eq!(names, ["doctor", "nurse"]); // ordered by id
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn kinds(&self) -> impl Iterator<Item = &QualificationKind> {
        self.kinds.values()
    }

    /// The direct "includes" edges, ordered.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationGraph, QualificationId, QualificationKind};
    /// let q = |n| QualificationId::from_parts(1_600_000_000_000, n);
    /// let mut g = QualificationGraph::new();
    /// for (n, name) in [(1, "doctor"), (2, "nurse"), (3, "first aid")] {
    ///     g.add_kind(QualificationKind::new(q(n), name, None)?)?;
    /// }
    /// g.add_includes(q(1), q(2))?;
    /// g.add_includes(q(2), q(3))?;
    /// // Only the direct edges, not the derived doctor → first aid.
    /// assert_eq!(g.edges().collect::<Vec<_>>(), [(q(1), q(2)), (q(2), q(3))]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn edges(&self) -> impl Iterator<Item = (QualificationId, QualificationId)> + '_ {
        self.edges.iter().copied()
    }

    /// A grant of `kind` from `granted_on`, expiring after the kind's default validity.
    ///
    /// # Errors
    /// [`QualificationError::UnknownKind`] if `kind` is not in the graph.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{QualificationGraph, QualificationId, QualificationKind};
    /// let id = QualificationId::from_parts(1, 1);
    /// let mut g = QualificationGraph::new();
    /// g.add_kind(QualificationKind::new(id, "first aid", Some(36))?)?;
    /// let grant = g.grant_with_default_validity(id, NaiveDate::from_ymd_opt(2018, 7, 31).unwrap(), None)?;
    /// assert_eq!(grant.expires_on(), NaiveDate::from_ymd_opt(2021, 7, 31));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn grant_with_default_validity(
        &self,
        kind: QualificationId,
        granted_on: NaiveDate,
        issuer: Option<OrgId>,
    ) -> Result<QualificationGrant, QualificationError> {
        let k = self
            .kinds
            .get(&kind)
            .ok_or(QualificationError::UnknownKind { id: kind })?;
        let expires_on = k
            .default_validity_months
            .and_then(|m| granted_on.checked_add_months(Months::new(m)));
        QualificationGrant::new(kind, granted_on, expires_on, issuer)
    }

    /// Checks whether `grants` meet `required` on `day`, through the includes graph.
    ///
    /// # Errors
    /// A [`QualificationShortfall`] that says how to fix it: a grant that becomes valid later
    /// ([`NotYetValid`](QualificationShortfall::NotYetValid), earliest first), else an
    /// expired grant ([`Expired`](QualificationShortfall::Expired), latest expiry), else
    /// [`Missing`](QualificationShortfall::Missing).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{QualificationGrant, QualificationGraph, QualificationId, QualificationKind, QualificationShortfall};
    /// let first_aid = QualificationId::from_parts(1, 1);
    /// let mut g = QualificationGraph::new();
    /// g.add_kind(QualificationKind::new(first_aid, "first aid", None)?)?;
    /// let d = |s: &str| s.parse::<NaiveDate>();
    /// let grant = QualificationGrant::new(first_aid, d("2018-08-01")?, Some(d("2021-07-31")?), None)?;
    /// let err = g.check(&[grant], first_aid, d("2021-08-02")?).unwrap_err();
    /// assert_eq!(err, QualificationShortfall::Expired { qualification: first_aid, on: d("2021-07-31")? });
    /// assert_eq!(err.describe(&g), "first aid expired on 2021-07-31");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(
        &self,
        grants: &[QualificationGrant],
        required: QualificationId,
        day: NaiveDate,
    ) -> Result<(), QualificationShortfall> {
        let mut upcoming: Option<&QualificationGrant> = None;
        let mut expired: Option<&QualificationGrant> = None;
        for g in grants
            .iter()
            .filter(|g| self.includes(g.qualification, required))
        {
            if g.is_valid_on(day) {
                return Ok(());
            }
            if g.granted_on > day {
                if upcoming.is_none_or(|u| g.granted_on < u.granted_on) {
                    upcoming = Some(g);
                }
            } else if expired.is_none_or(|e| g.expires_on > e.expires_on) {
                expired = Some(g);
            }
        }
        if let Some(u) = upcoming {
            return Err(QualificationShortfall::NotYetValid {
                qualification: u.qualification,
                from: u.granted_on,
            });
        }
        if let Some(on) = expired.and_then(|e| e.expires_on.map(|on| (e.qualification, on))) {
            return Err(QualificationShortfall::Expired {
                qualification: on.0,
                on: on.1,
            });
        }
        Err(QualificationShortfall::Missing {
            qualification: required,
        })
    }
}

/// A qualification held by a volunteer, valid on the days `[granted_on, expires_on)`;
/// `expires_on` is the first day it is no longer valid (`None`: never expires).
///
/// Serde shape: `{"qualification", "granted_on", "expires_on", "issuer"}`.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{QualificationGrant, QualificationId};
/// let d = |s: &str| s.parse::<NaiveDate>();
/// let g = QualificationGrant::new(QualificationId::from_parts(1, 1), d("2018-08-01")?, Some(d("2021-07-31")?), None)?;
/// assert!(g.is_valid_on(d("2021-07-30")?));
/// assert!(!g.is_valid_on(d("2021-07-31")?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "GrantWire", into = "GrantWire"))]
pub struct QualificationGrant {
    qualification: QualificationId,
    granted_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    issuer: Option<OrgId>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct GrantWire {
    qualification: QualificationId,
    granted_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    issuer: Option<OrgId>,
}

#[cfg(feature = "serde")]
impl TryFrom<GrantWire> for QualificationGrant {
    type Error = QualificationError;
    fn try_from(w: GrantWire) -> Result<Self, QualificationError> {
        Self::new(w.qualification, w.granted_on, w.expires_on, w.issuer)
    }
}

#[cfg(feature = "serde")]
impl From<QualificationGrant> for GrantWire {
    fn from(g: QualificationGrant) -> Self {
        Self {
            qualification: g.qualification,
            granted_on: g.granted_on,
            expires_on: g.expires_on,
            issuer: g.issuer,
        }
    }
}

impl QualificationGrant {
    /// Builds a grant.
    ///
    /// # Errors
    /// [`QualificationError::ExpiresBeforeStart`] if `expires_on <= granted_on`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{QualificationError, QualificationGrant, QualificationId};
    /// let q = QualificationId::from_parts(1_600_000_000_000, 1);
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let grant = QualificationGrant::new(q, d(2020, 5, 1), Some(d(2023, 5, 1)), None)?;
    /// assert!(grant.is_valid_on(d(2021, 7, 21)));
    /// assert!(matches!(
    ///     QualificationGrant::new(q, d(2020, 5, 1), Some(d(2020, 5, 1)), None),
    ///     Err(QualificationError::ExpiresBeforeStart { .. })
    /// ));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(
        qualification: QualificationId,
        granted_on: NaiveDate,
        expires_on: Option<NaiveDate>,
        issuer: Option<OrgId>,
    ) -> Result<Self, QualificationError> {
        if let Some(e) = expires_on
            && e <= granted_on
        {
            return Err(QualificationError::ExpiresBeforeStart {
                what: "qualification grant",
                from: granted_on,
                expires_on: e,
            });
        }
        Ok(Self {
            qualification,
            granted_on,
            expires_on,
            issuer,
        })
    }

    /// The granted qualification.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{QualificationGrant, QualificationId};
    /// let q = QualificationId::from_parts(1_600_000_000_000, 1);
    /// let grant = QualificationGrant::new(q, NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(), None, None)?;
    /// assert_eq!(grant.qualification(), q);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn qualification(&self) -> QualificationId {
        self.qualification
    }

    /// The first valid day.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{QualificationGrant, QualificationId};
    /// let on = NaiveDate::from_ymd_opt(2020, 5, 1).unwrap();
    /// let grant = QualificationGrant::new(QualificationId::from_parts(1_600_000_000_000, 1), on, None, None)?;
    /// assert_eq!(grant.granted_on(), on);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn granted_on(&self) -> NaiveDate {
        self.granted_on
    }

    /// The first day no longer valid, if it expires.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{QualificationGrant, QualificationId};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let q = QualificationId::from_parts(1_600_000_000_000, 1);
    /// assert_eq!(QualificationGrant::new(q, d(2020, 5, 1), Some(d(2023, 5, 1)), None)?.expires_on(), Some(d(2023, 5, 1)));
    /// assert_eq!(QualificationGrant::new(q, d(2020, 5, 1), None, None)?.expires_on(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn expires_on(&self) -> Option<NaiveDate> {
        self.expires_on
    }

    /// The issuing organisation, if recorded.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{OrgId, QualificationGrant, QualificationId};
    /// let red_cross = OrgId::from_parts(1_600_000_000_000, 9);
    /// let grant = QualificationGrant::new(
    ///     QualificationId::from_parts(1_600_000_000_000, 1),
    ///     NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
    ///     None,
    ///     Some(red_cross),
    /// )?;
    /// assert_eq!(grant.issuer(), Some(red_cross));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn issuer(&self) -> Option<OrgId> {
        self.issuer
    }

    /// Whether the grant is valid on `day`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{QualificationGrant, QualificationId};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let grant = QualificationGrant::new(QualificationId::from_parts(1_600_000_000_000, 1), d(2020, 5, 1), Some(d(2023, 5, 1)), None)?;
    /// assert!(grant.is_valid_on(d(2020, 5, 1)));
    /// assert!(!grant.is_valid_on(d(2023, 5, 1))); // the expiry day is excluded
    /// assert!(!grant.is_valid_on(d(2020, 4, 30)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.granted_on <= day && self.expires_on.is_none_or(|e| day < e)
    }
}

/// A completed training (培训, FIT-02), valid on the days `[completed_on, expires_on)`.
///
/// Serde shape: `{"training", "completed_on", "expires_on"}`.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{TrainingId, TrainingRecord};
/// let d = |s: &str| s.parse::<NaiveDate>();
/// let t = TrainingRecord::new(TrainingId::from_parts(1, 1), d("2021-07-20")?, None)?;
/// assert!(t.is_valid_on(d("2030-01-01")?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "TrainingWire", into = "TrainingWire")
)]
pub struct TrainingRecord {
    training: TrainingId,
    completed_on: NaiveDate,
    expires_on: Option<NaiveDate>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct TrainingWire {
    training: TrainingId,
    completed_on: NaiveDate,
    expires_on: Option<NaiveDate>,
}

#[cfg(feature = "serde")]
impl TryFrom<TrainingWire> for TrainingRecord {
    type Error = QualificationError;
    fn try_from(w: TrainingWire) -> Result<Self, QualificationError> {
        Self::new(w.training, w.completed_on, w.expires_on)
    }
}

#[cfg(feature = "serde")]
impl From<TrainingRecord> for TrainingWire {
    fn from(t: TrainingRecord) -> Self {
        Self {
            training: t.training,
            completed_on: t.completed_on,
            expires_on: t.expires_on,
        }
    }
}

impl TrainingRecord {
    /// Builds a training record.
    ///
    /// # Errors
    /// [`QualificationError::ExpiresBeforeStart`] if `expires_on <= completed_on`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{QualificationError, TrainingId, TrainingRecord};
    /// let t = TrainingId::from_parts(1_600_000_000_000, 1);
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let r = TrainingRecord::new(t, d(2021, 7, 20), Some(d(2022, 7, 20)))?;
    /// assert!(r.is_valid_on(d(2021, 7, 21)));
    /// assert!(matches!(
    ///     TrainingRecord::new(t, d(2021, 7, 20), Some(d(2021, 7, 1))),
    ///     Err(QualificationError::ExpiresBeforeStart { .. })
    /// ));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(
        training: TrainingId,
        completed_on: NaiveDate,
        expires_on: Option<NaiveDate>,
    ) -> Result<Self, QualificationError> {
        if let Some(e) = expires_on
            && e <= completed_on
        {
            return Err(QualificationError::ExpiresBeforeStart {
                what: "training record",
                from: completed_on,
                expires_on: e,
            });
        }
        Ok(Self {
            training,
            completed_on,
            expires_on,
        })
    }

    /// The training completed.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{TrainingId, TrainingRecord};
    /// let t = TrainingId::from_parts(1_600_000_000_000, 1);
    /// assert_eq!(TrainingRecord::new(t, NaiveDate::from_ymd_opt(2021, 7, 20).unwrap(), None)?.training(), t);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn training(&self) -> TrainingId {
        self.training
    }

    /// The day it was completed (the first valid day).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{TrainingId, TrainingRecord};
    /// let on = NaiveDate::from_ymd_opt(2021, 7, 20).unwrap();
    /// assert_eq!(TrainingRecord::new(TrainingId::from_parts(1_600_000_000_000, 1), on, None)?.completed_on(), on);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn completed_on(&self) -> NaiveDate {
        self.completed_on
    }

    /// The first day no longer valid, if it expires.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{TrainingId, TrainingRecord};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let t = TrainingId::from_parts(1_600_000_000_000, 1);
    /// assert_eq!(TrainingRecord::new(t, d(2021, 7, 20), Some(d(2022, 7, 20)))?.expires_on(), Some(d(2022, 7, 20)));
    /// assert_eq!(TrainingRecord::new(t, d(2021, 7, 20), None)?.expires_on(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn expires_on(&self) -> Option<NaiveDate> {
        self.expires_on
    }

    /// Whether the record is valid on `day`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{TrainingId, TrainingRecord};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let r = TrainingRecord::new(TrainingId::from_parts(1_600_000_000_000, 1), d(2021, 7, 20), Some(d(2022, 7, 20)))?;
    /// assert!(r.is_valid_on(d(2021, 7, 20)));
    /// assert!(!r.is_valid_on(d(2022, 7, 20)));
    /// assert!(!r.is_valid_on(d(2021, 7, 19)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.completed_on <= day && self.expires_on.is_none_or(|e| day < e)
    }
}

/// Why a set of grants does not meet a qualification requirement, in a fixable form.
///
/// Serde shape: `{"missing": {"qualification"}}`, `{"expired": {"qualification", "on"}}`,
/// `{"not_yet_valid": {"qualification", "from"}}`.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{QualificationId, QualificationShortfall};
/// let q = QualificationId::from_parts(1, 1);
/// let s = QualificationShortfall::Expired { qualification: q, on: NaiveDate::from_ymd_opt(2021, 7, 31).unwrap() };
/// assert_eq!(s.to_string(), format!("qualification {q} expired on 2021-07-31"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum QualificationShortfall {
    /// No grant of the qualification or of one that includes it.
    #[error("qualification {qualification} missing")]
    Missing {
        /// The required qualification.
        qualification: QualificationId,
    },
    /// The best matching grant expired.
    #[error("qualification {qualification} expired on {on}")]
    Expired {
        /// The granted qualification that expired.
        qualification: QualificationId,
        /// Its expiry day (the first day it was no longer valid).
        on: NaiveDate,
    },
    /// A matching grant only becomes valid later.
    #[error("qualification {qualification} not valid before {from}")]
    NotYetValid {
        /// The granted qualification.
        qualification: QualificationId,
        /// Its first valid day.
        from: NaiveDate,
    },
}

impl QualificationShortfall {
    /// The shortfall in words, with the qualification's name from `graph` (its id if the
    /// graph does not know it): `first aid expired on 2021-07-31`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{QualificationGraph, QualificationId, QualificationKind, QualificationShortfall};
    /// let q = QualificationId::from_parts(1_600_000_000_000, 1);
    /// let mut g = QualificationGraph::new();
    /// g.add_kind(QualificationKind::new(q, "first aid", None)?)?;
    /// let s = QualificationShortfall::Expired { qualification: q, on: NaiveDate::from_ymd_opt(2021, 7, 31).unwrap() };
    /// assert_eq!(s.describe(&g), "first aid expired on 2021-07-31");
    /// assert_eq!(s.describe(&QualificationGraph::new()), format!("qualification {q} expired on 2021-07-31"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn describe(&self, graph: &QualificationGraph) -> String {
        let name = |id: QualificationId| {
            graph
                .kind(id)
                .map_or_else(|| format!("qualification {id}"), |k| k.name().to_owned())
        };
        match *self {
            Self::Missing { qualification } => format!("{} missing", name(qualification)),
            Self::Expired { qualification, on } => {
                format!("{} expired on {on}", name(qualification))
            }
            Self::NotYetValid {
                qualification,
                from,
            } => format!("{} not valid before {from}", name(qualification)),
        }
    }
}

/// Why a set of training records does not meet a training requirement.
///
/// Serde shape as for [`QualificationShortfall`], with a `training` field.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{check_training, TrainingId, TrainingShortfall};
/// let t = TrainingId::from_parts(1, 1);
/// let err = check_training(&[], t, NaiveDate::from_ymd_opt(2021, 7, 31).unwrap()).unwrap_err();
/// assert_eq!(err, TrainingShortfall::Missing { training: t });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum TrainingShortfall {
    /// No record of the training.
    #[error("training {training} missing")]
    Missing {
        /// The required training.
        training: TrainingId,
    },
    /// The latest record expired.
    #[error("training {training} expired on {on}")]
    Expired {
        /// The training.
        training: TrainingId,
        /// The first day it was no longer valid.
        on: NaiveDate,
    },
    /// The only records are dated later.
    #[error("training {training} not valid before {from}")]
    NotYetValid {
        /// The training.
        training: TrainingId,
        /// The earliest completion day on record.
        from: NaiveDate,
    },
}

/// Checks whether `records` include a valid record of `required` on `day`.
///
/// # Errors
/// A [`TrainingShortfall`]: a later record (`NotYetValid`), else the latest expiry
/// (`Expired`), else `Missing`.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{check_training, TrainingId, TrainingRecord};
/// let t = TrainingId::from_parts(1, 1);
/// let d = |s: &str| s.parse::<NaiveDate>();
/// let r = TrainingRecord::new(t, d("2021-07-20")?, Some(d("2022-07-20")?))?;
/// assert!(check_training(&[r], t, d("2021-07-21")?).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_training(
    records: &[TrainingRecord],
    required: TrainingId,
    day: NaiveDate,
) -> Result<(), TrainingShortfall> {
    let mut upcoming: Option<NaiveDate> = None;
    let mut expired: Option<NaiveDate> = None;
    for r in records.iter().filter(|r| r.training == required) {
        if r.is_valid_on(day) {
            return Ok(());
        }
        if r.completed_on > day {
            upcoming = Some(upcoming.map_or(r.completed_on, |u| u.min(r.completed_on)));
        } else if let Some(e) = r.expires_on {
            expired = Some(expired.map_or(e, |x| x.max(e)));
        }
    }
    if let Some(from) = upcoming {
        return Err(TrainingShortfall::NotYetValid {
            training: required,
            from,
        });
    }
    if let Some(on) = expired {
        return Err(TrainingShortfall::Expired {
            training: required,
            on,
        });
    }
    Err(TrainingShortfall::Missing { training: required })
}

impl fmt::Display for QualificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(n: u64) -> QualificationId {
        QualificationId::from_parts(1_600_000_000_000, n)
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn graph(n: u64) -> QualificationGraph {
        let mut g = QualificationGraph::new();
        for i in 0..n {
            g.add_kind(QualificationKind::new(q(i), &format!("q{i}"), None).unwrap())
                .unwrap();
        }
        g
    }

    #[test]
    fn error_messages_are_pinned() {
        let mut g = graph(1);
        assert_eq!(
            g.add_kind(QualificationKind::new(q(0), "x", None).unwrap())
                .unwrap_err()
                .to_string(),
            format!(
                "qualification {} is already defined: ids must be unique",
                q(0)
            )
        );
        assert_eq!(
            g.add_includes(q(0), q(5)).unwrap_err().to_string(),
            format!("qualification {} is not defined in the graph", q(5))
        );
        insta::assert_snapshot!(
            QualificationKind::new(q(0), "", None).unwrap_err(),
            @r#"qualification name "" has 0 characters: expected 1..=64"#
        );
        assert_eq!(
            QualificationKind::new(q(0), "x", Some(0))
                .unwrap_err()
                .to_string(),
            format!(
                "qualification {} has a default validity of 0 months: expected at least 1",
                q(0)
            )
        );
        insta::assert_snapshot!(
            TrainingRecord::new(TrainingId::from_parts(1, 1), d("2021-07-01"), Some(d("2021-06-01"))).unwrap_err(),
            @"training record valid from 2021-07-01 expires on 2021-06-01: expiry must be after the start"
        );
        let t = TrainingId::from_parts(1, 1);
        assert_eq!(
            TrainingShortfall::NotYetValid {
                training: t,
                from: d("2021-07-01")
            }
            .to_string(),
            format!("training {t} not valid before 2021-07-01")
        );
        assert_eq!(
            QualificationShortfall::Missing {
                qualification: q(0)
            }
            .describe(&graph(1)),
            "q0 missing"
        );
        assert_eq!(
            QualificationShortfall::NotYetValid {
                qualification: q(9),
                from: d("2021-07-01")
            }
            .describe(&graph(1)),
            format!("qualification {} not valid before 2021-07-01", q(9))
        );
    }

    #[test]
    fn includes_is_reflexive_and_transitive() {
        let mut g = graph(4);
        g.add_includes(q(2), q(1)).unwrap();
        g.add_includes(q(1), q(0)).unwrap();
        assert!(g.includes(q(2), q(0)));
        assert!(g.includes(q(3), q(3)));
        assert!(!g.includes(q(0), q(2)));
        assert!(!g.includes(q(3), q(0)));
        // Adding an edge above an existing chain updates everything above it.
        g.add_includes(q(3), q(2)).unwrap();
        assert!(g.includes(q(3), q(0)));
    }

    #[test]
    fn a_cycle_is_rejected_and_changes_nothing() {
        let mut g = graph(3);
        g.add_includes(q(2), q(1)).unwrap();
        g.add_includes(q(1), q(0)).unwrap();
        let before = g.clone();
        assert_eq!(
            g.add_includes(q(0), q(2)),
            Err(QualificationError::Cycle {
                includer: q(0),
                included: q(2)
            })
        );
        assert_eq!(g, before);
        assert!(!g.includes(q(0), q(2)));
        assert!(matches!(
            g.add_includes(q(0), q(9)),
            Err(QualificationError::UnknownKind { .. })
        ));
        assert_eq!(g, before);
        assert!(matches!(
            g.add_kind(QualificationKind::new(q(0), "again", None).unwrap()),
            Err(QualificationError::DuplicateKind { .. })
        ));
        assert_eq!(g, before);
    }

    #[test]
    fn check_explains_missing_expired_and_not_yet_valid() {
        let mut g = graph(2);
        g.add_includes(q(1), q(0)).unwrap(); // paramedic includes first aid
        let first_aid =
            QualificationGrant::new(q(0), d("2018-08-01"), Some(d("2021-07-31")), None).unwrap();
        assert_eq!(g.check(&[first_aid], q(0), d("2021-07-30")), Ok(()));
        assert_eq!(
            g.check(&[first_aid], q(0), d("2021-07-31")),
            Err(QualificationShortfall::Expired {
                qualification: q(0),
                on: d("2021-07-31")
            })
        );
        assert_eq!(
            g.check(&[first_aid], q(1), d("2021-07-30")),
            Err(QualificationShortfall::Missing {
                qualification: q(1)
            })
        );
        let paramedic = QualificationGrant::new(q(1), d("2021-09-01"), None, None).unwrap();
        assert_eq!(
            g.check(&[first_aid, paramedic], q(0), d("2021-08-15")),
            Err(QualificationShortfall::NotYetValid {
                qualification: q(1),
                from: d("2021-09-01")
            })
        );
        assert_eq!(
            g.check(&[first_aid, paramedic], q(0), d("2021-09-01")),
            Ok(())
        );
        let err = g.check(&[first_aid], q(0), d("2021-08-01")).unwrap_err();
        assert_eq!(err.describe(&g), "q0 expired on 2021-07-31");
    }

    #[test]
    fn training_check_explains() {
        let t = TrainingId::from_parts(1, 1);
        let r = TrainingRecord::new(t, d("2021-01-01"), Some(d("2021-07-01"))).unwrap();
        assert_eq!(check_training(&[r], t, d("2021-03-01")), Ok(()));
        assert_eq!(
            check_training(&[r], t, d("2021-07-01")),
            Err(TrainingShortfall::Expired {
                training: t,
                on: d("2021-07-01")
            })
        );
        assert_eq!(
            check_training(&[r], t, d("2020-12-31")),
            Err(TrainingShortfall::NotYetValid {
                training: t,
                from: d("2021-01-01")
            })
        );
        assert!(TrainingRecord::new(t, d("2021-01-01"), Some(d("2021-01-01"))).is_err());
    }

    #[test]
    fn grants_reject_reversed_validity_and_default_validity_applies() {
        assert!(matches!(
            QualificationGrant::new(q(0), d("2021-01-01"), Some(d("2020-01-01")), None),
            Err(QualificationError::ExpiresBeforeStart { .. })
        ));
        let mut g = QualificationGraph::new();
        g.add_kind(QualificationKind::new(q(0), "first aid", Some(36)).unwrap())
            .unwrap();
        let grant = g
            .grant_with_default_validity(q(0), d("2018-07-31"), None)
            .unwrap();
        assert_eq!(grant.expires_on(), Some(d("2021-07-31")));
        assert!(QualificationKind::new(q(1), " ", None).is_err());
        assert!(QualificationKind::new(q(1), "x", Some(0)).is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn graph_round_trips_and_rejects_cycles_on_the_wire() {
        let mut g = graph(3);
        g.add_includes(q(2), q(1)).unwrap();
        g.add_includes(q(1), q(0)).unwrap();
        let json = serde_json::to_string(&g).unwrap();
        let back: QualificationGraph = serde_json::from_str(&json).unwrap();
        assert_eq!(back, g);
        assert!(back.includes(q(2), q(0)));
        let mut wire: serde_json::Value = serde_json::from_str(&json).unwrap();
        wire["includes"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!([q(0), q(2)]));
        assert!(serde_json::from_value::<QualificationGraph>(wire).is_err());
    }

    proptest! {
        /// Random edge insertions: the graph stays acyclic, rejected edges change nothing,
        /// and `includes` equals reachability computed by brute force.
        #[test]
        fn closure_matches_brute_force_reachability(edges in prop::collection::vec((0_u64..8, 0_u64..8), 0..30)) {
            let mut g = graph(8);
            let mut accepted: Vec<(u64, u64)> = Vec::new();
            for (a, b) in edges {
                let before = g.clone();
                if g.add_includes(q(a), q(b)).is_ok() {
                    accepted.push((a, b));
                } else {
                    prop_assert_eq!(&g, &before);
                }
            }
            let reach = |from: u64, to: u64| {
                let mut seen = vec![from];
                let mut stack = vec![from];
                while let Some(x) = stack.pop() {
                    for &(a, b) in &accepted {
                        if a == x && !seen.contains(&b) {
                            seen.push(b);
                            stack.push(b);
                        }
                    }
                }
                seen.contains(&to)
            };
            for a in 0..8 {
                for b in 0..8 {
                    prop_assert_eq!(g.includes(q(a), q(b)), reach(a, b));
                    if a != b {
                        prop_assert!(!(reach(a, b) && reach(b, a)), "cycle {a} {b}");
                    }
                }
            }
        }
    }
}
