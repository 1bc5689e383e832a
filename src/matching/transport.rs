//! The transportation (b-matching) problem: volunteers with capacities, shifts with slots and an
//! unfilled penalty, candidate arcs with integer costs.

use super::MatchingError;
use super::bipartite;
use super::dense;
use super::engine::{self, EngineArc, EngineError, EngineSolution};
use super::paths;
use super::transport_arcs::{ArcColumns, ArcTable, TransportArcs};

/// Position of a source (volunteer, 志愿者) in a [`TransportProblem`], in the order added.
///
/// Serialised as a bare integer.
///
/// # Example
/// ```
/// use volunteer_service::matching::{SourceIndex, TransportBuilder};
/// let mut b = TransportBuilder::new();
/// assert_eq!(b.add_source(1), SourceIndex::new(0));
/// assert_eq!(b.add_source(2).get(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct SourceIndex(u32);

impl SourceIndex {
    /// Wraps a raw index; [`TransportBuilder::add_arc`] checks that it exists.
    ///
    /// # Example
    /// ```
    /// assert_eq!(volunteer_service::matching::SourceIndex::new(7).get(), 7);
    /// ```
    pub const fn new(index: u32) -> Self {
        Self(index)
    }

    /// The raw index.
    ///
    /// # Example
    /// ```
    /// assert_eq!(volunteer_service::matching::SourceIndex::new(3).get(), 3);
    /// ```
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// Position of a sink (shift, 班次) in a [`TransportProblem`], in the order added.
///
/// Serialised as a bare integer.
///
/// # Example
/// ```
/// use volunteer_service::matching::{SinkIndex, TransportBuilder};
/// let mut b = TransportBuilder::new();
/// assert_eq!(b.add_sink(3, 1_000)?, SinkIndex::new(0));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct SinkIndex(u32);

impl SinkIndex {
    /// Wraps a raw index; [`TransportBuilder::add_arc`] checks that it exists.
    ///
    /// # Example
    /// ```
    /// assert_eq!(volunteer_service::matching::SinkIndex::new(7).get(), 7);
    /// ```
    pub const fn new(index: u32) -> Self {
        Self(index)
    }

    /// The raw index.
    ///
    /// # Example
    /// ```
    /// assert_eq!(volunteer_service::matching::SinkIndex::new(3).get(), 3);
    /// ```
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// Collects sources, sinks and arcs, then [`build`](Self::build)s a [`TransportProblem`].
///
/// Every `add_*` call validates its input and leaves the builder unchanged when it fails.
///
/// # Example
/// ```
/// use volunteer_service::matching::TransportBuilder;
/// let mut b = TransportBuilder::new();
/// let li = b.add_source(1); // 李: at most one shift
/// let wang = b.add_source(2); // 王: at most two
/// let gate = b.add_sink(2, 1_000)?; // 2 slots, 1,000 per unfilled slot
/// b.add_arc(li, gate, 10)?;
/// b.add_arc(wang, gate, 30)?;
/// let solution = b.build()?.solve()?;
/// assert_eq!(solution.objective(), 40);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct TransportBuilder {
    capacities: Vec<u32>,
    demands: Vec<u32>,
    penalties: Vec<i64>,
    arcs: ArcColumns,
}

fn index_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Sources, sinks and arcs each stay below this count.
const MAX_COUNT: usize = 1 << 31;

impl TransportBuilder {
    /// An empty builder.
    ///
    /// # Example
    /// ```
    /// let p = volunteer_service::matching::TransportBuilder::new().build()?;
    /// assert_eq!(p.sources(), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves room for `additional` more arcs (avoids regrowth on large problems).
    ///
    /// # Example
    /// ```
    /// let mut b = volunteer_service::matching::TransportBuilder::new();
    /// b.reserve_arcs(1_000);
    /// assert_eq!(b.build()?.arcs().len(), 0);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn reserve_arcs(&mut self, additional: usize) {
        self.arcs.reserve(additional);
    }

    /// Adds a source (volunteer) that may fill at most `capacity` slots in total.
    ///
    /// # Example
    /// ```
    /// let mut b = volunteer_service::matching::TransportBuilder::new();
    /// let v = b.add_source(3);
    /// assert_eq!(b.build()?.source_capacity(v), Some(3));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_source(&mut self, capacity: u32) -> SourceIndex {
        let i = SourceIndex(index_u32(self.capacities.len()));
        self.capacities.push(capacity);
        i
    }

    /// Adds a sink (shift) with `demand` slots; each slot left unfilled costs `penalty`.
    ///
    /// Use one penalty for every sink for a global "fill as many as possible" rule, larger than
    /// any arc cost.
    ///
    /// # Errors
    /// [`MatchingError::NegativePenalty`] if `penalty < 0`.
    ///
    /// # Example
    /// ```
    /// let mut b = volunteer_service::matching::TransportBuilder::new();
    /// let s = b.add_sink(10, 1_000_000)?;
    /// assert!(b.add_sink(1, -1).is_err());
    /// let p = b.build()?;
    /// assert_eq!((p.sinks(), p.sink_demand(s), p.sink_penalty(s)), (1, Some(10), Some(1_000_000)));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn add_sink(&mut self, demand: u32, penalty: i64) -> Result<SinkIndex, MatchingError> {
        let i = index_u32(self.demands.len());
        if penalty < 0 {
            return Err(MatchingError::NegativePenalty { index: i, penalty });
        }
        self.demands.push(demand);
        self.penalties.push(penalty);
        Ok(SinkIndex(i))
    }

    /// Adds an arc of capacity 1: `source` may take one slot of `sink` at `cost`.
    ///
    /// # Errors
    /// [`MatchingError::UnknownSource`], [`MatchingError::UnknownSink`] or
    /// [`MatchingError::NegativeCost`]. Duplicates are reported by [`build`](Self::build).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SinkIndex, TransportBuilder};
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// b.add_sink(1, 100)?;
    /// assert!(b.add_arc(v, SinkIndex::new(5), 1).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[inline]
    pub fn add_arc(
        &mut self,
        source: SourceIndex,
        sink: SinkIndex,
        cost: i64,
    ) -> Result<(), MatchingError> {
        self.add_arc_with_capacity(source, sink, cost, 1)
    }

    /// Adds an arc that may carry up to `capacity` units (a volunteer taking several slots of
    /// the same shift).
    ///
    /// # Errors
    /// As [`add_arc`](Self::add_arc).
    ///
    /// # Example
    /// ```
    /// let mut b = volunteer_service::matching::TransportBuilder::new();
    /// let team = b.add_source(5);
    /// let s = b.add_sink(3, 100)?;
    /// b.add_arc_with_capacity(team, s, 7, 3)?;
    /// assert_eq!(b.build()?.solve()?.objective(), 21);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[inline]
    pub fn add_arc_with_capacity(
        &mut self,
        source: SourceIndex,
        sink: SinkIndex,
        cost: i64,
        capacity: u32,
    ) -> Result<(), MatchingError> {
        if source.0 as usize >= self.capacities.len() {
            return Err(MatchingError::UnknownSource {
                index: source.0,
                count: self.capacities.len(),
            });
        }
        if sink.0 as usize >= self.demands.len() {
            return Err(MatchingError::UnknownSink {
                index: sink.0,
                count: self.demands.len(),
            });
        }
        if cost < 0 {
            return Err(MatchingError::NegativeCost {
                source_index: source.0,
                sink_index: sink.0,
                cost,
            });
        }
        self.arcs.push(source.0, sink.0, cost, capacity);
        Ok(())
    }

    /// Sorts the arcs into canonical `(source, sink)` order and checks the whole problem.
    ///
    /// Arcs added in canonical order stay where they are; others are put in order in place,
    /// through a permutation of 4 bytes an arc (counted by source, then sorted by sink). The
    /// builder holds 16 bytes an arc (20 once an arc has a capacity other than 1), and the
    /// problem keeps 12 (16) of them.
    ///
    /// # Errors
    /// [`MatchingError::DuplicateArc`] if two arcs join the same pair;
    /// [`MatchingError::Overflow`] if there are `2^31` or more sources, sinks or arcs, or if
    /// `max(cost, penalty) · (nodes + 1)` exceeds about `2^60` (nodes = sources + sinks + 1).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{MatchingError, TransportBuilder};
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let s = b.add_sink(1, 100)?;
    /// b.add_arc(v, s, 1)?;
    /// b.add_arc(v, s, 2)?;
    /// assert!(matches!(b.build(), Err(MatchingError::DuplicateArc { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn build(self) -> Result<TransportProblem, MatchingError> {
        let nodes = self.capacities.len() + self.demands.len() + 1;
        let max_cost = self
            .penalties
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
            .max(self.arcs.max_cost());
        let overflow = MatchingError::Overflow { nodes, max_cost };
        if self.capacities.len() >= MAX_COUNT
            || self.demands.len() >= MAX_COUNT
            || self.arcs.len() + self.capacities.len() + self.demands.len() >= MAX_COUNT
            || !engine::fits(nodes, max_cost)
        {
            return Err(overflow);
        }
        let arcs =
            self.arcs
                .into_table(self.capacities.len())
                .map_err(|(source_index, sink_index)| MatchingError::DuplicateArc {
                    source_index,
                    sink_index,
                })?;
        Ok(TransportProblem {
            capacities: self.capacities,
            demands: self.demands,
            penalties: self.penalties,
            arcs,
        })
    }
}

/// How [`TransportProblem::solve_with_method`] solves. Every method is exact and returns the
/// optimality certificate; they differ in speed on different shapes of problem.
///
/// Serialised as a `snake_case` string: `"auto"`, `"shortest_paths"`, `"bipartite_scaling"`,
/// `"dense_assignment"`.
///
/// # Example
/// ```
/// use volunteer_service::matching::{verify, TransportBuilder, TransportMethod};
/// assert_eq!(TransportMethod::default(), TransportMethod::Auto);
/// // 一人一岗: three volunteers, three one-slot shifts, every pair a candidate.
/// let mut b = TransportBuilder::new();
/// let vols: Vec<_> = (0..3).map(|_| b.add_source(1)).collect();
/// let shifts = (0..3)
///     .map(|_| b.add_sink(1, 1_000))
///     .collect::<Result<Vec<_>, _>>()?;
/// for (i, &v) in vols.iter().enumerate() {
///     for (j, &s) in shifts.iter().enumerate() {
///         b.add_arc(v, s, i64::try_from((i + 2 * j) % 3).unwrap_or(0) * 10)?;
///     }
/// }
/// let p = b.build()?;
/// let dense = p.solve_with_method(TransportMethod::DenseAssignment)?;
/// assert_eq!(dense.objective(), 0);
/// assert_eq!(dense.objective(), p.solve_with_method(TransportMethod::ShortestPaths)?.objective());
/// verify(&p, &dense)?;
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum TransportMethod {
    /// Dense assignment for a dense assignment problem: every source capacity and sink demand
    /// is 0 or 1, the padded square matrix (side `max(sources of capacity 1, sinks of demand 1)`)
    /// has at most 2²² entries (32 MiB of costs), and at least half of its entries are arcs.
    /// Otherwise shortest paths first when volunteers are plentiful or the problem is dense (a
    /// bounded attempt, for arc costs up to `u32::MAX`), otherwise — or when that attempt runs
    /// out of budget — bipartite scaling.
    #[default]
    Auto,
    /// Successive shortest paths from a price-consistent greedy start (best with volunteers to
    /// spare, and for small changes), falling back to general cost scaling after a bounded
    /// amount of work, or at once when an arc costs more than `u32::MAX` (the method's layout
    /// holds arc costs in 32 bits).
    ShortestPaths,
    /// Cost scaling built for the bipartite shape (shifts bid for volunteers, a volunteer passes
    /// a unit on at once, best-arc caches, global price updates): best on tight problems,
    /// where every volunteer is needed.
    BipartiteScaling,
    /// Jonker–Volgenant (LAPJV: column reduction, reduction transfer, augmenting row reduction,
    /// then shortest augmenting paths) on a dense cost matrix, for assignment problems (一人一岗):
    /// every source capacity and sink demand is 0 or 1. Sources of capacity 1 are rows and sinks
    /// of demand 1 columns, padded to a square (a dummy column is an idle volunteer at cost 0,
    /// a dummy row an unfilled slot at the sink's penalty); an entry is `min(cost, penalty)`
    /// and a missing arc costs the penalty, so unfilled slots are priced exactly. The duals of
    /// the matrix give the certificate. Best on dense problems; memory is 4 bytes per entry of
    /// the square when every penalty fits in an `i32`, else 8. A problem that is not an
    /// assignment problem, or whose square would have more than 2²⁴ entries (side 4096), is
    /// solved as by [`Auto`](Self::Auto) without this method.
    DenseAssignment,
}

/// Most entries of the square matrix [`TransportMethod::DenseAssignment`] builds (64 MiB of
/// `i32` entries, 128 MiB of `i64`).
const DENSE_MAX_ENTRIES: usize = 1 << 24;

/// Most entries of the square matrix [`TransportMethod::Auto`] lets the dense method build
/// (16 MiB of `i32` entries, 32 MiB of `i64`).
const AUTO_DENSE_MAX_ENTRIES: usize = 1 << 22;

/// Sentinel for "no row / no column" in a [`DenseLayout`].
const NO_INDEX: u32 = u32::MAX;

/// Where sources and sinks of an assignment problem sit in the dense matrix.
struct DenseLayout {
    /// Side of the square matrix.
    n: usize,
    /// Row of each source (capacity 1), or `NO_INDEX` (capacity 0).
    row_of: Vec<u32>,
    /// Column of each sink (demand 1), or `NO_INDEX` (demand 0).
    col_of: Vec<u32>,
    /// Sink of each real column.
    col_sink: Vec<usize>,
}

/// A validated transportation (b-matching) problem: minimise
/// `Σ cost × units on arcs + Σ penalty × unfilled slots`, where each source fills at most its
/// capacity, each arc carries at most its capacity, and each sink takes at most its demand.
///
/// Built with [`TransportBuilder`]; arcs are kept in canonical `(source, sink)` order, so the
/// order in which they were added never changes the result.
///
/// # Example
/// ```
/// use volunteer_service::matching::{verify, TransportBuilder};
/// let mut b = TransportBuilder::new();
/// let (a, c) = (b.add_source(1), b.add_source(1));
/// let (x, y) = (b.add_sink(1, 1_000)?, b.add_sink(1, 1_000)?);
/// b.add_arc(a, x, 1)?;
/// b.add_arc(a, y, 2)?;
/// b.add_arc(c, x, 1)?;
/// let problem = b.build()?;
/// let solution = problem.solve()?;
/// assert_eq!(solution.objective(), 3); // a → y, c → x
/// verify(&problem, &solution)?;
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportProblem {
    capacities: Vec<u32>,
    demands: Vec<u32>,
    penalties: Vec<i64>,
    arcs: ArcTable,
}

