//! The crediting policy: from attendance and the shift to credited service minutes
//! (HRS-01..07).
//!
//! All arithmetic is on whole minutes since the Unix epoch (`i64`); no floating point. The
//! steps, in order:
//! 1. **Punches** are rounded inwards to whole minutes (check-in up, check-out down), so a
//!    partial minute is never credited.
//! 2. **Clip to the shift**: time before the shift start and after its end is not credited; a
//!    late arrival moves the start, an early leave moves the end (HRS-01).
//! 3. **Breaks** declared for the shift are subtracted (overlapping breaks count once).
//! 4. **Travel** is never credited; declared travel is reported, not added.
//! 5. **Rounding**: with a rounding unit, the total is rounded *down* to whole units; the
//!    remainder is taken from the end of the served time.
//! 6. **Caps** (HRS-04), in this order: per local day (the day in the shift's start offset —
//!    an overnight shift is split across two days), per activity, per account. Each counts the
//!    minutes already credited, given as [`PriorCredits`]; cut minutes are taken from the end.
//! 7. A **missing check-out** credits nothing; with `auto_close_after`, an attendance still
//!    open that long after the shift end is closed at the shift end and flagged
//!    [`CreditStatus::AutoClosed`].
//!
//! Every [`Credit`] carries the policy's [`PolicyVersion`] and a breakdown of every minute
//! attended but not credited: `attended = credited + Σ excluded lines`, except the
//! informational lines [`Exclusion::LateArrival`], [`Exclusion::EarlyLeave`] and
//! [`Exclusion::Travel`], which are time not attended.

use core::fmt;
use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::{ActivityId, Attendance, Minutes, TimeSpan};

/// Returned when a crediting policy is invalid.
///
/// # Example
/// ```
/// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
/// let err = CreditingPolicy::builder(PolicyVersion::new(1))
///     .rounding_unit(Minutes::ZERO)
///     .build()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "crediting policy v1: rounding_unit is 0:00, expected at least one minute");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CreditingError {
    /// A unit, cap or delay was zero.
    #[error("crediting policy {version}: {field} is 0:00, expected at least one minute")]
    ZeroLimit {
        /// The policy version.
        version: PolicyVersion,
        /// `"rounding_unit"`, `"per_activity_max"`, `"per_day_max"`, `"account_cap"` or
        /// `"auto_close_after"`.
        field: &'static str,
    },
}

/// The version of a crediting policy, stamped on every credit so old totals stay
/// reproducible after a rule change. Displays as `v<n>`; serialised as a bare number.
///
/// # Example
/// ```
/// use volunteer_service::PolicyVersion;
/// assert_eq!(PolicyVersion::new(3).to_string(), "v3");
/// assert!(PolicyVersion::new(2) < PolicyVersion::new(3));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct PolicyVersion(u32);

impl PolicyVersion {
    /// Wraps a version number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::PolicyVersion;
    /// assert_eq!(PolicyVersion::new(7).get(), 7);
    /// ```
    pub const fn new(version: u32) -> Self {
        Self(version)
    }

