//! Candidate index: finds the (volunteer, shift) pairs worth a full eligibility check.
//!
//! A match of 100,000 volunteers × 10,000 shifts has 10⁹ pairs; checking every one takes
//! minutes. The index rejects, per group of shifts with the same static requirements, the
//! pairs that [`Eligibility::check`] must reject, using only tests that decide a rule exactly
//! as the check does. It never accepts a pair: every pair it lets through still goes through
//! the full check (and scoring), so the candidate edges are the same as checking every pair.
//!
//! Rules decided here, each the way [`Eligibility::check`] decides it:
//! - **shift started** (`start <= at`), **no activity**, **uninsured hazardous work**: the
//!   whole shift;
//! - **registration** (VOL-03) and a **zero shift cap**: the volunteer, once;
//! - **qualifications** (FIT-02): only holders of a kind that includes the required one
//!   through the [`QualificationGraph`](crate::QualificationGraph) (validity dates are left to
//!   the check);
//! - **trainings** and **tags**: only holders of the id or tag;
//! - **jurisdiction** (属地化, required only): the home division lies within the required one;
//! - **distance** (就近化): a latitude band around the place, from volunteers sorted by
//!   latitude, then the same [`GeoPoint::distance_m`] the check uses; no place point or no
//!   home point fails as `DistanceUnknown` does;
//! - **age** on the shift's first local day: the shift's minimum age, the minor policy's
//!   minimum age and, for hazardous work, its hazardous minimum age, by a cut in volunteers
//!   sorted by birth date (age is monotone in the birth date);
//! - **availability** (VOL-01): [`Availability::covers`], computed once per distinct
//!   availability and span.
//!
//! Left to the full check: qualification and training validity dates, guardian consent and
//! accompaniment, held shifts (overlap, rest, caps).
//!
//! A query about one shift or one volunteer makes a single pass, which costs less than
//! building the index; [`ShiftScreen`] applies the same rules, with the same tests, to one
//! pair at a time.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::hash::{Hash, Hasher};

use chrono::{DateTime, FixedOffset, NaiveDate, Weekday};

use crate::{
    Activity, Availability, DivisionCode, Eligibility, GeoPoint, Jurisdiction, QualificationId,
    RegistrationRequirement, Shift, StatusKind, Tag, TimeSpan, TrainingId, Volunteer,
};

/// Metres per micro-degree of latitude on the check's sphere (`6 371 008.8 m · π / 180 / 10⁶
/// = 0.111 195 m`), rounded down, as a fraction `METRES_PER_MICRO_NUM / METRES_PER_MICRO_DEN`:
/// a lower bound, so the latitude band is never too narrow.
const METRES_PER_MICRO_NUM: u64 = 1_111;
const METRES_PER_MICRO_DEN: u64 = 10_000;

/// The static requirements that decide a shift's candidate set, apart from its span and
/// activity. Shifts with equal keys share one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey<'s> {
    qualifications: &'s [QualificationId],
    trainings: &'s [TrainingId],
    tags: &'s [Tag],
    jurisdiction: Option<DivisionCode>,
    /// The distance limit and the place's point (`None`: unknown, so nobody qualifies).
    distance: Option<(u32, Option<GeoPoint>)>,
}

/// Prunes (volunteer, shift) pairs that cannot be eligible. Built once per match.
#[derive(Debug)]
pub(super) struct CandidateIndex<'a> {
    eligibility: Eligibility<'a>,
    volunteers: &'a [Volunteer],
    /// Volunteers who may serve at all (registration allowed, shift cap above zero), by index.
    active: Vec<u32>,
    /// Active holders of each qualification kind (any validity), sorted.
    by_qualification: BTreeMap<QualificationId, Vec<u32>>,
    /// Active holders of each training (any validity), sorted.
    by_training: BTreeMap<TrainingId, Vec<u32>>,
    /// Active holders of each tag, sorted.
    by_tag: BTreeMap<&'a Tag, Vec<u32>>,
    /// Active volunteers with a home point: `(latitude µ°, index)`, sorted.
    by_latitude: Vec<(i32, u32)>,
    /// Active volunteers by birth date, oldest first.
    by_birth: Vec<u32>,
    /// Per volunteer: its position in `births` (`u32::MAX` if inactive).
    birth_rank: Vec<u32>,
    /// Per volunteer: its availability class (volunteers with equal availability share one).
    availability_class: Vec<u32>,
    /// One availability per class.
    classes: Vec<&'a Availability>,
}

impl<'a> CandidateIndex<'a> {
    /// Indexes the volunteers; `caps[i]` is volunteer `i`'s remaining shift cap.
    pub(super) fn new(
        eligibility: Eligibility<'a>,
        volunteers: &'a [Volunteer],
        caps: &[u32],
    ) -> Self {
        let registration = eligibility.policy().registration();
        let active: Vec<u32> = volunteers
            .iter()
            .enumerate()
            .filter(|&(i, v)| {
                caps.get(i).copied().unwrap_or(0) > 0 && registration_allows(registration, v)
            })
            .map(|(i, _)| idx(i))
            .collect();
        let mut by_qualification: BTreeMap<QualificationId, Vec<u32>> = BTreeMap::new();
        let mut by_training: BTreeMap<TrainingId, Vec<u32>> = BTreeMap::new();
        let mut by_tag: BTreeMap<&'a Tag, Vec<u32>> = BTreeMap::new();
        let mut by_latitude = Vec::new();
        let mut by_birth: Vec<(chrono::NaiveDate, u32)> = Vec::with_capacity(active.len());
        for &i in &active {
            let Some(v) = volunteers.get(i as usize) else {
                continue;
            };
            for g in v.qualifications() {
                push_once(by_qualification.entry(g.qualification()).or_default(), i);
            }
            for t in v.trainings() {
                push_once(by_training.entry(t.training()).or_default(), i);
            }
            for tag in v.tags() {
                push_once(by_tag.entry(tag).or_default(), i);
            }
            if let Some(p) = v.home_point() {
                by_latitude.push((p.lat_micro(), i));
            }
            by_birth.push((v.birth_date(), i));
        }
        by_latitude.sort_unstable();
        by_birth.sort_unstable();
        let mut birth_rank = vec![u32::MAX; volunteers.len()];
        for (rank, &(_, i)) in by_birth.iter().enumerate() {
            if let Some(r) = birth_rank.get_mut(i as usize) {
                *r = idx(rank);
            }
        }
        let (availability_class, classes) = availability_classes(volunteers);
        Self {
            eligibility,
            volunteers,
            active,
            by_qualification,
            by_training,
            by_tag,
            by_latitude,
            by_birth: by_birth.into_iter().map(|(_, i)| i).collect(),
            birth_rank,
            availability_class,
            classes,
        }
    }

