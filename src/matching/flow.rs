//! General min-cost flow: node supplies, arcs with integer capacity and cost.

use super::MatchingError;
use super::engine::{self, EngineArc, EngineError};

/// Position of a node in a [`FlowProblem`], in the order added.
///
/// Serialised as a bare integer.
///
/// # Example
/// ```
/// use volunteer_service::matching::{FlowBuilder, NodeIndex};
/// let mut b = FlowBuilder::new();
/// assert_eq!(b.add_node(0), NodeIndex::new(0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct NodeIndex(u32);

impl NodeIndex {
    /// Wraps a raw index; [`FlowBuilder::add_arc`] checks that it exists.
    ///
    /// # Example
    /// ```
    /// assert_eq!(volunteer_service::matching::NodeIndex::new(4).get(), 4);
    /// ```
    pub const fn new(index: u32) -> Self {
        Self(index)
    }

    /// The raw index.
    ///
    /// # Example
    /// ```
    /// assert_eq!(volunteer_service::matching::NodeIndex::new(2).get(), 2);
    /// ```
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// Collects nodes and arcs, then [`build`](Self::build)s a [`FlowProblem`].
///
/// # Example
/// ```
/// use volunteer_service::matching::FlowBuilder;
/// let mut b = FlowBuilder::new();
/// let s = b.add_node(2);
/// let m = b.add_node(0);
/// let t = b.add_node(-2);
/// b.add_arc(s, m, 2, 1)?;
/// b.add_arc(m, t, 1, 1)?;
/// b.add_arc(s, t, 2, 5)?;
/// assert_eq!(b.build()?.solve()?.objective(), 2 + 5);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct FlowBuilder {
    supply: Vec<i64>,
    arcs: Vec<EngineArc>,
}

impl FlowBuilder {
    /// An empty builder.
    ///
    /// # Example
    /// ```
    /// let p = volunteer_service::matching::FlowBuilder::new().build()?;
    /// assert_eq!(p.nodes(), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a node with `supply` units to send (`> 0`) or to receive (`< 0`).
    ///
    /// # Example
    /// ```
    /// let mut b = volunteer_service::matching::FlowBuilder::new();
    /// let n = b.add_node(-3);
    /// assert_eq!(n.get(), 0);
    /// ```
    pub fn add_node(&mut self, supply: i64) -> NodeIndex {
        let i = NodeIndex(u32::try_from(self.supply.len()).unwrap_or(u32::MAX));
        self.supply.push(supply);
        i
    }

    /// Adds an arc from `from` to `to` carrying up to `capacity` units at `cost` each (any sign).
    ///
    /// # Errors
    /// [`MatchingError::UnknownNode`] if either end was not added; the builder is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{FlowBuilder, NodeIndex};
    /// let mut b = FlowBuilder::new();
    /// let a = b.add_node(0);
    /// assert!(b.add_arc(a, NodeIndex::new(1), 1, 0).is_err());
    /// ```
    pub fn add_arc(
        &mut self,
        from: NodeIndex,
        to: NodeIndex,
        capacity: u32,
        cost: i64,
    ) -> Result<(), MatchingError> {
        for n in [from, to] {
            if n.0 as usize >= self.supply.len() {
                return Err(MatchingError::UnknownNode {
                    index: n.0,
                    count: self.supply.len(),
                });
            }
        }
        self.arcs.push(EngineArc {
            from: from.0,
            to: to.0,
            capacity,
            cost,
        });
        Ok(())
    }

