//! Scores of a volunteer on a shift: seven integer factors, each worth 0..=100 points, weighted
//! by a [`MatchPolicy`].

use std::fmt;

use crate::{
    Activity, CategoryKey, DivisionCode, DivisionLevel, Minutes, Shift, TeamId, Volunteer,
};

use super::MatchError;

/// Points a factor is worth at most.
pub const FACTOR_POINTS: u32 = 100;

/// Largest weight a factor may have in a [`MatchPolicy`].
pub const MAX_WEIGHT: u32 = 1_000;

/// Largest shift priority (see [`MatchInput::with_priority`](super::MatchInput::with_priority)).
pub const MAX_PRIORITY: u32 = 100;

/// One factor of a score.
///
/// Serde shape: a `snake_case` string such as `"jurisdiction"`.
///
/// # Example
/// ```
/// use volunteer_service::matching::Factor;
/// assert_eq!(Factor::ALL.len(), 7);
/// assert_eq!(Factor::Distance.to_string(), "distance");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Factor {
    /// 属地化: home in the shift's division (same station/village 100, same township 70,
    /// same county 40, same prefecture 10).
    Jurisdiction,
    /// 就近化: `100 × (reach − distance) / reach`, 0 beyond the reach or when unknown.
    Distance,
    /// Don't waste scarce skills: 100 unless the volunteer holds a scarce qualification the
    /// shift does not need; then `100 × share / scarce_share` of the rarest such one.
    QualificationFit,
    /// Fewer recent hours first, a convex cost: `100 − 100 × min(h, H)² / H²`.
    Fairness,
    /// Show-up history: the rate in permille divided by 10.
    Reliability,
    /// 100 when the activity's category lies within one the volunteer prefers.
    Preference,
    /// 100 when the activity is run by one of the volunteer's teams, or when one of their
    /// teams is paired (结对) with a division containing the shift's: members of a team are
    /// drawn to the same activity and town, which keeps the team together.
    Team,
}

impl Factor {
    /// Every factor, in the order of [`ScoreBreakdown`]'s fields.
    pub const ALL: [Self; 7] = [
        Self::Jurisdiction,
        Self::Distance,
        Self::QualificationFit,
        Self::Fairness,
        Self::Reliability,
        Self::Preference,
        Self::Team,
    ];

    /// The factor's snake-case name.
    ///
    /// # Example
    /// ```
    /// assert_eq!(volunteer_service::matching::Factor::QualificationFit.as_str(), "qualification_fit");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Jurisdiction => "jurisdiction",
            Self::Distance => "distance",
            Self::QualificationFit => "qualification_fit",
            Self::Fairness => "fairness",
            Self::Reliability => "reliability",
            Self::Preference => "preference",
            Self::Team => "team",
        }
    }
}

impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The weight of each [`Factor`], each in `0..=1000`.
///
/// Serde shape: `{"jurisdiction": 3, "distance": 3, "qualification_fit": 2, "fairness": 2,
/// "reliability": 1, "preference": 1, "team": 1}` (the defaults).
///
/// # Example
/// ```
/// use volunteer_service::matching::{Factor, ScoreWeights};
/// let w = ScoreWeights::default().with(Factor::Team, 5)?;
/// assert_eq!(w.get(Factor::Team), 5);
/// assert_eq!(w.sum(), 3 + 3 + 2 + 2 + 1 + 1 + 5);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "WeightsWire", into = "WeightsWire")
)]
pub struct ScoreWeights([u32; 7]);

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct WeightsWire {
    jurisdiction: u32,
    distance: u32,
    qualification_fit: u32,
    fairness: u32,
    reliability: u32,
    preference: u32,
    team: u32,
}

#[cfg(feature = "serde")]
impl TryFrom<WeightsWire> for ScoreWeights {
    type Error = MatchError;
    fn try_from(w: WeightsWire) -> Result<Self, MatchError> {
        let all = [
            w.jurisdiction,
            w.distance,
            w.qualification_fit,
            w.fairness,
            w.reliability,
            w.preference,
            w.team,
        ];
        let mut out = Self([0; 7]);
        for (f, v) in Factor::ALL.into_iter().zip(all) {
            out = out.with(f, v)?;
        }
        Ok(out)
    }
}

#[cfg(feature = "serde")]
impl From<ScoreWeights> for WeightsWire {
    fn from(w: ScoreWeights) -> Self {
        let [
            jurisdiction,
            distance,
            qualification_fit,
            fairness,
            reliability,
            preference,
            team,
        ] = w.0;
        Self {
            jurisdiction,
            distance,
            qualification_fit,
            fairness,
            reliability,
            preference,
            team,
        }
    }
}

impl Default for ScoreWeights {
    fn default() -> Self {
        Self([3, 3, 2, 2, 1, 1, 1])
    }
}

