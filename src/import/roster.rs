//! Volunteer rosters (志愿者花名册) into [`Volunteer`] values.

use std::collections::BTreeMap;

use super::table::{self, Column, Row};
use super::{ImportError, ImportOptions, Imported, RowProblem, cells};
use crate::{
    Contact, DivisionCode, Email, IdDocument, IdDocumentKey, PersonName, PhoneNumber,
    QualificationGraph, RegistrationChannel, Tag, Volunteer, VolunteerError, VolunteerId,
    VolunteerNo,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    VolunteerNo,
    Name,
    DocumentKind,
    DocumentNumber,
    BirthDate,
    Sex,
    Phone,
    Email,
    HomeDivision,
    Tags,
    Qualifications,
}

impl Column for Col {
    const ALL: &'static [Self] = &[
        Self::Id,
        Self::VolunteerNo,
        Self::Name,
        Self::DocumentKind,
        Self::DocumentNumber,
        Self::BirthDate,
        Self::Sex,
        Self::Phone,
        Self::Email,
        Self::HomeDivision,
        Self::Tags,
        Self::Qualifications,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::VolunteerNo => "volunteer_no",
            Self::Name => "name",
            Self::DocumentKind => "document_kind",
            Self::DocumentNumber => "document_number",
            Self::BirthDate => "birth_date",
            Self::Sex => "sex",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::HomeDivision => "home_division",
            Self::Tags => "tags",
            Self::Qualifications => "qualifications",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Id => &["volunteer_id", "志愿者id"],
            Self::VolunteerNo => &["volunteer_number", "志愿者编号", "志愿者号", "编号"],
            Self::Name => &["姓名", "名字"],
            Self::DocumentKind => &["id_type", "证件类型"],
            Self::DocumentNumber => &[
                "id_number",
                "证件号码",
                "证件号",
                "身份证号",
                "身份证号码",
                "身份证",
            ],
            Self::BirthDate => &["出生日期", "生日"],
            Self::Sex => &["gender", "性别"],
            Self::Phone => &["mobile", "手机号", "手机号码", "手机", "联系电话", "电话"],
            Self::Email => &["e_mail", "电子邮箱", "邮箱", "电子邮件"],
            Self::HomeDivision => &[
                "division_code",
                "居住地区划代码",
                "区划代码",
                "行政区划代码",
            ],
            Self::Tags => &["标签"],
            Self::Qualifications => &["资质", "资格证书"],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::VolunteerNo => "volunteer_no (志愿者编号)",
            Self::Name => "name (姓名)",
            Self::DocumentNumber => "document_number (证件号码, 身份证号)",
            Self::BirthDate => "birth_date (出生日期)",
            Self::Sex => "sex (性别)",
            other => other.name(),
        }
    }
}

