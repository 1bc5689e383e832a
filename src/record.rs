//! Immutable service records (志愿服务记录, REC-01..09).
//!
//! A [`ServiceRecord`] holds the fields of REC-04 plus the organiser that owns it
//! (「谁组织谁记录，谁记录谁证明」, REC-06), its kind (service or training, HRS-05), its
//! provenance and the served interval. It is built once with a validating builder and never
//! changed; a correction is a new record with [`Provenance::Correction`] that names the
//! record it corrects (AUD-01). Who may submit and confirm records is enforced by the
//! [`HourLedger`](crate::HourLedger).

use core::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::{
    ActivityId, Credit, CreditStatus, MinuteDelta, Minutes, OrgId, PolicyVersion, RecordId,
    StaffId, TimeSpan, VolunteerId,
};

/// The longest text field, in characters.
pub const MAX_RECORD_TEXT: usize = 500;

/// Returned when a service record is invalid.
///
/// # Example
/// ```
/// use volunteer_service::doc_fixtures;
/// let err = doc_fixtures::record_builder(1).place("  ").build().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "record 017ac65c-ac00-7000-8000-000000000001: place is blank or longer than 500 characters"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// A required field was not given.
    #[error("record {record}: {field} is missing")]
    Missing {
        /// The record.
        record: RecordId,
        /// The field.
        field: &'static str,
    },
    /// A text field was blank or too long.
    #[error("record {record}: {field} is blank or longer than 500 characters")]
    Text {
        /// The record.
        record: RecordId,
        /// The field.
        field: &'static str,
    },
    /// The duration was zero.
    #[error("record {record}: duration is 0:00, expected at least one minute")]
    ZeroDuration {
        /// The record.
        record: RecordId,
    },
    /// The duration was longer than the served interval.
    #[error("record {record}: duration {duration} exceeds the served interval of {served}")]
    DurationExceedsServed {
        /// The record.
        record: RecordId,
        /// The duration.
        duration: Minutes,
        /// The served interval's length.
        served: Minutes,
    },
    /// The volunteer was named as the recorder: a total is never taken from the volunteer
    /// alone (HRS-03, REC-08).
    #[error("record {record}: volunteer {volunteer} cannot record their own service")]
    SelfRecorded {
        /// The record.
        record: RecordId,
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// A verified check-in record carries no crediting policy version.
    #[error("record {record}: provenance verified_check_in needs the crediting policy version")]
    MissingPolicy {
        /// The record.
        record: RecordId,
    },
    /// A correction record names no corrected record, or another provenance names one.
    #[error(
        "record {record}: only a correction (and every correction) names the record it corrects"
    )]
    CorrectsMismatch {
        /// The record.
        record: RecordId,
    },
    /// A record cannot correct itself.
    #[error("record {record} cannot correct itself")]
    CorrectsItself {
        /// The record.
        record: RecordId,
    },
    /// An automatic close (HRS-03) only comes from a verified check-in, and the assumed
    /// check-out is not before the served interval ends.
    #[error(
        "record {record} is flagged auto-closed at {at}: it must be a verified check-in served until then at the latest"
    )]
    AutoClose {
        /// The record.
        record: RecordId,
        /// The assumed check-out.
        at: DateTime<FixedOffset>,
    },
}

/// A person acting on records: a volunteer (for instance a team leader who records) or an
/// organisation's staff member.
///
/// Serialised as `{"volunteer": "<uuid>"}` or `{"staff": "<uuid>"}`.
///
/// # Example
/// ```
/// use volunteer_service::{Actor, VolunteerId};
/// let v = VolunteerId::from_parts(0, 1);
/// assert!(Actor::Volunteer(v).is_volunteer(v));
/// assert_eq!(Actor::Volunteer(v).to_string(), "volunteer 00000000-0000-7000-8000-000000000001");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Actor {
    /// A registered volunteer.
    Volunteer(VolunteerId),
    /// A staff member.
    Staff(StaffId),
}

