//! Correction requests (AUD-01): a volunteer raises an error or omission; the organiser
//! approves (the ledger appends entries) or rejects with a reason.

use chrono::{DateTime, FixedOffset};

use crate::{Actor, CorrectionId, LedgerError, OrgId, RecordId, VolunteerId};

/// The longest reason or description, in characters.
pub const MAX_REASON: usize = 500;

pub(crate) fn check_text(text: &str, what: &'static str) -> Result<(), LedgerError> {
    if text.trim().is_empty() || text.chars().count() > MAX_REASON {
        return Err(LedgerError::Reason { what });
    }
    Ok(())
}

/// What the volunteer claims.
///
/// Serialised as `{"error": {"record": "<uuid>"}}` or `{"omission": {"organiser": "<uuid>"}}`.
///
/// # Example
/// ```
/// use volunteer_service::{Claim, OrgId};
/// let c = Claim::Omission { organiser: OrgId::from_parts(0, 1) };
/// assert!(matches!(c, Claim::Omission { .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Claim {
    /// A credited record is wrong (错误).
    Error {
        /// The record.
        record: RecordId,
    },
    /// Service with this organiser was not recorded (遗漏).
    Omission {
        /// The organiser that should have recorded it.
        organiser: OrgId,
    },
}

/// A volunteer's correction request (AUD-01's `CorrectionRequest { record, claim, status }`;
/// the status is kept by the ledger, see [`Correction`]).
///
/// Serialised as `{"id", "volunteer", "claim", "description"}`; deserialisation re-checks
/// the description.
///
/// # Example
/// ```
/// use volunteer_service::{CorrectionId, CorrectionRequest, RecordId, VolunteerId};
/// let req = CorrectionRequest::error(CorrectionId::from_parts(0, 1), VolunteerId::from_parts(0, 2),
///     RecordId::from_parts(0, 3), "I left at 11:00, not 12:00")?;
/// assert_eq!(req.description(), "I left at 11:00, not 12:00");
/// assert!(CorrectionRequest::error(req.id(), req.volunteer(), RecordId::from_parts(0, 3), " ").is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "RequestWire", into = "RequestWire")
)]
pub struct CorrectionRequest {
    id: CorrectionId,
    volunteer: VolunteerId,
    claim: Claim,
    description: String,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct RequestWire {
    id: CorrectionId,
    volunteer: VolunteerId,
    claim: Claim,
    description: String,
}

#[cfg(feature = "serde")]
impl TryFrom<RequestWire> for CorrectionRequest {
    type Error = LedgerError;
    fn try_from(w: RequestWire) -> Result<Self, LedgerError> {
        CorrectionRequest::new(w.id, w.volunteer, w.claim, w.description)
    }
}

#[cfg(feature = "serde")]
impl From<CorrectionRequest> for RequestWire {
    fn from(r: CorrectionRequest) -> Self {
        Self {
            id: r.id,
            volunteer: r.volunteer,
            claim: r.claim,
            description: r.description,
        }
    }
}

impl CorrectionRequest {
    /// A request with any claim.
    ///
    /// # Errors
    /// [`LedgerError::Reason`] if the description is blank or over 500 characters.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Claim, CorrectionId, CorrectionRequest, OrgId, VolunteerId};
    /// let r = CorrectionRequest::new(CorrectionId::from_parts(0, 1), VolunteerId::from_parts(0, 2),
    ///     Claim::Omission { organiser: OrgId::from_parts(0, 3) }, "served 2021-07-22 09:00–11:00")?;
    /// assert!(matches!(r.claim(), Claim::Omission { .. }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(
        id: CorrectionId,
        volunteer: VolunteerId,
        claim: Claim,
        description: impl Into<String>,
    ) -> Result<Self, LedgerError> {
        let description = description.into();
        check_text(&description, "correction description")?;
        Ok(Self {
            id,
            volunteer,
            claim,
            description,
        })
    }