    /// The version number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::PolicyVersion;
    /// assert_eq!(PolicyVersion::new(7).get(), 7);
    /// ```
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for PolicyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// A crediting policy: data with a version (HRS-04's `HourPolicy`).
///
/// Serialised as `{"version", "rounding_unit", "per_activity_max", "per_day_max",
/// "account_cap", "auto_close_after"}` (minutes or `null`); deserialisation re-validates.
///
/// # Example
/// ```
/// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
/// // Hailin community points: at most 2 h per activity (HRS-04).
/// let hailin = CreditingPolicy::builder(PolicyVersion::new(1))
///     .per_activity_max(Minutes::from_hm(2, 0)?)
///     .build()?;
/// assert_eq!(hailin.per_activity_max(), Some(Minutes::new(120)));
/// assert_eq!(hailin.per_day_max(), None);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "PolicyWire", into = "PolicyWire")
)]
pub struct CreditingPolicy {
    version: PolicyVersion,
    rounding_unit: Option<Minutes>,
    per_activity_max: Option<Minutes>,
    per_day_max: Option<Minutes>,
    account_cap: Option<Minutes>,
    auto_close_after: Option<Minutes>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct PolicyWire {
    version: PolicyVersion,
    rounding_unit: Option<Minutes>,
    per_activity_max: Option<Minutes>,
    per_day_max: Option<Minutes>,
    account_cap: Option<Minutes>,
    auto_close_after: Option<Minutes>,
}

#[cfg(feature = "serde")]
impl TryFrom<PolicyWire> for CreditingPolicy {
    type Error = CreditingError;
    fn try_from(w: PolicyWire) -> Result<Self, CreditingError> {
        CreditingPolicyBuilder(CreditingPolicy {
            version: w.version,
            rounding_unit: w.rounding_unit,
            per_activity_max: w.per_activity_max,
            per_day_max: w.per_day_max,
            account_cap: w.account_cap,
            auto_close_after: w.auto_close_after,
        })
        .build()
    }
}

#[cfg(feature = "serde")]
impl From<CreditingPolicy> for PolicyWire {
    fn from(p: CreditingPolicy) -> Self {
        Self {
            version: p.version,
            rounding_unit: p.rounding_unit,
            per_activity_max: p.per_activity_max,
            per_day_max: p.per_day_max,
            account_cap: p.account_cap,
            auto_close_after: p.auto_close_after,
        }
    }
}

/// Builds a [`CreditingPolicy`]; every limit is optional.
///
/// # Example
/// ```
/// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
/// let p = CreditingPolicy::builder(PolicyVersion::new(2))
///     .rounding_unit(Minutes::new(30))
///     .per_day_max(Minutes::from_hm(8, 0)?)
///     .auto_close_after(Minutes::from_hm(2, 0)?)
///     .build()?;
/// assert_eq!(p.rounding_unit(), Some(Minutes::new(30)));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CreditingPolicyBuilder(CreditingPolicy);

impl CreditingPolicyBuilder {
    /// Rounds the credited total down to whole multiples of `unit`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let policy = CreditingPolicy::builder(PolicyVersion::new(1)).rounding_unit(Minutes::new(60)).build()?;
    /// assert_eq!(policy.credit(&req).credited(), Minutes::new(180));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn rounding_unit(mut self, unit: Minutes) -> Self {
        self.0.rounding_unit = Some(unit);
        self
    }
    /// Credits at most `max` per volunteer and activity, counting earlier credits.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion, PriorCredits};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let policy = CreditingPolicy::builder(PolicyVersion::new(1)).per_activity_max(Minutes::new(120)).build()?;
    /// let req = req.prior(PriorCredits::none().activity(Minutes::new(60)));
    /// assert_eq!(policy.credit(&req).credited(), Minutes::new(60));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn per_activity_max(mut self, max: Minutes) -> Self {
        self.0.per_activity_max = Some(max);
        self
    }
    /// Credits at most `max` per volunteer and local day, counting earlier credits.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion, PriorCredits};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let policy = CreditingPolicy::builder(PolicyVersion::new(1)).per_day_max(Minutes::new(180)).build()?;
    /// let day: NaiveDate = "2021-07-21".parse().expect("date");
    /// let req = req.prior(PriorCredits::none().day(day, Minutes::new(60)));
    /// assert_eq!(policy.credit(&req).days(), [(day, Minutes::new(120))]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn per_day_max(mut self, max: Minutes) -> Self {
        self.0.per_day_max = Some(max);
        self
    }
    /// Credits at most `cap` to a volunteer's account in total.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Exclusion, Minutes, PolicyVersion, PriorCredits};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let policy = CreditingPolicy::builder(PolicyVersion::new(1)).account_cap(Minutes::new(1000)).build()?;
    /// let credit = policy.credit(&req.prior(PriorCredits::none().account(Minutes::new(900))));
    /// assert_eq!(credit.credited(), Minutes::new(100));
    /// assert_eq!(credit.excluded(Exclusion::AccountCap), Minutes::new(130));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn account_cap(mut self, cap: Minutes) -> Self {
        self.0.account_cap = Some(cap);
        self
    }
    /// Closes an attendance still open `delay` after the shift end at the shift end, flagged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance,
    ///     AttendanceSource, CreditRequest, CreditStatus, CreditingPolicy, Minutes, PolicyVersion};
    /// let open = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T08:00:00+08:00"),
    ///     AttendanceSource::CodeScan); // never checked out
    /// let shift = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// let req = CreditRequest::new(ActivityId::from_parts(0, 2), shift, open, at("2021-07-21T14:00:00+08:00"));
    /// let policy = CreditingPolicy::builder(PolicyVersion::new(1)).auto_close_after(Minutes::new(120)).build()?;
    /// let credit = policy.credit(&req);
    /// assert_eq!(credit.status(), CreditStatus::AutoClosed { at: shift.end() });
    /// assert_eq!(credit.credited(), Minutes::new(240));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn auto_close_after(mut self, delay: Minutes) -> Self {
        self.0.auto_close_after = Some(delay);
        self
    }

    /// Checks and returns the policy.
    ///
    /// # Errors
    /// [`CreditingError::ZeroLimit`] if any given limit is zero.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingError, CreditingPolicy, Minutes, PolicyVersion};
    /// let b = CreditingPolicy::builder(PolicyVersion::new(1));
    /// assert_eq!(b.per_day_max(Minutes::new(480)).build()?.per_day_max(), Some(Minutes::new(480)));
    /// assert!(matches!(b.per_day_max(Minutes::ZERO).build(),
    ///     Err(CreditingError::ZeroLimit { field: "per_day_max", .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn build(self) -> Result<CreditingPolicy, CreditingError> {
        let p = self.0;
        for (field, value) in [
            ("rounding_unit", p.rounding_unit),
            ("per_activity_max", p.per_activity_max),
            ("per_day_max", p.per_day_max),
            ("account_cap", p.account_cap),
            ("auto_close_after", p.auto_close_after),
        ] {
            if value == Some(Minutes::ZERO) {
                return Err(CreditingError::ZeroLimit {
                    version: p.version,
                    field,
                });
            }
        }
        Ok(p)
    }
}

/// Minutes already credited to the volunteer, which the caps count (HRS-04).
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{Minutes, PriorCredits};
/// let day: NaiveDate = "2021-07-21".parse()?;
/// let prior = PriorCredits::none().day(day, Minutes::new(60)).account(Minutes::new(600));
/// assert_eq!(prior.on_day(day), Minutes::new(60));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PriorCredits {
    activity: Minutes,
    account: Minutes,
    days: BTreeMap<NaiveDate, Minutes>,
}

