//! The min-cost flow engine: cost-scaling push–relabel (Goldberg) on a compact residual graph,
//! finished by one Dijkstra pass that turns the ε-optimal prices into exact integer potentials
//! (or, for costs too large to scale, by shortest paths).
//!
//! Crate-internal. [`super::FlowProblem`] and [`super::TransportProblem`] validate their input,
//! then call [`solve`].
//!
//! # Method
//! 1. With no negative cost, [`Solver::ssp`] tries successive shortest paths from a greedy
//!    start, within a budget of slot scans; if it runs out, the state is reset.
//! 2. Cost scaling: costs are multiplied by `n + 1`. Refine phases run with
//!    `ε = ε₀/α, ε₀/α², …, 1`; each turns a `αε`-optimal flow into an `ε`-optimal one by
//!    saturating every residual arc of negative reduced cost, then discharging active nodes in
//!    FIFO order with pushes on admissible arcs (reduced cost `< 0`) and relabels, interleaved
//!    with global price updates (a Dijkstra from the deficit nodes on the reversed residual
//!    graph, in units of `ε`). A flow that is 1-optimal for costs scaled by `n + 1` is optimal
//!    (Bertsekas; Goldberg–Tarjan). Below one cost unit, each phase ends with an attempt to
//!    certify the flow (candidate potentials, checked on every residual arc).
//! 3. Costs too large to multiply by `n + 1` within the price range ([`fits_scaled`] fails,
//!    [`fits`] holds) are multiplied by the largest factor `s < n + 1` that keeps prices in
//!    range (at least 1): the phases run down to `ε = 1`, a `1/s` of a cost unit, and
//!    [`Solver::finish_rounded`] rounds the prices to whole cost units, saturates the residual
//!    arcs the rounding leaves negative, makes every shortest path to a deficit tight with one
//!    exact price update, and routes the excess by shortest paths, whose prices are exact
//!    potentials. The solver's bound is then `max |cost| · (n + 1) ≤ 2^60` rather than
//!    `max |cost| · (n + 1)² ≤ 2^60`.
//!
//! Exact potentials: with final prices `π`, every residual arc has
//! `l = (n+1)·c + π(u) − π(v) + 1 ≥ 0`. Dijkstra from a virtual root (arc `root → v` of original
//! cost 0) gives, for every `v`, `D(v) = min_P ((n+1)·c(P) + |P| + 1) + K − π(v)` over simple
//! residual paths `P` ending at `v`; since `|P| + 1 ≤ n`, `⌊(D(v) + π(v) − K)/(n+1)⌋` is the
//! exact shortest-path distance `φ(v) = min_P c(P)`, and `c(u,v) + φ(u) − φ(v) ≥ 0` on every
//! residual arc.
//!
//! Determinism: the residual graph is laid out in the caller's arc order, every loop runs in index
//! order, and ties in the Dijkstra heaps break on node index.

#![allow(
    clippy::many_single_char_names,
    clippy::needless_range_loop,
    reason = "graph code reads best with the textbook names u, v, a, n, m and index loops over nodes"
)]

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Prices are kept within `±PRICE_LIMIT`; a relabel or update that would leave it reports
/// [`EngineError::Overflow`] instead of overflowing (sums of two prices and a scaled cost then
/// still fit in an `i64`).
pub(super) const PRICE_LIMIT: i64 = i64::MAX / 4;

/// The cost-scaling factor.
pub(super) const ALPHA: i64 = 16;

/// A global price update runs after this many times `n / 2` relabels.
const UPDATE_EVERY_HALF_N: usize = 1;

/// How the engine starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// Try successive shortest paths first (when no cost is negative), then cost scaling.
    ShortestPathsFirst,
    /// Cost scaling only (after the transportation solver's shortest paths gave up, and in
    /// tests to exercise that path on small problems).
    ScalingOnly,
    /// Successive shortest paths only: [`solve`] reports [`EngineError::GaveUp`] when they
    /// run out of budget (or a cost is negative), so the caller can try another method.
    ShortestPathsOnly,
}

/// One arc of the engine's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EngineArc {
    pub(crate) from: u32,
    pub(crate) to: u32,
    pub(crate) capacity: u32,
    pub(crate) cost: i64,
}

/// Why the engine stopped without a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EngineError {
    /// Supplies cannot be routed to demands within the arc capacities.
    Infeasible,
    /// Scaled costs or prices would leave the `i64` range.
    Overflow,
    /// [`Start::ShortestPathsOnly`] ran out of budget.
    GaveUp,
}

/// An optimal flow and its exact potentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EngineSolution {
    /// Flow on each input arc, in input order.
    pub(crate) flow: Vec<u32>,
    /// Node potentials `φ` (all `≤ 0`): every residual arc has `c + φ(u) − φ(v) ≥ 0`.
    pub(crate) potential: Vec<i64>,
}

/// Whether the engine solves a network of `nodes` nodes and costs up to `max_cost` in absolute
/// value exactly: `2 · max |cost| · (n + 1) ≤ PRICE_LIMIT`, so that prices (at most a path's
/// cost) stay far from the limit. Networks that also pass [`fits_scaled`] are solved with
/// costs multiplied by `n + 1`; the others with a smaller factor and an exact finish
/// ([`Solver::finish_rounded`]).
pub(crate) fn fits(nodes: usize, max_cost: i64) -> bool {
    let Ok(n1) = i64::try_from(nodes.saturating_add(1)) else {
        return false;
    };
    max_cost
        .checked_mul(n1)
        .and_then(|x| x.checked_mul(2))
        .is_some_and(|x| x <= PRICE_LIMIT)
}

/// The cost factor for a network: `n + 1` when `max |cost| · (n + 1)²` stays far from the
/// price limit ([`fits_scaled`]); else, when [`fits`], the largest `s` with
/// `2 · max |cost| · s · (n + 1) ≤ PRICE_LIMIT` (at least 1, less than `n + 1`); else the
/// network is too large.
fn scale_for(nodes: usize, max_cost: i64) -> Result<i64, EngineError> {
    let n1 = i64::try_from(nodes + 1).map_err(|_| EngineError::Overflow)?;
    if fits_scaled(nodes, max_cost) {
        Ok(n1)
    } else if fits(nodes, max_cost) {
        let per_unit = max_cost.max(1).saturating_mul(2).saturating_mul(n1);
        Ok((PRICE_LIMIT / per_unit).clamp(1, n1 - 1))
    } else {
        Err(EngineError::Overflow)
    }
}

/// Whether costs multiplied by `n + 1` keep prices far from the limit:
/// `2 · max |cost| · (n + 1)² ≤ PRICE_LIMIT`.
pub(crate) fn fits_scaled(nodes: usize, max_cost: i64) -> bool {
    let Ok(n1) = i64::try_from(nodes.saturating_add(1)) else {
        return false;
    };
    max_cost
        .checked_mul(n1)
        .and_then(|x| x.checked_mul(n1))
        .and_then(|x| x.checked_mul(2))
        .is_some_and(|x| x <= PRICE_LIMIT)
}

/// Residual graph in CSR form: the slots of node `u` are `first[u]..first[u+1]`.
struct Graph {
    first: Vec<u32>,
    head: Vec<u32>,
    rev: Vec<u32>,
    /// Scaled cost of each slot (negated on reverse slots).
    cost: Vec<i64>,
    resid: Vec<u32>,
    /// Capacity of the arc a slot belongs to (same on both slots of a pair), so the residual
    /// capacity of the paired slot is `pair_cap[a] − resid[a]` without a random access.
    pair_cap: Vec<u32>,
    /// Forward slot of each input arc.
    arc_slot: Vec<u32>,
}

fn idx(x: u32) -> usize {
    x as usize
}

