//! The min-cost flow engine: cost-scaling push–relabel (Goldberg) on a compact residual graph,
//! finished by one Dijkstra pass that turns the ε-optimal prices into exact integer potentials.
//!
//! Crate-internal. [`super::FlowProblem`] and [`super::TransportProblem`] validate their input,
//! then call [`solve`].
//!
//! # Method
//! Costs are multiplied by `n + 1` (`n` nodes). Refine phases run with
//! `ε = ε₀/α, ε₀/α², …, 1`; each turns a `αε`-optimal flow into an `ε`-optimal one by saturating
//! every residual arc of negative reduced cost, then discharging active nodes in FIFO order with
//! pushes on admissible arcs (reduced cost `< 0`) and relabels, interleaved with global price
//! updates (a Dijkstra from the deficit nodes on the reversed residual graph, in units of `ε`).
//! A flow that is 1-optimal for costs scaled by `n + 1` is optimal (Bertsekas; Goldberg–Tarjan).
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
const PRICE_LIMIT: i64 = i64::MAX / 4;

/// The cost-scaling factor.
const ALPHA: i64 = 16;

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
}

/// An optimal flow and its exact potentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EngineSolution {
    /// Flow on each input arc, in input order.
    pub(crate) flow: Vec<u32>,
    /// Node potentials `φ` (all `≤ 0`): every residual arc has `c + φ(u) − φ(v) ≥ 0`.
    pub(crate) potential: Vec<i64>,
}

/// The largest `max |cost| · (n + 1)²` the engine accepts: prices stay far from `PRICE_LIMIT`.
pub(crate) fn fits(nodes: usize, max_cost: i64) -> bool {
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
}

/// Solves min-cost flow exactly: `supply[v] > 0` is a supply, `< 0` a demand; the supplies must
/// sum to zero and every arc endpoint must be `< supply.len()` (the callers validate both).
pub(crate) fn solve<F>(supply: &[i64], m: usize, arc: F) -> Result<EngineSolution, EngineError>
where
    F: Fn(usize) -> EngineArc,
{
    let n = supply.len();
    u32_of(n)?;
    let max_cost = (0..m).map(|i| arc(i).cost.abs()).max().unwrap_or(0);
    if !fits(n, max_cost) {
        return Err(EngineError::Overflow);
    }
    let scale = i64::try_from(n + 1).map_err(|_| EngineError::Overflow)?;
    let g = Graph::build(n, m, &arc, scale)?;
    let mut s = Solver {
        n,
        current: g.first[..n].to_vec(),
        g,
        price: vec![0; n],
        excess: supply.to_vec(),
        queue: VecDeque::new(),
        relabels_since_update: 0,
        update_every: n / 2 + 1,
    };
    let mut eps = max_cost * scale;
    loop {
        eps = (eps / ALPHA).max(1);
        s.refine(eps)?;
        if eps == 1 {
            break;
        }
    }
    let potential = s.exact_potentials(scale)?;
    let flow = (0..m)
        .map(|i| arc(i).capacity - s.g.resid[idx(s.g.arc_slot[i])])
        .collect();
    Ok(EngineSolution { flow, potential })
}

impl Solver {
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
        while self.excess[u] > 0 {
            let end = idx(self.g.first[u + 1]);
            let pu = self.price[u];
            let mut a = idx(self.current[u]);
            while a < end {
                let r = self.g.resid[a];
                if r > 0 {
                    let v = idx(self.g.head[a]);
                    if self.g.cost[a] + pu - self.price[v] < 0 {
                        let ex = self.excess[u];
                        let delta = u32::try_from(ex).map_or(r, |e| e.min(r));
                        self.g.resid[a] -= delta;
                        self.g.resid[idx(self.g.rev[a])] += delta;
                        self.excess[u] -= i64::from(delta);
                        let before = self.excess[v];
                        self.excess[v] += i64::from(delta);
                        if before <= 0 && self.excess[v] > 0 {
                            self.queue.push_back(self.g.head[a]);
                        }
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

    /// Lowers `price[u]` as far as ε-optimality allows, so an arc becomes admissible.
    fn relabel(&mut self, u: usize, eps: i64) -> Result<(), EngineError> {
        let start = idx(self.g.first[u]);
        let end = idx(self.g.first[u + 1]);
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

    /// Global price update: distances (in units of ε) from every node to the nearest deficit in
    /// the residual graph; each node's price drops by its distance times ε. Keeps ε-optimality
    /// and makes an admissible path from every active node to a deficit.
    fn price_update(&mut self, eps: i64) -> Result<(), EngineError> {
        self.relabels_since_update = 0;
        let n = self.n;
        let mut dist = vec![u64::MAX; n];
        let mut done = vec![false; n];
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
        let mut active = 0_usize;
        for v in 0..n {
            if self.excess[v] < 0 {
                dist[v] = 0;
                heap.push(Reverse((0, u32_of(v)?)));
            } else if self.excess[v] > 0 {
                active += 1;
            }
        }
        let mut level = 0_u64;
        while active > 0 {
            let Some(Reverse((d, w))) = heap.pop() else {
                // Some active node cannot reach any deficit.
                return Err(EngineError::Infeasible);
            };
            let w = idx(w);
            if done[w] || d != dist[w] {
                continue;
            }
            done[w] = true;
            level = d;
            if self.excess[w] > 0 {
                active -= 1;
                if active == 0 {
                    break;
                }
            }
            let pw = self.price[w];
            for a in idx(self.g.first[w])..idx(self.g.first[w + 1]) {
                let r = idx(self.g.rev[a]);
                if self.g.resid[r] == 0 {
                    continue;
                }
                let v = idx(self.g.head[a]);
                if done[v] {
                    continue;
                }
                let rc = self.g.cost[r] + self.price[v] - pw;
                let len = u64::try_from(rc.div_euclid(eps) + 1).unwrap_or(0);
                let nd = d.saturating_add(len);
                if nd < dist[v] {
                    dist[v] = nd;
                    heap.push(Reverse((nd, u32_of(v)?)));
                }
            }
        }
        for v in 0..n {
            let rank = if done[v] { dist[v] } else { level };
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

    /// Exact integer potentials from the 1-optimal prices (see the module docs).
    fn exact_potentials(&self, scale: i64) -> Result<Vec<i64>, EngineError> {
        let n = self.n;
        let k = self.price.iter().copied().max().unwrap_or(0);
        let mut dist: Vec<i64> = self.price.iter().map(|&p| k - p + 1).collect();
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
                let l = self.g.cost[a] + pu - self.price[v] + 1;
                if l < 0 {
                    // The flow is not 1-optimal: a bug, reported rather than hidden.
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
}
