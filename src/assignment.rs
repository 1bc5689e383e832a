//! Sign-ups, offers and the waitlist of a set of shifts: the roster.
//!
//! Nobody is assigned by force (DEF-06): a place is held only by a volunteer's own sign-up
//! (which is their acceptance) or by an organiser's offer that the volunteer then
//! [`accept`](Roster::accept)s. There is no other way onto a shift.
//!
//! Whatever the order of commands, a roster guarantees:
//! - a shift never has more places held (offered or accepted) than its slots;
//! - a volunteer never holds two overlapping shifts (touching shifts are fine);
//! - nobody is confirmed on a shift of a hazardous activity until insurance covering the
//!   shift's days is attached (FIT-03);
//! - a rejected command changes nothing, and each accepted command bumps the version by one
//!   and appends past-tense events.

use core::fmt;
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::{
    ActivityError, ActivityId, AssignmentId, Shift, ShiftId, ShiftLookup, SignUpIndex, VolunteerId,
};

/// Returned when a roster command is refused. The roster is unchanged.
///
/// # Example
/// ```
/// use volunteer_service::{RosterError, ShiftId};
/// let e = RosterError::Full { shift: ShiftId::from_parts(0, 0), slots: 3 };
/// assert_eq!(
///     e.to_string(),
///     "shift 00000000-0000-7000-8000-000000000000 has 3 slots taken: capacity 3 reached"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RosterError {
    /// The command expected another roster version (optimistic concurrency).
    #[error("roster is at version {actual}: the command expected version {expected}")]
    VersionConflict {
        /// The version the command expected.
        expected: u64,
        /// The roster's version.
        actual: u64,
    },
    /// The shift is not in the lookup.
    #[error("shift {shift} is unknown")]
    UnknownShift {
        /// The shift.
        shift: ShiftId,
    },
    /// The shift's activity is not in the lookup.
    #[error("activity {activity} of shift {shift} is unknown")]
    UnknownActivity {
        /// The shift.
        shift: ShiftId,
        /// The activity.
        activity: ActivityId,
    },
    /// The assignment is not in the roster.
    #[error("assignment {assignment} is not in the roster")]
    UnknownAssignment {
        /// The assignment.
        assignment: AssignmentId,
    },
    /// The shift has started (or ended): sign-ups, offers, acceptances and withdrawals are
    /// closed (FIT-07).
    #[error("shift {shift} started at {start}: cannot {action} at {at}")]
    Started {
        /// The shift.
        shift: ShiftId,
        /// Its start.
        start: DateTime<FixedOffset>,
        /// The command's instant.
        at: DateTime<FixedOffset>,
        /// The refused action.
        action: RosterAction,
    },
    /// A no-show can only be recorded once the shift has started.
    #[error("shift {shift} starts at {start}: cannot record a no-show at {at}")]
    NotStarted {
        /// The shift.
        shift: ShiftId,
        /// Its start.
        start: DateTime<FixedOffset>,
        /// The command's instant.
        at: DateTime<FixedOffset>,
    },
    /// The volunteer already holds or waits for a place on the shift.
    #[error("volunteer {volunteer} already has assignment {assignment} on shift {shift}")]
    AlreadyOnShift {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The shift.
        shift: ShiftId,
        /// The existing assignment.
        assignment: AssignmentId,
    },
    /// The volunteer holds an overlapping shift.
    #[error("volunteer {volunteer} holds shift {other}, which overlaps shift {shift}")]
    Overlap {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The requested shift.
        shift: ShiftId,
        /// The held, overlapping shift.
        other: ShiftId,
    },
    /// Every place is held: offers cannot be waitlisted.
    #[error("shift {shift} has {slots} slots taken: capacity {slots} reached")]
    Full {
        /// The shift.
        shift: ShiftId,
        /// Its slots.
        slots: u32,
    },
    /// The activity is hazardous and not (fully) insured (FIT-03).
    #[error("shift {shift} cannot confirm volunteers: {source}")]
    Insurance {
        /// The shift.
        shift: ShiftId,
        /// The insurance problem.
        source: ActivityError,
    },
    /// The assignment's state does not allow the action.
    #[error("assignment {assignment} is {status}: cannot {action}")]
    IllegalTransition {
        /// The assignment.
        assignment: AssignmentId,
        /// Its state.
        status: AssignmentStatus,
        /// The refused action.
        action: RosterAction,
    },
    /// Replaying stored events produced different events: the log does not match the shifts.
    #[error("replayed roster event {seq} differs from the stored one")]
    ReplayMismatch {
        /// The first differing sequence number.
        seq: u64,
    },
    /// A withdrawal reason is blank or over 500 characters (FIT-07).
    #[error("withdrawal reason for assignment {assignment} is blank or longer than 500 characters")]
    Reason {
        /// The assignment.
        assignment: AssignmentId,
    },
}

/// A roster command, named in errors.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Roster, RosterAction, RosterError, VolunteerId};
/// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
/// let mut roster = Roster::new();
/// // Signing up after the shift started (08:00) names the refused action.
/// let err = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 1), doc_fixtures::at("2021-07-21T09:00:00+08:00"), None).unwrap_err();
/// assert!(matches!(err, RosterError::Started { action: RosterAction::SignUp, .. }));
/// assert_eq!(RosterAction::RecordNoShow.to_string(), "record a no-show");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum RosterAction {
    /// [`Roster::sign_up`].
    SignUp,
    /// [`Roster::offer`].
    Offer,
    /// [`Roster::accept`].
    Accept,
    /// [`Roster::decline`].
    Decline,
    /// [`Roster::withdraw`].
    Withdraw,
    /// [`Roster::record_no_show`].
    RecordNoShow,
}

impl fmt::Display for RosterAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SignUp => "sign up",
            Self::Offer => "offer",
            Self::Accept => "accept",
            Self::Decline => "decline",
            Self::Withdraw => "withdraw",
            Self::RecordNoShow => "record a no-show",
        })
    }
}

/// The state of an assignment.
///
/// Serialised as `"offered"`, `"accepted"`, `{"withdrawn": {"reason", "at"}}`,
/// `{"declined": {"at"}}`, `{"no_show": {"at"}}` or `{"waitlisted": {"position": n}}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, AssignmentState, Roster, VolunteerId};
/// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
/// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
/// let mut roster = Roster::new();
/// let a = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 1), at, None)?.assignment;
/// roster.withdraw(&cal, a, "feverish", at, None)?;
/// assert_eq!(roster.assignment(a).map(|x| x.state()), Some(&AssignmentState::Withdrawn { reason: "feverish".to_owned(), at }));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum AssignmentState {
    /// An organiser offered the place; it is held until the volunteer accepts or declines.
    Offered,
    /// The volunteer holds the place (signed up, accepted an offer, or was promoted).
    Accepted,
    /// The volunteer withdrew before the start (FIT-07).
    Withdrawn {
        /// Why.
        reason: String,
        /// When.
        at: DateTime<FixedOffset>,
    },
    /// The volunteer declined an offer.
    Declined {
        /// When.
        at: DateTime<FixedOffset>,
    },
    /// The volunteer did not turn up.
    NoShow {
        /// When it was recorded.
        at: DateTime<FixedOffset>,
    },
    /// Waiting for a place; 1 is next.
    Waitlisted {
        /// The 1-based place in the queue.
        position: u32,
    },
}

