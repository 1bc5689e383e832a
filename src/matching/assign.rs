//! Volunteers → shifts: the input, the exact min-cost-flow model and its outcome.
//!
//! # Model
//! One network per match, built with [`FlowBuilder`]: a hub supplies every slot; a slot is
//! filled through a volunteer (hub → volunteer, capacity = the volunteer's shift cap; volunteer
//! → window, capacity 1; window → shift, cost of the edge) or left unfilled (hub → shift, the
//! unfilled penalty). A *window* is a group of pairwise-conflicting shifts (overlapping beyond
//! the eligibility policy's grace, or closer than its minimum rest), found once for all
//! volunteers by a canonical greedy pass; a volunteer takes at most one shift per window. When
//! no two conflicting shifts fall in different windows (the usual morning / afternoon / evening
//! grid) this nested-capacity gadget is exact; otherwise it is a relaxation whose optimum is a
//! proven bound, conflicts are repaired, and the outcome says `feasible, gap ≤ x`.
//!
//! # Scaling: fill dominates score, exactly
//! Let `S` be the largest edge score present (every edge score is in `0..=S`), `R` the largest
//! minus the smallest, `T = min(Σ slots, Σ volunteer caps, #edges)` (no solution fills more),
//! `K` the number of shifts with a candidate, and `P = min(T·S, K·R) + 1`. Edge cost is
//! `S − score` (in `0..=R`), the unfilled penalty of shift `s` is `S + priority(s)·P`. Every
//! slot is either filled or not, so for any solution `cost = S·Σ slots − Σ score +
//! P·Σ priority·unfilled`: minimising the cost maximises the priority-weighted fill, then the
//! score, because either bound on `P` makes one more unit of weighted fill outweigh every
//! score difference:
//! - `P > T·S`: every solution's total score is in `0..=T·S`.
//! - `P > K·R`: two solutions differ by simple residual cycles, and a flow is optimal iff no
//!   residual cycle has negative cost. A simple cycle passes the hub (the only way to change
//!   the fill) at most once and each shift at most once, so it newly uses at most `K` edges,
//!   each adding at most `R` (the penalties' `S` cancels or only lowers its cost): a cycle
//!   that adds fill costs at most `K·R − P < 0`, and one that keeps it is priced by the score.
//!
//! With uniform scores `P = 1`. `P`, the penalties and the largest total cost are computed with
//! checked `i64` arithmetic ([`MatchError::TooLarge`]); the solver's own exact bound is
//! `max penalty · (nodes + 1) <= 2^60` (prices move by up to a path's cost; below
//! `max penalty · (nodes + 1)² <= 2^60` cost scaling multiplies costs by `nodes + 1`, above it
//! by a smaller factor, and the solver finishes exactly by shortest paths), reported as
//! [`MatchError::SolverBound`].
//!
//! # Determinism
//! [`MatchInput`] sorts volunteers, shifts and activities by id; the network is built in that
//! order; the solver is deterministic; repairs and explanations walk indices in order and break
//! ties by the higher score, then the lower volunteer id, then the lower shift id. The same
//! input in any order gives the same outcome.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, FixedOffset};

use crate::{
    Accompaniment, Activity, ActivityId, Commitment, DivisionCode, Eligibility, Ineligibility,
    Shift, ShiftId, TeamId, Verdict, Volunteer, VolunteerId,
};

use super::candidates::{CandidateIndex, NearMisses, ShiftScreen};
use super::score::{MAX_PRIORITY, Scarcity, score};
use super::{
    FlowBuilder, MatchError, MatchPolicy, MatchingError, ScoreBreakdown, SinkIndex,
    TransportBuilder, TransportCarry, TransportProblem, TransportSolution, VolunteerProfile,
};

/// Everything one match needs: volunteers, shifts with priorities, their activities, shifts
/// the volunteers already hold, and per-volunteer profiles (recent hours, show-up rate,
/// preferences, teams).
///
/// Kept in canonical order (by id), so the order of the input never changes the outcome.
///
/// Serde shape: `{"volunteers": [...], "shifts": [{"shift": {...}, "priority": 1}],
/// "activities": [...], "held": {"<volunteer id>": [commitment]}, "profiles": {"<volunteer
/// id>": profile}, "guardians": ["<volunteer id>"], "pairings": {"<team id>": [division]}}`;
/// deserialising validates like the constructors.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures as fx, matching::MatchInput, Requirements, Shift, ShiftId};
/// let activity = fx::activity();
/// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 2, Requirements::none())?;
/// let input = MatchInput::new(vec![fx::volunteer()], vec![shift], vec![activity])?
///     .with_priority(ShiftId::from_parts(1, 1), 5)?;
/// assert_eq!(input.priority(ShiftId::from_parts(1, 1)), Some(5));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "InputWire", into = "InputWire")
)]
pub struct MatchInput {
    volunteers: Vec<Volunteer>,
    shifts: Vec<Shift>,
    priorities: Vec<u32>,
    activities: BTreeMap<ActivityId, Activity>,
    held: BTreeMap<VolunteerId, Vec<Commitment>>,
    profiles: BTreeMap<VolunteerId, VolunteerProfile>,
    accompanied: BTreeSet<VolunteerId>,
    pairings: BTreeMap<TeamId, Vec<DivisionCode>>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct PrioritisedShift {
    shift: Shift,
    priority: u32,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct InputWire {
    volunteers: Vec<Volunteer>,
    shifts: Vec<PrioritisedShift>,
    activities: Vec<Activity>,
    held: BTreeMap<VolunteerId, Vec<Commitment>>,
    profiles: BTreeMap<VolunteerId, VolunteerProfile>,
    guardians: Vec<VolunteerId>,
    pairings: BTreeMap<TeamId, Vec<DivisionCode>>,
}

#[cfg(feature = "serde")]
impl TryFrom<InputWire> for MatchInput {
    type Error = MatchError;
    fn try_from(w: InputWire) -> Result<Self, MatchError> {
        let prios: Vec<(ShiftId, u32)> = w
            .shifts
            .iter()
            .map(|p| (p.shift.id(), p.priority))
            .collect();
        let mut input = Self::new(
            w.volunteers,
            w.shifts.into_iter().map(|p| p.shift).collect(),
            w.activities,
        )?;
        for (s, p) in prios {
            input = input.with_priority(s, p)?;
        }
        for (v, list) in w.held {
            for c in list {
                input = input.with_held(v, c)?;
            }
        }
        for (v, p) in w.profiles {
            input = input.with_profile(v, p)?;
        }
        for v in w.guardians {
            input = input.with_guardian(v)?;
        }
        for (t, ds) in w.pairings {
            for d in ds {
                input = input.with_pairing(t, d);
            }
        }
        Ok(input)
    }
}

#[cfg(feature = "serde")]
impl From<MatchInput> for InputWire {
    fn from(i: MatchInput) -> Self {
        Self {
            shifts: i
                .shifts
                .into_iter()
                .zip(i.priorities)
                .map(|(shift, priority)| PrioritisedShift { shift, priority })
                .collect(),
            volunteers: i.volunteers,
            activities: i.activities.into_values().collect(),
            held: i.held,
            profiles: i.profiles,
            guardians: i.accompanied.into_iter().collect(),
            pairings: i.pairings,
        }
    }
}

impl MatchInput {
    /// An input with priority 1 for every shift, nothing held and empty profiles.
    ///
    /// # Errors
    /// [`MatchError::DuplicateVolunteer`], [`MatchError::DuplicateShift`],
    /// [`MatchError::UnknownActivity`] if a shift's activity is missing.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::{MatchError, MatchInput}};
    /// let input = MatchInput::new(vec![fx::child(), fx::volunteer()], vec![], vec![])?;
    /// assert_eq!(input.volunteers()[0].id(), fx::volunteer().id()); // sorted by id
    /// let twice = MatchInput::new(vec![fx::volunteer(), fx::volunteer()], vec![], vec![]);
    /// assert!(matches!(twice, Err(MatchError::DuplicateVolunteer { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(
        mut volunteers: Vec<Volunteer>,
        mut shifts: Vec<Shift>,
        activities: Vec<Activity>,
    ) -> Result<Self, MatchError> {
        volunteers.sort_by_key(Volunteer::id);
        if let Some(w) = volunteers.windows(2).find(|w| w[0].id() == w[1].id()) {
            return Err(MatchError::DuplicateVolunteer {
                volunteer: w[0].id(),
            });
        }
        shifts.sort_by_key(Shift::id);
        if let Some(w) = shifts.windows(2).find(|w| w[0].id() == w[1].id()) {
            return Err(MatchError::DuplicateShift { shift: w[0].id() });
        }
        let activities: BTreeMap<_, _> = activities.into_iter().map(|a| (a.id(), a)).collect();
        if let Some(s) = shifts
            .iter()
            .find(|s| !activities.contains_key(&s.activity()))
        {
            return Err(MatchError::UnknownActivity {
                shift: s.id(),
                activity: s.activity(),
            });
        }
        Ok(Self {
            priorities: vec![1; shifts.len()],
            volunteers,
            shifts,
            activities,
            held: BTreeMap::new(),
            profiles: BTreeMap::new(),
            accompanied: BTreeSet::new(),
            pairings: BTreeMap::new(),
        })
    }

    /// Sets a shift's priority (`1..=100`; an unfilled slot of priority 2 weighs as two of
    /// priority 1). On error the input is unchanged.
    ///
    /// # Errors
    /// [`MatchError::UnknownShift`], [`MatchError::InvalidPriority`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (_, mut input, _) = fx::match_scenario();
    /// let s1 = ShiftId::from_parts(1, 1);
    /// input.set_priority(s1, 10)?;
    /// assert_eq!(input.priority(s1), Some(10));
    /// assert!(input.set_priority(s1, 101).is_err()); // 1..=100
    /// assert_eq!(input.priority(s1), Some(10)); // unchanged
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn set_priority(&mut self, shift: ShiftId, priority: u32) -> Result<(), MatchError> {
        let i = self.shift_index(shift)?;
        if priority == 0 || priority > MAX_PRIORITY {
            return Err(MatchError::InvalidPriority { shift, priority });
        }
        if let Some(p) = self.priorities.get_mut(i) {
            *p = priority;
        }
        Ok(())
    }

    /// Records a shift the volunteer already holds (checked for overlap, rest and caps, and
    /// counted against [`MatchPolicy::max_shifts`]). On error the input is unchanged.
    ///
    /// # Errors
    /// [`MatchError::UnknownVolunteer`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Commitment, ShiftId};
    /// # let (_, mut input, _) = fx::match_scenario();
    /// let zhang = fx::volunteer().id();
    /// let night = Commitment::new(ShiftId::from_parts(9, 9),
    ///     fx::span("2021-07-20T22:00:00+08:00", "2021-07-21T06:00:00+08:00"));
    /// input.add_held(zhang, night)?;
    /// input.add_held(zhang, night)?; // recorded once
    /// assert_eq!(input.held(zhang), &[night]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_held(
        &mut self,
        volunteer: VolunteerId,
        commitment: Commitment,
    ) -> Result<(), MatchError> {
        self.volunteer_index(volunteer)?;
        let list = self.held.entry(volunteer).or_default();
        if !list.contains(&commitment) {
            list.push(commitment);
            list.sort_by_key(|c| (c.shift(), c.span().start()));
        }
        Ok(())
    }

    /// Sets a volunteer's profile. On error the input is unchanged.
    ///
    /// # Errors
    /// [`MatchError::UnknownVolunteer`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::VolunteerProfile, Minutes};
    /// # let (_, mut input, _) = fx::match_scenario();
    /// let ming = fx::child().id();
    /// let profile = VolunteerProfile::default().with_recent(Minutes::new(600));
    /// input.set_profile(ming, profile.clone())?;
    /// assert_eq!(input.profile(ming), Some(&profile));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn set_profile(
        &mut self,
        volunteer: VolunteerId,
        profile: VolunteerProfile,
    ) -> Result<(), MatchError> {
        self.volunteer_index(volunteer)?;
        self.profiles.insert(volunteer, profile);
        Ok(())
    }

    /// Records that `team` is paired (结对) with `division`, for [`Factor::Team`]
    /// (see [`PairingRequest`](super::PairingRequest)); the volunteers' teams come from their
    /// profiles.
    ///
    /// [`Factor::Team`]: super::Factor::Team
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::{Factor, VolunteerProfile}, TeamId};
    /// # let (matcher, mut input, at) = fx::match_scenario();
    /// let (zhang, team) = (fx::volunteer().id(), TeamId::from_parts(1, 9));
    /// input.set_profile(zhang, VolunteerProfile::default().with_team(team))?;
    /// input.add_pairing(team, "320115".parse()?); // 结对 with Jiangning, where the shifts are
    /// let best = matcher.recommend_shifts(&input, zhang, at)?;
    /// assert_eq!(best[0].score().points(Factor::Team), 100);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_pairing(&mut self, team: TeamId, division: DivisionCode) {
        let list = self.pairings.entry(team).or_default();
        if let Err(i) = list.binary_search(&division) {
            list.insert(i, division);
        }
    }

    /// Records that a (minor) volunteer serves accompanied by a guardian. On error the input
    /// is unchanged.
    ///
    /// # Errors
    /// [`MatchError::UnknownVolunteer`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, VolunteerId};
    /// # let (_, mut input, _) = fx::match_scenario();
    /// let before = input.clone();
    /// input.add_guardian(fx::child().id())?; // 小明 serves with a guardian
    /// assert_ne!(input, before);
    /// let recorded = input.clone();
    /// assert!(input.add_guardian(VolunteerId::from_parts(9, 9)).is_err());
    /// assert_eq!(input, recorded); // unchanged on error
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_guardian(&mut self, volunteer: VolunteerId) -> Result<(), MatchError> {
        self.volunteer_index(volunteer)?;
        self.accompanied.insert(volunteer);
        Ok(())
    }

    /// Removes a volunteer (a withdrawal or no-show), for [`Matcher::repair`]. On error the
    /// input is unchanged.
    ///
    /// # Errors
    /// [`MatchError::UnknownVolunteer`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (_, mut input, _) = fx::match_scenario();
    /// input.remove_volunteer(fx::child().id())?; // 小明 withdraws
    /// assert_eq!(input.volunteers().len(), 1);
    /// assert!(input.remove_volunteer(fx::child().id()).is_err()); // already gone
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn remove_volunteer(&mut self, volunteer: VolunteerId) -> Result<(), MatchError> {
        let i = self.volunteer_index(volunteer)?;
        self.volunteers.remove(i);
        self.held.remove(&volunteer);
        self.profiles.remove(&volunteer);
        self.accompanied.remove(&volunteer);
        Ok(())
    }

    /// Adds a shift (priority 1) and, if new, its activity. On error the input is unchanged.
    ///
    /// # Errors
    /// [`MatchError::DuplicateShift`], [`MatchError::UnknownActivity`] if the activity is
    /// neither given nor known.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Requirements, Shift, ShiftId};
    /// # let (_, mut input, _) = fx::match_scenario();
    /// let evening = Shift::new(ShiftId::from_parts(1, 3), fx::activity().id(),
    ///     fx::span("2021-07-21T18:00:00+08:00", "2021-07-21T21:00:00+08:00"), 2, Requirements::none())?;
    /// input.add_shift(evening.clone(), None)?; // its activity is already in the input
    /// assert_eq!((input.shifts().len(), input.priority(evening.id())), (3, Some(1)));
    /// assert!(input.add_shift(evening, None).is_err()); // given twice
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_shift(
        &mut self,
        shift: Shift,
        activity: Option<Activity>,
    ) -> Result<(), MatchError> {
        let Err(i) = self.shifts.binary_search_by_key(&shift.id(), Shift::id) else {
            return Err(MatchError::DuplicateShift { shift: shift.id() });
        };
        let known = self.activities.contains_key(&shift.activity())
            || activity
                .as_ref()
                .is_some_and(|a| a.id() == shift.activity());
        if !known {
            return Err(MatchError::UnknownActivity {
                shift: shift.id(),
                activity: shift.activity(),
            });
        }
        if let Some(a) = activity {
            self.activities.entry(a.id()).or_insert(a);
        }
        self.shifts.insert(i, shift);
        self.priorities.insert(i, 1);
        Ok(())
    }

    /// [`set_priority`](Self::set_priority), builder style.
    ///
    /// # Errors
    /// As [`set_priority`](Self::set_priority).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (_, input, _) = fx::match_scenario();
    /// let s1 = ShiftId::from_parts(1, 1);
    /// let input = input.with_priority(s1, 3)?;
    /// assert_eq!(input.priority(s1), Some(3));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_priority(mut self, shift: ShiftId, priority: u32) -> Result<Self, MatchError> {
        self.set_priority(shift, priority)?;
        Ok(self)
    }

    /// [`add_held`](Self::add_held), builder style.
    ///
    /// # Errors
    /// As [`add_held`](Self::add_held).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Commitment, ShiftId};
    /// # let (_, input, _) = fx::match_scenario();
    /// let night = Commitment::new(ShiftId::from_parts(9, 9),
    ///     fx::span("2021-07-20T22:00:00+08:00", "2021-07-21T06:00:00+08:00"));
    /// let input = input.with_held(fx::child().id(), night)?;
    /// assert_eq!(input.held(fx::child().id()), &[night]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_held(
        mut self,
        volunteer: VolunteerId,
        commitment: Commitment,
    ) -> Result<Self, MatchError> {
        self.add_held(volunteer, commitment)?;
        Ok(self)
    }

    /// [`set_profile`](Self::set_profile), builder style.
    ///
    /// # Errors
    /// As [`set_profile`](Self::set_profile).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::VolunteerProfile};
    /// # let (_, input, _) = fx::match_scenario();
    /// let capped = VolunteerProfile::default().with_max_shifts(1);
    /// let input = input.with_profile(fx::child().id(), capped)?;
    /// assert_eq!(input.profile(fx::child().id()).and_then(VolunteerProfile::max_shifts), Some(1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_profile(
        mut self,
        volunteer: VolunteerId,
        profile: VolunteerProfile,
    ) -> Result<Self, MatchError> {
        self.set_profile(volunteer, profile)?;
        Ok(self)
    }

    /// [`add_pairing`](Self::add_pairing), builder style.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::{Factor, VolunteerProfile}, TeamId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// let (zhang, team) = (fx::volunteer().id(), TeamId::from_parts(1, 9));
    /// let input = input.with_profile(zhang, VolunteerProfile::default().with_team(team))?
    ///     .with_pairing(team, "320115".parse()?); // 结对 with Jiangning
    /// let best = matcher.recommend_shifts(&input, zhang, at)?;
    /// assert_eq!(best[0].score().points(Factor::Team), 100);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn with_pairing(mut self, team: TeamId, division: DivisionCode) -> Self {
        self.add_pairing(team, division);
        self
    }

    /// [`add_guardian`](Self::add_guardian), builder style.
    ///
    /// # Errors
    /// As [`add_guardian`](Self::add_guardian).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, VolunteerId};
    /// # let (_, input, _) = fx::match_scenario();
    /// let accompanied = input.clone().with_guardian(fx::child().id())?;
    /// assert_ne!(accompanied, input);
    /// assert!(input.with_guardian(VolunteerId::from_parts(9, 9)).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_guardian(mut self, volunteer: VolunteerId) -> Result<Self, MatchError> {
        self.add_guardian(volunteer)?;
        Ok(self)
    }

    /// [`remove_volunteer`](Self::remove_volunteer), builder style.
    ///
    /// # Errors
    /// As [`remove_volunteer`](Self::remove_volunteer).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (_, input, _) = fx::match_scenario();
    /// let input = input.without_volunteer(fx::volunteer().id())?;
    /// assert_eq!(input.volunteers()[0].id(), fx::child().id());
    /// assert!(input.profile(fx::volunteer().id()).is_none()); // the profile goes too
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn without_volunteer(mut self, volunteer: VolunteerId) -> Result<Self, MatchError> {
        self.remove_volunteer(volunteer)?;
        Ok(self)
    }

    /// [`add_shift`](Self::add_shift), builder style.
    ///
    /// # Errors
    /// As [`add_shift`](Self::add_shift).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Requirements, Shift, ShiftId};
    /// # let (_, input, _) = fx::match_scenario();
    /// let checkpoint = fx::hazardous_activity();
    /// let gate = Shift::new(ShiftId::from_parts(1, 3), checkpoint.id(),
    ///     fx::span("2021-07-21T18:00:00+08:00", "2021-07-21T21:00:00+08:00"), 1, Requirements::none())?;
    /// assert!(input.clone().with_shift(gate.clone(), None).is_err()); // unknown activity
    /// let input = input.with_shift(gate, Some(checkpoint.clone()))?;
    /// assert_eq!(input.activity(checkpoint.id()), Some(&checkpoint));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_shift(
        mut self,
        shift: Shift,
        activity: Option<Activity>,
    ) -> Result<Self, MatchError> {
        self.add_shift(shift, activity)?;
        Ok(self)
    }

    /// The volunteers, by id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Volunteer};
    /// # let (_, input, _) = fx::match_scenario();
    /// let ids: Vec<_> = input.volunteers().iter().map(Volunteer::id).collect();
    /// assert_eq!(ids, [fx::volunteer().id(), fx::child().id()]);
    /// ```
    pub fn volunteers(&self) -> &[Volunteer] {
        &self.volunteers
    }
    /// The shifts, by id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Shift, ShiftId};
    /// # let (_, input, _) = fx::match_scenario();
    /// let ids: Vec<_> = input.shifts().iter().map(Shift::id).collect();
    /// assert_eq!(ids, [ShiftId::from_parts(1, 1), ShiftId::from_parts(1, 2)]);
    /// ```
    pub fn shifts(&self) -> &[Shift] {
        &self.shifts
    }
    /// A shift's priority.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (_, input, _) = fx::match_scenario();
    /// assert_eq!(input.priority(ShiftId::from_parts(1, 1)), Some(1)); // the default
    /// assert_eq!(input.priority(ShiftId::from_parts(1, 2)), Some(2));
    /// assert_eq!(input.priority(ShiftId::from_parts(9, 9)), None);
    /// ```
    pub fn priority(&self, shift: ShiftId) -> Option<u32> {
        let i = self.shift_index(shift).ok()?;
        self.priorities.get(i).copied()
    }
    /// Shifts a volunteer already holds.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Commitment, ShiftId};
    /// # let (_, input, _) = fx::match_scenario();
    /// let zhang = fx::volunteer().id();
    /// assert!(input.held(zhang).is_empty());
    /// let night = Commitment::new(ShiftId::from_parts(9, 9),
    ///     fx::span("2021-07-20T22:00:00+08:00", "2021-07-21T06:00:00+08:00"));
    /// assert_eq!(input.with_held(zhang, night)?.held(zhang), &[night]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn held(&self, volunteer: VolunteerId) -> &[Commitment] {
        self.held.get(&volunteer).map_or(&[], Vec::as_slice)
    }
    /// A volunteer's profile, if one was given.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::VolunteerProfile};
    /// # let (_, input, _) = fx::match_scenario();
    /// let zhang = input.profile(fx::volunteer().id());
    /// assert_eq!(zhang.and_then(VolunteerProfile::reliability_permille), Some(950));
    /// assert!(input.profile(fx::child().id()).is_none());
    /// ```
    pub fn profile(&self, volunteer: VolunteerId) -> Option<&VolunteerProfile> {
        self.profiles.get(&volunteer)
    }
    /// An activity of the input.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (_, input, _) = fx::match_scenario();
    /// assert_eq!(input.activity(fx::activity().id()), Some(&fx::activity()));
    /// assert!(input.activity(fx::hazardous_activity().id()).is_none());
    /// ```
    pub fn activity(&self, id: ActivityId) -> Option<&Activity> {
        self.activities.get(&id)
    }

    fn volunteer_index(&self, id: VolunteerId) -> Result<usize, MatchError> {
        self.volunteers
            .binary_search_by_key(&id, Volunteer::id)
            .map_err(|_| MatchError::UnknownVolunteer { volunteer: id })
    }
    fn shift_index(&self, id: ShiftId) -> Result<usize, MatchError> {
        self.shifts
            .binary_search_by_key(&id, Shift::id)
            .map_err(|_| MatchError::UnknownShift { shift: id })
    }
    fn accompaniment(&self, v: VolunteerId) -> Accompaniment {
        if self.accompanied.contains(&v) {
            Accompaniment::Guardian
        } else {
            Accompaniment::Unaccompanied
        }
    }
    fn cap(&self, policy: &MatchPolicy, v: &Volunteer) -> u32 {
        let max = self
            .profile(v.id())
            .and_then(VolunteerProfile::max_shifts)
            .map_or(policy.max_shifts(), |m| m.min(policy.max_shifts()));
        let held = u32::try_from(self.held(v.id()).len()).unwrap_or(u32::MAX);
        max.saturating_sub(held)
    }
}

