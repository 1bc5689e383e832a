//! Service records kept on paper or in another system (补录, REC-03) into
//! [`ServiceRecord`] values with provenance [`Provenance::Import`].

use core::fmt;
use std::collections::BTreeMap;

use chrono::{FixedOffset, NaiveDate, NaiveTime, Offset, Utc};

use super::table::{self, Column, Row};
use super::{ImportError, ImportOptions, Imported, RowProblem, VolunteerKey, cells};
use crate::{
    ActivityId, Actor, IdDocument, IdDocumentKey, OrgId, Provenance, RecordError, RecordId,
    ServiceRecord, TimeSpan, Volunteer, VolunteerId, VolunteerNo, VolunteerRegistry,
};

/// Finds the volunteer a service-record row names by identity document or volunteer
/// number.
///
/// Implemented by [`VolunteerRegistry`] and by [`VolunteerIndex`] (for volunteers just
/// imported with [`RosterImport`](super::RosterImport)).
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, import::{VolunteerIndex, VolunteerKey, VolunteerLookup}};
/// let v = doc_fixtures::volunteer();
/// let index = VolunteerIndex::new([&v]);
/// assert_eq!(index.find(&VolunteerKey::Number(v.volunteer_no().clone())), Some(v.id()));
/// ```
pub trait VolunteerLookup {
    /// The volunteer with this document or number, if known.
    fn find(&self, key: &VolunteerKey) -> Option<VolunteerId>;
}

impl VolunteerLookup for VolunteerRegistry {
    fn find(&self, key: &VolunteerKey) -> Option<VolunteerId> {
        match key {
            VolunteerKey::Document(d) => self.by_document(d),
            VolunteerKey::Number(n) => self.by_volunteer_no(n),
        }
        .map(Volunteer::id)
    }
}

/// An index of volunteers by identity document and volunteer number.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, import::{VolunteerIndex, VolunteerKey, VolunteerLookup}};
/// let v = doc_fixtures::volunteer();
/// let index = VolunteerIndex::new([&v]);
/// assert_eq!(index.find(&VolunteerKey::Document(v.document().clone())), Some(v.id()));
/// assert_eq!(index.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolunteerIndex {
    documents: BTreeMap<IdDocumentKey, VolunteerId>,
    numbers: BTreeMap<VolunteerNo, VolunteerId>,
}

impl VolunteerIndex {
    /// Indexes `volunteers`; on a repeated document or number the first volunteer wins.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, import::VolunteerIndex};
    /// let (a, b) = (doc_fixtures::volunteer(), doc_fixtures::child());
    /// assert_eq!(VolunteerIndex::new([&a, &b]).len(), 2);
    /// assert_eq!(VolunteerIndex::new([&a, &a]).len(), 1); // a repeated document is indexed once
    /// ```
    pub fn new<'a>(volunteers: impl IntoIterator<Item = &'a Volunteer>) -> Self {
        let mut index = Self::default();
        for v in volunteers {
            index.documents.entry(v.document().key()).or_insert(v.id());
            index
                .numbers
                .entry(v.volunteer_no().clone())
                .or_insert(v.id());
        }
        index
    }

    /// The number of documents indexed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, import::VolunteerIndex};
    /// assert_eq!(VolunteerIndex::new([&doc_fixtures::volunteer(), &doc_fixtures::child()]).len(), 2);
    /// assert_eq!(VolunteerIndex::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// Whether the index is empty.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, import::VolunteerIndex};
    /// assert!(VolunteerIndex::default().is_empty());
    /// assert!(!VolunteerIndex::new([&doc_fixtures::volunteer()]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}