impl TransportProblem {
    /// Number of sources.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// b.add_source(1);
    /// b.add_source(2);
    /// b.add_sink(1, 100)?;
    /// assert_eq!(b.build()?.sources(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn sources(&self) -> usize {
        self.capacities.len()
    }
    /// Number of sinks.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// b.add_source(1);
    /// b.add_sink(1, 100)?;
    /// b.add_sink(3, 100)?;
    /// b.add_sink(2, 100)?;
    /// assert_eq!(b.build()?.sinks(), 3);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn sinks(&self) -> usize {
        self.demands.len()
    }
    /// A source's capacity, or `None` if it does not exist.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SourceIndex, TransportBuilder};
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(2);
    /// let p = b.build()?;
    /// assert_eq!(p.source_capacity(v), Some(2));
    /// assert_eq!(p.source_capacity(SourceIndex::new(1)), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn source_capacity(&self, source: SourceIndex) -> Option<u32> {
        self.capacities.get(source.0 as usize).copied()
    }
    /// A sink's demand (slots), or `None` if it does not exist.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SinkIndex, TransportBuilder};
    /// let mut b = TransportBuilder::new();
    /// let s = b.add_sink(4, 100)?;
    /// let p = b.build()?;
    /// assert_eq!(p.sink_demand(s), Some(4));
    /// assert_eq!(p.sink_demand(SinkIndex::new(1)), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn sink_demand(&self, sink: SinkIndex) -> Option<u32> {
        self.demands.get(sink.0 as usize).copied()
    }
    /// A sink's penalty per unfilled slot, or `None` if it does not exist.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SinkIndex, TransportBuilder};
    /// let mut b = TransportBuilder::new();
    /// let s = b.add_sink(4, 1_500)?;
    /// let p = b.build()?;
    /// assert_eq!(p.sink_penalty(s), Some(1_500));
    /// assert_eq!(p.sink_penalty(SinkIndex::new(1)), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn sink_penalty(&self, sink: SinkIndex) -> Option<i64> {
        self.penalties.get(sink.0 as usize).copied()
    }
    /// The arcs in canonical `(source, sink)` order, as a [`TransportArcs`] view (the problem
    /// stores them column by column, grouped by source: 12 bytes an arc when every arc has
    /// capacity 1, 16 otherwise).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let (a, c) = (b.add_source(1), b.add_source(1));
    /// let (x, y) = (b.add_sink(1, 100)?, b.add_sink(1, 100)?);
    /// b.add_arc(c, x, 1)?;
    /// b.add_arc(a, y, 2)?;
    /// b.add_arc(a, x, 3)?;
    /// let keys: Vec<_> = b.build()?.arcs().iter().map(|a| (a.source(), a.sink())).collect();
    /// assert_eq!(keys, [(a, x), (a, y), (c, x)]); // sorted, not as added
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[inline]
    pub fn arcs(&self) -> TransportArcs<'_> {
        self.arcs.view()
    }

    /// Solves the problem exactly and returns an optimal solution with its certificate, with
    /// [`TransportMethod::Auto`].
    ///
    /// The result depends only on the problem (sources, sinks, and the set of arcs), never on
    /// the order arcs were added: among optimal solutions the engine's deterministic run picks
    /// one, processing arcs in canonical `(source, sink)` order.
    ///
    /// # Errors
    /// [`MatchingError::Overflow`] if the objective does not fit an `i64` (or, defensively, if
    /// internal prices would leave their range).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let s = b.add_sink(3, 500)?;
    /// b.add_arc(v, s, 20)?;
    /// let sol = b.build()?.solve()?;
    /// assert_eq!((sol.filled()[0], sol.unfilled()[0], sol.objective()), (1, 2, 1_020));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn solve(&self) -> Result<TransportSolution, MatchingError> {
        self.solve_with_method(TransportMethod::Auto)
    }

    /// Solves the problem exactly with the given method; every method returns an optimal
    /// solution with its certificate (the objective is the same, the assignment may differ
    /// between methods when several are optimal, and is deterministic for each).
    ///
    /// # Errors
    /// As [`solve`](Self::solve).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{verify, TransportBuilder, TransportMethod};
    /// let mut b = TransportBuilder::new();
    /// let (zhang, li) = (b.add_source(1), b.add_source(1));
    /// let (gate, desk) = (b.add_sink(1, 1_000)?, b.add_sink(1, 1_000)?);
    /// b.add_arc(zhang, gate, 3)?;
    /// b.add_arc(zhang, desk, 1)?;
    /// b.add_arc(li, gate, 2)?;
    /// let p = b.build()?;
    /// let scaling = p.solve_with_method(TransportMethod::BipartiteScaling)?;
    /// let paths = p.solve_with_method(TransportMethod::ShortestPaths)?;
    /// assert_eq!((scaling.objective(), paths.objective()), (3, 3));
    /// verify(&p, &scaling)?;
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn solve_with_method(
        &self,
        method: TransportMethod,
    ) -> Result<TransportSolution, MatchingError> {
        match method {
            // Shortest paths on the transportation layout; if they run out of budget, the
            // general engine's cost scaling (its own shortest paths would give up too).
            TransportMethod::ShortestPaths => match self.paths_solution() {
                Ok(sol) => self.solution_from_flows(&sol),
                Err(_) => self.solve_with(engine::Start::ScalingOnly),
            },
            TransportMethod::BipartiteScaling => self.solve_bipartite(),
            TransportMethod::DenseAssignment => {
                if let Some(layout) = self.dense_layout(DENSE_MAX_ENTRIES)
                    && let Some(done) = self.solve_dense(&layout)
                {
                    return done;
                }
                self.solve_sparse()
            }
            TransportMethod::Auto => {
                if let Some(layout) = self.dense_layout(AUTO_DENSE_MAX_ENTRIES)
                    && self.prefers_dense(&layout)
                    && let Some(done) = self.solve_dense(&layout)
                {
                    return done;
                }
                self.solve_sparse()
            }
        }
    }

    /// [`TransportMethod::Auto`] without the dense method.
    fn solve_sparse(&self) -> Result<TransportSolution, MatchingError> {
        // Shortest paths that give up (or report an overflow) leave the problem to bipartite
        // scaling, which reports a true overflow itself.
        if self.prefers_shortest_paths()
            && let Ok(sol) = self.paths_solution()
        {
            return self.solution_from_flows(&sol);
        }
        self.solve_bipartite()
    }

    /// The problem as the specialised solvers read it.
    pub(super) fn bipartite_input(&self) -> bipartite::Input<'_> {
        bipartite::Input {
            capacities: &self.capacities,
            demands: &self.demands,
            penalties: &self.penalties,
            arcs: self.arcs.view(),
        }
    }

    /// Successive shortest paths on the transportation layout ([`paths::solve`]).
    pub(super) fn paths_solution(&self) -> Result<paths::Flows, EngineError> {
        paths::solve(&self.bipartite_input())
    }

    /// The dense layout of an assignment problem (every capacity and demand 0 or 1) whose
    /// square matrix has at most `max_entries` entries; `None` for other problems.
    fn dense_layout(&self, max_entries: usize) -> Option<DenseLayout> {
        if self.capacities.iter().any(|&c| c > 1) || self.demands.iter().any(|&d| d > 1) {
            return None;
        }
        let number = |units: &[u32]| -> Vec<u32> {
            let mut next = 0_u32;
            units
                .iter()
                .map(|&u| {
                    if u == 0 {
                        NO_INDEX
                    } else {
                        next += 1;
                        next - 1
                    }
                })
                .collect()
        };
        let rows = self.capacities.iter().filter(|&&c| c == 1).count();
        let cols = self.demands.iter().filter(|&&d| d == 1).count();
        let n = rows.max(cols);
        if n.checked_mul(n).is_none_or(|entries| entries > max_entries) {
            return None;
        }
        let col_sink = (0..self.sinks())
            .filter(|&s| self.demands.get(s) == Some(&1))
            .collect();
        Some(DenseLayout {
            n,
            row_of: number(&self.capacities),
            col_of: number(&self.demands),
            col_sink,
        })
    }

    /// Whether [`TransportMethod::Auto`] uses the dense method: at least half of the entries
    /// of the square matrix are arcs.
    fn prefers_dense(&self, layout: &DenseLayout) -> bool {
        layout.n > 0 && self.arcs.len().saturating_mul(2) >= layout.n * layout.n
    }

    /// Solves an assignment problem with the dense core. `None` when the core refuses (its
    /// duals would leave the engine's price range): the caller falls back to the other methods.
    #[allow(
        clippy::too_many_lines,
        reason = "matrix, solve and certificate read best as one sequence"
    )]
    fn solve_dense(
        &self,
        layout: &DenseLayout,
    ) -> Option<Result<TransportSolution, MatchingError>> {
        let n = layout.n;
        let overflow = || MatchingError::Overflow {
            nodes: self.sources() + self.sinks() + 1,
            max_cost: self.max_cost(),
        };
        // Every row starts as "no arc": a real column costs its sink's penalty (the slot stays
        // unfilled, the volunteer idle), a dummy column 0 (the volunteer idle). Dummy rows
        // (more slots than volunteers) take the same template: a real column at its penalty.
        let mut template = vec![0_i64; n];
        for (t, &s) in template.iter_mut().zip(&layout.col_sink) {
            *t = self.penalties.get(s).copied().unwrap_or(0);
        }
        // Every entry is at most its column's template entry, so `i32` entries suffice when the
        // template's do (the usual case), and the scans then gather half the bytes.
        let narrow: Option<Vec<i32>> = template.iter().map(|&t| i32::try_from(t).ok()).collect();
        let sol = match narrow {
            Some(template) => dense::solve(n, &self.dense_matrix(layout, &template)),
            None => dense::solve(n, &self.dense_matrix(layout, &template)),
        }
        .ok()?;
        Some(self.dense_solution(layout, &sol).map_err(|()| overflow()))
    }

    /// The dense core's row-major `n × n` matrix: each row starts as `template` and takes
    /// `min(entry, cost)` for every arc of its source with capacity (an arc whose cost does not
    /// fit `C` is dearer than any entry, so it leaves the entry unchanged). Built row by row,
    /// so that each row is filled while it is in the cache.
    fn dense_matrix<C: Copy + Ord + TryFrom<i64>>(
        &self,
        layout: &DenseLayout,
        template: &[C],
    ) -> Vec<C> {
        let n = layout.n;
        let mut source_of_row = vec![NO_INDEX; n];
        for (v, &r) in (0_u32..).zip(&layout.row_of) {
            if let Some(slot) = source_of_row.get_mut(r as usize) {
                *slot = v;
            }
        }
        let arcs = self.arcs();
        let (first, sinks, costs) = (arcs.first(), arcs.sinks(), arcs.costs());
        let mut cost = Vec::with_capacity(n * n);
        for &v in &source_of_row {
            let at = cost.len();
            cost.extend_from_slice(template);
            if v == NO_INDEX {
                continue;
            }
            let row = &mut cost[at..];
            let v = v as usize;
            for i in first[v] as usize..first[v + 1] as usize {
                let c = layout
                    .col_of
                    .get(sinks[i] as usize)
                    .copied()
                    .unwrap_or(NO_INDEX);
                if arcs.capacity_at(i) > 0
                    && c != NO_INDEX
                    && let Some(e) = row.get_mut(c as usize)
                    && let Ok(arc_cost) = C::try_from(costs[i])
                    && arc_cost < *e
                {
                    *e = arc_cost;
                }
            }
        }
        cost
    }

    /// The transportation solution and certificate from the dense core's assignment and duals.
    ///
    /// With row duals `u`, column duals `v` (`min(cost, penalty) − u − v ≥ 0`, `= 0` on the
    /// assignment) and `t = max u`: `rent = t − u(row) ≥ 0`, `price = v(col) + t`. A row
    /// matched at a penalty entry (an idle volunteer, an unfilled slot) or to a dummy column
    /// has the largest `u` (its entry is the largest of its column, or its row), so its rent is
    /// 0 and its sink's price equals the penalty; every other price is at most the penalty.
    fn dense_solution(
        &self,
        layout: &DenseLayout,
        sol: &dense::DenseSolution,
    ) -> Result<TransportSolution, ()> {
        let t = sol.row_dual.iter().copied().max().unwrap_or(0);
        let mut filled = vec![0_u32; self.sinks()];
        let mut assignment = Vec::new();
        let mut objective = 0_i128;
        // Each row's column: a used arc when it is a real arc no dearer than the penalty (else
        // the volunteer is idle and the slot unfilled). Sources in order: canonical order.
        for (v, &row) in layout.row_of.iter().enumerate() {
            let Some(&col) = sol.col_of_row.get(row as usize) else {
                continue;
            };
            let Some(&s) = layout.col_sink.get(col) else {
                continue;
            };
            let (source, sink) = (index_u32(v), index_u32(s));
            let Some(at) = self.arcs.position(source, sink) else {
                continue;
            };
            let Some(&penalty) = self.penalties.get(s) else {
                continue;
            };
            let (cost, capacity) = (self.arcs().costs()[at], self.arcs().capacity_at(at));
            if capacity > 0 && cost <= penalty {
                if let Some(f) = filled.get_mut(s) {
                    *f = 1;
                }
                objective += i128::from(cost);
                assignment.push(UsedArc {
                    source: SourceIndex(source),
                    sink: SinkIndex(sink),
                    units: 1,
                });
            }
        }
        let unfilled: Vec<u32> = self
            .demands
            .iter()
            .zip(&filled)
            .map(|(&d, &f)| d.saturating_sub(f))
            .collect();
        for (&u, &p) in unfilled.iter().zip(&self.penalties) {
            objective += i128::from(u) * i128::from(p);
        }
        let objective = i64::try_from(objective).map_err(|_| ())?;
        let mut source_rent = vec![0_i64; self.sources()];
        for (rent, &r) in source_rent.iter_mut().zip(&layout.row_of) {
            if let Some(&u) = sol.row_dual.get(r as usize) {
                *rent = t.checked_sub(u).ok_or(())?;
            }
        }
        let mut sink_price = vec![0_i64; self.sinks()];
        for ((price, &c), &pen) in sink_price
            .iter_mut()
            .zip(&layout.col_of)
            .zip(&self.penalties)
        {
            *price = match sol.col_dual.get(c as usize) {
                Some(&v) => v.checked_add(t).ok_or(())?,
                // A sink without slots: the largest price its arcs allow, at most the penalty.
                None => pen,
            };
        }
        // Sinks without slots first (their arcs to sources with a row), then sources of
        // capacity 0 (any arc): every arc then has reduced cost >= 0.
        let all_rows = layout.row_of.iter().all(|&r| r != NO_INDEX);
        let all_cols = layout.col_of.iter().all(|&c| c != NO_INDEX);
        for a in self.arcs().iter().filter(|_| !all_cols) {
            let (v, s) = (a.source().0 as usize, a.sink().0 as usize);
            if a.capacity() > 0
                && layout.col_of.get(s) == Some(&NO_INDEX)
                && layout.row_of.get(v) != Some(&NO_INDEX)
            {
                let rent = source_rent.get(v).copied().unwrap_or(0);
                let bound = a.cost().checked_add(rent).ok_or(())?;
                if let Some(p) = sink_price.get_mut(s) {
                    *p = bound.min(*p);
                }
            }
        }
        for a in self.arcs().iter().filter(|_| !all_rows) {
            let (v, s) = (a.source().0 as usize, a.sink().0 as usize);
            if a.capacity() > 0 && layout.row_of.get(v) == Some(&NO_INDEX) {
                let price = sink_price.get(s).copied().unwrap_or(0);
                let need = price.checked_sub(a.cost()).ok_or(())?;
                if let Some(rent) = source_rent.get_mut(v) {
                    *rent = need.max(*rent);
                }
            }
        }
        Ok(TransportSolution {
            assignment,
            objective,
            filled,
            unfilled,
            certificate: TransportCertificate {
                source_rent,
                sink_price,
            },
        })
    }

    /// Whether [`TransportMethod::Auto`] tries shortest paths first: volunteers to spare
    /// (total capacity at least 5/4 of total demand) or a dense problem (at least a quarter of
    /// all pairs are arcs), where augmenting paths stay short.
    fn prefers_shortest_paths(&self) -> bool {
        let capacity: u128 = self.capacities.iter().map(|&c| u128::from(c)).sum();
        let demand: u128 = self.demands.iter().map(|&d| u128::from(d)).sum();
        let pairs = (self.sources() as u128) * (self.sinks() as u128);
        capacity * 4 >= demand * 5 || (self.arcs.len() as u128) * 4 >= pairs
    }

    fn solve_bipartite(&self) -> Result<TransportSolution, MatchingError> {
        let input = self.bipartite_input();
        let nodes = self.sources() + self.sinks() + 1;
        let max_cost = self.max_cost();
        let overflow = MatchingError::Overflow { nodes, max_cost };
        match bipartite::solve(&input) {
            Ok(sol) => self.solution_from(&sol),
            // Costs too large for the bipartite solver's scaling: the general engine solves
            // them with a smaller cost factor and an exact finish.
            Err(EngineError::Overflow) if engine::fits(nodes, max_cost) => {
                self.solve_with(engine::Start::ScalingOnly)
            }
            Err(_) => Err(overflow),
        }
    }

    pub(super) fn solve_with(
        &self,
        start: engine::Start,
    ) -> Result<TransportSolution, MatchingError> {
        let nv = self.sources();
        let ns = self.sinks();
        let hub = nv + ns;
        let m = self.arcs.len();
        let nodes = hub + 1;
        let max_cost = self.max_cost();
        let overflow = MatchingError::Overflow { nodes, max_cost };
        // The network is oriented from shifts to volunteers: each sink supplies its slots, and
        // every slot reaches the hub either through a volunteer (arc cost, then the volunteer's
        // capacity arc) or directly (the penalty). A sink then bids for volunteers along its
        // forward arcs, and a volunteer returns surplus along its few assigned arcs.
        let supply = self.engine_supply();
        let source_of = self.arcs.sources();
        let arc = |i: usize| self.engine_arc(&source_of, i);
        let start_cost = self.arcs().costs().iter().copied().max().unwrap_or(0);
        let sol = engine::solve(&supply, m + nv + ns, arc, Some(start_cost), start).map_err(
            |e| match e {
                // The hub's arcs make every transportation problem feasible; `GaveUp` is
                // reported as `Overflow` too, and `solve_with_method` tells it apart by asking
                // only with `ShortestPathsOnly`.
                EngineError::Infeasible | EngineError::Overflow | EngineError::GaveUp => {
                    overflow.clone()
                }
            },
        )?;
        self.solution_from(&sol)
    }

    /// Arc `i` of the internal network: the problem's arcs (sink → source), then each
    /// source's capacity arc (source → hub, cost 0), then each sink's unfilled arc
    /// (sink → hub, the penalty). `source_of` is the source of each arc
    /// ([`ArcTable::sources`]).
    fn engine_arc(&self, source_of: &[u32], i: usize) -> EngineArc {
        let arcs = self.arcs();
        let m = arcs.len();
        let nv = self.sources();
        let nv32 = index_u32(nv);
        let hub32 = index_u32(nv + self.sinks());
        if let Some(&source) = source_of.get(i) {
            EngineArc {
                from: nv32 + arcs.sinks()[i],
                to: source,
                capacity: arcs.capacity_at(i),
                cost: arcs.costs()[i],
            }
        } else if let Some(&cap) = self.capacities.get(i - m) {
            EngineArc {
                from: index_u32(i - m),
                to: hub32,
                capacity: cap,
                cost: 0,
            }
        } else {
            let s = i - m - nv;
            EngineArc {
                from: nv32 + index_u32(s),
                to: hub32,
                capacity: self.demands.get(s).copied().unwrap_or(0),
                cost: self.penalties.get(s).copied().unwrap_or(0),
            }
        }
    }

    /// Slots of each sink and minus their total at the hub: the internal network's supplies.
    fn engine_supply(&self) -> Vec<i64> {
        let nv = self.sources();
        let hub = nv + self.sinks();
        let mut supply = vec![0_i64; hub + 1];
        let mut total = 0_i64;
        for (s, &d) in self.demands.iter().enumerate() {
            supply[nv + s] = i64::from(d);
            total += i64::from(d);
        }
        supply[hub] = -total;
        supply
    }

    /// Re-optimises exactly from a previous solution (a warm start, 热启动): after
    /// withdrawals (sources removed or with less capacity), no-shows or invalidated pairs
    /// (arcs removed), new sinks or arcs, changed demands or costs, it returns an optimal
    /// solution of this problem, with its certificate, doing work in proportion to the
    /// change rather than to the problem.
    ///
    /// `previous` is a solution of an earlier problem (from any method, or an earlier
    /// `resolve_from`); `carry` says which of its sources and sinks are which here (arcs are
    /// identified by their `(source, sink)` pair, so they carry over with their ends). The
    /// previous flow is kept on every arc that still exists (up to the new capacities), the
    /// previous certificate becomes the starting potentials, a new sink is priced at its
    /// cheapest way to fill a slot, every arc whose reduced cost is now negative is
    /// saturated, and successive shortest paths route the imbalances left (Dijkstra on
    /// reduced costs, each search stopping at the first deficit it reaches).
    ///
    /// This pays off when augmenting paths stay short: volunteers to spare, or few changes.
    /// In a tight problem (capacity equal to demand) every withdrawal leaves a slot unfilled
    /// and moves the prices of its whole component, each search then scans the component,
    /// and after two or three scans of the network the warm start gives up and solves cold
    /// ([`solve`](Self::solve)); the result is exact either way.
    ///
    /// The objective equals [`solve`](Self::solve)'s (both are exact); when several
    /// solutions are optimal the one returned may differ from a cold solve's, and tends to
    /// keep the previous flow. Deterministic: the same problem, previous solution and carry
    /// give the same result, bit for bit.
    ///
    /// # Errors
    /// [`MatchingError::WarmStartMismatch`] if `carry` does not cover `previous`'s sources
    /// and sinks; [`MatchingError::UnknownSource`] or [`MatchingError::UnknownSink`] if it
    /// maps onto a node this problem does not have; [`MatchingError::Overflow`] as for
    /// [`solve`](Self::solve), or if the previous certificate's values are too large to
    /// start from.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{verify, TransportBuilder, TransportCarry};
    /// let mut b = TransportBuilder::new();
    /// let (zhang, li, wang) = (b.add_source(1), b.add_source(1), b.add_source(1));
    /// let gate = b.add_sink(2, 1_000)?;
    /// b.add_arc(zhang, gate, 1)?;
    /// b.add_arc(li, gate, 2)?;
    /// b.add_arc(wang, gate, 5)?;
    /// let before = b.build()?.solve()?;
    /// assert_eq!(before.objective(), 3);
    ///
    /// // 张 withdraws: the new problem has only 李 and 王 (old sources 1 and 2).
    /// let mut b = TransportBuilder::new();
    /// let (li, wang) = (b.add_source(1), b.add_source(1));
    /// let gate = b.add_sink(2, 1_000)?;
    /// b.add_arc(li, gate, 2)?;
    /// b.add_arc(wang, gate, 5)?;
    /// let after = b.build()?;
    /// let carry = TransportCarry::by_keys(&["zhang", "li", "wang"], &["li", "wang"], &["gate"], &["gate"])?;
    /// let repaired = after.resolve_from(&before, &carry)?;
    /// assert_eq!(repaired.objective(), 7);
    /// assert_eq!(repaired.objective(), after.solve()?.objective());
    /// verify(&after, &repaired)?;
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[allow(
        clippy::too_many_lines,
        reason = "checks, starting potentials and starting flow read best in one sequence"
    )]
    pub fn resolve_from(
        &self,
        previous: &TransportSolution,
        carry: &TransportCarry,
    ) -> Result<TransportSolution, MatchingError> {
        let (flow, potential) = self.warm_start(previous, carry)?;
        let (nv, ns, m) = (self.sources(), self.sinks(), self.arcs.len());
        let overflow = MatchingError::Overflow {
            nodes: nv + ns + 1,
            max_cost: self.max_cost(),
        };
        // The transportation layout's warm start first. If its searches run out of budget,
        // the general engine's would too (the same searches on a slower layout): solve cold.
        // A state outside its reach (a negative cost, prices out of its range) goes to the
        // general engine's warm start, then cold.
        match paths::resolve(&self.bipartite_input(), &flow, &potential) {
            Ok(sol) => return self.solution_from_flows(&sol),
            Err(EngineError::GaveUp) if self.costs_non_negative() => {
                return self.solve();
            }
            Err(EngineError::GaveUp | EngineError::Overflow | EngineError::Infeasible) => {}
        }
        let supply = self.engine_supply();
        let source_of = self.arcs.sources();
        match engine::resolve(
            &supply,
            m + nv + ns,
            |i| self.engine_arc(&source_of, i),
            &flow,
            &potential,
        ) {
            Ok(sol) => self.solution_from(&sol),
            // Augmenting paths too long to pay off (a tight problem): solve cold.
            Err(EngineError::GaveUp) => self.solve(),
            Err(EngineError::Infeasible | EngineError::Overflow) => Err(overflow),
        }
    }

    /// The previous flow (engine layout: arcs, then each source's hub arc, then each sink's
    /// unfilled arc, within the new capacities) and the starting potentials of a warm start.
    pub(super) fn warm_start(
        &self,
        previous: &TransportSolution,
        carry: &TransportCarry,
    ) -> Result<(Vec<u32>, Vec<i64>), MatchingError> {
        let nv = self.sources();
        let ns = self.sinks();
        let hub = nv + ns;
        let m = self.arcs.len();
        let sources_before = previous.certificate.source_rent.len();
        let sinks_before = previous.filled.len();
        if carry.sources.len() != sources_before {
            return Err(MatchingError::WarmStartMismatch {
                field: "source map",
                found: carry.sources.len(),
                expected: sources_before,
            });
        }
        if carry.sinks.len() != sinks_before
            || previous.unfilled.len() != sinks_before
            || previous.certificate.sink_price.len() != sinks_before
        {
            return Err(MatchingError::WarmStartMismatch {
                field: "sink map",
                found: carry.sinks.len(),
                expected: sinks_before,
            });
        }
        if let Some(&bad) = carry.sources.iter().flatten().find(|x| x.0 as usize >= nv) {
            return Err(MatchingError::UnknownSource {
                index: bad.0,
                count: nv,
            });
        }
        if let Some(&bad) = carry.sinks.iter().flatten().find(|x| x.0 as usize >= ns) {
            return Err(MatchingError::UnknownSink {
                index: bad.0,
                count: ns,
            });
        }
        let overflow = MatchingError::Overflow {
            nodes: hub + 1,
            max_cost: self.max_cost(),
        };
        // Starting potentials in the internal network's orientation: −rent for a source,
        // −price for a sink, 0 at the hub (see `solution_from`).
        let mut potential = vec![0_i64; hub + 1];
        let mut carried_sink = vec![false; ns];
        for (old, new) in carry.sources.iter().enumerate() {
            if let (Some(new), Some(&rent)) = (new, previous.certificate.source_rent.get(old)) {
                potential[new.0 as usize] = rent.checked_neg().ok_or_else(|| overflow.clone())?;
            }
        }
        for (old, new) in carry.sinks.iter().enumerate() {
            if let (Some(new), Some(&price)) = (new, previous.certificate.sink_price.get(old)) {
                potential[nv + new.0 as usize] =
                    price.checked_neg().ok_or_else(|| overflow.clone())?;
                carried_sink[new.0 as usize] = true;
            }
        }
        // A new sink starts at the price of its cheapest slot: no arc out of it is then
        // negative, and its slots are its excess.
        for (s, &pen) in self.penalties.iter().enumerate() {
            if !carried_sink[s] {
                potential[nv + s] = -pen;
            }
        }
        let arcs = self.arcs();
        let (first, sinks, costs) = (arcs.first(), arcs.sinks(), arcs.costs());
        for v in 0..nv {
            for i in first[v] as usize..first[v + 1] as usize {
                let s = sinks[i] as usize;
                if !carried_sink[s] {
                    let p = potential[v].saturating_sub(costs[i]);
                    if p > potential[nv + s] {
                        potential[nv + s] = p;
                    }
                }
            }
        }
        // The previous flow on every arc that still exists, within the new capacities.
        let mut flow = vec![0_u32; m + nv + ns];
        let mut out_of = vec![0_u64; nv];
        let mut into = vec![0_u64; ns];
        for used in &previous.assignment {
            let (Some(Some(v)), Some(Some(s))) = (
                carry.sources.get(used.source.0 as usize),
                carry.sinks.get(used.sink.0 as usize),
            ) else {
                continue;
            };
            if let Some(i) = self.arcs.position(v.0, s.0) {
                let units = used.units.min(arcs.capacity_at(i));
                flow[i] = units;
                out_of[v.0 as usize] += u64::from(units);
                into[s.0 as usize] += u64::from(units);
            }
        }
        for (v, (&cap, &out)) in self.capacities.iter().zip(&out_of).enumerate() {
            flow[m + v] = u32::try_from(out).unwrap_or(u32::MAX).min(cap);
        }
        for (old, new) in carry.sinks.iter().enumerate() {
            if let (Some(new), Some(&was)) = (new, previous.unfilled.get(old)) {
                let s = new.0 as usize;
                let d = self.demands[s];
                let open = u64::from(d).saturating_sub(into[s]);
                flow[m + nv + s] = u32::try_from(open).unwrap_or(u32::MAX).min(was);
            }
        }
        Ok((flow, potential))
    }

    /// Whether no cost or penalty is negative (the shortest-path layout's warm start then
    /// reports `GaveUp` only when its searches run out of budget).
    fn costs_non_negative(&self) -> bool {
        self.arcs().costs().iter().all(|&c| c >= 0) && self.penalties.iter().all(|&p| p >= 0)
    }

    /// The largest cost or penalty (0 when there is none).
    fn max_cost(&self) -> i64 {
        // Two plain maxima (a chained iterator is not vectorised).
        let arcs = self.arcs().costs().iter().copied().max();
        arcs.max(self.penalties.iter().copied().max()).unwrap_or(0)
    }

    /// The solution of a flow given per arc (the engine's and the bipartite solver's layout).
    pub(super) fn solution_from(
        &self,
        sol: &EngineSolution,
    ) -> Result<TransportSolution, MatchingError> {
        let first = self.arcs().first();
        let flow = &sol.flow;
        // Few arcs carry flow: the solution reads an arc's sink and cost only when it does.
        let used = (0..self.sources()).flat_map(|v| {
            (first[v] as usize..first[v + 1] as usize)
                .filter(|&i| flow[i] > 0)
                .map(move |i| (index_u32(v), i, flow[i]))
        });
        self.solution_of(used, &sol.potential)
    }

    /// The solution of a flow given by the arcs that carry it ([`paths::Flows`]).
    pub(super) fn solution_from_flows(
        &self,
        sol: &paths::Flows,
    ) -> Result<TransportSolution, MatchingError> {
        let used = sol.used.iter().map(|&(v, i, f)| (v, i as usize, f));
        self.solution_of(used, &sol.potential)
    }

    /// The solution of a flow given as `(source, arc, units)` for each arc with flow, in
    /// canonical arc order, and its potentials in the engine's convention.
    fn solution_of(
        &self,
        used: impl Iterator<Item = (u32, usize, u32)>,
        potential: &[i64],
    ) -> Result<TransportSolution, MatchingError> {
        let nv = self.sources();
        let ns = self.sinks();
        let hub = nv + ns;
        let max_cost = self.max_cost();
        let overflow = MatchingError::Overflow {
            nodes: hub + 1,
            max_cost,
        };
        let phi_hub = potential[hub];
        let mut filled = vec![0_u32; ns];
        let mut assignment = Vec::new();
        let mut objective = 0_i128;
        let arcs = self.arcs();
        let (sinks, costs) = (arcs.sinks(), arcs.costs());
        for (v, i, f) in used {
            let (s, c) = (sinks[i], costs[i]);
            filled[s as usize] += f;
            objective += i128::from(c) * i128::from(f);
            assignment.push(UsedArc {
                source: SourceIndex(v),
                sink: SinkIndex(s),
                units: f,
            });
        }
        let unfilled: Vec<u32> = self
            .demands
            .iter()
            .zip(&filled)
            .map(|(&d, &f)| d - f)
            .collect();
        for (&u, &p) in unfilled.iter().zip(&self.penalties) {
            objective += i128::from(u) * i128::from(p);
        }
        let objective = i64::try_from(objective).map_err(|_| overflow.clone())?;
        // The network is reversed, so the LP duals are the negated potentials: with
        // φ = −potential, rent = max(0, φ(v) − φ(hub)) and price = min(penalty, φ(s) − φ(hub)).
        let source_rent = potential[..nv]
            .iter()
            .map(|&p| (phi_hub - p).max(0))
            .collect();
        let sink_price = potential[nv..hub]
            .iter()
            .zip(&self.penalties)
            .map(|(&p, &pen)| (phi_hub - p).min(pen))
            .collect();
        Ok(TransportSolution {
            assignment,
            objective,
            filled,
            unfilled,
            certificate: TransportCertificate {
                source_rent,
                sink_price,
            },
        })
    }
}

