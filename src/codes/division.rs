//! Administrative and statistical division codes (行政区划代码 GB/T 2260, 统计用区划代码).

use core::fmt;
use core::str::FromStr;
use std::collections::BTreeMap;

/// Returned when a division code is malformed.
///
/// # Example
/// ```
/// use volunteer_service::DivisionCode;
/// let err = "3201150".parse::<DivisionCode>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "division code \"3201150\" has 7 characters: expected 6, 9 or 12 digits"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DivisionCodeError {
    /// Not 6, 9 or 12 characters long.
    #[error("division code {value:?} has {len} characters: expected 6, 9 or 12 digits")]
    Length {
        /// The rejected input (at most 32 characters of it).
        value: String,
        /// Its length in characters.
        len: usize,
    },
    /// A character is not an ASCII digit.
    #[error("division code {value:?} contains {found:?}: expected only digits 0-9")]
    NotDigit {
        /// The rejected input.
        value: String,
        /// The first offending character.
        found: char,
    },
    /// The first two digits are not a province-level code of GB/T 2260.
    #[error("division code {value:?} starts with {province:02}: not a GB/T 2260 province code")]
    Province {
        /// The rejected input.
        value: String,
        /// The first two digits.
        province: u8,
    },
    /// A lower level is set under a zero higher level (such as `320015`).
    #[error(
        "division code {value:?} has a non-zero {level} part under a zero parent part: \
         each level needs its parent's"
    )]
    Gap {
        /// The rejected input.
        value: String,
        /// The level whose digits are set without their parent's.
        level: DivisionLevel,
    },
}

/// The level of a division in the national hierarchy.
///
/// Ordered from the top: `Province < Prefecture < County < Township < Village`.
///
/// # Example
/// ```
/// use volunteer_service::{DivisionCode, DivisionLevel};
/// let lukou: DivisionCode = "320115005".parse()?;
/// assert_eq!(lukou.level(), DivisionLevel::Township);
/// assert!(DivisionLevel::County < DivisionLevel::Township);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum DivisionLevel {
    /// 省级: province, autonomous region, municipality (2 significant digits).
    Province,
    /// 地级: prefecture-level city or prefecture (4 significant digits).
    Prefecture,
    /// 县级: county, district, county-level city (6 digits).
    County,
    /// 乡级: town, township, street (9 digits, GB/T 10114).
    Township,
    /// 村级: village or community (12 digits, NBS statistical code).
    Village,
}

impl DivisionLevel {
    /// The level's name in lower case, as used in messages and data files.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionLevel;
    /// assert_eq!(DivisionLevel::Township.as_str(), "township");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Prefecture => "prefecture",
            Self::County => "county",
            Self::Township => "township",
            Self::Village => "village",
        }
    }
}

impl fmt::Display for DivisionLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for DivisionLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "province" => Self::Province,
            "prefecture" => Self::Prefecture,
            "county" => Self::County,
            "township" => Self::Township,
            "village" => Self::Village,
            other => return Err(format!("unknown division level {other:?}")),
        })
    }
}

/// GB/T 2260 province-level codes (including 71 Taiwan, 81 Hong Kong, 82 Macau).
pub(crate) const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// A division code (GB/T 2260 with the GB/T 10114 township and NBS village extensions).
///
/// Accepts 6, 9 or 12 digits and normalises to the shortest form of its level: a 12-digit code
/// ending in `000` is the township above it, and `320115000000` is the county `320115`. A code
/// identifies a place only within one yearly edition of the code list (ORG-07): keep the
/// edition beside it where that matters ([`Division::edition`]).
///
/// Containment is structural: a code contains every code that shares its significant digits.
/// The code is the place of a division, never a person's residence; the address part of a
/// resident ID is not used for matching (ID-03).
///
/// # Example
/// ```
/// use volunteer_service::{DivisionCode, DivisionLevel};
/// let jiangning: DivisionCode = "320115".parse()?;
/// let lukou: DivisionCode = "320115005".parse()?;
/// let community: DivisionCode = "320115005001".parse()?;
/// assert!(jiangning.contains(community));
/// assert_eq!(community.parent(), Some(lukou));
/// assert_eq!(jiangning.ancestor_at(DivisionLevel::Prefecture)?.to_string(), "320100");
/// assert_eq!("320115005000".parse::<DivisionCode>()?, lukou);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct DivisionCode(u64);