/// How good a returned assignment is.
///
/// Serde shape: `{"status": "optimal"}` or `{"status": "feasible", "gap_bound": 1234}`.
///
/// # Example
/// ```
/// use volunteer_service::matching::Optimality;
/// assert!(Optimality::Optimal.is_optimal());
/// assert_eq!(Optimality::Feasible { gap_bound: 40 }.to_string(), "feasible, gap ≤ 40");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "status", rename_all = "snake_case")
)]
pub enum Optimality {
    /// No assignment has a lower cost (fills more weighted slots, or as many with a higher
    /// score).
    Optimal,
    /// Feasible; its cost exceeds the optimum by at most `gap_bound` cost units (see
    /// [`MatchObjective::cost`]).
    Feasible {
        /// Cost minus the relaxation's proven lower bound.
        gap_bound: i64,
    },
}

impl Optimality {
    /// Whether the outcome is proven optimal.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::Optimality};
    /// assert!(!Optimality::Feasible { gap_bound: 40 }.is_optimal());
    /// # let (matcher, input, at) = fx::match_scenario();
    /// assert!(matcher.assign(&input, at)?.optimality().is_optimal());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn is_optimal(&self) -> bool {
        matches!(self, Self::Optimal)
    }
}

impl fmt::Display for Optimality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Optimal => f.write_str("optimal"),
            Self::Feasible { gap_bound } => write!(f, "feasible, gap ≤ {gap_bound}"),
        }
    }
}

/// The value of an outcome: priority-weighted fill first, then the score.
///
/// Serde shape: `{"filled_weight": 12, "unfilled_weight": 0, "score": 9870, "cost": …}`.
///
/// # Example
/// ```
/// use volunteer_service::matching::MatchObjective;
/// let a = MatchObjective::new(10, 0, 500, 0);
/// let b = MatchObjective::new(9, 1, 900, 0);
/// assert!(a.key() > b.key()); // fill first
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MatchObjective {
    filled_weight: u64,
    unfilled_weight: u64,
    score: i64,
    cost: i64,
}

impl MatchObjective {
    /// An objective from its parts.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchObjective;
    /// let o = MatchObjective::new(12, 3, 9_870, 45_000);
    /// assert_eq!((o.filled_weight(), o.unfilled_weight(), o.score(), o.cost()), (12, 3, 9_870, 45_000));
    /// ```
    pub const fn new(filled_weight: u64, unfilled_weight: u64, score: i64, cost: i64) -> Self {
        Self {
            filled_weight,
            unfilled_weight,
            score,
            cost,
        }
    }
    /// `Σ priority × filled slots`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.objective().filled_weight(), 1); // s1's slot, priority 1
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn filled_weight(&self) -> u64 {
        self.filled_weight
    }
    /// `Σ priority × unfilled slots`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.objective().unfilled_weight(), 2 * 2); // s2's 2 slots, priority 2
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn unfilled_weight(&self) -> u64 {
        self.unfilled_weight
    }
    /// `Σ` placement scores (including keep-bonuses when repairing).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// let placed: i64 = out.placements().iter().map(|p| p.score().total()).sum();
    /// assert_eq!(out.objective().score(), placed);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn score(&self) -> i64 {
        self.score
    }
    /// The minimised network cost, `S·Σ slots − score + P·unfilled_weight` (module docs).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchObjective;
    /// let a = MatchObjective::new(10, 0, 500, 1_800);
    /// let b = MatchObjective::new(10, 0, 900, 1_400);
    /// assert!(b.cost() < a.cost()); // same fill, higher score: cheaper
    /// ```
    pub const fn cost(&self) -> i64 {
        self.cost
    }
    /// The lexicographic key that is maximised: `(filled_weight, score)`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::MatchObjective;
    /// let more_filled = MatchObjective::new(10, 0, 500, 0);
    /// let better_scored = MatchObjective::new(9, 1, 900, 0);
    /// assert_eq!(more_filled.key(), (10, 500));
    /// assert!(more_filled.key() > better_scored.key()); // fill first, then score
    /// ```
    pub const fn key(&self) -> (u64, i64) {
        (self.filled_weight, self.score)
    }
}

/// The best eligible volunteer for a shift who was not placed on it.
///
/// Serde shape: `{"volunteer": "…", "score": 870, "why": {…}}`.
///
/// # Example
/// ```
/// use volunteer_service::{matching::{RunnerUp, WhyNot}, VolunteerId};
/// let r = RunnerUp::new(VolunteerId::from_parts(1, 2), 870, WhyNot::Chosen);
/// assert_eq!(r.score(), 870);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RunnerUp {
    volunteer: VolunteerId,
    score: i64,
    why: WhyNot,
}

impl RunnerUp {
    /// A runner-up.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{RunnerUp, WhyNot}, VolunteerId};
    /// let r = RunnerUp::new(VolunteerId::from_parts(1, 2), 870, WhyNot::LeftOpen);
    /// assert_eq!((r.volunteer(), r.score(), r.why()), (VolunteerId::from_parts(1, 2), 870, &WhyNot::LeftOpen));
    /// ```
    pub const fn new(volunteer: VolunteerId, score: i64, why: WhyNot) -> Self {
        Self {
            volunteer,
            score,
            why,
        }
    }
    /// The volunteer.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// let runner_up = out.placements()[0].runner_up().map(|r| r.volunteer());
    /// assert_eq!(runner_up, Some(fx::child().id())); // 小明 came second on s1
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// Their score on the shift.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// let p = &out.placements()[0];
    /// let second = p.runner_up().map(|r| r.score());
    /// assert!(second.is_some_and(|s| s < p.score().total())); // 小明 scored less than 张三
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn score(&self) -> i64 {
        self.score
    }
    /// Why they were not placed on it.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::WhyNot};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// let why = out.placements()[0].runner_up().map(|r| r.why().clone());
    /// assert!(matches!(why, Some(WhyNot::Beaten { by, .. }) if by == fx::volunteer().id()));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn why(&self) -> &WhyNot {
        &self.why
    }
}

/// One volunteer placed on one shift, with its score by factor and the runner-up.
///
/// Serde shape: `{"volunteer": "…", "shift": "…", "score": {…}, "runner_up": {…} | null}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures as fx, matching::{MatchInput, MatchPolicy, Matcher},
///     Eligibility, EligibilityPolicy, QualificationGraph, Requirements, Shift, ShiftId, RegistrationRequirement};
/// let activity = fx::activity();
/// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 1, Requirements::none())?;
/// let input = MatchInput::new(vec![fx::volunteer()], vec![shift], vec![activity])?;
/// let graph = QualificationGraph::new();
/// let rules = EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered);
/// let policy = MatchPolicy::default();
/// let out = Matcher::new(Eligibility::new(&graph, &rules), &policy).assign(&input, fx::at("2021-07-20T08:00:00+08:00"))?;
/// let p = &out.placements()[0];
/// assert_eq!(p.volunteer(), fx::volunteer().id());
/// assert!(p.runner_up().is_none());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Placement {
    volunteer: VolunteerId,
    shift: ShiftId,
    score: ScoreBreakdown,
    runner_up: Option<RunnerUp>,
}

impl Placement {
    /// The volunteer.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.placements()[0].volunteer(), fx::volunteer().id()); // 张三 shows up more reliably
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// The shift.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.placements()[0].shift(), ShiftId::from_parts(1, 1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn shift(&self) -> ShiftId {
        self.shift
    }
    /// The score, by factor.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::Factor};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// let score = out.placements()[0].score();
    /// assert_eq!(score.points(Factor::Reliability), 95); // 张三's 950 ‰ show-up rate
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn score(&self) -> &ScoreBreakdown {
        &self.score
    }
    /// The best eligible volunteer not placed on this shift, and why.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// let r = out.placements()[0].runner_up();
    /// assert_eq!(r.map(|r| r.volunteer()), Some(fx::child().id()));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn runner_up(&self) -> Option<&RunnerUp> {
        self.runner_up.as_ref()
    }
}

/// Why an eligible volunteer was not placed on a shift.
///
/// Serde shape: internally tagged, `{"reason": "beaten", "by": "…", "by_score": 900,
/// "own_score": 700}`.
///
/// # Example
/// ```
/// use volunteer_service::{matching::WhyNot, VolunteerId};
/// let w = WhyNot::Beaten { by: VolunteerId::from_parts(1, 1), by_score: 900, own_score: 700 };
/// assert!(w.to_string().starts_with("beaten by"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "reason", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum WhyNot {
    /// The volunteer was placed on the shift.
    Chosen,
    /// The volunteer is not eligible (every failed rule, with fixes).
    Ineligible {
        /// The eligibility verdict against held shifts.
        verdict: Verdict,
    },
    /// The volunteer already has as many shifts as the cap allows.
    AtCapacity {
        /// The shifts they were placed on.
        placed: Vec<ShiftId>,
    },
    /// Taking the shift would clash with shifts the volunteer was placed on.
    Conflict {
        /// The failed schedule rules (overlap, rest, daily or weekly cap).
        verdict: Verdict,
    },
    /// Every slot went to volunteers the optimum preferred; `by` is the weakest of them.
    Beaten {
        /// The lowest-scored volunteer placed on the shift.
        by: VolunteerId,
        /// Their score.
        by_score: i64,
        /// This volunteer's score.
        own_score: i64,
    },
    /// A slot is open but the conflict repair left it so (only in `feasible` outcomes).
    LeftOpen,
}

impl fmt::Display for WhyNot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Chosen => f.write_str("chosen"),
            Self::Ineligible { verdict } => write!(f, "{verdict}"),
            Self::AtCapacity { placed } => {
                write!(f, "at capacity with {} placed shifts", placed.len())
            }
            Self::Conflict { verdict } => write!(f, "clashes with a placed shift: {verdict}"),
            Self::Beaten {
                by,
                by_score,
                own_score,
            } => write!(
                f,
                "beaten by {by} (score {by_score} against {own_score}) in the optimum"
            ),
            Self::LeftOpen => f.write_str("left open by the conflict repair"),
        }
    }
}

/// One way to fill an unfilled slot, and how many volunteers it would make eligible.
///
/// Serde shape: `{"shift": "…", "fix": "widen the shift's distance limit to 7200 m",
/// "volunteers": 3}`.
///
/// # Example
/// ```
/// use volunteer_service::{matching::FixHint, ShiftId};
/// let h = FixHint::new(ShiftId::from_parts(1, 1), "relax the 持证 requirement".into(), 3);
/// assert_eq!(h.volunteers(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FixHint {
    shift: ShiftId,
    fix: String,
    volunteers: u32,
}

impl FixHint {
    /// A hint.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::FixHint, ShiftId};
    /// let h = FixHint::new(ShiftId::from_parts(1, 1), "relax the first-aid requirement".into(), 2);
    /// assert_eq!((h.shift(), h.fix(), h.volunteers()), (ShiftId::from_parts(1, 1), "relax the first-aid requirement", 2));
    /// ```
    pub const fn new(shift: ShiftId, fix: String, volunteers: u32) -> Self {
        Self {
            shift,
            fix,
            volunteers,
        }
    }
    /// The shift it applies to.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.shortages()[0].fixes()[0].shift(), ShiftId::from_parts(1, 2));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn shift(&self) -> ShiftId {
        self.shift
    }
    /// What to change (an aggregated [`Ineligibility::fix`]).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.shortages()[0].fixes()[0].fix(), "relax the first-aid requirement");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn fix(&self) -> &str {
        &self.fix
    }
    /// Volunteers who would become eligible: each fails only this rule.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.shortages()[0].fixes()[0].volunteers(), 2); // both fail only the tag
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn volunteers(&self) -> u32 {
        self.volunteers
    }
}

/// Why slots stay unfilled: a set of shifts whose slots outnumber the eligible volunteers that
/// can reach them (a Hall deficiency), with what would change it.
///
/// The set is closed: it holds every shift with unfilled slots reachable from another through
/// an eligible volunteer and that volunteer's placements, so none of its volunteers can be
/// moved to it without emptying another of its slots.
///
/// Serde shape: `{"shifts": [...], "slots": 12, "unfilled": 5, "volunteers": 7, "fixes": [...]}`.
///
/// # Example
/// ```
/// use volunteer_service::{matching::Shortage, ShiftId};
/// let s = Shortage::new(vec![ShiftId::from_parts(1, 1)], 12, 5, 7, vec![]);
/// assert_eq!(s.to_string(), "these 12 slots have only 7 eligible, available volunteers within reach (5 unfilled)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Shortage {
    shifts: Vec<ShiftId>,
    slots: u32,
    unfilled: u32,
    volunteers: u32,
    fixes: Vec<FixHint>,
}

impl Shortage {
    /// A shortage certificate.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{matching::{FixHint, Shortage}, ShiftId};
    /// let s2 = ShiftId::from_parts(1, 2);
    /// let s = Shortage::new(vec![s2], 2, 2, 0, vec![FixHint::new(s2, "relax the first-aid requirement".into(), 2)]);
    /// assert_eq!((s.slots(), s.unfilled(), s.volunteers(), s.fixes().len()), (2, 2, 0, 1));
    /// ```
    pub const fn new(
        shifts: Vec<ShiftId>,
        slots: u32,
        unfilled: u32,
        volunteers: u32,
        fixes: Vec<FixHint>,
    ) -> Self {
        Self {
            shifts,
            slots,
            unfilled,
            volunteers,
            fixes,
        }
    }
    /// The shifts of the deficient set, by id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.shortages()[0].shifts(), &[ShiftId::from_parts(1, 2)]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn shifts(&self) -> &[ShiftId] {
        &self.shifts
    }
    /// Their slots in total.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.shortages()[0].slots(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn slots(&self) -> u32 {
        self.slots
    }
    /// How many of them stay unfilled.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.shortages()[0].unfilled(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn unfilled(&self) -> u32 {
        self.unfilled
    }
    /// Distinct eligible volunteers that can reach them.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.shortages()[0].volunteers(), 0); // nobody has the first-aid tag
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn volunteers(&self) -> u32 {
        self.volunteers
    }
    /// What would help, most volunteers first.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// let fixes: Vec<_> = out.shortages()[0].fixes().iter().map(|f| (f.fix(), f.volunteers())).collect();
    /// assert_eq!(fixes, [("relax the first-aid requirement", 2)]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn fixes(&self) -> &[FixHint] {
        &self.fixes
    }
}

impl fmt::Display for Shortage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "these {} slots have only {} eligible, available volunteers within reach ({} unfilled)",
            self.slots, self.volunteers, self.unfilled
        )
    }
}

/// The result of a match: placements with explanations, shortages, objective and optimality.
///
/// Serde shape: `{"placements": [...], "unfilled": {"<shift id>": 2}, "shortages": [...],
/// "objective": {...}, "optimality": {...}}`.
///
/// An outcome also keeps, privately, what [`Matcher::repair`] needs to re-optimise from it
/// warm (the solver's solution and certificate). That state is not part of the value: it is
/// ignored by equality and `Debug`, and not serialised (a deserialised outcome repairs with a
/// cold solve, to the same optimum).
///
/// # Example
/// See [`Matcher::assign`].
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MatchOutcome {
    placements: Vec<Placement>,
    unfilled: BTreeMap<ShiftId, u32>,
    shortages: Vec<Shortage>,
    objective: MatchObjective,
    optimality: Optimality,
    #[cfg_attr(feature = "serde", serde(skip))]
    warm: WarmSlot,
}

#[allow(
    clippy::missing_fields_in_debug,
    reason = "the warm state is a cache, not part of the outcome's value"
)]
impl fmt::Debug for MatchOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MatchOutcome")
            .field("placements", &self.placements)
            .field("unfilled", &self.unfilled)
            .field("shortages", &self.shortages)
            .field("objective", &self.objective)
            .field("optimality", &self.optimality)
            .finish()
    }
}

/// What a repair needs to start warm from an outcome: the transportation solution behind it
/// (before conflict repairs), the ids of its sources and sinks, and the scale of its costs.
#[derive(Debug)]
struct WarmState {
    solution: TransportSolution,
    /// The volunteer of each source.
    volunteers: Vec<Option<VolunteerId>>,
    /// The shift of each sink.
    shifts: Vec<ShiftId>,
    s_max: i64,
    penalties: Vec<i64>,
}

/// An outcome's warm state, if it came from the transportation solver: a cache, not part of
/// the outcome's value (always equal, shown as nothing).
#[derive(Debug, Clone, Default)]
struct WarmSlot(Option<std::sync::Arc<WarmState>>);

impl PartialEq for WarmSlot {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for WarmSlot {}

impl MatchOutcome {
    /// Placements, by shift then volunteer.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.placements().len(), 1);
    /// assert_eq!(out.placements()[0].shift(), ShiftId::from_parts(1, 1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }
    /// Unfilled slots per shift (only shifts with some).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.unfilled().get(&ShiftId::from_parts(1, 2)), Some(&2));
    /// assert_eq!(out.unfilled().get(&ShiftId::from_parts(1, 1)), None); // filled
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn unfilled(&self) -> &BTreeMap<ShiftId, u32> {
        &self.unfilled
    }
    /// Certificates for the unfilled slots.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.shortages().len(), 1);
    /// assert_eq!(out.shortages()[0].to_string(),
    ///     "these 2 slots have only 0 eligible, available volunteers within reach (2 unfilled)");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn shortages(&self) -> &[Shortage] {
        &self.shortages
    }
    /// The objective.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures as fx;
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.objective().key(), (1, out.placements()[0].score().total()));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn objective(&self) -> &MatchObjective {
        &self.objective
    }
    /// Optimal, or feasible with a gap bound.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::Optimality};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.optimality(), Optimality::Optimal);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn optimality(&self) -> Optimality {
        self.optimality
    }
    /// Shifts a volunteer was placed on.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.shifts_of(fx::volunteer().id()), [ShiftId::from_parts(1, 1)]);
    /// assert!(out.shifts_of(fx::child().id()).is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn shifts_of(&self, volunteer: VolunteerId) -> Vec<ShiftId> {
        self.placements
            .iter()
            .filter(|p| p.volunteer == volunteer)
            .map(|p| p.shift)
            .collect()
    }
    /// Volunteers placed on a shift.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.volunteers_on(ShiftId::from_parts(1, 1)), [fx::volunteer().id()]);
    /// assert!(out.volunteers_on(ShiftId::from_parts(1, 2)).is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn volunteers_on(&self, shift: ShiftId) -> Vec<VolunteerId> {
        self.placements
            .iter()
            .filter(|p| p.shift == shift)
            .map(|p| p.volunteer)
            .collect()
    }
    /// `(volunteer, shift)` pairs, sorted.
    ///
    /// # Example
    /// ```
    /// use std::collections::BTreeSet;
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.pairs(), BTreeSet::from([(fx::volunteer().id(), ShiftId::from_parts(1, 1))]));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn pairs(&self) -> BTreeSet<(VolunteerId, ShiftId)> {
        self.placements
            .iter()
            .map(|p| (p.volunteer, p.shift))
            .collect()
    }
}

/// A ranked suggestion: a volunteer for a shift, or a shift for a volunteer.
///
/// Serde shape: `{"volunteer": "…", "shift": "…", "score": {…}}`.
///
/// # Example
/// See [`Matcher::recommend_volunteers`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Recommendation {
    volunteer: VolunteerId,
    shift: ShiftId,
    score: ScoreBreakdown,
}

impl Recommendation {
    /// The volunteer.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// let best = matcher.recommend_volunteers(&input, ShiftId::from_parts(1, 1), 5, at)?;
    /// assert_eq!(best[0].volunteer(), fx::volunteer().id()); // 张三 before 小明
    /// assert_eq!(best[1].volunteer(), fx::child().id());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// The shift.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// let shifts = matcher.recommend_shifts(&input, fx::child().id(), at)?;
    /// assert_eq!(shifts.len(), 1); // the first-aid shift is out of reach
    /// assert_eq!(shifts[0].shift(), ShiftId::from_parts(1, 1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn shift(&self) -> ShiftId {
        self.shift
    }
    /// The score by factor.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::Factor, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// let best = matcher.recommend_volunteers(&input, ShiftId::from_parts(1, 1), 5, at)?;
    /// assert!(best[0].score().total() > best[1].score().total());
    /// assert_eq!(best[1].score().points(Factor::Reliability), 80); // 小明: the policy's default rate
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn score(&self) -> &ScoreBreakdown {
        &self.score
    }
}

