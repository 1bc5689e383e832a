//! Strategies for identifiers, quantities, codes, spans and tags.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta};
use proptest::prelude::*;

use crate::codes::PROVINCES;
use crate::{
    ActivityId, AssignmentId, CorrectionId, DatePeriod, DeploymentId, DivisionCode, GeoPoint,
    IdempotencyKey, MinuteDelta, Minutes, NeedId, OrgId, PairingId, QualificationId, RecordId,
    ShiftId, StaffId, Tag, TeamId, TemplateId, TimeSpan, TrainingId, VolunteerId,
};

macro_rules! id_strategy {
    ($($fn_name:ident => $ty:ident),* $(,)?) => {$(
        #[doc = concat!("Any [`", stringify!($ty), "`], as a UUID v7 between 2020 and 2040.")]
        ///
        /// # Example
        /// ```
        /// use proptest::strategy::{Strategy, ValueTree};
        /// use proptest::test_runner::TestRunner;
        /// let mut runner = TestRunner::deterministic();
        /// for _ in 0..8 {
        #[doc = concat!("    let id = volunteer_service::strategies::", stringify!($fn_name), "().new_tree(&mut runner).unwrap().current();")]
        ///     assert_eq!(id.as_uuid().get_version_num(), 7);
        #[doc = concat!("    assert_eq!(id.to_string().parse::<volunteer_service::", stringify!($ty), ">()?, id);")]
        /// }
        /// # Ok::<(), volunteer_service::Error>(())
        /// ```
        pub fn $fn_name() -> impl Strategy<Value = $ty> {
            (1_577_836_800_000_u64..2_208_988_800_000, any::<u64>())
                .prop_map(|(ms, counter)| $ty::from_parts(ms, counter))
        }
    )*};
}

id_strategy! {
    volunteer_id => VolunteerId,
    org_id => OrgId,
    team_id => TeamId,
    activity_id => ActivityId,
    shift_id => ShiftId,
    need_id => NeedId,
    assignment_id => AssignmentId,
    qualification_id => QualificationId,
    training_id => TrainingId,
    pairing_id => PairingId,
    deployment_id => DeploymentId,
    template_id => TemplateId,
    staff_id => StaffId,
    record_id => RecordId,
    correction_id => CorrectionId,
    idempotency_key => IdempotencyKey,
}

/// Durations up to 10,000 hours.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::minutes().new_tree(&mut runner).unwrap().current();
///     assert!(x.get() <= 600_000); // at most 10,000 hours
/// }
/// ```
pub fn minutes() -> impl Strategy<Value = Minutes> {
    (0_u32..=600_000).prop_map(Minutes::new)
}

/// Signed ledger amounts of up to ±10,000 hours.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::minute_delta().new_tree(&mut runner).unwrap().current();
///     assert!(x.get().abs() <= 600_000);
///     assert_eq!(x.checked_neg()?.checked_neg()?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn minute_delta() -> impl Strategy<Value = MinuteDelta> {
    (-600_000_i64..=600_000).prop_map(MinuteDelta::new)
}

/// Any valid point.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, GeoPoint};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::geo_point().new_tree(&mut runner).unwrap().current();
///     assert_eq!(GeoPoint::from_micro_degrees(x.lat_micro(), x.lon_micro()), Ok(x));
/// }
/// ```
pub fn geo_point() -> impl Strategy<Value = GeoPoint> {
    (-90_000_000..=90_000_000_i32, -180_000_000..=180_000_000_i32)
        .prop_map(|(lat, lon)| GeoPoint::from_micro_degrees(lat, lon).expect("generated in range"))
}

/// Points inside Jiangsu province's bounding box (about 30.7–35.2 °N, 116.3–121.9 °E).
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::geo_point_jiangsu().new_tree(&mut runner).unwrap().current();
///     assert!((30_700_000..=35_200_000).contains(&x.lat_micro()));
///     assert!((116_300_000..=121_900_000).contains(&x.lon_micro()));
/// }
/// ```
pub fn geo_point_jiangsu() -> impl Strategy<Value = GeoPoint> {
    (30_700_000..=35_200_000_i32, 116_300_000..=121_900_000_i32)
        .prop_map(|(lat, lon)| GeoPoint::from_micro_degrees(lat, lon).expect("generated in range"))
}

