//! Cost scaling specialised to the transportation problem: shifts bid for volunteers, and a
//! volunteer who receives a unit passes it on at once (a "double push").
//!
//! Crate-internal. [`super::TransportProblem`] validates its input, then calls [`solve`].
//!
//! # Network
//! The same network as the general engine, without storing the hub's arcs: each shift `s`
//! supplies its slots; arcs `s → v` (cost, capacity), `v → hub` (cost 0, the volunteer's
//! capacity) and `s → hub` (the penalty, the shift's demand). Node prices follow the engine's
//! convention: the reduced cost of `u → w` is `cost + price(u) − price(w)`, and an arc is
//! admissible when that is negative. Costs are multiplied by `n + 1` (`n` nodes) so that a
//! 1-optimal flow is optimal.
//!
//! # Method
//! Goldberg's refine, phase by phase (`ε` divided by [`ALPHA`] while it is above
//! [`FINE_ABOVE`] cost units, then by [`ALPHA_FINE`]), on compact arrays:
//! - a shift with `e` units of excess takes its `e` best residual units in one step and lowers
//!   its price to just below the next best (an auction bid for several slots at once), through
//!   a cache of its best arcs (a shift has hundreds of candidates);
//! - a volunteer who receives a unit (over its capacity, or when the hub is not admissible)
//!   immediately returns the least valuable unit it holds, and lowers its price the same way;
//! - a global price update (Dial buckets, distances to the nearest deficit in units of `ε`) runs at
//!   the start of each phase and after every `n` relabels; the arcs carrying flow are gathered by
//!   shift first, so a shift's step of the search reads its few flowing arcs rather than all of its
//!   slots, and each volunteer's flowing arcs are read from its hand (below) where it is known
//!   rather than from the arc columns. The search stops once half of the nodes with excess are
//!   labelled: every node not labelled then drops by the distance reached, which keeps the flow
//!   `ε`-optimal (no such node is nearer). Labelling the far half read most of the graph for a few
//!   nodes; stopping at half was ≈ 10 % faster over twelve tight instances (geometric mean;
//!   BENCHMARKS.md, "Eighth round"). Each shift keeps a bound on the label an arc into it would
//!   have to beat, so the search rejects most of a volunteer's arcs with one comparison, and a
//!   node's excess, label state and hub arc are read from one byte (the same labels, ≈ 5 % off the
//!   suite; "Ninth round");
//! - a volunteer of at most [`MASK_DEGREE`] arcs keeps a bit mask of the arcs that carry its
//!   flow: its step, the phase start, the gathering above and (with unit arcs) the residual
//!   test of the search read that one word instead of the flow array, which is mostly zeros;
//! - with unit arcs, a volunteer holding at most [`HAND`] units keeps their arc, slot, shift and
//!   cost in one record (its hand), written by the shift that pushes a unit: its step then
//!   reads that record instead of three arc columns per unit, and units move with writes that
//!   need no read (with unit arcs the old residual and flow are known); while scaling runs, a
//!   masked volunteer's flows live in its mask, and the flow array is written once before the
//!   finish; the phase start gives every volunteer it leaves without excess its hand too;
//! - at the start of a phase, a volunteer with spare capacity has its price raised to the hub's
//!   (instead of saturating its hub arc), so the hub never receives more than it can absorb in
//!   practice; the general rule (the hub discharges like any node) still covers the rest;
//! - with unit arcs and every volunteer masked, the phase start saturates the arcs into
//!   volunteers on the volunteers' side ([`Solver::flood_volunteers`]): each volunteer weighs
//!   the units it holds with those it would receive and keeps what its first step would keep,
//!   so the millions of units a saturation would push and the step pass straight back (3.2–3.9
//!   M of 5 M arcs on `s100k`) are never moved; the phase start then costs about a quarter
//!   less, and the suite of tight instances ≈ 5 % less (BENCHMARKS.md, "Eighth round");
//! - the solver numbers the volunteers in breadth-first order over the network
//!   ([`renumber`]), so that a shift's candidates sit close together in the volunteers'
//!   arrays; the arcs keep their index, and the potentials go back to the problem's numbering.
//!
//! Scaling stops once `ε` is at most `1/ALPHA_FINE` of a cost unit ([`Solver::finish`]): the
//! prices are rounded to whole cost units, the few residual arcs the rounding leaves with a
//! negative reduced cost are saturated, and the resulting excesses are sent to the deficits along
//! shortest paths from that warm start (primal-dual), which yields exact integer potentials.
//!
//! Determinism: every loop runs in index order, the queue is FIFO, and ties between equally
//! valuable arcs break on the lower slot index.

#![allow(
    clippy::many_single_char_names,
    clippy::needless_range_loop,
    reason = "graph code reads best with the textbook names u, v, s, k, e and index loops over nodes"
)]

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

// Prices stay within the general engine's `±PRICE_LIMIT`, scaled by the same factor.
use super::engine::{ALPHA, EngineError, EngineSolution, PRICE_LIMIT, fits_scaled};
use super::transport_arcs::TransportArcs;

/// `ε`, in cost units, above which a phase divides it by [`ALPHA`] (the coarse phases, cheap
/// auctions); from there on each phase divides it by [`ALPHA_FINE`].
const FINE_ABOVE: i64 = 16;

/// The ratio of the fine phases, and the end of scaling: `ε` at most `1 / ALPHA_FINE` of a
/// cost unit. On the usual instances there are still two phases below 16 cost units, but
/// ending four times finer (`s100k`: from 14 cost units to 0.44 and 0.014 instead of 0.88
/// and 0.055), so the finish routes far less excess (≈ 0.25 s instead of ≈ 1 s there):
/// `s100k` ≈ 0.9× the time in alternated runs, −6.5 % instructions, and the suite of twelve
/// tight instances ≈ 0.95× (BENCHMARKS.md, "Fifteenth round").
const ALPHA_FINE: i64 = 32;

/// Entries in a shift's best-arc cache (32 rather than 16: a shift of 10 slots keeps enough
/// candidates past its first bid that it rebuilds far less often; s100k ≈ 17 % less CPU).
const CACHE_K: usize = 32;

/// Shifts with more candidate arcs than this keep a best-arc cache.
const CACHE_MIN_DEGREE: u32 = 32;

/// Volunteers with at most this many arcs keep a bit mask of their flowing arcs.
const MASK_DEGREE: u32 = 64;

/// Marks the hub arc in a candidate list.
const HUB_REF: u32 = u32::MAX;

/// Units a volunteer's [`Hand`] can describe: the units a volunteer of capacity 1 or 2 keeps
/// and the one it just received (3 rather than 2: a tight instance of capacity-2 volunteers
/// solves ≈ 14 % faster, and capacity-1 instances are unchanged).
const HAND: usize = 3;

/// A [`Hand`] that does not describe its volunteer's flow.
const UNKNOWN: u8 = u8::MAX;

/// One unit a volunteer holds, with what its step needs to weigh and return it.
#[derive(Debug, Clone, Copy, Default)]
struct Held {
    /// Scaled cost of the arc.
    cost: i64,
    arc: u32,
    slot: u32,
    shift: u32,
}

/// With unit arcs, the units a volunteer holds, in arc order, when there are at most
/// [`HAND`] of them and they are known (`len` is [`UNKNOWN`] otherwise): a volunteer's step then reads this one
/// record instead of three arc columns for each unit (a volunteer of capacity `c` holds `c`
/// units and receives one at a time, so this is the common step of a tight instance).
#[derive(Debug, Clone, Copy)]
struct Hand {
    units: [Held; HAND],
    len: u8,
}

impl Hand {
    const UNKNOWN: Self = Self {
        units: [Held {
            cost: 0,
            arc: 0,
            slot: 0,
            shift: 0,
        }; HAND],
        len: UNKNOWN,
    };
}

/// The transportation problem as the solver reads it.
pub(crate) struct Input<'a> {
    /// Capacity of each volunteer (source).
    pub(crate) capacities: &'a [u32],
    /// Slots of each shift (sink).
    pub(crate) demands: &'a [u32],
    /// Penalty per unfilled slot of each shift.
    pub(crate) penalties: &'a [i64],
    /// Arcs in canonical `(source, sink)` order.
    pub(crate) arcs: TransportArcs<'a>,
}

fn idx(x: u32) -> usize {
    x as usize
}

fn u32_of(x: usize) -> Result<u32, EngineError> {
    u32::try_from(x).map_err(|_| EngineError::Overflow)
}

/// A candidate residual arc out of the node being discharged: value `price(head) − cost`,
/// residual units, and a reference (slot, held-list position or node).
type Cand = (i64, u32, u32);

fn by_value(a: &Cand, b: &Cand) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.2.cmp(&b.2))
}

/// How `e` units leave a node: the first `used` candidates (sorted best first) take them, the
/// last of those at value `last`; `next` is the best value still residual afterwards.
struct Plan {
    used: usize,
    last: i64,
    next: Option<i64>,
}

/// Orders `buf` so that [`plan`] can place `e` units: sorted best first, or for one unit only
/// the best and the second best moved to the front (no sort).
fn order(buf: &mut [Cand], e: u64) {
    if buf.len() < 2 {
        return;
    }
    if buf.len() == 2 {
        // A volunteer of capacity 1: the unit it holds and the one it just received.
        if by_value(&buf[1], &buf[0]).is_lt() {
            buf.swap(0, 1);
        }
        return;
    }
    if e != 1 {
        // `plan` reads at most the first `e + 1` candidates: select them, then sort only
        // those (the same prefix as a full sort, since `by_value` is a total order).
        let keep = usize::try_from(e).unwrap_or(usize::MAX).saturating_add(1);
        if buf.len() > keep + 1 {
            buf.select_nth_unstable_by(keep - 1, by_value);
            buf[..keep].sort_unstable_by(by_value);
        } else {
            buf.sort_unstable_by(by_value);
        }
        return;
    }
    // One unit: `plan` reads the best and the second best only, found in one pass.
    let (mut best, mut second) = if by_value(&buf[1], &buf[0]).is_lt() {
        (1, 0)
    } else {
        (0, 1)
    };
    for j in 2..buf.len() {
        if by_value(&buf[j], &buf[second]).is_lt() {
            if by_value(&buf[j], &buf[best]).is_lt() {
                second = best;
                best = j;
            } else {
                second = j;
            }
        }
    }
    buf.swap(0, best);
    // The candidate at 0 moved to `best`.
    buf.swap(1, if second == 0 { best } else { second });
}

/// [`order`] for a step that uses the planned candidates as a set (their order does not
/// matter to it): when every candidate has one unit and more than `e` are given, selects the
/// `e` best (in any order) with the worst of them last, and the next best right after them,
/// which is all [`plan`] reads then; otherwise [`order`] itself.
fn order_as_set(buf: &mut [Cand], e: u64) {
    let Ok(n) = usize::try_from(e) else {
        return order(buf, e);
    };
    if n < 2 || buf.len() <= n || buf.iter().any(|c| c.1 != 1) {
        return order(buf, e);
    }
    buf.select_nth_unstable_by(n, by_value);
    let mut worst = 0;
    for j in 1..n {
        if by_value(&buf[j], &buf[worst]).is_gt() {
            worst = j;
        }
    }
    buf.swap(worst, n - 1);
}