impl ScoreWeights {
    /// The same weights with `factor` set to `weight`.
    ///
    /// # Errors
    /// [`MatchError::InvalidPolicy`] if `weight > 1000`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{Factor, ScoreWeights};
    /// let w = ScoreWeights::default().with(Factor::Distance, 10)?;
    /// assert_eq!(w.get(Factor::Distance), 10);
    /// assert_eq!(w.get(Factor::Jurisdiction), 3); // the others keep their weight
    /// assert!(ScoreWeights::default().with(Factor::Team, 1_001).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with(mut self, factor: Factor, weight: u32) -> Result<Self, MatchError> {
        if weight > MAX_WEIGHT {
            return Err(MatchError::InvalidPolicy {
                field: factor.as_str(),
                value: u64::from(weight),
                rule: "weight must be at most 1000",
            });
        }
        if let Some(slot) = self.0.get_mut(factor as usize) {
            *slot = weight;
        }
        Ok(self)
    }

    /// The weight of `factor`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{Factor, ScoreWeights};
    /// let w = ScoreWeights::default();
    /// assert_eq!(w.get(Factor::Jurisdiction), 3);
    /// assert_eq!(w.get(Factor::Team), 1);
    /// ```
    pub fn get(&self, factor: Factor) -> u32 {
        self.0.get(factor as usize).copied().unwrap_or(0)
    }

    /// The sum of all weights (at most 7000).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{Factor, ScoreWeights};
    /// assert_eq!(ScoreWeights::default().sum(), 13);
    /// let w = ScoreWeights::default().with(Factor::Fairness, 0)?;
    /// assert_eq!(w.sum(), 11);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn sum(&self) -> u32 {
        self.0.iter().sum()
    }
}

