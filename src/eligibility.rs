//! Eligibility: may this volunteer take this shift? Every failed rule, each with how to fix it.

use core::fmt;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, TimeDelta};

use crate::{
    Accompaniment, Activity, DivisionCode, Jurisdiction, MinorPolicy, MinorViolation, Minutes,
    QualificationGraph, QualificationShortfall, Shift, ShiftId, StatusKind, Tag, TimeSpan,
    TrainingShortfall, Volunteer, check_training,
};

/// The lowest registration state that may serve.
///
/// # Example
/// ```
/// use volunteer_service::{EligibilityPolicy, RegistrationRequirement};
/// assert_eq!(
///     EligibilityPolicy::default().registration(),
///     RegistrationRequirement::RealNameVerified
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum RegistrationRequirement {
    /// Registered volunteers may serve before real-name verification.
    Registered,
    /// Only real-name verified volunteers (实名认证, VOL-03) may serve. The default.
    RealNameVerified,
}

/// The platform's eligibility rules that are local or configurable, as data.
///
/// | setting | default | source |
/// |---|---|---|
/// | `registration` | real-name verified | VOL-03: real-name registration |
/// | `minors` | [`MinorPolicy::national`] | MIN-01..07 |
/// | `overlap_grace` | 0 min: any overlap fails | peers allow a grace; none is national |
/// | `min_rest` | none | local (fatigue rules, e.g. 11 h) |
/// | `daily_cap` | none | HRS-04: caps are local; counted per local day |
/// | `weekly_cap` | none | local; counted per ISO week (Monday start) in local time |
///
/// Serde shape: `{"registration", "minors", "overlap_grace", "min_rest", "daily_cap",
/// "weekly_cap"}`, durations in minutes, `null` for unset.
///
/// # Example
/// ```
/// use volunteer_service::{EligibilityPolicy, Minutes};
/// let policy = EligibilityPolicy::default()
///     .with_min_rest(Minutes::from_hm(11, 0)?)
///     .with_daily_cap(Minutes::from_hm(10, 0)?);
/// assert_eq!(policy.daily_cap(), Some(Minutes::new(600)));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EligibilityPolicy {
    registration: RegistrationRequirement,
    minors: MinorPolicy,
    overlap_grace: Minutes,
    min_rest: Option<Minutes>,
    daily_cap: Option<Minutes>,
    weekly_cap: Option<Minutes>,
}

impl Default for EligibilityPolicy {
    fn default() -> Self {
        Self {
            registration: RegistrationRequirement::RealNameVerified,
            minors: MinorPolicy::national(),
            overlap_grace: Minutes::ZERO,
            min_rest: None,
            daily_cap: None,
            weekly_cap: None,
        }
    }
}

impl EligibilityPolicy {
    /// The lowest registration state that may serve.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EligibilityPolicy, RegistrationRequirement};
    /// assert_eq!(EligibilityPolicy::default().registration(), RegistrationRequirement::RealNameVerified);
    /// ```
    pub const fn registration(&self) -> RegistrationRequirement {
        self.registration
    }
    /// The minor policy.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EligibilityPolicy, MinorPolicy};
    /// assert_eq!(EligibilityPolicy::default().minors(), &MinorPolicy::national());
    /// ```
    pub const fn minors(&self) -> &MinorPolicy {
        &self.minors
    }
    /// Overlap with another shift tolerated up to this length (a handover).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EligibilityPolicy, Minutes};
    /// assert_eq!(EligibilityPolicy::default().overlap_grace(), Minutes::ZERO); // any overlap fails
    /// ```
    pub const fn overlap_grace(&self) -> Minutes {
        self.overlap_grace
    }
    /// Minimum rest between two shifts, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EligibilityPolicy, Minutes};
    /// assert_eq!(EligibilityPolicy::default().min_rest(), None);
    /// assert_eq!(EligibilityPolicy::default().with_min_rest(Minutes::new(660)).min_rest(), Some(Minutes::new(660)));
    /// ```
    pub const fn min_rest(&self) -> Option<Minutes> {
        self.min_rest
    }
    /// Maximum minutes of shifts per local day, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EligibilityPolicy, Minutes};
    /// assert_eq!(EligibilityPolicy::default().daily_cap(), None);
    /// assert_eq!(EligibilityPolicy::default().with_daily_cap(Minutes::new(600)).daily_cap(), Some(Minutes::new(600)));
    /// ```
    pub const fn daily_cap(&self) -> Option<Minutes> {
        self.daily_cap
    }
    /// Maximum minutes of shifts per local ISO week, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EligibilityPolicy, Minutes};
    /// assert_eq!(EligibilityPolicy::default().weekly_cap(), None);
    /// assert_eq!(EligibilityPolicy::default().with_weekly_cap(Minutes::new(2400)).weekly_cap(), Some(Minutes::new(2400)));
    /// ```
    pub const fn weekly_cap(&self) -> Option<Minutes> {
        self.weekly_cap
    }
    /// Sets the registration requirement.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Accompaniment, Eligibility, EligibilityPolicy, QualificationGraph, RegistrationRequirement, Requirements, Shift, ShiftId};
    /// let activity = fx::activity();
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
    ///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 2, Requirements::none())?;
    /// let graph = QualificationGraph::new();
    /// let strict = EligibilityPolicy::default();
    /// let lenient = EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered);
    /// assert_eq!(lenient.registration(), RegistrationRequirement::Registered);
    /// // The fixture volunteer is registered but not yet verified.
    /// let v = fx::volunteer();
    /// let at = fx::at("2021-07-20T12:00:00+08:00");
    /// assert!(!Eligibility::new(&graph, &strict).check(&v, &shift, &activity, &[], at, Accompaniment::Unaccompanied).is_eligible());
    /// assert!(Eligibility::new(&graph, &lenient).check(&v, &shift, &activity, &[], at, Accompaniment::Unaccompanied).is_eligible());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn with_registration(mut self, r: RegistrationRequirement) -> Self {
        self.registration = r;
        self
    }
    /// Sets the minor policy.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EligibilityPolicy, MinorPolicy};
    /// let p = EligibilityPolicy::default().with_minors(MinorPolicy::dongying_2021());
    /// assert_eq!(p.minors().accompany_under(), Some(10));
    /// ```
    #[must_use]
    pub const fn with_minors(mut self, minors: MinorPolicy) -> Self {
        self.minors = minors;
        self
    }
    /// Sets the overlap grace.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EligibilityPolicy, Minutes};
    /// // A 15-minute handover between consecutive shifts is tolerated.
    /// let p = EligibilityPolicy::default().with_overlap_grace(Minutes::new(15));
    /// assert_eq!(p.overlap_grace(), Minutes::new(15));
    /// ```
    #[must_use]
    pub const fn with_overlap_grace(mut self, grace: Minutes) -> Self {
        self.overlap_grace = grace;
        self
    }
    /// Sets the minimum rest between shifts.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Accompaniment, Commitment, Eligibility, EligibilityPolicy, Ineligibility, Minutes, QualificationGraph, RegistrationRequirement, Requirements, Shift, ShiftId};
    /// let activity = fx::activity();
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
    ///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 2, Requirements::none())?;
    /// // The volunteer worked until 02:00 that night.
    /// let night = Commitment::new(ShiftId::from_parts(1, 2), fx::span("2021-07-20T18:00:00+08:00", "2021-07-21T02:00:00+08:00"));
    /// let policy = EligibilityPolicy::default()
    ///     .with_registration(RegistrationRequirement::Registered)
    ///     .with_min_rest(Minutes::from_hm(11, 0)?);
    /// let graph = QualificationGraph::new();
    /// let verdict = Eligibility::new(&graph, &policy).check(&fx::volunteer(), &shift, &activity, &[night], fx::at("2021-07-20T12:00:00+08:00"), Accompaniment::Unaccompanied);
    /// assert_eq!(verdict.failures(), [Ineligibility::InsufficientRest { shift: night.shift(), rest: Minutes::new(360), min_rest: Minutes::new(660) }]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn with_min_rest(mut self, rest: Minutes) -> Self {
        self.min_rest = Some(rest);
        self
    }
    /// Sets the daily cap (local days of the shift's offset).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Accompaniment, Commitment, Eligibility, EligibilityPolicy, Ineligibility, Minutes, QualificationGraph, RegistrationRequirement, Requirements, Shift, ShiftId};
    /// let activity = fx::activity();
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
    ///     fx::span("2021-07-21T14:00:00+08:00", "2021-07-21T18:00:00+08:00"), 2, Requirements::none())?;
    /// let morning = Commitment::new(ShiftId::from_parts(1, 2), fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"));
    /// let policy = EligibilityPolicy::default()
    ///     .with_registration(RegistrationRequirement::Registered)
    ///     .with_daily_cap(Minutes::from_hm(6, 0)?);
    /// let graph = QualificationGraph::new();
    /// let verdict = Eligibility::new(&graph, &policy).check(&fx::volunteer(), &shift, &activity, &[morning], fx::at("2021-07-20T12:00:00+08:00"), Accompaniment::Unaccompanied);
    /// assert!(matches!(verdict.failures(), [Ineligibility::DailyCap { would_be, .. }] if *would_be == Minutes::new(480)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn with_daily_cap(mut self, cap: Minutes) -> Self {
        self.daily_cap = Some(cap);
        self
    }
    /// Sets the weekly cap (local ISO weeks of the shift's offset).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{EligibilityPolicy, Minutes};
    /// let p = EligibilityPolicy::default().with_weekly_cap(Minutes::from_hm(40, 0)?);
    /// assert_eq!(p.weekly_cap(), Some(Minutes::new(2400)));
    /// assert_eq!(p.daily_cap(), None); // the other settings are kept
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn with_weekly_cap(mut self, cap: Minutes) -> Self {
        self.weekly_cap = Some(cap);
        self
    }
}