impl PriorCredits {
    /// Nothing credited yet.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, PriorCredits};
    /// let p = PriorCredits::none();
    /// assert_eq!((p.on_account(), p.on_activity()), (Minutes::ZERO, Minutes::ZERO));
    /// assert_eq!(p.on_day("2021-07-21".parse().expect("date")), Minutes::ZERO);
    /// ```
    pub fn none() -> Self {
        Self::default()
    }
    /// Minutes already credited for the same activity.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, PriorCredits};
    /// let p = PriorCredits::none().activity(Minutes::new(90));
    /// assert_eq!(p.on_activity(), Minutes::new(90));
    /// assert_eq!(p.on_account(), Minutes::ZERO); // set separately
    /// ```
    #[must_use]
    pub fn activity(mut self, minutes: Minutes) -> Self {
        self.activity = minutes;
        self
    }
    /// Minutes already credited to the account.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, PriorCredits};
    /// let p = PriorCredits::none().account(Minutes::new(600));
    /// assert_eq!(p.on_account(), Minutes::new(600));
    /// assert_eq!(p.on_activity(), Minutes::ZERO); // set separately
    /// ```
    #[must_use]
    pub fn account(mut self, minutes: Minutes) -> Self {
        self.account = minutes;
        self
    }
    /// Minutes already credited on a local day.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{Minutes, PriorCredits};
    /// let (d1, d2): (NaiveDate, NaiveDate) = ("2021-07-21".parse().expect("date"), "2021-07-22".parse().expect("date"));
    /// let p = PriorCredits::none().day(d1, Minutes::new(60)).day(d2, Minutes::new(30));
    /// assert_eq!((p.on_day(d1), p.on_day(d2)), (Minutes::new(60), Minutes::new(30)));
    /// ```
    #[must_use]
    pub fn day(mut self, day: NaiveDate, minutes: Minutes) -> Self {
        self.days.insert(day, minutes);
        self
    }
    /// Minutes already credited on `day`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{Minutes, PriorCredits};
    /// let day: NaiveDate = "2021-07-21".parse().expect("date");
    /// let p = PriorCredits::none().day(day, Minutes::new(60));
    /// assert_eq!(p.on_day(day), Minutes::new(60));
    /// assert_eq!(p.on_day(day.succ_opt().expect("date")), Minutes::ZERO);
    /// ```
    pub fn on_day(&self, day: NaiveDate) -> Minutes {
        self.days.get(&day).copied().unwrap_or(Minutes::ZERO)
    }
    /// Minutes already credited for the activity.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, PriorCredits};
    /// assert_eq!(PriorCredits::none().on_activity(), Minutes::ZERO);
    /// assert_eq!(PriorCredits::none().activity(Minutes::new(45)).on_activity(), Minutes::new(45));
    /// ```
    pub fn on_activity(&self) -> Minutes {
        self.activity
    }
    /// Minutes already credited to the account.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, PriorCredits};
    /// assert_eq!(PriorCredits::none().on_account(), Minutes::ZERO);
    /// assert_eq!(PriorCredits::none().account(Minutes::new(600)).on_account(), Minutes::new(600));
    /// ```
    pub fn on_account(&self) -> Minutes {
        self.account
    }
}

/// What the policy is asked to credit: one attendance on one shift.
///
/// Serialised as `{"activity", "shift", "attendance", "breaks", "travel", "prior", "now"}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance,
///     AttendanceSource, CreditRequest, Minutes};
/// let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T08:00:00+08:00"),
///     AttendanceSource::CodeScan)
///     .close(at("2021-07-21T12:00:00+08:00"), AttendanceSource::CodeScan)?;
/// let req = CreditRequest::new(ActivityId::from_parts(0, 2),
///     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att,
///     at("2021-07-21T12:00:00+08:00"))
///     .travel(Minutes::new(40));
/// assert_eq!(req.shift().minutes(), Minutes::new(240));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditRequest {
    activity: ActivityId,
    shift: TimeSpan,
    attendance: Attendance,
    breaks: Vec<TimeSpan>,
    travel: Minutes,
    prior: PriorCredits,
    now: DateTime<FixedOffset>,
}

impl CreditRequest {
    /// A request for `attendance` on a shift of `activity` spanning `shift`, evaluated at
    /// `now` (used only for the automatic close).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance,
    ///     AttendanceSource, CreditRequest};
    /// let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T08:00:00+08:00"),
    ///     AttendanceSource::CodeScan);
    /// let shift = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// let req = CreditRequest::new(ActivityId::from_parts(0, 2), shift, att, at("2021-07-21T12:00:00+08:00"));
    /// assert_eq!((req.activity(), req.shift()), (ActivityId::from_parts(0, 2), shift));
    /// ```
    pub fn new(
        activity: ActivityId,
        shift: TimeSpan,
        attendance: Attendance,
        now: DateTime<FixedOffset>,
    ) -> Self {
        Self {
            activity,
            shift,
            attendance,
            breaks: Vec::new(),
            travel: Minutes::ZERO,
            prior: PriorCredits::none(),
            now,
        }
    }
    /// Declares a break to subtract.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Exclusion, Minutes, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let req = req.break_span(span("2021-07-21T10:00:00+08:00", "2021-07-21T10:30:00+08:00"));
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(1)).build()?.credit(&req);
    /// assert_eq!(credit.excluded(Exclusion::Break), Minutes::new(30));
    /// assert_eq!(credit.credited(), Minutes::new(200));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn break_span(mut self, span: TimeSpan) -> Self {
        self.breaks.push(span);
        self
    }
    /// Declares travel time (reported, never credited).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Exclusion, Minutes, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(1)).build()?.credit(&req.travel(Minutes::new(40)));
    /// assert_eq!(credit.excluded(Exclusion::Travel), Minutes::new(40)); // reported
    /// assert_eq!(credit.credited(), Minutes::new(230)); // not credited
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn travel(mut self, minutes: Minutes) -> Self {
        self.travel = minutes;
        self
    }
    /// The minutes already credited, for the caps.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Exclusion, Minutes, PolicyVersion, PriorCredits};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let policy = CreditingPolicy::builder(PolicyVersion::new(1)).per_activity_max(Minutes::new(240)).build()?;
    /// let credit = policy.credit(&req.prior(PriorCredits::none().activity(Minutes::new(200))));
    /// assert_eq!(credit.credited(), Minutes::new(40));
    /// assert_eq!(credit.excluded(Exclusion::ActivityCap), Minutes::new(190));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn prior(mut self, prior: PriorCredits) -> Self {
        self.prior = prior;
        self
    }
    /// The activity.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// assert_eq!(req.activity(), ActivityId::from_parts(0, 2));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn activity(&self) -> ActivityId {
        self.activity
    }
    /// The shift's span.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // An 08:00–12:00 shift.
    /// assert_eq!(req.shift().minutes(), Minutes::new(240));
    /// assert_eq!(req.shift().start(), at("2021-07-21T08:00:00+08:00"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn shift(&self) -> TimeSpan {
        self.shift
    }
    /// The attendance.
    ///
    /// # Example
    /// ```
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Checked in at 07:50 and out at 11:50.
    /// assert_eq!(req.attendance().check_in().at(), at("2021-07-21T07:50:00+08:00"));
    /// assert!(!req.attendance().is_open());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn attendance(&self) -> &Attendance {
        &self.attendance
    }
}

