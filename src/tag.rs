//! Free-form, validated labels: volunteer groups (党员, 青年, 巾帼, 专业 …) and requirement tags.

use core::fmt;
use core::str::FromStr;

/// Returned when a tag is empty, too long or has characters outside the allowed set.
///
/// # Example
/// ```
/// use volunteer_service::Tag;
/// let err = Tag::new("party member").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "tag \"party member\" contains ' ': expected letters, digits, '-' or '_'"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TagError {
    /// The tag is empty or longer than 64 characters.
    #[error("tag {value:?} has {len} characters: expected 1..=64")]
    Length {
        /// The rejected tag (at most 80 characters of it).
        value: String,
        /// Its length in characters.
        len: usize,
    },
    /// The tag has a character other than a letter, digit, `-` or `_`.
    #[error("tag {value:?} contains {found:?}: expected letters, digits, '-' or '_'")]
    Character {
        /// The rejected tag.
        value: String,
        /// The first offending character.
        found: char,
    },
}

/// A label on a volunteer, team or requirement: data, not a closed enum, so each platform
/// keeps its own vocabulary (`party-member`, `youth-league`, `women`, `professional`, `党员` …).
///
/// Tags are case-sensitive, 1–64 characters of letters (any script), digits, `-` and `_`.
///
/// # Example
/// ```
/// use volunteer_service::Tag;
/// let party = Tag::new("party-member")?;
/// assert_eq!(party.as_str(), "party-member");
/// assert_eq!("党员".parse::<Tag>()?.to_string(), "党员");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct Tag(Box<str>);

impl Tag {
    /// Validates and wraps a tag.
    ///
    /// # Errors
    /// [`TagError::Length`] or [`TagError::Character`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Tag, TagError};
    /// assert_eq!(Tag::new("youth-league")?.as_str(), "youth-league");
    /// assert!(matches!(Tag::new(""), Err(TagError::Length { len: 0, .. })));
    /// assert!(matches!(Tag::new("a/b"), Err(TagError::Character { found: '/', .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(value: &str) -> Result<Self, TagError> {
        let len = value.chars().count();
        if !(1..=64).contains(&len) {
            return Err(TagError::Length {
                value: value.chars().take(80).collect(),
                len,
            });
        }
        if let Some(found) = value
            .chars()
            .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(TagError::Character {
                value: value.to_owned(),
                found,
            });
        }
        Ok(Self(value.into()))
    }

    /// The tag text.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Tag;
    /// assert_eq!(Tag::new("巾帼")?.as_str(), "巾帼");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({:?})", &*self.0)
    }
}

impl FromStr for Tag {
    type Err = TagError;
    fn from_str(s: &str) -> Result<Self, TagError> {
        Self::new(s)
    }
}

impl TryFrom<String> for Tag {
    type Error = TagError;
    fn try_from(s: String) -> Result<Self, TagError> {
        Self::new(&s)
    }
}

impl From<Tag> for String {
    fn from(t: Tag) -> Self {
        t.0.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_length_and_characters() {
        assert!(matches!(Tag::new(""), Err(TagError::Length { len: 0, .. })));
        assert!(Tag::new(&"a".repeat(65)).is_err());
        assert!(Tag::new(&"a".repeat(64)).is_ok());
        assert!(matches!(
            Tag::new("a/b"),
            Err(TagError::Character { found: '/', .. })
        ));
        assert!(Tag::new("巾帼").is_ok());
    }
}
