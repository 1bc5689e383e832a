//! Solves one `MATCHBENCH 1` instance (see the benchmark kit) with the crate's exact
//! transportation solver, verifies the certificate, and prints one JSON line.
//!
//! ```text
//! cargo run --release --example matchbench -- /tmp/inst/s100k.txt
//! cargo run --release --example matchbench -- /tmp/inst/s100k.txt --method bipartite_scaling
//! ```
//!
//! `--method` is `auto` (the default, what `TransportProblem::solve` uses), `shortest_paths`,
//! `bipartite_scaling` or `dense` (`dense_assignment`: Jonker–Volgenant on a dense matrix, for
//! instances with unit capacities and demands such as the dense kind).
//!
//! `--repair PERCENT` then withdraws a seeded PERCENT of the assigned volunteers (their
//! sources and arcs are removed), re-solves warm from the first solution with
//! `TransportProblem::resolve_from`, and cold with the same method, and reports `repair_s`,
//! `cold_s`, both objectives and how many placements changed:
//!
//! ```text
//! cargo run --release --example matchbench -- /tmp/inst/s100k.txt --repair 1
//! ```

use std::io::{BufRead, BufReader, Read};
use std::time::Instant;

use volunteer_service::matching::{
    SinkIndex, SourceIndex, TransportBuilder, TransportCarry, TransportMethod, TransportProblem,
    TransportSolution, verify,
};

type BoxError = Box<dyn std::error::Error>;

/// A streaming whitespace tokenizer over a buffered reader, parsing integers without
/// allocating per token.
struct Tokens<R: Read> {
    reader: BufReader<R>,
}

impl<R: Read> Tokens<R> {
    fn word(&mut self) -> Result<Vec<u8>, BoxError> {
        let mut out = Vec::new();
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let mut used = 0;
            let mut done = false;
            for &b in buf {
                used += 1;
                if b.is_ascii_whitespace() {
                    if !out.is_empty() {
                        done = true;
                        break;
                    }
                } else {
                    out.push(b);
                }
            }
            self.reader.consume(used);
            if done {
                break;
            }
        }
        if out.is_empty() {
            return Err("unexpected end of file".into());
        }
        Ok(out)
    }

    fn int(&mut self) -> Result<i64, BoxError> {
        let mut value: i64 = 0;
        let mut negative = false;
        let mut seen = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let mut used = 0;
            let mut done = false;
            for &b in buf {
                used += 1;
                match b {
                    b'0'..=b'9' => {
                        seen = true;
                        value = value
                            .checked_mul(10)
                            .and_then(|v| v.checked_add(i64::from(b - b'0')))
                            .ok_or("integer overflow")?;
                    }
                    b'-' if !seen && !negative => negative = true,
                    _ if b.is_ascii_whitespace() => {
                        if seen || negative {
                            done = true;
                            break;
                        }
                    }
                    _ => return Err(format!("unexpected byte {b:?}").into()),
                }
            }
            self.reader.consume(used);
            if done {
                break;
            }
        }
        if !seen {
            return Err("expected an integer".into());
        }
        Ok(if negative { -value } else { value })
    }

    fn u32(&mut self) -> Result<u32, BoxError> {
        Ok(u32::try_from(self.int()?)?)
    }
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(-1.0, |kb| kb / 1024.0)
}