/// The units each candidate of `buf` (the planned ones, best first) takes when `e` units
/// leave, with its reference: `(units, reference)`.
fn placed(buf: &[Cand], e: u64) -> impl Iterator<Item = (u32, u32)> + '_ {
    let mut left = e;
    buf.iter().map(move |&(_, r, reference)| {
        let d = u32::try_from(left.min(u64::from(r))).unwrap_or(r);
        left -= u64::from(d);
        (d, reference)
    })
}

fn plan(buf: &[Cand], e: u64) -> Plan {
    let mut left = e;
    let mut used = 0;
    let mut last = i64::MIN;
    let mut next = None;
    for &(val, r, _) in buf {
        if left == 0 {
            next = Some(val);
            break;
        }
        used += 1;
        last = val;
        let r = u64::from(r);
        if r > left {
            next = Some(val);
            break;
        }
        left -= r;
    }
    Plan { used, last, next }
}

/// One arc seen from its shift: slot `k` of the shift's CSR range (16 bytes: the scans of a
/// shift's candidates read only these; the arc's canonical index is kept apart, in `sarc`).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// Scaled cost.
    cost: i64,
    vol: u32,
    /// Residual units (capacity minus flow).
    res: u32,
}

impl Slot {
    /// The slot's volunteer, for [`renumber`].
    fn vol_mut(&mut self) -> &mut u32 {
        &mut self.vol
    }
}

/// A cached candidate of a shift: its slot, head, scaled cost and residual units.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    cost: i64,
    vol: u32,
    slot: u32,
    res: u32,
}

struct Solver<'a> {
    nv: usize,
    ns: usize,
    hub: usize,
    arcs: TransportArcs<'a>,
    scale: i64,
    /// Every arc has capacity 1 (then `vflow[i] == 0` means residual).
    unit: bool,
    /// With unit arcs, while scaling runs: the flow of the arcs of a volunteer that has a
    /// mask is kept in the mask only (no random write to `vflow` for each unit moved);
    /// [`Solver::sync_flow`] brings `vflow` up to date before the finish.
    lazy: bool,
    // Shift side, CSR by shift: slot k.
    sfirst: Vec<u32>,
    slots: Vec<Slot>,
    /// Index in canonical order of each slot's arc.
    sarc: Vec<u32>,
    /// Volunteer side: the arcs of volunteer `v` are `vrange[v].0..vrange[v].1` in the
    /// problem's own CSR by source (borrowed columns). Volunteers are renumbered in
    /// breadth-first order ([`renumber`]); the arcs keep their canonical index.
    vrange: Vec<ArcRange>,
    /// The problem's index of each volunteer (`old[v]` for the solver's `v`).
    old: Vec<u32>,
    /// Shift of each arc: the problem's own column, borrowed rather than copied (the
    /// problem already holds it, 4 bytes an arc).
    sinks: &'a [u32],
    /// Unscaled cost of each arc, borrowed the same way; [`Solver::arc_cost`] scales it.
    costs: &'a [i64],
    /// The arc's slot in its shift's CSR range.
    vslot: Vec<u32>,
    /// Flow by arc, mirroring the slots' flow in arc (volunteer) order for local access.
    vflow: Vec<u32>,
    /// For a volunteer of at most [`MASK_DEGREE`] arcs, bit `j` is set when its `j`-th arc
    /// carries flow: its flowing arcs are then found without reading the flow array (a
    /// volunteer's step, the phase start and the price update read one word instead of a
    /// cache line per sixteen arcs).
    vmask: Vec<u64>,
    /// The units each volunteer holds, when known (with unit arcs only).
    hands: Vec<Hand>,
    cap: Vec<u32>,
    vout: Vec<u32>,
    demand: Vec<u32>,
    /// Scaled penalties.
    pen: Vec<i64>,
    sunf: Vec<u32>,
    price: Vec<i64>,
    excess: Vec<i64>,
    queue: VecDeque<u32>,
    vstack: Vec<u32>,
    buf: Vec<Cand>,
    /// Scratch: one volunteer's flowing arcs and their flow.
    held: Vec<(u32, u32)>,
    relabels: usize,
    update_every: usize,
    cache: Cache,
    pu: Scratch,
    /// The hub's residual out-arcs by value (lazy: an entry may be stale, and is checked
    /// when popped), built at the hub's first discharge in a phase.
    hub_heap: BinaryHeap<(i64, Reverse<u32>)>,
    hub_heap_live: bool,
}

/// Best arcs of each high-degree shift: up to `CACHE_K` entries, and `thr`, an upper bound on
/// the value of every residual arc not cached. Values only fall during a phase (volunteer
/// prices only fall) and an arc that gains residual capacity is (re)inserted, so the bound
/// stays true.
struct Cache {
    id: Vec<u32>,
    entries: Vec<Entry>,
    len: Vec<u8>,
    thr: Vec<i64>,
    valid: Vec<bool>,
}

/// The arcs that carry flow, grouped by shift, then volunteer (CSR): gathered through the
/// volunteers' masks rather than from every shift's slots, each with its value
/// `price(volunteer) − cost` at the time of the update (prices do not change during the
/// search), so that a shift's step reads no volunteer's data.
///
/// Right after a phase start the saturation floods millions of arcs (3.2–3.9 M of 5 M on
/// `s100k`); a list of them would be the largest allocation of the solve, so past
/// [`FLOOD`] of the arcs the list is left empty (`by_slots`) and the search reads each
/// shift's slots instead.
#[derive(Default)]
struct Flowing {
    first: Vec<u32>,
    vol: Vec<u32>,
    val: Vec<i64>,
    by_slots: bool,
}

/// Past `1 / FLOOD` of the arcs carrying flow, a price update reads the shifts' slots rather
/// than listing the flowing arcs.
const FLOOD: usize = 8;

/// A price update's flag: the node's distance is final.
const DONE: u8 = 1;
/// A price update's flag: the node has excess.
const ACTIVE: u8 = 2;
/// A price update's flag: the volunteer sends flow, so the hub's arc back into it is residual.
const RETURNS: u8 = 4;

#[derive(Default)]
struct Scratch {
    /// Arcs carrying flow, grouped by shift: the residual arcs into volunteers.
    flowing: Flowing,
    buckets: Vec<Vec<u32>>,
    far: BinaryHeap<Reverse<(u64, u32)>>,
    dist: Vec<u64>,
    /// By node: [`DONE`], [`ACTIVE`] and [`RETURNS`], in one byte, so that popping a node reads
    /// one small array rather than three large ones (each a likely cache miss).
    flags: Vec<u8>,
    /// By shift: an upper bound on `(dist − 1)·ε − price` (`i64::MAX` while unlabelled,
    /// `i64::MIN` once done), so that a volunteer at distance `d` can improve the shift's
    /// label through an arc only if the arc's scaled cost is below this bound plus
    /// `price(volunteer) − d·ε`: one comparison per arc rejects the many arcs that cannot.
    limit: Vec<i64>,
}

/// Solves the transportation problem exactly; the solution is laid out like the general
/// engine's on the network described in [`super::transport`]: flow per arc in canonical order,
/// potentials for volunteers, then shifts, then the hub.
pub(crate) fn solve(input: &Input<'_>) -> Result<EngineSolution, EngineError> {
    let nv = input.capacities.len();
    let ns = input.demands.len();
    let n = nv + ns + 1;
    let m = input.arcs.len();
    u32_of(n)?;
    u32_of(m)?;
    let scale = i64::try_from(n + 1).map_err(|_| EngineError::Overflow)?;
    let max_cost = input.arcs.costs().iter().copied().max().unwrap_or(0);
    let max_penalty = input.penalties.iter().copied().max().unwrap_or(0);
    if !fits_scaled(n, max_cost.max(max_penalty)) {
        // Costs too large to multiply by `n + 1`: the caller uses the general engine.
        return Err(EngineError::Overflow);
    }
    let mut s = Solver::build(input, scale)?;
    let mut eps = max_cost.checked_mul(scale).ok_or(EngineError::Overflow)?;
    let potential = loop {
        eps = next_eps(eps, scale);
        s.refine(eps)?;
        #[cfg(test)]
        s.check_eps_optimal(eps);
        if last_phase(eps, scale) {
            s.sync_flow();
            break s.finish()?;
        }
    };
    // Back to the problem's numbering of volunteers (the arcs kept theirs).
    let potential = in_problem_order(&s.old, &potential);
    let flow = s.vflow;
    Ok(EngineSolution { flow, potential })
}

/// Renumbers the volunteers in breadth-first order over the network, for both solvers. The
/// search starts at volunteer 0, goes through its shifts to their volunteers, and so on, then
/// starts again at the first volunteer not reached. The arcs are read from both sides:
/// `vfirst` and `sinks`, the problem's CSR by volunteer, and `sfirst` with `slots`, a CSR by
/// shift, where `vol` gives a slot's volunteer: by the problem's index on entry, by the
/// solver's on return. Returns `old`, the problem's index of each volunteer by the solver's
/// index, and its inverse `new` (`new[old[v]] == v`).
///
/// Every volunteer of a shift is numbered by the end of the shift's scan, so the scan
/// relabels the shift's slots as it goes: one pass over the slots instead of two, and no
/// separate inversion (BENCHMARKS.md, "Seventeenth round").
///
/// Volunteers who share shifts get nearby indices, so a shift's step reads its candidates'
/// prices from a few cache lines rather than from all over the volunteers' arrays. The
/// problem's own order (registration, say) says nothing about where volunteers live. In
/// bipartite scaling on `s100k` this cut the L1 and 512 KiB L2 misses that cachegrind
/// simulates by a third and 29 %, with the same instruction count, though the wall time on
/// the slow development machine did not change measurably; in the shortest paths
/// (`super::paths`) it took the spare 100k solve to 0.90× and the 1 % repair of `s100k` to
/// 0.73× (BENCHMARKS.md, "Sixteenth round").
pub(super) fn renumber<S>(
    vfirst: &[u32],
    sinks: &[u32],
    sfirst: &[u32],
    slots: &mut [S],
    vol: impl Fn(&mut S) -> &mut u32,
) -> Result<(Vec<u32>, Vec<u32>), EngineError> {
    let nv = vfirst.len().saturating_sub(1);
    let ns = sfirst.len().saturating_sub(1);
    let mut new = vec![u32::MAX; nv];
    let mut reached = vec![false; ns];
    let mut old = Vec::with_capacity(nv);
    let mut head = 0;
    for root in 0..nv {
        if new[root] != u32::MAX {
            continue;
        }
        new[root] = u32_of(old.len())?;
        old.push(u32_of(root)?);
        while let Some(&v) = old.get(head) {
            head += 1;
            let v = idx(v);
            for &s in &sinks[idx(vfirst[v])..idx(vfirst[v + 1])] {
                let s = idx(s);
                if reached[s] {
                    continue;
                }
                reached[s] = true;
                for sl in &mut slots[idx(sfirst[s])..idx(sfirst[s + 1])] {
                    let w = vol(sl);
                    let o = idx(*w);
                    if new[o] == u32::MAX {
                        new[o] = u32_of(old.len())?;
                        old.push(*w);
                    }
                    *w = new[o];
                }
            }
        }
    }
    Ok((old, new))
}

