//! The crate-wide error type.

/// Any error this crate returns: one variant per area, each wrapping that area's own error
/// enum, so `?` works across areas.
///
/// # Example
/// ```
/// use volunteer_service::{DivisionCode, Error};
/// fn parse(s: &str) -> Result<DivisionCode, Error> {
///     Ok(s.parse()?)
/// }
/// assert!(matches!(parse("12"), Err(Error::DivisionCode(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A typed identifier failed to parse.
    #[error(transparent)]
    Id(#[from] crate::ParseIdError),
    /// A minute quantity left its range.
    #[error(transparent)]
    Minutes(#[from] crate::MinutesError),
    /// Coordinates were out of range.
    #[error(transparent)]
    Geo(#[from] crate::GeoError),
    /// A division code was malformed.
    #[error(transparent)]
    DivisionCode(#[from] crate::DivisionCodeError),
    /// A division table could not be loaded.
    #[error(transparent)]
    DivisionTable(#[from] crate::DivisionTableError),
    /// A time span or dated period was empty or reversed.
    #[error(transparent)]
    Span(#[from] crate::SpanError),
    /// A tag was malformed.
    #[error(transparent)]
    Tag(#[from] crate::TagError),
    /// A resident ID number was malformed.
    #[error(transparent)]
    ResidentId(#[from] crate::ResidentIdError),
    /// An identity document was malformed.
    #[error(transparent)]
    IdDocument(#[from] crate::IdDocumentError),
    /// A phone number was malformed.
    #[error(transparent)]
    PhoneNumber(#[from] crate::PhoneNumberError),
    /// A volunteer number was malformed or looked like an ID number.
    #[error(transparent)]
    VolunteerNo(#[from] crate::VolunteerNoError),
    /// A person's name was malformed.
    #[error(transparent)]
    PersonName(#[from] crate::PersonNameError),
    /// The qualification graph, a grant or a training record was invalid.
    #[error(transparent)]
    Qualification(#[from] crate::QualificationError),
    /// A time window or availability was malformed.
    #[error(transparent)]
    Availability(#[from] crate::AvailabilityError),
    /// An e-mail address was malformed.
    #[error(transparent)]
    Email(#[from] crate::EmailError),
    /// A volunteer profile was inconsistent or a status change was not allowed.
    #[error(transparent)]
    Volunteer(#[from] crate::VolunteerError),
    /// A volunteer registry command was rejected.
    #[error(transparent)]
    Registry(#[from] crate::RegistryError),
    /// A service category or menu was invalid.
    #[error(transparent)]
    Category(#[from] crate::CategoryError),
    /// An activity, recruitment notice or insurance was invalid, or an activity operation
    /// was refused.
    #[error(transparent)]
    Activity(#[from] crate::ActivityError),
    /// A shift, requirement set, template or calendar operation was invalid.
    #[error(transparent)]
    Shift(#[from] crate::ShiftError),
    /// A need was invalid or a need transition was refused.
    #[error(transparent)]
    Need(#[from] crate::NeedError),
    /// A roster command was refused.
    #[error(transparent)]
    Roster(#[from] crate::RosterError),
    /// A unified social credit code was malformed.
    #[error(transparent)]
    Uscc(#[from] crate::UsccError),
    /// An organisation or a change to the organisation hierarchy was rejected.
    #[error(transparent)]
    Org(#[from] crate::OrgError),
    /// A team, membership, pairing or deployment was rejected.
    #[error(transparent)]
    Team(#[from] crate::TeamError),
    /// An emergency operation refused a declaration or a dispatch.
    #[error(transparent)]
    Emergency(#[from] crate::EmergencyError),
    /// An attendance command was refused.
    #[error(transparent)]
    Attendance(#[from] crate::AttendanceError),
    /// A crediting policy was invalid.
    #[error(transparent)]
    Crediting(#[from] crate::CreditingError),
    /// A service record was invalid.
    #[error(transparent)]
    Record(#[from] crate::RecordError),
    /// A ledger command was refused, or the ledger failed verification.
    #[error(transparent)]
    Ledger(#[from] crate::LedgerError),
    /// An event store refused an append, found a tampered log or failed.
    #[error(transparent)]
    Store(#[from] crate::StoreError),
    /// An entry hash failed to parse.
    #[error(transparent)]
    EntryHash(#[from] crate::ParseHashError),
    /// A matching problem was malformed, too large or infeasible, or a solution was rejected.
    #[error(transparent)]
    Matching(#[from] crate::matching::MatchingError),
    /// A match input, policy or pairing request was invalid, or a match was too large.
    #[error(transparent)]
    Match(#[from] crate::matching::MatchError),
    /// A roll-up projection was stale or did not match the ledger.
    #[error(transparent)]
    Rollup(#[from] crate::RollupError),
    /// A star ladder, points rule or star application was rejected.
    #[error(transparent)]
    Award(#[from] crate::AwardError),
    /// A time-bank operation was refused.
    #[error(transparent)]
    TimeBank(#[from] crate::TimeBankError),
    /// A certificate command or verification failed.
    #[error(transparent)]
    Certificate(#[from] crate::CertificateError),
    /// A CSV import was refused: unreadable input, a bad header or bad rows.
    #[cfg(feature = "csv")]
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
}