    /// Calls `visit(volunteer, shift)` (indices) for every pair the index cannot rule out, in
    /// an unspecified but deterministic order, each pair at most once. `activity` looks up a
    /// shift's activity.
    pub(super) fn for_each_candidate<'s>(
        &self,
        shifts: &'s [Shift],
        activity: impl Fn(&Shift) -> Option<&'s Activity>,
        at: DateTime<FixedOffset>,
        mut visit: impl FnMut(u32, u32),
    ) {
        // Shifts that can take anyone, grouped by their static requirements.
        let mut groups: BTreeMap<GroupKey<'s>, Vec<(usize, &'s Activity)>> = BTreeMap::new();
        for (si, s) in shifts.iter().enumerate() {
            let Some(a) = activity(s) else { continue };
            if !open(s, a, at) {
                continue;
            }
            let req = s.requirements();
            let key = GroupKey {
                qualifications: req.qualifications(),
                trainings: req.trainings(),
                tags: req.tags(),
                jurisdiction: required_division(s),
                distance: distance_rule(s, a),
            };
            groups.entry(key).or_default().push((si, a));
        }
        let mut implied: BTreeMap<QualificationId, Vec<u32>> = BTreeMap::new();
        let mut memo = AvailabilityMemo::new(self.classes.len());
        for (key, mut members) in groups {
            let pool = self.pool(&key, &mut implied);
            if pool.is_empty() {
                continue;
            }
            // Equal spans next to each other, for the availability memo.
            members.sort_by_key(|&(si, _)| {
                shifts
                    .get(si)
                    .map(|s| (s.span().start(), s.span().end(), si))
            });
            for (si, a) in members {
                let Some(s) = shifts.get(si) else { continue };
                let span = s.span();
                let cut = self.age_cut(s, a);
                memo.start(span);
                for &vi in &pool {
                    if self.birth_rank.get(vi as usize).is_none_or(|&r| r >= cut) {
                        continue;
                    }
                    if !self.available(&mut memo, vi) {
                        continue;
                    }
                    visit(vi, idx(si));
                }
            }
        }
    }

    /// The volunteers passing a group's static rules, sorted by index.
    fn pool(
        &self,
        key: &GroupKey<'_>,
        implied: &mut BTreeMap<QualificationId, Vec<u32>>,
    ) -> Vec<u32> {
        for &q in key.qualifications {
            implied
                .entry(q)
                .or_insert_with(|| self.holders_including(q));
        }
        let mut lists: Vec<&[u32]> = Vec::new();
        for q in key.qualifications {
            lists.push(implied.get(q).map_or(&[], Vec::as_slice));
        }
        for t in key.trainings {
            lists.push(self.by_training.get(t).map_or(&[], Vec::as_slice));
        }
        for tag in key.tags {
            lists.push(self.by_tag.get(tag).map_or(&[], Vec::as_slice));
        }
        // The latitude band, as a list sorted by index.
        let band = match key.distance {
            // DistanceUnknown for every volunteer.
            Some((_, None)) => return Vec::new(),
            Some((max_m, Some(there))) => Some(self.latitude_band(max_m, there)),
            None => None,
        };
        if let Some(b) = &band {
            lists.push(b);
        }
        lists.sort_by_key(|l| l.len());
        let mut pool: Vec<u32> = match lists.split_first() {
            Some((first, rest)) => {
                let mut out = first.to_vec();
                for other in rest {
                    out.retain(|v| other.binary_search(v).is_ok());
                }
                out
            }
            None => self.active.clone(),
        };
        if let Some(required) = key.jurisdiction {
            pool.retain(|&vi| {
                self.volunteer(vi)
                    .is_some_and(|v| lives_within(v, required))
            });
        }
        if let Some((max_m, Some(there))) = key.distance {
            pool.retain(|&vi| {
                self.volunteer(vi)
                    .is_some_and(|v| lives_near(v, max_m, there))
            });
        }
        pool
    }

    /// Active volunteers holding a kind that includes `required` (itself included), sorted.
    fn holders_including(&self, required: QualificationId) -> Vec<u32> {
        let graph = self.eligibility.graph();
        let mut out: Vec<u32> = Vec::new();
        let mut parts = 0;
        for (&held, list) in &self.by_qualification {
            if graph.includes(held, required) {
                out.extend_from_slice(list);
                parts += 1;
            }
        }
        if parts > 1 {
            out.sort_unstable();
            out.dedup();
        }
        out
    }

    /// Active volunteers with a home point whose latitude lies within [`latitude_bounds`],
    /// sorted by index.
    fn latitude_band(&self, max_m: u32, there: GeoPoint) -> Vec<u32> {
        let (lo, hi) = latitude_bounds(max_m, there);
        let from = self
            .by_latitude
            .partition_point(|&(l, _)| i64::from(l) < lo);
        let to = self
            .by_latitude
            .partition_point(|&(l, _)| i64::from(l) <= hi);
        let mut out: Vec<u32> = self
            .by_latitude
            .get(from..to)
            .unwrap_or(&[])
            .iter()
            .map(|&(_, i)| i)
            .collect();
        out.sort_unstable();
        out
    }

    /// The birth rank below which volunteers are old enough for `shift`: the largest of the
    /// shift's minimum age, the minor policy's minimum age and, for hazardous work, the
    /// hazardous minimum age, on the shift's first local day (as the check counts it).
    fn age_cut(&self, shift: &Shift, activity: &Activity) -> u32 {
        let Some(min_age) = min_age(self.eligibility, shift, activity) else {
            return u32::MAX;
        };
        let first_day = shift.span().start().date_naive();
        // Age depends only on the birth date and falls as it rises, so the volunteers old
        // enough come first.
        let cut = self.by_birth.partition_point(|&vi| {
            self.volunteer(vi)
                .is_some_and(|v| v.age_on(first_day) >= u32::from(min_age))
        });
        idx(cut)
    }

    /// Whether volunteer `vi`'s availability covers the memo's span.
    fn available(&self, memo: &mut AvailabilityMemo, vi: u32) -> bool {
        let Some(&class) = self.availability_class.get(vi as usize) else {
            return false;
        };
        let Some(a) = self.classes.get(class as usize) else {
            return false;
        };
        memo.covers(class, a)
    }

    fn volunteer(&self, vi: u32) -> Option<&'a Volunteer> {
        self.volunteers.get(vi as usize)
    }
}

/// One shift's part of the index's rules, to screen volunteers one at a time: what a single
/// query (one shift against every volunteer, one volunteer against every shift) uses instead
/// of a [`CandidateIndex`], whose sorted lists of every volunteer cost more to build than the
/// one pass such a query makes. It admits exactly the pairs the index lets through when
/// every volunteer's cap is above zero (caps are the index's only other rule); like the
/// index it never accepts a pair, it only spares the full check.
#[derive(Debug, Clone, Copy)]
pub(super) struct ShiftScreen<'a, 's> {
    eligibility: Eligibility<'a>,
    shift: &'s Shift,
    /// The shift's first local day, on which ages are counted.
    first_day: NaiveDate,
    min_age: Option<u8>,
    jurisdiction: Option<DivisionCode>,
    /// The distance limit, the place and the latitude band around it (µ°, inclusive).
    distance: Option<(u32, GeoPoint, i64, i64)>,
}

impl<'a, 's> ShiftScreen<'a, 's> {
    /// The screen of `shift`, or `None` when the shift takes nobody: no activity, started by
    /// `at`, uninsured hazardous work, or a distance limit with no point for the place.
    pub(super) fn new(
        eligibility: Eligibility<'a>,
        shift: &'s Shift,
        activity: Option<&Activity>,
        at: DateTime<FixedOffset>,
    ) -> Option<Self> {
        let activity = activity?;
        if !open(shift, activity, at) {
            return None;
        }
        let distance = match distance_rule(shift, activity) {
            None => None,
            // DistanceUnknown for every volunteer.
            Some((_, None)) => return None,
            Some((max_m, Some(there))) => {
                let (lo, hi) = latitude_bounds(max_m, there);
                Some((max_m, there, lo, hi))
            }
        };
        Some(Self {
            eligibility,
            shift,
            first_day: shift.span().start().date_naive(),
            min_age: min_age(eligibility, shift, activity),
            jurisdiction: required_division(shift),
            distance,
        })
    }

