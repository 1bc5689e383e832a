//! Teams → jurisdictions (结对): apportion teams to jurisdictions in proportion to demand,
//! then choose which team pairs with which, exactly, with the transportation solver.
//!
//! Zhenjiang paired 59 teams with its 20 towns in 2021. Here each jurisdiction's quota is its
//! exact largest-remainder (Hamilton) share of the pairings by demand (households or people);
//! each team takes at most its capacity `k` of jurisdictions, each jurisdiction at most once;
//! and among the pairings that meet as many quota places as possible, the total score
//! (affinity, 属地 jurisdiction match, distance) is maximal. Filling dominates the score with
//! the same scaling as [`Matcher`](super::Matcher): cost `S − score`, unfilled penalty
//! `S + P`, `P = T·S + 1` with `T` the number of pairings.

use std::collections::BTreeMap;

use crate::{DivisionCode, GeoPoint, TeamId};

use super::score::{FACTOR_POINTS, distance_points, jurisdiction_points};
use super::{MatchError, TransportBuilder};

/// Splits `total` into integer parts proportional to `weights` by the largest-remainder
/// (Hamilton) method: each part is `⌊total·w/Σw⌋` or one more; the leftover units go to the
/// largest remainders, ties to the lower index. Exact integer arithmetic.
///
/// # Errors
/// [`MatchError::InvalidPolicy`] if every weight is 0 while `total > 0`.
///
/// # Example
/// ```
/// use volunteer_service::matching::apportion;
/// assert_eq!(apportion(10, &[5, 3, 2])?, vec![5, 3, 2]);
/// assert_eq!(apportion(7, &[1, 1, 1])?, vec![3, 2, 2]);
/// assert_eq!(apportion(59, &[120, 80, 30])?.iter().sum::<u32>(), 59);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn apportion(total: u32, weights: &[u64]) -> Result<Vec<u32>, MatchError> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 {
        if total == 0 {
            return Ok(vec![0; weights.len()]);
        }
        return Err(MatchError::InvalidPolicy {
            field: "demand",
            value: 0,
            rule: "total demand must be positive to apportion pairings",
        });
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    let mut given = 0_u32;
    for (i, &w) in weights.iter().enumerate() {
        let num = u128::from(total) * u128::from(w);
        let q = u32::try_from(num / sum).unwrap_or(total);
        given += q;
        parts.push(q);
        rems.push((num % sum, i));
    }
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rems.iter().take(total.saturating_sub(given) as usize) {
        if let Some(p) = parts.get_mut(i) {
            *p += 1;
        }
    }
    Ok(parts)
}

/// A jurisdiction asking for teams: its division, demand and (optional) centre.
///
/// Serde shape: `{"division": "321181001", "demand": 12000, "point": {…} | null}`.
///
/// # Example
/// ```
/// use volunteer_service::matching::JurisdictionDemand;
/// let j = JurisdictionDemand::new("321181001".parse()?, 12_000);
/// assert_eq!(j.demand(), 12_000);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct JurisdictionDemand {
    division: DivisionCode,
    demand: u64,
    point: Option<GeoPoint>,
}

impl JurisdictionDemand {
    /// A jurisdiction with a demand (households or people).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::JurisdictionDemand;
    /// let j = JurisdictionDemand::new("321181001".parse()?, 12_000);
    /// assert_eq!((j.division().to_string().as_str(), j.demand(), j.point()), ("321181001", 12_000, None));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn new(division: DivisionCode, demand: u64) -> Self {
        Self {
            division,
            demand,
            point: None,
        }
    }
    /// With a centre point, for the distance factor.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::JurisdictionDemand, GeoPoint};
    /// let centre = GeoPoint::from_micro_degrees(32_003_000, 119_578_000)?;
    /// let j = JurisdictionDemand::new("321181001".parse()?, 12_000).with_point(centre);
    /// assert_eq!(j.point(), Some(centre));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn with_point(mut self, point: GeoPoint) -> Self {
        self.point = Some(point);
        self
    }
    /// The division.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::JurisdictionDemand;
    /// let j = JurisdictionDemand::new("321181001".parse()?, 12_000);
    /// assert_eq!(j.division().to_string(), "321181001");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn division(&self) -> DivisionCode {
        self.division
    }
    /// The demand.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::JurisdictionDemand;
    /// assert_eq!(JurisdictionDemand::new("321181001".parse()?, 8_500).demand(), 8_500);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn demand(&self) -> u64 {
        self.demand
    }
    /// The centre, if known.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::JurisdictionDemand, GeoPoint};
    /// let j = JurisdictionDemand::new("321181001".parse()?, 12_000);
    /// assert_eq!(j.point(), None);
    /// let centre = GeoPoint::from_micro_degrees(32_003_000, 119_578_000)?;
    /// assert_eq!(j.with_point(centre).point(), Some(centre));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn point(&self) -> Option<GeoPoint> {
        self.point
    }
}