impl Actor {
    /// Whether this actor is the volunteer `v`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Actor, StaffId, VolunteerId};
    /// let v = VolunteerId::from_parts(0, 1);
    /// assert!(Actor::Volunteer(v).is_volunteer(v));
    /// assert!(!Actor::Volunteer(VolunteerId::from_parts(0, 2)).is_volunteer(v));
    /// assert!(!Actor::Staff(StaffId::from_parts(0, 1)).is_volunteer(v));
    /// ```
    pub fn is_volunteer(self, v: VolunteerId) -> bool {
        self == Self::Volunteer(v)
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Volunteer(v) => write!(f, "volunteer {v}"),
            Self::Staff(s) => write!(f, "staff {s}"),
        }
    }
}

/// Service, training or drill: training is recorded in its own block, not as service hours
/// (HRS-05, REC-02), and drills or practice runs are kept apart from real service (HRS-07).
/// Serialised as `"service"`, `"training"` or `"drill"`.
///
/// # Example
/// ```
/// use volunteer_service::RecordKind;
/// assert_eq!(RecordKind::default(), RecordKind::Service);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum RecordKind {
    /// Service hours.
    #[default]
    Service,
    /// Training.
    Training,
    /// A drill or practice run (演练).
    Drill,
}

impl RecordKind {
    pub(crate) const fn code(self) -> u8 {
        match self {
            Self::Service => 1,
            Self::Training => 2,
            Self::Drill => 3,
        }
    }
}

/// Where a record's duration came from (HRS-03, AUD-02).
///
/// Serialised in snake case: `"verified_check_in"`, `"schedule"`, `"attested_manual"`,
/// `"import"`, `"correction"`.
///
/// # Example
/// ```
/// use volunteer_service::Provenance;
/// assert_eq!(Provenance::AttestedManual.to_string(), "attested manual entry");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Provenance {
    /// Credited by a [`CreditingPolicy`](crate::CreditingPolicy) from check-in and check-out.
    VerifiedCheckIn,
    /// Taken from the shift schedule by the organiser.
    Schedule,
    /// Entered by hand and attested by a person other than the volunteer (REC-08).
    AttestedManual,
    /// Imported from another system or from paper (REC-01, REC-03).
    Import,
    /// Produced by an approved correction (AUD-01).
    Correction,
}

impl Provenance {
    /// Every provenance, in order.
    pub const ALL: [Self; 5] = [
        Self::VerifiedCheckIn,
        Self::Schedule,
        Self::AttestedManual,
        Self::Import,
        Self::Correction,
    ];

    pub(crate) const fn code(self) -> u8 {
        match self {
            Self::VerifiedCheckIn => 1,
            Self::Schedule => 2,
            Self::AttestedManual => 3,
            Self::Import => 4,
            Self::Correction => 5,
        }
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::VerifiedCheckIn => "verified check-in",
            Self::Schedule => "schedule",
            Self::AttestedManual => "attested manual entry",
            Self::Import => "import",
            Self::Correction => "correction",
        })
    }
}

