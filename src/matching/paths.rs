//! Successive shortest paths specialised to the transportation problem: one Dijkstra per unit
//! left after a greedy start, on a layout where a volunteer's step of a search reads only the
//! arcs that carry its flow.
//!
//! Crate-internal. [`super::TransportProblem`] validates its input, then calls [`solve`]; on
//! [`EngineError::GaveUp`] it falls back to another method.
//!
//! # Network
//! The general engine's network ([`super::transport`]): each shift `s` supplies its slots;
//! arcs `s → v` (cost, capacity), `v → hub` (cost 0, the volunteer's capacity) and
//! `s → hub` (the penalty, the shift's demand). Node prices follow the engine's convention:
//! the reduced cost of `u → w` is `cost + price(u) − price(w)`, and every residual arc keeps a
//! reduced cost `>= 0` throughout. Costs are not scaled (shortest paths need no `n + 1`
//! factor), so the final prices are the exact potentials.
//!
//! # Layout
//! - Arcs are stored once, by shift (CSR built by counting, in canonical order within a
//!   shift): an 8-byte slot of cost (32 bits) and volunteer. Residual units are held apart,
//!   one bit per slot when every arc has capacity 1, else a count per slot (with the
//!   capacities beside them).
//! - Each volunteer keeps a compact list of its flowing arcs (cost, slot, shift), at most
//!   `min(degree, capacity + units received by the greedy start)` entries, with swap-remove
//!   when an arc's flow returns to 0: a volunteer's step of a search reads those and its hub
//!   arc, never its other candidate arcs.
//! - A shift with many candidates keeps a cache of its [`CACHE_K`] best residual arcs (value
//!   `price(volunteer) − cost`; each entry copies the arc's cost and volunteer, so a search
//!   reads no slot) and a bound on the value of every other one (volunteer prices only fall,
//!   an arc that stops being residual leaves the cache, and one that becomes residual again
//!   is inserted). The greedy start fills the caches from its own selection. When a search
//!   settles the shift, it orders the cached arcs by reduced cost, relaxes the best, and
//!   queues each next one as a heap entry at its exact distance (a search that reaches the
//!   hub first pushes no more of them); the uncached arcs wait for a deferred heap entry keyed
//!   at their bound, which relaxes the [`TIER`] best of them (a second entry, at the next
//!   one's distance, relaxes the rest) and refills the cache from the reduced costs it has
//!   read. A warm start's caches are built at their shift's first step.
//! - The solver numbers the volunteers in breadth-first order over the network
//!   ([`renumber`]), so that a search that settles a shift reads its volunteers'
//!   prices and lists from a few cache lines; the slots stay in canonical order within a
//!   shift, the arcs keep their index, and the result and potentials go back to the
//!   problem's numbering.
//! - The result lists the arcs that carry flow, read from the volunteers' lists (each
//!   flowing arc's canonical position is a binary search among its volunteer's arcs), not
//!   from every slot; no flow per arc is laid out.
//!
//! # Method
//! 1. **Greedy start**: a shift with `e` slots lowers its price so that its `e` cheapest
//!    residual units are tight (reduced cost 0) and saturates the strictly cheaper ones
//!    (`select_nth_unstable`, no full sort).
//! 2. **Tight arcs**: a volunteer sends what it received to the hub up to its capacity; a
//!    shift with slots left sends them along tight arcs to volunteers with capacity left, or
//!    to its tight penalty arc.
//! 3. **Shortest paths**: for each node with units left, in index order, one Dijkstra on
//!    reduced costs stops at the hub at distance `D`; every node settled at `d < D` lowers its
//!    price by `D − d`, which keeps every reduced cost `>= 0` and makes the path tight; the
//!    path's bottleneck is sent.
//!
//! The searches count their work (arcs read, and [`POP_WORK`] per heap pop) and give up at
//! [`SSP_BUDGET`] times the general engine's residual slots (a search in progress stops
//! there too), or once a scan of the graph is spent at a pace that projects past it: then
//! [`solve`] reports [`EngineError::GaveUp`].
//!
//! # Warm start
//! [`resolve`] (热启动, used first by [`super::TransportProblem::resolve_from`]) loads a
//! previous flow on this layout, keeps the previous potentials as prices, and saturates every
//! residual arc of negative reduced cost (or empties a flowing arc whose reverse is
//! negative); nodes other than the hub may then have units or deficits, and a search stops
//! at the first node with a deficit it settles (a search through a hub without deficit reads
//! the hub's reverse arcs). The searches first get about one scan of the graph; if that runs
//! out, one exact global price update (a Dijkstra from the deficits on the reversed residual
//! graph: a volunteer's candidate arcs are read in canonical order, the residual ones told
//! from its few held arcs, and a shift's flowing arcs from its slots)
//! makes every shortest path to a deficit tight, a tight-arc pass sends what it can, and the
//! searches go on with the engine's warm budget.
//!
//! Determinism: every loop runs in index order, ties in the heap break on node index, and the
//! greedy selection and cache rebuilds order equal values by slot.

#![allow(
    clippy::many_single_char_names,
    clippy::needless_range_loop,
    reason = "graph code reads best with the textbook names u, v, s, k, e and index loops over nodes"
)]

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::bipartite::{Input, in_problem_order, in_solver_order, renumber};
use super::engine::{self, EngineError, POP_WORK, PRICE_LIMIT, SSP_BUDGET, WARM_SSP_BUDGET};

/// An optimal flow, as the arcs that carry it, and its exact potentials: what [`solve`] and
/// [`resolve`] return. Few of a city's arcs carry flow (100,068 of 5 million on
/// `s100k_spare`), so the flow is not laid out per arc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Flows {
    /// `(volunteer, arc, units)` for each input arc that carries flow (`units > 0`), in
    /// canonical arc order.
    pub(crate) used: Vec<(u32, u32, u32)>,
    /// Node potentials in the engine's convention (volunteers, then shifts, then the hub):
    /// every residual arc has a non-negative reduced cost.
    pub(crate) potential: Vec<i64>,
}

/// Entries in a shift's best-arc cache (32 measured ≈ 2 % slower on `s100k_spare`).
const CACHE_K: usize = 16;

/// Shifts with more candidate arcs than this keep a best-arc cache.
const CACHE_MIN_DEGREE: u32 = 32;

/// The least budget of the searches, in units of work (about a millisecond): giving up on a
/// small problem would save nothing.
const MIN_BUDGET: usize = 1 << 20;

/// Arcs the first deferred entry of a cached shift relaxes ([`Solver::relax_tier`]).
const TIER: usize = 32;

/// Marks a heap entry that relaxes the uncached arcs of a shift, by tiers.
const LATER: u32 = 1 << 31;

/// Marks a heap entry that relaxes the next arc of a shift's cache, in order of reduced cost.
const NEXT: u32 = 1 << 30;

/// Marks a search step along a hub arc (`v → hub` or `s → hub`).
const VIA_HUB: u32 = u32::MAX;

fn idx(x: u32) -> usize {
    x as usize
}

fn u32_of(x: usize) -> Result<u32, EngineError> {
    u32::try_from(x).map_err(|_| EngineError::Overflow)
}

/// The greedy start's sort key of an arc of cost `cost` in slot `slot`: ordered by cost, then
/// slot, in one `u64` comparison (a penalty arc has slot `u32::MAX`; one above `u32::MAX`
/// costs more than every arc and is keyed at `u32::MAX`, still last).
fn greedy_key(cost: u32, slot: u32) -> u64 {
    u64::from(cost) << 32 | u64::from(slot)
}

/// The slot of a [`greedy_key`].
fn key_slot(key: u64) -> u32 {
    u32::try_from(key & u64::from(u32::MAX)).unwrap_or(u32::MAX)
}

/// One arc seen from its shift (8 bytes: the scans read these, and a city's five million
/// of them are the layout's largest array). Its residual units are in [`Residual`].
///
/// The cost is held in 32 bits ([`check`] hands a problem with a larger cost to the other
/// solvers): with 12-byte slots, `s100k_spare`'s build spent ≈ 0.045 s of its 0.11 s
/// faulting in and filling the 60 MB array (3–5 µs a page on the benchmark machine).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    cost: u32,
    vol: u32,
}

impl Slot {
    fn cost(self) -> i64 {
        i64::from(self.cost)
    }
}

/// Residual units (capacity minus flow) of each slot's arc: one bit per slot when every arc
/// has capacity 1 (the usual problem), else a count per slot.
#[derive(Debug)]
enum Residual {
    /// Bit `k % 64` of word `k / 64`: whether slot `k`'s arc is residual.
    Bits(Vec<u64>),
    Units(Vec<u32>),
}

impl Residual {
    /// Residual units of slot `k`'s arc.
    #[inline]
    fn get(&self, k: usize) -> u32 {
        match self {
            Self::Bits(b) => u32::from((b[k >> 6] >> (k & 63)) & 1 == 1),
            Self::Units(u) => u[k],
        }
    }

    /// Sets the residual units of slot `k`'s arc (at most its capacity).
    #[inline]
    fn set(&mut self, k: usize, r: u32) {
        match self {
            Self::Bits(b) => {
                debug_assert!(r <= 1, "a unit arc's residual is 0 or 1");
                let bit = 1_u64 << (k & 63);
                if r > 0 {
                    b[k >> 6] |= bit;
                } else {
                    b[k >> 6] &= !bit;
                }
            }
            Self::Units(u) => u[k] = r,
        }
    }
}

