//! Resident identity card numbers (居民身份证号码, GB 11643-1999).

use core::fmt;
use core::str::FromStr;

use chrono::NaiveDate;

use super::division::PROVINCES;
use super::mask::{self, MaskLevel};
use crate::Sex;

/// ISO 7064 MOD 11-2 weights for positions 1–17 (ID-02).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for `r = Σ(aᵢ·wᵢ) mod 11`, `r = 0..=10` (ID-02).
const CHECK: [u8; 11] = *b"10X98765432";

/// Returned when a resident ID number is malformed. Messages show the rejected value masked
/// (first and last character only), never in full (PRIV-03).
///
/// # Example
/// ```
/// use volunteer_service::ResidentId;
/// let err = "110105194912310021".parse::<ResidentId>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "resident id 1****************1 has check character '1': expected 'X' (ISO 7064 MOD 11-2)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResidentIdError {
    /// Not 18 characters (or 15 for [`ResidentId::from_legacy_15`]).
    #[error("resident id {masked} has {len} characters: expected {expected}")]
    Length {
        /// The rejected input, masked.
        masked: String,
        /// Its length in characters.
        len: usize,
        /// The expected length.
        expected: usize,
    },
    /// A character other than a digit (or a final `X`).
    #[error(
        "resident id {masked} has {found:?} at position {position}: expected digits 0-9 \
         and a final check character 0-9 or X"
    )]
    Character {
        /// The rejected input, masked.
        masked: String,
        /// 1-based position of the first offending character.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The address code does not start with a GB/T 2260 province code (ID-03).
    #[error(
        "resident id {masked} has address code province {province:02}: not a GB/T 2260 province code"
    )]
    Province {
        /// The rejected input, masked.
        masked: String,
        /// The first two digits.
        province: u8,
    },
    /// The birth-date part is not a real calendar date from 1800 on (ID-03).
    #[error("resident id {masked} has a birth date that is not a real date from 1800 on")]
    BirthDate {
        /// The rejected input, masked.
        masked: String,
    },
    /// The check character does not match (ID-02).
    #[error(
        "resident id {masked} has check character {found:?}: expected {expected:?} \
         (ISO 7064 MOD 11-2)"
    )]
    Checksum {
        /// The rejected input, masked.
        masked: String,
        /// The check character found.
        found: char,
        /// The check character the first 17 digits require.
        expected: char,
    },
}

/// A valid 18-character resident identity card number (居民身份证号码, GB 11643-1999).
///
/// Validation (ID-01..04): 17 digits and a check character (`X` for ten; a lower-case `x` is
/// accepted and normalised), the ISO 7064 MOD 11-2 checksum, a real birth date from 1800 on,
/// and an address code that starts with a real province code. Legacy 15-digit numbers are
/// converted with [`from_legacy_15`](Self::from_legacy_15).
///
/// **Privacy (PRIV-02, PRIV-03).** `Display` and `Debug` show the public mask
/// `1****************X`; [`masked`](Self::masked) gives the admin mask; the full number is only
/// available through [`expose`](Self::expose). The address code (the place of household
/// registration, not of residence) is deliberately not exposed for matching (ID-03).
///
/// **Serde.** Serialises as the *full* 18-character string, because storage needs it; keep
/// serialised data in protected storage. Deserialising validates like [`FromStr`].
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{ResidentId, Sex};
/// let id: ResidentId = "11010519491231002x".parse()?;
/// assert_eq!(id.to_string(), "1****************X");
/// assert_eq!(id.sex(), Sex::Female);
/// assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct ResidentId([u8; 18]);

fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    // `sum % 11` is always below 11.
    CHECK.get((sum % 11) as usize).copied().unwrap_or(b'?')
}

fn digits_value(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0, |acc, d| acc * 10 + u32::from(d.wrapping_sub(b'0')))
}

