//! Whole-minute quantities with checked arithmetic. No floating point anywhere.

use core::fmt;

use chrono::TimeDelta;

/// Returned when a minute quantity would leave its range.
///
/// # Example
/// ```
/// use volunteer_service::Minutes;
/// let err = Minutes::from_hm(1, 60).unwrap_err();
/// assert_eq!(err.to_string(), "minutes part 60 is out of range: expected 0..=59");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MinutesError {
    /// The minutes part of an `h:mm` value was 60 or more.
    #[error("minutes part {minutes} is out of range: expected 0..=59")]
    MinutesPart {
        /// The rejected minutes part.
        minutes: u32,
    },
    /// The result does not fit in the quantity's range.
    #[error("{operation} of {left} and {right} minutes overflows")]
    Overflow {
        /// `"addition"`, `"subtraction"` or `"conversion"`.
        operation: &'static str,
        /// The left operand, in minutes.
        left: i64,
        /// The right operand, in minutes.
        right: i64,
    },
    /// A time span was negative or not a whole number of minutes.
    #[error("time span of {seconds} s is not a non-negative whole number of minutes")]
    NotWholeMinutes {
        /// The span in seconds.
        seconds: i64,
    },
}

/// A non-negative duration in whole minutes (服务时长 is kept in minutes; hours are derived).
///
/// Displays as `h:mm`.
///
/// # Example
/// ```
/// use volunteer_service::Minutes;
/// let shift = Minutes::from_hm(7, 30)?;
/// let more = shift.checked_add(Minutes::new(45))?;
/// assert_eq!(more.to_string(), "8:15");
/// assert_eq!(more.get(), 495);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct Minutes(u32);

impl Minutes {
    /// Zero minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// assert_eq!(Minutes::ZERO.get(), 0);
    /// assert_eq!(Minutes::ZERO.to_string(), "0:00");
    /// assert_eq!(Minutes::default(), Minutes::ZERO);
    /// ```
    pub const ZERO: Self = Self(0);

    /// Wraps a number of minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// assert_eq!(Minutes::new(150).to_string(), "2:30");
    /// assert_eq!(Minutes::new(0), Minutes::ZERO);
    /// ```
    #[must_use]
    pub const fn new(minutes: u32) -> Self {
        Self(minutes)
    }

    /// Builds a duration from hours and a minutes part in `0..=59`.
    ///
    /// # Errors
    /// [`MinutesError::MinutesPart`] if `minutes >= 60`; [`MinutesError::Overflow`] if the total
    /// does not fit in a `u32`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, MinutesError};
    /// assert_eq!(Minutes::from_hm(3, 30)?, Minutes::new(210));
    /// assert_eq!(Minutes::from_hm(3, 60), Err(MinutesError::MinutesPart { minutes: 60 }));
    /// assert!(Minutes::from_hm(u32::MAX, 0).is_err()); // overflow
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn from_hm(hours: u32, minutes: u32) -> Result<Self, MinutesError> {
        if minutes >= 60 {
            return Err(MinutesError::MinutesPart { minutes });
        }
        hours
            .checked_mul(60)
            .and_then(|m| m.checked_add(minutes))
            .map(Self)
            .ok_or(MinutesError::Overflow {
                operation: "conversion",
                left: i64::from(hours),
                right: 60,
            })
    }