/// One change made by [`Matcher::repair`].
///
/// Serde shape: internally tagged, `{"change": "removed", "volunteer": "…", "shift": "…"}`.
///
/// # Example
/// ```
/// use volunteer_service::{matching::RepairChange, ShiftId, VolunteerId};
/// let c = RepairChange::Added { volunteer: VolunteerId::from_parts(1, 1), shift: ShiftId::from_parts(1, 2) };
/// assert!(c.to_string().starts_with("added"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "change", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum RepairChange {
    /// A previous assignment dropped because its volunteer or shift is gone or it is no
    /// longer eligible.
    Invalidated {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The shift.
        shift: ShiftId,
    },
    /// A previous, still valid assignment moved aside because a change gained more than the
    /// keep-bonus.
    Removed {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The shift.
        shift: ShiftId,
    },
    /// A new assignment.
    Added {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The shift.
        shift: ShiftId,
    },
}

impl fmt::Display for RepairChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalidated { volunteer, shift } => {
                write!(f, "invalidated {volunteer} on {shift}")
            }
            Self::Removed { volunteer, shift } => write!(f, "removed {volunteer} from {shift}"),
            Self::Added { volunteer, shift } => write!(f, "added {volunteer} to {shift}"),
        }
    }
}

/// The result of [`Matcher::repair`]: the new outcome, the changes and what was kept.
///
/// Serde shape: `{"outcome": {...}, "kept": 120, "changes": [...]}`.
///
/// # Example
/// See [`Matcher::repair`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RepairOutcome {
    outcome: MatchOutcome,
    kept: u32,
    changes: Vec<RepairChange>,
}

impl RepairOutcome {
    /// The repaired outcome (scores include the keep-bonus on kept placements).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// let before = matcher.assign(&input, at)?;
    /// let after = matcher.repair(&input.without_volunteer(fx::volunteer().id())?, &before, at)?; // 张三 withdraws
    /// assert_eq!(after.outcome().volunteers_on(ShiftId::from_parts(1, 1)), [fx::child().id()]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn outcome(&self) -> &MatchOutcome {
        &self.outcome
    }
    /// Previous assignments kept.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Requirements, Shift, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// let before = matcher.assign(&input, at)?;
    /// let evening = Shift::new(ShiftId::from_parts(1, 3), fx::activity().id(),
    ///     fx::span("2021-07-21T18:00:00+08:00", "2021-07-21T21:00:00+08:00"), 1, Requirements::none())?;
    /// let after = matcher.repair(&input.with_shift(evening, None)?, &before, at)?;
    /// assert_eq!(after.kept(), 1); // 张三 stays on the morning shift
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn kept(&self) -> u32 {
        self.kept
    }
    /// Every change, sorted.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::RepairChange, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// let before = matcher.assign(&input, at)?;
    /// let after = matcher.repair(&input.without_volunteer(fx::volunteer().id())?, &before, at)?; // 张三 withdraws
    /// let s1 = ShiftId::from_parts(1, 1);
    /// assert_eq!(after.changes(), &[
    ///     RepairChange::Invalidated { volunteer: fx::volunteer().id(), shift: s1 },
    ///     RepairChange::Added { volunteer: fx::child().id(), shift: s1 },
    /// ]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn changes(&self) -> &[RepairChange] {
        &self.changes
    }
}

/// Assigns volunteers to shifts optimally and explains the result.
///
/// Hard constraints: every rule of the [`Eligibility`] module against the shifts a volunteer
/// holds and the other shifts placed in the same solution (overlap, rest, daily and weekly
/// hour caps included); shift capacity; at most [`MatchPolicy::max_shifts`] shifts per
/// volunteer (held ones count). Objective, in order: the most priority-weighted filled slots,
/// then the highest total score (see [`ScoreBreakdown`]).
///
/// # Model
/// One min-cost flow network per match, built with [`FlowBuilder`]: a hub
/// supplies every slot; a slot is filled through a volunteer (hub → volunteer, capacity = the
/// volunteer's remaining shift cap; volunteer → window, capacity 1; window → shift, cost of the
/// edge) or left unfilled (hub → shift, the unfilled penalty). A *window* is a group of
/// pairwise-conflicting shifts (overlapping beyond the eligibility policy's grace, or closer
/// than its minimum rest), found once for all volunteers by a canonical greedy pass in start
/// order; a volunteer takes at most one shift per window. When no two conflicting shifts fall in
/// different windows (the usual morning / afternoon / evening grid) this nested-capacity
/// gadget is exact. Otherwise (staggered overlaps, or hour caps that bind between new
/// placements, both NP-hard in general) the network is a relaxation whose optimum is a proven
/// lower bound on the cost: placements that break a rule are dropped (lowest priority, then
/// lowest score first), open slots are refilled greedily, and the outcome reports
/// [`Optimality::Feasible`] with `gap_bound = cost − bound`. If the relaxation's optimum
/// breaks no rule it is [`Optimality::Optimal`].
///
/// # Scaling: fill dominates score, exactly
/// Let `S` be the largest edge score present (at most [`MatchPolicy::max_score`]; every edge
/// score is in `0..=S`), `R` the largest minus the smallest, `T = min(Σ slots, Σ volunteer
/// caps, #edges)` (no solution fills more), `K` the number of shifts with a candidate, and
/// `P = min(T·S, K·R) + 1`. Edge cost is `S − score`, the unfilled penalty of shift `s` is
/// `S + priority(s)·P`. For any solution `cost = S·Σ slots − Σ score + P·Σ priority·unfilled`.
/// `P > T·S` bounds every score difference between solutions; `P > K·R` bounds the score
/// change of every simple residual cycle that changes the fill (it passes the hub once and
/// each shift once). Either way one more unit of priority-weighted fill outweighs every score
/// difference: minimising the cost maximises the weighted fill, then the score. With uniform
/// scores `P = 1`, so 100 000 volunteers × 10 000 shifts fit.
///
/// `P`, the penalties and the largest total cost are computed with checked `i64` arithmetic
/// ([`MatchError::TooLarge`]). The solver's exact bound is `max penalty · (nodes + 1) <=
/// 2^60` (about `K·R·priority <= 10^13` at 110 000 nodes); beyond it
/// [`MatchError::SolverBound`] names `P`, its terms and the limit.
///
/// # Determinism
/// [`MatchInput`] sorts volunteers, shifts and activities by id; the network is built in that
/// order; the solver is deterministic; repairs and explanations walk indices in order and break
/// ties by the higher priority, the higher score, then the lower volunteer index, then the
/// lower shift index (indices follow ids). The same input in any order gives the same
/// outcome, bit for bit.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures as fx, matching::{MatchInput, MatchPolicy, Matcher},
///     Eligibility, EligibilityPolicy, QualificationGraph, RegistrationRequirement, Requirements, Shift, ShiftId};
/// let activity = fx::activity();
/// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 2, Requirements::none())?;
/// let input = MatchInput::new(vec![fx::volunteer()], vec![shift], vec![activity])?;
/// let graph = QualificationGraph::new();
/// let rules = EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered);
/// let policy = MatchPolicy::default();
/// let matcher = Matcher::new(Eligibility::new(&graph, &rules), &policy);
/// let out = matcher.assign(&input, fx::at("2021-07-20T08:00:00+08:00"))?;
/// assert_eq!(out.placements().len(), 1);
/// assert_eq!(out.unfilled().get(&ShiftId::from_parts(1, 1)), Some(&1));
/// assert!(out.optimality().is_optimal());
/// assert!(out.shortages()[0].to_string().starts_with("these 2 slots have only 1 eligible"));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Matcher<'a> {
    eligibility: Eligibility<'a>,
    policy: &'a MatchPolicy,
}

/// Placements by volunteer and by shift, for explanations.
#[derive(Debug, Default)]
struct PlacedIndex {
    by_volunteer: BTreeMap<VolunteerId, Vec<ShiftId>>,
    by_shift: BTreeMap<ShiftId, Vec<(VolunteerId, i64)>>,
}

impl PlacedIndex {
    /// The placements of `outcome`.
    fn of(outcome: &MatchOutcome) -> Self {
        Self::new(
            outcome
                .placements
                .iter()
                .map(|p| (p.volunteer, p.shift, p.score.total())),
        )
    }

    fn new(placed: impl Iterator<Item = (VolunteerId, ShiftId, i64)>) -> Self {
        let mut out = Self::default();
        for (v, s, score) in placed {
            out.by_volunteer.entry(v).or_default().push(s);
            out.by_shift.entry(s).or_default().push((v, score));
        }
        for l in out.by_volunteer.values_mut() {
            l.sort_unstable();
        }
        out
    }
}

/// A candidate edge.
#[derive(Debug, Clone, Copy)]
struct Edge {
    v: u32,
    s: u32,
    score: ScoreBreakdown,
}

/// The solved core of a match, by index.
#[derive(Debug)]
struct Core {
    edges: Vec<Edge>,
    by_shift: Vec<Vec<u32>>,
    caps: Vec<u32>,
    /// Placed edge indices per volunteer.
    placed: Vec<Vec<u32>>,
    filled: Vec<u32>,
    cost: i64,
    bound: i64,
    warm: WarmSlot,
}

impl Core {
    fn edge(&self, e: u32) -> Option<&Edge> {
        self.edges.get(e as usize)
    }
    /// `(volunteer, shift)` of an edge; `u32::MAX` for an unknown edge (never built).
    fn ends(&self, e: u32) -> (u32, u32) {
        self.edge(e).map_or((u32::MAX, u32::MAX), |x| (x.v, x.s))
    }
    fn total(&self, e: u32) -> i64 {
        self.edge(e).map_or(0, |x| x.score.total())
    }
}

