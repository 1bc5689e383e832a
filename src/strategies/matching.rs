//! Strategies for the matching solvers' problems.

use proptest::prelude::*;

use crate::matching::{
    FlowBuilder, FlowProblem, NodeIndex, SinkIndex, SourceIndex, TransportBuilder, TransportCarry,
    TransportProblem,
};

/// Small transportation problems: 1–8 sources with capacity 0–3, 1–5 sinks with demand 0–5
/// and penalty 0–1,000, and a random subset of the pairs as arcs with cost 0–500 and
/// capacity 1–2.
///
/// # Example
/// ```
/// use proptest::prelude::*;
/// use volunteer_service::{matching, strategies};
///
/// proptest!(|(p in strategies::transport_problem())| {
///     let sol = p.solve().unwrap();
///     prop_assert!(matching::verify(&p, &sol).is_ok());
/// });
/// ```
pub fn transport_problem() -> impl Strategy<Value = TransportProblem> {
    (1_u32..=8, 1_u32..=5).prop_flat_map(|(nv, ns)| {
        let pairs: Vec<(u32, u32)> = (0..nv).flat_map(|v| (0..ns).map(move |s| (v, s))).collect();
        let n_pairs = pairs.len();
        (
            proptest::collection::vec(0_u32..=3, nv as usize),
            proptest::collection::vec((0_u32..=5, 0_i64..=1_000), ns as usize),
            proptest::sample::subsequence(pairs, 0..=n_pairs),
            proptest::collection::vec((0_i64..=500, 1_u32..=2), n_pairs),
        )
            .prop_map(|(caps, sinks, pairs, costs)| {
                let mut b = TransportBuilder::new();
                for c in caps {
                    b.add_source(c);
                }
                for (d, p) in sinks {
                    b.add_sink(d, p).expect("penalty >= 0");
                }
                for ((v, s), (c, k)) in pairs.into_iter().zip(costs) {
                    b.add_arc_with_capacity(SourceIndex::new(v), SinkIndex::new(s), c, k)
                        .expect("generated within range");
                }
                b.build().expect("small problems fit")
            })
    })
}

/// Carry maps for a warm start from a problem with `previous_sources` sources and
/// `previous_sinks` sinks onto one with `sources` and `sinks`: each previous node is gone or
/// kept at a distinct, shuffled position.
///
/// # Example
/// ```
/// use proptest::prelude::*;
/// use volunteer_service::{matching, strategies};
///
/// let with_carry = strategies::transport_problem().prop_flat_map(|p| {
///     let (v, s) = (p.sources(), p.sinks());
///     (Just(p), strategies::transport_carry(v, s, v, s))
/// });
/// proptest!(|((p, carry) in with_carry)| {
///     // A stale, shuffled start still gives the optimum.
///     let warm = p.resolve_from(&p.solve().unwrap(), &carry).unwrap();
///     prop_assert_eq!(warm.objective(), p.solve().unwrap().objective());
///     prop_assert!(matching::verify(&p, &warm).is_ok());
/// });
/// ```
pub fn transport_carry(
    previous_sources: usize,
    previous_sinks: usize,
    sources: usize,
    sinks: usize,
) -> impl Strategy<Value = TransportCarry> {
    let positions = |n: usize| {
        let all: Vec<u32> = (0..u32::try_from(n).unwrap_or(u32::MAX)).collect();
        Just(all).prop_shuffle()
    };
    (
        positions(sources),
        proptest::collection::vec(any::<bool>(), previous_sources),
        positions(sinks),
        proptest::collection::vec(any::<bool>(), previous_sinks),
    )
        .prop_map(|(at_v, keep_v, at_s, keep_s)| {
            let sources = keep_v
                .iter()
                .enumerate()
                .map(|(i, &k)| at_v.get(i).filter(|_| k).map(|&x| SourceIndex::new(x)))
                .collect();
            let sinks = keep_s
                .iter()
                .enumerate()
                .map(|(i, &k)| at_s.get(i).filter(|_| k).map(|&x| SinkIndex::new(x)))
                .collect();
            TransportCarry::new(sources, sinks).expect("distinct positions")
        })
}

/// Small balanced flow networks: 2–6 nodes with supplies −3..=3 summing to zero, up to 10 arcs
/// with capacity 0–3 and cost −50..=50 (the network may be infeasible).
///
/// # Example
/// ```
/// use proptest::prelude::*;
/// use volunteer_service::{matching, strategies};
///
/// proptest!(|(p in strategies::flow_problem())| {
///     if let Ok(sol) = p.solve() {
///         prop_assert!(matching::verify_flow(&p, &sol).is_ok());
///     }
/// });
/// ```
pub fn flow_problem() -> impl Strategy<Value = FlowProblem> {
    (2_u32..=6).prop_flat_map(|n| {
        (
            proptest::collection::vec(-3_i64..=3, n as usize - 1),
            proptest::collection::vec((0..n, 0..n, 0_u32..=3, -50_i64..=50), 0..=10),
        )
            .prop_map(|(supply, arcs)| {
                let mut b = FlowBuilder::new();
                let last = -supply.iter().sum::<i64>();
                for s in supply.into_iter().chain([last]) {
                    b.add_node(s);
                }
                for (u, v, k, c) in arcs {
                    b.add_arc(NodeIndex::new(u), NodeIndex::new(v), k, c)
                        .expect("nodes exist");
                }
                b.build().expect("balanced by construction")
            })
    })
}
