//! Platform volunteer numbers (志愿者编号), which are never ID numbers (VOL-06).

use core::fmt;
use core::str::FromStr;

use super::mask;

/// Returned when a volunteer number is malformed or looks like an ID number.
///
/// # Example
/// ```
/// use volunteer_service::VolunteerNo;
/// let err = VolunteerNo::new("11010519491231002X").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "volunteer number 1****************X looks like a resident id number: \
///      a volunteer number must not be an id number (VOL-06)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VolunteerNoError {
    /// Empty or longer than 32 characters.
    #[error("volunteer number {masked} has {len} characters: expected 1..=32")]
    Length {
        /// The rejected input, masked.
        masked: String,
        /// Its length in characters.
        len: usize,
    },
    /// A character other than `A-Z`, `0-9` or `-`.
    #[error("volunteer number {masked} contains {found:?}: expected A-Z, 0-9 or '-'")]
    Character {
        /// The rejected input, masked.
        masked: String,
        /// The first offending character.
        found: char,
    },
    /// 18 characters of digits with a final digit or `X`, or 15 digits: an ID number.
    #[error(
        "volunteer number {masked} looks like a resident id number: \
         a volunteer number must not be an id number (VOL-06)"
    )]
    LooksLikeResidentId {
        /// The rejected input, masked.
        masked: String,
    },
}

/// A platform volunteer number (志愿者编号 / 统一编号, VOL-06): 1–32 characters of `A-Z`, `0-9`
/// and `-` (lower-case letters are upper-cased).
///
/// It is deliberately **not** the ID number: any value that is or looks like a resident ID
/// number (18 characters of digits ending in a digit or `X`, or 15 digits) is rejected.
/// The national format was not found, so no other structure is imposed. Not sensitive:
/// displayed in full. Serialises as a plain string.
///
/// # Example
/// ```
/// use volunteer_service::VolunteerNo;
/// let no = VolunteerNo::new("js-2021-000123")?;
/// assert_eq!(no.as_str(), "JS-2021-000123");
/// assert!(VolunteerNo::new("440524188001010014").is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct VolunteerNo(Box<str>);

fn looks_like_resident_id(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        18 => {
            b[..17].iter().all(u8::is_ascii_digit)
                && b.get(17).is_some_and(|c| c.is_ascii_digit() || *c == b'X')
        }
        15 => b.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

impl VolunteerNo {
    /// Validates and upper-cases a volunteer number.
    ///
    /// # Errors
    /// [`VolunteerNoError::Length`], [`VolunteerNoError::Character`] or
    /// [`VolunteerNoError::LooksLikeResidentId`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{VolunteerNo, VolunteerNoError};
    /// assert_eq!(VolunteerNo::new("js-2021-000123")?.as_str(), "JS-2021-000123");
    /// assert!(matches!(VolunteerNo::new("JS 2021"), Err(VolunteerNoError::Character { found: ' ', .. })));
    /// // Never an ID number (VOL-06).
    /// assert!(matches!(VolunteerNo::new("11010519491231002X"), Err(VolunteerNoError::LooksLikeResidentId { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(value: &str) -> Result<Self, VolunteerNoError> {
        let len = value.chars().count();
        if !(1..=32).contains(&len) {
            return Err(VolunteerNoError::Length {
                masked: mask::echo(value),
                len,
            });
        }
        if let Some(found) = value
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(VolunteerNoError::Character {
                masked: mask::echo(value),
                found,
            });
        }
        let upper = value.to_ascii_uppercase();
        if looks_like_resident_id(&upper) {
            return Err(VolunteerNoError::LooksLikeResidentId {
                masked: mask::echo(&upper),
            });
        }
        Ok(Self(upper.into()))
    }

    /// The number text.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::VolunteerNo;
    /// assert_eq!(VolunteerNo::new("NJ-000042")?.as_str(), "NJ-000042");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VolunteerNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for VolunteerNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VolunteerNo({})", &self.0)
    }
}

impl FromStr for VolunteerNo {
    type Err = VolunteerNoError;
    fn from_str(s: &str) -> Result<Self, VolunteerNoError> {
        Self::new(s)
    }
}

impl TryFrom<String> for VolunteerNo {
    type Error = VolunteerNoError;
    fn try_from(s: String) -> Result<Self, VolunteerNoError> {
        Self::new(&s)
    }
}

impl From<VolunteerNo> for String {
    fn from(n: VolunteerNo) -> Self {
        n.0.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_platform_numbers() {
        assert_eq!(VolunteerNo::new("a1").unwrap().as_str(), "A1");
        assert!(VolunteerNo::new(&"9".repeat(32)).is_ok());
        assert!(VolunteerNo::new(&"9".repeat(16)).is_ok());
    }

    #[test]
    fn rejects_id_numbers_and_look_alikes() {
        for s in [
            "11010519491231002X",
            "11010519491231002x",
            "110105194912310021", // bad checksum, still looks like one
            "110105491231002",
        ] {
            let err = VolunteerNo::new(s).unwrap_err();
            assert!(
                matches!(err, VolunteerNoError::LooksLikeResidentId { .. }),
                "{s}"
            );
            assert!(!err.to_string().contains(&s[1..14]));
        }
    }

    #[test]
    fn error_messages_are_pinned() {
        insta::assert_snapshot!(
            VolunteerNo::new("").unwrap_err(),
            @"volunteer number * has 0 characters: expected 1..=32"
        );
        insta::assert_snapshot!(
            VolunteerNo::new("JS_1").unwrap_err(),
            @"volunteer number J**1 contains '_': expected A-Z, 0-9 or '-'"
        );
    }

    #[test]
    fn rejects_bad_length_and_characters() {
        assert!(matches!(
            VolunteerNo::new(""),
            Err(VolunteerNoError::Length { len: 0, .. })
        ));
        assert!(matches!(
            VolunteerNo::new(&"A".repeat(33)),
            Err(VolunteerNoError::Length { len: 33, .. })
        ));
        assert!(matches!(
            VolunteerNo::new("JS_1"),
            Err(VolunteerNoError::Character { found: '_', .. })
        ));
    }
}
