//! Check-in and check-out per assignment, with their source (HRS-01..03).

use core::fmt;

use chrono::{DateTime, FixedOffset};

use crate::AssignmentId;

/// Returned when an attendance command is refused. The attendance is unchanged.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures::at, AssignmentId, Attendance, AttendanceSource};
/// let a = Attendance::checked_in(
///     AssignmentId::from_parts(0, 1),
///     at("2021-07-21T08:00:00+08:00"),
///     AttendanceSource::CodeScan,
/// );
/// let err = a.close(at("2021-07-21T07:00:00+08:00"), AttendanceSource::Kiosk).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "assignment 00000000-0000-7000-8000-000000000001 checked in at 2021-07-21 08:00:00 +08:00: \
///      check-out 2021-07-21 07:00:00 +08:00 must be after it"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttendanceError {
    /// The check-out is not after the check-in (HRS-03: `end <= start` is refused).
    #[error(
        "assignment {assignment} checked in at {check_in}: check-out {check_out} must be after it"
    )]
    CheckOutNotAfterCheckIn {
        /// The assignment.
        assignment: AssignmentId,
        /// The check-in instant.
        check_in: DateTime<FixedOffset>,
        /// The rejected check-out instant.
        check_out: DateTime<FixedOffset>,
    },
    /// The assignment was already checked out; attendance is never overwritten.
    #[error("assignment {assignment} was already checked out at {at}")]
    AlreadyCheckedOut {
        /// The assignment.
        assignment: AssignmentId,
        /// The existing check-out.
        at: DateTime<FixedOffset>,
    },
}

/// How a check-in or check-out was captured.
///
/// Serialised in snake case: `"code_scan"`, `"leader_roll_call"`, `"kiosk"`, `"manual_entry"`.
///
/// # Example
/// ```
/// use volunteer_service::AttendanceSource;
/// assert_eq!(AttendanceSource::LeaderRollCall.to_string(), "leader roll-call");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum AttendanceSource {
    /// The volunteer scanned a code or QR code (扫码签到).
    CodeScan,
    /// The activity leader called the roll (点名).
    LeaderRollCall,
    /// A kiosk or sign-in terminal.
    Kiosk,
    /// A recorder entered the time by hand (补录), e.g. from a paper sign-in sheet.
    ManualEntry,
}

impl fmt::Display for AttendanceSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CodeScan => "code scan",
            Self::LeaderRollCall => "leader roll-call",
            Self::Kiosk => "kiosk",
            Self::ManualEntry => "manual entry",
        })
    }
}

/// One check-in or check-out: the instant (with its offset) and how it was captured.
///
/// Serialised as `{"at": "<rfc3339>", "source": "<source>"}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures::at, AttendanceSource, Punch};
/// let p = Punch::new(at("2021-07-21T08:00:00+08:00"), AttendanceSource::Kiosk);
/// assert_eq!(p.source(), AttendanceSource::Kiosk);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Punch {
    at: DateTime<FixedOffset>,
    source: AttendanceSource,
}

impl Punch {
    /// A punch at `at` captured by `source`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, AttendanceSource, Punch};
    /// let p = Punch::new(at("2021-07-21T08:00:00+08:00"), AttendanceSource::CodeScan);
    /// assert_eq!(p.at(), at("2021-07-21T00:00:00Z"));
    /// ```
    pub const fn new(at: DateTime<FixedOffset>, source: AttendanceSource) -> Self {
        Self { at, source }
    }

    /// The instant.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, AttendanceSource, Punch};
    /// let p = Punch::new(at("2021-07-21T08:00:00+08:00"), AttendanceSource::Kiosk);
    /// assert_eq!(p.at(), at("2021-07-21T08:00:00+08:00"));
    /// assert_eq!(p.at().offset().local_minus_utc(), 8 * 3600); // the offset is kept
    /// ```
    pub const fn at(&self) -> DateTime<FixedOffset> {
        self.at
    }

    /// How it was captured.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, AttendanceSource, Punch};
    /// let p = Punch::new(at("2021-07-21T08:00:00+08:00"), AttendanceSource::LeaderRollCall);
    /// assert_eq!(p.source(), AttendanceSource::LeaderRollCall);
    /// ```
    pub const fn source(&self) -> AttendanceSource {
        self.source
    }
}