    /// Whether `v` passes the index's rules for the shift: registration, the latitude band
    /// and distance, jurisdiction, tags, trainings, qualifications (through the hierarchy),
    /// age and availability, cheapest first.
    pub(super) fn admits(&self, v: &Volunteer) -> bool {
        let req = self.shift.requirements();
        let graph = self.eligibility.graph();
        registration_allows(self.eligibility.policy().registration(), v)
            && self.distance.is_none_or(|(max_m, there, lo, hi)| {
                v.home_point()
                    .is_some_and(|home| (lo..=hi).contains(&i64::from(home.lat_micro())))
                    && lives_near(v, max_m, there)
            })
            && self.jurisdiction.is_none_or(|d| lives_within(v, d))
            && req.tags().iter().all(|t| v.tags().contains(t))
            && req
                .trainings()
                .iter()
                .all(|&t| v.trainings().iter().any(|r| r.training() == t))
            && req.qualifications().iter().all(|&q| {
                v.qualifications()
                    .iter()
                    .any(|g| graph.includes(g.qualification(), q))
            })
            && self
                .min_age
                .is_none_or(|m| v.age_on(self.first_day) >= u32::from(m))
            && v.availability().covers(&self.shift.span())
    }
}

/// What a [`ShiftScreen`] tells of one volunteer in a search for near misses (volunteers
/// who fail exactly one rule of the full check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Miss {
    /// Two of the screen's rules fail, so the full check fails at least two: not a near
    /// miss.
    Several,
    /// Of the screen's rules, only the distance fails: the volunteer is `distance_m` from
    /// the place, beyond the limit. A near miss exactly when the full check fails nothing
    /// else, and then its one failure is [`Ineligibility::TooFar`](crate::Ineligibility)
    /// at this distance.
    OnlyDistance(u32),
    /// At most one of the screen's rules fails, and not the distance as a known distance:
    /// only the full check tells.
    Check,
}

impl ShiftScreen<'_, '_> {
    /// Sorts `v` for a near-miss search: the screen's rules, each decided as
    /// [`admits`](Self::admits) decides it, counted by rule (each failing rule is at least one
    /// failure of the full check, which reports every rule it checks) until two fail;
    /// `available` answers the availability rule (memoised by the caller). The latitude
    /// band decides most distances first; a distance is computed only when it can matter.
    pub(super) fn miss(&self, v: &Volunteer, available: impl FnOnce() -> bool) -> Miss {
        /// Counts a failed rule; whether two have failed.
        fn two(failed: &mut u32, passes: bool) -> bool {
            *failed += u32::from(!passes);
            *failed >= 2
        }
        let req = self.shift.requirements();
        let graph = self.eligibility.graph();
        let home = v.home_point();
        // The distance rule fails for sure, before any distance is computed: no home point,
        // or a latitude outside the band.
        let surely_far = self.distance.is_some_and(|(_, _, lo, hi)| {
            home.is_none_or(|h| !(lo..=hi).contains(&i64::from(h.lat_micro())))
        });
        let mut failed = u32::from(surely_far);
        let several = two(
            &mut failed,
            registration_allows(self.eligibility.policy().registration(), v),
        ) || two(
            &mut failed,
            self.jurisdiction.is_none_or(|d| lives_within(v, d)),
        ) || two(&mut failed, req.tags().iter().all(|t| v.tags().contains(t)))
            || two(
                &mut failed,
                req.trainings()
                    .iter()
                    .all(|&t| v.trainings().iter().any(|r| r.training() == t)),
            )
            || two(
                &mut failed,
                self.min_age
                    .is_none_or(|m| v.age_on(self.first_day) >= u32::from(m)),
            )
            || two(&mut failed, available())
            || two(
                &mut failed,
                req.qualifications().iter().all(|&q| {
                    v.qualifications()
                        .iter()
                        .any(|g| graph.includes(g.qualification(), q))
                }),
            );
        if several {
            return Miss::Several;
        }
        let (Some((max_m, there, _, _)), Some(home)) = (self.distance, home) else {
            // No distance rule, or `DistanceUnknown` (a failure, but not one with a
            // distance): at most one failure.
            return Miss::Check;
        };
        let others = failed - u32::from(surely_far);
        let distance_m = home.distance_m(there);
        if distance_m <= max_m {
            Miss::Check
        } else if others == 0 {
            Miss::OnlyDistance(distance_m)
        } else {
            Miss::Several
        }
    }
}

/// A match's volunteers arranged for near-miss searches (volunteers who fail exactly one
/// rule for a short shift, for the fixes of [`Shortage`](super::Shortage)s): their
/// availabilities by class and their home latitudes, sorted. Built once per match.
#[derive(Debug)]
pub(super) struct NearMisses<'a> {
    volunteers: &'a [Volunteer],
    /// Each volunteer's availability class.
    class: Vec<u32>,
    /// One availability per class.
    classes: Vec<&'a Availability>,
    memo: AvailabilityMemo,
    /// Volunteers with a home point: `(latitude µ°, index)`, sorted.
    by_latitude: Vec<(i32, u32)>,
    /// Volunteers without one, by index.
    homeless: Vec<u32>,
}

impl<'a> NearMisses<'a> {
    /// Arranges `volunteers` (the match's, by index) for [`search`](Self::search).
    pub(super) fn new(volunteers: &'a [Volunteer]) -> Self {
        let (class, classes) = availability_classes(volunteers);
        let memo = AvailabilityMemo::new(classes.len());
        let mut by_latitude = Vec::with_capacity(volunteers.len());
        let mut homeless = Vec::new();
        for (i, v) in volunteers.iter().enumerate() {
            match v.home_point() {
                Some(p) => by_latitude.push((p.lat_micro(), idx(i))),
                None => homeless.push(idx(i)),
            }
        }
        by_latitude.sort_unstable();
        Self {
            volunteers,
            class,
            classes,
            memo,
            by_latitude,
            homeless,
        }
    }

