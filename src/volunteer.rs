//! Volunteer profiles (志愿者), the registration lifecycle (实名登记, VOL-03) and guardian
//! consent for minors (MIN-*).

use core::fmt;
use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use crate::{
    Availability, Contact, DivisionCode, GeoPoint, Hazard, IdDocument, OrgId, PersonName,
    PhoneNumber, QualificationGrant, Sex, Tag, TrainingRecord, VolunteerId, VolunteerNo,
};

/// Returned when a volunteer profile is inconsistent or a status change is not allowed.
/// Messages name the volunteer and never the unmasked ID number.
///
/// # Example
/// ```
/// use volunteer_service::doc_fixtures;
/// let mut v = doc_fixtures::volunteer();
/// let err = v.reinstate(doc_fixtures::at("2021-07-22T09:00:00+08:00")).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     format!("volunteer {} cannot go from registered to real_name_verified", v.id())
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VolunteerError {
    /// The builder lacks a required field.
    #[error("volunteer {volunteer} has no {field}: it is required")]
    MissingField {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The missing field's name.
        field: &'static str,
    },
    /// The declared birth date differs from the resident ID's (ID-06).
    #[error(
        "volunteer {volunteer} declared birth date {declared}, which does not match the \
         resident id (ID-06)"
    )]
    BirthDateMismatch {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The declared birth date.
        declared: NaiveDate,
    },
    /// The declared sex differs from the resident ID's (ID-06).
    #[error(
        "volunteer {volunteer} declared sex {declared}, which does not match the resident id (ID-06)"
    )]
    SexMismatch {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The declared sex.
        declared: Sex,
    },
    /// A guardian consent dated before the volunteer's birth.
    #[error(
        "volunteer {volunteer} has guardian consent given on {given_on}, before birth on {birth_date}"
    )]
    ConsentBeforeBirth {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The consent's date.
        given_on: NaiveDate,
        /// The birth date.
        birth_date: NaiveDate,
    },
    /// The status change is not allowed from the current state (VOL-03).
    #[error("volunteer {volunteer} cannot go from {from} to {to}")]
    IllegalTransition {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The current state.
        from: StatusKind,
        /// The requested state.
        to: StatusKind,
    },
    /// The status change is dated before the previous one.
    #[error("volunteer {volunteer} status change at {at} is before the previous change at {last}")]
    OutOfOrder {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The rejected instant.
        at: DateTime<FixedOffset>,
        /// The previous change.
        last: DateTime<FixedOffset>,
    },
    /// The profile of a cancelled volunteer cannot change.
    #[error("volunteer {volunteer} is cancelled: the registration can no longer change")]
    Cancelled {
        /// The volunteer.
        volunteer: VolunteerId,
    },
    /// A stored status disagrees with its own dates (on deserialisation): a suspension
    /// before its verification, or a last-change instant missing or before the state's.
    #[error("volunteer {volunteer} has status {status} inconsistent with its dates")]
    StatusInconsistent {
        /// The volunteer.
        volunteer: VolunteerId,
        /// The stored state.
        status: StatusKind,
    },
    /// A reason is empty or longer than 200 characters.
    #[error("reason has {len} characters: expected 1..=200 after trimming")]
    ReasonLength {
        /// Its length in characters.
        len: usize,
    },
}

/// How a volunteer came to register (VOL-01 `registered_via`).
///
/// Serde: `"website"`, `"we_chat"`, …, `{"organisation": "<org id>"}`, `"import"`.
///
/// # Example
/// ```
/// use volunteer_service::{OrgId, RegistrationChannel};
/// let via = RegistrationChannel::Organisation(OrgId::from_parts(1, 1));
/// assert_eq!(via.organisation(), Some(OrgId::from_parts(1, 1)));
/// assert_eq!(RegistrationChannel::WeChat.organisation(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum RegistrationChannel {
    /// Self-service on the platform's website.
    Website,
    /// Self-service through a `WeChat` mini program or account (微信).
    WeChat,
    /// By e-mail.
    Email,
    /// By telephone.
    Phone,
    /// Registered by an organisation on the volunteer's behalf.
    Organisation(OrgId),
    /// Imported from another system or from paper records (REC-03).
    Import,
}

impl RegistrationChannel {
    /// The registering organisation, for [`Organisation`](Self::Organisation).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{OrgId, RegistrationChannel};
    /// let org = OrgId::from_parts(1_626_739_200_000, 2);
    /// assert_eq!(RegistrationChannel::Organisation(org).organisation(), Some(org));
    /// assert_eq!(RegistrationChannel::Import.organisation(), None);
    /// ```
    pub const fn organisation(&self) -> Option<OrgId> {
        match self {
            Self::Organisation(org) => Some(*org),
            _ => None,
        }
    }
}

/// How a real-name registration was verified (实名认证, VOL-03).
///
/// # Example
/// ```
/// use volunteer_service::VerificationMethod;
/// assert_eq!(VerificationMethod::OnlineIdentityCheck.to_string(), "online_identity_check");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum VerificationMethod {
    /// The card was checked in person.
    InPerson,
    /// Read with an ID card reader.
    IdCardReader,
    /// Checked against the identity database online (公安身份核验).
    OnlineIdentityCheck,
    /// Face recognition against the ID photo (人脸识别).
    FaceRecognition,
}

impl fmt::Display for VerificationMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InPerson => "in_person",
            Self::IdCardReader => "id_card_reader",
            Self::OnlineIdentityCheck => "online_identity_check",
            Self::FaceRecognition => "face_recognition",
        })
    }
}

/// A reason for a suspension or cancellation: 1–200 characters after trimming.
///
/// # Example
/// ```
/// use volunteer_service::StatusReason;
/// assert_eq!(StatusReason::new(" moved away ")?.as_str(), "moved away");
/// assert!(StatusReason::new("").is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct StatusReason(Box<str>);

impl StatusReason {
    /// Trims and validates a reason.
    ///
    /// # Errors
    /// [`VolunteerError::ReasonLength`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{StatusReason, VolunteerError};
    /// assert_eq!(StatusReason::new("  left the city ")?.as_str(), "left the city");
    /// assert_eq!(StatusReason::new("   "), Err(VolunteerError::ReasonLength { len: 0 }));
    /// assert!(StatusReason::new(&"x".repeat(201)).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(value: &str) -> Result<Self, VolunteerError> {
        let t = value.trim();
        let len = t.chars().count();
        if !(1..=200).contains(&len) {
            return Err(VolunteerError::ReasonLength { len });
        }
        Ok(Self(t.into()))
    }

    /// The reason text.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::StatusReason;
    /// let reason = StatusReason::new("repeated no-shows")?;
    /// assert_eq!(reason.as_str(), "repeated no-shows");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StatusReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for StatusReason {
    type Error = VolunteerError;
    fn try_from(s: String) -> Result<Self, VolunteerError> {
        Self::new(&s)
    }
}

impl From<StatusReason> for String {
    fn from(r: StatusReason) -> Self {
        r.0.into()
    }
}

/// The name of a registration state, for messages and matching.
///
/// # Example
/// ```
/// use volunteer_service::StatusKind;
/// assert_eq!(StatusKind::RealNameVerified.to_string(), "real_name_verified");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum StatusKind {
    /// Registered, identity not yet verified.
    Registered,
    /// Real-name verified (实名认证).
    RealNameVerified,
    /// Suspended; may be reinstated.
    Suspended,
    /// Cancelled (注销); terminal.
    Cancelled,
}

impl fmt::Display for StatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Registered => "registered",
            Self::RealNameVerified => "real_name_verified",
            Self::Suspended => "suspended",
            Self::Cancelled => "cancelled",
        })
    }
}

/// The registration lifecycle (VOL-03, VOL-08):
///
/// ```text
/// Registered ──verify──▶ RealNameVerified ──suspend──▶ Suspended
///     │                     ▲     │                       │
///     │                     └─────┼──────reinstate────────┘
///     └────────cancel─────────────┴───────cancel──────────┴──▶ Cancelled (terminal)
/// ```
///
/// A suspension keeps the verification it interrupts, so reinstating restores it.
///
/// Serde shape: internally tagged, `{"state": "registered"}`,
/// `{"state": "real_name_verified", "at", "method"}`,
/// `{"state": "suspended", "at", "reason", "verified_at", "method"}`,
/// `{"state": "cancelled", "at", "reason"}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, RegistrationStatus, StatusKind, VerificationMethod};
/// let mut v = doc_fixtures::volunteer();
/// assert_eq!(v.status(), &RegistrationStatus::Registered);
/// v.verify(doc_fixtures::at("2021-07-22T09:00:00+08:00"), VerificationMethod::InPerson)?;
/// assert_eq!(v.status().kind(), StatusKind::RealNameVerified);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "state", rename_all = "snake_case")
)]
pub enum RegistrationStatus {
    /// Registered; identity not yet verified.
    #[default]
    Registered,
    /// Identity verified.
    RealNameVerified {
        /// When it was verified.
        at: DateTime<FixedOffset>,
        /// How it was verified.
        method: VerificationMethod,
    },
    /// Suspended from service.
    Suspended {
        /// When it was suspended.
        at: DateTime<FixedOffset>,
        /// Why.
        reason: StatusReason,
        /// When the interrupted verification happened.
        verified_at: DateTime<FixedOffset>,
        /// How it was verified.
        method: VerificationMethod,
    },
    /// Cancelled at the volunteer's request or by the platform; terminal.
    Cancelled {
        /// When it was cancelled.
        at: DateTime<FixedOffset>,
        /// Why.
        reason: StatusReason,
    },
}

impl RegistrationStatus {
    /// The state's name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, RegistrationStatus, StatusKind, StatusReason};
    /// assert_eq!(RegistrationStatus::Registered.kind(), StatusKind::Registered);
    /// let mut v = doc_fixtures::volunteer();
    /// v.cancel(doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("moved away")?)?;
    /// assert_eq!(v.status().kind(), StatusKind::Cancelled);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn kind(&self) -> StatusKind {
        match self {
            Self::Registered => StatusKind::Registered,
            Self::RealNameVerified { .. } => StatusKind::RealNameVerified,
            Self::Suspended { .. } => StatusKind::Suspended,
            Self::Cancelled { .. } => StatusKind::Cancelled,
        }
    }

    /// Whether the volunteer may currently serve: real-name verified and not suspended or
    /// cancelled.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, StatusReason, VerificationMethod};
    /// let mut v = doc_fixtures::volunteer();
    /// assert!(!v.status().is_active()); // registered, not yet verified
    /// v.verify(doc_fixtures::at("2021-07-22T09:00:00+08:00"), VerificationMethod::InPerson)?;
    /// assert!(v.status().is_active());
    /// v.suspend(doc_fixtures::at("2021-07-23T09:00:00+08:00"), StatusReason::new("under review")?)?;
    /// assert!(!v.status().is_active());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn is_active(&self) -> bool {
        matches!(self, Self::RealNameVerified { .. })
    }
}

