//! Unified social credit codes (统一社会信用代码, GB 32100-2015).

use core::fmt;
use core::str::FromStr;

use crate::{DivisionCode, LegalForm};

/// The 31 code characters in value order: `0`–`9` are 0–9 and the letters are 10–30.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 (ORG-10).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The value of a code character, or `None` if it is not one of the 31 allowed characters.
fn value_of(c: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The check character for the first 17 characters, which must all be code characters.
fn check_char(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(&c, w)| value_of(c).unwrap_or(0) * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    ALPHABET
        .get(usize::try_from(check).unwrap_or(0))
        .copied()
        .unwrap_or(b'0')
}

/// Returned when a unified social credit code is malformed or its check character is wrong.
///
/// Codes identify organisations, not people, so messages show the rejected input (at most 32
/// characters of it).
///
/// # Example
/// ```
/// use volunteer_service::Uscc;
/// let err = "91110000600037341M".parse::<Uscc>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "unified social credit code \"91110000600037341M\" has check character 'M': expected 'L'"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsccError {
    /// Not 18 characters long.
    #[error("unified social credit code {value:?} has {len} characters: expected 18")]
    Length {
        /// The rejected input (at most 32 characters of it).
        value: String,
        /// Its length in characters.
        len: usize,
    },
    /// A character is not a digit or a capital letter other than I, O, Z, S and V.
    #[error(
        "unified social credit code {value:?} has {found:?} at position {position}: \
         expected a digit or a capital letter other than I, O, Z, S, V"
    )]
    Character {
        /// The rejected input.
        value: String,
        /// The 1-based position of the first offending character.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// Position 1 (registering department) is not a digit, `A`, `N` or `Y` (ORG-09).
    #[error(
        "unified social credit code {value:?} has department {found:?} at position 1: \
         expected a digit, 'A', 'N' or 'Y'"
    )]
    Department {
        /// The rejected input.
        value: String,
        /// The character at position 1.
        found: char,
    },
    /// Positions 2–8 (entity type and the registering authority's division) are not digits.
    #[error(
        "unified social credit code {value:?} has {found:?} at position {position}: \
         expected a digit in positions 2-8"
    )]
    NotDigit {
        /// The rejected input.
        value: String,
        /// The 1-based position of the first offending character.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The check character (position 18) does not match positions 1–17 (ORG-10).
    #[error(
        "unified social credit code {value:?} has check character {found:?}: expected {expected:?}"
    )]
    Check {
        /// The rejected input.
        value: String,
        /// The check character computed from positions 1–17.
        expected: char,
        /// The check character given.
        found: char,
    },
}

/// The registering department (登记管理部门), position 1 of a unified social credit code.
///
/// # Example
/// ```
/// use volunteer_service::{RegisteringDepartment, Uscc};
/// let code: Uscc = "91110000600037341L".parse()?;
/// assert_eq!(code.department(), RegisteringDepartment::IndustryAndCommerce);
/// assert_eq!(RegisteringDepartment::CivilAffairs.code(), '5');
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum RegisteringDepartment {
    /// `1` 机构编制: establishment offices (organs, public institutions).
    Establishment,
    /// `2` 外交: foreign affairs.
    ForeignAffairs,
    /// `3` 司法行政: justice administration (law firms, notaries).
    Justice,
    /// `4` 文化: culture.
    Culture,
    /// `5` 民政: civil affairs, which registers social organisations.
    CivilAffairs,
    /// `6` 旅游: tourism.
    Tourism,
    /// `7` 宗教: religious affairs.
    Religion,
    /// `8` 工会: trade unions.
    TradeUnion,
    /// `9` 工商: industry and commerce (market regulation), which registers firms.
    IndustryAndCommerce,
    /// `A` 中央军委改革和编制办公室: the military establishment office.
    Military,
    /// `N` 农业: agriculture (rural collective economic organisations).
    Agriculture,
    /// `Y` 其他: other registering departments.
    Other,
    /// `0`: a digit GB 32100 does not assign; accepted because position 1 allows any digit.
    Unassigned,
}

impl RegisteringDepartment {
    fn from_code(c: u8) -> Self {
        match c {
            b'1' => Self::Establishment,
            b'2' => Self::ForeignAffairs,
            b'3' => Self::Justice,
            b'4' => Self::Culture,
            b'5' => Self::CivilAffairs,
            b'6' => Self::Tourism,
            b'7' => Self::Religion,
            b'8' => Self::TradeUnion,
            b'9' => Self::IndustryAndCommerce,
            b'A' => Self::Military,
            b'N' => Self::Agriculture,
            b'Y' => Self::Other,
            _ => Self::Unassigned,
        }
    }