/// A team offering to pair: at most `capacity` jurisdictions, its home division and base, and
/// affinities (0..=100 points) for particular divisions (prior work, an agreement).
///
/// Serde shape: `{"team": "…", "capacity": 1, "home": "321181" | null, "point": … | null,
/// "affinity": {"321181001": 80}}`.
///
/// # Example
/// ```
/// use volunteer_service::{matching::TeamOffer, TeamId};
/// let t = TeamOffer::new(TeamId::from_parts(1, 1), 2).with_affinity("321181001".parse()?, 80);
/// assert_eq!(t.capacity(), 2);
/// assert_eq!(t.affinity("321181001".parse()?), 80);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "TeamOfferWire", into = "TeamOfferWire")
)]
pub struct TeamOffer {
    team: TeamId,
    capacity: u32,
    home: Option<DivisionCode>,
    point: Option<GeoPoint>,
    affinity: BTreeMap<DivisionCode, u32>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct TeamOfferWire {
    team: TeamId,
    capacity: u32,
    home: Option<DivisionCode>,
    point: Option<GeoPoint>,
    affinity: BTreeMap<DivisionCode, u32>,
}

#[cfg(feature = "serde")]
impl TryFrom<TeamOfferWire> for TeamOffer {
    type Error = MatchError;
    fn try_from(w: TeamOfferWire) -> Result<Self, MatchError> {
        if let Some((_, &p)) = w.affinity.iter().find(|(_, p)| **p > FACTOR_POINTS) {
            return Err(MatchError::InvalidPolicy {
                field: "affinity",
                value: u64::from(p),
                rule: "points must be at most 100",
            });
        }
        Ok(Self {
            team: w.team,
            capacity: w.capacity,
            home: w.home,
            point: w.point,
            affinity: w.affinity,
        })
    }
}

#[cfg(feature = "serde")]
impl From<TeamOffer> for TeamOfferWire {
    fn from(t: TeamOffer) -> Self {
        Self {
            team: t.team,
            capacity: t.capacity,
            home: t.home,
            point: t.point,
            affinity: t.affinity,
        }
    }
}

impl TeamOffer {
    /// A team taking at most `capacity` jurisdictions.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::TeamOffer, TeamId};
    /// let t = TeamOffer::new(TeamId::from_parts(1, 1), 2);
    /// assert_eq!((t.team(), t.capacity()), (TeamId::from_parts(1, 1), 2));
    /// assert_eq!(t.affinity("321181001".parse()?), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn new(team: TeamId, capacity: u32) -> Self {
        Self {
            team,
            capacity,
            home: None,
            point: None,
            affinity: BTreeMap::new(),
        }
    }
    /// With a home division (for the jurisdiction factor).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// let (a, b) = ("321181001".parse()?, "321181002".parse()?);
    /// let towns = vec![JurisdictionDemand::new(a, 100), JurisdictionDemand::new(b, 100)];
    /// let (local, other) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// let teams = vec![TeamOffer::new(local, 1).with_home(b), TeamOffer::new(other, 1)];
    /// let out = PairingRequest::new(towns, teams, 2)?.solve()?;
    /// let plan = out.plans().iter().find(|p| p.team() == local).map(|p| (p.division(), p.score()));
    /// assert_eq!(plan, Some((b, 2 * 100))); // 属地: paired with its home town
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn with_home(mut self, home: DivisionCode) -> Self {
        self.home = Some(home);
        self
    }
    /// With a base point (for the distance factor).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, GeoPoint, TeamId};
    /// let base = GeoPoint::from_micro_degrees(32_003_000, 119_578_000)?;
    /// let town = JurisdictionDemand::new("321181001".parse()?, 100).with_point(base);
    /// let team = TeamOffer::new(TeamId::from_parts(1, 1), 1).with_point(base);
    /// let out = PairingRequest::new(vec![town], vec![team], 1)?.solve()?;
    /// assert_eq!(out.score(), 2 * 100); // 0 m away: full distance points, weight 2
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn with_point(mut self, point: GeoPoint) -> Self {
        self.point = Some(point);
        self
    }
    /// With an affinity for a division, clamped to 100 points.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::TeamOffer, TeamId};
    /// let a = "321181001".parse()?;
    /// let t = TeamOffer::new(TeamId::from_parts(1, 1), 1).with_affinity(a, 80);
    /// assert_eq!(t.affinity(a), 80);
    /// assert_eq!(t.with_affinity(a, 150).affinity(a), 100); // clamped
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn with_affinity(mut self, division: DivisionCode, points: u32) -> Self {
        self.affinity.insert(division, points.min(FACTOR_POINTS));
        self
    }
    /// The team.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::TeamOffer, TeamId};
    /// assert_eq!(TeamOffer::new(TeamId::from_parts(1, 9), 1).team(), TeamId::from_parts(1, 9));
    /// ```
    pub const fn team(&self) -> TeamId {
        self.team
    }
    /// Most jurisdictions it takes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::TeamOffer, TeamId};
    /// assert_eq!(TeamOffer::new(TeamId::from_parts(1, 1), 3).capacity(), 3);
    /// ```
    pub const fn capacity(&self) -> u32 {
        self.capacity
    }
    /// Affinity points for a division (0 if none given).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::TeamOffer, TeamId};
    /// let (a, b) = ("321181001".parse()?, "321181002".parse()?);
    /// let t = TeamOffer::new(TeamId::from_parts(1, 1), 1).with_affinity(a, 60);
    /// assert_eq!((t.affinity(a), t.affinity(b)), (60, 0));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn affinity(&self, division: DivisionCode) -> u32 {
        self.affinity.get(&division).copied().unwrap_or(0)
    }
}