/// A parent's or guardian's consent for a minor to volunteer (监护人同意, MIN-02, VOL-08).
///
/// Serde shape: `{"guardian": "<name>", "phone": "<full number>", "given_on": "YYYY-MM-DD"}`.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{GuardianConsent, PersonName, PhoneNumber};
/// let c = GuardianConsent::new(PersonName::new("王芳")?, PhoneNumber::new("13912345678")?, NaiveDate::from_ymd_opt(2021, 7, 1).unwrap());
/// assert_eq!(c.phone().to_string(), "139****5678");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GuardianConsent {
    guardian: PersonName,
    phone: PhoneNumber,
    given_on: NaiveDate,
}

impl GuardianConsent {
    /// A consent given by `guardian`, reachable at `phone`, on `given_on`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{GuardianConsent, PersonName, PhoneNumber};
    /// let day = NaiveDate::from_ymd_opt(2021, 7, 1).unwrap();
    /// let c = GuardianConsent::new(PersonName::new("王芳")?, PhoneNumber::new("13912345678")?, day);
    /// assert_eq!(c.guardian().as_str(), "王芳");
    /// assert_eq!(c.given_on(), day);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn new(guardian: PersonName, phone: PhoneNumber, given_on: NaiveDate) -> Self {
        Self {
            guardian,
            phone,
            given_on,
        }
    }

    /// The guardian's name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let child = doc_fixtures::child();
    /// let consent = child.guardian_consent().unwrap();
    /// assert_eq!(consent.guardian().as_str(), "王芳");
    /// ```
    pub const fn guardian(&self) -> &PersonName {
        &self.guardian
    }

    /// The guardian's phone number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let child = doc_fixtures::child();
    /// let phone = child.guardian_consent().unwrap().phone();
    /// assert_eq!(phone.to_string(), "139****5678"); // masked
    /// assert!(phone.is_mainland());
    /// ```
    pub const fn phone(&self) -> &PhoneNumber {
        &self.phone
    }

    /// The day consent was given.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::doc_fixtures;
    /// let child = doc_fixtures::child();
    /// assert_eq!(child.guardian_consent().unwrap().given_on(), NaiveDate::from_ymd_opt(2021, 7, 1).unwrap());
    /// ```
    pub const fn given_on(&self) -> NaiveDate {
        self.given_on
    }
}

/// A volunteer's profile (VOL-01, VOL-04): identity, personal basics, contact, tags, home
/// area, availability, qualifications, trainings and registration status.
///
/// Build one with [`Volunteer::builder`]; a value that exists is consistent: a resident ID's
/// birth date and sex agree with the declared ones (ID-06). The volunteer number is separate
/// from the ID number (VOL-06). `Debug` masks the ID and phone numbers.
///
/// Serde shape: an object with `id`, `volunteer_no`, `name`, `document`
/// ([`IdDocument`] shape), `birth_date`, `sex`, `contact`, `tags`, `home_division`,
/// `home_point`, `channel`, `availability`, `qualifications`, `trainings`,
/// `guardian_consent`, `status` and `status_changed_at`; deserialising re-runs the builder's
/// checks.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerId, VolunteerNo};
/// let v = Volunteer::builder(
///     VolunteerId::from_parts(1_626_739_200_000, 1),
///     VolunteerNo::new("JS-2021-000001")?,
///     PersonName::new("张三")?,
///     IdDocument::parse(None, "360426199101010071")?,
/// )
/// .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
/// .sex(Sex::Male)
/// .channel(RegistrationChannel::WeChat)
/// .build()?;
/// assert_eq!(v.age_on(NaiveDate::from_ymd_opt(2021, 7, 21).unwrap()), 30);
/// assert!(!format!("{v:?}").contains("360426199101010071"));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "VolunteerWire", into = "VolunteerWire")
)]
pub struct Volunteer {
    id: VolunteerId,
    number: VolunteerNo,
    name: PersonName,
    document: IdDocument,
    birth_date: NaiveDate,
    sex: Sex,
    contact: Contact,
    tags: BTreeSet<Tag>,
    home_division: Option<DivisionCode>,
    home_point: Option<GeoPoint>,
    channel: RegistrationChannel,
    availability: Availability,
    qualifications: Vec<QualificationGrant>,
    trainings: Vec<TrainingRecord>,
    guardian_consent: Option<GuardianConsent>,
    status: RegistrationStatus,
    status_changed_at: Option<DateTime<FixedOffset>>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct VolunteerWire {
    id: VolunteerId,
    volunteer_no: VolunteerNo,
    name: PersonName,
    document: IdDocument,
    birth_date: NaiveDate,
    sex: Sex,
    contact: Contact,
    tags: BTreeSet<Tag>,
    home_division: Option<DivisionCode>,
    home_point: Option<GeoPoint>,
    channel: RegistrationChannel,
    availability: Availability,
    qualifications: Vec<QualificationGrant>,
    trainings: Vec<TrainingRecord>,
    guardian_consent: Option<GuardianConsent>,
    status: RegistrationStatus,
    status_changed_at: Option<DateTime<FixedOffset>>,
}

#[cfg(feature = "serde")]
impl TryFrom<VolunteerWire> for Volunteer {
    type Error = VolunteerError;
    fn try_from(w: VolunteerWire) -> Result<Self, VolunteerError> {
        let mut b = Volunteer::builder(w.id, w.volunteer_no, w.name, w.document)
            .birth_date(w.birth_date)
            .sex(w.sex)
            .contact(w.contact)
            .tags(w.tags)
            .channel(w.channel)
            .availability(w.availability);
        b.home_division = w.home_division;
        b.home_point = w.home_point;
        b.qualifications = w.qualifications;
        b.trainings = w.trainings;
        b.guardian_consent = w.guardian_consent;
        let mut v = b.build()?;
        let consistent = match (&w.status, w.status_changed_at) {
            (RegistrationStatus::Registered, changed) => changed.is_none(),
            (RegistrationStatus::RealNameVerified { at, .. }, Some(changed)) => *at <= changed,
            (
                RegistrationStatus::Suspended {
                    at, verified_at, ..
                },
                Some(changed),
            ) => verified_at <= at && *at == changed,
            (RegistrationStatus::Cancelled { at, .. }, Some(changed)) => *at == changed,
            (_, None) => false,
        };
        if !consistent {
            return Err(VolunteerError::StatusInconsistent {
                volunteer: v.id,
                status: w.status.kind(),
            });
        }
        v.status = w.status;
        v.status_changed_at = w.status_changed_at;
        Ok(v)
    }
}

#[cfg(feature = "serde")]
impl From<Volunteer> for VolunteerWire {
    fn from(v: Volunteer) -> Self {
        Self {
            id: v.id,
            volunteer_no: v.number,
            name: v.name,
            document: v.document,
            birth_date: v.birth_date,
            sex: v.sex,
            contact: v.contact,
            tags: v.tags,
            home_division: v.home_division,
            home_point: v.home_point,
            channel: v.channel,
            availability: v.availability,
            qualifications: v.qualifications,
            trainings: v.trainings,
            guardian_consent: v.guardian_consent,
            status: v.status,
            status_changed_at: v.status_changed_at,
        }
    }
}

/// Builds a [`Volunteer`]; see [`Volunteer::builder`]. Birth date, sex and channel are
/// required; everything else has an empty default ([`Availability::always`] for
/// availability).
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{IdDocument, PersonName, Sex, Volunteer, VolunteerError, VolunteerId, VolunteerNo};
/// // Birth date, sex and channel are required.
/// let err = Volunteer::builder(
///     VolunteerId::from_parts(1, 1),
///     VolunteerNo::new("JS-2021-000001")?,
///     PersonName::new("张三")?,
///     IdDocument::parse(None, "360426199101010071")?,
/// )
/// .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
/// .sex(Sex::Male)
/// .build()
/// .unwrap_err();
/// assert!(matches!(err, VolunteerError::MissingField { field: "channel", .. }));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct VolunteerBuilder {
    id: VolunteerId,
    volunteer_no: VolunteerNo,
    name: PersonName,
    document: IdDocument,
    birth_date: Option<NaiveDate>,
    sex: Option<Sex>,
    contact: Contact,
    tags: BTreeSet<Tag>,
    home_division: Option<DivisionCode>,
    home_point: Option<GeoPoint>,
    channel: Option<RegistrationChannel>,
    availability: Availability,
    qualifications: Vec<QualificationGrant>,
    trainings: Vec<TrainingRecord>,
    guardian_consent: Option<GuardianConsent>,
}