/// A shift the volunteer already holds, as far as eligibility needs it.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Commitment, ShiftId};
/// let c = Commitment::new(ShiftId::from_parts(1, 1), doc_fixtures::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"));
/// assert_eq!(c.span().minutes().get(), 240);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Commitment {
    shift: ShiftId,
    span: TimeSpan,
}

impl Commitment {
    /// A held shift and its span.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::span, Commitment, ShiftId};
    /// let s = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// let c = Commitment::new(ShiftId::from_parts(1, 1), s);
    /// assert_eq!((c.shift(), c.span()), (ShiftId::from_parts(1, 1), s));
    /// ```
    pub const fn new(shift: ShiftId, span: TimeSpan) -> Self {
        Self { shift, span }
    }
    /// The held shift.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::span, Commitment, ShiftId};
    /// let id = ShiftId::from_parts(1_626_825_600_000, 6);
    /// assert_eq!(Commitment::new(id, span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00")).shift(), id);
    /// ```
    pub const fn shift(&self) -> ShiftId {
        self.shift
    }
    /// Its span.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::span, Commitment, Requirements, Shift, ShiftId, ActivityId};
    /// let s = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), ActivityId::from_parts(1, 1), s, 3, Requirements::none())?;
    /// assert_eq!(Commitment::from(&shift).span(), s);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn span(&self) -> TimeSpan {
        self.span
    }
}

impl From<&Shift> for Commitment {
    fn from(s: &Shift) -> Self {
        Self::new(s.id(), s.span())
    }
}

/// One rule a volunteer fails for a shift. Its `Display` says what is wrong;
/// [`fix`](Self::fix) says what would change it, where anything can.
///
/// Serde shape: internally tagged, `{"rule": "<snake_case variant>", …fields}`.
///
/// # Example
/// ```
/// use volunteer_service::{Ineligibility, ShiftId};
/// let f = Ineligibility::Overlap { shift: ShiftId::from_parts(1, 1), overlap: volunteer_service::Minutes::new(30) };
/// assert!(f.to_string().starts_with("overlaps held shift"));
/// assert!(f.fix().is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "rule", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Ineligibility {
    /// The shift has already started at the instant of the check.
    ShiftStarted {
        /// The shift's start.
        start: DateTime<FixedOffset>,
    },
    /// The registration state does not allow service.
    Registration {
        /// The volunteer's state.
        status: StatusKind,
        /// The lowest state allowed.
        required: RegistrationRequirement,
    },
    /// A minor rule fails (MIN-01..07).
    Minor(MinorViolation),
    /// Younger than the shift's minimum age (or not an adult where adults only).
    BelowMinimumAge {
        /// Age on the shift's first local day.
        age: u32,
        /// The minimum.
        min_age: u8,
    },
    /// A required qualification is missing, expired or not yet valid (FIT-02).
    Qualification {
        /// What is short.
        shortfall: QualificationShortfall,
        /// The qualification's name, for messages.
        name: String,
    },
    /// A required training is missing, expired or not yet valid (FIT-02).
    Training(TrainingShortfall),
    /// A required tag is missing.
    MissingTag {
        /// The tag.
        tag: Tag,
    },
    /// The volunteer's availability does not cover the shift (VOL-01).
    Unavailable,
    /// The shift requires a jurisdiction (属地化) the volunteer's home is not inside.
    OutsideJurisdiction {
        /// The required division.
        required: DivisionCode,
        /// The volunteer's home division, if known.
        home: Option<DivisionCode>,
    },
    /// Farther from the shift than its distance limit (就近化).
    TooFar {
        /// Distance from home to the shift, in metres.
        distance_m: u32,
        /// The limit.
        max_m: u32,
    },
    /// The shift has a distance limit and a location is unknown.
    DistanceUnknown {
        /// The limit.
        max_m: u32,
    },
    /// Overlaps a shift the volunteer holds, beyond the grace.
    Overlap {
        /// The held shift.
        shift: ShiftId,
        /// How long they overlap.
        overlap: Minutes,
    },
    /// Less rest than the minimum between this and a held shift.
    InsufficientRest {
        /// The held shift.
        shift: ShiftId,
        /// The rest between them.
        rest: Minutes,
        /// The minimum.
        min_rest: Minutes,
    },
    /// Taking the shift would exceed the daily cap on a local day.
    DailyCap {
        /// The local day.
        day: NaiveDate,
        /// Minutes that day with this shift.
        would_be: Minutes,
        /// The cap.
        cap: Minutes,
    },
    /// Taking the shift would exceed the weekly cap in a local ISO week.
    WeeklyCap {
        /// The Monday of the week.
        week_of: NaiveDate,
        /// Minutes that week with this shift.
        would_be: Minutes,
        /// The cap.
        cap: Minutes,
    },
    /// The activity is hazardous and no insurance covers the shift (FIT-03).
    Uninsured,
}