fn idx(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl<'a> Matcher<'a> {
    /// A matcher with the eligibility rules and a policy.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::{MatchPolicy, Matcher},
    ///     Eligibility, EligibilityPolicy, QualificationGraph};
    /// # let (_, input, at) = fx::match_scenario();
    /// let graph = QualificationGraph::new();
    /// let rules = EligibilityPolicy::default(); // real-name verification (实名认证) required
    /// let policy = MatchPolicy::default();
    /// let matcher = Matcher::new(Eligibility::new(&graph, &rules), &policy);
    /// assert!(matcher.assign(&input, at)?.placements().is_empty()); // 张三 and 小明 are only registered
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn new(eligibility: Eligibility<'a>, policy: &'a MatchPolicy) -> Self {
        Self {
            eligibility,
            policy,
        }
    }

    /// Assigns volunteers to shifts: as many priority-weighted slots as possible, then the
    /// highest total score; every eligibility rule holds against held shifts and between
    /// the new placements; at most the cap of shifts per volunteer.
    ///
    /// # Errors
    /// [`MatchError::TooLarge`], [`MatchError::SolverBound`] or [`MatchError::Solver`] if the instance is too large for
    /// exact integer costs.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, ShiftId};
    /// # let (matcher, input, at) = fx::match_scenario();
    /// // 张三 and 小明 for a 1-slot morning shift (1, 1) and a 2-slot first-aid shift (1, 2)
    /// let out = matcher.assign(&input, at)?;
    /// assert_eq!(out.volunteers_on(ShiftId::from_parts(1, 1)), [fx::volunteer().id()]);
    /// assert_eq!(out.unfilled().get(&ShiftId::from_parts(1, 2)), Some(&2));
    /// assert!(out.optimality().is_optimal());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn assign(
        &self,
        input: &MatchInput,
        at: DateTime<FixedOffset>,
    ) -> Result<MatchOutcome, MatchError> {
        let core = self.solve(input, at, &BTreeSet::new(), None)?;
        Ok(self.outcome(input, at, &core))
    }

    /// Re-optimises after withdrawals, no-shows or new shifts with minimal disruption:
    /// every previous assignment that is still eligible gets the policy's keep-bonus, so it
    /// is only changed when that gains more than the bonus. Lists the changes.
    ///
    /// When `previous` came from this process's transportation solver (not deserialised,
    /// no window gadget), the solver starts warm from its solution and certificate
    /// ([`TransportProblem::resolve_from`](super::TransportProblem::resolve_from)), so the
    /// work follows the size of the change; the optimum is the same as a cold solve's.
    ///
    /// # Errors
    /// As [`assign`](Self::assign).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::{MatchInput, MatchPolicy, Matcher},
    ///     Eligibility, EligibilityPolicy, QualificationGraph, RegistrationRequirement, Requirements, Shift, ShiftId};
    /// let activity = fx::activity();
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
    ///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 1, Requirements::none())?;
    /// let input = MatchInput::new(vec![fx::volunteer()], vec![shift], vec![activity])?;
    /// let (graph, policy) = (QualificationGraph::new(), MatchPolicy::default());
    /// let rules = EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered);
    /// let matcher = Matcher::new(Eligibility::new(&graph, &rules), &policy);
    /// let at = fx::at("2021-07-20T08:00:00+08:00");
    /// let before = matcher.assign(&input, at)?;
    /// let after = matcher.repair(&input.without_volunteer(fx::volunteer().id())?, &before, at)?;
    /// assert_eq!(after.kept(), 0);
    /// assert_eq!(after.changes().len(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn repair(
        &self,
        input: &MatchInput,
        previous: &MatchOutcome,
        at: DateTime<FixedOffset>,
    ) -> Result<RepairOutcome, MatchError> {
        let mut keep = BTreeSet::new();
        for p in &previous.placements {
            if let (Ok(v), Ok(s)) = (
                input.volunteer_index(p.volunteer),
                input.shift_index(p.shift),
            ) {
                keep.insert((idx(v), idx(s)));
            }
        }
        let core = self.solve(input, at, &keep, previous.warm.0.as_deref())?;
        let outcome = self.outcome(input, at, &core);
        let now = outcome.pairs();
        let before = previous.pairs();
        let eligible: BTreeSet<(VolunteerId, ShiftId)> = core
            .edges
            .iter()
            .filter(|e| keep.contains(&(e.v, e.s)))
            .filter_map(|e| {
                Some((
                    input.volunteers.get(e.v as usize)?.id(),
                    input.shifts.get(e.s as usize)?.id(),
                ))
            })
            .collect();
        let mut changes = Vec::new();
        let mut kept = 0_u32;
        for &(volunteer, shift) in &before {
            if now.contains(&(volunteer, shift)) {
                kept += 1;
            } else if eligible.contains(&(volunteer, shift)) {
                changes.push(RepairChange::Removed { volunteer, shift });
            } else {
                changes.push(RepairChange::Invalidated { volunteer, shift });
            }
        }
        for &(volunteer, shift) in now.difference(&before) {
            changes.push(RepairChange::Added { volunteer, shift });
        }
        changes.sort();
        Ok(RepairOutcome {
            outcome,
            kept,
            changes,
        })
    }

    /// The best `k` eligible volunteers for a shift (against their held shifts), by score,
    /// then id.
    ///
    /// One pass over the `V` volunteers, pruned as the candidate index of
    /// [`assign`](Self::assign) prunes: a shift that has started, lacks its activity, is
    /// uninsured hazardous work or has a distance limit but no place point takes nobody;
    /// otherwise each volunteer is screened by cheap tests that decide registration, distance
    /// (a latitude band, then the distance), jurisdiction (属地化), tags, trainings,
    /// qualifications (through the hierarchy), age and availability exactly as the
    /// eligibility check does. Only the volunteers passing get the full check (validity dates,
    /// minors, held shifts) and a score, so the answer is that of checking everyone. Cost:
    /// `O(V)` cheap tests, plus one `O(V)` count of qualification holders for the scores
    /// when anyone passes, plus the full checks of those passing and sorting them. (Building
    /// the index itself would sort every volunteer: as slow as checking them all, for one
    /// shift.)
    ///
    /// # Errors
    /// [`MatchError::UnknownShift`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::{MatchInput, MatchPolicy, Matcher},
    ///     Eligibility, EligibilityPolicy, QualificationGraph, RegistrationRequirement, Requirements, Shift, ShiftId};
    /// let activity = fx::activity();
    /// let adults = Requirements::builder().min_age(18).build()?;
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
    ///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 1, adults)?;
    /// let input = MatchInput::new(vec![fx::volunteer(), fx::child()], vec![shift], vec![activity])?;
    /// let (graph, policy) = (QualificationGraph::new(), MatchPolicy::default());
    /// let rules = EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered);
    /// let matcher = Matcher::new(Eligibility::new(&graph, &rules), &policy);
    /// let best = matcher.recommend_volunteers(&input, ShiftId::from_parts(1, 1), 5, fx::at("2021-07-20T08:00:00+08:00"))?;
    /// assert_eq!(best.len(), 1); // the child is below the minimum age
    /// assert_eq!(best[0].volunteer(), fx::volunteer().id());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn recommend_volunteers(
        &self,
        input: &MatchInput,
        shift: ShiftId,
        k: usize,
        at: DateTime<FixedOffset>,
    ) -> Result<Vec<Recommendation>, MatchError> {
        let si = input.shift_index(shift)?;
        let screen = input
            .shifts
            .get(si)
            .and_then(|s| ShiftScreen::new(self.eligibility, s, input.activity(s.activity()), at));
        let Some(screen) = screen else {
            return Ok(Vec::new());
        };
        // Counted over every volunteer, and only when someone is to be scored.
        let mut scarcity = None;
        let mut out = Vec::new();
        for v in input.volunteers.iter().filter(|v| screen.admits(v)) {
            let scarcity = scarcity.get_or_insert_with(|| Scarcity::new(input.volunteers.iter()));
            if let Some(score) = self.edge_score(input, scarcity, v, si, at) {
                out.push(Recommendation {
                    volunteer: v.id(),
                    shift,
                    score,
                });
            }
        }
        out.sort_by(|a, b| {
            b.score
                .total()
                .cmp(&a.score.total())
                .then(a.volunteer.cmp(&b.volunteer))
        });
        out.truncate(k);
        Ok(out)
    }

    /// [`recommend_volunteers`](Self::recommend_volunteers) by checking every volunteer (as it
    /// was before the screen): the reference it is tested against.
    #[cfg(test)]
    fn recommend_volunteers_brute(
        &self,
        input: &MatchInput,
        shift: ShiftId,
        k: usize,
        at: DateTime<FixedOffset>,
    ) -> Result<Vec<Recommendation>, MatchError> {
        let si = input.shift_index(shift)?;
        let scarcity = Scarcity::new(input.volunteers.iter());
        let mut out = Vec::new();
        for v in &input.volunteers {
            if let Some(score) = self.edge_score(input, &scarcity, v, si, at) {
                out.push(Recommendation {
                    volunteer: v.id(),
                    shift,
                    score,
                });
            }
        }
        out.sort_by(|a, b| {
            b.score
                .total()
                .cmp(&a.score.total())
                .then(a.volunteer.cmp(&b.volunteer))
        });
        out.truncate(k);
        Ok(out)
    }

    /// Every shift a volunteer may take (eligible against held shifts), best score first,
    /// then higher priority, then earlier start, then id.
    ///
    /// One pass over the `S` shifts with the candidate index's pruning, as in
    /// [`recommend_volunteers`](Self::recommend_volunteers): shifts that take nobody
    /// (started, no activity, uninsured, no place point for a distance limit) and shifts whose
    /// registration, distance, jurisdiction, tag, training, qualification, age or
    /// availability rule the volunteer fails are skipped after cheap tests; only the rest get
    /// the full check and a score. Cost: `O(S)` cheap tests, plus, when any shift passes and
    /// the volunteer holds qualifications, one pass over the `V` volunteers counting the
    /// holders of its kinds for the scores, plus the full checks of those passing and sorting
    /// them.
    ///
    /// # Errors
    /// [`MatchError::UnknownVolunteer`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::{MatchInput, MatchPolicy, Matcher},
    ///     Eligibility, EligibilityPolicy, QualificationGraph, RegistrationRequirement, Requirements, Shift, ShiftId};
    /// let activity = fx::activity();
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
    ///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 1, Requirements::none())?;
    /// let started = Shift::new(ShiftId::from_parts(1, 2), activity.id(),
    ///     fx::span("2021-07-20T07:00:00+08:00", "2021-07-20T11:00:00+08:00"), 1, Requirements::none())?;
    /// let input = MatchInput::new(vec![fx::volunteer()], vec![shift, started], vec![activity])?;
    /// let (graph, policy) = (QualificationGraph::new(), MatchPolicy::default());
    /// let rules = EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered);
    /// let matcher = Matcher::new(Eligibility::new(&graph, &rules), &policy);
    /// let shifts = matcher.recommend_shifts(&input, fx::volunteer().id(), fx::at("2021-07-20T08:00:00+08:00"))?;
    /// assert_eq!(shifts.len(), 1); // shift (1, 2) has started
    /// assert_eq!(shifts[0].shift(), ShiftId::from_parts(1, 1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn recommend_shifts(
        &self,
        input: &MatchInput,
        volunteer: VolunteerId,
        at: DateTime<FixedOffset>,
    ) -> Result<Vec<Recommendation>, MatchError> {
        let vi = input.volunteer_index(volunteer)?;
        let Some(v) = input.volunteers.get(vi) else {
            return Ok(Vec::new());
        };
        // The holders of the volunteer's own kinds (all its score looks up), counted only when
        // a shift is to be scored.
        let mut scarcity = None;
        let mut out = Vec::new();
        for (si, s) in input.shifts.iter().enumerate() {
            let screen = ShiftScreen::new(self.eligibility, s, input.activity(s.activity()), at);
            if !screen.is_some_and(|screen| screen.admits(v)) {
                continue;
            }
            let scarcity =
                scarcity.get_or_insert_with(|| Scarcity::for_volunteer(&input.volunteers, v));
            if let Some(score) = self.edge_score(input, scarcity, v, si, at) {
                out.push((
                    input.priorities.get(si).copied().unwrap_or(1),
                    s.span().start(),
                    Recommendation {
                        volunteer,
                        shift: s.id(),
                        score,
                    },
                ));
            }
        }
        out.sort_by(|a, b| {
            b.2.score
                .total()
                .cmp(&a.2.score.total())
                .then(b.0.cmp(&a.0))
                .then(a.1.cmp(&b.1))
                .then(a.2.shift.cmp(&b.2.shift))
        });
        Ok(out.into_iter().map(|x| x.2).collect())
    }

    /// [`recommend_shifts`](Self::recommend_shifts) by checking every shift (as it was before
    /// the screen): the reference it is tested against.
    #[cfg(test)]
    fn recommend_shifts_brute(
        &self,
        input: &MatchInput,
        volunteer: VolunteerId,
        at: DateTime<FixedOffset>,
    ) -> Result<Vec<Recommendation>, MatchError> {
        let vi = input.volunteer_index(volunteer)?;
        let Some(v) = input.volunteers.get(vi) else {
            return Ok(Vec::new());
        };
        let scarcity = Scarcity::new(input.volunteers.iter());
        let mut out = Vec::new();
        for (si, s) in input.shifts.iter().enumerate() {
            if let Some(score) = self.edge_score(input, &scarcity, v, si, at) {
                out.push((
                    input.priorities.get(si).copied().unwrap_or(1),
                    s.span().start(),
                    Recommendation {
                        volunteer,
                        shift: s.id(),
                        score,
                    },
                ));
            }
        }
        out.sort_by(|a, b| {
            b.2.score
                .total()
                .cmp(&a.2.score.total())
                .then(b.0.cmp(&a.0))
                .then(a.1.cmp(&b.1))
                .then(a.2.shift.cmp(&b.2.shift))
        });
        Ok(out.into_iter().map(|x| x.2).collect())
    }

    /// Why `volunteer` is not on `shift` in `outcome` (for every eligible volunteer not
    /// chosen: beaten by whom, at capacity, or a clash; for others, the verdict).
    ///
    /// # Errors
    /// [`MatchError::UnknownVolunteer`], [`MatchError::UnknownShift`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::{MatchInput, MatchPolicy, Matcher, WhyNot},
    ///     Eligibility, EligibilityPolicy, QualificationGraph, RegistrationRequirement, Requirements, Shift, ShiftId};
    /// let activity = fx::activity();
    /// let adults = Requirements::builder().min_age(18).build()?;
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
    ///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 1, adults)?;
    /// let input = MatchInput::new(vec![fx::volunteer(), fx::child()], vec![shift], vec![activity])?;
    /// let (graph, policy) = (QualificationGraph::new(), MatchPolicy::default());
    /// let rules = EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered);
    /// let matcher = Matcher::new(Eligibility::new(&graph, &rules), &policy);
    /// let at = fx::at("2021-07-20T08:00:00+08:00");
    /// let out = matcher.assign(&input, at)?;
    /// let why = matcher.why_not(&input, &out, fx::child().id(), ShiftId::from_parts(1, 1), at)?;
    /// assert!(matches!(why, WhyNot::Ineligible { .. }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn why_not(
        &self,
        input: &MatchInput,
        outcome: &MatchOutcome,
        volunteer: VolunteerId,
        shift: ShiftId,
        at: DateTime<FixedOffset>,
    ) -> Result<WhyNot, MatchError> {
        let vi = input.volunteer_index(volunteer)?;
        let si = input.shift_index(shift)?;
        let scarcity = Scarcity::new(input.volunteers.iter());
        let placed = PlacedIndex::of(outcome);
        Ok(self.why(input, &scarcity, vi, si, &placed, at))
    }

    /// Every eligible volunteer not placed on a shift, with why, by shift then volunteer
    /// (the explanation for each loser; can be long on big instances).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, matching::{MatchInput, MatchPolicy, Matcher, WhyNot},
    ///     Eligibility, EligibilityPolicy, QualificationGraph, RegistrationRequirement, Requirements, Shift, ShiftId};
    /// let activity = fx::activity();
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
    ///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 1, Requirements::none())?;
    /// let input = MatchInput::new(vec![fx::volunteer(), fx::child()], vec![shift], vec![activity])?;
    /// let (graph, policy) = (QualificationGraph::new(), MatchPolicy::default());
    /// let rules = EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered);
    /// let matcher = Matcher::new(Eligibility::new(&graph, &rules), &policy);
    /// let at = fx::at("2021-07-20T08:00:00+08:00");
    /// let out = matcher.assign(&input, at)?;
    /// let losers = matcher.passed_over(&input, &out, at);
    /// assert_eq!(losers.len(), 1);
    /// assert!(matches!(losers[0].2, WhyNot::Beaten { .. }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn passed_over(
        &self,
        input: &MatchInput,
        outcome: &MatchOutcome,
        at: DateTime<FixedOffset>,
    ) -> Vec<(VolunteerId, ShiftId, WhyNot)> {
        // The candidate index rules out only pairs the check rejects; with a cap of one for
        // everybody it keeps volunteers already at their shift cap too (they are listed, with
        // why). Pairs then go by shift, then volunteer, as checking every pair gives them.
        let everyone = vec![1_u32; input.volunteers.len()];
        let mut pairs = Vec::new();
        CandidateIndex::new(self.eligibility, &input.volunteers, &everyone).for_each_candidate(
            &input.shifts,
            |s| input.activity(s.activity()),
            at,
            |vi, si| pairs.push((si as usize, vi as usize)),
        );
        pairs.sort_unstable();
        self.losers(input, outcome, pairs, at)
    }

    /// The pairs of `pairs` (shift, volunteer) that are eligible but not chosen in `outcome`,
    /// with why.
    fn losers(
        &self,
        input: &MatchInput,
        outcome: &MatchOutcome,
        pairs: impl IntoIterator<Item = (usize, usize)>,
        at: DateTime<FixedOffset>,
    ) -> Vec<(VolunteerId, ShiftId, WhyNot)> {
        let scarcity = Scarcity::new(input.volunteers.iter());
        let placed = PlacedIndex::of(outcome);
        let mut out = Vec::new();
        for (si, vi) in pairs {
            let (Some(s), Some(v)) = (input.shifts.get(si), input.volunteers.get(vi)) else {
                continue;
            };
            if self.edge_score(input, &scarcity, v, si, at).is_none() {
                continue;
            }
            let why = self.why(input, &scarcity, vi, si, &placed, at);
            if why != WhyNot::Chosen {
                out.push((v.id(), s.id(), why));
            }
        }
        out
    }

    /// [`passed_over`](Self::passed_over) by checking every pair: the reference the index is
    /// tested against.
    #[cfg(test)]
    fn passed_over_brute(
        &self,
        input: &MatchInput,
        outcome: &MatchOutcome,
        at: DateTime<FixedOffset>,
    ) -> Vec<(VolunteerId, ShiftId, WhyNot)> {
        let (ns, nv) = (input.shifts.len(), input.volunteers.len());
        let pairs = (0..ns).flat_map(|si| (0..nv).map(move |vi| (si, vi)));
        self.losers(input, outcome, pairs, at)
    }

    fn why(
        &self,
        input: &MatchInput,
        scarcity: &Scarcity,
        vi: usize,
        si: usize,
        placed: &PlacedIndex,
        at: DateTime<FixedOffset>,
    ) -> WhyNot {
        let (Some(v), Some(s)) = (input.volunteers.get(vi), input.shifts.get(si)) else {
            return WhyNot::LeftOpen;
        };
        let Some(activity) = input.activity(s.activity()) else {
            return WhyNot::LeftOpen;
        };
        let held = input.held(v.id());
        let acc = input.accompaniment(v.id());
        let verdict = self.eligibility.check(v, s, activity, held, at, acc);
        if !verdict.is_eligible() {
            return WhyNot::Ineligible { verdict };
        }
        let mine: Vec<ShiftId> = placed
            .by_volunteer
            .get(&v.id())
            .cloned()
            .unwrap_or_default();
        if mine.contains(&s.id()) {
            return WhyNot::Chosen;
        }
        if u32::try_from(mine.len()).unwrap_or(u32::MAX) >= input.cap(self.policy, v) {
            return WhyNot::AtCapacity { placed: mine };
        }
        let mut with: Vec<Commitment> = held.to_vec();
        for id in &mine {
            if let Ok(i) = input.shift_index(*id)
                && let Some(other) = input.shifts.get(i)
            {
                with.push(Commitment::from(other));
            }
        }
        let verdict = self.eligibility.check(v, s, activity, &with, at, acc);
        if !verdict.is_eligible() {
            return WhyNot::Conflict { verdict };
        }
        let on = placed.by_shift.get(&s.id()).map_or(&[][..], Vec::as_slice);
        if u32::try_from(on.len()).unwrap_or(u32::MAX) >= s.slots() {
            let own_score = self
                .edge_score(input, scarcity, v, si, at)
                .map_or(0, |b| b.total());
            // The weakest: lowest score, then highest id.
            if let Some(&(by, by_score)) =
                on.iter().min_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            {
                return WhyNot::Beaten {
                    by,
                    by_score,
                    own_score,
                };
            }
        }
        WhyNot::LeftOpen
    }

    /// The score of an eligible (against held) edge, else `None`.
    fn edge_score(
        &self,
        input: &MatchInput,
        scarcity: &Scarcity,
        v: &Volunteer,
        si: usize,
        at: DateTime<FixedOffset>,
    ) -> Option<ScoreBreakdown> {
        let s = input.shifts.get(si)?;
        let activity = input.activity(s.activity())?;
        let verdict = self.eligibility.check(
            v,
            s,
            activity,
            input.held(v.id()),
            at,
            input.accompaniment(v.id()),
        );
        verdict.is_eligible().then(|| {
            score(
                self.policy,
                scarcity,
                v,
                input.profile(v.id()),
                s,
                activity,
                &input.pairings,
            )
        })
    }

    /// Whether taking both shifts breaks a pairwise schedule rule (overlap beyond the grace,
    /// or less than the minimum rest), asked of the eligibility module through a probe.
    fn conflict(&self, a: &Shift, b: &Shift) -> bool {
        let policy = self.eligibility.policy();
        let (x, y) = (a.span(), b.span());
        if x.overlaps(&y) {
            let start = x.start().max(y.start());
            let end = x.end().min(y.end());
            let overlap =
                crate::Minutes::try_from_delta(end - start).unwrap_or(crate::Minutes::ZERO);
            overlap > policy.overlap_grace()
        } else {
            policy.min_rest().is_some_and(|r| x.gap_to(&y) < r)
        }
    }

    /// Windows: groups of pairwise-conflicting shifts (a canonical greedy clique partition)
    /// and whether every conflicting pair lies in one window (then the gadget is exact).
    fn windows(&self, shifts: &[Shift]) -> (Vec<u32>, bool) {
        let mut order: Vec<usize> = (0..shifts.len()).collect();
        order.sort_by_key(|&i| {
            shifts
                .get(i)
                .map(|s| (s.span().start(), s.span().end(), s.id()))
        });
        let mut window = vec![u32::MAX; shifts.len()];
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut exact = true;
        let reach = self
            .eligibility
            .policy()
            .min_rest()
            .map_or(0, |m| i64::from(m.get()));
        // Active: shifts that may still conflict with later starts.
        let mut active: Vec<usize> = Vec::new();
        for &i in &order {
            let Some(s) = shifts.get(i) else { continue };
            active.retain(|&j| {
                shifts
                    .get(j)
                    .is_some_and(|a| (a.span().end() - s.span().start()).num_minutes() + reach > 0)
            });
            let conflicting: Vec<usize> = active
                .iter()
                .copied()
                .filter(|&j| shifts.get(j).is_some_and(|a| self.conflict(a, s)))
                .collect();
            // Join the first window whose members all conflict with s.
            let mut chosen = None;
            for &j in &conflicting {
                let Some(&w) = window.get(j) else { continue };
                let all = groups.get(w as usize).is_some_and(|g| {
                    g.iter()
                        .all(|&k| shifts.get(k).is_some_and(|o| self.conflict(o, s)))
                });
                if all {
                    chosen = Some(w);
                    break;
                }
            }
            let w = chosen.unwrap_or_else(|| {
                groups.push(Vec::new());
                idx(groups.len() - 1)
            });
            if let Some(g) = groups.get_mut(w as usize) {
                g.push(i);
            }
            if let Some(slot) = window.get_mut(i) {
                *slot = w;
            }
            if conflicting
                .iter()
                .any(|&j| window.get(j).copied() != Some(w))
            {
                exact = false;
            }
            active.push(i);
        }
        (window, exact)
    }

    /// Eligible edges (against held shifts) with their scores, volunteer-major, and the caps.
    ///
    /// A [`CandidateIndex`] rules out, per group of shifts with the same requirements, the
    /// pairs the eligibility check must reject (shift started, registration, qualifications,
    /// trainings, tags, jurisdiction, distance, age, availability); every other pair gets the
    /// full check and its score, so the edges are exactly those of checking every pair.
    fn candidates(
        &self,
        input: &MatchInput,
        at: DateTime<FixedOffset>,
        keep: &BTreeSet<(u32, u32)>,
    ) -> (Vec<Edge>, Vec<u32>) {
        let scarcity = Scarcity::new(input.volunteers.iter());
        let caps: Vec<u32> = input
            .volunteers
            .iter()
            .map(|v| input.cap(self.policy, v))
            .collect();
        let index = CandidateIndex::new(self.eligibility, &input.volunteers, &caps);
        let mut edges = Vec::new();
        index.for_each_candidate(
            &input.shifts,
            |s| input.activity(s.activity()),
            at,
            |vi, si| {
                let Some(v) = input.volunteers.get(vi as usize) else {
                    return;
                };
                if let Some(mut score) = self.edge_score(input, &scarcity, v, si as usize, at) {
                    if keep.contains(&(vi, si)) {
                        score = score.with_keep_bonus(self.policy.keep_bonus());
                    }
                    edges.push(Edge {
                        v: vi,
                        s: si,
                        score,
                    });
                }
            },
        );
        // Volunteer-major, then shift index, as checking every pair in order gives them.
        edges.sort_unstable_by_key(|e| (e.v, e.s));
        (edges, caps)
    }

    /// [`candidates`](Self::candidates) by checking every pair: the reference the index is
    /// tested against.
    #[cfg(test)]
    fn candidates_brute(
        &self,
        input: &MatchInput,
        at: DateTime<FixedOffset>,
        keep: &BTreeSet<(u32, u32)>,
    ) -> (Vec<Edge>, Vec<u32>) {
        let scarcity = Scarcity::new(input.volunteers.iter());
        let caps: Vec<u32> = input
            .volunteers
            .iter()
            .map(|v| input.cap(self.policy, v))
            .collect();
        let mut edges = Vec::new();
        for (vi, v) in input.volunteers.iter().enumerate() {
            if caps.get(vi).copied().unwrap_or(0) == 0 {
                continue;
            }
            for si in 0..input.shifts.len() {
                if let Some(mut score) = self.edge_score(input, &scarcity, v, si, at) {
                    if keep.contains(&(idx(vi), idx(si))) {
                        score = score.with_keep_bonus(self.policy.keep_bonus());
                    }
                    edges.push(Edge {
                        v: idx(vi),
                        s: idx(si),
                        score,
                    });
                }
            }
        }
        (edges, caps)
    }

    fn solve(
        &self,
        input: &MatchInput,
        at: DateTime<FixedOffset>,
        keep: &BTreeSet<(u32, u32)>,
        warm: Option<&WarmState>,
    ) -> Result<Core, MatchError> {
        let (edges, caps) = self.candidates(input, at, keep);
        let mut by_shift: Vec<Vec<u32>> = vec![Vec::new(); input.shifts.len()];
        for (e, edge) in edges.iter().enumerate() {
            if let Some(l) = by_shift.get_mut(edge.s as usize) {
                l.push(idx(e));
            }
        }
        let (window, _exact) = self.windows(&input.shifts);
        let scale = Scale::new(self.policy, input, &edges, &caps)?;
        let (used, bound, warm) = if needs_gadget(&edges, &caps, &window) {
            solve_flow(input, &edges, &caps, &window, &scale).map(|(u, b)| (u, b, None))
        } else {
            solve_transport(input, &edges, &caps, &window, &scale, warm)
        }
        .map_err(|e| scale.explain(e))?;
        let mut placed: Vec<Vec<u32>> = vec![Vec::new(); input.volunteers.len()];
        let mut filled = vec![0_u32; input.shifts.len()];
        for (e, edge) in edges.iter().enumerate() {
            if used.get(e).copied().unwrap_or(false) {
                if let Some(l) = placed.get_mut(edge.v as usize) {
                    l.push(idx(e));
                }
                if let Some(f) = filled.get_mut(edge.s as usize) {
                    *f += 1;
                }
            }
        }
        let mut core = Core {
            edges,
            by_shift,
            caps,
            placed,
            filled,
            cost: bound,
            bound,
            warm: WarmSlot(warm.map(std::sync::Arc::new)),
        };
        self.repair_conflicts(input, at, &mut core);
        core.cost = cost_of(input, &core, scale.s_max, scale.p);
        Ok(core)
    }

    /// Drops placements that break a rule against the volunteer's other placements (checked
    /// by the eligibility module), then refills open slots greedily.
    fn repair_conflicts(&self, input: &MatchInput, at: DateTime<FixedOffset>, core: &mut Core) {
        let prio = |s: u32| input.priorities.get(s as usize).copied().unwrap_or(1);
        let edges = &core.edges;
        let edge = |e: u32| edges.get(e as usize).copied();
        let mut changed = false;
        for (vi, list) in core.placed.iter_mut().enumerate() {
            if list.len() < 2 {
                continue;
            }
            let Some(v) = input.volunteers.get(vi) else {
                continue;
            };
            let mut order = list.clone();
            order.sort_by_key(|&e| {
                edge(e).map(|x| {
                    (
                        std::cmp::Reverse(prio(x.s)),
                        std::cmp::Reverse(x.score.total()),
                        x.s,
                    )
                })
            });
            let mut kept = Vec::new();
            let mut with: Vec<Commitment> = input.held(v.id()).to_vec();
            for e in order {
                let Some(s) = edge(e).map(|x| x.s) else {
                    continue;
                };
                let ok = self.fits(input, v, s, &with, at);
                if ok {
                    if let Some(shift) = input.shifts.get(s as usize) {
                        with.push(Commitment::from(shift));
                    }
                    kept.push(e);
                } else {
                    changed = true;
                    if let Some(f) = core.filled.get_mut(s as usize) {
                        *f = f.saturating_sub(1);
                    }
                }
            }
            kept.sort_unstable();
            *list = kept;
        }
        if !changed {
            return;
        }
        // Refill: shifts by priority then index, volunteers by score then index.
        let mut shifts: Vec<u32> = (0..idx(input.shifts.len())).collect();
        shifts.sort_by_key(|&s| (std::cmp::Reverse(prio(s)), s));
        for s in shifts {
            let Some(shift) = input.shifts.get(s as usize) else {
                continue;
            };
            let mut cands = core.by_shift.get(s as usize).cloned().unwrap_or_default();
            cands.sort_by_key(|&e| (std::cmp::Reverse(core.total(e)), core.ends(e).0));
            for e in cands {
                if core.filled.get(s as usize).copied().unwrap_or(0) >= shift.slots() {
                    break;
                }
                let vi = core.ends(e).0 as usize;
                let (Some(v), Some(list)) = (input.volunteers.get(vi), core.placed.get(vi)) else {
                    continue;
                };
                if list.contains(&e) || idx(list.len()) >= core.caps.get(vi).copied().unwrap_or(0) {
                    continue;
                }
                let mut with: Vec<Commitment> = input.held(v.id()).to_vec();
                with.extend(list.iter().filter_map(|&o| {
                    input
                        .shifts
                        .get(core.ends(o).1 as usize)
                        .map(Commitment::from)
                }));
                if self.fits(input, v, s, &with, at) {
                    if let Some(l) = core.placed.get_mut(vi) {
                        l.push(e);
                        l.sort_unstable();
                    }
                    if let Some(f) = core.filled.get_mut(s as usize) {
                        *f += 1;
                    }
                }
            }
        }
    }

    fn fits(
        &self,
        input: &MatchInput,
        v: &Volunteer,
        s: u32,
        with: &[Commitment],
        at: DateTime<FixedOffset>,
    ) -> bool {
        let Some(shift) = input.shifts.get(s as usize) else {
            return false;
        };
        let Some(activity) = input.activity(shift.activity()) else {
            return false;
        };
        self.eligibility
            .check(v, shift, activity, with, at, input.accompaniment(v.id()))
            .is_eligible()
    }

    fn outcome(&self, input: &MatchInput, at: DateTime<FixedOffset>, core: &Core) -> MatchOutcome {
        let scarcity = Scarcity::new(input.volunteers.iter());
        let mut pairs: Vec<(u32, u32)> = core
            .placed
            .iter()
            .flatten()
            .map(|&e| {
                let (v, s) = core.ends(e);
                (s, v)
            })
            .collect();
        pairs.sort_unstable();
        let placed_ids = PlacedIndex::new(core.placed.iter().flatten().filter_map(|&e| {
            let edge = core.edge(e)?;
            Some((
                input.volunteers.get(edge.v as usize)?.id(),
                input.shifts.get(edge.s as usize)?.id(),
                edge.score.total(),
            ))
        }));
        let on_shift: BTreeSet<(u32, u32)> = pairs.iter().copied().collect();
        let mut placements = Vec::with_capacity(pairs.len());
        let mut score_sum = 0_i64;
        for &(s, v) in &pairs {
            let Some(edge) = core
                .by_shift
                .get(s as usize)
                .and_then(|l| l.iter().find(|&&e| core.ends(e).0 == v))
                .and_then(|&e| core.edges.get(e as usize))
            else {
                continue;
            };
            score_sum += edge.score.total();
            let runner = core
                .by_shift
                .get(s as usize)
                .into_iter()
                .flatten()
                .filter_map(|&e| core.edges.get(e as usize))
                .filter(|e| !on_shift.contains(&(s, e.v)))
                .min_by(|a, b| b.score.total().cmp(&a.score.total()).then(a.v.cmp(&b.v)));
            let runner_up = runner.and_then(|r| {
                let id = input.volunteers.get(r.v as usize)?.id();
                let why = self.why(input, &scarcity, r.v as usize, s as usize, &placed_ids, at);
                Some(RunnerUp::new(id, r.score.total(), why))
            });
            let (Some(vol), Some(sh)) = (
                input.volunteers.get(v as usize),
                input.shifts.get(s as usize),
            ) else {
                continue;
            };
            placements.push(Placement {
                volunteer: vol.id(),
                shift: sh.id(),
                score: edge.score,
                runner_up,
            });
        }
        let mut unfilled = BTreeMap::new();
        let mut filled_weight = 0_u64;
        let mut unfilled_weight = 0_u64;
        for ((s, &f), &prio) in input.shifts.iter().zip(&core.filled).zip(&input.priorities) {
            let open = s.slots().saturating_sub(f);
            filled_weight += u64::from(f) * u64::from(prio);
            unfilled_weight += u64::from(open) * u64::from(prio);
            if open > 0 {
                unfilled.insert(s.id(), open);
            }
        }
        let optimality = if core.cost > core.bound {
            Optimality::Feasible {
                gap_bound: core.cost - core.bound,
            }
        } else {
            Optimality::Optimal
        };
        MatchOutcome {
            placements,
            unfilled,
            shortages: self.shortages(input, at, core),
            objective: MatchObjective::new(filled_weight, unfilled_weight, score_sum, core.cost),
            optimality,
            warm: core.warm.clone(),
        }
    }

    /// Hall-deficient closures of the shifts with unfilled slots, with aggregated fixes.
    fn shortages(
        &self,
        input: &MatchInput,
        at: DateTime<FixedOffset>,
        core: &Core,
    ) -> Vec<Shortage> {
        let n = input.shifts.len();
        let mut seen_shift = vec![false; n];
        let mut seen_vol = vec![false; input.volunteers.len()];
        let mut out = Vec::new();
        // Built at the first short shift.
        let mut near = None;
        for root in 0..n {
            let open = |s: usize| {
                input.shifts.get(s).map_or(0, |sh| {
                    sh.slots()
                        .saturating_sub(core.filled.get(s).copied().unwrap_or(0))
                })
            };
            if seen_shift.get(root).copied().unwrap_or(true) || open(root) == 0 {
                continue;
            }
            let mut stack = vec![root];
            if let Some(x) = seen_shift.get_mut(root) {
                *x = true;
            }
            let mut set = Vec::new();
            let mut vols = 0_u32;
            while let Some(s) = stack.pop() {
                set.push(s);
                for &e in core.by_shift.get(s).into_iter().flatten() {
                    let v = core.ends(e).0 as usize;
                    if seen_vol.get(v).copied().unwrap_or(true) {
                        continue;
                    }
                    if let Some(x) = seen_vol.get_mut(v) {
                        *x = true;
                    }
                    vols += 1;
                    for &pe in core.placed.get(v).into_iter().flatten() {
                        let t = core.ends(pe).1 as usize;
                        if !seen_shift.get(t).copied().unwrap_or(true) {
                            if let Some(x) = seen_shift.get_mut(t) {
                                *x = true;
                            }
                            stack.push(t);
                        }
                    }
                }
            }
            set.sort_unstable();
            let slots = set
                .iter()
                .filter_map(|&s| input.shifts.get(s))
                .map(Shift::slots)
                .sum();
            let unfilled: u32 = set.iter().map(|&s| open(s)).sum();
            let mut fixes = Vec::new();
            for &s in &set {
                if open(s) > 0 {
                    let near = near.get_or_insert_with(|| NearMisses::new(&input.volunteers));
                    fixes.extend(self.fixes_for(input, s, open(s), at, near));
                }
            }
            fixes.sort_by(|a: &FixHint, b| {
                b.volunteers
                    .cmp(&a.volunteers)
                    .then(a.shift.cmp(&b.shift))
                    .then(a.fix.cmp(&b.fix))
            });
            out.push(Shortage {
                shifts: set
                    .iter()
                    .filter_map(|&s| input.shifts.get(s))
                    .map(Shift::id)
                    .collect(),
                slots,
                unfilled,
                volunteers: vols,
                fixes,
            });
        }
        out
    }

    /// Aggregates the fixes of volunteers who fail exactly one rule for shift `s`; distance
    /// fixes become one hint: the radius that admits `open` more volunteers (or all there are).
    ///
    /// The shift's [`ShiftScreen`] sorts the volunteers first ([`NearMisses::search`]):
    /// those failing two of its rules are skipped; those failing only the distance are checked
    /// nearest first until `open` of them are near misses (only the `open` nearest make the
    /// hint), so the search visits the volunteers beyond the latitude band only that far;
    /// the rest get the full check. Same hints as checking every volunteer (a property test
    /// compares them).
    fn fixes_for(
        &self,
        input: &MatchInput,
        s: usize,
        open: u32,
        at: DateTime<FixedOffset>,
        near: &mut NearMisses<'_>,
    ) -> Vec<FixHint> {
        let Some(shift) = input.shifts.get(s) else {
            return Vec::new();
        };
        let Some(activity) = input.activity(shift.activity()) else {
            return Vec::new();
        };
        let Some(screen) = ShiftScreen::new(self.eligibility, shift, Some(activity), at) else {
            // The shift takes nobody (started, uninsured, or no point for its place): every
            // volunteer fails that rule, so only the full check tells who fails nothing else.
            return self.fixes_for_every(input, s, open, at);
        };
        let single = |vi: usize| {
            let v = input.volunteers.get(vi)?;
            self.single_failure(input, v, shift, activity, at)
        };
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        let mut distances = Vec::new();
        near.search(
            &screen,
            |vi| {
                if let Some(fix) = single(vi).and_then(|only| only.fix()) {
                    *counts.entry(fix).or_insert(0) += 1;
                }
            },
            |vi, _| {
                if let Some(Ineligibility::TooFar { distance_m, .. }) = single(vi) {
                    distances.push(distance_m);
                }
                open == 0 || distances.len() < open as usize
            },
        );
        hints(shift, counts, distances, open)
    }

    /// [`fixes_for`](Self::fixes_for) by the full check of every volunteer.
    fn fixes_for_every(
        &self,
        input: &MatchInput,
        s: usize,
        open: u32,
        at: DateTime<FixedOffset>,
    ) -> Vec<FixHint> {
        let Some(shift) = input.shifts.get(s) else {
            return Vec::new();
        };
        let Some(activity) = input.activity(shift.activity()) else {
            return Vec::new();
        };
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        let mut distances = Vec::new();
        for v in &input.volunteers {
            if let Some(only) = self.single_failure(input, v, shift, activity, at) {
                if let Ineligibility::TooFar { distance_m, .. } = only {
                    distances.push(distance_m);
                } else if let Some(fix) = only.fix() {
                    *counts.entry(fix).or_insert(0) += 1;
                }
            }
        }
        hints(shift, counts, distances, open)
    }

    /// The one rule `v` fails for `shift`, with its held shifts and accompaniment from
    /// `input`, if it fails exactly one.
    fn single_failure(
        &self,
        input: &MatchInput,
        v: &Volunteer,
        shift: &Shift,
        activity: &Activity,
        at: DateTime<FixedOffset>,
    ) -> Option<Ineligibility> {
        self.eligibility.single_failure(
            v,
            shift,
            activity,
            input.held(v.id()),
            at,
            input.accompaniment(v.id()),
        )
    }
}