impl AssignmentState {
    /// The state without its data.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{AssignmentState, AssignmentStatus};
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// let mut roster = Roster::new();
    /// let a = roster.sign_up(&cal, shift, zhang, at, None)?.assignment;
    /// assert_eq!(roster.assignment(a).map(|x| x.state().status()), Some(AssignmentStatus::Accepted));
    /// assert_eq!(AssignmentState::Waitlisted { position: 2 }.status(), AssignmentStatus::Waitlisted);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn status(&self) -> AssignmentStatus {
        match self {
            Self::Offered => AssignmentStatus::Offered,
            Self::Accepted => AssignmentStatus::Accepted,
            Self::Withdrawn { .. } => AssignmentStatus::Withdrawn,
            Self::Declined { .. } => AssignmentStatus::Declined,
            Self::NoShow { .. } => AssignmentStatus::NoShow,
            Self::Waitlisted { .. } => AssignmentStatus::Waitlisted,
        }
    }

    /// Whether the assignment holds a place (offered or accepted).
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// let mut roster = Roster::new();
    /// let first = roster.sign_up(&cal, shift, zhang, at, None)?.assignment;
    /// let second = roster.sign_up(&cal, shift, li, at, None)?.assignment; // the shift is full
    /// assert!(roster.assignment(first).unwrap().state().holds_place());
    /// assert!(!roster.assignment(second).unwrap().state().holds_place()); // waitlisted
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn holds_place(&self) -> bool {
        matches!(self, Self::Offered | Self::Accepted)
    }
}

/// The kind of an [`AssignmentState`].
///
/// # Example
/// ```
/// use volunteer_service::{AssignmentState, AssignmentStatus};
/// assert_eq!(AssignmentState::Offered.status(), AssignmentStatus::Offered);
/// assert_eq!(AssignmentStatus::NoShow.to_string(), "a no-show");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum AssignmentStatus {
    /// See [`AssignmentState::Offered`].
    Offered,
    /// See [`AssignmentState::Accepted`].
    Accepted,
    /// See [`AssignmentState::Withdrawn`].
    Withdrawn,
    /// See [`AssignmentState::Declined`].
    Declined,
    /// See [`AssignmentState::NoShow`].
    NoShow,
    /// See [`AssignmentState::Waitlisted`].
    Waitlisted,
}

impl fmt::Display for AssignmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Offered => "offered",
            Self::Accepted => "accepted",
            Self::Withdrawn => "withdrawn",
            Self::Declined => "declined",
            Self::NoShow => "a no-show",
            Self::Waitlisted => "waitlisted",
        })
    }
}

/// A volunteer's place (or wait for one) on a shift.
///
/// Serialised as `{"id", "shift", "volunteer", "state"}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, AssignmentStatus, Roster, VolunteerId};
/// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
/// let mut roster = Roster::new();
/// let v = VolunteerId::from_parts(1, 1);
/// let out = roster.sign_up(&cal, shift, v, doc_fixtures::at("2021-07-20T09:00:00+08:00"), None)?;
/// let a = roster.assignment(out.assignment).unwrap();
/// assert_eq!((a.id(), a.shift(), a.volunteer(), a.state().status()), (out.assignment, shift, v, AssignmentStatus::Accepted));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Assignment {
    id: AssignmentId,
    shift: ShiftId,
    volunteer: VolunteerId,
    state: AssignmentState,
}

impl Assignment {
    /// The identifier.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// let mut roster = Roster::new();
    /// let out = roster.sign_up(&cal, shift, zhang, at, None)?;
    /// assert_eq!(roster.assignment(out.assignment).map(|a| a.id()), Some(out.assignment));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn id(&self) -> AssignmentId {
        self.id
    }
    /// The shift.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// let mut roster = Roster::new();
    /// let out = roster.sign_up(&cal, shift, zhang, at, None)?;
    /// assert_eq!(roster.assignment(out.assignment).map(|a| a.shift()), Some(shift));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn shift(&self) -> ShiftId {
        self.shift
    }
    /// The volunteer.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// let mut roster = Roster::new();
    /// let out = roster.sign_up(&cal, shift, zhang, at, None)?;
    /// assert_eq!(roster.assignment(out.assignment).map(|a| a.volunteer()), Some(zhang));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// The state.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::AssignmentState;
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// let mut roster = Roster::new();
    /// roster.sign_up(&cal, shift, zhang, at, None)?;
    /// let waiting = roster.sign_up(&cal, shift, li, at, None)?.assignment;
    /// assert_eq!(roster.assignment(waiting).map(|a| a.state()), Some(&AssignmentState::Waitlisted { position: 1 }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn state(&self) -> &AssignmentState {
        &self.state
    }
}

/// What happened on a roster, in the past tense.
///
/// Serialised as `{"signed_up": {"assignment", "shift", "volunteer"}}` and so on.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Roster, RosterEventKind, VolunteerId};
/// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
/// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
/// let mut roster = Roster::new();
/// let offer = roster.offer(&cal, shift, VolunteerId::from_parts(1, 1), at, None)?;
/// roster.decline(&cal, offer, at, None)?;
/// assert_eq!(roster.events()[1].kind, RosterEventKind::OfferDeclined { assignment: offer });
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum RosterEventKind {
    /// A volunteer signed up and holds a place.
    SignedUp {
        /// The new assignment.
        assignment: AssignmentId,
        /// The shift.
        shift: ShiftId,
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// A volunteer signed up for a full shift and joined its waitlist.
    Waitlisted {
        /// The new assignment.
        assignment: AssignmentId,
        /// The shift.
        shift: ShiftId,
        /// The volunteer.
        volunteer: VolunteerId,
        /// The 1-based place in the queue when joining.
        position: u32,
    },
    /// An organiser offered a place.
    Offered {
        /// The new assignment.
        assignment: AssignmentId,
        /// The shift.
        shift: ShiftId,
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// The volunteer accepted an offer.
    OfferAccepted {
        /// The assignment.
        assignment: AssignmentId,
    },
    /// The volunteer declined an offer.
    OfferDeclined {
        /// The assignment.
        assignment: AssignmentId,
    },
    /// The volunteer withdrew (from a place or from the waitlist).
    Withdrew {
        /// The assignment.
        assignment: AssignmentId,
        /// Why.
        reason: String,
    },
    /// A waitlisted volunteer got a freed place.
    Promoted {
        /// The assignment.
        assignment: AssignmentId,
        /// The shift.
        shift: ShiftId,
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// The volunteer did not turn up.
    NoShowRecorded {
        /// The assignment.
        assignment: AssignmentId,
    },
}

/// One roster event with its sequence number and instant.
///
/// Serialised as `{"seq": n, "at": "<rfc3339>", "kind": …}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Roster, VolunteerId};
/// let (cal, shift) = doc_fixtures::calendar_with_shift(2);
/// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
/// let mut roster = Roster::new();
/// roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 1), at, None)?;
/// roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 2), at, None)?;
/// let seqs: Vec<u64> = roster.events().iter().map(|e| e.seq).collect();
/// assert_eq!(seqs, [0, 1]);
/// assert!(roster.events().iter().all(|e| e.at == at));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RosterEvent {
    /// 0-based position in the roster's event list.
    pub seq: u64,
    /// The command's instant.
    pub at: DateTime<FixedOffset>,
    /// What happened.
    pub kind: RosterEventKind,
}

/// A waitlisted volunteer moved into a freed place, reported by the command that freed it.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Promotion, Roster, VolunteerId};
/// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
/// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
/// let mut roster = Roster::new();
/// let first = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 1), at, None)?;
/// let waiting = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 2), at, None)?;
/// let freed = roster.withdraw(&cal, first.assignment, "feverish", at, None)?;
/// assert_eq!(freed.promoted, Some(Promotion { assignment: waiting.assignment, volunteer: VolunteerId::from_parts(1, 2) }));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Promotion {
    /// The promoted assignment, now accepted.
    pub assignment: AssignmentId,
    /// The volunteer.
    pub volunteer: VolunteerId,
}

/// The result of [`Roster::sign_up`].
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, AssignmentStatus, Roster, VolunteerId};
/// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
/// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
/// let mut roster = Roster::new();
/// let held = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 1), at, None)?;
/// let queued = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 2), at, None)?;
/// assert_eq!((held.status, held.position), (AssignmentStatus::Accepted, None));
/// assert_eq!((queued.status, queued.position), (AssignmentStatus::Waitlisted, Some(1)));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SignUpOutcome {
    /// The new assignment.
    pub assignment: AssignmentId,
    /// [`AssignmentStatus::Accepted`] or [`AssignmentStatus::Waitlisted`].
    pub status: AssignmentStatus,
    /// The waitlist position, if waitlisted.
    pub position: Option<u32>,
}

