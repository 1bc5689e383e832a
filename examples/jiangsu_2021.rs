//! Replays the 2021 Jiangsu mobilisation (see the crate README) at its real scale, on the real
//! 2023 division codes of Nanjing, Zhenjiang and Suzhou shipped in `data/`.
//!
//! It builds, deterministically (a fixed seed, no clock, no randomness from the system):
//! - the organisation tree: the provincial and city civilization offices, and a new-era
//!   civilization practice centre → institute → station for every county, town and community
//!   of the three cities (新时代文明实践 中心/所/站);
//! - Zhenjiang's 59 party-member teams from 59 city departments, paired (结对) with 20 towns,
//!   and 4,176 of their members sent down (下沉) to 140 communities;
//! - Suzhou's 800 teams, among them five standby emergency-rescue teams with 300 reserve
//!   volunteers;
//! - Jiangning's five roles (五员) as service categories, and 500 testing sites with three
//!   shifts a day, generated from templates;
//! - 52,900 Jiangning volunteers plus the Zhenjiang and Suzhou rosters above, all with valid,
//!   checksummed resident ID numbers (synthetic people: never real ones);
//!
//! and prints what it built and a few eligibility verdicts with their reasons.
//!
//! Coordinates are synthetic (placed deterministically inside Jiangning's bounding box); the
//! division codes and names are real.
//!
//! Run with `cargo run --example jiangsu_2021` (add `--release` for speed).
//!
//! **Persistence.** Built with the `sqlite` feature and run with
//! `VOLUNTEER_SERVICE_DB=/path/to/file.db`, the example keeps its hour ledger in that SQLite
//! file: the first run records the hours and saves the ledger's events; later runs load the
//! ledger from the file (checking its hash chain) instead of recording the hours again, and
//! print the same report. For example:
//! `VOLUNTEER_SERVICE_DB=/tmp/jiangsu.db cargo run --release --features sqlite --example jiangsu_2021`.
//! Without the feature the variable is ignored (with a note on stderr).

#![allow(
    clippy::too_many_lines,
    reason = "each function is one linear scene of the scenario"
)]

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Weekday};
use volunteer_service::matching::{
    JurisdictionDemand, MatchInput, MatchPolicy, Matcher, PairingRequest, TeamOffer,
};
use volunteer_service::{
    Accompaniment, Activity, ActivityId, Actor, Append, AssignmentStatus, Attendance,
    AttendanceSource, CertificateRegister, Commitment, Contact, CreditRequest, CreditingPolicy,
    DatePeriod, DeploymentId, DeploymentTarget, DivisionCode, DivisionLevel, DivisionTable,
    Eligibility, EligibilityPolicy, GeoPoint, Hazard, HourLedger, IdDocument, IdempotencyKey,
    Ineligibility, InsurancePolicy, Issuer, JiangningRole, Jurisdiction, Location, MinorPolicy,
    Minutes, NoSignUps, OrgHierarchy, OrgId, OrgKind, OrgRollup, Organisation, OutcomeMetric,
    PairingId, PersonName, PhoneNumber, PolicyVersion, PracticeLevel, Provenance,
    QualificationGrant, QualificationGraph, QualificationId, QualificationKind, Readiness,
    RecordId, RecordKind, Recruitment, RegistrationChannel, Requirements, ResidentId, Role,
    RollupQuery, Roster, ServiceRecord, Sex, Shift, ShiftCalendar, ShiftId, ShiftTemplate,
    Specialty, StaffId, StarLadder, Tag, Taxonomy, Team, TeamId, TeamKind, TeamLevel, TeamRegistry,
    TemplateId, TimeSpan, VerificationMethod, Volunteer, VolunteerId, VolunteerNo,
    VolunteerRegistry,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The real division codes (NBS 2023 edition; see data/README.md for provenance).
const DIVISIONS: &str = include_str!("../data/jiangsu-divisions.csv");

/// 2021-07-20 00:00 +08:00, the day the Lukou airport cluster was reported, in Unix ms: the
/// timestamp of every identifier built here.
const EPOCH_MS: u64 = 1_626_710_400_000;

/// `SplitMix64`: a tiny, well-known deterministic generator, so the run is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Sequential, deterministic identifiers of every kind.
#[derive(Default)]
struct Ids(u64);

impl Ids {
    fn next<T>(&mut self, make: fn(u64, u64) -> T) -> T {
        self.0 += 1;
        make(EPOCH_MS, self.0)
    }
}

/// The codes of some table rows.
fn codes<'a>(rows: impl Iterator<Item = &'a volunteer_service::Division>) -> Vec<DivisionCode> {
    rows.map(volunteer_service::Division::code).collect()
}

fn day(s: &str) -> Result<NaiveDate> {
    Ok(s.parse()?)
}

fn at(s: &str) -> Result<DateTime<FixedOffset>> {
    Ok(DateTime::parse_from_rfc3339(s)?)
}

fn beijing() -> Result<FixedOffset> {
    FixedOffset::east_opt(8 * 3600).ok_or_else(|| "offset".into())
}

/// A deterministic point for a division inside Jiangning's bounding box (synthetic).
fn point_for(code: DivisionCode, rng_salt: u64) -> Result<GeoPoint> {
    let mut r = Rng(code.get() ^ rng_salt);
    let lat = 31_650_000 + i32::try_from(r.below(400_000))?;
    let lon = 118_650_000 + i32::try_from(r.below(450_000))?;
    Ok(GeoPoint::from_micro_degrees(lat, lon)?)
}

/// A point within about `radius_m` of `centre`.
fn near(centre: GeoPoint, radius_m: u32, rng: &mut Rng) -> Result<GeoPoint> {
    // About 9 µ° per metre of latitude; close enough for synthetic homes.
    let spread = u64::from(radius_m) * 9;
    let dlat = i32::try_from(rng.below(2 * spread + 1))? - i32::try_from(spread)?;
    let dlon = i32::try_from(rng.below(2 * spread + 1))? - i32::try_from(spread)?;
    Ok(GeoPoint::from_micro_degrees(
        centre.lat_micro() + dlat,
        centre.lon_micro() + dlon,
    )?)
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "文", "斌", "宁",
];

/// Everything the scenario builds.
struct World {
    table: DivisionTable,
    orgs: OrgHierarchy,
    institute_of: BTreeMap<DivisionCode, OrgId>,
    teams: TeamRegistry,
    volunteers: VolunteerRegistry,
    graph: QualificationGraph,
    first_aid: QualificationId,
    calendar: ShiftCalendar,
    activities: BTreeMap<ActivityId, Activity>,
    /// Jiangning's testing sites: (activity, village, point).
    sites: Vec<(ActivityId, DivisionCode, GeoPoint)>,
    /// Sequence numbers used per (county, birth date, sex), so ID numbers never repeat.
    sequences: BTreeMap<(u32, NaiveDate, bool), u16>,
    ids: Ids,
    rng: Rng,
}