fn u32_of(x: usize) -> Result<u32, EngineError> {
    u32::try_from(x).map_err(|_| EngineError::Overflow)
}

impl Graph {
    fn build<F>(n: usize, m: usize, arc: &F, scale: i64) -> Result<Self, EngineError>
    where
        F: Fn(usize) -> EngineArc,
    {
        let slots = m.checked_mul(2).ok_or(EngineError::Overflow)?;
        u32_of(slots)?;
        let mut deg = vec![0_u32; n + 1];
        for i in 0..m {
            let a = arc(i);
            deg[idx(a.from)] += 1;
            deg[idx(a.to)] += 1;
        }
        let mut first = vec![0_u32; n + 1];
        let mut acc = 0_u32;
        for u in 0..n {
            first[u] = acc;
            acc += deg[u];
        }
        first[n] = acc;
        let mut pos: Vec<u32> = first[..n].to_vec();
        let mut head = vec![0_u32; slots];
        let mut rev = vec![0_u32; slots];
        let mut cost = vec![0_i64; slots];
        let mut resid = vec![0_u32; slots];
        let mut pair_cap = vec![0_u32; slots];
        let mut arc_slot = vec![0_u32; m];
        for i in 0..m {
            let a = arc(i);
            let f = pos[idx(a.from)];
            pos[idx(a.from)] += 1;
            let r = pos[idx(a.to)];
            pos[idx(a.to)] += 1;
            let c = a.cost.checked_mul(scale).ok_or(EngineError::Overflow)?;
            head[idx(f)] = a.to;
            rev[idx(f)] = r;
            cost[idx(f)] = c;
            resid[idx(f)] = a.capacity;
            pair_cap[idx(f)] = a.capacity;
            pair_cap[idx(r)] = a.capacity;
            head[idx(r)] = a.from;
            rev[idx(r)] = f;
            cost[idx(r)] = -c;
            resid[idx(r)] = 0;
            arc_slot[i] = f;
        }
        Ok(Self {
            first,
            head,
            rev,
            cost,
            resid,
            pair_cap,
            arc_slot,
        })
    }
}

struct Solver {
    n: usize,
    g: Graph,
    price: Vec<i64>,
    excess: Vec<i64>,
    current: Vec<u32>,
    queue: VecDeque<u32>,
    relabels_since_update: usize,
    update_every: usize,
    buf: Vec<(i64, u32)>,
    /// Scratch space of the global price update.
    pu: UpdateScratch,
    /// Best-arc caches of high-degree nodes (see [`Solver::discharge_cached`]).
    cache: BestArcs,
    /// Residual arcs of the few nodes with more than [`HEAP_MIN_DEGREE`] slots (the hub of a
    /// match), by value (see [`Solver::discharge_heap`]).
    heaps: ArcHeaps,
    /// During the searches of [`Solver::ssp`]: for each node without a cache (at most
    /// [`CACHE_MIN_DEGREE`] slots), bit `k` set when slot `first + k` is residual, so a
    /// volunteer's search step reads its few assigned arcs rather than all of its slots.
    /// Empty outside the searches.
    resid_bits: Vec<u64>,
}

/// How a global price update measures a residual arc of reduced cost `rc`, in units of `ε`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lengths {
    /// `⌊rc/ε⌋ + 1`: for an ε-optimal flow in cost scaling, where `rc ≥ −ε`.
    EpsOptimal,
    /// `rc/ε` exactly: for a 0-optimal pseudoflow whose reduced costs are multiples of `ε`
    /// (shortest paths), so that afterwards every node's shortest path to a deficit has
    /// reduced cost 0.
    Exact,
}

/// Arcs a high-degree node keeps at hand: the (up to) `CACHE_K` residual arcs of highest value
/// `price(head) − cost` found by its last full scan, and `thr`, a bound on the value of every
/// other residual arc. Values only fall during a phase (prices only fall), and an arc that
/// becomes residual is inserted, so the bound stays true until the next phase.
struct BestArcs {
    /// Cache id of each node, or `u32::MAX` for nodes scanned in full.
    id: Vec<u32>,
    slots: Vec<u32>,
    len: Vec<u8>,
    thr: Vec<i64>,
    valid: Vec<bool>,
}

/// Lazy max-heaps of `(value, slot)` over the residual arcs of each very high-degree node,
/// built at the node's first discharge in a phase. An entry may be stale (its arc saturated,
/// or its value fallen: prices only fall during a phase) and is checked when it reaches the
/// top; an arc that becomes residual again gets a fresh entry. So every residual arc has an
/// entry keyed at least at its value, and a current top is the best residual arc.
#[derive(Default)]
struct ArcHeaps {
    /// Heap id of each node, or `u32::MAX`.
    id: Vec<u32>,
    heap: Vec<BinaryHeap<(i64, Reverse<u32>)>>,
    live: Vec<bool>,
}

#[derive(Default)]
struct UpdateScratch {
    buckets: Vec<Vec<u32>>,
    max_bucket: usize,
    far: BinaryHeap<Reverse<(u64, u32)>>,
    dist: Vec<u64>,
    done: Vec<bool>,
}

fn idx_u64(x: u64) -> usize {
    usize::try_from(x).unwrap_or(usize::MAX)
}

const CACHE_K: usize = 16;

/// Work charged for one heap pop in [`Solver::ssp`], in slot scans.
pub(super) const POP_WORK: usize = 32;

/// Marks a heap entry of [`Solver::ssp`] that relaxes the uncached arcs of a node.
const LATER: u32 = 1 << 31;
/// Nodes with more slots than this keep a best-arc cache.
const CACHE_MIN_DEGREE: u32 = 64;

/// Nodes with more slots than this discharge through a heap of their residual arcs
/// ([`Solver::discharge_heap`]) instead of the best-arc cache, whose full rescans cost their
/// whole degree each time `CACHE_K` arcs are used up: the hub of a city-wide match has one
/// arc per volunteer.
const HEAP_MIN_DEGREE: u32 = 4096;

#[cfg(test)]
thread_local! {
    /// Tests lower [`HEAP_MIN_DEGREE`] to send small networks through the heap discharge.
    pub(super) static HEAP_MIN_DEGREE_IN_TESTS: std::cell::Cell<u32> =
        const { std::cell::Cell::new(HEAP_MIN_DEGREE) };
}

/// [`HEAP_MIN_DEGREE`], or the tests' choice.
fn heap_min_degree() -> u32 {
    #[cfg(test)]
    {
        HEAP_MIN_DEGREE_IN_TESTS.with(std::cell::Cell::get)
    }
    #[cfg(not(test))]
    {
        HEAP_MIN_DEGREE
    }
}

/// Successive shortest paths may scan this many times the residual graph before giving up.
pub(super) const SSP_BUDGET: usize = 16;

/// A warm start's shortest paths may scan this many times the residual graph before giving
/// up (the caller then solves cold). A cold solve of a tight 100k instance costs the time of
/// well over a hundred scans; a repair with a keep bonus there measured about 22 (the early
/// give-up on projected pace still stops hopeless repairs after their first searches).
pub(super) const WARM_SSP_BUDGET: usize = 32;