    /// The department's character in position 1.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::RegisteringDepartment;
    /// assert_eq!(RegisteringDepartment::Other.code(), 'Y');
    /// ```
    pub const fn code(self) -> char {
        match self {
            Self::Establishment => '1',
            Self::ForeignAffairs => '2',
            Self::Justice => '3',
            Self::Culture => '4',
            Self::CivilAffairs => '5',
            Self::Tourism => '6',
            Self::Religion => '7',
            Self::TradeUnion => '8',
            Self::IndustryAndCommerce => '9',
            Self::Military => 'A',
            Self::Agriculture => 'N',
            Self::Other => 'Y',
            Self::Unassigned => '0',
        }
    }
}

/// A unified social credit code (统一社会信用代码, GB 32100-2015): the 18-character
/// registration number of a legal person or other organisation (ORG-09, ORG-10).
///
/// Layout: position 1 the registering department (`[0-9ANY]`), 2 the entity type, 3–8 the
/// GB/T 2260 code of the registering authority (digits), 9–17 the organisation code
/// (GB 11714), 18 the check character. Characters are digits and capitals except I, O, Z, S
/// and V.
///
/// **Lower case is normalised**: parsing upper-cases ASCII letters first, so
/// `"91110000600037341l"` parses to `91110000600037341L`. Surrounding whitespace is *not*
/// trimmed. On the wire the code is its 18-character upper-case string.
///
/// # Example
/// ```
/// use volunteer_service::{LegalForm, RegisteringDepartment, Uscc};
/// let code: Uscc = "91110000600037341L".parse()?;
/// assert_eq!(code.as_str(), "91110000600037341L");
/// assert_eq!(code.division().map(|d| d.to_string()), Some("110000".to_owned()));
/// assert_eq!(code.organisation_code(), "600037341");
/// assert!(!code.is_social_organisation());
///
/// let association = Uscc::with_check("51320100MJ0000001")?;
/// assert_eq!(association.department(), RegisteringDepartment::CivilAffairs);
/// assert_eq!(association.legal_form(), Some(LegalForm::SocialGroup));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct Uscc([u8; 18]);

impl Uscc {
    /// Validates the shape of positions 1–`n` of `upper` (already upper-cased).
    fn check_shape(upper: &[u8], shown: &dyn Fn() -> String) -> Result<(), UsccError> {
        for (i, &c) in upper.iter().enumerate() {
            if value_of(c).is_none() {
                return Err(UsccError::Character {
                    value: shown(),
                    position: i + 1,
                    found: char::from(c),
                });
            }
        }
        if let Some(&first) = upper.first()
            && !(first.is_ascii_digit() || matches!(first, b'A' | b'N' | b'Y'))
        {
            return Err(UsccError::Department {
                value: shown(),
                found: char::from(first),
            });
        }
        for (i, &c) in upper.iter().enumerate().take(8).skip(1) {
            if !c.is_ascii_digit() {
                return Err(UsccError::NotDigit {
                    value: shown(),
                    position: i + 1,
                    found: char::from(c),
                });
            }
        }
        Ok(())
    }

    /// Upper-cases and length-checks `s`, returning its bytes.
    fn normalise(s: &str, want: usize) -> Result<Vec<u8>, UsccError> {
        let shown = || s.chars().take(32).collect::<String>();
        let len = s.chars().count();
        if len != want {
            return Err(UsccError::Length {
                value: shown(),
                len,
            });
        }
        if let Some((i, found)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
            return Err(UsccError::Character {
                value: shown(),
                position: i + 1,
                found,
            });
        }
        Ok(s.bytes().map(|b| b.to_ascii_uppercase()).collect())
    }

