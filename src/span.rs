//! Half-open time spans of instants with their offset, and dated validity periods.

use core::fmt;

use chrono::{DateTime, Days, FixedOffset, NaiveDate};

use crate::Minutes;

/// Returned when a span or period is empty or reversed.
///
/// # Example
/// ```
/// use chrono::DateTime;
/// use volunteer_service::TimeSpan;
/// let t = DateTime::parse_from_rfc3339("2021-07-21T08:00:00+08:00")?;
/// let err = TimeSpan::new(t, t).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "span end 2021-07-21 08:00:00 +08:00 is not after its start 2021-07-21 08:00:00 +08:00"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpanError {
    /// `end <= start` for a span of instants.
    #[error("span end {end} is not after its start {start}")]
    EndNotAfterStart {
        /// The start instant.
        start: DateTime<FixedOffset>,
        /// The rejected end instant.
        end: DateTime<FixedOffset>,
    },
    /// `until <= from` for a dated period.
    #[error("period end {until} is not after its start {from}")]
    PeriodEndNotAfterStart {
        /// The first day.
        from: NaiveDate,
        /// The rejected end day (exclusive).
        until: NaiveDate,
    },
    /// The span is longer than [`Minutes`] can hold or not a whole number of minutes.
    #[error("span from {start} to {end} is not a whole number of minutes")]
    NotWholeMinutes {
        /// The start instant.
        start: DateTime<FixedOffset>,
        /// The end instant.
        end: DateTime<FixedOffset>,
    },
}

/// A half-open interval `[start, end)` of instants, each kept with its UTC offset.
///
/// Spans may cross midnight and may use any offset; comparison and overlap use the instants,
/// so `08:00+08:00` and `00:00Z` are the same moment. Whole-minute lengths only: a span's
/// [`minutes`](Self::minutes) is exact.
///
/// # Example
/// ```
/// use chrono::DateTime;
/// use volunteer_service::TimeSpan;
/// let night = TimeSpan::new(
///     DateTime::parse_from_rfc3339("2021-07-21T22:00:00+08:00")?,
///     DateTime::parse_from_rfc3339("2021-07-22T06:00:00+08:00")?,
/// )?;
/// let morning = TimeSpan::new(
///     DateTime::parse_from_rfc3339("2021-07-22T05:30:00+08:00")?,
///     DateTime::parse_from_rfc3339("2021-07-22T12:00:00+08:00")?,
/// )?;
/// assert!(night.overlaps(&morning));
/// assert_eq!(night.minutes().get(), 480);
/// assert_eq!(night.local_days().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SpanWire", into = "SpanWire"))]
pub struct TimeSpan {
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct SpanWire {
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
}

#[cfg(feature = "serde")]
impl TryFrom<SpanWire> for TimeSpan {
    type Error = SpanError;
    fn try_from(w: SpanWire) -> Result<Self, SpanError> {
        TimeSpan::new(w.start, w.end)
    }
}

#[cfg(feature = "serde")]
impl From<TimeSpan> for SpanWire {
    fn from(s: TimeSpan) -> Self {
        SpanWire {
            start: s.start,
            end: s.end,
        }
    }
}

impl TimeSpan {
    /// Builds `[start, end)`.
    ///
    /// # Errors
    /// [`SpanError::EndNotAfterStart`] if `end <= start`; [`SpanError::NotWholeMinutes`] if
    /// the length is not a whole number of minutes or exceeds `u32::MAX` minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::at, SpanError, TimeSpan};
    /// let s = TimeSpan::new(at("2021-07-21T08:00:00+08:00"), at("2021-07-21T12:00:00+08:00"))?;
    /// assert_eq!(s.minutes().get(), 240);
    /// // Empty, reversed and part-minute spans are refused.
    /// let (start, end) = (at("2021-07-21T12:00:00+08:00"), at("2021-07-21T08:00:00+08:00"));
    /// assert_eq!(TimeSpan::new(start, end), Err(SpanError::EndNotAfterStart { start, end }));
    /// assert!(TimeSpan::new(at("2021-07-21T08:00:00+08:00"), at("2021-07-21T08:00:30+08:00")).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
    ) -> Result<Self, SpanError> {
        if end <= start {
            return Err(SpanError::EndNotAfterStart { start, end });
        }
        if Minutes::try_from_delta(end - start).is_err() {
            return Err(SpanError::NotWholeMinutes { start, end });
        }
        Ok(Self { start, end })
    }

