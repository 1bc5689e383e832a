//! Trait and size checks for public types (time-style `assert_impl!`).

use volunteer_service::*;

macro_rules! assert_impl {
    ($($ty:ty),* $(,)? => $($bound:tt)+) => {
        const _: fn() = || {
            fn check<T: ?Sized + $($bound)+>() {}
            $(check::<$ty>();)*
        };
    };
}

// Value types: cheap to copy, ordered, hashable, thread-safe.
assert_impl!(
    VolunteerId, OrgId, TeamId, ActivityId, ShiftId, NeedId, AssignmentId, QualificationId,
    TrainingId, PairingId, DeploymentId, TemplateId, DivisionCode, Minutes, MinuteDelta, GeoPoint
    => Copy + Clone + Eq + Ord + core::hash::Hash + core::fmt::Debug + Send + Sync
);
assert_impl!(Tag, DatePeriod => Clone + Eq + Ord + core::hash::Hash + core::fmt::Debug + Send + Sync);
assert_impl!(TimeSpan, Division, DivisionTable => Clone + Eq + core::fmt::Debug + Send + Sync);

// Errors: std errors, comparable, thread-safe, so they cross `?` and threads.
assert_impl!(
    Error, ParseIdError, MinutesError, GeoError, DivisionCodeError, DivisionTableError, SpanError,
    TagError
    => std::error::Error + Clone + Eq + Send + Sync + 'static
);

// Domain matching: thread-safe values and inputs.
assert_impl!(
    matching::MatchInput, matching::MatchOutcome, matching::MatchPolicy,
    matching::VolunteerProfile, matching::ScoreBreakdown, matching::Placement,
    matching::WhyNot, matching::Shortage, matching::RepairOutcome, matching::PairingRequest,
    matching::PairingOutcome, matching::Recommendation
    => Clone + Eq + core::fmt::Debug + Send + Sync
);
assert_impl!(matching::MatchError => std::error::Error + Clone + Eq + Send + Sync + 'static);
// Transportation arcs: a value, a cheap view of a problem's arcs and its iterator.
assert_impl!(
    matching::TransportArc, matching::TransportArcs<'static>
    => Copy + Clone + Eq + core::fmt::Debug + Send + Sync
);
assert_impl!(
    matching::TransportArcsIter<'static>
    => Clone + core::fmt::Debug + Send + Sync + ExactSizeIterator + DoubleEndedIterator
);

// Event stores: movable to another thread (a writer thread owns its connection).
assert_impl!(MemoryEventStore<LedgerEvent> => EventStore<LedgerEvent> + core::fmt::Debug + Send + Sync);
#[cfg(feature = "sqlite")]
assert_impl!(SqliteEventStore => EventStore<LedgerEvent> + core::fmt::Debug + Send);
// CSV import: reports, options and errors are thread-safe values; errors are std errors.
#[cfg(feature = "csv")]
mod import_types {
    use super::*;
    use volunteer_service::import::*;
    assert_impl!(
        ImportOptions, RowPolicy, UnknownColumns, Decode, TextEncoding, Implausible
        => Copy + Eq + core::hash::Hash + core::fmt::Debug + Send + Sync
    );
    assert_impl!(
        ImportReport, Imported<Volunteer>, Imported<ServiceRecord>, VolunteerKey, VolunteerIndex,
        RosterImport<'static>
        => Clone + core::fmt::Debug + Send + Sync
    );
    // Borrows a `dyn VolunteerLookup`, which need not be `Sync`.
    assert_impl!(RecordImport<'static> => Clone + core::fmt::Debug);
    assert_impl!(
        ImportError, RowError, RowProblem => std::error::Error + Clone + Eq + Send + Sync + 'static
    );
}
// The PostgreSQL store moves into a worker thread and stores ledger events.
#[cfg(feature = "postgres")]
assert_impl!(PostgresEventStore => EventStore<LedgerEvent> + core::fmt::Debug + Send);

#[cfg(feature = "serde")]
mod wire {
    use super::*;
    use serde::{Serialize, de::DeserializeOwned};
    assert_impl!(
        VolunteerId, OrgId, TeamId, ShiftId, DivisionCode, DivisionLevel, Minutes, MinuteDelta,
        GeoPoint, Tag, TimeSpan, DatePeriod, Division
        => Serialize + DeserializeOwned
    );
    assert_impl!(
        matching::MatchInput, matching::MatchOutcome, matching::MatchPolicy,
        matching::VolunteerProfile, matching::ScoreWeights, matching::Optimality,
        matching::RepairOutcome, matching::PairingOutcome, matching::TeamOffer,
        matching::JurisdictionDemand
        => Serialize + DeserializeOwned
    );
}

#[test]
fn sizes_stay_small() {
    assert_eq!(size_of::<VolunteerId>(), 16);
    assert_eq!(size_of::<DivisionCode>(), 8);
    assert_eq!(size_of::<Minutes>(), 4);
    assert_eq!(size_of::<Option<Minutes>>(), 8);
    assert_eq!(size_of::<GeoPoint>(), 8);
}