/// Why attended (or scheduled) minutes were not credited.
///
/// Serialised in snake case; `daily_cap` carries its date: `{"daily_cap": "2021-07-21"}`.
///
/// # Example
/// ```
/// use volunteer_service::Exclusion;
/// assert_eq!(Exclusion::Break.to_string(), "declared break");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Exclusion {
    /// Attended before the shift start.
    BeforeShiftStart,
    /// Attended after the shift end.
    AfterShiftEnd,
    /// Shift time before a late check-in (not attended; informational).
    LateArrival,
    /// Shift time after an early check-out (not attended; informational).
    EarlyLeave,
    /// A declared break.
    Break,
    /// Declared travel (not attended time; never credited, HRS-01).
    Travel,
    /// The remainder below the rounding unit.
    Rounding,
    /// Over the per-day cap on that local day.
    DailyCap(NaiveDate),
    /// Over the per-activity cap.
    ActivityCap,
    /// Over the account cap.
    AccountCap,
}

impl Exclusion {
    /// Whether the line is attended time (it counts in `attended = credited + Σ lines`).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Exclusion;
    /// assert!(Exclusion::Break.is_attended());
    /// assert!(!Exclusion::Travel.is_attended());
    /// ```
    pub const fn is_attended(self) -> bool {
        !matches!(self, Self::LateArrival | Self::EarlyLeave | Self::Travel)
    }
}

impl fmt::Display for Exclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BeforeShiftStart => f.write_str("before the shift start"),
            Self::AfterShiftEnd => f.write_str("after the shift end"),
            Self::LateArrival => f.write_str("late arrival"),
            Self::EarlyLeave => f.write_str("early leave"),
            Self::Break => f.write_str("declared break"),
            Self::Travel => f.write_str("travel"),
            Self::Rounding => f.write_str("rounding"),
            Self::DailyCap(d) => write!(f, "daily cap on {d}"),
            Self::ActivityCap => f.write_str("activity cap"),
            Self::AccountCap => f.write_str("account cap"),
        }
    }
}

/// One line of a credit's breakdown: minutes not credited and why.
///
/// # Example
/// ```
/// use volunteer_service::{CreditLine, Exclusion, Minutes};
/// let line = CreditLine { reason: Exclusion::Rounding, minutes: Minutes::new(5) };
/// assert_eq!(line.to_string(), "0:05 rounding");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditLine {
    /// Why.
    pub reason: Exclusion,
    /// How many minutes.
    pub minutes: Minutes,
}

impl fmt::Display for CreditLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.minutes, self.reason)
    }
}

/// Whether the attendance was closed, closed automatically, or is still open.
///
/// # Example
/// ```
/// use volunteer_service::CreditStatus;
/// assert_ne!(CreditStatus::Closed, CreditStatus::Open);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum CreditStatus {
    /// Checked out.
    Closed,
    /// No check-out; closed automatically at the shift end (flagged for review).
    AutoClosed {
        /// The assumed check-out (the shift end).
        at: DateTime<FixedOffset>,
    },
    /// No check-out yet: nothing is credited (HRS-03).
    Open,
}

/// The result of crediting: the credited minutes, the served interval, the split per local
/// day, the breakdown, and the policy version.
///
/// Serialised as `{"policy", "status", "attended", "credited", "served", "days", "lines"}`
/// (output only).
///
/// # Example
/// See [`CreditingPolicy::credit`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Credit {
    policy: PolicyVersion,
    status: CreditStatus,
    attended: Minutes,
    credited: Minutes,
    served: Option<TimeSpan>,
    days: Vec<(NaiveDate, Minutes)>,
    lines: Vec<CreditLine>,
}

impl Credit {
    /// The policy version that produced this credit.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(4)).build()?.credit(&req);
    /// assert_eq!(credit.policy(), PolicyVersion::new(4));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn policy(&self) -> PolicyVersion {
        self.policy
    }
    /// Closed, automatically closed, or open.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditStatus, CreditingPolicy, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(1)).build()?.credit(&req);
    /// assert_eq!(credit.status(), CreditStatus::Closed); // checked out
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn status(&self) -> CreditStatus {
        self.status
    }
    /// Minutes between the (rounded) check-in and check-out.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(1)).build()?.credit(&req);
    /// assert_eq!(credit.attended(), Minutes::new(240)); // includes the 10 minutes before the start
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn attended(&self) -> Minutes {
        self.attended
    }
    /// Minutes credited.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(1)).build()?.credit(&req);
    /// assert_eq!(credit.credited(), Minutes::new(230));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn credited(&self) -> Minutes {
        self.credited
    }
    /// The part of the shift actually served (clipped to the shift), if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(1)).build()?.credit(&req);
    /// assert_eq!(credit.served(), Some(span("2021-07-21T08:00:00+08:00", "2021-07-21T11:50:00+08:00")));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn served(&self) -> Option<TimeSpan> {
        self.served
    }
    /// Credited minutes per local day of the shift's offset.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(1)).build()?.credit(&req);
    /// assert_eq!(credit.days(), [("2021-07-21".parse::<chrono::NaiveDate>().expect("date"), Minutes::new(230))]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn days(&self) -> &[(NaiveDate, Minutes)] {
        &self.days
    }
    /// The breakdown of minutes not credited.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditLine, CreditingPolicy, Exclusion, Minutes, PolicyVersion};
    /// # use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance, AttendanceSource, CreditRequest};
    /// # let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T07:50:00+08:00"),
    /// #     AttendanceSource::CodeScan).close(at("2021-07-21T11:50:00+08:00"), AttendanceSource::CodeScan)?;
    /// # let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    /// #     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// // Attended 07:50–11:50 on an 08:00–12:00 shift: 230 minutes within the shift.
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(1)).build()?.credit(&req);
    /// assert_eq!(credit.lines(), [
    ///     CreditLine { reason: Exclusion::BeforeShiftStart, minutes: Minutes::new(10) },
    ///     CreditLine { reason: Exclusion::EarlyLeave, minutes: Minutes::new(10) },
    /// ]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn lines(&self) -> &[CreditLine] {
        &self.lines
    }
    /// The minutes of all lines with `reason`.
    ///
    /// # Example
    /// See [`CreditingPolicy::credit`].
    pub fn excluded(&self, reason: Exclusion) -> Minutes {
        Minutes::new(
            self.lines
                .iter()
                .filter(|l| l.reason == reason)
                .map(|l| l.minutes.get())
                .sum(),
        )
    }
}