/// A pairing problem: jurisdictions with demand, teams with capacity, how many pairings to
/// make, and the factor weights (affinity 3, jurisdiction 2, distance 2; reach 30 km).
///
/// # Example
/// ```
/// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
/// let towns = vec![JurisdictionDemand::new("321181001".parse()?, 300), JurisdictionDemand::new("321181002".parse()?, 100)];
/// let teams = (1..=4).map(|i| TeamOffer::new(TeamId::from_parts(1, i), 1)).collect();
/// let out = PairingRequest::new(towns, teams, 4)?.solve()?;
/// assert_eq!(out.quotas(), &[3, 1]);
/// assert_eq!(out.plans().len(), 4);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PairingRequest {
    jurisdictions: Vec<JurisdictionDemand>,
    teams: Vec<TeamOffer>,
    pairings: u32,
    weights: [u32; 3],
    reach_m: u32,
}

impl PairingRequest {
    /// A request, sorted by division and team id.
    ///
    /// # Errors
    /// [`MatchError::DuplicateJurisdiction`], [`MatchError::DuplicateTeam`],
    /// [`MatchError::PairingCapacity`] if `pairings` exceeds what the teams can take.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, MatchError, PairingRequest, TeamOffer}, TeamId};
    /// let towns = vec![JurisdictionDemand::new("321181001".parse()?, 300), JurisdictionDemand::new("321181002".parse()?, 100)];
    /// let teams = vec![TeamOffer::new(TeamId::from_parts(1, 1), 1)];
    /// assert!(PairingRequest::new(towns.clone(), teams.clone(), 1).is_ok());
    /// let err = PairingRequest::new(towns, teams, 2).unwrap_err();
    /// assert!(matches!(err, MatchError::PairingCapacity { requested: 2, capacity: 1 }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(
        mut jurisdictions: Vec<JurisdictionDemand>,
        mut teams: Vec<TeamOffer>,
        pairings: u32,
    ) -> Result<Self, MatchError> {
        jurisdictions.sort_by_key(JurisdictionDemand::division);
        if let Some(w) = jurisdictions
            .windows(2)
            .find(|w| w[0].division == w[1].division)
        {
            return Err(MatchError::DuplicateJurisdiction {
                division: w[0].division,
            });
        }
        teams.sort_by_key(TeamOffer::team);
        if let Some(w) = teams.windows(2).find(|w| w[0].team == w[1].team) {
            return Err(MatchError::DuplicateTeam { team: w[0].team });
        }
        let j = jurisdictions.len() as u64;
        let capacity: u64 = teams.iter().map(|t| u64::from(t.capacity).min(j)).sum();
        if u64::from(pairings) > capacity {
            return Err(MatchError::PairingCapacity {
                requested: u64::from(pairings),
                capacity,
            });
        }
        Ok(Self {
            jurisdictions,
            teams,
            pairings,
            weights: [3, 2, 2],
            reach_m: 30_000,
        })
    }

    /// Sets the weights of affinity, jurisdiction and distance (each at most 1000).
    ///
    /// # Errors
    /// [`MatchError::InvalidPolicy`] if a weight exceeds 1000.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// let a = "321181001".parse()?;
    /// let team = TeamOffer::new(TeamId::from_parts(1, 1), 1).with_affinity(a, 80);
    /// let req = PairingRequest::new(vec![JurisdictionDemand::new(a, 100)], vec![team], 1)?;
    /// assert_eq!(req.solve()?.score(), 3 * 80); // default weights: affinity 3
    /// assert_eq!(req.with_weights(1, 0, 0)?.solve()?.score(), 80);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_weights(
        mut self,
        affinity: u32,
        jurisdiction: u32,
        distance: u32,
    ) -> Result<Self, MatchError> {
        for (field, w) in [
            ("affinity", affinity),
            ("jurisdiction", jurisdiction),
            ("distance", distance),
        ] {
            if w > super::MAX_WEIGHT {
                return Err(MatchError::InvalidPolicy {
                    field,
                    value: u64::from(w),
                    rule: "weight must be at most 1000",
                });
            }
        }
        self.weights = [affinity, jurisdiction, distance];
        Ok(self)
    }

    /// The jurisdictions, by division.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{JurisdictionDemand, PairingRequest};
    /// let (a, b) = ("321181001".parse()?, "321181002".parse()?);
    /// let towns = vec![JurisdictionDemand::new(b, 100), JurisdictionDemand::new(a, 300)];
    /// let req = PairingRequest::new(towns, vec![], 0)?;
    /// assert_eq!(req.jurisdictions()[0].division(), a); // by division
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn jurisdictions(&self) -> &[JurisdictionDemand] {
        &self.jurisdictions
    }

    /// The teams, by id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{PairingRequest, TeamOffer}, TeamId};
    /// let (t1, t2) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// let req = PairingRequest::new(vec![], vec![TeamOffer::new(t2, 1), TeamOffer::new(t1, 1)], 0)?;
    /// let ids: Vec<_> = req.teams().iter().map(TeamOffer::team).collect();
    /// assert_eq!(ids, [t1, t2]); // by id
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn teams(&self) -> &[TeamOffer] {
        &self.teams
    }

    /// How many pairings to make.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// let towns = vec![JurisdictionDemand::new("321181001".parse()?, 100)];
    /// let teams = (1..=3).map(|i| TeamOffer::new(TeamId::from_parts(1, i), 1)).collect();
    /// assert_eq!(PairingRequest::new(towns, teams, 3)?.pairings(), 3);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn pairings(&self) -> u32 {
        self.pairings
    }

    /// Scores a team for a jurisdiction.
    fn score(&self, t: &TeamOffer, j: &JurisdictionDemand) -> i64 {
        let [wa, wj, wd] = self.weights.map(i64::from);
        let d = match (t.point, j.point) {
            (Some(a), Some(b)) => Some(a.distance_m(b)),
            _ => None,
        };
        wa * i64::from(t.affinity(j.division))
            + wj * i64::from(jurisdiction_points(t.home, j.division))
            + wd * i64::from(distance_points(d, self.reach_m))
    }

    /// Apportions, then pairs exactly: the most quota places filled, then the highest total
    /// score. Deterministic.
    ///
    /// # Errors
    /// [`MatchError::TooLarge`] or [`MatchError::Solver`] if the instance is too large for
    /// exact integer costs.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// let (a, b) = ("321181001".parse()?, "321181002".parse()?);
    /// let towns = vec![JurisdictionDemand::new(a, 300), JurisdictionDemand::new(b, 100)];
    /// let teams = (1..=2).map(|i| TeamOffer::new(TeamId::from_parts(1, i), 2)).collect();
    /// let out = PairingRequest::new(towns, teams, 4)?.solve()?;
    /// assert_eq!(out.quotas(), &[3, 1]);
    /// assert_eq!(out.unfilled(), &[1, 0]); // a team pairs with a town at most once
    /// assert_eq!(out.plans().len(), 3);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn solve(&self) -> Result<PairingOutcome, MatchError> {
        let demands: Vec<u64> = self.jurisdictions.iter().map(|j| j.demand).collect();
        let quotas = apportion(self.pairings, &demands)?;
        let s_max =
            i64::from(FACTOR_POINTS) * self.weights.iter().map(|&w| i64::from(w)).sum::<i64>();
        let too_large = MatchError::TooLarge {
            slots: u64::from(self.pairings),
            max_score: s_max,
            max_priority: 1,
        };
        let p = i64::from(self.pairings)
            .checked_mul(s_max)
            .and_then(|x| x.checked_add(1))
            .and_then(|x| x.checked_add(s_max))
            .ok_or(too_large)?;
        let mut b = TransportBuilder::new();
        let sources: Vec<_> = self
            .teams
            .iter()
            .map(|t| b.add_source(t.capacity))
            .collect();
        let mut sinks = Vec::with_capacity(quotas.len());
        for &q in &quotas {
            sinks.push(b.add_sink(q, p)?);
        }
        for (t, &src) in self.teams.iter().zip(&sources) {
            for (j, &snk) in self.jurisdictions.iter().zip(&sinks) {
                b.add_arc(src, snk, s_max - self.score(t, j))?;
            }
        }
        let problem = b.build()?;
        let solution = problem.solve()?;
        let mut plans = Vec::new();
        for used in solution.assignment() {
            let (Some(t), Some(j)) = (
                self.teams.get(used.source().get() as usize),
                self.jurisdictions.get(used.sink().get() as usize),
            ) else {
                continue;
            };
            plans.push(PairingPlan {
                team: t.team,
                division: j.division,
                score: self.score(t, j),
            });
        }
        plans.sort_by_key(|p| (p.division, p.team));
        Ok(PairingOutcome {
            quotas,
            unfilled: solution.unfilled().to_vec(),
            plans,
        })
    }
}