/// Imports a volunteer roster (志愿者花名册): one [`Volunteer`] per row, registered through
/// [`RegistrationChannel::Import`] unless [`channel`](Self::channel) says otherwise.
///
/// # Columns
/// Header names in English or Chinese; `*` marks a required column.
///
/// | column | aliases | value |
/// |---|---|---|
/// | `name`* | 姓名, 名字 | [`PersonName`] |
/// | `document_number`* | 证件号码, 证件号, 身份证号, 身份证号码, 身份证, `id_number` | the ID number (checksum, birth date, province checked; 15-digit numbers converted) or another document's number |
/// | `volunteer_no`* | 志愿者编号, 志愿者号, 编号, `volunteer_number` | [`VolunteerNo`] (never the ID number, VOL-06) |
/// | `document_kind` | 证件类型, `id_type` | 居民身份证 (default), 护照, 港澳居民来往内地通行证, 台湾居民来往大陆通行证, 港澳台居民居住证, 外国人永久居留身份证, or the snake-case kind |
/// | `birth_date` | 出生日期, 生日 | `YYYY-MM-DD`, `YYYY/M/D`, `YYYYMMDD`, `YYYY年M月D日`; taken from a resident ID when empty, required for other documents; must match the ID (ID-06) |
/// | `sex` | 性别, `gender` | 男/女, `male`/`female`, `M`/`F`; as `birth_date` |
/// | `phone` | 手机号, 手机号码, 手机, 联系电话, 电话, `mobile` | [`PhoneNumber`] |
/// | `email` | 电子邮箱, 邮箱, 电子邮件, `e_mail` | [`Email`] |
/// | `home_division` | 居住地区划代码, 区划代码, 行政区划代码, `division_code` | [`DivisionCode`] |
/// | `tags` | 标签 | [`Tag`]s separated by `;`, `；` or `、` |
/// | `qualifications` | 资质, 资格证书 | `name@YYYY-MM-DD` entries (kind name in the [`QualificationGraph`] given to [`qualifications`](Self::qualifications), grant date), separated as tags; expiry from the kind's default validity |
/// | `id` | 志愿者ID, `volunteer_id` | a [`VolunteerId`]; when absent, `VolunteerId::from_parts(batch, line)` |
///
/// Rows with the same identity document (VOL-05) or the same volunteer number are
/// reported on the later line, naming the earlier one.
///
/// # Example
/// ```
/// use volunteer_service::import::{ImportError, RosterImport, RowProblem};
/// let csv = "姓名,身份证号,志愿者编号,性别\n\
///            张三,360426199101010071,JS-1,男\n\
///            张三,360426199101010071,JS-2,女\n";
/// let err = RosterImport::new(0).read(csv.as_bytes()).unwrap_err();
/// let ImportError::Rejected { rows: 2, rejected } = err else { unreachable!() };
/// assert_eq!(rejected.len(), 2);
/// assert!(matches!(rejected[0].problem(), RowProblem::DuplicateDocument { first_line: 2, .. }));
/// assert_eq!(rejected[1].to_string(),
///     "line 3, column 性别: volunteer 00000000-0000-7000-8000-000000000003 declared sex female, \
///      which does not match the resident id (ID-06)");
/// ```
#[derive(Debug, Clone)]
pub struct RosterImport<'g> {
    batch: u64,
    channel: RegistrationChannel,
    graph: Option<&'g QualificationGraph>,
    options: ImportOptions,
}

impl RosterImport<'static> {
    /// An import whose generated volunteer ids are `VolunteerId::from_parts(batch, line)`:
    /// give each import its own `batch` (a Unix time in milliseconds) so ids never collide.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{import::RosterImport, RegistrationChannel, VolunteerId};
    /// let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n";
    /// let all = RosterImport::new(42).read(csv.as_bytes())?.into_values();
    /// let v = &all[0];
    /// assert_eq!(v.id(), VolunteerId::from_parts(42, 2)); // (batch, line)
    /// assert_eq!(v.channel(), RegistrationChannel::Import);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn new(batch: u64) -> Self {
        Self {
            batch,
            channel: RegistrationChannel::Import,
            graph: None,
            options: ImportOptions {
                rows: super::RowPolicy::AllOrNothing,
                decode: super::Decode::Detect,
                unknown_columns: super::UnknownColumns::Reject,
                max_bytes: super::DEFAULT_MAX_BYTES,
            },
        }
    }
}