/// The fix hints for `shift`: one per fix with the volunteers it would admit, then the radius
/// that admits `open` more (or all there are) from the distances of the volunteers who fail
/// only the distance.
fn hints(
    shift: &Shift,
    counts: BTreeMap<String, u32>,
    mut distances: Vec<u32>,
    open: u32,
) -> Vec<FixHint> {
    let mut out: Vec<FixHint> = counts
        .into_iter()
        .map(|(fix, n)| FixHint::new(shift.id(), fix, n))
        .collect();
    if !distances.is_empty() {
        distances.sort_unstable();
        let take = distances.len().min(open as usize);
        if let Some(&r) = distances.get(take.saturating_sub(1)) {
            let fix = Ineligibility::TooFar {
                distance_m: r,
                max_m: shift.requirements().max_distance_m().unwrap_or(0),
            }
            .fix()
            .unwrap_or_default();
            out.push(FixHint::new(shift.id(), fix, idx(take)));
        }
    }
    out
}

/// The cost scaling of the module docs: `S`, `P` and the unfilled penalty of each shift.
#[derive(Debug)]
struct Scale {
    s_max: i64,
    p: i64,
    penalties: Vec<i64>,
    demand: i64,
    /// The quantities `P` was computed from, for [`MatchError::SolverBound`].
    slots: u64,
    shifts: u64,
    range: i64,
    max_priority: u32,
}

impl Scale {
    fn new(
        policy: &MatchPolicy,
        input: &MatchInput,
        edges: &[Edge],
        caps: &[u32],
    ) -> Result<Self, MatchError> {
        // The largest and smallest scores present, within `0..=policy.max_score()`: a smaller
        // `S` and range `R` keep `P` and the penalties small, so larger instances stay within
        // the solver's exact bound.
        let clamp = |e: &Edge| e.score.total().clamp(0, policy.max_score());
        let s_max = edges.iter().map(clamp).max().unwrap_or(0);
        let s_min = edges.iter().map(clamp).min().unwrap_or(0);
        let range = s_max - s_min;
        let demand: u64 = input.shifts.iter().map(|s| u64::from(s.slots())).sum();
        let mut with_edges = vec![false; caps.len()];
        let mut shift_has_edge = vec![false; input.shifts.len()];
        for e in edges {
            if let Some(w) = with_edges.get_mut(e.v as usize) {
                *w = true;
            }
            if let Some(w) = shift_has_edge.get_mut(e.s as usize) {
                *w = true;
            }
        }
        let supply: u64 = caps
            .iter()
            .zip(&with_edges)
            .filter(|(_, w)| **w)
            .map(|(&c, _)| u64::from(c))
            .sum();
        let slots = demand.min(supply).min(edges.len() as u64);
        let shifts = shift_has_edge.iter().filter(|&&w| w).count() as u64;
        let max_priority = input.priorities.iter().copied().max().unwrap_or(1);
        let too_large = || MatchError::TooLarge {
            slots,
            max_score: s_max,
            max_priority,
        };
        let p = fill_weight(slots, s_max, shifts, range).ok_or_else(too_large)?;
        let mut penalties = Vec::with_capacity(input.shifts.len());
        for &prio in &input.priorities {
            let pen = p
                .checked_mul(i64::from(prio))
                .and_then(|x| x.checked_add(s_max))
                .ok_or_else(too_large)?;
            penalties.push(pen);
        }
        // The total cost S·Σ slots + P·Σ priority·slots must fit too.
        let demand = i64::try_from(demand).map_err(|_| too_large())?;
        penalties
            .iter()
            .zip(&input.shifts)
            .try_fold(0_i64, |acc, (&pen, s)| {
                acc.checked_add(pen.checked_mul(i64::from(s.slots()))?)
            })
            .ok_or_else(too_large)?;
        Ok(Self {
            s_max,
            p,
            penalties,
            demand,
            slots,
            shifts,
            range,
            max_priority,
        })
    }

    /// Turns the solver's refusal of a network whose penalties exceed its exact bound into
    /// [`MatchError::SolverBound`], naming the quantities the penalties come from; any other
    /// error passes through.
    fn explain(&self, err: MatchError) -> MatchError {
        match err {
            MatchError::Solver(MatchingError::Overflow { nodes, max_cost })
                if !super::engine::fits(nodes, max_cost) && nodes < SOLVER_MAX_NODES =>
            {
                MatchError::SolverBound {
                    nodes,
                    max_penalty: max_cost,
                    slots: self.slots,
                    shifts: self.shifts,
                    max_score: self.s_max,
                    score_range: self.range,
                    max_priority: self.max_priority,
                    fill_weight: self.p,
                }
            }
            other => other,
        }
    }
}

/// Below this many nodes a solver overflow can only come from the cost bound.
const SOLVER_MAX_NODES: usize = 1 << 31;

/// The fill weight `P = min(T·S, K·R) + 1` of the module docs, or `None` if it overflows.
///
/// Either term alone makes the objective lexicographic (fill first, then score), so the
/// smaller one is used (see the module docs for the proofs): `T·S` bounds the score
/// difference of any two solutions, `K·R` the score change of any simple residual cycle.
fn fill_weight(slots: u64, s_max: i64, shifts: u64, range: i64) -> Option<i64> {
    let by_slots = i64::try_from(slots).ok().and_then(|t| t.checked_mul(s_max));
    let by_cycles = i64::try_from(shifts)
        .ok()
        .and_then(|k| k.checked_mul(range));
    let m = match (by_slots, by_cycles) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return None,
    };
    m.checked_add(1)
}

/// The runs of edges per volunteer (edges are volunteer-major, shifts ascending), with the
/// volunteer's windows and effective cap (a cap above the number of windows never binds).
fn runs<'e>(
    edges: &'e [Edge],
    caps: &[u32],
    window: &[u32],
) -> impl Iterator<Item = (usize, &'e [Edge], BTreeMap<u32, Vec<usize>>, u32)> + 'e {
    let caps = caps.to_vec();
    let window = window.to_vec();
    let mut start = 0;
    std::iter::from_fn(move || {
        let first = edges.get(start)?;
        let v = first.v;
        let end = edges
            .iter()
            .skip(start)
            .position(|e| e.v != v)
            .map_or(edges.len(), |k| start + k);
        let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for e in start..end {
            let w = edges
                .get(e)
                .and_then(|edge| window.get(edge.s as usize))
                .copied()
                .unwrap_or(u32::MAX);
            groups.entry(w).or_default().push(e);
        }
        let cap = caps
            .get(v as usize)
            .copied()
            .unwrap_or(0)
            .min(idx(groups.len()));
        let run = (start, edges.get(start..end).unwrap_or(&[]), groups, cap);
        start = end;
        Some(run)
    })
}

/// Whether some volunteer needs window nodes: an effective cap above 1 and two candidate
/// shifts in one window. Otherwise the network is a plain transportation problem.
fn needs_gadget(edges: &[Edge], caps: &[u32], window: &[u32]) -> bool {
    runs(edges, caps, window)
        .any(|(_, _, groups, cap)| cap > 1 && groups.values().any(|l| l.len() > 1))
}

/// Solves the plain case with the transportation solver, warm from `warm` when given: which
/// edges are used, the optimal cost, and the state a later repair can start from.
fn solve_transport(
    input: &MatchInput,
    edges: &[Edge],
    caps: &[u32],
    window: &[u32],
    scale: &Scale,
    warm: Option<&WarmState>,
) -> Result<(Vec<bool>, i64, Option<WarmState>), MatchError> {
    let mut b = TransportBuilder::new();
    b.reserve_arcs(edges.len());
    let mut sinks = Vec::with_capacity(input.shifts.len());
    for (s, &pen) in input.shifts.iter().zip(&scale.penalties) {
        sinks.push(b.add_sink(s.slots(), pen)?);
    }
    let mut starts = Vec::new();
    let mut volunteers = Vec::new();
    for (start, run, _, cap) in runs(edges, caps, window) {
        let src = b.add_source(cap);
        starts.push((start, run.len()));
        volunteers.push(
            run.first()
                .and_then(|e| input.volunteers.get(e.v as usize))
                .map(Volunteer::id),
        );
        for edge in run {
            if let Some(&snk) = sinks.get(edge.s as usize) {
                b.add_arc(src, snk, scale.s_max - edge.score.total())?;
            }
        }
    }
    let problem = b.build()?;
    let shifts: Vec<ShiftId> = input.shifts.iter().map(Shift::id).collect();
    let warm_solution = warm.and_then(|w| resolve_warm(&problem, w, &volunteers, &shifts, scale));
    // A warm start that does not fit falls back to a cold solve; in tests it always fits.
    #[cfg(test)]
    assert!(
        warm.is_none() || warm_solution.is_some(),
        "the warm start was refused"
    );
    let solution = match warm_solution {
        Some(solution) => solution,
        None => problem.solve()?,
    };
    #[cfg(test)]
    assert_eq!(super::verify(&problem, &solution), Ok(()));
    let mut used = vec![false; edges.len()];
    for arc in solution.assignment() {
        let Some(&(start, len)) = starts.get(arc.source().get() as usize) else {
            continue;
        };
        let run = edges.get(start..start + len).unwrap_or(&[]);
        if let Ok(k) = run.binary_search_by_key(&arc.sink().get(), |e| e.s)
            && let Some(u) = used.get_mut(start + k)
        {
            *u = true;
        }
    }
    let objective = solution.objective();
    let state = WarmState {
        solution,
        volunteers,
        shifts,
        s_max: scale.s_max,
        penalties: scale.penalties.clone(),
    };
    Ok((used, objective, Some(state)))
}

/// Re-solves `problem` warm from a previous match's solution: sources and sinks are carried
/// over by volunteer and shift id, and the previous sink prices are moved onto this match's
/// cost scale (edge costs are `S − score`, so a new `S` shifts every price by the same
/// amount; a sink priced at its penalty stays at its new penalty). `None` if the state does
/// not fit (the caller then solves cold).
fn resolve_warm(
    problem: &TransportProblem,
    warm: &WarmState,
    volunteers: &[Option<VolunteerId>],
    shifts: &[ShiftId],
    scale: &Scale,
) -> Option<TransportSolution> {
    let carry = TransportCarry::by_keys(&warm.volunteers, volunteers, &warm.shifts, shifts).ok()?;
    let shift_by = scale.s_max.checked_sub(warm.s_max)?;
    let mut previous = warm.solution.clone();
    previous.reprice_sinks(|s, price| {
        let now = carry
            .sink(SinkIndex::new(idx(s)))
            .and_then(|n| scale.penalties.get(n.get() as usize))
            .copied();
        match now {
            Some(pen) if warm.penalties.get(s) == Some(&price) => pen,
            Some(pen) => price.saturating_add(shift_by).min(pen),
            None => price,
        }
    });
    problem.resolve_from(&previous, &carry).ok()
}

/// Solves the general case with the window gadget: which edges are used, and the optimal
/// cost of the (possibly relaxed) network.
fn solve_flow(
    input: &MatchInput,
    edges: &[Edge],
    caps: &[u32],
    window: &[u32],
    scale: &Scale,
) -> Result<(Vec<bool>, i64), MatchError> {
    let (b, edge_arc) = network(input, edges, caps, window, scale)?;
    let problem = b.build()?;
    let solution = problem.solve()?;
    // Every solve in the tests is checked against its reduced-cost certificate.
    #[cfg(test)]
    assert_eq!(super::verify_flow(&problem, &solution), Ok(()));
    let flow = solution.flow();
    let used = edge_arc
        .iter()
        .map(|&a| flow.get(a).copied().unwrap_or(0) > 0)
        .collect();
    Ok((used, solution.objective()))
}

/// The network of the module docs, and the arc index of each edge.
fn network(
    input: &MatchInput,
    edges: &[Edge],
    caps: &[u32],
    window: &[u32],
    scale: &Scale,
) -> Result<(FlowBuilder, Vec<usize>), MatchError> {
    let mut b = FlowBuilder::new();
    let hub = b.add_node(scale.demand);
    let shift_nodes: Vec<_> = input
        .shifts
        .iter()
        .map(|s| b.add_node(-i64::from(s.slots())))
        .collect();
    for ((s, &node), &pen) in input.shifts.iter().zip(&shift_nodes).zip(&scale.penalties) {
        b.add_arc(hub, node, s.slots(), pen)?;
    }
    let mut edge_arc = vec![usize::MAX; edges.len()];
    let mut arcs = input.shifts.len();
    for (_, _, groups, cap) in runs(edges, caps, window) {
        let vnode = b.add_node(0);
        b.add_arc(hub, vnode, cap, 0)?;
        arcs += 1;
        for list in groups.values() {
            // With an effective cap of 1 the window nodes are redundant.
            let from = if list.len() > 1 && cap > 1 {
                let wnode = b.add_node(0);
                b.add_arc(vnode, wnode, 1, 0)?;
                arcs += 1;
                wnode
            } else {
                vnode
            };
            for &e in list {
                let Some(edge) = edges.get(e) else { continue };
                let Some(&to) = shift_nodes.get(edge.s as usize) else {
                    continue;
                };
                b.add_arc(from, to, 1, scale.s_max - edge.score.total())?;
                if let Some(slot) = edge_arc.get_mut(e) {
                    *slot = arcs;
                }
                arcs += 1;
            }
        }
    }
    Ok((b, edge_arc))
}

/// `S·Σ slots − Σ score + P·Σ priority·unfilled` for the current placements.
fn cost_of(input: &MatchInput, core: &Core, s_max: i64, p: i64) -> i64 {
    let mut cost = 0_i64;
    for ((s, &f), &prio) in input.shifts.iter().zip(&core.filled).zip(&input.priorities) {
        let open = i64::from(s.slots().saturating_sub(f));
        cost = cost
            .saturating_add(s_max.saturating_mul(i64::from(s.slots())))
            .saturating_add(p.saturating_mul(i64::from(prio)).saturating_mul(open));
    }
    for &e in core.placed.iter().flatten() {
        cost = cost.saturating_sub(core.total(e));
    }
    cost
}

#[cfg(test)]
#[allow(
    clippy::many_single_char_names,
    clippy::similar_names,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::too_many_lines,
    reason = "tests: g, r, p, m, s, v read as graph, rules, policy, matcher, shift, volunteer; sizes are tiny"
)]
mod tests {
    use super::*;
    use crate::doc_fixtures as fx;
    use crate::matching::Factor;
    use crate::{
        EligibilityPolicy, GeoPoint, IdDocument, IdDocumentKind, Location, PersonName,
        QualificationGraph, RegistrationRequirement, Requirements, TimeSpan, VolunteerNo,
    };
    use proptest::prelude::*;

    const DAY: &str = "2021-07-2";

    fn at() -> DateTime<FixedOffset> {
        fx::at("2021-07-20T00:00:00+08:00")
    }

    /// A verified-enough volunteer at `(dx, dy)` km east/north of Lukou.
    fn vol(n: u64, dx_km: i32, dy_km: i32) -> Volunteer {
        Volunteer::builder(
            VolunteerId::from_parts(1, n),
            VolunteerNo::new(&format!("JS-2021-{n:06}")).unwrap(),
            PersonName::new("李四").unwrap(),
            IdDocument::parse(Some(IdDocumentKind::Passport), &format!("E{n:08}")).unwrap(),
        )
        .birth_date(chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap())
        .sex(crate::Sex::Female)
        .channel(crate::RegistrationChannel::WeChat)
        .home_division("320115005".parse::<DivisionCode>().unwrap())
        .home_point(point(dx_km, dy_km))
        .build()
        .unwrap()
    }

