//! CSV import (feature `csv`) of volunteer rosters (花名册) and of service records kept on
//! paper or in another system (补录, REC-03).
//!
//! Every row is validated into domain types: ID checksums, dates, division codes,
//! qualifications, the volunteer and record builders' own rules. Every bad row is reported
//! with its line, its column (the header as written in the file) and the reason, rather than
//! stopping at the first; duplicates by identity document name both lines. By default the
//! import is all-or-nothing ([`RowPolicy::AllOrNothing`]); [`RowPolicy::KeepValid`] returns
//! the good rows with the report.
//!
//! Files from Chinese spreadsheet software are often GBK-encoded or start with a UTF-8 byte
//! order mark: [`decode`] detects both, and refuses input that is neither rather than guess
//! (it never produces mojibake).
//!
//! - [`RosterImport`]: rows → [`Volunteer`](crate::Volunteer) values; columns in its docs.
//! - [`RecordImport`]: rows → [`ServiceRecord`](crate::ServiceRecord) values with
//!   provenance [`Provenance::Import`](crate::Provenance::Import); columns in its docs.
//!
//! Header names are matched after trimming, dropping `*` marks (as templates mark required
//! columns) and, for Latin letters, ignoring case and treating spaces and `-` as `_`.
//! Cells are trimmed; an empty cell is a missing value; rows whose cells are all empty are
//! skipped. A leading `'` before a number (Excel's "keep as text" mark) is dropped.
//!
//! **Bounds.** Inputs larger than [`ImportOptions::max_bytes`] (64 MiB by default) are
//! refused before decoding; a record longer than 1 MiB refuses the input before it is
//! parsed (the CSV reader's buffers grow to several times the longest record); cells longer
//! than 4096 bytes are reported, not parsed; values
//! echoed in messages are cut to 40 characters, and ID and phone numbers are masked
//! (PRIV-03).
//!
//! # Example
//! ```
//! use volunteer_service::import::{RosterImport, RowPolicy, ImportOptions};
//! let csv = "姓名,身份证号,志愿者编号,手机号\n\
//!            张三,360426199101010071,JS-2021-000001,13912345678\n\
//!            李四,360426199101010072,JS-2021-000002,\n";
//! let import = RosterImport::new(1_626_739_200_000)
//!     .options(ImportOptions::default().rows(RowPolicy::KeepValid));
//! let done = import.read(csv.as_bytes())?;
//! assert_eq!(done.values().len(), 1);
//! assert_eq!(
//!     done.report().rejected()[0].to_string(),
//!     "line 3, column 身份证号: resident id 3****************2 has check character '2': \
//!      expected '1' (ISO 7064 MOD 11-2)"
//! );
//! # Ok::<(), volunteer_service::Error>(())
//! ```

mod cells;
mod records;
mod roster;
mod table;
mod text;

use std::fmt;

use crate::{
    DivisionCodeError, EmailError, IdDocument, IdDocumentError, ParseIdError, PersonNameError,
    PhoneNumberError, QualificationError, RecordError, SpanError, TagError, VolunteerError,
    VolunteerNo, VolunteerNoError,
};

pub use records::{RecordImport, VolunteerIndex, VolunteerLookup};
pub use roster::RosterImport;
pub use text::{Decode, Implausible, TextEncoding, decode};

/// The default limit on an input's size: 64 MiB.
pub const DEFAULT_MAX_BYTES: usize = 64 << 20;

/// What an import does when some rows are bad.
///
/// # Example
/// ```
/// use volunteer_service::import::RowPolicy;
/// assert_eq!(RowPolicy::default(), RowPolicy::AllOrNothing);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum RowPolicy {
    /// Import nothing if any row is bad: the error lists every bad row.
    #[default]
    AllOrNothing,
    /// Import the good rows and report the bad ones.
    KeepValid,
}

/// What an import does with a header it does not know.
///
/// # Example
/// ```
/// use volunteer_service::import::UnknownColumns;
/// assert_eq!(UnknownColumns::default(), UnknownColumns::Reject);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum UnknownColumns {
    /// Refuse the input, so that a misspelt optional column is not silently dropped.
    #[default]
    Reject,
    /// Ignore unknown columns (such as a serial number column 序号).
    Ignore,
}

