//! Personal basics of a volunteer: name and sex (VOL-04).

use core::fmt;
use core::str::FromStr;

/// Returned when a person's name is empty, too long or contains control characters.
///
/// # Example
/// ```
/// use volunteer_service::PersonName;
/// let err = PersonName::new("   ").unwrap_err();
/// assert_eq!(err.to_string(), "name \"\" has 0 characters: expected 1..=64 after trimming");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PersonNameError {
    /// Empty after trimming, or longer than 64 characters.
    #[error("name {value:?} has {len} characters: expected 1..=64 after trimming")]
    Length {
        /// The trimmed input (at most 80 characters of it).
        value: String,
        /// Its length in characters.
        len: usize,
    },
    /// Contains a control character (such as a newline).
    #[error("name {value:?} contains control character {found:?}: not allowed in a name")]
    Control {
        /// The trimmed input (at most 80 characters of it).
        value: String,
        /// The offending character.
        found: char,
    },
}

/// A person's name as registered (姓名): 1–64 characters after trimming surrounding
/// whitespace, without control characters. Any script; no further rules, since names vary.
///
/// Serialises as a plain string and validates on deserialisation.
///
/// # Example
/// ```
/// use volunteer_service::PersonName;
/// let name = PersonName::new("  张三 ")?;
/// assert_eq!(name.as_str(), "张三");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct PersonName(Box<str>);

impl PersonName {
    /// Trims and validates a name.
    ///
    /// # Errors
    /// [`PersonNameError::Length`] or [`PersonNameError::Control`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{PersonName, PersonNameError};
    /// assert_eq!(PersonName::new(" 李四 ")?.as_str(), "李四");
    /// assert!(matches!(PersonName::new(""), Err(PersonNameError::Length { len: 0, .. })));
    /// assert!(matches!(PersonName::new("李\t四"), Err(PersonNameError::Control { found: '\t', .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(value: &str) -> Result<Self, PersonNameError> {
        let trimmed = value.trim();
        let len = trimmed.chars().count();
        if !(1..=64).contains(&len) {
            return Err(PersonNameError::Length {
                value: trimmed.chars().take(80).collect(),
                len,
            });
        }
        if let Some(found) = trimmed.chars().find(|c| c.is_control()) {
            return Err(PersonNameError::Control {
                value: trimmed.chars().take(80).collect(),
                found,
            });
        }
        Ok(Self(trimmed.into()))
    }

    /// The name text.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::PersonName;
    /// assert_eq!(PersonName::new("Zhang San")?.as_str(), "Zhang San");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonName({:?})", &*self.0)
    }
}

impl FromStr for PersonName {
    type Err = PersonNameError;
    fn from_str(s: &str) -> Result<Self, PersonNameError> {
        Self::new(s)
    }
}

impl TryFrom<String> for PersonName {
    type Error = PersonNameError;
    fn try_from(s: String) -> Result<Self, PersonNameError> {
        Self::new(&s)
    }
}

impl From<PersonName> for String {
    fn from(n: PersonName) -> Self {
        n.0.into()
    }
}

/// Sex as declared at registration (性别, VOL-04). A resident ID number encodes one
/// ([`ResidentId::sex`](crate::ResidentId::sex)); the two must agree (ID-06).
///
/// Serialises as `"male"` or `"female"`.
///
/// # Example
/// ```
/// use volunteer_service::{ResidentId, Sex};
/// let id: ResidentId = "360426199101010071".parse()?;
/// assert_eq!(id.sex(), Sex::Male);
/// assert_eq!(Sex::Female.to_string(), "female");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Sex {
    /// 男.
    Male,
    /// 女.
    Female,
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Male => "male",
            Self::Female => "female",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_are_pinned() {
        insta::assert_snapshot!(
            PersonName::new("张\n三").unwrap_err(),
            @r#"name "张\n三" contains control character '\n': not allowed in a name"#
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::new(" 李四\t").unwrap().as_str(), "李四");
        assert!(matches!(
            PersonName::new(""),
            Err(PersonNameError::Length { len: 0, .. })
        ));
        assert!(PersonName::new(&"名".repeat(64)).is_ok());
        assert!(matches!(
            PersonName::new(&"名".repeat(65)),
            Err(PersonNameError::Length { len: 65, .. })
        ));
        assert!(matches!(
            PersonName::new("张\n三"),
            Err(PersonNameError::Control { found: '\n', .. })
        ));
    }
}
