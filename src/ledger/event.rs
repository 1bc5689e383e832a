//! Ledger events: every state change, named in the past tense, serialisable, versioned.

use chrono::{DateTime, FixedOffset};

use crate::{Actor, Append, CorrectionId, CorrectionRequest, OrgId, RecordId, ServiceRecord};

/// The current event format version, 2. [`HourLedger::replay`](crate::HourLedger::replay)
/// also reads version 1, whose events are the same except that a `recorder_appointed` had
/// no `by` (appointments were not authorised before version 2): such an appointment replays
/// as it happened and stays version 1. Other versions are refused.
pub const LEDGER_EVENT_VERSION: u16 = 2;

/// One state change of an [`HourLedger`](crate::HourLedger), with its format version and
/// instant.
///
/// Serialised flat with a `type` tag:
/// `{"version": 2, "at": "<rfc3339>", "type": "record_confirmed", "by": …, "record": …,
/// "append": {"key": …, "expected": null}}`. Store the events; rebuild the ledger with
/// [`HourLedger::replay`](crate::HourLedger::replay).
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, HourLedger, LedgerEventKind};
/// let ledger = doc_fixtures::ledger();
/// let e = &ledger.events()[0];
/// assert_eq!(e.version, 2);
/// assert!(matches!(e.kind, LedgerEventKind::AdministratorGranted { by: None, .. }));
/// assert_eq!(HourLedger::replay(ledger.events())?, ledger);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LedgerEvent {
    /// The format version ([`LEDGER_EVENT_VERSION`] for new events).
    pub version: u16,
    /// The command's instant.
    pub at: DateTime<FixedOffset>,
    /// What happened.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub kind: LedgerEventKind,
}

/// What happened, in the past tense. Serialised with `"type"` set to the snake-case name.
///
/// # Example
/// ```
/// use volunteer_service::{Actor, LedgerEventKind, OrgId, StaffId};
/// let k = LedgerEventKind::RecorderAppointed {
///     organiser: OrgId::from_parts(0, 1),
///     recorder: Actor::Staff(StaffId::from_parts(0, 2)),
///     by: Some(Actor::Staff(StaffId::from_parts(0, 3))),
/// };
/// assert_eq!(k.name(), "recorder_appointed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum LedgerEventKind {
    /// An organiser got an administrator, who appoints its recorders.
    AdministratorGranted {
        /// The organiser.
        organiser: OrgId,
        /// The new administrator.
        administrator: Actor,
        /// The granting administrator, or `None` for the organiser's first (the explicit
        /// bootstrap grant).
        by: Option<Actor>,
    },
    /// A person became a recorder of an organiser.
    RecorderAppointed {
        /// The organiser.
        organiser: OrgId,
        /// The recorder.
        recorder: Actor,
        /// The appointing administrator; absent (`None`) only in version-1 events.
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        by: Option<Actor>,
    },
    /// A recorder submitted a record, awaiting confirmation.
    RecordSubmitted {
        /// The recorder.
        by: Actor,
        /// The record (boxed to keep events small).
        record: Box<ServiceRecord>,
    },
    /// A recorder confirmed a record; the ledger appended its credit.
    RecordConfirmed {
        /// The confirming recorder.
        by: Actor,
        /// The record.
        record: RecordId,
        /// The append's key and expected sequence.
        append: Append,
    },
    /// A recorder reversed a credit.
    CreditReversed {
        /// The recorder.
        by: Actor,
        /// The reversed credit's sequence.
        entry: u64,
        /// Why.
        reason: String,
        /// The append's key and expected sequence.
        append: Append,
    },
    /// A volunteer raised a correction request.
    CorrectionRequested {
        /// The volunteer.
        by: Actor,
        /// The request.
        request: CorrectionRequest,
    },
    /// The organiser approved a correction; the ledger appended the reversal and the
    /// corrected credit, the reversal alone, or the missing credit.
    CorrectionApproved {
        /// The approving recorder.
        by: Actor,
        /// The request.
        correction: CorrectionId,
        /// The corrected or missing record, if any.
        record: Option<Box<ServiceRecord>>,
        /// The append's key and expected sequence.
        append: Append,
    },
    /// The organiser rejected a correction.
    CorrectionRejected {
        /// The rejecting recorder.
        by: Actor,
        /// The request.
        correction: CorrectionId,
        /// Why.
        reason: String,
    },
}

impl LedgerEventKind {
    /// The snake-case name used as the `type` tag.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// let ledger = doc_fixtures::ledger(); // an administrator granted, a recorder appointed
    /// assert_eq!(ledger.events()[0].kind.name(), "administrator_granted");
    /// assert_eq!(ledger.events()[1].kind.name(), "recorder_appointed");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Self::AdministratorGranted { .. } => "administrator_granted",
            Self::RecorderAppointed { .. } => "recorder_appointed",
            Self::RecordSubmitted { .. } => "record_submitted",
            Self::RecordConfirmed { .. } => "record_confirmed",
            Self::CreditReversed { .. } => "credit_reversed",
            Self::CorrectionRequested { .. } => "correction_requested",
            Self::CorrectionApproved { .. } => "correction_approved",
            Self::CorrectionRejected { .. } => "correction_rejected",
        }
    }
}
