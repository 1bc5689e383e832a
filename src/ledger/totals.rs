//! Totals derived from the entries on demand; never stored as a second truth.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::{LedgerEntry, MinuteDelta, OrgId, Provenance, RecordKind, VolunteerId};

/// Which entries the ledger knew: all of them, those before a sequence, or those appended
/// at or before an instant ("what the ledger said at T, before later corrections").
///
/// # Example
/// ```
/// use volunteer_service::AsOf;
/// assert_ne!(AsOf::Now, AsOf::Sequence(3));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum AsOf {
    /// Every entry.
    Now,
    /// Entries with a sequence below this one.
    Sequence(u64),
    /// Entries appended at or before this instant.
    Instant(DateTime<FixedOffset>),
}

/// A totals query over the ledger's entries. By default it counts every entry known now,
/// of kind [`RecordKind::Service`] (training and drills are kept apart, HRS-05, HRS-07).
///
/// Every total is a fold over the selected entries: the sum of their signed amounts, so a
/// credit and its reversal net to zero. Sums saturate at the `i64` range.
///
/// Roll-ups (team, organisation subtree, division, category, period) are not computed here;
/// [`group_by`](Self::group_by) is the hook they build on.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Append, AsOf, IdempotencyKey, MinuteDelta};
/// let mut ledger = doc_fixtures::ledger();
/// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
/// let rec = doc_fixtures::record_builder(1).build()?;
/// let (id, v) = (rec.id(), rec.volunteer());
/// ledger.submit(doc_fixtures::recorder(), rec, at)?;
/// let r = ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
/// let later = doc_fixtures::at("2021-07-25T09:00:00+08:00");
/// ledger.reverse(doc_fixtures::recorder(), r.first(), "duplicate import",
///     Append::new(IdempotencyKey::from_parts(0, 2)), later)?;
/// assert_eq!(ledger.totals().volunteer(v), MinuteDelta::ZERO);
/// // What the ledger said on 2021-07-22, before the reversal:
/// let then = ledger.totals().known(AsOf::Instant(doc_fixtures::at("2021-07-22T00:00:00+08:00")));
/// assert_eq!(then.volunteer(v), MinuteDelta::new(240));
/// // What had been served by 10:00 on the day (the interval ends at 12:00):
/// assert_eq!(then.served_by(doc_fixtures::at("2021-07-21T10:00:00+08:00")).volunteer(v), MinuteDelta::ZERO);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Totals<'a> {
    entries: &'a [LedgerEntry],
    known: AsOf,
    served_by: Option<DateTime<FixedOffset>>,
    kind: Option<RecordKind>,
}

impl<'a> Totals<'a> {
    pub(crate) fn new(entries: &'a [LedgerEntry]) -> Self {
        Self {
            entries,
            known: AsOf::Now,
            served_by: None,
            kind: Some(RecordKind::Service),
        }
    }

    /// Counts only the entries the ledger knew at `as_of`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, AsOf, MinuteDelta};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // entries 0 and 1, 240 minutes each
    /// assert_eq!(ledger.totals().known(AsOf::Sequence(1)).all(), MinuteDelta::new(240));
    /// assert_eq!(ledger.totals().known(AsOf::Now).all(), MinuteDelta::new(480));
    /// ```
    #[must_use]
    pub fn known(mut self, as_of: AsOf) -> Self {
        self.known = as_of;
        self
    }

    /// Counts only service whose interval ended at or before `t`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta};
    /// // Records served 2021-07-21 and 2021-07-22, 08:00–12:00 (+08:00).
    /// let (ledger, _) = doc_fixtures::certified_ledger();
    /// let by = doc_fixtures::at("2021-07-22T00:00:00+08:00");
    /// assert_eq!(ledger.totals().served_by(by).all(), MinuteDelta::new(240));
    /// ```
    #[must_use]
    pub fn served_by(mut self, t: DateTime<FixedOffset>) -> Self {
        self.served_by = Some(t);
        self
    }

