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
    /// A matching problem was malformed, too large or infeasible, or a solution was rejected.
    #[error(transparent)]
    Matching(#[from] crate::matching::MatchingError),
}
