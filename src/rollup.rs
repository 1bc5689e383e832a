//! Roll-ups of the hour ledger (ORG-11): per organisation subtree, division, team, category,
//! period and provenance. Every figure is derived from the ledger's entries on demand; the
//! only state kept is a projection ([`OrgRollup`]) that refuses to answer once the ledger has
//! moved on.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use crate::{
    Activity, ActivityId, AsOf, CategoryKey, DivisionCode, EntryHash, HourLedger, LedgerEntry,
    MinuteDelta, OrgHierarchy, OrgId, Provenance, RecordKind, TeamId, TeamRegistry, Totals,
};

const NONE: u32 = u32::MAX;
/// Record kinds a projection slot distinguishes (service, training, drill).
const KINDS: usize = 3;

/// Returned when a roll-up cannot be computed from the projection it was asked of.
///
/// # Example
/// ```
/// use volunteer_service::RollupError;
/// let e = RollupError::Stale { seen: 3, next: 5 };
/// assert_eq!(e.to_string(), "roll-up projection has seen 3 entries but the ledger has 5: sync it first");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RollupError {
    /// The ledger has entries the projection has not seen, or another head.
    #[error("roll-up projection has seen {seen} entries but the ledger has {next}: sync it first")]
    Stale {
        /// Entries the projection has seen.
        seen: u64,
        /// The ledger's next sequence.
        next: u64,
    },
    /// The ledger does not extend the entries the projection has seen (another ledger).
    #[error("ledger entry {seq} differs from the one the roll-up projection saw")]
    Diverged {
        /// The first sequence that differs.
        seq: u64,
    },
}

/// Which entries a roll-up counts: the ledger's own selection ([`Totals`]) — "as of" on both
/// axes (what the ledger knew, what had been served) and the record kinds.
///
/// Defaults to every entry known now, of kind [`RecordKind::Service`].
///
/// Serialised as `{"known": AsOf, "served_by": instant | null, "kind": RecordKind | null}`
/// (`null` kind: every kind).
///
/// # Example
/// ```
/// use volunteer_service::{AsOf, RecordKind, RollupQuery};
/// let q = RollupQuery::new().known(AsOf::Sequence(10)).kind(RecordKind::Training);
/// assert_eq!(q.kind_filter(), Some(RecordKind::Training));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RollupQuery {
    known: AsOf,
    served_by: Option<DateTime<FixedOffset>>,
    kind: Option<RecordKind>,
}

impl Default for RollupQuery {
    fn default() -> Self {
        Self::new()
    }
}

impl RollupQuery {
    /// Every service entry known now.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{RollupQuery, RecordKind};
    /// assert_eq!(RollupQuery::new().kind_filter(), Some(RecordKind::Service));
    /// ```
    pub const fn new() -> Self {
        Self {
            known: AsOf::Now,
            served_by: None,
            kind: Some(RecordKind::Service),
        }
    }

    /// Counts only the entries the ledger knew at `as_of` (before later corrections).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, AsOf, MinuteDelta, RollupQuery};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // entries 0 and 1, 240 minutes each
    /// let before = RollupQuery::new().known(AsOf::Sequence(1));
    /// assert_eq!(before.totals(&ledger).all(), MinuteDelta::new(240));
    /// assert_eq!(RollupQuery::new().totals(&ledger).all(), MinuteDelta::new(480));
    /// ```
    #[must_use]
    pub const fn known(mut self, as_of: AsOf) -> Self {
        self.known = as_of;
        self
    }

    /// Counts only service whose interval ended at or before `t`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta, RollupQuery};
    /// // Served 2021-07-21 and 2021-07-22, 08:00–12:00 (+08:00).
    /// let (ledger, _) = doc_fixtures::certified_ledger();
    /// let q = RollupQuery::new().served_by(doc_fixtures::at("2021-07-22T00:00:00+08:00"));
    /// assert_eq!(q.totals(&ledger).all(), MinuteDelta::new(240));
    /// ```
    #[must_use]
    pub const fn served_by(mut self, t: DateTime<FixedOffset>) -> Self {
        self.served_by = Some(t);
        self
    }

    /// Counts only records of `kind`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta, RecordKind, RollupQuery};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // service records only
    /// let q = RollupQuery::new().kind(RecordKind::Training);
    /// assert_eq!(q.kind_filter(), Some(RecordKind::Training));
    /// assert_eq!(q.totals(&ledger).all(), MinuteDelta::ZERO);
    /// ```
    #[must_use]
    pub const fn kind(mut self, kind: RecordKind) -> Self {
        self.kind = Some(kind);
        self
    }

    /// Counts records of every kind.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta, RollupQuery};
    /// let (ledger, _) = doc_fixtures::certified_ledger();
    /// let q = RollupQuery::new().all_kinds();
    /// assert_eq!(q.kind_filter(), None);
    /// assert_eq!(q.totals(&ledger).all(), MinuteDelta::new(480));
    /// ```
    #[must_use]
    pub const fn all_kinds(mut self) -> Self {
        self.kind = None;
        self
    }