/// Matching parameters: score weights, reach, fairness horizon, caps and the repair keep-bonus.
/// Plain data with documented defaults.
///
/// | field | default | meaning |
/// |---|---|---|
/// | `weights` | see [`ScoreWeights`] | weight of each factor |
/// | `reach_m` | 10 000 | distance at which [`Factor::Distance`] reaches 0 points |
/// | `fairness_horizon` | 40 h | recent hours at which [`Factor::Fairness`] reaches 0 points |
/// | `default_reliability_permille` | 800 | show-up rate assumed when none is given |
/// | `scarce_share_permille` | 100 | a qualification held by at most this share of the volunteers is scarce |
/// | `max_shifts` | 3 | most shifts a volunteer holds, counting held ones |
/// | `keep_bonus` | 200 | points added to a previous assignment in [`Matcher::repair`](super::Matcher::repair): a change must gain more to happen |
///
/// Serde shape: an object with those `snake_case` fields; `fairness_horizon` in minutes.
///
/// # Example
/// ```
/// use volunteer_service::matching::MatchPolicy;
/// let p = MatchPolicy::default().with_max_shifts(2)?.with_reach_m(5_000)?;
/// assert_eq!(p.max_shifts(), 2);
/// assert_eq!(p.reach_m(), 5_000);
/// assert!(MatchPolicy::default().with_max_shifts(0).is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "PolicyWire", into = "PolicyWire")
)]
pub struct MatchPolicy {
    weights: ScoreWeights,
    reach_m: u32,
    fairness_horizon: Minutes,
    default_reliability_permille: u16,
    scarce_share_permille: u16,
    max_shifts: u32,
    keep_bonus: u32,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct PolicyWire {
    weights: ScoreWeights,
    reach_m: u32,
    fairness_horizon: Minutes,
    default_reliability_permille: u16,
    scarce_share_permille: u16,
    max_shifts: u32,
    keep_bonus: u32,
}

#[cfg(feature = "serde")]
impl TryFrom<PolicyWire> for MatchPolicy {
    type Error = MatchError;
    fn try_from(w: PolicyWire) -> Result<Self, MatchError> {
        Self::default()
            .with_weights(w.weights)
            .with_reach_m(w.reach_m)?
            .with_fairness_horizon(w.fairness_horizon)?
            .with_default_reliability_permille(w.default_reliability_permille)?
            .with_scarce_share_permille(w.scarce_share_permille)?
            .with_max_shifts(w.max_shifts)?
            .with_keep_bonus(w.keep_bonus)
    }
}

#[cfg(feature = "serde")]
impl From<MatchPolicy> for PolicyWire {
    fn from(p: MatchPolicy) -> Self {
        Self {
            weights: p.weights,
            reach_m: p.reach_m,
            fairness_horizon: p.fairness_horizon,
            default_reliability_permille: p.default_reliability_permille,
            scarce_share_permille: p.scarce_share_permille,
            max_shifts: p.max_shifts,
            keep_bonus: p.keep_bonus,
        }
    }
}

impl Default for MatchPolicy {
    fn default() -> Self {
        Self {
            weights: ScoreWeights::default(),
            reach_m: 10_000,
            fairness_horizon: Minutes::new(40 * 60),
            default_reliability_permille: 800,
            scarce_share_permille: 100,
            max_shifts: 3,
            keep_bonus: 200,
        }
    }
}

fn invalid(field: &'static str, value: u64, rule: &'static str) -> MatchError {
    MatchError::InvalidPolicy { field, value, rule }
}

impl MatchPolicy {
    /// The factor weights.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{Factor, MatchPolicy, ScoreWeights};
    /// let w = ScoreWeights::default().with(Factor::Team, 4)?;
    /// let p = MatchPolicy::default().with_weights(w);
    /// assert_eq!(p.weights().get(Factor::Team), 4);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn weights(&self) -> &ScoreWeights {
        &self.weights
    }
    /// Distance at which the distance factor reaches 0, in metres.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// assert_eq!(MatchPolicy::default().reach_m(), 10_000);
    /// assert_eq!(MatchPolicy::default().with_reach_m(3_000)?.reach_m(), 3_000);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn reach_m(&self) -> u32 {
        self.reach_m
    }
    /// Recent hours at which the fairness factor reaches 0.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::MatchPolicy, Minutes};
    /// assert_eq!(MatchPolicy::default().fairness_horizon(), Minutes::new(40 * 60));
    /// ```
    pub const fn fairness_horizon(&self) -> Minutes {
        self.fairness_horizon
    }
    /// Show-up rate assumed when a volunteer has none, in permille.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// assert_eq!(MatchPolicy::default().default_reliability_permille(), 800);
    /// ```
    pub const fn default_reliability_permille(&self) -> u16 {
        self.default_reliability_permille
    }
    /// Share of volunteers at or below which a qualification is scarce, in permille.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// assert_eq!(MatchPolicy::default().scarce_share_permille(), 100); // 10 % of volunteers
    /// ```
    pub const fn scarce_share_permille(&self) -> u16 {
        self.scarce_share_permille
    }
    /// Most shifts one volunteer holds, counting held ones.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// assert_eq!(MatchPolicy::default().max_shifts(), 3);
    /// assert_eq!(MatchPolicy::default().with_max_shifts(1)?.max_shifts(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn max_shifts(&self) -> u32 {
        self.max_shifts
    }
    /// Points added to an assignment kept from a previous solution when repairing.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// assert_eq!(MatchPolicy::default().keep_bonus(), 200);
    /// ```
    pub const fn keep_bonus(&self) -> u32 {
        self.keep_bonus
    }

    /// Replaces the weights.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{Factor, MatchPolicy, ScoreWeights};
    /// let w = ScoreWeights::default().with(Factor::Distance, 9)?;
    /// let p = MatchPolicy::default().with_weights(w);
    /// assert_eq!(p.weights(), &w);
    /// assert_eq!(p.max_score(), 100 * (13 - 3 + 9) + 200); // weights sum to 19 now
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn with_weights(mut self, weights: ScoreWeights) -> Self {
        self.weights = weights;
        self
    }
    /// Sets the reach.
    ///
    /// # Errors
    /// [`MatchError::InvalidPolicy`] if `metres` is 0.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// let p = MatchPolicy::default().with_reach_m(5_000)?;
    /// assert_eq!(p.reach_m(), 5_000);
    /// assert!(MatchPolicy::default().with_reach_m(0).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_reach_m(mut self, metres: u32) -> Result<Self, MatchError> {
        if metres == 0 {
            return Err(invalid("reach_m", 0, "must be positive"));
        }
        self.reach_m = metres;
        Ok(self)
    }
    /// Sets the fairness horizon.
    ///
    /// # Errors
    /// [`MatchError::InvalidPolicy`] if it is zero.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::MatchPolicy, Minutes};
    /// let p = MatchPolicy::default().with_fairness_horizon(Minutes::new(20 * 60))?;
    /// assert_eq!(p.fairness_horizon(), Minutes::new(1_200));
    /// assert!(MatchPolicy::default().with_fairness_horizon(Minutes::ZERO).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_fairness_horizon(mut self, horizon: Minutes) -> Result<Self, MatchError> {
        if horizon == Minutes::ZERO {
            return Err(invalid("fairness_horizon", 0, "must be positive"));
        }
        self.fairness_horizon = horizon;
        Ok(self)
    }
    /// Sets the default show-up rate.
    ///
    /// # Errors
    /// [`MatchError::InvalidPolicy`] if above 1000.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// let p = MatchPolicy::default().with_default_reliability_permille(500)?;
    /// assert_eq!(p.default_reliability_permille(), 500);
    /// assert!(MatchPolicy::default().with_default_reliability_permille(1_001).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_default_reliability_permille(mut self, rate: u16) -> Result<Self, MatchError> {
        if rate > 1000 {
            return Err(invalid(
                "default_reliability_permille",
                u64::from(rate),
                "must be at most 1000",
            ));
        }
        self.default_reliability_permille = rate;
        Ok(self)
    }
    /// Sets the scarcity threshold.
    ///
    /// # Errors
    /// [`MatchError::InvalidPolicy`] unless in `1..=1000`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// let p = MatchPolicy::default().with_scarce_share_permille(50)?;
    /// assert_eq!(p.scarce_share_permille(), 50);
    /// assert!(MatchPolicy::default().with_scarce_share_permille(0).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_scarce_share_permille(mut self, share: u16) -> Result<Self, MatchError> {
        if share == 0 || share > 1000 {
            return Err(invalid(
                "scarce_share_permille",
                u64::from(share),
                "must be in 1..=1000",
            ));
        }
        self.scarce_share_permille = share;
        Ok(self)
    }
    /// Sets the shift-count cap.
    ///
    /// # Errors
    /// [`MatchError::InvalidPolicy`] if 0.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// let p = MatchPolicy::default().with_max_shifts(5)?;
    /// assert_eq!(p.max_shifts(), 5);
    /// assert!(MatchPolicy::default().with_max_shifts(0).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_max_shifts(mut self, max: u32) -> Result<Self, MatchError> {
        if max == 0 {
            return Err(invalid("max_shifts", 0, "must be positive"));
        }
        self.max_shifts = max;
        Ok(self)
    }
    /// Sets the repair keep-bonus.
    ///
    /// # Errors
    /// [`MatchError::InvalidPolicy`] if above 100 000.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// let p = MatchPolicy::default().with_keep_bonus(0)?; // repair keeps nothing for its own sake
    /// assert_eq!(p.keep_bonus(), 0);
    /// assert!(MatchPolicy::default().with_keep_bonus(100_001).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_keep_bonus(mut self, bonus: u32) -> Result<Self, MatchError> {
        if bonus > 100_000 {
            return Err(invalid(
                "keep_bonus",
                u64::from(bonus),
                "must be at most 100000",
            ));
        }
        self.keep_bonus = bonus;
        Ok(self)
    }

    /// The largest score an edge can have: `100 × Σ weights + keep_bonus`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchPolicy;
    /// assert_eq!(MatchPolicy::default().max_score(), 100 * 13 + 200);
    /// assert_eq!(MatchPolicy::default().with_keep_bonus(0)?.max_score(), 1_300);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn max_score(&self) -> i64 {
        i64::from(FACTOR_POINTS) * i64::from(self.weights.sum()) + i64::from(self.keep_bonus)
    }
}