    fn point(dx_km: i32, dy_km: i32) -> GeoPoint {
        // ~9 µdeg per metre of latitude; 1 km ≈ 9_000 µdeg lat, ≈ 10_400 µdeg lon at 31.7°N.
        GeoPoint::from_micro_degrees(31_700_000 + dy_km * 9_000, 118_860_000 + dx_km * 10_560)
            .unwrap()
    }

    fn activity() -> Activity {
        let a = fx::activity();
        Activity::builder(
            a.id(),
            a.organiser(),
            a.title(),
            a.category().clone(),
            Location::new("320115005".parse().unwrap(), "禄口")
                .unwrap()
                .with_point(point(0, 0)),
            a.recruitment().clone(),
        )
        .build()
        .unwrap()
    }

    /// Window `w` (0 = 08–12, 1 = 13–17, 2 = 18–22) on day `d` (21 + d).
    fn span(d: u32, w: u32) -> TimeSpan {
        let (s, e) = [(8, 12), (13, 17), (18, 22)][w as usize];
        fx::span(
            &format!("{DAY}{}T{s:02}:00:00+08:00", 1 + d),
            &format!("{DAY}{}T{e:02}:00:00+08:00", 1 + d),
        )
    }

    fn shift(n: u64, span: TimeSpan, slots: u32, req: Requirements) -> Shift {
        Shift::new(ShiftId::from_parts(2, n), activity().id(), span, slots, req).unwrap()
    }