/// Potentials by the problem's numbering in the solver's (volunteers renumbered by `old`,
/// then the other nodes): the inverse of [`in_problem_order`].
pub(super) fn in_solver_order(old: &[u32], potential: &[i64]) -> Vec<i64> {
    let mut out = potential.to_vec();
    for (v, &o) in old.iter().enumerate() {
        out[v] = potential[idx(o)];
    }
    out
}

/// Potentials by the solver's numbering (volunteers renumbered by `old`, then the other
/// nodes) in the problem's numbering.
pub(super) fn in_problem_order(old: &[u32], potential: &[i64]) -> Vec<i64> {
    let mut out = potential.to_vec();
    for (v, &o) in old.iter().enumerate() {
        out[idx(o)] = potential[v];
    }
    out
}

/// The first and end index, in canonical order, of one volunteer's arcs.
type ArcRange = (u32, u32);

/// The range of each volunteer's arcs in the problem's CSR (`vfirst`), by the solver's index.
fn ranges(vfirst: &[u32], old: &[u32]) -> Vec<ArcRange> {
    old.iter()
        .map(|&o| (vfirst[idx(o)], vfirst[idx(o) + 1]))
        .collect()
}

/// The `ε` of the phase after one at `eps` (scaled units, `scale` to a cost unit): divided by
/// [`ALPHA`] while above [`FINE_ABOVE`] cost units, then by [`ALPHA_FINE`]; at least 1.
fn next_eps(eps: i64, scale: i64) -> i64 {
    let ratio = if eps > scale.saturating_mul(FINE_ABOVE) {
        ALPHA
    } else {
        ALPHA_FINE
    };
    (eps / ratio).max(1)
}

/// Whether scaling ends after the phase at `eps`: at most `1 / ALPHA_FINE` of a cost unit.
fn last_phase(eps: i64, scale: i64) -> bool {
    eps <= (scale / ALPHA_FINE).max(1)
}

impl<'a> Solver<'a> {
    fn build(input: &Input<'a>, scale: i64) -> Result<Self, EngineError> {
        let nv = input.capacities.len();
        let ns = input.demands.len();
        let m = input.arcs.len();
        let arcs = input.arcs;
        let mut deg = vec![0_u32; ns + 1];
        let vfirst = arcs.first();
        for &s in arcs.sinks() {
            deg[idx(s)] += 1;
        }
        let mut sfirst = vec![0_u32; ns + 1];
        for s in 0..ns {
            sfirst[s + 1] = sfirst[s] + deg[s];
        }
        let mut pos: Vec<u32> = sfirst[..ns].to_vec();
        let mut slots = vec![Slot::default(); m];
        let mut sarc = vec![0_u32; m];
        let mut vslot = vec![0_u32; m];
        // In canonical order: ties between a shift's slots break as in the problem's order
        // (with the order of the search below, they would favour the volunteers found first,
        // all on one side of the network; BENCHMARKS.md, "Sixteenth round").
        for (i, a) in arcs.iter().enumerate() {
            let s = idx(a.sink().get());
            let k = pos[s];
            pos[s] += 1;
            // Checked once here: `arc_cost` then multiplies without overflow.
            let cost = a.cost().checked_mul(scale).ok_or(EngineError::Overflow)?;
            slots[idx(k)] = Slot {
                cost,
                vol: a.source().get(),
                res: a.capacity(),
            };
            sarc[idx(k)] = u32_of(i)?;
            vslot[i] = k;
        }
        let (old, _) = renumber(vfirst, arcs.sinks(), &sfirst, &mut slots, Slot::vol_mut)?;
        let pen = input
            .penalties
            .iter()
            .map(|&p| p.checked_mul(scale).ok_or(EngineError::Overflow))
            .collect::<Result<Vec<_>, _>>()?;
        let n = nv + ns + 1;
        let mut excess = vec![0_i64; n];
        let mut total = 0_i64;
        for (s, &d) in input.demands.iter().enumerate() {
            excess[nv + s] = i64::from(d);
            total += i64::from(d);
        }
        excess[nv + ns] = -total;
        let mut id = vec![u32::MAX; ns];
        let mut count = 0_usize;
        for s in 0..ns {
            if deg[s] > CACHE_MIN_DEGREE {
                id[s] = u32_of(count)?;
                count += 1;
            }
        }
        Ok(Self {
            nv,
            ns,
            hub: nv + ns,
            arcs,
            scale,
            unit: arcs.unit(),
            lazy: arcs.unit(),
            sfirst,
            slots,
            sarc,
            vrange: ranges(vfirst, &old),
            sinks: arcs.sinks(),
            costs: arcs.costs(),
            vslot,
            vflow: vec![0; m],
            vmask: vec![0; nv],
            hands: if arcs.unit() {
                vec![Hand::UNKNOWN; nv]
            } else {
                Vec::new()
            },
            cap: old.iter().map(|&o| input.capacities[idx(o)]).collect(),
            vout: vec![0; nv],
            demand: input.demands.to_vec(),
            pen,
            sunf: vec![0; ns],
            price: vec![0; n],
            excess,
            queue: VecDeque::new(),
            vstack: Vec::new(),
            buf: Vec::new(),
            held: Vec::new(),
            relabels: 0,
            update_every: n + 1,
            cache: Cache {
                id,
                entries: vec![Entry::default(); count * CACHE_K],
                len: vec![0; count],
                thr: vec![i64::MIN; count],
                valid: vec![false; count],
            },
            pu: Scratch::default(),
            hub_heap: BinaryHeap::new(),
            hub_heap_live: false,
            old,
        })
    }

    /// The arcs of volunteer `v`: first and end index in canonical order.
    fn arcs_of(&self, v: usize) -> ArcRange {
        self.vrange[v]
    }

    /// [`Solver::arcs_of`] as `usize`.
    fn arcs_at(&self, v: usize) -> (usize, usize) {
        let (first, end) = self.vrange[v];
        (idx(first), idx(end))
    }

    /// Scaled cost of arc `i`.
    fn arc_cost(&self, i: usize) -> i64 {
        self.costs[i] * self.scale
    }

    /// Whether arc `i` (shift to volunteer) has residual capacity.
    fn arc_residual(&self, i: usize) -> bool {
        if self.unit {
            self.vflow[i] == 0
        } else {
            self.vflow[i] < self.arcs.capacity_at(i)
        }
    }

    /// Capacity of slot `k`'s arc.
    fn slot_capacity(&self, k: usize) -> u32 {
        if self.unit {
            1
        } else {
            self.arcs.capacity_at(idx(self.sarc[k]))
        }
    }

    /// Flow `delta` more units on slot `k`.
    fn add_flow(&mut self, k: usize, delta: u32) {
        let i = idx(self.sarc[k]);
        self.add_flow_on(k, i, delta);
    }

    /// Flow `delta` more units on slot `k`, whose arc is `i`.
    fn add_flow_on(&mut self, k: usize, i: usize, delta: u32) {
        if self.unit && delta > 0 {
            // Written without reading the arc's flow (a random access): it was 0.
            self.slots[k].res = 0;
            self.set_flow(idx(self.slots[k].vol), i, true);
            return;
        }
        self.slots[k].res -= delta;
        if self.vflow[i] == 0 && delta > 0 {
            self.mark(idx(self.slots[k].vol), i, true);
        }
        self.vflow[i] += delta;
    }

    /// Sets the flow of arc `i` of volunteer `v` to 1 (`on`, unit arcs only) or 0: in the
    /// volunteer's mask, and in `vflow` unless the flow is kept in the mask only.
    fn set_flow(&mut self, v: usize, i: usize, on: bool) {
        if !(self.mark(v, i, on) && self.lazy) {
            self.vflow[i] = u32::from(on);
        }
    }

    /// Ends the lazy keeping of unit flows: writes every masked volunteer's flow from its
    /// mask into `vflow`.
    fn sync_flow(&mut self) {
        if !self.lazy {
            return;
        }
        for v in 0..self.nv {
            let (first, end) = self.arcs_at(v);
            if end - first <= MASK_DEGREE as usize {
                let mask = self.vmask[v];
                for (j, f) in self.vflow[first..end].iter_mut().enumerate() {
                    *f = u32::from((mask >> j) & 1 == 1);
                }
            }
        }
        self.lazy = false;
    }

    /// Keeps volunteer `v`'s mask true after arc `i` starts (`on`) or stops carrying flow;
    /// returns whether the volunteer has a mask.
    fn mark(&mut self, v: usize, i: usize, on: bool) -> bool {
        let (first, end) = self.arcs_of(v);
        let masked = end - first <= MASK_DEGREE;
        if masked {
            let bit = 1_u64 << (i - idx(first));
            if on {
                self.vmask[v] |= bit;
            } else {
                self.vmask[v] &= !bit;
            }
        }
        masked
    }

    /// The arcs of volunteer `v` that carry flow, with their flow, in arc order, into `out`.
    fn flowing_of(&self, v: usize, out: &mut Vec<(u32, u32)>) {
        out.clear();
        let (first, end) = self.arcs_of(v);
        if end - first <= MASK_DEGREE {
            let mut mask = self.vmask[v];
            while mask != 0 {
                let i = first + mask.trailing_zeros();
                mask &= mask - 1;
                let f = if self.unit { 1 } else { self.vflow[idx(i)] };
                out.push((i, f));
            }
        } else {
            for i in first..end {
                let f = self.vflow[idx(i)];
                if f > 0 {
                    out.push((i, f));
                }
            }
        }
    }

    /// Volunteer `v` returns `delta` units of arc `i` (slot `k`, shift `s`) to the shift.
    fn return_flow(&mut self, v: usize, i: usize, k: usize, s: usize, delta: u32) {
        if self.unit && delta > 0 {
            // Written without reading the slot (a random access): its residual was 0.
            self.slots[k].res = 1;
            self.set_flow(v, i, false);
        } else {
            self.slots[k].res += delta;
            self.vflow[i] -= delta;
            if self.vflow[i] == 0 && delta > 0 {
                self.mark(v, i, false);
            }
        }
        self.gain(s, k, delta);
    }

    fn raise_excess(&mut self, x: usize, delta: u32) {
        let before = self.excess[x];
        self.excess[x] += i64::from(delta);
        if before <= 0 && self.excess[x] > 0 {
            if x < self.nv {
                self.vstack.push(u32::try_from(x).unwrap_or(u32::MAX));
            } else {
                self.queue.push_back(u32::try_from(x).unwrap_or(u32::MAX));
            }
        }
    }