impl DivisionCode {
    /// The 12-digit form: every code as if it were a village code, padded with zeros.
    fn as_twelve(self) -> u64 {
        match self.digits() {
            6 => self.0 * 1_000_000,
            9 => self.0 * 1_000,
            _ => self.0,
        }
    }

    /// The number of digits of the canonical form: 6, 9 or 12.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionCode;
    /// assert_eq!("320115".parse::<DivisionCode>()?.digits(), 6);
    /// assert_eq!("320115005".parse::<DivisionCode>()?.digits(), 9);
    /// assert_eq!("320115005001".parse::<DivisionCode>()?.digits(), 12);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn digits(self) -> u8 {
        if self.0 < 1_000_000 {
            6
        } else if self.0 < 1_000_000_000 {
            9
        } else {
            12
        }
    }

    /// The code as an integer, such as `320115005` for Lukou street.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionCode;
    /// assert_eq!("320115005".parse::<DivisionCode>()?.get(), 320_115_005);
    /// // Trailing zero levels are dropped when parsing.
    /// assert_eq!("320115000000".parse::<DivisionCode>()?.get(), 320_115);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The level of the division.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DivisionCode, DivisionLevel};
    /// assert_eq!("320000".parse::<DivisionCode>()?.level(), DivisionLevel::Province);
    /// assert_eq!("320100".parse::<DivisionCode>()?.level(), DivisionLevel::Prefecture);
    /// assert_eq!("320115".parse::<DivisionCode>()?.level(), DivisionLevel::County);
    /// assert_eq!("320115005001".parse::<DivisionCode>()?.level(), DivisionLevel::Village);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn level(self) -> DivisionLevel {
        match self.digits() {
            12 => DivisionLevel::Village,
            9 => DivisionLevel::Township,
            _ if self.0.is_multiple_of(10_000) => DivisionLevel::Province,
            _ if self.0.is_multiple_of(100) => DivisionLevel::Prefecture,
            _ => DivisionLevel::County,
        }
    }

    /// The two-digit province part, such as `32` for Jiangsu.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the first two digits are below 100"
    )]
    pub fn province(self) -> u8 {
        (self.as_twelve() / 10_000_000_000) as u8
    }

    /// The code of the next level up, or `None` for a province.
    ///
    /// For a county directly under a province (digits 3–4 in the 90s, such as 429004) the
    /// parent is the structural prefecture code `429000`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionCode;
    /// let lukou: DivisionCode = "320115005".parse()?;
    /// assert_eq!(lukou.parent(), Some("320115".parse()?));
    /// assert_eq!("320000".parse::<DivisionCode>()?.parent(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn parent(self) -> Option<Self> {
        match self.level() {
            DivisionLevel::Province => None,
            DivisionLevel::Prefecture => Some(Self(self.0 / 10_000 * 10_000)),
            DivisionLevel::County => Some(Self(self.0 / 100 * 100)),
            DivisionLevel::Township | DivisionLevel::Village => Some(Self(self.0 / 1_000)),
        }
    }

    /// The ancestor (or the code itself) at `level`.
    ///
    /// # Errors
    /// [`DivisionCodeError::Gap`] if `level` is below the code's own level.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DivisionCode, DivisionLevel};
    /// let lukou: DivisionCode = "320115005".parse()?;
    /// assert_eq!(lukou.ancestor_at(DivisionLevel::Province)?.to_string(), "320000");
    /// assert_eq!(lukou.ancestor_at(DivisionLevel::Township)?, lukou);
    /// assert!(lukou.ancestor_at(DivisionLevel::Village).is_err()); // below the code
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn ancestor_at(self, level: DivisionLevel) -> Result<Self, DivisionCodeError> {
        if level > self.level() {
            return Err(DivisionCodeError::Gap {
                value: self.to_string(),
                level,
            });
        }
        let mut code = self;
        while code.level() > level {
            code = code.parent().unwrap_or(code);
        }
        Ok(code)
    }

    /// Whether `other` is this division or lies inside it.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionCode;
    /// let jiangning: DivisionCode = "320115".parse()?;
    /// assert!(jiangning.contains("320115005".parse()?));
    /// assert!(jiangning.contains(jiangning));
    /// assert!(!jiangning.contains("320100".parse()?)); // the city is above it
    /// assert!(!jiangning.contains("320116".parse()?));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn contains(self, other: Self) -> bool {
        let mask = match self.level() {
            DivisionLevel::Province => 10_000_000_000,
            DivisionLevel::Prefecture => 100_000_000,
            DivisionLevel::County => 1_000_000,
            DivisionLevel::Township => 1_000,
            DivisionLevel::Village => 1,
        };
        self.level() <= other.level() && other.as_twelve() / mask == self.as_twelve() / mask
    }

    /// The lowest division that contains both codes.
    ///
    /// `None` when they lie in different provinces.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionCode;
    /// let lukou: DivisionCode = "320115005".parse()?;
    /// let pukou: DivisionCode = "320111".parse()?;
    /// assert_eq!(lukou.common_ancestor(pukou), Some("320100".parse()?));
    /// assert_eq!(lukou.common_ancestor("110105".parse()?), None); // Beijing
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn common_ancestor(self, other: Self) -> Option<Self> {
        let mut a = self;
        loop {
            if a.contains(other) {
                return Some(a);
            }
            a = a.parent()?;
        }
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({})", self.0)
    }
}