    /// Converts a chrono span that is a non-negative whole number of minutes.
    ///
    /// # Errors
    /// [`MinutesError::NotWholeMinutes`] for a negative span or one with leftover seconds;
    /// [`MinutesError::Overflow`] if it does not fit.
    ///
    /// # Example
    /// ```
    /// use chrono::TimeDelta;
    /// use volunteer_service::Minutes;
    /// assert_eq!(Minutes::try_from_delta(TimeDelta::hours(2))?, Minutes::new(120));
    /// assert!(Minutes::try_from_delta(TimeDelta::seconds(90)).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn try_from_delta(delta: TimeDelta) -> Result<Self, MinutesError> {
        let seconds = delta.num_seconds();
        if seconds < 0 || seconds % 60 != 0 || delta.subsec_nanos() != 0 {
            return Err(MinutesError::NotWholeMinutes { seconds });
        }
        u32::try_from(seconds / 60)
            .map(Self)
            .map_err(|_| MinutesError::Overflow {
                operation: "conversion",
                left: seconds / 60,
                right: 0,
            })
    }

    /// The number of minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// assert_eq!(Minutes::from_hm(1, 15)?.get(), 75);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// Whole hours and the remaining minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// assert_eq!(Minutes::new(125).hm(), (2, 5));
    /// ```
    #[must_use]
    pub const fn hm(self) -> (u32, u32) {
        (self.0 / 60, self.0 % 60)
    }

    /// The duration as a chrono span.
    ///
    /// # Example
    /// ```
    /// use chrono::TimeDelta;
    /// use volunteer_service::Minutes;
    /// assert_eq!(Minutes::new(90).to_delta(), TimeDelta::minutes(90));
    /// assert_eq!(Minutes::try_from_delta(Minutes::new(90).to_delta())?, Minutes::new(90));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn to_delta(self) -> TimeDelta {
        TimeDelta::minutes(i64::from(self.0))
    }

    /// Adds, or fails on overflow.
    ///
    /// # Errors
    /// [`MinutesError::Overflow`] if the sum exceeds `u32::MAX` minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// assert_eq!(Minutes::new(90).checked_add(Minutes::new(30))?, Minutes::new(120));
    /// assert!(Minutes::new(u32::MAX).checked_add(Minutes::new(1)).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn checked_add(self, other: Self) -> Result<Self, MinutesError> {
        self.0
            .checked_add(other.0)
            .map(Self)
            .ok_or(MinutesError::Overflow {
                operation: "addition",
                left: i64::from(self.0),
                right: i64::from(other.0),
            })
    }

    /// Subtracts, or fails if the result would be negative.
    ///
    /// # Errors
    /// [`MinutesError::Overflow`] if `other > self`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// assert_eq!(Minutes::new(90).checked_sub(Minutes::new(30))?, Minutes::new(60));
    /// assert!(Minutes::new(30).checked_sub(Minutes::new(90)).is_err()); // never negative
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn checked_sub(self, other: Self) -> Result<Self, MinutesError> {
        self.0
            .checked_sub(other.0)
            .map(Self)
            .ok_or(MinutesError::Overflow {
                operation: "subtraction",
                left: i64::from(self.0),
                right: i64::from(other.0),
            })
    }

    /// Subtracts, stopping at zero.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// assert_eq!(Minutes::new(90).saturating_sub(Minutes::new(30)), Minutes::new(60));
    /// assert_eq!(Minutes::new(30).saturating_sub(Minutes::new(90)), Minutes::ZERO);
    /// ```
    #[must_use]
    pub const fn saturating_sub(self, other: Self) -> Self {
        Self(self.0.saturating_sub(other.0))
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m) = self.hm();
        write!(f, "{h}:{m:02}")
    }
}

/// A signed amount of minutes, as carried by ledger entries: credits are positive, reversals
/// negative.
///
/// # Example
/// ```
/// use volunteer_service::{MinuteDelta, Minutes};
/// let credit = MinuteDelta::credit(Minutes::new(90));
/// let reversal = credit.checked_neg()?;
/// assert_eq!(credit.checked_add(reversal)?, MinuteDelta::ZERO);
/// assert_eq!(reversal.to_string(), "-1:30");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct MinuteDelta(i64);

impl MinuteDelta {
    /// Zero.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{MinuteDelta, Minutes};
    /// assert_eq!(MinuteDelta::ZERO.get(), 0);
    /// assert_eq!(MinuteDelta::credit(Minutes::ZERO), MinuteDelta::ZERO);
    /// ```
    pub const ZERO: Self = Self(0);