/// What a search's step at a volunteer reads of it, in one place.
#[derive(Debug, Clone, Copy)]
struct Vol {
    /// Start of its entries in `held`.
    first: u32,
    /// Entries in use (its flowing arcs).
    len: u32,
    /// Capacity of its hub arc.
    cap: u32,
    /// Flow on its hub arc.
    out: u32,
}

/// A flowing arc seen from its volunteer.
#[derive(Debug, Clone, Copy, Default)]
struct Held {
    cost: i64,
    slot: u32,
    /// Shift index (not node index).
    shift: u32,
}

/// A cached arc: its cost and volunteer copied from its slot, so that a search reads the
/// cache and the volunteer's price, not the slot.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    cost: i64,
    vol: u32,
    slot: u32,
}

/// Best arcs of each high-degree shift: up to `CACHE_K` residual arcs (an arc that stops
/// being residual leaves its shift's cache), and `thr`, an upper bound on the value of every
/// residual arc not cached (`i64::MIN` when every residual arc is cached).
struct Cache {
    id: Vec<u32>,
    arcs: Vec<Entry>,
    len: Vec<u8>,
    thr: Vec<i64>,
    valid: Vec<bool>,
}

/// A node's label in a search, in one place: relaxing an arc reads and writes one line.
#[derive(Debug, Clone, Copy)]
struct Label {
    dist: i64,
    /// Node the search came from.
    parent: u32,
    /// Slot of the arc it came along, or [`VIA_HUB`].
    via: u32,
}

/// Scratch space of the searches, reset through `seen` rather than in full.
struct Search {
    label: Vec<Label>,
    seen: Vec<u32>,
    done: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    /// Position in its cache of the next arc a settled shift relaxes.
    cursor: Vec<u8>,
    /// Largest reduced cost among the arcs a settled cached shift's first deferred entry
    /// relaxed ([`Solver::relax_tier`]; `i64::MIN` before it): the second reads only the
    /// arcs above it.
    tier: Vec<i64>,
    /// The node with a deficit the last search reached (the hub, but for a warm start).
    target: u32,
}

impl Search {
    #[allow(clippy::inline_always, reason = "the hottest step of the searches")]
    #[inline(always)]
    fn relax(&mut self, w: u32, nd: i64, from: u32, via: u32) {
        let l = &mut self.label[idx(w)];
        if nd < l.dist {
            if l.dist == i64::MAX {
                self.seen.push(w);
            }
            *l = Label {
                dist: nd,
                parent: from,
                via,
            };
            self.heap.push(Reverse((nd, w)));
        }
    }
}

struct Solver<'a> {
    nv: usize,
    ns: usize,
    hub: usize,
    m: usize,
    sfirst: Vec<u32>,
    slots: Vec<Slot>,
    res: Residual,
    /// Capacity of each slot's arc, empty when every arc has capacity 1.
    scap: Vec<u32>,
    /// Slots left tight by the greedy start (cost equal to the shift's threshold), by shift
    /// (CSR over `tfirst`): the only arcs [`Solver::tight`] reads.
    ties: Vec<u32>,
    tfirst: Vec<u32>,
    vdeg: Vec<u32>,
    /// The problem's index of each volunteer, by the solver's index: the solver numbers the
    /// volunteers in breadth-first order over the network ([`renumber`]), so that a
    /// search that settles a shift reads its volunteers' prices and lists from a few cache
    /// lines. The arcs keep their canonical index (a volunteer's are
    /// `first[old[v]]..first[old[v] + 1]` in the problem's CSR).
    old: Vec<u32>,
    /// The inverse of `old`: the solver's index of each volunteer, by the problem's index.
    new: Vec<u32>,
    /// Each volunteer's flowing arcs, from its `Vol::first` up to the next volunteer's.
    held: Vec<Held>,
    vol: Vec<Vol>,
    demand: &'a [u32],
    pen: &'a [i64],
    unf: Vec<u32>,
    price: Vec<i64>,
    excess: Vec<i64>,
    cache: Cache,
    buf: Vec<(i64, u32)>,
}

/// Solves the transportation problem exactly by successive shortest paths, on the network
/// described in [`super::transport`]: the arcs that carry flow and the potentials
/// ([`Flows`]).
///
/// Reports [`EngineError::GaveUp`] when the searches run out of budget (or a cost or penalty
/// is negative), and [`EngineError::Overflow`] when prices would leave their range or an arc
/// cost does not fit 32 bits.
pub(crate) fn solve(input: &Input<'_>) -> Result<Flows, EngineError> {
    solve_within(
        input,
        residual_slots(input)
            .saturating_mul(SSP_BUDGET)
            .max(MIN_BUDGET),
    )
}

/// Slots of the general engine's residual graph for `input` (two per arc, hub arcs
/// included): the unit of the search budgets, as in the engine.
fn residual_slots(input: &Input<'_>) -> usize {
    input
        .arcs
        .len()
        .saturating_add(input.capacities.len())
        .saturating_add(input.demands.len())
        .saturating_mul(2)
}

/// The checks [`solve`] and [`resolve`] share: node and arc counts within the layout's
/// indices ([`EngineError::Overflow`]), no negative cost or penalty ([`EngineError::GaveUp`]:
/// the greedy start assumes none), costs within the solver's bound and arc costs within the
/// slots' 32 bits (`Overflow`).
fn check(input: &Input<'_>) -> Result<(), EngineError> {
    let n = input.capacities.len() + input.demands.len() + 1;
    if n >= idx(NEXT) {
        return Err(EngineError::Overflow);
    }
    u32_of(input.arcs.len())?;
    // One pass per slice, each a plain reduction (a chained iterator is not vectorised).
    let span = |xs: &[i64]| {
        xs.iter()
            .fold((0_i64, 0_i64), |(lo, hi), &c| (lo.min(c), hi.max(c)))
    };
    let (lo_arc, hi_arc) = span(input.arcs.costs());
    let (lo_pen, hi_pen) = span(input.penalties);
    let (min_cost, max_cost) = (lo_arc.min(lo_pen), hi_arc.max(hi_pen));
    if min_cost < 0 {
        return Err(EngineError::GaveUp);
    }
    if !engine::fits(n, max_cost) || u32::try_from(hi_arc).is_err() {
        return Err(EngineError::Overflow);
    }
    Ok(())
}

/// [`solve`] with a budget of `budget` units of work.
fn solve_within(input: &Input<'_>, budget: usize) -> Result<Flows, EngineError> {
    check(input)?;
    let mut s = Solver::build(input)?;
    let saturated = s.greedy()?;
    s.hold(&saturated)?;
    s.tight()?;
    s.paths(budget, usize::MAX)?;
    s.finish(input)
}

/// Re-optimises from a previous solution (a warm start, 热启动) on this layout: `flow` per
/// arc of the general engine's network (the input's arcs, then each volunteer's hub arc,
/// then each shift's penalty arc) and `potential` per node (volunteers, shifts, hub) in the
/// engine's sign convention and cost units, as [`engine::resolve`] takes them.
///
/// The flow is loaded within the capacities, every residual arc of negative reduced cost is
/// saturated, then the units are sent by shortest paths with a budget of about one scan of
/// the graph; if that runs out, one exact global price update (a Dijkstra from the deficits
/// on the reversed residual graph) makes every shortest path to a deficit tight, the tight
/// arcs are used, and the shortest paths go on with the warm budget.
///
/// Reports [`EngineError::GaveUp`] when the searches run out of their warm budget (or a
/// cost or penalty is negative), and
/// [`EngineError::Overflow`] when prices would leave their range or an arc cost does not fit
/// 32 bits; the caller then falls back.
pub(crate) fn resolve(
    input: &Input<'_>,
    flow: &[u32],
    potential: &[i64],
) -> Result<Flows, EngineError> {
    resolve_within(
        input,
        flow,
        potential,
        residual_slots(input).max(MIN_BUDGET),
    )
}

/// [`resolve`] with a budget of `first` units of work for the searches before the global
/// price update.
fn resolve_within(
    input: &Input<'_>,
    flow: &[u32],
    potential: &[i64],
    first: usize,
) -> Result<Flows, EngineError> {
    let nv = input.capacities.len();
    let ns = input.demands.len();
    if flow.len() != input.arcs.len() + nv + ns || potential.len() != nv + ns + 1 {
        return Err(EngineError::Overflow);
    }
    check(input)?;
    if potential.iter().any(|p| p.abs() > PRICE_LIMIT / 4) {
        return Err(EngineError::Overflow);
    }
    let mut s = Solver::build(input)?;
    s.price = in_solver_order(&s.old, potential);
    let flowing = s.load(input, flow)?;
    s.hold(&flowing)?;
    // Searches from the old prices first, for about the work of one global update (and a
    // quarter of it in one search): after a few withdrawals with spare capacity they finish
    // well within it (a quarter of it for 1,011 units on `s100k_spare`). Otherwise (a tight
    // problem: the old prices leave a gap of about the penalty at the hub, and each search
    // would settle most of the graph) the state is still valid; one exact global update
    // then makes every shortest path to a deficit tight, and the searches go on from there.
    match s.paths(first, first / 4) {
        Ok(()) => {}
        Err(EngineError::GaveUp) => {
            s.global_update(input)?;
            s.tight_warm()?;
            s.paths(
                residual_slots(input)
                    .saturating_mul(WARM_SSP_BUDGET)
                    .max(MIN_BUDGET),
                usize::MAX,
            )?;
        }
        Err(e) => return Err(e),
    }
    s.finish(input)
}