fn main() -> Result<()> {
    let table = DivisionTable::from_csv(2023, DIVISIONS)?;
    let mut w = World {
        table,
        orgs: OrgHierarchy::new(),
        institute_of: BTreeMap::new(),
        teams: TeamRegistry::new(),
        volunteers: VolunteerRegistry::new(MinorPolicy::national()),
        graph: QualificationGraph::new(),
        first_aid: QualificationId::from_parts(EPOCH_MS, 0),
        calendar: ShiftCalendar::new(),
        activities: BTreeMap::new(),
        sites: Vec::new(),
        sequences: BTreeMap::new(),
        ids: Ids::default(),
        rng: Rng(20_210_720),
    };
    println!("== Jiangsu 2021: volunteer mobilisation against COVID-19 (replayed) ==\n");
    print_divisions(&w.table);
    build_org_tree(&mut w)?;
    build_qualifications(&mut w)?;
    let jiangning_people = build_jiangning_volunteers(&mut w)?;
    build_zhenjiang(&mut w)?;
    build_suzhou(&mut w)?;
    build_testing_sites(&mut w)?;
    show_verdicts(&w, &jiangning_people)?;
    let ledger = record_hours(&mut w)?;
    report(&w, &ledger);
    rollup_stars_and_certificate(&w, &ledger)?;
    match_day_two(&w)?;
    pair_zhenjiang(&w)?;
    Ok(())
}

fn print_divisions(table: &DivisionTable) {
    println!("Division codes (NBS 2023 edition, shipped in data/):");
    for level in [
        DivisionLevel::Province,
        DivisionLevel::Prefecture,
        DivisionLevel::County,
        DivisionLevel::Township,
        DivisionLevel::Village,
    ] {
        println!("  {:<10} {:>5}", level, table.at_level(level).count());
    }
    println!();
}

/// Civilization offices and the practice tree: a centre per county, an institute per town,
/// a station per village or community.
fn build_org_tree(w: &mut World) -> Result<()> {
    let since = day("2019-01-01")?;
    let province: DivisionCode = "320000".parse()?;
    let office = w.ids.next(OrgId::from_parts);
    w.orgs.add_root(
        Organisation::builder(office, "江苏省文明办", OrgKind::CivilizationOffice)
            .division(province)
            .build()?,
        since,
    )?;
    let mut centres = 0;
    let mut institutes = 0;
    let mut stations = 0;
    let prefectures: Vec<_> = w
        .table
        .at_level(DivisionLevel::Prefecture)
        .map(|d| (d.code(), d.name().to_owned()))
        .collect();
    for (city, city_name) in prefectures {
        let city_office = w.ids.next(OrgId::from_parts);
        w.orgs.add_under(
            Organisation::builder(
                city_office,
                format!("{city_name}文明办"),
                OrgKind::CivilizationOffice,
            )
            .division(city)
            .build()?,
            office,
            since,
        )?;
        let counties: Vec<_> = w
            .table
            .children(city)
            .map(|d| (d.code(), d.name().to_owned()))
            .collect();
        for (county, county_name) in counties {
            let centre = w.ids.next(OrgId::from_parts);
            w.orgs.add_under(
                Organisation::builder(
                    centre,
                    format!("{county_name}新时代文明实践中心"),
                    OrgKind::Practice(PracticeLevel::Centre),
                )
                .division(county)
                .build()?,
                city_office,
                since,
            )?;
            centres += 1;
            let towns: Vec<_> = w
                .table
                .children(county)
                .map(|d| (d.code(), d.name().to_owned()))
                .collect();
            for (town, town_name) in towns {
                let institute = w.ids.next(OrgId::from_parts);
                w.orgs.add_under(
                    Organisation::builder(
                        institute,
                        format!("{town_name}新时代文明实践所"),
                        OrgKind::Practice(PracticeLevel::Institute),
                    )
                    .division(town)
                    .build()?,
                    centre,
                    since,
                )?;
                w.institute_of.insert(town, institute);
                institutes += 1;
                let villages: Vec<_> = w
                    .table
                    .children(town)
                    .map(|d| (d.code(), d.name().to_owned()))
                    .collect();
                for (village, village_name) in villages {
                    let station = w.ids.next(OrgId::from_parts);
                    w.orgs.add_under(
                        Organisation::builder(
                            station,
                            format!("{village_name}新时代文明实践站"),
                            OrgKind::Practice(PracticeLevel::Station),
                        )
                        .division(village)
                        .build()?,
                        institute,
                        since,
                    )?;
                    stations += 1;
                }
            }
        }
    }
    println!("Organisation tree: {} organisations", w.orgs.len());
    println!(
        "  4 civilization offices, {centres} practice centres, {institutes} institutes, {stations} stations"
    );
    let lukou_institute = w.institute_of[&"320115005".parse()?];
    println!(
        "  Lukou street's institute lies within the provincial office's tree: {}\n",
        w.orgs.is_within(lukou_institute, office)
    );
    Ok(())
}

fn build_qualifications(w: &mut World) -> Result<()> {
    let paramedic = w.ids.next(QualificationId::from_parts);
    let nurse = w.ids.next(QualificationId::from_parts);
    let counsellor = w.ids.next(QualificationId::from_parts);
    w.first_aid = w.ids.next(QualificationId::from_parts);
    w.graph
        .add_kind(QualificationKind::new(w.first_aid, "first aid", Some(36))?)?;
    w.graph
        .add_kind(QualificationKind::new(paramedic, "paramedic", None)?)?;
    w.graph
        .add_kind(QualificationKind::new(nurse, "registered nurse", None)?)?;
    w.graph.add_kind(QualificationKind::new(
        counsellor,
        "psychological counsellor",
        None,
    )?)?;
    w.graph.add_includes(paramedic, w.first_aid)?;
    w.graph.add_includes(nurse, w.first_aid)?;
    Ok(())
}

/// One synthetic volunteer with a valid resident ID registered in `county`.
fn make_volunteer(
    w: &mut World,
    prefix: &str,
    n: u64,
    county: u32,
    home: Option<(DivisionCode, GeoPoint)>,
    tags: &[&str],
    age_range: (i32, i32),
) -> Result<Volunteer> {
    let r = &mut w.rng;
    let age = age_range.0 + i32::try_from(r.below(u64::try_from(age_range.1 - age_range.0)?))?;
    let birth =
        NaiveDate::from_yo_opt(2021 - age, u32::try_from(1 + r.below(365))?).ok_or("birth date")?;
    let sex = if r.chance(52) { Sex::Male } else { Sex::Female };
    let used = w
        .sequences
        .entry((county, birth, sex == Sex::Male))
        .or_default();
    *used += 1;
    // Odd sequence numbers for men, even for women (GB 11643).
    let seq = *used * 2 - u16::from(sex == Sex::Male);
    let r = &mut w.rng;
    let id = ResidentId::from_parts(county, birth, seq)?;
    let name = format!(
        "{}{}",
        SURNAMES[usize::try_from(r.below(SURNAMES.len() as u64))?],
        GIVEN[usize::try_from(r.below(GIVEN.len() as u64))?]
    );
    let phone = PhoneNumber::new(&format!("13{:09}", r.below(1_000_000_000)))?;
    let channel = match r.below(4) {
        0 => RegistrationChannel::Website,
        1 => RegistrationChannel::WeChat,
        2 => RegistrationChannel::Phone,
        _ => RegistrationChannel::Email,
    };
    let mut b = Volunteer::builder(
        w.ids.next(VolunteerId::from_parts),
        VolunteerNo::new(&format!("{prefix}-2021-{n:06}"))?,
        PersonName::new(&name)?,
        IdDocument::ResidentId(id),
    )
    .birth_date(birth)
    .sex(sex)
    .channel(channel)
    .contact(Contact::new(Some(phone), None))
    .tags(
        tags.iter()
            .map(|t| Tag::new(t))
            .collect::<std::result::Result<Vec<_>, _>>()?,
    );
    if let Some((division, point)) = home {
        b = b.home_division(division).home_point(point);
    }
    Ok(b.build()?)
}