    /// The kind counted, or `None` for every kind.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{RecordKind, RollupQuery};
    /// assert_eq!(RollupQuery::new().kind_filter(), Some(RecordKind::Service));
    /// assert_eq!(RollupQuery::new().kind(RecordKind::Drill).kind_filter(), Some(RecordKind::Drill));
    /// assert_eq!(RollupQuery::new().all_kinds().kind_filter(), None);
    /// ```
    pub const fn kind_filter(&self) -> Option<RecordKind> {
        self.kind
    }

    /// The ledger's own totals query for this selection.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{HourLedger, MinuteDelta, RollupQuery};
    /// let ledger = HourLedger::new();
    /// assert_eq!(RollupQuery::new().totals(&ledger).all(), MinuteDelta::ZERO);
    /// ```
    pub fn totals<'a>(&self, ledger: &'a HourLedger) -> Totals<'a> {
        let t = ledger.totals().known(self.known);
        let t = match self.served_by {
            Some(at) => t.served_by(at),
            None => t,
        };
        match self.kind {
            Some(k) => t.kind(k),
            None => t.all_kinds(),
        }
    }

    /// The selected entries: exactly [`Totals::entries`] of [`totals`](Self::totals).
    fn entries<'a>(
        &self,
        ledger: &'a HourLedger,
    ) -> impl Iterator<Item = &'a LedgerEntry> + use<'a> {
        self.totals(ledger).entries()
    }

    /// Net minutes per provenance.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{HourLedger, RollupQuery};
    /// assert!(RollupQuery::new().by_provenance(&HourLedger::new()).is_empty());
    /// ```
    pub fn by_provenance(&self, ledger: &HourLedger) -> BTreeMap<Provenance, MinuteDelta> {
        self.totals(ledger).by_provenance()
    }

    /// Net minutes per period in the local time of each record's served interval (its own
    /// offset). A record crossing local midnight is split across its local days, each day
    /// taking at most the interval's minutes on it, earlier days first (so the parts sum to
    /// the record's amount); weeks, months and years add up their days. A reversal is split
    /// the same way, so it nets to zero in every period.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, MinuteDelta, Period, PeriodKey, RollupQuery};
    /// let mut ledger = doc_fixtures::ledger();
    /// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// let id = rec.id();
    /// ledger.submit(doc_fixtures::recorder(), rec, at)?;
    /// ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// let months = RollupQuery::new().by_period(&ledger, Period::Month);
    /// assert_eq!(months.get(&PeriodKey::Month { year: 2021, month: 7 }), Some(&MinuteDelta::new(240)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn by_period(
        &self,
        ledger: &HourLedger,
        period: Period,
    ) -> BTreeMap<PeriodKey, MinuteDelta> {
        let mut out: BTreeMap<PeriodKey, i64> = BTreeMap::new();
        for e in self.entries(ledger) {
            let amount = e.amount().get();
            let sign = amount.signum();
            let mut left = amount.saturating_abs();
            for (day, minutes) in e.served().local_days() {
                let take = left.min(i64::from(minutes.get()));
                left -= take;
                if take > 0 {
                    let slot = out.entry(period.key(day)).or_default();
                    *slot = slot.saturating_add(sign * take);
                }
            }
            if left > 0 {
                // Unreachable for valid records (the amount fits the interval); kept on the
                // last day rather than dropped.
                let day = e.served().start().date_naive();
                let slot = out.entry(period.key(day)).or_default();
                *slot = slot.saturating_add(sign * left);
            }
        }
        deltas(out)
    }

    /// Net minutes per service category of each record's activity, each category's total
    /// including its sub-categories (so totals of different depths overlap). Entries whose
    /// activity is not in `activities` are counted under `None`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityIndex, HourLedger, RollupQuery};
    /// let activities = ActivityIndex::new([&doc_fixtures::activity()]);
    /// assert!(RollupQuery::new().by_category(&HourLedger::new(), &activities).is_empty());
    /// ```
    pub fn by_category(
        &self,
        ledger: &HourLedger,
        activities: &ActivityIndex,
    ) -> BTreeMap<Option<CategoryKey>, MinuteDelta> {
        let mut out: BTreeMap<Option<CategoryKey>, i64> = BTreeMap::new();
        for e in self.entries(ledger) {
            let amount = e.amount().get();
            match activities.of_entry(ledger, e) {
                Some(a) => {
                    let mut key = Some(a.category.clone());
                    while let Some(k) = key {
                        key = k.parent();
                        add(&mut out, Some(k), amount);
                    }
                }
                None => add(&mut out, None, amount),
            }
        }
        deltas(out)
    }

    /// Net minutes per division of each record's place (the activity's location), each
    /// division's total including the divisions inside it. Entries whose activity is not in
    /// `activities` are counted under `None`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityIndex, HourLedger, RollupQuery};
    /// let activities = ActivityIndex::new([&doc_fixtures::activity()]);
    /// assert!(RollupQuery::new().by_place_division(&HourLedger::new(), &activities).is_empty());
    /// ```
    pub fn by_place_division(
        &self,
        ledger: &HourLedger,
        activities: &ActivityIndex,
    ) -> BTreeMap<Option<DivisionCode>, MinuteDelta> {
        let mut out: BTreeMap<Option<DivisionCode>, i64> = BTreeMap::new();
        for e in self.entries(ledger) {
            let amount = e.amount().get();
            match activities.of_entry(ledger, e) {
                Some(a) => {
                    let mut code = Some(a.division);
                    while let Some(c) = code {
                        add(&mut out, Some(c), amount);
                        code = c.parent();
                    }
                }
                None => add(&mut out, None, amount),
            }
        }
        deltas(out)
    }

    /// Net minutes per organising team (the activity's team records the hours, ORG-03,
    /// ORG-11), each team's total including its child teams in `teams`. Entries whose
    /// activity has no team (or is unknown) are counted under `None`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityIndex, HourLedger, RollupQuery, TeamRegistry};
    /// let activities = ActivityIndex::new([&doc_fixtures::activity()]);
    /// let by_team = RollupQuery::new().by_organising_team(&HourLedger::new(), &activities, &TeamRegistry::new());
    /// assert!(by_team.is_empty());
    /// ```
    pub fn by_organising_team(
        &self,
        ledger: &HourLedger,
        activities: &ActivityIndex,
        teams: &TeamRegistry,
    ) -> BTreeMap<Option<TeamId>, MinuteDelta> {
        let mut out: BTreeMap<Option<TeamId>, i64> = BTreeMap::new();
        for e in self.entries(ledger) {
            let amount = e.amount().get();
            let team = activities.of_entry(ledger, e).and_then(|a| a.team);
            let Some(first) = team else {
                add(&mut out, None, amount);
                continue;
            };
            // Team trees are acyclic (TeamRegistry validates parents); the guard bounds the
            // climb regardless.
            let mut seen = BTreeSet::new();
            let mut t = Some(first);
            while let Some(id) = t {
                if !seen.insert(id) {
                    break;
                }
                add(&mut out, Some(id), amount);
                t = teams.team(id).and_then(crate::Team::parent);
            }
        }
        deltas(out)
    }

    /// Net minutes per team by membership on the local day each service started
    /// ([`TeamRegistry::teams_of_on`]), and per hosting organisation counting each entry once
    /// however many of that host's teams the volunteer belonged to (ORG-11: membership is
    /// not exclusive, so team totals overlap; the organisation level never double counts).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{HourLedger, RollupQuery, TeamRegistry};
    /// let m = RollupQuery::new().by_team_membership(&HourLedger::new(), &TeamRegistry::new());
    /// assert!(m.per_team().is_empty());
    /// ```
    pub fn by_team_membership(
        &self,
        ledger: &HourLedger,
        teams: &TeamRegistry,
    ) -> MembershipTotals {
        let mut per_team: BTreeMap<TeamId, i64> = BTreeMap::new();
        let mut per_host: BTreeMap<OrgId, i64> = BTreeMap::new();
        let mut outside = 0_i64;
        for e in self.entries(ledger) {
            let amount = e.amount().get();
            let day = e.served().start().date_naive();
            let mine = teams.teams_of_on(e.volunteer(), day);
            if mine.is_empty() {
                outside = outside.saturating_add(amount);
            }
            let mut hosts = BTreeSet::new();
            for t in mine {
                add(&mut per_team, t, amount);
                if let Some(team) = teams.team(t) {
                    hosts.insert(team.host());
                }
            }
            for h in hosts {
                add(&mut per_host, h, amount);
            }
        }
        MembershipTotals {
            per_team: deltas(per_team),
            per_host: deltas(per_host),
            outside: MinuteDelta::new(outside),
        }
    }
}