    /// A request claiming that `record` is wrong.
    ///
    /// # Errors
    /// [`LedgerError::Reason`] if the description is blank or over 500 characters.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Claim, CorrectionId, CorrectionRequest, RecordId, VolunteerId};
    /// let (id, v, rec) = (CorrectionId::from_parts(0, 1), VolunteerId::from_parts(0, 2), RecordId::from_parts(0, 3));
    /// let req = CorrectionRequest::error(id, v, rec, "I left at 11:00, not 12:00")?;
    /// assert_eq!(req.claim(), Claim::Error { record: rec });
    /// assert!(CorrectionRequest::error(id, v, rec, "").is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn error(
        id: CorrectionId,
        volunteer: VolunteerId,
        record: RecordId,
        description: impl Into<String>,
    ) -> Result<Self, LedgerError> {
        Self::new(id, volunteer, Claim::Error { record }, description)
    }

    /// A request claiming that service with `organiser` was not recorded.
    ///
    /// # Errors
    /// [`LedgerError::Reason`] if the description is blank or over 500 characters.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Claim, CorrectionId, CorrectionRequest, OrgId, VolunteerId};
    /// let (id, v, org) = (CorrectionId::from_parts(0, 1), VolunteerId::from_parts(0, 2), OrgId::from_parts(0, 3));
    /// let req = CorrectionRequest::omission(id, v, org, "served 2021-07-22 09:00–11:00")?;
    /// assert_eq!(req.claim(), Claim::Omission { organiser: org });
    /// assert!(CorrectionRequest::omission(id, v, org, "x".repeat(501)).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn omission(
        id: CorrectionId,
        volunteer: VolunteerId,
        organiser: OrgId,
        description: impl Into<String>,
    ) -> Result<Self, LedgerError> {
        Self::new(id, volunteer, Claim::Omission { organiser }, description)
    }

    /// The request's id.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CorrectionId, CorrectionRequest, OrgId, VolunteerId};
    /// let id = CorrectionId::from_parts(0, 1);
    /// let req = CorrectionRequest::omission(id, VolunteerId::from_parts(0, 2), OrgId::from_parts(0, 3), "served 07-22")?;
    /// assert_eq!(req.id(), id);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn id(&self) -> CorrectionId {
        self.id
    }
    /// The volunteer who raised it.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CorrectionId, CorrectionRequest, OrgId, VolunteerId};
    /// let v = VolunteerId::from_parts(0, 2);
    /// let req = CorrectionRequest::omission(CorrectionId::from_parts(0, 1), v, OrgId::from_parts(0, 3), "served 07-22")?;
    /// assert_eq!(req.volunteer(), v);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// The claim.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Claim, CorrectionId, CorrectionRequest, RecordId, VolunteerId};
    /// let rec = RecordId::from_parts(0, 3);
    /// let req = CorrectionRequest::error(CorrectionId::from_parts(0, 1), VolunteerId::from_parts(0, 2), rec, "wrong day")?;
    /// assert_eq!(req.claim(), Claim::Error { record: rec });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn claim(&self) -> Claim {
        self.claim
    }
    /// The volunteer's description.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CorrectionId, CorrectionRequest, OrgId, VolunteerId};
    /// let req = CorrectionRequest::omission(CorrectionId::from_parts(0, 1), VolunteerId::from_parts(0, 2),
    ///     OrgId::from_parts(0, 3), "served 2021-07-22 09:00–11:00")?;
    /// assert_eq!(req.description(), "served 2021-07-22 09:00–11:00");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// Where a correction stands.
///
/// Serialised as `"open"`, `{"approved": {"by", "first", "count"}}` or
/// `{"rejected": {"by", "reason"}}`.
///
/// # Example
/// ```
/// use volunteer_service::CorrectionStatus;
/// assert!(CorrectionStatus::Open.is_open());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum CorrectionStatus {
    /// Waiting for the organiser.
    Open,
    /// Approved; the ledger appended `count` entries from sequence `first`.
    Approved {
        /// The approving recorder.
        by: Actor,
        /// The first appended entry.
        first: u64,
        /// How many entries were appended (1 or 2).
        count: u64,
    },
    /// Rejected with a reason.
    Rejected {
        /// The rejecting recorder.
        by: Actor,
        /// Why.
        reason: String,
    },
}