/// Which sources and sinks of a previous problem are which in a changed one, for
/// [`TransportProblem::resolve_from`] (a warm start). Arcs carry over with their ends, by
/// their `(source, sink)` pair; a source or sink mapped to nothing is gone (a withdrawn
/// volunteer, a cancelled shift), and a node of the new problem that nothing maps onto is new.
///
/// Each new node is the image of at most one previous node.
///
/// # Example
/// ```
/// use volunteer_service::matching::{SinkIndex, SourceIndex, TransportCarry};
/// // Previous sources 0 and 2 are new sources 0 and 1; previous source 1 withdrew.
/// let carry = TransportCarry::new(
///     vec![Some(SourceIndex::new(0)), None, Some(SourceIndex::new(1))],
///     vec![Some(SinkIndex::new(0))],
/// )?;
/// assert_eq!(carry.source(SourceIndex::new(2)), Some(SourceIndex::new(1)));
/// assert_eq!(carry.source(SourceIndex::new(1)), None);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportCarry {
    sources: Vec<Option<SourceIndex>>,
    sinks: Vec<Option<SinkIndex>>,
}

/// The first target named twice in `map`, as `(previous index, target)`.
fn first_repeat(map: impl Iterator<Item = Option<u32>>) -> Option<(u32, u32)> {
    let mut seen = std::collections::BTreeSet::new();
    for (old, new) in map.enumerate() {
        if let Some(new) = new
            && !seen.insert(new)
        {
            return Some((index_u32(old), new));
        }
    }
    None
}