impl Solver<'_> {
    /// The arcs with flow, read from the volunteers' lists of flowing arcs.
    fn finish(&self, input: &Input<'_>) -> Result<Flows, EngineError> {
        let s = self;
        // Every arc with flow is on its volunteer's list; its canonical position is found among
        // the volunteer's arcs (sorted by shift), so the slots are not read again.
        let mut used = Vec::with_capacity(s.vol.iter().map(|x| idx(x.len)).sum());
        let vfirst = input.arcs.first();
        // Volunteers in the problem's order, so that the list comes out in canonical order
        // (by volunteer in the problem's numbering, then shift) with one short sort each.
        for (o, &v) in s.new.iter().enumerate() {
            let (o, v) = (u32_of(o)?, idx(v));
            let start = used.len();
            let first = idx(vfirst[idx(o)]);
            let mine = &input.arcs.sinks()[first..first + idx(s.vdeg[v])];
            let lo = idx(s.vol[v].first);
            for h in &s.held[lo..lo + idx(s.vol[v].len)] {
                let i = mine
                    .binary_search(&h.shift)
                    .map_err(|_| EngineError::Overflow)?;
                let units = s.slot_cap(idx(h.slot)) - s.res.get(idx(h.slot));
                if units > 0 {
                    used.push((o, u32_of(first + i)?, units));
                }
            }
            used[start..].sort_unstable_by_key(|&(_, i, _)| i);
        }
        Ok(Flows {
            used,
            potential: in_problem_order(&s.old, &s.price),
        })
    }
}

impl Solver<'_> {
    /// Loads a previous flow (engine layout, clipped to the capacities) and saturates every
    /// residual arc of negative reduced cost under the current prices (or empties the arc
    /// whose reverse is negative). Returns the flowing slots with their shifts, by slot.
    fn load(&mut self, input: &Input<'_>, flow: &[u32]) -> Result<Vec<(u32, u32)>, EngineError> {
        let (nv, ns, m, hub) = (self.nv, self.ns, self.m, self.hub);
        let mut pos: Vec<u32> = self.sfirst[..ns].to_vec();
        let new = &self.new;
        let mut flowing = Vec::new();
        // In canonical order: the volunteers' prices are read in sequence, the shifts' (a
        // small array) at random, and a slot is written only when its arc carries flow.
        for (a, &f) in input.arcs.iter().zip(flow) {
            let sh = idx(a.sink().get());
            let v = idx(new[idx(a.source().get())]);
            let k = pos[sh];
            pos[sh] += 1;
            let cap = a.capacity();
            let rc = a.cost() + self.price[nv + sh] - self.price[v];
            let f = match rc.cmp(&0) {
                std::cmp::Ordering::Less => cap,
                std::cmp::Ordering::Greater => 0,
                std::cmp::Ordering::Equal => f.min(cap),
            };
            if f > 0 {
                self.res.set(idx(k), cap - f);
                self.excess[v] += i64::from(f);
                self.excess[nv + sh] -= i64::from(f);
                flowing.push((k, u32_of(sh)?));
            }
        }
        flowing.sort_unstable();
        for v in 0..nv {
            let f = flow
                .get(m + idx(self.old[v]))
                .copied()
                .unwrap_or(0)
                .min(self.vol[v].cap);
            self.vol[v].out = f;
            self.excess[v] -= i64::from(f);
            self.excess[hub] += i64::from(f);
        }
        for sh in 0..ns {
            let f = flow
                .get(m + nv + sh)
                .copied()
                .unwrap_or(0)
                .min(self.demand[sh]);
            self.unf[sh] = f;
            self.excess[nv + sh] -= i64::from(f);
            self.excess[hub] += i64::from(f);
        }
        let ph = self.price[hub];
        for sh in 0..ns {
            let x = nv + sh;
            let px = self.price[x];
            let rc = self.pen[sh] + px - ph;
            let (unf, d) = (self.unf[sh], self.demand[sh]);
            if rc < 0 && unf < d {
                self.excess[x] -= i64::from(d - unf);
                self.excess[hub] += i64::from(d - unf);
                self.unf[sh] = d;
            } else if rc > 0 && unf > 0 {
                self.excess[x] += i64::from(unf);
                self.excess[hub] -= i64::from(unf);
                self.unf[sh] = 0;
            }
        }
        for v in 0..nv {
            let rc = self.price[v] - ph;
            let (out, cap) = (self.vol[v].out, self.vol[v].cap);
            if rc < 0 && out < cap {
                self.excess[v] -= i64::from(cap - out);
                self.excess[hub] += i64::from(cap - out);
                self.vol[v].out = cap;
            } else if rc > 0 && out > 0 {
                self.excess[v] += i64::from(out);
                self.excess[hub] -= i64::from(out);
                self.vol[v].out = 0;
            }
        }
        Ok(flowing)
    }

    /// One exact global price update: a Dijkstra from the deficits on the reversed residual
    /// graph, until every node with units is settled at some distance; every node then
    /// lowers its price by its distance (at most the last one settled), which keeps every
    /// reduced cost `>= 0` and makes every shortest path to a deficit tight.
    fn global_update(&mut self, input: &Input<'_>) -> Result<(), EngineError> {
        let (nv, ns, hub) = (self.nv, self.ns, self.hub);
        let n = hub + 1;
        let (vfirst, sinks, costs) = (input.arcs.first(), input.arcs.sinks(), input.arcs.costs());
        let mut dist = vec![i64::MAX; n];
        let mut done = vec![false; n];
        let mut heap = BinaryHeap::new();
        let mut waiting = 0_usize;
        for x in 0..n {
            if self.excess[x] < 0 {
                dist[x] = 0;
                heap.push(Reverse((0_i64, u32_of(x)?)));
            } else if self.excess[x] > 0 {
                waiting += 1;
            }
        }
        let relax =
            |dist: &mut Vec<i64>, heap: &mut BinaryHeap<Reverse<(i64, u32)>>, u: usize, nd: i64| {
                if nd < dist[u] {
                    dist[u] = nd;
                    heap.push(Reverse((nd, u32::try_from(u).unwrap_or(u32::MAX))));
                }
            };
        let mut reach = 0_i64;
        while waiting > 0 {
            let Some(Reverse((d, w))) = heap.pop() else {
                return Err(EngineError::Infeasible);
            };
            let w = idx(w);
            if done[w] || d > dist[w] {
                continue;
            }
            done[w] = true;
            reach = d;
            if self.excess[w] > 0 {
                waiting -= 1;
            }
            let pw = self.price[w];
            if w == hub {
                for v in 0..nv {
                    if self.vol[v].out < self.vol[v].cap {
                        relax(&mut dist, &mut heap, v, d + self.price[v] - pw);
                    }
                }
                for sh in 0..ns {
                    if self.unf[sh] < self.demand[sh] {
                        let x = nv + sh;
                        relax(
                            &mut dist,
                            &mut heap,
                            x,
                            d + self.pen[sh] + self.price[x] - pw,
                        );
                    }
                }
            } else if w < nv {
                // The volunteer's arcs in canonical order (read in sequence): residual unless
                // flowing at full capacity, which only its few held arcs can be.
                let held = &self.held[idx(self.vol[w].first)..][..idx(self.vol[w].len)];
                let o = idx(self.old[w]);
                for i in idx(vfirst[o])..idx(vfirst[o + 1]) {
                    let sh = sinks[i];
                    let residual = match held.iter().find(|h| h.shift == sh) {
                        Some(h) => self.res.get(idx(h.slot)) > 0,
                        None => input.arcs.capacity_at(i) > 0,
                    };
                    if residual {
                        let x = nv + idx(sh);
                        relax(&mut dist, &mut heap, x, d + costs[i] + self.price[x] - pw);
                    }
                }
                if self.vol[w].out > 0 {
                    relax(&mut dist, &mut heap, hub, d + self.price[hub] - pw);
                }
            } else {
                let sh = w - nv;
                for k in idx(self.sfirst[sh])..idx(self.sfirst[sh + 1]) {
                    let sl = self.slots[k];
                    if self.res.get(k) < self.slot_cap(k) {
                        let v = idx(sl.vol);
                        relax(&mut dist, &mut heap, v, d - sl.cost() + self.price[v] - pw);
                    }
                }
                if self.unf[sh] > 0 {
                    relax(
                        &mut dist,
                        &mut heap,
                        hub,
                        d - self.pen[sh] + self.price[hub] - pw,
                    );
                }
            }
        }
        for x in 0..n {
            let by = if done[x] { dist[x] } else { reach };
            if by > 0 {
                self.price[x] = self.price[x]
                    .checked_sub(by)
                    .filter(|&p| p >= -PRICE_LIMIT)
                    .ok_or(EngineError::Overflow)?;
            }
        }
        Ok(())
    }

    /// The tight-arc pass of a warm start: volunteers with units send them to the hub, and
    /// shifts with units send them along tight arcs to volunteers whose hub arc is tight and
    /// has room, or along a tight penalty arc.
    fn tight_warm(&mut self) -> Result<(), EngineError> {
        let (nv, hub) = (self.nv, self.hub);
        let ph = self.price[hub];
        for v in 0..nv {
            let room = u32::try_from(-self.excess[hub]).unwrap_or(0);
            let Ok(e) = u32::try_from(self.excess[v]) else {
                continue;
            };
            let d = e.min(self.vol[v].cap - self.vol[v].out).min(room);
            if d > 0 && self.price[v] == ph {
                self.vol[v].out += d;
                self.excess[v] -= i64::from(d);
                self.excess[hub] += i64::from(d);
            }
        }
        for sh in 0..self.ns {
            let x = nv + sh;
            if self.excess[x] <= 0 {
                continue;
            }
            let px = self.price[x];
            let sh32 = u32_of(sh)?;
            for k in idx(self.sfirst[sh])..idx(self.sfirst[sh + 1]) {
                let room = u32::try_from(-self.excess[hub]).unwrap_or(0);
                let Ok(e) = u32::try_from(self.excess[x]) else {
                    break;
                };
                if e == 0 || room == 0 {
                    break;
                }
                let sl = self.slots[k];
                let v = idx(sl.vol);
                let res = self.res.get(k);
                if res == 0
                    || sl.cost() + px != self.price[v]
                    || self.price[v] != ph
                    || self.vol[v].out == self.vol[v].cap
                {
                    continue;
                }
                let d = e.min(res).min(self.vol[v].cap - self.vol[v].out).min(room);
                self.send_to_hub(x, k, sh32, d)?;
            }
            let room = u32::try_from(-self.excess[hub]).unwrap_or(0);
            let open = self.demand[sh] - self.unf[sh];
            if let Ok(e) = u32::try_from(self.excess[x])
                && e > 0
                && open > 0
                && self.pen[sh] + px == ph
            {
                let d = e.min(open).min(room);
                self.unf[sh] += d;
                self.excess[x] -= i64::from(d);
                self.excess[hub] += i64::from(d);
            }
        }
        Ok(())
    }
}

