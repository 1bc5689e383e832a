//! Identity documents: the resident ID card and the documents of non-residents (ID-05).

use core::fmt;
use core::str::FromStr;

use super::mask::{self, MaskLevel};
use super::resident_id::{ResidentId, ResidentIdError};

/// Returned when a document number or an identity document is malformed. Messages show the
/// rejected value masked, never in full (PRIV-03).
///
/// # Example
/// ```
/// use volunteer_service::DocumentNumber;
/// let err = DocumentNumber::new("E12").unwrap_err();
/// assert_eq!(err.to_string(), "document number E*2 has 3 characters: expected 5..=32");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdDocumentError {
    /// The number is shorter than 5 or longer than 32 characters.
    #[error("document number {masked} has {len} characters: expected 5..=32")]
    Length {
        /// The rejected input, masked.
        masked: String,
        /// Its length in characters.
        len: usize,
    },
    /// The number has a character other than an ASCII letter or digit.
    #[error("document number {masked} contains {found:?}: expected letters A-Z and digits 0-9")]
    Character {
        /// The rejected input, masked.
        masked: String,
        /// The first offending character.
        found: char,
    },
    /// A resident ID number failed validation.
    #[error(transparent)]
    ResidentId(#[from] ResidentIdError),
}

/// The number of a non-resident identity document: 5–32 characters of `A-Z` and `0-9`,
/// upper-cased on input. Formats per kind were not researched (ID-05), so only this
/// structural check applies.
///
/// Masked like [`ResidentId`] in `Display` and `Debug` (first and last character);
/// [`expose`](Self::expose) gives the full value. Serialises as the full string.
///
/// # Example
/// ```
/// use volunteer_service::{DocumentNumber, MaskLevel};
/// let n = DocumentNumber::new("e12345678")?;
/// assert_eq!(n.to_string(), "E*******8");
/// assert_eq!(n.masked(MaskLevel::Admin), "E12****78");
/// assert_eq!(n.expose(), "E12345678");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct DocumentNumber(Box<str>);

impl DocumentNumber {
    /// Validates and upper-cases a document number.
    ///
    /// # Errors
    /// [`IdDocumentError::Length`] or [`IdDocumentError::Character`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DocumentNumber, IdDocumentError};
    /// assert_eq!(DocumentNumber::new("e12345678")?.to_string(), "E*******8"); // upper-cased, masked
    /// assert!(matches!(DocumentNumber::new("E12"), Err(IdDocumentError::Length { len: 3, .. })));
    /// assert!(matches!(DocumentNumber::new("E1234-5678"), Err(IdDocumentError::Character { found: '-', .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(value: &str) -> Result<Self, IdDocumentError> {
        let len = value.chars().count();
        if !(5..=32).contains(&len) {
            return Err(IdDocumentError::Length {
                masked: mask::echo(value),
                len,
            });
        }
        if let Some(found) = value.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(IdDocumentError::Character {
                masked: mask::echo(value),
                found,
            });
        }
        Ok(Self(value.to_ascii_uppercase().into()))
    }

    /// **The full, unmasked number.** Sensitive: for storage and verification only, never
    /// for display or logs (PRIV-03).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DocumentNumber;
    /// let n = DocumentNumber::new("e12345678")?;
    /// assert_eq!(n.expose(), "E12345678"); // explicit access to the full number
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The number masked for a view: first and last character for [`MaskLevel::Public`];
    /// up to the first 6 and last 4 (at most a third and a quarter of the length) for
    /// [`MaskLevel::Admin`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DocumentNumber, MaskLevel};
    /// let n = DocumentNumber::new("E12345678")?;
    /// assert_eq!(n.masked(MaskLevel::Public), "E*******8");
    /// assert_eq!(n.masked(MaskLevel::Admin), "E12****78");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn masked(&self, level: MaskLevel) -> String {
        match level {
            MaskLevel::Admin => {
                let (first, last) = mask::admin_keep(self.0.len());
                mask::keep(&self.0, first, last)
            }
            MaskLevel::Public => mask::keep(&self.0, 1, 1),
        }
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked(MaskLevel::Public))
    }
}

impl fmt::Debug for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentNumber({})", self.masked(MaskLevel::Public))
    }
}

impl FromStr for DocumentNumber {
    type Err = IdDocumentError;
    fn from_str(s: &str) -> Result<Self, IdDocumentError> {
        Self::new(s)
    }
}

impl TryFrom<String> for DocumentNumber {
    type Error = IdDocumentError;
    fn try_from(s: String) -> Result<Self, IdDocumentError> {
        Self::new(&s)
    }
}

impl From<DocumentNumber> for String {
    fn from(n: DocumentNumber) -> Self {
        n.0.into()
    }
}

/// The kind of a non-resident identity document (证件类型, ID-05).
///
/// Serialises in snake case, e.g. `"hk_macao_travel_permit"`.
///
/// # Example
/// ```
/// use volunteer_service::IdDocumentKind;
/// assert_eq!(IdDocumentKind::Passport.as_str(), "passport");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum IdDocumentKind {
    /// 护照.
    Passport,
    /// 港澳居民来往内地通行证.
    HkMacaoTravelPermit,
    /// 台湾居民来往大陆通行证.
    TaiwanTravelPermit,
    /// 港澳台居民居住证.
    HkMacaoTaiwanResidencePermit,
    /// 外国人永久居留身份证.
    ForeignPermanentResidentId,
}

