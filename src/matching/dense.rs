//! Dense linear assignment: the Jonker–Volgenant algorithm (LAPJV) on a square matrix of
//! non-negative `i64` costs.
//!
//! Crate-internal. [`super::TransportProblem`] turns an assignment-shaped problem (unit source
//! capacities, unit sink demands) into a square matrix — padding rows or columns, and capping
//! each entry at the sink's unfilled penalty — then calls [`solve`] and derives its certificate
//! from the duals returned here.
//!
//! # Method (Jonker & Volgenant, *Computing* 38, 1987)
//! 1. **Column reduction**: `v[j] = min_i c[i][j]`; scanning columns from the last, each column
//!    is assigned to the row of its minimum if that row is still free.
//! 2. **Reduction transfer**: a row assigned in step 1 with no other column lowers its column's
//!    dual by its second-smallest reduced cost, so that other rows see that column as dearer.
//! 3. **Augmenting row reduction**, twice: each free row takes the column of its smallest
//!    reduced cost, lowering that column's dual to make the second smallest tie; the row that
//!    held the column becomes free and is processed next (an auction step).
//! 4. **Shortest augmenting paths** for the rows still free: Dijkstra on reduced costs over the
//!    dense matrix (columns kept in one array partitioned into scanned / at the current minimum /
//!    the rest), then the duals of the scanned columns are updated and the path is flipped.
//!    Each column's distance, and a copy of its dual, are kept by the column's position in that
//!    array and move with it, so that a scan reads them in sequence and gathers only the row's
//!    cost.
//!
//! Throughout, every assigned row's column minimises its reduced cost `c[i][j] − v[j]`; at the
//! end `u[i] = c[i][x[i]] − v[x[i]]`, so `c[i][j] − u[i] − v[j] ≥ 0` for every pair, with
//! equality on the assignment: the duals certify optimality.
//!
//! # Entries
//! The matrix holds `i32` entries when they all fit (the transport layer checks), else `i64`:
//! a row of 1,000 columns is then 4 KB, and the scans, which gather one entry of the row per
//! column, touch half the cache lines. All arithmetic is in `i64` either way, so the two give
//! the same solution.
//!
//! # Overflow
//! [`solve`] accepts costs only within the engine's limits ([`engine::fits`] for the `2n` nodes
//! of the bipartite graph). Every update of a column dual is checked and must stay within
//! `±PRICE_LIMIT`; then every intermediate value of the inner loops — a cost, a dual, a
//! distance, each bounded by `PRICE_LIMIT` plus the largest cost, and sums of three of them —
//! stays within `i64`, and the loops need no checks of their own.
//!
//! # Determinism
//! The algorithm is a fixed sequence of passes over the matrix in index order; ties go to the
//! first index met in that order. Same matrix, same assignment and duals.

#![allow(
    clippy::many_single_char_names,
    clippy::needless_range_loop,
    reason = "the textbook names i, j, u, v, x, y, d read best with index loops"
)]
#![allow(
    clippy::mut_range_bound,
    reason = "LAPJV's scans grow the block cols[lo..hi] inside a loop over the columns that were \
              beyond it when the loop began, by design"
)]

use super::engine::{self, EngineError, PRICE_LIMIT};

/// No row or column.
const NONE: usize = usize::MAX;

/// How many passes of augmenting row reduction run before the shortest paths (as in LAPJV).
const ROW_REDUCTION_PASSES: usize = 2;

/// An optimal assignment of a square matrix with its duals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DenseSolution {
    /// The column assigned to each row (a permutation).
    pub(crate) col_of_row: Vec<usize>,
    /// Row duals `u`.
    pub(crate) row_dual: Vec<i64>,
    /// Column duals `v`: `c[i][j] − u[i] − v[j] ≥ 0` for every pair, `= 0` on the assignment.
    pub(crate) col_dual: Vec<i64>,
}

