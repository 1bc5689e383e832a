//! Star ladders (星级评定, STAR-01..04), the annual minimum (VOL-09) and points per hour
//! (积分, HRS-06): awards computed from the hour ledger, thresholds kept as data.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, TimeDelta};

use crate::{
    ActivityIndex, CategoryKey, HourLedger, MinuteDelta, Minutes, Provenance, RecordKind,
    VolunteerId,
};

/// The longest star-volunteer number or reason accepted, in characters.
pub const MAX_AWARD_TEXT: usize = 200;

/// Returned when a ladder, a points rule or a star application is rejected. Nothing changes.
///
/// # Example
/// ```
/// use volunteer_service::StarLadder;
/// let err = StarLadder::new("x", vec![]).unwrap_err();
/// assert_eq!(err.to_string(), "star ladder x has no tiers");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AwardError {
    /// A ladder has no tiers.
    #[error("star ladder {ladder} has no tiers")]
    NoTiers {
        /// The ladder's name.
        ladder: String,
    },
    /// A ladder's tiers are not strictly increasing in both distinction and threshold, or a
    /// threshold is zero.
    #[error(
        "star ladder {ladder} tier {distinction} at {threshold} min must be above the previous tier and above zero"
    )]
    TierOrder {
        /// The ladder's name.
        ladder: String,
        /// The offending tier's distinction.
        distinction: Distinction,
        /// Its threshold in minutes.
        threshold: u32,
    },
    /// A ladder counts no provenance.
    #[error("star ladder {ladder} counts no provenance")]
    NoProvenance {
        /// The ladder's name.
        ladder: String,
    },
    /// A name, number or reason is blank or too long.
    #[error("{what} is blank or longer than 200 characters")]
    Text {
        /// What the text is for.
        what: &'static str,
    },
    /// A star or a medal outside its range.
    #[error("distinction {kind} {rank} is out of range 1..={max}")]
    Rank {
        /// Star or medal.
        kind: &'static str,
        /// The rank given.
        rank: u8,
        /// The highest rank.
        max: u8,
    },
    /// The volunteer's counted hours do not reach the tier applied for (STAR-02).
    #[error(
        "volunteer {volunteer} has {served} counted minutes: {distinction} needs {required} minutes"
    )]
    NotEligible {
        /// The applicant.
        volunteer: VolunteerId,
        /// The distinction applied for.
        distinction: Distinction,
        /// Minutes counted by the ladder.
        served: i64,
        /// Minutes required.
        required: u32,
    },
    /// The ladder has no such distinction.
    #[error("star ladder {ladder} has no tier {distinction}")]
    UnknownTier {
        /// The ladder's name.
        ladder: String,
        /// The distinction.
        distinction: Distinction,
    },
    /// The application is not in a state that allows the action.
    #[error("star application is {state}: cannot {action}")]
    Transition {
        /// The current state.
        state: &'static str,
        /// The refused action.
        action: &'static str,
    },
    /// The public notice has not run its course (STAR-02).
    #[error("public notice runs until {until}: cannot award at {at}")]
    NoticeRunning {
        /// When the notice ends.
        until: DateTime<FixedOffset>,
        /// When the award was attempted.
        at: DateTime<FixedOffset>,
    },
    /// A points rate is zero or a notice period is zero days.
    #[error("{what} must be positive")]
    NotPositive {
        /// What was zero.
        what: &'static str,
    },
}

fn text(s: &str, what: &'static str) -> Result<String, AwardError> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > MAX_AWARD_TEXT {
        return Err(AwardError::Text { what });
    }
    Ok(t.to_owned())
}

/// A rung of a ladder: 1–5 stars (星级), a medal (奖章) of rank 1–3, or a lifetime award.
///
/// Ordered stars < medals < lifetime. Serialised as `{"star": 3}`, `{"medal": 1}` or
/// `"lifetime"`.
///
/// # Example
/// ```
/// use volunteer_service::Distinction;
/// assert!(Distinction::star(5)? < Distinction::medal(1)?);
/// assert_eq!(Distinction::star(3)?.to_string(), "3★");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        rename_all = "snake_case",
        try_from = "DistinctionWire",
        into = "DistinctionWire"
    )
)]
pub enum Distinction {
    /// A star level, 1 to 5.
    Star(u8),
    /// A medal, rank 1 to 3.
    Medal(u8),
    /// A lifetime award (终身荣誉).
    Lifetime,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum DistinctionWire {
    Star(u8),
    Medal(u8),
    Lifetime,
}

#[cfg(feature = "serde")]
impl TryFrom<DistinctionWire> for Distinction {
    type Error = AwardError;
    fn try_from(w: DistinctionWire) -> Result<Self, AwardError> {
        match w {
            DistinctionWire::Star(n) => Self::star(n),
            DistinctionWire::Medal(n) => Self::medal(n),
            DistinctionWire::Lifetime => Ok(Self::Lifetime),
        }
    }
}

#[cfg(feature = "serde")]
impl From<Distinction> for DistinctionWire {
    fn from(d: Distinction) -> Self {
        match d {
            Distinction::Star(n) => Self::Star(n),
            Distinction::Medal(n) => Self::Medal(n),
            Distinction::Lifetime => Self::Lifetime,
        }
    }
}

impl Distinction {
    /// A star level.
    ///
    /// # Errors
    /// [`AwardError::Rank`] unless `n` is 1 to 5.
    ///
    /// # Example
    /// See [`Distinction`].
    pub fn star(n: u8) -> Result<Self, AwardError> {
        if (1..=5).contains(&n) {
            Ok(Self::Star(n))
        } else {
            Err(AwardError::Rank {
                kind: "star",
                rank: n,
                max: 5,
            })
        }
    }