impl ResidentId {
    /// Parses and validates an 18-character number; same as [`FromStr`].
    ///
    /// # Errors
    /// [`ResidentIdError`] naming the failed rule, with the input masked.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::ResidentId;
    /// assert!(ResidentId::new("440524188001010014").is_ok());
    /// assert!(ResidentId::new("440524188001010015").is_err());
    /// ```
    pub fn new(value: &str) -> Result<Self, ResidentIdError> {
        let masked = || mask::echo(value);
        let len = value.chars().count();
        if len != 18 {
            return Err(ResidentIdError::Length {
                masked: masked(),
                len,
                expected: 18,
            });
        }
        let mut bytes = [0_u8; 18];
        for (i, c) in value.chars().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && (c == 'X' || c == 'x'));
            if !ok {
                return Err(ResidentIdError::Character {
                    masked: masked(),
                    position: i + 1,
                    found: c,
                });
            }
            if let Some(slot) = bytes.get_mut(i) {
                // ASCII, checked above.
                *slot = u8::try_from(c.to_ascii_uppercase()).unwrap_or(b'?');
            }
        }
        Self::from_bytes(bytes, masked)
    }

    fn from_bytes(bytes: [u8; 18], masked: impl Fn() -> String) -> Result<Self, ResidentIdError> {
        let province = u8::try_from(digits_value(&bytes[..2])).unwrap_or(0);
        if !PROVINCES.contains(&province) {
            return Err(ResidentIdError::Province {
                masked: masked(),
                province,
            });
        }
        let year = i32::try_from(digits_value(&bytes[6..10])).unwrap_or(0);
        let month = digits_value(&bytes[10..12]);
        let day = digits_value(&bytes[12..14]);
        if year < 1800 || NaiveDate::from_ymd_opt(year, month, day).is_none() {
            return Err(ResidentIdError::BirthDate { masked: masked() });
        }
        let expected = check_char(&bytes[..17]);
        if bytes[17] != expected {
            return Err(ResidentIdError::Checksum {
                masked: masked(),
                found: char::from(bytes[17]),
                expected: char::from(expected),
            });
        }
        Ok(Self(bytes))
    }

    /// Converts a legacy 15-digit number (GB 11643-1989, ID-04): inserts `19` before the
    /// 2-digit birth year and computes the check character.
    ///
    /// # Errors
    /// [`ResidentIdError`] if the input is not 15 digits, or the converted number has an
    /// unknown province or an impossible birth date.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::ResidentId;
    /// let old = ResidentId::from_legacy_15("110105491231002")?;
    /// assert_eq!(old, "11010519491231002X".parse()?);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn from_legacy_15(value: &str) -> Result<Self, ResidentIdError> {
        let masked = || mask::echo(value);
        let len = value.chars().count();
        if len != 15 {
            return Err(ResidentIdError::Length {
                masked: masked(),
                len,
                expected: 15,
            });
        }
        if let Some((i, c)) = value.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(ResidentIdError::Character {
                masked: masked(),
                position: i + 1,
                found: c,
            });
        }
        let src = value.as_bytes();
        let mut bytes = [b'0'; 18];
        bytes[..6].copy_from_slice(&src[..6]);
        bytes[6] = b'1';
        bytes[7] = b'9';
        bytes[8..17].copy_from_slice(&src[6..15]);
        bytes[17] = check_char(&bytes[..17]);
        Self::from_bytes(bytes, masked)
    }

    /// Parses either form: 18 characters, or a legacy 15-digit number converted with
    /// [`from_legacy_15`](Self::from_legacy_15).
    ///
    /// # Errors
    /// As [`new`](Self::new) or [`from_legacy_15`](Self::from_legacy_15).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::ResidentId;
    /// let a = ResidentId::parse_any("110105491231002")?;
    /// let b = ResidentId::parse_any("11010519491231002X")?;
    /// assert_eq!(a, b);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn parse_any(value: &str) -> Result<Self, ResidentIdError> {
        if value.chars().count() == 15 {
            Self::from_legacy_15(value)
        } else {
            Self::new(value)
        }
    }

    /// Whether `value` is a valid 18-character resident ID number.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::ResidentId;
    /// assert!(ResidentId::is_valid("360426199101010071"));
    /// assert!(!ResidentId::is_valid("360426199101010072"));
    /// ```
    pub fn is_valid(value: &str) -> bool {
        Self::new(value).is_ok()
    }

    /// **The full, unmasked number.** Sensitive personal information (PRIV-02): use it only
    /// to store the number or to hand it to a verification service, never for display or
    /// logs, and record that it was revealed (PRIV-03).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::ResidentId;
    /// let id: ResidentId = "11010519491231002x".parse()?;
    /// assert_eq!(id.expose(), "11010519491231002X");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn expose(&self) -> &str {
        // Only ASCII digits and 'X' are ever stored.
        core::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The number masked for a view (PRIV-03): `1****************X` for
    /// [`MaskLevel::Public`] (the same as `Display`), `110105********002X` for
    /// [`MaskLevel::Admin`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{MaskLevel, ResidentId};
    /// let id: ResidentId = "11010519491231002X".parse()?;
    /// assert_eq!(id.masked(MaskLevel::Admin), "110105********002X");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn masked(&self, level: MaskLevel) -> String {
        match level {
            MaskLevel::Admin => mask::keep(self.expose(), 6, 4),
            MaskLevel::Public => mask::keep(self.expose(), 1, 1),
        }
    }

    /// The sex encoded in the sequence code (odd = male, even = female, ID-01).
    ///
    /// For **consistency checks only** (ID-06): the declared sex is the volunteer's record;
    /// use this to flag a mismatch, not as a source of truth.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{ResidentId, Sex};
    /// assert_eq!("440524188001010014".parse::<ResidentId>()?.sex(), Sex::Male);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn sex(&self) -> Sex {
        if (self.0[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The birth date encoded in the number.
    ///
    /// For **consistency checks only** (ID-06): compare it with the declared birth date.
    ///
    /// # Example
    /// ```
    /// use chrono::Datelike;
    /// use volunteer_service::ResidentId;
    /// let id: ResidentId = "440524188001010014".parse()?;
    /// assert_eq!(id.birth_date().year(), 1880);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn birth_date(&self) -> NaiveDate {
        let year = i32::try_from(digits_value(&self.0[6..10])).unwrap_or(1800);
        let month = digits_value(&self.0[10..12]);
        let day = digits_value(&self.0[12..14]);
        // Validated at construction.
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
    }

    /// Builds a number from its parts, computing the check character: a 6-digit address code
    /// (the place of household registration, GB/T 2260), the birth date and a 3-digit sequence
    /// (odd for men, even for women). For test data and for systems that store the parts.
    ///
    /// # Errors
    /// [`ResidentIdError`] if the address is not 6 digits with a real province, the sequence is
    /// above 999, or the year is outside what an 18-character number can hold.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{ResidentId, Sex};
    /// let id = ResidentId::from_parts(110_105, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap(), 2)?;
    /// assert_eq!(id.expose(), "11010519491231002X");
    /// assert_eq!(id.sex(), Sex::Female);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn from_parts(
        address: u32,
        birth: NaiveDate,
        sequence: u16,
    ) -> Result<Self, ResidentIdError> {
        use chrono::Datelike;
        let s = format!(
            "{address:06}{:04}{:02}{:02}{sequence:03}",
            birth.year(),
            birth.month(),
            birth.day()
        );
        let mut bytes = [b'0'; 18];
        if s.len() != 17 {
            return Err(ResidentIdError::Length {
                masked: mask::echo(&s),
                len: s.len() + 1,
                expected: 18,
            });
        }
        bytes[..17].copy_from_slice(s.as_bytes());
        bytes[17] = check_char(&bytes[..17]);
        Self::from_bytes(bytes, || mask::echo(&s))
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked(MaskLevel::Public))
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked(MaskLevel::Public))
    }
}