impl FromStr for DivisionCode {
    type Err = DivisionCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shown = || s.chars().take(32).collect::<String>();
        let len = s.chars().count();
        if !matches!(len, 6 | 9 | 12) {
            return Err(DivisionCodeError::Length {
                value: shown(),
                len,
            });
        }
        if let Some(found) = s.chars().find(|c| !c.is_ascii_digit()) {
            return Err(DivisionCodeError::NotDigit {
                value: shown(),
                found,
            });
        }
        let mut value: u64 = s.parse().map_err(|_| DivisionCodeError::Length {
            value: shown(),
            len,
        })?;
        let mut twelve = value * 10_u64.pow(12 - u32::try_from(len).unwrap_or(12));
        let province = u8::try_from(twelve / 10_000_000_000).unwrap_or(0);
        if !PROVINCES.contains(&province) {
            return Err(DivisionCodeError::Province {
                value: shown(),
                province,
            });
        }
        // Parts from the top: prefecture (2 digits), county (2), township (3), village (3).
        let prefecture = twelve / 100_000_000 % 100;
        let county = twelve / 1_000_000 % 100;
        let township = twelve / 1_000 % 1_000;
        let village = twelve % 1_000;
        let gap = |level| {
            Err(DivisionCodeError::Gap {
                value: shown(),
                level,
            })
        };
        if prefecture == 0 && county != 0 {
            return gap(DivisionLevel::County);
        }
        if county == 0 && township != 0 {
            return gap(DivisionLevel::Township);
        }
        if township == 0 && village != 0 {
            return gap(DivisionLevel::Village);
        }
        // Normalise to the shortest form of the code's level.
        twelve = if village != 0 {
            twelve
        } else if township != 0 {
            twelve / 1_000
        } else {
            twelve / 1_000_000
        };
        value = twelve;
        Ok(Self(value))
    }
}

impl TryFrom<String> for DivisionCode {
    type Error = DivisionCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<DivisionCode> for String {
    fn from(c: DivisionCode) -> Self {
        c.to_string()
    }
}

/// One row of a division table: a code with its name, in one edition of the code list.
///
/// # Example
/// ```
/// use volunteer_service::DivisionTable;
/// let table = DivisionTable::from_csv(
///     2023,
///     "code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,prefecture,320000\n",
/// )?;
/// let nanjing = table.get("320100".parse()?).expect("loaded");
/// assert_eq!(nanjing.name(), "南京市");
/// assert_eq!(nanjing.edition(), 2023);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Division {
    code: DivisionCode,
    name: String,
    edition: u16,
}

impl Division {
    /// The division's code.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionTable;
    /// let table = DivisionTable::from_csv(2023, "code,name,level,parent_code\n320000,江苏省,province,\n")?;
    /// let row = table.iter().next().unwrap();
    /// assert_eq!(row.code(), "320000".parse()?);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn code(&self) -> DivisionCode {
        self.code
    }
    /// The division's name in the code list, such as `禄口街道`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionTable;
    /// let table = DivisionTable::from_csv(2023, "code,name,level,parent_code\n320000,江苏省,province,\n")?;
    /// assert_eq!(table.get("320000".parse()?).map(|d| d.name()), Some("江苏省"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The year of the code-list edition the row comes from.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionTable;
    /// let table = DivisionTable::from_csv(2021, "code,name,level,parent_code\n320000,江苏省,province,\n")?;
    /// assert!(table.iter().all(|d| d.edition() == 2021));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn edition(&self) -> u16 {
        self.edition
    }
}