impl VolunteerLookup for VolunteerIndex {
    fn find(&self, key: &VolunteerKey) -> Option<VolunteerId> {
        match key {
            VolunteerKey::Document(d) => self.documents.get(&d.key()).copied(),
            VolunteerKey::Number(n) => self.numbers.get(n).copied(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    VolunteerId,
    DocumentKind,
    DocumentNumber,
    VolunteerNo,
    Name,
    ActivityId,
    ActivityName,
    Place,
    Beneficiary,
    Content,
    Date,
    Start,
    End,
    Duration,
    Evaluation,
    Kind,
}

impl Column for Col {
    const ALL: &'static [Self] = &[
        Self::Id,
        Self::VolunteerId,
        Self::DocumentKind,
        Self::DocumentNumber,
        Self::VolunteerNo,
        Self::Name,
        Self::ActivityId,
        Self::ActivityName,
        Self::Place,
        Self::Beneficiary,
        Self::Content,
        Self::Date,
        Self::Start,
        Self::End,
        Self::Duration,
        Self::Evaluation,
        Self::Kind,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::VolunteerId => "volunteer_id",
            Self::DocumentKind => "document_kind",
            Self::DocumentNumber => "document_number",
            Self::VolunteerNo => "volunteer_no",
            Self::Name => "name",
            Self::ActivityId => "activity_id",
            Self::ActivityName => "activity_name",
            Self::Place => "place",
            Self::Beneficiary => "beneficiary",
            Self::Content => "content",
            Self::Date => "date",
            Self::Start => "start",
            Self::End => "end",
            Self::Duration => "duration",
            Self::Evaluation => "evaluation",
            Self::Kind => "kind",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Id => &["record_id", "记录id", "记录编号"],
            Self::VolunteerId => &["志愿者id"],
            Self::DocumentKind => &["id_type", "证件类型"],
            Self::DocumentNumber => &[
                "id_number",
                "证件号码",
                "证件号",
                "身份证号",
                "身份证号码",
                "身份证",
            ],
            Self::VolunteerNo => &["volunteer_number", "志愿者编号", "志愿者号"],
            Self::Name => &["姓名"],
            Self::ActivityId => &["活动id"],
            Self::ActivityName => &["活动名称", "项目名称", "活动"],
            Self::Place => &["服务地点", "地点"],
            Self::Beneficiary => &["服务对象"],
            Self::Content => &["服务内容", "内容"],
            Self::Date => &["服务日期", "日期"],
            Self::Start => &["开始时间"],
            Self::End => &["结束时间"],
            Self::Duration => &["服务时长", "时长"],
            Self::Evaluation => &["服务评价", "评价"],
            Self::Kind => &["记录类型", "类型"],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::ActivityId => "activity_id (活动ID), or a default activity",
            Self::ActivityName => "activity_name (活动名称)",
            Self::Place => "place (服务地点)",
            Self::Beneficiary => "beneficiary (服务对象)",
            Self::Content => "content (服务内容)",
            Self::Date => "date (服务日期)",
            Self::Start => "start (开始时间)",
            Self::End => "end (结束时间)",
            Self::VolunteerId => {
                "volunteer_id, document_number (身份证号) or volunteer_no (志愿者编号)"
            }
            other => other.name(),
        }
    }
}

/// Imports service records kept on paper or in another system (补录, REC-03): one
/// [`ServiceRecord`] per row, organised by the given organiser (REC-06), entered by the
/// given recorder (never the volunteer, REC-08), with provenance [`Provenance::Import`].
///
/// # Columns
/// Header names in English or Chinese; `*` marks a required column. A row names its
/// volunteer by `volunteer_id`, or else by `document_number` (with `document_kind`), or else
/// by `volunteer_no`, looked up with the [`VolunteerLookup`] given to
/// [`volunteers`](Self::volunteers); the header needs at least one of the three.
///
/// | column | aliases | value |
/// |---|---|---|
/// | `activity_name`* | 活动名称, 项目名称, 活动 | text, 1–500 characters |
/// | `place`* | 服务地点, 地点 | text |
/// | `beneficiary`* | 服务对象 | text |
/// | `content`* | 服务内容, 内容 | text |
/// | `date`* | 服务日期, 日期 | the local date the service started, as in the roster |
/// | `start`*, `end`* | 开始时间, 结束时间 | `HH:MM` in the import's offset (+08:00 by default); an end at or before the start is on the next day |
/// | `duration` | 服务时长, 时长 | credited time, `H:MM` or hours such as `3.5` (whole minutes, at most the served interval); default the served interval |
/// | `evaluation` | 服务评价, 评价 | text |
/// | `kind` | 记录类型, 类型 | 服务 (default), 培训, 演练, or `service`/`training`/`drill` |
/// | `volunteer_id` | 志愿者ID | a [`VolunteerId`] |
/// | `document_number`, `document_kind` | 身份证号, 证件号码, …; 证件类型 | as in [`RosterImport`](super::RosterImport) |
/// | `volunteer_no` | 志愿者编号, 志愿者号 | a [`VolunteerNo`] |
/// | `activity_id` | 活动ID | an [`ActivityId`]; required unless [`activity`](Self::activity) gives a default |
/// | `id` | 记录ID, 记录编号, `record_id` | a [`RecordId`]; when absent, `RecordId::from_parts(batch, line)` |
/// | `name` | 姓名 | read for people checking the file; not compared |
///
/// Two rows with the same volunteer, activity and served interval are reported on the
/// later line, naming the earlier one.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, ActivityId, Minutes, Provenance};
/// use volunteer_service::import::{RecordImport, VolunteerIndex};
/// let v = doc_fixtures::volunteer();
/// let index = VolunteerIndex::new([&v]);
/// let csv = "身份证号,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长\n\
///            360426199101010071,核酸检测点登记,禄口街道,居民,登记,2021-07-21,08:00,12:00,3.5\n";
/// let import = RecordImport::new(1_626_739_200_000, doc_fixtures::organiser(), doc_fixtures::recorder())
///     .activity(ActivityId::from_parts(0, 9))
///     .volunteers(&index);
/// let records = import.read(csv.as_bytes())?.into_values();
/// assert_eq!(records[0].volunteer(), v.id());
/// assert_eq!(records[0].duration(), Minutes::new(210));
/// assert_eq!(records[0].provenance(), Provenance::Import);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone)]
pub struct RecordImport<'l> {
    batch: u64,
    organiser: OrgId,
    recorder: Actor,
    activity: Option<ActivityId>,
    offset: FixedOffset,
    lookup: Option<&'l dyn VolunteerLookup>,
    options: ImportOptions,
}