impl VolunteerBuilder {
    /// The declared birth date (required).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerError, VolunteerId, VolunteerNo};
    /// let start = || -> Result<_, volunteer_service::Error> {
    ///     Ok(Volunteer::builder(
    ///         VolunteerId::from_parts(1_626_739_200_000, 1),
    ///         VolunteerNo::new("JS-2021-000001")?,
    ///         PersonName::new("张三")?,
    ///         IdDocument::parse(None, "360426199101010071")?,
    ///     )
    ///     .sex(Sex::Male)
    ///     .channel(RegistrationChannel::WeChat))
    /// };
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// assert_eq!(start()?.birth_date(d(1991, 1, 1)).build()?.birth_date(), d(1991, 1, 1));
    /// // It must agree with the resident ID (ID-06).
    /// assert!(matches!(
    ///     start()?.birth_date(d(1991, 1, 2)).build(),
    ///     Err(VolunteerError::BirthDateMismatch { .. })
    /// ));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn birth_date(mut self, birth_date: NaiveDate) -> Self {
        self.birth_date = Some(birth_date);
        self
    }

    /// The declared sex (required).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerError, VolunteerId, VolunteerNo};
    /// let start = || -> Result<_, volunteer_service::Error> {
    ///     Ok(Volunteer::builder(
    ///         VolunteerId::from_parts(1_626_739_200_000, 1),
    ///         VolunteerNo::new("JS-2021-000001")?,
    ///         PersonName::new("张三")?,
    ///         IdDocument::parse(None, "360426199101010071")?,
    ///     )
    ///     .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    ///     .channel(RegistrationChannel::WeChat))
    /// };
    /// assert_eq!(start()?.sex(Sex::Male).build()?.sex(), Sex::Male);
    /// // It must agree with the resident ID (ID-06).
    /// assert!(matches!(start()?.sex(Sex::Female).build(), Err(VolunteerError::SexMismatch { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn sex(mut self, sex: Sex) -> Self {
        self.sex = Some(sex);
        self
    }

    /// How the volunteer registered (required).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerError, VolunteerId, VolunteerNo};
    /// let start = || -> Result<_, volunteer_service::Error> {
    ///     Ok(Volunteer::builder(
    ///         VolunteerId::from_parts(1_626_739_200_000, 1),
    ///         VolunteerNo::new("JS-2021-000001")?,
    ///         PersonName::new("张三")?,
    ///         IdDocument::parse(None, "360426199101010071")?,
    ///     )
    ///     .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    ///     .sex(Sex::Male))
    /// };
    /// let v = start()?.channel(RegistrationChannel::Website).build()?;
    /// assert_eq!(v.channel(), RegistrationChannel::Website);
    /// assert!(matches!(start()?.build(), Err(VolunteerError::MissingField { field: "channel", .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn channel(mut self, channel: RegistrationChannel) -> Self {
        self.channel = Some(channel);
        self
    }

    /// Contact details.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{Contact, Email, IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerId, VolunteerNo};
    /// let v = Volunteer::builder(
    ///     VolunteerId::from_parts(1_626_739_200_000, 1),
    ///     VolunteerNo::new("JS-2021-000001")?,
    ///     PersonName::new("张三")?,
    ///     IdDocument::parse(None, "360426199101010071")?,
    /// )
    /// .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    /// .sex(Sex::Male)
    /// .channel(RegistrationChannel::WeChat)
    /// .contact(Contact::new(None, Some(Email::new("zhangsan@example.org")?)))
    /// .build()?;
    /// assert_eq!(v.contact().email().map(Email::as_str), Some("zhangsan@example.org"));
    /// assert!(v.contact().phone().is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn contact(mut self, contact: Contact) -> Self {
        self.contact = contact;
        self
    }

    /// Adds a tag.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, Tag, Volunteer, VolunteerId, VolunteerNo};
    /// let v = Volunteer::builder(
    ///     VolunteerId::from_parts(1_626_739_200_000, 1),
    ///     VolunteerNo::new("JS-2021-000001")?,
    ///     PersonName::new("张三")?,
    ///     IdDocument::parse(None, "360426199101010071")?,
    /// )
    /// .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    /// .sex(Sex::Male)
    /// .channel(RegistrationChannel::WeChat)
    /// .tag(Tag::new("党员")?)
    /// .tag(Tag::new("党员")?) // a set: added once
    /// .build()?;
    /// assert_eq!(v.tags().len(), 1);
    /// assert!(v.tags().contains(&Tag::new("党员")?));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn tag(mut self, tag: Tag) -> Self {
        self.tags.insert(tag);
        self
    }

    /// Adds tags.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, Tag, Volunteer, VolunteerId, VolunteerNo};
    /// let v = Volunteer::builder(
    ///     VolunteerId::from_parts(1_626_739_200_000, 1),
    ///     VolunteerNo::new("JS-2021-000001")?,
    ///     PersonName::new("张三")?,
    ///     IdDocument::parse(None, "360426199101010071")?,
    /// )
    /// .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    /// .sex(Sex::Male)
    /// .channel(RegistrationChannel::WeChat)
    /// .tags([Tag::new("youth")?, Tag::new("professional")?])
    /// .build()?;
    /// let names: Vec<&str> = v.tags().iter().map(Tag::as_str).collect();
    /// assert_eq!(names, ["professional", "youth"]); // ordered set
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn tags(mut self, tags: impl IntoIterator<Item = Tag>) -> Self {
        self.tags.extend(tags);
        self
    }

    /// The division the volunteer lives in (for 就近 matching; never derived from the ID
    /// number's address code, ID-03).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{DivisionCode, IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerId, VolunteerNo};
    /// let lukou: DivisionCode = "320115005".parse()?;
    /// let v = Volunteer::builder(
    ///     VolunteerId::from_parts(1_626_739_200_000, 1),
    ///     VolunteerNo::new("JS-2021-000001")?,
    ///     PersonName::new("张三")?,
    ///     IdDocument::parse(None, "360426199101010071")?, // issued in Jiangxi
    /// )
    /// .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    /// .sex(Sex::Male)
    /// .channel(RegistrationChannel::WeChat)
    /// .home_division(lukou)
    /// .build()?;
    /// assert_eq!(v.home_division(), Some(lukou)); // not the ID's address code
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn home_division(mut self, division: DivisionCode) -> Self {
        self.home_division = Some(division);
        self
    }

    /// The volunteer's home location.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{GeoPoint, IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerId, VolunteerNo};
    /// let home = GeoPoint::from_micro_degrees(31_736_000, 118_864_000)?;
    /// let v = Volunteer::builder(
    ///     VolunteerId::from_parts(1_626_739_200_000, 1),
    ///     VolunteerNo::new("JS-2021-000001")?,
    ///     PersonName::new("张三")?,
    ///     IdDocument::parse(None, "360426199101010071")?,
    /// )
    /// .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    /// .sex(Sex::Male)
    /// .channel(RegistrationChannel::WeChat)
    /// .home_point(home)
    /// .build()?;
    /// assert_eq!(v.home_point(), Some(home));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn home_point(mut self, point: GeoPoint) -> Self {
        self.home_point = Some(point);
        self
    }

    /// When the volunteer can serve.
    ///
    /// # Example
    /// ```
    /// use chrono::{FixedOffset, NaiveDate, Weekday};
    /// use volunteer_service::{Availability, IdDocument, PersonName, RegistrationChannel, Sex, TimeWindow, Volunteer, VolunteerId, VolunteerNo};
    /// let mut evenings = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
    /// evenings.add_window(Weekday::Sat, TimeWindow::from_minutes(18 * 60, 180)?);
    /// let v = Volunteer::builder(
    ///     VolunteerId::from_parts(1_626_739_200_000, 1),
    ///     VolunteerNo::new("JS-2021-000001")?,
    ///     PersonName::new("张三")?,
    ///     IdDocument::parse(None, "360426199101010071")?,
    /// )
    /// .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    /// .sex(Sex::Male)
    /// .channel(RegistrationChannel::WeChat)
    /// .availability(evenings.clone())
    /// .build()?;
    /// assert_eq!(v.availability(), &evenings);
    /// assert!(v.availability().windows(Weekday::Mon).is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn availability(mut self, availability: Availability) -> Self {
        self.availability = availability;
        self
    }

    /// Adds a qualification grant.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, PersonName, QualificationGrant, QualificationId, RegistrationChannel, Sex, Volunteer, VolunteerId, VolunteerNo};
    /// let first_aid = QualificationId::from_parts(1_600_000_000_000, 1);
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let v = Volunteer::builder(
    ///     VolunteerId::from_parts(1_626_739_200_000, 1),
    ///     VolunteerNo::new("JS-2021-000001")?,
    ///     PersonName::new("张三")?,
    ///     IdDocument::parse(None, "360426199101010071")?,
    /// )
    /// .birth_date(d(1991, 1, 1))
    /// .sex(Sex::Male)
    /// .channel(RegistrationChannel::WeChat)
    /// .qualification(QualificationGrant::new(first_aid, d(2020, 5, 1), Some(d(2023, 5, 1)), None)?)
    /// .build()?;
    /// assert_eq!(v.qualifications().len(), 1);
    /// assert_eq!(v.qualifications()[0].qualification(), first_aid);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn qualification(mut self, grant: QualificationGrant) -> Self {
        self.qualifications.push(grant);
        self
    }

    /// Adds a training record.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, TrainingId, TrainingRecord, Volunteer, VolunteerId, VolunteerNo};
    /// let ppe = TrainingId::from_parts(1_600_000_000_000, 1);
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let v = Volunteer::builder(
    ///     VolunteerId::from_parts(1_626_739_200_000, 1),
    ///     VolunteerNo::new("JS-2021-000001")?,
    ///     PersonName::new("张三")?,
    ///     IdDocument::parse(None, "360426199101010071")?,
    /// )
    /// .birth_date(d(1991, 1, 1))
    /// .sex(Sex::Male)
    /// .channel(RegistrationChannel::WeChat)
    /// .training(TrainingRecord::new(ppe, d(2021, 7, 20), None)?)
    /// .build()?;
    /// assert_eq!(v.trainings()[0].training(), ppe);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn training(mut self, record: TrainingRecord) -> Self {
        self.trainings.push(record);
        self
    }

    /// A guardian's consent (for minors, MIN-02).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{GuardianConsent, IdDocument, PersonName, PhoneNumber, RegistrationChannel, Sex, Volunteer, VolunteerError, VolunteerId, VolunteerNo};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let consent = |on| -> Result<_, volunteer_service::Error> {
    ///     Ok(GuardianConsent::new(PersonName::new("王芳")?, PhoneNumber::new("13912345678")?, on))
    /// };
    /// let start = || -> Result<_, volunteer_service::Error> {
    ///     Ok(Volunteer::builder(
    ///         VolunteerId::from_parts(1_626_739_200_000, 2),
    ///         VolunteerNo::new("JS-2021-000002")?,
    ///         PersonName::new("小明")?,
    ///         IdDocument::parse(None, "320115201203010010")?,
    ///     )
    ///     .birth_date(d(2012, 3, 1))
    ///     .sex(Sex::Male)
    ///     .channel(RegistrationChannel::Website))
    /// };
    /// let child = start()?.guardian_consent(consent(d(2021, 7, 1))?).build()?;
    /// assert_eq!(child.guardian_consent().map(|c| c.given_on()), Some(d(2021, 7, 1)));
    /// // A consent dated before the birth is refused.
    /// assert!(matches!(
    ///     start()?.guardian_consent(consent(d(2011, 1, 1))?).build(),
    ///     Err(VolunteerError::ConsentBeforeBirth { .. })
    /// ));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn guardian_consent(mut self, consent: GuardianConsent) -> Self {
        self.guardian_consent = Some(consent);
        self
    }

    /// Validates and builds the profile, with status [`RegistrationStatus::Registered`].
    ///
    /// # Errors
    /// The first problem found: [`VolunteerError::MissingField`],
    /// [`VolunteerError::BirthDateMismatch`], [`VolunteerError::SexMismatch`] or
    /// [`VolunteerError::ConsentBeforeBirth`].
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, PersonName, RegistrationChannel, RegistrationStatus, Sex, Volunteer, VolunteerError, VolunteerId, VolunteerNo};
    /// let start = || -> Result<_, volunteer_service::Error> {
    ///     Ok(Volunteer::builder(
    ///         VolunteerId::from_parts(1_626_739_200_000, 1),
    ///         VolunteerNo::new("JS-2021-000001")?,
    ///         PersonName::new("张三")?,
    ///         IdDocument::parse(None, "360426199101010071")?,
    ///     ))
    /// };
    /// let v = start()?
    ///     .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    ///     .sex(Sex::Male)
    ///     .channel(RegistrationChannel::WeChat)
    ///     .build()?;
    /// assert_eq!(v.status(), &RegistrationStatus::Registered);
    /// let err = start()?.sex(Sex::Male).build().unwrap_err();
    /// assert_eq!(err, VolunteerError::MissingField { volunteer: v.id(), field: "birth_date" });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn build(self) -> Result<Volunteer, VolunteerError> {
        let volunteer = self.id;
        let missing = |field| VolunteerError::MissingField { volunteer, field };
        let birth_date = self.birth_date.ok_or_else(|| missing("birth_date"))?;
        let sex = self.sex.ok_or_else(|| missing("sex"))?;
        let channel = self.channel.ok_or_else(|| missing("channel"))?;
        if let Some(id) = self.document.resident_id() {
            if id.birth_date() != birth_date {
                return Err(VolunteerError::BirthDateMismatch {
                    volunteer,
                    declared: birth_date,
                });
            }
            if id.sex() != sex {
                return Err(VolunteerError::SexMismatch {
                    volunteer,
                    declared: sex,
                });
            }
        }
        if let Some(c) = &self.guardian_consent
            && c.given_on < birth_date
        {
            return Err(VolunteerError::ConsentBeforeBirth {
                volunteer,
                given_on: c.given_on,
                birth_date,
            });
        }
        Ok(Volunteer {
            id: self.id,
            number: self.volunteer_no,
            name: self.name,
            document: self.document,
            birth_date,
            sex,
            contact: self.contact,
            tags: self.tags,
            home_division: self.home_division,
            home_point: self.home_point,
            channel,
            availability: self.availability,
            qualifications: self.qualifications,
            trainings: self.trainings,
            guardian_consent: self.guardian_consent,
            status: RegistrationStatus::Registered,
            status_changed_at: None,
        })
    }
}