impl FromStr for ResidentId {
    type Err = ResidentIdError;
    fn from_str(s: &str) -> Result<Self, ResidentIdError> {
        Self::new(s)
    }
}

impl TryFrom<String> for ResidentId {
    type Error = ResidentIdError;
    fn try_from(s: String) -> Result<Self, ResidentIdError> {
        Self::new(&s)
    }
}

impl From<ResidentId> for String {
    fn from(id: ResidentId) -> Self {
        id.expose().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VECTORS: [&str; 3] = [
        "11010519491231002X",
        "440524188001010014",
        "360426199101010071",
    ];

    #[test]
    fn accepts_the_standard_vectors() {
        for v in VECTORS {
            let id = ResidentId::new(v).unwrap();
            assert_eq!(id.expose(), v);
        }
    }

    #[test]
    fn rejects_any_one_digit_change() {
        for v in VECTORS {
            for pos in 0..18 {
                let orig = v.as_bytes()[pos];
                for d in b"0123456789X" {
                    if *d == orig || (pos < 17 && *d == b'X') {
                        continue;
                    }
                    let mut b = v.as_bytes().to_vec();
                    b[pos] = *d;
                    let s = String::from_utf8(b).unwrap();
                    assert!(ResidentId::new(&s).is_err(), "{s} accepted");
                }
            }
        }
    }

    #[test]
    fn lower_case_x_is_normalised() {
        let id = ResidentId::new("11010519491231002x").unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
        assert_eq!(id, ResidentId::new("11010519491231002X").unwrap());
    }

    #[test]
    fn converts_legacy_15_digit_numbers() {
        let id = ResidentId::from_legacy_15("440524800101001").unwrap();
        assert_eq!(id.expose(), "440524198001010013");
        assert!(ResidentId::new(id.expose()).is_ok());
        assert!(matches!(
            ResidentId::from_legacy_15("44052480010100"),
            Err(ResidentIdError::Length { expected: 15, .. })
        ));
        assert!(matches!(
            ResidentId::from_legacy_15("44052480010100X"),
            Err(ResidentIdError::Character { position: 15, .. })
        ));
    }

    #[test]
    fn rejects_an_impossible_birth_date() {
        // 1949-02-31, with a correct check character for those 17 digits.
        let mut b = *b"11010519490231002?";
        b[17] = check_char(&b[..17]);
        let s = String::from_utf8(b.to_vec()).unwrap();
        assert!(matches!(
            ResidentId::new(&s),
            Err(ResidentIdError::BirthDate { .. })
        ));
        let mut early = *b"11010517991231002?";
        early[17] = check_char(&early[..17]);
        let s = String::from_utf8(early.to_vec()).unwrap();
        assert!(matches!(
            ResidentId::new(&s),
            Err(ResidentIdError::BirthDate { .. })
        ));
    }

    #[test]
    fn rejects_an_unknown_province() {
        let mut b = *b"99010519491231002?";
        b[17] = check_char(&b[..17]);
        let s = String::from_utf8(b.to_vec()).unwrap();
        assert!(matches!(
            ResidentId::new(&s),
            Err(ResidentIdError::Province { province: 99, .. })
        ));
    }

    #[test]
    fn derives_sex_and_birth_date() {
        let f = ResidentId::new("11010519491231002X").unwrap();
        assert_eq!(f.sex(), Sex::Female);
        assert_eq!(
            f.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        let m = ResidentId::new("360426199101010071").unwrap();
        assert_eq!(m.sex(), Sex::Male);
    }

    #[test]
    fn masks_in_display_debug_and_views() {
        let id = ResidentId::new("11010519491231002X").unwrap();
        assert_eq!(id.to_string(), "1****************X");
        assert_eq!(format!("{id:?}"), "ResidentId(1****************X)");
        assert_eq!(id.masked(MaskLevel::Public), id.to_string());
        assert_eq!(id.masked(MaskLevel::Admin), "110105********002X");
    }

    #[test]
    fn error_messages_never_contain_the_number() {
        let inputs = [
            "110105194912310021",
            "11010519491231002",
            "1101051949123100211",
            "11010519490231002X",
            "990105194912310021",
            "1101051949123100A1",
        ];
        for s in inputs {
            let err = ResidentId::new(s).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(!text.contains(&s[1..17]), "{text}");
        }
        insta::assert_snapshot!(
            ResidentId::new("11010519491231002").unwrap_err(),
            @"resident id 1***************2 has 17 characters: expected 18"
        );
        insta::assert_snapshot!(
            ResidentId::new("1101051949123100A1").unwrap_err(),
            @"resident id 1****************1 has 'A' at position 17: expected digits 0-9 and a final check character 0-9 or X"
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_keeps_the_full_number_and_validates() {
        let id = ResidentId::new("11010519491231002x").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        assert_eq!(serde_json::from_str::<ResidentId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<ResidentId>("\"110105194912310021\"").is_err());
    }

    fn arb_id() -> impl Strategy<Value = ResidentId> {
        (
            prop::sample::select(PROVINCES.to_vec()),
            0_u32..10_000,
            0_i64..80_000,
            0_u16..1000,
        )
            .prop_map(|(p, rest, days, seq)| {
                let birth =
                    NaiveDate::from_ymd_opt(1800, 1, 1).unwrap() + chrono::TimeDelta::days(days);
                ResidentId::from_parts(u32::from(p) * 10_000 + rest, birth, seq).unwrap()
            })
    }

    proptest! {
        #[test]
        fn round_trips_through_expose(id in arb_id()) {
            prop_assert_eq!(ResidentId::new(id.expose()).unwrap(), id);
            prop_assert_eq!(id.expose().parse::<ResidentId>().unwrap(), id);
        }

        #[test]
        fn generated_numbers_satisfy_the_checksum(id in arb_id()) {
            let b = id.expose().as_bytes();
            let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
            let check = if b[17] == b'X' { 10 } else { u32::from(b[17] - b'0') };
            // ISO 7064 MOD 11-2: Σ aᵢwᵢ + check ≡ 1 (mod 11).
            prop_assert_eq!((sum + check) % 11, 1);
        }

        #[test]
        fn masks_hide_the_middle(id in arb_id()) {
            let full = id.expose();
            let public = id.masked(MaskLevel::Public);
            let admin = id.masked(MaskLevel::Admin);
            prop_assert_eq!(&public[1..17], "****************");
            prop_assert_eq!(&admin[6..14], "********");
            prop_assert_eq!(&admin[..6], &full[..6]);
            prop_assert_eq!(&admin[14..], &full[14..]);
            let shown = format!("{id} {id:?}");
            prop_assert!(!shown.contains(&full[1..17]));
        }

        #[test]
        fn legacy_conversion_agrees_with_the_18_digit_form(id in arb_id()) {
            let full = id.expose();
            prop_assume!(&full[6..8] == "19");
            let legacy = format!("{}{}", &full[..6], &full[8..17]);
            prop_assert_eq!(ResidentId::from_legacy_15(&legacy).unwrap(), id);
        }
    }
}