impl<'a> Solver<'a> {
    /// Capacity of slot `k`'s arc.
    fn slot_cap(&self, k: usize) -> u32 {
        self.scap.get(k).copied().unwrap_or(1)
    }

    fn build(input: &Input<'a>) -> Result<Self, EngineError> {
        let nv = input.capacities.len();
        let ns = input.demands.len();
        let m = input.arcs.len();
        let (first, sinks, costs) = (input.arcs.first(), input.arcs.sinks(), input.arcs.costs());
        let mut sfirst = vec![0_u32; ns + 1];
        for &s in sinks {
            sfirst[idx(s) + 1] += 1;
        }
        for s in 0..ns {
            sfirst[s + 1] += sfirst[s];
        }
        let mut pos: Vec<u32> = sfirst[..ns].to_vec();
        let mut slots = vec![Slot::default(); m];
        let unit = input.arcs.unit();
        let mut scap = if unit { Vec::new() } else { vec![0_u32; m] };
        for v in 0..nv {
            let vol = u32_of(v)?;
            for i in idx(first[v])..idx(first[v + 1]) {
                let s = idx(sinks[i]);
                let k = idx(pos[s]);
                pos[s] += 1;
                let capacity = input.arcs.capacity_at(i);
                slots[k] = Slot {
                    cost: u32::try_from(costs[i]).map_err(|_| EngineError::Overflow)?,
                    vol,
                };
                if !unit {
                    scap[k] = capacity;
                }
            }
        }
        // Slots stay in canonical order within a shift (ties break as in the problem's
        // order); only the volunteers are renumbered.
        let (old, new) = renumber(first, sinks, &sfirst, &mut slots, |sl: &mut Slot| {
            &mut sl.vol
        })?;
        let vdeg = old
            .iter()
            .map(|&o| first[idx(o) + 1] - first[idx(o)])
            .collect();
        let mut id = vec![u32::MAX; ns];
        let mut count = 0_usize;
        for s in 0..ns {
            if sfirst[s + 1] - sfirst[s] > CACHE_MIN_DEGREE {
                id[s] = u32_of(count)?;
                count += 1;
            }
        }
        let n = nv + ns + 1;
        let mut excess = vec![0_i64; n];
        let mut total = 0_i64;
        for (s, &d) in input.demands.iter().enumerate() {
            excess[nv + s] = i64::from(d);
            total += i64::from(d);
        }
        excess[nv + ns] = -total;
        Ok(Self {
            nv,
            ns,
            hub: nv + ns,
            m,
            sfirst,
            slots,
            res: if unit {
                Residual::Bits(vec![u64::MAX; m.div_ceil(64)])
            } else {
                Residual::Units(scap.clone())
            },
            scap,
            ties: Vec::new(),
            tfirst: Vec::new(),
            vdeg,
            held: Vec::new(),
            vol: old
                .iter()
                .map(|&o| Vol {
                    first: 0,
                    len: 0,
                    cap: input.capacities[idx(o)],
                    out: 0,
                })
                .collect(),
            old,
            new,
            demand: input.demands,
            pen: input.penalties,
            unf: vec![0; ns],
            price: vec![0; n],
            excess,
            cache: Cache {
                id,
                arcs: vec![
                    Entry::default();
                    count.checked_mul(CACHE_K).ok_or(EngineError::Overflow)?
                ],
                len: vec![0; count],
                thr: vec![i64::MIN; count],
                valid: vec![false; count],
            },
            buf: Vec::new(),
        })
    }

    /// Greedy start: each shift with `e` slots lowers its price until its `e` cheapest units
    /// (candidate arcs and its penalty arc) are tight or better, and saturates the strictly
    /// better arcs. Returns the saturated slots with their shifts; records the tight ones.
    fn greedy(&mut self) -> Result<Vec<(u32, u32)>, EngineError> {
        let nv = self.nv;
        let mut saturated = Vec::new();
        self.ties.clear();
        self.tfirst = vec![0; self.ns + 1];
        let mut keys: Vec<u64> = Vec::new();
        for s in 0..self.ns {
            self.tfirst[s] = u32_of(self.ties.len())?;
            let e = u64::from(self.demand[s]);
            if e == 0 {
                continue;
            }
            let (lo, hi) = (idx(self.sfirst[s]), idx(self.sfirst[s + 1]));
            let cached = self.cache.id[s] != u32::MAX;
            // Prices are all 0 here: reduced costs are the costs. Entries are `(cost, slot)`
            // keys ([`greedy_key`]), the penalty arc's slot is `u32::MAX`.
            keys.clear();
            for k in lo..hi {
                keys.push(greedy_key(self.slots[k].cost, u32_of(k)?));
            }
            keys.push(greedy_key(
                u32::try_from(self.pen[s]).unwrap_or(u32::MAX),
                u32::MAX,
            ));
            let pen = self.pen[s];
            let cost_of = |key: u64| match key_slot(key) {
                u32::MAX => pen,
                _ => i64::try_from(key >> 32).unwrap_or(i64::MAX),
            };
            let units = (lo..hi).map(|k| u64::from(self.res.get(k))).sum::<u64>() + e;
            // Keys at the head of `keys` in order, when a cached shift can take its cache
            // from them.
            let mut sorted = 0;
            let t = if units <= e {
                keys.iter().map(|&x| cost_of(x)).max().unwrap_or(0)
            } else {
                // Every arc holds at least one unit, so the `e` cheapest arcs hold at least
                // `e` units: select them (and a cache's worth more for a cached shift),
                // then sort only those.
                let k = usize::try_from(e).unwrap_or(usize::MAX).min(keys.len());
                let wide = if cached {
                    k.saturating_add(CACHE_K + 2).min(keys.len())
                } else {
                    k
                };
                if wide < keys.len() {
                    keys.select_nth_unstable(wide);
                }
                let head = &mut keys[..wide];
                head.sort_unstable();
                sorted = wide;
                let mut acc = 0_u64;
                let mut t = 0_i64;
                for &key in &head[..k] {
                    t = cost_of(key);
                    let slot = idx(key_slot(key));
                    acc += if slot < hi {
                        u64::from(self.res.get(slot))
                    } else {
                        e
                    };
                    if acc >= e {
                        break;
                    }
                }
                t
            };
            // Costs are `>= 0`, so is `t`.
            let t = t.max(0);
            self.price[nv + s] = -t;
            let s32 = u32_of(s)?;
            for k in lo..hi {
                let sl = self.slots[k];
                if sl.cost() < t {
                    let r = self.res.get(k);
                    self.res.set(k, 0);
                    let v = idx(sl.vol);
                    self.excess[v] += i64::from(r);
                    self.excess[nv + s] -= i64::from(r);
                    saturated.push((u32_of(k)?, s32));
                } else if sl.cost() == t {
                    self.ties.push(u32_of(k)?);
                }
            }
            if cached && !self.cache_from_greedy(s, &keys[..sorted], sorted < keys.len()) {
                self.rebuild(s);
            }
        }
        self.tfirst[self.ns] = u32_of(self.ties.len())?;
        Ok(saturated)
    }