impl fmt::Display for Ineligibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ShiftStarted { start } => write!(f, "the shift started at {start}"),
            Self::Registration { status, required } => {
                let need = match required {
                    RegistrationRequirement::Registered => "an active registration",
                    RegistrationRequirement::RealNameVerified => "real-name verification",
                };
                write!(f, "registration is {status}: service needs {need}")
            }
            Self::Minor(v) => write!(f, "{v}"),
            Self::BelowMinimumAge { age, min_age } => {
                write!(f, "age {age} is below the shift's minimum age {min_age}")
            }
            Self::Qualification { name, shortfall } => match shortfall {
                QualificationShortfall::Missing { .. } => write!(f, "{name} missing"),
                QualificationShortfall::Expired { on, .. } => write!(f, "{name} expired on {on}"),
                QualificationShortfall::NotYetValid { from, .. } => {
                    write!(f, "{name} not valid before {from}")
                }
            },
            Self::Training(t) => write!(f, "{t}"),
            Self::MissingTag { tag } => write!(f, "tag {tag} required"),
            Self::Unavailable => f.write_str("not available for the whole shift"),
            Self::OutsideJurisdiction { required, home } => match home {
                Some(h) => write!(f, "home division {h} is outside the required {required}"),
                None => write!(f, "home division unknown: the shift requires {required}"),
            },
            Self::TooFar { distance_m, max_m } => {
                write!(f, "{distance_m} m from the shift: the limit is {max_m} m")
            }
            Self::DistanceUnknown { max_m } => write!(
                f,
                "distance unknown (no home or shift coordinates): the limit is {max_m} m"
            ),
            Self::Overlap { shift, overlap } => {
                write!(f, "overlaps held shift {shift} by {overlap}")
            }
            Self::InsufficientRest {
                shift,
                rest,
                min_rest,
            } => write!(
                f,
                "rest of {rest} after or before held shift {shift} is below the minimum {min_rest}"
            ),
            Self::DailyCap { day, would_be, cap } => {
                write!(f, "{would_be} on {day} would exceed the daily cap {cap}")
            }
            Self::WeeklyCap {
                week_of,
                would_be,
                cap,
            } => write!(
                f,
                "{would_be} in the week of {week_of} would exceed the weekly cap {cap}"
            ),
            Self::Uninsured => f.write_str(
                "the activity is hazardous and no accident insurance covers the shift (FIT-03)",
            ),
        }
    }
}

impl Ineligibility {
    /// What would make this rule pass, where the volunteer or organiser can do something.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Ineligibility;
    /// assert_eq!(
    ///     Ineligibility::TooFar { distance_m: 7_200, max_m: 5_000 }.fix().as_deref(),
    ///     Some("widen the shift's distance limit to 7200 m")
    /// );
    /// assert_eq!(Ineligibility::Unavailable.fix().as_deref(), Some("add availability covering the shift"));
    /// ```
    pub fn fix(&self) -> Option<String> {
        Some(match self {
            Self::Registration { status, .. } => match status {
                StatusKind::Registered => "complete real-name verification".to_owned(),
                StatusKind::Suspended => "reinstate the registration".to_owned(),
                StatusKind::RealNameVerified | StatusKind::Cancelled => return None,
            },
            Self::Minor(MinorViolation::GuardianConsentMissing { .. }) => {
                "record a guardian's consent".to_owned()
            }
            Self::Minor(MinorViolation::NotAccompanied { .. }) => {
                "have a guardian accompany the volunteer".to_owned()
            }
            Self::ShiftStarted { .. } | Self::Minor(_) | Self::BelowMinimumAge { .. } => {
                return None;
            }
            Self::Qualification { name, shortfall } => match shortfall {
                QualificationShortfall::Missing { .. } => format!("obtain {name}"),
                QualificationShortfall::Expired { .. } => format!("renew {name}"),
                QualificationShortfall::NotYetValid { from, .. } => {
                    format!("wait until {name} is valid from {from}")
                }
            },
            Self::Training(t) => match t {
                TrainingShortfall::Missing { training } => format!("complete training {training}"),
                TrainingShortfall::Expired { training, .. } => {
                    format!("repeat training {training}")
                }
                TrainingShortfall::NotYetValid { from, .. } => format!("wait until {from}"),
            },
            Self::MissingTag { tag } => format!("relax the {tag} requirement"),
            Self::Unavailable => "add availability covering the shift".to_owned(),
            Self::OutsideJurisdiction { home: None, .. } => "record a home division".to_owned(),
            Self::OutsideJurisdiction { .. } => {
                "make the jurisdiction preferred instead of required".to_owned()
            }
            Self::TooFar { distance_m, .. } => {
                format!("widen the shift's distance limit to {distance_m} m")
            }
            Self::DistanceUnknown { .. } => "record home and shift coordinates".to_owned(),
            Self::Overlap { shift, .. } | Self::InsufficientRest { shift, .. } => {
                format!("withdraw from shift {shift}")
            }
            Self::DailyCap { .. } | Self::WeeklyCap { .. } => {
                "withdraw from another shift in that period".to_owned()
            }
            Self::Uninsured => "attach accident insurance covering the shift".to_owned(),
        })
    }
}

/// The answer of [`Eligibility::check`]: eligible, or every rule that failed.
///
/// # Example
/// ```
/// use volunteer_service::{Ineligibility, Verdict};
/// let v = Verdict::from_failures(vec![Ineligibility::Unavailable]);
/// assert!(!v.is_eligible());
/// assert_eq!(v.to_string(), "not eligible: not available for the whole shift (fix: add availability covering the shift)");
/// assert!(Verdict::from_failures(vec![]).is_eligible());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Verdict {
    failures: Vec<Ineligibility>,
}