/// Jiangning: 52,900 volunteers living in its 212 communities and villages.
fn build_jiangning_volunteers(w: &mut World) -> Result<Vec<VolunteerId>> {
    let jiangning: DivisionCode = "320115".parse()?;
    let villages = codes(w.table.within(jiangning, DivisionLevel::Village));
    let registered = day("2021-07-21")?;
    let verified_at = at("2021-07-21T09:00:00+08:00")?;
    let mut ids = Vec::with_capacity(52_900);
    let mut minors = 0;
    for n in 1..=52_900_u64 {
        let village = villages[usize::try_from(w.rng.below(villages.len() as u64))?];
        let centre = point_for(village, 7)?;
        let home = near(centre, 1_500, &mut w.rng)?;
        let mut tags = Vec::new();
        if w.rng.chance(35) {
            tags.push("party-member");
        }
        if w.rng.chance(20) {
            tags.push("youth-league");
        }
        if w.rng.chance(15) {
            tags.push("professional");
        }
        // About 2 % are 14–17-year-old students (with their guardians' consent on file).
        let minor = w.rng.chance(2);
        let ages = if minor { (15, 18) } else { (19, 70) };
        let mut v = make_volunteer(w, "JN", n, 320_115, Some((village, home)), &tags, ages)?;
        if minor {
            minors += 1;
        }
        if w.rng.chance(6) {
            // A first-aid certificate, some of which lapse at the end of July.
            let expires = if w.rng.chance(30) {
                day("2021-07-31")?
            } else {
                day("2023-06-30")?
            };
            v.add_qualification(QualificationGrant::new(
                w.first_aid,
                day("2018-08-01")?,
                Some(expires),
                None,
            )?)?;
        }
        let id = v.id();
        w.volunteers.register(v, registered)?;
        // 95 % complete real-name verification on the platform.
        if w.rng.chance(95) {
            w.volunteers
                .verify(id, verified_at, VerificationMethod::OnlineIdentityCheck)?;
        }
        ids.push(id);
    }
    println!(
        "Jiangning (江宁区): {} volunteers registered through the district civilization office ({minors} minors aged 14–17)",
        ids.len()
    );
    Ok(ids)
}

/// Zhenjiang: 59 party-member teams from 59 departments, paired with 20 towns; 4,176 members
/// sent down to 140 communities.
fn build_zhenjiang(w: &mut World) -> Result<()> {
    let since = day("2021-07-28")?;
    let government = w.ids.next(OrgId::from_parts);
    w.orgs.add_root(
        Organisation::builder(government, "镇江市人民政府", OrgKind::GovernmentDepartment)
            .division("321100".parse()?)
            .build()?,
        day("2019-01-01")?,
    )?;
    let zhenjiang: DivisionCode = "321100".parse()?;
    let towns = codes(w.table.within(zhenjiang, DivisionLevel::Township).take(20));
    let communities = codes(w.table.within(zhenjiang, DivisionLevel::Village).take(140));
    let mut team_ids = Vec::new();
    for i in 0..59 {
        let dept = w.ids.next(OrgId::from_parts);
        w.orgs.add_under(
            Organisation::builder(
                dept,
                format!("镇江市直部门{:02}", i + 1),
                OrgKind::GovernmentDepartment,
            )
            .division(zhenjiang)
            .build()?,
            government,
            day("2019-01-01")?,
        )?;
        let team = w.ids.next(TeamId::from_parts);
        w.teams.add_team(
            Team::builder(
                team,
                format!("党员志愿服务队{:02}", i + 1),
                TeamKind::Specialist(Specialty::PartyMember),
                dept,
            )
            .build()?,
        )?;
        // Round-robin pairing (the matching engine pairs optimally by demand).
        let town = towns[i % towns.len()];
        w.teams.pair(
            w.ids.next(PairingId::from_parts),
            team,
            town,
            DatePeriod::new(since, Some(day("2021-09-01")?))?,
        )?;
        team_ids.push(team);
    }
    // 4,176 members, spread over the 59 teams, sent down to 140 communities.
    let mut members: Vec<Vec<VolunteerId>> = vec![Vec::new(); team_ids.len()];
    for n in 0..4_176_u64 {
        let v = make_volunteer(w, "ZJ", n + 1, 321_102, None, &["party-member"], (23, 60))?;
        let id = v.id();
        w.volunteers.register(v, day("2021-07-27")?)?;
        w.volunteers.verify(
            id,
            at("2021-07-27T10:00:00+08:00")?,
            VerificationMethod::IdCardReader,
        )?;
        let t = usize::try_from(n % 59)?;
        let role = if members[t].is_empty() {
            Role::Leader
        } else {
            Role::Member
        };
        w.teams
            .join(team_ids[t], id, role, DatePeriod::from(day("2021-07-27")?))?;
        members[t].push(id);
    }
    for (i, community) in communities.iter().enumerate() {
        let t = i % team_ids.len();
        let share: Vec<VolunteerId> = members[t]
            .iter()
            .copied()
            .skip(i / team_ids.len() * 20)
            .take(20)
            .collect();
        if share.is_empty() {
            continue;
        }
        w.teams.deploy(
            w.ids.next(DeploymentId::from_parts),
            DeploymentTarget::Members {
                team: team_ids[t],
                volunteers: share,
            },
            *community,
            DatePeriod::new(since, Some(day("2021-08-20")?))?,
        )?;
    }
    let on = day("2021-08-01")?;
    let deployed = w.teams.deployments_on(on).count();
    println!(
        "Zhenjiang (镇江): 59 party-member teams paired with {} towns ({} pairings in force on {on}); {} members; {deployed} deployments (下沉) to {} communities",
        towns.len(),
        w.teams.pairings_on(on).count(),
        members.iter().map(Vec::len).sum::<usize>(),
        communities.len()
    );
    let mut screening = Activity::builder(
        w.ids.next(ActivityId::from_parts),
        government,
        "敲门行动 door-knocking screening",
        "epidemic.screening.door_knocking".parse()?,
        Location::new(zhenjiang, "镇江市 140+ 社区")?,
        recruitment("镇江市各社区", 4_176, "exposure to undetected cases")?,
    )
    .hazard(Hazard::Hazardous { insurance: None })
    .build()?;
    screening.record_outcome(OutcomeMetric::Households, 154_134)?;
    screening.record_outcome(OutcomeMetric::People, 384_315)?;
    println!(
        "  door-knocking outcomes: {:?} (kept apart from hours)\n",
        screening.outcomes()
    );
    Ok(())
}