/// What matching knows about a volunteer beyond the profile: recent credited hours, show-up
/// rate, preferred categories, teams and a personal shift cap.
///
/// Serde shape: `{"recent": 120, "reliability_permille": 950, "preferred": ["epidemic"],
/// "teams": ["…"], "max_shifts": null}`.
///
/// # Example
/// ```
/// use volunteer_service::{matching::VolunteerProfile, Minutes};
/// let p = VolunteerProfile::default()
///     .with_recent(Minutes::new(600))
///     .with_reliability_permille(950)?
///     .with_preferred("epidemic".parse()?);
/// assert_eq!(p.recent(), Minutes::new(600));
/// assert_eq!(p.reliability_permille(), Some(950));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "ProfileWire", into = "ProfileWire")
)]
pub struct VolunteerProfile {
    recent: Minutes,
    reliability_permille: Option<u16>,
    preferred: Vec<CategoryKey>,
    teams: Vec<TeamId>,
    max_shifts: Option<u32>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct ProfileWire {
    recent: Minutes,
    reliability_permille: Option<u16>,
    preferred: Vec<CategoryKey>,
    teams: Vec<TeamId>,
    max_shifts: Option<u32>,
}

#[cfg(feature = "serde")]
impl TryFrom<ProfileWire> for VolunteerProfile {
    type Error = MatchError;
    fn try_from(w: ProfileWire) -> Result<Self, MatchError> {
        let mut p = Self::default().with_recent(w.recent);
        if let Some(r) = w.reliability_permille {
            p = p.with_reliability_permille(r)?;
        }
        for c in w.preferred {
            p = p.with_preferred(c);
        }
        for t in w.teams {
            p = p.with_team(t);
        }
        if let Some(m) = w.max_shifts {
            p = p.with_max_shifts(m);
        }
        Ok(p)
    }
}

#[cfg(feature = "serde")]
impl From<VolunteerProfile> for ProfileWire {
    fn from(p: VolunteerProfile) -> Self {
        Self {
            recent: p.recent,
            reliability_permille: p.reliability_permille,
            preferred: p.preferred,
            teams: p.teams,
            max_shifts: p.max_shifts,
        }
    }
}

impl VolunteerProfile {
    /// Sets the credited hours in the fairness window (from the ledger).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::VolunteerProfile, Minutes};
    /// let p = VolunteerProfile::default().with_recent(Minutes::new(480));
    /// assert_eq!(p.recent(), Minutes::new(480));
    /// ```
    #[must_use]
    pub fn with_recent(mut self, recent: Minutes) -> Self {
        self.recent = recent;
        self
    }
    /// Sets the show-up rate.
    ///
    /// # Errors
    /// [`MatchError::InvalidPolicy`] if above 1000.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::VolunteerProfile;
    /// let p = VolunteerProfile::default().with_reliability_permille(920)?;
    /// assert_eq!(p.reliability_permille(), Some(920));
    /// assert!(VolunteerProfile::default().with_reliability_permille(1_001).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_reliability_permille(mut self, rate: u16) -> Result<Self, MatchError> {
        if rate > 1000 {
            return Err(invalid(
                "reliability_permille",
                u64::from(rate),
                "must be at most 1000",
            ));
        }
        self.reliability_permille = Some(rate);
        Ok(self)
    }
    /// Adds a preferred category (kept sorted, without duplicates).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::VolunteerProfile;
    /// let p = VolunteerProfile::default()
    ///     .with_preferred("epidemic".parse()?)
    ///     .with_preferred("elderly".parse()?)
    ///     .with_preferred("epidemic".parse()?);
    /// assert_eq!(p.preferred().len(), 2); // no duplicates
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn with_preferred(mut self, category: CategoryKey) -> Self {
        if let Err(i) = self.preferred.binary_search(&category) {
            self.preferred.insert(i, category);
        }
        self
    }
    /// Adds a team the volunteer belongs to (kept sorted, without duplicates).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::VolunteerProfile, TeamId};
    /// let (a, b) = (TeamId::from_parts(1, 1), TeamId::from_parts(1, 2));
    /// let p = VolunteerProfile::default().with_team(b).with_team(a).with_team(b);
    /// assert_eq!(p.teams(), &[a, b]); // sorted, no duplicates
    /// ```
    #[must_use]
    pub fn with_team(mut self, team: TeamId) -> Self {
        if let Err(i) = self.teams.binary_search(&team) {
            self.teams.insert(i, team);
        }
        self
    }
    /// Sets a personal cap on shifts, used when lower than the policy's.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::VolunteerProfile;
    /// let p = VolunteerProfile::default().with_max_shifts(1);
    /// assert_eq!(p.max_shifts(), Some(1));
    /// ```
    #[must_use]
    pub fn with_max_shifts(mut self, max: u32) -> Self {
        self.max_shifts = Some(max);
        self
    }
    /// Credited recent hours.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::VolunteerProfile, Minutes};
    /// assert_eq!(VolunteerProfile::default().recent(), Minutes::ZERO);
    /// assert_eq!(VolunteerProfile::default().with_recent(Minutes::new(90)).recent(), Minutes::new(90));
    /// ```
    pub const fn recent(&self) -> Minutes {
        self.recent
    }
    /// Show-up rate, if known.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::VolunteerProfile;
    /// assert_eq!(VolunteerProfile::default().reliability_permille(), None); // the policy's default applies
    /// assert_eq!(VolunteerProfile::default().with_reliability_permille(700)?.reliability_permille(), Some(700));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn reliability_permille(&self) -> Option<u16> {
        self.reliability_permille
    }
    /// Preferred categories, sorted.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::VolunteerProfile;
    /// let p = VolunteerProfile::default().with_preferred("epidemic".parse()?).with_preferred("elderly".parse()?);
    /// let keys: Vec<String> = p.preferred().iter().map(ToString::to_string).collect();
    /// assert_eq!(keys, ["elderly", "epidemic"]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn preferred(&self) -> &[CategoryKey] {
        &self.preferred
    }
    /// Teams, sorted.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::VolunteerProfile, TeamId};
    /// assert!(VolunteerProfile::default().teams().is_empty());
    /// let p = VolunteerProfile::default().with_team(TeamId::from_parts(1, 7));
    /// assert_eq!(p.teams(), &[TeamId::from_parts(1, 7)]);
    /// ```
    pub fn teams(&self) -> &[TeamId] {
        &self.teams
    }
    /// Personal shift cap.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::VolunteerProfile;
    /// assert_eq!(VolunteerProfile::default().max_shifts(), None); // the policy's cap applies
    /// assert_eq!(VolunteerProfile::default().with_max_shifts(2).max_shifts(), Some(2));
    /// ```
    pub const fn max_shifts(&self) -> Option<u32> {
        self.max_shifts
    }
}