    /// The first instant inside the span.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures::{at, span};
    /// let s = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// assert_eq!(s.start(), at("2021-07-21T08:00:00+08:00"));
    /// assert!(s.contains_instant(s.start()));
    /// ```
    pub const fn start(&self) -> DateTime<FixedOffset> {
        self.start
    }

    /// The first instant after the span.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures::{at, span};
    /// let s = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// assert_eq!(s.end(), at("2021-07-21T12:00:00+08:00"));
    /// assert!(!s.contains_instant(s.end())); // half-open
    /// ```
    pub const fn end(&self) -> DateTime<FixedOffset> {
        self.end
    }

    /// The exact length in minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::span, Minutes};
    /// // 22:00 to 06:00 the next morning.
    /// let night = span("2021-07-21T22:00:00+08:00", "2021-07-22T06:00:00+08:00");
    /// assert_eq!(night.minutes(), Minutes::new(480));
    /// ```
    pub fn minutes(&self) -> Minutes {
        // Checked in `new`.
        Minutes::try_from_delta(self.end - self.start).unwrap_or(Minutes::ZERO)
    }

    /// Whether the two spans share at least one instant. Touching spans (`a.end == b.start`)
    /// do not overlap.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures::span;
    /// let morning = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// let noon = span("2021-07-21T11:00:00+08:00", "2021-07-21T13:00:00+08:00");
    /// let afternoon = span("2021-07-21T12:00:00+08:00", "2021-07-21T16:00:00+08:00");
    /// assert!(morning.overlaps(&noon));
    /// assert!(!morning.overlaps(&afternoon)); // they only touch
    /// ```
    pub fn overlaps(&self, other: &Self) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `instant` lies in `[start, end)`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures::{at, span};
    /// let s = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// assert!(s.contains_instant(at("2021-07-21T03:00:00Z"))); // 11:00 at +08:00
    /// assert!(!s.contains_instant(at("2021-07-21T12:00:00+08:00")));
    /// ```
    pub fn contains_instant(&self, instant: DateTime<FixedOffset>) -> bool {
        self.start <= instant && instant < self.end
    }

    /// Whether `other` lies wholly inside this span.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures::span;
    /// let day = span("2021-07-21T08:00:00+08:00", "2021-07-21T18:00:00+08:00");
    /// assert!(day.covers(&span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00")));
    /// assert!(!day.covers(&span("2021-07-21T17:00:00+08:00", "2021-07-21T19:00:00+08:00")));
    /// ```
    pub fn covers(&self, other: &Self) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The time between the two spans, zero if they touch or overlap.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::span, Minutes};
    /// let morning = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// let evening = span("2021-07-21T18:00:00+08:00", "2021-07-21T22:00:00+08:00");
    /// assert_eq!(morning.gap_to(&evening), Minutes::new(360));
    /// assert_eq!(evening.gap_to(&morning), Minutes::new(360));
    /// assert_eq!(morning.gap_to(&morning), Minutes::ZERO);
    /// ```
    pub fn gap_to(&self, other: &Self) -> Minutes {
        let (first, second) = if self.start <= other.start {
            (self, other)
        } else {
            (other, self)
        };
        if second.start <= first.end {
            Minutes::ZERO
        } else {
            Minutes::try_from_delta(second.start - first.end).unwrap_or(Minutes::new(u32::MAX))
        }
    }

    /// The span seen in another offset: the same instants, shown with `offset`.
    ///
    /// # Example
    /// ```
    /// use chrono::FixedOffset;
    /// use volunteer_service::doc_fixtures::span;
    /// let s = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// let utc = s.with_offset(FixedOffset::east_opt(0).unwrap());
    /// assert_eq!(utc.start().to_rfc3339(), "2021-07-21T00:00:00+00:00");
    /// assert_eq!(utc, s); // the same instants
    /// ```
    #[must_use]
    pub fn with_offset(&self, offset: FixedOffset) -> Self {
        Self {
            start: self.start.with_timezone(&offset),
            end: self.end.with_timezone(&offset),
        }
    }

    /// The local days (in the start's offset) that the span touches, with the minutes that
    /// fall on each. An overnight shift yields two days.
    ///
    /// # Example
    /// ```
    /// use chrono::DateTime;
    /// use volunteer_service::TimeSpan;
    /// let s = TimeSpan::new(
    ///     DateTime::parse_from_rfc3339("2021-07-21T22:00:00+08:00")?,
    ///     DateTime::parse_from_rfc3339("2021-07-22T02:30:00+08:00")?,
    /// )?;
    /// let days: Vec<_> = s.local_days().map(|(d, m)| (d.to_string(), m.get())).collect();
    /// assert_eq!(days, [("2021-07-21".to_owned(), 120), ("2021-07-22".to_owned(), 150)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn local_days(&self) -> impl Iterator<Item = (NaiveDate, Minutes)> + '_ {
        let offset = *self.start.offset();
        let end = self.end.with_timezone(&offset);
        let mut cursor = self.start;
        core::iter::from_fn(move || {
            if cursor >= end {
                return None;
            }
            let day = cursor.date_naive();
            let next_midnight = day
                .checked_add_days(Days::new(1))
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|n| n.and_local_timezone(offset).single())
                .unwrap_or(end);
            let stop = next_midnight.min(end);
            let minutes = Minutes::try_from_delta(stop - cursor).unwrap_or(Minutes::ZERO);
            cursor = stop;
            Some((day, minutes))
        })
    }
}