impl Volunteer {
    /// Starts a profile with its identity: id, platform number, name and ID document.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerId, VolunteerNo};
    /// let v = Volunteer::builder(
    ///     VolunteerId::from_parts(1_626_739_200_000, 1),
    ///     VolunteerNo::new("JS-2021-000001")?,
    ///     PersonName::new("张三")?,
    ///     IdDocument::parse(None, "360426199101010071")?,
    /// )
    /// .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    /// .sex(Sex::Male)
    /// .channel(RegistrationChannel::WeChat)
    /// .build()?;
    /// assert_eq!(v.name().as_str(), "张三");
    /// assert!(v.tags().is_empty()); // optional parts start empty
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn builder(
        id: VolunteerId,
        volunteer_no: VolunteerNo,
        name: PersonName,
        document: IdDocument,
    ) -> VolunteerBuilder {
        VolunteerBuilder {
            id,
            volunteer_no,
            name,
            document,
            birth_date: None,
            sex: None,
            contact: Contact::default(),
            tags: BTreeSet::new(),
            home_division: None,
            home_point: None,
            channel: None,
            availability: Availability::always(),
            qualifications: Vec::new(),
            trainings: Vec::new(),
            guardian_consent: None,
        }
    }

    /// The volunteer's id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, VolunteerId};
    /// let v = doc_fixtures::volunteer();
    /// assert_eq!(v.id(), VolunteerId::from_parts(1_626_739_200_000, 1));
    /// ```
    pub const fn id(&self) -> VolunteerId {
        self.id
    }

    /// The platform volunteer number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let v = doc_fixtures::volunteer();
    /// assert_eq!(v.volunteer_no().as_str(), "JS-2021-000001");
    /// ```
    pub const fn volunteer_no(&self) -> &VolunteerNo {
        &self.number
    }

    /// The registered name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::volunteer().name().as_str(), "张三");
    /// ```
    pub const fn name(&self) -> &PersonName {
        &self.name
    }

    /// The identity document (masked in `Debug`/`Display`).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Sex};
    /// let v = doc_fixtures::volunteer();
    /// assert_eq!(v.document().kind_str(), "resident_id");
    /// assert_eq!(v.document().resident_id().map(|id| id.sex()), Some(Sex::Male));
    /// assert!(!v.document().to_string().contains("199101010071")); // masked
    /// ```
    pub const fn document(&self) -> &IdDocument {
        &self.document
    }