impl IdDocumentKind {
    /// The kind's snake-case name, as on the wire.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::IdDocumentKind;
    /// assert_eq!(IdDocumentKind::HkMacaoTravelPermit.as_str(), "hk_macao_travel_permit");
    /// assert_eq!(IdDocumentKind::Passport.to_string(), IdDocumentKind::Passport.as_str());
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Passport => "passport",
            Self::HkMacaoTravelPermit => "hk_macao_travel_permit",
            Self::TaiwanTravelPermit => "taiwan_travel_permit",
            Self::HkMacaoTaiwanResidencePermit => "hk_macao_taiwan_residence_permit",
            Self::ForeignPermanentResidentId => "foreign_permanent_resident_id",
        }
    }
}

impl fmt::Display for IdDocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An identity document: a resident ID card or another document with its kind (ID-05).
///
/// Values are normalised at construction (`x` → `X`, legacy 15-digit numbers converted,
/// document numbers upper-cased), so equal documents compare equal and
/// [`key`](Self::key) is a sound uniqueness key (VOL-05).
///
/// **Serde shape:** `{"kind": "resident_id" | <IdDocumentKind>, "number": "<full number>"}`.
/// The full number is serialised for storage; deserialising validates.
///
/// # Example
/// ```
/// use volunteer_service::{DocumentNumber, IdDocument, IdDocumentKind, ResidentId};
/// let a = IdDocument::ResidentId(ResidentId::from_legacy_15("110105491231002")?);
/// let b = IdDocument::ResidentId("11010519491231002x".parse()?);
/// assert_eq!(a.key(), b.key());
/// let p = IdDocument::Other { kind: IdDocumentKind::Passport, number: DocumentNumber::new("E12345678")? };
/// assert_eq!(p.to_string(), "passport E*******8");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "IdDocumentWire", into = "IdDocumentWire")
)]
pub enum IdDocument {
    /// 居民身份证.
    ResidentId(ResidentId),
    /// Any other document.
    Other {
        /// The document's kind.
        kind: IdDocumentKind,
        /// Its number.
        number: DocumentNumber,
    },
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum WireKind {
    ResidentId,
    #[serde(untagged)]
    Other(IdDocumentKind),
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct IdDocumentWire {
    kind: WireKind,
    number: String,
}

#[cfg(feature = "serde")]
impl TryFrom<IdDocumentWire> for IdDocument {
    type Error = IdDocumentError;
    fn try_from(w: IdDocumentWire) -> Result<Self, IdDocumentError> {
        Ok(match w.kind {
            WireKind::ResidentId => Self::ResidentId(ResidentId::new(&w.number)?),
            WireKind::Other(kind) => Self::Other {
                kind,
                number: DocumentNumber::new(&w.number)?,
            },
        })
    }
}

#[cfg(feature = "serde")]
impl From<IdDocument> for IdDocumentWire {
    fn from(d: IdDocument) -> Self {
        match d {
            IdDocument::ResidentId(id) => Self {
                kind: WireKind::ResidentId,
                number: id.expose().to_owned(),
            },
            IdDocument::Other { kind, number } => Self {
                kind: WireKind::Other(kind),
                number: number.expose().to_owned(),
            },
        }
    }
}

/// A uniqueness key for an identity document: its kind and normalised number (VOL-05).
///
/// `Debug` masks the number.
///
/// # Example
/// ```
/// use volunteer_service::{IdDocument, ResidentId};
/// let id: ResidentId = "11010519491231002X".parse()?;
/// let key = IdDocument::ResidentId(id).key();
/// assert_eq!(format!("{key:?}"), "IdDocumentKey(resident_id 1****************X)");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdDocumentKey(IdDocument);

impl fmt::Debug for IdDocumentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdDocumentKey({})", self.0)
    }
}

