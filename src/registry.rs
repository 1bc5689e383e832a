//! The volunteer registry: one registration per identity document (VOL-05) and per volunteer
//! number, with every command either applied whole or rejected with nothing changed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::{
    Availability, Contact, GuardianConsent, IdDocument, IdDocumentKey, MinorPolicy, MinorViolation,
    QualificationGrant, StatusReason, Tag, TrainingRecord, VerificationMethod, Volunteer,
    VolunteerError, VolunteerId, VolunteerNo,
};

fn join(violations: &[MinorViolation]) -> String {
    violations
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Returned when a registry command is rejected; the registry is then unchanged. Messages
/// name the volunteer ids and never an unmasked ID number.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{doc_fixtures, RegistryError, VolunteerRegistry};
/// let mut reg = VolunteerRegistry::default();
/// let v = doc_fixtures::volunteer();
/// let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
/// reg.register(v.clone(), day)?;
/// let err = reg.register(v.clone(), day).unwrap_err();
/// assert_eq!(err, RegistryError::DuplicateId { volunteer: v.id() });
/// assert_eq!(err.to_string(), format!("volunteer {} is already registered", v.id()));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// A volunteer with this id is already registered.
    #[error("volunteer {volunteer} is already registered")]
    DuplicateId {
        /// The rejected volunteer.
        volunteer: VolunteerId,
    },
    /// Another volunteer has the same identity document (kind + normalised number).
    #[error(
        "volunteer {volunteer} has the same {kind} document as volunteer {existing}: \
         one registration per id document (VOL-05)"
    )]
    DuplicateDocument {
        /// The rejected volunteer.
        volunteer: VolunteerId,
        /// The document kind, such as `resident_id`.
        kind: &'static str,
        /// The volunteer who holds the document.
        existing: VolunteerId,
    },
    /// Another volunteer has the same volunteer number.
    #[error(
        "volunteer {volunteer} has volunteer number {number}, already used by volunteer {existing}"
    )]
    DuplicateVolunteerNo {
        /// The rejected volunteer.
        volunteer: VolunteerId,
        /// The number.
        number: VolunteerNo,
        /// The volunteer who holds it.
        existing: VolunteerId,
    },
    /// No volunteer with this id.
    #[error("volunteer {volunteer} is not registered")]
    Unknown {
        /// The id looked up.
        volunteer: VolunteerId,
    },
    /// The registry's [`MinorPolicy`] refuses the registration.
    #[error("volunteer {volunteer} cannot register: {}", join(violations))]
    MinorPolicy {
        /// The rejected volunteer.
        volunteer: VolunteerId,
        /// Every rule broken.
        violations: Vec<MinorViolation>,
    },
    /// The volunteer refused the change.
    #[error(transparent)]
    Volunteer(#[from] VolunteerError),
}

/// The set of registered volunteers, with unique identity documents (VOL-05) and unique
/// volunteer numbers (VOL-06), and a [`MinorPolicy`] applied at registration.
///
/// Uniqueness uses [`IdDocument::key`]: normalised, so `…002x` and `…002X`, and a legacy
/// 15-digit number and its 18-digit form, are the same person. A cancelled registration keeps
/// its document and number (the national system refuses a second registration with the same
/// ID number). Every rejected command leaves the registry unchanged.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{doc_fixtures, MinorPolicy, VerificationMethod, VolunteerRegistry};
/// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
/// let v = doc_fixtures::volunteer();
/// reg.register(v.clone(), NaiveDate::from_ymd_opt(2021, 7, 21).unwrap())?;
/// reg.verify(v.id(), doc_fixtures::at("2021-07-21T10:00:00+08:00"), VerificationMethod::InPerson)?;
/// assert!(reg.get(v.id()).unwrap().status().is_active());
/// assert_eq!(reg.by_volunteer_no(v.volunteer_no()).map(Volunteer::id), Some(v.id()));
/// # use volunteer_service::Volunteer;
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VolunteerRegistry {
    policy: MinorPolicy,
    volunteers: BTreeMap<VolunteerId, Volunteer>,
    by_document: HashMap<IdDocumentKey, VolunteerId>,
    by_number: HashMap<VolunteerNo, VolunteerId>,
}