    /// The declared birth date (checked against a resident ID).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::volunteer().birth_date(), NaiveDate::from_ymd_opt(1991, 1, 1).unwrap());
    /// ```
    pub const fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The declared sex (checked against a resident ID).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Sex};
    /// assert_eq!(doc_fixtures::volunteer().sex(), Sex::Male);
    /// ```
    pub const fn sex(&self) -> Sex {
        self.sex
    }

    /// Contact details.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Contact, PhoneNumber};
    /// let mut v = doc_fixtures::volunteer();
    /// assert_eq!(v.contact(), &Contact::default()); // none given
    /// v.set_contact(Contact::new(Some(PhoneNumber::new("13812345678")?), None))?;
    /// assert_eq!(v.contact().phone().map(ToString::to_string).as_deref(), Some("138****5678"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn contact(&self) -> &Contact {
        &self.contact
    }

    /// Tags.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Tag};
    /// let mut v = doc_fixtures::volunteer();
    /// assert!(v.tags().is_empty());
    /// v.set_tags([Tag::new("党员")?].into())?;
    /// assert!(v.tags().contains(&Tag::new("党员")?));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn tags(&self) -> &BTreeSet<Tag> {
        &self.tags
    }

    /// The home division, if known.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// // The fixture states no home division; it is never guessed from the ID number (ID-03).
    /// assert_eq!(doc_fixtures::volunteer().home_division(), None);
    /// let lukou = "320115005".parse()?;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerId, VolunteerNo};
    /// let v = Volunteer::builder(
    /// #     VolunteerId::from_parts(1_626_739_200_000, 1),
    /// #     VolunteerNo::new("JS-2021-000001")?,
    /// #     PersonName::new("张三")?,
    /// #     IdDocument::parse(None, "360426199101010071")?,
    ///     // …
    /// )
    /// # .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    /// # .sex(Sex::Male)
    /// # .channel(RegistrationChannel::WeChat)
    /// .home_division(lukou)
    /// .build()?;
    /// assert_eq!(v.home_division(), Some(lukou));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn home_division(&self) -> Option<DivisionCode> {
        self.home_division
    }

    /// The home location, if known.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::volunteer().home_point(), None);
    /// let home = volunteer_service::GeoPoint::from_micro_degrees(31_736_000, 118_864_000)?;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{IdDocument, PersonName, RegistrationChannel, Sex, Volunteer, VolunteerId, VolunteerNo};
    /// let v = Volunteer::builder(
    /// #     VolunteerId::from_parts(1_626_739_200_000, 1),
    /// #     VolunteerNo::new("JS-2021-000001")?,
    /// #     PersonName::new("张三")?,
    /// #     IdDocument::parse(None, "360426199101010071")?,
    ///     // …
    /// )
    /// # .birth_date(NaiveDate::from_ymd_opt(1991, 1, 1).unwrap())
    /// # .sex(Sex::Male)
    /// # .channel(RegistrationChannel::WeChat)
    /// .home_point(home)
    /// .build()?;
    /// assert_eq!(v.home_point(), Some(home));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn home_point(&self) -> Option<GeoPoint> {
        self.home_point
    }

    /// How the volunteer registered.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, RegistrationChannel};
    /// assert_eq!(doc_fixtures::volunteer().channel(), RegistrationChannel::WeChat);
    /// assert_eq!(doc_fixtures::child().channel(), RegistrationChannel::Website);
    /// ```
    pub const fn channel(&self) -> RegistrationChannel {
        self.channel
    }

    /// When the volunteer can serve.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Availability};
    /// // Without a stated pattern a volunteer is always available.
    /// assert_eq!(doc_fixtures::volunteer().availability(), &Availability::always());
    /// ```
    pub const fn availability(&self) -> &Availability {
        &self.availability
    }

    /// Qualification grants.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, QualificationGrant, QualificationId};
    /// let mut v = doc_fixtures::volunteer();
    /// assert!(v.qualifications().is_empty());
    /// let first_aid = QualificationId::from_parts(1_600_000_000_000, 1);
    /// v.add_qualification(QualificationGrant::new(first_aid, NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(), None, None)?)?;
    /// assert_eq!(v.qualifications()[0].qualification(), first_aid);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn qualifications(&self) -> &[QualificationGrant] {
        &self.qualifications
    }

    /// Training records.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, TrainingId, TrainingRecord};
    /// let mut v = doc_fixtures::volunteer();
    /// assert!(v.trainings().is_empty());
    /// let ppe = TrainingId::from_parts(1_600_000_000_000, 1);
    /// v.add_training(TrainingRecord::new(ppe, NaiveDate::from_ymd_opt(2021, 7, 20).unwrap(), None)?)?;
    /// assert_eq!(v.trainings()[0].training(), ppe);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn trainings(&self) -> &[TrainingRecord] {
        &self.trainings
    }

    /// The guardian's consent, if recorded.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert!(doc_fixtures::volunteer().guardian_consent().is_none());
    /// assert_eq!(doc_fixtures::child().guardian_consent().unwrap().guardian().as_str(), "王芳");
    /// ```
    pub const fn guardian_consent(&self) -> Option<&GuardianConsent> {
        self.guardian_consent.as_ref()
    }

    /// The registration status.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, RegistrationStatus, VerificationMethod};
    /// let mut v = doc_fixtures::volunteer();
    /// assert_eq!(v.status(), &RegistrationStatus::Registered);
    /// let at = doc_fixtures::at("2021-07-22T09:00:00+08:00");
    /// v.verify(at, VerificationMethod::FaceRecognition)?;
    /// assert_eq!(v.status(), &RegistrationStatus::RealNameVerified { at, method: VerificationMethod::FaceRecognition });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn status(&self) -> &RegistrationStatus {
        &self.status
    }

    /// When the status last changed (`None` while merely registered).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, VerificationMethod};
    /// let mut v = doc_fixtures::volunteer();
    /// assert_eq!(v.status_changed_at(), None);
    /// let at = doc_fixtures::at("2021-07-22T09:00:00+08:00");
    /// v.verify(at, VerificationMethod::InPerson)?;
    /// assert_eq!(v.status_changed_at(), Some(at));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn status_changed_at(&self) -> Option<DateTime<FixedOffset>> {
        self.status_changed_at
    }

    /// Age in completed years on `day`; 0 before the birth date.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::doc_fixtures;
    /// let v = doc_fixtures::volunteer(); // born 1991-01-01
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// assert_eq!(v.age_on(d(2020, 12, 31)), 29);
    /// assert_eq!(v.age_on(d(2021, 1, 1)), 30);
    /// ```
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        age_between(self.birth_date, day)
    }

    fn ensure_not_cancelled(&self) -> Result<(), VolunteerError> {
        if matches!(self.status, RegistrationStatus::Cancelled { .. }) {
            return Err(VolunteerError::Cancelled { volunteer: self.id });
        }
        Ok(())
    }

    fn transition(
        &mut self,
        at: DateTime<FixedOffset>,
        to: StatusKind,
        next: impl FnOnce(&RegistrationStatus) -> Option<RegistrationStatus>,
    ) -> Result<(), VolunteerError> {
        if let Some(last) = self.status_changed_at
            && at < last
        {
            return Err(VolunteerError::OutOfOrder {
                volunteer: self.id,
                at,
                last,
            });
        }
        let new = next(&self.status).ok_or(VolunteerError::IllegalTransition {
            volunteer: self.id,
            from: self.status.kind(),
            to,
        })?;
        self.status = new;
        self.status_changed_at = Some(at);
        Ok(())
    }

    /// Records real-name verification (实名认证, VOL-03). Only from `Registered`.
    ///
    /// # Errors
    /// [`VolunteerError::IllegalTransition`] or [`VolunteerError::OutOfOrder`]; the
    /// volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, StatusKind, VerificationMethod, VolunteerError};
    /// let mut v = doc_fixtures::volunteer();
    /// let at = doc_fixtures::at("2021-07-22T09:00:00+08:00");
    /// v.verify(at, VerificationMethod::IdCardReader)?;
    /// assert_eq!(v.status().kind(), StatusKind::RealNameVerified);
    /// // Verifying twice is refused and changes nothing.
    /// let before = v.clone();
    /// let err = v.verify(doc_fixtures::at("2021-07-23T09:00:00+08:00"), VerificationMethod::InPerson).unwrap_err();
    /// assert!(matches!(err, VolunteerError::IllegalTransition { from: StatusKind::RealNameVerified, .. }));
    /// assert_eq!(v, before);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn verify(
        &mut self,
        at: DateTime<FixedOffset>,
        method: VerificationMethod,
    ) -> Result<(), VolunteerError> {
        self.transition(at, StatusKind::RealNameVerified, |s| match s {
            RegistrationStatus::Registered => {
                Some(RegistrationStatus::RealNameVerified { at, method })
            }
            _ => None,
        })
    }

    /// Suspends a verified volunteer.
    ///
    /// # Errors
    /// [`VolunteerError::IllegalTransition`] unless `RealNameVerified`, or
    /// [`VolunteerError::OutOfOrder`]; the volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, StatusKind, StatusReason, VerificationMethod, VolunteerError};
    /// let mut v = doc_fixtures::volunteer();
    /// let reason = StatusReason::new("under review")?;
    /// // Only a verified volunteer can be suspended.
    /// assert!(matches!(
    ///     v.suspend(doc_fixtures::at("2021-07-22T09:00:00+08:00"), reason.clone()),
    ///     Err(VolunteerError::IllegalTransition { from: StatusKind::Registered, .. })
    /// ));
    /// v.verify(doc_fixtures::at("2021-07-22T09:00:00+08:00"), VerificationMethod::InPerson)?;
    /// v.suspend(doc_fixtures::at("2021-07-23T09:00:00+08:00"), reason)?;
    /// assert_eq!(v.status().kind(), StatusKind::Suspended);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn suspend(
        &mut self,
        at: DateTime<FixedOffset>,
        reason: StatusReason,
    ) -> Result<(), VolunteerError> {
        self.transition(at, StatusKind::Suspended, |s| match s {
            RegistrationStatus::RealNameVerified {
                at: verified_at,
                method,
            } => Some(RegistrationStatus::Suspended {
                at,
                reason,
                verified_at: *verified_at,
                method: *method,
            }),
            _ => None,
        })
    }

    /// Lifts a suspension, restoring the verification it interrupted.
    ///
    /// # Errors
    /// [`VolunteerError::IllegalTransition`] unless `Suspended`, or
    /// [`VolunteerError::OutOfOrder`]; the volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, RegistrationStatus, StatusReason, VerificationMethod};
    /// let mut v = doc_fixtures::volunteer();
    /// let verified = doc_fixtures::at("2021-07-22T09:00:00+08:00");
    /// v.verify(verified, VerificationMethod::InPerson)?;
    /// v.suspend(doc_fixtures::at("2021-07-23T09:00:00+08:00"), StatusReason::new("under review")?)?;
    /// v.reinstate(doc_fixtures::at("2021-07-24T09:00:00+08:00"))?;
    /// // The interrupted verification is restored.
    /// assert_eq!(v.status(), &RegistrationStatus::RealNameVerified { at: verified, method: VerificationMethod::InPerson });
    /// assert!(v.reinstate(doc_fixtures::at("2021-07-25T09:00:00+08:00")).is_err()); // not suspended
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn reinstate(&mut self, at: DateTime<FixedOffset>) -> Result<(), VolunteerError> {
        self.transition(at, StatusKind::RealNameVerified, |s| match s {
            RegistrationStatus::Suspended {
                verified_at,
                method,
                ..
            } => Some(RegistrationStatus::RealNameVerified {
                at: *verified_at,
                method: *method,
            }),
            _ => None,
        })
    }

    /// Cancels the registration (注销, VOL-08); terminal.
    ///
    /// # Errors
    /// [`VolunteerError::IllegalTransition`] if already cancelled, or
    /// [`VolunteerError::OutOfOrder`]; the volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Contact, StatusKind, StatusReason, VolunteerError};
    /// let mut v = doc_fixtures::volunteer();
    /// v.cancel(doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("at the volunteer's request")?)?;
    /// assert_eq!(v.status().kind(), StatusKind::Cancelled);
    /// // Terminal: the profile can no longer change.
    /// assert_eq!(v.set_contact(Contact::default()), Err(VolunteerError::Cancelled { volunteer: v.id() }));
    /// assert!(v.cancel(doc_fixtures::at("2021-07-23T09:00:00+08:00"), StatusReason::new("again")?).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn cancel(
        &mut self,
        at: DateTime<FixedOffset>,
        reason: StatusReason,
    ) -> Result<(), VolunteerError> {
        self.transition(at, StatusKind::Cancelled, |s| match s {
            RegistrationStatus::Cancelled { .. } => None,
            _ => Some(RegistrationStatus::Cancelled { at, reason }),
        })
    }

    /// Replaces the contact details.
    ///
    /// # Errors
    /// [`VolunteerError::Cancelled`]; the volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Contact, Email, StatusReason, VolunteerError};
    /// let mut v = doc_fixtures::volunteer();
    /// let contact = Contact::new(None, Some(Email::new("zhangsan@example.org")?));
    /// v.set_contact(contact.clone())?;
    /// assert_eq!(v.contact(), &contact);
    /// v.cancel(doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("moved away")?)?;
    /// assert_eq!(v.set_contact(Contact::default()), Err(VolunteerError::Cancelled { volunteer: v.id() }));
    /// assert_eq!(v.contact(), &contact); // unchanged
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn set_contact(&mut self, contact: Contact) -> Result<(), VolunteerError> {
        self.ensure_not_cancelled()?;
        self.contact = contact;
        Ok(())
    }

    /// Replaces the tags.
    ///
    /// # Errors
    /// [`VolunteerError::Cancelled`]; the volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use std::collections::BTreeSet;
    /// use volunteer_service::{doc_fixtures, StatusReason, Tag};
    /// let mut v = doc_fixtures::volunteer();
    /// let tags: BTreeSet<Tag> = [Tag::new("youth")?, Tag::new("women")?].into();
    /// v.set_tags(tags.clone())?;
    /// assert_eq!(v.tags(), &tags);
    /// v.cancel(doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("moved away")?)?;
    /// assert!(v.set_tags(BTreeSet::new()).is_err());
    /// assert_eq!(v.tags(), &tags); // unchanged
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn set_tags(&mut self, tags: BTreeSet<Tag>) -> Result<(), VolunteerError> {
        self.ensure_not_cancelled()?;
        self.tags = tags;
        Ok(())
    }

    /// Replaces the availability.
    ///
    /// # Errors
    /// [`VolunteerError::Cancelled`]; the volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use chrono::FixedOffset;
    /// use volunteer_service::{doc_fixtures, Availability, StatusReason};
    /// let mut v = doc_fixtures::volunteer();
    /// let never = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
    /// v.set_availability(never.clone())?;
    /// assert_eq!(v.availability(), &never);
    /// v.cancel(doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("moved away")?)?;
    /// assert!(v.set_availability(Availability::always()).is_err());
    /// assert_eq!(v.availability(), &never); // unchanged
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn set_availability(&mut self, availability: Availability) -> Result<(), VolunteerError> {
        self.ensure_not_cancelled()?;
        self.availability = availability;
        Ok(())
    }

    /// Adds a qualification grant.
    ///
    /// # Errors
    /// [`VolunteerError::Cancelled`]; the volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, QualificationGrant, QualificationId, StatusReason};
    /// let grant = QualificationGrant::new(
    ///     QualificationId::from_parts(1_600_000_000_000, 1),
    ///     NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
    ///     None,
    ///     None,
    /// )?;
    /// let mut v = doc_fixtures::volunteer();
    /// v.add_qualification(grant.clone())?;
    /// assert_eq!(v.qualifications(), [grant.clone()]);
    /// v.cancel(doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("moved away")?)?;
    /// assert!(v.add_qualification(grant).is_err());
    /// assert_eq!(v.qualifications().len(), 1); // unchanged
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_qualification(&mut self, grant: QualificationGrant) -> Result<(), VolunteerError> {
        self.ensure_not_cancelled()?;
        self.qualifications.push(grant);
        Ok(())
    }

    /// Adds a training record.
    ///
    /// # Errors
    /// [`VolunteerError::Cancelled`]; the volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, StatusReason, TrainingId, TrainingRecord};
    /// let record = TrainingRecord::new(
    ///     TrainingId::from_parts(1_600_000_000_000, 1),
    ///     NaiveDate::from_ymd_opt(2021, 7, 20).unwrap(),
    ///     None,
    /// )?;
    /// let mut v = doc_fixtures::volunteer();
    /// v.add_training(record.clone())?;
    /// assert_eq!(v.trainings(), [record.clone()]);
    /// v.cancel(doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("moved away")?)?;
    /// assert!(v.add_training(record).is_err());
    /// assert_eq!(v.trainings().len(), 1); // unchanged
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_training(&mut self, record: TrainingRecord) -> Result<(), VolunteerError> {
        self.ensure_not_cancelled()?;
        self.trainings.push(record);
        Ok(())
    }

    /// Records a guardian's consent.
    ///
    /// # Errors
    /// [`VolunteerError::Cancelled`] or [`VolunteerError::ConsentBeforeBirth`]; the
    /// volunteer is unchanged.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, GuardianConsent, PersonName, PhoneNumber, VolunteerError};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let consent = |on| -> Result<_, volunteer_service::Error> {
    ///     Ok(GuardianConsent::new(PersonName::new("王芳")?, PhoneNumber::new("13912345678")?, on))
    /// };
    /// let mut child = doc_fixtures::child(); // born 2012-03-01
    /// child.set_guardian_consent(consent(d(2021, 8, 1))?)?;
    /// assert_eq!(child.guardian_consent().map(|c| c.given_on()), Some(d(2021, 8, 1)));
    /// let err = child.set_guardian_consent(consent(d(2011, 1, 1))?).unwrap_err();
    /// assert!(matches!(err, VolunteerError::ConsentBeforeBirth { .. }));
    /// assert_eq!(child.guardian_consent().map(|c| c.given_on()), Some(d(2021, 8, 1))); // unchanged
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn set_guardian_consent(&mut self, consent: GuardianConsent) -> Result<(), VolunteerError> {
        self.ensure_not_cancelled()?;
        if consent.given_on < self.birth_date {
            return Err(VolunteerError::ConsentBeforeBirth {
                volunteer: self.id,
                given_on: consent.given_on,
                birth_date: self.birth_date,
            });
        }
        self.guardian_consent = Some(consent);
        Ok(())
    }
}