impl IdDocument {
    /// Parses a document of the given kind: `None` for a resident ID card (18 characters or
    /// a legacy 15-digit number), `Some(kind)` for another document.
    ///
    /// # Errors
    /// [`IdDocumentError`] naming the failed rule.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{IdDocument, IdDocumentKind};
    /// let doc = IdDocument::parse(Some(IdDocumentKind::Passport), "e1234567")?;
    /// assert_eq!(doc.kind_str(), "passport");
    /// assert!(IdDocument::parse(None, "110105491231002").is_ok());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn parse(kind: Option<IdDocumentKind>, number: &str) -> Result<Self, IdDocumentError> {
        Ok(match kind {
            None => Self::ResidentId(ResidentId::parse_any(number)?),
            Some(kind) => Self::Other {
                kind,
                number: DocumentNumber::new(number)?,
            },
        })
    }

    /// The uniqueness key: kind + normalised number (VOL-05).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{IdDocument, IdDocumentKind};
    /// // Normalised: case does not make two documents different (VOL-05).
    /// let a = IdDocument::parse(Some(IdDocumentKind::Passport), "e12345678")?;
    /// let b = IdDocument::parse(Some(IdDocumentKind::Passport), "E12345678")?;
    /// assert_eq!(a.key(), b.key());
    /// let c = IdDocument::parse(Some(IdDocumentKind::TaiwanTravelPermit), "E12345678")?;
    /// assert_ne!(a.key(), c.key()); // the kind is part of the key
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn key(&self) -> IdDocumentKey {
        IdDocumentKey(self.clone())
    }

    /// The kind as on the wire: `"resident_id"` or the [`IdDocumentKind`] name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{IdDocument, IdDocumentKind};
    /// assert_eq!(IdDocument::parse(None, "11010519491231002X")?.kind_str(), "resident_id");
    /// assert_eq!(IdDocument::parse(Some(IdDocumentKind::Passport), "E12345678")?.kind_str(), "passport");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn kind_str(&self) -> &'static str {
        match self {
            Self::ResidentId(_) => "resident_id",
            Self::Other { kind, .. } => kind.as_str(),
        }
    }

    /// The resident ID, if this is a resident ID card.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{IdDocument, IdDocumentKind};
    /// let doc = IdDocument::parse(None, "11010519491231002X")?;
    /// assert_eq!(doc.resident_id().map(|id| id.birth_date()), NaiveDate::from_ymd_opt(1949, 12, 31));
    /// assert!(IdDocument::parse(Some(IdDocumentKind::Passport), "E12345678")?.resident_id().is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn resident_id(&self) -> Option<&ResidentId> {
        match self {
            Self::ResidentId(id) => Some(id),
            Self::Other { .. } => None,
        }
    }

    /// The number masked for a view (PRIV-03).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{IdDocument, MaskLevel};
    /// let doc = IdDocument::parse(None, "11010519491231002X")?;
    /// assert_eq!(doc.masked(MaskLevel::Public), "1****************X");
    /// assert_eq!(doc.masked(MaskLevel::Admin), "110105********002X");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn masked(&self, level: MaskLevel) -> String {
        match self {
            Self::ResidentId(id) => id.masked(level),
            Self::Other { number, .. } => number.masked(level),
        }
    }
}

impl fmt::Display for IdDocument {
    /// `kind masked-number`, e.g. `resident_id 1****************X`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind_str(), self.masked(MaskLevel::Public))
    }
}

impl fmt::Debug for IdDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdDocument({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_are_upper_cased_and_bounded() {
        assert_eq!(DocumentNumber::new("ab123").unwrap().expose(), "AB123");
        assert!(matches!(
            DocumentNumber::new("ab12"),
            Err(IdDocumentError::Length { len: 4, .. })
        ));
        assert!(DocumentNumber::new(&"A".repeat(32)).is_ok());
        assert!(DocumentNumber::new(&"A".repeat(33)).is_err());
        assert!(matches!(
            DocumentNumber::new("AB-123"),
            Err(IdDocumentError::Character { found: '-', .. })
        ));
    }

    #[test]
    fn error_messages_are_pinned() {
        insta::assert_snapshot!(
            DocumentNumber::new("AB-123").unwrap_err(),
            @"document number A****3 contains '-': expected letters A-Z and digits 0-9"
        );
    }

    #[test]
    fn keys_normalise_case_and_legacy_numbers() {
        let a = IdDocument::parse(None, "110105491231002").unwrap();
        let b = IdDocument::parse(None, "11010519491231002x").unwrap();
        assert_eq!(a.key(), b.key());
        let p1 = IdDocument::parse(Some(IdDocumentKind::Passport), "e1234567").unwrap();
        let p2 = IdDocument::parse(Some(IdDocumentKind::Passport), "E1234567").unwrap();
        let t = IdDocument::parse(Some(IdDocumentKind::TaiwanTravelPermit), "E1234567").unwrap();
        assert_eq!(p1.key(), p2.key());
        assert_ne!(p1.key(), t.key());
    }

    #[test]
    fn display_and_errors_are_masked() {
        let p = IdDocument::parse(Some(IdDocumentKind::Passport), "E12345678").unwrap();
        assert_eq!(format!("{p:?}"), "IdDocument(passport E*******8)");
        let err = DocumentNumber::new("E1234567890123456789012345678901234").unwrap_err();
        assert!(!err.to_string().contains("1234567890"));
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_shape_is_kind_and_number() {
        let p = IdDocument::parse(Some(IdDocumentKind::HkMacaoTravelPermit), "H1234567").unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"hk_macao_travel_permit","number":"H1234567"}"#
        );
        assert_eq!(serde_json::from_str::<IdDocument>(&json).unwrap(), p);
        let r = IdDocument::parse(None, "11010519491231002X").unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"resident_id","number":"11010519491231002X"}"#
        );
        assert_eq!(serde_json::from_str::<IdDocument>(&json).unwrap(), r);
        assert!(
            serde_json::from_str::<IdDocument>(
                r#"{"kind":"resident_id","number":"110105194912310021"}"#
            )
            .is_err()
        );
    }
}