    /// A medal.
    ///
    /// # Errors
    /// [`AwardError::Rank`] unless `n` is 1 to 3.
    ///
    /// # Example
    /// See [`Distinction`].
    pub fn medal(n: u8) -> Result<Self, AwardError> {
        if (1..=3).contains(&n) {
            Ok(Self::Medal(n))
        } else {
            Err(AwardError::Rank {
                kind: "medal",
                rank: n,
                max: 3,
            })
        }
    }
}

impl fmt::Display for Distinction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Star(n) => write!(f, "{n}★"),
            Self::Medal(n) => write!(f, "medal {n}"),
            Self::Lifetime => f.write_str("lifetime award"),
        }
    }
}

/// The level of the body that awards a tier (STAR-02: in Fujian 1–2★ by the county
/// association, 3–4★ by the city, 5★ by the province).
///
/// # Example
/// ```
/// use volunteer_service::AwardingLevel;
/// assert!(AwardingLevel::County < AwardingLevel::Province);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum AwardingLevel {
    /// A county or district (区县) body.
    County,
    /// A city (地市) body.
    City,
    /// A provincial body.
    Province,
    /// A national body.
    National,
}

/// One tier of a ladder: a distinction, the counted minutes it needs, and who awards it.
///
/// Serialised as `{"distinction", "threshold", "awarded_by"}` (threshold in minutes).
///
/// # Example
/// ```
/// use volunteer_service::{AwardingLevel, Distinction, Minutes, StarTier};
/// let t = StarTier::new(Distinction::star(1)?, Minutes::from_hm(100, 0)?, AwardingLevel::County);
/// assert_eq!(t.threshold().hm(), (100, 0));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StarTier {
    distinction: Distinction,
    threshold: Minutes,
    awarded_by: AwardingLevel,
}

impl StarTier {
    /// A tier.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{AwardingLevel, Distinction, Minutes, StarTier};
    /// let t = StarTier::new(Distinction::medal(1)?, Minutes::from_hm(2000, 0)?, AwardingLevel::City);
    /// assert_eq!((t.distinction(), t.threshold().get(), t.awarded_by()),
    ///     (Distinction::medal(1)?, 120_000, AwardingLevel::City));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn new(
        distinction: Distinction,
        threshold: Minutes,
        awarded_by: AwardingLevel,
    ) -> Self {
        Self {
            distinction,
            threshold,
            awarded_by,
        }
    }
    /// The distinction.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Distinction, StarLadder};
    /// let top = StarLadder::national().tiers().last().copied().expect("five tiers");
    /// assert_eq!(top.distinction(), Distinction::star(5)?);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn distinction(&self) -> Distinction {
        self.distinction
    }
    /// The counted minutes it needs.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, StarLadder};
    /// let first = StarLadder::national().tiers()[0];
    /// assert_eq!(first.threshold(), Minutes::from_hm(100, 0)?);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn threshold(&self) -> Minutes {
        self.threshold
    }
    /// The level of the awarding body.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{AwardingLevel, Distinction, StarLadder};
    /// let national = StarLadder::national();
    /// assert_eq!(national.tier(Distinction::star(2)?).map(|t| t.awarded_by()), Some(AwardingLevel::County));
    /// assert_eq!(national.tier(Distinction::star(5)?).map(|t| t.awarded_by()), Some(AwardingLevel::Province));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn awarded_by(&self) -> AwardingLevel {
        self.awarded_by
    }
}

const fn h(hours: u32) -> Minutes {
    Minutes::new(hours * 60)
}