/// One team paired with one jurisdiction, with its score.
///
/// Serde shape: `{"team": "…", "division": "321181001", "score": 500}`.
///
/// # Example
/// See [`PairingRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PairingPlan {
    team: TeamId,
    division: DivisionCode,
    score: i64,
}

impl PairingPlan {
    /// The team.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// # let (a, b) = ("321181001".parse()?, "321181002".parse()?);
    /// # let towns = vec![JurisdictionDemand::new(a, 300), JurisdictionDemand::new(b, 300)];
    /// # let (t1, t2) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let teams = vec![TeamOffer::new(t1, 1).with_affinity(a, 80), TeamOffer::new(t2, 1).with_affinity(b, 50)];
    /// let out = PairingRequest::new(towns, teams, 2)?.solve()?;
    /// assert_eq!(out.plans()[0].team(), t1); // t1 has the affinity for town a
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn team(&self) -> TeamId {
        self.team
    }
    /// The jurisdiction.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// # let (a, b) = ("321181001".parse()?, "321181002".parse()?);
    /// # let towns = vec![JurisdictionDemand::new(a, 300), JurisdictionDemand::new(b, 300)];
    /// # let (t1, t2) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let teams = vec![TeamOffer::new(t1, 1).with_affinity(a, 80), TeamOffer::new(t2, 1).with_affinity(b, 50)];
    /// let out = PairingRequest::new(towns, teams, 2)?.solve()?;
    /// let divisions: Vec<_> = out.plans().iter().map(|p| p.division()).collect();
    /// assert_eq!(divisions, [a, b]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn division(&self) -> DivisionCode {
        self.division
    }
    /// The score.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// # let (a, b) = ("321181001".parse()?, "321181002".parse()?);
    /// # let towns = vec![JurisdictionDemand::new(a, 300), JurisdictionDemand::new(b, 300)];
    /// # let (t1, t2) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let teams = vec![TeamOffer::new(t1, 1).with_affinity(a, 80), TeamOffer::new(t2, 1).with_affinity(b, 50)];
    /// let out = PairingRequest::new(towns, teams, 2)?.solve()?;
    /// assert_eq!(out.plans()[0].score(), 3 * 80); // affinity 80, weight 3
    /// assert_eq!(out.plans()[1].score(), 3 * 50);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn score(&self) -> i64 {
        self.score
    }
}