impl Verdict {
    /// Wraps a list of failures; an empty list is an eligible verdict.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Ineligibility, Verdict};
    /// assert!(Verdict::from_failures(Vec::new()).is_eligible());
    /// assert_eq!(Verdict::from_failures(Vec::new()).to_string(), "eligible");
    /// assert!(!Verdict::from_failures(vec![Ineligibility::Uninsured]).is_eligible());
    /// ```
    pub fn from_failures(failures: Vec<Ineligibility>) -> Self {
        Self { failures }
    }
    /// Whether every rule passed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Ineligibility, Verdict};
    /// assert!(Verdict::default().is_eligible());
    /// assert!(!Verdict::from_failures(vec![Ineligibility::Unavailable]).is_eligible());
    /// ```
    pub fn is_eligible(&self) -> bool {
        self.failures.is_empty()
    }
    /// Every failed rule, in the order the rules are checked.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Ineligibility, Verdict};
    /// let v = Verdict::from_failures(vec![Ineligibility::Unavailable, Ineligibility::Uninsured]);
    /// assert_eq!(v.failures(), [Ineligibility::Unavailable, Ineligibility::Uninsured]);
    /// ```
    pub fn failures(&self) -> &[Ineligibility] {
        &self.failures
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.failures.is_empty() {
            return f.write_str("eligible");
        }
        f.write_str("not eligible: ")?;
        for (i, failure) in self.failures.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{failure}")?;
            if let Some(fix) = failure.fix() {
                write!(f, " (fix: {fix})")?;
            }
        }
        Ok(())
    }
}

/// Decides whether a volunteer may take a shift, as of an instant, returning **every** failed
/// rule rather than the first.
///
/// Rules, in the order reported: the shift has not started; registration state (VOL-03);
/// minor policy, including hazardous work for minors (MIN-01..07); the shift's minimum age;
/// qualifications, valid on every local day the shift touches, through the includes graph
/// (FIT-02); trainings; required tags; availability (VOL-01); jurisdiction (属地化); distance
/// (就近化); overlap with held shifts beyond the grace; minimum rest; daily and weekly caps in
/// local days of the shift's offset; insurance for hazardous work (FIT-03).
///
/// The check allocates nothing when the volunteer is eligible.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures as fx, Accompaniment, Eligibility, EligibilityPolicy,
///     Ineligibility, MinorViolation, QualificationGraph, Requirements, Shift, ShiftId};
/// let graph = QualificationGraph::new();
/// let policy = EligibilityPolicy::default();
/// let checker = Eligibility::new(&graph, &policy);
/// let activity = fx::hazardous_activity();
/// let shift = Shift::new(
///     ShiftId::from_parts(1, 1), activity.id(),
///     fx::span("2021-07-21T22:00:00+08:00", "2021-07-22T06:00:00+08:00"), 2, Requirements::none(),
/// )?;
/// let verdict = checker.check(&fx::child(), &shift, &activity, &[], fx::at("2021-07-20T12:00:00+08:00"), Accompaniment::Unaccompanied);
/// assert!(!verdict.is_eligible());
/// assert!(verdict.failures().iter().any(|f| matches!(f, Ineligibility::Minor(MinorViolation::HazardousWork { .. }))));
/// assert!(verdict.failures().contains(&Ineligibility::Uninsured));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Eligibility<'a> {
    graph: &'a QualificationGraph,
    policy: &'a EligibilityPolicy,
}

impl<'a> Eligibility<'a> {
    /// A checker with a qualification graph and a policy.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Eligibility, EligibilityPolicy, Minutes, QualificationGraph};
    /// let graph = QualificationGraph::new();
    /// let policy = EligibilityPolicy::default().with_daily_cap(Minutes::new(600));
    /// let checker = Eligibility::new(&graph, &policy);
    /// assert_eq!(checker.policy().daily_cap(), Some(Minutes::new(600)));
    /// ```
    pub const fn new(graph: &'a QualificationGraph, policy: &'a EligibilityPolicy) -> Self {
        Self { graph, policy }
    }