/// A star ladder as data (STAR-03): tiers by counted cumulative hours, which provenances
/// count, and optionally a star cycle (Zhangjiagang restarts its 1–5★ ladder every 300 h).
///
/// Valid by construction: a name, at least one tier, tiers strictly increasing in both
/// distinction and threshold, thresholds above zero, at least one counted provenance. Only
/// [`RecordKind::Service`] counts (training and drills are kept apart, HRS-05, HRS-07).
///
/// Serialised as `{"name", "tiers": [StarTier…], "counts": [Provenance…], "cycle": minutes |
/// null}`; deserialisation validates.
///
/// # Example
/// ```
/// use volunteer_service::{Distinction, Minutes, StarLadder};
/// let national = StarLadder::national();
/// assert_eq!(national.reached(Minutes::from_hm(650, 0)?), Some(Distinction::star(3)?));
/// assert_eq!(national.reached(Minutes::from_hm(99, 59)?), None);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "LadderWire", into = "LadderWire")
)]
pub struct StarLadder {
    name: String,
    tiers: Vec<StarTier>,
    counts: BTreeSet<Provenance>,
    cycle: Option<Minutes>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct LadderWire {
    name: String,
    tiers: Vec<StarTier>,
    counts: BTreeSet<Provenance>,
    cycle: Option<Minutes>,
}

#[cfg(feature = "serde")]
impl TryFrom<LadderWire> for StarLadder {
    type Error = AwardError;
    fn try_from(w: LadderWire) -> Result<Self, AwardError> {
        let l = Self::new(&w.name, w.tiers)?.counting(w.counts)?;
        match w.cycle {
            Some(c) => l.with_cycle(c),
            None => Ok(l),
        }
    }
}

#[cfg(feature = "serde")]
impl From<StarLadder> for LadderWire {
    fn from(l: StarLadder) -> Self {
        Self {
            name: l.name,
            tiers: l.tiers,
            counts: l.counts,
            cycle: l.cycle,
        }
    }
}

impl StarLadder {
    /// A ladder counting every provenance, without a cycle.
    ///
    /// # Errors
    /// [`AwardError::Text`] for a blank name, [`AwardError::NoTiers`],
    /// [`AwardError::TierOrder`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{AwardingLevel, Distinction, Minutes, StarLadder, StarTier};
    /// let tiers = vec![StarTier::new(Distinction::star(1)?, Minutes::from_hm(50, 0)?, AwardingLevel::County)];
    /// assert_eq!(StarLadder::new("longquanyi", tiers)?.tiers().len(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(name: &str, tiers: Vec<StarTier>) -> Result<Self, AwardError> {
        let name = text(name, "ladder name")?;
        if tiers.is_empty() {
            return Err(AwardError::NoTiers { ladder: name });
        }
        let mut prev: Option<&StarTier> = None;
        for t in &tiers {
            let above =
                prev.is_none_or(|p| p.distinction < t.distinction && p.threshold < t.threshold);
            if !above || t.threshold == Minutes::ZERO {
                return Err(AwardError::TierOrder {
                    ladder: name,
                    distinction: t.distinction,
                    threshold: t.threshold.get(),
                });
            }
            prev = Some(t);
        }
        Ok(Self {
            name,
            tiers,
            counts: Provenance::ALL.into_iter().collect(),
            cycle: None,
        })
    }