/// The result of [`PairingRequest::solve`]: quotas and unfilled places per jurisdiction (in
/// division order) and the pairings.
///
/// Serde shape: `{"quotas": [3, 1], "unfilled": [0, 0], "plans": [...]}`.
///
/// # Example
/// See [`PairingRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PairingOutcome {
    quotas: Vec<u32>,
    unfilled: Vec<u32>,
    plans: Vec<PairingPlan>,
}

impl PairingOutcome {
    /// Quota per jurisdiction, in division order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// let towns = vec![JurisdictionDemand::new("321181001".parse()?, 500), JurisdictionDemand::new("321181002".parse()?, 200)];
    /// let teams = (1..=7).map(|i| TeamOffer::new(TeamId::from_parts(1, i), 1)).collect();
    /// let out = PairingRequest::new(towns, teams, 7)?.solve()?;
    /// assert_eq!(out.quotas(), &[5, 2]); // in proportion to demand
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn quotas(&self) -> &[u32] {
        &self.quotas
    }
    /// Quota places left unfilled per jurisdiction.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// let towns = vec![JurisdictionDemand::new("321181001".parse()?, 300), JurisdictionDemand::new("321181002".parse()?, 100)];
    /// let teams = (1..=2).map(|i| TeamOffer::new(TeamId::from_parts(1, i), 2)).collect();
    /// let out = PairingRequest::new(towns, teams, 4)?.solve()?;
    /// assert_eq!(out.unfilled(), &[1, 0]); // quota 3, but only two teams
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn unfilled(&self) -> &[u32] {
        &self.unfilled
    }
    /// The pairings, by division then team.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// # let (a, b) = ("321181001".parse()?, "321181002".parse()?);
    /// # let towns = vec![JurisdictionDemand::new(a, 300), JurisdictionDemand::new(b, 300)];
    /// # let (t1, t2) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let teams = vec![TeamOffer::new(t1, 1).with_affinity(a, 80), TeamOffer::new(t2, 1).with_affinity(b, 50)];
    /// let out = PairingRequest::new(towns, teams, 2)?.solve()?;
    /// let pairs: Vec<_> = out.plans().iter().map(|p| (p.division(), p.team())).collect();
    /// assert_eq!(pairs, [(a, t1), (b, t2)]); // each team with the town it has an affinity for
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn plans(&self) -> &[PairingPlan] {
        &self.plans
    }
    /// The total score.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{JurisdictionDemand, PairingRequest, TeamOffer}, TeamId};
    /// # let (a, b) = ("321181001".parse()?, "321181002".parse()?);
    /// # let towns = vec![JurisdictionDemand::new(a, 300), JurisdictionDemand::new(b, 300)];
    /// # let (t1, t2) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// # let teams = vec![TeamOffer::new(t1, 1).with_affinity(a, 80), TeamOffer::new(t2, 1).with_affinity(b, 50)];
    /// let out = PairingRequest::new(towns, teams, 2)?.solve()?;
    /// assert_eq!(out.score(), 3 * 80 + 3 * 50);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn score(&self) -> i64 {
        self.plans.iter().map(|p| p.score).sum()
    }
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation, reason = "tests: counts are tiny")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(s: &str) -> DivisionCode {
        s.parse().unwrap()
    }

    #[test]
    fn zhenjiang_59_teams_20_towns_is_proportional_and_capped() {
        let towns: Vec<_> = (1..=20_u64)
            .map(|i| JurisdictionDemand::new(code(&format!("321181{i:03}")), 1_000 * i))
            .collect();
        let teams: Vec<_> = (1..=59)
            .map(|i| {
                TeamOffer::new(TeamId::from_parts(1, i), 1)
                    .with_home(code(&format!("321181{:03}", i % 20 + 1)))
            })
            .collect();
        let out = PairingRequest::new(towns.clone(), teams, 59)
            .unwrap()
            .solve()
            .unwrap();
        let demands: Vec<u64> = towns.iter().map(JurisdictionDemand::demand).collect();
        assert_eq!(out.quotas(), apportion(59, &demands).unwrap().as_slice());
        assert_eq!(out.quotas().iter().sum::<u32>(), 59);
        assert!(out.unfilled().iter().all(|&u| u == 0));
        for (j, q) in towns.iter().zip(out.quotas()) {
            let n = out
                .plans()
                .iter()
                .filter(|p| p.division() == j.division())
                .count();
            assert_eq!(n as u32, *q);
        }
        let mut per_team = BTreeMap::new();
        for p in out.plans() {
            *per_team.entry(p.team()).or_insert(0) += 1;
        }
        assert!(per_team.values().all(|&n| n == 1));
        // Home pairings score 200, every other one 80 (same county): the optimum pairs as
        // many teams at home as the quotas allow.
        let homes = |i: usize| (1..=59_usize).filter(|t| t % 20 + 1 == i).count() as u32;
        let most: u32 = (1..=20).map(|i| homes(i).min(out.quotas()[i - 1])).sum();
        let at_home = out.plans().iter().filter(|p| p.score() == 200).count() as u32;
        assert_eq!(at_home, most);
        assert_eq!(
            out.score(),
            i64::from(at_home) * 200 + i64::from(59 - at_home) * 80
        );
    }

    #[test]
    fn affinity_decides_who_goes_where() {
        let a = code("321181001");
        let b = code("321181002");
        let towns = vec![JurisdictionDemand::new(a, 1), JurisdictionDemand::new(b, 1)];
        let t1 = TeamOffer::new(TeamId::from_parts(1, 1), 1).with_affinity(b, 100);
        let t2 = TeamOffer::new(TeamId::from_parts(1, 2), 1).with_affinity(a, 100);
        let out = PairingRequest::new(towns, vec![t1, t2], 2)
            .unwrap()
            .solve()
            .unwrap();
        assert_eq!(out.plans()[0].team(), TeamId::from_parts(1, 2));
        assert_eq!(out.plans()[1].team(), TeamId::from_parts(1, 1));
        assert_eq!(out.score(), 600);
    }

    #[test]
    fn rejects_duplicates_and_excess() {
        let a = code("321181001");
        let j = JurisdictionDemand::new(a, 1);
        let t = TeamOffer::new(TeamId::from_parts(1, 1), 1);
        assert!(matches!(
            PairingRequest::new(vec![j, j], vec![t.clone()], 1),
            Err(MatchError::DuplicateJurisdiction { .. })
        ));
        assert!(matches!(
            PairingRequest::new(vec![j], vec![t.clone(), t.clone()], 1),
            Err(MatchError::DuplicateTeam { .. })
        ));
        assert_eq!(
            PairingRequest::new(vec![j], vec![t], 2)
                .unwrap_err()
                .to_string(),
            "2 pairings requested: the teams can take at most 1"
        );
        assert!(apportion(3, &[0, 0]).is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn team_offers_validate_affinity_on_deserialise() {
        let t = TeamOffer::new(TeamId::from_parts(1, 1), 2).with_affinity(code("321181001"), 80);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<TeamOffer>(&json).unwrap(), t);
        let bad = json.replace(":80", ":180");
        assert!(serde_json::from_str::<TeamOffer>(&bad).is_err());
    }

    proptest! {
        #[test]
        fn apportion_is_exact_and_within_one_of_the_quota(
            total in 0_u32..500,
            weights in prop::collection::vec(0_u64..10_000, 1..30),
        ) {
            let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
            prop_assume!(sum > 0);
            let parts = apportion(total, &weights).unwrap();
            prop_assert_eq!(parts.iter().sum::<u32>(), total);
            for (&p, &w) in parts.iter().zip(&weights) {
                let exact_floor = u128::from(total) * u128::from(w) / sum;
                prop_assert!(u128::from(p) == exact_floor || u128::from(p) == exact_floor + 1);
            }
        }
    }
}