    /// The policy in force.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Eligibility, EligibilityPolicy, QualificationGraph};
    /// let graph = QualificationGraph::new();
    /// let policy = EligibilityPolicy::default();
    /// assert_eq!(Eligibility::new(&graph, &policy).policy(), &policy);
    /// ```
    pub const fn policy(&self) -> &'a EligibilityPolicy {
        self.policy
    }

    /// The qualification graph in force (for the matcher's candidate index).
    pub(crate) const fn graph(&self) -> &'a QualificationGraph {
        self.graph
    }

    /// Checks every rule for `volunteer` taking `shift` of `activity`, given the shifts the
    /// volunteer already holds (`held`; the shift itself, if present, is ignored), as of
    /// `at`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures as fx, Accompaniment, Commitment, Eligibility, EligibilityPolicy, Ineligibility, Minutes, QualificationGraph, Requirements, Shift, ShiftId, VerificationMethod};
    /// let activity = fx::activity();
    /// let shift = Shift::new(ShiftId::from_parts(1, 1), activity.id(),
    ///     fx::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), 2, Requirements::none())?;
    /// let mut v = fx::volunteer();
    /// v.verify(fx::at("2021-07-19T09:00:00+08:00"), VerificationMethod::InPerson)?;
    /// let (graph, policy) = (QualificationGraph::new(), EligibilityPolicy::default());
    /// let checker = Eligibility::new(&graph, &policy);
    /// let at = fx::at("2021-07-20T12:00:00+08:00");
    /// assert!(checker.check(&v, &shift, &activity, &[], at, Accompaniment::Unaccompanied).is_eligible());
    /// // Holding an overlapping shift makes it ineligible.
    /// let held = Commitment::new(ShiftId::from_parts(1, 2), fx::span("2021-07-21T11:00:00+08:00", "2021-07-21T15:00:00+08:00"));
    /// let verdict = checker.check(&v, &shift, &activity, &[held], at, Accompaniment::Unaccompanied);
    /// assert_eq!(verdict.failures(), [Ineligibility::Overlap { shift: held.shift(), overlap: Minutes::new(60) }]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn check(
        &self,
        volunteer: &Volunteer,
        shift: &Shift,
        activity: &Activity,
        held: &[Commitment],
        at: DateTime<FixedOffset>,
        accompaniment: Accompaniment,
    ) -> Verdict {
        let (v, s, a) = (volunteer, shift, activity);
        Verdict::from_failures(self.failures(v, s, a, held, at, accompaniment, usize::MAX))
    }

    /// The only rule `volunteer` fails for `shift`, as [`check`](Self::check) would report
    /// it, or `None` when the check passes or fails two rules or more. Stops checking at the
    /// second failure: explaining a shortage asks this of every volunteer for each short
    /// shift, and most fail several rules.
    pub(crate) fn single_failure(
        &self,
        volunteer: &Volunteer,
        shift: &Shift,
        activity: &Activity,
        held: &[Commitment],
        at: DateTime<FixedOffset>,
        accompaniment: Accompaniment,
    ) -> Option<Ineligibility> {
        let (v, s, a) = (volunteer, shift, activity);
        match <[Ineligibility; 1]>::try_from(self.failures(v, s, a, held, at, accompaniment, 2)) {
            Ok([only]) => Some(only),
            Err(_) => None,
        }
    }

    /// The failed rules in the order [`check`](Self::check) reports them, skipping the
    /// remaining groups of rules (place, then schedule) once `enough` failures are known.
    #[allow(
        clippy::too_many_arguments,
        reason = "the check's inputs, and how many failures suffice"
    )]
    fn failures(
        &self,
        volunteer: &Volunteer,
        shift: &Shift,
        activity: &Activity,
        held: &[Commitment],
        at: DateTime<FixedOffset>,
        accompaniment: Accompaniment,
        enough: usize,
    ) -> Vec<Ineligibility> {
        let mut out = Vec::new();
        let span = shift.span();
        if span.start() <= at {
            out.push(Ineligibility::ShiftStarted {
                start: span.start(),
            });
        }
        let uninsured = activity.check_confirmable(&span).is_err();
        let known = |out: &Vec<Ineligibility>| out.len() + usize::from(uninsured);
        self.check_person(volunteer, shift, activity, accompaniment, &mut out);
        if known(&out) < enough {
            self.check_place(volunteer, shift, activity, &mut out);
        }
        if known(&out) < enough {
            self.check_schedule(volunteer, shift, held, &mut out);
        }
        if uninsured {
            out.push(Ineligibility::Uninsured);
        }
        out
    }

    /// Registration, age, minors, qualifications, trainings and tags.
    fn check_person(
        &self,
        volunteer: &Volunteer,
        shift: &Shift,
        activity: &Activity,
        accompaniment: Accompaniment,
        out: &mut Vec<Ineligibility>,
    ) {
        let span = shift.span();
        let status = volunteer.status().kind();
        let allowed = matches!(
            (self.policy.registration, status),
            (_, StatusKind::RealNameVerified)
                | (RegistrationRequirement::Registered, StatusKind::Registered)
        );
        if !allowed {
            out.push(Ineligibility::Registration {
                status,
                required: self.policy.registration,
            });
        }
        let first_day = span.start().date_naive();
        let last_day = (span.end() - TimeDelta::minutes(1)).date_naive();
        out.extend(
            self.policy
                .minors
                .evaluate(volunteer, first_day, activity.hazard(), accompaniment)
                .into_iter()
                .map(Ineligibility::Minor),
        );
        let req = shift.requirements();
        if let Some(min_age) = req.effective_min_age() {
            let age = volunteer.age_on(first_day);
            if age < u32::from(min_age) {
                out.push(Ineligibility::BelowMinimumAge { age, min_age });
            }
        }
        for &q in req.qualifications() {
            // Valid on the first and the last local day, so through the whole shift.
            let result = self
                .graph
                .check(volunteer.qualifications(), q, first_day)
                .and_then(|()| self.graph.check(volunteer.qualifications(), q, last_day));
            if let Err(shortfall) = result {
                let name = self
                    .graph
                    .kind(q)
                    .map_or_else(|| format!("qualification {q}"), |k| k.name().to_owned());
                out.push(Ineligibility::Qualification { shortfall, name });
            }
        }
        for &t in req.trainings() {
            let result = check_training(volunteer.trainings(), t, first_day)
                .and_then(|()| check_training(volunteer.trainings(), t, last_day));
            if let Err(shortfall) = result {
                out.push(Ineligibility::Training(shortfall));
            }
        }
        for tag in req.tags() {
            if !volunteer.tags().contains(tag) {
                out.push(Ineligibility::MissingTag { tag: tag.clone() });
            }
        }
    }

    /// Availability, jurisdiction and distance.
    #[expect(
        clippy::unused_self,
        reason = "kept a method so all rule groups read alike"
    )]
    fn check_place(
        &self,
        volunteer: &Volunteer,
        shift: &Shift,
        activity: &Activity,
        out: &mut Vec<Ineligibility>,
    ) {
        let req = shift.requirements();
        if !volunteer.availability().covers(&shift.span()) {
            out.push(Ineligibility::Unavailable);
        }
        if let Jurisdiction::Required(required) = req.jurisdiction() {
            let home = volunteer.home_division();
            if !home.is_some_and(|h| required.contains(h)) {
                out.push(Ineligibility::OutsideJurisdiction { required, home });
            }
        }
        if let Some(max_m) = req.max_distance_m() {
            let place = shift.location().unwrap_or_else(|| activity.location());
            match (volunteer.home_point(), place.point()) {
                (Some(home), Some(there)) => {
                    let distance_m = home.distance_m(there);
                    if distance_m > max_m {
                        out.push(Ineligibility::TooFar { distance_m, max_m });
                    }
                }
                _ => out.push(Ineligibility::DistanceUnknown { max_m }),
            }
        }
    }

    /// Overlap, rest and caps against the held shifts.
    fn check_schedule(
        &self,
        _volunteer: &Volunteer,
        shift: &Shift,
        held: &[Commitment],
        out: &mut Vec<Ineligibility>,
    ) {
        let span = shift.span();
        let others = || held.iter().filter(|c| c.shift != shift.id());
        for c in others() {
            if c.span.overlaps(&span) {
                let start = c.span.start().max(span.start());
                let end = c.span.end().min(span.end());
                let overlap =
                    Minutes::try_from_delta(end - start).unwrap_or(Minutes::new(u32::MAX));
                if overlap > self.policy.overlap_grace {
                    out.push(Ineligibility::Overlap {
                        shift: c.shift,
                        overlap,
                    });
                }
            } else if let Some(min_rest) = self.policy.min_rest {
                let rest = c.span.gap_to(&span);
                if rest < min_rest {
                    out.push(Ineligibility::InsufficientRest {
                        shift: c.shift,
                        rest,
                        min_rest,
                    });
                }
            }
        }
        let offset = *span.start().offset();
        if let Some(cap) = self.policy.daily_cap {
            for (day, minutes) in span.local_days() {
                let total = others().fold(u64::from(minutes.get()), |acc, c| {
                    acc + minutes_on(&c.span, offset, day, day)
                });
                if total > u64::from(cap.get()) {
                    out.push(Ineligibility::DailyCap {
                        day,
                        would_be: clamp_minutes(total),
                        cap,
                    });
                }
            }
        }
        if let Some(cap) = self.policy.weekly_cap {
            let mut last_week = None;
            for (day, _) in span.local_days() {
                let monday = week_start(day);
                if last_week == Some(monday) {
                    continue;
                }
                last_week = Some(monday);
                let sunday = monday.checked_add_days(Days::new(6)).unwrap_or(monday);
                let total = others().fold(minutes_on(&span, offset, monday, sunday), |acc, c| {
                    acc + minutes_on(&c.span, offset, monday, sunday)
                });
                if total > u64::from(cap.get()) {
                    out.push(Ineligibility::WeeklyCap {
                        week_of: monday,
                        would_be: clamp_minutes(total),
                        cap,
                    });
                }
            }
        }
    }
}