    /// The same ladder counting only `provenances`.
    ///
    /// # Errors
    /// [`AwardError::NoProvenance`] if the set is empty.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Provenance, StarLadder};
    /// let verified = StarLadder::national().counting([Provenance::VerifiedCheckIn])?;
    /// assert_eq!(verified.counts().len(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn counting(
        mut self,
        provenances: impl IntoIterator<Item = Provenance>,
    ) -> Result<Self, AwardError> {
        let counts: BTreeSet<Provenance> = provenances.into_iter().collect();
        if counts.is_empty() {
            return Err(AwardError::NoProvenance { ladder: self.name });
        }
        self.counts = counts;
        Ok(self)
    }

    /// The same ladder with its star tiers restarting every `cycle` counted minutes.
    ///
    /// # Errors
    /// [`AwardError::NotPositive`] for a zero cycle.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, StarLadder};
    /// let l = StarLadder::national().with_cycle(Minutes::from_hm(1500, 0)?)?;
    /// assert_eq!(l.cycle(), Some(Minutes::from_hm(1500, 0)?));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_cycle(mut self, cycle: Minutes) -> Result<Self, AwardError> {
        if cycle == Minutes::ZERO {
            return Err(AwardError::NotPositive { what: "star cycle" });
        }
        self.cycle = Some(cycle);
        Ok(self)
    }

    fn preset(name: &str, tiers: &[(Distinction, u32, AwardingLevel)]) -> Self {
        let tiers = tiers
            .iter()
            .map(|&(d, hours, by)| StarTier::new(d, h(hours), by))
            .collect();
        // The presets are constants that satisfy every check.
        Self::new(name, tiers).unwrap_or_else(|_| Self {
            name: name.to_owned(),
            tiers: Vec::new(),
            counts: BTreeSet::new(),
            cycle: None,
        })
    }

    /// The national-style default (STAR-01): 1★ 100 h, 2★ 300 h, 3★ 600 h, 4★ 1,000 h,
    /// 5★ 1,500 h; awarded 1–2★ by the county, 3–4★ by the city, 5★ by the province
    /// (the Fujian practice, STAR-02).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::StarLadder;
    /// assert_eq!(StarLadder::national().tiers().len(), 5);
    /// ```
    pub fn national() -> Self {
        use AwardingLevel::{City, County, Province};
        use Distinction::Star;
        Self::preset(
            "national",
            &[
                (Star(1), 100, County),
                (Star(2), 300, County),
                (Star(3), 600, City),
                (Star(4), 1000, City),
                (Star(5), 1500, Province),
            ],
        )
    }

    /// Beijing (STAR-03): 100/200/500/800/1,000 h for 1–5★; medals at 2,000, 3,000 and
    /// 5,000 h (awarding levels as in [`national`](Self::national), medals by the city).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Distinction, Minutes, StarLadder};
    /// assert_eq!(StarLadder::beijing().reached(Minutes::from_hm(5000, 0)?), Some(Distinction::medal(3)?));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn beijing() -> Self {
        use AwardingLevel::{City, County, Province};
        use Distinction::{Medal, Star};
        Self::preset(
            "beijing",
            &[
                (Star(1), 100, County),
                (Star(2), 200, County),
                (Star(3), 500, City),
                (Star(4), 800, City),
                (Star(5), 1000, Province),
                (Medal(1), 2000, City),
                (Medal(2), 3000, City),
                (Medal(3), 5000, City),
            ],
        )
    }

    /// Zhangjiagang, Jiangsu (STAR-03): 30/60/100/200/300 h for 1–5★, star cycles per
    /// 300 h, medals at 600, 1,000 and 1,500 h, a lifetime award at 3,000 h (all awarded in
    /// the county-level city).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Distinction, Minutes, StarLadder};
    /// assert_eq!(StarLadder::zhangjiagang().reached(Minutes::from_hm(3000, 0)?), Some(Distinction::Lifetime));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn zhangjiagang() -> Self {
        use AwardingLevel::County;
        use Distinction::{Lifetime, Medal, Star};
        let l = Self::preset(
            "zhangjiagang",
            &[
                (Star(1), 30, County),
                (Star(2), 60, County),
                (Star(3), 100, County),
                (Star(4), 200, County),
                (Star(5), 300, County),
                (Medal(1), 600, County),
                (Medal(2), 1000, County),
                (Medal(3), 1500, County),
                (Lifetime, 3000, County),
            ],
        );
        l.clone().with_cycle(h(300)).unwrap_or(l)
    }

    /// The ladder's name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::StarLadder;
    /// assert_eq!(StarLadder::beijing().name(), "beijing");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The tiers, lowest first.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Distinction, StarLadder};
    /// let tiers = StarLadder::beijing().tiers().to_vec();
    /// assert_eq!(tiers.len(), 8); // 1–5★ and three medals
    /// assert!(tiers.windows(2).all(|w| w[0].threshold() < w[1].threshold())); // lowest first
    /// assert_eq!(tiers[5].distinction(), Distinction::medal(1)?);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn tiers(&self) -> &[StarTier] {
        &self.tiers
    }
    /// The provenances that count.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Provenance, StarLadder};
    /// let all = StarLadder::national();
    /// assert_eq!(all.counts().len(), Provenance::ALL.len()); // every provenance by default
    /// let checked = StarLadder::national().counting([Provenance::VerifiedCheckIn])?;
    /// assert!(!checked.counts().contains(&Provenance::AttestedManual));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn counts(&self) -> &BTreeSet<Provenance> {
        &self.counts
    }
    /// The star cycle, if any.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, StarLadder};
    /// assert_eq!(StarLadder::national().cycle(), None);
    /// assert_eq!(StarLadder::zhangjiagang().cycle(), Some(Minutes::from_hm(300, 0)?));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn cycle(&self) -> Option<Minutes> {
        self.cycle
    }

    /// The tier of `distinction`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Distinction, Minutes, StarLadder};
    /// let national = StarLadder::national();
    /// assert_eq!(national.tier(Distinction::star(3)?).map(|t| t.threshold()), Some(Minutes::from_hm(600, 0)?));
    /// assert!(national.tier(Distinction::medal(1)?).is_none()); // no medals on this ladder
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn tier(&self, distinction: Distinction) -> Option<&StarTier> {
        self.tiers.iter().find(|t| t.distinction == distinction)
    }

    /// The highest distinction reached with `counted` minutes (cumulative, ignoring the
    /// cycle).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Distinction, Minutes, StarLadder};
    /// let national = StarLadder::national();
    /// assert_eq!(national.reached(Minutes::from_hm(99, 59)?), None);
    /// assert_eq!(national.reached(Minutes::from_hm(350, 0)?), Some(Distinction::star(2)?));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn reached(&self, counted: Minutes) -> Option<Distinction> {
        self.tiers
            .iter()
            .take_while(|t| t.threshold <= counted)
            .last()
            .map(|t| t.distinction)
    }

    /// The standing for `counted` minutes: the highest distinction, the star cycles
    /// completed and the star level within the current cycle (equal to the cumulative
    /// star level when the ladder has no cycle).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Distinction, Minutes, StarLadder};
    /// let s = StarLadder::zhangjiagang().standing(Minutes::from_hm(340, 0)?);
    /// assert_eq!(s.highest(), Some(Distinction::star(5)?));
    /// assert_eq!((s.cycles(), s.star_in_cycle()), (1, Some(Distinction::star(1)?)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn standing(&self, counted: Minutes) -> Standing {
        let (cycles, rest) = match self.cycle {
            Some(c) if c.get() > 0 => (
                counted.get() / c.get(),
                Minutes::new(counted.get() % c.get()),
            ),
            _ => (0, counted),
        };
        let star_in_cycle = self
            .tiers
            .iter()
            .filter(|t| matches!(t.distinction, Distinction::Star(_)))
            .take_while(|t| t.threshold <= rest)
            .last()
            .map(|t| t.distinction);
        Standing {
            counted,
            highest: self.reached(counted),
            cycles,
            star_in_cycle,
        }
    }

    /// The volunteer's counted minutes in `ledger`: net service credits whose provenance
    /// counts, known now; negative nets read as zero.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, HourLedger, Minutes, StarLadder};
    /// assert_eq!(StarLadder::national().counted(&HourLedger::new(), doc_fixtures::volunteer_id()), Minutes::ZERO);
    /// ```
    pub fn counted(&self, ledger: &HourLedger, volunteer: VolunteerId) -> Minutes {
        let net = ledger
            .totals()
            .kind(RecordKind::Service)
            .entries()
            .filter(|e| e.volunteer() == volunteer && self.counts.contains(&e.provenance()))
            .fold(0_i64, |acc, e| acc.saturating_add(e.amount().get()));
        net_to_counted(net)
    }

    /// Every volunteer's counted minutes in one pass over the ledger (what
    /// [`counted`](Self::counted) gives for one volunteer), for volunteers with any counting
    /// entry. Use it to rank or count a whole population: calling `counted` per volunteer
    /// walks the ledger once each.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, StarLadder};
    /// let (ledger, volunteer) = doc_fixtures::certified_ledger();
    /// let ladder = StarLadder::national();
    /// let all = ladder.counted_all(&ledger);
    /// assert_eq!(all[&volunteer.id()], ladder.counted(&ledger, volunteer.id()));
    /// ```
    pub fn counted_all(&self, ledger: &HourLedger) -> BTreeMap<VolunteerId, Minutes> {
        let mut net: BTreeMap<VolunteerId, i64> = BTreeMap::new();
        for e in ledger
            .totals()
            .kind(RecordKind::Service)
            .entries()
            .filter(|e| self.counts.contains(&e.provenance()))
        {
            let sum = net.entry(e.volunteer()).or_default();
            *sum = sum.saturating_add(e.amount().get());
        }
        net.into_iter()
            .map(|(v, minutes)| (v, net_to_counted(minutes)))
            .collect()
    }
}