/// Structurally valid division codes at every level, province to village.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, DivisionCode};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::division_code().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.to_string().parse::<DivisionCode>()?, x);
///     assert!(x.parent().is_none_or(|p| p.contains(x)));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn division_code() -> impl Strategy<Value = DivisionCode> {
    (
        prop::sample::select(PROVINCES.to_vec()),
        0_u8..=5,
        1_u64..100,
        1_u64..100,
        1_u64..1000,
        1_u64..1000,
    )
        .prop_map(|(p, depth, pre, county, town, village)| {
            let p = u64::from(p);
            let twelve = match depth {
                0 => p * 10_000_000_000,
                1 => p * 10_000_000_000 + pre * 100_000_000,
                2 | 3 => p * 10_000_000_000 + pre * 100_000_000 + county * 1_000_000,
                4 => p * 10_000_000_000 + pre * 100_000_000 + county * 1_000_000 + town * 1_000,
                _ => {
                    p * 10_000_000_000
                        + pre * 100_000_000
                        + county * 1_000_000
                        + town * 1_000
                        + village
                }
            };
            format!("{twelve:012}").parse().expect("generated valid")
        })
}

/// Offsets from UTC-12:00 to UTC+14:00 in quarter hours.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::fixed_offset().new_tree(&mut runner).unwrap().current();
///     assert_eq!(x.local_minus_utc() % 900, 0); // quarter hours
///     assert!((-12 * 3600..=14 * 3600).contains(&x.local_minus_utc()));
/// }
/// ```
pub fn fixed_offset() -> impl Strategy<Value = FixedOffset> {
    (-48_i32..=56).prop_map(|q| FixedOffset::east_opt(q * 900).expect("in range"))
}

/// Instants between 2020 and 2030, on a whole minute, in any offset.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::instant().new_tree(&mut runner).unwrap().current();
///     use chrono::{Datelike, Timelike};
///     assert_eq!(x.second(), 0);
///     assert!((2020..=2030).contains(&x.year()));
/// }
/// ```
pub fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (26_297_280_i64..31_556_160, fixed_offset()).prop_map(|(minute, offset)| {
        DateTime::from_timestamp(minute * 60, 0)
            .expect("in range")
            .with_timezone(&offset)
    })
}

/// Spans of 1 minute to 3 days, often crossing midnight.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, TimeSpan};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::time_span().new_tree(&mut runner).unwrap().current();
///     assert_eq!(TimeSpan::new(x.start(), x.end())?, x);
///     assert!((1..=4_320).contains(&x.minutes().get()));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn time_span() -> impl Strategy<Value = TimeSpan> {
    (instant(), 1_i64..=4_320).prop_map(|(start, len)| {
        TimeSpan::new(start, start + TimeDelta::minutes(len)).expect("positive length")
    })
}

/// Days between 2020 and 2030.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::strategies;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::date().new_tree(&mut runner).unwrap().current();
///     use chrono::Datelike;
///     assert!((2020..=2030).contains(&x.year()));
/// }
/// ```
pub fn date() -> impl Strategy<Value = NaiveDate> {
    (0_u64..3_650).prop_map(|d| {
        NaiveDate::from_ymd_opt(2020, 1, 1)
            .and_then(|s| s.checked_add_days(chrono::Days::new(d)))
            .expect("in range")
    })
}

/// Periods of 1 to 3,650 days, or open-ended.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, DatePeriod};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::date_period().new_tree(&mut runner).unwrap().current();
///     assert_eq!(DatePeriod::new(x.from_date(), x.until())?, x);
///     assert!(x.contains(x.from_date()));
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn date_period() -> impl Strategy<Value = DatePeriod> {
    (date(), prop::option::of(1_u64..3_650)).prop_map(|(from, len)| {
        let until = len.map(|l| {
            from.checked_add_days(chrono::Days::new(l))
                .expect("in range")
        });
        DatePeriod::new(from, until).expect("until after from")
    })
}

/// Tags from a realistic vocabulary plus random ASCII and CJK labels.
///
/// # Example
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// use volunteer_service::{strategies, Tag};
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..16 {
///     let x = strategies::tag().new_tree(&mut runner).unwrap().current();
///     assert_eq!(Tag::new(x.as_str())?, x);
/// }
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn tag() -> impl Strategy<Value = Tag> {
    prop_oneof![
        prop::sample::select(vec![
            "party-member",
            "youth-league",
            "women",
            "professional",
            "党员",
            "青年",
            "巾帼",
            "专业"
        ])
        .prop_map(|s| Tag::new(s).expect("valid")),
        "[a-z0-9_-]{1,64}".prop_map(|s| Tag::new(&s).expect("valid")),
        "[\u{4e00}-\u{9fa5}]{1,8}".prop_map(|s| Tag::new(&s).expect("valid")),
    ]
}