    /// Sorts the volunteers for `screen`'s shift ([`ShiftScreen::miss`]): calls `check(i)`
    /// for each one the full check must decide, then `far(i, distance)` for those who fail
    /// only the distance, in order of distance, until `far` returns `false` or none is left.
    /// Volunteers failing two of the screen's rules are skipped. With a distance rule, the
    /// volunteers beyond the latitude band are visited outwards from it, only as far as the
    /// nearest ones offered to `far` require: a volunteer's latitude difference bounds its
    /// distance from below.
    pub(super) fn search(
        &mut self,
        screen: &ShiftScreen<'_, '_>,
        mut check: impl FnMut(usize),
        mut far: impl FnMut(usize, u32) -> bool,
    ) {
        let Self {
            volunteers,
            class,
            classes,
            memo,
            by_latitude,
            homeless,
        } = self;
        memo.start(screen.shift.span());
        let mut heap: BinaryHeap<Reverse<(u32, usize)>> = BinaryHeap::new();
        let mut visit = |vi: usize, heap: &mut BinaryHeap<Reverse<(u32, usize)>>| {
            let Some(v) = volunteers.get(vi) else { return };
            let available = || {
                let c = class.get(vi).copied().unwrap_or(u32::MAX);
                classes.get(c as usize).is_some_and(|a| memo.covers(c, a))
            };
            match screen.miss(v, available) {
                Miss::Several => {}
                Miss::OnlyDistance(d) => heap.push(Reverse((d, vi))),
                Miss::Check => check(vi),
            }
        };
        let Some((_, there, lo, hi)) = screen.distance else {
            for vi in 0..volunteers.len() {
                visit(vi, &mut heap);
            }
            return;
        };
        for &vi in homeless.iter() {
            visit(vi as usize, &mut heap);
        }
        let from = by_latitude.partition_point(|&(l, _)| i64::from(l) < lo);
        let to = by_latitude.partition_point(|&(l, _)| i64::from(l) <= hi);
        for &(_, vi) in by_latitude.get(from..to).unwrap_or(&[]) {
            visit(vi as usize, &mut heap);
        }
        // Outwards from the band: `down` is one past the next below, `up` the next above.
        let lat = i64::from(there.lat_micro());
        let (mut down, mut up) = (from, to);
        loop {
            let below = down
                .checked_sub(1)
                .and_then(|k| by_latitude.get(k))
                .map(|&(l, _)| lat - i64::from(l));
            let above = by_latitude.get(up).map(|&(l, _)| i64::from(l) - lat);
            let next = match (below, above) {
                (Some(b), Some(a)) => Some((b.min(a), b <= a)),
                (Some(b), None) => Some((b, true)),
                (None, Some(a)) => Some((a, false)),
                (None, None) => None,
            };
            // No volunteer not yet visited is nearer than this (metres, rounded down).
            let bound = next.map(|(gap, _)| {
                let m =
                    u64::try_from(gap).unwrap_or(0) * METRES_PER_MICRO_NUM / METRES_PER_MICRO_DEN;
                u32::try_from(m.saturating_sub(1)).unwrap_or(u32::MAX)
            });
            while let Some(&Reverse((d, vi))) = heap.peek() {
                if bound.is_some_and(|b| d > b) {
                    break;
                }
                heap.pop();
                if !far(vi, d) {
                    return;
                }
            }
            let Some((_, is_below)) = next else {
                return;
            };
            let k = if is_below {
                down -= 1;
                down
            } else {
                up += 1;
                up - 1
            };
            if let Some(&(_, vi)) = by_latitude.get(k) {
                visit(vi as usize, &mut heap);
            }
        }
    }
}

/// Whether `shift` can take anybody at all: not started by `at` (`ShiftStarted`) and, if
/// hazardous, insured (`Uninsured`); both reject every volunteer.
fn open(shift: &Shift, activity: &Activity, at: DateTime<FixedOffset>) -> bool {
    let span = shift.span();
    span.start() > at && activity.check_confirmable(&span).is_ok()
}

/// The division a shift requires its volunteers to live in (属地化, required only).
fn required_division(shift: &Shift) -> Option<DivisionCode> {
    match shift.requirements().jurisdiction() {
        Jurisdiction::Required(d) => Some(d),
        Jurisdiction::Any | Jurisdiction::Preferred(_) => None,
    }
}

/// A shift's distance limit and its place's point (`None`: unknown, so nobody qualifies).
fn distance_rule(shift: &Shift, activity: &Activity) -> Option<(u32, Option<GeoPoint>)> {
    shift.requirements().max_distance_m().map(|m| {
        let place = shift.location().unwrap_or_else(|| activity.location());
        (m, place.point())
    })
}

/// The minimum age for `shift`: the largest of the shift's minimum age, the minor policy's
/// minimum age and, for hazardous work, the hazardous minimum age.
fn min_age(eligibility: Eligibility<'_>, shift: &Shift, activity: &Activity) -> Option<u8> {
    let minors = eligibility.policy().minors();
    let hazardous = activity
        .hazard()
        .is_hazardous()
        .then_some(minors.hazardous_min_age());
    shift
        .requirements()
        .effective_min_age()
        .max(minors.min_age())
        .max(hazardous)
}

/// The latitudes (µ°, inclusive) within `max_m` (plus a margin) of `there`'s: no point outside
/// is within `max_m`, since a great-circle distance is at least the latitude difference along
/// a meridian.
fn latitude_bounds(max_m: u32, there: GeoPoint) -> (i64, i64) {
    let half = (u64::from(max_m) + 1) * METRES_PER_MICRO_DEN / METRES_PER_MICRO_NUM + 1;
    let half = i64::try_from(half).unwrap_or(i64::MAX);
    let lat = i64::from(there.lat_micro());
    (lat.saturating_sub(half), lat.saturating_add(half))
}

/// Whether `v`'s home division lies within `required`, as the check decides jurisdiction.
fn lives_within(v: &Volunteer, required: DivisionCode) -> bool {
    v.home_division().is_some_and(|h| required.contains(h))
}

/// Whether `v`'s home point is within `max_m` of `there`, as the check decides distance.
fn lives_near(v: &Volunteer, max_m: u32, there: GeoPoint) -> bool {
    v.home_point()
        .is_some_and(|home| home.distance_m(there) <= max_m)
}

/// Whether the registration state allows service, as [`Eligibility::check`] decides it.
fn registration_allows(required: RegistrationRequirement, v: &Volunteer) -> bool {
    matches!(
        (required, v.status().kind()),
        (_, StatusKind::RealNameVerified)
            | (RegistrationRequirement::Registered, StatusKind::Registered)
    )
}

/// [`Availability::covers`] of one span, memoised per availability class.
#[derive(Debug)]
struct AvailabilityMemo {
    span: Option<TimeSpan>,
    /// Bumped whenever the span changes; `seen[c] == stamp` marks a known answer.
    stamp: u32,
    seen: Vec<u32>,
    value: Vec<bool>,
}

impl AvailabilityMemo {
    fn new(classes: usize) -> Self {
        Self {
            span: None,
            stamp: 0,
            seen: vec![0; classes],
            value: vec![false; classes],
        }
    }

    /// Switches to `span` (answers for an equal span are kept: `covers` depends only on the
    /// instants).
    fn start(&mut self, span: TimeSpan) {
        if self.span == Some(span) {
            return;
        }
        self.span = Some(span);
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.fill(0);
            self.stamp = 1;
        }
    }

    fn covers(&mut self, class: u32, a: &Availability) -> bool {
        let c = class as usize;
        if self.seen.get(c) == Some(&self.stamp) {
            return self.value.get(c).copied().unwrap_or(false);
        }
        let v = self.span.is_some_and(|s| a.covers(&s));
        if let (Some(seen), Some(value)) = (self.seen.get_mut(c), self.value.get_mut(c)) {
            *seen = self.stamp;
            *value = v;
        }
        v
    }
}

/// Classes of equal availability: the class of each volunteer, and one availability per
/// class. Equal availabilities answer [`Availability::covers`] alike.
fn availability_classes(volunteers: &[Volunteer]) -> (Vec<u32>, Vec<&Availability>) {
    let mut buckets: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut classes: Vec<&Availability> = Vec::new();
    let mut of = Vec::with_capacity(volunteers.len());
    for v in volunteers {
        let a = v.availability();
        let bucket = buckets.entry(fingerprint(a)).or_default();
        let found = bucket
            .iter()
            .copied()
            .find(|&c| classes.get(c as usize).is_some_and(|x| *x == a));
        let c = found.unwrap_or_else(|| {
            classes.push(a);
            let c = idx(classes.len() - 1);
            bucket.push(c);
            c
        });
        of.push(c);
    }
    (of, classes)
}

