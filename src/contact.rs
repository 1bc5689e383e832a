//! Contact details (联系方式, VOL-01): a masked phone number and an e-mail address.

use core::fmt;
use core::str::FromStr;

use crate::PhoneNumber;

/// Returned when an e-mail address is malformed.
///
/// # Example
/// ```
/// use volunteer_service::Email;
/// let err = Email::new("volunteer.example.org").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "email \"volunteer.example.org\" is malformed: expected local@domain.tld, at most 254 characters, no spaces"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailError {
    /// Not `local@domain` with a dot in the domain, or too long, or with spaces.
    #[error(
        "email {value:?} is malformed: expected local@domain.tld, at most 254 characters, no spaces"
    )]
    Malformed {
        /// The rejected input (at most 80 characters of it).
        value: String,
    },
}

/// An e-mail address, checked for shape only: one `@`, a non-empty local part, a domain with
/// a dot and no empty labels, at most 254 characters, no whitespace or control characters.
/// The domain is lower-cased. Serialises as a plain string.
///
/// # Example
/// ```
/// use volunteer_service::Email;
/// let e = Email::new("Li.Si@Example.ORG")?;
/// assert_eq!(e.as_str(), "Li.Si@example.org");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct Email(Box<str>);

impl Email {
    /// Validates an address and lower-cases its domain.
    ///
    /// # Errors
    /// [`EmailError::Malformed`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Email, EmailError};
    /// assert_eq!(Email::new("Li.Si@Example.ORG")?.as_str(), "Li.Si@example.org");
    /// assert!(matches!(Email::new("li si@example.org"), Err(EmailError::Malformed { .. })));
    /// assert!(Email::new("lisi@localhost").is_err()); // no dot in the domain
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(value: &str) -> Result<Self, EmailError> {
        let bad = || EmailError::Malformed {
            value: value.chars().take(80).collect(),
        };
        if value.len() > 254 || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = value.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.split('.').any(str::is_empty)
        {
            return Err(bad());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase()).into()))
    }

    /// The address.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Email;
    /// let e: Email = "wangwu@Volunteer.CN".parse()?;
    /// assert_eq!(e.as_str(), "wangwu@volunteer.cn");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({:?})", &*self.0)
    }
}

impl FromStr for Email {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Self, EmailError> {
        Self::new(s)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, EmailError> {
        Self::new(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0.into()
    }
}

/// How to reach a volunteer. Both parts are optional; the phone number is masked in `Debug`.
///
/// Serde shape: `{"phone": "13812345678" | null, "email": "…" | null}` (the phone in full,
/// for storage).
///
/// # Example
/// ```
/// use volunteer_service::{Contact, PhoneNumber};
/// let c = Contact::new(Some(PhoneNumber::new("13812345678")?), None);
/// assert_eq!(format!("{c:?}"), "Contact { phone: Some(PhoneNumber(138****5678)), email: None }");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Contact {
    phone: Option<PhoneNumber>,
    email: Option<Email>,
}

impl Contact {
    /// Contact details from their parts.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Contact, Email, PhoneNumber};
    /// let c = Contact::new(Some(PhoneNumber::new("13812345678")?), Some(Email::new("zs@example.org")?));
    /// assert!(c.phone().is_some() && c.email().is_some());
    /// assert_eq!(Contact::new(None, None), Contact::default());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn new(phone: Option<PhoneNumber>, email: Option<Email>) -> Self {
        Self { phone, email }
    }

    /// The phone number, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Contact, PhoneNumber};
    /// let c = Contact::new(Some(PhoneNumber::new("13812345678")?), None);
    /// assert_eq!(c.phone().map(ToString::to_string).as_deref(), Some("138****5678"));
    /// assert_eq!(Contact::default().phone(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn phone(&self) -> Option<&PhoneNumber> {
        self.phone.as_ref()
    }

    /// The e-mail address, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Contact, Email};
    /// let c = Contact::new(None, Some(Email::new("zs@example.org")?));
    /// assert_eq!(c.email().map(Email::as_str), Some("zs@example.org"));
    /// assert_eq!(Contact::default().email(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn email(&self) -> Option<&Email> {
        self.email.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(Email::new("a@b.cn").is_ok());
        for bad in [
            "", "a@b", "@b.cn", "a@@b.cn", "a b@c.cn", "a@b..cn", "a@.cn",
        ] {
            assert!(Email::new(bad).is_err(), "{bad}");
        }
        assert!(Email::new(&format!("{}@b.cn", "a".repeat(250))).is_err());
    }
}