/// Options shared by both imports: row policy, decoding, unknown columns, size limit.
///
/// # Example
/// ```
/// use volunteer_service::import::{Decode, ImportOptions, RowPolicy, UnknownColumns};
/// let o = ImportOptions::default()
///     .rows(RowPolicy::KeepValid)
///     .decode(Decode::Gb18030)
///     .unknown_columns(UnknownColumns::Ignore)
///     .max_bytes(1 << 20);
/// assert_eq!(o.row_policy(), RowPolicy::KeepValid);
/// assert_eq!(o.limit(), 1 << 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImportOptions {
    rows: RowPolicy,
    decode: Decode,
    unknown_columns: UnknownColumns,
    max_bytes: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            rows: RowPolicy::AllOrNothing,
            decode: Decode::Detect,
            unknown_columns: UnknownColumns::Reject,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

impl ImportOptions {
    /// Sets the row policy.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy};
    /// # let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n李四,360426199101010072,JS-2\n";
    /// // Line 3's resident ID has a wrong check digit.
    /// assert!(RosterImport::new(0).read(csv.as_bytes()).is_err()); // all or nothing by default
    /// let done = RosterImport::new(0).options(ImportOptions::default().rows(RowPolicy::KeepValid)).read(csv.as_bytes())?;
    /// assert_eq!((done.report().accepted(), done.report().rejected().len()), (1, 1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn rows(mut self, policy: RowPolicy) -> Self {
        self.rows = policy;
        self
    }

    /// Sets how bytes are decoded.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{Decode, ImportError, ImportOptions, RosterImport, TextEncoding};
    /// // 张三 in GBK: D5 C5 C8 FD.
    /// let gbk = b"name,document_number,volunteer_no\n\xD5\xC5\xC8\xFD,360426199101010071,JS-1\n";
    /// let gb = RosterImport::new(0).options(ImportOptions::default().decode(Decode::Gb18030)).read(gbk)?;
    /// assert_eq!(gb.report().encoding(), TextEncoding::Gb18030);
    /// assert_eq!(gb.values()[0].name().as_str(), "张三");
    /// let utf8_only = RosterImport::new(0).options(ImportOptions::default().decode(Decode::Utf8));
    /// assert!(matches!(utf8_only.read(gbk), Err(ImportError::Utf8 { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn decode(mut self, decode: Decode) -> Self {
        self.decode = decode;
        self
    }

    /// Sets what happens to unknown columns.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportError, ImportOptions, RosterImport, UnknownColumns};
    /// let csv = "序号,姓名,身份证号,志愿者编号\n1,张三,360426199101010071,JS-1\n";
    /// assert!(matches!(RosterImport::new(0).read(csv.as_bytes()), Err(ImportError::UnknownColumn { .. })));
    /// let lenient = ImportOptions::default().unknown_columns(UnknownColumns::Ignore);
    /// assert_eq!(RosterImport::new(0).options(lenient).read(csv.as_bytes())?.values().len(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn unknown_columns(mut self, unknown: UnknownColumns) -> Self {
        self.unknown_columns = unknown;
        self
    }

    /// Sets the largest input accepted, in bytes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportError, ImportOptions, RosterImport};
    /// let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n";
    /// let small = RosterImport::new(0).options(ImportOptions::default().max_bytes(16));
    /// assert!(matches!(small.read(csv.as_bytes()), Err(ImportError::TooLarge { limit: 16, .. })));
    /// ```
    #[must_use]
    pub const fn max_bytes(mut self, limit: usize) -> Self {
        self.max_bytes = limit;
        self
    }

    /// The row policy.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RowPolicy};
    /// assert_eq!(ImportOptions::default().row_policy(), RowPolicy::AllOrNothing);
    /// assert_eq!(ImportOptions::default().rows(RowPolicy::KeepValid).row_policy(), RowPolicy::KeepValid);
    /// ```
    pub const fn row_policy(&self) -> RowPolicy {
        self.rows
    }

    /// The largest input accepted, in bytes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, DEFAULT_MAX_BYTES};
    /// assert_eq!(ImportOptions::default().limit(), DEFAULT_MAX_BYTES);
    /// assert_eq!(ImportOptions::default().max_bytes(1024).limit(), 1024);
    /// ```
    pub const fn limit(&self) -> usize {
        self.max_bytes
    }
}