/// A score broken down by factor: the points (0..=100) of each factor, the keep-bonus and
/// the weighted total.
///
/// Serde shape: `{"points": {"jurisdiction": 70, …}, "keep_bonus": 0, "total": 910}`.
///
/// # Example
/// ```
/// use volunteer_service::matching::{Factor, ScoreBreakdown, ScoreWeights};
/// let s = ScoreBreakdown::from_points([100, 50, 100, 100, 80, 0, 0], &ScoreWeights::default());
/// assert_eq!(s.points(Factor::Distance), 50);
/// assert_eq!(s.total(), 300 + 150 + 200 + 200 + 80);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "BreakdownWire", into = "BreakdownWire")
)]
pub struct ScoreBreakdown {
    points: FactorPoints,
    keep_bonus: u32,
    total: i64,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct BreakdownWire {
    points: FactorPoints,
    keep_bonus: u32,
    total: i64,
}

#[cfg(feature = "serde")]
impl TryFrom<BreakdownWire> for ScoreBreakdown {
    type Error = MatchError;
    fn try_from(w: BreakdownWire) -> Result<Self, MatchError> {
        for f in Factor::ALL {
            let p = w.points.get(f);
            if p > FACTOR_POINTS {
                return Err(invalid(
                    f.as_str(),
                    u64::from(p),
                    "points must be at most 100",
                ));
            }
        }
        let most = i64::from(FACTOR_POINTS) * i64::from(MAX_WEIGHT) * 7 + i64::from(w.keep_bonus);
        if w.total < i64::from(w.keep_bonus) || w.total > most {
            return Err(invalid(
                "total",
                u64::try_from(w.total).unwrap_or(0),
                "total must lie between the keep bonus and 100 × 7000 + keep bonus",
            ));
        }
        Ok(Self {
            points: w.points,
            keep_bonus: w.keep_bonus,
            total: w.total,
        })
    }
}

#[cfg(feature = "serde")]
impl From<ScoreBreakdown> for BreakdownWire {
    fn from(b: ScoreBreakdown) -> Self {
        Self {
            points: b.points,
            keep_bonus: b.keep_bonus,
            total: b.total,
        }
    }
}

/// Points per factor, a struct so the wire shape names each factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct FactorPoints {
    jurisdiction: u32,
    distance: u32,
    qualification_fit: u32,
    fairness: u32,
    reliability: u32,
    preference: u32,
    team: u32,
}

