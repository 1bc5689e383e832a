//! Activities (志愿服务活动): what is organised, where, with the recruitment notice, the hazard
//! and insurance status, and the outcome metrics.

use core::fmt;
use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::{
    ActivityId, CategoryKey, DatePeriod, DivisionCode, GeoPoint, Need, NeedId, OrgId, TeamId,
    TimeSpan,
};

/// Returned when an activity, its location, recruitment notice or insurance is invalid, or when
/// an activity operation is refused.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{ActivityError, InsurancePolicy, DatePeriod};
/// let from: NaiveDate = "2021-07-21".parse()?;
/// let err = InsurancePolicy::new("", "P-1", DatePeriod::from(from)).unwrap_err();
/// assert_eq!(err, ActivityError::Text { field: "insurer", max: 500 });
/// assert_eq!(err.to_string(), "field insurer is blank or longer than 500 characters");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ActivityError {
    /// A required text field is blank or over-long.
    #[error("field {field} is blank or longer than {max} characters")]
    Text {
        /// The field name.
        field: &'static str,
        /// Its maximum length in characters.
        max: usize,
    },
    /// A recruitment notice lacks an item GB/T 40143 requires (FIT-04).
    #[error(
        "recruitment notice lacks {field}: FIT-04 requires time, place, content, conditions, number needed, sign-up method, risks and protection"
    )]
    MissingDisclosure {
        /// The missing item.
        field: &'static str,
    },
    /// A recruitment notice asks for zero volunteers.
    #[error("recruitment notice asks for 0 volunteers: expected at least 1")]
    ZeroNeeded,
    /// A hazardous activity's notice states no risk (FIT-03/FIT-04).
    #[error("activity {activity} is hazardous but its recruitment notice states no risk (FIT-04)")]
    HazardWithoutRisk {
        /// The activity.
        activity: ActivityId,
    },
    /// The risks stated by the linked need are missing from the recruitment notice (MATCH-07).
    #[error("activity {activity} omits risk {risk:?} stated by need {need} (MATCH-07)")]
    NeedRiskNotDisclosed {
        /// The activity.
        activity: ActivityId,
        /// The need.
        need: NeedId,
        /// The first risk missing from the notice.
        risk: String,
    },
    /// Volunteers cannot be confirmed for a hazardous activity without insurance (FIT-03).
    #[error(
        "activity {activity} is hazardous and has no accident insurance: no volunteer may be confirmed (FIT-03)"
    )]
    Uninsured {
        /// The activity.
        activity: ActivityId,
    },
    /// The insurance does not cover a day of the shift (FIT-03).
    #[error("insurance policy {policy_no} of activity {activity} does not cover {day} (FIT-03)")]
    InsuranceGap {
        /// The activity.
        activity: ActivityId,
        /// The policy number.
        policy_no: String,
        /// The first uncovered day.
        day: NaiveDate,
    },
    /// Insurance was attached to an activity that is not hazardous.
    #[error("activity {activity} is not hazardous: mark it hazardous before attaching insurance")]
    NotHazardous {
        /// The activity.
        activity: ActivityId,
    },
    /// An outcome total would exceed `u64::MAX`.
    #[error("outcome {metric} of activity {activity} would overflow")]
    OutcomeOverflow {
        /// The activity.
        activity: ActivityId,
        /// The metric.
        metric: OutcomeMetric,
    },
}

fn text(value: &str, field: &'static str, max: usize) -> Result<String, ActivityError> {
    let t = value.trim();
    let len = t.chars().count();
    if len == 0 || len > max {
        return Err(ActivityError::Text { field, max });
    }
    Ok(t.to_owned())
}

/// Where an activity, shift or need takes place: a division code (属地), an optional point
/// (就近) and a street address.
///
/// Serialised as `{"division": "320115005000", "point": null | {…}, "address": "…"}`.
///
/// # Example
/// ```
/// use volunteer_service::{GeoPoint, Location};
/// let loc = Location::new("320115005".parse()?, "禄口街道卫生院")?
///     .with_point(GeoPoint::from_micro_degrees(31_742_000, 118_862_000)?);
/// assert_eq!(loc.address(), "禄口街道卫生院");
/// assert!(loc.point().is_some());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "LocationWire")
)]
pub struct Location {
    division: DivisionCode,
    point: Option<GeoPoint>,
    address: String,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct LocationWire {
    division: DivisionCode,
    point: Option<GeoPoint>,
    address: String,
}

#[cfg(feature = "serde")]
impl TryFrom<LocationWire> for Location {
    type Error = ActivityError;
    fn try_from(w: LocationWire) -> Result<Self, ActivityError> {
        let loc = Location::new(w.division, &w.address)?;
        Ok(match w.point {
            Some(p) => loc.with_point(p),
            None => loc,
        })
    }
}

impl Location {
    /// A location without coordinates.
    ///
    /// # Errors
    /// [`ActivityError::Text`] if the address is blank or longer than 200 characters.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{ActivityError, Location};
    /// let l = Location::new("320115005".parse()?, " 禄口街道社区卫生服务中心 ")?;
    /// assert_eq!(l.address(), "禄口街道社区卫生服务中心"); // trimmed
    /// assert_eq!(l.point(), None);
    /// assert_eq!(Location::new("320115005".parse()?, "  "), Err(ActivityError::Text { field: "address", max: 200 }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(division: DivisionCode, address: &str) -> Result<Self, ActivityError> {
        Ok(Self {
            division,
            point: None,
            address: text(address, "address", 200)?,
        })
    }

    /// The same location with coordinates.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, GeoPoint};
    /// let p = GeoPoint::from_micro_degrees(31_736_000, 118_864_000)?;
    /// let l = doc_fixtures::location().with_point(p);
    /// assert_eq!(l.point(), Some(p));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn with_point(mut self, point: GeoPoint) -> Self {
        self.point = Some(point);
        self
    }

    /// The administrative division.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, DivisionLevel};
    /// let l = doc_fixtures::location();
    /// assert_eq!(l.division().to_string(), "320115005");
    /// assert_eq!(l.division().level(), DivisionLevel::Township);
    /// ```
    pub fn division(&self) -> DivisionCode {
        self.division
    }

    /// The coordinates, if known.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, GeoPoint};
    /// assert_eq!(doc_fixtures::location().point(), None);
    /// let p = GeoPoint::from_micro_degrees(31_736_000, 118_864_000)?;
    /// assert_eq!(doc_fixtures::location().with_point(p).point(), Some(p));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn point(&self) -> Option<GeoPoint> {
        self.point
    }

    /// The street address.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::location().address(), "禄口街道社区卫生服务中心");
    /// ```
    pub fn address(&self) -> &str {
        &self.address
    }
}

