//! Errors of the matching solvers.

/// Returned when a transportation or flow problem is malformed, too large for exact `i64`
/// arithmetic, infeasible, or when [`verify`](crate::matching::verify) rejects a solution.
///
/// # Example
/// ```
/// use volunteer_service::matching::{MatchingError, TransportBuilder};
/// let mut b = TransportBuilder::new();
/// let v = b.add_source(1);
/// let s = b.add_sink(1, 1_000)?;
/// let err = b.add_arc(v, s, -5).unwrap_err();
/// assert_eq!(err, MatchingError::NegativeCost { source_index: 0, sink_index: 0, cost: -5 });
/// assert_eq!(err.to_string(), "arc from source 0 to sink 0 has cost -5: expected cost >= 0");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MatchingError {
    /// An arc names a source (volunteer) that was not added.
    #[error("arc names source {index}: the problem has {count} sources")]
    UnknownSource {
        /// The unknown source index.
        index: u32,
        /// How many sources exist.
        count: usize,
    },
    /// An arc names a sink (shift) that was not added.
    #[error("arc names sink {index}: the problem has {count} sinks")]
    UnknownSink {
        /// The unknown sink index.
        index: u32,
        /// How many sinks exist.
        count: usize,
    },
    /// An arc names a node that was not added (general flow problems).
    #[error("arc names node {index}: the network has {count} nodes")]
    UnknownNode {
        /// The unknown node index.
        index: u32,
        /// How many nodes exist.
        count: usize,
    },
    /// A transportation arc has a negative cost.
    #[error(
        "arc from source {source_index} to sink {sink_index} has cost {cost}: expected cost >= 0"
    )]
    NegativeCost {
        /// The arc's source.
        source_index: u32,
        /// The arc's sink.
        sink_index: u32,
        /// The rejected cost.
        cost: i64,
    },
    /// A sink's unfilled penalty is negative.
    #[error("sink {index} has unfilled penalty {penalty}: expected penalty >= 0")]
    NegativePenalty {
        /// The sink that would have been added.
        index: u32,
        /// The rejected penalty.
        penalty: i64,
    },
    /// Two arcs join the same source and sink.
    #[error(
        "arc from source {source_index} to sink {sink_index} is given twice: expected at most one arc per pair"
    )]
    DuplicateArc {
        /// The arc's source.
        source_index: u32,
        /// The arc's sink.
        sink_index: u32,
    },
    /// A general flow network's supplies do not sum to zero.
    #[error("node supplies sum to {total}: expected 0")]
    Unbalanced {
        /// The sum of all supplies (saturated at the `i64` range).
        total: i64,
    },
    /// The supplies of a general flow network cannot be routed within the arc capacities.
    #[error("flow network is infeasible: supplies cannot reach demands within arc capacities")]
    Infeasible,
    /// The problem is too large for exact `i64` arithmetic.
    #[error(
        "{nodes} nodes with costs up to {max_cost} risk i64 overflow: expected max_cost * (nodes + 1) <= 2^60, nodes and arcs < 2^31"
    )]
    Overflow {
        /// Nodes of the internal network.
        nodes: usize,
        /// The largest absolute cost or penalty.
        max_cost: i64,
    },
    /// A warm start's previous solution and carry map disagree on how many sources or sinks
    /// there were.
    #[error(
        "warm start {field} covers {found} previous nodes: the previous solution has {expected}"
    )]
    WarmStartMismatch {
        /// `"source map"` or `"sink map"`.
        field: &'static str,
        /// Entries in the carry map.
        found: usize,
        /// Nodes of that kind in the previous solution.
        expected: usize,
    },
    /// A warm start's carry map sends two previous nodes onto one (or a key repeats).
    #[error(
        "warm start maps previous {side} {previous} onto {side} {index}, already taken: expected each node kept at most once"
    )]
    WarmStartRepeat {
        /// `"source"` or `"sink"`.
        side: &'static str,
        /// The previous node (or the first position of a repeated key).
        previous: u32,
        /// The new node named twice (or the second position of a repeated key).
        index: u32,
    },
    /// [`verify`](crate::matching::verify) rejected a solution or its certificate.
    #[error("solution rejected: {reason}")]
    Rejected {
        /// The first check that failed, naming the arc, node or sum involved.
        reason: String,
    },
}