impl fmt::Debug for RecordImport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordImport")
            .field("batch", &self.batch)
            .field("organiser", &self.organiser)
            .field("recorder", &self.recorder)
            .field("activity", &self.activity)
            .field("offset", &self.offset)
            .field("lookup", &self.lookup.map(|_| "…"))
            .field("options", &self.options)
            .finish()
    }
}

impl RecordImport<'static> {
    /// An import of records organised by `organiser` and entered by `recorder`; generated
    /// record ids are `RecordId::from_parts(batch, line)`, so give each import its own
    /// `batch` (a Unix time in milliseconds).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::RecordId;
    /// use volunteer_service::import::{RecordImport, VolunteerIndex};
    /// # use volunteer_service::{doc_fixtures, ActivityId};
    /// # let v = doc_fixtures::volunteer(); // 张三, resident ID 360426199101010071
    /// # let index = VolunteerIndex::new([&v]);
    /// # let csv = "身份证号,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长\n\
    /// #            360426199101010071,核酸检测点登记,禄口街道,居民,登记,2021-07-21,08:00,12:00,3.5\n";
    /// let import = RecordImport::new(1_626_739_200_000, doc_fixtures::organiser(), doc_fixtures::recorder())
    ///     .activity(ActivityId::from_parts(0, 9))
    ///     .volunteers(&index);
    /// let all = import.read(csv.as_bytes())?.into_values();
    /// let rec = &all[0];
    /// assert_eq!((rec.organiser(), rec.recorder()), (doc_fixtures::organiser(), doc_fixtures::recorder()));
    /// assert_eq!(rec.id(), RecordId::from_parts(1_626_739_200_000, 2)); // (batch, line)
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(batch: u64, organiser: OrgId, recorder: Actor) -> Self {
        Self {
            batch,
            organiser,
            recorder,
            activity: None,
            offset: FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix()),
            lookup: None,
            options: ImportOptions::default(),
        }
    }
}

