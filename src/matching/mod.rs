//! Exact solvers for matching volunteers (志愿者) to shifts (班次): a transportation /
//! b-matching solver and the general min-cost flow engine under it.
//!
//! This is the lower level of the matching engine. It knows nothing of eligibility or scores:
//! callers turn those into integer arc costs, then ask for an optimal assignment.
//!
//! - [`TransportProblem`] (built with [`TransportBuilder`]): sources (volunteers) with a
//!   capacity, sinks (shifts) with a demand in slots and a penalty per unfilled slot, candidate
//!   arcs with a cost `>= 0`. [`TransportProblem::solve`] minimises
//!   `Σ cost + Σ penalty × unfilled` exactly and returns a [`TransportSolution`] with an
//!   optimality certificate (LP dual values) that [`verify`] checks independently.
//! - [`FlowProblem`] (built with [`FlowBuilder`]): general min-cost flow with node supplies and
//!   arcs of integer capacity and cost, for callers with their own network.
//!
//! # Method
//! One exact engine, on compact CSR arrays (`u32` heads and capacities, `i64` costs, no
//! per-arc allocation):
//! 1. **Successive shortest paths** from a price-consistent greedy start (every supply node
//!    takes its cheapest units at once), with Dijkstra on reduced costs; a high-degree node
//!    relaxes only its cached best arcs unless the search reaches their bound. This finishes
//!    quickly when augmenting paths stay short — volunteers to spare — and is abandoned after
//!    a bounded, deterministic amount of work otherwise (counted in slot scans, never time).
//! 2. **Cost-scaling push–relabel** (Goldberg) for the rest: costs scaled by `n + 1`, `ε`
//!    divided by 16 per phase, FIFO discharge with look-ahead, global price updates (Dial
//!    buckets), multi-unit relabels for nodes with several units of excess, and a cache of the
//!    best arcs of each high-degree node (a shift with hundreds of candidates).
//!    Once `ε` is below one cost unit, each phase tries to prove optimality early.
//! 3. **Exact potentials**: one Dijkstra turns the final prices into integer node potentials
//!    under which every residual arc has reduced cost `>= 0`; they are the certificate.
//!
//! For the transportation problem a second scaling method is built for the bipartite shape
//! ([`TransportMethod::BipartiteScaling`]): a shift with `e` open slots takes its `e` best
//! volunteers in one step and lowers its price to just below the next best (an auction bid for
//! several slots), through a cache of its best arcs; a volunteer who receives a unit over its
//! capacity passes its least valuable unit back at once (a double push); the hub's arcs are
//! implicit (a lazy heap when the hub must return units); arcs are stored once per side in
//! packed arrays. Its `ε` is divided by 16 per phase while above 16 cost units, then by 32
//! down to 1/32 of a unit (the last phases end fine enough that the exact finish has little
//! left to route); it finishes with shortest paths from those prices (exact potentials).
//! [`TransportMethod::Auto`] (what [`TransportProblem::solve`] uses) tries shortest paths first
//! when volunteers are plentiful or the problem is dense, and bipartite scaling otherwise or
//! when that attempt runs out of budget.
//!
//! For assignment problems (一人一岗: every capacity and demand 0 or 1) a third method works on a
//! dense matrix ([`TransportMethod::DenseAssignment`]): Jonker–Volgenant (column reduction,
//! reduction transfer, augmenting row reduction, shortest augmenting paths) on the square of
//! volunteers × shifts, padded with idle volunteers or unfilled slots, each entry capped at the
//! shift's penalty; its duals give the certificate. [`TransportMethod::Auto`] uses it when at
//! least half of that square's entries are arcs and it has at most 2²² entries.
//!
//! The transportation problem is solved as a flow from shifts to a hub: each shift supplies its
//! slots, and each slot reaches the hub through a volunteer (arc cost, then the volunteer's
//! capacity) or directly (the penalty), so every problem is feasible.
//!
//! # Determinism
//! Same problem, same output, bit for bit: arcs are kept in canonical `(source, sink)` order
//! (for [`FlowProblem`], in the order added), and the engine is a fixed sequence of passes in
//! index order with ties broken by the lowest index. Shuffling the arcs of a
//! [`TransportBuilder`] does not change the solution.
//!
//! # Example
//! ```
//! use volunteer_service::matching::{verify, TransportBuilder};
//! let mut b = TransportBuilder::new();
//! let zhang = b.add_source(1);
//! let li = b.add_source(2);
//! let clinic = b.add_sink(2, 1_000_000)?; // 2 slots; an unfilled slot costs 1,000,000
//! let school = b.add_sink(1, 1_000_000)?;
//! b.add_arc(zhang, clinic, 120)?;
//! b.add_arc(li, clinic, 300)?;
//! b.add_arc(li, school, 50)?;
//! let problem = b.build()?;
//! let solution = problem.solve()?;
//! assert_eq!(solution.objective(), 120 + 300 + 50);
//! assert_eq!(solution.unfilled(), &[0, 0]);
//! verify(&problem, &solution)?;
//! # Ok::<(), volunteer_service::Error>(())
//! ```

mod assign;
mod bipartite;
mod candidates;
mod dense;
mod engine;
mod error;
mod flow;
mod match_error;
mod pairing;
mod paths;
mod score;
mod transport;
mod transport_arcs;

pub use assign::{
    FixHint, MatchInput, MatchObjective, MatchOutcome, Matcher, Optimality, Placement,
    Recommendation, RepairChange, RepairOutcome, RunnerUp, Shortage, WhyNot,
};
pub use error::MatchingError;
pub use flow::{FlowBuilder, FlowProblem, FlowSolution, NodeIndex, verify_flow};
pub use match_error::MatchError;
pub use pairing::{
    JurisdictionDemand, PairingOutcome, PairingPlan, PairingRequest, TeamOffer, apportion,
};
pub use score::{
    FACTOR_POINTS, Factor, MAX_PRIORITY, MAX_WEIGHT, MatchPolicy, ScoreBreakdown, ScoreWeights,
    VolunteerProfile,
};
pub use transport::{
    SinkIndex, SourceIndex, TransportBuilder, TransportCarry, TransportCertificate,
    TransportMethod, TransportProblem, TransportSolution, UsedArc, verify,
};
pub use transport_arcs::{TransportArc, TransportArcs, TransportArcsIter};