impl FactorPoints {
    const fn get(&self, f: Factor) -> u32 {
        match f {
            Factor::Jurisdiction => self.jurisdiction,
            Factor::Distance => self.distance,
            Factor::QualificationFit => self.qualification_fit,
            Factor::Fairness => self.fairness,
            Factor::Reliability => self.reliability,
            Factor::Preference => self.preference,
            Factor::Team => self.team,
        }
    }
}

impl ScoreBreakdown {
    /// A breakdown from points in [`Factor::ALL`] order (each clamped to 100), weighted.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{Factor, ScoreBreakdown, ScoreWeights};
    /// let w = ScoreWeights::default();
    /// let s = ScoreBreakdown::from_points([100, 0, 0, 0, 0, 0, 250], &w);
    /// assert_eq!(s.points(Factor::Team), 100); // clamped
    /// assert_eq!(s.total(), 3 * 100 + 1 * 100);
    /// ```
    pub fn from_points(points: [u32; 7], weights: &ScoreWeights) -> Self {
        let [
            jurisdiction,
            distance,
            qualification_fit,
            fairness,
            reliability,
            preference,
            team,
        ] = points.map(|p| p.min(FACTOR_POINTS));
        let points = FactorPoints {
            jurisdiction,
            distance,
            qualification_fit,
            fairness,
            reliability,
            preference,
            team,
        };
        let total = Factor::ALL
            .iter()
            .map(|&f| i64::from(points.get(f)) * i64::from(weights.get(f)))
            .sum();
        Self {
            points,
            keep_bonus: 0,
            total,
        }
    }

    /// The same score with a keep-bonus added.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{ScoreBreakdown, ScoreWeights};
    /// let s = ScoreBreakdown::from_points([100; 7], &ScoreWeights::default());
    /// let kept = s.with_keep_bonus(200).with_keep_bonus(150); // replaces, not adds
    /// assert_eq!(kept.total(), s.total() + 150);
    /// assert_eq!(kept.keep_bonus(), 150);
    /// ```
    #[must_use]
    pub fn with_keep_bonus(mut self, bonus: u32) -> Self {
        self.total = self.total - i64::from(self.keep_bonus) + i64::from(bonus);
        self.keep_bonus = bonus;
        self
    }

    /// Points of one factor, 0..=100.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{Factor, ScoreBreakdown, ScoreWeights};
    /// let s = ScoreBreakdown::from_points([70, 45, 100, 90, 80, 0, 100], &ScoreWeights::default());
    /// assert_eq!(s.points(Factor::Jurisdiction), 70);
    /// assert_eq!(s.points(Factor::Preference), 0);
    /// ```
    pub const fn points(&self, factor: Factor) -> u32 {
        self.points.get(factor)
    }
    /// The keep-bonus included in the total (repair only).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{ScoreBreakdown, ScoreWeights};
    /// let s = ScoreBreakdown::from_points([100; 7], &ScoreWeights::default());
    /// assert_eq!(s.keep_bonus(), 0);
    /// assert_eq!(s.with_keep_bonus(200).keep_bonus(), 200);
    /// ```
    pub const fn keep_bonus(&self) -> u32 {
        self.keep_bonus
    }
    /// `Σ weight × points + keep_bonus`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{Factor, ScoreBreakdown, ScoreWeights};
    /// let w = ScoreWeights::default().with(Factor::Distance, 5)?;
    /// let s = ScoreBreakdown::from_points([0, 60, 0, 0, 0, 0, 0], &w);
    /// assert_eq!(s.total(), 5 * 60);
    /// assert_eq!(s.with_keep_bonus(200).total(), 300 + 200);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn total(&self) -> i64 {
        self.total
    }
}

impl fmt::Display for ScoreBreakdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.total)?;
        let mut sep = " (";
        for factor in Factor::ALL {
            write!(f, "{sep}{factor} {}", self.points(factor))?;
            sep = ", ";
        }
        if self.keep_bonus > 0 {
            write!(f, ", keep bonus {}", self.keep_bonus)?;
        }
        f.write_str(")")
    }
}

/// Holder counts of qualifications among the volunteers of one match, for
/// [`Factor::QualificationFit`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Scarcity {
    holders: std::collections::BTreeMap<crate::QualificationId, u32>,
    volunteers: u32,
}

impl Scarcity {
    pub(crate) fn new<'v>(volunteers: impl Iterator<Item = &'v Volunteer>) -> Self {
        Self::counting(volunteers, |_| true)
    }

    /// The counts that scoring `volunteer` needs, among `volunteers`: every volunteer, but
    /// the holders of `volunteer`'s own kinds only ([`score`] looks up no other kind). No
    /// pass over `volunteers` when it holds none.
    pub(crate) fn for_volunteer(volunteers: &[Volunteer], volunteer: &Volunteer) -> Self {
        let own = volunteer.qualifications();
        if own.is_empty() {
            return Self {
                holders: std::collections::BTreeMap::new(),
                volunteers: u32::try_from(volunteers.len()).unwrap_or(u32::MAX),
            };
        }
        Self::counting(volunteers.iter(), |q| {
            own.iter().any(|g| g.qualification() == q)
        })
    }

    /// Counts every volunteer, and the holders of each kind that `keep` accepts.
    fn counting<'v>(
        volunteers: impl Iterator<Item = &'v Volunteer>,
        keep: impl Fn(crate::QualificationId) -> bool,
    ) -> Self {
        let mut s = Self::default();
        for v in volunteers {
            s.volunteers = s.volunteers.saturating_add(1);
            let grants = v.qualifications();
            for (i, g) in grants.iter().enumerate() {
                let q = g.qualification();
                // Each kind once per volunteer, however many grants of it: a volunteer holds a
                // handful, so looking back costs less than sorting a copy (recommendations
                // count every volunteer on each call).
                if !keep(q) || grants.iter().take(i).any(|h| h.qualification() == q) {
                    continue;
                }
                *s.holders.entry(q).or_insert(0) += 1;
            }
        }
        s
    }
}