    /// Counts only records of `kind` (the default is [`RecordKind::Service`]).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, MinuteDelta, RecordKind};
    /// let mut ledger = doc_fixtures::ledger();
    /// let rec = doc_fixtures::record_builder(1).kind(RecordKind::Training).build()?;
    /// # let (id, at) = (rec.id(), doc_fixtures::at("2021-07-21T13:00:00+08:00"));
    /// # ledger.submit(doc_fixtures::recorder(), rec, at)?;
    /// # ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// assert_eq!(ledger.totals().all(), MinuteDelta::ZERO); // service only
    /// assert_eq!(ledger.totals().kind(RecordKind::Training).all(), MinuteDelta::new(240));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn kind(mut self, kind: RecordKind) -> Self {
        self.kind = Some(kind);
        self
    }

    /// Counts records of every kind.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, IdempotencyKey, MinuteDelta, RecordKind};
    /// let (mut ledger, _) = doc_fixtures::certified_ledger(); // 480 minutes of service
    /// let rec = doc_fixtures::record_builder(3).kind(RecordKind::Drill).build()?;
    /// # let (id, at) = (rec.id(), doc_fixtures::at("2021-07-24T09:00:00+08:00"));
    /// # ledger.submit(doc_fixtures::recorder(), rec, at)?;
    /// # ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// assert_eq!(ledger.totals().all(), MinuteDelta::new(480));
    /// assert_eq!(ledger.totals().all_kinds().all(), MinuteDelta::new(720));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn all_kinds(mut self) -> Self {
        self.kind = None;
        self
    }

    /// The selected entries, in sequence order. The iterator borrows the ledger only (not
    /// this query), so it can outlive a temporary `Totals`, as in
    /// `ledger.totals().known(as_of).entries()`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, Append, AsOf, IdempotencyKey, LedgerEntry};
    /// let mut ledger = doc_fixtures::ledger();
    /// let at = doc_fixtures::at("2021-07-21T13:00:00+08:00");
    /// let rec = doc_fixtures::record_builder(1).build()?;
    /// let id = rec.id();
    /// ledger.submit(doc_fixtures::recorder(), rec, at)?;
    /// ledger.confirm(doc_fixtures::recorder(), id, Append::new(IdempotencyKey::from_parts(0, 1)), at)?;
    /// let selected = ledger.totals().known(AsOf::Now).entries();
    /// let records: Vec<_> = selected.map(LedgerEntry::record).collect();
    /// assert_eq!(records, [id]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn entries(&self) -> impl Iterator<Item = &'a LedgerEntry> + use<'a> {
        let Self {
            entries,
            known,
            served_by,
            kind,
        } = *self;
        let known_len = match known {
            AsOf::Sequence(n) => usize::try_from(n).unwrap_or(usize::MAX).min(entries.len()),
            AsOf::Now | AsOf::Instant(_) => entries.len(),
        };
        entries
            .get(..known_len)
            .unwrap_or_default()
            .iter()
            .take_while(move |e| match known {
                AsOf::Instant(t) => e.at() <= t,
                AsOf::Now | AsOf::Sequence(_) => true,
            })
            .filter(move |e| served_by.is_none_or(|t| e.served().end() <= t))
            .filter(move |e| kind.is_none_or(|k| e.record_kind() == k))
    }

    fn sum(&self, keep: impl Fn(&LedgerEntry) -> bool) -> MinuteDelta {
        MinuteDelta::new(
            self.entries()
                .filter(|e| keep(e))
                .fold(0_i64, |acc, e| acc.saturating_add(e.amount().get())),
        )
    }

    /// The net minutes of every selected entry.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, HourLedger, MinuteDelta};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two 4-hour credits
    /// assert_eq!(ledger.totals().all(), MinuteDelta::new(480));
    /// assert_eq!(HourLedger::new().totals().all(), MinuteDelta::ZERO);
    /// ```
    pub fn all(&self) -> MinuteDelta {
        self.sum(|_| true)
    }

    /// A volunteer's net minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta, VolunteerId};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two 4-hour credits
    /// assert_eq!(ledger.totals().volunteer(doc_fixtures::volunteer_id()), MinuteDelta::new(480));
    /// assert_eq!(ledger.totals().volunteer(VolunteerId::from_parts(0, 1)), MinuteDelta::ZERO);
    /// ```
    pub fn volunteer(&self, v: VolunteerId) -> MinuteDelta {
        self.sum(|e| e.volunteer() == v)
    }

    /// The net minutes recorded by an organiser (its own records only; no roll-up).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta, OrgId};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two 4-hour credits
    /// assert_eq!(ledger.totals().organiser(doc_fixtures::organiser()), MinuteDelta::new(480));
    /// assert_eq!(ledger.totals().organiser(OrgId::from_parts(0, 1)), MinuteDelta::ZERO);
    /// ```
    pub fn organiser(&self, o: OrgId) -> MinuteDelta {
        self.sum(|e| e.organiser() == o)
    }

    /// The net minutes of one provenance.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta, Provenance};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two attested manual entries
    /// assert_eq!(ledger.totals().provenance(Provenance::AttestedManual), MinuteDelta::new(480));
    /// assert_eq!(ledger.totals().provenance(Provenance::Import), MinuteDelta::ZERO);
    /// ```
    pub fn provenance(&self, p: Provenance) -> MinuteDelta {
        self.sum(|e| e.provenance() == p)
    }

    /// The net minutes of credits whose attendance the crediting policy closed
    /// automatically (HRS-03), to review apart from the rest.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{HourLedger, MinuteDelta};
    /// assert_eq!(HourLedger::new().totals().auto_closed(), MinuteDelta::ZERO);
    /// ```
    pub fn auto_closed(&self) -> MinuteDelta {
        self.sum(LedgerEntry::auto_closed)
    }

    /// Net minutes grouped by any key of an entry: the hook for roll-ups by team, division,
    /// category or period. Groups whose entries net to zero are kept.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::HourLedger;
    /// let ledger = HourLedger::new();
    /// let by_day = ledger.totals().group_by(|e| e.served().start().date_naive());
    /// assert!(by_day.is_empty());
    /// ```
    pub fn group_by<K: Ord>(&self, key: impl Fn(&LedgerEntry) -> K) -> BTreeMap<K, MinuteDelta> {
        let mut out: BTreeMap<K, MinuteDelta> = BTreeMap::new();
        for e in self.entries() {
            let slot = out.entry(key(e)).or_default();
            *slot = MinuteDelta::new(slot.get().saturating_add(e.amount().get()));
        }
        out
    }

    /// Net minutes per volunteer.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two 4-hour credits
    /// let by = ledger.totals().by_volunteer();
    /// assert_eq!(by.len(), 1);
    /// assert_eq!(by.get(&doc_fixtures::volunteer_id()), Some(&MinuteDelta::new(480)));
    /// ```
    pub fn by_volunteer(&self) -> BTreeMap<VolunteerId, MinuteDelta> {
        self.group_by(LedgerEntry::volunteer)
    }

    /// Net minutes per organiser.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two 4-hour credits
    /// let by = ledger.totals().by_organiser();
    /// assert_eq!(by.into_iter().collect::<Vec<_>>(), [(doc_fixtures::organiser(), MinuteDelta::new(480))]);
    /// ```
    pub fn by_organiser(&self) -> BTreeMap<OrgId, MinuteDelta> {
        self.group_by(LedgerEntry::organiser)
    }

    /// Net minutes per provenance.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, MinuteDelta, Provenance};
    /// let (ledger, _) = doc_fixtures::certified_ledger(); // two attested manual entries
    /// let by = ledger.totals().by_provenance();
    /// assert_eq!(by.into_iter().collect::<Vec<_>>(), [(Provenance::AttestedManual, MinuteDelta::new(480))]);
    /// ```
    pub fn by_provenance(&self) -> BTreeMap<Provenance, MinuteDelta> {
        self.group_by(LedgerEntry::provenance)
    }
}