    /// Checks the whole network.
    ///
    /// # Errors
    /// [`MatchingError::Unbalanced`] if supplies do not sum to zero; [`MatchingError::Overflow`]
    /// if there are `2^31` or more nodes or arcs, or `max |cost| · (nodes + 1) > 2^60`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{FlowBuilder, MatchingError};
    /// let mut b = FlowBuilder::new();
    /// b.add_node(1);
    /// assert_eq!(b.build().unwrap_err(), MatchingError::Unbalanced { total: 1 });
    /// ```
    pub fn build(self) -> Result<FlowProblem, MatchingError> {
        let total = self
            .supply
            .iter()
            .try_fold(0_i64, |acc, &s| acc.checked_add(s));
        if total != Some(0) {
            let total = self
                .supply
                .iter()
                .fold(0_i64, |acc, &s| acc.saturating_add(s));
            return Err(MatchingError::Unbalanced { total });
        }
        let max_cost = self
            .arcs
            .iter()
            .map(|a| a.cost.checked_abs().unwrap_or(i64::MAX))
            .max()
            .unwrap_or(0);
        let nodes = self.supply.len();
        let positive = self
            .supply
            .iter()
            .filter(|&&s| s > 0)
            .try_fold(0_i64, |acc, &s| acc.checked_add(s));
        if nodes >= 1 << 31 || self.arcs.len() >= 1 << 31 || !engine::fits(nodes, max_cost) {
            return Err(MatchingError::Overflow { nodes, max_cost });
        }
        if positive.is_none() {
            return Err(MatchingError::Overflow { nodes, max_cost });
        }
        Ok(FlowProblem {
            supply: self.supply,
            arcs: self.arcs,
        })
    }
}

/// A validated min-cost flow network: minimise `Σ cost × flow` subject to capacities and
/// `outflow − inflow = supply` at every node.
///
/// # Example
/// ```
/// use volunteer_service::matching::{verify_flow, FlowBuilder};
/// let mut b = FlowBuilder::new();
/// let (s, t) = (b.add_node(3), b.add_node(-3));
/// b.add_arc(s, t, 5, 2)?;
/// let p = b.build()?;
/// let sol = p.solve()?;
/// assert_eq!((sol.objective(), sol.flow()[0]), (6, 3));
/// verify_flow(&p, &sol)?;
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowProblem {
    supply: Vec<i64>,
    arcs: Vec<EngineArc>,
}

impl FlowProblem {
    /// Number of nodes.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::FlowBuilder;
    /// let mut b = FlowBuilder::new();
    /// let (s, m, t) = (b.add_node(1), b.add_node(0), b.add_node(-1));
    /// b.add_arc(s, m, 1, 0)?;
    /// b.add_arc(m, t, 1, 0)?;
    /// assert_eq!(b.build()?.nodes(), 3);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn nodes(&self) -> usize {
        self.supply.len()
    }
    /// Number of arcs.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::FlowBuilder;
    /// let mut b = FlowBuilder::new();
    /// let (s, t) = (b.add_node(2), b.add_node(-2));
    /// b.add_arc(s, t, 1, 3)?;
    /// b.add_arc(s, t, 1, 5)?; // parallel arcs are kept apart
    /// assert_eq!(b.build()?.arcs(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn arcs(&self) -> usize {
        self.arcs.len()
    }

    /// Solves exactly and returns an optimal flow with node potentials as certificate.
    ///
    /// # Errors
    /// [`MatchingError::Infeasible`] if the supplies cannot be routed;
    /// [`MatchingError::Overflow`] if the objective leaves the `i64` range.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{FlowBuilder, MatchingError};
    /// let mut b = FlowBuilder::new();
    /// let (s, t) = (b.add_node(2), b.add_node(-2));
    /// b.add_arc(s, t, 1, 0)?;
    /// assert_eq!(b.build()?.solve().unwrap_err(), MatchingError::Infeasible);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn solve(&self) -> Result<FlowSolution, MatchingError> {
        self.solve_with(engine::Start::ShortestPathsFirst)
    }

    /// [`solve`](Self::solve), starting the engine as `how` says.
    fn solve_with(&self, how: engine::Start) -> Result<FlowSolution, MatchingError> {
        let nodes = self.nodes();
        let max_cost = self.arcs.iter().map(|a| a.cost.abs()).max().unwrap_or(0);
        let sol = engine::solve(&self.supply, self.arcs.len(), |i| self.arcs[i], None, how)
            .map_err(|e| match e {
                EngineError::Infeasible => MatchingError::Infeasible,
                EngineError::Overflow | EngineError::GaveUp => {
                    MatchingError::Overflow { nodes, max_cost }
                }
            })?;
        let objective: i128 = self
            .arcs
            .iter()
            .zip(&sol.flow)
            .map(|(a, &f)| i128::from(a.cost) * i128::from(f))
            .sum();
        let objective =
            i64::try_from(objective).map_err(|_| MatchingError::Overflow { nodes, max_cost })?;
        Ok(FlowSolution {
            flow: sol.flow,
            objective,
            potential: sol.potential,
        })
    }
}