/// User + system CPU seconds of this process (from `/proc/self/stat`, 100 ticks a second).
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> Result<(), BoxError> {
    let usage = "usage: matchbench FILE [--method auto|shortest_paths|bipartite_scaling|dense] [--repair PERCENT [--keep-bonus COST]]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or(usage)?.clone();
    let mut method_name = "auto".to_owned();
    let mut repair: Option<f64> = None;
    let mut keep_bonus: i64 = 0;
    let mut rest = args.iter().skip(1);
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--method" => method_name.clone_from(rest.next().ok_or(usage)?),
            "--repair" => repair = Some(rest.next().ok_or(usage)?.parse()?),
            "--keep-bonus" => keep_bonus = rest.next().ok_or(usage)?.parse()?,
            _ => return Err(usage.into()),
        }
    }
    let method = match method_name.as_str() {
        "auto" => TransportMethod::Auto,
        "shortest_paths" => TransportMethod::ShortestPaths,
        "bipartite_scaling" => TransportMethod::BipartiteScaling,
        "dense" | "dense_assignment" => TransportMethod::DenseAssignment,
        _ => return Err(usage.into()),
    };
    let t0 = Instant::now();
    let mut tok = Tokens {
        reader: BufReader::with_capacity(1 << 20, std::fs::File::open(&path)?),
    };
    if tok.word()? != b"MATCHBENCH" || tok.int()? != 1 {
        return Err("not a MATCHBENCH 1 file".into());
    }
    let kind = tok.word()?;
    let (rows, cols, m, penalty) = (tok.u32()?, tok.u32()?, tok.int()?, tok.int()?);
    let mut builder = TransportBuilder::new();
    builder.reserve_arcs(usize::try_from(m)?);
    match kind.as_slice() {
        b"sparse" => {
            for _ in 0..cols {
                builder.add_sink(tok.u32()?, penalty)?;
            }
            for _ in 0..rows {
                let cap = tok.u32()?;
                builder.add_source(cap);
            }
            for _ in 0..m {
                let (v, s, cost) = (tok.u32()?, tok.u32()?, tok.int()?);
                builder.add_arc(SourceIndex::new(v), SinkIndex::new(s), cost)?;
            }
        }
        b"dense" => {
            for _ in 0..cols {
                builder.add_sink(1, penalty)?;
            }
            for _ in 0..rows {
                builder.add_source(1);
            }
            for v in 0..rows {
                for s in 0..cols {
                    let cost = tok.int()?;
                    builder.add_arc(SourceIndex::new(v), SinkIndex::new(s), cost)?;
                }
            }
        }
        other => return Err(format!("unknown kind {:?}", String::from_utf8_lossy(other)).into()),
    }
    let problem = builder.build()?;
    let build_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let c1 = cpu_s();
    let solution = problem.solve_with_method(method)?;
    let solve_s = t1.elapsed().as_secs_f64();
    let solve_cpu_s = cpu_s() - c1;
    let t2 = Instant::now();
    verify(&problem, &solution)?;
    let verify_s = t2.elapsed().as_secs_f64();
    let assigned: u64 = solution.filled().iter().map(|&f| u64::from(f)).sum();
    let unfilled: u64 = solution.unfilled().iter().map(|&f| u64::from(f)).sum();
    let repaired = match repair {
        Some(percent) => repair_figures(&problem, &solution, method, percent, keep_bonus)?,
        None => String::new(),
    };
    println!(
        "{{\"solver\": \"volunteer_service::matching\", \"method\": {method_name:?}, \"instance\": {path:?}, \"objective\": {}, \"assigned\": {assigned}, \"unfilled\": {unfilled}, \"solve_s\": {solve_s:.4}, \"solve_cpu_s\": {solve_cpu_s:.2}, \"build_s\": {build_s:.4}, \"verify_s\": {verify_s:.4}, \"verified\": true{repaired}, \"peak_rss_mb\": {:.1}}}",
        solution.objective(),
        peak_rss_mb()
    );
    Ok(())
}