/// The division a shift is "in" for the jurisdiction factor: its jurisdiction rule's, else its
/// location's, else its activity's.
pub(crate) fn shift_division(shift: &Shift, activity: &Activity) -> DivisionCode {
    shift
        .requirements()
        .jurisdiction()
        .division()
        .unwrap_or_else(|| {
            shift
                .location()
                .unwrap_or_else(|| activity.location())
                .division()
        })
}

/// Jurisdiction points of a home division for a target division.
pub(crate) fn jurisdiction_points(home: Option<DivisionCode>, target: DivisionCode) -> u32 {
    let Some(home) = home else { return 0 };
    if home == target {
        return 100;
    }
    match home.common_ancestor(target).map(DivisionCode::level) {
        Some(DivisionLevel::Village) => 100,
        Some(DivisionLevel::Township) => 70,
        Some(DivisionLevel::County) => 40,
        Some(DivisionLevel::Prefecture) => 10,
        Some(DivisionLevel::Province) | None => 0,
    }
}

/// Distance points for a known distance.
pub(crate) fn distance_points(distance_m: Option<u32>, reach_m: u32) -> u32 {
    match distance_m {
        Some(d) if reach_m > 0 => {
            let left = u64::from(reach_m.saturating_sub(d));
            u32::try_from(left * u64::from(FACTOR_POINTS) / u64::from(reach_m)).unwrap_or(0)
        }
        _ => 0,
    }
}

/// Fairness points: `100 − 100·min(h,H)²/H²` (a convex cost in recent hours).
pub(crate) fn fairness_points(recent: Minutes, horizon: Minutes) -> u32 {
    let h = u128::from(recent.get().min(horizon.get()));
    let big_h = u128::from(horizon.get().max(1));
    let cost = u128::from(FACTOR_POINTS) * h * h / (big_h * big_h);
    FACTOR_POINTS.saturating_sub(u32::try_from(cost).unwrap_or(FACTOR_POINTS))
}