fn add<K: Ord>(map: &mut BTreeMap<K, i64>, key: K, amount: i64) {
    let slot = map.entry(key).or_default();
    *slot = slot.saturating_add(amount);
}

fn deltas<K: Ord>(map: BTreeMap<K, i64>) -> BTreeMap<K, MinuteDelta> {
    map.into_iter()
        .map(|(k, v)| (k, MinuteDelta::new(v)))
        .collect()
}

/// A calendar period for [`RollupQuery::by_period`].
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use volunteer_service::{Period, PeriodKey};
/// let d = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
/// assert_eq!(Period::IsoWeek.key(d), PeriodKey::IsoWeek { year: 2020, week: 53 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Period {
    /// A local calendar day.
    Day,
    /// An ISO 8601 week (Monday to Sunday, numbered within its ISO year).
    IsoWeek,
    /// A calendar month.
    Month,
    /// A calendar year.
    Year,
}

impl Period {
    /// The period containing `day`.
    ///
    /// # Example
    /// See [`Period`].
    pub fn key(self, day: NaiveDate) -> PeriodKey {
        match self {
            Self::Day => PeriodKey::Day(day),
            Self::IsoWeek => {
                let w = day.iso_week();
                PeriodKey::IsoWeek {
                    year: w.year(),
                    week: w.week(),
                }
            }
            Self::Month => PeriodKey::Month {
                year: day.year(),
                month: day.month(),
            },
            Self::Year => PeriodKey::Year(day.year()),
        }
    }
}

