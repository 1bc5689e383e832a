//! When a volunteer can serve (服务时间, VOL-01): a weekly pattern of local time windows plus
//! dated exceptions.

use core::fmt;

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Timelike, Weekday,
};

use crate::TimeSpan;

const DAY_MINUTES: u16 = 1440;

/// China Standard Time, UTC+08:00.
const CST: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+08:00 is a valid offset"),
};

/// Returned when a time window or an availability is malformed.
///
/// # Example
/// ```
/// use chrono::NaiveTime;
/// use volunteer_service::TimeWindow;
/// let err = TimeWindow::new(NaiveTime::from_hms_opt(8, 0, 30).unwrap(), NaiveTime::from_hms_opt(12, 0, 0).unwrap()).unwrap_err();
/// assert_eq!(err.to_string(), "time window start 08:00:30 is not on a whole minute");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AvailabilityError {
    /// A window's start or end has seconds.
    #[error("time window {which} {time} is not on a whole minute")]
    NotWholeMinute {
        /// `"start"` or `"end"`.
        which: &'static str,
        /// The rejected time.
        time: NaiveTime,
    },
    /// A window given in minutes is out of range.
    #[error(
        "time window starting at minute {start} lasting {minutes} minutes is out of range: \
         expected start 0..1440 and length 1..=1440"
    )]
    OutOfRange {
        /// Minute of the day the window starts.
        start: u16,
        /// Its length in minutes.
        minutes: u16,
    },
    /// An offset is not a valid UTC offset.
    #[error("utc offset of {seconds} s is out of range: expected less than a day")]
    Offset {
        /// The rejected offset in seconds east of UTC.
        seconds: i32,
    },
}

/// A daily local time window `[from, to)`, whole minutes. `to <= from` means the window runs
/// past midnight into the next day, so `22:00 → 06:00` is an overnight window and
/// `00:00 → 00:00` the whole day.
///
/// Serde shape: `{"start_minute": 1320, "minutes": 480}`.
///
/// # Example
/// ```
/// use chrono::NaiveTime;
/// use volunteer_service::TimeWindow;
/// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
/// let night = TimeWindow::new(t(22), t(6))?;
/// assert_eq!(night.minutes(), 480);
/// assert_eq!(night.to_string(), "22:00–06:00(+1)");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "WindowWire", into = "WindowWire"))]
pub struct TimeWindow {
    start: u16,
    minutes: u16,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct WindowWire {
    start_minute: u16,
    minutes: u16,
}

#[cfg(feature = "serde")]
impl TryFrom<WindowWire> for TimeWindow {
    type Error = AvailabilityError;
    fn try_from(w: WindowWire) -> Result<Self, AvailabilityError> {
        Self::from_minutes(w.start_minute, w.minutes)
    }
}

#[cfg(feature = "serde")]
impl From<TimeWindow> for WindowWire {
    fn from(w: TimeWindow) -> Self {
        Self {
            start_minute: w.start,
            minutes: w.minutes,
        }
    }
}

fn minute_of(time: NaiveTime, which: &'static str) -> Result<u16, AvailabilityError> {
    if time.second() != 0 || time.nanosecond() != 0 {
        return Err(AvailabilityError::NotWholeMinute { which, time });
    }
    // At most 23 * 60 + 59.
    Ok(u16::try_from(time.hour() * 60 + time.minute()).unwrap_or(0))
}

impl TimeWindow {
    /// The whole day, `00:00 → 00:00`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::TimeWindow;
    /// assert_eq!(TimeWindow::WHOLE_DAY.minutes(), 1440);
    /// assert_eq!(TimeWindow::WHOLE_DAY.start_minute(), 0);
    /// ```
    pub const WHOLE_DAY: Self = Self {
        start: 0,
        minutes: DAY_MINUTES,
    };

