//! Phone numbers: mainland mobile numbers and international E.164 numbers.

use core::fmt;
use core::str::FromStr;

use super::mask;

/// Returned when a phone number is malformed. Messages show the input masked, never in full.
///
/// # Example
/// ```
/// use volunteer_service::PhoneNumber;
/// let err = PhoneNumber::new("12812345678").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "phone number 128****5678 is not a mainland mobile number: expected 11 digits 1[3-9]xxxxxxxxx"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneNumberError {
    /// Not a mainland mobile number `1[3-9]` + 9 digits (optionally after `+86`).
    #[error(
        "phone number {masked} is not a mainland mobile number: expected 11 digits 1[3-9]xxxxxxxxx"
    )]
    NotMobile {
        /// The rejected input, masked.
        masked: String,
    },
    /// Starts with `+` but is not E.164: `+`, a non-zero digit, 8–15 digits in all.
    #[error("phone number {masked} is not an E.164 number: expected '+' and 8-15 digits")]
    NotE164 {
        /// The rejected input, masked.
        masked: String,
    },
}

/// A phone number: a mainland mobile number (`1[3-9]` + 9 digits, an optional `+86` prefix
/// is dropped) or an international E.164 number (`+` and 8–15 digits, not starting with 0).
///
/// **Privacy.** `Display`, `Debug` and errors show `138****5678`; the full number only comes
/// from [`expose`](Self::expose). Serialises as the full normalised string (`13812345678` or
/// `+4915112345678`) for storage, and validates on deserialisation.
///
/// # Example
/// ```
/// use volunteer_service::PhoneNumber;
/// let p = PhoneNumber::new("+8613812345678")?;
/// assert_eq!(p.to_string(), "138****5678");
/// assert_eq!(p.expose(), "13812345678");
/// assert_eq!(PhoneNumber::new("+4915112345678")?.to_string(), "+49*******5678");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct PhoneNumber(Box<str>);

fn mask_phone(value: &str) -> String {
    let (plus, digits) = match value.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", value),
    };
    let digits: String = digits.chars().take(40).collect();
    let n = digits.chars().count();
    let masked = if n >= 10 {
        mask::keep(&digits, if plus.is_empty() { 3 } else { 2 }, 4)
    } else {
        mask::keep(&digits, 1, 2)
    };
    format!("{plus}{masked}")
}

fn is_mainland_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b.first() == Some(&b'1')
        && b.get(1).is_some_and(|c| (b'3'..=b'9').contains(c))
}

impl PhoneNumber {
    /// Validates and normalises a phone number.
    ///
    /// # Errors
    /// [`PhoneNumberError::NotMobile`] or [`PhoneNumberError::NotE164`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{PhoneNumber, PhoneNumberError};
    /// assert_eq!(PhoneNumber::new("+8613812345678")?, PhoneNumber::new("13812345678")?); // +86 dropped
    /// assert!(matches!(PhoneNumber::new("02552100000"), Err(PhoneNumberError::NotMobile { .. })));
    /// assert!(matches!(PhoneNumber::new("+0123"), Err(PhoneNumberError::NotE164 { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(value: &str) -> Result<Self, PhoneNumberError> {
        if let Some(mainland) = value.strip_prefix("+86") {
            return if is_mainland_mobile(mainland) {
                Ok(Self(mainland.into()))
            } else {
                Err(PhoneNumberError::NotMobile {
                    masked: mask_phone(value),
                })
            };
        }
        if let Some(intl) = value.strip_prefix('+') {
            let ok = (8..=15).contains(&intl.len())
                && intl.bytes().all(|c| c.is_ascii_digit())
                && !intl.starts_with('0');
            return if ok {
                Ok(Self(value.into()))
            } else {
                Err(PhoneNumberError::NotE164 {
                    masked: mask_phone(value),
                })
            };
        }
        if is_mainland_mobile(value) {
            Ok(Self(value.into()))
        } else {
            Err(PhoneNumberError::NotMobile {
                masked: mask_phone(value),
            })
        }
    }

    /// **The full, unmasked number.** Personal information: for contacting the person and
    /// for storage only, never for display or logs.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::PhoneNumber;
    /// let p = PhoneNumber::new("+8613812345678")?;
    /// assert_eq!(p.expose(), "13812345678"); // explicit access to the full number
    /// assert_eq!(p.to_string(), "138****5678");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether this is a mainland mobile number (as opposed to an international one).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::PhoneNumber;
    /// assert!(PhoneNumber::new("13812345678")?.is_mainland());
    /// assert!(!PhoneNumber::new("+4915112345678")?.is_mainland());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_mainland(&self) -> bool {
        !self.0.starts_with('+')
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_phone(&self.0))
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", mask_phone(&self.0))
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneNumberError;
    fn from_str(s: &str) -> Result<Self, PhoneNumberError> {
        Self::new(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;
    fn try_from(s: String) -> Result<Self, PhoneNumberError> {
        Self::new(&s)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> Self {
        p.0.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_mainland_and_international_numbers() {
        assert_eq!(
            PhoneNumber::new("13812345678").unwrap().expose(),
            "13812345678"
        );
        assert_eq!(
            PhoneNumber::new("+8619912345678").unwrap().expose(),
            "19912345678"
        );
        assert!(
            PhoneNumber::new("+85291234567")
                .unwrap()
                .expose()
                .starts_with("+852")
        );
        assert!(!PhoneNumber::new("+85291234567").unwrap().is_mainland());
    }

    #[test]
    fn rejects_malformed_numbers() {
        for bad in [
            "12812345678",
            "1381234567",
            "138123456789",
            "+86 13812345678",
            "0251234567",
            "+8602583791234",
        ] {
            assert!(
                matches!(
                    PhoneNumber::new(bad),
                    Err(PhoneNumberError::NotMobile { .. })
                ),
                "{bad}"
            );
        }
        for bad in [
            "+1234567",
            "+1234567890123456",
            "+0123456789",
            "+1-555-0100",
        ] {
            assert!(
                matches!(PhoneNumber::new(bad), Err(PhoneNumberError::NotE164 { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn error_messages_are_pinned() {
        insta::assert_snapshot!(
            PhoneNumber::new("+0123456789").unwrap_err(),
            @"phone number +01****6789 is not an E.164 number: expected '+' and 8-15 digits"
        );
    }

    #[test]
    fn masks_everywhere() {
        let p = PhoneNumber::new("13812345678").unwrap();
        assert_eq!(p.to_string(), "138****5678");
        assert_eq!(format!("{p:?}"), "PhoneNumber(138****5678)");
        let err = PhoneNumber::new("12812345678").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("12812345678"));
    }

    proptest! {
        #[test]
        fn mainland_masks_hide_the_middle(rest in "[3-9][0-9]{9}") {
            let full = format!("1{rest}");
            let p = PhoneNumber::new(&full).unwrap();
            let shown = format!("{p} {p:?}");
            prop_assert!(!shown.contains(&full));
            prop_assert_eq!(&p.to_string()[3..7], "****");
            prop_assert_eq!(PhoneNumber::new(p.expose()).unwrap(), p);
        }
    }
}