/// An immutable service record with the fields of REC-04.
///
/// `date` is derived: the local date of the served interval's start, in its offset.
///
/// Serialised as `{"id", "volunteer", "organiser", "activity", "activity_name", "place",
/// "beneficiary", "content", "served", "duration", "evaluation", "leader", "recorder",
/// "kind", "provenance", "policy", "corrects"}`, plus `"auto_closed": "<rfc3339>"` (the
/// assumed check-out) only when the crediting policy closed a missing check-out
/// automatically (HRS-03); deserialisation goes through the builder.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Minutes, Provenance, RecordKind};
/// let rec = doc_fixtures::record_builder(1).build()?;
/// assert_eq!(rec.duration(), Minutes::new(240));
/// assert_eq!(rec.kind(), RecordKind::Service);
/// assert_eq!(rec.provenance(), Provenance::AttestedManual);
/// assert_eq!(rec.date().to_string(), "2021-07-21");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "RecordWire", into = "RecordWire")
)]
pub struct ServiceRecord {
    id: RecordId,
    volunteer: VolunteerId,
    organiser: OrgId,
    activity: ActivityId,
    activity_name: String,
    place: String,
    beneficiary: String,
    content: String,
    served: TimeSpan,
    duration: Minutes,
    evaluation: Option<String>,
    leader: Option<Actor>,
    recorder: Actor,
    kind: RecordKind,
    provenance: Provenance,
    policy: Option<PolicyVersion>,
    corrects: Option<RecordId>,
    auto_closed: Option<DateTime<FixedOffset>>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct RecordWire {
    id: RecordId,
    volunteer: VolunteerId,
    organiser: OrgId,
    activity: ActivityId,
    activity_name: String,
    place: String,
    beneficiary: String,
    content: String,
    served: TimeSpan,
    duration: Minutes,
    evaluation: Option<String>,
    leader: Option<Actor>,
    recorder: Actor,
    kind: RecordKind,
    provenance: Provenance,
    policy: Option<PolicyVersion>,
    corrects: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    auto_closed: Option<DateTime<FixedOffset>>,
}

#[cfg(feature = "serde")]
impl TryFrom<RecordWire> for ServiceRecord {
    type Error = RecordError;
    fn try_from(w: RecordWire) -> Result<Self, RecordError> {
        let mut b = ServiceRecord::builder(w.id, w.volunteer, w.organiser, w.activity)
            .activity_name(w.activity_name)
            .place(w.place)
            .beneficiary(w.beneficiary)
            .content(w.content)
            .served(w.served)
            .duration(w.duration)
            .recorder(w.recorder)
            .kind(w.kind)
            .provenance(w.provenance);
        b.evaluation = w.evaluation;
        b.leader = w.leader;
        b.policy = w.policy;
        b.corrects = w.corrects;
        b.auto_closed = w.auto_closed;
        b.build()
    }
}

#[cfg(feature = "serde")]
impl From<ServiceRecord> for RecordWire {
    fn from(r: ServiceRecord) -> Self {
        Self {
            id: r.id,
            volunteer: r.volunteer,
            organiser: r.organiser,
            activity: r.activity,
            activity_name: r.activity_name,
            place: r.place,
            beneficiary: r.beneficiary,
            content: r.content,
            served: r.served,
            duration: r.duration,
            evaluation: r.evaluation,
            leader: r.leader,
            recorder: r.recorder,
            kind: r.kind,
            provenance: r.provenance,
            policy: r.policy,
            corrects: r.corrects,
            auto_closed: r.auto_closed,
        }
    }
}

/// Builds a [`ServiceRecord`]. Required: activity name, place, beneficiary, content, served
/// interval, duration (or a [`Credit`]), recorder. Provenance defaults to
/// [`Provenance::AttestedManual`], or [`Provenance::VerifiedCheckIn`] after
/// [`credit`](Self::credit).
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, RecordError};
/// let b = doc_fixtures::record_builder(1);
/// assert!(b.clone().build().is_ok());
/// assert!(matches!(b.content("").build(), Err(RecordError::Text { field: "content", .. })));
/// ```
#[derive(Debug, Clone)]
pub struct ServiceRecordBuilder {
    id: RecordId,
    volunteer: VolunteerId,
    organiser: OrgId,
    activity: ActivityId,
    activity_name: Option<String>,
    place: Option<String>,
    beneficiary: Option<String>,
    content: Option<String>,
    served: Option<TimeSpan>,
    duration: Option<Minutes>,
    evaluation: Option<String>,
    leader: Option<Actor>,
    recorder: Option<Actor>,
    kind: RecordKind,
    provenance: Option<Provenance>,
    policy: Option<PolicyVersion>,
    corrects: Option<RecordId>,
    pub(crate) auto_closed: Option<DateTime<FixedOffset>>,
}

fn text(
    record: RecordId,
    field: &'static str,
    value: Option<String>,
) -> Result<String, RecordError> {
    let value = value.ok_or(RecordError::Missing { record, field })?;
    if value.trim().is_empty() || value.chars().count() > MAX_RECORD_TEXT {
        return Err(RecordError::Text { record, field });
    }
    Ok(value)
}