/// Counted minutes from a net amount: negative nets read as zero, and the total saturates.
fn net_to_counted(net: i64) -> Minutes {
    Minutes::new(u32::try_from(net.max(0)).unwrap_or(u32::MAX))
}

/// Where a volunteer stands on a ladder (see [`StarLadder::standing`]).
///
/// Serialised as `{"counted", "highest", "cycles", "star_in_cycle"}`.
///
/// # Example
/// ```
/// use volunteer_service::{Minutes, StarLadder};
/// assert_eq!(StarLadder::national().standing(Minutes::ZERO).highest(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Standing {
    counted: Minutes,
    highest: Option<Distinction>,
    cycles: u32,
    star_in_cycle: Option<Distinction>,
}

impl Standing {
    /// The counted minutes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, StarLadder};
    /// let counted = Minutes::from_hm(340, 0)?;
    /// assert_eq!(StarLadder::zhangjiagang().standing(counted).counted(), counted);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn counted(&self) -> Minutes {
        self.counted
    }
    /// The highest distinction reached.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Distinction, Minutes, StarLadder};
    /// let s = StarLadder::beijing().standing(Minutes::from_hm(2500, 0)?);
    /// assert_eq!(s.highest(), Some(Distinction::medal(1)?));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn highest(&self) -> Option<Distinction> {
        self.highest
    }
    /// Star cycles completed.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, StarLadder};
    /// // Zhangjiagang counts star cycles of 300 h.
    /// assert_eq!(StarLadder::zhangjiagang().standing(Minutes::from_hm(650, 0)?).cycles(), 2);
    /// assert_eq!(StarLadder::national().standing(Minutes::from_hm(650, 0)?).cycles(), 0); // no cycle
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn cycles(&self) -> u32 {
        self.cycles
    }
    /// The star level in the current cycle.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Distinction, Minutes, StarLadder};
    /// // 650 h on Zhangjiagang's 300-h cycles: 2 cycles done, 50 h into the third.
    /// let s = StarLadder::zhangjiagang().standing(Minutes::from_hm(650, 0)?);
    /// assert_eq!(s.star_in_cycle(), Some(Distinction::star(1)?));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn star_in_cycle(&self) -> Option<Distinction> {
        self.star_in_cycle
    }
}

/// The state of a [`StarApplication`] (STAR-02): `Applied → Publicised → Awarded |
/// Rejected`.
///
/// Serialised as `{"applied": {"at"}}`, `{"publicised": {"from", "until"}}`,
/// `{"awarded": {"at", "number"}}` or `{"rejected": {"at", "reason"}}`.
///
/// # Example
/// ```
/// use volunteer_service::StarApplicationState;
/// # let at = chrono::DateTime::parse_from_rfc3339("2021-07-21T09:00:00+08:00").unwrap();
/// assert_eq!(StarApplicationState::Applied { at }.name(), "applied");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum StarApplicationState {
    /// Applied for, hours checked against the ledger.
    Applied {
        /// When.
        at: DateTime<FixedOffset>,
    },
    /// Under public notice (公示).
    Publicised {
        /// Notice start.
        from: DateTime<FixedOffset>,
        /// Notice end.
        until: DateTime<FixedOffset>,
    },
    /// Awarded, with the star-volunteer number, which never changes (STAR-04).
    Awarded {
        /// When.
        at: DateTime<FixedOffset>,
        /// The star-volunteer number.
        number: String,
    },
    /// Rejected with a reason.
    Rejected {
        /// When.
        at: DateTime<FixedOffset>,
        /// Why.
        reason: String,
    },
}

impl StarApplicationState {
    /// The state's name.
    ///
    /// # Example
    /// See [`StarApplicationState`].
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Applied { .. } => "applied",
            Self::Publicised { .. } => "publicised",
            Self::Awarded { .. } => "awarded",
            Self::Rejected { .. } => "rejected",
        }
    }
}