/// A recruitment notice (招募公告) with every item GB/T 40143 asks for (FIT-04): time, place,
/// content, volunteer conditions, number needed, how to sign up, risks and protection provided.
///
/// `risks` may be empty only for an activity that is not hazardous (checked by
/// [`ActivityBuilder::build`]); `protection` may be empty. Serialised with the field names of
/// the builder methods.
///
/// # Example
/// ```
/// use volunteer_service::Recruitment;
/// let r = Recruitment::builder()
///     .period("2021-07-21".parse::<chrono::NaiveDate>()?.into())
///     .schedule("daily 08:00–20:00, 4-hour shifts")
///     .place("禄口街道各检测点")
///     .content("registration and crowd order at testing sites")
///     .conditions("aged 18–60, healthy")
///     .needed(40)
///     .how_to_sign_up("sign up on the district platform")
///     .risk("exposure to crowds")
///     .protection("masks, gloves, accident insurance")
///     .build()?;
/// assert_eq!(r.needed(), 40);
/// assert_eq!(r.risks(), ["exposure to crowds"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "RecruitmentWire")
)]
pub struct Recruitment {
    period: DatePeriod,
    schedule: String,
    place: String,
    content: String,
    conditions: String,
    needed: u32,
    how_to_sign_up: String,
    risks: Vec<String>,
    protection: Vec<String>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RecruitmentWire {
    period: DatePeriod,
    schedule: String,
    place: String,
    content: String,
    conditions: String,
    needed: u32,
    how_to_sign_up: String,
    risks: Vec<String>,
    protection: Vec<String>,
}

#[cfg(feature = "serde")]
impl TryFrom<RecruitmentWire> for Recruitment {
    type Error = ActivityError;
    fn try_from(w: RecruitmentWire) -> Result<Self, ActivityError> {
        let mut b = Recruitment::builder()
            .period(w.period)
            .schedule(&w.schedule)
            .place(&w.place)
            .content(&w.content)
            .conditions(&w.conditions)
            .needed(w.needed)
            .how_to_sign_up(&w.how_to_sign_up);
        for r in &w.risks {
            b = b.risk(r);
        }
        for p in &w.protection {
            b = b.protection(p);
        }
        b.build()
    }
}

/// Builds a [`Recruitment`]; see there for an example.
///
/// # Example
/// ```
/// use volunteer_service::{ActivityError, Recruitment};
/// // Every item of the notice must be set before `build` (FIT-04).
/// let partial = Recruitment::builder().needed(40).schedule("daily");
/// assert_eq!(partial.build(), Err(ActivityError::MissingDisclosure { field: "period" }));
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct RecruitmentBuilder {
    period: Option<DatePeriod>,
    schedule: Option<String>,
    place: Option<String>,
    content: Option<String>,
    conditions: Option<String>,
    needed: Option<u32>,
    how_to_sign_up: Option<String>,
    risks: Vec<String>,
    protection: Vec<String>,
}

impl RecruitmentBuilder {
    /// The dates the service runs (time, part 1).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{DatePeriod, Recruitment};
    /// let july = DatePeriod::new(NaiveDate::from_ymd_opt(2021, 7, 21).unwrap(), NaiveDate::from_ymd_opt(2021, 8, 21))?;
    /// let notice = Recruitment::builder()
    /// #     .schedule("daily, 4-hour shifts")
    /// #     .place("禄口街道各检测点")
    /// #     .content("registration and crowd order")
    /// #     .conditions("aged 18–60, in good health")
    /// #     .needed(40)
    /// #     .how_to_sign_up("on the district platform")
    ///     .period(july)
    ///     .build()?;
    /// assert_eq!(notice.period(), july);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn period(mut self, period: DatePeriod) -> Self {
        self.period = Some(period);
        self
    }
    /// The hours or rhythm of the service (time, part 2), e.g. "daily 08:00–20:00".
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// use volunteer_service::Recruitment;
    /// let notice = Recruitment::builder()
    /// #     .period("2021-07-21".parse::<NaiveDate>().unwrap().into())
    /// #     .place("禄口街道各检测点")
    /// #     .content("registration and crowd order")
    /// #     .conditions("aged 18–60, in good health")
    /// #     .needed(40)
    /// #     .how_to_sign_up("on the district platform")
    ///     .schedule("daily 08:00–20:00")
    ///     .build()?;
    /// assert_eq!(notice.schedule(), "daily 08:00–20:00");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn schedule(mut self, schedule: &str) -> Self {
        self.schedule = Some(schedule.to_owned());
        self
    }
    /// Where volunteers serve.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// use volunteer_service::Recruitment;
    /// let notice = Recruitment::builder()
    /// #     .period("2021-07-21".parse::<NaiveDate>().unwrap().into())
    /// #     .schedule("daily, 4-hour shifts")
    /// #     .content("registration and crowd order")
    /// #     .conditions("aged 18–60, in good health")
    /// #     .needed(40)
    /// #     .how_to_sign_up("on the district platform")
    ///     .place("  禄口机场 T2 ")
    ///     .build()?;
    /// assert_eq!(notice.place(), "禄口机场 T2"); // trimmed
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn place(mut self, place: &str) -> Self {
        self.place = Some(place.to_owned());
        self
    }
    /// What volunteers do.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// use volunteer_service::Recruitment;
    /// let notice = Recruitment::builder()
    /// #     .period("2021-07-21".parse::<NaiveDate>().unwrap().into())
    /// #     .schedule("daily, 4-hour shifts")
    /// #     .place("禄口街道各检测点")
    /// #     .conditions("aged 18–60, in good health")
    /// #     .needed(40)
    /// #     .how_to_sign_up("on the district platform")
    ///     .content("escort medical staff on home visits")
    ///     .build()?;
    /// assert_eq!(notice.content(), "escort medical staff on home visits");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn content(mut self, content: &str) -> Self {
        self.content = Some(content.to_owned());
        self
    }
    /// The conditions volunteers must meet (age, skills, health …).
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// use volunteer_service::Recruitment;
    /// let notice = Recruitment::builder()
    /// #     .period("2021-07-21".parse::<NaiveDate>().unwrap().into())
    /// #     .schedule("daily, 4-hour shifts")
    /// #     .place("禄口街道各检测点")
    /// #     .content("registration and crowd order")
    /// #     .needed(40)
    /// #     .how_to_sign_up("on the district platform")
    ///     .conditions("aged 18–50, vaccinated")
    ///     .build()?;
    /// assert_eq!(notice.conditions(), "aged 18–50, vaccinated");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn conditions(mut self, conditions: &str) -> Self {
        self.conditions = Some(conditions.to_owned());
        self
    }
    /// How many volunteers are needed.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// use volunteer_service::{ActivityError, Recruitment};
    /// let notice = Recruitment::builder()
    /// #     .period("2021-07-21".parse::<NaiveDate>().unwrap().into())
    /// #     .schedule("daily, 4-hour shifts")
    /// #     .place("禄口街道各检测点")
    /// #     .content("registration and crowd order")
    /// #     .conditions("aged 18–60, in good health")
    /// #     .how_to_sign_up("on the district platform")
    ///     .needed(12)
    ///     .build()?;
    /// assert_eq!(notice.needed(), 12);
    /// assert_eq!(Recruitment::builder().needed(0).build(), Err(ActivityError::ZeroNeeded));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn needed(mut self, needed: u32) -> Self {
        self.needed = Some(needed);
        self
    }
    /// How to sign up.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// use volunteer_service::Recruitment;
    /// let notice = Recruitment::builder()
    /// #     .period("2021-07-21".parse::<NaiveDate>().unwrap().into())
    /// #     .schedule("daily, 4-hour shifts")
    /// #     .place("禄口街道各检测点")
    /// #     .content("registration and crowd order")
    /// #     .conditions("aged 18–60, in good health")
    /// #     .needed(40)
    ///     .how_to_sign_up("call 025-52100000")
    ///     .build()?;
    /// assert_eq!(notice.how_to_sign_up(), "call 025-52100000");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn how_to_sign_up(mut self, how: &str) -> Self {
        self.how_to_sign_up = Some(how.to_owned());
        self
    }
    /// Adds a disclosed risk (duplicates are kept once).
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// use volunteer_service::Recruitment;
    /// let notice = Recruitment::builder()
    /// #     .period("2021-07-21".parse::<NaiveDate>().unwrap().into())
    /// #     .schedule("daily, 4-hour shifts")
    /// #     .place("禄口街道各检测点")
    /// #     .content("registration and crowd order")
    /// #     .conditions("aged 18–60, in good health")
    /// #     .needed(40)
    /// #     .how_to_sign_up("on the district platform")
    ///     .risk("night work")
    ///     .risk("traffic")
    ///     .risk("night work")
    ///     .build()?;
    /// assert_eq!(notice.risks(), ["night work", "traffic"]); // kept once, in order
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn risk(mut self, risk: &str) -> Self {
        self.risks.push(risk.to_owned());
        self
    }
    /// Adds a protection measure provided to volunteers.
    ///
    /// # Example
    /// ```
    /// # use chrono::NaiveDate;
    /// use volunteer_service::Recruitment;
    /// let notice = Recruitment::builder()
    /// #     .period("2021-07-21".parse::<NaiveDate>().unwrap().into())
    /// #     .schedule("daily, 4-hour shifts")
    /// #     .place("禄口街道各检测点")
    /// #     .content("registration and crowd order")
    /// #     .conditions("aged 18–60, in good health")
    /// #     .needed(40)
    /// #     .how_to_sign_up("on the district platform")
    ///     .protection("reflective vests")
    ///     .protection("accident insurance")
    ///     .build()?;
    /// assert_eq!(notice.protection(), ["reflective vests", "accident insurance"]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn protection(mut self, protection: &str) -> Self {
        self.protection.push(protection.to_owned());
        self
    }

    /// Validates the notice.
    ///
    /// # Errors
    /// [`ActivityError::MissingDisclosure`] for an item never set, [`ActivityError::Text`] for
    /// a blank or over-long item, [`ActivityError::ZeroNeeded`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityError, Recruitment};
    /// assert_eq!(doc_fixtures::recruitment().needed(), 40);
    /// // Every item must be stated (FIT-04).
    /// let err = Recruitment::builder().needed(40).build().unwrap_err();
    /// assert_eq!(err, ActivityError::MissingDisclosure { field: "period" });
    /// ```
    pub fn build(self) -> Result<Recruitment, ActivityError> {
        fn req<T>(v: Option<T>, field: &'static str) -> Result<T, ActivityError> {
            v.ok_or(ActivityError::MissingDisclosure { field })
        }
        let needed = req(self.needed, "needed")?;
        if needed == 0 {
            return Err(ActivityError::ZeroNeeded);
        }
        let list = |items: Vec<String>, field| -> Result<Vec<String>, ActivityError> {
            let mut out = Vec::new();
            for i in items {
                let t = text(&i, field, 500)?;
                if !out.contains(&t) {
                    out.push(t);
                }
            }
            Ok(out)
        };
        Ok(Recruitment {
            period: req(self.period, "period")?,
            schedule: text(&req(self.schedule, "schedule")?, "schedule", 500)?,
            place: text(&req(self.place, "place")?, "place", 500)?,
            content: text(&req(self.content, "content")?, "content", 2000)?,
            conditions: text(&req(self.conditions, "conditions")?, "conditions", 2000)?,
            needed,
            how_to_sign_up: text(
                &req(self.how_to_sign_up, "how_to_sign_up")?,
                "how_to_sign_up",
                500,
            )?,
            risks: list(self.risks, "risks")?,
            protection: list(self.protection, "protection")?,
        })
    }
}