/// Solves min-cost flow exactly: `supply[v] > 0` is a supply, `< 0` a demand; the supplies must
/// sum to zero and every arc endpoint must be `< supply.len()` (the callers validate both).
///
/// `start_cost` is a hint for the first scaling phase: the largest cost that matters for the
/// bulk of the flow (for a transportation problem, the largest arc cost, not the penalties).
/// Any value is correct; the engine never starts below the largest negative cost, where the
/// zero flow would not be ε-optimal.
pub(crate) fn solve<F>(
    supply: &[i64],
    m: usize,
    arc: F,
    start_cost: Option<i64>,
    how: Start,
) -> Result<EngineSolution, EngineError>
where
    F: Fn(usize) -> EngineArc,
{
    let n = supply.len();
    if n >= idx(LATER) {
        return Err(EngineError::Overflow);
    }
    let max_cost = (0..m).map(|i| arc(i).cost.abs()).max().unwrap_or(0);
    let max_negative = (0..m).map(|i| -arc(i).cost).max().unwrap_or(0).max(0);
    let scale = scale_for(n, max_cost)?;
    let n1 = i64::try_from(n + 1).map_err(|_| EngineError::Overflow)?;
    let g = Graph::build(n, m, &arc, scale)?;
    let mut s = Solver::new(g, vec![0; n], supply)?;
    let start = start_cost.map_or(max_cost, |c| c.clamp(max_negative, max_cost));
    let mut eps = start * scale;
    // With no negative cost the zero flow is 0-optimal: successive shortest paths solve the
    // problem outright when augmenting paths stay short (volunteers to spare). If they grow
    // long (a tight problem), the attempt is abandoned after a bounded amount of work and cost
    // scaling starts afresh.
    let mut potential = None;
    if how == Start::ShortestPathsOnly && max_negative > 0 {
        return Err(EngineError::GaveUp);
    }
    if max_negative == 0 && how != Start::ScalingOnly {
        let done = s.ssp(s.g.head.len().saturating_mul(SSP_BUDGET))?;
        if done {
            potential = Some(s.exact_potentials(scale)?);
        } else if how == Start::ShortestPathsOnly {
            return Err(EngineError::GaveUp);
        } else {
            s.reset(supply);
        }
    }
    while potential.is_none() {
        eps = (eps / ALPHA).max(1);
        s.refine(eps)?;
        if eps == 1 && scale < n1 {
            // Costs too large to scale by n + 1: 1/scale-optimal is not yet optimal.
            potential = Some(s.finish_rounded(scale)?);
        } else if eps == 1 {
            // 1-optimal for costs scaled by n + 1: optimal, and the potentials are exact.
            potential = Some(s.potentials_from(1, scale)?);
        } else if eps < scale {
            // Below one cost unit the flow is often optimal already: try to prove it.
            let phi = s.potentials_from(eps, scale)?;
            if s.certifies(&phi, scale) {
                potential = Some(phi);
            }
        }
    }
    let potential = potential.unwrap_or_default();
    let flow = (0..m)
        .map(|i| arc(i).capacity - s.g.resid[idx(s.g.arc_slot[i])])
        .collect();
    Ok(EngineSolution { flow, potential })
}

/// Re-optimises exactly from a previous flow and potentials (a warm start): `flow[i]` units on
/// input arc `i` (clipped to its capacity) and `potential[v]` per node, in cost units, both
/// possibly stale. Every residual arc of negative reduced cost is saturated, which leaves a
/// 0-optimal pseudoflow; one exact global price update then makes every shortest path to a
/// deficit tight, and successive shortest paths ([`Solver::ssp`]) route the imbalances: a
/// blocking flow on the tight arcs first, then one search per unit left, each stopping at the
/// first deficit it reaches and costing only what it touches (visited lists are reset, not
/// the arrays). When the searches grow long — many changes to a tight problem without a keep
/// bonus, where the best repair moves tens of thousands of placements — they stop after about
/// [`WARM_SSP_BUDGET`] scans of the graph and report [`EngineError::GaveUp`], so the caller
/// can solve cold (warm-started cost scaling measured slower than a cold solve there).
///
/// Same contract as [`solve`] for `supply` and the arcs; `flow` and `potential` must have one
/// entry per arc and node (the callers build both).
pub(crate) fn resolve<F>(
    supply: &[i64],
    m: usize,
    arc: F,
    flow: &[u32],
    potential: &[i64],
) -> Result<EngineSolution, EngineError>
where
    F: Fn(usize) -> EngineArc,
{
    let n = supply.len();
    if n >= idx(LATER) || flow.len() != m || potential.len() != n {
        return Err(EngineError::Overflow);
    }
    let max_cost = (0..m).map(|i| arc(i).cost.abs()).max().unwrap_or(0);
    let scale = scale_for(n, max_cost)?;
    // Prices start from the previous potentials; keep them well inside the limit so the
    // searches have room to lower them.
    let price = potential
        .iter()
        .map(|&p| {
            p.checked_mul(scale)
                .filter(|x| x.abs() <= PRICE_LIMIT / 4)
                .ok_or(EngineError::Overflow)
        })
        .collect::<Result<Vec<i64>, EngineError>>()?;
    let g = Graph::build(n, m, &arc, scale)?;
    let mut s = Solver::new(g, price, supply)?;
    // The previous flow, clipped to the new capacities.
    for (i, &f) in flow.iter().enumerate() {
        if f == 0 {
            continue;
        }
        let a = idx(s.g.arc_slot[i]);
        let units = f.min(s.g.pair_cap[a]);
        s.g.resid[a] -= units;
        s.g.resid[idx(s.g.rev[a])] += units;
        let (from, to) = (idx(s.g.head[idx(s.g.rev[a])]), idx(s.g.head[a]));
        s.excess[from] -= i64::from(units);
        s.excess[to] += i64::from(units);
    }
    s.saturate_negative();
    // One exact global update (a Dijkstra from the deficits on the reversed residual graph)
    // makes every shortest path to a deficit tight, so the blocking flow at the start of the
    // shortest paths routes many units at once and the searches after it stay local. After
    // withdrawals from a tight problem this is what makes a repair pay: the old prices leave
    // a gap of about the unfilled-slot penalty at the hub, and without the update the first
    // search in each part of the graph settles every node of it. If the update cannot run
    // (prices would leave their range), the caller solves cold.
    if s.price_update_as(scale, Lengths::Exact).is_err() {
        return Err(EngineError::GaveUp);
    }
    // Shortest paths keep every price a multiple of `scale` (costs are, and so are the
    // starting prices and every distance), so the prices divided by it are exact potentials.
    if !s.ssp(s.g.head.len().saturating_mul(WARM_SSP_BUDGET))? {
        return Err(EngineError::GaveUp);
    }
    let potential = s.price.iter().map(|&p| p.div_euclid(scale)).collect();
    let flow = (0..m)
        .map(|i| arc(i).capacity - s.g.resid[idx(s.g.arc_slot[i])])
        .collect();
    Ok(EngineSolution { flow, potential })
}

impl Solver {
    /// A solver on graph `g` with starting prices and supplies, its best-arc caches set up.
    fn new(g: Graph, price: Vec<i64>, supply: &[i64]) -> Result<Self, EngineError> {
        let n = supply.len();
        let mut s = Self {
            n,
            current: g.first[..n].to_vec(),
            g,
            price,
            excess: supply.to_vec(),
            queue: VecDeque::new(),
            relabels_since_update: 0,
            buf: Vec::new(),
            pu: UpdateScratch::default(),
            cache: BestArcs {
                id: Vec::new(),
                slots: Vec::new(),
                len: Vec::new(),
                thr: Vec::new(),
                valid: Vec::new(),
            },
            heaps: ArcHeaps::default(),
            update_every: n * UPDATE_EVERY_HALF_N / 2 + 1,
            resid_bits: Vec::new(),
        };
        s.init_cache()?;
        Ok(s)
    }