/// Returned when an import is refused as a whole: unreadable bytes, a bad header, or (under
/// [`RowPolicy::AllOrNothing`]) bad rows.
///
/// # Example
/// ```
/// use volunteer_service::import::{ImportError, RosterImport};
/// let err = RosterImport::new(0).read("姓名,手机号\n张三,13912345678\n".as_bytes()).unwrap_err();
/// assert_eq!(err, ImportError::MissingColumn { column: "document_number (证件号码, 身份证号)" });
/// assert_eq!(err.to_string(), "header has no column document_number (证件号码, 身份证号): it is required");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The input is larger than the limit.
    #[error("input has {len} bytes: more than the limit of {limit}")]
    TooLarge {
        /// The input's size.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The input is not UTF-8 although it starts with a UTF-8 byte order mark, or UTF-8
    /// was required.
    #[error("input is not valid utf-8 at byte {offset}")]
    Utf8 {
        /// The offset of the first invalid byte.
        offset: usize,
    },
    /// The input is neither UTF-8 nor well-formed GB18030 (GBK).
    #[error(
        "input is neither utf-8 (invalid at byte {utf8_offset}) nor gbk/gb18030: refusing to \
         guess the encoding"
    )]
    NotText {
        /// The offset of the first byte that is not UTF-8.
        utf8_offset: usize,
    },
    /// The input decodes only to implausible text, so its encoding is unknown.
    #[error(
        "input decodes only to implausible text ({reason}; not utf-8 from byte {utf8_offset}): \
         refusing to guess the encoding"
    )]
    Implausible {
        /// The offset of the first byte that is not UTF-8 (the input's length when all of
        /// it is).
        utf8_offset: usize,
        /// What made the text implausible.
        reason: Implausible,
    },
    /// A record (row) is longer than the limit, so the input is not parsed.
    #[error("record at line {line} is longer than {limit} bytes")]
    RecordTooLong {
        /// The line where the record starts.
        line: u64,
        /// The limit.
        limit: usize,
    },
    /// The input has no header row.
    #[error("input has no header row")]
    Empty,
    /// A required column is absent.
    #[error("header has no column {column}: it is required")]
    MissingColumn {
        /// The column's name and main Chinese aliases.
        column: &'static str,
    },
    /// Two header cells name the same column.
    #[error("header names column {column} twice: in positions {first} and {second}")]
    DuplicateColumn {
        /// The column's canonical name.
        column: &'static str,
        /// 1-based position of the first.
        first: usize,
        /// 1-based position of the second.
        second: usize,
    },
    /// A header cell names no known column (with [`UnknownColumns::Reject`]).
    #[error("header has unknown column {header:?} in position {position}")]
    UnknownColumn {
        /// The header as written, cut to 40 characters (masked if it has a run of 7 or more
        /// digits, as a data row taken for a header may).
        header: String,
        /// Its 1-based position.
        position: usize,
    },
    /// The CSV reader failed.
    #[error("csv error at line {line}: {message}")]
    Csv {
        /// The line.
        line: u64,
        /// The reader's message.
        message: String,
    },
    /// Some rows were bad, so nothing was imported ([`RowPolicy::AllOrNothing`]).
    #[error(
        "{} of {rows} rows rejected, nothing imported; first: {}",
        LinesOf(rejected),
        FirstOf(rejected)
    )]
    Rejected {
        /// The number of data rows read.
        rows: usize,
        /// Every bad row's problems, in line order.
        rejected: Vec<RowError>,
    },
}

struct LinesOf<'a>(&'a [RowError]);

impl fmt::Display for LinesOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines: Vec<u64> = self.0.iter().map(RowError::line).collect();
        lines.dedup();
        write!(f, "{}", lines.len())
    }
}

struct FirstOf<'a>(&'a [RowError]);

impl fmt::Display for FirstOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.first() {
            Some(e) => fmt::Display::fmt(e, f),
            None => f.write_str("none"),
        }
    }
}