impl RosterImport<'_> {
    /// Sets the options.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RosterImport, RowPolicy};
    /// # let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n李四,360426199101010072,JS-2\n";
    /// // Line 3's resident ID has a wrong check digit.
    /// let done = RosterImport::new(0).options(ImportOptions::default().rows(RowPolicy::KeepValid)).read(csv.as_bytes())?;
    /// assert_eq!(done.values().len(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn options(mut self, options: ImportOptions) -> Self {
        self.options = options;
        self
    }

    /// Sets the registration channel of the imported volunteers (default
    /// [`RegistrationChannel::Import`]).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{import::RosterImport, RegistrationChannel};
    /// let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n";
    /// let import = RosterImport::new(0).channel(RegistrationChannel::Website);
    /// assert_eq!(import.read(csv.as_bytes())?.values()[0].channel(), RegistrationChannel::Website);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn channel(mut self, channel: RegistrationChannel) -> Self {
        self.channel = channel;
        self
    }

    /// The qualification kinds that the `qualifications` column names.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{import::RosterImport, QualificationGraph, QualificationId, QualificationKind};
    /// let first_aid = QualificationId::from_parts(1, 1);
    /// let mut graph = QualificationGraph::new();
    /// graph.add_kind(QualificationKind::new(first_aid, "急救员", Some(36))?)?;
    /// let csv = "姓名,身份证号,志愿者编号,资质\n张三,360426199101010071,JS-1,急救员@2021-03-01\n";
    /// let all = RosterImport::new(0).qualifications(&graph).read(csv.as_bytes())?.into_values();
    /// let v = &all[0];
    /// assert_eq!(v.qualifications()[0].qualification(), first_aid);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn qualifications(self, graph: &QualificationGraph) -> RosterImport<'_> {
        RosterImport {
            batch: self.batch,
            channel: self.channel,
            graph: Some(graph),
            options: self.options,
        }
    }

    /// Reads a roster.
    ///
    /// # Errors
    /// [`ImportError`]: the input is too large or not text, the header lacks a required
    /// column or names one twice or names an unknown one, or (under
    /// [`RowPolicy::AllOrNothing`](super::RowPolicy::AllOrNothing)) any row is bad:
    /// [`ImportError::Rejected`] lists every problem.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportError, RosterImport};
    /// let csv = "姓名,身份证号,志愿者编号\n张三,360426199101010071,JS-1\n";
    /// assert_eq!(RosterImport::new(0).read(csv.as_bytes())?.values()[0].name().as_str(), "张三");
    /// let no_number = "姓名,身份证号\n张三,360426199101010071\n";
    /// assert!(matches!(RosterImport::new(0).read(no_number.as_bytes()), Err(ImportError::MissingColumn { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn read(&self, bytes: &[u8]) -> Result<Imported<Volunteer>, ImportError> {
        let mut documents: BTreeMap<IdDocumentKey, u64> = BTreeMap::new();
        let mut numbers: BTreeMap<VolunteerNo, u64> = BTreeMap::new();
        table::run(
            bytes,
            self.options,
            |h| {
                h.require(Col::Name)?;
                h.require(Col::DocumentNumber)?;
                h.require(Col::VolunteerNo)
            },
            |row| self.volunteer(row, &mut documents, &mut numbers),
        )
    }

    fn volunteer(
        &self,
        row: &mut Row<'_, Col>,
        documents: &mut BTreeMap<IdDocumentKey, u64>,
        numbers: &mut BTreeMap<VolunteerNo, u64>,
    ) -> Option<Volunteer> {
        let id = row
            .optional(Col::Id, str::parse::<VolunteerId>)
            .unwrap_or_else(|| VolunteerId::from_parts(self.batch, row.line()));
        let number = row.required(Col::VolunteerNo, VolunteerNo::new);
        let name = row.required(Col::Name, PersonName::new);
        let kind = if row.get(Col::DocumentKind).is_some() {
            row.optional(Col::DocumentKind, cells::document_kind)
        } else {
            Some(None)
        };
        let document = match kind {
            Some(kind) => row.required(Col::DocumentNumber, |s| IdDocument::parse(kind, s)),
            None => None,
        };
        duplicates(row, documents, numbers, document.as_ref(), number.as_ref());
        let resident = document.as_ref().and_then(IdDocument::resident_id).copied();
        let birth_date = match row.optional(Col::BirthDate, cells::date) {
            Some(d) => Some(d),
            None if row.get(Col::BirthDate).is_some() => None,
            None => match (&document, resident) {
                (_, Some(r)) => Some(r.birth_date()),
                (Some(_), None) => {
                    row.fail(Some(Col::BirthDate), RowProblem::Missing);
                    None
                }
                (None, None) => None,
            },
        };
        let sex = match row.optional(Col::Sex, cells::sex) {
            Some(s) => Some(s),
            None if row.get(Col::Sex).is_some() => None,
            None => match (&document, resident) {
                (_, Some(r)) => Some(r.sex()),
                (Some(_), None) => {
                    row.fail(Some(Col::Sex), RowProblem::Missing);
                    None
                }
                (None, None) => None,
            },
        };
        let phone = row.optional(Col::Phone, PhoneNumber::new);
        let email = row.optional(Col::Email, Email::new);
        let division = row.optional(Col::HomeDivision, str::parse::<DivisionCode>);
        let tags: Vec<Tag> = list(row.get(Col::Tags))
            .filter_map(|t| match Tag::new(t) {
                Ok(t) => Some(t),
                Err(e) => {
                    row.fail_cell(Col::Tags, t, e);
                    None
                }
            })
            .collect();
        let grants: Vec<_> = list(row.get(Col::Qualifications))
            .filter_map(|entry| match self.grant(entry) {
                Ok(g) => Some(g),
                Err(e) => {
                    row.fail_cell(Col::Qualifications, entry, e);
                    None
                }
            })
            .collect();
        let (number, name, document, birth_date, sex) =
            (number?, name?, document?, birth_date?, sex?);
        let mut b = Volunteer::builder(id, number, name, document)
            .birth_date(birth_date)
            .sex(sex)
            .channel(self.channel)
            .contact(Contact::new(phone, email))
            .tags(tags);
        if let Some(d) = division {
            b = b.home_division(d);
        }
        for g in grants {
            b = b.qualification(g);
        }
        match b.build() {
            Ok(v) => Some(v),
            Err(e) => {
                let column = match e {
                    VolunteerError::BirthDateMismatch { .. } => Some(Col::BirthDate),
                    VolunteerError::SexMismatch { .. } => Some(Col::Sex),
                    _ => None,
                };
                row.fail(column, e);
                None
            }
        }
    }

    fn grant(&self, entry: &str) -> Result<crate::QualificationGrant, RowProblem> {
        let (name, date) = entry
            .split_once(['@', '＠'])
            .ok_or_else(|| cells::unrecognised(entry, "a qualification as name@YYYY-MM-DD"))?;
        let granted_on = cells::date(date.trim())?;
        let name = name.trim();
        let kind = self
            .graph
            .and_then(|g| g.kinds().find(|k| k.name() == name))
            .ok_or_else(|| RowProblem::UnknownQualification {
                name: name.chars().take(40).collect(),
            })?;
        let graph = self.graph.ok_or(RowProblem::Missing)?;
        Ok(graph.grant_with_default_validity(kind.id(), granted_on, None)?)
    }
}