/// Completed years from `birth` to `day`, 0 if `day` is before `birth`.
fn age_between(birth: NaiveDate, day: NaiveDate) -> u32 {
    if day < birth {
        return 0;
    }
    let years = day.year() - birth.year();
    let before_birthday = (day.month(), day.day()) < (birth.month(), birth.day());
    u32::try_from(years - i32::from(before_birthday)).unwrap_or(0)
}

/// Whether a guardian accompanies the volunteer on the task (MIN-06).
///
/// # Example
/// ```
/// use volunteer_service::Accompaniment;
/// assert_ne!(Accompaniment::Guardian, Accompaniment::Unaccompanied);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Accompaniment {
    /// A guardian comes along.
    Guardian,
    /// No guardian comes along.
    Unaccompanied,
}

/// One way a volunteer falls short of a [`MinorPolicy`].
///
/// # Example
/// ```
/// use volunteer_service::{MinorViolation, VolunteerId};
/// let v = MinorViolation::GuardianConsentMissing { volunteer: VolunteerId::from_parts(1, 1), age: 12, under: 14 };
/// assert!(v.to_string().ends_with("is 12: guardian consent is required under 14 (MIN-02)"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum MinorViolation {
    /// Younger than the policy's minimum age.
    #[error("volunteer {volunteer} is {age}: the minimum age is {min_age} (MIN-07)")]
    BelowMinimumAge {
        /// The volunteer.
        volunteer: VolunteerId,
        /// Age on the day checked.
        age: u32,
        /// The policy's minimum.
        min_age: u8,
    },
    /// Under the consent age with no consent given on or before the day.
    #[error("volunteer {volunteer} is {age}: guardian consent is required under {under} (MIN-02)")]
    GuardianConsentMissing {
        /// The volunteer.
        volunteer: VolunteerId,
        /// Age on the day checked.
        age: u32,
        /// The policy's consent age.
        under: u8,
    },
    /// Too young for hazardous work.
    #[error("volunteer {volunteer} is {age}: hazardous work needs age {min_age} or over (MIN-05)")]
    HazardousWork {
        /// The volunteer.
        volunteer: VolunteerId,
        /// Age on the day checked.
        age: u32,
        /// The policy's minimum for hazardous work.
        min_age: u8,
    },
    /// Must be accompanied by a guardian, and is not.
    #[error(
        "volunteer {volunteer} is {age}: must be accompanied by a guardian under {under} (MIN-06)"
    )]
    NotAccompanied {
        /// The volunteer.
        volunteer: VolunteerId,
        /// Age on the day checked.
        age: u32,
        /// The policy's accompaniment age.
        under: u8,
    },
}

/// Age rules for volunteers, as data (MIN-01..07, VOL-08). Thresholds are "under N" in
/// completed years on the day checked.
///
/// | setting | default | source |
/// |---|---|---|
/// | `adult_age` | 18 | MIN-01: a minor is anyone under 18 |
/// | `consent_under` | 14 | MIN-02 / PIPL art. 31: guardian consent under 14 |
/// | `min_age` | none | MIN-07: no national minimum age |
/// | `hazardous_min_age` | 18 | MIN-05: no minors on rescue or disaster relief |
/// | `accompany_under` | none | MIN-06: local (Dongying: under 10) |
///
/// Presets: [`national`](Self::national) (the defaults), [`dongying_2021`](Self::dongying_2021)
/// (consent under 14, accompanied under 10), [`suzhou_platform`](Self::suzhou_platform)
/// (VOL-08: consent for every minor), [`cyl_2013`](Self::cyl_2013) (MIN-04: from 14, consent
/// under 18).
///
/// Serde shape: `{"adult_age", "consent_under", "min_age", "hazardous_min_age",
/// "accompany_under"}` with `null` for an unset threshold.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{doc_fixtures, Accompaniment, Hazard, MinorPolicy};
/// let child = doc_fixtures::child(); // born 2012-03-01, consent on file
/// let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
/// let found = MinorPolicy::dongying_2021().evaluate(&child, day, &Hazard::Hazardous { insurance: None }, Accompaniment::Unaccompanied);
/// assert_eq!(found.len(), 2); // hazardous work, and not accompanied under 10
/// assert!(MinorPolicy::national().registration_violations(&child, day).is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MinorPolicy {
    adult_age: u8,
    consent_under: Option<u8>,
    min_age: Option<u8>,
    hazardous_min_age: u8,
    accompany_under: Option<u8>,
}

impl Default for MinorPolicy {
    fn default() -> Self {
        Self::national()
    }
}

impl MinorPolicy {
    /// National defaults: adult at 18, consent under 14, no minimum age, no minors on
    /// hazardous work, no accompaniment rule.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// let p = MinorPolicy::national();
    /// assert_eq!((p.adult_age(), p.consent_under(), p.min_age()), (18, Some(14), None));
    /// assert_eq!((p.hazardous_min_age(), p.accompany_under()), (18, None));
    /// assert_eq!(MinorPolicy::default(), p);
    /// ```
    pub const fn national() -> Self {
        Self {
            adult_age: 18,
            consent_under: Some(14),
            min_age: None,
            hazardous_min_age: 18,
            accompany_under: None,
        }
    }

    /// Dongying 2021 (MIN-06): consent under 14, accompanied by a guardian under 10.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// let p = MinorPolicy::dongying_2021();
    /// assert_eq!(p.accompany_under(), Some(10));
    /// assert_eq!(p.consent_under(), Some(14));
    /// ```
    pub const fn dongying_2021() -> Self {
        Self {
            accompany_under: Some(10),
            ..Self::national()
        }
    }

    /// Suzhou platform terms (VOL-08): 18 and over, or written guardian consent for any minor.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, MinorPolicy};
    /// let p = MinorPolicy::suzhou_platform();
    /// assert_eq!(p.consent_under(), Some(18));
    /// // A minor with consent on file may register.
    /// let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// assert!(p.registration_violations(&doc_fixtures::child(), day).is_empty());
    /// ```
    pub const fn suzhou_platform() -> Self {
        Self {
            consent_under: Some(18),
            ..Self::national()
        }
    }

    /// Communist Youth League registered volunteers, 2013 (MIN-04): from 14, with consent
    /// under 18.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, MinorPolicy, MinorViolation};
    /// let p = MinorPolicy::cyl_2013();
    /// assert_eq!((p.min_age(), p.consent_under()), (Some(14), Some(18)));
    /// let child = doc_fixtures::child(); // 9 on 2021-07-21
    /// let found = p.registration_violations(&child, NaiveDate::from_ymd_opt(2021, 7, 21).unwrap());
    /// assert_eq!(found, [MinorViolation::BelowMinimumAge { volunteer: child.id(), age: 9, min_age: 14 }]);
    /// ```
    pub const fn cyl_2013() -> Self {
        Self {
            consent_under: Some(18),
            min_age: Some(14),
            ..Self::national()
        }
    }

    /// The same policy with another minimum age.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// let p = MinorPolicy::national().with_min_age(Some(8));
    /// assert_eq!(p.min_age(), Some(8));
    /// assert_eq!(p.with_min_age(None).min_age(), None);
    /// ```
    #[must_use]
    pub const fn with_min_age(mut self, min_age: Option<u8>) -> Self {
        self.min_age = min_age;
        self
    }

    /// The same policy with another consent age.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// assert_eq!(MinorPolicy::national().with_consent_under(Some(16)).consent_under(), Some(16));
    /// assert_eq!(MinorPolicy::national().with_consent_under(None).consent_under(), None);
    /// ```
    #[must_use]
    pub const fn with_consent_under(mut self, under: Option<u8>) -> Self {
        self.consent_under = under;
        self
    }