    /// Fills cached shift `s`'s cache from `head`, the keys ([`greedy_key`]) of the cheapest
    /// of its arcs and penalty arc in order of cost and slot (`more` when it has others), after
    /// the greedy start saturated the arcs cheaper than its threshold: the residual ones are
    /// the arcs from the threshold up, and the 17th of them bounds the rest. Returns whether
    /// they sufficed.
    fn cache_from_greedy(&mut self, s: usize, head: &[u64], more: bool) -> bool {
        let c = idx(self.cache.id[s]);
        let base = c * CACHE_K;
        let mut len = 0;
        let mut thr = i64::MIN;
        for &key in head {
            let slot = key_slot(key);
            // The penalty arc's key has no slot.
            let Some(sl) = self.slots.get(idx(slot)) else {
                continue;
            };
            // The greedy start has just emptied every arc cheaper than its threshold.
            if self.res.get(idx(slot)) == 0 {
                continue;
            }
            if len == CACHE_K {
                thr = -sl.cost();
                break;
            }
            self.cache.arcs[base + len] = Entry {
                cost: sl.cost(),
                vol: sl.vol,
                slot,
            };
            len += 1;
        }
        if thr == i64::MIN && more {
            return false;
        }
        self.cache.len[c] = u8::try_from(len).unwrap_or(0);
        self.cache.thr[c] = thr;
        self.cache.valid[c] = true;
        true
    }

    /// Lays out the volunteers' lists of flowing arcs and enters the greedy start's arcs.
    /// A volunteer holds at most `capacity + excess` units at any later time (its excess only
    /// falls, its flow to the hub stays within its capacity), so that many entries, and no
    /// more than its degree, always suffice.
    fn hold(&mut self, saturated: &[(u32, u32)]) -> Result<(), EngineError> {
        let nv = self.nv;
        let mut acc = 0_u32;
        for v in 0..nv {
            self.vol[v].first = acc;
            let extra = u32::try_from(self.excess[v]).unwrap_or(u32::MAX);
            let room = self.vdeg[v].min(self.vol[v].cap.saturating_add(extra));
            acc = acc.checked_add(room).ok_or(EngineError::Overflow)?;
        }
        self.held = vec![Held::default(); idx(acc)];
        for &(k, s) in saturated {
            let sl = self.slots[idx(k)];
            self.push_held(
                idx(sl.vol),
                Held {
                    cost: sl.cost(),
                    slot: k,
                    shift: s,
                },
            )?;
        }
        Ok(())
    }

    /// Sends `d` units from shift node `x` (shift `shift`) along slot `k` to its volunteer and
    /// on to the hub, entering the arc in the volunteer's list if it had no flow.
    fn send_to_hub(&mut self, x: usize, k: usize, shift: u32, d: u32) -> Result<(), EngineError> {
        let sl = self.slots[k];
        let v = idx(sl.vol);
        let res = self.res.get(k);
        if res == self.slot_cap(k) {
            self.push_held(
                v,
                Held {
                    cost: sl.cost(),
                    slot: u32_of(k)?,
                    shift,
                },
            )?;
        }
        self.res.set(k, res - d);
        if res == d {
            self.lose(idx(shift), u32_of(k)?);
        }
        self.vol[v].out += d;
        self.excess[x] -= i64::from(d);
        self.excess[self.hub] += i64::from(d);
        Ok(())
    }

    fn push_held(&mut self, v: usize, h: Held) -> Result<(), EngineError> {
        let len = self.vol[v].len;
        let at = self.vol[v].first + len;
        // The list ends where the next volunteer's starts (the last one's, at the end).
        let end = self
            .vol
            .get(v + 1)
            .map_or(self.held.len(), |x| idx(x.first));
        if idx(at) >= end {
            // The bound of `hold` is broken: a bug, reported rather than hidden.
            return Err(EngineError::Overflow);
        }
        self.held[idx(at)] = h;
        self.vol[v].len = len + 1;
        Ok(())
    }

    fn remove_held(&mut self, v: usize, slot: u32) {
        let lo = idx(self.vol[v].first);
        let len = idx(self.vol[v].len);
        if let Some(j) = self.held[lo..lo + len].iter().position(|h| h.slot == slot) {
            self.held.swap(lo + j, lo + len - 1);
            self.vol[v].len -= 1;
        }
    }

    /// Sends units along tight arcs: what volunteers received goes on to the hub within
    /// their capacity; a shift's slots left go to volunteers with capacity left along tight
    /// arcs, or to its penalty arc when that is tight.
    fn tight(&mut self) -> Result<(), EngineError> {
        let (nv, hub) = (self.nv, self.hub);
        for v in 0..nv {
            let Ok(e) = u32::try_from(self.excess[v]) else {
                continue;
            };
            let d = e.min(self.vol[v].cap - self.vol[v].out);
            if d > 0 {
                self.vol[v].out += d;
                self.excess[v] -= i64::from(d);
                self.excess[hub] += i64::from(d);
            }
        }
        for s in 0..self.ns {
            let x = nv + s;
            if self.excess[x] <= 0 {
                continue;
            }
            let px = self.price[x];
            let s32 = u32_of(s)?;
            for j in idx(self.tfirst[s])..idx(self.tfirst[s + 1]) {
                let k = idx(self.ties[j]);
                let Ok(e) = u32::try_from(self.excess[x]) else {
                    break;
                };
                if e == 0 {
                    break;
                }
                let sl = self.slots[k];
                let v = idx(sl.vol);
                // Cheapest test first: volunteers' prices are all the hub's here.
                if sl.cost() + px != self.price[v]
                    || self.res.get(k) == 0
                    || self.vol[v].out == self.vol[v].cap
                    || self.price[v] != self.price[hub]
                {
                    continue;
                }
                let d = e
                    .min(self.res.get(k))
                    .min(self.vol[v].cap - self.vol[v].out);
                self.send_to_hub(x, k, s32, d)?;
            }
            let open = self.demand[s] - self.unf[s];
            if let Ok(e) = u32::try_from(self.excess[x])
                && e > 0
                && open > 0
                && self.pen[s] + px == self.price[hub]
            {
                let d = e.min(open);
                self.unf[s] += d;
                self.excess[x] -= i64::from(d);
                self.excess[hub] += i64::from(d);
            }
        }
        Ok(())
    }

    /// One search per unit left, from each node with units, in index order; gives up past
    /// `budget` units of work in all, or `per_search` in one search.
    fn paths(&mut self, budget: usize, per_search: usize) -> Result<(), EngineError> {
        let n = self.hub + 1;
        let mut sc = Search {
            label: vec![
                Label {
                    dist: i64::MAX,
                    parent: u32::MAX,
                    via: VIA_HUB,
                };
                n
            ],
            seen: Vec::new(),
            done: Vec::new(),
            heap: BinaryHeap::new(),
            cursor: vec![0; n],
            tier: vec![i64::MIN; n],
            target: u32::MAX,
        };
        let total: i64 = self.excess.iter().filter(|&&e| e > 0).sum();
        let mut left = total;
        let mut work = 0_usize;
        // The general engine's residual graph has two slots per arc: the scale of its budget.
        let slots = self
            .m
            .saturating_add(self.nv)
            .saturating_add(self.ns)
            .saturating_mul(2);
        // The hub has units only in a warm start (its search then reads its reverse arcs).
        for src in 0..n {
            while self.excess[src] > 0 {
                // Give up when over budget, or when the pace so far projects past it, judged
                // once a scan of the graph (or a 32nd of the budget) is spent: a tight repair
                // without a keep bonus routes one unit per scan (10 of 999 by a quarter of
                // its budget on `s100k`), while one that pays off has done a fifth of its
                // units by then (130 of 660 with a keep bonus of 200).
                let done_units = u128::try_from(total - left).unwrap_or(0);
                let projected_over = work > slots.max(budget / 32)
                    && (work as u128) * u128::try_from(total).unwrap_or(0)
                        > (budget as u128) * done_units;
                if work > budget || projected_over {
                    return Err(EngineError::GaveUp);
                }
                let limit = budget.min(work.saturating_add(per_search));
                let reach = self.search(&mut sc, src, &mut work, limit)?;
                self.lower_prices(&sc, reach)?;
                left -= self.augment(&sc, src)?;
            }
        }
        Ok(())
    }