    /// Wraps a signed number of minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// assert_eq!(MinuteDelta::new(-90).to_string(), "-1:30");
    /// assert_eq!(MinuteDelta::new(0), MinuteDelta::ZERO);
    /// ```
    #[must_use]
    pub const fn new(minutes: i64) -> Self {
        Self(minutes)
    }

    /// A positive amount equal to `minutes`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{MinuteDelta, Minutes};
    /// assert_eq!(MinuteDelta::credit(Minutes::new(240)), MinuteDelta::new(240));
    /// ```
    #[must_use]
    pub fn credit(minutes: Minutes) -> Self {
        Self(i64::from(minutes.get()))
    }

    /// The signed number of minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// assert_eq!(MinuteDelta::new(-45).get(), -45);
    /// ```
    #[must_use]
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Adds, or fails on overflow.
    ///
    /// # Errors
    /// [`MinutesError::Overflow`] if the sum leaves the `i64` range.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// assert_eq!(MinuteDelta::new(240).checked_add(MinuteDelta::new(-60))?, MinuteDelta::new(180));
    /// assert!(MinuteDelta::new(i64::MAX).checked_add(MinuteDelta::new(1)).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn checked_add(self, other: Self) -> Result<Self, MinutesError> {
        self.0
            .checked_add(other.0)
            .map(Self)
            .ok_or(MinutesError::Overflow {
                operation: "addition",
                left: self.0,
                right: other.0,
            })
    }

    /// Negates, or fails for `i64::MIN`.
    ///
    /// # Errors
    /// [`MinutesError::Overflow`] for the one value without a negation.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// assert_eq!(MinuteDelta::new(240).checked_neg()?, MinuteDelta::new(-240));
    /// assert!(MinuteDelta::new(i64::MIN).checked_neg().is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn checked_neg(self) -> Result<Self, MinutesError> {
        self.0
            .checked_neg()
            .map(Self)
            .ok_or(MinutesError::Overflow {
                operation: "subtraction",
                left: 0,
                right: self.0,
            })
    }
}

impl fmt::Display for MinuteDelta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}:{:02}", abs / 60, abs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn from_hm_rejects_sixty_minutes() {
        assert_eq!(
            Minutes::from_hm(2, 60),
            Err(MinutesError::MinutesPart { minutes: 60 })
        );
        assert_eq!(Minutes::from_hm(2, 59), Ok(Minutes::new(179)));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert!(Minutes::new(u32::MAX).checked_add(Minutes::new(1)).is_err());
        assert!(Minutes::new(1).checked_sub(Minutes::new(2)).is_err());
        assert!(MinuteDelta::new(i64::MIN).checked_neg().is_err());
        assert!(Minutes::from_hm(u32::MAX / 60 + 1, 0).is_err());
    }

    #[test]
    fn display_is_h_mm() {
        assert_eq!(Minutes::new(5).to_string(), "0:05");
        assert_eq!(Minutes::new(1500 * 60).to_string(), "1500:00");
        assert_eq!(MinuteDelta::new(-61).to_string(), "-1:01");
    }

    #[test]
    fn delta_conversion_requires_whole_minutes() {
        assert_eq!(
            Minutes::try_from_delta(TimeDelta::seconds(-60)),
            Err(MinutesError::NotWholeMinutes { seconds: -60 })
        );
        assert_eq!(
            Minutes::try_from_delta(TimeDelta::minutes(3)),
            Ok(Minutes::new(3))
        );
    }

    proptest! {
        #[test]
        fn hm_round_trips(m in any::<u32>()) {
            let (h, mm) = Minutes::new(m).hm();
            prop_assert_eq!(Minutes::from_hm(h, mm), Ok(Minutes::new(m)));
        }

        #[test]
        fn delta_negation_nets_to_zero(m in -1_000_000_i64..1_000_000) {
            let d = MinuteDelta::new(m);
            prop_assert_eq!(d.checked_add(d.checked_neg().unwrap()).unwrap(), MinuteDelta::ZERO);
        }
    }
}
