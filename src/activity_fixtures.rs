//! Small ready-made values for doc examples and tests (hidden from the docs).

#![allow(
    clippy::missing_panics_doc,
    clippy::expect_used,
    reason = "fixtures are built from constants that are known to be valid"
)]

use chrono::{DateTime, FixedOffset, NaiveDate, Weekday};

use crate::{
    Activity, ActivityId, DatePeriod, Hazard, Location, Minutes, Need, NeedId, OrgId, Recruitment,
    Requester, Requirements, Shift, ShiftCalendar, ShiftId, ShiftTemplate, TemplateId, TimeSpan,
};

/// Parses an RFC 3339 instant.
pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid RFC 3339")
}

/// A span between two RFC 3339 instants.
pub fn span(start: &str, end: &str) -> TimeSpan {
    TimeSpan::new(at(start), at(end)).expect("valid span")
}

/// `days` consecutive dates starting on `from`.
pub fn dates(from: &str, days: u64) -> Vec<NaiveDate> {
    let from: NaiveDate = from.parse().expect("valid date");
    (0..days)
        .filter_map(|d| from.checked_add_days(chrono::Days::new(d)))
        .collect()
}

/// Lukou street (禄口街道), Jiangning, Nanjing.
pub fn location() -> Location {
    Location::new(
        "320115005".parse().expect("valid code"),
        "禄口街道社区卫生服务中心",
    )
    .expect("valid address")
}

/// A complete recruitment notice for testing-site support that states one risk.
pub fn recruitment() -> Recruitment {
    Recruitment::builder()
        .period(DatePeriod::from(
            "2021-07-21".parse::<NaiveDate>().expect("valid date"),
        ))
        .schedule("daily, 4-hour shifts")
        .place("禄口街道各检测点")
        .content("registration and crowd order at testing sites")
        .conditions("aged 18–60, in good health")
        .needed(40)
        .how_to_sign_up("sign up on the district volunteer platform")
        .risk("exposure to crowds during an outbreak")
        .protection("masks, gloves, face shields")
        .build()
        .expect("complete notice")
}

/// An ordinary activity (testing-site registration) organised by a fixed organisation.
pub fn activity() -> Activity {
    Activity::builder(
        ActivityId::from_parts(1_626_825_600_000, 1),
        OrgId::from_parts(1_626_825_600_000, 2),
        "核酸检测点登记 testing-site registration",
        "epidemic.testing.registration".parse().expect("valid key"),
        location(),
        recruitment(),
    )
    .build()
    .expect("valid activity")
}

/// A hazardous, not yet insured checkpoint activity.
pub fn hazardous_activity() -> Activity {
    Activity::builder(
        ActivityId::from_parts(1_626_825_600_000, 3),
        OrgId::from_parts(1_626_825_600_000, 2),
        "道路卡口值守 road checkpoint",
        "epidemic.checkpoint.road".parse().expect("valid key"),
        location(),
        recruitment(),
    )
    .hazard(Hazard::Hazardous { insurance: None })
    .build()
    .expect("valid activity")
}

/// A submitted need for a home sample-collection escort, stating two risks.
pub fn need() -> Need {
    Need::submit(
        NeedId::from_parts(1_626_825_600_000, 4),
        Requester::new("禄口街道某社区居委会", Some("025-52100000")).expect("valid requester"),
        "epidemic.screening.home_sampling_escort"
            .parse()
            .expect("valid key"),
        location(),
        "escort medical staff to 12 elderly and disabled residents' homes",
        vec![
            "contact with possibly infected residents".to_owned(),
            "stairs in old buildings".to_owned(),
        ],
        at("2021-07-21T08:00:00+08:00"),
    )
    .expect("valid need")
}

/// Mondays and Wednesdays 22:00–06:00 (+08:00), 3 places, from 2021-07-01.
pub fn template(activity: ActivityId) -> ShiftTemplate {
    ShiftTemplate::new(
        TemplateId::from_parts(1_626_825_600_000, 5),
        activity,
        [Weekday::Mon, Weekday::Wed],
        "22:00".parse().expect("valid time"),
        Minutes::new(480),
        FixedOffset::east_opt(8 * 3600).expect("valid offset"),
        3,
        Requirements::none(),
        DatePeriod::from("2021-07-01".parse::<NaiveDate>().expect("valid date")),
    )
    .expect("valid template")
}

/// A calendar holding [`activity`] and one shift on 2021-07-21 08:00–12:00 (+08:00).
pub fn calendar_with_shift(slots: u32) -> (ShiftCalendar, ShiftId) {
    let a = activity();
    let mut cal = ShiftCalendar::new();
    cal.add_activity(&a);
    let id = ShiftId::from_parts(1_626_825_600_000, 6);
    let shift = Shift::new(
        id,
        a.id(),
        span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"),
        slots,
        Requirements::none(),
    )
    .expect("valid shift");
    cal.add_shift(shift).expect("known activity");
    (cal, id)
}

/// A matcher (default match policy; registration required, no qualifications) with a
/// two-volunteer input, and the instant to match at (2021-07-20 08:00 +08:00).
///
/// Volunteers: 张三 (`volunteer()`, profile with a 950 ‰ show-up rate) and 小明 (`child()`,
/// no profile). Shifts of `activity()` on 2021-07-21: `ShiftId::from_parts(1, 1)` 08:00–12:00, 1 slot,
/// priority 1; `ShiftId::from_parts(1, 2)` 14:00–18:00, 2 slots, priority 2, requiring the
/// tag `first-aid`, which neither volunteer has.
#[doc(hidden)]
pub fn match_scenario() -> (
    crate::matching::Matcher<'static>,
    crate::matching::MatchInput,
    DateTime<FixedOffset>,
) {
    use crate::matching::{MatchInput, MatchPolicy, Matcher, VolunteerProfile};
    use crate::volunteer_fixtures::{child, volunteer};
    use crate::{Eligibility, EligibilityPolicy, QualificationGraph, RegistrationRequirement};
    use std::sync::LazyLock;

    static GRAPH: LazyLock<QualificationGraph> = LazyLock::new(QualificationGraph::new);
    static RULES: LazyLock<EligibilityPolicy> = LazyLock::new(|| {
        EligibilityPolicy::default().with_registration(RegistrationRequirement::Registered)
    });
    static POLICY: LazyLock<MatchPolicy> = LazyLock::new(MatchPolicy::default);

    let a = activity();
    let morning = Shift::new(
        ShiftId::from_parts(1, 1),
        a.id(),
        span("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00"),
        1,
        Requirements::none(),
    )
    .expect("valid shift");
    let first_aid = Requirements::builder()
        .tag(crate::Tag::new("first-aid").expect("valid tag"))
        .build()
        .expect("valid requirements");
    let afternoon = Shift::new(
        ShiftId::from_parts(1, 2),
        a.id(),
        span("2021-07-21T14:00:00+08:00", "2021-07-21T18:00:00+08:00"),
        2,
        first_aid,
    )
    .expect("valid shift");
    let zhang = volunteer();
    let profile = VolunteerProfile::default()
        .with_reliability_permille(950)
        .expect("valid rate");
    let input = MatchInput::new(
        vec![zhang.clone(), child()],
        vec![morning, afternoon],
        vec![a],
    )
    .and_then(|i| i.with_priority(ShiftId::from_parts(1, 2), 2))
    .and_then(|i| i.with_profile(zhang.id(), profile))
    .expect("valid input");
    let matcher = Matcher::new(Eligibility::new(&GRAPH, &RULES), &POLICY);
    (matcher, input, at("2021-07-20T08:00:00+08:00"))
}