/// Returned when a division table cannot be loaded.
///
/// # Example
/// ```
/// use volunteer_service::DivisionTable;
/// let err = DivisionTable::from_csv(2023, "code,name,level,parent_code\n320100,南京市,prefecture,320000\n")
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "division table line 2: parent 320000 of 320100 is not listed before it"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DivisionTableError {
    /// A line does not have the four columns `code,name,level,parent_code`.
    #[error(
        "division table line {line}: expected 4 columns code,name,level,parent_code, found {found}"
    )]
    Columns {
        /// 1-based line number.
        line: usize,
        /// The number of columns found.
        found: usize,
    },
    /// A code is malformed.
    #[error("division table line {line}: {source}")]
    Code {
        /// 1-based line number.
        line: usize,
        /// What is wrong with the code.
        source: DivisionCodeError,
    },
    /// The stated level disagrees with the code's.
    #[error("division table line {line}: {code} is a {actual} code, but the row says {stated:?}")]
    Level {
        /// 1-based line number.
        line: usize,
        /// The code.
        code: DivisionCode,
        /// The level implied by the code.
        actual: DivisionLevel,
        /// The level column.
        stated: String,
    },
    /// The parent is missing, listed later, or does not contain the code.
    #[error("division table line {line}: parent {parent} of {code} is not listed before it")]
    Parent {
        /// 1-based line number.
        line: usize,
        /// The code.
        code: DivisionCode,
        /// The stated parent.
        parent: String,
    },
    /// The same code appears twice.
    #[error("division table line {line}: {code} is listed twice")]
    Duplicate {
        /// 1-based line number.
        line: usize,
        /// The repeated code.
        code: DivisionCode,
    },
}

/// A table of named divisions from one edition of the code list, with parent links checked.
///
/// Load it from the CSV shape `code,name,level,parent_code` (the shape of the NBS-derived data
/// shipped in this crate's `data/` folder), parents before children.
///
/// # Example
/// ```
/// use volunteer_service::{DivisionLevel, DivisionTable};
/// let table = DivisionTable::from_csv(
///     2023,
///     "code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,prefecture,320000\n\
///      320115,江宁区,county,320100\n",
/// )?;
/// assert_eq!(table.len(), 3);
/// assert_eq!(table.at_level(DivisionLevel::County).map(|d| d.name()).collect::<Vec<_>>(), ["江宁区"]);
/// // A child listed before its parent is refused.
/// assert!(DivisionTable::from_csv(2023, "code,name,level,parent_code\n320100,南京市,prefecture,320000\n").is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DivisionTable {
    rows: BTreeMap<DivisionCode, Division>,
}