    /// Builds `[from, to)`; `to <= from` runs into the next day.
    ///
    /// # Errors
    /// [`AvailabilityError::NotWholeMinute`] if either time has seconds.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveTime;
    /// use volunteer_service::{AvailabilityError, TimeWindow};
    /// let t = |h, m, s| NaiveTime::from_hms_opt(h, m, s).unwrap();
    /// let evening = TimeWindow::new(t(18, 0, 0), t(21, 30, 0))?;
    /// assert_eq!((evening.start_minute(), evening.minutes()), (1080, 210));
    /// assert!(TimeWindow::new(t(22, 0, 0), t(6, 0, 0))?.crosses_midnight());
    /// assert!(matches!(TimeWindow::new(t(8, 0, 0), t(9, 0, 15)), Err(AvailabilityError::NotWholeMinute { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(from: NaiveTime, to: NaiveTime) -> Result<Self, AvailabilityError> {
        let start = minute_of(from, "start")?;
        let end = minute_of(to, "end")?;
        let minutes = if end > start {
            end - start
        } else {
            DAY_MINUTES - start + end
        };
        Ok(Self { start, minutes })
    }

    /// Builds a window from its start minute of the day (`0..1440`) and its length in
    /// minutes (`1..=1440`).
    ///
    /// # Errors
    /// [`AvailabilityError::OutOfRange`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{AvailabilityError, TimeWindow};
    /// let morning = TimeWindow::from_minutes(8 * 60, 240)?;
    /// assert_eq!(morning.to_string(), "08:00–12:00");
    /// assert_eq!(TimeWindow::from_minutes(1440, 60), Err(AvailabilityError::OutOfRange { start: 1440, minutes: 60 }));
    /// assert!(TimeWindow::from_minutes(0, 0).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn from_minutes(start: u16, minutes: u16) -> Result<Self, AvailabilityError> {
        if start >= DAY_MINUTES || minutes == 0 || minutes > DAY_MINUTES {
            return Err(AvailabilityError::OutOfRange { start, minutes });
        }
        Ok(Self { start, minutes })
    }

    /// The minute of the day the window starts.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::TimeWindow;
    /// assert_eq!(TimeWindow::from_minutes(22 * 60, 480)?.start_minute(), 1320);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn start_minute(&self) -> u16 {
        self.start
    }

    /// The window's length in minutes.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveTime;
    /// use volunteer_service::TimeWindow;
    /// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    /// assert_eq!(TimeWindow::new(t(22), t(6))?.minutes(), 480);
    /// assert_eq!(TimeWindow::new(t(0), t(0))?.minutes(), 1440); // the whole day
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn minutes(&self) -> u16 {
        self.minutes
    }

    /// Whether the window runs past midnight.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::TimeWindow;
    /// assert!(TimeWindow::from_minutes(22 * 60, 480)?.crosses_midnight());
    /// assert!(!TimeWindow::from_minutes(8 * 60, 240)?.crosses_midnight());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn crosses_midnight(&self) -> bool {
        self.start + self.minutes > DAY_MINUTES
    }
}

impl fmt::Display for TimeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = (self.start + self.minutes) % DAY_MINUTES;
        write!(
            f,
            "{:02}:{:02}–{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            end / 60,
            end % 60
        )?;
        if self.start + self.minutes >= DAY_MINUTES && end != 0 || self.minutes == DAY_MINUTES {
            f.write_str("(+1)")?;
        }
        Ok(())
    }
}