/// One period of a [`Period`] roll-up, ordered chronologically within a kind.
///
/// Serialised as `{"day": "2021-07-21"}`, `{"iso_week": {"year", "week"}}`,
/// `{"month": {"year", "month"}}` or `{"year": 2021}`.
///
/// # Example
/// ```
/// use volunteer_service::PeriodKey;
/// assert!(PeriodKey::Year(2020) < PeriodKey::Year(2021));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum PeriodKey {
    /// A day.
    Day(NaiveDate),
    /// An ISO week.
    IsoWeek {
        /// The ISO week-numbering year.
        year: i32,
        /// The week, 1 to 53.
        week: u32,
    },
    /// A month.
    Month {
        /// The year.
        year: i32,
        /// The month, 1 to 12.
        month: u32,
    },
    /// A year.
    Year(i32),
}

/// Team totals by membership at the time of service (see
/// [`RollupQuery::by_team_membership`]).
///
/// Serialised as `{"per_team": {team: minutes}, "per_host": {org: minutes}, "outside": minutes}`.
///
/// # Example
/// ```
/// use volunteer_service::{HourLedger, MinuteDelta, RollupQuery, TeamRegistry};
/// let m = RollupQuery::new().by_team_membership(&HourLedger::new(), &TeamRegistry::new());
/// assert_eq!(m.outside(), MinuteDelta::ZERO);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MembershipTotals {
    per_team: BTreeMap<TeamId, MinuteDelta>,
    per_host: BTreeMap<OrgId, MinuteDelta>,
    outside: MinuteDelta,
}

impl MembershipTotals {
    /// Minutes served by members of each team (overlapping: one entry counts for every team
    /// its volunteer belonged to).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, DatePeriod, OrgId, Role, RollupQuery, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let (ledger, _) = doc_fixtures::certified_ledger();
    /// # let (squad, host) = (TeamId::from_parts(1, 1), OrgId::from_parts(1, 1));
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(squad, "禄口小队", TeamKind::Level(TeamLevel::Squad), host).build()?)?;
    /// # let joined = DatePeriod::from("2021-07-22".parse::<NaiveDate>().expect("date"));
    /// # teams.join(squad, doc_fixtures::volunteer_id(), Role::Member, joined)?;
    /// // The volunteer served 240 minutes on 2021-07-21 and on 2021-07-22, and joined
    /// // `squad` (hosted by `host`) on 2021-07-22.
    /// let m = RollupQuery::new().by_team_membership(&ledger, &teams);
    /// assert_eq!(m.per_team().get(&squad), Some(&MinuteDelta::new(240)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn per_team(&self) -> &BTreeMap<TeamId, MinuteDelta> {
        &self.per_team
    }
    /// Minutes per hosting organisation, each entry counted once per host.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, DatePeriod, OrgId, Role, RollupQuery, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let (ledger, _) = doc_fixtures::certified_ledger();
    /// # let (squad, host) = (TeamId::from_parts(1, 1), OrgId::from_parts(1, 1));
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(squad, "禄口小队", TeamKind::Level(TeamLevel::Squad), host).build()?)?;
    /// # let joined = DatePeriod::from("2021-07-22".parse::<NaiveDate>().expect("date"));
    /// # teams.join(squad, doc_fixtures::volunteer_id(), Role::Member, joined)?;
    /// // The volunteer served 240 minutes on 2021-07-21 and on 2021-07-22, and joined
    /// // `squad` (hosted by `host`) on 2021-07-22.
    /// let m = RollupQuery::new().by_team_membership(&ledger, &teams);
    /// assert_eq!(m.per_host().get(&host), Some(&MinuteDelta::new(240)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn per_host(&self) -> &BTreeMap<OrgId, MinuteDelta> {
        &self.per_host
    }
    /// Minutes of volunteers who belonged to no team that day.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// # use chrono::NaiveDate;
    /// # use volunteer_service::{doc_fixtures, DatePeriod, OrgId, Role, RollupQuery, Team, TeamId, TeamKind, TeamLevel, TeamRegistry};
    /// # let (ledger, _) = doc_fixtures::certified_ledger();
    /// # let (squad, host) = (TeamId::from_parts(1, 1), OrgId::from_parts(1, 1));
    /// # let mut teams = TeamRegistry::new();
    /// # teams.add_team(Team::builder(squad, "禄口小队", TeamKind::Level(TeamLevel::Squad), host).build()?)?;
    /// # let joined = DatePeriod::from("2021-07-22".parse::<NaiveDate>().expect("date"));
    /// # teams.join(squad, doc_fixtures::volunteer_id(), Role::Member, joined)?;
    /// // The volunteer served 240 minutes on 2021-07-21 and on 2021-07-22, and joined
    /// // `squad` (hosted by `host`) on 2021-07-22.
    /// let m = RollupQuery::new().by_team_membership(&ledger, &teams);
    /// assert_eq!(m.outside(), MinuteDelta::new(240)); // 2021-07-21, before joining
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn outside(&self) -> MinuteDelta {
        self.outside
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ActivityFacts {
    team: Option<TeamId>,
    category: CategoryKey,
    division: DivisionCode,
}

/// What the roll-ups need to know of each activity: its team, category and place
/// division, looked up by the record's activity.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, ActivityIndex};
/// let a = doc_fixtures::activity();
/// let index = ActivityIndex::new([&a]);
/// assert_eq!(index.len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityIndex {
    facts: HashMap<ActivityId, ActivityFacts>,
}