impl fmt::Display for TimeSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}, {})",
            self.start.to_rfc3339(),
            self.end.to_rfc3339()
        )
    }
}

/// A half-open period of days `[from, until)`, open-ended when `until` is `None`: the validity
/// of a membership, a pairing, a grant or a parent link.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::DatePeriod;
/// let d = |s: &str| s.parse::<NaiveDate>();
/// let p = DatePeriod::new(d("2021-07-21")?, Some(d("2021-08-31")?))?;
/// assert!(p.contains(d("2021-08-30")?));
/// assert!(!p.contains(d("2021-08-31")?));
/// assert!(DatePeriod::from(d("2021-07-21")?).contains(d("2030-01-01")?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PeriodWire", into = "PeriodWire"))]
pub struct DatePeriod {
    from: NaiveDate,
    until: Option<NaiveDate>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct PeriodWire {
    from: NaiveDate,
    until: Option<NaiveDate>,
}

#[cfg(feature = "serde")]
impl TryFrom<PeriodWire> for DatePeriod {
    type Error = SpanError;
    fn try_from(w: PeriodWire) -> Result<Self, SpanError> {
        DatePeriod::new(w.from, w.until)
    }
}

#[cfg(feature = "serde")]
impl From<DatePeriod> for PeriodWire {
    fn from(p: DatePeriod) -> Self {
        PeriodWire {
            from: p.from,
            until: p.until,
        }
    }
}

impl From<NaiveDate> for DatePeriod {
    /// An open-ended period starting on `from`.
    fn from(from: NaiveDate) -> Self {
        Self { from, until: None }
    }
}

impl DatePeriod {
    /// Builds `[from, until)`; `None` means open-ended.
    ///
    /// # Errors
    /// [`SpanError::PeriodEndNotAfterStart`] if `until <= from`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{DatePeriod, SpanError};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let july = DatePeriod::new(d(7, 1), Some(d(8, 1)))?;
    /// assert!(july.contains(d(7, 31)) && !july.contains(d(8, 1)));
    /// assert!(DatePeriod::new(d(7, 1), None)?.until().is_none());
    /// assert_eq!(DatePeriod::new(d(7, 1), Some(d(7, 1))), Err(SpanError::PeriodEndNotAfterStart { from: d(7, 1), until: d(7, 1) }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(from: NaiveDate, until: Option<NaiveDate>) -> Result<Self, SpanError> {
        match until {
            Some(u) if u <= from => Err(SpanError::PeriodEndNotAfterStart { from, until: u }),
            _ => Ok(Self { from, until }),
        }
    }

    /// The first day of the period.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::DatePeriod;
    /// let from = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap();
    /// assert_eq!(DatePeriod::new(from, None)?.from_date(), from);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn from_date(&self) -> NaiveDate {
        self.from
    }

    /// The first day after the period, or `None` if open-ended.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::DatePeriod;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// assert_eq!(DatePeriod::new(d(7, 1), Some(d(8, 1)))?.until(), Some(d(8, 1)));
    /// assert_eq!(DatePeriod::new(d(7, 1), None)?.until(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn until(&self) -> Option<NaiveDate> {
        self.until
    }

    /// Whether `day` is inside the period.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::DatePeriod;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let p = DatePeriod::new(d(7, 21), Some(d(8, 21)))?;
    /// assert!(p.contains(d(7, 21)));
    /// assert!(!p.contains(d(8, 21))); // `until` is excluded
    /// assert!(!p.contains(d(7, 20)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|u| day < u)
    }

    /// Whether the two periods share a day.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::DatePeriod;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let july = DatePeriod::new(d(7, 1), Some(d(8, 1)))?;
    /// let august = DatePeriod::new(d(8, 1), Some(d(9, 1)))?;
    /// assert!(!july.overlaps(&august));
    /// assert!(DatePeriod::new(d(7, 15), None)?.overlaps(&august));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn overlaps(&self, other: &Self) -> bool {
        self.until.is_none_or(|u| other.from < u) && other.until.is_none_or(|u| self.from < u)
    }

    /// The same period closed at `until`.
    ///
    /// # Errors
    /// [`SpanError::PeriodEndNotAfterStart`] if `until <= from`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::DatePeriod;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let open = DatePeriod::new(d(7, 1), None)?;
    /// assert_eq!(open.ended(d(8, 1))?.until(), Some(d(8, 1)));
    /// assert!(open.ended(d(6, 30)).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn ended(&self, until: NaiveDate) -> Result<Self, SpanError> {
        Self::new(self.from, Some(until))
    }
}