/// An application for a star or medal (STAR-02): hours are checked against the ledger on
/// application, the awarding level comes from the ladder's tier, a public notice runs before
/// the award, and the star-volunteer number given on award never changes (STAR-04). A refused
/// transition returns an error and leaves the application unchanged.
///
/// Serialised as `{"volunteer", "ladder", "distinction", "awarding_level", "counted",
/// "state"}`.
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, Distinction, StarApplication, StarLadder, StarTier,
///     AwardingLevel, Minutes};
/// let ladder = StarLadder::new("tiny", vec![StarTier::new(Distinction::star(1)?, Minutes::new(60), AwardingLevel::County)])?;
/// let ledger = doc_fixtures::ledger(); // no credits yet
/// let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
/// assert!(StarApplication::apply(&ladder, &ledger, doc_fixtures::volunteer_id(), Distinction::star(1)?, at).is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StarApplication {
    volunteer: VolunteerId,
    ladder: String,
    distinction: Distinction,
    awarding_level: AwardingLevel,
    counted: Minutes,
    state: StarApplicationState,
}

impl StarApplication {
    /// Applies for `distinction` on `ladder` with the volunteer's counted hours in `ledger`.
    ///
    /// # Errors
    /// [`AwardError::UnknownTier`] if the ladder has no such tier;
    /// [`AwardError::NotEligible`] if the counted minutes are below its threshold.
    ///
    /// # Example
    /// See [`StarApplication`].
    pub fn apply(
        ladder: &StarLadder,
        ledger: &HourLedger,
        volunteer: VolunteerId,
        distinction: Distinction,
        at: DateTime<FixedOffset>,
    ) -> Result<Self, AwardError> {
        let tier = ladder
            .tier(distinction)
            .ok_or_else(|| AwardError::UnknownTier {
                ladder: ladder.name.clone(),
                distinction,
            })?;
        let counted = ladder.counted(ledger, volunteer);
        if counted < tier.threshold {
            return Err(AwardError::NotEligible {
                volunteer,
                distinction,
                served: i64::from(counted.get()),
                required: tier.threshold.get(),
            });
        }
        Ok(Self {
            volunteer,
            ladder: ladder.name.clone(),
            distinction,
            awarding_level: tier.awarded_by,
            counted,
            state: StarApplicationState::Applied { at },
        })
    }

    /// The applicant.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, AwardingLevel, Distinction, Minutes, StarApplication, StarLadder, StarTier};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // 8 hours of attested service
    /// # let tiny = StarLadder::new("tiny", vec![StarTier::new(Distinction::star(1)?, Minutes::new(60), AwardingLevel::County)])?;
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// let app = StarApplication::apply(&tiny, &ledger, doc_fixtures::volunteer_id(), Distinction::star(1)?, at)?;
    /// assert_eq!(app.volunteer(), doc_fixtures::volunteer_id());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn volunteer(&self) -> VolunteerId {
        self.volunteer
    }
    /// The distinction applied for.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, AwardingLevel, Distinction, Minutes, StarApplication, StarLadder, StarTier};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // 8 hours of attested service
    /// # let tiny = StarLadder::new("tiny", vec![StarTier::new(Distinction::star(1)?, Minutes::new(60), AwardingLevel::County)])?;
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// let app = StarApplication::apply(&tiny, &ledger, doc_fixtures::volunteer_id(), Distinction::star(1)?, at)?;
    /// assert_eq!(app.distinction(), Distinction::star(1)?);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn distinction(&self) -> Distinction {
        self.distinction
    }
    /// The level of the body that awards it.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, AwardingLevel, Distinction, Minutes, StarApplication, StarLadder, StarTier};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // 8 hours of attested service
    /// # let tiny = StarLadder::new("tiny", vec![StarTier::new(Distinction::star(1)?, Minutes::new(60), AwardingLevel::County)])?;
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// // The tiny ladder's 1★ is awarded by the county.
    /// let app = StarApplication::apply(&tiny, &ledger, doc_fixtures::volunteer_id(), Distinction::star(1)?, at)?;
    /// assert_eq!(app.awarding_level(), AwardingLevel::County);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn awarding_level(&self) -> AwardingLevel {
        self.awarding_level
    }
    /// The counted minutes at application.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, AwardingLevel, Distinction, Minutes, StarApplication, StarLadder, StarTier};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // 8 hours of attested service
    /// # let tiny = StarLadder::new("tiny", vec![StarTier::new(Distinction::star(1)?, Minutes::new(60), AwardingLevel::County)])?;
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// let app = StarApplication::apply(&tiny, &ledger, doc_fixtures::volunteer_id(), Distinction::star(1)?, at)?;
    /// assert_eq!(app.counted(), Minutes::new(480));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn counted(&self) -> Minutes {
        self.counted
    }
    /// The current state.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, AwardingLevel, Distinction, Minutes, StarApplication,
    ///     StarApplicationState, StarLadder, StarTier};
    /// # let (ledger, _) = doc_fixtures::certified_ledger(); // 8 hours of attested service
    /// # let tiny = StarLadder::new("tiny", vec![StarTier::new(Distinction::star(1)?, Minutes::new(60), AwardingLevel::County)])?;
    /// # let at = doc_fixtures::at("2021-08-01T09:00:00+08:00");
    /// let mut app = StarApplication::apply(&tiny, &ledger, doc_fixtures::volunteer_id(), Distinction::star(1)?, at)?;
    /// assert_eq!(app.state(), &StarApplicationState::Applied { at });
    /// app.publicise(at, 5)?;
    /// assert_eq!(app.state().name(), "publicised");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn state(&self) -> &StarApplicationState {
        &self.state
    }

    /// Starts the public notice for `days` days (Guangdong: at least 5 working days).
    ///
    /// # Errors
    /// [`AwardError::Transition`] unless applied; [`AwardError::NotPositive`] for 0 days.
    ///
    /// # Example
    /// See [`StarApplication`].
    pub fn publicise(&mut self, from: DateTime<FixedOffset>, days: u32) -> Result<(), AwardError> {
        if !matches!(self.state, StarApplicationState::Applied { .. }) {
            return Err(self.refuse("publicise"));
        }
        if days == 0 {
            return Err(AwardError::NotPositive {
                what: "notice period",
            });
        }
        let until = from + TimeDelta::days(i64::from(days));
        self.state = StarApplicationState::Publicised { from, until };
        Ok(())
    }

    /// Awards the distinction with its star-volunteer number once the notice has run.
    ///
    /// # Errors
    /// [`AwardError::Transition`] unless publicised; [`AwardError::NoticeRunning`] before
    /// the notice ends; [`AwardError::Text`] for a blank number.
    ///
    /// # Example
    /// See [`StarApplication`].
    pub fn award(&mut self, at: DateTime<FixedOffset>, number: &str) -> Result<(), AwardError> {
        let StarApplicationState::Publicised { until, .. } = self.state else {
            return Err(self.refuse("award"));
        };
        if at < until {
            return Err(AwardError::NoticeRunning { until, at });
        }
        let number = text(number, "star-volunteer number")?;
        self.state = StarApplicationState::Awarded { at, number };
        Ok(())
    }

    /// Rejects the application (for example after an objection during the notice).
    ///
    /// # Errors
    /// [`AwardError::Transition`] once awarded or rejected; [`AwardError::Text`] for a
    /// blank reason.
    ///
    /// # Example
    /// See [`StarApplication`].
    pub fn reject(&mut self, at: DateTime<FixedOffset>, reason: &str) -> Result<(), AwardError> {
        if matches!(
            self.state,
            StarApplicationState::Awarded { .. } | StarApplicationState::Rejected { .. }
        ) {
            return Err(self.refuse("reject"));
        }
        let reason = text(reason, "rejection reason")?;
        self.state = StarApplicationState::Rejected { at, reason };
        Ok(())
    }

    fn refuse(&self, action: &'static str) -> AwardError {
        AwardError::Transition {
            state: self.state.name(),
            action,
        }
    }
}