impl Recruitment {
    /// Starts a notice.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{ActivityError, Recruitment};
    /// // Nothing is set yet: the first missing item is reported.
    /// assert_eq!(Recruitment::builder().build(), Err(ActivityError::MissingDisclosure { field: "needed" }));
    /// ```
    pub fn builder() -> RecruitmentBuilder {
        RecruitmentBuilder::default()
    }
    /// The dates the service runs.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::doc_fixtures;
    /// let p = doc_fixtures::recruitment().period();
    /// assert_eq!(p.from_date(), NaiveDate::from_ymd_opt(2021, 7, 21).unwrap());
    /// assert_eq!(p.until(), None); // open-ended
    /// ```
    pub fn period(&self) -> DatePeriod {
        self.period
    }
    /// The hours or rhythm of the service.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::recruitment().schedule(), "daily, 4-hour shifts");
    /// ```
    pub fn schedule(&self) -> &str {
        &self.schedule
    }
    /// Where volunteers serve.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::recruitment().place(), "禄口街道各检测点");
    /// ```
    pub fn place(&self) -> &str {
        &self.place
    }
    /// What volunteers do.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::recruitment().content(), "registration and crowd order at testing sites");
    /// ```
    pub fn content(&self) -> &str {
        &self.content
    }
    /// The conditions volunteers must meet.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::recruitment().conditions(), "aged 18–60, in good health");
    /// ```
    pub fn conditions(&self) -> &str {
        &self.conditions
    }
    /// How many volunteers are needed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::recruitment().needed(), 40);
    /// ```
    pub fn needed(&self) -> u32 {
        self.needed
    }
    /// How to sign up.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::recruitment().how_to_sign_up(), "sign up on the district volunteer platform");
    /// ```
    pub fn how_to_sign_up(&self) -> &str {
        &self.how_to_sign_up
    }
    /// The disclosed risks.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::recruitment().risks(), ["exposure to crowds during an outbreak"]);
    /// ```
    pub fn risks(&self) -> &[String] {
        &self.risks
    }
    /// The protection provided.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::recruitment().protection(), ["masks, gloves, face shields"]);
    /// ```
    pub fn protection(&self) -> &[String] {
        &self.protection
    }
}