/// Suzhou: 800 teams (a corps per county, a detachment per town, the rest specialist), five
/// standby emergency-rescue teams with 300 reserve volunteers.
fn build_suzhou(w: &mut World) -> Result<()> {
    let since = day("2021-07-01")?;
    let suzhou: DivisionCode = "320500".parse()?;
    let bodies = [
        ("苏州市应急管理局", OrgKind::GovernmentDepartment),
        ("苏州市公安局", OrgKind::GovernmentDepartment),
        ("苏州市民政局", OrgKind::CivilAffairs),
        ("苏州市城市管理局", OrgKind::GovernmentDepartment),
        ("苏州市卫生健康委员会", OrgKind::GovernmentDepartment),
        ("共青团苏州市委", OrgKind::YouthLeague),
        ("苏州市妇联", OrgKind::WomensFederation),
        ("苏州市红十字会", OrgKind::PublicInstitution),
        ("苏州市志愿者总会", OrgKind::VolunteerAssociation),
    ];
    let mut body_ids = Vec::new();
    for (name, kind) in bodies {
        let id = w.ids.next(OrgId::from_parts);
        w.orgs.add_root(
            Organisation::builder(id, name, kind)
                .division(suzhou)
                .build()?,
            day("2019-01-01")?,
        )?;
        body_ids.push(id);
    }
    let mut count = 0_usize;
    let counties: Vec<DivisionCode> = w
        .table
        .children(suzhou)
        .map(volunteer_service::Division::code)
        .collect();
    for county in counties {
        let corps = w.ids.next(TeamId::from_parts);
        w.teams.add_team(
            Team::builder(
                corps,
                format!("{county}志愿服务总队"),
                TeamKind::Level(TeamLevel::Corps),
                body_ids[8],
            )
            .build()?,
        )?;
        count += 1;
        let towns: Vec<DivisionCode> = w
            .table
            .children(county)
            .map(volunteer_service::Division::code)
            .collect();
        for town in towns {
            let host = w.institute_of[&town];
            w.teams.add_team(
                Team::builder(
                    w.ids.next(TeamId::from_parts),
                    format!("{town}志愿服务分队"),
                    TeamKind::Level(TeamLevel::Detachment),
                    host,
                )
                .parent(corps)
                .build()?,
            )?;
            count += 1;
        }
    }
    // Five standby emergency-rescue teams, 60 reserve volunteers each.
    let mut reserve = 0;
    for i in 0..5 {
        let team = w.ids.next(TeamId::from_parts);
        w.teams.add_team(
            Team::builder(
                team,
                format!("应急救援志愿队{}", i + 1),
                TeamKind::Specialist(Specialty::EmergencyRescue),
                body_ids[0],
            )
            .readiness(Readiness::StandbyReserve)
            .build()?,
        )?;
        count += 1;
        for k in 0..60_u64 {
            let v = make_volunteer(
                w,
                "SZR",
                i * 60 + k + 1,
                320_508,
                None,
                &["professional"],
                (22, 55),
            )?;
            let id = v.id();
            w.volunteers.register(v, since)?;
            w.volunteers.verify(
                id,
                at("2021-07-01T10:00:00+08:00")?,
                VerificationMethod::InPerson,
            )?;
            let role = if k == 0 { Role::Leader } else { Role::Member };
            w.teams.join(team, id, role, DatePeriod::from(since))?;
            reserve += 1;
        }
    }
    // The remaining specialist teams formed by the nine city bodies.
    let specialties = [
        Specialty::Medical,
        Specialty::Psychological,
        Specialty::Youth,
        Specialty::Women,
        Specialty::PartyMember,
        Specialty::Professional,
    ];
    let mut k = 0;
    while count < 800 {
        let host = body_ids[k % body_ids.len()];
        let specialty = specialties[k % specialties.len()].clone();
        w.teams.add_team(
            Team::builder(
                w.ids.next(TeamId::from_parts),
                format!("苏州专业志愿服务队{:03}", k + 1),
                TeamKind::Specialist(specialty),
                host,
            )
            .build()?,
        )?;
        count += 1;
        k += 1;
    }
    let standby = w
        .teams
        .teams()
        .filter(|t| t.readiness() == Readiness::StandbyReserve)
        .count();
    println!(
        "Suzhou (苏州): {count} teams formed by {} city bodies; {standby} standby rescue teams with {reserve} reserve volunteers\n",
        body_ids.len()
    );
    Ok(())
}

fn recruitment(place: &str, needed: u32, risk: &str) -> Result<Recruitment> {
    Ok(Recruitment::builder()
        .period(DatePeriod::new(
            day("2021-07-21")?,
            Some(day("2021-08-31")?),
        )?)
        .schedule("three shifts a day: 07:00–12:00, 12:00–17:00, 17:00–22:00")
        .place(place)
        .content("registration, crowd order and health-code checks")
        .conditions("aged 18+, healthy, vaccinated")
        .needed(needed)
        .how_to_sign_up("江苏志愿服务 platform or the community office")
        .risk(risk)
        .protection("masks, gloves, face shields and accident insurance")
        .build()?)
}

/// 500 testing sites in Jiangning with three shifts a day for three days, from templates;
/// a night road checkpoint; a home sample-collection escort needing first aid.
fn build_testing_sites(w: &mut World) -> Result<()> {
    let jiangning: DivisionCode = "320115".parse()?;
    let villages = codes(w.table.within(jiangning, DivisionLevel::Village));
    let insurance = InsurancePolicy::new(
        "中国人民财产保险",
        "PICC-JN-2021-0721",
        DatePeriod::new(day("2021-07-20")?, Some(day("2021-09-01")?))?,
    )?;
    let offset = beijing()?;
    let dates: Vec<NaiveDate> = (21..=23)
        .map(|d| NaiveDate::from_ymd_opt(2021, 7, d).ok_or("date"))
        .collect::<std::result::Result<_, _>>()?;
    let now = at("2021-07-20T20:00:00+08:00")?;
    let windows = [(7, 300), (12, 300), (17, 300)];
    let every_day = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    for i in 0..500_usize {
        let village = villages[i % villages.len()];
        let town = village.parent().ok_or("village has a town")?;
        let organiser = w.institute_of[&town];
        let point = near(point_for(village, 7)?, 800, &mut w.rng)?;
        let name = w.table.get(village).map_or("", |d| d.name()).to_owned();
        let mut activity = Activity::builder(
            w.ids.next(ActivityId::from_parts),
            organiser,
            &format!("核酸检测点{:03} 登记与秩序维护", i + 1),
            "epidemic.testing.registration".parse()?,
            Location::new(village, &format!("{name} 核酸检测点"))?.with_point(point),
            recruitment(&name, 15, "exposure to crowds during an outbreak")?,
        )
        .hazard(Hazard::Hazardous { insurance: None })
        .build()?;
        activity.attach_insurance(insurance.clone())?;
        w.calendar.add_activity(&activity);
        for (hour, minutes) in windows {
            let req = Requirements::builder()
                .jurisdiction(Jurisdiction::Preferred(town))
                .max_distance_m(8_000)
                .build()?;
            let template = ShiftTemplate::new(
                w.ids.next(TemplateId::from_parts),
                activity.id(),
                every_day,
                NaiveTime::from_hms_opt(hour, 0, 0).ok_or("time")?,
                Minutes::new(minutes),
                offset,
                5,
                req,
                DatePeriod::new(day("2021-07-21")?, Some(day("2021-08-31")?))?,
            )?;
            // Applying a template twice never duplicates a shift.
            w.calendar
                .apply_template(&template, dates.iter().copied(), now, &NoSignUps)?;
            let again =
                w.calendar
                    .apply_template(&template, dates.iter().copied(), now, &NoSignUps)?;
            assert!(again.added.is_empty(), "templates are idempotent");
        }
        w.sites.push((activity.id(), village, point));
        w.activities.insert(activity.id(), activity);
    }
    let slots: u32 = w.calendar.shifts().map(Shift::slots).sum();
    println!(
        "Jiangning testing sites: {} sites, {} shifts, {slots} volunteer slots over {} days",
        w.sites.len(),
        w.calendar.len(),
        dates.len()
    );
    let taxonomy = Taxonomy::jiangning_five_roles();
    let roles: Vec<String> = JiangningRole::ALL
        .iter()
        .map(|r| format!("{} ({})", r.name_zh(), r.key()))
        .collect();
    println!(
        "  five roles (五员) as categories ({} entries): {}\n",
        taxonomy.len(),
        roles.join(", ")
    );
    Ok(())
}

