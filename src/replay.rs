//! Rebuilding an event-sourced aggregate by re-running its own events: the shape shared by
//! [`CertificateRegister::replay`](crate::CertificateRegister::replay) and
//! [`TimeBank::replay`](crate::TimeBank::replay).

/// An aggregate that records one event per command and can re-run an event's command.
pub(crate) trait Replay: Sized {
    /// The recorded event.
    type Event: PartialEq;
    /// The aggregate's error.
    type Error: Clone;

    /// The event format version this build writes and reads.
    const VERSION: u16;

    /// An event's format version.
    fn version(event: &Self::Event) -> u16;

    /// The error for an event of another format version.
    fn unsupported_version(version: u16) -> Self::Error;

    /// The error for event `event` (0-based) not reproducing the recorded one.
    fn mismatch(event: u64) -> Self::Error;

    /// The aggregate an opening event starts, or `None` if `event` is not an opening.
    ///
    /// # Errors
    /// The constructor's error.
    fn open(event: &Self::Event) -> Option<Result<Self, Self::Error>>;

    /// Re-runs the command of a later event.
    ///
    /// # Errors
    /// The command's error, or `None` if the event cannot follow (a second opening).
    fn rerun(&mut self, event: &Self::Event) -> Result<(), Option<Self::Error>>;

    /// The events recorded so far.
    fn recorded(&self) -> &[Self::Event];
}

/// Rebuilds an aggregate from `events`: each must have the current version, the first must
/// open the aggregate, and re-running each must record exactly that event.
///
/// # Errors
/// [`Replay::unsupported_version`] for an event of another version; the first command's
/// error; [`Replay::mismatch`] for the first event that is out of place or not reproduced
/// (event 0 for an empty slice).
pub(crate) fn replay<A: Replay>(events: &[A::Event]) -> Result<A, A::Error> {
    let mut aggregate: Option<A> = None;
    for (i, e) in (0_u64..).zip(events) {
        let version = A::version(e);
        if version != A::VERSION {
            return Err(A::unsupported_version(version));
        }
        let mismatch = A::mismatch(i);
        match aggregate.as_mut() {
            None => match A::open(e) {
                Some(opened) => aggregate = Some(opened?),
                None => return Err(mismatch),
            },
            Some(a) => a
                .rerun(e)
                .map_err(|err| err.unwrap_or_else(|| mismatch.clone()))?,
        }
        let same = aggregate.as_ref().is_some_and(|a| {
            let recorded = a.recorded();
            usize::try_from(i + 1).ok() == Some(recorded.len()) && recorded.last() == Some(e)
        });
        if !same {
            return Err(mismatch);
        }
    }
    aggregate.ok_or_else(|| A::mismatch(0))
}