/// An optimal flow, its cost, and node potentials proving optimality.
///
/// With reduced cost `cost + potential[from] − potential[to]`, every arc below capacity has
/// reduced cost `>= 0` and every arc carrying flow has reduced cost `<= 0`.
///
/// Serialised as `{"flow": [...], "objective": 0, "potential": [...]}`.
///
/// # Example
/// ```
/// use volunteer_service::matching::FlowBuilder;
/// let mut b = FlowBuilder::new();
/// let (s, t) = (b.add_node(1), b.add_node(-1));
/// b.add_arc(s, t, 1, 4)?;
/// let sol = b.build()?.solve()?;
/// let p = sol.potential();
/// assert!(4 + p[0] - p[1] <= 0);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FlowSolution {
    flow: Vec<u32>,
    objective: i64,
    potential: Vec<i64>,
}

impl FlowSolution {
    /// Flow on each arc, in the order the arcs were added.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::FlowBuilder;
    /// let mut b = FlowBuilder::new();
    /// let (s, t) = (b.add_node(3), b.add_node(-3));
    /// b.add_arc(s, t, 5, 9)?; // dear: takes only what the cheap arc cannot
    /// b.add_arc(s, t, 2, 1)?;
    /// assert_eq!(b.build()?.solve()?.flow(), &[1, 2]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn flow(&self) -> &[u32] {
        &self.flow
    }
    /// `Σ cost × flow`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::FlowBuilder;
    /// let mut b = FlowBuilder::new();
    /// let (s, t) = (b.add_node(3), b.add_node(-3));
    /// b.add_arc(s, t, 5, 9)?;
    /// b.add_arc(s, t, 2, 1)?;
    /// assert_eq!(b.build()?.solve()?.objective(), 9 + 2 * 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn objective(&self) -> i64 {
        self.objective
    }
    /// Node potentials (the certificate), one per node.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::FlowBuilder;
    /// let mut b = FlowBuilder::new();
    /// let (s, t) = (b.add_node(3), b.add_node(-3));
    /// b.add_arc(s, t, 5, 9)?;
    /// b.add_arc(s, t, 2, 1)?;
    /// let p = b.build()?.solve()?.potential().to_vec();
    /// assert_eq!(p.len(), 2);
    /// // The dear arc carries flow below capacity, so its reduced cost is exactly 0;
    /// // the cheap arc is full, so its reduced cost is <= 0.
    /// assert_eq!(9 + p[0] - p[1], 0);
    /// assert!(1 + p[0] - p[1] <= 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn potential(&self) -> &[i64] {
        &self.potential
    }
}