/// An accident-insurance policy bought for a hazardous activity (FIT-03).
///
/// Serialised as `{"insurer": "…", "policy_no": "…", "covers": {"from": …, "until": …}}`.
///
/// # Example
/// ```
/// use volunteer_service::{DatePeriod, InsurancePolicy};
/// let p = InsurancePolicy::new("中国人保", "PICC-2021-0721", DatePeriod::new(
///     "2021-07-21".parse()?, Some("2021-09-01".parse()?))?)?;
/// assert!(p.covers().contains("2021-08-01".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "InsuranceWire")
)]
pub struct InsurancePolicy {
    insurer: String,
    policy_no: String,
    covers: DatePeriod,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct InsuranceWire {
    insurer: String,
    policy_no: String,
    covers: DatePeriod,
}

#[cfg(feature = "serde")]
impl TryFrom<InsuranceWire> for InsurancePolicy {
    type Error = ActivityError;
    fn try_from(w: InsuranceWire) -> Result<Self, ActivityError> {
        InsurancePolicy::new(&w.insurer, &w.policy_no, w.covers)
    }
}

impl InsurancePolicy {
    /// A policy.
    ///
    /// # Errors
    /// [`ActivityError::Text`] if the insurer or policy number is blank or over-long.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{ActivityError, DatePeriod, InsurancePolicy};
    /// let july: DatePeriod = NaiveDate::from_ymd_opt(2021, 7, 21).unwrap().into();
    /// let p = InsurancePolicy::new(" 中国人保 ", "PICC-2021-0721", july)?;
    /// assert_eq!(p.insurer(), "中国人保"); // trimmed
    /// assert_eq!(InsurancePolicy::new("中国人保", "", july), Err(ActivityError::Text { field: "policy_no", max: 100 }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(insurer: &str, policy_no: &str, covers: DatePeriod) -> Result<Self, ActivityError> {
        Ok(Self {
            insurer: text(insurer, "insurer", 500)?,
            policy_no: text(policy_no, "policy_no", 100)?,
            covers,
        })
    }
    /// The insurer.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::InsurancePolicy;
    /// let p = InsurancePolicy::new("中国人保", "PICC-2021-0721", NaiveDate::from_ymd_opt(2021, 7, 21).unwrap().into())?;
    /// assert_eq!(p.insurer(), "中国人保");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn insurer(&self) -> &str {
        &self.insurer
    }
    /// The policy number.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::InsurancePolicy;
    /// let p = InsurancePolicy::new("中国人保", "PICC-2021-0721", NaiveDate::from_ymd_opt(2021, 7, 21).unwrap().into())?;
    /// assert_eq!(p.policy_no(), "PICC-2021-0721");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn policy_no(&self) -> &str {
        &self.policy_no
    }
    /// The days covered.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{DatePeriod, InsurancePolicy};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let p = InsurancePolicy::new("中国人保", "PICC-2021-0721", DatePeriod::new(d(7, 21), Some(d(9, 1)))?)?;
    /// assert!(p.covers().contains(d(8, 31)));
    /// assert!(!p.covers().contains(d(9, 1)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn covers(&self) -> DatePeriod {
        self.covers
    }
}

/// Whether an activity may endanger life or health, and if so its insurance (FIT-03).
///
/// Serialised as `"none"` or `{"hazardous": {"insurance": null | {…}}}`.
///
/// # Example
/// ```
/// use volunteer_service::Hazard;
/// let h = Hazard::Hazardous { insurance: None };
/// assert!(h.is_hazardous() && !h.is_insured());
/// assert!(Hazard::None.is_insured());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Hazard {
    /// Ordinary work: no insurance required.
    #[default]
    None,
    /// Work that may endanger life or health (checkpoints, screening, rescue): volunteers can
    /// only be confirmed once insurance covering the shift's days is attached.
    Hazardous {
        /// The accident insurance, once bought.
        insurance: Option<InsurancePolicy>,
    },
}

impl Hazard {
    /// Whether the work is hazardous.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Hazard};
    /// assert!(!Hazard::None.is_hazardous());
    /// assert!(doc_fixtures::hazardous_activity().hazard().is_hazardous());
    /// ```
    pub fn is_hazardous(&self) -> bool {
        matches!(self, Self::Hazardous { .. })
    }