    fn refine(&mut self, eps: i64) -> Result<(), EngineError> {
        let g = &mut self.g;
        // Saturate every residual arc with negative reduced cost.
        for u in 0..self.n {
            let pu = self.price[u];
            for a in idx(g.first[u])..idx(g.first[u + 1]) {
                let r = g.resid[a];
                if r == 0 {
                    continue;
                }
                let v = idx(g.head[a]);
                if g.cost[a] + pu - self.price[v] < 0 {
                    g.resid[a] = 0;
                    g.resid[idx(g.rev[a])] += r;
                    self.excess[u] -= i64::from(r);
                    self.excess[v] += i64::from(r);
                }
            }
        }
        self.queue.clear();
        self.cache.valid.fill(false);
        self.heaps.live.fill(false);
        for u in 0..self.n {
            if self.excess[u] > 0 {
                self.queue.push_back(u32_of(u)?);
            }
        }
        if self.queue.is_empty() {
            return Ok(());
        }
        self.price_update(eps)?;
        while let Some(u) = self.queue.pop_front() {
            self.discharge(idx(u), eps)?;
        }
        Ok(())
    }

    fn discharge(&mut self, u: usize, eps: i64) -> Result<(), EngineError> {
        if self.heaps.id[u] != u32::MAX {
            return self.discharge_heap(u, eps);
        }
        if self.cache.id[u] != u32::MAX {
            return self.discharge_cached(u, eps);
        }
        while self.excess[u] > 0 {
            let end = idx(self.g.first[u + 1]);
            let pu = self.price[u];
            let mut a = idx(self.current[u]);
            while a < end {
                let r = self.g.resid[a];
                if r > 0 {
                    let v = idx(self.g.head[a]);
                    if self.g.cost[a] + pu - self.price[v] < 0 {
                        // Look-ahead: don't push into a node that would only push back.
                        if self.excess[v] >= 0
                            && self.look_ahead(v, eps)?
                            && self.g.cost[a] + pu - self.price[v] >= 0
                        {
                            a += 1;
                            continue;
                        }
                        let ex = self.excess[u];
                        self.push(u, a, u32::try_from(ex).map_or(r, |e| e.min(r)));
                        if self.excess[u] == 0 {
                            break;
                        }
                    }
                }
                a += 1;
            }
            self.current[u] = u32_of(a)?;
            if self.excess[u] > 0 {
                self.relabel(u, eps)?;
                self.relabels_since_update += 1;
                if self.relabels_since_update >= self.update_every {
                    self.price_update(eps)?;
                }
            }
        }
        Ok(())
    }

    /// Successive shortest paths from a 0-optimal pseudoflow (every residual arc has reduced
    /// cost `>= 0`): make each supply node's cheapest arc tight (a price-consistent greedy
    /// start), then alternate a blocking flow on tight arcs with a multi-source Dijkstra that
    /// raises the tight set to the next distance. Stops early, returning `false`, once the
    /// Dijkstra searches have scanned `budget` slots: the remaining excess is left to cost
    /// scaling, which accepts any 0-optimal pseudoflow.
    fn ssp(&mut self, budget: usize) -> Result<bool, EngineError> {
        let n = self.n;
        // Greedy start: a node with excess e lowers its price until its e cheapest residual
        // units are tight or better, and saturates the strictly better ones at once.
        for u in 0..n {
            let Ok(e) = u64::try_from(self.excess[u]) else {
                continue;
            };
            if e == 0 {
                continue;
            }
            let (lo, hi) = (idx(self.g.first[u]), idx(self.g.first[u + 1]));
            self.buf.clear();
            for a in lo..hi {
                let r = self.g.resid[a];
                if r > 0 {
                    let rc = self.g.cost[a] + self.price[u] - self.price[idx(self.g.head[a])];
                    self.buf.push((rc, r));
                }
            }
            if self.buf.is_empty() {
                continue;
            }
            let units: u64 = self.buf.iter().map(|x| u64::from(x.1)).sum();
            let t = if units <= e {
                self.buf.iter().map(|x| x.0).max().unwrap_or(0)
            } else {
                // Every arc carries at least one unit, so the `e` cheapest arcs hold at least
                // `e` units: select them (no full sort of a high-degree node's arcs), then
                // sort only those.
                let k = usize::try_from(e).unwrap_or(usize::MAX).min(self.buf.len());
                if k < self.buf.len() {
                    self.buf.select_nth_unstable(k);
                }
                let head = &mut self.buf[..k];
                head.sort_unstable();
                let mut acc = 0_u64;
                let mut t = 0_i64;
                for &(rc, r) in &*head {
                    t = rc;
                    acc += u64::from(r);
                    if acc >= e {
                        break;
                    }
                }
                t
            };
            if t <= 0 {
                continue;
            }
            self.price[u] -= t;
            self.saturate_out_of(u);
        }
        let mut dead = vec![false; n];
        let mut on_path = vec![false; n];
        self.build_resid_bits();
        let result = self.ssp_searches(budget, &mut dead, &mut on_path);
        self.resid_bits = Vec::new();
        result
    }