impl TransportCarry {
    /// A map from previous source and sink positions (`sources[i]` is where previous source
    /// `i` is now, `None` if it is gone; likewise for sinks).
    ///
    /// # Errors
    /// [`MatchingError::WarmStartRepeat`] if two previous nodes map onto the same new one.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SinkIndex, SourceIndex, TransportCarry};
    /// let twice = TransportCarry::new(vec![Some(SourceIndex::new(0)); 2], vec![Some(SinkIndex::new(0))]);
    /// assert!(twice.is_err());
    /// ```
    pub fn new(
        sources: Vec<Option<SourceIndex>>,
        sinks: Vec<Option<SinkIndex>>,
    ) -> Result<Self, MatchingError> {
        if let Some((previous, index)) = first_repeat(sources.iter().map(|x| x.map(|x| x.0))) {
            return Err(MatchingError::WarmStartRepeat {
                side: "source",
                previous,
                index,
            });
        }
        if let Some((previous, index)) = first_repeat(sinks.iter().map(|x| x.map(|x| x.0))) {
            return Err(MatchingError::WarmStartRepeat {
                side: "sink",
                previous,
                index,
            });
        }
        Ok(Self { sources, sinks })
    }

    /// Every node keeps its position: `sources` sources and `sinks` sinks (the same
    /// problem with changed capacities, demands, costs or arcs, or with nodes added at the
    /// end).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SourceIndex, TransportCarry};
    /// let carry = TransportCarry::same_positions(3, 1);
    /// assert_eq!(carry.source(SourceIndex::new(2)), Some(SourceIndex::new(2)));
    /// ```
    pub fn same_positions(sources: usize, sinks: usize) -> Self {
        Self {
            sources: (0..sources)
                .map(|i| Some(SourceIndex(index_u32(i))))
                .collect(),
            sinks: (0..sinks).map(|i| Some(SinkIndex(index_u32(i)))).collect(),
        }
    }

    /// A map from stable keys (e.g. volunteer and shift ids): `previous_sources[i]` is the key
    /// of previous source `i`, `sources[j]` that of source `j` now; a previous key not found
    /// now is gone.
    ///
    /// # Errors
    /// [`MatchingError::WarmStartRepeat`] if a key appears twice on one side.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SinkIndex, SourceIndex, TransportCarry};
    /// let carry = TransportCarry::by_keys(&[10, 11, 12], &[12, 10], &["gate"], &["desk", "gate"])?;
    /// assert_eq!(carry.source(SourceIndex::new(0)), Some(SourceIndex::new(1)));
    /// assert_eq!(carry.source(SourceIndex::new(1)), None);
    /// assert_eq!(carry.sink(SinkIndex::new(0)), Some(SinkIndex::new(1)));
    /// assert!(TransportCarry::by_keys(&[1, 1], &[1], &[0], &[0]).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn by_keys<K: Ord, L: Ord>(
        previous_sources: &[K],
        sources: &[K],
        previous_sinks: &[L],
        sinks: &[L],
    ) -> Result<Self, MatchingError> {
        let sources = carry_keys(previous_sources, sources, "source")?;
        let sinks = carry_keys(previous_sinks, sinks, "sink")?;
        Ok(Self {
            sources: sources.into_iter().map(|x| x.map(SourceIndex)).collect(),
            sinks: sinks.into_iter().map(|x| x.map(SinkIndex)).collect(),
        })
    }

    /// Where previous source `previous` is now, `None` if it is gone (or unknown).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SourceIndex, TransportCarry};
    /// // Previous volunteers 7, 8, 9; volunteer 8 withdrew.
    /// let carry = TransportCarry::by_keys(&[7, 8, 9], &[7, 9], &[0], &[0])?;
    /// assert_eq!(carry.source(SourceIndex::new(2)), Some(SourceIndex::new(1)));
    /// assert_eq!(carry.source(SourceIndex::new(1)), None);
    /// assert_eq!(carry.source(SourceIndex::new(5)), None); // never a source
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn source(&self, previous: SourceIndex) -> Option<SourceIndex> {
        self.sources.get(previous.0 as usize).copied().flatten()
    }

    /// Where previous sink `previous` is now, `None` if it is gone (or unknown).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{SinkIndex, TransportCarry};
    /// // Same positions for 2 volunteers and 3 shifts: every shift stays where it was.
    /// let carry = TransportCarry::same_positions(2, 3);
    /// assert_eq!(carry.sink(SinkIndex::new(2)), Some(SinkIndex::new(2)));
    /// assert_eq!(carry.sink(SinkIndex::new(3)), None);
    /// ```
    pub fn sink(&self, previous: SinkIndex) -> Option<SinkIndex> {
        self.sinks.get(previous.0 as usize).copied().flatten()
    }
}

/// Positions of `previous` keys in `now`, checking that keys are unique on each side.
fn carry_keys<K: Ord>(
    previous: &[K],
    now: &[K],
    side: &'static str,
) -> Result<Vec<Option<u32>>, MatchingError> {
    let mut at = std::collections::BTreeMap::new();
    for (j, k) in now.iter().enumerate() {
        if let Some(first) = at.insert(k, index_u32(j)) {
            return Err(MatchingError::WarmStartRepeat {
                side,
                previous: first,
                index: index_u32(j),
            });
        }
    }
    let map: Vec<Option<u32>> = previous.iter().map(|k| at.get(k).copied()).collect();
    if let Some((previous, index)) = first_repeat(map.iter().copied()) {
        return Err(MatchingError::WarmStartRepeat {
            side,
            previous,
            index,
        });
    }
    Ok(map)
}

/// One arc carrying flow in a [`TransportSolution`]: `source` fills `units` slots of `sink`.
///
/// Serialised as `{"source": 0, "sink": 1, "units": 1}`.
///
/// # Example
/// ```
/// use volunteer_service::matching::TransportBuilder;
/// let mut b = TransportBuilder::new();
/// let v = b.add_source(1);
/// let s = b.add_sink(1, 100)?;
/// b.add_arc(v, s, 5)?;
/// let used = b.build()?.solve()?.assignment()[0];
/// assert_eq!((used.source(), used.sink(), used.units()), (v, s, 1));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UsedArc {
    source: SourceIndex,
    sink: SinkIndex,
    units: u32,
}

impl UsedArc {
    /// The source (volunteer).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let (near, far) = (b.add_source(1), b.add_source(1));
    /// let s = b.add_sink(1, 1_000)?;
    /// b.add_arc(near, s, 10)?;
    /// b.add_arc(far, s, 90)?;
    /// let sol = b.build()?.solve()?;
    /// assert_eq!(sol.assignment()[0].source(), near); // the cheaper volunteer
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn source(&self) -> SourceIndex {
        self.source
    }
    /// The sink (shift).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let (x, y) = (b.add_sink(1, 1_000)?, b.add_sink(1, 1_000)?);
    /// b.add_arc(v, x, 80)?;
    /// b.add_arc(v, y, 20)?;
    /// let sol = b.build()?.solve()?;
    /// assert_eq!(sol.assignment()[0].sink(), y); // the cheaper shift
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn sink(&self) -> SinkIndex {
        self.sink
    }
    /// Units carried, `>= 1`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let team = b.add_source(5);
    /// let s = b.add_sink(3, 1_000)?;
    /// b.add_arc_with_capacity(team, s, 10, 5)?;
    /// let sol = b.build()?.solve()?;
    /// assert_eq!(sol.assignment()[0].units(), 3); // all of the sink's slots
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn units(&self) -> u32 {
        self.units
    }
}

/// LP dual values proving a [`TransportSolution`] optimal.
///
/// With `rent[v] >= 0` per source and `price[s] <= penalty[s]` per sink, the reduced cost of
/// arc `(v, s)` is `cost + rent[v] − price[s]`. Optimality (complementary slackness): arcs below
/// capacity have reduced cost `>= 0`, arcs carrying flow have reduced cost `<= 0`, a source with
/// positive rent is at capacity, and a sink with unfilled slots has `price == penalty`. Then the
/// dual objective `Σ demand·price − Σ capacity·rent − Σ arc capacity·max(0, −reduced cost)`
/// equals the primal objective. [`verify`] checks all of this.
///
/// Serialised as `{"source_rent": [...], "sink_price": [...]}`.
///
/// # Example
/// ```
/// use volunteer_service::matching::TransportBuilder;
/// let mut b = TransportBuilder::new();
/// let v = b.add_source(1);
/// let s = b.add_sink(2, 100)?;
/// b.add_arc(v, s, 30)?;
/// let sol = b.build()?.solve()?;
/// // One slot stays unfilled, so the shift's price is its penalty.
/// assert_eq!(sol.certificate().sink_price()[0], 100);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TransportCertificate {
    source_rent: Vec<i64>,
    sink_price: Vec<i64>,
}

impl TransportCertificate {
    /// Dual value of each source's capacity, `>= 0`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let (x, y) = (b.add_sink(1, 100)?, b.add_sink(1, 100)?);
    /// b.add_arc(v, x, 10)?;
    /// b.add_arc(v, y, 30)?;
    /// let sol = b.build()?.solve()?;
    /// // v is scarce: it is worth at least what taking y instead would save (100 − 30)
    /// // and at most what it saves on x (100 − 10).
    /// assert!((70..=90).contains(&sol.certificate().source_rent()[0]));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn source_rent(&self) -> &[i64] {
        &self.source_rent
    }
    /// Dual value of each sink's slots, `<= penalty`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let (x, y) = (b.add_sink(1, 100)?, b.add_sink(1, 250)?);
    /// b.add_arc(v, x, 10)?;
    /// b.add_arc(v, y, 10)?;
    /// let sol = b.build()?.solve()?;
    /// assert_eq!(sol.unfilled(), &[1, 0]); // v goes to the shift with the larger penalty
    /// assert_eq!(sol.certificate().sink_price()[0], 100); // unfilled: price = penalty
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn sink_price(&self) -> &[i64] {
        &self.sink_price
    }
}

/// An optimal assignment with its objective, fill counts and optimality certificate.
///
/// Serialised as `{"assignment": [...], "objective": 0, "filled": [...], "unfilled": [...],
/// "certificate": {...}}`.
///
/// # Example
/// ```
/// use volunteer_service::matching::TransportBuilder;
/// let mut b = TransportBuilder::new();
/// let v = b.add_source(2);
/// let (x, y) = (b.add_sink(1, 1_000)?, b.add_sink(1, 1_000)?);
/// b.add_arc(v, x, 4)?;
/// b.add_arc(v, y, 6)?;
/// let sol = b.build()?.solve()?;
/// assert_eq!(sol.objective(), 10);
/// assert_eq!(sol.assignment().len(), 2);
/// assert_eq!(sol.filled(), &[1, 1]);
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TransportSolution {
    assignment: Vec<UsedArc>,
    objective: i64,
    filled: Vec<u32>,
    unfilled: Vec<u32>,
    certificate: TransportCertificate,
}

impl TransportSolution {
    /// Arcs carrying flow, in canonical `(source, sink)` order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let (a, c) = (b.add_source(1), b.add_source(1));
    /// let s = b.add_sink(2, 1_000)?;
    /// b.add_arc(c, s, 5)?;
    /// b.add_arc(a, s, 5)?;
    /// let sol = b.build()?.solve()?;
    /// let used: Vec<_> = sol.assignment().iter().map(|u| u.source()).collect();
    /// assert_eq!(used, [a, c]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn assignment(&self) -> &[UsedArc] {
        &self.assignment
    }
    /// `Σ cost × units + Σ penalty × unfilled`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let s = b.add_sink(2, 1_000)?;
    /// b.add_arc(v, s, 40)?;
    /// assert_eq!(b.build()?.solve()?.objective(), 40 + 1_000); // one slot filled, one not
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn objective(&self) -> i64 {
        self.objective
    }
    /// Slots filled per sink.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let x = b.add_sink(2, 1_000)?;
    /// b.add_sink(1, 1_000)?; // no candidates
    /// b.add_arc(v, x, 40)?;
    /// assert_eq!(b.build()?.solve()?.filled(), &[1, 0]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn filled(&self) -> &[u32] {
        &self.filled
    }
    /// Slots left unfilled per sink.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::TransportBuilder;
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let x = b.add_sink(2, 1_000)?;
    /// b.add_sink(1, 1_000)?; // no candidates
    /// b.add_arc(v, x, 40)?;
    /// assert_eq!(b.build()?.solve()?.unfilled(), &[1, 1]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn unfilled(&self) -> &[u32] {
        &self.unfilled
    }
    /// The dual values that prove optimality.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::matching::{verify, TransportBuilder};
    /// let mut b = TransportBuilder::new();
    /// let v = b.add_source(1);
    /// let s = b.add_sink(1, 1_000)?;
    /// b.add_arc(v, s, 40)?;
    /// let problem = b.build()?;
    /// let sol = problem.solve()?;
    /// assert_eq!(sol.certificate().sink_price().len(), problem.sinks());
    /// verify(&problem, &sol)?; // the certificate proves the objective optimal
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn certificate(&self) -> &TransportCertificate {
        &self.certificate
    }

    /// Rewrites each sink's price with `f(sink, price)`: a warm start for a problem whose
    /// costs were rebuilt on another scale keeps its reduced costs. The certificate may no
    /// longer verify; [`TransportProblem::resolve_from`] accepts any starting prices.
    pub(crate) fn reprice_sinks(&mut self, f: impl Fn(usize, i64) -> i64) {
        for (s, p) in self.certificate.sink_price.iter_mut().enumerate() {
            *p = f(s, *p);
        }
    }
}