    /// Whether volunteers may be confirmed as far as insurance goes (not hazardous, or insured).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{Hazard, InsurancePolicy};
    /// let policy = InsurancePolicy::new("中国人保", "P-1", NaiveDate::from_ymd_opt(2021, 7, 1).unwrap().into())?;
    /// assert!(Hazard::None.is_insured()); // nothing to insure
    /// assert!(!Hazard::Hazardous { insurance: None }.is_insured());
    /// assert!(Hazard::Hazardous { insurance: Some(policy) }.is_insured());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_insured(&self) -> bool {
        !matches!(self, Self::Hazardous { insurance: None })
    }

    /// The insurance, if any.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{Hazard, InsurancePolicy};
    /// let policy = InsurancePolicy::new("中国人保", "P-1", NaiveDate::from_ymd_opt(2021, 7, 1).unwrap().into())?;
    /// let h = Hazard::Hazardous { insurance: Some(policy.clone()) };
    /// assert_eq!(h.insurance(), Some(&policy));
    /// assert_eq!(Hazard::None.insurance(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn insurance(&self) -> Option<&InsurancePolicy> {
        match self {
            Self::Hazardous { insurance } => insurance.as_ref(),
            Self::None => None,
        }
    }

    /// Checks that volunteers may be confirmed for `span` of `activity`: the work is not
    /// hazardous, or the insurance covers every local day the span touches (FIT-03).
    ///
    /// # Errors
    /// [`ActivityError::Uninsured`] or [`ActivityError::InsuranceGap`].
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{doc_fixtures::span, ActivityError, ActivityId, DatePeriod, Hazard, InsurancePolicy};
    /// let a = ActivityId::from_parts(1, 1);
    /// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
    /// let night = span("2021-07-31T22:00:00+08:00", "2021-08-01T06:00:00+08:00");
    /// assert_eq!(Hazard::Hazardous { insurance: None }.check_confirmable(a, &night), Err(ActivityError::Uninsured { activity: a }));
    /// // Insured through July only: the night runs into August 1st.
    /// let july = InsurancePolicy::new("中国人保", "P-1", DatePeriod::new(d(7, 1), Some(d(8, 1)))?)?;
    /// let h = Hazard::Hazardous { insurance: Some(july) };
    /// assert!(matches!(h.check_confirmable(a, &night), Err(ActivityError::InsuranceGap { .. })));
    /// assert!(h.check_confirmable(a, &span("2021-07-31T08:00:00+08:00", "2021-07-31T12:00:00+08:00")).is_ok());
    /// assert!(Hazard::None.check_confirmable(a, &night).is_ok());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn check_confirmable(
        &self,
        activity: ActivityId,
        span: &TimeSpan,
    ) -> Result<(), ActivityError> {
        match self {
            Self::None => Ok(()),
            Self::Hazardous { insurance: None } => Err(ActivityError::Uninsured { activity }),
            Self::Hazardous {
                insurance: Some(policy),
            } => match span.local_days().find(|(d, _)| !policy.covers.contains(*d)) {
                Some((day, _)) => Err(ActivityError::InsuranceGap {
                    activity,
                    policy_no: policy.policy_no.clone(),
                    day,
                }),
                None => Ok(()),
            },
        }
    }
}

/// A countable outcome of an activity, recorded apart from service hours (EMG-03).
///
/// Serialised in snake case, e.g. `"households"`.
///
/// # Example
/// ```
/// use volunteer_service::OutcomeMetric;
/// assert_eq!(OutcomeMetric::Households.to_string(), "households");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum OutcomeMetric {
    /// Households covered (户), e.g. screened door to door.
    Households,
    /// People served or screened (人).
    People,
    /// Leaflets handed out.
    Leaflets,
    /// Vehicle trips of mobile broadcast.
    BroadcastTrips,
    /// Screens showing publicity.
    Screens,
    /// Samples collected with volunteer help.
    Samples,
    /// Deliveries of supplies, groceries or medicine.
    Deliveries,
    /// Lectures or classes given.
    Lectures,
    /// Calls answered on a hotline.
    HotlineCalls,
}

impl OutcomeMetric {
    /// The snake-case name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::OutcomeMetric;
    /// assert_eq!(OutcomeMetric::HotlineCalls.as_str(), "hotline_calls");
    /// assert_eq!(OutcomeMetric::People.as_str(), OutcomeMetric::People.to_string());
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Households => "households",
            Self::People => "people",
            Self::Leaflets => "leaflets",
            Self::BroadcastTrips => "broadcast_trips",
            Self::Screens => "screens",
            Self::Samples => "samples",
            Self::Deliveries => "deliveries",
            Self::Lectures => "lectures",
            Self::HotlineCalls => "hotline_calls",
        }
    }
}

impl fmt::Display for OutcomeMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A volunteer-service activity (志愿服务活动), organised by an organisation, optionally run
/// by a team, possibly answering a need (MATCH-05).
///
/// Serialised with snake-case fields `id, organiser, team, title, category, location,
/// recruitment, hazard, need, outcomes` (`outcomes` a map from metric name to count);
/// deserialisation re-runs the builder's checks.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Activity, ActivityId, Hazard, OrgId, OutcomeMetric};
/// let mut a = Activity::builder(
///     ActivityId::from_parts(1_626_825_600_000, 1),
///     OrgId::from_parts(1_626_825_600_000, 2),
///     "敲门行动 door-knocking screening",
///     "epidemic.screening.door_knocking".parse()?,
///     doc_fixtures::location(),
///     doc_fixtures::recruitment(),
/// )
/// .hazard(Hazard::Hazardous { insurance: None })
/// .build()?;
/// a.record_outcome(OutcomeMetric::Households, 154_134)?;
/// a.record_outcome(OutcomeMetric::People, 384_315)?;
/// assert_eq!(a.outcome(OutcomeMetric::Households), 154_134);
/// assert!(!a.hazard().is_insured());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "ActivityWire")
)]
pub struct Activity {
    id: ActivityId,
    organiser: OrgId,
    team: Option<TeamId>,
    title: String,
    category: CategoryKey,
    location: Location,
    recruitment: Recruitment,
    hazard: Hazard,
    need: Option<NeedId>,
    outcomes: BTreeMap<OutcomeMetric, u64>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct ActivityWire {
    id: ActivityId,
    organiser: OrgId,
    team: Option<TeamId>,
    title: String,
    category: CategoryKey,
    location: Location,
    recruitment: Recruitment,
    hazard: Hazard,
    need: Option<NeedId>,
    outcomes: BTreeMap<OutcomeMetric, u64>,
}

#[cfg(feature = "serde")]
impl TryFrom<ActivityWire> for Activity {
    type Error = ActivityError;
    fn try_from(w: ActivityWire) -> Result<Self, ActivityError> {
        let mut b = Activity::builder(
            w.id,
            w.organiser,
            &w.title,
            w.category,
            w.location,
            w.recruitment,
        )
        .hazard(w.hazard);
        if let Some(t) = w.team {
            b = b.team(t);
        }
        if let Some(n) = w.need {
            b = b.need(n);
        }
        let mut a = b.build()?;
        a.outcomes = w.outcomes;
        Ok(a)
    }
}

/// Builds an [`Activity`]; see there for an example.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Activity, ActivityId, Hazard, OrgId, TeamId};
/// let a = Activity::builder(
///     ActivityId::from_parts(1, 1),
///     OrgId::from_parts(1, 2),
///     "道路卡口值守",
///     "epidemic.checkpoint.road".parse()?,
///     doc_fixtures::location(),
///     doc_fixtures::recruitment(),
/// )
/// .team(TeamId::from_parts(1, 7))
/// .hazard(Hazard::Hazardous { insurance: None })
/// .build()?;
/// assert!(a.hazard().is_hazardous() && a.team().is_some());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ActivityBuilder {
    id: ActivityId,
    organiser: OrgId,
    team: Option<TeamId>,
    title: String,
    category: CategoryKey,
    location: Location,
    recruitment: Recruitment,
    hazard: Hazard,
    need: Option<NeedId>,
    need_risks: Vec<String>,
}