/// Eligibility verdicts for a few people and shifts, and a whole-population check.
fn show_verdicts(w: &World, jiangning: &[VolunteerId]) -> Result<()> {
    let policy = EligibilityPolicy::default();
    let checker = Eligibility::new(&w.graph, &policy);
    let now = at("2021-07-20T20:00:00+08:00")?;
    let lukou: DivisionCode = "320115005".parse()?;
    let (site, _, site_point) = *w
        .sites
        .iter()
        .find(|(_, v, _)| lukou.contains(*v))
        .ok_or("a Lukou site")?;
    let activity = &w.activities[&site];
    let morning = w
        .calendar
        .shifts()
        .filter(|s| s.activity() == site)
        .min_by_key(|s| s.span().start())
        .ok_or("a shift")?
        .clone();
    println!(
        "Eligibility for {} at {} (shift {}):",
        activity.title(),
        site_point,
        morning.span()
    );
    // The whole population against one shift.
    let mut eligible = 0_usize;
    let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
    for id in jiangning {
        let v = w.volunteers.get(*id).ok_or("registered")?;
        let verdict = checker.check(
            v,
            &morning,
            activity,
            &[],
            now,
            Accompaniment::Unaccompanied,
        );
        if verdict.is_eligible() {
            eligible += 1;
        }
        for f in verdict.failures() {
            *reasons.entry(rule_name(f)).or_default() += 1;
        }
    }
    println!(
        "  {eligible} of {} Jiangning volunteers may take it; failures by rule: {reasons:?}",
        jiangning.len()
    );
    // Scene 1: a 15-year-old on the hazardous testing-site shift (MIN-05).
    let minor = jiangning
        .iter()
        .filter_map(|id| w.volunteers.get(*id))
        .find(|v| v.age_on(day("2021-07-21").unwrap_or_default()) < 18)
        .ok_or("a minor")?;
    let verdict = checker.check(
        minor,
        &morning,
        activity,
        &[],
        now,
        Accompaniment::Unaccompanied,
    );
    println!(
        "  {} (volunteer {}, ID {}), aged {}: {verdict}",
        minor.name(),
        minor.volunteer_no(),
        minor.document().masked(volunteer_service::MaskLevel::Admin),
        minor.age_on(day("2021-07-21")?)
    );
    // Scene 2: first aid expired on 2021-07-31, for a home sample-collection escort on 2 August.
    let escort_activity = Activity::builder(
        ActivityId::from_parts(EPOCH_MS, 9_000_001),
        activity.organiser(),
        "上门采样陪同 home sample-collection escort",
        "epidemic.screening.home_sampling_escort".parse()?,
        activity.location().clone(),
        recruitment("禄口街道", 20, "contact with isolated households")?,
    )
    .build()?;
    let escort = Shift::new(
        ShiftId::from_parts(EPOCH_MS, 9_000_002),
        escort_activity.id(),
        volunteer_service::TimeSpan::new(
            at("2021-08-02T08:00:00+08:00")?,
            at("2021-08-02T12:00:00+08:00")?,
        )?,
        4,
        Requirements::builder()
            .qualification(w.first_aid)
            .jurisdiction(Jurisdiction::Required("320115".parse()?))
            .build()?,
    )?;
    let lapsed = jiangning
        .iter()
        .filter_map(|id| w.volunteers.get(*id))
        .find(|v| {
            v.qualifications()
                .iter()
                .any(|g| g.expires_on() == NaiveDate::from_ymd_opt(2021, 7, 31))
        })
        .ok_or("a lapsed first-aider")?;
    let verdict = checker.check(
        lapsed,
        &escort,
        &escort_activity,
        &[],
        now,
        Accompaniment::Unaccompanied,
    );
    println!("  {} for the 2 August escort: {verdict}", lapsed.name());
    // Scene 3: a night checkpoint shift overlapping the next morning's testing shift.
    let mut checkpoint = Activity::builder(
        ActivityId::from_parts(EPOCH_MS, 9_000_003),
        activity.organiser(),
        "禄口机场高速卡口 airport expressway checkpoint",
        "epidemic.checkpoint.road".parse()?,
        activity.location().clone(),
        recruitment("禄口机场高速出口", 12, "traffic and exposure at night")?,
    )
    .hazard(Hazard::Hazardous { insurance: None })
    .build()?;
    checkpoint.attach_insurance(InsurancePolicy::new(
        "中国人民财产保险",
        "PICC-JN-2021-0722",
        DatePeriod::new(day("2021-07-20")?, Some(day("2021-09-01")?))?,
    )?)?;
    let night = Shift::new(
        ShiftId::from_parts(EPOCH_MS, 9_000_004),
        checkpoint.id(),
        volunteer_service::TimeSpan::new(
            at("2021-07-21T22:00:00+08:00")?,
            at("2021-07-22T07:30:00+08:00")?,
        )?,
        6,
        Requirements::builder()
            .age_rule(volunteer_service::AgeRule::AdultsOnly)
            .build()?,
    )?;
    let next_morning = w
        .calendar
        .shifts()
        .filter(|s| s.activity() == site && s.span().start() > night.span().start())
        .min_by_key(|s| s.span().start())
        .ok_or("next morning")?;
    let guard = jiangning
        .iter()
        .filter_map(|id| w.volunteers.get(*id))
        .find(|v| {
            let alone = |shift: &Shift, a: &Activity| {
                checker
                    .check(v, shift, a, &[], now, Accompaniment::Unaccompanied)
                    .is_eligible()
            };
            alone(&night, &checkpoint) && alone(next_morning, activity)
        })
        .ok_or("an eligible guard")?;
    let verdict = checker.check(
        guard,
        next_morning,
        activity,
        &[Commitment::from(&night)],
        now,
        Accompaniment::Unaccompanied,
    );
    println!(
        "  {} holds the 22:00–07:30 checkpoint shift; for the {} testing shift: {verdict}",
        guard.name(),
        next_morning.span().start().format("%m-%d %H:%M")
    );
    // Scene 4: a Zhenjiang volunteer for a Jiangning-only shift.
    let outsider = w
        .volunteers
        .iter()
        .find(|v| v.volunteer_no().as_str().starts_with("ZJ-"))
        .ok_or("a Zhenjiang volunteer")?;
    let verdict = checker.check(
        outsider,
        &escort,
        &escort_activity,
        &[],
        now,
        Accompaniment::Unaccompanied,
    );
    println!(
        "  {} (Zhenjiang) for the Jiangning escort: {verdict}",
        outsider.name()
    );
    println!(
        "\nPrivacy: volunteers print as {:?}…",
        format!("{:?}", outsider.document())
            .chars()
            .take(60)
            .collect::<String>()
    );
    Ok(())
}