    /// The same policy with another minimum age for hazardous work.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// assert_eq!(MinorPolicy::national().with_hazardous_min_age(16).hazardous_min_age(), 16);
    /// ```
    #[must_use]
    pub const fn with_hazardous_min_age(mut self, min_age: u8) -> Self {
        self.hazardous_min_age = min_age;
        self
    }

    /// The same policy with another accompaniment age.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// let p = MinorPolicy::national().with_accompany_under(Some(12));
    /// assert_eq!(p.accompany_under(), Some(12));
    /// assert_eq!(p.consent_under(), Some(14)); // the rest is kept
    /// ```
    #[must_use]
    pub const fn with_accompany_under(mut self, under: Option<u8>) -> Self {
        self.accompany_under = under;
        self
    }

    /// The same policy with another adult age.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, MinorPolicy};
    /// let v = doc_fixtures::volunteer(); // 30 on 2021-07-21
    /// let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// assert!(!MinorPolicy::national().is_minor(&v, day));
    /// assert!(MinorPolicy::national().with_adult_age(31).is_minor(&v, day));
    /// ```
    #[must_use]
    pub const fn with_adult_age(mut self, adult_age: u8) -> Self {
        self.adult_age = adult_age;
        self
    }

    /// The age of majority.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// assert_eq!(MinorPolicy::national().adult_age(), 18);
    /// ```
    pub const fn adult_age(&self) -> u8 {
        self.adult_age
    }

    /// Guardian consent is required under this age.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// assert_eq!(MinorPolicy::national().consent_under(), Some(14));
    /// assert_eq!(MinorPolicy::suzhou_platform().consent_under(), Some(18));
    /// ```
    pub const fn consent_under(&self) -> Option<u8> {
        self.consent_under
    }

    /// The minimum age to volunteer at all.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// assert_eq!(MinorPolicy::national().min_age(), None);
    /// assert_eq!(MinorPolicy::cyl_2013().min_age(), Some(14));
    /// ```
    pub const fn min_age(&self) -> Option<u8> {
        self.min_age
    }

    /// The minimum age for hazardous work.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// assert_eq!(MinorPolicy::national().hazardous_min_age(), 18);
    /// ```
    pub const fn hazardous_min_age(&self) -> u8 {
        self.hazardous_min_age
    }

    /// A guardian must accompany volunteers under this age.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinorPolicy;
    /// assert_eq!(MinorPolicy::national().accompany_under(), None);
    /// assert_eq!(MinorPolicy::dongying_2021().accompany_under(), Some(10));
    /// ```
    pub const fn accompany_under(&self) -> Option<u8> {
        self.accompany_under
    }

    /// Whether the volunteer is a minor on `day`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, MinorPolicy};
    /// let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// assert!(MinorPolicy::national().is_minor(&doc_fixtures::child(), day));
    /// assert!(!MinorPolicy::national().is_minor(&doc_fixtures::volunteer(), day));
    /// ```
    pub fn is_minor(&self, volunteer: &Volunteer, day: NaiveDate) -> bool {
        volunteer.age_on(day) < u32::from(self.adult_age)
    }

    /// The rules that apply to registering at all on `day`: minimum age and guardian
    /// consent. Empty when the volunteer may register.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, MinorPolicy, MinorViolation};
    /// let child = doc_fixtures::child(); // 9, consent given 2021-07-01
    /// let p = MinorPolicy::national();
    /// assert!(p.registration_violations(&child, NaiveDate::from_ymd_opt(2021, 7, 21).unwrap()).is_empty());
    /// // Before the consent was given, it is missing.
    /// let found = p.registration_violations(&child, NaiveDate::from_ymd_opt(2021, 6, 1).unwrap());
    /// assert_eq!(found, [MinorViolation::GuardianConsentMissing { volunteer: child.id(), age: 9, under: 14 }]);
    /// ```
    pub fn registration_violations(
        &self,
        volunteer: &Volunteer,
        day: NaiveDate,
    ) -> Vec<MinorViolation> {
        let mut out = Vec::new();
        let age = volunteer.age_on(day);
        let id = volunteer.id();
        if let Some(min_age) = self.min_age
            && age < u32::from(min_age)
        {
            out.push(MinorViolation::BelowMinimumAge {
                volunteer: id,
                age,
                min_age,
            });
        }
        if let Some(under) = self.consent_under
            && age < u32::from(under)
            && volunteer
                .guardian_consent()
                .is_none_or(|c| c.given_on() > day)
        {
            out.push(MinorViolation::GuardianConsentMissing {
                volunteer: id,
                age,
                under,
            });
        }
        out
    }