    /// Dijkstra on reduced costs from `src` to the hub; returns the hub's distance. Gives up
    /// once `work` passes `budget` (a search changes no flow or price, and the caches it
    /// rebuilds stay true, so the state is left as valid as before it).
    fn search(
        &mut self,
        sc: &mut Search,
        src: usize,
        work: &mut usize,
        budget: usize,
    ) -> Result<i64, EngineError> {
        let (nv, hub) = (self.nv, self.hub);
        let hub32 = u32_of(hub)?;
        for &v in &sc.seen {
            sc.label[idx(v)].dist = i64::MAX;
        }
        sc.seen.clear();
        sc.done.clear();
        sc.heap.clear();
        let src32 = u32_of(src)?;
        sc.label[src].dist = 0;
        sc.seen.push(src32);
        sc.heap.push(Reverse((0, src32)));
        while let Some(Reverse((d, code))) = sc.heap.pop() {
            *work += POP_WORK;
            if *work > budget {
                return Err(EngineError::GaveUp);
            }
            if code & LATER != 0 {
                // The rest of a cached shift's arcs, no shorter than this key.
                let x = idx(code & !LATER);
                self.relax_tier(sc, x, work);
                continue;
            }
            if code & NEXT != 0 {
                // The next cached arc of a shift, at exactly this distance.
                let x = idx(code & !NEXT);
                self.relax_next(sc, x);
                continue;
            }
            let x = idx(code);
            if d > sc.label[x].dist {
                continue;
            }
            if self.excess[x] < 0 {
                sc.target = code;
                return Ok(d);
            }
            sc.done.push(code);
            let px = self.price[x];
            if x == hub {
                // Only a warm start reaches a hub without deficit: its reverse arcs.
                self.relax_hub(sc, d, work)?;
            } else if x < nv {
                let (lo, len) = (idx(self.vol[x].first), idx(self.vol[x].len));
                *work += len + 1;
                for h in &self.held[lo..lo + len] {
                    let w = nv + idx(h.shift);
                    let rc = -h.cost + px - self.price[w];
                    sc.relax(u32_of(w)?, d + rc, code, h.slot);
                }
                if self.vol[x].out < self.vol[x].cap {
                    sc.relax(hub32, d + px - self.price[hub], code, VIA_HUB);
                }
            } else {
                let s = x - nv;
                let c = self.cache.id[s];
                if c == u32::MAX {
                    self.relax_range(sc, x, d, work);
                } else {
                    let c = idx(c);
                    if !self.cache.valid[c] {
                        *work += idx(self.sfirst[s + 1] - self.sfirst[s]);
                        self.rebuild(s);
                    }
                    let len = usize::from(self.cache.len[c]);
                    *work += len;
                    let base = c * CACHE_K;
                    // Order the cached arcs (all residual) by reduced cost: the best is relaxed
                    // now, each next one by a heap entry at its distance, so a search that
                    // ends first pushes no more of them.
                    let arcs = &mut self.cache.arcs[base..base + len];
                    let mut order = [(0_i64, 0_u32, Entry::default()); CACHE_K];
                    for (o, &e) in order.iter_mut().zip(arcs.iter()) {
                        *o = (e.cost + px - self.price[idx(e.vol)], e.slot, e);
                    }
                    let order = &mut order[..len];
                    order.sort_unstable_by_key(|o| (o.0, o.1));
                    for (a, o) in arcs.iter_mut().zip(order.iter()) {
                        *a = o.2;
                    }
                    if let Some(&(rc, k, e)) = order.first() {
                        sc.relax(e.vol, d + rc, code, k);
                    }
                    if let Some(&(rc, _, _)) = order.get(1) {
                        sc.cursor[x] = 1;
                        sc.heap.push(Reverse((d + rc, code | NEXT)));
                    }
                    let thr = self.cache.thr[c];
                    if thr != i64::MIN {
                        let bound = (px - thr).max(0);
                        sc.tier[x] = i64::MIN;
                        sc.heap.push(Reverse((d + bound, code | LATER)));
                    }
                }
                if self.unf[s] < self.demand[s] {
                    let rc = self.pen[s] + px - self.price[hub];
                    sc.relax(hub32, d + rc, code, VIA_HUB);
                }
            }
        }
        Err(EngineError::Infeasible)
    }

    /// Relaxes the hub's residual arcs (reverses of flowing hub arcs) at its distance `d`.
    fn relax_hub(&self, sc: &mut Search, d: i64, work: &mut usize) -> Result<(), EngineError> {
        let (nv, hub) = (self.nv, self.hub);
        let hub32 = u32_of(hub)?;
        let ph = self.price[hub];
        *work += hub;
        for v in 0..nv {
            if self.vol[v].out > 0 {
                sc.relax(u32_of(v)?, d + ph - self.price[v], hub32, VIA_HUB);
            }
        }
        for s in 0..self.ns {
            if self.unf[s] > 0 {
                let x = nv + s;
                sc.relax(
                    u32_of(x)?,
                    d - self.pen[s] + ph - self.price[x],
                    hub32,
                    VIA_HUB,
                );
            }
        }
        Ok(())
    }

    /// Relaxes every residual arc of shift node `x` at its settled distance.
    fn relax_range(&self, sc: &mut Search, x: usize, d: i64, work: &mut usize) {
        let s = x - self.nv;
        let (lo, hi) = (idx(self.sfirst[s]), idx(self.sfirst[s + 1]));
        *work += hi - lo;
        let px = self.price[x];
        let code = u32::try_from(x).unwrap_or(u32::MAX);
        for k in lo..hi {
            let sl = self.slots[k];
            if self.res.get(k) > 0 {
                let rc = sl.cost() + px - self.price[idx(sl.vol)];
                sc.relax(sl.vol, d + rc, code, u32::try_from(k).unwrap_or(u32::MAX));
            }
        }
    }

    /// A deferred entry of cached shift node `x`. The first relaxes its [`TIER`] residual
    /// arcs of least reduced cost (with any tied with the last) and queues a second entry at
    /// the reduced cost of the next arc; the second relaxes all that are left. Most searches
    /// end before a second entry, and relax (write the distance of, and queue) [`TIER`]
    /// volunteers rather than every candidate.
    ///
    /// The first entry has read every residual arc at its exact reduced cost: it refills the
    /// shift's cache from the best of them, so that the shift's next step needs no rebuild.
    /// The cache's ordered arcs need no more heap entries in this search (they are among
    /// those the tiers relax), so its cursor is moved past them.
    fn relax_tier(&mut self, sc: &mut Search, x: usize, work: &mut usize) {
        let s = x - self.nv;
        let d = sc.label[x].dist;
        let done = sc.tier[x];
        let (lo, hi) = (idx(self.sfirst[s]), idx(self.sfirst[s + 1]));
        *work += hi - lo;
        let px = self.price[x];
        let code = u32::try_from(x).unwrap_or(u32::MAX);
        self.buf.clear();
        for k in lo..hi {
            let sl = self.slots[k];
            if self.res.get(k) > 0 {
                let rc = sl.cost() + px - self.price[idx(sl.vol)];
                if rc > done {
                    self.buf.push((rc, u32::try_from(k).unwrap_or(u32::MAX)));
                }
            }
        }
        if done != i64::MIN {
            for &(rc, k) in &self.buf {
                sc.relax(self.slots[idx(k)].vol, d + rc, code, k);
            }
            return;
        }
        // A first tier of `TIER` arcs, then all the rest: a search reads the arcs twice at
        // most.
        if self.buf.len() > TIER {
            self.buf.select_nth_unstable(TIER - 1);
            let top = self.buf[TIER - 1].0;
            sc.tier[x] = top;
            let (head, tail) = self.buf.split_at(TIER);
            for &(rc, k) in head {
                sc.relax(self.slots[idx(k)].vol, d + rc, code, k);
            }
            let mut next = i64::MAX;
            for &(rc, k) in tail {
                if rc == top {
                    sc.relax(self.slots[idx(k)].vol, d + rc, code, k);
                } else {
                    next = next.min(rc);
                }
            }
            if next != i64::MAX {
                sc.heap.push(Reverse((d + next, code | LATER)));
            }
            // The `TIER` least reduced costs hold the cache's `CACHE_K` and the next one.
            self.buf.truncate(TIER);
        } else {
            for &(rc, k) in &self.buf {
                sc.relax(self.slots[idx(k)].vol, d + rc, code, k);
            }
        }
        // The reduced cost of arc `s → v` is `px - (price(v) - cost)`: the cache's value.
        let c = idx(self.cache.id[s]);
        self.cache_from_buf(c, px);
        sc.cursor[x] = u8::MAX;
    }

    /// Relaxes the next arc of settled shift node `x`'s ordered cache, and queues the one after.
    fn relax_next(&self, sc: &mut Search, x: usize) {
        let c = idx(self.cache.id[x - self.nv]);
        let base = c * CACHE_K;
        let len = usize::from(self.cache.len[c]);
        let i = usize::from(sc.cursor[x]);
        let d = sc.label[x].dist;
        let px = self.price[x];
        let code = u32::try_from(x).unwrap_or(u32::MAX);
        if i < len {
            let e = self.cache.arcs[base + i];
            sc.relax(
                e.vol,
                d + e.cost + px - self.price[idx(e.vol)],
                code,
                e.slot,
            );
        }
        if i + 1 < len {
            let e = self.cache.arcs[base + i + 1];
            let rc = e.cost + px - self.price[idx(e.vol)];
            sc.cursor[x] = u8::try_from(i + 1).unwrap_or(u8::MAX);
            sc.heap.push(Reverse((d + rc, code | NEXT)));
        }
    }

    /// Full scan of shift `s`: caches its best residual arcs and bounds the rest.
    fn rebuild(&mut self, s: usize) {
        self.buf.clear();
        for k in idx(self.sfirst[s])..idx(self.sfirst[s + 1]) {
            let sl = self.slots[k];
            if self.res.get(k) > 0 {
                let slot = u32::try_from(k).unwrap_or(u32::MAX);
                self.buf.push((sl.cost() - self.price[idx(sl.vol)], slot));
            }
        }
        self.cache_from_buf(idx(self.cache.id[s]), 0);
    }

