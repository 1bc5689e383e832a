//! Dense assignment benchmark (issue 4: "dense 1000 × 1000 no slower than the `lapjv` crate"):
//! one 1000 × 1000 matrix solved in the same run by [`TransportProblem`] with
//! [`TransportMethod::Auto`] and [`TransportMethod::DenseAssignment`], and by `lapjv::lapjv`
//! (on the same costs as `f64`), so the ratio is measured on the same machine at the same time.
//!
//! The matrix is the benchmark kit's `d1000` instance when `/tmp/inst/d1000.txt` exists (or the
//! file named by `DENSE_BENCH_FILE`), else a seeded matrix of the same shape of costs (a city of
//! 40 communities: distance, jurisdiction, fairness and an ineligibility surcharge of 5,000).
//! Timing covers the solve only; the problem and the `f64` matrix are built once.
//!
//! Run: `cargo bench --bench dense`. Results and machine are recorded in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use volunteer_service::matching::{
    SinkIndex, SourceIndex, TransportBuilder, TransportMethod, TransportProblem, verify,
};

/// Unfilled-slot penalty of the benchmark kit.
const PENALTY: i64 = 1_000_000;

/// A `MATCHBENCH 1 dense` file: rows of costs.
fn read_dense(path: &str) -> Option<(usize, Vec<i64>)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut words = text.split_ascii_whitespace();
    if words.next()? != "MATCHBENCH" || words.next()? != "1" || words.next()? != "dense" {
        return None;
    }
    let rows: usize = words.next()?.parse().ok()?;
    let cols: usize = words.next()?.parse().ok()?;
    let _edges = words.next()?;
    let _penalty = words.next()?;
    if rows != cols {
        return None;
    }
    let costs: Vec<i64> = words.map(|w| w.parse().ok()).collect::<Option<_>>()?;
    (costs.len() == rows * cols).then_some((rows, costs))
}

/// A xorshift generator of uniform numbers in `[0, 1)`.
struct Rng(u64);

impl Rng {
    #[allow(clippy::cast_precision_loss, reason = "53 random bits")]
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// A point near one of `centres`, with its community.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "an index below 40"
    )]
    fn point(&mut self, centres: &[(f64, f64)]) -> (f64, f64, usize) {
        let c = (self.unit() * 40.0) as usize % 40;
        let (cx, cy) = centres.get(c).copied().unwrap_or((0.5, 0.5));
        let x = (cx + (self.unit() - 0.5) * 0.14).clamp(0.0, 1.0);
        let y = (cy + (self.unit() - 0.5) * 0.14).clamp(0.0, 1.0);
        (x, y, c)
    }
}

/// A seeded `n × n` matrix shaped like the kit's dense generator.
#[allow(
    clippy::cast_possible_truncation,
    reason = "synthetic coordinates in the unit square, rounded to small integer costs"
)]
fn seeded(n: usize) -> Vec<i64> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let centres: Vec<(f64, f64)> = (0..40).map(|_| (rng.unit(), rng.unit())).collect();
    let vols: Vec<_> = (0..n)
        .map(|_| (rng.point(&centres), (rng.unit() * 41.0) as i64))
        .collect();
    let shifts: Vec<_> = (0..n).map(|_| rng.point(&centres)).collect();
    let mut costs = Vec::with_capacity(n * n);
    for &((vx, vy, vc), hours) in &vols {
        for &(sx, sy, sc) in &shifts {
            let d = ((vx - sx).powi(2) + (vy - sy).powi(2)).sqrt();
            let mut cost = (600.0 * d / 0.1).round() as i64 + 4 * hours;
            if vc != sc {
                cost += 80;
            }
            if rng.unit() < 0.3 {
                cost += 5_000;
            }
            costs.push(cost);
        }
    }
    costs
}

fn problem(n: usize, costs: &[i64]) -> TransportProblem {
    let mut b = TransportBuilder::new();
    b.reserve_arcs(n * n);
    let n32 = u32::try_from(n).expect("n fits u32");
    for _ in 0..n {
        b.add_source(1);
    }
    for _ in 0..n {
        b.add_sink(1, PENALTY).expect("penalty >= 0");
    }
    for (v, row) in (0..n32).zip(costs.chunks(n)) {
        for (s, &c) in (0..n32).zip(row) {
            b.add_arc(SourceIndex::new(v), SinkIndex::new(s), c)
                .expect("valid arc");
        }
    }
    b.build().expect("valid problem")
}

fn dense(c: &mut Criterion) {
    let file = std::env::var("DENSE_BENCH_FILE").unwrap_or_else(|_| "/tmp/inst/d1000.txt".into());
    let (n, costs, source) = match read_dense(&file) {
        Some((n, costs)) => (n, costs, file),
        None => (1_000, seeded(1_000), "seeded".to_owned()),
    };
    let p = problem(n, &costs);
    #[allow(clippy::cast_precision_loss, reason = "costs below 2^53")]
    let matrix = lapjv::Matrix::from_shape_vec((n, n), costs.iter().map(|&c| c as f64).collect())
        .expect("square matrix");

    // Same optimum from all three, checked once before timing.
    let ours = p
        .solve_with_method(TransportMethod::DenseAssignment)
        .expect("solves");
    verify(&p, &ours).expect("certified");
    let (rows, _) = lapjv::lapjv(&matrix).expect("lapjv solves");
    let theirs: i64 = rows
        .iter()
        .enumerate()
        .map(|(i, &j)| costs[i * n + j])
        .sum();
    assert_eq!(ours.objective(), theirs, "same optimum as lapjv");
    assert_eq!(p.solve().expect("solves").objective(), theirs);
    eprintln!("dense bench: {source}, {n} x {n}, objective {theirs}");

    let mut group = c.benchmark_group(format!("dense_{n}"));
    group.sample_size(20);
    group.bench_function("transport_auto", |b| {
        b.iter(|| black_box(&p).solve().expect("solves"));
    });
    group.bench_function("transport_dense_assignment", |b| {
        b.iter(|| {
            black_box(&p)
                .solve_with_method(TransportMethod::DenseAssignment)
                .expect("solves")
        });
    });
    group.bench_function("lapjv_f64", |b| {
        b.iter(|| lapjv::lapjv(black_box(&matrix)).expect("lapjv solves"));
    });
    group.finish();
}

criterion_group!(benches, dense);
criterion_main!(benches);