/// The result of a command that may free a place: who was promoted, if anyone.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Released, Roster, VolunteerId};
/// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
/// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
/// let mut roster = Roster::new();
/// let a = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 1), at, None)?;
/// // Nobody waits, so nobody is promoted.
/// assert_eq!(roster.withdraw(&cal, a.assignment, "feverish", at, None)?, Released { promoted: None });
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Released {
    /// The waitlisted volunteer who got the place, if any.
    pub promoted: Option<Promotion>,
}

/// The sign-ups, offers and waitlists of the shifts in a [`ShiftLookup`], with an
/// append-only event list and a version for optimistic concurrency.
///
/// The roster does not check eligibility (age, qualifications, distance …); the eligibility
/// module does that before a command is issued. It does enforce capacity, overlaps, insurance
/// and timing.
///
/// Serialised (output only) as `{"version", "assignments", "waitlists", "events"}`. To
/// persist a roster, store its [`events`](Self::events) (they deserialise) and rebuild it with
/// [`Roster::replay`], which re-runs every command against the shifts and so re-checks every
/// guarantee.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, AssignmentStatus, Roster, VolunteerId};
/// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
/// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
/// let mut roster = Roster::new();
/// let a = VolunteerId::from_parts(1, 1);
/// let b = VolunteerId::from_parts(1, 2);
/// let first = roster.sign_up(&cal, shift, a, at, Some(0))?;
/// let second = roster.sign_up(&cal, shift, b, at, Some(1))?;
/// assert_eq!(first.status, AssignmentStatus::Accepted);
/// assert_eq!(second.position, Some(1));
/// let freed = roster.withdraw(&cal, first.assignment, "feverish", at, None)?;
/// assert_eq!(freed.promoted.map(|p| p.volunteer), Some(b));
/// assert_eq!(roster.taken(shift), 1);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Roster {
    version: u64,
    assignments: BTreeMap<AssignmentId, Assignment>,
    waitlists: BTreeMap<ShiftId, Vec<AssignmentId>>,
    events: Vec<RosterEvent>,
    /// Every assignment per shift, in creation order (an index; assignments are never removed).
    #[cfg_attr(feature = "serde", serde(skip))]
    by_shift: BTreeMap<ShiftId, Vec<AssignmentId>>,
    /// Every assignment per volunteer, in creation order (an index).
    #[cfg_attr(feature = "serde", serde(skip))]
    by_volunteer: BTreeMap<VolunteerId, Vec<AssignmentId>>,
}

fn unix_ms(at: DateTime<FixedOffset>) -> u64 {
    u64::try_from(at.timestamp_millis()).unwrap_or(0)
}