/// An optional annual minimum of service (VOL-09: the CYL scheme asks 20 h a year).
///
/// A service counts in the year of its local start date (in the record's own offset).
///
/// # Example
/// ```
/// use volunteer_service::{doc_fixtures, AnnualMinimum, HourLedger, Minutes};
/// let min = AnnualMinimum::cyl();
/// assert_eq!(min.shortfall(&HourLedger::new(), doc_fixtures::volunteer_id(), 2021), Some(Minutes::from_hm(20, 0)?));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AnnualMinimum {
    minutes: Minutes,
}

impl AnnualMinimum {
    /// A minimum of `minutes` a year.
    ///
    /// # Example
    /// See [`AnnualMinimum`].
    pub const fn new(minutes: Minutes) -> Self {
        Self { minutes }
    }

    /// The CYL registered-volunteer minimum: 20 h a year.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{AnnualMinimum, Minutes};
    /// assert_eq!(AnnualMinimum::cyl().minutes(), Minutes::from_hm(20, 0)?);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn cyl() -> Self {
        Self::new(h(20))
    }

    /// The minimum.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{AnnualMinimum, Minutes};
    /// assert_eq!(AnnualMinimum::new(Minutes::new(600)).minutes(), Minutes::new(600));
    /// ```
    pub const fn minutes(&self) -> Minutes {
        self.minutes
    }

    /// Net service minutes the volunteer served in `year` (known now).
    ///
    /// # Example
    /// See [`AnnualMinimum`].
    pub fn served_in(&self, ledger: &HourLedger, volunteer: VolunteerId, year: i32) -> MinuteDelta {
        MinuteDelta::new(
            ledger
                .totals()
                .entries()
                .filter(|e| e.volunteer() == volunteer && e.served().start().year() == year)
                .fold(0_i64, |acc, e| acc.saturating_add(e.amount().get())),
        )
    }

    /// The minutes still missing in `year`, or `None` once the minimum is met.
    ///
    /// # Example
    /// See [`AnnualMinimum`].
    pub fn shortfall(
        &self,
        ledger: &HourLedger,
        volunteer: VolunteerId,
        year: i32,
    ) -> Option<Minutes> {
        let served = self.served_in(ledger, volunteer, year).get().max(0);
        let missing = i64::from(self.minutes.get()) - served;
        u32::try_from(missing)
            .ok()
            .filter(|m| *m > 0)
            .map(Minutes::new)
    }
}