    /// Fills cache `c` from `buf`, which holds `(key, slot)` for residual arcs of its shift,
    /// an arc's value being `offset − key` (`price(volunteer) − cost`): caches the
    /// [`CACHE_K`] of least key (ties by slot), and bounds the value of every other residual
    /// arc by that of the next one in `buf`. A residual arc missing from `buf` must be worth
    /// no more than that next one.
    fn cache_from_buf(&mut self, c: usize, offset: i64) {
        let thr = if self.buf.len() > CACHE_K {
            self.buf.select_nth_unstable(CACHE_K);
            offset - self.buf[CACHE_K].0
        } else {
            i64::MIN
        };
        let len = self.buf.len().min(CACHE_K);
        let base = c * CACHE_K;
        for (i, x) in self.buf[..len].iter().enumerate() {
            let sl = self.slots[idx(x.1)];
            self.cache.arcs[base + i] = Entry {
                cost: sl.cost(),
                vol: sl.vol,
                slot: x.1,
            };
        }
        self.cache.len[c] = u8::try_from(len).unwrap_or(0);
        self.cache.thr[c] = thr;
        self.cache.valid[c] = true;
    }

    /// Shift `s`'s cache if it has a valid one: its index, first entry and length.
    fn valid_cache(&self, s: usize) -> Option<(usize, usize, usize)> {
        let c = idx(self.cache.id[s]);
        let valid = self.cache.valid.get(c).copied().unwrap_or(false);
        valid.then(|| (c, c * CACHE_K, usize::from(self.cache.len[c])))
    }

    /// Slot `k` of shift `s` just became residual: keep the shift's cache true.
    fn gain(&mut self, s: usize, k: u32) {
        let Some((c, base, len)) = self.valid_cache(s) else {
            return;
        };
        let sl = self.slots[idx(k)];
        let new = Entry {
            cost: sl.cost(),
            vol: sl.vol,
            slot: k,
        };
        if len < CACHE_K {
            self.cache.arcs[base + len] = new;
            self.cache.len[c] += 1;
            return;
        }
        // Full: evict the lowest-valued entry (or drop the newcomer), raising the bound.
        let value = |e: &Entry| self.price[idx(e.vol)] - e.cost;
        let mut worst = base;
        let mut worst_val = i64::MAX;
        for i in base..base + len {
            let val = value(&self.cache.arcs[i]);
            if val < worst_val {
                worst_val = val;
                worst = i;
            }
        }
        let new_val = value(&new);
        if new_val > worst_val {
            self.cache.arcs[worst] = new;
            self.cache.thr[c] = self.cache.thr[c].max(worst_val);
        } else {
            self.cache.thr[c] = self.cache.thr[c].max(new_val);
        }
    }

    /// Slot `k` of shift `s` just stopped being residual: it leaves the shift's cache.
    fn lose(&mut self, s: usize, k: u32) {
        let Some((c, base, len)) = self.valid_cache(s) else {
            return;
        };
        let arcs = &mut self.cache.arcs[base..base + len];
        if let Some(i) = arcs.iter().position(|e| e.slot == k) {
            arcs.swap(i, len - 1);
            self.cache.len[c] -= 1;
        }
    }

    /// Lowers the price of every node settled before the hub by `reach − dist`.
    fn lower_prices(&mut self, sc: &Search, reach: i64) -> Result<(), EngineError> {
        for &x in &sc.done {
            let x = idx(x);
            let d = sc.label[x].dist;
            if d < reach {
                let p = self.price[x]
                    .checked_sub(reach - d)
                    .filter(|&p| p >= -PRICE_LIMIT)
                    .ok_or(EngineError::Overflow)?;
                self.price[x] = p;
            }
        }
        Ok(())
    }