impl ActivityIndex {
    /// Indexes `activities` (a later activity with the same id replaces an earlier one).
    ///
    /// # Example
    /// See [`ActivityIndex`].
    pub fn new<'a>(activities: impl IntoIterator<Item = &'a Activity>) -> Self {
        let facts = activities
            .into_iter()
            .map(|a| {
                (
                    a.id(),
                    ActivityFacts {
                        team: a.team(),
                        category: a.category().clone(),
                        division: a.location().division(),
                    },
                )
            })
            .collect();
        Self { facts }
    }

    /// The number of activities indexed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityIndex};
    /// let (a, b) = (doc_fixtures::activity(), doc_fixtures::hazardous_activity());
    /// assert_eq!(ActivityIndex::new([&a, &b]).len(), 2);
    /// assert_eq!(ActivityIndex::new([&a, &a]).len(), 1); // one entry per activity id
    /// ```
    pub fn len(&self) -> usize {
        self.facts.len()
    }

    /// Whether no activity is indexed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityIndex};
    /// assert!(ActivityIndex::default().is_empty());
    /// assert!(!ActivityIndex::new([&doc_fixtures::activity()]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// The category of the entry's activity, if indexed.
    pub(crate) fn category_of(&self, ledger: &HourLedger, e: &LedgerEntry) -> Option<&CategoryKey> {
        self.of_entry(ledger, e).map(|a| &a.category)
    }

    fn of_entry(&self, ledger: &HourLedger, e: &LedgerEntry) -> Option<&ActivityFacts> {
        ledger
            .record(e.record())
            .and_then(|(r, _)| self.facts.get(&r.activity()))
    }
}

/// The roll-up of every organisation subtree (ORG-11: hours belong to the organiser of each
/// record), computed from a projection of the ledger onto dense organisation indices.
///
/// [`OrgRollup::new`] freezes the hierarchy's current tree into arrays (a dense index per
/// organisation, its parent, a parents-first order); [`sync`](Self::sync) projects each new
/// ledger entry once onto two columns: a slot (dense organiser index × record kind) and the
/// signed minutes. [`subtree_totals`](Self::subtree_totals) then folds the columns into
/// per-organisation sums — a plain array pass, no hashing per entry — and adds every child
/// into its parent in reverse order: O(entries + organisations) for every subtree at once.
/// The projection is checked against the ledger's length and head hash on every query, so a
/// stale or foreign projection is refused rather than trusted ([`RollupError`]).
///
/// Entries of organisers outside the hierarchy are counted in
/// [`SubtreeTotals::unplaced`]. Memory: 12 bytes per entry plus about 40 per organisation.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, MinuteDelta, OrgHierarchy,
///     OrgId, OrgKind, OrgRollup, Organisation, RollupQuery};
/// let mut tree = OrgHierarchy::new();
/// let root = OrgId::from_parts(1, 1);
/// let day = "2021-01-01".parse()?;
/// tree.add_root(Organisation::builder(root, "江宁区志愿服务联合会", OrgKind::OtherOrganiser).build()?, day)?;
/// tree.add_under(Organisation::builder(doc_fixtures::organiser(), "禄口街道", OrgKind::OtherOrganiser).build()?, root, day)?;
/// let mut ledger = doc_fixtures::ledger();
/// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
/// let rec = doc_fixtures::record_builder(1).build()?;
/// let id = rec.id();
/// ledger.submit(doc_fixtures::recorder(), rec, at)?;
/// ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
/// let mut rollup = OrgRollup::new(&tree);
/// rollup.sync(&ledger)?;
/// let totals = rollup.subtree_totals(&ledger, &RollupQuery::new())?;
/// assert_eq!(totals.subtree(root), Some(MinuteDelta::new(240)));
/// assert_eq!(totals.own(root), Some(MinuteDelta::ZERO));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct OrgRollup {
    ids: Vec<OrgId>,
    index: HashMap<OrgId, u32>,
    parent: Vec<u32>,
    /// Parents before children.
    order: Vec<u32>,
    division: Vec<Option<DivisionCode>>,
    slots: Vec<u32>,
    amounts: Vec<i64>,
    head: EntryHash,
}

impl core::fmt::Debug for OrgRollup {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OrgRollup")
            .field("organisations", &self.ids.len())
            .field("seen", &self.slots.len())
            .field("head", &self.head)
            .finish_non_exhaustive()
    }
}

impl OrgRollup {
    /// Freezes the current tree of `tree` (later changes to it need a new roll-up).
    ///
    /// # Example
    /// See [`OrgRollup`].
    pub fn new(tree: &OrgHierarchy) -> Self {
        Self::build(tree, |id| tree.parent(id))
    }