/// Points per hour by service category (积分, HRS-06): a separate currency from hours,
/// which stay the primary quantity.
///
/// A category takes the rate of its most specific ancestor-or-self in the rule, else the
/// default rate. Points for a number of minutes are `floor(minutes × rate / 60)`, in integer
/// arithmetic; over a ledger, minutes are netted per category first and then floored, so a
/// reversal takes back exactly what its credit gave and rounding never loses more than one
/// point per category.
///
/// Serialised as `{"default": points | null, "per_category": {category: points}}`; a zero
/// rate is refused on deserialisation.
///
/// # Example
/// ```
/// use volunteer_service::{Minutes, PointsRule};
/// let kunshan = PointsRule::kunshan(); // 10 points an hour
/// assert_eq!(kunshan.points(&"epidemic".parse()?, Minutes::new(95)), 15); // floor(95 × 10 / 60)
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "PointsWire", into = "PointsWire")
)]
pub struct PointsRule {
    default: Option<u32>,
    per_category: BTreeMap<CategoryKey, u32>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct PointsWire {
    default: Option<u32>,
    per_category: BTreeMap<CategoryKey, u32>,
}

#[cfg(feature = "serde")]
impl TryFrom<PointsWire> for PointsRule {
    type Error = AwardError;
    fn try_from(w: PointsWire) -> Result<Self, AwardError> {
        let base = match w.default {
            Some(d) => Self::flat(d)?,
            None => Self::default(),
        };
        w.per_category
            .into_iter()
            .try_fold(base, |r, (c, p)| r.with_rate(c, p))
    }
}

#[cfg(feature = "serde")]
impl From<PointsRule> for PointsWire {
    fn from(r: PointsRule) -> Self {
        Self {
            default: r.default,
            per_category: r.per_category,
        }
    }
}

impl PointsRule {
    /// A rule giving `points_per_hour` for every category.
    ///
    /// # Errors
    /// [`AwardError::NotPositive`] for zero.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::PointsRule;
    /// assert_eq!(PointsRule::flat(1)?, PointsRule::hailin());
    /// assert!(PointsRule::flat(0).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn flat(points_per_hour: u32) -> Result<Self, AwardError> {
        if points_per_hour == 0 {
            return Err(AwardError::NotPositive {
                what: "points per hour",
            });
        }
        Ok(Self {
            default: Some(points_per_hour),
            per_category: BTreeMap::new(),
        })
    }

    /// Kunshan: 1 h = 10 points.
    ///
    /// # Example
    /// See [`PointsRule`].
    pub fn kunshan() -> Self {
        Self {
            default: Some(10),
            per_category: BTreeMap::new(),
        }
    }

    /// Hailin: 1 h = 1 point.
    ///
    /// # Example
    /// See [`PointsRule`].
    pub fn hailin() -> Self {
        Self {
            default: Some(1),
            per_category: BTreeMap::new(),
        }
    }

    /// The same rule with `points_per_hour` for `category` and its sub-categories (Suzhou
    /// DB3205/T 1001-2020 style per-category coefficients).
    ///
    /// # Errors
    /// [`AwardError::NotPositive`] for zero.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::PointsRule;
    /// let r = PointsRule::hailin().with_rate("elderly".parse()?, 2)?;
    /// assert_eq!(r.rate(&"elderly.visits".parse()?), Some(2));
    /// assert_eq!(r.rate(&"epidemic".parse()?), Some(1));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn with_rate(
        mut self,
        category: CategoryKey,
        points_per_hour: u32,
    ) -> Result<Self, AwardError> {
        if points_per_hour == 0 {
            return Err(AwardError::NotPositive {
                what: "points per hour",
            });
        }
        self.per_category.insert(category, points_per_hour);
        Ok(self)
    }

    /// The rate for `category`, if any.
    ///
    /// # Example
    /// See [`PointsRule::with_rate`].
    pub fn rate(&self, category: &CategoryKey) -> Option<u32> {
        let mut key = Some(category.clone());
        while let Some(k) = key {
            if let Some(r) = self.per_category.get(&k) {
                return Some(*r);
            }
            key = k.parent();
        }
        self.default
    }

    /// Points for `minutes` in `category`: `floor(minutes × rate / 60)`; 0 without a rate.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Minutes, PointsRule};
    /// let r = PointsRule::kunshan(); // 10 points an hour
    /// let category = "epidemic.testing".parse()?;
    /// assert_eq!(r.points(&category, Minutes::from_hm(1, 30)?), 15);
    /// assert_eq!(r.points(&category, Minutes::new(5)), 0); // floor(5 × 10 / 60)
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn points(&self, category: &CategoryKey, minutes: Minutes) -> u64 {
        self.rate(category)
            .map_or(0, |r| u64::from(minutes.get()) * u64::from(r) / 60)
    }

    /// The volunteer's points from service in `ledger` (known now), netting minutes per
    /// category before flooring. Entries whose activity is not in `activities` earn none.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{doc_fixtures, ActivityIndex, HourLedger, PointsRule};
    /// let index = ActivityIndex::new([&doc_fixtures::activity()]);
    /// assert_eq!(PointsRule::kunshan().points_in(&HourLedger::new(), &index, doc_fixtures::volunteer_id()), 0);
    /// ```
    pub fn points_in(
        &self,
        ledger: &HourLedger,
        activities: &ActivityIndex,
        volunteer: VolunteerId,
    ) -> u64 {
        let mut per: BTreeMap<CategoryKey, i64> = BTreeMap::new();
        for e in ledger
            .totals()
            .entries()
            .filter(|e| e.volunteer() == volunteer)
        {
            if let Some(c) = activities.category_of(ledger, e) {
                let slot = per.entry(c.clone()).or_default();
                *slot = slot.saturating_add(e.amount().get());
            }
        }
        per.iter()
            .map(|(c, m)| {
                let m = Minutes::new(u32::try_from((*m).max(0)).unwrap_or(u32::MAX));
                self.points(c, m)
            })
            .fold(0_u64, u64::saturating_add)
    }
}

#[cfg(test)]
mod tests;