/// Solves the `n × n` assignment problem with row-major `cost` (`cost[i * n + j]`), minimising
/// the total cost.
///
/// # Errors
/// [`EngineError::Overflow`] if `cost` does not hold `n²` entries, a cost is negative or above
/// the engine's limit for `2n` nodes, or a dual would leave `±PRICE_LIMIT`.
pub(crate) fn solve<C: Cost>(n: usize, cost: &[C]) -> Result<DenseSolution, EngineError> {
    if n.checked_mul(n) != Some(cost.len()) || u32::try_from(n).is_err() {
        return Err(EngineError::Overflow);
    }
    let max_cost = cost.iter().map(|&c| c.into()).max().unwrap_or(0);
    let min_cost = cost.iter().map(|&c| c.into()).min().unwrap_or(0);
    if min_cost < 0 || !engine::fits_scaled(n.saturating_mul(2), max_cost) {
        return Err(EngineError::Overflow);
    }
    let mut s = Lap::new(n, cost);
    if n == 1 {
        s.x[0] = 0;
        s.y[0] = 0;
        s.v[0] = cost[0].into();
    } else if n > 1 {
        let mut free = s.column_reduction()?;
        for _ in 0..ROW_REDUCTION_PASSES {
            if free.is_empty() {
                break;
            }
            free = s.augmenting_row_reduction(&free)?;
        }
        for &f in &free {
            s.augment(f)?;
        }
    }
    let mut row_dual = Vec::with_capacity(n);
    for i in 0..n {
        let j = s.x[i];
        // Every row is assigned once the free rows are augmented.
        let (Some(&c), Some(&vj)) = (s.row(i).get(j), s.v.get(j)) else {
            return Err(EngineError::Infeasible);
        };
        row_dual.push(c.into() - vj);
    }
    Ok(DenseSolution {
        col_of_row: s.x,
        row_dual,
        col_dual: s.v,
    })
}

/// A matrix entry: `i64`, or `i32` when every entry fits, which halves the bytes a scan
/// gathers (a row of 1,000 columns then takes 4 KB of the level-1 cache instead of 8 KB).
/// Every computation is in `i64`.
pub(crate) trait Cost: Copy + Into<i64> {}

impl Cost for i32 {}
impl Cost for i64 {}

/// Checks a new column dual against `±PRICE_LIMIT`.
fn bounded(value: Option<i64>) -> Result<i64, EngineError> {
    match value {
        Some(v) if (-PRICE_LIMIT..=PRICE_LIMIT).contains(&v) => Ok(v),
        _ => Err(EngineError::Overflow),
    }
}

/// The solver's state.
struct Lap<'a, C> {
    n: usize,
    cost: &'a [C],
    /// Column of each row, or `NONE`.
    x: Vec<usize>,
    /// Row of each column, or `NONE`.
    y: Vec<usize>,
    /// Column duals.
    v: Vec<i64>,
    /// Shortest-path scratch: the column partition `cols`; by position in it, each column's
    /// distance `d` and dual `vp` (moved with the column, so that a scan reads both in
    /// sequence and gathers only the row's cost); by column, the predecessor rows.
    d: Vec<i64>,
    vp: Vec<i64>,
    pred: Vec<usize>,
    cols: Vec<u32>,
}

impl<'a, C: Cost> Lap<'a, C> {
    fn new(n: usize, cost: &'a [C]) -> Self {
        Self {
            n,
            cost,
            x: vec![NONE; n],
            y: vec![NONE; n],
            v: vec![0; n],
            d: vec![0; n],
            vp: vec![0; n],
            pred: vec![0; n],
            cols: (0_u32..).take(n).collect(),
        }
    }