    /// Freezes the tree as it stood on `date` (dated parents, ORG-02 re-parenting): a
    /// statistic "by the hierarchy of 2021-07-21" after later reorganisations. Organisations
    /// added after `date` are roots of their own.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use volunteer_service::{OrgHierarchy, OrgId, OrgKind, Organisation, OrgRollup};
    /// let (a, b, c) = (OrgId::from_parts(1, 1), OrgId::from_parts(1, 2), OrgId::from_parts(1, 3));
    /// let d = |s: &str| s.parse::<NaiveDate>();
    /// let mut tree = OrgHierarchy::new();
    /// for id in [a, b] {
    ///     tree.add_root(Organisation::builder(id, "root", OrgKind::OtherOrganiser).build()?, d("2021-01-01")?)?;
    /// }
    /// tree.add_under(Organisation::builder(c, "unit", OrgKind::OtherOrganiser).build()?, a, d("2021-01-01")?)?;
    /// tree.reparent(c, Some(b), d("2021-08-01")?)?;
    /// let then = OrgRollup::on_date(&tree, d("2021-07-21")?);
    /// assert_eq!(then.parent_of(c), Some(a));
    /// assert_eq!(OrgRollup::new(&tree).parent_of(c), Some(b));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_date(tree: &OrgHierarchy, date: NaiveDate) -> Self {
        Self::build(tree, |id| tree.parent_on(id, date))
    }

    /// The parent of `org` in the frozen tree.
    ///
    /// # Example
    /// See [`OrgRollup::on_date`].
    pub fn parent_of(&self, org: OrgId) -> Option<OrgId> {
        let v = *self.index.get(&org)?;
        let p = *self.parent.get(v as usize)?;
        self.ids.get(p as usize).copied()
    }

    fn build(tree: &OrgHierarchy, parent_of: impl Fn(OrgId) -> Option<OrgId>) -> Self {
        let ids: Vec<OrgId> = tree.organisations().map(crate::Organisation::id).collect();
        let index: HashMap<OrgId, u32> = (0_u32..).zip(&ids).map(|(i, &id)| (id, i)).collect();
        let parent: Vec<u32> = ids
            .iter()
            .map(|&id| {
                parent_of(id)
                    .and_then(|p| index.get(&p).copied())
                    .unwrap_or(NONE)
            })
            .collect();
        let division = tree
            .organisations()
            .map(crate::Organisation::division)
            .collect();
        // Children in CSR form, then a breadth-first order from the roots.
        let n = ids.len();
        let mut start = vec![0_usize; n + 1];
        for &p in &parent {
            if let Some(s) = start.get_mut(p as usize + 1) {
                *s += 1;
            }
        }
        for i in 0..n {
            let prev = start.get(i).copied().unwrap_or(0);
            if let Some(s) = start.get_mut(i + 1) {
                *s += prev;
            }
        }
        let mut fill = start.clone();
        let mut kids = vec![0_u32; n];
        for (v, &p) in (0_u32..).zip(&parent) {
            if let Some(f) = fill.get_mut(p as usize) {
                if let Some(k) = kids.get_mut(*f) {
                    *k = v;
                }
                *f += 1;
            }
        }
        let mut order: Vec<u32> = (0_u32..)
            .zip(&parent)
            .filter(|(_, p)| **p == NONE)
            .map(|(v, _)| v)
            .collect();
        let mut i = 0;
        while let Some(&v) = order.get(i) {
            let (a, b) = (
                start.get(v as usize).copied().unwrap_or(0),
                start.get(v as usize + 1).copied().unwrap_or(0),
            );
            if let Some(children) = kids.get(a..b) {
                order.extend_from_slice(children);
            }
            i += 1;
        }
        Self {
            ids,
            index,
            parent,
            order,
            division,
            slots: Vec::new(),
            amounts: Vec::new(),
            head: EntryHash::GENESIS,
        }
    }

    /// The number of entries projected so far.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Append, IdempotencyKey};
    /// # use volunteer_service::{doc_fixtures, OrgHierarchy, OrgId, OrgKind, OrgRollup, Organisation};
    /// # let (mut ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1, 240 minutes each
    /// # let (root, day) = (OrgId::from_parts(1, 1), "2021-01-01".parse()?);
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(root, "江宁区志愿服务联合会", OrgKind::OtherOrganiser).build()?, day)?;
    /// # tree.add_under(Organisation::builder(doc_fixtures::organiser(), "禄口街道", OrgKind::OtherOrganiser).build()?, root, day)?;
    /// # let mut rollup = OrgRollup::new(&tree);
    /// # rollup.sync(&ledger)?;
    /// // `root` (江宁区) has one child, `doc_fixtures::organiser()` (禄口街道), which recorded 480 minutes.
    /// assert_eq!(rollup.seen(), 2);
    /// ledger.reverse(doc_fixtures::recorder(), 0, "duplicate import",
    ///     Append::new(IdempotencyKey::from_parts(0, 1)), doc_fixtures::at("2021-08-01T09:00:00+08:00"))?;
    /// assert_eq!(rollup.sync(&ledger)?, 1); // only the new entry is projected
    /// assert_eq!(rollup.seen(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn seen(&self) -> u64 {
        self.slots.len() as u64
    }

    /// Projects the ledger's entries not yet seen; returns how many were added.
    ///
    /// # Errors
    /// [`RollupError::Diverged`] if the ledger is shorter than what was seen or its entry at
    /// the last seen sequence has another hash. The projection is then unchanged.
    ///
    /// # Example
    /// See [`OrgRollup`].
    pub fn sync(&mut self, ledger: &HourLedger) -> Result<u64, RollupError> {
        let seen = self.seen();
        if seen > 0 {
            let last = seen - 1;
            let same = ledger.entry(last).is_some_and(|e| e.hash() == self.head);
            if !same {
                return Err(RollupError::Diverged { seq: last });
            }
        }
        let fresh = ledger.entries().get(self.slots.len()..).unwrap_or_default();
        let outside = self.ids.len();
        self.slots.reserve(fresh.len());
        self.amounts.reserve(fresh.len());
        // The organiser of consecutive entries is often the same: one lookup per run.
        let mut last: Option<(OrgId, usize)> = None;
        for e in fresh {
            let dense = match last {
                Some((o, d)) if o == e.organiser() => d,
                _ => {
                    let d = self
                        .index
                        .get(&e.organiser())
                        .map_or(outside, |&d| d as usize);
                    last = Some((e.organiser(), d));
                    d
                }
            };
            let slot = dense * KINDS + kind_index(e.record_kind());
            self.slots.push(u32::try_from(slot).unwrap_or(u32::MAX));
            self.amounts.push(e.amount().get());
        }
        self.head = ledger.head();
        Ok(fresh.len() as u64)
    }

    fn check(&self, ledger: &HourLedger) -> Result<(), RollupError> {
        if ledger.next_seq() != self.seen() || ledger.head() != self.head {
            return Err(RollupError::Stale {
                seen: self.seen(),
                next: ledger.next_seq(),
            });
        }
        Ok(())
    }

    /// The net minutes organised by each organisation and by its whole subtree.
    ///
    /// # Errors
    /// [`RollupError::Stale`] unless the projection has seen exactly the ledger's entries
    /// ([`sync`](Self::sync) first).
    ///
    /// # Example
    /// See [`OrgRollup`].
    pub fn subtree_totals(
        &self,
        ledger: &HourLedger,
        query: &RollupQuery,
    ) -> Result<SubtreeTotals<'_>, RollupError> {
        self.check(ledger)?;
        let n = self.ids.len();
        let mut sums = vec![0_i64; (n + 1) * KINDS];
        let fast_prefix = match (query.served_by, query.known) {
            (Some(_), _) => None,
            (None, AsOf::Now) => Some(self.slots.len()),
            (None, AsOf::Sequence(s)) => Some(
                usize::try_from(s)
                    .unwrap_or(usize::MAX)
                    .min(self.slots.len()),
            ),
            // The journal's clock never goes back, so the entries known at `t` are the
            // prefix found by binary search.
            (None, AsOf::Instant(t)) => Some(ledger.entries().partition_point(|e| e.at() <= t)),
        };
        if let Some(len) = fast_prefix {
            let slots = self.slots.get(..len).unwrap_or_default();
            let amounts = self.amounts.get(..len).unwrap_or_default();
            for (&s, &a) in slots.iter().zip(amounts) {
                if let Some(x) = sums.get_mut(s as usize) {
                    *x = x.saturating_add(a);
                }
            }
        } else {
            // Served-by filters need each entry's interval: walk the ledger's own selection
            // and take the slot from the projection by sequence (still no hashing).
            for e in query.entries(ledger) {
                let slot = usize::try_from(e.seq())
                    .ok()
                    .and_then(|i| self.slots.get(i))
                    .copied()
                    .unwrap_or(u32::MAX);
                let kind_ok = query.kind.is_none_or(|k| k == e.record_kind());
                if let (true, Some(x)) = (kind_ok, sums.get_mut(slot as usize)) {
                    *x = x.saturating_add(e.amount().get());
                }
            }
        }
        let wanted = |k: usize| query.kind.is_none_or(|q| kind_index(q) == k);
        let own: Vec<i64> = sums
            .chunks_exact(KINDS)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .filter(|(k, _)| wanted(*k))
                    .fold(0_i64, |acc, (_, v)| acc.saturating_add(*v))
            })
            .collect();
        let unplaced = own.get(n).copied().unwrap_or(0);
        let mut subtree: Vec<i64> = own.get(..n).unwrap_or_default().to_vec();
        for &v in self.order.iter().rev() {
            let p = self.parent.get(v as usize).copied().unwrap_or(NONE);
            let x = subtree.get(v as usize).copied().unwrap_or(0);
            if let Some(s) = subtree.get_mut(p as usize) {
                *s = s.saturating_add(x);
            }
        }
        let mut own = own;
        own.truncate(n);
        Ok(SubtreeTotals {
            rollup: self,
            own,
            subtree,
            unplaced,
        })
    }
}