impl ServiceRecordBuilder {
    /// The activity or project name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, RecordError};
    /// let rec = doc_fixtures::record_builder(1).activity_name("道路卡口值守").build()?;
    /// assert_eq!(rec.activity_name(), "道路卡口值守");
    /// let blank = doc_fixtures::record_builder(1).activity_name(" ").build();
    /// assert!(matches!(blank, Err(RecordError::Text { field: "activity_name", .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn activity_name(mut self, name: impl Into<String>) -> Self {
        self.activity_name = Some(name.into());
        self
    }
    /// The place of service.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).place("禄口街道第二检测点").build()?;
    /// assert_eq!(rec.place(), "禄口街道第二检测点");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn place(mut self, place: impl Into<String>) -> Self {
        self.place = Some(place.into());
        self
    }
    /// Who was served (服务对象).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).beneficiary("禄口街道居民").build()?;
    /// assert_eq!(rec.beneficiary(), "禄口街道居民");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn beneficiary(mut self, beneficiary: impl Into<String>) -> Self {
        self.beneficiary = Some(beneficiary.into());
        self
    }
    /// What was done.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).content("扫码登记、维持秩序").build()?;
    /// assert_eq!(rec.content(), "扫码登记、维持秩序");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.content = Some(content.into());
        self
    }
    /// The served interval.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Minutes};
    /// let morning = doc_fixtures::span("2021-07-21T08:00:00+08:00", "2021-07-21T10:00:00+08:00");
    /// let rec = doc_fixtures::record_builder(1).served(morning).duration(Minutes::new(120)).build()?;
    /// assert_eq!(rec.served(), morning);
    /// // The duration never exceeds the served interval.
    /// assert!(doc_fixtures::record_builder(1).served(morning).duration(Minutes::new(121)).build().is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn served(mut self, served: TimeSpan) -> Self {
        self.served = Some(served);
        self
    }
    /// The credited duration (at most the served interval).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Minutes, RecordError};
    /// // The fixture serves 08:00–12:00; 30 minutes of break were not credited.
    /// let rec = doc_fixtures::record_builder(1).duration(Minutes::new(210)).build()?;
    /// assert_eq!(rec.duration(), Minutes::new(210));
    /// let zero = doc_fixtures::record_builder(1).duration(Minutes::ZERO).build();
    /// assert!(matches!(zero, Err(RecordError::ZeroDuration { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn duration(mut self, duration: Minutes) -> Self {
        self.duration = Some(duration);
        self
    }
    /// Takes the served interval, duration and policy version from a credit, and sets the
    /// provenance to [`Provenance::VerifiedCheckIn`] unless another was given.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::{self, at, span}, ActivityId, AssignmentId, Attendance,
    ///     AttendanceSource, CreditRequest, CreditingPolicy, Minutes, PolicyVersion, Provenance};
    /// let att = Attendance::checked_in(AssignmentId::from_parts(0, 1), at("2021-07-21T08:10:00+08:00"),
    ///     AttendanceSource::CodeScan).close(at("2021-07-21T12:00:00+08:00"), AttendanceSource::CodeScan)?;
    /// let req = CreditRequest::new(ActivityId::from_parts(0, 2),
    ///     span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"), att, at("2021-07-21T12:00:00+08:00"));
    /// let credit = CreditingPolicy::builder(PolicyVersion::new(2)).build()?.credit(&req);
    /// let rec = doc_fixtures::record_builder(1).credit(&credit).build()?;
    /// assert_eq!((rec.duration(), rec.policy()), (Minutes::new(230), Some(PolicyVersion::new(2))));
    /// assert_eq!(rec.served(), span("2021-07-21T08:10:00+08:00", "2021-07-21T12:00:00+08:00"));
    /// assert_eq!(rec.provenance(), Provenance::VerifiedCheckIn);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn credit(mut self, credit: &Credit) -> Self {
        self.served = credit.served();
        self.duration = Some(credit.credited());
        self.policy = Some(credit.policy());
        self.provenance.get_or_insert(Provenance::VerifiedCheckIn);
        self.auto_closed = match credit.status() {
            CreditStatus::AutoClosed { at } => Some(at),
            _ => None,
        };
        self
    }
    /// The quality evaluation (服务评价).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).evaluation("优秀 excellent").build()?;
    /// assert_eq!(rec.evaluation(), Some("优秀 excellent"));
    /// assert!(doc_fixtures::record_builder(1).evaluation("").build().is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn evaluation(mut self, evaluation: impl Into<String>) -> Self {
        self.evaluation = Some(evaluation.into());
        self
    }
    /// The activity leader.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, VolunteerId};
    /// let leader = Actor::Volunteer(VolunteerId::from_parts(0, 7)); // a team leader
    /// let rec = doc_fixtures::record_builder(1).leader(leader).build()?;
    /// assert_eq!(rec.leader(), Some(leader));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn leader(mut self, leader: Actor) -> Self {
        self.leader = Some(leader);
        self
    }
    /// The recorder (记录人): the person who enters the record.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, RecordError};
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// // A volunteer never records their own service (REC-08).
    /// let own = doc_fixtures::record_builder(1).recorder(Actor::Volunteer(rec.volunteer())).build();
    /// assert!(matches!(own, Err(RecordError::SelfRecorded { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn recorder(mut self, recorder: Actor) -> Self {
        self.recorder = Some(recorder);
        self
    }
    /// Service (default), training or drill.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, RecordKind};
    /// let rec = doc_fixtures::record_builder(1).kind(RecordKind::Training).build()?;
    /// assert_eq!(rec.kind(), RecordKind::Training);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn kind(mut self, kind: RecordKind) -> Self {
        self.kind = kind;
        self
    }
    /// The provenance.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Provenance, RecordError};
    /// let rec = doc_fixtures::record_builder(1).provenance(Provenance::Import).build()?;
    /// assert_eq!(rec.provenance(), Provenance::Import);
    /// // A verified check-in needs the crediting policy version.
    /// let unversioned = doc_fixtures::record_builder(1).provenance(Provenance::VerifiedCheckIn).build();
    /// assert!(matches!(unversioned, Err(RecordError::MissingPolicy { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn provenance(mut self, provenance: Provenance) -> Self {
        self.provenance = Some(provenance);
        self
    }
    /// The crediting policy version.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, PolicyVersion, Provenance};
    /// let rec = doc_fixtures::record_builder(1).provenance(Provenance::VerifiedCheckIn)
    ///     .policy(PolicyVersion::new(3)).build()?;
    /// assert_eq!(rec.policy(), Some(PolicyVersion::new(3)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn policy(mut self, policy: PolicyVersion) -> Self {
        self.policy = Some(policy);
        self
    }
    /// Marks the record as the correction of `record` (provenance
    /// [`Provenance::Correction`]).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Provenance};
    /// let wrong = doc_fixtures::record_builder(1).build()?;
    /// let fixed = doc_fixtures::record_builder(2).served(wrong.served()).corrects(wrong.id()).build()?;
    /// assert_eq!((fixed.corrects(), fixed.provenance()), (Some(wrong.id()), Provenance::Correction));
    /// assert!(doc_fixtures::record_builder(1).corrects(wrong.id()).build().is_err()); // not itself
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn corrects(mut self, record: RecordId) -> Self {
        self.corrects = Some(record);
        self.provenance = Some(Provenance::Correction);
        self
    }

    /// Checks and returns the record.
    ///
    /// # Errors
    /// [`RecordError::Missing`], [`RecordError::Text`], [`RecordError::ZeroDuration`],
    /// [`RecordError::DurationExceedsServed`], [`RecordError::SelfRecorded`],
    /// [`RecordError::MissingPolicy`], [`RecordError::CorrectsMismatch`],
    /// [`RecordError::CorrectsItself`], [`RecordError::AutoClose`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Provenance, RecordError};
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.provenance(), Provenance::AttestedManual); // the default
    /// let err = doc_fixtures::record_builder(1).provenance(Provenance::Correction).build().unwrap_err();
    /// assert!(matches!(err, RecordError::CorrectsMismatch { .. }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn build(mut self) -> Result<ServiceRecord, RecordError> {
        let id = self.id;
        let missing = |field| RecordError::Missing { record: id, field };
        let activity_name = text(id, "activity_name", self.activity_name.take())?;
        let place = text(id, "place", self.place.take())?;
        let beneficiary = text(id, "beneficiary", self.beneficiary.take())?;
        let content = text(id, "content", self.content.take())?;
        let evaluation = match self.evaluation.take() {
            Some(e) => Some(text(id, "evaluation", Some(e))?),
            None => None,
        };
        let served = self.served.ok_or_else(|| missing("served"))?;
        let duration = self.duration.ok_or_else(|| missing("duration"))?;
        let recorder = self.recorder.ok_or_else(|| missing("recorder"))?;
        if duration == Minutes::ZERO {
            return Err(RecordError::ZeroDuration { record: id });
        }
        if duration > served.minutes() {
            return Err(RecordError::DurationExceedsServed {
                record: id,
                duration,
                served: served.minutes(),
            });
        }
        if recorder.is_volunteer(self.volunteer) {
            return Err(RecordError::SelfRecorded {
                record: id,
                volunteer: self.volunteer,
            });
        }
        let provenance = self.provenance.unwrap_or(Provenance::AttestedManual);
        if provenance == Provenance::VerifiedCheckIn && self.policy.is_none() {
            return Err(RecordError::MissingPolicy { record: id });
        }
        if (provenance == Provenance::Correction) != self.corrects.is_some() {
            return Err(RecordError::CorrectsMismatch { record: id });
        }
        if self.corrects == Some(id) {
            return Err(RecordError::CorrectsItself { record: id });
        }
        if let Some(at) = self.auto_closed
            && (provenance != Provenance::VerifiedCheckIn || served.end() > at)
        {
            return Err(RecordError::AutoClose { record: id, at });
        }
        Ok(ServiceRecord {
            id,
            volunteer: self.volunteer,
            organiser: self.organiser,
            activity: self.activity,
            activity_name,
            place,
            beneficiary,
            content,
            served,
            duration,
            evaluation,
            leader: self.leader,
            recorder,
            kind: self.kind,
            provenance,
            policy: self.policy,
            corrects: self.corrects,
            auto_closed: self.auto_closed,
        })
    }
}