fn rule_name(f: &Ineligibility) -> &'static str {
    match f {
        Ineligibility::ShiftStarted { .. } => "shift_started",
        Ineligibility::Registration { .. } => "registration",
        Ineligibility::Minor(_) => "minor",
        Ineligibility::BelowMinimumAge { .. } => "below_minimum_age",
        Ineligibility::Qualification { .. } => "qualification",
        Ineligibility::Training(_) => "training",
        Ineligibility::MissingTag { .. } => "missing_tag",
        Ineligibility::Unavailable => "unavailable",
        Ineligibility::OutsideJurisdiction { .. } => "outside_jurisdiction",
        Ineligibility::TooFar { .. } => "too_far",
        Ineligibility::DistanceUnknown { .. } => "distance_unknown",
        Ineligibility::Overlap { .. } => "overlap",
        Ineligibility::InsufficientRest { .. } => "insufficient_rest",
        Ineligibility::DailyCap { .. } | Ineligibility::WeeklyCap { .. } => "cap",
        Ineligibility::Uninsured => "uninsured",
        _ => "other",
    }
}

/// The recording officer (记录人) of an organiser: in this replay, one per organiser.
fn recorder_of(org: OrgId) -> Actor {
    Actor::Staff(StaffId::from_uuid(*org.as_uuid()))
}

/// A record waiting for confirmation: when, by whom, and the record.
type Pending = (DateTime<FixedOffset>, Actor, ServiceRecord);

/// Day one at the testing sites: volunteers living in each site's community sign up for its
/// shifts (first come, first served, eligibility checked), check in and out, and the
/// institute's recorder confirms the credited minutes into the ledger. Zhenjiang's deployed
/// party members record a morning of door-knocking; Suzhou's reserve holds a drill.
fn record_hours(w: &mut World) -> Result<HourLedger> {
    let policy = EligibilityPolicy::default().with_daily_cap(Minutes::from_hm(10, 0)?);
    let checker = Eligibility::new(&w.graph, &policy);
    let crediting = CreditingPolicy::builder(PolicyVersion::new(1))
        .per_day_max(Minutes::from_hm(10, 0)?)
        .build()?;
    let now = at("2021-07-20T20:00:00+08:00")?;
    let first_day = day("2021-07-21")?;
    let mut by_village: BTreeMap<DivisionCode, Vec<VolunteerId>> = BTreeMap::new();
    for v in w.volunteers.iter() {
        if let Some(home) = v.home_division() {
            by_village.entry(home).or_default().push(v.id());
        }
    }
    let village_of: BTreeMap<ActivityId, DivisionCode> =
        w.sites.iter().map(|(a, v, _)| (*a, *v)).collect();
    let mut shifts: Vec<Shift> = w
        .calendar
        .shifts()
        .filter(|s| s.span().start().date_naive() == first_day)
        .cloned()
        .collect();
    shifts.sort_by_key(|s| (s.span().start(), s.id()));
    let mut roster = Roster::new();
    let mut held: BTreeMap<VolunteerId, Vec<Commitment>> = BTreeMap::new();
    let mut placed = Vec::new();
    for (k, shift) in shifts.iter().enumerate() {
        let activity = &w.activities[&shift.activity()];
        let Some(people) = by_village.get(&village_of[&shift.activity()]) else {
            continue;
        };
        let mut taken = 0;
        // Rotate the starting point so that sign-ups spread over the community.
        for i in 0..people.len() {
            if taken == shift.slots() {
                break;
            }
            let id = people[(i + k * 7) % people.len()];
            let v = w.volunteers.get(id).ok_or("registered")?;
            let mine = held.entry(id).or_default();
            if !checker
                .check(v, shift, activity, mine, now, Accompaniment::Unaccompanied)
                .is_eligible()
            {
                continue;
            }
            let outcome = roster.sign_up(&w.calendar, shift.id(), id, now, None)?;
            if outcome.status == AssignmentStatus::Accepted {
                mine.push(Commitment::from(shift));
                placed.push((shift.clone(), id, outcome.assignment));
                taken += 1;
            }
        }
    }
    let mut pending: Vec<Pending> = Vec::new();
    let mut no_shows = 0;
    for (shift, volunteer, assignment) in &placed {
        let activity = &w.activities[&shift.activity()];
        let span = shift.span();
        let r = &mut w.rng;
        if r.chance(3) {
            roster.record_no_show(
                &w.calendar,
                *assignment,
                span.start() + TimeDelta::minutes(30),
                None,
            )?;
            no_shows += 1;
            continue;
        }
        let arrive = if r.chance(12) {
            span.start() + TimeDelta::minutes(i64::try_from(5 + r.below(40))?)
        } else {
            span.start() - TimeDelta::minutes(i64::try_from(r.below(25))?)
        };
        let leave = if r.chance(8) {
            span.end() - TimeDelta::minutes(i64::try_from(10 + r.below(60))?)
        } else {
            span.end() + TimeDelta::minutes(i64::try_from(r.below(20))?)
        };
        let attendance = Attendance::checked_in(*assignment, arrive, AttendanceSource::CodeScan)
            .close(leave, AttendanceSource::CodeScan)?;
        let credit = crediting.credit(
            &CreditRequest::new(activity.id(), span, attendance, span.end())
                .travel(Minutes::new(25)),
        );
        let organiser = activity.organiser();
        let recorder = recorder_of(organiser);
        let record = ServiceRecord::builder(
            w.ids.next(RecordId::from_parts),
            *volunteer,
            organiser,
            activity.id(),
        )
        .activity_name(activity.title())
        .place(activity.location().address())
        .beneficiary("residents queuing for nucleic-acid tests")
        .content("registration, crowd order and health-code checks")
        .credit(&credit)
        .recorder(recorder)
        .provenance(Provenance::VerifiedCheckIn)
        .build()?;
        pending.push((span.end() + TimeDelta::minutes(30), recorder, record));
    }
    record_zhenjiang_and_suzhou(w, &mut pending)?;
    pending.sort_by_key(|(t, _, r)| (*t, r.id()));
    let ledger = if let Some(stored) = persisted::load()? {
        stored
    } else {
        let ledger = confirm_hours(w, pending)?;
        persisted::save(&ledger)?;
        ledger
    };
    ledger.verify()?;
    println!(
        "\nDay one at the testing sites: {} places taken by sign-up ({} shifts), {no_shows} no-shows recorded",
        placed.len(),
        shifts.len()
    );
    println!(
        "Hour ledger: {} entries, hash chain verified, head {}",
        ledger.entries().len(),
        ledger.head()
    );
    Ok(ledger)
}