    /// Builds a code from its first 17 characters by computing the check character, for
    /// issuing codes in tests and fixtures. Lower case is normalised as in [`FromStr`].
    ///
    /// # Errors
    /// [`UsccError::Length`] unless `body` has 17 characters; [`UsccError::Character`],
    /// [`UsccError::Department`] or [`UsccError::NotDigit`] for a malformed character.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Uscc;
    /// assert_eq!(Uscc::with_check("91110000600037341")?.as_str(), "91110000600037341L");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_check(body: &str) -> Result<Self, UsccError> {
        let upper = Self::normalise(body, 17)?;
        Self::check_shape(&upper, &|| body.chars().take(32).collect())?;
        let mut bytes = [0_u8; 18];
        for (dst, src) in bytes.iter_mut().zip(&upper) {
            *dst = *src;
        }
        bytes[17] = check_char(&upper);
        Ok(Self(bytes))
    }

    /// The code as an 18-character upper-case string.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Uscc;
    /// let code: Uscc = "91110000600037341l".parse()?;
    /// assert_eq!(code.as_str(), "91110000600037341L"); // upper-cased
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        // Every byte is one of the ASCII `ALPHABET` characters.
        core::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The registering department (position 1).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{RegisteringDepartment, Uscc};
    /// assert_eq!(Uscc::with_check("51320100MJ0000001")?.department(), RegisteringDepartment::CivilAffairs);
    /// assert_eq!("91110000600037341L".parse::<Uscc>()?.department(), RegisteringDepartment::IndustryAndCommerce);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn department(&self) -> RegisteringDepartment {
        RegisteringDepartment::from_code(self.0[0])
    }

    /// The entity-type character (position 2), whose meaning depends on the department:
    /// under civil affairs `1` 社会团体, `2` 民办非企业单位/社会服务机构, `3` 基金会, `9` other.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Uscc;
    /// assert_eq!(Uscc::with_check("53320000MJ0000002")?.entity_type(), '3');
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn entity_type(&self) -> char {
        char::from(self.0[1])
    }

    /// The registering authority's division (positions 3–8) if it is a valid GB/T 2260 code.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Uscc;
    /// let code = Uscc::with_check("51320100MJ0000001")?;
    /// assert_eq!(code.division(), Some("320100".parse()?)); // Nanjing
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn division(&self) -> Option<DivisionCode> {
        self.as_str().get(2..8).and_then(|s| s.parse().ok())
    }

    /// The organisation code (组织机构代码, GB 11714): positions 9–17.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Uscc;
    /// assert_eq!(Uscc::with_check("51320100MJ0000001")?.organisation_code(), "MJ0000001");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn organisation_code(&self) -> &str {
        self.as_str().get(8..17).unwrap_or("")
    }

    /// The check character (position 18).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Uscc;
    /// let code: Uscc = "91110000600037341L".parse()?;
    /// assert_eq!(code.check(), 'L');
    /// assert!("911100006000373410".parse::<Uscc>().is_err()); // wrong check character
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn check(&self) -> char {
        char::from(self.0[17])
    }

    /// The legal form of a social organisation registered by civil affairs: `51` 社会团体,
    /// `52` 社会服务机构, `53` 基金会 (DEF-03); `None` for any other code.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{LegalForm, Uscc};
    /// let code = Uscc::with_check("52320115MJ0000003")?;
    /// assert_eq!(code.legal_form(), Some(LegalForm::SocialServiceAgency));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn legal_form(&self) -> Option<LegalForm> {
        match (self.0[0], self.0[1]) {
            (b'5', b'1') => Some(LegalForm::SocialGroup),
            (b'5', b'2') => Some(LegalForm::SocialServiceAgency),
            (b'5', b'3') => Some(LegalForm::Foundation),
            _ => None,
        }
    }

    /// Whether the code starts `51`, `52` or `53`: a social organisation registered by civil
    /// affairs, the usual form of a volunteer service organisation (ORG-09).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Uscc;
    /// assert!(Uscc::with_check("51320100MJ0000001")?.is_social_organisation());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_social_organisation(&self) -> bool {
        self.legal_form().is_some()
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.as_str())
    }
}

impl FromStr for Uscc {
    type Err = UsccError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = Self::normalise(s, 18)?;
        let shown = || s.chars().take(32).collect::<String>();
        Self::check_shape(&upper, &shown)?;
        let expected = check_char(upper.get(..17).unwrap_or(&[]));
        let found = upper.get(17).copied().unwrap_or(0);
        if expected != found {
            return Err(UsccError::Check {
                value: shown(),
                expected: char::from(expected),
                found: char::from(found),
            });
        }
        let mut bytes = [0_u8; 18];
        for (dst, src) in bytes.iter_mut().zip(&upper) {
            *dst = *src;
        }
        Ok(Self(bytes))
    }
}