fn floor_min(t: DateTime<FixedOffset>) -> i64 {
    t.timestamp().div_euclid(60)
}

fn ceil_min(t: DateTime<FixedOffset>) -> i64 {
    let s = t.timestamp();
    let extra = i64::from(s.rem_euclid(60) != 0 || t.timestamp_subsec_nanos() != 0);
    s.div_euclid(60) + extra
}

fn to_minutes(m: i64) -> Minutes {
    Minutes::new(u32::try_from(m.max(0)).unwrap_or(u32::MAX))
}

fn instant(minute: i64, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp(minute.checked_mul(60)?, 0).map(|t| t.with_timezone(&offset))
}

/// Takes up to `cut` minutes from the end of the per-day split; returns what was taken.
fn cut_from_end(days: &mut [(NaiveDate, i64)], mut cut: i64) -> i64 {
    let mut taken = 0;
    for (_, m) in days.iter_mut().rev() {
        if cut <= 0 {
            break;
        }
        let t = cut.min(*m);
        *m -= t;
        cut -= t;
        taken += t;
    }
    taken
}

/// Splits `[ws, we)` (Unix minutes) per local day of `offset`, minus the declared breaks
/// (clipped and merged); returns the days and the break minutes.
fn split_days(
    ws: i64,
    we: i64,
    declared: &[TimeSpan],
    offset: FixedOffset,
    fallback: DateTime<FixedOffset>,
) -> (Vec<(NaiveDate, i64)>, i64) {
    // Breaks clipped to the window and merged.
    let mut breaks: Vec<(i64, i64)> = declared
        .iter()
        .map(|b| (floor_min(b.start()).max(ws), ceil_min(b.end()).min(we)))
        .filter(|(a, b)| a < b)
        .collect();
    breaks.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(breaks.len());
    for (a, b) in breaks {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }

    // Split the window per local day of the shift's offset, minus breaks.
    let off = i64::from(offset.local_minus_utc()).div_euclid(60);
    let mut days: Vec<(NaiveDate, i64)> = Vec::new();
    let mut break_total = 0;
    let mut cursor = ws;
    while cursor < we {
        let day_index = (cursor + off).div_euclid(1440);
        let next = ((day_index + 1) * 1440 - off).min(we);
        let in_breaks: i64 = merged
            .iter()
            .map(|&(a, b)| (b.min(next) - a.max(cursor)).max(0))
            .sum();
        break_total += in_breaks;
        let date =
            instant(cursor, offset).map_or_else(|| fallback.date_naive(), |t| t.date_naive());
        days.push((date, next - cursor - in_breaks));
        cursor = next;
    }
    (days, break_total)
}