const fn kind_index(kind: RecordKind) -> usize {
    match kind {
        RecordKind::Service => 0,
        RecordKind::Training => 1,
        RecordKind::Drill => 2,
    }
}

/// Per-organisation and per-subtree totals from [`OrgRollup::subtree_totals`].
///
/// # Example
/// See [`OrgRollup`].
#[derive(Clone)]
pub struct SubtreeTotals<'a> {
    rollup: &'a OrgRollup,
    own: Vec<i64>,
    subtree: Vec<i64>,
    unplaced: i64,
}

impl core::fmt::Debug for SubtreeTotals<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SubtreeTotals")
            .field("organisations", &self.own.len())
            .field("unplaced", &self.unplaced)
            .finish_non_exhaustive()
    }
}

impl SubtreeTotals<'_> {
    fn at(&self, v: &[i64], org: OrgId) -> Option<MinuteDelta> {
        let i = *self.rollup.index.get(&org)?;
        v.get(i as usize).copied().map(MinuteDelta::new)
    }

    /// Minutes of records the organisation itself organised; `None` if it is not in the tree.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// # use volunteer_service::{doc_fixtures, OrgHierarchy, OrgId, OrgKind, OrgRollup, Organisation, RollupQuery};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1, 240 minutes each
    /// # let (root, day) = (OrgId::from_parts(1, 1), "2021-01-01".parse()?);
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(root, "江宁区志愿服务联合会", OrgKind::OtherOrganiser).build()?, day)?;
    /// # tree.add_under(Organisation::builder(doc_fixtures::organiser(), "禄口街道", OrgKind::OtherOrganiser).build()?, root, day)?;
    /// # let mut rollup = OrgRollup::new(&tree);
    /// # rollup.sync(&ledger)?;
    /// // `root` (江宁区) has one child, `doc_fixtures::organiser()` (禄口街道), which recorded 480 minutes.
    /// let totals = rollup.subtree_totals(&ledger, &RollupQuery::new())?;
    /// assert_eq!(totals.own(doc_fixtures::organiser()), Some(MinuteDelta::new(480)));
    /// assert_eq!(totals.own(root), Some(MinuteDelta::ZERO));
    /// assert_eq!(totals.own(OrgId::from_parts(9, 9)), None); // not in the tree
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn own(&self, org: OrgId) -> Option<MinuteDelta> {
        self.at(&self.own, org)
    }

    /// Minutes of records organised anywhere in its subtree (itself included).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// # use volunteer_service::{doc_fixtures, OrgHierarchy, OrgId, OrgKind, OrgRollup, Organisation, RollupQuery};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1, 240 minutes each
    /// # let (root, day) = (OrgId::from_parts(1, 1), "2021-01-01".parse()?);
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(root, "江宁区志愿服务联合会", OrgKind::OtherOrganiser).build()?, day)?;
    /// # tree.add_under(Organisation::builder(doc_fixtures::organiser(), "禄口街道", OrgKind::OtherOrganiser).build()?, root, day)?;
    /// # let mut rollup = OrgRollup::new(&tree);
    /// # rollup.sync(&ledger)?;
    /// // `root` (江宁区) has one child, `doc_fixtures::organiser()` (禄口街道), which recorded 480 minutes.
    /// let totals = rollup.subtree_totals(&ledger, &RollupQuery::new())?;
    /// assert_eq!(totals.subtree(root), Some(MinuteDelta::new(480)));
    /// assert_eq!(totals.subtree(doc_fixtures::organiser()), Some(MinuteDelta::new(480)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn subtree(&self, org: OrgId) -> Option<MinuteDelta> {
        self.at(&self.subtree, org)
    }

    /// Minutes of organisers not in the hierarchy.
    ///
    /// # Example
    /// See [`OrgRollup`].
    pub fn unplaced(&self) -> MinuteDelta {
        MinuteDelta::new(self.unplaced)
    }

    /// Every organisation with its own and subtree totals, in the order they were added.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::MinuteDelta;
    /// # use volunteer_service::{doc_fixtures, OrgHierarchy, OrgId, OrgKind, OrgRollup, Organisation, RollupQuery};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // ledger entries 0 and 1, 240 minutes each
    /// # let (root, day) = (OrgId::from_parts(1, 1), "2021-01-01".parse()?);
    /// # let mut tree = OrgHierarchy::new();
    /// # tree.add_root(Organisation::builder(root, "江宁区志愿服务联合会", OrgKind::OtherOrganiser).build()?, day)?;
    /// # tree.add_under(Organisation::builder(doc_fixtures::organiser(), "禄口街道", OrgKind::OtherOrganiser).build()?, root, day)?;
    /// # let mut rollup = OrgRollup::new(&tree);
    /// # rollup.sync(&ledger)?;
    /// // `root` (江宁区) has one child, `doc_fixtures::organiser()` (禄口街道), which recorded 480 minutes.
    /// let totals = rollup.subtree_totals(&ledger, &RollupQuery::new())?;
    /// let rows: Vec<_> = totals.iter().collect();
    /// assert_eq!(rows, [(root, MinuteDelta::ZERO, MinuteDelta::new(480)),
    ///     (doc_fixtures::organiser(), MinuteDelta::new(480), MinuteDelta::new(480))]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (OrgId, MinuteDelta, MinuteDelta)> + '_ {
        self.rollup
            .ids
            .iter()
            .zip(&self.own)
            .zip(&self.subtree)
            .map(|((&id, &o), &s)| (id, MinuteDelta::new(o), MinuteDelta::new(s)))
    }

    /// Minutes per division of the organiser (its registered division code), each division's
    /// total including the divisions inside it. Organisers without a division are left out.
    ///
    /// # Example
    /// See [`OrgRollup`].
    pub fn by_organiser_division(&self) -> BTreeMap<DivisionCode, MinuteDelta> {
        let mut out: BTreeMap<DivisionCode, i64> = BTreeMap::new();
        for (&own, division) in self.own.iter().zip(&self.rollup.division) {
            let mut code = if own == 0 { None } else { *division };
            while let Some(c) = code {
                add(&mut out, c, own);
                code = c.parent();
            }
        }
        deltas(out)
    }
}

#[cfg(test)]
mod tests;