/// Checks a flow and its potentials independently: sizes, capacities, conservation, the
/// objective, complementary slackness on every arc, and dual objective
/// `−Σ supply·potential − Σ capacity·max(0, −reduced cost)` equal to the primal (exact `i128`).
///
/// # Errors
/// [`MatchingError::Rejected`] naming the first failed check.
///
/// # Example
/// ```
/// use volunteer_service::matching::{verify_flow, FlowBuilder};
/// let mut b = FlowBuilder::new();
/// let (s, t) = (b.add_node(1), b.add_node(-1));
/// b.add_arc(s, t, 1, 4)?;
/// let p = b.build()?;
/// verify_flow(&p, &p.solve()?)?;
/// # Ok::<(), volunteer_service::Error>(())
/// ```
pub fn verify_flow(problem: &FlowProblem, solution: &FlowSolution) -> Result<(), MatchingError> {
    let reject = |reason: String| MatchingError::Rejected { reason };
    let n = problem.nodes();
    if solution.flow.len() != problem.arcs.len() || solution.potential.len() != n {
        return Err(reject(format!(
            "sizes do not match the network's {n} nodes and {} arcs",
            problem.arcs.len()
        )));
    }
    let mut balance: Vec<i128> = problem.supply.iter().map(|&s| i128::from(s)).collect();
    let mut primal = 0_i128;
    let mut dual = 0_i128;
    for (i, (a, &f)) in problem.arcs.iter().zip(&solution.flow).enumerate() {
        if f > a.capacity {
            return Err(reject(format!(
                "arc {i} carries {f} units: capacity {}",
                a.capacity
            )));
        }
        let (u, v) = (a.from as usize, a.to as usize);
        balance[u] -= i128::from(f);
        balance[v] += i128::from(f);
        primal += i128::from(a.cost) * i128::from(f);
        let rc = i128::from(a.cost) + i128::from(solution.potential[u])
            - i128::from(solution.potential[v]);
        if f < a.capacity && rc < 0 {
            return Err(reject(format!(
                "arc {i} has reduced cost {rc} < 0 but spare capacity"
            )));
        }
        if f > 0 && rc > 0 {
            return Err(reject(format!(
                "arc {i} carries flow with reduced cost {rc} > 0"
            )));
        }
        if rc < 0 {
            dual -= i128::from(a.capacity) * -rc;
        }
    }
    if let Some(v) = balance.iter().position(|&b| b != 0) {
        return Err(reject(format!(
            "node {v} is out of balance by {}",
            balance[v]
        )));
    }
    for (&s, &p) in problem.supply.iter().zip(&solution.potential) {
        dual -= i128::from(s) * i128::from(p);
    }
    if primal != i128::from(solution.objective) {
        return Err(reject(format!(
            "objective {} differs from the recomputed {primal}",
            solution.objective
        )));
    }
    if dual != primal {
        return Err(reject(format!(
            "dual objective {dual} differs from the primal {primal}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Best objective by enumerating flows on every arc, or `None` if infeasible.
    fn brute_force(supply: &[i64], arcs: &[(u32, u32, u32, i64)]) -> Option<i64> {
        let mut x = vec![0_u32; arcs.len()];
        let mut best: Option<i64> = None;
        loop {
            let mut bal = supply.to_vec();
            let mut cost = 0;
            for (&(u, v, _, c), &f) in arcs.iter().zip(&x) {
                bal[u as usize] -= i64::from(f);
                bal[v as usize] += i64::from(f);
                cost += c * i64::from(f);
            }
            if bal.iter().all(|&b| b == 0) {
                best = Some(best.map_or(cost, |b| b.min(cost)));
            }
            let mut i = 0;
            loop {
                if i == arcs.len() {
                    return best;
                }
                if x[i] < arcs[i].2 {
                    x[i] += 1;
                    break;
                }
                x[i] = 0;
                i += 1;
            }
        }
    }

    type Network = (Vec<i64>, Vec<(u32, u32, u32, i64)>);

    fn network() -> impl Strategy<Value = Network> {
        (2_u32..=5).prop_flat_map(|n| {
            (
                proptest::collection::vec(-2_i64..=2, n as usize - 1),
                proptest::collection::vec((0..n, 0..n, 0_u32..=2, -20_i64..=20), 0..=7),
            )
                .prop_map(|(mut supply, arcs)| {
                    supply.push(-supply.iter().sum::<i64>());
                    (supply, arcs)
                })
        })
    }

    fn build(supply: &[i64], arcs: &[(u32, u32, u32, i64)]) -> FlowProblem {
        let mut b = FlowBuilder::new();
        for &s in supply {
            b.add_node(s);
        }
        for &(u, v, k, c) in arcs {
            b.add_arc(NodeIndex(u), NodeIndex(v), k, c).unwrap();
        }
        b.build().unwrap()
    }

    /// Sends every node through the heap discharge until dropped.
    struct HeapsForAll(u32);

    impl HeapsForAll {
        fn new() -> Self {
            Self(engine::HEAP_MIN_DEGREE_IN_TESTS.with(|c| c.replace(0)))
        }
    }

    impl Drop for HeapsForAll {
        fn drop(&mut self) {
            engine::HEAP_MIN_DEGREE_IN_TESTS.with(|c| c.set(self.0));
        }
    }

    /// A match-shaped network: a hub supplies every slot, through volunteers (capacity 1–3,
    /// cost 0) and their candidate arcs (capacity 1), or along a shift's penalty arc.
    fn match_shaped() -> impl Strategy<Value = Network> {
        (5_u32..=40, 2_u32..=10).prop_flat_map(|(vols, shifts)| {
            (
                proptest::collection::vec(1_u32..=3, vols as usize),
                proptest::collection::vec(1_u32..=4, shifts as usize),
                proptest::collection::vec((0..vols, 0..shifts, 0_i64..=100), 0..=200),
            )
                .prop_map(move |(caps, demands, edges)| {
                    let total: i64 = demands.iter().map(|&d| i64::from(d)).sum();
                    let mut supply = vec![total];
                    supply.extend((0..vols).map(|_| 0));
                    supply.extend(demands.iter().map(|&d| -i64::from(d)));
                    let mut arcs = Vec::new();
                    for (v, &c) in (0..vols).zip(&caps) {
                        arcs.push((0, 1 + v, c, 0));
                    }
                    for (s, &d) in (0..shifts).zip(&demands) {
                        arcs.push((0, 1 + vols + s, d, 1_000));
                    }
                    for (v, s, c) in edges {
                        arcs.push((1 + v, 1 + vols + s, 1, c));
                    }
                    (supply, arcs)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// On match-shaped networks, the heap discharge finds the optimum the default layout
        /// finds, with a certificate.
        #[test]
        fn heap_discharge_agrees_on_match_shaped_networks((supply, arcs) in match_shaped()) {
            let p = build(&supply, &arcs);
            let want = p.solve_with(engine::Start::ScalingOnly).unwrap();
            let heaps = HeapsForAll::new();
            let got = p.solve_with(engine::Start::ScalingOnly).unwrap();
            drop(heaps);
            prop_assert_eq!(got.objective(), want.objective());
            prop_assert_eq!(verify_flow(&p, &got), Ok(()));
        }

        #[test]
        fn optimal_like_brute_force_and_verified((supply, arcs) in network()) {
            let p = build(&supply, &arcs);
            match (p.solve(), brute_force(&supply, &arcs)) {
                (Ok(sol), Some(best)) => {
                    prop_assert_eq!(sol.objective(), best);
                    prop_assert_eq!(verify_flow(&p, &sol), Ok(()));
                }
                (Err(e), None) => prop_assert_eq!(e, MatchingError::Infeasible),
                (got, want) => prop_assert!(false, "solver {got:?}, brute force {want:?}"),
            }
        }

        /// The same with every node discharged through the heap of its residual arcs (the
        /// path taken by nodes of thousands of slots, such as the hub of a city-wide match).
        #[test]
        fn heap_discharge_is_optimal_like_brute_force((supply, arcs) in network()) {
            let _heaps = HeapsForAll::new();
            let p = build(&supply, &arcs);
            let sol = p.solve_with(engine::Start::ScalingOnly);
            match (sol, brute_force(&supply, &arcs)) {
                (Ok(sol), Some(best)) => {
                    prop_assert_eq!(sol.objective(), best);
                    prop_assert_eq!(verify_flow(&p, &sol), Ok(()));
                }
                (Err(e), None) => prop_assert_eq!(e, MatchingError::Infeasible),
                (got, want) => prop_assert!(false, "solver {got:?}, brute force {want:?}"),
            }
        }
    }

    #[test]
    fn negative_cycle_is_used_to_capacity() {
        // No supplies, a cycle of total cost -3: optimal flow saturates it.
        let p = build(&[0, 0, 0], &[(0, 1, 2, -5), (1, 2, 3, 1), (2, 0, 4, 1)]);
        let sol = p.solve().unwrap();
        assert_eq!(sol.flow(), &[2, 2, 2]);
        assert_eq!(sol.objective(), -6);
        assert_eq!(verify_flow(&p, &sol), Ok(()));
    }

    #[test]
    fn unbalanced_and_unknown_nodes_are_rejected() {
        let mut b = FlowBuilder::new();
        let a = b.add_node(2);
        b.add_node(-1);
        assert_eq!(
            b.add_arc(a, NodeIndex(7), 1, 1),
            Err(MatchingError::UnknownNode { index: 7, count: 2 })
        );
        assert_eq!(b.arcs.len(), 0);
        assert_eq!(b.build(), Err(MatchingError::Unbalanced { total: 1 }));
    }

    #[test]
    fn verify_flow_rejects_wrong_potentials() {
        let p = build(&[1, -1], &[(0, 1, 1, 4), (0, 1, 1, 9)]);
        let good = p.solve().unwrap();
        assert_eq!(good.flow(), &[1, 0]);
        let mut bad = good.clone();
        bad.potential[0] -= 10;
        assert!(verify_flow(&p, &bad).is_err());
        let mut bad = good;
        bad.flow = vec![0, 1];
        bad.objective = 9;
        assert!(verify_flow(&p, &bad).is_err());
    }
}