/// When a volunteer can serve: a weekly pattern of local [`TimeWindow`]s in a stated UTC
/// offset, plus dated exceptions — unavailable spans (leave, exams) that override the pattern
/// and extra spans that add to it.
///
/// A span is [covered](Self::covers) if every minute of it lies in a pattern window or an
/// extra span, and no minute lies in an unavailable span. Spans may cross midnight and use
/// any offset: comparison is by instant.
///
/// Serde shape: `{"offset_seconds": 28800, "weekly": [[TimeWindow…] × 7, Monday first],
/// "unavailable": [TimeSpan…], "extra": [TimeSpan…]}`.
///
/// # Example
/// ```
/// use chrono::{DateTime, FixedOffset, NaiveTime, Weekday};
/// use volunteer_service::{Availability, TimeSpan, TimeWindow};
/// let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
/// let mut a = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
/// a.add_window(Weekday::Wed, TimeWindow::new(t(18), t(2))?);
/// let span = |s, e| TimeSpan::new(DateTime::parse_from_rfc3339(s).unwrap(), DateTime::parse_from_rfc3339(e).unwrap());
/// // Wednesday 2021-07-21, 22:00 to 01:00 the next day.
/// assert!(a.covers(&span("2021-07-21T22:00:00+08:00", "2021-07-22T01:00:00+08:00")?));
/// assert!(!a.covers(&span("2021-07-21T22:00:00+08:00", "2021-07-22T03:00:00+08:00")?));
/// assert!(Availability::always().covers(&span("2021-07-21T22:00:00Z", "2021-07-25T03:00:00Z")?));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "AvailabilityWire", into = "AvailabilityWire")
)]
pub struct Availability {
    offset: FixedOffset,
    weekly: [Vec<TimeWindow>; 7],
    unavailable: Vec<TimeSpan>,
    extra: Vec<TimeSpan>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct AvailabilityWire {
    offset_seconds: i32,
    weekly: [Vec<TimeWindow>; 7],
    unavailable: Vec<TimeSpan>,
    extra: Vec<TimeSpan>,
}

#[cfg(feature = "serde")]
impl TryFrom<AvailabilityWire> for Availability {
    type Error = AvailabilityError;
    fn try_from(w: AvailabilityWire) -> Result<Self, AvailabilityError> {
        let offset = FixedOffset::east_opt(w.offset_seconds).ok_or(AvailabilityError::Offset {
            seconds: w.offset_seconds,
        })?;
        let mut weekly = w.weekly;
        for day in &mut weekly {
            day.sort_unstable();
            day.dedup();
        }
        Ok(Self {
            offset,
            weekly,
            unavailable: w.unavailable,
            extra: w.extra,
        })
    }
}

#[cfg(feature = "serde")]
impl From<Availability> for AvailabilityWire {
    fn from(a: Availability) -> Self {
        Self {
            offset_seconds: a.offset.local_minus_utc(),
            weekly: a.weekly,
            unavailable: a.unavailable,
            extra: a.extra,
        }
    }
}

impl Default for Availability {
    /// [`Availability::always`].
    fn default() -> Self {
        Self::always()
    }
}

/// `[start, end)` as Unix seconds.
type Interval = (i64, i64);

impl Availability {
    /// Available at every minute of every day (the default), in UTC+08:00.
    ///
    /// # Example
    /// ```
    /// use chrono::{FixedOffset, Weekday};
    /// use volunteer_service::{doc_fixtures::span, Availability, TimeWindow};
    /// let a = Availability::always();
    /// assert_eq!(a.offset(), FixedOffset::east_opt(8 * 3600).unwrap());
    /// assert_eq!(a.windows(Weekday::Sun), [TimeWindow::WHOLE_DAY]);
    /// assert!(a.covers(&span("2021-07-21T00:00:00+08:00", "2021-07-28T00:00:00+08:00")));
    /// ```
    pub fn always() -> Self {
        let mut a = Self::never(CST);
        for day in &mut a.weekly {
            day.push(TimeWindow::WHOLE_DAY);
        }
        a
    }