/// The attendance of one assignment: a check-in and, once closed, a check-out after it.
///
/// A missing check-out credits nothing until the attendance is closed (HRS-03). Closing
/// returns a new value; a check-out is never overwritten.
///
/// Serialised as `{"assignment", "check_in": Punch, "check_out": Punch | null}`;
/// deserialisation re-checks that the check-out is after the check-in.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures::at, AssignmentId, Attendance, AttendanceSource};
/// let open = Attendance::checked_in(
///     AssignmentId::from_parts(0, 1),
///     at("2021-07-21T07:50:00+08:00"),
///     AttendanceSource::CodeScan,
/// );
/// assert!(open.is_open());
/// let closed = open.close(at("2021-07-21T12:05:00+08:00"), AttendanceSource::CodeScan)?;
/// assert_eq!(closed.check_out().map(|p| p.at()), Some(at("2021-07-21T12:05:00+08:00")));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "AttendanceWire", into = "AttendanceWire")
)]
pub struct Attendance {
    assignment: AssignmentId,
    check_in: Punch,
    check_out: Option<Punch>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct AttendanceWire {
    assignment: AssignmentId,
    check_in: Punch,
    check_out: Option<Punch>,
}

#[cfg(feature = "serde")]
impl TryFrom<AttendanceWire> for Attendance {
    type Error = AttendanceError;
    fn try_from(w: AttendanceWire) -> Result<Self, AttendanceError> {
        let open = Attendance::checked_in(w.assignment, w.check_in.at, w.check_in.source);
        match w.check_out {
            Some(p) => open.close(p.at, p.source),
            None => Ok(open),
        }
    }
}

#[cfg(feature = "serde")]
impl From<Attendance> for AttendanceWire {
    fn from(a: Attendance) -> Self {
        Self {
            assignment: a.assignment,
            check_in: a.check_in,
            check_out: a.check_out,
        }
    }
}

impl Attendance {
    /// Opens the attendance of `assignment` with a check-in.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, AssignmentId, Attendance, AttendanceSource};
    /// let a = Attendance::checked_in(
    ///     AssignmentId::from_parts(0, 1),
    ///     at("2021-07-21T08:00:00+08:00"),
    ///     AttendanceSource::LeaderRollCall,
    /// );
    /// assert_eq!(a.check_in().source(), AttendanceSource::LeaderRollCall);
    /// ```
    pub const fn checked_in(
        assignment: AssignmentId,
        at: DateTime<FixedOffset>,
        source: AttendanceSource,
    ) -> Self {
        Self {
            assignment,
            check_in: Punch::new(at, source),
            check_out: None,
        }
    }

    /// Closes the attendance with a check-out, returning the closed value.
    ///
    /// # Errors
    /// [`AttendanceError::AlreadyCheckedOut`] if it is closed;
    /// [`AttendanceError::CheckOutNotAfterCheckIn`] if `at` is not after the check-in.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, AssignmentId, Attendance, AttendanceSource};
    /// let a = Attendance::checked_in(
    ///     AssignmentId::from_parts(0, 1),
    ///     at("2021-07-21T08:00:00+08:00"),
    ///     AttendanceSource::Kiosk,
    /// )
    /// .close(at("2021-07-21T10:00:00+08:00"), AttendanceSource::Kiosk)?;
    /// assert!(a.close(at("2021-07-21T11:00:00+08:00"), AttendanceSource::Kiosk).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn close(
        &self,
        at: DateTime<FixedOffset>,
        source: AttendanceSource,
    ) -> Result<Self, AttendanceError> {
        if let Some(existing) = self.check_out {
            return Err(AttendanceError::AlreadyCheckedOut {
                assignment: self.assignment,
                at: existing.at,
            });
        }
        if at <= self.check_in.at {
            return Err(AttendanceError::CheckOutNotAfterCheckIn {
                assignment: self.assignment,
                check_in: self.check_in.at,
                check_out: at,
            });
        }
        Ok(Self {
            check_out: Some(Punch::new(at, source)),
            ..*self
        })
    }