impl ActivityBuilder {
    /// The team that runs the activity.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Activity, TeamId};
    /// let team = TeamId::from_parts(1, 7);
    /// let base = doc_fixtures::activity();
    /// let a = Activity::builder(base.id(), base.organiser(), base.title(), base.category().clone(), base.location().clone(), base.recruitment().clone())
    ///     .team(team)
    ///     .build()?;
    /// assert_eq!(a.team(), Some(team));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn team(mut self, team: TeamId) -> Self {
        self.team = Some(team);
        self
    }
    /// Whether the work is hazardous, and its insurance.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Activity, ActivityError, ActivityId, Hazard, OrgId, Recruitment};
    /// let start = |notice: Recruitment| Activity::builder(
    ///     ActivityId::from_parts(1, 3), OrgId::from_parts(1, 2), "道路卡口值守",
    ///     "epidemic.checkpoint.road".parse().unwrap(), doc_fixtures::location(), notice,
    /// );
    /// let a = start(doc_fixtures::recruitment()).hazard(Hazard::Hazardous { insurance: None }).build()?;
    /// assert!(a.hazard().is_hazardous());
    /// // A hazardous activity must disclose a risk (FIT-04).
    /// let silent = Recruitment::builder()
    ///     .period(doc_fixtures::recruitment().period()).schedule("daily").place("卡口").content("checks")
    ///     .conditions("adults").needed(4).how_to_sign_up("platform")
    ///     .build()?;
    /// let err = start(silent).hazard(Hazard::Hazardous { insurance: None }).build().unwrap_err();
    /// assert_eq!(err, ActivityError::HazardWithoutRisk { activity: ActivityId::from_parts(1, 3) });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn hazard(mut self, hazard: Hazard) -> Self {
        self.hazard = hazard;
        self
    }
    /// Links the need this activity answers, by identifier only (MATCH-05).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Activity, NeedId};
    /// let need = NeedId::from_parts(1, 4);
    /// let base = doc_fixtures::activity();
    /// let a = Activity::builder(base.id(), base.organiser(), base.title(), base.category().clone(), base.location().clone(), base.recruitment().clone())
    ///     .need(need)
    ///     .build()?;
    /// assert_eq!(a.need(), Some(need));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn need(mut self, need: NeedId) -> Self {
        self.need = Some(need);
        self
    }
    /// Links the need this activity answers and requires every risk the requester stated to
    /// be disclosed in the recruitment notice (MATCH-05, MATCH-07).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Activity, ActivityError, ActivityId, OrgId};
    /// let need = doc_fixtures::need(); // states two risks
    /// let start = || Activity::builder(
    ///     ActivityId::from_parts(1, 8), OrgId::from_parts(1, 2), "上门采样陪同",
    ///     need.category().clone(), need.location().clone(), doc_fixtures::recruitment(),
    /// );
    /// // The fixture notice does not disclose the need's risks (MATCH-07).
    /// let err = start().for_need(&need).build().unwrap_err();
    /// assert!(matches!(err, ActivityError::NeedRiskNotDisclosed { .. }));
    /// // Linking by id alone does not check them.
    /// assert_eq!(start().need(need.id()).build()?.need(), Some(need.id()));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn for_need(mut self, need: &Need) -> Self {
        self.need = Some(need.id());
        self.need_risks = need.risks().to_vec();
        self
    }

    /// Validates the activity.
    ///
    /// # Errors
    /// [`ActivityError::Text`] for a blank or over-long title (max 200),
    /// [`ActivityError::HazardWithoutRisk`] for a hazardous activity whose notice states no
    /// risk, [`ActivityError::NeedRiskNotDisclosed`] if a risk of the need from
    /// [`for_need`](Self::for_need) is missing from the notice.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Activity, ActivityError, ActivityId, OrgId};
    /// let start = |title: &str| Activity::builder(
    ///     ActivityId::from_parts(1, 1), OrgId::from_parts(1, 2), title,
    ///     "epidemic.testing.registration".parse().unwrap(), doc_fixtures::location(), doc_fixtures::recruitment(),
    /// );
    /// assert_eq!(start(" 核酸检测点登记 ").build()?.title(), "核酸检测点登记");
    /// assert_eq!(start("").build(), Err(ActivityError::Text { field: "title", max: 200 }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn build(self) -> Result<Activity, ActivityError> {
        let title = text(&self.title, "title", 200)?;
        if self.hazard.is_hazardous() && self.recruitment.risks.is_empty() {
            return Err(ActivityError::HazardWithoutRisk { activity: self.id });
        }
        if let (Some(need), Some(risk)) = (
            self.need,
            self.need_risks
                .iter()
                .find(|r| !self.recruitment.risks.contains(r)),
        ) {
            return Err(ActivityError::NeedRiskNotDisclosed {
                activity: self.id,
                need,
                risk: risk.clone(),
            });
        }
        Ok(Activity {
            id: self.id,
            organiser: self.organiser,
            team: self.team,
            title,
            category: self.category,
            location: self.location,
            recruitment: self.recruitment,
            hazard: self.hazard,
            need: self.need,
            outcomes: BTreeMap::new(),
        })
    }
}