impl TryFrom<String> for Uscc {
    type Error = UsccError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Uscc> for String {
    fn from(c: Uscc) -> Self {
        c.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_vector_is_valid() {
        let code: Uscc = "91110000600037341L".parse().unwrap();
        assert_eq!(code.as_str(), "91110000600037341L");
        assert_eq!(
            code.department(),
            RegisteringDepartment::IndustryAndCommerce
        );
        assert_eq!(code.entity_type(), '1');
        assert_eq!(code.division(), Some("110000".parse().unwrap()));
        assert_eq!(code.organisation_code(), "600037341");
        assert_eq!(code.check(), 'L');
        assert!(!code.is_social_organisation());
        assert_eq!(format!("{code:?}"), "Uscc(91110000600037341L)");
    }

    #[test]
    fn with_check_reproduces_the_test_vector() {
        assert_eq!(
            Uscc::with_check("91110000600037341").unwrap().as_str(),
            "91110000600037341L"
        );
    }

    #[test]
    fn one_character_change_is_rejected() {
        let valid = "91110000600037341L";
        for (i, _) in valid.char_indices() {
            for c in ALPHABET.iter().map(|&b| char::from(b)) {
                let mut s: Vec<char> = valid.chars().collect();
                if s[i] == c {
                    continue;
                }
                s[i] = c;
                let s: String = s.into_iter().collect();
                assert!(s.parse::<Uscc>().is_err(), "{s} accepted");
            }
        }
    }

    #[test]
    fn check_error_names_expected_and_found() {
        let err = "91110000600037341M".parse::<Uscc>().unwrap_err();
        assert_eq!(
            err,
            UsccError::Check {
                value: "91110000600037341M".into(),
                expected: 'L',
                found: 'M'
            }
        );
        assert_eq!(
            err.to_string(),
            "unified social credit code \"91110000600037341M\" has check character 'M': expected 'L'"
        );
    }

    #[test]
    fn lower_case_is_normalised() {
        let code: Uscc = "91110000600037341l".parse().unwrap();
        assert_eq!(code.as_str(), "91110000600037341L");
    }

    #[test]
    fn excluded_letters_are_rejected() {
        for bad in ['I', 'O', 'Z', 'S', 'V'] {
            let s = format!("9111000060003734{bad}L");
            assert!(matches!(
                s.parse::<Uscc>(),
                Err(UsccError::Character { position: 17, .. })
            ));
        }
    }

    #[test]
    fn department_letters_a_n_y_are_allowed_in_position_one() {
        for first in ['A', 'N', 'Y'] {
            let code = Uscc::with_check(&format!("{first}1110000600037341")).unwrap();
            assert_eq!(code.department().code(), first);
            assert_eq!(
                code.as_str().parse::<Uscc>().unwrap().department().code(),
                first
            );
        }
        let err = Uscc::with_check("B1110000600037341").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unified social credit code \"B1110000600037341\" has department 'B' at position 1: \
             expected a digit, 'A', 'N' or 'Y'"
        );
    }

    #[test]
    fn positions_two_to_eight_must_be_digits() {
        let err = Uscc::with_check("9A110000600037341").unwrap_err();
        assert!(matches!(
            err,
            UsccError::NotDigit {
                position: 2,
                found: 'A',
                ..
            }
        ));
        assert!(matches!(
            Uscc::with_check("9111000A600037341"),
            Err(UsccError::NotDigit { position: 8, .. })
        ));
    }

    #[test]
    fn length_and_non_ascii_are_rejected() {
        assert_eq!(
            "9111".parse::<Uscc>().unwrap_err().to_string(),
            "unified social credit code \"9111\" has 4 characters: expected 18"
        );
        assert!(matches!(
            "9111000060003734１L".parse::<Uscc>(),
            Err(UsccError::Character { position: 17, .. })
        ));
    }

    #[test]
    fn social_organisation_forms() {
        let form = |s: &str| Uscc::with_check(s).unwrap().legal_form();
        assert_eq!(form("51320100MJ0000001"), Some(LegalForm::SocialGroup));
        assert_eq!(
            form("52320100MJ0000001"),
            Some(LegalForm::SocialServiceAgency)
        );
        assert_eq!(form("53320100MJ0000001"), Some(LegalForm::Foundation));
        assert_eq!(form("59320100MJ0000001"), None);
        assert_eq!(form("11320100MJ0000001"), None);
    }

    #[test]
    fn invalid_authority_division_is_none() {
        assert_eq!(
            Uscc::with_check("51990000MJ0000001").unwrap().division(),
            None
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_is_the_string_and_validates() {
        let code: Uscc = "91110000600037341L".parse().unwrap();
        assert_eq!(
            serde_json::to_string(&code).unwrap(),
            "\"91110000600037341L\""
        );
        assert!(serde_json::from_str::<Uscc>("\"91110000600037341M\"").is_err());
    }

    proptest! {
        #[test]
        fn computed_check_round_trips(body in "[0-9ANY][0-9]{7}[0-9A-HJ-NPQRTUW-Y]{9}") {
            let code = Uscc::with_check(&body).unwrap();
            prop_assert_eq!(code.as_str().parse::<Uscc>().unwrap(), code);
            prop_assert_eq!(code.as_str().to_lowercase().parse::<Uscc>().unwrap(), code);
        }
    }
}