/// What is wrong with a cell or a row.
///
/// Values echoed in messages are cut to 40 characters, and masked when they look like an ID
/// or phone number (a run of 7 or more digits): a cell whose own error would echo such a
/// value is reported as [`Unrecognised`](Self::Unrecognised) with the value masked.
///
/// # Example
/// ```
/// use volunteer_service::import::{ImportError, RosterImport};
/// let csv = "name,document_number,volunteer_no,home_division,tags\n\
///            张三,360426199101010071,JS-1,13912345678,no.1234567\n";
/// let err = RosterImport::new(0).read(csv.as_bytes()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "1 of 1 rows rejected, nothing imported; first: line 2, column home_division: \
///      division code \"1*********8\" has 11 characters: expected 6, 9 or 12 digits"
/// );
/// let ImportError::Rejected { rejected, .. } = err else { unreachable!() };
/// assert_eq!(
///     rejected[1].to_string(),
///     "line 2, column tags: \"n********7\" is not valid here (a value with a run of 7 or \
///      more digits, shown masked)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowProblem {
    /// A required cell is empty.
    #[error("value is required")]
    Missing,
    /// The row has a different number of cells than the header.
    #[error("row has {found} cells: expected {expected} as in the header")]
    CellCount {
        /// The header's cell count.
        expected: usize,
        /// The row's.
        found: usize,
    },
    /// A cell is longer than 4096 bytes; it is not parsed.
    #[error("cell has {len} bytes: expected at most 4096")]
    CellTooLong {
        /// The cell's length in bytes.
        len: usize,
    },
    /// A cell is not in a recognised form.
    #[error("{value:?} is not {expected}")]
    Unrecognised {
        /// The cell's value, cut to 40 characters and masked if it has a run of 7 or more
        /// digits.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A typed ID failed to parse.
    #[error(transparent)]
    Id(#[from] ParseIdError),
    /// A person's name is invalid.
    #[error(transparent)]
    Name(#[from] PersonNameError),
    /// A volunteer number is invalid.
    #[error(transparent)]
    VolunteerNo(#[from] VolunteerNoError),
    /// An identity document number is invalid (checksums, birth dates, provinces).
    #[error(transparent)]
    Document(#[from] IdDocumentError),
    /// A phone number is invalid.
    #[error(transparent)]
    Phone(#[from] PhoneNumberError),
    /// An e-mail address is invalid.
    #[error(transparent)]
    Email(#[from] EmailError),
    /// A division code is invalid.
    #[error(transparent)]
    Division(#[from] DivisionCodeError),
    /// A tag is invalid.
    #[error(transparent)]
    Tag(#[from] TagError),
    /// A qualification grant is invalid.
    #[error(transparent)]
    Qualification(#[from] QualificationError),
    /// A qualification name is not in the qualification graph.
    #[error("qualification {name:?} is not in the qualification graph")]
    UnknownQualification {
        /// The name, cut to 40 characters.
        name: String,
    },
    /// The row's fields do not make a valid volunteer (e.g. birth date differs from the ID).
    #[error(transparent)]
    Volunteer(#[from] VolunteerError),
    /// The row's fields do not make a valid service record.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The served interval is empty or not whole minutes.
    #[error(transparent)]
    Span(#[from] SpanError),
    /// The volunteer named by the row is not known.
    #[error("no volunteer known with {key}")]
    UnknownVolunteer {
        /// How the row named the volunteer, masked.
        key: VolunteerKey,
    },
    /// Another row has the same identity document (VOL-05).
    #[error("identity document {document} is also on line {first_line} (VOL-05)")]
    DuplicateDocument {
        /// The earlier line.
        first_line: u64,
        /// The document (masked in messages).
        document: IdDocument,
    },
    /// Another row has the same volunteer number.
    #[error("volunteer number {number} is also on line {first_line}")]
    DuplicateVolunteerNo {
        /// The earlier line.
        first_line: u64,
        /// The number.
        number: VolunteerNo,
    },
    /// Another row records the same volunteer, activity and served interval.
    #[error("the same volunteer, activity and served interval are also on line {first_line}")]
    DuplicateRecord {
        /// The earlier line.
        first_line: u64,
    },
}

/// How a service-record row names its volunteer; `Display` masks the document.
///
/// # Example
/// ```
/// use volunteer_service::{IdDocument, import::VolunteerKey};
/// let k = VolunteerKey::Document(IdDocument::parse(None, "360426199101010071")?);
/// assert_eq!(k.to_string(), "identity document resident_id 3****************1");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VolunteerKey {
    /// By identity document.
    Document(IdDocument),
    /// By volunteer number.
    Number(VolunteerNo),
}

impl fmt::Display for VolunteerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Document(d) => write!(f, "identity document {d}"),
            Self::Number(n) => write!(f, "volunteer number {n}"),
        }
    }
}

/// A bad row: its line, the column (as written in the header) when one cell is at fault,
/// and the problem.
///
/// # Example
/// ```
/// use volunteer_service::import::{RowError, RowProblem};
/// let e = RowError::new(4, Some("性别".into()), RowProblem::Missing);
/// assert_eq!(e.to_string(), "line 4, column 性别: value is required");
/// assert_eq!((e.line(), e.column(), e.problem()), (4, Some("性别"), &RowProblem::Missing));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RowError {
    line: u64,
    column: Option<String>,
    problem: RowProblem,
}

impl RowError {
    /// A problem on `line` (1-based, the header is line 1), in `column` if one cell is at
    /// fault.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{RowError, RowProblem};
    /// let e = RowError::new(3, None, RowProblem::Missing);
    /// assert_eq!(e.to_string(), "line 3: value is required");
    /// assert_eq!((e.line(), e.column()), (3, None));
    /// ```
    pub const fn new(line: u64, column: Option<String>, problem: RowProblem) -> Self {
        Self {
            line,
            column,
            problem,
        }
    }

    /// The 1-based line where the row starts.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy};
    /// # let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n李四,360426199101010072,JS-2\n";
    /// // Line 3's resident ID has a wrong check digit.
    /// let done = RosterImport::new(0).options(ImportOptions::default().rows(RowPolicy::KeepValid)).read(csv.as_bytes())?;
    /// assert_eq!(done.report().rejected()[0].line(), 3);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn line(&self) -> u64 {
        self.line
    }

    /// The column's header as written in the file, if one cell is at fault.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy};
    /// # let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n李四,360426199101010072,JS-2\n";
    /// // Line 3's resident ID has a wrong check digit.
    /// let done = RosterImport::new(0).options(ImportOptions::default().rows(RowPolicy::KeepValid)).read(csv.as_bytes())?;
    /// assert_eq!(done.report().rejected()[0].column(), Some("身份证号")); // as written in the header
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn column(&self) -> Option<&str> {
        self.column.as_deref()
    }

    /// The problem.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy, RowProblem};
    /// # let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n李四,360426199101010072,JS-2\n";
    /// // Line 3's resident ID has a wrong check digit.
    /// let done = RosterImport::new(0).options(ImportOptions::default().rows(RowPolicy::KeepValid)).read(csv.as_bytes())?;
    /// assert!(matches!(done.report().rejected()[0].problem(), RowProblem::Document(_)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn problem(&self) -> &RowProblem {
        &self.problem
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.problem),
            None => write!(f, "line {}: {}", self.line, self.problem),
        }
    }
}

/// The report of an import: the encoding read, the rows read and accepted, and every bad
/// row's problems. `Display` prints a summary line and one line per problem.
///
/// # Example
/// ```
/// use volunteer_service::import::RosterImport;
/// let done = RosterImport::new(0).read(
///     "name,document_number,volunteer_no\n张三,360426199101010071,JS-1\n".as_bytes())?;
/// assert_eq!(done.report().to_string(), "1 of 1 rows imported (utf-8), 0 rejected");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    encoding: TextEncoding,
    rows: usize,
    accepted: usize,
    rejected: Vec<RowError>,
}

impl ImportReport {
    /// The encoding the input was read in.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{RosterImport, TextEncoding};
    /// let bom = "\u{feff}姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n";
    /// let done = RosterImport::new(0).read(bom.as_bytes())?;
    /// assert_eq!(done.report().encoding(), TextEncoding::Utf8Bom);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// The number of data rows read (blank rows not counted).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy};
    /// let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n\n李四,360426199101010072,JS-2\n";
    /// // Two data rows (the blank line is not counted); the second is bad.
    /// let done = RosterImport::new(0).options(ImportOptions::default().rows(RowPolicy::KeepValid)).read(csv.as_bytes())?;
    /// assert_eq!(done.report().rows(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn rows(&self) -> usize {
        self.rows
    }

    /// The number of rows imported.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy};
    /// # let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n李四,360426199101010072,JS-2\n";
    /// // Line 3's resident ID has a wrong check digit.
    /// let done = RosterImport::new(0).options(ImportOptions::default().rows(RowPolicy::KeepValid)).read(csv.as_bytes())?;
    /// assert_eq!((done.report().rows(), done.report().accepted()), (2, 1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn accepted(&self) -> usize {
        self.accepted
    }

    /// Every problem found, in line order (a row may have several).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy};
    /// # let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n李四,360426199101010072,JS-2\n";
    /// // Line 3's resident ID has a wrong check digit.
    /// let done = RosterImport::new(0).options(ImportOptions::default().rows(RowPolicy::KeepValid)).read(csv.as_bytes())?;
    /// let lines: Vec<u64> = done.report().rejected().iter().map(|e| e.line()).collect();
    /// assert_eq!(lines, [3]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn rejected(&self) -> &[RowError] {
        &self.rejected
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} rows imported ({}), {} rejected",
            self.accepted,
            self.rows,
            self.encoding,
            LinesOf(&self.rejected)
        )?;
        for e in &self.rejected {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// The result of an import: the values built from the good rows, each with its line, and
/// the report.
///
/// # Example
/// ```
/// use volunteer_service::import::RosterImport;
/// let done = RosterImport::new(0).read(
///     "name,document_number,volunteer_no\n张三,360426199101010071,JS-1\n".as_bytes())?;
/// assert_eq!(done.lines(), &[2]);
/// assert_eq!(done.into_values()[0].name().as_str(), "张三");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported<T> {
    values: Vec<T>,
    lines: Vec<u64>,
    report: ImportReport,
}