    fn rules() -> EligibilityPolicy {
        EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered)
    }

    /// Independent feasibility: eligibility against held + the volunteer's other placements,
    /// capacities and caps.
    fn assert_feasible(
        m: &Matcher<'_>,
        input: &MatchInput,
        out: &MatchOutcome,
        policy: &MatchPolicy,
    ) {
        for s in input.shifts() {
            assert!(out.volunteers_on(s.id()).len() as u32 <= s.slots());
            let open = out.unfilled().get(&s.id()).copied().unwrap_or(0);
            assert_eq!(out.volunteers_on(s.id()).len() as u32 + open, s.slots());
        }
        for v in input.volunteers() {
            let mine = out.shifts_of(v.id());
            assert!(mine.len() as u32 <= policy.max_shifts());
            for &sid in &mine {
                let s = input.shifts().iter().find(|s| s.id() == sid).unwrap();
                let mut held = input.held(v.id()).to_vec();
                for &o in mine.iter().filter(|&&o| o != sid) {
                    held.push(Commitment::from(
                        input.shifts().iter().find(|s| s.id() == o).unwrap(),
                    ));
                }
                let a = input.activity(s.activity()).unwrap();
                let verdict =
                    m.eligibility
                        .check(v, s, a, &held, at(), Accompaniment::Unaccompanied);
                assert!(verdict.is_eligible(), "{} on {}: {verdict}", v.id(), sid);
            }
        }
    }

    /// Brute force: the best `(filled_weight, score)` over every feasible assignment.
    fn brute(m: &Matcher<'_>, input: &MatchInput, policy: &MatchPolicy) -> (u64, i64) {
        let scarcity = Scarcity::new(input.volunteers().iter());
        let vs = input.volunteers();
        let options: Vec<Vec<(usize, i64)>> = vs
            .iter()
            .map(|v| {
                (0..input.shifts().len())
                    .filter_map(|si| {
                        m.edge_score(input, &scarcity, v, si, at())
                            .map(|b| (si, b.total()))
                    })
                    .collect()
            })
            .collect();
        let mut best = (0, i64::MIN);
        let mut choice = vec![0_u32; vs.len()];
        loop {
            // Evaluate.
            let mut filled = vec![0_u32; input.shifts().len()];
            let mut score = 0;
            let mut ok = true;
            for (vi, v) in vs.iter().enumerate() {
                let picked: Vec<(usize, i64)> = options[vi]
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| choice[vi] >> k & 1 == 1)
                    .map(|(_, &x)| x)
                    .collect();
                if picked.len() as u32 > policy.max_shifts() {
                    ok = false;
                    break;
                }
                for &(si, sc) in &picked {
                    filled[si] += 1;
                    score += sc;
                    let s = &input.shifts()[si];
                    let held: Vec<Commitment> = picked
                        .iter()
                        .filter(|&&(o, _)| o != si)
                        .map(|&(o, _)| Commitment::from(&input.shifts()[o]))
                        .collect();
                    let a = input.activity(s.activity()).unwrap();
                    if !m
                        .eligibility
                        .check(v, s, a, &held, at(), Accompaniment::Unaccompanied)
                        .is_eligible()
                    {
                        ok = false;
                    }
                }
            }
            if ok {
                let mut fw = 0;
                for (si, s) in input.shifts().iter().enumerate() {
                    if filled[si] > s.slots() {
                        ok = false;
                    }
                    fw += u64::from(filled[si].min(s.slots()))
                        * u64::from(input.priority(s.id()).unwrap());
                }
                if ok && (fw, score) > best {
                    best = (fw, score);
                }
            }
            // Next combination.
            let mut i = 0;
            loop {
                if i == vs.len() {
                    return best;
                }
                choice[i] += 1;
                if choice[i] < 1 << options[i].len() {
                    break;
                }
                choice[i] = 0;
                i += 1;
            }
        }
    }

    #[derive(Debug, Clone)]
    struct Spec {
        vols: Vec<(i32, i32, u32)>,
        shifts: Vec<(u32, u32, u32, u32, Option<u32>)>,
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (
            prop::collection::vec((-6_i32..6, -6_i32..6, 0_u32..3_000), 1..=4),
            prop::collection::vec(
                (
                    0_u32..2,
                    0_u32..3,
                    1_u32..=2,
                    1_u32..=3,
                    prop::option::of(3_000_u32..8_000),
                ),
                1..=3,
            ),
        )
            .prop_map(|(vols, shifts)| Spec { vols, shifts })
    }

    fn build(spec: &Spec, staggered: bool) -> MatchInput {
        let vols: Vec<Volunteer> = spec
            .vols
            .iter()
            .enumerate()
            .map(|(i, &(x, y, _))| vol(i as u64 + 1, x, y))
            .collect();
        let shifts: Vec<Shift> = spec
            .shifts
            .iter()
            .enumerate()
            .map(|(i, &(d, w, slots, _, max))| {
                let sp = if staggered {
                    // Staggered: 08–12, 11–15, 14–18 chain.
                    let s = 8 + 3 * w;
                    fx::span(
                        &format!("{DAY}{}T{s:02}:00:00+08:00", 1 + d),
                        &format!("{DAY}{}T{:02}:00:00+08:00", 1 + d, s + 4),
                    )
                } else {
                    span(d, w)
                };
                let mut r = Requirements::builder();
                if let Some(m) = max {
                    r = r.max_distance_m(m);
                }
                shift(i as u64 + 1, sp, slots, r.build().unwrap())
            })
            .collect();
        let ids: Vec<ShiftId> = shifts.iter().map(Shift::id).collect();
        let vids: Vec<VolunteerId> = vols.iter().map(Volunteer::id).collect();
        let mut input = MatchInput::new(vols, shifts, vec![activity()]).unwrap();
        for (id, &(_, _, _, p, _)) in ids.iter().zip(&spec.shifts) {
            input = input.with_priority(*id, p).unwrap();
        }
        for (id, &(_, _, recent)) in vids.iter().zip(&spec.vols) {
            input = input
                .with_profile(
                    *id,
                    VolunteerProfile::default().with_recent(crate::Minutes::new(recent)),
                )
                .unwrap();
        }
        input
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn window_grid_is_exact_and_matches_brute_force(s in spec()) {
            let graph = QualificationGraph::new();
            let rules = rules();
            let policy = MatchPolicy::default().with_max_shifts(2).unwrap();
            let m = Matcher::new(Eligibility::new(&graph, &rules), &policy);
            let input = build(&s, false);
            let out = m.assign(&input, at()).unwrap();
            assert_feasible(&m, &input, &out, &policy);
            prop_assert!(out.optimality().is_optimal());
            prop_assert_eq!(out.objective().key(), brute(&m, &input, &policy));
            // Explanations agree with optimality: nobody free was left out of an open slot, and
            // a free loser never outscored the weakest winner.
            for (_, _, why) in m.passed_over(&input, &out, at()) {
                prop_assert!(why != WhyNot::LeftOpen);
                if let WhyNot::Beaten { by_score, own_score, .. } = why {
                    prop_assert!(own_score <= by_score);
                }
            }
        }

        #[test]
        fn staggered_overlaps_are_feasible_and_bounded(s in spec()) {
            let graph = QualificationGraph::new();
            let rules = rules();
            let policy = MatchPolicy::default().with_max_shifts(2).unwrap();
            let m = Matcher::new(Eligibility::new(&graph, &rules), &policy);
            let input = build(&s, true);
            let out = m.assign(&input, at()).unwrap();
            assert_feasible(&m, &input, &out, &policy);
            let best = brute(&m, &input, &policy);
            prop_assert!(best >= out.objective().key());
            if out.optimality().is_optimal() {
                prop_assert_eq!(out.objective().key(), best);
            }
            // The gap bound holds: the true optimum's cost is at least cost − gap.
            if let Optimality::Feasible { gap_bound } = out.optimality() {
                let (core_edges, caps) = m.candidates(&input, at(), &BTreeSet::new());
                let scale = Scale::new(&policy, &input, &core_edges, &caps).unwrap();
                let o = out.objective();
                let best_cost = o.cost() + (o.score() - best.1)
                    + scale.p * (i64::try_from(o.filled_weight()).unwrap() - i64::try_from(best.0).unwrap());
                prop_assert!(best_cost <= o.cost());
                prop_assert!(best_cost >= o.cost() - gap_bound, "{best_cost} < {} - {gap_bound}", o.cost());
            }
        }

        #[test]
        fn shuffled_input_gives_the_same_outcome(s in spec(), seed in any::<u64>()) {
            let graph = QualificationGraph::new();
            let rules = rules();
            let policy = MatchPolicy::default();
            let m = Matcher::new(Eligibility::new(&graph, &rules), &policy);
            let input = build(&s, false);
            let mut vols = input.volunteers().to_vec();
            let mut shifts = input.shifts().to_vec();
            // A seeded rotation and reversal.
            let k = (seed as usize) % vols.len().max(1);
            vols.rotate_left(k);
            if seed & 1 == 1 { shifts.reverse(); }
            let mut shuffled = MatchInput::new(vols, shifts, vec![activity()]).unwrap();
            for sh in input.shifts() {
                shuffled = shuffled.with_priority(sh.id(), input.priority(sh.id()).unwrap()).unwrap();
            }
            for v in input.volunteers() {
                if let Some(p) = input.profile(v.id()) {
                    shuffled = shuffled.with_profile(v.id(), p.clone()).unwrap();
                }
            }
            prop_assert_eq!(m.assign(&input, at()).unwrap(), m.assign(&shuffled, at()).unwrap());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn warm_repair_reaches_the_cold_repair_optimum(s in spec(), seed in any::<u64>()) {
            let graph = QualificationGraph::new();
            let rules = rules();
            let policy = MatchPolicy::default().with_keep_bonus(7).unwrap();
            let m = Matcher::new(Eligibility::new(&graph, &rules), &policy);
            let input = build(&s, false);
            let before = m.assign(&input, at()).unwrap();
            // Withdraw a seeded subset of the volunteers (about one in three).
            let mut after_input = input.clone();
            for (i, v) in input.volunteers().iter().enumerate() {
                if (seed >> (i % 64)) % 3 == 0 {
                    after_input = after_input.without_volunteer(v.id()).unwrap();
                }
            }
            let warm = m.repair(&after_input, &before, at()).unwrap();
            let mut stale = before.clone();
            stale.warm = WarmSlot::default();
            prop_assert_eq!(&stale, &before);
            let cold = m.repair(&after_input, &stale, at()).unwrap();
            assert_feasible(&m, &after_input, warm.outcome(), &policy);
            prop_assert_eq!(warm.outcome().objective(), cold.outcome().objective());
            prop_assert_eq!(warm.outcome().optimality(), cold.outcome().optimality());
            // A repair of the repair starts warm again and fills as much.
            let again = m.repair(&after_input, warm.outcome(), at()).unwrap();
            prop_assert_eq!(
                again.outcome().objective().filled_weight(),
                warm.outcome().objective().filled_weight()
            );
        }
    }

    fn matcher_parts() -> (QualificationGraph, EligibilityPolicy, MatchPolicy) {
        (QualificationGraph::new(), rules(), MatchPolicy::default())
    }

    #[test]
    fn explains_scores_runner_up_and_losers() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let near = vol(1, 1, 0);
        let far = vol(2, 6, 0);
        let s = shift(1, span(0, 0), 1, Requirements::none());
        let input = MatchInput::new(
            vec![far.clone(), near.clone()],
            vec![s.clone()],
            vec![activity()],
        )
        .unwrap();
        let out = m.assign(&input, at()).unwrap();
        let pl = &out.placements()[0];
        assert_eq!(pl.volunteer(), near.id());
        assert!(pl.score().points(crate::matching::Factor::Distance) > 80);
        assert_eq!(
            pl.score().points(crate::matching::Factor::Jurisdiction),
            100
        );
        let ru = pl.runner_up().unwrap();
        assert_eq!(ru.volunteer(), far.id());
        assert!(matches!(ru.why(), WhyNot::Beaten { by, .. } if *by == near.id()));
        assert!(ru.score() < pl.score().total());
        let why = m.why_not(&input, &out, far.id(), s.id(), at()).unwrap();
        assert_eq!(&why, ru.why());
        assert_eq!(
            m.why_not(&input, &out, near.id(), s.id(), at()).unwrap(),
            WhyNot::Chosen
        );
    }

    #[test]
    fn at_capacity_and_conflict_are_reported() {
        let (g, r, _) = matcher_parts();
        let p = MatchPolicy::default().with_max_shifts(1).unwrap();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let only = vol(1, 0, 0);
        let a = shift(1, span(0, 0), 1, Requirements::none());
        let b = shift(2, span(0, 1), 1, Requirements::none());
        let input = MatchInput::new(
            vec![only.clone()],
            vec![a.clone(), b.clone()],
            vec![activity()],
        )
        .unwrap();
        let out = m.assign(&input, at()).unwrap();
        assert_eq!(out.placements().len(), 1);
        let other = if out.shifts_of(only.id())[0] == a.id() {
            b.id()
        } else {
            a.id()
        };
        assert!(matches!(
            m.why_not(&input, &out, only.id(), other, at()).unwrap(),
            WhyNot::AtCapacity { placed } if placed.len() == 1
        ));
        // Two overlapping shifts, cap 2: the second is a clash.
        let p2 = MatchPolicy::default();
        let m2 = Matcher::new(Eligibility::new(&g, &r), &p2);
        let c = shift(
            3,
            fx::span("2021-07-21T09:00:00+08:00", "2021-07-21T11:00:00+08:00"),
            1,
            Requirements::none(),
        );
        let input2 = MatchInput::new(
            vec![only.clone()],
            vec![a.clone(), c.clone()],
            vec![activity()],
        )
        .unwrap();
        let out2 = m2.assign(&input2, at()).unwrap();
        assert_eq!(out2.placements().len(), 1);
        assert!(out2.optimality().is_optimal());
        let lost = if out2.shifts_of(only.id())[0] == a.id() {
            c.id()
        } else {
            a.id()
        };
        assert!(matches!(
            m2.why_not(&input2, &out2, only.id(), lost, at()).unwrap(),
            WhyNot::Conflict { .. }
        ));
    }

    #[test]
    fn unfilled_slots_get_a_certificate_with_a_radius_fix() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let vols = vec![vol(1, 0, 0), vol(2, 2, 0), vol(3, 3, 0)];
        let req = Requirements::builder()
            .max_distance_m(1_000)
            .build()
            .unwrap();
        let s = shift(1, span(0, 0), 3, req);
        let input = MatchInput::new(vols, vec![s.clone()], vec![activity()]).unwrap();
        let out = m.assign(&input, at()).unwrap();
        assert_eq!(out.unfilled().get(&s.id()), Some(&2));
        let short = &out.shortages()[0];
        assert_eq!(
            (short.slots(), short.volunteers(), short.unfilled()),
            (3, 1, 2)
        );
        assert_eq!(
            short.to_string(),
            "these 3 slots have only 1 eligible, available volunteers within reach (2 unfilled)"
        );
        let fix = &short.fixes()[0];
        assert_eq!(fix.volunteers(), 2);
        // The farther of the two is about 3 km away: that radius admits both.
        let metres: u32 = fix
            .fix()
            .trim_start_matches("widen the shift's distance limit to ")
            .trim_end_matches(" m")
            .parse()
            .unwrap();
        assert!((2_900..=3_100).contains(&metres), "{}", fix.fix());
    }

    /// The near-miss search visits the volunteers beyond the latitude band nearest first:
    /// on a grid of volunteers 1 km apart around a place with a 1 km limit (so that one 2 km
    /// north, outside the band, is nearer than one 3 km east, inside it), the radius hint
    /// for every number of open slots is the one checking every volunteer gives.
    #[test]
    fn radius_hints_on_a_grid_equal_checking_every_volunteer() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let vols: Vec<Volunteer> = (-10..=10)
            .flat_map(|dy| (-10..=10).map(move |dx| (dx, dy)))
            .enumerate()
            .map(|(n, (dx, dy))| vol(n as u64 + 1, dx, dy))
            .collect();
        let req = Requirements::builder()
            .max_distance_m(1_000)
            .build()
            .unwrap();
        let input =
            MatchInput::new(vols, vec![shift(1, span(0, 0), 1, req)], vec![activity()]).unwrap();
        let mut near = NearMisses::new(&input.volunteers);
        for open in 1..=40 {
            let screened = m.fixes_for(&input, 0, open, at(), &mut near);
            assert_eq!(
                screened,
                m.fixes_for_every(&input, 0, open, at()),
                "{open} open"
            );
            // Every volunteer beyond 1 km fails only the distance: `open` of them make the hint.
            assert_eq!(screened.len(), 1);
            assert_eq!(screened[0].volunteers(), open);
        }
    }

    #[test]
    fn priority_decides_which_slot_is_filled() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let v = vol(1, 5, 0);
        let low = shift(1, span(0, 0), 1, Requirements::none());
        let high = shift(2, span(0, 0), 1, Requirements::none());
        let input = MatchInput::new(vec![v], vec![low.clone(), high.clone()], vec![activity()])
            .unwrap()
            .with_priority(high.id(), 3)
            .unwrap();
        let out = m.assign(&input, at()).unwrap();
        assert_eq!(out.volunteers_on(high.id()).len(), 1);
        assert_eq!(out.objective().filled_weight(), 3);
        assert_eq!(out.objective().unfilled_weight(), 1);
    }

    #[test]
    fn repair_keeps_untouched_assignments() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let vols: Vec<Volunteer> = (1..=8).map(|i| vol(i, i as i32 % 5, 1)).collect();
        let shifts = vec![
            shift(1, span(0, 0), 2, Requirements::none()),
            shift(2, span(0, 1), 2, Requirements::none()),
            shift(3, span(1, 0), 2, Requirements::none()),
        ];
        let input = MatchInput::new(vols, shifts, vec![activity()]).unwrap();
        let before = m.assign(&input, at()).unwrap();
        assert!(before.unfilled().is_empty());
        let gone = before.placements()[0].volunteer();
        let gone_shifts = before.shifts_of(gone);
        let after_input = input.without_volunteer(gone).unwrap();
        let after = m.repair(&after_input, &before, at()).unwrap();
        assert!(after.outcome().unfilled().is_empty());
        for pl in before.placements().iter().filter(|p| p.volunteer() != gone) {
            assert!(
                after
                    .outcome()
                    .pairs()
                    .contains(&(pl.volunteer(), pl.shift()))
            );
        }
        assert_eq!(
            after.kept() as usize,
            before.placements().len() - gone_shifts.len()
        );
        let invalidated = after
            .changes()
            .iter()
            .filter(|c| matches!(c, RepairChange::Invalidated { .. }))
            .count();
        assert_eq!(invalidated, gone_shifts.len());
        let added = after
            .changes()
            .iter()
            .filter(|c| matches!(c, RepairChange::Added { .. }))
            .count();
        assert_eq!(added, gone_shifts.len());
        assert_feasible(&m, &after_input, after.outcome(), &p);
    }

    #[test]
    fn repair_adds_new_shifts_without_moving_others() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let vols: Vec<Volunteer> = (1..=4).map(|i| vol(i, 0, i as i32)).collect();
        let input = MatchInput::new(
            vols,
            vec![shift(1, span(0, 0), 2, Requirements::none())],
            vec![activity()],
        )
        .unwrap();
        let before = m.assign(&input, at()).unwrap();
        let grown = input
            .with_shift(shift(2, span(0, 0), 1, Requirements::none()), None)
            .unwrap();
        let after = m.repair(&grown, &before, at()).unwrap();
        assert_eq!(after.kept(), 2);
        assert_eq!(after.changes().len(), 1);
        assert!(
            matches!(after.changes()[0], RepairChange::Added { shift, .. } if shift == ShiftId::from_parts(2, 2))
        );
    }

    #[test]
    fn recommendations_rank_by_score() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let vols = vec![vol(1, 4, 0), vol(2, 1, 0), vol(3, 2, 0)];
        let s = shift(1, span(0, 0), 1, Requirements::none());
        let t = shift(2, span(0, 1), 1, Requirements::none());
        let input = MatchInput::new(vols, vec![s.clone(), t], vec![activity()]).unwrap();
        let best = m.recommend_volunteers(&input, s.id(), 2, at()).unwrap();
        let ids: Vec<_> = best.iter().map(Recommendation::volunteer).collect();
        assert_eq!(
            ids,
            vec![VolunteerId::from_parts(1, 2), VolunteerId::from_parts(1, 3)]
        );
        assert_eq!(
            m.recommend_shifts(&input, VolunteerId::from_parts(1, 1), at())
                .unwrap()
                .len(),
            2
        );
        assert!(matches!(
            m.recommend_volunteers(&input, ShiftId::from_parts(9, 9), 1, at()),
            Err(MatchError::UnknownShift { .. })
        ));
    }

    #[test]
    fn input_rejects_duplicates_and_unknowns_and_stays_unchanged() {
        let v = vol(1, 0, 0);
        let s = shift(1, span(0, 0), 1, Requirements::none());
        assert!(matches!(
            MatchInput::new(vec![v.clone(), v.clone()], vec![], vec![]),
            Err(MatchError::DuplicateVolunteer { .. })
        ));
        assert!(matches!(
            MatchInput::new(vec![], vec![s.clone(), s.clone()], vec![activity()]),
            Err(MatchError::DuplicateShift { .. })
        ));
        assert!(matches!(
            MatchInput::new(vec![], vec![s.clone()], vec![]),
            Err(MatchError::UnknownActivity { .. })
        ));
        let input = MatchInput::new(vec![v], vec![s.clone()], vec![activity()]).unwrap();
        assert_eq!(
            input
                .clone()
                .with_priority(s.id(), 0)
                .unwrap_err()
                .to_string(),
            format!("shift {} has priority 0: expected 1..=100", s.id())
        );
        assert!(
            input
                .clone()
                .with_profile(VolunteerId::from_parts(9, 9), VolunteerProfile::default())
                .is_err()
        );
        assert!(input.clone().with_shift(s.clone(), None).is_err());
        assert_eq!(input.priority(s.id()), Some(1));
        // Rejected mutations change nothing.
        let mut m = input.clone();
        assert!(m.set_priority(s.id(), 101).is_err());
        assert!(m.set_priority(ShiftId::from_parts(9, 9), 2).is_err());
        assert!(
            m.add_held(VolunteerId::from_parts(9, 9), Commitment::from(&s))
                .is_err()
        );
        assert!(
            m.set_profile(VolunteerId::from_parts(9, 9), VolunteerProfile::default())
                .is_err()
        );
        assert!(m.add_guardian(VolunteerId::from_parts(9, 9)).is_err());
        assert!(m.remove_volunteer(VolunteerId::from_parts(9, 9)).is_err());
        assert!(m.add_shift(s.clone(), None).is_err());
        let stranger = Shift::new(
            ShiftId::from_parts(2, 99),
            crate::ActivityId::from_parts(7, 7),
            span(0, 1),
            1,
            Requirements::none(),
        )
        .unwrap();
        assert!(matches!(
            m.add_shift(stranger, Some(fx::hazardous_activity())),
            Err(MatchError::UnknownActivity { .. })
        ));
        assert_eq!(m, input);
        m.set_priority(s.id(), 7).unwrap();
        assert_eq!(m.priority(s.id()), Some(7));
    }

    #[test]
    fn team_members_land_together_in_their_paired_town() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let team = crate::TeamId::from_parts(3, 1);
        let other_town: DivisionCode = "320115006".parse().unwrap();
        let here = shift(1, span(0, 0), 2, Requirements::none());
        let there = shift(2, span(0, 0), 2, Requirements::none()).with_location(
            Location::new(other_town, "横溪")
                .unwrap()
                .with_point(point(0, 0)),
        );
        let (a, b) = (vol(1, 0, 0), vol(2, 0, 0));
        let input = MatchInput::new(
            vec![a.clone(), b.clone()],
            vec![here.clone(), there.clone()],
            vec![activity()],
        )
        .unwrap()
        .with_profile(a.id(), VolunteerProfile::default().with_team(team))
        .unwrap()
        .with_profile(b.id(), VolunteerProfile::default().with_team(team))
        .unwrap()
        .with_pairing(team, other_town);
        let out = m.assign(&input, at()).unwrap();
        // Home division scores 100 for jurisdiction on `here` (×3), but the pairing is worth
        // 100 for team (×1) on `there` and jurisdiction still 40 there: 300 vs 220, so
        // without the pairing both stay home; raise the team weight to move them together.
        assert_eq!(out.volunteers_on(here.id()).len(), 2);
        let heavy = MatchPolicy::default().with_weights(
            crate::matching::ScoreWeights::default()
                .with(crate::matching::Factor::Team, 5)
                .unwrap(),
        );
        let m2 = Matcher::new(Eligibility::new(&g, &r), &heavy);
        let out2 = m2.assign(&input, at()).unwrap();
        assert_eq!(out2.volunteers_on(there.id()).len(), 2);
        let pl = &out2.placements()[0];
        assert_eq!(pl.score().points(crate::matching::Factor::Team), 100);
        assert!(out2.optimality().is_optimal());
    }

    #[test]
    fn held_shifts_count_against_the_cap_and_block_overlaps() {
        let (g, r, _) = matcher_parts();
        let p = MatchPolicy::default().with_max_shifts(2).unwrap();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let (busy, free) = (vol(1, 0, 0), vol(2, 0, 0));
        let a = shift(1, span(1, 0), 1, Requirements::none());
        let b = shift(2, span(1, 1), 1, Requirements::none());
        let input = MatchInput::new(
            vec![busy.clone(), free.clone()],
            vec![a.clone(), b.clone()],
            vec![activity()],
        )
        .unwrap()
        .with_held(
            busy.id(),
            Commitment::new(ShiftId::from_parts(9, 1), span(0, 0)),
        )
        .unwrap()
        .with_held(
            busy.id(),
            Commitment::new(ShiftId::from_parts(9, 2), span(1, 1)),
        )
        .unwrap();
        let out = m.assign(&input, at()).unwrap();
        assert!(out.shifts_of(busy.id()).is_empty());
        assert_eq!(out.shifts_of(free.id()).len(), 2);
        // `b` overlaps a held shift: ineligible, with the held shift named.
        assert!(matches!(
            m.why_not(&input, &out, busy.id(), b.id(), at()).unwrap(),
            WhyNot::Ineligible { verdict } if verdict.failures().iter().any(|f| matches!(f, Ineligibility::Overlap { .. }))
        ));
        // `a` is free of clashes, but two held shifts use the cap of 2.
        assert_eq!(
            m.why_not(&input, &out, busy.id(), a.id(), at()).unwrap(),
            WhyNot::AtCapacity { placed: vec![] }
        );
    }

    #[test]
    fn staggered_chain_reports_a_true_gap_bound() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let v = vol(1, 0, 0);
        let at_h = |h: u32| format!("{DAY}1T{h:02}:00:00+08:00");
        let mk = |n: u64, from: u32| {
            shift(
                n,
                fx::span(&at_h(from), &at_h(from + 4)),
                1,
                Requirements::none(),
            )
        };
        // A 08–12, B 11–15, C 14–18: windows {A, B} and {C}; B has priority 3.
        let (a, b, c) = (mk(1, 8), mk(2, 11), mk(3, 14));
        let input = MatchInput::new(vec![v.clone()], vec![a, b.clone(), c], vec![activity()])
            .unwrap()
            .with_priority(b.id(), 3)
            .unwrap();
        let out = m.assign(&input, at()).unwrap();
        assert_feasible(&m, &input, &out, &p);
        assert_eq!(out.shifts_of(v.id()), vec![b.id()]);
        // The relaxation took B and C; the repair dropped C, so optimality is not proven, but
        // the result equals the brute-force optimum and the bound is honest.
        let Optimality::Feasible { gap_bound } = out.optimality() else {
            panic!("expected a gap: {:?}", out.optimality());
        };
        assert!(gap_bound > 0);
        assert_eq!(out.objective().key(), brute(&m, &input, &p));
    }

    #[test]
    fn daily_cap_between_new_placements_is_repaired() {
        let g = QualificationGraph::new();
        let r = rules().with_daily_cap(crate::Minutes::new(8 * 60));
        let p = MatchPolicy::default();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let v = vol(1, 0, 0);
        let shifts: Vec<Shift> = (0..3)
            .map(|w| shift(u64::from(w) + 1, span(0, w), 1, Requirements::none()))
            .collect();
        let input = MatchInput::new(vec![v.clone()], shifts, vec![activity()]).unwrap();
        let out = m.assign(&input, at()).unwrap();
        // Three 4-hour shifts in one day, a cap of 8 hours: only two can be kept.
        assert_eq!(out.shifts_of(v.id()).len(), 2);
        assert_feasible(&m, &input, &out, &p);
        assert!(matches!(out.optimality(), Optimality::Feasible { gap_bound } if gap_bound > 0));
        assert_eq!(out.objective().filled_weight(), 2);
    }

    #[test]
    fn uniform_scores_need_no_big_fill_weight() {
        let g = QualificationGraph::new();
        let r = rules();
        let w = Factor::ALL
            .into_iter()
            .fold(crate::matching::ScoreWeights::default(), |acc, f| {
                acc.with(f, 1_000).unwrap()
            });
        let p = MatchPolicy::default()
            .with_weights(w)
            .with_keep_bonus(100_000)
            .unwrap();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        // T = 2000 slots, S = 480,000, priority 100: with P = T·S + 1 the penalties of
        // ~10^11 on ~1,000 nodes broke the solver's bound of the time,
        // max_cost·(nodes+1)² <= 2^60, and this instance was refused. Every score is equal (R = 0), so P = K·R + 1 = 1 is exact.
        let vols: Vec<Volunteer> = (1..=1_000).map(|i| vol(i, 0, 0)).collect();
        let shifts: Vec<Shift> = (1..=20)
            .map(|i| shift(i, span(0, (i % 3) as u32), 100, Requirements::none()))
            .collect();
        let ids: Vec<ShiftId> = shifts.iter().map(Shift::id).collect();
        let mut input = MatchInput::new(vols, shifts, vec![activity()]).unwrap();
        for id in ids {
            input = input.with_priority(id, 100).unwrap();
        }
        let (edges, caps) = m.candidates(&input, at(), &BTreeSet::new());
        let scale = Scale::new(&p, &input, &edges, &caps).unwrap();
        assert_eq!((scale.range, scale.p), (0, 1));
        let out = m.assign(&input, at()).unwrap();
        assert!(out.optimality().is_optimal());
        // 1,000 volunteers × 3 shifts (one per window) cover all 2,000 slots.
        assert_eq!(out.placements().len(), 2_000);
        assert!(out.unfilled().is_empty());
        assert_eq!(out.objective().filled_weight(), 200_000);
    }

    #[test]
    fn fill_weight_is_the_smaller_exact_bound() {
        // min(T·S, K·R) + 1.
        assert_eq!(fill_weight(100, 50, 10, 7), Some(71));
        assert_eq!(fill_weight(1, 50, 10, 7), Some(51));
        assert_eq!(fill_weight(100_000, 1_500, 10_000, 0), Some(1));
        // One term overflowing leaves the other; both overflowing is refused.
        assert_eq!(fill_weight(u64::MAX, 50, 10, 7), Some(71));
        assert_eq!(fill_weight(100, 50, u64::MAX, 7), Some(5_001));
        assert_eq!(fill_weight(u64::MAX, i64::MAX, u64::MAX, i64::MAX), None);
        assert_eq!(fill_weight(1, i64::MAX, 1, i64::MAX), None);
    }

    #[test]
    fn the_100k_by_10k_bound_arithmetic_fits_the_solver() {
        // 100,000 volunteers, 10,000 shifts with 5 slots, priority 100, default policy
        // (S <= 1,500): the transport network has 110,001 nodes.
        let nodes = 110_001;
        let s = MatchPolicy::default().max_score();
        assert_eq!(s, 1_500);
        let penalty = |p: i64| s + 100 * p;
        let (scaled, exact) = (
            |c: i64| crate::matching::engine::fits_scaled(nodes, c),
            |c: i64| crate::matching::engine::fits(nodes, c),
        );
        // The old P = T·S + 1 is past the bound of costs scaled by nodes + 1 (then the
        // solver's only bound) whatever the score spread, and within the solver's bound.
        let old = 50_000 * s + 1;
        assert!(!scaled(penalty(old)) && exact(penalty(old)));
        // Uniform scores: P = 1.
        let p = fill_weight(50_000, s, 10_000, 0).unwrap();
        assert_eq!(p, 1);
        assert!(scaled(penalty(p)));
        // A spread of R = 90 with priorities up to 100 keeps costs scalable; R = 100 does
        // not (K·R·priority <= 2^60 / (nodes + 1)², ~9.5·10^7) but is solved exactly all the same.
        let p = fill_weight(50_000, s, 10_000, 90).unwrap();
        assert!(scaled(penalty(p)));
        let p = fill_weight(50_000, s, 10_000, 100).unwrap();
        assert!(!scaled(penalty(p)) && exact(penalty(p)));
        // The solver's bound: K·R·priority <= 2^60 / (nodes + 1), ~10^13.
        assert!(exact(10_480_914_025_261) && !exact(10_480_914_025_262));
    }

    #[test]
    fn solver_overflow_names_the_fill_weight_quantities() {
        // Scores up to 3,000,000 (large weights), a spread of 20,000,000: P = min(50,000 ×
        // 3·10^6, 10,000 × 2·10^7) + 1, and the penalty at priority 100 is past
        // 2^60 / 110,002 ≈ 1.05·10^13.
        let scale = Scale {
            s_max: 3_000_000,
            p: 150_000_000_001,
            penalties: Vec::new(),
            demand: 0,
            slots: 50_000,
            shifts: 10_000,
            range: 20_000_000,
            max_priority: 100,
        };
        let max_cost = 3_000_000 + 100 * 150_000_000_001;
        let err = scale.explain(MatchError::Solver(MatchingError::Overflow {
            nodes: 110_001,
            max_cost,
        }));
        assert_eq!(
            err,
            MatchError::SolverBound {
                nodes: 110_001,
                max_penalty: max_cost,
                slots: 50_000,
                shifts: 10_000,
                max_score: 3_000_000,
                score_range: 20_000_000,
                max_priority: 100,
                fill_weight: 150_000_000_001,
            }
        );
        assert_eq!(
            err.to_string(),
            "unfilled penalty 15000003000100 (score up to 3000000 + priority up to 100 × fill weight 150000000001 = min(50000 slots × 3000000, 10000 shifts × score range 20000000) + 1) on 110001 nodes exceeds the exact solver bound: expected penalty * (nodes + 1) <= 2^60; lower the priorities or the score weights, or split the instance"
        );
        // An overflow that the cost bound does not explain passes through unchanged.
        let other = MatchError::Solver(MatchingError::Overflow {
            nodes: 3,
            max_cost: 9,
        });
        assert_eq!(scale.explain(other.clone()), other);
    }

    /// `groups` qualifications; per group 100 volunteers holding it and 10 shifts (5 slots,
    /// three a day in distinct windows) requiring it: `100·groups` volunteers, `10·groups`
    /// shifts, 1,000 edges per group, all with the same score.
    fn sparse_instance(groups: u64) -> (QualificationGraph, MatchInput) {
        use crate::{QualificationGrant, QualificationId, QualificationKind};
        let mut g = QualificationGraph::new();
        let q = |k: u64| QualificationId::from_parts(9, k + 1);
        for k in 0..groups {
            g.add_kind(QualificationKind::new(q(k), "岗位资格", None).unwrap())
                .unwrap();
        }
        let granted = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let vols: Vec<Volunteer> = (0..groups * 100)
            .map(|i| {
                let mut v = vol(i + 1, 0, 0);
                v.add_qualification(
                    QualificationGrant::new(q(i % groups), granted, None, None).unwrap(),
                )
                .unwrap();
                v
            })
            .collect();
        let shifts: Vec<Shift> = (0..groups * 10)
            .map(|j| {
                let k = j / groups;
                let req = Requirements::builder()
                    .qualification(q(j % groups))
                    .build()
                    .unwrap();
                shift(j + 1, span((k / 3) as u32, (k % 3) as u32), 5, req)
            })
            .collect();
        let ids: Vec<ShiftId> = shifts.iter().map(Shift::id).collect();
        let mut input = MatchInput::new(vols, shifts, vec![activity()]).unwrap();
        for (j, id) in ids.into_iter().enumerate() {
            input = input.with_priority(id, 1 + (j as u32 % 100)).unwrap();
        }
        (g, input)
    }

    fn assert_sparse_instance_is_solved(groups: u64) {
        let (g, input) = sparse_instance(groups);
        let r = rules();
        let p = MatchPolicy::default();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let out = m.assign(&input, at()).unwrap();
        assert!(out.optimality().is_optimal());
        // 100 volunteers × 3 shifts per group cover its 10 × 5 slots.
        assert_eq!(out.placements().len() as u64, groups * 50);
        assert!(out.unfilled().is_empty());
    }

    #[test]
    fn a_sparse_uniform_instance_is_solved() {
        assert_sparse_instance_is_solved(3);
    }

    /// 100,000 volunteers × 10,000 shifts. Run in release:
    /// `cargo test --release --lib -- --ignored a_100k_by_10k_match_is_solved`.
    #[test]
    #[ignore = "100k × 10k: about 4 s in release (the candidate index prunes 999 of 1000 pairs)"]
    fn a_100k_by_10k_match_is_solved() {
        assert_sparse_instance_is_solved(1_000);
    }

    /// Times [`Matcher::repair`] after 1 % of the placed volunteers withdraw from the
    /// 100,000 × 10,000 instance, against a cold `assign` of the changed input. Run in release:
    /// `cargo test --release --lib timing_repair_100k -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing: cargo test --release --lib timing_repair_100k -- --ignored --nocapture"]
    fn timing_repair_100k_by_10k_after_1_percent_withdraw() {
        let (g, input) = sparse_instance(1_000);
        let r = rules();
        let p = MatchPolicy::default();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let t0 = std::time::Instant::now();
        let before = m.assign(&input, at()).unwrap();
        let assign_s = t0.elapsed().as_secs_f64();
        let mut placed: Vec<VolunteerId> = before
            .placements()
            .iter()
            .map(Placement::volunteer)
            .collect();
        placed.sort_unstable();
        placed.dedup();
        // Every hundredth placed volunteer withdraws.
        let gone: Vec<VolunteerId> = placed.iter().step_by(100).copied().collect();
        let mut changed = input.clone();
        for &v in &gone {
            changed.remove_volunteer(v).unwrap();
        }
        let t1 = std::time::Instant::now();
        let after = m.repair(&changed, &before, at()).unwrap();
        let repair_s = t1.elapsed().as_secs_f64();
        let t2 = std::time::Instant::now();
        let cold = m.assign(&changed, at()).unwrap();
        let cold_s = t2.elapsed().as_secs_f64();
        println!(
            "repair 100k x 10k: assign {assign_s:.2} s, {} withdrawn, repair {repair_s:.2} s ({} kept, {} changes), cold assign {cold_s:.2} s",
            gone.len(),
            after.kept(),
            after.changes().len()
        );
        let out = after.outcome();
        assert!(out.optimality().is_optimal());
        // Volunteers to spare: every slot is filled again, by volunteers still there, and
        // with uniform scores no remaining placement is worth moving.
        assert!(out.unfilled().is_empty());
        assert_eq!(out.placements().len(), cold.placements().len());
        assert!(
            out.placements()
                .iter()
                .all(|p| gone.binary_search(&p.volunteer()).is_err())
        );
        let lost = before
            .placements()
            .iter()
            .filter(|p| gone.binary_search(&p.volunteer()).is_ok())
            .count();
        assert_eq!(after.kept() as usize, before.placements().len() - lost);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn input_and_outcome_round_trip_through_json() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let v = vol(1, 0, 0);
        let s = shift(1, span(0, 0), 2, Requirements::none());
        let input = MatchInput::new(
            vec![v.clone(), vol(2, 1, 1)],
            vec![s.clone()],
            vec![activity()],
        )
        .unwrap()
        .with_priority(s.id(), 4)
        .unwrap()
        .with_profile(
            v.id(),
            VolunteerProfile::default().with_team(crate::TeamId::from_parts(3, 3)),
        )
        .unwrap()
        .with_held(
            v.id(),
            Commitment::new(ShiftId::from_parts(9, 9), span(1, 2)),
        )
        .unwrap()
        .with_pairing(
            crate::TeamId::from_parts(3, 3),
            "320115005".parse().unwrap(),
        );
        let json = serde_json::to_string(&input).unwrap();
        let back: MatchInput = serde_json::from_str(&json).unwrap();
        assert_eq!(back, input);
        let bad = json.replace("\"priority\":4", "\"priority\":0");
        assert!(serde_json::from_str::<MatchInput>(&bad).is_err());
        let out = m.assign(&input, at()).unwrap();
        let json = serde_json::to_string(&out).unwrap();
        assert!(
            json.contains("\"optimality\":{\"status\":\"optimal\"}"),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<MatchOutcome>(&json).unwrap(), out);
    }

    /// A quick timing of a 10k-volunteer × 1k-shift match (run with `--release --ignored`).
    #[test]
    #[ignore = "timing: cargo test --release --lib timing_10k -- --ignored --nocapture"]
    fn timing_10k_volunteers_by_1k_shifts() {
        let (g, r, p) = matcher_parts();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let vols: Vec<Volunteer> = (1..=10_000)
            .map(|i| vol(i, next(30) as i32 - 15, next(30) as i32 - 15))
            .collect();
        let req = Requirements::builder()
            .max_distance_m(8_000)
            .build()
            .unwrap();
        let shifts: Vec<Shift> = (1..=1_000)
            .map(|i| {
                let place = Location::new("320115005".parse().unwrap(), "点")
                    .unwrap()
                    .with_point(point(next(30) as i32 - 15, next(30) as i32 - 15));
                shift(
                    i,
                    span(next(3) as u32, next(3) as u32),
                    1 + next(10) as u32,
                    req.clone(),
                )
                .with_location(place)
            })
            .collect();
        let input = MatchInput::new(vols, shifts, vec![activity()]).unwrap();
        let one = MatchPolicy::default().with_max_shifts(1).unwrap();
        let m1 = Matcher::new(Eligibility::new(&g, &r), &one);
        for (label, matcher) in [("cap 3, window gadget", &m), ("cap 1, transportation", &m1)] {
            let t0 = std::time::Instant::now();
            let out = matcher.assign(&input, at()).unwrap();
            let placed = out.placements().len();
            let open: u32 = out.unfilled().values().sum();
            println!(
                "10k x 1k ({label}): {placed} placed, {open} unfilled, {}, {:.2} s",
                out.optimality(),
                t0.elapsed().as_secs_f64()
            );
            assert!(placed > 0);
            // Repair after 1 % of the placed volunteers withdraw.
            let mut after = input.clone();
            let gone: BTreeSet<VolunteerId> = out
                .placements()
                .iter()
                .map(Placement::volunteer)
                .step_by(100)
                .collect();
            for &v in &gone {
                after.remove_volunteer(v).unwrap();
            }
            let t1 = std::time::Instant::now();
            let fixed = matcher.repair(&after, &out, at()).unwrap();
            println!(
                "  repair after {} withdrawals: kept {}, {} changes, {:.2} s",
                gone.len(),
                fixed.kept(),
                fixed.changes().len(),
                t1.elapsed().as_secs_f64()
            );
        }
    }

    /// A point `dx_m` metres east and `dy_m` metres north of Lukou (about 9 µ° per metre of
    /// latitude and 10.56 µ° per metre of longitude at 31.7 °N).
    fn point_m(dx_m: i32, dy_m: i32) -> GeoPoint {
        GeoPoint::from_micro_degrees(31_700_000 + dy_m * 9, 118_860_000 + dx_m * 1056 / 100)
            .unwrap()
    }

    /// A realistic city-wide match: volunteers spread over 60 km × 60 km around Lukou, with
    /// birth dates 1950–2012 (minors included), 85 % real-name verified, 40 % holding a
    /// qualification (a 医师 ⊃ 护士 ⊃ 急救 hierarchy plus 9 others), 40 % with a weekly
    /// availability pattern, homes in 320115 or 320111 townships. Shifts sit at `shifts / 10`
    /// sites, ten each over a week (three windows a day), with a reach of 1.5–4 km, 30 %
    /// requiring a qualification, 20 % adults only, 10 % residents of 320115 only.
    fn city_instance(vols: u64, shifts: u64) -> (QualificationGraph, MatchInput) {
        use crate::{
            Availability, Jurisdiction, QualificationGrant, QualificationId, QualificationKind,
            StatusReason, TimeWindow, VerificationMethod,
        };
        use chrono::Weekday;
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let q = |k: u64| QualificationId::from_parts(9, k + 1);
        let mut g = QualificationGraph::new();
        for k in 0..12 {
            g.add_kind(QualificationKind::new(q(k), "岗位资格", None).unwrap())
                .unwrap();
        }
        g.add_includes(q(0), q(1)).unwrap(); // 医师 ⊃ 护士
        g.add_includes(q(1), q(2)).unwrap(); // 护士 ⊃ 急救
        let granted = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let verified_at = fx::at("2021-07-01T09:00:00+08:00");
        let whole = TimeWindow::from_minutes(0, 1440).unwrap();
        let evening = TimeWindow::from_minutes(18 * 60, 4 * 60).unwrap();
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        let weekdays = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ];
        let patterns: Vec<Availability> = {
            let mut weekend = Availability::never(cst);
            weekend.add_window(Weekday::Sat, whole);
            weekend.add_window(Weekday::Sun, whole);
            let mut evenings = Availability::never(cst);
            let mut workdays = Availability::never(cst);
            for d in weekdays {
                evenings.add_window(d, evening);
                workdays.add_window(d, whole);
            }
            vec![weekend, evenings, workdays]
        };
        let vols: Vec<Volunteer> = (1..=vols)
            .map(|n| {
                let (dx, dy) = (next(60_000) as i32 - 30_000, next(60_000) as i32 - 30_000);
                let birth = chrono::NaiveDate::from_ymd_opt(
                    1950 + next(63) as i32,
                    1 + next(12) as u32,
                    1 + next(28) as u32,
                )
                .unwrap();
                let town = if dx < -10_000 {
                    format!("320111{:03}", 1 + next(8))
                } else {
                    format!("320115{:03}", 1 + next(10))
                };
                let mut b = Volunteer::builder(
                    VolunteerId::from_parts(1, n),
                    VolunteerNo::new(&format!("JS-2021-{n:06}")).unwrap(),
                    PersonName::new("李四").unwrap(),
                    IdDocument::parse(Some(IdDocumentKind::Passport), &format!("E{n:08}")).unwrap(),
                )
                .birth_date(birth)
                .sex(crate::Sex::Female)
                .channel(crate::RegistrationChannel::WeChat)
                .home_division(town.parse::<DivisionCode>().unwrap())
                .home_point(point_m(dx, dy));
                let a = next(10);
                if a < 4 {
                    b = b.availability(patterns[(a % 3) as usize].clone());
                }
                let holds = next(10);
                if holds < 4 {
                    // Favour the medical hierarchy.
                    let k = if next(2) == 0 { next(3) } else { next(12) };
                    b = b
                        .qualification(QualificationGrant::new(q(k), granted, None, None).unwrap());
                }
                if holds == 0 {
                    let k = 3 + next(9);
                    b = b
                        .qualification(QualificationGrant::new(q(k), granted, None, None).unwrap());
                }
                let mut v = b.build().unwrap();
                match next(20) {
                    0..=16 => v
                        .verify(verified_at, VerificationMethod::OnlineIdentityCheck)
                        .unwrap(),
                    17 | 18 => {}
                    _ => v
                        .cancel(verified_at, StatusReason::new("moved away").unwrap())
                        .unwrap(),
                }
                v
            })
            .collect();
        let sites = shifts.div_ceil(10);
        let shifts: Vec<Shift> = (0..sites)
            .flat_map(|site| {
                let place = Location::new("320115005".parse().unwrap(), "服务点")
                    .unwrap()
                    .with_point(point_m(
                        next(60_000) as i32 - 30_000,
                        next(60_000) as i32 - 30_000,
                    ));
                let mut r = Requirements::builder().max_distance_m(1_500 + 500 * next(6) as u32);
                let kind = next(10);
                if kind < 3 {
                    r = r.qualification(q(if kind == 0 { next(12) } else { 2 }));
                }
                if next(5) == 0 {
                    r = r.age_rule(crate::AgeRule::AdultsOnly);
                }
                if next(10) == 0 {
                    r = r.jurisdiction(Jurisdiction::Required("320115".parse().unwrap()));
                }
                let req = r.build().unwrap();
                let first = next(7) as u32;
                let slots = 1 + next(8) as u32;
                (0..10_u64)
                    .map(|k| {
                        let day = first + k as u32 / 3;
                        let sp = fx::span(
                            &format!(
                                "2021-07-{:02}T{:02}:00:00+08:00",
                                21 + day,
                                [8, 13, 18][k as usize % 3]
                            ),
                            &format!(
                                "2021-07-{:02}T{:02}:00:00+08:00",
                                21 + day,
                                [12, 17, 22][k as usize % 3]
                            ),
                        );
                        shift(site * 10 + k + 1, sp, slots, req.clone())
                            .with_location(place.clone())
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        (g, MatchInput::new(vols, shifts, vec![activity()]).unwrap())
    }

    /// Times candidate generation (and, with `Reference::Brute`, checking every pair, which
    /// must give the same edges) and the whole match; returns the outcome.
    fn timed_match(
        label: &str,
        g: &QualificationGraph,
        r: &EligibilityPolicy,
        p: &MatchPolicy,
        input: &MatchInput,
        reference: Reference,
    ) -> MatchOutcome {
        let m = Matcher::new(Eligibility::new(g, r), p);
        let pairs = input.volunteers().len() * input.shifts().len();
        let t0 = std::time::Instant::now();
        let (edges, _) = m.candidates(input, at(), &BTreeSet::new());
        let t_cand = t0.elapsed().as_secs_f64();
        let caps: Vec<u32> = input.volunteers.iter().map(|v| input.cap(p, v)).collect();
        let mut through = 0_u64;
        CandidateIndex::new(m.eligibility, &input.volunteers, &caps).for_each_candidate(
            &input.shifts,
            |s| input.activity(s.activity()),
            at(),
            |_, _| through += 1,
        );
        // Thousandths of a per cent.
        let pruned = (pairs as u64 - through) * 100_000 / (pairs as u64).max(1);
        println!(
            "{label}: {pairs} pairs, {through} through the index ({}.{:03} % pruned), {} edges, candidates {t_cand:.2} s",
            pruned / 1000,
            pruned % 1000,
            edges.len()
        );
        if reference == Reference::Brute {
            let t = std::time::Instant::now();
            let (brute, _) = m.candidates_brute(input, at(), &BTreeSet::new());
            println!(
                "{label}: checking every pair {:.2} s",
                t.elapsed().as_secs_f64()
            );
            assert!(same_edges(&edges, &brute));
        }
        let t1 = std::time::Instant::now();
        let out = m.assign(input, at()).unwrap();
        println!(
            "{label}: assign {:.2} s: {} placed, {} unfilled, {}",
            t1.elapsed().as_secs_f64(),
            out.placements().len(),
            out.unfilled().values().sum::<u32>(),
            out.optimality(),
        );
        out
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Reference {
        Brute,
        Skip,
    }

    /// Same pairs in the same order with the same scores.
    fn same_edges(a: &[Edge], b: &[Edge]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x.v, x.s, &x.score) == (y.v, y.s, &y.score))
    }

    #[test]
    fn a_small_city_instance_is_solved() {
        let (g, input) = city_instance(2_000, 200);
        let out = timed_match(
            "city 2k x 200",
            &g,
            &EligibilityPolicy::default(),
            &MatchPolicy::default(),
            &input,
            Reference::Brute,
        );
        let r = EligibilityPolicy::default();
        let p = MatchPolicy::default();
        let m = Matcher::new(Eligibility::new(&g, &r), &p);
        assert_feasible(&m, &input, &out, &p);
        assert!(!out.placements().is_empty());
    }

    /// 20,000 volunteers × 2,000 shifts, city-wide (run in release with `--ignored --nocapture`).
    #[test]
    #[ignore = "timing: cargo test --release --lib timing_city_20k -- --ignored --nocapture"]
    fn timing_city_20k_by_2k() {
        let (g, input) = city_instance(20_000, 2_000);
        let out = timed_match(
            "city 20k x 2k",
            &g,
            &EligibilityPolicy::default(),
            &MatchPolicy::default(),
            &input,
            Reference::Brute,
        );
        assert!(!out.placements().is_empty());
        let (rules, policy) = (EligibilityPolicy::default(), MatchPolicy::default());
        let m = Matcher::new(Eligibility::new(&g, &rules), &policy);
        let t = std::time::Instant::now();
        let losers = m.passed_over(&input, &out, at());
        let t_indexed = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        let brute = m.passed_over_brute(&input, &out, at());
        println!(
            "city 20k x 2k: passed_over {t_indexed:.2} s through the index, {:.2} s checking every pair ({} losers)",
            t.elapsed().as_secs_f64(),
            losers.len()
        );
        assert_eq!(losers, brute);
    }

    /// One `recommend_volunteers` (k = 10) and one `recommend_shifts` call at 20,000
    /// volunteers × 2,000 shifts, city-wide, then the mean of 100 calls each over shifts and
    /// volunteers spread through the input; each through the shift screen and by checking
    /// every volunteer (resp. shift), which must agree. Also times what building a
    /// [`CandidateIndex`] for the one query would cost, and the scarcity count (over every
    /// volunteer) that scoring needs (run in release with `--ignored --nocapture`).
    #[test]
    #[ignore = "timing: cargo test --release --lib timing_recommend_city_20k -- --ignored --nocapture"]
    fn timing_recommend_city_20k_by_2k() {
        use std::time::Instant;
        let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
        let (g, input) = city_instance(20_000, 2_000);
        let (rules, policy) = (EligibilityPolicy::default(), MatchPolicy::default());
        let m = Matcher::new(Eligibility::new(&g, &rules), &policy);
        let activity = |s: &Shift| input.activity(s.activity());
        let shifts: Vec<ShiftId> = input.shifts().iter().step_by(20).map(Shift::id).collect();
        let vols: Vec<VolunteerId> = input
            .volunteers()
            .iter()
            .step_by(200)
            .map(Volunteer::id)
            .collect();
        // The one call: the first sampled shift and volunteer with something to recommend.
        let shift = shifts
            .iter()
            .copied()
            .find(|&s| {
                !m.recommend_volunteers(&input, s, 10, at())
                    .unwrap()
                    .is_empty()
            })
            .unwrap();
        let volunteer = vols
            .iter()
            .copied()
            .find(|&v| !m.recommend_shifts(&input, v, at()).unwrap().is_empty())
            .unwrap();

        let t = Instant::now();
        let scarcity = Scarcity::new(input.volunteers.iter());
        let t_scarcity = ms(t);
        drop(scarcity);
        println!("city 20k x 2k: scarcity count over every volunteer {t_scarcity:.2} ms");

        let t = Instant::now();
        let one = m.recommend_volunteers(&input, shift, 10, at()).unwrap();
        let t_fast = ms(t);
        let t = Instant::now();
        let brute = m
            .recommend_volunteers_brute(&input, shift, 10, at())
            .unwrap();
        let t_brute = ms(t);
        assert_eq!(one, brute);
        let t = Instant::now();
        let everyone = vec![1_u32; input.volunteers.len()];
        let mut through = 0_u32;
        let si = input.shift_index(shift).unwrap();
        CandidateIndex::new(m.eligibility, &input.volunteers, &everyone).for_each_candidate(
            &input.shifts[si..=si],
            activity,
            at(),
            |_, _| through += 1,
        );
        let t_index = ms(t);
        println!(
            "city 20k x 2k: recommend_volunteers one call {t_fast:.2} ms screened, {t_brute:.2} ms checking every volunteer ({} found); a candidate index for it alone {t_index:.2} ms ({through} through)",
            one.len()
        );
        let t = Instant::now();
        let fast: Vec<_> = shifts
            .iter()
            .map(|&s| m.recommend_volunteers(&input, s, 10, at()).unwrap())
            .collect();
        let t_fast = ms(t) / f64::from(u32::try_from(shifts.len()).unwrap());
        let t = Instant::now();
        let brute: Vec<_> = shifts
            .iter()
            .map(|&s| m.recommend_volunteers_brute(&input, s, 10, at()).unwrap())
            .collect();
        let t_brute = ms(t) / f64::from(u32::try_from(shifts.len()).unwrap());
        assert_eq!(fast, brute);
        println!(
            "city 20k x 2k: recommend_volunteers mean of {} calls {t_fast:.2} ms screened, {t_brute:.2} ms checking every volunteer ({} found)",
            shifts.len(),
            fast.iter().map(Vec::len).sum::<usize>()
        );

        let t = Instant::now();
        let one = m.recommend_shifts(&input, volunteer, at()).unwrap();
        let t_fast = ms(t);
        let t = Instant::now();
        let brute = m.recommend_shifts_brute(&input, volunteer, at()).unwrap();
        let t_brute = ms(t);
        assert_eq!(one, brute);
        let t = Instant::now();
        let mut through = 0_u32;
        let vi = input.volunteer_index(volunteer).unwrap();
        CandidateIndex::new(m.eligibility, &input.volunteers[vi..=vi], &[1]).for_each_candidate(
            &input.shifts,
            activity,
            at(),
            |_, _| through += 1,
        );
        let t_index = ms(t);
        println!(
            "city 20k x 2k: recommend_shifts one call {t_fast:.2} ms screened, {t_brute:.2} ms checking every shift ({} found); a candidate index of that volunteer {t_index:.2} ms ({through} through)",
            one.len()
        );
        let t = Instant::now();
        let fast: Vec<_> = vols
            .iter()
            .map(|&v| m.recommend_shifts(&input, v, at()).unwrap())
            .collect();
        let t_fast = ms(t) / f64::from(u32::try_from(vols.len()).unwrap());
        let t = Instant::now();
        let brute: Vec<_> = vols
            .iter()
            .map(|&v| m.recommend_shifts_brute(&input, v, at()).unwrap())
            .collect();
        let t_brute = ms(t) / f64::from(u32::try_from(vols.len()).unwrap());
        assert_eq!(fast, brute);
        println!(
            "city 20k x 2k: recommend_shifts mean of {} calls {t_fast:.2} ms screened, {t_brute:.2} ms checking every shift ({} found)",
            vols.len(),
            fast.iter().map(Vec::len).sum::<usize>()
        );
    }

    /// 20,000 volunteers × 2,000 shifts of the sparse uniform instance.
    #[test]
    #[ignore = "timing: cargo test --release --lib timing_sparse_20k -- --ignored --nocapture"]
    fn timing_sparse_20k_by_2k() {
        let (g, input) = sparse_instance(200);
        let out = timed_match(
            "sparse 20k x 2k",
            &g,
            &rules(),
            &MatchPolicy::default(),
            &input,
            Reference::Brute,
        );
        assert_eq!(out.placements().len(), 200 * 50);
    }

    /// 100,000 volunteers × 10,000 shifts, city-wide. Run in release:
    /// `cargo test --release --lib -- --ignored a_city_100k_by_10k --nocapture`.
    #[test]
    #[ignore = "100k × 10k city-wide: minutes in release"]
    fn a_city_100k_by_10k_match_is_solved() {
        let (g, input) = city_instance(100_000, 10_000);
        let out = timed_match(
            "city 100k x 10k",
            &g,
            &EligibilityPolicy::default(),
            // Up to three shifts each, one per window: the window gadget makes 910k nodes,
            // past the bound of costs scaled by nodes + 1 for these penalties; the solver
            // scales them by a smaller factor and finishes exactly.
            &MatchPolicy::default(),
            &input,
            Reference::Skip,
        );
        assert!(out.optimality().is_optimal());
        assert!(!out.placements().is_empty());
    }

    #[cfg(feature = "proptest")]
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The candidate index changes nothing: the same edges, in the same order, with the
        /// same scores (keep bonus included) as checking every pair.
        #[test]
        fn indexed_candidates_equal_checking_every_pair(
            sc in super::super::candidates::tests::scenario::scenario()
        ) {
            let m = Matcher::new(Eligibility::new(&sc.graph, &sc.rules), &sc.policy);
            let keep: BTreeSet<(u32, u32)> = sc.keep.iter().copied().collect();
            let (edges, caps) = m.candidates(&sc.input, sc.at, &keep);
            let (brute, brute_caps) = m.candidates_brute(&sc.input, sc.at, &keep);
            prop_assert_eq!(caps, brute_caps);
            prop_assert!(
                same_edges(&edges, &brute),
                "indexed {:?}\nbrute   {:?}",
                edges.iter().map(|e| (e.v, e.s)).collect::<Vec<_>>(),
                brute.iter().map(|e| (e.v, e.s)).collect::<Vec<_>>()
            );
        }

        /// The screened search for shortage fixes gives the hints of checking every
        /// volunteer, for every shift and a few numbers of open slots (one nearest volunteer
        /// beyond the limit, two, three, all).
        #[test]
        fn screened_fixes_equal_checking_every_volunteer(
            sc in super::super::candidates::tests::scenario::scenario()
        ) {
            let m = Matcher::new(Eligibility::new(&sc.graph, &sc.rules), &sc.policy);
            let mut near = NearMisses::new(&sc.input.volunteers);
            for s in 0..sc.input.shifts.len() {
                for open in [1, 2, 3, 100] {
                    prop_assert_eq!(
                        m.fixes_for(&sc.input, s, open, sc.at, &mut near),
                        m.fixes_for_every(&sc.input, s, open, sc.at),
                        "shift {}, {} open", s, open
                    );
                }
            }
        }

        /// The near-miss check behind shortage fixes reports the only failure of the full
        /// check, and nothing when the full check passes or fails two rules or more.
        #[test]
        fn single_failure_is_the_full_checks_only_failure(
            sc in super::super::candidates::tests::scenario::scenario()
        ) {
            let e = Eligibility::new(&sc.graph, &sc.rules);
            for v in sc.input.volunteers() {
                for s in sc.input.shifts() {
                    let Some(a) = sc.input.activity(s.activity()) else { continue };
                    let (held, with) = (sc.input.held(v.id()), sc.input.accompaniment(v.id()));
                    let full = e.check(v, s, a, held, sc.at, with);
                    let want = match full.failures() {
                        [only] => Some(only.clone()),
                        _ => None,
                    };
                    prop_assert_eq!(e.single_failure(v, s, a, held, sc.at, with), want);
                }
            }
        }

        /// `passed_over` through the candidate index lists the same losers, in the same order,
        /// with the same reasons, as checking every pair.
        #[test]
        fn passed_over_equals_checking_every_pair(
            sc in super::super::candidates::tests::scenario::scenario()
        ) {
            let m = Matcher::new(Eligibility::new(&sc.graph, &sc.rules), &sc.policy);
            let out = m.assign(&sc.input, sc.at);
            prop_assume!(out.is_ok());
            let out = out.unwrap();
            let indexed = m.passed_over(&sc.input, &out, sc.at);
            let brute = m.passed_over_brute(&sc.input, &out, sc.at);
            prop_assert_eq!(indexed, brute);
        }

        /// `recommend_volunteers` through the shift screen recommends the same volunteers, in
        /// the same order, with the same scores, as checking every volunteer, for every shift
        /// and any `k`; an unknown shift is the same error.
        #[test]
        fn recommend_volunteers_equals_checking_every_volunteer(
            sc in super::super::candidates::tests::scenario::scenario(),
            k in 0_usize..12,
        ) {
            let m = Matcher::new(Eligibility::new(&sc.graph, &sc.rules), &sc.policy);
            let unknown = ShiftId::from_parts(99, 99);
            for s in sc.input.shifts().iter().map(Shift::id).chain([unknown]) {
                let screened = m.recommend_volunteers(&sc.input, s, k, sc.at);
                let brute = m.recommend_volunteers_brute(&sc.input, s, k, sc.at);
                prop_assert_eq!(screened, brute);
            }
            prop_assert_eq!(
                m.recommend_volunteers(&sc.input, unknown, k, sc.at),
                Err(MatchError::UnknownShift { shift: unknown })
            );
        }

        /// `recommend_shifts` through the shift screen recommends the same shifts, in the same
        /// order, with the same scores, as checking every shift, for every volunteer; an
        /// unknown volunteer is the same error.
        #[test]
        fn recommend_shifts_equals_checking_every_shift(
            sc in super::super::candidates::tests::scenario::scenario()
        ) {
            let m = Matcher::new(Eligibility::new(&sc.graph, &sc.rules), &sc.policy);
            let unknown = VolunteerId::from_parts(99, 99);
            for v in sc.input.volunteers().iter().map(Volunteer::id).chain([unknown]) {
                let screened = m.recommend_shifts(&sc.input, v, sc.at);
                let brute = m.recommend_shifts_brute(&sc.input, v, sc.at);
                prop_assert_eq!(screened, brute);
            }
            prop_assert_eq!(
                m.recommend_shifts(&sc.input, unknown, sc.at),
                Err(MatchError::UnknownVolunteer { volunteer: unknown })
            );
        }
    }
}