impl CreditingPolicy {
    /// Starts a policy with no rounding, no caps and no automatic close.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, PolicyVersion};
    /// let p = CreditingPolicy::builder(PolicyVersion::new(1)).build()?;
    /// assert_eq!(p.account_cap(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn builder(version: PolicyVersion) -> CreditingPolicyBuilder {
        CreditingPolicyBuilder(Self {
            version,
            rounding_unit: None,
            per_activity_max: None,
            per_day_max: None,
            account_cap: None,
            auto_close_after: None,
        })
    }

    /// The version.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, PolicyVersion};
    /// let p = CreditingPolicy::builder(PolicyVersion::new(3)).build()?;
    /// assert_eq!(p.version(), PolicyVersion::new(3));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn version(&self) -> PolicyVersion {
        self.version
    }
    /// The rounding unit, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
    /// let b = CreditingPolicy::builder(PolicyVersion::new(1));
    /// assert_eq!(b.build()?.rounding_unit(), None);
    /// assert_eq!(b.rounding_unit(Minutes::new(15)).build()?.rounding_unit(), Some(Minutes::new(15)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn rounding_unit(&self) -> Option<Minutes> {
        self.rounding_unit
    }
    /// The per-activity cap, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
    /// let b = CreditingPolicy::builder(PolicyVersion::new(1));
    /// assert_eq!(b.build()?.per_activity_max(), None);
    /// assert_eq!(b.per_activity_max(Minutes::new(120)).build()?.per_activity_max(), Some(Minutes::new(120)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn per_activity_max(&self) -> Option<Minutes> {
        self.per_activity_max
    }
    /// The per-local-day cap, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
    /// let b = CreditingPolicy::builder(PolicyVersion::new(1));
    /// assert_eq!(b.build()?.per_day_max(), None);
    /// assert_eq!(b.per_day_max(Minutes::new(480)).build()?.per_day_max(), Some(Minutes::new(480)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn per_day_max(&self) -> Option<Minutes> {
        self.per_day_max
    }
    /// The account cap, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
    /// let b = CreditingPolicy::builder(PolicyVersion::new(1));
    /// assert_eq!(b.build()?.account_cap(), None);
    /// assert_eq!(b.account_cap(Minutes::new(6000)).build()?.account_cap(), Some(Minutes::new(6000)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn account_cap(&self) -> Option<Minutes> {
        self.account_cap
    }
    /// The automatic-close delay after the shift end, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CreditingPolicy, Minutes, PolicyVersion};
    /// let b = CreditingPolicy::builder(PolicyVersion::new(1));
    /// assert_eq!(b.build()?.auto_close_after(), None);
    /// assert_eq!(b.auto_close_after(Minutes::new(120)).build()?.auto_close_after(), Some(Minutes::new(120)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn auto_close_after(&self) -> Option<Minutes> {
        self.auto_close_after
    }

    /// The check-out minute and status, or `None` while the attendance is open.
    fn closing(&self, req: &CreditRequest, shift_end: i64) -> Option<(i64, CreditStatus)> {
        if let Some(p) = req.attendance.check_out() {
            return Some((floor_min(p.at()), CreditStatus::Closed));
        }
        let due = req
            .shift
            .end()
            .checked_add_signed(self.auto_close_after?.to_delta())?;
        (req.now >= due).then_some((
            shift_end,
            CreditStatus::AutoClosed {
                at: req.shift.end(),
            },
        ))
    }

    /// Credits one attendance on one shift (see the module documentation for the steps).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::{at, span}, ActivityId, AssignmentId, Attendance,
    ///     AttendanceSource, CreditRequest, CreditingPolicy, Exclusion, Minutes, PolicyVersion};
    /// let policy = CreditingPolicy::builder(PolicyVersion::new(4))
    ///     .rounding_unit(Minutes::new(15))
    ///     .build()?;
    /// // Arrived 10 min early, left 07 min early, 30-min lunch break.
    /// let att = Attendance::checked_in(AssignmentId::from_parts(0, 1),
    ///     at("2021-07-21T07:50:00+08:00"), AttendanceSource::CodeScan)
    ///     .close(at("2021-07-21T11:53:00+08:00"), AttendanceSource::CodeScan)?;
    /// let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    ///     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att,
    ///     at("2021-07-21T12:00:00+08:00"))
    ///     .break_span(span("2021-07-21T10:00:00+08:00", "2021-07-21T10:30:00+08:00"));
    /// let credit = policy.credit(&req);
    /// assert_eq!(credit.policy(), PolicyVersion::new(4));
    /// assert_eq!(credit.excluded(Exclusion::BeforeShiftStart), Minutes::new(10));
    /// assert_eq!(credit.excluded(Exclusion::EarlyLeave), Minutes::new(7));
    /// assert_eq!(credit.excluded(Exclusion::Break), Minutes::new(30));
    /// // 233 − 30 = 203 minutes, rounded down to 195 (13 quarter hours).
    /// assert_eq!(credit.excluded(Exclusion::Rounding), Minutes::new(8));
    /// assert_eq!(credit.credited(), Minutes::new(195));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn credit(&self, req: &CreditRequest) -> Credit {
        let offset = *req.shift.start().offset();
        let s0 = ceil_min(req.shift.start());
        let s1 = floor_min(req.shift.end());
        let ci = ceil_min(req.attendance.check_in().at());
        let mut lines = Vec::new();
        if req.travel > Minutes::ZERO {
            lines.push(CreditLine {
                reason: Exclusion::Travel,
                minutes: req.travel,
            });
        }
        let Some((co, status)) = self.closing(req, s1) else {
            return Credit {
                policy: self.version,
                status: CreditStatus::Open,
                attended: Minutes::ZERO,
                credited: Minutes::ZERO,
                served: None,
                days: Vec::new(),
                lines,
            };
        };
        let mut push = |reason, m: i64| {
            if m > 0 {
                lines.push(CreditLine {
                    reason,
                    minutes: to_minutes(m),
                });
            }
        };
        let attended = (co - ci).max(0);
        push(Exclusion::BeforeShiftStart, co.min(s0) - ci);
        push(Exclusion::AfterShiftEnd, co - ci.max(s1));
        push(Exclusion::LateArrival, ci.min(s1) - s0);
        push(Exclusion::EarlyLeave, s1 - co.max(s0));
        let (ws, we) = (ci.max(s0), co.min(s1));

        let (mut days, break_total) = split_days(ws, we, &req.breaks, offset, req.shift.start());
        push(Exclusion::Break, break_total);

        if let Some(unit) = self.rounding_unit {
            let total: i64 = days.iter().map(|d| d.1).sum();
            let rem = total.rem_euclid(i64::from(unit.get()));
            let taken = cut_from_end(&mut days, rem);
            push(Exclusion::Rounding, taken);
        }
        if let Some(cap) = self.per_day_max {
            for (date, m) in &mut days {
                let allowed =
                    (i64::from(cap.get()) - i64::from(req.prior.on_day(*date).get())).max(0);
                if *m > allowed {
                    push(Exclusion::DailyCap(*date), *m - allowed);
                    *m = allowed;
                }
            }
        }
        for (cap, prior, reason) in [
            (
                self.per_activity_max,
                req.prior.activity,
                Exclusion::ActivityCap,
            ),
            (self.account_cap, req.prior.account, Exclusion::AccountCap),
        ] {
            if let Some(cap) = cap {
                let total: i64 = days.iter().map(|d| d.1).sum();
                let allowed = (i64::from(cap.get()) - i64::from(prior.get())).max(0);
                let taken = cut_from_end(&mut days, total - allowed);
                push(reason, taken);
            }
        }
        let credited: i64 = days.iter().map(|d| d.1).sum();
        let served = match (instant(ws, offset), instant(we, offset)) {
            (Some(a), Some(b)) => TimeSpan::new(a, b).ok(),
            _ => None,
        };
        Credit {
            policy: self.version,
            status,
            attended: to_minutes(attended),
            credited: to_minutes(credited),
            served,
            days: days
                .into_iter()
                .filter(|d| d.1 > 0)
                .map(|(d, m)| (d, to_minutes(m)))
                .collect(),
            lines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc_fixtures::{at, span};
    use crate::{AssignmentId, AttendanceSource};
    use chrono::TimeDelta;
    use proptest::prelude::*;

    fn att(ci: &str, co: Option<&str>) -> Attendance {
        let a = Attendance::checked_in(
            AssignmentId::from_parts(0, 1),
            at(ci),
            AttendanceSource::CodeScan,
        );
        match co {
            Some(co) => a.close(at(co), AttendanceSource::CodeScan).unwrap(),
            None => a,
        }
    }

    fn policy() -> CreditingPolicyBuilder {
        CreditingPolicy::builder(PolicyVersion::new(1))
    }

    fn req(shift: TimeSpan, a: Attendance, now: &str) -> CreditRequest {
        CreditRequest::new(ActivityId::from_parts(0, 2), shift, a, at(now))
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn time_before_start_is_not_credited_and_late_arrival_moves_the_start() {
        let shift = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
        let early = policy().build().unwrap().credit(&req(
            shift,
            att(
                "2021-07-21T07:00:00+08:00",
                Some("2021-07-21T12:00:00+08:00"),
            ),
            "2021-07-21T12:00:00+08:00",
        ));
        assert_eq!(early.credited(), Minutes::new(240));
        assert_eq!(
            early.excluded(Exclusion::BeforeShiftStart),
            Minutes::new(60)
        );
        let late = policy().build().unwrap().credit(&req(
            shift,
            att(
                "2021-07-21T08:45:00+08:00",
                Some("2021-07-21T13:00:00+08:00"),
            ),
            "2021-07-21T13:00:00+08:00",
        ));
        assert_eq!(late.credited(), Minutes::new(195));
        assert_eq!(late.excluded(Exclusion::LateArrival), Minutes::new(45));
        assert_eq!(late.excluded(Exclusion::AfterShiftEnd), Minutes::new(60));
        assert_eq!(
            late.served(),
            Some(span(
                "2021-07-21T08:45:00+08:00",
                "2021-07-21T12:00:00+08:00"
            ))
        );
    }

    #[test]
    fn early_leave_moves_the_end_and_partial_minutes_are_dropped() {
        let shift = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
        let c = policy().build().unwrap().credit(&req(
            shift,
            att(
                "2021-07-21T08:00:30+08:00",
                Some("2021-07-21T11:00:59+08:00"),
            ),
            "2021-07-21T13:00:00+08:00",
        ));
        // Check-in rounds up to 08:01, check-out down to 11:00.
        assert_eq!(c.credited(), Minutes::new(179));
        assert_eq!(c.excluded(Exclusion::EarlyLeave), Minutes::new(60));
    }

    #[test]
    fn breaks_are_subtracted_once_and_travel_never_credited() {
        let shift = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
        let r = req(
            shift,
            att(
                "2021-07-21T08:00:00+08:00",
                Some("2021-07-21T12:00:00+08:00"),
            ),
            "2021-07-21T12:00:00+08:00",
        )
        .break_span(span(
            "2021-07-21T10:00:00+08:00",
            "2021-07-21T10:30:00+08:00",
        ))
        .break_span(span(
            "2021-07-21T10:15:00+08:00",
            "2021-07-21T10:45:00+08:00",
        ))
        .travel(Minutes::new(90));
        let c = policy().build().unwrap().credit(&r);
        assert_eq!(c.credited(), Minutes::new(195));
        assert_eq!(c.excluded(Exclusion::Break), Minutes::new(45));
        assert_eq!(c.excluded(Exclusion::Travel), Minutes::new(90));
    }

    #[test]
    fn rounding_is_down_to_whole_units() {
        let shift = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
        let c = policy()
            .rounding_unit(Minutes::new(60))
            .build()
            .unwrap()
            .credit(&req(
                shift,
                att(
                    "2021-07-21T08:00:00+08:00",
                    Some("2021-07-21T11:59:00+08:00"),
                ),
                "2021-07-21T12:00:00+08:00",
            ));
        assert_eq!(c.credited(), Minutes::new(180));
        assert_eq!(c.excluded(Exclusion::Rounding), Minutes::new(59));
    }

    #[test]
    fn missing_check_out_credits_nothing_until_closed() {
        let shift = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
        let open = att("2021-07-21T08:00:00+08:00", None);
        let p = policy()
            .auto_close_after(Minutes::new(120))
            .build()
            .unwrap();
        let before = p.credit(&req(shift, open, "2021-07-21T13:59:00+08:00"));
        assert_eq!(before.status(), CreditStatus::Open);
        assert_eq!(before.credited(), Minutes::ZERO);
        let after = p.credit(&req(shift, open, "2021-07-21T14:00:00+08:00"));
        assert_eq!(
            after.status(),
            CreditStatus::AutoClosed {
                at: at("2021-07-21T12:00:00+08:00")
            }
        );
        assert_eq!(after.credited(), Minutes::new(240));
        let never =
            policy()
                .build()
                .unwrap()
                .credit(&req(shift, open, "2030-01-01T00:00:00+08:00"));
        assert_eq!(never.credited(), Minutes::ZERO);
    }

    #[test]
    fn overnight_shift_splits_across_two_local_days() {
        let shift = span("2021-07-21T22:00:00+08:00", "2021-07-22T06:00:00+08:00");
        let c = policy().build().unwrap().credit(&req(
            shift,
            att(
                "2021-07-21T22:00:00+08:00",
                Some("2021-07-22T06:00:00+08:00"),
            ),
            "2021-07-22T06:00:00+08:00",
        ));
        assert_eq!(
            c.days(),
            [
                (day("2021-07-21"), Minutes::new(120)),
                (day("2021-07-22"), Minutes::new(360))
            ]
        );
        assert_eq!(c.credited(), Minutes::new(480));
    }

    #[test]
    fn daily_cap_applies_per_local_day_of_an_overnight_shift() {
        // Two hours already credited on the 22nd; cap 4 h a day.
        let shift = span("2021-07-21T22:00:00+08:00", "2021-07-22T06:00:00+08:00");
        let c = policy()
            .per_day_max(Minutes::new(240))
            .build()
            .unwrap()
            .credit(
                &req(
                    shift,
                    att(
                        "2021-07-21T22:00:00+08:00",
                        Some("2021-07-22T06:00:00+08:00"),
                    ),
                    "2021-07-22T06:00:00+08:00",
                )
                .prior(PriorCredits::none().day(day("2021-07-22"), Minutes::new(120))),
            );
        assert_eq!(
            c.days(),
            [
                (day("2021-07-21"), Minutes::new(120)),
                (day("2021-07-22"), Minutes::new(120))
            ]
        );
        assert_eq!(
            c.excluded(Exclusion::DailyCap(day("2021-07-22"))),
            Minutes::new(240)
        );
        assert_eq!(c.credited(), Minutes::new(240));
    }

    #[test]
    fn local_day_uses_the_shift_offset_not_utc8() {
        // 20:00–02:00 in UTC−5 (New York summer is −4; a fixed −5 here). In UTC+8 this whole
        // shift would fall on one day; in its own offset it splits at local midnight.
        let shift = span("2021-07-21T20:00:00-05:00", "2021-07-22T02:00:00-05:00");
        let c = policy()
            .per_day_max(Minutes::new(180))
            .build()
            .unwrap()
            .credit(&req(
                shift,
                att(
                    "2021-07-21T19:00:00-05:00",
                    Some("2021-07-22T03:00:00-05:00"),
                ),
                "2021-07-22T03:00:00-05:00",
            ));
        assert_eq!(
            c.days(),
            [
                (day("2021-07-21"), Minutes::new(180)),
                (day("2021-07-22"), Minutes::new(120))
            ]
        );
        assert_eq!(
            c.excluded(Exclusion::DailyCap(day("2021-07-21"))),
            Minutes::new(60)
        );
    }

    #[test]
    fn activity_and_account_caps_count_prior_credits() {
        let shift = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
        let a = att(
            "2021-07-21T08:00:00+08:00",
            Some("2021-07-21T12:00:00+08:00"),
        );
        let hailin = policy()
            .per_activity_max(Minutes::new(120))
            .build()
            .unwrap();
        let c = hailin.credit(
            &req(shift, a, "2021-07-21T12:00:00+08:00")
                .prior(PriorCredits::none().activity(Minutes::new(30))),
        );
        assert_eq!(c.credited(), Minutes::new(90));
        assert_eq!(c.excluded(Exclusion::ActivityCap), Minutes::new(150));
        let nanjing = policy()
            .account_cap(Minutes::from_hm(1500, 0).unwrap())
            .build()
            .unwrap();
        let c = nanjing.credit(
            &req(shift, a, "2021-07-21T12:00:00+08:00")
                .prior(PriorCredits::none().account(Minutes::from_hm(1499, 0).unwrap())),
        );
        assert_eq!(c.credited(), Minutes::new(60));
        assert_eq!(c.excluded(Exclusion::AccountCap), Minutes::new(180));
    }

    #[test]
    fn zero_limits_are_refused() {
        assert_eq!(
            policy().per_day_max(Minutes::ZERO).build(),
            Err(CreditingError::ZeroLimit {
                version: PolicyVersion::new(1),
                field: "per_day_max"
            })
        );
    }

    proptest! {
        #[test]
        fn every_attended_minute_is_accounted_for(
            start in 0_i64..2_000,
            len in 1_i64..2_000,
            ci in -600_i64..2_600,
            stay in 1_i64..3_000,
            brk in prop::option::of((0_i64..2_000, 1_i64..120)),
            unit in prop::option::of(1_u32..120),
            day_cap in prop::option::of(1_u32..600),
            act_cap in prop::option::of(1_u32..1_200),
            off_q in -48_i32..=56,
        ) {
            let offset = FixedOffset::east_opt(off_q * 900).unwrap();
            let base = at("2021-07-21T00:00:00+00:00").with_timezone(&offset);
            let m = |x: i64| base + TimeDelta::minutes(x);
            let shift = TimeSpan::new(m(start), m(start + len)).unwrap();
            let a = Attendance::checked_in(AssignmentId::from_parts(0, 1), m(ci), AttendanceSource::Kiosk)
                .close(m(ci + stay), AttendanceSource::Kiosk).unwrap();
            let mut r = CreditRequest::new(ActivityId::from_parts(0, 2), shift, a, m(10_000));
            if let Some((b, bl)) = brk {
                r = r.break_span(TimeSpan::new(m(b), m(b + bl)).unwrap());
            }
            let mut p = policy();
            if let Some(u) = unit { p = p.rounding_unit(Minutes::new(u)); }
            if let Some(c) = day_cap { p = p.per_day_max(Minutes::new(c)); }
            if let Some(c) = act_cap { p = p.per_activity_max(Minutes::new(c)); }
            let c = p.build().unwrap().credit(&r);
            let attended_lines: u32 = c.lines().iter().filter(|l| l.reason.is_attended()).map(|l| l.minutes.get()).sum();
            prop_assert_eq!(c.attended().get(), c.credited().get() + attended_lines);
            prop_assert!(c.credited() <= shift.minutes());
            let day_sum: u32 = c.days().iter().map(|d| d.1.get()).sum();
            prop_assert_eq!(day_sum, c.credited().get());
            if let Some(cap) = day_cap {
                prop_assert!(c.days().iter().all(|d| d.1.get() <= cap));
            }
            if let Some(cap) = act_cap { prop_assert!(c.credited().get() <= cap); }
            if let (Some(u), None, None) = (unit, day_cap, act_cap) {
                prop_assert_eq!(c.credited().get() % u, 0);
            }
            if let Some(served) = c.served() {
                prop_assert!(shift.covers(&served));
            }
        }
    }
}
