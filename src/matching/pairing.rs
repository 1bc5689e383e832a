//! Teams → jurisdictions (结对): apportion teams to jurisdictions in proportion to demand,
//! then choose which team pairs with which, exactly, with the transportation solver.
//!
//! Zhenjiang paired 59 teams with its 20 towns in 2021. Here each jurisdiction's quota is its
//! exact largest-remainder (Hamilton) share of the pairings by demand (households or people);
//! each team takes at most its capacity `k` of jurisdictions, each jurisdiction at most once;
//! and among the pairings that meet as many quota places as possible, the total score
//! (affinity, 属地 jurisdiction match, distance) is maximal.
//!
//! # Scaling: filling dominates the score, exactly
//! The network is the one of [`TransportBuilder`]: a source per team (capacity `k`), a sink per
//! jurisdiction (demand = its quota), an arc of capacity 1 for every team–jurisdiction pair.
//! Let `S` be the largest score of any pair (every score is in `0..=S`), `T` the number of
//! pairings (`Σ quota`: no solution makes more), `K` the smaller of the number of
//! jurisdictions with a positive quota and the number of teams with a positive capacity,
//! `R` the largest minus the smallest score among the pairs between them (the only pairs that
//! can be made), and the fill weight `P = min((T − 1)·S, (K − 1)·R) + 1` (a count below zero
//! taken as 0). Arc cost is `S − score` (in `0..=S`), the penalty of an unfilled quota place is
//! `S + P`. A solution with `F` pairings costs `S·T − Σ score + P·(T − F)`, so minimising the
//! cost maximises `F`, then the score, because either bound makes one more pairing outweigh
//! every score difference:
//! - `P > (T − 1)·S`: if `x` makes more pairings than `y`, `y` makes at most `T − 1`, so
//!   `score(y) ≤ (T − 1)·S < P ≤ P·(F(x) − F(y))` while `score(x) ≥ 0`: `x` costs less.
//! - `P > (K − 1)·R`: a flow is optimal iff no residual cycle has negative cost. If an optimal
//!   `x` made fewer pairings than some `y`, `y − x` would split into simple cycles residual
//!   for `x`, one of them adding a pairing. Such a cycle takes a spare place of a team `t₁`,
//!   then alternates a new pairing `tᵢ → jᵢ` with dropping the pairing `tᵢ₊₁ → jᵢ`, and ends
//!   at a jurisdiction `jₘ` with an unfilled place: `m` distinct teams with a positive
//!   capacity and `m` distinct jurisdictions with a positive quota, so `m ≤ K`. It makes `m`
//!   pairings and drops `m − 1`, so it changes the score by at least `m·s_min − (m − 1)·s_max
//!   ≥ −(m − 1)·R`, and its cost (the penalty's `S` cancels the `S` of the `m`-th new arc) is
//!   at most `(m − 1)·R − P < 0`: `x` was not optimal. Among solutions with the most pairings
//!   the cost is a constant minus the score.
//!
//! With uniform scores, a single team or a single jurisdiction, `P = 1`. `P` and the penalty
//! are computed with checked `i64` arithmetic ([`MatchError::TooLarge`]); the solver's exact
//! bound `penalty · (nodes + 1) <= 2^60` is checked before solving and reported as
//! [`MatchError::PairingBound`], naming the quantities `P` comes from.

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

    /// Every pair's score, team-major: `scores[t · J + j]` for team `t`, jurisdiction `j`.
    fn scores(&self) -> Vec<i64> {
        self.teams
            .iter()
            .flat_map(|t| self.jurisdictions.iter().map(move |j| self.score(t, j)))
            .collect()
    }

    /// Apportions, then pairs exactly: the most quota places filled, then the highest total
    /// score. Deterministic.
    ///
    /// # Errors
    /// [`MatchError::PairingBound`] if the fill-first penalty is too large for the exact
    /// solver on a network this size (see the module docs), [`MatchError::TooLarge`] or
    /// [`MatchError::Solver`] if the instance is otherwise too large for exact integer costs.
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
        let scores = self.scores();
        let scale = PairingScale::new(&self.teams, &quotas, &scores)?;
        let penalty = scale.penalty(self.teams.len() + self.jurisdictions.len() + 1)?;
        self.solve_scaled(quotas, &scores, scale.s_max, penalty)
    }

    /// Builds and solves the network with arc costs `s_max − score` and the unfilled penalty
    /// `penalty`.
    fn solve_scaled(
        &self,
        quotas: Vec<u32>,
        scores: &[i64],
        s_max: i64,
        penalty: i64,
    ) -> Result<PairingOutcome, MatchError> {
        let mut b = TransportBuilder::new();
        let sources: Vec<_> = self
            .teams
            .iter()
            .map(|t| b.add_source(t.capacity))
            .collect();
        let mut sinks = Vec::with_capacity(quotas.len());
        for &q in &quotas {
            sinks.push(b.add_sink(q, penalty)?);
        }
        b.reserve_arcs(scores.len());
        let mut pair_scores = scores.iter();
        for &src in &sources {
            for &snk in &sinks {
                let score = pair_scores.next().copied().unwrap_or(0);
                b.add_arc(src, snk, s_max - score)?;
            }
        }
        let problem = b.build()?;
        let solution = problem.solve()?;
        let mut plans = Vec::new();
        for used in solution.assignment() {
            let (t, j) = (used.source().get() as usize, used.sink().get() as usize);
            let (Some(team), Some(jurisdiction)) = (self.teams.get(t), self.jurisdictions.get(j))
            else {
                continue;
            };
            plans.push(PairingPlan {
                team: team.team,
                division: jurisdiction.division,
                score: self.score(team, jurisdiction),
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

/// The cost scaling of the module docs: `S`, `T`, `K`, `R` and the fill weight `P`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PairingScale {
    /// `S`: the largest score of any pair.
    s_max: i64,
    /// `T`: the number of pairings.
    pairings: u64,
    /// `K`: min(jurisdictions with a positive quota, teams with a positive capacity).
    exchange: u64,
    /// `R`: the score range among the pairs that can be made.
    range: i64,
    /// `P = min((T − 1)·S, (K − 1)·R) + 1`.
    p: i64,
}

impl PairingScale {
    /// Measures `S`, `T`, `K` and `R` from the quotas and the team-major pair scores.
    ///
    /// # Errors
    /// [`MatchError::TooLarge`] if `P` overflows `i64`.
    fn new(teams: &[TeamOffer], quotas: &[u32], scores: &[i64]) -> Result<Self, MatchError> {
        let s_max = scores.iter().copied().max().unwrap_or(0).max(0);
        let open: Vec<bool> = quotas.iter().map(|&q| q > 0).collect();
        let mut lo_hi: Option<(i64, i64)> = None;
        for (team, row) in teams.iter().zip(scores.chunks(quotas.len().max(1))) {
            if team.capacity == 0 {
                continue;
            }
            for (&score, _) in row.iter().zip(&open).filter(|(_, o)| **o) {
                lo_hi =
                    Some(lo_hi.map_or((score, score), |(lo, hi)| (lo.min(score), hi.max(score))));
            }
        }
        let range = lo_hi.map_or(0, |(lo, hi)| hi - lo);
        let jurisdictions = open.iter().filter(|&&o| o).count() as u64;
        let with_capacity = teams.iter().filter(|t| t.capacity > 0).count() as u64;
        let exchange = jurisdictions.min(with_capacity);
        let pairings: u64 = quotas.iter().map(|&q| u64::from(q)).sum();
        let p = fill_weight(pairings, s_max, exchange, range).ok_or(MatchError::TooLarge {
            slots: pairings,
            max_score: s_max,
            max_priority: 1,
        })?;
        Ok(Self {
            s_max,
            pairings,
            exchange,
            range,
            p,
        })
    }

    /// The unfilled penalty `S + P`, if the solver takes it exactly on `nodes` nodes.
    ///
    /// # Errors
    /// [`MatchError::TooLarge`] if `S + P` overflows, [`MatchError::PairingBound`] if
    /// `(S + P) · (nodes + 1)` exceeds the solver's exact bound.
    fn penalty(&self, nodes: usize) -> Result<i64, MatchError> {
        let penalty = self.s_max.checked_add(self.p).ok_or(MatchError::TooLarge {
            slots: self.pairings,
            max_score: self.s_max,
            max_priority: 1,
        })?;
        if !super::engine::fits(nodes, penalty) {
            return Err(MatchError::PairingBound {
                nodes,
                penalty,
                pairings: self.pairings,
                exchange: self.exchange,
                max_score: self.s_max,
                score_range: self.range,
                fill_weight: self.p,
            });
        }
        Ok(penalty)
    }
}

/// The fill weight `P = min((T − 1)·S, (K − 1)·R) + 1` of the module docs (counts below zero
/// taken as 0), or `None` if it overflows.
///
/// Either term alone makes the objective lexicographic (most pairings first, then score), so
/// the smaller one is used; a term that overflows is left out.
fn fill_weight(pairings: u64, s_max: i64, exchange: u64, range: i64) -> Option<i64> {
    let by_pairings = i64::try_from(pairings.saturating_sub(1))
        .ok()
        .and_then(|t| t.checked_mul(s_max));
    let by_exchange = i64::try_from(exchange.saturating_sub(1))
        .ok()
        .and_then(|k| k.checked_mul(range));
    let m = match (by_pairings, by_exchange) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return None,
    };
    m.checked_add(1)
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

    #[test]
    fn fill_weight_is_the_smaller_exact_bound() {
        // min((T − 1)·S, (K − 1)·R) + 1.
        assert_eq!(fill_weight(100, 50, 10, 7), Some(64));
        assert_eq!(fill_weight(2, 50, 10, 7), Some(51));
        assert_eq!(fill_weight(59, 700, 20, 0), Some(1));
        // One pairing, one team or one jurisdiction: nothing to trade, P = 1.
        assert_eq!(fill_weight(1, 700, 20, 300), Some(1));
        assert_eq!(fill_weight(59, 700, 1, 300), Some(1));
        assert_eq!(fill_weight(0, 700, 0, 300), Some(1));
        // One term overflowing leaves the other; both overflowing is refused.
        assert_eq!(fill_weight(u64::MAX, 50, 10, 7), Some(64));
        assert_eq!(fill_weight(100, 50, u64::MAX, 7), Some(4_951));
        assert_eq!(fill_weight(u64::MAX, i64::MAX, u64::MAX, i64::MAX), None);
        assert_eq!(fill_weight(3, i64::MAX, 3, i64::MAX), None);
    }

    #[test]
    fn scale_measures_the_pairs_that_can_be_made() {
        let teams = [
            TeamOffer::new(TeamId::from_parts(1, 1), 2),
            TeamOffer::new(TeamId::from_parts(1, 2), 0),
            TeamOffer::new(TeamId::from_parts(1, 3), 1),
        ];
        // Team-major scores; the second jurisdiction has no quota, the second team no
        // capacity: their scores count for S only.
        let scores = [10, 900, 40, 5, 800, 7, 30, 1_000, 20];
        let scale = PairingScale::new(&teams, &[2, 0, 1], &scores).unwrap();
        assert_eq!(
            scale,
            PairingScale {
                s_max: 1_000,
                pairings: 3,
                exchange: 2,
                range: 30,
                p: 31,
            }
        );
        assert_eq!(scale.penalty(7), Ok(1_031));
    }

    #[test]
    fn solver_bound_names_the_fill_weight_quantities() {
        // Scores up to 3·10^10: P = min(19,999 × S, 9,999 × R) + 1 ≈ 3·10^14, past
        // 2^60 / 20,002 ≈ 5.8·10^13.
        let scale = PairingScale {
            s_max: 30_000_000_000,
            pairings: 20_000,
            exchange: 10_000,
            range: 30_000_000_000,
            p: 299_970_000_000_001,
        };
        let err = scale.penalty(20_001).unwrap_err();
        assert_eq!(
            err,
            MatchError::PairingBound {
                nodes: 20_001,
                penalty: 300_000_000_000_001,
                pairings: 20_000,
                exchange: 10_000,
                max_score: 30_000_000_000,
                score_range: 30_000_000_000,
                fill_weight: 299_970_000_000_001,
            }
        );
        assert_eq!(
            err.to_string(),
            "pairing penalty 300000000000001 (score up to 30000000000 + fill weight 299970000000001 = min((20000 pairings - 1) × 30000000000, (10000 exchangeable teams or jurisdictions - 1) × score range 30000000000) + 1) on 20001 nodes exceeds the exact solver bound: expected penalty * (nodes + 1) <= 2^60; lower the score weights, or split the request"
        );
        // The same penalty fits a smaller network.
        assert_eq!(scale.penalty(1_000), Ok(300_000_000_000_001));
        let overflow = PairingScale {
            p: i64::MAX,
            ..scale
        };
        assert_eq!(
            overflow.penalty(3),
            Err(MatchError::TooLarge {
                slots: 20_000,
                max_score: 30_000_000_000,
                max_priority: 1,
            })
        );
    }

    #[test]
    fn an_exchange_filling_one_more_place_wins_by_one_point() {
        // Team 1 (capacity 1) has an affinity of 100 for town A (quota 1); team 2 (capacity 2)
        // none; town B has quota 2. Keeping team 1 at A scores 100 but leaves a place of B
        // unfilled; filling all three places (team 1 → B, team 2 → A and B) scores 0.
        let (a, b) = (code("321181001"), code("321181002"));
        let towns = vec![JurisdictionDemand::new(a, 1), JurisdictionDemand::new(b, 2)];
        let teams = vec![
            TeamOffer::new(TeamId::from_parts(1, 1), 1).with_affinity(a, 100),
            TeamOffer::new(TeamId::from_parts(1, 2), 2),
        ];
        let r = PairingRequest::new(towns, teams, 3)
            .unwrap()
            .with_weights(1, 0, 0)
            .unwrap();
        let scale = PairingScale::new(&r.teams, &[1, 2], &r.scores()).unwrap();
        // S = R = 100, T = 3, K = 2: P = min(2 × 100, 1 × 100) + 1.
        assert_eq!((scale.s_max, scale.range, scale.exchange), (100, 100, 2));
        assert_eq!(scale.p, 101);
        // Costs S − score per pairing, S + P per unfilled place: the exchange is cheaper by
        // exactly one, and with P one less the two would tie.
        let cost = |scores: &[i64], unfilled: i64, p: i64| {
            scores.iter().map(|s| scale.s_max - s).sum::<i64>() + unfilled * (scale.s_max + p)
        };
        let (keep, fill) = ([100, 0], [0, 0, 0]);
        assert_eq!(cost(&keep, 1, scale.p) - cost(&fill, 0, scale.p), 1);
        assert_eq!(cost(&keep, 1, scale.p - 1), cost(&fill, 0, scale.p - 1));
        let out = r.solve().unwrap();
        assert_eq!(out.unfilled(), &[0, 0]);
        assert_eq!(out.plans().len(), 3);
        assert_eq!(out.score(), 0);
    }

    /// The weight before the tight bound: `S = 100 × Σ weights`, `P = T·S + 1`.
    fn solve_loose(r: &PairingRequest) -> Result<PairingOutcome, MatchError> {
        let demands: Vec<u64> = r.jurisdictions.iter().map(|j| j.demand).collect();
        let quotas = apportion(r.pairings, &demands)?;
        let s = i64::from(FACTOR_POINTS) * r.weights.iter().map(|&w| i64::from(w)).sum::<i64>();
        let p = i64::from(r.pairings) * s + 1;
        r.solve_scaled(quotas, &r.scores(), s, s + p)
    }

    #[test]
    fn an_instance_the_loose_weight_pushed_past_the_scaled_bound_is_solved_the_same() {
        // Three county teams (属地: home county 321181) share 16,000 villages, two teams
        // each, at the largest weights; one team has an affinity for the first village.
        let villages: Vec<_> = (0..16_000_u64)
            .map(|i| {
                let code = format!("321181{:03}{:03}", i / 999 + 1, i % 999 + 1);
                JurisdictionDemand::new(code.parse().unwrap(), 1)
            })
            .collect();
        let first = villages[0].division();
        let teams = vec![
            TeamOffer::new(TeamId::from_parts(1, 1), 16_000)
                .with_home(code("321181"))
                .with_affinity(first, 100),
            TeamOffer::new(TeamId::from_parts(1, 2), 16_000).with_home(code("321181")),
            TeamOffer::new(TeamId::from_parts(1, 3), 16_000).with_home(code("321181")),
        ];
        let r = PairingRequest::new(villages, teams, 32_000)
            .unwrap()
            .with_weights(1_000, 1_000, 1_000)
            .unwrap();
        // P = T·S + 1 = 32,000 × 300,000 + 1 on 16,004 nodes was past the solver's bound
        // when it scaled every cost by nodes + 1; it now scales such penalties by a smaller
        // factor with an exact finish. Both weights are exact, so both give the same pairing.
        let loose = i64::from(FACTOR_POINTS) * 3_000 * (32_000 + 1) + 1;
        assert!(!crate::matching::engine::fits_scaled(16_004, loose));
        assert!(crate::matching::engine::fits(16_004, loose));
        let loose_out = solve_loose(&r).unwrap();
        // S = 140,000 (county 40 + affinity 100 points, × 1000), R = 100,000, K = 3:
        // P = 2R + 1 = 200,001.
        let out = r.solve().unwrap();
        assert_eq!(loose_out.unfilled(), out.unfilled());
        assert_eq!(loose_out.score(), out.score());
        assert!(out.unfilled().iter().all(|&u| u == 0));
        assert_eq!(out.plans().len(), 32_000);
        assert!(
            out.plans()
                .iter()
                .any(|p| p.team() == TeamId::from_parts(1, 1) && p.division() == first)
        );
        assert_eq!(out.score(), 32_000 * 40_000 + 100_000);
    }

    /// The best `(pairings, score)` by trying every set of pairs, and how many sets of pairs
    /// reach it.
    fn brute_force(r: &PairingRequest, quotas: &[u32]) -> ((u32, i64), u32) {
        let pairs: Vec<(usize, usize, i64)> = r
            .teams
            .iter()
            .enumerate()
            .flat_map(|(t, team)| {
                r.jurisdictions
                    .iter()
                    .enumerate()
                    .map(move |(j, jur)| (t, j, r.score(team, jur)))
            })
            .collect();
        let (mut best, mut ties) = ((0, 0), 0);
        for mask in 0_u32..(1 << pairs.len()) {
            let mut load = vec![0_u32; r.teams.len()];
            let mut fill = vec![0_u32; quotas.len()];
            let mut key = (0_u32, 0_i64);
            for (i, &(t, j, score)) in pairs.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    load[t] += 1;
                    fill[j] += 1;
                    key = (key.0 + 1, key.1 + score);
                }
            }
            let fits = load.iter().zip(&r.teams).all(|(&l, t)| l <= t.capacity)
                && fill.iter().zip(quotas).all(|(&f, &q)| f <= q);
            if fits && key > best {
                (best, ties) = (key, 1);
            } else if fits && key == best {
                ties += 1;
            }
        }
        (best, ties)
    }

    /// Small requests with varied scores: up to 4 townships of one county (skewed demand,
    /// some none, so quotas a team set cannot always fill), up to 4 teams with capacity 0–3, homes at every level, points and
    /// affinities, weights 0–12.
    fn small_request() -> impl Strategy<Value = PairingRequest> {
        const HOMES: [&str; 6] = [
            "321181001",
            "321181002",
            "321181",
            "321182001",
            "321100",
            "320100",
        ];
        let point = |x: i32| GeoPoint::from_micro_degrees(32_000_000 + x, 119_400_000).unwrap();
        let jur = (0_u64..30, prop::option::of(0_i32..300_000));
        let team = (
            0_u32..=3,
            prop::option::of(0_usize..HOMES.len()),
            prop::option::of(0_i32..300_000),
            prop::collection::vec((0_usize..4, 0_u32..=100), 0..3),
        );
        (
            prop::collection::vec(jur, 1..=4),
            prop::collection::vec(team, 1..=4),
            (0_u32..=12, 0_u32..=12, 0_u32..=12),
            any::<prop::sample::Index>(),
        )
            .prop_map(move |(js, ts, (wa, wj, wd), pick)| {
                let js: Vec<_> = js
                    .into_iter()
                    .enumerate()
                    .map(|(i, (d, at))| {
                        // The first township always has demand, so quotas exist.
                        let d = if i == 0 { d + 1 } else { d };
                        let j = JurisdictionDemand::new(code(&format!("321181{:03}", i + 1)), d);
                        at.map_or(j, |x| j.with_point(point(x)))
                    })
                    .collect();
                let n = js.len();
                let ts: Vec<_> = ts
                    .into_iter()
                    .enumerate()
                    .map(|(i, (k, home, at, aff))| {
                        let mut t = TeamOffer::new(TeamId::from_parts(1, i as u64 + 1), k);
                        if let Some(h) = home {
                            t = t.with_home(code(HOMES[h]));
                        }
                        if let Some(x) = at {
                            t = t.with_point(point(x));
                        }
                        for (j, a) in aff {
                            t = t.with_affinity(code(&format!("321181{:03}", j % n + 1)), a);
                        }
                        t
                    })
                    .collect();
                let cap: usize = ts.iter().map(|t| (t.capacity() as usize).min(n)).sum();
                // At least one pairing when the teams can take any; as many as they can take
                // half the time (quotas they cannot all fill are likelier).
                let pairings = if cap == 0 {
                    0
                } else {
                    (pick.index(2 * cap) + 1).min(cap)
                } as u32;
                PairingRequest::new(js, ts, pairings)
                    .unwrap()
                    .with_weights(wa, wj, wd)
                    .unwrap()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn tight_fill_weight_keeps_the_loose_optimum_and_matches_brute_force(r in small_request()) {
            let tight = r.solve().unwrap();
            let loose = solve_loose(&r).unwrap();
            let key = |o: &PairingOutcome| (o.plans().len() as u32, o.score());
            prop_assert_eq!(tight.quotas(), loose.quotas());
            prop_assert_eq!(key(&tight), key(&loose));
            let (best, ties) = brute_force(&r, tight.quotas());
            prop_assert_eq!(key(&tight), best);
            // The same assignment where the optimum is unique; among tied optima the solver
            // may settle on another one of them, as the costs differ.
            if ties == 1 {
                prop_assert_eq!(&tight, &loose);
            }
            // The plans are a valid pairing: distinct pairs, capacities and quotas kept.
            let mut per_team = BTreeMap::new();
            for (i, (j, q)) in r.jurisdictions().iter().zip(tight.quotas()).enumerate() {
                let n = tight.plans().iter().filter(|p| p.division() == j.division()).count();
                prop_assert_eq!(n as u32 + tight.unfilled()[i], *q);
            }
            for w in tight.plans().windows(2) {
                prop_assert!((w[0].division(), w[0].team()) < (w[1].division(), w[1].team()));
            }
            for p in tight.plans() {
                *per_team.entry(p.team()).or_insert(0_u32) += 1;
            }
            for t in r.teams() {
                prop_assert!(per_team.get(&t.team()).copied().unwrap_or(0) <= t.capacity());
            }
        }
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
