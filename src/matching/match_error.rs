//! Errors of domain matching (volunteers → shifts, teams → jurisdictions).

use crate::{ActivityId, DivisionCode, ShiftId, TeamId, VolunteerId};

use super::MatchingError;

/// Returned when a match input, policy or pairing request is invalid, or when the instance is
/// too large for the exact integer objective.
///
/// # Example
/// ```
/// use volunteer_service::matching::{MatchError, MatchPolicy};
/// let err = MatchPolicy::default().with_max_shifts(0).unwrap_err();
/// assert!(matches!(err, MatchError::InvalidPolicy { field: "max_shifts", .. }));
/// assert_eq!(err.to_string(), "match policy field max_shifts = 0: must be positive");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MatchError {
    /// A policy or profile value is out of range.
    #[error("match policy field {field} = {value}: {rule}")]
    InvalidPolicy {
        /// The field.
        field: &'static str,
        /// The rejected value.
        value: u64,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// The same volunteer appears twice in a match input.
    #[error("volunteer {volunteer} is given twice: expected each volunteer once")]
    DuplicateVolunteer {
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// The same shift appears twice in a match input.
    #[error("shift {shift} is given twice: expected each shift once")]
    DuplicateShift {
        /// The shift.
        shift: ShiftId,
    },
    /// A shift's activity is missing from the match input.
    #[error("shift {shift} belongs to activity {activity}, which is not in the input")]
    UnknownActivity {
        /// The shift.
        shift: ShiftId,
        /// Its activity.
        activity: ActivityId,
    },
    /// A volunteer id is not in the match input.
    #[error("volunteer {volunteer} is not in the match input")]
    UnknownVolunteer {
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// A shift id is not in the match input.
    #[error("shift {shift} is not in the match input")]
    UnknownShift {
        /// The shift.
        shift: ShiftId,
    },
    /// A shift priority is outside `1..=100`.
    #[error("shift {shift} has priority {priority}: expected 1..=100")]
    InvalidPriority {
        /// The shift.
        shift: ShiftId,
        /// The rejected priority.
        priority: u32,
    },
    /// The lexicographic objective (fill first, then score) does not fit exact `i64` costs.
    #[error(
        "{slots} slots with scores up to {max_score} and priorities up to {max_priority} overflow the exact objective: split the instance or lower the weights"
    )]
    TooLarge {
        /// Slots that can be filled at most.
        slots: u64,
        /// The largest edge score.
        max_score: i64,
        /// The largest priority.
        max_priority: u32,
    },
    /// The fill-first penalties are too large for the exact solver on a network this size:
    /// the largest penalty `max_score + max_priority × fill_weight`, with `fill_weight =
    /// min(slots × max_score, shifts × score_range) + 1`, times `nodes + 1` exceeds `2^60`.
    #[error(
        "unfilled penalty {max_penalty} (score up to {max_score} + priority up to {max_priority} × fill weight {fill_weight} = min({slots} slots × {max_score}, {shifts} shifts × score range {score_range}) + 1) on {nodes} nodes exceeds the exact solver bound: expected penalty * (nodes + 1) <= 2^60; lower the priorities or the score weights, or split the instance"
    )]
    SolverBound {
        /// Nodes of the solver's network.
        nodes: usize,
        /// The largest unfilled penalty, `max_score + max_priority × fill_weight`.
        max_penalty: i64,
        /// Slots that can be filled at most (`T`).
        slots: u64,
        /// Shifts with at least one candidate (`K`).
        shifts: u64,
        /// The largest edge score (`S`).
        max_score: i64,
        /// The largest minus the smallest edge score (`R`).
        score_range: i64,
        /// The largest priority.
        max_priority: u32,
        /// The weight of one unit of priority-weighted fill, `P = min(T·S, K·R) + 1`.
        fill_weight: i64,
    },
    /// A team is given twice in a pairing request.
    #[error("team {team} is given twice: expected each team once")]
    DuplicateTeam {
        /// The team.
        team: TeamId,
    },
    /// A jurisdiction is given twice in a pairing request.
    #[error("jurisdiction {division} is given twice: expected each jurisdiction once")]
    DuplicateJurisdiction {
        /// The division.
        division: DivisionCode,
    },
    /// A pairing request asks for more pairings than the teams can take.
    #[error("{requested} pairings requested: the teams can take at most {capacity}")]
    PairingCapacity {
        /// Pairings asked for.
        requested: u64,
        /// Σ team capacities.
        capacity: u64,
    },
    /// The fill-first penalty of a pairing request (结对) is too large for the exact solver on
    /// a network this size: the penalty `max_score + fill_weight`, with `fill_weight =
    /// min((pairings − 1) × max_score, (exchange − 1) × score_range) + 1`, times `nodes + 1`
    /// exceeds `2^60`.
    #[error(
        "pairing penalty {penalty} (score up to {max_score} + fill weight {fill_weight} = min(({pairings} pairings - 1) × {max_score}, ({exchange} exchangeable teams or jurisdictions - 1) × score range {score_range}) + 1) on {nodes} nodes exceeds the exact solver bound: expected penalty * (nodes + 1) <= 2^60; lower the score weights, or split the request"
    )]
    PairingBound {
        /// Nodes of the solver's network (teams + jurisdictions + 1).
        nodes: usize,
        /// The penalty of an unfilled quota place, `max_score + fill_weight`.
        penalty: i64,
        /// Pairings to make (`T`).
        pairings: u64,
        /// The smaller of the jurisdictions with a positive quota and the teams with a
        /// positive capacity (`K`).
        exchange: u64,
        /// The largest pair score (`S`).
        max_score: i64,
        /// The largest minus the smallest score of the pairs that can be made (`R`).
        score_range: i64,
        /// The weight of one more pairing, `P = min((T − 1)·S, (K − 1)·R) + 1`.
        fill_weight: i64,
    },
    /// The exact solver rejected the network.
    #[error(transparent)]
    Solver(#[from] MatchingError),
}