    /// Test check: a valid cache describes its slots as they are (residual units, head, cost
    /// and arc), and its bound is at least the value of every residual arc it does not hold.
    #[cfg(test)]
    fn check_cache(&self, s: usize) {
        let c = self.cache.id[s];
        if c == u32::MAX || !self.cache.valid[idx(c)] {
            return;
        }
        let base = idx(c) * CACHE_K;
        let entries = &self.cache.entries[base..base + usize::from(self.cache.len[idx(c)])];
        let thr = self.cache.thr[idx(c)];
        for k in idx(self.sfirst[s])..idx(self.sfirst[s + 1]) {
            let sl = self.slots[k];
            let cached = entries.iter().any(|en| idx(en.slot) == k);
            let val = self.price[idx(sl.vol)] - sl.cost;
            assert!(
                cached || sl.res == 0 || val <= thr,
                "slot {k} of shift {s}: value {val} above the cache's bound {thr}"
            );
        }
        for en in entries {
            let k = idx(en.slot);
            let sl = self.slots[k];
            assert_eq!(en.res, sl.res, "residual of slot {k} of shift {s}");
            assert_eq!(
                (en.vol, en.cost),
                (sl.vol, sl.cost),
                "slot {k} of shift {s}"
            );
        }
    }

    #[allow(
        clippy::too_many_lines,
        reason = "the phase start (three kinds of node) and the discharge loop share their state"
    )]
    fn refine(&mut self, eps: i64) -> Result<(), EngineError> {
        let (nv, ns, hub) = (self.nv, self.ns, self.hub);
        self.cache.valid.fill(false);
        self.hub_heap.clear();
        self.hub_heap_live = false;
        self.queue.clear();
        self.vstack.clear();
        // Volunteers: return flow on reverse arcs of negative reduced cost; never leave a
        // volunteer with a deficit; raise a volunteer with spare capacity to the hub's price.
        let mut held = std::mem::take(&mut self.held);
        for v in 0..nv {
            let pv = self.price[v];
            if let Some(hand) = self.known_hand(v).copied() {
                // Read from the hand, not from the arc columns.
                for u in &hand.units[..usize::from(hand.len)] {
                    let x = nv + idx(u.shift);
                    if -u.cost + pv - self.price[x] < 0 {
                        self.return_at_start(v, idx(u.arc), idx(u.slot), x, 1);
                    }
                }
            } else {
                self.flowing_of(v, &mut held);
                for &(i, f) in &held {
                    let i = idx(i);
                    let x = nv + idx(self.sinks[i]);
                    if -self.arc_cost(i) + pv - self.price[x] < 0 {
                        self.return_at_start(v, i, idx(self.vslot[i]), x, f);
                    }
                }
            }
            let ph = self.price[hub];
            if self.vout[v] > 0 && ph - pv < 0 {
                let f = self.vout[v];
                self.vout[v] = 0;
                self.excess[v] += i64::from(f);
                self.excess[hub] -= i64::from(f);
            }
            if self.excess[v] < 0 {
                let d = u32::try_from(-self.excess[v])
                    .unwrap_or(u32::MAX)
                    .min(self.vout[v]);
                self.vout[v] -= d;
                self.excess[v] += i64::from(d);
                self.excess[hub] -= i64::from(d);
            }
            if self.vout[v] < self.cap[v] && self.price[v] < ph {
                self.price[v] = ph;
            }
        }
        self.held = held;
        // The rest of the phase start moves flow without recording it in the hands.
        self.hands.fill(Hand::UNKNOWN);
        // Shifts: saturate every residual arc of negative reduced cost (into volunteers, on
        // the volunteers' side when every volunteer has a mask: `flood_volunteers`).
        let on_volunteers = self.lazy
            && (0..nv).all(|v| {
                let (first, end) = self.arcs_of(v);
                end - first <= MASK_DEGREE
            });
        for s in 0..ns {
            let x = nv + s;
            let ps = self.price[x];
            let slots = if on_volunteers {
                0..0
            } else {
                idx(self.sfirst[s])..idx(self.sfirst[s + 1])
            };
            for k in slots {
                let sl = self.slots[k];
                let r = sl.res;
                if r == 0 {
                    continue;
                }
                let v = idx(sl.vol);
                if sl.cost + ps - self.price[v] < 0 {
                    self.add_flow(k, r);
                    self.excess[x] -= i64::from(r);
                    self.excess[v] += i64::from(r);
                }
            }
            let ph = self.price[hub];
            if self.sunf[s] < self.demand[s] && self.pen[s] + ps - ph < 0 {
                let r = self.demand[s] - self.sunf[s];
                self.sunf[s] = self.demand[s];
                self.excess[x] -= i64::from(r);
                self.excess[hub] += i64::from(r);
            }
            if self.sunf[s] > 0 && -self.pen[s] + ph - ps < 0 {
                let r = self.sunf[s];
                self.sunf[s] = 0;
                self.excess[x] += i64::from(r);
                self.excess[hub] -= i64::from(r);
            }
        }
        if on_volunteers {
            self.flood_volunteers(eps)?;
        }
        for v in 0..nv {
            if self.excess[v] > 0 {
                self.vstack.push(u32_of(v)?);
            }
        }
        self.vstack.reverse();
        for x in nv..=hub {
            if self.excess[x] > 0 {
                self.queue.push_back(u32_of(x)?);
            }
        }
        if self.vstack.is_empty() && self.queue.is_empty() {
            return Ok(());
        }
        self.price_update(eps)?;
        #[cfg(test)]
        self.check_eps_optimal(eps);
        loop {
            while let Some(v) = self.vstack.pop() {
                let v = idx(v);
                if self.excess[v] > 0 {
                    self.discharge_volunteer(v, eps)?;
                }
            }
            if self.relabels >= self.update_every {
                self.price_update(eps)?;
                #[cfg(test)]
                self.check_eps_optimal(eps);
            }
            let Some(x) = self.queue.pop_front() else {
                break;
            };
            let x = idx(x);
            if self.excess[x] <= 0 {
                continue;
            }
            if x == hub {
                self.discharge_hub(eps)?;
            } else {
                self.discharge_shift(x - nv, eps)?;
            }
            self.relabels += 1;
        }
        Ok(())
    }

    /// At a phase start, volunteer `v` returns the `f` units of arc `i` (slot `k`) to its
    /// shift, node `x`.
    fn return_at_start(&mut self, v: usize, i: usize, k: usize, x: usize, f: u32) {
        self.slots[k].res += f;
        self.set_flow(v, i, false);
        self.excess[v] -= i64::from(f);
        self.excess[x] += i64::from(f);
    }

    /// The phase start's saturation of the arcs into volunteers, with unit arcs and every
    /// volunteer masked, and the volunteers' first steps after it, in one pass over the
    /// volunteers: each weighs the units it holds with those it would receive (the residual
    /// arcs of negative reduced cost) and keeps the ones its step would keep; a unit that it
    /// would receive and pass straight back is never moved. The flow, the excesses and the
    /// volunteers' prices and hands end as after the saturation and those steps; the shifts
    /// left with excess are queued afterwards, in index order.
    fn flood_volunteers(&mut self, eps: i64) -> Result<(), EngineError> {
        let nv = self.nv;
        let mut buf = std::mem::take(&mut self.buf);
        for v in 0..nv {
            let (first, end) = self.arcs_at(v);
            let pv = self.price[v];
            let mask = self.vmask[v];
            buf.clear();
            let mut arriving = 0_i64;
            for i in first..end {
                let val = self.price[nv + idx(self.sinks[i])] + self.arc_cost(i);
                let held = (mask >> (i - first)) & 1 == 1;
                // A residual arc `s → v` of negative reduced cost: `cost + p(s) − p(v) < 0`.
                if held || val < pv {
                    buf.push((val, 1, u32_of(i)?));
                    arriving += i64::from(!held);
                }
            }
            self.excess[v] += arriving;
            let Ok(e) = u64::try_from(self.excess[v]) else {
                continue;
            };
            if e == 0 {
                // No excess, so nothing arrives (the phase start leaves no volunteer with a
                // deficit): `buf` is the units it holds. Their hand makes this volunteer's
                // next price updates read one record instead of the arc columns.
                self.hands[v] = self.hand_of(&buf);
                continue;
            }
            let held_before = |i: u32| (mask >> (idx(i) - first)) & 1 == 1;
            // The shifts are queued afterwards, so the order of the returns does not matter.
            let p = self.plan_volunteer(v, &mut buf, e, eps, order_as_set)?;
            for (d, i) in placed(&buf[..p.used], e) {
                self.excess[v] -= i64::from(d);
                if i == HUB_REF {
                    // Queued afterwards with the shifts; the hub's heap is not live yet.
                    self.vout[v] += d;
                    self.excess[self.hub] += i64::from(d);
                } else if held_before(i) {
                    // A unit held before goes back to its shift.
                    let i = idx(i);
                    let (k, s) = (idx(self.vslot[i]), idx(self.sinks[i]));
                    self.return_flow(v, i, k, s, 1);
                    self.excess[nv + s] += 1;
                }
                // Otherwise a unit it would receive and return at once: it stays put.
            }
            for &(_, _, i) in &buf[p.used..] {
                if i != HUB_REF && !held_before(i) {
                    // A unit received and kept: the shift's slot now flows.
                    let i = idx(i);
                    self.add_flow_on(idx(self.vslot[i]), i, 1);
                    self.excess[nv + idx(self.sinks[i])] -= 1;
                }
            }
            self.hands[v] = self.hand_of(&buf[p.used..]);
        }
        self.buf = buf;
        #[cfg(test)]
        for v in 0..nv {
            self.check_hand(v);
        }
        Ok(())
    }

    /// Test check: the flow is `eps`-optimal, no residual arc has a reduced cost below
    /// `−eps` (what each discharge's new price and each price update must keep true; checked
    /// after every price update and at the end of every phase).
    #[cfg(test)]
    fn check_eps_optimal(&self, eps: i64) {
        let (nv, hub) = (self.nv, self.hub);
        let p = &self.price;
        for s in 0..self.ns {
            let x = nv + s;
            for k in idx(self.sfirst[s])..idx(self.sfirst[s + 1]) {
                let sl = self.slots[k];
                let v = idx(sl.vol);
                let rc = sl.cost + p[x] - p[v];
                if sl.res > 0 {
                    assert!(rc >= -eps, "arc {x} -> {v}: reduced cost {rc} < -{eps}");
                }
                if sl.res < self.slot_capacity(k) {
                    assert!(-rc >= -eps, "arc {v} -> {x}: reduced cost {} < -{eps}", -rc);
                }
            }
            let rc = self.pen[s] + p[x] - p[hub];
            if self.sunf[s] < self.demand[s] {
                assert!(rc >= -eps, "arc {x} -> hub: reduced cost {rc} < -{eps}");
            }
            if self.sunf[s] > 0 {
                assert!(-rc >= -eps, "arc hub -> {x}: reduced cost {} < -{eps}", -rc);
            }
        }
        for v in 0..nv {
            let rc = p[v] - p[hub];
            if self.vout[v] < self.cap[v] {
                assert!(rc >= -eps, "arc {v} -> hub: reduced cost {rc} < -{eps}");
            }
            if self.vout[v] > 0 {
                assert!(-rc >= -eps, "arc hub -> {v}: reduced cost {} < -{eps}", -rc);
            }
        }
    }

    fn new_price(&self, x: usize, p: &Plan, thr: i64, eps: i64) -> Result<i64, EngineError> {
        let bound = match p.next {
            Some(n) => n.max(thr),
            None if thr == i64::MIN => p.last,
            None => thr,
        };
        let q = self.price[x].min(bound.saturating_sub(eps));
        if q < -PRICE_LIMIT {
            return Err(EngineError::Overflow);
        }
        Ok(q)
    }

    /// A volunteer with excess returns its least valuable units (or sends them to the hub).
    fn discharge_volunteer(&mut self, v: usize, eps: i64) -> Result<(), EngineError> {
        if self.unit && usize::from(self.hands[v].len) <= HAND {
            self.discharge_hand(v, eps)?;
            #[cfg(test)]
            self.check_hand(v);
            return Ok(());
        }
        let nv = self.nv;
        let e = u64::try_from(self.excess[v]).unwrap_or(0);
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let mut held = std::mem::take(&mut self.held);
        self.flowing_of(v, &mut held);
        for &(i, f) in &held {
            let x = nv + idx(self.sinks[idx(i)]);
            buf.push((self.price[x] + self.arc_cost(idx(i)), f, i));
        }
        self.held = held;
        let p = self.plan_volunteer(v, &mut buf, e, eps, order)?;
        for (d, i) in placed(&buf[..p.used], e) {
            self.excess[v] -= i64::from(d);
            if i == HUB_REF {
                self.send_to_hub(v, d)?;
            } else {
                let i = idx(i);
                let k = idx(self.vslot[i]);
                let s = idx(self.sinks[i]);
                self.return_flow(v, i, k, s, d);
                self.raise_excess(nv + s, d);
            }
        }
        if self.unit {
            self.hands[v] = self.hand_of(&buf[p.used..]);
            #[cfg(test)]
            self.check_hand(v);
        }
        self.buf = buf;
        Ok(())
    }

    /// A volunteer's step once its held units are in `buf`: adds its hub arc, orders the
    /// candidates (with `order_by`: [`order`], or [`order_as_set`] where the order in which
    /// the units leave does not matter), plans `e` units and lowers its price (every kind of
    /// step shares this).
    fn plan_volunteer(
        &mut self,
        v: usize,
        buf: &mut Vec<Cand>,
        e: u64,
        eps: i64,
        order_by: fn(&mut [Cand], u64),
    ) -> Result<Plan, EngineError> {
        if self.vout[v] < self.cap[v] {
            buf.push((self.price[self.hub], self.cap[v] - self.vout[v], HUB_REF));
        }
        order_by(buf, e);
        let p = plan(buf, e);
        self.price[v] = self.new_price(v, &p, i64::MIN, eps)?;
        Ok(p)
    }

    /// Volunteer `v` sends `d` units to the hub.
    fn send_to_hub(&mut self, v: usize, d: u32) -> Result<(), EngineError> {
        if self.vout[v] == 0 && self.hub_heap_live {
            self.hub_heap.push((self.price[v], Reverse(u32_of(v)?)));
        }
        self.vout[v] += d;
        self.raise_excess(self.hub, d);
        Ok(())
    }

    /// Volunteer `v`'s hand when it is known (unit arcs only): it then lists exactly the
    /// volunteer's flowing arcs.
    fn known_hand(&self, v: usize) -> Option<&Hand> {
        self.hands.get(v).filter(|h| h.len != UNKNOWN)
    }

    /// The hand of a volunteer whose flowing arcs (unit arcs) are the arcs among `kept`.
    fn hand_of(&self, kept: &[Cand]) -> Hand {
        let mut hand = Hand::UNKNOWN;
        let mut len = 0;
        for &(_, _, i) in kept {
            if i == HUB_REF {
                continue;
            }
            if len == HAND {
                return Hand::UNKNOWN;
            }
            let a = idx(i);
            hand.units[len] = Held {
                cost: self.arc_cost(a),
                arc: i,
                slot: self.vslot[a],
                shift: self.sinks[a],
            };
            len += 1;
        }
        hand.units[..len].sort_unstable_by_key(|u| u.arc);
        hand.len = u8::try_from(len).unwrap_or(UNKNOWN);
        hand
    }

    /// [`Solver::discharge_volunteer`] for a volunteer whose hand is known: the same choice,
    /// made from the hand instead of the arc columns.
    fn discharge_hand(&mut self, v: usize, eps: i64) -> Result<(), EngineError> {
        let nv = self.nv;
        let e = u64::try_from(self.excess[v]).unwrap_or(0);
        let hand = self.hands[v];
        let units = &hand.units[..usize::from(hand.len)];
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        // Referenced by position: the units are in arc order, so ties break as in the
        // general step, which references them by arc.
        for (j, u) in units.iter().enumerate() {
            buf.push((self.price[nv + idx(u.shift)] + u.cost, 1, u32_of(j)?));
        }
        let p = self.plan_volunteer(v, &mut buf, e, eps, order)?;
        let mut returned = [false; HAND];
        for (d, j) in placed(&buf[..p.used], e) {
            self.excess[v] -= i64::from(d);
            if j == HUB_REF {
                self.send_to_hub(v, d)?;
            } else {
                // A unit arc: `d` is 1.
                let j = idx(j);
                returned[j] = true;
                self.return_unit(v, units[j]);
            }
        }
        let mut kept = hand;
        let mut len = 0;
        for (j, u) in units.iter().enumerate() {
            if !returned[j] {
                kept.units[len] = *u;
                len += 1;
            }
        }
        kept.len = u8::try_from(len).unwrap_or(UNKNOWN);
        self.hands[v] = kept;
        self.buf = buf;
        Ok(())
    }

    /// Volunteer `v` returns the unit `u` of its hand to the unit's shift. Writes without
    /// reading the arc's records: with unit arcs, the slot's residual becomes 1 and the
    /// arc's flow 0.
    fn return_unit(&mut self, v: usize, u: Held) {
        let (k, i, s) = (idx(u.slot), idx(u.arc), idx(u.shift));
        self.slots[k].res = 1;
        self.set_flow(v, i, false);
        self.gain_with(s, k, 1, |_| Entry {
            cost: u.cost,
            vol: u32::try_from(v).unwrap_or(u32::MAX),
            slot: u.slot,
            res: 1,
        });
        self.raise_excess(self.nv + s, 1);
    }

    /// Shift `s` sends a unit on slot `k` (arc `i`, scaled cost `cost`) to volunteer `v`;
    /// unit arcs only, so the slot's residual was 1 and the arc's flow 0.
    fn push_unit(&mut self, k: usize, i: usize, v: usize, s: usize, cost: i64) {
        self.slots[k].res = 0;
        self.set_flow(v, i, true);
        let hand = &mut self.hands[v];
        let len = usize::from(hand.len);
        if len < HAND {
            let arc = u32::try_from(i).unwrap_or(u32::MAX);
            // Kept in arc order: the new unit goes before every unit of a later arc.
            let at = hand.units[..len].partition_point(|u| u.arc < arc);
            hand.units.copy_within(at..len, at + 1);
            hand.units[at] = Held {
                cost,
                arc,
                slot: u32::try_from(k).unwrap_or(u32::MAX),
                shift: u32::try_from(s).unwrap_or(u32::MAX),
            };
            hand.len += 1;
        } else {
            hand.len = UNKNOWN;
        }
    }

    /// Test check: a known hand lists exactly the volunteer's flowing arcs, with their data.
    #[cfg(test)]
    fn check_hand(&self, v: usize) {
        let hand = self.hands[v];
        if hand.len == UNKNOWN {
            return;
        }
        let mut held = Vec::new();
        self.flowing_of(v, &mut held);
        let flowing: Vec<u32> = held.iter().map(|&(i, _)| i).collect();
        let units = &hand.units[..usize::from(hand.len)];
        let known: Vec<u32> = units.iter().map(|u| u.arc).collect();
        // `flowing_of` lists in arc order, the order the hand keeps.
        assert_eq!(flowing, known, "hand of volunteer {v}");
        for u in units {
            let i = idx(u.arc);
            assert_eq!(u.slot, self.vslot[i], "slot of arc {i}");
            assert_eq!(u.shift, self.sinks[i], "shift of arc {i}");
            assert_eq!(u.cost, self.arc_cost(i), "cost of arc {i}");
        }
    }

    /// A shift with excess `e` takes its `e` best residual units and lowers its price to just
    /// below the next best.
    fn discharge_shift(&mut self, s: usize, eps: i64) -> Result<(), EngineError> {
        let x = self.nv + s;
        let e = u64::try_from(self.excess[x]).unwrap_or(0);
        let c = self.cache.id[s];
        let mut buf = std::mem::take(&mut self.buf);
        let mut thr = i64::MIN;
        let cached = c != u32::MAX && e < CACHE_K as u64;
        let p = if cached {
            let c = idx(c);
            let mut rebuilt = false;
            loop {
                if !self.cache.valid[c] {
                    self.rebuild(s);
                    rebuilt = true;
                }
                buf.clear();
                let base = c * CACHE_K;
                for j in 0..usize::from(self.cache.len[c]) {
                    let en = self.cache.entries[base + j];
                    if en.res > 0 {
                        let val = self.price[idx(en.vol)] - en.cost;
                        buf.push((val, en.res, u32_of(j)?));
                    }
                }
                self.push_hub_cand(s, &mut buf);
                order(&mut buf, e);
                thr = self.cache.thr[c];
                let p = plan(&buf, e);
                let enough = buf[..p.used].iter().map(|b| u64::from(b.1)).sum::<u64>() >= e;
                if (p.last >= thr && enough) || rebuilt {
                    break p;
                }
                self.cache.valid[c] = false;
            }
        } else {
            if c != u32::MAX {
                // The units move on slots, not through the cache entries: it goes stale.
                self.cache.valid[idx(c)] = false;
            }
            buf.clear();
            for k in idx(self.sfirst[s])..idx(self.sfirst[s + 1]) {
                let sl = self.slots[k];
                let r = sl.res;
                if r > 0 {
                    let val = self.price[idx(sl.vol)] - sl.cost;
                    buf.push((val, r, u32_of(k)?));
                }
            }
            let keep = usize::try_from(e).unwrap_or(usize::MAX).saturating_add(1);
            if buf.len() > keep {
                buf.select_nth_unstable_by(keep - 1, by_value);
                buf.truncate(keep);
            }
            self.push_hub_cand(s, &mut buf);
            order(&mut buf, e);
            plan(&buf, e)
        };
        let q = self.new_price(x, &p, thr, eps)?;
        self.price[x] = q;
        let base = if cached { idx(c) * CACHE_K } else { 0 };
        for (d, j) in placed(&buf[..p.used], e) {
            self.excess[x] -= i64::from(d);
            if j == HUB_REF {
                if self.sunf[s] == 0 && self.hub_heap_live {
                    self.hub_heap
                        .push((self.price[x] + self.pen[s], Reverse(u32_of(x)?)));
                }
                self.sunf[s] += d;
                self.raise_excess(self.hub, d);
            } else {
                let (k, i, v, cost) = if cached {
                    let en = &mut self.cache.entries[base + idx(j)];
                    en.res -= d;
                    let k = idx(en.slot);
                    (k, idx(self.sarc[k]), idx(en.vol), en.cost)
                } else {
                    let sl = self.slots[idx(j)];
                    (idx(j), idx(self.sarc[idx(j)]), idx(sl.vol), sl.cost)
                };
                if self.unit {
                    self.push_unit(k, i, v, s, cost);
                    #[cfg(test)]
                    self.check_hand(v);
                } else {
                    self.add_flow_on(k, i, d);
                }
                self.raise_excess(v, d);
            }
        }
        self.buf = buf;
        #[cfg(test)]
        self.check_cache(s);
        Ok(())
    }

    fn push_hub_cand(&self, s: usize, buf: &mut Vec<Cand>) {
        if self.sunf[s] < self.demand[s] {
            buf.push((
                self.price[self.hub] - self.pen[s],
                self.demand[s] - self.sunf[s],
                HUB_REF,
            ));
        }
    }

    /// The hub's residual arc to `y` (a volunteer or a shift): its value and residual units.
    fn hub_arc(&self, y: usize) -> (i64, u32) {
        if y < self.nv {
            (self.price[y], self.vout[y])
        } else {
            let s = y - self.nv;
            (self.price[y] + self.pen[s], self.sunf[s])
        }
    }

    /// The hub, when it holds more than it can absorb, returns its best units.
    fn discharge_hub(&mut self, eps: i64) -> Result<(), EngineError> {
        let (nv, hub) = (self.nv, self.hub);
        let e = u64::try_from(self.excess[hub]).unwrap_or(0);
        if !self.hub_heap_live {
            self.hub_heap.clear();
            for y in 0..hub {
                let (val, r) = self.hub_arc(y);
                if r > 0 {
                    self.hub_heap.push((val, Reverse(u32_of(y)?)));
                }
            }
            self.hub_heap_live = true;
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        // Pop the best current entries until e + 1 units are known (values only fall, so a
        // stale entry is re-keyed with its current value).
        let mut units = 0_u64;
        while units <= e {
            let Some((val, Reverse(y))) = self.hub_heap.pop() else {
                break;
            };
            let (cur, r) = self.hub_arc(idx(y));
            if r == 0 {
                continue;
            }
            if cur != val {
                self.hub_heap.push((cur, Reverse(y)));
                continue;
            }
            if buf.iter().any(|b| b.2 == y) {
                // A duplicate entry of a node already taken.
                continue;
            }
            buf.push((cur, r, y));
            units += u64::from(r);
        }
        let p = plan(&buf, e);
        let q = self.new_price(hub, &p, i64::MIN, eps)?;
        self.price[hub] = q;
        for (d, y) in placed(&buf[..p.used], e) {
            self.excess[hub] -= i64::from(d);
            let y = idx(y);
            if y < nv {
                self.vout[y] -= d;
            } else {
                self.sunf[y - nv] -= d;
            }
            self.raise_excess(y, d);
        }
        for &(val, _, y) in &buf {
            if self.hub_arc(idx(y)).1 > 0 {
                self.hub_heap.push((val, Reverse(y)));
            }
        }
        self.buf = buf;
        Ok(())
    }

    /// Slot `k` of shift `s` just gained `delta` residual units: keep the shift's cache true.
    fn gain(&mut self, s: usize, k: usize, delta: u32) {
        self.gain_with(s, k, delta, |me| {
            let sl = me.slots[k];
            Entry {
                cost: sl.cost,
                vol: sl.vol,
                slot: u32::try_from(k).unwrap_or(u32::MAX),
                res: sl.res,
            }
        });
    }

    /// [`Solver::gain`], with the entry the slot would get if it is not cached (`fresh`,
    /// called only then).
    fn gain_with(&mut self, s: usize, k: usize, delta: u32, fresh: impl FnOnce(&Self) -> Entry) {
        let c = self.cache.id[s];
        if c == u32::MAX || !self.cache.valid[idx(c)] {
            return;
        }
        let c = idx(c);
        let base = c * CACHE_K;
        let len = usize::from(self.cache.len[c]);
        let slot = u32::try_from(k).unwrap_or(u32::MAX);
        if let Some(en) = self.cache.entries[base..base + len]
            .iter_mut()
            .find(|en| en.slot == slot)
        {
            en.res += delta;
            return;
        }
        let fresh = fresh(self);
        if len < CACHE_K {
            self.cache.entries[base + len] = fresh;
            self.cache.len[c] += 1;
            return;
        }
        let mut worst = base;
        let mut worst_val = i64::MAX;
        for j in base..base + len {
            let en = self.cache.entries[j];
            let val = if en.res > 0 {
                self.price[idx(en.vol)] - en.cost
            } else {
                i64::MIN
            };
            if val < worst_val {
                worst_val = val;
                worst = j;
            }
        }
        let new_val = self.price[idx(fresh.vol)] - fresh.cost;
        if new_val > worst_val {
            self.cache.entries[worst] = fresh;
            self.cache.thr[c] = self.cache.thr[c].max(worst_val);
        } else {
            self.cache.thr[c] = self.cache.thr[c].max(new_val);
        }
    }

    /// Full scan of shift `s`: caches its best residual arcs and bounds the rest.
    fn rebuild(&mut self, s: usize) {
        let c = idx(self.cache.id[s]);
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        for k in idx(self.sfirst[s])..idx(self.sfirst[s + 1]) {
            let sl = self.slots[k];
            if sl.res > 0 {
                let val = self.price[idx(sl.vol)] - sl.cost;
                buf.push((val, sl.res, u32::try_from(k).unwrap_or(u32::MAX)));
            }
        }
        let thr = if buf.len() > CACHE_K {
            // The candidate selected at `CACHE_K` ranks before every later one, so it has
            // the largest value among them.
            buf.select_nth_unstable_by(CACHE_K, by_value);
            buf[CACHE_K].0
        } else {
            i64::MIN
        };
        let len = buf.len().min(CACHE_K);
        let base = c * CACHE_K;
        for (j, x) in buf[..len].iter().enumerate() {
            let sl = self.slots[idx(x.2)];
            self.cache.entries[base + j] = Entry {
                cost: sl.cost,
                vol: sl.vol,
                slot: x.2,
                res: x.1,
            };
        }
        self.cache.len[c] = u8::try_from(len).unwrap_or(0);
        self.cache.thr[c] = thr;
        self.cache.valid[c] = true;
        self.buf = buf;
    }

    /// Global price update: distances (in units of ε) to the nearest deficit in the residual
    /// graph, found in increasing order until half of the nodes with excess have one; each
    /// labelled node's price drops by its distance times ε, every other node's by the
    /// distance reached (at most its own).
    fn price_update(&mut self, eps: i64) -> Result<(), EngineError> {
        self.relabels = 0;
        let n = self.hub + 1;
        let nb = n + 2;
        let mut pu = std::mem::take(&mut self.pu);
        if pu.buckets.len() < nb {
            pu.buckets.resize_with(nb, Vec::new);
            pu.dist.resize(n, u64::MAX);
            pu.flags.resize(n, 0);
            pu.limit.resize(self.ns, i64::MAX);
        }
        let result = self.price_update_with(eps, &mut pu, nb as u64);
        for b in &mut pu.buckets {
            b.clear();
        }
        pu.far.clear();
        pu.dist.fill(u64::MAX);
        pu.flags.fill(0);
        pu.limit.fill(i64::MAX);
        self.pu = pu;
        result
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one search over the three kinds of node"
    )]
    fn price_update_with(
        &mut self,
        eps: i64,
        pu: &mut Scratch,
        nb: u64,
    ) -> Result<(), EngineError> {
        let n = self.hub + 1;
        let mut active = 0_usize;
        let max_bucket = 0_usize;
        for x in 0..n {
            if self.excess[x] < 0 {
                pu.dist[x] = 0;
                pu.buckets[0].push(u32_of(x)?);
            } else if self.excess[x] > 0 {
                active += 1;
                pu.flags[x] = ACTIVE;
            }
        }
        if active == 0 {
            return Ok(());
        }
        for (f, &out) in pu.flags.iter_mut().zip(&self.vout) {
            if out > 0 {
                *f |= RETURNS;
            }
        }
        let mut flowing = std::mem::take(&mut pu.flowing);
        self.gather_flowing(&mut flowing)?;
        let result = self.search(eps, pu, nb, active, max_bucket, &flowing);
        pu.flowing = flowing;
        result
    }

    /// Fills `flowing` with the arcs that carry flow, by shift, then volunteer.
    fn gather_flowing(&self, flowing: &mut Flowing) -> Result<(), EngineError> {
        let ns = self.ns;
        let Flowing {
            first,
            vol,
            val,
            by_slots,
        } = flowing;
        first.clear();
        first.resize(ns + 2, 0);
        self.each_flowing::<false>(|_, s, _| {
            first[idx(s) + 2] += 1;
            Ok(())
        })?;
        for s in 0..ns {
            first[s + 2] += first[s + 1];
        }
        let len = idx(first[ns + 1]);
        *by_slots = len > self.slots.len() / FLOOD;
        if *by_slots {
            return Ok(());
        }
        vol.clear();
        vol.resize(len, 0);
        val.clear();
        val.resize(len, 0);
        self.each_flowing::<true>(|v, s, cost| {
            let slot = &mut first[idx(s) + 1];
            vol[idx(*slot)] = u32_of(v)?;
            val[idx(*slot)] = self.price[v] - cost;
            *slot += 1;
            Ok(())
        })
    }

    /// Calls `f(volunteer, shift, scaled cost)` for every arc that carries flow, by volunteer
    /// and in arc order (the cost is 0 unless `COST`). A volunteer whose hand is known is read
    /// from its hand: one record, in volunteer order, where the arc columns would cost two
    /// reads at the volunteer's place in the 5 M-arc columns. The others are read through
    /// their masks, so that the flow array is read only for volunteers of many arcs.
    fn each_flowing<const COST: bool>(
        &self,
        mut f: impl FnMut(usize, u32, i64) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let cost = |i: usize| if COST { self.arc_cost(i) } else { 0 };
        for v in 0..self.nv {
            // Hands are kept with unit arcs only: each unit is its arc's whole flow.
            if let Some(hand) = self.known_hand(v) {
                for u in &hand.units[..usize::from(hand.len)] {
                    f(v, u.shift, u.cost)?;
                }
                continue;
            }
            let (first, end) = self.arcs_of(v);
            if end - first <= MASK_DEGREE {
                let mut mask = self.vmask[v];
                while mask != 0 {
                    let i = idx(first + mask.trailing_zeros());
                    f(v, self.sinks[i], cost(i))?;
                    mask &= mask - 1;
                }
            } else {
                for i in idx(first)..idx(end) {
                    if self.vflow[i] > 0 {
                        f(v, self.sinks[i], cost(i))?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The bucket search of [`Solver::price_update`], from the deficits already queued.
    #[allow(
        clippy::too_many_lines,
        reason = "one search over the three kinds of node"
    )]
    fn search(
        &mut self,
        eps: i64,
        pu: &mut Scratch,
        nb: u64,
        mut active: usize,
        mut max_bucket: usize,
        flowing: &Flowing,
    ) -> Result<(), EngineError> {
        let (nv, ns, hub) = (self.nv, self.ns, self.hub);
        let n = hub + 1;
        let mut level = 0_u64;
        let mut b = 0_u64;
        let price = &self.price;
        let relax = |pu: &mut Scratch, max_bucket: &mut usize, d: u64, y: usize, rc: i64| {
            if pu.flags[y] & DONE != 0 {
                return None;
            }
            let known = pu.dist[y];
            if known != u64::MAX {
                // Improves only if ⌊rc/ε⌋ + 1 < known − d, i.e. rc < (known − d − 1)·ε: a
                // multiplication instead of a division for the common case.
                let room = known.checked_sub(d + 1)?;
                let limit = i64::try_from(room)
                    .ok()
                    .and_then(|r| r.checked_mul(eps))
                    .unwrap_or(i64::MAX);
                if rc >= limit {
                    return None;
                }
            }
            let len = u64::try_from(rc.div_euclid(eps) + 1).unwrap_or(0);
            let nd = d.saturating_add(len);
            if nd < pu.dist[y] {
                pu.dist[y] = nd;
                let yy = u32::try_from(y).unwrap_or(u32::MAX);
                if nd < nb {
                    let k = usize::try_from(nd).unwrap_or(usize::MAX);
                    pu.buckets[k].push(yy);
                    *max_bucket = (*max_bucket).max(k);
                } else {
                    pu.far.push(Reverse((nd, yy)));
                }
                return Some(nd);
            }
            None
        };
        // Stop once half of the nodes with excess are labelled (at least one).
        let stop_at = active / 2;
        while active > 0 {
            let (d, w) = loop {
                if b < nb {
                    let bi = usize::try_from(b).unwrap_or(usize::MAX);
                    if let Some(w) = pu.buckets[bi].pop() {
                        break (b, w);
                    }
                    if bi >= max_bucket && pu.far.is_empty() {
                        return Err(EngineError::Infeasible);
                    }
                    b += 1;
                } else {
                    let Some(Reverse((d, w))) = pu.far.pop() else {
                        return Err(EngineError::Infeasible);
                    };
                    break (d, w);
                }
            };
            let w = idx(w);
            if pu.flags[w] & DONE != 0 || d != pu.dist[w] {
                continue;
            }
            pu.flags[w] |= DONE;
            if let Some(l) = w.checked_sub(nv).and_then(|s| pu.limit.get_mut(s)) {
                *l = i64::MIN;
            }
            level = d;
            if pu.flags[w] & ACTIVE != 0 {
                active -= 1;
                if active <= stop_at {
                    break;
                }
            }
            let pw = price[w];
            if w < nv {
                // Into a volunteer: residual shift arcs, and the hub's return arc.
                let (first, end) = self.arcs_of(w);
                // With unit arcs, an arc is residual exactly when its mask bit is clear.
                let mask = (self.unit && end - first <= MASK_DEGREE).then(|| self.vmask[w]);
                // An arc improves its shift's label only if its cost is below
                // `limit[shift] + q` (see `Scratch::limit`); with `d·ε` at most
                // `PRICE_LIMIT`, `q` and the sum cannot wrap (the sum saturates upwards).
                let q = i64::try_from(d)
                    .ok()
                    .and_then(|d| d.checked_mul(eps))
                    .filter(|&de| de <= PRICE_LIMIT)
                    .map_or(i64::MAX, |de| pw - de);
                for i in idx(first)..idx(end) {
                    let s = idx(self.sinks[i]);
                    let cost = self.arc_cost(i);
                    if q != i64::MAX && cost >= pu.limit[s].saturating_add(q) {
                        continue;
                    }
                    let y = nv + s;
                    let residual = match mask {
                        Some(m) => (m >> (i - idx(first))) & 1 == 0,
                        None => self.arc_residual(i),
                    };
                    if !residual {
                        continue;
                    }
                    let rc = cost + price[y] - pw;
                    if let Some(nd) = relax(pu, &mut max_bucket, d, y, rc) {
                        pu.limit[s] = i64::try_from(nd)
                            .ok()
                            .and_then(|nd| (nd - 1).checked_mul(eps))
                            .and_then(|x| x.checked_sub(price[y]))
                            .unwrap_or(i64::MAX);
                    }
                }
                if pu.flags[w] & RETURNS != 0 {
                    relax(pu, &mut max_bucket, d, hub, price[hub] - pw);
                }
            } else if w < hub {
                let s = w - nv;
                if flowing.by_slots {
                    for k in idx(self.sfirst[s])..idx(self.sfirst[s + 1]) {
                        let sl = self.slots[k];
                        if sl.res < self.slot_capacity(k) {
                            let y = idx(sl.vol);
                            relax(pu, &mut max_bucket, d, y, price[y] - sl.cost - pw);
                        }
                    }
                } else {
                    let range = idx(flowing.first[s])..idx(flowing.first[s + 1]);
                    for (&y, &val) in flowing.vol[range.clone()].iter().zip(&flowing.val[range]) {
                        relax(pu, &mut max_bucket, d, idx(y), val - pw);
                    }
                }
                if self.sunf[s] > 0 {
                    relax(pu, &mut max_bucket, d, hub, -self.pen[s] + price[hub] - pw);
                }
            } else {
                for v in 0..nv {
                    if self.vout[v] < self.cap[v] {
                        relax(pu, &mut max_bucket, d, v, price[v] - pw);
                    }
                }
                for s in 0..ns {
                    if self.sunf[s] < self.demand[s] {
                        relax(
                            pu,
                            &mut max_bucket,
                            d,
                            nv + s,
                            self.pen[s] + price[nv + s] - pw,
                        );
                    }
                }
            }
        }
        for x in 0..n {
            let rank = if pu.flags[x] & DONE != 0 {
                pu.dist[x]
            } else {
                level
            };
            if rank > 0 {
                let drop = i64::try_from(rank)
                    .ok()
                    .and_then(|r| r.checked_mul(eps))
                    .ok_or(EngineError::Overflow)?;
                let p = self.price[x] - drop.min(PRICE_LIMIT);
                if p < -PRICE_LIMIT {
                    return Err(EngineError::Overflow);
                }
                self.price[x] = p;
            }
        }
        Ok(())
    }
}

/// Scratch for the exact finish: Dijkstra labels and the admissible-graph search.
#[derive(Default)]
struct Finish {
    /// Potentials in scaled units (multiples of the scale).
    pot: Vec<i64>,
    dist: Vec<i64>,
    /// Round in which `dist` was set.
    seen: Vec<u32>,
    /// Round in which the node was settled.
    settled: Vec<u32>,
    /// Round in which the search found no deficit from the node.
    dead: Vec<u32>,
    on_path: Vec<bool>,
    cur: Vec<u32>,
    order: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
}

impl Solver<'_> {
    /// Number of arc positions out of node `x` (see [`Solver::arc_at`]).
    fn degree(&self, x: usize) -> usize {
        let nv = self.nv;
        if x < nv {
            let (first, end) = self.arcs_at(x);
            end - first + 1
        } else if x < self.hub {
            let s = x - nv;
            idx(self.sfirst[s + 1]) - idx(self.sfirst[s]) + 1
        } else {
            self.hub
        }
    }

    /// Arc `pos` out of node `x`: head, scaled cost and residual units.
    fn arc_at(&self, x: usize, pos: usize) -> (usize, i64, u32) {
        let nv = self.nv;
        if x < nv {
            let (first, end) = self.arcs_at(x);
            let i = first + pos;
            if i < end {
                (nv + idx(self.sinks[i]), -self.arc_cost(i), self.vflow[i])
            } else {
                (self.hub, 0, self.cap[x] - self.vout[x])
            }
        } else if x < self.hub {
            let s = x - nv;
            let k = idx(self.sfirst[s]) + pos;
            if k < idx(self.sfirst[s + 1]) {
                let sl = self.slots[k];
                (idx(sl.vol), sl.cost, sl.res)
            } else {
                (self.hub, self.pen[s], self.demand[s] - self.sunf[s])
            }
        } else if pos < nv {
            (pos, 0, self.vout[pos])
        } else {
            let s = pos - nv;
            (nv + s, -self.pen[s], self.sunf[s])
        }
    }

    /// Pushes `d` units along arc `pos` out of node `x` (residual permitting).
    fn push_at(&mut self, x: usize, pos: usize, d: u32) {
        let nv = self.nv;
        let (w, _, _) = self.arc_at(x, pos);
        if x < nv {
            let (first, end) = self.arcs_at(x);
            let i = first + pos;
            if i < end {
                let k = idx(self.vslot[i]);
                self.slots[k].res += d;
                self.vflow[i] -= d;
                if self.vflow[i] == 0 && d > 0 {
                    self.mark(x, i, false);
                }
            } else {
                self.vout[x] += d;
            }
        } else if x < self.hub {
            let s = x - nv;
            let k = idx(self.sfirst[s]) + pos;
            if k < idx(self.sfirst[s + 1]) {
                self.add_flow(k, d);
            } else {
                self.sunf[s] += d;
            }
        } else if pos < nv {
            self.vout[pos] -= d;
        } else {
            self.sunf[pos - nv] -= d;
        }
        self.excess[x] -= i64::from(d);
        self.excess[w] += i64::from(d);
    }

    /// Turns the current (ε-optimal) flow and prices into an exact optimum with integer
    /// potentials: rounds the prices to whole cost units, saturates every residual arc that
    /// the rounding leaves with a negative reduced cost, then sends the resulting excesses to
    /// the deficits along shortest paths (primal-dual: one Dijkstra on reduced costs, then
    /// every augmenting path of reduced cost zero, until no excess is left).
    fn finish(&mut self) -> Result<Vec<i64>, EngineError> {
        let n = self.hub + 1;
        let scale = self.scale;
        let ph = self.price[self.hub];
        let mut f = Finish {
            pot: self
                .price
                .iter()
                .map(|&p| {
                    let q = (p - ph).div_euclid(scale) * scale;
                    if p - ph > q { q + scale } else { q }
                })
                .collect(),
            dist: vec![0; n],
            seen: vec![0; n],
            settled: vec![0; n],
            dead: vec![0; n],
            on_path: vec![false; n],
            cur: vec![0; n],
            order: Vec::new(),
            heap: BinaryHeap::new(),
        };
        // Saturate the residual arcs of negative reduced cost.
        for x in 0..n {
            for pos in 0..self.degree(x) {
                let (w, c, r) = self.arc_at(x, pos);
                if r > 0 && c + f.pot[x] - f.pot[w] < 0 {
                    self.push_at(x, pos, r);
                }
            }
        }
        let mut round = 0_u32;
        loop {
            if self.excess.iter().all(|&e| e <= 0) {
                break;
            }
            round = round.checked_add(1).ok_or(EngineError::Overflow)?;
            self.shortest(&mut f, round)?;
            self.augment(&mut f, round);
        }
        let top = f.pot.iter().copied().max().unwrap_or(0);
        Ok(f.pot.iter().map(|&p| (p - top) / scale).collect())
    }

    /// Multi-source Dijkstra from every excess on reduced costs, up to the distance `D` of
    /// the nearest deficit (every node at `D` included); then lowers each settled node's
    /// potential by `D − dist`, so that shortest paths have reduced cost zero.
    fn shortest(&self, f: &mut Finish, round: u32) -> Result<(), EngineError> {
        f.heap.clear();
        f.order.clear();
        for x in 0..=self.hub {
            if self.excess[x] > 0 {
                f.dist[x] = 0;
                f.seen[x] = round;
                f.heap.push(Reverse((0, u32_of(x)?)));
            }
        }
        let mut bound = i64::MAX;
        while let Some(Reverse((d, x))) = f.heap.pop() {
            if d > bound {
                break;
            }
            let x = idx(x);
            if f.settled[x] == round || f.dist[x] != d {
                continue;
            }
            f.settled[x] = round;
            f.order.push(u32_of(x)?);
            if self.excess[x] < 0 && bound == i64::MAX {
                bound = d;
            }
            let px = f.pot[x];
            for pos in 0..self.degree(x) {
                let (w, c, r) = self.arc_at(x, pos);
                if r == 0 || f.settled[w] == round {
                    continue;
                }
                let rc = c + px - f.pot[w];
                if rc < 0 {
                    return Err(EngineError::Overflow);
                }
                let nd = d + rc;
                if nd > bound {
                    continue;
                }
                if f.seen[w] != round || nd < f.dist[w] {
                    f.seen[w] = round;
                    f.dist[w] = nd;
                    f.heap.push(Reverse((nd, u32_of(w)?)));
                }
            }
        }
        if bound == i64::MAX {
            return Err(EngineError::Infeasible);
        }
        for &x in &f.order {
            let x = idx(x);
            f.pot[x] -= bound - f.dist[x];
            f.cur[x] = 0;
        }
        Ok(())
    }

    /// Sends excess to deficits along residual arcs of reduced cost zero among the nodes
    /// settled in this round (depth-first, with current-arc pointers and dead ends marked).
    fn augment(&mut self, f: &mut Finish, round: u32) {
        let mut path: Vec<(usize, usize)> = Vec::new();
        let sources: Vec<u32> = f
            .order
            .iter()
            .copied()
            .filter(|&x| self.excess[idx(x)] > 0)
            .collect();
        for s0 in sources {
            let s0 = idx(s0);
            while self.excess[s0] > 0 && f.dead[s0] != round {
                path.clear();
                f.on_path[s0] = true;
                let mut u = s0;
                let found = loop {
                    if self.excess[u] < 0 {
                        break true;
                    }
                    let deg = self.degree(u);
                    let mut next = None;
                    while idx(f.cur[u]) < deg {
                        let pos = idx(f.cur[u]);
                        let (w, c, r) = self.arc_at(u, pos);
                        if r > 0
                            && f.settled[w] == round
                            && f.dead[w] != round
                            && !f.on_path[w]
                            && c + f.pot[u] - f.pot[w] == 0
                        {
                            next = Some((pos, w));
                            break;
                        }
                        f.cur[u] += 1;
                    }
                    if let Some((pos, w)) = next {
                        path.push((u, pos));
                        f.on_path[w] = true;
                        u = w;
                    } else {
                        f.dead[u] = round;
                        f.on_path[u] = false;
                        match path.pop() {
                            Some((p, _)) => {
                                f.cur[p] += 1;
                                u = p;
                            }
                            None => break false,
                        }
                    }
                };
                if !found {
                    break;
                }
                // Bottleneck, then push.
                let mut d = u64::try_from(self.excess[s0]).unwrap_or(0);
                d = d.min(u64::try_from(-self.excess[u]).unwrap_or(0));
                for &(x, pos) in &path {
                    d = d.min(u64::from(self.arc_at(x, pos).2));
                }
                let d = u32::try_from(d).unwrap_or(u32::MAX);
                for &(x, pos) in &path {
                    self.push_at(x, pos, d);
                    f.on_path[x] = false;
                }
                f.on_path[u] = false;
            }
            f.on_path[s0] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        ALPHA, ALPHA_FINE, Cand, FINE_ABOVE, HUB_REF, Slot, last_phase, next_eps, order,
        order_as_set, placed, plan, renumber,
    };
    use proptest::prelude::*;

    /// [`renumber`] of `nv` volunteers and `ns` shifts joined by `arcs` (volunteer, shift),
    /// given in canonical order: the CSR by volunteer and the shifts' slots built as
    /// [`super::Solver::build`] builds them. Returns `old`, after checking `new` and the
    /// relabelled slots against it.
    fn bfs(nv: usize, ns: usize, arcs: &[(u32, u32)]) -> Vec<u32> {
        let mut vfirst = vec![0_u32; nv + 1];
        let mut sfirst = vec![0_u32; ns + 1];
        for &(v, s) in arcs {
            vfirst[v as usize + 1] += 1;
            sfirst[s as usize + 1] += 1;
        }
        for x in 0..nv {
            vfirst[x + 1] += vfirst[x];
        }
        for x in 0..ns {
            sfirst[x + 1] += sfirst[x];
        }
        let sinks: Vec<u32> = arcs.iter().map(|a| a.1).collect();
        let mut pos = sfirst.clone();
        let mut slots = vec![Slot::default(); arcs.len()];
        for &(v, s) in arcs {
            slots[pos[s as usize] as usize].vol = v;
            pos[s as usize] += 1;
        }
        let before: Vec<u32> = slots.iter().map(|sl| sl.vol).collect();
        let (old, new) = renumber(&vfirst, &sinks, &sfirst, &mut slots, Slot::vol_mut).unwrap();
        for (v, &o) in old.iter().enumerate() {
            assert_eq!(new[o as usize] as usize, v, "new is the inverse of old");
        }
        for (sl, &o) in slots.iter().zip(&before) {
            assert_eq!(
                sl.vol, new[o as usize],
                "a slot of volunteer {o} relabelled"
            );
        }
        old
    }

    /// From volunteer 0 through shift 1 to volunteer 3, through shift 2 to volunteer 4; then
    /// volunteer 1 (no arcs) and volunteer 2 (alone on shift 0), each a search of its own.
    #[test]
    fn volunteers_are_renumbered_in_breadth_first_order() {
        let arcs = [(0, 1), (2, 0), (3, 1), (3, 2), (4, 2)];
        assert_eq!(bfs(5, 3, &arcs), [0, 3, 4, 1, 2]);
    }

    proptest! {
        /// Every volunteer is numbered exactly once, whatever the network (isolated
        /// volunteers and shifts, several components); each volunteer after a search's
        /// first shares a shift with one numbered before it.
        #[test]
        fn the_renumbering_is_a_permutation(
            nv in 1_usize..30,
            ns in 1_usize..8,
            pairs in prop::collection::btree_set((0_u32..30, 0_u32..8), 0..80),
        ) {
            let arcs: Vec<(u32, u32)> = pairs
                .into_iter()
                .filter(|&(v, s)| (v as usize) < nv && (s as usize) < ns)
                .collect();
            let old = bfs(nv, ns, &arcs);
            let mut sorted = old.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted, (0..nv).map(|v| u32::try_from(v).unwrap()).collect::<Vec<_>>());
            let shares = |a: u32, b: u32| {
                arcs.iter().any(|&(v, s)| v == a && arcs.contains(&(b, s)))
            };
            for (j, &w) in old.iter().enumerate() {
                // A new search starts at the lowest volunteer not yet numbered.
                let linked = old[..j].iter().any(|&u| shares(u, w));
                let lowest_left = old[j..].iter().all(|&u| u >= w);
                prop_assert!(linked || lowest_left, "volunteer {} at {}", w, j);
            }
        }
    }

    /// The phases of a problem whose largest cost is `max_cost`, in scaled units.
    fn phases(max_cost: i64, scale: i64) -> Vec<i64> {
        let mut eps = max_cost * scale;
        let mut out = Vec::new();
        loop {
            eps = next_eps(eps, scale);
            out.push(eps);
            if last_phase(eps, scale) {
                return out;
            }
        }
    }

    /// `s100k` (largest cost 3,599, `n + 1` = 110,002): ε of 225 and 14 cost units, then
    /// 0.44 and 0.014 (BENCHMARKS.md, "Fifteenth round").
    #[test]
    fn the_schedule_of_s100k_has_two_coarse_and_two_fine_phases() {
        assert_eq!(
            phases(3_599, 110_002),
            [24_743_574, 1_546_473, 48_327, 1_510]
        );
    }

    /// Candidates as a volunteer's step sees them: unit arcs with few distinct values (so
    /// that ties are common), and sometimes the hub arc with one to three units.
    fn candidates() -> impl Strategy<Value = (Vec<Cand>, u64)> {
        (
            prop::collection::vec(-4_i64..4, 1..40),
            prop::option::of((-4_i64..4, 1_u32..4)),
        )
            .prop_flat_map(|(vals, hub)| {
                let mut buf: Vec<Cand> = vals
                    .iter()
                    .enumerate()
                    .map(|(j, &v)| (v, 1, u32::try_from(j * 3 % 97).unwrap()))
                    .collect();
                if let Some((v, r)) = hub {
                    buf.push((v, r, HUB_REF));
                }
                let units: u32 = buf.iter().map(|c| c.1).sum();
                (Just(buf), 1..=u64::from(units))
            })
    }

    proptest! {
        /// Every schedule divides `ε` by `ALPHA` above `FINE_ABOVE` cost units and by
        /// `ALPHA_FINE` below, and ends at the first phase at most `1/ALPHA_FINE` of a unit.
        #[test]
        fn the_schedule_is_coarse_then_fine_and_ends_below_a_fraction_of_a_unit(
            max_cost in 1_i64..2_000_000,
            scale in 2_i64..500_000,
        ) {
            let eps = phases(max_cost, scale);
            let mut before = max_cost * scale;
            for (j, &e) in eps.iter().enumerate() {
                let ratio = if before > scale * FINE_ABOVE { ALPHA } else { ALPHA_FINE };
                prop_assert_eq!(e, (before / ratio).max(1));
                prop_assert_eq!(last_phase(e, scale), j + 1 == eps.len());
                before = e;
            }
            prop_assert!(before * ALPHA_FINE <= scale.max(ALPHA_FINE));
        }

        /// A step that uses its planned candidates as a set plans the same units from
        /// [`order_as_set`] as from [`order`]: the same count, last and next values, and
        /// the same units on the same candidates.
        #[test]
        fn ordering_as_a_set_plans_the_same_units((buf, e) in candidates()) {
            let mut sorted = buf.clone();
            order(&mut sorted, e);
            let mut as_set = buf;
            order_as_set(&mut as_set, e);
            let (a, b) = (plan(&sorted, e), plan(&as_set, e));
            prop_assert_eq!((a.used, a.last, a.next), (b.used, b.last, b.next));
            let mut units_a: Vec<_> = placed(&sorted[..a.used], e).collect();
            let mut units_b: Vec<_> = placed(&as_set[..b.used], e).collect();
            units_a.sort_unstable();
            units_b.sort_unstable();
            prop_assert_eq!(units_a, units_b);
        }
    }
}