/// Reports a document or volunteer number already seen on an earlier line, and remembers
/// new ones (also from rows that fail otherwise: a duplicate is worth reporting either way).
fn duplicates(
    row: &mut Row<'_, Col>,
    documents: &mut BTreeMap<IdDocumentKey, u64>,
    numbers: &mut BTreeMap<VolunteerNo, u64>,
    document: Option<&IdDocument>,
    number: Option<&VolunteerNo>,
) {
    let line = row.line();
    if let Some(document) = document {
        match documents.get(&document.key()) {
            Some(&first_line) => row.fail(
                Some(Col::DocumentNumber),
                RowProblem::DuplicateDocument {
                    first_line,
                    document: document.clone(),
                },
            ),
            None => {
                documents.insert(document.key(), line);
            }
        }
    }
    if let Some(number) = number {
        match numbers.get(number) {
            Some(&first_line) => row.fail(
                Some(Col::VolunteerNo),
                RowProblem::DuplicateVolunteerNo {
                    first_line,
                    number: number.clone(),
                },
            ),
            None => {
                numbers.insert(number.clone(), line);
            }
        }
    }
}

/// Splits a list cell on `;`, `；` and `、`, dropping empty entries.
fn list(cell: Option<&str>) -> impl Iterator<Item = &str> {
    cell.unwrap_or("")
        .split([';', '；', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}