impl RecordImport<'_> {
    /// Sets the options.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{ImportOptions, RecordImport, RowPolicy, VolunteerIndex};
    /// # use volunteer_service::{doc_fixtures, ActivityId};
    /// # let v = doc_fixtures::volunteer(); // 张三, resident ID 360426199101010071
    /// # let index = VolunteerIndex::new([&v]);
    /// # let csv = "身份证号,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长\n\
    /// #            360426199101010071,核酸检测点登记,禄口街道,居民,登记,2021-07-21,08:00,12:00,3.5\n";
    /// // A second row names a volunteer the index does not know.
    /// let csv = format!("{csv}320115199001010012,核酸检测点登记,禄口街道,居民,登记,2021-07-22,08:00,12:00,4\n");
    /// let import = RecordImport::new(1, doc_fixtures::organiser(), doc_fixtures::recorder())
    ///     .activity(ActivityId::from_parts(0, 9)).volunteers(&index);
    /// assert!(import.read(csv.as_bytes()).is_err()); // all or nothing by default
    /// let keep = import.options(ImportOptions::default().rows(RowPolicy::KeepValid));
    /// assert_eq!(keep.read(csv.as_bytes())?.report().accepted(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn options(mut self, options: ImportOptions) -> Self {
        self.options = options;
        self
    }

    /// The activity of rows without an `activity_id`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{RecordImport, VolunteerIndex};
    /// # use volunteer_service::{doc_fixtures, ActivityId};
    /// # let v = doc_fixtures::volunteer(); // 张三, resident ID 360426199101010071
    /// # let index = VolunteerIndex::new([&v]);
    /// # let csv = "身份证号,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长\n\
    /// #            360426199101010071,核酸检测点登记,禄口街道,居民,登记,2021-07-21,08:00,12:00,3.5\n";
    /// let import = RecordImport::new(1, doc_fixtures::organiser(), doc_fixtures::recorder()).volunteers(&index);
    /// assert!(import.read(csv.as_bytes()).is_err()); // no activity_id column and no default
    /// let import = import.activity(ActivityId::from_parts(0, 9));
    /// assert_eq!(import.read(csv.as_bytes())?.values()[0].activity(), ActivityId::from_parts(0, 9));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn activity(mut self, activity: ActivityId) -> Self {
        self.activity = Some(activity);
        self
    }

    /// The UTC offset of the `start` and `end` times (default +08:00, China Standard Time).
    ///
    /// # Example
    /// ```
    /// use chrono::FixedOffset;
    /// use volunteer_service::import::{RecordImport, VolunteerIndex};
    /// # use volunteer_service::{doc_fixtures, ActivityId};
    /// # let v = doc_fixtures::volunteer(); // 张三, resident ID 360426199101010071
    /// # let index = VolunteerIndex::new([&v]);
    /// # let csv = "身份证号,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长\n\
    /// #            360426199101010071,核酸检测点登记,禄口街道,居民,登记,2021-07-21,08:00,12:00,3.5\n";
    /// // The row says 08:00–12:00; read it as UTC instead of China Standard Time.
    /// let import = RecordImport::new(1, doc_fixtures::organiser(), doc_fixtures::recorder())
    ///     .activity(ActivityId::from_parts(0, 9)).volunteers(&index)
    ///     .offset(FixedOffset::east_opt(0).expect("UTC"));
    /// let all = import.read(csv.as_bytes())?.into_values();
    /// let rec = &all[0];
    /// assert_eq!(rec.served().start(), doc_fixtures::at("2021-07-21T08:00:00Z"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub const fn offset(mut self, offset: FixedOffset) -> Self {
        self.offset = offset;
        self
    }

    /// How rows that name a volunteer by document or number are resolved.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::import::{RecordImport, VolunteerIndex};
    /// # use volunteer_service::{doc_fixtures, ActivityId};
    /// # let v = doc_fixtures::volunteer(); // 张三, resident ID 360426199101010071
    /// # let index = VolunteerIndex::new([&v]);
    /// # let csv = "身份证号,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长\n\
    /// #            360426199101010071,核酸检测点登记,禄口街道,居民,登记,2021-07-21,08:00,12:00,3.5\n";
    /// let import = RecordImport::new(1, doc_fixtures::organiser(), doc_fixtures::recorder())
    ///     .activity(ActivityId::from_parts(0, 9));
    /// assert!(import.read(csv.as_bytes()).is_err()); // nobody to resolve the ID number against
    /// let all = import.volunteers(&index).read(csv.as_bytes())?.into_values();
    /// let rec = &all[0];
    /// assert_eq!(rec.volunteer(), v.id());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn volunteers(self, lookup: &dyn VolunteerLookup) -> RecordImport<'_> {
        RecordImport {
            batch: self.batch,
            organiser: self.organiser,
            recorder: self.recorder,
            activity: self.activity,
            offset: self.offset,
            lookup: Some(lookup),
            options: self.options,
        }
    }

    /// Reads service records.
    ///
    /// # Errors
    /// [`ImportError`]: the input is too large or not text, the header lacks a required
    /// column (or any way to name the volunteer, or an activity without a default), names
    /// one twice or an unknown one, or (under
    /// [`RowPolicy::AllOrNothing`](super::RowPolicy::AllOrNothing)) any row is bad:
    /// [`ImportError::Rejected`] lists every problem.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Minutes;
    /// use volunteer_service::import::{RecordImport, VolunteerIndex};
    /// # use volunteer_service::{doc_fixtures, ActivityId};
    /// # let v = doc_fixtures::volunteer(); // 张三, resident ID 360426199101010071
    /// # let index = VolunteerIndex::new([&v]);
    /// # let csv = "身份证号,活动名称,服务地点,服务对象,服务内容,服务日期,开始时间,结束时间,服务时长\n\
    /// #            360426199101010071,核酸检测点登记,禄口街道,居民,登记,2021-07-21,08:00,12:00,3.5\n";
    /// let import = RecordImport::new(1, doc_fixtures::organiser(), doc_fixtures::recorder())
    ///     .activity(ActivityId::from_parts(0, 9)).volunteers(&index);
    /// let done = import.read(csv.as_bytes())?;
    /// assert_eq!(done.report().accepted(), 1);
    /// assert_eq!(done.values()[0].duration(), Minutes::new(210)); // 3.5 h
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn read(&self, bytes: &[u8]) -> Result<Imported<ServiceRecord>, ImportError> {
        let mut seen: BTreeMap<(VolunteerId, ActivityId, i64, i64), u64> = BTreeMap::new();
        table::run(
            bytes,
            self.options,
            |h| {
                for c in [
                    Col::ActivityName,
                    Col::Place,
                    Col::Beneficiary,
                    Col::Content,
                    Col::Date,
                    Col::Start,
                    Col::End,
                ] {
                    h.require(c)?;
                }
                if !(h.has(Col::VolunteerId)
                    || h.has(Col::DocumentNumber)
                    || h.has(Col::VolunteerNo))
                {
                    h.require(Col::VolunteerId)?;
                }
                if self.activity.is_none() {
                    h.require(Col::ActivityId)?;
                }
                Ok(())
            },
            |row| {
                let record = self.record(row)?;
                let key = (
                    record.volunteer(),
                    record.activity(),
                    record.served().start().timestamp(),
                    record.served().end().timestamp(),
                );
                if let Some(&first_line) = seen.get(&key) {
                    row.fail(None, RowProblem::DuplicateRecord { first_line });
                } else {
                    seen.insert(key, row.line());
                }
                Some(record)
            },
        )
    }

    fn volunteer(&self, row: &mut Row<'_, Col>) -> Option<VolunteerId> {
        if row.get(Col::VolunteerId).is_some() {
            return row.optional(Col::VolunteerId, str::parse::<VolunteerId>);
        }
        let (column, key) = if row.get(Col::DocumentNumber).is_some() {
            let kind = match row.get(Col::DocumentKind) {
                Some(_) => row.optional(Col::DocumentKind, cells::document_kind)?,
                None => None,
            };
            let document = row.optional(Col::DocumentNumber, |s| IdDocument::parse(kind, s))?;
            (Col::DocumentNumber, VolunteerKey::Document(document))
        } else if row.get(Col::VolunteerNo).is_some() {
            let number = row.optional(Col::VolunteerNo, VolunteerNo::new)?;
            (Col::VolunteerNo, VolunteerKey::Number(number))
        } else {
            let column = [Col::VolunteerId, Col::DocumentNumber, Col::VolunteerNo]
                .into_iter()
                .find(|c| row.has(*c))
                .unwrap_or(Col::VolunteerId);
            row.fail(Some(column), RowProblem::Missing);
            return None;
        };
        let found = self.lookup.and_then(|l| l.find(&key));
        if found.is_none() {
            row.fail(Some(column), RowProblem::UnknownVolunteer { key });
        }
        found
    }

    fn served(&self, row: &mut Row<'_, Col>) -> Option<TimeSpan> {
        let date = row.required(Col::Date, cells::date);
        let start = row.required(Col::Start, cells::time);
        let end = row.required(Col::End, cells::time);
        let (date, start, end) = (date?, start?, end?);
        let at =
            |d: NaiveDate, t: NaiveTime| d.and_time(t).and_local_timezone(self.offset).single();
        let end_day = if end <= start {
            date.succ_opt()
        } else {
            Some(date)
        };
        let (Some(s), Some(e)) = (at(date, start), end_day.and_then(|d| at(d, end))) else {
            row.fail(
                Some(Col::Date),
                cells::unrecognised(&date.to_string(), "a date with a representable time"),
            );
            return None;
        };
        match TimeSpan::new(s, e) {
            Ok(span) => Some(span),
            Err(err) => {
                row.fail(Some(Col::End), err);
                None
            }
        }
    }

    fn record(&self, row: &mut Row<'_, Col>) -> Option<ServiceRecord> {
        let text = |s: &str| Ok::<_, RowProblem>(s.to_owned());
        let id = row
            .optional(Col::Id, str::parse::<RecordId>)
            .unwrap_or_else(|| RecordId::from_parts(self.batch, row.line()));
        let volunteer = self.volunteer(row);
        let activity = match row.get(Col::ActivityId) {
            Some(_) => row.optional(Col::ActivityId, str::parse::<ActivityId>),
            None => self.activity,
        };
        let activity_name = row.required(Col::ActivityName, text);
        let place = row.required(Col::Place, text);
        let beneficiary = row.required(Col::Beneficiary, text);
        let content = row.required(Col::Content, text);
        let evaluation = row.optional(Col::Evaluation, text);
        let kind = row.optional(Col::Kind, cells::record_kind);
        let served = self.served(row);
        let duration = row.optional(Col::Duration, cells::duration);
        let served = served?;
        let mut b = ServiceRecord::builder(id, volunteer?, self.organiser, activity?)
            .activity_name(activity_name?)
            .place(place?)
            .beneficiary(beneficiary?)
            .content(content?)
            .served(served)
            .duration(duration.unwrap_or_else(|| served.minutes()))
            .recorder(self.recorder)
            .kind(kind.unwrap_or_default())
            .provenance(Provenance::Import);
        if let Some(e) = evaluation {
            b = b.evaluation(e);
        }
        match b.build() {
            Ok(r) => Some(r),
            Err(e) => {
                let column = match &e {
                    RecordError::Text { field, .. } | RecordError::Missing { field, .. } => {
                        Col::ALL.iter().copied().find(|c| c.name() == *field)
                    }
                    RecordError::ZeroDuration { .. }
                    | RecordError::DurationExceedsServed { .. } => Some(Col::Duration),
                    _ => None,
                };
                row.fail(column, e);
                None
            }
        }
    }
}