/// The recorders confirm every pending record into a new ledger.
fn confirm_hours(w: &mut World, pending: Vec<Pending>) -> Result<HourLedger> {
    let mut ledger = HourLedger::new();
    for (t, recorder, record) in pending {
        ledger.appoint_recorder(record.organiser(), recorder, t);
        let id = record.id();
        ledger.submit(recorder, record, t)?;
        let key = w.ids.next(IdempotencyKey::from_parts);
        let append = Append::new(key).expecting(ledger.next_seq());
        ledger.confirm(recorder, id, append, t)?;
        // A network retry of the same append returns the original entry: nothing doubles.
        if key.as_uuid().as_u128().is_multiple_of(1_000) {
            ledger.confirm(recorder, id, Append::new(key), t)?;
        }
    }
    Ok(ledger)
}

/// The SQLite file named by `VOLUNTEER_SERVICE_DB` (feature `sqlite`). Messages go to stderr
/// so that the report on stdout is the same whether the ledger was recorded or loaded.
mod persisted {
    use super::{HourLedger, Result};

    /// The environment variable naming the database file.
    const VAR: &str = "VOLUNTEER_SERVICE_DB";

    /// The ledger stored in the file, if the variable is set and the file holds one.
    #[cfg(feature = "sqlite")]
    pub(super) fn load() -> Result<Option<HourLedger>> {
        use volunteer_service::{EventStore, LedgerEvent, SqliteEventStore, StreamId};
        let Some(path) = std::env::var_os(VAR) else {
            return Ok(None);
        };
        let mut store = SqliteEventStore::open(&path)?;
        let stream = StreamId::ledger();
        if EventStore::<LedgerEvent>::stream_len(&mut store, &stream)? == 0 {
            return Ok(None);
        }
        let ledger = HourLedger::load_from(&mut store, &stream)?;
        eprintln!(
            "{VAR}: loaded the hour ledger from {} ({} events, hash chains verified)",
            path.display(),
            ledger.events().len()
        );
        Ok(Some(ledger))
    }

    /// Saves the ledger's events to the file, if the variable is set.
    #[cfg(feature = "sqlite")]
    pub(super) fn save(ledger: &HourLedger) -> Result<()> {
        use volunteer_service::{SqliteEventStore, StreamId};
        let Some(path) = std::env::var_os(VAR) else {
            return Ok(());
        };
        let mut store = SqliteEventStore::open(&path)?;
        let appended = ledger.save_to(&mut store, &StreamId::ledger())?;
        eprintln!(
            "{VAR}: saved {} ledger events to {}",
            appended.seqs.end - appended.seqs.start,
            path.display()
        );
        Ok(())
    }

    #[cfg(not(feature = "sqlite"))]
    #[allow(
        clippy::unnecessary_wraps,
        reason = "the same signature as with the feature"
    )]
    pub(super) fn load() -> Result<Option<HourLedger>> {
        if std::env::var_os(VAR).is_some() {
            eprintln!("{VAR} is set but this build has no `sqlite` feature: not persisting");
        }
        Ok(None)
    }

    #[cfg(not(feature = "sqlite"))]
    #[allow(
        clippy::unnecessary_wraps,
        reason = "the same signature as with the feature"
    )]
    pub(super) fn save(_: &HourLedger) -> Result<()> {
        Ok(())
    }
}

/// Zhenjiang's door-knocking morning (one record per deployed member) and Suzhou's reserve
/// drill (recorded as a drill, kept apart from service hours).
fn record_zhenjiang_and_suzhou(w: &mut World, pending: &mut Vec<Pending>) -> Result<()> {
    let on = day("2021-08-01")?;
    let morning = TimeSpan::new(
        at("2021-08-01T08:30:00+08:00")?,
        at("2021-08-01T12:00:00+08:00")?,
    )?;
    let deployments: Vec<_> = w.teams.deployments_on(on).cloned().collect();
    for deployment in deployments {
        let DeploymentTarget::Members { team, volunteers } = deployment.target() else {
            continue;
        };
        let host = w.teams.team(*team).ok_or("team")?.host();
        let recorder = recorder_of(host);
        for v in volunteers {
            let record = ServiceRecord::builder(
                w.ids.next(RecordId::from_parts),
                *v,
                host,
                ActivityId::from_parts(EPOCH_MS, 9_100_000),
            )
            .activity_name("敲门行动 door-knocking screening")
            .place(format!("community {}", deployment.community()))
            .beneficiary("households of the community")
            .content("stop, ask, measure, record, issue")
            .served(morning)
            .duration(morning.minutes())
            .recorder(recorder)
            .provenance(Provenance::Schedule)
            .build()?;
            pending.push((morning.end() + TimeDelta::hours(2), recorder, record));
        }
    }
    let drill = TimeSpan::new(
        at("2021-07-25T14:00:00+08:00")?,
        at("2021-07-25T17:00:00+08:00")?,
    )?;
    let reserve: Vec<(TeamId, OrgId)> = w
        .teams
        .teams()
        .filter(|t| t.readiness() == Readiness::StandbyReserve)
        .map(|t| (t.id(), t.host()))
        .collect();
    for (team, host) in reserve {
        let recorder = recorder_of(host);
        for v in w
            .teams
            .members_on(team, day("2021-07-25")?)
            .map(volunteer_service::Membership::volunteer)
            .collect::<Vec<_>>()
        {
            let record = ServiceRecord::builder(
                w.ids.next(RecordId::from_parts),
                v,
                host,
                ActivityId::from_parts(EPOCH_MS, 9_100_001),
            )
            .activity_name("交通卡口应急演练 checkpoint emergency drill")
            .place("苏州绕城高速卡口")
            .beneficiary("none (drill)")
            .content("emergency drill at a traffic checkpoint")
            .served(drill)
            .duration(drill.minutes())
            .recorder(recorder)
            .kind(RecordKind::Drill)
            .provenance(Provenance::Schedule)
            .build()?;
            pending.push((drill.end() + TimeDelta::hours(1), recorder, record));
        }
    }
    Ok(())
}

/// A bulletin-style report: hours per city and district, by the organiser of each record.
fn report(w: &World, ledger: &HourLedger) {
    let totals = ledger.totals();
    let by_organiser = totals.by_organiser();
    let mut by_place: BTreeMap<DivisionCode, i64> = BTreeMap::new();
    for (org, minutes) in &by_organiser {
        let Some(division) = w.orgs.get(*org).and_then(Organisation::division) else {
            continue;
        };
        let mut code = Some(division);
        while let Some(c) = code {
            if c.level() <= DivisionLevel::County {
                *by_place.entry(c).or_default() += minutes.get();
            }
            code = c.parent();
        }
    }
    println!("\n== Report: service hours by the organiser's place (谁组织谁记录) ==");
    for (code, minutes) in &by_place {
        let name = w.table.get(*code).map_or("?", |d| d.name());
        let indent = match code.level() {
            DivisionLevel::Province => "",
            DivisionLevel::Prefecture => "  ",
            _ => "    ",
        };
        println!(
            "{indent}{name} ({code}): {}",
            volunteer_service::MinuteDelta::new(*minutes)
        );
    }
    let served = totals.by_volunteer().len();
    let drills = ledger.totals().kind(RecordKind::Drill).all();
    println!(
        "  volunteers with service hours: {served}; drill hours (kept apart): {drills}; verified check-ins: {}",
        totals.provenance(Provenance::VerifiedCheckIn)
    );
}