/// Withdraws a seeded `percent` of the assigned volunteers, re-solves warm and cold, checks
/// both, and returns the JSON fields to add.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "a benchmark driver: counts well inside f64 and u32"
)]
fn repair_figures(
    problem: &TransportProblem,
    solution: &TransportSolution,
    method: TransportMethod,
    percent: f64,
    keep_bonus: i64,
) -> Result<String, BoxError> {
    let nv = problem.sources();
    let mut assigned: Vec<u32> = solution
        .assignment()
        .iter()
        .map(|u| u.source().get())
        .collect();
    assigned.dedup();
    // Seeded partial Fisher–Yates (xorshift, seed 1): the first `k` are withdrawn.
    let k = ((assigned.len() as f64) * percent / 100.0).round() as usize;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..k.min(assigned.len()) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let j = i + (x % (assigned.len() - i) as u64) as usize;
        assigned.swap(i, j);
    }
    let mut gone = vec![false; nv];
    for &v in &assigned[..k.min(assigned.len())] {
        gone[v as usize] = true;
    }
    // The changed problem: withdrawn volunteers and their arcs removed, the rest renumbered.
    let t0 = Instant::now();
    let mut b = TransportBuilder::new();
    b.reserve_arcs(problem.arcs().len());
    let mut map = vec![None; nv];
    for v in 0..nv {
        if !gone[v] {
            let cap = problem
                .source_capacity(SourceIndex::new(v as u32))
                .ok_or("source")?;
            map[v] = Some(b.add_source(cap));
        }
    }
    let ns = problem.sinks();
    for s in 0..ns {
        let s = SinkIndex::new(s as u32);
        b.add_sink(
            problem.sink_demand(s).ok_or("sink")?,
            problem.sink_penalty(s).ok_or("sink")?,
        )?;
    }
    let kept: std::collections::HashSet<(u32, u32)> = solution
        .assignment()
        .iter()
        .map(|u| (u.source().get(), u.sink().get()))
        .collect();
    for a in problem.arcs() {
        if let Some(v) = map[a.source().get() as usize] {
            let placed = kept.contains(&(a.source().get(), a.sink().get()));
            let cost = if placed {
                a.cost()
            } else {
                a.cost() + keep_bonus
            };
            b.add_arc_with_capacity(v, a.sink(), cost, a.capacity())?;
        }
    }
    let changed = b.build()?;
    let rebuild_s = t0.elapsed().as_secs_f64();
    let carry = TransportCarry::new(
        map,
        (0..ns).map(|s| Some(SinkIndex::new(s as u32))).collect(),
    )?;
    let t1 = Instant::now();
    let c1 = cpu_s();
    let warm = changed.resolve_from(solution, &carry)?;
    let repair_s = t1.elapsed().as_secs_f64();
    let repair_cpu_s = cpu_s() - c1;
    verify(&changed, &warm)?;
    let t2 = Instant::now();
    let cold = changed.solve_with_method(method)?;
    let cold_s = t2.elapsed().as_secs_f64();
    verify(&changed, &cold)?;
    if warm.objective() != cold.objective() {
        return Err(format!(
            "warm objective {} differs from cold {}",
            warm.objective(),
            cold.objective()
        )
        .into());
    }
    // Placements changed: previous pairs (of volunteers still present) not kept, plus new pairs.
    let before: std::collections::BTreeSet<(u32, u32)> = solution
        .assignment()
        .iter()
        .filter_map(|u| Some((carry.source(u.source())?.get(), u.sink().get())))
        .collect();
    let after: std::collections::BTreeSet<(u32, u32)> = warm
        .assignment()
        .iter()
        .map(|u| (u.source().get(), u.sink().get()))
        .collect();
    let moved = before.difference(&after).count() + after.difference(&before).count();
    Ok(format!(
        ", \"repair_percent\": {percent}, \"keep_bonus\": {keep_bonus}, \"withdrawn\": {k}, \"rebuild_s\": {rebuild_s:.4}, \"repair_s\": {repair_s:.4}, \"repair_cpu_s\": {repair_cpu_s:.2}, \"cold_s\": {cold_s:.4}, \"repair_objective\": {}, \"cold_objective\": {}, \"objectives_equal\": true, \"repair_changes\": {moved}",
        warm.objective(),
        cold.objective()
    ))
}