impl CorrectionStatus {
    /// Whether the request still awaits a decision.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, CorrectionStatus};
    /// assert!(CorrectionStatus::Open.is_open());
    /// let rejected = CorrectionStatus::Rejected { by: doc_fixtures::recorder(), reason: "no sign-in sheet".into() };
    /// assert!(!rejected.is_open());
    /// ```
    pub const fn is_open(&self) -> bool {
        matches!(self, Self::Open)
    }
}

/// A correction request as the ledger keeps it: the request, who owns the decision, when it
/// was raised, and its status. The whole history stays readable.
///
/// Serialised as `{"request", "organiser", "raised_at", "status"}` (output only).
///
/// # Example
/// See [`HourLedger::request_correction`](crate::HourLedger::request_correction).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Correction {
    pub(crate) request: CorrectionRequest,
    pub(crate) organiser: OrgId,
    pub(crate) raised_at: DateTime<FixedOffset>,
    pub(crate) status: CorrectionStatus,
}

impl Correction {
    /// The request.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, CorrectionId, CorrectionRequest};
    /// let mut ledger = doc_fixtures::ledger();
    /// # let (v, at) = (doc_fixtures::volunteer_id(), doc_fixtures::at("2021-07-21T13:00:00+08:00"));
    /// let id = CorrectionId::from_parts(0, 1);
    /// let req = CorrectionRequest::omission(id, v, doc_fixtures::organiser(), "served on 07-22")?;
    /// ledger.request_correction(Actor::Volunteer(v), req.clone(), at)?;
    /// assert_eq!(ledger.correction(id).map(|c| c.request()), Some(&req));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn request(&self) -> &CorrectionRequest {
        &self.request
    }
    /// The organiser that decides.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, CorrectionId, CorrectionRequest};
    /// let (mut ledger, _) = doc_fixtures::certified_ledger();
    /// # let (v, at) = (doc_fixtures::volunteer_id(), doc_fixtures::at("2021-07-24T09:00:00+08:00"));
    /// // An error claim is decided by the organiser of the disputed record.
    /// let rec = doc_fixtures::record_builder(1).build()?.id();
    /// let id = CorrectionId::from_parts(0, 1);
    /// ledger.request_correction(Actor::Volunteer(v), CorrectionRequest::error(id, v, rec, "left at 11:00")?, at)?;
    /// assert_eq!(ledger.correction(id).map(|c| c.organiser()), Some(doc_fixtures::organiser()));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn organiser(&self) -> OrgId {
        self.organiser
    }
    /// When it was raised.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, CorrectionId, CorrectionRequest};
    /// let mut ledger = doc_fixtures::ledger();
    /// # let v = doc_fixtures::volunteer_id();
    /// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
    /// let id = CorrectionId::from_parts(0, 1);
    /// let req = CorrectionRequest::omission(id, v, doc_fixtures::organiser(), "served on 07-22")?;
    /// ledger.request_correction(Actor::Volunteer(v), req, at)?;
    /// assert_eq!(ledger.correction(id).map(|c| c.raised_at()), Some(at));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn raised_at(&self) -> DateTime<FixedOffset> {
        self.raised_at
    }
    /// Its status.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Actor, CorrectionId, CorrectionRequest, CorrectionStatus};
    /// let mut ledger = doc_fixtures::ledger();
    /// # let (v, at) = (doc_fixtures::volunteer_id(), doc_fixtures::at("2021-07-21T13:00:00+08:00"));
    /// let id = CorrectionId::from_parts(0, 1);
    /// let req = CorrectionRequest::omission(id, v, doc_fixtures::organiser(), "served on 07-22")?;
    /// ledger.request_correction(Actor::Volunteer(v), req, at)?;
    /// ledger.reject_correction(doc_fixtures::recorder(), id, "no sign-in sheet for 07-22", at)?;
    /// assert_eq!(ledger.correction(id).map(|c| c.status()), Some(&CorrectionStatus::Rejected {
    ///     by: doc_fixtures::recorder(), reason: "no sign-in sheet for 07-22".into() }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn status(&self) -> &CorrectionStatus {
        &self.status
    }
}