/// Day two in Lukou street (禄口街道), where the airport cluster began: the dispatcher matches
/// the street's volunteers to its testing-site shifts and to three home sample-collection
/// escorts that need first aid, optimally and with explanations.
fn match_day_two(w: &World) -> Result<()> {
    let lukou: DivisionCode = "320115005".parse()?;
    let second_day = day("2021-07-22")?;
    let now = at("2021-07-21T20:00:00+08:00")?;
    let mut activities: Vec<Activity> = w
        .sites
        .iter()
        .filter(|(_, village, _)| lukou.contains(*village))
        .map(|(a, _, _)| w.activities[a].clone())
        .collect();
    let mut shifts: Vec<Shift> = w
        .calendar
        .shifts()
        .filter(|s| {
            s.span().start().date_naive() == second_day
                && activities.iter().any(|a| a.id() == s.activity())
        })
        .cloned()
        .collect();
    let site = activities.first().ok_or("a Lukou site")?;
    let escort = Activity::builder(
        ActivityId::from_parts(EPOCH_MS, 9_200_000),
        site.organiser(),
        "上门采样陪同 home sample-collection escort",
        "epidemic.screening.home_sampling_escort".parse()?,
        site.location().clone(),
        recruitment("禄口街道", 60, "contact with isolated households")?,
    )
    .build()?;
    for (k, hour) in [(1, 8), (2, 13), (3, 18)] {
        let start = at(&format!("2021-07-22T{hour:02}:00:00+08:00"))?;
        shifts.push(Shift::new(
            ShiftId::from_parts(EPOCH_MS, 9_200_000 + k),
            escort.id(),
            TimeSpan::new(start, start + TimeDelta::hours(4))?,
            20,
            Requirements::builder()
                .qualification(w.first_aid)
                .jurisdiction(Jurisdiction::Required(lukou))
                .max_distance_m(6_000)
                .build()?,
        )?);
    }
    activities.push(escort);
    let volunteers: Vec<Volunteer> = w
        .volunteers
        .iter()
        .filter(|v| v.home_division().is_some_and(|h| lukou.contains(h)))
        .cloned()
        .collect();
    let slots: u32 = shifts.iter().map(Shift::slots).sum();
    let input = MatchInput::new(volunteers, shifts, activities)?;
    let policy = EligibilityPolicy::default().with_daily_cap(Minutes::from_hm(10, 0)?);
    let match_policy = MatchPolicy::default();
    let matcher = Matcher::new(Eligibility::new(&w.graph, &policy), &match_policy);
    let outcome = matcher.assign(&input, now)?;
    let unfilled: u32 = outcome.unfilled().values().sum();
    println!(
        "\n== Matching day two in Lukou street (属地化、就近化) ==\n{} volunteers, {slots} slots: {} filled, {unfilled} unfilled ({})",
        input.volunteers().len(),
        outcome.placements().len(),
        outcome.optimality()
    );
    for shortage in outcome.shortages() {
        println!("  unfilled: {shortage}");
        for hint in shortage.fixes().iter().take(3) {
            println!(
                "    would help: {} ({} more volunteers)",
                hint.fix(),
                hint.volunteers()
            );
        }
    }
    for placement in outcome.placements().iter().take(2) {
        let name = w
            .volunteers
            .get(placement.volunteer())
            .map_or("?", |v| v.name().as_str());
        println!(
            "  {name} → shift {}: {}",
            placement.shift(),
            placement.score()
        );
        if let Some(r) = placement.runner_up() {
            let other = w
                .volunteers
                .get(r.volunteer())
                .map_or("?", |v| v.name().as_str());
            println!("    runner-up {other}: {}", r.why());
        }
    }
    Ok(())
}

/// Zhenjiang's 59 party-member teams paired with 20 towns (结对), in proportion to each
/// town's households, at most one town per team, preferring a department's usual town.
fn pair_zhenjiang(w: &World) -> Result<()> {
    let zhenjiang: DivisionCode = "321100".parse()?;
    let towns = codes(w.table.within(zhenjiang, DivisionLevel::Township).take(20));
    // Demand: about 1,100 households per community (154,134 households over 140 communities).
    let demands: Vec<JurisdictionDemand> = towns
        .iter()
        .map(|t| JurisdictionDemand::new(*t, 1_100 * w.table.children(*t).count() as u64))
        .collect();
    let teams: Vec<TeamOffer> = w
        .teams
        .teams()
        .filter(|t| matches!(t.structure(), TeamKind::Specialist(Specialty::PartyMember)))
        .enumerate()
        .map(|(i, t)| TeamOffer::new(t.id(), 1).with_affinity(towns[i % towns.len()], 80))
        .collect();
    let request = PairingRequest::new(demands, teams, 59)?;
    let outcome = request.solve()?;
    let busiest = outcome.quotas().iter().max().copied().unwrap_or(0);
    println!(
        "\n== Pairing Zhenjiang's teams with towns (结对) ==\n{} pairings over {} towns; quotas by households from {} to {busiest} teams; total affinity {}",
        outcome.plans().len(),
        towns.len(),
        outcome.quotas().iter().min().copied().unwrap_or(0),
        outcome.score()
    );
    Ok(())
}

/// Roll-ups up the organisation tree, star counts on the national ladder, and one certificate
/// issued from the ledger by the institute that organised the service.
fn rollup_stars_and_certificate(w: &World, ledger: &HourLedger) -> Result<()> {
    let mut rollup = OrgRollup::new(&w.orgs);
    rollup.sync(ledger)?;
    let totals = rollup.subtree_totals(ledger, &RollupQuery::new())?;
    println!("\nRoll-up up the organisation tree (every subtree in one pass):");
    for root in w.orgs.roots() {
        let sum = totals.subtree(root).unwrap_or_default();
        if sum.get() != 0 {
            let name = w.orgs.get(root).map_or("?", Organisation::name);
            println!("  {name}: {sum}");
        }
    }
    let ladder = StarLadder::national();
    let mut stars: BTreeMap<String, usize> = BTreeMap::new();
    for counted in ladder.counted_all(ledger).into_values() {
        let label = ladder
            .reached(counted)
            .map_or_else(|| "below 1★ (100 h)".to_owned(), |d| format!("{d:?}"));
        *stars.entry(label).or_default() += 1;
    }
    println!("Star counts on the national ladder after the first days: {stars:?}");

    // One certificate: the first Jiangning volunteer credited by a practice institute.
    let entry = ledger
        .entries()
        .iter()
        .find(|e| w.institute_of.values().any(|i| *i == e.organiser()))
        .ok_or("a credited entry")?;
    let volunteer = w.volunteers.get(entry.volunteer()).ok_or("registered")?;
    let institute = w.orgs.get(entry.organiser()).ok_or("institute")?;
    let issuer = Issuer::new(
        institute.id(),
        institute.name(),
        "王主任",
        "李干事",
        "025-52100000",
    )?;
    let mut register = CertificateRegister::new(issuer, "JN")?;
    let applied = at("2021-08-02T09:00:00+08:00")?;
    let application = register.apply(volunteer, applied);
    register.accept(application, applied + TimeDelta::hours(1))?;
    let number = register.issue(
        application,
        ledger,
        day("2021-08-02")?,
        "核酸检测点志愿服务",
    )?;
    let certificate = register.certificate(&number).ok_or("issued")?;
    certificate.verify(ledger)?;
    println!("\n== One certificate (志愿服务记录证明), verified offline against the ledger ==");
    println!("{}", certificate.render_markdown());
    Ok(())
}