/// Minutes of `span` that fall on local days `from..=to` in `offset`.
fn minutes_on(span: &TimeSpan, offset: FixedOffset, from: NaiveDate, to: NaiveDate) -> u64 {
    let local = span.with_offset(offset);
    let first = local.start().date_naive();
    let last = (local.end() - TimeDelta::minutes(1)).date_naive();
    if last < from || first > to {
        return 0;
    }
    local
        .local_days()
        .filter(|(d, _)| (from..=to).contains(d))
        .map(|(_, m)| u64::from(m.get()))
        .sum()
}

fn week_start(day: NaiveDate) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
        .unwrap_or(day)
}

fn clamp_minutes(total: u64) -> Minutes {
    Minutes::new(u32::try_from(total).unwrap_or(u32::MAX))
}

#[cfg(test)]
#[expect(
    clippy::many_single_char_names,
    reason = "g, p, a, s, v read as graph, policy, activity, shift, volunteer throughout"
)]
mod tests {
    use super::*;
    use crate::doc_fixtures as fx;
    use crate::{
        Availability, GeoPoint, Hazard, InsurancePolicy, Location, QualificationGrant,
        QualificationId, QualificationKind, Requirements, TimeWindow, TrainingId, TrainingRecord,
        VerificationMethod,
    };
    use chrono::Weekday;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn verified(mut v: Volunteer) -> Volunteer {
        v.verify(
            fx::at("2021-07-01T09:00:00+08:00"),
            VerificationMethod::OnlineIdentityCheck,
        )
        .unwrap();
        v
    }

    fn shift(id: u64, activity: &Activity, start: &str, end: &str, req: Requirements) -> Shift {
        Shift::new(
            ShiftId::from_parts(1_626_825_600_000, id),
            activity.id(),
            fx::span(start, end),
            3,
            req,
        )
        .unwrap()
    }

    const BEFORE: &str = "2021-07-20T12:00:00+08:00";

    fn check(
        graph: &QualificationGraph,
        policy: &EligibilityPolicy,
        v: &Volunteer,
        s: &Shift,
        a: &Activity,
        held: &[Commitment],
    ) -> Vec<Ineligibility> {
        Eligibility::new(graph, policy)
            .check(v, s, a, held, fx::at(BEFORE), Accompaniment::Unaccompanied)
            .failures()
            .to_vec()
    }

    #[test]
    fn an_adult_verified_volunteer_is_eligible_for_an_ordinary_shift() {
        let (g, p, a) = (
            QualificationGraph::new(),
            EligibilityPolicy::default(),
            fx::activity(),
        );
        let s = shift(
            1,
            &a,
            "2021-07-21T08:00:00+08:00",
            "2021-07-21T12:00:00+08:00",
            Requirements::none(),
        );
        let v = verified(fx::volunteer());
        assert_eq!(check(&g, &p, &v, &s, &a, &[]), vec![]);
        // Unverified fails by default, passes under a `Registered` policy.
        let unverified = fx::volunteer();
        assert_eq!(
            check(&g, &p, &unverified, &s, &a, &[]),
            vec![Ineligibility::Registration {
                status: StatusKind::Registered,
                required: RegistrationRequirement::RealNameVerified
            }]
        );
        let lenient = p.with_registration(RegistrationRequirement::Registered);
        assert!(check(&g, &lenient, &unverified, &s, &a, &[]).is_empty());
    }

    #[test]
    fn minor_rejected_for_hazardous_work_with_every_reason() {
        let g = QualificationGraph::new();
        let p = EligibilityPolicy::default();
        let a = fx::hazardous_activity();
        let s = shift(
            1,
            &a,
            "2021-07-21T08:00:00+08:00",
            "2021-07-21T12:00:00+08:00",
            Requirements::none(),
        );
        let child = verified(fx::child());
        let failures = check(&g, &p, &child, &s, &a, &[]);
        assert!(failures.iter().any(|f| matches!(
            f,
            Ineligibility::Minor(MinorViolation::HazardousWork {
                age: 9,
                min_age: 18,
                ..
            })
        )));
        assert!(failures.contains(&Ineligibility::Uninsured));
        assert_eq!(failures.len(), 2, "{failures:?}");
        // The adult is refused only for the missing insurance, which is fixable.
        let adult = verified(fx::volunteer());
        let adult_failures = check(&g, &p, &adult, &s, &a, &[]);
        assert_eq!(adult_failures, vec![Ineligibility::Uninsured]);
        assert_eq!(
            adult_failures[0].fix().as_deref(),
            Some("attach accident insurance covering the shift")
        );
    }

    #[test]
    fn insured_hazardous_work_is_fine_for_adults() {
        let g = QualificationGraph::new();
        let p = EligibilityPolicy::default();
        let mut a = fx::hazardous_activity();
        a.attach_insurance(
            InsurancePolicy::new(
                "PICC",
                "P-2021-001",
                crate::DatePeriod::new(d("2021-07-01"), Some(d("2021-09-01"))).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
        let s = shift(
            1,
            &a,
            "2021-07-21T22:00:00+08:00",
            "2021-07-22T06:00:00+08:00",
            Requirements::none(),
        );
        assert!(check(&g, &p, &verified(fx::volunteer()), &s, &a, &[]).is_empty());
    }

    #[test]
    fn expired_qualification_says_when_through_the_includes_graph() {
        let first_aid = QualificationId::from_parts(1, 1);
        let paramedic = QualificationId::from_parts(1, 2);
        let mut g = QualificationGraph::new();
        g.add_kind(QualificationKind::new(first_aid, "first aid", None).unwrap())
            .unwrap();
        g.add_kind(QualificationKind::new(paramedic, "paramedic", None).unwrap())
            .unwrap();
        g.add_includes(paramedic, first_aid).unwrap();
        let p = EligibilityPolicy::default();
        let a = fx::activity();
        let req = Requirements::builder()
            .qualification(first_aid)
            .build()
            .unwrap();
        let s = shift(
            1,
            &a,
            "2021-08-02T08:00:00+08:00",
            "2021-08-02T12:00:00+08:00",
            req,
        );
        let mut v = verified(fx::volunteer());
        v.add_qualification(
            QualificationGrant::new(first_aid, d("2019-08-01"), Some(d("2021-07-31")), None)
                .unwrap(),
        )
        .unwrap();
        let failures = check(&g, &p, &v, &s, &a, &[]);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].to_string(), "first aid expired on 2021-07-31");
        assert_eq!(failures[0].fix().as_deref(), Some("renew first aid"));
        // A paramedic grant includes first aid.
        v.add_qualification(
            QualificationGrant::new(paramedic, d("2021-01-01"), None, None).unwrap(),
        )
        .unwrap();
        assert!(check(&g, &p, &v, &s, &a, &[]).is_empty());
    }