impl Roster {
    /// An empty roster at version 0.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Roster};
    /// let roster = Roster::new();
    /// assert_eq!(roster.version(), 0);
    /// assert!(roster.events().is_empty());
    /// let (_, shift) = doc_fixtures::calendar_with_shift(1);
    /// assert_eq!(roster.taken(shift), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The version: the number of accepted commands.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::RosterError;
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// let mut roster = Roster::new();
    /// assert_eq!(roster.version(), 0);
    /// roster.sign_up(&cal, shift, zhang, at, Some(0))?;
    /// assert_eq!(roster.version(), 1);
    /// // A command that expects a stale version is refused (optimistic concurrency).
    /// let err = roster.sign_up(&cal, shift, li, at, Some(0)).unwrap_err();
    /// assert_eq!(err, RosterError::VersionConflict { expected: 0, actual: 1 });
    /// assert_eq!(roster.version(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Every event, oldest first.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::RosterEventKind;
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// let mut roster = Roster::new();
    /// let a = roster.sign_up(&cal, shift, zhang, at, None)?.assignment;
    /// assert_eq!(roster.events().len(), 1);
    /// assert_eq!(roster.events()[0].seq, 0);
    /// assert_eq!(roster.events()[0].kind, RosterEventKind::SignedUp { assignment: a, shift, volunteer: zhang });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn events(&self) -> &[RosterEvent] {
        &self.events
    }

    /// The assignment with this id.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// let mut roster = Roster::new();
    /// let a = roster.sign_up(&cal, shift, zhang, at, None)?.assignment;
    /// assert_eq!(roster.assignment(a).map(|x| x.volunteer()), Some(zhang));
    /// assert!(Roster::new().assignment(a).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn assignment(&self, id: AssignmentId) -> Option<&Assignment> {
        self.assignments.get(&id)
    }

    /// Every assignment, in id order.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// let mut roster = Roster::new();
    /// roster.sign_up(&cal, shift, zhang, at, None)?;
    /// roster.sign_up(&cal, shift, li, at, None)?;
    /// let who: Vec<VolunteerId> = roster.assignments().map(|a| a.volunteer()).collect();
    /// assert_eq!(who, [zhang, li]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn assignments(&self) -> impl Iterator<Item = &Assignment> + '_ {
        self.assignments.values()
    }

    fn on_shift(&self, shift: ShiftId) -> impl Iterator<Item = &Assignment> + '_ {
        self.by_shift
            .get(&shift)
            .into_iter()
            .flatten()
            .filter_map(|id| self.assignments.get(id))
    }

    fn insert(&mut self, a: Assignment) {
        self.by_shift.entry(a.shift).or_default().push(a.id);
        self.by_volunteer.entry(a.volunteer).or_default().push(a.id);
        self.assignments.insert(a.id, a);
    }

    /// The number of places held (offered or accepted) on a shift.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// let mut roster = Roster::new();
    /// assert_eq!(roster.taken(shift), 0);
    /// roster.sign_up(&cal, shift, zhang, at, None)?;
    /// roster.sign_up(&cal, shift, li, at, None)?; // waitlisted: holds no place
    /// assert_eq!(roster.taken(shift), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn taken(&self, shift: ShiftId) -> u32 {
        let n = self
            .on_shift(shift)
            .filter(|a| a.state.holds_place())
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The waitlist of a shift, first in line first.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// let mut roster = Roster::new();
    /// roster.sign_up(&cal, shift, zhang, at, None)?;
    /// let waiting = roster.sign_up(&cal, shift, li, at, None)?;
    /// assert_eq!(waiting.position, Some(1));
    /// assert_eq!(roster.waitlist(shift), [waiting.assignment]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn waitlist(&self, shift: ShiftId) -> &[AssignmentId] {
        self.waitlists.get(&shift).map_or(&[], Vec::as_slice)
    }

    /// The live assignment (holding or waiting) of a volunteer on a shift.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// let mut roster = Roster::new();
    /// let a = roster.sign_up(&cal, shift, zhang, at, None)?.assignment;
    /// assert_eq!(roster.find(shift, zhang).map(|x| x.id()), Some(a));
    /// assert!(roster.find(shift, li).is_none());
    /// // After withdrawing, the volunteer no longer has a live assignment.
    /// roster.withdraw(&cal, a, "feverish", at, None)?;
    /// assert!(roster.find(shift, zhang).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn find(&self, shift: ShiftId, volunteer: VolunteerId) -> Option<&Assignment> {
        self.on_shift(shift).find(|a| {
            a.volunteer == volunteer
                && (a.state.holds_place() || a.state.status() == AssignmentStatus::Waitlisted)
        })
    }

    /// The assignments through which a volunteer holds a place (offered or accepted).
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// let mut roster = Roster::new();
    /// let a = roster.sign_up(&cal, shift, zhang, at, None)?.assignment;
    /// roster.sign_up(&cal, shift, li, at, None)?; // waitlisted
    /// assert_eq!(roster.held_by(zhang).map(|x| x.id()).collect::<Vec<_>>(), [a]);
    /// assert_eq!(roster.held_by(li).count(), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn held_by(&self, volunteer: VolunteerId) -> impl Iterator<Item = &Assignment> + '_ {
        self.by_volunteer
            .get(&volunteer)
            .into_iter()
            .flatten()
            .filter_map(|id| self.assignments.get(id))
            .filter(|a| a.state.holds_place())
    }

    /// Rebuilds a roster by re-running the commands its events record against `shifts`.
    ///
    /// `Promoted` events are not commands: they must reappear as consequences of the command
    /// before them. The rebuilt event list must equal `events` exactly (identifiers are derived
    /// from each event's instant and sequence number, so they match).
    ///
    /// # Errors
    /// The first command's error, or [`RosterError::ReplayMismatch`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
    /// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// let mut roster = Roster::new();
    /// let a = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 1), at, None)?;
    /// roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 2), at, None)?;
    /// roster.withdraw(&cal, a.assignment, "sick", at, None)?;
    /// assert_eq!(Roster::replay(&cal, roster.events())?, roster);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn replay(shifts: &impl ShiftLookup, events: &[RosterEvent]) -> Result<Self, RosterError> {
        let mut r = Self::new();
        for e in events {
            let at = e.at;
            match &e.kind {
                RosterEventKind::SignedUp {
                    shift, volunteer, ..
                }
                | RosterEventKind::Waitlisted {
                    shift, volunteer, ..
                } => r
                    .sign_up(shifts, *shift, *volunteer, at, None)
                    .map(|_| ())?,
                RosterEventKind::Offered {
                    shift, volunteer, ..
                } => r.offer(shifts, *shift, *volunteer, at, None).map(|_| ())?,
                RosterEventKind::OfferAccepted { assignment } => {
                    r.accept(shifts, *assignment, at, None)?;
                }
                RosterEventKind::OfferDeclined { assignment } => {
                    r.decline(shifts, *assignment, at, None).map(|_| ())?;
                }
                RosterEventKind::Withdrew { assignment, reason } => {
                    r.withdraw(shifts, *assignment, reason, at, None)
                        .map(|_| ())?;
                }
                RosterEventKind::NoShowRecorded { assignment } => {
                    r.record_no_show(shifts, *assignment, at, None)?;
                }
                RosterEventKind::Promoted { .. } => {}
            }
            if r.events.len() > events.len() {
                return Err(RosterError::ReplayMismatch { seq: e.seq });
            }
        }
        if let Some(seq) =
            (0..r.events.len().max(events.len())).find(|i| r.events.get(*i) != events.get(*i))
        {
            return Err(RosterError::ReplayMismatch { seq: seq as u64 });
        }
        Ok(r)
    }

    fn check_version(&self, expected: Option<u64>) -> Result<(), RosterError> {
        match expected {
            Some(e) if e != self.version => Err(RosterError::VersionConflict {
                expected: e,
                actual: self.version,
            }),
            _ => Ok(()),
        }
    }

    fn lookup(shifts: &impl ShiftLookup, id: ShiftId) -> Result<&Shift, RosterError> {
        shifts
            .shift(id)
            .ok_or(RosterError::UnknownShift { shift: id })
    }

    fn before_start(
        shift: &Shift,
        at: DateTime<FixedOffset>,
        action: RosterAction,
    ) -> Result<(), RosterError> {
        if at >= shift.span().start() {
            return Err(RosterError::Started {
                shift: shift.id(),
                start: shift.span().start(),
                at,
                action,
            });
        }
        Ok(())
    }

    fn check_insured(shifts: &impl ShiftLookup, shift: &Shift) -> Result<(), RosterError> {
        let hazard = shifts
            .hazard(shift.activity())
            .ok_or(RosterError::UnknownActivity {
                shift: shift.id(),
                activity: shift.activity(),
            })?;
        hazard
            .check_confirmable(shift.activity(), &shift.span())
            .map_err(|source| RosterError::Insurance {
                shift: shift.id(),
                source,
            })
    }

    /// The first held shift of `volunteer` overlapping `shift`, skipping `except`.
    fn overlapping(
        &self,
        shifts: &impl ShiftLookup,
        volunteer: VolunteerId,
        shift: &Shift,
        except: Option<AssignmentId>,
    ) -> Option<ShiftId> {
        self.held_by(volunteer)
            .filter(|a| Some(a.id) != except)
            .find(|a| {
                shifts
                    .shift(a.shift)
                    .is_none_or(|s| s.span().overlaps(&shift.span()))
            })
            .map(|a| a.shift)
    }

    fn check_new(
        &self,
        shifts: &impl ShiftLookup,
        shift: &Shift,
        volunteer: VolunteerId,
    ) -> Result<(), RosterError> {
        if let Some(a) = self.find(shift.id(), volunteer) {
            return Err(RosterError::AlreadyOnShift {
                volunteer,
                shift: shift.id(),
                assignment: a.id,
            });
        }
        if let Some(other) = self.overlapping(shifts, volunteer, shift, None) {
            return Err(RosterError::Overlap {
                volunteer,
                shift: shift.id(),
                other,
            });
        }
        Ok(())
    }

    fn next_id(&self, at: DateTime<FixedOffset>) -> AssignmentId {
        AssignmentId::from_parts(unix_ms(at), self.events.len() as u64)
    }

    fn push(&mut self, at: DateTime<FixedOffset>, kind: RosterEventKind) {
        let seq = self.events.len() as u64;
        self.events.push(RosterEvent { seq, at, kind });
    }

    fn renumber(&mut self, shift: ShiftId) {
        let queue = self.waitlists.get(&shift).cloned().unwrap_or_default();
        for (i, id) in queue.iter().enumerate() {
            if let Some(a) = self.assignments.get_mut(id) {
                a.state = AssignmentState::Waitlisted {
                    position: u32::try_from(i + 1).unwrap_or(u32::MAX),
                };
            }
        }
        if queue.is_empty() {
            self.waitlists.remove(&shift);
        }
    }

    /// Fills one freed place on `shift` from its waitlist: the first in line who does not
    /// hold an overlapping shift. Nobody is promoted if the shift cannot confirm volunteers.
    fn promote(
        &mut self,
        shifts: &impl ShiftLookup,
        shift: &Shift,
        at: DateTime<FixedOffset>,
    ) -> Option<Promotion> {
        if self.taken(shift.id()) >= shift.slots() || Self::check_insured(shifts, shift).is_err() {
            return None;
        }
        let queue = self.waitlists.get(&shift.id())?.clone();
        let (index, id, volunteer) = queue.iter().enumerate().find_map(|(i, id)| {
            let a = self.assignments.get(id)?;
            self.overlapping(shifts, a.volunteer, shift, Some(a.id))
                .is_none()
                .then_some((i, *id, a.volunteer))
        })?;
        if let Some(q) = self.waitlists.get_mut(&shift.id()) {
            q.remove(index);
        }
        if let Some(a) = self.assignments.get_mut(&id) {
            a.state = AssignmentState::Accepted;
        }
        self.renumber(shift.id());
        self.push(
            at,
            RosterEventKind::Promoted {
                assignment: id,
                shift: shift.id(),
                volunteer,
            },
        );
        Some(Promotion {
            assignment: id,
            volunteer,
        })
    }

    /// A volunteer signs up (报名): their own acceptance. If a place is free they hold it;
    /// otherwise they join the shift's waitlist (FIFO).
    ///
    /// # Errors
    /// [`RosterError::VersionConflict`], [`RosterError::UnknownShift`],
    /// [`RosterError::UnknownActivity`], [`RosterError::Started`],
    /// [`RosterError::AlreadyOnShift`], [`RosterError::Overlap`] (with a held shift),
    /// [`RosterError::Insurance`] (FIT-03; also refuses the waitlist). Nothing changes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{AssignmentStatus, RosterError};
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let (zhang, li) = (VolunteerId::from_parts(1, 1), VolunteerId::from_parts(1, 2));
    /// let mut roster = Roster::new();
    /// let first = roster.sign_up(&cal, shift, zhang, at, None)?;
    /// assert_eq!(first.status, AssignmentStatus::Accepted);
    /// let second = roster.sign_up(&cal, shift, li, at, None)?;
    /// assert_eq!((second.status, second.position), (AssignmentStatus::Waitlisted, Some(1)));
    /// // Signing up twice is refused, and nothing changes.
    /// let before = roster.clone();
    /// assert!(matches!(roster.sign_up(&cal, shift, zhang, at, None), Err(RosterError::AlreadyOnShift { .. })));
    /// assert_eq!(roster, before);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn sign_up(
        &mut self,
        shifts: &impl ShiftLookup,
        shift: ShiftId,
        volunteer: VolunteerId,
        at: DateTime<FixedOffset>,
        expected: Option<u64>,
    ) -> Result<SignUpOutcome, RosterError> {
        self.check_version(expected)?;
        let s = Self::lookup(shifts, shift)?;
        Self::before_start(s, at, RosterAction::SignUp)?;
        Self::check_insured(shifts, s)?;
        self.check_new(shifts, s, volunteer)?;
        let id = self.next_id(at);
        let outcome = if self.taken(shift) < s.slots() {
            self.insert(Assignment {
                id,
                shift,
                volunteer,
                state: AssignmentState::Accepted,
            });
            self.push(
                at,
                RosterEventKind::SignedUp {
                    assignment: id,
                    shift,
                    volunteer,
                },
            );
            SignUpOutcome {
                assignment: id,
                status: AssignmentStatus::Accepted,
                position: None,
            }
        } else {
            let queue = self.waitlists.entry(shift).or_default();
            queue.push(id);
            let position = u32::try_from(queue.len()).unwrap_or(u32::MAX);
            self.insert(Assignment {
                id,
                shift,
                volunteer,
                state: AssignmentState::Waitlisted { position },
            });
            self.push(
                at,
                RosterEventKind::Waitlisted {
                    assignment: id,
                    shift,
                    volunteer,
                    position,
                },
            );
            SignUpOutcome {
                assignment: id,
                status: AssignmentStatus::Waitlisted,
                position: Some(position),
            }
        };
        self.version += 1;
        Ok(outcome)
    }

    /// An organiser offers a place (邀请). The offer holds the place, but the volunteer is
    /// only on the shift once they [`accept`](Self::accept) (DEF-06).
    ///
    /// # Errors
    /// [`RosterError::VersionConflict`], [`RosterError::UnknownShift`],
    /// [`RosterError::Started`], [`RosterError::AlreadyOnShift`], [`RosterError::Overlap`],
    /// [`RosterError::Full`] (offers are never waitlisted). Nothing changes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, AssignmentStatus, Roster, VolunteerId};
    /// let (cal, shift) = doc_fixtures::calendar_with_shift(2);
    /// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// let mut roster = Roster::new();
    /// let offer = roster.offer(&cal, shift, VolunteerId::from_parts(1, 1), at, None)?;
    /// let status = |r: &Roster| r.assignment(offer).map(|a| a.state().status());
    /// assert_eq!(status(&roster), Some(AssignmentStatus::Offered)); // not yet on the shift
    /// roster.accept(&cal, offer, at, None)?;
    /// assert_eq!(status(&roster), Some(AssignmentStatus::Accepted));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn offer(
        &mut self,
        shifts: &impl ShiftLookup,
        shift: ShiftId,
        volunteer: VolunteerId,
        at: DateTime<FixedOffset>,
        expected: Option<u64>,
    ) -> Result<AssignmentId, RosterError> {
        self.check_version(expected)?;
        let s = Self::lookup(shifts, shift)?;
        Self::before_start(s, at, RosterAction::Offer)?;
        self.check_new(shifts, s, volunteer)?;
        if self.taken(shift) >= s.slots() {
            return Err(RosterError::Full {
                shift,
                slots: s.slots(),
            });
        }
        let id = self.next_id(at);
        self.insert(Assignment {
            id,
            shift,
            volunteer,
            state: AssignmentState::Offered,
        });
        self.push(
            at,
            RosterEventKind::Offered {
                assignment: id,
                shift,
                volunteer,
            },
        );
        self.version += 1;
        Ok(id)
    }

    fn get_in(
        &self,
        id: AssignmentId,
        allowed: &[AssignmentStatus],
        action: RosterAction,
    ) -> Result<&Assignment, RosterError> {
        let a = self
            .assignments
            .get(&id)
            .ok_or(RosterError::UnknownAssignment { assignment: id })?;
        if !allowed.contains(&a.state.status()) {
            return Err(RosterError::IllegalTransition {
                assignment: id,
                status: a.state.status(),
                action,
            });
        }
        Ok(a)
    }

    fn set_state(&mut self, id: AssignmentId, state: AssignmentState) {
        if let Some(a) = self.assignments.get_mut(&id) {
            a.state = state;
        }
    }

    /// The volunteer accepts an offer: Offered → Accepted.
    ///
    /// # Errors
    /// [`RosterError::VersionConflict`], [`RosterError::UnknownAssignment`],
    /// [`RosterError::IllegalTransition`], [`RosterError::UnknownShift`],
    /// [`RosterError::Started`], [`RosterError::Insurance`] (FIT-03). Nothing changes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{AssignmentStatus, RosterError};
    /// # use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// # let (cal, shift) = doc_fixtures::calendar_with_shift(1); // one place
    /// # let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// # let zhang = VolunteerId::from_parts(1, 1);
    /// let mut roster = Roster::new();
    /// let offer = roster.offer(&cal, shift, zhang, at, None)?;
    /// roster.accept(&cal, offer, at, None)?;
    /// assert_eq!(roster.assignment(offer).map(|a| a.state().status()), Some(AssignmentStatus::Accepted));
    /// // Only an offer can be accepted.
    /// assert!(matches!(roster.accept(&cal, offer, at, None), Err(RosterError::IllegalTransition { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn accept(
        &mut self,
        shifts: &impl ShiftLookup,
        assignment: AssignmentId,
        at: DateTime<FixedOffset>,
        expected: Option<u64>,
    ) -> Result<(), RosterError> {
        self.check_version(expected)?;
        let a = self.get_in(
            assignment,
            &[AssignmentStatus::Offered],
            RosterAction::Accept,
        )?;
        let s = Self::lookup(shifts, a.shift)?;
        Self::before_start(s, at, RosterAction::Accept)?;
        Self::check_insured(shifts, s)?;
        self.set_state(assignment, AssignmentState::Accepted);
        self.push(at, RosterEventKind::OfferAccepted { assignment });
        self.version += 1;
        Ok(())
    }

    /// The volunteer declines an offer: Offered → Declined. The freed place goes to the
    /// first eligible volunteer on the waitlist.
    ///
    /// # Errors
    /// [`RosterError::VersionConflict`], [`RosterError::UnknownAssignment`],
    /// [`RosterError::IllegalTransition`], [`RosterError::UnknownShift`]. Nothing changes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Roster, VolunteerId};
    /// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
    /// let at = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// let mut roster = Roster::new();
    /// let offer = roster.offer(&cal, shift, VolunteerId::from_parts(1, 1), at, None)?;
    /// let waiting = VolunteerId::from_parts(1, 2);
    /// roster.sign_up(&cal, shift, waiting, at, None)?;
    /// let freed = roster.decline(&cal, offer, at, None)?;
    /// assert_eq!(freed.promoted.map(|p| p.volunteer), Some(waiting));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn decline(
        &mut self,
        shifts: &impl ShiftLookup,
        assignment: AssignmentId,
        at: DateTime<FixedOffset>,
        expected: Option<u64>,
    ) -> Result<Released, RosterError> {
        self.check_version(expected)?;
        let a = self.get_in(
            assignment,
            &[AssignmentStatus::Offered],
            RosterAction::Decline,
        )?;
        let s = Self::lookup(shifts, a.shift)?;
        self.set_state(assignment, AssignmentState::Declined { at });
        self.push(at, RosterEventKind::OfferDeclined { assignment });
        let promoted = if at < s.span().start() {
            self.promote(shifts, s, at)
        } else {
            None
        };
        self.version += 1;
        Ok(Released { promoted })
    }

    /// The volunteer withdraws before the shift starts, with a reason (FIT-07): from a held
    /// place or from the waitlist. A freed place goes to the first eligible volunteer on the
    /// waitlist, reported in the result.
    ///
    /// # Errors
    /// [`RosterError::VersionConflict`], [`RosterError::UnknownAssignment`],
    /// [`RosterError::IllegalTransition`], [`RosterError::UnknownShift`],
    /// [`RosterError::Started`] (at or after the start), [`RosterError::Reason`]. Nothing
    /// changes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Roster, RosterError, VolunteerId};
    /// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
    /// let before = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// let during = doc_fixtures::at("2021-07-21T09:00:00+08:00");
    /// let mut roster = Roster::new();
    /// let a = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 1), before, None)?;
    /// let late = roster.withdraw(&cal, a.assignment, "overslept", during, None);
    /// assert!(matches!(late, Err(RosterError::Started { .. })));
    /// roster.withdraw(&cal, a.assignment, "family emergency", before, None)?;
    /// assert_eq!(roster.taken(shift), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn withdraw(
        &mut self,
        shifts: &impl ShiftLookup,
        assignment: AssignmentId,
        reason: &str,
        at: DateTime<FixedOffset>,
        expected: Option<u64>,
    ) -> Result<Released, RosterError> {
        self.check_version(expected)?;
        let a = self.get_in(
            assignment,
            &[
                AssignmentStatus::Offered,
                AssignmentStatus::Accepted,
                AssignmentStatus::Waitlisted,
            ],
            RosterAction::Withdraw,
        )?;
        let held = a.state.holds_place();
        let s = Self::lookup(shifts, a.shift)?;
        Self::before_start(s, at, RosterAction::Withdraw)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(RosterError::Reason { assignment });
        }
        if let Some(q) = self.waitlists.get_mut(&s.id()) {
            q.retain(|id| *id != assignment);
        }
        self.set_state(
            assignment,
            AssignmentState::Withdrawn {
                reason: reason.to_owned(),
                at,
            },
        );
        self.renumber(s.id());
        self.push(
            at,
            RosterEventKind::Withdrew {
                assignment,
                reason: reason.to_owned(),
            },
        );
        let promoted = if held {
            self.promote(shifts, s, at)
        } else {
            None
        };
        self.version += 1;
        Ok(Released { promoted })
    }

    /// Records that an accepted volunteer did not turn up, at or after the start.
    ///
    /// # Errors
    /// [`RosterError::VersionConflict`], [`RosterError::UnknownAssignment`],
    /// [`RosterError::IllegalTransition`], [`RosterError::UnknownShift`],
    /// [`RosterError::NotStarted`]. Nothing changes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, AssignmentStatus, Roster, VolunteerId};
    /// let (cal, shift) = doc_fixtures::calendar_with_shift(1);
    /// let mut roster = Roster::new();
    /// let before = doc_fixtures::at("2021-07-20T09:00:00+08:00");
    /// let a = roster.sign_up(&cal, shift, VolunteerId::from_parts(1, 1), before, None)?;
    /// assert!(roster.record_no_show(&cal, a.assignment, before, None).is_err());
    /// roster.record_no_show(&cal, a.assignment, doc_fixtures::at("2021-07-21T08:30:00+08:00"), None)?;
    /// assert_eq!(roster.assignment(a.assignment).map(|x| x.state().status()), Some(AssignmentStatus::NoShow));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn record_no_show(
        &mut self,
        shifts: &impl ShiftLookup,
        assignment: AssignmentId,
        at: DateTime<FixedOffset>,
        expected: Option<u64>,
    ) -> Result<(), RosterError> {
        self.check_version(expected)?;
        let a = self.get_in(
            assignment,
            &[AssignmentStatus::Accepted],
            RosterAction::RecordNoShow,
        )?;
        let s = Self::lookup(shifts, a.shift)?;
        if at < s.span().start() {
            return Err(RosterError::NotStarted {
                shift: s.id(),
                start: s.span().start(),
                at,
            });
        }
        self.set_state(assignment, AssignmentState::NoShow { at });
        self.push(at, RosterEventKind::NoShowRecorded { assignment });
        self.version += 1;
        Ok(())
    }
}