    /// Row `i` of the matrix (`i < n`).
    fn row(&self, i: usize) -> &'a [C] {
        let cost: &'a [C] = self.cost;
        &cost[i * self.n..(i + 1) * self.n]
    }

    /// Steps 1 and 2: column reduction and reduction transfer. Returns the free rows in
    /// increasing order.
    fn column_reduction(&mut self) -> Result<Vec<usize>, EngineError> {
        let n = self.n;
        self.v.fill(i64::MAX);
        // Row-major pass: the first row reaching a column's minimum keeps it.
        for i in 0..n {
            let row = self.row(i);
            for ((vj, yj), &c) in self.v.iter_mut().zip(self.y.iter_mut()).zip(row) {
                let c = c.into();
                if c < *vj {
                    *vj = c;
                    *yj = i;
                }
            }
        }
        let mut unique = vec![true; n];
        for j in (0..n).rev() {
            let i = self.y[j];
            if self.x[i] == NONE {
                self.x[i] = j;
            } else {
                unique[i] = false;
                self.y[j] = NONE;
            }
        }
        let mut free = Vec::new();
        for i in 0..n {
            let j = self.x[i];
            if j == NONE {
                free.push(i);
            } else if unique[i] {
                // Reduction transfer: make the second-best column of row i tie with its own.
                let row = self.row(i);
                let mut min = i64::MAX;
                for (j2, (&c, &vj2)) in row.iter().zip(&self.v).enumerate() {
                    let c = c.into();
                    if j2 != j && c - vj2 < min {
                        min = c - vj2;
                    }
                }
                self.v[j] = bounded(self.v[j].checked_sub(min))?;
            }
        }
        Ok(free)
    }

    /// Step 3: one pass of augmenting row reduction over `free`; returns the rows still free.
    fn augmenting_row_reduction(&mut self, free: &[usize]) -> Result<Vec<usize>, EngineError> {
        let n = self.n;
        let mut queue = free.to_vec();
        let mut current = 0;
        let mut still_free = Vec::new();
        let mut rr_count = 0_usize;
        while current < queue.len() {
            rr_count += 1;
            let free_i = queue[current];
            current += 1;
            // Smallest and second-smallest reduced cost of row free_i (n >= 2).
            let row = self.row(free_i);
            let (mut j1, mut v1) = (0, row[0].into() - self.v[0]);
            let (mut j2, mut v2) = (NONE, i64::MAX);
            for (j, (&cij, &vj)) in row.iter().zip(&self.v).enumerate().skip(1) {
                let c = cij.into() - vj;
                if c < v2 {
                    if c >= v1 {
                        v2 = c;
                        j2 = j;
                    } else {
                        v2 = v1;
                        v1 = c;
                        j2 = j1;
                        j1 = j;
                    }
                }
            }
            let mut i0 = self.y[j1];
            let v1_new = bounded(self.v[j1].checked_sub(v2 - v1))?;
            let v1_lowers = v1_new < self.v[j1];
            if rr_count < current.saturating_mul(n) {
                if v1_lowers {
                    self.v[j1] = v1_new;
                } else if i0 != NONE && j2 != NONE {
                    j1 = j2;
                    i0 = self.y[j2];
                }
                if i0 != NONE {
                    if v1_lowers {
                        // The displaced row goes next.
                        current -= 1;
                        queue[current] = i0;
                    } else {
                        still_free.push(i0);
                    }
                }
            } else if i0 != NONE {
                still_free.push(i0);
            }
            self.x[free_i] = j1;
            self.y[j1] = free_i;
            if i0 != NONE && self.x[i0] == j1 {
                self.x[i0] = NONE;
            }
        }
        Ok(still_free)
    }

    /// Step 4: a shortest augmenting path from the free row `start`, then the flip.
    fn augment(&mut self, start: usize) -> Result<(), EngineError> {
        let mut j = self.shortest_path(start)?;
        loop {
            let i = self.pred[j];
            self.y[j] = i;
            let next = std::mem::replace(&mut self.x[i], j);
            if i == start {
                return Ok(());
            }
            j = next;
        }
    }

    /// Dijkstra from row `start` to the nearest free column, on reduced costs `c − v` (with
    /// the row duals implicit); updates the duals of the scanned columns and returns the free
    /// column reached. `pred` then holds the path.
    fn shortest_path(&mut self, start: usize) -> Result<usize, EngineError> {
        let n = self.n;
        let row = self.row(start);
        for (j, c) in (0..n).zip(0_u32..) {
            self.cols[j] = c;
            self.pred[j] = start;
            self.d[j] = row[j].into() - self.v[j];
            self.vp[j] = self.v[j];
        }
        // cols[..lo] are scanned, cols[lo..hi] are at the current minimum distance and wait to
        // be scanned, cols[hi..] are the rest; `ready` columns are final.
        let (mut lo, mut hi, mut ready) = (0, 0, 0);
        let final_j = loop {
            if lo == hi {
                ready = lo;
                hi = self.collect_minimum(lo);
                if let Some(&j) = self.cols[lo..hi]
                    .iter()
                    .find(|&&j| self.y[j as usize] == NONE)
                {
                    break j as usize;
                }
            }
            if let Some(j) = self.scan(&mut lo, &mut hi) {
                break j;
            }
        };
        let mind = self.d[lo];
        for k in 0..ready {
            let j = self.cols[k] as usize;
            self.v[j] = bounded(self.v[j].checked_add(self.d[k] - mind))?;
        }
        Ok(final_j)
    }

    /// Moves the columns of least distance among `cols[lo..]` to `cols[lo..hi]`; returns `hi`.
    fn collect_minimum(&mut self, lo: usize) -> usize {
        let (cols, d, vp) = (&mut self.cols[..], &mut self.d[..], &mut self.vp[..]);
        let mut hi = lo + 1;
        let mut mind = d[lo];
        for k in hi..cols.len() {
            let dk = d[k];
            if dk <= mind {
                if dk < mind {
                    hi = lo;
                    mind = dk;
                }
                cols.swap(k, hi);
                d.swap(k, hi);
                vp.swap(k, hi);
                hi += 1;
            }
        }
        hi
    }

    /// Scans the columns at the minimum distance: relaxes the rows assigned to them. Returns a
    /// free column reached at the minimum distance, if any; only when there is none are `lo`
    /// and `hi` advanced (so `cols[lo]` stays at the minimum distance for the dual update).
    ///
    /// Not inlined: inlined into the caller (and from there into the transport layer), the
    /// loop's slices were spilled to the stack and reloaded on every column; on its own, the
    /// loop keeps them in registers (a third less time on the `d1000` benchmark).
    #[inline(never)]
    fn scan(&mut self, plo: &mut usize, phi: &mut usize) -> Option<usize> {
        let n = self.n;
        let cost = self.cost;
        // Split borrows: the loop below then reads and writes plain slices.
        let Self {
            cols,
            d,
            vp,
            pred,
            y,
            ..
        } = self;
        // All of length n, so that the loop's sequential reads need no bounds checks.
        let (cols, d, vp, pred, y) = (
            &mut cols[..n],
            &mut d[..n],
            &mut vp[..n],
            &mut pred[..n],
            &y[..n],
        );
        let (mut lo, mut hi) = (*plo, *phi);
        while lo != hi {
            let j = cols[lo] as usize;
            let i = y[j];
            let mind = d[lo];
            let row = &cost[i * n..(i + 1) * n];
            let h = row[j].into() - vp[lo] - mind;
            lo += 1;
            for k in hi..n {
                let j = cols[k] as usize;
                let cred = row[j].into() - vp[k] - h;
                if cred < d[k] {
                    d[k] = cred;
                    pred[j] = i;
                    if cred == mind {
                        if y[j] == NONE {
                            return Some(j);
                        }
                        cols.swap(k, hi);
                        d.swap(k, hi);
                        vp.swap(k, hi);
                        hi += 1;
                    }
                }
            }
        }
        *plo = lo;
        *phi = hi;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Least total cost over all permutations (n <= 7).
    fn brute_force(n: usize, cost: &[i64]) -> i64 {
        fn go(n: usize, cost: &[i64], i: usize, used: &mut [bool], acc: i64, best: &mut i64) {
            if i == n {
                *best = (*best).min(acc);
                return;
            }
            for j in 0..n {
                if !used[j] {
                    used[j] = true;
                    go(n, cost, i + 1, used, acc + cost[i * n + j], best);
                    used[j] = false;
                }
            }
        }
        let mut best = i64::MAX;
        go(n, cost, 0, &mut vec![false; n], 0, &mut best);
        if n == 0 { 0 } else { best }
    }

    /// Checks that the solution is a permutation certified by its duals; returns its cost.
    fn certified_cost(n: usize, cost: &[i64], sol: &DenseSolution) -> i64 {
        let mut seen = vec![false; n];
        let mut total = 0;
        for i in 0..n {
            let j = sol.col_of_row[i];
            assert!(!seen[j], "column {j} assigned twice");
            seen[j] = true;
            total += cost[i * n + j];
            assert_eq!(cost[i * n + j], sol.row_dual[i] + sol.col_dual[j]);
            for j2 in 0..n {
                assert!(cost[i * n + j2] >= sol.row_dual[i] + sol.col_dual[j2]);
            }
        }
        let dual: i64 = sol.row_dual.iter().sum::<i64>() + sol.col_dual.iter().sum::<i64>();
        assert_eq!(dual, total);
        total
    }

    fn matrix() -> impl Strategy<Value = (usize, Vec<i64>)> {
        (0_usize..=7, 1_i64..=50)
            .prop_flat_map(|(n, hi)| (Just(n), proptest::collection::vec(0..=hi, n * n)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn optimal_like_brute_force_with_certifying_duals((n, cost) in matrix()) {
            let sol = solve(n, &cost).unwrap();
            prop_assert_eq!(certified_cost(n, &cost, &sol), brute_force(n, &cost));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        #[test]
        fn larger_matrices_are_certified_and_deterministic(
            n in 8_usize..=120,
            hi in prop_oneof![Just(3_i64), Just(1_000), Just(1_000_000)],
            seed in any::<u64>(),
        ) {
            let mut x = seed | 1;
            let cost: Vec<i64> = (0..n * n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    i64::try_from(x % u64::try_from(hi + 1).unwrap()).unwrap()
                })
                .collect();
            let sol = solve(n, &cost).unwrap();
            certified_cost(n, &cost, &sol);
            prop_assert_eq!(solve(n, &cost).unwrap(), sol);
            // The narrow entries the transport layer uses when they fit: the same solution.
            let narrow: Vec<i32> = cost.iter().map(|&c| i32::try_from(c).unwrap()).collect();
            prop_assert_eq!(solve(n, &narrow).unwrap(), solve(n, &cost).unwrap());
        }
    }

    #[test]
    fn empty_and_single_matrices() {
        let empty = solve::<i64>(0, &[]).unwrap();
        assert!(empty.col_of_row.is_empty());
        let one = solve(1, &[7]).unwrap();
        assert_eq!(one.col_of_row, vec![0]);
        assert_eq!(certified_cost(1, &[7], &one), 7);
    }

    #[test]
    fn equal_costs_everywhere_assign_a_permutation() {
        let n = 30;
        let cost = vec![5; n * n];
        let sol = solve(n, &cost).unwrap();
        assert_eq!(certified_cost(n, &cost, &sol), 5 * 30);
    }

    #[test]
    fn costs_beyond_the_engine_limit_are_refused() {
        // The largest cost the dense core accepts for 2 × 2 nodes (the bound of costs scaled
        // by `nodes + 1`), and one more.
        let mut lo = 0_i64;
        let mut hi = i64::MAX;
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if engine::fits_scaled(4, mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let ok = solve(2, &[lo, 0, 0, lo]).unwrap();
        assert_eq!(ok.col_of_row, vec![1, 0]);
        assert_eq!(solve(2, &[hi, 0, 0, 0]), Err(EngineError::Overflow));
        assert_eq!(solve(2, &[i64::MAX, 0, 0, 0]), Err(EngineError::Overflow));
    }

    #[test]
    fn malformed_input_is_refused() {
        assert_eq!(solve(2, &[1, 2, 3]), Err(EngineError::Overflow));
        assert_eq!(solve(2, &[1, -2, 3, 4]), Err(EngineError::Overflow));
    }
}