impl ServiceRecord {
    /// Starts a record of `volunteer`'s service on `activity`, organised by `organiser`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::span, Actor, ActivityId, Minutes, OrgId, RecordId,
    ///     ServiceRecord, StaffId, VolunteerId};
    /// let rec = ServiceRecord::builder(RecordId::from_parts(0, 1), VolunteerId::from_parts(0, 2),
    ///         OrgId::from_parts(0, 3), ActivityId::from_parts(0, 4))
    ///     .activity_name("核酸检测点登记").place("禄口街道").beneficiary("residents")
    ///     .content("registration").served(span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"))
    ///     .duration(Minutes::new(210)).recorder(Actor::Staff(StaffId::from_parts(0, 5)))
    ///     .build()?;
    /// assert_eq!(rec.duration().get(), 210);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn builder(
        id: RecordId,
        volunteer: VolunteerId,
        organiser: OrgId,
        activity: ActivityId,
    ) -> ServiceRecordBuilder {
        ServiceRecordBuilder {
            id,
            volunteer,
            organiser,
            activity,
            activity_name: None,
            place: None,
            beneficiary: None,
            content: None,
            served: None,
            duration: None,
            evaluation: None,
            leader: None,
            recorder: None,
            kind: RecordKind::Service,
            provenance: None,
            policy: None,
            corrects: None,
            auto_closed: None,
        }
    }

    /// The record's id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, RecordId};
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.id(), RecordId::from_parts(1_626_825_600_000, 1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn id(&self) -> RecordId {
        self.id
    }
    /// The volunteer.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.volunteer(), doc_fixtures::volunteer_id());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// The organiser that owns and certifies the record (REC-06).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.organiser(), doc_fixtures::organiser());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn organiser(&self) -> OrgId {
        self.organiser
    }
    /// The activity.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).build()?; // service at the activity fixture
    /// assert_eq!(rec.activity(), doc_fixtures::activity().id());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn activity(&self) -> ActivityId {
        self.activity
    }
    /// The activity or project name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.activity_name(), "核酸检测点登记 testing-site registration");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn activity_name(&self) -> &str {
        &self.activity_name
    }
    /// The local date of the served interval's start.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// // Served 2021-07-21 23:00 to 2021-07-22 01:00 (+08:00): dated by its local start.
    /// let night = doc_fixtures::span("2021-07-21T23:00:00+08:00", "2021-07-22T01:00:00+08:00");
    /// let rec = doc_fixtures::record_builder(1).served(night).duration(volunteer_service::Minutes::new(120)).build()?;
    /// assert_eq!(rec.date().to_string(), "2021-07-21");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn date(&self) -> NaiveDate {
        self.served.start().date_naive()
    }
    /// The place.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.place(), "禄口街道社区卫生服务中心");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn place(&self) -> &str {
        &self.place
    }
    /// Who was served.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.beneficiary(), "residents of Lukou");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn beneficiary(&self) -> &str {
        &self.beneficiary
    }
    /// What was done.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.content(), "registration and crowd order");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn content(&self) -> &str {
        &self.content
    }
    /// The served interval; no two credited intervals of a volunteer overlap.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(2).build()?; // the second day
    /// assert_eq!(rec.served(), doc_fixtures::span("2021-07-22T08:00:00+08:00", "2021-07-22T12:00:00+08:00"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn served(&self) -> TimeSpan {
        self.served
    }
    /// The credited duration.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Minutes};
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.duration(), Minutes::from_hm(4, 0)?);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn duration(&self) -> Minutes {
        self.duration
    }
    /// The duration as a positive ledger amount.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta};
    /// let rec = doc_fixtures::record_builder(1).build()?; // 4 hours
    /// assert_eq!(rec.amount(), MinuteDelta::new(240));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn amount(&self) -> MinuteDelta {
        MinuteDelta::credit(self.duration)
    }
    /// The quality evaluation.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::record_builder(1).build()?.evaluation(), None);
    /// let rec = doc_fixtures::record_builder(1).evaluation("认真负责").build()?;
    /// assert_eq!(rec.evaluation(), Some("认真负责"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn evaluation(&self) -> Option<&str> {
        self.evaluation.as_deref()
    }
    /// The activity leader.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, VolunteerId};
    /// assert_eq!(doc_fixtures::record_builder(1).build()?.leader(), None);
    /// let leader = Actor::Volunteer(VolunteerId::from_parts(0, 7));
    /// assert_eq!(doc_fixtures::record_builder(1).leader(leader).build()?.leader(), Some(leader));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn leader(&self) -> Option<Actor> {
        self.leader
    }
    /// The recorder.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(rec.recorder(), doc_fixtures::recorder());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn recorder(&self) -> Actor {
        self.recorder
    }
    /// Service, training or drill.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, RecordKind};
    /// assert_eq!(doc_fixtures::record_builder(1).build()?.kind(), RecordKind::Service);
    /// let drill = doc_fixtures::record_builder(1).kind(RecordKind::Drill).build()?;
    /// assert_eq!(drill.kind(), RecordKind::Drill);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn kind(&self) -> RecordKind {
        self.kind
    }
    /// The provenance.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Provenance};
    /// let rec = doc_fixtures::record_builder(1).build()?; // entered by hand, attested by the recorder
    /// assert_eq!(rec.provenance(), Provenance::AttestedManual);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn provenance(&self) -> Provenance {
        self.provenance
    }
    /// The crediting policy version, if the duration came from a policy.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, PolicyVersion};
    /// assert_eq!(doc_fixtures::record_builder(1).build()?.policy(), None);
    /// let rec = doc_fixtures::record_builder(1).policy(PolicyVersion::new(3)).build()?;
    /// assert_eq!(rec.policy(), Some(PolicyVersion::new(3)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn policy(&self) -> Option<PolicyVersion> {
        self.policy
    }
    /// The record this one corrects, for a correction.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let wrong = doc_fixtures::record_builder(1).build()?;
    /// assert_eq!(wrong.corrects(), None);
    /// let fixed = doc_fixtures::record_builder(2).served(wrong.served()).corrects(wrong.id()).build()?;
    /// assert_eq!(fixed.corrects(), Some(wrong.id()));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn corrects(&self) -> Option<RecordId> {
        self.corrects
    }
    /// The assumed check-out if the crediting policy closed a missing check-out
    /// automatically (HRS-03): such credits are flagged for review, and the ledger entry
    /// carries the flag ([`LedgerEntry::auto_closed`](crate::LedgerEntry::auto_closed)).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityId, AssignmentId, Attendance,
    ///     AttendanceSource, CreditRequest, CreditingPolicy, Minutes, PolicyVersion};
    /// let shift = doc_fixtures::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// let open = Attendance::checked_in(AssignmentId::from_parts(0, 1),
    ///     doc_fixtures::at("2021-07-21T08:00:00+08:00"), AttendanceSource::CodeScan);
    /// let policy = CreditingPolicy::builder(PolicyVersion::new(1))
    ///     .auto_close_after(Minutes::new(120)).build()?;
    /// let credit = policy.credit(&CreditRequest::new(ActivityId::from_parts(0, 2), shift, open,
    ///     doc_fixtures::at("2021-07-21T14:00:00+08:00")));
    /// let rec = doc_fixtures::record_builder(1).credit(&credit).build()?;
    /// assert_eq!(rec.auto_closed(), Some(doc_fixtures::at("2021-07-21T12:00:00+08:00")));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn auto_closed(&self) -> Option<DateTime<FixedOffset>> {
        self.auto_closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc_fixtures::{record_builder, span};

    #[test]
    fn a_complete_record_builds() {
        let r = record_builder(1).evaluation("good").build().unwrap();
        assert_eq!(r.evaluation(), Some("good"));
        assert_eq!(r.amount(), MinuteDelta::new(240));
    }

    #[test]
    fn required_fields_are_checked() {
        let b = ServiceRecord::builder(
            RecordId::from_parts(0, 1),
            VolunteerId::from_parts(0, 2),
            OrgId::from_parts(0, 3),
            ActivityId::from_parts(0, 4),
        );
        assert_eq!(
            b.build().unwrap_err().to_string(),
            "record 00000000-0000-7000-8000-000000000001: activity_name is missing"
        );
    }

    #[test]
    fn duration_must_fit_the_served_interval() {
        let err = record_builder(1)
            .duration(Minutes::new(241))
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "record 017ac65c-ac00-7000-8000-000000000001: duration 4:01 exceeds the served interval of 4:00"
        );
        assert!(matches!(
            record_builder(1).duration(Minutes::ZERO).build(),
            Err(RecordError::ZeroDuration { .. })
        ));
    }

    #[test]
    fn a_volunteer_never_records_their_own_service() {
        let rec = record_builder(1).build().unwrap();
        let err = record_builder(1)
            .recorder(Actor::Volunteer(rec.volunteer()))
            .build()
            .unwrap_err();
        assert_eq!(
            err,
            RecordError::SelfRecorded {
                record: rec.id(),
                volunteer: rec.volunteer()
            }
        );
    }

    #[test]
    fn provenance_rules() {
        assert!(matches!(
            record_builder(1)
                .provenance(Provenance::VerifiedCheckIn)
                .build(),
            Err(RecordError::MissingPolicy { .. })
        ));
        assert!(matches!(
            record_builder(1).provenance(Provenance::Correction).build(),
            Err(RecordError::CorrectsMismatch { .. })
        ));
        let id = record_builder(1).build().unwrap().id();
        assert!(matches!(
            record_builder(1).corrects(id).build(),
            Err(RecordError::CorrectsItself { .. })
        ));
        let c = record_builder(2).corrects(id).build().unwrap();
        assert_eq!(c.provenance(), Provenance::Correction);
        assert_eq!(c.corrects(), Some(id));
    }

    #[test]
    fn error_messages_are_pinned() {
        let record = RecordId::from_parts(0, 1);
        let volunteer = VolunteerId::from_parts(0, 2);
        let cases = [
            (
                RecordError::ZeroDuration { record },
                "record 00000000-0000-7000-8000-000000000001: duration is 0:00, expected at least one minute",
            ),
            (
                RecordError::SelfRecorded { record, volunteer },
                "record 00000000-0000-7000-8000-000000000001: volunteer 00000000-0000-7000-8000-000000000002 cannot record their own service",
            ),
            (
                RecordError::MissingPolicy { record },
                "record 00000000-0000-7000-8000-000000000001: provenance verified_check_in needs the crediting policy version",
            ),
            (
                RecordError::CorrectsMismatch { record },
                "record 00000000-0000-7000-8000-000000000001: only a correction (and every correction) names the record it corrects",
            ),
            (
                RecordError::CorrectsItself { record },
                "record 00000000-0000-7000-8000-000000000001 cannot correct itself",
            ),
        ];
        for (err, text) in cases {
            assert_eq!(err.to_string(), text);
        }
    }

    #[test]
    fn date_is_local_to_the_served_offset() {
        let r = record_builder(1)
            .served(span(
                "2021-07-21T23:00:00-05:00",
                "2021-07-22T01:00:00-05:00",
            ))
            .duration(Minutes::new(120))
            .build()
            .unwrap();
        assert_eq!(r.date().to_string(), "2021-07-21");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_and_revalidates() {
        let r = record_builder(1).build().unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<ServiceRecord>(&json).unwrap(), r);
        let bad = json.replace("\"duration\":240", "\"duration\":0");
        assert!(serde_json::from_str::<ServiceRecord>(&bad).is_err());
    }
}