impl DivisionTable {
    /// Parses a CSV text with a header line and the columns `code,name,level,parent_code`.
    ///
    /// # Errors
    /// A [`DivisionTableError`] naming the line for a malformed code, a level that disagrees
    /// with the code, a parent that is missing or does not contain the child, or a duplicate.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DivisionTable, DivisionTableError};
    /// let table = DivisionTable::from_csv(2023, "code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,prefecture,320000\n")?;
    /// assert_eq!(table.len(), 2);
    /// // A level that disagrees with the code is refused, naming the line.
    /// let err = DivisionTable::from_csv(2023, "code,name,level,parent_code\n320000,江苏省,county,\n").unwrap_err();
    /// assert!(matches!(err, DivisionTableError::Level { line: 2, .. }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn from_csv(edition: u16, text: &str) -> Result<Self, DivisionTableError> {
        let mut rows = BTreeMap::new();
        for (index, raw) in text.lines().enumerate().skip(1) {
            let line = index + 1;
            let raw = raw.trim_end_matches('\r');
            if raw.is_empty() {
                continue;
            }
            let cols: Vec<&str> = raw.split(',').collect();
            if cols.len() != 4 {
                return Err(DivisionTableError::Columns {
                    line,
                    found: cols.len(),
                });
            }
            let code: DivisionCode = cols[0]
                .parse()
                .map_err(|source| DivisionTableError::Code { line, source })?;
            if cols[2] != code.level().as_str() {
                return Err(DivisionTableError::Level {
                    line,
                    code,
                    actual: code.level(),
                    stated: cols[2].to_owned(),
                });
            }
            let parent_ok = match (cols[3], code.level()) {
                ("", DivisionLevel::Province) => true,
                ("", _) => false,
                (p, _) => p.parse::<DivisionCode>().is_ok_and(|p| {
                    rows.contains_key(&p) && p.contains(code) && p.level() < code.level()
                }),
            };
            if !parent_ok {
                return Err(DivisionTableError::Parent {
                    line,
                    code,
                    parent: cols[3].to_owned(),
                });
            }
            let row = Division {
                code,
                name: cols[1].to_owned(),
                edition,
            };
            if rows.insert(code, row).is_some() {
                return Err(DivisionTableError::Duplicate { line, code });
            }
        }
        Ok(Self { rows })
    }

    /// The row for `code`, if listed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionTable;
    /// let table = DivisionTable::from_csv(2023, "code,name,level,parent_code\n320000,江苏省,province,\n")?;
    /// assert!(table.get("320000".parse()?).is_some());
    /// assert!(table.get("320100".parse()?).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn get(&self, code: DivisionCode) -> Option<&Division> {
        self.rows.get(&code)
    }

    /// The number of rows.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionTable;
    /// let table = DivisionTable::from_csv(2023, "code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,prefecture,320000\n")?;
    /// assert_eq!(table.len(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table is empty.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionTable;
    /// assert!(DivisionTable::from_csv(2023, "code,name,level,parent_code\n")?.is_empty());
    /// assert!(!DivisionTable::from_csv(2023, "code,name,level,parent_code\n320000,江苏省,province,\n")?.is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every row at `level`, in code order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DivisionLevel, DivisionTable};
    /// let table = DivisionTable::from_csv(
    ///     2023,
    ///     "code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,prefecture,320000\n\
    ///      320200,无锡市,prefecture,320000\n",
    /// )?;
    /// let cities: Vec<&str> = table.at_level(DivisionLevel::Prefecture).map(|d| d.name()).collect();
    /// assert_eq!(cities, ["南京市", "无锡市"]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn at_level(&self, level: DivisionLevel) -> impl Iterator<Item = &Division> + '_ {
        self.rows.values().filter(move |d| d.code.level() == level)
    }

    /// The listed divisions at `level` that lie inside `ancestor`, in code order: such as
    /// every village and community of a district.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{DivisionLevel, DivisionTable};
    /// let table = DivisionTable::from_csv(
    ///     2023,
    ///     "code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,prefecture,320000\n\
    ///      320115,江宁区,county,320100\n320115005,禄口街道,township,320115\n",
    /// )?;
    /// let towns: Vec<_> = table.within("320100".parse()?, DivisionLevel::Township).collect();
    /// assert_eq!(towns.len(), 1);
    /// assert_eq!(towns[0].name(), "禄口街道");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn within(
        &self,
        ancestor: DivisionCode,
        level: DivisionLevel,
    ) -> impl Iterator<Item = &Division> + '_ {
        self.rows
            .values()
            .filter(move |d| d.code.level() == level && ancestor.contains(d.code))
    }

    /// The listed divisions directly below `code`, in code order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionTable;
    /// let table = DivisionTable::from_csv(
    ///     2023,
    ///     "code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,prefecture,320000\n\
    ///      320115,江宁区,county,320100\n",
    /// )?;
    /// let below: Vec<&str> = table.children("320000".parse()?).map(|d| d.name()).collect();
    /// assert_eq!(below, ["南京市"]); // not the grandchild 江宁区
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn children(&self, code: DivisionCode) -> impl Iterator<Item = &Division> + '_ {
        self.rows
            .values()
            .filter(move |d| d.code != code && code.contains(d.code))
            .filter(move |d| {
                // Directly below: no listed division between them.
                let mut p = d.code.parent();
                while let Some(q) = p {
                    if q == code {
                        return true;
                    }
                    if self.rows.contains_key(&q) {
                        return false;
                    }
                    p = q.parent();
                }
                false
            })
    }

    /// Every row in code order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::DivisionTable;
    /// let table = DivisionTable::from_csv(
    ///     2023,
    ///     "code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,prefecture,320000\n",
    /// )?;
    /// let codes: Vec<String> = table.iter().map(|d| d.code().to_string()).collect();
    /// assert_eq!(codes, ["320000", "320100"]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Division> + '_ {
        self.rows.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(s: &str) -> DivisionCode {
        s.parse().unwrap()
    }

    #[test]
    fn levels() {
        assert_eq!(code("320000").level(), DivisionLevel::Province);
        assert_eq!(code("320100").level(), DivisionLevel::Prefecture);
        assert_eq!(code("320115").level(), DivisionLevel::County);
        assert_eq!(code("320115005").level(), DivisionLevel::Township);
        assert_eq!(code("320508019044").level(), DivisionLevel::Village);
    }

    #[test]
    fn twelve_digit_forms_normalise() {
        assert_eq!(code("320000000000"), code("320000"));
        assert_eq!(code("320115005000"), code("320115005"));
        assert_eq!(code("320115000"), code("320115"));
        assert_eq!(code("320115005000").to_string(), "320115005");
    }

    #[test]
    fn containment_is_structural() {
        let suzhou = code("320500");
        let gusu = code("320508");
        let community = code("320508019044");
        assert!(suzhou.contains(gusu) && suzhou.contains(community) && gusu.contains(community));
        assert!(!gusu.contains(suzhou));
        assert!(!code("320100").contains(community));
        assert!(community.contains(community));
        assert_eq!(
            community.common_ancestor(code("320506")),
            Some(code("320500"))
        );
        assert_eq!(code("320100").common_ancestor(code("110101")), None);
    }

    #[test]
    fn rejects_bad_codes() {
        assert!(matches!(
            "32011".parse::<DivisionCode>(),
            Err(DivisionCodeError::Length { len: 5, .. })
        ));
        assert!(matches!(
            "32a115".parse::<DivisionCode>(),
            Err(DivisionCodeError::NotDigit { found: 'a', .. })
        ));
        assert!(matches!(
            "990100".parse::<DivisionCode>(),
            Err(DivisionCodeError::Province { province: 99, .. })
        ));
        assert!(matches!(
            "320015".parse::<DivisionCode>(),
            Err(DivisionCodeError::Gap {
                level: DivisionLevel::County,
                ..
            })
        ));
        assert!(matches!(
            "320115000001".parse::<DivisionCode>(),
            Err(DivisionCodeError::Gap {
                level: DivisionLevel::Village,
                ..
            })
        ));
    }

    #[test]
    fn ancestor_below_own_level_is_an_error() {
        assert!(code("320115").ancestor_at(DivisionLevel::Village).is_err());
        assert_eq!(
            code("320508019044").ancestor_at(DivisionLevel::County),
            Ok(code("320508"))
        );
    }

    #[test]
    fn table_checks_parents_and_levels() {
        let ok = "code,name,level,parent_code\n320000,江苏省,province,\n320100,南京市,prefecture,320000\n320115,江宁区,county,320100\n320115005,禄口街道,township,320115\n";
        let t = DivisionTable::from_csv(2023, ok).unwrap();
        assert_eq!(t.len(), 4);
        let kids: Vec<_> = t.children(code("320100")).map(Division::code).collect();
        assert_eq!(kids, vec![code("320115")]);
        let bad_level = "code,name,level,parent_code\n320000,江苏省,county,\n";
        assert!(matches!(
            DivisionTable::from_csv(2023, bad_level),
            Err(DivisionTableError::Level { line: 2, .. })
        ));
        let dup = "code,name,level,parent_code\n320000,江苏省,province,\n320000,江苏省,province,\n";
        assert!(matches!(
            DivisionTable::from_csv(2023, dup),
            Err(DivisionTableError::Duplicate { line: 3, .. })
        ));
        let wrong_parent = "code,name,level,parent_code\n320000,江苏省,province,\n330100,杭州市,prefecture,320000\n";
        assert!(matches!(
            DivisionTable::from_csv(2023, wrong_parent),
            Err(DivisionTableError::Parent { line: 3, .. })
        ));
    }

    proptest! {
        #[test]
        fn parse_display_round_trips(
            p in prop::sample::select(PROVINCES.to_vec()),
            pre in 1_u64..100, county in 0_u64..100, town in 0_u64..1000, vil in 0_u64..1000,
        ) {
            let county = county.max(1);
            let s = format!("{p:02}{pre:02}{county:02}{town:03}{:03}", if town == 0 { 0 } else { vil });
            let c: DivisionCode = s.parse().unwrap();
            prop_assert_eq!(c.to_string().parse::<DivisionCode>().unwrap(), c);
            // Every ancestor contains the code, and the parent chain ends at the province.
            let mut a = c;
            while let Some(parent) = a.parent() {
                prop_assert!(parent.contains(c));
                prop_assert!(parent.level() < a.level());
                a = parent;
            }
            prop_assert_eq!(a.level(), DivisionLevel::Province);
        }
    }
}