impl SignUpIndex for Roster {
    fn has_sign_ups(&self, shift: ShiftId) -> bool {
        self.on_shift(shift)
            .any(|a| a.state.holds_place() || a.state.status() == AssignmentStatus::Waitlisted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc_fixtures::{activity, at, hazardous_activity, span};
    use crate::{DatePeriod, InsurancePolicy, Requirements, ShiftCalendar};
    use proptest::prelude::*;
    use std::collections::{BTreeSet, VecDeque};
    use std::sync::{Arc, Mutex};

    const BEFORE: &str = "2021-07-19T00:00:00+08:00";

    fn v(n: u64) -> VolunteerId {
        VolunteerId::from_parts(1, n)
    }

    /// Shifts: 0 = Mon 08–12, 1 = Mon 11–14 (overlaps 0 and 2), 2 = Mon 12–16 (touches 0),
    /// 3 = Mon 22:00–Tue 06:00 (overnight), 4 = Tue 05:30–12:00 (overlaps 3).
    fn calendar(slots: u32) -> (ShiftCalendar, Vec<ShiftId>) {
        let a = activity();
        let mut cal = ShiftCalendar::new();
        cal.add_activity(&a);
        let spans = [
            ("2021-07-19T08:00:00+08:00", "2021-07-19T12:00:00+08:00"),
            ("2021-07-19T11:00:00+08:00", "2021-07-19T14:00:00+08:00"),
            ("2021-07-19T12:00:00+08:00", "2021-07-19T16:00:00+08:00"),
            ("2021-07-19T22:00:00+08:00", "2021-07-20T06:00:00+08:00"),
            ("2021-07-20T05:30:00+08:00", "2021-07-20T12:00:00+08:00"),
        ];
        let mut ids = Vec::new();
        for (i, (s, e)) in spans.iter().enumerate() {
            let id = ShiftId::from_parts(1, i as u64);
            cal.add_shift(Shift::new(id, a.id(), span(s, e), slots, Requirements::none()).unwrap())
                .unwrap();
            ids.push(id);
        }
        (cal, ids)
    }

    fn assert_rejected_unchanged<T: fmt::Debug>(
        roster: &mut Roster,
        f: impl FnOnce(&mut Roster) -> Result<T, RosterError>,
    ) -> RosterError {
        let before = roster.clone();
        let err = f(roster).unwrap_err();
        assert_eq!(*roster, before, "rejected command changed the roster");
        err
    }

    #[test]
    fn overnight_shift_overlaps_next_morning() {
        let (cal, s) = calendar(3);
        let mut r = Roster::new();
        r.sign_up(&cal, s[3], v(1), at(BEFORE), None).unwrap();
        let err =
            assert_rejected_unchanged(&mut r, |r| r.sign_up(&cal, s[4], v(1), at(BEFORE), None));
        assert_eq!(
            err,
            RosterError::Overlap {
                volunteer: v(1),
                shift: s[4],
                other: s[3]
            }
        );
    }

    #[test]
    fn touching_shifts_are_allowed_and_overlapping_ones_refused() {
        let (cal, s) = calendar(3);
        let mut r = Roster::new();
        r.sign_up(&cal, s[0], v(1), at(BEFORE), None).unwrap();
        r.sign_up(&cal, s[2], v(1), at(BEFORE), None).unwrap();
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.sign_up(&cal, s[1], v(1), at(BEFORE), None)),
            RosterError::Overlap { .. }
        ));
        // An offer counts as holding the place.
        let mut r = Roster::new();
        r.offer(&cal, s[0], v(2), at(BEFORE), None).unwrap();
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.sign_up(&cal, s[1], v(2), at(BEFORE), None)),
            RosterError::Overlap { .. }
        ));
    }

    #[test]
    fn capacity_and_fifo_waitlist() {
        let (cal, s) = calendar(2);
        let mut r = Roster::new();
        let a1 = r.sign_up(&cal, s[0], v(1), at(BEFORE), None).unwrap();
        r.sign_up(&cal, s[0], v(2), at(BEFORE), None).unwrap();
        let w3 = r.sign_up(&cal, s[0], v(3), at(BEFORE), None).unwrap();
        let w4 = r.sign_up(&cal, s[0], v(4), at(BEFORE), None).unwrap();
        assert_eq!((w3.position, w4.position), (Some(1), Some(2)));
        assert_eq!(r.taken(s[0]), 2);
        let released = r
            .withdraw(&cal, a1.assignment, "sick", at(BEFORE), None)
            .unwrap();
        assert_eq!(
            released.promoted,
            Some(Promotion {
                assignment: w3.assignment,
                volunteer: v(3)
            })
        );
        assert_eq!(r.taken(s[0]), 2);
        assert_eq!(
            r.assignment(w4.assignment).map(|a| a.state().clone()),
            Some(AssignmentState::Waitlisted { position: 1 })
        );
        assert!(matches!(
            r.events().last().map(|e| &e.kind),
            Some(RosterEventKind::Promoted { .. })
        ));
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.sign_up(&cal, s[0], v(4), at(BEFORE), None)),
            RosterError::AlreadyOnShift { .. }
        ));
    }

    #[test]
    fn promotion_skips_volunteers_holding_an_overlapping_shift() {
        let (cal, s) = calendar(1);
        let mut r = Roster::new();
        let a1 = r.sign_up(&cal, s[0], v(1), at(BEFORE), None).unwrap();
        r.sign_up(&cal, s[0], v(2), at(BEFORE), None).unwrap(); // waitlisted
        r.sign_up(&cal, s[0], v(3), at(BEFORE), None).unwrap(); // waitlisted
        r.sign_up(&cal, s[1], v(2), at(BEFORE), None).unwrap(); // v2 now holds an overlap
        let out = r
            .withdraw(&cal, a1.assignment, "away", at(BEFORE), None)
            .unwrap();
        assert_eq!(out.promoted.map(|p| p.volunteer), Some(v(3)));
        assert_eq!(r.waitlist(s[0]).len(), 1);
    }

    #[test]
    fn offers_need_the_volunteers_acceptance() {
        let (cal, s) = calendar(1);
        let mut r = Roster::new();
        let o = r.offer(&cal, s[0], v(1), at(BEFORE), None).unwrap();
        assert_eq!(
            r.assignment(o).map(|a| a.state().status()),
            Some(AssignmentStatus::Offered)
        );
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.offer(&cal, s[0], v(2), at(BEFORE), None)),
            RosterError::Full { .. }
        ));
        let w = r.sign_up(&cal, s[0], v(2), at(BEFORE), None).unwrap();
        assert_eq!(w.status, AssignmentStatus::Waitlisted);
        let out = r.decline(&cal, o, at(BEFORE), None).unwrap();
        assert_eq!(out.promoted.map(|p| p.volunteer), Some(v(2)));
        let o2 = r.offer(&cal, s[2], v(3), at(BEFORE), None).unwrap();
        r.accept(&cal, o2, at(BEFORE), None).unwrap();
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.accept(&cal, o2, at(BEFORE), None)),
            RosterError::IllegalTransition {
                status: AssignmentStatus::Accepted,
                ..
            }
        ));
    }

    #[test]
    fn withdraw_before_start_only_and_no_show_after() {
        let (cal, s) = calendar(1);
        let mut r = Roster::new();
        let a = r
            .sign_up(&cal, s[0], v(1), at(BEFORE), None)
            .unwrap()
            .assignment;
        let during = at("2021-07-19T09:00:00+08:00");
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.withdraw(&cal, a, "late", during, None)),
            RosterError::Started {
                action: RosterAction::Withdraw,
                ..
            }
        ));
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.withdraw(&cal, a, "  ", at(BEFORE), None)),
            RosterError::Reason { .. }
        ));
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.record_no_show(&cal, a, at(BEFORE), None)),
            RosterError::NotStarted { .. }
        ));
        r.record_no_show(&cal, a, during, None).unwrap();
        assert!(matches!(
            r.assignment(a).map(Assignment::state),
            Some(AssignmentState::NoShow { .. })
        ));
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.sign_up(&cal, s[0], v(2), during, None)),
            RosterError::Started {
                action: RosterAction::SignUp,
                ..
            }
        ));
    }

    #[test]
    fn hazardous_shifts_confirm_nobody_until_insured() {
        let mut act = hazardous_activity();
        let mut cal = ShiftCalendar::new();
        cal.add_activity(&act);
        let id = ShiftId::from_parts(2, 2);
        cal.add_shift(
            Shift::new(
                id,
                act.id(),
                span("2021-07-21T22:00:00+08:00", "2021-07-22T06:00:00+08:00"),
                2,
                Requirements::none(),
            )
            .unwrap(),
        )
        .unwrap();
        let mut r = Roster::new();
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.sign_up(&cal, id, v(1), at(BEFORE), None)),
            RosterError::Insurance {
                source: ActivityError::Uninsured { .. },
                ..
            }
        ));
        let offer = r.offer(&cal, id, v(2), at(BEFORE), None).unwrap();
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.accept(&cal, offer, at(BEFORE), None)),
            RosterError::Insurance { .. }
        ));
        let d = |s: &str| s.parse().unwrap();
        act.attach_insurance(
            InsurancePolicy::new(
                "PICC",
                "P-9",
                DatePeriod::new(d("2021-07-01"), Some(d("2021-08-01"))).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
        cal.add_activity(&act);
        r.accept(&cal, offer, at(BEFORE), None).unwrap();
        r.sign_up(&cal, id, v(1), at(BEFORE), None).unwrap();
        assert_eq!(r.taken(id), 2);
    }

    #[test]
    fn version_mismatch_is_refused() {
        let (cal, s) = calendar(1);
        let mut r = Roster::new();
        r.sign_up(&cal, s[0], v(1), at(BEFORE), Some(0)).unwrap();
        assert_eq!(r.version(), 1);
        let err =
            assert_rejected_unchanged(&mut r, |r| r.sign_up(&cal, s[2], v(2), at(BEFORE), Some(0)));
        assert_eq!(
            err,
            RosterError::VersionConflict {
                expected: 0,
                actual: 1
            }
        );
        assert_eq!(
            err.to_string(),
            "roster is at version 1: the command expected version 0"
        );
        assert!(matches!(
            assert_rejected_unchanged(&mut r, |r| r.sign_up(
                &cal,
                ShiftId::from_parts(9, 9),
                v(2),
                at(BEFORE),
                None
            )),
            RosterError::UnknownShift { .. }
        ));
    }

    #[test]
    fn many_threads_never_overbook() {
        let (cal, s) = calendar(3);
        let shared = Arc::new(Mutex::new((cal, Roster::new())));
        let handles: Vec<_> = (0..24)
            .map(|i| {
                let shared = Arc::clone(&shared);
                let shift = s[0];
                std::thread::spawn(move || {
                    let mut guard = shared.lock().unwrap();
                    let (cal, roster) = &mut *guard;
                    let v = roster.version();
                    roster.sign_up(
                        cal,
                        shift,
                        VolunteerId::from_parts(7, i),
                        at(BEFORE),
                        Some(v),
                    )
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let (_, roster) = &*shared.lock().unwrap();
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(roster.taken(s[0]), 3);
        assert_eq!(roster.waitlist(s[0]).len(), 21);
        assert_eq!(
            results
                .iter()
                .filter(|r| matches!(r, Ok(o) if o.status == AssignmentStatus::Accepted))
                .count(),
            3
        );
    }

    #[test]
    fn replay_rebuilds_and_detects_tampering() {
        let (cal, s) = calendar(1);
        let mut r = Roster::new();
        let a = r.sign_up(&cal, s[0], v(1), at(BEFORE), None).unwrap();
        r.sign_up(&cal, s[0], v(2), at(BEFORE), None).unwrap();
        let o = r.offer(&cal, s[3], v(3), at(BEFORE), None).unwrap();
        r.accept(&cal, o, at(BEFORE), None).unwrap();
        r.withdraw(&cal, a.assignment, "sick", at(BEFORE), None)
            .unwrap();
        assert_eq!(Roster::replay(&cal, r.events()), Ok(r.clone()));
        // Dropping the promotion from the log is detected.
        let tampered: Vec<RosterEvent> = r
            .events()
            .iter()
            .filter(|e| !matches!(e.kind, RosterEventKind::Promoted { .. }))
            .cloned()
            .collect();
        assert!(matches!(
            Roster::replay(&cal, &tampered),
            Err(RosterError::ReplayMismatch { .. })
        ));
        // An overbooking log is refused by the re-run command itself.
        let (cal1, _) = calendar(1);
        let mut events = r.events()[..1].to_vec();
        events.push(RosterEvent {
            seq: 1,
            at: at(BEFORE),
            kind: RosterEventKind::SignedUp {
                assignment: AssignmentId::from_parts(0, 1),
                shift: s[0],
                volunteer: v(5),
            },
        });
        assert!(Roster::replay(&cal1, &events).is_err());
    }

    /// A command in the property test.
    #[derive(Debug, Clone)]
    enum Cmd {
        SignUp(u64, usize),
        Withdraw(u64, usize),
        Offer(u64, usize),
        Accept(u64, usize),
        Decline(u64, usize),
    }

    fn cmd() -> impl Strategy<Value = Cmd> {
        (0_u64..6, 0_usize..5, 0_u8..5).prop_map(|(v, s, k)| match k {
            0 => Cmd::SignUp(v, s),
            1 => Cmd::Withdraw(v, s),
            2 => Cmd::Offer(v, s),
            3 => Cmd::Accept(v, s),
            _ => Cmd::Decline(v, s),
        })
    }

    /// The reference model: per shift, holders (volunteer, accepted?) and a FIFO queue.
    #[derive(Debug, Default, Clone)]
    struct Model {
        held: Vec<Vec<(u64, bool)>>,
        queue: Vec<VecDeque<u64>>,
    }

    const OVERLAPS: [(usize, usize); 3] = [(0, 1), (1, 2), (3, 4)];

    fn overlaps(a: usize, b: usize) -> bool {
        a == b || OVERLAPS.contains(&(a, b)) || OVERLAPS.contains(&(b, a))
    }

    impl Model {
        fn holds_overlap(&self, v: u64, s: usize) -> bool {
            self.held
                .iter()
                .enumerate()
                .any(|(i, h)| overlaps(i, s) && h.iter().any(|(x, _)| *x == v))
        }
        fn on(&self, v: u64, s: usize) -> bool {
            self.held[s].iter().any(|(x, _)| *x == v) || self.queue[s].contains(&v)
        }
        fn promote(&mut self, s: usize) {
            if let Some(i) =
                (0..self.queue[s].len()).find(|i| !self.holds_overlap(self.queue[s][*i], s))
            {
                let v = self.queue[s].remove(i).unwrap();
                self.held[s].push((v, true));
            }
        }
        /// Applies the command; `false` if it must be rejected.
        fn apply(&mut self, c: &Cmd, slots: usize) -> bool {
            match *c {
                Cmd::SignUp(v, s) | Cmd::Offer(v, s) => {
                    if self.on(v, s) || self.holds_overlap(v, s) {
                        return false;
                    }
                    let offer = matches!(c, Cmd::Offer(..));
                    if self.held[s].len() < slots {
                        self.held[s].push((v, !offer));
                    } else if offer {
                        return false;
                    } else {
                        self.queue[s].push_back(v);
                    }
                    true
                }
                Cmd::Accept(v, s) => {
                    match self.held[s].iter_mut().find(|(x, acc)| *x == v && !*acc) {
                        Some(h) => {
                            h.1 = true;
                            true
                        }
                        None => false,
                    }
                }
                Cmd::Decline(v, s) => {
                    match self.held[s].iter().position(|(x, acc)| *x == v && !*acc) {
                        Some(i) => {
                            self.held[s].remove(i);
                            self.promote(s);
                            true
                        }
                        None => false,
                    }
                }
                Cmd::Withdraw(v, s) => {
                    if let Some(i) = self.held[s].iter().position(|(x, _)| *x == v) {
                        self.held[s].remove(i);
                        self.promote(s);
                        true
                    } else if let Some(i) = self.queue[s].iter().position(|x| *x == v) {
                        self.queue[s].remove(i);
                        true
                    } else {
                        false
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn roster_matches_the_reference_model(slots in 1_u32..3, cmds in proptest::collection::vec(cmd(), 0..60)) {
            let (cal, s) = calendar(slots);
            let mut roster = Roster::new();
            let mut model = Model { held: vec![Vec::new(); 5], queue: vec![VecDeque::new(); 5] };
            let t = at(BEFORE);
            for c in &cmds {
                let before = roster.clone();
                let result = match *c {
                    Cmd::SignUp(vn, i) => roster.sign_up(&cal, s[i], v(vn), t, Some(roster.version())).map(|_| ()),
                    Cmd::Offer(vn, i) => roster.offer(&cal, s[i], v(vn), t, None).map(|_| ()),
                    Cmd::Withdraw(vn, i) => match roster.find(s[i], v(vn)).map(Assignment::id) {
                        Some(a) => roster.withdraw(&cal, a, "cannot come", t, None).map(|_| ()),
                        None => Err(RosterError::UnknownAssignment { assignment: AssignmentId::from_parts(0, 0) }),
                    },
                    Cmd::Accept(vn, i) => match roster.find(s[i], v(vn)).map(Assignment::id) {
                        Some(a) => roster.accept(&cal, a, t, None),
                        None => Err(RosterError::UnknownAssignment { assignment: AssignmentId::from_parts(0, 0) }),
                    },
                    Cmd::Decline(vn, i) => match roster.find(s[i], v(vn)).map(Assignment::id) {
                        Some(a) => roster.decline(&cal, a, t, None).map(|_| ()),
                        None => Err(RosterError::UnknownAssignment { assignment: AssignmentId::from_parts(0, 0) }),
                    },
                };
                let expected_ok = model.apply(c, slots as usize);
                prop_assert_eq!(result.is_ok(), expected_ok, "{:?} gave {:?}", c, result);
                if result.is_err() {
                    prop_assert_eq!(&roster, &before);
                } else {
                    prop_assert_eq!(roster.version(), before.version() + 1);
                    prop_assert_eq!(&roster.events()[..before.events().len()], before.events());
                }
                // Same holders and same queue order as the model.
                for (i, id) in s.iter().enumerate() {
                    prop_assert!(roster.taken(*id) <= slots);
                    let holders: BTreeSet<u64> = model.held[i].iter().map(|(x, _)| *x).collect();
                    let actual: BTreeSet<u64> = roster.assignments()
                        .filter(|a| a.shift() == *id && a.state().holds_place())
                        .map(|a| (0..6).find(|n| v(*n) == a.volunteer()).unwrap())
                        .collect();
                    prop_assert_eq!(holders, actual);
                    let queue: Vec<VolunteerId> = roster.waitlist(*id).iter()
                        .map(|a| roster.assignment(*a).unwrap().volunteer()).collect();
                    let model_queue: Vec<VolunteerId> = model.queue[i].iter().map(|n| v(*n)).collect();
                    prop_assert_eq!(queue, model_queue);
                }
                // The model's overlap table agrees with the calendar.
                for i in 0..5 {
                    for j in 0..5 {
                        let (x, y) = (cal.get(s[i]).unwrap(), cal.get(s[j]).unwrap());
                        prop_assert_eq!(overlaps(i, j), x.span().overlaps(&y.span()));
                    }
                }
                prop_assert_eq!(Roster::replay(&cal, roster.events()), Ok(roster.clone()));
                // No volunteer holds two overlapping shifts.
                for n in 0..6 {
                    let held: Vec<&Assignment> = roster.held_by(v(n)).collect();
                    for a in &held {
                        for b in &held {
                            if a.id() != b.id() {
                                let (x, y) = (cal.get(a.shift()).unwrap(), cal.get(b.shift()).unwrap());
                                prop_assert!(!x.span().overlaps(&y.span()));
                            }
                        }
                    }
                }
            }
        }
    }
}