impl<T> Imported<T> {
    /// The imported values, in line order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::RosterImport;
    /// # let csv = "name,document_number,volunteer_no\n张三,360426199101010071,JS-1\n李四,320115199001010012,JS-2\n";
    /// let done = RosterImport::new(0).read(csv.as_bytes())?;
    /// let names: Vec<&str> = done.values().iter().map(|v| v.name().as_str()).collect();
    /// assert_eq!(names, ["张三", "李四"]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn values(&self) -> &[T] {
        &self.values
    }

    /// The line each value came from.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy};
    /// # let csv = "姓名,身份证号,志愿者编号\n李四,360426199101010072,JS-2\n张三,360426199101010071,JS-1\n";
    /// // Line 2's resident ID has a wrong check digit; line 3 is imported.
    /// let done = RosterImport::new(0).options(ImportOptions::default().rows(RowPolicy::KeepValid)).read(csv.as_bytes())?;
    /// assert_eq!(done.lines(), [3]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn lines(&self) -> &[u64] {
        &self.lines
    }

    /// The report.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::RosterImport;
    /// # let csv = "name,document_number,volunteer_no\n张三,360426199101010071,JS-1\n李四,320115199001010012,JS-2\n";
    /// let done = RosterImport::new(0).read(csv.as_bytes())?;
    /// assert_eq!(done.report().to_string(), "2 of 2 rows imported (utf-8), 0 rejected");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn report(&self) -> &ImportReport {
        &self.report
    }

    /// The imported values.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{import::RosterImport, VolunteerId};
    /// # let csv = "name,document_number,volunteer_no\n张三,360426199101010071,JS-1\n李四,320115199001010012,JS-2\n";
    /// let volunteers = RosterImport::new(7).read(csv.as_bytes())?.into_values();
    /// // Generated ids are VolunteerId::from_parts(batch, line).
    /// assert_eq!(volunteers[1].id(), VolunteerId::from_parts(7, 3));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn into_values(self) -> Vec<T> {
        self.values
    }
}

#[cfg(test)]
mod tests;