fn reject(reason: String) -> MatchingError {
    MatchingError::Rejected { reason }
}

/// Checks a solution and its certificate against the problem, independently of the solver.
///
/// Checks, in order: sizes; every used arc exists, in canonical order, within its capacity;
/// source capacities; `filled + unfilled == demand` with `filled` matching the arcs; the
/// objective; dual feasibility (`rent >= 0`, `price <= penalty`); complementary slackness on
/// every arc, source and sink; and that the dual objective equals the primal. All sums are exact
/// (`i128`).
///
/// # Errors
/// [`MatchingError::Rejected`] naming the first failed check.
///
/// # Example
/// ```
/// use volunteer_service::matching::{verify, TransportBuilder};
/// let mut b = TransportBuilder::new();
/// let v = b.add_source(1);
/// let s = b.add_sink(1, 100)?;
/// b.add_arc(v, s, 5)?;
/// let p = b.build()?;
/// verify(&p, &p.solve()?)?;
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[allow(
    clippy::too_many_lines,
    clippy::needless_range_loop,
    reason = "one linear list of independent checks reads best in one place"
)]
pub fn verify(
    problem: &TransportProblem,
    solution: &TransportSolution,
) -> Result<(), MatchingError> {
    let nv = problem.sources();
    let ns = problem.sinks();
    let cert = &solution.certificate;
    if solution.filled.len() != ns
        || solution.unfilled.len() != ns
        || cert.sink_price.len() != ns
        || cert.source_rent.len() != nv
    {
        return Err(reject(format!(
            "sizes do not match the problem's {nv} sources and {ns} sinks"
        )));
    }
    let mut used = vec![0_u64; nv];
    let mut into = vec![0_u64; ns];
    let mut primal = 0_i128;
    let mut dual = 0_i128;
    let mut k = 0_usize;
    let mut prev: Option<(u32, u32)> = None;
    for u in &solution.assignment {
        let key = (u.source.0, u.sink.0);
        if prev.is_some_and(|p| p >= key) {
            return Err(reject(format!(
                "used arc ({}, {}) is out of canonical order or repeated",
                key.0, key.1
            )));
        }
        if u.units == 0 {
            return Err(reject(format!(
                "used arc ({}, {}) carries 0 units",
                key.0, key.1
            )));
        }
        prev = Some(key);
    }
    // Arcs by source (CSR), in canonical order like the assignment.
    let arcs = problem.arcs();
    let (first, sinks, costs) = (arcs.first(), arcs.sinks(), arcs.costs());
    for v in 0..nv {
        let rent = cert.source_rent.get(v).copied().unwrap_or(0);
        let (lo, hi) = (first[v] as usize, first[v + 1] as usize);
        for (i, (&s, &cost)) in (lo..hi).zip(sinks[lo..hi].iter().zip(&costs[lo..hi])) {
            let (s, capacity) = (s as usize, arcs.capacity_at(i));
            let units = match solution.assignment.get(k) {
                Some(u) if (u.source.0 as usize, u.sink.0 as usize) == (v, s) => {
                    k += 1;
                    u.units
                }
                _ => 0,
            };
            if units > capacity {
                return Err(reject(format!(
                    "arc ({v}, {s}) carries {units} units: capacity {capacity}"
                )));
            }
            let (Some(uv), Some(is)) = (used.get_mut(v), into.get_mut(s)) else {
                return Err(reject(format!("arc ({v}, {s}) names an unknown node")));
            };
            *uv += u64::from(units);
            *is += u64::from(units);
            primal += i128::from(cost) * i128::from(units);
            let price = cert.sink_price.get(s).copied().unwrap_or(0);
            let rc = i128::from(cost) + i128::from(rent) - i128::from(price);
            if units < capacity && rc < 0 {
                return Err(reject(format!(
                    "arc ({v}, {s}) has reduced cost {rc} < 0 but spare capacity"
                )));
            }
            if units > 0 && rc > 0 {
                return Err(reject(format!(
                    "arc ({v}, {s}) carries flow with reduced cost {rc} > 0"
                )));
            }
            if rc < 0 {
                dual -= i128::from(capacity) * -rc;
            }
        }
    }
    if let Some(u) = solution.assignment.get(k) {
        return Err(reject(format!(
            "used arc ({}, {}) is not an arc of the problem",
            u.source.0, u.sink.0
        )));
    }
    for (v, ((&cap, &u), &rent)) in problem
        .capacities
        .iter()
        .zip(&used)
        .zip(&cert.source_rent)
        .enumerate()
    {
        if u > u64::from(cap) {
            return Err(reject(format!(
                "source {v} fills {u} slots: capacity {cap}"
            )));
        }
        if rent < 0 {
            return Err(reject(format!("source {v} has rent {rent} < 0")));
        }
        if rent > 0 && u < u64::from(cap) {
            return Err(reject(format!(
                "source {v} has rent {rent} > 0 but fills {u} of {cap} slots"
            )));
        }
        dual -= i128::from(cap) * i128::from(rent);
    }
    for s in 0..ns {
        let (d, pen) = (problem.demands[s], problem.penalties[s]);
        let (f, un, price) = (solution.filled[s], solution.unfilled[s], cert.sink_price[s]);
        if u64::from(f) != into[s] || u64::from(f) + u64::from(un) != u64::from(d) {
            return Err(reject(format!(
                "sink {s} reports {f} filled and {un} unfilled, arcs bring {}: demand {d}",
                into[s]
            )));
        }
        if price > pen {
            return Err(reject(format!(
                "sink {s} has price {price} above its penalty {pen}"
            )));
        }
        if un > 0 && price != pen {
            return Err(reject(format!(
                "sink {s} has {un} unfilled slots but price {price} != penalty {pen}"
            )));
        }
        primal += i128::from(pen) * i128::from(un);
        dual += i128::from(d) * i128::from(price);
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
pub(super) mod tests {
    use super::*;
    use crate::matching::TransportArc;
    use proptest::prelude::*;

    /// A small problem as plain data: source capacities, sinks `(demand, penalty)`, arcs
    /// `(source, sink, cost, capacity)`.
    #[derive(Debug, Clone)]
    pub(crate) struct Raw {
        pub(crate) caps: Vec<u32>,
        pub(crate) sinks: Vec<(u32, i64)>,
        pub(crate) arcs: Vec<(u32, u32, i64, u32)>,
    }

    pub(crate) fn build(raw: &Raw) -> TransportProblem {
        let mut b = TransportBuilder::new();
        for &c in &raw.caps {
            b.add_source(c);
        }
        for &(d, p) in &raw.sinks {
            b.add_sink(d, p).unwrap();
        }
        for &(v, s, c, k) in &raw.arcs {
            b.add_arc_with_capacity(SourceIndex(v), SinkIndex(s), c, k)
                .unwrap();
        }
        b.build().unwrap()
    }

    /// Minimum objective by enumerating every flow on every arc.
    pub(crate) fn brute_force(raw: &Raw) -> i64 {
        let n = raw.arcs.len();
        let mut units = vec![0_u32; n];
        let mut best = i64::MAX;
        loop {
            let mut used = vec![0_u32; raw.caps.len()];
            let mut filled = vec![0_u32; raw.sinks.len()];
            let mut cost = 0_i64;
            for (&(v, s, c, _), &x) in raw.arcs.iter().zip(&units) {
                used[v as usize] += x;
                filled[s as usize] += x;
                cost += c * i64::from(x);
            }
            let ok = used.iter().zip(&raw.caps).all(|(u, c)| u <= c)
                && filled.iter().zip(&raw.sinks).all(|(f, (d, _))| f <= d);
            if ok {
                for (f, (d, p)) in filled.iter().zip(&raw.sinks) {
                    cost += p * i64::from(d - f);
                }
                best = best.min(cost);
            }
            // Next combination (odometer).
            let mut i = 0;
            loop {
                if i == n {
                    return best;
                }
                if units[i] < raw.arcs[i].3 {
                    units[i] += 1;
                    break;
                }
                units[i] = 0;
                i += 1;
            }
        }
    }

    pub(crate) fn raw_problem() -> impl Strategy<Value = Raw> {
        (1_u32..=6, 1_u32..=4).prop_flat_map(|(nv, ns)| {
            let pairs: Vec<(u32, u32)> =
                (0..nv).flat_map(|v| (0..ns).map(move |s| (v, s))).collect();
            (
                proptest::collection::vec(0_u32..=3, nv as usize),
                proptest::collection::vec((0_u32..=4, 0_i64..=60), ns as usize),
                proptest::sample::subsequence(pairs.clone(), 0..=pairs.len().min(9)),
                proptest::collection::vec((0_i64..=40, 1_u32..=2), 9),
            )
                .prop_map(|(caps, sinks, pairs, costs)| Raw {
                    caps,
                    sinks,
                    arcs: pairs
                        .into_iter()
                        .zip(costs)
                        .map(|((v, s), (c, k))| (v, s, c, k))
                        .collect(),
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn optimal_like_brute_force_and_verified(raw in raw_problem()) {
            let p = build(&raw);
            let sol = p.solve().unwrap();
            prop_assert_eq!(sol.objective(), brute_force(&raw));
            prop_assert_eq!(verify(&p, &sol), Ok(()));
        }

        #[test]
        fn arc_order_does_not_change_the_solution(
            raw in raw_problem(),
            seed in any::<u64>(),
        ) {
            let mut shuffled = raw.clone();
            // Deterministic Fisher–Yates from the seed.
            let mut x = seed | 1;
            for i in (1..shuffled.arcs.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let j = usize::try_from(x % (i as u64 + 1)).unwrap();
                shuffled.arcs.swap(i, j);
            }
            let a = build(&raw).solve().unwrap();
            let b = build(&shuffled).solve().unwrap();
            prop_assert_eq!(a, b);
        }

        #[test]
        fn small_problems_agree_on_both_engine_paths(raw in raw_problem()) {
            let p = build(&raw);
            let sol = p.solve_with(engine::Start::ScalingOnly).unwrap();
            prop_assert_eq!(sol.objective(), brute_force(&raw));
            prop_assert_eq!(verify(&p, &sol), Ok(()));
        }
    }

    /// A medium problem where every sink has more than 64 candidate arcs, so the best-arc
    /// caches of the engine are used, generated from a seed.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        reason = "values drawn below small bounds"
    )]
    pub(crate) fn medium(seed: u64, nv: u32, ns: u32, cap_max: u32, demand_max: u32) -> Raw {
        let mut x = seed | 1;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let caps = (0..nv)
            .map(|_| 1 + next(u64::from(cap_max)) as u32)
            .collect();
        let sinks = (0..ns)
            .map(|_| (1 + next(u64::from(demand_max)) as u32, 5_000))
            .collect();
        let mut arcs = Vec::new();
        for v in 0..nv {
            for s in 0..ns {
                if next(4) != 0 {
                    arcs.push((v, s, next(300) as i64, 1));
                }
            }
        }
        Raw { caps, sinks, arcs }
    }

    /// A shift of many slots can have more excess than its best-arc cache holds while the
    /// cache is valid (found by search: three shifts of up to 90 slots among 200 volunteers).
    /// Its step then moves units on its slots directly, so the cache must be dropped: test
    /// builds check every valid cache against the slots after each shift's step.
    #[test]
    fn a_step_past_the_cache_leaves_no_stale_cache() {
        let p = build(&medium(155, 200, 3, 1, 90));
        let scaling = p
            .solve_with_method(TransportMethod::BipartiteScaling)
            .unwrap();
        let paths = p.solve_with_method(TransportMethod::ShortestPaths).unwrap();
        assert_eq!(verify(&p, &scaling), Ok(()));
        assert_eq!(scaling.objective(), paths.objective());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn medium_problems_are_certified_on_both_engine_paths(
            seed in any::<u64>(),
            tight in any::<bool>(),
        ) {
            // Tight: about as many slots as volunteer capacity; else capacity to spare.
            let raw = if tight { medium(seed, 240, 20, 1, 24) } else { medium(seed, 240, 12, 3, 15) };
            let p = build(&raw);
            let first = p.solve_with(engine::Start::ShortestPathsFirst).unwrap();
            let scaling = p.solve_with(engine::Start::ScalingOnly).unwrap();
            prop_assert_eq!(verify(&p, &first), Ok(()));
            prop_assert_eq!(verify(&p, &scaling), Ok(()));
            prop_assert_eq!(first.objective(), scaling.objective());
        }
    }

    /// A problem of a given shape, generated from a seed: `density` arcs per 1,000 pairs,
    /// source capacities `1..=cap_max`, demands `0..=demand_max`, arc capacities
    /// `1..=arc_cap_max`, costs below 300 and one penalty for every sink.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::too_many_arguments,
        reason = "values drawn below small bounds; a shape has many knobs"
    )]
    pub(crate) fn shaped(
        seed: u64,
        nv: u32,
        ns: u32,
        cap_max: u32,
        demand_max: u32,
        density: u64,
        arc_cap_max: u32,
        penalty: i64,
    ) -> Raw {
        let mut x = seed | 1;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let caps = (0..nv)
            .map(|_| 1 + next(u64::from(cap_max)) as u32)
            .collect();
        let sinks = (0..ns)
            .map(|_| (next(u64::from(demand_max) + 1) as u32, penalty))
            .collect();
        let mut arcs = Vec::new();
        for v in 0..nv {
            for s in 0..ns {
                if next(1_000) < density {
                    let cap = 1 + next(u64::from(arc_cap_max)) as u32;
                    arcs.push((v, s, next(300) as i64, cap));
                }
            }
        }
        Raw { caps, sinks, arcs }
    }

    /// Where [`past_scaled_bound`] puts the largest cost.
    #[derive(Debug, Clone, Copy)]
    enum Edge {
        /// Just past the bound of costs scaled by `nodes + 1`: the engine scales by almost
        /// `nodes + 1`.
        Scaled,
        /// Where the engine can multiply costs by 3 only.
        Three,
        /// At the solver's bound: the engine cannot scale at all.
        Solver,
    }

    /// `raw` with every cost and penalty multiplied by a factor that puts the largest past
    /// the bound of costs scaled by `nodes + 1` (still within the solver's bound), at `edge`,
    /// and the factor. Scaling every cost by one factor keeps the optimal solutions and
    /// multiplies the objective.
    fn past_scaled_bound(raw: &Raw, edge: Edge) -> (Raw, i64) {
        let nodes = raw.caps.len() + raw.sinks.len() + 1;
        let max = raw
            .arcs
            .iter()
            .map(|a| a.2)
            .chain(raw.sinks.iter().map(|s| s.1))
            .max()
            .unwrap_or(0)
            .max(1);
        let fits = |c: i64| match edge {
            Edge::Scaled => engine::fits_scaled(nodes, c),
            Edge::Three => engine::fits(nodes, c.saturating_mul(3)),
            Edge::Solver => engine::fits(nodes, c),
        };
        let (mut lo, mut hi) = (1_i64, engine::PRICE_LIMIT / max);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if fits(max * mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let k = match edge {
            Edge::Scaled => hi,
            Edge::Three | Edge::Solver => lo,
        };
        assert!(!engine::fits_scaled(nodes, max * k) && engine::fits(nodes, max * k));
        (times(raw, k), k)
    }

    /// `raw` with every cost and penalty multiplied by `k`.
    fn times(raw: &Raw, k: i64) -> Raw {
        Raw {
            caps: raw.caps.clone(),
            sinks: raw.sinks.iter().map(|&(d, p)| (d, p * k)).collect(),
            arcs: raw
                .arcs
                .iter()
                .map(|&(v, s, c, cap)| (v, s, c * k, cap))
                .collect(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Costs too large to multiply by `nodes + 1` are solved exactly by every method
        /// (cost scaling by a smaller factor with an exact finish, or shortest paths).
        #[test]
        fn costs_past_the_scaled_bound_are_solved_exactly(raw in raw_problem(), at in 0_u8..3) {
            let edge = [Edge::Scaled, Edge::Three, Edge::Solver][usize::from(at)];
            let (big, k) = past_scaled_bound(&raw, edge);
            let p = build(&big);
            let want = brute_force(&raw) * k;
            for method in [
                TransportMethod::Auto,
                TransportMethod::ShortestPaths,
                TransportMethod::BipartiteScaling,
                TransportMethod::DenseAssignment,
            ] {
                let sol = p.solve_with_method(method).unwrap();
                prop_assert_eq!(sol.objective(), want, "{:?}", method);
                prop_assert_eq!(verify(&p, &sol), Ok(()));
            }
            let scaling = p.solve_with(engine::Start::ScalingOnly).unwrap();
            prop_assert_eq!(scaling.objective(), want);
            prop_assert_eq!(verify(&p, &scaling), Ok(()));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// The same on the bipartite shapes, cold and warm.
        #[test]
        fn shapes_past_the_scaled_bound_are_solved_exactly(
            seed in any::<u64>(),
            which in any::<u8>(),
            changes in any::<u64>(),
            at in 0_u8..3,
        ) {
            let raw = shape(seed, which);
            let edge = [Edge::Scaled, Edge::Three, Edge::Solver][usize::from(at)];
            let (big, k) = past_scaled_bound(&raw, edge);
            let p = build(&big);
            let want = build(&raw).solve().unwrap().objective() * k;
            let scaling = p.solve_with(engine::Start::ScalingOnly).unwrap();
            prop_assert_eq!(scaling.objective(), want);
            prop_assert_eq!(verify(&p, &scaling), Ok(()));
            let auto = p.solve().unwrap();
            prop_assert_eq!(auto.objective(), want);
            let (changed, carry) = change(&raw, changes);
            let q = build(&times(&changed, k));
            let warm = q.resolve_from(&auto, &carry).unwrap();
            prop_assert_eq!(verify(&q, &warm), Ok(()));
            prop_assert_eq!(warm.objective(), build(&changed).solve().unwrap().objective() * k);
        }
    }

    /// The shapes the bipartite solver is checked on: tight (capacity equals demand), spare
    /// volunteers with capacities above 1, more slots than volunteers, sparse, dense, arcs
    /// that carry several units, a penalty below some costs (slots left unfilled by
    /// choice), and volunteers of more and fewer than 64 arcs (the bipartite solver keeps a
    /// bit mask of flowing arcs for the latter only).
    pub(crate) fn shape(seed: u64, which: u8) -> Raw {
        match which % 9 {
            0 => shaped(seed, 200, 20, 1, 18, 200, 1, 5_000),
            1 => shaped(seed, 150, 15, 3, 14, 150, 1, 5_000),
            2 => shaped(seed, 60, 20, 1, 9, 300, 1, 5_000),
            3 => shaped(seed, 240, 30, 1, 12, 40, 1, 5_000),
            4 => shaped(seed, 60, 50, 2, 2, 1_000, 1, 5_000),
            5 => shaped(seed, 80, 12, 4, 20, 400, 3, 5_000),
            6 => shaped(seed, 120, 15, 2, 12, 300, 1, 40),
            7 => shaped(seed, 40, 90, 2, 3, 700, 1, 5_000),
            _ => shaped(seed, 40, 90, 3, 4, 700, 2, 5_000),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn bipartite_scaling_is_optimal_like_brute_force_and_verified(raw in raw_problem()) {
            let p = build(&raw);
            let sol = p.solve_with_method(TransportMethod::BipartiteScaling).unwrap();
            prop_assert_eq!(sol.objective(), brute_force(&raw));
            prop_assert_eq!(verify(&p, &sol), Ok(()));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn bipartite_scaling_agrees_with_shortest_paths(seed in any::<u64>(), which in any::<u8>()) {
            let p = build(&shape(seed, which));
            let scaling = p.solve_with_method(TransportMethod::BipartiteScaling).unwrap();
            let paths = p.solve_with_method(TransportMethod::ShortestPaths).unwrap();
            prop_assert_eq!(verify(&p, &scaling), Ok(()));
            prop_assert_eq!(verify(&p, &paths), Ok(()));
            prop_assert_eq!(scaling.objective(), paths.objective());
            let auto = p.solve().unwrap();
            prop_assert_eq!(auto.objective(), paths.objective());
        }

        #[test]
        fn bipartite_scaling_ignores_arc_order(seed in any::<u64>(), which in any::<u8>()) {
            let raw = shape(seed, which);
            let mut shuffled = raw.clone();
            shuffled.arcs.reverse();
            let len = shuffled.arcs.len();
            shuffled.arcs.rotate_left(usize::try_from(seed % 97).unwrap() % len.max(1));
            let a = build(&raw).solve_with_method(TransportMethod::BipartiteScaling).unwrap();
            let b = build(&shuffled)
                .solve_with_method(TransportMethod::BipartiteScaling)
                .unwrap();
            prop_assert_eq!(a, b);
        }
    }

    /// `raw` solved cold, then changed by [`change`]: the warm-start tests' starting point.
    pub(crate) struct Changed {
        pub(crate) before: TransportSolution,
        pub(crate) raw: Raw,
        pub(crate) p: TransportProblem,
        pub(crate) carry: TransportCarry,
    }

    pub(crate) fn solved_then_changed(raw: &Raw, seed: u64) -> Changed {
        let before = build(raw).solve().unwrap();
        let (changed, carry) = change(raw, seed);
        let p = build(&changed);
        Changed {
            before,
            raw: changed,
            p,
            carry,
        }
    }

    /// Random changes to a problem, drawn from a seed: sources withdrawn or with another
    /// capacity, arcs removed or re-costed, sinks cancelled or with another demand, new sinks
    /// (shifts) and sources with arcs. Returns the changed problem and where each previous
    /// source and sink went.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        reason = "values drawn below small bounds"
    )]
    pub(crate) fn change(raw: &Raw, seed: u64) -> (Raw, TransportCarry) {
        let mut x = seed | 1;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let mut caps = Vec::new();
        let mut source_map = Vec::new();
        for &c in &raw.caps {
            match next(10) {
                0 | 1 => source_map.push(None),
                2 => {
                    source_map.push(Some(SourceIndex(index_u32(caps.len()))));
                    caps.push(c.saturating_sub(1));
                }
                3 => {
                    source_map.push(Some(SourceIndex(index_u32(caps.len()))));
                    caps.push(c + 1);
                }
                _ => {
                    source_map.push(Some(SourceIndex(index_u32(caps.len()))));
                    caps.push(c);
                }
            }
        }
        let mut sinks = Vec::new();
        let mut sink_map = Vec::new();
        for &(d, p) in &raw.sinks {
            match next(20) {
                0 => sink_map.push(None),
                1 | 2 => {
                    sink_map.push(Some(SinkIndex(index_u32(sinks.len()))));
                    sinks.push((d + 1 + next(2) as u32, p));
                }
                3 | 4 => {
                    sink_map.push(Some(SinkIndex(index_u32(sinks.len()))));
                    sinks.push((d.saturating_sub(1 + next(2) as u32), p));
                }
                _ => {
                    sink_map.push(Some(SinkIndex(index_u32(sinks.len()))));
                    sinks.push((d, p));
                }
            }
        }
        let mut arcs = Vec::new();
        for &(v, s, c, k) in &raw.arcs {
            let (Some(Some(nv)), Some(Some(ns))) =
                (source_map.get(v as usize), sink_map.get(s as usize))
            else {
                continue;
            };
            match next(10) {
                0 => {}
                1 => arcs.push((nv.0, ns.0, next(300) as i64, k)),
                _ => arcs.push((nv.0, ns.0, c, k)),
            }
        }
        // New sources and sinks, with arcs to some existing nodes.
        let old_sinks = index_u32(sinks.len());
        let penalty = raw.sinks.first().map_or(1_000, |x| x.1);
        for _ in 0..next(3) {
            sinks.push((1 + next(4) as u32, penalty));
        }
        for _ in 0..next(2) {
            caps.push(1 + next(2) as u32);
        }
        let (nv, ns) = (index_u32(caps.len()), index_u32(sinks.len()));
        for v in 0..nv {
            for s in 0..ns {
                let fresh = s >= old_sinks || v as usize >= source_map.iter().flatten().count();
                if fresh && next(3) == 0 {
                    arcs.push((v, s, next(300) as i64, 1));
                }
            }
        }
        let carry = TransportCarry::new(source_map, sink_map).unwrap();
        (Raw { caps, sinks, arcs }, carry)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn warm_resolve_matches_cold_solve_after_random_changes(
            seed in any::<u64>(),
            which in any::<u8>(),
            changes in any::<u64>(),
        ) {
            let Changed { before, p, carry, .. } = solved_then_changed(&shape(seed, which), changes);
            let warm = p.resolve_from(&before, &carry).unwrap();
            prop_assert_eq!(verify(&p, &warm), Ok(()));
            prop_assert_eq!(warm.objective(), p.solve().unwrap().objective());
            // Deterministic, and a second warm start from the result changes nothing.
            prop_assert_eq!(&p.resolve_from(&before, &carry).unwrap(), &warm);
            let same = TransportCarry::same_positions(p.sources(), p.sinks());
            prop_assert_eq!(&p.resolve_from(&warm, &same).unwrap(), &warm);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn warm_resolve_is_optimal_like_brute_force(raw in raw_problem(), changes in any::<u64>()) {
            let Changed { before, raw: changed, p, carry } = solved_then_changed(&raw, changes);
            prop_assume!(changed.arcs.len() <= 10);
            let warm = p.resolve_from(&before, &carry).unwrap();
            prop_assert_eq!(verify(&p, &warm), Ok(()));
            prop_assert_eq!(warm.objective(), brute_force(&changed));
        }
    }

    #[test]
    fn warm_resolve_after_a_withdrawal_refills_the_slot() {
        // 张 and 李 fill the gate; 王 takes the desk. 张 withdraws.
        let raw = Raw {
            caps: vec![1, 1, 1],
            sinks: vec![(2, 1_000), (1, 1_000)],
            arcs: vec![(0, 0, 1, 1), (1, 0, 2, 1), (2, 0, 5, 1), (2, 1, 6, 1)],
        };
        let before = build(&raw).solve().unwrap();
        assert_eq!(before.objective(), 1 + 2 + 6);
        let changed = Raw {
            caps: vec![1, 1],
            sinks: raw.sinks.clone(),
            arcs: vec![(0, 0, 2, 1), (1, 0, 5, 1), (1, 1, 6, 1)],
        };
        let carry =
            TransportCarry::by_keys(&["zhang", "li", "wang"], &["li", "wang"], &[0, 1], &[0, 1])
                .unwrap();
        let p = build(&changed);
        let warm = p.resolve_from(&before, &carry).unwrap();
        assert_eq!(verify(&p, &warm), Ok(()));
        assert_eq!(warm.objective(), p.solve().unwrap().objective());
        // 李 stays at the gate; 王 moves from the desk to the gate (5 < 6), the desk opens.
        assert_eq!(warm.objective(), 2 + 5 + 1_000);
        let pairs: Vec<(u32, u32)> = warm
            .assignment()
            .iter()
            .map(|u| (u.source.0, u.sink.0))
            .collect();
        assert_eq!(pairs, vec![(0, 0), (1, 0)]);
    }

    #[test]
    fn warm_resolve_prices_a_new_shift() {
        let raw = Raw {
            caps: vec![1, 1],
            sinks: vec![(1, 1_000)],
            arcs: vec![(0, 0, 3, 1), (1, 0, 4, 1)],
        };
        let before = build(&raw).solve().unwrap();
        let mut changed = raw.clone();
        changed.sinks.push((1, 1_000));
        changed.arcs.push((1, 1, 1, 1));
        let p = build(&changed);
        let carry = TransportCarry::new(
            vec![Some(SourceIndex(0)), Some(SourceIndex(1))],
            vec![Some(SinkIndex(0))],
        )
        .unwrap();
        let warm = p.resolve_from(&before, &carry).unwrap();
        assert_eq!(warm.objective(), 3 + 1);
        assert_eq!(warm.filled(), &[1, 1]);
        assert_eq!(verify(&p, &warm), Ok(()));
    }

    #[test]
    fn warm_resolve_rejects_maps_that_do_not_fit() {
        let raw = Raw {
            caps: vec![1, 1],
            sinks: vec![(1, 100)],
            arcs: vec![(0, 0, 3, 1), (1, 0, 4, 1)],
        };
        let p = build(&raw);
        let before = p.solve().unwrap();
        let short = TransportCarry::same_positions(1, 1);
        assert_eq!(
            p.resolve_from(&before, &short),
            Err(MatchingError::WarmStartMismatch {
                field: "source map",
                found: 1,
                expected: 2
            })
        );
        let sinks = TransportCarry::same_positions(2, 3);
        assert_eq!(
            p.resolve_from(&before, &sinks),
            Err(MatchingError::WarmStartMismatch {
                field: "sink map",
                found: 3,
                expected: 1
            })
        );
        let outside =
            TransportCarry::new(vec![Some(SourceIndex(0)), Some(SourceIndex(5))], vec![None])
                .unwrap();
        assert_eq!(
            p.resolve_from(&before, &outside),
            Err(MatchingError::UnknownSource { index: 5, count: 2 })
        );
        let outside = TransportCarry::new(vec![None, None], vec![Some(SinkIndex(1))]).unwrap();
        assert_eq!(
            p.resolve_from(&before, &outside),
            Err(MatchingError::UnknownSink { index: 1, count: 1 })
        );
        assert_eq!(
            TransportCarry::new(vec![Some(SourceIndex(1)), Some(SourceIndex(1))], vec![]),
            Err(MatchingError::WarmStartRepeat {
                side: "source",
                previous: 1,
                index: 1
            })
        );
        assert_eq!(
            TransportCarry::by_keys(&[1, 2], &[2], &["a"], &["a", "a"]),
            Err(MatchingError::WarmStartRepeat {
                side: "sink",
                previous: 0,
                index: 1
            })
        );
        // Everything gone: the warm start still solves the new problem from nothing.
        let gone = TransportCarry::new(vec![None, None], vec![None]).unwrap();
        let sol = p.resolve_from(&before, &gone).unwrap();
        assert_eq!(sol.objective(), before.objective());
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn warm_start_errors_name_the_values() {
        insta::assert_snapshot!(
            MatchingError::WarmStartMismatch { field: "source map", found: 1, expected: 2 },
            @"warm start source map covers 1 previous nodes: the previous solution has 2"
        );
        insta::assert_snapshot!(
            MatchingError::WarmStartRepeat { side: "sink", previous: 3, index: 0 },
            @"warm start maps previous sink 3 onto sink 0, already taken: expected each node kept at most once"
        );
    }

    #[test]
    fn every_shape_is_exercised_with_unfilled_slots_where_expected() {
        // More slots than volunteers: some slots must stay unfilled, and the certificate
        // prices them at the penalty.
        let raw = shape(11, 2);
        let p = build(&raw);
        let sol = p
            .solve_with_method(TransportMethod::BipartiteScaling)
            .unwrap();
        assert!(sol.unfilled().iter().any(|&u| u > 0));
        assert_eq!(verify(&p, &sol), Ok(()));
        // A penalty below most costs: cheap arcs are used, the rest left unfilled by choice.
        let raw = shape(11, 6);
        let p = build(&raw);
        let sol = p
            .solve_with_method(TransportMethod::BipartiteScaling)
            .unwrap();
        assert!(sol.unfilled().iter().any(|&u| u > 0));
        assert!(sol.assignment().iter().all(|u| u.units() >= 1));
        assert_eq!(
            sol.objective(),
            p.solve_with_method(TransportMethod::ShortestPaths)
                .unwrap()
                .objective()
        );
        // Volunteers on both sides of the bipartite solver's 64-arc mask limit.
        for which in [7, 8] {
            let raw = shape(11, which);
            let degree = |v: u32| raw.arcs.iter().filter(|a| a.0 == v).count();
            let degrees: Vec<usize> = (0..40).map(degree).collect();
            assert!(degrees.iter().any(|&d| d > 64) && degrees.iter().any(|&d| d <= 64));
        }
    }

    #[test]
    fn auto_prefers_shortest_paths_only_with_spare_capacity_or_density() {
        let tight = build(&shape(3, 0));
        assert!(!tight.prefers_shortest_paths());
        let dense = build(&shape(3, 4));
        assert!(dense.prefers_shortest_paths());
        let spare = build(&shape(3, 1));
        assert!(spare.prefers_shortest_paths());
    }

    /// Minimum objective of an assignment-shaped problem (capacities and demands 0 or 1) by
    /// letting each source in turn take one free sink through an arc of capacity >= 1, or none.
    fn brute_force_assignment(raw: &Raw) -> i64 {
        fn go(raw: &Raw, v: u32, taken: &mut [bool], acc: i64, best: &mut i64) {
            if v as usize == raw.caps.len() {
                let unfilled: i64 = raw
                    .sinks
                    .iter()
                    .zip(taken.iter())
                    .map(|(&(d, p), &t)| if d == 1 && !t { p } else { 0 })
                    .sum();
                *best = (*best).min(acc + unfilled);
                return;
            }
            go(raw, v + 1, taken, acc, best);
            if raw.caps[v as usize] == 0 {
                return;
            }
            for &(av, s, c, k) in &raw.arcs {
                let si = s as usize;
                if av == v && k > 0 && raw.sinks[si].0 == 1 && !taken[si] {
                    taken[si] = true;
                    go(raw, v + 1, taken, acc + c, best);
                    taken[si] = false;
                }
            }
        }
        let mut best = i64::MAX;
        go(raw, 0, &mut vec![false; raw.sinks.len()], 0, &mut best);
        best
    }

    /// Small assignment-shaped problems: mostly unit capacities and demands (some 0), every
    /// density from empty to complete, arc capacities 0 to 2, penalties below and above costs.
    fn unit_problem() -> impl Strategy<Value = Raw> {
        (0_u32..=6, 0_u32..=6).prop_flat_map(|(nv, ns)| {
            let pairs: Vec<(u32, u32)> =
                (0..nv).flat_map(|v| (0..ns).map(move |s| (v, s))).collect();
            let all = pairs.len();
            (
                proptest::collection::vec(prop_oneof![4 => Just(1_u32), 1 => Just(0)], nv as usize),
                proptest::collection::vec(
                    (prop_oneof![4 => Just(1_u32), 1 => Just(0)], 0_i64..=60),
                    ns as usize,
                ),
                proptest::sample::subsequence(pairs, 0..=all),
                proptest::collection::vec(
                    (
                        0_i64..=40,
                        prop_oneof![8 => Just(1_u32), 1 => Just(0), 1 => Just(2)],
                    ),
                    all,
                ),
            )
                .prop_map(|(caps, sinks, pairs, costs)| Raw {
                    caps,
                    sinks,
                    arcs: pairs
                        .into_iter()
                        .zip(costs)
                        .map(|((v, s), (c, k))| (v, s, c, k))
                        .collect(),
                })
        })
    }

    /// A seeded assignment problem: `nv` volunteers and `ns` one-slot shifts, `density` arcs
    /// per 1,000 pairs, costs below `max_cost`, one penalty for every shift.
    #[allow(clippy::cast_possible_wrap, reason = "values drawn below small bounds")]
    fn unit_shaped(seed: u64, nv: u32, ns: u32, density: u64, max_cost: u64, penalty: i64) -> Raw {
        let mut x = seed | 1;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let mut arcs = Vec::new();
        for v in 0..nv {
            for s in 0..ns {
                if next(1_000) < density {
                    arcs.push((v, s, next(max_cost) as i64, 1));
                }
            }
        }
        Raw {
            caps: vec![1; nv as usize],
            sinks: vec![(1, penalty); ns as usize],
            arcs,
        }
    }

    /// Assignment shapes for the dense method: square complete, square with few distinct
    /// costs (many ties), more volunteers than shifts, more shifts than volunteers, sparse-ish,
    /// and a penalty below most costs.
    fn unit_shape(seed: u64, which: u8) -> Raw {
        match which % 6 {
            0 => unit_shaped(seed, 90, 90, 1_000, 10_000, 1_000_000),
            1 => unit_shaped(seed, 70, 70, 1_000, 4, 1_000_000),
            2 => unit_shaped(seed, 100, 40, 900, 500, 5_000),
            3 => unit_shaped(seed, 35, 80, 800, 500, 5_000),
            4 => unit_shaped(seed, 80, 80, 120, 300, 5_000),
            _ => unit_shaped(seed, 60, 60, 700, 300, 100),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn dense_assignment_is_optimal_like_brute_force_and_verified(raw in unit_problem()) {
            let p = build(&raw);
            let sol = p.solve_with_method(TransportMethod::DenseAssignment).unwrap();
            prop_assert_eq!(sol.objective(), brute_force_assignment(&raw));
            prop_assert_eq!(verify(&p, &sol), Ok(()));
            let auto = p.solve().unwrap();
            prop_assert_eq!(auto.objective(), sol.objective());
            prop_assert_eq!(verify(&p, &auto), Ok(()));
        }

        #[test]
        fn dense_assignment_ignores_arc_order(raw in unit_problem(), seed in any::<u64>()) {
            let mut shuffled = raw.clone();
            let mut x = seed | 1;
            for i in (1..shuffled.arcs.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let j = usize::try_from(x % (i as u64 + 1)).unwrap();
                shuffled.arcs.swap(i, j);
            }
            let a = build(&raw).solve_with_method(TransportMethod::DenseAssignment).unwrap();
            let b = build(&shuffled).solve_with_method(TransportMethod::DenseAssignment).unwrap();
            prop_assert_eq!(a, b);
        }

        #[test]
        fn dense_assignment_falls_back_on_other_shapes(raw in raw_problem()) {
            let p = build(&raw);
            let sol = p.solve_with_method(TransportMethod::DenseAssignment).unwrap();
            prop_assert_eq!(sol.objective(), brute_force(&raw));
            prop_assert_eq!(verify(&p, &sol), Ok(()));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn dense_assignment_agrees_with_shortest_paths(seed in any::<u64>(), which in any::<u8>()) {
            let raw = unit_shape(seed, which);
            let p = build(&raw);
            let dense = p.solve_with_method(TransportMethod::DenseAssignment).unwrap();
            let paths = p.solve_with_method(TransportMethod::ShortestPaths).unwrap();
            prop_assert_eq!(verify(&p, &dense), Ok(()));
            prop_assert_eq!(dense.objective(), paths.objective());
            let auto = p.solve().unwrap();
            prop_assert_eq!(verify(&p, &auto), Ok(()));
            prop_assert_eq!(auto.objective(), paths.objective());
            let mut shuffled = raw;
            shuffled.arcs.reverse();
            let len = shuffled.arcs.len();
            shuffled.arcs.rotate_left(usize::try_from(seed % 97).unwrap() % len.max(1));
            let again = build(&shuffled)
                .solve_with_method(TransportMethod::DenseAssignment)
                .unwrap();
            prop_assert_eq!(again, dense);
        }
    }

    #[test]
    fn auto_uses_the_dense_method_only_for_dense_assignment_problems() {
        let square = build(&unit_shape(5, 0));
        let layout = square.dense_layout(AUTO_DENSE_MAX_ENTRIES).unwrap();
        assert_eq!(layout.n, 90);
        assert!(square.prefers_dense(&layout));
        assert_eq!(
            square.solve().unwrap(),
            square
                .solve_with_method(TransportMethod::DenseAssignment)
                .unwrap()
        );
        // Sparse: a tenth of the pairs are arcs.
        let sparse = build(&unit_shape(5, 4));
        let layout = sparse.dense_layout(AUTO_DENSE_MAX_ENTRIES).unwrap();
        assert!(!sparse.prefers_dense(&layout));
        // Padding counts: 100 × 40 with 90 % of pairs is 3,600 arcs of a 100² square.
        let wide = build(&unit_shape(5, 2));
        let layout = wide.dense_layout(AUTO_DENSE_MAX_ENTRIES).unwrap();
        assert_eq!(layout.n, 100);
        assert!(!wide.prefers_dense(&layout));
        // Not an assignment problem: a volunteer may take two shifts.
        let mut raw = unit_shape(5, 0);
        raw.caps[3] = 2;
        assert!(build(&raw).dense_layout(DENSE_MAX_ENTRIES).is_none());
        // Too large a square.
        let big = Raw {
            caps: vec![1; 2_049],
            sinks: vec![(1, 10)],
            arcs: Vec::new(),
        };
        let p = build(&big);
        assert!(p.dense_layout(AUTO_DENSE_MAX_ENTRIES).is_none());
        assert!(p.dense_layout(DENSE_MAX_ENTRIES).is_some());
    }

    #[test]
    fn dense_assignment_pads_rectangles_both_ways() {
        // 3 volunteers, 1 shift: two volunteers stay idle, at rent 0.
        let raw = Raw {
            caps: vec![1, 1, 1],
            sinks: vec![(1, 100)],
            arcs: vec![(0, 0, 9, 1), (1, 0, 4, 1), (2, 0, 7, 1)],
        };
        let p = build(&raw);
        let sol = p
            .solve_with_method(TransportMethod::DenseAssignment)
            .unwrap();
        assert_eq!(sol.objective(), 4);
        assert_eq!(sol.assignment().len(), 1);
        assert_eq!(sol.assignment()[0].source(), SourceIndex(1));
        assert_eq!(verify(&p, &sol), Ok(()));
        // 1 volunteer, 3 shifts: two slots stay unfilled and are priced at their penalties.
        let raw = Raw {
            caps: vec![1],
            sinks: vec![(1, 100), (1, 300), (1, 200)],
            arcs: vec![(0, 0, 9, 1), (0, 1, 50, 1), (0, 2, 7, 1)],
        };
        let p = build(&raw);
        let sol = p
            .solve_with_method(TransportMethod::DenseAssignment)
            .unwrap();
        assert_eq!(sol.filled(), &[0, 1, 0]);
        assert_eq!(sol.objective(), 50 + 100 + 200);
        assert_eq!(sol.certificate().sink_price()[0], 100);
        assert_eq!(sol.certificate().sink_price()[2], 200);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn dense_assignment_leaves_a_slot_unfilled_when_the_penalty_is_cheaper() {
        // Shift 0's penalty (10) is below every arc to it; shift 1 has no arc at all.
        let raw = Raw {
            caps: vec![1, 1],
            sinks: vec![(1, 10), (1, 25)],
            arcs: vec![(0, 0, 11, 1), (1, 0, 30, 1)],
        };
        let p = build(&raw);
        let sol = p
            .solve_with_method(TransportMethod::DenseAssignment)
            .unwrap();
        assert!(sol.assignment().is_empty());
        assert_eq!(sol.unfilled(), &[1, 1]);
        assert_eq!(sol.objective(), 35);
        assert_eq!(sol.certificate().sink_price(), &[10, 25]);
        assert_eq!(verify(&p, &sol), Ok(()));
        // A cost equal to the penalty: the slot is filled (same objective either way).
        let raw = Raw {
            caps: vec![1],
            sinks: vec![(1, 10)],
            arcs: vec![(0, 0, 10, 1)],
        };
        let p = build(&raw);
        let sol = p
            .solve_with_method(TransportMethod::DenseAssignment)
            .unwrap();
        assert_eq!((sol.filled(), sol.objective()), (&[1][..], 10));
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn dense_assignment_prices_nodes_without_units_and_arcs_without_capacity() {
        // Source 1 has capacity 0, sink 1 demand 0, arc (0, 2) capacity 0, arc (2, 0)
        // capacity 2: all are priced so that every arc's reduced cost is consistent.
        let raw = Raw {
            caps: vec![1, 0, 1],
            sinks: vec![(1, 500), (0, 500), (1, 500)],
            arcs: vec![
                (0, 0, 50, 1),
                (0, 1, 1, 1),
                (0, 2, 1, 0),
                (1, 0, 0, 1),
                (1, 1, 0, 1),
                (1, 2, 0, 1),
                (2, 0, 20, 2),
                (2, 1, 3, 1),
                (2, 2, 60, 1),
            ],
        };
        let p = build(&raw);
        let sol = p
            .solve_with_method(TransportMethod::DenseAssignment)
            .unwrap();
        assert_eq!(sol.objective(), brute_force_assignment(&raw));
        assert_eq!(sol.objective(), 50 + 60);
        assert!(sol.certificate().source_rent()[1] > 0);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn dense_certificates_reject_tampering() {
        // Volunteers 0 and 1 are used, shift 2 stays unfilled (a third shift, two volunteers).
        let raw = Raw {
            caps: vec![1, 1],
            sinks: vec![(1, 100), (1, 100), (1, 100)],
            arcs: vec![(0, 0, 1, 1), (0, 1, 5, 1), (1, 0, 2, 1), (1, 1, 9, 1)],
        };
        let p = build(&raw);
        let good = p
            .solve_with_method(TransportMethod::DenseAssignment)
            .unwrap();
        assert_eq!(good.objective(), 5 + 2 + 100);
        assert_eq!(verify(&p, &good), Ok(()));
        // A used volunteer's rent raised: its used arc gets a positive reduced cost.
        for v in 0..2 {
            let mut bad = good.clone();
            bad.certificate.source_rent[v] += 1;
            assert!(verify(&p, &bad).is_err());
        }
        // The unfilled shift priced below its penalty.
        let mut bad = good.clone();
        bad.certificate.sink_price[2] -= 1;
        assert!(verify(&p, &bad).is_err());
        // The assignment swapped for the worse one, objective recomputed.
        let mut bad = good.clone();
        bad.assignment = vec![
            UsedArc {
                source: SourceIndex(0),
                sink: SinkIndex(0),
                units: 1,
            },
            UsedArc {
                source: SourceIndex(1),
                sink: SinkIndex(1),
                units: 1,
            },
        ];
        bad.objective = 1 + 9 + 100;
        assert!(verify(&p, &bad).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Entries fit `i32` here; scaled by 2^32 they do not, and the dense core runs on
        /// `i64` entries. Its steps compare sums and differences of entries only, so scaling
        /// every cost and penalty by the same factor must give the same assignment.
        #[test]
        fn dense_assignment_is_the_same_on_wide_and_narrow_entries(raw in unit_problem()) {
            const SCALE: i64 = 1 << 32;
            let p = build(&raw);
            let layout = p.dense_layout(DENSE_MAX_ENTRIES).unwrap();
            let narrow = p.solve_dense(&layout).unwrap().unwrap();
            let mut wide = raw.clone();
            for sink in &mut wide.sinks {
                sink.1 *= SCALE;
            }
            for arc in &mut wide.arcs {
                arc.2 *= SCALE;
            }
            let wp = build(&wide);
            let layout = wp.dense_layout(DENSE_MAX_ENTRIES).unwrap();
            let wide_sol = wp.solve_dense(&layout).unwrap().unwrap();
            prop_assert_eq!(wide_sol.assignment(), narrow.assignment());
            prop_assert_eq!(wide_sol.objective(), narrow.objective() * SCALE);
            prop_assert_eq!(verify(&wp, &wide_sol), Ok(()));
        }
    }

    #[test]
    fn dense_assignment_ignores_an_arc_too_dear_for_narrow_entries() {
        // Penalties fit `i32`, one arc does not: it is dearer than its slot's penalty, so the
        // slot stays unfilled and the other volunteer takes the other shift.
        let dear = i64::from(i32::MAX) + 1;
        let raw = Raw {
            caps: vec![1, 1],
            sinks: vec![(1, 100), (1, 100)],
            arcs: vec![(0, 0, dear, 1), (1, 1, 40, 1)],
        };
        let p = build(&raw);
        let layout = p.dense_layout(DENSE_MAX_ENTRIES).unwrap();
        let sol = p.solve_dense(&layout).unwrap().unwrap();
        assert_eq!(sol.filled(), &[0, 1]);
        assert_eq!(sol.objective(), 100 + 40);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn dense_assignment_falls_back_when_its_square_is_beyond_the_price_limit() {
        // 3 volunteers and 1 shift: the problem has 5 nodes, the square 3 × 3 (6 nodes). A
        // cost the builder accepts for 5 nodes but the dense core refuses for 6 is solved by
        // the other methods, exactly.
        let (mut lo, mut hi) = (0_i64, i64::MAX);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if engine::fits(5, mid) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        assert!(!engine::fits(6, lo));
        let raw = Raw {
            caps: vec![1, 1, 1],
            sinks: vec![(1, lo)],
            arcs: vec![(0, 0, lo - 1, 1), (1, 0, lo - 2, 1)],
        };
        let p = build(&raw);
        let layout = p.dense_layout(DENSE_MAX_ENTRIES).unwrap();
        assert!(p.solve_dense(&layout).is_none());
        let sol = p
            .solve_with_method(TransportMethod::DenseAssignment)
            .unwrap();
        assert_eq!(sol.objective(), lo - 2);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn medium_problem_is_deterministic_under_shuffled_arcs() {
        let raw = medium(7, 240, 20, 1, 24);
        let mut shuffled = raw.clone();
        shuffled.arcs.reverse();
        shuffled.arcs.rotate_left(1_000);
        let a = build(&raw).solve().unwrap();
        let b = build(&shuffled).solve().unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn empty_problem_has_zero_objective() {
        let p = TransportBuilder::new().build().unwrap();
        let sol = p.solve().unwrap();
        assert_eq!(sol.objective(), 0);
        assert!(sol.assignment().is_empty());
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn sink_without_arcs_stays_unfilled() {
        let raw = Raw {
            caps: vec![1, 1],
            sinks: vec![(2, 100), (3, 7)],
            arcs: vec![(0, 0, 5, 1), (1, 0, 6, 1)],
        };
        let p = build(&raw);
        let sol = p.solve().unwrap();
        assert_eq!(sol.unfilled(), &[0, 3]);
        assert_eq!(sol.objective(), 5 + 6 + 3 * 7);
        assert_eq!(sol.certificate().sink_price()[1], 7);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn more_slots_than_volunteers_fills_the_cheapest_way() {
        // 2 volunteers, 5 slots: the penalty decides which shift stays short.
        let raw = Raw {
            caps: vec![1, 1],
            sinks: vec![(3, 1_000), (2, 2_000)],
            arcs: vec![(0, 0, 1, 1), (0, 1, 50, 1), (1, 0, 1, 1), (1, 1, 60, 1)],
        };
        let p = build(&raw);
        let sol = p.solve().unwrap();
        assert_eq!(sol.filled(), &[0, 2]);
        assert_eq!(sol.objective(), 50 + 60 + 3 * 1_000);
        assert_eq!(sol.objective(), brute_force(&raw));
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn capacity_above_one_lets_a_volunteer_take_several_shifts() {
        let raw = Raw {
            caps: vec![3],
            sinks: vec![(1, 100), (1, 100), (1, 100), (1, 100)],
            arcs: vec![(0, 0, 4, 1), (0, 1, 3, 1), (0, 2, 2, 1), (0, 3, 1, 1)],
        };
        let p = build(&raw);
        let sol = p.solve().unwrap();
        assert_eq!(sol.filled(), &[0, 1, 1, 1]);
        assert_eq!(sol.objective(), 3 + 2 + 1 + 100);
        assert!(sol.certificate().source_rent()[0] > 0);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn ties_resolve_the_same_way_whatever_the_arc_order() {
        // Four volunteers, two single-slot shifts, every cost equal.
        let forward: Vec<(u32, u32, i64, u32)> = (0..4)
            .flat_map(|v| (0..2).map(move |s| (v, s, 10, 1)))
            .collect();
        let mut backward = forward.clone();
        backward.reverse();
        let mk = |arcs| Raw {
            caps: vec![1; 4],
            sinks: vec![(1, 1_000), (1, 1_000)],
            arcs,
        };
        let a = build(&mk(forward)).solve().unwrap();
        let b = build(&mk(backward)).solve().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.objective(), 20);
    }

    #[test]
    fn penalty_below_cost_leaves_the_slot_unfilled() {
        let raw = Raw {
            caps: vec![1],
            sinks: vec![(1, 10)],
            arcs: vec![(0, 0, 11, 1)],
        };
        let p = build(&raw);
        let sol = p.solve().unwrap();
        assert!(sol.assignment().is_empty());
        assert_eq!(sol.objective(), 10);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn rejected_builder_calls_change_nothing() {
        let mut b = TransportBuilder::new();
        let v = b.add_source(1);
        let s = b.add_sink(1, 100).unwrap();
        let before = format!("{b:?}");
        assert_eq!(
            b.add_arc(SourceIndex(9), s, 1),
            Err(MatchingError::UnknownSource { index: 9, count: 1 })
        );
        assert_eq!(
            b.add_arc(v, SinkIndex(4), 1),
            Err(MatchingError::UnknownSink { index: 4, count: 1 })
        );
        assert_eq!(
            b.add_arc(v, s, -1),
            Err(MatchingError::NegativeCost {
                source_index: 0,
                sink_index: 0,
                cost: -1
            })
        );
        assert_eq!(
            b.add_sink(1, -3),
            Err(MatchingError::NegativePenalty {
                index: 1,
                penalty: -3
            })
        );
        assert_eq!(format!("{b:?}"), before);
    }

    #[test]
    fn duplicate_arcs_are_rejected() {
        let mut b = TransportBuilder::new();
        let v = b.add_source(1);
        let s = b.add_sink(1, 100).unwrap();
        b.add_arc(v, s, 3).unwrap();
        b.add_arc(v, s, 3).unwrap();
        assert_eq!(
            b.build(),
            Err(MatchingError::DuplicateArc {
                source_index: 0,
                sink_index: 0
            })
        );
    }

    /// `raw` with its arcs in a seeded random order (Fisher–Yates, xorshift).
    fn shuffled(raw: &Raw, seed: u64) -> Raw {
        let mut out = raw.clone();
        let mut x = seed | 1;
        for i in (1..out.arcs.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let j = usize::try_from(x % (i as u64 + 1)).unwrap();
            out.arcs.swap(i, j);
        }
        out
    }

    /// The arcs of `p` read every way the view offers agree with `raw`'s arcs in canonical
    /// order: `iter` forwards and backwards, `get`, `nth`, `of_source` and `for`.
    fn assert_arcs_read_alike(p: &TransportProblem, raw: &Raw) {
        let mut want = raw.arcs.clone();
        want.sort_unstable_by_key(|&(v, s, _, _)| (v, s));
        let as_tuple = |a: TransportArc| (a.source().0, a.sink().0, a.cost(), a.capacity());
        let arcs = p.arcs();
        assert_eq!(arcs.len(), want.len());
        assert_eq!(arcs.is_empty(), want.is_empty());
        assert_eq!(arcs.iter().len(), want.len());
        assert_eq!(arcs.iter().map(as_tuple).collect::<Vec<_>>(), want);
        let mut backwards: Vec<_> = arcs.iter().rev().map(as_tuple).collect();
        backwards.reverse();
        assert_eq!(backwards, want);
        for (i, &w) in want.iter().enumerate() {
            assert_eq!(arcs.get(i), arcs.iter().nth(i), "arc {i}");
            assert_eq!(arcs.get(i).map(as_tuple), Some(w), "arc {i}");
        }
        assert_eq!(arcs.get(want.len()), None);
        // Every source, and one past the last (no arcs).
        let by_source: Vec<_> = (0..=index_u32(p.sources()))
            .flat_map(|v| arcs.of_source(SourceIndex(v)))
            .map(as_tuple)
            .collect();
        assert_eq!(by_source, want);
        let mut looped = Vec::new();
        for a in arcs {
            looped.push(as_tuple(a));
        }
        assert_eq!(looped, want);
        // Both ends at once meet in the middle.
        let mut both = arcs.iter();
        let (mut front, mut back) = (Vec::new(), Vec::new());
        while let Some(a) = both.next() {
            front.push(as_tuple(a));
            if let Some(b) = both.next_back() {
                back.push(as_tuple(b));
            }
        }
        back.reverse();
        front.extend(back);
        assert_eq!(front, want);
        assert_eq!(arcs.unit(), want.iter().all(|a| a.3 == 1));
    }

    #[test]
    fn shuffled_arcs_build_the_same_problem_as_sorted_ones() {
        // Unit capacities, then capacities up to 3; sources without arcs in both.
        for raw in [
            medium(7, 240, 20, 1, 24),
            shaped(11, 80, 12, 4, 20, 400, 3, 5_000),
        ] {
            let sorted = build(&raw);
            assert_arcs_read_alike(&sorted, &raw);
            for seed in [1, 2, 3] {
                let p = build(&shuffled(&raw, seed));
                assert_arcs_read_alike(&p, &raw);
                assert_eq!(p.arcs(), sorted.arcs());
                assert_eq!(p, sorted);
                assert_eq!(
                    p.solve().unwrap().objective(),
                    sorted.solve().unwrap().objective()
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Building from arcs in any order gives the problem of the sorted arcs, read alike
        /// every way; a repeated pair is reported as the smallest one repeated.
        #[test]
        fn arcs_in_any_order_build_one_canonical_problem(
            raw in raw_problem(),
            seed in any::<u64>(),
            repeat in any::<proptest::sample::Index>(),
        ) {
            let sorted = build(&raw);
            let mut shuffled = shuffled(&raw, seed);
            let p = build(&shuffled);
            assert_arcs_read_alike(&p, &raw);
            prop_assert_eq!(p.arcs(), sorted.arcs());
            prop_assert_eq!(&p, &sorted);
            prop_assert_eq!(p.solve().unwrap().objective(), sorted.solve().unwrap().objective());
            if !raw.arcs.is_empty() {
                let twice = shuffled.arcs[repeat.index(shuffled.arcs.len())];
                shuffled.arcs.push((twice.0, twice.1, twice.2 + 1, 1));
                let shuffled = self::shuffled(&shuffled, seed.rotate_left(7));
                let mut b = TransportBuilder::new();
                for &c in &shuffled.caps {
                    b.add_source(c);
                }
                for &(d, pen) in &shuffled.sinks {
                    b.add_sink(d, pen).unwrap();
                }
                for &(v, s, c, k) in &shuffled.arcs {
                    b.add_arc_with_capacity(SourceIndex(v), SinkIndex(s), c, k).unwrap();
                }
                prop_assert_eq!(
                    b.build(),
                    Err(MatchingError::DuplicateArc { source_index: twice.0, sink_index: twice.1 })
                );
            }
        }
    }

    #[test]
    fn costs_near_the_overflow_limit_are_rejected_or_solved_exactly() {
        // Too large: rejected at build, before any arithmetic.
        let mut b = TransportBuilder::new();
        let v = b.add_source(1);
        let s = b.add_sink(1, 1).unwrap();
        b.add_arc(v, s, i64::MAX).unwrap();
        assert_eq!(
            b.build(),
            Err(MatchingError::Overflow {
                nodes: 3,
                max_cost: i64::MAX
            })
        );
        // The largest accepted cost for 3 nodes: max_cost * 16 * 2 <= i64::MAX / 4.
        let limit = i64::MAX / 4 / 32;
        let mut b = TransportBuilder::new();
        let v = b.add_source(1);
        let s = b.add_sink(1, limit).unwrap();
        b.add_arc(v, s, limit - 1).unwrap();
        let p = b.build().unwrap();
        let sol = p.solve().unwrap();
        assert_eq!(sol.objective(), limit - 1);
        assert_eq!(verify(&p, &sol), Ok(()));
    }

    #[test]
    fn objective_overflow_is_reported() {
        // The penalty is accepted (5 nodes: penalty * 6^2 * 2 <= i64::MAX / 4), but three
        // sinks of u32::MAX unfilled slots each cost more than an i64 holds.
        let limit = i64::MAX / 4 / (6 * 6 * 2);
        let mut b = TransportBuilder::new();
        b.add_source(0);
        b.add_sink(u32::MAX, limit).unwrap();
        b.add_sink(u32::MAX, limit).unwrap();
        b.add_sink(u32::MAX, limit).unwrap();
        let p = b.build().unwrap();
        assert!(matches!(p.solve(), Err(MatchingError::Overflow { .. })));
    }

    #[test]
    fn verify_rejects_tampered_solutions() {
        let raw = Raw {
            caps: vec![1, 1],
            sinks: vec![(1, 100), (1, 100)],
            arcs: vec![(0, 0, 1, 1), (0, 1, 5, 1), (1, 0, 2, 1), (1, 1, 9, 1)],
        };
        let p = build(&raw);
        // The engine's certificate: arc (0, 0) is tight under it, so raising sink 0's price
        // breaks it. (The dense method's certificate leaves that arc slack, and a raised price
        // is then still a valid certificate: see `dense_certificates_reject_tampering`.)
        let good = p.solve_with_method(TransportMethod::ShortestPaths).unwrap();
        assert_eq!(verify(&p, &good), Ok(()));

        let mut bad = good.clone();
        bad.objective += 1;
        assert!(verify(&p, &bad).is_err());

        let mut bad = good.clone();
        bad.certificate.sink_price[0] += 1;
        assert!(verify(&p, &bad).is_err());

        let mut bad = good.clone();
        bad.certificate.source_rent[0] = -1;
        assert!(verify(&p, &bad).is_err());

        let mut bad = good.clone();
        bad.assignment.pop();
        assert!(verify(&p, &bad).is_err());

        // A feasible but suboptimal assignment with its true objective: no certificate fits.
        let mut bad = good.clone();
        bad.assignment = vec![
            UsedArc {
                source: SourceIndex(0),
                sink: SinkIndex(0),
                units: 1,
            },
            UsedArc {
                source: SourceIndex(1),
                sink: SinkIndex(1),
                units: 1,
            },
        ];
        bad.objective = 1 + 9;
        assert!(verify(&p, &bad).is_err());

        let mut bad = good;
        bad.assignment.push(UsedArc {
            source: SourceIndex(1),
            sink: SinkIndex(1),
            units: 0,
        });
        assert!(verify(&p, &bad).is_err());
    }

    #[test]
    fn error_messages_name_the_values() {
        insta::assert_snapshot!(
            MatchingError::UnknownSink { index: 4, count: 2 },
            @"arc names sink 4: the problem has 2 sinks"
        );
        insta::assert_snapshot!(
            MatchingError::DuplicateArc { source_index: 1, sink_index: 2 },
            @"arc from source 1 to sink 2 is given twice: expected at most one arc per pair"
        );
        insta::assert_snapshot!(
            MatchingError::Overflow { nodes: 3, max_cost: 9 },
            @"3 nodes with costs up to 9 risk i64 overflow: expected max_cost * (nodes + 1) <= 2^60, nodes and arcs < 2^31"
        );
    }
}