    /// The assignment.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, AssignmentId, Attendance, AttendanceSource};
    /// let id = AssignmentId::from_parts(0, 1);
    /// let a = Attendance::checked_in(id, at("2021-07-21T08:00:00+08:00"), AttendanceSource::CodeScan);
    /// assert_eq!(a.assignment(), id);
    /// ```
    pub const fn assignment(&self) -> AssignmentId {
        self.assignment
    }

    /// The check-in.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, AssignmentId, Attendance, AttendanceSource, Punch};
    /// let t = at("2021-07-21T08:00:00+08:00");
    /// let a = Attendance::checked_in(AssignmentId::from_parts(0, 1), t, AttendanceSource::CodeScan);
    /// assert_eq!(a.check_in(), Punch::new(t, AttendanceSource::CodeScan));
    /// ```
    pub const fn check_in(&self) -> Punch {
        self.check_in
    }

    /// The check-out, if closed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, AssignmentId, Attendance, AttendanceSource};
    /// let a = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T08:00:00+08:00"), AttendanceSource::CodeScan);
    /// assert_eq!(a.check_out(), None);
    /// let closed = a.close(at("2021-07-21T12:00:00+08:00"), AttendanceSource::Kiosk)?;
    /// assert_eq!(closed.check_out().map(|p| p.at()), Some(at("2021-07-21T12:00:00+08:00")));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn check_out(&self) -> Option<Punch> {
        self.check_out
    }

    /// Whether the check-out is missing.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, AssignmentId, Attendance, AttendanceSource};
    /// let a = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T08:00:00+08:00"), AttendanceSource::CodeScan);
    /// assert!(a.is_open());
    /// assert!(!a.close(at("2021-07-21T12:00:00+08:00"), AttendanceSource::Kiosk)?.is_open());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn is_open(&self) -> bool {
        self.check_out.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc_fixtures::at;

    fn open() -> Attendance {
        Attendance::checked_in(
            AssignmentId::from_parts(0, 1),
            at("2021-07-21T08:00:00+08:00"),
            AttendanceSource::CodeScan,
        )
    }

    #[test]
    fn check_out_must_follow_check_in() {
        let a = open();
        assert_eq!(
            a.close(at("2021-07-21T08:00:00+08:00"), AttendanceSource::Kiosk),
            Err(AttendanceError::CheckOutNotAfterCheckIn {
                assignment: a.assignment(),
                check_in: at("2021-07-21T08:00:00+08:00"),
                check_out: at("2021-07-21T08:00:00+08:00"),
            })
        );
        assert!(a.is_open());
    }

    #[test]
    fn a_check_out_is_never_overwritten() {
        let closed = open()
            .close(at("2021-07-21T09:00:00+08:00"), AttendanceSource::Kiosk)
            .unwrap();
        let err = closed
            .close(at("2021-07-21T10:00:00+08:00"), AttendanceSource::Kiosk)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "assignment 00000000-0000-7000-8000-000000000001 was already checked out at \
             2021-07-21 09:00:00 +08:00"
        );
        assert_eq!(
            closed.check_out().map(|p| p.at()),
            Some(at("2021-07-21T09:00:00+08:00"))
        );
    }

    #[test]
    fn sources_display() {
        assert_eq!(AttendanceSource::CodeScan.to_string(), "code scan");
        assert_eq!(AttendanceSource::ManualEntry.to_string(), "manual entry");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn deserialising_rechecks_order() {
        let json = r#"{"assignment":"00000000-0000-7000-8000-000000000001",
            "check_in":{"at":"2021-07-21T08:00:00+08:00","source":"kiosk"},
            "check_out":{"at":"2021-07-21T07:00:00+08:00","source":"kiosk"}}"#;
        assert!(serde_json::from_str::<Attendance>(json).is_err());
        let good = open()
            .close(at("2021-07-21T09:00:00+08:00"), AttendanceSource::Kiosk)
            .unwrap();
        let back: Attendance =
            serde_json::from_str(&serde_json::to_string(&good).unwrap()).unwrap();
        assert_eq!(back, good);
    }
}
