//! Typed identifiers: one UUID v7 newtype per entity.

use core::fmt;
use core::str::FromStr;

use uuid::Uuid;

/// Returned when a string is not a valid identifier.
///
/// # Example
/// ```
/// use volunteer_service::VolunteerId;
/// let err = "not-a-uuid".parse::<VolunteerId>().unwrap_err();
/// assert_eq!(err.to_string(), "invalid VolunteerId \"not-a-uuid\": expected a hyphenated UUID");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {value:?}: expected a hyphenated UUID")]
pub struct ParseIdError {
    kind: &'static str,
    value: String,
}

impl ParseIdError {
    /// The name of the identifier type that failed to parse, such as `"VolunteerId"`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::TeamId;
    /// let err = "x".parse::<TeamId>().unwrap_err();
    /// assert_eq!(err.kind(), "TeamId");
    /// ```
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        ///
        /// Identifiers are UUID v7 values: ordered by creation time, `Copy`, and a plain
        /// hyphenated string on the wire. [`Display`](core::fmt::Display) and
        /// [`FromStr`](core::str::FromStr) round-trip.
        ///
        /// # Example
        /// ```
        #[doc = concat!("use volunteer_service::", stringify!($name), ";")]
        #[doc = concat!("let id = ", stringify!($name), "::from_parts(1_626_739_200_000, 7);")]
        #[doc = concat!("let back: ", stringify!($name), " = id.to_string().parse()?;")]
        /// assert_eq!(back, id);
        /// assert_eq!(id.as_uuid().get_version_num(), 7);
        /// # Ok::<(), volunteer_service::Error>(())
        /// ```
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
        pub struct $name(Uuid);

        impl $name {
            #[doc = concat!("Generates a new ", $what, " identifier from the system clock and random bits.")]
            ///
            /// This reads the clock and the operating system's randomness; use
            /// [`from_parts`](Self::from_parts) where a run must be reproducible.
            ///
            /// # Example
            /// ```
            #[doc = concat!("use volunteer_service::", stringify!($name), ";")]
            #[doc = concat!("let (a, b) = (", stringify!($name), "::generate(), ", stringify!($name), "::generate());")]
            /// assert_ne!(a, b);
            /// assert_eq!(a.as_uuid().get_version_num(), 7);
            /// ```
            #[must_use]
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            /// Builds a deterministic UUID v7 from a Unix timestamp in milliseconds and a
            /// counter that fills the random bits, for reproducible runs and tests.
            ///
            /// Two calls with the same arguments give the same identifier; identifiers with
            /// the same timestamp order by `counter`.
            ///
            /// # Example
            /// ```
            #[doc = concat!("use volunteer_service::", stringify!($name), ";")]
            #[doc = concat!("let id = ", stringify!($name), "::from_parts(1_626_739_200_000, 1);")]
            #[doc = concat!("assert_eq!(id, ", stringify!($name), "::from_parts(1_626_739_200_000, 1)); // deterministic")]
            #[doc = concat!("assert!(id < ", stringify!($name), "::from_parts(1_626_739_200_000, 2)); // then by counter")]
            #[doc = concat!("assert!(", stringify!($name), "::from_parts(1_626_739_200_000, 9) < ", stringify!($name), "::from_parts(1_626_739_200_001, 0));")]
            /// ```
            #[must_use]
            pub fn from_parts(unix_ms: u64, counter: u64) -> Self {
                let mut rand = [0_u8; 10];
                rand[2..].copy_from_slice(&counter.to_be_bytes());
                Self(uuid::Builder::from_unix_timestamp_millis(unix_ms, &rand).into_uuid())
            }

            /// Wraps an existing UUID.
            ///
            /// # Example
            /// ```
            #[doc = concat!("use volunteer_service::", stringify!($name), ";")]
            #[doc = concat!("let id = ", stringify!($name), "::from_parts(1_626_739_200_000, 1);")]
            /// let uuid: uuid::Uuid = *id.as_uuid();
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_uuid(uuid), id);")]
            /// ```
            #[must_use]
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// The wrapped UUID.
            ///
            /// # Example
            /// ```
            #[doc = concat!("use volunteer_service::", stringify!($name), ";")]
            #[doc = concat!("let id = ", stringify!($name), "::from_parts(1_626_739_200_000, 7);")]
            /// assert_eq!(id.as_uuid().to_string(), id.to_string());
            /// assert_eq!(id.as_uuid().get_version_num(), 7);
            /// ```
            #[must_use]
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::try_parse(s).map(Self).map_err(|_| ParseIdError {
                    kind: stringify!($name),
                    value: s.chars().take(64).collect(),
                })
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    };
}

typed_id!(
    /// Identifies a volunteer (志愿者).
    VolunteerId, "volunteer"
);
typed_id!(
    /// Identifies an organisation (组织): an authority, a volunteer organisation, a practice
    /// unit or any other organiser.
    OrgId, "organisation"
);
typed_id!(
    /// Identifies a team (志愿服务队).
    TeamId, "team"
);
typed_id!(
    /// Identifies an activity (志愿服务活动).
    ActivityId, "activity"
);
typed_id!(
    /// Identifies a shift of an activity.
    ShiftId, "shift"
);
typed_id!(
    /// Identifies a service need (服务需求).
    NeedId, "need"
);
typed_id!(
    /// Identifies an assignment of a volunteer to a shift.
    AssignmentId, "assignment"
);
typed_id!(
    /// Identifies a qualification kind in a qualification graph.
    QualificationId, "qualification"
);
typed_id!(
    /// Identifies a training course.
    TrainingId, "training"
);
typed_id!(
    /// Identifies a pairing (结对) of a team with a jurisdiction.
    PairingId, "pairing"
);
typed_id!(
    /// Identifies a deployment (下沉) of a team or of members to a community.
    DeploymentId, "deployment"
);
typed_id!(
    /// Identifies a shift template from which recurring shifts are generated.
    TemplateId, "shift template"
);
typed_id!(
    /// Identifies a staff member of an organisation (工作人员) who is not (necessarily) a
    /// registered volunteer: a recorder, a leader or a confirming officer (REC-07).
    StaffId, "staff member"
);
typed_id!(
    /// Identifies a service record (志愿服务记录).
    RecordId, "service record"
);
typed_id!(
    /// Identifies a correction request raised by a volunteer (AUD-01).
    CorrectionId, "correction request"
);
typed_id!(
    /// An idempotency key carried by every ledger append: a retry with the same key and the
    /// same content returns the original entries instead of appending again.
    IdempotencyKey, "idempotency key"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_from_str_round_trip() {
        let id = VolunteerId::from_parts(1_626_739_200_000, 42);
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(text.parse::<VolunteerId>(), Ok(id));
    }

    #[test]
    fn from_parts_is_deterministic_and_ordered() {
        let a = OrgId::from_parts(1_000, 1);
        let b = OrgId::from_parts(1_000, 2);
        let c = OrgId::from_parts(1_001, 0);
        assert_eq!(a, OrgId::from_parts(1_000, 1));
        assert!(a < b && b < c);
        assert_eq!(a.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn debug_names_the_type() {
        let id = TeamId::from_uuid(Uuid::nil());
        assert_eq!(
            format!("{id:?}"),
            "TeamId(00000000-0000-0000-0000-000000000000)"
        );
    }

    #[test]
    fn parse_error_names_kind_and_value() {
        let err = "abc".parse::<ShiftId>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid ShiftId \"abc\": expected a hyphenated UUID"
        );
    }

    #[test]
    fn generated_ids_are_v7() {
        assert_eq!(NeedId::generate().as_uuid().get_version_num(), 7);
    }
}