    /// Sends the bottleneck of the search's path from `src` to the hub; returns the units sent.
    fn augment(&mut self, sc: &Search, src: usize) -> Result<i64, EngineError> {
        let (nv, hub) = (self.nv, self.hub);
        let target = idx(sc.target);
        let mut delta = self.excess[src].min(-self.excess[target]);
        let mut w = target;
        while w != src {
            let u = idx(sc.label[w].parent);
            let k = sc.label[w].via;
            let r = if u == hub {
                if w < nv {
                    self.vol[w].out
                } else {
                    self.unf[w - nv]
                }
            } else if u < nv {
                if w == hub {
                    self.vol[u].cap - self.vol[u].out
                } else {
                    self.slot_cap(idx(k)) - self.res.get(idx(k))
                }
            } else if w == hub {
                self.demand[u - nv] - self.unf[u - nv]
            } else {
                self.res.get(idx(k))
            };
            delta = delta.min(i64::from(r));
            w = u;
        }
        let d = u32::try_from(delta).map_err(|_| EngineError::Overflow)?;
        if d == 0 {
            return Err(EngineError::Overflow);
        }
        let mut w = target;
        while w != src {
            let u = idx(sc.label[w].parent);
            let k = sc.label[w].via;
            if u == hub {
                if w < nv {
                    self.vol[w].out -= d;
                } else {
                    self.unf[w - nv] -= d;
                }
            } else if u < nv {
                if w == hub {
                    self.vol[u].out += d;
                } else {
                    let cap = self.slot_cap(idx(k));
                    let before = self.res.get(idx(k));
                    let was_full = before == 0;
                    self.res.set(idx(k), before + d);
                    if before + d == cap {
                        self.remove_held(u, k);
                    }
                    if was_full {
                        self.gain(w - nv, k);
                    }
                }
            } else if w == hub {
                self.unf[u - nv] += d;
            } else {
                let cap = self.slot_cap(idx(k));
                let before = self.res.get(idx(k));
                self.res.set(idx(k), before - d);
                let cost = self.slots[idx(k)].cost();
                if before == d {
                    self.lose(u - nv, k);
                }
                if before == cap {
                    self.push_held(
                        w,
                        Held {
                            cost,
                            slot: k,
                            shift: u32_of(u - nv)?,
                        },
                    )?;
                }
            }
            w = u;
        }
        self.excess[src] -= delta;
        self.excess[target] += delta;
        Ok(delta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::transport::tests::{
        Changed, Raw, brute_force, build, medium, raw_problem, shape, solved_then_changed,
    };
    use crate::matching::{TransportMethod, TransportProblem, TransportSolution, verify};
    use proptest::prelude::*;

    fn input(p: &TransportProblem) -> (Vec<u32>, Vec<u32>, Vec<i64>) {
        let caps = (0..p.sources())
            .map(|v| {
                p.source_capacity(crate::matching::SourceIndex::new(u32::try_from(v).unwrap()))
                    .unwrap()
            })
            .collect();
        let sinks =
            (0..p.sinks()).map(|s| crate::matching::SinkIndex::new(u32::try_from(s).unwrap()));
        let demands = sinks.clone().map(|s| p.sink_demand(s).unwrap()).collect();
        let pens = sinks.map(|s| p.sink_penalty(s).unwrap()).collect();
        (caps, demands, pens)
    }

    fn solve_raw(p: &TransportProblem, budget: usize) -> Result<Flows, EngineError> {
        let (caps, demands, pens) = input(p);
        solve_within(
            &Input {
                capacities: &caps,
                demands: &demands,
                penalties: &pens,
                arcs: p.arcs(),
            },
            budget,
        )
    }

    /// The problem and its solution by this solver with 64 times the work budget of a
    /// solve: the tests check the method's result, and giving up (a designed fallback, tested
    /// on its own) is not in play. The budget is still finite, so that a bug that breaks the
    /// reduced costs (a search would then loop) fails a test instead of hanging it.
    fn paths(raw: &Raw) -> (TransportProblem, TransportSolution) {
        let p = build(raw);
        let input = p.bipartite_input();
        let budget = residual_slots(&input)
            .saturating_mul(SSP_BUDGET * 64)
            .max(MIN_BUDGET * 64);
        let sol = solve_within(&input, budget).unwrap();
        let sol = p.solution_from_flows(&sol).unwrap();
        (p, sol)
    }

    /// Every residual arc of the engine's network has reduced cost `>= 0` under the returned
    /// potentials (checked here on the raw solution, before `solution_from` clips the duals).
    fn certifies(p: &TransportProblem, sol: &Flows) -> bool {
        let (caps, demands, pens) = input(p);
        let nv = caps.len();
        let hub = nv + demands.len();
        let phi = &sol.potential;
        let mut out = vec![0_u32; nv];
        let mut filled = vec![0_u32; demands.len()];
        // The flow per arc, from the arcs that carry it (in canonical order, each with flow).
        let mut flow = vec![0_u32; p.arcs().len()];
        let mut last = None;
        for &(v, i, f) in &sol.used {
            let arc = p.arcs().get(idx(i)).unwrap();
            if f == 0 || arc.source().get() != v || last >= Some(i) {
                return false;
            }
            flow[idx(i)] = f;
            last = Some(i);
        }
        for (a, &f) in p.arcs().iter().zip(&flow) {
            let (v, s) = (idx(a.source().get()), idx(a.sink().get()));
            out[v] += f;
            filled[s] += f;
            let rc = a.cost() + phi[nv + s] - phi[v];
            if (f < a.capacity() && rc < 0) || (f > 0 && rc > 0) {
                return false;
            }
        }
        let vols = (0..nv).all(|v| {
            let rc = phi[v] - phi[hub];
            out[v] <= caps[v] && (out[v] == caps[v] || rc >= 0) && (out[v] == 0 || rc <= 0)
        });
        let shifts = (0..demands.len()).all(|s| {
            let open = demands[s] - filled[s];
            let rc = pens[s] + phi[nv + s] - phi[hub];
            (open == 0 || rc <= 0) && (open == demands[s] || rc >= 0)
        });
        vols && shifts
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn optimal_like_brute_force_and_certified(raw in raw_problem()) {
            let (p, sol) = paths(&raw);
            prop_assert_eq!(sol.objective(), brute_force(&raw));
            prop_assert_eq!(verify(&p, &sol), Ok(()));
            prop_assert!(certifies(&p, &p.paths_solution().unwrap()));
        }

        #[test]
        fn same_input_same_flows(raw in raw_problem()) {
            let p = build(&raw);
            prop_assert_eq!(p.paths_solution().unwrap(), p.paths_solution().unwrap());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn agrees_with_bipartite_scaling_and_the_engine(seed in any::<u64>(), which in any::<u8>()) {
            // Tight, spare, more slots than volunteers, sparse, dense, arc capacities above 1,
            // penalties below some costs.
            let raw = shape(seed, which);
            let (p, sol) = paths(&raw);
            let scaling = p.solve_with_method(TransportMethod::BipartiteScaling).unwrap();
            let engine = p.solve_with(engine::Start::ScalingOnly).unwrap();
            prop_assert_eq!(verify(&p, &sol), Ok(()));
            prop_assert!(certifies(&p, &p.paths_solution().unwrap()));
            prop_assert_eq!(sol.objective(), scaling.objective());
            prop_assert_eq!(sol.objective(), engine.objective());
        }

        #[test]
        fn cached_shifts_agree_with_bipartite_scaling(seed in any::<u64>(), tight in any::<bool>()) {
            // Every shift has well over `CACHE_MIN_DEGREE` candidates.
            let raw = if tight { medium(seed, 240, 20, 1, 24) } else { medium(seed, 240, 12, 3, 15) };
            let (p, sol) = paths(&raw);
            let scaling = p.solve_with_method(TransportMethod::BipartiteScaling).unwrap();
            prop_assert_eq!(verify(&p, &sol), Ok(()));
            prop_assert_eq!(sol.objective(), scaling.objective());
        }

        #[test]
        fn arc_order_does_not_change_the_flows(seed in any::<u64>(), which in any::<u8>()) {
            let raw = shape(seed, which);
            let mut shuffled = raw.clone();
            shuffled.arcs.reverse();
            let len = shuffled.arcs.len();
            shuffled.arcs.rotate_left(usize::try_from(seed % 89).unwrap() % len.max(1));
            prop_assert_eq!(paths(&raw).1, paths(&shuffled).1);
        }
    }

    /// The warm entry itself (not a fallback) on `p` from `before`.
    fn warm(
        p: &TransportProblem,
        before: &TransportSolution,
        carry: &crate::matching::TransportCarry,
    ) -> Result<Flows, EngineError> {
        let (flow, potential) = p.warm_start(before, carry).unwrap();
        let sol = resolve(&p.bipartite_input(), &flow, &potential);
        // With no budget before it, the first search gives up at its first step (a search
        // stopped midway must leave the state valid) and the global price update runs: the
        // same optimum.
        let updated = resolve_within(&p.bipartite_input(), &flow, &potential, 0);
        assert_eq!(
            sol.as_ref().map(objective(p)),
            updated.as_ref().map(objective(p))
        );
        assert!(updated.as_ref().is_ok_and(|x| certifies(p, x)));
        // A small budget: some searches finish before one stops at a quarter of it (a few
        // dozen of the cases stop after routing units), and the update takes over from there.
        let stopped = resolve_within(&p.bipartite_input(), &flow, &potential, 1024);
        assert_eq!(
            sol.as_ref().map(objective(p)),
            stopped.as_ref().map(objective(p))
        );
        assert!(stopped.as_ref().is_ok_and(|x| certifies(p, x)));
        sol
    }

    fn objective(p: &TransportProblem) -> impl Fn(&Flows) -> i64 {
        |x| p.solution_from_flows(x).unwrap().objective()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn warm_entry_succeeds_and_matches_a_cold_solve(
            seed in any::<u64>(),
            which in any::<u8>(),
            changes in any::<u64>(),
        ) {
            let Changed { before, p, carry, .. } = solved_then_changed(&shape(seed, which), changes);
            let sol = warm(&p, &before, &carry);
            prop_assert!(sol.is_ok(), "{:?}", sol);
            let sol = sol.unwrap();
            prop_assert!(certifies(&p, &sol));
            let warm_sol = p.solution_from_flows(&sol).unwrap();
            prop_assert_eq!(verify(&p, &warm_sol), Ok(()));
            prop_assert_eq!(warm_sol.objective(), p.solve().unwrap().objective());
        }

        #[test]
        fn warm_entry_is_optimal_like_brute_force(raw in raw_problem(), changes in any::<u64>()) {
            let Changed { before, raw: changed, p, carry } = solved_then_changed(&raw, changes);
            prop_assume!(changed.arcs.len() <= 10);
            let sol = warm(&p, &before, &carry);
            prop_assert!(sol.is_ok(), "{:?}", sol);
            let sol = sol.unwrap();
            prop_assert!(certifies(&p, &sol));
            prop_assert_eq!(p.solution_from_flows(&sol).unwrap().objective(), brute_force(&changed));
        }
    }

    #[test]
    fn zero_cost_and_equal_cost_arcs_fill_every_slot() {
        // Two shifts of two slots, four volunteers: ties everywhere, all slots filled at 0 + 5.
        let raw = Raw {
            caps: vec![1, 1, 1, 1],
            sinks: vec![(2, 100), (2, 100)],
            arcs: vec![
                (0, 0, 0, 1),
                (1, 0, 0, 1),
                (2, 0, 0, 1),
                (2, 1, 5, 1),
                (3, 1, 5, 1),
                (0, 1, 5, 1),
            ],
        };
        let (p, sol) = paths(&raw);
        assert_eq!(sol.objective(), 10);
        assert_eq!(sol.unfilled(), &[0, 0]);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn a_cached_shift_whose_cheapest_arcs_carry_nothing_fills_from_the_rest() {
        // One shift of two slots with 40 candidates (a cached shift): the 30 cheapest arcs have
        // capacity 0, so the greedy start's selection holds no residual arc to cache, and the
        // cache is rebuilt from every arc; the slots go to the two cheapest usable arcs.
        let mut arcs: Vec<(u32, u32, i64, u32)> =
            (0..30).map(|v| (v, 0, i64::from(v) + 1, 0)).collect();
        arcs.extend((30..40).map(|v| (v, 0, 70 + i64::from(v), 1)));
        let raw = Raw {
            caps: vec![1; 40],
            sinks: vec![(2, 1_000)],
            arcs,
        };
        let (p, sol) = paths(&raw);
        assert_eq!(sol.objective(), 100 + 101);
        assert_eq!(sol.unfilled(), &[0]);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn a_shift_without_candidates_and_a_free_penalty_stays_unfilled() {
        let raw = Raw {
            caps: vec![2],
            sinks: vec![(3, 0), (2, 40)],
            arcs: vec![(0, 1, 10, 2)],
        };
        let (p, sol) = paths(&raw);
        assert_eq!(sol.objective(), 20);
        assert_eq!(sol.unfilled(), &[3, 0]);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn an_arc_cost_past_32_bits_goes_to_another_solver() {
        // The slots hold costs in 32 bits: a larger one is an overflow here, and
        // `TransportMethod::ShortestPaths` then solves with the general engine, to the
        // optimum (the cheap arc fills the slot).
        let big = i64::from(u32::MAX) + 1;
        let raw = Raw {
            caps: vec![1, 1],
            sinks: vec![(1, 3 * big)],
            arcs: vec![(0, 0, big, 1), (1, 0, 7, 1)],
        };
        let p = build(&raw);
        assert_eq!(solve_raw(&p, usize::MAX), Err(EngineError::Overflow));
        let sol = p.solve_with_method(TransportMethod::ShortestPaths).unwrap();
        assert_eq!(sol.objective(), 7);
        assert_eq!(verify(&p, &sol), Ok(()));
        // The largest cost that fits is kept.
        let raw = Raw {
            caps: vec![1],
            sinks: vec![(1, 3 * big)],
            arcs: vec![(0, 0, big - 1, 1)],
        };
        let (p, sol) = paths(&raw);
        assert_eq!(sol.objective(), big - 1);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn an_exhausted_budget_gives_up() {
        // Tight: the greedy start leaves units that need searches; with no budget the first
        // search's work already projects past it.
        let raw = medium(7, 240, 20, 1, 24);
        let p = build(&raw);
        assert_eq!(solve_raw(&p, 0), Err(EngineError::GaveUp));
        // With the standard budget the same problem is solved, and `solve` agrees.
        let sol = p.solution_from_flows(&p.paths_solution().unwrap()).unwrap();
        assert_eq!(sol.objective(), p.solve().unwrap().objective());
    }
}