impl fmt::Display for DatePeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.until {
            Some(u) => write!(f, "[{}, {})", self.from, u),
            None => write!(f, "[{}, …)", self.from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn touching_spans_do_not_overlap() {
        let a = TimeSpan::new(
            at("2021-07-21T08:00:00+08:00"),
            at("2021-07-21T12:00:00+08:00"),
        )
        .unwrap();
        let b = TimeSpan::new(
            at("2021-07-21T12:00:00+08:00"),
            at("2021-07-21T16:00:00+08:00"),
        )
        .unwrap();
        assert!(!a.overlaps(&b));
        assert_eq!(a.gap_to(&b), Minutes::ZERO);
    }

    #[test]
    fn offsets_compare_as_instants() {
        let a = TimeSpan::new(
            at("2021-07-21T08:00:00+08:00"),
            at("2021-07-21T09:00:00+08:00"),
        )
        .unwrap();
        let b = TimeSpan::new(at("2021-07-21T00:30:00Z"), at("2021-07-21T00:45:00Z")).unwrap();
        assert!(a.overlaps(&b) && a.covers(&b));
    }

    #[test]
    fn local_days_use_the_spans_offset() {
        // 20:00–02:00 in UTC-5 is one span across midnight in New York time.
        let s = TimeSpan::new(
            at("2021-07-21T20:00:00-05:00"),
            at("2021-07-22T02:00:00-05:00"),
        )
        .unwrap();
        let days: Vec<_> = s
            .local_days()
            .map(|(d, m)| (d.to_string(), m.get()))
            .collect();
        assert_eq!(
            days,
            [("2021-07-21".into(), 240), ("2021-07-22".into(), 120)]
        );
    }

    #[test]
    fn rejects_reversed_and_fractional_spans() {
        assert!(matches!(
            TimeSpan::new(
                at("2021-07-21T09:00:00+08:00"),
                at("2021-07-21T08:00:00+08:00")
            ),
            Err(SpanError::EndNotAfterStart { .. })
        ));
        assert!(matches!(
            TimeSpan::new(
                at("2021-07-21T09:00:00+08:00"),
                at("2021-07-21T09:00:30+08:00")
            ),
            Err(SpanError::NotWholeMinutes { .. })
        ));
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(DatePeriod::new(d("2021-07-21"), Some(d("2021-07-21"))).is_err());
    }

    proptest! {
        #[test]
        fn local_days_sum_to_the_length(start in 0_i64..10_000_000, len in 1_i64..5_000, off in -12_i32..=14) {
            let offset = FixedOffset::east_opt(off * 3600).unwrap();
            let s = DateTime::from_timestamp(start * 60, 0).unwrap().with_timezone(&offset);
            let span = TimeSpan::new(s, s + chrono::TimeDelta::minutes(len)).unwrap();
            let total: u32 = span.local_days().map(|(_, m)| m.get()).sum();
            prop_assert_eq!(total, span.minutes().get());
        }

        #[test]
        fn overlap_is_symmetric(a in 0_i64..1000, al in 1_i64..300, b in 0_i64..1000, bl in 1_i64..300) {
            let mk = |s: i64, l: i64| {
                let t = DateTime::from_timestamp(s * 60, 0).unwrap().fixed_offset();
                TimeSpan::new(t, t + chrono::TimeDelta::minutes(l)).unwrap()
            };
            let (x, y) = (mk(a, al), mk(b, bl));
            prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
            prop_assert_eq!(x.overlaps(&y), x.gap_to(&y) == Minutes::ZERO && a + al != b && b + bl != a);
        }
    }
}