impl Activity {
    /// Starts building an activity. The category is not checked against a menu here; use
    /// [`Taxonomy::check`](crate::Taxonomy::check) where the platform's menu is at hand.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Activity, ActivityId, Hazard, OrgId};
    /// let a = Activity::builder(
    ///     ActivityId::from_parts(1, 1),
    ///     OrgId::from_parts(1, 2),
    ///     "核酸检测点登记",
    ///     "epidemic.testing.registration".parse()?,
    ///     doc_fixtures::location(),
    ///     doc_fixtures::recruitment(),
    /// )
    /// .build()?;
    /// assert_eq!(a.hazard(), &Hazard::None); // ordinary unless stated
    /// assert_eq!((a.team(), a.need()), (None, None));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn builder(
        id: ActivityId,
        organiser: OrgId,
        title: &str,
        category: CategoryKey,
        location: Location,
        recruitment: Recruitment,
    ) -> ActivityBuilder {
        ActivityBuilder {
            id,
            organiser,
            team: None,
            title: title.to_owned(),
            category,
            location,
            recruitment,
            hazard: Hazard::None,
            need: None,
            need_risks: Vec::new(),
        }
    }

    /// The identifier.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityId};
    /// assert_eq!(doc_fixtures::activity().id(), ActivityId::from_parts(1_626_825_600_000, 1));
    /// ```
    pub fn id(&self) -> ActivityId {
        self.id
    }
    /// The organising organisation.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, OrgId};
    /// assert_eq!(doc_fixtures::activity().organiser(), OrgId::from_parts(1_626_825_600_000, 2));
    /// ```
    pub fn organiser(&self) -> OrgId {
        self.organiser
    }
    /// The team running it, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::activity().team(), None);
    /// let base = doc_fixtures::activity();
    /// let team = volunteer_service::TeamId::from_parts(1, 7);
    /// let run = volunteer_service::Activity::builder(base.id(), base.organiser(), base.title(), base.category().clone(), base.location().clone(), base.recruitment().clone())
    ///     .team(team)
    ///     .build()?;
    /// assert_eq!(run.team(), Some(team));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn team(&self) -> Option<TeamId> {
        self.team
    }
    /// The title.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::activity().title(), "核酸检测点登记 testing-site registration");
    /// ```
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The service category.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Taxonomy};
    /// let a = doc_fixtures::activity();
    /// assert_eq!(a.category().as_str(), "epidemic.testing.registration");
    /// assert!(Taxonomy::default().check(a.category()).is_ok());
    /// ```
    pub fn category(&self) -> &CategoryKey {
        &self.category
    }
    /// The location.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::activity().location(), &doc_fixtures::location());
    /// ```
    pub fn location(&self) -> &Location {
        &self.location
    }
    /// The recruitment notice.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::activity().recruitment().needed(), 40);
    /// ```
    pub fn recruitment(&self) -> &Recruitment {
        &self.recruitment
    }
    /// The hazard and insurance status.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert!(!doc_fixtures::activity().hazard().is_hazardous());
    /// assert!(!doc_fixtures::hazardous_activity().hazard().is_insured());
    /// ```
    pub fn hazard(&self) -> &Hazard {
        &self.hazard
    }
    /// The need this activity answers.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::doc_fixtures;
    /// assert_eq!(doc_fixtures::activity().need(), None);
    /// let base = doc_fixtures::activity();
    /// let need = volunteer_service::NeedId::from_parts(1, 4);
    /// let answer = volunteer_service::Activity::builder(base.id(), base.organiser(), base.title(), base.category().clone(), base.location().clone(), base.recruitment().clone())
    ///     .need(need)
    ///     .build()?;
    /// assert_eq!(answer.need(), Some(need));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn need(&self) -> Option<NeedId> {
        self.need
    }
    /// The recorded outcomes, by metric.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, OutcomeMetric};
    /// let mut a = doc_fixtures::activity();
    /// assert!(a.outcomes().is_empty());
    /// a.record_outcome(OutcomeMetric::Samples, 1_200)?;
    /// a.record_outcome(OutcomeMetric::People, 1_150)?;
    /// let names: Vec<&str> = a.outcomes().keys().map(|m| m.as_str()).collect();
    /// assert_eq!(names, ["people", "samples"]); // ordered by metric
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn outcomes(&self) -> &BTreeMap<OutcomeMetric, u64> {
        &self.outcomes
    }
    /// The total for one metric, 0 if never recorded.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, OutcomeMetric};
    /// let mut a = doc_fixtures::activity();
    /// assert_eq!(a.outcome(OutcomeMetric::Leaflets), 0);
    /// a.record_outcome(OutcomeMetric::Leaflets, 500)?;
    /// assert_eq!(a.outcome(OutcomeMetric::Leaflets), 500);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn outcome(&self, metric: OutcomeMetric) -> u64 {
        self.outcomes.get(&metric).copied().unwrap_or(0)
    }

    /// Attaches (or replaces) the accident insurance of a hazardous activity (FIT-03).
    ///
    /// # Errors
    /// [`ActivityError::NotHazardous`]; the activity is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, DatePeriod, InsurancePolicy};
    /// let mut a = doc_fixtures::hazardous_activity();
    /// assert!(!a.hazard().is_insured());
    /// let from: chrono::NaiveDate = "2021-07-01".parse()?;
    /// a.attach_insurance(InsurancePolicy::new("PICC", "P-1", DatePeriod::from(from))?)?;
    /// assert!(a.hazard().is_insured());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn attach_insurance(&mut self, policy: InsurancePolicy) -> Result<(), ActivityError> {
        match &mut self.hazard {
            Hazard::Hazardous { insurance } => {
                *insurance = Some(policy);
                Ok(())
            }
            Hazard::None => Err(ActivityError::NotHazardous { activity: self.id }),
        }
    }

    /// Checks that volunteers may be confirmed for `span` (FIT-03); see
    /// [`Hazard::check_confirmable`].
    ///
    /// # Errors
    /// [`ActivityError::Uninsured`] or [`ActivityError::InsuranceGap`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityError};
    /// let shift = doc_fixtures::span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
    /// assert!(doc_fixtures::activity().check_confirmable(&shift).is_ok());
    /// let risky = doc_fixtures::hazardous_activity();
    /// assert_eq!(risky.check_confirmable(&shift), Err(ActivityError::Uninsured { activity: risky.id() }));
    /// ```
    pub fn check_confirmable(&self, span: &TimeSpan) -> Result<(), ActivityError> {
        self.hazard.check_confirmable(self.id, span)
    }

    /// Adds `count` to the running total of `metric` (EMG-03). Outcomes are separate from
    /// service hours.
    ///
    /// # Errors
    /// [`ActivityError::OutcomeOverflow`]; the activity is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityError, OutcomeMetric};
    /// let mut a = doc_fixtures::activity();
    /// assert_eq!(a.record_outcome(OutcomeMetric::Households, 100)?, 100);
    /// assert_eq!(a.record_outcome(OutcomeMetric::Households, 54)?, 154); // a running total
    /// let err = a.record_outcome(OutcomeMetric::Households, u64::MAX).unwrap_err();
    /// assert!(matches!(err, ActivityError::OutcomeOverflow { .. }));
    /// assert_eq!(a.outcome(OutcomeMetric::Households), 154); // unchanged
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn record_outcome(
        &mut self,
        metric: OutcomeMetric,
        count: u64,
    ) -> Result<u64, ActivityError> {
        let total =
            self.outcome(metric)
                .checked_add(count)
                .ok_or(ActivityError::OutcomeOverflow {
                    activity: self.id,
                    metric,
                })?;
        self.outcomes.insert(metric, total);
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc_fixtures;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn recruitment_requires_every_disclosure() {
        let full = || {
            Recruitment::builder()
                .period(DatePeriod::from(day("2021-07-21")))
                .schedule("daily")
                .place("p")
                .content("c")
                .conditions("18+")
                .needed(3)
                .how_to_sign_up("platform")
        };
        assert!(full().build().is_ok());
        let mut b = full();
        b.place = None;
        assert_eq!(
            b.build(),
            Err(ActivityError::MissingDisclosure { field: "place" })
        );
        let mut b = full();
        b.how_to_sign_up = None;
        assert_eq!(
            b.build(),
            Err(ActivityError::MissingDisclosure {
                field: "how_to_sign_up"
            })
        );
        assert_eq!(full().needed(0).build(), Err(ActivityError::ZeroNeeded));
        assert!(matches!(
            full().content("  ").build(),
            Err(ActivityError::Text {
                field: "content",
                ..
            })
        ));
        let r = full().risk("heat").risk(" heat ").build().unwrap();
        assert_eq!(r.risks(), ["heat"]);
    }

    #[test]
    fn hazardous_activity_must_state_risks() {
        let no_risk = Recruitment::builder()
            .period(DatePeriod::from(day("2021-07-21")))
            .schedule("daily")
            .place("p")
            .content("c")
            .conditions("18+")
            .needed(3)
            .how_to_sign_up("platform")
            .build()
            .unwrap();
        let b = Activity::builder(
            ActivityId::from_parts(1, 1),
            OrgId::from_parts(1, 2),
            "checkpoint",
            "epidemic.checkpoint".parse().unwrap(),
            doc_fixtures::location(),
            no_risk,
        );
        assert!(b.clone().build().is_ok());
        assert!(matches!(
            b.hazard(Hazard::Hazardous { insurance: None }).build(),
            Err(ActivityError::HazardWithoutRisk { .. })
        ));
    }

    #[test]
    fn insurance_gates_confirmation() {
        let mut a = doc_fixtures::hazardous_activity();
        let span = doc_fixtures::span("2021-07-21T22:00:00+08:00", "2021-07-22T06:00:00+08:00");
        assert!(matches!(
            a.check_confirmable(&span),
            Err(ActivityError::Uninsured { .. })
        ));
        // Covers only the 21st: the overnight shift's second day is uncovered.
        let short = InsurancePolicy::new(
            "PICC",
            "P-1",
            DatePeriod::new(day("2021-07-01"), Some(day("2021-07-22"))).unwrap(),
        )
        .unwrap();
        a.attach_insurance(short).unwrap();
        assert_eq!(
            a.check_confirmable(&span),
            Err(ActivityError::InsuranceGap {
                activity: a.id(),
                policy_no: "P-1".into(),
                day: day("2021-07-22")
            })
        );
        a.attach_insurance(
            InsurancePolicy::new("PICC", "P-2", DatePeriod::from(day("2021-07-01"))).unwrap(),
        )
        .unwrap();
        assert_eq!(a.check_confirmable(&span), Ok(()));
    }

    #[test]
    fn insurance_on_ordinary_activity_is_refused() {
        let mut a = doc_fixtures::activity();
        let before = a.clone();
        let p = InsurancePolicy::new("PICC", "P-1", DatePeriod::from(day("2021-07-01"))).unwrap();
        assert!(matches!(
            a.attach_insurance(p),
            Err(ActivityError::NotHazardous { .. })
        ));
        assert_eq!(a, before);
    }

    #[test]
    fn outcomes_accumulate_and_overflow_is_refused() {
        let mut a = doc_fixtures::activity();
        a.record_outcome(OutcomeMetric::Households, 154_000)
            .unwrap();
        assert_eq!(
            a.record_outcome(OutcomeMetric::Households, 134),
            Ok(154_134)
        );
        a.record_outcome(OutcomeMetric::People, 384_315).unwrap();
        assert_eq!(a.outcome(OutcomeMetric::People), 384_315);
        assert_eq!(a.outcome(OutcomeMetric::Leaflets), 0);
        let before = a.clone();
        assert!(a.record_outcome(OutcomeMetric::People, u64::MAX).is_err());
        assert_eq!(a, before);
    }

    #[test]
    fn need_risks_propagate_to_the_notice() {
        let need = doc_fixtures::need();
        assert!(!need.risks().is_empty());
        let b = Activity::builder(
            ActivityId::from_parts(1, 1),
            OrgId::from_parts(1, 2),
            "escort",
            need.category().clone(),
            need.location().clone(),
            doc_fixtures::recruitment(),
        )
        .for_need(&need);
        assert!(matches!(
            b.clone().build(),
            Err(ActivityError::NeedRiskNotDisclosed { .. })
        ));
        let mut r = Recruitment::builder()
            .period(DatePeriod::from(day("2021-07-21")))
            .schedule("daily")
            .place("p")
            .content("c")
            .conditions("18+")
            .needed(3)
            .how_to_sign_up("platform");
        for risk in need.risks() {
            r = r.risk(risk);
        }
        let mut b = b;
        b.recruitment = r.build().unwrap();
        let a = b.build().unwrap();
        assert_eq!(a.need(), Some(need.id()));
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            ActivityError::Uninsured {
                activity: ActivityId::from_parts(0, 0)
            }
            .to_string(),
            "activity 00000000-0000-7000-8000-000000000000 is hazardous and has no accident insurance: no volunteer may be confirmed (FIT-03)"
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip_and_validation() {
        let mut a = doc_fixtures::hazardous_activity();
        a.record_outcome(OutcomeMetric::Households, 5).unwrap();
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["outcomes"]["households"], 5);
        let back: Activity = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, a);
        let mut bad = json;
        bad["recruitment"]["risks"] = serde_json::json!([]);
        assert!(serde_json::from_value::<Activity>(bad).is_err());
    }
}