impl VolunteerRegistry {
    /// An empty registry applying `policy` at registration.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures, MinorPolicy, RegistryError, VolunteerRegistry};
    /// let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// // Communist Youth League rules: from 14 only.
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::cyl_2013());
    /// assert!(matches!(reg.register(doc_fixtures::child(), day), Err(RegistryError::MinorPolicy { .. })));
    /// assert!(reg.is_empty());
    /// reg.register(doc_fixtures::volunteer(), day)?;
    /// assert_eq!(reg.len(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(policy: MinorPolicy) -> Self {
        Self {
            policy,
            ..Self::default()
        }
    }

    /// The minor policy applied at registration.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{MinorPolicy, VolunteerRegistry};
    /// assert_eq!(VolunteerRegistry::new(MinorPolicy::dongying_2021()).policy(), &MinorPolicy::dongying_2021());
    /// assert_eq!(VolunteerRegistry::default().policy(), &MinorPolicy::national());
    /// ```
    pub const fn policy(&self) -> &MinorPolicy {
        &self.policy
    }

    /// Registers a volunteer on `day` (the day the minor policy is evaluated).
    ///
    /// # Errors
    /// [`RegistryError::DuplicateId`], [`RegistryError::DuplicateDocument`],
    /// [`RegistryError::DuplicateVolunteerNo`] or [`RegistryError::MinorPolicy`] (with every
    /// violation); the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{RegistryError, Volunteer, VolunteerId, VolunteerNo};
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// // One registration per identity document (VOL-05), even under another id and number.
    /// let twin = Volunteer::builder(VolunteerId::from_parts(1, 99), VolunteerNo::new("JS-2021-000099")?, v.name().clone(), v.document().clone())
    ///     .birth_date(v.birth_date()).sex(v.sex()).channel(v.channel())
    ///     .build()?;
    /// let err = reg.register(twin, day).unwrap_err();
    /// assert!(matches!(err, RegistryError::DuplicateDocument { existing, .. } if existing == v.id()));
    /// assert_eq!(reg.len(), 1); // unchanged
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn register(&mut self, volunteer: Volunteer, day: NaiveDate) -> Result<(), RegistryError> {
        let id = volunteer.id();
        if self.volunteers.contains_key(&id) {
            return Err(RegistryError::DuplicateId { volunteer: id });
        }
        let key = volunteer.document().key();
        if let Some(existing) = self.by_document.get(&key) {
            return Err(RegistryError::DuplicateDocument {
                volunteer: id,
                kind: volunteer.document().kind_str(),
                existing: *existing,
            });
        }
        if let Some(existing) = self.by_number.get(volunteer.volunteer_no()) {
            return Err(RegistryError::DuplicateVolunteerNo {
                volunteer: id,
                number: volunteer.volunteer_no().clone(),
                existing: *existing,
            });
        }
        let violations = self.policy.registration_violations(&volunteer, day);
        if !violations.is_empty() {
            return Err(RegistryError::MinorPolicy {
                volunteer: id,
                violations,
            });
        }
        self.by_document.insert(key, id);
        self.by_number.insert(volunteer.volunteer_no().clone(), id);
        self.volunteers.insert(id, volunteer);
        Ok(())
    }

    fn with<T>(
        &mut self,
        id: VolunteerId,
        f: impl FnOnce(&mut Volunteer) -> Result<T, VolunteerError>,
    ) -> Result<T, RegistryError> {
        let v = self
            .volunteers
            .get_mut(&id)
            .ok_or(RegistryError::Unknown { volunteer: id })?;
        Ok(f(v)?)
    }

    /// Records real-name verification ([`Volunteer::verify`]).
    ///
    /// # Errors
    /// [`RegistryError::Unknown`] or the volunteer's refusal; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{RegistryError, VerificationMethod, VolunteerId};
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// reg.verify(v.id(), doc_fixtures::at("2021-07-21T10:00:00+08:00"), VerificationMethod::InPerson)?;
    /// assert!(reg.get(v.id()).unwrap().status().is_active());
    /// let nobody = VolunteerId::from_parts(1, 99);
    /// let err = reg.verify(nobody, doc_fixtures::at("2021-07-21T10:00:00+08:00"), VerificationMethod::InPerson).unwrap_err();
    /// assert_eq!(err, RegistryError::Unknown { volunteer: nobody });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn verify(
        &mut self,
        id: VolunteerId,
        at: DateTime<FixedOffset>,
        method: VerificationMethod,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.verify(at, method))
    }

    /// Suspends a volunteer ([`Volunteer::suspend`]).
    ///
    /// # Errors
    /// [`RegistryError::Unknown`] or the volunteer's refusal; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{RegistryError, StatusKind, StatusReason, VerificationMethod};
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// // Only a verified volunteer can be suspended; the registry is unchanged.
    /// let err = reg.suspend(v.id(), doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("complaint")?).unwrap_err();
    /// assert!(matches!(err, RegistryError::Volunteer(_)));
    /// reg.verify(v.id(), doc_fixtures::at("2021-07-21T10:00:00+08:00"), VerificationMethod::InPerson)?;
    /// reg.suspend(v.id(), doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("complaint")?)?;
    /// assert_eq!(reg.get(v.id()).map(|x| x.status().kind()), Some(StatusKind::Suspended));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn suspend(
        &mut self,
        id: VolunteerId,
        at: DateTime<FixedOffset>,
        reason: StatusReason,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.suspend(at, reason))
    }

    /// Reinstates a suspended volunteer ([`Volunteer::reinstate`]).
    ///
    /// # Errors
    /// [`RegistryError::Unknown`] or the volunteer's refusal; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{StatusReason, VerificationMethod};
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// reg.verify(v.id(), doc_fixtures::at("2021-07-21T10:00:00+08:00"), VerificationMethod::InPerson)?;
    /// reg.suspend(v.id(), doc_fixtures::at("2021-07-22T09:00:00+08:00"), StatusReason::new("complaint")?)?;
    /// reg.reinstate(v.id(), doc_fixtures::at("2021-07-23T09:00:00+08:00"))?;
    /// assert!(reg.get(v.id()).unwrap().status().is_active());
    /// assert!(reg.reinstate(v.id(), doc_fixtures::at("2021-07-24T09:00:00+08:00")).is_err()); // not suspended
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn reinstate(
        &mut self,
        id: VolunteerId,
        at: DateTime<FixedOffset>,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.reinstate(at))
    }

    /// Cancels a registration ([`Volunteer::cancel`]); the document and number stay taken.
    ///
    /// # Errors
    /// [`RegistryError::Unknown`] or the volunteer's refusal; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{RegistryError, StatusKind, StatusReason};
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// reg.cancel(v.id(), doc_fixtures::at("2021-08-01T09:00:00+08:00"), StatusReason::new("moved away")?)?;
    /// assert_eq!(reg.get(v.id()).map(|x| x.status().kind()), Some(StatusKind::Cancelled));
    /// // The document stays taken: the same person cannot register again.
    /// assert!(matches!(reg.register(v.clone(), day), Err(RegistryError::DuplicateId { .. })));
    /// assert_eq!(reg.by_document(v.document()).map(|x| x.id()), Some(v.id()));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn cancel(
        &mut self,
        id: VolunteerId,
        at: DateTime<FixedOffset>,
        reason: StatusReason,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.cancel(at, reason))
    }

    /// Replaces a volunteer's contact details.
    ///
    /// # Errors
    /// [`RegistryError::Unknown`] or [`VolunteerError::Cancelled`]; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Contact, PhoneNumber, VolunteerId};
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// let contact = Contact::new(Some(PhoneNumber::new("13812345678")?), None);
    /// reg.update_contact(v.id(), contact.clone())?;
    /// assert_eq!(reg.get(v.id()).map(|x| x.contact()), Some(&contact));
    /// assert!(reg.update_contact(VolunteerId::from_parts(1, 99), contact).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn update_contact(
        &mut self,
        id: VolunteerId,
        contact: Contact,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.set_contact(contact))
    }

    /// Replaces a volunteer's tags.
    ///
    /// # Errors
    /// [`RegistryError::Unknown`] or [`VolunteerError::Cancelled`]; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use std::collections::BTreeSet;
    /// use volunteer_service::Tag;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// let tags: BTreeSet<Tag> = [Tag::new("党员")?].into();
    /// reg.update_tags(v.id(), tags.clone())?;
    /// assert_eq!(reg.get(v.id()).map(|x| x.tags()), Some(&tags));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn update_tags(
        &mut self,
        id: VolunteerId,
        tags: BTreeSet<Tag>,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.set_tags(tags))
    }

    /// Replaces a volunteer's availability.
    ///
    /// # Errors
    /// [`RegistryError::Unknown`] or [`VolunteerError::Cancelled`]; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use chrono::FixedOffset;
    /// use volunteer_service::Availability;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// let never = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
    /// reg.update_availability(v.id(), never.clone())?;
    /// assert_eq!(reg.get(v.id()).map(|x| x.availability()), Some(&never));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn update_availability(
        &mut self,
        id: VolunteerId,
        availability: Availability,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.set_availability(availability))
    }

    /// Records a guardian's consent.
    ///
    /// # Errors
    /// [`RegistryError::Unknown`], [`VolunteerError::Cancelled`] or
    /// [`VolunteerError::ConsentBeforeBirth`]; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{GuardianConsent, PersonName, PhoneNumber};
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// // The consent may not predate the volunteer's birth (1991-01-01); nothing changes.
    /// let early = GuardianConsent::new(PersonName::new("王芳")?, PhoneNumber::new("13912345678")?, NaiveDate::from_ymd_opt(1990, 1, 1).unwrap());
    /// assert!(reg.record_guardian_consent(v.id(), early).is_err());
    /// assert!(reg.get(v.id()).unwrap().guardian_consent().is_none());
    /// let consent = GuardianConsent::new(PersonName::new("王芳")?, PhoneNumber::new("13912345678")?, day);
    /// reg.record_guardian_consent(v.id(), consent)?;
    /// assert!(reg.get(v.id()).unwrap().guardian_consent().is_some());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn record_guardian_consent(
        &mut self,
        id: VolunteerId,
        consent: GuardianConsent,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.set_guardian_consent(consent))
    }

    /// Adds a qualification grant.
    ///
    /// # Errors
    /// [`RegistryError::Unknown`] or [`VolunteerError::Cancelled`]; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{QualificationGrant, QualificationId};
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// let grant = QualificationGrant::new(QualificationId::from_parts(1, 1), day, None, None)?;
    /// reg.add_qualification(v.id(), grant.clone())?;
    /// assert_eq!(reg.get(v.id()).unwrap().qualifications(), [grant]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_qualification(
        &mut self,
        id: VolunteerId,
        grant: QualificationGrant,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.add_qualification(grant))
    }

    /// Adds a training record.
    ///
    /// # Errors
    /// [`RegistryError::Unknown`] or [`VolunteerError::Cancelled`]; the registry is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{TrainingId, TrainingRecord};
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// let record = TrainingRecord::new(TrainingId::from_parts(1, 1), day, None)?;
    /// reg.add_training(v.id(), record.clone())?;
    /// assert_eq!(reg.get(v.id()).unwrap().trainings(), [record]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_training(
        &mut self,
        id: VolunteerId,
        record: TrainingRecord,
    ) -> Result<(), RegistryError> {
        self.with(id, |v| v.add_training(record))
    }

    /// The volunteer with this id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::VolunteerId;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// assert_eq!(reg.get(v.id()).map(|x| x.name().as_str()), Some("张三"));
    /// assert!(reg.get(VolunteerId::from_parts(1, 99)).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn get(&self, id: VolunteerId) -> Option<&Volunteer> {
        self.volunteers.get(&id)
    }

    /// The volunteer with this volunteer number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::VolunteerNo;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// assert_eq!(reg.by_volunteer_no(&VolunteerNo::new("js-2021-000001")?).map(|x| x.id()), Some(v.id()));
    /// assert!(reg.by_volunteer_no(&VolunteerNo::new("JS-2021-999999")?).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn by_volunteer_no(&self, number: &VolunteerNo) -> Option<&Volunteer> {
        self.by_number
            .get(number)
            .and_then(|id| self.volunteers.get(id))
    }

    /// The volunteer holding this identity document (after normalisation).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::IdDocument;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// // Normalised: a lower-case check character finds the same person.
    /// let doc = IdDocument::parse(None, "360426199101010071")?;
    /// assert_eq!(reg.by_document(&doc).map(|x| x.id()), Some(v.id()));
    /// assert!(reg.by_document(&IdDocument::parse(None, "11010519491231002x")?).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn by_document(&self, document: &IdDocument) -> Option<&Volunteer> {
        self.by_document
            .get(&document.key())
            .and_then(|id| self.volunteers.get(id))
    }

    /// All volunteers, ordered by id.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// reg.register(doc_fixtures::child(), day)?;
    /// let ids: Vec<_> = reg.iter().map(|x| x.id()).collect();
    /// assert_eq!(ids, [v.id(), doc_fixtures::child().id()]); // ordered by id
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Volunteer> {
        self.volunteers.values()
    }

    /// The number of registrations, cancelled ones included.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::StatusReason;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// assert_eq!(reg.len(), 1);
    /// reg.cancel(v.id(), doc_fixtures::at("2021-08-01T09:00:00+08:00"), StatusReason::new("moved away")?)?;
    /// assert_eq!(reg.len(), 1); // cancelled registrations count
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.volunteers.len()
    }

    /// Whether the registry is empty.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, MinorPolicy, VolunteerRegistry};
    /// # let day = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// let mut reg = VolunteerRegistry::new(MinorPolicy::national());
    /// let v = doc_fixtures::volunteer();
    /// reg.register(v.clone(), day)?;
    /// assert!(!reg.is_empty());
    /// assert!(VolunteerRegistry::default().is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.volunteers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PersonName, PhoneNumber, RegistrationChannel, ResidentId, Sex, StatusKind};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn person(n: u64, no: &str, doc: IdDocument, birth: &str, sex: Sex) -> Volunteer {
        Volunteer::builder(
            VolunteerId::from_parts(1_626_739_200_000, n),
            VolunteerNo::new(no).unwrap(),
            PersonName::new("志愿者").unwrap(),
            doc,
        )
        .birth_date(d(birth))
        .sex(sex)
        .channel(RegistrationChannel::Website)
        .build()
        .unwrap()
    }

    fn female_1949(n: u64, no: &str, number: &str) -> Volunteer {
        person(
            n,
            no,
            IdDocument::parse(None, number).unwrap(),
            "1949-12-31",
            Sex::Female,
        )
    }

    #[test]
    fn error_messages_are_pinned() {
        let a = VolunteerId::from_parts(1, 1);
        let b = VolunteerId::from_parts(1, 2);
        assert_eq!(
            RegistryError::DuplicateDocument {
                volunteer: a,
                kind: "resident_id",
                existing: b
            }
            .to_string(),
            format!(
                "volunteer {a} has the same resident_id document as volunteer {b}: one registration per id document (VOL-05)"
            )
        );
        assert_eq!(
            RegistryError::DuplicateVolunteerNo {
                volunteer: a,
                number: VolunteerNo::new("JS-1").unwrap(),
                existing: b
            }
            .to_string(),
            format!("volunteer {a} has volunteer number JS-1, already used by volunteer {b}")
        );
        assert_eq!(
            RegistryError::Unknown { volunteer: a }.to_string(),
            format!("volunteer {a} is not registered")
        );
        let e = RegistryError::MinorPolicy {
            volunteer: a,
            violations: vec![
                MinorViolation::BelowMinimumAge {
                    volunteer: a,
                    age: 13,
                    min_age: 14,
                },
                MinorViolation::GuardianConsentMissing {
                    volunteer: a,
                    age: 13,
                    under: 18,
                },
            ],
        };
        assert_eq!(
            e.to_string(),
            format!(
                "volunteer {a} cannot register: volunteer {a} is 13: the minimum age is 14 (MIN-07); \
                 volunteer {a} is 13: guardian consent is required under 18 (MIN-02)"
            )
        );
    }

    #[test]
    fn document_uniqueness_normalises_case_and_legacy_numbers() {
        let mut reg = VolunteerRegistry::default();
        reg.register(female_1949(1, "A1", "11010519491231002X"), d("2021-07-21"))
            .unwrap();
        let before = reg.clone();
        for (n, number) in [(2, "11010519491231002x"), (3, "110105491231002")] {
            let err = reg
                .register(female_1949(n, &format!("A{n}"), number), d("2021-07-21"))
                .unwrap_err();
            assert_eq!(
                err,
                RegistryError::DuplicateDocument {
                    volunteer: VolunteerId::from_parts(1_626_739_200_000, n),
                    kind: "resident_id",
                    existing: VolunteerId::from_parts(1_626_739_200_000, 1),
                }
            );
            assert!(!err.to_string().contains("110105"));
            assert_eq!(reg, before);
        }
        assert_eq!(reg.len(), 1);
        assert!(
            reg.by_document(&IdDocument::parse(None, "110105491231002").unwrap())
                .is_some()
        );
    }

    #[test]
    fn volunteer_numbers_and_ids_are_unique() {
        let mut reg = VolunteerRegistry::default();
        reg.register(female_1949(1, "A1", "11010519491231002X"), d("2021-07-21"))
            .unwrap();
        let before = reg.clone();
        let other = person(
            2,
            "a1",
            IdDocument::parse(None, "360426199101010071").unwrap(),
            "1991-01-01",
            Sex::Male,
        );
        assert!(matches!(
            reg.register(other, d("2021-07-21")),
            Err(RegistryError::DuplicateVolunteerNo { .. })
        ));
        let same_id = person(
            1,
            "A2",
            IdDocument::parse(None, "360426199101010071").unwrap(),
            "1991-01-01",
            Sex::Male,
        );
        assert!(matches!(
            reg.register(same_id, d("2021-07-21")),
            Err(RegistryError::DuplicateId { .. })
        ));
        assert_eq!(reg, before);
    }

    #[test]
    fn minors_without_consent_are_refused_with_every_reason() {
        let mut reg = VolunteerRegistry::new(MinorPolicy::cyl_2013());
        let birth = d("2009-01-01");
        let child = person(
            5,
            "C1",
            IdDocument::ResidentId(ResidentId::from_parts(320_115, birth, 11).unwrap()),
            "2009-01-01",
            Sex::Male,
        );
        let before = reg.clone();
        let err = reg.register(child.clone(), d("2021-07-21")).unwrap_err();
        match &err {
            RegistryError::MinorPolicy { violations, .. } => assert_eq!(violations.len(), 2),
            other => panic!("{other}"),
        }
        assert_eq!(reg, before);
        assert!(err.to_string().contains("(MIN-07)"));
        assert!(err.to_string().contains("(MIN-02)"));
        // With consent and old enough it passes.
        let mut ok = child;
        ok.set_guardian_consent(GuardianConsent::new(
            PersonName::new("王芳").unwrap(),
            PhoneNumber::new("13912345678").unwrap(),
            d("2023-01-01"),
        ))
        .unwrap();
        reg.register(ok, d("2023-01-02")).unwrap();
    }

    #[test]
    fn commands_on_unknown_or_refusing_volunteers_change_nothing() {
        let mut reg = VolunteerRegistry::default();
        let v = female_1949(1, "A1", "11010519491231002X");
        let id = v.id();
        reg.register(v, d("2021-07-21")).unwrap();
        let ghost = VolunteerId::from_parts(9, 9);
        let before = reg.clone();
        assert_eq!(
            reg.update_contact(ghost, Contact::default()),
            Err(RegistryError::Unknown { volunteer: ghost })
        );
        assert!(matches!(
            reg.reinstate(id, at("2021-07-21T10:00:00+08:00")),
            Err(RegistryError::Volunteer(
                VolunteerError::IllegalTransition { .. }
            ))
        ));
        assert_eq!(reg, before);
        reg.verify(
            id,
            at("2021-07-21T10:00:00+08:00"),
            VerificationMethod::InPerson,
        )
        .unwrap();
        reg.suspend(
            id,
            at("2021-07-22T10:00:00+08:00"),
            StatusReason::new("x").unwrap(),
        )
        .unwrap();
        reg.reinstate(id, at("2021-07-23T10:00:00+08:00")).unwrap();
        reg.cancel(
            id,
            at("2021-07-24T10:00:00+08:00"),
            StatusReason::new("y").unwrap(),
        )
        .unwrap();
        let before = reg.clone();
        assert!(reg.update_tags(id, BTreeSet::new()).is_err());
        assert!(reg.update_availability(id, Availability::always()).is_err());
        assert_eq!(reg, before);
        assert_eq!(reg.get(id).unwrap().status().kind(), StatusKind::Cancelled);
        // A cancelled registration keeps its document.
        assert!(matches!(
            reg.register(female_1949(2, "A2", "11010519491231002X"), d("2021-08-01")),
            Err(RegistryError::DuplicateDocument { .. })
        ));
    }

    #[cfg(feature = "proptest")]
    mod properties {
        use super::*;
        use crate::strategies;
        use crate::{DocumentNumber, PhoneNumberError};
        use chrono::{Datelike, TimeDelta};
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Cmd {
            Register(usize),
            Verify(usize),
            Suspend(usize),
            Reinstate(usize),
            Cancel(usize),
            Tags(usize),
        }

        fn cmd() -> impl Strategy<Value = Cmd> {
            prop_oneof![
                3 => (0_usize..12).prop_map(Cmd::Register),
                1 => (0_usize..12).prop_map(Cmd::Verify),
                1 => (0_usize..12).prop_map(Cmd::Suspend),
                1 => (0_usize..12).prop_map(Cmd::Reinstate),
                1 => (0_usize..12).prop_map(Cmd::Cancel),
                1 => (0_usize..12).prop_map(Cmd::Tags),
            ]
        }

        /// Spellings of the same resident ID: as is, lower-case `x`, or the legacy form.
        fn spelling(id: &ResidentId, how: u8) -> IdDocument {
            let full = id.expose();
            let text = match how {
                1 => full.to_lowercase(),
                2 if id.birth_date().year() / 100 == 19 => {
                    format!("{}{}", &full[..6], &full[8..17])
                }
                _ => full.to_owned(),
            };
            IdDocument::parse(None, &text).unwrap()
        }

        /// Twelve candidate volunteers drawn from three people, four numbers and six ids,
        /// so that collisions are frequent.
        fn pool() -> impl Strategy<Value = Vec<Volunteer>> {
            let person = (strategies::birth_date(), strategies::sex())
                .prop_flat_map(|(b, s)| (Just(b), Just(s), strategies::resident_id_for(b, s)));
            (
                prop::collection::vec(person, 3),
                prop::collection::vec(strategies::volunteer_no(), 4),
                prop::collection::vec((0_usize..3, 0_usize..4, 0_u64..6, 0_u8..3), 12),
            )
                .prop_map(|(people, numbers, picks)| {
                    picks
                        .into_iter()
                        .map(|(p, n, id, how)| {
                            let (birth, sex, rid) = &people[p];
                            Volunteer::builder(
                                VolunteerId::from_parts(1_626_739_200_000, id),
                                numbers[n].clone(),
                                PersonName::new("志愿者").unwrap(),
                                spelling(rid, how),
                            )
                            .birth_date(*birth)
                            .sex(*sex)
                            .channel(RegistrationChannel::Import)
                            .build()
                            .unwrap()
                        })
                        .collect()
                })
        }

        fn check_invariants(reg: &VolunteerRegistry) -> Result<(), TestCaseError> {
            prop_assert_eq!(reg.by_document.len(), reg.volunteers.len());
            prop_assert_eq!(reg.by_number.len(), reg.volunteers.len());
            for v in reg.volunteers.values() {
                prop_assert_eq!(reg.by_document.get(&v.document().key()), Some(&v.id()));
                prop_assert_eq!(reg.by_number.get(v.volunteer_no()), Some(&v.id()));
            }
            Ok(())
        }

        proptest! {
            /// Random command sequences: documents and numbers stay unique, a registration
            /// succeeds exactly when its id, document and number are all new, and every
            /// rejected command leaves the registry unchanged.
            #[test]
            fn uniqueness_holds_over_random_commands(pool in pool(), cmds in prop::collection::vec(cmd(), 1..40)) {
                let policy = MinorPolicy::national().with_consent_under(None);
                let mut reg = VolunteerRegistry::new(policy);
                let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
                let t0 = at("2026-01-01T08:00:00+08:00");
                for (step, c) in cmds.into_iter().enumerate() {
                    let t = t0 + TimeDelta::minutes(i64::try_from(step).unwrap());
                    let before = reg.clone();
                    let reason = || StatusReason::new("test").unwrap();
                    let result = match c {
                        Cmd::Register(i) => {
                            let v = pool[i].clone();
                            let fresh = !reg.volunteers.contains_key(&v.id())
                                && !reg.volunteers.values().any(|w| w.document().key() == v.document().key())
                                && !reg.volunteers.values().any(|w| w.volunteer_no() == v.volunteer_no());
                            let r = reg.register(v, day);
                            prop_assert_eq!(r.is_ok(), fresh);
                            r
                        }
                        Cmd::Verify(i) => reg.verify(pool[i].id(), t, VerificationMethod::InPerson),
                        Cmd::Suspend(i) => reg.suspend(pool[i].id(), t, reason()),
                        Cmd::Reinstate(i) => reg.reinstate(pool[i].id(), t),
                        Cmd::Cancel(i) => reg.cancel(pool[i].id(), t, reason()),
                        Cmd::Tags(i) => reg.update_tags(pool[i].id(), BTreeSet::from([Tag::new("t").unwrap()])),
                    };
                    if result.is_err() {
                        prop_assert_eq!(&reg, &before);
                    }
                    check_invariants(&reg)?;
                }
            }

            /// No `Debug`, `Display` or error text of any identity type contains a full ID
            /// number (or its 16 middle characters) or a full phone number.
            #[test]
            fn nothing_prints_a_full_id_or_phone_number(
                v in strategies::volunteer(),
                phone in strategies::phone_number(),
                consent in strategies::guardian_consent(),
            ) {
                let mut texts: Vec<String> = Vec::new();
                let mut secrets: Vec<String> = vec![phone.expose().to_owned(), consent.phone().expose().to_owned()];
                let doc = v.document().clone();
                match &doc {
                    IdDocument::ResidentId(id) => {
                        let full = id.expose().to_owned();
                        secrets.push(full[1..17].to_owned());
                        texts.push(format!("{id} {id:?}"));
                        // Errors on near misses: wrong check, truncated, as a volunteer number.
                        let wrong_check = format!("{}{}", &full[..17], if full.ends_with('0') { '1' } else { '0' });
                        for bad in [wrong_check.as_str(), &full[..17], &format!("{full}1")] {
                            if let Err(e) = ResidentId::new(bad) {
                                texts.push(format!("{e} {e:?}"));
                                texts.push(crate::Error::from(e).to_string());
                            }
                        }
                        let e = VolunteerNo::new(&full).unwrap_err();
                        texts.push(format!("{e} {e:?}"));
                        let e = DocumentNumber::new(&format!("{full}-")).unwrap_err();
                        texts.push(format!("{e} {e:?}"));
                    }
                    IdDocument::Other { number, .. } => {
                        if number.expose().len() > 2 {
                            secrets.push(number.expose().to_owned());
                        }
                        texts.push(format!("{number} {number:?}"));
                    }
                }
                texts.push(format!("{doc} {doc:?} {:?}", doc.key()));
                texts.push(format!("{v:?}"));
                texts.push(format!("{phone} {phone:?} {consent:?}"));
                let bad_phone = format!("{}X", phone.expose());
                let e: PhoneNumberError = PhoneNumber::new(&bad_phone).unwrap_err();
                texts.push(format!("{e} {e:?}"));
                // Registry: duplicate document, policy refusal, debug of the whole registry.
                let mut reg = VolunteerRegistry::new(MinorPolicy::national().with_consent_under(None));
                let day = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
                reg.register(v.clone(), day).unwrap();
                texts.push(format!("{reg:?}"));
                let twin = Volunteer::builder(VolunteerId::from_parts(7, 7), VolunteerNo::new("TWIN").unwrap(), v.name().clone(), doc.clone())
                    .birth_date(v.birth_date()).sex(v.sex()).channel(RegistrationChannel::Import).build().unwrap();
                let e = reg.register(twin.clone(), day).unwrap_err();
                texts.push(format!("{e} {e:?}"));
                let strict = VolunteerRegistry::new(MinorPolicy::cyl_2013().with_min_age(Some(200)));
                let e = strict.clone().register(twin, day).unwrap_err();
                texts.push(format!("{e} {e:?}"));
                for text in &texts {
                    for secret in &secrets {
                        prop_assert!(!text.contains(secret.as_str()), "{text:?} contains a secret");
                    }
                }
            }

            /// Generated volunteers survive a serde round trip (so the strategy only yields
            /// values the constructors accept).
            #[cfg(feature = "serde")]
            #[test]
            fn generated_volunteers_round_trip_through_serde(v in strategies::volunteer()) {
                let json = serde_json::to_string(&v).unwrap();
                prop_assert_eq!(serde_json::from_str::<Volunteer>(&json).unwrap(), v);
            }
        }
    }
}