/// A hash of everything [`Availability`]'s equality compares (buckets only; classes are
/// decided by equality).
fn fingerprint(a: &Availability) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    a.offset().local_minus_utc().hash(&mut h);
    for day in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ] {
        a.windows(day).hash(&mut h);
    }
    a.unavailable().hash(&mut h);
    a.extra().hash(&mut h);
    h.finish()
}

fn push_once(list: &mut Vec<u32>, i: u32) {
    if list.last() != Some(&i) {
        list.push(i);
    }
}

fn idx(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    clippy::many_single_char_names,
    reason = "tests: indices of tiny vectors; n, r, s, p, q read as number, requirements, shift, point, qualification"
)]
pub(super) mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::doc_fixtures as fx;
    use crate::{
        Accompaniment, ActivityId, EligibilityPolicy, Hazard, IdDocument, IdDocumentKind,
        InsurancePolicy, Location, PersonName, QualificationGrant, QualificationGraph,
        QualificationKind, Requirements, ShiftId, StatusReason, TimeWindow, TrainingRecord,
        VerificationMethod, VolunteerBuilder, VolunteerId, VolunteerNo,
    };

    const AT: &str = "2021-07-20T12:00:00+08:00";

    fn at() -> DateTime<FixedOffset> {
        fx::at(AT)
    }

    fn day(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    /// A volunteer born on `birth`, to be finished and then verified by [`verified`].
    fn person(n: u64, birth: &str) -> VolunteerBuilder {
        Volunteer::builder(
            VolunteerId::from_parts(1, n),
            VolunteerNo::new(&format!("JS-2021-{n:06}")).unwrap(),
            PersonName::new("王五").unwrap(),
            IdDocument::parse(Some(IdDocumentKind::Passport), &format!("E{n:08}")).unwrap(),
        )
        .birth_date(day(birth))
        .sex(crate::Sex::Male)
        .channel(crate::RegistrationChannel::WeChat)
    }

    fn verified(b: VolunteerBuilder) -> Volunteer {
        let mut v = b.build().unwrap();
        v.verify(
            fx::at("2021-07-01T09:00:00+08:00"),
            VerificationMethod::InPerson,
        )
        .unwrap();
        v
    }

    fn lukou() -> GeoPoint {
        GeoPoint::from_micro_degrees(31_736_000, 118_864_000).unwrap()
    }

    fn activity_at(n: u64, point: Option<GeoPoint>, hazard: Hazard) -> Activity {
        let base = fx::activity();
        let mut place = Location::new("320115005".parse().unwrap(), "禄口").unwrap();
        if let Some(p) = point {
            place = place.with_point(p);
        }
        Activity::builder(
            ActivityId::from_parts(1, n),
            base.organiser(),
            base.title(),
            base.category().clone(),
            place,
            base.recruitment().clone(),
        )
        .hazard(hazard)
        .build()
        .unwrap()
    }

    fn shift_of(n: u64, a: &Activity, start: &str, end: &str, req: Requirements) -> Shift {
        Shift::new(
            ShiftId::from_parts(2, n),
            a.id(),
            fx::span(start, end),
            2,
            req,
        )
        .unwrap()
    }

    /// Pairs the index lets through, asserting each comes once.
    fn indexed(
        e: Eligibility<'_>,
        vols: &[Volunteer],
        caps: &[u32],
        shifts: &[Shift],
        acts: &[Activity],
        at: DateTime<FixedOffset>,
    ) -> BTreeSet<(u32, u32)> {
        let index = CandidateIndex::new(e, vols, caps);
        let mut out = BTreeSet::new();
        index.for_each_candidate(
            shifts,
            |s| acts.iter().find(|a| a.id() == s.activity()),
            at,
            |v, s| assert!(out.insert((v, s)), "pair ({v}, {s}) visited twice"),
        );
        out
    }

    /// Pairs [`ShiftScreen`] admits.
    fn screened(
        e: Eligibility<'_>,
        vols: &[Volunteer],
        shifts: &[Shift],
        acts: &[Activity],
        at: DateTime<FixedOffset>,
    ) -> BTreeSet<(u32, u32)> {
        let mut out = BTreeSet::new();
        for (si, s) in shifts.iter().enumerate() {
            let a = acts.iter().find(|a| a.id() == s.activity());
            let Some(screen) = ShiftScreen::new(e, s, a, at) else {
                continue;
            };
            for (vi, v) in vols.iter().enumerate() {
                if screen.admits(v) {
                    out.insert((vi as u32, si as u32));
                }
            }
        }
        out
    }

    /// Pairs the full check accepts (no held shifts, unaccompanied), among volunteers with a
    /// positive cap.
    fn eligible(
        e: Eligibility<'_>,
        vols: &[Volunteer],
        caps: &[u32],
        shifts: &[Shift],
        acts: &[Activity],
        at: DateTime<FixedOffset>,
    ) -> BTreeSet<(u32, u32)> {
        let mut out = BTreeSet::new();
        for (vi, v) in vols.iter().enumerate() {
            if caps[vi] == 0 {
                continue;
            }
            for (si, s) in shifts.iter().enumerate() {
                let Some(a) = acts.iter().find(|a| a.id() == s.activity()) else {
                    continue;
                };
                if e.check(v, s, a, &[], at, Accompaniment::Unaccompanied)
                    .is_eligible()
                {
                    out.insert((vi as u32, si as u32));
                }
            }
        }
        out
    }

    /// Runs the index on one shift per requirement set and returns, per shift, whether
    /// volunteer 0 is let through, after checking that no eligible pair was pruned.
    fn kept(
        graph: &QualificationGraph,
        policy: &EligibilityPolicy,
        vols: &[Volunteer],
        shifts: &[Shift],
        acts: &[Activity],
    ) -> Vec<Vec<bool>> {
        let e = Eligibility::new(graph, policy);
        let caps = vec![1; vols.len()];
        let got = indexed(e, vols, &caps, shifts, acts, at());
        assert_eq!(
            screened(e, vols, shifts, acts, at()),
            got,
            "the screen and the index disagree"
        );
        let want = eligible(e, vols, &caps, shifts, acts, at());
        assert!(
            want.is_subset(&got),
            "pruned eligible pairs: {:?}",
            want.difference(&got).collect::<Vec<_>>()
        );
        // Every pair let through that the check rejects is one the index cannot decide.
        (0..vols.len())
            .map(|vi| {
                (0..shifts.len())
                    .map(|si| got.contains(&(vi as u32, si as u32)))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn distance_exactly_at_the_limit_is_kept_and_one_metre_less_is_pruned() {
        let a = activity_at(1, Some(lukou()), Hazard::None);
        // Due north (the latitude band's edge) and north-east of the place.
        let north = GeoPoint::from_micro_degrees(31_736_000 + 45_000, 118_864_000).unwrap();
        let east = GeoPoint::from_micro_degrees(31_736_000 + 20_000, 118_864_000 + 40_000).unwrap();
        let vols = [
            verified(person(1, "1990-01-01").home_point(north)),
            verified(person(2, "1990-01-01").home_point(east)),
            verified(person(3, "1990-01-01")), // no home point: DistanceUnknown
        ];
        let mut shifts = Vec::new();
        for (k, p) in [north, east].into_iter().enumerate() {
            let d = p.distance_m(lukou());
            for (j, max) in [d, d - 1].into_iter().enumerate() {
                let req = Requirements::builder().max_distance_m(max).build().unwrap();
                shifts.push(shift_of(
                    (k * 2 + j) as u64,
                    &a,
                    "2021-07-21T08:00:00+08:00",
                    "2021-07-21T12:00:00+08:00",
                    req,
                ));
            }
        }
        let (g, p) = (QualificationGraph::new(), EligibilityPolicy::default());
        let k = kept(&g, &p, &vols, &shifts, &[a]);
        assert_eq!(
            k[0][..2],
            [true, false],
            "north: at the limit, one metre less"
        );
        assert_eq!(
            k[1][2..],
            [true, false],
            "east: at the limit, one metre less"
        );
        assert!(k[2].iter().all(|&x| !x), "no home point");
    }

    #[test]
    fn a_shift_without_a_place_point_is_pruned_when_it_has_a_distance_limit() {
        let a = activity_at(1, None, Hazard::None);
        let vols = [verified(person(1, "1990-01-01").home_point(lukou()))];
        let near = Requirements::builder()
            .max_distance_m(1_000)
            .build()
            .unwrap();
        let shifts = [
            shift_of(
                1,
                &a,
                "2021-07-21T08:00:00+08:00",
                "2021-07-21T12:00:00+08:00",
                near,
            ),
            shift_of(
                2,
                &a,
                "2021-07-21T08:00:00+08:00",
                "2021-07-21T12:00:00+08:00",
                Requirements::none(),
            ),
        ];
        let (g, p) = (QualificationGraph::new(), EligibilityPolicy::default());
        assert_eq!(kept(&g, &p, &vols, &shifts, &[a]), [[false, true]]);
    }

    #[test]
    fn age_is_counted_on_the_shifts_local_first_day() {
        let a = activity_at(1, None, Hazard::None);
        // 18 on 2021-07-22.
        let vols = [verified(person(1, "2003-07-22"))];
        let adults = Requirements::builder()
            .age_rule(crate::AgeRule::AdultsOnly)
            .build()
            .unwrap();
        let shifts = [
            // 2021-07-22 locally (2021-07-21 in UTC): 18, kept.
            shift_of(
                1,
                &a,
                "2021-07-22T00:30:00+08:00",
                "2021-07-22T04:00:00+08:00",
                adults.clone(),
            ),
            // 2021-07-21 locally: 17, pruned.
            shift_of(
                2,
                &a,
                "2021-07-21T23:30:00+08:00",
                "2021-07-22T04:00:00+08:00",
                adults.clone(),
            ),
            // The same instant as shift 2 seen from UTC+09:00 is 2021-07-22 00:30: 18, kept.
            shift_of(
                3,
                &a,
                "2021-07-22T00:30:00+09:00",
                "2021-07-22T05:00:00+09:00",
                adults,
            ),
        ];
        let (g, p) = (QualificationGraph::new(), EligibilityPolicy::default());
        assert_eq!(kept(&g, &p, &vols, &shifts, &[a]), [[true, false, true]]);
    }

    #[test]
    fn hazardous_work_and_the_policy_minimum_age_prune_the_young() {
        let cover = crate::DatePeriod::new(day("2021-01-01"), Some(day("2022-01-01"))).unwrap();
        let insured = Hazard::Hazardous {
            insurance: Some(InsurancePolicy::new("PICC", "P-1", cover).unwrap()),
        };
        let safe = activity_at(1, None, Hazard::None);
        let risky = activity_at(2, None, insured);
        let uninsured = activity_at(3, None, Hazard::Hazardous { insurance: None });
        let vols = [
            verified(person(1, "2004-01-01")), // 17
            verified(person(2, "1990-01-01")), // 31
        ];
        let when = ("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
        let shifts = [
            shift_of(1, &safe, when.0, when.1, Requirements::none()),
            shift_of(2, &risky, when.0, when.1, Requirements::none()),
            shift_of(3, &uninsured, when.0, when.1, Requirements::none()),
        ];
        let g = QualificationGraph::new();
        let p = EligibilityPolicy::default();
        let acts = [safe, risky, uninsured];
        assert_eq!(
            kept(&g, &p, &vols, &shifts, &acts),
            [[true, false, false], [true, true, false]]
        );
        // A policy minimum age of 18 prunes the 17-year-old everywhere.
        let p = p.with_minors(crate::MinorPolicy::national().with_min_age(Some(18)));
        assert_eq!(
            kept(&g, &p, &vols, &shifts, &acts)[0],
            [false, false, false]
        );
    }

    #[test]
    fn a_qualification_implied_through_the_hierarchy_is_kept() {
        let q = |n| QualificationId::from_parts(9, n);
        let mut g = QualificationGraph::new();
        for (n, name) in [(1, "医师"), (2, "护士"), (3, "急救"), (4, "翻译")] {
            g.add_kind(QualificationKind::new(q(n), name, None).unwrap())
                .unwrap();
        }
        g.add_includes(q(1), q(2)).unwrap();
        g.add_includes(q(2), q(3)).unwrap();
        let grant = |n, until: Option<&str>| {
            QualificationGrant::new(q(n), day("2020-01-01"), until.map(day), None).unwrap()
        };
        let vols = [
            verified(person(1, "1990-01-01").qualification(grant(1, None))), // doctor
            verified(person(2, "1990-01-01").qualification(grant(3, None))), // first aid
            // An expired nurse: kept by the index (validity is the check's), then rejected.
            verified(person(3, "1990-01-01").qualification(grant(2, Some("2021-01-01")))),
            verified(person(4, "1990-01-01")),
        ];
        let a = activity_at(1, None, Hazard::None);
        let needs = |n| Requirements::builder().qualification(q(n)).build().unwrap();
        let when = ("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
        let shifts = [
            shift_of(1, &a, when.0, when.1, needs(3)),
            shift_of(2, &a, when.0, when.1, needs(2)),
            shift_of(3, &a, when.0, when.1, needs(4)),
        ];
        let p = EligibilityPolicy::default();
        assert_eq!(
            kept(&g, &p, &vols, &shifts, &[a]),
            [
                [true, true, false],
                [true, false, false],
                [true, true, false],
                [false, false, false]
            ]
        );
    }

    #[test]
    fn registration_jurisdiction_trainings_and_tags_are_pruned_exactly() {
        let t = crate::TrainingId::from_parts(8, 1);
        let tag = Tag::new("党员").unwrap();
        let jiangning: DivisionCode = "320115".parse().unwrap();
        let vols = [
            verified(
                person(1, "1990-01-01")
                    .home_division("320115005".parse().unwrap())
                    .training(TrainingRecord::new(t, day("2020-01-01"), None).unwrap())
                    .tag(tag.clone()),
            ),
            verified(person(2, "1990-01-01").home_division("320111001".parse().unwrap())),
            person(3, "1990-01-01").build().unwrap(), // registered, not verified
            {
                let mut v = verified(person(4, "1990-01-01"));
                v.cancel(at(), StatusReason::new("moved away").unwrap())
                    .unwrap();
                v
            },
        ];
        let a = activity_at(1, None, Hazard::None);
        let when = ("2021-07-21T08:00:00+08:00", "2021-07-21T12:00:00+08:00");
        let shifts = [
            shift_of(
                1,
                &a,
                when.0,
                when.1,
                Requirements::builder()
                    .jurisdiction(Jurisdiction::Required(jiangning))
                    .build()
                    .unwrap(),
            ),
            shift_of(
                2,
                &a,
                when.0,
                when.1,
                Requirements::builder()
                    .jurisdiction(Jurisdiction::Preferred(jiangning))
                    .build()
                    .unwrap(),
            ),
            shift_of(
                3,
                &a,
                when.0,
                when.1,
                Requirements::builder().training(t).build().unwrap(),
            ),
            shift_of(
                4,
                &a,
                when.0,
                when.1,
                Requirements::builder().tag(tag).build().unwrap(),
            ),
        ];
        let g = QualificationGraph::new();
        let strict = EligibilityPolicy::default();
        assert_eq!(
            kept(&g, &strict, &vols, &shifts, std::slice::from_ref(&a)),
            [
                [true, true, true, true],
                [false, true, false, false],
                [false, false, false, false],
                [false, false, false, false]
            ]
        );
        let lenient = strict.with_registration(RegistrationRequirement::Registered);
        assert_eq!(
            kept(&g, &lenient, &vols, &shifts, &[a])[2],
            [false, true, false, false],
            "a registered volunteer may serve where only registration is needed"
        );
    }

    #[test]
    fn started_shifts_unavailable_volunteers_and_zero_caps_are_pruned() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        let mut weekends = Availability::never(cst);
        let whole = TimeWindow::from_minutes(0, 1440).unwrap();
        weekends.add_window(Weekday::Sat, whole);
        weekends.add_window(Weekday::Sun, whole);
        let vols = [
            verified(person(1, "1990-01-01").availability(weekends.clone())),
            verified(person(2, "1990-01-01").availability(weekends)),
            verified(person(3, "1990-01-01")),
        ];
        let a = activity_at(1, None, Hazard::None);
        let shifts = [
            // Wednesday.
            shift_of(
                1,
                &a,
                "2021-07-21T08:00:00+08:00",
                "2021-07-21T12:00:00+08:00",
                Requirements::none(),
            ),
            // Saturday.
            shift_of(
                2,
                &a,
                "2021-07-24T08:00:00+08:00",
                "2021-07-24T12:00:00+08:00",
                Requirements::none(),
            ),
            // Started at `AT`.
            shift_of(3, &a, AT, "2021-07-20T18:00:00+08:00", Requirements::none()),
        ];
        let (g, p) = (QualificationGraph::new(), EligibilityPolicy::default());
        assert_eq!(
            kept(&g, &p, &vols, &shifts, std::slice::from_ref(&a)),
            [
                [false, true, false],
                [false, true, false],
                [true, true, false]
            ]
        );
        let e = Eligibility::new(&g, &p);
        let got = indexed(e, &vols, &[1, 0, 1], &shifts, &[a], at());
        assert!(got.iter().all(|&(v, _)| v != 1), "a zero cap takes nothing");
    }

    /// A random match for the candidate index: volunteers and shifts drawn from small pools
    /// so that every rule both passes and fails — qualifications of a random
    /// [`QualificationGraph`] (so through its hierarchy), two trainings, three tags, five
    /// divisions, homes and places within ~35 km of Lukou or unknown, birth dates 1970–2015
    /// against minimum ages 10–20, random availability, registration states, hazard and
    /// insurance, held shifts, guardians and profiles (shift caps of zero included).
    #[cfg(feature = "proptest")]
    pub(in crate::matching) mod scenario {
        use proptest::prelude::*;

        use super::*;
        use crate::matching::{MatchInput, MatchPolicy};
        use crate::strategies;

        /// Everything a candidate test needs.
        #[derive(Debug, Clone)]
        pub(in crate::matching) struct Scenario {
            pub(in crate::matching) graph: QualificationGraph,
            pub(in crate::matching) rules: EligibilityPolicy,
            pub(in crate::matching) policy: MatchPolicy,
            pub(in crate::matching) input: MatchInput,
            pub(in crate::matching) at: DateTime<FixedOffset>,
            /// `(volunteer, shift)` index pairs to give the keep bonus.
            pub(in crate::matching) keep: Vec<(u32, u32)>,
        }

        const DIVISIONS: [&str; 5] = ["320000", "320100", "320115", "320115005", "320111001"];
        const TAGS: [&str; 3] = ["党员", "youth", "medical"];

        fn training(k: usize) -> TrainingId {
            TrainingId::from_parts(8, k as u64 + 1)
        }

        fn near(dlat: i32, dlon: i32) -> GeoPoint {
            GeoPoint::from_micro_degrees(31_736_000 + dlat, 118_864_000 + dlon).unwrap()
        }

        fn point() -> impl Strategy<Value = Option<GeoPoint>> {
            prop::option::weighted(
                0.85,
                (-300_000_i32..300_000, -300_000_i32..300_000).prop_map(|(a, b)| near(a, b)),
            )
        }

        #[allow(
            clippy::type_complexity,
            reason = "a tuple of generated parts, unpacked at once"
        )]
        fn volunteer(n: u64, kinds: Vec<QualificationId>) -> impl Strategy<Value = Volunteer> {
            (
                (
                    0_u64..16_800,
                    0_u8..6,
                    prop::option::of(0_usize..5),
                    point(),
                ),
                (
                    0_usize..8,
                    prop_oneof![
                        3 => Just(Availability::always()),
                        2 => strategies::availability(),
                    ],
                ),
                prop::collection::vec(
                    (
                        0_usize..8,
                        strategies::date(),
                        prop::option::of(1_u64..3_650),
                    ),
                    0..3,
                ),
                prop::collection::vec(
                    (
                        0_usize..2,
                        strategies::date(),
                        prop::option::of(1_u64..3_650),
                    ),
                    0..2,
                ),
                prop::option::weighted(0.3, strategies::guardian_consent()),
            )
                .prop_map(
                    move |(
                        (born, status, div, home),
                        (tags, avail),
                        grants,
                        trainings,
                        consent,
                    )| {
                        let birth = day("1970-01-01")
                            .checked_add_days(chrono::Days::new(born))
                            .unwrap();
                        let mut b = Volunteer::builder(
                            VolunteerId::from_parts(1, n),
                            VolunteerNo::new(&format!("JS-2021-{n:06}")).unwrap(),
                            PersonName::new("赵六").unwrap(),
                            IdDocument::parse(Some(IdDocumentKind::Passport), &format!("E{n:08}"))
                                .unwrap(),
                        )
                        .birth_date(birth)
                        .sex(crate::Sex::Female)
                        .channel(crate::RegistrationChannel::WeChat)
                        .availability(avail);
                        if let Some(d) = div {
                            b = b.home_division(DIVISIONS[d].parse().unwrap());
                        }
                        if let Some(p) = home {
                            b = b.home_point(p);
                        }
                        for (k, tag) in TAGS.iter().enumerate() {
                            if tags >> k & 1 == 1 {
                                b = b.tag(Tag::new(tag).unwrap());
                            }
                        }
                        for (k, from, len) in grants {
                            if let Some(&q) = kinds.get(k % kinds.len().max(1)) {
                                let until =
                                    len.and_then(|l| from.checked_add_days(chrono::Days::new(l)));
                                b = b.qualification(
                                    QualificationGrant::new(q, from, until, None).unwrap(),
                                );
                            }
                        }
                        for (k, from, len) in trainings {
                            let until =
                                len.and_then(|l| from.checked_add_days(chrono::Days::new(l)));
                            b = b.training(TrainingRecord::new(training(k), from, until).unwrap());
                        }
                        if let Some(c) = consent {
                            b = b.guardian_consent(c);
                        }
                        let mut v = b.build().unwrap();
                        let then = fx::at("2019-12-01T09:00:00+08:00");
                        // 0 registered, 1–3 verified, 4 suspended, 5 cancelled.
                        if status >= 1 {
                            v.verify(then, VerificationMethod::InPerson).unwrap();
                        }
                        if status == 4 {
                            v.suspend(then, StatusReason::new("complaint").unwrap())
                                .unwrap();
                        }
                        if status == 5 {
                            v.cancel(then, StatusReason::new("moved away").unwrap())
                                .unwrap();
                        }
                        v
                    },
                )
        }

        #[allow(
            clippy::type_complexity,
            reason = "a tuple of generated parts, unpacked at once"
        )]
        fn shift(
            n: u64,
            kinds: Vec<QualificationId>,
            activities: Vec<ActivityId>,
        ) -> impl Strategy<Value = Shift> {
            (
                (
                    prop_oneof![
                        3 => (strategies::instant(), 30_i64..600).prop_map(|(start, len)| {
                            TimeSpan::new(start, start + chrono::TimeDelta::minutes(len)).unwrap()
                        }),
                        1 => strategies::time_span(),
                    ],
                    0_usize..3,
                    1_u32..4,
                ),
                (
                    prop::option::weighted(0.4, 0_usize..8),
                    prop::option::weighted(0.2, 0_usize..2),
                    prop::option::weighted(0.2, 0_usize..3),
                ),
                (
                    prop::option::weighted(0.4, 10_u8..=20),
                    strategies::age_rule(),
                    prop::option::weighted(0.5, 500_u32..60_000),
                    0_usize..16,
                ),
                prop::option::of(point()),
            )
                .prop_map(
                    move |((span, a, slots), (q, t, tag), (min_age, rule, dist, j), place)| {
                        let mut r = Requirements::builder().age_rule(rule);
                        if let Some(&q) = q.and_then(|k| kinds.get(k % kinds.len().max(1))) {
                            r = r.qualification(q);
                        }
                        if let Some(t) = t {
                            r = r.training(training(t));
                        }
                        if let Some(k) = tag {
                            r = r.tag(Tag::new(TAGS[k]).unwrap());
                        }
                        if let Some(m) = min_age {
                            r = r.min_age(m);
                        }
                        if let Some(d) = dist {
                            r = r.max_distance_m(d);
                        }
                        r = r.jurisdiction(match j {
                            0..=4 => Jurisdiction::Required(DIVISIONS[j].parse().unwrap()),
                            5 => Jurisdiction::Preferred(DIVISIONS[2].parse().unwrap()),
                            _ => Jurisdiction::Any,
                        });
                        let activity = activities[a % activities.len()];
                        let s = Shift::new(
                            ShiftId::from_parts(2, n),
                            activity,
                            span,
                            slots,
                            r.build().unwrap(),
                        )
                        .unwrap();
                        match place {
                            Some(p) => {
                                let mut l =
                                    Location::new("320115005".parse().unwrap(), "服务点").unwrap();
                                if let Some(p) = p {
                                    l = l.with_point(p);
                                }
                                s.with_location(l)
                            }
                            None => s,
                        }
                    },
                )
        }

        /// Random scenarios of up to 10 volunteers and 8 shifts.
        pub(in crate::matching) fn scenario() -> impl Strategy<Value = Scenario> {
            (
                strategies::qualification_graph(),
                prop::collection::vec(
                    (
                        strategies::activity(),
                        prop::option::weighted(0.3, strategies::hazard()),
                    )
                        .prop_map(|(a, hazard)| {
                            // Mostly ordinary work; hazardous (insured or not) now and then.
                            Activity::builder(
                                a.id(),
                                a.organiser(),
                                a.title(),
                                a.category().clone(),
                                a.location().clone(),
                                a.recruitment().clone(),
                            )
                            .hazard(hazard.unwrap_or(Hazard::None))
                            .build()
                            .unwrap()
                        }),
                    1..3,
                ),
                1_u64..=10,
                1_u64..=8,
            )
                .prop_flat_map(|(graph, acts, nv, ns)| {
                    let kinds: Vec<QualificationId> =
                        graph.kinds().map(QualificationKind::id).collect();
                    let mut seen = BTreeSet::new();
                    let acts: Vec<Activity> =
                        acts.into_iter().filter(|a| seen.insert(a.id())).collect();
                    let ids: Vec<ActivityId> = acts.iter().map(Activity::id).collect();
                    let vols: Vec<_> = (1..=nv).map(|n| volunteer(n, kinds.clone())).collect();
                    let shifts: Vec<_> = (1..=ns)
                        .map(|n| shift(n, kinds.clone(), ids.clone()))
                        .collect();
                    (
                        (Just(graph), Just(acts), vols, shifts),
                        (
                            strategies::eligibility_policy(),
                            strategies::match_policy(),
                            prop_oneof![
                                3 => Just(fx::at("2019-12-31T00:00:00+08:00")),
                                1 => strategies::instant()
                            ],
                        ),
                        (
                            prop::collection::vec(strategies::volunteer_profile(), nv as usize),
                            prop::collection::vec((0..nv, strategies::commitment()), 0..4),
                            prop::collection::vec(0..nv, 0..3),
                            prop::collection::vec((0..nv as u32, 0..ns as u32), 0..4),
                        ),
                    )
                })
                .prop_map(
                    |(
                        (graph, acts, vols, shifts),
                        (rules, policy, at),
                        (profiles, held, guardians, keep),
                    )| {
                        let vids: Vec<VolunteerId> = vols.iter().map(Volunteer::id).collect();
                        let mut input = MatchInput::new(vols, shifts, acts).unwrap();
                        for (id, p) in vids.iter().zip(profiles) {
                            input = input.with_profile(*id, p).unwrap();
                        }
                        for (v, c) in held {
                            input = input.with_held(vids[v as usize], c).unwrap();
                        }
                        for v in guardians {
                            input = input.with_guardian(vids[v as usize]).unwrap();
                        }
                        Scenario {
                            graph,
                            rules,
                            policy,
                            input,
                            at,
                            keep,
                        }
                    },
                )
        }
    }

    #[cfg(feature = "proptest")]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// [`ShiftScreen`] admits exactly the pairs the index lets through when every cap is
        /// above zero.
        #[test]
        fn the_screen_admits_what_the_index_lets_through(sc in scenario::scenario()) {
            let e = Eligibility::new(&sc.graph, &sc.rules);
            let (vols, shifts) = (sc.input.volunteers(), sc.input.shifts());
            let acts: Vec<Activity> = shifts
                .iter()
                .filter_map(|s| sc.input.activity(s.activity()).cloned())
                .collect();
            let caps = vec![1; vols.len()];
            proptest::prop_assert_eq!(
                screened(e, vols, shifts, &acts, sc.at),
                indexed(e, vols, &caps, shifts, &acts, sc.at)
            );
        }
    }
}