    /// Never available: an empty weekly pattern in `offset`, to add windows to.
    ///
    /// # Example
    /// ```
    /// use chrono::{FixedOffset, Weekday};
    /// use volunteer_service::{doc_fixtures::span, Availability};
    /// let a = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
    /// assert!(a.windows(Weekday::Mon).is_empty());
    /// assert!(!a.covers(&span("2021-07-21T08:00:00+08:00", "2021-07-21T08:01:00+08:00")));
    /// ```
    pub fn never(offset: FixedOffset) -> Self {
        Self {
            offset,
            weekly: Default::default(),
            unavailable: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Adds a window on `day` (local to the pattern's offset). A window that runs past
    /// midnight continues into the next day.
    ///
    /// # Example
    /// ```
    /// use chrono::{FixedOffset, Weekday};
    /// use volunteer_service::{doc_fixtures::span, Availability, TimeWindow};
    /// let mut a = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
    /// a.add_window(Weekday::Wed, TimeWindow::from_minutes(22 * 60, 480)?); // Wed 22:00 – Thu 06:00
    /// assert_eq!(a.windows(Weekday::Wed).len(), 1);
    /// // 2021-07-21 is a Wednesday; the window runs into Thursday morning.
    /// assert!(a.covers(&span("2021-07-21T23:00:00+08:00", "2021-07-22T05:00:00+08:00")));
    /// assert!(a.windows(Weekday::Thu).is_empty()); // stored on the day it starts
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_window(&mut self, day: Weekday, window: TimeWindow) {
        if let Some(list) = self.weekly.get_mut(day.num_days_from_monday() as usize) {
            list.push(window);
            list.sort_unstable();
            list.dedup();
        }
    }

    /// Adds a dated span when the volunteer is *not* available, whatever the pattern says.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::span, Availability};
    /// let mut a = Availability::always();
    /// let exam = span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// a.add_unavailable(exam);
    /// assert_eq!(a.unavailable(), [exam]);
    /// assert!(!a.covers(&span("2021-07-21T11:00:00+08:00", "2021-07-21T13:00:00+08:00")));
    /// assert!(a.covers(&span("2021-07-21T12:00:00+08:00", "2021-07-21T13:00:00+08:00")));
    /// ```
    pub fn add_unavailable(&mut self, span: TimeSpan) {
        self.unavailable.push(span);
    }

    /// Adds a dated span when the volunteer is available beyond the pattern.
    ///
    /// # Example
    /// ```
    /// use chrono::FixedOffset;
    /// use volunteer_service::{doc_fixtures::span, Availability};
    /// let mut a = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
    /// let saturday = span("2021-07-24T08:00:00+08:00", "2021-07-24T18:00:00+08:00");
    /// a.add_extra(saturday);
    /// assert_eq!(a.extra(), [saturday]);
    /// assert!(a.covers(&span("2021-07-24T09:00:00+08:00", "2021-07-24T12:00:00+08:00")));
    /// ```
    pub fn add_extra(&mut self, span: TimeSpan) {
        self.extra.push(span);
    }

    /// The pattern's UTC offset.
    ///
    /// # Example
    /// ```
    /// use chrono::FixedOffset;
    /// use volunteer_service::Availability;
    /// let utc = FixedOffset::east_opt(0).unwrap();
    /// assert_eq!(Availability::never(utc).offset(), utc);
    /// ```
    pub const fn offset(&self) -> FixedOffset {
        self.offset
    }

    /// The windows on `day`, ordered.
    ///
    /// # Example
    /// ```
    /// use chrono::{FixedOffset, Weekday};
    /// use volunteer_service::{Availability, TimeWindow};
    /// let mut a = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
    /// let evening = TimeWindow::from_minutes(18 * 60, 180)?;
    /// let morning = TimeWindow::from_minutes(8 * 60, 120)?;
    /// a.add_window(Weekday::Sat, evening);
    /// a.add_window(Weekday::Sat, morning);
    /// assert_eq!(a.windows(Weekday::Sat), [morning, evening]); // ordered
    /// assert!(a.windows(Weekday::Fri).is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn windows(&self, day: Weekday) -> &[TimeWindow] {
        self.weekly
            .get(day.num_days_from_monday() as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// The unavailable spans.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures::span, Availability};
    /// let mut a = Availability::always();
    /// assert!(a.unavailable().is_empty());
    /// a.add_unavailable(span("2021-08-01T00:00:00+08:00", "2021-08-08T00:00:00+08:00"));
    /// assert_eq!(a.unavailable().len(), 1);
    /// ```
    pub fn unavailable(&self) -> &[TimeSpan] {
        &self.unavailable
    }

    /// The extra available spans.
    ///
    /// # Example
    /// ```
    /// use chrono::FixedOffset;
    /// use volunteer_service::{doc_fixtures::span, Availability};
    /// let mut a = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
    /// assert!(a.extra().is_empty());
    /// a.add_extra(span("2021-07-24T08:00:00+08:00", "2021-07-24T18:00:00+08:00"));
    /// assert_eq!(a.extra()[0].minutes().get(), 600);
    /// ```
    pub fn extra(&self) -> &[TimeSpan] {
        &self.extra
    }

    fn midnight(&self, day: NaiveDate) -> Option<i64> {
        day.and_hms_opt(0, 0, 0)
            .and_then(|n| n.and_local_timezone(self.offset).single())
            .map(|t| t.timestamp())
    }

    /// The pattern windows as instants for the local days `first..=last`.
    fn pattern_intervals(&self, first: NaiveDate, last: NaiveDate, out: &mut Vec<Interval>) {
        let mut day = first;
        while day <= last {
            if let Some(midnight) = self.midnight(day) {
                for w in self.windows(day.weekday()) {
                    let start = midnight + i64::from(w.start) * 60;
                    out.push((start, start + i64::from(w.minutes) * 60));
                }
            }
            match day.checked_add_days(Days::new(1)) {
                Some(next) => day = next,
                None => break,
            }
        }
    }

    /// Whether the volunteer is available for the whole of `span`.
    ///
    /// Linear in the number of local days the span touches plus the number of exceptions.
    ///
    /// # Example
    /// ```
    /// use chrono::{FixedOffset, Weekday};
    /// use volunteer_service::{doc_fixtures::span, Availability, TimeWindow};
    /// let mut a = Availability::never(FixedOffset::east_opt(8 * 3600).unwrap());
    /// a.add_window(Weekday::Wed, TimeWindow::from_minutes(8 * 60, 240)?); // 08:00–12:00
    /// assert!(a.covers(&span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00")));
    /// assert!(a.covers(&span("2021-07-21T01:00:00Z", "2021-07-21T02:00:00Z"))); // 09:00–10:00 at +08:00
    /// assert!(!a.covers(&span("2021-07-21T11:00:00+08:00", "2021-07-21T13:00:00+08:00")));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn covers(&self, span: &TimeSpan) -> bool {
        let (s, e) = (span.start().timestamp(), span.end().timestamp());
        if self
            .unavailable
            .iter()
            .any(|u| u.start().timestamp() < e && s < u.end().timestamp())
        {
            return false;
        }
        let local = |t: DateTime<FixedOffset>| t.with_timezone(&self.offset).date_naive();
        // A window starting the day before may run into the span's first day.
        let first = local(span.start())
            .checked_sub_days(Days::new(1))
            .unwrap_or(NaiveDate::MIN);
        let last = local(span.end() - TimeDelta::seconds(1));
        // Whole days on every weekday (the default): the pattern covers every local day from
        // `first` to `last`, so the span, as long as those days exist.
        if self
            .weekly
            .iter()
            .all(|d| d.contains(&TimeWindow::WHOLE_DAY))
            && self.midnight(first).is_some()
            && self.midnight(last).is_some()
        {
            return true;
        }
        let mut intervals: Vec<Interval> = Vec::new();
        self.pattern_intervals(first, last, &mut intervals);
        intervals.extend(
            self.extra
                .iter()
                .map(|x| (x.start().timestamp(), x.end().timestamp())),
        );
        intervals.retain(|&(a, b)| a < e && s < b);
        intervals.sort_unstable();
        let mut cursor = s;
        for (a, b) in intervals {
            if a > cursor {
                return false;
            }
            cursor = cursor.max(b);
            if cursor >= e {
                return true;
            }
        }
        cursor >= e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn span(a: &str, b: &str) -> TimeSpan {
        TimeSpan::new(at(a), at(b)).unwrap()
    }

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    #[test]
    fn error_messages_are_pinned() {
        insta::assert_snapshot!(
            TimeWindow::from_minutes(1440, 10).unwrap_err(),
            @"time window starting at minute 1440 lasting 10 minutes is out of range: expected start 0..1440 and length 1..=1440"
        );
        insta::assert_snapshot!(
            AvailabilityError::Offset { seconds: 86_400 },
            @"utc offset of 86400 s is out of range: expected less than a day"
        );
    }

    #[test]
    fn windows_past_midnight_and_whole_days() {
        let w = TimeWindow::new(t(22, 0), t(6, 0)).unwrap();
        assert_eq!((w.start_minute(), w.minutes()), (1320, 480));
        assert!(w.crosses_midnight());
        assert_eq!(
            TimeWindow::new(t(0, 0), t(0, 0)).unwrap(),
            TimeWindow::WHOLE_DAY
        );
        assert_eq!(TimeWindow::WHOLE_DAY.to_string(), "00:00–00:00(+1)");
        assert_eq!(
            TimeWindow::new(t(8, 0), t(12, 30)).unwrap().to_string(),
            "08:00–12:30"
        );
        assert!(TimeWindow::from_minutes(1440, 1).is_err());
        assert!(TimeWindow::from_minutes(0, 0).is_err());
        assert!(TimeWindow::from_minutes(0, 1441).is_err());
    }

    #[test]
    fn an_overnight_window_covers_into_the_next_day() {
        let mut a = Availability::never(cst());
        a.add_window(Weekday::Wed, TimeWindow::new(t(22, 0), t(6, 0)).unwrap());
        // 2021-07-21 is a Wednesday.
        assert!(a.covers(&span(
            "2021-07-22T01:00:00+08:00",
            "2021-07-22T06:00:00+08:00"
        )));
        assert!(!a.covers(&span(
            "2021-07-22T01:00:00+08:00",
            "2021-07-22T06:01:00+08:00"
        )));
        // The same window read from UTC: Wednesday 14:00Z–22:00Z.
        assert!(a.covers(&span("2021-07-21T14:00:00Z", "2021-07-21T22:00:00Z")));
        assert!(!a.covers(&span("2021-07-21T13:59:00Z", "2021-07-21T15:00:00Z")));
    }

    #[test]
    fn adjacent_windows_join_and_exceptions_apply() {
        let mut a = Availability::never(cst());
        a.add_window(Weekday::Wed, TimeWindow::new(t(8, 0), t(12, 0)).unwrap());
        a.add_window(Weekday::Wed, TimeWindow::new(t(12, 0), t(18, 0)).unwrap());
        let day = span("2021-07-21T08:00:00+08:00", "2021-07-21T18:00:00+08:00");
        assert!(a.covers(&day));
        a.add_unavailable(span(
            "2021-07-21T17:59:00+08:00",
            "2021-07-21T19:00:00+08:00",
        ));
        assert!(!a.covers(&day));
        let evening = span("2021-07-21T19:00:00+08:00", "2021-07-21T21:00:00+08:00");
        assert!(!a.covers(&evening));
        a.add_extra(span(
            "2021-07-21T18:30:00+08:00",
            "2021-07-21T21:00:00+08:00",
        ));
        assert!(a.covers(&evening));
    }

    #[test]
    fn always_covers_everything_but_exceptions() {
        let mut a = Availability::always();
        let week = span("2021-07-19T00:00:00-05:00", "2021-07-26T00:00:00-05:00");
        assert!(a.covers(&week));
        a.add_unavailable(span("2021-07-20T00:00:00Z", "2021-07-20T00:01:00Z"));
        assert!(!a.covers(&week));
    }

    /// Brute force: minute by minute.
    fn reference(a: &Availability, s: &TimeSpan) -> bool {
        let mut m = s.start();
        while m < s.end() {
            let in_any = |list: &[TimeSpan]| list.iter().any(|x| x.contains_instant(m));
            if in_any(a.unavailable()) {
                return false;
            }
            let local = m.with_timezone(&a.offset());
            let mod_ = i64::from(local.hour() * 60 + local.minute());
            let today = a.windows(local.weekday());
            let yesterday = a.windows(local.weekday().pred());
            let in_pattern = today.iter().any(|w| {
                let st = i64::from(w.start_minute());
                st <= mod_ && mod_ < st + i64::from(w.minutes())
            }) || yesterday.iter().any(|w| {
                let st = i64::from(w.start_minute()) - 1440;
                st <= mod_ && mod_ < st + i64::from(w.minutes())
            });
            if !(in_pattern || in_any(a.extra())) {
                return false;
            }
            m += TimeDelta::minutes(1);
        }
        true
    }

    fn window() -> impl Strategy<Value = TimeWindow> {
        (0_u16..96, 1_u16..=96).prop_map(|(s, l)| TimeWindow::from_minutes(s * 15, l * 15).unwrap())
    }

    fn offset() -> impl Strategy<Value = FixedOffset> {
        (-48_i32..=56).prop_map(|q| FixedOffset::east_opt(q * 900).unwrap())
    }

    /// Spans in one fortnight of July 2021, on 15-minute marks, in any offset.
    fn small_span() -> impl Strategy<Value = TimeSpan> {
        (0_i64..1344, 1_i64..=192, offset()).prop_map(|(start, len, off)| {
            let s = DateTime::from_timestamp(1_626_000_000 / 900 * 900 + start * 900, 0)
                .unwrap()
                .with_timezone(&off);
            TimeSpan::new(s, s + TimeDelta::minutes(len * 15)).unwrap()
        })
    }

    fn availability() -> impl Strategy<Value = Availability> {
        (
            offset(),
            prop::collection::vec((0_u32..7, window()), 0..24),
            prop::collection::vec(small_span(), 0..3),
            prop::collection::vec(small_span(), 0..3),
            0_u8..3,
        )
            .prop_map(|(off, windows, unavailable, extra, dense)| {
                let mut a = Availability::never(off);
                if dense > 0 {
                    // Most of every day, or all of it, so that covered spans are common too.
                    let w = if dense == 1 {
                        TimeWindow::from_minutes(360, 1200).unwrap()
                    } else {
                        TimeWindow::WHOLE_DAY
                    };
                    for d in 0..7 {
                        a.add_window(Weekday::try_from(d).unwrap(), w);
                    }
                }
                for (d, w) in windows {
                    a.add_window(Weekday::try_from(u8::try_from(d).unwrap()).unwrap(), w);
                }
                for u in unavailable {
                    a.add_unavailable(u);
                }
                for x in extra {
                    a.add_extra(x);
                }
                a
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn covers_matches_minute_by_minute_reference(a in availability(), s in small_span()) {
            prop_assert_eq!(a.covers(&s), reference(&a, &s));
        }

        #[test]
        fn always_covers_any_span_without_exceptions(s in small_span()) {
            prop_assert!(Availability::always().covers(&s));
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_shape_round_trips() {
        let mut a = Availability::never(cst());
        a.add_window(Weekday::Mon, TimeWindow::new(t(8, 0), t(12, 0)).unwrap());
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["offset_seconds"], 28800);
        assert_eq!(json["weekly"][0][0]["start_minute"], 480);
        let back: Availability = serde_json::from_value(json).unwrap();
        assert_eq!(back, a);
    }
}
