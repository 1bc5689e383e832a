//! Rebuilding a ledger from its events, one at a time.

use crate::{HourLedger, LEDGER_EVENT_VERSION, LedgerError, LedgerEvent, LedgerEventKind};

/// Rebuilds an [`HourLedger`] from its events one at a time, for sources that page (an
/// [`EventStore`](crate::EventStore), a file read in chunks) so that the whole history never
/// has to be in memory as one slice. [`HourLedger::replay`] is this in a loop.
///
/// Each event's command is run again and must reproduce exactly that event. The first
/// failure poisons the replay: later pushes and [`finish`](Self::finish) return the same
/// error, so a half-applied history can never be mistaken for a ledger.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, LedgerReplay};
/// let original = doc_fixtures::certified_ledger().0;
/// let mut replay = LedgerReplay::new();
/// for e in original.events() {
///     replay.push(e)?;
/// }
/// assert_eq!(replay.applied(), original.events().len() as u64);
/// assert_eq!(replay.finish()?, original);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct LedgerReplay {
    ledger: HourLedger,
    failed: Option<LedgerError>,
}

impl LedgerReplay {
    /// A replay starting from the empty ledger.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{HourLedger, LedgerReplay};
    /// assert_eq!(LedgerReplay::new().finish()?, HourLedger::new());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// A replay with room for `events` events and entries.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::LedgerReplay;
    /// assert_eq!(LedgerReplay::with_capacity(100).applied(), 0);
    /// ```
    pub fn with_capacity(events: usize) -> Self {
        Self {
            ledger: HourLedger::with_capacity(events),
            failed: None,
        }
    }

    /// How many events have been applied.
    ///
    /// # Example
    /// See [`LedgerReplay`].
    pub fn applied(&self) -> u64 {
        u64::try_from(self.ledger.events().len()).unwrap_or(u64::MAX)
    }

    /// Applies the next event.
    ///
    /// # Errors
    /// [`LedgerError::UnsupportedEventVersion`] for an unknown version;
    /// [`LedgerError::ReplayMismatch`] if the event does not reproduce itself (a duplicate, a
    /// retry that appended nothing, altered content); any command error if the events are not
    /// a history a ledger could have produced. After an error, every later call returns it
    /// again.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, LedgerError, LedgerReplay};
    /// let events = doc_fixtures::certified_ledger().0.events().to_vec();
    /// let mut replay = LedgerReplay::new();
    /// replay.push(&events[0])?; // the organiser's first administrator
    /// replay.push(&events[1])?; // appoints a recorder
    /// // The same appointment again appends no event: the history is not a real one.
    /// let err = replay.push(&events[1]).unwrap_err();
    /// assert_eq!(err, LedgerError::ReplayMismatch { event: 2 });
    /// assert_eq!(replay.push(&events[2]), Err(err.clone()));
    /// assert_eq!(replay.finish(), Err(err));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn push(&mut self, e: &LedgerEvent) -> Result<(), LedgerError> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        let result = self.apply(e);
        if let Err(err) = &result {
            self.failed = Some(err.clone());
        }
        result
    }

    /// The rebuilt ledger.
    ///
    /// # Errors
    /// The error of the first event that failed, if any.
    ///
    /// # Example
    /// See [`LedgerReplay`].
    pub fn finish(self) -> Result<HourLedger, LedgerError> {
        match self.failed {
            Some(err) => Err(err),
            None => Ok(self.ledger),
        }
    }

    fn apply(&mut self, e: &LedgerEvent) -> Result<(), LedgerError> {
        let index = self.applied();
        if !(1..=LEDGER_EVENT_VERSION).contains(&e.version) {
            return Err(LedgerError::UnsupportedEventVersion { version: e.version });
        }
        let l = &mut self.ledger;
        let at = e.at;
        match &e.kind {
            // Upcasting version 1: an appointment had no `by` (appointments were not
            // authorised then); it replays as it happened and is kept as version 1.
            LedgerEventKind::RecorderAppointed {
                organiser,
                recorder,
                by: None,
            } if e.version == 1 => l.appoint_legacy(*organiser, *recorder, at),
            LedgerEventKind::RecorderAppointed {
                organiser,
                recorder,
                by: Some(by),
            } => l.appoint_recorder(*by, *organiser, *recorder, at)?,
            LedgerEventKind::RecorderAppointed { by: None, .. } => {
                return Err(LedgerError::ReplayMismatch { event: index });
            }
            LedgerEventKind::AdministratorGranted {
                organiser,
                administrator,
                by: None,
            } => l.bootstrap_administrator(*organiser, *administrator, at)?,
            LedgerEventKind::AdministratorGranted {
                organiser,
                administrator,
                by: Some(by),
            } => l.grant_administrator(*by, *organiser, *administrator, at)?,
            LedgerEventKind::RecordSubmitted { by, record } => {
                l.submit(*by, (**record).clone(), at)?;
            }
            LedgerEventKind::RecordConfirmed { by, record, append } => {
                l.confirm(*by, *record, *append, at)?;
            }
            LedgerEventKind::CreditReversed {
                by,
                entry,
                reason,
                append,
            } => {
                l.reverse(*by, *entry, reason, *append, at)?;
            }
            LedgerEventKind::CorrectionRequested { by, request } => {
                l.request_correction(*by, request.clone(), at)?;
            }
            LedgerEventKind::CorrectionApproved {
                by,
                correction,
                record,
                append,
            } => {
                l.approve_correction(*by, *correction, record.as_deref().cloned(), *append, at)?;
            }
            LedgerEventKind::CorrectionRejected {
                by,
                correction,
                reason,
            } => {
                l.reject_correction(*by, *correction, reason, at)?;
            }
        }
        // Other kinds are the same in versions 1 and 2: keep the event's own version.
        let appended = l.events.len() as u64 == index + 1;
        if let Some(last) = l.events.last_mut()
            && appended
        {
            last.version = e.version;
        }
        if l.events().len() as u64 != index + 1 || l.events().last() != Some(e) {
            return Err(LedgerError::ReplayMismatch { event: index });
        }
        Ok(())
    }
}