    #[test]
    fn qualification_must_be_valid_through_an_overnight_shift() {
        let first_aid = QualificationId::from_parts(1, 1);
        let mut g = QualificationGraph::new();
        g.add_kind(QualificationKind::new(first_aid, "first aid", None).unwrap())
            .unwrap();
        let a = fx::activity();
        let req = Requirements::builder()
            .qualification(first_aid)
            .build()
            .unwrap();
        // Expires on 2021-07-22: valid on the 21st, not on the 22nd.
        let s = shift(
            1,
            &a,
            "2021-07-21T22:00:00+08:00",
            "2021-07-22T06:00:00+08:00",
            req,
        );
        let mut v = verified(fx::volunteer());
        v.add_qualification(
            QualificationGrant::new(first_aid, d("2019-01-01"), Some(d("2021-07-22")), None)
                .unwrap(),
        )
        .unwrap();
        let failures = check(&g, &EligibilityPolicy::default(), &v, &s, &a, &[]);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].to_string(), "first aid expired on 2021-07-22");
    }

    #[test]
    fn overnight_shift_overlaps_next_mornings() {
        let (g, p, a) = (
            QualificationGraph::new(),
            EligibilityPolicy::default(),
            fx::activity(),
        );
        let night = shift(
            1,
            &a,
            "2021-07-21T22:00:00+08:00",
            "2021-07-22T06:00:00+08:00",
            Requirements::none(),
        );
        let morning = shift(
            2,
            &a,
            "2021-07-22T05:30:00+08:00",
            "2021-07-22T12:00:00+08:00",
            Requirements::none(),
        );
        let v = verified(fx::volunteer());
        let failures = check(&g, &p, &v, &morning, &a, &[Commitment::from(&night)]);
        assert_eq!(
            failures,
            vec![Ineligibility::Overlap {
                shift: night.id(),
                overlap: Minutes::new(30)
            }]
        );
        // A 30-minute handover grace tolerates it; 29 does not.
        let graceful = p.with_overlap_grace(Minutes::new(30));
        assert!(check(&g, &graceful, &v, &morning, &a, &[Commitment::from(&night)]).is_empty());
        let strict = p.with_overlap_grace(Minutes::new(29));
        assert_eq!(
            check(&g, &strict, &v, &morning, &a, &[Commitment::from(&night)]).len(),
            1
        );
        // The same shift in the held list is not an overlap with itself.
        assert!(check(&g, &p, &v, &night, &a, &[Commitment::from(&night)]).is_empty());
    }

    #[test]
    fn minimum_rest_between_shifts() {
        let (g, a) = (QualificationGraph::new(), fx::activity());
        let p = EligibilityPolicy::default().with_min_rest(Minutes::from_hm(11, 0).unwrap());
        let night = shift(
            1,
            &a,
            "2021-07-21T22:00:00+08:00",
            "2021-07-22T06:00:00+08:00",
            Requirements::none(),
        );
        let afternoon = shift(
            2,
            &a,
            "2021-07-22T14:00:00+08:00",
            "2021-07-22T18:00:00+08:00",
            Requirements::none(),
        );
        let evening = shift(
            3,
            &a,
            "2021-07-22T17:00:00+08:00",
            "2021-07-22T21:00:00+08:00",
            Requirements::none(),
        );
        let v = verified(fx::volunteer());
        assert_eq!(
            check(&g, &p, &v, &afternoon, &a, &[Commitment::from(&night)]),
            vec![Ineligibility::InsufficientRest {
                shift: night.id(),
                rest: Minutes::from_hm(8, 0).unwrap(),
                min_rest: Minutes::from_hm(11, 0).unwrap()
            }]
        );
        assert!(check(&g, &p, &v, &evening, &a, &[Commitment::from(&night)]).is_empty());
    }

    #[test]
    fn daily_cap_counts_local_days_across_midnight() {
        let (g, a) = (QualificationGraph::new(), fx::activity());
        let p = EligibilityPolicy::default().with_daily_cap(Minutes::from_hm(8, 0).unwrap());
        // Held: 2021-07-22 08:00–14:00 (6 h on the 22nd).
        let day = shift(
            1,
            &a,
            "2021-07-22T08:00:00+08:00",
            "2021-07-22T14:00:00+08:00",
            Requirements::none(),
        );
        // Candidate: 21st 20:00 – 22nd 03:00: 4 h on the 21st, 3 h on the 22nd → 9 h on the 22nd.
        let night = shift(
            2,
            &a,
            "2021-07-21T20:00:00+08:00",
            "2021-07-22T03:00:00+08:00",
            Requirements::none(),
        );
        let v = verified(fx::volunteer());
        assert_eq!(
            check(&g, &p, &v, &night, &a, &[Commitment::from(&day)]),
            vec![Ineligibility::DailyCap {
                day: d("2021-07-22"),
                would_be: Minutes::from_hm(9, 0).unwrap(),
                cap: Minutes::from_hm(8, 0).unwrap()
            }]
        );
        // Ending at 02:00 gives exactly 8 h on the 22nd: allowed.
        let shorter = shift(
            3,
            &a,
            "2021-07-21T20:00:00+08:00",
            "2021-07-22T02:00:00+08:00",
            Requirements::none(),
        );
        assert!(check(&g, &p, &v, &shorter, &a, &[Commitment::from(&day)]).is_empty());
    }

    #[test]
    fn caps_use_the_shifts_offset_not_utc() {
        // In UTC-5, 2021-07-21 19:00–23:00 is one local day; in UTC it would straddle two.
        let (g, a) = (QualificationGraph::new(), fx::activity());
        let p = EligibilityPolicy::default().with_daily_cap(Minutes::from_hm(6, 0).unwrap());
        let held = shift(
            1,
            &a,
            "2021-07-21T08:00:00-05:00",
            "2021-07-21T11:00:00-05:00",
            Requirements::none(),
        );
        let evening = shift(
            2,
            &a,
            "2021-07-21T19:00:00-05:00",
            "2021-07-21T23:00:00-05:00",
            Requirements::none(),
        );
        let v = verified(fx::volunteer());
        let failures = check(&g, &p, &v, &evening, &a, &[Commitment::from(&held)]);
        assert_eq!(
            failures,
            vec![Ineligibility::DailyCap {
                day: d("2021-07-21"),
                would_be: Minutes::from_hm(7, 0).unwrap(),
                cap: Minutes::from_hm(6, 0).unwrap()
            }]
        );
    }

    #[test]
    fn weekly_cap_counts_the_iso_week() {
        let (g, a) = (QualificationGraph::new(), fx::activity());
        let p = EligibilityPolicy::default().with_weekly_cap(Minutes::from_hm(10, 0).unwrap());
        // Mon 2021-07-19 and Sun 2021-07-25 are one ISO week; Mon 2021-07-26 is the next.
        let monday = shift(
            1,
            &a,
            "2021-07-19T08:00:00+08:00",
            "2021-07-19T14:00:00+08:00",
            Requirements::none(),
        );
        let sunday = shift(
            2,
            &a,
            "2021-07-25T08:00:00+08:00",
            "2021-07-25T13:00:00+08:00",
            Requirements::none(),
        );
        let next_monday = shift(
            3,
            &a,
            "2021-07-26T08:00:00+08:00",
            "2021-07-26T13:00:00+08:00",
            Requirements::none(),
        );
        let v = verified(fx::volunteer());
        let failures = check(&g, &p, &v, &sunday, &a, &[Commitment::from(&monday)]);
        assert_eq!(
            failures,
            vec![Ineligibility::WeeklyCap {
                week_of: d("2021-07-19"),
                would_be: Minutes::from_hm(11, 0).unwrap(),
                cap: Minutes::from_hm(10, 0).unwrap()
            }]
        );
        assert!(check(&g, &p, &v, &next_monday, &a, &[Commitment::from(&monday)]).is_empty());
    }

    #[test]
    fn place_rules_jurisdiction_distance_availability_tags() {
        let g = QualificationGraph::new();
        let p = EligibilityPolicy::default();
        let a = fx::activity();
        let far_point = GeoPoint::from_micro_degrees(32_300_000, 118_900_000).unwrap();
        let site = Location::new("320115005".parse().unwrap(), "禄口街道 核酸检测点")
            .unwrap()
            .with_point(GeoPoint::from_micro_degrees(31_742_000, 118_862_000).unwrap());
        let req = Requirements::builder()
            .jurisdiction(Jurisdiction::Required("320115".parse().unwrap()))
            .max_distance_m(5_000)
            .tag(Tag::new("party-member").unwrap())
            .build()
            .unwrap();
        let s = shift(
            1,
            &a,
            "2021-07-21T08:00:00+08:00",
            "2021-07-21T12:00:00+08:00",
            req.clone(),
        )
        .with_location(site.clone());
        let mut v = verified(fx::volunteer());
        let mut evenings = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
        evenings.add_window(
            Weekday::Wed,
            TimeWindow::new("18:00".parse().unwrap(), "22:00".parse().unwrap()).unwrap(),
        );
        v.set_availability(evenings).unwrap();
        let failures = check(&g, &p, &v, &s, &a, &[]);
        assert_eq!(
            failures,
            vec![
                Ineligibility::MissingTag {
                    tag: Tag::new("party-member").unwrap()
                },
                Ineligibility::Unavailable,
                Ineligibility::OutsideJurisdiction {
                    required: "320115".parse().unwrap(),
                    home: None
                },
                Ineligibility::DistanceUnknown { max_m: 5_000 },
            ],
            "every failed rule is reported, not the first"
        );
        // Fix everything but distance: the volunteer lives 62 km away in Nanjing's north.
        let near = fx::volunteer();
        let mut fixed = Volunteer::builder(
            near.id(),
            near.volunteer_no().clone(),
            near.name().clone(),
            near.document().clone(),
        )
        .birth_date(near.birth_date())
        .sex(near.sex())
        .channel(near.channel())
        .home_division("320115005001".parse().unwrap())
        .home_point(far_point)
        .tag(Tag::new("party-member").unwrap())
        .build()
        .unwrap();
        fixed
            .verify(
                fx::at("2021-07-01T09:00:00+08:00"),
                VerificationMethod::OnlineIdentityCheck,
            )
            .unwrap();
        let failures = check(&g, &p, &fixed, &s, &a, &[]);
        assert_eq!(failures.len(), 1);
        assert!(
            matches!(failures[0], Ineligibility::TooFar { max_m: 5_000, distance_m } if distance_m > 60_000)
        );
    }

    #[test]
    fn trainings_and_minimum_age_and_started_shifts() {
        let g = QualificationGraph::new();
        let p = EligibilityPolicy::default();
        let a = fx::activity();
        let training = TrainingId::from_parts(1, 9);
        let req = Requirements::builder()
            .training(training)
            .min_age(16)
            .build()
            .unwrap();
        let s = shift(
            1,
            &a,
            "2021-07-21T08:00:00+08:00",
            "2021-07-21T12:00:00+08:00",
            req,
        );
        let child = verified(fx::child());
        let failures = Eligibility::new(&g, &p)
            .check(
                &child,
                &s,
                &a,
                &[],
                fx::at("2021-07-21T09:00:00+08:00"),
                Accompaniment::Unaccompanied,
            )
            .failures()
            .to_vec();
        assert_eq!(
            failures,
            vec![
                Ineligibility::ShiftStarted {
                    start: fx::at("2021-07-21T08:00:00+08:00")
                },
                Ineligibility::BelowMinimumAge {
                    age: 9,
                    min_age: 16
                },
                Ineligibility::Training(TrainingShortfall::Missing { training }),
            ]
        );
        let mut adult = verified(fx::volunteer());
        adult
            .add_training(TrainingRecord::new(training, d("2021-07-01"), None).unwrap())
            .unwrap();
        assert!(check(&g, &p, &adult, &s, &a, &[]).is_empty());
    }

    #[test]
    fn suspended_volunteer_is_told_how_to_fix_it() {
        let (g, p, a) = (
            QualificationGraph::new(),
            EligibilityPolicy::default(),
            fx::activity(),
        );
        let s = shift(
            1,
            &a,
            "2021-07-21T08:00:00+08:00",
            "2021-07-21T12:00:00+08:00",
            Requirements::none(),
        );
        let mut v = verified(fx::volunteer());
        v.suspend(
            fx::at("2021-07-10T09:00:00+08:00"),
            crate::StatusReason::new("no-shows").unwrap(),
        )
        .unwrap();
        let failures = check(&g, &p, &v, &s, &a, &[]);
        assert_eq!(failures.len(), 1);
        assert_eq!(
            failures[0].fix().as_deref(),
            Some("reinstate the registration")
        );
        let _ = Hazard::None;
    }
}