/// Scores `volunteer` on `shift` of `activity` (no keep-bonus).
pub(crate) fn score(
    policy: &MatchPolicy,
    scarcity: &Scarcity,
    volunteer: &Volunteer,
    profile: Option<&VolunteerProfile>,
    shift: &Shift,
    activity: &Activity,
    pairings: &std::collections::BTreeMap<TeamId, Vec<DivisionCode>>,
) -> ScoreBreakdown {
    let jurisdiction =
        jurisdiction_points(volunteer.home_division(), shift_division(shift, activity));
    let place = shift.location().unwrap_or_else(|| activity.location());
    let distance_m = match (volunteer.home_point(), place.point()) {
        (Some(a), Some(b)) => Some(a.distance_m(b)),
        _ => None,
    };
    let distance = distance_points(distance_m, policy.reach_m);
    let required = shift.requirements().qualifications();
    let threshold = u64::from(scarcity.volunteers) * u64::from(policy.scarce_share_permille);
    let mut fit = FACTOR_POINTS;
    for g in volunteer.qualifications() {
        let q = g.qualification();
        if required.contains(&q) {
            continue;
        }
        let holders = u64::from(scarcity.holders.get(&q).copied().unwrap_or(0));
        // Scarce: holders / volunteers <= share / 1000.
        if holders * 1000 <= threshold && threshold > 0 {
            let pts = holders * 1000 * u64::from(FACTOR_POINTS) / threshold;
            fit = fit.min(u32::try_from(pts).unwrap_or(FACTOR_POINTS));
        }
    }
    let recent = profile.map_or(Minutes::ZERO, VolunteerProfile::recent);
    let fairness = fairness_points(recent, policy.fairness_horizon);
    let rate = profile
        .and_then(VolunteerProfile::reliability_permille)
        .unwrap_or(policy.default_reliability_permille);
    let reliability = u32::from(rate) / 10;
    let category = activity.category();
    let preference = if profile.is_some_and(|p| p.preferred.iter().any(|c| category.is_within(c))) {
        FACTOR_POINTS
    } else {
        0
    };
    let own_activity = matches!(
        (activity.team(), profile),
        (Some(t), Some(p)) if p.teams.binary_search(&t).is_ok()
    );
    let target = shift_division(shift, activity);
    let paired = profile.is_some_and(|p| {
        p.teams.iter().any(|t| {
            pairings
                .get(t)
                .is_some_and(|ds| ds.iter().any(|d| d.contains(target)))
        })
    });
    let team = if own_activity || paired {
        FACTOR_POINTS
    } else {
        0
    };
    ScoreBreakdown::from_points(
        [
            jurisdiction,
            distance,
            fit,
            fairness,
            reliability,
            preference,
            team,
        ],
        &policy.weights,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> DivisionCode {
        s.parse().unwrap()
    }

    #[test]
    fn jurisdiction_prefers_nearer_levels() {
        let station = code("320115005001");
        let t = code("320115005");
        assert_eq!(jurisdiction_points(Some(t), t), 100);
        assert_eq!(jurisdiction_points(Some(station), t), 70);
        assert_eq!(jurisdiction_points(Some(code("320115006")), t), 40);
        assert_eq!(jurisdiction_points(Some(code("320104001")), t), 10);
        assert_eq!(jurisdiction_points(Some(code("110101001")), t), 0);
        assert_eq!(jurisdiction_points(None, t), 0);
    }

    #[test]
    fn scarcity_counts_each_holder_of_a_kind_once() {
        use crate::{QualificationGrant, QualificationId, doc_fixtures as fx};
        let q = |k| QualificationId::from_parts(9, k);
        let from = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let holder = |kinds: &[u64]| {
            let mut v = fx::volunteer();
            assert!(v.qualifications().is_empty());
            for &k in kinds {
                v.add_qualification(QualificationGrant::new(q(k), from, None, None).unwrap())
                    .unwrap();
            }
            v
        };
        // Two grants of kind 1 (renewed), then kind 2, then kind 1 again.
        let vols = [
            holder(&[1, 1, 2, 1]),
            holder(&[2]),
            holder(&[]),
            holder(&[3, 1]),
        ];
        let s = Scarcity::new(vols.iter());
        assert_eq!(s.volunteers, 4);
        assert_eq!(
            s.holders.into_iter().collect::<Vec<_>>(),
            [(q(1), 2), (q(2), 2), (q(3), 1)]
        );
        // For one volunteer: its own kinds only, every volunteer counted.
        let s = Scarcity::for_volunteer(&vols, &vols[3]);
        assert_eq!(s.volunteers, 4);
        assert_eq!(
            s.holders.into_iter().collect::<Vec<_>>(),
            [(q(1), 2), (q(3), 1)]
        );
        let s = Scarcity::for_volunteer(&vols, &vols[2]);
        assert_eq!((s.volunteers, s.holders.len()), (4, 0));
    }

    #[test]
    fn distance_is_linear_to_reach() {
        assert_eq!(distance_points(Some(0), 10_000), 100);
        assert_eq!(distance_points(Some(5_000), 10_000), 50);
        assert_eq!(distance_points(Some(20_000), 10_000), 0);
        assert_eq!(distance_points(None, 10_000), 0);
    }

    #[test]
    fn fairness_is_a_convex_cost() {
        let h = Minutes::new(100);
        let pts: Vec<u32> = (0..=4)
            .map(|i| fairness_points(Minutes::new(i * 25), h))
            .collect();
        assert_eq!(pts, vec![100, 94, 75, 44, 0]);
        // Marginal cost grows: differences increase.
        let diffs: Vec<u32> = pts.windows(2).map(|w| w[0] - w[1]).collect();
        assert!(diffs.windows(2).all(|d| d[0] <= d[1]));
        assert_eq!(fairness_points(Minutes::new(1_000), h), 0);
    }

    #[test]
    fn policy_rejects_out_of_range_values() {
        let p = MatchPolicy::default();
        assert!(matches!(
            p.clone().with_reach_m(0),
            Err(MatchError::InvalidPolicy {
                field: "reach_m",
                ..
            })
        ));
        assert_eq!(
            ScoreWeights::default()
                .with(Factor::Team, 1001)
                .unwrap_err()
                .to_string(),
            "match policy field team = 1001: weight must be at most 1000"
        );
        assert!(p.clone().with_scarce_share_permille(0).is_err());
        assert!(p.clone().with_default_reliability_permille(1001).is_err());
        assert!(p.clone().with_keep_bonus(100_001).is_err());
        assert!(p.with_fairness_horizon(Minutes::ZERO).is_err());
        assert!(
            VolunteerProfile::default()
                .with_reliability_permille(1001)
                .is_err()
        );
    }

    #[test]
    fn breakdown_totals_and_keep_bonus() {
        let w = ScoreWeights::default();
        let s = ScoreBreakdown::from_points([100; 7], &w);
        assert_eq!(s.total(), 1300);
        let k = s.with_keep_bonus(200).with_keep_bonus(50);
        assert_eq!(k.total(), 1350);
        assert_eq!(k.keep_bonus(), 50);
        assert!(k.to_string().starts_with("1350 (jurisdiction 100"));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn policy_serde_round_trips_and_validates() {
        let p = MatchPolicy::default();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<MatchPolicy>(&json).unwrap(), p);
        let bad = json.replace("\"max_shifts\":3", "\"max_shifts\":0");
        assert!(serde_json::from_str::<MatchPolicy>(&bad).is_err());
        let b = ScoreBreakdown::from_points([100; 7], &ScoreWeights::default());
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<ScoreBreakdown>(&json).unwrap(), b);
        let bad = json.replace("\"team\":100", "\"team\":101");
        assert!(serde_json::from_str::<ScoreBreakdown>(&bad).is_err());
    }
}