    /// The blocking flow and searches of [`Solver::ssp`], with [`Solver::resid_bits`] live.
    #[allow(
        clippy::too_many_lines,
        reason = "search, potential update and augmentation share their scratch state"
    )]
    fn ssp_searches(
        &mut self,
        budget: usize,
        dead: &mut [bool],
        on_path: &mut [bool],
    ) -> Result<bool, EngineError> {
        let n = self.n;
        self.augment_tight(dead, on_path)?;
        let mut dist = vec![i64::MAX; n];
        let mut parent = vec![u32::MAX; n];
        let mut seen: Vec<u32> = Vec::new();
        let mut done_list: Vec<u32> = Vec::new();
        let mut heap: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
        let mut work = 0_usize;
        let total: i64 = self.excess.iter().filter(|&&e| e > 0).sum();
        let mut left = total;
        let slots = self.g.head.len();
        // One shortest path at a time from each node with excess, in index order.
        for src in 0..n {
            while self.excess[src] > 0 {
                // Give up when over budget, or when the pace so far projects past it (judged
                // once a quarter of the budget is spent: in a repair, the first search in each
                // part of the graph reads more than the later ones).
                let done_units = u128::try_from(total - left).unwrap_or(0);
                let projected_over = work > (budget / 4).max(slots / 2)
                    && (work as u128) * u128::try_from(total).unwrap_or(0)
                        > (budget as u128) * done_units;
                if work > budget || projected_over {
                    return Ok(false);
                }
                for &v in &seen {
                    dist[idx(v)] = i64::MAX;
                }
                seen.clear();
                done_list.clear();
                heap.clear();
                dist[src] = 0;
                seen.push(u32_of(src)?);
                heap.push(Reverse((0, u32_of(src)?)));
                let mut reach = None;
                while let Some(Reverse((d, code))) = heap.pop() {
                    work += POP_WORK;
                    if code & LATER != 0 {
                        // The rest of a cached node's arcs, no shorter than this key.
                        let u = idx(code & !LATER);
                        let (lo, hi) = (idx(self.g.first[u]), idx(self.g.first[u + 1]));
                        work += hi - lo;
                        let du = dist[u];
                        for a in lo..hi {
                            self.relax(u, du, a, &mut dist, &mut parent, &mut seen, &mut heap)?;
                        }
                        continue;
                    }
                    let u = idx(code);
                    if d > dist[u] {
                        continue;
                    }
                    if self.excess[u] < 0 {
                        reach = Some((d, u));
                        break;
                    }
                    done_list.push(code);
                    let c = self.cache.id[u];
                    if c == u32::MAX {
                        // Only the residual slots, in index order.
                        let lo = idx(self.g.first[u]);
                        let mut bits = self.resid_bits[u];
                        work += 1 + bits.count_ones() as usize;
                        while bits != 0 {
                            let a = lo + bits.trailing_zeros() as usize;
                            bits &= bits - 1;
                            self.relax(u, d, a, &mut dist, &mut parent, &mut seen, &mut heap)?;
                        }
                    } else {
                        // A high-degree node: relax its cached best arcs now, the others
                        // only if the search gets as far as their lower bound.
                        let c = idx(c);
                        if !self.cache.valid[c] {
                            work += idx(self.g.first[u + 1] - self.g.first[u]);
                            self.rebuild(u);
                        }
                        let len = usize::from(self.cache.len[c]);
                        work += len + CACHE_K;
                        for i in 0..len {
                            let a = idx(self.cache.slots[c * CACHE_K + i]);
                            self.relax(u, d, a, &mut dist, &mut parent, &mut seen, &mut heap)?;
                        }
                        let thr = self.cache.thr[c];
                        if thr != i64::MIN {
                            let bound = (self.price[u] - thr).max(0);
                            heap.push(Reverse((d + bound, code | LATER)));
                        }
                    }
                }
                let (reach, t) = reach.ok_or(EngineError::Infeasible)?;
                for &v in &done_list {
                    let v = idx(v);
                    if dist[v] < reach {
                        let p = self.price[v] - (reach - dist[v]);
                        if p < -PRICE_LIMIT {
                            return Err(EngineError::Overflow);
                        }
                        self.price[v] = p;
                    }
                }
                // Augment along the parent path from `src` to `t`.
                let mut delta = self.excess[src].min(-self.excess[t]);
                let mut v = t;
                while v != src {
                    let a = idx(parent[v]);
                    delta = delta.min(i64::from(self.g.resid[a]));
                    v = idx(self.g.head[idx(self.g.rev[a])]);
                }
                let d32 = u32::try_from(delta).map_err(|_| EngineError::Overflow)?;
                let mut v = t;
                while v != src {
                    let a = idx(parent[v]);
                    let r = self.g.rev[a];
                    let u = idx(self.g.head[idx(r)]);
                    self.push_slot(u, a, v, r, d32);
                    v = u;
                }
                self.excess[src] -= delta;
                self.excess[t] += delta;
                left -= delta;
            }
        }
        Ok(true)
    }

    /// Sets [`Solver::resid_bits`] from the residual capacities.
    fn build_resid_bits(&mut self) {
        self.resid_bits = (0..self.n)
            .map(|u| {
                if self.cache.id[u] != u32::MAX {
                    return 0;
                }
                let lo = idx(self.g.first[u]);
                self.g.resid[lo..idx(self.g.first[u + 1])]
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| **r > 0)
                    .fold(0_u64, |bits, (k, _)| bits | (1 << k))
            })
            .collect();
    }

    /// Pushes `d` units on slot `a` (from `u` to `v`, paired slot `r`) in the shortest paths,
    /// keeping the caches and [`Solver::resid_bits`] up to date.
    fn push_slot(&mut self, u: usize, a: usize, v: usize, r: u32, d: u32) {
        self.g.resid[a] -= d;
        if self.g.resid[a] == 0 && self.cache.id[u] == u32::MAX {
            self.resid_bits[u] &= !(1 << (a - idx(self.g.first[u])));
        }
        if self.g.resid[idx(r)] == 0 {
            self.gain(v, r);
            if self.cache.id[v] == u32::MAX {
                self.resid_bits[v] |= 1 << (idx(r) - idx(self.g.first[v]));
            }
        }
        self.g.resid[idx(r)] += d;
    }

    /// Dijkstra relaxation of slot `a` out of `u` (at distance `d`) in [`Solver::ssp`].
    #[allow(
        clippy::too_many_arguments,
        clippy::inline_always,
        reason = "the search's scratch state, borrowed apart; the hottest loop of the search"
    )]
    #[inline(always)]
    fn relax(
        &self,
        u: usize,
        d: i64,
        a: usize,
        dist: &mut [i64],
        parent: &mut [u32],
        seen: &mut Vec<u32>,
        heap: &mut BinaryHeap<Reverse<(i64, u32)>>,
    ) -> Result<(), EngineError> {
        if self.g.resid[a] == 0 {
            return Ok(());
        }
        let h = self.g.head[a];
        let v = idx(h);
        let nd = d + self.g.cost[a] + self.price[u] - self.price[v];
        if nd < dist[v] {
            if dist[v] == i64::MAX {
                seen.push(h);
            }
            dist[v] = nd;
            parent[v] = u32_of(a)?;
            heap.push(Reverse((nd, h)));
        }
        Ok(())
    }

    /// Blocking flow on tight arcs (residual, reduced cost 0): depth-first from every node
    /// with excess to nodes with deficit, with current arcs and dead-end marks.
    fn augment_tight(
        &mut self,
        dead: &mut [bool],
        on_path: &mut [bool],
    ) -> Result<(), EngineError> {
        let n = self.n;
        self.current.copy_from_slice(&self.g.first[..n]);
        dead.fill(false);
        let mut path: Vec<u32> = Vec::new();
        for s in 0..n {
            while self.excess[s] > 0 && !dead[s] {
                path.clear();
                let mut u = s;
                on_path[s] = true;
                loop {
                    if self.excess[u] < 0 {
                        // Augment along the path.
                        let mut delta = self.excess[s].min(-self.excess[u]);
                        for &a in &path {
                            delta = delta.min(i64::from(self.g.resid[idx(a)]));
                        }
                        let d32 = u32::try_from(delta).map_err(|_| EngineError::Overflow)?;
                        for &a in &path {
                            let a = idx(a);
                            let r = self.g.rev[a];
                            let (u, v) = (idx(self.g.head[idx(r)]), idx(self.g.head[a]));
                            self.push_slot(u, a, v, r, d32);
                        }
                        self.excess[s] -= delta;
                        self.excess[u] += delta;
                        on_path[s] = false;
                        for &a in &path {
                            on_path[idx(self.g.head[idx(a)])] = false;
                        }
                        break;
                    }
                    let end = idx(self.g.first[u + 1]);
                    let pu = self.price[u];
                    let mut a = idx(self.current[u]);
                    let mut next = None;
                    while a < end {
                        if self.g.resid[a] > 0 {
                            let v = idx(self.g.head[a]);
                            if !dead[v] && !on_path[v] && self.g.cost[a] + pu == self.price[v] {
                                next = Some(v);
                                break;
                            }
                        }
                        a += 1;
                    }
                    self.current[u] = u32_of(a)?;
                    if let Some(v) = next {
                        path.push(u32_of(a)?);
                        on_path[v] = true;
                        u = v;
                    } else {
                        dead[u] = true;
                        on_path[u] = false;
                        let Some(last) = path.pop() else {
                            break;
                        };
                        let back = idx(self.g.head[idx(self.g.rev[idx(last)])]);
                        self.current[back] += 1;
                        u = back;
                    }
                }
            }
        }
        Ok(())
    }

    /// Saturates every residual arc of negative reduced cost, which leaves a 0-optimal
    /// pseudoflow (excesses and deficits where the saturated arcs start and end). The arcs it
    /// makes residual are not offered to the best-arc caches, so these are marked stale.
    fn saturate_negative(&mut self) {
        self.cache.valid.fill(false);
        self.heaps.live.fill(false);
        for u in 0..self.n {
            self.saturate_out_of(u);
        }
    }

    /// Saturates every residual arc out of `u` of negative reduced cost.
    fn saturate_out_of(&mut self, u: usize) {
        let pu = self.price[u];
        for a in idx(self.g.first[u])..idx(self.g.first[u + 1]) {
            let r = self.g.resid[a];
            if r == 0 {
                continue;
            }
            let v = idx(self.g.head[a]);
            if self.g.cost[a] + pu - self.price[v] < 0 {
                self.g.resid[a] = 0;
                self.g.resid[idx(self.g.rev[a])] += r;
                self.excess[u] -= i64::from(r);
                self.excess[v] += i64::from(r);
            }
        }
    }

    /// Turns a flow that is 1-optimal for costs multiplied by `scale` (less than `n + 1`,
    /// so not yet optimal) into an optimal one with exact potentials: the prices are rounded
    /// down to whole cost units, the residual arcs the rounding leaves with a negative reduced
    /// cost are saturated, one exact price update makes every shortest path to a deficit
    /// tight, and shortest paths route the excess (no budget: the prices are close to exact,
    /// so the searches are short).
    fn finish_rounded(&mut self, scale: i64) -> Result<Vec<i64>, EngineError> {
        for p in &mut self.price {
            *p = p.div_euclid(scale) * scale;
        }
        self.saturate_negative();
        self.price_update_as(scale, Lengths::Exact)?;
        if !self.ssp(usize::MAX)? {
            return Err(EngineError::GaveUp);
        }
        let phi: Vec<i64> = self.price.iter().map(|&p| p / scale).collect();
        // One pass over the arcs proves the result (and guards this rarely taken path).
        if !self.certifies(&phi, scale) {
            return Err(EngineError::Overflow);
        }
        Ok(phi)
    }

    fn init_cache(&mut self) -> Result<(), EngineError> {
        let mut id = vec![u32::MAX; self.n];
        let mut count = 0_u32;
        for u in 0..self.n {
            if self.g.first[u + 1] - self.g.first[u] > CACHE_MIN_DEGREE {
                id[u] = count;
                count += 1;
            }
        }
        let c = idx(count);
        self.cache = BestArcs {
            id,
            slots: vec![0; c.checked_mul(CACHE_K).ok_or(EngineError::Overflow)?],
            len: vec![0; c],
            thr: vec![i64::MIN; c],
            valid: vec![false; c],
        };
        let mut hid = vec![u32::MAX; self.n];
        let mut huge = 0_u32;
        let min_degree = heap_min_degree();
        for u in 0..self.n {
            if self.g.first[u + 1] - self.g.first[u] > min_degree {
                hid[u] = huge;
                huge += 1;
            }
        }
        self.heaps = ArcHeaps {
            id: hid,
            heap: vec![BinaryHeap::new(); idx(huge)],
            live: vec![false; idx(huge)],
        };
        Ok(())
    }

    fn value(&self, a: usize) -> i64 {
        self.price[idx(self.g.head[a])] - self.g.cost[a]
    }

    /// Slot `slot` of node `v` just became residual: keep `v`'s cache (and heap) true.
    fn gain(&mut self, v: usize, slot: u32) {
        let h = self.heaps.id[v];
        if h != u32::MAX && self.heaps.live[idx(h)] {
            let val = self.value(idx(slot));
            self.heaps.heap[idx(h)].push((val, Reverse(slot)));
        }
        let c = self.cache.id[v];
        if c == u32::MAX || !self.cache.valid[idx(c)] {
            return;
        }
        let c = idx(c);
        let base = c * CACHE_K;
        let len = usize::from(self.cache.len[c]);
        if self.cache.slots[base..base + len].contains(&slot) {
            return;
        }
        if len < CACHE_K {
            self.cache.slots[base + len] = slot;
            self.cache.len[c] += 1;
            return;
        }
        // Full: evict the lowest-valued arc (or drop the newcomer), raising the bound.
        let mut worst = base;
        let mut worst_val = i64::MAX;
        for i in base..base + len {
            let a = idx(self.cache.slots[i]);
            let val = if self.g.resid[a] > 0 {
                self.value(a)
            } else {
                i64::MIN
            };
            if val < worst_val {
                worst_val = val;
                worst = i;
            }
        }
        let new_val = self.value(idx(slot));
        if new_val > worst_val {
            self.cache.slots[worst] = slot;
            self.cache.thr[c] = self.cache.thr[c].max(worst_val);
        } else {
            self.cache.thr[c] = self.cache.thr[c].max(new_val);
        }
    }

    /// Full scan of `u`: caches its best residual arcs and bounds the rest.
    fn rebuild(&mut self, u: usize) {
        let c = idx(self.cache.id[u]);
        self.buf.clear();
        for a in idx(self.g.first[u])..idx(self.g.first[u + 1]) {
            if self.g.resid[a] > 0 {
                let slot = u32::try_from(a).unwrap_or(u32::MAX);
                self.buf.push((self.value(a), slot));
            }
        }
        let base = c * CACHE_K;
        let thr = if self.buf.len() > CACHE_K {
            self.buf
                .select_nth_unstable_by(CACHE_K, |x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            self.buf[CACHE_K..]
                .iter()
                .map(|x| x.0)
                .max()
                .unwrap_or(i64::MIN)
        } else {
            i64::MIN
        };
        let len = self.buf.len().min(CACHE_K);
        for (i, x) in self.buf[..len].iter().enumerate() {
            self.cache.slots[base + i] = x.1;
        }
        self.cache.len[c] = u8::try_from(len).unwrap_or(0);
        self.cache.thr[c] = thr;
        self.cache.valid[c] = true;
    }

    /// Discharge of a high-degree node (a shift with hundreds of candidates) through its
    /// best-arc cache: pushes and relabels look at `CACHE_K` arcs, and fall back to a full
    /// scan only when the cache cannot prove its answer.
    fn discharge_cached(&mut self, u: usize, eps: i64) -> Result<(), EngineError> {
        let c = idx(self.cache.id[u]);
        let base = c * CACHE_K;
        while self.excess[u] > 0 {
            if !self.cache.valid[c] {
                self.rebuild(u);
            }
            // Push along admissible cached arcs.
            let pu = self.price[u];
            let mut i = 0;
            while i < usize::from(self.cache.len[c]) && self.excess[u] > 0 {
                let a = idx(self.cache.slots[base + i]);
                i += 1;
                let r = self.g.resid[a];
                if r == 0 || self.value(a) <= pu {
                    continue;
                }
                let v = idx(self.g.head[a]);
                if self.excess[v] >= 0 && self.look_ahead(v, eps)? && self.value(a) <= pu {
                    continue;
                }
                self.push(u, a, u32::try_from(self.excess[u]).map_or(r, |e| e.min(r)));
            }
            if self.excess[u] == 0 {
                break;
            }
            // No admissible cached arc. An uncached arc may still be admissible if the bound
            // exceeds our price: rescan and retry.
            if self.cache.thr[c] > pu {
                self.rebuild(u);
                let len = usize::from(self.cache.len[c]);
                let any = (0..len).any(|i| {
                    let a = idx(self.cache.slots[base + i]);
                    self.g.resid[a] > 0 && self.value(a) > pu
                });
                if any {
                    continue;
                }
            }
            self.relabel_cached(u, c, eps)?;
            self.relabels_since_update += 1;
            if self.relabels_since_update >= self.update_every {
                self.price_update(eps)?;
            }
        }
        Ok(())
    }

    /// Sends `delta` units (at most the residual) along slot `a` out of `u`: offers the reverse
    /// arc to its tail's cache or heap when it becomes residual, and queues the head when it
    /// becomes active.
    fn push(&mut self, u: usize, a: usize, delta: u32) {
        let v = idx(self.g.head[a]);
        self.g.resid[a] -= delta;
        let rv = self.g.rev[a];
        if self.g.resid[idx(rv)] == 0 {
            self.gain(v, rv);
        }
        self.g.resid[idx(rv)] += delta;
        self.excess[u] -= i64::from(delta);
        let before = self.excess[v];
        self.excess[v] += i64::from(delta);
        if before <= 0 && self.excess[v] > 0 {
            self.queue.push_back(self.g.head[a]);
        }
    }

    /// Discharge of a node with thousands of slots through the lazy heap of its residual
    /// arcs: push along the best arc while it is admissible, else lower the price to just
    /// below its value (a relabel in `O(log degree)` rather than a scan of every slot).
    fn discharge_heap(&mut self, u: usize, eps: i64) -> Result<(), EngineError> {
        let h = idx(self.heaps.id[u]);
        if !self.heaps.live[h] {
            let mut heap = std::mem::take(&mut self.heaps.heap[h]);
            heap.clear();
            for a in idx(self.g.first[u])..idx(self.g.first[u + 1]) {
                if self.g.resid[a] > 0 {
                    heap.push((self.value(a), Reverse(u32_of(a)?)));
                }
            }
            self.heaps.heap[h] = heap;
            self.heaps.live[h] = true;
        }
        while self.excess[u] > 0 {
            let Some(&(key, Reverse(slot))) = self.heaps.heap[h].peek() else {
                // An active node with no residual arc: its excess cannot leave.
                return Err(EngineError::Infeasible);
            };
            let a = idx(slot);
            let r = self.g.resid[a];
            if r == 0 {
                self.heaps.heap[h].pop();
                continue;
            }
            let val = self.value(a);
            if val != key {
                self.heaps.heap[h].pop();
                self.heaps.heap[h].push((val, Reverse(slot)));
                continue;
            }
            // The best residual arc: admissible, or the price drops to just below it.
            if val > self.price[u] {
                let v = idx(self.g.head[a]);
                if self.excess[v] >= 0 && self.look_ahead(v, eps)? && self.value(a) <= self.price[u]
                {
                    // `v` was relabelled: the entry is stale and gets re-keyed.
                    continue;
                }
                self.push(u, a, u32::try_from(self.excess[u]).map_or(r, |e| e.min(r)));
                if self.g.resid[a] == 0 {
                    self.heaps.heap[h].pop();
                }
            } else {
                let p = val - eps;
                if p < -PRICE_LIMIT {
                    return Err(EngineError::Overflow);
                }
                self.price[u] = p;
                self.relabels_since_update += 1;
                if self.relabels_since_update >= self.update_every {
                    self.price_update(eps)?;
                }
            }
        }
        Ok(())
    }

    /// Relabel through the cache when it holds the `e` best units; else a full relabel.
    fn relabel_cached(&mut self, u: usize, c: usize, eps: i64) -> Result<(), EngineError> {
        let e = u64::try_from(self.excess[u]).unwrap_or(0);
        let base = c * CACHE_K;
        let len = usize::from(self.cache.len[c]);
        self.buf.clear();
        for i in 0..len {
            let slot = self.cache.slots[base + i];
            let a = idx(slot);
            let r = self.g.resid[a];
            if r > 0 {
                self.buf.push((self.value(a), r));
            }
        }
        self.buf.sort_unstable_by_key(|x| Reverse(x.0));
        let mut acc = 0_u64;
        let mut t = None;
        for &(val, r) in &self.buf {
            acc += u64::from(r);
            if acc >= e {
                t = Some(val);
                break;
            }
        }
        let thr = self.cache.thr[c];
        let t = match t {
            Some(t) if t >= thr => t,
            // All residual arcs are cached but hold fewer than `e` units: the lowest is `t`.
            None if thr == i64::MIN && !self.buf.is_empty() => {
                self.buf.last().map_or(i64::MIN, |x| x.0)
            }
            _ => {
                // The cache cannot prove the threshold: full relabel, then rebuild later.
                self.cache.valid[c] = false;
                return self.relabel(u, eps);
            }
        };
        let p = t - eps;
        if p < -PRICE_LIMIT {
            return Err(EngineError::Overflow);
        }
        self.price[u] = p;
        // Saturate arcs strictly above t (all cached, since uncached ones are <= thr <= t).
        for i in 0..len {
            let a = idx(self.cache.slots[base + i]);
            let r = self.g.resid[a];
            if r == 0 || self.value(a) <= t {
                continue;
            }
            self.push(u, a, r);
        }
        Ok(())
    }

    /// Makes sure `v` has an admissible arc before flow is pushed into it: if it has none,
    /// relabels it and returns `true`.
    fn look_ahead(&mut self, v: usize, eps: i64) -> Result<bool, EngineError> {
        if self.cache.id[v] != u32::MAX {
            // Cached nodes keep no current arc; they take the push and sort it out themselves.
            return Ok(false);
        }
        let end = idx(self.g.first[v + 1]);
        let pv = self.price[v];
        let mut b = idx(self.current[v]);
        while b < end {
            if self.g.resid[b] > 0 && self.g.cost[b] + pv - self.price[idx(self.g.head[b])] < 0 {
                self.current[v] = u32_of(b)?;
                return Ok(false);
            }
            b += 1;
        }
        match self.relabel(v, eps) {
            Ok(()) => {
                self.relabels_since_update += 1;
                Ok(true)
            }
            // No residual arc out of `v` at all: the push goes ahead and `v` will send it back.
            Err(EngineError::Infeasible) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Lowers `price[u]` as far as ε-optimality allows, so an arc becomes admissible.
    fn relabel(&mut self, u: usize, eps: i64) -> Result<(), EngineError> {
        let start = idx(self.g.first[u]);
        let end = idx(self.g.first[u + 1]);
        if self.excess[u] > 1 {
            return self.multi_relabel(u, eps, start, end);
        }
        let mut best = i64::MIN;
        let mut best_arc = start;
        for a in start..end {
            if self.g.resid[a] > 0 {
                let cand = self.price[idx(self.g.head[a])] - self.g.cost[a];
                if cand > best {
                    best = cand;
                    best_arc = a;
                }
            }
        }
        if best == i64::MIN {
            // An active node with no residual arc: its excess cannot leave.
            return Err(EngineError::Infeasible);
        }
        let p = best - eps;
        if p < -PRICE_LIMIT {
            return Err(EngineError::Overflow);
        }
        self.price[u] = p;
        self.current[u] = u32_of(best_arc)?;
        Ok(())
    }

    /// Relabel for a node with excess `e > 1` (a shift with several open slots): lowers the
    /// price to `t − ε`, where `t` is the `e`-th best `price(v) − cost` over residual units,
    /// and saturates at once every arc strictly better than `t` (fewer than `e` units), so the
    /// result is ε-optimal and one scan places up to `e` units instead of one.
    fn multi_relabel(
        &mut self,
        u: usize,
        eps: i64,
        start: usize,
        end: usize,
    ) -> Result<(), EngineError> {
        let e = u64::try_from(self.excess[u]).unwrap_or(0);
        self.buf.clear();
        let mut units = 0_u64;
        let mut unit_arcs = true;
        for a in start..end {
            let r = self.g.resid[a];
            if r > 0 {
                self.buf
                    .push((self.price[idx(self.g.head[a])] - self.g.cost[a], r));
                units += u64::from(r);
                unit_arcs &= r == 1;
            }
        }
        if self.buf.is_empty() {
            return Err(EngineError::Infeasible);
        }
        let t = if units <= e {
            self.buf.iter().map(|x| x.0).min().unwrap_or(i64::MIN)
        } else if unit_arcs {
            let k = usize::try_from(e - 1).unwrap_or(0);
            self.buf.select_nth_unstable_by(k, |x, y| y.0.cmp(&x.0)).1.0
        } else {
            self.buf.sort_unstable_by_key(|x| Reverse(x.0));
            let mut acc = 0_u64;
            let mut t = i64::MIN;
            for &(val, r) in &self.buf {
                acc += u64::from(r);
                t = val;
                if acc >= e {
                    break;
                }
            }
            t
        };
        let p = t - eps;
        if p < -PRICE_LIMIT {
            return Err(EngineError::Overflow);
        }
        self.price[u] = p;
        for a in start..end {
            let r = self.g.resid[a];
            if r == 0 {
                continue;
            }
            if self.value(a) > t {
                self.push(u, a, r);
            }
        }
        self.current[u] = u32_of(start)?;
        Ok(())
    }

    /// Global price update: distances (in units of ε) from every node to the nearest deficit in
    /// the residual graph; each node's price drops by its distance times ε. Keeps ε-optimality
    /// and makes an admissible path from every active node to a deficit.
    fn price_update(&mut self, eps: i64) -> Result<(), EngineError> {
        self.price_update_as(eps, Lengths::EpsOptimal)
    }

    /// A global price update with arc lengths in units of `eps` as `lengths` says.
    fn price_update_as(&mut self, eps: i64, lengths: Lengths) -> Result<(), EngineError> {
        self.relabels_since_update = 0;
        let n = self.n;
        // Dial's buckets for distances below `nb`, a heap beyond.
        let nb = n + 2;
        let mut pu = std::mem::take(&mut self.pu);
        if pu.buckets.len() < nb {
            pu.buckets.resize_with(nb, Vec::new);
            pu.dist.resize(n, u64::MAX);
            pu.done.resize(n, false);
        }
        let result = self.price_update_with(eps, lengths, &mut pu, nb as u64);
        // Leave the scratch space clean for the next update.
        for b in &mut pu.buckets[..=pu.max_bucket.min(nb - 1)] {
            b.clear();
        }
        pu.far.clear();
        pu.dist.fill(u64::MAX);
        pu.done.fill(false);
        pu.max_bucket = 0;
        self.pu = pu;
        result
    }

    fn price_update_with(
        &mut self,
        eps: i64,
        lengths: Lengths,
        pu: &mut UpdateScratch,
        nb: u64,
    ) -> Result<(), EngineError> {
        let n = self.n;
        let mut active = 0_usize;
        for v in 0..n {
            if self.excess[v] < 0 {
                pu.dist[v] = 0;
                pu.buckets[0].push(u32_of(v)?);
            } else if self.excess[v] > 0 {
                active += 1;
            }
        }
        let mut level = 0_u64;
        let mut b = 0_u64;
        while active > 0 {
            // Next node in distance order: buckets first, then the far heap.
            let (d, w) = loop {
                if b < nb {
                    if let Some(w) = pu.buckets[idx_u64(b)].pop() {
                        break (b, w);
                    }
                    if b >= pu.max_bucket as u64 && pu.far.is_empty() {
                        // Nothing left to reach: some active node has no path to a deficit.
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
            if pu.done[w] || d != pu.dist[w] {
                continue;
            }
            pu.done[w] = true;
            level = d;
            if self.excess[w] > 0 {
                active -= 1;
                if active == 0 {
                    break;
                }
            }
            let pw = self.price[w];
            for a in idx(self.g.first[w])..idx(self.g.first[w + 1]) {
                // The paired slot is the arc v → w; skip it unless it is residual.
                if self.g.pair_cap[a] == self.g.resid[a] {
                    continue;
                }
                let v = idx(self.g.head[a]);
                if pu.done[v] {
                    continue;
                }
                let rc = -self.g.cost[a] + self.price[v] - pw;
                let len = match lengths {
                    Lengths::EpsOptimal => u64::try_from(rc.div_euclid(eps) + 1).unwrap_or(0),
                    Lengths::Exact => u64::try_from(rc / eps).map_err(|_| EngineError::Overflow)?,
                };
                let nd = d.saturating_add(len);
                if nd < pu.dist[v] {
                    pu.dist[v] = nd;
                    if nd < nb {
                        let k = idx_u64(nd);
                        pu.buckets[k].push(self.g.head[a]);
                        pu.max_bucket = pu.max_bucket.max(k);
                    } else {
                        pu.far.push(Reverse((nd, self.g.head[a])));
                    }
                }
            }
        }
        for v in 0..n {
            let rank = if pu.done[v] { pu.dist[v] } else { level };
            if rank > 0 {
                let drop = i64::try_from(rank)
                    .ok()
                    .and_then(|r| r.checked_mul(eps))
                    .ok_or(EngineError::Overflow)?;
                let p = self.price[v] - drop.min(PRICE_LIMIT);
                if p < -PRICE_LIMIT {
                    return Err(EngineError::Overflow);
                }
                self.price[v] = p;
            }
        }
        self.current.copy_from_slice(&self.g.first[..n]);
        Ok(())
    }

    /// Integer potentials from ε-optimal prices: Dijkstra from a virtual root with lengths
    /// `cost + π(u) − π(v) + ε >= 0` (see the module docs). Exact when `ε = 1`; for larger `ε`
    /// a candidate that [`Solver::certifies`] checks.
    fn potentials_from(&self, eps: i64, scale: i64) -> Result<Vec<i64>, EngineError> {
        let n = self.n;
        let k = self.price.iter().copied().max().unwrap_or(0);
        let mut dist: Vec<i64> = self.price.iter().map(|&p| k - p + eps).collect();
        let mut done = vec![false; n];
        let mut heap: BinaryHeap<Reverse<(i64, u32)>> = (0..n)
            .map(|v| Ok(Reverse((dist[v], u32_of(v)?))))
            .collect::<Result<_, EngineError>>()?;
        while let Some(Reverse((d, u))) = heap.pop() {
            let u = idx(u);
            if done[u] || d != dist[u] {
                continue;
            }
            done[u] = true;
            let pu = self.price[u];
            for a in idx(self.g.first[u])..idx(self.g.first[u + 1]) {
                if self.g.resid[a] == 0 {
                    continue;
                }
                let v = idx(self.g.head[a]);
                let l = self.g.cost[a] + pu - self.price[v] + eps;
                if l < 0 {
                    // The flow is not ε-optimal: a bug, reported rather than hidden.
                    return Err(EngineError::Overflow);
                }
                let nd = d + l;
                if nd < dist[v] {
                    dist[v] = nd;
                    heap.push(Reverse((nd, u32_of(v)?)));
                }
            }
        }
        Ok((0..n)
            .map(|v| (dist[v] + self.price[v] - k).div_euclid(scale))
            .collect())
    }

    /// Potentials after successive shortest paths, which leave every residual arc with a
    /// non-negative reduced cost and (starting from zero, moving by sums of scaled costs)
    /// prices in whole multiples of `scale`: then the prices divided by `scale` are exact
    /// potentials, checked on every residual arc, and the Dijkstra of
    /// [`Solver::potentials_from`] is only the fallback.
    fn exact_potentials(&self, scale: i64) -> Result<Vec<i64>, EngineError> {
        if self.price.iter().all(|&p| p % scale == 0) {
            let phi: Vec<i64> = self.price.iter().map(|&p| p / scale).collect();
            if self.certifies(&phi, scale) {
                return Ok(phi);
            }
        }
        // The Dijkstra below is exact only for costs scaled by n + 1 (shortest paths leave
        // certifying prices, so a smaller scale does not get here).
        if i64::try_from(self.n + 1) != Ok(scale) {
            return Err(EngineError::Overflow);
        }
        self.potentials_from(1, scale)
    }

    /// Whether `phi` proves the current flow optimal: no residual arc of negative reduced cost
    /// in original units (costs are stored multiplied by `scale`).
    fn certifies(&self, phi: &[i64], scale: i64) -> bool {
        if self.excess.iter().any(|&e| e != 0) {
            return false;
        }
        (0..self.n).all(|u| {
            let pu = phi[u];
            (idx(self.g.first[u])..idx(self.g.first[u + 1])).all(|a| {
                self.g.resid[a] == 0 || self.g.cost[a] / scale + pu - phi[idx(self.g.head[a])] >= 0
            })
        })
    }

    /// Back to the zero flow and zero prices.
    fn reset(&mut self, supply: &[i64]) {
        self.g.resid.fill(0);
        for &f in &self.g.arc_slot {
            self.g.resid[idx(f)] = self.g.pair_cap[idx(f)];
        }
        self.price.fill(0);
        self.excess.copy_from_slice(supply);
    }
}