    /// Every rule the volunteer breaks for work with `hazard` on `day`: the registration
    /// rules, plus hazardous work (MIN-05) and accompaniment (MIN-06).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, Accompaniment, Hazard, MinorPolicy, MinorViolation};
    /// let child = doc_fixtures::child(); // 9 on the day
    /// let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let p = MinorPolicy::dongying_2021();
    /// assert!(p.evaluate(&child, day, &Hazard::None, Accompaniment::Guardian).is_empty());
    /// assert_eq!(
    ///     p.evaluate(&child, day, &Hazard::None, Accompaniment::Unaccompanied),
    ///     [MinorViolation::NotAccompanied { volunteer: child.id(), age: 9, under: 10 }]
    /// );
    /// ```
    pub fn evaluate(
        &self,
        volunteer: &Volunteer,
        day: NaiveDate,
        hazard: &Hazard,
        accompaniment: Accompaniment,
    ) -> Vec<MinorViolation> {
        let mut out = self.registration_violations(volunteer, day);
        let age = volunteer.age_on(day);
        let id = volunteer.id();
        if hazard.is_hazardous() && age < u32::from(self.hazardous_min_age) {
            out.push(MinorViolation::HazardousWork {
                volunteer: id,
                age,
                min_age: self.hazardous_min_age,
            });
        }
        if let Some(under) = self.accompany_under
            && age < u32::from(under)
            && accompaniment == Accompaniment::Unaccompanied
        {
            out.push(MinorViolation::NotAccompanied {
                volunteer: id,
                age,
                under,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IdDocumentKind, ResidentId};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn builder(doc: &str) -> VolunteerBuilder {
        Volunteer::builder(
            VolunteerId::from_parts(1, 1),
            VolunteerNo::new("V1").unwrap(),
            PersonName::new("张三").unwrap(),
            IdDocument::parse(None, doc).unwrap(),
        )
        .channel(RegistrationChannel::Website)
    }

    fn adult() -> Volunteer {
        builder("360426199101010071")
            .birth_date(d("1991-01-01"))
            .sex(Sex::Male)
            .build()
            .unwrap()
    }

    fn aged(birth: &str) -> Volunteer {
        let b = d(birth);
        let id = ResidentId::from_parts(320_115, b, 11).unwrap();
        Volunteer::builder(
            VolunteerId::from_parts(1, 2),
            VolunteerNo::new("V2").unwrap(),
            PersonName::new("小明").unwrap(),
            IdDocument::ResidentId(id),
        )
        .birth_date(b)
        .sex(Sex::Male)
        .channel(RegistrationChannel::Import)
        .build()
        .unwrap()
    }

    fn consent(on: &str) -> GuardianConsent {
        GuardianConsent::new(
            PersonName::new("王芳").unwrap(),
            PhoneNumber::new("13912345678").unwrap(),
            d(on),
        )
    }

    #[test]
    fn error_messages_are_pinned() {
        let id = VolunteerId::from_parts(1, 1);
        let cases = [
            (
                VolunteerError::MissingField {
                    volunteer: id,
                    field: "sex",
                },
                format!("volunteer {id} has no sex: it is required"),
            ),
            (
                VolunteerError::BirthDateMismatch {
                    volunteer: id,
                    declared: d("1991-01-02"),
                },
                format!(
                    "volunteer {id} declared birth date 1991-01-02, which does not match the resident id (ID-06)"
                ),
            ),
            (
                VolunteerError::SexMismatch {
                    volunteer: id,
                    declared: Sex::Female,
                },
                format!(
                    "volunteer {id} declared sex female, which does not match the resident id (ID-06)"
                ),
            ),
            (
                VolunteerError::OutOfOrder {
                    volunteer: id,
                    at: at("2021-07-21T08:00:00+08:00"),
                    last: at("2021-07-21T09:00:00+08:00"),
                },
                format!(
                    "volunteer {id} status change at 2021-07-21 08:00:00 +08:00 is before the previous change at 2021-07-21 09:00:00 +08:00"
                ),
            ),
            (
                VolunteerError::Cancelled { volunteer: id },
                format!("volunteer {id} is cancelled: the registration can no longer change"),
            ),
            (
                VolunteerError::StatusInconsistent {
                    volunteer: id,
                    status: StatusKind::Suspended,
                },
                format!("volunteer {id} has status suspended inconsistent with its dates"),
            ),
            (
                VolunteerError::ReasonLength { len: 0 },
                "reason has 0 characters: expected 1..=200 after trimming".to_owned(),
            ),
            (
                VolunteerError::IllegalTransition {
                    volunteer: id,
                    from: StatusKind::Cancelled,
                    to: StatusKind::Suspended,
                },
                format!("volunteer {id} cannot go from cancelled to suspended"),
            ),
        ];
        for (err, text) in cases {
            assert_eq!(err.to_string(), text);
        }
        let v = MinorViolation::HazardousWork {
            volunteer: id,
            age: 16,
            min_age: 18,
        };
        assert_eq!(
            v.to_string(),
            format!("volunteer {id} is 16: hazardous work needs age 18 or over (MIN-05)")
        );
        let v = MinorViolation::NotAccompanied {
            volunteer: id,
            age: 9,
            under: 10,
        };
        assert_eq!(
            v.to_string(),
            format!("volunteer {id} is 9: must be accompanied by a guardian under 10 (MIN-06)")
        );
        let v = MinorViolation::BelowMinimumAge {
            volunteer: id,
            age: 13,
            min_age: 14,
        };
        assert_eq!(
            v.to_string(),
            format!("volunteer {id} is 13: the minimum age is 14 (MIN-07)")
        );
    }

    #[test]
    fn builder_requires_birth_date_sex_and_channel() {
        let b = Volunteer::builder(
            VolunteerId::from_parts(1, 1),
            VolunteerNo::new("V1").unwrap(),
            PersonName::new("张三").unwrap(),
            IdDocument::parse(None, "360426199101010071").unwrap(),
        );
        assert!(matches!(
            b.clone().build(),
            Err(VolunteerError::MissingField {
                field: "birth_date",
                ..
            })
        ));
        assert!(matches!(
            b.clone().birth_date(d("1991-01-01")).build(),
            Err(VolunteerError::MissingField { field: "sex", .. })
        ));
        assert!(matches!(
            b.birth_date(d("1991-01-01")).sex(Sex::Male).build(),
            Err(VolunteerError::MissingField {
                field: "channel",
                ..
            })
        ));
    }

    #[test]
    fn birth_date_and_sex_must_agree_with_the_resident_id() {
        let err = builder("360426199101010071")
            .birth_date(d("1991-01-02"))
            .sex(Sex::Male)
            .build()
            .unwrap_err();
        assert!(matches!(err, VolunteerError::BirthDateMismatch { .. }));
        assert!(!err.to_string().contains("360426199101010071"));
        assert!(matches!(
            builder("360426199101010071")
                .birth_date(d("1991-01-01"))
                .sex(Sex::Female)
                .build(),
            Err(VolunteerError::SexMismatch { .. })
        ));
        // Other documents carry no birth date or sex to compare.
        let other = Volunteer::builder(
            VolunteerId::from_parts(1, 1),
            VolunteerNo::new("V1").unwrap(),
            PersonName::new("Anna").unwrap(),
            IdDocument::parse(Some(IdDocumentKind::Passport), "C01234567").unwrap(),
        )
        .birth_date(d("1980-05-05"))
        .sex(Sex::Female)
        .channel(RegistrationChannel::Email)
        .build();
        assert!(other.is_ok());
    }

    #[test]
    fn consent_cannot_predate_birth() {
        let err = aged("2010-03-01")
            .clone()
            .set_guardian_consent(consent("2009-01-01"))
            .unwrap_err();
        assert!(matches!(err, VolunteerError::ConsentBeforeBirth { .. }));
    }

    #[test]
    fn age_counts_completed_years() {
        let v = aged("2008-02-29");
        assert_eq!(v.age_on(d("2021-02-28")), 12);
        assert_eq!(v.age_on(d("2021-03-01")), 13);
        assert_eq!(v.age_on(d("2000-01-01")), 0);
    }

    #[test]
    fn lifecycle_allows_only_the_documented_transitions() {
        let mut v = adult();
        let t = |h: u32| at(&format!("2021-07-21T{h:02}:00:00+08:00"));
        let reason = || StatusReason::new("no-show twice").unwrap();
        // Registered: cannot suspend or reinstate.
        let before = v.clone();
        assert_eq!(
            v.suspend(t(1), reason()),
            Err(VolunteerError::IllegalTransition {
                volunteer: v.id(),
                from: StatusKind::Registered,
                to: StatusKind::Suspended
            })
        );
        assert!(v.reinstate(t(1)).is_err());
        assert_eq!(v, before);
        v.verify(t(2), VerificationMethod::OnlineIdentityCheck)
            .unwrap();
        assert!(v.status().is_active());
        assert!(matches!(
            v.verify(t(3), VerificationMethod::InPerson),
            Err(VolunteerError::IllegalTransition { .. })
        ));
        v.suspend(t(4), reason()).unwrap();
        assert_eq!(v.status().kind(), StatusKind::Suspended);
        assert!(!v.status().is_active());
        // Out of order is rejected and changes nothing.
        let before = v.clone();
        assert!(matches!(
            v.reinstate(t(3)),
            Err(VolunteerError::OutOfOrder { .. })
        ));
        assert_eq!(v, before);
        v.reinstate(t(5)).unwrap();
        assert_eq!(
            v.status(),
            &RegistrationStatus::RealNameVerified {
                at: t(2),
                method: VerificationMethod::OnlineIdentityCheck
            }
        );
        v.cancel(t(6), StatusReason::new("moved away").unwrap())
            .unwrap();
        let before = v.clone();
        assert!(matches!(
            v.cancel(t(7), reason()),
            Err(VolunteerError::IllegalTransition {
                from: StatusKind::Cancelled,
                to: StatusKind::Cancelled,
                ..
            })
        ));
        assert!(v.verify(t(7), VerificationMethod::InPerson).is_err());
        assert!(matches!(
            v.set_contact(Contact::default()),
            Err(VolunteerError::Cancelled { .. })
        ));
        assert_eq!(v, before);
    }

    #[test]
    fn cancel_is_allowed_from_registered_and_suspended() {
        let mut v = adult();
        v.cancel(
            at("2021-07-21T08:00:00+08:00"),
            StatusReason::new("asked").unwrap(),
        )
        .unwrap();
        let mut w = adult();
        w.verify(
            at("2021-07-21T08:00:00+08:00"),
            VerificationMethod::InPerson,
        )
        .unwrap();
        w.suspend(
            at("2021-07-21T09:00:00+08:00"),
            StatusReason::new("x").unwrap(),
        )
        .unwrap();
        w.cancel(
            at("2021-07-21T10:00:00+08:00"),
            StatusReason::new("y").unwrap(),
        )
        .unwrap();
        assert_eq!(w.status().kind(), StatusKind::Cancelled);
    }

    #[test]
    fn national_policy_needs_consent_under_14_only() {
        let p = MinorPolicy::national();
        let day = d("2021-07-21");
        let thirteen = aged("2008-01-01");
        assert_eq!(
            p.registration_violations(&thirteen, day),
            vec![MinorViolation::GuardianConsentMissing {
                volunteer: thirteen.id(),
                age: 13,
                under: 14
            }]
        );
        let mut with = thirteen.clone();
        with.set_guardian_consent(consent("2021-07-01")).unwrap();
        assert!(p.registration_violations(&with, day).is_empty());
        // Consent dated after the day does not count yet.
        assert!(!p.registration_violations(&with, d("2021-06-30")).is_empty());
        let fourteen = aged("2007-07-21");
        assert!(p.registration_violations(&fourteen, day).is_empty());
        // MIN-07: no minimum age nationally.
        assert_eq!(p.min_age(), None);
        assert!(p.is_minor(&fourteen, day));
        assert!(!p.is_minor(&aged("2003-07-21"), day));
    }

    #[test]
    fn hazardous_work_needs_adults() {
        let p = MinorPolicy::national();
        let day = d("2021-07-21");
        let sixteen = aged("2004-07-22");
        let found = p.evaluate(
            &sixteen,
            day,
            &Hazard::Hazardous { insurance: None },
            Accompaniment::Guardian,
        );
        assert_eq!(
            found,
            vec![MinorViolation::HazardousWork {
                volunteer: sixteen.id(),
                age: 16,
                min_age: 18
            }]
        );
        assert!(
            p.evaluate(&sixteen, day, &Hazard::None, Accompaniment::Unaccompanied)
                .is_empty()
        );
        assert!(
            p.evaluate(
                &aged("2003-07-21"),
                day,
                &Hazard::Hazardous { insurance: None },
                Accompaniment::Unaccompanied
            )
            .is_empty()
        );
    }

    #[test]
    fn presets_follow_their_sources() {
        let day = d("2021-07-21");
        let nine = aged("2012-01-01");
        let dongying = MinorPolicy::dongying_2021();
        let found = dongying.evaluate(&nine, day, &Hazard::None, Accompaniment::Unaccompanied);
        assert!(found.contains(&MinorViolation::NotAccompanied {
            volunteer: nine.id(),
            age: 9,
            under: 10
        }));
        assert!(
            !dongying
                .evaluate(&nine, day, &Hazard::None, Accompaniment::Guardian)
                .iter()
                .any(|v| matches!(v, MinorViolation::NotAccompanied { .. }))
        );
        // National: accompaniment off by default.
        assert!(
            !MinorPolicy::national()
                .evaluate(&nine, day, &Hazard::None, Accompaniment::Unaccompanied)
                .iter()
                .any(|v| matches!(v, MinorViolation::NotAccompanied { .. }))
        );

        let sixteen = aged("2005-01-01");
        assert!(
            MinorPolicy::national()
                .registration_violations(&sixteen, day)
                .is_empty()
        );
        assert_eq!(
            MinorPolicy::suzhou_platform()
                .registration_violations(&sixteen, day)
                .len(),
            1
        );
        let cyl = MinorPolicy::cyl_2013();
        let thirteen = aged("2008-01-01");
        let found = cyl.registration_violations(&thirteen, day);
        assert!(found.contains(&MinorViolation::BelowMinimumAge {
            volunteer: thirteen.id(),
            age: 13,
            min_age: 14
        }));
        assert_eq!(found.len(), 2);
        assert_eq!(cyl.registration_violations(&sixteen, day).len(), 1);
        assert_eq!(MinorPolicy::default(), MinorPolicy::national());
    }

    #[test]
    fn debug_masks_identity_and_phone() {
        let mut v = aged("2010-03-01");
        v.set_guardian_consent(consent("2021-07-01")).unwrap();
        v.set_contact(Contact::new(
            Some(PhoneNumber::new("13812345678").unwrap()),
            None,
        ))
        .unwrap();
        let text = format!("{v:?}");
        let full = v.document().resident_id().unwrap().expose().to_owned();
        assert!(!text.contains(&full));
        assert!(!text.contains(&full[1..17]));
        assert!(!text.contains("13812345678"));
        assert!(!text.contains("13912345678"));
        assert!(text.contains("138****5678"));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_and_revalidates() {
        let mut v = adult();
        v.verify(
            at("2021-07-21T08:00:00+08:00"),
            VerificationMethod::FaceRecognition,
        )
        .unwrap();
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["status"]["state"], "real_name_verified");
        assert_eq!(json["document"]["kind"], "resident_id");
        let back: Volunteer = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, v);
        let mut bad = json.clone();
        bad["sex"] = serde_json::json!("female");
        assert!(serde_json::from_value::<Volunteer>(bad).is_err());
        let mut bad = json;
        bad["status_changed_at"] = serde_json::json!("2021-07-20T08:00:00+08:00");
        let err = serde_json::from_value::<Volunteer>(bad).unwrap_err();
        assert!(
            err.to_string().contains("inconsistent with its dates"),
            "{err}"
        );
        let p: MinorPolicy = serde_json::from_str(
            r#"{"adult_age":18,"consent_under":18,"min_age":14,"hazardous_min_age":18,"accompany_under":null}"#,
        )
        .unwrap();
        assert_eq!(p, MinorPolicy::cyl_2013());
    }
}
